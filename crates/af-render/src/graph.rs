//! The drawable graph of a flow: which STIX objects become nodes, what each node says, and
//! which references and relationships become edges.

use crate::{Object, RenderError};
use af_catalog::Catalog;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// What a node is, which decides its shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeKind {
    /// An `attack-action`.
    Action,
    /// An `attack-condition`.
    Condition,
    /// An `attack-operator` with its operator (`AND`, `OR`, or whatever the object says).
    Operator(String),
    /// An `attack-asset`.
    Asset,
    /// Any other STIX domain or relationship object (`malware`, `tool`, `note`, `sighting`…).
    Sdo,
    /// A STIX cyber-observable (`ipv4-addr`, `file`, `process`…).
    Observable,
}

impl NodeKind {
    /// A short human name of the kind, for captions and accessible titles.
    pub fn caption(&self) -> &'static str {
        match self {
            NodeKind::Action => "Action",
            NodeKind::Condition => "Condition",
            NodeKind::Operator(_) => "Operator",
            NodeKind::Asset => "Asset",
            NodeKind::Sdo => "Object",
            NodeKind::Observable => "Observable",
        }
    }

    /// True for actions, conditions and operators: the nodes the flow's edges run through.
    pub fn is_flow_step(&self) -> bool {
        matches!(
            self,
            NodeKind::Action | NodeKind::Condition | NodeKind::Operator(_)
        )
    }
}

/// A technique as shown on an action card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TechniqueLabel {
    /// The id as the object writes it.
    pub id: String,
    /// The catalog's name (`Parent: Sub` for sub-techniques), when the id is known.
    pub name: Option<String>,
}

/// A tactic as shown on an action card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TacticLabel {
    /// The id (`TA0001`) as the object writes it.
    pub id: String,
    /// The catalog's name, when the id is known.
    pub name: Option<String>,
}

/// One drawn object.
#[derive(Debug, Clone)]
pub struct Node {
    /// The STIX id.
    pub id: String,
    /// The STIX type.
    pub stix_type: String,
    /// The kind (shape).
    pub kind: NodeKind,
    /// The main text: an action's or asset's name, a condition's description, an object's
    /// display property. Empty when the object has none.
    pub title: String,
    /// Further text: the description of actions, assets and other objects.
    pub description: Option<String>,
    /// The technique of an action.
    pub technique: Option<TechniqueLabel>,
    /// The tactic of an action.
    pub tactic: Option<TacticLabel>,
}

impl Node {
    /// The heading of an action: its tactic (`Initial Access (TA0001)`, `Tactic TA0001`), or
    /// `Action`.
    pub fn tactic_caption(&self) -> String {
        match &self.tactic {
            Some(t) => match &t.name {
                Some(name) => format!("{name} ({})", t.id),
                None => format!("Tactic {}", t.id),
            },
            None => "Action".to_string(),
        }
    }

    /// The technique line of an action: `T1566.002 · Spearphishing Link`, or the id alone
    /// when the name is the title already.
    pub fn technique_line(&self) -> Option<String> {
        let t = self.technique.as_ref()?;
        Some(match &t.name {
            Some(name) if !name.eq_ignore_ascii_case(&self.title) => format!("{} · {name}", t.id),
            _ => t.id.clone(),
        })
    }

    /// The kind caption of a node that is not an action or operator: `Condition`, `Asset`, or
    /// the STIX type.
    pub fn caption(&self) -> &str {
        match self.kind {
            NodeKind::Condition => "Condition",
            NodeKind::Asset => "Asset",
            _ => &self.stix_type,
        }
    }

    /// The title, or a placeholder when the object has none.
    pub fn shown_title(&self) -> &str {
        match (self.title.is_empty(), &self.kind) {
            (false, _) => &self.title,
            (true, NodeKind::Action) => "(unnamed action)",
            (true, _) => "(no name)",
        }
    }
}

/// What an edge means, which decides its line style and label.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EdgeKind {
    /// `effect_refs` of an action or operator.
    Effect,
    /// `on_true_refs` of a condition.
    OnTrue,
    /// `on_false_refs` of a condition.
    OnFalse,
    /// A `relationship` object with its `relationship_type`.
    Relationship(String),
    /// Another reference property (`asset_refs`, `object_ref`, `object_refs`…), named
    /// without its `_ref`/`_refs` suffix.
    Reference(String),
}

impl EdgeKind {
    /// The label drawn on the edge; effects have none.
    pub fn label(&self) -> Option<&str> {
        match self {
            EdgeKind::Effect => None,
            EdgeKind::OnTrue => Some("true"),
            EdgeKind::OnFalse => Some("false"),
            EdgeKind::Relationship(t) | EdgeKind::Reference(t) => Some(t),
        }
    }

    /// True for the edges of the flow itself (effects and condition branches).
    pub fn is_flow(&self) -> bool {
        matches!(self, EdgeKind::Effect | EdgeKind::OnTrue | EdgeKind::OnFalse)
    }
}

/// A directed edge between two nodes (indices into [`Graph::nodes`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// Source node.
    pub from: usize,
    /// Target node.
    pub to: usize,
    /// Meaning.
    pub kind: EdgeKind,
}

/// A flow ready to draw.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// The `attack-flow` object's name (empty when the objects have no flow).
    pub name: String,
    /// The flow's scope (`incident`, `attack-tree`…), when given.
    pub scope: Option<String>,
    /// The flow's description.
    pub description: Option<String>,
    /// Drawn objects, in the order of the input.
    pub nodes: Vec<Node>,
    /// Edges, in a deterministic order (references in object order, then relationships).
    pub edges: Vec<Edge>,
    /// Nodes named by the flow's `start_refs`.
    pub start: Vec<usize>,
}

impl Graph {
    /// True for `scope: attack-tree`, drawn with the goal at the top.
    pub fn is_attack_tree(&self) -> bool {
        self.scope.as_deref() == Some("attack-tree")
    }
}

/// Types that are never drawn as nodes: bundle plumbing, markings and the flow itself.
const NOT_DRAWN: &[&str] = &[
    "attack-flow",
    "relationship",
    "extension-definition",
    "marking-definition",
    "language-content",
    "bundle",
];

fn str_of<'a>(o: &'a Object, key: &str) -> Option<&'a str> {
    o.get(key).and_then(Value::as_str)
}

fn nonempty(s: Option<&str>) -> Option<String> {
    s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// Reference values of a property: one id or a list of ids.
fn ref_values(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Whether property `key` of a `stix_type` object is a reference drawn as an edge: a flow
/// ref or a plain link, not metadata, the flow's starts or a pointer into ATT&CK.
fn is_ref_key(stix_type: &str, key: &str) -> bool {
    af_stix::refs::reference(stix_type, key).is_some_and(|r| {
        matches!(
            r.role,
            af_stix::refs::RefRole::Flow(_) | af_stix::refs::RefRole::Link
        )
    })
}

fn is_observable(stix_type: &str) -> bool {
    af_stix::types::type_info(stix_type)
        .is_some_and(|info| matches!(info.category, af_stix::types::Category::Sco))
}

impl Graph {
    /// Builds the graph of a list of STIX objects. Objects without a string `type` and `id`
    /// are ignored; references to objects that are not drawn are dropped. Technique and
    /// tactic names come from `catalog`.
    pub fn from_objects(objects: &[Object], catalog: &Catalog) -> Result<Graph, RenderError> {
        let mut graph = Graph::default();
        // The report `afc compile --wrap report` puts around a flow is its container, not a
        // node: drawn, it would point at everything.
        let wrapper = {
            let compact: Vec<af_stix::Object> = objects.iter().cloned().map(af_stix::Object::from).collect();
            af_stix::report::find_wrapper(&compact)
        };
        let typed: Vec<(&str, &str, &Object)> = objects
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != wrapper)
            .filter_map(|(_, o)| Some((str_of(o, "type")?, str_of(o, "id")?, o)))
            .collect();
        if typed.is_empty() {
            return Err(RenderError::NoObjects);
        }
        if let Some((_, _, flow)) = typed.iter().find(|(t, _, _)| *t == "attack-flow") {
            graph.name = str_of(flow, "name").unwrap_or_default().trim().to_string();
            graph.scope = nonempty(str_of(flow, "scope"));
            graph.description = nonempty(str_of(flow, "description"));
        }
        // Identities are drawn only when something other than metadata points at them.
        let mut pointed_at: HashSet<&str> = HashSet::new();
        for (t, _, o) in &typed {
            if *t == "relationship" {
                pointed_at.extend(str_of(o, "source_ref"));
                pointed_at.extend(str_of(o, "target_ref"));
            } else if !NOT_DRAWN.contains(t) {
                for (k, v) in o.iter() {
                    if is_ref_key(t, k) {
                        pointed_at.extend(ref_values(v));
                    }
                }
            }
        }
        let mut index: HashMap<&str, usize> = HashMap::new();
        for (t, id, o) in &typed {
            if NOT_DRAWN.contains(t) || (*t == "identity" && !pointed_at.contains(id)) {
                continue;
            }
            if index.contains_key(id) {
                continue;
            }
            index.insert(id, graph.nodes.len());
            graph.nodes.push(node_of(t, id, o, catalog));
        }
        let mut seen: HashSet<(usize, usize, EdgeKind)> = HashSet::new();
        let mut push = |graph: &mut Graph, from: usize, to: usize, kind: EdgeKind| {
            if seen.insert((from, to, kind.clone())) {
                graph.edges.push(Edge { from, to, kind });
            }
        };
        for (t, id, o) in &typed {
            let Some(&from) = index.get(id) else { continue };
            if NOT_DRAWN.contains(t) {
                continue;
            }
            for (k, v) in o.iter() {
                if !is_ref_key(t, k) {
                    continue;
                }
                let kind = match k.as_str() {
                    "effect_refs" => EdgeKind::Effect,
                    "on_true_refs" => EdgeKind::OnTrue,
                    "on_false_refs" => EdgeKind::OnFalse,
                    "asset_refs" => EdgeKind::Reference("asset".into()),
                    other => {
                        let base = other.strip_suffix("_refs").or_else(|| other.strip_suffix("_ref"));
                        EdgeKind::Reference(base.unwrap_or(other).replace('_', " "))
                    }
                };
                for target in ref_values(v) {
                    if let Some(&to) = index.get(target) {
                        push(&mut graph, from, to, kind.clone());
                    }
                }
            }
        }
        for (t, _, o) in &typed {
            if *t != "relationship" {
                continue;
            }
            let (Some(s), Some(d)) = (str_of(o, "source_ref"), str_of(o, "target_ref")) else {
                continue;
            };
            if let (Some(&from), Some(&to)) = (index.get(s), index.get(d)) {
                let rt = nonempty(str_of(o, "relationship_type")).unwrap_or_else(|| "related-to".into());
                push(&mut graph, from, to, EdgeKind::Relationship(rt));
            }
        }
        if let Some((_, _, flow)) = typed.iter().find(|(t, _, _)| *t == "attack-flow") {
            if let Some(v) = flow.get("start_refs") {
                for r in ref_values(v) {
                    if let Some(&i) = index.get(r) {
                        if !graph.start.contains(&i) {
                            graph.start.push(i);
                        }
                    }
                }
            }
        }
        Ok(graph)
    }
}

fn node_of(stix_type: &str, id: &str, o: &Object, catalog: &Catalog) -> Node {
    let description = nonempty(str_of(o, "description"));
    let mut node = Node {
        id: id.to_string(),
        stix_type: stix_type.to_string(),
        kind: NodeKind::Sdo,
        title: String::new(),
        description: None,
        technique: None,
        tactic: None,
    };
    match stix_type {
        "attack-action" => {
            node.kind = NodeKind::Action;
            node.title = nonempty(str_of(o, "name")).unwrap_or_default();
            node.description = description;
            node.technique = nonempty(str_of(o, "technique_id")).map(|tid| TechniqueLabel {
                name: catalog.technique(&tid).map(|t| t.full_name()),
                id: tid,
            });
            node.tactic = nonempty(str_of(o, "tactic_id")).map(|tid| TacticLabel {
                name: catalog.tactic(&tid).map(|t| t.name.to_string()),
                id: tid,
            });
        }
        "attack-condition" => {
            node.kind = NodeKind::Condition;
            node.title = description.unwrap_or_default();
        }
        "attack-operator" => {
            let op = nonempty(str_of(o, "operator")).unwrap_or_else(|| "?".into());
            node.title = op.clone();
            node.kind = NodeKind::Operator(op);
        }
        "attack-asset" => {
            node.kind = NodeKind::Asset;
            node.title = nonempty(str_of(o, "name")).unwrap_or_default();
            node.description = description;
        }
        other => {
            node.kind = if is_observable(other) {
                NodeKind::Observable
            } else {
                NodeKind::Sdo
            };
            let display = af_stix::types::display_property(other).unwrap_or("name");
            node.title = str_of(o, display)
                .or_else(|| str_of(o, "name"))
                .or_else(|| str_of(o, "value"))
                .map(|s| s.trim().to_string())
                .unwrap_or_default();
            if node.title.is_empty() {
                node.title = fallback_title(o);
            }
            if display != "description" {
                node.description = description;
            }
        }
    }
    node
}

/// A title for objects with no display property: a few telling scalar properties.
fn fallback_title(o: &Object) -> String {
    const KEYS: &[&str] = &[
        "account_login",
        "user_id",
        "key",
        "path",
        "command_line",
        "pattern",
        "protocols",
        "dst_port",
        "src_port",
        "opinion",
        "count",
        "hashes",
    ];
    KEYS.iter()
        .filter_map(|k| {
            let v = o.get(*k)?;
            let text = match v {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Array(items) => items
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", "),
                Value::Object(map) => map
                    .iter()
                    .filter_map(|(k, v)| Some(format!("{k} {}", v.as_str()?)))
                    .collect::<Vec<_>>()
                    .join(", "),
                _ => return None,
            };
            (!text.is_empty()).then(|| format!("{}: {text}", k.replace('_', " ")))
        })
        .take(2)
        .collect::<Vec<_>>()
        .join("; ")
}
