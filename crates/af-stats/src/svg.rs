//! [`Stats`] as a picture: the transition graph of the `top` techniques (by flows) on a
//! circle, each arrow as wide as the number of flows that take it, and a tactic × technique
//! heat map of the same techniques (a cell per tactic the catalog puts the technique in,
//! shaded by the flows that use it). Every mark carries a `<title>` with its numbers and a
//! `class` (`technique`, `transition`, `cell`) for tools and tests.

use crate::Stats;
use af_catalog::Catalog;
use std::collections::BTreeMap;
use std::fmt::Write as _;

const ACCENT: &str = "#0969da";
const INK: &str = "#1f2328";
const FAINT: &str = "#d0d7de";

/// The two pictures in one SVG document.
pub fn svg(s: &Stats, catalog: &Catalog, top: usize) -> String {
    let top = top.max(1);
    let techniques: Vec<String> = Stats::ranked(&s.techniques)
        .into_iter()
        .take(top)
        .map(|(k, _)| k)
        .collect();
    let flows_of = |id: &str| s.techniques.get(id).map_or(0, |c| c.flows);
    let mut body = String::new();

    // The transition graph.
    let n = techniques.len();
    let radius = if n <= 1 { 0.0 } else { 90.0 + 22.0 * n as f64 };
    let (box_w, box_h) = (96.0, 30.0);
    let graph_w = 2.0 * radius + box_w + 40.0;
    let (cx, cy) = (graph_w / 2.0, 60.0 + radius + box_h / 2.0);
    let pos: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let a = std::f64::consts::TAU * i as f64 / n.max(1) as f64 - std::f64::consts::FRAC_PI_2;
            (cx + radius * a.cos(), cy + radius * a.sin())
        })
        .collect();
    let index: BTreeMap<&str, usize> = techniques
        .iter()
        .enumerate()
        .map(|(i, t)| (t.as_str(), i))
        .collect();
    let shown: Vec<(usize, usize, usize)> = s
        .transitions
        .iter()
        .filter_map(|((a, b), c)| Some((*index.get(a.as_str())?, *index.get(b.as_str())?, c.flows)))
        .filter(|(a, b, _)| a != b)
        .collect();
    let most = shown.iter().map(|t| t.2).max().unwrap_or(1).max(1);
    let _ = writeln!(
        body,
        r##"<text x="20" y="30" class="heading" font-size="16" font-weight="bold" fill="{INK}">Transitions between the top {n} techniques ({} flows)</text>"##,
        s.flows
    );
    for &(a, b, flows) in &shown {
        let ((x1, y1), (x2, y2)) = (pos[a], pos[b]);
        let (dx, dy) = (x2 - x1, y2 - y1);
        let len = (dx * dx + dy * dy).sqrt().max(1.0);
        // Leave the boxes: stop where the line meets the target's box.
        let cut =
            |ux: f64, uy: f64| ((box_w / 2.0) / ux.abs().max(1e-9)).min((box_h / 2.0) / uy.abs().max(1e-9));
        let (ux, uy) = (dx / len, dy / len);
        let (c1, c2) = (cut(ux, uy), cut(ux, uy) + 4.0);
        let width = 1.0 + 5.0 * flows as f64 / most as f64;
        let _ = writeln!(
            body,
            r##"<line class="transition" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{ACCENT}" stroke-opacity="0.6" stroke-width="{width:.1}" marker-end="url(#arrow)"><title>{} → {}: {flows} flow{}</title></line>"##,
            x1 + ux * c1,
            y1 + uy * c1,
            x2 - ux * c2,
            y2 - uy * c2,
            esc(&techniques[a]),
            esc(&techniques[b]),
            plural(flows)
        );
    }
    for (i, t) in techniques.iter().enumerate() {
        let (x, y) = pos[i];
        let name = catalog.technique(t).map(|t| t.full_name()).unwrap_or_default();
        let _ = writeln!(
            body,
            r##"<g class="technique"><title>{} {}: {} flow{}</title><rect x="{:.1}" y="{:.1}" width="{box_w}" height="{box_h}" rx="6" fill="#ffffff" stroke="{INK}"/><text x="{x:.1}" y="{:.1}" text-anchor="middle" font-size="13" fill="{INK}">{}</text></g>"##,
            esc(t),
            esc(&name),
            flows_of(t),
            plural(flows_of(t)),
            x - box_w / 2.0,
            y - box_h / 2.0,
            y + 4.5,
            esc(t)
        );
    }

    // The heat map: tactics in catalog order that any of the techniques belongs to.
    let top_y = cy + radius + box_h + 50.0;
    let tactics: Vec<(String, String)> = catalog
        .tactics(None)
        .into_iter()
        .filter(|tac| {
            techniques.iter().any(|t| {
                catalog
                    .technique(t)
                    .is_some_and(|t| t.tactics.iter().any(|x| x.eq_ignore_ascii_case(&tac.id)))
            })
        })
        .map(|tac| (tac.id.to_string(), tac.name.to_string()))
        .collect();
    let (label_w, cell_w, cell_h, header_h) = (210.0, 34.0, 22.0, 90.0);
    let most_flows = techniques.iter().map(|t| flows_of(t)).max().unwrap_or(1).max(1);
    let _ = writeln!(
        body,
        r##"<text x="20" y="{:.1}" class="heading" font-size="16" font-weight="bold" fill="{INK}">Tactic × technique (flows per technique, in each of its tactics)</text>"##,
        top_y
    );
    let grid_y = top_y + header_h;
    for (j, t) in techniques.iter().enumerate() {
        let x = 20.0 + label_w + cell_w * j as f64 + cell_w / 2.0;
        let _ = writeln!(
            body,
            r##"<text x="{x:.1}" y="{:.1}" font-size="11" fill="{INK}" transform="rotate(-60 {x:.1} {:.1})">{}</text>"##,
            grid_y - 6.0,
            grid_y - 6.0,
            esc(t)
        );
    }
    for (i, (tid, tname)) in tactics.iter().enumerate() {
        let y = grid_y + cell_h * i as f64;
        let _ = writeln!(
            body,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="end" font-size="12" fill="{INK}">{} {}</text>"##,
            20.0 + label_w - 8.0,
            y + cell_h / 2.0 + 4.0,
            esc(tid),
            esc(tname)
        );
        for (j, t) in techniques.iter().enumerate() {
            let x = 20.0 + label_w + cell_w * j as f64;
            let member = catalog
                .technique(t)
                .is_some_and(|t| t.tactics.iter().any(|x| x.eq_ignore_ascii_case(tid)));
            if member {
                let f = flows_of(t);
                let _ = writeln!(
                    body,
                    r##"<rect class="cell" x="{x:.1}" y="{y:.1}" width="{cell_w}" height="{cell_h}" fill="{ACCENT}" fill-opacity="{:.2}" stroke="#ffffff"><title>{} × {}: {f} flow{}</title></rect>"##,
                    0.15 + 0.85 * f as f64 / most_flows as f64,
                    esc(tid),
                    esc(t),
                    plural(f)
                );
            } else {
                let _ = writeln!(
                    body,
                    r##"<rect x="{x:.1}" y="{y:.1}" width="{cell_w}" height="{cell_h}" fill="#f6f8fa" stroke="#ffffff"/>"##
                );
            }
        }
    }
    let width = graph_w.max(20.0 + label_w + cell_w * n as f64 + 40.0).max(600.0);
    let height = grid_y + cell_h * tactics.len() as f64 + 30.0;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif">"##
    );
    let _ = writeln!(
        out,
        "<title>afc stats: {} flows, {} techniques</title>",
        s.flows,
        s.techniques.len()
    );
    let _ = writeln!(
        out,
        r##"<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="{ACCENT}"/></marker></defs>"##
    );
    let _ = writeln!(
        out,
        r##"<rect width="100%" height="100%" fill="#ffffff" stroke="{FAINT}"/>"##
    );
    out.push_str(&body);
    out.push_str("</svg>\n");
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Text for XML content and attributes.
fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            c if c.is_control() && c != '\n' && c != '\t' => o.push('\u{FFFD}'),
            c => o.push(c),
        }
    }
    o
}
