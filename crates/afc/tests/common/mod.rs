//! What the command-line test binaries share: running the real `afc`, scratch directories,
//! text from output bytes. Each test file includes it with `mod common;`.
#![allow(dead_code)] // not every test binary uses every helper

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the `afc` built for these tests, without colour and without a user's ATT&CK bundle.
pub fn afc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_afc"))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("AFC_ATTACK_BUNDLE")
        .output()
        .expect("afc runs")
}

/// A fresh, empty directory of this test binary's own (named after it and `name`).
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "afc-{}-{name}-{}",
        env!("CARGO_CRATE_NAME"),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn p(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// The workspace root (where `examples/` is).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// What a run of `afc` gave, as text.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `afc` like [`afc`], from the workspace root, and returns its output as text.
pub fn afc_at_root(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_afc"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("AFC_ATTACK_BUNDLE")
        .output()
        .expect("afc runs");
    Run {
        code: out.status.code(),
        stdout: text(&out.stdout),
        stderr: text(&out.stderr),
    }
}
