//! The queries compile against the grammar, highlight what they claim to, never give one node
//! two highlights, and the Neovim plugin's copies are identical to the grammar's.

use std::collections::BTreeMap;
use std::path::Path;
use tree_sitter::{Language, Parser, Query, QueryCursor, StreamingIterator};

fn language() -> Language {
    tree_sitter_attackflow::LANGUAGE.into()
}

/// `(text, capture)` of every capture not starting with `_`, in source order.
fn captures(query_src: &str, source: &str) -> Vec<(String, String, usize)> {
    let lang = language();
    let query = Query::new(&lang, query_src).expect("query compiles");
    let mut parser = Parser::new();
    parser.set_language(&lang).expect("ABI supported");
    let tree = parser.parse(source, None).expect("parsed");
    assert!(!tree.root_node().has_error(), "sample has syntax errors");
    let mut cursor = QueryCursor::new();
    let mut out = Vec::new();
    let mut matches = cursor.matches(&query, tree.root_node(), source.as_bytes());
    while let Some(m) = matches.next() {
        for c in m.captures() {
            let name = query.capture_names()[c.index as usize];
            if name.starts_with('_') {
                continue;
            }
            out.push((
                source[c.node.byte_range()].to_string(),
                name.to_string(),
                c.node.start_byte(),
            ));
        }
    }
    out.sort_by_key(|(_, _, at)| *at);
    out
}

/// The captures of the first node with exactly this text, after byte `from`.
fn capture_of(caps: &[(String, String, usize)], text: &str, from: usize) -> Vec<String> {
    let first = caps
        .iter()
        .find(|(t, _, at)| t == text && *at >= from)
        .map(|(_, _, at)| *at);
    caps.iter()
        .filter(|(t, _, at)| t == text && Some(*at) == first)
        .map(|(_, c, _)| c.clone())
        .collect()
}

const SAMPLE: &str = r#"# A comment
flow "Sample" {
  scope: incident
  author: analyst
  created: 2026-03-02T14:00:00Z
  marking: [tlp-green]
  labels: ["x"]
  description: """long"""
}
action phish T1566.002 "Phish" {
  tactic: TA0001
  confidence: 80
  asset_refs: [wp_account]
  x_score: 2.5
  x_flag: true
  description: "Tab\tafter"
}
operator both AND
asset wp_account "Account" { object_ref: jdoe }
identity analyst "CTI" { "SHA-256": abc }
phish, both -> login
got -[false]-> phish
"#;

#[test]
fn every_query_compiles() {
    for (name, src) in tree_sitter_attackflow::QUERIES {
        if let Err(e) = Query::new(&language(), src) {
            panic!("{name} does not compile: {e}");
        }
    }
}

#[test]
fn highlights_name_what_they_should() {
    let caps = captures(tree_sitter_attackflow::HIGHLIGHTS_QUERY, SAMPLE);
    let one = |text: &str, from: usize| capture_of(&caps, text, from);
    let at = |needle: &str| SAMPLE.find(needle).expect("needle in sample");
    assert_eq!(one("# A comment", 0), ["comment"]);
    assert_eq!(one("flow", 0), ["keyword"]);
    assert_eq!(one("scope", 0), ["property"]);
    assert_eq!(one("incident", 0), ["constant"]);
    assert_eq!(one("analyst", 0), ["variable"]);
    assert_eq!(one("2026-03-02T14:00:00Z", 0), ["string.special"]);
    assert_eq!(one("tlp-green", 0), ["constant"]);
    assert_eq!(one("action", 0), ["type"]);
    assert_eq!(one("phish", 0), ["variable"]);
    assert_eq!(one("T1566.002", 0), ["constant"]);
    assert_eq!(one("TA0001", 0), ["constant"]);
    assert_eq!(one("80", 0), ["number"]);
    assert_eq!(one("wp_account", 0), ["variable"]);
    assert_eq!(one("2.5", 0), ["number.float"]);
    assert_eq!(one("true", 0), ["boolean"]);
    assert_eq!(one("\\t", 0), ["string.escape"]);
    assert_eq!(one("AND", 0), ["keyword.operator"]);
    assert_eq!(one("jdoe", 0), ["variable"]);
    assert_eq!(one("abc", 0), ["constant"]);
    assert_eq!(one("\"SHA-256\"", 0), ["property"]);
    assert_eq!(one("\"Sample\"", 0), ["string"]);
    assert_eq!(one("\"Phish\"", 0), ["string"]);
    assert_eq!(one("\"Tab\\tafter\"", 0), ["string"]);
    assert_eq!(one("\"x\"", 0), ["string"]);
    assert_eq!(one("\"\"\"long\"\"\"", 0), ["string"]);
    assert_eq!(one("login", 0), ["variable"]);
    assert_eq!(one("->", at("phish, both")), ["operator"]);
    assert_eq!(one("false", at("got -[")), ["label"]);
    assert_eq!(one("-[", 0), ["punctuation.bracket"]);
    assert_eq!(one(",", at("phish, both")), ["punctuation.delimiter"]);
}

#[test]
fn no_node_gets_two_highlights() {
    // Editors differ in whether the first or the last matching pattern wins; the patterns are
    // written so that the question never comes up.
    let flows = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../crates/af-compile/tests/flows");
    let mut sources = vec![SAMPLE.to_string()];
    for entry in std::fs::read_dir(&flows).expect("compiler test flows exist") {
        let path = entry.expect("dir entry").path();
        if path.extension().is_some_and(|e| e == "af") {
            sources.push(std::fs::read_to_string(&path).expect("readable flow"));
        }
    }
    for source in &sources {
        let caps = captures(tree_sitter_attackflow::HIGHLIGHTS_QUERY, source);
        let mut by_node: BTreeMap<(usize, usize), Vec<String>> = BTreeMap::new();
        for (text, name, at) in caps {
            let names = by_node.entry((at, text.len())).or_default();
            if !names.contains(&name) {
                names.push(name);
            }
        }
        let doubles: Vec<_> = by_node.iter().filter(|(_, v)| v.len() > 1).collect();
        assert!(doubles.is_empty(), "nodes with two highlights: {doubles:?}");
    }
}

#[test]
fn locals_define_nodes_and_reference_them() {
    let caps = captures(tree_sitter_attackflow::LOCALS_QUERY, SAMPLE);
    let defs: Vec<&str> = caps
        .iter()
        .filter(|(_, c, _)| c == "local.definition")
        .map(|(t, _, _)| t.as_str())
        .collect();
    assert_eq!(defs, ["phish", "both", "wp_account", "analyst"]);
    let refs: Vec<&str> = caps
        .iter()
        .filter(|(_, c, _)| c == "local.reference")
        .map(|(t, _, _)| t.as_str())
        .collect();
    assert_eq!(
        refs,
        [
            "analyst",
            "wp_account",
            "jdoe",
            "phish",
            "both",
            "login",
            "got",
            "phish"
        ]
    );
}

#[test]
fn folds_cover_blocks_and_lists() {
    let caps = captures(tree_sitter_attackflow::FOLDS_QUERY, SAMPLE);
    assert!(caps.iter().all(|(_, c, _)| c == "fold"));
    assert!(caps.iter().any(|(t, _, _)| t.starts_with("{\n  scope")));
    assert!(caps.iter().any(|(t, _, _)| t == "[tlp-green]"));
}

#[test]
fn neovim_query_copies_match_the_grammar() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let copies = root.join("editors/nvim/queries/attackflow");
    let grammar = root.join("grammar/tree-sitter-attackflow/queries");
    let mut stale = Vec::new();
    for (name, src) in tree_sitter_attackflow::QUERIES {
        match std::fs::read_to_string(copies.join(name)) {
            Ok(copy) if copy == src => {}
            Ok(_) => stale.push(format!("{name} differs")),
            Err(e) => stale.push(format!("{name}: {e}")),
        }
    }
    // No query in the plugin that the grammar does not have.
    if let Ok(entries) = std::fs::read_dir(&copies) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if !grammar.join(&name).exists() {
                stale.push(format!("{name} exists only in editors/nvim"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "editors/nvim/queries/attackflow is out of date ({}); run editors/nvim/scripts/sync-queries.sh",
        stale.join(", ")
    );
}
