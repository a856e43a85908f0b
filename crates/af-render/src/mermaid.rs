//! Mermaid flowcharts (`flowchart TB`), as GitHub renders them in Markdown.
//!
//! Labels are always quoted and escaped with Mermaid's entity codes (`#quot;`, `#35;`, …), so
//! no text from a flow can end a label or inject syntax. Line breaks are `<br>`.

use crate::graph::{EdgeKind, Graph, Node, NodeKind};
use crate::layout::Direction;
use crate::svg::Theme;
use crate::text::{truncate_chars, wrap};
use crate::{catalog_of, Object};
use std::fmt::Write;

/// Options of [`render_mermaid`].
#[derive(Debug, Clone, Default)]
pub struct MermaidOptions {
    /// Colours of the `classDef` styles.
    pub theme: Theme,
    /// `TB` or `LR` (attack trees: `BT` or `RL`, so the goal comes first).
    pub direction: Direction,
    /// Catalog for technique and tactic names; `None` uses the embedded one.
    pub catalog: Option<std::sync::Arc<af_catalog::Catalog>>,
}

/// Escapes text for a quoted Mermaid label.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#amp;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '`' => out.push_str("#96;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Wraps to lines that fit Mermaid's default label width (200 px at its 16 px font), so
/// Mermaid does not wrap them again, and escapes each line.
fn lines(text: &str, max: usize) -> Vec<String> {
    wrap(text, 190.0, 16.0, false, max)
        .iter()
        .map(|l| escape(l))
        .collect()
}

fn label(node: &Node) -> String {
    let mut parts: Vec<String> = Vec::new();
    match &node.kind {
        NodeKind::Action => {
            parts.push(format!("<i>{}</i>", escape(&node.tactic_caption())));
            for l in lines(node.shown_title(), 3) {
                parts.push(format!("<b>{l}</b>"));
            }
            if let Some(text) = node.technique_line() {
                parts.extend(lines(&text, 2));
            }
            if let Some(d) = &node.description {
                parts.extend(lines(&truncate_chars(d, 90), 3));
            }
        }
        NodeKind::Operator(op) => parts.push(format!("<b>{}</b>", escape(&truncate_chars(op, 12)))),
        kind => {
            parts.push(format!("<i>{}</i>", escape(node.caption())));
            let max = if *kind == NodeKind::Condition { 5 } else { 3 };
            parts.extend(lines(&truncate_chars(node.shown_title(), 160), max));
        }
    }
    parts.join("<br>")
}

fn shape(kind: &NodeKind) -> (&'static str, &'static str) {
    match kind {
        NodeKind::Action => ("(", ")"),
        NodeKind::Condition => ("{{", "}}"),
        NodeKind::Operator(_) => ("((", "))"),
        NodeKind::Asset => ("([", "])"),
        NodeKind::Sdo => ("[", "]"),
        NodeKind::Observable => ("[/", "/]"),
    }
}

fn class(kind: &NodeKind) -> &'static str {
    match kind {
        NodeKind::Action => "action",
        NodeKind::Condition => "condition",
        NodeKind::Operator(_) => "operator",
        NodeKind::Asset => "asset",
        NodeKind::Sdo => "object",
        NodeKind::Observable => "observable",
    }
}

const LIGHT_CLASSES: &[(&str, &str)] = &[
    (
        "action",
        "fill:#eef4ff,stroke:#2f5fb3,stroke-width:1.5px,color:#1f2328",
    ),
    (
        "condition",
        "fill:#fff5db,stroke:#a0660d,stroke-width:1.5px,color:#1f2328",
    ),
    (
        "operator",
        "fill:#f1eaff,stroke:#6f42c1,stroke-width:2px,color:#1f2328",
    ),
    (
        "asset",
        "fill:#e6f6ec,stroke:#2e7d4f,stroke-width:1.5px,color:#1f2328",
    ),
    (
        "object",
        "fill:#f3f4f6,stroke:#5b6370,stroke-width:1px,color:#1f2328",
    ),
    (
        "observable",
        "fill:#ffffff,stroke:#5b6370,stroke-width:1px,stroke-dasharray:5 3,color:#1f2328",
    ),
];

const DARK_CLASSES: &[(&str, &str)] = &[
    (
        "action",
        "fill:#152238,stroke:#5b8def,stroke-width:1.5px,color:#e6edf3",
    ),
    (
        "condition",
        "fill:#2b2111,stroke:#d29922,stroke-width:1.5px,color:#e6edf3",
    ),
    (
        "operator",
        "fill:#221a33,stroke:#a371f7,stroke-width:2px,color:#e6edf3",
    ),
    (
        "asset",
        "fill:#12261b,stroke:#3fb950,stroke-width:1.5px,color:#e6edf3",
    ),
    (
        "object",
        "fill:#1c2128,stroke:#8b949e,stroke-width:1px,color:#e6edf3",
    ),
    (
        "observable",
        "fill:#0d1117,stroke:#8b949e,stroke-width:1px,stroke-dasharray:5 3,color:#e6edf3",
    ),
];

/// Renders the objects of one flow as a Mermaid flowchart.
pub fn render_mermaid(objects: &[Object], options: &MermaidOptions) -> String {
    let graph = Graph::from_objects(objects, catalog_of(&options.catalog)).unwrap_or_default();
    mermaid_of(&graph, options)
}

/// [`render_mermaid`] of an already built graph.
pub fn mermaid_of(graph: &Graph, options: &MermaidOptions) -> String {
    let tree = graph.is_attack_tree();
    let dir = match (options.direction, tree) {
        (Direction::TopDown, false) => "TB",
        (Direction::TopDown, true) => "BT",
        (Direction::LeftRight, false) => "LR",
        (Direction::LeftRight, true) => "RL",
    };
    let mut out = String::new();
    if !graph.name.is_empty() {
        // YAML front matter; a single-quoted scalar needs only '' for '.
        let title = crate::text::normalize(&graph.name).replace('\'', "''");
        let _ = write!(out, "---\ntitle: '{title}'\n---\n");
    }
    let _ = writeln!(out, "flowchart {dir}");
    for (i, node) in graph.nodes.iter().enumerate() {
        let (open, close) = shape(&node.kind);
        let _ = writeln!(out, "  n{i}{open}\"{}\"{close}", label(node));
    }
    let mut link_styles: Vec<(usize, &str)> = Vec::new();
    for (k, e) in graph.edges.iter().enumerate() {
        let arrow = match e.kind {
            EdgeKind::Relationship(_) | EdgeKind::Reference(_) => "-.->",
            _ => "-->",
        };
        match e.kind.label() {
            Some(l) => {
                let _ = writeln!(out, "  n{} {arrow}|\"{}\"| n{}", e.from, escape(l), e.to);
            }
            None => {
                let _ = writeln!(out, "  n{} {arrow} n{}", e.from, e.to);
            }
        }
        match e.kind {
            EdgeKind::OnTrue => link_styles.push((k, "stroke:#1a7f37,stroke-width:2px")),
            EdgeKind::OnFalse => {
                link_styles.push((k, "stroke:#c62828,stroke-width:2px,stroke-dasharray:6 3"))
            }
            _ => {}
        }
    }
    let classes = match options.theme {
        Theme::Light => LIGHT_CLASSES,
        Theme::Dark => DARK_CLASSES,
    };
    for (name, style) in classes {
        let members: Vec<String> = graph
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| class(&n.kind) == *name)
            .map(|(i, _)| format!("n{i}"))
            .collect();
        if members.is_empty() {
            continue;
        }
        let _ = writeln!(out, "  classDef {name} {style}");
        let _ = writeln!(out, "  class {} {name}", members.join(","));
    }
    for (k, style) in link_styles {
        let _ = writeln!(out, "  linkStyle {k} {style}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_valid_yaml_whatever_the_flow_name() {
        let graph = Graph {
            name: "It's\u{fffe} a \u{ffff}flow\u{85}\u{7f}".into(),
            ..Graph::default()
        };
        let text = mermaid_of(&graph, &MermaidOptions::default());
        assert!(text.starts_with("---\ntitle: 'It''s a flow'\n---\n"), "{text}");
    }

    #[test]
    fn escape_neutralises_syntax() {
        assert_eq!(escape("a\"b#c<d>&`"), "a#quot;b#35;c#lt;d#gt;#amp;#96;");
        assert_eq!(escape("x]\ny"), "x] y");
    }
}
