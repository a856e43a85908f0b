//! Technique and tactic ids of actions, checked against the MITRE catalogs. The schema allows
//! any string in `technique_id` / `tactic_id`, so every finding here is a warning; the codes
//! and wording are the compiler's for the same findings (`W0401`…`W0406`).

use crate::json::Value;
use crate::{Cx, Obj};
use af_catalog::{Catalog, Status, Technique};
use af_diagnostics::Diagnostic;

pub(crate) fn check(cx: &mut Cx, objs: &[Obj<'_>], catalog: &Catalog) {
    for o in objs.iter().filter(|o| o.ty == Some("attack-action") && o.known) {
        let v = o.value;
        let technique = v
            .get("technique_id")
            .and_then(|t| Some((t.as_str()?, t)))
            .and_then(|(id, at)| technique(cx, catalog, id, at));
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
            let candidates: Vec<String> = catalog
                .tactics(technique.map(|t| t.catalog))
                .iter()
                .flat_map(|t| {
                    std::iter::once(t.id.to_string()).chain(t.shortname.as_deref().map(str::to_string))
                })
                .collect();
            let mut d = Diagnostic::warning(
                "W0406",
                at.span.clone(),
                format!("`{text}` is not a tactic id the catalogs know"),
            )
            .with_help("write a tactic id such as TA0001, or an ATT&CK short name such as initial-access; `afc attack tactics` lists them");
            if let Some(c) = af_diagnostics::closest(text, candidates.iter().map(String::as_str)) {
                d = d.with_fix(format!("did you mean `{c}`?"), at.inner_span(), c.to_string());
            }
            cx.push(d);
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
        Diagnostic::warning(
            "V0301",
            r.span.clone(),
            format!("`{key}` does not match `{id_key}`: {what} `{expected}`"),
        )
        .with_help(format!(
            "tools follow {key} to the ATT&CK object; one of the two is out of date"
        ))
        .with_fix(format!("use `{expected}`"), r.inner_span(), expected.to_string()),
    );
}

fn technique<'c>(cx: &mut Cx, catalog: &'c Catalog, id: &str, at: &Value) -> Option<&'c Technique> {
    let span = at.span.clone();
    let Some(t) = catalog.technique(id) else {
        if !looks_like_technique_id(id) {
            let mut d = Diagnostic::warning("W0406", span, format!("`{id}` is not a technique id"))
                .with_help(
                    "technique_id normally holds an id such as T1566.001; the value is kept as written",
                );
            // `1566.001` for `T1566.001`.
            if let Some(t) = catalog.technique(&format!("T{id}")) {
                d = d.with_fix(
                    format!("did you mean {} ({})?", t.id, t.full_name()),
                    at.inner_span(),
                    t.id.to_string(),
                );
            }
            cx.push(d);
            return None;
        }
        let mut d = Diagnostic::warning("W0406", span, format!("`{id}` is not in the technique catalogs"));
        let suggestions = catalog.suggest(id);
        if suggestions.is_empty() {
            d = d.with_help("check the id; `afc attack search WORDS` finds techniques by name");
        }
        for s in suggestions {
            d = d.with_fix(
                format!("did you mean {} ({})?", s.id, s.full_name()),
                at.inner_span(),
                s.id.to_string(),
            );
        }
        cx.push(d);
        return None;
    };
    match &t.status {
        Status::Active => {}
        Status::Deprecated => cx.push(
            Diagnostic::warning(
                "W0402",
                span,
                format!("{} ({}) is deprecated in ATT&CK", t.id, t.full_name()),
            )
            .with_help("MITRE no longer maintains it and names no replacement; consider a current technique"),
        ),
        Status::Revoked { by } | Status::Removed { successor: by } => {
            let what = if matches!(t.status, Status::Removed { .. }) {
                "is no longer in ATT&CK v19"
            } else {
                "is revoked"
            };
            let mut d = Diagnostic::warning("W0401", span, format!("{} ({}) {what}", t.id, t.full_name()));
            match by.as_deref().and_then(|b| catalog.technique(b)) {
                Some(r) => {
                    d = d.with_fix(
                        format!("replace it with {} ({})", r.id, r.full_name()),
                        at.inner_span(),
                        r.id.to_string(),
                    );
                }
                None => d = d.with_help("MITRE names no replacement; choose a current technique"),
            }
            cx.push(d);
        }
    }
    Some(t)
}

fn membership(cx: &mut Cx, catalog: &Catalog, t: &Technique, tactic: &str, at: &Value) {
    let has = |list: &[af_catalog::Text]| list.iter().any(|x| x.eq_ignore_ascii_case(tactic));
    if t.tactics.is_empty() || has(&t.tactics) {
        return;
    }
    let describe = |ids: &[af_catalog::Text]| {
        ids.iter()
            .map(|id| match catalog.tactic_for(t, id) {
                Some(tac) => format!("{} {}", tac.id, tac.name),
                None => id.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let span = at.span.clone();
    let mut d = if has(&t.tactics_v18) {
        let old_name = catalog
            .tactic_for(t, tactic)
            .and_then(|x| x.name_v18.as_deref().map(str::to_string));
        Diagnostic::warning(
            "W0405",
            span,
            format!(
                "{} was under {tactic}{} in ATT&CK v18, but in v19 it belongs to {}",
                t.id,
                old_name.map(|n| format!(" ({n})")).unwrap_or_default(),
                describe(&t.tactics)
            ),
        )
        .with_help("ATT&CK v19 renamed TA0005 to Stealth and moved part of Defense Evasion to TA0112 Defense Impairment")
    } else {
        Diagnostic::warning(
            "W0403",
            span,
            format!("{} ({}) is not a technique of {tactic}", t.id, t.full_name()),
        )
        .with_help(format!("its tactics: {}", describe(&t.tactics)))
    };
    for valid in &t.tactics {
        let label = match catalog.tactic_for(t, valid) {
            Some(tac) => format!("use {} ({})", tac.id, tac.name),
            None => format!("use {valid}"),
        };
        d = d.with_fix(label, at.inner_span(), valid.to_string());
    }
    cx.push(d);
}

/// True for strings shaped like an id of one of the catalogs.
fn looks_like_technique_id(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |x: &[u8]| !x.is_empty() && x.iter().all(u8::is_ascii_digit);
    let upper = s.to_ascii_uppercase();
    (b.len() >= 5 && (b[0] == b'T' || b[0] == b't') && digits(&b[1..5]))
        || upper.starts_with("AML.T")
        || upper.starts_with("D3-")
        || upper.starts_with("F3.")
}
