//! Draws MITRE Attack Flow STIX 2.1 objects for people and other tools:
//!
//! - **SVG** laid out by afc itself ([`render_svg`]): a layered (Sugiyama-style) layout with
//!   action cards, condition hexagons, operator circles, asset and object boxes, branch and
//!   relationship labels, light and dark themes, `<title>` elements for accessibility;
//! - **Mermaid** flowcharts that GitHub renders in Markdown ([`render_mermaid`]);
//! - **Graphviz DOT** ([`render_dot`]);
//! - **ATT&CK Navigator layers** (layer format 4.5), one per ATT&CK domain, and ATLAS
//!   Navigator layers, merging any number of flows into a heat map ([`navigator_layers`]);
//! - **overlays** on the SVG ([`overlay`]): marks an analysis puts on nodes and edges
//!   (detected, undetected, highlighted, dimmed), drawn over the usual picture with a legend.
//!
//! Text is sized with a table of real font advance widths (`metrics`), never a font engine, so
//! the crate stays small and builds for WebAssembly; rasterizing to PNG is `af-png`'s job.
//!
//! The input is a list of STIX objects as JSON maps: what `af_compile` produces, or the
//! `objects` of any Attack Flow bundle ([`parse_objects`]), including bundles written by other
//! tools (the Attack Flow Builder's condition branches as `related-to` relationships, its
//! bundle-level `spec_version`, …). Technique and tactic names come from `af-catalog`.
//!
//! This crate must not know about the `.af` language, its syntax, source spans or
//! diagnostics, nor about files and the command line, nor how an analysis decides its marks:
//! callers hand it objects (and an overlay) and get text.

mod dot;
pub mod graph;
pub mod layout;
mod mermaid;
mod metrics;
mod navigator;
pub mod overlay;
pub mod svg;
pub mod text;

pub use dot::{render_dot, DotOptions};
pub use graph::{Edge, EdgeKind, Graph, Node, NodeKind, TacticLabel, TechniqueLabel};
pub use layout::Direction;
pub use mermaid::{mermaid_of, render_mermaid, MermaidOptions};
pub use navigator::{
    navigator_layers, FlowObjects, Layer, Layers, NavigatorOptions, ATLAS_LAYER_VERSION,
    ATLAS_NAVIGATOR_VERSION, LAYER_VERSION, NAVIGATOR_VERSION,
};
pub use overlay::{Mark, Overlay};
pub use svg::{diagram, render_svg, Diagram, SvgOptions, Theme};

use af_catalog::Catalog;
use serde_json::Value;
use std::sync::Arc;

/// One STIX object.
pub type Object = serde_json::Map<String, Value>;

pub(crate) fn catalog_of(catalog: &Option<Arc<Catalog>>) -> &Catalog {
    match catalog {
        Some(c) => c,
        None => Catalog::embedded(),
    }
}

/// Why input could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenderError {
    /// The text is not JSON.
    Json(String),
    /// The JSON is neither a bundle, nor an array of objects, nor one object.
    NotABundle(String),
    /// There is no STIX object (with a `type` and an `id`) to draw.
    NoObjects,
    /// The flow has more nodes or edges than the SVG layout takes
    /// ([`layout::MAX_NODES`], [`layout::MAX_EDGES`]).
    TooLarge {
        /// Nodes to draw.
        nodes: usize,
        /// Edges to draw.
        edges: usize,
    },
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenderError::Json(e) => write!(f, "not valid JSON: {e}"),
            RenderError::NotABundle(why) => write!(f, "not a STIX bundle: {why}"),
            RenderError::NoObjects => f.write_str("no STIX objects with a type and an id"),
            RenderError::TooLarge { nodes, edges } => write!(
                f,
                "too large to lay out: {} nodes and {} edges to draw; the SVG layout takes at most \
                 {} nodes and {} edges (Mermaid and DOT output have no such limit)",
                thousands(*nodes),
                thousands(*edges),
                thousands(layout::MAX_NODES),
                thousands(layout::MAX_EDGES)
            ),
        }
    }
}

impl std::error::Error for RenderError {}

/// `12345` as `12,345`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Reads STIX objects from JSON text: a bundle (`{"type": "bundle", "objects": […]}`, with or
/// without bundle-level `spec_version`, `created` and other extras), a bare array of objects,
/// or a single object; a leading byte order mark is skipped as the importer and the validator
/// skip it. Elements that are not JSON objects are skipped.
pub fn parse_objects(json: &str) -> Result<Vec<Object>, RenderError> {
    let value: Value = serde_json::from_str(af_stix::input::strip_bom(json))
        .map_err(|e| RenderError::Json(e.to_string()))?;
    objects_of(value)
}

/// Like [`parse_objects`], from a parsed JSON value.
pub fn objects_of(value: Value) -> Result<Vec<Object>, RenderError> {
    let items = match value {
        Value::Array(items) => items,
        Value::Object(mut map) => match map.get("type").and_then(Value::as_str) {
            Some("bundle") => match map.remove("objects") {
                Some(Value::Array(items)) => items,
                Some(_) => return Err(RenderError::NotABundle("`objects` is not an array".into())),
                None => return Err(RenderError::NotABundle("the bundle has no `objects`".into())),
            },
            Some(_) => vec![Value::Object(map)],
            None => {
                return Err(RenderError::NotABundle(
                    "a JSON object without `type`; expected a bundle".into(),
                ))
            }
        },
        other => {
            return Err(RenderError::NotABundle(format!(
                "expected a JSON object or array, found {}",
                match other {
                    Value::Null => "null",
                    Value::Bool(_) => "a boolean",
                    Value::Number(_) => "a number",
                    Value::String(_) => "a string",
                    _ => "something else",
                }
            )))
        }
    };
    let objects: Vec<Object> = items
        .into_iter()
        .filter_map(|v| match v {
            Value::Object(m) => Some(m),
            _ => None,
        })
        .collect();
    if !objects
        .iter()
        .any(|o| o.get("type").is_some_and(Value::is_string) && o.get("id").is_some_and(Value::is_string))
    {
        return Err(RenderError::NoObjects);
    }
    Ok(objects)
}

/// The name of the flow (`attack-flow` object's `name`), if the objects have one.
pub fn flow_name(objects: &[Object]) -> Option<String> {
    objects
        .iter()
        .find(|o| o.get("type").and_then(Value::as_str) == Some("attack-flow"))
        .and_then(|o| o.get("name"))
        .and_then(Value::as_str)
        .map(text::normalize)
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundles_arrays_and_single_objects_parse() {
        let bundle = r#"{"type":"bundle","id":"bundle--1","spec_version":"2.1","objects":[{"type":"tool","id":"tool--1","name":"x"}, 3]}"#;
        assert_eq!(parse_objects(bundle).map(|o| o.len()), Ok(1));
        assert_eq!(
            parse_objects(r#"[{"type":"tool","id":"tool--1"}]"#).map(|o| o.len()),
            Ok(1)
        );
        assert_eq!(
            parse_objects(r#"{"type":"tool","id":"tool--1"}"#).map(|o| o.len()),
            Ok(1)
        );
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let bundle = "\u{feff}{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":[{\"type\":\"tool\",\"id\":\"tool--1\"}]}";
        assert_eq!(parse_objects(bundle).map(|o| o.len()), Ok(1));
    }

    #[test]
    fn bad_input_gives_clear_errors() {
        assert!(matches!(parse_objects("{"), Err(RenderError::Json(_))));
        assert!(matches!(parse_objects("42"), Err(RenderError::NotABundle(_))));
        assert!(matches!(
            parse_objects(r#"{"type":"bundle","objects":{}}"#),
            Err(RenderError::NotABundle(_))
        ));
        assert!(matches!(
            parse_objects(r#"{"id":"x"}"#),
            Err(RenderError::NotABundle(_))
        ));
        assert_eq!(
            parse_objects(r#"{"type":"bundle","objects":[{"id":1}]}"#),
            Err(RenderError::NoObjects)
        );
    }
}
