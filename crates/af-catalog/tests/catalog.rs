//! Lookups, search and suggestions against the embedded catalog.

use af_catalog::{Catalog, CatalogKind, Domain, ObjectKind, Status, Technique};

fn cat() -> &'static Catalog {
    Catalog::embedded()
}

fn ids(list: &[&Technique]) -> Vec<String> {
    list.iter().map(|t| t.id.to_string()).collect()
}

fn get(id: &str) -> &'static Technique {
    cat()
        .technique(id)
        .unwrap_or_else(|| panic!("{id} not in the catalog"))
}

#[test]
fn embedded_catalog_loads_cleanly_and_once() {
    assert!(cat().load_warnings().is_empty(), "{:?}", cat().load_warnings());
    assert!(std::ptr::eq(Catalog::embedded(), Catalog::embedded()));
    assert_eq!(cat().attack_version(), Some("19.1"));
    assert!(!cat().attack_from_bundle());
    for kind in CatalogKind::ALL {
        assert!(
            cat().techniques().any(|t| t.catalog == kind),
            "no {kind} techniques"
        );
    }
}

#[test]
fn attack_subtechnique_has_name_full_name_tactic_and_stix_id() {
    let t = get("T1566.001");
    assert_eq!(t.name, "Spearphishing Attachment");
    assert_eq!(t.full_name(), "Phishing: Spearphishing Attachment");
    assert_eq!(t.catalog, CatalogKind::Attack);
    assert_eq!(t.domains, vec![Domain::Enterprise]);
    assert_eq!(t.tactics, vec!["TA0001"]);
    assert_eq!(t.tactics_v18, vec!["TA0001"]);
    assert_eq!(
        t.stix_id.as_deref(),
        Some("attack-pattern--2e34237d-8574-43f6-aace-ae2915de8597")
    );
    assert_eq!(t.parent.as_deref(), Some("T1566"));
    assert!(t.platforms.iter().any(|p| p == "Windows"));
    assert_eq!(t.status, Status::Active);
    assert_eq!(
        t.url().as_deref(),
        Some("https://attack.mitre.org/techniques/T1566/001/")
    );
    let parent = get("T1566");
    assert_eq!(parent.full_name(), "Phishing");
    assert_eq!(
        parent.subtechniques,
        vec!["T1566.001", "T1566.002", "T1566.003", "T1566.004"]
    );
}

#[test]
fn lookups_are_case_insensitive_and_trim() {
    assert_eq!(get("t1566.001").id, "T1566.001");
    assert_eq!(get(" aml.t0051 ").id, "AML.T0051");
    assert_eq!(get("d3-aa").id, "D3-AA");
    assert_eq!(get("f3.f1001").id, "F3.F1001");
    assert!(cat().technique("T9999").is_none());
    assert!(cat().technique("").is_none());
    assert_eq!(cat().tactic("ta0001").map(|t| t.id.as_ref()), Some("TA0001"));
    assert_eq!(cat().group("g0016").map(|g| g.name.as_ref()), Some("APT29"));
}

#[test]
fn atlas_d3fend_and_f3_techniques() {
    let t = get("AML.T0051");
    assert_eq!(t.catalog, CatalogKind::Atlas);
    assert_eq!(t.name, "LLM Prompt Injection");
    assert_eq!(t.tactics, vec!["AML.TA0005"]);
    assert!(t.domains.is_empty());
    assert_eq!(t.primary_domain(), Domain::None);
    assert_eq!(
        t.url().as_deref(),
        Some("https://atlas.mitre.org/techniques/AML.T0051")
    );
    assert_eq!(get("AML.T0051.000").full_name(), "LLM Prompt Injection: Direct");

    let d = get("D3-AA");
    assert_eq!(d.catalog, CatalogKind::D3fend);
    assert_eq!(d.name, "Agent Authentication");
    assert_eq!(d.tactics, vec!["Harden"]);
    assert_eq!(d.url(), None);

    let f = get("F3.F1001");
    assert_eq!(f.catalog, CatalogKind::F3);
    assert_eq!(f.name, "3DS Bypass");
    // F3 writes sub-technique labels as "Parent: Child"; the name keeps only the child.
    let sub = get("F3.F1002.001");
    assert_eq!(sub.name, "Mobile API Abuse");
    assert_eq!(sub.full_name(), "Abuse of Public-Facing API: Mobile API Abuse");
    assert_eq!(CatalogKind::Attack.to_string(), "ATT&CK");
    assert_eq!(CatalogKind::D3fend.to_string(), "D3FEND");
    assert_eq!(CatalogKind::of_id("aml.t0051"), CatalogKind::Atlas);
    assert_eq!(CatalogKind::of_id("D3-AA"), CatalogKind::D3fend);
    assert_eq!(CatalogKind::of_id("F3.F1001"), CatalogKind::F3);
    assert_eq!(CatalogKind::of_id("T1"), CatalogKind::Attack);
}

#[test]
fn revoked_chain_ends_at_an_active_technique() {
    // T1073 → T1574.002 → T1574.001 in ATT&CK v18.1.
    let t = get("T1073");
    assert_eq!(t.name, "DLL Side-Loading");
    assert_eq!(
        t.status,
        Status::Revoked {
            by: Some("T1574.001".into())
        }
    );
    assert_eq!(get("T1574.002").status.replacement(), Some("T1574.001"));
    let end = cat().resolve("T1073").map(|t| t.id.to_string());
    assert_eq!(end.as_deref(), Some("T1574.001"));
    assert!(get("T1574.001").status.is_active());
    // A revoked id without a recorded replacement.
    assert_eq!(get("T1454").status, Status::Revoked { by: None });
    assert!(cat().resolve("T1454").is_none());
}

#[test]
fn ids_gone_in_v19_keep_v18_data_and_a_name_matched_successor() {
    let t = get("T1562.001");
    assert_eq!(
        t.status,
        Status::Removed {
            successor: Some("T1685".into())
        }
    );
    assert_eq!(t.tactics_v18, vec!["TA0005"]);
    assert_eq!(get("T1685").name, t.name);
    assert_eq!(cat().resolve("T1562.001").map(|t| t.id.as_ref()), Some("T1685"));
    // No technique of that name in v19.1: no successor.
    assert_eq!(get("T1562").status, Status::Removed { successor: None });
}

#[test]
fn tactic_changes_between_v18_and_v19_are_recorded() {
    let t = get("T1578");
    assert_eq!(t.tactics, vec!["TA0112"]);
    assert_eq!(t.tactics_v18, vec!["TA0005"]);
    assert!(t.tactics_changed_since_v18());
    assert!(!get("T1566.001").tactics_changed_since_v18());
    // New in v19: no v18 data to compare with.
    assert!(get("T1685").tactics_v18.is_empty());
    assert!(!get("T1685").tactics_changed_since_v18());

    let stealth = cat()
        .tactic("TA0005")
        .map(|t| (t.name.as_ref(), t.name_v18.as_deref()));
    assert_eq!(stealth, Some(("Stealth", Some("Defense Evasion"))));
}

#[test]
fn tactics_by_shortname_name_and_domain() {
    let id = |t: Option<&af_catalog::Tactic>| t.map(|t| t.id.to_string());
    // Enterprise wins a short-name clash when there is no technique to go by.
    assert_eq!(id(cat().tactic("initial-access")).as_deref(), Some("TA0001"));
    assert_eq!(id(cat().tactic("Initial Access")).as_deref(), Some("TA0001"));
    assert_eq!(id(cat().tactic("defense-evasion")).as_deref(), Some("TA0005"));
    assert_eq!(id(cat().tactic("stealth")).as_deref(), Some("TA0005"));
    assert_eq!(id(cat().tactic("defense-impairment")).as_deref(), Some("TA0112"));
    assert_eq!(
        id(cat().tactic_in(Domain::Mobile, "initial-access")).as_deref(),
        Some("TA0027")
    );
    assert_eq!(
        id(cat().tactic_in(Domain::Ics, "initial-access")).as_deref(),
        Some("TA0108")
    );
    assert_eq!(id(cat().tactic("detect")).as_deref(), Some("Detect"));
    let mobile_phishing = get("T1660");
    assert_eq!(
        id(cat().tactic_for(mobile_phishing, "initial-access")).as_deref(),
        Some("TA0027")
    );
    let atlas = get("AML.T0051");
    assert_eq!(
        id(cat().tactic_for(atlas, "execution")).as_deref(),
        Some("AML.TA0005")
    );
    assert!(cat().tactic("no-such-tactic").is_none());
    let t = cat().tactic("TA0001").map(|t| (t.shortname.clone(), t.url()));
    assert_eq!(
        t,
        Some((
            Some("initial-access".into()),
            Some("https://attack.mitre.org/tactics/TA0001/".into())
        ))
    );
}

#[test]
fn tactic_listing_and_techniques_of_tactic() {
    let enterprise: Vec<String> = cat()
        .tactics(Some(CatalogKind::Attack))
        .iter()
        .filter(|t| t.domain == Domain::Enterprise)
        .map(|t| t.id.to_string())
        .collect();
    assert_eq!(enterprise.first().map(String::as_str), Some("TA0043"));
    assert!(enterprise.contains(&"TA0112".to_string()));
    assert_eq!(cat().tactics(Some(CatalogKind::D3fend)).len(), 7);
    let all = cat().tactics(None).len();
    let sum: usize = CatalogKind::ALL
        .iter()
        .map(|k| cat().tactics(Some(*k)).len())
        .sum();
    assert_eq!(all, sum);

    let impairment = cat().techniques_of_tactic("ta0112");
    assert!(impairment.iter().any(|t| t.id == "T1685"));
    assert!(impairment
        .iter()
        .all(|t| t.status.is_active() && t.tactics.iter().any(|x| x == "TA0112")));
    let revoked_in_ta0005 = cat()
        .techniques()
        .filter(|t| !t.status.is_active() && t.tactics.iter().any(|x| x == "TA0005"))
        .count();
    assert!(revoked_in_ta0005 > 0);
    assert!(cat()
        .techniques_of_tactic("TA0005")
        .iter()
        .all(|t| t.status.is_active()));
}

#[test]
fn techniques_with_prefix_are_in_id_order() {
    let found: Vec<&Technique> = cat().techniques_with_prefix("t1566").collect();
    assert_eq!(
        ids(&found),
        ["T1566", "T1566.001", "T1566.002", "T1566.003", "T1566.004"]
    );
    assert_eq!(cat().techniques_with_prefix("AML.T0051.").count(), 3);
    assert_eq!(cat().techniques_with_prefix("zzz").count(), 0);
    let all = cat().techniques_with_prefix("").count();
    assert_eq!(all, cat().techniques().count());
}

#[test]
fn search_phish_ranks_phishing_first() {
    let hits = cat().search("phish", &[], 50);
    assert_eq!(hits.first().map(|t| t.id.as_ref()), Some("T1566"));
    let found = ids(&hits);
    for id in ["T1660", "T1598", "T1566.001", "T1566.002"] {
        assert!(found.contains(&id.to_string()), "{id} missing: {found:?}");
    }
    // Techniques before their sub-techniques; active before revoked.
    let pos = |id: &str| found.iter().position(|f| f == id);
    assert!(pos("T1566") < pos("T1566.001"));
    let first_inactive = hits.iter().position(|t| !t.status.is_active());
    let last_active_word_match = hits.iter().rposition(|t| {
        t.status.is_active()
            && t.full_name()
                .to_lowercase()
                .split(' ')
                .any(|w| w.starts_with("phish"))
    });
    if let (Some(a), Some(b)) = (first_inactive, last_active_word_match) {
        assert!(b < a, "an inactive technique outranks a word match");
    }
    // Deterministic.
    assert_eq!(ids(&cat().search("phish", &[], 50)), found);
}

#[test]
fn search_ranks_ids_words_and_substrings() {
    let hits = cat().search("T1566", &[], 10);
    assert_eq!(
        ids(&hits)[..5],
        ["T1566", "T1566.001", "T1566.002", "T1566.003", "T1566.004"]
    );
    // All query words must match.
    let hits = cat().search("spear attach", &[], 10);
    assert!(hits.iter().all(|t| {
        let n = t.full_name().to_lowercase();
        n.contains("spear") && n.contains("attach")
    }));
    // ICS T0865 "Spearphishing Attachment" is a technique, so it precedes the sub-technique.
    assert_eq!(ids(&hits)[..2], ["T0865", "T1566.001"]);
    // Catalog filter.
    let hits = cat().search("injection", &[CatalogKind::Atlas], 50);
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|t| t.catalog == CatalogKind::Atlas));
    assert_eq!(hits.first().map(|t| t.id.as_ref()), Some("AML.T0051"));
    assert_eq!(cat().search("phish", &[], 3).len(), 3);
    assert!(cat().search("", &[], 10).is_empty());
    assert!(cat().search("xyzzyplugh", &[], 10).is_empty());
}

#[test]
fn suggest_near_miss_ids() {
    let first = |q: &str| cat().suggest(q).first().map(|t| t.id.to_string());
    assert_eq!(first("T1566.01").as_deref(), Some("T1566.001"));
    assert_eq!(first("t1566.1").as_deref(), Some("T1566.001"));
    assert_eq!(first("T1566001").as_deref(), Some("T1566.001"));
    // Transposed digits beat other one-character slips (T1655.001, T1606.001).
    assert_eq!(first("T1656.001").as_deref(), Some("T1566.001"));
    let near = ids(&cat().suggest("T1656.001"));
    assert!(near.contains(&"T1655.001".to_string()), "{near:?}");
    assert_eq!(first("AML.T0051.0").as_deref(), Some("AML.T0051.000"));
    assert!(cat().suggest("T1566.001").iter().all(|t| t.id != "T1566.001"));
    assert!(cat().suggest("T1566.01").len() <= 3);
}

#[test]
fn suggest_near_miss_names() {
    let s = cat().suggest("Spearphising Attachment");
    assert!(!s.is_empty() && s.len() <= 3);
    assert_eq!(s[0].name, "Spearphishing Attachment");
    let s = cat().suggest("Phising");
    assert!(s.iter().any(|t| t.id == "T1566"), "{:?}", ids(&s));
    assert!(cat().suggest("").is_empty());
}

#[test]
fn groups_software_and_mitigations() {
    let g = cat()
        .group("G0016")
        .map(|o| (o.name.to_string(), o.kind, o.url()));
    assert_eq!(
        g,
        Some((
            "APT29".to_string(),
            ObjectKind::Group,
            "https://attack.mitre.org/groups/G0016/".to_string()
        ))
    );
    assert_eq!(
        cat().software("S0154").map(|o| o.name.as_ref()),
        Some("Cobalt Strike")
    );
    let m = cat().mitigation("M1049");
    assert_eq!(m.map(|o| o.name.as_ref()), Some("Antivirus/Antimalware"));
    assert!(m
        .and_then(|o| o.stix_id.as_deref())
        .is_some_and(|s| s.starts_with("course-of-action--")));
    // S0017 names different software in enterprise and ICS.
    assert_eq!(cat().objects_with_id("S0017").count(), 2);
    assert_eq!(cat().software("S0017").map(|o| o.name.as_ref()), Some("BISCUIT"));
    assert_eq!(
        cat()
            .object_in(Domain::Ics, ObjectKind::Software, "S0017")
            .map(|o| o.name.as_ref()),
        Some("EKANS")
    );
    // Revoked group, chain followed.
    assert_eq!(
        cat().group("G0118").map(|o| o.status.clone()),
        Some(Status::Revoked {
            by: Some("G0016".into())
        })
    );
    // Old mitigations carrying technique ids are not mitigations.
    assert!(cat().mitigation("T1073").is_none());
    assert!(cat().group("S0154").is_none());
}

#[test]
fn loaded_catalog_is_small() {
    let fresh = Catalog::parse_embedded();
    let heap = fresh.heap_size();
    println!(
        "heap {heap} bytes + embedded text {} bytes",
        af_catalog::EMBEDDED_DATA.len()
    );
    assert!(heap > 100_000, "estimate {heap} looks too small to be real");
    assert!(heap + af_catalog::EMBEDDED_DATA.len() < 5 * 1024 * 1024);
}

#[test]
fn groups_software_and_campaigns_by_name_and_alias() {
    let apt29 = cat().objects_named("apt29");
    assert_eq!(apt29.first().map(|o| o.id.as_ref()), Some("G0016"));
    // Aliases, whatever the case and separators.
    for alias in ["Cozy Bear", "cozy-bear", "NOBELIUM", "midnight blizzard"] {
        let found = cat().objects_named(alias);
        assert!(found.iter().any(|o| o.id == "G0016"), "{alias}: {found:?}");
    }
    let cobalt = cat().objects_named("Cobalt Strike");
    assert_eq!(cobalt.first().map(|o| o.id.as_ref()), Some("S0154"));
    assert_eq!(cobalt[0].stix_type(), Some("malware"));
    assert!(cat().objects_named("").is_empty());
    assert!(cat().objects_named("no such group at all").is_empty());
    let campaign = cat().campaign("C0024").unwrap_or_else(|| panic!("C0024"));
    assert_eq!(campaign.kind, ObjectKind::Campaign);
    assert!(campaign.url().ends_with("/campaigns/C0024/"));
    assert!(campaign.is_called(&campaign.name));
}

#[test]
fn find_object_by_id_or_name_for_the_compiler() {
    let by_id = cat().find_object(&[ObjectKind::Software], "s0154");
    assert_eq!(by_id.map(|o| o.name.as_ref()), Some("Cobalt Strike"));
    let by_name = cat().find_object(&[ObjectKind::Group], "Cozy Bear");
    assert_eq!(by_name.map(|o| o.id.as_ref()), Some("G0016"));
    // The kind filter applies to names too: APT29 is not software.
    assert!(cat().find_object(&[ObjectKind::Software], "APT29").is_none());
    assert!(cat().find_object(&[], "APT29").is_some());
}

#[test]
fn mitigations_of_techniques_and_techniques_of_mitigations() {
    let m = cat().mitigations_of("T1566");
    let ids: Vec<&str> = m.iter().map(|o| o.id.as_ref()).collect();
    assert!(ids.contains(&"M1049") && ids.contains(&"M1017"), "{ids:?}");
    assert!(m.iter().all(|o| o.kind == ObjectKind::Mitigation));
    assert!(ids.windows(2).all(|w| w[0] <= w[1]), "{ids:?}");
    let back = cat().techniques_mitigated_by("M1049");
    assert!(
        back.iter().any(|t| t.id == "T1566"),
        "M1049 should mitigate T1566"
    );
    // A technique that replaced a removed v18.1 id inherits that id's mitigations.
    let replaced = cat()
        .techniques()
        .find(|t| {
            matches!(t.status, Status::Removed { successor: Some(_) })
                && !cat().mitigations_of(&t.id).is_empty()
        })
        .unwrap_or_else(|| panic!("no removed technique with mitigations"));
    let successor = replaced.status.replacement().unwrap_or_default();
    for mitigation in cat().mitigations_of(&replaced.id) {
        assert!(
            cat()
                .mitigations_of(successor)
                .iter()
                .any(|m| m.id == mitigation.id),
            "{successor} lacks {} of {}",
            mitigation.id,
            replaced.id
        );
    }
    assert!(cat().mitigations_of("T0000").is_empty());
}

#[test]
fn search_all_finds_software_groups_and_techniques() {
    let everything = af_catalog::Filter::default();
    let first = |q: &str| {
        cat()
            .search_all(q, &everything, 5)
            .first()
            .map(|h| h.record.id().to_string())
    };
    assert_eq!(first("cobalt strike").as_deref(), Some("S0154"));
    assert_eq!(first("APT29").as_deref(), Some("G0016"));
    assert_eq!(first("G0016").as_deref(), Some("G0016"));
    assert_eq!(first("phishing").as_deref(), Some("T1566"));
    let cozy = cat().search_all("cozy bear", &everything, 5);
    assert_eq!(
        cozy.first().map(|h| (h.record.id(), h.alias)),
        Some(("G0016", Some("Cozy Bear")))
    );
    // Filters: objects only, one kind, or a catalog without objects.
    let groups = af_catalog::Filter {
        techniques: false,
        objects: vec![ObjectKind::Group],
        ..Default::default()
    };
    let hits = cat().search_all("bear", &groups, 50);
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h.record.kind() == "group"));
    let atlas = af_catalog::Filter {
        catalogs: vec![CatalogKind::Atlas],
        ..Default::default()
    };
    assert!(cat()
        .search_all("cobalt strike", &atlas, 5)
        .iter()
        .all(|h| h.record.kind() == "technique"));
}

#[test]
fn did_you_mean_covers_ids_and_names_of_every_kind() {
    let ids = |q: &str| -> Vec<String> { cat().did_you_mean(q).into_iter().map(|s| s.id).collect() };
    assert_eq!(ids("G0O16").first().map(String::as_str), Some("G0016"));
    assert_eq!(ids("TA00O5").first().map(String::as_str), Some("TA0005"));
    assert!(ids("T1566.01").contains(&"T1566.001".to_string()));
    let close = cat().did_you_mean("Cobalt Strik");
    assert_eq!(
        close.first().map(|s| (s.id.as_str(), s.kind.as_str())),
        Some(("S0154", "software"))
    );
    assert!(cat().did_you_mean("phishng").iter().any(|s| s.id == "T1566"));
}
