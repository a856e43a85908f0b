//! Issue 12, items 13, 14 and the CR part of 15: what afc prints for people cannot drive the
//! terminal, a failed write is exit 2, and a lone CR ends a line.

use crate::files::hand_written;
use crate::harness::{afc, s, scratch, write};

// ---- issue 12, item 13: control characters ----

#[test]
fn control_characters_never_reach_the_terminal() {
    let dir = scratch("escapes");
    let flow = dir.join("evil\u{1b}[2J.af");
    write(
        &flow,
        "action a T1566 {\n  tactic: \u{1b}[31mTA9999\n  description: \"\u{1b}]0;title\u{7}\"\n}\n\u{1b}[2J\n",
    );
    let r = afc(&["check", s(&flow), "--color", "never"]).run();
    assert_eq!(r.code, Some(1), "{}", r.show());
    assert!(!r.stderr.contains('\u{1b}'), "raw ESC in {:?}", r.stderr);
    assert!(!r.stderr.contains('\u{7}'), "raw BEL in {:?}", r.stderr);
    assert!(r.stderr.contains('␛'), "{}", r.stderr);

    // With colour, the only escape sequences are afc's own colours (`ESC [ … m`).
    let coloured = afc(&["check", s(&flow), "--color", "always"]).run();
    assert_only_colours(&coloured.stderr);
}

/// Every ESC in `text` starts one of afc's colour codes (`ESC [ digits;… m`).
fn assert_only_colours(text: &str) {
    let mut rest = text;
    while let Some(at) = rest.find('\u{1b}') {
        let seq = &rest[at..];
        let end = seq.find('m').unwrap_or(0);
        assert!(
            seq.starts_with("\u{1b}[") && seq[2..end].chars().all(|c| c.is_ascii_digit() || c == ';'),
            "{seq:.20?} in {text:?}"
        );
        rest = &seq[1..];
    }
}

/// `afc diff` in colour printed names and values from the flows raw (issue 12, leftover of
/// item 13): with `--color always` the text from the files is escaped as without colour.
#[test]
fn coloured_diff_escapes_text_from_the_flows() {
    let dir = scratch("diff-escapes");
    let old = dir.join("old.af");
    let new = dir.join("new.af");
    let flow = |description: &str, title: &str| {
        format!(
            "flow \"F\" {{\n  scope: incident\n  created: 2026-01-01T00:00:00Z\n}}\n\
             action a T1566 \"Phish\" {{\n  description: \"{description}\"\n}}\n\
             action b T1204 \"{title}\"\na -> b\n"
        )
    };
    write(&old, flow("plain", "Open"));
    // `ESC [2J` clears the screen, U+202E reverses what follows (written with the language's
    // `\u{…}` escapes).
    write(
        &new,
        flow("\\u{1b}[2J evil \\u{202e}txt.exe", "Open \\u{202e}fdp.exe"),
    );
    for color in ["always", "never"] {
        let r = afc(&["diff", s(&old), s(&new), "--color", color]).run();
        assert_eq!(r.code, Some(1), "{}", r.show());
        assert!(r.stdout.contains("description"), "{}", r.show());
        assert!(
            !r.stdout.contains("\u{1b}[2J"),
            "raw ESC from the flow: {:?}",
            r.stdout
        );
        assert!(
            !r.stdout.contains('\u{202e}'),
            "raw bidi override: {:?}",
            r.stdout
        );
        assert!(r.stdout.contains("\\u{202e}"), "{:?}", r.stdout);
        assert_only_colours(&r.stdout);
        if color == "always" {
            assert!(
                r.stdout.contains("\u{1b}[32m"),
                "--color always colours: {:?}",
                r.stdout
            );
        }
    }
}

/// The human reports of the analyses printed the flow's name and titles raw.
#[test]
fn analyses_escape_text_from_the_flows() {
    let dir = scratch("analysis-escapes");
    let flow = dir.join("f.af");
    write(
        &flow,
        "flow \"F\\u{1b}[2J\" {\n  scope: incident\n  created: 2026-01-01T00:00:00Z\n}\n\
         action a T1566 \"Phish \\u{202e}fdp.exe\"\naction b T1204 \"Open\"\na -> b\n",
    );
    let ids = dir.join("ids.txt");
    write(&ids, "T1566\n");
    for args in [
        vec!["paths", s(&flow)],
        vec!["mitigations", s(&flow)],
        vec!["suggest", s(&flow)],
        vec!["coverage", s(&flow), "-d", s(&ids)],
    ] {
        let r = afc(&args).run();
        assert!(matches!(r.code, Some(0 | 1)), "{args:?}: {}", r.show());
        assert!(r.stdout.contains("F␛[2J"), "{args:?}: {:?}", r.stdout);
        assert!(
            !r.stdout.contains(['\u{1b}', '\u{202e}']),
            "{args:?}: {:?}",
            r.stdout
        );
    }
}

// ---- issue 12, item 14: failed writes ----

#[cfg(target_os = "linux")]
#[test]
fn failed_writes_exit_2_without_a_panic() {
    let dir = scratch("full");
    let flow = dir.join("bad.af");
    write(&flow, "malwar m \"x\"\n");
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap_or_else(|e| panic!("/dev/full: {e}"))
    };
    let r = afc(&["check", s(&flow)]).stderr_to(full()).run();
    assert_eq!(r.code, Some(2), "stderr on /dev/full: {}", r.show());

    for args in [
        vec!["check", s(&flow), "--format", "sarif"],
        vec!["check", s(&flow), "--format", "json"],
    ] {
        let r = afc(&args).stdout_to(full()).run();
        assert_eq!(r.code, Some(2), "{args:?}: {}", r.show());
        assert!(
            r.stderr.contains("cannot write to standard output"),
            "{}",
            r.show()
        );
        assert!(!r.stderr.contains("panicked"), "{}", r.show());
    }
    let good = dir.join("good.af");
    write(&good, hand_written("G"));
    let r = afc(&["compile", s(&good)]).stdout_to(full()).run();
    assert_eq!(r.code, Some(2), "{}", r.show());

    // `attack` printed its tables and JSON ignoring errors (exit 0), and its messages with
    // `eprintln!`, which panics on a failed write (exit 101).
    for args in [
        vec!["attack", "search", "phishing"],
        vec!["attack", "show", "T1566", "--format", "json"],
        vec!["attack", "tactics"],
    ] {
        let r = afc(&args).stdout_to(full()).run();
        assert_eq!(r.code, Some(2), "{args:?}: {}", r.show());
        assert!(
            r.stderr.contains("cannot write to standard output"),
            "{}",
            r.show()
        );
    }
    let r = afc(&["attack", "show", "T9999"]).stderr_to(full()).run();
    assert_eq!(r.code, Some(2), "{}", r.show());
}

// ---- issue 12, item 15: a lone CR ends a line ----

#[test]
fn a_lone_carriage_return_ends_a_line() {
    let r = afc(&["check", "-", "--format", "json"])
        .stdin("action a T1566\rmalwar m \"x\"\r")
        .run();
    let first: serde_json::Value = r
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .find(|v: &serde_json::Value| v["code"] == "E0104")
        .unwrap_or_else(|| panic!("{}", r.show()));
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(2), Some(1)),
        "{first}"
    );
}

// ---- issue 12, item 15: what one command accepts, the others accept too ----

#[test]
fn a_bundle_with_a_byte_order_mark_is_read_by_every_command_that_reads_bundles() {
    let dir = scratch("bom");
    let flow = dir.join("flow.af");
    write(&flow, hand_written("BOM"));
    let compiled = afc(&["compile", s(&flow)]).run();
    assert_eq!(compiled.code, Some(0), "{}", compiled.show());
    let bundle = dir.join("bom.json");
    write(&bundle, format!("\u{feff}{}", compiled.stdout));
    for args in [
        vec!["validate", s(&bundle)],
        vec!["render", s(&bundle), "--to", "mermaid"],
        vec!["render", s(&bundle), "--to", "svg"],
        vec!["import", s(&bundle)],
        vec!["export", s(&bundle)],
        vec!["stats", s(&bundle)],
        vec!["diff", s(&bundle), s(&flow)],
    ] {
        let r = afc(&args).run();
        assert_eq!(r.code, Some(0), "{args:?}\n{}", r.show());
    }
}

// ---- issue 12, item 15: execution_end before execution_start ----

#[test]
fn an_execution_that_ends_before_it_starts_is_reported() {
    let r = afc(&["check", "-", "--format", "json"])
        .stdin(
            "action a T1566 {\n  execution_start: 2026-01-02T00:00:00Z\n  execution_end: 2026-01-01T00:00:00Z\n}\n",
        )
        .run();
    assert!(r.stdout.contains("\"E0302\""), "{}", r.show());
    assert_eq!(r.code, Some(1), "{}", r.show());
}
