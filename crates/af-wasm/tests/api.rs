//! The Rust side of the browser API: what JavaScript receives, with UTF-16 offsets. (The same
//! API in a real browser, against the CLI's output, is tested by `web/test/`.)

use af_wasm::{import, render_bundle_svg, search_techniques, technique, Flow, RenderOptions};

const FLOW: &str = "flow \"Café → bank\" {\n  scope: incident\n  created: 2026-01-01T00:00:00Z\n  description: \"d\"\n}\naction a T1566.002 \"Phish é\"\naction b T1078 \"Log in\"\na -> b\n";

/// The UTF-16 offset of the first `needle` in `text`, as JavaScript's `indexOf` gives it.
fn js_index(text: &str, needle: &str) -> usize {
    let byte = text.find(needle).expect("needle in text");
    text[..byte].encode_utf16().count()
}

#[test]
fn every_example_gives_the_cli_bundle_and_no_diagnostic() {
    for path in af_testkit::example_flows() {
        let source = std::fs::read_to_string(&path).expect("example readable");
        let flow = Flow::new(&source);
        assert_eq!(flow.diagnostics(), vec![], "{}", path.display());
        let compiled = af_compile::compile_str(&source, &af_compile::Options::default());
        assert_eq!(flow.stix(), Some(compiled.to_json()), "{}", path.display());
        let svg = flow.svg(&RenderOptions::default()).expect("svg");
        assert!(svg.starts_with("<svg"), "{}", path.display());
    }
}

#[test]
fn diagnostics_use_javascript_offsets() {
    let text = FLOW.replace("a -> b", "a -> zz");
    let flow = Flow::new(&text);
    assert!(flow.has_errors());
    assert_eq!(flow.stix(), None);
    assert_eq!(flow.svg(&RenderOptions::default()), None);
    let d = flow
        .diagnostics()
        .into_iter()
        .find(|d| d.message.contains("zz"))
        .expect("a diagnostic about zz");
    assert_eq!(d.severity, "error");
    let at = js_index(&text, "zz");
    assert_eq!((d.from, d.to), (at, at + 2));
    assert_eq!((d.line, d.column), (8, 6));
}

#[test]
fn highlights_cover_technique_ids() {
    let flow = Flow::new(FLOW);
    let at = js_index(FLOW, "T1566.002");
    let h = flow
        .highlights()
        .into_iter()
        .find(|h| h.from == at)
        .expect("a token at the id");
    assert_eq!((h.kind, h.to), ("macro", at + "T1566.002".len()));
}

#[test]
fn completes_technique_ids_with_their_names() {
    let text = FLOW.replace("T1566.002", "T1566.00");
    let flow = Flow::new(&text);
    let end = js_index(&text, "T1566.00") + "T1566.00".len();
    let c = flow.complete(end, 50);
    assert_eq!((c.from, c.to), (end - 8, end));
    let item = c
        .items
        .iter()
        .find(|i| i.label == "T1566.001")
        .expect("T1566.001 offered");
    assert_eq!(item.kind, "technique");
    assert!(item
        .detail
        .as_deref()
        .unwrap_or_default()
        .contains("Spearphishing Attachment"));
    assert!(flow.complete(end, 1).items.len() <= 1);
}

#[test]
fn hover_names_the_technique() {
    let flow = Flow::new(FLOW);
    let at = js_index(FLOW, "T1566.002");
    let h = flow.hover(at + 2).expect("hover");
    assert_eq!((h.from, h.to), (at, at + 9));
    assert!(h.markdown.contains("Spearphishing Link"), "{}", h.markdown);
}

#[test]
fn format_gives_the_text_and_the_edit() {
    let messy = FLOW.replace("action b T1078", "action   b  T1078");
    let f = Flow::new(&messy).format();
    let text = f.text.expect("formatted");
    assert_eq!(text, af_fmt::format_source(&messy).expect("formats"));
    let mut applied = messy.encode_utf16().collect::<Vec<_>>();
    for e in f.edits.iter().rev() {
        applied.splice(e.from..e.to, e.insert.encode_utf16());
    }
    assert_eq!(String::from_utf16(&applied).expect("utf-16"), text);
    let broken = Flow::new("action a {").format();
    assert_eq!(broken.text, None);
    assert!(!broken.diagnostics.is_empty());
}

#[test]
fn imports_bundles_and_builder_files_and_says_why_not() {
    let bundle = Flow::new(FLOW).stix().expect("bundle");
    let imported = import(&bundle, None).expect("imports");
    assert_eq!(imported.format, "stix");
    assert_eq!(Flow::new(&imported.source).stix(), Some(bundle.clone()));
    let err = import("{\"type\": \"x\"}", None).expect_err("not a flow");
    assert!(err.contains("not a STIX bundle"), "{err}");
    assert!(import("{", Some("afb"))
        .expect_err("not JSON")
        .contains("not JSON"));
    assert!(import("{}", Some("zip")).is_err());
    assert!(render_bundle_svg(&bundle, &RenderOptions::default())
        .expect("draws")
        .contains("Phish é"));
    assert!(render_bundle_svg("[]", &RenderOptions::default()).is_err());
}

#[test]
fn catalog_search_and_lookup() {
    let found = search_techniques("spearphishing attachment", 5);
    assert!(found.iter().any(|t| t.id == "T1566.001"), "{found:?}");
    let t = technique("t1566.001").expect("known");
    assert_eq!(t.name, "Phishing: Spearphishing Attachment");
    assert!(t.active && t.markdown.contains("T1566.001"));
    assert_eq!(technique("T9999"), None);
}

#[test]
fn navigator_layers_are_the_cli_files() {
    let flow = Flow::new(FLOW);
    let layers = flow.navigator("fallback").expect("no errors");
    assert_eq!(layers.layers.len(), 1);
    assert_eq!(layers.layers[0].domain, "enterprise-attack");
    assert!(layers.layers[0].text.ends_with("}\n"));
    assert!(layers.layers[0].text.contains("\"name\": \"Café → bank\""));
}
