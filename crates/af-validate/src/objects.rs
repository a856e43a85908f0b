//! One object at a time: the Attack Flow 2.0.0 schema and the STIX 2.1 core rules, driven by
//! the type table of `af_stix::types`.

use crate::json::{Kind, Member, Value};
use crate::{one_of, Cx, Obj};
use af_diagnostics::{closest, Diagnostic};
use af_stix::attack_flow::EXTENSION_ID;
use af_stix::timestamp;
use af_stix::types::{self, Category, PropKind, TypeInfo};
use std::collections::HashMap;

/// Reports keys given twice in any JSON object of the document.
pub(crate) fn duplicate_keys(cx: &mut Cx, v: &Value) {
    match &v.kind {
        Kind::Object(members) => {
            if members.len() > 1 {
                let mut seen: HashMap<&str, &Member> = HashMap::with_capacity(members.len());
                for m in members {
                    if let Some(first) = seen.insert(m.key.as_str(), m) {
                        cx.push(
                            Diagnostic::warning(
                                "V0003",
                                m.key_span.clone(),
                                format!("`{}` is given twice in this object", m.key),
                            )
                            .with_label(first.key_span.clone(), "first given here")
                            .with_help("JSON readers differ on which value they keep (most keep the last); remove one"),
                        );
                    }
                }
            }
            for m in members {
                duplicate_keys(cx, &m.value);
            }
        }
        Kind::Array(items) => {
            for i in items {
                duplicate_keys(cx, i);
            }
        }
        _ => {}
    }
}

/// Checks one element of `objects` and returns what later passes need to know about it.
pub(crate) fn check<'a>(cx: &mut Cx, v: &'a Value) -> Obj<'a> {
    let id = v.get("id").and_then(Value::as_str);
    let anchor = match v.get("id") {
        Some(idv) if idv.as_str().is_some() => idv.span.clone(),
        _ => v.head_span(),
    };
    let mut obj = Obj {
        value: v,
        ty: None,
        known: false,
        id,
        anchor,
    };
    if v.as_object().is_none() {
        cx.push(Diagnostic::error(
            "V0101",
            v.head_span(),
            format!("an element of `objects` is {}, not an object", v.type_name()),
        ));
        return obj;
    }
    let Some(type_member) = v.member("type") else {
        cx.push(
            Diagnostic::error("V0101", obj.anchor.clone(), "object without `type`")
                .with_help("every STIX object names its type, e.g. \"type\": \"attack-action\""),
        );
        return obj;
    };
    let Some(ty) = type_member.value.as_str() else {
        cx.push(wrong_type(&type_member.value, "`type`", "a string"));
        return obj;
    };
    obj.ty = Some(ty);
    if !af_stix::id::is_valid_type_name(ty) {
        let mut d = Diagnostic::error(
            "V0102",
            type_member.value.span.clone(),
            format!("`{ty}` is not a valid STIX type name"),
        )
        .with_help(
            "type names are 3-250 lower-case letters, digits and single hyphens, starting with a letter",
        );
        if let Some(c) = closest(ty, types::all_types().iter().map(|t| t.name)) {
            d = d.with_fix(
                format!("did you mean `{c}`?"),
                type_member.value.inner_span(),
                c.to_string(),
            );
        }
        cx.push(d);
        return obj;
    }
    check_id(cx, v, ty);
    let Some(info) = types::type_info(ty) else {
        let mut d = Diagnostic::note(
            "V0103",
            type_member.value.span.clone(),
            format!("objects of type `{ty}` are not checked"),
        )
        .with_help(if types::is_custom_type(ty) {
            "a custom or vendor type (x-…): only its id and its place in the flow are checked"
        } else {
            "neither a STIX 2.1 nor an Attack Flow type: only its id and its place in the flow are checked"
        });
        if !ty.starts_with("x-") {
            if let Some(c) = closest(ty, types::all_types().iter().map(|t| t.name)) {
                d = d.with_fix(
                    format!("did you mean `{c}`?"),
                    type_member.value.inner_span(),
                    c.to_string(),
                );
            }
        }
        cx.push(d);
        return obj;
    };
    obj.known = true;
    check_properties(cx, v, ty, info);
    check_required(cx, &obj, ty, info);
    if info.category == Category::AttackFlow {
        check_marker(cx, &obj);
    }
    check_created_modified(cx, v);
    obj
}

/// `id` must be `TYPE--UUID` with the object's own type.
fn check_id(cx: &mut Cx, v: &Value, ty: &str) {
    let Some(m) = v.member("id") else { return };
    let Some(id) = m.value.as_str() else {
        cx.push(wrong_type(&m.value, "`id`", "a string"));
        return;
    };
    match af_stix::id::split_id(id) {
        None => cx.push(
            Diagnostic::error("V0104", m.value.span.clone(), format!("`{id}` is not a STIX id")).with_help(
                format!(
                    "ids are the type, `--` and an RFC 4122 UUID: {ty}--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"
                ),
            ),
        ),
        Some((id_ty, uuid)) if id_ty != ty => {
            let start = m.value.span.start + 1;
            cx.push(
                Diagnostic::error(
                    "V0104",
                    m.value.span.clone(),
                    format!("the id names type `{id_ty}` but the object is a `{ty}`"),
                )
                .with_fix(
                    format!("use `{ty}--{uuid}`"),
                    start..start + id_ty.len(),
                    ty.to_string(),
                ),
            );
        }
        Some(_) => {}
    }
}

/// Whether a property name is allowed by STIX (`common/properties.json`): it starts with a
/// lower-case letter followed by at least two lower-case letters, digits or underscores (or
/// ends in `id`), and is at most 250 characters long.
fn valid_property_name(name: &str) -> bool {
    let b = name.as_bytes();
    let word = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_';
    name.len() <= 250
        && ((b.len() >= 3 && b[0].is_ascii_lowercase() && b[1..3].iter().all(word)) || name.ends_with("id"))
}

fn check_properties(cx: &mut Cx, v: &Value, ty: &str, info: &TypeInfo) {
    let Some(members) = v.as_object() else { return };
    for m in members {
        let key = m.key.as_str();
        if key == "type" || key == "id" {
            continue;
        }
        if !valid_property_name(key) {
            cx.push(
                Diagnostic::error("V0115", m.key_span.clone(), format!("`{key}` is not a valid property name"))
                    .with_help("property names are lower-case letters, digits and `_`, at least three characters, starting with a letter"),
            );
            continue;
        }
        if matches!(m.value.kind, Kind::Null) {
            cx.push(
                Diagnostic::error("V0106", m.value.span.clone(), format!("`{key}` is null"))
                    .with_help("STIX has no null values; leave the property out instead"),
            );
            continue;
        }
        if m.value.as_array().is_some_and(<[Value]>::is_empty) {
            cx.push(
                Diagnostic::error("V0114", m.value.span.clone(), format!("`{key}` is an empty list"))
                    .with_help("STIX lists hold at least one item; leave the property out instead"),
            );
            continue;
        }
        match types::property(ty, key) {
            Some(p) => check_value(cx, ty, key, p.kind, &m.value),
            None if types::is_custom_property(key) => {}
            // The Builder writes `created`/`modified` on observables; the schemas allow it.
            None if info.category == Category::Sco && (key == "created" || key == "modified") => {}
            None => {
                let mut names: Vec<&str> = info.properties.iter().map(|p| p.name).collect();
                if info.inherits_common {
                    names.extend(types::common_properties(info.category).iter().map(|p| p.name));
                }
                let mut d = Diagnostic::warning(
                    "V0116",
                    m.key_span.clone(),
                    format!("`{key}` is not a property of `{ty}`"),
                )
                .with_help("it is kept as written, but tools will not understand it; custom properties start with `x_`");
                if let Some(c) = closest(key, names.iter().copied()) {
                    d = d.with_fix(format!("did you mean `{c}`?"), inner(&m.key_span), c.to_string());
                }
                cx.push(d);
            }
        }
    }
}

/// The span inside the quotes of a key.
fn inner(span: &af_diagnostics::Span) -> af_diagnostics::Span {
    if span.len() >= 2 {
        span.start + 1..span.end - 1
    } else {
        span.clone()
    }
}

fn check_required(cx: &mut Cx, obj: &Obj<'_>, ty: &str, info: &TypeInfo) {
    let common: &[&str] = if info.inherits_common {
        types::common_required(info.category)
    } else {
        &[]
    };
    let mut missing: Vec<&str> = Vec::new();
    for r in info.required.iter().chain(common) {
        // The Attack Flow marker has its own, more precise finding (V0111).
        if *r == "extensions" && info.category == Category::AttackFlow {
            continue;
        }
        if obj.value.member(r).is_none() && !missing.contains(r) {
            missing.push(r);
        }
    }
    for r in missing {
        let doc = types::property(ty, r).map(|p| p.doc).unwrap_or_default();
        let mut d = Diagnostic::error(
            "V0105",
            obj.anchor.clone(),
            format!("`{ty}` object without `{r}`, which it requires"),
        )
        .with_span_label("this object");
        if !doc.is_empty() {
            d = d.with_help(format!("`{r}`: {doc}"));
        }
        cx.push(d);
    }
}

/// Attack Flow objects carry `extensions: {EXTENSION_ID: {"extension_type": "new-sdo"}}`.
fn check_marker(cx: &mut Cx, obj: &Obj<'_>) {
    let help = format!(
        r#"Attack Flow objects carry "extensions": {{"{EXTENSION_ID}": {{"extension_type": "new-sdo"}}}}"#
    );
    let Some(ext) = obj.value.member("extensions") else {
        cx.push(
            Diagnostic::error(
                "V0111",
                obj.anchor.clone(),
                "Attack Flow object without the extension marker",
            )
            .with_span_label("this object")
            .with_help(help),
        );
        return;
    };
    if ext.value.as_object().is_none() {
        return; // reported as a wrong type by the property checks
    }
    match ext.value.member(EXTENSION_ID) {
        None => cx.push(
            Diagnostic::error(
                "V0111",
                ext.key_span.clone(),
                "`extensions` does not name the Attack Flow extension",
            )
            .with_help(help),
        ),
        Some(entry) => {
            let kind = entry.value.get("extension_type");
            if kind.and_then(Value::as_str) != Some("new-sdo") {
                let span = kind.map_or_else(|| entry.value.head_span(), |k| k.span.clone());
                cx.push(
                    Diagnostic::error(
                        "V0111",
                        span,
                        "the Attack Flow extension entry must be {\"extension_type\": \"new-sdo\"}",
                    )
                    .with_help(help),
                );
            }
        }
    }
}

/// `modified` must not be earlier than `created`.
fn check_created_modified(cx: &mut Cx, v: &Value) {
    let (Some(c), Some(m)) = (v.get("created"), v.get("modified")) else {
        return;
    };
    let (Some(cs), Some(ms)) = (c.as_str(), m.as_str()) else {
        return;
    };
    if !timestamp::is_stix_timestamp(cs) || !timestamp::is_stix_timestamp(ms) {
        return;
    }
    if sortable(ms) < sortable(cs) {
        cx.push(
            Diagnostic::warning(
                "V0117",
                m.span.clone(),
                format!("`modified` ({ms}) is earlier than `created`"),
            )
            .with_label(c.span.clone(), format!("created {cs}"))
            .with_help("an object cannot be changed before it exists; check both timestamps"),
        );
    }
}

/// A strict STIX timestamp as a string that sorts by time: the fraction padded to 9 digits.
fn sortable(ts: &str) -> String {
    let body = ts.trim_end_matches('Z');
    let (main, frac) = body.split_once('.').unwrap_or((body, ""));
    format!("{main}.{frac:0<9}")
}

/// The finding for a value of the wrong JSON type.
pub(crate) fn wrong_type(v: &Value, what: &str, expected: &str) -> Diagnostic {
    Diagnostic::error(
        "V0106",
        v.span.clone(),
        format!("{what} must be {expected}, not {}", v.type_name()),
    )
}

/// Inclusive bounds of integer properties that the schemas limit.
fn range_of(ty: &str, key: &str) -> Option<(i64, i64)> {
    match (ty, key) {
        (_, "confidence") => Some((0, 100)),
        ("observed-data", "number_observed") | ("sighting", "count") => Some((0, 999_999_999)),
        (_, "size" | "number" | "src_port" | "dst_port" | "src_packets" | "dst_packets") => {
            Some((0, if key.ends_with("port") { 65_535 } else { i64::MAX }))
        }
        _ => None,
    }
}

fn check_value(cx: &mut Cx, ty: &str, key: &str, kind: PropKind, v: &Value) {
    let what = format!("`{key}`");
    match kind {
        PropKind::String | PropKind::OpenVocab(_) => {
            if v.as_str().is_none() {
                cx.push(wrong_type(v, &what, "a string"));
            }
        }
        PropKind::Integer => {
            match &v.kind {
                Kind::Number(n) if n.is_integer() => {
                    if let Some((lo, hi)) = range_of(ty, key) {
                        let x = n.value;
                        if x < lo as f64 || x > hi as f64 {
                            let mut d = Diagnostic::error(
                                "V0109",
                                v.span.clone(),
                                format!("`{key}` must be between {lo} and {hi}"),
                            );
                            if key == "confidence" {
                                d = d.with_help("STIX confidence is 0-100 (Appendix A maps words and 0-10 scales onto it)");
                            }
                            cx.push(d);
                        }
                    }
                }
                _ => cx.push(wrong_type(v, &what, "a whole number")),
            }
        }
        PropKind::Number => {
            if !matches!(v.kind, Kind::Number(_)) {
                cx.push(wrong_type(v, &what, "a number"));
            }
        }
        PropKind::Boolean => {
            if !matches!(v.kind, Kind::Bool(_)) {
                let mut d = wrong_type(v, &what, "`true` or `false`");
                if let Some(s @ ("true" | "false")) = v.as_str() {
                    d = d.with_fix("drop the quotes", v.span.clone(), s.to_string());
                }
                cx.push(d);
            }
        }
        PropKind::Timestamp => check_timestamp(cx, key, v),
        PropKind::Binary => match v.as_str() {
            None => cx.push(wrong_type(v, &what, "a base64 string")),
            Some(s) if !is_base64(s) => cx.push(Diagnostic::error(
                "V0106",
                v.span.clone(),
                format!("`{key}` must be base64 text"),
            )),
            Some(_) => {}
        },
        PropKind::Hex => match v.as_str() {
            None => cx.push(wrong_type(v, &what, "a hexadecimal string")),
            Some(s) if !s.bytes().all(|b| b.is_ascii_hexdigit()) || s.len() % 2 == 1 => {
                cx.push(Diagnostic::error(
                    "V0106",
                    v.span.clone(),
                    format!("`{key}` must be hexadecimal bytes"),
                ))
            }
            Some(_) => {}
        },
        PropKind::Ref(targets) => check_ref(cx, key, targets, v),
        PropKind::RefList(targets) => match v.as_array() {
            None => cx.push(wrong_type(v, &what, "a list of ids")),
            Some(items) => {
                for item in items {
                    check_ref(cx, key, targets, item);
                }
            }
        },
        PropKind::StringList | PropKind::OpenVocabList(_) => match v.as_array() {
            None => cx.push(wrong_type(v, &what, "a list of strings")),
            Some(items) => {
                for item in items.iter().filter(|i| i.as_str().is_none()) {
                    cx.push(wrong_type(item, &format!("each item of `{key}`"), "a string"));
                }
            }
        },
        PropKind::Enum(values) => match v.as_str() {
            None => cx.push(wrong_type(v, &what, "a string")),
            Some(s) => {
                let allowed: &[&str] = if key == "spec_version" { &["2.1"] } else { values };
                if !allowed.contains(&s) {
                    let mut d =
                        Diagnostic::error("V0110", v.span.clone(), format!("`{s}` is not a valid `{key}`"))
                            .with_help(format!("`{key}` is one of {}", one_of(allowed)));
                    if key == "spec_version" {
                        d = d.with_fix("use `2.1`", v.inner_span(), "2.1");
                    } else if let Some(c) = closest(s, allowed.iter().copied()) {
                        d = d.with_fix(format!("did you mean `{c}`?"), v.inner_span(), c.to_string());
                    }
                    cx.push(d);
                }
            }
        },
        PropKind::Hashes => match v.as_object() {
            None => cx.push(wrong_type(v, &what, "an object of hash values")),
            Some(members) => {
                for m in members.iter().filter(|m| m.value.as_str().is_none()) {
                    cx.push(wrong_type(&m.value, &format!("hash `{}`", m.key), "a string"));
                }
            }
        },
        PropKind::Dictionary | PropKind::Object => {
            if v.as_object().is_none() {
                cx.push(wrong_type(v, &what, "an object"));
            }
        }
        PropKind::ObjectList => match v.as_array() {
            None => cx.push(wrong_type(v, &what, "a list of objects")),
            Some(items) => {
                for item in items.iter().filter(|i| i.as_object().is_none()) {
                    cx.push(wrong_type(item, &format!("each item of `{key}`"), "an object"));
                }
            }
        },
        PropKind::KillChainPhases => {
            for item in list_of_objects(cx, key, v) {
                require_strings(cx, item, "a kill-chain phase", kind.entry_required());
            }
        }
        PropKind::ExternalReferences => {
            for item in list_of_objects(cx, key, v) {
                check_external_reference(cx, item);
            }
        }
        PropKind::GranularMarkings => {
            for item in list_of_objects(cx, key, v) {
                require_strings(cx, item, "a granular marking", &[]);
                match item.get("selectors") {
                    None => cx.push(missing_nested(item, "a granular marking", "selectors")),
                    Some(s) => check_value(cx, ty, "selectors", PropKind::StringList, s),
                }
                match item.get("marking_ref") {
                    Some(r) => check_ref(cx, "marking_ref", &["marking-definition"], r),
                    None if item.get("lang").is_none() => {
                        cx.push(missing_nested(item, "a granular marking", "marking_ref"))
                    }
                    None => {}
                }
            }
        }
        PropKind::Extensions => check_extensions(cx, ty, v),
        PropKind::Any => {}
    }
}

fn list_of_objects<'v>(cx: &mut Cx, key: &str, v: &'v Value) -> Vec<&'v Value> {
    let Some(items) = v.as_array() else {
        cx.push(wrong_type(v, &format!("`{key}`"), "a list of objects"));
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        if item.as_object().is_some() {
            out.push(item);
        } else {
            cx.push(wrong_type(item, &format!("each item of `{key}`"), "an object"));
        }
    }
    out
}

fn missing_nested(item: &Value, what: &str, key: &str) -> Diagnostic {
    Diagnostic::error(
        "V0105",
        item.head_span(),
        format!("{what} without `{key}`, which it requires"),
    )
    .with_span_label(what.to_string())
}

/// Each of `keys` must be present; any of them present must be a string.
fn require_strings(cx: &mut Cx, item: &Value, what: &str, keys: &[&str]) {
    for k in keys {
        match item.get(k) {
            None => cx.push(missing_nested(item, what, k)),
            Some(v) if v.as_str().is_none() => cx.push(wrong_type(v, &format!("`{k}`"), "a string")),
            Some(_) => {}
        }
    }
}

fn check_external_reference(cx: &mut Cx, item: &Value) {
    let what = "an external reference";
    require_strings(cx, item, what, PropKind::ExternalReferences.entry_required());
    for k in ["description", "url", "external_id"] {
        if let Some(v) = item.get(k).filter(|v| v.as_str().is_none()) {
            cx.push(wrong_type(v, &format!("`{k}`"), "a string"));
        }
    }
    if ["description", "url", "external_id"]
        .iter()
        .all(|k| item.get(k).is_none())
    {
        cx.push(
            Diagnostic::error(
                "V0105",
                item.head_span(),
                "an external reference needs `description`, `url` or `external_id`",
            )
            .with_span_label(what),
        );
    }
    let source = item.get("source_name").and_then(Value::as_str);
    let (prefix, example) = match source {
        Some("cve") => ("CVE-", "CVE-2021-44228"),
        Some("capec") => ("CAPEC-", "CAPEC-163"),
        _ => return,
    };
    let ext = item.get("external_id");
    let ok = ext.and_then(Value::as_str).is_some_and(|id| match source {
        Some("cve") => is_cve(id),
        _ => id
            .strip_prefix(prefix)
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())),
    });
    if !ok {
        let span = ext.map_or_else(|| item.head_span(), |e| e.span.clone());
        cx.push(
            Diagnostic::error(
                "V0110",
                span,
                format!(
                    "a `{}` external reference needs an `external_id` such as {example}",
                    source.unwrap_or_default()
                ),
            )
            .with_help("STIX reserves the source names `cve` and `capec` for those id schemes"),
        );
    }
}

fn is_cve(id: &str) -> bool {
    let Some(rest) = id.strip_prefix("CVE-") else {
        return false;
    };
    let Some((year, num)) = rest.split_once('-') else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    year.len() == 4
        && digits(year)
        && digits(num)
        && num.len() >= 4
        && (num.len() == 4 || !num.starts_with('0'))
}

fn is_base64(s: &str) -> bool {
    let body = s.trim_end_matches('=');
    s.len() - body.len() <= 2
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

fn check_extensions(cx: &mut Cx, ty: &str, v: &Value) {
    let Some(members) = v.as_object() else {
        cx.push(wrong_type(v, "`extensions`", "an object"));
        return;
    };
    if members.is_empty() {
        cx.push(
            Diagnostic::error("V0111", v.span.clone(), "`extensions` is empty")
                .with_help("leave the property out instead"),
        );
        return;
    }
    let sco = types::type_info(ty).is_some_and(|t| t.category == Category::Sco);
    for m in members {
        let is_definition = af_stix::id::split_id(&m.key).is_some_and(|(t, _)| t == "extension-definition");
        let predefined = sco && m.key.ends_with("-ext") && af_stix::id::is_valid_type_name(&m.key);
        if !is_definition && !predefined {
            cx.push(
                Diagnostic::error("V0111", m.key_span.clone(), format!("`{}` does not name an extension", m.key))
                    .with_help(if sco {
                        "extension keys are extension-definition ids (extension-definition--<UUID>) or predefined names ending in `-ext`"
                    } else {
                        "extension keys are extension-definition ids (extension-definition--<UUID>)"
                    }),
            );
            continue;
        }
        let Some(entry) = m.value.as_object() else {
            cx.push(wrong_type(
                &m.value,
                &format!("extension `{}`", m.key),
                "an object",
            ));
            continue;
        };
        if entry.is_empty() {
            cx.push(Diagnostic::error(
                "V0111",
                m.value.span.clone(),
                format!("extension `{}` is empty", m.key),
            ));
            continue;
        }
        if is_definition {
            const TYPES: &[&str] = &[
                "new-sdo",
                "new-sco",
                "new-sro",
                "property-extension",
                "toplevel-property-extension",
            ];
            match m.value.get("extension_type") {
                None => cx.push(
                    Diagnostic::error(
                        "V0111",
                        m.value.head_span(),
                        format!("extension `{}` without `extension_type`", m.key),
                    )
                    .with_help(format!("`extension_type` is one of {}", one_of(TYPES))),
                ),
                Some(t) if !t.as_str().is_some_and(|s| TYPES.contains(&s)) => cx.push(
                    Diagnostic::error("V0110", t.span.clone(), "not a valid `extension_type`")
                        .with_help(format!("`extension_type` is one of {}", one_of(TYPES))),
                ),
                Some(_) => {}
            }
        }
    }
}

fn check_timestamp(cx: &mut Cx, key: &str, v: &Value) {
    let Some(s) = v.as_str() else {
        cx.push(wrong_type(v, &format!("`{key}`"), "a timestamp string"));
        return;
    };
    let millis = key == "created" || key == "modified";
    if !timestamp::is_stix_timestamp(s) {
        let d = match timestamp::normalize(s) {
            Ok(fixed) => Diagnostic::error(
                "V0107",
                v.span.clone(),
                format!("`{s}` is not a STIX timestamp: it must be in UTC, written with `Z`"),
            )
            .with_fix(format!("use `{fixed}`"), v.inner_span(), fixed.clone()),
            Err(e) => Diagnostic::error("V0107", v.span.clone(), format!("`{s}` is not a valid timestamp"))
                .with_help(e.to_string()),
        };
        cx.push(d);
        return;
    }
    if millis && !timestamp::is_stix_timestamp_millis(s) {
        let mut d = Diagnostic::error(
            "V0108",
            v.span.clone(),
            format!("`{key}` must be precise to the millisecond (three digits after the seconds)"),
        );
        if let Ok(fixed) = timestamp::normalize(s) {
            d = d.with_fix(format!("use `{fixed}`"), v.inner_span(), fixed);
        }
        cx.push(d);
    }
}

/// A reference: a string, a STIX id, of one of `targets` (any type when empty).
fn check_ref(cx: &mut Cx, key: &str, targets: &[&str], v: &Value) {
    let Some(s) = v.as_str() else {
        cx.push(wrong_type(v, &format!("`{key}`"), "a STIX id string"));
        return;
    };
    let Some((ty, _)) = af_stix::id::split_id(s) else {
        cx.push(
            Diagnostic::error(
                "V0113",
                v.span.clone(),
                format!("`{s}` in `{key}` is not a STIX id"),
            )
            .with_help("references are ids of the form TYPE--UUID"),
        );
        return;
    };
    // The schema allows any object here; "for ATT&CK, this should be an x-mitre-tactic".
    if key == "tactic_ref" || targets.is_empty() || targets.contains(&ty) {
        return;
    }
    cx.push(
        Diagnostic::error(
            "V0112",
            v.span.clone(),
            format!("`{key}` must point at {}, not at a `{ty}`", one_of(targets)),
        )
        .with_help(ref_help(key)),
    );
}

fn ref_help(key: &str) -> &'static str {
    match key {
        "start_refs" => "a flow starts at actions or conditions; operators and assets are reached from them",
        "effect_refs" | "on_true_refs" | "on_false_refs" => {
            "the flow continues only to actions, operators and conditions; link assets with asset_refs"
        }
        "asset_refs" => {
            "asset_refs lists attack-asset objects; point the asset's object_ref at the observable"
        }
        "command_ref" => "command_ref names a `process` object holding the command line",
        "technique_ref" => "technique_ref names the ATT&CK `attack-pattern` object of technique_id",
        _ => "the STIX specification fixes which object types this property refers to",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn property_names() {
        for ok in ["name", "x_custom", "abc", "id", "src_ref", "abc-def"] {
            assert!(valid_property_name(ok), "{ok}");
        }
        for bad in ["Name", "ab", "_abc", "1abc", "a-b"] {
            assert!(!valid_property_name(bad), "{bad}");
        }
    }

    #[test]
    fn timestamps_sort_by_time() {
        assert!(sortable("2026-01-01T00:00:00.5Z") > sortable("2026-01-01T00:00:00.123Z"));
        assert!(sortable("2026-01-01T00:00:01Z") > sortable("2026-01-01T00:00:00.999Z"));
    }

    #[test]
    fn cve_ids() {
        assert!(is_cve("CVE-2021-44228"));
        assert!(is_cve("CVE-1999-0001"));
        assert!(!is_cve("CVE-2021-123"));
        assert!(!is_cve("CVE-21-44228"));
        assert!(!is_cve("cve-2021-44228"));
    }

    #[test]
    fn base64() {
        assert!(is_base64("aGVsbG8="));
        assert!(!is_base64("not base64!"));
    }
}
