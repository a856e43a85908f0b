//! The STIX `report` that wraps a whole flow: the container that threat-intelligence platforms
//! (OpenCTI, MISP) keep when they import a bundle, so that a flow arrives as one browsable
//! report with its actions, relationships and markings.
//!
//! [`wrap`] builds it from a flow's objects: the flow's `name`, `description`, `created`,
//! `modified`, `created_by_ref`, `object_marking_refs` and `external_references`, `published`
//! from the flow's `modified` (the version being published), a `report_types` entry that
//! follows the flow's `scope`, and `object_refs` to every object in bundle order. Its id is
//! derived from the flow's id ([`report_id`]), so wrapping the same flow always gives the same
//! report. [`find_wrapper`] recognises such a report in a list of objects, so that readers of a
//! wrapped bundle (the importer) can take it off again without losing anything.

use crate::object::{Object, Prop, SmolStr};

/// Why a list of objects cannot be wrapped in a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WrapError {
    /// There is no `attack-flow` object.
    NoFlow,
    /// There is more than one `attack-flow` object.
    ManyFlows(usize),
    /// The `attack-flow` has no `id`, or neither `modified` nor `created` for `published`.
    IncompleteFlow(&'static str),
    /// An object already has the id the report would get.
    IdTaken(String),
}

impl std::fmt::Display for WrapError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WrapError::NoFlow => f.write_str("there is no `attack-flow` object to wrap"),
            WrapError::ManyFlows(n) => {
                write!(f, "there are {n} `attack-flow` objects; a report wraps one flow")
            }
            WrapError::IncompleteFlow(what) => write!(f, "the `attack-flow` object has no {what}"),
            WrapError::IdTaken(id) => write!(
                f,
                "an object already has the id `{id}` that the wrapping report would get"
            ),
        }
    }
}

impl std::error::Error for WrapError {}

/// The id of the report that wraps the flow `flow_id`: derived from the flow's id alone (a
/// one-part name, which no node id — derived from the flow id and the node's name — can be).
pub fn report_id(flow_id: &str) -> String {
    crate::id::derive("report", &[flow_id])
}

/// The `report_types` entry (from the STIX 2.1 `report-type-ov` vocabulary) for a flow's
/// `scope`.
pub fn report_type(scope: Option<&str>) -> &'static str {
    match scope {
        Some("incident") => "threat-report",
        Some("campaign") => "campaign",
        Some("threat-actor") => "threat-actor",
        Some("malware") => "malware",
        // emulation-plan, attack-tree, other: a characterisation of attack patterns.
        _ => "attack-pattern",
    }
}

/// Properties of the flow the report carries over as they are.
const CARRIED: &[&str] = &[
    "created_by_ref",
    "created",
    "modified",
    "name",
    "description",
    "object_marking_refs",
    "external_references",
];

/// The report that wraps the flow in `objects` (which it does not include).
pub fn wrap(objects: &[Object]) -> Result<Object, WrapError> {
    let mut flows = objects
        .iter()
        .filter(|o| o.get_str("type") == Some("attack-flow"));
    let flow = flows.next().ok_or(WrapError::NoFlow)?;
    let more = flows.count();
    if more > 0 {
        return Err(WrapError::ManyFlows(more + 1));
    }
    let flow_id = flow.get_str("id").ok_or(WrapError::IncompleteFlow("`id`"))?;
    let published = flow
        .get("modified")
        .or_else(|| flow.get("created"))
        .cloned()
        .ok_or(WrapError::IncompleteFlow(
            "`modified` or `created` for `published`",
        ))?;
    let id = report_id(flow_id);
    if objects.iter().any(|o| o.get_str("id") == Some(id.as_str())) {
        return Err(WrapError::IdTaken(id));
    }
    let mut report = Object::with_capacity(CARRIED.len() + 6);
    report.insert("type", "report");
    report.insert_shared("spec_version", crate::object::spec_version());
    report.insert("id", id);
    for key in CARRIED {
        if let Some(v) = flow.get(key) {
            report.insert(*key, v.clone());
        }
    }
    report.insert("published", published);
    report.insert(
        "report_types",
        Prop::Strs(vec![SmolStr::new_static(report_type(flow.get_str("scope")))]),
    );
    let refs: Vec<SmolStr> = objects
        .iter()
        .filter_map(|o| o.get_str("id"))
        .map(SmolStr::new)
        .collect();
    report.insert("object_refs", Prop::Strs(refs));
    Ok(report)
}

/// The position in `objects` of a report that is what [`wrap`] makes of the other objects,
/// if there is one: the same properties, and `object_refs` naming each of the other objects
/// once, in any order (a TAXII server, for one, gives objects back in an order of its own).
pub fn find_wrapper(objects: &[Object]) -> Option<usize> {
    let flow_id = objects
        .iter()
        .find(|o| o.get_str("type") == Some("attack-flow"))?
        .get_str("id")?;
    let id = report_id(flow_id);
    let at = objects
        .iter()
        .position(|o| o.get_str("id") == Some(id.as_str()))?;
    if objects[at].get_str("type") != Some("report") {
        return None;
    }
    let others: Vec<Object> = objects
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != at)
        .map(|(_, o)| o.clone())
        .collect();
    let mut expected = wrap(&others).ok()?.to_map();
    let mut found = objects[at].to_map();
    let refs = |m: &mut serde_json::Map<String, serde_json::Value>| -> Option<Vec<String>> {
        let mut ids: Vec<String> = match m.remove("object_refs")? {
            serde_json::Value::Array(items) => items
                .into_iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect::<Option<_>>()?,
            _ => return None,
        };
        ids.sort_unstable();
        Some(ids)
    };
    let (want, got) = (refs(&mut expected)?, refs(&mut found)?);
    (want == got && expected == found).then_some(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: serde_json::Value) -> Object {
        match v {
            serde_json::Value::Object(m) => Object::from(m),
            _ => unreachable!("test objects are JSON objects"),
        }
    }

    fn flow() -> Vec<Object> {
        vec![
            obj(
                json!({"type": "identity", "spec_version": "2.1", "id": "identity--aea4a277-93f8-5164-a6ac-54ac4a2f3063", "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z", "name": "Jane", "identity_class": "individual"}),
            ),
            obj(
                json!({"type": "attack-flow", "spec_version": "2.1", "id": "attack-flow--4bc45425-c95d-5778-a71e-cc075f54c1be", "created_by_ref": "identity--aea4a277-93f8-5164-a6ac-54ac4a2f3063", "created": "2026-01-01T00:00:00.000Z", "modified": "2026-02-01T00:00:00.000Z", "name": "F", "description": "D", "scope": "incident", "start_refs": ["attack-action--beaff4de-1ac8-5f7b-acc1-3d167d78ae23"], "object_marking_refs": ["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"]}),
            ),
            obj(
                json!({"type": "attack-action", "spec_version": "2.1", "id": "attack-action--beaff4de-1ac8-5f7b-acc1-3d167d78ae23", "name": "A"}),
            ),
        ]
    }

    #[test]
    fn the_report_carries_the_flow_and_refers_to_every_object() {
        let objects = flow();
        let report = wrap(&objects).map(Object::into_map).unwrap_or_default();
        assert_eq!(
            serde_json::Value::Object(report),
            json!({
                "type": "report",
                "spec_version": "2.1",
                "id": report_id("attack-flow--4bc45425-c95d-5778-a71e-cc075f54c1be"),
                "created_by_ref": "identity--aea4a277-93f8-5164-a6ac-54ac4a2f3063",
                "created": "2026-01-01T00:00:00.000Z",
                "modified": "2026-02-01T00:00:00.000Z",
                "name": "F",
                "description": "D",
                "object_marking_refs": ["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"],
                "published": "2026-02-01T00:00:00.000Z",
                "report_types": ["threat-report"],
                "object_refs": [
                    "identity--aea4a277-93f8-5164-a6ac-54ac4a2f3063",
                    "attack-flow--4bc45425-c95d-5778-a71e-cc075f54c1be",
                    "attack-action--beaff4de-1ac8-5f7b-acc1-3d167d78ae23"
                ]
            })
        );
    }

    #[test]
    fn the_id_is_deterministic_and_unlike_node_ids() {
        let a = report_id("attack-flow--4bc45425-c95d-5778-a71e-cc075f54c1be");
        assert_eq!(a, report_id("attack-flow--4bc45425-c95d-5778-a71e-cc075f54c1be"));
        assert!(a.starts_with("report--"));
        assert_ne!(
            a,
            crate::id::derive(
                "report",
                &["attack-flow--4bc45425-c95d-5778-a71e-cc075f54c1be", ""]
            )
        );
    }

    #[test]
    fn a_wrapper_is_recognised_only_when_it_is_exactly_what_wrap_makes() {
        let mut objects = flow();
        assert_eq!(find_wrapper(&objects), None);
        let report = wrap(&objects).ok();
        objects.extend(report);
        assert_eq!(find_wrapper(&objects), Some(3));
        // The order of the objects, and of the report's refs, does not matter.
        objects.swap(0, 2);
        assert_eq!(find_wrapper(&objects), Some(3));
        // A report that misses an object, or names one twice, is a report of its own.
        if let Some(Prop::Strs(refs)) = objects[3].get("object_refs").cloned() {
            objects[3].insert("object_refs", Prop::Strs(refs[1..].to_vec()));
            assert_eq!(find_wrapper(&objects), None);
            let mut twice = refs.clone();
            twice[0] = refs[1].clone();
            objects[3].insert("object_refs", Prop::Strs(twice));
            assert_eq!(find_wrapper(&objects), None);
            objects[3].insert("object_refs", Prop::Strs(refs));
        }
        assert_eq!(find_wrapper(&objects), Some(3));
        // An edited report is a report of its own.
        objects[3].insert("name", "Edited");
        assert_eq!(find_wrapper(&objects), None);
        // Wrapping twice would give two objects with one id.
        assert!(matches!(wrap(&objects), Err(WrapError::IdTaken(_))));
    }

    #[test]
    fn flows_that_cannot_be_wrapped_say_why() {
        assert_eq!(wrap(&[]).err(), Some(WrapError::NoFlow));
        let mut two = flow();
        two.extend(flow());
        assert_eq!(wrap(&two).err(), Some(WrapError::ManyFlows(2)));
        let mut bare = flow();
        bare[1].remove("created");
        bare[1].remove("modified");
        assert!(matches!(wrap(&bare), Err(WrapError::IncompleteFlow(_))));
        assert_eq!(report_type(Some("malware")), "malware");
        assert_eq!(report_type(Some("attack-tree")), "attack-pattern");
        assert_eq!(report_type(None), "attack-pattern");
    }
}
