//! Many flows in one set of objects (as a TAXII collection holds them): `split_flows` gives
//! each flow back exactly its own objects, for every example and every corpus bundle, in any
//! order, and each part imports to a flow that compiles to the same objects.

use af_compile::{compile_str, Options};
use af_import::{import_objects, split_flows, ImportOptions};
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;

type Obj = Map<String, Json>;

fn objects_of(bundle: &str) -> Vec<Obj> {
    let v: Json = serde_json::from_str(bundle).unwrap_or_else(|e| panic!("{e}"));
    v["objects"]
        .as_array()
        .map(|a| a.iter().filter_map(|o| o.as_object().cloned()).collect())
        .unwrap_or_default()
}

fn by_id(objects: &[Obj]) -> BTreeMap<String, Obj> {
    objects
        .iter()
        .map(|o| (o["id"].as_str().unwrap_or_default().to_string(), o.clone()))
        .collect()
}

/// Puts every bundle's objects together the way a server would hold them (each id once),
/// splits them, and checks that each flow gets exactly the objects of its bundle.
fn check(bundles: &[(String, Vec<Obj>)], reverse: bool) {
    let mut all: Vec<Obj> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (_, objs) in bundles {
        for o in objs {
            if seen.insert(o["id"].as_str().unwrap_or_default().to_string()) {
                all.push(o.clone());
            }
        }
    }
    if reverse {
        all.reverse();
    }
    let split = split_flows(&all);
    assert_eq!(split.flows.len(), bundles.len());
    assert!(split.left_over.is_empty(), "left over: {:?}", split.left_over);
    for (name, objs) in bundles {
        let flow_id = objs
            .iter()
            .find(|o| o["type"] == "attack-flow")
            .and_then(|o| o["id"].as_str())
            .unwrap_or_default();
        let part = split
            .flows
            .iter()
            .find(|f| f.flow_id == flow_id)
            .unwrap_or_else(|| panic!("{name}: flow not found"));
        let (want, got) = (by_id(objs), by_id(&part.objects));
        let missing: Vec<&String> = want.keys().filter(|k| !got.contains_key(*k)).collect();
        let extra: Vec<&String> = got.keys().filter(|k| !want.contains_key(*k)).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{name}: missing {missing:?}, extra {extra:?}"
        );
    }
}

#[test]
fn examples_come_apart_again() {
    let options = Options::default();
    let mut bundles = Vec::new();
    for path in af_testkit::example_flows() {
        let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        let compiled = compile_str(&source, &options);
        assert!(!compiled.has_errors());
        bundles.push((path.display().to_string(), objects_of(&compiled.to_json())));
    }
    check(&bundles, false);
    check(&bundles, true);

    // Each part imports to source that compiles to the same objects.
    let mut all: Vec<Obj> = bundles.iter().flat_map(|(_, o)| o.clone()).collect();
    let mut seen = std::collections::HashSet::new();
    all.retain(|o| seen.insert(o["id"].as_str().unwrap_or_default().to_string()));
    for part in split_flows(&all).flows {
        let want = by_id(&part.objects);
        let imported = import_objects(part.objects, &ImportOptions::default())
            .unwrap_or_else(|e| panic!("{}: {e}", part.flow_id));
        let again = compile_str(&imported.source, &options);
        assert!(!again.has_errors(), "{}: {:?}", part.flow_id, again.diagnostics);
        assert_eq!(by_id(&objects_of(&again.to_json())), want, "{}", part.flow_id);
    }
}

#[test]
fn corpus_bundles_come_apart_again() {
    let Some(shared) = af_testkit::shared_or_skip("corpus_bundles_come_apart_again") else {
        return;
    };
    let mut bundles = Vec::new();
    for path in af_testkit::files_in(&shared.join("corpus/stix"), "json") {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        let objs = objects_of(&text);
        if objs.iter().filter(|o| o["type"] == "attack-flow").count() == 1 {
            bundles.push((path.display().to_string(), objs));
        }
    }
    assert!(!bundles.is_empty(), "no corpus bundles");
    check(&bundles, false);
    check(&bundles, true);
}
