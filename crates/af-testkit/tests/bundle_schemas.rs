//! Validates the real corpus and mutated bundles against the Attack Flow and OASIS schemas.

use af_testkit::{shared_or_skip, SchemaSet};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// Corpus files (by file name) known to break a schema rule, each with a piece of text its
/// errors must contain. Every other corpus file must validate. Currently none breaks a rule.
const KNOWN_INVALID: &[(&str, &str)] = &[];

/// The shared folder and the schema set, or `None` (after printing why) without shared/.
fn setup(test: &str) -> Option<(PathBuf, &'static SchemaSet)> {
    let shared = shared_or_skip(test)?;
    match SchemaSet::cached(&shared) {
        Ok(set) => Some((shared, set)),
        Err(e) => panic!("the schemas in {} do not load: {e}", shared.display()),
    }
}

fn read_json(path: &Path) -> Value {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// The corpus bundles plus the official example flow, sorted by path.
fn corpus_files(shared: &Path) -> Vec<PathBuf> {
    let dir = shared.join("corpus/stix");
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files.push(shared.join("schema/attack-flow-example.json"));
    files
}

/// Removes the bundle-level `spec_version`, `created` and `modified` that the Attack Flow
/// Builder writes. They are STIX 2.0 bundle properties, not STIX 2.1 ones: OASIS bundle.json
/// does not actually reject them, but stix2 3.0.2 does, and `validate_bundle` reports them
/// (see `bundle_level_stix20_properties_are_reported`). The corpus is judged without them.
fn strip_bundle_level_keys(bundle: &mut Value) {
    if let Some(map) = bundle.as_object_mut() {
        for key in ["spec_version", "created", "modified"] {
            map.remove(key);
        }
    }
}

#[test]
fn corpus_bundles_validate_except_known_invalid_ones() {
    let Some((shared, set)) = setup("corpus_bundles_validate_except_known_invalid_ones") else {
        return;
    };
    let files = corpus_files(&shared);
    assert!(
        files.len() > 1,
        "no corpus bundles found under {}",
        shared.display()
    );
    let mut problems = Vec::new();
    for path in &files {
        let mut bundle = read_json(path);
        strip_bundle_level_keys(&mut bundle);
        let errors = set.validate_bundle(&bundle);
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let known = KNOWN_INVALID
            .iter()
            .find(|(file, _)| Some(*file) == name.as_deref());
        match known {
            None if !errors.is_empty() => problems.push(format!(
                "{} should be valid but has {} error(s):\n  {}",
                path.display(),
                errors.len(),
                errors.join("\n  ")
            )),
            Some((_, expected)) if !errors.iter().any(|e| e.contains(expected)) => problems.push(format!(
                "{} should fail with \"{expected}\" but has: {errors:?}",
                path.display()
            )),
            _ => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    println!("{} corpus bundles checked", files.len());
}

#[test]
fn bundle_level_stix20_properties_are_reported() {
    let Some((shared, set)) = setup("bundle_level_stix20_properties_are_reported") else {
        return;
    };
    // The corpus bundles carry them as exported.
    let path = shared.join("corpus/stix/Equifax Breach.json");
    let bundle = read_json(&path);
    let errors = set.validate_bundle(&bundle);
    for key in ["spec_version", "created", "modified"] {
        assert!(
            errors.iter().any(|e| e.starts_with(&format!("bundle: /{key}: "))),
            "{key} not reported: {errors:?}"
        );
    }
    assert_eq!(errors.len(), 3, "{errors:?}");
}

/// The official example flow, which must be valid before any mutation.
fn example(shared: &Path, set: &SchemaSet) -> Value {
    let bundle = read_json(&shared.join("schema/attack-flow-example.json"));
    let errors = set.validate_bundle(&bundle);
    assert!(errors.is_empty(), "the example itself is invalid: {errors:?}");
    bundle
}

/// The index and a mutable reference of the first object of `object_type`.
fn first_of<'a>(bundle: &'a mut Value, object_type: &str) -> (usize, &'a mut Value) {
    let objects = bundle["objects"]
        .as_array_mut()
        .unwrap_or_else(|| panic!("bundle has no objects array"));
    objects
        .iter_mut()
        .enumerate()
        .find(|(_, o)| o["type"] == object_type)
        .unwrap_or_else(|| panic!("no {object_type} object in the example"))
}

/// Applies `mutate` to the first object of `object_type` in the example and returns the
/// errors together with the expected prefix `objects[i] (id): `.
fn mutated(test: &str, object_type: &str, mutate: impl FnOnce(&mut Value)) -> Option<(Vec<String>, String)> {
    let (shared, set) = setup(test)?;
    let mut bundle = example(&shared, set);
    let (index, object) = first_of(&mut bundle, object_type);
    let prefix = format!("objects[{index}] ({}): ", object["id"].as_str().unwrap_or(""));
    mutate(object);
    Some((set.validate_bundle(&bundle), prefix))
}

/// Asserts that some error starts with `prefix` followed by `pointer` and contains `text`.
fn assert_reported(errors: &[String], prefix: &str, pointer: &str, text: &str) {
    let wanted = format!("{prefix}{pointer}: ");
    assert!(
        errors.iter().any(|e| e.starts_with(&wanted) && e.contains(text)),
        "expected an error starting with {wanted:?} containing {text:?}, got: {errors:#?}"
    );
}

#[test]
fn missing_scope_is_reported() {
    let Some((errors, prefix)) = mutated("missing_scope_is_reported", "attack-flow", |flow| {
        if let Some(map) = flow.as_object_mut() {
            map.remove("scope");
        }
    }) else {
        return;
    };
    assert_reported(&errors, &prefix, "(root)", "\"scope\" is a required property");
    assert_eq!(errors.len(), 1, "{errors:#?}");
}

#[test]
fn unknown_scope_is_reported() {
    let Some((errors, prefix)) = mutated("unknown_scope_is_reported", "attack-flow", |flow| {
        flow["scope"] = json!("bogus");
    }) else {
        return;
    };
    assert_reported(&errors, &prefix, "/scope", "\"bogus\" is not one of");
    assert_reported(&errors, &prefix, "/scope", "attack-flow-schema-2.0.0.json#/");
}

#[test]
fn timestamp_without_milliseconds_is_reported() {
    let Some((errors, prefix)) = mutated(
        "timestamp_without_milliseconds_is_reported",
        "attack-action",
        |action| action["created"] = json!("2022-08-25T19:26:31Z"),
    ) else {
        return;
    };
    assert_reported(&errors, &prefix, "/created", "does not match");
    assert_reported(&errors, &prefix, "/created", "common/core.json#/");
    // No cascade of "Unevaluated properties are not allowed" after the real error.
    assert_eq!(errors.len(), 1, "{errors:#?}");
}

#[test]
fn missing_extension_marker_is_reported() {
    let Some((errors, prefix)) = mutated(
        "missing_extension_marker_is_reported",
        "attack-action",
        |action| {
            if let Some(map) = action.as_object_mut() {
                map.remove("extensions");
            }
        },
    ) else {
        return;
    };
    assert_reported(
        &errors,
        &prefix,
        "(root)",
        "\"extensions\" is a required property",
    );
}

#[test]
fn wrong_extension_type_is_reported() {
    let Some((errors, prefix)) = mutated("wrong_extension_type_is_reported", "attack-asset", |asset| {
        asset["extensions"]["extension-definition--fb9c968a-745b-4ade-9b25-c324172197f4"]["extension_type"] =
            json!("property-extension");
    }) else {
        return;
    };
    assert_reported(
        &errors,
        &prefix,
        "/extensions/extension-definition--fb9c968a-745b-4ade-9b25-c324172197f4/extension_type",
        "\"new-sdo\" was expected",
    );
}

#[test]
fn action_id_in_asset_refs_is_reported() {
    let Some((errors, prefix)) = mutated("action_id_in_asset_refs_is_reported", "attack-action", |action| {
        let own_id = action["id"].clone();
        action["asset_refs"] = json!([own_id]);
    }) else {
        return;
    };
    assert_reported(&errors, &prefix, "/asset_refs/0", "^(attack-asset)--");
}

#[test]
fn missing_condition_description_is_reported() {
    let Some((errors, prefix)) = mutated(
        "missing_condition_description_is_reported",
        "attack-condition",
        |condition| {
            if let Some(map) = condition.as_object_mut() {
                map.remove("description");
            }
        },
    ) else {
        return;
    };
    assert_reported(
        &errors,
        &prefix,
        "(root)",
        "\"description\" is a required property",
    );
}

#[test]
fn unknown_operator_is_reported() {
    let Some((errors, prefix)) = mutated("unknown_operator_is_reported", "attack-operator", |op| {
        op["operator"] = json!("XOR");
    }) else {
        return;
    };
    assert_reported(&errors, &prefix, "/operator", "\"XOR\" is not one of");
}

#[test]
fn standard_objects_are_checked_against_their_own_schema() {
    let Some((errors, prefix)) = mutated(
        "standard_objects_are_checked_against_their_own_schema",
        "relationship",
        |rel| {
            if let Some(map) = rel.as_object_mut() {
                map.remove("relationship_type");
            }
        },
    ) else {
        return;
    };
    assert_reported(
        &errors,
        &prefix,
        "(root)",
        "\"relationship_type\" is a required property",
    );
    assert_reported(&errors, &prefix, "(root)", "sros/relationship.json#/");
}

#[test]
fn observables_are_checked_against_their_own_schema() {
    let Some((errors, prefix)) = mutated(
        "observables_are_checked_against_their_own_schema",
        "user-account",
        |account| account["is_privileged"] = json!("yes"),
    ) else {
        return;
    };
    assert_reported(&errors, &prefix, "/is_privileged", "is not of type \"boolean\"");
}

#[test]
fn extension_definition_is_checked_against_its_own_schema() {
    let Some((errors, prefix)) = mutated(
        "extension_definition_is_checked_against_its_own_schema",
        "extension-definition",
        |definition| {
            if let Some(map) = definition.as_object_mut() {
                map.remove("extension_types");
            }
        },
    ) else {
        return;
    };
    assert_reported(
        &errors,
        &prefix,
        "(root)",
        "\"extension_types\" is a required property",
    );
}

#[test]
fn custom_types_are_checked_against_a_core_schema() {
    let Some((shared, set)) = setup("custom_types_are_checked_against_a_core_schema") else {
        return;
    };
    let mut bundle = example(&shared, set);
    let custom_sdo = json!({
        "type": "x-example-thing",
        "spec_version": "2.1",
        "id": "x-example-thing--0b4a2c3e-6f0d-4b0a-9c1e-2d3f4a5b6c7d",
        "created": "2024-01-02T03:04:05.678Z",
        "modified": "2024-01-02T03:04:05.678Z",
        "x_label": "fine"
    });
    let custom_sco = json!({
        "type": "x-example-observable",
        "id": "x-example-observable--0b4a2c3e-6f0d-4b0a-9c1e-2d3f4a5b6c7d",
        "value": "fine"
    });
    let objects = bundle["objects"]
        .as_array_mut()
        .unwrap_or_else(|| panic!("no objects array"));
    objects.push(custom_sdo.clone());
    objects.push(custom_sco);
    let count = objects.len();
    assert!(set.validate_bundle(&bundle).is_empty());

    let mut broken = custom_sdo;
    broken["modified"] = json!("2024-01-02T03:04:05Z");
    bundle["objects"][count - 2] = broken;
    let errors = set.validate_bundle(&bundle);
    let prefix = format!(
        "objects[{}] (x-example-thing--0b4a2c3e-6f0d-4b0a-9c1e-2d3f4a5b6c7d): ",
        count - 2
    );
    assert_reported(&errors, &prefix, "/modified", "common/core.json#/");
}

#[test]
fn bundle_envelope_is_checked() {
    let Some((shared, set)) = setup("bundle_envelope_is_checked") else {
        return;
    };
    let mut bundle = example(&shared, set);
    bundle["id"] = json!("bundle--not-a-uuid");
    let errors = set.validate_bundle(&bundle);
    assert!(
        errors.iter().any(|e| e.starts_with("bundle: /id: ")),
        "{errors:#?}"
    );

    let empty = json!({"type": "bundle", "id": bundle["id"].clone(), "objects": []});
    let errors = set.validate_bundle(&empty);
    assert!(
        errors.iter().any(|e| e.starts_with("bundle: /objects: ")),
        "{errors:#?}"
    );

    let not_a_bundle = json!({"type": "report", "objects": [42]});
    let errors = set.validate_bundle(&not_a_bundle);
    assert!(
        errors.iter().any(|e| e.starts_with("bundle: /type: ")),
        "{errors:#?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("\"id\" is a required property")),
        "{errors:#?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("objects[0]: (root): the object is not a JSON object")),
        "{errors:#?}"
    );
}

#[test]
fn every_violation_in_one_bundle_is_reported() {
    let Some((shared, set)) = setup("every_violation_in_one_bundle_is_reported") else {
        return;
    };
    let mut bundle = example(&shared, set);
    let (_, flow) = first_of(&mut bundle, "attack-flow");
    flow["scope"] = json!("bogus");
    let (_, operator) = first_of(&mut bundle, "attack-operator");
    operator["operator"] = json!("NAND");
    let errors = set.validate_bundle(&bundle);
    assert!(errors.iter().any(|e| e.contains("/scope: ")), "{errors:#?}");
    assert!(errors.iter().any(|e| e.contains("/operator: ")), "{errors:#?}");
}
