//! A user-supplied ATT&CK bundle replacing the embedded ATT&CK part, and malformed input.

use af_catalog::{Catalog, CatalogError, CatalogKind, Domain, Status, MAX_BUNDLE_BYTES};
use serde_json::json;

fn ext(id: &str) -> serde_json::Value {
    json!([{ "source_name": "mitre-attack", "external_id": id, "url": "https://example.invalid" }])
}

fn small_bundle() -> String {
    let phase = |p: &str| json!([{ "kill_chain_name": "mitre-attack", "phase_name": p }]);
    json!({
        "type": "bundle",
        "id": "bundle--00000000-0000-4000-8000-000000000000",
        "objects": [
            { "type": "x-mitre-collection", "id": "x-mitre-collection--1", "x_mitre_version": "99.0" },
            { "type": "x-mitre-matrix", "id": "x-mitre-matrix--1", "name": "Enterprise",
              "tactic_refs": ["x-mitre-tactic--2", "x-mitre-tactic--1"],
              "x_mitre_domains": ["enterprise-attack"] },
            { "type": "x-mitre-tactic", "id": "x-mitre-tactic--1", "name": "Initial Access",
              "x_mitre_shortname": "initial-access", "external_references": ext("TA0001"),
              "x_mitre_domains": ["enterprise-attack"] },
            { "type": "x-mitre-tactic", "id": "x-mitre-tactic--2", "name": "Reconnaissance",
              "x_mitre_shortname": "reconnaissance", "external_references": ext("TA0043"),
              "x_mitre_domains": ["enterprise-attack"] },
            { "type": "attack-pattern", "id": "attack-pattern--p", "name": "Test Parent",
              "description": "long prose that is skipped", "external_references": ext("T9001"),
              "kill_chain_phases": [
                  { "kill_chain_name": "mitre-attack", "phase_name": "initial-access" },
                  { "kill_chain_name": "mitre-attack", "phase_name": "reconnaissance" }
              ],
              "x_mitre_platforms": ["Windows", "None"], "x_mitre_domains": ["enterprise-attack"] },
            { "type": "attack-pattern", "id": "attack-pattern--c", "name": "Child",
              "external_references": ext("T9001.001"), "kill_chain_phases": phase("initial-access"),
              "x_mitre_is_subtechnique": true, "x_mitre_domains": ["enterprise-attack"] },
            { "type": "attack-pattern", "id": "attack-pattern--old", "name": "Old", "revoked": true,
              "external_references": ext("T9002"), "kill_chain_phases": phase("initial-access") },
            { "type": "attack-pattern", "id": "attack-pattern--mid", "name": "Middle", "revoked": true,
              "external_references": ext("T9003") },
            { "type": "attack-pattern", "id": "attack-pattern--dep", "name": "Gone",
              "x_mitre_deprecated": true, "external_references": ext("T9004"),
              "kill_chain_phases": phase("no-such-phase") },
            { "type": "relationship", "id": "relationship--1", "relationship_type": "subtechnique-of",
              "source_ref": "attack-pattern--c", "target_ref": "attack-pattern--p" },
            { "type": "relationship", "id": "relationship--2", "relationship_type": "revoked-by",
              "source_ref": "attack-pattern--old", "target_ref": "attack-pattern--mid" },
            { "type": "relationship", "id": "relationship--3", "relationship_type": "revoked-by",
              "source_ref": "attack-pattern--mid", "target_ref": "attack-pattern--c" },
            { "type": "intrusion-set", "id": "intrusion-set--g", "name": "Test Group",
              "external_references": ext("G9001"), "x_mitre_domains": ["enterprise-attack"] },
            { "type": "tool", "id": "tool--s", "name": "Test Tool", "external_references": ext("S9001") },
            { "type": "course-of-action", "id": "course-of-action--m", "name": "Test Mitigation",
              "external_references": ext("M9001") },
            { "type": "course-of-action", "id": "course-of-action--t", "name": "Old Mitigation",
              "external_references": ext("T9001") },
            { "type": "identity", "id": "identity--x", "name": "Someone" }
        ]
    })
    .to_string()
}

#[test]
fn bundle_replaces_the_attack_part() {
    let cat = match Catalog::from_attack_bundle(&small_bundle()) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    assert!(cat.attack_from_bundle());
    assert_eq!(cat.attack_version(), Some("99.0"));

    let parent = cat.technique("t9001").map(|t| {
        (
            t.name.to_string(),
            t.tactics.clone(),
            t.platforms.clone(),
            t.subtechniques.clone(),
            t.domains.clone(),
        )
    });
    assert_eq!(
        parent,
        Some((
            "Test Parent".to_string(),
            // Matrix order: reconnaissance before initial access.
            vec!["TA0043".into(), "TA0001".into()],
            vec!["Windows".into()],
            vec!["T9001.001".into()],
            vec![Domain::Enterprise],
        ))
    );
    let child = cat.technique("T9001.001");
    assert_eq!(
        child.map(|t| t.full_name()).as_deref(),
        Some("Test Parent: Child")
    );
    assert_eq!(
        child.and_then(|t| t.stix_id.as_deref()),
        Some("attack-pattern--c")
    );
    assert!(child.is_some_and(|t| t.tactics_v18.is_empty()));

    // Revoked chain T9002 → T9003 → T9001.001.
    assert_eq!(
        cat.technique("T9002").map(|t| t.status.clone()),
        Some(Status::Revoked {
            by: Some("T9001.001".into())
        })
    );
    assert_eq!(cat.resolve("T9002").map(|t| t.id.as_ref()), Some("T9001.001"));
    assert_eq!(
        cat.technique("T9004").map(|t| t.status.clone()),
        Some(Status::Deprecated)
    );
    assert!(cat.load_warnings().iter().any(|w| w.contains("no-such-phase")));

    // Embedded ATT&CK ids are gone; the other catalogs stay.
    assert!(cat.technique("T1566").is_none());
    assert!(cat.group("G0016").is_none());
    assert_eq!(
        cat.technique("AML.T0051").map(|t| t.catalog),
        Some(CatalogKind::Atlas)
    );
    assert!(cat.technique("D3-AA").is_some());
    assert_eq!(
        cat.tactic("initial-access").map(|t| t.id.as_ref()),
        Some("TA0001")
    );
    assert_eq!(cat.tactics(Some(CatalogKind::Attack)).len(), 2);

    assert_eq!(cat.group("G9001").map(|o| o.name.as_ref()), Some("Test Group"));
    assert_eq!(cat.software("S9001").map(|o| o.name.as_ref()), Some("Test Tool"));
    assert_eq!(
        cat.mitigation("M9001").map(|o| o.name.as_ref()),
        Some("Test Mitigation")
    );
    assert!(cat.mitigation("T9001").is_none());
    let hits: Vec<&str> = cat
        .search("test", &[CatalogKind::Attack], 10)
        .iter()
        .map(|t| t.id.as_ref())
        .collect();
    // The child matches through its full name "Test Parent: Child".
    assert_eq!(hits, ["T9001", "T9001.001"]);
}

#[test]
fn malformed_input_gives_clear_errors() {
    let err = |json: &str| match Catalog::from_attack_bundle(json) {
        Ok(_) => panic!("accepted {json:?}"),
        Err(e) => e,
    };
    let e = err("{\"type\": \"bundle\", \"objects\": [");
    assert!(matches!(e, CatalogError::Json { line: 1, .. }), "{e:?}");
    assert!(e.to_string().contains("not valid JSON"), "{e}");

    let e =
        err("{\n\"type\": \"bundle\",\n\"objects\": [{\"type\": \"attack-pattern\", \"revoked\": \"yes\"}]}");
    assert!(matches!(e, CatalogError::Json { line: 3, .. }), "{e:?}");

    assert!(matches!(err("[1, 2]"), CatalogError::NotABundle(_)));
    assert!(matches!(err("   "), CatalogError::NotABundle(_)));
    let e = err("{\"type\": \"indicator\"}");
    assert!(e.to_string().contains("`indicator`"), "{e}");
    assert!(matches!(
        err("{\"type\": \"bundle\"}"),
        CatalogError::NotABundle(_)
    ));
    assert!(matches!(
        err("{\"type\": \"bundle\", \"objects\": [{\"type\": \"identity\", \"id\": \"identity--1\"}]}"),
        CatalogError::NoTechniques
    ));
}

#[test]
fn bundle_files_are_size_checked_before_reading() {
    let dir = std::env::temp_dir().join(format!("af-catalog-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));

    let missing = dir.join("missing.json");
    let e = Catalog::from_attack_bundle_file(&missing).err();
    assert!(matches!(e, Some(CatalogError::Io { .. })), "{e:?}");

    // A sparse file just over the limit: refused from its size, without reading it.
    let big = dir.join("big.json");
    let file = std::fs::File::create(&big).unwrap_or_else(|e| panic!("{e}"));
    file.set_len(MAX_BUNDLE_BYTES + 1)
        .unwrap_or_else(|e| panic!("{e}"));
    let e = Catalog::from_attack_bundle_file(&big).err();
    match &e {
        Some(CatalogError::TooLarge { size, limit, .. }) => {
            assert_eq!(*size, Some(MAX_BUNDLE_BYTES + 1));
            assert_eq!(*limit, MAX_BUNDLE_BYTES);
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
    assert!(e.is_some_and(|e| e.to_string().contains("512 MiB")));

    let good = dir.join("good.json");
    std::fs::write(&good, small_bundle()).unwrap_or_else(|e| panic!("{e}"));
    let cat = Catalog::from_attack_bundle_file(&good).unwrap_or_else(|e| panic!("{e}"));
    assert!(cat.technique("T9001").is_some());

    let _ = std::fs::remove_dir_all(&dir);
}
