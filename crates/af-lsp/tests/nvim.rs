//! End to end: the real `afc lsp` binary under headless Neovim (`tests/nvim/test.lua`): open a
//! flow with a mistake, receive its diagnostics, go to a definition, complete a technique id
//! after `action x T156`, rename a node, format. Skipped (with a message) when `nvim` or the
//! `afc` binary is missing.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const FLOW: &str = "flow \"E2E\" {\n  scope: incident\n  created: 2026-01-01T00:00:00Z\n  description: \"End to end.\"\n}\naction phish T1566.002\naction   login T1078\nphish -> logn\n";

/// The `afc` binary: `AFC_BIN`, else the one cargo built beside this test (`cargo test
/// --workspace` builds it; so does `cargo build -p afc`).
fn afc_binary() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("AFC_BIN") {
        return Some(PathBuf::from(p));
    }
    let exe = std::env::current_exe().ok()?;
    let profile_dir = exe.parent()?.parent()?;
    let candidate = profile_dir.join(format!("afc{}", std::env::consts::EXE_SUFFIX));
    candidate.is_file().then_some(candidate)
}

fn has_nvim() -> bool {
    Command::new("nvim")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn neovim_drives_afc_lsp() {
    if !has_nvim() {
        println!("skipped: `nvim` is not installed (apt-get install -y neovim)");
        return;
    }
    let Some(afc) = afc_binary() else {
        println!("skipped: the afc binary is not built (run `cargo build -p afc` or set AFC_BIN)");
        return;
    };
    let dir = std::env::temp_dir().join(format!("af-lsp-nvim-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let file = dir.join("flow.af");
    std::fs::write(&file, FLOW).unwrap_or_else(|e| panic!("{e}"));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/nvim/test.lua");
    let mut child = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("AFC_BIN", &afc)
        .env("AFC_E2E_FILE", &file)
        .env("AFC_E2E_OUT", &dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run nvim: {e}"));
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if started.elapsed() > Duration::from_secs(120) => {
                let _ = child.kill();
                panic!("nvim did not finish within 120 s");
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => panic!("waiting for nvim: {e}"),
        }
    }
    let result = std::fs::read_to_string(dir.join("result.txt")).unwrap_or_else(|e| panic!("no result: {e}"));
    let final_text = std::fs::read_to_string(dir.join("final.af")).unwrap_or_default();
    println!("{result}");
    let lines: Vec<&str> = result.lines().collect();
    assert!(!result.contains("error "), "{result}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("diagnostics ") && l.contains("E0105")),
        "{result}"
    );
    assert!(lines.contains(&"definition 5:7"), "{result}");
    assert!(lines.contains(&"completion action x T1566"), "{result}");
    assert!(lines.contains(&"renamed"), "{result}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("formatted ") && *l != "formatted 0"),
        "{result}"
    );
    assert!(
        final_text.contains("action lure T1566.002") && final_text.contains("lure -> logn"),
        "{final_text}"
    );
    assert!(!final_text.contains("phish"), "{final_text}");
    assert!(final_text.contains("action x T1566\n"), "{final_text}");
    assert_eq!(
        af_fmt::format_source(&final_text).ok().as_deref(),
        Some(final_text.as_str()),
        "not formatted"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
