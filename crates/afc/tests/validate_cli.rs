//! `afc validate` (and the CI formats of `afc check`) run as the built binary: every output
//! format on one small bundle (snapshots), the SARIF log against a SARIF 2.1.0 schema subset,
//! exit codes, directories, glob patterns and parallel runs in input order.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs afc in the crate directory, so that fixture paths are short and relative.
fn afc(args: &[&str]) -> Run {
    afc_in(&crate_dir(), args)
}

fn afc_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_afc"))
        .args(args)
        .current_dir(dir)
        .env_remove("AFC_ATTACK_BUNDLE")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run afc: {e}"));
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

const SMALL: &str = "tests/fixtures/validate/small.json";
const CLEAN: &str = "tests/fixtures/validate/clean.json";

/// The summary line's duration varies; replace it.
fn redact_time(text: &str) -> String {
    text.lines()
        .map(|l| {
            let summary = (l.contains(" file: ") || l.contains(" files: ")) && l.ends_with(')');
            match (summary, l.rfind(" (")) {
                (true, Some(i)) => format!("{} (<time>)", &l[..i]),
                _ => l.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn human_output() {
    let run = afc(&["validate", "--color", "never", SMALL]);
    assert_eq!(run.code, Some(1), "an error fails the run: {}", run.stderr);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains("1 file: 1 error, 3 warnings ("),
        "{}",
        run.stderr
    );
    insta::assert_snapshot!("validate_human", redact_time(&run.stderr));
}

#[test]
fn json_output() {
    let run = afc(&["validate", "--format", "json", SMALL]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.is_empty(),
        "no summary outside human output: {}",
        run.stderr
    );
    for line in run.stdout.lines() {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(v["file"], SMALL);
    }
    insta::assert_snapshot!("validate_json", run.stdout);
}

#[test]
fn github_output_is_one_command_per_diagnostic() {
    let run = afc(&["validate", "--format", "github", SMALL]);
    assert_eq!(run.code, Some(1));
    let json = afc(&["validate", "--format", "json", SMALL]);
    assert_eq!(run.stdout.lines().count(), json.stdout.lines().count());
    for (command, diag) in run.stdout.lines().zip(json.stdout.lines()) {
        let d: Value = serde_json::from_str(diag).unwrap_or_else(|e| panic!("{e}"));
        let kind = match d["severity"].as_str() {
            Some("error") => "error",
            Some("warning") => "warning",
            _ => "notice",
        };
        let expected_start = format!(
            "::{kind} file={SMALL},line={},col={},endLine={},endColumn={},title={}::",
            d["line"],
            d["column"],
            d["end_line"],
            d["end_column"],
            d["code"].as_str().unwrap_or_default()
        );
        assert!(
            command.starts_with(&expected_start),
            "{command}\nvs {expected_start}"
        );
    }
    insta::assert_snapshot!("validate_github", run.stdout);
}

fn sarif_schema() -> jsonschema::Validator {
    let path = crate_dir().join("tests/fixtures/sarif-2.1.0-subset.schema.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let schema: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("schema: {e}"));
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("schema does not compile: {e}"))
}

/// The official OASIS SARIF 2.1.0 schema when `AFC_SARIF_SCHEMA` names it (`.ci/run` fetches
/// it from the npm registry), so CI checks against the real thing and not only our subset.
fn official_sarif_schema() -> Option<jsonschema::Validator> {
    let path = std::env::var_os("AFC_SARIF_SCHEMA")?;
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("AFC_SARIF_SCHEMA: {e}"));
    // The published schema's `language` pattern has a stray `]` that ECMAScript tolerates but
    // Rust's regex engines reject; it is replaced by the pattern it means.
    let text = text.replace(
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
        r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#,
    );
    let schema: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("official schema: {e}"));
    Some(
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .build(&schema)
            .unwrap_or_else(|e| panic!("official schema does not compile: {e}")),
    )
}

fn assert_valid_sarif(text: &str) -> Value {
    let log: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("SARIF is not JSON: {e}\n{text}"));
    let mut validators = vec![("subset", sarif_schema())];
    match official_sarif_schema() {
        Some(v) => validators.push(("official SARIF 2.1.0", v)),
        None => eprintln!("note: AFC_SARIF_SCHEMA is not set; checked against the subset schema only"),
    }
    for (name, validator) in validators {
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name} schema errors:\n{}", errors.join("\n"));
    }
    log
}

#[test]
fn sarif_output_is_valid_and_complete() {
    let run = afc(&["validate", "--format", "sarif", SMALL, CLEAN]);
    assert_eq!(run.code, Some(1));
    let mut log = assert_valid_sarif(&run.stdout);
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "afc");
    let rules = driver["rules"].as_array().cloned().unwrap_or_default();
    // Every result's rule is described at its index, with help and a link to its section.
    let results = log["runs"][0]["results"].as_array().cloned().unwrap_or_default();
    assert_eq!(results.len(), 5);
    for r in &results {
        let i = r["ruleIndex"].as_u64().unwrap_or(u64::MAX) as usize;
        let rule = &rules[i];
        assert_eq!(rule["id"], r["ruleId"]);
        let anchor = format!(
            "docs/diagnostics.md#{}",
            r["ruleId"].as_str().unwrap_or_default().to_lowercase()
        );
        assert!(
            rule["helpUri"].as_str().is_some_and(|u| u.ends_with(&anchor)),
            "{rule}"
        );
        assert!(rule["help"]["text"].as_str().is_some_and(|t| !t.is_empty()));
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "tests/fixtures/validate/small.json"
        );
    }
    // Snapshot the results; the rules list grows with every new code, so it is summarised.
    log["runs"][0]["tool"]["driver"]["rules"] = Value::String("<every code of the tables>".into());
    log["runs"][0]["tool"]["driver"]["version"] = Value::String("<version>".into());
    if let Some(results) = log["runs"][0]["results"].as_array_mut() {
        for r in results {
            r["ruleIndex"] = Value::String("<checked above>".into());
        }
    }
    let pretty = serde_json::to_string_pretty(&log).unwrap_or_default();
    insta::assert_snapshot!("validate_sarif", pretty);
}

#[test]
fn sarif_rules_cover_every_code_of_both_tables() {
    let run = afc(&["validate", "--format", "sarif", CLEAN]);
    assert_eq!(run.code, Some(0));
    let log = assert_valid_sarif(&run.stdout);
    assert_eq!(log["runs"][0]["results"].as_array().map(Vec::len), Some(0));
    let ids: Vec<&str> = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .map(|r| r.iter().filter_map(|x| x["id"].as_str()).collect())
        .unwrap_or_default();
    for code in ["E0001", "W0406", "V0001", "V0301"] {
        assert!(ids.contains(&code), "{code} missing from {ids:?}");
    }
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), ids.len(), "rule ids are unique");
}

#[test]
fn check_speaks_sarif_and_github_too() {
    let dir = std::env::temp_dir().join(format!("afc-validate-cli-check-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.join("bad.af"),
        "flow \"X\" {\n  scope: incident\n}\naction a T1566.02 \"x\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let sarif = afc_in(&dir, &["check", "--format", "sarif", "bad.af"]);
    assert_eq!(sarif.code, Some(1), "{}", sarif.stderr);
    let log = assert_valid_sarif(&sarif.stdout);
    let results = log["runs"][0]["results"].as_array().cloned().unwrap_or_default();
    assert!(results.iter().any(|r| r["ruleId"] == "E0401"), "{results:?}");
    assert!(results
        .iter()
        .all(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "bad.af"));
    let github = afc_in(&dir, &["check", "--format", "github", "bad.af"]);
    assert_eq!(github.code, Some(1));
    assert_eq!(github.stdout.lines().count(), results.len());
    assert!(github
        .stdout
        .lines()
        .all(|l| l.starts_with("::") && l.contains("file=bad.af,line=")));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn exit_codes() {
    assert_eq!(afc(&["validate", CLEAN]).code, Some(0));
    let warnings_only = {
        let dir = std::env::temp_dir().join(format!("afc-validate-cli-warn-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let text = std::fs::read_to_string(crate_dir().join(CLEAN)).unwrap_or_default();
        let path = dir.join("warn.json");
        std::fs::write(&path, text.replace("\"A clean flow.\"", "\"\"")).unwrap_or_else(|e| panic!("{e}"));
        path
    };
    let w = warnings_only.to_string_lossy().into_owned();
    assert_eq!(afc(&["validate", &w]).code, Some(0), "warnings alone pass");
    assert_eq!(afc(&["validate", "--deny-warnings", &w]).code, Some(1));
    let missing = afc(&["validate", "tests/fixtures/validate/nope.json"]);
    assert_eq!(missing.code, Some(2));
    assert!(missing.stderr.contains("nope.json"), "{}", missing.stderr);
    assert_eq!(
        afc(&["validate", "tests/fixtures/validate/*.nothing"]).code,
        Some(2)
    );
    let broken = afc(&[
        "validate",
        "--format",
        "json",
        "tests/fixtures/sarif-2.1.0-subset.schema.json",
    ]);
    assert_eq!(
        broken.code,
        Some(1),
        "a JSON file that is no bundle fails: {}",
        broken.stdout
    );
    assert!(broken.stdout.contains("\"V0010\""), "{}", broken.stdout);
    let _ = std::fs::remove_file(&warnings_only);
}

#[test]
fn directories_globs_and_parallel_runs_keep_input_order() {
    let dir = std::env::temp_dir().join(format!("afc-validate-cli-many-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let small = std::fs::read_to_string(crate_dir().join(SMALL)).unwrap_or_default();
    let clean = std::fs::read_to_string(crate_dir().join(CLEAN)).unwrap_or_default();
    let mut expected = Vec::new();
    for i in 0..24 {
        let sub = dir.join(format!("part{}", i % 3));
        std::fs::create_dir_all(&sub).unwrap_or_else(|e| panic!("{e}"));
        let name = format!("flow{i:02}.json");
        std::fs::write(sub.join(&name), if i % 2 == 0 { &small } else { &clean })
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(sub.join(format!("flow{i:02}.txt")), "not json").unwrap_or_else(|e| panic!("{e}"));
        expected.push(format!("part{}/{name}", i % 3));
    }
    expected.sort();
    let files_of = |run: &Run| -> Vec<String> {
        let mut files: Vec<String> = Vec::new();
        for line in run.stdout.lines() {
            let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}"));
            let f = v["file"].as_str().unwrap_or_default().to_string();
            if files.last() != Some(&f) {
                files.push(f);
            }
        }
        files
    };
    let with_errors: Vec<String> = expected
        .iter()
        .filter(|f| {
            f[f.len() - 7..f.len() - 5]
                .parse::<u32>()
                .is_ok_and(|n| n % 2 == 0)
        })
        .cloned()
        .collect();
    let serial = afc_in(&dir, &["validate", "--format", "json", "-j", "1", "."]);
    let parallel = afc_in(&dir, &["validate", "--format", "json", "-j", "4", "."]);
    assert_eq!(serial.code, Some(1));
    assert_eq!(
        serial.stdout, parallel.stdout,
        "parallel output must equal serial output"
    );
    assert_eq!(
        files_of(&serial),
        with_errors.iter().map(|f| format!("./{f}")).collect::<Vec<_>>()
    );
    let globbed = afc_in(
        &dir,
        &["validate", "--format", "json", "part*/**/flow?[02468].json"],
    );
    assert_eq!(files_of(&globbed), with_errors);
    // A summary counts every file; no progress bar when stderr is not a terminal.
    let human = afc_in(&dir, &["validate", "--color", "never", "**/*.json"]);
    assert!(
        human.stderr.contains("24 files: 12 errors, 36 warnings"),
        "{}",
        human.stderr
    );
    assert!(!human.stderr.contains('\r'), "no progress bar on a pipe");
    let _ = std::fs::remove_dir_all(&dir);
}
