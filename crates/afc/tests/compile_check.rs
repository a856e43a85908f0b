//! `afc compile` and `afc check` run as the built binary: outputs, exit codes, `--check`,
//! stdin, directories, JSON diagnostics and colour.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn afc(args: &[&str], stdin: Option<&str>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_afc"));
    cmd.args(args)
        .env_remove("AFC_ATTACK_BUNDLE")
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => panic!("cannot run afc: {e}"),
    };
    if let Some(mut input) = child.stdin.take() {
        if let Some(text) = stdin {
            let _ = input.write_all(text.as_bytes());
        }
    }
    let out = match child.wait_with_output() {
        Ok(o) => o,
        Err(e) => panic!("afc did not finish: {e}"),
    };
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
        .display()
        .to_string()
}

/// A fresh scratch directory under the target directory.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        panic!("{}: {e}", dir.display());
    }
    dir
}

const BROKEN: &str =
    "flow \"B\" {\n  scope: incident\n  created: 2026-01-01T00:00:00Z\n}\naction a T1566\nphsh -> a\n";

#[test]
fn compile_one_file_prints_the_bundle() {
    let run = afc(&["compile", &example("bec-invoice-fraud.af")], None);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run
        .stdout
        .starts_with("{\n  \"type\": \"bundle\",\n  \"id\": \"bundle--"));
    assert!(run.stdout.ends_with("}\n"));
    assert!(!run.stdout.contains("\"spec_version\": \"2.1\",\n  \"objects\""));
    let again = afc(&["compile", &example("bec-invoice-fraud.af")], None);
    assert_eq!(
        run.stdout, again.stdout,
        "output must be byte-identical across runs"
    );
}

#[test]
fn compile_reads_stdin_and_reports_errors_with_exit_1() {
    let run = afc(&["compile", "-"], Some(BROKEN));
    assert_eq!(run.code, Some(1));
    assert!(
        run.stdout.is_empty(),
        "nothing may be written for a file with errors"
    );
    assert!(run.stderr.contains("[E0105]"), "{}", run.stderr);
    assert!(run.stderr.contains("`phsh` is not declared"), "{}", run.stderr);
    assert!(
        !run.stderr.contains('\u{1b}'),
        "no colour when stderr is not a terminal"
    );
}

#[test]
fn out_dir_and_check_detect_stale_bundles() {
    let dir = scratch("out_dir_and_check");
    let out = dir.join("out");
    let out_s = out.display().to_string();
    let (a, b) = (
        example("bec-invoice-fraud.af"),
        example("llm-prompt-injection.af"),
    );
    let run = afc(&["compile", &a, &b, "--out-dir", &out_s], None);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(out.join("bec-invoice-fraud.json").is_file() && out.join("llm-prompt-injection.json").is_file());

    let check = afc(&["compile", "--check", &a, &b, "--out-dir", &out_s], None);
    assert_eq!(check.code, Some(0), "{}", check.stderr);

    let stale = out.join("llm-prompt-injection.json");
    if let Err(e) = std::fs::write(&stale, "{}\n") {
        panic!("{e}");
    }
    let check = afc(&["compile", "--check", &a, &b, "--out-dir", &out_s], None);
    assert_eq!(check.code, Some(1));
    assert!(
        check.stderr.contains("llm-prompt-injection") && check.stderr.contains("out of date"),
        "{}",
        check.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&stale).unwrap_or_default(),
        "{}\n",
        "--check must not write"
    );
}

#[test]
fn check_json_format_gives_one_object_per_line() {
    let dir = scratch("check_json");
    let file = dir.join("broken.af");
    if let Err(e) = std::fs::write(&file, BROKEN) {
        panic!("{e}");
    }
    let run = afc(&["check", "--format", "json", &file.display().to_string()], None);
    assert_eq!(run.code, Some(1));
    let lines: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or(serde_json::Value::Null))
        .collect();
    assert!(!lines.is_empty());
    let e = lines
        .iter()
        .find(|d| d["code"] == "E0105")
        .cloned()
        .unwrap_or_default();
    assert_eq!(e["line"], 6);
    assert_eq!(e["column"], 1);
    assert_eq!(e["severity"], "error");
    assert!(e["file"].as_str().is_some_and(|f| f.ends_with("broken.af")));
    assert!(
        lines.iter().any(|d| d["code"] == "W0202"),
        "the missing description warning is reported too"
    );
}

#[test]
fn check_directories_and_deny_warnings() {
    let dir = scratch("check_dir");
    let warn = "flow \"W\" {\n  scope: incident\n  created: 2026-01-01T00:00:00Z\n}\naction a \"A\"\n";
    if let Err(e) = std::fs::write(dir.join("warn.af"), warn) {
        panic!("{e}");
    }
    let d = dir.display().to_string();
    assert_eq!(afc(&["check", &d], None).code, Some(0));
    let denied = afc(&["check", "--deny-warnings", &d], None);
    assert_eq!(denied.code, Some(1));
    assert!(
        denied.stderr.contains("1 file: 0 errors, 1 warning"),
        "{}",
        denied.stderr
    );
}

#[test]
fn usage_and_io_errors_exit_2() {
    assert_eq!(afc(&["check", "/nonexistent/flow.af"], None).code, Some(2));
    assert_eq!(afc(&["compile"], None).code, Some(2));
    let two = afc(
        &[
            "compile",
            &example("bec-invoice-fraud.af"),
            &example("llm-prompt-injection.af"),
            "-o",
            "x.json",
        ],
        None,
    );
    assert_eq!(two.code, Some(2));
    let bad_epoch = {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_afc"));
        cmd.args(["check", &example("bec-invoice-fraud.af")])
            .env("SOURCE_DATE_EPOCH", "yesterday");
        cmd.output().map(|o| o.status.code()).unwrap_or(None)
    };
    assert_eq!(bad_epoch, Some(2));
}

#[test]
fn color_always_colours_and_no_color_wins_over_auto() {
    let run = afc(&["--color", "always", "check", "-"], Some(BROKEN));
    assert!(run.stderr.contains('\u{1b}'), "--color always must colour");
    let run = afc(&["--color", "never", "check", "-"], Some(BROKEN));
    assert!(!run.stderr.contains('\u{1b}'));
}

#[test]
fn source_date_epoch_sets_the_default_timestamp() {
    let src = "flow \"E\" {\n  scope: incident\n  description: \"d\"\n}\naction a \"A\"\n";
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_afc"));
    cmd.args(["compile", "-"])
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    if let Some(mut i) = child.stdin.take() {
        let _ = i.write_all(src.as_bytes());
    }
    let out = match child.wait_with_output() {
        Ok(o) => o,
        Err(e) => panic!("{e}"),
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("\"created\": \"2026-01-01T00:00:00.000Z\""),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("W0101"));
}
