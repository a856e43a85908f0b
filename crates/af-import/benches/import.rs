//! Import speed on the largest flow of the corpus (`shared/corpus/`), as a STIX bundle and as
//! a Builder `.afb` file: parse, write, format, and the importer's own compile-back check.
//! Target: under 50 ms each on one core. Without `shared/` those two say so and are skipped.
//!
//! `equal_names_20k`: a generated bundle of 20,000 objects with the same name (naming them
//! used to restart counting at `_2` for each object: quadratic, 19 s).

use af_import::{import_afb, import_bundle, ImportOptions};
use criterion::{criterion_group, criterion_main, Criterion};
use std::path::{Path, PathBuf};

fn largest(dir: &Path, ext: &str) -> Option<(PathBuf, String)> {
    let mut files: Vec<(u64, PathBuf)> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .filter_map(|p| Some((std::fs::metadata(&p).ok()?.len(), p)))
        .collect();
    files.sort();
    let (_, path) = files.pop()?;
    let text = std::fs::read_to_string(&path).ok()?;
    Some((path, text))
}

/// A flow with `n` tools that all have the same name.
fn equal_names(n: usize) -> String {
    let mut objects = vec![serde_json::json!({
        "type": "attack-flow",
        "spec_version": "2.1",
        "id": "attack-flow--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
        "created": "2024-01-01T00:00:00.000Z",
        "modified": "2024-01-01T00:00:00.000Z",
        "name": "Equal names",
        "scope": "incident",
    })];
    for i in 0..n {
        objects.push(serde_json::json!({
            "type": "tool",
            "spec_version": "2.1",
            "id": format!("tool--{:08x}-0000-4000-8000-000000000000", i),
            "created": "2024-01-01T00:00:00.000Z",
            "modified": "2024-01-01T00:00:00.000Z",
            "name": "Same tool",
        }));
    }
    serde_json::json!({"type": "bundle", "id": "bundle--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061", "objects": objects}).to_string()
}

fn bench(c: &mut Criterion) {
    let options = ImportOptions::default();
    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    let many = equal_names(20_000);
    group.bench_function("equal_names_20k", |b| {
        b.iter(|| import_bundle(&many, &options).map(|i| i.source.len()))
    });
    group.finish();
    let Some(shared) = af_testkit::shared_dir() else {
        println!("skipped: import benchmark: shared/ reference folder not found (set AFC_SHARED)");
        return;
    };
    let options = ImportOptions::default();
    let mut group = c.benchmark_group("import");
    group.sample_size(20);
    if let Some((path, json)) = largest(&shared.join("corpus/stix"), "json") {
        println!("largest bundle: {} ({} bytes)", path.display(), json.len());
        group.bench_function("largest_corpus_bundle", |b| {
            b.iter(|| import_bundle(&json, &options).map(|i| i.source.len()))
        });
    }
    if let Some((path, text)) = largest(&shared.join("corpus/afb"), "afb") {
        println!("largest .afb: {} ({} bytes)", path.display(), text.len());
        group.bench_function("largest_corpus_afb", |b| {
            b.iter(|| import_afb(&text, &options).map(|i| i.source.len()))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
