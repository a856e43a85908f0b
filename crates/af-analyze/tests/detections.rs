//! Readers of detections on real and hostile input, and coverage matching rules.

use af_analyze::coverage::{self, Index, Level};
use af_analyze::detections::{parse_id_list, parse_layer, parse_sigma, parse_sigma_files, MinStatus, Rule};
use af_analyze::{FlowGraph, Object};
use af_catalog::Catalog;
use serde_json::json;

#[test]
fn a_sigma_rule_gives_its_technique_tags() {
    let text = "title: Test rule\nid: 1234\nstatus: stable\ntags:\n  - attack.execution\n  - attack.t1059.001\n  - attack.g0007\n  - attack.t1566\ndetection:\n  sel:\n    tags: [attack.t9999]\n  condition: sel\n";
    let rules = parse_sigma("r.yml", text).expect("rule");
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0].title, "Test rule");
    assert_eq!(rules[0].status.as_deref(), Some("stable"));
    assert_eq!(rules[0].techniques, vec!["T1059.001", "T1566"]);
}

#[test]
fn malformed_yaml_is_a_located_problem() {
    let err = parse_sigma("bad.yml", "title: x\ntags: [attack.t1059\n  - : :\n").expect_err("malformed");
    assert_eq!(err.file, "bad.yml");
    assert!(err.line.is_some());
    assert!(err.message.contains("not valid YAML"), "{err}");
}

#[test]
fn a_rule_without_tags_covers_nothing_and_is_kept() {
    let rules = parse_sigma("r.yml", "title: No tags\nstatus: test\n").expect("rule");
    assert!(rules[0].techniques.is_empty());
    assert!(parse_sigma("r.yml", "- just\n- a list\n").is_err());
    assert!(parse_sigma("r.yml", "").is_err());
}

#[test]
fn aliases_are_never_expanded() {
    // A "billion laughs" document: expanding it would take gigabytes.
    let mut text =
        String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    let mut prev = 'a';
    for c in 'b'..='k' {
        text.push_str(&format!(
            "{c}: &{c} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
        prev = c;
    }
    text.push_str("title: laughs\ntags: [attack.t1499]\n");
    let rules = parse_sigma("laughs.yml", &text).expect("rule");
    assert_eq!(rules[0].techniques, vec!["T1499"]);
    // Deep nesting does not overflow the stack.
    let deep = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
    let _ = parse_sigma("deep.yml", &deep);
}

#[test]
fn several_documents_and_parallel_reading_keep_order() {
    let files: Vec<(String, String)> = (0..50)
        .map(|i| {
            (
                format!("r{i}.yml"),
                format!("title: r{i}\ntags: [attack.t{:04}]\n---\ntitle: s{i}\n", 1000 + i),
            )
        })
        .collect();
    let results = parse_sigma_files(&files, 4);
    assert_eq!(results.len(), 50);
    for (i, r) in results.iter().enumerate() {
        let rules = r.as_ref().expect("rules");
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0].title, format!("r{i}"));
        assert_eq!(rules[0].techniques, vec![format!("T{:04}", 1000 + i)]);
    }
}

#[test]
fn layers_count_enabled_scored_techniques_and_refuse_other_domains() {
    let layer = json!({
        "name": "SOC", "domain": "enterprise-attack",
        "techniques": [
            {"techniqueID": "T1059.001", "score": 3},
            {"techniqueID": "T1566", "enabled": false, "score": 5},
            {"techniqueID": "T1190", "score": 0},
            {"techniqueID": "T1486"},
            {"techniqueID": "nonsense"},
            {"score": 1}
        ]
    });
    let read = parse_layer("l.json", &layer.to_string()).expect("layer");
    assert_eq!(read.rule.techniques, vec!["T1059.001", "T1486"]);
    assert_eq!(read.notes.len(), 2);
    let other = json!({"name": "x", "domain": "atlas", "techniques": []});
    let err = parse_layer("o.json", &other.to_string()).expect_err("domain");
    assert!(err.message.contains("not an ATT&CK domain"), "{err}");
    let mobile = json!({"name": "m", "domain": "mobile-attack", "techniques": [{"techniqueID": "T1660"}]});
    assert_eq!(
        parse_layer("m.json", &mobile.to_string()).map(|l| l.domain),
        Ok("mobile-attack".into())
    );
    assert!(parse_layer("x.json", "[1, 2]").is_err());
    assert!(parse_layer("x.json", "{\"domain\": \"enterprise-attack\"}").is_err());
    assert!(parse_layer("x.json", "{not json").is_err_and(|e| e.line == Some(1)));
}

#[test]
fn id_lists_keep_ids_and_locate_the_rest() {
    let (rule, problems) = parse_id_list("ids.txt", "# ours\nT1059.001, t1566\nT1486 bogus\n");
    assert_eq!(rule.techniques, vec!["T1059.001", "T1566", "T1486"]);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, Some(3));
}

#[test]
fn min_status() {
    assert!(!MinStatus::Experimental.admits(Some("deprecated")));
    assert!(MinStatus::Test.admits(Some("stable")));
}

fn rule(title: &str, techniques: &[&str]) -> Rule {
    Rule {
        title: title.into(),
        id: None,
        file: format!("{title}.yml"),
        status: None,
        techniques: techniques.iter().map(|t| t.to_string()).collect(),
    }
}

fn action(id: &str, technique: &str, next: &[&str]) -> Object {
    let v = json!({"type": "attack-action", "id": id, "name": id, "technique_id": technique, "effect_refs": next});
    v.as_object().cloned().expect("object")
}

#[test]
fn matching_is_exact_parent_partial_and_follows_renamed_ids() {
    let catalog = Catalog::embedded();
    // A revoked id with a replacement, from the catalog itself.
    let revoked = catalog
        .techniques()
        .find(|t| matches!(t.status, af_catalog::Status::Revoked { by: Some(_) }) && t.id.starts_with('T'))
        .expect("a revoked technique");
    let now = catalog.resolve(&revoked.id).expect("replacement").id.to_string();
    let objects = vec![
        action("x--1", "T1059.001", &["x--2"]),
        action("x--2", "T1059", &["x--3"]),
        action("x--3", "T1566.001", &["x--4"]),
        action("x--4", &now, &["x--5"]),
        action("x--5", "T1486", &[]),
    ];
    let g = FlowGraph::from_objects(&objects);
    let rules = vec![
        rule("on-parent-1059", &["T1059"]),
        rule("on-sub-1566-002", &["T1566.002"]),
        rule("renamed", &[&revoked.id]),
    ];
    let index = Index::new(&rules, catalog);
    assert_eq!(index.notes.len(), 1, "{:?}", index.notes);
    assert!(index.notes[0].contains(revoked.id.as_ref()));
    let cov = coverage::steps(&g, &index, catalog);
    let level = |id: &str| cov.iter().find(|s| g.steps[s.step].id == id).map(|s| s.level);
    assert_eq!(level("x--1"), Some(Level::Partial)); // parent rule on a sub-technique
    assert_eq!(level("x--2"), Some(Level::Detected)); // exact
    assert_eq!(level("x--3"), Some(Level::Undetected)); // a sibling sub-technique does not count
    assert_eq!(level("x--4"), Some(Level::Detected)); // via the catalog
    assert_eq!(level("x--5"), Some(Level::Undetected));
    let goal = g.goals(&[]).expect("goal");
    let flow = coverage::analyze(&g, &goal, &index, catalog, af_analyze::paths::DEFAULT_BUDGET);
    // x--2 is detected and on the only way: no undetected way.
    assert!(!flow.goals[0].undetected);
    assert!(flow.goals[0].undetected_ways.ways.is_empty());
    let uncovered: Vec<&str> = flow.goals[0]
        .uncovered_choke_points
        .iter()
        .map(|&i| g.steps[i].id.as_str())
        .collect();
    assert_eq!(uncovered, vec!["x--1", "x--3"]);
    // 2 detected, 1 partial of 5.
    assert_eq!(flow.score, Some(50.0));
}
