//! The catalog findings about technique and tactic ids: an id the catalogs do not know, a
//! revoked or deprecated technique, a tactic the technique does not belong to (or that moved
//! in ATT&CK v19), a tactic nobody knows. The compiler reports them for actions of a flow and
//! the validator for `attack-action` objects of a bundle; both take the diagnostics from here,
//! so they word them alike, offer the same fixes and use the same codes (`E0401`, `E0402`,
//! `W0401`…`W0406`).
//!
//! This crate knows the catalogs ([`af_catalog`]) and diagnostics, nothing of the language or
//! of JSON: callers pass the id, where it is written (`span`) and what a fix replaces
//! (`fix_span`: the whole word in a flow, the inside of the quotes in a bundle).

use af_catalog::{AttackObject, Catalog, CatalogKind, Domain, Status, Technique};

/// The findings an ATT&CK release change causes, which `afc migrate` works on: a revoked or
/// removed technique (`W0401`, fixed with MITRE's replacement), a deprecated one (`W0402`,
/// no replacement: for a person), a tactic the technique is not in (`W0403`, a choice) and a
/// tactic the technique left in v19, such as the Defense Evasion split into TA0005 Stealth
/// and TA0112 Defense Impairment (`W0405`, fixed when the technique has one v19 tactic).
pub const MIGRATION: &[codes::Code] = &[codes::W0401, codes::W0402, codes::W0403, codes::W0405];

/// Whether `d` is one of the [`MIGRATION`] findings.
pub fn is_migration(d: &Diagnostic) -> bool {
    MIGRATION.iter().any(|c| d.is(*c))
}
use af_diagnostics::{codes, Applicability, Diagnostic, Span};

/// The finding for an id the catalogs do not know: `E0401` when it was written as sugar (an
/// error), else `W0406` (the schema allows any string). Suggestions become fixes replacing
/// `fix_span`.
pub fn unknown_technique(
    catalog: &Catalog,
    id: &str,
    span: Span,
    fix_span: Span,
    as_error: bool,
) -> Diagnostic {
    if !as_error && !looks_like_technique_id(id) {
        let mut d = Diagnostic::new(codes::W0406, span, format!("`{id}` is not a technique id"))
            .with_help("technique_id normally holds an id such as T1566.001; the value is kept as written");
        // `1566.001` for `T1566.001`.
        if let Some(t) = catalog.technique(&format!("T{id}")) {
            d = d.with_safe_fix(
                format!("did you mean {} ({})?", t.id, t.full_name()),
                fix_span,
                t.id.to_string(),
            );
        }
        return d;
    }
    let mut d = if as_error {
        Diagnostic::new(codes::E0401, span, format!("unknown technique `{id}`"))
    } else {
        Diagnostic::new(
            codes::W0406,
            span,
            format!("`{id}` is not in the technique catalogs"),
        )
    };
    let suggestions = catalog.suggest(id);
    if suggestions.is_empty() {
        d = d.with_help("check the id; `afc attack search WORDS` finds techniques by name");
    }
    for s in suggestions {
        d = d.with_fix(
            format!("did you mean {} ({})?", s.id, s.full_name()),
            fix_span.clone(),
            s.id.to_string(),
        );
    }
    d
}

/// `W0401` for a revoked technique (or one ATT&CK v19 dropped), naming the end of its chain as
/// a fix replacing `fix_span`; `W0402` for a deprecated one; `None` for an active one.
pub fn status_finding(catalog: &Catalog, t: &Technique, span: Span, fix_span: Span) -> Option<Diagnostic> {
    match &t.status {
        Status::Active => None,
        Status::Deprecated => Some(
            Diagnostic::new(
                codes::W0402,
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
            let d = Diagnostic::new(codes::W0401, span, format!("{} ({}) {what}", t.id, t.full_name()));
            Some(match by.as_deref().and_then(|b| catalog.technique(b)) {
                // MITRE's own replacement (revoked-by): safe, and what `afc migrate` applies.
                Some(r) => d.with_safe_fix(
                    format!("replace it with {} ({})", r.id, r.full_name()),
                    fix_span,
                    r.id.to_string(),
                ),
                None => d.with_help("MITRE names no replacement; choose a current technique"),
            })
        }
    }
}

/// Adds to the fix of `d` (the `W0401` of [`status_finding`] replacing `old`) the edit that
/// renames the action after the replacement, when the action's name as written (`written`, at
/// `span`) is `old`'s catalog name: a migrated action must not keep the name of the technique
/// it no longer is, and a name the author chose stays. `quote` writes the new name as the
/// text that replaces `span` in the file's own syntax (`None` leaves the name alone).
pub fn rename_with_replacement(
    d: &mut Diagnostic,
    catalog: &Catalog,
    old: &Technique,
    written: &str,
    span: Span,
    quote: impl Fn(&str) -> Option<String>,
) {
    if !d.is(codes::W0401) || (written != old.full_name() && written != old.name.as_ref()) {
        return;
    }
    let [fix] = d.fixes.as_mut_slice() else {
        return;
    };
    let Some(new) = fix.edits.first().and_then(|e| catalog.technique(&e.replacement)) else {
        return;
    };
    let Some(replacement) = quote(&new.full_name()) else {
        return;
    };
    fix.edits.push(af_diagnostics::Edit { span, replacement });
    fix.message = format!("{}, and name the action after it", fix.message);
}

/// `W0401` for a revoked ATT&CK group, software, campaign or mitigation written as sugar
/// (`intrusion-set g G0118`), naming MITRE's replacement as a fix replacing `fix_span`;
/// `W0402` for a deprecated one; `None` for an active one. Same codes as for techniques, so
/// `afc migrate` replaces them too.
pub fn object_status_finding(
    catalog: &Catalog,
    o: &AttackObject,
    span: Span,
    fix_span: Span,
) -> Option<Diagnostic> {
    match &o.status {
        Status::Active => None,
        Status::Deprecated => Some(
            Diagnostic::new(
                codes::W0402,
                span,
                format!("{} ({}) is deprecated in ATT&CK", o.id, o.name),
            )
            .with_help(format!(
                "MITRE no longer maintains this {} and names no replacement",
                o.kind
            )),
        ),
        Status::Revoked { by } | Status::Removed { successor: by } => {
            let d = Diagnostic::new(
                codes::W0401,
                span,
                format!("{} ({}) is revoked in ATT&CK", o.id, o.name),
            );
            Some(
                match by.as_deref().and_then(|b| catalog.find_object(&[o.kind], b)) {
                    Some(r) => d.with_safe_fix(
                        format!("replace it with {} ({})", r.id, r.name),
                        fix_span,
                        r.id.to_string(),
                    ),
                    None => d.with_help("MITRE names no replacement"),
                },
            )
        }
    }
}

/// `W0403` when `tactic` is not one of the technique's tactics (every valid tactic is a fix
/// replacing `fix_span`), or `W0405` when it was right in ATT&CK v18 but not in v19.
pub fn tactic_finding(
    catalog: &Catalog,
    t: &Technique,
    tactic: &str,
    span: Span,
    fix_span: Span,
) -> Option<Diagnostic> {
    let has = |list: &[af_catalog::Text]| list.iter().any(|x| x.eq_ignore_ascii_case(tactic));
    if t.tactics.is_empty() || has(&t.tactics) {
        return None;
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
    let mut d = if has(&t.tactics_v18) {
        let old_name = catalog
            .tactic_for(t, tactic)
            .and_then(|x| x.name_v18.as_deref().map(str::to_string));
        Diagnostic::new(
            codes::W0405,
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
        Diagnostic::new(
            codes::W0403,
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
        // The tactic a technique moved to in v19 keeps the meaning; picking one of the
        // technique's tactics for a wrong one is a guess.
        let applicability = if has(&t.tactics_v18) {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        };
        d = d.with_fix_of(applicability, label, fix_span.clone(), valid.to_string());
    }
    Some(d)
}

/// True for strings shaped like an id of one of the catalogs.
pub fn looks_like_technique_id(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |x: &[u8]| !x.is_empty() && x.iter().all(u8::is_ascii_digit);
    let upper = s.to_ascii_uppercase();
    (b.len() >= 5 && (b[0] == b'T' || b[0] == b't') && digits(&b[1..5]))
        || upper.starts_with("AML.T")
        || upper.starts_with("D3-")
        || upper.starts_with("F3.")
}

/// The display name of an ATT&CK domain.
pub fn domain_name(d: Domain) -> &'static str {
    match d {
        Domain::Enterprise => "Enterprise",
        Domain::Mobile => "Mobile",
        Domain::Ics => "ICS",
        Domain::None => "non-ATT&CK",
    }
}

/// The finding for a tactic the catalogs do not know (`text` as written): `E0402` when it was
/// written as sugar (`tactic: TA0009x`, an error), else `W0406`. The candidates are the tactics
/// of the technique's catalog (or all), by id and ATT&CK short name; the closest is a fix.
pub fn unknown_tactic(
    catalog: &Catalog,
    text: &str,
    technique: Option<&Technique>,
    span: Span,
    fix_span: Span,
    as_error: bool,
) -> Diagnostic {
    let candidates: Vec<String> = catalog
        .tactics(technique.map(|t| t.catalog))
        .iter()
        .flat_map(|t| std::iter::once(t.id.to_string()).chain(t.shortname.as_deref().map(str::to_string)))
        .collect();
    let mut d = if as_error {
        Diagnostic::new(codes::E0402, span, format!("unknown tactic `{text}`"))
    } else {
        Diagnostic::new(
            codes::W0406,
            span,
            format!("`{text}` is not a tactic id the catalogs know"),
        )
    };
    d = d.with_help("write a tactic id such as TA0001, or an ATT&CK short name such as initial-access; `afc attack tactics` lists them");
    if let Some(c) = af_diagnostics::closest(text, candidates.iter().map(String::as_str)) {
        d = d.with_fix(format!("did you mean `{c}`?"), fix_span, c.to_string());
    }
    d
}

/// `W0404` when technique `t` (at `span`) shares no ATT&CK domain with the techniques used
/// before it: `set` holds the domains common so far, `first` the id and span that started it.
/// Returns `None` and narrows `set` when they share one.
pub fn mixed_domains(
    t: &Technique,
    span: Span,
    set: &mut Vec<Domain>,
    first: (&str, &Span),
) -> Option<Diagnostic> {
    let common: Vec<Domain> = set.iter().copied().filter(|d| t.domains.contains(d)).collect();
    if !common.is_empty() {
        *set = common;
        return None;
    }
    let names = |ds: &[Domain]| ds.iter().map(|d| domain_name(*d)).collect::<Vec<_>>().join("/");
    let (first_id, first_span) = first;
    Some(
        Diagnostic::new(
            codes::W0404,
            span,
            format!(
                "{} is an ATT&CK {} technique, but this flow also uses {} ({first_id})",
                t.id,
                names(&t.domains),
                names(set)
            ),
        )
        .with_label(first_span.clone(), format!("{first_id} is used here"))
        .with_help("a flow usually stays in one ATT&CK domain; check the id"),
    )
}

/// Whether `t` is an ATT&CK technique with domains (the mixed-domain check applies).
pub fn has_attack_domains(t: &Technique) -> bool {
    t.catalog == CatalogKind::Attack && !t.domains.is_empty()
}
