//! Rendering speed: the largest corpus flow (when `shared/` is there) in every format, and a
//! generated flow of 300 actions with branches and assets. Target: under 200 ms for the
//! largest corpus flow as SVG.

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

criterion_group!(benches, bench);
criterion_main!(benches);
