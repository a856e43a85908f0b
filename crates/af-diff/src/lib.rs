//! A semantic diff of two Attack Flows given as STIX objects: which nodes were added,
//! removed, renamed or changed (property by property, techniques and tactics on their own),
//! and which flow edges, branches and relationships were added or removed.
//!
//! Each side is a list of objects with the names people call them by ([`Side`]): the names
//! written in a `.af` file, or the names `afc import` gives the objects of a bundle. Nodes are
//! matched by id, then by name, then by content (a node with the same content under a new
//! name is a rename), so formatting, comments and the order of statements and objects never
//! make a difference. References are compared by what they point at, not by id, so renaming a
//! node does not change every node that refers to it. What objects inherit from the flow
//! (`created`, `modified`, the author and markings) is compared on the flow alone.
//!
//! [`render`] turns a [`Diff`] into text for people (coloured or not), JSON, Markdown and a
//! Mermaid picture with the changes marked.
//!
//! This crate must not know the `.af` syntax, files, git or the command line: callers compile
//! or import each side and hand over objects and names.

pub mod render;

use af_stix::flow::FlowRef;
use af_stix::refs::{self, RefRole};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};

/// One STIX object.
pub type Object = Map<String, Value>;

/// One side of a comparison.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    /// The objects (a bundle's `objects`, or what the compiler produced).
    pub objects: &'a [Object],
    /// The name of each declared object, by STIX id.
    pub names: &'a HashMap<String, String>,
    /// Whether the names are the ones people wrote (a flow file) rather than made up from the
    /// objects (a bundle): only then is a new name for the same node reported as a rename.
    pub written_names: bool,
}

/// A node as a diff reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeRef {
    /// The STIX id.
    pub id: String,
    /// The STIX type.
    pub stix_type: String,
    /// How the node is called: its name, or for objects without one, its type and title.
    pub label: String,
    /// Its title (an action's name, a condition's description…), when it has one.
    pub title: Option<String>,
}

/// A property whose value changed; `None` on a side where the property is absent.
#[derive(Debug, Clone, PartialEq)]
pub struct PropChange {
    /// The STIX property.
    pub key: String,
    /// The old value (references as the labels of their targets).
    pub old: Option<Value>,
    /// The new value.
    pub new: Option<Value>,
}

/// A node present on both sides.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeDiff {
    /// The node on the old side.
    pub old: NodeRef,
    /// The node on the new side.
    pub new: NodeRef,
    /// Whether it was renamed (same node, a new written name).
    pub renamed: bool,
    /// A changed `technique_id` (of an action).
    pub technique: Option<PropChange>,
    /// A changed `tactic_id` (of an action).
    pub tactic: Option<PropChange>,
    /// The other properties that changed, in the new object's key order.
    pub properties: Vec<PropChange>,
}

impl NodeDiff {
    /// Whether anything but the name changed.
    pub fn content_changed(&self) -> bool {
        self.technique.is_some() || self.tactic.is_some() || !self.properties.is_empty()
    }
}

/// What an edge is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EdgeKind {
    /// A flow edge: `effect_refs`, `on_true_refs` or `on_false_refs`.
    Flow(FlowRef),
    /// A `relationship` object of this `relationship_type`.
    Relationship(String),
}

/// An edge between two nodes, by their labels.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Edge {
    /// The source's label.
    pub from: String,
    /// What the edge is.
    pub kind: EdgeKind,
    /// The target's label.
    pub to: String,
}

impl Edge {
    /// The edge as the flow language writes it: `a -> b`, `c -[false]-> d`, `x -[uses]-> y`.
    pub fn to_source(&self) -> String {
        let arrow = match &self.kind {
            EdgeKind::Flow(FlowRef::Effect) => "->".to_string(),
            EdgeKind::Flow(FlowRef::OnTrue) => "-[true]->".to_string(),
            EdgeKind::Flow(FlowRef::OnFalse) => "-[false]->".to_string(),
            EdgeKind::Relationship(t) => format!("-[{t}]->"),
        };
        format!("{} {arrow} {}", self.from, self.to)
    }
}

/// A relationship present on both sides whose own properties changed.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeDiff {
    /// The relationship.
    pub edge: Edge,
    /// Its changed properties.
    pub properties: Vec<PropChange>,
}

/// Everything that differs between two flows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Diff {
    /// The flow's name on each side.
    pub flow_name: (Option<String>, Option<String>),
    /// Changed properties of the flow itself (`start_refs` as labels).
    pub flow: Vec<PropChange>,
    /// Nodes only on the new side.
    pub added: Vec<NodeRef>,
    /// Nodes only on the old side.
    pub removed: Vec<NodeRef>,
    /// Nodes on both sides that were renamed or changed.
    pub changed: Vec<NodeDiff>,
    /// Edges only on the new side.
    pub edges_added: Vec<Edge>,
    /// Edges only on the old side.
    pub edges_removed: Vec<Edge>,
    /// Relationships on both sides whose properties changed.
    pub edges_changed: Vec<EdgeDiff>,
    /// Old id → new id of every matched node (for pictures of both sides).
    pub matched: HashMap<String, String>,
}

impl Diff {
    /// Whether the two flows are the same.
    pub fn is_empty(&self) -> bool {
        self.flow.is_empty()
            && self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.edges_added.is_empty()
            && self.edges_removed.is_empty()
            && self.edges_changed.is_empty()
    }

    /// The renamed nodes.
    pub fn renamed(&self) -> impl Iterator<Item = &NodeDiff> {
        self.changed.iter().filter(|c| c.renamed)
    }

    /// Counts for a summary line: (added, removed, renamed, changed, edges added, edges
    /// removed).
    pub fn counts(&self) -> Counts {
        Counts {
            added: self.added.len(),
            removed: self.removed.len(),
            renamed: self.renamed().count(),
            changed: self.changed.iter().filter(|c| c.content_changed()).count()
                + usize::from(!self.flow.is_empty()),
            edges_added: self.edges_added.len(),
            edges_removed: self.edges_removed.len(),
            edges_changed: self.edges_changed.len(),
        }
    }
}

/// How many of each kind of change a [`Diff`] holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Nodes added.
    pub added: usize,
    /// Nodes removed.
    pub removed: usize,
    /// Nodes renamed.
    pub renamed: usize,
    /// Nodes (and the flow) whose properties changed.
    pub changed: usize,
    /// Edges added.
    pub edges_added: usize,
    /// Edges removed.
    pub edges_removed: usize,
    /// Relationships whose properties changed.
    pub edges_changed: usize,
}

/// Properties never compared: the object's identity and bookkeeping.
const IDENTITY_KEYS: &[&str] = &["type", "id", "spec_version"];

/// Properties objects usually take from the flow: compared on a node only when its value
/// differs from the flow's on that side.
const INHERITED_KEYS: &[&str] = &["created", "modified", "created_by_ref", "object_marking_refs"];

fn str_of<'a>(o: &'a Object, key: &str) -> Option<&'a str> {
    o.get(key).and_then(Value::as_str)
}

/// The Attack Flow extension definition and its creator identity: every bundle carries them
/// (as published, or the Builder's variant of them) and they say nothing about the flow.
fn is_published_boilerplate(o: &Object) -> bool {
    matches!(
        str_of(o, "id"),
        Some(af_stix::attack_flow::EXTENSION_ID | af_stix::attack_flow::EXTENSION_CREATOR_ID)
    )
}

/// One side, indexed.
struct Indexed<'a> {
    side: Side<'a>,
    flow: Option<&'a Object>,
    /// Nodes: every object but the flow, relationships and boilerplate, in order.
    nodes: Vec<(&'a str, &'a str, &'a Object)>,
    relationships: Vec<&'a Object>,
    by_id: HashMap<&'a str, usize>,
}

impl<'a> Indexed<'a> {
    fn new(side: Side<'a>) -> Self {
        let mut ix = Indexed {
            side,
            flow: None,
            nodes: Vec::new(),
            relationships: Vec::new(),
            by_id: HashMap::new(),
        };
        for o in side.objects {
            let (Some(t), Some(id)) = (str_of(o, "type"), str_of(o, "id")) else {
                continue;
            };
            match t {
                "attack-flow" => {
                    if ix.flow.is_none() {
                        ix.flow = Some(o);
                    }
                }
                "relationship" => ix.relationships.push(o),
                _ if is_published_boilerplate(o) => {}
                _ => {
                    if !ix.by_id.contains_key(id) {
                        ix.by_id.insert(id, ix.nodes.len());
                        ix.nodes.push((id, t, o));
                    }
                }
            }
        }
        ix
    }

    fn name(&self, id: &str) -> Option<&'a str> {
        self.side.names.get(id).map(String::as_str)
    }

    /// The label of node `i`: its name, else `type "title"`, else its id.
    fn label(&self, i: usize) -> String {
        let (id, t, o) = self.nodes[i];
        if let Some(n) = self.name(id) {
            return n.to_string();
        }
        match title(t, o) {
            Some(title) => format!("{} \"{}\"", af_stix::language::kind_word(t), shorten(&title, 40)),
            None => id.to_string(),
        }
    }

    fn node_ref(&self, i: usize) -> NodeRef {
        let (id, t, o) = self.nodes[i];
        NodeRef {
            id: id.to_string(),
            stix_type: t.to_string(),
            label: self.label(i),
            title: title(t, o),
        }
    }

    /// Whether `key` of a node holds what the flow holds (and so is not compared there).
    fn inherited(&self, o: &Object, key: &str) -> bool {
        INHERITED_KEYS.contains(&key) && self.flow.is_some_and(|f| f.get(key) == o.get(key))
    }
}

/// The title of an object, for reports: an action's or asset's name, a condition's
/// description, an operator's operator, another object's display property.
fn title(t: &str, o: &Object) -> Option<String> {
    let key = match t {
        "attack-action" | "attack-asset" => "name",
        "attack-condition" => "description",
        "attack-operator" => "operator",
        t => af_stix::types::display_property(t).unwrap_or("name"),
    };
    str_of(o, key)
        .or_else(|| str_of(o, "name"))
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
}

/// `text` cut to `max` characters with an ellipsis.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// What a reference value of `key` becomes once its ids are replaced by labels.
fn translate_ref(v: &Value, many: bool, label: &dyn Fn(&str) -> String) -> Value {
    match v {
        Value::String(s) => Value::String(label(s)),
        Value::Array(items) => {
            let mut out: Vec<String> = items
                .iter()
                .map(|x| match x {
                    Value::String(s) => label(s),
                    other => other.to_string(),
                })
                .collect();
            // A list of references is a set: its order means nothing.
            if many {
                out.sort();
                out.dedup();
            }
            Value::Array(out.into_iter().map(Value::String).collect())
        }
        other => other.clone(),
    }
}

/// The compared properties of an object: without identity keys, inherited values and flow
/// refs (which are edges), references as labels. `with_refs: false` also leaves out every
/// other reference (for matching by content).
fn content(
    ix: &Indexed<'_>,
    t: &str,
    o: &Object,
    with_refs: bool,
    label: &dyn Fn(&str) -> String,
) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for (k, v) in o {
        if IDENTITY_KEYS.contains(&k.as_str()) || (t != "attack-flow" && ix.inherited(o, k)) {
            continue;
        }
        if t == "relationship" && matches!(k.as_str(), "relationship_type" | "source_ref" | "target_ref") {
            continue;
        }
        match refs::reference(t, k) {
            Some(r) if matches!(r.role, RefRole::Flow(_)) => continue,
            Some(r) if r.role != RefRole::External => {
                if with_refs {
                    out.insert(k.clone(), translate_ref(v, r.many, label));
                }
            }
            _ => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    out
}

/// The changes between two property maps, in the new object's key order, then the removed
/// keys in the old object's order.
fn changes(
    old: &BTreeMap<String, Value>,
    new: &BTreeMap<String, Value>,
    new_order: &Object,
    old_order: &Object,
) -> Vec<PropChange> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let keys = new_order
        .keys()
        .chain(old_order.keys())
        .chain(new.keys())
        .chain(old.keys());
    for k in keys {
        if !seen.insert(k.as_str()) {
            continue;
        }
        let (a, b) = (old.get(k), new.get(k));
        if a != b && (a.is_some() || b.is_some()) {
            out.push(PropChange {
                key: k.clone(),
                old: a.cloned(),
                new: b.cloned(),
            });
        }
    }
    out
}

/// Compares two flows.
pub fn diff(old: Side<'_>, new: Side<'_>) -> Diff {
    let a = Indexed::new(old);
    let b = Indexed::new(new);
    let pairs = match_nodes(&a, &b);
    let old_to_new: HashMap<usize, usize> = pairs.iter().copied().collect();
    let new_matched: HashSet<usize> = pairs.iter().map(|&(_, j)| j).collect();

    // Labels: a matched node is called by its new label on both sides.
    let new_labels: Vec<String> = (0..b.nodes.len()).map(|j| b.label(j)).collect();
    let old_labels: Vec<String> = (0..a.nodes.len())
        .map(|i| match old_to_new.get(&i) {
            Some(&j) => new_labels[j].clone(),
            None => a.label(i),
        })
        .collect();
    let old_label = |id: &str| {
        a.by_id
            .get(id)
            .map_or_else(|| id.to_string(), |&i| old_labels[i].clone())
    };
    let new_label = |id: &str| {
        b.by_id
            .get(id)
            .map_or_else(|| id.to_string(), |&j| new_labels[j].clone())
    };

    let mut d = Diff {
        flow_name: (
            a.flow.and_then(|f| str_of(f, "name")).map(str::to_string),
            b.flow.and_then(|f| str_of(f, "name")).map(str::to_string),
        ),
        ..Diff::default()
    };
    let empty = Object::new();
    let (fa, fb) = (a.flow.unwrap_or(&empty), b.flow.unwrap_or(&empty));
    d.flow = changes(
        &content(&a, "attack-flow", fa, true, &old_label),
        &content(&b, "attack-flow", fb, true, &new_label),
        fb,
        fa,
    );

    for (i, &(id, _, _)) in a.nodes.iter().enumerate() {
        match old_to_new.get(&i) {
            None => d.removed.push(a.node_ref(i)),
            Some(&j) => {
                d.matched.insert(id.to_string(), b.nodes[j].0.to_string());
            }
        }
    }
    for j in 0..b.nodes.len() {
        if !new_matched.contains(&j) {
            d.added.push(b.node_ref(j));
        }
    }
    // Matched nodes in the new side's order.
    let mut ordered = pairs.clone();
    ordered.sort_by_key(|&(_, j)| j);
    for (i, j) in ordered {
        let (_, t, oa) = a.nodes[i];
        let (_, _, ob) = b.nodes[j];
        let mut props = changes(
            &content(&a, t, oa, true, &old_label),
            &content(&b, t, ob, true, &new_label),
            ob,
            oa,
        );
        let take = |props: &mut Vec<PropChange>, key: &str, companion: &str| {
            let pos = props.iter().position(|p| p.key == key)?;
            let change = props.remove(pos);
            props.retain(|p| p.key != companion);
            Some(change)
        };
        let (technique, tactic) = if t == "attack-action" {
            (
                take(&mut props, "technique_id", "technique_ref"),
                take(&mut props, "tactic_id", "tactic_ref"),
            )
        } else {
            (None, None)
        };
        let renamed = a.side.written_names
            && b.side.written_names
            && matches!((a.name(a.nodes[i].0), b.name(b.nodes[j].0)), (Some(x), Some(y)) if x != y);
        let nd = NodeDiff {
            old: a.node_ref(i),
            new: b.node_ref(j),
            renamed,
            technique,
            tactic,
            properties: props,
        };
        if nd.renamed || nd.content_changed() {
            d.changed.push(nd);
        }
    }

    // Edges: flow refs and relationships, by labels, as multisets.
    let (ea, ra) = edges(&a, &old_label);
    let (eb, rb) = edges(&b, &new_label);
    let mut count: HashMap<&Edge, isize> = HashMap::new();
    for e in &ea {
        *count.entry(e).or_default() += 1;
    }
    for e in &eb {
        *count.entry(e).or_default() -= 1;
    }
    let mut left = count.clone();
    for e in &eb {
        if let Some(n) = left.get_mut(e) {
            if *n < 0 {
                d.edges_added.push(e.clone());
                *n += 1;
            }
        }
    }
    let mut left = count;
    for e in &ea {
        if let Some(n) = left.get_mut(e) {
            if *n > 0 {
                d.edges_removed.push(e.clone());
                *n -= 1;
            }
        }
    }
    // Relationships on both sides: their own properties.
    let mut by_edge: HashMap<&Edge, Vec<&Object>> = HashMap::new();
    for (e, o) in &ra {
        by_edge.entry(e).or_default().push(o);
    }
    for (e, ob) in &rb {
        let Some(list) = by_edge.get_mut(e) else { continue };
        if list.is_empty() {
            continue;
        }
        let oa = list.remove(0);
        let props = changes(
            &content(&a, "relationship", oa, true, &old_label),
            &content(&b, "relationship", ob, true, &new_label),
            ob,
            oa,
        );
        if !props.is_empty() {
            d.edges_changed.push(EdgeDiff {
                edge: e.clone(),
                properties: props,
            });
        }
    }
    d
}

/// The edges of one side: every flow ref of every node, then every relationship (also given
/// with its object).
fn edges<'a>(ix: &Indexed<'a>, label: &dyn Fn(&str) -> String) -> (Vec<Edge>, Vec<(Edge, &'a Object)>) {
    let mut flow = Vec::new();
    for &(id, t, o) in &ix.nodes {
        for r in af_stix::flow::flow_refs_of(t) {
            let Some(v) = o.get(r.key()) else { continue };
            let targets: Vec<&str> = match v {
                Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
                Value::String(s) => vec![s.as_str()],
                _ => Vec::new(),
            };
            let mut seen = HashSet::new();
            for target in targets {
                if seen.insert(target) {
                    flow.push(Edge {
                        from: label(id),
                        kind: EdgeKind::Flow(*r),
                        to: label(target),
                    });
                }
            }
        }
    }
    let mut rels = Vec::new();
    for o in &ix.relationships {
        let e = Edge {
            from: label(str_of(o, "source_ref").unwrap_or("")),
            kind: EdgeKind::Relationship(str_of(o, "relationship_type").unwrap_or("").to_string()),
            to: label(str_of(o, "target_ref").unwrap_or("")),
        };
        flow.push(e.clone());
        rels.push((e, *o));
    }
    (flow, rels)
}

/// Pairs old nodes with new nodes: by id, then by name, then by content (same type and the
/// same properties apart from references), then by content and neighbours for nodes whose
/// content is not unique (two identical `AND` operators).
fn match_nodes(a: &Indexed<'_>, b: &Indexed<'_>) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    let mut used_a = vec![false; a.nodes.len()];
    let mut used_b = vec![false; b.nodes.len()];
    let pair = |i: usize, j: usize, pairs: &mut Vec<(usize, usize)>, ua: &mut [bool], ub: &mut [bool]| {
        ua[i] = true;
        ub[j] = true;
        pairs.push((i, j));
    };
    // 1. The same id.
    for (i, &(id, _, _)) in a.nodes.iter().enumerate() {
        if let Some(&j) = b.by_id.get(id) {
            pair(i, j, &mut pairs, &mut used_a, &mut used_b);
        }
    }
    // 2. The same name and type.
    let mut b_by_name: HashMap<(&str, &str), usize> = HashMap::new();
    for (j, &(id, t, _)) in b.nodes.iter().enumerate() {
        if let (false, Some(n)) = (used_b[j], b.name(id)) {
            b_by_name.insert((n, t), j);
        }
    }
    for (i, &(id, t, _)) in a.nodes.iter().enumerate() {
        if used_a[i] {
            continue;
        }
        if let Some(&j) = a.name(id).and_then(|n| b_by_name.get(&(n, t))) {
            if !used_b[j] {
                pair(i, j, &mut pairs, &mut used_a, &mut used_b);
            }
        }
    }
    // 3. The same content: unique first, then in order of appearance.
    let no_label = |id: &str| id.to_string();
    let signature = |ix: &Indexed<'_>, k: usize| {
        let (_, t, o) = ix.nodes[k];
        let c = content(ix, t, o, false, &no_label);
        format!("{t}\u{1f}{}", serde_json::to_string(&c).unwrap_or_default())
    };
    let mut groups: BTreeMap<String, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
    for i in (0..a.nodes.len()).filter(|&i| !used_a[i]) {
        groups.entry(signature(a, i)).or_default().0.push(i);
    }
    for j in (0..b.nodes.len()).filter(|&j| !used_b[j]) {
        groups.entry(signature(b, j)).or_default().1.push(j);
    }
    for (olds, news) in groups.values() {
        for (&i, &j) in olds.iter().zip(news) {
            pair(i, j, &mut pairs, &mut used_a, &mut used_b);
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Object {
        v.as_object().cloned().unwrap_or_default()
    }

    fn side<'a>(objects: &'a [Object], names: &'a HashMap<String, String>) -> Side<'a> {
        Side {
            objects,
            names,
            written_names: true,
        }
    }

    #[test]
    fn same_objects_in_another_order_are_the_same() {
        let objects = vec![
            obj(
                json!({"type": "attack-flow", "id": "attack-flow--1", "name": "F", "start_refs": ["attack-action--1"]}),
            ),
            obj(
                json!({"type": "attack-action", "id": "attack-action--1", "name": "A", "effect_refs": ["attack-action--2", "attack-action--3"]}),
            ),
            obj(json!({"type": "attack-action", "id": "attack-action--2", "name": "B"})),
            obj(json!({"type": "attack-action", "id": "attack-action--3", "name": "C"})),
        ];
        let mut shuffled = objects.clone();
        shuffled.reverse();
        if let Some(Value::Array(refs)) = shuffled[3].get_mut("effect_refs") {
            refs.reverse();
        }
        let names = HashMap::new();
        assert!(diff(side(&objects, &names), side(&shuffled, &names)).is_empty());
    }

    #[test]
    fn renames_follow_references() {
        let old = vec![
            obj(json!({"type": "attack-flow", "id": "attack-flow--1", "name": "F"})),
            obj(
                json!({"type": "attack-action", "id": "attack-action--1", "name": "A", "effect_refs": ["attack-action--2"], "asset_refs": ["attack-asset--1"]}),
            ),
            obj(json!({"type": "attack-action", "id": "attack-action--2", "name": "B"})),
            obj(json!({"type": "attack-asset", "id": "attack-asset--1", "name": "Host"})),
        ];
        let mut new = old.clone();
        new[3].insert("id".into(), json!("attack-asset--9"));
        new[1].insert("asset_refs".into(), json!(["attack-asset--9"]));
        let names_a: HashMap<String, String> = [("attack-asset--1", "host"), ("attack-action--1", "a")]
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let names_b: HashMap<String, String> = [("attack-asset--9", "server"), ("attack-action--1", "a")]
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let d = diff(side(&old, &names_a), side(&new, &names_b));
        assert_eq!(d.changed.len(), 1, "{d:#?}");
        assert!(d.changed[0].renamed && !d.changed[0].content_changed());
        assert_eq!(d.changed[0].old.label, "host");
        assert_eq!(d.changed[0].new.label, "server");
        assert!(d.added.is_empty() && d.removed.is_empty() && d.edges_added.is_empty());
    }

    #[test]
    fn techniques_properties_and_edges() {
        let old = vec![
            obj(
                json!({"type": "attack-flow", "id": "attack-flow--1", "name": "F", "created": "2026-01-01T00:00:00.000Z"}),
            ),
            obj(
                json!({"type": "attack-action", "id": "attack-action--1", "name": "A", "technique_id": "T1566", "technique_ref": "attack-pattern--1", "created": "2026-01-01T00:00:00.000Z", "effect_refs": ["attack-condition--1"]}),
            ),
            obj(
                json!({"type": "attack-condition", "id": "attack-condition--1", "description": "ok?", "on_true_refs": ["attack-action--1"]}),
            ),
            obj(
                json!({"type": "relationship", "id": "relationship--1", "relationship_type": "uses", "source_ref": "attack-action--1", "target_ref": "attack-condition--1", "description": "x"}),
            ),
        ];
        let mut new = old.clone();
        new[1].insert("technique_id".into(), json!("T1078"));
        new[1].insert("technique_ref".into(), json!("attack-pattern--2"));
        new[1].insert("description".into(), json!("now described"));
        new[2].insert("on_false_refs".into(), json!(["attack-action--1"]));
        new[3].insert("description".into(), json!("y"));
        let names = HashMap::new();
        let d = diff(side(&old, &names), side(&new, &names));
        assert_eq!(d.changed.len(), 1);
        let c = &d.changed[0];
        assert_eq!(
            c.technique.as_ref().and_then(|t| t.new.clone()),
            Some(json!("T1078"))
        );
        assert_eq!(
            c.properties.len(),
            1,
            "technique_ref folds into the technique: {c:#?}"
        );
        assert_eq!(c.properties[0].key, "description");
        assert_eq!(d.edges_added.len(), 1);
        assert_eq!(d.edges_added[0].kind, EdgeKind::Flow(FlowRef::OnFalse));
        assert_eq!(d.edges_changed.len(), 1);
        assert!(d.edges_removed.is_empty() && d.flow.is_empty());
    }
}
