//! Reading Attack Flow Builder `.afb` save files.
//!
//! The STIX objects get the ids the Builder gives them on export (`TYPE--INSTANCE`). Lines
//! become what the Builder's export makes of them (`effect_refs`, `asset_refs`,
//! `command_ref`, a note's `object_refs`, an asset's `object_ref`, a network-traffic's
//! `src_ref`, otherwise a `related-to` relationship), except that the branches of a condition
//! become `on_true_refs` / `on_false_refs` instead of relationships.

use super::{
    is_hash, line_meaning, stix_type, LineMeaning, BRANCH_FALSE, BRANCH_TRUE, LAYOUT_TEMPLATES, SCHEMA,
};
use crate::{describe, ImportError, ImportOptions, Model};
use af_catalog::Catalog;
use af_stix::attack_flow::ExtensionCopy;
use af_stix::types::{self, Category, PropKind};
use serde_json::{Map, Value as Json};
use std::collections::{HashMap, HashSet};

pub(crate) fn read(value: Json, _options: &ImportOptions) -> Result<Model, ImportError> {
    let root = match &value {
        Json::Object(m) if m.contains_key("schema") && m.get("objects").is_some_and(Json::is_array) => m,
        other => {
            return Err(ImportError::NotAnAfb {
                found: describe(other),
            })
        }
    };
    let schema = root.get("schema").and_then(Json::as_str).unwrap_or("");
    if schema != SCHEMA {
        return Err(ImportError::UnknownAfbVersion {
            schema: match root.get("schema") {
                Some(Json::String(s)) => s.clone(),
                Some(other) => other.to_string(),
                None => String::new(),
            },
        });
    }
    let canvas: Vec<&Map<String, Json>> = root
        .get("objects")
        .and_then(Json::as_array)
        .map(|a| a.iter().filter_map(Json::as_object).collect())
        .unwrap_or_default();
    let mut reader = Reader {
        // A file afc wrote holds the STIX values as they are: nothing to trim.
        verbatim: root.get("generator").and_then(Json::as_str) == Some(super::GENERATOR),
        ..Reader::default()
    };
    reader.run(&canvas)?;
    Ok(reader.model)
}

#[derive(Default)]
struct Reader {
    model: Model,
    /// Instance → index in `model.objects`.
    by_instance: HashMap<String, usize>,
    created: Option<String>,
    trimmed: usize,
    /// Values are taken as they are, not trimmed (a file afc's export wrote).
    verbatim: bool,
}

fn template(o: &Map<String, Json>) -> &str {
    o.get("id").and_then(Json::as_str).unwrap_or("")
}

fn instance(o: &Map<String, Json>) -> &str {
    o.get("instance").and_then(Json::as_str).unwrap_or("")
}

impl Reader {
    fn run(&mut self, canvas: &[&Map<String, Json>]) -> Result<(), ImportError> {
        let flows: Vec<&Map<String, Json>> =
            canvas.iter().copied().filter(|o| template(o) == "flow").collect();
        let flow = match flows.as_slice() {
            [] => return Err(ImportError::NoFlow),
            [one] => *one,
            many => return Err(ImportError::ManyFlows { count: many.len() }),
        };
        let by_instance: HashMap<&str, &Map<String, Json>> =
            canvas.iter().map(|o| (instance(o), *o)).collect();
        // The flow's own list gives the order; objects it does not list come after.
        let mut order: Vec<&Map<String, Json>> = Vec::new();
        let mut listed = HashSet::new();
        if let Some(Json::Array(items)) = flow.get("objects") {
            for inst in items.iter().filter_map(Json::as_str) {
                if let Some(o) = by_instance.get(inst) {
                    if listed.insert(inst) {
                        order.push(o);
                    }
                }
            }
        }
        let unlisted: Vec<&Map<String, Json>> = canvas
            .iter()
            .copied()
            .filter(|o| {
                o.contains_key("properties") && template(o) != "flow" && !listed.contains(instance(o))
            })
            .collect();
        if !unlisted.is_empty() {
            self.model.notes.push(format!(
                "{} object(s) missing from the flow's object list were kept at the end",
                unlisted.len()
            ));
            order.extend(unlisted);
        }

        self.read_flow(flow);
        for o in &order {
            if o.contains_key("properties") && template(o) != "flow" {
                self.read_node(o);
            }
        }
        let owners = latch_owners(canvas, &by_instance);
        let mut lines = Vec::new();
        for o in &order {
            if template(o) == "dynamic_line" {
                lines.push(*o);
            }
        }
        for line in lines {
            self.read_line(line, &owners);
        }
        if self.trimmed > 0 {
            self.model.notes.push(format!(
                "trimmed the spaces around {} text value(s), as the Builder's STIX export does",
                self.trimmed
            ));
        }
        // A flow exported by afc may say where it starts; the Builder's own files never do.
        self.model.default_start_refs = !self
            .model
            .objects
            .first()
            .is_some_and(|f| f.contains_key("start_refs"));
        self.model.notes.push(
            "dropped the layout (positions, lines' bends, theme and camera); ids of relationships and of the author are derived by afc"
                .into(),
        );
        Ok(())
    }

    fn props(&mut self, o: &Map<String, Json>) -> Vec<(String, Json)> {
        let mut out = Vec::new();
        if let Some(Json::Array(pairs)) = o.get("properties") {
            for p in pairs {
                if let Some([Json::String(k), v]) = p.as_array().map(Vec::as_slice) {
                    if let Some(v) = convert(v, self.verbatim, &mut self.trimmed) {
                        out.push((k.clone(), v));
                    }
                }
            }
        }
        out
    }

    fn read_flow(&mut self, flow: &Map<String, Json>) {
        let props = self.props(flow);
        let created = props
            .iter()
            .find(|(k, _)| k == "created")
            .and_then(|(_, v)| v.as_str())
            .and_then(|s| af_stix::timestamp::normalize(s).ok());
        self.created = created.clone();
        let id = stix_id("attack-flow", instance(flow));
        let mut obj = head("attack-flow", &id, created.as_deref());
        let mut author = None;
        for (k, v) in props {
            match k.as_str() {
                "created" => {}
                "author" => author = Some(v),
                // Written by afc's export: the copy of the Attack Flow extension objects.
                "extension" => match v.as_str().and_then(ExtensionCopy::from_word) {
                    Some(copy) => self.model.extension = copy,
                    None => self.model.notes.push(format!(
                        "not kept: the flow's `extension` is {v}, not one of {}",
                        ExtensionCopy::ALL.map(|(w, _)| w).join(", ")
                    )),
                },
                _ => {
                    let v = fix("attack-flow", &k, v, &mut self.model.notes);
                    if let Some(v) = v {
                        obj.insert(k, v);
                    }
                }
            }
        }
        let identity = match author {
            Some(Json::Object(a)) => match a.get("name").and_then(Json::as_str) {
                Some(name) => {
                    // afc's export writes the identity's id when it is not the derived one.
                    let id = match a.get("id").and_then(Json::as_str) {
                        Some(id) if af_stix::id::split_id(id).is_some_and(|(t, _)| t == "identity") => {
                            id.to_string()
                        }
                        _ => af_stix::id::derive("identity", &["author", name]),
                    };
                    let mut ident = head("identity", &id, created.as_deref());
                    for (k, v) in a {
                        if let Some(v) = fix("identity", &k, v, &mut self.model.notes) {
                            ident.insert(k, v);
                        }
                    }
                    obj.insert("created_by_ref".into(), Json::String(id));
                    Some(ident)
                }
                None => {
                    self.model
                        .notes
                        .push("dropped the flow's author: it has no name".into());
                    None
                }
            },
            _ => None,
        };
        self.by_instance
            .insert(instance(flow).to_string(), self.model.objects.len());
        self.model.objects.push(obj);
        if let Some(ident) = identity {
            self.model.objects.push(ident);
        }
    }

    fn read_node(&mut self, o: &Map<String, Json>) {
        let tpl = template(o);
        if LAYOUT_TEMPLATES.contains(&tpl) {
            return;
        }
        let inst = instance(o);
        let Some(t) = stix_type(tpl) else {
            self.model.notes.push(format!(
                "not kept: object `{inst}` of the unknown Builder template `{tpl}`"
            ));
            return;
        };
        if self.by_instance.contains_key(inst) {
            self.model
                .notes
                .push(format!("not kept: a second object `{inst}`"));
            return;
        }
        let id = stix_id(&t, inst);
        let created = self.created.clone();
        let mut obj = head(&t, &id, created.as_deref());
        let props = self.props(o);
        if t == "attack-action" {
            self.read_action(&props, &mut obj);
        } else {
            for (k, v) in props {
                if let Some(v) = fix(&t, &k, v, &mut self.model.notes) {
                    obj.insert(k, v);
                }
            }
        }
        if t == "attack-operator" && !obj.contains_key("operator") {
            let op = if tpl.starts_with("OR") { "OR" } else { "AND" };
            obj.insert("operator".into(), Json::String(op.into()));
        }
        self.by_instance
            .insert(inst.to_string(), self.model.objects.len());
        self.model.objects.push(obj);
    }

    /// `ttp` (tactic, technique) is what the Builder edits; its `technique_id` / `tactic_id`
    /// copies may be stale. Their `_ref`s are kept when they belong to the same ids, else
    /// taken from the catalogs, as the Builder's export takes them (a file afc wrote says itself
    /// whether there is one).
    fn read_action(&mut self, props: &[(String, Json)], obj: &mut Map<String, Json>) {
        let get = |k: &str| props.iter().find(|(key, _)| key == k).map(|(_, v)| v);
        let ttp = get("ttp").and_then(Json::as_object);
        let technique = ttp.and_then(|m| m.get("technique")).and_then(Json::as_str);
        let tactic = ttp.and_then(|m| m.get("tactic")).and_then(Json::as_str);
        let catalog = Catalog::embedded();
        for (k, v) in props {
            match k.as_str() {
                "ttp" | "technique_id" | "technique_ref" | "tactic_id" | "tactic_ref" => {}
                _ => {
                    if let Some(v) = fix("attack-action", k, v.clone(), &mut self.model.notes) {
                        obj.insert(k.clone(), v);
                    }
                }
            }
        }
        if let Some(tech) = technique {
            obj.insert("technique_id".into(), Json::String(tech.into()));
            let stale = get("technique_id").and_then(Json::as_str) != Some(tech);
            let reference = match get("technique_ref").and_then(Json::as_str) {
                Some(r) if !stale => Some(r.to_string()),
                None if self.verbatim => None,
                _ => catalog
                    .technique(tech)
                    .and_then(|t| t.stix_id.as_deref().map(str::to_string)),
            };
            if let Some(r) = reference {
                obj.insert("technique_ref".into(), Json::String(r));
            }
        }
        if let Some(tac) = tactic {
            obj.insert("tactic_id".into(), Json::String(tac.into()));
            let stale = get("tactic_id").and_then(Json::as_str) != Some(tac);
            let found = || {
                let t = technique.and_then(|id| catalog.technique(id));
                t.and_then(|t| catalog.tactic_for(t, tac))
                    .or_else(|| catalog.tactic(tac))
                    .and_then(|x| x.stix_id.as_deref().map(str::to_string))
            };
            let reference = match get("tactic_ref").and_then(Json::as_str) {
                Some(r) if !stale => Some(r.to_string()),
                None if self.verbatim => None,
                _ => found(),
            };
            if let Some(r) = reference {
                obj.insert("tactic_ref".into(), Json::String(r));
            }
        }
    }

    fn read_line(&mut self, line: &Map<String, Json>, owners: &HashMap<String, (String, String)>) {
        let end = |key: &str| line.get(key).and_then(Json::as_str).and_then(|l| owners.get(l));
        let (Some((src, anchor)), Some((dst, _))) = (end("source"), end("target")) else {
            self.model.notes.push(format!(
                "dropped line `{}`: one of its ends is not attached to an object",
                instance(line)
            ));
            return;
        };
        let (Some(&si), Some(&di)) = (self.by_instance.get(src), self.by_instance.get(dst)) else {
            self.model.notes.push(format!(
                "dropped line `{}`: one of its ends is on an object that was not kept",
                instance(line)
            ));
            return;
        };
        let ty = |i: usize| {
            self.model.objects[i]
                .get("type")
                .and_then(Json::as_str)
                .unwrap_or("")
                .to_string()
        };
        let (st, dt) = (ty(si), ty(di));
        let dst_id = self.model.objects[di]
            .get("id")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string();
        let src_id = self.model.objects[si]
            .get("id")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string();
        // A line with properties is a relationship written by afc's `.afb` export: its
        // instance is the relationship's id and its properties are the relationship's.
        let props = self.props(line);
        if !props.is_empty() {
            let id = stix_id("relationship", instance(line));
            let mut rel = head("relationship", &id, self.created.as_deref());
            rel.insert("relationship_type".into(), Json::String("related-to".into()));
            rel.insert("source_ref".into(), Json::String(src_id));
            rel.insert("target_ref".into(), Json::String(dst_id));
            for (k, v) in props {
                if let Some(v) = fix("relationship", &k, v, &mut self.model.notes) {
                    rel.insert(k, v);
                }
            }
            self.model.objects.push(rel);
            return;
        }
        let side = anchor != BRANCH_TRUE && anchor != BRANCH_FALSE;
        if st == "attack-condition" && af_stix::flow::is_flow_node(&dt) && side {
            self.model.notes.push(format!(
                "a line from condition `{src_id}` leaves from its side (anchor {anchor}), not from a branch; it is taken as the true branch"
            ));
        }
        let done = match line_meaning(&st, &dt, anchor) {
            Some(LineMeaning::List(key)) => push_ref(&mut self.model.objects[si], key, &dst_id),
            Some(LineMeaning::Single(key)) => set_ref(&mut self.model.objects[si], key, &dst_id),
            Some(LineMeaning::TargetSingle(key)) => set_ref(&mut self.model.objects[di], key, &src_id),
            None => false,
        };
        if done {
            return;
        }
        let id = af_stix::id::derive("relationship", &["afb", instance(line)]);
        let mut rel = head("relationship", &id, self.created.as_deref());
        rel.insert("relationship_type".into(), Json::String("related-to".into()));
        rel.insert("source_ref".into(), Json::String(src_id));
        rel.insert("target_ref".into(), Json::String(dst_id));
        self.model.derived_ids.insert(id);
        self.model.objects.push(rel);
    }
}

/// Latch instance → (owner instance, anchor key).
fn latch_owners(
    canvas: &[&Map<String, Json>],
    by_instance: &HashMap<&str, &Map<String, Json>>,
) -> HashMap<String, (String, String)> {
    let mut out = HashMap::new();
    for o in canvas {
        let Some(Json::Object(anchors)) = o.get("anchors") else {
            continue;
        };
        for (key, anchor) in anchors {
            let latches = anchor
                .as_str()
                .and_then(|a| by_instance.get(a))
                .and_then(|a| a.get("latches"))
                .and_then(Json::as_array);
            for latch in latches.into_iter().flatten().filter_map(Json::as_str) {
                out.insert(latch.to_string(), (instance(o).to_string(), key.clone()));
            }
        }
    }
    out
}

fn push_ref(obj: &mut Map<String, Json>, key: &str, id: &str) -> bool {
    let list = obj.entry(key).or_insert_with(|| Json::Array(Vec::new()));
    if let Json::Array(items) = list {
        if !items.iter().any(|x| x.as_str() == Some(id)) {
            items.push(Json::String(id.into()));
        }
        return true;
    }
    false
}

/// Sets a single reference; the first line wins, later ones become relationships.
fn set_ref(obj: &mut Map<String, Json>, key: &str, id: &str) -> bool {
    if obj.contains_key(key) {
        return false;
    }
    obj.insert(key.into(), Json::String(id.into()));
    true
}

/// `TYPE--INSTANCE`, or an id derived from the instance when it is not a UUID.
fn stix_id(stix_type: &str, instance: &str) -> String {
    let id = format!("{stix_type}--{instance}");
    if af_stix::id::is_valid_id(&id) {
        id
    } else {
        af_stix::id::derive(stix_type, &["afb", instance])
    }
}

/// `type`, `spec_version`, `id`, and for all but observables `created`/`modified` (only
/// `created` for a marking definition); the Attack Flow marker on Attack Flow objects.
fn head(stix_type: &str, id: &str, created: Option<&str>) -> Map<String, Json> {
    let cat = types::type_info(stix_type).map_or(Category::Sdo, |i| i.category);
    let mut obj = Map::new();
    obj.insert("type".into(), Json::String(stix_type.into()));
    obj.insert("spec_version".into(), Json::String("2.1".into()));
    obj.insert("id".into(), Json::String(id.into()));
    if let (Some(c), true) = (created, cat != Category::Sco) {
        obj.insert("created".into(), Json::String(c.into()));
        // A marking definition is immutable: it has no `modified`.
        if stix_type != "marking-definition" {
            obj.insert("modified".into(), Json::String(c.into()));
        }
    }
    if cat == Category::AttackFlow {
        obj.insert("extensions".into(), af_stix::attack_flow::extension_marker());
    }
    obj
}

/// A Builder value as JSON: nulls, empty strings and empty lists disappear, strings are
/// trimmed (unless `verbatim`), `[hash, item]` lists become arrays, `[key, value]` lists
/// objects, and dates their `time`.
fn convert(v: &Json, verbatim: bool, trimmed: &mut usize) -> Option<Json> {
    match v {
        Json::Null => None,
        Json::String(s) if verbatim => Some(Json::String(s.clone())),
        Json::String(s) => {
            let t = s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
            if t.len() != s.len() {
                *trimmed += 1;
            }
            (!t.is_empty()).then(|| Json::String(t.to_string()))
        }
        Json::Bool(_) | Json::Number(_) => Some(v.clone()),
        Json::Object(m) => {
            if let Some(Json::String(time)) = m.get("time") {
                return Some(Json::String(time.clone()));
            }
            let out: Map<String, Json> = m
                .iter()
                .filter_map(|(k, x)| Some((k.clone(), convert(x, verbatim, trimmed)?)))
                .collect();
            (!out.is_empty()).then_some(Json::Object(out))
        }
        Json::Array(items) => {
            let pairs: Option<Vec<(&str, &Json)>> = items
                .iter()
                .map(|x| match x.as_array().map(Vec::as_slice) {
                    Some([Json::String(k), v]) => Some((k.as_str(), v)),
                    _ => None,
                })
                .collect();
            let out = match pairs {
                Some(pairs) if !pairs.is_empty() && pairs.iter().all(|(k, _)| is_hash(k)) => Json::Array(
                    pairs
                        .iter()
                        .filter_map(|(_, x)| convert(x, verbatim, trimmed))
                        .collect(),
                ),
                Some(pairs) if !pairs.is_empty() => Json::Object(
                    pairs
                        .iter()
                        .filter_map(|(k, x)| Some((k.to_string(), convert(x, verbatim, trimmed)?)))
                        .collect(),
                ),
                _ => Json::Array(
                    items
                        .iter()
                        .filter_map(|x| convert(x, verbatim, trimmed))
                        .collect(),
                ),
            };
            let empty = match &out {
                Json::Array(a) => a.is_empty(),
                Json::Object(m) => m.is_empty(),
                _ => false,
            };
            (!empty).then_some(out)
        }
    }
}

/// Fixes a converted value to what its STIX property takes: booleans and numbers the Builder
/// keeps as text, its confidence words, hashes kept as a list of `{hash_type, hash_value}`,
/// timestamps with offsets.
fn fix(stix_type: &str, key: &str, v: Json, notes: &mut Vec<String>) -> Option<Json> {
    let kind = types::property(stix_type, key).map(|p| p.kind);
    match (kind, v) {
        (Some(PropKind::Boolean), Json::String(s)) => match s.to_ascii_lowercase().as_str() {
            "true" => Some(Json::Bool(true)),
            "false" => Some(Json::Bool(false)),
            _ => Some(Json::String(s)),
        },
        (Some(PropKind::Integer), Json::String(s)) if key == "confidence" => {
            match af_stix::confidence::term_value(&s) {
                Some(n) => Some(Json::from(n)),
                None => match s.parse::<i64>() {
                    Ok(n) => Some(Json::from(n)),
                    Err(_) => {
                        notes.push(format!(
                            "not kept: confidence `{s}` is not a confidence word afc knows"
                        ));
                        None
                    }
                },
            }
        }
        (Some(PropKind::Integer), Json::String(s)) => {
            Some(s.parse::<i64>().map_or(Json::String(s), Json::from))
        }
        (Some(PropKind::Number), Json::String(s)) => Some(
            s.parse::<i64>()
                .map(Json::from)
                .or_else(|_| s.parse::<f64>().map(Json::from))
                .unwrap_or(Json::String(s)),
        ),
        (Some(PropKind::Hashes), Json::Array(items)) => {
            let mut map = Map::new();
            for item in items {
                let (Some(t), Some(h)) = (
                    item.get("hash_type").and_then(Json::as_str),
                    item.get("hash_value").and_then(Json::as_str),
                ) else {
                    continue;
                };
                map.insert(t.to_string(), Json::String(h.to_string()));
            }
            (!map.is_empty()).then_some(Json::Object(map))
        }
        (Some(PropKind::Timestamp), Json::String(s)) => {
            Some(Json::String(af_stix::timestamp::normalize(&s).unwrap_or(s)))
        }
        (_, v) => Some(v),
    }
}
