//! The shape of the workspace that ARCHITECTURE.md promises, checked: which crate may depend
//! on which (read from `cargo metadata`, every dependency kind: normal, dev and build), and
//! that each fact with one home in the code map has no second definition in `crates/`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// (crate, crates it must never depend on, not even for tests).
const FORBIDDEN: &[(&str, &[&str])] = &[
    (
        "af-diagnostics",
        &["af-syntax", "af-stix", "af-catalog", "af-compile"],
    ),
    ("af-syntax", &["af-stix", "af-catalog", "af-compile"]),
    (
        "af-stix",
        &["af-syntax", "af-catalog", "af-compile", "af-diagnostics"],
    ),
    (
        "af-catalog",
        &["af-syntax", "af-compile", "af-diagnostics", "af-stix"],
    ),
    ("af-findings", &["af-syntax", "af-compile", "af-stix"]),
    // The one edit distance sits below everything that suggests names.
    (
        "af-suggest",
        &[
            "af-diagnostics",
            "af-syntax",
            "af-stix",
            "af-catalog",
            "af-compile",
        ],
    ),
    // The validator checks bundles from any producer: it knows nothing of the language.
    ("af-validate", &["af-compile", "af-syntax", "af-fmt", "af-import"]),
    ("af-fmt", &["af-import", "af-lsp"]),
    ("af-render", &["af-syntax", "af-lsp"]),
    ("af-analyze", &["af-syntax", "af-lsp"]),
];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// (package, dependency, kind) for every workspace package.
fn dependencies() -> Vec<(String, String, String)> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(workspace_root())
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo metadata: {e}"));
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("cargo metadata: {e}"));
    let mut deps = Vec::new();
    for p in meta["packages"].as_array().into_iter().flatten() {
        let name = p["name"].as_str().unwrap_or_default();
        for d in p["dependencies"].as_array().into_iter().flatten() {
            let kind = d["kind"].as_str().unwrap_or("normal");
            deps.push((
                name.to_string(),
                d["name"].as_str().unwrap_or_default().to_string(),
                kind.to_string(),
            ));
        }
    }
    deps
}

#[test]
fn crates_depend_only_downwards() {
    let deps = dependencies();
    assert!(
        deps.iter().any(|(p, d, _)| p == "afc" && d == "af-compile"),
        "cargo metadata lists no dependencies: {deps:?}"
    );
    let mut wrong = Vec::new();
    for (package, never) in FORBIDDEN {
        for (p, d, kind) in &deps {
            if p == package && never.contains(&d.as_str()) {
                wrong.push(format!("{p} depends on {d} ({kind})"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "dependencies against ARCHITECTURE.md:\n{}",
        wrong.join("\n")
    );
}

/// Crates that compute string distances: the workspace has its own (`af-suggest`), and a
/// second one would let did-you-means and searches disagree about what is close.
const DISTANCE_CRATES: &[&str] = &[
    "strsim",
    "levenshtein",
    "edit-distance",
    "eddie",
    "triple_accel",
    "rapidfuzz",
    "textdistance",
    "distance",
    "fuzzy-matcher",
    "sublime_fuzzy",
];

#[test]
fn one_edit_distance_dependency() {
    let deps = dependencies();
    let wrong: Vec<String> = deps
        .iter()
        .filter(|(_, d, _)| DISTANCE_CRATES.contains(&d.as_str()))
        .map(|(p, d, kind)| format!("{p} depends on {d} ({kind}); use af-suggest"))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(
        deps.iter()
            .any(|(p, d, _)| p == "af-catalog" && d == "af-suggest")
            && deps
                .iter()
                .any(|(p, d, _)| p == "af-diagnostics" && d == "af-suggest"),
        "the catalog's search and the did-you-means measure with af-suggest"
    );
}

/// Every `.rs` file under `crates/*/src` (generated tables and tests included, since a copy
/// there drifts as well).
fn sources() -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![workspace_root().join("crates")];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            let name = e.file_name();
            if path.is_dir() {
                if name != "target" && name != "node_modules" {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|x| x == "rs")
                && path.components().any(|c| c.as_os_str() == "src")
            {
                if let Ok(text) = std::fs::read_to_string(&path) {
                    out.push((path, text));
                }
            }
        }
    }
    out.sort();
    out
}

/// (what, a pattern that a definition of it contains, the one file allowed to hold it,
/// whether that file holds the pattern itself; the other patterns are spellings copies had).
const ONE_HOME: &[(&str, &str, &str, bool)] = &[
    (
        "edit distance",
        "fn edit_distance(",
        "af-suggest/src/lib.rs",
        true,
    ),
    ("did-you-mean", "fn closest<", "af-suggest/src/lib.rs", true),
    ("edit distance", "fn levenshtein", "af-suggest/src/lib.rs", false),
    ("edit distance", "fn damerau", "af-suggest/src/lib.rs", false),
    ("edit distance", "fn osa_distance", "af-suggest/src/lib.rs", false),
    ("edit distance", "fn jaro", "af-suggest/src/lib.rs", false),
    ("edit distance", "fn hamming", "af-suggest/src/lib.rs", false),
    (
        "kind word → STIX type",
        "(\"action\", \"attack-action\")",
        "af-stix/src/language.rs",
        true,
    ),
    (
        "kind word → STIX type",
        "\"attack-action\" => \"action\"",
        "af-stix/src/language.rs",
        false,
    ),
    (
        "flow node types",
        "FLOW_NODE_TYPES: &[&str]",
        "af-stix/src/flow.rs",
        true,
    ),
    (
        "flow node types",
        "FLOW_TYPES: &[&str]",
        "af-stix/src/flow.rs",
        false,
    ),
    (
        "the Builder-branch test",
        "fn is_builder_branch(",
        "af-stix/src/flow.rs",
        true,
    ),
    (
        "reference keys",
        "ends_with(\"_refs\")",
        "af-stix/src/refs.rs",
        true,
    ),
    (
        "reference keys",
        "ends_with(\"_ref\")",
        "af-stix/src/refs.rs",
        true,
    ),
    (
        "header and node sugar",
        "const SUGAR: &[Sugar]",
        "af-stix/src/language.rs",
        true,
    ),
];

#[test]
fn each_fact_has_one_definition() {
    let files = sources();
    assert!(files.len() > 50, "found only {} source files", files.len());
    let mut wrong = Vec::new();
    for (what, pattern, home, defined_there) in ONE_HOME {
        let home_holds = files.iter().any(|(path, text)| {
            path.to_string_lossy().replace('\\', "/").ends_with(home) && text.contains(pattern)
        });
        if *defined_there && !home_holds {
            wrong.push(format!(
                "{what}: `{pattern}` is no longer in crates/{home}; update this test"
            ));
        }
        for (path, text) in &files {
            let p = path.to_string_lossy().replace('\\', "/");
            if text.contains(pattern) && !p.ends_with(home) && !p.ends_with("tests/layering.rs") {
                wrong.push(format!("{what}: `{pattern}` in {p} (its home is crates/{home})"));
            }
        }
    }
    assert!(wrong.is_empty(), "second copies:\n{}", wrong.join("\n"));
}
