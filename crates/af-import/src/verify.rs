//! The importer's own check: compile the imported source and compare the objects with the
//! model, so that every difference is reported, including ones the writer did not foresee.

use crate::Model;
use af_compile::{compile_str, Options};
use serde_json::Value as Json;
use std::collections::{HashMap, HashSet};

/// At most this many differences are listed one by one.
const MAX_LISTED: usize = 20;

/// What compiling the imported source showed.
pub(crate) struct Verified {
    /// Differences from the input, and errors.
    pub notes: Vec<String>,
    /// The warnings the source has: each code with its count, by code.
    pub warnings: Vec<(String, usize)>,
}

pub(crate) fn verify(model: &Model, source: &str, explained: &HashSet<(String, String)>) -> Verified {
    let compiled = compile_str(source, &Options::default());
    let mut warnings: Vec<(String, usize)> = Vec::new();
    for d in compiled.diagnostics.iter().filter(|d| !d.is_error()) {
        match warnings.iter_mut().find(|(c, _)| *c == d.code) {
            Some((_, n)) => *n += 1,
            None => warnings.push((d.code.to_string(), 1)),
        }
    }
    warnings.sort();
    let errors: Vec<_> = compiled.diagnostics.iter().filter(|d| d.is_error()).collect();
    if let Some(first) = errors.first() {
        return Verified {
            notes: vec![format!(
                "the imported flow does not compile yet: {} error(s), the first is {} ({})",
                errors.len(),
                first.code,
                first.message
            )],
            warnings,
        };
    }
    let out: HashMap<String, &af_stix::Object> = compiled
        .objects
        .iter()
        .filter_map(|o| Some((o.get_str("id")?.to_string(), o)))
        .collect();
    let mut diffs = Vec::new();
    let mut expected_ids = HashSet::new();
    for o in &model.objects {
        let Some(id) = o.get("id").and_then(Json::as_str).map(str::to_string) else {
            continue;
        };
        expected_ids.insert(id.clone());
        if model.derived_ids.contains(&id) || explained.contains(&(id.clone(), "*".to_string())) {
            continue;
        }
        let Some(c) = out.get(&id) else {
            diffs.push(format!("`{id}` is missing after compiling"));
            continue;
        };
        let mut keys: Vec<&str> = o
            .keys()
            .map(String::as_str)
            .chain(c.keys().filter(|k| !o.contains_key(*k)))
            .collect();
        keys.dedup();
        for k in keys {
            let (before, after) = (o.get(k), c.get_value(k));
            if before == after.as_ref()
                || explained.contains(&(id.clone(), k.to_string()))
                || (k == "start_refs" && model.default_start_refs)
            {
                continue;
            }
            diffs.push(format!(
                "`{k}` of `{id}` is {} in the input but {} after compiling",
                show(before),
                show(after.as_ref())
            ));
        }
    }
    let implicit = [af_stix::attack_flow::EXTENSION_ID, model.extension.creator_id()];
    for c in &compiled.objects {
        let Some(id) = c.get_str("id").map(str::to_string) else {
            continue;
        };
        let derived = !model.derived_ids.is_empty() && c.get_str("type") == Some("relationship");
        if expected_ids.contains(&id) || derived {
            continue;
        }
        let declared_variant = expected_ids.contains(af_stix::attack_flow::EXTENSION_ID);
        if implicit.contains(&id.as_str()) && (!declared_variant || model.default_start_refs) {
            continue;
        }
        if id == model.extension.creator_id() {
            diffs.push(format!(
                "the compiled flow has `{id}` (the published creator of the Attack Flow extension), which the input does not: the compiler adds it even when the file declares its own extension-definition"
            ));
        } else {
            diffs.push(format!("the compiled flow has `{id}`, which the input does not"));
        }
    }
    let mut notes: Vec<String> = diffs
        .iter()
        .take(MAX_LISTED)
        .map(|d| format!("round trip: {d}"))
        .collect();
    if diffs.len() > MAX_LISTED {
        notes.push(format!(
            "round trip: {} more differences",
            diffs.len() - MAX_LISTED
        ));
    }
    Verified { notes, warnings }
}

fn show(v: Option<&Json>) -> String {
    match v {
        None => "absent".into(),
        Some(v) => {
            let text = v.to_string();
            if text.chars().count() > 80 {
                format!("{}…", text.chars().take(80).collect::<String>())
            } else {
                text
            }
        }
    }
}
