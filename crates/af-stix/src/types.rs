//! The table of STIX 2.1 and Attack Flow 2.0 object types and their properties.
//!
//! The table itself lives in `generated_types.rs`, which is generated from the JSON schemas
//! (the OASIS STIX 2.1 schemas and the Attack Flow 2.0.0 schema) by
//! `cargo run -p af-stix --example gen_types`; this module holds the shapes of the table and the
//! look-up functions. Facts the schemas do not state (reference target types where the schema
//! only says "identifier", the display property of each type, vocabularies whose link the
//! schema leaves out) come from a small hand-written overlay inside the generator.

use crate::generated_types::{
    ATTACK_FLOW_REQUIRED, CORE_PROPERTIES, CORE_REQUIRED, HASH_FORMATS, SCO_PROPERTIES, SCO_REQUIRED, TYPES,
    VOCABULARIES,
};

/// The family an object type belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// One of the five Attack Flow 2.0 objects (`attack-flow`, `attack-action`, ...).
    AttackFlow,
    /// A STIX Domain Object (`malware`, `tool`, `identity`, ...).
    Sdo,
    /// A STIX Cyber-observable Object (`ipv4-addr`, `file`, `process`, ...).
    Sco,
    /// A STIX Relationship Object (`relationship`, `sighting`).
    Sro,
    /// A meta object: `marking-definition`, `extension-definition`, `language-content`, `bundle`.
    Meta,
}

/// What one object type looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypeInfo {
    /// The STIX type name, e.g. `attack-action`, `malware`, `ipv4-addr`.
    pub name: &'static str,
    /// Which family the type belongs to.
    pub category: Category,
    /// The property a node's `"TITLE"` fills, if the type has one.
    pub display: Option<&'static str>,
    /// The type-specific properties (the common ones are in [`common_property`]).
    pub properties: &'static [PropInfo],
    /// The type-specific required properties (the common required ones are in
    /// [`common_required`]).
    pub required: &'static [&'static str],
    /// Whether the type also takes the common properties of its category. False only for
    /// `marking-definition` and `bundle`, whose schemas list every property themselves.
    pub inherits_common: bool,
}

/// One property of an object type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PropInfo {
    /// The property name, e.g. `effect_refs`.
    pub name: &'static str,
    /// What values the property takes.
    pub kind: PropKind,
    /// One short line saying what the property is for.
    pub doc: &'static str,
    /// What its strings must look like (for lists: each item), from the schema's `pattern` or
    /// `format`; [`Format::Any`] when the schema says nothing.
    pub format: Format,
    /// The schema's inclusive `minimum` and `maximum` of a number (a side the schema leaves
    /// open is the widest 64-bit value).
    pub bounds: Option<(i64, i64)>,
}

/// What the strings of a property must look like: the schemas' `pattern` and `format`
/// constraints, named. [`crate::check`] tests them; [`Format::expectation`] words them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Anything.
    Any,
    /// Lower-case ASCII letters, digits and hyphens (`relationship_type`).
    LowerKebab,
    /// An IPv4 address, optionally with a CIDR prefix length (`ipv4-addr` `value`).
    Ipv4Cidr,
    /// An IPv6 address, optionally with a CIDR prefix length (`ipv6-addr` `value`).
    Ipv6Cidr,
    /// A MAC address: six lower-case hex pairs separated by colons (`mac-addr` `value`).
    MacAddress,
    /// A host name, internationalized names included (`domain-name` `value`).
    Hostname,
    /// An absolute URI per RFC 3986 (`url` `value`, `url` of external references).
    Uri,
    /// An email address (`email-addr` `value`).
    Email,
    /// A MIME type of one of the IANA top-level types (`artifact` `mime_type`).
    MimeType,
    /// An IANA character set name (`name_enc`, `path_enc`).
    CharacterSet,
    /// A CPE 2.3 formatted string (`software` `cpe`).
    Cpe23,
    /// An ISO 639-2 three-letter language code (`software` `languages`).
    LanguageCode,
    /// A Windows registry key with its hive spelled out (no `HKLM` abbreviations).
    RegistryKey,
    /// Exactly this many hexadecimal digits (hash values).
    HexDigits(u16),
    /// An ssdeep fuzzy hash.
    Ssdeep,
    /// A TLSH hash.
    Tlsh,
}

/// The kind of value a property takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropKind {
    /// A string.
    String,
    /// An integer.
    Integer,
    /// A floating-point number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A STIX timestamp (`YYYY-MM-DDTHH:MM:SS[.s+]Z`).
    Timestamp,
    /// Base64-encoded binary data.
    Binary,
    /// A hexadecimal string.
    Hex,
    /// A reference to one object; the allowed target types (empty: any type).
    Ref(&'static [&'static str]),
    /// A list of references; the allowed target types (empty: any type).
    RefList(&'static [&'static str]),
    /// A list of strings.
    StringList,
    /// A closed enumeration: only these values are valid.
    Enum(&'static [&'static str]),
    /// An open vocabulary: these values are suggested, others are allowed.
    OpenVocab(&'static [&'static str]),
    /// A list of open-vocabulary values. Also used for the one list of closed-enumeration
    /// values the schemas have (`extension-definition` `extension_types`).
    OpenVocabList(&'static [&'static str]),
    /// A hashes dictionary (algorithm name to hash value).
    Hashes,
    /// A dictionary with free keys.
    Dictionary,
    /// A list of kill-chain phases.
    KillChainPhases,
    /// A list of external references.
    ExternalReferences,
    /// An extensions dictionary.
    Extensions,
    /// A list of granular markings.
    GranularMarkings,
    /// A list of objects not covered above (e.g. email body parts, registry values).
    ObjectList,
    /// Any nested object.
    Object,
    /// Anything.
    Any,
}

impl PropKind {
    /// The keys every entry of a list of objects must have: `source_name` for external
    /// references, `kill_chain_name` and `phase_name` for kill-chain phases, `selectors` for
    /// granular markings; none for other kinds.
    pub fn entry_required(&self) -> &'static [&'static str] {
        match self {
            PropKind::ExternalReferences => &["source_name"],
            PropKind::KillChainPhases => &["kill_chain_name", "phase_name"],
            PropKind::GranularMarkings => &["selectors"],
            _ => &[],
        }
    }
}

/// The value format of a hash algorithm the schemas constrain (`MD5`, `SHA-256`, `SSDEEP`, …);
/// `None` for other (custom) algorithms.
pub fn hash_format(algorithm: &str) -> Option<Format> {
    HASH_FORMATS
        .iter()
        .find(|(a, _)| *a == algorithm)
        .map(|(_, f)| *f)
}

/// Looks up an object type by its STIX name. Custom (`x-`) types are not in the table.
pub fn type_info(name: &str) -> Option<&'static TypeInfo> {
    // The Attack Flow types come first in the table, and a search of those few finds them
    // sooner than a hash lookup would.
    let mut attack_flow = TYPES.iter().take_while(|t| t.category == Category::AttackFlow);
    match attack_flow.find(|t| t.name == name) {
        Some(t) => Some(t),
        None => index().get(name).map(|(_, info, _)| *info),
    }
}

/// Where a type is in [`all_types`].
pub(crate) fn type_position(name: &str) -> Option<usize> {
    index().get(name).map(|(at, _, _)| *at)
}

type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

type Index = FastMap<&'static str, (usize, &'static TypeInfo, FastMap<&'static str, &'static PropInfo>)>;

/// The table by type name: each type with its place in the table and its properties by name
/// (its own, and the common ones of its category where it takes them). The compiler and the
/// validator look properties up for every value they check.
fn index() -> &'static Index {
    static INDEX: std::sync::OnceLock<Index> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        TYPES
            .iter()
            .enumerate()
            .rev() // the first entry of a name wins, as a search from the front would find it
            .map(|(at, info)| {
                let common = if info.inherits_common {
                    common_properties(info.category)
                } else {
                    &[]
                };
                // The type's own properties win over common ones of the same name.
                let props = common
                    .iter()
                    .rev()
                    .chain(info.properties.iter().rev())
                    .map(|p| (p.name, p))
                    .collect();
                (info.name, (at, info, props))
            })
            .collect()
    })
}

/// Every object type in the table: the Attack Flow objects, then SDOs, SROs, SCOs and meta
/// objects.
pub fn all_types() -> &'static [TypeInfo] {
    TYPES
}

/// The common properties objects of a category carry. SDOs, SROs, Attack Flow objects and
/// meta objects share the STIX core properties (`common/core.json`); SCOs have their own
/// smaller set (`common/cyber-observable-core.json`). Both include `type` and `id`.
pub fn common_properties(category: Category) -> &'static [PropInfo] {
    match category {
        Category::Sco => SCO_PROPERTIES,
        Category::AttackFlow | Category::Sdo | Category::Sro | Category::Meta => CORE_PROPERTIES,
    }
}

/// The common properties every object of a category must carry. Attack Flow objects also
/// need `extensions` (holding the Attack Flow extension marker).
pub fn common_required(category: Category) -> &'static [&'static str] {
    match category {
        Category::Sco => SCO_REQUIRED,
        Category::AttackFlow => ATTACK_FLOW_REQUIRED,
        Category::Sdo | Category::Sro | Category::Meta => CORE_REQUIRED,
    }
}

/// Looks up a common property of a category (see [`common_properties`]).
pub fn common_property(category: Category, name: &str) -> Option<&'static PropInfo> {
    common_properties(category).iter().find(|p| p.name == name)
}

/// Looks up a property of a type: its type-specific properties first, then the common ones.
/// Custom (`x-`) types are treated as SDOs: only the common SDO properties are known.
pub fn property(type_name: &str, prop: &str) -> Option<&'static PropInfo> {
    match index().get(type_name) {
        Some((_, _, props)) => props.get(prop).copied(),
        None if is_custom_type(type_name) => common_property(Category::Sdo, prop),
        None => None,
    }
}

/// The property a node's `"TITLE"` fills for a type: the table's display property, or `name`
/// for custom (`x-`) types.
pub fn display_property(type_name: &str) -> Option<&'static str> {
    match type_info(type_name) {
        Some(info) => info.display,
        None if is_custom_type(type_name) => Some("name"),
        None => None,
    }
}

/// Whether `name` is a custom object type: `x-` followed by a valid type name tail
/// (lowercase letters, digits and single hyphens).
pub fn is_custom_type(name: &str) -> bool {
    match name.strip_prefix("x-") {
        Some(rest) => {
            !rest.is_empty()
                && name.len() <= 250
                && !rest.starts_with('-')
                && !rest.ends_with('-')
                && !rest.contains("--")
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        }
        None => false,
    }
}

/// Whether `name` is a custom property name: `x_` followed by lowercase letters, digits and
/// underscores (at most 250 characters in all).
pub fn is_custom_property(name: &str) -> bool {
    match name.strip_prefix("x_") {
        Some(rest) => {
            !rest.is_empty()
                && name.len() <= 250
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        }
        None => false,
    }
}

/// Looks up a named STIX vocabulary or enumeration (e.g. `malware-type-ov`,
/// `hash-algorithm-ov`, `extension-type-enum`) and returns its values.
pub fn vocabulary(name: &str) -> Option<&'static [&'static str]> {
    VOCABULARIES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, values)| *values)
}

/// Every named vocabulary and enumeration the schemas define, with its values.
pub fn vocabularies() -> &'static [(&'static str, &'static [&'static str])] {
    VOCABULARIES
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index finds what a search of the table from the front finds: a type's own property
    /// first, then a common one where the type takes them.
    #[test]
    fn the_index_answers_as_the_table_reads() {
        let linear = |t: &TypeInfo, prop: &str| {
            t.properties.iter().find(|p| p.name == prop).or_else(|| {
                t.inherits_common
                    .then(|| common_property(t.category, prop))
                    .flatten()
            })
        };
        let mut names: Vec<&str> = vec!["nope", "x_custom", ""];
        for t in TYPES {
            names.extend(t.properties.iter().map(|p| p.name));
        }
        names.extend(CORE_PROPERTIES.iter().chain(SCO_PROPERTIES).map(|p| p.name));
        for t in TYPES {
            assert!(std::ptr::eq(
                type_info(t.name).unwrap(),
                TYPES.iter().find(|x| x.name == t.name).unwrap()
            ));
            for name in &names {
                assert_eq!(property(t.name, name), linear(t, name), "{} {name}", t.name);
            }
        }
        assert!(type_info("x-custom").is_none());
        assert_eq!(
            property("x-custom", "name"),
            common_property(Category::Sdo, "name")
        );
    }

    #[test]
    fn attack_flow_types_are_known_with_their_required_properties() {
        let flow = type_info("attack-flow").expect("attack-flow is in the table");
        assert_eq!(flow.category, Category::AttackFlow);
        assert_eq!(flow.display, Some("name"));
        for req in ["name", "scope", "start_refs"] {
            assert!(flow.required.contains(&req), "attack-flow requires {req}");
        }
        let condition = type_info("attack-condition").expect("attack-condition");
        assert_eq!(condition.display, Some("description"));
        assert_eq!(condition.required, &["description"]);
        let operator = type_info("attack-operator").expect("attack-operator");
        assert_eq!(operator.display, None);
        assert_eq!(
            property("attack-operator", "operator").map(|p| p.kind),
            Some(PropKind::Enum(&["AND", "OR"]))
        );
        assert_eq!(
            type_info("attack-action").map(|t| t.required),
            Some(&["name"][..])
        );
    }

    #[test]
    fn attack_flow_reference_targets_follow_the_schema() {
        let kind = |t: &str, p: &str| property(t, p).map(|p| p.kind);
        assert_eq!(
            kind("attack-flow", "start_refs"),
            Some(PropKind::RefList(&["attack-action", "attack-condition"]))
        );
        let flow_targets = &["attack-action", "attack-operator", "attack-condition"];
        assert_eq!(
            kind("attack-action", "effect_refs"),
            Some(PropKind::RefList(flow_targets))
        );
        assert_eq!(
            kind("attack-condition", "on_false_refs"),
            Some(PropKind::RefList(flow_targets))
        );
        assert_eq!(
            kind("attack-action", "asset_refs"),
            Some(PropKind::RefList(&["attack-asset"]))
        );
        assert_eq!(
            kind("attack-action", "command_ref"),
            Some(PropKind::Ref(&["process"]))
        );
        assert_eq!(kind("attack-action", "tactic_ref"), Some(PropKind::Ref(&[])));
        assert_eq!(kind("attack-asset", "object_ref"), Some(PropKind::Ref(&[])));
        assert_eq!(
            kind("attack-action", "execution_start"),
            Some(PropKind::Timestamp)
        );
    }

    #[test]
    fn stix_objects_have_schema_facts_and_overlay_facts() {
        let malware = type_info("malware").expect("malware");
        assert_eq!(malware.category, Category::Sdo);
        assert!(malware.required.contains(&"is_family"));
        assert_eq!(
            property("malware", "is_family").map(|p| p.kind),
            Some(PropKind::Boolean)
        );
        match property("malware", "malware_types").map(|p| p.kind) {
            Some(PropKind::OpenVocabList(values)) => assert!(values.contains(&"ransomware")),
            other => panic!("malware_types should be an open vocabulary list, got {other:?}"),
        }
        assert_eq!(
            property("malware", "sample_refs").map(|p| p.kind),
            Some(PropKind::RefList(&["file", "artifact"]))
        );
        assert_eq!(
            property("process", "parent_ref").map(|p| p.kind),
            Some(PropKind::Ref(&["process"]))
        );
        assert_eq!(
            property("sighting", "where_sighted_refs").map(|p| p.kind),
            Some(PropKind::RefList(&["identity", "location"]))
        );
        assert_eq!(
            property("malware", "created_by_ref").map(|p| p.kind),
            Some(PropKind::Ref(&["identity"]))
        );
        let indicator = type_info("indicator").expect("indicator");
        for req in ["pattern", "pattern_type", "valid_from"] {
            assert!(indicator.required.contains(&req));
        }
        match property("user-account", "account_type").map(|p| p.kind) {
            Some(PropKind::OpenVocab(values)) => {
                assert!(values.contains(&"windows-local"));
                assert!(!values.iter().any(|v| v.contains(' ')));
            }
            other => panic!("account_type should be an open vocabulary, got {other:?}"),
        }
        match property("location", "region").map(|p| p.kind) {
            Some(PropKind::OpenVocab(values)) => {
                assert!(values.contains(&"northern-america"));
                assert!(values.contains(&"eastern-europe"));
            }
            other => panic!("region should be an open vocabulary, got {other:?}"),
        }
    }

    #[test]
    fn display_properties_match_the_language_design() {
        let cases = [
            ("malware", Some("name")),
            ("ipv4-addr", Some("value")),
            ("domain-name", Some("value")),
            ("directory", Some("path")),
            ("process", Some("command_line")),
            ("windows-registry-key", Some("key")),
            ("note", Some("content")),
            ("user-account", Some("display_name")),
            ("email-message", Some("subject")),
            ("opinion", Some("explanation")),
            ("relationship", None),
            ("observed-data", None),
            ("x-custom-thing", Some("name")),
            ("no-such-type", None),
        ];
        for (ty, display) in cases {
            assert_eq!(display_property(ty), display, "display property of {ty}");
        }
    }

    #[test]
    fn every_display_and_required_property_is_a_property_of_its_type() {
        for info in all_types() {
            let lookup = |p: &str| property(info.name, p).is_some();
            if let Some(display) = info.display {
                assert!(lookup(display), "{}: display {display} unknown", info.name);
            }
            for req in info.required {
                assert!(lookup(req), "{}: required {req} unknown", info.name);
            }
            if info.inherits_common {
                for req in common_required(info.category) {
                    assert!(lookup(req), "{}: common required {req} unknown", info.name);
                }
            }
            for p in info.properties {
                assert!(!p.doc.is_empty(), "{}.{} has no doc", info.name, p.name);
            }
        }
    }

    #[test]
    fn type_names_are_unique_and_categories_are_consistent() {
        let mut names: Vec<&str> = all_types().iter().map(|t| t.name).collect();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count, "duplicate type names");
        assert_eq!(type_info("relationship").map(|t| t.category), Some(Category::Sro));
        assert_eq!(type_info("file").map(|t| t.category), Some(Category::Sco));
        assert_eq!(
            type_info("marking-definition").map(|t| (t.category, t.inherits_common)),
            Some((Category::Meta, false))
        );
    }

    #[test]
    fn common_properties_differ_between_scos_and_sdos() {
        assert!(common_property(Category::Sdo, "created").is_some());
        assert!(common_property(Category::Sco, "created").is_none());
        assert!(common_property(Category::Sco, "defanged").is_some());
        assert_eq!(
            common_property(Category::Sdo, "object_marking_refs").map(|p| p.kind),
            Some(PropKind::RefList(&["marking-definition"]))
        );
        assert!(property("ipv4-addr", "modified").is_none());
        assert!(property("marking-definition", "modified").is_none());
        assert!(property("marking-definition", "created").is_some());
        assert!(common_required(Category::AttackFlow).contains(&"extensions"));
        assert!(!common_required(Category::Sdo).contains(&"extensions"));
    }

    #[test]
    fn custom_names() {
        assert!(is_custom_type("x-mitre-tactic"));
        assert!(!is_custom_type("x-"));
        assert!(!is_custom_type("x-Bad"));
        assert!(!is_custom_type("malware"));
        assert!(is_custom_property("x_mitre_domains"));
        assert!(!is_custom_property("x_"));
        assert!(!is_custom_property("x-mitre"));
        assert!(!is_custom_property("name"));
        assert!(property("x-mitre-tactic", "created").is_some());
        assert!(property("x-mitre-tactic", "x_mitre_shortname").is_none());
    }

    #[test]
    fn vocabularies_are_reachable_by_name() {
        let hashes = vocabulary("hash-algorithm-ov").expect("hash algorithms");
        assert!(hashes.contains(&"SHA-256"));
        assert!(vocabulary("extension-type-enum").is_some_and(|v| v.contains(&"new-sdo")));
        assert!(vocabulary("no-such-ov").is_none());
        assert!(vocabularies().len() > 20);
    }
}
