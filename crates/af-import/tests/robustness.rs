//! Nothing panics on any input, and whatever imports parses: random JSON values put in place
//! of properties, objects and whole inputs.

use af_import::{import_afb, import_bundle, ImportOptions};
use proptest::prelude::*;
use serde_json::{json, Value as Json};
use std::path::Path;

fn fixture(name: &str) -> Json {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json")
}

fn any_json() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        any::<i64>().prop_map(Json::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Json::from),
        "[a-z_\\-\" \\\\\n#{}]{0,12}".prop_map(Json::String),
        Just(json!("attack-action--1a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")),
        Just(json!("2024-03-01T10:00:00+02:00")),
        Just(json!("flow")),
        Just(json!("true")),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Json::Array),
            proptest::collection::vec(("[a-z_\\-]{1,8}", inner), 0..4)
                .prop_map(|kv| Json::Object(kv.into_iter().collect())),
        ]
    })
}

fn check(result: Result<af_import::Imported, af_import::ImportError>) -> Result<(), TestCaseError> {
    if let Ok(imported) = result {
        let parsed = af_syntax::parse(&imported.source);
        let errors: Vec<_> = parsed.diagnostics.iter().filter(|d| d.is_error()).collect();
        prop_assert!(
            errors.is_empty(),
            "syntax errors {errors:?} in\n{}",
            imported.source
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_property_values(object in 0usize..10, key in "[a-z_]{1,12}|name|id|type|effect_refs|source_ref|created|scope|start_refs|hashes", value in any_json()) {
        let mut bundle = fixture("odd-corners.json");
        if let Some(Json::Object(o)) = bundle["objects"].get_mut(object) {
            o.insert(key, value);
        }
        let text = bundle.to_string();
        check(import_bundle(&text, &ImportOptions::default()))?;
        check(import_bundle(&text, &ImportOptions { repair: true, ..ImportOptions::default() }))?;
    }

    #[test]
    fn random_objects_and_inputs(object in 0usize..12, value in any_json()) {
        let mut bundle = fixture("builder-branch.json");
        if let Some(Json::Array(items)) = bundle.get_mut("objects") {
            let at = object.min(items.len());
            items.insert(at, value.clone());
        }
        check(import_bundle(&bundle.to_string(), &ImportOptions { repair: true, ..ImportOptions::default() }))?;
        check(import_bundle(&value.to_string(), &ImportOptions::default()))?;
        check(import_afb(&value.to_string(), &ImportOptions::default()))?;
    }

    #[test]
    fn random_builder_properties(object in 0usize..40, value in any_json()) {
        let mut afb = fixture("small.afb");
        if let Some(Json::Object(o)) = afb["objects"].get_mut(object) {
            if let Some(Json::Array(props)) = o.get_mut("properties") {
                props.push(json!(["x_random", value.clone()]));
                if let Some(first) = props.first_mut() {
                    *first = json!(["name", value]);
                }
            } else {
                o.insert("latches".into(), value);
            }
        }
        check(import_afb(&afb.to_string(), &ImportOptions::default()))?;
    }
}

#[test]
fn text_that_is_not_json_is_refused_with_a_position() {
    for text in [
        "",
        "{",
        "\u{feff}{\"type\": \"bundle\", \"objects\": [}",
        "nul",
        "[1,]",
    ] {
        assert!(matches!(
            import_bundle(text, &ImportOptions::default()),
            Err(af_import::ImportError::NotJson { .. })
        ));
    }
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(import_bundle(&deep, &ImportOptions::default()).is_err());
    assert!(import_afb(&deep, &ImportOptions::default()).is_err());
}
