//! Editor latency on a generated 5,000-line flow: a change until its diagnostics are ready
//! (parse, check, convert to protocol diagnostics; target under 20 ms) and a completion at a
//! technique id (target under 10 ms). Also prints the resident memory with every catalog
//! loaded (target under 60 MB).

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

criterion_group!(benches, bench);
criterion_main!(benches);
