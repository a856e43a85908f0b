//! Comment placement: every comment survives, and lands next to what it was next to.

use af_fmt::format_source;

fn fmt(s: &str) -> String {
    let out = format_source(s).unwrap_or_else(|d| panic!("format failed: {d:?}\n{s}"));
    let again = format_source(&out).unwrap_or_else(|d| panic!("second format failed: {d:?}"));
    assert_eq!(out, again, "not idempotent");
    out
}

#[test]
fn own_line_comments_stay_before_their_statement_and_property() {
    let src = "# header\nflow \"F\" {\n# about scope\nscope: incident\n}\n# about a\naction a T1566\n";
    assert_eq!(
        fmt(src),
        "# header\nflow \"F\" {\n  # about scope\n  scope: incident\n}\n\n# about a\naction a T1566\n"
    );
}

#[test]
fn trailing_comments_stay_after_their_token_with_their_spacing() {
    let src =
        "action a T1566   # phishing\naction bb T1078 # valid accounts\na -> bb            # the edge\n";
    assert_eq!(
        fmt(src),
        "action a T1566   # phishing\naction bb T1078 # valid accounts\na -> bb            # the edge\n"
    );
    // A comment after `{` stays on the opening line; one after a property stays on its line.
    let src = "action a {  # opening\n    confidence: 50 # fifty\n}\n";
    assert_eq!(fmt(src), "action a {  # opening\n  confidence: 50 # fifty\n}\n");
}

#[test]
fn comments_at_the_end_of_blocks_and_files() {
    let src = "action a {\n  confidence: 50\n    # last words in the block\n}\n\n# end of file\n# really\n";
    assert_eq!(
        fmt(src),
        "action a {\n  confidence: 50\n  # last words in the block\n}\n\n# end of file\n# really\n"
    );
    // A block holding only a comment keeps it inside.
    assert_eq!(
        fmt("action a {\n# nothing yet\n}\n"),
        "action a {\n  # nothing yet\n}\n"
    );
}

#[test]
fn comments_inside_lists_force_one_item_per_line() {
    let src = "action a {\n  asset_refs: [x, # the laptop\n  y]\n}\n";
    assert_eq!(
        fmt(src),
        "action a {\n  asset_refs: [\n    x, # the laptop\n    y,\n  ]\n}\n"
    );
    let src = "action a {\n  asset_refs: [\n    # first the laptop\n    x,\n    y\n    # and nothing else\n  ]\n}\n";
    assert_eq!(
        fmt(src),
        "action a {\n  asset_refs: [\n    # first the laptop\n    x,\n    y,\n    # and nothing else\n  ]\n}\n"
    );
}

#[test]
fn comments_inside_edges_and_maps_survive() {
    let src = "a, # first\n  b -> c\n";
    let out = fmt(src);
    assert!(out.contains("# first"), "{out}");
    let src =
        "flow \"F\" {\n  external_references: [\n    { source_name: \"x\" # the source\n    }\n  ]\n}\n";
    let out = fmt(src);
    assert!(out.contains("source_name: \"x\" # the source"), "{out}");
    let src = "flow \"F\" {\n  hashes: { # map\n    MD5: \"00\"\n  }\n}\n";
    assert_eq!(
        fmt(src),
        "flow \"F\" {\n  hashes: { # map\n    MD5: \"00\"\n  }\n}\n"
    );
}

#[test]
fn comments_move_with_the_flow_header() {
    let src = "action a T1566\n\n# the header\nflow \"F\" { scope: incident } # trailing\n";
    assert_eq!(
        fmt(src),
        "# the header\nflow \"F\" { scope: incident } # trailing\naction a T1566\n"
    );
}

#[test]
fn blank_lines_between_comments_are_kept_once() {
    let src = "action a T1\n\n\n\n# one\n\n\n# two\naction b T2\n";
    assert_eq!(fmt(src), "action a T1\n\n# one\n\n# two\naction b T2\n");
}

#[test]
fn tricky_inputs_format_and_stay_put() {
    let cases = [
        "note n \"\"\"\n  two\n  lines\n  \"\"\" { object_refs: [a] }\n",
        "action a {\n  confidence:\n    # the number\n    50\n}\n",
        "flow \"F\" { author: \"J\" { identity_class: individual } }\n",
        "action a { x_list: [\"a\" { b: 1 }, [1, [2, 3]], {}] }\n",
        "a -[uses]-> b { # why\n}\n",
        "flow \"A\"\nflow \"B\" # second\n",
        "action a {}\naction b { }\n\n\n# end\n",
        "action a { description: \"\"\"\n    indented line\n  less\n  \"\"\" }\n",
        "action a { \"x y\": { \"\": 1 } }\r\n# crlf\r\n",
        "x_thing t { x_deep: [[[[[[1]]]]]] }\n",
    ];
    for src in cases {
        let out = fmt(src);
        let n = |s: &str| af_syntax::parse(s).file.comments.len();
        assert_eq!(n(src), n(&out), "{src:?} -> {out:?}");
    }
}
