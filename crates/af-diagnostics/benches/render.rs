//! Rendering many diagnostics: the cost of one diagnostic must not grow with the size of the
//! file or the length of its lines (issue 12: 100,000 duplicate names took 41 s, 20,000
//! warnings on a minified 6.9 MB bundle 5.1 s). Everything is rendered (no per-file limit).
//!
//! - `pretty/N`: N diagnostics on N lines of flow source, each with a label on line 1 (a name
//!   declared N times: "first declared here").
//! - `minified/N`: N diagnostics along one line of N × 60 bytes (a minified bundle).
//!
//! Each is rendered for people (`human`) and as JSON lines (`json`).

use af_diagnostics::{codes, render_human, to_json, Diagnostic};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::fmt::Write;

fn pretty(n: usize) -> (String, Vec<Diagnostic>) {
    let mut source = String::with_capacity(n * 20);
    let mut diags = Vec::with_capacity(n);
    for i in 0..n {
        let start = source.len();
        let _ = writeln!(source, "action a T1566.00{}", i % 10);
        if i > 0 {
            diags.push(
                Diagnostic::new(codes::E0103, start + 7..start + 8, "`a` is declared twice")
                    .with_label(7..8, "first declared here")
                    .with_help("rename one of them"),
            );
        }
    }
    (source, diags)
}

fn minified(n: usize) -> (String, Vec<Diagnostic>) {
    let mut source = String::from(r#"{"type":"bundle","objects":[{"effect_refs":["#);
    let mut diags = Vec::with_capacity(n);
    for i in 0..n {
        let start = source.len();
        let _ = write!(source, "\"attack-action--00000000-0000-4000-8000-{i:012}\",");
        diags.push(
            Diagnostic::new(
                codes::V0201,
                start..source.len() - 1,
                "this object is not in the bundle",
            )
            .with_help("add it or remove the reference"),
        );
    }
    source.push_str("\"x\"]}]}\n");
    (source, diags)
}

type Make = fn(usize) -> (String, Vec<Diagnostic>);

fn bench(c: &mut Criterion) {
    let shapes: [(&str, Make); 2] = [("pretty", pretty), ("minified", minified)];
    for (shape, make) in shapes {
        let mut group = c.benchmark_group(shape);
        group.sample_size(10);
        for n in [10_000, 100_000] {
            let (source, diags) = make(n);
            group.throughput(Throughput::Elements(diags.len() as u64));
            group.bench_with_input(BenchmarkId::new("human", n), &n, |b, _| {
                b.iter(|| render_human(&diags, "f", &source, false).len())
            });
            group.bench_with_input(BenchmarkId::new("json", n), &n, |b, _| {
                b.iter(|| {
                    to_json(&diags, "f", &source)
                        .iter()
                        .map(|d| serde_json::to_string(d).map_or(0, |s| s.len()))
                        .sum::<usize>()
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
