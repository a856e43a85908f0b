//! One object at a time: the Attack Flow 2.0.0 schema and the STIX 2.1 core rules, driven by
//! the type table of `af_stix::types`.

use crate::json::{Kind, Member, Value};
use crate::{one_of, Cx, Obj};
use af_diagnostics::{closest, codes, Diagnostic};
use af_stix::attack_flow::EXTENSION_ID;
use af_stix::check::{self, Finding, Problem, PropertyStatus};
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
                            Diagnostic::new(
                                codes::V0003,
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
        cx.push(Diagnostic::new(
            codes::V0101,
            v.head_span(),
            format!("an element of `objects` is {}, not an object", v.type_name()),
        ));
        return obj;
    }
    let Some(type_member) = v.member("type") else {
        cx.push(
            Diagnostic::new(codes::V0101, obj.anchor.clone(), "object without `type`")
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
        let mut d = Diagnostic::new(
            codes::V0102,
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
        let mut d = Diagnostic::new(
            codes::V0103,
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
        // Its properties are its own, but STIX's rules for every property still apply.
        check_properties(cx, v, ty, None);
        return obj;
    };
    obj.known = true;
    check_properties(cx, v, ty, Some(info));
    check_required(cx, &obj, ty, info);
    if info.category == Category::AttackFlow {
        check_marker(cx, &obj);
    }
    check_time_order(cx, v, ty);
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
            Diagnostic::new(
                codes::V0104,
                m.value.span.clone(),
                format!("`{id}` is not a STIX id"),
            )
            .with_help(format!(
                "ids are the type, `--` and an RFC 4122 UUID: {ty}--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"
            )),
        ),
        Some((id_ty, uuid)) if id_ty != ty => {
            let start = m.value.span.start + 1;
            cx.push(
                Diagnostic::new(
                    codes::V0104,
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

fn check_properties(cx: &mut Cx, v: &Value, ty: &str, info: Option<&TypeInfo>) {
    let Some(members) = v.as_object() else { return };
    for m in members {
        let key = m.key.as_str();
        if key == "type" || key == "id" {
            continue;
        }
        let status = check::property_status(ty, key);
        if status == PropertyStatus::InvalidName {
            cx.push(
                Diagnostic::new(codes::V0115, m.key_span.clone(), format!("`{key}` is not a valid property name"))
                    .with_help("property names are lower-case letters, digits and `_`, at least three characters, starting with a letter"),
            );
            continue;
        }
        if matches!(m.value.kind, Kind::Null) {
            cx.push(
                Diagnostic::new(codes::V0106, m.value.span.clone(), format!("`{key}` is null"))
                    .with_help("STIX has no null values; leave the property out instead"),
            );
            continue;
        }
        match status {
            PropertyStatus::Defined(p) | PropertyStatus::Tolerated(p) => {
                check_shape(cx, key, p.kind, &m.value)
            }
            PropertyStatus::Unknown => {
                let Some(info) = info else { continue };
                let mut names: Vec<&str> = info.properties.iter().map(|p| p.name).collect();
                if info.inherits_common {
                    names.extend(types::common_properties(info.category).iter().map(|p| p.name));
                }
                let mut d = Diagnostic::new(
                    codes::V0116,
                    m.key_span.clone(),
                    format!("`{key}` is not a property of `{ty}`"),
                )
                .with_help("it is kept as written, but tools will not understand it; custom properties start with `x_`");
                if let Some(c) = closest(key, names.iter().copied()) {
                    d = d.with_fix(format!("did you mean `{c}`?"), inner(&m.key_span), c.to_string());
                }
                cx.push(d);
            }
            PropertyStatus::Custom | PropertyStatus::UncheckedType | PropertyStatus::InvalidName => {}
        }
        // The value rules STIX sets, shared with the compiler.
        check::check_property(ty, key, &m.value, &mut |f| cx.push(problem_diagnostic(&f)));
    }
}

/// The validator's diagnostic for a finding of the shared value checker.
fn problem_diagnostic(f: &Finding<&Value>) -> Diagnostic {
    let code = match f.problem {
        Problem::OutOfRange { .. } => codes::V0109,
        Problem::EmptyList => codes::V0114,
        Problem::WrongType { .. } => codes::V0106,
        Problem::MissingKey { .. } | Problem::NeedsOneOf { .. } => codes::V0105,
        Problem::PropertyName => codes::V0115,
        Problem::ExtensionKey { .. } | Problem::EmptyExtension | Problem::ExtensionType => codes::V0111,
        Problem::Format(format) if !format.is_pattern() => codes::V0120,
        Problem::Format(_)
        | Problem::NotBase64
        | Problem::NotHex
        | Problem::ExternalId { .. }
        | Problem::HashAlgorithm => codes::V0119,
    };
    let span = match f.problem {
        // Whole entries: point at their opening brace.
        Problem::MissingKey { .. } | Problem::NeedsOneOf { .. } => f.at.head_span(),
        _ => f.at.span.clone(),
    };
    let mut d = Diagnostic::new(code, span, f.problem.message(&f.what));
    if let Problem::MissingKey { entry, .. } | Problem::NeedsOneOf { entry, .. } = f.problem {
        d = d.with_span_label(entry);
    }
    if let Some(help) = f.problem.help() {
        d = d.with_help(help);
    }
    if matches!(f.problem, Problem::OutOfRange { .. }) && f.what == "`confidence`" {
        d = d.with_help("STIX confidence is 0-100 (Appendix A maps words and 0-10 scales onto it)");
    }
    d
}

impl<'a> check::Json<'a> for &'a Value {
    fn as_str(self) -> Option<&'a str> {
        Value::as_str(self)
    }
    fn as_number(self) -> Option<f64> {
        match &self.kind {
            Kind::Number(n) => Some(n.value),
            _ => None,
        }
    }
    fn is_bool(self) -> bool {
        matches!(self.kind, Kind::Bool(_))
    }
    fn items(self, each: &mut dyn FnMut(Self)) -> bool {
        match self.as_array() {
            Some(items) => {
                items.iter().for_each(each);
                true
            }
            None => false,
        }
    }
    fn members(self, each: &mut dyn FnMut(&'a str, Self)) -> bool {
        match self.as_object() {
            Some(members) => {
                for m in members {
                    each(&m.key, &m.value);
                }
                true
            }
            None => false,
        }
    }
    fn get(self, key: &str) -> Option<Self> {
        Value::get(self, key)
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
        let mut d = Diagnostic::new(
            codes::V0105,
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
            Diagnostic::new(
                codes::V0111,
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
            Diagnostic::new(
                codes::V0111,
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
                    Diagnostic::new(
                        codes::V0111,
                        span,
                        "the Attack Flow extension entry must be {\"extension_type\": \"new-sdo\"}",
                    )
                    .with_help(help),
                );
            }
        }
    }
}

/// Paired timestamps in an order STIX forbids (`modified` before `created`, `execution_end`
/// before `execution_start`, …): the shared rule of af-stix.
fn check_time_order(cx: &mut Cx, v: &Value, ty: &str) {
    for wrong in check::time_order(ty, |k| v.get(k).and_then(Value::as_str)) {
        let (Some(earlier), Some(later)) = (v.get(wrong.earlier), v.get(wrong.later)) else {
            continue;
        };
        let (e, l) = (
            earlier.as_str().unwrap_or_default(),
            later.as_str().unwrap_or_default(),
        );
        cx.push(
            Diagnostic::new(codes::V0117, later.span.clone(), wrong.message(e, l))
                .with_label(earlier.span.clone(), format!("{} {e}", wrong.earlier))
                .with_help(wrong.help()),
        );
    }
}

/// The finding for a value of the wrong JSON type.
pub(crate) fn wrong_type(v: &Value, what: &str, expected: &str) -> Diagnostic {
    Diagnostic::new(
        codes::V0106,
        v.span.clone(),
        format!("{what} must be {expected}, not {}", v.type_name()),
    )
}

/// The JSON shape of a top-level value (the value rules are the shared checker's), its
/// enumeration values, timestamps and references.
fn check_shape(cx: &mut Cx, key: &str, kind: PropKind, v: &Value) {
    let what = format!("`{key}`");
    match kind {
        PropKind::String | PropKind::OpenVocab(_) => {
            if v.as_str().is_none() {
                cx.push(wrong_type(v, &what, "a string"));
            }
        }
        PropKind::Integer => match &v.kind {
            Kind::Number(n) if n.is_integer() => {}
            _ => cx.push(wrong_type(v, &what, "a whole number")),
        },
        PropKind::Number => {
            if !matches!(v.kind, Kind::Number(_)) {
                cx.push(wrong_type(v, &what, "a number"));
            }
        }
        PropKind::Boolean => {
            if !matches!(v.kind, Kind::Bool(_)) {
                let mut d = wrong_type(v, &what, "`true` or `false`");
                if let Some(s @ ("true" | "false")) = v.as_str() {
                    d = d.with_safe_fix("drop the quotes", v.span.clone(), s.to_string());
                }
                cx.push(d);
            }
        }
        PropKind::Timestamp => check_timestamp(cx, key, v),
        PropKind::Binary => {
            if v.as_str().is_none() {
                cx.push(wrong_type(v, &what, "a base64 string"));
            }
        }
        PropKind::Hex => {
            if v.as_str().is_none() {
                cx.push(wrong_type(v, &what, "a hexadecimal string"));
            }
        }
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
                    let mut d = Diagnostic::new(
                        codes::V0110,
                        v.span.clone(),
                        format!("`{s}` is not a valid `{key}`"),
                    )
                    .with_help(format!("`{key}` is one of {}", one_of(allowed)));
                    if key == "spec_version" {
                        d = d.with_safe_fix("use `2.1`", v.inner_span(), "2.1");
                    } else if let Some(c) = closest(s, allowed.iter().copied()) {
                        d = d.with_fix(format!("did you mean `{c}`?"), v.inner_span(), c.to_string());
                    }
                    cx.push(d);
                }
            }
        },
        PropKind::Hashes | PropKind::Extensions | PropKind::Dictionary | PropKind::Object => {
            if v.as_object().is_none() {
                cx.push(wrong_type(v, &what, "an object"));
            }
        }
        PropKind::ObjectList
        | PropKind::KillChainPhases
        | PropKind::ExternalReferences
        | PropKind::GranularMarkings => match v.as_array() {
            None => cx.push(wrong_type(v, &what, "a list of objects")),
            Some(items) => {
                for item in items.iter().filter(|i| i.as_object().is_none()) {
                    // Entries of the lists af-stix knows are checked (and reported) there.
                    if kind == PropKind::ObjectList {
                        cx.push(wrong_type(item, &format!("each item of `{key}`"), "an object"));
                    }
                }
            }
        },
        PropKind::Any => {}
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
            Ok(fixed) => Diagnostic::new(
                codes::V0107,
                v.span.clone(),
                format!("`{s}` is not a STIX timestamp: it must be in UTC, written with `Z`"),
            )
            .with_safe_fix(format!("use `{fixed}`"), v.inner_span(), fixed.clone()),
            Err(e) => Diagnostic::new(
                codes::V0107,
                v.span.clone(),
                format!("`{s}` is not a valid timestamp"),
            )
            .with_help(e.to_string()),
        };
        cx.push(d);
        return;
    }
    if millis && !timestamp::is_stix_timestamp_millis(s) {
        let mut d = Diagnostic::new(
            codes::V0108,
            v.span.clone(),
            format!("`{key}` must be precise to the millisecond (three digits after the seconds)"),
        );
        if let Ok(fixed) = timestamp::normalize(s) {
            d = d.with_safe_fix(format!("use `{fixed}`"), v.inner_span(), fixed);
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
            Diagnostic::new(
                codes::V0113,
                v.span.clone(),
                format!("`{s}` in `{key}` is not a STIX id"),
            )
            .with_help("references are ids of the form TYPE--UUID"),
        );
        return;
    };
    if targets.is_empty() || targets.contains(&ty) {
        return;
    }
    cx.push(
        Diagnostic::new(
            codes::V0112,
            v.span.clone(),
            format!(
                "`{key}` must point at {}, not at an object of type `{ty}`",
                one_of(targets)
            ),
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
