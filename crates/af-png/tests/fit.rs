//! The text of every example's SVG fits its card when drawn with real fonts: DejaVu Sans (the
//! Linux fallback, and what PNG output uses) always, and Liberation Sans (Arial's and
//! Helvetica's widths) where the machine has it. Each text run is laid out by usvg with the
//! font itself, and must be no wider than af-render measured it, and inside its node's shape.

use resvg::usvg::{self, fontdb, Node};
use std::path::Path;
use std::sync::Arc;

fn compile(path: &Path) -> Vec<af_render::Object> {
    let source = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let compiled = af_compile::compile_str(&source, &af_compile::Options::default());
    assert!(!compiled.has_errors(), "{} does not compile", path.display());
    compiled
        .objects
        .into_iter()
        .map(af_compile::Object::into_map)
        .collect()
}

/// One text run as the font lays it out.
struct Run {
    text: String,
    size: f64,
    bold: bool,
    left: f64,
    right: f64,
}

fn runs(node: &Node, out: &mut Vec<Run>) {
    match node {
        Node::Group(g) => g.children().iter().for_each(|c| runs(c, out)),
        Node::Text(t) => {
            let text: String = t.chunks().iter().map(|c| c.text()).collect();
            let span = t.chunks().first().and_then(|c| c.spans().first());
            let (size, bold) = span.map_or((0.0, false), |s| {
                (f64::from(s.font_size().get()), s.font().weight() >= 600)
            });
            let b = t.abs_bounding_box();
            out.push(Run {
                text,
                size,
                bold,
                left: f64::from(b.left()),
                right: f64::from(b.right()),
            });
        }
        _ => {}
    }
}

/// Checks every node card of `svg` laid out with `fonts`.
fn check(svg: &str, fonts: Arc<fontdb::Database>, family: &str, what: &str) -> usize {
    let options = usvg::Options {
        font_family: family.to_string(),
        fontdb: fonts,
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).unwrap_or_else(|e| panic!("{what}: {e}"));
    let mut checked = 0;
    let mut stack: Vec<&usvg::Group> = vec![tree.root()];
    while let Some(g) = stack.pop() {
        if !g.id().starts_with("node-") {
            stack.extend(g.children().iter().filter_map(|c| match c {
                Node::Group(g) => Some(&**g),
                _ => None,
            }));
            continue;
        }
        // The card: the node's first shape.
        let Some(card) = g.children().iter().find_map(|c| match c {
            Node::Path(p) => Some(p.abs_bounding_box()),
            _ => None,
        }) else {
            panic!("{what}: {} has no shape", g.id());
        };
        let mut texts = Vec::new();
        g.children().iter().for_each(|c| runs(c, &mut texts));
        for r in texts {
            let real = r.right - r.left;
            let measured = af_render::text::text_width(&r.text, r.size, r.bold);
            assert!(
                real <= measured + 0.01,
                "{what}: `{}` is {real:.2} px wide in {family}, measured {measured:.2}",
                r.text
            );
            assert!(
                r.left >= f64::from(card.left()) && r.right <= f64::from(card.right()),
                "{what}: `{}` ({:.1}..{:.1}) runs past {} ({:.1}..{:.1}) in {family}",
                r.text,
                r.left,
                r.right,
                g.id(),
                card.left(),
                card.right()
            );
            checked += 1;
        }
    }
    checked
}

fn every_example_svg() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for path in af_testkit::example_flows() {
        let objects = compile(&path);
        for direction in [af_render::Direction::TopDown, af_render::Direction::LeftRight] {
            let options = af_render::SvgOptions {
                direction,
                ..af_render::SvgOptions::default()
            };
            let svg = af_render::render_svg(&objects, &options).unwrap_or_else(|e| panic!("{e}"));
            out.push((format!("{} ({direction:?})", path.display()), svg));
        }
    }
    out
}

#[test]
fn text_fits_its_card_in_dejavu_sans() {
    let mut checked = 0;
    for (what, svg) in every_example_svg() {
        checked += check(&svg, af_png::fonts(), af_png::FONT_FAMILY, &what);
    }
    assert!(checked > 200, "only {checked} text runs checked");
}

#[test]
fn text_fits_its_card_in_liberation_sans() {
    let dir = Path::new("/usr/share/fonts/truetype/liberation");
    let mut db = fontdb::Database::new();
    for file in ["LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"] {
        match std::fs::read(dir.join(file)) {
            Ok(data) => db.load_font_data(data),
            Err(_) => {
                eprintln!(
                    "text_fits_its_card_in_liberation_sans: skipped, {} not installed (Debian: fonts-liberation)",
                    dir.join(file).display()
                );
                return;
            }
        }
    }
    db.set_sans_serif_family("Liberation Sans");
    let db = Arc::new(db);
    let mut checked = 0;
    for (what, svg) in every_example_svg() {
        checked += check(&svg, db.clone(), "Liberation Sans", &what);
    }
    assert!(checked > 200, "only {checked} text runs checked");
}
