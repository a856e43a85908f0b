//! Marks for the picture from an analysis.
//!
//! - [`coverage_overlay`]: each action with a technique is marked detected, partly detected
//!   or undetected; an undetected **choke point** of a goal is singled out
//!   ([`Mark::Highlight`], worded "undetected choke point"); the edges of every way to a goal
//!   that avoids every detection are marked undetected.
//! - [`paths_overlay`]: the steps and edges of the ways to the chosen goals are highlighted and
//!   the other steps dimmed.
//!
//! An edge is marked when both its ends are on the way and the flow goes from one to the
//! other (`effect_refs`, a condition's branch), which is exactly the edge the picture draws
//! between the two STIX ids.

use af_analyze::coverage::{FlowCoverage, Level};
use af_analyze::paths::Ways;
use af_analyze::FlowGraph;
use af_render::{Mark, Overlay};
use std::collections::BTreeSet;

/// Marks every edge of `way` (its actions and conditions, as [`Ways`] lists them) with
/// `mark`, including the edges through operators between two of its steps; returns the
/// operators passed.
fn mark_way(o: &mut Overlay, g: &FlowGraph, way: &[usize], mark: Mark) -> Vec<usize> {
    let on: BTreeSet<usize> = way.iter().copied().collect();
    let mut operators = Vec::new();
    for &a in way {
        for &(b, _) in &g.succ[a] {
            let mut seen = BTreeSet::new();
            if leads_on(g, &on, b, &mut seen, &mut |x, y| {
                o.mark_edge(g.steps[x].id.clone(), g.steps[y].id.clone(), mark);
            }) {
                o.mark_edge(g.steps[a].id.clone(), g.steps[b].id.clone(), mark);
                operators.extend(seen.into_iter().filter(|&x| leads_to_way(g, &on, x)));
            }
        }
    }
    operators.sort_unstable();
    operators.dedup();
    operators
}

/// Whether the flow goes from `b` to a step of the way, directly or through operators only;
/// `edge` is called for each edge on the way there past `b`.
fn leads_on(
    g: &FlowGraph,
    on: &BTreeSet<usize>,
    b: usize,
    seen: &mut BTreeSet<usize>,
    edge: &mut dyn FnMut(usize, usize),
) -> bool {
    if on.contains(&b) {
        return true;
    }
    if g.steps[b].shown() || !seen.insert(b) {
        return false;
    }
    let mut any = false;
    for &(c, _) in &g.succ[b] {
        if leads_on(g, on, c, seen, edge) {
            edge(b, c);
            any = true;
        }
    }
    any
}

/// Whether operator `x` leads (through operators) to a step of the way.
fn leads_to_way(g: &FlowGraph, on: &BTreeSet<usize>, x: usize) -> bool {
    let mut seen = BTreeSet::new();
    leads_on(g, on, x, &mut seen, &mut |_, _| {})
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The overlay of a flow's detection coverage (see the module documentation).
pub fn coverage_overlay(g: &FlowGraph, cov: &FlowCoverage) -> Overlay {
    let mut o = Overlay::new();
    for w in cov.goals.iter().flat_map(|gc| &gc.undetected_ways.ways) {
        mark_way(&mut o, g, w, Mark::Undetected);
    }
    let chokes: BTreeSet<usize> = cov
        .goals
        .iter()
        .flat_map(|gc| gc.uncovered_choke_points.iter().copied())
        .collect();
    for s in &cov.steps {
        let mark = match s.level {
            Level::Detected => Mark::Detected,
            Level::Partial if chokes.contains(&s.step) => Mark::Highlight,
            Level::Partial => Mark::Partial,
            Level::Undetected if chokes.contains(&s.step) => Mark::Highlight,
            Level::Undetected => Mark::Undetected,
            Level::NoTechnique => continue,
        };
        o.mark_node(g.steps[s.step].id.clone(), mark);
    }
    let rated = cov.steps.iter().filter(|s| s.level != Level::NoTechnique).count();
    let detected = cov.steps.iter().filter(|s| s.level == Level::Detected).count();
    let open: usize = cov.goals.iter().map(|gc| gc.undetected_ways.ways.len()).sum();
    o.title = Some(format!(
        "Detection coverage: {detected} of {} detected{}",
        plural(rated, "step", "steps"),
        match open {
            0 => "; every way to a goal meets a detection".to_string(),
            n => format!("; {} no detection sees", plural(n, "way", "ways")),
        }
    ));
    o.labels.insert(Mark::Detected, "detected".into());
    o.labels.insert(
        Mark::Partial,
        "partly detected (a rule on the parent technique)".into(),
    );
    o.labels.insert(
        Mark::Undetected,
        "undetected (arrows: a way no detection sees)".into(),
    );
    o.labels.insert(Mark::Highlight, "undetected choke point".into());
    o
}

/// The overlay of the ways to `goals` (their [`Ways`], as [`af_analyze::paths::ways`] gives
/// them): steps and edges on a way highlighted, every other step dimmed.
pub fn paths_overlay(g: &FlowGraph, ways: &[Ways]) -> Overlay {
    let mut o = Overlay::new();
    let mut on = vec![false; g.len()];
    for w in ways {
        for way in &w.ways {
            for op in mark_way(&mut o, g, way, Mark::Highlight) {
                on[op] = true;
            }
            for &s in way {
                on[s] = true;
            }
        }
        // A goal no way reaches is still the one asked about.
        on[w.goal] = true;
    }
    for (i, step) in g.steps.iter().enumerate() {
        o.mark_node(step.id.clone(), if on[i] { Mark::Highlight } else { Mark::Dim });
    }
    let goals: Vec<&str> = ways.iter().map(|w| g.steps[w.goal].label.as_str()).collect();
    let count: usize = ways.iter().map(|w| w.ways.len()).sum();
    let more = if ways.iter().any(|w| w.truncated) {
        "at least "
    } else {
        ""
    };
    o.title = Some(format!(
        "{more}{} to {}",
        plural(count, "way", "ways"),
        goals.join(", ")
    ));
    o.labels
        .insert(Mark::Highlight, format!("on a way to {}", goals.join(", ")));
    o.labels.insert(Mark::Dim, "on no way to it".into());
    o
}
