//! End-to-end compile speed: parse, check and write the bundle of a generated flow of 10,000
//! actions (about 1 MB of source). Target: at least 20 MB/s on one core.

use af_compile::{compile_str, Options};

/// The allocator the afc binary uses, so that the benchmark measures what `afc compile` does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::fmt::Write;

const TECHNIQUES: &[&str] = &[
    "T1566.001",
    "T1059.001",
    "T1078",
    "T1021.002",
    "T1486",
    "T1003.001",
    "T1071.001",
];

/// A realistic large flow: actions with techniques, descriptions and properties, conditions,
/// assets and chains of edges. It compiles without any diagnostic.
pub fn generated_flow(actions: usize) -> String {
    let mut s = String::with_capacity(actions * 110);
    s.push_str("# Generated benchmark flow.\nflow \"Benchmark\" {\n  scope: incident\n  created: 2026-01-01T00:00:00Z\n  description: \"A generated flow for the compile benchmark.\"\n}\n\n");
    for i in 0..actions {
        let t = TECHNIQUES[i % TECHNIQUES.len()];
        // Every 50th action works on a host, which it names in `asset_refs`.
        let assets = if i % 50 == 0 {
            format!("\n  asset_refs: [host{i}]")
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "action a{i} {t} {{\n  description: \"Step {i} of the intrusion, as observed in the logs.\"\n  confidence: {}{assets}\n}}",
            i % 101
        );
        if i > 0 {
            let _ = writeln!(s, "a{} -> a{i}", i - 1);
        }
        if i % 50 == 0 {
            let _ = writeln!(
                s,
                "asset host{i} \"Host {i}\"\ncondition c{i} \"Host {i} is reachable\"\na{i} -> c{i}"
            );
        }
    }
    s
}

/// Shapes that once took quadratic time: one action with `n` custom properties, and one action
/// with edges to `n` others.
fn wide_flows(n: usize) -> (String, String) {
    let head =
        "flow \"Wide\" {\n  scope: incident\n  created: 2026-01-01T00:00:00Z\n  description: \"d\"\n}\n";
    let mut wide = format!("{head}action a T1078 {{\n");
    for i in 0..n {
        let _ = writeln!(wide, "  x_prop_{i}: \"value {i}\"");
    }
    wide.push_str("}\n");
    let mut fan = format!("{head}action root T1078\n");
    for i in 0..n {
        let _ = writeln!(fan, "action a{i} T1078\nroot -> a{i}");
    }
    (wide, fan)
}

fn bench(c: &mut Criterion) {
    let src = generated_flow(10_000);
    let mut group = c.benchmark_group("compile");
    group.throughput(Throughput::Bytes(src.len() as u64));
    group.sample_size(10);
    let options = Options::default();
    group.bench_function("10k_actions_end_to_end", |b| {
        b.iter(|| {
            let compiled = compile_str(&src, &options);
            assert!(
                compiled.diagnostics.is_empty(),
                "{:?}",
                compiled.diagnostics.first()
            );
            compiled.to_json()
        })
    });
    group.bench_function("10k_actions_parse_only", |b| b.iter(|| af_syntax::parse(&src)));
    let (wide, fan) = wide_flows(20_000);
    group.throughput(Throughput::Bytes(wide.len() as u64));
    group.bench_function("one_object_20k_properties", |b| {
        b.iter(|| compile_str(&wide, &options).to_json())
    });
    group.throughput(Throughput::Bytes(fan.len() as u64));
    group.bench_function("fan_out_20k_edges", |b| {
        b.iter(|| compile_str(&fan, &options).to_json())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
