//! Reads the STIX 2.1 and Attack Flow 2.0 JSON schemas and writes the Rust source of
//! `af_stix::types`' table (`src/generated_types.rs`).
//!
//! Shared by the `gen_types` example (which writes the file) and the `generated_types` test
//! (which checks the committed file is what the schemas give today).
//!
//! What comes from the schemas: the types and their categories (by folder), every property and
//! its kind, the documentation line (the schema's description cut to its first sentence),
//! reference targets where the schema spells them as an id pattern, the vocabularies and
//! enumerations, and the required properties (`required` lists, including those inside
//! `allOf`, plus those every `oneOf` branch requires).
//!
//! What comes from the hand-written overlay below (STIX 2.1 specification knowledge the
//! schemas leave out): reference targets of `_ref`/`_refs` properties the schemas type as plain
//! strings or bare identifiers, the display property of every type, vocabulary links the
//! schemas' descriptions do not name, two fixes for vocabulary values the schemas spell wrong,
//! and a few kinds and documentation lines. The overlay is checked: every entry must be used,
//! and every reference property without schema targets must have an entry.

use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

// ---------------------------------------------------------------------------------------------
// Overlay: facts from the STIX 2.1 specification (and the Attack Flow descriptions) that the
// schemas do not carry in machine-readable form.
// ---------------------------------------------------------------------------------------------

/// Reference targets for `_ref` / `_refs` properties whose schema gives no id pattern.
/// `*core` means the STIX core properties, `*sco` the cyber-observable core properties.
/// An empty list means "any type" (decided, not forgotten).
const REF_TARGETS: &[(&str, &str, &[&str])] = &[
    ("*core", "created_by_ref", &["identity"]),
    ("*core", "object_marking_refs", &["marking-definition"]),
    ("*sco", "object_marking_refs", &["marking-definition"]),
    // Attack Flow: "For ATT&CK, this should be an ``x-mitre-tactic`` object": a
    // recommendation, so any type is accepted (and both the compiler and the validator agree).
    ("attack-action", "tactic_ref", &[]),
    // Attack Flow: "A reference to any STIX data object (i.e. SDO) or observable (i.e. SCO)".
    ("attack-asset", "object_ref", &[]),
    ("marking-definition", "created_by_ref", &["identity"]),
    ("language-content", "object_ref", &[]),
    ("grouping", "object_refs", &[]),
    ("note", "object_refs", &[]),
    ("opinion", "object_refs", &[]),
    ("report", "object_refs", &[]),
    ("observed-data", "object_refs", &[]),
    ("malware", "sample_refs", &["file", "artifact"]),
    ("malware-analysis", "analysis_sco_refs", &[]),
    ("relationship", "source_ref", &[]),
    ("relationship", "target_ref", &[]),
    ("sighting", "sighting_of_ref", &[]),
    ("directory", "contains_refs", &["file", "directory"]),
    (
        "domain-name",
        "resolves_to_refs",
        &["ipv4-addr", "ipv6-addr", "domain-name"],
    ),
    ("email-addr", "belongs_to_ref", &["user-account"]),
    ("email-message", "from_ref", &["email-addr"]),
    ("email-message", "sender_ref", &["email-addr"]),
    ("email-message", "to_refs", &["email-addr"]),
    ("email-message", "cc_refs", &["email-addr"]),
    ("email-message", "bcc_refs", &["email-addr"]),
    ("email-message", "raw_email_ref", &["artifact"]),
    ("file", "parent_directory_ref", &["directory"]),
    ("file", "contains_refs", &[]),
    ("file", "content_ref", &["artifact"]),
    ("ipv4-addr", "resolves_to_refs", &["mac-addr"]),
    ("ipv4-addr", "belongs_to_refs", &["autonomous-system"]),
    ("ipv6-addr", "resolves_to_refs", &["mac-addr"]),
    ("ipv6-addr", "belongs_to_refs", &["autonomous-system"]),
    (
        "network-traffic",
        "src_ref",
        &["ipv4-addr", "ipv6-addr", "mac-addr", "domain-name"],
    ),
    (
        "network-traffic",
        "dst_ref",
        &["ipv4-addr", "ipv6-addr", "mac-addr", "domain-name"],
    ),
    ("network-traffic", "src_payload_ref", &["artifact"]),
    ("network-traffic", "dst_payload_ref", &["artifact"]),
    ("network-traffic", "encapsulates_refs", &["network-traffic"]),
    ("network-traffic", "encapsulated_by_ref", &["network-traffic"]),
    ("process", "opened_connection_refs", &["network-traffic"]),
    ("process", "creator_user_ref", &["user-account"]),
    ("process", "image_ref", &["file"]),
    ("process", "parent_ref", &["process"]),
    ("process", "child_refs", &["process"]),
    ("windows-registry-key", "creator_user_ref", &["user-account"]),
];

/// The property a node's `"TITLE"` fills, for every type (None: the type has no display
/// property). Every type in the schemas must be listed here.
const DISPLAY: &[(&str, Option<&str>)] = &[
    ("attack-flow", Some("name")),
    ("attack-action", Some("name")),
    ("attack-asset", Some("name")),
    ("attack-condition", Some("description")),
    ("attack-operator", None),
    ("attack-pattern", Some("name")),
    ("campaign", Some("name")),
    ("course-of-action", Some("name")),
    ("grouping", Some("name")),
    ("identity", Some("name")),
    ("incident", Some("name")),
    ("indicator", Some("name")),
    ("infrastructure", Some("name")),
    ("intrusion-set", Some("name")),
    ("location", Some("name")),
    ("malware", Some("name")),
    ("malware-analysis", Some("product")),
    ("note", Some("content")),
    ("observed-data", None),
    ("opinion", Some("explanation")),
    ("report", Some("name")),
    ("threat-actor", Some("name")),
    ("tool", Some("name")),
    ("vulnerability", Some("name")),
    ("relationship", None),
    ("sighting", None),
    ("artifact", None),
    ("autonomous-system", Some("name")),
    ("directory", Some("path")),
    ("domain-name", Some("value")),
    ("email-addr", Some("value")),
    ("email-message", Some("subject")),
    ("file", Some("name")),
    ("ipv4-addr", Some("value")),
    ("ipv6-addr", Some("value")),
    ("mac-addr", Some("value")),
    ("mutex", Some("name")),
    ("network-traffic", None),
    ("process", Some("command_line")),
    ("software", Some("name")),
    ("url", Some("value")),
    ("user-account", Some("display_name")),
    ("windows-registry-key", Some("key")),
    ("x509-certificate", Some("subject")),
    ("marking-definition", Some("name")),
    ("extension-definition", Some("name")),
    ("language-content", None),
    ("bundle", None),
];

/// Open vocabularies whose schema description does not name them (or misspells the name:
/// `architecture_execution_envs` says `processor-architecture-os`).
const VOCAB_LINKS: &[(&str, &str, &str)] = &[
    (
        "malware",
        "architecture_execution_envs",
        "processor-architecture-ov",
    ),
    ("indicator", "pattern_type", "pattern-type-ov"),
    ("location", "region", "region-ov"),
    ("grouping", "context", "grouping-context-ov"),
    ("malware-analysis", "result", "malware-result-ov"),
];

/// Vocabulary values the schemas spell differently from the STIX 2.1 specification:
/// (vocabulary, schema value, specification values).
const VOCAB_FIXES: &[(&str, &str, &[&str])] = &[
    // Two entries run together in the schema.
    (
        "region-ov",
        "central-america northern-america",
        &["central-america", "northern-america"],
    ),
    (
        "region-ov",
        "europe eastern-europe",
        &["europe", "eastern-europe"],
    ),
    // The specification (and the stix2 library) use hyphens.
    ("account-type-ov", "windows local", &["windows-local"]),
    ("account-type-ov", "windows domain", &["windows-domain"]),
];

/// Kinds the schemas get too loose or too tight.
fn kind_override(type_name: &str, prop: &str) -> Option<Kind> {
    match (type_name, prop) {
        // Statement or TLP; the schema splits it over `oneOf` branches with patterns.
        ("marking-definition", "definition_type") => Some(Kind::OpenVocab(Values::Inline(vec![
            "statement".into(),
            "tlp".into(),
        ]))),
        _ => None,
    }
}

/// Documentation lines for properties whose schema gives no description.
const DOCS: &[(&str, &str, &str)] = &[(
    "marking-definition",
    "id",
    "The identifier of this marking definition.",
)];

/// What the schemas' string constraints (`pattern`, `format`, `not: {pattern}`) mean, as the
/// `Format` the checker of `af_stix::check` tests: (type, property, `Format` variant). Every
/// constrained string property must be listed, and every entry must match a constrained
/// property, so a schema change cannot slip by.
const FORMATS: &[(&str, &str, &str)] = &[
    ("relationship", "relationship_type", "LowerKebab"),
    ("ipv4-addr", "value", "Ipv4Cidr"),
    ("ipv6-addr", "value", "Ipv6Cidr"),
    ("mac-addr", "value", "MacAddress"),
    ("domain-name", "value", "Hostname"),
    ("email-addr", "value", "Email"),
    ("url", "value", "Uri"),
    ("artifact", "url", "Uri"),
    ("artifact", "mime_type", "MimeType"),
    ("file", "name_enc", "CharacterSet"),
    ("directory", "path_enc", "CharacterSet"),
    ("software", "cpe", "Cpe23"),
    ("software", "languages", "LanguageCode"),
    ("windows-registry-key", "key", "RegistryKey"),
];

/// What the value patterns of `common/hashes-type.json` mean: (algorithm, `Format` variant).
/// Every algorithm the schema constrains must be listed.
const HASH_FORMATS: &[(&str, &str)] = &[
    ("MD5", "HexDigits(32)"),
    ("SHA-1", "HexDigits(40)"),
    ("SHA-256", "HexDigits(64)"),
    ("SHA-512", "HexDigits(128)"),
    ("SHA3-256", "HexDigits(64)"),
    ("SHA3-512", "HexDigits(128)"),
    ("SSDEEP", "Ssdeep"),
    ("TLSH", "Tlsh"),
];

// ---------------------------------------------------------------------------------------------
// The generator.
// ---------------------------------------------------------------------------------------------

/// Names of the values of an enumeration or vocabulary.
#[derive(Debug, Clone, PartialEq)]
enum Values {
    /// A named vocabulary (emitted as a constant).
    Named(String),
    /// Values written in place.
    Inline(Vec<String>),
}

/// The kind of a property or array item while classifying.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Simple(&'static str),
    Ref(Vec<String>),
    RefList(Vec<String>),
    Enum(Values),
    OpenVocab(Values),
    OpenVocabList(Values),
    // Item kinds, only valid inside arrays.
    KillChainPhase,
    ExternalReference,
    GranularMarking,
}

struct GenProp {
    name: String,
    kind: Kind,
    doc: String,
    /// The `Format` variant of a constrained string (from [`FORMATS`]).
    format: Option<String>,
    /// The schema's `minimum` / `maximum`.
    bounds: Option<(i64, i64)>,
}

struct GenType {
    name: String,
    category: &'static str,
    source: String,
    display: Option<String>,
    inherits: bool,
    props: Vec<GenProp>,
    required: Vec<String>,
}

/// One object type's schema, before it is turned into a table entry.
struct Source<'a> {
    category: &'static str,
    name: String,
    /// Where the schema is, relative to the schema folder.
    rel: String,
    schema: &'a Value,
    /// The schema file's local definitions.
    defs: Option<&'a Map<String, Value>>,
}

struct Ctx {
    /// Every named string enumeration in the schemas (`*-ov`, `*-enum`), after fixes.
    vocabs: BTreeMap<String, (Vec<String>, String)>,
    used_refs: BTreeSet<(String, String)>,
    used_vocab_links: BTreeSet<(String, String)>,
    used_docs: BTreeSet<(String, String)>,
    used_formats: BTreeSet<(String, String)>,
    /// (algorithm, `Format` variant) of the hash algorithms the schema constrains.
    hash_formats: Vec<(String, String)>,
}

fn load(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))
}

fn obj<'a>(v: &'a Value, key: &str) -> Option<&'a Map<String, Value>> {
    v.get(key).and_then(Value::as_object)
}

fn arr<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    arr(v, key)
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

/// The last path component of a `$ref`, or the definition name of a local `#/definitions/X`.
fn ref_name(r: &str) -> &str {
    r.rsplit('/').next().unwrap_or(r)
}

/// Target types spelled as an id pattern: `^process--`, `^(identity|location)--`.
fn pattern_targets(pattern: &str) -> Option<Vec<String>> {
    let body = pattern.strip_prefix('^')?.strip_suffix("--")?;
    let body = body
        .strip_prefix('(')
        .and_then(|b| b.strip_suffix(')'))
        .unwrap_or(body);
    let targets: Vec<String> = body.split('|').map(str::to_string).collect();
    if targets
        .iter()
        .all(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'))
    {
        Some(targets)
    } else {
        None
    }
}

/// Collects the id-pattern targets of one `allOf` part (its `pattern` or `oneOf` patterns).
fn part_targets(part: &Value, out: &mut Vec<String>) {
    if let Some(t) = part
        .get("pattern")
        .and_then(Value::as_str)
        .and_then(pattern_targets)
    {
        out.extend(t);
    }
    for alt in arr(part, "oneOf") {
        part_targets(alt, out);
    }
}

fn classify_ref(r: &str, defs: Option<&Map<String, Value>>, ctx: &Ctx) -> Result<Kind, String> {
    let name = ref_name(r);
    Ok(match name {
        "timestamp.json" => Kind::Simple("Timestamp"),
        "binary.json" => Kind::Simple("Binary"),
        "hex.json" => Kind::Simple("Hex"),
        "url-regex.json" => Kind::Simple("String"),
        "hashes-type.json" => Kind::Simple("Hashes"),
        "dictionary.json" => Kind::Simple("Dictionary"),
        "identifier.json" => Kind::Ref(Vec::new()),
        "kill-chain-phase.json" => Kind::KillChainPhase,
        "external-reference.json" => Kind::ExternalReference,
        "granular-marking.json" => Kind::GranularMarking,
        _ if r.starts_with("#/") => {
            if ctx.vocabs.contains_key(name) {
                if name.ends_with("-ov") {
                    Kind::OpenVocab(Values::Named(name.to_string()))
                } else {
                    Kind::Enum(Values::Named(name.to_string()))
                }
            } else if name.ends_with("-extensions-dictionary") {
                Kind::Simple("Extensions")
            } else {
                let def = defs
                    .and_then(|d| d.get(name))
                    .ok_or_else(|| format!("unresolved local $ref {r}"))?;
                classify(def, defs, ctx)?
            }
        }
        _ => return Err(format!("unknown $ref {r}")),
    })
}

fn classify(p: &Value, defs: Option<&Map<String, Value>>, ctx: &Ctx) -> Result<Kind, String> {
    if let Some(r) = p.get("$ref").and_then(Value::as_str) {
        return classify_ref(r, defs, ctx);
    }
    if let Some(parts) = p.get("allOf").and_then(Value::as_array) {
        let mut first: Option<Kind> = None;
        let mut targets = Vec::new();
        for part in parts {
            if let Some(r) = part.get("$ref").and_then(Value::as_str) {
                first.get_or_insert(classify_ref(r, defs, ctx)?);
            }
            part_targets(part, &mut targets);
        }
        match first {
            Some(Kind::Ref(_)) => return Ok(Kind::Ref(targets)),
            Some(k) => return Ok(k),
            None => {}
        }
    }
    Ok(match p.get("type").and_then(Value::as_str) {
        Some("string") => {
            let values = strings(p, "enum");
            if values.is_empty() {
                Kind::Simple("String")
            } else {
                Kind::Enum(Values::Inline(values))
            }
        }
        Some("integer") => Kind::Simple("Integer"),
        Some("number") => Kind::Simple("Number"),
        Some("boolean") => Kind::Simple("Boolean"),
        Some("array") => match p.get("items") {
            None => Kind::Simple("ObjectList"),
            Some(items) => match classify(items, defs, ctx)? {
                Kind::Ref(t) => Kind::RefList(t),
                Kind::Simple("String") => Kind::Simple("StringList"),
                // Only `extension_types` is a list of closed-enumeration values; the table has
                // no kind for that, and an open-vocabulary list keeps the values.
                Kind::Enum(v) | Kind::OpenVocab(v) => Kind::OpenVocabList(v),
                Kind::KillChainPhase => Kind::Simple("KillChainPhases"),
                Kind::ExternalReference => Kind::Simple("ExternalReferences"),
                Kind::GranularMarking => Kind::Simple("GranularMarkings"),
                Kind::Simple("Object" | "Dictionary" | "Any") => Kind::Simple("ObjectList"),
                other => return Err(format!("unsupported array item kind {other:?}")),
            },
        },
        Some("object") => {
            if p.get("patternProperties").is_some() {
                Kind::Simple("Dictionary")
            } else {
                Kind::Simple("Object")
            }
        }
        Some(other) => return Err(format!("unsupported schema type {other}")),
        None => Kind::Simple("Any"),
    })
}

/// The schema's description of a property (or of the first `allOf` part that has one).
fn description(p: &Value) -> Option<&str> {
    p.get("description").and_then(Value::as_str).or_else(|| {
        arr(p, "allOf")
            .iter()
            .find_map(|part| part.get("description").and_then(Value::as_str))
    })
}

/// Cuts a schema description to one plain sentence.
fn first_sentence(text: &str) -> String {
    let mut s: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // A leading italic note such as "*(This is an experimental feature.)*" moves to the end.
    let mut note = None;
    if let Some(rest) = s.strip_prefix("*(") {
        if let Some(end) = rest.find(")*") {
            note = Some(rest[..end].trim_end_matches('.').to_string());
            s = rest[end + 2..].trim_start().to_string();
        }
    }
    let s = s.replace("``", "`").replace("**", "");
    // A sentence ends at a period outside parentheses that ends the text or is followed by a
    // space and a capital letter or an opening parenthesis, unless it ends an abbreviation.
    let chars: Vec<char> = s.chars().collect();
    let mut end = chars.len();
    let mut depth = 0usize;
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            '.' if depth == 0 => {
                let word_start = chars[..i]
                    .iter()
                    .rposition(|c| c.is_whitespace())
                    .map_or(0, |p| p + 1);
                let word: String = chars[word_start..i].iter().collect();
                let abbreviation = ["e.g", "i.e", "etc", "vs"].contains(&word.as_str());
                let boundary = match (chars.get(i + 1), chars.get(i + 2)) {
                    (None, _) => true,
                    (Some(' '), Some(n)) => n.is_uppercase() || *n == '(',
                    _ => false,
                };
                if boundary && !abbreviation {
                    end = i + 1;
                    break;
                }
            }
            _ => {}
        }
    }
    let mut out: String = chars[..end].iter().collect();
    if let Some(note) = note {
        let _ = write!(out, " ({note}.)");
    }
    out
}

/// The first `xxx-ov` vocabulary a description names, if it is a known vocabulary.
fn named_vocab(desc: &str, ctx: &Ctx) -> Option<String> {
    desc.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|w| w.ends_with("-ov"))
        .find(|w| ctx.vocabs.contains_key(*w))
        .map(str::to_string)
}

/// Collects properties from `properties`, non-`$ref` `allOf` parts and `oneOf` / `anyOf`
/// branches, in order of first appearance.
fn collect_props<'a>(schema: &'a Value, out: &mut Vec<(&'a str, &'a Value)>) {
    if let Some(props) = obj(schema, "properties") {
        for (name, p) in props {
            if !out.iter().any(|(n, _)| *n == name.as_str()) {
                out.push((name.as_str(), p));
            }
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for part in arr(schema, key) {
            if part.get("$ref").is_none() {
                collect_props(part, out);
            }
        }
    }
}

/// Required properties: `required` here and in non-`$ref` `allOf` parts, plus those every
/// `oneOf` branch requires.
fn collect_required(schema: &Value, out: &mut Vec<String>) {
    for r in strings(schema, "required") {
        if !out.contains(&r) {
            out.push(r);
        }
    }
    for part in arr(schema, "allOf") {
        if part.get("$ref").is_none() {
            collect_required(part, out);
        }
    }
    let branches = arr(schema, "oneOf");
    if !branches.is_empty() {
        let mut sets = branches.iter().map(|b| {
            let mut v = Vec::new();
            if b.get("$ref").is_none() {
                collect_required(b, &mut v);
            }
            v
        });
        if let Some(first) = sets.next() {
            let rest: Vec<Vec<String>> = sets.collect();
            for r in first {
                if rest.iter().all(|s| s.contains(&r)) && !out.contains(&r) {
                    out.push(r);
                }
            }
        }
    }
}

fn inherits_core(schema: &Value) -> bool {
    arr(schema, "allOf").iter().any(|part| {
        part.get("$ref")
            .and_then(Value::as_str)
            .is_some_and(|r| r.ends_with("/core.json") || r.ends_with("cyber-observable-core.json"))
    })
}

/// Whether a property's schema (or an item schema of an array, or a common schema it refers
/// to) constrains its strings with a `pattern`, a `format` or a `not: {pattern}`.
fn constrained(p: &Value) -> bool {
    if p.get("pattern").is_some_and(Value::is_string)
        || p.get("format").is_some()
        || p.get("not").is_some_and(|n| n.get("pattern").is_some())
    {
        return true;
    }
    if let Some(r) = p.get("$ref").and_then(Value::as_str) {
        // `url-regex.json` is `{"type": "string", "format": "uri"}`.
        if ref_name(r) == "url-regex.json" {
            return true;
        }
    }
    if let Some(items) = p.get("items") {
        if constrained(items) {
            return true;
        }
    }
    arr(p, "allOf").iter().any(constrained)
}

/// The schema's `minimum` and `maximum` of an integer or number (a missing side is the
/// widest 64-bit value).
fn bounds(p: &Value) -> Option<(i64, i64)> {
    let min = p.get("minimum").and_then(Value::as_i64);
    let max = p.get("maximum").and_then(Value::as_i64);
    if min.is_none() && max.is_none() {
        return None;
    }
    Some((min.unwrap_or(i64::MIN), max.unwrap_or(i64::MAX)))
}

/// Builds the properties of one schema (a type or a core), applying the overlay.
fn build_props(
    owner: &str,
    overlay_owner: &str,
    schema: &Value,
    defs: Option<&Map<String, Value>>,
    skip: &[&str],
    ctx: &mut Ctx,
) -> Result<Vec<GenProp>, String> {
    let mut raw = Vec::new();
    collect_props(schema, &mut raw);
    let mut props = Vec::new();
    for (name, p) in raw {
        if skip.contains(&name) {
            continue;
        }
        let mut kind = if name == "type" || name == "id" {
            Kind::Simple("String")
        } else if name == "extensions" {
            Kind::Simple("Extensions")
        } else {
            classify(p, defs, ctx).map_err(|e| format!("{owner}.{name}: {e}"))?
        };
        // Plain strings named like references are references.
        if name.ends_with("_ref") && kind == Kind::Simple("String") {
            kind = Kind::Ref(Vec::new());
        }
        if name.ends_with("_refs") && kind == Kind::Simple("StringList") {
            kind = Kind::RefList(Vec::new());
        }
        // Reference targets from the overlay when the schema has none.
        if let Kind::Ref(t) | Kind::RefList(t) = &mut kind {
            if t.is_empty() {
                let entry = REF_TARGETS
                    .iter()
                    .find(|(o, n, _)| *o == overlay_owner && *n == name)
                    .ok_or_else(|| {
                        format!(
                            "{owner}.{name}: reference without target types in the schema \
                             and without an overlay entry in REF_TARGETS"
                        )
                    })?;
                ctx.used_refs
                    .insert((overlay_owner.to_string(), name.to_string()));
                *t = entry.2.iter().map(|s| s.to_string()).collect();
            }
        }
        // Open vocabularies named in the description, or linked by the overlay.
        let link = VOCAB_LINKS
            .iter()
            .find(|(o, n, _)| *o == overlay_owner && *n == name)
            .map(|(_, _, v)| v.to_string());
        if link.is_some() {
            ctx.used_vocab_links
                .insert((overlay_owner.to_string(), name.to_string()));
        }
        let vocab = link.or_else(|| description(p).and_then(|d| named_vocab(d, ctx)));
        if let Some(vocab) = vocab {
            if !ctx.vocabs.contains_key(&vocab) {
                return Err(format!("{owner}.{name}: unknown vocabulary {vocab}"));
            }
            kind = match kind {
                Kind::Simple("String") => Kind::OpenVocab(Values::Named(vocab)),
                Kind::Simple("StringList") => Kind::OpenVocabList(Values::Named(vocab)),
                other => other,
            };
        }
        let overridden = kind_override(overlay_owner, name);
        let hand_made = overridden.is_some();
        if let Some(k) = overridden {
            kind = k;
        }
        let doc =
            match DOCS.iter().find(|(o, n, _)| *o == overlay_owner && *n == name) {
                Some((_, _, d)) => {
                    ctx.used_docs
                        .insert((overlay_owner.to_string(), name.to_string()));
                    d.to_string()
                }
                None => first_sentence(description(p).ok_or_else(|| {
                    format!("{owner}.{name}: no description in the schema and none in DOCS")
                })?),
            };
        let format = match constrained(p) {
            false => None,
            // A kind decided by hand carries its own constraint.
            true if hand_made => None,
            // Ids, type names and timestamps are checked by their kinds.
            true if name == "type" || name == "id" => None,
            true if matches!(
                kind,
                Kind::Ref(_) | Kind::RefList(_) | Kind::Simple("Timestamp" | "Binary" | "Hex")
            ) =>
            {
                None
            }
            true => {
                let entry = FORMATS
                    .iter()
                    .find(|(o, n, _)| *o == overlay_owner && *n == name)
                    .ok_or_else(|| {
                        format!("{owner}.{name}: the schema constrains this string, but FORMATS has no entry")
                    })?;
                ctx.used_formats
                    .insert((overlay_owner.to_string(), name.to_string()));
                Some(entry.2.to_string())
            }
        };
        props.push(GenProp {
            name: name.to_string(),
            kind,
            doc,
            format,
            bounds: bounds(p),
        });
    }
    Ok(props)
}

/// Reads every named string enumeration (`*-ov`, `*-enum`) in the schema files.
fn read_vocabs(files: &[(String, Value)]) -> Result<BTreeMap<String, (Vec<String>, String)>, String> {
    let mut vocabs: BTreeMap<String, (Vec<String>, String)> = BTreeMap::new();
    for (rel, schema) in files {
        let Some(defs) = obj(schema, "definitions") else {
            continue;
        };
        for (name, def) in defs {
            let is_vocab = name.ends_with("-ov") || name.ends_with("-enum");
            if !is_vocab || def.get("type").and_then(Value::as_str) != Some("string") {
                continue;
            }
            let mut values = Vec::new();
            for v in strings(def, "enum") {
                match VOCAB_FIXES.iter().find(|(n, bad, _)| n == name && *bad == v) {
                    Some((_, _, good)) => values.extend(good.iter().map(|s| s.to_string())),
                    None => values.push(v),
                }
            }
            match vocabs.get(name) {
                Some((existing, first)) if *existing != values => {
                    return Err(format!("vocabulary {name} differs between {first} and {rel}"));
                }
                Some(_) => {}
                None => {
                    vocabs.insert(name.clone(), (values, rel.clone()));
                }
            }
        }
    }
    // The hash algorithm vocabulary is spelled as the pattern keys of `hashes-type.json`.
    if let Some((rel, hashes)) = files.iter().find(|(rel, _)| rel.ends_with("hashes-type.json")) {
        let algorithms: Vec<String> = obj(hashes, "patternProperties")
            .map(|pp| {
                pp.keys()
                    .filter_map(|k| k.strip_prefix('^').and_then(|k| k.strip_suffix('$')))
                    .filter(|k| !k.contains(['[', '{', '(']))
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        if algorithms.is_empty() {
            return Err("no hash algorithms found in hashes-type.json".into());
        }
        vocabs.insert("hash-algorithm-ov".into(), (algorithms, rel.clone()));
    }
    for (name, bad, _) in VOCAB_FIXES {
        let seen = files.iter().any(|(_, s)| {
            obj(s, "definitions")
                .and_then(|d| d.get(*name))
                .is_some_and(|d| strings(d, "enum").iter().any(|v| v == bad))
        });
        if !seen {
            return Err(format!(
                "VOCAB_FIXES entry {name} {bad:?} no longer matches the schema"
            ));
        }
    }
    Ok(vocabs)
}

/// The STIX type name a schema describes (its `type` property's single enum or const value).
fn schema_type_name(schema: &Value) -> Option<String> {
    let mut props = Vec::new();
    collect_props(schema, &mut props);
    let (_, t) = props.into_iter().find(|(n, _)| *n == "type")?;
    t.get("const")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| strings(t, "enum").into_iter().next())
}

/// Reads the schemas under `schema_dir` and returns the Rust source of `generated_types.rs`
/// (not yet passed through rustfmt).
pub fn generate(schema_dir: &Path) -> Result<String, String> {
    let oasis = schema_dir.join("oasis-open");
    let mut files: Vec<(String, Value)> = Vec::new();
    for folder in ["common", "sdos", "sros", "observables"] {
        let dir = oasis.join(folder);
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.ends_with(".json"))
            .collect();
        names.sort();
        for name in names {
            let value = load(&dir.join(&name))?;
            files.push((format!("oasis-open/{folder}/{name}"), value));
        }
    }
    let af_rel = "attack-flow-schema-2.0.0.json";
    let af = load(&schema_dir.join(af_rel))?;

    let mut ctx = Ctx {
        vocabs: read_vocabs(&files)?,
        used_refs: BTreeSet::new(),
        used_vocab_links: BTreeSet::new(),
        used_docs: BTreeSet::new(),
        used_formats: BTreeSet::new(),
        hash_formats: Vec::new(),
    };

    let file = |rel: &str| {
        files
            .iter()
            .find(|(r, _)| r == rel)
            .map(|(_, v)| v)
            .ok_or_else(|| format!("missing schema {rel}"))
    };
    let core = file("oasis-open/common/core.json")?;
    let sco_core = file("oasis-open/common/cyber-observable-core.json")?;
    let core_props = build_props("core", "*core", core, None, &[], &mut ctx)?;
    let sco_props = build_props("cyber-observable-core", "*sco", sco_core, None, &[], &mut ctx)?;
    let mut core_required = Vec::new();
    collect_required(core, &mut core_required);
    let mut sco_required = Vec::new();
    collect_required(sco_core, &mut sco_required);
    // The Attack Flow schema's own top-level `allOf` adds `extensions` for every AF object.
    let mut af_required = core_required.clone();
    collect_required(&af, &mut af_required);

    let core_names: Vec<&str> = core_props.iter().map(|p| p.name.as_str()).collect();
    let sco_names: Vec<&str> = sco_props.iter().map(|p| p.name.as_str()).collect();

    let mut sources: Vec<Source> = Vec::new();
    let af_defs = obj(&af, "$defs").ok_or("the Attack Flow schema has no $defs")?;
    for (name, def) in af_defs {
        sources.push(Source {
            category: "AttackFlow",
            name: name.clone(),
            rel: format!("{af_rel}#/$defs/{name}"),
            schema: def,
            defs: Some(af_defs),
        });
    }
    for (folder, category) in [
        ("sdos", "Sdo"),
        ("sros", "Sro"),
        ("observables", "Sco"),
        ("common", "Meta"),
    ] {
        for (rel, schema) in &files {
            if !rel.starts_with(&format!("oasis-open/{folder}/")) {
                continue;
            }
            let Some(name) = schema_type_name(schema) else {
                continue;
            };
            if category == "Meta"
                && ![
                    "marking-definition",
                    "extension-definition",
                    "language-content",
                    "bundle",
                ]
                .contains(&name.as_str())
            {
                continue;
            }
            sources.push(Source {
                category,
                name,
                rel: rel.clone(),
                schema,
                defs: obj(schema, "definitions"),
            });
        }
    }

    let mut types = Vec::new();
    for Source {
        category,
        name,
        rel,
        schema,
        defs,
    } in sources
    {
        let inherits = category == "AttackFlow" || inherits_core(schema);
        let common: &[&str] = match (inherits, category) {
            (false, _) => &[],
            (true, "Sco") => &sco_names,
            (true, _) => &core_names,
        };
        let common_required: &[String] = match category {
            "Sco" => &sco_required,
            "AttackFlow" => &af_required,
            _ => &core_required,
        };
        let props = build_props(&name, &name, schema, defs, common, &mut ctx)?;
        let mut required = Vec::new();
        collect_required(schema, &mut required);
        if inherits {
            required.retain(|r| !common_required.contains(r));
        }
        for r in &required {
            if !props.iter().any(|p| &p.name == r) && !common.contains(&r.as_str()) {
                return Err(format!("{name}: required property {r} is not a property"));
            }
        }
        let display = DISPLAY
            .iter()
            .find(|(t, _)| *t == name)
            .ok_or_else(|| format!("{name}: no entry in DISPLAY"))?
            .1;
        if let Some(d) = display {
            if !props.iter().any(|p| p.name == d) && !common.contains(&d) {
                return Err(format!("{name}: display property {d} is not a property"));
            }
        }
        types.push(GenType {
            name,
            category,
            source: rel,
            display: display.map(str::to_string),
            inherits,
            props,
            required,
        });
    }

    // Every overlay entry must have been used.
    for (o, n, _) in REF_TARGETS {
        if !ctx.used_refs.contains(&(o.to_string(), n.to_string())) {
            return Err(format!("REF_TARGETS entry {o}.{n} matches no reference property"));
        }
    }
    for (o, n, _) in VOCAB_LINKS {
        if !ctx.used_vocab_links.contains(&(o.to_string(), n.to_string())) {
            return Err(format!("VOCAB_LINKS entry {o}.{n} matches no property"));
        }
    }
    for (o, n, _) in DOCS {
        if !ctx.used_docs.contains(&(o.to_string(), n.to_string())) {
            return Err(format!("DOCS entry {o}.{n} matches no property"));
        }
    }
    for (t, _) in DISPLAY {
        if !types.iter().any(|g| g.name == *t) {
            return Err(format!("DISPLAY entry {t} matches no type"));
        }
    }
    for (o, n, _) in FORMATS {
        if !ctx.used_formats.contains(&(o.to_string(), n.to_string())) {
            return Err(format!("FORMATS entry {o}.{n} matches no constrained property"));
        }
    }
    let hashes = file("oasis-open/common/hashes-type.json")?;
    let mut hash_formats = Vec::new();
    for (key, p) in obj(hashes, "patternProperties").ok_or("hashes-type.json has no patternProperties")? {
        // `^MD5$` names one algorithm; the custom-key pattern has no value pattern.
        let Some(algorithm) = key.strip_prefix('^').and_then(|k| k.strip_suffix('$')) else {
            continue;
        };
        if p.get("pattern").is_none() || !algorithm.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            continue;
        }
        let (_, format) = HASH_FORMATS
            .iter()
            .find(|(a, _)| *a == algorithm)
            .ok_or_else(|| {
                format!("hash algorithm {algorithm}: constrained in the schema, but not in HASH_FORMATS")
            })?;
        hash_formats.push((algorithm.to_string(), format.to_string()));
    }
    if hash_formats.len() != HASH_FORMATS.len() {
        return Err("HASH_FORMATS lists an algorithm the schema does not constrain".into());
    }
    ctx.hash_formats = hash_formats;

    Ok(emit(
        &types,
        &core_props,
        &core_required,
        &sco_props,
        &sco_required,
        &af_required,
        &ctx,
    ))
}

// ---------------------------------------------------------------------------------------------
// Emitting Rust.
// ---------------------------------------------------------------------------------------------

fn const_name(vocab: &str) -> String {
    vocab.replace('-', "_").to_uppercase()
}

fn str_list(values: &[String]) -> String {
    let items: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
    format!("&[{}]", items.join(", "))
}

fn values_expr(v: &Values) -> String {
    match v {
        Values::Named(n) => const_name(n),
        Values::Inline(values) => str_list(values),
    }
}

fn kind_expr(kind: &Kind) -> String {
    match kind {
        Kind::Simple(s) => format!("PropKind::{s}"),
        Kind::Ref(t) => format!("PropKind::Ref({})", str_list(t)),
        Kind::RefList(t) => format!("PropKind::RefList({})", str_list(t)),
        Kind::Enum(v) => format!("PropKind::Enum({})", values_expr(v)),
        Kind::OpenVocab(v) => format!("PropKind::OpenVocab({})", values_expr(v)),
        Kind::OpenVocabList(v) => format!("PropKind::OpenVocabList({})", values_expr(v)),
        // Item kinds never reach the table.
        Kind::KillChainPhase => "PropKind::Object".into(),
        Kind::ExternalReference => "PropKind::Object".into(),
        Kind::GranularMarking => "PropKind::Object".into(),
    }
}

fn emit_props(out: &mut String, indent: &str, props: &[GenProp]) {
    for p in props {
        let _ = writeln!(out, "{indent}PropInfo {{");
        let _ = writeln!(out, "{indent}    name: {:?},", p.name);
        let _ = writeln!(out, "{indent}    kind: {},", kind_expr(&p.kind));
        let _ = writeln!(out, "{indent}    doc: {:?},", p.doc);
        let _ = writeln!(
            out,
            "{indent}    format: Format::{},",
            p.format.as_deref().unwrap_or("Any")
        );
        match p.bounds {
            Some((lo, hi)) => {
                let _ = writeln!(out, "{indent}    bounds: Some(({lo}, {hi})),");
            }
            None => {
                let _ = writeln!(out, "{indent}    bounds: None,");
            }
        }
        let _ = writeln!(out, "{indent}}},");
    }
}

fn emit(
    types: &[GenType],
    core_props: &[GenProp],
    core_required: &[String],
    sco_props: &[GenProp],
    sco_required: &[String],
    af_required: &[String],
    ctx: &Ctx,
) -> String {
    let mut out = String::new();
    out.push_str(
        "// @generated by `cargo run -p af-stix --example gen_types` from the JSON schemas in\n\
         // `shared/schema/`: the OASIS STIX 2.1 schemas (`oasis-open/`) and the Attack Flow\n\
         // 2.0.0 schema (`attack-flow-schema-2.0.0.json`), plus the hand-written overlay in\n\
         // `examples/gen_types/generator.rs`. Do not edit by hand: change the generator and run\n\
         // it again (`tests/generated_types.rs` checks this file is up to date).\n\n",
    );
    out.push_str("use crate::types::{Category, Format, PropInfo, PropKind, TypeInfo};\n\n");
    out.push_str(
        "/// The value format of each hash algorithm the schemas constrain (`common/hashes-type.json`).\n",
    );
    out.push_str("pub(crate) static HASH_FORMATS: &[(&str, Format)] = &[\n");
    for (algorithm, format) in &ctx.hash_formats {
        let _ = writeln!(out, "    ({algorithm:?}, Format::{format}),");
    }
    out.push_str("];\n\n");

    for (name, (values, rel)) in &ctx.vocabs {
        let _ = writeln!(out, "/// `{name}` (from `{rel}`).");
        let _ = writeln!(out, "pub(crate) const {}: &[&str] = &[", const_name(name));
        for v in values {
            let _ = writeln!(out, "    {v:?},");
        }
        out.push_str("];\n\n");
    }
    out.push_str("/// Every named vocabulary and enumeration, by its STIX name.\n");
    out.push_str("pub(crate) static VOCABULARIES: &[(&str, &[&str])] = &[\n");
    for name in ctx.vocabs.keys() {
        let _ = writeln!(out, "    ({name:?}, {}),", const_name(name));
    }
    out.push_str("];\n\n");

    out.push_str(
        "/// The common properties of SDOs, SROs, Attack Flow objects and meta objects \
         (`common/core.json`).\n",
    );
    out.push_str("pub(crate) static CORE_PROPERTIES: &[PropInfo] = &[\n");
    emit_props(&mut out, "    ", core_props);
    out.push_str("];\n\n");
    out.push_str("/// The common properties required on SDOs, SROs and meta objects.\n");
    let _ = writeln!(
        out,
        "pub(crate) static CORE_REQUIRED: &[&str] = {};\n",
        str_list(core_required)
    );
    out.push_str(
        "/// The common properties required on Attack Flow objects (the core ones plus the \
         extension marker).\n",
    );
    let _ = writeln!(
        out,
        "pub(crate) static ATTACK_FLOW_REQUIRED: &[&str] = {};\n",
        str_list(af_required)
    );
    out.push_str("/// The common properties of SCOs (`common/cyber-observable-core.json`).\n");
    out.push_str("pub(crate) static SCO_PROPERTIES: &[PropInfo] = &[\n");
    emit_props(&mut out, "    ", sco_props);
    out.push_str("];\n\n");
    out.push_str("/// The common properties required on SCOs.\n");
    let _ = writeln!(
        out,
        "pub(crate) static SCO_REQUIRED: &[&str] = {};\n",
        str_list(sco_required)
    );

    out.push_str("/// Every object type, with its type-specific properties.\n");
    out.push_str("pub(crate) static TYPES: &[TypeInfo] = &[\n");
    for t in types {
        let _ = writeln!(out, "    // {}", t.source);
        out.push_str("    TypeInfo {\n");
        let _ = writeln!(out, "        name: {:?},", t.name);
        let _ = writeln!(out, "        category: Category::{},", t.category);
        match &t.display {
            Some(d) => {
                let _ = writeln!(out, "        display: Some({d:?}),");
            }
            None => out.push_str("        display: None,\n"),
        }
        out.push_str("        properties: &[\n");
        emit_props(&mut out, "            ", &t.props);
        out.push_str("        ],\n");
        let _ = writeln!(out, "        required: {},", str_list(&t.required));
        let _ = writeln!(out, "        inherits_common: {},", t.inherits);
        out.push_str("    },\n");
    }
    out.push_str("];\n");
    out
}

/// Formats Rust source with `rustfmt` (edition 2021), run in `dir` so the project's rustfmt
/// configuration applies. `RUSTFMT` overrides the program.
pub fn rustfmt(source: &str, dir: &Path) -> Result<String, String> {
    let program = std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".to_string());
    let mut child = Command::new(&program)
        .args(["--edition", "2021", "--emit", "stdout"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("rustfmt has no stdin")?;
    let input = source.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child
        .wait_with_output()
        .map_err(|e| format!("{program} failed: {e}"))?;
    match writer.join() {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(format!("cannot write to {program}: {e}")),
        Err(_) => return Err(format!("writing to {program} panicked")),
    }
    if !output.status.success() {
        return Err(format!(
            "{program} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    String::from_utf8(output.stdout).map_err(|e| format!("{program} wrote non-UTF-8: {e}"))
}
