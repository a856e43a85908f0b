//! Every rule has a fixture that trips it and a near miss that does not. Fixtures are made in
//! the test: one thing is changed in a clean, schema-valid bundle (`fixtures/base.json`, a
//! small flow compiled by af-compile), and the code and the line of the finding are checked.
//! Where the official schemas reject the same change, that is checked too (when `shared/` is
//! present).

use af_diagnostics::codes::{Tool, ALL};
use af_diagnostics::Code;
use af_diagnostics::{Diagnostic, LineIndex, Severity};
use af_testkit::{shared_dir, SchemaSet};
use af_validate::validate_str;
use serde_json::{json, Value};

/// The base bundle: `fixtures/base.af` as af-compile writes it. The validator's tests do not
/// depend on the compiler; `crates/af-agree/tests/agree.rs` checks that the file is what the
/// compiler makes of the flow today (`AFC_UPDATE_FIXTURES=1` rewrites it).
fn base_text() -> &'static str {
    include_str!("fixtures/base.json")
}

fn base() -> Value {
    serde_json::from_str(base_text()).unwrap_or_else(|e| panic!("compiled base is not JSON: {e}"))
}

fn render(b: &Value) -> String {
    serde_json::to_string_pretty(b).unwrap_or_else(|e| panic!("cannot serialize: {e}"))
}

fn objects(b: &mut Value) -> &mut Vec<Value> {
    b["objects"]
        .as_array_mut()
        .unwrap_or_else(|| panic!("bundle has no objects list"))
}

/// The `n`-th object (0-based) of a type.
fn obj<'a>(b: &'a mut Value, ty: &str, n: usize) -> &'a mut Value {
    objects(b)
        .iter_mut()
        .filter(|o| o["type"] == ty)
        .nth(n)
        .unwrap_or_else(|| panic!("no {ty} number {n} in the base"))
}

fn id_of(b: &mut Value, ty: &str, n: usize) -> String {
    obj(b, ty, n)["id"].as_str().unwrap_or_default().to_string()
}

fn set(o: &mut Value, key: &str, v: Value) {
    o.as_object_mut()
        .unwrap_or_else(|| panic!("not an object"))
        .insert(key.into(), v);
}

fn remove(o: &mut Value, key: &str) {
    o.as_object_mut()
        .unwrap_or_else(|| panic!("not an object"))
        .remove(key);
}

/// 1-based line of the end of the last occurrence of `needle` (which must occur).
fn line_of_needle(text: &str, needle: &str) -> usize {
    let Some(at) = text.rfind(needle) else {
        panic!("needle {needle:?} does not occur in the fixture");
    };
    let index = LineIndex::new(text);
    index.line_col(text, at + needle.len() - 1).line
}

fn lines(text: &str, diags: &[Diagnostic]) -> Vec<String> {
    let index = LineIndex::new(text);
    diags
        .iter()
        .map(|d| {
            let p = index.line_col(text, d.span.start);
            format!("{}:{} {} {}", p.line, p.column, d.code, d.message)
        })
        .collect()
}

/// Asserts that `code` is reported on the line holding `needle`, and returns the diagnostic.
fn assert_trips(code: &str, text: &str, needle: &str) -> Diagnostic {
    let diags = validate_str(text);
    let want = line_of_needle(text, needle);
    let index = LineIndex::new(text);
    let found = diags
        .iter()
        .find(|d| d.code == code && index.line_col(text, d.span.start).line == want);
    match found {
        Some(d) => d.clone(),
        None => panic!(
            "{code} expected on line {want} ({needle:?}); got:\n{}",
            lines(text, &diags).join("\n")
        ),
    }
}

fn assert_clean_of(code: &str, text: &str) {
    let diags = validate_str(text);
    assert!(
        diags.iter().all(|d| d.code != code),
        "{code} not expected; got:\n{}",
        lines(text, &diags).join("\n")
    );
}

fn schemas() -> Option<&'static SchemaSet> {
    let shared = shared_dir()?;
    Some(SchemaSet::cached(&shared).unwrap_or_else(|e| panic!("schemas do not load: {e}")))
}

/// A rule, a change that trips it (returning a text found once, on the finding's line) and a
/// near miss that must not trip it.
struct Case {
    code: &'static str,
    trip: fn(&mut Value) -> String,
    pass: fn(&mut Value),
    /// The official schemas reject the tripping bundle too.
    schema_rejects: bool,
}

fn nothing(_: &mut Value) {}

fn cases() -> Vec<Case> {
    vec![
        Case {
            code: "V0010",
            trip: |b| {
                set(b, "type", json!("report"));
                r#""type": "report""#.into()
            },
            pass: nothing,
            schema_rejects: true,
        },
        Case {
            code: "V0011",
            trip: |b| {
                set(b, "id", json!("bundle-1234"));
                "bundle-1234".into()
            },
            pass: |b| set(b, "id", json!("bundle--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061")),
            schema_rejects: true,
        },
        Case {
            code: "V0012",
            trip: |b| {
                set(b, "objects", json!({"a": 1}));
                r#""objects": {"#.into()
            },
            pass: nothing,
            schema_rejects: true,
        },
        Case {
            code: "V0013",
            trip: |b| {
                let mut second = obj(b, "attack-flow", 0).clone();
                set(
                    &mut second,
                    "id",
                    json!("attack-flow--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"),
                );
                objects(b).push(second);
                "attack-flow--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061".into()
            },
            pass: nothing,
            schema_rejects: false,
        },
        Case {
            code: "V0014",
            trip: |b| {
                objects(b).retain(|o| o["type"] != "extension-definition");
                r#""objects""#.into()
            },
            pass: nothing,
            schema_rejects: false,
        },
        Case {
            code: "V0015",
            trip: |b| {
                let map = b.as_object_mut().unwrap_or_else(|| panic!("bundle"));
                map.insert("spec_version".into(), json!("2.1"));
                map.insert("created".into(), json!("2026-01-05T10:00:00.000Z"));
                "\n  \"spec_version\"".into()
            },
            pass: nothing,
            schema_rejects: true,
        },
        Case {
            code: "V0101",
            trip: |b| {
                remove(obj(b, "malware", 0), "type");
                format!(r#""id": "{}""#, id_of_untyped(b))
            },
            pass: nothing,
            schema_rejects: true,
        },
        Case {
            code: "V0102",
            trip: |b| {
                set(obj(b, "malware", 0), "type", json!("Mal_ware"));
                "Mal_ware".into()
            },
            pass: nothing,
            schema_rejects: true,
        },
        Case {
            code: "V0103",
            trip: |b| {
                objects(b).push(json!({
                    "type": "x-mitre-tactic",
                    "id": "x-mitre-tactic--ffd5bcee-6e16-4dd2-8eca-7b3beedf33ca",
                    "spec_version": "2.1",
                    "created": "2026-01-05T10:00:00.000Z",
                    "modified": "2026-01-05T10:00:00.000Z",
                    "name": "Initial Access"
                }));
                r#""type": "x-mitre-tactic""#.into()
            },
            pass: nothing,
            schema_rejects: false,
        },
        Case {
            code: "V0104",
            trip: |b| {
                let id = id_of(b, "malware", 0).replace("malware--", "tool--");
                set(obj(b, "malware", 0), "id", json!(id));
                // Keep the relationship pointing at it, so only the id is wrong.
                set(obj(b, "relationship", 0), "target_ref", json!(id));
                format!(r#""id": "{id}""#)
            },
            pass: nothing,
            schema_rejects: true,
        },
        Case {
            code: "V0105",
            trip: |b| {
                remove(obj(b, "attack-flow", 0), "scope");
                let id = id_of(b, "attack-flow", 0);
                format!(r#""id": "{id}""#)
            },
            pass: |b| remove(obj(b, "attack-action", 0), "description"),
            schema_rejects: true,
        },
        Case {
            code: "V0106",
            trip: |b| {
                set(obj(b, "attack-action", 0), "confidence", json!("80"));
                r#""confidence": "80""#.into()
            },
            pass: |b| set(obj(b, "attack-action", 0), "confidence", json!(80.0)),
            schema_rejects: true,
        },
        Case {
            code: "V0107",
            trip: |b| {
                set(
                    obj(b, "attack-action", 0),
                    "execution_start",
                    json!("2026-01-05T12:00:00.000+02:00"),
                );
                "+02:00".into()
            },
            pass: |b| {
                set(
                    obj(b, "attack-action", 0),
                    "execution_start",
                    json!("2026-01-05T10:00:00.5Z"),
                )
            },
            schema_rejects: true,
        },
        Case {
            code: "V0108",
            trip: |b| {
                set(obj(b, "malware", 0), "modified", json!("2026-01-06T10:00:00Z"));
                "2026-01-06T10:00:00Z".into()
            },
            pass: |b| {
                set(
                    obj(b, "malware", 0),
                    "modified",
                    json!("2026-01-06T10:00:00.000001Z"),
                )
            },
            schema_rejects: true,
        },
        Case {
            code: "V0109",
            trip: |b| {
                set(obj(b, "attack-action", 0), "confidence", json!(101));
                r#""confidence": 101"#.into()
            },
            pass: |b| set(obj(b, "attack-action", 0), "confidence", json!(100)),
            schema_rejects: true,
        },
        Case {
            code: "V0110",
            trip: |b| {
                set(obj(b, "attack-operator", 0), "operator", json!("XOR"));
                r#""XOR""#.into()
            },
            pass: |b| set(obj(b, "attack-operator", 0), "operator", json!("OR")),
            schema_rejects: true,
        },
        Case {
            code: "V0111",
            trip: |b| {
                let o = obj(b, "attack-condition", 0);
                let marker = json!({"extension-definition--fb9c968a-745b-4ade-9b25-c324172197f4": {"extension_type": "new-sco"}});
                set(o, "extensions", marker);
                r#""extension_type": "new-sco""#.into()
            },
            pass: nothing,
            schema_rejects: true,
        },
        Case {
            code: "V0112",
            trip: |b| {
                let asset = id_of(b, "attack-asset", 0);
                set(obj(b, "attack-action", 3), "effect_refs", json!([asset]));
                format!(
                    r#""effect_refs": [
        "{asset}""#
                )
            },
            pass: |b| {
                let op = id_of(b, "attack-operator", 0);
                set(obj(b, "attack-action", 0), "effect_refs", json!([op]));
            },
            schema_rejects: true,
        },
        Case {
            code: "V0113",
            trip: |b| {
                set(
                    obj(b, "attack-flow", 0),
                    "start_refs",
                    json!(["attack-action--first"]),
                );
                "attack-action--first".into()
            },
            pass: nothing,
            schema_rejects: true,
        },
        Case {
            code: "V0114",
            trip: |b| {
                set(obj(b, "attack-action", 3), "asset_refs", json!([]));
                r#""asset_refs": []"#.into()
            },
            pass: nothing,
            schema_rejects: true,
        },
        Case {
            code: "V0115",
            trip: |b| {
                set(obj(b, "malware", 0), "Family", json!("kit"));
                r#""Family""#.into()
            },
            pass: |b| set(obj(b, "malware", 0), "x_family", json!("kit")),
            schema_rejects: true,
        },
        Case {
            code: "V0116",
            trip: |b| {
                set(
                    obj(b, "attack-action", 3),
                    "efect_refs",
                    json!(["attack-action--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"]),
                );
                r#""efect_refs""#.into()
            },
            pass: |b| set(obj(b, "attack-action", 3), "x_effort", json!(3)),
            schema_rejects: false,
        },
        Case {
            code: "V0117",
            trip: |b| {
                set(
                    obj(b, "malware", 0),
                    "modified",
                    json!("2025-12-31T23:59:59.999Z"),
                );
                "2025-12-31T23:59:59.999Z".into()
            },
            pass: |b| {
                let created = obj(b, "malware", 0)["created"].clone();
                set(obj(b, "malware", 0), "modified", created);
            },
            schema_rejects: false,
        },
        Case {
            code: "V0119",
            trip: |b| {
                set(obj(b, "relationship", 0), "relationship_type", json!("Uses"));
                r#""Uses""#.into()
            },
            pass: |b| set(obj(b, "relationship", 0), "relationship_type", json!("uses")),
            schema_rejects: true,
        },
        Case {
            code: "V0120",
            trip: |b| {
                set(
                    obj(b, "attack-action", 0),
                    "external_references",
                    json!([{"source_name": "Report", "url": "hxxp://evil[.]example/report"}]),
                );
                "hxxp://evil[.]example/report".into()
            },
            pass: nothing,
            schema_rejects: false,
        },
        Case {
            code: "V0118",
            trip: |b| {
                let mut copy = obj(b, "malware", 0).clone();
                set(&mut copy, "name", json!("Second kit"));
                objects(b).push(copy);
                let id = id_of(b, "malware", 0);
                format!(r#""id": "{id}""#)
            },
            pass: nothing,
            schema_rejects: false,
        },
        Case {
            code: "V0201",
            trip: |b| {
                set(
                    obj(b, "attack-action", 3),
                    "effect_refs",
                    json!(["attack-action--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"]),
                );
                "attack-action--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061".into()
            },
            pass: |b| {
                // Refs to ATT&CK objects and to predefined TLP markings are not dangling.
                set(
                    obj(b, "malware", 0),
                    "object_marking_refs",
                    json!(["marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"]),
                );
            },
            schema_rejects: false,
        },
        Case {
            code: "V0202",
            trip: |b| {
                set(
                    obj(b, "malware", 0),
                    "created_by_ref",
                    json!("identity--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"),
                );
                "identity--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061".into()
            },
            pass: nothing,
            schema_rejects: false,
        },
        Case {
            code: "V0203",
            trip: |b| {
                objects(b).push(json!({
                    "type": "tool", "spec_version": "2.1",
                    "id": "tool--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
                    "created": "2026-01-05T10:00:00.000Z", "modified": "2026-01-05T10:00:00.000Z",
                    "name": "Loose tool"
                }));
                "tool--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061".into()
            },
            pass: |b| {
                objects(b).push(json!({
                    "type": "threat-actor", "spec_version": "2.1",
                    "id": "threat-actor--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
                    "created": "2026-01-05T10:00:00.000Z", "modified": "2026-01-05T10:00:00.000Z",
                    "name": "Someone"
                }));
            },
            schema_rejects: false,
        },
        Case {
            code: "V0204",
            trip: |b| {
                remove(obj(b, "attack-flow", 0), "description");
                let id = id_of(b, "attack-flow", 0);
                format!(r#""id": "{id}""#)
            },
            pass: nothing,
            schema_rejects: false,
        },
        Case {
            code: "V0205",
            trip: |b| {
                let login = id_of(b, "attack-action", 1);
                let phish = id_of(b, "attack-action", 0);
                set(obj(b, "attack-flow", 0), "start_refs", json!([phish, login]));
                format!(
                    r#"start_refs": [
        "{phish}",
        "{login}""#
                )
            },
            pass: nothing,
            schema_rejects: false,
        },
        Case {
            code: "V0206",
            trip: |b| {
                remove(obj(b, "attack-condition", 0), "on_false_refs");
                let scan = id_of(b, "attack-action", 2);
                format!(r#""id": "{scan}""#)
            },
            pass: |b| {
                remove(obj(b, "attack-condition", 0), "on_false_refs");
                let scan = id_of(b, "attack-action", 2);
                let flow = obj(b, "attack-flow", 0);
                flow["start_refs"]
                    .as_array_mut()
                    .unwrap_or_else(|| panic!("start_refs"))
                    .push(json!(scan));
            },
            schema_rejects: false,
        },
        Case {
            code: "V0207",
            trip: |b| {
                let condition = id_of(b, "attack-condition", 0);
                let login = id_of(b, "attack-action", 1);
                remove(obj(b, "attack-condition", 0), "on_true_refs");
                objects(b).push(json!({
                    "type": "relationship", "spec_version": "2.1",
                    "id": "relationship--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
                    "created": "2026-01-05T10:00:00.000Z", "modified": "2026-01-05T10:00:00.000Z",
                    "relationship_type": "related-to",
                    "source_ref": condition, "target_ref": login
                }));
                format!(r#""id": "{condition}""#)
            },
            pass: |b| {
                // A related-to from an action is an ordinary relationship.
                let phish = id_of(b, "attack-action", 0);
                let login = id_of(b, "attack-action", 1);
                objects(b).push(json!({
                    "type": "relationship", "spec_version": "2.1",
                    "id": "relationship--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
                    "created": "2026-01-05T10:00:00.000Z", "modified": "2026-01-05T10:00:00.000Z",
                    "relationship_type": "related-to",
                    "source_ref": phish, "target_ref": login
                }));
            },
            schema_rejects: false,
        },
        Case {
            code: "V0301",
            trip: |b| {
                // T1204.002's attack-pattern on an action that says T1566.002.
                set(
                    obj(b, "attack-action", 0),
                    "technique_ref",
                    json!("attack-pattern--232b7f21-adf9-4b42-b936-b9d6f7df856e"),
                );
                "attack-pattern--232b7f21-adf9-4b42-b936-b9d6f7df856e".into()
            },
            pass: nothing,
            schema_rejects: false,
        },
        Case {
            code: "W0401",
            trip: |b| {
                let o = obj(b, "attack-action", 3);
                set(o, "technique_id", json!("T1183"));
                remove(o, "technique_ref");
                remove(o, "tactic_id");
                r#""T1183""#.into()
            },
            pass: nothing,
            schema_rejects: false,
        },
        Case {
            code: "W0402",
            trip: |b| {
                let id = deprecated_technique();
                let o = obj(b, "attack-action", 3);
                set(o, "technique_id", json!(id));
                remove(o, "technique_ref");
                remove(o, "tactic_id");
                format!(r#""{id}""#)
            },
            pass: nothing,
            schema_rejects: false,
        },
        Case {
            code: "W0403",
            trip: |b| {
                set(obj(b, "attack-action", 0), "tactic_id", json!("TA0040"));
                r#""TA0040""#.into()
            },
            pass: |b| set(obj(b, "attack-action", 0), "tactic_id", json!("initial-access")),
            schema_rejects: false,
        },
        Case {
            code: "W0405",
            trip: |b| {
                let o = obj(b, "attack-action", 3);
                set(o, "technique_id", json!("T1112"));
                set(o, "tactic_id", json!("TA0005"));
                remove(o, "technique_ref");
                remove(o, "tactic_ref");
                r#""TA0005""#.into()
            },
            pass: |b| {
                let o = obj(b, "attack-action", 3);
                set(o, "technique_id", json!("T1112"));
                set(o, "tactic_id", json!("TA0112"));
                remove(o, "technique_ref");
                remove(o, "tactic_ref");
            },
            schema_rejects: false,
        },
        Case {
            code: "W0406",
            trip: |b| {
                set(
                    obj(b, "attack-action", 3),
                    "technique_id",
                    json!("Take the files"),
                );
                r#""technique_id": "Take the files""#.into()
            },
            pass: |b| set(obj(b, "attack-action", 3), "technique_id", json!("t1005")),
            schema_rejects: false,
        },
    ]
}

/// The id of the object left without a type by the V0101 fixture.
fn id_of_untyped(b: &mut Value) -> String {
    let o = objects(b)
        .iter()
        .find(|o| o.get("type").is_none())
        .unwrap_or_else(|| panic!("no untyped object"));
    o["id"].as_str().unwrap_or_default().to_string()
}

/// Some technique the embedded catalog marks deprecated.
fn deprecated_technique() -> String {
    af_catalog::Catalog::embedded()
        .techniques()
        .find(|t| t.status == af_catalog::Status::Deprecated && t.catalog == af_catalog::CatalogKind::Attack)
        .map(|t| t.id.to_string())
        .unwrap_or_else(|| panic!("the embedded catalog has no deprecated ATT&CK technique"))
}

#[test]
fn the_base_bundle_is_clean() {
    let diags = validate_str(base_text());
    assert!(diags.is_empty(), "{}", lines(base_text(), &diags).join("\n"));
}

/// What a reader sees of every finding with `code` in `text`: severity, position, the full
/// message, the primary label, every secondary label, the help and the fixes, with the text
/// each span covers.
fn full_messages(code: &str, text: &str) -> String {
    let index = LineIndex::new(text);
    let place = |span: &std::ops::Range<usize>| {
        let p = index.line_col(text, span.start);
        let covered: String = text.get(span.clone()).unwrap_or("?").chars().take(60).collect();
        format!("{}:{} {covered:?}", p.line, p.column)
    };
    let mut out = String::new();
    for d in validate_str(text).iter().filter(|d| d.code == code) {
        out.push_str(&format!(
            "{:?} {} at {}\n  {}\n",
            d.severity,
            d.code,
            place(&d.span),
            d.message
        ));
        if let Some(label) = &d.span_label {
            out.push_str(&format!("  label: {label}\n"));
        }
        for l in &d.labels {
            out.push_str(&format!("  also at {}: {}\n", place(&l.span), l.message));
        }
        if let Some(help) = &d.help {
            out.push_str(&format!("  help: {help}\n"));
        }
        for f in &d.fixes {
            out.push_str(&format!("  fix: {}\n", f.message));
            for e in &f.edits {
                out.push_str(&format!(
                    "    replace {} with {:?}\n",
                    place(&e.span),
                    e.replacement
                ));
            }
        }
    }
    out
}

#[test]
fn every_code_has_its_full_message_snapshotted() {
    let mut texts: Vec<(&str, String)> = vec![
        ("V0001", "{\n  \"type\": \"bundle\",\n  \"id\": ,\n}".to_string()),
        ("V0002", format!("{{\"objects\": {}", "[".repeat(5_000))),
        (
            "V0003",
            base_text().replacen(
                "\"scope\": \"incident\",",
                "\"scope\": \"incident\",\n      \"scope\": \"campaign\",",
                1,
            ),
        ),
    ];
    for case in cases() {
        let mut b = base();
        (case.trip)(&mut b);
        texts.push((case.code, render(&b)));
    }
    let mut seen = std::collections::BTreeMap::<&str, usize>::new();
    for (code, text) in texts {
        let n = seen.entry(code).or_default();
        *n += 1;
        let messages = full_messages(code, &text);
        assert!(!messages.is_empty(), "{code}: its fixture does not produce it");
        let name = if *n == 1 {
            code.to_string()
        } else {
            format!("{code}-{n}")
        };
        insta::with_settings!({ snapshot_suffix => name, prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!("message", messages);
        });
    }
}

#[test]
fn every_rule_trips_on_its_fixture_and_not_on_its_near_miss() {
    let schemas = schemas();
    if schemas.is_none() {
        println!("note: shared/ is absent, so the schema cross-checks are skipped");
    }
    let mut failures = Vec::new();
    for case in cases() {
        let mut tripped = base();
        let needle = (case.trip)(&mut tripped);
        let text = render(&tripped);
        let outcome = std::panic::catch_unwind(|| assert_trips(case.code, &text, &needle));
        if let Err(e) = outcome {
            failures.push(format!("{}: {}", case.code, panic_text(&e)));
        }
        let mut near = base();
        (case.pass)(&mut near);
        let near_text = render(&near);
        if let Err(e) = std::panic::catch_unwind(|| assert_clean_of(case.code, &near_text)) {
            failures.push(format!("{} near miss: {}", case.code, panic_text(&e)));
        }
        if let Some(set) = schemas {
            let errors = set.validate_bundle(&tripped);
            if case.schema_rejects && errors.is_empty() {
                failures.push(format!("{}: the official schemas accept the fixture", case.code));
            }
            let near_errors = set.validate_bundle(&near);
            if !near_errors.is_empty() {
                failures.push(format!(
                    "{} near miss: the schemas reject it: {near_errors:?}",
                    case.code
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn panic_text(e: &Box<dyn std::any::Any + Send>) -> String {
    e.downcast_ref::<String>()
        .cloned()
        .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "panic".into())
}

#[test]
fn malformed_json_is_one_diagnostic_at_the_error() {
    let text = "{\n  \"type\": \"bundle\",\n  \"id\": ,\n}";
    let diags = validate_str(text);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].code, "V0001");
    assert_eq!(diags[0].severity, Severity::Error);
    assert_eq!(&text[diags[0].span.clone()], ",");
    assert_eq!(LineIndex::new(text).line_col(text, diags[0].span.start).line, 3);
    assert_clean_of("V0001", base_text());
}

#[test]
fn deep_nesting_is_one_diagnostic_not_a_crash() {
    let text = format!("{{\"objects\": {}", "[".repeat(50_000));
    let diags = validate_str(&text);
    assert_eq!(diags.iter().map(|d| d.code).collect::<Vec<_>>(), ["V0002"]);
    let fine = format!("{{\"x\": {}1{}}}", "[".repeat(100), "]".repeat(100));
    assert_clean_of("V0002", &fine);
}

#[test]
fn a_key_given_twice_is_reported_at_the_second() {
    let text = base_text().replacen(
        "\"scope\": \"incident\",",
        "\"scope\": \"incident\",\n      \"scope\": \"campaign\",",
        1,
    );
    let d = assert_trips("V0003", &text, "\"scope\": \"campaign\"");
    assert_eq!(d.labels.len(), 1);
    assert_clean_of("V0003", base_text());
}

#[test]
fn findings_have_the_documented_severity() {
    // Schema and STIX rule breaks are errors; catalog, graph and Builder findings warnings;
    // unchecked types notes.
    for case in cases() {
        let mut b = base();
        let needle = (case.trip)(&mut b);
        let text = render(&b);
        let d = assert_trips(case.code, &text, &needle);
        let expected = Code::lookup(case.code).map(|c| c.severity);
        let expected = expected.unwrap_or_else(|| panic!("{} is not in the code table", case.code));
        assert_eq!(d.severity, expected, "{}: {}", case.code, d.message);
    }
}

#[test]
fn fixes_produce_text_that_no_longer_trips() {
    // Apply the first fix of findings that carry one and validate again.
    let fixable = [
        "V0107", "V0108", "V0110", "V0116", "V0206", "V0301", "W0401", "W0403",
    ];
    for case in cases().into_iter().filter(|c| fixable.contains(&c.code)) {
        let mut b = base();
        let needle = (case.trip)(&mut b);
        let text = render(&b);
        let d = assert_trips(case.code, &text, &needle);
        let fix = d
            .fixes
            .first()
            .unwrap_or_else(|| panic!("{} has no fix: {}", case.code, d.message));
        let mut fixed = text.clone();
        let mut edits = fix.edits.clone();
        edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
        for e in edits {
            fixed.replace_range(e.span.clone(), &e.replacement);
        }
        let after = validate_str(&fixed);
        assert!(
            !after
                .iter()
                .any(|x| x.code == case.code && x.message == d.message),
            "{}: still reported after the fix `{}`",
            case.code,
            fix.message
        );
        assert!(
            !after.iter().any(|x| x.code == "V0001"),
            "{}: the fix broke the JSON",
            case.code
        );
    }
}

#[test]
fn every_code_has_a_case() {
    let covered: Vec<&str> = cases()
        .iter()
        .map(|c| c.code)
        .chain(["V0001", "V0002", "V0003"])
        .collect();
    let missing: Vec<&str> = ALL
        .iter()
        .filter(|c| c.reported_by(Tool::Validator))
        .map(|c| c.id)
        .filter(|c| !covered.contains(c))
        .collect();
    assert!(missing.is_empty(), "codes without a fixture: {missing:?}");
    // That each code is documented is af-diagnostics' test of the code table.
}

#[test]
fn unknown_types_get_a_note_and_never_stop_the_run() {
    let mut b = base();
    objects(&mut b).push(json!({"type": "x-acme-widget", "id": "x-acme-widget--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061", "anything": [1, {"deep": null}]}));
    objects(&mut b)
        .push(json!({"type": "attack-acton", "id": "attack-acton--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"}));
    let text = render(&b);
    let d = assert_trips("V0103", &text, r#""type": "attack-acton""#);
    assert_eq!(
        d.fixes.first().map(|f| f.edits[0].replacement.as_str()),
        Some("attack-action")
    );
    assert_trips("V0103", &text, r#""type": "x-acme-widget""#);
    // Nothing inside the unknown object is judged.
    assert!(validate_str(&text).iter().all(|d| d.severity != Severity::Error));
}

#[test]
fn non_object_inputs_are_findings() {
    for text in ["[]", "42", "\"bundle\"", "null"] {
        let diags = validate_str(text);
        assert_eq!(
            diags.iter().map(|d| d.code).collect::<Vec<_>>(),
            ["V0010"],
            "{text}"
        );
    }
    let diags = validate_str(
        r#"{"type": "bundle", "id": "bundle--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061", "objects": [1, "x", null]}"#,
    );
    assert_eq!(diags.iter().filter(|d| d.code == "V0101").count(), 3);
}

#[test]
fn spans_stay_inside_the_text_for_every_fixture() {
    for case in cases() {
        let mut b = base();
        (case.trip)(&mut b);
        let text = render(&b);
        for d in validate_str(&text) {
            assert!(
                d.span.start <= d.span.end && d.span.end <= text.len(),
                "{}: {:?}",
                d.code,
                d.span
            );
            assert!(text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end));
            for f in &d.fixes {
                for e in &f.edits {
                    assert!(e.span.end <= text.len() && text.is_char_boundary(e.span.start));
                }
            }
        }
    }
}
