//! Rendering speed: the largest corpus flow (when `shared/` is there) in every format, a
//! generated flow of 300 actions with branches and assets, and dense graphs of 600 actions:
//! 16 edges each (9,600 edges, laid out), and every action to every action (360,000 edges,
//! refused as too large to lay out, and written as DOT). Targets: under 200 ms for the largest
//! corpus flow as SVG; the dense graphs bounded and linear in their edges.

use af_render::{
    navigator_layers, parse_objects, render_dot, render_mermaid, render_svg, DotOptions, FlowObjects,
    MermaidOptions, NavigatorOptions, Object, SvgOptions,
};
use criterion::{criterion_group, criterion_main, Criterion};
use std::fmt::Write;
use std::path::PathBuf;

fn largest_corpus_flow() -> Option<(String, Vec<Object>)> {
    let shared = std::env::var_os("AFC_SHARED")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let dir = shared.join("corpus/stix");
    let mut best: Option<(String, Vec<Object>)> = None;
    for entry in std::fs::read_dir(&dir).ok()?.flatten() {
        let text = std::fs::read_to_string(entry.path()).ok()?;
        let objects = parse_objects(&text).ok()?;
        if best.as_ref().is_none_or(|(_, b)| objects.len() > b.len()) {
            best = Some((entry.file_name().to_string_lossy().into_owned(), objects));
        }
    }
    best
}

fn generated(actions: usize) -> Vec<Object> {
    let mut s = String::from("flow \"Bench\" {\n  scope: incident\n  created: 2026-01-01T00:00:00Z\n}\n");
    let techniques = [
        "T1566.001",
        "T1059.001",
        "T1078",
        "T1021.002",
        "T1486",
        "T1003.001",
    ];
    for i in 0..actions {
        let _ = writeln!(
            s,
            "action a{i} {} {{ description: \"Step {i} of the intrusion as seen in the logs of the host.\" }}",
            techniques[i % techniques.len()]
        );
        if i > 0 {
            let _ = writeln!(s, "a{} -> a{i}", if i % 7 == 0 { i / 2 } else { i - 1 });
        }
        if i % 10 == 5 {
            let _ = writeln!(
                s,
                "condition c{i} \"Host {i} answers\"\na{i} -> c{i}\nc{i} -[false]-> a{}\nasset h{i} \"Host {i}\"",
                i / 3
            );
        }
    }
    af_compile::compile_str(&s, &af_compile::Options::default())
        .objects
        .into_iter()
        .map(af_compile::Object::into_map)
        .collect()
}

/// `n` actions, each leading to `fanout` others spread over the flow (or to all of them).
fn dense(n: usize, fanout: usize) -> Vec<Object> {
    let id = |i: usize| format!("attack-action--{i:08}-0000-4000-8000-000000000000");
    let mut objects = vec![serde_json::json!({
        "type": "attack-flow", "id": "attack-flow--1", "name": "Dense", "start_refs": [id(0)]
    })];
    for i in 0..n {
        let targets: Vec<String> = if fanout >= n {
            (0..n).map(id).collect()
        } else {
            (1..=fanout).map(|k| id((i + k * 37 + 1) % n)).collect()
        };
        objects.push(serde_json::json!({
            "type": "attack-action", "id": id(i), "name": format!("n{i}"), "effect_refs": targets
        }));
    }
    objects
        .into_iter()
        .filter_map(|v| match v {
            serde_json::Value::Object(m) => Some(m),
            _ => None,
        })
        .collect()
}

fn bench_dense(c: &mut Criterion) {
    let mut group = c.benchmark_group("dense");
    group.sample_size(10);
    let sparse = dense(600, 16);
    group.bench_function("svg 600 actions x 16 edges", |b| {
        b.iter(|| render_svg(&sparse, &SvgOptions::default()))
    });
    let complete = dense(600, 600);
    group.bench_function("svg 600 actions x 600 edges (refused)", |b| {
        b.iter(|| {
            let refused = render_svg(&complete, &SvgOptions::default());
            assert!(refused.is_err());
        })
    });
    group.bench_function("dot 600 actions x 600 edges", |b| {
        b.iter(|| render_dot(&complete, &DotOptions::default()))
    });
    group.finish();
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("render");
    group.sample_size(20);
    let mut cases = vec![("generated_300_actions".to_string(), generated(300))];
    match largest_corpus_flow() {
        Some((name, objects)) => cases.push((
            format!("corpus_largest ({name}, {} objects)", objects.len()),
            objects,
        )),
        None => println!("skipped: corpus benchmark: shared/corpus/stix not found (set AFC_SHARED)"),
    }
    for (name, objects) in &cases {
        group.bench_function(format!("svg {name}"), |b| {
            b.iter(|| render_svg(objects, &SvgOptions::default()))
        });
        group.bench_function(format!("mermaid {name}"), |b| {
            b.iter(|| render_mermaid(objects, &MermaidOptions::default()))
        });
        group.bench_function(format!("dot {name}"), |b| {
            b.iter(|| render_dot(objects, &DotOptions::default()))
        });
        group.bench_function(format!("navigator {name}"), |b| {
            b.iter(|| {
                navigator_layers(
                    &[FlowObjects {
                        name: "bench",
                        objects,
                    }],
                    &NavigatorOptions::default(),
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench, bench_dense);
criterion_main!(benches);
