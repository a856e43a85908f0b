//! Hover: a technique or tactic (name, catalog, tactics, platforms, status, link), a node
//! name (kind, title, what points to it and where it points), a property key (its doc), a
//! node kind.

use crate::completion::{category_name, describe_kind, nested_keys, sugar_keys};
use crate::context::OwnerType;
use crate::snapshot::Snapshot;
use af_catalog::{Catalog, Technique};
use af_compile::model::{within, Owner, Role};
use af_stix::language::kind_word as kind_word_of;
use af_syntax::{Block, Item, Key, Span, Value, ValueKind};
use std::fmt::Write;

/// Hover text (markdown) and the range it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoverInfo {
    /// Markdown.
    pub markdown: String,
    /// The word the text is about.
    pub span: Span,
}

/// The hover at byte `offset`, if there is something to say.
pub fn hover(snap: &Snapshot, offset: usize) -> Option<HoverInfo> {
    let m = &snap.model;
    // A technique id after an action's name.
    for n in &m.nodes {
        if let Some(w) = &n.word {
            if within(&w.span, offset) && n.stix_type.as_deref() == Some("attack-action") {
                let md = technique_markdown(snap.catalog(), &w.text)?;
                return Some(HoverInfo {
                    markdown: md,
                    span: w.span.clone(),
                });
            }
            let kind = n
                .stix_type
                .as_deref()
                .and_then(af_catalog::ObjectKind::of_stix_type);
            if let (true, Some(kind)) = (within(&w.span, offset), kind) {
                let o = snap.catalog().find_object(&[kind], &w.text)?;
                return Some(HoverInfo {
                    markdown: attack_object_markdown(o),
                    span: w.span.clone(),
                });
            }
        }
    }
    if let Some((name, span)) = m.name_at(offset) {
        return Some(HoverInfo {
            markdown: node_markdown(snap, name),
            span,
        });
    }
    if let Some((_, n)) = m.node_containing(offset) {
        if within(&n.kind_span, offset) {
            return Some(HoverInfo {
                markdown: kind_markdown(&n.kind, n.stix_type.as_deref()),
                span: n.kind_span.clone(),
            });
        }
    }
    key_or_value_at(snap, offset)
}

/// Markdown for an ATT&CK group, software, campaign or mitigation.
pub fn attack_object_markdown(o: &af_catalog::AttackObject) -> String {
    let mut s = format!("**{}** — {}\n\nATT&CK {}", o.id, o.name, o.kind);
    if let Some(t) = o.stix_type() {
        let _ = write!(s, " (`{t}`)");
    }
    s.push_str("  \n");
    if !o.aliases.is_empty() {
        let aliases: Vec<&str> = o.aliases.iter().map(AsRef::as_ref).collect();
        let _ = writeln!(s, "aliases: {}  ", aliases.join(", "));
    }
    let _ = writeln!(s, "status: {}", o.status);
    let url = o.url();
    let _ = write!(s, "\n[{url}]({url})");
    s
}

/// Markdown for a technique id; `None` when the catalogs do not know it.
pub fn technique_markdown(catalog: &Catalog, id: &str) -> Option<String> {
    let t = catalog.technique(id)?;
    let mut s = format!("**{}** — {}\n\n", t.id, t.full_name());
    let domains: Vec<String> = t.domains.iter().map(ToString::to_string).collect();
    if domains.is_empty() {
        let _ = writeln!(s, "{} technique  ", t.catalog);
    } else {
        let _ = writeln!(s, "{} technique ({})  ", t.catalog, domains.join(", "));
    }
    if !t.tactics.is_empty() {
        let _ = writeln!(s, "tactics: {}  ", tactic_list(catalog, t));
    }
    if !t.platforms.is_empty() {
        let _ = writeln!(s, "platforms: {}  ", t.platforms.join(", "));
    }
    let _ = writeln!(s, "status: {}", t.status);
    if let Some(url) = t.url() {
        let _ = write!(s, "\n[{url}]({url})");
    }
    Some(s)
}

fn tactic_list(catalog: &Catalog, t: &Technique) -> String {
    t.tactics
        .iter()
        .map(
            |id| match catalog.tactic_for(t, id).or_else(|| catalog.tactic(id)) {
                Some(tac) => format!("{} ({})", tac.name, tac.id),
                None => id.to_string(),
            },
        )
        .collect::<Vec<_>>()
        .join(", ")
}

/// Markdown for a tactic id or short name; `None` when unknown.
pub fn tactic_markdown(catalog: &Catalog, id: &str) -> Option<String> {
    let t = catalog.tactic(id)?;
    let mut s = format!("**{}** — {}\n\n{} tactic", t.id, t.name, t.catalog);
    if t.domain != af_catalog::Domain::None {
        let _ = write!(s, " ({})", t.domain);
    }
    if t.deprecated {
        s.push_str("  \nstatus: deprecated");
    }
    if let Some(url) = t.url() {
        let _ = write!(s, "\n\n[{url}]({url})");
    }
    Some(s)
}

fn node_markdown(snap: &Snapshot, name: &str) -> String {
    let m = &snap.model;
    let mut s = String::new();
    match m.node(name) {
        Some((_, n)) => {
            let _ = write!(s, "**{}** `{}`", n.kind, n.name);
            if let Some(t) = &n.stix_type {
                if t != &n.kind {
                    let _ = write!(s, " (`{t}`)");
                }
            }
            s.push_str("\n\n");
            if let Some(title) = &n.title {
                let _ = writeln!(s, "\"{title}\"\n");
            }
            if let Some(w) = &n.word {
                if n.stix_type.as_deref() == Some("attack-action") {
                    match snap.catalog().technique(&w.text) {
                        Some(t) => {
                            let _ = writeln!(s, "technique {} — {}\n", t.id, t.full_name());
                        }
                        None => {
                            let _ = writeln!(s, "technique {}\n", w.text);
                        }
                    }
                }
            }
        }
        None => {
            let _ = write!(s, "`{name}` is not declared\n\n");
        }
    }
    // Where it points: its edges out and the refs in its own block.
    let mut out: Vec<String> = Vec::new();
    let mut incoming: Vec<String> = Vec::new();
    for e in &m.edges {
        let (from, to) = (&m.refs[e.from], &m.refs[e.to]);
        let arrow = match &e.label {
            Some(l) => format!("-[{l}]->"),
            None => "->".to_string(),
        };
        if from.name == name {
            out.push(format!("`{arrow} {}`", to.name));
        }
        if to.name == name {
            incoming.push(format!("`{} {arrow}`", from.name));
        }
    }
    let me = m.node(name).map(|(i, _)| i);
    for r in &m.refs {
        let Role::Property { owner, key } = &r.role else {
            continue;
        };
        if me.is_some_and(|i| *owner == Owner::Node(i)) {
            out.push(format!("`{}` ({key})", r.name));
        }
        if r.name == name {
            let from = match owner {
                Owner::Flow => "the flow".to_string(),
                Owner::Node(i) => format!("`{}`", m.owner_name(Owner::Node(*i))),
                Owner::Edge(_) => "a relationship".to_string(),
            };
            incoming.push(format!("{from} ({key})"));
        }
    }
    if !out.is_empty() {
        let _ = writeln!(s, "points to: {}  ", out.join(", "));
    }
    if !incoming.is_empty() {
        let _ = writeln!(s, "pointed at by: {}", incoming.join(", "));
    }
    if out.is_empty() && incoming.is_empty() {
        s.push_str("not connected to anything yet");
    }
    s.trim_end().to_string()
}

fn kind_markdown(kind: &str, stix_type: Option<&str>) -> String {
    match stix_type {
        Some(t) => {
            let family = af_stix::types::type_info(t).map_or("custom object", |i| category_name(i.category));
            if kind_word_of(t) != t {
                format!("**{kind}**: `{t}`, {family}")
            } else {
                format!("**{kind}**: {family}")
            }
        }
        None => format!("**{kind}**: not a kind afc knows"),
    }
}

/// The owner type and block entries of every block in the file, to find keys under the cursor.
fn key_or_value_at(snap: &Snapshot, offset: usize) -> Option<HoverInfo> {
    let item = snap
        .file
        .items
        .iter()
        .find(|it| it.span().start <= offset && offset <= it.span().end)?;
    let (owner, block) = match item {
        Item::Flow(f) => (OwnerType::Stix("attack-flow".into()), f.body.as_ref()?),
        Item::Node(n) => {
            let t = af_stix::language::kind_type(&n.kind.text)
                .map_or_else(|_| n.kind.text.to_string(), |t| t.into_owned());
            (OwnerType::Stix(t), n.body.as_ref()?)
        }
        Item::Edge(e) => (OwnerType::Stix("relationship".into()), e.body.as_ref()?),
    };
    find_in_block(snap, &owner, block, offset)
}

fn find_in_block(snap: &Snapshot, owner: &OwnerType, block: &Block, offset: usize) -> Option<HoverInfo> {
    for p in &block.entries {
        if within(&p.key.span, offset) {
            return key_doc(owner, &p.key).map(|md| HoverInfo {
                markdown: md,
                span: p.key.span.clone(),
            });
        }
        let Some(v) = &p.value else { continue };
        if !within(&v.span, offset) {
            continue;
        }
        return value_hover(snap, owner, &p.key.text, v, offset);
    }
    None
}

fn value_hover(snap: &Snapshot, owner: &OwnerType, key: &str, v: &Value, offset: usize) -> Option<HoverInfo> {
    match &v.kind {
        ValueKind::Word(w) => {
            let md = match (owner, key) {
                (OwnerType::Stix(t), "tactic") if t == "attack-action" => tactic_markdown(snap.catalog(), w)?,
                (OwnerType::Stix(_), "tactic_id") => tactic_markdown(snap.catalog(), w)?,
                (OwnerType::Stix(_), "technique_id") => technique_markdown(snap.catalog(), w)?,
                (_, "confidence") => {
                    let n = af_stix::confidence::term_value(w)?;
                    format!("`{w}` = confidence {n}")
                }
                _ => return None,
            };
            Some(HoverInfo {
                markdown: md,
                span: v.span.clone(),
            })
        }
        ValueKind::Str(s) if key == "technique_id" || key == "tactic_id" => {
            let md = if key == "technique_id" {
                technique_markdown(snap.catalog(), &s.value)?
            } else {
                tactic_markdown(snap.catalog(), &s.value)?
            };
            Some(HoverInfo {
                markdown: md,
                span: v.span.clone(),
            })
        }
        ValueKind::List(items) => items
            .iter()
            .find(|i| within(&i.span, offset))
            .and_then(|i| value_hover(snap, owner, key, i, offset)),
        ValueKind::Map(block) => find_in_block(snap, &nested_owner(owner, key), block, offset),
        ValueKind::Titled(inner, block) => {
            if within(&inner.span, offset) {
                return value_hover(snap, owner, key, inner, offset);
            }
            find_in_block(snap, &nested_owner(owner, key), block, offset)
        }
        _ => None,
    }
}

fn nested_owner(parent: &OwnerType, key: &str) -> OwnerType {
    if let OwnerType::Stix(t) = parent {
        if let Some(block_type) = af_stix::language::sugar(t, key).and_then(|s| s.block_type) {
            return OwnerType::Stix(block_type.into());
        }
    }
    match key {
        "external_references" => OwnerType::ExternalReference,
        "kill_chain_phases" => OwnerType::KillChainPhase,
        "granular_markings" => OwnerType::GranularMarking,
        "hashes" => OwnerType::Hashes,
        _ => OwnerType::Unknown,
    }
}

fn key_doc(owner: &OwnerType, key: &Key) -> Option<String> {
    let k = key.text.as_str();
    match owner {
        OwnerType::Stix(t) => {
            if let Some((_, doc)) = sugar_keys(t).iter().find(|(s, _)| *s == k) {
                return Some(format!("**{k}** (afc)\n\n{doc}"));
            }
            let p = af_stix::types::property(t, k)?;
            Some(format!("**{k}**: {}\n\n{}", describe_kind(&p.kind), p.doc))
        }
        OwnerType::Hashes => Some(format!("**{k}**: a hash value")),
        other => nested_keys(other)
            .iter()
            .find(|(s, _)| *s == k)
            .map(|(_, doc)| format!("**{k}**\n\n{doc}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hover_at(src: &str) -> Option<HoverInfo> {
        let offset = src.find("$0").unwrap_or(src.len());
        let text = src.replacen("$0", "", 1);
        hover(&Snapshot::with_defaults(&text), offset)
    }

    #[test]
    fn attack_object_hover() {
        let h = hover_at("malware m S01$054")
            .map(|h| h.markdown)
            .unwrap_or_default();
        assert!(h.contains("**S0154** — Cobalt Strike"), "{h}");
        assert!(h.contains("https://attack.mitre.org/software/S0154/"), "{h}");
        let g = hover_at("intrusion-set g G00$016")
            .map(|h| h.markdown)
            .unwrap_or_default();
        assert!(g.contains("APT29") && g.contains("aliases:"), "{g}");
    }

    #[test]
    fn technique_hover_has_name_catalog_tactics_platforms_status_link() {
        let h = hover_at("action x T15$066.002")
            .map(|h| h.markdown)
            .unwrap_or_default();
        assert!(h.contains("Phishing: Spearphishing Link"), "{h}");
        assert!(h.contains("ATT&CK technique (enterprise"), "{h}");
        assert!(h.contains("Initial Access (TA0001)"), "{h}");
        assert!(h.contains("platforms:") && h.contains("Windows"), "{h}");
        assert!(h.contains("status: active"), "{h}");
        assert!(
            h.contains("https://attack.mitre.org/techniques/T1566/002/"),
            "{h}"
        );
        let revoked = hover_at("action x T10$073")
            .map(|h| h.markdown)
            .unwrap_or_default();
        assert!(revoked.contains("revoked"), "{revoked}");
        assert!(hover_at("action x T99$0999").is_none());
    }

    #[test]
    fn node_hover_shows_both_directions() {
        let src = "action a$0 T1566 \"Phish\" { asset_refs: [h] }\nasset h \"Host\"\ncondition c \"C\"\na -> c\nc -[false]-> a\n";
        let h = hover_at(src).map(|h| h.markdown).unwrap_or_default();
        assert!(h.starts_with("**action** `a` (`attack-action`)"), "{h}");
        assert!(h.contains("\"Phish\""), "{h}");
        assert!(h.contains("points to: `-> c`, `h` (asset_refs)"), "{h}");
        assert!(h.contains("pointed at by: `c -[false]->`"), "{h}");
        let h = hover_at("action a T1 { asset_refs: [h$0] }\nasset h \"Host\"")
            .map(|h| h.markdown)
            .unwrap_or_default();
        assert!(h.contains("pointed at by: `a` (asset_refs)"), "{h}");
    }

    #[test]
    fn key_hover_shows_the_doc() {
        let h = hover_at("action a T1 { asset_r$0efs: [h] }")
            .map(|h| h.markdown)
            .unwrap_or_default();
        assert!(h.starts_with("**asset_refs**: list of names of asset"), "{h}");
        let h = hover_at("action a T1 { tac$0tic: TA0001 }")
            .map(|h| h.markdown)
            .unwrap_or_default();
        assert!(h.contains("(afc)"), "{h}");
        let h = hover_at("action a T1 { tactic: TA00$001 }")
            .map(|h| h.markdown)
            .unwrap_or_default();
        assert!(h.contains("Initial Access"), "{h}");
        let h = hover_at("flow \"F\" { author: \"J\" { identity_cl$0ass: individual } }")
            .map(|h| h.markdown)
            .unwrap_or_default();
        assert!(h.starts_with("**identity_class**"), "{h}");
    }
}
