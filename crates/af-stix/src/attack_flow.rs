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

/// The id the Attack Flow Builder (3.x) gives the creator of the extension definition in its
/// STIX export: the extension's own UUID, not the published [`EXTENSION_CREATOR_ID`].
pub const BUILDER_EXTENSION_CREATOR_ID: &str = "identity--fb9c968a-745b-4ade-9b25-c324172197f4";

/// Which copy of the extension-definition and its creator identity a bundle carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum ExtensionCopy {
    /// As published with the Attack Flow 2.0.0 schema (creator [`EXTENSION_CREATOR_ID`]).
    #[default]
    Published,
    /// As the Attack Flow Builder exports it: the same objects, but the creator identity has
    /// the id [`BUILDER_EXTENSION_CREATOR_ID`].
    Builder,
}

impl ExtensionCopy {
    /// Every copy, with the word the flow language uses for it (`extension: builder`).
    pub const ALL: [(&'static str, ExtensionCopy); 2] = [
        ("published", ExtensionCopy::Published),
        ("builder", ExtensionCopy::Builder),
    ];

    /// The copy a word names.
    pub fn from_word(word: &str) -> Option<ExtensionCopy> {
        Self::ALL.iter().find(|(w, _)| *w == word).map(|(_, c)| *c)
    }

    /// The word for this copy.
    pub fn word(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, c)| *c == self)
            .map_or("published", |(w, _)| w)
    }

    /// The id of this copy's creator identity.
    pub fn creator_id(self) -> &'static str {
        match self {
            ExtensionCopy::Published => EXTENSION_CREATOR_ID,
            ExtensionCopy::Builder => BUILDER_EXTENSION_CREATOR_ID,
        }
    }

    /// The extension-definition and its creator identity, as this copy has them.
    pub fn objects(self) -> [Value; 2] {
        let (mut def, mut creator) = (extension_definition(), extension_creator());
        let id = Value::String(self.creator_id().to_string());
        def["created_by_ref"] = id.clone();
        creator["id"] = id.clone();
        creator["created_by_ref"] = id;
        [def, creator]
    }
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
    fn the_builder_copy_differs_only_in_the_creator_id() {
        let [def, creator] = ExtensionCopy::Published.objects();
        assert_eq!(def, extension_definition());
        assert_eq!(creator, extension_creator());
        let [def, creator] = ExtensionCopy::Builder.objects();
        assert_eq!(def["created_by_ref"], BUILDER_EXTENSION_CREATOR_ID);
        assert_eq!(creator["id"], BUILDER_EXTENSION_CREATOR_ID);
        assert_eq!(creator["created_by_ref"], BUILDER_EXTENSION_CREATOR_ID);
        assert_eq!(creator["name"], extension_creator()["name"]);
        for (word, copy) in ExtensionCopy::ALL {
            assert_eq!(ExtensionCopy::from_word(word), Some(copy));
            assert_eq!(copy.word(), word);
        }
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
