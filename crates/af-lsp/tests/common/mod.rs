//! An in-process LSP client for the tests: the real server (`af_lsp::serve`) on one end of two
//! in-memory pipes, JSON-RPC messages with `Content-Length` framing on the other.

#![allow(dead_code)]

use serde_json::{json, Value};
use std::collections::VecDeque;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf};

/// How long a test waits for any one message.
const TIMEOUT: Duration = Duration::from_secs(60);

pub struct Client {
    write: WriteHalf<DuplexStream>,
    read: BufReader<ReadHalf<DuplexStream>>,
    next_id: i64,
    /// Notifications and requests from the server not yet looked at.
    pub inbox: VecDeque<Value>,
    /// The server; its output is the exit code.
    pub server: tokio::task::JoinHandle<u8>,
    /// What `workspace/configuration` is answered with.
    pub configuration: Value,
}

/// Text with a `$0` cursor marker: the text without it and the marker's LSP position
/// (UTF-16 columns).
pub fn fixture(src: &str) -> (String, Value) {
    let offset = src.find("$0").unwrap_or_else(|| panic!("no $0 in {src:?}"));
    let text = src.replacen("$0", "", 1);
    (text.clone(), pos_of(&text, offset))
}

/// The LSP position of a byte offset.
pub fn pos_of(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |p| p + 1);
    let character: usize = before[start..].chars().map(char::len_utf16).sum();
    json!({ "line": line, "character": character })
}

/// The byte offset of an LSP position (for applying edits in tests).
pub fn offset_of(text: &str, pos: &Value) -> usize {
    let line = pos["line"].as_u64().unwrap_or(0) as usize;
    let ch = pos["character"].as_u64().unwrap_or(0) as usize;
    let start = text.split_inclusive('\n').take(line).map(str::len).sum::<usize>();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= ch || c == '\n' {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// Applies LSP text edits to a text.
pub fn apply_edits(text: &str, edits: &Value) -> String {
    let mut edits: Vec<(usize, usize, String)> = edits
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    (
                        offset_of(text, &e["range"]["start"]),
                        offset_of(text, &e["range"]["end"]),
                        e["newText"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (s, e, t) in edits {
        out.replace_range(s..e, &t);
    }
    out
}

pub fn uri(name: &str) -> String {
    format!("file:///work/{name}")
}

impl Client {
    /// Starts a server (with the debugging requests on) and a client connected to it.
    pub fn start() -> Client {
        let (client_end, server_end) = tokio::io::duplex(1 << 22);
        let (server_read, server_write) = tokio::io::split(server_end);
        let server = tokio::spawn(af_lsp::serve(
            server_read,
            server_write,
            af_lsp::ServerOptions { debug_requests: true },
        ));
        let (read, write) = tokio::io::split(client_end);
        Client {
            write,
            read: BufReader::new(read),
            next_id: 1,
            inbox: VecDeque::new(),
            server,
            configuration: json!([null]),
        }
    }

    /// Starts a server and runs `initialize`/`initialized` with these options.
    pub async fn initialized(options: Value) -> Client {
        let mut c = Client::start();
        let caps = json!({ "workspace": { "configuration": true } });
        let r = c
            .request(
                "initialize",
                json!({ "capabilities": caps, "initializationOptions": options }),
            )
            .await;
        assert!(r.get("result").is_some(), "initialize failed: {r}");
        c.notify("initialized", json!({})).await;
        c
    }

    pub async fn send_raw(&mut self, body: &str) {
        let msg = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.send_bytes(msg.as_bytes()).await;
    }

    /// Writes bytes as they are, framing and all.
    pub async fn send_bytes(&mut self, bytes: &[u8]) {
        self.write
            .write_all(bytes)
            .await
            .unwrap_or_else(|e| panic!("write: {e}"));
        self.write.flush().await.unwrap_or_else(|e| panic!("flush: {e}"));
    }

    /// Waits for the server to stop and returns its exit code.
    pub async fn exit_code(self) -> u8 {
        let Client { server, write, .. } = self;
        drop(write);
        tokio::time::timeout(TIMEOUT, server)
            .await
            .unwrap_or_else(|_| panic!("the server did not stop within {TIMEOUT:?}"))
            .unwrap_or_else(|e| panic!("the server task failed: {e}"))
    }

    async fn send(&mut self, v: &Value) {
        self.send_raw(&v.to_string()).await;
    }

    /// Reads one message from the server.
    pub async fn read(&mut self) -> Value {
        tokio::time::timeout(TIMEOUT, self.read_inner())
            .await
            .unwrap_or_else(|_| panic!("no message from the server within {TIMEOUT:?}"))
    }

    async fn read_inner(&mut self) -> Value {
        let mut len = None;
        loop {
            let mut line = String::new();
            let n = self
                .read
                .read_line(&mut line)
                .await
                .unwrap_or_else(|e| panic!("read: {e}"));
            assert!(n > 0, "the server closed the stream");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                len = v.parse::<usize>().ok();
            }
        }
        let mut buf = vec![0; len.unwrap_or_else(|| panic!("no Content-Length"))];
        self.read
            .read_exact(&mut buf)
            .await
            .unwrap_or_else(|e| panic!("read body: {e}"));
        serde_json::from_slice(&buf).unwrap_or_else(|e| panic!("bad JSON from the server: {e}"))
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }))
            .await;
    }

    /// Sends a request and returns the whole response (`result` or `error`); messages that
    /// arrive before it go to the inbox, server requests are answered with `null`.
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }))
            .await;
        self.response_to(json!(id)).await
    }

    pub async fn response_to(&mut self, id: Value) -> Value {
        loop {
            let msg = self.read().await;
            if msg.get("method").is_none() && msg["id"] == id {
                return msg;
            }
            self.keep(msg).await;
        }
    }

    /// The result of a request, failing the test on an error answer.
    pub async fn call(&mut self, method: &str, params: Value) -> Value {
        let r = self.request(method, params).await;
        match r.get("result") {
            Some(v) => v.clone(),
            None => panic!("{method} failed: {r}"),
        }
    }

    async fn keep(&mut self, msg: Value) {
        if msg.get("method").is_some() && msg.get("id").is_some() {
            // A request from the server (workspace/configuration, …): answer it.
            let result = match msg["method"].as_str() {
                Some("workspace/configuration") => self.configuration.clone(),
                _ => Value::Null,
            };
            let reply = json!({ "jsonrpc": "2.0", "id": msg["id"], "result": result });
            self.send(&reply).await;
        }
        self.inbox.push_back(msg);
    }

    /// The next notification `method` whose params satisfy `pred` (from the inbox first).
    pub async fn notification(&mut self, method: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self
            .inbox
            .iter()
            .position(|m| m["method"] == method && pred(&m["params"]))
        {
            return self
                .inbox
                .remove(i)
                .map(|m| m["params"].clone())
                .unwrap_or_default();
        }
        loop {
            let msg = self.read().await;
            if msg["method"] == method && msg.get("id").is_none() && pred(&msg["params"]) {
                return msg["params"].clone();
            }
            self.keep(msg).await;
        }
    }

    /// Waits for a request `method` from the server (answered as [`Client::keep`] does) and
    /// returns its params.
    pub async fn server_request(&mut self, method: &str) -> Value {
        let found = |m: &Value| m["method"] == method && m.get("id").is_some();
        if let Some(i) = self.inbox.iter().position(found) {
            return self
                .inbox
                .remove(i)
                .map(|m| m["params"].clone())
                .unwrap_or_default();
        }
        loop {
            let msg = self.read().await;
            let hit = found(&msg);
            let params = msg["params"].clone();
            self.keep(msg).await;
            if hit {
                self.inbox.pop_back();
                return params;
            }
        }
    }

    /// Opens a document and waits for its first diagnostics.
    pub async fn open(&mut self, name: &str, text: &str) -> Value {
        let u = uri(name);
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": u, "languageId": "afc", "version": 1, "text": text } }),
        )
        .await;
        self.diagnostics_for(name, 1).await
    }

    /// Waits for the diagnostics of `name` at `version`.
    pub async fn diagnostics_for(&mut self, name: &str, version: i64) -> Value {
        let u = uri(name);
        self.notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == u.as_str() && p["version"] == version
        })
        .await
    }

    /// `textDocument` + `position` params.
    pub fn at(name: &str, pos: &Value) -> Value {
        json!({ "textDocument": { "uri": uri(name) }, "position": pos })
    }
}
