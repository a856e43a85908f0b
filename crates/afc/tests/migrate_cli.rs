//! `afc migrate` end to end: a flow with revoked ids and a tactic that left Defense Evasion,
//! bundles written anew (never over their input), and the 28 corpus flows (skipped with a
//! reason without `../shared`): every revoked id with a single replacement is replaced —
//! checked against the catalog's revoked-by chain, not against afc's own report —, the rest is
//! reported, and the result compiles and validates.

mod common;
use af_catalog::Catalog;
use common::*;

/// The end of a technique's revoked-by / successor chain, when it has one: what a migration
/// must write instead of `id`. Worked out from the catalog alone.
fn replacement(catalog: &Catalog, id: &str) -> Option<String> {
    let mut current = catalog.technique(id)?;
    let mut replaced = false;
    for _ in 0..8 {
        match current.status.replacement().and_then(|r| catalog.technique(r)) {
            Some(next) => {
                current = next;
                replaced = true;
            }
            None => break,
        }
    }
    (replaced && current.status.is_active()).then(|| current.id.to_string())
}

fn errors(diags: &[af_diagnostics::Diagnostic]) -> Vec<&'static str> {
    let mut v: Vec<&str> = diags.iter().filter(|d| d.is_error()).map(|d| d.code).collect();
    v.sort_unstable();
    v
}

const OLD: &str = r#"flow "Old release" {
  scope: incident
  created: 2026-01-01T00:00:00Z
  description: "Written against ATT&CK v18."
}

# Side-loading, as it was called before.
action sideload T1073 "Side-load a DLL"   # revoked
action acl T1222.001 "Loosen the ACLs" { tactic: TA0005 }
action dep T1064 "Scripting"
sideload -> acl -> dep
"#;

#[test]
fn a_flow_is_migrated_in_place_and_the_rest_is_reported() {
    let dir = scratch("flow");
    let file = dir.join("old.af");
    std::fs::write(&file, OLD).expect("write");
    let out = afc(&["migrate", p(&file)]);
    let err = text(&out.stderr);
    let after = std::fs::read_to_string(&file).expect("read");
    let catalog = Catalog::embedded();
    let t1073 = replacement(catalog, "T1073").expect("T1073 has a replacement");
    assert!(
        after.contains(&format!("action sideload {t1073} ")),
        "{after}\n{err}"
    );
    // The v19 split: T1222.001 left TA0005 for TA0112 Defense Impairment.
    assert!(after.contains("tactic: TA0112"), "{after}\n{err}");
    assert!(after.contains("# Side-loading, as it was called before.") && after.contains("# revoked"));
    assert!(err.contains("migrate: changed 2 ids in 1 of 1 file"), "{err}");
    // T1064 (Scripting) is revoked without a single replacement, or deprecated: a person decides.
    assert!(replacement(catalog, "T1064").is_none());
    assert!(after.contains("action dep T1064"), "{after}");
    assert!(err.contains("T1064") && err.contains("need a person"), "{err}");
    assert_eq!(
        out.status.code(),
        Some(1),
        "something needs a person: exit 1\n{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bundles_are_written_anew_never_over_the_input() {
    let dir = scratch("bundle");
    let src = dir.join("old.af");
    std::fs::write(
        &src,
        OLD.replace("action dep T1064 \"Scripting\"\n", "")
            .replace(" -> dep", ""),
    )
    .expect("write");
    let compiled = afc(&["compile", p(&src)]);
    assert_eq!(compiled.status.code(), Some(0), "{}", text(&compiled.stderr));
    let bundle = dir.join("old.json");
    std::fs::write(&bundle, &compiled.stdout).expect("write");
    let before = std::fs::read(&bundle).expect("read");
    // One bundle: to standard output.
    let out = afc(&["migrate", p(&bundle)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read(&bundle).expect("read"),
        before,
        "the input is untouched"
    );
    let migrated = text(&out.stdout);
    let t1073 = replacement(Catalog::embedded(), "T1073").expect("replacement");
    assert!(
        migrated.contains(&format!("\"technique_id\": \"{t1073}\"")),
        "{migrated}"
    );
    assert!(migrated.contains("\"tactic_id\": \"TA0112\""), "{migrated}");
    let diags = af_validate::validate_str(&migrated);
    assert!(errors(&diags).is_empty(), "{diags:?}");
    assert!(
        !diags.iter().any(|d| d.is(af_diagnostics::codes::V0301)),
        "refs follow the ids: {diags:?}"
    );
    // -o onto the input itself is refused.
    let out = afc(&["migrate", p(&bundle), "-o", p(&bundle)]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("it is the input"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read(&bundle).expect("read"), before);
    // Several bundles need --out-dir.
    let copy = dir.join("copy.json");
    std::fs::write(&copy, &before).expect("write");
    let out = afc(&["migrate", p(&bundle), p(&copy)]);
    assert_eq!(out.status.code(), Some(2));
    let out_dir = dir.join("out");
    let out = afc(&["migrate", p(&bundle), p(&copy), "--out-dir", p(&out_dir)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out_dir.join("old.json").exists() && out_dir.join("copy.json").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// A migrated bundle's action that carried the old technique's name (as the compiler names an
/// action without a title) is named after the new technique; a title of its own stays.
#[test]
fn a_bundle_action_named_after_a_revoked_technique_is_renamed() {
    let dir = scratch("rename");
    let src = dir.join("named.af");
    std::fs::write(
        &src,
        "flow \"Named\" {\n  scope: incident\n  created: 2026-01-01T00:00:00Z\n}\n\
         action plain T1073\naction titled T1073 \"Side-load a DLL\"\nplain -> titled\n",
    )
    .expect("write");
    let compiled = afc(&["compile", p(&src)]);
    assert_eq!(compiled.status.code(), Some(0), "{}", text(&compiled.stderr));
    let bundle = dir.join("named.json");
    std::fs::write(&bundle, &compiled.stdout).expect("write");
    let catalog = Catalog::embedded();
    let old = catalog.technique("T1073").expect("T1073 in the catalog");
    let new_id = replacement(catalog, "T1073").expect("T1073 has a replacement");
    let new = catalog.technique(&new_id).expect("the replacement");
    assert_ne!(old.full_name(), new.full_name());
    let actions = |json: &[u8]| -> Vec<(String, String)> {
        let v: serde_json::Value = serde_json::from_slice(json).expect("json");
        let mut found: Vec<(String, String)> = v["objects"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|o| o["type"] == "attack-action")
            .map(|o| {
                (
                    o["technique_id"].as_str().unwrap_or_default().to_string(),
                    o["name"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        found.sort();
        found
    };
    let mut before = vec![
        ("T1073".to_string(), old.full_name()),
        ("T1073".to_string(), "Side-load a DLL".to_string()),
    ];
    before.sort();
    assert_eq!(actions(&compiled.stdout), before);

    let out_dir = dir.join("out");
    let out = afc(&["migrate", p(&bundle), "--out-dir", p(&out_dir)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let migrated = std::fs::read(out_dir.join("named.json")).expect("migrated bundle");
    let mut after = vec![
        (new_id.clone(), new.full_name()),
        (new_id.clone(), "Side-load a DLL".to_string()),
    ];
    after.sort();
    assert_eq!(actions(&migrated), after, "{}", text(&out.stderr));
    let diags = af_validate::validate_str(&String::from_utf8_lossy(&migrated));
    assert!(errors(&diags).is_empty(), "{diags:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// In a `.af` file too, an action whose title (or `name:`) is the replaced technique's name
/// takes the replacement's name; a title the author chose stays.
#[test]
fn a_flow_action_titled_after_a_revoked_technique_is_renamed() {
    let catalog = Catalog::embedded();
    let old = catalog.technique("T1073").expect("T1073 in the catalog");
    let new_id = replacement(catalog, "T1073").expect("T1073 has a replacement");
    let new = catalog.technique(&new_id).expect("the replacement");
    let dir = scratch("rename-af");
    let file = dir.join("titled.af");
    std::fs::write(
        &file,
        format!(
            "flow \"Titled\" {{\n  scope: incident\n  created: 2026-01-01T00:00:00Z\n}}\n\
             action titled T1073 \"{}\"\n\
             action named T1073 {{ name: \"{}\" }}\n\
             action own T1073 \"Side-load a DLL\"\n\
             titled -> named -> own\n",
            old.full_name(),
            old.name
        ),
    )
    .expect("write");
    let out = afc(&["migrate", p(&file)]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let after = std::fs::read_to_string(&file).expect("read");
    let quoted = af_syntax::strings::quote(&new.full_name());
    assert!(
        after.contains(&format!("action titled {new_id} {quoted}")),
        "{after}"
    );
    assert!(
        after.contains(&format!("action named {new_id} {{ name: {quoted} }}")),
        "{after}"
    );
    assert!(
        after.contains(&format!("action own {new_id} \"Side-load a DLL\"")),
        "{after}"
    );
    let compiled = af_compile::compile_str(&after, &af_compile::Options::default());
    assert!(
        errors(&compiled.diagnostics).is_empty(),
        "{:?}",
        compiled.diagnostics
    );
    assert!(
        !compiled
            .diagnostics
            .iter()
            .any(|d| d.is(af_diagnostics::codes::W0401)),
        "nothing left to migrate: {:?}",
        compiled.diagnostics
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Outputs are planned like every command's: two inputs writing one file stop the run before
/// anything is written.
#[test]
fn migrate_refuses_two_inputs_for_one_output() {
    let dir = scratch("collide");
    std::fs::create_dir_all(dir.join("a")).expect("dir");
    std::fs::create_dir_all(dir.join("b")).expect("dir");
    std::fs::write(dir.join("a/flow.af"), OLD).expect("write");
    std::fs::write(dir.join("b/flow.af"), OLD).expect("write");
    let out_dir = dir.join("out");
    let out = afc(&[
        "migrate",
        p(&dir.join("a/flow.af")),
        p(&dir.join("b/flow.af")),
        "--out-dir",
        p(&out_dir),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("would be written for both"),
        "{}",
        text(&out.stderr)
    );
    assert!(!out_dir.join("flow.af").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_corpus_is_migrated() {
    let Some(shared) = af_testkit::shared_or_skip("afc migrate on the corpus") else {
        return;
    };
    let catalog = Catalog::embedded();
    let dir = scratch("corpus");
    let bundles = af_testkit::files_in(&shared.join("corpus/stix"), "json");
    assert_eq!(bundles.len(), 28);
    // Bundles: new bundles in --out-dir.
    let out_dir = dir.join("bundles");
    let mut args = vec!["migrate", "--out-dir", p(&out_dir)];
    args.extend(bundles.iter().map(|b| p(b)));
    let out = afc(&args);
    let report = text(&out.stderr);
    assert_ne!(out.status.code(), Some(2), "{report}");
    let (mut replaced, mut reported) = (0, 0);
    for b in &bundles {
        let original = std::fs::read_to_string(b).expect("read");
        let migrated_path = out_dir.join(b.file_name().expect("name"));
        let migrated = std::fs::read_to_string(&migrated_path).expect("migrated bundle written");
        let old: serde_json::Value = serde_json::from_str(&original).expect("json");
        let new: serde_json::Value = serde_json::from_str(&migrated).expect("json");
        let by_id = |v: &serde_json::Value| -> std::collections::HashMap<String, serde_json::Value> {
            v["objects"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|o| Some((o["id"].as_str()?.to_string(), o.clone())))
                .collect()
        };
        let new_objects = by_id(&new);
        for (id, o) in by_id(&old) {
            let Some(tid) = o["technique_id"].as_str() else {
                continue;
            };
            let now = new_objects[&id]["technique_id"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            match (catalog.technique(tid), replacement(catalog, tid)) {
                (Some(_), Some(r)) => {
                    assert_eq!(now, r, "{}: {id} {tid}", b.display());
                    replaced += 1;
                }
                (Some(t), None) if !t.status.is_active() => {
                    assert_eq!(now, tid, "{}: {id}", b.display());
                    assert!(report.contains(tid), "{tid} not reported\n{report}");
                    reported += 1;
                }
                _ => {}
            }
        }
        // The result validates with no error the original did not have.
        let before = errors(&af_validate::validate_str(&original));
        let after = errors(&af_validate::validate_str(&migrated));
        for code in &after {
            assert!(before.contains(code), "{}: new error {code}", b.display());
        }
    }
    println!("corpus bundles: {replaced} ids replaced, {reported} reported");
    // Flows: imported to .af, migrated in place, compiled.
    let flows_dir = dir.join("flows");
    std::fs::create_dir_all(&flows_dir).expect("dir");
    let options = af_import::ImportOptions::default();
    for b in &bundles {
        let imported =
            af_import::import_bundle(&std::fs::read_to_string(b).expect("read"), &options).expect("imports");
        let stem = b.file_stem().expect("stem").to_string_lossy().into_owned();
        std::fs::write(flows_dir.join(format!("{stem}.af")), imported.source).expect("write");
    }
    let out = afc(&["migrate", p(&flows_dir)]);
    assert_ne!(out.status.code(), Some(2), "{}", text(&out.stderr));
    for f in af_testkit::files_in(&flows_dir, "af") {
        let source = std::fs::read_to_string(&f).expect("read");
        let compiled = af_compile::compile_str(&source, &af_compile::Options::default());
        assert!(
            errors(&compiled.diagnostics).is_empty(),
            "{}: {:?}",
            f.display(),
            compiled.diagnostics
        );
        for d in &compiled.diagnostics {
            assert!(
                !(af_findings::is_migration(d) && d.machine_fix(false).is_some()),
                "{}: left {} {}",
                f.display(),
                d.code,
                d.message
            );
        }
        assert!(af_validate::validate_str(&compiled.to_json())
            .iter()
            .all(|d| !d.is_error()));
    }
    let _ = std::fs::remove_dir_all(&dir);
}
