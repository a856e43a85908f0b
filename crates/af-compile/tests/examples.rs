//! Every example compiles without errors, to the same bytes each time, to a bundle the official
//! Attack Flow and OASIS STIX 2.1 schemas accept; the output is snapshotted.

use af_compile::{compile_str, Options};
use std::path::{Path, PathBuf};

/// The project's examples plus the hand-written test flows in `tests/flows/` (which use
/// constructs the examples do not: sightings, custom objects, markings by node, …).
fn examples() -> Vec<PathBuf> {
    let examples = af_testkit::example_flows();
    assert!(examples.len() >= 6, "expected at least six examples");
    let flows = af_testkit::files_in(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/flows"), "af");
    assert!(!flows.is_empty(), "expected test flows in tests/flows");
    examples.into_iter().chain(flows).collect()
}

fn compile(path: &Path) -> (String, af_compile::Compiled) {
    let source = std::fs::read_to_string(path).unwrap_or_default();
    let compiled = compile_str(&source, &Options::default());
    (source, compiled)
}

#[test]
fn examples_compile_cleanly_and_match_snapshots() {
    for path in examples() {
        let (source, compiled) = compile(&path);
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let rendered = af_diagnostics::render_human(&compiled.diagnostics, &name, &source, false);
        assert!(
            compiled.diagnostics.is_empty(),
            "{name} has diagnostics:\n{rendered}"
        );
        insta::with_settings!({ snapshot_suffix => name.clone(), prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!("example", compiled.to_json());
        });
    }
}

#[test]
fn compiling_twice_gives_identical_bytes() {
    for path in examples() {
        let (_, a) = compile(&path);
        let (_, b) = compile(&path);
        assert_eq!(a.to_json(), b.to_json(), "{}", path.display());
        assert!(a.to_json().ends_with("}\n"));
    }
}

#[test]
fn examples_are_valid_under_the_official_schemas() {
    let Some(shared) = af_testkit::shared_or_skip("examples_are_valid_under_the_official_schemas") else {
        return;
    };
    let schemas = match af_testkit::SchemaSet::cached(&shared) {
        Ok(s) => s,
        Err(e) => panic!("loading schemas: {e}"),
    };
    let mut failures = Vec::new();
    for path in examples() {
        let (_, compiled) = compile(&path);
        let bundle: serde_json::Value = match serde_json::from_str(&compiled.to_json()) {
            Ok(v) => v,
            Err(e) => panic!("{}: output is not JSON: {e}", path.display()),
        };
        for err in schemas.validate_bundle(&bundle) {
            failures.push(format!("{}: {err}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
