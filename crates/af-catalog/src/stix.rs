//! Reading ATT&CK STIX 2.x bundles (mitre/cti or attack-stix-data) into plain records:
//! techniques with resolved tactic ids, parents and revoked-by chain ends; tactics in matrix
//! order; groups, software, campaigns and mitigations with their aliases; which mitigation
//! mitigates which technique. Descriptions and all other properties are skipped while
//! parsing, so they are never held in memory.

use crate::error::CatalogError;
use crate::model::{Domain, ObjectKind};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};

#[derive(Deserialize)]
struct RawBundle {
    #[serde(rename = "type")]
    kind: Option<String>,
    objects: Option<Vec<RawObject>>,
}

#[derive(Deserialize, Clone, Default)]
struct RawObject {
    #[serde(rename = "type")]
    kind: Option<String>,
    id: Option<String>,
    name: Option<String>,
    revoked: Option<bool>,
    x_mitre_deprecated: Option<bool>,
    external_references: Option<Vec<RawRef>>,
    kill_chain_phases: Option<Vec<RawPhase>>,
    x_mitre_platforms: Option<Vec<String>>,
    x_mitre_domains: Option<Vec<String>>,
    x_mitre_shortname: Option<String>,
    x_mitre_is_subtechnique: Option<bool>,
    x_mitre_version: Option<String>,
    relationship_type: Option<String>,
    source_ref: Option<String>,
    target_ref: Option<String>,
    tactic_refs: Option<Vec<String>>,
    aliases: Option<Vec<String>>,
    x_mitre_aliases: Option<Vec<String>>,
}

#[derive(Deserialize, Clone)]
struct RawRef {
    source_name: Option<String>,
    external_id: Option<String>,
}

#[derive(Deserialize, Clone)]
struct RawPhase {
    kill_chain_name: Option<String>,
    phase_name: Option<String>,
}

/// A technique read from a bundle.
#[derive(Debug, Clone)]
pub(crate) struct BundleTechnique {
    pub id: String,
    pub stix_id: String,
    pub name: String,
    pub domains: Vec<Domain>,
    /// Tactic ids in matrix order.
    pub tactics: Vec<String>,
    pub platforms: Vec<String>,
    pub parent: Option<String>,
    pub revoked: bool,
    pub deprecated: bool,
    /// ATT&CK id at the end of the revoked-by chain.
    pub revoked_by: Option<String>,
}

/// A tactic read from a bundle.
#[derive(Debug, Clone)]
pub(crate) struct BundleTactic {
    pub id: String,
    pub stix_id: String,
    pub name: String,
    pub shortname: Option<String>,
    pub domain: Domain,
    pub deprecated: bool,
}

/// A group, software, campaign or mitigation read from a bundle.
#[derive(Debug, Clone)]
pub(crate) struct BundleObject {
    pub id: String,
    pub stix_id: String,
    pub name: String,
    pub kind: ObjectKind,
    /// Other names, without the name itself, in the bundle's order.
    pub aliases: Vec<String>,
    pub domains: Vec<Domain>,
    pub revoked: bool,
    pub deprecated: bool,
    pub revoked_by: Option<String>,
}

/// Everything taken from one or more ATT&CK bundles.
#[derive(Debug, Default)]
pub(crate) struct AttackData {
    pub techniques: Vec<BundleTechnique>,
    /// In matrix order: current matrices (enterprise, mobile, ICS), then the rest.
    pub tactics: Vec<BundleTactic>,
    pub objects: Vec<BundleObject>,
    /// (mitigation ATT&CK id, technique ATT&CK id) of every `mitigates` relationship between
    /// objects that have ATT&CK ids, sorted, without repeats.
    pub mitigates: Vec<(String, String)>,
    /// `x_mitre_version` of an `x-mitre-collection`, when the bundle has one.
    pub version: Option<String>,
    /// Things that were skipped, one line each.
    pub warnings: Vec<String>,
}

const ATTACK_SOURCES: [&str; 3] = ["mitre-attack", "mitre-mobile-attack", "mitre-ics-attack"];

fn attack_id(obj: &RawObject) -> Option<&str> {
    obj.external_references.as_ref()?.iter().find_map(|r| {
        let source = r.source_name.as_deref()?;
        if ATTACK_SOURCES.contains(&source) {
            r.external_id.as_deref().filter(|id| !id.is_empty())
        } else {
            None
        }
    })
}

fn kill_chain_domain(name: &str) -> Option<Domain> {
    match name {
        "mitre-attack" => Some(Domain::Enterprise),
        "mitre-mobile-attack" => Some(Domain::Mobile),
        "mitre-ics-attack" => Some(Domain::Ics),
        _ => None,
    }
}

/// The object's domains: `x_mitre_domains`, else its kill chains, else its ATT&CK reference's
/// source, else enterprise.
fn domains_of(obj: &RawObject) -> Vec<Domain> {
    let mut out: Vec<Domain> = Vec::new();
    fn push(out: &mut Vec<Domain>, d: Domain) {
        if !out.contains(&d) {
            out.push(d);
        }
    }
    for d in obj.x_mitre_domains.iter().flatten() {
        if let Some(d) = Domain::from_stix_name(d) {
            push(&mut out, d);
        }
    }
    if out.is_empty() {
        for p in obj.kill_chain_phases.iter().flatten() {
            if let Some(d) = p.kill_chain_name.as_deref().and_then(kill_chain_domain) {
                push(&mut out, d);
            }
        }
    }
    if out.is_empty() {
        for r in obj.external_references.iter().flatten() {
            match r.source_name.as_deref() {
                Some("mitre-mobile-attack") => push(&mut out, Domain::Mobile),
                Some("mitre-ics-attack") => push(&mut out, Domain::Ics),
                _ => {}
            }
        }
    }
    if out.is_empty() {
        push(&mut out, Domain::Enterprise);
    }
    out.sort();
    out
}

/// Parses one bundle's JSON text into raw objects, with clear errors for non-bundles.
fn parse_bundle(json: &str) -> Result<Vec<RawObject>, CatalogError> {
    let trimmed = json.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if trimmed.is_empty() {
        return Err(CatalogError::NotABundle("the input is empty".into()));
    }
    if !trimmed.starts_with('{') {
        return Err(CatalogError::NotABundle(
            "the top level is not a JSON object".into(),
        ));
    }
    let bundle: RawBundle = serde_json::from_str(trimmed).map_err(|e| CatalogError::json(&e))?;
    match bundle.kind.as_deref() {
        Some("bundle") => {}
        Some(other) => {
            return Err(CatalogError::NotABundle(format!(
                "the top-level `type` is `{other}`, expected `bundle`"
            )))
        }
        None => {
            return Err(CatalogError::NotABundle(
                "the top-level object has no `type` (expected `bundle`)".into(),
            ))
        }
    }
    bundle
        .objects
        .ok_or_else(|| CatalogError::NotABundle("the bundle has no `objects` array".into()))
}

/// Reads bundles (e.g. enterprise, mobile and ICS) into one [`AttackData`]. Objects that
/// appear in several bundles with the same STIX id are merged (their domains joined).
pub(crate) fn read_bundles(jsons: &[&str]) -> Result<AttackData, CatalogError> {
    let mut objects: Vec<RawObject> = Vec::new();
    let mut by_stix: HashMap<String, usize> = HashMap::new();
    for json in jsons {
        for obj in parse_bundle(json)? {
            let Some(id) = obj.id.clone() else { continue };
            match by_stix.get(&id) {
                Some(&i) => {
                    if let Some(extra) = obj.x_mitre_domains {
                        let doms = objects[i].x_mitre_domains.get_or_insert_with(Vec::new);
                        for d in extra {
                            if !doms.contains(&d) {
                                doms.push(d);
                            }
                        }
                    }
                }
                None => {
                    by_stix.insert(id, objects.len());
                    objects.push(obj);
                }
            }
        }
    }
    Ok(build(&objects))
}

fn kind_of(o: &RawObject) -> &str {
    o.kind.as_deref().unwrap_or("")
}

fn build(objects: &[RawObject]) -> AttackData {
    let mut data = AttackData::default();
    let stix_to_attack: HashMap<&str, &str> = objects
        .iter()
        .filter_map(|o| Some((o.id.as_deref()?, attack_id(o)?)))
        .collect();

    // Relationships.
    let mut revoked_by: HashMap<&str, &str> = HashMap::new();
    let mut parent_of: HashMap<&str, &str> = HashMap::new();
    let mut mitigates: Vec<(&str, &str)> = Vec::new();
    for o in objects.iter().filter(|o| kind_of(o) == "relationship") {
        if o.revoked == Some(true) {
            continue;
        }
        let (Some(src), Some(dst)) = (o.source_ref.as_deref(), o.target_ref.as_deref()) else {
            continue;
        };
        match o.relationship_type.as_deref() {
            Some("revoked-by") => {
                revoked_by.entry(src).or_insert(dst);
            }
            Some("subtechnique-of") => {
                parent_of.entry(src).or_insert(dst);
            }
            Some("mitigates") => mitigates.push((src, dst)),
            _ => {}
        }
    }
    let mut warnings = Vec::new();

    // Version.
    data.version = objects
        .iter()
        .filter(|o| kind_of(o) == "x-mitre-collection")
        .find_map(|o| o.x_mitre_version.clone());

    // Tactics in matrix order.
    let mut tactic_by_stix: HashMap<&str, BundleTactic> = HashMap::new();
    for o in objects.iter().filter(|o| kind_of(o) == "x-mitre-tactic") {
        let (Some(stix), Some(id)) = (o.id.as_deref(), attack_id(o)) else {
            warnings.push("skipped an x-mitre-tactic without an id or ATT&CK id".into());
            continue;
        };
        tactic_by_stix.insert(
            stix,
            BundleTactic {
                id: id.to_string(),
                stix_id: stix.to_string(),
                name: o.name.clone().unwrap_or_else(|| id.to_string()),
                shortname: o.x_mitre_shortname.clone(),
                domain: domains_of(o).first().copied().unwrap_or(Domain::Enterprise),
                deprecated: o.x_mitre_deprecated == Some(true) || o.revoked == Some(true),
            },
        );
    }
    let mut matrices: Vec<&RawObject> = objects
        .iter()
        .filter(|o| kind_of(o) == "x-mitre-matrix")
        .collect();
    matrices.sort_by_key(|m| {
        (
            m.x_mitre_deprecated == Some(true) || m.revoked == Some(true),
            domains_of(m).first().copied().unwrap_or(Domain::Enterprise),
        )
    });
    let mut placed: HashSet<&str> = HashSet::new();
    for m in matrices {
        for r in m.tactic_refs.iter().flatten() {
            if let Some(t) = tactic_by_stix.get(r.as_str()) {
                if placed.insert(r.as_str()) {
                    data.tactics.push(t.clone());
                }
            }
        }
    }
    let mut rest: Vec<&BundleTactic> = tactic_by_stix
        .iter()
        .filter(|(k, _)| !placed.contains(*k))
        .map(|(_, t)| t)
        .collect();
    rest.sort_by(|a, b| (a.domain, &a.id).cmp(&(b.domain, &b.id)));
    data.tactics.extend(rest.into_iter().cloned());
    let tactic_rank: HashMap<&str, usize> = data
        .tactics
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    let tactic_by_short: HashMap<(Domain, &str), &str> = data
        .tactics
        .iter()
        .filter_map(|t| Some(((t.domain, t.shortname.as_deref()?), t.id.as_str())))
        .collect();

    // Techniques.
    let mut tech_index: HashMap<String, usize> = HashMap::new();
    for o in objects.iter().filter(|o| kind_of(o) == "attack-pattern") {
        let (Some(stix), Some(id)) = (o.id.as_deref(), attack_id(o)) else {
            continue;
        };
        let domains = domains_of(o);
        let mut tactics: Vec<String> = Vec::new();
        for p in o.kill_chain_phases.iter().flatten() {
            let (Some(chain), Some(phase)) = (p.kill_chain_name.as_deref(), p.phase_name.as_deref()) else {
                continue;
            };
            let Some(chain_domain) = kill_chain_domain(chain) else {
                continue;
            };
            let found = tactic_by_short
                .get(&(chain_domain, phase))
                .or_else(|| domains.iter().find_map(|d| tactic_by_short.get(&(*d, phase))));
            match found {
                Some(t) => {
                    if !tactics.iter().any(|x| x == t) {
                        tactics.push(t.to_string());
                    }
                }
                None => warnings.push(format!("{id}: unknown tactic `{phase}` ({chain})")),
            }
        }
        tactics.sort_by_key(|t| tactic_rank.get(t.as_str()).copied().unwrap_or(usize::MAX));
        let parent = parent_of
            .get(stix)
            .and_then(|p| stix_to_attack.get(p))
            .map(|s| s.to_string())
            .or_else(|| {
                if o.x_mitre_is_subtechnique == Some(true) {
                    id.rsplit_once('.').map(|(p, _)| p.to_string())
                } else {
                    None
                }
            });
        let tech = BundleTechnique {
            id: id.to_string(),
            stix_id: stix.to_string(),
            name: o.name.clone().unwrap_or_else(|| id.to_string()),
            domains,
            tactics,
            platforms: o
                .x_mitre_platforms
                .iter()
                .flatten()
                .filter(|p| p.as_str() != "None" && !p.is_empty())
                .cloned()
                .collect(),
            parent,
            revoked: o.revoked == Some(true),
            deprecated: o.x_mitre_deprecated == Some(true),
            revoked_by: if o.revoked == Some(true) {
                chain_end(stix, &revoked_by, &stix_to_attack, &mut warnings)
            } else {
                None
            },
        };
        match tech_index.get(&tech.id) {
            Some(&i) => {
                let old = &data.techniques[i];
                let rank = |t: &BundleTechnique| (t.revoked, t.deprecated);
                warnings.push(format!(
                    "{}: several attack-patterns carry this id; kept the most current",
                    tech.id
                ));
                if rank(&tech) < rank(old) {
                    data.techniques[i] = tech;
                }
            }
            None => {
                tech_index.insert(tech.id.clone(), data.techniques.len());
                data.techniques.push(tech);
            }
        }
    }

    // Groups, software, campaigns, mitigations.
    let mut mitigation_ids: HashSet<&str> = HashSet::new();
    for o in objects {
        let Some(kind) = ObjectKind::of_stix_type(kind_of(o)) else {
            continue;
        };
        let (Some(stix), Some(id)) = (o.id.as_deref(), attack_id(o)) else {
            continue;
        };
        // Old enterprise mitigations carry technique ids (T1073); only M ids are mitigations.
        if kind == ObjectKind::Mitigation && !id.starts_with('M') {
            continue;
        }
        if kind == ObjectKind::Mitigation {
            mitigation_ids.insert(stix);
        }
        let name = o.name.clone().unwrap_or_else(|| id.to_string());
        let mut aliases: Vec<String> = Vec::new();
        for a in o.aliases.iter().chain(&o.x_mitre_aliases).flatten() {
            let a = a.trim();
            if !a.is_empty() && a != name && !aliases.iter().any(|x| x == a) {
                aliases.push(a.to_string());
            }
        }
        data.objects.push(BundleObject {
            id: id.to_string(),
            stix_id: stix.to_string(),
            name,
            kind,
            aliases,
            domains: domains_of(o),
            revoked: o.revoked == Some(true),
            deprecated: o.x_mitre_deprecated == Some(true),
            revoked_by: if o.revoked == Some(true) {
                chain_end(stix, &revoked_by, &stix_to_attack, &mut warnings)
            } else {
                None
            },
        });
    }
    let techniques_by_stix: HashSet<&str> = objects
        .iter()
        .filter(|o| kind_of(o) == "attack-pattern")
        .filter_map(|o| o.id.as_deref())
        .collect();
    let mut links: Vec<(String, String)> = mitigates
        .into_iter()
        .filter(|(m, t)| mitigation_ids.contains(m) && techniques_by_stix.contains(t))
        .filter_map(|(m, t)| {
            Some((
                stix_to_attack.get(m)?.to_string(),
                stix_to_attack.get(t)?.to_string(),
            ))
        })
        .collect();
    links.sort();
    links.dedup();
    data.mitigates = links;
    data.objects
        .sort_by(|a, b| (a.kind, &a.id, &a.domains).cmp(&(b.kind, &b.id, &b.domains)));
    data.techniques.sort_by(|a, b| a.id.cmp(&b.id));
    data.warnings = warnings;
    data
}

/// The ATT&CK id at the end of `start`'s revoked-by chain (`None` when it has no such
/// relationship or the end has no ATT&CK id).
fn chain_end(
    start: &str,
    revoked_by: &HashMap<&str, &str>,
    stix_to_attack: &HashMap<&str, &str>,
    warnings: &mut Vec<String>,
) -> Option<String> {
    let mut cur = start;
    let mut seen: HashSet<&str> = HashSet::new();
    seen.insert(start);
    while let Some(&next) = revoked_by.get(cur) {
        if !seen.insert(next) {
            warnings.push(format!("revoked-by cycle through {start}"));
            break;
        }
        cur = next;
    }
    if cur == start {
        return None;
    }
    stix_to_attack.get(cur).map(|s| s.to_string())
}
