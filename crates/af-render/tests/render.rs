//! Every example and every corpus flow renders in every format; the SVG is well-formed XML
//! whose geometry holds (no overlapping nodes, labels inside their shapes, edges ending on
//! their nodes); Navigator layers match the layer format's required fields; snapshots of
//! three examples in each format.

use af_render::layout::{Segment, Shape};
use af_render::svg::{Anchor, Diagram, DrawnNode};
use af_render::{
    diagram, navigator_layers, parse_objects, render_dot, render_mermaid, render_svg, Direction, DotOptions,
    FlowObjects, MermaidOptions, NavigatorOptions, Object, SvgOptions, Theme,
};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// The laid-out diagram; the flows of these tests are never too large.
fn drawn(objects: &[Object], options: &SvgOptions) -> Diagram {
    match diagram(objects, options) {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    }
}

/// The SVG; the flows of these tests are never too large.
fn svg_of(objects: &[Object], options: &SvgOptions) -> String {
    match render_svg(objects, options) {
        Ok(svg) => svg,
        Err(e) => panic!("{e}"),
    }
}

fn examples_dir() -> PathBuf {
    af_testkit::workspace_root().join("examples")
}

fn compile(path: &Path) -> Vec<Object> {
    let source = match std::fs::read_to_string(path) {
        Ok(s) => s,
        Err(e) => panic!("{}: {e}", path.display()),
    };
    let compiled = af_compile::compile_str(&source, &af_compile::Options::default());
    assert!(!compiled.has_errors(), "{} does not compile", path.display());
    compiled
        .objects
        .into_iter()
        .map(af_compile::Object::into_map)
        .collect()
}

fn files_with(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == ext))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn example(name: &str) -> Vec<Object> {
    compile(&examples_dir().join(format!("{name}.af")))
}

// ---------------------------------------------------------------------------------------------
// Geometry

const EPS: f64 = 0.6;

fn overlaps(a: &DrawnNode, b: &DrawnNode) -> bool {
    a.x < b.x + b.width - EPS
        && b.x < a.x + a.width - EPS
        && a.y < b.y + b.height - EPS
        && b.y < a.y + a.height - EPS
}

/// The horizontal span of a node's shape at height `y`, or `None` outside it.
fn span_at(n: &DrawnNode, y: f64) -> Option<(f64, f64)> {
    if y < n.y || y > n.y + n.height {
        return None;
    }
    let (cx, cy) = (n.x + n.width / 2.0, n.y + n.height / 2.0);
    match n.shape {
        Shape::Rect { radius } => {
            // Inside the rounded corners.
            let dy = (n.y + radius - y).max(y - (n.y + n.height - radius)).max(0.0);
            let inset = radius - (radius * radius - dy * dy).max(0.0).sqrt();
            Some((n.x + inset, n.x + n.width - inset))
        }
        Shape::Hexagon { inset } => {
            let t = (y - cy).abs() / (n.height / 2.0);
            let i = inset * t;
            Some((n.x + i, n.x + n.width - i))
        }
        Shape::Ellipse => {
            let (a, b) = (n.width / 2.0, n.height / 2.0);
            let t = (y - cy) / b;
            let half = a * (1.0 - t * t).max(0.0).sqrt();
            Some((cx - half, cx + half))
        }
    }
}

fn point_segment_distance(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    };
    let (qx, qy) = (a.0 + t * dx, a.1 + t * dy);
    ((p.0 - qx).powi(2) + (p.1 - qy).powi(2)).sqrt()
}

/// Distance from `p` to the node's outline.
fn outline_distance(n: &DrawnNode, p: (f64, f64)) -> f64 {
    let (x, y, w, h) = (n.x, n.y, n.width, n.height);
    let polygon: Vec<(f64, f64)> = match n.shape {
        Shape::Rect { .. } => vec![(x, y), (x + w, y), (x + w, y + h), (x, y + h)],
        Shape::Hexagon { inset } => vec![
            (x + inset, y),
            (x + w - inset, y),
            (x + w, y + h / 2.0),
            (x + w - inset, y + h),
            (x + inset, y + h),
            (x, y + h / 2.0),
        ],
        Shape::Ellipse => {
            let (cx, cy, a, b) = (x + w / 2.0, y + h / 2.0, w / 2.0, h / 2.0);
            let r = (((p.0 - cx) / a).powi(2) + ((p.1 - cy) / b).powi(2)).sqrt();
            return (r - 1.0).abs() * a.min(b);
        }
    };
    (0..polygon.len())
        .map(|i| point_segment_distance(p, polygon[i], polygon[(i + 1) % polygon.len()]))
        .fold(f64::INFINITY, f64::min)
}

fn check_geometry(d: &Diagram, what: &str) {
    // No two node boxes overlap.
    for (i, a) in d.nodes.iter().enumerate() {
        for b in &d.nodes[i + 1..] {
            assert!(
                !overlaps(a, b),
                "{what}: nodes {} and {} overlap",
                a.stix_id,
                b.stix_id
            );
        }
        assert!(
            a.x >= 0.0 && a.y >= 0.0 && a.x + a.width <= d.width + EPS && a.y + a.height <= d.height + EPS,
            "{what}: node {} lies outside the drawing",
            a.stix_id
        );
    }
    // Nodes sit below the heading.
    let heading_bottom = d.heading.iter().map(|l| l.y).fold(0.0, f64::max);
    for n in &d.nodes {
        assert!(
            n.y > heading_bottom,
            "{what}: node {} overlaps the heading",
            n.stix_id
        );
    }
    // Every text line fits inside its shape (by the same width estimate used to size it).
    for n in &d.nodes {
        for line in &n.lines {
            let (left, right) = line.extent();
            let top = line.y - line.size * 0.8;
            let bottom = line.y + line.size * 0.25;
            for y in [top, bottom] {
                let Some((l, r)) = span_at(n, y) else {
                    panic!(
                        "{what}: text `{}` of {} sticks out vertically",
                        line.text, n.stix_id
                    );
                };
                assert!(
                    left >= l - EPS && right <= r + EPS,
                    "{what}: text `{}` ({left:.1}..{right:.1}) does not fit {} ({l:.1}..{r:.1}) at y {y:.1}",
                    line.text,
                    n.stix_id
                );
            }
            if line.anchor == Anchor::Middle {
                assert!(
                    (line.x - (n.x + n.width / 2.0)).abs() < EPS,
                    "{what}: centred text off centre"
                );
            }
        }
    }
    // Every edge starts on its source's outline and ends on its target's.
    for e in &d.edges {
        let from = &d.nodes[e.from];
        let to = &d.nodes[e.to];
        let (s, t) = (e.route.start, e.route.end());
        assert!(
            outline_distance(from, s) < EPS,
            "{what}: edge {} -> {} starts {:.2} px off its source",
            from.stix_id,
            to.stix_id,
            outline_distance(from, s)
        );
        assert!(
            outline_distance(to, t) < EPS,
            "{what}: edge {} -> {} ends {:.2} px off its target",
            from.stix_id,
            to.stix_id,
            outline_distance(to, t)
        );
        assert!(!e.route.segments.is_empty(), "{what}: empty edge path");
        if let Some((line, (x, _, w, _))) = &e.label {
            let (l, r) = line.extent();
            assert!(
                l >= x - EPS && r <= x + w + EPS,
                "{what}: edge label `{}` overflows its box",
                line.text
            );
        }
    }
}

/// Parses the SVG as XML and checks the accessibility skeleton.
fn check_svg(svg: &str, d: &Diagram, what: &str) {
    let doc = match roxmltree::Document::parse(svg) {
        Ok(doc) => doc,
        Err(e) => panic!("{what}: SVG is not well-formed XML: {e}"),
    };
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg", "{what}");
    assert_eq!(root.attribute("role"), Some("img"), "{what}");
    let first = root.children().find(|c| c.is_element());
    assert_eq!(
        first.map(|c| c.tag_name().name()),
        Some("title"),
        "{what}: the document title comes first"
    );
    let groups: Vec<_> = root
        .descendants()
        .filter(|n| n.attribute("class").is_some_and(|c| c.starts_with("node ")))
        .collect();
    assert_eq!(groups.len(), d.nodes.len(), "{what}: one group per node");
    for g in &groups {
        let title = g.children().find(|c| c.is_element());
        assert_eq!(
            title.map(|t| t.tag_name().name()),
            Some("title"),
            "{what}: node without <title>"
        );
        assert!(
            title.and_then(|t| t.text()).is_some_and(|t| !t.is_empty()),
            "{what}: empty node title"
        );
    }
    let edges = root
        .descendants()
        .filter(|n| n.attribute("class").is_some_and(|c| c.starts_with("edge ")))
        .count();
    assert_eq!(edges, d.edges.len(), "{what}: one group per edge");
}

// ---------------------------------------------------------------------------------------------
// Mermaid, DOT and Navigator checks

fn check_mermaid(text: &str, objects: &[Object], what: &str) {
    let graph = af_render::Graph::from_objects(objects, af_catalog::Catalog::embedded()).unwrap_or_default();
    let body: Vec<&str> = text
        .lines()
        .skip_while(|l| *l != "---" && !l.starts_with("flowchart"))
        .collect();
    let start = body
        .iter()
        .position(|l| l.starts_with("flowchart "))
        .unwrap_or(usize::MAX);
    assert!(start != usize::MAX, "{what}: no flowchart line");
    let node_lines = body
        .iter()
        .filter(|l| l.starts_with("  n") && l.contains('"') && !l.contains("-->") && !l.contains("-.->"))
        .count();
    assert_eq!(node_lines, graph.nodes.len(), "{what}: one line per node");
    let edge_lines = body
        .iter()
        .filter(|l| l.contains(" --> ") || l.contains(" -.-> ") || l.contains("-->|") || l.contains("-.->|"))
        .count();
    assert_eq!(edge_lines, graph.edges.len(), "{what}: one line per edge");
    for l in &body[start + 1..] {
        // Inside labels only entity escapes: an even number of quotes per line.
        assert_eq!(
            l.matches('"').count() % 2,
            0,
            "{what}: unbalanced quotes in `{l}`"
        );
        let inner: String = l.split('"').skip(1).step_by(2).collect();
        assert!(
            !inner.contains('#') || inner.contains(';'),
            "{what}: raw # in `{l}`"
        );
        let stripped = inner
            .replace("<br>", "")
            .replace("<b>", "")
            .replace("</b>", "")
            .replace("<i>", "")
            .replace("</i>", "");
        assert!(
            !stripped.contains('<') && !stripped.contains('>'),
            "{what}: raw markup in `{l}`"
        );
    }
}

fn check_dot(text: &str, objects: &[Object], what: &str) {
    let graph = af_render::Graph::from_objects(objects, af_catalog::Catalog::embedded()).unwrap_or_default();
    assert!(
        text.starts_with("digraph flow {\n") && text.ends_with("}\n"),
        "{what}"
    );
    let edges = text
        .lines()
        .filter(|l| l.trim_start().starts_with('n') && l.contains(" -> "))
        .count();
    assert_eq!(edges, graph.edges.len(), "{what}: one statement per edge");
    // Every quoted string closes on its line (escaped quotes excepted).
    for l in text.lines() {
        let unescaped = l.replace("\\\\", "").replace("\\\"", "");
        assert_eq!(
            unescaped.matches('"').count() % 2,
            0,
            "{what}: unbalanced quotes in `{l}`"
        );
    }
}

fn layer_schema() -> jsonschema::Validator {
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": ["name", "domain", "versions", "techniques"],
        "properties": {
            "name": {"type": "string", "minLength": 1},
            "domain": {"enum": ["enterprise-attack", "mobile-attack", "ics-attack", "atlas-atlas"]},
            "description": {"type": "string"},
            "versions": {
                "type": "object",
                "required": ["layer"],
                "properties": {
                    "layer": {"enum": ["4.5", "4.3"]},
                    "attack": {"type": "string"},
                    "navigator": {"type": "string"}
                }
            },
            "techniques": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["techniqueID"],
                    "properties": {
                        "techniqueID": {"type": "string", "pattern": "^(AML\\.)?T[0-9]{4}(\\.[0-9]{3})?$"},
                        "tactic": {"type": "string", "pattern": "^[a-z]+(-[a-z]+)*$"},
                        "score": {"type": "number", "minimum": 1},
                        "comment": {"type": "string"},
                        "enabled": {"type": "boolean"},
                        "showSubtechniques": {"type": "boolean"}
                    }
                }
            },
            "gradient": {
                "type": "object",
                "required": ["colors", "minValue", "maxValue"],
                "properties": {"colors": {"type": "array", "minItems": 2, "items": {"type": "string"}}}
            },
            "legendItems": {
                "type": "array",
                "items": {"type": "object", "required": ["label", "color"]}
            }
        },
        // ATLAS layers are in the format the ATLAS Navigator reads (MITRE's own: 4.3) and hold
        // only ATLAS ids; ATT&CK layers are 4.5 and hold only ATT&CK ids.
        "if": {"properties": {"domain": {"const": "atlas-atlas"}}},
        "then": {
            "properties": {
                "versions": {"properties": {"layer": {"const": "4.3"}}, "not": {"required": ["attack"]}},
                "techniques": {"items": {"properties": {"techniqueID": {"pattern": "^AML\\."}}}}
            }
        },
        "else": {
            "properties": {
                "versions": {"properties": {"layer": {"const": "4.5"}}},
                "techniques": {"items": {"properties": {"techniqueID": {"pattern": "^T"}}}}
            }
        }
    });
    match jsonschema::validator_for(&schema) {
        Ok(v) => v,
        Err(e) => panic!("layer schema: {e}"),
    }
}

fn check_layer(schema: &jsonschema::Validator, layer: &Value, what: &str) {
    let errors: Vec<String> = schema
        .iter_errors(layer)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: layer does not match the schema:\n{}",
        errors.join("\n")
    );
}

/// Renders one flow in every format and checks each.
fn check_all_formats(objects: &[Object], what: &str, schema: &jsonschema::Validator) {
    for direction in [Direction::TopDown, Direction::LeftRight] {
        let options = SvgOptions {
            direction,
            ..SvgOptions::default()
        };
        let d = drawn(objects, &options);
        let what = format!("{what} ({direction:?})");
        check_geometry(&d, &what);
        check_routes_avoid_nodes(&d, &what);
        let svg = svg_of(objects, &options);
        check_svg(&svg, &d, &what);
    }
    let dark = svg_of(
        objects,
        &SvgOptions {
            theme: Theme::Dark,
            ..SvgOptions::default()
        },
    );
    assert!(roxmltree::Document::parse(&dark).is_ok(), "{what}: dark SVG");
    check_mermaid(
        &render_mermaid(objects, &MermaidOptions::default()),
        objects,
        what,
    );
    check_dot(&render_dot(objects, &DotOptions::default()), objects, what);
    let layers = navigator_layers(
        &[FlowObjects { name: what, objects }],
        &NavigatorOptions::default(),
    );
    for layer in &layers.layers {
        check_layer(schema, &layer.json, what);
    }
}

#[test]
fn every_example_renders_in_every_format() {
    let schema = layer_schema();
    let files = files_with(&examples_dir(), "af");
    assert!(files.len() >= 6, "expected the examples");
    for path in files {
        let objects = compile(&path);
        check_all_formats(&objects, &path.display().to_string(), &schema);
        let layers = navigator_layers(
            &[FlowObjects {
                name: "x",
                objects: &objects,
            }],
            &NavigatorOptions::default(),
        );
        let catalog = af_catalog::Catalog::embedded();
        let uses = |kind| {
            objects.iter().any(|o| {
                o.get("technique_id").and_then(Value::as_str).is_some_and(|id| {
                    af_catalog::CatalogKind::of_id(id) == kind && catalog.technique(id).is_some()
                })
            })
        };
        let matrices: Vec<&str> = layers.layers.iter().map(|l| l.matrix).collect();
        assert_eq!(
            matrices.iter().any(|m| m.ends_with("-attack")),
            uses(af_catalog::CatalogKind::Attack),
            "{}: an ATT&CK layer exactly when ATT&CK is used",
            path.display()
        );
        assert_eq!(
            matrices.contains(&"atlas"),
            uses(af_catalog::CatalogKind::Atlas),
            "{}: an ATLAS layer exactly when ATLAS is used",
            path.display()
        );
    }
}

#[test]
fn every_corpus_flow_renders_in_every_format() {
    let Some(shared) = af_testkit::shared_or_skip("every_corpus_flow_renders_in_every_format") else {
        return;
    };
    let schema = layer_schema();
    let files = files_with(&shared.join("corpus/stix"), "json");
    assert!(!files.is_empty(), "no corpus flows");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let objects = match parse_objects(&text) {
            Ok(o) => o,
            Err(e) => panic!("{}: {e}", path.display()),
        };
        check_all_formats(&objects, &path.display().to_string(), &schema);
        let d = drawn(&objects, &SvgOptions::default());
        let actions = objects
            .iter()
            .filter(|o| o.get("type").and_then(Value::as_str) == Some("attack-action"))
            .count();
        assert_eq!(
            d.nodes
                .iter()
                .filter(|n| n.kind == af_render::NodeKind::Action)
                .count(),
            actions,
            "{}: every action is drawn",
            path.display()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Behaviour

fn node_by_title<'a>(d: &'a Diagram, needle: &str) -> &'a DrawnNode {
    match d.nodes.iter().find(|n| n.title.contains(needle)) {
        Some(n) => n,
        None => panic!("no node titled like `{needle}`"),
    }
}

#[test]
fn attack_tree_draws_its_goal_on_top() {
    let objects = example("attack-tree-vpn-access");
    let d = drawn(&objects, &SvgOptions::default());
    let goal = node_by_title(&d, "Interactive session on the corporate VPN");
    for n in &d.nodes {
        if n.stix_id != goal.stix_id && n.kind == af_render::NodeKind::Action {
            assert!(n.y > goal.y + goal.height, "{} is not below the goal", n.title);
        }
    }
    // Arrows still point towards the goal: the edge into the goal ends on its bottom.
    let into_goal = d.edges.iter().find(|e| d.nodes[e.to].stix_id == goal.stix_id);
    let end = into_goal.map(|e| e.route.end());
    assert!(
        end.is_some_and(|(_, y)| (y - (goal.y + goal.height)).abs() < EPS),
        "{end:?}"
    );
    // Mermaid and DOT draw bottom-up so that the goal comes first.
    assert!(render_mermaid(&objects, &MermaidOptions::default()).contains("flowchart BT\n"));
    assert!(render_dot(&objects, &DotOptions::default()).contains("rankdir=BT"));
}

#[test]
fn flows_run_down_or_right() {
    let objects = example("bec-invoice-fraud");
    for (direction, horizontal) in [(Direction::TopDown, false), (Direction::LeftRight, true)] {
        let d = drawn(
            &objects,
            &SvgOptions {
                direction,
                ..SvgOptions::default()
            },
        );
        let phish = node_by_title(&d, "Send a 'shared document' link");
        let cookie = node_by_title(&d, "The reverse proxy captures the session cookie");
        let payment = node_by_title(&d, "Accounts payable wires");
        let main = |n: &DrawnNode| if horizontal { n.x } else { n.y };
        assert!(
            main(phish) < main(cookie) && main(cookie) < main(payment),
            "{direction:?}"
        );
    }
}

#[test]
fn branch_and_relationship_labels_are_drawn() {
    let objects = example("bec-invoice-fraud");
    let d = drawn(&objects, &SvgOptions::default());
    let labels: Vec<&str> = d
        .edges
        .iter()
        .filter_map(|e| e.label.as_ref())
        .map(|l| l.0.text.as_str())
        .collect();
    for want in ["true", "false", "consists-of", "targets", "asset"] {
        assert!(labels.contains(&want), "missing edge label {want}: {labels:?}");
    }
    let svg = svg_of(&objects, &SvgOptions::default());
    assert!(svg.contains("class=\"edge on-false\"") && svg.contains("stroke-dasharray=\"7 4\""));
}

#[test]
fn action_cards_show_tactic_technique_name_and_description() {
    let objects = example("bec-invoice-fraud");
    let d = drawn(&objects, &SvgOptions::default());
    let phish = node_by_title(&d, "Send a 'shared document' link");
    let text: Vec<&str> = phish.lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(text[0], "Initial Access (TA0001)");
    assert!(
        text.iter().any(|t| t.starts_with("T1566.002 · Phishing")),
        "{text:?}"
    );
    assert!(text.iter().any(|t| t.contains("'shared document'")), "{text:?}");
    let keep = node_by_title(&d, "Keep reading the forwarded copies");
    assert!(keep
        .lines
        .iter()
        .any(|l| l.text == "Seen on three separate days."));
}

fn custom_flow(extra: Vec<Value>) -> Vec<Object> {
    let mut objects = vec![
        json!({"type": "attack-flow", "id": "attack-flow--1", "name": "T <&> \"q\" 'x'", "scope": "incident", "start_refs": ["attack-action--1"]}),
    ];
    objects.extend(extra);
    objects
        .into_iter()
        .filter_map(|v| match v {
            Value::Object(m) => Some(m),
            _ => None,
        })
        .collect()
}

#[test]
fn hostile_text_is_escaped_everywhere() {
    let nasty = "<script>alert(\"x\")</script> & ]]> #quot; `code` \u{0}\u{1b}[31m \"end\" --> n9 }; digraph";
    let long =
        "Averyveryverylongwordwithoutanybreaksthatmustbebrokenbetweencharacterstofitinsidethecard ".repeat(6);
    let objects = custom_flow(vec![
        json!({"type": "attack-action", "id": "attack-action--1", "name": nasty, "description": long, "technique_id": nasty, "tactic_id": nasty, "effect_refs": ["attack-condition--1"]}),
        json!({"type": "attack-condition", "id": "attack-condition--1", "description": nasty, "on_true_refs": ["attack-action--1"], "on_false_refs": ["attack-operator--1"]}),
        json!({"type": "attack-operator", "id": "attack-operator--1", "operator": nasty, "effect_refs": ["attack-operator--1"]}),
        json!({"type": "relationship", "id": "relationship--1", "relationship_type": nasty, "source_ref": "attack-action--1", "target_ref": "tool--1"}),
        json!({"type": "tool", "id": "tool--1", "name": nasty}),
    ]);
    let schema = layer_schema();
    check_all_formats(&objects, "hostile", &schema);
    let svg = svg_of(&objects, &SvgOptions::default());
    assert!(!svg.contains("<script"));
    assert!(!svg.contains('\u{0}') && !svg.contains('\u{1b}'));
    let mermaid = render_mermaid(&objects, &MermaidOptions::default());
    assert!(mermaid.contains("#lt;script#gt;") && !mermaid.contains("<script"));
    assert!(!mermaid.contains("--> n9"), "label text leaked into the syntax");
    let dot = render_dot(&objects, &DotOptions::default());
    assert!(dot.contains("alert(\\\"x\\\")"));
}

#[test]
fn cycles_self_loops_and_isolated_nodes_lay_out() {
    let objects = custom_flow(vec![
        json!({"type": "attack-action", "id": "attack-action--1", "name": "a", "effect_refs": ["attack-action--2"]}),
        json!({"type": "attack-action", "id": "attack-action--2", "name": "b", "effect_refs": ["attack-action--3", "attack-action--2"]}),
        json!({"type": "attack-action", "id": "attack-action--3", "name": "c", "effect_refs": ["attack-action--1"]}),
        json!({"type": "note", "id": "note--1", "content": "alone"}),
        json!({"type": "identity", "id": "identity--1", "name": "author only"}),
    ]);
    let d = drawn(&objects, &SvgOptions::default());
    check_geometry(&d, "cycle");
    assert_eq!(d.nodes.len(), 4, "the unreferenced identity is not drawn");
    assert_eq!(d.edges.len(), 4);
    let (a, b, c) = (&d.nodes[0], &d.nodes[1], &d.nodes[2]);
    assert!(a.y < b.y && b.y < c.y, "the cycle is broken after the start node");
    let note = &d.nodes[3];
    assert!(note.y > c.y, "isolated nodes go below the flow");
}

#[test]
fn builder_style_bundles_render() {
    // Bundle-level spec_version and created, condition branches as relationships.
    let text = json!({
        "type": "bundle", "id": "bundle--1", "spec_version": "2.1", "created": "2026-01-01T00:00:00.000Z",
        "objects": [
            {"type": "attack-flow", "id": "attack-flow--1", "name": "B", "start_refs": ["attack-action--1"], "scope": "incident"},
            {"type": "attack-action", "id": "attack-action--1", "name": "Phish", "technique_id": "T1566", "tactic_id": "TA0001", "effect_refs": ["attack-condition--1"]},
            {"type": "attack-condition", "id": "attack-condition--1", "description": "Clicked"},
            {"type": "attack-action", "id": "attack-action--2", "name": "Run", "technique_id": "T1204.002"},
            {"type": "relationship", "id": "relationship--1", "relationship_type": "related-to", "source_ref": "attack-condition--1", "target_ref": "attack-action--2"}
        ]
    })
    .to_string();
    let objects = match parse_objects(&text) {
        Ok(o) => o,
        Err(e) => panic!("{e}"),
    };
    let d = drawn(&objects, &SvgOptions::default());
    check_geometry(&d, "builder");
    assert_eq!(d.edges.len(), 2);
    assert!(
        d.nodes[2].y > d.nodes[1].y,
        "the relationship ranks the action below the condition"
    );
    let phish = &d.nodes[0];
    assert_eq!(phish.lines[0].text, "Initial Access (TA0001)");
    assert!(phish.lines.iter().any(|l| l.text == "T1566 · Phishing"));
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    for bad in [
        "",
        "nope",
        "[]",
        "{\"type\":\"bundle\"}",
        "{\"type\":\"bundle\",\"objects\":[1,2]}",
        "null",
    ] {
        assert!(parse_objects(bad).is_err(), "{bad:?} should be refused");
    }
    // Objects that are there but odd still render.
    let objects = custom_flow(vec![
        json!({"type": "attack-action", "id": "attack-action--1", "name": 42, "effect_refs": "attack-action--9"}),
    ]);
    let svg = svg_of(&objects, &SvgOptions::default());
    assert!(roxmltree::Document::parse(&svg).is_ok());
    // No objects at all still gives a valid (empty) picture.
    let svg = svg_of(&[], &SvgOptions::default());
    assert!(roxmltree::Document::parse(&svg).is_ok());
}

#[test]
fn themes_change_the_colours() {
    let objects = example("bec-invoice-fraud");
    let light = svg_of(&objects, &SvgOptions::default());
    let dark = svg_of(
        &objects,
        &SvgOptions {
            theme: Theme::Dark,
            ..SvgOptions::default()
        },
    );
    assert!(light.contains("fill=\"#ffffff\"/>") && dark.contains("fill=\"#0d1117\"/>"));
    assert_ne!(light, dark);
}

// ---------------------------------------------------------------------------------------------
// Navigator

fn layer_of<'a>(layers: &'a af_render::Layers, domain: &str) -> &'a Value {
    match layers.layers.iter().find(|l| l.domain == domain) {
        Some(l) => &l.json,
        None => panic!("no {domain} layer"),
    }
}

fn technique<'a>(layer: &'a Value, id: &str, tactic: Option<&str>) -> &'a Value {
    let found = layer["techniques"].as_array().and_then(|ts| {
        ts.iter()
            .find(|t| t["techniqueID"] == id && t.get("tactic").and_then(Value::as_str) == tactic)
    });
    match found {
        Some(t) => t,
        None => panic!("no {id}/{tactic:?} in {layer:#}"),
    }
}

#[test]
fn navigator_layer_of_one_flow() {
    let objects = example("bec-invoice-fraud");
    let layers = navigator_layers(
        &[FlowObjects {
            name: "BEC",
            objects: &objects,
        }],
        &NavigatorOptions::default(),
    );
    assert_eq!(layers.layers.len(), 1);
    let layer = layer_of(&layers, "enterprise-attack");
    assert_eq!(layer["name"], "BEC");
    assert_eq!(layer["versions"]["layer"], "4.5");
    let phish = technique(layer, "T1566.002", Some("initial-access"));
    assert_eq!(phish["score"], 1);
    assert_eq!(
        phish["comment"],
        "Send a 'shared document' link to the finance director"
    );
    // The parent of a used sub-technique shows it expanded.
    assert_eq!(
        technique(layer, "T1566", Some("initial-access"))["showSubtechniques"],
        true
    );
    // TA0005 is the defense-evasion column.
    technique(layer, "T1564.008", Some("defense-evasion"));
}

#[test]
fn navigator_merges_flows_into_a_heat_map_per_domain() {
    let bec = example("bec-invoice-fraud");
    let tree = example("attack-tree-vpn-access");
    let mobile = example("mobile-smishing-banking-trojan");
    let flows = [
        FlowObjects {
            name: "bec",
            objects: &bec,
        },
        FlowObjects {
            name: "tree",
            objects: &tree,
        },
        FlowObjects {
            name: "mobile",
            objects: &mobile,
        },
    ];
    let layers = navigator_layers(&flows, &NavigatorOptions::default());
    let domains: Vec<&str> = layers.layers.iter().map(|l| l.domain).collect();
    assert_eq!(domains, ["enterprise-attack", "mobile-attack"]);
    let enterprise = layer_of(&layers, "enterprise-attack");
    assert_eq!(enterprise["name"], "3 attack flows");
    let schema = layer_schema();
    for l in &layers.layers {
        check_layer(&schema, &l.json, l.domain);
    }
    // Every score counts flows; the maximum is the gradient's top.
    let techniques = enterprise["techniques"].as_array().cloned().unwrap_or_default();
    let max = techniques
        .iter()
        .filter_map(|t| t["score"].as_u64())
        .max()
        .unwrap_or(0);
    assert_eq!(enterprise["gradient"]["maxValue"], max);
    // Recount by hand: flows whose actions use each (technique, tactic) pair.
    for t in techniques.iter().filter(|t| t.get("score").is_some()) {
        let id = t["techniqueID"].as_str().unwrap_or_default();
        let users = [&bec, &tree, &mobile]
            .iter()
            .filter(|objects| {
                objects
                    .iter()
                    .any(|o| o.get("technique_id").and_then(Value::as_str) == Some(id))
            })
            .count();
        assert!(t["score"].as_u64().unwrap_or(0) as usize <= users, "{t}");
        assert!(t["score"].as_u64().unwrap_or(0) >= 1);
        let comment = t["comment"].as_str().unwrap_or_default();
        assert!(comment.contains(": "), "merged comments name the flow: {comment}");
    }
}

#[test]
fn navigator_merge_scores_shared_techniques() {
    let flow = |name: &str, tid: &str| -> Vec<Object> {
        let v = vec![
            json!({"type": "attack-flow", "id": format!("attack-flow--{name}"), "name": name}),
            json!({"type": "attack-action", "id": format!("attack-action--{name}"), "name": format!("{name} step"), "technique_id": tid, "tactic_id": "TA0001"}),
        ];
        v.into_iter().filter_map(|v| v.as_object().cloned()).collect()
    };
    let (a, b, c) = (flow("a", "T1566.001"), flow("b", "T1566.001"), flow("c", "T1190"));
    let layers = navigator_layers(
        &[
            FlowObjects {
                name: "a",
                objects: &a,
            },
            FlowObjects {
                name: "b",
                objects: &b,
            },
            FlowObjects {
                name: "c",
                objects: &c,
            },
        ],
        &NavigatorOptions {
            name: Some("Merged".into()),
            ..NavigatorOptions::default()
        },
    );
    let layer = layer_of(&layers, "enterprise-attack");
    assert_eq!(layer["name"], "Merged");
    let shared = technique(layer, "T1566.001", Some("initial-access"));
    assert_eq!(shared["score"], 2);
    assert_eq!(shared["comment"], "a: a step\nb: b step");
    assert_eq!(technique(layer, "T1190", Some("initial-access"))["score"], 1);
    assert_eq!(layer["gradient"]["maxValue"], 2);
    assert_eq!(layer["legendItems"].as_array().map(Vec::len), Some(2));
}

#[test]
fn navigator_notes_what_it_leaves_out() {
    let objects = custom_flow(vec![
        json!({"type": "attack-action", "id": "attack-action--1", "name": "x", "technique_id": "D3-MFA"}),
        json!({"type": "attack-action", "id": "attack-action--2", "name": "y", "technique_id": "T9999"}),
        json!({"type": "attack-action", "id": "attack-action--3", "name": "z", "technique_id": "AML.T9999"}),
    ]);
    let layers = navigator_layers(
        &[FlowObjects {
            name: "f",
            objects: &objects,
        }],
        &NavigatorOptions::default(),
    );
    assert!(layers.layers.is_empty());
    assert_eq!(
        layers.notes,
        [
            "f: D3-MFA is a D3FEND technique, which no Navigator shows; left out",
            "f: T9999 is not in the ATT&CK catalog; left out",
            "f: AML.T9999 is not in the ATLAS catalog; left out",
        ]
    );
}

#[test]
fn atlas_techniques_get_a_layer_for_the_atlas_navigator() {
    let objects = custom_flow(vec![
        json!({"type": "attack-action", "id": "attack-action--1", "name": "Inject a prompt", "technique_id": "AML.T0051", "tactic_id": "AML.TA0005"}),
        json!({"type": "attack-action", "id": "attack-action--2", "name": "Phish", "technique_id": "T1566"}),
    ]);
    let layers = navigator_layers(
        &[FlowObjects {
            name: "f",
            objects: &objects,
        }],
        &NavigatorOptions::default(),
    );
    let matrices: Vec<(&str, &str)> = layers.layers.iter().map(|l| (l.matrix, l.domain)).collect();
    assert_eq!(
        matrices,
        [
            ("enterprise-attack", "enterprise-attack"),
            ("atlas", "atlas-atlas")
        ]
    );
    let layer = layer_of(&layers, "atlas-atlas");
    assert_eq!(layer["versions"], json!({"navigator": "4.6.4", "layer": "4.3"}));
    let t = &layer["techniques"][0];
    assert_eq!(t["techniqueID"], "AML.T0051");
    assert_eq!(t["tactic"], "execution");
    assert_eq!(t["comment"], "Inject a prompt");
    assert!(layers.notes.is_empty(), "{:?}", layers.notes);
    check_layer(&layer_schema(), layer, "atlas");
}

// ---------------------------------------------------------------------------------------------
// Snapshots

#[test]
fn snapshots_of_three_examples() {
    for name in [
        "bec-invoice-fraud",
        "attack-tree-vpn-access",
        "ics-water-treatment",
    ] {
        let objects = example(name);
        insta::with_settings!({ snapshot_suffix => name, prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!("svg", svg_of(&objects, &SvgOptions::default()));
            insta::assert_snapshot!("mermaid", render_mermaid(&objects, &MermaidOptions::default()));
            insta::assert_snapshot!("dot", render_dot(&objects, &DotOptions::default()));
            let layers = navigator_layers(&[FlowObjects { name, objects: &objects }], &NavigatorOptions::default());
            let json: Vec<&Value> = layers.layers.iter().map(|l| &l.json).collect();
            insta::assert_json_snapshot!("navigator", json);
        });
    }
}

#[test]
fn segments_are_curves_across_gaps() {
    let objects = example("bec-invoice-fraud");
    let d = drawn(&objects, &SvgOptions::default());
    assert!(d
        .edges
        .iter()
        .all(|e| e.route.segments.iter().any(|s| matches!(s, Segment::Curve(..)))));
}

// ---------------------------------------------------------------------------------------------
// Large and dense graphs; bundles

/// A flow of `n` actions where action `i` leads to `fanout` others spread over the flow
/// (forwards and backwards, so there are cycles and edges of every length), or to every
/// action (itself included) when `fanout` is `n`.
fn dense_flow(n: usize, fanout: usize) -> Vec<Object> {
    let id = |i: usize| format!("attack-action--{i:08}-0000-4000-8000-000000000000");
    let mut extra = Vec::with_capacity(n);
    for i in 0..n {
        let targets: Vec<String> = if fanout >= n {
            (0..n).map(id).collect()
        } else {
            (1..=fanout).map(|k| id((i + k * 37 + 1) % n)).collect()
        };
        extra.push(
            json!({"type": "attack-action", "id": id(i), "name": format!("n{i}"), "effect_refs": targets}),
        );
    }
    let mut objects = custom_flow(extra);
    objects[0].insert("start_refs".into(), json!([id(0)]));
    objects
}

fn path_points(d: &Diagram) -> usize {
    d.edges.iter().map(|e| e.route.segments.len() + 1).sum()
}

#[test]
fn dense_graphs_stay_linear_in_their_edges() {
    // 600 actions and 9,600 edges (the 300 × 300 graph of the issue has 90,000 and took
    // 3 GB; 600 × 600 aborted): laid out, and the drawing grows with the edges, not with
    // edges × ranks.
    let objects = dense_flow(600, 16);
    let d = drawn(&objects, &SvgOptions::default());
    assert_eq!((d.nodes.len(), d.edges.len()), (600, 9_600));
    check_geometry(&d, "dense");
    let points = path_points(&d);
    assert!(
        points <= 2 * af_render::layout::ROUTE_BUDGET + 6 * d.edges.len(),
        "{points} path points for {} edges",
        d.edges.len()
    );
    let svg = svg_of(&objects, &SvgOptions::default());
    assert!(svg.len() < 12_000_000, "{} bytes of SVG", svg.len());
    assert!(roxmltree::Document::parse(&svg).is_ok());
}

#[test]
fn graphs_beyond_the_documented_size_are_refused_not_aborted() {
    // Every one of 300 actions leads to every other: 90,000 edges.
    let objects = dense_flow(300, 300);
    let err = match diagram(&objects, &SvgOptions::default()) {
        Ok(d) => panic!("{} edges laid out", d.edges.len()),
        Err(e) => e,
    };
    assert_eq!(
        err,
        af_render::RenderError::TooLarge {
            nodes: 300,
            edges: 90_000
        }
    );
    assert!(
        err.to_string().contains("at most 2,000 nodes and 10,000 edges"),
        "{err}"
    );
    // Mermaid and DOT have no layout to protect and stay linear.
    let dot = render_dot(&objects, &DotOptions::default());
    assert_eq!(dot.matches(" -> ").count(), 90_000);
}

/// Total length of the distinct pieces of the given routes (shared pieces count once).
fn ink(routes: &[&af_render::layout::Route]) -> f64 {
    let key = |p: (f64, f64)| ((p.0 * 10.0).round() as i64, (p.1 * 10.0).round() as i64);
    let mut pieces = std::collections::HashSet::new();
    let mut total = 0.0;
    for r in routes {
        let mut at = r.start;
        for s in &r.segments {
            let end = match s {
                Segment::Line(p) | Segment::Curve(_, _, p) => *p,
            };
            if pieces.insert((key(at), key(end))) {
                total += ((end.0 - at.0).powi(2) + (end.1 - at.1).powi(2)).sqrt();
            }
            at = end;
        }
    }
    total
}

#[test]
fn a_context_object_with_many_targets_draws_one_bundle() {
    // A chain of twelve actions; four of them use a tool each, and the threat actor uses all
    // four tools: its `uses` edges reach down the whole flow.
    let action = |i: usize| format!("attack-action--{i}");
    let tool = |i: usize| format!("tool--{i}");
    let mut extra = vec![json!({"type": "threat-actor", "id": "threat-actor--1", "name": "Actor"})];
    for i in 1..=12 {
        let next: Vec<String> = if i < 12 { vec![action(i + 1)] } else { vec![] };
        extra.push(json!({"type": "attack-action", "id": action(i), "name": format!("Step {i}"), "effect_refs": next}));
    }
    for (k, i) in [2, 5, 8, 11].into_iter().enumerate() {
        extra.push(json!({"type": "tool", "id": tool(i), "name": format!("Tool {i}")}));
        extra.push(json!({"type": "relationship", "id": format!("relationship--a{i}"), "relationship_type": "related-to", "source_ref": action(i), "target_ref": tool(i)}));
        extra.push(json!({"type": "relationship", "id": format!("relationship--u{k}"), "relationship_type": "uses", "source_ref": "threat-actor--1", "target_ref": tool(i)}));
    }
    let d = drawn(&custom_flow(extra), &SvgOptions::default());
    check_geometry(&d, "actor");
    let uses: Vec<_> = d
        .edges
        .iter()
        .filter(|e| e.kind == af_render::EdgeKind::Relationship("uses".into()))
        .collect();
    assert_eq!(uses.len(), 4);
    let labels = uses.iter().filter(|e| e.label.is_some()).count();
    assert_eq!(labels, 1, "one `uses` label for the bundle, not one per edge");
    let starts: Vec<_> = uses.iter().map(|e| e.route.start).collect();
    assert!(
        starts.windows(2).all(|w| w[0] == w[1]),
        "the bundle leaves the actor from one point: {starts:?}"
    );
    // The edges share their path while they run together: the ink is little more than the
    // longest edge, not the sum of all four.
    let routes: Vec<_> = uses.iter().map(|e| &e.route).collect();
    let longest = routes.iter().map(|r| ink(&[r])).fold(0.0, f64::max);
    let all = ink(&routes);
    assert!(
        all < 1.35 * longest,
        "{all:.0} px of ink for a longest edge of {longest:.0} px"
    );
}

/// A chain of `n` actions.
fn chain(n: usize) -> Vec<Object> {
    let id = |i: usize| format!("attack-action--{i}");
    let extra = (1..=n)
        .map(|i| {
            let next: Vec<String> = if i < n { vec![id(i + 1)] } else { vec![] };
            json!({"type": "attack-action", "id": id(i), "name": format!("Step number {i} of the long intrusion"), "technique_id": "T1078", "effect_refs": next})
        })
        .collect();
    custom_flow(extra)
}

/// No point of any edge's path lies inside a node's box (its own ends excepted).
fn check_routes_avoid_nodes(d: &Diagram, what: &str) {
    for e in &d.edges {
        let mut points = vec![e.route.start];
        for s in &e.route.segments {
            match s {
                Segment::Line(p) => points.push(*p),
                Segment::Curve(a, b, p) => points.extend([*a, *b, *p]),
            }
        }
        for (i, n) in d.nodes.iter().enumerate() {
            if i == e.from || i == e.to {
                continue;
            }
            for p in &points {
                let inside = p.0 > n.x + EPS
                    && p.0 < n.x + n.width - EPS
                    && p.1 > n.y + EPS
                    && p.1 < n.y + n.height - EPS;
                assert!(
                    !inside,
                    "{what}: edge {} -> {} runs through {}",
                    e.from, e.to, n.stix_id
                );
            }
        }
    }
}

#[test]
fn long_chains_wrap_into_rows_instead_of_a_strip() {
    let objects = chain(40);
    for direction in [Direction::LeftRight, Direction::TopDown] {
        let what = format!("chain {direction:?}");
        let d = drawn(
            &objects,
            &SvgOptions {
                direction,
                ..SvgOptions::default()
            },
        );
        check_geometry(&d, &what);
        check_routes_avoid_nodes(&d, &what);
        let (along, across) = match direction {
            Direction::LeftRight => (d.width, d.height),
            Direction::TopDown => (d.height, d.width),
        };
        assert!(
            along / across < 3.0,
            "{what}: a {:.0} × {:.0} strip",
            d.width,
            d.height
        );
        // It still reads in order: each step follows the one before it along the flow, or
        // starts the next band.
        let mut bands = 1;
        for w in d.nodes.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            let (next_along, next_band) = match direction {
                Direction::LeftRight => (
                    b.x > a.x && (b.y - a.y).abs() < 1.0,
                    b.y > a.y + a.height && b.x < a.x,
                ),
                Direction::TopDown => (
                    b.y > a.y && (b.x - a.x).abs() < 1.0,
                    b.x > a.x + a.width && b.y < a.y,
                ),
            };
            assert!(
                next_along || next_band,
                "{what}: {} does not follow {}",
                b.stix_id,
                a.stix_id
            );
            bands += usize::from(next_band);
        }
        assert!(bands >= 2, "{what}: not wrapped");
    }
}

// ---------------------------------------------------------------------------------------------
// Overlays

fn overlay_flow() -> Vec<Object> {
    custom_flow(vec![
        json!({"type": "attack-action", "id": "attack-action--1", "name": "Phish", "technique_id": "T1566", "effect_refs": ["attack-operator--1"]}),
        json!({"type": "attack-action", "id": "attack-action--2", "name": "Guess", "technique_id": "T1110", "effect_refs": ["attack-operator--1"]}),
        json!({"type": "attack-operator", "id": "attack-operator--1", "operator": "OR", "effect_refs": ["attack-action--3"]}),
        json!({"type": "attack-action", "id": "attack-action--3", "name": "Encrypt", "technique_id": "T1486", "asset_refs": ["attack-asset--1"]}),
        json!({"type": "attack-asset", "id": "attack-asset--1", "name": "File server"}),
    ])
}

fn marked_options(overlay: af_render::Overlay) -> SvgOptions {
    SvgOptions {
        overlay: Some(std::sync::Arc::new(overlay)),
        ..SvgOptions::default()
    }
}

#[test]
fn an_empty_overlay_changes_nothing() {
    let objects = overlay_flow();
    assert_eq!(
        svg_of(&objects, &marked_options(af_render::Overlay::new())),
        svg_of(&objects, &SvgOptions::default())
    );
}

#[test]
fn overlay_marks_nodes_and_edges_without_moving_them() {
    use af_render::Mark;
    let objects = overlay_flow();
    let mut overlay = af_render::Overlay::new();
    overlay
        .mark_node("attack-action--1", Mark::Detected)
        .mark_node("attack-action--2", Mark::Undetected)
        .mark_node("attack-operator--1", Mark::Partial)
        .mark_node("attack-asset--1", Mark::Dim)
        .mark_node("attack-action--404", Mark::Detected)
        .mark_edge("attack-action--2", "attack-operator--1", Mark::Highlight)
        .mark_edge("attack-action--3", "attack-asset--1", Mark::Dim);
    overlay.title = Some("Detection coverage: 1 of 3 steps".into());
    overlay
        .labels
        .insert(Mark::Highlight, "the undetected way to Encrypt".into());
    let plain = drawn(&objects, &SvgOptions::default());
    let d = drawn(&objects, &marked_options(overlay.clone()));
    // Same layout: marks never move anything.
    for (a, b) in plain.nodes.iter().zip(&d.nodes) {
        assert_eq!((a.x, a.y, a.width, a.height), (b.x, b.y, b.width, b.height));
    }
    check_geometry(&d, "overlay");
    let mark_of = |id: &str| d.nodes.iter().find(|n| n.stix_id == id).and_then(|n| n.mark);
    assert_eq!(mark_of("attack-action--1"), Some(Mark::Detected));
    assert_eq!(mark_of("attack-action--3"), None);
    let undetected = d.nodes.iter().find(|n| n.stix_id == "attack-action--2");
    assert!(
        undetected.is_some_and(|n| n.title.ends_with("[undetected]")),
        "the title names the mark"
    );
    let highlighted: Vec<_> = d
        .edges
        .iter()
        .filter(|e| e.mark == Some(Mark::Highlight))
        .collect();
    assert_eq!(highlighted.len(), 1);
    assert!(highlighted[0].title.ends_with("[the undetected way to Encrypt]"));
    // The legend lists the marks used, in order, below the flow and inside the picture.
    let legend = match &d.legend {
        Some(l) => l,
        None => panic!("no legend"),
    };
    let entries: Vec<(Mark, &str)> = legend
        .entries
        .iter()
        .map(|(m, _, t)| (*m, t.text.as_str()))
        .collect();
    assert_eq!(
        entries,
        [
            (Mark::Detected, "detected"),
            (Mark::Partial, "partly detected"),
            (Mark::Undetected, "undetected"),
            (Mark::Highlight, "the undetected way to Encrypt"),
            (Mark::Dim, "not involved"),
        ]
    );
    let bottom = d.nodes.iter().map(|n| n.y + n.height).fold(0.0, f64::max);
    for (_, (x, y), t) in &legend.entries {
        assert!(*y > bottom, "legend below the nodes");
        assert!(t.extent().1 <= d.width && y + af_render::svg::LEGEND_SWATCH.1 <= d.height);
        assert!(*x >= 0.0);
    }
    let svg = svg_of(&objects, &marked_options(overlay));
    assert!(roxmltree::Document::parse(&svg).is_ok());
    for needle in [
        "class=\"node action mark-detected\"",
        "class=\"node action mark-undetected\"",
        "class=\"node operator mark-partial\"",
        "class=\"node asset mark-dim\" id=\"node-4\" data-stix-id=\"attack-asset--1\" opacity=\"0.3\"",
        "class=\"edge effect mark-highlight\"",
        "marker-end=\"url(#arrow-highlight)\"",
        "<marker id=\"arrow-highlight\"",
        "<g class=\"legend\">",
        "Detection coverage: 1 of 3 steps",
    ] {
        assert!(svg.contains(needle), "missing {needle}");
    }
    insta::assert_snapshot!("svg_overlay", svg);
}
