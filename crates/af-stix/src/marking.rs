//! Traffic Light Protocol (TLP) marking definitions as STIX 2.1 objects.
//!
//! TLP 1.0 (`tlp-white`, `tlp-green`, `tlp-amber`, `tlp-red`): the four marking-definition
//! objects of the STIX 2.1 specification, section 7.2.1.4, with their well-known ids (the same
//! ids the STIX 2.1 `marking-definition.json` schema lists), `created` 2017-01-20,
//! `definition_type: "tlp"` and `definition: {"tlp": COLOR}`.
//!
//! TLP 2.0 (`tlp2-clear`, `tlp2-green`, `tlp2-amber`, `tlp2-amber-strict`, `tlp2-red`): the five
//! objects published by OASIS in `cti-stix-common-objects`
//! (`extension-definition-specifications/tlp-2.0/` and `objects/marking-definition/`). They
//! carry no `definition`; instead a property extension
//! (`extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d`) holds `tlp_2_0`. They were
//! created 2022-10-01. The ids and shape were checked against the published files.

use serde_json::{json, Value};

/// The id of the OASIS TLP 2.0 property extension used by the TLP 2.0 marking definitions.
pub const TLP2_EXTENSION_ID: &str = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

/// One well-known TLP marking definition.
struct Tlp {
    /// The name afc accepts (`tlp-green`, `tlp2-amber-strict`).
    key: &'static str,
    /// The marking-definition id.
    id: &'static str,
    /// The STIX `name` (`TLP:GREEN`).
    name: &'static str,
    /// The color as the definition spells it (`green`, `amber+strict`).
    color: &'static str,
    /// TLP 2.0 (property extension) rather than TLP 1.0 (`definition`).
    v2: bool,
}

const TLPS: &[Tlp] = &[
    Tlp {
        key: "tlp-white",
        id: "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
        name: "TLP:WHITE",
        color: "white",
        v2: false,
    },
    Tlp {
        key: "tlp-green",
        id: "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
        name: "TLP:GREEN",
        color: "green",
        v2: false,
    },
    Tlp {
        key: "tlp-amber",
        id: "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
        name: "TLP:AMBER",
        color: "amber",
        v2: false,
    },
    Tlp {
        key: "tlp-red",
        id: "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
        name: "TLP:RED",
        color: "red",
        v2: false,
    },
    Tlp {
        key: "tlp2-clear",
        id: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        name: "TLP:CLEAR",
        color: "clear",
        v2: true,
    },
    Tlp {
        key: "tlp2-green",
        id: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
        name: "TLP:GREEN",
        color: "green",
        v2: true,
    },
    Tlp {
        key: "tlp2-amber",
        id: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
        name: "TLP:AMBER",
        color: "amber",
        v2: true,
    },
    Tlp {
        key: "tlp2-amber-strict",
        id: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
        name: "TLP:AMBER+STRICT",
        color: "amber+strict",
        v2: true,
    },
    Tlp {
        key: "tlp2-red",
        id: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
        name: "TLP:RED",
        color: "red",
        v2: true,
    },
];

const TLP_NAMES: &[&str] = &[
    "tlp-white",
    "tlp-green",
    "tlp-amber",
    "tlp-red",
    "tlp2-clear",
    "tlp2-green",
    "tlp2-amber",
    "tlp2-amber-strict",
    "tlp2-red",
];

fn object(tlp: &Tlp) -> Value {
    if tlp.v2 {
        json!({
            "type": "marking-definition",
            "spec_version": "2.1",
            "id": tlp.id,
            "created": "2022-10-01T00:00:00.000Z",
            "name": tlp.name,
            "extensions": {
                TLP2_EXTENSION_ID: {
                    "extension_type": "property-extension",
                    "tlp_2_0": tlp.color,
                }
            }
        })
    } else {
        json!({
            "type": "marking-definition",
            "spec_version": "2.1",
            "id": tlp.id,
            "created": "2017-01-20T00:00:00.000Z",
            "definition_type": "tlp",
            "name": tlp.name,
            "definition": {"tlp": tlp.color},
        })
    }
}

/// The marking-definition object for a TLP name (`tlp-white`, `tlp-green`, `tlp-amber`,
/// `tlp-red` for TLP 1.0; `tlp2-clear`, `tlp2-green`, `tlp2-amber`, `tlp2-amber-strict`,
/// `tlp2-red` for TLP 2.0). Names are matched exactly (lower case).
pub fn tlp(name: &str) -> Option<Value> {
    TLPS.iter().find(|t| t.key == name).map(object)
}

/// The marking-definition id for a TLP name (see [`tlp`]).
pub fn tlp_id(name: &str) -> Option<&'static str> {
    TLPS.iter().find(|t| t.key == name).map(|t| t.id)
}

/// The TLP name afc uses for a well-known marking-definition id, if it is one.
pub fn tlp_name_for_id(id: &str) -> Option<&'static str> {
    TLPS.iter().find(|t| t.id == id).map(|t| t.key)
}

/// Every TLP name [`tlp`] accepts, TLP 1.0 first.
pub fn tlp_names() -> &'static [&'static str] {
    TLP_NAMES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_table_agree() {
        let keys: Vec<&str> = TLPS.iter().map(|t| t.key).collect();
        assert_eq!(keys, tlp_names());
        for name in tlp_names() {
            let obj = tlp(name).expect("every listed name resolves");
            assert_eq!(obj["type"], "marking-definition");
            assert_eq!(obj["spec_version"], "2.1");
            assert_eq!(obj["id"].as_str(), tlp_id(name));
            assert!(crate::id::is_valid_id(obj["id"].as_str().unwrap_or("")));
            assert_eq!(tlp_name_for_id(obj["id"].as_str().unwrap_or("")), Some(*name));
            assert!(crate::timestamp::is_stix_timestamp_millis(
                obj["created"].as_str().unwrap_or("")
            ));
        }
        let mut ids: Vec<&str> = TLPS.iter().map(|t| t.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), TLPS.len(), "ids are distinct");
    }

    #[test]
    fn tlp1_green_is_the_spec_object() {
        assert_eq!(
            tlp("tlp-green"),
            Some(json!({
                "type": "marking-definition",
                "spec_version": "2.1",
                "id": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
                "created": "2017-01-20T00:00:00.000Z",
                "definition_type": "tlp",
                "name": "TLP:GREEN",
                "definition": {"tlp": "green"}
            }))
        );
    }

    #[test]
    fn tlp2_amber_strict_is_the_published_object() {
        assert_eq!(
            tlp("tlp2-amber-strict"),
            Some(json!({
                "type": "marking-definition",
                "spec_version": "2.1",
                "id": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
                "created": "2022-10-01T00:00:00.000Z",
                "name": "TLP:AMBER+STRICT",
                "extensions": {
                    "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {
                        "extension_type": "property-extension",
                        "tlp_2_0": "amber+strict"
                    }
                }
            }))
        );
    }

    #[test]
    fn unknown_names_are_rejected() {
        for bad in ["green", "TLP-GREEN", "tlp:green", "tlp2-white", "tlp-clear", ""] {
            assert_eq!(tlp(bad), None, "{bad}");
            assert_eq!(tlp_id(bad), None, "{bad}");
        }
        assert_eq!(
            tlp_name_for_id("marking-definition--00000000-0000-4000-8000-000000000000"),
            None
        );
    }
}
