//! Validating every bundle of the Attack Flow Builder corpus in `shared/corpus/stix/`
//! (target: under 100 ms for all of them, one thread), plus parsing alone. Skipped, with a
//! line saying why, when `shared/` is absent.
//!
//! Run with `cargo bench -p af-validate`.

use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn benches(c: &mut Criterion) {
    let Some(shared) = af_testkit::shared_dir() else {
        println!("skipped: af-validate benchmark: shared/ not found (set AFC_SHARED)");
        return;
    };
    let dir = shared.join("corpus/stix");
    let mut texts = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
            if path.extension().is_some_and(|x| x == "json") {
                if let Ok(text) = std::fs::read_to_string(&path) {
                    texts.push(text);
                }
            }
        }
    }
    if texts.is_empty() {
        println!("skipped: af-validate benchmark: no bundles in {}", dir.display());
        return;
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    println!("{} corpus bundles, {} KiB", texts.len(), bytes / 1024);
    // Load the embedded catalog once, outside the measurement (a process does it once).
    let _ = af_catalog::Catalog::embedded();

    c.bench_function("validate all corpus bundles", |b| {
        b.iter(|| {
            let mut n = 0;
            for t in &texts {
                n += af_validate::validate_str(black_box(t)).len();
            }
            black_box(n)
        })
    });
    c.bench_function("parse all corpus bundles (JSON only)", |b| {
        b.iter(|| {
            for t in &texts {
                let _ = black_box(af_validate::json::parse(black_box(t)));
            }
        })
    });
}

criterion_group!(validate, benches);
criterion_main!(validate);
