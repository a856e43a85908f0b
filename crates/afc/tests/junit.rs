//! `--format junit` of `afc check` and `afc validate`, run as the built binary: the report
//! (snapshots), its counts against the exit code, and validation with `xmllint` against
//! afc's own schema of what it emits (`fixtures/junit-afc.xsd`) and, when `AFC_JUNIT_XSD`
//! names it, the Jenkins/Surefire `junit-10.xsd` that GitLab- and Jenkins-style tools follow.

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

/// Runs afc in the crate directory, so that paths in the report are short and relative.
fn afc(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_afc"))
        .args(args)
        .current_dir(crate_dir())
        .env_remove("AFC_ATTACK_BUNDLE")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run afc: {e}"));
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

const CLEAN_FLOW: &str = "../../examples/bec-invoice-fraud.af";
const ERROR_FLOW: &str = "../af-compile/tests/diagnostics/E0102.af";
const WARNING_FLOW: &str = "../af-compile/tests/diagnostics/W0401.af";

/// The counts of the root element and of the one suite, and its test cases as
/// (name, failure type or "error" or "out" or "").
fn read_report(xml: &str) -> ([usize; 3], [usize; 4], Vec<(String, String)>) {
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("not XML: {e}\n{xml}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let num = |n: roxmltree::Node, a: &str| -> usize {
        n.attribute(a)
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("<{}> has no count {a}", n.tag_name().name()))
    };
    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    assert_eq!(suites.len(), 1, "one suite per run");
    let suite = suites[0];
    let cases = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .map(|c| {
            let name = c.attribute("name").unwrap_or_default().to_string();
            let outcome = match c.children().find(|n| n.is_element()) {
                Some(n) if n.has_tag_name("failure") => n.attribute("type").unwrap_or("?").to_string(),
                Some(n) if n.has_tag_name("error") => "error".to_string(),
                Some(n) if n.has_tag_name("system-out") => "out".to_string(),
                Some(n) => panic!("unexpected <{}>", n.tag_name().name()),
                None => String::new(),
            };
            (name, outcome)
        })
        .collect();
    (
        [num(root, "tests"), num(root, "failures"), num(root, "errors")],
        [
            num(suite, "tests"),
            num(suite, "failures"),
            num(suite, "errors"),
            num(suite, "skipped"),
        ],
        cases,
    )
}

/// Validates a report with xmllint against a schema; `false` when xmllint is not installed.
fn xmllint_validates(xml: &str, schema: &Path) -> bool {
    let dir = std::env::temp_dir().join(format!("afc-junit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let report = dir.join(format!("report-{}.xml", xml.len()));
    std::fs::write(&report, xml).expect("write report");
    let out = match Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(schema)
        .arg(&report)
        .output()
    {
        Ok(out) => out,
        Err(_) => return false,
    };
    assert!(
        out.status.success(),
        "the report does not match {}:\n{}\n{xml}",
        schema.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    true
}

fn schemas_accept(xml: &str) {
    let own = crate_dir().join("tests/fixtures/junit-afc.xsd");
    if !xmllint_validates(xml, &own) {
        eprintln!("skipped schema validation: xmllint is not installed (Debian: libxml2-utils)");
        return;
    }
    match std::env::var_os("AFC_JUNIT_XSD") {
        Some(path) => {
            assert!(xmllint_validates(xml, Path::new(&path)));
        }
        None => eprintln!("note: AFC_JUNIT_XSD is not set; validated against junit-afc.xsd only"),
    }
}

#[test]
fn check_report_has_a_case_per_file_and_fails_files_with_errors() {
    let run = afc(&["check", "--format", "junit", CLEAN_FLOW, ERROR_FLOW, WARNING_FLOW]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.is_empty(),
        "no summary outside human output: {}",
        run.stderr
    );
    let (root, suite, cases) = read_report(&run.stdout);
    assert_eq!(root, [3, 1, 0]);
    assert_eq!(suite, [3, 1, 0, 0]);
    assert_eq!(
        cases,
        vec![
            (CLEAN_FLOW.to_string(), String::new()),
            (ERROR_FLOW.to_string(), "E0102".to_string()),
            (WARNING_FLOW.to_string(), "out".to_string()),
        ]
    );
    schemas_accept(&run.stdout);
    insta::assert_snapshot!("junit_check", run.stdout);
}

#[test]
fn deny_warnings_turns_warnings_into_failures() {
    let run = afc(&["check", "--format", "junit", "--deny-warnings", WARNING_FLOW]);
    assert_eq!(run.code, Some(1));
    let (root, _, cases) = read_report(&run.stdout);
    assert_eq!(root, [1, 1, 0]);
    assert_eq!(cases[0].1, "W0401");
    schemas_accept(&run.stdout);
}

#[test]
fn unreadable_files_are_errors() {
    let run = afc(&["check", "--format", "junit", CLEAN_FLOW, "no/such/flow.af"]);
    assert_eq!(run.code, Some(2), "an I/O error is exit 2");
    assert!(run.stderr.contains("no/such/flow.af"), "{}", run.stderr);
    let (root, _, cases) = read_report(&run.stdout);
    assert_eq!(root, [2, 0, 1]);
    assert_eq!(cases[1], ("no/such/flow.af".to_string(), "error".to_string()));
    schemas_accept(&run.stdout);
}

#[test]
fn validate_report() {
    let run = afc(&[
        "validate",
        "--format",
        "junit",
        "tests/fixtures/validate/clean.json",
        "tests/fixtures/validate/small.json",
    ]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let (root, _, cases) = read_report(&run.stdout);
    assert_eq!(root, [2, 1, 0]);
    assert_eq!(cases[0].1, "");
    assert!(cases[1].1.starts_with('V'), "{cases:?}");
    schemas_accept(&run.stdout);
    insta::assert_snapshot!("junit_validate", run.stdout);
}

#[test]
fn a_clean_run_is_a_passing_report() {
    let run = afc(&[
        "validate",
        "--format",
        "junit",
        "tests/fixtures/validate/clean.json",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let (root, suite, _) = read_report(&run.stdout);
    assert_eq!(root, [1, 0, 0]);
    assert_eq!(suite, [1, 0, 0, 0]);
    schemas_accept(&run.stdout);
}
