//! Real bundles: the Attack Flow Builder corpus and the official example flow in `shared/`
//! (skipped without it), and the project's own examples compiled by af-compile.

use af_diagnostics::{Diagnostic, LineIndex, Severity};
use af_testkit::{shared_or_skip, SchemaSet};
use af_validate::validate_str;
use std::path::{Path, PathBuf};

fn describe(text: &str, diags: &[&Diagnostic]) -> String {
    let index = LineIndex::new(text);
    diags
        .iter()
        .map(|d| {
            let p = index.line_col(text, d.span.start);
            format!("  {}:{} {} {}", p.line, p.column, d.code, d.message)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn every_corpus_bundle_validates_without_errors() {
    let Some(shared) = shared_or_skip("every_corpus_bundle_validates_without_errors") else {
        return;
    };
    let files = json_files(&shared.join("corpus/stix"));
    assert!(files.len() > 10, "the corpus should hold the Builder's bundles");
    let mut problems = Vec::new();
    for path in &files {
        let text = read(path);
        let diags = validate_str(&text);
        let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
        if !errors.is_empty() {
            problems.push(format!("{}:\n{}", path.display(), describe(&text, &errors)));
        }
        // Every Builder export carries bundle-level STIX 2.0 properties.
        if !diags.iter().any(|d| d.code == "V0015") {
            problems.push(format!(
                "{}: no V0015 for the bundle's spec_version",
                path.display()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn builder_condition_branches_are_reported_where_the_corpus_has_them() {
    let Some(shared) = shared_or_skip("builder_condition_branches_are_reported_where_the_corpus_has_them")
    else {
        return;
    };
    for path in json_files(&shared.join("corpus/stix")) {
        let text = read(&path);
        let value: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let objects = value["objects"].as_array().cloned().unwrap_or_default();
        // Conditions that are the source of a related-to relationship to a flow node.
        let mut expected: Vec<&str> = objects
            .iter()
            .filter(|o| o["type"] == "relationship" && o["relationship_type"] == "related-to")
            .filter(|o| {
                let t = o["target_ref"].as_str().unwrap_or_default();
                ["attack-action--", "attack-condition--", "attack-operator--"]
                    .iter()
                    .any(|p| t.starts_with(p))
            })
            .filter_map(|o| o["source_ref"].as_str())
            .filter(|s| s.starts_with("attack-condition--"))
            .collect();
        expected.sort_unstable();
        expected.dedup();
        let reported = validate_str(&text).iter().filter(|d| d.code == "V0207").count();
        assert_eq!(reported, expected.len(), "{}", path.display());
    }
}

#[test]
fn the_official_example_flow_has_no_errors() {
    let Some(shared) = shared_or_skip("the_official_example_flow_has_no_errors") else {
        return;
    };
    let path = shared.join("schema/attack-flow-example.json");
    let text = read(&path);
    let diags = validate_str(&text);
    let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{}", describe(&text, &errors));
}

/// The project's example flows, compiled.
fn compiled_examples() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return out;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "af"))
    {
        let source = read(&path);
        let compiled = af_compile::compile_str(&source, &af_compile::Options::default());
        if compiled.has_errors() {
            continue; // the compiler's own tests report that
        }
        out.push((path.display().to_string(), compiled.to_json()));
    }
    out
}

#[test]
fn compiled_examples_are_clean() {
    let examples = compiled_examples();
    assert!(!examples.is_empty(), "examples/*.af should compile");
    for (name, text) in &examples {
        let diags = validate_str(text);
        let all: Vec<&Diagnostic> = diags.iter().collect();
        assert!(all.is_empty(), "{name}:\n{}", describe(text, &all));
    }
}

#[test]
fn no_errors_exactly_when_the_official_schemas_accept() {
    // On real bundles, an error from the validator and a rejection by the schemas go together.
    let Some(shared) = shared_or_skip("no_errors_exactly_when_the_official_schemas_accept") else {
        return;
    };
    let set = SchemaSet::cached(&shared).unwrap_or_else(|e| panic!("schemas: {e}"));
    let mut texts: Vec<(String, String)> = json_files(&shared.join("corpus/stix"))
        .iter()
        .map(|p| (p.display().to_string(), read(p)))
        .collect();
    texts.extend(compiled_examples());
    for (name, text) in texts {
        let mut value: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        if let Some(map) = value.as_object_mut() {
            for key in ["spec_version", "created", "modified"] {
                map.remove(key); // V0015 is a warning here, an error for the schema set
            }
        }
        let schema_errors = set.validate_bundle(&value);
        let errors = validate_str(&text)
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        assert_eq!(
            errors == 0,
            schema_errors.is_empty(),
            "{name}: {errors} validator errors, schema errors: {schema_errors:?}"
        );
    }
}

#[test]
fn truncated_and_damaged_bundles_never_panic() {
    let Some((_, text)) = compiled_examples().into_iter().next() else {
        panic!("no compiled example");
    };
    let bytes = text.as_bytes();
    for cut in (0..bytes.len()).step_by(97) {
        if let Ok(prefix) = std::str::from_utf8(&bytes[..cut]) {
            let diags = validate_str(prefix);
            assert!(diags.iter().any(|d| d.code == "V0001"), "cut at {cut}");
        }
    }
    // Replace single characters with JSON punctuation at spread positions.
    let mut seed = 0x2545_f491_u64;
    for _ in 0..400 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let at = (seed % bytes.len() as u64) as usize;
        if !text.is_char_boundary(at) || !text.is_char_boundary(at + 1) {
            continue;
        }
        let with = ["\"", "{", "]", "0", "null", "-", "\\"][(seed >> 32) as usize % 7];
        let mut damaged = text.clone();
        damaged.replace_range(at..at + 1, with);
        for d in validate_str(&damaged) {
            assert!(d.span.end <= damaged.len());
        }
    }
}
