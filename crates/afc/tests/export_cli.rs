//! `afc export --to afb` run as the built binary: files and exit codes; `afc import` of the
//! export compiles to the same bundle; and the reference check with the Attack Flow Builder's
//! own loader and STIX exporter (`shared/builder-cli`, run with Node when it is installed).

use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn afc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_afc"))
        .args(args)
        .env_remove("AFC_ATTACK_BUNDLE")
        .env_remove("SOURCE_DATE_EPOCH")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run afc: {e}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh scratch directory under the target directory.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("export-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

fn objects_by_id(bundle: &str) -> BTreeMap<String, Json> {
    let v: Json = serde_json::from_str(bundle).unwrap_or_else(|e| panic!("not JSON: {e}"));
    v["objects"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|o| Some((o["id"].as_str()?.to_string(), o.clone())))
        .collect()
}

/// The inputs of the reference checks: every example, and every corpus bundle when the shared
/// folder is there.
fn flows() -> Vec<PathBuf> {
    let mut out = af_testkit::example_flows();
    if let Some(shared) = af_testkit::shared_dir() {
        out.extend(af_testkit::files_in(&shared.join("corpus/stix"), "json"));
    }
    out
}

/// The bundle afc makes of an input: compiled for `.af`, the file itself for a bundle.
fn bundle_of(path: &Path) -> String {
    if path.extension().is_some_and(|e| e == "json") {
        return std::fs::read_to_string(path).expect("readable bundle");
    }
    let out = afc(&["compile", &path.display().to_string()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}: {}",
        path.display(),
        text(&out.stderr)
    );
    text(&out.stdout)
}

#[test]
fn export_writes_a_file_or_stdout_and_refuses_broken_flows() {
    let dir = scratch("files");
    let example = af_testkit::example_flows()
        .into_iter()
        .next()
        .expect("an example")
        .display()
        .to_string();
    let out_file = dir.join("flow.afb");
    let run = afc(&[
        "export",
        "--to",
        "afb",
        &example,
        "-o",
        &out_file.display().to_string(),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let written = std::fs::read_to_string(&out_file).expect("written");
    let file: Json = serde_json::from_str(&written).expect("JSON");
    assert_eq!(file["schema"], "attack_flow_v2");
    // Standard output with one input, and the same bytes.
    let run = afc(&["export", &example]);
    assert_eq!(run.status.code(), Some(0));
    assert_eq!(text(&run.stdout), written);
    // Several inputs go to --out-dir as NAME.afb.
    let examples: Vec<String> = af_testkit::example_flows()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let mut args = vec!["export", "--out-dir"];
    let out_dir = dir.join("all").display().to_string();
    args.push(&out_dir);
    args.extend(examples.iter().map(String::as_str));
    let run = afc(&args);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    assert_eq!(
        std::fs::read_dir(dir.join("all")).map(|d| d.count()).unwrap_or(0),
        examples.len()
    );
    // A flow with errors is reported and nothing is written; exit 1.
    let broken = dir.join("broken.af");
    std::fs::write(&broken, "flow \"B\" {}\naction a T9999\n").expect("write");
    let target = dir.join("broken.afb");
    let run = afc(&[
        "export",
        &broken.display().to_string(),
        "-o",
        &target.display().to_string(),
    ]);
    assert_eq!(run.status.code(), Some(1));
    assert!(text(&run.stderr).contains("E0401"), "{}", text(&run.stderr));
    assert!(!target.exists());
    // A missing input is an I/O error: exit 2.
    let run = afc(&["export", &dir.join("nope.af").display().to_string()]);
    assert_eq!(run.status.code(), Some(2));
}

/// `afc import (afc export x)` compiles to the same bundle as `x`, for every example and
/// corpus bundle, through the real binary.
#[test]
fn import_of_the_export_compiles_to_the_same_bundle() {
    let dir = scratch("round-trip");
    for (n, path) in flows().iter().enumerate() {
        let name = path.display().to_string();
        let afb = dir.join(format!("{n}.afb"));
        let af = dir.join(format!("{n}.af"));
        let run = afc(&["export", &name, "-o", &afb.display().to_string()]);
        assert_eq!(run.status.code(), Some(0), "{name}: {}", text(&run.stderr));
        let run = afc(&[
            "import",
            &afb.display().to_string(),
            "-o",
            &af.display().to_string(),
        ]);
        assert_eq!(run.status.code(), Some(0), "{name}: {}", text(&run.stderr));
        assert!(
            !text(&run.stderr).contains("round trip:"),
            "{name}: {}",
            text(&run.stderr)
        );
        let back = afc(&["compile", &af.display().to_string()]);
        assert_eq!(back.status.code(), Some(0), "{name}: {}", text(&back.stderr));
        assert_eq!(
            objects_by_id(&bundle_of(path)),
            objects_by_id(&text(&back.stdout)),
            "{name}: the import of the export compiles to other objects"
        );
    }
}

/// What the reference check compares: actions (name, technique, tactic), conditions,
/// operators, assets, and the flow's edges (a branch as the Builder writes it, a `related-to`
/// relationship from a condition to a step, counts as that branch).
#[derive(Debug, PartialEq, Eq)]
struct FlowShape {
    actions: BTreeMap<String, (Json, Json, Json)>,
    conditions: BTreeMap<String, Json>,
    operators: BTreeMap<String, Json>,
    assets: BTreeMap<String, Json>,
    effects: BTreeSet<(String, String)>,
    branches: BTreeSet<(String, String)>,
}

fn shape(bundle: &str) -> FlowShape {
    let objects = objects_by_id(bundle);
    let ty = |id: &str| objects.get(id).and_then(|o| o["type"].as_str()).unwrap_or("");
    let step = |id: &str| matches!(ty(id), "attack-action" | "attack-operator" | "attack-condition");
    let mut s = FlowShape {
        actions: BTreeMap::new(),
        conditions: BTreeMap::new(),
        operators: BTreeMap::new(),
        assets: BTreeMap::new(),
        effects: BTreeSet::new(),
        branches: BTreeSet::new(),
    };
    let ids = |v: &Json| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect()
    };
    for (id, o) in &objects {
        match o["type"].as_str().unwrap_or("") {
            "attack-action" => {
                s.actions.insert(
                    id.clone(),
                    (
                        o["name"].clone(),
                        o["technique_id"].clone(),
                        o["tactic_id"].clone(),
                    ),
                );
            }
            "attack-condition" => {
                s.conditions.insert(id.clone(), o["description"].clone());
            }
            "attack-operator" => {
                s.operators.insert(id.clone(), o["operator"].clone());
            }
            "attack-asset" => {
                s.assets.insert(id.clone(), o["name"].clone());
            }
            "relationship" => {
                let (src, dst) = (
                    o["source_ref"].as_str().unwrap_or(""),
                    o["target_ref"].as_str().unwrap_or(""),
                );
                if o["relationship_type"] == "related-to" && ty(src) == "attack-condition" && step(dst) {
                    s.branches.insert((src.to_string(), dst.to_string()));
                }
            }
            _ => {}
        }
        for target in ids(&o["effect_refs"]) {
            s.effects.insert((id.clone(), target));
        }
        for key in ["on_true_refs", "on_false_refs"] {
            for target in ids(&o[key]) {
                s.branches.insert((id.clone(), target));
            }
        }
    }
    s
}

/// The Builder CLI with its dependency installed: `$AFC_BUILDER_CLI`, else
/// `$AFC_SHARED/builder-cli` when `npm ci` was run there.
fn builder_cli() -> Result<PathBuf, String> {
    let dir = match std::env::var_os("AFC_BUILDER_CLI") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => af_testkit::shared_dir()
            .ok_or("no shared folder and AFC_BUILDER_CLI is not set")?
            .join("builder-cli"),
    };
    if !dir.join("cli.mjs").is_file() {
        return Err(format!("no cli.mjs in {}", dir.display()));
    }
    if !dir.join("node_modules/commander").is_dir() {
        return Err(format!(
            "the Builder CLI in {} has no node_modules (run `npm ci` in a copy and set AFC_BUILDER_CLI)",
            dir.display()
        ));
    }
    let node = Command::new("node").arg("--version").output();
    if !node.is_ok_and(|o| o.status.success()) {
        return Err("node is not installed".into());
    }
    Ok(dir)
}

/// Every example and corpus flow exported by afc loads in the Attack Flow Builder's own
/// loader, and the Builder's STIX export has the same actions, conditions, operators, assets
/// and branches as afc's compile.
#[test]
fn the_builder_loads_every_export_with_the_same_flow() {
    let cli = match builder_cli() {
        Ok(dir) => dir,
        Err(why) => {
            println!("skipped: the_builder_loads_every_export_with_the_same_flow: {why}");
            return;
        }
    };
    let dir = scratch("builder");
    for (n, path) in flows().iter().enumerate() {
        let name = path.display().to_string();
        let afb = dir.join(format!("{n}.afb"));
        let run = afc(&["export", &name, "-o", &afb.display().to_string()]);
        assert_eq!(run.status.code(), Some(0), "{name}: {}", text(&run.stderr));
        let builder = Command::new("node")
            .arg(cli.join("cli.mjs"))
            .arg("export-stix")
            .arg(&afb)
            .output()
            .unwrap_or_else(|e| panic!("cannot run node: {e}"));
        assert!(
            builder.status.success() && builder.stderr.is_empty(),
            "{name}: the Builder could not load the export: {}{}",
            text(&builder.stdout),
            text(&builder.stderr)
        );
        let stix = std::fs::read_to_string(afb.with_extension("json"))
            .unwrap_or_else(|e| panic!("{name}: the Builder wrote no STIX: {e}"));
        assert_eq!(
            shape(&bundle_of(path)),
            shape(&stix),
            "{name}: the Builder's STIX differs from afc's compile"
        );
    }
}
