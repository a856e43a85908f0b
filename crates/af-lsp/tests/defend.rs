//! The defender's view through the protocol: coverage and mitigations on hover, undetected
//! choke points as code lenses, detections read again when their files change, hostile
//! detection files, suggested techniques first in completion and on the flow header.

mod common;

use common::{apply_edits, fixture, pos_of, uri, Client};
use serde_json::{json, Value};
use std::path::PathBuf;

/// A chain: phish → run → encrypt; encrypt is the goal, phish and run are choke points.
const FLOW: &str = "flow \"Defend\" {\n  scope: incident\n  created: 2026-03-02T14:00:00Z\n}\n\
action phish T1566.001 \"Spearphishing attachment\"\n\
action run T1204.002 \"The user opens it\"\n\
action encrypt T1486 \"Files encrypted\"\n\
phish -> run -> encrypt\n";

/// A scratch folder, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("af-lsp-defend-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        Scratch(dir)
    }
    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, text).expect("write");
        p
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn file_uri(p: &std::path::Path) -> String {
    format!("file://{}", p.display())
}

async fn lenses(c: &mut Client, name: &str) -> Vec<(u64, String)> {
    let r = c
        .call(
            "textDocument/codeLens",
            json!({ "textDocument": { "uri": uri(name) } }),
        )
        .await;
    r.as_array()
        .into_iter()
        .flatten()
        .map(|l| {
            (
                l["range"]["start"]["line"].as_u64().unwrap_or(0),
                l["command"]["title"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

async fn hover_at(c: &mut Client, name: &str, text: &str, needle: &str) -> String {
    let at = text.find(needle).expect("needle");
    let h = c
        .call("textDocument/hover", Client::at(name, &pos_of(text, at + 1)))
        .await;
    h["contents"]["value"].as_str().unwrap_or_default().to_string()
}

/// The hover once the settings sent at initialization are in force (they are read in the
/// background while the document opens): asked again until it has coverage, a few seconds
/// at most.
async fn covered_hover(c: &mut Client, name: &str, text: &str, needle: &str) -> String {
    let mut h = String::new();
    for _ in 0..200 {
        h = hover_at(c, name, text, needle).await;
        if h.contains("Detection coverage") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    h
}

#[tokio::test]
async fn hover_shows_coverage_choke_points_and_mitigations() {
    let dir = Scratch::new("hover");
    let sigma = dir.0.join("sigma");
    std::fs::create_dir_all(&sigma).expect("dir");
    std::fs::write(
        sigma.join("phish.yml"),
        "title: Office spawns a script host\nid: 1\nstatus: stable\ntags:\n  - attack.t1566.001\n",
    )
    .expect("rule");
    let mut c = Client::initialized(json!({ "afc": { "detections": [sigma.display().to_string()] } })).await;
    c.open("d.af", FLOW).await;
    let phish = covered_hover(&mut c, "d.af", FLOW, "phish T1566").await;
    assert!(phish.contains("**Detection coverage:** detected"), "{phish}");
    assert!(phish.contains("Office spawns a script host"), "{phish}");
    assert!(phish.contains("**Choke point** of `encrypt`"), "{phish}");
    assert!(phish.contains("**Mitigations**"), "{phish}");
    // Used in an edge statement, the name tells the same.
    let run_use = hover_at(&mut c, "d.af", FLOW, "run -> encrypt").await;
    assert!(
        run_use.contains("**Detection coverage:** undetected"),
        "{run_use}"
    );
    // The one undetected choke point has a lens; phish (detected) and the goal do not.
    let line_of = |needle: &str| FLOW[..FLOW.find(needle).expect("needle")].matches('\n').count() as u64;
    assert_eq!(
        lenses(&mut c, "d.af").await,
        vec![(
            line_of("action run"),
            "undetected choke point: every way to `encrypt` passes here".to_string()
        )]
    );
}

#[tokio::test]
async fn without_detections_hover_and_lenses_are_as_before() {
    let mut c = Client::initialized(json!(null)).await;
    c.open("d.af", FLOW).await;
    let h = hover_at(&mut c, "d.af", FLOW, "phish T1566").await;
    assert!(
        !h.contains("Detection coverage") && !h.contains("Mitigations"),
        "{h}"
    );
    assert!(lenses(&mut c, "d.af").await.is_empty());
}

#[tokio::test]
async fn detections_are_read_again_when_their_file_changes() {
    let dir = Scratch::new("reload");
    let list = dir.write("ids.txt", "T1566.001\n");
    let mut c = Client::initialized(json!({ "afc": { "detections": [list.display().to_string()] } })).await;
    c.open("d.af", FLOW).await;
    covered_hover(&mut c, "d.af", FLOW, "phish T1566").await;
    assert_eq!(lenses(&mut c, "d.af").await.len(), 1);
    // Now run is detected too, and phish is not: the lens moves.
    dir.write("ids.txt", "T1204.002 # user execution\n");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&list), "type": 2 }] }),
    )
    .await;
    let phish_line = FLOW[..FLOW.find("action phish").expect("phish")]
        .matches('\n')
        .count() as u64;
    let mut got = Vec::new();
    for _ in 0..200 {
        got = lenses(&mut c, "d.af").await;
        if got.first().map(|l| l.0) == Some(phish_line) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, phish_line, "{got:?}");
    // A change elsewhere is ignored (nothing to read again), and the server answers on.
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": "file:///elsewhere/x.yml", "type": 2 }] }),
    )
    .await;
    assert_eq!(lenses(&mut c, "d.af").await.len(), 1);
}

#[tokio::test]
async fn hostile_detection_files_are_reported_and_the_rest_is_used() {
    let dir = Scratch::new("hostile");
    dir.write("broken.yml", "title: [unclosed\ntags: {\n");
    dir.write("untagged.yml", "title: No tags at all\nstatus: stable\n");
    dir.write("ok.yml", "title: User execution\ntags: [attack.t1204.002]\n");
    let mut c = Client::initialized(json!({ "afc": { "detections": [dir.0.display().to_string()] } })).await;
    let msg = c
        .notification("window/showMessage", |p| {
            p["message"].as_str().is_some_and(|m| m.contains("problem"))
        })
        .await;
    assert!(
        msg["message"].as_str().unwrap_or_default().contains("broken.yml"),
        "{msg}"
    );
    c.open("d.af", FLOW).await;
    let run = covered_hover(&mut c, "d.af", FLOW, "run T1204").await;
    assert!(run.contains("**Detection coverage:** detected"), "{run}");

    // A source that does not exist: an error message, and hover without coverage.
    let mut c = Client::initialized(json!({ "afc": { "detections": ["/no/such/rules"] } })).await;
    let msg = c.notification("window/showMessage", |p| p["type"] == 1).await;
    assert!(
        msg["message"]
            .as_str()
            .unwrap_or_default()
            .contains("/no/such/rules"),
        "{msg}"
    );
    c.open("d.af", FLOW).await;
    let h = hover_at(&mut c, "d.af", FLOW, "phish T1566").await;
    assert!(!h.contains("Detection coverage"), "{h}");
}

#[tokio::test]
async fn a_flow_without_a_goal_gets_no_coverage_and_no_error() {
    let dir = Scratch::new("nogoal");
    let list = dir.write("ids.txt", "T1566.001\n");
    let text = "flow \"Loop\" {\n  scope: incident\n  created: 2026-03-02T14:00:00Z\n}\n\
                action a T1566.001\naction b T1204.002\na -> b -> a\n";
    let mut c = Client::initialized(json!({ "afc": { "detections": [list.display().to_string()] } })).await;
    c.open("l.af", text).await;
    assert!(lenses(&mut c, "l.af").await.is_empty());
    let h = hover_at(&mut c, "l.af", text, "a T1566").await;
    assert!(!h.contains("Detection coverage"), "{h}");
}

fn observed_prediction(ids: &[&str]) -> Vec<String> {
    af_analyze::suggest::Model::embedded()
        .predict(ids)
        .into_iter()
        .map(|s| s.id)
        .collect()
}

#[tokio::test]
async fn technique_completion_puts_suggested_ids_first() {
    let mut c = Client::initialized(json!(null)).await;
    let (text, pos) = fixture(&format!("{FLOW}action next $0\n"));
    c.open("s.af", &text).await;
    let r = c.call("textDocument/completion", Client::at("s.af", &pos)).await;
    let items = r["items"].as_array().cloned().unwrap_or_default();
    let labels: Vec<&str> = items.iter().filter_map(|i| i["label"].as_str()).collect();
    let want = observed_prediction(&["T1566.001", "T1204.002", "T1486"]);
    assert_eq!(
        labels[..3],
        want.iter().map(String::as_str).collect::<Vec<_>>()[..3]
    );
    assert!(items[0]["detail"]
        .as_str()
        .unwrap_or_default()
        .contains("often reported with"));
    // The rest keep their order after them.
    assert!(labels.len() > 100);
}

#[tokio::test]
async fn the_flow_header_offers_suggested_techniques_as_actions_that_compile() {
    let mut c = Client::initialized(json!(null)).await;
    c.open("h.af", FLOW).await;
    let r = c
        .call(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri("h.af") },
                "range": { "start": pos_of(FLOW, 2), "end": pos_of(FLOW, 2) },
                "context": { "diagnostics": [] }
            }),
        )
        .await;
    let actions: Vec<Value> = r.as_array().cloned().unwrap_or_default();
    let want = observed_prediction(&["T1566.001", "T1204.002", "T1486"]);
    assert_eq!(actions.len(), 8, "{r}");
    let first = &actions[0];
    let title = first["title"].as_str().unwrap_or_default();
    assert!(title.starts_with(&format!("Add {} ", want[0])), "{title}");
    assert!(
        title.ends_with("(often reported with this flow's techniques)"),
        "{title}"
    );
    let edits = &first["edit"]["changes"][uri("h.af")];
    let after = apply_edits(FLOW, edits);
    assert!(after.ends_with(&format!(" {}\n", want[0])), "{after}");
    let compiled = af_compile::compile_str(&after, &Default::default());
    assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics);
    // Elsewhere than the header, no suggestion.
    let at = FLOW.find("phish ->").expect("edge");
    let r = c
        .call(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri("h.af") },
                "range": { "start": pos_of(FLOW, at), "end": pos_of(FLOW, at) },
                "context": { "diagnostics": [] }
            }),
        )
        .await;
    assert!(
        r.as_array().is_none_or(|a| a
            .iter()
            .all(|x| !x["title"].as_str().unwrap_or_default().starts_with("Add "))),
        "{r}"
    );
}
