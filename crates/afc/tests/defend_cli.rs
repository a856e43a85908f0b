//! `afc render --overlay` and `afc report`, run as the built binary: the marks land on the
//! right nodes and edges of hand-made flows, the briefing is written, and bad input or flag
//! combinations get clear errors and exit codes.

mod common;
use common::afc_at_root as afc;
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;

struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("afc-defend-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        Scratch(dir)
    }
    fn write(&self, name: &str, text: &str) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, text).unwrap_or_else(|e| panic!("{e}"));
        p.display().to_string()
    }
    fn path(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const HEAD: &str = "flow \"Overlay\" {\n  scope: incident\n  created: 2026-01-01T00:00:00Z\n}\n";

/// Two ways to `goal` through an OR: `x` (undetected) and `y` (detected).
const OR_FLOW: &str =
    "action x T1059.001\naction y T1190\noperator either OR\naction goal T1486\nx, y -> either -> goal\n";

/// The `.af` name of each STIX id (through `afc compile`, whose action names are the titles
/// here: each action's name is its `.af` name because the flow gives no titles).
fn names_by_id(file: &str) -> HashMap<String, String> {
    let run = afc(&["compile", file]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let bundle: Value = serde_json::from_str(&run.stdout).expect("bundle");
    let mut out = HashMap::new();
    for o in bundle["objects"].as_array().into_iter().flatten() {
        let id = o["id"].as_str().unwrap_or_default().to_string();
        let name = match o["type"].as_str() {
            Some("attack-action") => o["technique_id"].as_str().unwrap_or_default().to_string(),
            Some("attack-operator") => o["operator"].as_str().unwrap_or_default().to_string(),
            _ => continue,
        };
        out.insert(id, name);
    }
    out
}

/// Node marks (by technique id, or operator) and edge marks (`from->to`) in an SVG.
fn svg_marks(
    svg: &str,
    names: &HashMap<String, String>,
) -> (HashMap<String, String>, HashMap<String, String>) {
    let mut node_of_index = HashMap::new();
    let mut nodes = HashMap::new();
    for part in svg.split("<g class=\"node ").skip(1) {
        let head = part.split('>').next().unwrap_or_default();
        let attr = |a: &str| {
            head.split(&format!("{a}=\""))
                .nth(1)
                .and_then(|r| r.split('"').next())
                .unwrap_or_default()
                .to_string()
        };
        let name = names.get(&attr("data-stix-id")).cloned().unwrap_or_default();
        node_of_index.insert(attr("id"), name.clone());
        if let Some(mark) = head
            .split("mark-")
            .nth(1)
            .and_then(|m| m.split(['"', ' ']).next())
        {
            nodes.insert(name, mark.to_string());
        }
    }
    let mut edges = HashMap::new();
    for part in svg.split("<g class=\"edge ").skip(1) {
        let head = part.split('>').next().unwrap_or_default();
        let Some(mark) = head
            .split("mark-")
            .nth(1)
            .and_then(|m| m.split(['"', ' ']).next())
        else {
            continue;
        };
        let attr = |a: &str| {
            head.split(&format!("{a}=\""))
                .nth(1)
                .and_then(|r| r.split('"').next())
                .unwrap_or_default()
                .to_string()
        };
        let from = node_of_index.get(&attr("data-from")).cloned().unwrap_or_default();
        let to = node_of_index.get(&attr("data-to")).cloned().unwrap_or_default();
        edges.insert(format!("{from}->{to}"), mark.to_string());
    }
    (nodes, edges)
}

#[test]
fn the_coverage_overlay_marks_the_right_nodes_and_edges() {
    let dir = Scratch::new("coverage");
    let flow = dir.write("or.af", &format!("{HEAD}{OR_FLOW}"));
    let ids = dir.write("ids.txt", "T1190\n");
    let run = afc(&["render", &flow, "--overlay", "coverage", "--detections", &ids]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let (nodes, edges) = svg_marks(&run.stdout, &names_by_id(&flow));
    assert_eq!(nodes.get("T1190").map(String::as_str), Some("detected"));
    assert_eq!(nodes.get("T1059.001").map(String::as_str), Some("undetected"));
    assert_eq!(nodes.get("T1486").map(String::as_str), Some("undetected"));
    let mut e: Vec<(&String, &String)> = edges.iter().collect();
    e.sort();
    assert_eq!(
        e,
        [
            (&"OR->T1486".to_string(), &"undetected".to_string()),
            (&"T1059.001->OR".to_string(), &"undetected".to_string()),
        ]
    );
    assert!(run.stdout.contains("1 way no detection sees"), "legend title");

    // A chain: the undetected choke point is singled out.
    let chain = dir.write(
        "chain.af",
        &format!("{HEAD}action a T1566\naction b T1204\naction c T1486\na -> b -> c\n"),
    );
    let ids = dir.write("b.txt", "T1204\n");
    let run = afc(&["render", &chain, "--overlay", "coverage", "-d", &ids]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let (nodes, edges) = svg_marks(&run.stdout, &names_by_id(&chain));
    assert_eq!(nodes.get("T1566").map(String::as_str), Some("highlight"));
    assert_eq!(nodes.get("T1204").map(String::as_str), Some("detected"));
    assert!(edges.is_empty(), "{edges:?}");
    assert!(run.stdout.contains("undetected choke point"));
}

#[test]
fn the_paths_overlay_highlights_one_goal_and_png_works_too() {
    let dir = Scratch::new("paths");
    let flow = dir.write(
        "two.af",
        &format!("{HEAD}{OR_FLOW}action c T1021\naction other T1485\nc -> other\n"),
    );
    let run = afc(&["render", &flow, "--overlay", "paths", "--goal", "goal"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let (nodes, edges) = svg_marks(&run.stdout, &names_by_id(&flow));
    for n in ["T1059.001", "T1190", "OR", "T1486"] {
        assert_eq!(nodes.get(n).map(String::as_str), Some("highlight"), "{n}");
    }
    assert_eq!(nodes.get("T1021").map(String::as_str), Some("dim"));
    assert_eq!(nodes.get("T1485").map(String::as_str), Some("dim"));
    assert_eq!(edges.len(), 3, "{edges:?}");
    assert!(edges.values().all(|m| m == "highlight"));
    assert!(run.stdout.contains("2 ways to goal"));

    let png = dir.path("ways.png");
    let run = afc(&["render", &flow, "--overlay", "paths", "--to", "png", "-o", &png]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let bytes = std::fs::read(&png).expect("png");
    assert_eq!(&bytes[1..4], b"PNG");
}

#[test]
fn overlay_flags_that_do_not_fit_are_usage_errors() {
    let flow = "examples/ransomware-double-extortion.af";
    for (args, says) in [
        (vec!["--overlay", "coverage"], "needs --detections"),
        (
            vec!["--overlay", "paths", "--to", "mermaid"],
            "--to svg or --to png",
        ),
        (
            vec!["--overlay", "paths", "-d", "examples/sigma"],
            "not --overlay paths",
        ),
        (vec!["-d", "examples/sigma"], "go with --overlay"),
        (
            vec!["--overlay", "coverage", "-d", "no/such/rules"],
            "no such file or folder",
        ),
        (vec!["--overlay", "paths", "--goal", "nowhere"], "nowhere"),
    ] {
        let mut all = vec!["render", flow];
        all.extend(args.iter().copied());
        let run = afc(&all);
        assert_eq!(run.code, Some(2), "{all:?}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{all:?}: {}", run.stderr);
    }
}

#[test]
fn hostile_detections_and_a_flow_without_a_goal() {
    let dir = Scratch::new("hostile");
    let rules = dir.0.join("rules");
    std::fs::create_dir_all(&rules).expect("dir");
    std::fs::write(rules.join("broken.yml"), "title: [unclosed\ntags: {\n").expect("w");
    std::fs::write(rules.join("untagged.yml"), "title: No tags\nstatus: stable\n").expect("w");
    std::fs::write(rules.join("ok.yml"), "title: Exploit\ntags: [attack.t1190]\n").expect("w");
    let layer = dir.write(
        "mobile.json",
        r#"{"name":"m","domain":"mobile-attack","techniques":[{"techniqueID":"T1660","score":1}]}"#,
    );
    let flow = dir.write("or.af", &format!("{HEAD}{OR_FLOW}"));
    let rules_arg = rules.display().to_string();
    let run = afc(&[
        "render",
        &flow,
        "--overlay",
        "coverage",
        "-d",
        &rules_arg,
        "-d",
        &layer,
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains("broken.yml:") && run.stderr.contains("not valid YAML"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("1 without an ATT&CK technique tag"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("a mobile-attack layer"), "{}", run.stderr);
    let (nodes, _) = svg_marks(&run.stdout, &names_by_id(&flow));
    assert_eq!(nodes.get("T1190").map(String::as_str), Some("detected"));

    // Every action leads on: no goal, a clear error naming the way out, for both commands.
    let cycle = dir.write(
        "cycle.af",
        &format!("{HEAD}action a T1566\naction b T1204\na -> b -> a\n"),
    );
    for cmd in [
        vec!["render", &cycle, "--overlay", "paths"],
        vec!["report", &cycle],
    ] {
        let run = afc(&cmd);
        assert_eq!(run.code, Some(1), "{cmd:?}: {}", run.stderr);
        assert!(run.stderr.contains("--goal"), "{cmd:?}: {}", run.stderr);
    }
}

#[test]
fn report_writes_one_self_contained_page() {
    let dir = Scratch::new("report");
    let out = dir.path("brief.html");
    let run = afc(&[
        "report",
        "examples/ransomware-double-extortion.af",
        "examples/bec-invoice-fraud.af",
        "--detections",
        "examples/sigma",
        "--title",
        "Q1 <incidents>",
        "-o",
        &out,
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains("wrote "), "{}", run.stderr);
    let html = std::fs::read_to_string(&out).expect("html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<title>Q1 &lt;incidents&gt;</title>"));
    assert_eq!(html.matches("<article class=\"flow\"").count(), 2);
    assert_eq!(html.matches("<svg").count(), 2);
    assert!(html.contains("<h2>Detection coverage</h2>"));
    assert!(html.contains("TLP:AMBER") && html.contains("TLP:RED"));
    for external in ["src=\"http", "href=\"http", "<script", "<link", "@import"] {
        assert!(!html.contains(external), "{external}");
    }
    // To standard output without -o; no detections, no coverage section.
    let run = afc(&["report", "examples/bec-invoice-fraud.af", "--mitigations", "0"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("<h2>Timeline</h2>"));
    assert!(!run.stdout.contains("Detection coverage") && !run.stdout.contains("Mitigations that cut most"));
}
