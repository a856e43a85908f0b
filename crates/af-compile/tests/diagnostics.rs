//! One fixture per diagnostic code: each must produce its code, and the rendered output is
//! snapshotted so message changes are reviewed.

use af_compile::{compile_str, Options, CODES};
use std::path::Path;

fn dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diagnostics")
}

#[test]
fn every_code_has_a_fixture_that_produces_it() {
    let mut missing = Vec::new();
    for (code, _) in CODES {
        let path = dir().join(format!("{code}.af"));
        let Ok(source) = std::fs::read_to_string(&path) else {
            missing.push(format!("{code}: no fixture"));
            continue;
        };
        let compiled = compile_str(&source, &Options::default());
        if !compiled.diagnostics.iter().any(|d| d.code == *code) {
            let got: Vec<_> = compiled.diagnostics.iter().map(|d| d.code).collect();
            missing.push(format!("{code}: fixture gives {got:?}"));
        }
        let rendered =
            af_diagnostics::render_human(&compiled.diagnostics, &format!("{code}.af"), &source, false);
        insta::with_settings!({ snapshot_suffix => *code, prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!("diagnostic", rendered);
        });
    }
    assert!(missing.is_empty(), "{missing:#?}");
}

#[test]
fn every_code_is_documented() {
    let doc = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/diagnostics.md");
    let text = std::fs::read_to_string(&doc).unwrap_or_default();
    let undocumented: Vec<_> = CODES
        .iter()
        .filter(|(c, _)| !text.contains(&format!("## {c}")))
        .map(|(c, _)| *c)
        .collect();
    assert!(
        undocumented.is_empty(),
        "not in docs/diagnostics.md: {undocumented:?}"
    );
}

#[test]
fn json_format_has_positions() {
    let source = std::fs::read_to_string(dir().join("E0105.af")).unwrap_or_default();
    let compiled = compile_str(&source, &Options::default());
    let json = af_diagnostics::to_json(&compiled.diagnostics, "E0105.af", &source);
    let d = json
        .iter()
        .find(|d| d.code == "E0105")
        .map(|d| serde_json::to_value(d).ok());
    insta::assert_json_snapshot!(d);
}
