//! Editor latency on a generated 5,000-line flow: a change until its diagnostics are ready
//! (parse, check, convert to protocol diagnostics; target under 20 ms) and a completion at a
//! technique id (target under 10 ms). On large documents, through the whole server: an edit
//! of a 100,000-line flow until its diagnostics are out, and completion right after an edit
//! of a 50,000-line flow (which must not wait for that edit's check). Also prints the
//! resident memory with every catalog loaded (`cargo bench -p afc --bench lsp_memory`
//! measures the server process).

use af_lsp::snapshot::{Config, Snapshot};
use af_lsp::{completion, convert};
use criterion::{criterion_group, criterion_main, Criterion};
use std::fmt::Write;
use std::sync::Arc;
use tower_lsp_server::ls_types::Uri;

const TECHNIQUES: &[&str] = &[
    "T1566.002",
    "T1059.001",
    "T1078",
    "T1021.002",
    "T1486",
    "T1003.001",
];
const TACTICS: &[&str] = &["TA0001", "TA0002", "TA0001", "TA0008", "TA0040", "TA0006"];

/// A realistic flow of about `lines` lines: actions with tactics, assets, conditions, edges.
fn generated_flow(lines: usize) -> String {
    let mut s = String::from(
        "flow \"Benchmark\" {\n  scope: incident\n  created: 2026-01-01T00:00:00Z\n  description: \"Generated.\"\n}\n",
    );
    let mut count = 5;
    let mut i = 0;
    while count < lines {
        let k = i % TECHNIQUES.len();
        let _ = writeln!(
            s,
            "action a{i} {} \"Step {i}\" {{\n  tactic: {}\n  confidence: {}\n  asset_refs: [host{}]\n}}",
            TECHNIQUES[k],
            TACTICS[k],
            i % 101,
            i / 20
        );
        count += 5;
        if i % 20 == 0 {
            let _ = writeln!(s, "asset host{} \"Host {}\"", i / 20, i / 20);
            count += 1;
        }
        if i > 0 {
            let _ = writeln!(s, "a{} -> a{i}", i - 1);
            count += 1;
        }
        i += 1;
    }
    s
}

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A minimal client on in-memory pipes, for timing the whole server path.
struct PipeClient {
    write: tokio::io::WriteHalf<tokio::io::DuplexStream>,
    read: tokio::io::BufReader<tokio::io::ReadHalf<tokio::io::DuplexStream>>,
}

impl PipeClient {
    fn start() -> PipeClient {
        let (client_end, server_end) = tokio::io::duplex(1 << 22);
        let (sr, sw) = tokio::io::split(server_end);
        tokio::spawn(af_lsp::serve(sr, sw, af_lsp::ServerOptions::default()));
        let (read, write) = tokio::io::split(client_end);
        PipeClient {
            write,
            read: tokio::io::BufReader::new(read),
        }
    }

    async fn send(&mut self, v: serde_json::Value) {
        use tokio::io::AsyncWriteExt;
        let body = v.to_string();
        let msg = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        if self.write.write_all(msg.as_bytes()).await.is_err() {
            panic!("server gone");
        }
    }

    async fn next(&mut self) -> serde_json::Value {
        use tokio::io::{AsyncBufReadExt, AsyncReadExt};
        let mut len = 0;
        loop {
            let mut line = String::new();
            if self.read.read_line(&mut line).await.unwrap_or(0) == 0 {
                panic!("server closed");
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                len = v.parse().unwrap_or(0);
            }
        }
        let mut buf = vec![0; len];
        if self.read.read_exact(&mut buf).await.is_err() {
            panic!("short read");
        }
        serde_json::from_slice(&buf).unwrap_or_default()
    }

    async fn wait_diagnostics(&mut self, version: i64) {
        loop {
            let m = self.next().await;
            if m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == version {
                return;
            }
        }
    }

    async fn wait_response(&mut self, id: i64) -> serde_json::Value {
        loop {
            let m = self.next().await;
            if m["id"] == id && m.get("method").is_none() {
                return m;
            }
        }
    }

    /// A client with `text` open as `uri` (version 1), its first diagnostics received.
    async fn with_document(uri: &str, text: &str) -> PipeClient {
        let mut c = PipeClient::start();
        c.send(serde_json::json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {} } }))
            .await;
        let _ = c.next().await;
        c.send(serde_json::json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }))
            .await;
        c.send(
            serde_json::json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": { "uri": uri, "languageId": "afc", "version": 1, "text": text } } }),
        )
        .await;
        c.wait_diagnostics(1).await;
        c
    }

    /// Inserts `text` at the start of line `line` as version `version`.
    async fn insert(&mut self, uri: &str, version: i64, line: usize, text: &str) {
        let at = serde_json::json!({ "line": line, "character": 0 });
        self.send(
            serde_json::json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": { "uri": uri, "version": version },
            "contentChanges": [{ "range": { "start": at, "end": at }, "text": text }] } }),
        )
        .await;
    }
}

/// The server runtime as `afc lsp` builds it (bounded blocking pool).
fn server_runtime() -> tokio::runtime::Runtime {
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .max_blocking_threads(af_lsp::server::WORKER_THREADS + 2)
        .build()
    {
        Ok(rt) => rt,
        Err(e) => panic!("runtime: {e}"),
    }
}

/// Through the whole server: an edit of a 100,000-line flow until its diagnostics are out,
/// and a completion requested right after an edit of a 50,000-line flow.
fn large_documents(c: &mut Criterion) {
    let mut group = c.benchmark_group("lsp_large");
    group.sample_size(10);
    let rt = server_runtime();
    let big = generated_flow(100_000);
    let uri = "file:///big.af";
    let mut client = rt.block_on(PipeClient::with_document(uri, &big));
    let end = big.lines().count();
    let mut version = 1i64;
    group.bench_function("server_change_to_diagnostics_100k_lines", |b| {
        b.iter(|| {
            version += 1;
            rt.block_on(async {
                client.insert(uri, version, end, "#").await;
                client.wait_diagnostics(version).await;
            })
        })
    });
    drop(client);

    let mut typed = generated_flow(50_000);
    typed.push_str("action typed T15\n");
    let uri = "file:///typing.af";
    let mut client = rt.block_on(PipeClient::with_document(uri, &typed));
    let line = typed.lines().count() - 1;
    let mut version = 1i64;
    let mut id = 100i64;
    group.bench_function("server_complete_after_edit_50k_lines", |b| {
        b.iter(|| {
            version += 1;
            id += 1;
            rt.block_on(async {
                // A keystroke elsewhere, then completion at the technique id: the answer must
                // not wait for the check of the new version.
                client.insert(uri, version, 5, "#").await;
                client
                    .send(serde_json::json!({ "jsonrpc": "2.0", "id": id, "method": "textDocument/completion", "params": {
                        "textDocument": { "uri": uri }, "position": { "line": line, "character": 16 } } }))
                    .await;
                let r = client.wait_response(id).await;
                assert!(r["result"]["items"].as_array().is_some_and(|a| !a.is_empty()), "{r}");
            })
        })
    });
    group.finish();
}

fn bench(c: &mut Criterion) {
    let text = generated_flow(5_000);
    let config = Arc::new(Config::default());
    let uri: Uri = match "file:///bench.af".parse() {
        Ok(u) => u,
        Err(e) => panic!("uri: {e}"),
    };
    // Warm the catalog and measure memory with it loaded.
    let snap = Snapshot::new(text.clone(), 1, config.clone());
    assert!(!snap.has_errors(), "the generated flow must compile");
    if let Some(kib) = rss_kib() {
        println!(
            "resident memory with all catalogs and a 5,000-line snapshot: {:.1} MB",
            kib as f64 / 1024.0
        );
    }
    let mut group = c.benchmark_group("lsp");
    group.sample_size(20);
    group.bench_function("change_to_diagnostics_5k_lines", |b| {
        let mut version = 1;
        b.iter(|| {
            version += 1;
            let snap = Snapshot::new(text.clone(), version, config.clone());
            convert::diagnostics(&uri, &snap)
        })
    });
    // The whole server path: a didChange in, the publishDiagnostics of that version out.
    let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => panic!("runtime: {e}"),
    };
    let mut client = rt.block_on(async {
        let mut c = PipeClient::start();
        c.send(serde_json::json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {} } }))
            .await;
        let _ = c.next().await;
        c.send(serde_json::json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} })).await;
        c.send(serde_json::json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": { "uri": "file:///bench.af", "languageId": "afc", "version": 1, "text": text } } }))
            .await;
        c.wait_diagnostics(1).await;
        c
    });
    let last_line = text.lines().count();
    let mut version = 1i64;
    group.bench_function("server_change_to_diagnostics_5k_lines", |b| {
        b.iter(|| {
            version += 1;
            rt.block_on(async {
                let at = serde_json::json!({ "line": last_line, "character": 0 });
                client
                    .send(
                        serde_json::json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                        "textDocument": { "uri": "file:///bench.af", "version": version },
                        "contentChanges": [{ "range": { "start": at, "end": at }, "text": "#" }] } }),
                    )
                    .await;
                client.wait_diagnostics(version).await;
            })
        })
    });
    group.bench_function("parse_only_5k_lines", |b| b.iter(|| af_syntax::parse(&text)));
    let parsed = af_syntax::parse(&text);
    group.bench_function("compile_only_5k_lines", |b| {
        b.iter(|| af_compile::compile(&parsed.file, &config.compile_options()))
    });
    group.bench_function("model_only_5k_lines", |b| {
        b.iter(|| af_compile::analyze(&parsed.file))
    });
    let at_technique = {
        let mut t = text.clone();
        t.push_str("action new T15");
        t
    };
    let snap_t = Snapshot::new(at_technique.clone(), 1, config.clone());
    group.bench_function("completion_technique_5k_lines", |b| {
        b.iter(|| {
            let c = completion::complete(&snap_t, at_technique.len());
            assert!(!c.items.is_empty());
            convert::completions(&snap_t, c)
        })
    });
    let at_empty = {
        let mut t = text.clone();
        t.push_str("action new ");
        t
    };
    let snap_e = Snapshot::new(at_empty.clone(), 1, config.clone());
    group.bench_function("completion_all_techniques_5k_lines", |b| {
        b.iter(|| convert::completions(&snap_e, completion::complete(&snap_e, at_empty.len())))
    });
    let at_name = {
        let mut t = text.clone();
        t.push_str("a0 -> ");
        t
    };
    let snap_n = Snapshot::new(at_name.clone(), 1, config.clone());
    group.bench_function("completion_node_names_5k_lines", |b| {
        b.iter(|| convert::completions(&snap_n, completion::complete(&snap_n, at_name.len())))
    });
    group.finish();
    if let Some(kib) = rss_kib() {
        println!(
            "resident memory after the benchmarks: {:.1} MB",
            kib as f64 / 1024.0
        );
    }
}

criterion_group!(benches, bench, large_documents);
criterion_main!(benches);
