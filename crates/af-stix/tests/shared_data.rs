//! Checks against the reference data in `shared/` (found through `AFC_SHARED`, default
//! `../shared` beside the workspace). Each test prints one line and passes when it is missing.
//!
//! - the committed `src/generated_types.rs` is what the generator makes of today's schemas;
//! - every object in the Attack Flow corpus and the example flow has a known type, known
//!   properties and values of the kinds the table says (exceptions are listed below, not
//!   hidden);
//! - the embedded Attack Flow extension objects and TLP 1.0 markings equal the published ones.

#[path = "../examples/gen_types/generator.rs"]
mod generator;

use af_stix::types::{self, PropKind};
use af_stix::{attack_flow, id, marking, timestamp};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shared_dir(test: &str) -> Option<PathBuf> {
    let dir = match std::env::var_os("AFC_SHARED") {
        Some(dir) => PathBuf::from(dir),
        None => manifest_dir().join("../../../shared"),
    };
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "{test}: skipped, shared reference data not found at {} (set AFC_SHARED)",
            dir.display()
        );
        None
    }
}

fn load(path: &Path) -> Value {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

#[test]
fn generated_table_is_up_to_date() {
    let Some(shared) = shared_dir("generated_table_is_up_to_date") else {
        return;
    };
    let rustfmt = std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".to_string());
    if std::process::Command::new(&rustfmt)
        .arg("--version")
        .output()
        .is_err()
    {
        println!("generated_table_is_up_to_date: skipped, {rustfmt} is not installed");
        return;
    }
    let generated = generator::generate(&shared.join("schema"))
        .and_then(|source| generator::rustfmt(&source, &manifest_dir()))
        .unwrap_or_else(|e| panic!("the generator failed: {e}"));
    let committed_path = manifest_dir().join("src/generated_types.rs");
    let committed = std::fs::read_to_string(&committed_path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", committed_path.display()));
    if generated != committed {
        let line = generated
            .lines()
            .zip(committed.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| generated.lines().count().min(committed.lines().count()));
        panic!(
            "src/generated_types.rs is out of date (first difference at line {}); run \
             `cargo run -p af-stix --example gen_types`",
            line + 1
        );
    }
}

/// What the corpus does that the table does not allow, as `type.property: problem`.
/// Every entry here is a known deviation of the Attack Flow Builder's export from STIX 2.1.
const EXPECTED_CORPUS_EXCEPTIONS: &[&str] = &[
    // The Builder puts `spec_version`, `created` and `modified` on the bundle (STIX 2.1
    // bundles have none of them).
    "bundle.created: unknown property",
    "bundle.modified: unknown property",
    "bundle.spec_version: unknown property",
    // The Builder writes `created` / `modified` on SCOs, which STIX 2.1 SCOs do not have.
    "artifact.created: unknown property",
    "artifact.modified: unknown property",
    "directory.created: unknown property",
    "directory.modified: unknown property",
    "domain-name.created: unknown property",
    "domain-name.modified: unknown property",
    "file.created: unknown property",
    "file.modified: unknown property",
    "ipv4-addr.created: unknown property",
    "ipv4-addr.modified: unknown property",
    "network-traffic.created: unknown property",
    "network-traffic.modified: unknown property",
    "process.created: unknown property",
    "process.modified: unknown property",
    "software.created: unknown property",
    "software.modified: unknown property",
    "url.created: unknown property",
    "user-account.created: unknown property",
    "user-account.modified: unknown property",
    "url.modified: unknown property",
    "windows-registry-key.created: unknown property",
    "windows-registry-key.modified: unknown property",
];

fn ref_problem(value: &Value, targets: &[&str]) -> Option<String> {
    let Some(s) = value.as_str() else {
        return Some("reference is not a string".into());
    };
    let Some((ty, _)) = id::split_id(s) else {
        return Some(format!("invalid id {s}"));
    };
    (!targets.is_empty() && !targets.contains(&ty))
        .then(|| format!("reference to {ty}, expected one of {}", targets.join(", ")))
}

/// Checks a value against a kind; returns a short problem description.
fn kind_problem(kind: PropKind, value: &Value) -> Option<String> {
    match kind {
        PropKind::Timestamp => match value.as_str() {
            Some(s) if timestamp::is_stix_timestamp_millis(s) => None,
            _ => Some("not a STIX timestamp with milliseconds".into()),
        },
        PropKind::Ref(targets) => ref_problem(value, targets),
        PropKind::RefList(targets) => match value.as_array() {
            Some(items) => items.iter().find_map(|v| ref_problem(v, targets)),
            None => Some("not a list".into()),
        },
        PropKind::Enum(values) => match value.as_str() {
            Some(s) if values.contains(&s) => None,
            _ => Some(format!("not one of {}", values.join(", "))),
        },
        PropKind::String | PropKind::OpenVocab(_) | PropKind::Binary | PropKind::Hex => {
            (!value.is_string()).then(|| "not a string".into())
        }
        PropKind::StringList | PropKind::OpenVocabList(_) => match value.as_array() {
            Some(items) if items.iter().all(Value::is_string) => None,
            _ => Some("not a list of strings".into()),
        },
        PropKind::Integer => (!(value.is_i64() || value.is_u64())).then(|| "not an integer".into()),
        PropKind::Number => (!value.is_number()).then(|| "not a number".into()),
        PropKind::Boolean => (!value.is_boolean()).then(|| "not a boolean".into()),
        PropKind::Hashes | PropKind::Dictionary | PropKind::Extensions | PropKind::Object => {
            (!value.is_object()).then(|| "not an object".into())
        }
        PropKind::KillChainPhases
        | PropKind::ExternalReferences
        | PropKind::GranularMarkings
        | PropKind::ObjectList => match value.as_array() {
            Some(items) if items.iter().all(Value::is_object) => None,
            _ => Some("not a list of objects".into()),
        },
        PropKind::Any => None,
    }
}

/// Checks one STIX object (or bundle) against the table; adds `type.prop: problem` entries.
fn check_object(obj: &Value, problems: &mut BTreeMap<String, usize>) {
    let Some(map) = obj.as_object() else {
        *problems.entry("object is not a map".into()).or_default() += 1;
        return;
    };
    let ty = map.get("type").and_then(Value::as_str).unwrap_or("");
    if types::is_custom_type(ty) {
        return;
    }
    let Some(info) = types::type_info(ty) else {
        *problems.entry(format!("{ty}: unknown type")).or_default() += 1;
        return;
    };
    for (key, value) in map {
        if types::is_custom_property(key) {
            continue;
        }
        let problem = match types::property(ty, key) {
            None => Some("unknown property".to_string()),
            Some(prop) => kind_problem(prop.kind, value),
        };
        if let Some(problem) = problem {
            *problems.entry(format!("{ty}.{key}: {problem}")).or_default() += 1;
        }
    }
    let mut required: Vec<&str> = info.required.to_vec();
    if info.inherits_common {
        required.extend(types::common_required(info.category));
    }
    for req in required {
        if !map.contains_key(req) {
            *problems
                .entry(format!("{ty}.{req}: required but missing"))
                .or_default() += 1;
        }
    }
}

#[test]
fn corpus_objects_fit_the_table() {
    let Some(shared) = shared_dir("corpus_objects_fit_the_table") else {
        return;
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(shared.join("corpus/stix"))
        .expect("corpus/stix is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "the corpus has bundles");
    let mut problems = BTreeMap::new();
    let mut objects = 0;
    for path in &paths {
        let bundle = load(path);
        check_object(
            &Value::Object(
                bundle
                    .as_object()
                    .map(|m| {
                        m.iter()
                            .filter(|(k, _)| k.as_str() != "objects")
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
            &mut problems,
        );
        for obj in bundle["objects"].as_array().map(Vec::as_slice).unwrap_or(&[]) {
            objects += 1;
            check_object(obj, &mut problems);
        }
    }
    println!(
        "corpus: {} bundles, {objects} objects; deviations from the table:",
        paths.len()
    );
    for (problem, count) in &problems {
        println!("  {problem} ({count}x)");
    }
    let found: Vec<&str> = problems.keys().map(String::as_str).collect();
    let mut expected = EXPECTED_CORPUS_EXCEPTIONS.to_vec();
    expected.sort_unstable();
    assert_eq!(found, expected, "corpus deviations changed (see the list above)");
}

#[test]
fn example_flow_fits_the_table() {
    let Some(shared) = shared_dir("example_flow_fits_the_table") else {
        return;
    };
    let bundle = load(&shared.join("schema/attack-flow-example.json"));
    let mut problems = BTreeMap::new();
    for obj in bundle["objects"].as_array().map(Vec::as_slice).unwrap_or(&[]) {
        check_object(obj, &mut problems);
    }
    assert!(problems.is_empty(), "example flow deviations: {problems:#?}");
}

#[test]
fn attack_flow_objects_are_the_published_ones() {
    let Some(shared) = shared_dir("attack_flow_objects_are_the_published_ones") else {
        return;
    };
    for file in ["attack-flow-extension-2.0.0.json", "attack-flow-example.json"] {
        let bundle = load(&shared.join("schema").join(file));
        let objects = bundle["objects"].as_array().cloned().unwrap_or_default();
        let find = |id: &str| objects.iter().find(|o| o["id"] == id).cloned();
        assert_eq!(
            find(attack_flow::EXTENSION_ID),
            Some(attack_flow::extension_definition()),
            "{file}"
        );
        assert_eq!(
            find(attack_flow::EXTENSION_CREATOR_ID),
            Some(attack_flow::extension_creator()),
            "{file}"
        );
    }
}

#[test]
fn tlp1_markings_match_the_stix_schema() {
    let Some(shared) = shared_dir("tlp1_markings_match_the_stix_schema") else {
        return;
    };
    let schema = load(&shared.join("schema/oasis-open/common/marking-definition.json"));
    for color in ["white", "green", "amber", "red"] {
        let def = &schema["definitions"][format!("tlp_{color}")]["properties"];
        let obj = marking::tlp(&format!("tlp-{color}")).expect("known TLP name");
        assert_eq!(obj["id"], def["id"]["enum"][0], "{color}");
        assert_eq!(obj["name"], def["name"]["enum"][0], "{color}");
        assert_eq!(
            obj["definition"]["tlp"],
            def["definition"]["properties"]["tlp"]["enum"][0]
        );
    }
}

#[test]
fn the_checker_reports_what_it_should() {
    let obj = serde_json::json!({
        "type": "attack-action",
        "spec_version": "2.1",
        "id": "attack-action--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
        "created": "2026-03-02T14:00:00Z",
        "effect_refs": ["malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"],
        "colour": "red",
        "x_custom": 1,
    });
    let mut problems = BTreeMap::new();
    check_object(&obj, &mut problems);
    let found: Vec<&str> = problems.keys().map(String::as_str).collect();
    assert_eq!(
        found,
        [
            "attack-action.colour: unknown property",
            "attack-action.created: not a STIX timestamp with milliseconds",
            "attack-action.effect_refs: reference to malware, expected one of attack-action, \
             attack-operator, attack-condition",
            "attack-action.extensions: required but missing",
            "attack-action.modified: required but missing",
            "attack-action.name: required but missing",
        ]
    );
}
