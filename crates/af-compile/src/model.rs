//! The resolved model of a flow, computed by [`analyze`] from the syntax tree alone (so it
//! exists even when the file does not compile): every declared node with its STIX type, every
//! reference with what owns it, its key, the types it may point at and the node it resolves
//! to, the edges with what each one means (a flow ref, a condition branch, a relationship),
//! the header sugar (`author`, `marking`). The compiler lowers it to STIX objects
//! ([`crate::lower`]); the language server's completion, hover, navigation, renaming and quick
//! fixes read it instead of deriving the language again.

use af_diagnostics::{closest, codes, Diagnostic};
use af_stix::flow::{self, FlowRef};
use af_stix::language::{self, KindError};
use af_syntax::{Block, File, Ident, Item, SmolStr, Span, Value, ValueKind};
use std::borrow::Cow;

/// The flow header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowInfo {
    /// The decoded title, when written.
    pub title: Option<String>,
    /// The `flow` keyword.
    pub keyword: Span,
    /// The whole header statement.
    pub span: Span,
    /// Its index in [`File::items`].
    pub item: usize,
}

/// A declared node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeInfo {
    /// The name as written.
    pub name: SmolStr,
    /// Where the name is written in the declaration.
    pub name_span: Span,
    /// The kind word as written (`action`, `malware`, `x-thing`).
    pub kind: SmolStr,
    /// Where the kind word is written.
    pub kind_span: Span,
    /// The STIX type the kind declares (af-stix's table of kind words); `None` for a kind
    /// that declares no node.
    pub stix_type: Option<SmolStr>,
    /// The decoded `"TITLE"`, when written.
    pub title: Option<String>,
    /// The word after the name: a technique id on an action, `AND`/`OR` on an operator, an
    /// ATT&CK id on malware, tools, intrusion sets, campaigns and courses of action.
    pub word: Option<Ident>,
    /// The whole declaration statement.
    pub span: Span,
    /// Its index in [`File::items`].
    pub item: usize,
    /// False for a second declaration of a name taken before (reported as `E0103`).
    pub first: bool,
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
        key: SmolStr,
    },
}

/// One use of a node name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The name as written.
    pub name: SmolStr,
    /// Where it is written.
    pub span: Span,
    /// How it is used.
    pub role: Role,
    /// The types it may point at (the type table's reference targets, the header sugar's
    /// targets); empty for any type. For an edge endpoint: empty (what an edge may connect
    /// depends on the arrow, see [`EdgeInfo::meaning`]).
    pub targets: &'static [&'static str],
    /// The node it names (index in [`Model::nodes`], the first declaration), if declared.
    pub resolved: Option<usize>,
}

/// What one edge means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeMeaning {
    /// A flow ref of the source (`effect_refs`, `on_true_refs`, `on_false_refs`): `->`, or a
    /// `true`/`false` branch of a condition.
    Flow(FlowRef),
    /// A relationship object (`-[uses]->`).
    Relationship,
    /// Not valid from this source (a branch out of an action, a plain arrow out of a
    /// context object), or an endpoint is not declared: the compiler reports it.
    Invalid,
}

/// One edge of an edge statement: indices into [`Model::refs`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeInfo {
    /// The source name's reference.
    pub from: usize,
    /// The target name's reference.
    pub to: usize,
    /// The arrow (index in the statement's `arrows`).
    pub arrow: usize,
    /// The arrow label (`false`, `uses`, …); `None` for a plain `->`.
    pub label: Option<SmolStr>,
    /// What the edge means, from the source's type and the label.
    pub meaning: EdgeMeaning,
}

/// The author of the flow, as the header's `author` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Author {
    /// `author: some_identity`: the reference (index in [`Model::refs`]).
    Node(usize),
    /// `author: "Name"` or `author: "Name" { … }`: an identity the compiler makes.
    Inline {
        /// The decoded name.
        name: String,
        /// Where it is written.
        span: Span,
    },
}

/// One marking of the header's `marking`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Marking {
    /// A TLP name (`tlp-green`, or a misspelling starting with `tlp`, which the compiler
    /// reports).
    Tlp(String, Span),
    /// A `marking-definition` node (index in [`Model::refs`]).
    Node(usize),
}

/// The resolved model of one file.
#[derive(Debug, Clone, Default)]
pub struct Model {
    /// The first flow header, if any.
    pub flow: Option<FlowInfo>,
    /// Every node declaration with a name, in source order (second declarations included).
    pub nodes: Vec<NodeInfo>,
    /// Every use of a node name, in source order.
    pub refs: Vec<Reference>,
    /// Every edge of every edge statement, in source order.
    pub edges: Vec<EdgeInfo>,
    /// The header's `author`.
    pub author: Option<Author>,
    /// The header's `marking`, in order.
    pub markings: Vec<Marking>,
    by_name: crate::FastMap<SmolStr, usize>,
}

/// Builds the model of a parsed file, with the diagnostics of declarations: unknown kinds
/// (`E0104`) and names declared twice (`E0103`).
pub fn analyze(file: &File) -> (Model, Vec<Diagnostic>) {
    let mut m = Model::default();
    // Room for what a file of this many statements usually has (a node per declaration, two
    // names per edge statement), so that the big vectors are not copied as they grow.
    let edge_statements = file.items.iter().filter(|i| matches!(i, Item::Edge(_))).count();
    m.nodes.reserve(file.items.len() - edge_statements);
    m.refs.reserve(2 * edge_statements);
    m.edges.reserve(edge_statements);
    let mut diags = Vec::new();
    for (index, item) in file.items.iter().enumerate() {
        match item {
            Item::Flow(f) => {
                if m.flow.is_none() {
                    m.flow = Some(FlowInfo {
                        title: f.title.as_ref().map(|t| t.value.clone()),
                        keyword: f.keyword.clone(),
                        span: f.span.clone(),
                        item: index,
                    });
                }
            }
            Item::Node(n) => {
                let Some(name) = &n.name else { continue };
                let stix_type = node_type(&n.kind, &mut diags);
                let i = m.nodes.len();
                let mut first = true;
                if stix_type.is_some() {
                    match m.by_name.get(name.text.as_str()) {
                        Some(&prev) => {
                            first = false;
                            diags.push(
                                Diagnostic::new(
                                    codes::E0103,
                                    name.span.clone(),
                                    format!("`{}` is declared twice", name.text),
                                )
                                .with_label(m.nodes[prev].name_span.clone(), "first declared here")
                                .with_help("rename one of them; names are unique in a file"),
                            );
                        }
                        None => {
                            m.by_name.insert(name.text.clone(), i);
                        }
                    }
                }
                m.nodes.push(NodeInfo {
                    name: name.text.clone(),
                    name_span: name.span.clone(),
                    kind: n.kind.text.clone(),
                    kind_span: n.kind.span.clone(),
                    stix_type: stix_type.map(SmolStr::new),
                    title: n.title.as_ref().map(|t| t.value.clone()),
                    word: n.word.clone(),
                    span: n.span.clone(),
                    item: index,
                    first,
                });
            }
            Item::Edge(_) => {}
        }
    }
    // Kinds that declare no node still give their names to the file (the editor finds them),
    // but only nodes of a known type resolve references.
    for (i, n) in m.nodes.iter().enumerate() {
        if n.stix_type.is_none() {
            m.by_name.entry(n.name.clone()).or_insert(i);
        }
    }
    // Second pass: uses, now that every node has its index.
    let mut node_index = 0;
    let mut header_seen = false;
    for (index, item) in file.items.iter().enumerate() {
        match item {
            Item::Flow(f) => {
                let first_header = !header_seen;
                header_seen = true;
                if let Some(body) = &f.body {
                    m.collect_block(body, Owner::Flow, "attack-flow", first_header);
                }
            }
            Item::Node(n) => {
                if n.name.is_none() {
                    continue;
                }
                let owner_type = m.nodes[node_index].stix_type.clone().unwrap_or_default();
                if let Some(body) = &n.body {
                    m.collect_block(body, Owner::Node(node_index), &owner_type, false);
                }
                node_index += 1;
            }
            Item::Edge(e) => {
                let mut groups: Vec<Vec<usize>> = Vec::with_capacity(e.groups.len());
                for group in &e.groups {
                    let mut ids = Vec::with_capacity(group.len());
                    for ident in group {
                        ids.push(m.refs.len());
                        let resolved = m.resolve(&ident.text);
                        m.refs.push(Reference {
                            name: ident.text.clone(),
                            span: ident.span.clone(),
                            role: Role::Edge(index),
                            targets: &[],
                            resolved,
                        });
                    }
                    groups.push(ids);
                }
                for (i, arrow) in e.arrows.iter().enumerate() {
                    let (Some(from), Some(to)) = (groups.get(i), groups.get(i + 1)) else {
                        continue;
                    };
                    let label = arrow.label.as_ref().map(|l| l.text.clone());
                    for &f in from {
                        for &t in to {
                            let meaning = m.meaning(f, t, label.as_deref());
                            m.edges.push(EdgeInfo {
                                from: f,
                                to: t,
                                arrow: i,
                                label: label.clone(),
                                meaning,
                            });
                        }
                    }
                }
                if let Some(body) = &e.body {
                    m.collect_block(body, Owner::Edge(index), "relationship", false);
                }
            }
        }
    }
    debug_assert!(
        m.refs.windows(2).all(|w| w[0].span.start < w[1].span.start),
        "references are recorded in source order"
    );
    (m, diags)
}

/// Maps a kind word to its STIX type (af-stix's table of the language's kind words),
/// reporting kinds that declare no node.
fn node_type(kind: &Ident, diags: &mut Vec<Diagnostic>) -> Option<Cow<'static, str>> {
    let k = kind.text.as_str();
    let d = match language::kind_type(k) {
        Ok(t) => return Some(t),
        Err(KindError::LongSpelling { short }) => Diagnostic::new(
            codes::E0104,
            kind.span.clone(),
            format!("write `{short}` for an `{k}`"),
        )
        .with_safe_fix(format!("write `{short}`"), kind.span.clone(), short),
        Err(KindError::NotANode) => Diagnostic::new(
            codes::E0104,
            kind.span.clone(),
            format!("`{k}` cannot be declared as a node"),
        )
        .with_help("the flow header `flow \"Name\" { … }` makes the attack-flow object"),
        Err(KindError::Unknown) => {
            let mut d = Diagnostic::new(codes::E0104, kind.span.clone(), format!("unknown kind `{k}`"))
                .with_help("use `action`, `condition`, `operator`, `asset`, a STIX 2.1 type such as `malware` or `ipv4-addr`, or a custom `x-…` type");
            if let Some(c) = closest(k, language::kind_words()) {
                d = d.with_fix(format!("did you mean `{c}`?"), kind.span.clone(), c);
            }
            d
        }
    };
    diags.push(d);
    None
}

impl Model {
    /// The node a name written in the file resolves to: the first declaration of the name
    /// with a known kind (index in [`Model::nodes`]). Every [`Reference::resolved`] is this;
    /// tools that are handed a name (a did-you-mean's replacement) ask here too.
    pub fn resolve(&self, name: &str) -> Option<usize> {
        self.by_name
            .get(name)
            .copied()
            .filter(|&i| self.nodes[i].stix_type.is_some())
    }

    /// The reference written exactly at `span` (the compiler looks up each name it meets in a
    /// value here, instead of resolving it again).
    pub fn ref_spanning(&self, span: &Span) -> Option<&Reference> {
        let i = self.refs.partition_point(|r| r.span.start < span.start);
        self.refs.get(i).filter(|r| r.span == *span)
    }

    /// The references written inside `span`, in source order.
    pub fn refs_within(&self, span: &Span) -> &[Reference] {
        let from = self.refs.partition_point(|r| r.span.start < span.start);
        let to = self.refs.partition_point(|r| r.span.start < span.end);
        self.refs.get(from..to.max(from)).unwrap_or_default()
    }

    fn meaning(&self, from: usize, to: usize, label: Option<&str>) -> EdgeMeaning {
        let (Some(s), Some(_)) = (self.refs[from].resolved, self.refs[to].resolved) else {
            return EdgeMeaning::Invalid;
        };
        let src_type = self.nodes[s].stix_type.as_deref().unwrap_or_default();
        let branch = match label {
            None => None,
            Some("true") => Some(true),
            Some("false") => Some(false),
            Some(_) => return EdgeMeaning::Relationship,
        };
        match flow::edge_ref(src_type, branch) {
            Some(r) => EdgeMeaning::Flow(r),
            None => EdgeMeaning::Invalid,
        }
    }

    fn push_ref(
        &mut self,
        v: &Value,
        w: &str,
        owner: Owner,
        key: &str,
        targets: &'static [&'static str],
    ) -> usize {
        let resolved = self.resolve(w);
        self.refs.push(Reference {
            name: SmolStr::new(w),
            span: v.span.clone(),
            role: Role::Property {
                owner,
                key: SmolStr::new(key),
            },
            targets,
            resolved,
        });
        self.refs.len() - 1
    }

    fn collect_block(&mut self, block: &Block, owner: Owner, owner_type: &str, header: bool) {
        for p in &block.entries {
            let Some(v) = &p.value else { continue };
            let key = p.key.text.as_str();
            let sugar = language::sugar(owner_type, key).filter(|s| !s.targets.is_empty());
            match sugar {
                Some(s) if owner == Owner::Flow => {
                    self.collect_header_names(v, owner, key, s.targets, header)
                }
                _ => {
                    let targets = af_stix::refs::reference(owner_type, key).map_or(&[][..], |r| r.targets);
                    self.collect_value(v, owner, key, key, targets);
                }
            }
        }
    }

    /// `author: some_identity`, `author: "Name"`, `marking: [tlp-green, my_marking]`: bare
    /// words that are not TLP names are node names. `record` is false in a second header,
    /// whose sugar the compiler does not use.
    fn collect_header_names(
        &mut self,
        v: &Value,
        owner: Owner,
        key: &str,
        targets: &'static [&'static str],
        record: bool,
    ) {
        match &v.kind {
            // Not a guard: a TLP word that is not recorded must not fall through to a reference.
            #[allow(clippy::collapsible_match)]
            ValueKind::Word(w) if key == "marking" && language::is_tlp_word(key, w) => {
                if record {
                    self.markings.push(Marking::Tlp(w.to_string(), v.span.clone()));
                }
            }
            ValueKind::Word(w) => {
                let r = self.push_ref(v, w, owner, key, targets);
                if record {
                    match key {
                        "author" => self.author = Some(Author::Node(r)),
                        "marking" => self.markings.push(Marking::Node(r)),
                        _ => {}
                    }
                }
            }
            ValueKind::Str(s) if key == "author" && record => {
                self.author = Some(Author::Inline {
                    name: s.value.clone(),
                    span: v.span.clone(),
                });
            }
            ValueKind::Titled(title, _) if key == "author" && record => {
                if let ValueKind::Str(s) = &title.kind {
                    self.author = Some(Author::Inline {
                        name: s.value.clone(),
                        span: title.span.clone(),
                    });
                }
            }
            ValueKind::List(items) if key == "marking" => {
                for item in items {
                    self.collect_header_names(item, owner, key, targets, record);
                }
            }
            _ => {}
        }
    }

    fn collect_value(
        &mut self,
        v: &Value,
        owner: Owner,
        top: &str,
        key: &str,
        targets: &'static [&'static str],
    ) {
        match &v.kind {
            ValueKind::Word(w) if af_stix::refs::is_reference_key(key) => {
                self.push_ref(v, w, owner, top, targets);
            }
            ValueKind::List(items) => {
                for item in items {
                    self.collect_value(item, owner, top, key, targets);
                }
            }
            ValueKind::Map(block) => {
                for p in &block.entries {
                    if let Some(inner) = &p.value {
                        self.collect_value(inner, owner, top, &p.key.text, &[]);
                    }
                }
            }
            ValueKind::Titled(inner, block) => {
                self.collect_value(inner, owner, top, key, targets);
                for p in &block.entries {
                    if let Some(inner) = &p.value {
                        self.collect_value(inner, owner, top, &p.key.text, &[]);
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

    /// The STIX type of what owns a property (`attack-flow` for the header, `relationship`
    /// for an edge's block).
    pub fn owner_type(&self, owner: Owner) -> Option<&str> {
        match owner {
            Owner::Flow => Some("attack-flow"),
            Owner::Node(i) => self.nodes.get(i).and_then(|n| n.stix_type.as_deref()),
            Owner::Edge(_) => Some("relationship"),
        }
    }

    /// The display name of an owner (`the flow`, a node name, `a relationship`).
    pub fn owner_name(&self, owner: Owner) -> String {
        match owner {
            Owner::Flow => "the flow".to_string(),
            Owner::Node(i) => self.nodes.get(i).map_or_else(String::new, |n| n.name.to_string()),
            Owner::Edge(_) => "a relationship".to_string(),
        }
    }

    /// The condition branches: (condition, branch taken, target), as node indices.
    pub fn branches(&self) -> impl Iterator<Item = (usize, bool, usize)> + '_ {
        self.flow_edges().filter_map(|(s, r, t)| match r {
            FlowRef::OnTrue => Some((s, true, t)),
            FlowRef::OnFalse => Some((s, false, t)),
            FlowRef::Effect => None,
        })
    }

    /// The flow graph written as edges: (source, flow ref, target), as node indices.
    pub fn flow_edges(&self) -> impl Iterator<Item = (usize, FlowRef, usize)> + '_ {
        self.edges.iter().filter_map(|e| match e.meaning {
            EdgeMeaning::Flow(r) => Some((self.refs[e.from].resolved?, r, self.refs[e.to].resolved?)),
            _ => None,
        })
    }
}

/// True when `offset` is inside `span` or right at its end (a cursor just after a word).
pub fn within(span: &Span, offset: usize) -> bool {
    span.start <= offset && offset <= span.end
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "flow \"F\" { scope: incident, author: ctid, marking: [tlp-green, m] }\n\
        action a T1566 { asset_refs: [host] }\n\
        asset host \"Host\" { object_ref: box }\n\
        identity ctid \"CTID\"\n\
        marking-definition m { }\n\
        condition c \"C\"\n\
        a -> c -[false]-> a\n\
        a -[uses]-> d\n";

    #[test]
    fn collects_declarations_uses_and_meaning() {
        let parsed = af_syntax::parse(SRC);
        let (m, diags) = analyze(&parsed.file);
        assert!(diags.is_empty(), "{diags:?}");
        let names: Vec<&str> = m.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["a", "host", "ctid", "m", "c"]);
        assert_eq!(m.nodes[0].stix_type.as_deref(), Some("attack-action"));
        assert_eq!(m.nodes[0].word.as_ref().map(|w| w.text.as_str()), Some("T1566"));
        let uses: Vec<&str> = m.refs.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(uses, ["ctid", "m", "host", "box", "a", "c", "a", "a", "d"]);
        let host = m.uses_of("host").next();
        assert_eq!(
            host.map(|r| (&r.role, r.targets, r.resolved)),
            Some((
                &Role::Property {
                    owner: Owner::Node(0),
                    key: "asset_refs".into()
                },
                &["attack-asset"][..],
                Some(1)
            ))
        );
        assert_eq!(m.uses_of("box").next().map(|r| r.resolved), Some(None));
        assert_eq!(m.author, Some(Author::Node(0)));
        assert!(matches!(&m.markings[..], [Marking::Tlp(t, _), Marking::Node(1)] if t == "tlp-green"));
        assert_eq!(m.refs[0].targets, &["identity"][..]);
        let meanings: Vec<EdgeMeaning> = m.edges.iter().map(|e| e.meaning).collect();
        assert_eq!(
            meanings,
            [
                EdgeMeaning::Flow(FlowRef::Effect),
                EdgeMeaning::Flow(FlowRef::OnFalse),
                EdgeMeaning::Invalid
            ]
        );
        assert_eq!(m.branches().collect::<Vec<_>>(), [(4, false, 0)]);
    }

    #[test]
    fn reports_kinds_and_repeated_names() {
        let parsed = af_syntax::parse("action a T1\nattack-action b T1\nactoin c\naction a T2\n");
        let (m, diags) = analyze(&parsed.file);
        assert_eq!(diags.len(), 3, "{diags:?}");
        assert!(diags[..2].iter().all(|d| d.is(codes::E0104)) && diags[2].is(codes::E0103));
        assert_eq!(m.nodes.len(), 4);
        assert!(!m.nodes[3].first && m.nodes[0].first);
        assert_eq!(m.node("a").map(|(i, _)| i), Some(0));
    }

    #[test]
    fn finds_names_at_offsets() {
        let parsed = af_syntax::parse(SRC);
        let (m, _) = analyze(&parsed.file);
        let at = |needle: &str, delta: usize| {
            let off = SRC.find(needle).map(|o| o + delta);
            off.and_then(|o| m.name_at(o)).map(|(n, _)| n.to_string())
        };
        assert_eq!(at("host \"Host\"", 2).as_deref(), Some("host"));
        assert_eq!(at("[host]", 1).as_deref(), Some("host"));
        assert_eq!(at("-> c", 3).as_deref(), Some("c"));
        assert_eq!(at("scope", 1), None);
    }
}
