//! docs/workflows.md really runs: its `sh` blocks, in order, in an empty directory with this
//! afc first on `PATH`; the report it shows in its `text` block is the one afc prints.

use std::process::Command;

fn blocks(doc: &str, lang: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in doc.lines() {
        match &mut current {
            None if line.trim_end() == format!("```{lang}") => current = Some(String::new()),
            Some(text) if line.trim_end() == "```" => {
                out.push(std::mem::take(text));
                current = None;
            }
            Some(text) => {
                text.push_str(line);
                text.push('\n');
            }
            None => {}
        }
    }
    out
}

#[test]
fn the_walkthrough_runs_as_written() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("the_walkthrough_runs_as_written: skipped: git is not installed");
        return;
    }
    let doc = std::fs::read_to_string(af_testkit::workspace_root().join("docs/workflows.md")).expect("doc");
    let script = blocks(&doc, "sh").join("\n");
    assert!(script.contains("afc diff HEAD flows/phish.af"));
    let dir = std::env::temp_dir().join(format!("afc-workflows-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_afc"))
        .parent()
        .expect("bin dir")
        .to_path_buf();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(&dir)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", &dir)
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
    let shown = blocks(&doc, "text");
    assert!(
        stdout.contains(&shown[0]),
        "the doc shows:\n{}\nafc printed:\n{stdout}",
        shown[0]
    );
    assert!(
        stdout.contains(&shown[1]),
        "the doc shows:\n{}\nafc migrate printed:\n{stdout}",
        shown[1]
    );
    // Fixed and migrated: nothing left to fix, the picture and the patches written.
    let fixed = std::fs::read_to_string(dir.join("flows/sideload.af")).expect("sideload.af");
    assert!(
        fixed.contains("action mail T1566.001") && fixed.contains("operator both AND"),
        "{fixed}"
    );
    assert!(fixed.contains("# revoked since"), "{fixed}");
    assert!(std::fs::read_to_string(dir.join("fixes.patch")).is_ok_and(|p| p.contains("+action mail")));
    for svg in ["stats.svg", "change.svg"] {
        assert!(
            std::fs::read_to_string(dir.join(svg)).is_ok_and(|s| s.starts_with("<svg")),
            "{svg}"
        );
    }
    assert!(
        stdout.contains("### Attack flow changes: `flows/phish.af`"),
        "{stdout}"
    );
    assert!(stdout.contains("Techniques (3 of 5)"), "{stdout}");
    let csv = std::fs::read_to_string(dir.join("stats.csv")).expect("stats.csv");
    assert_eq!(csv.lines().filter(|l| l.starts_with("techniques,")).count(), 5);
    let review = std::fs::read_to_string(dir.join("review.txt")).expect("review.txt");
    assert!(review.contains("» action creds → dump_lsass"), "{review}");
    let _ = std::fs::remove_dir_all(&dir);
}
