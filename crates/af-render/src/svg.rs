//! SVG drawn by afc itself: node cards sized from estimated text widths, a layered layout
//! ([`crate::layout`]), and an SVG writer with light and dark themes.

use crate::graph::{EdgeKind, Graph, Node, NodeKind};
use crate::layout::{self, Direction, EdgeSpec, NodeSpec, Point, Route, Segment, Shape, Spacing};
use crate::overlay::{Mark, Overlay};
use crate::text::{fit_line, text_width, wrap, xml_escape, xml_escape_into, FONT_STACK};
use crate::{catalog_of, Object, RenderError};
use std::collections::HashMap;
use std::fmt::Write;

/// Colour theme of the SVG.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    /// Dark text on light backgrounds.
    #[default]
    Light,
    /// Light text on dark backgrounds.
    Dark,
}

/// Options of [`render_svg`].
#[derive(Debug, Clone, Default)]
pub struct SvgOptions {
    /// Colour theme.
    pub theme: Theme,
    /// Flow direction (an attack tree always puts its goal first: top, or left).
    pub direction: Direction,
    /// Catalog for technique and tactic names; `None` uses the embedded one.
    pub catalog: Option<std::sync::Arc<af_catalog::Catalog>>,
    /// Marks to show on top of the picture (see [`crate::overlay`]); `None` for none.
    pub overlay: Option<std::sync::Arc<Overlay>>,
}

/// Horizontal anchoring of a text line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// `x` is the left end.
    Start,
    /// `x` is the centre.
    Middle,
}

/// What a text line is, which decides its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextRole {
    /// The heading band of an action (tactic).
    Band,
    /// A kind caption (`Condition`, `malware`…).
    Caption,
    /// Main text.
    Main,
    /// Secondary text (technique line, descriptions).
    Muted,
    /// An edge label.
    EdgeLabel,
}

/// One line of text placed on the drawing.
#[derive(Debug, Clone, PartialEq)]
pub struct TextLine {
    /// The text (not escaped).
    pub text: String,
    /// Anchor x.
    pub x: f64,
    /// Baseline y.
    pub y: f64,
    /// Font size in pixels.
    pub size: f64,
    /// Bold?
    pub bold: bool,
    /// Anchoring.
    pub anchor: Anchor,
    /// Colour role.
    pub role: TextRole,
}

impl TextLine {
    /// Estimated left and right ends.
    pub fn extent(&self) -> (f64, f64) {
        let w = text_width(&self.text, self.size, self.bold);
        match self.anchor {
            Anchor::Start => (self.x, self.x + w),
            Anchor::Middle => (self.x - w / 2.0, self.x + w / 2.0),
        }
    }
}

/// A placed node.
#[derive(Debug, Clone)]
pub struct DrawnNode {
    /// Index into the graph's nodes.
    pub index: usize,
    /// The STIX id.
    pub stix_id: String,
    /// The kind.
    pub kind: NodeKind,
    /// Left edge of the bounding box.
    pub x: f64,
    /// Top edge of the bounding box.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
    /// Outline.
    pub shape: Shape,
    /// Height of the coloured band at the top (actions), 0 otherwise.
    pub band: f64,
    /// Dashed outline (observables)?
    pub dashed: bool,
    /// Text lines, inside the outline.
    pub lines: Vec<TextLine>,
    /// The accessible title (`<title>`).
    pub title: String,
    /// The overlay's mark on this node.
    pub mark: Option<Mark>,
}

/// A routed edge with its label.
#[derive(Debug, Clone)]
pub struct DrawnEdge {
    /// Source node (index into the graph's nodes).
    pub from: usize,
    /// Target node.
    pub to: usize,
    /// Meaning.
    pub kind: EdgeKind,
    /// Path.
    pub route: Route,
    /// Label text line and its background box (x, y, width, height).
    pub label: Option<(TextLine, (f64, f64, f64, f64))>,
    /// The accessible title.
    pub title: String,
    /// The overlay's mark on this edge.
    pub mark: Option<Mark>,
}

/// The legend of an overlay, below the picture.
#[derive(Debug, Clone)]
pub struct Legend {
    /// The overlay's title, if it has one.
    pub title: Option<TextLine>,
    /// One swatch (x, y of its top-left corner; [`LEGEND_SWATCH`] in size) and its wording
    /// per mark used.
    pub entries: Vec<(Mark, (f64, f64), TextLine)>,
}

/// Width and height of a legend swatch.
pub const LEGEND_SWATCH: (f64, f64) = (22.0, 12.0);

/// Everything placed: what the SVG writer draws, and what tests check geometrically.
#[derive(Debug, Clone)]
pub struct Diagram {
    /// Width of the drawing.
    pub width: f64,
    /// Height of the drawing.
    pub height: f64,
    /// Heading lines (flow name, scope, description).
    pub heading: Vec<TextLine>,
    /// Document title.
    pub title: String,
    /// Document description.
    pub description: String,
    /// Nodes.
    pub nodes: Vec<DrawnNode>,
    /// Edges.
    pub edges: Vec<DrawnEdge>,
    /// The overlay's legend (below everything else), when there is an overlay.
    pub legend: Option<Legend>,
}

const ACTION_WIDTH: f64 = 240.0;
const CONDITION_WIDTH: f64 = 236.0;
const HEX_INSET: f64 = 16.0;
const OPERATOR_SIZE: f64 = 60.0;
const PAD: f64 = 10.0;
const BAND: f64 = 22.0;
const OTHER_MAX: f64 = 220.0;
const OTHER_MIN: f64 = 120.0;
const ASSET_RADIUS: f64 = 16.0;
const LABEL_SIZE: f64 = 11.0;

fn line_height(size: f64) -> f64 {
    (size * 1.3).round()
}

/// Text of a node before placement: (text, size, bold, role), plus whether the first line
/// goes in the band.
struct Content {
    band: Option<String>,
    lines: Vec<(String, f64, bool, TextRole)>,
}

fn action_content(node: &Node, inner: f64) -> Content {
    let band = node.tactic_caption();
    let mut lines = Vec::new();
    if let Some(text) = node.technique_line() {
        for l in wrap(&text, inner, 11.0, false, 2) {
            lines.push((l, 11.0, false, TextRole::Muted));
        }
    }
    for l in wrap(node.shown_title(), inner, 13.0, true, 3) {
        lines.push((l, 13.0, true, TextRole::Main));
    }
    if let Some(d) = &node.description {
        for l in wrap(d, inner, 11.0, false, 3) {
            lines.push((l, 11.0, false, TextRole::Muted));
        }
    }
    Content {
        band: Some(fit_line(&band, inner, 11.0, true)),
        lines,
    }
}

fn other_content(node: &Node, inner: f64) -> Content {
    let mut lines = vec![(
        fit_line(node.caption(), inner, 10.0, true),
        10.0,
        true,
        TextRole::Caption,
    )];
    let (title_size, title_bold, title_lines) = match node.kind {
        NodeKind::Condition => (12.0, false, 5),
        NodeKind::Observable => (12.0, false, 3),
        _ => (12.0, true, 3),
    };
    for l in wrap(node.shown_title(), inner, title_size, title_bold, title_lines) {
        lines.push((l, title_size, title_bold, TextRole::Main));
    }
    if let Some(d) = &node.description {
        for l in wrap(d, inner, 11.0, false, 2) {
            lines.push((l, 11.0, false, TextRole::Muted));
        }
    }
    Content { band: None, lines }
}

/// Size, shape and text (relative to the box's top-left corner) of one node.
fn measure(node: &Node) -> (f64, f64, Shape, f64, bool, Vec<TextLine>) {
    let mut placed = Vec::new();
    let text_height =
        |lines: &[(String, f64, bool, TextRole)]| lines.iter().map(|l| line_height(l.1)).sum::<f64>();
    match &node.kind {
        NodeKind::Action => {
            let inner = ACTION_WIDTH - 2.0 * PAD;
            let c = action_content(node, inner);
            let mut y = 0.0;
            if let Some(b) = c.band {
                placed.push(TextLine {
                    text: b,
                    x: PAD,
                    y: BAND / 2.0 + 4.0,
                    size: 11.0,
                    bold: true,
                    anchor: Anchor::Start,
                    role: TextRole::Band,
                });
                y = BAND + 6.0;
            }
            for (text, size, bold, role) in c.lines {
                let lh = line_height(size);
                placed.push(TextLine {
                    text,
                    x: PAD,
                    y: y + lh * 0.78,
                    size,
                    bold,
                    anchor: Anchor::Start,
                    role,
                });
                y += lh;
            }
            let h = y + PAD - 2.0;
            (ACTION_WIDTH, h, Shape::Rect { radius: 6.0 }, BAND, false, placed)
        }
        NodeKind::Operator(op) => {
            let s = OPERATOR_SIZE;
            placed.push(TextLine {
                text: fit_line(op, s * 0.66, 15.0, true),
                x: s / 2.0,
                y: s / 2.0 + 5.0,
                size: 15.0,
                bold: true,
                anchor: Anchor::Middle,
                role: TextRole::Main,
            });
            (s, s, Shape::Ellipse, 0.0, false, placed)
        }
        kind => {
            let (max_w, hpad, shape) = match kind {
                NodeKind::Condition => (
                    CONDITION_WIDTH,
                    HEX_INSET + 8.0,
                    Shape::Hexagon { inset: HEX_INSET },
                ),
                NodeKind::Asset => (OTHER_MAX, ASSET_RADIUS, Shape::Rect { radius: ASSET_RADIUS }),
                _ => (OTHER_MAX, PAD, Shape::Rect { radius: 1.0 }),
            };
            let c = other_content(node, max_w - 2.0 * hpad);
            let widest = c
                .lines
                .iter()
                .map(|l| text_width(&l.0, l.1, l.2))
                .fold(0.0, f64::max);
            let w = match kind {
                NodeKind::Condition => CONDITION_WIDTH,
                _ => (widest + 2.0 * hpad).clamp(OTHER_MIN, max_w).ceil(),
            };
            let mut y = PAD - 2.0;
            let h = text_height(&c.lines) + 2.0 * PAD - 4.0;
            for (text, size, bold, role) in c.lines {
                let lh = line_height(size);
                placed.push(TextLine {
                    text,
                    x: w / 2.0,
                    y: y + lh * 0.78,
                    size,
                    bold,
                    anchor: Anchor::Middle,
                    role,
                });
                y += lh;
            }
            let h = h.max(40.0);
            // Centre the text block vertically.
            let shift = (h - (y + PAD - 2.0)) / 2.0;
            for l in &mut placed {
                l.y += shift.max(0.0);
            }
            (w, h, shape, 0.0, matches!(kind, NodeKind::Observable), placed)
        }
    }
}

fn node_title(node: &Node) -> String {
    let mut s = String::new();
    match &node.kind {
        NodeKind::Action => {
            let _ = write!(
                s,
                "Action: {}",
                if node.title.is_empty() {
                    "(unnamed)"
                } else {
                    &node.title
                }
            );
            if let Some(t) = &node.technique {
                let _ = write!(s, ". Technique {}", t.id);
                if let Some(n) = &t.name {
                    let _ = write!(s, " {n}");
                }
            }
            if let Some(t) = &node.tactic {
                let _ = write!(s, ". Tactic {}", t.id);
                if let Some(n) = &t.name {
                    let _ = write!(s, " {n}");
                }
            }
        }
        NodeKind::Condition => {
            let _ = write!(s, "Condition: {}", node.title);
        }
        NodeKind::Operator(op) => {
            let meaning = match op.as_str() {
                "AND" => " (all inputs needed)",
                "OR" => " (any one input suffices)",
                _ => "",
            };
            let _ = write!(s, "Operator {op}{meaning}");
        }
        NodeKind::Asset => {
            let _ = write!(s, "Asset: {}", node.title);
        }
        NodeKind::Sdo | NodeKind::Observable => {
            let _ = write!(s, "{}: {}", node.stix_type, node.title);
        }
    }
    if let Some(d) = &node.description {
        let _ = write!(s, ". {}", crate::text::normalize(d));
    }
    s
}

fn short_name(node: &Node) -> String {
    let base = match &node.kind {
        NodeKind::Operator(op) => format!("{op} operator"),
        _ if node.title.is_empty() => node.stix_type.clone(),
        _ => node.title.clone(),
    };
    crate::text::truncate_chars(&base, 60)
}

/// Lays out the objects' flow; the geometry [`render_svg`] draws. Objects it cannot use are
/// skipped (no objects at all give an empty picture); the only error is a flow too large to
/// lay out ([`RenderError::TooLarge`]).
pub fn diagram(objects: &[Object], options: &SvgOptions) -> Result<Diagram, RenderError> {
    let catalog = catalog_of(&options.catalog);
    let graph = Graph::from_objects(objects, catalog).unwrap_or_default();
    diagram_of(&graph, options)
}

/// Lays out an already built [`Graph`].
pub fn diagram_of(graph: &Graph, options: &SvgOptions) -> Result<Diagram, RenderError> {
    if graph.nodes.len() > layout::MAX_NODES || graph.edges.len() > layout::MAX_EDGES {
        return Err(RenderError::TooLarge {
            nodes: graph.nodes.len(),
            edges: graph.edges.len(),
        });
    }
    let dir = options.direction;
    let tree = graph.is_attack_tree();
    let measured: Vec<_> = graph.nodes.iter().map(measure).collect();
    let specs: Vec<NodeSpec> = graph
        .nodes
        .iter()
        .zip(&measured)
        .map(|(n, m)| NodeSpec {
            width: m.0,
            height: m.1,
            shape: m.2,
            float: !n.kind.is_flow_step(),
        })
        .collect();
    // Edges of one kind from one node are drawn as a bundle.
    let mut kinds: HashMap<&EdgeKind, usize> = HashMap::new();
    let edge_specs: Vec<EdgeSpec> = graph
        .edges
        .iter()
        .map(|e| {
            let next = kinds.len();
            EdgeSpec {
                from: e.from,
                to: e.to,
                flip: tree && e.kind.is_flow(),
                label: e.kind.label().map(label_box),
                bundle: Some(*kinds.entry(&e.kind).or_insert(next)),
            }
        })
        .collect();

    // Heading.
    let margin = 24.0;
    let mut heading = Vec::new();
    let name = if graph.name.is_empty() {
        "Attack flow"
    } else {
        &graph.name
    };
    let heading_width = 860.0;
    let mut y = margin;
    for l in wrap(name, heading_width, 18.0, true, 2) {
        y += line_height(18.0);
        heading.push(TextLine {
            text: l,
            x: margin,
            y: y - 5.0,
            size: 18.0,
            bold: true,
            anchor: Anchor::Start,
            role: TextRole::Main,
        });
    }
    let actions = graph.nodes.iter().filter(|n| n.kind == NodeKind::Action).count();
    let mut sub = Vec::new();
    if let Some(s) = &graph.scope {
        sub.push(format!("scope: {s}"));
    }
    sub.push(format!("{actions} action{}", if actions == 1 { "" } else { "s" }));
    sub.push(format!("{} objects drawn", graph.nodes.len()));
    if tree {
        sub.push(match dir {
            Direction::TopDown => "goal at the top, arrows point to what they achieve".into(),
            Direction::LeftRight => "goal on the left, arrows point to what they achieve".into(),
        });
    }
    y += line_height(12.0);
    heading.push(TextLine {
        text: sub.join(" · "),
        x: margin,
        y: y - 3.0,
        size: 12.0,
        bold: false,
        anchor: Anchor::Start,
        role: TextRole::Muted,
    });
    if let Some(d) = &graph.description {
        for l in wrap(d, heading_width, 12.0, false, 3) {
            y += line_height(12.0);
            heading.push(TextLine {
                text: l,
                x: margin,
                y: y - 3.0,
                size: 12.0,
                bold: false,
                anchor: Anchor::Start,
                role: TextRole::Muted,
            });
        }
    }
    let spacing = Spacing {
        top: y + 8.0,
        margin,
        rank_gap: match dir {
            Direction::TopDown => 44.0,
            Direction::LeftRight => 60.0,
        },
        ..Spacing::default()
    };
    let lay = layout::layout(&specs, &edge_specs, &graph.start, dir, spacing);
    let overlay = options.overlay.as_deref().filter(|o| !o.is_empty());

    let nodes: Vec<DrawnNode> = graph
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let (w, h, shape, band, dashed, lines) = measured[i].clone();
            let (cx, cy) = lay.centers[i];
            let (x, y) = (cx - w / 2.0, cy - h / 2.0);
            DrawnNode {
                index: i,
                stix_id: node.id.clone(),
                kind: node.kind.clone(),
                x,
                y,
                width: w,
                height: h,
                shape,
                band,
                dashed,
                lines: lines
                    .into_iter()
                    .map(|l| TextLine {
                        x: l.x + x,
                        y: l.y + y,
                        ..l
                    })
                    .collect(),
                title: marked(
                    node_title(node),
                    overlay,
                    overlay.and_then(|o| o.nodes.get(&node.id)),
                ),
                mark: overlay.and_then(|o| o.nodes.get(&node.id)).copied(),
            }
        })
        .collect();
    let edges: Vec<DrawnEdge> = graph
        .edges
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let route = lay.routes[i].clone();
            let label = e.kind.label().zip(route.label).map(|(text, (lx, ly))| {
                let (bw, bh) = label_box(text);
                (
                    TextLine {
                        text: text.to_string(),
                        x: lx,
                        y: ly + 4.0,
                        size: LABEL_SIZE,
                        bold: false,
                        anchor: Anchor::Middle,
                        role: TextRole::EdgeLabel,
                    },
                    (lx - bw / 2.0, ly - bh / 2.0, bw, bh),
                )
            });
            let what = match &e.kind {
                EdgeKind::Effect => "leads to".to_string(),
                EdgeKind::OnTrue => "if true, leads to".to_string(),
                EdgeKind::OnFalse => "if false, leads to".to_string(),
                EdgeKind::Relationship(t) => format!("relationship {t}"),
                EdgeKind::Reference(t) => format!("refers to ({t})"),
            };
            DrawnEdge {
                from: e.from,
                to: e.to,
                kind: e.kind.clone(),
                title: format!(
                    "{} {what} {}",
                    short_name(&graph.nodes[e.from]),
                    short_name(&graph.nodes[e.to])
                ),
                route,
                label,
                mark: overlay
                    .and_then(|o| {
                        o.edges
                            .get(&(graph.nodes[e.from].id.clone(), graph.nodes[e.to].id.clone()))
                    })
                    .copied(),
            }
        })
        .collect();
    let edges: Vec<DrawnEdge> = edges
        .into_iter()
        .map(|e| DrawnEdge {
            title: marked(e.title, overlay, e.mark.as_ref()),
            ..e
        })
        .collect();
    let legend = overlay.map(|o| legend(o, margin, lay.height, lay.width.max(heading_width)));
    let legend_bottom = legend.as_ref().map_or(0.0, |l| {
        l.entries
            .iter()
            .map(|(_, (_, y), _)| y + LEGEND_SWATCH.1)
            .chain(l.title.as_ref().map(|t| t.y + 4.0))
            .fold(0.0, f64::max)
            + margin
    });
    let legend_right = legend.as_ref().map_or(0.0, |l| {
        l.entries
            .iter()
            .map(|(_, _, t)| t.extent().1)
            .chain(l.title.as_ref().map(|t| t.extent().1))
            .fold(0.0, f64::max)
            + margin
    });
    let heading_right = heading.iter().map(|l| l.extent().1).fold(0.0, f64::max) + margin;
    let description = {
        let mut d = format!(
            "{} nodes and {} edges{}.",
            nodes.len(),
            edges.len(),
            graph
                .scope
                .as_deref()
                .map(|s| format!(", scope {s}"))
                .unwrap_or_default()
        );
        if let Some(desc) = &graph.description {
            d.push(' ');
            d.push_str(&crate::text::normalize(desc));
        }
        d
    };
    Ok(Diagram {
        width: lay.width.max(heading_right).max(legend_right).ceil(),
        height: lay.height.max(spacing.top + margin).max(legend_bottom).ceil(),
        heading,
        title: format!("Attack flow: {name}"),
        description,
        nodes,
        edges,
        legend,
    })
}

/// An element's title, with the overlay's wording of its mark.
fn marked(title: String, overlay: Option<&Overlay>, mark: Option<&Mark>) -> String {
    match overlay.zip(mark) {
        Some((o, m)) => format!("{title} [{}]", o.label(*m)),
        None => title,
    }
}

/// Lays out the legend of `overlay` in rows from `top`, within `width`.
fn legend(overlay: &Overlay, margin: f64, top: f64, width: f64) -> Legend {
    let mut y = top;
    let title = overlay.title.as_ref().map(|t| {
        y += line_height(12.0);
        TextLine {
            text: fit_line(t, width - 2.0 * margin, 12.0, true),
            x: margin,
            y: y - 3.0,
            size: 12.0,
            bold: true,
            anchor: Anchor::Start,
            role: TextRole::Main,
        }
    });
    y += 6.0;
    let mut x = margin;
    let mut entries = Vec::new();
    for mark in overlay.used() {
        let text = fit_line(overlay.label(mark), width / 2.0, 12.0, false);
        let w = LEGEND_SWATCH.0 + 6.0 + text_width(&text, 12.0, false);
        if x > margin && x + w > width - margin {
            x = margin;
            y += LEGEND_SWATCH.1 + 10.0;
        }
        entries.push((
            mark,
            (x, y),
            TextLine {
                x: x + LEGEND_SWATCH.0 + 6.0,
                y: y + LEGEND_SWATCH.1 - 1.5,
                text,
                size: 12.0,
                bold: false,
                anchor: Anchor::Start,
                role: TextRole::Muted,
            },
        ));
        x += w + 18.0;
    }
    Legend { title, entries }
}

fn label_box(text: &str) -> (f64, f64) {
    ((text_width(text, LABEL_SIZE, false) + 10.0).ceil(), 16.0)
}

/// Colours of a theme.
struct Palette {
    background: &'static str,
    text: &'static str,
    muted: &'static str,
    band_text: &'static str,
    label_bg: &'static str,
    /// (fill, stroke, band/caption colour)
    action: (&'static str, &'static str, &'static str),
    condition: (&'static str, &'static str, &'static str),
    operator: (&'static str, &'static str, &'static str),
    asset: (&'static str, &'static str, &'static str),
    sdo: (&'static str, &'static str, &'static str),
    observable: (&'static str, &'static str, &'static str),
    effect: &'static str,
    on_true: &'static str,
    on_false: &'static str,
    relation: &'static str,
    /// Colours of the overlay's marks: detected, partial, undetected, highlight.
    marks: [&'static str; 4],
}

const LIGHT: Palette = Palette {
    background: "#ffffff",
    text: "#1f2328",
    muted: "#4d5560",
    band_text: "#ffffff",
    label_bg: "#ffffff",
    action: ("#eef4ff", "#2f5fb3", "#2f5fb3"),
    condition: ("#fff5db", "#a0660d", "#8a5608"),
    operator: ("#f1eaff", "#6f42c1", "#6f42c1"),
    asset: ("#e6f6ec", "#2e7d4f", "#226b3f"),
    sdo: ("#f3f4f6", "#5b6370", "#4d5560"),
    observable: ("#ffffff", "#5b6370", "#4d5560"),
    effect: "#3d444d",
    on_true: "#1a7f37",
    on_false: "#c62828",
    relation: "#7d8590",
    marks: ["#1a7f37", "#9a6700", "#cf222e", "#8250df"],
};

const DARK: Palette = Palette {
    background: "#0d1117",
    text: "#e6edf3",
    muted: "#b1bac4",
    band_text: "#ffffff",
    label_bg: "#0d1117",
    action: ("#152238", "#5b8def", "#2f5fb3"),
    condition: ("#2b2111", "#d29922", "#e3b341"),
    operator: ("#221a33", "#a371f7", "#c9a6ff"),
    asset: ("#12261b", "#3fb950", "#56d364"),
    sdo: ("#1c2128", "#8b949e", "#b1bac4"),
    observable: ("#0d1117", "#8b949e", "#b1bac4"),
    effect: "#c9d1d9",
    on_true: "#3fb950",
    on_false: "#f85149",
    relation: "#8b949e",
    marks: ["#3fb950", "#d29922", "#f85149", "#bc8cff"],
};

fn f(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

fn pt(p: Point) -> String {
    format!("{},{}", f(p.0), f(p.1))
}

/// SVG path data of a route.
pub fn path_data(route: &Route) -> String {
    let mut d = format!("M{}", pt(route.start));
    for s in &route.segments {
        match s {
            Segment::Line(p) => {
                let _ = write!(d, " L{}", pt(*p));
            }
            Segment::Curve(a, b, p) => {
                let _ = write!(d, " C{} {} {}", pt(*a), pt(*b), pt(*p));
            }
        }
    }
    d
}

fn edge_style(
    kind: &EdgeKind,
    p: &Palette,
) -> (&'static str, &'static str, Option<&'static str>, &'static str) {
    // (class, colour, dash, marker id)
    match kind {
        EdgeKind::Effect => ("effect", p.effect, None, "arrow-effect"),
        EdgeKind::OnTrue => ("on-true", p.on_true, None, "arrow-true"),
        EdgeKind::OnFalse => ("on-false", p.on_false, Some("7 4"), "arrow-false"),
        EdgeKind::Relationship(_) => ("relationship", p.relation, Some("5 4"), "arrow-relation"),
        EdgeKind::Reference(_) => ("reference", p.relation, Some("2 3"), "arrow-relation"),
    }
}

/// How a mark is drawn: (colour, outline width, dash pattern); `None` for [`Mark::Dim`], which
/// fades the element instead. Each mark has its own dash pattern, so it does not rest on
/// colour alone.
fn mark_style(mark: Mark, p: &Palette) -> Option<(&'static str, f64, Option<&'static str>)> {
    match mark {
        Mark::Detected => Some((p.marks[0], 3.5, None)),
        Mark::Partial => Some((p.marks[1], 3.5, Some("9 4"))),
        Mark::Undetected => Some((p.marks[2], 3.5, Some("3 3"))),
        Mark::Highlight => Some((p.marks[3], 4.5, None)),
        Mark::Dim => None,
    }
}

/// Opacity of dimmed elements.
const DIM: &str = "0.3";

/// An `opacity` attribute, or nothing for "".
fn opacity(value: &str) -> String {
    if value.is_empty() {
        String::new()
    } else {
        format!(" opacity=\"{value}\"")
    }
}

fn colours<'p>(kind: &NodeKind, p: &'p Palette) -> &'p (&'static str, &'static str, &'static str) {
    match kind {
        NodeKind::Action => &p.action,
        NodeKind::Condition => &p.condition,
        NodeKind::Operator(_) => &p.operator,
        NodeKind::Asset => &p.asset,
        NodeKind::Sdo => &p.sdo,
        NodeKind::Observable => &p.observable,
    }
}

fn class_of(kind: &NodeKind) -> &'static str {
    match kind {
        NodeKind::Action => "action",
        NodeKind::Condition => "condition",
        NodeKind::Operator(_) => "operator",
        NodeKind::Asset => "asset",
        NodeKind::Sdo => "object",
        NodeKind::Observable => "observable",
    }
}

fn write_text(out: &mut String, l: &TextLine, fill: &str) {
    let _ = write!(
        out,
        "<text x=\"{}\" y=\"{}\" font-size=\"{}\"{}{} fill=\"{fill}\">",
        f(l.x),
        f(l.y),
        f(l.size),
        if l.bold { " font-weight=\"bold\"" } else { "" },
        if l.anchor == Anchor::Middle {
            " text-anchor=\"middle\""
        } else {
            ""
        },
    );
    xml_escape_into(out, &l.text);
    out.push_str("</text>");
}

/// Renders the objects of one flow as a standalone SVG document (see [`diagram`] for what can
/// go wrong).
pub fn render_svg(objects: &[Object], options: &SvgOptions) -> Result<String, RenderError> {
    Ok(write_svg(&diagram(objects, options)?, options.theme))
}

/// Writes a laid-out [`Diagram`] as SVG.
pub fn write_svg(d: &Diagram, theme: Theme) -> String {
    let p = match theme {
        Theme::Light => &LIGHT,
        Theme::Dark => &DARK,
    };
    let mut out = String::with_capacity(4096 + d.nodes.len() * 900 + d.edges.len() * 400);
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" \
         role=\"img\" aria-labelledby=\"flow-title flow-desc\" font-family=\"{}\">",
        FONT_STACK,
        w = f(d.width),
        h = f(d.height)
    );
    let _ = writeln!(out, "<title id=\"flow-title\">{}</title>", xml_escape(&d.title));
    let _ = writeln!(
        out,
        "<desc id=\"flow-desc\">{}</desc>",
        xml_escape(&d.description)
    );
    out.push_str("<defs>\n");
    let mut markers = vec![
        ("arrow-effect".to_string(), p.effect),
        ("arrow-true".to_string(), p.on_true),
        ("arrow-false".to_string(), p.on_false),
        ("arrow-relation".to_string(), p.relation),
    ];
    let edge_marks: std::collections::BTreeSet<Mark> = d.edges.iter().filter_map(|e| e.mark).collect();
    for m in edge_marks {
        if let Some((colour, _, _)) = mark_style(m, p) {
            markers.push((format!("arrow-{}", m.name()), colour));
        }
    }
    for (id, colour) in markers {
        let _ = writeln!(
            out,
            "<marker id=\"{id}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" \
             markerUnits=\"userSpaceOnUse\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{colour}\"/></marker>"
        );
    }
    out.push_str("</defs>\n");
    let _ = writeln!(
        out,
        "<rect width=\"100%\" height=\"100%\" fill=\"{}\"/>",
        p.background
    );
    out.push_str("<g class=\"heading\">");
    for l in &d.heading {
        let fill = if l.role == TextRole::Muted {
            p.muted
        } else {
            p.text
        };
        write_text(&mut out, l, fill);
    }
    out.push_str("</g>\n<g class=\"edges\">\n");
    for e in &d.edges {
        let (class, mut colour, dash, marker) = edge_style(&e.kind, p);
        let (mut width, mut marker, mut mark_class, mut fade) =
            ("1.6", marker.to_string(), String::new(), "");
        if let Some(m) = e.mark {
            mark_class = format!(" mark-{}", m.name());
            match mark_style(m, p) {
                Some((c, _, _)) => {
                    colour = c;
                    width = "3";
                    marker = format!("arrow-{}", m.name());
                }
                None => fade = DIM,
            }
        }
        let _ = write!(
            out,
            "<g class=\"edge {class}{mark_class}\" data-from=\"node-{}\" data-to=\"node-{}\"{}><title>",
            e.from,
            e.to,
            opacity(fade)
        );
        xml_escape_into(&mut out, &e.title);
        let _ = writeln!(
            out,
            "</title><path d=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{width}\"{} marker-end=\"url(#{marker})\"/></g>",
            path_data(&e.route),
            dash.map(|s| format!(" stroke-dasharray=\"{s}\"")).unwrap_or_default()
        );
    }
    out.push_str("</g>\n<g class=\"edge-labels\">\n");
    for e in &d.edges {
        if let Some((line, (x, y, w, h))) = &e.label {
            let (_, colour, _, _) = edge_style(&e.kind, p);
            let _ = write!(
                out,
                "<g><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" fill=\"{}\" stroke=\"{colour}\" stroke-width=\"0.8\"/>",
                f(*x),
                f(*y),
                f(*w),
                f(*h),
                p.label_bg
            );
            let fill = match e.kind {
                EdgeKind::OnTrue | EdgeKind::OnFalse => colour,
                _ => p.muted,
            };
            write_text(&mut out, line, fill);
            out.push_str("</g>\n");
        }
    }
    out.push_str("</g>\n<g class=\"nodes\">\n");
    for n in &d.nodes {
        let (fill, stroke, accent) = *colours(&n.kind, p);
        let style = n.mark.and_then(|m| mark_style(m, p));
        let _ = write!(
            out,
            "<g class=\"node {}{}\" id=\"node-{}\" data-stix-id=\"{}\"{}><title>",
            class_of(&n.kind),
            n.mark.map(|m| format!(" mark-{}", m.name())).unwrap_or_default(),
            n.index,
            xml_escape(&n.stix_id),
            opacity(if n.mark == Some(Mark::Dim) { DIM } else { "" })
        );
        xml_escape_into(&mut out, &n.title);
        out.push_str("</title>");
        let dash = if n.dashed { " stroke-dasharray=\"5 3\"" } else { "" };
        let width = if n.shape == Shape::Ellipse { "2" } else { "1.5" };
        write_outline(
            &mut out,
            n,
            &format!("fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{width}\"{dash}"),
        );
        if let Shape::Rect { radius } = n.shape {
            if n.band > 0.0 {
                // The band: rounded at the top, square at the bottom.
                let (x, y, w, b, r) = (n.x, n.y, n.width, n.band, radius);
                let _ = write!(
                    out,
                    "<path d=\"M{} L{} Q{} {} L{} Q{} {} L{} Z\" fill=\"{accent}\"/>",
                    pt((x, y + b)),
                    pt((x, y + r)),
                    pt((x, y)),
                    pt((x + r, y)),
                    pt((x + w - r, y)),
                    pt((x + w, y)),
                    pt((x + w, y + r)),
                    pt((x + w, y + b)),
                );
            }
        }
        // A mark's outline goes over the shape and its band.
        if let Some((colour, width, dash)) = style {
            let dash = dash
                .map(|d| format!(" stroke-dasharray=\"{d}\""))
                .unwrap_or_default();
            write_outline(
                &mut out,
                n,
                &format!("class=\"mark\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{width}\"{dash}"),
            );
        }
        for l in &n.lines {
            let colour = match l.role {
                TextRole::Band => p.band_text,
                TextRole::Caption => accent,
                TextRole::Main | TextRole::EdgeLabel => p.text,
                TextRole::Muted => p.muted,
            };
            write_text(&mut out, l, colour);
        }
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n");
    if let Some(legend) = &d.legend {
        write_legend(&mut out, legend, p);
    }
    out.push_str("</svg>\n");
    out
}

/// Writes a node's outline (its shape) with the given attributes.
fn write_outline(out: &mut String, n: &DrawnNode, attrs: &str) {
    let _ = match n.shape {
        Shape::Rect { radius } => write!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\" {attrs}/>",
            f(n.x),
            f(n.y),
            f(n.width),
            f(n.height),
            f(radius)
        ),
        Shape::Hexagon { inset } => {
            let (x, y, w, h) = (n.x, n.y, n.width, n.height);
            write!(
                out,
                "<polygon points=\"{} {} {} {} {} {}\" {attrs}/>",
                pt((x + inset, y)),
                pt((x + w - inset, y)),
                pt((x + w, y + h / 2.0)),
                pt((x + w - inset, y + h)),
                pt((x + inset, y + h)),
                pt((x, y + h / 2.0)),
            )
        }
        Shape::Ellipse => write!(
            out,
            "<ellipse cx=\"{}\" cy=\"{}\" rx=\"{}\" ry=\"{}\" {attrs}/>",
            f(n.x + n.width / 2.0),
            f(n.y + n.height / 2.0),
            f(n.width / 2.0),
            f(n.height / 2.0)
        ),
    };
}

/// Writes an overlay's legend: its title, and a swatch drawn as the mark is plus its wording
/// per mark.
fn write_legend(out: &mut String, legend: &Legend, p: &Palette) {
    out.push_str("<g class=\"legend\">");
    if let Some(t) = &legend.title {
        write_text(out, t, p.text);
    }
    for (mark, (x, y), text) in &legend.entries {
        let (w, h) = LEGEND_SWATCH;
        let _ = write!(
            out,
            "<g class=\"mark-{}\"{}>",
            mark.name(),
            opacity(if *mark == Mark::Dim { DIM } else { "" })
        );
        let (fill, stroke, _) = p.action;
        let _ = write!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\"/>",
            f(*x),
            f(*y),
            f(w),
            f(h)
        );
        if let Some((colour, width, dash)) = mark_style(*mark, p) {
            let _ = write!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{}\"{}/>",
                f(*x),
                f(*y),
                f(w),
                f(h),
                f(width * 0.7),
                dash.map(|d| format!(" stroke-dasharray=\"{d}\"")).unwrap_or_default()
            );
        }
        write_text(out, text, p.muted);
        out.push_str("</g>");
    }
    out.push_str("</g>\n");
}
