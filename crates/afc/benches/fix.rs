//! `afc check --fix` speed: the fix passes (`af_diagnostics::fix_until_clean` over the
//! compiler, as `afc fix` runs them per file) over every example, clean (one pass that finds
//! nothing to fix) and damaged (every `action` written `attack-action`, every operator in lower
//! case: a fix per node, applied in one pass and checked in a second). Target: under 100 ms
//! for all the examples (docs/development.md). `cargo bench -p afc --bench fix`.

use af_diagnostics::{fix_until_clean, FixOptions};
use criterion::{criterion_group, criterion_main, Criterion};

fn examples() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .map(|r| r.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.retain(|p: &std::path::PathBuf| p.extension().is_some_and(|e| e == "af"));
    paths.sort();
    paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

fn damage(source: &str) -> String {
    source
        .replace("\naction ", "\nattack-action ")
        .replace(" AND\n", " and\n")
        .replace(" OR\n", " or\n")
}

fn fix_all(sources: &[String]) -> usize {
    let options = af_compile::Options::default();
    sources
        .iter()
        .map(|s| {
            fix_until_clean(
                s,
                |t| af_compile::compile_str(t, &options).diagnostics,
                FixOptions::default(),
            )
            .applied
            .len()
        })
        .sum()
}

fn bench(c: &mut Criterion) {
    let clean = examples();
    let damaged: Vec<String> = clean.iter().map(|s| damage(s)).collect();
    let fixes = fix_all(&damaged);
    println!(
        "{} examples, {} bytes; {fixes} fixes in the damaged copies",
        clean.len(),
        clean.iter().map(String::len).sum::<usize>()
    );
    assert_eq!(fix_all(&clean), 0, "the examples have nothing to fix");
    c.bench_function("fix: examples, clean", |b| b.iter(|| fix_all(&clean)));
    c.bench_function("fix: examples, damaged", |b| b.iter(|| fix_all(&damaged)));
}

criterion_group!(benches, bench);
criterion_main!(benches);
