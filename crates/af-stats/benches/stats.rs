//! Statistics speed: 1,000 bundles generated from the corpus (each corpus flow repeated, its
//! ids made unique), parsed and counted on one thread, as `afc stats` does per file. Target:
//! under 2 s for the 1,000 (docs/development.md); the CLI also spreads files over threads.

use af_stats::{FlowStats, Object, Stats};
use criterion::{criterion_group, criterion_main, Criterion};
use std::path::PathBuf;

fn corpus() -> Vec<String> {
    let shared = std::env::var_os("AFC_SHARED")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    af_testkit::files_in(&shared.join("corpus/stix"), "json")
        .into_iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

fn objects(text: &str) -> Vec<Object> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(mut b)) => match b.remove("objects") {
            Some(serde_json::Value::Array(items)) => items
                .into_iter()
                .filter_map(|v| match v {
                    serde_json::Value::Object(m) => Some(m),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn bench(c: &mut Criterion) {
    let base = corpus();
    if base.is_empty() {
        eprintln!("stats bench: skipped: no shared corpus (set AFC_SHARED)");
        return;
    }
    // 1,000 texts: the corpus over and over, ids changed so that no two flows are equal.
    let texts: Vec<String> = (0..1000)
        .map(|i| base[i % base.len()].replace("--", &format!("--{:x}", i % 16)))
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut g = c.benchmark_group("stats");
    g.sample_size(10);
    g.bench_function(format!("1000 flows ({} MB), parse and count", bytes >> 20), |b| {
        b.iter(|| {
            let mut s = Stats::default();
            for t in &texts {
                s.merge(FlowStats::of(&objects(t)));
            }
            s
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
