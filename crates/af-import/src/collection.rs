//! Splitting a set of STIX objects that holds several flows — a TAXII collection, bundles put
//! together — into the objects of each flow, so that each can be imported on its own.
//!
//! Which objects belong to a flow:
//!
//! 1. its **core**: the `attack-flow` and everything its references lead to, following any
//!    `*_ref`/`*_refs` property (start_refs, effect_refs, branches, asset_refs, object_ref, …)
//!    but never into another `attack-flow`;
//! 2. objects **attached** to it: an object outside every core (a relationship, a note, a
//!    report, a sighting) that refers to a member of the flow and to no core object of another
//!    flow, and what such objects lead to outside the cores (the other end of a relationship,
//!    every object a wrapping report lists);
//! 3. the **context** of all of these: their authors and markings (`created_by_ref`,
//!    `object_marking_refs`, granular `marking_ref`) and the extension definitions named in
//!    their `extensions`, with the authors and markings of those.
//!
//! An object shared by two flows (a marking, an author, a node with an explicit id used in
//! both) goes with each of them. Objects that belong to no flow, or that tie two flows
//! together (a relationship from one flow's action to another's), are left over and
//! reported by id.

use af_stix::refs::{self, RefRole};
use serde_json::{Map, Value as Json};
use std::collections::{HashMap, HashSet};

/// The objects of one flow.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowObjects {
    /// The `attack-flow` object's id.
    pub flow_id: String,
    /// The flow's `name`, when it has one.
    pub name: Option<String>,
    /// Its objects, in the order of the input.
    pub objects: Vec<Map<String, Json>>,
}

/// The result of [`split_flows`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Split {
    /// One entry per `attack-flow`, in the order of the input.
    pub flows: Vec<FlowObjects>,
    /// `(id, type)` of each object that belongs to no flow, in the order of the input.
    pub left_over: Vec<(String, String)>,
}

/// The ids an object refers to: `(metadata, other)`. Metadata are the authors, markings and
/// extension definitions; other references are everything else that names an id, at any
/// depth.
fn refs_of(obj: &Map<String, Json>) -> (Vec<&str>, Vec<&str>) {
    let (mut meta, mut other) = (Vec::new(), Vec::new());
    fn values<'a>(v: &'a Json, out: &mut Vec<&'a str>) {
        match v {
            Json::String(s) => out.push(s),
            Json::Array(items) => items.iter().for_each(|x| values(x, out)),
            _ => {}
        }
    }
    fn walk<'a>(m: &'a Map<String, Json>, meta: &mut Vec<&'a str>, other: &mut Vec<&'a str>, depth: usize) {
        if depth > 32 {
            return;
        }
        for (k, v) in m {
            if k == "extensions" {
                if let Json::Object(ext) = v {
                    meta.extend(
                        ext.keys()
                            .map(String::as_str)
                            .filter(|k| k.starts_with("extension-definition--")),
                    );
                }
            }
            if refs::is_reference_key(k) {
                if refs::role(k) == RefRole::Metadata || k == "marking_ref" {
                    values(v, meta);
                } else {
                    values(v, other);
                }
            }
            match v {
                Json::Object(inner) => walk(inner, meta, other, depth + 1),
                Json::Array(items) => {
                    for x in items {
                        if let Json::Object(inner) = x {
                            walk(inner, meta, other, depth + 1);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    walk(obj, &mut meta, &mut other, 0);
    (meta, other)
}

fn str_of<'a>(o: &'a Map<String, Json>, key: &str) -> Option<&'a str> {
    o.get(key).and_then(Json::as_str)
}

/// Splits `objects` into the objects of each flow (see the module documentation). An id
/// that occurs twice is taken from its first object; the later ones are left over.
pub fn split_flows(objects: &[Map<String, Json>]) -> Split {
    let n = objects.len();
    let mut by_id: HashMap<&str, usize> = HashMap::with_capacity(n);
    let mut duplicate = vec![false; n];
    for (i, o) in objects.iter().enumerate() {
        match str_of(o, "id") {
            Some(id) if !by_id.contains_key(id) => {
                by_id.insert(id, i);
            }
            _ => duplicate[i] = true,
        }
    }
    let is_flow = |i: usize| str_of(&objects[i], "type") == Some("attack-flow");
    let mut meta: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut referrers: Vec<Vec<usize>> = vec![Vec::new(); n];
    for i in (0..n).filter(|&i| !duplicate[i]) {
        let (m, o) = refs_of(&objects[i]);
        meta[i] = m.iter().filter_map(|id| by_id.get(id).copied()).collect();
        out[i] = o
            .iter()
            .filter_map(|id| by_id.get(id).copied())
            .filter(|&t| t != i)
            .collect();
        for &t in &out[i] {
            referrers[t].push(i);
        }
    }
    let flows: Vec<usize> = (0..n).filter(|&i| !duplicate[i] && is_flow(i)).collect();

    // 1. Cores.
    let mut core_of: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut cores: Vec<Vec<usize>> = Vec::with_capacity(flows.len());
    for (f, &root) in flows.iter().enumerate() {
        let mut core = vec![root];
        let mut stack = vec![root];
        core_of[root].push(f);
        while let Some(i) = stack.pop() {
            for &t in &out[i] {
                if is_flow(t) || core_of[t].last() == Some(&f) {
                    continue;
                }
                core_of[t].push(f);
                core.push(t);
                stack.push(t);
            }
        }
        cores.push(core);
    }

    let mut members: Vec<HashSet<usize>> = Vec::with_capacity(flows.len());
    for (f, core) in cores.iter().enumerate() {
        let mut member: HashSet<usize> = core.iter().copied().collect();
        // 2. Attached objects, to a fixed point.
        let mut work: Vec<usize> = core.clone();
        while let Some(m) = work.pop() {
            for &o in &referrers[m] {
                if member.contains(&o) || !core_of[o].is_empty() || is_flow(o) {
                    continue;
                }
                let ties_elsewhere = out[o]
                    .iter()
                    .any(|&t| !core_of[t].is_empty() && !core_of[t].contains(&f));
                if ties_elsewhere {
                    continue;
                }
                // The object and what it leads to outside the cores.
                let mut stack = vec![o];
                member.insert(o);
                work.push(o);
                while let Some(x) = stack.pop() {
                    for &t in &out[x] {
                        if core_of[t].is_empty() && !is_flow(t) && member.insert(t) {
                            work.push(t);
                            stack.push(t);
                        }
                    }
                }
            }
        }
        // 3. Context.
        let mut stack: Vec<usize> = member.iter().copied().collect();
        while let Some(i) = stack.pop() {
            for &t in &meta[i] {
                if member.insert(t) {
                    stack.push(t);
                }
            }
        }
        members.push(member);
    }

    let mut split = Split::default();
    for (f, &root) in flows.iter().enumerate() {
        let mut list: Vec<usize> = members[f].iter().copied().collect();
        list.sort_unstable();
        split.flows.push(FlowObjects {
            flow_id: str_of(&objects[root], "id").unwrap_or_default().to_string(),
            name: str_of(&objects[root], "name").map(str::to_string),
            objects: list.into_iter().map(|i| objects[i].clone()).collect(),
        });
    }
    let claimed: HashSet<usize> = members.iter().flatten().copied().collect();
    split.left_over = (0..n)
        .filter(|i| !claimed.contains(i))
        .map(|i| {
            (
                str_of(&objects[i], "id").unwrap_or("(no id)").to_string(),
                str_of(&objects[i], "type").unwrap_or("(no type)").to_string(),
            )
        })
        .collect();
    split
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn objs(v: Json) -> Vec<Map<String, Json>> {
        v.as_array()
            .map(|a| a.iter().filter_map(|o| o.as_object().cloned()).collect())
            .unwrap_or_default()
    }

    fn ids(f: &FlowObjects) -> Vec<&str> {
        f.objects.iter().filter_map(|o| str_of(o, "id")).collect()
    }

    #[test]
    fn two_flows_share_context_but_not_nodes() {
        let all = objs(json!([
            {"type": "marking-definition", "id": "m", "created_by_ref": "author"},
            {"type": "identity", "id": "author"},
            {"type": "extension-definition", "id": "extension-definition--x", "created_by_ref": "mitre"},
            {"type": "identity", "id": "mitre"},
            {"type": "attack-flow", "id": "f1", "name": "One", "start_refs": ["a1"], "created_by_ref": "author",
             "extensions": {"extension-definition--x": {"extension_type": "new-sdo"}}},
            {"type": "attack-action", "id": "a1", "effect_refs": ["a2"], "object_marking_refs": ["m"]},
            {"type": "attack-action", "id": "a2", "asset_refs": ["asset"]},
            {"type": "attack-asset", "id": "asset", "object_ref": "shared-host"},
            {"type": "infrastructure", "id": "shared-host"},
            {"type": "attack-flow", "id": "f2", "name": "Two", "start_refs": ["b1"]},
            {"type": "attack-action", "id": "b1", "asset_refs": ["asset2"]},
            {"type": "attack-asset", "id": "asset2", "object_ref": "shared-host"},
            // attached: a relationship to a malware outside the cores, and what it uses
            {"type": "relationship", "id": "r1", "source_ref": "a1", "target_ref": "mal"},
            {"type": "malware", "id": "mal"},
            {"type": "relationship", "id": "r2", "source_ref": "mal", "target_ref": "tool"},
            {"type": "tool", "id": "tool"},
            // a relationship tying the two flows together belongs to neither
            {"type": "relationship", "id": "tie", "source_ref": "a2", "target_ref": "b1"},
            // a note about the shared host goes with both
            {"type": "note", "id": "n", "object_refs": ["shared-host"]},
            // unrelated
            {"type": "indicator", "id": "lonely"},
        ]));
        let split = split_flows(&all);
        assert_eq!(split.flows.len(), 2);
        assert_eq!(split.flows[0].name.as_deref(), Some("One"));
        assert_eq!(
            ids(&split.flows[0]),
            [
                "m",
                "author",
                "extension-definition--x",
                "mitre",
                "f1",
                "a1",
                "a2",
                "asset",
                "shared-host",
                "r1",
                "mal",
                "r2",
                "tool",
                "n"
            ]
        );
        assert_eq!(ids(&split.flows[1]), ["shared-host", "f2", "b1", "asset2", "n"]);
        assert_eq!(
            split.left_over,
            [
                ("tie".to_string(), "relationship".to_string()),
                ("lonely".to_string(), "indicator".to_string())
            ]
        );
    }

    #[test]
    fn a_wrapping_report_brings_everything_it_lists() {
        let all = objs(json!([
            {"type": "attack-flow", "id": "f", "start_refs": ["a"]},
            {"type": "attack-action", "id": "a"},
            {"type": "threat-actor", "id": "ta"},
            {"type": "report", "id": "r", "object_refs": ["f", "a", "ta"]},
        ]));
        let split = split_flows(&all);
        assert_eq!(ids(&split.flows[0]), ["f", "a", "ta", "r"]);
        assert!(split.left_over.is_empty());
    }

    #[test]
    fn no_flow_leaves_everything_over_and_duplicates_are_kept_once() {
        let all = objs(json!([{"type": "tool", "id": "t"}, {"type": "tool", "id": "t"}]));
        let split = split_flows(&all);
        assert!(split.flows.is_empty());
        assert_eq!(split.left_over.len(), 2);
        let all = objs(json!([
            {"type": "attack-flow", "id": "f", "start_refs": ["a"]},
            {"type": "attack-action", "id": "a", "name": "first"},
            {"type": "attack-action", "id": "a", "name": "second"},
        ]));
        let split = split_flows(&all);
        assert_eq!(ids(&split.flows[0]), ["f", "a"]);
        assert_eq!(split.flows[0].objects[1]["name"], "first");
        assert_eq!(split.left_over, [("a".to_string(), "attack-action".to_string())]);
    }
}
