//! [`Object`]: one STIX object's top-level properties, kept small and cheap to build.
//!
//! A STIX object has a dozen or so top-level keys, almost all of them known in advance (from the
//! type table or the specification). An `Object` stores them as a short vector of
//! `(key, value)` pairs in insertion order with keys that borrow `'static` names when they can,
//! so building one allocates no key strings and looking a key up is a short scan rather than a
//! hash. Values are [`Prop`]s: strings and lists of strings (most of what the compiler
//! writes) are kept as [`SmolStr`]s, which store short text inline and share long text (an id
//! that many refs repeat) by reference count; values every object shares (`spec_version`, the
//! Attack Flow extension marker) are borrowed from a `'static`; anything else is a JSON value.
//! Convert with [`Object::into_map`] or [`Object::to_map`] where a `serde_json::Map` is needed.

use serde_json::{Map, Value};
pub use smol_str::SmolStr;
use std::borrow::Cow;
use std::sync::LazyLock;

/// The `spec_version` value STIX 2.1 objects carry, to share with [`Object::insert_shared`].
pub fn spec_version() -> &'static Value {
    static SPEC: LazyLock<Value> = LazyLock::new(|| Value::from("2.1"));
    &SPEC
}

/// The `type` value of a type in the table ([`crate::types`]), to share with
/// [`Object::insert_shared`]; `None` for types the table does not have (custom `x-` types).
pub fn type_value(name: &str) -> Option<&'static Value> {
    static NAMES: LazyLock<Vec<Value>> = LazyLock::new(|| {
        crate::types::all_types()
            .iter()
            .map(|t| Value::from(t.name))
            .collect()
    });
    NAMES.get(crate::types::type_position(name)?)
}

/// A property name: borrowed for the names STIX and Attack Flow define, owned for the rest.
pub type Key = Cow<'static, str>;

/// A property value.
#[derive(Debug, Clone)]
pub enum Prop {
    /// A string.
    Str(SmolStr),
    /// A list of strings (refs, labels, aliases).
    Strs(Vec<SmolStr>),
    /// A number.
    Num(serde_json::Number),
    /// A value many objects share.
    Shared(&'static Value),
    /// Any other JSON value.
    Json(Box<Value>),
}

impl Prop {
    /// The text of a string value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Prop::Str(s) => Some(s),
            Prop::Strs(_) | Prop::Num(_) => None,
            Prop::Shared(v) => v.as_str(),
            Prop::Json(v) => v.as_str(),
        }
    }

    /// The value as JSON.
    pub fn to_value(&self) -> Value {
        match self {
            Prop::Str(s) => Value::String(s.to_string()),
            Prop::Strs(items) => Value::Array(items.iter().map(|s| Value::String(s.to_string())).collect()),
            Prop::Num(n) => Value::Number(n.clone()),
            Prop::Shared(v) => (*v).clone(),
            Prop::Json(v) => v.as_ref().clone(),
        }
    }

    /// The value as JSON, consuming it.
    pub fn into_value(self) -> Value {
        match self {
            Prop::Json(v) => *v,
            other => other.to_value(),
        }
    }
}

impl PartialEq<Value> for Prop {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Prop::Str(s), Value::String(o)) => s == o,
            (Prop::Str(_), _) => false,
            (Prop::Strs(items), Value::Array(o)) => {
                items.len() == o.len() && items.iter().zip(o).all(|(a, b)| b.as_str() == Some(a.as_str()))
            }
            (Prop::Strs(_), _) => false,
            (Prop::Num(n), o) => o.as_number() == Some(n),
            (Prop::Shared(v), o) => *v == o,
            (Prop::Json(v), o) => v.as_ref() == o,
        }
    }
}

impl PartialEq for Prop {
    fn eq(&self, other: &Prop) -> bool {
        match other {
            Prop::Shared(v) => self == *v,
            Prop::Json(v) => self == v.as_ref(),
            _ => *self == other.to_value(),
        }
    }
}

impl From<&str> for Prop {
    fn from(s: &str) -> Self {
        Prop::Str(SmolStr::new(s))
    }
}

impl From<String> for Prop {
    fn from(s: String) -> Self {
        Prop::Str(SmolStr::from(s))
    }
}

impl From<SmolStr> for Prop {
    fn from(s: SmolStr) -> Self {
        Prop::Str(s)
    }
}

impl From<Vec<SmolStr>> for Prop {
    fn from(items: Vec<SmolStr>) -> Self {
        Prop::Strs(items)
    }
}

impl From<Value> for Prop {
    /// Strings and non-empty lists of strings become [`Prop::Str`] and [`Prop::Strs`].
    fn from(v: Value) -> Self {
        match v {
            Value::String(s) => Prop::Str(SmolStr::from(s)),
            Value::Number(n) => Prop::Num(n),
            Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_string) => Prop::Strs(
                items
                    .into_iter()
                    .map(|i| match i {
                        Value::String(s) => SmolStr::from(s),
                        _ => SmolStr::default(),
                    })
                    .collect(),
            ),
            other => Prop::Json(Box::new(other)),
        }
    }
}

impl serde::Serialize for Prop {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Prop::Str(s) => serializer.serialize_str(s),
            Prop::Strs(items) => serializer.collect_seq(items.iter().map(SmolStr::as_str)),
            Prop::Num(n) => n.serialize(serializer),
            Prop::Shared(v) => v.serialize(serializer),
            Prop::Json(v) => v.serialize(serializer),
        }
    }
}

/// The top-level properties of one STIX object, in insertion order. Keys are unique.
#[derive(Debug, Clone, Default)]
pub struct Object {
    entries: Vec<(Key, Prop)>,
    /// A filter of the keys present, one [`key_bit`] per key: each of the [`COMMON_KEYS`] has
    /// a bit of its own, other keys share the other 40 by a cheap hash. Asking for an absent
    /// key (does the action have `effect_refs` yet? `execution_end`?) then mostly needs no
    /// look at the entries, which matters when the compiler revisits thousands of objects.
    present: u64,
    /// For objects with many properties (custom ones by the thousand), the position of each
    /// key, so that building them stays linear; built once an object outgrows [`INDEX_FROM`].
    /// Boxed so that the many small objects stay one pointer bigger, not a whole map.
    #[allow(clippy::box_collection)]
    index: Option<Box<std::collections::HashMap<String, usize>>>,
}

/// How many properties an object has before its keys are indexed.
const INDEX_FROM: usize = 32;

impl PartialEq for Object {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
    }
}

/// Keys that many objects have or are asked about; each has a bit in [`Object::common`],
/// given by [`common_bit`] (the test holds the two together).
#[cfg(test)]
const COMMON_KEYS: [&str; 24] = [
    "type",
    "spec_version",
    "id",
    "created_by_ref",
    "created",
    "modified",
    "name",
    "description",
    "extensions",
    "object_marking_refs",
    "external_references",
    "effect_refs",
    "on_true_refs",
    "on_false_refs",
    "start_refs",
    "technique_id",
    "technique_ref",
    "tactic_id",
    "tactic_ref",
    "confidence",
    "scope",
    "operator",
    "relationship_type",
    "asset_refs",
];

/// The bit of a common key (a `match`, which compiles to a few length and byte tests).
fn common_bit(key: &str) -> Option<u64> {
    let i = match key {
        "type" => 0,
        "spec_version" => 1,
        "id" => 2,
        "created_by_ref" => 3,
        "created" => 4,
        "modified" => 5,
        "name" => 6,
        "description" => 7,
        "extensions" => 8,
        "object_marking_refs" => 9,
        "external_references" => 10,
        "effect_refs" => 11,
        "on_true_refs" => 12,
        "on_false_refs" => 13,
        "start_refs" => 14,
        "technique_id" => 15,
        "technique_ref" => 16,
        "tactic_id" => 17,
        "tactic_ref" => 18,
        "confidence" => 19,
        "scope" => 20,
        "operator" => 21,
        "relationship_type" => 22,
        "asset_refs" => 23,
        _ => return None,
    };
    Some(1 << i)
}

/// The bit of `key` in [`Object::present`]: its own for a common key; for any other key one
/// of the 40 bits above the common ones, by a cheap hash (so a set bit means "maybe").
fn key_bit(key: &str) -> u64 {
    if let Some(bit) = common_bit(key) {
        return bit;
    }
    let b = key.as_bytes();
    let byte = |i: usize| b.get(i).map_or(0, |&c| usize::from(c));
    let hash = b.len().wrapping_mul(7) + byte(0) * 3 + byte(b.len() / 2) * 5 + byte(b.len().wrapping_sub(1));
    1 << (24 + hash % 40)
}

impl Object {
    /// An empty object.
    pub fn new() -> Self {
        Object {
            entries: Vec::new(),
            present: 0,
            index: None,
        }
    }

    /// An empty object with room for `n` properties.
    pub fn with_capacity(n: usize) -> Self {
        Object {
            entries: Vec::with_capacity(n),
            present: 0,
            index: None,
        }
    }

    fn position(&self, key: &str) -> Option<usize> {
        self.position_with(key, key_bit(key))
    }

    /// [`Object::position`] with the key's [`key_bit`] already worked out.
    fn position_with(&self, key: &str, bit: u64) -> Option<usize> {
        if self.present & bit == 0 {
            return None;
        }
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self.entries.iter().position(|(k, _)| k == key),
        }
    }

    /// Keeps the key index in step after the entries changed.
    fn reindex(&mut self) {
        if self.entries.len() <= INDEX_FROM {
            self.index = None;
            return;
        }
        let index = self.index.get_or_insert_with(Default::default);
        if index.len() + 1 == self.entries.len() {
            // One entry was pushed: add just that one.
            if let Some((k, _)) = self.entries.last() {
                index.insert(k.to_string(), self.entries.len() - 1);
                return;
            }
        }
        index.clear();
        for (i, (k, _)) in self.entries.iter().enumerate() {
            index.insert(k.to_string(), i);
        }
    }

    /// Sets `key` to `value`, keeping the key's place when it is already present, and returns
    /// the value it had.
    pub fn insert(&mut self, key: impl Into<Key>, value: impl Into<Prop>) -> Option<Prop> {
        let key = key.into();
        let value = value.into();
        let bit = key_bit(&key);
        match self.position_with(&key, bit) {
            Some(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            None => {
                self.push_new(key, value, bit);
                None
            }
        }
    }

    /// Adds a key known to be absent.
    fn push_new(&mut self, key: Key, value: Prop, bit: u64) {
        self.present |= bit;
        self.entries.push((key, value));
        self.reindex();
    }

    /// Sets `key` to a value shared by many objects, without copying it (see [`Object::insert`]).
    pub fn insert_shared(&mut self, key: impl Into<Key>, value: &'static Value) -> Option<Prop> {
        self.insert(key, Prop::Shared(value))
    }

    /// Appends `item` to the list of strings under `key`, creating the list when the key is
    /// absent. Returns false, changing nothing, when the list already holds `item` or the
    /// value under `key` is not a list.
    pub fn push_str(&mut self, key: impl Into<Key>, item: SmolStr) -> bool {
        let key = key.into();
        let holds = |prop: &Prop| match prop {
            Prop::Strs(items) => items.contains(&item),
            Prop::Json(v) => {
                matches!(v.as_ref(), Value::Array(items) if items.iter().any(|v| v.as_str() == Some(&item)))
            }
            Prop::Shared(Value::Array(items)) => items.iter().any(|v| v.as_str() == Some(&item)),
            _ => false,
        };
        if self.get(&key).is_some_and(holds) {
            return false;
        }
        self.append_str(key, item)
    }

    /// Appends `item` to the list of strings under `key` (creating the list when the key is
    /// absent) without looking for it in the list first: for callers that know it is new.
    /// Returns false, changing nothing, when the value under `key` is not a list.
    pub fn append_str(&mut self, key: impl Into<Key>, item: SmolStr) -> bool {
        let key = key.into();
        let bit = key_bit(&key);
        let Some(i) = self.position_with(&key, bit) else {
            self.push_new(key, Prop::Strs(vec![item]), bit);
            return true;
        };
        match &mut self.entries[i].1 {
            Prop::Strs(items) => {
                items.push(item);
                true
            }
            Prop::Json(v) => match v.as_mut() {
                Value::Array(items) => {
                    items.push(Value::String(item.to_string()));
                    true
                }
                _ => false,
            },
            Prop::Shared(Value::Array(items)) => {
                let mut items = items.clone();
                items.push(Value::String(item.to_string()));
                self.entries[i].1 = Prop::Json(Box::new(Value::Array(items)));
                true
            }
            _ => false,
        }
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Prop> {
        let i = self.position(key)?;
        Some(&self.entries[i].1)
    }

    /// The value of `key` as JSON (a copy).
    pub fn get_value(&self, key: &str) -> Option<Value> {
        self.get(key).map(Prop::to_value)
    }

    /// The text of a string value.
    pub fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Prop::as_str)
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Removes `key`, keeping the order of the others, and returns its value.
    pub fn remove(&mut self, key: &str) -> Option<Prop> {
        let i = self.position(key)?;
        let (_, value) = self.entries.remove(i);
        // Other keys may share the bit: work the filter out again.
        self.present = self.entries.iter().fold(0, |bits, (k, _)| bits | key_bit(k));
        self.reindex();
        Some(value)
    }

    /// The properties in insertion order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &Prop)> + '_ {
        self.entries.iter().map(|(k, v)| (k.as_ref(), v))
    }

    /// The values in insertion order, to change in place (keys stay as they are).
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Prop> + '_ {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// The keys in insertion order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.entries.iter().map(|(k, _)| k.as_ref())
    }

    /// The number of properties.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the object has no properties.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The object as a JSON map, in insertion order.
    pub fn into_map(self) -> Map<String, Value> {
        self.entries
            .into_iter()
            .map(|(k, v)| (k.into_owned(), v.into_value()))
            .collect()
    }

    /// A copy of the object as a JSON map, in insertion order.
    pub fn to_map(&self) -> Map<String, Value> {
        self.entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_value()))
            .collect()
    }
}

impl From<Map<String, Value>> for Object {
    fn from(map: Map<String, Value>) -> Self {
        let mut obj = Object::with_capacity(map.len());
        for (k, v) in map {
            obj.insert(k, v);
        }
        obj
    }
}

impl From<Object> for Value {
    fn from(obj: Object) -> Self {
        Value::Object(obj.into_map())
    }
}

impl serde::Serialize for Object {
    /// Serializes in insertion order; [`crate::writer`] writes the canonical order.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (k, v) in &self.entries {
            map.serialize_entry(k.as_ref(), v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn insert_replaces_in_place_and_remove_keeps_order() {
        let mut o = Object::new();
        o.insert("type", "x");
        o.insert("id", "x--1");
        o.insert(String::from("x_custom"), json!(1));
        assert_eq!(o.insert("type", "y"), Some(Prop::from("x")));
        assert_eq!(o.keys().collect::<Vec<_>>(), ["type", "id", "x_custom"]);
        assert_eq!(o.get_str("type"), Some("y"));
        assert!(o.get("missing").is_none());
        assert_eq!(o.remove("id"), Some(Prop::from("x--1")));
        assert_eq!(o.keys().collect::<Vec<_>>(), ["type", "x_custom"]);
        assert!(o.remove("id").is_none());
        assert_eq!(o.get_value("x_custom"), Some(json!(1)));
        static SHARED: Value = Value::Bool(true);
        o.insert_shared("shared", &SHARED);
        assert_eq!(o.get_value("shared"), Some(json!(true)));
        assert_eq!(o.len(), 3);
    }

    #[test]
    fn string_lists_grow_without_repeats() {
        let mut o = Object::new();
        assert!(o.push_str("effect_refs", SmolStr::new("a")));
        assert!(o.push_str("effect_refs", SmolStr::new("b")));
        assert!(!o.push_str("effect_refs", SmolStr::new("a")));
        assert_eq!(o.get_value("effect_refs"), Some(json!(["a", "b"])));
        // A list given as JSON grows the same way.
        o.insert("labels", json!(["x", 1]));
        assert!(o.push_str("labels", SmolStr::new("y")));
        assert!(!o.push_str("labels", SmolStr::new("x")));
        assert_eq!(o.get_value("labels"), Some(json!(["x", 1, "y"])));
        // Appending does not look for repeats.
        assert!(o.append_str("labels", SmolStr::new("x")));
        assert_eq!(o.get_value("labels"), Some(json!(["x", 1, "y", "x"])));
        // Not a list: nothing changes.
        o.insert("name", "n");
        assert!(!o.push_str("name", SmolStr::new("m")));
        assert!(!o.append_str("name", SmolStr::new("m")));
        assert_eq!(o.get_str("name"), Some("n"));
    }

    #[test]
    fn props_convert_and_compare_as_json() {
        for v in [
            json!("text"),
            json!(["a", "b"]),
            json!([]),
            json!(["a", 1]),
            json!({"k": "v"}),
            json!(1.5),
            json!(-7),
            json!(u64::MAX),
            json!(null),
        ] {
            let p = Prop::from(v.clone());
            assert_eq!(p, v);
            assert_eq!(p.to_value(), v);
            assert_eq!(serde_json::to_value(&p).ok(), Some(v.clone()));
            assert_eq!(p.clone().into_value(), v);
        }
        assert!(matches!(Prop::from(json!(["a"])), Prop::Strs(_)));
        assert!(matches!(Prop::from(json!(42)), Prop::Num(_)));
        assert_ne!(Prop::from(json!(42)), json!(43));
        assert_eq!(Prop::from("a"), Prop::Json(Box::new(json!("a"))));
        assert_ne!(Prop::from("a"), json!(["a"]));
    }

    #[test]
    fn common_keys_are_found_after_every_kind_of_change() {
        let mut o = Object::new();
        assert!(!o.contains_key("effect_refs"));
        o.push_str("effect_refs", SmolStr::new("a"));
        assert!(o.contains_key("effect_refs"));
        o.insert("name", "n");
        o.insert(String::from("description"), "d");
        assert_eq!(o.get_str("description"), Some("d"));
        assert_eq!(o.remove("name"), Some(Prop::from("n")));
        assert!(!o.contains_key("name"));
        assert!(o.get("name").is_none());
        o.insert("name", "again");
        assert_eq!(
            o.keys().collect::<Vec<_>>(),
            ["effect_refs", "description", "name"]
        );
        let from_map = Object::from(o.to_map());
        assert!(from_map.contains_key("effect_refs") && from_map.contains_key("name"));
        assert_eq!(from_map, o);
        for (i, k) in COMMON_KEYS.iter().enumerate() {
            assert_eq!(common_bit(k), Some(1 << i), "{k}");
        }
        assert_eq!(common_bit("x_custom"), None);
    }

    /// Keys that share a filter bit are all found, and removing one keeps the others.
    #[test]
    fn keys_that_share_a_filter_bit_are_found() {
        let keys: Vec<String> = (0..200).map(|i| format!("x_key_{i}")).collect();
        let mut o = Object::new();
        for k in keys.iter().step_by(2) {
            o.insert(k.clone(), "v");
        }
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(o.contains_key(k), i % 2 == 0, "{k}");
        }
        for k in keys.iter().step_by(4) {
            assert!(o.remove(k).is_some(), "{k}");
        }
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(o.contains_key(k), i % 4 == 2, "{k}");
        }
        let mut small = Object::new();
        small.insert("execution_start", "a");
        assert!(small.get("execution_end").is_none());
        assert_eq!(small.get_str("execution_start"), Some("a"));
    }

    #[test]
    fn objects_with_many_keys_stay_consistent() {
        let mut o = Object::new();
        for i in 0..100 {
            o.insert(format!("x_{i}"), json!(i));
        }
        o.insert("x_5", json!("again"));
        assert_eq!(o.len(), 100);
        assert_eq!(o.get_value("x_5"), Some(json!("again")));
        assert_eq!(o.remove("x_10"), Some(Prop::from(json!(10))));
        assert!(o.get("x_10").is_none());
        assert_eq!(o.get_value("x_99"), Some(json!(99)));
        assert_eq!(o.keys().nth(10), Some("x_11"));
        while o.len() > 3 {
            let k = o.keys().next().map(str::to_string).unwrap_or_default();
            o.remove(&k);
        }
        assert_eq!(o.keys().collect::<Vec<_>>(), ["x_97", "x_98", "x_99"]);
        assert_eq!(o.get_value("x_98"), Some(json!(98)));
    }

    #[test]
    fn shared_values() {
        assert_eq!(spec_version(), "2.1");
        assert_eq!(
            type_value("attack-action").map(|v| v.as_str()),
            Some(Some("attack-action"))
        );
        assert_eq!(
            type_value("ipv4-addr").map(|v| v.as_str()),
            Some(Some("ipv4-addr"))
        );
        assert!(type_value("x-custom").is_none());
    }

    #[test]
    fn converts_to_and_from_maps() {
        let map = match json!({"type": "identity", "name": "n", "x": {"a": 1}, "l": ["a"]}) {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        let o = Object::from(map.clone());
        assert_eq!(o.to_map(), map);
        assert_eq!(serde_json::to_value(&o).ok(), Some(Value::Object(map.clone())));
        assert_eq!(o.into_map(), map);
    }
}
