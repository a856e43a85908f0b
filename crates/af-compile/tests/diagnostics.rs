//! One fixture per diagnostic code: each must produce its code, and the rendered output is
//! snapshotted so message changes are reviewed.

use af_compile::{compile_str, Options};
use af_diagnostics::codes::{Tool, ALL};
use std::path::Path;

fn dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diagnostics")
}

#[test]
fn every_code_has_a_fixture_that_produces_it() {
    let mut missing = Vec::new();
    for entry in ALL.iter().filter(|c| c.reported_by(Tool::Compiler)) {
        let code = &entry.id;
        let path = dir().join(format!("{code}.af"));
        let Ok(source) = std::fs::read_to_string(&path) else {
            missing.push(format!("{code}: no fixture"));
            continue;
        };
        let compiled = compile_str(&source, &Options::default());
        if !compiled
            .diagnostics
            .iter()
            .any(|d| d.code == *code && d.severity == entry.severity)
        {
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

/// A typo'd id, a revoked id and a mismatched tactic in one flow: three diagnostics, each
/// with a fix, and the compiled actions carry the catalog's STIX refs.
#[test]
fn catalog_mistakes_each_get_a_fix() {
    let source = r#"flow "Catalog" {
  scope: incident
  created: 2026-01-01T00:00:00Z
  description: "Three catalog mistakes."
}
action phish T1566.01
action sideload T1073
action valid T1078 { tactic: TA0009 }
phish -> sideload -> valid
"#;
    let compiled = compile_str(source, &Options::default());
    let codes: Vec<_> = compiled.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["E0401", "W0401", "W0403"]);
    for d in &compiled.diagnostics {
        assert!(!d.fixes.is_empty(), "{} has no fix", d.code);
    }
    assert_eq!(compiled.diagnostics[0].fixes[0].edits[0].replacement, "T1566.001");
    assert_eq!(compiled.diagnostics[1].fixes[0].edits[0].replacement, "T1574.001");

    let fixed = source
        .replace("T1566.01", "T1566.001")
        .replace("T1073", "T1574.001")
        .replace("TA0009", "TA0001");
    let compiled = compile_str(&fixed, &Options::default());
    assert!(compiled.diagnostics.is_empty(), "{:?}", compiled.diagnostics);
    let action = |name: &str| {
        compiled
            .objects
            .iter()
            .find(|o| o.get("name").and_then(|n| n.as_str()) == Some(name))
            .cloned()
    };
    let phish = action("Phishing: Spearphishing Attachment").unwrap_or_default();
    assert_eq!(
        phish.get_str("technique_ref"),
        Some("attack-pattern--2e34237d-8574-43f6-aace-ae2915de8597")
    );
    let valid = action("Valid Accounts").unwrap_or_default();
    assert_eq!(valid.get_str("tactic_id"), Some("TA0001"));
    assert_eq!(
        valid.get_str("tactic_ref"),
        Some("x-mitre-tactic--ffd5bcee-6e16-4dd2-8eca-7b3beedf33ca")
    );
}

/// An edge that repeats a ref already written in the source's block is a repeat too, and the
/// ref is listed once; wide fan-outs stay linear.
#[test]
fn an_edge_repeating_a_block_ref_is_reported_once() {
    let src = "flow \"F\" {\n  scope: incident\n  created: 2026-01-01T00:00:00Z\n  description: \"d\"\n}\naction a T1566 { effect_refs: [b] }\naction b T1078\naction c T1078\na -> b\na -> c\na -> c\n";
    let compiled = compile_str(src, &Options::default());
    let codes: Vec<&str> = compiled.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["W0103", "W0103"], "{:?}", compiled.diagnostics);
    let a = compiled
        .objects
        .iter()
        .find(|o| o.get_str("name") == Some("Phishing"))
        .and_then(|o| o.get_value("effect_refs"))
        .and_then(|v| v.as_array().map(Vec::len));
    assert_eq!(a, Some(2));
}

/// An ATT&CK group written by a revoked id gets `W0401` with MITRE's replacement as a safe fix
/// (what `afc migrate` applies); a deprecated one gets `W0402` with no fix. The objects keep
/// the catalog's name of the id as written.
#[test]
fn revoked_and_deprecated_attack_objects() {
    let source = r#"flow "Groups" {
  scope: incident
  created: 2026-01-01T00:00:00Z
  description: "A revoked and a deprecated group."
}
action access T1078
malware beacon S0154
intrusion-set unc2452 G0118
intrusion-set night G0014
intrusion-set apt29 G0016
unc2452 -[uses]-> beacon
night -[uses]-> beacon
apt29 -[uses]-> beacon
access -[uses]-> beacon
"#;
    let compiled = compile_str(source, &Options::default());
    let codes: Vec<_> = compiled.diagnostics.iter().map(|d| d.code.to_string()).collect();
    assert_eq!(codes, ["W0401", "W0402"], "{codes:?}");
    let revoked = &compiled.diagnostics[0];
    assert_eq!(revoked.fixes.len(), 1);
    assert_eq!(
        revoked.fixes[0].applicability,
        af_diagnostics::Applicability::Safe
    );
    assert!(compiled.diagnostics[1].fixes.is_empty());
    insta::assert_snapshot!(af_diagnostics::render_human(
        &compiled.diagnostics,
        "groups.af",
        source,
        false
    ));
}
