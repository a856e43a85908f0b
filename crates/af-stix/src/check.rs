//! The one checker of STIX values, used by the compiler (on the values a flow writes) and by
//! the bundle validator (on the values a bundle holds), so both accept and refuse the same
//! things. Each tool maps the [`Problem`]s found here to its own diagnostic codes and spans.
//!
//! What is checked here is what the schemas and the STIX 2.1 specification say about values
//! whose JSON shape is already right: string formats ([`Format`]: addresses, host names, URIs,
//! relationship types, hashes…), number bounds, base64 and hex binaries, empty lists, the
//! entries of external references, kill-chain phases, granular markings and extensions, hash
//! dictionaries, property names, and the order of paired timestamps ([`TIME_ORDER`]:
//! `modified` ≥ `created`, `execution_end` ≥ `execution_start`, …). The shape of a top-level
//! value (a string where a string belongs) is each tool's own business, because the compiler
//! says it in terms of the language; nested entries are shape-checked here.
//!
//! The checker reads values through the [`Json`] trait, which both tools implement on their own
//! trees (the compiler on the syntax tree, the validator on its span-keeping JSON), so a
//! finding comes back as the very node it is about.

use crate::format::{is_base64, is_hex};
use crate::types::{self, Category, Format, PropInfo, PropKind};

/// A read-only view of one JSON value in a tool's own tree.
pub trait Json<'a>: Copy {
    /// The text of a string (for the compiler: also a bare word or a timestamp).
    fn as_str(self) -> Option<&'a str>;
    /// The value of a number.
    fn as_number(self) -> Option<f64>;
    /// Whether the value is `true` or `false`.
    fn is_bool(self) -> bool;
    /// Calls `each` with every item of an array; `false` when the value is not an array.
    fn items(self, each: &mut dyn FnMut(Self)) -> bool;
    /// Calls `each` with every member of an object; `false` when the value is not an object.
    fn members(self, each: &mut dyn FnMut(&'a str, Self)) -> bool;
    /// The value of the member `key` of an object.
    fn get(self, key: &str) -> Option<Self>;
    /// A value that already failed (the tool reported it); the checker says nothing about it.
    fn is_broken(self) -> bool {
        false
    }
}

/// What is wrong with a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A string that does not have its property's format.
    Format(Format),
    /// A number outside the property's bounds.
    OutOfRange {
        /// The smallest value allowed.
        min: i64,
        /// The largest value allowed.
        max: i64,
    },
    /// A binary property that is not base64.
    NotBase64,
    /// A hex property that is not pairs of hex digits.
    NotHex,
    /// An empty list (STIX lists hold at least one item).
    EmptyList,
    /// A nested value of the wrong JSON type: `expected` says what it should be.
    WrongType {
        /// What belongs here ("a string", "a list of strings", …).
        expected: &'static str,
    },
    /// An entry (external reference, kill-chain phase, granular marking, extension) without a
    /// key it needs.
    MissingKey {
        /// What the entry is ("an external reference").
        entry: &'static str,
        /// The key.
        key: &'static str,
    },
    /// An external reference with none of `description`, `url`, `external_id`.
    NeedsOneOf {
        /// What the entry is.
        entry: &'static str,
        /// The keys of which one is needed.
        keys: &'static [&'static str],
    },
    /// A `cve` or `capec` external reference whose `external_id` is not in that scheme.
    ExternalId {
        /// `cve` or `capec`.
        source: &'static str,
        /// A valid id, for the message.
        example: &'static str,
    },
    /// A hash dictionary key that is not an algorithm name (3–250 letters, digits, `_`, `-`).
    HashAlgorithm,
    /// A key of `extensions` that names no extension.
    ExtensionKey {
        /// Whether the object is an SCO (which may also use predefined `…-ext` names).
        sco: bool,
    },
    /// An `extensions` entry (or the whole dictionary) that is empty.
    EmptyExtension,
    /// An extension-definition entry without a valid `extension_type`.
    ExtensionType,
    /// A property name STIX does not allow.
    PropertyName,
}

/// Every `extension_type` an extension-definition entry may have.
pub const EXTENSION_TYPES: &[&str] = &[
    "new-sdo",
    "new-sco",
    "new-sro",
    "property-extension",
    "toplevel-property-extension",
];

impl Problem {
    /// The message for a value of property `what` (written as the tool names it, e.g.
    /// "`value`").
    pub fn message(&self, what: &str) -> String {
        match self {
            Problem::Format(f) => format!("{what} must be {}", f.expectation()),
            Problem::OutOfRange { min, max } => match (*min, *max) {
                (lo, i64::MAX) => format!("{what} must be at least {lo}"),
                (i64::MIN, hi) => format!("{what} must be at most {hi}"),
                (lo, hi) => format!("{what} must be between {lo} and {hi}"),
            },
            Problem::NotBase64 => format!("{what} must be base64 text"),
            Problem::NotHex => format!("{what} must be hexadecimal bytes (pairs of hex digits)"),
            Problem::EmptyList => format!("{what} is an empty list"),
            Problem::WrongType { expected } => format!("{what} must be {expected}"),
            Problem::MissingKey { entry, key } => format!("{entry} without `{key}`, which it requires"),
            Problem::NeedsOneOf { entry, keys } => {
                let names: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
                let list = match names.split_last() {
                    Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
                    _ => names.join(""),
                };
                format!("{entry} needs {list}")
            }
            Problem::ExternalId { source, example } => {
                format!("a `{source}` external reference needs an `external_id` such as {example}")
            }
            Problem::HashAlgorithm => {
                format!("{what} is not a hash algorithm name (3-250 letters, digits, `_` and `-`)")
            }
            Problem::ExtensionKey { .. } => format!("{what} does not name an extension"),
            Problem::EmptyExtension => format!("{what} is empty"),
            Problem::ExtensionType => {
                format!(
                    "{what} needs an `extension_type`: one of {}",
                    EXTENSION_TYPES.join(", ")
                )
            }
            Problem::PropertyName => format!("{what} is not a valid property name"),
        }
    }

    /// A help line saying how to fix it, when there is more to say than the message.
    pub fn help(&self) -> Option<&'static str> {
        match self {
            Problem::EmptyList => Some("STIX lists hold at least one item; leave the property out instead"),
            Problem::ExternalId { .. } => Some("STIX reserves the source names `cve` and `capec` for those id schemes"),
            Problem::ExtensionKey { sco: true } => Some(
                "extension keys are extension-definition ids (extension-definition--<UUID>) or predefined names ending in `-ext`",
            ),
            Problem::ExtensionKey { sco: false } => {
                Some("extension keys are extension-definition ids (extension-definition--<UUID>)")
            }
            Problem::PropertyName => Some(
                "property names are lower-case letters, digits and `_`, at least three characters, starting with a letter",
            ),
            Problem::Format(f) if !f.is_pattern() => {
                Some("STIX requires this format; defanged indicators (`hxxp://…`, `evil[.]example`) break it")
            }
            _ => None,
        }
    }
}

/// One finding: the node it is about and what is wrong.
#[derive(Debug, Clone)]
pub struct Finding<V> {
    /// The value the problem is in.
    pub at: V,
    /// How the tool should name it in a message ("`value`", "`url` of an external reference").
    pub what: String,
    /// What is wrong.
    pub problem: Problem,
}

/// How a property of a type is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropertyStatus {
    /// The type defines it (or the common properties of its family do).
    Defined(&'static PropInfo),
    /// Not in the STIX 2.1 specification, but allowed by the schemas and written by common
    /// tools: `created` and `modified` on observables (the Attack Flow Builder writes them).
    Tolerated(&'static PropInfo),
    /// A custom property (`x_…`).
    Custom,
    /// A valid name the type does not define.
    Unknown,
    /// The object's type is not in the table (a custom `x-…` type): its properties are its own.
    UncheckedType,
    /// A name STIX does not allow.
    InvalidName,
}

/// How `key` is known on objects of `stix_type`.
pub fn property_status(stix_type: &str, key: &str) -> PropertyStatus {
    if let Some(p) = types::property(stix_type, key) {
        return PropertyStatus::Defined(p);
    }
    if !is_valid_property_name(key) {
        return PropertyStatus::InvalidName;
    }
    let Some(info) = types::type_info(stix_type) else {
        return PropertyStatus::UncheckedType;
    };
    if types::is_custom_property(key) {
        return PropertyStatus::Custom;
    }
    if info.category == Category::Sco && matches!(key, "created" | "modified") {
        if let Some(p) = types::common_property(Category::Sdo, key) {
            return PropertyStatus::Tolerated(p);
        }
    }
    PropertyStatus::Unknown
}

/// Whether a property name is allowed by STIX (`common/properties.json`:
/// `^([a-z][a-z0-9_]{2,249})|id$`, applied as JSON Schema applies patterns): it starts with a
/// lower-case letter and two more lower-case letters, digits or underscores, or it ends in `id`;
/// and it is at most 250 characters long.
pub fn is_valid_property_name(name: &str) -> bool {
    let b = name.as_bytes();
    let word = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_';
    name.len() <= 250
        && ((b.len() >= 3 && b[0].is_ascii_lowercase() && b[1..3].iter().all(word)) || name.ends_with("id"))
}

/// Whether `v` passes every check of property `key` of an object of `stix_type` (e.g. to
/// test a suggested fix).
pub fn check_property_ok<'a, V: Json<'a>>(stix_type: &str, key: &str, v: V) -> bool {
    let mut ok = true;
    check_property(stix_type, key, v, &mut |_| ok = false);
    ok
}

/// Checks the value of property `key` of an object of `stix_type` (a top-level property),
/// calling `report` for each problem. The property's kind comes from the type table; a
/// property the table does not know is checked by the rules for every property (no empty
/// lists, `…_bin` base64, `…_hex` hex). References are not checked here (each tool resolves
/// them).
pub fn check_property<'a, V: Json<'a>>(stix_type: &str, key: &str, v: V, report: &mut dyn FnMut(Finding<V>)) {
    if v.is_broken() {
        return;
    }
    // How findings name the property; built only for a finding.
    let what = || format!("`{key}`");
    let mut empty = false;
    if v.items(&mut |_| {}) {
        let mut n = 0usize;
        v.items(&mut |_| n += 1);
        empty = n == 0;
    }
    if empty {
        report(Finding {
            at: v,
            what: what(),
            problem: Problem::EmptyList,
        });
        return;
    }
    let Some(info) = types::property(stix_type, key) else {
        // Custom properties by name (`common/properties.json`).
        if key.ends_with("_bin") {
            if let Some(s) = v.as_str() {
                if !is_base64(s) {
                    report(Finding {
                        at: v,
                        what: what(),
                        problem: Problem::NotBase64,
                    });
                }
            }
        } else if key.ends_with("_hex") {
            if let Some(s) = v.as_str() {
                if !is_hex(s) {
                    report(Finding {
                        at: v,
                        what: what(),
                        problem: Problem::NotHex,
                    });
                }
            }
        }
        return;
    };
    check_kind(stix_type, key, info.kind, info.format, info.bounds, v, report);
}

#[allow(clippy::too_many_arguments)]
fn check_kind<'a, V: Json<'a>>(
    stix_type: &str,
    key: &str,
    kind: PropKind,
    format: Format,
    bounds: Option<(i64, i64)>,
    v: V,
    report: &mut dyn FnMut(Finding<V>),
) {
    let finding = |at: V, problem: Problem| Finding {
        at,
        what: format!("`{key}`"),
        problem,
    };
    match kind {
        PropKind::String | PropKind::OpenVocab(_) | PropKind::Enum(_) => {
            if v.as_str().is_some_and(|s| !format.accepts(s)) {
                report(finding(v, Problem::Format(format)));
            }
        }
        PropKind::StringList | PropKind::OpenVocabList(_) => {
            if format != Format::Any {
                v.items(&mut |item| {
                    if item.as_str().is_some_and(|s| !format.accepts(s)) {
                        report(finding(item, Problem::Format(format)));
                    }
                });
            }
        }
        PropKind::Integer | PropKind::Number => {
            let bounds = bounds.or_else(|| implied_bounds(key));
            if let (Some(n), Some((min, max))) = (v.as_number(), bounds) {
                if n < min as f64 || n > max as f64 {
                    report(finding(v, Problem::OutOfRange { min, max }));
                }
            }
        }
        PropKind::Binary => {
            if v.as_str().is_some_and(|s| !is_base64(s)) {
                report(finding(v, Problem::NotBase64));
            }
        }
        PropKind::Hex => {
            if v.as_str().is_some_and(|s| !is_hex(s)) {
                report(finding(v, Problem::NotHex));
            }
        }
        PropKind::Hashes => {
            check_hashes(v, "", report);
        }
        PropKind::ExternalReferences => {
            v.items(&mut |item| check_external_reference(item, report));
        }
        PropKind::KillChainPhases => {
            v.items(&mut |item| {
                entry_strings(
                    item,
                    "a kill-chain phase",
                    &["kill_chain_name", "phase_name"],
                    &[],
                    report,
                );
            });
        }
        PropKind::GranularMarkings => {
            v.items(&mut |item| check_granular_marking(item, report));
        }
        PropKind::Extensions => check_extensions(stix_type, v, report),
        PropKind::Ref(_)
        | PropKind::RefList(_)
        | PropKind::Timestamp
        | PropKind::Boolean
        | PropKind::Dictionary
        | PropKind::ObjectList
        | PropKind::Object
        | PropKind::Any => {}
    }
}

/// Bounds the specification states in prose where the schemas give none: counts of bytes and
/// packets, and autonomous system numbers, are not negative.
fn implied_bounds(key: &str) -> Option<(i64, i64)> {
    match key {
        "number" | "src_packets" | "dst_packets" | "src_byte_count" | "dst_byte_count" => Some((0, i64::MAX)),
        _ => None,
    }
}

/// A hashes dictionary: algorithm names, string values, and the value formats of the
/// algorithms the schema constrains. `of` names the owner in messages ("" at the top level,
/// " of an external reference" inside one). False when the value is not an object.
fn check_hashes<'a, V: Json<'a>>(v: V, of: &str, report: &mut dyn FnMut(Finding<V>)) -> bool {
    v.members(&mut |algorithm, value| {
        let what = format!("hash `{algorithm}`{of}");
        let named = (3..=250).contains(&algorithm.len())
            && algorithm
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !named {
            report(Finding {
                at: value,
                what: what.clone(),
                problem: Problem::HashAlgorithm,
            });
        }
        match value.as_str() {
            None if !value.is_broken() => report(Finding {
                at: value,
                what,
                problem: Problem::WrongType { expected: "a string" },
            }),
            None => {}
            Some(s) => {
                if let Some(f) = types::hash_format(algorithm) {
                    if !f.accepts(s) {
                        report(Finding {
                            at: value,
                            what,
                            problem: Problem::Format(f),
                        });
                    }
                }
            }
        }
    })
}

/// Each of `required` must be a string member of `item`; each of `optional` present must be a
/// string. Reports a non-object item as a wrong type.
fn entry_strings<'a, V: Json<'a>>(
    item: V,
    entry: &'static str,
    required: &[&'static str],
    optional: &[&'static str],
    report: &mut dyn FnMut(Finding<V>),
) -> bool {
    if !item.members(&mut |_, _| {}) {
        if !item.is_broken() {
            report(Finding {
                at: item,
                what: format!("each entry ({entry})"),
                problem: Problem::WrongType {
                    expected: "a `{ … }` object",
                },
            });
        }
        return false;
    }
    for key in required {
        match item.get(key) {
            None => report(Finding {
                at: item,
                what: String::new(),
                problem: Problem::MissingKey { entry, key },
            }),
            Some(v) if v.as_str().is_none() && !v.is_broken() => report(Finding {
                at: v,
                what: format!("`{key}` of {entry}"),
                problem: Problem::WrongType { expected: "a string" },
            }),
            Some(_) => {}
        }
    }
    for key in optional {
        if let Some(v) = item.get(key).filter(|v| v.as_str().is_none() && !v.is_broken()) {
            report(Finding {
                at: v,
                what: format!("`{key}` of {entry}"),
                problem: Problem::WrongType { expected: "a string" },
            });
        }
    }
    true
}

const EXTERNAL_REFERENCE: &str = "an external reference";

fn check_external_reference<'a, V: Json<'a>>(item: V, report: &mut dyn FnMut(Finding<V>)) {
    let keys: &'static [&'static str] = &["description", "url", "external_id"];
    if !entry_strings(item, EXTERNAL_REFERENCE, &["source_name"], keys, report) {
        return;
    }
    if keys.iter().all(|k| item.get(k).is_none()) {
        report(Finding {
            at: item,
            what: String::new(),
            problem: Problem::NeedsOneOf {
                entry: EXTERNAL_REFERENCE,
                keys,
            },
        });
    }
    if let Some(url) = item.get("url") {
        if url.as_str().is_some_and(|s| !Format::Uri.accepts(s)) {
            report(Finding {
                at: url,
                what: "the `url` of an external reference".into(),
                problem: Problem::Format(Format::Uri),
            });
        }
    }
    if let Some(h) = item.get("hashes") {
        if !check_hashes(h, " of an external reference", report) && !h.is_broken() {
            report(Finding {
                at: h,
                what: "the `hashes` of an external reference".into(),
                problem: Problem::WrongType {
                    expected: "an object of hash values",
                },
            });
        }
    }
    let (source, example, ok): (&'static str, &'static str, fn(&str) -> bool) =
        match item.get("source_name").and_then(|s| s.as_str()) {
            Some("cve") => ("cve", "CVE-2021-44228", is_cve),
            Some("capec") => ("capec", "CAPEC-163", is_capec),
            _ => return,
        };
    let ext = item.get("external_id");
    if !ext.and_then(|e| e.as_str()).is_some_and(ok) {
        report(Finding {
            at: ext.unwrap_or(item),
            what: "`external_id`".into(),
            problem: Problem::ExternalId { source, example },
        });
    }
}

/// `CVE-YYYY-NNNN…` as the schema's pattern says: four digits, or more without a leading zero.
pub fn is_cve(id: &str) -> bool {
    let Some((year, num)) = id.strip_prefix("CVE-").and_then(|r| r.split_once('-')) else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    year.len() == 4
        && digits(year)
        && digits(num)
        && num.len() >= 4
        && (num.len() == 4 || !num.starts_with('0'))
}

fn is_capec(id: &str) -> bool {
    id.strip_prefix("CAPEC-")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

fn check_granular_marking<'a, V: Json<'a>>(item: V, report: &mut dyn FnMut(Finding<V>)) {
    const ENTRY: &str = "a granular marking";
    if !entry_strings(item, ENTRY, &[], &["lang"], report) {
        return;
    }
    match item.get("selectors") {
        None => report(Finding {
            at: item,
            what: String::new(),
            problem: Problem::MissingKey {
                entry: ENTRY,
                key: "selectors",
            },
        }),
        Some(s) => {
            let mut ok = true;
            let mut n = 0;
            let list = s.items(&mut |i| {
                n += 1;
                ok &= i.as_str().is_some();
            });
            if !list || !ok {
                report(Finding {
                    at: s,
                    what: "`selectors`".into(),
                    problem: Problem::WrongType {
                        expected: "a list of strings",
                    },
                });
            } else if n == 0 {
                report(Finding {
                    at: s,
                    what: "`selectors`".into(),
                    problem: Problem::EmptyList,
                });
            }
        }
    }
    if item.get("marking_ref").is_none() && item.get("lang").is_none() {
        report(Finding {
            at: item,
            what: String::new(),
            problem: Problem::MissingKey {
                entry: ENTRY,
                key: "marking_ref",
            },
        });
    }
}

fn check_extensions<'a, V: Json<'a>>(stix_type: &str, v: V, report: &mut dyn FnMut(Finding<V>)) {
    let sco = types::type_info(stix_type).is_some_and(|t| t.category == Category::Sco);
    let mut count = 0;
    let is_object = v.members(&mut |key, entry| {
        count += 1;
        let what = format!("extension `{key}`");
        let is_definition = crate::id::split_id(key).is_some_and(|(t, _)| t == "extension-definition");
        let predefined = sco && key.ends_with("-ext") && crate::id::is_valid_type_name(key);
        if !is_definition && !predefined {
            report(Finding {
                at: entry,
                what,
                problem: Problem::ExtensionKey { sco },
            });
            return;
        }
        let mut members = 0;
        if !entry.members(&mut |_, _| members += 1) {
            if !entry.is_broken() {
                report(Finding {
                    at: entry,
                    what,
                    problem: Problem::WrongType {
                        expected: "an object",
                    },
                });
            }
            return;
        }
        if members == 0 {
            report(Finding {
                at: entry,
                what,
                problem: Problem::EmptyExtension,
            });
            return;
        }
        if is_definition {
            let ok = entry
                .get("extension_type")
                .and_then(|t| t.as_str())
                .is_some_and(|t| EXTENSION_TYPES.contains(&t));
            if !ok {
                let at = entry.get("extension_type").unwrap_or(entry);
                report(Finding {
                    at,
                    what,
                    problem: Problem::ExtensionType,
                });
            }
        }
    });
    if is_object && count == 0 {
        report(Finding {
            at: v,
            what: "`extensions`".into(),
            problem: Problem::EmptyExtension,
        });
    }
}

/// Pairs of timestamps whose order STIX prescribes: (types the rule applies to, empty for
/// every type; the earlier property; the later property; whether they may be equal).
pub const TIME_ORDER: &[(&[&str], &str, &str, bool)] = &[
    (&[], "created", "modified", true),
    (&["attack-action"], "execution_start", "execution_end", true),
    (
        &[
            "campaign",
            "infrastructure",
            "intrusion-set",
            "malware",
            "threat-actor",
            "sighting",
        ],
        "first_seen",
        "last_seen",
        true,
    ),
    (&["observed-data"], "first_observed", "last_observed", true),
    (&["indicator"], "valid_from", "valid_until", false),
    (&["network-traffic"], "start", "end", true),
];

/// One pair of timestamps in the wrong order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeOrder {
    /// The property that must come first (`created`).
    pub earlier: &'static str,
    /// The property that must not be before it (`modified`).
    pub later: &'static str,
    /// Whether the two may be equal.
    pub may_equal: bool,
}

impl TimeOrder {
    /// "`modified` (…) is before `created` (…)".
    pub fn message(&self, earlier_value: &str, later_value: &str) -> String {
        let rel = if self.may_equal { "before" } else { "not after" };
        format!(
            "`{}` ({later_value}) is {rel} `{}` ({earlier_value})",
            self.later, self.earlier
        )
    }

    /// What STIX requires.
    pub fn help(&self) -> String {
        let rel = if self.may_equal {
            "later than or equal to"
        } else {
            "later than"
        };
        format!("STIX requires `{}` to be {rel} `{}`", self.later, self.earlier)
    }
}

/// The timestamp pairs of an object of `stix_type` that are in the wrong order. `get` gives a
/// property's timestamp text; pairs where either is missing or not a STIX timestamp are
/// skipped.
pub fn time_order<'a>(stix_type: &str, get: impl Fn(&str) -> Option<&'a str>) -> Vec<TimeOrder> {
    let mut out = Vec::new();
    for (types, earlier, later, may_equal) in TIME_ORDER {
        if !types.is_empty() && !types.contains(&stix_type) {
            continue;
        }
        let (Some(a), Some(b)) = (get(earlier), get(later)) else {
            continue;
        };
        // The same text twice (most objects' `created` and `modified`) is in order.
        if *may_equal && a == b {
            continue;
        }
        let wrong = match crate::timestamp::compare(b, a) {
            Some(std::cmp::Ordering::Less) => true,
            Some(std::cmp::Ordering::Equal) => !may_equal,
            _ => false,
        };
        if wrong {
            out.push(TimeOrder {
                earlier,
                later,
                may_equal: *may_equal,
            });
        }
    }
    out
}

/// Lets the checker read `serde_json` values (what the compiler and the importer build).
impl<'a> Json<'a> for &'a serde_json::Value {
    fn as_str(self) -> Option<&'a str> {
        serde_json::Value::as_str(self)
    }
    fn as_number(self) -> Option<f64> {
        serde_json::Value::as_f64(self)
    }
    fn is_bool(self) -> bool {
        serde_json::Value::is_boolean(self)
    }
    fn items(self, each: &mut dyn FnMut(Self)) -> bool {
        match self {
            serde_json::Value::Array(items) => {
                items.iter().for_each(each);
                true
            }
            _ => false,
        }
    }
    fn members(self, each: &mut dyn FnMut(&'a str, Self)) -> bool {
        match self {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    each(k, v);
                }
                true
            }
            _ => false,
        }
    }
    fn get(self, key: &str) -> Option<Self> {
        serde_json::Value::get(self, key)
    }
}

/// A bare string as a JSON string (a relationship type written as an edge label, …).
impl<'a> Json<'a> for &'a str {
    fn as_str(self) -> Option<&'a str> {
        Some(self)
    }
    fn as_number(self) -> Option<f64> {
        None
    }
    fn is_bool(self) -> bool {
        false
    }
    fn items(self, _: &mut dyn FnMut(Self)) -> bool {
        false
    }
    fn members(self, _: &mut dyn FnMut(&'a str, Self)) -> bool {
        false
    }
    fn get(self, _: &str) -> Option<Self> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn problems(t: &str, key: &str, v: &Value) -> Vec<Problem> {
        let mut out = Vec::new();
        check_property(t, key, v, &mut |f| out.push(f.problem));
        out
    }

    #[test]
    fn formats_from_the_schemas() {
        assert_eq!(
            problems("ipv4-addr", "value", &json!("999.1.1.1")),
            [Problem::Format(Format::Ipv4Cidr)]
        );
        assert!(problems("ipv4-addr", "value", &json!("10.0.0.0/8")).is_empty());
        assert_eq!(
            problems("domain-name", "value", &json!("not a domain!")),
            [Problem::Format(Format::Hostname)]
        );
        assert_eq!(
            problems("url", "value", &json!("not a url")),
            [Problem::Format(Format::Uri)]
        );
        assert_eq!(
            problems("relationship", "relationship_type", &json!("related_to")),
            [Problem::Format(Format::LowerKebab)]
        );
        assert_eq!(
            problems("software", "languages", &json!(["eng", "English"])),
            [Problem::Format(Format::LanguageCode)]
        );
    }

    #[test]
    fn bounds_from_the_schemas_and_the_specification() {
        assert_eq!(
            problems("network-traffic", "dst_port", &json!(70000)),
            [Problem::OutOfRange { min: 0, max: 65535 }]
        );
        assert!(problems("network-traffic", "dst_port", &json!(443)).is_empty());
        assert_eq!(
            problems("malware", "confidence", &json!(101)),
            [Problem::OutOfRange { min: 0, max: 100 }]
        );
        assert_eq!(
            problems("observed-data", "number_observed", &json!(0)),
            [Problem::OutOfRange {
                min: 1,
                max: 999_999_999
            }]
        );
        assert_eq!(
            problems("file", "size", &json!(-1)),
            [Problem::OutOfRange {
                min: 0,
                max: i64::MAX
            }]
        );
    }

    #[test]
    fn binaries_hashes_and_empty_lists() {
        assert_eq!(
            problems("artifact", "payload_bin", &json!("not base64!")),
            [Problem::NotBase64]
        );
        assert_eq!(
            problems("file", "magic_number_hex", &json!("zz")),
            [Problem::NotHex]
        );
        assert_eq!(
            problems("x-thing", "x_blob_bin", &json!("!!")),
            [Problem::NotBase64]
        );
        assert_eq!(
            problems(
                "file",
                "hashes",
                &json!({"MD5": "abc", "SHA-256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"})
            ),
            [Problem::Format(Format::HexDigits(32))]
        );
        assert_eq!(
            problems("file", "hashes", &json!({"a b": "x"})),
            [Problem::HashAlgorithm]
        );
        assert_eq!(problems("malware", "x_list", &json!([])), [Problem::EmptyList]);
        assert_eq!(problems("malware", "aliases", &json!([])), [Problem::EmptyList]);
    }

    #[test]
    fn external_references() {
        let p = |v: Value| problems("malware", "external_references", &json!([v]));
        assert!(p(json!({"source_name": "x", "url": "https://example.com"})).is_empty());
        assert_eq!(
            p(json!({"source_name": "x"})),
            [Problem::NeedsOneOf {
                entry: EXTERNAL_REFERENCE,
                keys: &["description", "url", "external_id"]
            }]
        );
        assert_eq!(
            p(json!({"url": "https://example.com"})),
            [Problem::MissingKey {
                entry: EXTERNAL_REFERENCE,
                key: "source_name"
            }]
        );
        assert_eq!(
            p(json!({"source_name": "cve", "external_id": "CVE-21-1"})),
            [Problem::ExternalId {
                source: "cve",
                example: "CVE-2021-44228"
            }]
        );
        assert_eq!(
            p(json!({"source_name": "x", "url": "no url"})),
            [Problem::Format(Format::Uri)]
        );
        assert_eq!(
            p(json!({"source_name": "x", "url": 5})),
            [Problem::WrongType { expected: "a string" }]
        );
    }

    #[test]
    fn extensions() {
        let id = "extension-definition--fb9c968a-745b-4ade-9b25-c324172197f4";
        assert!(problems(
            "attack-action",
            "extensions",
            &json!({id: {"extension_type": "new-sdo"}})
        )
        .is_empty());
        assert_eq!(
            problems("malware", "extensions", &json!({"foo": {"a": 1}})),
            [Problem::ExtensionKey { sco: false }]
        );
        assert!(problems("file", "extensions", &json!({"ntfs-ext": {"sid": "1"}})).is_empty());
        assert_eq!(
            problems("malware", "extensions", &json!({id: {}})),
            [Problem::EmptyExtension]
        );
        assert_eq!(
            problems("malware", "extensions", &json!({id: {"x": 1}})),
            [Problem::ExtensionType]
        );
        assert_eq!(
            problems("malware", "extensions", &json!({})),
            [Problem::EmptyExtension]
        );
    }

    #[test]
    fn property_names_and_status() {
        for ok in ["name", "x_custom", "abc", "id", "src_ref", "abc-def"] {
            assert!(is_valid_property_name(ok), "{ok}");
        }
        for bad in ["Name", "ab", "_abc", "1abc", "a-b"] {
            assert!(!is_valid_property_name(bad), "{bad}");
        }
        assert!(matches!(
            property_status("malware", "name"),
            PropertyStatus::Defined(_)
        ));
        assert!(matches!(
            property_status("ipv4-addr", "created"),
            PropertyStatus::Tolerated(_)
        ));
        assert_eq!(property_status("malware", "x_foo"), PropertyStatus::Custom);
        assert_eq!(property_status("malware", "nmae"), PropertyStatus::Unknown);
        assert_eq!(property_status("malware", "Bad Key"), PropertyStatus::InvalidName);
        assert_eq!(
            property_status("x-thing", "anything"),
            PropertyStatus::UncheckedType
        );
    }

    #[test]
    fn time_order_pairs() {
        let obj = json!({
            "created": "2026-01-02T00:00:00.000Z",
            "modified": "2026-01-01T00:00:00.000Z",
            "execution_start": "2026-01-01T10:00:00Z",
            "execution_end": "2026-01-01T09:00:00Z",
        });
        let get = |k: &str| obj.get(k).and_then(Value::as_str);
        let found: Vec<&str> = time_order("attack-action", get).iter().map(|t| t.later).collect();
        assert_eq!(found, ["modified", "execution_end"]);
        assert_eq!(time_order("malware", get).len(), 1);
        let same = json!({"valid_from": "2026-01-01T00:00:00Z", "valid_until": "2026-01-01T00:00:00Z"});
        assert_eq!(
            time_order("indicator", |k| same.get(k).and_then(Value::as_str)).len(),
            1
        );
    }
}
