//! `afc diff --to svg` and `afc stats --to svg`: well-formed SVG with the expected marks.

mod common;
use common::*;

/// The classes of the SVG's elements, each with the `<title>` texts of the elements that
/// carry it (the document must parse as XML).
fn classes(svg: &str) -> Vec<(String, String)> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not well-formed: {e}\n{svg}"));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc.descendants()
        .filter_map(|n| {
            let class = n.attribute("class")?;
            let title = n
                .descendants()
                .find(|c| c.has_tag_name("title"))
                .and_then(|t| t.text())
                .unwrap_or_default();
            Some((class.to_string(), title.to_string()))
        })
        .collect()
}

const OLD: &str = r#"flow "Phish" {
  scope: incident
  created: 2026-03-02T09:00:00Z
  description: "d"
}
action phish T1566.001 "Attachment"
action macro T1204.002 "Macro"
action creds T1003.001 "Dump"
phish -> macro -> creds
"#;

const NEW: &str = r#"flow "Phish" {
  scope: incident
  created: 2026-03-02T09:00:00Z
  description: "d"
}
action phish T1566.002 "Link"
action macro T1204.002 "Macro"
action vpn T1133 "VPN"
phish -> macro -> vpn
"#;

#[test]
fn diff_svg_marks_what_was_added_removed_and_changed() {
    let dir = scratch("diff");
    let (old, new) = (dir.join("old.af"), dir.join("new.af"));
    std::fs::write(&old, OLD).expect("write");
    std::fs::write(&new, NEW).expect("write");
    let out = afc(&["diff", p(&old), p(&new), "--to", "svg"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "they differ: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let svg = String::from_utf8(out.stdout).expect("utf-8");
    let marks = classes(&svg);
    let marked = |mark: &str, word: &str| {
        marks
            .iter()
            .any(|(c, t)| c.split_whitespace().any(|c| c == mark) && t.contains(word))
    };
    assert!(marked("mark-detected", "VPN"), "added node: {marks:?}");
    assert!(
        marked("mark-undetected", "Dump"),
        "removed node (from the old side): {marks:?}"
    );
    assert!(marked("mark-partial", "Link"), "changed node: {marks:?}");
    assert!(
        svg.contains("Changes: 1 added, 1 removed, 1 changed"),
        "legend heading"
    );
    for word in ["added", "removed", "changed"] {
        assert!(svg.contains(&format!(">{word}<")), "legend has {word}");
    }
    // Same flows: nothing marked, exit 0.
    let out = afc(&["diff", p(&old), p(&old), "--to", "svg"]);
    assert_eq!(out.status.code(), Some(0));
    let same = String::from_utf8(out.stdout).expect("utf-8");
    assert!(classes(&same)
        .iter()
        .all(|(c, _)| !c.contains("mark-detected") && !c.contains("mark-undetected")));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn stats_svg_draws_the_transition_graph_and_the_heat_map() {
    let dir = scratch("stats");
    std::fs::write(dir.join("a.af"), OLD).expect("write");
    std::fs::write(dir.join("b.af"), NEW).expect("write");
    let out = afc(&["stats", p(&dir), "--to", "svg", "--top", "5"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let svg = String::from_utf8(out.stdout).expect("utf-8");
    let marks = classes(&svg);
    let with = |class: &str| -> Vec<&str> {
        marks
            .iter()
            .filter(|(c, _)| c == class)
            .map(|(_, t)| t.as_str())
            .collect()
    };
    // Five techniques at most: T1204.002 is in both flows, four others in one each.
    let techniques = with("technique");
    assert_eq!(techniques.len(), 5, "{techniques:?}");
    assert!(
        techniques
            .iter()
            .any(|t| t.starts_with("T1204.002") && t.ends_with(": 2 flows")),
        "{techniques:?}"
    );
    // Transitions among them, counted in flows.
    let transitions = with("transition");
    assert!(
        transitions.contains(&"T1204.002 → T1003.001: 1 flow"),
        "{transitions:?}"
    );
    assert!(
        transitions.contains(&"T1204.002 → T1133: 1 flow"),
        "{transitions:?}"
    );
    // Heat map cells: T1204.002 (User Execution: Malicious File) is an Execution technique.
    let cells = with("cell");
    assert!(cells.contains(&"TA0002 × T1204.002: 2 flows"), "{cells:?}");
    assert!(cells.contains(&"TA0001 × T1133: 1 flow"), "{cells:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
