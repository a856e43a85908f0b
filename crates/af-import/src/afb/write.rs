//! Writing Attack Flow Builder `.afb` files from a flow's STIX objects.
//!
//! Every object the Builder has a block for becomes a block whose instance is the UUID of its
//! id (so the Builder's own STIX export gives the same ids); the references the Builder draws
//! as lines (`effect_refs`, branches, `asset_refs`, …, see [`super::line_meaning`]) become
//! lines from the matching anchors; relationships become lines that carry the relationship's
//! properties. Each property is written in the Builder's encoding (lists of `[hash, item]`,
//! dictionaries of `[key, value]`, booleans as `"true"`/`"false"`, the Builder's confidence
//! words, an action's `ttp`). Properties the Builder has no field for are written the same way:
//! the Builder ignores them (and drops them when it saves the file), afc's importer reads them,
//! so `afc import` of an exported file gives back the same objects.

use super::{
    anchors, confidence_words, line_meaning, template_of, LineMeaning, BRANCH_FALSE, BRANCH_TRUE, GENERATOR,
    SCHEMA,
};
use crate::{ExportError, Exported, Positions};
use af_stix::attack_flow::ExtensionCopy;
use af_stix::types::{self, Category, PropKind};
use serde_json::{json, Map, Value as Json};
use std::collections::{HashMap, HashSet};

/// The Builder's blocks are larger than afc's SVG cards: positions are spread by this much.
const SCALE: f64 = 2.0;

/// The Builder's grid: positions are multiples of it.
const GRID: f64 = 5.0;

/// Gap between objects the layout did not place (in Builder units).
const ROW_GAP: f64 = 400.0;

pub(crate) fn write(objects: &[Map<String, Json>], positions: &Positions) -> Result<Exported, ExportError> {
    let flows = objects
        .iter()
        .filter(|o| o.get("type").and_then(Json::as_str) == Some("attack-flow"))
        .count();
    match flows {
        0 => return Err(ExportError::NoFlow),
        1 => {}
        count => return Err(ExportError::ManyFlows { count }),
    }
    let mut objects = objects.to_vec();
    let mut notes = Vec::new();
    let extension = crate::bundle::drop_standard_extension(&mut objects, false, &mut notes);
    let mut w = Writer {
        objects: &objects,
        positions,
        flow: 0,
        created: None,
        blocks: HashMap::new(),
        block_order: Vec::new(),
        by_id: HashMap::new(),
        author: None,
        consumed: HashSet::new(),
        lines: Vec::new(),
        notes,
    };
    w.plan();
    let text = w.emit(extension);
    Ok(Exported { text, notes: w.notes })
}

fn str_of<'m>(o: &'m Map<String, Json>, key: &str) -> Option<&'m str> {
    o.get(key).and_then(Json::as_str)
}

fn category(stix_type: &str) -> Category {
    types::type_info(stix_type).map_or(Category::Sdo, |i| i.category)
}

/// A deterministic instance id (a UUID) for a part of the drawing.
fn instance_for(parts: &[&str]) -> String {
    let id = af_stix::id::derive("x-afb", parts);
    id.trim_start_matches("x-afb--").to_string()
}

/// A line to draw: from block `from` (object index) to block `to`, leaving from `anchor`
/// when it must (a condition's branches).
struct Line {
    instance: String,
    from: usize,
    to: usize,
    anchor: Option<&'static str>,
    properties: Vec<Json>,
}

struct Writer<'a> {
    objects: &'a [Map<String, Json>],
    positions: &'a Positions,
    flow: usize,
    created: Option<String>,
    /// Object index → block instance.
    blocks: HashMap<usize, String>,
    block_order: Vec<usize>,
    by_id: HashMap<&'a str, usize>,
    /// The identity written as the flow's `author`.
    author: Option<usize>,
    /// Keys of a block written as lines.
    consumed: HashSet<(usize, &'a str)>,
    lines: Vec<Line>,
    notes: Vec<String>,
}

impl<'a> Writer<'a> {
    fn ty(&self, i: usize) -> &'a str {
        str_of(&self.objects[i], "type").unwrap_or("")
    }

    fn id(&self, i: usize) -> &'a str {
        str_of(&self.objects[i], "id").unwrap_or("")
    }

    fn plan(&mut self) {
        let objects = self.objects;
        self.flow = objects
            .iter()
            .position(|o| str_of(o, "type") == Some("attack-flow"))
            .unwrap_or(0);
        self.created = str_of(&objects[self.flow], "created").map(str::to_string);
        for i in 0..objects.len() {
            let (t, id) = (self.ty(i), self.id(i));
            if af_stix::id::split_id(id).map(|(idt, _)| idt) != Some(t) {
                self.notes.push(format!(
                    "not exported: object {} has no valid `id` of its type",
                    i + 1
                ));
                continue;
            }
            if self.by_id.insert(id, i).is_some() {
                self.notes
                    .push(format!("not exported: a second object with the id `{id}`"));
            }
        }
        self.author = self.inline_author();
        for (i, obj) in objects.iter().enumerate() {
            if i == self.flow || Some(i) == self.author || self.ty(i) == "relationship" {
                continue;
            }
            if self.by_id.get(self.id(i)) != Some(&i) {
                continue;
            }
            match template_of(self.ty(i), str_of(obj, "operator")) {
                Some(_) => {
                    let uuid = self.id(i).split_once("--").map_or("", |(_, u)| u).to_string();
                    self.blocks.insert(i, uuid);
                    self.block_order.push(i);
                }
                None => self.notes.push(format!(
                    "not exported: `{}`: the Attack Flow Builder has no object for a `{}`",
                    self.id(i),
                    self.ty(i)
                )),
            }
        }
        self.plan_reference_lines();
        self.plan_relationship_lines();
    }

    /// The flow's author identity, when it can be the flow's `author` field: referenced only
    /// as `created_by_ref`, never an end of a relationship.
    fn inline_author(&self) -> Option<usize> {
        let a = str_of(&self.objects[self.flow], "created_by_ref")?;
        let ai = *self.by_id.get(a)?;
        if self.ty(ai) != "identity" || str_of(&self.objects[ai], "name").is_none() {
            return None;
        }
        let used_otherwise = self.objects.iter().any(|o| {
            let t = str_of(o, "type").unwrap_or("");
            o.iter().any(|(k, v)| {
                k != "created_by_ref"
                    && af_stix::refs::reference(t, k).is_some()
                    && match v {
                        Json::String(s) => s == a,
                        Json::Array(items) => items.iter().any(|x| x.as_str() == Some(a)),
                        _ => false,
                    }
            })
        });
        (!used_otherwise).then_some(ai)
    }

    /// References the Builder draws as lines.
    fn plan_reference_lines(&mut self) {
        let objects = self.objects;
        for &i in &self.block_order.clone() {
            let src_type = self.ty(i);
            for (key, v) in &objects[i] {
                let key = key.as_str();
                let Some(rule) = af_stix::refs::reference(src_type, key) else {
                    continue;
                };
                let targets: Vec<&str> = match v {
                    Json::String(s) if !rule.many => vec![s.as_str()],
                    Json::Array(items) if rule.many => {
                        let ids: Vec<&str> = items.iter().filter_map(Json::as_str).collect();
                        if ids.len() != items.len() {
                            continue;
                        }
                        ids
                    }
                    _ => continue,
                };
                let blocks: Option<Vec<usize>> = targets
                    .iter()
                    .map(|id| {
                        self.by_id
                            .get(id)
                            .copied()
                            .filter(|j| self.blocks.contains_key(j))
                    })
                    .collect();
                let Some(blocks) = blocks else { continue };
                let distinct: HashSet<usize> = blocks.iter().copied().collect();
                if blocks.is_empty() || distinct.len() != blocks.len() {
                    continue;
                }
                let anchor = match key {
                    "on_true_refs" => Some(BRANCH_TRUE),
                    "on_false_refs" => Some(BRANCH_FALSE),
                    _ => None,
                };
                let from_source = blocks.iter().all(|&j| {
                    let meaning = line_meaning(src_type, self.ty(j), anchor.unwrap_or("0"));
                    matches!(meaning, Some(LineMeaning::List(k)) if k == key && v.is_array())
                        || matches!(meaning, Some(LineMeaning::Single(k)) if k == key && v.is_string())
                });
                // A network-traffic's `src_ref`: the line runs from the address to the traffic.
                let to_source = v.is_string()
                    && blocks.iter().all(|&j| {
                        line_meaning(self.ty(j), src_type, "0") == Some(LineMeaning::TargetSingle("src_ref"))
                            && key == "src_ref"
                    });
                if !from_source && !to_source {
                    continue;
                }
                self.consumed.insert((i, key));
                for (n, &j) in blocks.iter().enumerate() {
                    let (from, to) = if to_source { (j, i) } else { (i, j) };
                    let instance = instance_for(&[self.id(i), key, self.id(j), &n.to_string()]);
                    self.lines.push(Line {
                        instance,
                        from,
                        to,
                        anchor,
                        properties: Vec::new(),
                    });
                }
            }
        }
    }

    /// Relationships between two blocks become lines with the relationship's properties.
    fn plan_relationship_lines(&mut self) {
        let objects = self.objects;
        for (i, o) in objects.iter().enumerate() {
            if self.ty(i) != "relationship" || self.by_id.get(self.id(i)) != Some(&i) {
                continue;
            }
            let end = |key: &str| {
                str_of(o, key)
                    .and_then(|id| self.by_id.get(id).copied())
                    .filter(|j| self.blocks.contains_key(j))
            };
            let (Some(from), Some(to)) = (end("source_ref"), end("target_ref")) else {
                self.notes.push(format!(
                    "not exported: relationship `{}`: one of its ends is not an object the Builder draws",
                    self.id(i)
                ));
                continue;
            };
            let mut properties = Vec::new();
            let kind = str_of(o, "relationship_type").unwrap_or("related-to");
            properties.push(json!(["relationship_type", kind]));
            let skip = ["relationship_type", "source_ref", "target_ref"];
            for (k, v) in o {
                if skip.contains(&k.as_str()) || self.implied(i, k, v) {
                    continue;
                }
                if let Some(v) = self.encode(i, k, v, true) {
                    properties.push(json!([k, v]));
                }
            }
            let instance = self.id(i).split_once("--").map_or("", |(_, u)| u).to_string();
            self.lines.push(Line {
                instance,
                from,
                to,
                anchor: None,
                properties,
            });
        }
    }

    /// Whether the importer gives object `i` this value by itself: the type, id, spec version
    /// and extension marker, and the flow's `created` as `created`/`modified`.
    fn implied(&self, i: usize, key: &str, v: &Json) -> bool {
        let t = self.ty(i);
        match key {
            "type" | "id" => true,
            "spec_version" => v.as_str() == Some("2.1"),
            "extensions" => {
                category(t) == Category::AttackFlow && *v == af_stix::attack_flow::extension_marker()
            }
            "created" | "modified" => {
                category(t) != Category::Sco
                    && !(t == "marking-definition" && key == "modified")
                    && v.as_str().is_some()
                    && v.as_str() == self.created.as_deref()
            }
            _ => false,
        }
    }

    /// A value in the Builder's encoding; `None` (with a note) for what the encoding drops.
    fn encode(&mut self, i: usize, key: &str, v: &Json, top: bool) -> Option<Json> {
        let lost = |w: &mut Self, what: &str| {
            w.notes.push(format!(
                "not exported: `{key}` of `{}`: {what} (the `.afb` encoding has no such value)",
                w.id(i)
            ));
            None
        };
        let kind = top
            .then(|| types::property(self.ty(i), key).map(|p| &p.kind))
            .flatten();
        match v {
            Json::Null => lost(self, "null"),
            Json::Bool(b) if matches!(kind, Some(PropKind::Boolean)) => Some(Json::String(b.to_string())),
            Json::Bool(_) | Json::Number(_) => Some(v.clone()),
            Json::String(_) => Some(v.clone()),
            Json::Array(items) if items.is_empty() => lost(self, "an empty list"),
            Json::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (n, item) in items.iter().enumerate() {
                    out.push(json!([format!("{n:032x}"), self.encode(i, key, item, false)?]));
                }
                Some(Json::Array(out))
            }
            Json::Object(m) if m.is_empty() => lost(self, "an empty map"),
            Json::Object(m) if matches!(kind, Some(PropKind::Hashes)) => Some(Json::Array(
                m.iter()
                    .enumerate()
                    .map(|(n, (k, x))| json!([format!("{n:032x}"), [["hash_type", k], ["hash_value", x]]]))
                    .collect(),
            )),
            Json::Object(m) if m.keys().all(|k| super::is_hash(k)) => {
                lost(self, "a map whose keys all look like the Builder's list keys")
            }
            Json::Object(m) => {
                let mut out = Vec::with_capacity(m.len());
                for (k, x) in m {
                    out.push(json!([k, self.encode(i, key, x, false)?]));
                }
                Some(Json::Array(out))
            }
        }
    }

    /// The `[key, value]` properties of block `i`.
    fn properties(&mut self, i: usize) -> Vec<Json> {
        let objects = self.objects;
        let obj = &objects[i];
        let t = self.ty(i);
        let mut out = Vec::new();
        if t == "attack-action" && (obj.contains_key("tactic_id") || obj.contains_key("technique_id")) {
            // What the Builder edits; `technique_id` and the rest follow as they are.
            let get = |k: &str| obj.get(k).cloned().unwrap_or(Json::Null);
            out.push(json!([
                "ttp",
                [["tactic", get("tactic_id")], ["technique", get("technique_id")]]
            ]));
        }
        for (k, v) in obj {
            let k = k.as_str();
            if self.implied(i, k, v) || self.consumed.contains(&(i, k)) {
                continue;
            }
            let builder_word = (t == "attack-action" && k == "confidence")
                .then(|| v.as_i64())
                .flatten()
                .and_then(|n| confidence_words().iter().find(|(_, x)| i64::from(*x) == n))
                .map(|(w, _)| Json::String(w.to_string()));
            let value = match builder_word {
                Some(word) => Some(word),
                None => self.encode(i, k, v, true),
            };
            if let Some(value) = value {
                out.push(json!([k, value]));
            }
        }
        out
    }

    /// The flow's `[key, value]` properties: its fields, the author, and what afc needs back.
    fn flow_properties(&mut self, extension: ExtensionCopy) -> Vec<Json> {
        let f = self.flow;
        let obj = &self.objects[f];
        let mut out = Vec::new();
        for (k, v) in obj {
            let k = k.as_str();
            if matches!(k, "type" | "id" | "created") || self.implied(f, k, v) {
                if k == "created" {
                    out.push(json!(["created", v]));
                }
                continue;
            }
            if k == "created_by_ref" && self.author.is_some() {
                if let Some(a) = self.author {
                    let author = self.author_dict(a);
                    out.push(json!(["author", author]));
                }
                continue;
            }
            if let Some(value) = self.encode(f, k, v, true) {
                out.push(json!([k, value]));
            }
        }
        if extension != ExtensionCopy::default() {
            out.push(json!(["extension", extension.word()]));
        }
        out
    }

    /// The author identity as the flow's `author` dictionary: `name`, `identity_class`,
    /// `contact_information` (the Builder's fields), then anything else, with `id` when it is
    /// not the one afc derives from the name.
    fn author_dict(&mut self, a: usize) -> Json {
        let obj = &self.objects[a];
        let name = str_of(obj, "name").unwrap_or("");
        let mut out = Vec::new();
        if af_stix::id::derive("identity", &["author", name]) != self.id(a) {
            out.push(json!(["id", self.id(a)]));
        }
        for (k, v) in obj {
            if self.implied(a, k, v) {
                continue;
            }
            if let Some(value) = self.encode(a, k, v, true) {
                out.push(json!([k, value]));
            }
        }
        Json::Array(out)
    }

    // ----- the drawing -----

    /// The centre of each block in Builder units: afc's layout, spread out, on the grid;
    /// blocks the layout did not place go in rows below it.
    fn centres(&self) -> HashMap<usize, (f64, f64)> {
        let mut out = HashMap::new();
        let mut bottom: f64 = 0.0;
        for &i in &self.block_order {
            if let Some(&(x, y)) = self.positions.get(self.id(i)) {
                let p = (snap(x * SCALE), snap(y * SCALE));
                bottom = bottom.max(p.1);
                out.insert(i, p);
            }
        }
        let mut n: f64 = 0.0;
        for &i in &self.block_order {
            out.entry(i).or_insert_with(|| {
                let per_row: f64 = 6.0;
                let (col, row) = (n % per_row, (n / per_row).floor());
                n += 1.0;
                (snap(col * ROW_GAP), snap(bottom + ROW_GAP * (row + 1.0)))
            });
        }
        out
    }

    fn emit(&mut self, extension: ExtensionCopy) -> String {
        let centres = self.centres();
        let flow_instance = self
            .id(self.flow)
            .split_once("--")
            .map_or("", |(_, u)| u)
            .to_string();
        let mut canvas: Vec<Json> = Vec::new();
        let mut children: Vec<Json> = Vec::new();
        let mut line_children: Vec<Json> = Vec::new();
        let mut layout = Map::new();
        // Latches per (block, anchor).
        let mut latches: HashMap<(usize, &'static str), Vec<String>> = HashMap::new();
        let mut line_objects = Vec::new();
        let lines = std::mem::take(&mut self.lines);
        for line in &lines {
            let (fx, fy) = centres.get(&line.from).copied().unwrap_or_default();
            let (tx, ty) = centres.get(&line.to).copied().unwrap_or_default();
            let from_anchor = line
                .anchor
                .unwrap_or_else(|| facing(&self.template(line.from), tx - fx, fy - ty));
            let to_anchor = facing(&self.template(line.to), fx - tx, ty - fy);
            let source = instance_for(&[&line.instance, "source"]);
            let target = instance_for(&[&line.instance, "target"]);
            let handle = instance_for(&[&line.instance, "handle"]);
            latches
                .entry((line.from, from_anchor))
                .or_default()
                .push(source.clone());
            latches
                .entry((line.to, to_anchor))
                .or_default()
                .push(target.clone());
            line_children.push(Json::String(line.instance.clone()));
            let mut object = Map::new();
            object.insert("id".into(), json!("dynamic_line"));
            object.insert("instance".into(), json!(line.instance));
            if !line.properties.is_empty() {
                object.insert("properties".into(), Json::Array(line.properties.clone()));
            }
            object.insert("source".into(), json!(source));
            object.insert("target".into(), json!(target));
            object.insert("handles".into(), json!([handle]));
            line_objects.push(Json::Object(object));
            line_objects.push(json!({"id": "generic_latch", "instance": source}));
            line_objects.push(json!({"id": "generic_latch", "instance": target}));
            line_objects.push(json!({"id": "generic_handle", "instance": handle}));
        }
        let mut block_objects = Vec::new();
        for &i in &self.block_order.clone() {
            let instance = self.blocks[&i].clone();
            let template = self.template(i);
            let properties = self.properties(i);
            let mut anchor_map = Map::new();
            let mut anchor_objects = Vec::new();
            for &(angle, anchor_template) in anchors(&template) {
                let anchor = instance_for(&[&instance, "anchor", angle]);
                anchor_map.insert(angle.to_string(), json!(anchor));
                let attached = latches.remove(&(i, angle)).unwrap_or_default();
                anchor_objects.push(json!({"id": anchor_template, "instance": anchor, "latches": attached}));
            }
            children.push(Json::String(instance.clone()));
            if let Some(&(x, y)) = centres.get(&i) {
                layout.insert(instance.clone(), json!([x, y]));
            }
            block_objects.push(json!({
                "id": template,
                "instance": instance,
                "properties": properties,
                "anchors": anchor_map,
            }));
            block_objects.push(Json::Array(anchor_objects));
        }
        children.extend(line_children);
        let flow_properties = self.flow_properties(extension);
        canvas.push(json!({
            "id": "flow",
            "instance": flow_instance,
            "properties": flow_properties,
            "objects": children,
        }));
        for b in block_objects {
            match b {
                Json::Array(anchors) => canvas.extend(anchors),
                block => canvas.push(block),
            }
        }
        canvas.extend(line_objects);
        let (min_x, min_y) = centres
            .values()
            .fold((0.0f64, 0.0f64), |(a, b), &(x, y)| (a.min(x), b.min(y)));
        let root = json!({
            "schema": SCHEMA,
            "generator": GENERATOR,
            "theme": "dark_theme",
            "objects": canvas,
            "layout": layout,
            "camera": {"x": min_x, "y": min_y, "k": 0.5},
        });
        let mut text = serde_json::to_string_pretty(&root).unwrap_or_default();
        text.push('\n');
        text
    }

    fn template(&self, i: usize) -> String {
        template_of(self.ty(i), str_of(&self.objects[i], "operator")).unwrap_or_default()
    }
}

fn snap(v: f64) -> f64 {
    (v / GRID).round() * GRID
}

/// The anchor of a block of `template` that faces the direction (`dx`, `dy`) (`dy` up).
fn facing(template: &str, dx: f64, dy: f64) -> &'static str {
    let angle = dy.atan2(dx).to_degrees().rem_euclid(360.0);
    anchors(template)
        .iter()
        .filter_map(|&(a, _)| a.parse::<f64>().ok().map(|deg| (a, deg)))
        .min_by(|x, y| {
            let d = |deg: f64| {
                let d = (deg - angle).abs() % 360.0;
                d.min(360.0 - d)
            };
            d(x.1).total_cmp(&d(y.1))
        })
        .map_or("0", |(a, _)| a)
}
