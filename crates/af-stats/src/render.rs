//! [`Stats`] as a terminal table, CSV, JSON or Markdown. Tables for people show the `top`
//! entries of each list; CSV and JSON hold every entry.

use crate::{Count, Stats};
use af_catalog::Catalog;
use serde_json::{json, Value};
use std::fmt::Write as _;

/// One row of a section: its key (an id, a pair `A -> B`, a sequence, a type), a name for
/// people, and its count.
struct Row {
    key: String,
    name: String,
    count: Count,
}

/// One section of the report.
struct Section {
    /// Machine name (`techniques`, …), also the CSV `section` column.
    id: &'static str,
    /// Heading for people.
    title: String,
    /// What `flows` and `total` count here.
    columns: (&'static str, &'static str),
    rows: Vec<Row>,
}

fn technique_name(catalog: &Catalog, id: &str) -> String {
    catalog.technique(id).map(|t| t.full_name()).unwrap_or_default()
}

fn sections(s: &Stats, catalog: &Catalog) -> Vec<Section> {
    let seq = |ids: &[String]| ids.join(" -> ");
    let seq_name = |ids: &[String]| {
        ids.iter()
            .map(|i| {
                let n = technique_name(catalog, i);
                if n.is_empty() {
                    i.clone()
                } else {
                    n
                }
            })
            .collect::<Vec<_>>()
            .join(" → ")
    };
    let mut out = vec![
        Section {
            id: "techniques",
            title: "Techniques".into(),
            columns: ("flows", "actions"),
            rows: Stats::ranked(&s.techniques)
                .into_iter()
                .map(|(k, count)| Row {
                    name: technique_name(catalog, &k),
                    key: k,
                    count,
                })
                .collect(),
        },
        Section {
            id: "tactics",
            title: "Tactics".into(),
            columns: ("flows", "actions"),
            rows: Stats::ranked(&s.tactics)
                .into_iter()
                .map(|(k, count)| Row {
                    name: catalog.tactic(&k).map(|t| t.name.to_string()).unwrap_or_default(),
                    key: k,
                    count,
                })
                .collect(),
        },
        Section {
            id: "transitions",
            title: "Transitions".into(),
            columns: ("flows", "times"),
            rows: Stats::ranked(&s.transitions)
                .into_iter()
                .map(|((a, b), count)| {
                    let pair = [a, b];
                    Row {
                        key: seq(&pair),
                        name: seq_name(&pair),
                        count,
                    }
                })
                .collect(),
        },
    ];
    for len in 3..=crate::MAX_SEQUENCE {
        out.push(Section {
            id: match len {
                3 => "sequences-3",
                _ => "sequences-4",
            },
            title: format!("Sequences of {len} techniques"),
            columns: ("flows", "flows"),
            rows: s
                .sequences_of(len)
                .into_iter()
                .map(|(k, count)| Row {
                    key: seq(&k),
                    name: seq_name(&k),
                    count,
                })
                .collect(),
        });
    }
    let mut scopes: Vec<(&String, &usize)> = s.scopes.iter().collect();
    scopes.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    out.push(Section {
        id: "scopes",
        title: "Scopes".into(),
        columns: ("flows", "flows"),
        rows: scopes
            .into_iter()
            .map(|(k, n)| Row {
                key: k.clone(),
                name: String::new(),
                count: Count { flows: *n, total: *n },
            })
            .collect(),
    });
    let mut types = Stats::ranked(&s.types);
    types.sort_by(|a, b| b.1.total.cmp(&a.1.total).then(a.0.cmp(&b.0)));
    out.push(Section {
        id: "types",
        title: "Object types".into(),
        columns: ("flows", "objects"),
        rows: types
            .into_iter()
            .map(|(k, count)| Row {
                key: k,
                name: String::new(),
                count,
            })
            .collect(),
    });
    out
}

fn headline(s: &Stats) -> String {
    let objects: usize = s.types.values().map(|c| c.total).sum();
    let actions = s.types.get("attack-action").map_or(0, |c| c.total);
    format!(
        "{} flows, {objects} objects, {actions} actions, {} techniques, {} tactics",
        s.flows,
        s.techniques.len(),
        s.tactics.len()
    )
}

/// Text for people: each section's `top` entries in aligned columns.
pub fn table(s: &Stats, catalog: &Catalog, top: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", headline(s));
    for sec in sections(s, catalog) {
        let shown = sec.rows.len().min(top);
        let _ = writeln!(out, "\n{} ({} of {})", sec.title, shown, sec.rows.len());
        if shown == 0 {
            continue;
        }
        let rows = &sec.rows[..shown];
        let kw = rows
            .iter()
            .map(|r| r.key.chars().count())
            .max()
            .unwrap_or(0)
            .max(4);
        let same = sec.columns.0 == sec.columns.1;
        if same {
            let _ = writeln!(out, "  {:<kw$}  {:>7}", "", sec.columns.0);
        } else {
            let _ = writeln!(out, "  {:<kw$}  {:>7}  {:>7}", "", sec.columns.0, sec.columns.1);
        }
        for r in rows {
            let name = crate::render::shorten(&r.name, 70);
            let line = if same {
                format!("  {:<kw$}  {:>7}  {name}", r.key, r.count.flows)
            } else {
                format!(
                    "  {:<kw$}  {:>7}  {:>7}  {name}",
                    r.key, r.count.flows, r.count.total
                )
            };
            let _ = writeln!(out, "{}", line.trim_end());
        }
    }
    out
}

pub(crate) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Every entry of every section as CSV: `section,key,name,flows,total`.
pub fn csv(s: &Stats, catalog: &Catalog) -> String {
    let mut out = String::from("section,key,name,flows,total\n");
    for sec in sections(s, catalog) {
        for r in &sec.rows {
            let _ = writeln!(
                out,
                "{},{},{},{},{}",
                sec.id,
                csv_field(&r.key),
                csv_field(&r.name),
                r.count.flows,
                r.count.total
            );
        }
    }
    out
}

/// Every entry as one JSON document: `flows`, then one array per section of
/// `{key, name, flows, total}` (sequences also with `techniques`).
pub fn json(s: &Stats, catalog: &Catalog) -> String {
    let mut doc = serde_json::Map::new();
    doc.insert("flows".into(), json!(s.flows));
    doc.insert(
        "objects".into(),
        json!(s.types.values().map(|c| c.total).sum::<usize>()),
    );
    for sec in sections(s, catalog) {
        let rows: Vec<Value> = sec
            .rows
            .iter()
            .map(|r| {
                let mut v = json!({"key": r.key, "flows": r.count.flows, "total": r.count.total});
                if !r.name.is_empty() {
                    v["name"] = json!(r.name);
                }
                if r.key.contains(" -> ") {
                    v["techniques"] = json!(r.key.split(" -> ").collect::<Vec<_>>());
                }
                v
            })
            .collect();
        doc.insert(sec.id.replace('-', "_"), Value::Array(rows));
    }
    let mut text = serde_json::to_string_pretty(&Value::Object(doc)).unwrap_or_default();
    text.push('\n');
    text
}

fn md(text: &str) -> String {
    text.replace('|', "\\|").replace('<', "&lt;").replace('>', "&gt;")
}

/// Markdown tables of each section's `top` entries.
pub fn markdown(s: &Stats, catalog: &Catalog, top: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Attack flow statistics\n\n{}.", headline(s));
    for sec in sections(s, catalog) {
        let shown = sec.rows.len().min(top);
        let _ = writeln!(out, "\n### {} (top {shown} of {})\n", sec.title, sec.rows.len());
        if shown == 0 {
            let _ = writeln!(out, "None.");
            continue;
        }
        let same = sec.columns.0 == sec.columns.1;
        if same {
            let _ = writeln!(out, "| | name | {} |\n|---|---|---:|", sec.columns.0);
        } else {
            let _ = writeln!(
                out,
                "| | name | {} | {} |\n|---|---|---:|---:|",
                sec.columns.0, sec.columns.1
            );
        }
        for r in &sec.rows[..shown] {
            if same {
                let _ = writeln!(out, "| `{}` | {} | {} |", md(&r.key), md(&r.name), r.count.flows);
            } else {
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {} | {} |",
                    md(&r.key),
                    md(&r.name),
                    r.count.flows,
                    r.count.total
                );
            }
        }
    }
    out
}
