//! References between objects: which properties are references, what they may point at, and
//! what a reference means for the flow (a step of the flow, its start, metadata, a pointer out
//! of the bundle, or a plain link). Decided from the type table, and for properties the table
//! does not know, from the STIX naming rule (`…_ref` holds one id, `…_refs` a list).

use crate::flow::FlowRef;
use crate::types::{self, PropKind};

/// What a reference means for the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefRole {
    /// `effect_refs`, `on_true_refs`, `on_false_refs`: how the flow goes on.
    Flow(FlowRef),
    /// `start_refs` of the flow.
    Start,
    /// `created_by_ref`, `object_marking_refs`: who made the object and how it is marked;
    /// they describe the object rather than connect it.
    Metadata,
    /// `technique_ref`, `tactic_ref`: objects of the ATT&CK catalogs, normally not in the
    /// bundle.
    External,
    /// Every other reference (`asset_refs`, `object_ref`, `source_ref`, …).
    Link,
}

/// What the rules say about one reference property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefRule {
    /// The types it may point at; empty for any type.
    pub targets: &'static [&'static str],
    /// Whether it holds a list of ids (`…_refs`) rather than one.
    pub many: bool,
    /// What it means for the flow.
    pub role: RefRole,
}

impl RefRule {
    /// Whether it may point at an object of type `t`.
    pub fn allows(&self, t: &str) -> bool {
        self.targets.is_empty() || self.targets.contains(&t)
    }
}

/// Whether a property name is a reference by the STIX naming rule (`…_ref`, `…_refs`), for
/// properties no type describes (nested keys, custom properties).
pub fn is_reference_key(key: &str) -> bool {
    key.ends_with("_ref") || key.ends_with("_refs")
}

/// What a reference property does, by its key alone (the same for every type).
pub fn role(key: &str) -> RefRole {
    if let Some(f) = FlowRef::from_key(key) {
        return RefRole::Flow(f);
    }
    match key {
        "start_refs" => RefRole::Start,
        "created_by_ref" | "object_marking_refs" => RefRole::Metadata,
        "technique_ref" | "tactic_ref" => RefRole::External,
        _ => RefRole::Link,
    }
}

/// The rule of property `key` of an object of `stix_type`, when it is a reference: from the
/// type table, or by the naming rule for properties the table does not know (any target).
pub fn reference(stix_type: &str, key: &str) -> Option<RefRule> {
    match types::property(stix_type, key).map(|p| p.kind) {
        Some(PropKind::Ref(targets)) => Some(RefRule {
            targets,
            many: false,
            role: role(key),
        }),
        Some(PropKind::RefList(targets)) => Some(RefRule {
            targets,
            many: true,
            role: role(key),
        }),
        Some(_) => None,
        None => by_name(key),
    }
}

/// The rule of a property no type describes (a nested key, a custom property), by the naming
/// rule alone: `…_ref` holds one id of any type, `…_refs` a list.
pub fn by_name(key: &str) -> Option<RefRule> {
    let many = if key.ends_with("_refs") {
        true
    } else if key.ends_with("_ref") {
        false
    } else {
        return None;
    };
    Some(RefRule {
        targets: &[],
        many,
        role: role(key),
    })
}

/// Whether property `key` of an object of `stix_type` is a reference.
pub fn is_reference(stix_type: &str, key: &str) -> bool {
    reference(stix_type, key).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_and_naming_rule() {
        let r = reference("attack-action", "asset_refs").map(|r| (r.targets, r.many, r.role));
        assert_eq!(r, Some((&["attack-asset"][..], true, RefRole::Link)));
        let r = reference("attack-action", "effect_refs").map(|r| r.role);
        assert_eq!(r, Some(RefRole::Flow(FlowRef::Effect)));
        assert_eq!(
            reference("attack-flow", "start_refs").map(|r| r.role),
            Some(RefRole::Start)
        );
        assert_eq!(
            reference("malware", "created_by_ref").map(|r| r.role),
            Some(RefRole::Metadata)
        );
        assert_eq!(
            reference("attack-action", "tactic_ref").map(|r| r.role),
            Some(RefRole::External)
        );
        assert!(reference("attack-action", "tactic_ref").is_some_and(|r| r.allows("attack-pattern")));
        let custom = reference("malware", "x_helper_refs");
        assert_eq!(custom.map(|r| (r.many, r.targets.is_empty())), Some((true, true)));
        assert!(reference("x-thing", "thing_ref").is_some_and(|r| !r.many));
        assert!(!is_reference("malware", "name"));
        assert!(!is_reference("malware", "x_name"));
        assert!(is_reference_key("marking_ref") && !is_reference_key("refs"));
    }

    #[test]
    fn every_reference_in_the_table_is_named_as_one() {
        for t in types::all_types() {
            for p in t.properties {
                if matches!(p.kind, PropKind::Ref(_) | PropKind::RefList(_)) {
                    assert!(is_reference_key(p.name), "{}.{}", t.name, p.name);
                }
            }
        }
    }
}
