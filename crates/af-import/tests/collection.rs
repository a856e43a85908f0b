//! Many flows in one set of objects (as a TAXII collection holds them): `split_flows` gives
//! each flow, published in its report, back exactly its own objects, for every example and
//! corpus bundle, in any order, and each part imports to a flow that compiles to the same
//! objects. Without the reports, each flow gets only its own objects.

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

/// The objects with the report that wraps them (as `afc publish` sends a flow).
fn wrapped(objects: Vec<Obj>) -> Vec<Obj> {
    let mut compact: Vec<af_stix::Object> = objects.into_iter().map(af_stix::Object::from).collect();
    let report = af_stix::report::wrap(&compact).unwrap_or_else(|e| panic!("{e}"));
    compact.push(report);
    compact.into_iter().map(af_stix::Object::into_map).collect()
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
    let mut bare = Vec::new();
    for path in af_testkit::example_flows() {
        let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        let compiled = compile_str(&source, &options);
        assert!(!compiled.has_errors());
        bare.push((path.display().to_string(), objects_of(&compiled.to_json())));
    }
    // Wrapped in their reports, every flow comes back whole, in either order.
    let bundles: Vec<(String, Vec<Obj>)> = bare
        .iter()
        .map(|(n, o)| (n.clone(), wrapped(o.clone())))
        .collect();
    check(&bundles, false);
    check(&bundles, true);

    // Bare, each flow gets only its own objects; what is left over is context that nothing
    // connects to a flow (a threat actor, its victim, the relationship between them).
    let mut all: Vec<Obj> = bare.iter().flat_map(|(_, o)| o.clone()).collect();
    let mut seen = std::collections::HashSet::new();
    all.retain(|o| seen.insert(o["id"].as_str().unwrap_or_default().to_string()));
    let split = split_flows(&all);
    for part in &split.flows {
        let (_, own) = bare
            .iter()
            .find(|(_, o)| o.iter().any(|x| x["id"].as_str() == Some(part.flow_id.as_str())))
            .unwrap_or_else(|| panic!("{}", part.flow_id));
        let own = by_id(own);
        assert!(
            by_id(&part.objects).keys().all(|k| own.contains_key(k)),
            "{}",
            part.flow_id
        );
    }
    for (_, t) in &split.left_over {
        assert!(
            ["threat-actor", "identity", "relationship", "campaign"].contains(&t.as_str()),
            "{t}"
        );
    }

    // Each part imports to source that compiles to the same objects (the report taken off).
    let mut all: Vec<Obj> = bundles.iter().flat_map(|(_, o)| o.clone()).collect();
    let mut seen = std::collections::HashSet::new();
    all.retain(|o| seen.insert(o["id"].as_str().unwrap_or_default().to_string()));
    for part in split_flows(&all).flows {
        let mut want = by_id(&part.objects);
        want.retain(|_, o| o["type"] != "report");
        let imported = import_objects(part.objects, &ImportOptions::default())
            .unwrap_or_else(|e| panic!("{}: {e}", part.flow_id));
        assert!(
            imported.notes.iter().any(|n| n.contains("--wrap report")),
            "{:?}",
            imported.notes
        );
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
    let mut bundles: Vec<(String, Vec<Obj>)> = Vec::new();
    for path in af_testkit::files_in(&shared.join("corpus/stix"), "json") {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        let objs = objects_of(&text);
        if objs.iter().filter(|o| o["type"] == "attack-flow").count() == 1 {
            bundles.push((path.display().to_string(), wrapped(objs)));
        }
    }
    assert!(!bundles.is_empty(), "no corpus bundles");
    // A server holds one object per id: bundles that reuse an id with other content (two
    // variants of one flow) cannot share a collection, so each such pair is left out.
    let mut first: std::collections::HashMap<String, (usize, Obj)> = std::collections::HashMap::new();
    let mut clash = std::collections::HashSet::new();
    for (i, (_, objs)) in bundles.iter().enumerate() {
        for o in objs {
            let id = o["id"].as_str().unwrap_or_default().to_string();
            match first.get(&id) {
                Some((j, other)) if *j != i && other != o => {
                    clash.insert(i);
                    clash.insert(*j);
                }
                Some(_) => {}
                None => {
                    first.insert(id, (i, o.clone()));
                }
            }
        }
    }
    let kept: Vec<(String, Vec<Obj>)> = bundles
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !clash.contains(i))
        .map(|(_, b)| b)
        .collect();
    assert!(
        kept.len() >= 20,
        "only {} corpus bundles can share a collection",
        kept.len()
    );
    check(&kept, false);
    check(&kept, true);
}
