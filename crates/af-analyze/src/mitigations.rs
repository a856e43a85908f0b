//! ATT&CK mitigations of a flow's steps (the catalog's `mitigates` links), ranked by what
//! applying one would cut: the goals it stops, the ways to each goal it breaks (a way breaks
//! when it contains a step the mitigation applies to), and the choke points it sits on.

use crate::graph::{FlowGraph, StepKind};
use crate::paths::{self, Cuts, Ways};
use af_catalog::Catalog;

/// What one mitigation does to a flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effect {
    /// The mitigation's id (`M1032`).
    pub id: String,
    /// Its name.
    pub name: String,
    /// The actions whose technique it mitigates, in flow order.
    pub steps: Vec<usize>,
    /// How many of those are choke points of some goal.
    pub choke_points: usize,
    /// Per goal (in the order given): ways broken, ways in all, and whether blocking every
    /// step the mitigation applies to makes the goal unreachable.
    pub goals: Vec<GoalEffect>,
}

impl Effect {
    /// The effect in words, one part each: "on 2 choke points", "stops GOAL (breaks 3 of 4
    /// ways)", "breaks 1 of 4 ways to GOAL", or "no way to a goal". `goal` marks up a goal's
    /// label for the output (backticks for a terminal, escaped bold for HTML).
    pub fn describe(&self, g: &FlowGraph, goal: impl Fn(&str) -> String) -> Vec<String> {
        let mut parts = Vec::new();
        if self.choke_points > 0 {
            let s = if self.choke_points == 1 { "" } else { "s" };
            parts.push(format!("on {} choke point{s}", self.choke_points));
        }
        for ge in &self.goals {
            let label = goal(&g.steps[ge.goal].label);
            if ge.stops {
                parts.push(format!(
                    "stops {label} (breaks {} of {} ways)",
                    ge.broken, ge.ways
                ));
            } else if ge.broken > 0 {
                parts.push(format!("breaks {} of {} ways to {label}", ge.broken, ge.ways));
            }
        }
        if parts.is_empty() {
            parts.push("no way to a goal".into());
        }
        parts
    }
}

/// What a mitigation does to one goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GoalEffect {
    /// The goal.
    pub goal: usize,
    /// Ways to the goal that contain a step the mitigation applies to.
    pub broken: usize,
    /// All ways to the goal (a lower bound when the enumeration stopped at its bound).
    pub ways: usize,
    /// Whether the goal is stopped altogether.
    pub stops: bool,
}

/// The mitigations of every action of `g` and their effect on `goals` (with their `ways` and
/// `cuts`, in the same order), best first: most goals stopped, then most ways broken, then
/// most choke points, then id.
pub fn rank(g: &FlowGraph, goals: &[usize], ways: &[Ways], cuts: &[Cuts], catalog: &Catalog) -> Vec<Effect> {
    let mut effects: Vec<Effect> = Vec::new();
    for &i in &g.order {
        if g.steps[i].kind != StepKind::Action {
            continue;
        }
        let Some(t) = g.steps[i].technique.as_deref() else {
            continue;
        };
        let now = catalog
            .resolve(t)
            .map_or_else(|| t.to_string(), |x| x.id.to_string());
        for m in catalog.mitigations_of(&now) {
            match effects.iter_mut().find(|e| e.id == m.id) {
                Some(e) => {
                    if !e.steps.contains(&i) {
                        e.steps.push(i);
                    }
                }
                None => effects.push(Effect {
                    id: m.id.to_string(),
                    name: m.name.to_string(),
                    steps: vec![i],
                    choke_points: 0,
                    goals: Vec::new(),
                }),
            }
        }
    }
    for e in &mut effects {
        let mut blocked = vec![false; g.len()];
        for &s in &e.steps {
            blocked[s] = true;
        }
        let reached = paths::reach(g, &blocked);
        e.choke_points = e
            .steps
            .iter()
            .filter(|s| cuts.iter().any(|c| c.choke_points.contains(s)))
            .count();
        e.goals = goals
            .iter()
            .zip(ways)
            .map(|(&goal, w)| GoalEffect {
                goal,
                broken: w
                    .ways
                    .iter()
                    .filter(|way| way.iter().any(|s| blocked[*s]))
                    .count(),
                ways: w.ways.len(),
                stops: !reached[goal],
            })
            .collect();
    }
    effects.sort_by(|a, b| {
        let key = |e: &Effect| {
            (
                e.goals.iter().filter(|x| x.stops).count(),
                e.goals.iter().map(|x| x.broken).sum::<usize>(),
                e.choke_points,
            )
        };
        key(b).cmp(&key(a)).then_with(|| a.id.cmp(&b.id))
    });
    effects
}
