//! `.afb` export: every example flow and every corpus bundle exported as a Builder file and
//! imported again compiles to the same objects; the file is shaped as the Builder's own
//! (every line attached to anchors of blocks the flow lists).

use af_compile::{compile_str, Options};
use af_import::{export_afb, import_afb, ImportOptions, Positions};
use serde_json::{Map, Value as Json};
use std::collections::{BTreeMap, HashMap, HashSet};

type Objects = BTreeMap<String, Map<String, Json>>;

fn by_id(objects: impl IntoIterator<Item = Map<String, Json>>) -> Objects {
    objects
        .into_iter()
        .filter_map(|o| Some((o.get("id")?.as_str()?.to_string(), o)))
        .collect()
}

/// Exports `objects`, imports the file, compiles the import, and compares.
fn round_trip(name: &str, objects: &[Map<String, Json>]) -> Json {
    let exported = export_afb(objects, &Positions::new()).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(exported.notes.is_empty(), "{name}: {:#?}", exported.notes);
    let imported =
        import_afb(&exported.text, &ImportOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
    let problems: Vec<&String> = imported
        .notes
        .iter()
        .filter(|n| n.starts_with("round trip:") || n.starts_with("not kept:") || n.starts_with("changed:"))
        .collect();
    assert!(problems.is_empty(), "{name}: {problems:#?}");
    let compiled = compile_str(&imported.source, &Options::default());
    assert!(
        !compiled.has_errors(),
        "{name}: the import does not compile:\n{}",
        imported.source
    );
    let before = by_id(objects.iter().cloned());
    let after = by_id(compiled.objects.iter().map(af_stix::Object::to_map));
    let missing: Vec<&String> = before.keys().filter(|k| !after.contains_key(*k)).collect();
    let extra: Vec<&String> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{name}: missing {missing:?}, extra {extra:?}"
    );
    for (id, o) in &before {
        assert_eq!(
            Some(o),
            after.get(id),
            "{name}: `{id}` differs after the round trip"
        );
    }
    serde_json::from_str(&exported.text).expect("the export is JSON")
}

/// The file's structure: the flow lists every block and line, every line's latches hang on
/// anchors of the blocks, and nothing is left over (the Builder refuses a file with more than
/// one root object).
fn assert_builder_shape(name: &str, file: &Json) {
    assert_eq!(file["schema"], "attack_flow_v2", "{name}");
    let objects = file["objects"].as_array().expect("objects");
    let by_instance: HashMap<&str, &Json> = objects
        .iter()
        .filter_map(|o| Some((o["instance"].as_str()?, o)))
        .collect();
    assert_eq!(by_instance.len(), objects.len(), "{name}: instances are unique");
    let flow = objects.iter().find(|o| o["id"] == "flow").expect("a flow");
    let mut reached: HashSet<&str> = HashSet::from([flow["instance"].as_str().expect("instance")]);
    let mut anchored_latches = HashSet::new();
    for child in flow["objects"].as_array().expect("flow objects") {
        let child = by_instance[child.as_str().expect("instance")];
        reached.insert(child["instance"].as_str().expect("instance"));
        if let Some(anchors) = child["anchors"].as_object() {
            for anchor in anchors.values() {
                let anchor = by_instance[anchor.as_str().expect("anchor")];
                reached.insert(anchor["instance"].as_str().expect("instance"));
                for latch in anchor["latches"].as_array().expect("latches") {
                    anchored_latches.insert(latch.as_str().expect("latch"));
                }
            }
        }
        if child["id"] == "dynamic_line" {
            for end in ["source", "target"] {
                let latch = child[end].as_str().expect("latch");
                assert!(by_instance.contains_key(latch), "{name}: dangling latch");
                reached.insert(latch);
            }
            for handle in child["handles"].as_array().expect("handles") {
                reached.insert(handle.as_str().expect("handle"));
            }
        }
    }
    for o in objects {
        let instance = o["instance"].as_str().expect("instance");
        assert!(reached.contains(instance), "{name}: `{instance}` hangs nowhere");
        if o["id"] == "generic_latch" {
            assert!(
                anchored_latches.contains(instance),
                "{name}: a line end is not attached"
            );
        }
    }
}

#[test]
fn examples_export_to_afb_and_import_back_to_the_same_objects() {
    let files = af_testkit::example_flows();
    assert!(!files.is_empty(), "no examples");
    for path in files {
        let name = path.display().to_string();
        let source = std::fs::read_to_string(&path).expect("readable");
        let compiled = compile_str(&source, &Options::default());
        let objects: Vec<Map<String, Json>> = compiled.objects.iter().map(af_stix::Object::to_map).collect();
        let file = round_trip(&name, &objects);
        assert_builder_shape(&name, &file);
    }
}

#[test]
fn corpus_bundles_export_to_afb_and_import_back_to_the_same_objects() {
    let Some(shared) =
        af_testkit::shared_or_skip("corpus_bundles_export_to_afb_and_import_back_to_the_same_objects")
    else {
        return;
    };
    let paths = af_testkit::files_in(&shared.join("corpus/stix"), "json");
    assert!(!paths.is_empty(), "no corpus bundles");
    for path in paths {
        let name = path.display().to_string();
        let bundle: Json =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("readable")).expect("json");
        let objects: Vec<Map<String, Json>> = bundle["objects"]
            .as_array()
            .expect("objects")
            .iter()
            .filter_map(|o| o.as_object().cloned())
            .collect();
        let file = round_trip(&name, &objects);
        assert_builder_shape(&name, &file);
    }
}

#[test]
fn export_is_deterministic_and_uses_the_positions() {
    let source = "flow \"F\" { scope: incident, created: 2026-01-01T00:00:00Z, description: \"d\" }\naction a T1566 { tactic: TA0001 }\naction b T1078 { tactic: TA0001 }\na -> b\n";
    let compiled = compile_str(source, &Options::default());
    let objects: Vec<Map<String, Json>> = compiled.objects.iter().map(af_stix::Object::to_map).collect();
    let ids: Vec<String> = objects
        .iter()
        .filter(|o| o["type"] == "attack-action")
        .filter_map(|o| o["id"].as_str().map(str::to_string))
        .collect();
    let mut positions = Positions::new();
    positions.insert(ids[0].clone(), (120.0, 40.0));
    positions.insert(ids[1].clone(), (120.0, 240.0));
    let once = export_afb(&objects, &positions).expect("exports");
    let twice = export_afb(&objects, &positions).expect("exports");
    assert_eq!(once, twice);
    let file: Json = serde_json::from_str(&once.text).expect("json");
    let instance = |id: &str| {
        id.split_once("--")
            .map(|(_, u)| u.to_string())
            .unwrap_or_default()
    };
    // Positions are block centres, spread for the Builder's larger blocks, on its 5-unit grid.
    assert_eq!(
        file["layout"][instance(&ids[0])],
        serde_json::json!([240.0, 80.0])
    );
    assert_eq!(
        file["layout"][instance(&ids[1])],
        serde_json::json!([240.0, 480.0])
    );
    // The line leaves the upper block at the bottom and enters the lower one at the top.
    let objects = file["objects"].as_array().expect("objects");
    let block = |id: &str| {
        objects
            .iter()
            .find(|o| o["instance"] == instance(id).as_str())
            .expect("block")
    };
    let anchor_latches = |block: &Json, angle: &str| {
        let anchor = block["anchors"][angle].as_str().expect("anchor");
        objects.iter().find(|o| o["instance"] == anchor).expect("anchor")["latches"]
            .as_array()
            .map_or(0, Vec::len)
    };
    assert_eq!(anchor_latches(block(&ids[0]), "270"), 1);
    assert_eq!(anchor_latches(block(&ids[1]), "90"), 1);
    assert_eq!(
        block(&ids[0])["properties"][0],
        serde_json::json!(["ttp", [["tactic", "TA0001"], ["technique", "T1566"]]])
    );
}

#[test]
fn export_refuses_input_without_exactly_one_flow() {
    let none: Vec<Map<String, Json>> = Vec::new();
    assert_eq!(
        export_afb(&none, &Positions::new()),
        Err(af_import::ExportError::NoFlow)
    );
    let flow =
        serde_json::json!({"type": "attack-flow", "id": "attack-flow--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"});
    let two = vec![
        flow.as_object().cloned().unwrap_or_default(),
        flow.as_object().cloned().unwrap_or_default(),
    ];
    assert_eq!(
        export_afb(&two, &Positions::new()),
        Err(af_import::ExportError::ManyFlows { count: 2 })
    );
}
