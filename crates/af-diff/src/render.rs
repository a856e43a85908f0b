//! A [`Diff`] as text: for people on a terminal ([`human`], coloured or not), for machines
//! ([`json`]), as a pull-request comment ([`markdown`]) and as a Mermaid picture of both
//! sides with additions, removals and changes marked ([`mermaid`]).

use crate::{shorten, Diff, Edge, EdgeKind, NodeRef, Object, PropChange, Side};
use af_catalog::Catalog;
use serde_json::{json, Value};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

/// Text from a flow or a file name as [`human`] prints it: control characters, ANSI escapes
/// and bidi overrides escaped by the one terminal escaper ([`af_diagnostics::escape_control`]),
/// so a flow cannot drive the terminal, with colour or without.
fn tty(text: &str) -> Cow<'_, str> {
    af_diagnostics::escape_control(text, false)
}

/// The names of the two sides, as the report shows them (file names, `REV:path`).
#[derive(Debug, Clone, Copy)]
pub struct Names<'a> {
    /// The old side.
    pub old: &'a str,
    /// The new side.
    pub new: &'a str,
}

/// A value for people: strings quoted, other values as compact JSON, both shortened.
fn value_text(v: Option<&Value>, max: usize) -> String {
    match v {
        None => "(none)".to_string(),
        Some(Value::String(s)) => {
            let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
            format!("\"{}\"", shorten(&one_line, max))
        }
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => {
            let list: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            shorten(&format!("[{}]", list.join(", ")), max)
        }
        Some(other) => shorten(&other.to_string(), max),
    }
}

/// A technique or tactic id with its catalog name: `T1566.001 (Phishing: Spearphishing
/// Attachment)`.
fn catalog_text(v: Option<&Value>, catalog: &Catalog, technique: bool) -> String {
    let Some(id) = v.and_then(Value::as_str) else {
        return value_text(v, 80);
    };
    let name = if technique {
        catalog.technique(id).map(|t| t.full_name())
    } else {
        catalog.tactic(id).map(|t| t.name.to_string())
    };
    match name {
        Some(n) => format!("{id} ({n})"),
        None => id.to_string(),
    }
}

fn kind(t: &str) -> &str {
    af_stix::language::kind_word(t)
}

fn node_line(n: &NodeRef) -> String {
    match &n.title {
        Some(t) if !n.label.contains(t.as_str()) => {
            format!("{} {}  \"{}\"", kind(&n.stix_type), n.label, shorten(t, 70))
        }
        _ => format!("{} {}", kind(&n.stix_type), n.label),
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// One line summing a diff up: `2 nodes added, 1 removed, 1 changed; 3 edges added`.
pub fn summary(d: &Diff) -> String {
    if d.is_empty() {
        return "no differences".to_string();
    }
    let c = d.counts();
    let mut nodes = Vec::new();
    if c.added > 0 {
        nodes.push(format!("{} added", plural(c.added, "node")));
    }
    if c.removed > 0 {
        nodes.push(format!("{} removed", plural(c.removed, "node")));
    }
    if c.renamed > 0 {
        nodes.push(format!("{} renamed", plural(c.renamed, "node")));
    }
    if c.changed > 0 {
        nodes.push(format!("{} changed", plural(c.changed, "node")));
    }
    let mut edges = Vec::new();
    if c.edges_added > 0 {
        edges.push(format!("{} added", plural(c.edges_added, "edge")));
    }
    if c.edges_removed > 0 {
        edges.push(format!("{} removed", plural(c.edges_removed, "edge")));
    }
    if c.edges_changed > 0 {
        edges.push(format!("{} changed", plural(c.edges_changed, "relationship")));
    }
    [nodes.join(", "), edges.join(", ")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn green(&self, t: &str) -> String {
        self.wrap("32", t)
    }
    fn red(&self, t: &str) -> String {
        self.wrap("31", t)
    }
    fn yellow(&self, t: &str) -> String {
        self.wrap("33", t)
    }
    fn cyan(&self, t: &str) -> String {
        self.wrap("36", t)
    }
    fn bold(&self, t: &str) -> String {
        self.wrap("1", t)
    }
    fn dim(&self, t: &str) -> String {
        self.wrap("2", t)
    }
}

fn prop_lines(out: &mut String, p: &Paint, props: &[PropChange], indent: &str) {
    for c in props {
        let value = |v: Option<&Value>| tty(&value_text(v, 100)).into_owned();
        let key = tty(&c.key);
        let line = match (&c.old, &c.new) {
            (None, new) => p.green(&format!("+ {key}: {}", value(new.as_ref()))),
            (old, None) => p.red(&format!("- {key}: {}", value(old.as_ref()))),
            (old, new) => format!(
                "{key}: {} {} {}",
                p.red(&value(old.as_ref())),
                p.dim("→"),
                p.green(&value(new.as_ref()))
            ),
        };
        let _ = writeln!(out, "{indent}{line}");
    }
}

/// The diff for people: `+` added, `-` removed, `~` changed, `»` renamed, edges as the flow
/// language writes them, and a summary line. `color` adds ANSI colours. Every text from the
/// flows (names, titles, keys, values, ids) and the side names are escaped for the terminal
/// ([`af_diagnostics::escape_control`]): the only escape sequences in the result are the
/// colours.
pub fn human(d: &Diff, names: Names<'_>, catalog: &Catalog, color: bool) -> String {
    let p = Paint { on: color };
    let mut out = String::new();
    let _ = writeln!(out, "{}", p.bold(&format!("--- {}", tty(names.old))));
    let _ = writeln!(out, "{}", p.bold(&format!("+++ {}", tty(names.new))));
    if d.is_empty() {
        let _ = writeln!(out, "no differences");
        return out;
    }
    if !d.flow.is_empty() {
        let name = d
            .flow_name
            .1
            .as_deref()
            .or(d.flow_name.0.as_deref())
            .unwrap_or("");
        let _ = writeln!(out, "{} flow \"{}\"", p.yellow("~"), tty(&shorten(name, 70)));
        prop_lines(&mut out, &p, &d.flow, "    ");
    }
    for n in &d.added {
        let _ = writeln!(out, "{}", p.green(&format!("+ {}", tty(&node_line(n)))));
    }
    for n in &d.removed {
        let _ = writeln!(out, "{}", p.red(&format!("- {}", tty(&node_line(n)))));
    }
    for c in &d.changed {
        if c.renamed {
            let _ = writeln!(
                out,
                "{} {} {} {} {}",
                p.cyan("»"),
                kind(&c.new.stix_type),
                tty(&c.old.label),
                p.dim("→"),
                p.cyan(&tty(&c.new.label))
            );
            if !c.content_changed() {
                continue;
            }
        } else {
            let _ = writeln!(out, "{} {}", p.yellow("~"), tty(&node_line(&c.new)));
        }
        for (key, change, technique) in [("technique", &c.technique, true), ("tactic", &c.tactic, false)] {
            if let Some(t) = change {
                let _ = writeln!(
                    out,
                    "    {key}: {} {} {}",
                    p.red(&tty(&catalog_text(t.old.as_ref(), catalog, technique))),
                    p.dim("→"),
                    p.green(&tty(&catalog_text(t.new.as_ref(), catalog, technique)))
                );
            }
        }
        prop_lines(&mut out, &p, &c.properties, "    ");
    }
    for e in &d.edges_added {
        let _ = writeln!(out, "{}", p.green(&format!("+ {}", tty(&e.to_source()))));
    }
    for e in &d.edges_removed {
        let _ = writeln!(out, "{}", p.red(&format!("- {}", tty(&e.to_source()))));
    }
    for e in &d.edges_changed {
        let _ = writeln!(out, "{} {}", p.yellow("~"), tty(&e.edge.to_source()));
        prop_lines(&mut out, &p, &e.properties, "    ");
    }
    let _ = writeln!(out, "{}", p.bold(&summary(d)));
    out
}

fn node_json(n: &NodeRef) -> Value {
    json!({"name": n.label, "type": n.stix_type, "id": n.id, "title": n.title})
}

fn prop_json(c: &PropChange) -> Value {
    json!({"property": c.key, "old": c.old, "new": c.new})
}

fn edge_json(e: &Edge) -> Value {
    let kind = match &e.kind {
        EdgeKind::Flow(r) => r.key().to_string(),
        EdgeKind::Relationship(t) => format!("relationship:{t}"),
    };
    json!({"from": e.from, "kind": kind, "to": e.to, "source": e.to_source()})
}

/// The diff as one JSON document (pretty-printed, with a trailing newline); its fields are
/// described in `docs/cli.md`.
pub fn json(d: &Diff, names: Names<'_>) -> String {
    let c = d.counts();
    let changed: Vec<Value> = d
        .changed
        .iter()
        .map(|n| {
            json!({
                "name": n.new.label,
                "type": n.new.stix_type,
                "id": n.new.id,
                "renamed_from": if n.renamed { Some(&n.old.label) } else { None },
                "technique": n.technique.as_ref().map(|t| json!({"old": t.old, "new": t.new})),
                "tactic": n.tactic.as_ref().map(|t| json!({"old": t.old, "new": t.new})),
                "properties": n.properties.iter().map(prop_json).collect::<Vec<_>>(),
            })
        })
        .collect();
    let doc = json!({
        "same": d.is_empty(),
        "old": {"input": names.old, "flow": d.flow_name.0},
        "new": {"input": names.new, "flow": d.flow_name.1},
        "summary": {
            "nodes_added": c.added,
            "nodes_removed": c.removed,
            "nodes_renamed": c.renamed,
            "nodes_changed": c.changed,
            "edges_added": c.edges_added,
            "edges_removed": c.edges_removed,
            "relationships_changed": c.edges_changed,
        },
        "flow": d.flow.iter().map(prop_json).collect::<Vec<_>>(),
        "nodes": {
            "added": d.added.iter().map(node_json).collect::<Vec<_>>(),
            "removed": d.removed.iter().map(node_json).collect::<Vec<_>>(),
            "renamed": d.renamed().map(|n| json!({"old": n.old.label, "new": n.new.label, "type": n.new.stix_type})).collect::<Vec<_>>(),
            "changed": changed,
        },
        "edges": {
            "added": d.edges_added.iter().map(edge_json).collect::<Vec<_>>(),
            "removed": d.edges_removed.iter().map(edge_json).collect::<Vec<_>>(),
            "changed": d.edges_changed.iter().map(|e| {
                let mut v = edge_json(&e.edge);
                v["properties"] = Value::Array(e.properties.iter().map(prop_json).collect());
                v
            }).collect::<Vec<_>>(),
        },
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// Text for a Markdown table cell: one line, `|` and HTML escaped.
fn cell(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    one_line
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace('`', "'")
}

fn md_change(c: &PropChange, max: usize) -> String {
    format!(
        "`{}`: {} → {}",
        c.key,
        cell(&value_text(c.old.as_ref(), max)),
        cell(&value_text(c.new.as_ref(), max))
    )
}

/// The diff as a Markdown pull-request comment: a summary, a table of node changes, the edge
/// changes as a `diff` block, and (when `picture` is given) a Mermaid picture in a
/// collapsed section.
pub fn markdown(d: &Diff, names: Names<'_>, catalog: &Catalog, picture: Option<&str>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### Attack flow changes: `{}`\n", cell(names.new));
    if d.is_empty() {
        let _ = writeln!(out, "No differences from `{}`.", cell(names.old));
        return out;
    }
    let _ = writeln!(out, "Compared with `{}`: **{}**.\n", cell(names.old), summary(d));
    let mut rows = Vec::new();
    if !d.flow.is_empty() {
        let details: Vec<String> = d.flow.iter().map(|c| md_change(c, 60)).collect();
        rows.push(format!(
            "| ✏️ changed | the flow | flow | {} |",
            details.join("<br>")
        ));
    }
    let titled = |n: &NodeRef| {
        n.title
            .as_deref()
            .map(|t| cell(&shorten(t, 60)))
            .unwrap_or_default()
    };
    for n in &d.added {
        rows.push(format!(
            "| ➕ added | `{}` | {} | {} |",
            cell(&n.label),
            kind(&n.stix_type),
            titled(n)
        ));
    }
    for n in &d.removed {
        rows.push(format!(
            "| ➖ removed | `{}` | {} | {} |",
            cell(&n.label),
            kind(&n.stix_type),
            titled(n)
        ));
    }
    for c in &d.changed {
        let mut details = Vec::new();
        for (key, change, technique) in [("technique", &c.technique, true), ("tactic", &c.tactic, false)] {
            if let Some(t) = change {
                details.push(format!(
                    "{key}: {} → {}",
                    cell(&catalog_text(t.old.as_ref(), catalog, technique)),
                    cell(&catalog_text(t.new.as_ref(), catalog, technique))
                ));
            }
        }
        details.extend(c.properties.iter().map(|p| md_change(p, 60)));
        let (mark, name) = if c.renamed {
            (
                "🔀 renamed",
                format!("`{}` → `{}`", cell(&c.old.label), cell(&c.new.label)),
            )
        } else {
            ("✏️ changed", format!("`{}`", cell(&c.new.label)))
        };
        rows.push(format!(
            "| {mark} | {name} | {} | {} |",
            kind(&c.new.stix_type),
            details.join("<br>")
        ));
    }
    if !rows.is_empty() {
        let _ = writeln!(out, "| | node | kind | details |\n|---|---|---|---|");
        for r in rows {
            let _ = writeln!(out, "{r}");
        }
        out.push('\n');
    }
    if !d.edges_added.is_empty() || !d.edges_removed.is_empty() || !d.edges_changed.is_empty() {
        let _ = writeln!(out, "Edges:\n\n```diff");
        for e in &d.edges_added {
            let _ = writeln!(out, "+ {}", e.to_source());
        }
        for e in &d.edges_removed {
            let _ = writeln!(out, "- {}", e.to_source());
        }
        for e in &d.edges_changed {
            let changes: Vec<String> = e
                .properties
                .iter()
                .map(|c| {
                    format!(
                        "{}: {} -> {}",
                        c.key,
                        value_text(c.old.as_ref(), 50),
                        value_text(c.new.as_ref(), 50)
                    )
                })
                .collect();
            let _ = writeln!(out, "! {}  ({})", e.edge.to_source(), changes.join("; "));
        }
        let _ = writeln!(out, "```\n");
    }
    if let Some(pic) = picture {
        let _ = writeln!(
            out,
            "<details><summary>Picture (green: added, red: removed, amber: changed)</summary>\n\n```mermaid\n{}```\n\n</details>",
            pic
        );
    }
    out
}

/// Ids of the references an object holds under `key`.
fn ref_ids(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Both sides in the new side's ids, merged: every new object, the removed ones, the removed
/// references and relationships added back; plus the old side alone in new ids.
fn union(d: &Diff, old: Side<'_>, new: Side<'_>) -> (Vec<Object>, Vec<Object>) {
    let map = |id: &str| d.matched.get(id).cloned().unwrap_or_else(|| id.to_string());
    let translate = |o: &Object| -> Object {
        let t = o.get("type").and_then(Value::as_str).unwrap_or("");
        o.iter()
            .map(|(k, v)| {
                let v = if k == "id" || af_stix::refs::reference(t, k).is_some() {
                    match v {
                        Value::String(s) => Value::String(map(s)),
                        Value::Array(items) => Value::Array(
                            items
                                .iter()
                                .map(|x| x.as_str().map_or_else(|| x.clone(), |s| Value::String(map(s))))
                                .collect(),
                        ),
                        other => other.clone(),
                    }
                } else {
                    v.clone()
                };
                (k.clone(), v)
            })
            .collect()
    };
    let old_t: Vec<Object> = old.objects.iter().map(translate).collect();
    let id_of = |o: &Object| o.get("id").and_then(Value::as_str).unwrap_or("").to_string();
    let old_by_id: HashMap<String, &Object> = old_t.iter().map(|o| (id_of(o), o)).collect();
    let rel_key = |o: &Object| {
        ["source_ref", "relationship_type", "target_ref"]
            .map(|k| o.get(k).and_then(Value::as_str).unwrap_or("").to_string())
    };
    let new_rels: HashSet<[String; 3]> = new
        .objects
        .iter()
        .filter(|o| o.get("type").and_then(Value::as_str) == Some("relationship"))
        .map(rel_key)
        .collect();
    let mut out: Vec<Object> = Vec::new();
    let mut present = HashSet::new();
    for o in new.objects {
        let mut o = o.clone();
        let id = id_of(&o);
        let t = o.get("type").and_then(Value::as_str).unwrap_or("").to_string();
        if let Some(old_o) = old_by_id.get(&id).filter(|_| t != "relationship") {
            for (k, v) in old_o.iter() {
                let Some(rule) = af_stix::refs::reference(&t, k) else {
                    continue;
                };
                if !rule.many {
                    continue;
                }
                let mut list: Vec<String> = o
                    .get(k)
                    .map(ref_ids)
                    .unwrap_or_default()
                    .into_iter()
                    .map(str::to_string)
                    .collect();
                for r in ref_ids(v) {
                    if !list.iter().any(|x| x == r) {
                        list.push(r.to_string());
                    }
                }
                o.insert(
                    k.clone(),
                    Value::Array(list.into_iter().map(Value::String).collect()),
                );
            }
        }
        present.insert(id);
        out.push(o);
    }
    for o in &old_t {
        let is_rel = o.get("type").and_then(Value::as_str) == Some("relationship");
        if is_rel {
            if !new_rels.contains(&rel_key(o)) {
                out.push(o.clone());
            }
        } else if !present.contains(&id_of(o)) {
            out.push(o.clone());
        }
    }
    (out, old_t)
}

/// Marks for the picture.
const ADDED: &str = "fill:#dafbe1,stroke:#1a7f37,stroke-width:3px,color:#1f2328";
const REMOVED: &str = "fill:#ffebe9,stroke:#cf222e,stroke-width:3px,stroke-dasharray:6 3,color:#1f2328";
const CHANGED: &str = "fill:#fff8c5,stroke:#bf8700,stroke-width:3px,color:#1f2328";
const EDGE_ADDED: &str = "stroke:#1a7f37,stroke-width:3px";
const EDGE_REMOVED: &str = "stroke:#cf222e,stroke-width:2px,stroke-dasharray:6 3";

/// A Mermaid flowchart of both sides together: added nodes and edges green, removed ones red
/// and dashed, changed nodes amber; the marks are also written into the labels (`[added]`…)
/// for readers who do not see the colours.
pub fn mermaid(d: &Diff, old: Side<'_>, new: Side<'_>, catalog: &Catalog) -> String {
    use af_render::{Graph, MermaidOptions};
    let (both, old_t) = union(d, old, new);
    let graph_of = |objects: &[Object]| Graph::from_objects(objects, catalog).unwrap_or_default();
    let mut g = graph_of(&both);
    let g_old = graph_of(&old_t);
    let g_new = graph_of(new.objects);
    let (old_edges, new_edges) = (edge_set(&g_old), edge_set(&g_new));
    let added: HashSet<&str> = d.added.iter().map(|n| n.id.as_str()).collect();
    let removed: HashSet<String> = d.removed.iter().map(|n| n.id.clone()).collect();
    let changed: HashSet<&str> = d
        .changed
        .iter()
        .filter(|c| c.content_changed() || c.renamed)
        .map(|c| c.new.id.as_str())
        .collect();
    let mut styles = Vec::new();
    for (i, n) in g.nodes.iter_mut().enumerate() {
        let mark = if added.contains(n.id.as_str()) {
            Some(("added", ADDED))
        } else if removed.contains(&n.id) {
            Some(("removed", REMOVED))
        } else if changed.contains(n.id.as_str()) {
            Some(("changed", CHANGED))
        } else {
            None
        };
        if let Some((word, style)) = mark {
            n.title = format!("[{word}] {}", n.shown_title());
            styles.push(format!("  style n{i} {style}"));
        }
    }
    let mut text = af_render::mermaid_of(
        &g,
        &MermaidOptions {
            catalog: None,
            ..MermaidOptions::default()
        },
    );
    for s in styles {
        let _ = writeln!(text, "{s}");
    }
    for (k, e) in g.edges.iter().enumerate() {
        let key = (
            g.nodes[e.from].id.clone(),
            g.nodes[e.to].id.clone(),
            e.kind.clone(),
        );
        match (old_edges.contains(&key), new_edges.contains(&key)) {
            (false, true) => {
                let _ = writeln!(text, "  linkStyle {k} {EDGE_ADDED}");
            }
            (true, false) => {
                let _ = writeln!(text, "  linkStyle {k} {EDGE_REMOVED}");
            }
            _ => {}
        }
    }
    text
}

/// The edges of a drawn graph by the STIX ids of their ends and their kind.
fn edge_set(g: &af_render::Graph) -> HashSet<(String, String, af_render::EdgeKind)> {
    g.edges
        .iter()
        .map(|e| {
            (
                g.nodes[e.from].id.clone(),
                g.nodes[e.to].id.clone(),
                e.kind.clone(),
            )
        })
        .collect()
}

/// The flow picture of both sides in one SVG (laid out by `af-render`), with the changes as
/// an overlay: nodes and edges added (`mark-detected`, legend "added"), removed (drawn from
/// the old side, `mark-undetected`, "removed") and nodes changed or renamed (`mark-partial`,
/// "changed"); a legend heading counts them.
pub fn svg(
    d: &Diff,
    old: Side<'_>,
    new: Side<'_>,
    catalog: &Catalog,
) -> Result<String, af_render::RenderError> {
    use af_render::{Graph, Mark, Overlay, SvgOptions};
    let (both, old_t) = union(d, old, new);
    let graph_of = |objects: &[Object]| Graph::from_objects(objects, catalog).unwrap_or_default();
    let g = graph_of(&both);
    let (old_edges, new_edges) = (edge_set(&graph_of(&old_t)), edge_set(&graph_of(new.objects)));
    let mut overlay = Overlay::new();
    for n in &d.added {
        overlay.mark_node(n.id.clone(), Mark::Detected);
    }
    for n in &d.removed {
        overlay.mark_node(n.id.clone(), Mark::Undetected);
    }
    for c in d.changed.iter().filter(|c| c.content_changed() || c.renamed) {
        overlay.mark_node(c.new.id.clone(), Mark::Partial);
    }
    for key in edge_set(&g) {
        match (old_edges.contains(&key), new_edges.contains(&key)) {
            (false, true) => {
                overlay.mark_edge(key.0, key.1, Mark::Detected);
            }
            (true, false) => {
                overlay.mark_edge(key.0, key.1, Mark::Undetected);
            }
            _ => {}
        }
    }
    for (mark, word) in [
        (Mark::Detected, "added"),
        (Mark::Undetected, "removed"),
        (Mark::Partial, "changed"),
    ] {
        overlay.labels.insert(mark, word.to_string());
    }
    let c = d.counts();
    overlay.title = (!d.is_empty()).then(|| {
        format!(
            "Changes: {} added, {} removed, {} changed; {} edges added, {} removed",
            c.added,
            c.removed,
            c.changed + c.renamed,
            c.edges_added,
            c.edges_removed
        )
    });
    af_render::render_svg(
        &both,
        &SvgOptions {
            overlay: Some(std::sync::Arc::new(overlay)),
            ..SvgOptions::default()
        },
    )
}
