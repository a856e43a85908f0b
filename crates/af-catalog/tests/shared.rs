//! Tests against `shared/` (skipped when it is missing): the committed data file is what the
//! generator makes today, and every id of the Builder catalogs is embedded as published.

use af_catalog::{generate, Catalog, EMBEDDED_DATA};
use std::path::PathBuf;

fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("AFC_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    if dir.join("catalogs/MitreAttack.json").is_file() {
        Some(dir)
    } else {
        println!(
            "skipped: shared reference data not found at {} (set AFC_SHARED)",
            dir.display()
        );
        None
    }
}

#[test]
fn committed_data_file_is_up_to_date() {
    let Some(shared) = shared_dir() else { return };
    let fresh = match generate::generate_from_dir(&shared) {
        Ok(t) => t,
        Err(e) => panic!("generator failed: {e}"),
    };
    if fresh != EMBEDDED_DATA {
        let first_diff = fresh
            .lines()
            .zip(EMBEDDED_DATA.lines())
            .position(|(a, b)| a != b)
            .map_or("at the end".to_string(), |n| format!("at line {}", n + 1));
        panic!(
            "data/catalog.tsv is out of date ({first_diff}); run `cargo run -p af-catalog --bin gen-catalog`"
        );
    }
}

#[test]
fn every_builder_catalog_entry_is_embedded_with_its_name_and_stix_id() {
    let Some(shared) = shared_dir() else { return };
    let cat = Catalog::embedded();
    for file in [
        "MitreAttack.json",
        "MitreAtlas.json",
        "MitreDefend.json",
        "MitreF3.json",
    ] {
        let text = std::fs::read_to_string(shared.join("catalogs").join(file)).unwrap_or_default();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let stix = &json["stixIds"];
        let techniques = json["techniques"].as_array().cloned().unwrap_or_default();
        assert!(!techniques.is_empty(), "{file}: no techniques read");
        for entry in techniques {
            let id = entry[0].as_str().unwrap_or_default();
            let label = entry[1].as_str().unwrap_or_default();
            let t = cat
                .technique(id)
                .unwrap_or_else(|| panic!("{file}: {id} missing"));
            assert!(t.status.is_active(), "{id} is not active");
            assert_eq!(t.stix_id.as_deref(), stix[id].as_str(), "{id}");
            // The label ends with the name; F3 labels carry the full "Parent: Child" name.
            assert!(
                label.ends_with(t.name.as_ref()) || label.ends_with(&t.full_name()),
                "{id}: {label:?} vs {:?}",
                t.name
            );
        }
        for entry in json["tactics"].as_array().cloned().unwrap_or_default() {
            let id = entry[0].as_str().unwrap_or_default();
            let tactic = cat.tactic(id).unwrap_or_else(|| panic!("{file}: tactic {id}"));
            assert_eq!(tactic.id, id);
            assert_eq!(tactic.stix_id.as_deref(), stix[id].as_str(), "{id}");
        }
    }
}

#[test]
fn real_v18_enterprise_bundle_loads_as_user_bundle() {
    let Some(shared) = shared_dir() else { return };
    let path = shared.join("attack/enterprise-attack.json");
    let cat = Catalog::from_attack_bundle_file(&path).unwrap_or_else(|e| panic!("{e}"));
    assert!(cat.load_warnings().is_empty(), "{:?}", cat.load_warnings());
    let t = cat.technique("T1566.001").unwrap_or_else(|| panic!("T1566.001"));
    assert_eq!(t.tactics, vec!["TA0001"]);
    assert_eq!(t.full_name(), "Phishing: Spearphishing Attachment");
    // v18.1 names and shortnames.
    let tactic = cat
        .tactic("defense-evasion")
        .map(|t| (t.id.as_ref(), t.name.as_ref()));
    assert_eq!(tactic, Some(("TA0005", "Defense Evasion")));
    assert!(cat.tactic("TA0112").is_none());
    assert_eq!(
        cat.technique("T1073").and_then(|t| t.status.replacement()),
        Some("T1574.001")
    );
    assert_eq!(
        cat.technique("T1562.001").map(|t| t.status.is_active()),
        Some(true)
    );
    // Only the enterprise domain was supplied.
    assert!(cat.technique("T1660").is_none());
    assert!(cat.technique("AML.T0051").is_some());
    assert_eq!(cat.group("G0016").map(|g| g.name.as_ref()), Some("APT29"));
}
