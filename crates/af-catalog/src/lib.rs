//! The MITRE technique catalogs afc embeds, so that it can fill technique and tactic names and
//! STIX refs and catch typos, revoked ids and wrong tactics without a network connection:
//! ATT&CK (v19.1 enterprise, mobile, ICS, plus ids from v18.1 that are gone), ATLAS, D3FEND
//! and F3, with ATT&CK groups, software, campaigns and mitigations (ids, names and aliases)
//! and which mitigation mitigates which technique.
//!
//! Besides lookups by id, it answers the questions `afc attack` asks — search over techniques
//! and objects by id, name and alias ([`Catalog::search_all`]), lookup by name
//! ([`Catalog::objects_named`], [`Catalog::find_object`]), did-you-mean
//! ([`Catalog::did_you_mean`]) — and describes records in the stable JSON shapes of
//! `afc attack --format json` ([`views`]), so the CLI only prints.
//!
//! The data lives in one generated, committed file (`data/catalog.tsv`, written by the
//! `gen-catalog` binary from `shared/`) that is compiled into the crate and parsed lazily on
//! the first call to [`Catalog::embedded`]; commands that never touch the catalog pay nothing.
//! A user-supplied ATT&CK STIX bundle can replace the ATT&CK part
//! ([`Catalog::from_attack_bundle_file`]).
//!
//! Regenerate the data file after `shared/` changes with
//! `cargo run -p af-catalog --bin gen-catalog` (`-- --check` only verifies it); the test
//! `tests/shared.rs` fails when the committed file is out of date.
//!
//! This crate knows nothing about the flow language, its syntax tree, diagnostics or the
//! Attack Flow STIX output: it answers questions about ids and names, and callers decide what
//! to report.
//!
//! ATT&CK® is a registered trademark of The MITRE Corporation. The embedded data is © The
//! MITRE Corporation, derived from MITRE ATT&CK, ATLAS, D3FEND and F3, used under their terms
//! of use.

mod error;
mod format;
pub mod generate;
mod model;
mod search;
mod stix;
pub mod views;

pub use error::{CatalogError, MAX_BUNDLE_BYTES};
pub use model::{AttackObject, CatalogKind, Domain, ObjectKind, Status, Tactic, Technique, Text};
pub use search::{Filter, Hit, Record, Suggestion};

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashMap;
#[cfg(feature = "fs")]
use std::path::Path;
use std::sync::OnceLock;

/// The committed data file, as compiled into the crate.
pub const EMBEDDED_DATA: &str = include_str!("../data/catalog.tsv");

/// The technique, tactic and ATT&CK object catalogs, indexed for lookup and search.
#[derive(Debug, Clone)]
pub struct Catalog {
    techniques: Vec<Technique>,
    tactics: Vec<Tactic>,
    objects: Vec<AttackObject>,
    /// (uppercased id, index into `techniques`), sorted by id.
    technique_index: Vec<(Text, u32)>,
    /// (uppercased id, index into `objects`), sorted by id, then preference.
    object_index: Vec<(Text, u32)>,
    /// Parallel to `techniques`.
    search: Vec<search::Entry>,
    /// Parallel to `objects`: the name and aliases, for search.
    object_search: Vec<search::Names>,
    /// (name or alias as a slug, index into `objects`), sorted.
    object_names: Vec<(Box<str>, u32)>,
    /// (technique index, mitigation object index) of `mitigates` links, sorted; includes the
    /// links of an inactive technique copied to its replacement.
    mitigations: Vec<(u32, u32)>,
    attack_version: Option<Text>,
    attack_from_bundle: bool,
    warnings: Vec<String>,
}

/// Resolves `mitigates` links (mitigation id, technique id) to indices, and copies the links
/// of a technique that is no longer current to the technique that replaces it (MITRE's v18.1
/// data links mitigations to ids that ATT&CK v19 replaced).
fn link_mitigations(
    techniques: &[Technique],
    technique_index: &[(Text, u32)],
    objects: &[AttackObject],
    object_index: &[(Text, u32)],
    mitigates: &[(Text, Text)],
    warnings: &mut Vec<String>,
) -> Vec<(u32, u32)> {
    let technique = |id: &str| {
        technique_index
            .binary_search_by(|(k, _)| cmp_upper(k, id))
            .ok()
            .map(|p| technique_index[p].1)
    };
    let mitigation = |id: &str| {
        let start = object_index.partition_point(|(k, _)| cmp_upper(k, id) == Ordering::Less);
        object_index[start..]
            .iter()
            .take_while(|(k, _)| cmp_upper(k, id) == Ordering::Equal)
            .map(|(_, i)| *i)
            .find(|i| objects[*i as usize].kind == ObjectKind::Mitigation)
    };
    let mut links = Vec::with_capacity(mitigates.len());
    for (m, t) in mitigates {
        match (mitigation(m), technique(t)) {
            (Some(mi), Some(ti)) => {
                links.push((ti, mi));
                let replaced = &techniques[ti as usize].status;
                if let Some(ri) = replaced.replacement().and_then(&technique) {
                    if !replaced.is_active() && techniques[ri as usize].status.is_active() {
                        links.push((ri, mi));
                    }
                }
            }
            _ => warnings.push(format!("{m} mitigates {t}: one of them is not in the catalog")),
        }
    }
    links.sort_unstable();
    links.dedup();
    links
}

/// Compares `key` (already uppercase ASCII) with `query` as if `query` were uppercased.
fn cmp_upper(key: &str, query: &str) -> Ordering {
    let q = query.bytes().map(|b| b.to_ascii_uppercase());
    key.bytes().cmp(q)
}

/// True when `key` (uppercase ASCII) starts with `prefix` uppercased.
fn starts_with_upper(key: &str, prefix: &str) -> bool {
    key.len() >= prefix.len() && key.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

fn upper(id: &Text) -> Text {
    if id.bytes().any(|b| b.is_ascii_lowercase()) {
        Cow::Owned(id.to_ascii_uppercase())
    } else {
        id.clone()
    }
}

fn domain_rank(domains: &[Domain]) -> Domain {
    domains.first().copied().unwrap_or(Domain::None)
}

impl Catalog {
    /// The embedded catalog, parsed on first use and shared afterwards.
    pub fn embedded() -> &'static Catalog {
        static EMBEDDED: OnceLock<Catalog> = OnceLock::new();
        EMBEDDED.get_or_init(Catalog::parse_embedded)
    }

    /// Parses a fresh copy of the embedded data (for benchmarks and tests; normal code calls
    /// [`Catalog::embedded`]). Malformed lines are skipped and listed in
    /// [`Catalog::load_warnings`].
    pub fn parse_embedded() -> Catalog {
        let (parts, warnings) = format::read(EMBEDDED_DATA);
        Catalog::from_parts(parts, warnings, false)
    }

    /// Builds a catalog whose ATT&CK part comes from a user-supplied ATT&CK STIX 2.0/2.1
    /// bundle (e.g. `enterprise-attack.json` of mitre/cti or attack-stix-data); ATLAS,
    /// D3FEND and F3 stay embedded. The bundle's techniques get no v18.1 data
    /// (`tactics_v18`, `name_v18` empty). Things skipped while reading are listed in
    /// [`Catalog::load_warnings`].
    pub fn from_attack_bundle(json: &str) -> Result<Catalog, CatalogError> {
        let size = json.len() as u64;
        if size > MAX_BUNDLE_BYTES {
            return Err(CatalogError::TooLarge {
                path: None,
                size: Some(size),
                limit: MAX_BUNDLE_BYTES,
            });
        }
        let data = stix::read_bundles(&[json])?;
        if data.techniques.is_empty() {
            return Err(CatalogError::NoTechniques);
        }
        let own = |s: &str| -> Text { Cow::Owned(s.to_string()) };
        let base = Catalog::embedded();
        let mut parts = format::Parts {
            attack_version: data.version.as_deref().map(own),
            ..Default::default()
        };
        parts.tactics = data
            .tactics
            .iter()
            .map(|t| Tactic {
                id: own(&t.id),
                name: own(&t.name),
                name_v18: None,
                shortname: t.shortname.as_deref().map(own),
                catalog: CatalogKind::Attack,
                domain: t.domain,
                stix_id: Some(own(&t.stix_id)),
                deprecated: t.deprecated,
            })
            .collect();
        parts.tactics.extend(
            base.tactics
                .iter()
                .filter(|t| t.catalog != CatalogKind::Attack)
                .cloned(),
        );
        parts.techniques = data
            .techniques
            .iter()
            .map(|t| Technique {
                id: own(&t.id),
                name: own(&t.name),
                name_v18: None,
                catalog: CatalogKind::Attack,
                domains: t.domains.clone(),
                stix_id: Some(own(&t.stix_id)),
                tactics: if t.revoked || t.deprecated {
                    Vec::new()
                } else {
                    t.tactics.iter().map(|s| own(s)).collect()
                },
                tactics_v18: Vec::new(),
                platforms: t.platforms.iter().map(|s| own(s)).collect(),
                parent: t.parent.as_deref().map(own),
                subtechniques: Vec::new(),
                status: generate::bundle_status(t.revoked, t.deprecated, t.revoked_by.as_deref()),
                parent_name: None,
            })
            .collect();
        parts.techniques.extend(
            base.techniques
                .iter()
                .filter(|t| t.catalog != CatalogKind::Attack)
                .cloned(),
        );
        (parts.objects, parts.mitigates) = generate::objects_of(&data);
        Ok(Catalog::from_parts(parts, data.warnings, true))
    }

    /// Like [`Catalog::from_attack_bundle`], reading the file at `path` with [`af_fs`]'s capped
    /// reader: a file known to be over [`MAX_BUNDLE_BYTES`] is refused before it is read, and
    /// the read stops there whatever the file is (a device or a pipe reports no size). The
    /// language server's `attackBundle` setting is read here too. (Feature `fs`, on by default.)
    #[cfg(feature = "fs")]
    pub fn from_attack_bundle_file(path: &Path) -> Result<Catalog, CatalogError> {
        let io = |source| CatalogError::Io {
            path: path.to_path_buf(),
            source,
        };
        let text = af_fs::read_text(path, MAX_BUNDLE_BYTES).map_err(|e| match e {
            af_fs::ReadError::Io(e) => io(e),
            af_fs::ReadError::TooLarge { limit, size } => CatalogError::TooLarge {
                path: Some(path.to_path_buf()),
                size,
                limit,
            },
            e @ af_fs::ReadError::NotUtf8 { .. } => io(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                e.to_string(),
            )),
        })?;
        Catalog::from_attack_bundle(&text)
    }

    fn from_parts(parts: format::Parts, mut warnings: Vec<String>, from_bundle: bool) -> Catalog {
        let format::Parts {
            tactics,
            mut techniques,
            objects,
            mitigates,
            attack_version,
        } = parts;

        // Order techniques by catalog, then id (the data file is already in this order), and
        // keep the first of any ids that differ only in case.
        techniques.sort_by(|a, b| (a.catalog, &a.id).cmp(&(b.catalog, &b.id)));
        let mut seen = std::collections::HashSet::new();
        techniques.retain(|t| {
            let fresh = seen.insert(upper(&t.id));
            if !fresh {
                warnings.push(format!("duplicate technique id {}; kept the first", t.id));
            }
            fresh
        });
        let mut technique_index: Vec<(Text, u32)> = techniques
            .iter()
            .enumerate()
            .map(|(i, t)| (upper(&t.id), i as u32))
            .collect();
        technique_index.sort();

        // Parents' names and sub-technique lists.
        let by_id: HashMap<&str, usize> = technique_index
            .iter()
            .map(|(k, i)| (k.as_ref(), *i as usize))
            .collect();
        let mut links: Vec<(usize, usize)> = Vec::new();
        for (i, t) in techniques.iter().enumerate() {
            if let Some(p) = &t.parent {
                match by_id.get(p.to_ascii_uppercase().as_str()) {
                    Some(&pi) if pi != i => links.push((i, pi)),
                    _ => warnings.push(format!("{}: parent {p} is not in the catalog", t.id)),
                }
            }
        }
        for (child, parent) in links {
            let parent_name = techniques[parent].name.clone();
            let child_id = techniques[child].id.clone();
            techniques[child].parent_name = Some(parent_name);
            techniques[parent].subtechniques.push(child_id);
        }
        for t in &mut techniques {
            t.subtechniques.sort();
        }
        let search = techniques.iter().map(search::Entry::new).collect();

        let mut object_index: Vec<(Text, u32)> = objects
            .iter()
            .enumerate()
            .map(|(i, o)| (upper(&o.id), i as u32))
            .collect();
        object_index.sort_by(|a, b| {
            let (oa, ob) = (&objects[a.1 as usize], &objects[b.1 as usize]);
            a.0.cmp(&b.0)
                .then(oa.kind.cmp(&ob.kind))
                .then((!oa.status.is_active()).cmp(&!ob.status.is_active()))
                .then(domain_rank(&oa.domains).cmp(&domain_rank(&ob.domains)))
                .then(a.1.cmp(&b.1))
        });

        let object_search: Vec<search::Names> = objects.iter().map(search::Names::new).collect();
        let mut object_names: Vec<(Box<str>, u32)> = objects
            .iter()
            .enumerate()
            .flat_map(|(i, o)| {
                std::iter::once(&o.name)
                    .chain(&o.aliases)
                    .map(move |n| (search::slug(n).into_boxed_str(), i as u32))
            })
            .filter(|(k, _)| !k.is_empty())
            .collect();
        object_names.sort();
        object_names.dedup();

        let mitigations = link_mitigations(
            &techniques,
            &technique_index,
            &objects,
            &object_index,
            &mitigates,
            &mut warnings,
        );

        Catalog {
            techniques,
            tactics,
            objects,
            technique_index,
            object_index,
            search,
            object_search,
            object_names,
            mitigations,
            attack_version,
            attack_from_bundle: from_bundle,
            warnings,
        }
    }

    /// The ATT&CK version of the ATT&CK part (`19.1` when embedded; from the bundle's
    /// `x-mitre-collection` when one was loaded, if it has one).
    pub fn attack_version(&self) -> Option<&str> {
        self.attack_version.as_deref()
    }

    /// True when the ATT&CK part came from a user-supplied bundle.
    pub fn attack_from_bundle(&self) -> bool {
        self.attack_from_bundle
    }

    /// Things skipped while loading (malformed data lines, unresolvable tactic names in a
    /// bundle, duplicate ids). Empty for the embedded data.
    pub fn load_warnings(&self) -> &[String] {
        &self.warnings
    }

    /// All techniques, by catalog then id.
    pub fn techniques(&self) -> impl Iterator<Item = &Technique> + '_ {
        self.techniques.iter()
    }

    /// The technique with this id (exact, case-insensitive), whatever its status.
    pub fn technique(&self, id: &str) -> Option<&Technique> {
        let id = id.trim();
        // Keys are upper case: an id written in upper case compares byte for byte.
        let found = if id.bytes().any(|b| b.is_ascii_lowercase()) {
            self.technique_index.binary_search_by(|(k, _)| cmp_upper(k, id))
        } else {
            self.technique_index.binary_search_by(|(k, _)| k.as_ref().cmp(id))
        };
        found
            .ok()
            .map(|pos| &self.techniques[self.technique_index[pos].1 as usize])
    }

    /// Follows an id to the technique that is current: the end of its revoked-by chain, or
    /// the name-matched successor of an id removed in v19. `None` when the id is unknown or
    /// has no active replacement; the technique itself when it is active.
    pub fn resolve(&self, id: &str) -> Option<&Technique> {
        let mut t = self.technique(id)?;
        for _ in 0..8 {
            if t.status.is_active() {
                return Some(t);
            }
            t = self.technique(t.status.replacement()?)?;
        }
        None
    }

    /// Techniques whose id starts with `prefix` (case-insensitive), in id order:
    /// `T1566` gives T1566 and its sub-techniques.
    pub fn techniques_with_prefix(&self, prefix: &str) -> impl Iterator<Item = &Technique> + '_ {
        let prefix = prefix.trim();
        let start = self
            .technique_index
            .partition_point(|(k, _)| cmp_upper(k, prefix) == Ordering::Less);
        let len = self.technique_index[start..]
            .iter()
            .take_while(|(k, _)| starts_with_upper(k, prefix))
            .count();
        self.technique_index[start..start + len]
            .iter()
            .map(|(_, i)| &self.techniques[*i as usize])
    }

    /// Active techniques whose tactics include `tactic_id` (case-insensitive), by id.
    pub fn techniques_of_tactic(&self, tactic_id: &str) -> Vec<&Technique> {
        let tactic_id = tactic_id.trim();
        self.techniques
            .iter()
            .filter(|t| t.status.is_active())
            .filter(|t| t.tactics.iter().any(|x| x.eq_ignore_ascii_case(tactic_id)))
            .collect()
    }

    /// Tactics of one catalog (or all), in matrix order: ATT&CK enterprise, mobile, ICS, then
    /// ATLAS, D3FEND, F3. Includes deprecated tactics (check [`Tactic::deprecated`]).
    pub fn tactics(&self, catalog: Option<CatalogKind>) -> Vec<&Tactic> {
        self.tactics
            .iter()
            .filter(|t| catalog.is_none_or(|c| t.catalog == c))
            .collect()
    }

    /// A tactic by id (`TA0001`, case-insensitive), ATT&CK short name (`initial-access`) or
    /// name (`Initial Access`, `stealth`). When several match, current tactics win, then
    /// ATT&CK enterprise over mobile over ICS over ATLAS, D3FEND and F3.
    pub fn tactic(&self, id_or_shortname: &str) -> Option<&Tactic> {
        self.find_tactic(id_or_shortname, |_| true)
    }

    /// Like [`Catalog::tactic`], limited to one ATT&CK domain; [`Domain::None`] limits it to
    /// the tactics of ATLAS, D3FEND and F3.
    pub fn tactic_in(&self, domain: Domain, id_or_shortname: &str) -> Option<&Tactic> {
        self.find_tactic(id_or_shortname, |t| t.domain == domain)
    }

    /// Like [`Catalog::tactic`], limited to the tactics that fit `technique`: the same
    /// catalog and, for ATT&CK, one of its domains.
    pub fn tactic_for(&self, technique: &Technique, id_or_shortname: &str) -> Option<&Tactic> {
        self.find_tactic(id_or_shortname, |t| {
            t.catalog == technique.catalog
                && (t.domain == Domain::None || technique.domains.contains(&t.domain))
        })
    }

    fn find_tactic(&self, query: &str, keep: impl Fn(&Tactic) -> bool) -> Option<&Tactic> {
        let query = query.trim();
        if query.is_empty() {
            return None;
        }
        let best = |pred: &dyn Fn(&Tactic) -> bool| {
            self.tactics
                .iter()
                .enumerate()
                .filter(|(_, t)| keep(t) && pred(t))
                .min_by_key(|(i, t)| (t.deprecated, t.catalog, t.domain, *i))
                .map(|(_, t)| t)
        };
        if let Some(t) = best(&|t| t.id.eq_ignore_ascii_case(query)) {
            return Some(t);
        }
        if let Some(t) = best(&|t| {
            t.shortname
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case(query))
        }) {
            return Some(t);
        }
        let wanted = search::slug(query);
        best(&|t| search::slug(&t.name) == wanted)
    }

    /// All groups, software, campaigns and mitigations, by kind then id.
    pub fn objects(&self) -> impl Iterator<Item = &AttackObject> + '_ {
        self.object_index.iter().map(|(_, i)| &self.objects[*i as usize])
    }

    /// Every group, software or mitigation carrying this ATT&CK id (case-insensitive), the
    /// preferred first: active, then enterprise before mobile before ICS. S0017 names
    /// different software in enterprise (BISCUIT) and ICS (EKANS).
    pub fn objects_with_id(&self, id: &str) -> impl Iterator<Item = &AttackObject> + '_ {
        let id = id.trim();
        let start = self
            .object_index
            .partition_point(|(k, _)| cmp_upper(k, id) == Ordering::Less);
        let len = self.object_index[start..]
            .iter()
            .take_while(|(k, _)| cmp_upper(k, id) == Ordering::Equal)
            .count();
        self.object_index[start..start + len]
            .iter()
            .map(|(_, i)| &self.objects[*i as usize])
    }

    /// The preferred object of `kind` with this id.
    pub fn object(&self, kind: ObjectKind, id: &str) -> Option<&AttackObject> {
        self.objects_with_id(id).find(|o| o.kind == kind)
    }

    /// The object of `kind` with this id in one ATT&CK domain.
    pub fn object_in(&self, domain: Domain, kind: ObjectKind, id: &str) -> Option<&AttackObject> {
        self.objects_with_id(id)
            .find(|o| o.kind == kind && o.domains.contains(&domain))
    }

    /// An ATT&CK group (`G0016`).
    pub fn group(&self, id: &str) -> Option<&AttackObject> {
        self.object(ObjectKind::Group, id)
    }

    /// ATT&CK software, malware or tool (`S0154`).
    pub fn software(&self, id: &str) -> Option<&AttackObject> {
        self.object(ObjectKind::Software, id)
    }

    /// An ATT&CK mitigation (`M1049`).
    pub fn mitigation(&self, id: &str) -> Option<&AttackObject> {
        self.object(ObjectKind::Mitigation, id)
    }

    /// An ATT&CK campaign (`C0024`).
    pub fn campaign(&self, id: &str) -> Option<&AttackObject> {
        self.object(ObjectKind::Campaign, id)
    }

    /// Groups, software, campaigns and mitigations whose name or an alias is `name`
    /// (case-insensitive; spaces, dashes and underscores alike: `cozy bear`, `Cozy-Bear`),
    /// the preferred first as in [`Catalog::objects_with_id`].
    pub fn objects_named(&self, name: &str) -> Vec<&AttackObject> {
        let key = search::slug(name);
        if key.is_empty() {
            return Vec::new();
        }
        let start = self.object_names.partition_point(|(k, _)| **k < *key);
        let mut found: Vec<u32> = self.object_names[start..]
            .iter()
            .take_while(|(k, _)| **k == *key)
            .map(|(_, i)| *i)
            .collect();
        // The object index's order: kind, active first, domain.
        let rank: std::collections::HashMap<u32, usize> = self
            .object_index
            .iter()
            .enumerate()
            .map(|(r, (_, i))| (*i, r))
            .collect();
        found.sort_by_key(|i| {
            let o = &self.objects[*i as usize];
            // An exact name beats an alias.
            (
                !search::slug(&o.name).eq(&key),
                rank.get(i).copied().unwrap_or(usize::MAX),
            )
        });
        found.dedup();
        found.into_iter().map(|i| &self.objects[i as usize]).collect()
    }

    /// The object of one of `kinds` (all when empty) with this ATT&CK id, else with this name
    /// or alias: what a flow means by `malware m S0154` or `intrusion-set g "Cozy Bear"`.
    /// Active objects win over revoked ones.
    pub fn find_object(&self, kinds: &[ObjectKind], id_or_name: &str) -> Option<&AttackObject> {
        let fits = |o: &&AttackObject| kinds.is_empty() || kinds.contains(&o.kind);
        self.objects_with_id(id_or_name)
            .find(fits)
            .or_else(|| self.objects_named(id_or_name).into_iter().find(fits))
    }

    /// The mitigations of a technique (ATT&CK `mitigates` relationships), by id. A technique
    /// that replaced another (revoked by MITRE, or its likely v19 successor) also gets the
    /// mitigations of the one it replaced.
    pub fn mitigations_of(&self, technique_id: &str) -> Vec<&AttackObject> {
        let Some(ti) = self
            .technique_index
            .binary_search_by(|(k, _)| cmp_upper(k, technique_id.trim()))
            .ok()
            .map(|p| self.technique_index[p].1)
        else {
            return Vec::new();
        };
        let start = self.mitigations.partition_point(|(t, _)| *t < ti);
        let mut out: Vec<&AttackObject> = self.mitigations[start..]
            .iter()
            .take_while(|(t, _)| *t == ti)
            .map(|(_, m)| &self.objects[*m as usize])
            .collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }

    /// The techniques a mitigation mitigates, by id.
    pub fn techniques_mitigated_by(&self, mitigation_id: &str) -> Vec<&Technique> {
        let Some(m) = self.mitigation(mitigation_id) else {
            return Vec::new();
        };
        let mut out: Vec<&Technique> = self
            .mitigations
            .iter()
            .filter(|(_, mi)| std::ptr::eq(&self.objects[*mi as usize], m))
            .map(|(t, _)| &self.techniques[*t as usize])
            .collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out.dedup_by(|a, b| a.id == b.id);
        out
    }

    /// Search over techniques and ATT&CK objects together: ids, names and aliases
    /// (`cobalt strike` finds S0154 Cobalt Strike, `cozy bear` finds G0016 APT29). Ranking:
    /// exact id, id prefix, exact name or alias, every query word starting a word of a name,
    /// names containing every query word; within a rank, active first, then the order of
    /// [`Catalog::search`] for techniques and shorter names first for objects. `catalogs`
    /// and `kinds` empty mean all; techniques count as [`Record::Technique`]'s kind filter
    /// `None`.
    pub fn search_all(&self, query: &str, filter: &search::Filter, limit: usize) -> Vec<Hit<'_>> {
        search::search_all(self, query, filter, limit)
    }

    /// Did-you-mean for something `afc attack show` did not find: tactic-, group-,
    /// software-, campaign- and mitigation-shaped ids get close ids of their kind (`G0O16` →
    /// G0016), technique-shaped ids and words get close techniques, names get objects with a
    /// close name or alias. At most 3, best first.
    pub fn did_you_mean(&self, input: &str) -> Vec<Suggestion> {
        search::did_you_mean(self, input)
    }

    /// Word search over technique names and ids (case-insensitive), deterministic.
    ///
    /// Ranking: exact id, then id prefix, then names where every query word starts a word of
    /// the full name (`phish` finds `Phishing` and `Phishing: Spearphishing Link`), then
    /// names containing every query word. Within a rank: active before inactive, techniques
    /// before sub-techniques, shorter full names first, enterprise before mobile before ICS
    /// before other catalogs, then catalog and id order. `catalogs` empty means all;
    /// at most `limit` results.
    pub fn search(&self, query: &str, catalogs: &[CatalogKind], limit: usize) -> Vec<&Technique> {
        search::search(self, query, catalogs, limit)
    }

    /// Did-you-mean for an unknown id or a misspelt name: at most 3 techniques, best first.
    /// Ids: a sub-technique number missing its zeros (`T1566.01`), a missing dot
    /// (`T1566001`), one or two wrong, missing or transposed characters (`T1656.001`).
    /// Names: close spellings of a name or full name. The input itself, if it is an exact
    /// id, is never suggested.
    pub fn suggest(&self, id_or_name: &str) -> Vec<&Technique> {
        search::suggest(self, id_or_name)
    }

    /// An estimate of the heap memory the catalog holds, in bytes: vectors, owned strings and
    /// indices. Text borrowed from the embedded data lives in the binary, not the heap; add
    /// [`EMBEDDED_DATA`]`.len()` to count it too.
    pub fn heap_size(&self) -> usize {
        use std::mem::size_of;
        let text = |t: &Text| match t {
            Cow::Owned(s) => s.capacity(),
            Cow::Borrowed(_) => 0,
        };
        let texts = |v: &Vec<Text>| v.capacity() * size_of::<Text>() + v.iter().map(text).sum::<usize>();
        let opt = |o: &Option<Text>| o.as_ref().map_or(0, text);
        let status = |s: &Status| match s {
            Status::Revoked { by: Some(t) } | Status::Removed { successor: Some(t) } => text(t),
            _ => 0,
        };
        let mut n = self.techniques.capacity() * size_of::<Technique>();
        for t in &self.techniques {
            n += text(&t.id) + text(&t.name) + opt(&t.name_v18) + opt(&t.stix_id);
            n += t.domains.capacity() * size_of::<Domain>();
            n += texts(&t.tactics) + texts(&t.tactics_v18) + texts(&t.platforms);
            n += texts(&t.subtechniques) + opt(&t.parent) + opt(&t.parent_name) + status(&t.status);
        }
        n += self.tactics.capacity() * size_of::<Tactic>();
        for t in &self.tactics {
            n += text(&t.id) + text(&t.name) + opt(&t.name_v18) + opt(&t.shortname) + opt(&t.stix_id);
        }
        n += self.objects.capacity() * size_of::<AttackObject>();
        for o in &self.objects {
            n += text(&o.id) + text(&o.name) + opt(&o.stix_id) + status(&o.status) + texts(&o.aliases);
            n += o.domains.capacity() * size_of::<Domain>();
        }
        for index in [&self.technique_index, &self.object_index] {
            n += index.capacity() * size_of::<(Text, u32)>();
            n += index.iter().map(|(k, _)| text(k)).sum::<usize>();
        }
        n += self.search.capacity() * size_of::<search::Entry>();
        n += self.search.iter().map(search::Entry::heap_size).sum::<usize>();
        n += self.object_search.capacity() * size_of::<search::Names>();
        n += self
            .object_search
            .iter()
            .map(search::Names::heap_size)
            .sum::<usize>();
        n += self.object_names.capacity() * size_of::<(Box<str>, u32)>();
        n += self.object_names.iter().map(|(k, _)| k.len()).sum::<usize>();
        n += self.mitigations.capacity() * size_of::<(u32, u32)>();
        n += self.warnings.iter().map(String::capacity).sum::<usize>();
        n
    }
}
