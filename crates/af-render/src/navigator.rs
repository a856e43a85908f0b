//! ATT&CK Navigator layers (layer format 4.5): the techniques of one or many flows, one layer
//! per ATT&CK domain, scored by the number of flows that use each technique; ATLAS techniques
//! go to a layer for the ATLAS Navigator.

use crate::{catalog_of, Object};
use af_catalog::{Catalog, CatalogKind, Domain};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Navigator version the layers are written for.
pub const NAVIGATOR_VERSION: &str = "5.1.0";
/// Layer format version.
pub const LAYER_VERSION: &str = "4.5";
/// Version of the ATLAS Navigator (a build of the ATT&CK Navigator 4.6) ATLAS layers are
/// written for.
pub const ATLAS_NAVIGATOR_VERSION: &str = "4.6.4";
/// Layer format version of ATLAS layers (what the ATLAS Navigator reads and MITRE ATLAS
/// publishes its own layers in).
pub const ATLAS_LAYER_VERSION: &str = "4.3";

/// One flow's objects and the name to cite it by.
#[derive(Debug, Clone, Copy)]
pub struct FlowObjects<'a> {
    /// A name for comments and the description (the flow's name, or its file name).
    pub name: &'a str,
    /// The flow's STIX objects.
    pub objects: &'a [Object],
}

/// Options of [`navigator_layers`].
#[derive(Debug, Clone, Default)]
pub struct NavigatorOptions {
    /// Layer name; default: the flow's name, or "N attack flows".
    pub name: Option<String>,
    /// Catalog for domains, tactic short names and revoked ids; `None` uses the embedded one.
    pub catalog: Option<std::sync::Arc<Catalog>>,
}

/// One layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    /// The layer's `domain`: `enterprise-attack`, `mobile-attack`, `ics-attack`, or
    /// `atlas-atlas` (the ATLAS Navigator's).
    pub domain: &'static str,
    /// The name of the matrix in file names: the ATT&CK domain, or `atlas`.
    pub matrix: &'static str,
    /// The layer document.
    pub json: Value,
}

impl Layer {
    /// The layer file's text: pretty-printed JSON with a trailing newline.
    pub fn text(&self) -> String {
        let mut text = serde_json::to_string_pretty(&self.json).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// The layers, plus notes about techniques that could not be placed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layers {
    /// One layer per matrix that has techniques, in enterprise, mobile, ICS, ATLAS order.
    pub layers: Vec<Layer>,
    /// Techniques skipped or replaced (unknown, neither ATT&CK nor ATLAS, revoked), one line
    /// each.
    pub notes: Vec<String>,
}

/// The Navigator matrix a technique is shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Matrix {
    Attack(Domain),
    Atlas,
}

impl Matrix {
    const ALL: [Matrix; 4] = [
        Matrix::Attack(Domain::Enterprise),
        Matrix::Attack(Domain::Mobile),
        Matrix::Attack(Domain::Ics),
        Matrix::Atlas,
    ];

    /// The layer's `domain`.
    fn domain(self) -> &'static str {
        match self {
            Matrix::Attack(d) => d.stix_name().unwrap_or("enterprise-attack"),
            Matrix::Atlas => "atlas-atlas",
        }
    }

    /// The matrix in file names.
    fn name(self) -> &'static str {
        match self {
            Matrix::Attack(d) => d.stix_name().unwrap_or("enterprise-attack"),
            Matrix::Atlas => "atlas",
        }
    }

    fn catalog(self) -> CatalogKind {
        match self {
            Matrix::Attack(_) => CatalogKind::Attack,
            Matrix::Atlas => CatalogKind::Atlas,
        }
    }
}

/// (matrix, technique id, tactic short name): one cell of the matrix.
type Key = (Matrix, String, Option<String>);

#[derive(Default)]
struct Entry {
    flows: BTreeSet<usize>,
    /// Action names by flow, in first-seen order without repeats.
    actions: BTreeMap<usize, Vec<String>>,
}

fn str_of<'a>(o: &'a Object, key: &str) -> Option<&'a str> {
    o.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The techniques of `flows` as Navigator layers, one per ATT&CK domain and one for ATLAS.
pub fn navigator_layers(flows: &[FlowObjects<'_>], options: &NavigatorOptions) -> Layers {
    let catalog = catalog_of(&options.catalog);
    // (domain, technique id, tactic short name) -> entry
    let mut entries: BTreeMap<Key, Entry> = BTreeMap::new();
    let mut notes = Vec::new();
    for (fi, flow) in flows.iter().enumerate() {
        for o in flow.objects {
            if o.get("type").and_then(Value::as_str) != Some("attack-action") {
                continue;
            }
            let Some(tid) = str_of(o, "technique_id") else {
                continue;
            };
            let action = str_of(o, "name").unwrap_or(tid).to_string();
            let kind = CatalogKind::of_id(tid);
            if !matches!(kind, CatalogKind::Attack | CatalogKind::Atlas) {
                notes.push(format!(
                    "{}: {tid} is a {kind} technique, which no Navigator shows; left out",
                    flow.name
                ));
                continue;
            }
            let Some(found) = catalog.technique(tid) else {
                notes.push(format!(
                    "{}: {tid} is not in the {kind} catalog; left out",
                    flow.name
                ));
                continue;
            };
            let technique = if found.status.is_active() {
                found
            } else {
                match catalog.resolve(tid) {
                    Some(r) => {
                        notes.push(format!(
                            "{}: {tid} is {}; counted as {}",
                            flow.name, found.status, r.id
                        ));
                        r
                    }
                    None => {
                        notes.push(format!("{}: {tid} is {}; left out", flow.name, found.status));
                        continue;
                    }
                }
            };
            let tactic = str_of(o, "tactic_id").and_then(|t| catalog.tactic_for(technique, t));
            let matrix = if technique.catalog == CatalogKind::Atlas {
                Matrix::Atlas
            } else {
                match tactic {
                    Some(t) if technique.domains.contains(&t.domain) => Matrix::Attack(t.domain),
                    _ => match technique.primary_domain() {
                        Domain::None => continue,
                        d => Matrix::Attack(d),
                    },
                }
            };
            let shortname = tactic.map(|t| t.short_name().into_owned());
            let e = entries
                .entry((matrix, technique.id.to_string(), shortname))
                .or_default();
            e.flows.insert(fi);
            let names = e.actions.entry(fi).or_default();
            if !names.contains(&action) {
                names.push(action);
            }
        }
    }
    let version = catalog
        .attack_version()
        .and_then(|v| v.split('.').next())
        .unwrap_or("19")
        .to_string();
    let flow_names: Vec<&str> = flows.iter().map(|f| f.name).collect();
    let name = options
        .name
        .clone()
        .unwrap_or_else(|| match flow_names.as_slice() {
            [one] => one.to_string(),
            _ => format!("{} attack flows", flows.len()),
        });
    let mut layers = Vec::new();
    for matrix in Matrix::ALL {
        let of_domain: Vec<(&Key, &Entry)> = entries.iter().filter(|((m, _, _), _)| *m == matrix).collect();
        if of_domain.is_empty() {
            continue;
        }
        let max_score = of_domain.iter().map(|(_, e)| e.flows.len()).max().unwrap_or(1);
        let mut techniques: Vec<Value> = Vec::new();
        let mut with_entry: BTreeSet<(String, Option<String>)> = BTreeSet::new();
        for ((_, id, tactic), _) in &of_domain {
            with_entry.insert((id.clone(), tactic.clone()));
        }
        let mut parents: BTreeSet<(String, Option<String>)> = BTreeSet::new();
        for ((_, id, tactic), e) in &of_domain {
            let comment = if flows.len() == 1 {
                e.actions
                    .values()
                    .flatten()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("; ")
            } else {
                e.actions
                    .iter()
                    .map(|(fi, names)| format!("{}: {}", flow_names[*fi], names.join("; ")))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            let mut t = Map::new();
            t.insert("techniqueID".into(), json!(id));
            if let Some(tac) = tactic {
                t.insert("tactic".into(), json!(tac));
            }
            t.insert("score".into(), json!(e.flows.len()));
            t.insert("color".into(), json!(""));
            t.insert("comment".into(), json!(comment));
            t.insert("enabled".into(), json!(true));
            t.insert("metadata".into(), json!([]));
            t.insert("links".into(), json!([]));
            t.insert("showSubtechniques".into(), json!(false));
            techniques.push(Value::Object(t));
            if let Some(parent) = catalog.technique(id).and_then(|t| t.parent.as_deref()) {
                parents.insert((parent.to_string(), tactic.clone()));
            }
        }
        // Parents of used sub-techniques show them expanded.
        for (parent, tactic) in &parents {
            if with_entry.contains(&(parent.clone(), tactic.clone())) {
                for t in techniques.iter_mut() {
                    if t["techniqueID"] == json!(parent)
                        && t.get("tactic").and_then(Value::as_str) == tactic.as_deref()
                    {
                        t["showSubtechniques"] = json!(true);
                    }
                }
                continue;
            }
            let mut t = Map::new();
            t.insert("techniqueID".into(), json!(parent));
            if let Some(tac) = tactic {
                t.insert("tactic".into(), json!(tac));
            }
            t.insert("enabled".into(), json!(true));
            t.insert("showSubtechniques".into(), json!(true));
            techniques.push(Value::Object(t));
        }
        let colors = ["#ffffffff", "#ffb74dff", "#e64a19ff"];
        let legend: Vec<Value> = if flows.len() == 1 {
            vec![json!({"label": "used in this flow", "color": gradient_at(1.0)})]
        } else {
            (1..=max_score)
                .filter(|k| max_score <= 6 || *k == 1 || *k == max_score || k % max_score.div_ceil(5) == 0)
                .map(|k| {
                    json!({
                        "label": format!("used in {k} flow{}", if k == 1 { "" } else { "s" }),
                        "color": gradient_at(k as f64 / max_score as f64),
                    })
                })
                .collect()
        };
        let description = if flows.len() == 1 {
            format!(
                "{} techniques of the attack flow \"{}\". Comments list the flow's actions. Made with afc render.",
                matrix.catalog(),
                flow_names[0]
            )
        } else {
            format!(
                "{} techniques of {} attack flows: {}. Score = number of flows that use the technique; \
                 comments list each flow's actions. Made with afc render.",
                matrix.catalog(),
                flows.len(),
                flow_names.join(", ")
            )
        };
        let versions = match matrix {
            Matrix::Attack(_) => {
                json!({"attack": version, "navigator": NAVIGATOR_VERSION, "layer": LAYER_VERSION})
            }
            Matrix::Atlas => json!({"navigator": ATLAS_NAVIGATOR_VERSION, "layer": ATLAS_LAYER_VERSION}),
        };
        let mut layer = json!({
            "name": name,
            "versions": versions,
            "domain": matrix.domain(),
            "description": description,
            "sorting": 3,
            "layout": {
                "layout": "side",
                "aggregateFunction": "max",
                "showID": true,
                "showName": true,
                "showAggregateScores": false,
                "countUnscored": false,
                "expandedSubtechniques": "annotated"
            },
            "hideDisabled": false,
            "techniques": techniques,
            "gradient": {"colors": colors, "minValue": 0, "maxValue": max_score},
            "legendItems": legend,
            "metadata": flow_names.iter().map(|n| json!({"name": "flow", "value": n})).collect::<Vec<_>>(),
            "links": [],
            "showTacticRowBackground": false,
            "tacticRowBackground": "#dddddd",
            "selectTechniquesAcrossTactics": true,
            "selectSubtechniquesWithParent": false,
            "selectVisibleTechniques": false
        });
        if matrix == Matrix::Atlas {
            // Not in layer format 4.3.
            if let Some(l) = layer.as_object_mut() {
                l.remove("selectVisibleTechniques");
            }
            if let Some(l) = layer.get_mut("layout").and_then(Value::as_object_mut) {
                l.remove("expandedSubtechniques");
            }
        }
        layers.push(Layer {
            domain: matrix.domain(),
            matrix: matrix.name(),
            json: layer,
        });
    }
    Layers { layers, notes }
}

/// The colour of the layer gradient (white, orange, deep orange) at `t` in 0..=1.
fn gradient_at(t: f64) -> String {
    let stops = [(0xff, 0xff, 0xff), (0xff, 0xb7, 0x4d), (0xe6, 0x4a, 0x19)];
    let t = t.clamp(0.0, 1.0) * 2.0;
    let i = (t.floor() as usize).min(1);
    let u = t - i as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * u).round() as u8;
    let (a, b) = (stops[i], stops[i + 1]);
    format!("#{:02x}{:02x}{:02x}", mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradient_runs_from_white_to_deep_orange() {
        assert_eq!(gradient_at(0.0), "#ffffff");
        assert_eq!(gradient_at(0.5), "#ffb74d");
        assert_eq!(gradient_at(1.0), "#e64a19");
    }
}
