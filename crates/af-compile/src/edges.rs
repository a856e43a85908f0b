//! Edges, the flow object, start_refs, required properties and connectivity.

use crate::lower::{find, kind_phrase, Lowering};
use crate::model::{EdgeMeaning, Reference, Role};
use crate::values::Seen;
use crate::FastMap;
use crate::Object;
use af_diagnostics::codes;
use af_diagnostics::Diagnostic;
use af_stix::object::SmolStr;
use af_stix::types::{self, Category, PropKind};
use af_stix::{check, flow};
use af_syntax::{Arrow, Block, EdgeStmt, Item, Span};

impl<'a> Lowering<'a> {
    /// Lowers every edge statement: `effect_refs` / `on_*_refs` go into the source objects,
    /// labelled edges become relationship objects (returned in source order). The edges and
    /// what their names resolve to are the model's ([`crate::model::EdgeInfo`]).
    pub(crate) fn lower_edges(&mut self) -> Vec<Object> {
        let mut relationships = Vec::new();
        let mut rel_ids: FastMap<SmolStr, Span> = FastMap::default();
        let model = self.model;
        // The model's edges are in source order, statement by statement.
        let mut next = 0;
        for (index, item) in self.file.items.iter().enumerate() {
            let Item::Edge(edge) = item else { continue };
            let start = next;
            while model
                .edges
                .get(next)
                .is_some_and(|e| model.refs[e.from].role == Role::Edge(index))
            {
                next += 1;
            }
            let edges = &model.edges[start..next];
            let rel_count = edges
                .iter()
                .filter(|e| is_relationship(e.label.as_deref()))
                .count();
            if let Some(body) = &edge.body {
                if rel_count == 0 {
                    self.diags.push(
                        Diagnostic::new(
                            codes::E0109,
                            body.span.clone(),
                            "only relationship edges `-[type]->` take a block",
                        )
                        .with_help("put properties of a node in its declaration"),
                    );
                } else if rel_count > 1 && find(body, "id").is_some() {
                    self.diags.push(
                        Diagnostic::new(
                            codes::E0109,
                            body.span.clone(),
                            format!(
                                "this block applies to {rel_count} relationships, so it cannot give one `id`"
                            ),
                        )
                        .with_help("write one edge statement per relationship"),
                    );
                }
            }
            for e in edges {
                let (src, dst) = (&model.refs[e.from], &model.refs[e.to]);
                let (Some(si), Some(di)) = (self.node_of(src), self.node_of(dst)) else {
                    continue;
                };
                let Some(arrow) = edge.arrows.get(e.arrow) else {
                    continue;
                };
                match e.meaning {
                    EdgeMeaning::Flow(flow_ref) => self.flow_edge(si, flow_ref, di, dst),
                    EdgeMeaning::Invalid => self.invalid_edge(si, arrow),
                    EdgeMeaning::Relationship => {
                        let label = e.label.as_deref().unwrap_or_default();
                        if let Some(rel) =
                            self.relationship(edge, si, label, di, rel_count, &mut rel_ids, arrow)
                        {
                            relationships.push(rel);
                        }
                    }
                }
            }
        }
        relationships
    }

    /// The lowered node an edge's name stands for, as the model resolved it; an undeclared
    /// name is reported.
    fn node_of(&mut self, r: &Reference) -> Option<usize> {
        match r.resolved {
            // A node whose explicit id another node has is not lowered; `E0103` says so.
            Some(m) => self.lowered.get(m).copied().flatten().map(|i| i as usize),
            None => {
                self.undefined(&r.name, r.span.clone(), &[]);
                None
            }
        }
    }

    /// An edge the source cannot have: a branch out of an action or operator, a plain arrow
    /// out of an object outside the flow.
    fn invalid_edge(&mut self, si: usize, arrow: &Arrow) {
        let src_type = self.nodes[si].stix_type;
        match arrow.label.as_ref().map(|l| l.text.as_str()) {
            Some(l) if flow::is_flow_node(src_type) => {
                self.diags.push(
                    Diagnostic::new(
                        codes::E0108,
                        arrow.span.clone(),
                        format!(
                            "`-[{l}]->` branches leave a condition, but `{}` is a `{src_type}`",
                            self.nodes[si].name.text
                        ),
                    )
                    .with_help("use `->` for the effects of an action or operator")
                    .with_safe_fix("use `->`", arrow.span.clone(), "->"),
                );
            }
            _ => {
                let src = &self.nodes[si];
                self.diags.push(
                    Diagnostic::new(codes::E0107, arrow.span.clone(), format!("an edge from {} needs a relationship type", kind_phrase(src_type)))
                        .with_label(src.name.span.clone(), format!("`{}` is {}", src.name.text, kind_phrase(src_type)))
                        .with_help("plain `->` leaves actions, operators and conditions; write e.g. `-[related-to]->` for a STIX relationship")
                        .with_fix("make it a relationship", arrow.span.clone(), "-[related-to]->"),
                );
            }
        }
    }

    /// `->`, `-[true]->` and `-[false]->`: a ref from source to target.
    fn flow_edge(&mut self, si: usize, flow_ref: flow::FlowRef, di: usize, dst: &Reference) {
        let src_type = self.nodes[si].stix_type;
        let key = flow_ref.key();
        let targets = match types::property(src_type, key).map(|p| &p.kind) {
            Some(PropKind::RefList(t)) => *t,
            _ => &[][..],
        };
        let dst_node = &self.nodes[di];
        if !targets.is_empty() && !targets.contains(&dst_node.stix_type) {
            let msg = if dst_node.stix_type == "attack-asset" {
                format!("`{}` is an asset; flow edges cannot point at assets", dst.name)
            } else {
                format!(
                    "`{}` is {}; `{key}` takes {}",
                    dst.name,
                    kind_phrase(dst_node.stix_type),
                    targets.join(", ")
                )
            };
            let help = if dst_node.stix_type == "attack-asset" {
                "list it in the action's `asset_refs: [..]` instead".to_string()
            } else {
                "connect it with a relationship such as `-[related-to]->`".to_string()
            };
            self.diags.push(
                Diagnostic::new(codes::E0106, dst.span.clone(), msg)
                    .with_label(dst_node.name.span.clone(), "declared here")
                    .with_help(help),
            );
            return;
        }
        let id = dst_node.id.clone();
        self.links.push((si + 1, di + 1));
        let repeated = !self.flow_refs.insert((si, flow_ref, di));
        let Some(Some(obj)) = self.objects.get_mut(si) else {
            return;
        };
        if !repeated {
            obj.append_str(key, id);
        } else {
            self.diags.push(
                Diagnostic::new(
                    codes::W0103,
                    dst.span.clone(),
                    format!("this edge to `{}` is given twice", dst.name),
                )
                .with_help("remove the repeated edge"),
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn relationship(
        &mut self,
        edge: &EdgeStmt,
        si: usize,
        label: &str,
        di: usize,
        rel_count: usize,
        rel_ids: &mut FastMap<SmolStr, Span>,
        arrow: &Arrow,
    ) -> Option<Object> {
        let (src_name, dst_name) = (self.nodes[si].name.text.clone(), self.nodes[di].name.text.clone());
        let explicit = if rel_count == 1 {
            self.explicit_id(edge.body.as_ref(), "relationship")
        } else {
            None
        };
        let id = match explicit {
            Some(id) => SmolStr::from(id),
            None => af_stix::id::derive_shared("relationship", &[&self.flow_id, &src_name, label, &dst_name]),
        };
        if let Some(first) = rel_ids.get(&id) {
            self.diags.push(
                Diagnostic::new(
                    codes::W0103,
                    arrow.span.clone(),
                    "this relationship is given twice",
                )
                .with_label(first.clone(), "first given here")
                .with_help("remove the repeated edge"),
            );
            return None;
        }
        rel_ids.insert(id.clone(), arrow.span.clone());
        self.check_relationship_type(label, arrow);
        self.builder_branch(edge, si, label, di, arrow);
        let (src_id, dst_id) = (self.nodes[si].id.clone(), self.nodes[di].id.clone());
        let mut obj = self.head("relationship", &id, Category::Sro);
        obj.insert("relationship_type", label);
        obj.insert("source_ref", src_id);
        obj.insert("target_ref", dst_id);
        self.links.push((si + 1, di + 1));
        self.current = si + 1;
        if let Some(body) = &edge.body {
            let mut seen = Seen::new();
            for key in ["relationship_type", "source_ref", "target_ref"] {
                seen.push(key, arrow.span.clone());
            }
            self.lower_block("relationship", body, &mut obj, &mut seen);
        }
        self.apply_markings(&mut obj, Category::Sro);
        Some(obj)
    }

    /// `-[Uses]->`, `-[related_to]->`: the label is written out as `relationship_type`, which
    /// STIX wants in lower-case letters, digits and hyphens (the shared value checker decides).
    fn check_relationship_type(&mut self, label: &str, arrow: &Arrow) {
        let Some(ident) = &arrow.label else { return };
        let mut problem = None;
        check::check_property("relationship", "relationship_type", label, &mut |f| {
            problem = Some(f.problem)
        });
        let Some(problem) = problem else { return };
        let fixed: String = label
            .chars()
            .map(|c| {
                if c == '_' || c == ' ' {
                    '-'
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect();
        let mut d = Diagnostic::new(
            codes::E0211,
            ident.span.clone(),
            format!(
                "the relationship type `{label}` is not valid: {}",
                problem.message("it")
            ),
        );
        if check::check_property_ok("relationship", "relationship_type", fixed.as_str()) {
            d = d.with_safe_fix(format!("write `{fixed}`"), ident.span.clone(), fixed);
        }
        self.diags.push(d);
    }

    /// The Attack Flow Builder exports condition branches as `related-to` relationships; flows
    /// that follow them lose their meaning (`on_true_refs`/`on_false_refs`).
    fn builder_branch(&mut self, edge: &EdgeStmt, si: usize, label: &str, di: usize, arrow: &Arrow) {
        let (src, dst) = (&self.nodes[si], &self.nodes[di]);
        if !flow::is_builder_branch(label, src.stix_type, dst.stix_type) {
            return;
        }
        let mut d = Diagnostic::new(
            codes::W0104,
            arrow.span.clone(),
            format!(
                "`{} -[related-to]-> {}` looks like an Attack Flow Builder branch",
                src.name.text, dst.name.text
            ),
        )
        .with_help(format!(
            "write `{0} -> {1}` for the true branch or `{0} -[false]-> {1}` for the false one; `afc import --repair` converts a whole file",
            src.name.text, dst.name.text
        ));
        let single = edge.arrows.len() == 1 && edge.groups.iter().all(|g| g.len() == 1);
        if single {
            d = d.with_fix(
                "make it the true branch",
                edge.span.clone(),
                format!("{} -> {}", src.name.text, dst.name.text),
            );
        }
        self.diags.push(d);
    }

    /// Builds the `attack-flow` object (after the nodes, so default start_refs can be computed).
    pub(crate) fn lower_flow_object(&mut self) -> Option<Object> {
        let flow = self.flow?;
        self.current = 0;
        let flow_id = self.flow_id.clone();
        let mut obj = self.head(
            "attack-flow",
            &SmolStr::from(flow_id.as_str()),
            Category::AttackFlow,
        );
        let mut seen = Seen::new();
        if let Some(t) = &flow.title {
            obj.insert("name", t.value.clone());
            seen.push("name", t.span.clone());
        }
        if let Some(body) = &flow.body {
            let mut rest = body.clone();
            rest.entries
                .retain(|p| af_stix::language::sugar("attack-flow", &p.key.text).is_none());
            let empty_starts = find(body, "start_refs")
                .filter(|v| matches!(&v.kind, af_syntax::ValueKind::List(l) if l.is_empty()));
            if let Some(v) = empty_starts {
                self.diags.push(
                    Diagnostic::new(codes::E0110, v.span.clone(), "`start_refs` is empty").with_help(
                        "remove it to start from the actions and conditions nothing points at, or name the first steps",
                    ),
                );
                rest.entries.retain(|p| p.key.text != "start_refs");
            }
            self.lower_block("attack-flow", &rest, &mut obj, &mut seen);
        }
        let mut no_start = false;
        if !obj.contains_key("start_refs") {
            let mut starts = self.default_starts();
            if starts.is_empty() {
                // Every action and condition is on a cycle (a retry loop back to the first
                // step): the flow starts where the file does.
                if let Some(first) = self.nodes.iter().find(|n| flow::can_start(n.stix_type)) {
                    self.diags.push(
                        Diagnostic::new(
                            codes::N0111,
                            first.name.span.clone(),
                            format!(
                                "the flow starts at `{}`, the first step declared: every action and condition is the target of an edge",
                                first.name.text
                            ),
                        )
                        .with_help("list the first steps in `start_refs: [..]` to choose others"),
                    );
                    starts.push(first.id.clone());
                } else if !self.nodes.is_empty() {
                    no_start = true;
                    self.diags.push(
                        Diagnostic::new(codes::E0111, flow.keyword.clone(), "no action or condition can start this flow")
                            .with_help("a flow starts from an action or a condition; declare the first step, e.g. `action first T1566`"),
                    );
                }
            }
            if !starts.is_empty() {
                for id in &starts {
                    if let Some(&i) = self.by_id.get(id.as_str()) {
                        self.links.push((0, i + 1));
                    }
                }
                obj.insert("start_refs", starts);
            }
        }
        if !obj.contains_key("description") {
            self.diags.push(
                Diagnostic::new(codes::W0202, flow.keyword.clone(), "the flow has no description")
                    .with_help("add `description: \"…\"` to the header: readers of the bundle see it first"),
            );
        }
        if let Some(a) = &self.author_id {
            obj.insert("created_by_ref", a.clone());
        }
        self.apply_markings(&mut obj, Category::AttackFlow);
        let span = flow
            .title
            .as_ref()
            .map_or(flow.keyword.clone(), |t| t.span.clone());
        // A flow without any step to start from is one problem (E0111), not also a missing
        // `start_refs`.
        let skip: &[&str] = if no_start { &["start_refs"] } else { &[] };
        self.check_required("attack-flow", &obj, span, skip);
        self.check_times("attack-flow", &obj, flow.body.as_ref(), flow.keyword.clone());
        Some(obj)
    }

    /// Timestamps in an order STIX forbids (`modified` before `created`, `execution_end`
    /// before `execution_start`, …; the shared rule of af-stix). The finding points at the
    /// later property where the block writes it, else at `span`.
    pub(crate) fn check_times(&mut self, stix_type: &str, obj: &Object, body: Option<&Block>, span: Span) {
        for wrong in check::time_order(stix_type, |k| obj.get_str(k)) {
            let at = body
                .and_then(|b| find(b, wrong.later))
                .map_or_else(|| span.clone(), |v| v.span.clone());
            let (earlier, later) = (
                obj.get_str(wrong.earlier).unwrap_or_default(),
                obj.get_str(wrong.later).unwrap_or_default(),
            );
            let mut d =
                Diagnostic::new(codes::E0302, at, wrong.message(earlier, later)).with_help(wrong.help());
            if let Some(v) = body.and_then(|b| find(b, wrong.earlier)) {
                d = d.with_label(v.span.clone(), format!("`{}` is given here", wrong.earlier));
            }
            self.diags.push(d);
        }
    }

    /// Actions and conditions that no flow edge points at, in source order.
    fn default_starts(&self) -> Vec<SmolStr> {
        let mut targeted = vec![false; self.nodes.len()];
        for &(_, _, target) in &self.flow_refs {
            targeted[target] = true;
        }
        self.nodes
            .iter()
            .zip(targeted)
            .filter(|(n, targeted)| !*targeted && flow::can_start(n.stix_type))
            .map(|(n, _)| n.id.clone())
            .collect()
    }

    /// Warns about nodes that nothing connects to the flow: the links recorded while refs,
    /// edges and relationships were lowered are taken in either direction.
    pub(crate) fn check_connected(&mut self) {
        if self.flow.is_none() {
            return;
        }
        // An error that can drop a link (a statement that did not parse, an undefined or
        // wrong name) makes a node look unconnected that the source connects: such nodes are
        // taken as connected, so the warning does not repeat the error. A broken statement,
        // a lost link in the header (`start_refs`) or a flow without a start can touch any
        // node: then nothing is reported.
        let lost: Vec<Span> = self
            .diags
            .iter()
            .filter(|d| d.is_error() && LOSES_LINKS.iter().any(|c| d.is(*c)))
            .map(|d| d.span.clone())
            .collect();
        let inside = |outer: &Span| lost.iter().any(|s| outer.start <= s.start && s.end <= outer.end);
        let header_lost = self.flow.is_some_and(|f| inside(&f.span));
        if !self.file.broken.is_empty() || header_lost || self.diags.iter().any(|d| d.is(codes::E0111)) {
            return;
        }
        let mut maybe: Vec<usize> = Vec::new();
        let model = self.model;
        let lowered = |m: Option<usize>| {
            m.and_then(|m| self.lowered.get(m).copied().flatten())
                .map(|i| i as usize)
        };
        // The name a misspelt reference probably meant (its did-you-mean).
        for d in self.diags.iter().filter(|d| d.is(codes::E0105)) {
            for edit in d.fixes.iter().flat_map(|f| &f.edits) {
                maybe.extend(lowered(model.resolve(&edit.replacement)));
            }
        }
        // The nodes the lost links touch: declared, linked or named where an error is.
        let items = if lost.is_empty() {
            &[][..]
        } else {
            &self.file.items[..]
        };
        for item in items {
            let body = match item {
                Item::Node(n) => {
                    if inside(&n.span) {
                        maybe.extend(lowered(n.name.as_ref().and_then(|x| model.resolve(&x.text))));
                    }
                    n.body.as_ref()
                }
                Item::Edge(e) => {
                    if inside(&e.span) {
                        for r in model.refs_within(&e.span) {
                            if matches!(r.role, Role::Edge(_)) {
                                maybe.extend(lowered(r.resolved));
                            }
                        }
                    }
                    e.body.as_ref()
                }
                Item::Flow(_) => None,
            };
            // The names in a value that was refused (`asset_refs: host` or `"host"`, where a
            // list belongs): the source links them, and the error says why the link is not made.
            for p in body.iter().flat_map(|b| &b.entries) {
                if let Some(v) = p.value.as_ref().filter(|v| inside(&v.span)) {
                    names_in(v, &mut |name| maybe.extend(lowered(model.resolve(name))));
                }
            }
        }
        // Union-find over 0 (the flow) and i + 1 (node i).
        let mut parent: Vec<usize> = (0..=self.nodes.len()).collect();
        fn root(parent: &mut [usize], mut i: usize) -> usize {
            while parent[i] != i {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            i
        }
        let union = |parent: &mut Vec<usize>, a: usize, b: usize| {
            let (ra, rb) = (root(parent, a), root(parent, b));
            parent[ra] = rb;
        };
        for &(a, b) in &self.links {
            union(&mut parent, a, b);
        }
        for &i in &maybe {
            union(&mut parent, i + 1, 0);
        }
        // threat-actor and campaign objects describe who is behind the flow: they and what they
        // connect to count as connected.
        for (i, n) in self.nodes.iter().enumerate() {
            if flow::stands_beside(n.stix_type) {
                union(&mut parent, i + 1, 0);
            }
        }
        let flow_root = root(&mut parent, 0);
        // A step nothing leads to, outside `start_refs` written in the header, starts a part of
        // the flow that the flow does not reach: it is the one finding for that part (the
        // steps after it are unconnected only because of it).
        let mut targeted = vec![false; self.nodes.len()];
        for &(_, _, target) in &self.flow_refs {
            targeted[target] = true;
        }
        let mut has_root = vec![false; self.nodes.len() + 1];
        let mut roots = Vec::new();
        for (i, n) in self.nodes.iter().enumerate() {
            let r = root(&mut parent, i + 1);
            if r != flow_root && !targeted[i] && flow::can_start(n.stix_type) {
                has_root[r] = true;
                roots.push(i);
            }
        }
        let start_list = self
            .flow
            .and_then(|f| f.body.as_ref())
            .and_then(|b| find(b, "start_refs"))
            .and_then(|v| match &v.kind {
                af_syntax::ValueKind::List(l) => l.last().map(|last| last.span.end),
                _ => None,
            });
        for i in roots {
            let n = &self.nodes[i];
            if n.decl.recovered {
                continue;
            }
            let mut d = Diagnostic::new(
                codes::W0102,
                n.name.span.clone(),
                format!(
                    "`{}` is not connected to the flow: nothing leads to it and it is not in `start_refs`",
                    n.name.text
                ),
            )
            .with_help(
                "add it to the header's `start_refs` if the flow also starts here, or link it from the step before it",
            );
            if let Some(at) = start_list {
                // After the last name of the list.
                d = d.with_fix("add it to `start_refs`", at..at, format!(", {}", n.name.text));
            }
            d.fixes.extend(self.removal(i));
            self.diags.push(d);
        }
        for i in 0..self.nodes.len() {
            let r = root(&mut parent, i + 1);
            if r == flow_root || has_root[r] {
                continue;
            }
            let n = &self.nodes[i];
            if n.decl.recovered {
                continue;
            }
            let mut d = Diagnostic::new(
                codes::W0102,
                n.name.span.clone(),
                format!("`{}` is not connected to the flow", n.name.text),
            )
            .with_help("connect it with an edge or a ref (e.g. `asset_refs`, `object_ref`), or remove it");
            d.fixes.extend(self.removal(i));
            self.diags.push(d);
        }
    }

    /// The fix removing node `i`, when nothing refers to it and it refers to nothing (removing
    /// a node with links would leave references to a name no longer declared).
    fn removal(&self, i: usize) -> Option<af_diagnostics::Fix> {
        let linked = self.links.iter().any(|&(a, b)| a == i + 1 || b == i + 1);
        let n = &self.nodes[i];
        (!linked).then(|| crate::node_fixes::remove(self.file, &n.name.text, &n.decl.span))
    }
}

/// Calls `each` with every word and quoted string in `v`, nested ones included: the names a
/// value may hold.
fn names_in(v: &af_syntax::Value, each: &mut dyn FnMut(&str)) {
    match &v.kind {
        af_syntax::ValueKind::Word(w) => each(w),
        af_syntax::ValueKind::Str(s) => each(&s.value),
        af_syntax::ValueKind::List(items) => items.iter().for_each(|i| names_in(i, each)),
        af_syntax::ValueKind::Titled(inner, _) => names_in(inner, each),
        _ => {}
    }
}

/// Errors after which a node can be connected in the source but not in what was lowered.
const LOSES_LINKS: &[codes::Code] = &[
    codes::E0105,
    codes::E0106,
    codes::E0107,
    codes::E0108,
    codes::E0201,
    codes::E0203,
];

/// Whether an arrow label makes a relationship (not a flow edge or a branch).
fn is_relationship(label: Option<&str>) -> bool {
    label.is_some_and(|l| l != "true" && l != "false")
}
