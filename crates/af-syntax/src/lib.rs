//! Syntax of the afc flow language: the logos lexer, the layout pass that gives newlines
//! their meaning, the chumsky parser with error recovery, and the syntax tree with byte spans.
//! Comments are kept as trivia for the formatter. The chumsky grammar defines the language;
//! `fast.rs` reads well-formed statements directly, giving the grammar's tree, and leaves
//! everything else to the grammar.
//!
//! This crate knows nothing about STIX or Attack Flow semantics: a node kind is just a word,
//! and no name is resolved here. The entry point is [`parse`], which never panics.

pub mod ast;
mod fast;
mod layout;
pub mod lexer;
mod parser;
pub mod position;
mod recover;
pub mod strings;

use af_diagnostics::codes;
use af_diagnostics::Diagnostic;
pub use ast::*;
use chumsky::error::{RichPattern, RichReason};
use chumsky::prelude::*;
use lexer::Token;

/// Deepest nesting of `{ }` and `[ ]` the parser accepts; deeper values get `E0005`.
pub const MAX_DEPTH: usize = 64;

/// Result of parsing: the tree (always present, possibly partial) and every syntax error.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub file: File,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses a whole source text. One broken statement never hides another: each statement is
/// parsed on its own, and blocks and lists recover inside.
pub fn parse(source: &str) -> Parsed {
    parse_with(source, Path::Fast)
}

/// Parses like [`parse`] but with the whole grammar and rich errors for every statement,
/// skipping the fast paths. The result is the same; the tests and the `parse` fuzz target
/// compare the two.
#[doc(hidden)]
pub fn parse_with_full_grammar(source: &str) -> Parsed {
    parse_with(source, Path::Full)
}

/// How statements are parsed: the fast path (a direct reading of well-formed statements, then
/// cheap errors with the form picked from the first tokens, and the full grammar with rich
/// errors only for statements that fail), or the full grammar with rich errors for every
/// statement. Both give the same result; the tests check.
#[derive(Clone, Copy, PartialEq)]
enum Path {
    Fast,
    Full,
}

fn parse_with(source: &str, path: Path) -> Parsed {
    let mut diagnostics = Vec::new();
    let (tokens, comments) = lexer::lex(source);
    for (t, span) in &tokens {
        match t {
            Token::Error(text) => diagnostics.push(
                Diagnostic::new(codes::E0003, span.clone(), format!("unexpected character `{text}`"))
                    .with_span_label("not part of the language")
                    .with_help("the language uses letters, digits, `_ - .`, strings in quotes, `{ } [ ] : , ->` and `#` comments"),
            ),
            Token::UnterminatedStr(text) => diagnostics.push(
                Diagnostic::new(codes::E0002, span.clone(), "unterminated string")
                    .with_span_label("this string has no closing quote")
                    .with_help(if text.starts_with("\"\"\"") {
                        "close it with `\"\"\"`"
                    } else {
                        "close it with `\"` on the same line, or use `\"\"\"` for text over several lines"
                    }),
            ),
            _ => {}
        }
        // Escape errors, for every string in the file (the grammar only decodes).
        let (raw, multiline) = match t {
            Token::Str(s) => (*s, false),
            Token::TripleStr(s) => (*s, true),
            Token::UnterminatedStr(s) => (*s, s.starts_with("\"\"\"")),
            _ => continue,
        };
        if raw.contains('\\') {
            for e in strings::literal(raw, multiline).1 {
                let start = span.start + e.offset;
                diagnostics.push(Diagnostic::new(codes::E0006, start..start + e.len, e.message));
            }
        }
    }
    let lay = layout::layout(&tokens, &mut diagnostics);
    // Most statements are fine: parse each with cheap errors first, with the grammar its first
    // tokens call for, and parse again with rich errors (expected tokens, labels) and the
    // whole grammar only the statements that fail.
    let cheap = parser::Statements::<_, extra::Err<chumsky::error::Cheap<SimpleSpan>>>::new();
    let rich = parser::statement::<_, extra::Err<Rich<'_, Token<'_>, SimpleSpan>>>();
    let mut items = Vec::with_capacity(lay.statements.len());
    let mut broken = Vec::new();
    for range in lay.statements {
        let slice = &lay.tokens[range];
        let end = slice.last().map_or(0, |(_, s)| s.end);
        let input = || slice.map(SimpleSpan::from(end..end), |(t, s)| (t, s));
        let (mut item, errors) = match path {
            Path::Fast => match fast::statement(slice) {
                Some(item) => (Some(item), false),
                None => cheap.parse(slice, input()),
            },
            Path::Full => (None, true),
        };
        if errors {
            // Statements are parsed one by one, so errors of one statement never cascade into
            // the next; inside a statement, blocks and lists recover and report each problem.
            let (again, errors) = rich.parse(input()).into_output_errors();
            item = again;
            let first = diagnostics.len();
            diagnostics.extend(errors.into_iter().map(convert));
            if item.is_none() {
                item = recover::declaration(slice, &mut diagnostics[first..]);
            }
        }
        match item {
            Some(item) => {
                check_item(&item, &mut diagnostics);
                items.push(item);
            }
            None => {
                let start = slice.first().map_or(end, |(_, s)| s.start);
                broken.push(start..end);
            }
        }
    }
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    diagnostics.dedup_by(|a, b| a.code == b.code && a.span == b.span);
    // A lexical error already explains the parser's complaint about the same token (a set:
    // a file of stray characters has as many lexical errors as characters).
    let lexical: std::collections::HashSet<(usize, usize)> = diagnostics
        .iter()
        .filter(|d| d.is(codes::E0002) || d.is(codes::E0003))
        .map(|d| (d.span.start, d.span.end))
        .collect();
    diagnostics.retain(|d| !d.is(codes::E0001) || !lexical.contains(&(d.span.start, d.span.end)));
    let comments = comments
        .into_iter()
        .map(|(t, span)| Comment {
            text: match t {
                Token::Comment(c) => c.trim_end().to_string(),
                _ => String::new(),
            },
            span,
        })
        .collect();
    Parsed {
        file: File {
            items,
            comments,
            broken,
        },
        diagnostics,
    }
}

/// Structural checks the grammar leaves lenient so that partial input still gives a tree.
fn check_item(item: &Item, diags: &mut Vec<Diagnostic>) {
    match item {
        Item::Node(n) if n.name.is_none() => diags.push(
            Diagnostic::new(
                codes::E0010,
                n.kind.span.clone(),
                format!("`{}` needs a name", n.kind.text),
            )
            .with_help(format!(
                "write `{} my_name …`; the name is how edges and refs point at it",
                n.kind.text
            )),
        ),
        Item::Node(n) => {
            if let Some(name) = &n.name {
                if name.text.contains(['.', '-']) {
                    diags.push(
                        Diagnostic::new(
                            codes::E0011,
                            name.span.clone(),
                            format!("`{}` is not a valid node name", name.text),
                        )
                        .with_help("node names use letters, digits and `_` only")
                        .with_fix(
                            "use underscores",
                            name.span.clone(),
                            name.text.replace(['.', '-'], "_"),
                        ),
                    );
                } else if matches!(name.text.as_str(), "flow" | "true" | "false") {
                    diags.push(
                        Diagnostic::new(
                            codes::E0011,
                            name.span.clone(),
                            format!("`{}` is a keyword and cannot name a node", name.text),
                        )
                        .with_fix(
                            "rename it",
                            name.span.clone(),
                            format!("{}_node", name.text),
                        ),
                    );
                }
            }
        }
        Item::Flow(f) if f.title.is_none() => diags.push(
            Diagnostic::new(codes::E0010, f.keyword.clone(), "the flow header needs a name")
                .with_help("write `flow \"Name of the flow\" { … }`"),
        ),
        _ => {}
    }
}

fn convert(e: Rich<'_, Token<'_>, SimpleSpan>) -> Diagnostic {
    let span = e.span().into_range();
    if let RichReason::Custom(msg) = e.reason() {
        return Diagnostic::new(codes::E0001, span, msg.clone());
    }
    let found = match e.found() {
        Some(t) => t.to_string(),
        None => "end of the statement".to_string(),
    };
    let mut expected: Vec<String> = e
        .expected()
        .filter_map(|p| match p {
            RichPattern::Token(t) => Some(t.to_string()),
            RichPattern::Label(l) => Some(l.to_string()),
            RichPattern::EndOfInput => Some("end of line".to_string()),
            _ => None,
        })
        .collect();
    expected.sort();
    expected.dedup();
    let message = format!("unexpected {found}");
    let mut d = Diagnostic::new(codes::E0001, span, message);
    if !expected.is_empty() {
        let list = match expected.len() {
            1 => expected[0].clone(),
            n => format!("{} or {}", expected[..n - 1].join(", "), expected[n - 1]),
        };
        d = d.with_span_label(format!("expected {list}"));
    }
    d
}

#[cfg(test)]
mod tests {
    use super::{parse_with, Parsed, Path};
    use proptest::prelude::*;

    fn same(src: &str) -> Result<(), String> {
        let (fast, full) = (parse_with(src, Path::Fast), parse_with(src, Path::Full));
        let show = |p: &Parsed| format!("{:#?}\n{:#?}", p.file, p.diagnostics);
        if show(&fast) == show(&full) {
            Ok(())
        } else {
            Err(format!("fast:\n{}\nfull:\n{}", show(&fast), show(&full)))
        }
    }

    /// Every flow in the repository (examples, test flows, diagnostic fixtures with their
    /// mistakes) parses the same on the fast path as with the full grammar.
    #[test]
    fn fast_path_gives_what_the_full_grammar_gives_on_every_flow_here() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let dirs = [
            "examples",
            "crates/af-compile/tests/flows",
            "crates/af-compile/tests/diagnostics",
            "crates/af-syntax/tests/fixtures",
        ];
        let mut checked = 0;
        for dir in dirs {
            let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "af") {
                    let src = std::fs::read_to_string(&path).unwrap_or_default();
                    if let Err(e) = same(&src) {
                        panic!("{}: {e}", path.display());
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 40, "only {checked} flows found");
    }

    const PIECES: &[&str] = &[
        "flow",
        "action",
        "condition",
        "operator",
        "asset",
        "x",
        "y",
        "T1566",
        "AND",
        "\"t\"",
        "\"\"\"m\n\"\"\"",
        "{",
        "}",
        "[",
        "]",
        ":",
        ",",
        "->",
        "-[",
        "]->",
        "-[false]->",
        "-[uses]->",
        "\n",
        "\n",
        "\n",
        "12",
        "1.5",
        "2026-01-01T00:00:00Z",
        "true",
        "key:",
        "#c\n",
        "\"\\q\"",
        "\"k\":",
        "x: 1\n",
        "k: [a, b,]",
        "k: { a: 1 }",
        "k: \"v\" { a: b }\n",
        "action a T1078 {\n",
        "x -> y\n",
        "x, y -[uses]-> z {",
        "\"unterminated\n",
        "[\n",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]
        #[test]
        fn fast_path_gives_what_the_full_grammar_gives(picks in proptest::collection::vec(0..PIECES.len(), 0..60)) {
            let src: Vec<&str> = picks.iter().map(|&i| PIECES[i]).collect();
            let src = src.join(" ");
            prop_assert!(same(&src).is_ok(), "{}", same(&src).err().unwrap_or_default());
        }
    }
}
