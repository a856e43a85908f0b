//! What `afc attack` (and the MCP server) show, decided here and not in the CLI: `show`'s
//! records and JSON shapes, the unknown-key wording, the search listing and its grouping.

use af_catalog::views::{self, Shown};
use af_catalog::{Catalog, Filter};
use serde_json::Value;

fn cat() -> &'static Catalog {
    Catalog::embedded()
}

fn json(v: &impl serde::Serialize) -> Value {
    serde_json::to_value(v).unwrap_or_else(|e| panic!("{e}"))
}

fn ids(v: &Value) -> Vec<&str> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x["id"].as_str())
        .collect()
}

#[test]
fn show_a_technique_by_id_is_the_technique_alone() {
    let Ok(shown) = views::show(cat(), " T1566.001 ") else {
        panic!("T1566.001 not found");
    };
    assert!(matches!(&shown, Shown::Technique(t) if t.id == "T1566.001"));
    let j = json(&shown);
    assert_eq!(j["id"], "T1566.001");
    assert_eq!(j["kind"], "technique");
    assert!(j.get("also").is_none(), "{j}");
}

#[test]
fn show_a_technique_name_lists_its_namesakes_under_also() {
    let Ok(shown) = views::show(cat(), "Phishing") else {
        panic!("Phishing not found");
    };
    let Shown::Techniques(list) = &shown else {
        panic!("{shown:?}");
    };
    let all: Vec<&str> = list.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(all.first(), Some(&"T1566"), "{all:?}");
    assert!(all.contains(&"T1660"), "{all:?}");
    let j = json(&shown);
    assert_eq!(j["id"], "T1566");
    assert_eq!(ids(&j["also"]), &all[1..]);
}

#[test]
fn show_objects_always_have_also_and_tactics_never() {
    let Ok(apt29) = views::show(cat(), "cozy bear") else {
        panic!("Cozy Bear not found");
    };
    let j = json(&apt29);
    assert_eq!(j["id"], "G0016");
    assert!(j["also"].as_array().is_some(), "{j}");
    let Ok(tactic) = views::show(cat(), "initial-access") else {
        panic!("initial-access not found");
    };
    let j = json(&tactic);
    assert_eq!(
        (j["kind"].as_str(), j["id"].as_str()),
        (Some("tactic"), Some("TA0001"))
    );
    assert!(j.get("also").is_none(), "{j}");
}

#[test]
fn unknown_keys_are_worded_once_with_suggestions() {
    let Err(id) = views::show(cat(), "T1566.0011") else {
        panic!("T1566.0011 found");
    };
    assert_eq!(id.to_string(), "unknown id `T1566.0011`");
    let Err(name) = views::show(cat(), "Cobalt Strik") else {
        panic!("Cobalt Strik found");
    };
    assert_eq!(name.to_string(), "unknown name `Cobalt Strik`");
    assert!(
        name.suggestions.iter().any(|s| s.id == "S0154"),
        "{:?}",
        name.suggestions
    );
    let j = json(&name);
    assert_eq!(j["error"], "unknown id");
    assert_eq!(j["id"], "Cobalt Strik");
}

#[test]
fn kind_labels_name_the_software_type() {
    assert_eq!(
        views::kind_label("software", Some("malware")),
        "software (malware)"
    );
    assert_eq!(views::kind_label("software", Some("tool")), "software (tool)");
    assert_eq!(views::kind_label("group", Some("intrusion-set")), "group");
    assert_eq!(views::kind_label("mitigation", None), "mitigation");
}

#[test]
fn search_hides_inactive_records_unless_asked_and_counts_them() {
    let filter = Filter::default();
    let all = views::search(cat(), "phishing", &filter, true, 0);
    let active = views::search(cat(), "phishing", &filter, false, 0);
    assert!(active.hits.iter().all(|h| h.record.is_active()));
    assert_eq!(active.found + active.hidden, all.found);
    assert_eq!(all.hidden, 0);
    assert_eq!(active.hits.len(), active.found);
    let limited = views::search(cat(), "phishing", &filter, false, 2);
    assert_eq!((limited.hits.len(), limited.found), (2, active.found));
    let none = views::search(cat(), "zzzzqqqq", &filter, true, 0);
    assert!(none.hits.is_empty() && none.found == 0 && none.hidden == 0);
}

#[test]
fn search_lists_subtechniques_right_after_their_parent() {
    let listing = views::search(cat(), "phishing", &Filter::default(), false, 0);
    let ids: Vec<&str> = listing.hits.iter().map(|h| h.record.id()).collect();
    let parent = ids
        .iter()
        .position(|i| *i == "T1566")
        .unwrap_or_else(|| panic!("{ids:?}"));
    let subs: Vec<&str> = ids[parent + 1..]
        .iter()
        .copied()
        .take_while(|i| i.starts_with("T1566."))
        .collect();
    assert!(subs.len() >= 3, "{ids:?}");
    let mut sorted = subs.clone();
    sorted.sort_unstable();
    assert_eq!(subs, sorted, "in id order");
    // No sub-technique of T1566 anywhere else in the list.
    let elsewhere = ids
        .iter()
        .enumerate()
        .filter(|(i, id)| id.starts_with("T1566.") && (*i <= parent || *i > parent + subs.len()))
        .count();
    assert_eq!(elsewhere, 0, "{ids:?}");
}
