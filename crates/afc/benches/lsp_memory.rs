//! Memory and threads of the real `afc lsp` process (Linux: read from `/proc/PID/status`):
//!
//! 1. a 5,000-line flow opened and completed, every catalog loaded (target: under 60 MB);
//! 2. a 1.7 MB flow receiving 6,000 incremental edits as fast as a client can send them, then
//!    closed: peak and final resident memory and the most threads seen (the server must stay
//!    proportional to the document, not to the number of edits, and return to about its
//!    size once the document is closed).
//!
//! `cargo bench -p afc --bench lsp_memory` (release build). `AFC_BIN=/path/to/afc` measures
//! another binary, e.g. an older release, for a before/after comparison. Prints numbers; it
//! is a measurement, not a test, so nothing here fails on a slow or busy machine.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// `VmRSS`, `VmHWM` (peak) in MiB and `Threads` of a process.
#[derive(Debug, Clone, Copy, Default)]
struct Status {
    rss: f64,
    peak: f64,
    threads: u64,
}

fn status(pid: u32) -> Option<Status> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = text.lines().find(|l| l.starts_with(name))?;
        line.split_whitespace().nth(1)?.parse().ok()
    };
    Some(Status {
        rss: field("VmRSS:")? as f64 / 1024.0,
        peak: field("VmHWM:")? as f64 / 1024.0,
        threads: field("Threads:")?,
    })
}

struct Server {
    child: Child,
    stdin: ChildStdin,
    /// Messages from the server.
    rx: mpsc::Receiver<Value>,
    next_id: i64,
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
    fn start() -> Server {
        let bin = std::env::var_os("AFC_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_afc").into());
        let mut child = Command::new(&bin)
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.to_string_lossy()));
        let stdin = child.stdin.take().unwrap_or_else(|| panic!("no stdin"));
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
        let mut s = Server {
            child,
            stdin,
            rx,
            next_id: 1,
        };
        let id = s.request("initialize", json!({ "capabilities": {} }));
        s.wait(|m| m["id"] == id);
        s.notify("initialized", json!({}));
        s
    }

    fn send(&mut self, v: &Value) {
        let body = v.to_string();
        let framed = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.stdin
            .write_all(framed.as_bytes())
            .unwrap_or_else(|e| panic!("write: {e}"));
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    fn request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    /// Waits for a message, sampling the process meanwhile; returns the message and the
    /// highest thread count seen.
    fn wait(&mut self, pred: impl Fn(&Value) -> bool) -> (Value, u64) {
        let pid = self.child.id();
        let mut threads = 0;
        let deadline = Instant::now() + Duration::from_secs(1800);
        while Instant::now() < deadline {
            threads = threads.max(status(pid).map_or(0, |s| s.threads));
            match self.rx.recv_timeout(Duration::from_millis(50)) {
                Ok(m) if pred(&m) => return (m, threads),
                Ok(_) | Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => panic!("the server exited"),
            }
        }
        panic!("no answer within 30 minutes");
    }

    fn diagnostics(&mut self, uri: &str, version: i64) -> u64 {
        self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        })
        .1
    }

    fn stop(mut self) {
        let id = self.request("shutdown", Value::Null);
        self.wait(|m| m["id"] == id);
        self.notify("exit", Value::Null);
        let _ = self.child.wait();
    }
}

/// A flow of about `bytes` bytes: actions with tactics, chained.
fn flow(bytes: usize) -> String {
    let mut s = String::from(
        "flow \"Memory\" {\n  scope: incident\n  created: 2026-01-01T00:00:00Z\n  description: \"Generated.\"\n}\n",
    );
    let mut i = 0;
    while s.len() < bytes {
        s.push_str(&format!(
            "action a{i} T1566.002 \"Step {i}\" {{\n  tactic: TA0001\n}}\n"
        ));
        if i > 0 {
            s.push_str(&format!("a{} -> a{i}\n", i - 1));
        }
        i += 1;
    }
    s
}

fn open(s: &mut Server, uri: &str, text: &str) {
    s.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "attackflow", "version": 1, "text": text } }),
    );
}

fn five_thousand_lines() {
    let mut s = Server::start();
    let pid = s.child.id();
    let text = {
        let mut t = String::new();
        let mut f = flow(0);
        let mut i = 0;
        while f.lines().count() < 5_000 {
            f.push_str(&format!(
                "action b{i} T1059.001 \"Run {i}\" {{\n  tactic: TA0002\n}}\n"
            ));
            i += 1;
        }
        f.push_str("action last ");
        t.push_str(&f);
        t
    };
    let uri = "file:///memory/five-thousand.af";
    open(&mut s, uri, &text);
    s.diagnostics(uri, 1);
    let line = text.lines().count() - 1;
    let id = s.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": 12 } }),
    );
    let (answer, _) = s.wait(|m| m["id"] == id);
    let items = answer["result"]["items"].as_array().map_or(0, Vec::len);
    let st = status(pid).unwrap_or_default();
    println!(
        "5,000-line flow open, {items} completion items from every catalog: resident {:.1} MB (target under 60 MB), threads {}",
        st.rss, st.threads
    );
    s.stop();
}

fn many_edits() {
    let mut s = Server::start();
    let pid = s.child.id();
    let before = status(pid).unwrap_or_default();
    let text = flow(1_700_000);
    let lines = text.lines().count();
    let uri = "file:///memory/big.af";
    let started = Instant::now();
    open(&mut s, uri, &text);
    let mut threads = s.diagnostics(uri, 1);
    let opened = status(pid).unwrap_or_default();
    const EDITS: i64 = 6_000;
    // Typing a comment on the last line, one character per change, as fast as possible.
    let last = lines;
    for n in 0..EDITS {
        let at = json!({ "line": last, "character": n });
        let ch = if n == 0 { "#" } else { "x" };
        s.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": n + 2 },
                    "contentChanges": [{ "range": { "start": at, "end": at }, "text": ch }] }),
        );
        if n % 500 == 0 {
            threads = threads.max(status(pid).map_or(0, |s| s.threads));
        }
    }
    threads = threads.max(s.diagnostics(uri, EDITS + 1));
    let edited = status(pid).unwrap_or_default();
    let elapsed = started.elapsed();
    s.notify("textDocument/didClose", json!({ "textDocument": { "uri": uri } }));
    s.wait(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri
            && m["params"]["diagnostics"] == json!([])
    });
    std::thread::sleep(Duration::from_secs(2));
    let closed = status(pid).unwrap_or_default();
    println!(
        "1.7 MB flow ({lines} lines), {EDITS} incremental edits in {:.1} s: resident {:.0} MB at start, {:.0} MB once open, \
         {:.0} MB after the edits (peak {:.0} MB), {:.0} MB after closing; at most {threads} threads",
        elapsed.as_secs_f64(),
        before.rss,
        opened.rss,
        edited.rss,
        edited.peak.max(closed.peak),
        closed.rss
    );
    s.stop();
}

fn main() {
    if status(std::process::id()).is_none() {
        println!("skipped: no /proc/PID/status on this system");
        return;
    }
    // `cargo bench` passes `--bench`; a filter argument selects one measurement.
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let wanted = |name: &str| filter.is_empty() || filter.iter().any(|f| name.contains(f.as_str()));
    if wanted("five_thousand_lines") {
        five_thousand_lines();
    }
    if wanted("many_edits") {
        many_edits();
    }
}
