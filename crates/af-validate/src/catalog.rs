//! Technique and tactic ids of actions, checked against the MITRE catalogs. The schema allows
//! any string in `technique_id` / `tactic_id`, so every finding here is a warning; the codes
//! and wording are the compiler's for the same findings (`W0401`…`W0406`).

use crate::json::Value;
use crate::{Cx, Obj};
use af_catalog::{Catalog, Technique};
use af_diagnostics::codes;
use af_diagnostics::Diagnostic;
use af_findings as findings;

pub(crate) fn check(cx: &mut Cx, objs: &[Obj<'_>], catalog: &Catalog) {
    for o in objs.iter().filter(|o| o.ty == Some("attack-action") && o.known) {
        let v = o.value;
        let technique = v
            .get("technique_id")
            .and_then(|t| Some((t.as_str()?, t)))
            .and_then(|(id, at)| technique(cx, catalog, id, at, v.get("name")));
        if let (Some(t), Some(r)) = (technique, v.get("technique_ref")) {
            let named = r.as_str().and_then(|actual| {
                catalog.techniques().find(|x| {
                    x.stix_id
                        .as_deref()
                        .is_some_and(|s| s.eq_ignore_ascii_case(actual))
                })
            });
            let what = match named {
                Some(other) => format!(
                    "it names {} ({}), but {} ({}) is",
                    other.id,
                    other.full_name(),
                    t.id,
                    t.full_name()
                ),
                None => format!("{} ({}) is", t.id, t.full_name()),
            };
            compare_ref(cx, "technique_ref", r, t.stix_id.as_deref(), &what);
        }
        let Some((text, at)) = v.get("tactic_id").and_then(|t| Some((t.as_str()?, t))) else {
            continue;
        };
        let found = match technique {
            Some(t) => catalog.tactic_for(t, text).or_else(|| catalog.tactic(text)),
            None => catalog.tactic(text),
        };
        let Some(tactic) = found else {
            cx.push(findings::unknown_tactic(
                catalog,
                text,
                technique,
                at.span.clone(),
                at.inner_span(),
                false,
            ));
            continue;
        };
        if let Some(t) = technique {
            membership(cx, catalog, t, tactic.id.as_ref(), at);
        }
        if let Some(r) = v.get("tactic_ref") {
            compare_ref(
                cx,
                "tactic_ref",
                r,
                tactic.stix_id.as_deref(),
                &format!("{} ({}) is", tactic.id, tactic.name),
            );
        }
    }
}

/// `technique_ref` / `tactic_ref` must be the STIX id of the technique / tactic the id names.
fn compare_ref(cx: &mut Cx, key: &str, r: &Value, expected: Option<&str>, what: &str) {
    let (Some(actual), Some(expected)) = (r.as_str(), expected) else {
        return;
    };
    if actual.eq_ignore_ascii_case(expected) {
        return;
    }
    let id_key = key.replace("_ref", "_id");
    cx.push(
        Diagnostic::new(
            codes::V0301,
            r.span.clone(),
            format!("`{key}` does not match `{id_key}`: {what} `{expected}`"),
        )
        .with_help(format!(
            "tools follow {key} to the ATT&CK object; one of the two is out of date"
        ))
        // The ref follows the id, which is what people read and write: safe.
        .with_safe_fix(format!("use `{expected}`"), r.inner_span(), expected.to_string()),
    );
}

/// The technique of an action's `technique_id`, with the catalog findings on it. When the
/// id is replaced (`W0401`) and the action's `name` is the old technique's name (as a
/// compiler writes it for an action without a title), the fix renames the action with it, so
/// that a migrated action does not keep the name of the technique it no longer is.
fn technique<'c>(
    cx: &mut Cx,
    catalog: &'c Catalog,
    id: &str,
    at: &Value,
    name: Option<&Value>,
) -> Option<&'c Technique> {
    let Some(t) = catalog.technique(id) else {
        cx.push(findings::unknown_technique(
            catalog,
            id,
            at.span.clone(),
            at.inner_span(),
            false,
        ));
        return None;
    };
    if let Some(mut d) = findings::status_finding(catalog, t, at.span.clone(), at.inner_span()) {
        if let Some(name) = name {
            rename_with_technique(&mut d, catalog, t, name);
        }
        cx.push(d);
    }
    Some(t)
}

/// Adds to the fix of `d` the edit that renames the action (see
/// [`findings::rename_with_replacement`]): the new name goes inside the JSON string's quotes.
fn rename_with_technique(d: &mut Diagnostic, catalog: &Catalog, old: &Technique, name: &Value) {
    let Some(written) = name.as_str() else {
        return;
    };
    findings::rename_with_replacement(d, catalog, old, written, name.inner_span(), |new| {
        let quoted = af_stix::writer::string_literal(new);
        quoted
            .get(1..quoted.len().saturating_sub(1))
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    });
}

fn membership(cx: &mut Cx, catalog: &Catalog, t: &Technique, tactic: &str, at: &Value) {
    if let Some(d) = findings::tactic_finding(catalog, t, tactic, at.span.clone(), at.inner_span()) {
        cx.push(d);
    }
}
