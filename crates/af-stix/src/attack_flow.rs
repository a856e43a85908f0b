//! The Attack Flow 2.0 STIX extension: its id, the published extension-definition object and
//! its creator identity, and the marker every Attack Flow object carries.
//!
//! The two objects are copied verbatim from the Attack Flow project's
//! `stix/attack-flow-extension-2.0.0.json` (Apache-2.0) into `data/`.

use serde_json::{json, Map, Value};

/// The id of the Attack Flow 2.0 extension definition.
pub const EXTENSION_ID: &str = "extension-definition--fb9c968a-745b-4ade-9b25-c324172197f4";

/// The id of the identity that created the extension definition (MITRE Center for
/// Threat-Informed Defense), as published.
pub const EXTENSION_CREATOR_ID: &str = "identity--d673f8cb-c168-42da-8ed4-0cb26725f86c";

/// The five object types the extension adds.
pub const TYPES: &[&str] = &[
    "attack-flow",
    "attack-action",
    "attack-condition",
    "attack-operator",
    "attack-asset",
];

const EXTENSION_DEFINITION_JSON: &str = include_str!("../data/attack-flow-extension-definition.json");
const EXTENSION_CREATOR_JSON: &str = include_str!("../data/attack-flow-extension-creator.json");

fn embedded(text: &str) -> Value {
    // The embedded files are part of the crate and checked by the tests below.
    serde_json::from_str(text).expect("embedded Attack Flow JSON is valid")
}

/// The published `extension-definition` object of Attack Flow 2.0.
pub fn extension_definition() -> Value {
    embedded(EXTENSION_DEFINITION_JSON)
}

/// The published `identity` object that created the extension definition.
pub fn extension_creator() -> Value {
    embedded(EXTENSION_CREATOR_JSON)
}

/// The `extensions` value every Attack Flow object carries:
/// `{"extension-definition--fb9c…": {"extension_type": "new-sdo"}}`.
pub fn extension_marker() -> Value {
    let mut marker = Map::new();
    marker.insert(EXTENSION_ID.to_string(), json!({"extension_type": "new-sdo"}));
    Value::Object(marker)
}

/// The [`extension_marker`] as one shared value, for objects that borrow it
/// ([`crate::Object::insert_shared`]).
pub fn shared_extension_marker() -> &'static Value {
    static MARKER: std::sync::LazyLock<Value> = std::sync::LazyLock::new(extension_marker);
    &MARKER
}

/// Whether `t` is one of the five Attack Flow object types.
pub fn is_attack_flow_type(t: &str) -> bool {
    TYPES.contains(&t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_objects_have_the_published_ids() {
        let def = extension_definition();
        assert_eq!(def["type"], "extension-definition");
        assert_eq!(def["id"], EXTENSION_ID);
        assert_eq!(def["created_by_ref"], EXTENSION_CREATOR_ID);
        assert_eq!(def["extension_types"], json!(["new-sdo"]));
        assert_eq!(def["version"], "2.0.0");
        let creator = extension_creator();
        assert_eq!(creator["type"], "identity");
        assert_eq!(creator["id"], EXTENSION_CREATOR_ID);
    }

    #[test]
    fn marker_names_the_extension() {
        let marker = extension_marker();
        assert_eq!(marker[EXTENSION_ID]["extension_type"], "new-sdo");
        assert_eq!(marker.as_object().map(Map::len), Some(1));
    }

    #[test]
    fn attack_flow_types() {
        for t in TYPES {
            assert!(is_attack_flow_type(t));
            assert_eq!(
                crate::types::type_info(t).map(|i| i.category),
                Some(crate::types::Category::AttackFlow)
            );
        }
        assert!(!is_attack_flow_type("attack-pattern"));
        assert!(!is_attack_flow_type("x-attack-flow"));
    }
}
