//! `afc lsp` as editors start it: the transport arguments clients add, the exit codes of the
//! protocol, stopping when the client process is gone, and a bounded number of threads under
//! a flood of requests.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A guard against hangs, not a time limit.
const TIMEOUT: Duration = Duration::from_secs(300);

fn afc() -> Command {
    Command::new(env!("CARGO_BIN_EXE_afc"))
}

struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: mpsc::Receiver<Value>,
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            len = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; len?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Server {
    fn start(args: &[&str]) -> Server {
        let mut child = afc()
            .arg("lsp")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run afc lsp: {e}"));
        let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(m) = read_message(&mut r) {
                if tx.send(m).is_err() {
                    return;
                }
            }
        });
        let stdin = child.stdin.take();
        let mut s = Server { child, stdin, rx };
        s.send(
            &json!({ "jsonrpc": "2.0", "id": 0, "method": "initialize", "params": { "capabilities": {} } }),
        );
        s.wait(|m| m["id"] == 0);
        s.send(&json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }));
        s
    }

    fn send(&mut self, v: &Value) {
        let body = v.to_string();
        let framed = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        if let Some(stdin) = &mut self.stdin {
            stdin
                .write_all(framed.as_bytes())
                .unwrap_or_else(|e| panic!("write: {e}"));
        }
    }

    fn wait(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        while Instant::now() < deadline {
            match self.rx.recv_timeout(Duration::from_millis(100)) {
                Ok(m) if pred(&m) => return m,
                Ok(_) | Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => panic!("afc lsp stopped"),
            }
        }
        panic!("no such message within {TIMEOUT:?}");
    }

    /// Waits for the process to end (the pipe stays open) and returns its exit code.
    fn exit_code(&mut self) -> Option<i32> {
        let deadline = Instant::now() + TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        panic!("afc lsp did not stop within {TIMEOUT:?}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_transport_arguments_of_lsp_clients_are_accepted() {
    // What vscode-languageclient runs for an executable with the stdio transport.
    let mut s = Server::start(&["--stdio"]);
    s.send(&json!({ "jsonrpc": "2.0", "id": 1, "method": "shutdown" }));
    s.wait(|m| m["id"] == 1);
    s.send(&json!({ "jsonrpc": "2.0", "method": "exit" }));
    assert_eq!(s.exit_code(), Some(0));
    // Both spellings of the client process id.
    let me = std::process::id().to_string();
    for args in [
        vec!["--stdio".to_string(), format!("--clientProcessId={me}")],
        vec!["--clientProcessId".to_string(), me.clone()],
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut s = Server::start(&args);
        s.send(&json!({ "jsonrpc": "2.0", "id": 1, "method": "shutdown" }));
        s.wait(|m| m["id"] == 1);
        s.send(&json!({ "jsonrpc": "2.0", "method": "exit" }));
        assert_eq!(s.exit_code(), Some(0), "{args:?}");
    }
}

#[test]
fn transports_other_than_stdio_are_refused_clearly() {
    for arg in ["--node-ipc", "--socket=5007", "--pipe=/tmp/afc-lsp.sock"] {
        let out = afc()
            .args(["lsp", arg])
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.status.code(), Some(2), "{arg}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("standard input and output only"), "{arg}: {err}");
    }
}

#[test]
fn exit_without_shutdown_exits_1() {
    let mut s = Server::start(&[]);
    s.send(&json!({ "jsonrpc": "2.0", "method": "exit" }));
    assert_eq!(s.exit_code(), Some(1));
}

#[test]
fn the_server_stops_when_the_client_process_is_gone() {
    if !std::path::Path::new("/proc/self/stat").exists() {
        println!("skipped: no /proc to watch processes with");
        return;
    }
    let mut client = Command::new("sleep")
        .arg("600")
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run sleep: {e}"));
    let pid = client.id().to_string();
    let mut s = Server::start(&["--stdio", &format!("--clientProcessId={pid}")]);
    let _ = client.kill();
    let _ = client.wait();
    // Standard input stays open: only the client's death can stop the server.
    assert_eq!(s.exit_code(), Some(1));
}

fn threads(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))?
        .trim()
        .parse()
        .ok()
}

#[test]
fn a_flood_of_requests_and_edits_uses_a_bounded_number_of_threads() {
    if threads(std::process::id()).is_none() {
        println!("skipped: no /proc/PID/status to count threads with");
        return;
    }
    let mut s = Server::start(&[]);
    let pid = s.child.id();
    let mut text = String::from(
        "flow \"Flood\" {\n  scope: incident\n  created: 2026-01-01T00:00:00Z\n  description: \"d\"\n}\n",
    );
    for i in 0..500 {
        text.push_str(&format!("action a{i} T1566.002 \"Step {i}\"\n"));
        if i > 0 {
            text.push_str(&format!("a{} -> a{i}\n", i - 1));
        }
    }
    let uri = "file:///flood.af";
    s.send(
        &json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": { "uri": uri, "languageId": "attackflow", "version": 1, "text": text } } }),
    );
    let lines = text.lines().count();
    let mut most = 0;
    for n in 0..150i64 {
        let at = json!({ "line": lines, "character": 0 });
        s.send(
            &json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": { "uri": uri, "version": n + 2 },
            "contentChanges": [{ "range": { "start": at, "end": at }, "text": "#" }] } }),
        );
        let pos = json!({ "line": 5 + (n as usize % 100), "character": 12 });
        for (k, method) in [
            "textDocument/hover",
            "textDocument/completion",
            "textDocument/documentSymbol",
        ]
        .into_iter()
        .enumerate()
        {
            s.send(
                &json!({ "jsonrpc": "2.0", "id": 10_000 + 3 * n + k as i64, "method": method, "params": {
                "textDocument": { "uri": uri }, "position": pos } }),
            );
        }
        if n % 10 == 0 {
            most = most.max(threads(pid).unwrap_or(0));
        }
    }
    s.wait(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == 151);
    most = most.max(threads(pid).unwrap_or(0));
    // The main thread, the workers, one thread reading standard input, one writing output.
    let bound = af_lsp::server::WORKER_THREADS as u64 + 3;
    assert!(most <= bound, "afc lsp ran {most} threads (bound {bound})");
}
