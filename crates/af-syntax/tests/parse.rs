use af_syntax::parse;

fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn sketch_parses_cleanly() {
    let src = fixture("sketch.af");
    let parsed = parse(&src);
    assert!(parsed.diagnostics.is_empty(), "{:#?}", parsed.diagnostics);
    insta::assert_debug_snapshot!(parsed.file);
}

#[test]
fn five_independent_errors_are_all_reported() {
    let src = fixture("five_errors.af");
    let parsed = parse(&src);
    let rendered = af_diagnostics::render_human(&parsed.diagnostics, "five_errors.af", &src, false);
    insta::assert_snapshot!(rendered);
    assert_eq!(parsed.diagnostics.len(), 5, "{rendered}");
}
