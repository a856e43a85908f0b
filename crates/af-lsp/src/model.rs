//! The semantic model of one document as the editor features need it: every declared node,
//! every place a node name is used (edges, `*_ref(s)` values, the header's `author` and
//! `marking`), and the edges between them. Built from the syntax tree alone, so it exists even
//! when the file does not compile.

use af_syntax::{Block, File, Ident, Item, Span, Value, ValueKind};
use std::collections::HashMap;

/// The STIX type a kind word declares (af-stix's table of the language's kind words); `None`
/// for kinds the compiler rejects.
pub fn stix_type_of(kind: &str) -> Option<String> {
    af_stix::language::kind_type(kind).ok().map(|t| t.into_owned())
}

/// The kind word the language uses for a STIX type (`attack-action` → `action`).
pub fn kind_word_of(stix_type: &str) -> &str {
    af_stix::language::kind_word(stix_type)
}

/// The flow header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowInfo {
    /// The decoded title, when written.
    pub title: Option<String>,
    /// The `flow` keyword.
    pub keyword: Span,
    /// The whole header statement.
    pub span: Span,
}

/// A declared node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeInfo {
    /// The name as written.
    pub name: String,
    /// Where the name is written in the declaration.
    pub name_span: Span,
    /// The kind word as written (`action`, `malware`, `x-thing`).
    pub kind: String,
    /// Where the kind word is written.
    pub kind_span: Span,
    /// The STIX type the kind maps to; `None` for a kind the compiler rejects.
    pub stix_type: Option<String>,
    /// The decoded `"TITLE"`, when written.
    pub title: Option<String>,
    /// The word after the name: a technique id on an action, `AND`/`OR` on an operator.
    pub word: Option<Ident>,
    /// The whole declaration statement.
    pub span: Span,
}

/// What owns a property that holds a reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// The flow header.
    Flow,
    /// The node with this index in [`Model::nodes`].
    Node(usize),
    /// The relationship block of the edge statement with this item index.
    Edge(usize),
}

/// How a name is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// An endpoint of an edge statement (item index of the statement).
    Edge(usize),
    /// The value of a property: the owner and the key (`asset_refs`, `author`, …).
    Property {
        /// What the property belongs to.
        owner: Owner,
        /// The top-level key the value sits under (nested keys are reported as written).
        key: String,
    },
}

/// One use of a node name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The name as written.
    pub name: String,
    /// Where it is written.
    pub span: Span,
    /// How it is used.
    pub role: Role,
}

/// One edge of an edge statement: indices into [`Model::refs`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeInfo {
    /// The source name's reference.
    pub from: usize,
    /// The target name's reference.
    pub to: usize,
    /// The arrow label (`false`, `uses`, …); `None` for a plain `->`.
    pub label: Option<String>,
}

/// Names and their uses in one document.
#[derive(Debug, Clone, Default)]
pub struct Model {
    /// The first flow header, if any.
    pub flow: Option<FlowInfo>,
    /// Every node declaration with a name, in source order (duplicates included).
    pub nodes: Vec<NodeInfo>,
    /// Every use of a node name, in source order.
    pub refs: Vec<Reference>,
    /// Every edge of every edge statement.
    pub edges: Vec<EdgeInfo>,
    by_name: HashMap<String, usize>,
}

impl Model {
    /// Builds the model of a parsed file.
    pub fn build(file: &File) -> Model {
        let mut m = Model::default();
        for item in &file.items {
            match item {
                Item::Flow(f) => {
                    if m.flow.is_none() {
                        m.flow = Some(FlowInfo {
                            title: f.title.as_ref().map(|t| t.value.clone()),
                            keyword: f.keyword.clone(),
                            span: f.span.clone(),
                        });
                    }
                }
                Item::Node(n) => {
                    let Some(name) = &n.name else { continue };
                    let i = m.nodes.len();
                    m.by_name.entry(name.text.to_string()).or_insert(i);
                    m.nodes.push(NodeInfo {
                        name: name.text.to_string(),
                        name_span: name.span.clone(),
                        kind: n.kind.text.to_string(),
                        kind_span: n.kind.span.clone(),
                        stix_type: stix_type_of(&n.kind.text),
                        title: n.title.as_ref().map(|t| t.value.clone()),
                        word: n.word.clone(),
                        span: n.span.clone(),
                    });
                }
                Item::Edge(_) => {}
            }
        }
        // Second pass: uses, now that every node has its index.
        let mut node_index = 0;
        for (index, item) in file.items.iter().enumerate() {
            match item {
                Item::Flow(f) => {
                    if let Some(body) = &f.body {
                        m.collect_block(body, Owner::Flow, true);
                    }
                }
                Item::Node(n) => {
                    if n.name.is_none() {
                        continue;
                    }
                    if let Some(body) = &n.body {
                        m.collect_block(body, Owner::Node(node_index), false);
                    }
                    node_index += 1;
                }
                Item::Edge(e) => {
                    let mut groups: Vec<Vec<usize>> = Vec::with_capacity(e.groups.len());
                    for group in &e.groups {
                        let mut ids = Vec::with_capacity(group.len());
                        for ident in group {
                            ids.push(m.refs.len());
                            m.refs.push(Reference {
                                name: ident.text.to_string(),
                                span: ident.span.clone(),
                                role: Role::Edge(index),
                            });
                        }
                        groups.push(ids);
                    }
                    for (i, arrow) in e.arrows.iter().enumerate() {
                        let (Some(from), Some(to)) = (groups.get(i), groups.get(i + 1)) else {
                            continue;
                        };
                        for &f in from {
                            for &t in to {
                                m.edges.push(EdgeInfo {
                                    from: f,
                                    to: t,
                                    label: arrow.label.as_ref().map(|l| l.text.to_string()),
                                });
                            }
                        }
                    }
                    if let Some(body) = &e.body {
                        m.collect_block(body, Owner::Edge(index), false);
                    }
                }
            }
        }
        m
    }

    fn collect_block(&mut self, block: &Block, owner: Owner, header: bool) {
        for p in &block.entries {
            let Some(v) = &p.value else { continue };
            let key = p.key.text.as_str();
            let names_nodes =
                af_stix::language::sugar("attack-flow", key).is_some_and(|s| !s.targets.is_empty());
            if header && names_nodes {
                self.collect_header_names(v, owner, key);
            } else {
                self.collect_value(v, owner, key, key);
            }
        }
    }

    /// `author: some_identity`, `marking: [tlp-green, my_marking]`: bare words that are not
    /// TLP names are node names.
    fn collect_header_names(&mut self, v: &Value, owner: Owner, key: &str) {
        match &v.kind {
            ValueKind::Word(w) if !af_stix::language::is_tlp_word(key, w) => self.refs.push(Reference {
                name: w.to_string(),
                span: v.span.clone(),
                role: Role::Property {
                    owner,
                    key: key.to_string(),
                },
            }),
            ValueKind::List(items) if key == "marking" => {
                for item in items {
                    self.collect_header_names(item, owner, key);
                }
            }
            _ => {}
        }
    }

    fn collect_value(&mut self, v: &Value, owner: Owner, top: &str, key: &str) {
        match &v.kind {
            ValueKind::Word(w) if is_ref_key(key) => self.refs.push(Reference {
                name: w.to_string(),
                span: v.span.clone(),
                role: Role::Property {
                    owner,
                    key: top.to_string(),
                },
            }),
            ValueKind::List(items) => {
                for item in items {
                    self.collect_value(item, owner, top, key);
                }
            }
            ValueKind::Map(block) => {
                for p in &block.entries {
                    if let Some(inner) = &p.value {
                        self.collect_value(inner, owner, top, &p.key.text);
                    }
                }
            }
            ValueKind::Titled(inner, block) => {
                self.collect_value(inner, owner, top, key);
                for p in &block.entries {
                    if let Some(inner) = &p.value {
                        self.collect_value(inner, owner, top, &p.key.text);
                    }
                }
            }
            _ => {}
        }
    }

    /// The first declaration of `name`.
    pub fn node(&self, name: &str) -> Option<(usize, &NodeInfo)> {
        self.by_name.get(name).map(|&i| (i, &self.nodes[i]))
    }

    /// The node whose name is declared at `offset` (the name itself, not the whole statement).
    pub fn node_named_at(&self, offset: usize) -> Option<(usize, &NodeInfo)> {
        let i = self
            .nodes
            .partition_point(|n| n.name_span.start <= offset)
            .checked_sub(1)?;
        let n = &self.nodes[i];
        within(&n.name_span, offset).then_some((i, n))
    }

    /// The reference written at `offset`.
    pub fn ref_at(&self, offset: usize) -> Option<&Reference> {
        let i = self
            .refs
            .partition_point(|r| r.span.start <= offset)
            .checked_sub(1)?;
        let r = &self.refs[i];
        within(&r.span, offset).then_some(r)
    }

    /// The node declaration whose statement contains `offset`.
    pub fn node_containing(&self, offset: usize) -> Option<(usize, &NodeInfo)> {
        let i = self
            .nodes
            .partition_point(|n| n.span.start <= offset)
            .checked_sub(1)?;
        let n = &self.nodes[i];
        within(&n.span, offset).then_some((i, n))
    }

    /// The name under the cursor, declared or used.
    pub fn name_at(&self, offset: usize) -> Option<(&str, Span)> {
        if let Some((_, n)) = self.node_named_at(offset) {
            return Some((&n.name, n.name_span.clone()));
        }
        self.ref_at(offset).map(|r| (r.name.as_str(), r.span.clone()))
    }

    /// Every use of `name`.
    pub fn uses_of<'m>(&'m self, name: &'m str) -> impl Iterator<Item = &'m Reference> + 'm {
        self.refs.iter().filter(move |r| r.name == name)
    }

    /// The display name of an owner (`the flow`, a node name, `edge`).
    pub fn owner_name(&self, owner: Owner) -> String {
        match owner {
            Owner::Flow => "the flow".to_string(),
            Owner::Node(i) => self.nodes.get(i).map_or_else(String::new, |n| n.name.clone()),
            Owner::Edge(_) => "a relationship".to_string(),
        }
    }
}

/// True when `offset` is inside `span` or right at its end (a cursor just after a word).
pub fn within(span: &Span, offset: usize) -> bool {
    span.start <= offset && offset <= span.end
}

/// Keys whose word values are node names (af-stix's naming rule of references).
pub fn is_ref_key(key: &str) -> bool {
    af_stix::refs::is_reference_key(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "flow \"F\" { scope: incident, author: ctid, marking: [tlp-green, m] }\n\
        action a T1566 { asset_refs: [host] }\n\
        asset host \"Host\" { object_ref: box }\n\
        identity ctid \"CTID\"\n\
        marking-definition m { }\n\
        a, b -> c -[uses]-> d\n";

    #[test]
    fn collects_declarations_and_uses() {
        let parsed = af_syntax::parse(SRC);
        let m = Model::build(&parsed.file);
        let names: Vec<&str> = m.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["a", "host", "ctid", "m"]);
        assert_eq!(m.nodes[0].stix_type.as_deref(), Some("attack-action"));
        assert_eq!(m.nodes[0].word.as_ref().map(|w| w.text.as_str()), Some("T1566"));
        let uses: Vec<&str> = m.refs.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(uses, ["ctid", "m", "host", "box", "a", "b", "c", "d"]);
        assert_eq!(m.edges.len(), 3);
        assert_eq!(m.edges[2].label.as_deref(), Some("uses"));
        let host = m.uses_of("host").next().map(|r| r.role.clone());
        assert_eq!(
            host,
            Some(Role::Property {
                owner: Owner::Node(0),
                key: "asset_refs".into()
            })
        );
    }

    #[test]
    fn finds_names_at_offsets() {
        let parsed = af_syntax::parse(SRC);
        let m = Model::build(&parsed.file);
        let at = |needle: &str, delta: usize| {
            let off = SRC.find(needle).map(|o| o + delta);
            off.and_then(|o| m.name_at(o)).map(|(n, _)| n.to_string())
        };
        assert_eq!(at("host \"Host\"", 2).as_deref(), Some("host"));
        assert_eq!(at("[host]", 1).as_deref(), Some("host"));
        assert_eq!(at("-> c", 3).as_deref(), Some("c"));
        assert_eq!(at("scope", 1), None);
        assert!(stix_type_of("attack-action").is_none());
        assert_eq!(stix_type_of("x-thing").as_deref(), Some("x-thing"));
        assert_eq!(kind_word_of("attack-asset"), "asset");
    }
}
