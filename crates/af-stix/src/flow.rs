//! The Attack Flow graph: which objects are steps of a flow, how the flow goes from one step
//! to the next (`effect_refs`, `on_true_refs`, `on_false_refs`), what can start it, which
//! objects stand beside it as context, and the Attack Flow Builder's way of writing condition
//! branches as relationships. Every tool that walks a flow (compiler, validator, importer,
//! renderers, analyses) asks here.

use crate::types::{self, Category, PropKind};

/// The steps of a flow: the object types flow edges run through.
pub const FLOW_NODE_TYPES: &[&str] = &["attack-action", "attack-condition", "attack-operator"];

/// Whether objects of type `t` are steps of a flow (actions, conditions, operators).
pub fn is_flow_node(t: &str) -> bool {
    FLOW_NODE_TYPES.contains(&t)
}

/// The types a flow may start from: the targets the schema allows in `start_refs` (actions and
/// conditions).
pub fn start_types() -> &'static [&'static str] {
    match types::property("attack-flow", "start_refs").map(|p| p.kind) {
        Some(PropKind::RefList(targets)) => targets,
        _ => &[],
    }
}

/// Whether a flow may start from an object of type `t`.
pub fn can_start(t: &str) -> bool {
    start_types().contains(&t)
}

/// One of the three ways a flow goes from a step to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FlowRef {
    /// `effect_refs` of an action or operator: what it leads to.
    Effect,
    /// `on_true_refs` of a condition: where the flow goes when it holds.
    OnTrue,
    /// `on_false_refs` of a condition: where the flow goes when it does not.
    OnFalse,
}

impl FlowRef {
    /// The three, in this order.
    pub const ALL: [FlowRef; 3] = [FlowRef::Effect, FlowRef::OnTrue, FlowRef::OnFalse];

    /// The property name.
    pub fn key(self) -> &'static str {
        match self {
            FlowRef::Effect => "effect_refs",
            FlowRef::OnTrue => "on_true_refs",
            FlowRef::OnFalse => "on_false_refs",
        }
    }

    /// The flow ref a property name is, if it is one.
    pub fn from_key(key: &str) -> Option<FlowRef> {
        FlowRef::ALL.into_iter().find(|r| r.key() == key)
    }
}

/// The flow refs objects of type `t` have: `effect_refs` for actions and operators, the two
/// branches for conditions, none for other types.
pub fn flow_refs_of(t: &str) -> &'static [FlowRef] {
    match t {
        "attack-action" | "attack-operator" => &[FlowRef::Effect],
        "attack-condition" => &[FlowRef::OnTrue, FlowRef::OnFalse],
        _ => &[],
    }
}

/// The flow ref an edge from an object of `source_type` makes: a plain edge (`branch` `None`)
/// is the effect of an action or operator and the true branch of a condition; `Some(true)` /
/// `Some(false)` name a condition's branches. `None` when the source has no such ref.
pub fn edge_ref(source_type: &str, branch: Option<bool>) -> Option<FlowRef> {
    match (source_type, branch) {
        ("attack-action" | "attack-operator", None) => Some(FlowRef::Effect),
        ("attack-condition", None | Some(true)) => Some(FlowRef::OnTrue),
        ("attack-condition", Some(false)) => Some(FlowRef::OnFalse),
        _ => None,
    }
}

/// Whether a relationship is a condition branch written the Attack Flow Builder's way: a
/// `related-to` from an `attack-condition` to a step of the flow. Such a relationship means
/// `on_true_refs` / `on_false_refs` to the Builder, but nothing to other tools.
pub fn is_builder_branch(relationship_type: &str, source_type: &str, target_type: &str) -> bool {
    relationship_type == "related-to" && source_type == "attack-condition" && is_flow_node(target_type)
}

/// Types that say who is behind a flow rather than what happened in it: they are never
/// reported as unconnected, and what they connect to counts as connected.
pub const CONTEXT_TYPES: &[&str] = &["threat-actor", "campaign", "intrusion-set"];

/// Whether `t` is a context type ([`CONTEXT_TYPES`]).
pub fn is_context(t: &str) -> bool {
    CONTEXT_TYPES.contains(&t)
}

/// Whether objects of type `t` stand beside the flow without being connected to it: context
/// objects and meta objects (marking and extension definitions, language content).
pub fn stands_beside(t: &str) -> bool {
    is_context(t) || types::type_info(t).is_some_and(|i| i.category == Category::Meta)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_nodes_are_the_targets_of_flow_refs_in_the_schema() {
        for source in FLOW_NODE_TYPES {
            for r in flow_refs_of(source) {
                match types::property(source, r.key()).map(|p| p.kind) {
                    Some(PropKind::RefList(targets)) => assert_eq!(
                        {
                            let mut t = targets.to_vec();
                            t.sort_unstable();
                            t
                        },
                        {
                            let mut t = FLOW_NODE_TYPES.to_vec();
                            t.sort_unstable();
                            t
                        }
                    ),
                    other => panic!("{source}.{} is {other:?}", r.key()),
                }
            }
        }
        assert_eq!(start_types(), &["attack-action", "attack-condition"]);
        assert!(can_start("attack-condition") && !can_start("attack-operator"));
    }

    #[test]
    fn edges_and_branches() {
        assert_eq!(edge_ref("attack-action", None), Some(FlowRef::Effect));
        assert_eq!(edge_ref("attack-condition", None), Some(FlowRef::OnTrue));
        assert_eq!(edge_ref("attack-condition", Some(false)), Some(FlowRef::OnFalse));
        assert_eq!(edge_ref("attack-action", Some(false)), None);
        assert_eq!(edge_ref("malware", None), None);
        for r in FlowRef::ALL {
            assert_eq!(FlowRef::from_key(r.key()), Some(r));
        }
        assert!(is_builder_branch(
            "related-to",
            "attack-condition",
            "attack-action"
        ));
        assert!(!is_builder_branch("related-to", "attack-action", "attack-action"));
        assert!(!is_builder_branch("uses", "attack-condition", "attack-action"));
        assert!(!is_builder_branch(
            "related-to",
            "attack-condition",
            "attack-asset"
        ));
        assert!(stands_beside("threat-actor") && stands_beside("marking-definition"));
        assert!(!stands_beside("malware"));
    }
}
