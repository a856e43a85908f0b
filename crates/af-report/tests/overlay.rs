//! The overlays of hand-made flows whose answers are known: the marks are on the right
//! nodes and edges.

use af_analyze::coverage::{analyze, Index};
use af_analyze::detections::Rule;
use af_analyze::paths::{ways, DEFAULT_BUDGET};
use af_analyze::{FlowGraph, Object};
use af_render::{Mark, Overlay};
use std::collections::BTreeMap;

const HEAD: &str = "flow \"test\" {\n  scope: incident\n  created: 2026-01-01T00:00:00Z\n}\n";

fn graph(body: &str) -> (Vec<Object>, FlowGraph) {
    let compiled = af_compile::compile_str(&format!("{HEAD}{body}"), &Default::default());
    let errors: Vec<_> = compiled.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let objects: Vec<Object> = compiled
        .objects
        .into_iter()
        .map(af_compile::Object::into_map)
        .collect();
    let mut g = FlowGraph::from_objects(&objects);
    g.set_names(compiled.declared.iter().map(|d| (d.id.as_str(), d.name.as_str())));
    (objects, g)
}

fn rules(techniques: &[&str]) -> Vec<Rule> {
    techniques
        .iter()
        .map(|t| Rule {
            title: format!("rule on {t}"),
            id: None,
            file: "rules.txt".into(),
            status: None,
            techniques: vec![t.to_string()],
        })
        .collect()
}

/// The node marks by `.af` name (operators by their STIX type), the edge marks as `a->b`.
fn marks(g: &FlowGraph, o: &Overlay) -> (BTreeMap<String, Mark>, BTreeMap<String, Mark>) {
    let name = |id: &str| {
        g.step_index(id)
            .map(|i| g.steps[i].label.clone())
            .unwrap_or_else(|| id.to_string())
    };
    (
        o.nodes.iter().map(|(id, m)| (name(id), *m)).collect(),
        o.edges
            .iter()
            .map(|((a, b), m)| (format!("{}->{}", name(a), name(b)), *m))
            .collect(),
    )
}

fn coverage(body: &str, detected: &[&str]) -> (FlowGraph, Overlay) {
    let (_, g) = graph(body);
    let goals = g.goals(&[]).expect("goals");
    let rules = rules(detected);
    let catalog = af_catalog::Catalog::embedded();
    let cov = analyze(&g, &goals, &Index::new(&rules, catalog), catalog, DEFAULT_BUDGET);
    let o = af_report::coverage_overlay(&g, &cov);
    (g, o)
}

#[test]
fn a_detected_chain_marks_its_undetected_choke_point_and_no_way() {
    let (g, o) = coverage(
        "action a T1566\naction b T1204\naction c T1486\na -> b -> c\n",
        &["T1204"],
    );
    let (nodes, edges) = marks(&g, &o);
    assert_eq!(nodes["a"], Mark::Highlight, "a is an undetected choke point");
    assert_eq!(nodes["b"], Mark::Detected);
    assert_eq!(nodes["c"], Mark::Undetected, "the goal is never a choke point");
    assert!(edges.is_empty(), "every way meets b: {edges:?}");
    assert_eq!(
        o.title.as_deref(),
        Some("Detection coverage: 1 of 3 steps detected; every way to a goal meets a detection")
    );
    assert_eq!(o.label(Mark::Highlight), "undetected choke point");
}

#[test]
fn the_undetected_way_through_an_or_is_marked_edge_by_edge() {
    let (g, o) = coverage(
        "action x T1059.001\naction y T1190\noperator either OR\naction goal T1486\nx, y -> either -> goal\n",
        &["T1190", "T1059"],
    );
    let (nodes, edges) = marks(&g, &o);
    // x is only partly covered (a rule on its parent), y is detected.
    assert_eq!(nodes["x"], Mark::Partial);
    assert_eq!(nodes["y"], Mark::Detected);
    assert_eq!(nodes["goal"], Mark::Undetected);
    assert!(!nodes.contains_key("either"), "operators get no coverage mark");
    let either = "either";
    let want: BTreeMap<String, Mark> = [
        (format!("x->{either}"), Mark::Undetected),
        (format!("{either}->goal"), Mark::Undetected),
    ]
    .into_iter()
    .collect();
    assert_eq!(edges, want, "y->{either} is detected and not marked");
    assert!(o
        .title
        .as_deref()
        .is_some_and(|t| t.ends_with("1 way no detection sees")));
}

#[test]
fn the_paths_overlay_highlights_the_ways_to_one_goal_and_dims_the_rest() {
    let (_, g) = graph(
        "action a T1566\naction b T1190\noperator both AND\naction goal T1486\n\
         action c T1021\naction other T1485\na, b -> both -> goal\nc -> other\n",
    );
    let goal = g.find("goal").expect("goal");
    let o = af_report::paths_overlay(&g, &ways(&g, &[goal], &[]));
    let (nodes, edges) = marks(&g, &o);
    let both = "both";
    for n in ["a", "b", "goal", both] {
        assert_eq!(nodes[n], Mark::Highlight, "{n}");
    }
    assert_eq!(nodes["c"], Mark::Dim);
    assert_eq!(nodes["other"], Mark::Dim);
    let want: Vec<String> = vec![
        format!("a->{both}"),
        format!("b->{both}"),
        format!("{both}->goal"),
    ];
    assert_eq!(edges.keys().cloned().collect::<Vec<_>>(), want);
    assert!(edges.values().all(|m| *m == Mark::Highlight));
    assert_eq!(o.title.as_deref(), Some("1 way to goal"));
}

#[test]
fn branches_of_a_condition_are_two_highlighted_ways() {
    let (_, g) = graph(
        "action s T1078\ncondition c \"Backups reachable\"\naction t T1490\naction f T1570\naction g T1486\n\
         s -> c\nc -> t\nc -[false]-> f\nt -> g\nf -> g\n",
    );
    let goal = g.find("g").expect("g");
    let o = af_report::paths_overlay(&g, &ways(&g, &[goal], &[]));
    let (nodes, edges) = marks(&g, &o);
    assert!(nodes.values().all(|m| *m == Mark::Highlight), "{nodes:?}");
    assert_eq!(
        edges.keys().cloned().collect::<Vec<_>>(),
        ["c->f", "c->t", "f->g", "s->c", "t->g"]
    );
    assert_eq!(o.title.as_deref(), Some("2 ways to g"));
}
