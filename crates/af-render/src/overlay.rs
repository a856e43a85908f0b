//! Overlays: marks that an analysis puts on a flow's nodes and edges (a step is detected, a
//! choke point is undetected, an edge lies on a path to a goal) for the SVG to show on top of
//! the usual picture.
//!
//! The renderer knows no analysis: whoever computes coverage or paths builds an [`Overlay`]
//! of STIX ids and [`Mark`]s and passes it in [`crate::SvgOptions::overlay`]. Marks never move
//! anything: the layout is the same with or without them; the SVG draws marked outlines and
//! edges in the mark's colour, width and dash pattern (so the mark does not rest on colour
//! alone), names the mark in each element's `<title>` and `class`, dims what is marked
//! [`Mark::Dim`], and adds a legend of the marks used below the picture.

use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What an analysis says about one node or edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mark {
    /// Covered: a detection sees this step.
    Detected,
    /// Partly covered (a detection on the parent technique only, say).
    Partial,
    /// Not covered.
    Undetected,
    /// Singled out: on a path to a goal, a choke point, a step to look at.
    Highlight,
    /// Not part of what is being shown; drawn faintly.
    Dim,
}

impl Mark {
    /// Every mark, in legend order.
    pub const ALL: [Mark; 5] = [
        Mark::Detected,
        Mark::Partial,
        Mark::Undetected,
        Mark::Highlight,
        Mark::Dim,
    ];

    /// The mark's name in SVG classes (`mark-detected`) and its default legend wording.
    pub fn name(self) -> &'static str {
        match self {
            Mark::Detected => "detected",
            Mark::Partial => "partial",
            Mark::Undetected => "undetected",
            Mark::Highlight => "highlight",
            Mark::Dim => "dim",
        }
    }

    /// Default legend wording.
    fn default_label(self) -> &'static str {
        match self {
            Mark::Detected => "detected",
            Mark::Partial => "partly detected",
            Mark::Undetected => "undetected",
            Mark::Highlight => "highlighted",
            Mark::Dim => "not involved",
        }
    }
}

/// Marks on nodes and edges, by STIX id. Ids the picture does not draw are ignored.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overlay {
    /// Marks on nodes, by the object's STIX id.
    pub nodes: HashMap<String, Mark>,
    /// Marks on edges, by the STIX ids of the drawn source and target (as `afc render` draws
    /// the edge: the action an `effect_refs` starts from, a relationship's `source_ref`).
    pub edges: HashMap<(String, String), Mark>,
    /// Heading of the legend (`Detection coverage: 7 of 11 steps`); the legend is drawn when
    /// this is set or any mark is used.
    pub title: Option<String>,
    /// Legend wording per mark, replacing the default (`Highlight` → `on a way to encrypt`).
    pub labels: BTreeMap<Mark, String>,
}

impl Overlay {
    /// An overlay with no marks.
    pub fn new() -> Overlay {
        Overlay::default()
    }

    /// Marks a node.
    pub fn mark_node(&mut self, stix_id: impl Into<String>, mark: Mark) -> &mut Overlay {
        self.nodes.insert(stix_id.into(), mark);
        self
    }

    /// Marks the edge from `from` to `to` (STIX ids).
    pub fn mark_edge(&mut self, from: impl Into<String>, to: impl Into<String>, mark: Mark) -> &mut Overlay {
        self.edges.insert((from.into(), to.into()), mark);
        self
    }

    /// Whether nothing is marked and no legend was asked for.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty() && self.edges.is_empty() && self.title.is_none()
    }

    /// The legend wording of `mark`.
    pub fn label(&self, mark: Mark) -> &str {
        self.labels
            .get(&mark)
            .map_or(mark.default_label(), String::as_str)
    }

    /// The marks used, in legend order.
    pub(crate) fn used(&self) -> BTreeSet<Mark> {
        self.nodes.values().chain(self.edges.values()).copied().collect()
    }
}
