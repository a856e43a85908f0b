//! [`Object`]: one STIX object's top-level properties, kept small and cheap to build.
//!
//! A STIX object has a dozen or so top-level keys, almost all of them known in advance (from the
//! type table or the specification). An `Object` stores them as a short vector of
//! `(key, value)` pairs in insertion order with keys that borrow `'static` names when they can,
//! so building one allocates no key strings and looking a key up is a short scan rather than a
//! hash. Values are ordinary JSON values; values every object shares (`spec_version`, the
//! Attack Flow extension marker) are borrowed from a `'static` instead of copied
//! ([`Object::insert_shared`]). Convert with [`Object::into_map`] or [`Object::to_map`] where a
//! `serde_json::Map` is needed.

use serde_json::{Map, Value};
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
    let i = crate::types::all_types().iter().position(|t| t.name == name)?;
    NAMES.get(i)
}

/// A property name: borrowed for the names STIX and Attack Flow define, owned for the rest.
pub type Key = Cow<'static, str>;

/// The top-level properties of one STIX object, in insertion order. Keys are unique.
#[derive(Debug, Clone, Default)]
pub struct Object {
    entries: Vec<(Key, Cow<'static, Value>)>,
    /// Which of the [`COMMON_KEYS`] are present: asking for an absent common key (does the
    /// action have `effect_refs` yet?) then needs no look at the entries, which matters when
    /// the compiler revisits thousands of objects built long before.
    common: u64,
}

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

impl Object {
    /// An empty object.
    pub fn new() -> Self {
        Object {
            entries: Vec::new(),
            common: 0,
        }
    }

    /// An empty object with room for `n` properties.
    pub fn with_capacity(n: usize) -> Self {
        Object {
            entries: Vec::with_capacity(n),
            common: 0,
        }
    }

    fn position(&self, key: &str) -> Option<usize> {
        if common_bit(key).is_some_and(|bit| self.common & bit == 0) {
            return None;
        }
        self.entries.iter().position(|(k, _)| k == key)
    }

    /// Sets `key` to `value`, keeping the key's place when it is already present, and returns
    /// the value it had.
    pub fn insert(&mut self, key: impl Into<Key>, value: impl Into<Value>) -> Option<Value> {
        self.put(key.into(), Cow::Owned(value.into()))
    }

    /// Sets `key` to a value shared by many objects, without copying it (see [`Object::insert`]).
    pub fn insert_shared(&mut self, key: impl Into<Key>, value: &'static Value) -> Option<Value> {
        self.put(key.into(), Cow::Borrowed(value))
    }

    fn put(&mut self, key: Key, value: Cow<'static, Value>) -> Option<Value> {
        match self.position(&key) {
            Some(i) => Some(std::mem::replace(&mut self.entries[i].1, value).into_owned()),
            None => {
                self.common |= common_bit(&key).unwrap_or(0);
                self.entries.push((key, value));
                None
            }
        }
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        let i = self.position(key)?;
        Some(self.entries[i].1.as_ref())
    }

    /// The value of `key`, to change it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        let i = self.position(key)?;
        Some(self.entries[i].1.to_mut())
    }

    /// The value of `key`, inserting `make()` first when the key is absent.
    pub fn get_or_insert_with(&mut self, key: impl Into<Key>, make: impl FnOnce() -> Value) -> &mut Value {
        let key = key.into();
        let i = match self.position(&key) {
            Some(i) => i,
            None => {
                self.common |= common_bit(&key).unwrap_or(0);
                self.entries.push((key, Cow::Owned(make())));
                self.entries.len() - 1
            }
        };
        self.entries[i].1.to_mut()
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Removes `key`, keeping the order of the others, and returns its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let i = self.position(key)?;
        self.common &= !common_bit(key).unwrap_or(0);
        Some(self.entries.remove(i).1.into_owned())
    }

    /// The properties in insertion order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &Value)> + '_ {
        self.entries.iter().map(|(k, v)| (k.as_ref(), v.as_ref()))
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
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    /// A copy of the object as a JSON map, in insertion order.
    pub fn to_map(&self) -> Map<String, Value> {
        self.entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone().into_owned()))
            .collect()
    }
}

impl From<Map<String, Value>> for Object {
    fn from(map: Map<String, Value>) -> Self {
        let mut obj = Object::with_capacity(map.len());
        for (k, v) in map {
            obj.put(Cow::Owned(k), Cow::Owned(v));
        }
        obj
    }
}

impl From<Object> for Value {
    fn from(obj: Object) -> Self {
        Value::Object(obj.into_map())
    }
}

impl std::ops::Index<&str> for Object {
    type Output = Value;

    /// The value of `key`, or `null` when it is absent (as `serde_json` indexes).
    fn index(&self, key: &str) -> &Value {
        static NULL: Value = Value::Null;
        self.get(key).unwrap_or(&NULL)
    }
}

impl serde::Serialize for Object {
    /// Serializes in insertion order; [`crate::writer`] writes the canonical order.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (k, v) in &self.entries {
            map.serialize_entry(k.as_ref(), v.as_ref())?;
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
        o.insert(String::from("x_custom"), 1);
        assert_eq!(o.insert("type", "y"), Some(json!("x")));
        assert_eq!(o.keys().collect::<Vec<_>>(), ["type", "id", "x_custom"]);
        assert_eq!(o["type"], "y");
        assert_eq!(o["missing"], Value::Null);
        assert_eq!(o.remove("id"), Some(json!("x--1")));
        assert_eq!(o.keys().collect::<Vec<_>>(), ["type", "x_custom"]);
        assert!(o.remove("id").is_none());
        o.get_or_insert_with("refs", || json!([]));
        if let Some(Value::Array(a)) = o.get_mut("refs") {
            a.push(json!("a"));
        }
        assert_eq!(*o.get_or_insert_with("refs", || json!([])), json!(["a"]));
        assert_eq!(o.len(), 3);
        static SHARED: Value = Value::Bool(true);
        o.insert_shared("shared", &SHARED);
        assert_eq!(o["shared"], true);
        *o.get_mut("shared").expect("present") = json!(false);
        assert_eq!(o["shared"], false);
        assert_eq!(SHARED, true);
    }

    #[test]
    fn common_keys_are_found_after_every_kind_of_change() {
        let mut o = Object::new();
        assert!(!o.contains_key("effect_refs"));
        o.get_or_insert_with("effect_refs", || json!([]));
        assert!(o.contains_key("effect_refs"));
        o.insert("name", "n");
        o.insert(String::from("description"), "d");
        assert_eq!(o["description"], "d");
        assert_eq!(o.remove("name"), Some(json!("n")));
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
        let map = match json!({"type": "identity", "name": "n", "x": {"a": 1}}) {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        let o = Object::from(map.clone());
        assert_eq!(o.to_map(), map);
        assert_eq!(serde_json::to_value(&o).ok(), Some(Value::Object(map.clone())));
        assert_eq!(o.into_map(), map);
    }
}
