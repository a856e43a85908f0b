//! Round trips over the Attack Flow corpus in `shared/corpus/` (skipped without `shared/`):
//! every STIX bundle imports to source that compiles back to the same objects, and every
//! `.afb` file imports to source that compiles to valid STIX with the Builder's ids.

use af_compile::{compile_str, Compiled, Options};
use af_import::{import_afb, import_bundle, ImportOptions};
use serde_json::{Map, Value as Json};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    out.retain(|p| p.extension().is_some_and(|e| e == ext));
    out.sort();
    out
}

fn compile_ok(name: &str, source: &str) -> Compiled {
    let compiled = compile_str(source, &Options::default());
    let errors: Vec<String> = compiled
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} {} at {:?}", d.code, d.message, d.span))
        .collect();
    assert!(
        errors.is_empty(),
        "{name}: imported source does not compile: {errors:#?}"
    );
    compiled
}

fn maps(objects: &[af_stix::Object]) -> Vec<Map<String, Json>> {
    objects.iter().map(af_stix::Object::to_map).collect()
}

fn by_id(objects: &[Map<String, Json>]) -> HashMap<String, &Map<String, Json>> {
    objects
        .iter()
        .filter_map(|o| Some((o.get("id")?.as_str()?.to_string(), o)))
        .collect()
}

/// The id the first node of `source` compiles to: its `id:`, or the one the compiler derives.
fn first_node_id(source: &str, compiled: &Compiled) -> Option<String> {
    let parsed = af_syntax::parse(source);
    let node = parsed.file.items.iter().find_map(|i| match i {
        af_syntax::Item::Node(n) => Some(n),
        _ => None,
    })?;
    let explicit = node.body.as_ref().and_then(|b| {
        b.entries
            .iter()
            .find(|p| p.key.text == "id")
            .and_then(|p| match &p.value.as_ref()?.kind {
                af_syntax::ValueKind::Str(s) => Some(s.value.clone()),
                _ => None,
            })
    });
    let stix_type = af_stix::language::kind_type(&node.kind.text).ok()?;
    let flow_id = compiled
        .objects
        .iter()
        .find(|o| o.get_str("type") == Some("attack-flow"))?
        .get_str("id")?
        .to_string();
    Some(explicit.unwrap_or_else(|| {
        af_stix::id::derive(
            &stix_type,
            &[&flow_id, node.name.as_ref().map_or("", |n| n.text.as_str())],
        )
    }))
}

/// The default import reads as a person would write it: it checks clean (what the input
/// says is acknowledged in its `# afc: allow` line) and starts with the flow's first step.
fn assert_idiomatic(name: &str, source: &str, compiled: &Compiled) {
    let warnings: Vec<String> = compiled
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    assert!(
        warnings.is_empty(),
        "{name}: `afc check --deny-warnings` would fail: {warnings:#?}"
    );
    let flow = compiled
        .objects
        .iter()
        .find(|o| o.get_str("type") == Some("attack-flow"))
        .map(af_stix::Object::to_map)
        .expect("a flow");
    let first_step = flow["start_refs"][0].as_str().expect("a first step");
    assert_eq!(
        first_node_id(source, compiled).as_deref(),
        Some(first_step),
        "{name}: the file does not start with the flow's first step"
    );
}

#[test]
fn every_corpus_bundle_round_trips() {
    let Some(shared) = af_testkit::shared_or_skip("every_corpus_bundle_round_trips") else {
        return;
    };
    let paths = files(&shared.join("corpus/stix"), "json");
    assert!(!paths.is_empty(), "no corpus bundles");
    let exact = ImportOptions {
        exact: true,
        ..ImportOptions::default()
    };
    for (path, options) in paths
        .iter()
        .flat_map(|p| [(p, ImportOptions::default()), (p, exact)])
    {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = if options.exact {
            format!("{name} (--exact)")
        } else {
            name
        };
        let json = std::fs::read_to_string(path).expect("readable");
        let imported = import_bundle(&json, &options).unwrap_or_else(|e| panic!("{name}: {e}"));
        let unexpected: Vec<&String> = imported
            .notes
            .iter()
            .filter(|n| {
                n.starts_with("round trip:") || n.starts_with("not kept:") || n.starts_with("changed:")
            })
            .collect();
        assert!(unexpected.is_empty(), "{name}: {unexpected:#?}");
        let compiled = compile_ok(&name, &imported.source);
        if !options.exact {
            assert_idiomatic(&name, &imported.source, &compiled);
            assert!(
                !imported.source.contains("extension-definition "),
                "{name}: the standard extension objects should be implied"
            );
        }
        let original: Json = serde_json::from_str(&json).expect("json");
        let original: Vec<Map<String, Json>> = original["objects"]
            .as_array()
            .expect("objects")
            .iter()
            .filter_map(|o| o.as_object().cloned())
            .collect();
        let before = by_id(&original);
        let compiled_maps = maps(&compiled.objects);
        let after = by_id(&compiled_maps);
        for (id, o) in &before {
            let c = after
                .get(id)
                .unwrap_or_else(|| panic!("{name}: {id} missing after the round trip"));
            let keys: BTreeSet<&String> = o.keys().chain(c.keys()).collect();
            for k in keys {
                assert_eq!(
                    o.get(k),
                    c.get(k),
                    "{name}: {id} `{k}` differs after the round trip"
                );
            }
        }
        for id in after.keys() {
            assert!(
                before.contains_key(id),
                "{name}: {id} appears after the round trip"
            );
        }
        // The imported text is formatted and formatting it again changes nothing.
        let again = af_fmt::format_source(&imported.source).expect("formats");
        assert_eq!(
            again, imported.source,
            "{name}: imported source is not in the formatter's layout"
        );
    }
}

#[test]
fn repair_turns_builder_branches_into_true_branches() {
    let Some(shared) = af_testkit::shared_or_skip("repair_turns_builder_branches_into_true_branches") else {
        return;
    };
    let mut repaired_any = false;
    for path in files(&shared.join("corpus/stix"), "json") {
        let name = path.display().to_string();
        let json = std::fs::read_to_string(&path).expect("readable");
        let original: Json = serde_json::from_str(&json).expect("json");
        let objects: Vec<Map<String, Json>> = original["objects"]
            .as_array()
            .expect("objects")
            .iter()
            .filter_map(|o| o.as_object().cloned())
            .collect();
        let before = by_id(&objects);
        let branches: Vec<(&str, &str, &str)> =
            objects
                .iter()
                .filter(|o| o["type"] == "relationship" && o["relationship_type"] == "related-to")
                .filter_map(|o| {
                    let (s, t) = (o["source_ref"].as_str()?, o["target_ref"].as_str()?);
                    let st = before.get(s)?["type"].as_str()?;
                    let tt = before.get(t)?["type"].as_str()?;
                    (st == "attack-condition" && tt.starts_with("attack-") && tt != "attack-asset")
                        .then_some((o["id"].as_str()?, s, t))
                })
                .collect();
        let imported = import_bundle(
            &json,
            &ImportOptions {
                repair: true,
                ..ImportOptions::default()
            },
        )
        .expect("imports");
        let compiled = compile_ok(&name, &imported.source);
        let compiled_maps = maps(&compiled.objects);
        let after = by_id(&compiled_maps);
        for (rel, cond, target) in &branches {
            repaired_any = true;
            assert!(!after.contains_key(*rel), "{name}: {rel} should be gone");
            let on_true = after[*cond]["on_true_refs"].as_array().expect("on_true_refs");
            assert!(
                on_true.iter().any(|x| x == target),
                "{name}: {cond} should branch to {target}"
            );
        }
        if !branches.is_empty() {
            assert!(imported.notes.iter().any(|n| n.contains("repaired")), "{name}");
        }
    }
    assert!(repaired_any, "the corpus has Builder-style branches");
}

#[test]
fn every_afb_file_imports_to_valid_stix_with_the_builder_ids() {
    let Some(shared) =
        af_testkit::shared_or_skip("every_afb_file_imports_to_valid_stix_with_the_builder_ids")
    else {
        return;
    };
    let schemas = af_testkit::SchemaSet::cached(&shared).expect("schemas load");
    let paths = files(&shared.join("corpus/afb"), "afb");
    assert!(!paths.is_empty(), "no .afb files");
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(&path).expect("readable");
        let imported = import_afb(&text, &ImportOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let bad: Vec<&String> = imported
            .notes
            .iter()
            .filter(|n| n.starts_with("round trip:"))
            .collect();
        assert!(bad.is_empty(), "{name}: {bad:#?}");
        let compiled = compile_ok(&name, &imported.source);
        assert_idiomatic(&name, &imported.source, &compiled);
        let bundle: Json = serde_json::from_str(&compiled.to_json()).expect("compiled JSON");
        let problems = schemas.validate_bundle(&bundle);
        assert!(problems.is_empty(), "{name}: {problems:#?}");
        let export_path = shared.join("corpus/stix").join(name.replace(".afb", ".json"));
        let export: Json =
            serde_json::from_str(&std::fs::read_to_string(export_path).expect("export")).expect("json");
        let af_ids = |objects: &[Json]| -> BTreeSet<String> {
            objects
                .iter()
                .filter(|o| {
                    o["type"]
                        .as_str()
                        .is_some_and(af_stix::attack_flow::is_attack_flow_type)
                })
                .filter_map(|o| o["id"].as_str().map(str::to_string))
                .collect()
        };
        let ours = af_ids(bundle["objects"].as_array().expect("objects"));
        let builders = af_ids(export["objects"].as_array().expect("objects"));
        assert_eq!(
            ours, builders,
            "{name}: Attack Flow ids differ from the Builder's export"
        );
        // Conditions branch for real: no relationship leaves a condition for a step.
        let compiled_maps = maps(&compiled.objects);
        let compiled_by_id = by_id(&compiled_maps);
        for o in &compiled.objects {
            if o.get_str("type") == Some("relationship") {
                let src = &compiled_by_id[o.get_str("source_ref").expect("source")];
                let dst = &compiled_by_id[o.get_str("target_ref").expect("target")];
                let step = dst["type"]
                    .as_str()
                    .is_some_and(|t| matches!(t, "attack-action" | "attack-operator" | "attack-condition"));
                assert!(
                    !(src["type"] == "attack-condition" && step),
                    "{name}: branch left as a relationship"
                );
            }
        }
        let again = af_fmt::format_source(&imported.source).expect("formats");
        assert_eq!(again, imported.source, "{name}: not in the formatter's layout");
    }
}
