//! Never losing a file and never misbehaving on hostile input, run as the built binary:
//! outputs that would replace inputs or each other, `import` and existing sources, atomic
//! writes through symbolic links, capped and streamed diagnostics, escaped control
//! characters, failed writes, directory loops, line endings (issue 12), and where `compile`
//! puts its diagnostics, what `import dir/` takes, and pointers to the other command
//! (issue 13).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn show(&self) -> String {
        format!(
            "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

fn command(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_afc"));
    cmd.args(args)
        .env_remove("AFC_ATTACK_BUNDLE")
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn run(mut cmd: Command) -> Run {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run afc: {e}"));
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn afc(args: &[&str]) -> Run {
    run(command(args))
}

fn afc_in(dir: &Path, args: &[&str]) -> Run {
    let mut cmd = command(args);
    cmd.current_dir(dir);
    run(cmd)
}

fn afc_stdin(args: &[&str], stdin: &str) -> Run {
    let mut cmd = command(args);
    cmd.stdin(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot run afc: {e}"));
    if let Some(mut pipe) = child.stdin.take() {
        let _ = pipe.write_all(stdin.as_bytes());
    }
    let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A fresh scratch directory under the target directory.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("safety").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap_or_else(|| panic!("non-UTF-8 path"))
}

/// A flow that compiles cleanly, with a comment that an import would not keep.
fn hand_written(name: &str) -> String {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/bec-invoice-fraud.af");
    let text = read(&example).replace("flow \"", &format!("flow \"{name} "));
    format!("# hand-written notes that only the source has\n{text}")
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

// ---- issue 12, item 1: no command overwrites its inputs or its own outputs ----

#[test]
fn import_never_replaces_an_existing_flow_unless_forced() {
    let dir = scratch("import-keeps-sources");
    let (a, b) = (dir.join("a.af"), dir.join("b.af"));
    write(&a, &hand_written("A"));
    write(&b, &hand_written("B"));
    let compiled = afc(&["compile", s(&a), s(&b)]);
    assert_eq!(compiled.code, Some(0), "{}", compiled.show());

    let imported = afc(&["import", s(&dir.join("a.json")), s(&dir.join("b.json"))]);
    assert_eq!(imported.code, Some(1), "{}", imported.show());
    assert_eq!(read(&a), hand_written("A"), "a.af untouched");
    assert_eq!(read(&b), hand_written("B"), "b.af untouched");
    assert!(imported.stderr.contains("--force"), "{}", imported.show());
    assert!(
        imported.stderr.contains(s(&a)) && imported.stderr.contains(s(&b)),
        "{}",
        imported.show()
    );

    // The same into an --out-dir that already holds the flows.
    let out = dir.join("out");
    write(&out.join("a.af"), "# mine\n");
    let again = afc(&["import", s(&dir.join("a.json")), "--out-dir", s(&out)]);
    assert_eq!(again.code, Some(1), "{}", again.show());
    assert_eq!(read(&out.join("a.af")), "# mine\n");

    // --force replaces them; an import that is already there is fine without it.
    let forced = afc(&[
        "import",
        s(&dir.join("a.json")),
        s(&dir.join("b.json")),
        "--force",
    ]);
    assert_eq!(forced.code, Some(0), "{}", forced.show());
    assert!(!read(&a).contains("hand-written notes"));
    let rerun = afc(&["import", s(&dir.join("a.json")), s(&dir.join("b.json"))]);
    assert_eq!(rerun.code, Some(0), "{}", rerun.show());
}

#[test]
fn no_command_writes_over_one_of_its_inputs() {
    let dir = scratch("inputs-stay");
    let flow = dir.join("flow.af");
    write(&flow, &hand_written("F"));
    let bundle = dir.join("src.json");
    let compiled = afc(&["compile", s(&flow), "-o", s(&bundle)]);
    assert_eq!(compiled.code, Some(0), "{}", compiled.show());
    let bundle_text = read(&bundle);

    // `-o` naming the input, by another spelling too.
    let other_spelling = dir.join(".").join("flow.af");
    for args in [
        vec!["compile", s(&flow), "-o", s(&other_spelling)],
        vec!["render", s(&flow), "-o", s(&flow)],
        vec!["render", s(&flow), "--to", "navigator", "-o", s(&flow)],
        vec!["import", s(&bundle), "-o", s(&bundle)],
        vec!["check", s(&flow), "--diagnostics-file", s(&flow)],
    ] {
        let r = afc(&args);
        assert_eq!(r.code, Some(2), "{args:?}\n{}", r.show());
        assert!(r.stderr.contains("is the input"), "{args:?}\n{}", r.show());
        assert_eq!(read(&flow), hand_written("F"), "{args:?}");
        assert_eq!(read(&bundle), bundle_text, "{args:?}");
    }

    // A bundle given to compile among flows would be written over with its own "bundle".
    let several = afc(&["compile", s(&bundle), s(&flow)]);
    assert_eq!(several.code, Some(2), "{}", several.show());
    assert_eq!(read(&bundle), bundle_text);
    assert!(
        !dir.join("flow.json").exists(),
        "nothing is written when a destination is refused"
    );

    // A bundle named .af, imported beside itself.
    let named_af = dir.join("self.af");
    write(&named_af, &bundle_text);
    let r = afc(&["import", s(&named_af), s(&bundle)]);
    assert_eq!(r.code, Some(2), "{}", r.show());
    assert_eq!(read(&named_af), bundle_text);
}

#[test]
fn outputs_that_collide_in_out_dir_are_errors() {
    let dir = scratch("collisions");
    write(&dir.join("a/flow.af"), &hand_written("A"));
    write(&dir.join("b/flow.af"), &hand_written("B"));
    let out = dir.join("out");
    for args in [
        vec!["compile", "a/flow.af", "b/flow.af", "--out-dir", "out"],
        vec!["render", "a/flow.af", "b/flow.af", "--out-dir", "out"],
    ] {
        let r = afc_in(&dir, &args);
        assert_eq!(r.code, Some(2), "{args:?}\n{}", r.show());
        assert!(
            r.stderr.contains("a/flow.af") && r.stderr.contains("b/flow.af"),
            "{}",
            r.show()
        );
        assert!(
            listing(&out).is_empty(),
            "{args:?}: nothing written, found {:?}",
            listing(&out)
        );
    }
    let compiled = afc_in(&dir, &["compile", "a/flow.af", "b/flow.af"]);
    assert_eq!(compiled.code, Some(0), "{}", compiled.show());
    let r = afc_in(
        &dir,
        &["import", "a/flow.json", "b/flow.json", "--out-dir", "out"],
    );
    assert_eq!(r.code, Some(2), "{}", r.show());
    assert!(listing(&out).is_empty());
}

// ---- issue 12, item 2: atomic writes that follow no planted link ----

#[cfg(unix)]
#[test]
fn fmt_ignores_planted_temporary_files_and_formats_link_targets() {
    use std::os::unix::fs::symlink;
    let dir = scratch("fmt-links");
    let flow = dir.join("f.af");
    write(&flow, "action   a   T1566\n");
    let victim = dir.join("victim.txt");
    write(&victim, "keep me\n");
    // The name older versions used for their temporary file.
    symlink(&victim, dir.join(".f.af.afc-fmt.tmp")).unwrap_or_else(|e| panic!("{e}"));
    let r = afc(&["fmt", s(&flow)]);
    assert_eq!(r.code, Some(0), "{}", r.show());
    assert_eq!(read(&victim), "keep me\n");
    assert_eq!(read(&flow), "action a T1566\n");
    assert!(!std::fs::symlink_metadata(&flow).is_ok_and(|m| m.file_type().is_symlink()));

    // A linked flow: the file it points to is formatted, the link stays.
    let real = dir.join("real.af");
    write(&real, "action   b   T1078\n");
    let link = dir.join("link.af");
    symlink("real.af", &link).unwrap_or_else(|e| panic!("{e}"));
    let r = afc(&["fmt", s(&link)]);
    assert_eq!(r.code, Some(0), "{}", r.show());
    assert_eq!(read(&real), "action b T1078\n");
    assert!(std::fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()));
    let names = listing(&dir);
    assert!(names.iter().all(|n| !n.ends_with(".afc-tmp")), "{names:?}");
}

// ---- issue 12, items 3 and 4: bounded, streamed, capped diagnostics ----

/// One action with `n` dangling `effect_refs`, minified on one line.
fn dangling_bundle(n: usize) -> String {
    let refs: Vec<String> = (0..n)
        .map(|i| format!("\"action--00000000-0000-4000-8000-{i:012}\""))
        .collect();
    format!(
        concat!(
            r#"{{"type":"bundle","id":"bundle--6d2f4b7e-9a8c-4e31-9f5a-3c1b2d4e5f60","objects":["#,
            r#"{{"type":"extension-definition","id":"extension-definition--fb9c968a-745b-4ade-9b25-c324172197f4","spec_version":"2.1","created":"2022-08-02T19:34:35.143Z","modified":"2022-08-02T19:34:35.143Z","name":"Attack Flow","created_by_ref":"identity--fb9c968a-745b-4ade-9b25-c324172197f4","schema":"https://center-for-threat-informed-defense.github.io/attack-flow/stix/attack-flow-schema-2.0.0.json","version":"2.0.0","extension_types":["new-sdo"]}},"#,
            r#"{{"type":"attack-flow","id":"attack-flow--11111111-1111-4111-8111-111111111111","spec_version":"2.1","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","extensions":{{"extension-definition--fb9c968a-745b-4ade-9b25-c324172197f4":{{"extension_type":"new-sdo"}}}},"name":"F","scope":"incident","start_refs":["attack-action--22222222-2222-4222-8222-222222222222"]}},"#,
            r#"{{"type":"attack-action","id":"attack-action--22222222-2222-4222-8222-222222222222","spec_version":"2.1","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","extensions":{{"extension-definition--fb9c968a-745b-4ade-9b25-c324172197f4":{{"extension_type":"new-sdo"}}}},"name":"A","effect_refs":[{}]}}"#,
            "]}}"
        ),
        refs.join(",")
    )
}

#[test]
fn many_diagnostics_on_one_long_line_are_capped_and_windowed() {
    let dir = scratch("capped");
    let bundle = dir.join("dangling.json");
    let text = dangling_bundle(10_000);
    write(&bundle, &text);

    let human = afc(&["validate", s(&bundle)]);
    assert_eq!(
        human.code,
        Some(1),
        "{}",
        human.show().chars().take(2000).collect::<String>()
    );
    // 100 windowed excerpts, not 10,000 copies of a 600 KB line.
    assert!(
        human.stderr.len() < 200_000,
        "{} bytes of output",
        human.stderr.len()
    );
    assert!(
        human
            .stderr
            .contains("… and 19,902 more (10,000 V0201, 9,900 V0112")
            && human.stderr.contains("--max-diagnostics 0 shows them all"),
        "{}",
        human
            .stderr
            .chars()
            .rev()
            .take(2000)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<String>()
    );
    assert!(human.stderr.contains('…'), "long lines are windowed");

    let json = afc(&["validate", s(&bundle), "--format", "json"]);
    assert_eq!(json.stdout.lines().count(), 100, "{}", json.stderr);
    let all = afc(&[
        "validate",
        s(&bundle),
        "--format",
        "json",
        "--max-diagnostics",
        "0",
    ]);
    assert!(
        all.stdout.lines().count() >= 10_000,
        "{}",
        all.stdout.lines().count()
    );
    assert!(!all.stderr.contains("more ("), "{}", all.stderr);
    // The columns are the file's, not the excerpt's.
    let last: serde_json::Value =
        serde_json::from_str(all.stdout.lines().last().unwrap_or("{}")).unwrap_or_default();
    assert_eq!(last["line"], 1);
    assert!(last["column"].as_u64().unwrap_or(0) > 400_000, "{last}");
}

#[test]
fn the_most_severe_diagnostics_are_the_ones_shown() {
    let dir = scratch("severity");
    let flow = dir.join("f.af");
    // 150 revoked techniques (warnings), then one unknown kind (an error) at the end.
    let mut text = String::from(
        "flow \"F\" {\n  scope: incident\n  description: \"d\"\n  created: 2026-01-01T00:00:00Z\n}\n",
    );
    for i in 0..150 {
        text.push_str(&format!("action a{i} T1073\n"));
    }
    text.push_str("malwar m \"x\"\n");
    write(&flow, &text);
    let r = afc(&["check", s(&flow), "--format", "json", "--max-diagnostics", "5"]);
    assert_eq!(r.code, Some(1), "{}", r.show());
    assert!(
        r.stdout.contains("\"code\":\"E0104\""),
        "the error is among the five: {}",
        r.show()
    );
    assert_eq!(r.stdout.lines().count(), 5);
    assert!(r.stderr.contains("… and 146 more (146 W0401)"), "{}", r.show());
}

// ---- issue 12, item 6: directory walks and patterns ----

#[cfg(unix)]
#[test]
fn directory_loops_are_walked_once() {
    use std::os::unix::fs::symlink;
    let dir = scratch("loops");
    write(&dir.join("flows/a.af"), "action a T1566\n");
    symlink(".", dir.join("flows/l1")).unwrap_or_else(|e| panic!("{e}"));
    symlink(".", dir.join("flows/l2")).unwrap_or_else(|e| panic!("{e}"));
    let r = afc_in(&dir, &["check", "flows", "--format", "json"]);
    assert!(
        r.stderr.is_empty() || !r.stderr.contains("error:"),
        "{}",
        r.show()
    );
    let human = afc_in(&dir, &["check", "flows"]);
    assert!(human.stderr.contains("1 file:"), "{}", human.show());
    let many = format!("{}/*.af", ["**"; 16].join("/"));
    let globbed = afc_in(&dir, &["check", &format!("flows/{many}")]);
    assert!(globbed.stderr.contains("1 file:"), "{}", globbed.show());
}

// ---- issue 12, item 13: control characters ----

#[test]
fn control_characters_never_reach_the_terminal() {
    let dir = scratch("escapes");
    let flow = dir.join("evil\u{1b}[2J.af");
    write(
        &flow,
        "action a T1566 {\n  tactic: \u{1b}[31mTA9999\n  description: \"\u{1b}]0;title\u{7}\"\n}\n\u{1b}[2J\n",
    );
    let r = afc(&["check", s(&flow), "--color", "never"]);
    assert_eq!(r.code, Some(1), "{}", r.show());
    assert!(!r.stderr.contains('\u{1b}'), "raw ESC in {:?}", r.stderr);
    assert!(!r.stderr.contains('\u{7}'), "raw BEL in {:?}", r.stderr);
    assert!(r.stderr.contains('␛'), "{}", r.stderr);

    // With colour, the only escape sequences are afc's own colours (`ESC [ … m`).
    let coloured = afc(&["check", s(&flow), "--color", "always"]);
    let mut rest = coloured.stderr.as_str();
    while let Some(at) = rest.find('\u{1b}') {
        let seq = &rest[at..];
        let end = seq.find('m').unwrap_or(0);
        assert!(
            seq.starts_with("\u{1b}[") && seq[2..end].chars().all(|c| c.is_ascii_digit() || c == ';'),
            "{seq:.20?}"
        );
        rest = &seq[1..];
    }
}

// ---- issue 12, item 14: failed writes ----

#[cfg(target_os = "linux")]
#[test]
fn failed_writes_exit_2_without_a_panic() {
    let dir = scratch("full");
    let flow = dir.join("bad.af");
    write(&flow, "malwar m \"x\"\n");
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap_or_else(|e| panic!("/dev/full: {e}"))
    };
    let mut cmd = command(&["check", s(&flow)]);
    cmd.stderr(full());
    let r = run(cmd);
    assert_eq!(r.code, Some(2), "stderr on /dev/full: {}", r.show());

    for args in [
        vec!["check", s(&flow), "--format", "sarif"],
        vec!["check", s(&flow), "--format", "json"],
    ] {
        let mut cmd = command(&args);
        cmd.stdout(full());
        let r = run(cmd);
        assert_eq!(r.code, Some(2), "{args:?}: {}", r.show());
        assert!(
            r.stderr.contains("cannot write to standard output"),
            "{}",
            r.show()
        );
        assert!(!r.stderr.contains("panicked"), "{}", r.show());
    }
    let good = dir.join("good.af");
    write(&good, &hand_written("G"));
    let mut cmd = command(&["compile", s(&good)]);
    cmd.stdout(full());
    let r = run(cmd);
    assert_eq!(r.code, Some(2), "{}", r.show());
}

// ---- issue 12, item 15: a lone CR ends a line ----

#[test]
fn a_lone_carriage_return_ends_a_line() {
    let r = afc_stdin(
        &["check", "-", "--format", "json"],
        "action a T1566\rmalwar m \"x\"\r",
    );
    let first: serde_json::Value = r
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .find(|v: &serde_json::Value| v["code"] == "E0104")
        .unwrap_or_else(|| panic!("{}", r.show()));
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(2), Some(1)),
        "{first}"
    );
}

// ---- issue 13, item 2: compile keeps standard output for the bundle ----

#[test]
fn compile_writes_only_the_bundle_to_stdout_in_every_format() {
    let dir = scratch("compile-stdout");
    let flow = dir.join("f.af");
    // A warning (a revoked technique), so that there is something to report.
    write(&flow, &format!("{}\naction old T1073\n", hand_written("W")));
    for format in ["human", "json", "sarif", "github"] {
        let r = afc(&["compile", s(&flow), "--format", format]);
        assert_eq!(r.code, Some(0), "{format}: {}", r.show());
        let bundle: serde_json::Value = serde_json::from_str(&r.stdout)
            .unwrap_or_else(|e| panic!("{format}: stdout is not the bundle: {e}\n{}", r.show()));
        assert_eq!(bundle["type"], "bundle");
        assert!(
            r.stderr.contains("W0"),
            "{format}: the warning goes to stderr\n{}",
            r.show()
        );
    }
    let sarif = dir.join("reports/afc.sarif");
    let r = afc(&[
        "compile",
        s(&flow),
        "--format",
        "sarif",
        "--diagnostics-file",
        s(&sarif),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.show());
    assert!(serde_json::from_str::<serde_json::Value>(&r.stdout).is_ok());
    let log: serde_json::Value = serde_json::from_str(&read(&sarif)).unwrap_or_default();
    assert_eq!(log["version"], "2.1.0");
    assert!(
        !log["runs"][0]["results"].as_array().is_none_or(Vec::is_empty),
        "{log}"
    );
}

// ---- issue 13, item 8: import dir/ and missing inputs ----

#[test]
fn import_takes_builder_files_from_directories() {
    let dir = scratch("import-dir");
    let afb = Path::new(env!("CARGO_MANIFEST_DIR")).join("../af-import/tests/fixtures/small.afb");
    std::fs::create_dir_all(dir.join("in")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::copy(&afb, dir.join("in/small.afb")).unwrap_or_else(|e| panic!("{e}"));
    let r = afc_in(&dir, &["import", "in", "--out-dir", "out"]);
    assert_eq!(r.code, Some(0), "{}", r.show());
    assert_eq!(listing(&dir.join("out")), ["small.af"]);
}

#[test]
fn missing_inputs_are_not_counted_as_clean_files() {
    let dir = scratch("missing");
    write(&dir.join("ok.af"), &hand_written("OK"));
    let r = afc_in(&dir, &["check", "ok.af", "nope.af"]);
    assert_eq!(r.code, Some(2), "{}", r.show());
    assert!(
        r.stderr.contains("1 file: 0 errors, 0 warnings, 1 file not read"),
        "{}",
        r.show()
    );
}

// ---- issue 13, item 10: help and pointers ----

#[test]
fn every_subcommand_has_examples_and_points_to_the_other_one() {
    for sub in [
        "compile", "check", "attack", "validate", "render", "import", "fmt", "lsp",
    ] {
        let r = afc(&[sub, "--help"]);
        assert_eq!(r.code, Some(0), "{sub}");
        assert!(
            r.stdout.contains("Example"),
            "{sub} --help has no examples:\n{}",
            r.stdout
        );
    }
    let compile = afc(&["compile", "--help"]);
    assert!(compile.stdout.contains("glob"), "{}", compile.stdout);

    let dir = scratch("pointers");
    write(&dir.join("x.json"), "{}");
    write(&dir.join("x.af"), "action a T1566\n");
    let check = afc_in(&dir, &["check", "x.json"]);
    assert_eq!(check.code, Some(2), "{}", check.show());
    assert!(check.stderr.contains("afc validate x.json"), "{}", check.show());
    let validate = afc_in(&dir, &["validate", "x.af"]);
    assert_eq!(validate.code, Some(2), "{}", validate.show());
    assert!(validate.stderr.contains("afc check x.af"), "{}", validate.show());
}
