//! The Attack Flow Builder's save format (`.afb`, `"schema": "attack_flow_v2"`): what its
//! objects mean, shared by the reader ([`read`]) and the writer ([`write`]) so that both
//! directions follow one set of rules.
//!
//! The format, as the Builder 3 writes it: `objects` is a flat list of canvas objects, each
//! with a template `id` and an `instance` UUID. Semantic objects (`flow`, `action`,
//! `condition`, `AND_operator`, `asset`, `malware`, `ipv4_addr`, …) carry `properties` as
//! `[key, value]` pairs; a list value is a list of `[hash, item]` pairs and a dictionary value
//! a list of `[key, value]` pairs; dates are ISO strings or `{time, zone}`. Each semantic
//! object has `anchors` (angle → anchor instance; conditions also `branch:True` /
//! `branch:False`); an anchor lists the `latches` attached to it, and a `dynamic_line` joins a
//! `source` latch to a `target` latch. `layout` holds positions (block centres) and `camera`
//! the view. The Builder reads the properties its forms define and ignores any other.

pub(crate) mod read;
pub(crate) mod write;

use af_stix::types::{self, PropKind};

/// The only save format version this crate reads and writes.
pub(crate) const SCHEMA: &str = "attack_flow_v2";

/// The root `generator` of files afc writes: their values are STIX values as they are (the
/// Builder ignores the key, and drops it when it saves the file).
pub(crate) const GENERATOR: &str = "afc";

/// Canvas objects that carry no meaning.
pub(crate) const LAYOUT_TEMPLATES: &[&str] = &[
    "dynamic_line",
    "generic_handle",
    "generic_latch",
    "vertical_anchor",
    "horizontal_anchor",
];

/// The Builder's confidence words (its `confidence` choices) and the numbers its export
/// writes for them (af-stix's "Attack Flow Builder" scale).
pub(crate) fn confidence_words() -> &'static [(&'static str, u8)] {
    af_stix::confidence::SCALES
        .iter()
        .find(|s| s.name == "Attack Flow Builder")
        .map_or(&[], |s| s.terms)
}
/// STIX types the Builder has a block for (besides the four Attack Flow node types); the
/// template is the type with `_` for `-`, except for [`RENAMED`] ones.
const STIX_TEMPLATES: &[&str] = &[
    "attack-pattern",
    "campaign",
    "course-of-action",
    "grouping",
    "identity",
    "indicator",
    "infrastructure",
    "intrusion-set",
    "location",
    "malware",
    "malware-analysis",
    "note",
    "observed-data",
    "opinion",
    "report",
    "threat-actor",
    "tool",
    "vulnerability",
    "marking-definition",
    "artifact",
    "autonomous-system",
    "directory",
    "domain-name",
    "email-addr",
    "email-message",
    "file",
    "ipv4-addr",
    "ipv6-addr",
    "mac-addr",
    "mutex",
    "network-traffic",
    "process",
    "software",
    "url",
    "user-account",
    "windows-registry-key",
    "x509-certificate",
];

/// Templates whose name is not the STIX type with `_` for `-`: (template, STIX type).
const RENAMED: &[(&str, &str)] = &[("email_address", "email-addr")];

/// The anchor a condition's true branch leaves from.
pub(crate) const BRANCH_TRUE: &str = "branch:True";
/// The anchor a condition's false branch leaves from.
pub(crate) const BRANCH_FALSE: &str = "branch:False";

/// The anchors of a block (angles counter-clockwise from the right: `0` right, `90` top,
/// `180` left, `270` bottom) with their anchor template.
const ANCHORS: &[(&str, &str)] = &[
    ("0", "horizontal_anchor"),
    ("30", "horizontal_anchor"),
    ("60", "vertical_anchor"),
    ("90", "vertical_anchor"),
    ("120", "vertical_anchor"),
    ("150", "horizontal_anchor"),
    ("180", "horizontal_anchor"),
    ("210", "horizontal_anchor"),
    ("240", "vertical_anchor"),
    ("270", "vertical_anchor"),
    ("300", "vertical_anchor"),
    ("330", "horizontal_anchor"),
];

/// A condition's anchors: no bottom ones, the two branches instead.
const CONDITION_ANCHORS: &[(&str, &str)] = &[
    ("0", "horizontal_anchor"),
    ("30", "horizontal_anchor"),
    ("60", "vertical_anchor"),
    ("90", "vertical_anchor"),
    ("120", "vertical_anchor"),
    ("150", "horizontal_anchor"),
    ("180", "horizontal_anchor"),
    ("210", "horizontal_anchor"),
    ("330", "horizontal_anchor"),
    (BRANCH_TRUE, "vertical_anchor"),
    (BRANCH_FALSE, "vertical_anchor"),
];

/// The STIX type of a Builder template (`action` → `attack-action`, `ipv4_addr` →
/// `ipv4-addr`), if it is one afc knows.
pub(crate) fn stix_type(template: &str) -> Option<String> {
    let t = match template {
        "action" => "attack-action".to_string(),
        "condition" => "attack-condition".to_string(),
        "AND_operator" | "OR_operator" | "operator" => "attack-operator".to_string(),
        "asset" => "attack-asset".to_string(),
        other => match RENAMED.iter().find(|(t, _)| *t == other) {
            Some((_, stix)) => stix.to_string(),
            None => other.replace('_', "-"),
        },
    };
    (types::type_info(&t).is_some() || types::is_custom_type(&t)).then_some(t)
}

/// The Builder template for a STIX object of `stix_type` (an operator's depends on its
/// `operator`), if the Builder has one.
pub(crate) fn template_of(stix_type: &str, operator: Option<&str>) -> Option<String> {
    match stix_type {
        "attack-action" => Some("action".into()),
        "attack-condition" => Some("condition".into()),
        "attack-asset" => Some("asset".into()),
        "attack-operator" => match operator {
            Some("OR") => Some("OR_operator".into()),
            _ => Some("AND_operator".into()),
        },
        t if STIX_TEMPLATES.contains(&t) => Some(match RENAMED.iter().find(|(_, s)| *s == t) {
            Some((template, _)) => template.to_string(),
            None => t.replace('-', "_"),
        }),
        _ => None,
    }
}

/// The anchors of a block of this template, with their anchor templates.
pub(crate) fn anchors(template: &str) -> &'static [(&'static str, &'static str)] {
    if template == "condition" {
        CONDITION_ANCHORS
    } else {
        ANCHORS
    }
}

/// What a line without properties means, by the types at its ends and the anchor it leaves
/// from: the reference the Builder's STIX export makes of it (afc keeps a condition's branches
/// as branches). Any other line is a `related-to` relationship.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineMeaning {
    /// The target is appended to this list property of the source.
    List(&'static str),
    /// This property of the source is set to the target, unless it is set already.
    Single(&'static str),
    /// This property of the target is set to the source, unless it is set already.
    TargetSingle(&'static str),
}

pub(crate) fn line_meaning(src: &str, dst: &str, anchor: &str) -> Option<LineMeaning> {
    use af_stix::flow::is_flow_node as is_step;
    use LineMeaning::*;
    match src {
        "attack-action" | "attack-operator" if is_step(dst) => Some(List("effect_refs")),
        "attack-condition" if is_step(dst) => Some(List(if anchor == BRANCH_FALSE {
            "on_false_refs"
        } else {
            "on_true_refs"
        })),
        "attack-action" if dst == "attack-asset" => Some(List("asset_refs")),
        "attack-action" if dst == "process" => Some(Single("command_ref")),
        "note" => Some(List("object_refs")),
        "attack-asset" => Some(Single("object_ref")),
        _ if dst == "network-traffic" && ref_target(dst, "src_ref", src) => Some(TargetSingle("src_ref")),
        _ => None,
    }
}

fn ref_target(stix_type: &str, key: &str, target: &str) -> bool {
    matches!(types::property(stix_type, key).map(|p| &p.kind), Some(PropKind::Ref(t)) if t.contains(&target))
}

/// The 32-hex-digit keys the Builder gives list items.
pub(crate) fn is_hash(k: &str) -> bool {
    k.len() == 32 && k.bytes().all(|b| b.is_ascii_hexdigit())
}
