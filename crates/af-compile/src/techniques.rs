//! Catalog checks of actions: technique and tactic ids are looked up in the embedded MITRE
//! catalogs (or a user-supplied ATT&CK bundle). Where the id is written as sugar
//! (`action x T1566`, `tactic: TA0001`) the compiler also fills `name`, `technique_ref`,
//! `tactic_id` and `tactic_ref`; explicit STIX properties (`technique_id: "…"`) are taken as
//! written, so imported bundles round-trip exactly.

use crate::lower::{find, Lowering};
use af_catalog::{Catalog, Domain, Technique};
use af_findings as findings;
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
            if findings::has_attack_domains(t) {
                match domains {
                    None => *domains = Some((t.domains.clone(), t.id.to_string(), span.clone())),
                    Some((set, first_id, first_span)) => {
                        if let Some(d) = findings::mixed_domains(t, span.clone(), set, (first_id, first_span))
                        {
                            self.diags.push(d);
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
                None => self.diags.push(findings::unknown_tactic(
                    catalog,
                    text,
                    technique,
                    span.clone(),
                    span.clone(),
                    *how == Written::Sugar,
                )),
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
            self.diags.push(findings::unknown_technique(
                catalog,
                id,
                span.clone(),
                span.clone(),
                how == Written::Sugar,
            ));
            return None;
        };
        if let Some(d) = findings::status_finding(catalog, t, span.clone(), span.clone()) {
            self.diags.push(d);
        }
        Some(t)
    }

    fn check_tactic_membership(&mut self, catalog: &Catalog, t: &Technique, tactic: &str, span: &Span) {
        if let Some(d) = findings::tactic_finding(catalog, t, tactic, span.clone(), span.clone()) {
            self.diags.push(d);
        }
    }
}
