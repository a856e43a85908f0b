//! Graphviz DOT, for people who lay flows out with `dot` or feed them to other graph tools.

use crate::graph::{EdgeKind, Graph, Node, NodeKind};
use crate::layout::Direction;
use crate::svg::Theme;
use crate::text::{truncate_chars, wrap};
use crate::{catalog_of, Object};
use std::fmt::Write;

/// Options of [`render_dot`].
#[derive(Debug, Clone, Default)]
pub struct DotOptions {
    /// Colours.
    pub theme: Theme,
    /// `rankdir=TB` or `LR` (attack trees: `BT` or `RL`, so the goal comes first).
    pub direction: Direction,
    /// Catalog for technique and tactic names; `None` uses the embedded one.
    pub catalog: Option<std::sync::Arc<af_catalog::Catalog>>,
}

/// Escapes text for a double-quoted DOT string (no line breaks; those are added as `\n`).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in crate::text::normalize(text).chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out
}

fn wrapped(text: &str, max: usize) -> Vec<String> {
    wrap(text, 200.0, 10.0, false, max)
        .iter()
        .map(|l| escape(l))
        .collect()
}

fn label(node: &Node) -> String {
    let mut parts: Vec<String> = Vec::new();
    match &node.kind {
        NodeKind::Action => {
            parts.push(escape(&format!("[{}]", node.tactic_caption())));
            parts.extend(wrapped(node.shown_title(), 3));
            if let Some(text) = node.technique_line() {
                parts.extend(wrapped(&text, 2));
            }
            if let Some(d) = &node.description {
                parts.extend(wrapped(&truncate_chars(d, 120), 3));
            }
        }
        NodeKind::Operator(op) => parts.push(escape(op)),
        _ => {
            parts.push(format!("[{}]", escape(node.caption())));
            parts.extend(wrapped(&truncate_chars(node.shown_title(), 200), 5));
        }
    }
    parts.join("\\n")
}

struct Style {
    shape: &'static str,
    style: &'static str,
    fill: &'static str,
    stroke: &'static str,
}

fn style(kind: &NodeKind, theme: Theme) -> Style {
    let dark = theme == Theme::Dark;
    let pick = |l: &'static str, d: &'static str| if dark { d } else { l };
    match kind {
        NodeKind::Action => Style {
            shape: "box",
            style: "rounded,filled",
            fill: pick("#eef4ff", "#152238"),
            stroke: pick("#2f5fb3", "#5b8def"),
        },
        NodeKind::Condition => Style {
            shape: "hexagon",
            style: "filled",
            fill: pick("#fff5db", "#2b2111"),
            stroke: pick("#a0660d", "#d29922"),
        },
        NodeKind::Operator(_) => Style {
            shape: "circle",
            style: "filled,bold",
            fill: pick("#f1eaff", "#221a33"),
            stroke: pick("#6f42c1", "#a371f7"),
        },
        NodeKind::Asset => Style {
            shape: "cylinder",
            style: "filled",
            fill: pick("#e6f6ec", "#12261b"),
            stroke: pick("#2e7d4f", "#3fb950"),
        },
        NodeKind::Sdo => Style {
            shape: "box",
            style: "filled",
            fill: pick("#f3f4f6", "#1c2128"),
            stroke: pick("#5b6370", "#8b949e"),
        },
        NodeKind::Observable => Style {
            shape: "box",
            style: "dashed,filled",
            fill: pick("#ffffff", "#0d1117"),
            stroke: pick("#5b6370", "#8b949e"),
        },
    }
}

/// Renders the objects of one flow as a Graphviz `digraph`.
pub fn render_dot(objects: &[Object], options: &DotOptions) -> String {
    let graph = Graph::from_objects(objects, catalog_of(&options.catalog)).unwrap_or_default();
    dot_of(&graph, options)
}

/// [`render_dot`] of an already built graph.
pub fn dot_of(graph: &Graph, options: &DotOptions) -> String {
    let tree = graph.is_attack_tree();
    let rankdir = match (options.direction, tree) {
        (Direction::TopDown, false) => "TB",
        (Direction::TopDown, true) => "BT",
        (Direction::LeftRight, false) => "LR",
        (Direction::LeftRight, true) => "RL",
    };
    let dark = options.theme == Theme::Dark;
    let (bg, fg) = if dark {
        ("#0d1117", "#e6edf3")
    } else {
        ("#ffffff", "#1f2328")
    };
    let mut out = String::from("digraph flow {\n");
    let _ = writeln!(
        out,
        "  graph [rankdir={rankdir}, label=\"{}\", labelloc=t, fontname=\"Helvetica\", fontsize=16, \
         bgcolor=\"{bg}\", fontcolor=\"{fg}\", nodesep=0.35, ranksep=0.5];",
        escape(if graph.name.is_empty() {
            "Attack flow"
        } else {
            &graph.name
        })
    );
    let _ = writeln!(
        out,
        "  node [fontname=\"Helvetica\", fontsize=10, fontcolor=\"{fg}\", margin=\"0.12,0.06\"];"
    );
    let _ = writeln!(
        out,
        "  edge [fontname=\"Helvetica\", fontsize=9, fontcolor=\"{fg}\"];"
    );
    for (i, node) in graph.nodes.iter().enumerate() {
        let s = style(&node.kind, options.theme);
        let _ = writeln!(
            out,
            "  n{i} [shape={}, style=\"{}\", fillcolor=\"{}\", color=\"{}\", label=\"{}\", tooltip=\"{}\"];",
            s.shape,
            s.style,
            s.fill,
            s.stroke,
            label(node),
            escape(&node.id)
        );
    }
    let effect = if dark { "#c9d1d9" } else { "#3d444d" };
    for e in &graph.edges {
        let (colour, style) = match e.kind {
            EdgeKind::Effect => (effect, "solid"),
            EdgeKind::OnTrue => (if dark { "#3fb950" } else { "#1a7f37" }, "bold"),
            EdgeKind::OnFalse => (if dark { "#f85149" } else { "#c62828" }, "dashed"),
            EdgeKind::Relationship(_) => ("#7d8590", "dashed"),
            EdgeKind::Reference(_) => ("#7d8590", "dotted"),
        };
        let label = e
            .kind
            .label()
            .map(|l| format!(", label=\"{}\"", escape(l)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  n{} -> n{} [color=\"{colour}\", style={style}{label}];",
            e.from, e.to
        );
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_quotes_and_backslashes() {
        assert_eq!(escape("a\"b\\n\nc"), "a\\\"b\\\\n c");
    }
}
