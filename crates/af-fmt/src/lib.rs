//! The formatter of the afc flow language: one canonical layout for `.af` files, used by
//! `afc fmt`, by `afc import` (which builds text and formats it) and by the language server.
//!
//! [`format_source`] parses, refuses input with syntax errors, pretty-prints the tree and
//! checks its own output (it must parse to the same tree with the same comments) before
//! handing it back, so a file is never mangled. [`format_file`] pretty-prints a tree that is
//! already parsed. The rules are documented in the "Formatting" section of
//! `docs/language.md`: two-space indentation, the flow header first, statements otherwise in
//! source order, one property per line (a block with one scalar or list value on one line),
//! lists on one line when they fit in [`WIDTH`] columns, and every comment kept where it
//! belongs (trailing comments that were aligned stay aligned).
//!
//! This crate only knows the syntax tree: nothing about STIX, the catalogs or what a node
//! means. Formatting never changes meaning because it never reorders nodes or edges and never
//! changes a value.

mod equiv;
mod printer;

use af_diagnostics::Diagnostic;
use af_syntax::File;

/// The line width the formatter aims for: lists, one-line blocks and edge statements are kept
/// on one line only when the line fits in this many columns (characters).
pub const WIDTH: usize = 100;

/// The code of the diagnostic [`format_source`] returns when its own output would not parse
/// back to the same tree (a bug in the formatter; the input is then left alone).
pub const SELF_CHECK_CODE: &str = af_diagnostics::codes::F0001.id;

/// Formats a source text. Input with syntax errors is refused: the parser's diagnostics come
/// back as the error and nothing is formatted. Warnings of the parser do not stop formatting.
///
/// The output is checked before it is returned: it must parse without errors to the same
/// statements, properties, values and comments as the input. If it does not (a formatter
/// bug), the result is an error with code [`SELF_CHECK_CODE`] instead of a mangled file.
pub fn format_source(source: &str) -> Result<String, Vec<Diagnostic>> {
    let parsed = af_syntax::parse(source);
    if parsed.diagnostics.iter().any(Diagnostic::is_error) {
        return Err(parsed.diagnostics);
    }
    // A lone `\r` ends a line as `\n` does (see `af_syntax::lexer`); the printer looks for
    // `\n` between tokens, so it reads a copy with `\n` in its place (of the same length, so
    // every span stays valid).
    let unix;
    let text = if source
        .as_bytes()
        .iter()
        .enumerate()
        .any(|(i, &b)| lone_cr(source, i, b))
    {
        unix = source
            .bytes()
            .enumerate()
            .map(|(i, b)| if lone_cr(source, i, b) { b'\n' } else { b })
            .collect::<Vec<u8>>();
        std::str::from_utf8(&unix).unwrap_or(source)
    } else {
        source
    };
    let formatted = format_file(&parsed.file, text);
    let again = af_syntax::parse(&formatted);
    let problem = if again.diagnostics.iter().any(Diagnostic::is_error) {
        Some("the formatted text would not parse")
    } else if !equiv::same_file(&parsed.file, &again.file) {
        Some("the formatted text would not mean the same")
    } else {
        None
    };
    match problem {
        None => Ok(formatted),
        Some(why) => Err(vec![Diagnostic::new(
            af_diagnostics::codes::F0001,
            0..0,
            format!("the formatter cannot format this file: {why}"),
        )
        .with_help(
            "this is a bug in afc fmt; the file was left unchanged, please report it",
        )]),
    }
}

/// Pretty-prints a parsed file. `source` must be the text `file` was parsed from (comments,
/// blank lines and the columns of trailing comments are read from it).
///
/// A tree with syntax errors is printed as well as it can be (unparsed pieces are copied from
/// the source), but only [`format_source`] guarantees that meaning is kept.
pub fn format_file(file: &File, source: &str) -> String {
    printer::print_file(file, source)
}

/// A string literal for `value` as the formatter writes a multi-line string: a `"""` block
/// (content one step in, closing quotes in column 0; [`format_source`] re-indents it) when the
/// value has line breaks and such a block reads back as exactly `value`, otherwise an
/// ordinary `"…"` literal with escapes.
pub fn string_literal(value: &str) -> String {
    printer::block_literal(value, 0).unwrap_or_else(|| af_syntax::strings::quote(value))
}

/// Whether `text` can be written bare (without quotes) as a property key, a node name or an
/// enumeration value: it reads back as exactly one word.
pub fn is_word(text: &str) -> bool {
    printer::is_word(text)
}

/// Whether byte `b` at `i` of `source` is a `\r` not followed by `\n`.
fn lone_cr(source: &str, i: usize, b: u8) -> bool {
    b == b'\r' && source.as_bytes().get(i + 1) != Some(&b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(s: &str) -> String {
        match format_source(s) {
            Ok(out) => out,
            Err(d) => panic!("format failed: {d:?}"),
        }
    }

    #[test]
    fn refuses_syntax_errors_with_the_parser_diagnostics() {
        let err = format_source("action a {\n  x: [1, 2\n}\n").unwrap_err();
        assert!(err.iter().any(|d| d.code == "E0004"), "{err:?}");
        let err = format_source("flow \"x\" { a: \"unterminated }\n").unwrap_err();
        assert!(err.iter().any(|d| d.code == "E0002"), "{err:?}");
    }

    #[test]
    fn flow_header_moves_first_and_nodes_keep_their_order() {
        let out = fmt("action b T1078\naction a T1566\nflow \"F\" { scope: incident }\na -> b\n");
        assert_eq!(
            out,
            "flow \"F\" { scope: incident }\naction b T1078\naction a T1566\na -> b\n"
        );
    }

    #[test]
    fn old_mac_line_endings_format_like_unix_ones() {
        let unix = fmt("action   a   T1566\n# a comment\n\naction b T1078 # trailing\n");
        assert_eq!(
            fmt("action   a   T1566\r# a comment\r\raction b T1078 # trailing\r"),
            unix
        );
    }

    #[test]
    fn blocks_lists_and_blank_lines() {
        let src = "flow \"F\" {\nscope: incident\n    description: \"d\"\n}\naction a T1 { tactic: TA0001 }\naction b T2 {\n tactic: TA0002\n}\n\n\n\na -> b\n";
        let out = fmt(src);
        assert_eq!(
            out,
            "flow \"F\" {\n  scope: incident\n  description: \"d\"\n}\n\naction a T1 { tactic: TA0001 }\naction b T2 { tactic: TA0002 }\n\na -> b\n"
        );
    }

    #[test]
    fn long_lists_break_with_trailing_commas() {
        let names: Vec<String> = (0..30).map(|i| format!("asset_number_{i}")).collect();
        let src = format!("action a {{ asset_refs: [{}] }}\n", names.join(", "));
        let out = fmt(&src);
        assert!(
            out.starts_with("action a {\n  asset_refs: [\n    asset_number_0,\n"),
            "{out}"
        );
        assert!(out.ends_with("    asset_number_29,\n  ]\n}\n"), "{out}");
        let short = fmt("action a { asset_refs: [\n  x,\n  y,\n] }\n");
        assert_eq!(short, "action a { asset_refs: [x, y] }\n");
        let two = fmt("action a { asset_refs: [\n  x,\n  y,\n], confidence: 5 }\n");
        assert_eq!(two, "action a {\n  asset_refs: [x, y]\n  confidence: 5\n}\n");
    }

    #[test]
    fn maps_in_lists_are_blocks() {
        let out = fmt("flow \"F\" { external_references: [{ source_name: \"a\", url: \"u\" }, { source_name: \"b\" }] }\n");
        assert_eq!(
            out,
            "flow \"F\" {\n  external_references: [\n    {\n      source_name: \"a\"\n      url: \"u\"\n    },\n    { source_name: \"b\" },\n  ]\n}\n"
        );
    }

    #[test]
    fn strings_are_requoted_and_keys_unquoted_when_possible() {
        let out = fmt("file f { \"name\": \"tab\\there\", \"SHA-256\": \"x\", \"a b\": \"\\u{e9}\" }\n");
        assert_eq!(
            out,
            "file f {\n  name: \"tab\\there\"\n  SHA-256: \"x\"\n  \"a b\": \"é\"\n}\n"
        );
    }

    #[test]
    fn triple_quoted_strings_are_reindented() {
        let src = "flow \"F\" {\n      description: \"\"\"\n        one\n          two\n\n        three\n      \"\"\"\n}\n";
        let out = fmt(src);
        assert_eq!(
            out,
            "flow \"F\" {\n  description: \"\"\"\n    one\n      two\n\n    three\n  \"\"\"\n}\n"
        );
        // Without a line break the triple-quoted string becomes an ordinary one.
        assert_eq!(fmt("note n \"\"\"short\"\"\"\n"), "note n \"short\"\n");
    }

    #[test]
    fn long_edges_break_before_arrows() {
        let a = "a_really_long_name_for_a_step_of_the_flow";
        let src = format!("{a}_1 -> {a}_2 -> {a}_3\n");
        let out = fmt(&src);
        assert_eq!(out, format!("{a}_1\n  -> {a}_2\n  -> {a}_3\n"));
        assert_eq!(fmt("a\n  -> b\n"), "a -> b\n");
    }

    #[test]
    fn string_literals_read_back() {
        for v in [
            "one line",
            "two\nlines",
            "  indented\n  both",
            "trailing\n",
            "tab\there\nx",
            "q\"\"\"\nx",
        ] {
            let lit = string_literal(v);
            let parsed = af_syntax::parse(&format!("note n {{ content: {lit} }}"));
            assert!(parsed.diagnostics.is_empty(), "{v:?}: {:?}", parsed.diagnostics);
            let af_syntax::Item::Node(n) = &parsed.file.items[0] else {
                panic!("not a node")
            };
            let value = n
                .body
                .as_ref()
                .and_then(|b| b.entries[0].value.as_ref())
                .map(|v| &v.kind);
            assert!(
                matches!(value, Some(af_syntax::ValueKind::Str(s)) if s.value == v),
                "{v:?} -> {lit}"
            );
        }
        assert!(string_literal("two\nlines").starts_with("\"\"\""));
        assert!(!string_literal("  indented\n  both").starts_with("\"\"\""));
        assert!(is_word("sha-256") && is_word("T1566.001") && !is_word("a b") && !is_word("1x"));
    }

    #[test]
    fn empty_input_stays_empty() {
        assert_eq!(fmt(""), "");
        assert_eq!(fmt("\n\n"), "");
        assert_eq!(fmt("# only a comment"), "# only a comment\n");
    }
}
