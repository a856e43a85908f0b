//! Diff speed: the largest corpus flow (when `shared/` is there, else the largest example)
//! against a copy with a changed technique, a removed node, an added node and edge and a
//! changed description. Target: under 20 ms (docs/development.md).

use af_diff::{diff, Object, Side};
use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::PathBuf;

fn largest_flow() -> (Vec<Object>, HashMap<String, String>) {
    let shared = std::env::var_os("AFC_SHARED")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let mut best: Option<af_import::ReadFlow> = None;
    for path in af_testkit::files_in(&shared.join("corpus/stix"), "json") {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let Ok(read) = af_import::read_bundle(&text, &Default::default()) else {
            continue;
        };
        if best.as_ref().is_none_or(|b| read.objects.len() > b.objects.len()) {
            best = Some(read);
        }
    }
    if let Some(b) = best {
        return (b.objects, b.names);
    }
    eprintln!("no shared corpus: benchmarking the largest example");
    let mut best: Option<af_compile::Compiled> = None;
    for path in af_testkit::example_flows() {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let c = af_compile::compile_str(&text, &Default::default());
        if best.as_ref().is_none_or(|b| c.objects.len() > b.objects.len()) {
            best = Some(c);
        }
    }
    let c = best.expect("the repository has examples");
    let names = c
        .declared
        .iter()
        .map(|d| (d.id.to_string(), d.name.to_string()))
        .collect();
    (
        c.objects.into_iter().map(af_compile::Object::into_map).collect(),
        names,
    )
}

fn modified(objects: &[Object]) -> Vec<Object> {
    let mut new = objects.to_vec();
    let actions: Vec<usize> = (0..new.len())
        .filter(|&i| new[i].get("type").and_then(Value::as_str) == Some("attack-action"))
        .collect();
    if let Some(&i) = actions.first() {
        new[i].insert("technique_id".into(), json!("T1078"));
    }
    if let Some(&i) = actions.get(1) {
        new[i].insert("description".into(), json!("A new description."));
    }
    if let Some(&i) = actions.last() {
        new.remove(i);
    }
    let added = "attack-action--00000000-0000-4000-8000-000000000001";
    new.push(json!({"type": "attack-action", "id": added, "spec_version": "2.1", "name": "Added", "technique_id": "T1059"}).as_object().cloned().unwrap_or_default());
    if let Some(&i) = actions.get(2) {
        new[i].insert("effect_refs".into(), json!([added]));
    }
    new
}

fn bench(c: &mut Criterion) {
    let (objects, names) = largest_flow();
    let new = modified(&objects);
    let side = |objects| Side {
        objects,
        names: &names,
        written_names: false,
    };
    let catalog = af_catalog::Catalog::embedded();
    let mut g = c.benchmark_group("diff");
    g.bench_function(
        format!("largest flow ({} objects), changed copy", objects.len()),
        |b| b.iter(|| diff(side(&objects), side(&new))),
    );
    g.bench_function("largest flow, diff and human report", |b| {
        b.iter(|| {
            let d = diff(side(&objects), side(&new));
            af_diff::render::human(&d, af_diff::render::Names { old: "a", new: "b" }, catalog, false)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
