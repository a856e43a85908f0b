//! Every command in docs/analysis.md runs, and prints exactly what the page shows.

use std::path::Path;
use std::process::Command;

#[test]
fn every_command_in_analysis_md_prints_what_the_page_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let doc = std::fs::read_to_string(root.join("docs/analysis.md")).expect("docs/analysis.md");
    let tmp = std::env::temp_dir().join(format!("afc-analysis-docs-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("temp dir");
    let mut ran = 0;
    for block in doc.split("```console\n").skip(1) {
        let body = block.split("```").next().unwrap_or_default();
        let mut lines = body.lines();
        let command = lines
            .next()
            .and_then(|l| l.strip_prefix("$ afc "))
            .expect("a `$ afc …` line");
        let expected: String = lines.map(|l| format!("{l}\n")).collect();
        let mut args: Vec<String> = command.split_whitespace().map(String::from).collect();
        for i in 1..args.len() {
            if args[i - 1] == "-o" {
                args[i] = tmp.join(&args[i]).display().to_string();
            }
        }
        let out = Command::new(env!("CARGO_BIN_EXE_afc"))
            .args(&args)
            .current_dir(&root)
            .env("NO_COLOR", "1")
            .env_remove("AFC_ATTACK_BUNDLE")
            .output()
            .expect("run afc");
        let stdout = String::from_utf8_lossy(&out.stdout);
        if expected.is_empty() {
            let want = if command.contains("--fail-on-gaps") { 1 } else { 0 };
            assert_eq!(
                out.status.code(),
                Some(want),
                "afc {command}\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        } else {
            assert_eq!(out.status.code(), Some(0), "afc {command}");
            assert_eq!(stdout, expected, "afc {command}");
        }
        ran += 1;
    }
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(ran >= 6, "{ran} commands");
}
