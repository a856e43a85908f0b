//! What `afc attack` shows about a record, gathered once: the stable JSON shapes of
//! `afc attack --format json` (documented in `docs/cli.md`; add fields, never rename or
//! remove them), which the CLI also reads to print its human text, and the status wording.
//! The CLI chooses the record and the format; everything it says about ATT&CK comes from here.

use crate::model::{AttackObject, CatalogKind, Domain, ObjectKind, Status, Tactic, Technique};
use crate::search::{Filter, Hit, Record, Suggestion};
use crate::Catalog;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::fmt;

/// An id with the name the catalog knows for it (`null` when it knows none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Named {
    /// The id.
    pub id: String,
    /// Its name, when the catalog has the record.
    pub name: Option<String>,
}

/// `ATT&CK v19.1`, `ATT&CK 99.0 (from --attack-bundle)`, `ATLAS`: where a record comes from.
pub fn catalog_label(cat: &Catalog, kind: CatalogKind) -> String {
    if kind != CatalogKind::Attack {
        return kind.to_string();
    }
    match (cat.attack_from_bundle(), cat.attack_version()) {
        (false, Some(v)) => format!("ATT&CK v{v}"),
        (false, None) => "ATT&CK".to_string(),
        (true, Some(v)) => format!("ATT&CK {v} (from --attack-bundle)"),
        (true, None) => "ATT&CK (from --attack-bundle)".to_string(),
    }
}

fn domain_names(domains: &[Domain]) -> Vec<String> {
    domains.iter().map(Domain::to_string).collect()
}

/// The full sentence about a record's status, naming what replaced it:
/// `revoked; replaced by T1574.001 (Hijack Execution Flow: DLL)`. Its [`fmt::Display`] is the
/// one wording `afc attack` uses, in JSON (`status_note`) and in human output alike;
/// [`Status`]'s own `Display` is the brief form for lists.
#[derive(Debug, Clone, Copy)]
pub struct StatusNote<'a> {
    cat: &'a Catalog,
    status: &'a Status,
    /// `None` for techniques, the kind for objects.
    object: Option<ObjectKind>,
}

impl<'a> StatusNote<'a> {
    /// The note of a technique.
    pub fn technique(cat: &'a Catalog, t: &'a Technique) -> Self {
        StatusNote {
            cat,
            status: &t.status,
            object: None,
        }
    }

    /// The note of a group, software, campaign or mitigation.
    pub fn object(cat: &'a Catalog, o: &'a AttackObject) -> Self {
        StatusNote {
            cat,
            status: &o.status,
            object: Some(o.kind),
        }
    }

    /// `T1574.001 (Hijack Execution Flow: DLL)`, with `, itself revoked` when the target is
    /// not current either.
    fn target(&self, f: &mut fmt::Formatter<'_>, id: &str) -> fmt::Result {
        f.write_str(id)?;
        match self.object {
            None => match self.cat.technique(id) {
                Some(t) => {
                    write!(f, " ({})", t.full_name())?;
                    if !t.status.is_active() {
                        write!(f, ", itself {}", t.status.word())?;
                    }
                    Ok(())
                }
                None => Ok(()),
            },
            Some(kind) => match self.cat.object(kind, id) {
                Some(o) => write!(f, " ({})", o.name),
                None => Ok(()),
            },
        }
    }
}

/// How a removed id is explained.
const REMOVED: &str = "removed: active in ATT&CK v18.1, no longer current in v19";

impl fmt::Display for StatusNote<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.status, self.object) {
            (Status::Active, _) => f.write_str("active"),
            (Status::Deprecated, _) => f.write_str("deprecated by MITRE; no replacement"),
            (Status::Revoked { by: Some(by) }, _) => {
                f.write_str("revoked; replaced by ")?;
                self.target(f, by)
            }
            (Status::Revoked { by: None }, _) => f.write_str("revoked by MITRE; no replacement recorded"),
            (Status::Removed { .. }, Some(_)) => f.write_str("no longer current"),
            (Status::Removed { successor: Some(s) }, None) => {
                write!(f, "{REMOVED}; likely successor ")?;
                self.target(f, s)?;
                f.write_str(" (same name; MITRE's v19 data records no revoked-by link)")
            }
            (Status::Removed { successor: None }, None) => {
                write!(f, "{REMOVED}; no successor with the same name")
            }
        }
    }
}

/// A technique's tactic, named.
fn tactics_of(cat: &Catalog, t: &Technique, ids: &[crate::Text], v18: bool) -> Vec<Named> {
    ids.iter()
        .map(|id| {
            let tactic = cat.tactic_for(t, id);
            let name = tactic.map(|x| {
                if v18 {
                    x.name_v18.as_deref().unwrap_or(&x.name).to_string()
                } else {
                    x.name.to_string()
                }
            });
            Named {
                id: id.to_string(),
                name,
            }
        })
        .collect()
}

fn technique_named(cat: &Catalog, id: &str) -> Named {
    Named {
        id: id.to_string(),
        name: cat.technique(id).map(Technique::full_name),
    }
}

/// A sub-technique in a technique's list.
#[derive(Debug, Clone, Serialize)]
pub struct SubtechniqueView {
    /// Its id.
    pub id: String,
    /// Its full name.
    pub name: Option<String>,
    /// Its one-word status.
    pub status: Option<&'static str>,
    /// Its own name (without the parent's), for lists under the parent.
    #[serde(skip)]
    pub short_name: Option<String>,
    /// The brief status when it is not current (`revoked, replaced by T1574.001`).
    #[serde(skip)]
    pub inactive: Option<String>,
}

/// `afc attack show T1566.001 --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct TechniqueView {
    /// Always `technique` (sub-techniques too).
    pub kind: &'static str,
    /// The id.
    pub id: String,
    /// The full name (`Phishing: Spearphishing Attachment`).
    pub name: String,
    /// The ATT&CK v18.1 name, when it differs.
    pub name_v18: Option<String>,
    /// `attack`, `atlas`, `d3fend`, `f3`.
    pub catalog: &'static str,
    /// `enterprise`, `mobile`, `ics`.
    pub domains: Vec<String>,
    /// Tactics, named.
    pub tactics: Vec<Named>,
    /// ATT&CK v18.1 tactics, with their v18.1 names.
    pub tactics_v18: Vec<Named>,
    /// Platforms.
    pub platforms: Vec<String>,
    /// The parent technique, for sub-techniques.
    pub parent: Option<Named>,
    /// Sub-techniques, in id order.
    pub subtechniques: Vec<SubtechniqueView>,
    /// One word: `active`, `deprecated`, `revoked`, `removed`.
    pub status: &'static str,
    /// What replaces it, when revoked or removed.
    pub replaced_by: Option<Named>,
    /// The status in words ([`StatusNote`]).
    pub status_note: String,
    /// The STIX id.
    pub stix_id: Option<String>,
    /// The web page.
    pub url: Option<String>,
    /// ATT&CK mitigations of the technique (`mitigates` relationships), by id.
    pub mitigations: Vec<Named>,
    /// Where it comes from (`ATT&CK v19.1`).
    #[serde(skip)]
    pub catalog_label: String,
    /// True for sub-techniques.
    #[serde(skip)]
    pub is_subtechnique: bool,
    /// True when the v18.1 tactics differ from the current ones.
    #[serde(skip)]
    pub tactics_changed: bool,
}

/// Describes a technique.
pub fn technique(cat: &Catalog, t: &Technique) -> TechniqueView {
    let subtechniques = t
        .subtechniques
        .iter()
        .map(|id| {
            let sub = cat.technique(id);
            SubtechniqueView {
                id: id.to_string(),
                name: sub.map(Technique::full_name),
                status: sub.map(|s| s.status.word()),
                short_name: sub.map(|s| s.name.to_string()),
                inactive: sub
                    .filter(|s| !s.status.is_active())
                    .map(|s| s.status.to_string()),
            }
        })
        .collect();
    TechniqueView {
        kind: "technique",
        id: t.id.to_string(),
        name: t.full_name(),
        name_v18: t.name_v18.as_deref().map(str::to_string),
        catalog: t.catalog.code(),
        domains: domain_names(&t.domains),
        tactics: tactics_of(cat, t, &t.tactics, false),
        tactics_v18: tactics_of(cat, t, &t.tactics_v18, true),
        platforms: t.platforms.iter().map(|p| p.to_string()).collect(),
        parent: t.parent.as_deref().map(|p| technique_named(cat, p)),
        subtechniques,
        status: t.status.word(),
        replaced_by: t.status.replacement().map(|r| technique_named(cat, r)),
        status_note: StatusNote::technique(cat, t).to_string(),
        stix_id: t.stix_id.as_deref().map(str::to_string),
        url: t.url(),
        mitigations: cat
            .mitigations_of(&t.id)
            .into_iter()
            .map(|m| Named {
                id: m.id.to_string(),
                name: Some(m.name.to_string()),
            })
            .collect(),
        catalog_label: catalog_label(cat, t.catalog),
        is_subtechnique: t.is_subtechnique(),
        tactics_changed: t.tactics_changed_since_v18(),
    }
}

/// A technique listed under a tactic.
#[derive(Debug, Clone, Serialize)]
pub struct TacticTechnique {
    /// Its id.
    pub id: String,
    /// Its full name.
    pub name: String,
    /// How many of its sub-techniques are in the tactic too.
    pub subtechnique_count: usize,
}

/// `afc attack show TA0005 --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct TacticView {
    /// Always `tactic`.
    pub kind: &'static str,
    /// The id.
    pub id: String,
    /// The current name.
    pub name: String,
    /// The ATT&CK v18.1 name, when it differs.
    pub name_v18: Option<String>,
    /// The ATT&CK short name.
    pub shortname: Option<String>,
    /// `attack`, `atlas`, `d3fend`, `f3`.
    pub catalog: &'static str,
    /// The ATT&CK domain.
    pub domain: Option<String>,
    /// `active` or `deprecated`.
    pub status: &'static str,
    /// Active techniques in the tactic.
    pub technique_count: usize,
    /// Active sub-techniques in the tactic.
    pub subtechnique_count: usize,
    /// The techniques, with sub-techniques whose parent is listed counted, not listed.
    pub techniques: Vec<TacticTechnique>,
    /// The STIX id.
    pub stix_id: Option<String>,
    /// The web page.
    pub url: Option<String>,
    /// Where it comes from (`ATT&CK v19.1`).
    #[serde(skip)]
    pub catalog_label: String,
}

fn tactic_status(t: &Tactic) -> &'static str {
    if t.deprecated {
        "deprecated"
    } else {
        "active"
    }
}

fn tactic_domain(t: &Tactic) -> Option<String> {
    t.domain.stix_name().map(|_| t.domain.to_string())
}

/// Describes a tactic and lists its techniques.
pub fn tactic(cat: &Catalog, tactic: &Tactic) -> TacticView {
    let all: Vec<&Technique> = cat
        .techniques_of_tactic(&tactic.id)
        .into_iter()
        .filter(|t| t.catalog == tactic.catalog)
        .filter(|t| tactic.domain == Domain::None || t.domains.contains(&tactic.domain))
        .collect();
    let parents: HashSet<&str> = all
        .iter()
        .filter(|t| !t.is_subtechnique())
        .map(|t| t.id.as_ref())
        .collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for t in &all {
        if let Some(p) = t.parent.as_deref().filter(|p| parents.contains(p)) {
            *counts.entry(p).or_default() += 1;
        }
    }
    let techniques = all
        .iter()
        .filter(|t| t.parent.as_deref().is_none_or(|p| !parents.contains(p)))
        .map(|t| TacticTechnique {
            id: t.id.to_string(),
            name: t.full_name(),
            subtechnique_count: counts.get(t.id.as_ref()).copied().unwrap_or(0),
        })
        .collect();
    let subtechniques = all.iter().filter(|t| t.is_subtechnique()).count();
    TacticView {
        kind: "tactic",
        id: tactic.id.to_string(),
        name: tactic.name.to_string(),
        name_v18: tactic.name_v18.as_deref().map(str::to_string),
        shortname: tactic.shortname.as_deref().map(str::to_string),
        catalog: tactic.catalog.code(),
        domain: tactic_domain(tactic),
        status: tactic_status(tactic),
        technique_count: all.len() - subtechniques,
        subtechnique_count: subtechniques,
        techniques,
        stix_id: tactic.stix_id.as_deref().map(str::to_string),
        url: tactic.url(),
        catalog_label: catalog_label(cat, tactic.catalog),
    }
}

/// `afc attack show G0016 --format json` (one object; `show` adds the others with the same
/// id under `also`).
#[derive(Debug, Clone, Serialize)]
pub struct ObjectView {
    /// `group`, `software`, `campaign` or `mitigation`.
    pub kind: String,
    /// The id.
    pub id: String,
    /// The name.
    pub name: String,
    /// Other names.
    pub aliases: Vec<String>,
    /// Always `attack`.
    pub catalog: &'static str,
    /// `enterprise`, `mobile`, `ics`.
    pub domains: Vec<String>,
    /// One word: `active`, `deprecated`, `revoked`, `removed`.
    pub status: &'static str,
    /// What replaces it, when revoked.
    pub replaced_by: Option<Named>,
    /// The status in words ([`StatusNote`]).
    pub status_note: String,
    /// The STIX id.
    pub stix_id: Option<String>,
    /// The STIX type: `intrusion-set`, `malware`, `tool`, `campaign`, `course-of-action`.
    pub stix_type: Option<String>,
    /// The web page.
    pub url: String,
    /// For mitigations: the techniques it mitigates, by id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mitigates: Option<Vec<Named>>,
    /// Where it comes from (`ATT&CK v19.1`).
    #[serde(skip)]
    pub catalog_label: String,
}

/// Describes a group, software, campaign or mitigation.
pub fn object(cat: &Catalog, o: &AttackObject) -> ObjectView {
    let replaced_by = o.status.replacement().map(|r| Named {
        id: r.to_string(),
        name: cat.object(o.kind, r).map(|x| x.name.to_string()),
    });
    let mitigates = (o.kind == ObjectKind::Mitigation).then(|| {
        cat.techniques_mitigated_by(&o.id)
            .into_iter()
            .map(|t| Named {
                id: t.id.to_string(),
                name: Some(t.full_name()),
            })
            .collect()
    });
    ObjectView {
        kind: o.kind.to_string(),
        id: o.id.to_string(),
        name: o.name.to_string(),
        aliases: o.aliases.iter().map(|a| a.to_string()).collect(),
        catalog: CatalogKind::Attack.code(),
        domains: domain_names(&o.domains),
        status: o.status.word(),
        replaced_by,
        status_note: StatusNote::object(cat, o).to_string(),
        stix_id: o.stix_id.as_deref().map(str::to_string),
        stix_type: o.stix_type().map(str::to_string),
        url: o.url(),
        mitigates,
        catalog_label: catalog_label(cat, CatalogKind::Attack),
    }
}

/// One result of `afc attack search --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct HitView {
    /// `technique`, `group`, `software`, `campaign` or `mitigation`.
    pub kind: String,
    /// The id.
    pub id: String,
    /// The (full) name.
    pub name: String,
    /// For objects: the alias that matched, when the name did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_alias: Option<String>,
    /// `attack`, `atlas`, `d3fend`, `f3`.
    pub catalog: &'static str,
    /// `enterprise`, `mobile`, `ics`.
    pub domains: Vec<String>,
    /// For techniques: the tactics, named.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tactics: Option<Vec<Named>>,
    /// One word: `active`, `deprecated`, `revoked`, `removed`.
    pub status: &'static str,
    /// What replaces it.
    pub replaced_by: Option<Named>,
    /// The brief status when not current (`revoked, replaced by T1574.001`).
    #[serde(skip)]
    pub inactive: Option<String>,
    /// For software: `malware` or `tool`.
    #[serde(skip)]
    pub stix_type: Option<String>,
}

/// Describes a search result.
pub fn hit(cat: &Catalog, hit: &Hit<'_>) -> HitView {
    match hit.record {
        Record::Technique(t) => HitView {
            kind: "technique".to_string(),
            id: t.id.to_string(),
            name: t.full_name(),
            matched_alias: None,
            catalog: t.catalog.code(),
            domains: domain_names(&t.domains),
            tactics: Some(tactics_of(cat, t, &t.tactics, false)),
            status: t.status.word(),
            replaced_by: t.status.replacement().map(|r| technique_named(cat, r)),
            inactive: (!t.status.is_active()).then(|| t.status.to_string()),
            stix_type: None,
        },
        Record::Object(o) => {
            let v = object(cat, o);
            HitView {
                kind: v.kind,
                id: v.id,
                name: v.name,
                matched_alias: hit.alias.map(str::to_string),
                catalog: v.catalog,
                domains: v.domains,
                tactics: None,
                status: v.status,
                replaced_by: v.replaced_by,
                inactive: (!o.status.is_active()).then(|| o.status.to_string()),
                stix_type: v.stix_type,
            }
        }
        Record::Tactic(t) => HitView {
            kind: "tactic".to_string(),
            id: t.id.to_string(),
            name: t.name.to_string(),
            matched_alias: None,
            catalog: t.catalog.code(),
            domains: tactic_domain(t).into_iter().collect(),
            tactics: None,
            status: tactic_status(t),
            replaced_by: None,
            inactive: t.deprecated.then(|| "deprecated".to_string()),
            stix_type: None,
        },
    }
}

/// One tactic of `afc attack tactics --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct TacticSummary {
    /// The id.
    pub id: String,
    /// The current name.
    pub name: String,
    /// The ATT&CK v18.1 name, when it differs.
    pub name_v18: Option<String>,
    /// The ATT&CK short name.
    pub shortname: Option<String>,
    /// `attack`, `atlas`, `d3fend`, `f3`.
    pub catalog: &'static str,
    /// The ATT&CK domain.
    pub domain: Option<String>,
    /// `active` or `deprecated`.
    pub status: &'static str,
    /// Active techniques in the tactic.
    pub technique_count: usize,
    /// Active sub-techniques in the tactic.
    pub subtechnique_count: usize,
    /// The STIX id.
    pub stix_id: Option<String>,
    /// The web page.
    pub url: Option<String>,
    /// The heading of its group in human output (`ATT&CK v19.1, enterprise`).
    #[serde(skip)]
    pub group: String,
}

/// Tactics in matrix order with their technique counts: those of `catalogs` (empty: all),
/// ATT&CK ones only of `domain` when given, deprecated ones only when asked.
pub fn tactics(
    cat: &Catalog,
    catalogs: &[CatalogKind],
    domain: Option<Domain>,
    include_deprecated: bool,
) -> Vec<TacticSummary> {
    // (catalog, tactic id) -> (techniques, sub-techniques), active only.
    let mut counts: HashMap<(CatalogKind, &str), (usize, usize)> = HashMap::new();
    for t in cat.techniques().filter(|t| t.status.is_active()) {
        for tactic in &t.tactics {
            let entry = counts.entry((t.catalog, tactic.as_ref())).or_default();
            if t.is_subtechnique() {
                entry.1 += 1;
            } else {
                entry.0 += 1;
            }
        }
    }
    cat.tactics(None)
        .into_iter()
        .filter(|t| catalogs.is_empty() || catalogs.contains(&t.catalog))
        .filter(|t| domain.is_none_or(|d| t.catalog != CatalogKind::Attack || t.domain == d))
        .filter(|t| include_deprecated || !t.deprecated)
        .map(|t| {
            let (n, subs) = counts.get(&(t.catalog, t.id.as_ref())).copied().unwrap_or((0, 0));
            let mut group = catalog_label(cat, t.catalog);
            if t.domain != Domain::None {
                group = format!("{group}, {}", t.domain);
            }
            TacticSummary {
                id: t.id.to_string(),
                name: t.name.to_string(),
                name_v18: t.name_v18.as_deref().map(str::to_string),
                shortname: t.shortname.as_deref().map(str::to_string),
                catalog: t.catalog.code(),
                domain: tactic_domain(t),
                status: tactic_status(t),
                technique_count: n,
                subtechnique_count: subs,
                stix_id: t.stix_id.as_deref().map(str::to_string),
                url: t.url(),
                group,
            }
        })
        .collect()
}

/// `afc attack show NOPE --format json`: the error and what was meant, perhaps.
#[derive(Debug, Clone, Serialize)]
pub struct UnknownView {
    /// Always `unknown id`.
    pub error: &'static str,
    /// What was asked for.
    pub id: String,
    /// Did-you-mean candidates ([`Catalog::did_you_mean`]).
    pub suggestions: Vec<Suggestion>,
}

/// Describes something `show` found nothing for.
pub fn unknown(cat: &Catalog, id: &str) -> UnknownView {
    UnknownView {
        error: "unknown id",
        id: id.to_string(),
        suggestions: cat.did_you_mean(id),
    }
}

/// `unknown id `T9999``, or `unknown name `Cozy Baer`` for a key of several words.
impl fmt::Display for UnknownView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.id.contains(char::is_whitespace) {
            "name"
        } else {
            "id"
        };
        write!(f, "unknown {what} `{}`", self.id)
    }
}

/// A first record and the others found with the same id or name (`also`), flattened into
/// one JSON object.
#[derive(Debug, Clone, Serialize)]
pub struct WithAlso<T> {
    /// The first record.
    #[serde(flatten)]
    pub first: T,
    /// The other records with that id or name.
    pub also: Vec<T>,
}

impl<T> WithAlso<T> {
    /// The first record, then the others.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        std::iter::once(&self.first).chain(&self.also)
    }
}

/// What `afc attack show KEY` shows (`--format json` prints it as is, and so does the MCP
/// server's `show_technique`).
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Shown {
    /// A technique found by id, or the only technique of that name.
    Technique(TechniqueView),
    /// The techniques of a name (a technique and its namesake in another domain).
    Techniques(WithAlso<TechniqueView>),
    /// A tactic.
    Tactic(TacticView),
    /// Groups, software, campaigns or mitigations, always with `also` (an id can name
    /// different software per domain).
    Objects(WithAlso<ObjectView>),
}

/// What `afc attack show` shows for an id or a name ([`lookup`]); for a key that names
/// nothing, the error with did-you-mean suggestions.
pub fn show(cat: &Catalog, key: &str) -> Result<Shown, UnknownView> {
    let key = key.trim();
    let found = lookup(cat, key);
    match found.first() {
        None => Err(unknown(cat, key)),
        Some(Record::Tactic(t)) => Ok(Shown::Tactic(tactic(cat, t))),
        Some(Record::Technique(_)) => {
            let mut list = found.iter().filter_map(|r| match r {
                Record::Technique(t) => Some(technique(cat, t)),
                _ => None,
            });
            let Some(first) = list.next() else {
                return Err(unknown(cat, key));
            };
            let also: Vec<TechniqueView> = list.collect();
            Ok(if also.is_empty() {
                Shown::Technique(first)
            } else {
                Shown::Techniques(WithAlso { first, also })
            })
        }
        Some(Record::Object(_)) => {
            let mut list = found.iter().filter_map(|r| match r {
                Record::Object(o) => Some(object(cat, o)),
                _ => None,
            });
            let Some(first) = list.next() else {
                return Err(unknown(cat, key));
            };
            Ok(Shown::Objects(WithAlso {
                first,
                also: list.collect(),
            }))
        }
    }
}

/// `group`, `software (malware)`, `software (tool)`: the kind of an object with the STIX type
/// of software, as human output names it.
pub fn kind_label(kind: &str, stix_type: Option<&str>) -> String {
    match stix_type {
        Some(ty @ ("malware" | "tool")) => format!("{kind} ({ty})"),
        _ => kind.to_string(),
    }
}

/// What `afc attack search` lists: the records to show and how many were found and hidden.
#[derive(Debug, Clone)]
pub struct Listing<'c> {
    /// The records to show, best first, sub-techniques right after their parents.
    pub hits: Vec<Hit<'c>>,
    /// How many active (or, with `all`, any) records match.
    pub found: usize,
    /// How many revoked, deprecated or removed ones match but are not shown.
    pub hidden: usize,
}

/// The search of `afc attack search` (and of the MCP server): ranked matches
/// ([`Catalog::search_all`]), inactive ones only with `all`, at most `limit` (0: no limit),
/// sub-techniques found with their parent right after it.
pub fn search<'c>(cat: &'c Catalog, query: &str, filter: &Filter, all: bool, limit: usize) -> Listing<'c> {
    let ranked = cat.search_all(query, filter, usize::MAX);
    let total = ranked.len();
    let mut hits: Vec<Hit<'c>> = ranked
        .into_iter()
        .filter(|h| all || h.record.is_active())
        .collect();
    let hidden = total - hits.len();
    let found = hits.len();
    if limit > 0 {
        hits.truncate(limit);
    }
    Listing {
        hits: group_under_parents(hits),
        found,
        hidden,
    }
}

/// Keeps the ranking, except that sub-techniques whose parent is also a hit move right after
/// the parent (in id order, active first).
fn group_under_parents(hits: Vec<Hit<'_>>) -> Vec<Hit<'_>> {
    fn technique<'a>(h: &Hit<'a>) -> Option<&'a Technique> {
        match h.record {
            Record::Technique(t) => Some(t),
            _ => None,
        }
    }
    let present: HashSet<&str> = hits.iter().filter_map(technique).map(|t| t.id.as_ref()).collect();
    let parent_present = |h: &Hit<'_>| -> bool {
        technique(h)
            .and_then(|t| t.parent.as_deref())
            .is_some_and(|p| present.contains(p))
    };
    let mut children: HashMap<&str, Vec<Hit<'_>>> = HashMap::new();
    for h in &hits {
        if let Some(p) = technique(h)
            .and_then(|t| t.parent.as_deref())
            .filter(|p| present.contains(p))
        {
            children.entry(p).or_default().push(*h);
        }
    }
    for list in children.values_mut() {
        list.sort_by(|a, b| {
            (!a.record.is_active(), a.record.id()).cmp(&(!b.record.is_active(), b.record.id()))
        });
    }
    let mut out = Vec::with_capacity(hits.len());
    for h in &hits {
        if parent_present(h) {
            continue;
        }
        out.push(*h);
        if let Some(list) = technique(h).and_then(|t| children.get(t.id.as_ref())) {
            out.extend(list.iter().copied());
        }
    }
    out
}

/// What `afc attack show` finds for an id or a name, in this order: a technique by id, a
/// tactic (id, short name or name), the objects with that id (several when an id names
/// different software per domain), the objects with that name or alias, the techniques with
/// that name.
pub fn lookup<'a>(cat: &'a Catalog, key: &str) -> Vec<Record<'a>> {
    let key = key.trim();
    if let Some(t) = cat.technique(key) {
        return vec![Record::Technique(t)];
    }
    if let Some(t) = cat.tactic(key) {
        return vec![Record::Tactic(t)];
    }
    let objects: Vec<Record<'a>> = cat.objects_with_id(key).map(Record::Object).collect();
    if !objects.is_empty() {
        return objects;
    }
    let named: Vec<Record<'a>> = cat.objects_named(key).into_iter().map(Record::Object).collect();
    if !named.is_empty() {
        return named;
    }
    // A technique by its exact name (`Phishing`), active ones first.
    let wanted = crate::search::slug(key);
    let mut techniques: Vec<&Technique> = cat
        .techniques()
        .filter(|t| crate::search::slug(&t.full_name()) == wanted || crate::search::slug(&t.name) == wanted)
        .collect();
    techniques.sort_by_key(|t| {
        (
            !t.status.is_active(),
            t.is_subtechnique(),
            t.catalog,
            t.primary_domain(),
        )
    });
    techniques.into_iter().map(Record::Technique).collect()
}
