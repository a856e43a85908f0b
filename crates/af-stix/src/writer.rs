//! Writing STIX objects and bundles with one fixed key order, so that compiled files diff
//! cleanly.
//!
//! Top-level keys of an object come in this order: the head keys `type`, `spec_version`, `id`,
//! `created_by_ref`, `created`, `modified`, `name`, `description` (those present); then every
//! other key in alphabetical (byte) order; then the tail keys `external_references`,
//! `object_marking_refs`, `granular_markings`, `extensions` (those present). Nested maps keep
//! the order they have.

use serde_json::{Map, Value};

/// Keys written first, in this order.
pub const HEAD_KEYS: &[&str] = &[
    "type",
    "spec_version",
    "id",
    "created_by_ref",
    "created",
    "modified",
    "name",
    "description",
];

/// Keys written last, in this order.
pub const TAIL_KEYS: &[&str] = &[
    "external_references",
    "object_marking_refs",
    "granular_markings",
    "extensions",
];

/// The top-level keys of `obj` in the fixed order (see the module documentation).
pub fn canonical_keys(obj: &Map<String, Value>) -> Vec<&str> {
    let mut keys: Vec<&str> = Vec::with_capacity(obj.len());
    keys.extend(HEAD_KEYS.iter().copied().filter(|k| obj.contains_key(*k)));
    let mut middle: Vec<&str> = obj
        .keys()
        .map(String::as_str)
        .filter(|k| !HEAD_KEYS.contains(k) && !TAIL_KEYS.contains(k))
        .collect();
    middle.sort_unstable();
    keys.extend(middle);
    keys.extend(TAIL_KEYS.iter().copied().filter(|k| obj.contains_key(*k)));
    keys
}

/// Reorders the top-level keys of a STIX object into the fixed order (see the module
/// documentation). Values, including nested maps, are kept as they are.
pub fn canonical_object(mut obj: Map<String, Value>) -> Map<String, Value> {
    let order: Vec<String> = canonical_keys(&obj).into_iter().map(str::to_string).collect();
    let mut out = Map::with_capacity(obj.len());
    for key in order {
        if let Some(v) = obj.remove(&key) {
            out.insert(key, v);
        }
    }
    out
}

/// Serializes an object with its keys in the fixed order, without copying it.
struct Ordered<'a>(&'a Map<String, Value>);

impl serde::Serialize for Ordered<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let keys = canonical_keys(self.0);
        let mut map = serializer.serialize_map(Some(keys.len()))?;
        for k in keys {
            if let Some(v) = self.0.get(k) {
                map.serialize_entry(k, v)?;
            }
        }
        map.end()
    }
}

#[derive(serde::Serialize)]
struct Bundle<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    objects: Vec<Ordered<'a>>,
}

/// Writes a bundle `{"type": "bundle", "id": …, "objects": […]}` (no `spec_version`) with every
/// object in canonical key order, pretty-printed with two-space indentation, non-ASCII text
/// written as UTF-8, and a trailing newline.
pub fn write_bundle(bundle_id: &str, objects: &[Map<String, Value>]) -> String {
    let bundle = Bundle {
        kind: "bundle",
        id: bundle_id,
        objects: objects.iter().map(Ordered).collect(),
    };
    let mut out = Vec::with_capacity(objects.len() * 512);
    // Serializing JSON values into memory cannot fail.
    if serde_json::to_writer_pretty(&mut out, &bundle).is_err() {
        return String::new();
    }
    out.push(b'\n');
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    fn keys(m: &Map<String, Value>) -> Vec<&str> {
        m.keys().map(String::as_str).collect()
    }

    #[test]
    fn orders_head_middle_and_tail() {
        let obj = map(json!({
            "extensions": {"b": 1, "a": 2},
            "zeta": 1,
            "object_marking_refs": [],
            "description": "d",
            "alpha": 2,
            "external_references": [],
            "id": "x--1",
            "modified": "m",
            "name": "n",
            "created": "c",
            "granular_markings": [],
            "spec_version": "2.1",
            "created_by_ref": "identity--1",
            "type": "x",
            "Beta": 3,
            "beta": 4,
        }));
        let out = canonical_object(obj);
        assert_eq!(
            keys(&out),
            [
                "type",
                "spec_version",
                "id",
                "created_by_ref",
                "created",
                "modified",
                "name",
                "description",
                "Beta",
                "alpha",
                "beta",
                "zeta",
                "external_references",
                "object_marking_refs",
                "granular_markings",
                "extensions",
            ]
        );
        // Nested maps keep their order.
        assert_eq!(out["extensions"].as_object().map(keys), Some(vec!["b", "a"]));
    }

    #[test]
    fn missing_keys_are_skipped_and_order_is_idempotent() {
        let obj = map(json!({"value": "1.2.3.4", "id": "ipv4-addr--1", "type": "ipv4-addr"}));
        let once = canonical_object(obj);
        assert_eq!(keys(&once), ["type", "id", "value"]);
        assert_eq!(canonical_object(once.clone()), once);
    }

    #[test]
    fn bundle_text() {
        let objects = vec![map(json!({
            "name": "Ünïcode — ok",
            "type": "identity",
            "id": "identity--1",
            "empty": [],
        }))];
        let text = write_bundle("bundle--0", &objects);
        let expected = "{\n  \"type\": \"bundle\",\n  \"id\": \"bundle--0\",\n  \"objects\": [\n    {\n      \"type\": \"identity\",\n      \"id\": \"identity--1\",\n      \"name\": \"Ünïcode — ok\",\n      \"empty\": []\n    }\n  ]\n}\n";
        assert_eq!(text, expected);
        let parsed: Value = serde_json::from_str(&text).expect("valid JSON");
        assert!(parsed.get("spec_version").is_none());
    }

    #[test]
    fn empty_bundle() {
        assert_eq!(
            write_bundle("bundle--0", &[]),
            "{\n  \"type\": \"bundle\",\n  \"id\": \"bundle--0\",\n  \"objects\": []\n}\n"
        );
    }
}
