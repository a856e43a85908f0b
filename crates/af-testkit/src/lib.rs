//! Test helpers shared by the afc crates' test suites (used only as a dev-dependency).
//!
//! It finds the shared reference folder (`shared/`, see [`shared_dir`]) and checks STIX
//! bundles against the official Attack Flow 2.0.0 JSON schema and the OASIS STIX 2.1 JSON
//! schemas kept there ([`SchemaSet`]). All schema references are resolved to local files: no
//! network access is ever attempted.
//!
//! It also lists files of the repository for the suites that go over them
//! ([`workspace_root`], [`files_in`], [`example_flows`]).
//!
//! This crate must not know about the flow language, the compiler or any afc crate: it only
//! sees JSON values, schema files and file names.

mod schemas;

pub use schemas::SchemaSet;

use std::path::{Path, PathBuf};

/// Name of the environment variable that points at the shared reference folder.
pub const SHARED_ENV: &str = "AFC_SHARED";

/// The root of the afc workspace.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The files directly in `dir` whose extension is `ext`, sorted; none when `dir` is absent.
pub fn files_in(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == ext))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// The example flows, `examples/*.af`, sorted.
pub fn example_flows() -> Vec<PathBuf> {
    files_in(&workspace_root().join("examples"), "af")
}

/// Finds the shared reference folder: `$AFC_SHARED`, else `<workspace root>/../shared`;
/// `None` when that folder is absent.
pub fn shared_dir() -> Option<PathBuf> {
    locate_shared().ok()
}

/// Returns the shared folder, or prints `skipped: <why>` (naming the test) and returns
/// `None` when it is absent. Use at the top of tests that need `shared/`.
pub fn shared_or_skip(test_name: &str) -> Option<PathBuf> {
    match locate_shared() {
        Ok(dir) => Some(dir),
        Err(why) => {
            println!("skipped: {test_name}: {why}");
            None
        }
    }
}

/// Resolves the shared folder, or explains why it is not there.
fn locate_shared() -> Result<PathBuf, String> {
    let (dir, origin) = match std::env::var_os(SHARED_ENV) {
        Some(value) if !value.is_empty() => (PathBuf::from(value), format!("${SHARED_ENV}")),
        _ => (
            workspace_root().join("../shared"),
            format!("<workspace root>/../shared (set ${SHARED_ENV} to override)"),
        ),
    };
    if dir.is_dir() {
        Ok(dir)
    } else {
        Err(format!(
            "shared reference folder not found at {} from {origin}",
            dir.display()
        ))
    }
}

/// A bundle's text as a value in which order carries no meaning: its objects sorted by id,
/// and the `object_refs` of each report sorted. STIX gives neither order a meaning, and
/// `afc import` writes declarations in flow order, so a round trip (compile, import,
/// compile) gives the same objects, possibly in another order. Panics on text that is not
/// JSON (a test failure).
pub fn unordered_bundle(text: &str) -> serde_json::Value {
    let mut bundle: serde_json::Value =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("not a JSON bundle: {e}"));
    if let Some(objects) = bundle
        .get_mut("objects")
        .and_then(serde_json::Value::as_array_mut)
    {
        for o in objects.iter_mut() {
            if o.get("type").and_then(serde_json::Value::as_str) == Some("report") {
                if let Some(refs) = o.get_mut("object_refs").and_then(serde_json::Value::as_array_mut) {
                    refs.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                }
            }
        }
        objects.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    }
    bundle
}
