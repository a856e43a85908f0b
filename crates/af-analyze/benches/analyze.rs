//! Paths, choke points and cut sets of the largest corpus flow; coverage of the 28 corpus
//! flows against the Sigma rules of `shared/sigma/rules` (reading and parsing the rules in
//! parallel included); and a generated 10,000-step flow, whose cut-set search is bounded.
//! The corpus parts are skipped without `../shared` (AFC_SHARED).

use af_analyze::coverage::{self, Index};
use af_analyze::detections::{parse_sigma_files, MinStatus};
use af_analyze::paths::{self, DEFAULT_BUDGET};
use af_analyze::{FlowGraph, Object};
use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn shared() -> Option<PathBuf> {
    let dir = std::env::var_os("AFC_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    dir.join("corpus/stix").is_dir().then_some(dir)
}

fn objects(path: &Path) -> Vec<Object> {
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap_or_default()).unwrap_or(Value::Null);
    v["objects"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|o| o.as_object().cloned())
        .collect()
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "yml") {
            out.push(p);
        }
    }
}

fn analyse(objects: &[Object]) -> usize {
    let g = FlowGraph::from_objects(objects);
    let goals = g.goals(&[]).unwrap_or_default();
    let w = paths::ways(&g, &goals, &[]);
    let c: usize = goals
        .iter()
        .map(|&goal| paths::cuts(&g, goal, DEFAULT_BUDGET).cut_sets.len())
        .sum();
    w.len() + c
}

/// A chain of `n` actions with an OR of two alternatives every tenth step.
fn generated(n: usize) -> Vec<Object> {
    let mut out = Vec::new();
    for i in 0..n {
        let next: Vec<String> = if i + 1 < n {
            vec![format!("x--{}", i + 1)]
        } else {
            vec![]
        };
        let mut o = json!({"type": "attack-action", "id": format!("x--{i}"), "name": format!("s{i}"), "technique_id": "T1059", "effect_refs": next});
        if i % 10 == 0 && i + 2 < n {
            o["effect_refs"] = json!([format!("x--{}", i + 1), format!("x--{}", i + 2)]);
        }
        out.extend(o.as_object().cloned());
    }
    out
}

fn bench(c: &mut Criterion) {
    if let Some(dir) = shared() {
        let mut flows: Vec<PathBuf> = std::fs::read_dir(dir.join("corpus/stix"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .collect();
        flows.sort();
        let largest = flows
            .iter()
            .max_by_key(|p| objects(p).len())
            .cloned()
            .unwrap_or_default();
        let big = objects(&largest);
        println!(
            "largest corpus flow: {} ({} objects)",
            largest.display(),
            big.len()
        );
        c.bench_function("paths+chokepoints+cutsets largest corpus flow", |b| {
            b.iter(|| analyse(&big))
        });

        let all: Vec<Vec<Object>> = flows.iter().map(|p| objects(p)).collect();
        let mut rule_files = Vec::new();
        yaml_files(&dir.join("sigma/rules"), &mut rule_files);
        rule_files.sort();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let catalog = af_catalog::Catalog::embedded();
        let mut group = c.benchmark_group("coverage");
        group.sample_size(10);
        group.bench_function(
            "28 corpus flows vs shared/sigma/rules (read, parse, match)",
            |b| {
                b.iter(|| {
                    let texts: Vec<(String, String)> = rule_files
                        .iter()
                        .map(|p| {
                            (
                                p.display().to_string(),
                                std::fs::read_to_string(p).unwrap_or_default(),
                            )
                        })
                        .collect();
                    let rules: Vec<_> = parse_sigma_files(&texts, threads)
                        .into_iter()
                        .flatten()
                        .flatten()
                        .filter(|r| MinStatus::Experimental.admits(r.status.as_deref()))
                        .collect();
                    let index = Index::new(&rules, catalog);
                    all.iter()
                        .map(|o| {
                            let g = FlowGraph::from_objects(o);
                            let goals = g.goals(&[]).unwrap_or_default();
                            coverage::analyze(&g, &goals, &index, catalog, DEFAULT_BUDGET)
                                .steps
                                .len()
                        })
                        .sum::<usize>()
                })
            },
        );
        group.finish();
    } else {
        println!("skipped corpus benchmarks: no shared/corpus (set AFC_SHARED)");
    }
    let huge = generated(10_000);
    let mut group = c.benchmark_group("generated");
    group.sample_size(10);
    group.bench_function("10,000-step flow: ways, choke points, bounded cut sets", |b| {
        b.iter(|| analyse(&huge))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
