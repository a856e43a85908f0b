//! Which steps of a flow a set of detections covers, and which ways to each goal stay
//! undetected.
//!
//! Matching, exactly:
//!
//! - a rule on a technique detects the steps with that exact id;
//! - a rule on a sub-technique (`T1059.001`) covers only that sub-technique, never its
//!   parent or siblings;
//! - a rule on a parent technique (`T1059`) covers its sub-techniques as **partial**;
//! - revoked and renamed ids (ATT&CK v18 → v19), on rules and on steps alike, are followed
//!   through the catalog ([`af_catalog::Catalog::resolve`]) to the current id first, with a
//!   note.
//!
//! A step is blocked for the purpose of undetected ways only when it is **detected**;
//! partial coverage does not block (a parent-technique rule may well miss the
//! sub-technique). The score is the share of the actions with a technique that are
//! detected, a partial one counting half.

use crate::detections::Rule;
use crate::graph::{FlowGraph, StepKind};
use crate::paths::{self, Cuts, Ways};
use af_catalog::Catalog;
use std::collections::HashMap;

/// How well a step is covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// A rule names its exact technique.
    Detected,
    /// Only rules on its parent technique match.
    Partial,
    /// No rule matches.
    Undetected,
    /// The action has no technique id, so no rule can name it.
    NoTechnique,
}

impl Level {
    /// The word used in every output format.
    pub fn word(self) -> &'static str {
        match self {
            Level::Detected => "detected",
            Level::Partial => "partial",
            Level::Undetected => "undetected",
            Level::NoTechnique => "no technique",
        }
    }
}

/// Why a rule matches a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleMatch {
    /// Index into the rules.
    pub rule: usize,
    /// `true` when the rule names the step's parent technique (partial).
    pub parent: bool,
    /// Set when the rule's tag was a revoked or renamed id: the id it tagged.
    pub renamed_from: Option<String>,
}

/// The coverage of one action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepCoverage {
    /// The step.
    pub step: usize,
    /// Its technique as the catalog knows it today (the written id when unknown).
    pub technique: Option<String>,
    /// The written id when it differs from [`StepCoverage::technique`] (revoked, renamed).
    pub written: Option<String>,
    /// How well it is covered.
    pub level: Level,
    /// The rules that match.
    pub matches: Vec<RuleMatch>,
}

/// The rules indexed by the current id of each technique they name.
#[derive(Debug, Clone, Default)]
pub struct Index {
    by_technique: HashMap<String, Vec<(usize, Option<String>)>>,
    /// Notes about ids that were followed to another id.
    pub notes: Vec<String>,
}

/// The current id of a technique: the end of its revoked-by chain or its named successor,
/// else the id itself (upper case).
fn current(catalog: &Catalog, id: &str) -> String {
    match catalog.resolve(id) {
        Some(t) => t.id.to_string(),
        None => id.trim().to_ascii_uppercase(),
    }
}

impl Index {
    /// Indexes rules by technique, following revoked and renamed ids.
    pub fn new(rules: &[Rule], catalog: &Catalog) -> Index {
        let mut index = Index::default();
        let mut renamed: HashMap<(String, String), usize> = HashMap::new();
        for (i, r) in rules.iter().enumerate() {
            for t in &r.techniques {
                let now = current(catalog, t);
                let from = (now != *t).then(|| t.clone());
                if let Some(f) = &from {
                    *renamed.entry((f.clone(), now.clone())).or_default() += 1;
                }
                let list = index.by_technique.entry(now).or_default();
                if !list.iter().any(|(x, _)| *x == i) {
                    list.push((i, from));
                }
            }
        }
        let mut renamed: Vec<_> = renamed.into_iter().collect();
        renamed.sort();
        for ((from, to), n) in renamed {
            index.notes.push(format!(
                "{n} rule{} tag {from}, which ATT&CK has revoked or renamed; counted as {to}",
                if n == 1 { "" } else { "s" }
            ));
        }
        index
    }

    /// Number of distinct techniques the rules name.
    pub fn techniques(&self) -> usize {
        self.by_technique.len()
    }
}

/// The parent of a sub-technique id, from the catalog or else from its form (`T1059.001`).
fn parent_of(catalog: &Catalog, id: &str) -> Option<String> {
    if let Some(t) = catalog.technique(id) {
        return t.parent.as_ref().map(|p| p.to_string());
    }
    id.split_once('.').map(|(p, _)| p.to_string())
}

/// The coverage of every action of the flow, in flow order.
pub fn steps(g: &FlowGraph, index: &Index, catalog: &Catalog) -> Vec<StepCoverage> {
    g.order
        .iter()
        .copied()
        .filter(|&i| g.steps[i].kind == StepKind::Action)
        .map(|i| {
            let Some(written) = g.steps[i].technique.as_deref() else {
                return StepCoverage {
                    step: i,
                    technique: None,
                    written: None,
                    level: Level::NoTechnique,
                    matches: Vec::new(),
                };
            };
            let now = current(catalog, written);
            let mut matches: Vec<RuleMatch> = Vec::new();
            for (rule, from) in index.by_technique.get(&now).into_iter().flatten() {
                matches.push(RuleMatch {
                    rule: *rule,
                    parent: false,
                    renamed_from: from.clone(),
                });
            }
            if let Some(p) = parent_of(catalog, &now) {
                for (rule, from) in index.by_technique.get(&p).into_iter().flatten() {
                    if !matches.iter().any(|m| m.rule == *rule) {
                        matches.push(RuleMatch {
                            rule: *rule,
                            parent: true,
                            renamed_from: from.clone(),
                        });
                    }
                }
            }
            let level = if matches.iter().any(|m| !m.parent) {
                Level::Detected
            } else if matches.is_empty() {
                Level::Undetected
            } else {
                Level::Partial
            };
            StepCoverage {
                step: i,
                written: (!now.eq_ignore_ascii_case(written)).then(|| written.to_string()),
                technique: Some(now),
                level,
                matches,
            }
        })
        .collect()
}

/// The coverage of one goal.
#[derive(Debug, Clone)]
pub struct GoalCoverage {
    /// The goal.
    pub goal: usize,
    /// Whether the goal can still be reached when every detected step is blocked.
    pub undetected: bool,
    /// The ways to the goal that contain no detected step.
    pub undetected_ways: Ways,
    /// Every way to the goal, for the count.
    pub all_ways: Ways,
    /// Choke points and cut sets of the goal.
    pub cuts: Cuts,
    /// The choke points that are not detected.
    pub uncovered_choke_points: Vec<usize>,
}

/// The coverage of one flow.
#[derive(Debug, Clone)]
pub struct FlowCoverage {
    /// Per action.
    pub steps: Vec<StepCoverage>,
    /// Per goal.
    pub goals: Vec<GoalCoverage>,
    /// Share of actions with a technique that are detected (partial counts half), 0–100;
    /// `None` when no action has a technique.
    pub score: Option<f64>,
}

/// Coverage of a flow: steps, then for each goal the undetected ways and uncovered choke
/// points (cut-set search within `budget`, see [`paths::cuts`]).
pub fn analyze(
    g: &FlowGraph,
    goals: &[usize],
    index: &Index,
    catalog: &Catalog,
    budget: u64,
) -> FlowCoverage {
    let steps = steps(g, index, catalog);
    let mut blocked = vec![false; g.len()];
    let mut level_of = vec![None; g.len()];
    for s in &steps {
        level_of[s.step] = Some(s.level);
        if s.level == Level::Detected {
            blocked[s.step] = true;
        }
    }
    let reached = paths::reach(g, &blocked);
    let undetected_ways = paths::ways(g, goals, &blocked);
    let all_ways = paths::ways(g, goals, &[]);
    let goals = goals
        .iter()
        .zip(undetected_ways.into_iter().zip(all_ways))
        .map(|(&goal, (undetected_ways, all_ways))| {
            let cuts = paths::cuts(g, goal, budget);
            let uncovered_choke_points = cuts
                .choke_points
                .iter()
                .copied()
                .filter(|&c| level_of[c] != Some(Level::Detected))
                .collect();
            GoalCoverage {
                goal,
                undetected: reached[goal],
                undetected_ways,
                all_ways,
                cuts,
                uncovered_choke_points,
            }
        })
        .collect();
    let rated: Vec<&StepCoverage> = steps.iter().filter(|s| s.level != Level::NoTechnique).collect();
    let score = (!rated.is_empty()).then(|| {
        let points: f64 = rated
            .iter()
            .map(|s| match s.level {
                Level::Detected => 1.0,
                Level::Partial => 0.5,
                _ => 0.0,
            })
            .sum();
        100.0 * points / rated.len() as f64
    });
    FlowCoverage { steps, goals, score }
}
