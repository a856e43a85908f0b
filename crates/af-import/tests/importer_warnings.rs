//! A freshly imported bundle checks without the warnings the importer itself would introduce
//! (issue 14): no W0102 for the extension definition and identity it keeps as nodes, no W0201
//! for the `created` / `modified` pairs it keeps on observables. Warnings about the input's
//! own content (revoked techniques, Builder-style branches, …) are not the importer's.

use af_compile::{compile_str, Options};
use af_import::{import_bundle, ImportOptions};
use serde_json::{json, Value};

/// The codes a faithful import must never cause.
const IMPORTERS: &[&str] = &["W0102", "W0201"];

fn importer_warnings(name: &str, bundle: &str) -> Vec<String> {
    let imported = import_bundle(bundle, &ImportOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
    let compiled = compile_str(&imported.source, &Options::default());
    assert!(
        !compiled.has_errors(),
        "{name}: {:?}\n{}",
        compiled.diagnostics,
        imported.source
    );
    compiled
        .diagnostics
        .iter()
        .filter(|d| IMPORTERS.contains(&d.code))
        .map(|d| format!("{name}: {} {}", d.code, d.message))
        .collect()
}

/// A bundle as the Attack Flow Builder exports it: its own copy of the extension definition
/// (another creator identity, so the importer keeps both as nodes) and an observable with
/// `created` and `modified`.
fn builder_like_bundle() -> String {
    let creator = "identity--fb9c968a-745b-4ade-9b25-c324172197f4";
    let mut ext = af_stix::attack_flow::extension_definition();
    ext["created_by_ref"] = json!(creator);
    let ext_id = ext["id"].clone();
    let t = "2023-01-01T00:00:00.000Z";
    let objects: Vec<Value> = vec![
        ext,
        json!({"type": "identity", "spec_version": "2.1", "id": creator, "created": t, "modified": t,
               "name": "Attack Flow Builder", "identity_class": "organization"}),
        json!({"type": "attack-flow", "spec_version": "2.1", "id": "attack-flow--7cabcb58-6930-47b9-b15c-3be2f3a5fce1",
               "created": t, "modified": t, "name": "F", "description": "d", "scope": "incident",
               "start_refs": ["attack-action--2b2e4a5f-1e2d-4a57-9f63-3c5d0c1a4b11"],
               "extensions": {ext_id.as_str().unwrap_or_default(): {"extension_type": "new-sdo"}}}),
        json!({"type": "attack-action", "spec_version": "2.1", "id": "attack-action--2b2e4a5f-1e2d-4a57-9f63-3c5d0c1a4b11",
               "created": t, "modified": t, "name": "Phishing", "technique_id": "T1566",
               "asset_refs": ["attack-asset--5d1f0e8a-6a0b-4a31-8f5e-0b7e5f3c2d10"],
               "extensions": {ext_id.as_str().unwrap_or_default(): {"extension_type": "new-sdo"}}}),
        json!({"type": "attack-asset", "spec_version": "2.1", "id": "attack-asset--5d1f0e8a-6a0b-4a31-8f5e-0b7e5f3c2d10",
               "created": t, "modified": t, "name": "Mail server",
               "object_ref": "ipv4-addr--12592121-be4c-5a93-a813-5a5af16e50db",
               "extensions": {ext_id.as_str().unwrap_or_default(): {"extension_type": "new-sdo"}}}),
        json!({"type": "ipv4-addr", "spec_version": "2.1", "id": "ipv4-addr--12592121-be4c-5a93-a813-5a5af16e50db",
               "created": t, "modified": t, "value": "198.51.100.7"}),
    ];
    serde_json::to_string_pretty(&json!({
        "type": "bundle",
        "id": "bundle--0c4f3f5e-8d5b-4f57-9a70-7f2c3b8e6a01",
        "objects": objects,
    }))
    .unwrap_or_default()
}

#[test]
fn a_builder_like_bundle_imports_without_importer_warnings() {
    let bundle = builder_like_bundle();
    let imported = import_bundle(&bundle, &ImportOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    // The case this test is about: the importer keeps the extension definition, its identity
    // and the observable's timestamps.
    assert!(
        imported.source.contains("extension-definition"),
        "{}",
        imported.source
    );
    assert!(imported.source.contains("ipv4-addr"), "{}", imported.source);
    let found = importer_warnings("builder-like", &bundle);
    assert!(found.is_empty(), "{found:#?}\n{}", imported.source);
}

#[test]
fn corpus_bundles_import_without_importer_warnings() {
    let Some(shared) = af_testkit::shared_or_skip("corpus_bundles_import_without_importer_warnings") else {
        return;
    };
    let mut found = Vec::new();
    let dir = shared.join("corpus/stix");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.retain(|p: &std::path::PathBuf| p.extension().is_some_and(|e| e == "json"));
    assert!(!paths.is_empty(), "no corpus bundles in {}", dir.display());
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        found.extend(importer_warnings(&path.display().to_string(), &text));
    }
    assert!(found.is_empty(), "{found:#?}");
}
