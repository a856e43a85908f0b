//! Completion: technique and tactic ids from the catalogs, node names filtered by the kinds a
//! place allows, property keys of the node's kind with their docs, enumeration and vocabulary
//! values, node kinds and snippets at the start of a statement.

use crate::context::{context_at, OwnerType, Site};
use crate::snapshot::Snapshot;
use af_catalog::Catalog;
use af_stix::language::kind_word as kind_word_of;
use af_stix::types::{self, Category, PropInfo, PropKind};
use af_syntax::Span;
use std::collections::{HashMap, HashSet};

/// What an item completes (the LSP layer maps it to an icon).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// A technique id.
    Technique,
    /// A tactic id.
    Tactic,
    /// The ATT&CK id of a group, software, campaign or mitigation (`S0154`).
    AttackObject,
    /// A node name.
    Node,
    /// A property key.
    Key,
    /// A value of an enumeration or vocabulary, a TLP name, a confidence term.
    Value,
    /// A node kind at the start of a statement.
    Kind,
    /// A snippet (flow header, action, condition).
    Snippet,
}

/// One completion item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// What the list shows and, unless `insert` is set, what is inserted.
    pub label: String,
    /// What the item completes.
    pub kind: ItemKind,
    /// One line shown beside the label.
    pub detail: Option<String>,
    /// Markdown documentation.
    pub documentation: Option<String>,
    /// The text the editor matches typed characters against.
    pub filter: Option<String>,
    /// The text inserted (a snippet when `snippet`), when it differs from the label.
    pub insert: Option<String>,
    /// `insert` is in LSP snippet syntax.
    pub snippet: bool,
    /// A revoked or deprecated technique or tactic.
    pub deprecated: bool,
}

impl Item {
    fn new(label: impl Into<String>, kind: ItemKind) -> Item {
        Item {
            label: label.into(),
            kind,
            detail: None,
            documentation: None,
            filter: None,
            insert: None,
            snippet: false,
            deprecated: false,
        }
    }
    fn detail(mut self, d: impl Into<String>) -> Item {
        self.detail = Some(d.into());
        self
    }
    fn doc(mut self, d: impl Into<String>) -> Item {
        self.documentation = Some(d.into());
        self
    }
}

/// The completion list at a position: items in the order to show them, and the range an
/// accepted item replaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completions {
    /// The items, best first.
    pub items: Vec<Item>,
    /// The word around the cursor that an item replaces.
    pub replace: Span,
}

/// The STIX 2.1 relationship types (spec §4 "relationship types" of each SDO), offered in
/// `-[ ]->` labels.
pub const RELATIONSHIP_TYPES: &[&str] = &[
    "uses",
    "targets",
    "related-to",
    "indicates",
    "attributed-to",
    "mitigates",
    "delivers",
    "drops",
    "downloads",
    "exploits",
    "communicates-with",
    "compromises",
    "consists-of",
    "controls",
    "authored-by",
    "beacons-to",
    "exfiltrates-to",
    "hosts",
    "owns",
    "resolves-to",
    "belongs-to",
    "located-at",
    "originates-from",
    "impersonates",
    "investigates",
    "remediates",
    "based-on",
    "variant-of",
    "characterizes",
    "analysis-of",
    "static-analysis-of",
    "dynamic-analysis-of",
    "av-analysis-of",
    "derived-from",
    "duplicate-of",
];

/// Completions at byte `offset`.
pub fn complete(snap: &Snapshot, offset: usize) -> Completions {
    let ctx = context_at(snap, offset);
    let mut items = match &ctx.site {
        Site::Nothing => Vec::new(),
        Site::StatementStart => statement_start(snap),
        Site::Technique => {
            #[allow(unused_mut)]
            let mut items = techniques(snap, &ctx.prefix);
            #[cfg(feature = "defend")]
            crate::defend::rank_suggested(snap, &mut items);
            items
        }
        Site::AttackObject { stix_type } => attack_objects(snap, stix_type),
        Site::OperatorWord => ["AND", "OR"]
            .iter()
            .map(|o| Item::new(*o, ItemKind::Value).detail("operator"))
            .collect(),
        Site::EdgeNode { flow_only } => nodes(
            snap,
            if *flow_only {
                af_stix::flow::FLOW_NODE_TYPES
            } else {
                &[]
            },
        ),
        Site::EdgeLabel { sources } => edge_labels(snap, sources),
        Site::Key { owner, present } => keys(owner, present),
        Site::Value { owner, key } => values(snap, owner, key, &ctx.prefix),
    };
    if !ctx.prefix.is_empty() {
        let p = ctx.prefix.to_lowercase();
        items.retain(|i| matches_prefix(i, &p));
    }
    Completions {
        items,
        replace: ctx.replace,
    }
}

/// Whether an item fits the typed prefix (lowercase): its label starts with it, or a word of
/// its filter text does.
fn matches_prefix(item: &Item, prefix: &str) -> bool {
    if starts_with_ci(&item.label, prefix) {
        return true;
    }
    let Some(filter) = &item.filter else {
        return false;
    };
    filter
        .split(|c: char| c.is_whitespace() || c == ':')
        .any(|w| starts_with_ci(w, prefix))
        || filter
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| starts_with_ci(w, prefix))
}

fn starts_with_ci(s: &str, lower_prefix: &str) -> bool {
    s.len() >= lower_prefix.len()
        && s.is_char_boundary(lower_prefix.len())
        && s[..lower_prefix.len()].to_lowercase() == lower_prefix
}

fn tactic_names(catalog: &Catalog) -> HashMap<&str, &str> {
    let mut names = HashMap::new();
    for t in catalog.tactics(None) {
        names.entry(t.id.as_ref()).or_insert(t.name.as_ref());
    }
    names
}

/// Technique ids of the catalogs the settings offer.
fn techniques(snap: &Snapshot, prefix: &str) -> Vec<Item> {
    let catalog = snap.catalog();
    let names = tactic_names(catalog);
    let lower = prefix.to_lowercase();
    let mut active = Vec::new();
    let mut inactive = Vec::new();
    for t in catalog.techniques() {
        if !snap.config.offers(t.catalog) {
            continue;
        }
        let full = t.full_name();
        // Filter here already: building thousands of items is the expensive part.
        if !lower.is_empty()
            && !starts_with_ci(&t.id, &lower)
            && !full
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| starts_with_ci(w, &lower))
        {
            continue;
        }
        let mut detail = full.clone();
        if !t.tactics.is_empty() {
            detail.push_str(" · ");
            for (i, tac) in t.tactics.iter().enumerate() {
                if i > 0 {
                    detail.push_str(", ");
                }
                detail.push_str(names.get(tac.as_ref()).copied().unwrap_or(tac));
            }
        }
        if !t.status.is_active() {
            detail.push_str(&format!(" ({})", t.status));
        }
        let mut item = Item::new(t.id.as_ref(), ItemKind::Technique).detail(detail);
        item.filter = Some(format!("{} {full}", t.id));
        item.deprecated = !t.status.is_active();
        if item.deprecated {
            inactive.push(item);
        } else {
            active.push(item);
        }
    }
    active.extend(inactive);
    active
}

/// ATT&CK ids of the objects a node of `stix_type` may name (`malware m S0154`): software
/// of that type, groups, campaigns or mitigations; current ones first.
fn attack_objects(snap: &Snapshot, stix_type: &str) -> Vec<Item> {
    let Some(kind) = af_catalog::ObjectKind::of_stix_type(stix_type) else {
        return Vec::new();
    };
    let mut seen = HashSet::new();
    let (mut active, mut inactive) = (Vec::new(), Vec::new());
    for o in snap.catalog().objects() {
        let fits = o.kind == kind && o.stix_type().is_none_or(|t| t == stix_type);
        if !fits || !seen.insert(o.id.as_ref()) {
            continue;
        }
        let mut item = Item::new(o.id.as_ref(), ItemKind::AttackObject).detail(o.name.to_string());
        let mut filter = format!("{} {}", o.id, o.name);
        for a in &o.aliases {
            filter.push(' ');
            filter.push_str(a);
        }
        item.filter = Some(filter);
        if o.status.is_active() {
            active.push(item);
        } else {
            item.deprecated = true;
            inactive.push(item);
        }
    }
    active.extend(inactive);
    active
}

/// Tactic ids of the catalogs the settings offer.
fn tactics(snap: &Snapshot) -> Vec<Item> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for t in snap.catalog().tactics(None) {
        if !snap.config.offers(t.catalog) || !seen.insert(t.id.as_ref()) {
            continue;
        }
        let domain = match t.domain {
            af_catalog::Domain::None => String::new(),
            d => format!(" {d}"),
        };
        let mut item =
            Item::new(t.id.as_ref(), ItemKind::Tactic).detail(format!("{} ({}{domain})", t.name, t.catalog));
        item.filter = Some(format!(
            "{} {} {}",
            t.id,
            t.shortname.as_deref().unwrap_or_default(),
            t.name
        ));
        item.deprecated = t.deprecated;
        out.push(item);
    }
    out
}

/// Declared nodes whose type is one of `allowed` (empty: any), each name once.
fn nodes(snap: &Snapshot, allowed: &[&str]) -> Vec<Item> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for n in &snap.model.nodes {
        let fits = allowed.is_empty() || n.stix_type.as_deref().is_some_and(|t| allowed.contains(&t));
        if !fits || !seen.insert(n.name.as_str()) {
            continue;
        }
        let mut detail = n.kind.to_string();
        if let Some(w) = &n.word {
            detail.push(' ');
            detail.push_str(&w.text);
        }
        if let Some(t) = &n.title {
            detail.push_str(&format!(" \"{t}\""));
        }
        let mut item = Item::new(n.name.clone(), ItemKind::Node).detail(detail);
        if let Some(t) = &n.title {
            item.filter = Some(format!("{} {t}", n.name));
        }
        out.push(item);
    }
    out
}

fn statement_start(snap: &Snapshot) -> Vec<Item> {
    let mut out = Vec::new();
    if snap.model.flow.is_none() {
        let scopes = match types::property("attack-flow", "scope").map(|p| p.kind) {
            Some(PropKind::Enum(v)) => v.join(","),
            _ => "incident".to_string(),
        };
        let mut s = Item::new("flow", ItemKind::Snippet).detail("flow header");
        s.insert = Some(format!(
            "flow \"${{1:Name of the flow}}\" {{\n  scope: ${{2|{scopes}|}}\n  created: ${{3:2026-01-01T00:00:00Z}}\n  description: \"${{4:What happened}}\"\n}}\n$0"
        ));
        s.snippet = true;
        s.documentation = Some("The flow header: its name, scope, creation time and description.".into());
        out.push(s);
    }
    let mut a = Item::new("action", ItemKind::Snippet).detail("action NAME TECHNIQUE \"TITLE\"");
    a.insert = Some("action ${1:name} ${2:T1566} \"${3:What the adversary did}\"$0".into());
    a.snippet = true;
    out.push(a);
    let mut c = Item::new("condition", ItemKind::Snippet).detail("condition NAME \"WHAT MUST HOLD\"");
    c.insert = Some("condition ${1:name} \"${2:What must hold}\"$0".into());
    c.snippet = true;
    out.push(c);
    for (short, long) in af_stix::language::KINDS {
        out.push(
            Item::new(*short, ItemKind::Kind)
                .detail(format!("node kind ({long})"))
                .doc(kind_doc(long)),
        );
    }
    for t in types::all_types() {
        if t.category == Category::AttackFlow || t.name == "bundle" {
            continue;
        }
        out.push(Item::new(t.name, ItemKind::Kind).detail(category_name(t.category)));
    }
    out.extend(nodes(snap, &[]));
    out
}

fn kind_doc(stix_type: &str) -> &'static str {
    match stix_type {
        "attack-action" => "A step of the attack: `action NAME TECHNIQUE \"TITLE\" { … }`.",
        "attack-condition" => {
            "A state the flow depends on: `condition NAME \"WHAT MUST HOLD\"`; `->` is its true branch."
        }
        "attack-operator" => "Joins branches: `operator NAME AND` or `operator NAME OR`.",
        "attack-asset" => "Something the adversary acts on: `asset NAME \"TITLE\" { object_ref: … }`.",
        _ => "",
    }
}

/// A short phrase for a type's family.
pub fn category_name(c: Category) -> &'static str {
    match c {
        Category::AttackFlow => "Attack Flow object",
        Category::Sdo => "STIX domain object",
        Category::Sco => "STIX cyber-observable",
        Category::Sro => "STIX relationship object",
        Category::Meta => "STIX meta object",
    }
}

fn edge_labels(snap: &Snapshot, sources: &[String]) -> Vec<Item> {
    let mut out = Vec::new();
    let from_condition = sources.iter().any(|s| {
        snap.model
            .node(s)
            .is_some_and(|(_, n)| n.stix_type.as_deref() == Some("attack-condition"))
    });
    if from_condition {
        out.push(Item::new("false", ItemKind::Value).detail("the false branch (on_false_refs)"));
        out.push(Item::new("true", ItemKind::Value).detail("the true branch (on_true_refs)"));
    }
    for r in RELATIONSHIP_TYPES {
        out.push(Item::new(*r, ItemKind::Value).detail("relationship type"));
    }
    out
}

/// Keys the compiler sets itself: never offered.
const SET_BY_COMPILER: &[&str] = &["type", "spec_version", "extensions"];

/// The properties of a type: its own, then the common ones of its family.
pub fn properties_of(stix_type: &str) -> Vec<&'static PropInfo> {
    match types::type_info(stix_type) {
        Some(info) => {
            let mut v: Vec<&PropInfo> = info.properties.iter().collect();
            if info.inherits_common {
                v.extend(types::common_properties(info.category));
            }
            v
        }
        None if types::is_custom_type(stix_type) => types::common_properties(Category::Sdo).iter().collect(),
        None => Vec::new(),
    }
}

/// Keys the language adds to a type: (key, doc), from af-stix's sugar table.
pub fn sugar_keys(stix_type: &str) -> Vec<(&'static str, &'static str)> {
    af_stix::language::sugar_keys(stix_type)
        .map(|s| (s.key, s.doc))
        .collect()
}

/// Fields of the nested objects afc knows: (key, doc).
pub fn nested_keys(owner: &OwnerType) -> &'static [(&'static str, &'static str)] {
    match owner {
        OwnerType::ExternalReference => &[
            ("source_name", "The name of the source (required)."),
            ("description", "A human-readable description."),
            ("url", "A URL reference to the source."),
            (
                "external_id",
                "An identifier of the object in the source, such as `T1566`.",
            ),
            ("hashes", "Hashes of the content the URL points at."),
        ],
        OwnerType::KillChainPhase => &[
            (
                "kill_chain_name",
                "The name of the kill chain, e.g. `mitre-attack`.",
            ),
            ("phase_name", "The name of the phase, e.g. `initial-access`."),
        ],
        OwnerType::GranularMarking => &[
            ("marking_ref", "The marking-definition that applies."),
            ("lang", "The language the marking applies to."),
            ("selectors", "The properties the marking applies to."),
        ],
        _ => &[],
    }
}

/// A phrase for the values a property takes.
pub fn describe_kind(kind: &PropKind) -> String {
    let targets = |t: &[&str]| {
        if t.is_empty() {
            "any object".to_string()
        } else {
            t.iter().map(|t| kind_word_of(t)).collect::<Vec<_>>().join(" or ")
        }
    };
    match kind {
        PropKind::String => "string".into(),
        PropKind::Integer => "integer".into(),
        PropKind::Number => "number".into(),
        PropKind::Boolean => "true or false".into(),
        PropKind::Timestamp => "timestamp".into(),
        PropKind::Binary => "base64 string".into(),
        PropKind::Hex => "hex string".into(),
        PropKind::Ref(t) => format!("name of {}", targets(t)),
        PropKind::RefList(t) => format!("list of names of {}", targets(t)),
        PropKind::StringList => "list of strings".into(),
        PropKind::Enum(_) => "one of a fixed set".into(),
        PropKind::OpenVocab(_) => "open vocabulary".into(),
        PropKind::OpenVocabList(_) => "list from an open vocabulary".into(),
        PropKind::Hashes => "hashes { ALGORITHM: \"…\" }".into(),
        PropKind::Dictionary => "dictionary".into(),
        PropKind::KillChainPhases => "list of kill chain phases".into(),
        PropKind::ExternalReferences => "list of external references".into(),
        PropKind::Extensions => "extensions".into(),
        PropKind::GranularMarkings => "list of granular markings".into(),
        PropKind::ObjectList => "list of objects".into(),
        PropKind::Object => "object".into(),
        PropKind::Any => "any value".into(),
    }
}

fn key_item(key: &str, detail: String, doc: &str) -> Item {
    let mut item = Item::new(key, ItemKind::Key).detail(detail);
    if !doc.is_empty() {
        item.documentation = Some(doc.to_string());
    }
    item.insert = Some(format!("{key}: "));
    item
}

fn keys(owner: &OwnerType, present: &[String]) -> Vec<Item> {
    let mut out = Vec::new();
    let mut seen: HashSet<&str> = present.iter().map(String::as_str).collect();
    match owner {
        OwnerType::Stix(t) => {
            for (k, doc) in sugar_keys(t) {
                if seen.insert(k) {
                    out.push(key_item(k, "afc".into(), doc));
                }
            }
            let skip: &[&str] = if t == "relationship" {
                &["relationship_type", "source_ref", "target_ref"]
            } else {
                &[]
            };
            for p in properties_of(t) {
                if SET_BY_COMPILER.contains(&p.name) || skip.contains(&p.name) || !seen.insert(p.name) {
                    continue;
                }
                out.push(key_item(p.name, describe_kind(&p.kind), p.doc));
            }
        }
        OwnerType::Hashes => {
            for a in types::vocabulary("hash-algorithm-ov").unwrap_or_default() {
                if seen.insert(a) {
                    out.push(key_item(a, "hash algorithm".into(), ""));
                }
            }
        }
        other => {
            for (k, doc) in nested_keys(other) {
                if seen.insert(k) {
                    out.push(key_item(k, String::new(), doc));
                }
            }
        }
    }
    out
}

fn values(snap: &Snapshot, owner: &OwnerType, key: &str, _prefix: &str) -> Vec<Item> {
    let OwnerType::Stix(t) = owner else {
        if af_stix::refs::is_reference_key(key) {
            let allowed: &[&str] = if key == "marking_ref" {
                &["marking-definition"]
            } else {
                &[]
            };
            return nodes(snap, allowed);
        }
        return Vec::new();
    };
    match (t.as_str(), key) {
        ("attack-action", "tactic") => return tactics(snap),
        ("attack-flow", "author") => return nodes(snap, &["identity"]),
        ("attack-flow", "marking") => {
            let mut out: Vec<Item> = af_stix::marking::tlp_names()
                .iter()
                .map(|n| Item::new(*n, ItemKind::Value).detail("TLP marking"))
                .collect();
            out.extend(nodes(snap, &["marking-definition"]));
            return out;
        }
        (_, "confidence") => {
            return af_stix::confidence::terms()
                .iter()
                .map(|(w, v)| Item::new(*w, ItemKind::Value).detail(format!("confidence {v}")))
                .collect();
        }
        _ => {}
    }
    let kind = types::property(t, key).map(|p| p.kind);
    match kind {
        Some(PropKind::Ref(allowed) | PropKind::RefList(allowed)) => nodes(snap, allowed),
        Some(PropKind::Enum(vs)) => vs
            .iter()
            .map(|v| Item::new(*v, ItemKind::Value).detail(key.to_string()))
            .collect(),
        Some(PropKind::OpenVocab(vs) | PropKind::OpenVocabList(vs)) => vs
            .iter()
            .map(|v| Item::new(*v, ItemKind::Value).detail(format!("{key} (open vocabulary)")))
            .collect(),
        Some(PropKind::Boolean) => ["true", "false"]
            .iter()
            .map(|v| Item::new(*v, ItemKind::Value))
            .collect(),
        None if af_stix::refs::is_reference_key(key) => nodes(snap, &[]),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete_at(src: &str) -> Completions {
        let offset = src.find("$0").unwrap_or(src.len());
        let text = src.replacen("$0", "", 1);
        complete(&Snapshot::with_defaults(&text), offset)
    }

    fn labels(c: &Completions) -> Vec<&str> {
        c.items.iter().map(|i| i.label.as_str()).collect()
    }

    #[test]
    fn attack_ids_after_software_and_groups() {
        let c = complete_at("malware m S01$0");
        assert!(labels(&c).contains(&"S0154"), "{:?}", labels(&c));
        assert!(c.items.iter().all(|i| i.kind == ItemKind::AttackObject));
        let by_name = complete_at("malware m cobalt$0");
        assert!(labels(&by_name).contains(&"S0154"), "{:?}", labels(&by_name));
        let groups = complete_at("intrusion-set g G00$0");
        assert!(labels(&groups).contains(&"G0016") && !labels(&groups).contains(&"S0154"));
        // Mimikatz is a tool in ATT&CK: not offered for malware.
        assert!(!labels(&complete_at("malware m S0002$0")).contains(&"S0002"));
        assert!(labels(&complete_at("tool t S0002$0")).contains(&"S0002"));
    }

    #[test]
    fn technique_ids_by_id_prefix_and_by_name_word() {
        let c = complete_at("action x T1566$0");
        let l = labels(&c);
        assert!(l.contains(&"T1566") && l.contains(&"T1566.001"), "{l:?}");
        assert!(l.iter().all(|l| l.starts_with("T1566")), "{l:?}");
        let c = complete_at("action x phish$0");
        let l = labels(&c);
        assert!(l.contains(&"T1566") && l.contains(&"T1566.002"), "{l:?}");
        let sub = c.items.iter().find(|i| i.label == "T1566.002");
        let detail = sub.and_then(|i| i.detail.as_deref()).unwrap_or_default();
        assert!(detail.starts_with("Phishing: Spearphishing Link"), "{detail}");
        assert!(detail.contains("Initial Access"), "{detail}");
    }

    #[test]
    fn revoked_techniques_are_tagged_and_last() {
        let c = complete_at("action x T1073$0");
        let t = c.items.iter().find(|i| i.label == "T1073");
        assert!(t.is_some_and(|t| t.deprecated), "{:?}", labels(&c));
        let first_deprecated = c.items.iter().position(|i| i.deprecated);
        let last_active = c.items.iter().rposition(|i| !i.deprecated);
        if let (Some(d), Some(a)) = (first_deprecated, last_active) {
            assert!(a < d);
        }
    }

    #[test]
    fn catalog_setting_limits_techniques() {
        let config = crate::snapshot::Config {
            catalogs: vec![af_catalog::CatalogKind::Atlas],
            ..Default::default()
        };
        let snap = Snapshot::new("action x ".into(), 0, std::sync::Arc::new(config));
        let c = complete(&snap, 9);
        assert!(!c.items.is_empty());
        assert!(c.items.iter().all(|i| i.label.starts_with("AML.")));
    }

    #[test]
    fn names_are_filtered_by_kind() {
        let src =
            "action a T1 { asset_refs: [$0] }\nasset h \"Host\"\ncondition c \"C\"\nprocess p \"cmd\"\n";
        assert_eq!(labels(&complete_at(src)), ["h"]);
        let src = "action a T1 { command_ref: $0 }\nasset h \"Host\"\nprocess p \"cmd\"\n";
        assert_eq!(labels(&complete_at(src)), ["p"]);
        let src = "action a T1\nasset h \"Host\"\ncondition c \"C\"\na -> $0";
        assert_eq!(labels(&complete_at(src)), ["a", "c"]);
        let src = "action a T1\nasset h \"Host\"\na -[related-to]-> $0";
        assert_eq!(labels(&complete_at(src)), ["a", "h"]);
    }

    #[test]
    fn keys_with_docs_and_sugar() {
        let c = complete_at("action a T1 {\n  $0\n}");
        let l = labels(&c);
        assert_eq!(l.first(), Some(&"tactic"));
        assert!(l.contains(&"asset_refs") && l.contains(&"command_ref") && l.contains(&"confidence"));
        assert!(!l.contains(&"type") && !l.contains(&"spec_version"));
        let asset_refs = c.items.iter().find(|i| i.label == "asset_refs");
        assert!(asset_refs
            .is_some_and(|i| i.documentation.is_some() && i.insert.as_deref() == Some("asset_refs: ")));
        let c = complete_at("action a T1 {\n  tactic: TA0001\n  ta$0\n}");
        assert!(!labels(&c).contains(&"tactic"));
        assert!(labels(&complete_at("flow \"F\" {\n  $0\n}")).contains(&"marking"));
    }

    #[test]
    fn enum_and_vocabulary_values() {
        let l = |s: &str| {
            complete_at(s)
                .items
                .into_iter()
                .map(|i| i.label)
                .collect::<Vec<_>>()
        };
        assert!(l("flow \"F\" { scope: $0 }").contains(&"incident".to_string()));
        assert!(l("action a T1 { confidence: $0 }").contains(&"almost-certain".to_string()));
        assert!(l("identity i \"I\" { identity_class: $0 }").contains(&"organization".to_string()));
        assert!(l("malware m \"M\" { malware_types: [$0] }").contains(&"ransomware".to_string()));
        assert!(l("infrastructure i \"I\" { infrastructure_types: [$0] }").contains(&"botnet".to_string()));
        assert!(l("tool t \"T\" { tool_types: [$0] }").contains(&"remote-access".to_string()));
        assert!(l("flow \"F\" { marking: tlp-$0 }").contains(&"tlp-green".to_string()));
        assert_eq!(l("operator o $0"), ["AND", "OR"]);
        let tactics = l("action a T1 { tactic: $0 }");
        assert!(tactics.contains(&"TA0001".to_string()) && tactics.contains(&"AML.TA0002".to_string()));
        assert!(l("action a T1 { tactic: initial$0 }").contains(&"TA0001".to_string()));
    }

    #[test]
    fn statement_start_offers_kinds_snippets_and_names() {
        let c = complete_at("action a T1\n$0");
        let l = labels(&c);
        assert!(
            l.contains(&"flow") && l.contains(&"malware") && l.contains(&"ipv4-addr") && l.contains(&"a")
        );
        assert!(!l.contains(&"attack-action") && !l.contains(&"bundle"));
        assert!(c.items.iter().any(|i| i.snippet && i.label == "action"));
        let c = complete_at("flow \"F\" { scope: incident }\n$0");
        assert!(!c.items.iter().any(|i| i.snippet && i.label == "flow"));
    }

    #[test]
    fn edge_labels_offer_branches_after_conditions() {
        let src = "condition c \"C\"\naction a T1\n";
        let l1: Vec<String> = complete_at(&format!("{src}c -[$0"))
            .items
            .into_iter()
            .map(|i| i.label)
            .collect();
        assert_eq!(&l1[..2], ["false", "true"]);
        let l2: Vec<String> = complete_at(&format!("{src}a -[$0"))
            .items
            .into_iter()
            .map(|i| i.label)
            .collect();
        assert!(!l2.contains(&"false".to_string()) && l2.contains(&"uses".to_string()));
    }

    #[test]
    fn nothing_where_a_new_name_goes() {
        assert!(complete_at("action $0").items.is_empty());
    }
}
