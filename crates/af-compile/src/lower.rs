//! Lowering: declarations become STIX objects, properties are typed and checked.

use crate::values::Seen;
use crate::FastMap;
use crate::{Compiled, Object, Options, DEFAULT_CREATED};
use af_diagnostics::{closest, codes, Diagnostic};
use af_stix::language;
use af_stix::object::SmolStr;
use af_stix::types::{self, Category};
use af_syntax::{Block, File, FlowDecl, Ident, Item, NodeDecl, Span, StrLit, Value, ValueKind};
use serde_json::Value as Json;

/// A declared node.
pub(crate) struct Node<'a> {
    pub decl: &'a NodeDecl,
    pub name: &'a Ident,
    /// The STIX id; shared (not copied) by every ref to the node. For an observable without
    /// an explicit id, a provisional one until [`Lowering::assign_observable_ids`] gives the
    /// id STIX prescribes.
    pub id: SmolStr,
    /// Whether the id was written (`id: "…"`).
    pub explicit: bool,
    /// The STIX type the model gives the node.
    pub stix_type: &'a str,
}

pub(crate) struct Lowering<'a> {
    pub file: &'a File,
    /// The resolved model of the file ([`crate::analyze`]).
    pub model: &'a crate::Model,
    pub options: &'a Options,
    pub diags: Vec<Diagnostic>,
    pub nodes: Vec<Node<'a>>,
    /// For each node of the model ([`crate::Model::nodes`]), the index of its lowered node in
    /// `nodes`: names are resolved once, by the model, and mapped through this.
    pub lowered: Vec<Option<u32>>,
    /// Node ids, for refs written as quoted ids.
    pub by_id: FastMap<SmolStr, usize>,
    pub flow: Option<&'a FlowDecl>,
    pub flow_id: String,
    pub created: SmolStr,
    pub author_id: Option<SmolStr>,
    pub markings: Vec<SmolStr>,
    /// Which copy of the Attack Flow extension objects the bundle carries (`extension:`).
    pub extension_copy: af_stix::attack_flow::ExtensionCopy,
    /// Objects produced for each node (index-aligned with `nodes`).
    pub objects: Vec<Option<Object>>,
    /// Which object the refs being resolved belong to: 0 is the flow, `i + 1` is node `i`.
    pub current: usize,
    /// Undirected links between objects (same numbering as `current`) made by refs and edges,
    /// for the connectivity check.
    pub links: Vec<(usize, usize)>,
    /// The flow refs (`effect_refs`, `on_true_refs`, `on_false_refs`) between nodes, written
    /// in blocks or as edges, as (source node, which ref, target node): to report a repeated
    /// edge without searching the source's list, and to find where the flow starts.
    pub flow_refs:
        std::collections::HashSet<(usize, af_stix::flow::FlowRef, usize), foldhash::fast::FixedState>,
}

impl<'a> Lowering<'a> {
    pub fn new(file: &'a File, model: &'a crate::Model, options: &'a Options) -> Self {
        Lowering {
            file,
            model,
            options,
            diags: Vec::new(),
            // Sized from the model, so that nothing is copied or rehashed as it grows.
            nodes: Vec::with_capacity(model.nodes.len()),
            lowered: Vec::new(),
            by_id: FastMap::with_capacity_and_hasher(model.nodes.len(), Default::default()),
            flow: None,
            flow_id: String::new(),
            created: SmolStr::new_static(DEFAULT_CREATED),
            author_id: None,
            markings: Vec::new(),
            extension_copy: Default::default(),
            objects: Vec::new(),
            current: 0,
            links: Vec::with_capacity(model.refs.len()),
            flow_refs: std::collections::HashSet::with_capacity_and_hasher(
                model.edges.len(),
                Default::default(),
            ),
        }
    }

    pub fn run(mut self) -> Compiled {
        self.find_flow();
        self.declare_nodes();
        let mut head = self.flow_prelude();
        // Each node's catalog checks follow its lowering, while its object is still in cache.
        let mut techniques = crate::techniques::Techniques::new(self.options);
        self.objects.reserve(self.nodes.len());
        for i in 0..self.nodes.len() {
            let obj = self.lower_node(i);
            self.objects.push(obj);
            self.check_action(i, &mut techniques);
            self.fill_catalog_object(i, techniques.catalog);
            self.check_node(i);
        }
        let mut relationships = self.lower_edges();
        let mut flow_obj = self.lower_flow_object();
        self.check_connected();
        // Observables get the ids STIX prescribes, which depend on their values: every
        // reference to them made so far is renamed.
        let renames = self.assign_observable_ids();
        if !renames.is_empty() {
            let all = self
                .objects
                .iter_mut()
                .flatten()
                .chain(flow_obj.iter_mut())
                .chain(relationships.iter_mut());
            for obj in all {
                crate::ids::rename(obj, &renames);
            }
        }

        let mut objects = Vec::with_capacity(2 + head.len() + 1 + self.objects.len() + relationships.len());
        // The extension definition and its creator (the copy the header's `extension:` names),
        // unless the file declares its own variant.
        let ext_id = af_stix::attack_flow::EXTENSION_ID;
        let [ext, creator] = self.extension_copy.objects();
        let creator_id = creator
            .get("id")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string();
        // The published creator identity comes with the published definition only: a file that
        // declares its own variant of the definition says itself what else it carries.
        if !self.by_id.contains_key(ext_id) {
            if let Json::Object(m) = ext {
                objects.push(Object::from(m));
            }
            if !self.by_id.contains_key(creator_id.as_str()) {
                if let Json::Object(m) = creator {
                    objects.push(Object::from(m));
                }
            }
        }
        objects.append(&mut head);
        if let Some(f) = flow_obj {
            objects.push(f);
        }
        objects.extend(self.objects.into_iter().flatten());
        objects.extend(relationships);
        let bundle_id = af_stix::id::derive("bundle", &[&self.flow_id]);
        let mut diagnostics = self.diags;
        diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
        // Each node's final id (observables' after the renaming), its name and where it is.
        let declared = self
            .nodes
            .iter()
            .map(|n| crate::Declared {
                id: n.id.clone(),
                name: n.name.text.clone(),
                span: n.name.span.clone(),
            })
            .collect();
        Compiled {
            bundle_id,
            objects,
            diagnostics,
            declared,
        }
    }

    fn find_flow(&mut self) {
        let flows: Vec<&FlowDecl> = self
            .file
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Flow(f) => Some(f),
                _ => None,
            })
            .collect();
        match flows.as_slice() {
            [] => self.diags.push(
                Diagnostic::new(codes::E0101, 0..0, "this file has no flow header")
                    .with_help("start the file with `flow \"Name\" { scope: incident }`"),
            ),
            [first, rest @ ..] => {
                for f in rest {
                    self.diags.push(
                        Diagnostic::new(
                            codes::E0102,
                            f.keyword.clone(),
                            "a file holds exactly one flow header",
                        )
                        .with_label(first.keyword.clone(), "the flow is declared here")
                        .with_help("split the file, or merge the two headers"),
                    );
                }
            }
        }
        self.flow = flows.first().copied();
        let flow_name = self
            .flow
            .and_then(|f| f.title.as_ref())
            .map_or("", |t| t.value.as_str());
        let explicit = self
            .flow
            .and_then(|f| self.explicit_id(f.body.as_ref(), "attack-flow"));
        self.flow_id = explicit.unwrap_or_else(|| af_stix::id::derive("attack-flow", &[flow_name]));
        // The flow's `created` is every object's default.
        let created = self
            .flow
            .and_then(|f| f.body.as_ref())
            .and_then(|b| find(b, "created"));
        match created {
            Some(v) => {
                if let Some(t) = self.timestamp(v) {
                    self.created = SmolStr::from(t);
                }
            }
            None => {
                let span = self.flow.map_or(0..0, |f| f.keyword.clone());
                let (value, how) = match self.options.source_date_epoch {
                    Some(secs) => match af_stix::timestamp::from_unix_seconds(secs) {
                        Ok(t) => (t, "SOURCE_DATE_EPOCH"),
                        Err(_) => (DEFAULT_CREATED.to_string(), "the fixed default"),
                    },
                    None => (DEFAULT_CREATED.to_string(), "the fixed default"),
                };
                if self.flow.is_some() {
                    self.diags.push(
                        Diagnostic::new(codes::W0101, span, "the flow has no `created` timestamp")
                            .with_help(format!(
                                "add `created: 2026-01-31T12:00:00Z` to the header; until then objects get {value} ({how})"
                            )),
                    );
                }
                self.created = SmolStr::from(value);
            }
        }
    }

    /// The nodes of the model (first declarations of a known kind) with their ids; a node
    /// whose explicit id another node has is left out (`E0103`).
    fn declare_nodes(&mut self) {
        let model = self.model;
        self.lowered = vec![None; model.nodes.len()];
        for (m, n) in model.nodes.iter().enumerate() {
            let (true, Some(stix_type)) = (n.first, n.stix_type.as_deref()) else {
                continue;
            };
            let Some(Item::Node(decl)) = self.file.items.get(n.item) else {
                continue;
            };
            let Some(name) = &decl.name else {
                continue;
            };
            let explicit = self.explicit_id(decl.body.as_ref(), stix_type);
            let is_explicit = explicit.is_some();
            let id = match explicit {
                Some(id) => SmolStr::from(id),
                None => af_stix::id::derive_shared(stix_type, &[&self.flow_id, &name.text]),
            };
            if let Some(&other) = self.by_id.get(id.as_str()) {
                let first = self.nodes[other].name.span.clone();
                self.diags.push(
                    Diagnostic::new(
                        codes::E0103,
                        name.span.clone(),
                        format!("`{}` has the same id as another node", name.text),
                    )
                    .with_label(first, "this node has that id"),
                );
                continue;
            }
            self.lowered[m] = u32::try_from(self.nodes.len()).ok();
            self.by_id.insert(id.clone(), self.nodes.len());
            self.nodes.push(Node {
                decl,
                name,
                stix_type,
                id,
                explicit: is_explicit,
            });
        }
    }

    /// An explicit `id:` in a block, checked against the expected type.
    pub(crate) fn explicit_id(&mut self, body: Option<&Block>, stix_type: &str) -> Option<String> {
        let v = find(body?, "id")?;
        let ValueKind::Str(s) = &v.kind else {
            self.diags.push(
                Diagnostic::new(codes::E0201, v.span.clone(), "an `id` is a quoted STIX id")
                    .with_help(format!("write `id: \"{stix_type}--<uuid>\"`")),
            );
            return None;
        };
        match af_stix::id::split_id(&s.value) {
            Some((t, _)) if af_stix::id::is_valid_id(&s.value) => {
                if t != stix_type {
                    self.diags.push(
                        Diagnostic::new(
                            codes::E0206,
                            v.span.clone(),
                            format!("this id is for a `{t}`, but the object is a `{stix_type}`"),
                        )
                        .with_help(format!("an explicit id starts with `{stix_type}--`")),
                    );
                    return None;
                }
                Some(s.value.clone())
            }
            _ => {
                self.diags.push(
                    Diagnostic::new(
                        codes::E0203,
                        v.span.clone(),
                        format!("`{}` is not a STIX id", s.value),
                    )
                    .with_help(format!("a STIX id is `{stix_type}--` followed by a UUID")),
                );
                None
            }
        }
    }

    /// Objects that come before the flow: the author identity and the TLP markings.
    fn flow_prelude(&mut self) -> Vec<Object> {
        self.current = 0;
        let mut out = Vec::new();
        let Some(body) = self.flow.and_then(|f| f.body.as_ref()) else {
            return out;
        };
        if let Some(author) = find(body, "author") {
            match &author.kind {
                ValueKind::Word(_) => {
                    self.author_id = self.resolve_ref(author, &["identity"], "author");
                }
                ValueKind::Str(s) => {
                    out.push(self.author_identity(s, None));
                }
                ValueKind::Titled(title, block) => match &title.kind {
                    ValueKind::Str(s) => out.push(self.author_identity(s, Some(block))),
                    _ => self.diags.push(Diagnostic::new(
                        codes::E0201,
                        title.span.clone(),
                        "the author is a quoted name, optionally followed by `{ identity properties }`",
                    )),
                },
                _ => self.diags.push(
                    Diagnostic::new(
                        codes::E0201,
                        author.span.clone(),
                        "the author is a quoted name or the name of an identity node",
                    )
                    .with_help("write `author: \"Jane Analyst\" { identity_class: individual }`"),
                ),
            }
        }
        if let Some(v) = find(body, "extension") {
            let words: Vec<&str> = af_stix::attack_flow::ExtensionCopy::ALL
                .iter()
                .map(|(w, _)| *w)
                .collect();
            if let Some(Json::String(w)) = self.enum_value("extension", v, &words) {
                self.extension_copy = af_stix::attack_flow::ExtensionCopy::from_word(&w).unwrap_or_default();
            }
        }
        if let Some(marking) = find(body, "marking") {
            let items: Vec<&Value> = match &marking.kind {
                ValueKind::List(items) => items.iter().collect(),
                _ => vec![marking],
            };
            if items.is_empty() {
                self.diags.push(
                    Diagnostic::new(codes::E0204, marking.span.clone(), "`marking` is an empty list")
                        .with_help("remove it or name a marking such as `tlp-green`"),
                );
            }
            for item in items {
                if let ValueKind::Word(w) = &item.kind {
                    if let Some(def) = af_stix::marking::tlp(w) {
                        let id = SmolStr::new(def.get("id").and_then(Json::as_str).unwrap_or_default());
                        if !self.markings.contains(&id) {
                            self.markings.push(id);
                            if let Json::Object(m) = def {
                                out.push(Object::from(m));
                            }
                        }
                        continue;
                    }
                    if w.to_ascii_lowercase().starts_with("tlp") {
                        let mut d = Diagnostic::new(
                            codes::E0202,
                            item.span.clone(),
                            format!("unknown TLP marking `{w}`"),
                        )
                        .with_help(format!("use one of {}", af_stix::marking::tlp_names().join(", ")));
                        if let Some(c) = closest(w, af_stix::marking::tlp_names().iter().copied()) {
                            d = d.with_fix(format!("did you mean `{c}`?"), item.span.clone(), c);
                        }
                        self.diags.push(d);
                        continue;
                    }
                }
                if let Some(id) = self.resolve_ref(item, &["marking-definition"], "marking") {
                    if !self.markings.contains(&id) {
                        self.markings.push(id);
                    }
                }
            }
        }
        out
    }

    fn author_identity(&mut self, name: &StrLit, block: Option<&Block>) -> Object {
        let explicit = block.and_then(|b| self.explicit_id(Some(b), "identity"));
        let id = SmolStr::from(
            explicit.unwrap_or_else(|| af_stix::id::derive("identity", &["author", &name.value])),
        );
        let mut obj = Object::new();
        obj.insert("type", "identity");
        obj.insert("spec_version", "2.1");
        obj.insert("id", id.clone());
        obj.insert("created", self.created.clone());
        obj.insert("modified", self.created.clone());
        obj.insert("name", name.value.clone());
        if let Some(b) = block {
            let mut seen = Seen::new();
            seen.push("name", name.span.clone());
            self.lower_block("identity", b, &mut obj, &mut seen);
        }
        self.check_required("identity", &obj, name.span.clone(), &[]);
        self.author_id = Some(id);
        obj
    }

    /// The common head of every object: type, spec_version, id, created_by_ref, timestamps.
    pub(crate) fn head(&self, stix_type: &str, id: &SmolStr, category: Category) -> Object {
        // Room for the properties a typical object gets, so that building it does not regrow.
        let mut obj = Object::with_capacity(14);
        match af_stix::object::type_value(stix_type) {
            Some(shared) => obj.insert_shared("type", shared),
            None => obj.insert("type", stix_type),
        };
        obj.insert_shared("spec_version", af_stix::object::spec_version());
        obj.insert("id", id.clone());
        if category != Category::Sco {
            if let Some(a) = &self.author_id {
                if a != id {
                    obj.insert("created_by_ref", a.clone());
                }
            }
            obj.insert("created", self.created.clone());
            // A marking definition is immutable in STIX 2.1: it has no `modified`.
            if stix_type != "marking-definition" {
                obj.insert("modified", self.created.clone());
            }
        }
        if category == Category::AttackFlow {
            obj.insert_shared("extensions", af_stix::attack_flow::shared_extension_marker());
        }
        obj
    }

    pub(crate) fn apply_markings(&self, obj: &mut Object, category: Category) {
        if !self.markings.is_empty() && category != Category::Meta && !obj.contains_key("object_marking_refs")
        {
            obj.insert("object_marking_refs", self.markings.clone());
        }
    }

    fn lower_node(&mut self, index: usize) -> Option<Object> {
        self.current = index + 1;
        let node = &self.nodes[index];
        let decl = node.decl;
        let stix_type = node.stix_type;
        let id = node.id.clone();
        let info = types::type_info(stix_type);
        // Custom `x-…` types are not in the table; STIX treats them like SDOs.
        let category = info.map_or(Category::Sdo, |t| t.category);
        let mut obj = self.head(stix_type, &id, category);
        if decl.recovered {
            // The statement did not parse: the node exists for the names that use it.
            return Some(obj);
        }
        let mut seen = Seen::new();

        if let Some(title) = &decl.title {
            match info
                .and_then(|t| t.display)
                .or(if info.is_none() { Some("name") } else { None })
            {
                Some(prop) => {
                    self.check_text(stix_type, prop, &title.value, title.span.clone());
                    obj.insert(prop, title.value.clone());
                    seen.push(prop, title.span.clone());
                }
                None => self.diags.push(
                    Diagnostic::new(
                        codes::E0210,
                        title.span.clone(),
                        format!("a `{}` takes no title", decl.kind.text),
                    )
                    .with_help("put the text in a property such as `description`"),
                ),
            }
        }
        if let Some(word) = &decl.word {
            match stix_type {
                "attack-action" => {
                    obj.insert("technique_id", word.text.as_str());
                    seen.push("technique_id", word.span.clone());
                }
                "attack-operator" => {
                    let op = word.text.to_ascii_uppercase();
                    if op == "AND" || op == "OR" {
                        if op != word.text {
                            self.diags.push(
                                Diagnostic::new(
                                    codes::E0202,
                                    word.span.clone(),
                                    format!("operators are written in capitals: `{op}`"),
                                )
                                .with_safe_fix(
                                    format!("write `{op}`"),
                                    word.span.clone(),
                                    op.clone(),
                                ),
                            );
                        }
                        obj.insert("operator", op);
                    } else {
                        self.diags.push(
                            Diagnostic::new(
                                codes::E0202,
                                word.span.clone(),
                                format!("`{}` is not an operator", word.text),
                            )
                            .with_help("an operator is `AND` or `OR`"),
                        );
                    }
                    seen.push("operator", word.span.clone());
                }
                // An ATT&CK id (`malware m S0154`): filled in from the catalog after the
                // block (`fill_catalog_object`).
                t if af_catalog::ObjectKind::of_stix_type(t).is_some() => {}
                _ => {
                    let mut d = Diagnostic::new(
                        codes::E0210,
                        word.span.clone(),
                        format!("a `{}` takes no `{}` here", decl.kind.text, word.text),
                    )
                    .with_help(
                        "actions take a technique id, operators `AND`/`OR`, and malware, tools, intrusion sets, campaigns and courses of action an ATT&CK id; a title goes in quotes",
                    );
                    if decl.title.is_none() {
                        d = d.with_fix(
                            "make it the title",
                            word.span.clone(),
                            af_syntax::strings::quote(&word.text),
                        );
                    }
                    self.diags.push(d);
                }
            }
        }
        if let Some(body) = &decl.body {
            self.lower_block(stix_type, body, &mut obj, &mut seen);
        }
        self.apply_markings(&mut obj, category);
        Some(obj)
    }

    /// The checks of a node's finished object: required properties and timestamps. Edges,
    /// lowered later, add only flow refs, which no type requires (see the test below).
    fn check_node(&mut self, i: usize) {
        let (t, span) = (self.nodes[i].stix_type, self.nodes[i].name.span.clone());
        // Taken out and put back so the checks can borrow `self` mutably without a copy.
        if self.nodes[i].decl.recovered {
            // Only its kind and name are known; its statement has its syntax error.
            return;
        }
        if let Some(o) = self.objects.get_mut(i).and_then(Option::take) {
            self.check_required(t, &o, span.clone(), &[]);
            self.check_times(t, &o, self.nodes[i].decl.body.as_ref(), span);
            self.objects[i] = Some(o);
        }
    }

    /// Checks the required properties of `stix_type` on a finished object, but those in
    /// `skip` (already reported another way).
    pub(crate) fn check_required(&mut self, stix_type: &str, obj: &Object, span: Span, skip: &[&str]) {
        let Some(info) = types::type_info(stix_type) else {
            return;
        };
        for req in info.required {
            if obj.contains_key(req) || skip.contains(req) {
                continue;
            }
            let hint = match (stix_type, *req) {
                ("attack-action", "name") => "give the action a technique id or a title: `action x T1566 …` or `action x \"What happened\"`".to_string(),
                ("attack-condition", "description") => "give the condition a title: `condition x \"What must hold\"`".to_string(),
                ("attack-operator", "operator") => "write `operator x AND` or `operator x OR`".to_string(),
                ("attack-flow", "start_refs") => "declare at least one action or condition for the flow to start from".to_string(),
                (_, p) if af_stix::refs::by_name(p).is_some_and(|r| r.many) => format!("add `{p}: [a, b]`"),
                (_, p) => format!("add `{p}: …` to its block"),
            };
            self.diags.push(
                Diagnostic::new(
                    codes::E0208,
                    span.clone(),
                    format!("missing required property `{req}`"),
                )
                .with_span_label(format!("{} without `{req}`", kind_phrase(stix_type)))
                .with_help(hint),
            );
        }
    }
}

/// The value of a key in a block, if present (the first one).
pub(crate) fn find<'b>(block: &'b Block, key: &str) -> Option<&'b Value> {
    block
        .entries
        .iter()
        .find(|p| p.key.text == key)
        .and_then(|p| p.value.as_ref())
}

/// "an action", "a condition", "a `malware`", "an `identity`": how messages name a kind.
pub(crate) fn kind_phrase(stix_type: &str) -> String {
    let short = language::kind_word(stix_type);
    if short != stix_type {
        let article = if short.starts_with(['a', 'o']) { "an" } else { "a" };
        return format!("{article} {short}");
    }
    if stix_type == "attack-flow" {
        return "the flow".to_string();
    }
    let article = if stix_type.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} `{stix_type}`")
}

#[cfg(test)]
mod tests {
    use af_diagnostics::codes;
    use af_stix::types;

    /// Names are resolved once, by the model: a name the model resolves to a node that is not
    /// lowered (its explicit id is another node's, `E0103`) is not reported again as
    /// undeclared, in a block or in an edge; undeclared names are, once per use.
    #[test]
    fn names_resolve_through_the_model() {
        let src = "flow \"F\" { scope: incident, created: 2026-01-01T00:00:00Z, description: \"d\" }\n\
            action a T1566 { id: \"attack-action--6f8a8b50-0c4f-5e5f-9b54-1e3f3e0f1d2a\" }\n\
            action b T1078 { id: \"attack-action--6f8a8b50-0c4f-5e5f-9b54-1e3f3e0f1d2a\" }\n\
            asset h \"Host\"\n\
            action c T1078 { asset_refs: [h, b, nope] }\n\
            a -> b\nc -> nope\n";
        let compiled = crate::compile_str(src, &crate::Options::default());
        let codes: Vec<(&str, &str)> = compiled
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| (d.code, &src[d.span.clone()]))
            .collect();
        assert_eq!(
            codes,
            [
                (codes::E0103.id, "b"),
                (codes::E0105.id, "nope"),
                (codes::E0105.id, "nope"),
            ],
            "{:#?}",
            compiled.diagnostics
        );
    }

    /// Nodes are checked for required properties before edges are lowered, which is right only
    /// while no type requires the refs that edges add.
    #[test]
    fn no_type_requires_the_refs_edges_add() {
        for t in types::all_types() {
            let required = t.required.iter().chain(types::common_required(t.category));
            for r in required {
                assert!(
                    !matches!(*r, "effect_refs" | "on_true_refs" | "on_false_refs"),
                    "{} requires {r}",
                    t.name
                );
            }
        }
    }
}
