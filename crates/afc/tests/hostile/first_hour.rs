//! Issue 13, items 2, 8 and 10: `compile` keeps standard output for the bundle, `import dir/`
//! takes Builder files, missing inputs are not clean files, and help points the way.

use crate::harness::{afc, listing, read, s, scratch, write};
use std::path::Path;

use crate::files::hand_written;

// ---- issue 13, item 2: compile keeps standard output for the bundle ----

#[test]
fn compile_writes_only_the_bundle_to_stdout_in_every_format() {
    let dir = scratch("compile-stdout");
    let flow = dir.join("f.af");
    // A warning (a revoked technique), so that there is something to report.
    write(&flow, format!("{}\naction old T1073\n", hand_written("W")));
    for format in ["human", "json", "sarif", "github", "junit"] {
        let r = afc(&["compile", s(&flow), "--format", format]).run();
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
    ])
    .run();
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
    let r = afc(&["import", "in", "--out-dir", "out"]).dir(&dir).run();
    assert_eq!(r.code, Some(0), "{}", r.show());
    assert_eq!(listing(&dir.join("out")), ["small.af"]);
}

#[test]
fn missing_inputs_are_not_counted_as_clean_files() {
    let dir = scratch("missing");
    write(&dir.join("ok.af"), hand_written("OK"));
    let r = afc(&["check", "ok.af", "nope.af"]).dir(&dir).run();
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
        let r = afc(&[sub, "--help"]).run();
        assert_eq!(r.code, Some(0), "{sub}");
        assert!(
            r.stdout.contains("Example"),
            "{sub} --help has no examples:\n{}",
            r.stdout
        );
    }
    let compile = afc(&["compile", "--help"]).run();
    assert!(compile.stdout.contains("glob"), "{}", compile.stdout);

    let dir = scratch("pointers");
    write(&dir.join("x.json"), "{}");
    write(&dir.join("x.af"), "action a T1566\n");
    let check = afc(&["check", "x.json"]).dir(&dir).run();
    assert_eq!(check.code, Some(2), "{}", check.show());
    assert!(check.stderr.contains("afc validate x.json"), "{}", check.show());
    let validate = afc(&["validate", "x.af"]).dir(&dir).run();
    assert_eq!(validate.code, Some(2), "{}", validate.show());
    assert!(validate.stderr.contains("afc check x.af"), "{}", validate.show());
}
