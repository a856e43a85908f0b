//! Every schema reference must resolve to a local file; anything else fails the load
//! (instead of being fetched from the network).

use af_testkit::{shared_or_skip, SchemaSet};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// Copies `from` into `to` recursively.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("cannot create {to:?}: {e}"));
    let entries = std::fs::read_dir(from).unwrap_or_else(|e| panic!("cannot list {from:?}: {e}"));
    for entry in entries.flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap_or_else(|e| panic!("cannot copy {path:?}: {e}"));
        }
    }
}

/// A copy of `<shared>/schema` in a fresh temporary shared folder, with core.json given one
/// extra `$ref`; returns the folder.
fn shared_copy_with_ref(shared: &Path, name: &str, reference: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("af-testkit-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    copy_tree(&shared.join("schema"), &root.join("schema"));
    let core = root.join("schema/oasis-open/common/core.json");
    let text = std::fs::read_to_string(&core).unwrap_or_else(|e| panic!("{core:?}: {e}"));
    let mut schema: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    schema["properties"]["x_probe"] = json!({ "$ref": reference });
    let text = serde_json::to_string_pretty(&schema).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&core, text).unwrap_or_else(|e| panic!("{core:?}: {e}"));
    root
}

#[test]
fn references_outside_the_local_files_fail_the_load() {
    let Some(shared) = shared_or_skip("references_outside_the_local_files_fail_the_load") else {
        return;
    };
    let cases = [
        (
            "missing-oasis",
            "https://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/master/schemas/common/no-such-file.json",
            "common/no-such-file.json",
        ),
        (
            "foreign",
            "https://example.com/schemas/thing.json",
            "https://example.com/schemas/thing.json",
        ),
        ("relative", "../common/no-such-file.json", "no-such-file.json"),
    ];
    for (name, reference, expected) in cases {
        let root = shared_copy_with_ref(&shared, name, reference);
        let result = SchemaSet::load(&root);
        let _ = std::fs::remove_dir_all(&root);
        match result {
            Ok(_) => panic!("{name}: a reference to {reference} must not load"),
            Err(e) => assert!(e.contains(expected), "{name}: {e}"),
        }
    }
}

#[test]
fn an_unchanged_copy_loads() {
    let Some(shared) = shared_or_skip("an_unchanged_copy_loads") else {
        return;
    };
    // The same reference spelling the files already use, so the copy stays loadable.
    let root = shared_copy_with_ref(&shared, "unchanged", "../common/timestamp.json");
    let result = SchemaSet::load(&root);
    let _ = std::fs::remove_dir_all(&root);
    if let Err(e) = result {
        panic!("a faithful copy must load: {e}");
    }
}
