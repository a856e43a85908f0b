//! The flow as a graph: references that lead nowhere, objects not connected to the flow,
//! `start_refs` that do not match the flow's roots, and condition branches that the Attack Flow
//! Builder writes as `related-to` relationships.

use crate::json::Value;
use crate::{Cx, Obj};
use af_diagnostics::{codes, Diagnostic, Span};
use af_stix::flow;
use af_stix::refs::{self, RefRole};
use std::collections::{HashMap, HashSet, VecDeque};

/// One reference from an object to an id.
struct Ref<'a> {
    from: usize,
    key: &'a str,
    role: RefRole,
    target: &'a str,
    span: Span,
}

/// Every reference an object holds: the properties the type table says are references, and
/// any other `*_ref` / `*_refs` property (custom and unknown types included).
fn refs_of<'a>(index: usize, obj: &Obj<'a>, out: &mut Vec<Ref<'a>>) {
    let (Some(ty), Some(members)) = (obj.ty, obj.value.as_object()) else {
        return;
    };
    for m in members {
        let Some(rule) = refs::reference(ty, &m.key) else {
            continue;
        };
        let mut push = |v: &'a Value| {
            if let Some(s) = v.as_str().filter(|s| af_stix::id::is_valid_id(s)) {
                out.push(Ref {
                    from: index,
                    key: &m.key,
                    role: rule.role,
                    target: s,
                    span: v.span.clone(),
                });
            }
        };
        match m.value.as_array() {
            Some(items) => items.iter().for_each(&mut push),
            None => push(&m.value),
        }
    }
}

pub(crate) fn check(cx: &mut Cx, objs: &[Obj<'_>]) {
    // Ids: the first object with an id wins; a second one is ambiguous.
    let mut by_id: HashMap<&str, usize> = HashMap::with_capacity(objs.len());
    for (i, o) in objs.iter().enumerate() {
        let Some(id) = o.id else { continue };
        match by_id.get(id) {
            Some(&first) => cx.push(
                Diagnostic::new(codes::V0118, o.anchor.clone(), format!("`{id}` is the id of an earlier object too"))
                    .with_label(objs[first].anchor.clone(), "first used here")
                    .with_help("references to this id are ambiguous; give each object its own id (several versions of one object belong in separate bundles)"),
            ),
            None => {
                by_id.insert(id, i);
            }
        }
    }
    let mut refs = Vec::new();
    for (i, o) in objs.iter().enumerate() {
        refs_of(i, o, &mut refs);
    }

    dangling(cx, objs, &refs, &by_id);

    // Undirected adjacency over the references that connect things, plus relationships
    // (which are objects holding source_ref / target_ref).
    let mut adj: Vec<Vec<usize>> = vec![Vec::new(); objs.len()];
    let mut metadata_target = vec![false; objs.len()];
    for r in &refs {
        let Some(&to) = by_id.get(r.target) else { continue };
        if r.role == RefRole::Metadata {
            metadata_target[to] = true;
            continue;
        }
        adj[r.from].push(to);
        adj[to].push(r.from);
    }
    let mut connected = vec![false; objs.len()];
    let mut queue: VecDeque<usize> = objs
        .iter()
        .enumerate()
        .filter(|(_, o)| o.ty.is_some_and(|t| t == "attack-flow" || flow::is_context(t)))
        .map(|(i, _)| i)
        .collect();
    if !objs.iter().any(|o| o.ty == Some("attack-flow")) {
        return; // V0013 already; nothing to measure connectivity against
    }
    for &i in &queue {
        connected[i] = true;
    }
    while let Some(i) = queue.pop_front() {
        for &n in &adj[i] {
            if !connected[n] {
                connected[n] = true;
                queue.push_back(n);
            }
        }
    }
    for (i, o) in objs.iter().enumerate() {
        let Some(ty) = o.ty else { continue };
        if connected[i] || metadata_target[i] || flow::stands_beside(ty) || ty == "relationship" {
            continue;
        }
        cx.push(
            Diagnostic::new(codes::V0203, o.anchor.clone(), format!("this `{ty}` is not connected to the flow"))
                .with_span_label("nothing connects this object to the flow")
                .with_help("connect it with a reference (effect_refs, asset_refs, object_ref, …) or a relationship, or remove it; threat-actor and campaign objects are exempt"),
        );
    }
    // A relationship whose two ends are both missing or unconnected is reported through its ends;
    // one that touches nothing in the bundle is reported itself.
    for (i, o) in objs.iter().enumerate() {
        if o.ty == Some("relationship") && adj[i].is_empty() && o.id.is_some() {
            cx.push(
                Diagnostic::new(
                    codes::V0203,
                    o.anchor.clone(),
                    "this relationship connects nothing in the bundle",
                )
                .with_help("its source_ref and target_ref should name objects of this bundle"),
            );
        }
    }

    flow_description(cx, objs);
    start_refs(cx, objs, &refs, &by_id, &connected);
}

fn dangling(cx: &mut Cx, objs: &[Obj<'_>], refs: &[Ref<'_>], by_id: &HashMap<&str, usize>) {
    for r in refs {
        if by_id.contains_key(r.target) || r.role == RefRole::External || !objs[r.from].known {
            continue;
        }
        if r.key == "object_marking_refs" && af_stix::marking::tlp_name_for_id(r.target).is_some() {
            continue; // the TLP markings are predefined by STIX
        }
        if r.key == "created_by_ref" {
            cx.push(
                Diagnostic::new(
                    codes::V0202,
                    r.span.clone(),
                    format!(
                        "`created_by_ref` names `{}`, which is not in the bundle",
                        r.target
                    ),
                )
                .with_help("add the identity object that created this one, or remove created_by_ref"),
            );
            continue;
        }
        cx.push(
            Diagnostic::new(
                codes::V0201,
                r.span.clone(),
                format!("`{}` is not in the bundle", r.target),
            )
            .with_span_label("no object has this id")
            .with_help(format!(
                "`{}` refers to an object this bundle does not hold; add it or remove the reference",
                r.key
            )),
        );
    }
}

fn flow_description(cx: &mut Cx, objs: &[Obj<'_>]) {
    for o in objs.iter().filter(|o| o.ty == Some("attack-flow")) {
        match o.value.get("description") {
            None => cx.push(
                Diagnostic::new(codes::V0204, o.anchor.clone(), "the flow has no `description`")
                    .with_span_label("this flow")
                    .with_help("readers of the bundle see the flow's description first; say what happened and where the flow comes from"),
            ),
            Some(d) if d.as_str().is_some_and(|s| s.trim().is_empty()) => cx.push(
                Diagnostic::new(codes::V0204, d.span.clone(), "the flow's `description` is empty")
                    .with_help("readers of the bundle see the flow's description first"),
            ),
            Some(_) => {}
        }
    }
}

/// A Builder-style branch: `related-to` from an attack-condition to a flow node.
fn builder_branch<'a>(o: &Obj<'a>) -> Option<(&'a str, &'a str)> {
    if o.ty != Some("relationship") {
        return None;
    }
    let v = o.value;
    let rt = v.get("relationship_type").and_then(Value::as_str)?;
    let src = v.get("source_ref").and_then(Value::as_str)?;
    let dst = v.get("target_ref").and_then(Value::as_str)?;
    let ty = |id: &'a str| id.split_once("--").map_or("", |(t, _)| t);
    flow::is_builder_branch(rt, ty(src), ty(dst)).then_some((src, dst))
}

fn start_refs(
    cx: &mut Cx,
    objs: &[Obj<'_>],
    refs: &[Ref<'_>],
    by_id: &HashMap<&str, usize>,
    connected: &[bool],
) {
    // Incoming flow edges of each node: the first one seen, for the label.
    let mut incoming: HashMap<&str, Span> = HashMap::new();
    for r in refs {
        if matches!(r.role, RefRole::Flow(_)) && objs[r.from].ty.is_some_and(flow::is_flow_node) {
            incoming.entry(r.target).or_insert_with(|| r.span.clone());
        }
    }
    // Builder branches, reported once per condition.
    let mut branches: Vec<(&str, Vec<Span>)> = Vec::new();
    for o in objs {
        if let Some((src, dst)) = builder_branch(o) {
            incoming.entry(dst).or_insert_with(|| o.anchor.clone());
            match branches.iter_mut().find(|(s, _)| *s == src) {
                Some((_, spans)) => spans.push(o.anchor.clone()),
                None => branches.push((src, vec![o.anchor.clone()])),
            }
        }
    }
    for (condition, spans) in branches {
        let (span, labels) = match by_id.get(condition) {
            Some(&i) => (objs[i].anchor.clone(), spans.as_slice()),
            None => (spans[0].clone(), &spans[1..]),
        };
        let mut d = Diagnostic::new(
            codes::V0207,
            span,
            format!(
                "{} branch{} of this condition {} written as `related-to` relationship{}",
                spans.len(),
                if spans.len() == 1 { "" } else { "es" },
                if spans.len() == 1 { "is" } else { "are" },
                if spans.len() == 1 { "" } else { "s" },
            ),
        )
        .with_help("Attack Flow 2.0 conditions branch with on_true_refs / on_false_refs, which other tools read; the Attack Flow Builder writes relationships instead. `afc import --repair` rewrites them");
        for s in labels {
            d = d.with_label(s.clone(), "a branch written as a relationship");
        }
        cx.push(d);
    }

    for flow in objs.iter().filter(|o| o.ty == Some("attack-flow")) {
        let Some(list) = flow.value.get("start_refs").and_then(Value::as_array) else {
            continue;
        };
        let starts: HashSet<&str> = list.iter().filter_map(Value::as_str).collect();
        // When every step has a way in (the first step is where a retry loop returns), the
        // flow can only start inside a loop: the compiler then starts at the first step.
        let some_step_has_no_way_in = objs
            .iter()
            .any(|o| o.ty.is_some_and(flow::can_start) && o.id.is_some_and(|id| !incoming.contains_key(id)));
        for item in list {
            let Some(id) = item.as_str() else { continue };
            if !some_step_has_no_way_in {
                break;
            }
            if let Some(from) = incoming.get(id) {
                cx.push(
                    Diagnostic::new(codes::V0205, item.span.clone(), format!("`{id}` is in start_refs, but another node leads to it"))
                        .with_label(from.clone(), "this leads to it")
                        .with_help("start_refs lists the nodes the flow begins with, those nothing leads to; remove it unless the flow really starts inside a loop"),
                );
            }
        }
        let last_item_end = list.last().map(|v| v.span.end);
        for (i, o) in objs.iter().enumerate() {
            let (Some(ty), Some(id)) = (o.ty, o.id) else {
                continue;
            };
            if !flow::can_start(ty) || starts.contains(id) || incoming.contains_key(id) || !connected[i] {
                continue;
            }
            let mut d = Diagnostic::new(
                codes::V0206,
                o.anchor.clone(),
                format!("nothing leads to this `{ty}`, but it is not in the flow's start_refs"),
            )
            .with_span_label("nothing leads here")
            .with_label(flow.anchor.clone(), "the flow")
            .with_help("a node that no effect_refs / on_*_refs reach starts a branch of the flow: add it to start_refs, or link it from the node before it");
            if let Some(end) = last_item_end {
                d = d.with_fix("add it to start_refs", end..end, format!(", \"{id}\""));
            }
            cx.push(d);
        }
    }
}
