//! Reading a STIX 2.1 bundle into the model: the objects as they are, minus what the compiler
//! adds by itself (the published Attack Flow extension objects), plus the optional repair of
//! Builder-style condition branches.

use crate::{describe, ImportError, ImportOptions, Model};
use af_stix::attack_flow::ExtensionCopy;
use serde_json::{Map, Value as Json};
use std::collections::HashMap;

/// Keys of a relationship that a branch carries anyway; any other key would be lost by
/// turning the relationship into a branch.
const BRANCH_KEYS: &[&str] = &[
    "type",
    "id",
    "spec_version",
    "created",
    "modified",
    "relationship_type",
    "source_ref",
    "target_ref",
];

pub(crate) fn read(value: Json, options: &ImportOptions) -> Result<Model, ImportError> {
    let mut bundle = match value {
        Json::Object(m) if m.get("type").and_then(Json::as_str) == Some("bundle") => m,
        other => {
            return Err(ImportError::NotABundle {
                found: describe(&other),
            })
        }
    };
    let mut notes = Vec::new();
    let items = match bundle.remove("objects") {
        Some(Json::Array(items)) => items,
        None => Vec::new(),
        Some(other) => {
            return Err(ImportError::NotABundle {
                found: format!("a bundle whose `objects` is {}", describe(&other)),
            })
        }
    };
    let dropped: Vec<String> = bundle
        .keys()
        .filter(|k| !matches!(k.as_str(), "type" | "id"))
        .map(|k| format!("`{k}`"))
        .collect();
    if !dropped.is_empty() {
        notes.push(format!(
            "dropped the bundle-level {} (a STIX 2.1 bundle holds only `type`, `id` and `objects`)",
            dropped.join(", ")
        ));
    }
    let mut objects = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        match item {
            Json::Object(m) => objects.push(m),
            other => notes.push(format!(
                "skipped element {} of `objects`: it is {}, not an object",
                i + 1,
                describe(&other)
            )),
        }
    }
    let flows = objects
        .iter()
        .filter(|o| o.get("type").and_then(Json::as_str) == Some("attack-flow"))
        .count();
    match flows {
        0 => return Err(ImportError::NoFlow),
        1 => {}
        count => return Err(ImportError::ManyFlows { count }),
    }
    take_off_report(&mut objects, &mut notes);
    let extension = drop_standard_extension(&mut objects, options.exact, &mut notes);
    report_or_repair_branches(&mut objects, options.repair, &mut notes);
    Ok(Model {
        objects,
        notes,
        extension,
        ..Model::default()
    })
}

/// A `report` that is exactly what `afc compile --wrap report` wraps the flow in
/// ([`af_stix::report::find_wrapper`]) is taken off: compiling with `--wrap report` gives it
/// back. Any other report stays a node.
fn take_off_report(objects: &mut Vec<Map<String, Json>>, notes: &mut Vec<String>) {
    let compact: Vec<af_stix::Object> = objects.iter().cloned().map(af_stix::Object::from).collect();
    if let Some(at) = af_stix::report::find_wrapper(&compact) {
        objects.remove(at);
        notes.push(
            "the bundle wraps the flow in a `report` exactly as `afc compile --wrap report` does; it is left out of the source (compile with `--wrap report` to get it back)"
                .to_string(),
        );
    }
}

/// The compiler adds the extension-definition and its creator identity (the copy the
/// header's `extension:` names) unless the file declares objects with their ids: identical
/// copies are dropped and the copy is recorded, variants kept as nodes. `--exact` keeps the
/// Builder's copy as nodes too, as earlier versions did.
pub(crate) fn drop_standard_extension(
    objects: &mut Vec<Map<String, Json>>,
    exact: bool,
    notes: &mut Vec<String>,
) -> ExtensionCopy {
    let position = |objects: &[Map<String, Json>], id: &str| {
        objects
            .iter()
            .position(|o| o.get("id").and_then(Json::as_str) == Some(id))
    };
    let copies = ExtensionCopy::ALL
        .iter()
        .map(|(_, c)| *c)
        .filter(|c| !exact || *c == ExtensionCopy::Published);
    for copy in copies {
        let [Json::Object(def), Json::Object(creator)] = copy.objects() else {
            continue;
        };
        let Some(d) = position(objects, af_stix::attack_flow::EXTENSION_ID) else {
            break;
        };
        if objects[d] != def {
            continue;
        }
        match position(objects, copy.creator_id()) {
            Some(c) if objects[c] == creator => {
                objects.retain(|o| *o != def && *o != creator);
                return copy;
            }
            // The compiler would add the creator with the definition.
            _ if copy != ExtensionCopy::Published => continue,
            _ => {
                objects.remove(d);
                return copy;
            }
        }
    }
    let [Json::Object(def), Json::Object(creator)] = ExtensionCopy::Published.objects() else {
        return ExtensionCopy::Published;
    };
    for p in [def, creator] {
        let Some(id) = p.get("id").and_then(Json::as_str) else {
            continue;
        };
        let Some(pos) = position(objects, id) else {
            continue;
        };
        if objects[pos] == p {
            objects.remove(pos);
            continue;
        }
        let mut differ: Vec<&str> = objects[pos]
            .iter()
            .filter(|(k, v)| p.get(k.as_str()) != Some(*v))
            .map(|(k, _)| k.as_str())
            .chain(
                p.keys()
                    .map(String::as_str)
                    .filter(|k| !objects[pos].contains_key(*k)),
            )
            .collect();
        differ.sort_unstable();
        differ.dedup();
        notes.push(format!(
            "kept the bundle's own `{id}` as a node: it differs from the published one in {}",
            differ
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    ExtensionCopy::Published
}

/// Relationships `condition -[related-to]-> step`: how the Attack Flow Builder writes the
/// branches of a condition. Kept (and reported) unless `repair`, which makes them true
/// branches when nothing else is on the relationship.
fn report_or_repair_branches(objects: &mut Vec<Map<String, Json>>, repair: bool, notes: &mut Vec<String>) {
    let types: HashMap<String, String> = objects
        .iter()
        .filter_map(|o| {
            Some((
                o.get("id")?.as_str()?.to_string(),
                o.get("type")?.as_str()?.to_string(),
            ))
        })
        .collect();
    let type_of = |o: &Map<String, Json>, key: &str| {
        o.get(key)
            .and_then(Json::as_str)
            .and_then(|id| types.get(id))
            .map(String::as_str)
    };
    let is_branch = |o: &Map<String, Json>| {
        o.get("type").and_then(Json::as_str) == Some("relationship")
            && af_stix::flow::is_builder_branch(
                o.get("relationship_type")
                    .and_then(Json::as_str)
                    .unwrap_or_default(),
                type_of(o, "source_ref").unwrap_or_default(),
                type_of(o, "target_ref").unwrap_or_default(),
            )
    };
    let branches: Vec<usize> = (0..objects.len()).filter(|&i| is_branch(&objects[i])).collect();
    if branches.is_empty() {
        return;
    }
    if !repair {
        notes.push(format!(
            "{} `related-to` relationship(s) from a condition to a step look like branches written by the Attack Flow Builder; they are kept as `-[related-to]->` edges (`--repair` turns them into true branches)",
            branches.len()
        ));
        return;
    }
    let (mut repaired, mut kept) = (0, 0);
    let mut remove = Vec::new();
    for &i in &branches {
        if objects[i].keys().any(|k| !BRANCH_KEYS.contains(&k.as_str())) {
            kept += 1;
            continue;
        }
        let (Some(src), Some(dst)) = (
            objects[i]
                .get("source_ref")
                .and_then(Json::as_str)
                .map(str::to_string),
            objects[i]
                .get("target_ref")
                .and_then(Json::as_str)
                .map(str::to_string),
        ) else {
            continue;
        };
        let Some(cond) = objects
            .iter_mut()
            .find(|o| o.get("id").and_then(Json::as_str) == Some(src.as_str()))
        else {
            continue;
        };
        let list = cond
            .entry("on_true_refs")
            .or_insert_with(|| Json::Array(Vec::new()));
        match list {
            Json::Array(items) => {
                if !items.iter().any(|x| x.as_str() == Some(dst.as_str())) {
                    items.push(Json::String(dst));
                }
            }
            _ => {
                kept += 1;
                continue;
            }
        }
        remove.push(i);
        repaired += 1;
    }
    for i in remove.into_iter().rev() {
        objects.remove(i);
    }
    if repaired > 0 {
        notes.push(format!(
            "repaired {repaired} Builder-style branch(es): `related-to` relationships from a condition became true branches (`cond -> step`) and the relationship objects were dropped; a STIX export does not say which branch was false, so check them"
        ));
    }
    if kept > 0 {
        notes.push(format!(
            "kept {kept} Builder-style branch relationship(s) as `-[related-to]->` edges: they carry properties a branch cannot hold"
        ));
    }
}
