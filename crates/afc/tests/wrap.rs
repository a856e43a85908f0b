//! `afc compile --wrap report` as the built binary: the report refers to every object and
//! carries the flow's name, description, dates, author and markings; the wrapped bundle
//! validates (`afc validate`, the official schemas), renders as the flow alone, and imports
//! back to a flow that compiles, wrapped again, to the same bytes.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn afc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_afc"))
        .args(args)
        .env_remove("AFC_ATTACK_BUNDLE")
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run afc: {e}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

fn objects(bundle: &Value) -> &Vec<Value> {
    bundle["objects"]
        .as_array()
        .unwrap_or_else(|| panic!("no objects"))
}

#[test]
fn wrapped_examples_validate_and_import_back() {
    let dir = scratch("wrap-examples");
    let schemas = af_testkit::shared_or_skip("wrapped bundles against the official schemas")
        .map(|shared| af_testkit::SchemaSet::cached(&shared).unwrap_or_else(|e| panic!("schemas: {e}")));
    for path in af_testkit::example_flows() {
        let name = path.display().to_string();
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let wrapped = dir.join(format!("{stem}.json"));
        let run = afc(&[
            "compile",
            &name,
            "--wrap",
            "report",
            "-o",
            &wrapped.display().to_string(),
        ]);
        assert_eq!(run.status.code(), Some(0), "{name}: {}", text(&run.stderr));
        let json = std::fs::read_to_string(&wrapped).unwrap_or_else(|e| panic!("{e}"));
        let bundle: Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name}: {e}"));

        // The report is last, refers to every other object once, and carries the flow.
        let objs = objects(&bundle);
        let report = objs.last().unwrap_or_else(|| panic!("{name}: empty bundle"));
        assert_eq!(report["type"], "report", "{name}");
        let ids: Vec<&Value> = objs[..objs.len() - 1].iter().map(|o| &o["id"]).collect();
        let refs: Vec<&Value> = report["object_refs"]
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        assert_eq!(refs, ids, "{name}: object_refs");
        let flow = objs
            .iter()
            .find(|o| o["type"] == "attack-flow")
            .unwrap_or_else(|| panic!("{name}: no flow"));
        for key in [
            "name",
            "description",
            "created",
            "created_by_ref",
            "object_marking_refs",
        ] {
            assert_eq!(report[key], flow[key], "{name}: {key}");
        }
        assert_eq!(report["published"], flow["modified"], "{name}: published");

        // Deterministic: compiling again gives the same bytes.
        let again = afc(&["compile", &name, "--wrap", "report"]);
        assert_eq!(text(&again.stdout), json, "{name}: not deterministic");

        // afc validate accepts it without a single finding.
        let run = afc(&["validate", &wrapped.display().to_string()]);
        assert_eq!(run.status.code(), Some(0), "{name}: {}", text(&run.stderr));
        assert!(
            text(&run.stderr).contains("0 errors, 0 warnings"),
            "{name}: {}",
            text(&run.stderr)
        );
        if let Some(schemas) = &schemas {
            let problems = schemas.validate_bundle(&bundle);
            assert!(problems.is_empty(), "{name}: {problems:#?}");
        }

        // afc render draws the flow, not the report around it.
        let bare = dir.join(format!("{stem}-bare.json"));
        let run = afc(&["compile", &name, "-o", &bare.display().to_string()]);
        assert_eq!(run.status.code(), Some(0));
        for to in ["mermaid", "svg"] {
            let a = afc(&["render", &wrapped.display().to_string(), "--to", to]);
            let b = afc(&["render", &bare.display().to_string(), "--to", to]);
            assert_eq!(a.status.code(), Some(0), "{name}: {}", text(&a.stderr));
            assert_eq!(text(&a.stdout), text(&b.stdout), "{name}: {to} differs");
        }

        // afc import takes the report off (saying so), and wrapping the import again gives
        // the same bundle.
        let imported = dir.join(format!("{stem}.af"));
        let run = afc(&[
            "import",
            &wrapped.display().to_string(),
            "-o",
            &imported.display().to_string(),
        ]);
        assert_eq!(run.status.code(), Some(0), "{name}: {}", text(&run.stderr));
        assert!(
            text(&run.stderr).contains("--wrap report"),
            "{name}: no note about the report: {}",
            text(&run.stderr)
        );
        let source = std::fs::read_to_string(&imported).unwrap_or_default();
        assert!(!source.contains("\nreport "), "{name}: the report became a node");
        let back = afc(&["compile", &imported.display().to_string(), "--wrap", "report"]);
        assert_eq!(back.status.code(), Some(0), "{name}: {}", text(&back.stderr));
        assert_eq!(
            text(&back.stdout),
            json,
            "{name}: import, compile --wrap report differs"
        );
    }
}

#[test]
fn an_edited_report_stays_a_node_and_cannot_be_wrapped_twice() {
    let dir = scratch("wrap-edited");
    let example = af_testkit::workspace_root().join("examples/bec-invoice-fraud.af");
    let run = afc(&["compile", &example.display().to_string(), "--wrap", "report"]);
    let mut bundle: Value = serde_json::from_str(&text(&run.stdout)).unwrap_or_else(|e| panic!("{e}"));
    if let Some(Value::Object(report)) = bundle["objects"].as_array_mut().and_then(|a| a.last_mut()) {
        report.insert("name".into(), Value::from("Edited by an analyst"));
    }
    let edited = dir.join("edited.json");
    std::fs::write(&edited, serde_json::to_string_pretty(&bundle).unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}"));
    let flow = dir.join("edited.af");
    let run = afc(&[
        "import",
        &edited.display().to_string(),
        "-o",
        &flow.display().to_string(),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let source = std::fs::read_to_string(&flow).unwrap_or_default();
    assert!(source.contains("\nreport "), "{source}");
    // The file compiles to the edited report; wrapping it again would repeat the report's id.
    let run = afc(&["compile", &flow.display().to_string()]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let run = afc(&["compile", &flow.display().to_string(), "--wrap", "report"]);
    assert_eq!(run.status.code(), Some(1));
    let err = text(&run.stderr);
    assert!(
        err.contains("cannot wrap in a report") && err.contains("already has the id"),
        "{err}"
    );
    assert!(run.stdout.is_empty());
}
