//! Catalog benchmarks: exact lookup (target < 1 µs), top-50 search (target < 1 ms), first
//! load of the embedded data, and suggestions. The heap size of a loaded catalog is printed
//! once at start (target < 5 MB).
//!
//! Run with `cargo bench -p af-catalog`.

use af_catalog::Catalog;
use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn benches(c: &mut Criterion) {
    let cat = Catalog::embedded();
    println!(
        "loaded catalog: {} techniques, heap ≈ {} KiB (+ {} KiB embedded text in the binary)",
        cat.techniques().count(),
        cat.heap_size() / 1024,
        af_catalog::EMBEDDED_DATA.len() / 1024
    );

    c.bench_function("first load (parse embedded data)", |b| {
        b.iter(|| black_box(Catalog::parse_embedded()))
    });
    c.bench_function("exact lookup T1566.001", |b| {
        b.iter(|| black_box(cat.technique(black_box("T1566.001"))))
    });
    c.bench_function("exact lookup lowercase aml.t0051", |b| {
        b.iter(|| black_box(cat.technique(black_box("aml.t0051"))))
    });
    c.bench_function("tactic by shortname", |b| {
        b.iter(|| black_box(cat.tactic(black_box("command-and-control"))))
    });
    c.bench_function("search top-50 'phish'", |b| {
        b.iter(|| black_box(cat.search(black_box("phish"), &[], 50)))
    });
    c.bench_function("search top-50 'credential access token'", |b| {
        b.iter(|| black_box(cat.search(black_box("credential access token"), &[], 50)))
    });
    c.bench_function("suggest id T1566.01", |b| {
        b.iter(|| black_box(cat.suggest(black_box("T1566.01"))))
    });
    c.bench_function("suggest name 'Spearphising Atachment'", |b| {
        b.iter(|| black_box(cat.suggest(black_box("Spearphising Atachment"))))
    });
}

criterion_group!(catalog, benches);
criterion_main!(catalog);
