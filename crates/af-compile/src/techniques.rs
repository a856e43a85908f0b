//! Catalog checks of actions and of ATT&CK objects (`malware m S0154`): technique and tactic ids are looked up in the embedded MITRE
//! catalogs (or a user-supplied ATT&CK bundle). Where the id is written as sugar
//! (`action x T1566`, `tactic: TA0001`) the compiler also fills `name`, `technique_ref`,
//! `tactic_id` and `tactic_ref`; explicit STIX properties (`technique_id: "…"`) are taken as
//! written, so imported bundles round-trip exactly.

use crate::lower::{find, Lowering};
use af_catalog::{Catalog, Domain, ObjectKind, Technique};
use af_diagnostics::{codes, Diagnostic};
use af_findings as findings;
use af_stix::object::SmolStr;
use af_stix::types;
use af_syntax::{NodeDecl, Span, ValueKind};
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
    pub(crate) catalog: &'o Catalog,
    /// (domain set so far, the id and span that set it) for the mixed-domain check.
    domains: Option<(Vec<Domain>, String, Span)>,
    /// The name and STIX id filled in for each technique used so far: flows repeat
    /// techniques, and the filled strings are then shared instead of built again.
    fills: crate::FastMap<&'o str, (SmolStr, Option<SmolStr>)>,
    /// The catalog's answer for each technique id written so far (flows repeat techniques).
    found: crate::FastMap<SmolStr, Option<&'o Technique>>,
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
            found: crate::FastMap::default(),
        }
    }

    /// The technique with this id, as [`Catalog::technique`] finds it.
    fn lookup(&mut self, id: &str) -> Option<&'o Technique> {
        if let Some(found) = self.found.get(id) {
            return *found;
        }
        let found = self.catalog.technique(id);
        self.found.insert(SmolStr::new(id), found);
        found
    }
}

impl<'a> Lowering<'a> {
    /// The catalog checks of node `i` (if it is an action), right after it is lowered.
    pub(crate) fn check_action(&mut self, i: usize, state: &mut Techniques<'_>) {
        if self.nodes[i].stix_type != "attack-action" {
            return;
        }
        let catalog = state.catalog;
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

        let technique = technique_site.as_ref().and_then(|(id, span, how)| {
            let found = state.lookup(id);
            self.technique(catalog, found, id, span, *how, decl)
        });
        let domains = &mut state.domains;
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
        found: Option<&'c Technique>,
        id: &str,
        span: &Span,
        how: Written,
        action: &NodeDecl,
    ) -> Option<&'c Technique> {
        let Some(t) = found else {
            self.diags.push(findings::unknown_technique(
                catalog,
                id,
                span.clone(),
                span.clone(),
                how == Written::Sugar,
            ));
            return None;
        };
        if let Some(mut d) = findings::status_finding(catalog, t, span.clone(), span.clone()) {
            // An action named after the replaced technique (its title, or a `name:` string)
            // is renamed with the replacement.
            let name = action.title.as_ref().or_else(|| {
                action
                    .body
                    .as_ref()
                    .and_then(|b| match find(b, "name").map(|v| &v.kind) {
                        Some(ValueKind::Str(s)) => Some(s),
                        _ => None,
                    })
            });
            if let Some(name) = name {
                findings::rename_with_replacement(
                    &mut d,
                    catalog,
                    t,
                    &name.value,
                    name.span.clone(),
                    |new| Some(af_syntax::strings::quote(new)),
                );
            }
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

impl Lowering<'_> {
    /// `malware m S0154`, `intrusion-set g G0016`, `tool t S0002`, `campaign c C0024`,
    /// `course-of-action m M1049`: the word after the name is an ATT&CK id, looked up in the
    /// catalog; the object gets the ATT&CK name (unless a title or `name` gives one), its
    /// aliases (unless `aliases` is written), `is_family: true` on malware (ATT&CK software
    /// entries are families) and the ATT&CK external reference first in its
    /// `external_references`. Right after the node is lowered, so written properties win.
    pub(crate) fn fill_catalog_object(&mut self, i: usize, catalog: &Catalog) {
        let node = &self.nodes[i];
        let (Some(word), Some(kind)) = (&node.decl.word, ObjectKind::of_stix_type(node.stix_type)) else {
            return;
        };
        if node.decl.recovered {
            return;
        }
        let stix_type = node.stix_type;
        let span = word.span.clone();
        let Some(o) = catalog.find_object(&[kind], &word.text) else {
            let mut d = Diagnostic::new(
                codes::E0403,
                span.clone(),
                format!("the catalogs have no ATT&CK {kind} `{}`", word.text),
            )
            .with_help(format!(
                "a `{}` takes the id of ATT&CK {kind} here ({}); `afc attack search NAME` finds it",
                node.decl.kind.text,
                kind_example(kind)
            ));
            if let Some(other) = catalog.find_object(&[], &word.text) {
                d = d.with_help(format!(
                    "`{}` is ATT&CK {} {}: declare it as `{}`",
                    other.id,
                    other.kind,
                    other.name,
                    other.stix_type().unwrap_or("intrusion-set")
                ));
            }
            self.diags.push(d);
            // The id stands in for what the catalog would have filled, so that no second
            // error (a missing `name` or `is_family`) follows.
            if let Some(Some(obj)) = self.objects.get_mut(i) {
                if !obj.contains_key("name") {
                    obj.insert("name", word.text.as_str());
                }
                if stix_type == "malware" && !obj.contains_key("is_family") {
                    obj.insert("is_family", Json::Bool(true));
                }
            }
            return;
        };
        if let Some(actual) = o.stix_type().filter(|t| *t != stix_type) {
            self.diags.push(
                Diagnostic::new(
                    codes::W0407,
                    span.clone(),
                    format!(
                        "ATT&CK lists `{}` ({}) as a `{actual}`, not a `{stix_type}`",
                        o.id, o.name
                    ),
                )
                .with_fix(
                    format!("declare it as `{actual}`"),
                    node.decl.kind.span.clone(),
                    actual.to_string(),
                ),
            );
        }
        if let Some(d) = findings::object_status_finding(catalog, o, span.clone(), span.clone()) {
            self.diags.push(d);
        }
        let Some(Some(obj)) = self.objects.get_mut(i) else {
            return;
        };
        if !obj.contains_key("name") {
            obj.insert("name", o.name.as_ref());
        }
        let has_aliases = types::property(stix_type, "aliases").is_some();
        if has_aliases && !obj.contains_key("aliases") && !o.aliases.is_empty() {
            let aliases: Vec<SmolStr> = o.aliases.iter().map(|a| SmolStr::new(a.as_ref())).collect();
            obj.insert("aliases", aliases);
        }
        if stix_type == "malware" && !obj.contains_key("is_family") {
            obj.insert("is_family", Json::Bool(true));
        }
        let mut refs = match obj.get_value("external_references") {
            Some(Json::Array(list)) => list,
            _ => Vec::new(),
        };
        let given = refs.iter().any(|r| {
            r.get("source_name").and_then(Json::as_str) == Some("mitre-attack")
                && r.get("external_id").and_then(Json::as_str) == Some(o.id.as_ref())
        });
        if !given {
            let mut entry = serde_json::Map::new();
            entry.insert("source_name".into(), Json::from("mitre-attack"));
            entry.insert("url".into(), Json::from(o.url()));
            entry.insert("external_id".into(), Json::from(o.id.as_ref()));
            refs.insert(0, Json::Object(entry));
            obj.insert("external_references", Json::Array(refs));
        }
    }
}

/// An id of each kind, for help texts.
fn kind_example(kind: ObjectKind) -> &'static str {
    match kind {
        ObjectKind::Group => "`G0016`",
        ObjectKind::Software => "`S0154`",
        ObjectKind::Campaign => "`C0024`",
        ObjectKind::Mitigation => "`M1049`",
    }
}
