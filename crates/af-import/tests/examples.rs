//! The example flows compiled and imported back: the import uses `author:` and `marking:`
//! sugar where it reproduces the bundle, and compiling the import gives the same objects.

use af_compile::{compile_str, Options};
use af_import::{import_bundle, ImportOptions};
use serde_json::Value as Json;

#[test]
fn compiled_examples_import_back_to_the_same_objects() {
    let files = af_testkit::example_flows();
    assert!(!files.is_empty(), "no examples");
    let options = Options::default();
    for path in files {
        let name = path.display().to_string();
        let source = std::fs::read_to_string(&path).expect("readable");
        let compiled = compile_str(&source, &options);
        assert!(!compiled.has_errors(), "{name}: example has errors");
        let bundle = compiled.to_json();
        let imported =
            import_bundle(&bundle, &ImportOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let problems: Vec<&String> = imported
            .notes
            .iter()
            .filter(|n| {
                n.starts_with("round trip:") || n.starts_with("not kept:") || n.starts_with("changed:")
            })
            .collect();
        assert!(problems.is_empty(), "{name}: {problems:#?}\n{}", imported.source);
        let again = compile_str(&imported.source, &options);
        assert!(!again.has_errors(), "{name}: import does not compile");
        let objects = |json: &str| -> Vec<Json> {
            let mut v: Vec<Json> = serde_json::from_str::<Json>(json).expect("json")["objects"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            v.sort_by_key(|o| o["id"].as_str().unwrap_or("").to_string());
            v
        };
        assert_eq!(
            objects(&bundle),
            objects(&again.to_json()),
            "{name}: objects differ"
        );
        if source.contains("author:") {
            assert!(
                imported.source.contains("  author: "),
                "{name}: author sugar expected"
            );
        }
        if source.contains("marking:") {
            assert!(
                imported.source.contains("  marking: "),
                "{name}: marking sugar expected"
            );
        }
    }
}
