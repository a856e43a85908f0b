//! What the playground does after a keystroke, natively: check the largest example, then make
//! its bundle and its picture (the browser budget of 50 ms is measured by web/test/budgets).

use af_wasm::{Flow, RenderOptions};
use criterion::{criterion_group, criterion_main, Criterion};

fn keystroke(c: &mut Criterion) {
    let largest = af_testkit::example_flows()
        .into_iter()
        .max_by_key(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .expect("examples exist");
    let source = std::fs::read_to_string(&largest).expect("example readable");
    c.bench_function(
        "keystroke: check + highlights + svg of the largest example",
        |b| {
            b.iter(|| {
                let flow = Flow::new(&source);
                let d = flow.diagnostics().len();
                let h = flow.highlights().len();
                let svg = flow.svg(&RenderOptions::default()).map_or(0, |s| s.len());
                (d, h, svg)
            })
        },
    );
}

criterion_group!(benches, keystroke);
criterion_main!(benches);
