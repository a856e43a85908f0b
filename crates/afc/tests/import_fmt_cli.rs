//! `afc import` and `afc fmt` end to end: exit codes, where output goes, what is left alone.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn afc(args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_afc"));
    cmd.args(args).env("NO_COLOR", "1");
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("afc runs");
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        use std::io::Write;
        pipe.write_all(text.as_bytes()).expect("stdin");
    }
    child.wait_with_output().expect("afc finishes")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("afc-import-fmt-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn fmt_rewrites_checks_and_leaves_broken_files_alone() {
    let dir = scratch("fmt");
    let messy = dir.join("messy.af");
    std::fs::write(
        &messy,
        "flow \"F\" {\nscope: incident   # why\n}\naction   a   T1566\n",
    )
    .expect("write");
    let broken = dir.join("broken.af");
    let broken_text = "action a {\n  x: [1,\n}\n";
    std::fs::write(&broken, broken_text).expect("write");

    let check = afc(&["fmt", "--check", messy.to_str().expect("path")], None);
    assert_eq!(check.status.code(), Some(1));
    assert!(text(&check.stdout).contains("messy.af"));

    let run = afc(&["fmt", dir.to_str().expect("path")], None);
    assert_eq!(run.status.code(), Some(1), "the broken file fails the run");
    assert!(text(&run.stderr).contains("E0004"));
    assert_eq!(
        std::fs::read_to_string(&broken).expect("read"),
        broken_text,
        "broken file untouched"
    );
    assert_eq!(
        std::fs::read_to_string(&messy).expect("read"),
        "flow \"F\" {\n  scope: incident   # why\n}\n\naction a T1566\n"
    );
    let again = afc(&["fmt", "--check", messy.to_str().expect("path")], None);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stdout));

    let piped = afc(&["fmt", "-"], Some("action   b   T1078\n"));
    assert_eq!(piped.status.code(), Some(0));
    assert_eq!(text(&piped.stdout), "action b T1078\n");

    let missing = afc(&["fmt", dir.join("nope.af").to_str().expect("path")], None);
    assert_eq!(missing.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn import_writes_stdout_or_files_and_reports_bad_input() {
    let dir = scratch("import");
    let bundle =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../af-import/tests/fixtures/builder-branch.json");
    let afb = Path::new(env!("CARGO_MANIFEST_DIR")).join("../af-import/tests/fixtures/small.afb");
    let one = afc(&["import", bundle.to_str().expect("path")], None);
    assert_eq!(one.status.code(), Some(0), "{}", text(&one.stderr));
    // The Builder-style branch it keeps is acknowledged above the header.
    assert!(
        text(&one.stdout).starts_with(
            "# afc: allow W0104 (what the input says, kept as imported)\nflow \"Small branch\" {"
        ),
        "{}",
        text(&one.stdout)
    );
    assert!(text(&one.stderr).contains("note:"));

    let repaired = afc(&["import", "--repair", bundle.to_str().expect("path")], None);
    assert!(text(&repaired.stdout).contains("-> run_macro"));
    assert!(!text(&repaired.stdout).contains("-[related-to]->"));

    // `--exact` keeps the bundle's order (the author identity first) and every id.
    let exact = afc(&["import", "--exact", bundle.to_str().expect("path")], None);
    assert_eq!(exact.status.code(), Some(0), "{}", text(&exact.stderr));
    let exact = text(&exact.stdout);
    let default = text(&one.stdout);
    let first_node = |s: &str| {
        s.lines()
            .find(|l| l.starts_with("identity ") || l.starts_with("action "))
            .map(str::to_string)
    };
    assert_eq!(
        first_node(&exact).as_deref(),
        Some("identity ana_lyst \"Ana Lyst\" {")
    );
    assert_eq!(
        first_node(&default).as_deref(),
        Some("action phishing T1566 \"Phishing\" {")
    );
    assert!(!exact.contains("# ---") && default.contains("# --- Initial Access ---"));

    let out = dir.join("out");
    let both = afc(
        &[
            "import",
            bundle.to_str().expect("path"),
            afb.to_str().expect("path"),
            "--out-dir",
            out.to_str().expect("path"),
        ],
        None,
    );
    assert_eq!(both.status.code(), Some(0), "{}", text(&both.stderr));
    for name in ["builder-branch.af", "small.af"] {
        let written = std::fs::read_to_string(out.join(name)).expect("written");
        assert_eq!(
            af_fmt::format_source(&written).ok().as_deref(),
            Some(written.as_str())
        );
    }
    let check = afc(&["fmt", "--check", out.to_str().expect("path")], None);
    assert_eq!(
        check.status.code(),
        Some(0),
        "imported files are formatted: {}",
        text(&check.stdout)
    );
    let check = afc(&["check", "--deny-warnings", out.to_str().expect("path")], None);
    assert_eq!(
        check.status.code(),
        Some(0),
        "imported files check clean: {}",
        text(&check.stderr)
    );

    let bad = afc(&["import", "-"], Some("{\n  \"type\": \"bundle\",\n  oops\n}"));
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad.stderr).contains("not JSON"), "{}", text(&bad.stderr));
    assert!(text(&bad.stderr).contains("line 3"), "{}", text(&bad.stderr));
    let not_flow = afc(&["import", "-"], Some("{\"type\": \"bundle\", \"objects\": []}"));
    assert_eq!(not_flow.status.code(), Some(1));
    assert!(text(&not_flow.stderr).contains("no `attack-flow`"));
    let missing = afc(&["import", dir.join("nope.json").to_str().expect("path")], None);
    assert_eq!(missing.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn imported_corpus_flows_pass_fmt_check() {
    let Some(shared) = af_testkit::shared_or_skip("imported_corpus_flows_pass_fmt_check") else {
        return;
    };
    let dir = scratch("corpus");
    let stix = shared.join("corpus/stix");
    let run = afc(
        &[
            "import",
            stix.to_str().expect("path"),
            "--out-dir",
            dir.to_str().expect("path"),
        ],
        None,
    );
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let check = afc(&["fmt", "--check", dir.to_str().expect("path")], None);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stdout));
    let compile = afc(&["check", dir.to_str().expect("path")], None);
    assert_eq!(compile.status.code(), Some(0), "{}", text(&compile.stderr));
    let _ = std::fs::remove_dir_all(&dir);
}
