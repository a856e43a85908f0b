//! Catalog checks of actions: technique and tactic ids are looked up in the embedded MITRE
//! catalogs (or a user-supplied ATT&CK bundle). Where the id is written as sugar
//! (`action x T1566`, `tactic: TA0001`) the compiler also fills `name`, `technique_ref`,
//! `tactic_id` and `tactic_ref`; explicit STIX properties (`technique_id: "…"`) are taken as
//! written, so imported bundles round-trip exactly.

use crate::lower::{find, Lowering};
use af_catalog::{Catalog, CatalogKind, Domain, Status, Technique};
use af_diagnostics::Diagnostic;
use af_stix::object::SmolStr;
use af_syntax::{Span, ValueKind};
use serde_json::Value as Json;

/// Where an id was written: in sugar (`action x T1566`, `tactic: TA0001`), where an unknown
/// id is an error, or in an explicit STIX property (`technique_id: "…"`), where the schema
/// allows any string and findings are warnings.
#[derive(Clone, Copy, PartialEq)]
enum Written {
    Sugar,
    Property,
}

/// What the catalog checks carry from one action to the next.
pub(crate) struct Techniques<'o> {
    catalog: &'o Catalog,
    /// (domain set so far, the id and span that set it) for the mixed-domain check.
    domains: Option<(Vec<Domain>, String, Span)>,
    /// The name and STIX id filled in for each technique used so far: flows repeat
    /// techniques, and the filled strings are then shared instead of built again.
    fills: crate::FastMap<&'o str, (SmolStr, Option<SmolStr>)>,
}

impl<'o> Techniques<'o> {
    pub(crate) fn new(options: &'o crate::Options) -> Self {
        Techniques {
            catalog: match &options.catalog {
                Some(c) => c,
                None => Catalog::embedded(),
            },
            domains: None,
            fills: crate::FastMap::default(),
        }
    }
}

impl<'a> Lowering<'a> {
    /// The catalog checks of node `i` (if it is an action), right after it is lowered.
    pub(crate) fn check_action(&mut self, i: usize, state: &mut Techniques<'_>) {
        if self.nodes[i].stix_type != "attack-action" {
            return;
        }
        let catalog = state.catalog;
        let domains = &mut state.domains;
        let decl = self.nodes[i].decl;
        let technique_site = match (
            &decl.word,
            decl.body.as_ref().and_then(|b| find(b, "technique_id")),
        ) {
            (Some(w), _) => Some((w.text.as_str(), w.span.clone(), Written::Sugar)),
            (None, Some(v)) => match &v.kind {
                ValueKind::Str(s) => Some((s.value.as_str(), v.span.clone(), Written::Property)),
                ValueKind::Word(w) => Some((w.as_str(), v.span.clone(), Written::Property)),
                _ => None,
            },
            _ => None,
        };
        let tactic_site = decl.body.as_ref().and_then(|b| {
            let (v, how) = match (find(b, "tactic"), find(b, "tactic_id")) {
                (Some(v), _) => (v, Written::Sugar),
                (None, Some(v)) => (v, Written::Property),
                _ => return None,
            };
            match &v.kind {
                ValueKind::Str(s) => Some((s.value.clone(), v.span.clone(), how, false)),
                ValueKind::Word(w) => Some((w.to_string(), v.span.clone(), how, how == Written::Sugar)),
                _ => None,
            }
        });

        let technique = technique_site
            .as_ref()
            .and_then(|(id, span, how)| self.technique(catalog, id, span, *how));
        if let (Some(t), Some((_, span, _))) = (technique, &technique_site) {
            if t.catalog == CatalogKind::Attack && !t.domains.is_empty() {
                match domains {
                    None => *domains = Some((t.domains.clone(), t.id.to_string(), span.clone())),
                    Some((set, first_id, first_span)) => {
                        let common: Vec<Domain> =
                            set.iter().copied().filter(|d| t.domains.contains(d)).collect();
                        if common.is_empty() {
                            let names = |ds: &[Domain]| {
                                ds.iter().map(|d| domain_name(*d)).collect::<Vec<_>>().join("/")
                            };
                            self.diags.push(
                                Diagnostic::warning(
                                    "W0404",
                                    span.clone(),
                                    format!("{} is an ATT&CK {} technique, but this flow also uses {} ({first_id})", t.id, names(&t.domains), names(set)),
                                )
                                .with_label(first_span.clone(), format!("{first_id} is used here"))
                                .with_help("a flow usually stays in one ATT&CK domain; check the id"),
                            );
                        } else {
                            *set = common;
                        }
                    }
                }
            }
        }
        let mut tactic_fill: Option<(String, Option<String>, Option<String>)> = None;
        if let Some((text, span, how, canonicalize)) = &tactic_site {
            let found = match technique {
                Some(t) => catalog.tactic_for(t, text).or_else(|| catalog.tactic(text)),
                None => catalog.tactic(text),
            };
            match found {
                None => {
                    let candidates: Vec<String> = catalog
                        .tactics(technique.map(|t| t.catalog))
                        .iter()
                        .flat_map(|t| {
                            std::iter::once(t.id.to_string())
                                .chain(t.shortname.as_deref().map(str::to_string))
                        })
                        .collect();
                    let mut d = if *how == Written::Sugar {
                        Diagnostic::error("E0402", span.clone(), format!("unknown tactic `{text}`"))
                    } else {
                        Diagnostic::warning(
                            "W0406",
                            span.clone(),
                            format!("`{text}` is not a tactic id the catalogs know"),
                        )
                    };
                    d = d.with_help("write a tactic id such as TA0001, or an ATT&CK short name such as initial-access; `afc attack tactics` lists them");
                    if let Some(c) = af_diagnostics::closest(text, candidates.iter().map(String::as_str)) {
                        d = d.with_fix(format!("did you mean `{c}`?"), span.clone(), c.to_string());
                    }
                    self.diags.push(d);
                }
                Some(tac) => {
                    if let Some(t) = technique {
                        self.check_tactic_membership(catalog, t, tac.id.as_ref(), span);
                    }
                    let id = if *canonicalize {
                        Some(tac.id.to_string())
                    } else {
                        None
                    };
                    tactic_fill = Some((
                        tac.name.to_string(),
                        id,
                        tac.stix_id.as_deref().map(str::to_string),
                    ));
                }
            }
        }
        // Fill name, technique_ref, tactic_ref where the author did not write them.
        let Some(Some(obj)) = self.objects.get_mut(i) else {
            return;
        };
        if let (None, Some((id, _, Written::Sugar))) = (technique, &technique_site) {
            // Already an error; the id stands in for the name so no second error follows.
            if !obj.contains_key("name") {
                obj.insert("name", *id);
            }
        }
        let technique_sugar = matches!(technique_site, Some((_, _, Written::Sugar)));
        let tactic_sugar = matches!(tactic_site, Some((_, _, Written::Sugar, _)));
        if let Some(t) = technique.filter(|_| technique_sugar) {
            let (name, stix) = state.fills.entry(t.id.as_ref()).or_insert_with(|| {
                (
                    SmolStr::from(t.full_name()),
                    t.stix_id.as_deref().map(SmolStr::new),
                )
            });
            if !obj.contains_key("name") {
                obj.insert("name", name.clone());
            }
            if let (false, Some(stix)) = (obj.contains_key("technique_ref"), stix) {
                obj.insert("technique_ref", stix.clone());
            }
        }
        if let Some((tactic_name, canonical_id, stix)) = tactic_fill.filter(|_| tactic_sugar) {
            if let Some(id) = canonical_id {
                obj.insert("tactic_id", Json::from(id));
            }
            if let (false, Some(stix)) = (obj.contains_key("tactic_ref"), stix) {
                obj.insert("tactic_ref", Json::from(stix));
            }
            if !obj.contains_key("name") && technique.is_none() {
                obj.insert("name", Json::from(tactic_name));
            }
        }
    }

    fn technique<'c>(
        &mut self,
        catalog: &'c Catalog,
        id: &str,
        span: &Span,
        how: Written,
    ) -> Option<&'c Technique> {
        let Some(t) = catalog.technique(id) else {
            self.diags.push(unknown_technique(
                catalog,
                id,
                span.clone(),
                span.clone(),
                how == Written::Sugar,
            ));
            return None;
        };
        if let Some(d) = status_finding(catalog, t, span.clone(), span.clone()) {
            self.diags.push(d);
        }
        Some(t)
    }

    fn check_tactic_membership(&mut self, catalog: &Catalog, t: &Technique, tactic: &str, span: &Span) {
        if let Some(d) = tactic_finding(catalog, t, tactic, span.clone(), span.clone()) {
            self.diags.push(d);
        }
    }
}

/// The finding for an id the catalogs do not know: `E0401` when it was written as sugar (an
/// error), else `W0406` (the schema allows any string). Suggestions become fixes replacing
/// `fix_span`. Shared with the bundle validator, so both say the same thing.
pub fn unknown_technique(
    catalog: &Catalog,
    id: &str,
    span: Span,
    fix_span: Span,
    as_error: bool,
) -> Diagnostic {
    if !as_error && !looks_like_technique_id(id) {
        let mut d = Diagnostic::warning("W0406", span, format!("`{id}` is not a technique id"))
            .with_help("technique_id normally holds an id such as T1566.001; the value is kept as written");
        // `1566.001` for `T1566.001`.
        if let Some(t) = catalog.technique(&format!("T{id}")) {
            d = d.with_fix(
                format!("did you mean {} ({})?", t.id, t.full_name()),
                fix_span,
                t.id.to_string(),
            );
        }
        return d;
    }
    let mut d = if as_error {
        Diagnostic::error("E0401", span, format!("unknown technique `{id}`"))
    } else {
        Diagnostic::warning("W0406", span, format!("`{id}` is not in the technique catalogs"))
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
            let d = Diagnostic::warning("W0401", span, format!("{} ({}) {what}", t.id, t.full_name()));
            Some(match by.as_deref().and_then(|b| catalog.technique(b)) {
                Some(r) => d.with_fix(
                    format!("replace it with {} ({})", r.id, r.full_name()),
                    fix_span,
                    r.id.to_string(),
                ),
                None => d.with_help("MITRE names no replacement; choose a current technique"),
            })
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
        d = d.with_fix(label, fix_span.clone(), valid.to_string());
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

fn domain_name(d: Domain) -> &'static str {
    match d {
        Domain::Enterprise => "Enterprise",
        Domain::Mobile => "Mobile",
        Domain::Ics => "ICS",
        Domain::None => "non-ATT&CK",
    }
}
