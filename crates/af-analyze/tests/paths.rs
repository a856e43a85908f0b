//! Ways, choke points and cut sets of hand-made flows whose answers are known, a cross-check
//! of the data-flow choke points and the cut-set search against brute force on random
//! flows, and the corpus.

use af_analyze::paths::{self, cuts, ways, DEFAULT_BUDGET};
use af_analyze::{FlowGraph, GoalError, Object};
use serde_json::{json, Value};

const HEAD: &str = "flow \"test\" {\n  scope: attack-tree\n  created: 2026-01-01T00:00:00Z\n}\n";

fn graph(body: &str) -> FlowGraph {
    graph_of(&format!("{HEAD}{body}"))
}

fn graph_of(source: &str) -> FlowGraph {
    let compiled = af_compile::compile_str(source, &Default::default());
    let errors: Vec<_> = compiled.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let objects: Vec<Object> = compiled
        .objects
        .into_iter()
        .map(af_compile::Object::into_map)
        .collect();
    let mut g = FlowGraph::from_objects(&objects);
    g.set_names(compiled.declared.iter().map(|d| (d.id.as_str(), d.name.as_str())));
    g
}

fn names(g: &FlowGraph, set: &[usize]) -> Vec<String> {
    set.iter().map(|&i| g.steps[i].label.clone()).collect()
}

fn goal(g: &FlowGraph, name: &str) -> usize {
    g.find(name).unwrap_or_else(|e| panic!("{e}"))
}

fn ways_of(g: &FlowGraph, name: &str) -> Vec<Vec<String>> {
    let w = ways(g, &[goal(g, name)], &[]);
    assert!(!w[0].truncated);
    w[0].ways.iter().map(|w| names(g, w)).collect()
}

fn cut_names(g: &FlowGraph, name: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let c = cuts(g, goal(g, name), DEFAULT_BUDGET);
    assert_eq!(c.complete_up_to, 3);
    (
        names(g, &c.choke_points),
        c.cut_sets.iter().map(|s| names(g, s)).collect(),
    )
}

fn v(items: &[&[&str]]) -> Vec<Vec<String>> {
    items
        .iter()
        .map(|s| s.iter().map(|x| x.to_string()).collect())
        .collect()
}

fn s(items: &[&str]) -> Vec<String> {
    items.iter().map(|x| x.to_string()).collect()
}

#[test]
fn a_chain_has_one_way_and_every_step_is_a_choke_point() {
    let g = graph("action a T1566\naction b T1204\naction c T1486\na -> b -> c\n");
    assert_eq!(g.goals(&[]).map(|gs| names(&g, &gs)), Ok(s(&["c"])));
    assert_eq!(ways_of(&g, "c"), v(&[&["a", "b", "c"]]));
    assert_eq!(cut_names(&g, "c"), (s(&["a", "b"]), v(&[&["a"], &["b"]])));
}

#[test]
fn or_needs_any_input_and_and_needs_all() {
    let g =
        graph("action a T1566\naction b T1190\noperator either OR\naction g T1486\na, b -> either -> g\n");
    assert_eq!(ways_of(&g, "g"), v(&[&["a", "g"], &["b", "g"]]));
    assert_eq!(cut_names(&g, "g"), (s(&[]), v(&[&["a", "b"]])));

    let g = graph("action a T1566\naction b T1190\noperator both AND\naction g T1486\na, b -> both -> g\n");
    assert_eq!(ways_of(&g, "g"), v(&[&["a", "b", "g"]]));
    assert_eq!(cut_names(&g, "g"), (s(&["a", "b"]), v(&[&["a"], &["b"]])));
}

#[test]
fn nested_and_or_combines_sub_paths() {
    // g needs (a OR b) AND (c OR d).
    let g = graph(
        "action a T1566\naction b T1190\naction c T1078\naction d T1110\n\
         operator first OR\noperator second OR\noperator both AND\naction g T1486\n\
         a, b -> first\nc, d -> second\nfirst, second -> both -> g\n",
    );
    assert_eq!(
        ways_of(&g, "g"),
        v(&[
            &["a", "c", "g"],
            &["a", "d", "g"],
            &["b", "c", "g"],
            &["b", "d", "g"]
        ])
    );
    assert_eq!(cut_names(&g, "g"), (s(&[]), v(&[&["a", "b"], &["c", "d"]])));
}

#[test]
fn condition_branches_are_alternatives() {
    let g = graph(
        "action s T1078\ncondition c \"Backups reachable\"\naction t T1490\naction f T1570\naction g T1486\n\
         s -> c\nc -> t\nc -[false]-> f\nt -> g\nf -> g\n",
    );
    assert_eq!(
        ways_of(&g, "g"),
        v(&[&["s", "c", "t", "g"], &["s", "c", "f", "g"]])
    );
    // Conditions are never blocked: s alone, or both branches.
    assert_eq!(cut_names(&g, "g"), (s(&["s"]), v(&[&["s"], &["t", "f"]])));
}

#[test]
fn cycles_terminate_and_do_not_reach_themselves() {
    // A retry loop a -> b -> a, and a second goal fed only by a loop with no way in.
    let g = graph(
        "action s T1566\naction a T1110\naction b T1078\naction g T1486\n\
         action x T1021\naction y T1570\naction h T1485\n\
         s -> a -> b -> a\nb -> g\nx -> y -> x\ny -> h\n",
    );
    let goals = g.goals(&[]).expect("sinks");
    assert_eq!(names(&g, &goals), s(&["g", "h"]));
    assert_eq!(ways_of(&g, "g"), v(&[&["s", "a", "b", "g"]]));
    assert_eq!(
        cut_names(&g, "g"),
        (s(&["s", "a", "b"]), v(&[&["s"], &["a"], &["b"]]))
    );
    assert!(ways_of(&g, "h").is_empty());
    let c = cuts(&g, goal(&g, "h"), DEFAULT_BUDGET);
    assert!(!c.reachable && c.cut_sets.is_empty() && !c.cut_short());
}

#[test]
fn an_and_inside_a_cycle_waits_for_its_other_input() {
    // both needs p and q; p comes from x or from both itself.
    let g = graph(
        "action x T1566\naction p T1204\naction q T1059\naction g T1486\noperator both AND\n\
         x -> p\nx -> q\np, q -> both\nboth -> p\nboth -> g\n",
    );
    // p sits in the loop, so flow order places it after q.
    assert_eq!(ways_of(&g, "g"), v(&[&["x", "q", "p", "g"]]));
    assert_eq!(cut_names(&g, "g").0, s(&["x", "q", "p"]));
}

#[test]
fn several_goals_and_named_goals() {
    let g = graph("action a T1566\naction b T1204\naction c T1486\naction d T1567\na -> b\nb -> c\nb -> d\n");
    assert_eq!(g.goals(&[]).map(|gs| names(&g, &gs)), Ok(s(&["c", "d"])));
    assert_eq!(g.goals(&["b".into()]).map(|gs| names(&g, &gs)), Ok(s(&["b"])));
    assert_eq!(cut_names(&g, "b").0, s(&["a"]));
    assert!(matches!(g.goals(&["e".into()]), Err(GoalError::Unknown { .. })));
    match g.find("c0") {
        Err(GoalError::Unknown { suggestions, .. }) => assert!(suggestions.contains(&"c".to_string())),
        other => panic!("{other:?}"),
    }
}

#[test]
fn three_way_cuts_are_found_and_four_are_not() {
    let g = graph(
        "action a T1566\naction b T1190\naction c T1133\noperator any OR\naction g T1486\na, b, c -> any -> g\n",
    );
    assert_eq!(cut_names(&g, "g"), (s(&[]), v(&[&["a", "b", "c"]])));
    let g = graph(
        "action a T1566\naction b T1190\naction c T1133\naction d T1078\noperator any OR\naction g T1486\n\
         a, b, c, d -> any -> g\n",
    );
    let (chokes, sets) = cut_names(&g, "g");
    assert!(chokes.is_empty() && sets.is_empty());
}

#[test]
fn a_flow_whose_actions_all_lead_on_has_no_goal() {
    let g = graph_of(
        "flow \"loop\" {\n  scope: attack-tree\n  created: 2026-01-01T00:00:00Z\n  start_refs: [a]\n}\n\
         action a T1566\naction b T1204\na -> b -> a\n",
    );
    assert_eq!(g.goals(&[]), Err(GoalError::NoGoal));
    assert!(GoalError::NoGoal.to_string().contains("--goal"));
}

#[test]
fn the_budget_cuts_the_search_short_and_says_so() {
    let g = graph(
        "action a T1566\naction b T1190\naction c T1133\noperator any OR\naction g T1486\na, b, c -> any -> g\n",
    );
    let c = cuts(&g, goal(&g, "g"), 0);
    assert!(c.cut_short());
    assert!(c.complete_up_to < 3);
}

// --- Random flows against brute force ---------------------------------------------------

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn random_flow(rng: &mut Rng) -> Vec<Object> {
    let n = 3 + rng.below(9);
    let kinds: Vec<&str> = (0..n)
        .map(|_| match rng.below(6) {
            0 => "and",
            1 => "or",
            2 => "condition",
            _ => "action",
        })
        .collect();
    let mut objects = Vec::new();
    for (i, kind) in kinds.iter().enumerate() {
        let mut targets: Vec<String> = Vec::new();
        for j in 0..n {
            // Mostly forward edges, some back edges for cycles.
            let p = if j > i { 3 } else { 12 };
            if j != i && rng.below(p) == 0 {
                targets.push(format!("x--{j}"));
            }
        }
        let (t, key, extra) = match *kind {
            "and" => ("attack-operator", "effect_refs", json!({"operator": "AND"})),
            "or" => ("attack-operator", "effect_refs", json!({"operator": "OR"})),
            "condition" => ("attack-condition", "on_true_refs", json!({})),
            _ => ("attack-action", "effect_refs", json!({"name": format!("s{i}")})),
        };
        let mut o = json!({"type": t, "id": format!("x--{i}")});
        if let (Value::Object(m), Value::Object(e)) = (&mut o, extra) {
            m.extend(e);
            m.insert(key.into(), json!(targets));
        }
        if let Value::Object(m) = o {
            objects.push(m);
        }
    }
    objects
}

fn cuts_by_brute_force(g: &FlowGraph, goal: usize) -> Vec<Vec<usize>> {
    let actions: Vec<usize> = (0..g.len())
        .filter(|&i| i != goal && g.steps[i].blockable())
        .collect();
    let mut found: Vec<Vec<usize>> = Vec::new();
    let cuts_goal = |set: &[usize]| {
        let mut blocked = vec![false; g.len()];
        for &i in set {
            blocked[i] = true;
        }
        !paths::reach(g, &blocked)[goal]
    };
    if cuts_goal(&[]) {
        return found;
    }
    let mut sets: Vec<Vec<usize>> = actions.iter().map(|&a| vec![a]).collect();
    for (i, &a) in actions.iter().enumerate() {
        for (j, &b) in actions.iter().enumerate().skip(i + 1) {
            sets.push(vec![a, b]);
            for &c in &actions[j + 1..] {
                sets.push(vec![a, b, c]);
            }
        }
    }
    sets.sort_by_key(Vec::len);
    for set in sets {
        if cuts_goal(&set) && !found.iter().any(|f| f.iter().all(|x| set.contains(x))) {
            found.push(set);
        }
    }
    found
}

#[test]
fn choke_points_and_cut_sets_match_brute_force_on_random_flows() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut checked = 0;
    for _ in 0..3000 {
        let objects = random_flow(&mut rng);
        let g = FlowGraph::from_objects(&objects);
        for goal in 0..g.len() {
            if !g.steps[goal].shown() {
                continue;
            }
            let c = cuts(&g, goal, DEFAULT_BUDGET);
            let mut fast = c.choke_points.clone();
            fast.sort_unstable();
            let mut slow = paths::choke_points_by_blocking(&g, goal);
            slow.sort_unstable();
            assert_eq!(fast, slow, "choke points of {goal} in {objects:?}");
            let norm = |sets: &[Vec<usize>]| {
                let mut out: Vec<Vec<usize>> = sets
                    .iter()
                    .map(|s| {
                        let mut s = s.clone();
                        s.sort_unstable();
                        s
                    })
                    .collect();
                out.sort();
                out
            };
            assert_eq!(
                norm(&c.cut_sets),
                norm(&cuts_by_brute_force(&g, goal)),
                "cut sets of {goal} in {objects:?}"
            );
            // Every way avoids no cut set: it meets each one.
            let w = ways(&g, &[goal], &[]);
            assert_eq!(w[0].ways.is_empty(), !c.reachable);
            for way in &w[0].ways {
                for set in &c.cut_sets {
                    assert!(set.iter().any(|x| way.contains(x)), "{way:?} misses {set:?}");
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 1000, "{checked}");
}

/// The words of a mitigation's effect, shared by `afc mitigations` and the briefing.
#[test]
fn a_mitigation_effect_is_described_in_words() {
    use af_analyze::mitigations::{Effect, GoalEffect};
    let g = graph("action a T1078\naction b T1486\na -> b\n");
    let b = goal(&g, "b");
    let effect = |choke_points, goals| Effect {
        id: "M1032".into(),
        name: "Multi-factor Authentication".into(),
        steps: Vec::new(),
        choke_points,
        goals,
    };
    let stops = GoalEffect {
        goal: b,
        broken: 1,
        ways: 1,
        stops: true,
    };
    let breaks = GoalEffect {
        goal: b,
        broken: 1,
        ways: 3,
        stops: false,
    };
    let none = GoalEffect {
        goal: b,
        broken: 0,
        ways: 3,
        stops: false,
    };
    let tick = |l: &str| format!("`{l}`");
    assert_eq!(
        effect(1, vec![stops]).describe(&g, tick),
        ["on 1 choke point", "stops `b` (breaks 1 of 1 ways)"]
    );
    assert_eq!(
        effect(2, vec![breaks]).describe(&g, |l| format!("<b>{l}</b>")),
        ["on 2 choke points", "breaks 1 of 3 ways to <b>b</b>"]
    );
    assert_eq!(effect(0, vec![none]).describe(&g, tick), ["no way to a goal"]);
}
