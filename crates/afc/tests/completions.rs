//! `afc completions` and `afc man`, run as the built binary. The bash script is loaded into a
//! real bash, which is asked for the completions of `afc ren` the way readline asks on TAB
//! (`tests/bash_completion.py`, run by `.ci/run`, types the TAB into an interactive bash).

use std::process::{Command, Stdio};

fn afc(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_afc"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run afc: {e}"));
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs bash on a script; `None` when there is no bash.
fn bash(script: &str) -> Option<String> {
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", script])
        .stdin(Stdio::null())
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "bash failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The completions bash offers for a command line whose last word is being typed.
fn bash_complete(line: &str) -> Option<Vec<String>> {
    let dir = std::env::temp_dir().join(format!("afc-completions-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let script = dir.join("afc.bash");
    let (code, text, err) = afc(&["completions", "bash"]);
    assert_eq!(code, Some(0), "{err}");
    std::fs::write(&script, text).expect("write script");
    let words: Vec<&str> = line.split(' ').collect();
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "source '{}'\nCOMP_WORDS=({})\nCOMP_CWORD={}\nCOMP_LINE='{line}'\nCOMP_POINT=${{#COMP_LINE}}\n_afc afc '{}' '{}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        quoted.join(" "),
        words.len() - 1,
        words[words.len() - 1],
        words[words.len().saturating_sub(2)],
    );
    bash(&program).map(|out| out.lines().map(|l| l.trim().to_string()).collect())
}

#[test]
fn every_shell_gets_a_script_naming_the_commands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, text, err) = afc(&["completions", shell]);
        assert_eq!(code, Some(0), "{shell}: {err}");
        for command in ["compile", "check", "validate", "render"] {
            assert!(text.contains(command), "{shell} script lacks {command}");
        }
    }
    let (code, _, err) = afc(&["completions", "tcsh"]);
    assert_eq!(code, Some(2), "unknown shells are usage errors");
    assert!(err.contains("bash"), "the error lists the shells: {err}");
}

#[test]
fn bash_completes_ren_to_render() {
    let Some(words) = bash_complete("afc ren") else {
        eprintln!("skipped: bash is not installed");
        return;
    };
    assert_eq!(words, vec!["render"]);
    let words = bash_complete("afc check --for").expect("bash ran before");
    assert_eq!(words, vec!["--format"]);
    let words = bash_complete("afc check --format j").expect("bash ran before");
    assert_eq!(words, vec!["json", "junit"]);
}

#[test]
fn man_page_names_every_command() {
    let (code, page, err) = afc(&["man"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(page.contains(".TH afc 1"), "roff: {page}");
    for command in ["compile", "check", "validate", "render", "completions"] {
        assert!(page.contains(command), "afc.1 lacks {command}");
    }
    let dir = std::env::temp_dir().join(format!("afc-man-{}", std::process::id()));
    let (code, _, err) = afc(&["man", "--out-dir", &dir.to_string_lossy()]);
    assert_eq!(code, Some(0), "{err}");
    let compile = std::fs::read_to_string(dir.join("afc-compile.1")).expect("afc-compile.1");
    assert!(compile.contains(".TH afc-compile 1"), "{compile}");
    assert!(compile.contains("afc compile"), "synopsis names the command");
    assert!(
        !dir.join("afc-help.1").exists(),
        "no page for the help pseudo-command"
    );
}
