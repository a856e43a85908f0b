//! The syntax tree the parser recovers from broken input, snapshotted. The language server
//! lives on these partial trees (completion, outline, navigation while the user types), so
//! what survives an error — the statements around it, the parts of the broken statement that
//! did parse, the spans — is behaviour to pin down, not only the diagnostics.
//!
//! Each snapshot shows the source, the diagnostics and the tree in a compact form: one line
//! per statement or property, each with its span and the source text it covers.

use af_syntax::ast::{Block, File, Item, Value, ValueKind};
use af_syntax::parse;
use std::fmt::Write;

/// `@start..end` and the source text of the span (shortened, on one line).
fn at(src: &str, span: &std::ops::Range<usize>) -> String {
    let text = src.get(span.clone()).unwrap_or("<span outside the source>");
    let mut shown: String = text.chars().take(40).collect();
    if text.chars().count() > 40 {
        shown.push('…');
    }
    format!("@{}..{} {:?}", span.start, span.end, shown)
}

fn value(src: &str, v: &Value, indent: usize, out: &mut String) {
    let pad = "  ".repeat(indent);
    match &v.kind {
        ValueKind::List(items) => {
            let _ = writeln!(out, "list {}", at(src, &v.span));
            for item in items {
                let _ = write!(out, "{pad}  - ");
                value(src, item, indent + 2, out);
            }
        }
        ValueKind::Map(b) => {
            let _ = writeln!(out, "map {}", at(src, &v.span));
            block(src, b, indent + 1, out);
        }
        ValueKind::Titled(inner, b) => {
            let _ = write!(out, "titled {} ", at(src, &v.span));
            value(src, inner, indent + 1, out);
            block(src, b, indent + 1, out);
        }
        ValueKind::Str(s) => {
            let _ = writeln!(
                out,
                "str {:?} multiline={} {}",
                s.value,
                s.multiline,
                at(src, &v.span)
            );
        }
        ValueKind::Int(t) => {
            let _ = writeln!(out, "int {t} {}", at(src, &v.span));
        }
        ValueKind::Float(t) => {
            let _ = writeln!(out, "float {t} {}", at(src, &v.span));
        }
        ValueKind::Bool(b) => {
            let _ = writeln!(out, "bool {b} {}", at(src, &v.span));
        }
        ValueKind::Timestamp(t) => {
            let _ = writeln!(out, "timestamp {t} {}", at(src, &v.span));
        }
        ValueKind::Word(w) => {
            let _ = writeln!(out, "word {w} {}", at(src, &v.span));
        }
        ValueKind::Error => {
            let _ = writeln!(out, "ERROR {}", at(src, &v.span));
        }
    }
}

fn block(src: &str, b: &Block, indent: usize, out: &mut String) {
    let pad = "  ".repeat(indent);
    let _ = writeln!(out, "{pad}block {}", at(src, &b.span));
    for p in &b.entries {
        let quoted = if p.key.quoted { " (quoted)" } else { "" };
        let _ = write!(out, "{pad}  {}{quoted} {}: ", p.key.text, at(src, &p.span));
        match &p.value {
            Some(v) => value(src, v, indent + 1, out),
            None => {
                let _ = writeln!(out, "<no value>");
            }
        }
    }
}

fn tree(src: &str, file: &File) -> String {
    let mut out = String::new();
    for item in &file.items {
        match item {
            Item::Flow(f) => {
                let title = f.title.as_ref().map(|t| format!("{:?}", t.value));
                let _ = writeln!(
                    out,
                    "flow title={} {}",
                    title.as_deref().unwrap_or("<none>"),
                    at(src, &f.span)
                );
                if let Some(b) = &f.body {
                    block(src, b, 1, &mut out);
                }
            }
            Item::Node(n) => {
                let name = n.name.as_ref().map(|i| i.text.as_str()).unwrap_or("<none>");
                let word = n.word.as_ref().map(|i| i.text.as_str()).unwrap_or("-");
                let title = n.title.as_ref().map(|t| format!("{:?}", t.value));
                let _ = writeln!(
                    out,
                    "node {} {name} word={word} title={} {}",
                    n.kind.text,
                    title.as_deref().unwrap_or("-"),
                    at(src, &n.span)
                );
                if let Some(b) = &n.body {
                    block(src, b, 1, &mut out);
                }
            }
            Item::Edge(e) => {
                let groups: Vec<String> = e
                    .groups
                    .iter()
                    .map(|g| g.iter().map(|i| i.text.as_str()).collect::<Vec<_>>().join(", "))
                    .collect();
                let arrows: Vec<String> = e
                    .arrows
                    .iter()
                    .map(|a| match &a.label {
                        Some(l) => format!("-[{}]->", l.text),
                        None => "->".into(),
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "edge [{}] arrows [{}] {}",
                    groups.join(" | "),
                    arrows.join(" "),
                    at(src, &e.span)
                );
                if let Some(b) = &e.body {
                    block(src, b, 1, &mut out);
                }
            }
        }
    }
    for c in &file.comments {
        let _ = writeln!(out, "comment {}", at(src, &c.span));
    }
    out
}

fn snapshot(src: &str) -> String {
    let parsed = parse(src);
    let index = af_diagnostics::LineIndex::new(src);
    let mut out = String::from("--- source\n");
    out.push_str(src);
    if !src.ends_with('\n') {
        out.push_str("⏎ (no final line break)\n");
    }
    out.push_str("--- diagnostics\n");
    for d in &parsed.diagnostics {
        let p = index.line_col(src, d.span.start);
        let _ = writeln!(out, "{}:{} {} {}", p.line, p.column, d.code, d.message);
        assert!(d.span.end <= src.len(), "diagnostic span past the end: {d:?}");
    }
    out.push_str("--- tree\n");
    out.push_str(&tree(src, &parsed.file));
    out
}

/// (snapshot name, broken source, whether the last line — a complete declaration — survives
/// as its own statement). Where it does not, the snapshot shows why: a line ending in `->` or
/// `:` continues on the next line by the layout rules, and an unclosed `[` or `{` takes in
/// what follows until it is closed.
const CASES: &[(&str, &str, bool)] = &[
    (
        "flow_without_title",
        "flow {\n  scope: incident\n}\naction a T1566\n",
        true,
    ),
    ("flow_keyword_alone", "flow\naction a T1566\n", true),
    (
        "unclosed_string_in_property",
        "flow \"F\" {\n  scope: incident\n  description: \"never closed\n}\naction a T1566\n",
        true,
    ),
    (
        "unclosed_title",
        "action a T1566 \"Half a title\naction b T1078\n",
        true,
    ),
    (
        "unterminated_triple_string",
        "action a T1566 {\n  description: \"\"\"\n    text that runs\n    to the end\n",
        false,
    ),
    (
        "stray_tokens_between_statements",
        "action a T1566\n} ]\naction b T1078\n, b\naction c T1078\n",
        true,
    ),
    ("unexpected_character", "action a@b T1566\naction c T1078\n", true),
    (
        "edge_ending_in_arrow",
        "action a T1566\naction b T1078\na ->\n",
        false,
    ),
    ("edge_with_open_label", "a -[uses\nb -[\naction c T1078\n", false),
    (
        "edge_with_label_and_no_target",
        "a -[uses]->\naction c T1078\n",
        false,
    ),
    ("edge_missing_source", "-> b\naction c T1078\n", true),
    (
        "unterminated_block",
        "action a T1566 {\n  tactic: TA0001\n\naction b T1078\n",
        true,
    ),
    (
        "unterminated_list",
        "asset x \"X\" { object_ref: [a, b\n}\naction b T1078\n",
        false,
    ),
    (
        "property_without_value_and_missing_colon",
        "action a T1566 {\n  confidence:\n  tactic TA0001\n  description: \"kept\"\n}\n",
        false,
    ),
    (
        "node_kind_alone_while_typing",
        "flow \"F\" { scope: incident }\nact\naction b T1078\n",
        true,
    ),
    (
        "list_with_holes",
        "action a T1566 { asset_refs: [x, , y,] }\naction b T1078\n",
        true,
    ),
];

#[test]
fn recovered_trees_of_broken_input() {
    for (name, src, _) in CASES {
        let out = snapshot(src);
        insta::with_settings!({ snapshot_suffix => *name, prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!("recovered", out);
        });
    }
}

#[test]
fn every_case_is_broken_and_the_statement_after_the_error_survives_where_it_can() {
    for (name, src, keeps_last) in CASES {
        let parsed = parse(src);
        assert!(!parsed.diagnostics.is_empty(), "{name}: no diagnostic");
        let last_line_start = src.trim_end_matches('\n').rfind('\n').map_or(0, |i| i + 1);
        let kept = parsed
            .file
            .items
            .iter()
            .any(|i| i.span().start == last_line_start);
        assert_eq!(
            kept,
            *keeps_last,
            "{name}: the last statement {}:\n{}",
            if *keeps_last {
                "is lost"
            } else {
                "now survives: update the case"
            },
            tree(src, &parsed.file)
        );
    }
}
