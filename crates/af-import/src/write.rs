//! The writer: turns the model (STIX objects) into flow language source that compiles back to
//! the same objects.
//!
//! Every value is written the way the compiler reads it for that property (see
//! `af-compile/src/values.rs`): strings quoted, ids as node names or quoted ids, enumeration
//! values as bare words where they read back as words, timestamps bare. Sugar is used only
//! where the compiler's expansion gives exactly what the object holds. What cannot be written
//! is reported in a note and recorded in `explained`, so the verifier does not report it twice.

use crate::names::{self, Wanted};
use crate::{ImportOptions, Model};
use af_catalog::Catalog;
use af_fmt::{is_word, string_literal};
use af_stix::attack_flow::ExtensionCopy;
use af_stix::refs::RefRole;
use af_stix::types::{self, Category, PropKind};
use af_syntax::strings::quote;
use serde_json::{Map, Number, Value as Json};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

/// Values nested deeper than this are not written (the parser stops at 64 levels).
const MAX_DEPTH: usize = 48;

/// Titles longer than this go into the block as a property instead.
const MAX_TITLE: usize = 80;

/// How the header's `author:` is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum AuthorMode {
    /// `author: "Name" { id: …, … }`: the identity is not a node.
    Inline,
    /// `author: node_name`.
    Node,
}

/// The writer's result.
pub(crate) struct Written {
    pub text: String,
    pub notes: Vec<String>,
    /// `(object id, property)` pairs whose difference is already reported; `(id, "*")` for
    /// an object that is not written at all.
    pub explained: HashSet<(String, String)>,
}

pub(crate) fn write(model: &Model, options: &ImportOptions) -> Written {
    let mut w = Writer::new(model, *options);
    w.plan();
    let text = w.emit();
    Written {
        text,
        notes: w.notes,
        explained: w.explained,
    }
}

/// The flow edges of one ref list: `src -> a, b` or `src -[false]-> c`.
struct FlowEdge {
    source: usize,
    false_branch: bool,
    /// Object indices of the targets, in list order.
    targets: Vec<usize>,
}

struct Writer<'a> {
    model: &'a Model,
    options: ImportOptions,
    catalog: &'static Catalog,
    flow: Option<usize>,
    /// Objects written as nodes, in order.
    nodes: Vec<usize>,
    /// Relationships written as edges.
    edges: Vec<usize>,
    /// Node names and types by id.
    names: HashMap<&'a str, String>,
    types: HashMap<&'a str, &'a str>,
    /// Object index of each node by id.
    index_of: HashMap<&'a str, usize>,
    /// Keys of an object written as edges or sugar instead of properties.
    consumed: HashMap<usize, HashSet<&'static str>>,
    flow_edges: Vec<FlowEdge>,
    default_created: Option<String>,
    /// The author identity's id, and how `author:` names it, when the sugar reproduces
    /// every `created_by_ref`.
    author: Option<(&'a str, AuthorMode)>,
    /// The `marking:` sugar items and the list they stand for.
    markings: Option<(Vec<String>, &'a Json)>,
    notes: Vec<String>,
    explained: HashSet<(String, String)>,
}

fn str_of<'m>(o: &'m Map<String, Json>, key: &str) -> Option<&'m str> {
    o.get(key).and_then(Json::as_str)
}

fn category(stix_type: &str) -> Category {
    types::type_info(stix_type).map_or(Category::Sdo, |i| i.category)
}

/// The kind word a node of `stix_type` is declared with, if the language can declare one
/// (af-stix's table of kind words decides).
fn kind_of(stix_type: &str) -> Option<&str> {
    let word = af_stix::language::kind_word(stix_type);
    (af_stix::language::kind_type(word).is_ok() && is_word(word)).then_some(word)
}

/// A string that reads back as a bare word (and not as a boolean).
fn bare(s: &str) -> bool {
    s != "true" && s != "false" && is_word(s)
}

impl<'a> Writer<'a> {
    fn new(model: &'a Model, options: ImportOptions) -> Self {
        Writer {
            model,
            options,
            catalog: Catalog::embedded(),
            flow: None,
            nodes: Vec::new(),
            edges: Vec::new(),
            names: HashMap::new(),
            types: HashMap::new(),
            index_of: HashMap::new(),
            consumed: HashMap::new(),
            flow_edges: Vec::new(),
            default_created: None,
            author: None,
            markings: None,
            notes: Vec::new(),
            explained: HashSet::new(),
        }
    }

    fn obj(&self, i: usize) -> &'a Map<String, Json> {
        &self.model.objects[i]
    }

    fn id(&self, i: usize) -> &'a str {
        str_of(self.obj(i), "id").unwrap_or("")
    }

    fn ty(&self, i: usize) -> &'a str {
        str_of(self.obj(i), "type").unwrap_or("")
    }

    fn drop_object(&mut self, i: usize, why: String) {
        let id = self.id(i).to_string();
        self.notes.push(format!("not kept: {why}"));
        self.explained.insert((id, "*".into()));
    }

    fn lost(&mut self, i: usize, key: &str, why: String) {
        let id = self.id(i).to_string();
        self.notes.push(format!("not kept: `{key}` of `{id}`: {why}"));
        self.explained.insert((id, key.to_string()));
    }

    fn changed(&mut self, i: usize, key: &str, why: String) {
        let id = self.id(i).to_string();
        self.notes.push(format!("changed: `{key}` of `{id}`: {why}"));
        self.explained.insert((id, key.to_string()));
    }

    // ----- planning -----

    fn plan(&mut self) {
        let model: &'a Model = self.model;
        let objects = &model.objects;
        self.flow = objects
            .iter()
            .position(|o| str_of(o, "type") == Some("attack-flow"));
        if let Some(f) = self.flow {
            self.default_created = str_of(self.obj(f), "created").map(str::to_string);
        }
        // Objects that can be declared at all.
        let mut valid = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for i in 0..objects.len() {
            if Some(i) == self.flow {
                continue;
            }
            let (t, id) = (self.ty(i), self.id(i));
            if t.is_empty() || id.is_empty() {
                self.drop_object(i, format!("object {} has no `type` or no `id`", i + 1));
                continue;
            }
            if af_stix::id::split_id(id).map(|(idt, _)| idt) != Some(t) {
                self.drop_object(i, format!("`{id}` is not a valid STIX id for a `{t}`"));
                continue;
            }
            if kind_of(t).is_none() {
                self.drop_object(i, format!("`{id}`: the language has no node kind for type `{t}`"));
                continue;
            }
            if !seen.insert(id) {
                self.drop_object(i, format!("a second object with the id `{id}`"));
                continue;
            }
            valid.push(i);
        }
        let valid_ids: HashMap<&str, &str> = valid.iter().map(|&i| (self.id(i), self.ty(i))).collect();
        // Relationships between two declared objects become edges.
        let endpoint = |o: &Map<String, Json>, key: &str| {
            str_of(o, key).is_some_and(|r| valid_ids.get(r).is_some_and(|t| *t != "relationship"))
        };
        let edges: Vec<usize> = valid
            .iter()
            .copied()
            .filter(|&i| {
                let o = self.obj(i);
                self.ty(i) == "relationship"
                    && str_of(o, "relationship_type").is_some_and(bare)
                    && endpoint(o, "source_ref")
                    && endpoint(o, "target_ref")
            })
            .collect();
        let edge_set: HashSet<usize> = edges.iter().copied().collect();
        let tentative: Vec<usize> = valid.iter().copied().filter(|i| !edge_set.contains(i)).collect();
        let hidden = self.plan_sugar(&tentative, &edges);
        self.edges = edges;
        self.nodes = tentative
            .into_iter()
            .filter(|&i| !hidden.contains(self.id(i)))
            .collect();
        if !self.options.exact {
            self.nodes = self.flow_order();
        }
        // Named in the order they are written, so numbered names count down the file.
        let wanted: Vec<Wanted> = self.nodes.iter().map(|&i| self.wanted(i)).collect();
        for (&i, name) in self.nodes.iter().zip(names::assign(&wanted)) {
            self.names.insert(self.id(i), name);
            self.types.insert(self.id(i), self.ty(i));
            self.index_of.insert(self.id(i), i);
        }
        self.plan_flow_edges();
    }

    /// What node `i`'s name is made from: its title (an action's technique name next), or
    /// its kind and a number.
    fn wanted(&self, i: usize) -> Wanted {
        let (t, obj) = (self.ty(i), self.obj(i));
        let text = |key: &str| str_of(obj, key).map(str::to_string);
        let kind = t.strip_prefix("attack-").unwrap_or(t).replace('-', "_");
        let texts: Vec<String> = match t {
            "attack-operator" => {
                return Wanted {
                    kind,
                    texts: text("operator").into_iter().collect(),
                    numbered: true,
                }
            }
            "attack-action" => {
                let technique = str_of(obj, "technique_id")
                    .and_then(|id| self.catalog.technique(id))
                    .map(|t| t.full_name());
                text("name").into_iter().chain(technique).collect()
            }
            "attack-asset" => text("name").into_iter().collect(),
            "attack-condition" => text("description").into_iter().collect(),
            t => types::display_property(t)
                .and_then(text)
                .or_else(|| text("name"))
                .into_iter()
                .collect(),
        };
        Wanted {
            kind,
            texts,
            numbered: false,
        }
    }

    /// The nodes in the order a person would write them: the steps of the flow in a
    /// topological walk from its starts (each branch followed to its end before the next;
    /// a step after a join comes after every branch into it), each followed by the context
    /// objects it is the first to use (assets, processes, malware, … and what those use in
    /// turn); objects no step leads to come last, in bundle order.
    fn flow_order(&self) -> Vec<usize> {
        let n = self.nodes.len();
        let pos: HashMap<&str, usize> = self
            .nodes
            .iter()
            .enumerate()
            .map(|(p, &i)| (self.id(i), p))
            .collect();
        let is_step = |p: usize| af_stix::flow::is_flow_node(self.ty(self.nodes[p]));
        let ids = |v: &'a Json| -> Vec<&'a str> {
            match v {
                Json::String(s) => vec![s.as_str()],
                Json::Array(items) => items.iter().filter_map(Json::as_str).collect(),
                _ => Vec::new(),
            }
        };
        let mut next: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut entered = vec![false; n];
        let mut context: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (p, &i) in self.nodes.iter().enumerate() {
            for (key, v) in self.obj(i) {
                // Who made an object and how it is marked do not place it.
                let flow_ref = match af_stix::refs::reference(self.ty(i), key).map(|r| r.role) {
                    None | Some(RefRole::Metadata) => continue,
                    Some(role) => matches!(role, RefRole::Flow(_)),
                };
                for q in ids(v).into_iter().filter_map(|id| pos.get(id).copied()) {
                    if flow_ref && is_step(p) && is_step(q) {
                        next[p].push(q);
                        entered[q] = true;
                    } else {
                        context[p].push(q);
                        context[q].push(p);
                    }
                }
            }
        }
        for &e in &self.edges {
            let o = self.obj(e);
            let end = |key: &str| str_of(o, key).and_then(|id| pos.get(id).copied());
            let (Some(s), Some(d)) = (end("source_ref"), end("target_ref")) else {
                continue;
            };
            let branch = af_stix::flow::is_builder_branch(
                str_of(o, "relationship_type").unwrap_or(""),
                self.ty(self.nodes[s]),
                self.ty(self.nodes[d]),
            );
            if branch {
                // A branch as the Attack Flow Builder writes it.
                next[s].push(d);
                entered[d] = true;
            } else {
                context[s].push(d);
                context[d].push(s);
            }
        }
        let starts: Vec<usize> = self
            .flow
            .and_then(|f| self.obj(f).get("start_refs"))
            .map(|v| ids(v).into_iter().filter_map(|id| pos.get(id).copied()).collect())
            .unwrap_or_default();
        let roots: Vec<usize> = starts
            .into_iter()
            .chain((0..n).filter(|&p| is_step(p) && !entered[p]))
            .filter(|&p| is_step(p))
            .collect();
        // Reverse postorder of a depth-first walk (roots and successors taken last to first,
        // so that the first ones come first): a topological order where there are no cycles.
        let mut seen = vec![false; n];
        let mut post = Vec::with_capacity(n);
        let walk = |root: usize, seen: &mut Vec<bool>, post: &mut Vec<usize>| {
            if seen[root] {
                return;
            }
            seen[root] = true;
            let mut stack = vec![(root, next[root].len())];
            while let Some(top) = stack.last_mut() {
                let (p, left) = *top;
                if left == 0 {
                    post.push(p);
                    stack.pop();
                    continue;
                }
                top.1 -= 1;
                let q = next[p][left - 1];
                if !seen[q] {
                    seen[q] = true;
                    stack.push((q, next[q].len()));
                }
            }
        };
        for &r in roots.iter().rev() {
            walk(r, &mut seen, &mut post);
        }
        post.reverse();
        let mut steps = post;
        // Steps only reachable around a cycle that nothing enters from outside.
        for p in 0..n {
            if is_step(p) && !seen[p] {
                let mut more = Vec::new();
                walk(p, &mut seen, &mut more);
                more.reverse();
                steps.extend(more);
            }
        }
        let mut placed = vec![false; n];
        let mut order = Vec::with_capacity(n);
        for p in steps.into_iter().chain(0..n) {
            let mut stack = vec![p];
            while let Some(q) = stack.pop() {
                if placed[q] || (q != p && is_step(q)) {
                    continue;
                }
                placed[q] = true;
                order.push(self.nodes[q]);
                stack.extend(context[q].iter().rev().copied().filter(|&r| !placed[r]));
            }
        }
        order
    }

    /// Chooses the `author:` and `marking:` sugar that reproduces the bundle, preferring
    /// `author: "Name" { … }`, then `author: node`, then none; and `marking:` over none.
    /// Returns the objects the sugar stands for (not declared as nodes).
    fn plan_sugar(&mut self, nodes: &[usize], edges: &[usize]) -> HashSet<&'a str> {
        let Some(flow) = self.flow else {
            return HashSet::new();
        };
        let author = str_of(self.obj(flow), "created_by_ref");
        let markings = self.marking_items(flow, nodes);
        for mode in [Some(AuthorMode::Inline), Some(AuthorMode::Node), None] {
            for with_markings in [true, false] {
                if with_markings && markings.is_none() {
                    continue;
                }
                let mut hidden: HashSet<&'a str> = HashSet::new();
                if with_markings {
                    if let Some((_, tlp)) = &markings {
                        hidden.extend(tlp.iter().copied());
                    }
                }
                let author = match (mode, author) {
                    (None, _) => None,
                    (Some(m), Some(a)) => Some((a, m)),
                    (Some(_), None) => continue,
                };
                if let Some((a, AuthorMode::Inline)) = author {
                    hidden.insert(a);
                }
                let declared: Vec<usize> = nodes
                    .iter()
                    .copied()
                    .filter(|&i| !hidden.contains(self.id(i)))
                    .collect();
                if let Some((a, m)) = author {
                    if !self.author_fits(a, m, &declared, nodes, edges) {
                        continue;
                    }
                }
                if with_markings && !self.markings_fit(&declared, edges) {
                    continue;
                }
                self.author = author;
                if with_markings {
                    if let Some((items, _)) = markings {
                        self.markings = Some((
                            items,
                            self.obj(flow).get("object_marking_refs").unwrap_or(&Json::Null),
                        ));
                    }
                }
                return hidden;
            }
        }
        HashSet::new()
    }

    /// The `marking:` items for the flow's `object_marking_refs` (TLP names for published TLP
    /// objects, which the sugar adds, node markers or quoted ids), if every item has one.
    #[allow(clippy::type_complexity)]
    fn marking_items(&self, flow: usize, nodes: &[usize]) -> Option<(Vec<String>, Vec<&'a str>)> {
        let Some(Json::Array(items)) = self.obj(flow).get("object_marking_refs") else {
            return None;
        };
        if items.is_empty() {
            return None;
        }
        let (mut sugar, mut tlp, mut seen) = (Vec::new(), Vec::new(), HashSet::new());
        for item in items {
            let id = item.as_str()?;
            if !seen.insert(id) {
                return None;
            }
            let in_bundle = nodes.iter().copied().find(|&i| self.id(i) == id);
            let published = af_stix::marking::tlp_name_for_id(id).and_then(|name| {
                let obj = af_stix::marking::tlp(name)?;
                (in_bundle.map(|i| Json::Object(self.obj(i).clone())) == Some(obj)).then_some(name)
            });
            match (published, in_bundle) {
                (Some(name), Some(i)) => {
                    sugar.push(name.to_string());
                    tlp.push(self.id(i));
                }
                (None, Some(i)) if self.ty(i) == "marking-definition" => sugar.push(format!("\u{0}{id}")),
                (None, None) if af_stix::id::split_id(id).is_some_and(|(t, _)| t == "marking-definition") => {
                    sugar.push(quote(id));
                }
                _ => return None,
            }
        }
        Some((sugar, tlp))
    }

    /// Every object the compiler marks has `object_marking_refs` of its own.
    fn markings_fit(&self, declared: &[usize], edges: &[usize]) -> bool {
        declared
            .iter()
            .filter(|&&i| category(self.ty(i)) != Category::Meta)
            .chain(edges.iter())
            .all(|&i| self.obj(i).contains_key("object_marking_refs"))
    }

    /// Whether `author:` in mode `m` gives exactly the `created_by_ref`s the bundle has.
    fn author_fits(
        &self,
        a: &str,
        m: AuthorMode,
        declared: &[usize],
        nodes: &[usize],
        edges: &[usize],
    ) -> bool {
        let Some(&ai) = nodes.iter().find(|&&i| self.id(i) == a) else {
            return false;
        };
        let ident = self.obj(ai);
        if self.ty(ai) != "identity" || ident.contains_key("created_by_ref") {
            return false;
        }
        if m == AuthorMode::Inline {
            let default = self.default_created.as_deref();
            let endpoint = edges.iter().any(|&e| {
                str_of(self.obj(e), "source_ref") == Some(a) || str_of(self.obj(e), "target_ref") == Some(a)
            });
            let plain = matches!(ident.get("name"), Some(Json::String(_)))
                && str_of(ident, "spec_version") == Some("2.1")
                && default.is_some()
                && str_of(ident, "created") == default
                && str_of(ident, "modified") == default;
            if endpoint || !plain {
                return false;
            }
        }
        declared
            .iter()
            .filter(|&&i| category(self.ty(i)) != Category::Sco && self.id(i) != a)
            .chain(edges.iter())
            .all(|&i| str_of(self.obj(i), "created_by_ref") == Some(a))
    }

    fn plan_flow_edges(&mut self) {
        for n in 0..self.nodes.len() {
            let i = self.nodes[n];
            for flow_ref in af_stix::flow::flow_refs_of(self.ty(i)) {
                let key = flow_ref.key();
                let Some(Json::Array(items)) = self.obj(i).get(key) else {
                    continue;
                };
                let mut targets = Vec::new();
                let mut seen = HashSet::new();
                for item in items {
                    let target = item.as_str().filter(|id| {
                        seen.insert(*id) && self.types.get(id).is_some_and(|t| af_stix::flow::is_flow_node(t))
                    });
                    match target.and_then(|id| self.index_of.get(id)) {
                        Some(&n) => targets.push(n),
                        None => {
                            targets.clear();
                            break;
                        }
                    }
                }
                if targets.is_empty() {
                    continue;
                }
                self.consumed.entry(i).or_default().insert(key);
                self.flow_edges.push(FlowEdge {
                    source: i,
                    false_branch: *flow_ref == af_stix::flow::FlowRef::OnFalse,
                    targets,
                });
            }
        }
    }

    /// Actions and conditions no flow ref points at, in node order (the compiler's default).
    fn default_starts(&self) -> Vec<&'a str> {
        let mut targeted: HashSet<&str> = HashSet::new();
        for &i in &self.nodes {
            for flow_ref in af_stix::flow::FlowRef::ALL {
                if let Some(Json::Array(items)) = self.obj(i).get(flow_ref.key()) {
                    targeted.extend(items.iter().filter_map(Json::as_str));
                }
            }
        }
        self.nodes
            .iter()
            .filter(|&&i| af_stix::flow::can_start(self.ty(i)))
            .map(|&i| self.id(i))
            .filter(|id| !targeted.contains(id))
            .collect()
    }

    // ----- emitting -----

    fn emit(&mut self) -> String {
        let mut out = String::new();
        if let Some(f) = self.flow {
            let header = self.flow_header(f);
            out.push_str(&header);
        }
        let mut section: Option<String> = None;
        for n in 0..self.nodes.len() {
            let i = self.nodes[n];
            let text = self.node(i);
            out.push('\n');
            if !self.options.exact {
                if let Some(tactic) = self.tactic_section(i) {
                    if section.as_deref() != Some(tactic.as_str()) {
                        let _ = writeln!(out, "# --- {tactic} ---");
                        section = Some(tactic);
                    }
                }
            }
            out.push_str(&text);
        }
        if !self.flow_edges.is_empty() {
            out.push('\n');
        }
        out.push_str(&self.chains());
        if !self.edges.is_empty() {
            out.push('\n');
        }
        for e in 0..self.edges.len() {
            let i = self.edges[e];
            let text = self.relationship_edge(i);
            out.push_str(&text);
        }
        out
    }

    /// The section an action opens: its tactic's name (the id when the catalogs do not know
    /// it). Other nodes stay in the section they follow.
    fn tactic_section(&self, i: usize) -> Option<String> {
        if self.ty(i) != "attack-action" {
            return None;
        }
        let id = str_of(self.obj(i), "tactic_id")?;
        let name = self.catalog.tactic(id).map(|t| t.name.to_string());
        let text = name.unwrap_or_else(|| id.to_string());
        // One line of plain text.
        let text: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        (!text.trim().is_empty()).then(|| text.trim().to_string())
    }

    /// The id the compiler derives for the flow: from its explicit id, else from its name.
    fn flow_id(&self) -> String {
        let f = self.flow.map(|f| self.obj(f));
        match f.and_then(|f| str_of(f, "id")) {
            Some(id) if af_stix::id::split_id(id).map(|(t, _)| t) == Some("attack-flow") => id.to_string(),
            _ => af_stix::id::derive("attack-flow", &[f.and_then(|f| str_of(f, "name")).unwrap_or("")]),
        }
    }

    /// Whether `id:` can be left out because compiling derives this very id (never in `--exact`).
    fn derived(&self, id: &str, stix_type: &str, parts: &[&str]) -> bool {
        !self.options.exact && af_stix::id::derive(stix_type, parts) == id
    }

    /// The flow edges as chains: `a -> b -> c, d` where `b` is the only target of `a`.
    /// Each ref list is written in one statement, so list orders are kept.
    fn chains(&self) -> String {
        let name = |i: usize| self.names.get(self.id(i)).map_or("", String::as_str);
        let continues: HashMap<usize, usize> = self
            .flow_edges
            .iter()
            .enumerate()
            .filter(|(_, e)| !e.false_branch)
            .map(|(k, e)| (e.source, k))
            .collect();
        let next = |k: usize| match self.flow_edges[k].targets.as_slice() {
            [only] => continues.get(only).copied(),
            _ => None,
        };
        let pointed: HashSet<usize> = (0..self.flow_edges.len()).filter_map(next).collect();
        let mut done = vec![false; self.flow_edges.len()];
        let mut out = String::new();
        let heads = (0..self.flow_edges.len())
            .filter(|k| !pointed.contains(k))
            .chain(0..self.flow_edges.len());
        for start in heads {
            if done[start] {
                continue;
            }
            let e = &self.flow_edges[start];
            out.push_str(name(e.source));
            let mut k = start;
            loop {
                done[k] = true;
                let e = &self.flow_edges[k];
                let targets: Vec<&str> = e.targets.iter().map(|&t| name(t)).collect();
                let arrow = if e.false_branch { "-[false]->" } else { "->" };
                let _ = write!(out, " {arrow} {}", targets.join(", "));
                match next(k).filter(|&n| !done[n]) {
                    Some(n) => k = n,
                    None => break,
                }
            }
            out.push('\n');
        }
        out
    }

    fn flow_header(&mut self, f: usize) -> String {
        let obj = self.obj(f);
        let id = self.id(f);
        let mut props: Vec<(String, String)> = Vec::new();
        let name = str_of(obj, "name").unwrap_or("");
        if af_stix::id::split_id(id).map(|(t, _)| t) == Some("attack-flow") {
            if !self.derived(id, "attack-flow", &[name]) {
                props.push(("id".into(), quote(id)));
            }
        } else {
            self.lost(
                f,
                "id",
                format!("`{id}` is not a valid attack-flow id; the compiler derives one"),
            );
        }
        let title = match obj.get("name") {
            Some(Json::String(s)) => s.clone(),
            other => {
                let what = other.map_or("none".to_string(), crate::describe);
                self.lost(
                    f,
                    "name",
                    format!("the flow's name is {what}; the header needs a string"),
                );
                String::new()
            }
        };
        match self.default_created.clone() {
            Some(c) => props.push(("created".into(), self.timestamp_text(f, "created", &c))),
            None => self.lost(
                f,
                "created",
                "the flow has no `created`; the compiler adds one (and to every object)".into(),
            ),
        }
        match self.author {
            Some((a, AuthorMode::Node)) => {
                let name = self.names.get(a).cloned().unwrap_or_default();
                props.push(("author".into(), name));
            }
            Some((a, AuthorMode::Inline)) => {
                let text = self.inline_author(a);
                props.push(("author".into(), text));
            }
            None => {}
        }
        if let Some((items, _)) = &self.markings {
            let items: Vec<String> = items
                .iter()
                .map(|s| match s.strip_prefix('\u{0}') {
                    Some(id) => self.names.get(id).cloned().unwrap_or_else(|| quote(id)),
                    None => s.clone(),
                })
                .collect();
            let text = match items.as_slice() {
                [one] => one.clone(),
                many => format!("[{}]", many.join(", ")),
            };
            props.push(("marking".into(), text));
        }
        if self.model.extension != ExtensionCopy::default() {
            props.push(("extension".into(), self.model.extension.word().into()));
        }
        let mut skip: HashSet<&str> = ["name", "start_refs"].into_iter().collect();
        if self.default_created.is_some() {
            skip.insert("created");
        }
        self.properties(f, &skip, &mut props);
        if !self.model.default_start_refs {
            self.start_refs(f, &mut props);
        }
        let mut out = format!("flow {}", quote(&title));
        block(&mut out, &props);
        out
    }

    /// `"Name" { id: "identity--…", … }` for the author identity.
    fn inline_author(&mut self, a: &str) -> String {
        let Some(i) = (0..self.model.objects.len()).find(|&i| self.id(i) == a) else {
            return quote(a);
        };
        let name = str_of(self.obj(i), "name").unwrap_or("");
        let mut props = Vec::new();
        if !self.derived(a, "identity", &["author", name]) {
            props.push(("id".to_string(), quote(a)));
        }
        let skip: HashSet<&str> = ["name", "created", "modified"].into_iter().collect();
        self.properties(i, &skip, &mut props);
        if props.is_empty() {
            return quote(name);
        }
        let inner: Vec<String> = props.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        format!("{} {{ {} }}", quote(name), inner.join(", "))
    }

    fn start_refs(&mut self, f: usize, props: &mut Vec<(String, String)>) {
        let defaults = self.default_starts();
        match self.obj(f).get("start_refs") {
            Some(Json::Array(items))
                if items.len() == defaults.len()
                    && items.iter().zip(&defaults).all(|(a, b)| a.as_str() == Some(*b)) => {}
            Some(v) => match self.value(f, "attack-flow", "start_refs", v) {
                Ok(text) => props.push(("start_refs".into(), text)),
                Err(why) => self.lost(f, "start_refs", why),
            },
            None if defaults.is_empty() => {}
            None => self.lost(
                f,
                "start_refs",
                "the flow has none; the compiler adds the actions and conditions nothing points at".into(),
            ),
        }
    }

    fn node(&mut self, i: usize) -> String {
        let obj = self.obj(i);
        let t = self.ty(i);
        let kind = kind_of(t).unwrap_or(t);
        let name = self.names.get(self.id(i)).cloned().unwrap_or_default();
        let mut head = format!("{kind} {name}");
        let mut skip: HashSet<&str> = HashSet::new();
        if let Some(keys) = self.consumed.get(&i) {
            skip.extend(keys.iter().copied());
        }
        let mut sugar_props: Vec<(String, String)> = Vec::new();
        match t {
            "attack-action" => self.action_sugar(obj, &mut head, &mut skip, &mut sugar_props),
            "attack-operator" => {
                if let Some(op @ ("AND" | "OR")) = str_of(obj, "operator") {
                    head.push(' ');
                    head.push_str(op);
                    skip.insert("operator");
                }
            }
            _ => {}
        }
        if let Some(p) = types::display_property(t) {
            if let Some(Json::String(s)) = obj.get(p) {
                if !s.contains('\n') && s.chars().count() <= MAX_TITLE {
                    head.push(' ');
                    head.push_str(&quote(s));
                    skip.insert(p);
                }
            }
        }
        let mut props = Vec::new();
        if !self.derived(self.id(i), t, &[&self.flow_id(), &name]) {
            props.push(("id".to_string(), quote(self.id(i))));
        }
        props.extend(sugar_props);
        self.properties(i, &skip, &mut props);
        block(&mut head, &props);
        head
    }

    /// `action x T1566 "Name"` and `tactic: TA0001` where the compiler's expansion gives
    /// exactly the object's `technique_ref` / `tactic_id` / `tactic_ref`.
    fn action_sugar(
        &self,
        obj: &Map<String, Json>,
        head: &mut String,
        skip: &mut HashSet<&str>,
        props: &mut Vec<(String, String)>,
    ) {
        if !matches!(obj.get("name"), Some(Json::String(_))) {
            return;
        }
        let technique = str_of(obj, "technique_id").and_then(|id| self.catalog.technique(id));
        if let (Some(tid), Some(t)) = (str_of(obj, "technique_id"), technique) {
            let bundle_ref = str_of(obj, "technique_ref");
            if bare(tid) && (bundle_ref.is_some() || t.stix_id.is_none()) {
                head.push(' ');
                head.push_str(tid);
                skip.insert("technique_id");
                if bundle_ref.is_some() && bundle_ref == t.stix_id.as_deref() {
                    skip.insert("technique_ref");
                }
            }
        }
        let (Some(tactic), Some(tactic_ref)) = (str_of(obj, "tactic_id"), str_of(obj, "tactic_ref")) else {
            return;
        };
        if obj.contains_key("tactic") || !bare(tactic) {
            return;
        }
        let found = match technique {
            Some(t) => self
                .catalog
                .tactic_for(t, tactic)
                .or_else(|| self.catalog.tactic(tactic)),
            None => self.catalog.tactic(tactic),
        };
        if let Some(tac) = found {
            if tac.id.as_ref() == tactic && tac.stix_id.as_deref() == Some(tactic_ref) {
                props.push(("tactic".into(), tactic.to_string()));
                skip.insert("tactic_id");
                skip.insert("tactic_ref");
            }
        }
    }

    fn relationship_edge(&mut self, i: usize) -> String {
        let obj = self.obj(i);
        let src = str_of(obj, "source_ref")
            .and_then(|s| self.names.get(s))
            .cloned()
            .unwrap_or_default();
        let dst = str_of(obj, "target_ref")
            .and_then(|s| self.names.get(s))
            .cloned()
            .unwrap_or_default();
        let label = str_of(obj, "relationship_type").unwrap_or("related-to");
        let mut props = Vec::new();
        let derived = self.model.derived_ids.contains(self.id(i))
            || self.derived(self.id(i), "relationship", &[&self.flow_id(), &src, label, &dst]);
        if !derived {
            props.push(("id".to_string(), quote(self.id(i))));
        }
        let skip: HashSet<&str> = ["relationship_type", "source_ref", "target_ref"]
            .into_iter()
            .collect();
        self.properties(i, &skip, &mut props);
        let mut out = format!("{src} -[{label}]-> {dst}");
        if props.is_empty() {
            out.push('\n');
        } else {
            let inline: Vec<String> = props.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            if props.len() == 1 && !inline[0].contains('\n') {
                let _ = writeln!(out, " {{ {} }}", inline[0]);
            } else {
                block(&mut out, &props);
            }
        }
        out
    }

    /// The properties of object `i` not in `skip`, in the object's key order, with
    /// `created` / `modified` last and only where they differ from the defaults.
    fn properties(&mut self, i: usize, skip: &HashSet<&str>, props: &mut Vec<(String, String)>) {
        let obj = self.obj(i);
        let t = self.ty(i);
        let id = self.id(i);
        let cat = category(t);
        let is_flow = Some(i) == self.flow;
        // The compiler builds an inline author by itself: no markings are added to it.
        let marked = cat != Category::Meta && self.author != Some((id, AuthorMode::Inline));
        let mut times = Vec::new();
        for (key, v) in obj {
            let k = key.as_str();
            if skip.contains(k) || matches!(k, "type" | "id") {
                continue;
            }
            match k {
                "spec_version" if v.as_str() == Some("2.1") => continue,
                "created" | "modified" if cat != Category::Sco => {
                    if v.as_str().is_some() && v.as_str() == self.default_created.as_deref() {
                        continue;
                    }
                    match v.as_str() {
                        Some(s) => times.push((k.to_string(), self.timestamp_text(i, k, s))),
                        None => self.lost(i, k, format!("it is {}, not a timestamp", crate::describe(v))),
                    }
                    continue;
                }
                "created_by_ref" if self.author.is_some() && v.as_str() == self.author.map(|(a, _)| a) => {
                    continue
                }
                "object_marking_refs"
                    if marked && self.markings.as_ref().is_some_and(|(_, list)| *list == v) =>
                {
                    continue
                }
                "extensions"
                    if cat == Category::AttackFlow && *v == af_stix::attack_flow::extension_marker() =>
                {
                    continue
                }
                _ => {}
            }
            let sugar_key = af_stix::language::sugar(t, k).is_some();
            if sugar_key {
                self.lost(i, k, format!("the language reads `{k}` on a `{t}` as sugar"));
                continue;
            }
            match self.value(i, t, k, v) {
                Ok(text) => props.push((key_text(k), text)),
                Err(why) => self.lost(i, k, why),
            }
        }
        props.extend(times);
        // What the compiler adds by itself that the object does not have.
        let mut missing = |key: &str, why: &str| {
            if !obj.contains_key(key) {
                self.notes.push(format!("not kept: `{id}` has no `{key}`; {why}"));
                self.explained.insert((id.to_string(), key.to_string()));
            }
        };
        missing("spec_version", "the compiler writes \"2.1\" on every object");
        if cat != Category::Sco && !is_flow {
            missing(
                "created",
                "the compiler gives every non-observable object the flow's `created`",
            );
            missing(
                "modified",
                "the compiler gives every non-observable object the flow's `created`",
            );
        }
        if cat == Category::AttackFlow {
            missing("extensions", "the compiler adds the Attack Flow extension marker");
        }
        let author = self.author.map(|(a, _)| a);
        if author.is_some() && cat != Category::Sco && Some(id) != author {
            missing("created_by_ref", "the `author:` of the flow gives it one");
        }
        if self.markings.is_some() && marked {
            missing("object_marking_refs", "the `marking:` of the flow gives it one");
        }
    }

    fn timestamp_text(&mut self, i: usize, key: &str, s: &str) -> String {
        match af_stix::timestamp::normalize(s) {
            Ok(n) if n == s => s.to_string(),
            Ok(n) => {
                self.changed(
                    i,
                    key,
                    format!("`{s}` becomes `{n}` (the compiler normalizes timestamps)"),
                );
                quote(s)
            }
            Err(_) => quote(s),
        }
    }

    // ----- values -----

    /// A property value as the compiler will read it for `key` on a `stix_type`.
    fn value(&mut self, i: usize, stix_type: &str, key: &str, v: &Json) -> Result<String, String> {
        // STIX forbids empty lists (the compiler refuses them); one holds nothing to keep.
        if matches!(v, Json::Array(items) if items.is_empty()) {
            return Err("an empty list (STIX forbids them)".into());
        }
        match types::property(stix_type, key).map(|p| &p.kind) {
            Some(kind) => self.typed(i, key, kind, v),
            None => self.generic(key, v, 0),
        }
    }

    fn typed(&mut self, i: usize, key: &str, kind: &PropKind, v: &Json) -> Result<String, String> {
        let wrong = |what: &str| {
            Err(format!(
                "`{key}` takes {what}, and this is {}",
                crate::describe(v)
            ))
        };
        match kind {
            PropKind::String | PropKind::Binary | PropKind::Hex => match v {
                Json::String(s) if matches!(key, "technique_id" | "tactic_id") && bare(s) => Ok(s.clone()),
                Json::String(s) => Ok(string_literal(s)),
                _ => wrong("a string"),
            },
            PropKind::Integer => match v {
                Json::Number(n) if n.is_i64() || n.is_u64() => {
                    if key == "confidence" && !n.as_i64().is_some_and(|x| (0..=100).contains(&x)) {
                        return Err(format!("confidence {n} is outside 0–100"));
                    }
                    Ok(n.to_string())
                }
                _ => wrong("an integer"),
            },
            PropKind::Number => match v {
                Json::Number(n) => number_text(n).ok_or_else(|| format!("`{key}`: {n} cannot be written")),
                _ => wrong("a number"),
            },
            PropKind::Boolean => match v {
                Json::Bool(b) => Ok(b.to_string()),
                _ => wrong("`true` or `false`"),
            },
            PropKind::Timestamp => match v {
                Json::String(s) => match af_stix::timestamp::normalize(s) {
                    Ok(_) => Ok(self.timestamp_text(i, key, s)),
                    Err(e) => Err(format!("`{s}` is not a valid timestamp ({e})")),
                },
                _ => wrong("a timestamp"),
            },
            PropKind::Ref(targets) => self.reference(v, targets, key),
            PropKind::RefList(targets) => match v {
                Json::Array(items) if items.is_empty() => Err("an empty list (STIX forbids them)".into()),
                Json::Array(items) => {
                    let refs: Result<Vec<String>, String> =
                        items.iter().map(|x| self.reference(x, targets, key)).collect();
                    Ok(format!("[{}]", refs?.join(", ")))
                }
                _ => wrong("a list of ids"),
            },
            PropKind::StringList => self.list(key, v, |_, x| match x {
                Json::String(s) => Ok(string_literal(s)),
                other => Err(format!("`{key}` holds {}, not a string", crate::describe(other))),
            }),
            PropKind::Enum(allowed) => match v {
                Json::String(s) if allowed.contains(&s.as_str()) => Ok(word_or_string(s)),
                Json::String(s) => Err(format!("`{s}` is not one of {}", allowed.join(", "))),
                _ => wrong("a word"),
            },
            PropKind::OpenVocab(_) => match v {
                Json::String(s) => Ok(word_or_string(s)),
                _ => wrong("a word or a string"),
            },
            PropKind::OpenVocabList(_) => self.list(key, v, |_, x| match x {
                Json::String(s) => Ok(word_or_string(s)),
                other => Err(format!("`{key}` holds {}, not a string", crate::describe(other))),
            }),
            PropKind::ExternalReferences
            | PropKind::KillChainPhases
            | PropKind::GranularMarkings
            | PropKind::ObjectList => {
                let required = kind.entry_required();
                self.list(key, v, |w, x| match x {
                    Json::Object(m) => match required.iter().find(|r| !m.contains_key(**r)) {
                        Some(r) => Err(format!("an entry of `{key}` has no `{r}`")),
                        None => w.generic(key, x, 1),
                    },
                    other => Err(format!("`{key}` holds {}, not an object", crate::describe(other))),
                })
            }
            PropKind::Hashes | PropKind::Dictionary | PropKind::Extensions | PropKind::Object => match v {
                Json::Object(_) => self.generic(key, v, 0),
                _ => wrong("a map"),
            },
            PropKind::Any => self.generic(key, v, 0),
        }
    }

    fn list(
        &mut self,
        key: &str,
        v: &Json,
        mut each: impl FnMut(&mut Self, &Json) -> Result<String, String>,
    ) -> Result<String, String> {
        match v {
            Json::Array(items) if items.is_empty() => Err("an empty list (STIX forbids them)".into()),
            Json::Array(items) => {
                let parts: Result<Vec<String>, String> = items.iter().map(|x| each(self, x)).collect();
                Ok(format!("[{}]", parts?.join(", ")))
            }
            other => Err(format!(
                "`{key}` takes a list, and this is {}",
                crate::describe(other)
            )),
        }
    }

    /// A value with no type information, written the way the compiler's `generic` reads it.
    fn generic(&mut self, key: &str, v: &Json, depth: usize) -> Result<String, String> {
        if depth > MAX_DEPTH {
            return Err(format!("`{key}` nests more than {MAX_DEPTH} levels deep"));
        }
        let rule = af_stix::refs::by_name(key);
        if rule.is_some_and(|r| !r.many) && !matches!(v, Json::Array(_) | Json::Object(_)) {
            return self.reference(v, &[], key);
        }
        if rule.is_some_and(|r| r.many) {
            if let Json::Array(items) = v {
                let refs: Result<Vec<String>, String> =
                    items.iter().map(|x| self.reference(x, &[], key)).collect();
                return Ok(format!("[{}]", refs?.join(", ")));
            }
        }
        match v {
            Json::Null => Err(format!("`{key}` is null, which the language cannot write")),
            Json::Bool(b) => Ok(b.to_string()),
            Json::Number(n) => number_text(n).ok_or_else(|| format!("`{key}`: {n} cannot be written")),
            Json::String(s) => Ok(string_literal(s)),
            Json::Array(items) => {
                let parts: Result<Vec<String>, String> =
                    items.iter().map(|x| self.generic(key, x, depth + 1)).collect();
                Ok(format!("[{}]", parts?.join(", ")))
            }
            Json::Object(m) => {
                let mut parts = Vec::with_capacity(m.len());
                for (k, x) in m {
                    parts.push(format!("{}: {}", key_text(k), self.generic(k, x, depth + 1)?));
                }
                Ok(if parts.is_empty() {
                    "{}".to_string()
                } else {
                    format!("{{ {} }}", parts.join(", "))
                })
            }
        }
    }

    /// An id as a node name, or quoted when the object is not a node.
    fn reference(&self, v: &Json, targets: &[&str], key: &str) -> Result<String, String> {
        let Some(id) = v.as_str() else {
            return Err(format!("`{key}` holds {}, not an id", crate::describe(v)));
        };
        let allowed = |t: &str| targets.is_empty() || targets.contains(&t);
        if let (Some(name), Some(t)) = (self.names.get(id), self.types.get(id)) {
            if allowed(t) {
                return Ok(name.clone());
            }
            return Err(format!(
                "`{key}` names `{id}`, a `{t}`, but takes {}",
                targets.join(" or ")
            ));
        }
        match af_stix::id::split_id(id) {
            Some((t, _)) if allowed(t) => Ok(quote(id)),
            Some((t, _)) => Err(format!(
                "`{key}` names a `{t}`, but takes {}",
                targets.join(" or ")
            )),
            None => Err(format!("`{id}` in `{key}` is not a valid STIX id")),
        }
    }
}

/// Appends ` {` + one property per line + `}` (or nothing when there are no properties).
fn block(out: &mut String, props: &[(String, String)]) {
    if props.is_empty() {
        out.push('\n');
        return;
    }
    out.push_str(" {\n");
    for (k, v) in props {
        let _ = writeln!(out, "  {k}: {v}");
    }
    out.push_str("}\n");
}

fn key_text(k: &str) -> String {
    if is_word(k) {
        k.to_string()
    } else {
        quote(k)
    }
}

fn word_or_string(s: &str) -> String {
    if bare(s) {
        s.to_string()
    } else {
        string_literal(s)
    }
}

/// A JSON number as a language number literal that reads back as the same JSON number.
fn number_text(n: &Number) -> Option<String> {
    if n.is_i64() || n.is_u64() {
        return Some(n.to_string());
    }
    let f = n.as_f64().filter(|f| f.is_finite())?;
    let text = format!("{f:?}");
    let text = match text.split_once('e') {
        Some((m, e)) if !m.contains('.') => format!("{m}.0e{e}"),
        Some(_) => text,
        None if !text.contains('.') => format!("{text}.0"),
        None => text,
    };
    (text.parse::<f64>().ok() == Some(f)).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_back() {
        for text in ["1.5", "1e20", "-2.5e-7", "3.0", "0.1"] {
            let n: Number = serde_json::from_str(text).expect("number");
            let written = number_text(&n).expect("writable");
            let (tokens, _) = af_syntax::lexer::lex(&written);
            assert!(
                matches!(tokens.as_slice(), [(af_syntax::lexer::Token::Float(_), _)]),
                "{text} -> {written}"
            );
            assert_eq!(written.parse::<f64>().ok(), n.as_f64());
        }
        let n: Number = serde_json::from_str("42").expect("number");
        assert_eq!(number_text(&n).as_deref(), Some("42"));
    }
}
