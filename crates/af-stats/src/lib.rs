//! Statistics over a corpus of Attack Flows given as STIX objects: how many flows use each
//! technique and tactic, which techniques follow which along the flows (transitions, through
//! conditions and operators), the most common sequences of 2–4 techniques, flows per scope and
//! objects per type. Add flows one at a time ([`Stats::add`], or [`FlowStats::of`] on several
//! threads and [`Stats::merge`]), then read the tables or render them ([`render`]).
//!
//! How a flow goes from step to step is af-stix's ([`af_stix::flow`]): `effect_refs`,
//! `on_true_refs`, `on_false_refs`, and the Attack Flow Builder's condition branches written as
//! `related-to` relationships. Steps without a technique (conditions, operators, actions with
//! no `technique_id`) are passed through, so `A -> condition -> B` is the transition A → B.
//!
//! This crate must not know files, the `.af` language or the command line.

pub mod render;
pub mod svg;

use af_stix::flow;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// One STIX object.
pub type Object = Map<String, Value>;

/// The longest technique sequence counted.
pub const MAX_SEQUENCE: usize = 4;

/// What one flow contributes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlowStats {
    /// The flow's scope (`incident`, …), or `None` when it has none.
    pub scope: Option<String>,
    /// Objects by type.
    pub types: BTreeMap<String, usize>,
    /// Actions by technique id.
    pub techniques: BTreeMap<String, usize>,
    /// Actions by tactic id.
    pub tactics: BTreeMap<String, usize>,
    /// Technique pairs (a step with the first leads to one with the second, through steps
    /// without a technique), counted once per pair of actions.
    pub transitions: BTreeMap<(String, String), usize>,
    /// Distinct sequences of 2–4 techniques along the flow.
    pub sequences: BTreeSet<Vec<String>>,
}

fn str_of<'a>(o: &'a Object, key: &str) -> Option<&'a str> {
    o.get(key).and_then(Value::as_str)
}

fn ids(v: Option<&Value>) -> Vec<&str> {
    match v {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn technique_of(o: &Object) -> Option<String> {
    str_of(o, "technique_id")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl FlowStats {
    /// The statistics of one flow's objects.
    pub fn of(objects: &[Object]) -> FlowStats {
        let mut s = FlowStats::default();
        let mut type_of: HashMap<&str, &str> = HashMap::new();
        for o in objects {
            let Some(t) = str_of(o, "type") else { continue };
            *s.types.entry(t.to_string()).or_default() += 1;
            if let Some(id) = str_of(o, "id") {
                type_of.insert(id, t);
            }
            match t {
                "attack-flow" if s.scope.is_none() => s.scope = str_of(o, "scope").map(str::to_string),
                "attack-action" => {
                    if let Some(tech) = technique_of(o) {
                        *s.techniques.entry(tech).or_default() += 1;
                    }
                    if let Some(tac) = str_of(o, "tactic_id").map(str::trim).filter(|x| !x.is_empty()) {
                        *s.tactics.entry(tac.to_string()).or_default() += 1;
                    }
                }
                _ => {}
            }
        }
        // The steps and where each leads.
        let mut next: HashMap<&str, Vec<&str>> = HashMap::new();
        let mut technique: HashMap<&str, String> = HashMap::new();
        for o in objects {
            let (Some(t), Some(id)) = (str_of(o, "type"), str_of(o, "id")) else {
                continue;
            };
            if flow::is_flow_node(t) {
                let list = next.entry(id).or_default();
                for r in flow::flow_refs_of(t) {
                    list.extend(
                        ids(o.get(r.key()))
                            .into_iter()
                            .filter(|x| type_of.get(x).is_some_and(|t| flow::is_flow_node(t))),
                    );
                }
                if t == "attack-action" {
                    if let Some(tech) = technique_of(o) {
                        technique.insert(id, tech);
                    }
                }
            } else if t == "relationship" {
                let (Some(src), Some(dst)) = (str_of(o, "source_ref"), str_of(o, "target_ref")) else {
                    continue;
                };
                let (Some(st), Some(dt)) = (type_of.get(src), type_of.get(dst)) else {
                    continue;
                };
                if flow::is_builder_branch(str_of(o, "relationship_type").unwrap_or(""), st, dt) {
                    next.entry(src).or_default().push(dst);
                }
            }
        }
        // Technique steps and the technique steps each reaches directly.
        let mut order: Vec<&str> = objects
            .iter()
            .filter_map(|o| str_of(o, "id"))
            .filter(|id| technique.contains_key(id))
            .collect();
        order.dedup();
        let mut reach: HashMap<&str, Vec<&str>> = HashMap::new();
        for &start in &order {
            let mut found = Vec::new();
            let mut seen: HashSet<&str> = HashSet::new();
            let mut stack: Vec<&str> = next.get(start).cloned().unwrap_or_default();
            stack.reverse();
            while let Some(n) = stack.pop() {
                if !seen.insert(n) {
                    continue;
                }
                if technique.contains_key(n) {
                    found.push(n);
                    continue;
                }
                if let Some(more) = next.get(n) {
                    stack.extend(more.iter().rev());
                }
            }
            for &to in &found {
                *s.transitions
                    .entry((technique[start].clone(), technique[to].clone()))
                    .or_default() += 1;
            }
            reach.insert(start, found);
        }
        // Sequences: simple paths of 2–4 technique steps.
        for &start in &order {
            let mut path = vec![start];
            sequences(&reach, &technique, &mut path, &mut s.sequences);
        }
        s
    }
}

fn sequences<'a>(
    reach: &HashMap<&'a str, Vec<&'a str>>,
    technique: &HashMap<&'a str, String>,
    path: &mut Vec<&'a str>,
    out: &mut BTreeSet<Vec<String>>,
) {
    if path.len() >= 2 {
        out.insert(path.iter().map(|n| technique[n].clone()).collect());
    }
    if path.len() == MAX_SEQUENCE {
        return;
    }
    let Some(&last) = path.last() else { return };
    for &n in reach.get(last).map(Vec::as_slice).unwrap_or_default() {
        if path.contains(&n) {
            continue;
        }
        path.push(n);
        sequences(reach, technique, path, out);
        path.pop();
    }
}

/// A count over the corpus: in how many flows, and how many times in all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Count {
    /// Flows that have it.
    pub flows: usize,
    /// Occurrences in all flows.
    pub total: usize,
}

impl Count {
    fn add(&mut self, n: usize) {
        self.flows += 1;
        self.total += n;
    }
}

/// Statistics of a corpus.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Flows added.
    pub flows: usize,
    /// Flows by scope (`(none)` for flows without one).
    pub scopes: BTreeMap<String, usize>,
    /// Objects by type.
    pub types: BTreeMap<String, Count>,
    /// Actions by technique.
    pub techniques: BTreeMap<String, Count>,
    /// Actions by tactic.
    pub tactics: BTreeMap<String, Count>,
    /// Transitions between techniques.
    pub transitions: BTreeMap<(String, String), Count>,
    /// Sequences of 2–4 techniques (`total` is the number of flows too).
    pub sequences: BTreeMap<Vec<String>, Count>,
}

impl Stats {
    /// Adds one flow's objects.
    pub fn add(&mut self, objects: &[Object]) {
        self.merge(FlowStats::of(objects));
    }

    /// Adds one flow's statistics.
    pub fn merge(&mut self, f: FlowStats) {
        self.flows += 1;
        *self
            .scopes
            .entry(f.scope.unwrap_or_else(|| "(none)".to_string()))
            .or_default() += 1;
        for (k, n) in f.types {
            self.types.entry(k).or_default().add(n);
        }
        for (k, n) in f.techniques {
            self.techniques.entry(k).or_default().add(n);
        }
        for (k, n) in f.tactics {
            self.tactics.entry(k).or_default().add(n);
        }
        for (k, n) in f.transitions {
            self.transitions.entry(k).or_default().add(n);
        }
        for k in f.sequences {
            self.sequences.entry(k).or_default().add(1);
        }
    }

    /// Entries of a table by most flows, then most occurrences, then key.
    pub fn ranked<K: Ord + Clone>(table: &BTreeMap<K, Count>) -> Vec<(K, Count)> {
        let mut v: Vec<(K, Count)> = table.iter().map(|(k, c)| (k.clone(), *c)).collect();
        v.sort_by(|a, b| {
            b.1.flows
                .cmp(&a.1.flows)
                .then(b.1.total.cmp(&a.1.total))
                .then(a.0.cmp(&b.0))
        });
        v
    }

    /// The sequences of `len` techniques, ranked.
    pub fn sequences_of(&self, len: usize) -> Vec<(Vec<String>, Count)> {
        let mut v = Stats::ranked(&self.sequences);
        v.retain(|(k, _)| k.len() == len);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Object {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn transitions_pass_through_conditions_and_operators() {
        let objects = vec![
            obj(json!({"type": "attack-flow", "id": "attack-flow--1", "scope": "incident"})),
            obj(
                json!({"type": "attack-action", "id": "attack-action--a", "technique_id": "T1", "effect_refs": ["attack-condition--c"]}),
            ),
            obj(json!({"type": "attack-condition", "id": "attack-condition--c"})),
            obj(
                json!({"type": "relationship", "id": "relationship--1", "relationship_type": "related-to", "source_ref": "attack-condition--c", "target_ref": "attack-operator--o"}),
            ),
            obj(
                json!({"type": "attack-operator", "id": "attack-operator--o", "effect_refs": ["attack-action--b", "attack-action--n"]}),
            ),
            obj(
                json!({"type": "attack-action", "id": "attack-action--n", "effect_refs": ["attack-action--d"]}),
            ),
            obj(
                json!({"type": "attack-action", "id": "attack-action--b", "technique_id": "T2", "effect_refs": ["attack-action--d"]}),
            ),
            obj(
                json!({"type": "attack-action", "id": "attack-action--d", "technique_id": "T3", "tactic_id": "TA0001", "effect_refs": ["attack-action--a"]}),
            ),
        ];
        let f = FlowStats::of(&objects);
        let pairs: Vec<(&str, &str)> = f
            .transitions
            .keys()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        assert_eq!(
            pairs,
            vec![("T1", "T2"), ("T1", "T3"), ("T2", "T3"), ("T3", "T1")]
        );
        assert!(f
            .sequences
            .contains(&vec!["T1".to_string(), "T2".into(), "T3".into()]));
        // The cycle back to T1 is not walked twice.
        assert!(f.sequences.iter().all(|s| s.len() <= 3 || s[0] != s[3]));
        assert_eq!(f.scope.as_deref(), Some("incident"));
        assert_eq!(f.tactics.get("TA0001"), Some(&1));
        let mut s = Stats::default();
        s.merge(f.clone());
        s.merge(f);
        assert_eq!(s.techniques["T1"], Count { flows: 2, total: 2 });
        assert_eq!(s.types["attack-action"], Count { flows: 2, total: 8 });
        assert_eq!(s.scopes["incident"], 2);
    }
}
