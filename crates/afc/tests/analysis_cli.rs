//! `afc paths`, `afc coverage` and `afc suggest`, run as the built binary on the bundled
//! example flows and Sigma rules, on bundles and on hostile input; every output format of
//! `coverage` is checked (SARIF against the schema used for `afc check`).

mod common;
use common::{afc_at_root as afc, root};
use serde_json::Value;
use std::path::{Path, PathBuf};

const FLOW: &str = "examples/ransomware-double-extortion.af";
const RULES: &str = "examples/sigma";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("afc-analysis-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON: {e}\n{text}"))
}

#[test]
fn paths_of_the_ransomware_example() {
    let run = afc(&["paths", FLOW]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let out = &run.stdout;
    assert!(out.contains("goal extort (T1657): 2 ways"), "{out}");
    assert!(
        out.contains("backups_reachable [true] → wipe_backups (T1490)"),
        "{out}"
    );
    assert!(out.contains("backups_reachable [false]"), "{out}");
    assert!(
        out.contains("choke points: exploit_vpn (T1190), vpn_config_creds (T1552.001), rdp_jump (T1021.001)"),
        "{out}"
    );
    let run = afc(&["paths", FLOW, "--goal", "extort", "--format", "json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let doc = json(&run.stdout);
    let goal = &doc["flows"][0]["goals"][0];
    assert_eq!(goal["goal"]["name"], "extort");
    assert_eq!(goal["ways"]["count"], 2);
    assert_eq!(goal["search_cut_short"], false);
    let sets: Vec<Vec<String>> = goal["cut_sets"]
        .as_array()
        .expect("cut sets")
        .iter()
        .map(|s| {
            s.as_array()
                .expect("set")
                .iter()
                .map(|x| x["name"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .collect();
    // Single steps first; the two branches of the condition meet again at push_payload.
    assert_eq!(sets[0], vec!["exploit_vpn"]);
    assert!(sets.contains(&vec!["push_payload".to_string()]), "{sets:?}");
    assert!(sets.contains(&vec!["ad_discovery".to_string()]), "{sets:?}");
    assert!(
        sets.iter().all(|s| s.len() == 1),
        "every minimal cut here is one step: {sets:?}"
    );
}

#[test]
fn paths_reads_bundles_and_reports_bad_goals() {
    let dir = temp_dir("bundle");
    let bundle = dir.join("flow.json");
    let run = afc(&["compile", FLOW, "-o", &bundle.display().to_string()]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let from_source = json(&afc(&["paths", FLOW, "--format", "json"]).stdout);
    let from_bundle = json(&afc(&["paths", &bundle.display().to_string(), "--format", "json"]).stdout);
    let counts = |d: &Value| -> Vec<Value> {
        d["flows"][0]["goals"]
            .as_array()
            .expect("goals")
            .iter()
            .map(|g| g["ways"]["count"].clone())
            .collect()
    };
    assert_eq!(counts(&from_source), counts(&from_bundle));
    let run = afc(&["paths", FLOW, "--goal", "extrot"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("no step is called `extrot`") && run.stderr.contains("extort"),
        "{}",
        run.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_flow_with_no_goal_is_a_clear_error() {
    let dir = temp_dir("nogoal");
    let flow = dir.join("loop.af");
    std::fs::write(
        &flow,
        "flow \"loop\" {\n  scope: incident\n  created: 2026-01-01T00:00:00Z\n  start_refs: [a]\n}\naction a T1110 \"Guess\"\naction b T1078 \"Log in\"\na -> b -> a\n",
    )
    .expect("write");
    let run = afc(&["paths", &flow.display().to_string()]);
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("the flow has no goal"), "{}", run.stderr);
    let run = afc(&["coverage", &flow.display().to_string(), "-d", RULES]);
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("--goal"), "{}", run.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn coverage_of_the_example_against_the_bundled_rules() {
    let run = afc(&["coverage", FLOW, "--detections", RULES]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let out = &run.stdout;
    assert!(out.contains("detected     lsass_dump"), "{out}");
    assert!(out.contains("partial      rdp_jump"), "{out}");
    assert!(out.contains("undetected   exploit_vpn"), "{out}");
    assert!(
        out.contains("uncovered choke points: exploit_vpn (T1190)"),
        "{out}"
    );
    assert!(run.stderr.contains("5 detections"), "{}", run.stderr);
    // The same with --fail-on-gaps: the undetected choke points leave ways open.
    let run = afc(&["coverage", FLOW, "--detections", RULES, "--fail-on-gaps"]);
    assert_eq!(run.code, Some(1));
    // Detect every step: no gap, exit 0.
    let dir = temp_dir("all");
    let ids = dir.join("ids.txt");
    std::fs::write(&ids, "T1190 T1552.001 T1021.001 T1087.002 T1135 T1003.001 T1547.001 T1560.001 T1567.002 T1490 T1570 T1569.002 T1486 T1657\n").expect("write");
    let run = afc(&[
        "coverage",
        FLOW,
        "-d",
        &ids.display().to_string(),
        "--fail-on-gaps",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let doc = json(&run.stdout);
    assert_eq!(doc["flows"][0]["score"], 100.0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn coverage_formats() {
    let run = afc(&["coverage", FLOW, "-d", RULES, "--format", "json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let doc = json(&run.stdout);
    let steps = doc["flows"][0]["steps"].as_array().expect("steps");
    let lsass = steps
        .iter()
        .find(|s| s["name"] == "lsass_dump")
        .expect("lsass_dump");
    assert_eq!(lsass["coverage"], "detected");
    assert_eq!(
        lsass["detections"][0]["title"],
        "Process Memory Dump Via Comsvcs.DLL"
    );
    let rdp = steps.iter().find(|s| s["name"] == "rdp_jump").expect("rdp_jump");
    assert_eq!(rdp["detections"][0]["match"], "parent technique");

    let md = afc(&["coverage", FLOW, "-d", RULES, "--format", "markdown"]);
    assert!(md.stdout.starts_with("## Detection coverage"), "{}", md.stdout);
    assert!(
        md.stdout.contains("| lsass_dump | T1003.001 | ✅ detected |"),
        "{}",
        md.stdout
    );

    let nav = afc(&["coverage", FLOW, "-d", RULES, "--format", "navigator"]);
    let layer = json(&nav.stdout);
    assert_eq!(layer["domain"], "enterprise-attack");
    let t = layer["techniques"].as_array().expect("techniques");
    let of = |id: &str| {
        t.iter()
            .find(|x| x["techniqueID"] == id)
            .map(|x| x["score"].clone())
    };
    assert_eq!(of("T1003.001"), Some(2.into()));
    assert_eq!(of("T1021.001"), Some(1.into()));
    assert_eq!(of("T1190"), Some(0.into()));
    // What `coverage` writes, `render`'s reader accepts as a layer source for coverage again.
    let dir = temp_dir("layer");
    let path = dir.join("layer.json");
    let run = afc(&[
        "coverage",
        FLOW,
        "-d",
        RULES,
        "--format",
        "navigator",
        "-o",
        &path.display().to_string(),
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let again = afc(&[
        "coverage",
        FLOW,
        "-d",
        &path.display().to_string(),
        "--format",
        "json",
    ]);
    assert_eq!(again.code, Some(0), "{}", again.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

fn sarif_validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif-2.1.0-subset.schema.json");
    let schema: Value = json(&std::fs::read_to_string(path).expect("schema"));
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles")
}

#[test]
fn coverage_sarif_locates_gaps_in_the_source() {
    let run = afc(&["coverage", FLOW, "-d", RULES, "--format", "sarif"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let log = json(&run.stdout);
    let errors: Vec<String> = sarif_validator()
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let results = log["runs"][0]["results"].as_array().expect("results");
    let source = std::fs::read_to_string(root().join(FLOW)).expect("flow");
    let choke = results
        .iter()
        .find(|r| {
            r["ruleId"] == "A0002"
                && r["message"]["text"]
                    .as_str()
                    .is_some_and(|m| m.contains("exploit_vpn"))
        })
        .expect("exploit_vpn is an undetected choke point");
    let region = &choke["locations"][0]["physicalLocation"]["region"];
    let line = source
        .lines()
        .position(|l| l.starts_with("action exploit_vpn"))
        .expect("declared")
        + 1;
    assert_eq!(region["startLine"], line);
    assert_eq!(region["startColumn"], 8);
    assert_eq!(
        choke["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        FLOW
    );
    assert!(results.iter().any(|r| r["ruleId"] == "A0001"));
    assert!(results.iter().any(|r| r["ruleId"] == "A0003"));
    // rdp_jump is a choke point matched only by a rule on T1021.
    assert!(results.iter().any(|r| r["ruleId"] == "A0002"
        && r["message"]["text"]
            .as_str()
            .is_some_and(|m| m.contains("rdp_jump") && m.contains("[parent technique]"))));
    // Bundles: located at the object's id.
    let dir = temp_dir("sarif");
    let bundle = dir.join("flow.json");
    assert_eq!(
        afc(&["compile", FLOW, "-o", &bundle.display().to_string()]).code,
        Some(0)
    );
    let run = afc(&[
        "coverage",
        &bundle.display().to_string(),
        "-d",
        RULES,
        "--format",
        "sarif",
    ]);
    let log = json(&run.stdout);
    assert!(sarif_validator().iter_errors(&log).next().is_none());
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert!(results
        .iter()
        .all(|r| r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64() > Some(1)));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hostile_detections_are_reported_and_the_rest_is_used() {
    let dir = temp_dir("hostile");
    let rules = dir.join("rules");
    std::fs::create_dir_all(&rules).expect("dir");
    std::fs::write(
        rules.join("bad.yml"),
        "title: [unclosed\ntags:\n  - attack.t1003.001\n  - : :\n",
    )
    .expect("write");
    std::fs::write(rules.join("untagged.yml"), "title: No tags\nstatus: stable\n").expect("write");
    std::fs::write(
        rules.join("old.yml"),
        "title: Old\nstatus: deprecated\ntags: [attack.t1190]\n",
    )
    .expect("write");
    std::fs::write(
        rules.join("good.yml"),
        "title: Good\nstatus: stable\ntags: [attack.t1190]\n",
    )
    .expect("write");
    std::fs::write(rules.join("bin.yml"), [0xff, 0xfe, 0x00]).expect("write");
    let run = afc(&[
        "coverage",
        FLOW,
        "-d",
        &rules.display().to_string(),
        "--min-status",
        "stable",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains("bad.yml:") && run.stderr.contains("not valid YAML"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("bin.yml: not UTF-8"), "{}", run.stderr);
    assert!(run.stderr.contains("1 skipped by --min-status"), "{}", run.stderr);
    assert!(
        run.stderr.contains("1 without an ATT&CK technique tag"),
        "{}",
        run.stderr
    );
    let doc = json(&run.stdout);
    let exploit = doc["flows"][0]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|s| s["name"] == "exploit_vpn")
        .cloned()
        .expect("step");
    assert_eq!(exploit["coverage"], "detected");
    // A layer of another domain is refused with a clear message.
    let layer = dir.join("atlas.json");
    std::fs::write(&layer, r#"{"name": "x", "domain": "atlas", "techniques": []}"#).expect("write");
    let run = afc(&["coverage", FLOW, "-d", &layer.display().to_string()]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("not an ATT&CK domain"), "{}", run.stderr);
    let run = afc(&["coverage", FLOW, "-d", "no/such/folder"]);
    assert_eq!(run.code, Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn suggest_says_often_reported_with() {
    let run = afc(&["suggest", FLOW, "--limit", "5"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("often reported with"), "{}", run.stdout);
    assert!(
        !run.stdout.to_lowercase().contains("next step:"),
        "{}",
        run.stdout
    );
    assert_eq!(
        run.stdout
            .lines()
            .filter(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit()))
            .count(),
        5
    );
    let doc = json(&afc(&["suggest", FLOW, "--format", "json"]).stdout);
    let list = doc["often_reported_with"].as_array().expect("list");
    assert_eq!(list.len(), 20);
    let observed: Vec<&str> = doc["observed"]
        .as_array()
        .expect("observed")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(observed.contains(&"T1486"));
    assert!(list
        .iter()
        .all(|s| !observed.contains(&s["id"].as_str().unwrap_or(""))));
}

#[test]
fn corpus_flows_run_without_error() {
    let shared = std::env::var_os("AFC_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared"));
    let corpus = shared.join("corpus/stix");
    if !corpus.is_dir() {
        println!("skipped corpus_flows_run_without_error: no shared/corpus (set AFC_SHARED)");
        return;
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    assert_eq!(files.len(), 28);
    for f in &files {
        let run = afc(&[
            "paths",
            &f.display().to_string(),
            "--format",
            "json",
            "--limit",
            "2",
        ]);
        // A flow without a sink action is reported (exit 1) with the message; nothing else fails.
        assert!(
            run.code == Some(0) || (run.code == Some(1) && run.stderr.contains("no goal")),
            "{}: {:?} {}",
            f.display(),
            run.code,
            run.stderr
        );
        if run.code == Some(0) {
            json(&run.stdout);
        }
    }
    let sigma = shared.join("sigma/rules");
    let args: Vec<String> = ["coverage".to_string()]
        .into_iter()
        .chain(files.iter().map(|f| f.display().to_string()))
        .chain([
            "-d".to_string(),
            sigma.display().to_string(),
            "--format".into(),
            "json".into(),
        ])
        .collect();
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = afc(&refs);
    assert!(run.code == Some(0) || run.code == Some(1), "{}", run.stderr);
    let doc = json(&run.stdout);
    assert!(doc["detections"].as_u64().unwrap_or(0) > 3000, "{}", run.stderr);
    assert!(doc["flows"].as_array().expect("flows").len() >= 20);
}

#[test]
fn mitigations_are_ranked_by_what_they_cut() {
    let run = afc(&["mitigations", FLOW, "--limit", "3"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout.contains("stops `extort` (breaks 2 of 2 ways)"),
        "{}",
        run.stdout
    );
    let doc = json(&afc(&["mitigations", FLOW, "--goal", "extort", "--format", "json"]).stdout);
    let list = doc["flows"][0]["mitigations"].as_array().expect("mitigations");
    assert!(list.len() > 5);
    // Ranked: goals stopped first, then ways broken, then choke points.
    let key = |m: &Value| {
        (
            m["goals"][0]["stops"].as_bool().unwrap_or(false),
            m["goals"][0]["breaks"].as_u64().unwrap_or(0),
            m["choke_points"].as_u64().unwrap_or(0),
        )
    };
    for pair in list.windows(2) {
        assert!(
            key(&pair[0]) >= key(&pair[1]),
            "{} before {}",
            pair[0]["id"],
            pair[1]["id"]
        );
    }
    // Every mitigation listed really mitigates one of its steps' techniques.
    for m in list {
        assert!(m["id"].as_str().is_some_and(|id| id.starts_with('M')));
        assert!(!m["steps"].as_array().expect("steps").is_empty());
    }
}
