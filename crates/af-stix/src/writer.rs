//! Writing STIX objects and bundles with one fixed key order, so that compiled files diff
//! cleanly.
//!
//! Top-level keys of an object come in this order: the head keys `type`, `spec_version`, `id`,
//! `created_by_ref`, `created`, `modified`, `name`, `description` (those present); then every
//! other key in alphabetical (byte) order; then the tail keys `external_references`,
//! `object_marking_refs`, `granular_markings`, `extensions` (those present). Nested maps keep
//! the order they have.

use crate::object::{Object, Prop};
use serde_json::Value;

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

/// Where a top-level key goes: head keys first in their order, then the others in byte order,
/// then the tail keys in their order.
fn rank(key: &str) -> (u8, usize) {
    if let Some(i) = HEAD_KEYS.iter().position(|k| *k == key) {
        return (0, i);
    }
    if let Some(i) = TAIL_KEYS.iter().position(|k| *k == key) {
        return (2, i);
    }
    (1, 0)
}

/// The entries of `obj` in the fixed order (see the module documentation), each with its rank,
/// into `entries` (a buffer the caller reuses from object to object).
fn ordered<'o>(obj: &'o Object, entries: &mut Vec<(u8, usize, &'o str, &'o Prop)>) {
    entries.clear();
    entries.extend(obj.iter().map(|(k, v)| {
        let (group, i) = rank(k);
        (group, i, k, v)
    }));
    entries.sort_unstable_by(|a, b| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)));
}

/// Writes a bundle `{"type": "bundle", "id": …, "objects": […]}` (no `spec_version`) with every
/// object in canonical key order, pretty-printed with two-space indentation, non-ASCII text
/// written as UTF-8, and a trailing newline.
///
/// The text is exactly what `serde_json`'s pretty printer gives for the same values (a test
/// below holds the two together); writing it directly avoids the serializer's per-value
/// overhead, which matters for flows with tens of thousands of objects.
pub fn write_bundle(bundle_id: &str, objects: &[Object]) -> String {
    // Room for a typical object (an action is about 750 bytes), so that the text is rarely
    // copied as it grows; pages never written cost nothing.
    let mut out = String::with_capacity(64 + objects.len() * 1024);
    let mut entries = Vec::new();
    // The text of each shared value (the extension marker most objects carry), written once.
    let mut shared: Vec<(*const Value, String)> = Vec::new();
    out.push_str("{\n  \"type\": \"bundle\",\n  \"id\": ");
    write_str(&mut out, bundle_id);
    out.push_str(",\n  \"objects\": [");
    for (i, obj) in objects.iter().enumerate() {
        out.push_str(if i == 0 { "\n    " } else { ",\n    " });
        ordered(obj, &mut entries);
        out.push('{');
        for (i, (_, _, k, v)) in entries.iter().enumerate() {
            out.push_str(if i == 0 { "\n      " } else { ",\n      " });
            write_str(&mut out, k);
            out.push_str(": ");
            match v {
                Prop::Shared(value) => {
                    let at = std::ptr::from_ref(*value);
                    match shared.iter().find(|(p, _)| *p == at) {
                        Some((_, text)) => out.push_str(text),
                        None => {
                            let mut text = String::new();
                            write_value(&mut text, value, 3);
                            out.push_str(&text);
                            shared.push((at, text));
                        }
                    }
                }
                _ => write_prop(&mut out, v, 3),
            }
        }
        out.push_str(if entries.is_empty() { "}" } else { "\n    }" });
    }
    if !objects.is_empty() {
        out.push_str("\n  ");
    }
    out.push_str("]\n}\n");
    out
}

/// Writes a property value pretty-printed at nesting `level`.
fn write_prop(out: &mut String, prop: &Prop, level: usize) {
    match prop {
        Prop::Str(s) => write_str(out, s),
        Prop::Strs(items) if items.is_empty() => out.push_str("[]"),
        Prop::Strs(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                indent(out, level + 1);
                write_str(out, item);
            }
            out.push('\n');
            indent(out, level);
            out.push(']');
        }
        Prop::Num(n) => write_number(out, n),
        Prop::Shared(v) => write_value(out, v, level),
        Prop::Json(v) => write_value(out, v, level),
    }
}

/// Writes `value` pretty-printed, as if it started at nesting `level` (two spaces each).
fn write_value(out: &mut String, value: &Value, level: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => write_str(out, s),
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                indent(out, level + 1);
                write_value(out, item, level + 1);
            }
            out.push('\n');
            indent(out, level);
            out.push(']');
        }
        Value::Object(map) => write_entries(out, map.iter().map(|(k, v)| (k.as_str(), v)), level),
    }
}

/// Writes a number as `serde_json` does (its `Display` is the serializer's text).
fn write_number(out: &mut String, n: &serde_json::Number) {
    use std::fmt::Write;
    // Writing into a String cannot fail.
    let _ = write!(out, "{n}");
}

/// Writes `{ "key": value, … }` pretty-printed at nesting `level`.
fn write_entries<'v>(
    out: &mut String,
    entries: impl ExactSizeIterator<Item = (&'v str, &'v Value)>,
    level: usize,
) {
    if entries.len() == 0 {
        out.push_str("{}");
        return;
    }
    out.push('{');
    for (i, (k, v)) in entries.enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        indent(out, level + 1);
        write_str(out, k);
        out.push_str(": ");
        write_value(out, v, level + 1);
    }
    out.push('\n');
    indent(out, level);
    out.push('}');
}

fn indent(out: &mut String, level: usize) {
    const SPACES: &str = "                                                                ";
    let mut n = level * 2;
    while n > 0 {
        let step = n.min(SPACES.len());
        out.push_str(&SPACES[..step]);
        n -= step;
    }
}

/// Whether any byte needs an escape. Most text needs none; the test runs over blocks of 32
/// bytes without early exits inside a block, which the compiler turns into vector code.
fn needs_escape(bytes: &[u8]) -> bool {
    let special = |b: u8| (b < 0x20) | (b == b'"') | (b == b'\\');
    let mut blocks = bytes.chunks_exact(32);
    for block in &mut blocks {
        if block.iter().fold(false, |any, &b| any | special(b)) {
            return true;
        }
    }
    blocks.remainder().iter().fold(false, |any, &b| any | special(b))
}

/// `s` as a JSON string literal, quotes included, written as the canonical writer writes
/// strings (for a fix that puts a string into a bundle's text).
pub fn string_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    write_str(&mut out, s);
    out
}

/// Writes a JSON string literal: `"` and `\\` escaped, control characters as `\n`-style
/// escapes where JSON has one and `\u00xx` otherwise, everything else as it is.
fn write_str(out: &mut String, s: &str) {
    out.push('"');
    let bytes = s.as_bytes();
    if !needs_escape(bytes) {
        out.push_str(s);
        out.push('"');
        return;
    }
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        // Control and quote bytes are ASCII, so `i` is on a character boundary.
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The block test answers as a byte-by-byte one: every byte value at every position of
    /// strings of every length up to 40, among bytes that need no escape.
    #[test]
    fn needs_escape_is_exact() {
        let special = |b: &u8| *b < 0x20 || *b == b'"' || *b == b'\\';
        for len in 0..40 {
            for at in 0..len {
                for value in 0..=255u8 {
                    let mut bytes: Vec<u8> = (0..len).map(|i| b"aZ9 ~\x7f\xc3\xa9"[i % 8]).collect();
                    bytes[at] = value;
                    assert_eq!(needs_escape(&bytes), bytes.iter().any(special), "{bytes:?}");
                }
            }
            let clean: Vec<u8> = (0..len).map(|i| b"aZ9 ~\x7f\xc3\xa9"[i % 8]).collect();
            assert!(!needs_escape(&clean));
        }
    }

    fn map(v: Value) -> Object {
        match v {
            Value::Object(m) => Object::from(m),
            _ => Object::new(),
        }
    }

    /// The keys in the order they are written.
    fn keys(m: &Object) -> Vec<&str> {
        let mut entries = Vec::new();
        ordered(m, &mut entries);
        entries.into_iter().map(|(_, _, k, _)| k).collect()
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
        assert_eq!(
            keys(&obj),
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
        let text = write_bundle("bundle--0", &[obj]);
        assert!(text.find("\"b\": 1") < text.find("\"a\": 2"), "{text}");
    }

    #[test]
    fn missing_keys_are_skipped_and_insertion_order_does_not_matter() {
        let obj = map(json!({"value": "1.2.3.4", "id": "ipv4-addr--1", "type": "ipv4-addr"}));
        assert_eq!(keys(&obj), ["type", "id", "value"]);
        // Insertion order does not matter.
        let again = map(json!({"type": "ipv4-addr", "value": "1.2.3.4", "id": "ipv4-addr--1"}));
        assert_eq!(keys(&again), keys(&obj));
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

    /// The direct writer gives exactly `serde_json`'s pretty text.
    #[test]
    fn same_text_as_serde_json() {
        let controls: String = (0u8..0x20).map(char::from).collect();
        let obj = map(json!({
            "type": "x-test",
            "id": "x-test--1",
            "text": format!("quote \" backslash \\ {controls} \u{7f} é — 😀 </script>"),
            "n": [0, -1, 1.5, 1e300, -2.25e-10, u64::MAX, i64::MIN],
            "b": [true, false, null],
            "empty_list": [],
            "empty_map": {},
            "nested": {"list": [{"a": [[], {}]}, [1, [2]]], "z": {"y": "x"}},
            "refs": ["a--1", "b\"2"],
            "one_ref": ["a--1"],
            "confidence": 85,
            "score": -0.125,
        }));
        let mut entries = Vec::new();
        ordered(&obj, &mut entries);
        let ordered_map: serde_json::Map<String, Value> = entries
            .into_iter()
            .map(|(_, _, k, v)| (k.to_string(), v.to_value()))
            .collect();
        let expected = serde_json::to_string_pretty(&json!({
            "type": "bundle",
            "id": "bundle--0",
            "objects": [ordered_map.clone(), ordered_map],
        }))
        .expect("serializable")
            + "\n";
        assert_eq!(write_bundle("bundle--0", &[obj.clone(), obj]), expected);
    }

    #[test]
    fn empty_bundle() {
        assert_eq!(
            write_bundle("bundle--0", &[]),
            "{\n  \"type\": \"bundle\",\n  \"id\": \"bundle--0\",\n  \"objects\": []\n}\n"
        );
    }
}
