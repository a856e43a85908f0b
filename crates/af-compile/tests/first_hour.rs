//! What a new user meets first (issue 13): the README's first flow compiles, one syntax error
//! does not hide a declaration, an explicit `start_refs` gets one clear warning per part of
//! the flow it misses, and the Attack Flow Builder's confidence words are accepted.

use af_compile::{compile_str, Compiled, Options};
use af_diagnostics::{Diagnostic, Edit, Severity};

fn compile(source: &str) -> Compiled {
    compile_str(source, &Options::default())
}

fn codes(diags: &[Diagnostic]) -> Vec<&'static str> {
    diags.iter().map(|d| d.code).collect()
}

/// `source` with the edits of a fix applied (from the end, so spans stay valid).
fn apply(source: &str, edits: &[Edit]) -> String {
    let mut out = source.to_string();
    let mut edits = edits.to_vec();
    edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
    for e in edits {
        out.replace_range(e.span.clone(), &e.replacement);
    }
    out
}

const HEAD: &str =
    "flow \"F\" {\n  scope: incident\n  created: 2026-01-01T00:00:00Z\n  description: \"d\"\n}\n";

/// The first ```af block of README.md.
fn readme_first_flow() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let start = text.find("```af\n").map(|i| i + 6).unwrap_or_default();
    let end = text[start..].find("```").map_or(start, |i| start + i);
    text[start..end].to_string()
}

#[test]
fn the_readme_flow_compiles_and_starts_at_its_first_step() {
    let readme = readme_first_flow();
    assert!(readme.starts_with("flow "), "{readme}");
    // As printed, the README says where the flow starts: nothing to report.
    assert!(
        compile(&readme).diagnostics.is_empty(),
        "{:#?}",
        compile(&readme).diagnostics
    );
    // Without its `start_refs` line every step is on the retry loop: the flow starts at the
    // first one, and a note says so.
    let source: String = readme
        .lines()
        .filter(|l| !l.trim_start().starts_with("start_refs:"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(
        source, readme,
        "the README flow has no start_refs line to take out"
    );
    let compiled = compile(&source);
    let problems: Vec<_> = compiled
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Note)
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(codes(&compiled.diagnostics), ["N0111"]);
    assert!(compiled.diagnostics[0].message.contains("`phish`"));
    let flow = compiled
        .objects
        .iter()
        .find(|o| o.get_str("type") == Some("attack-flow"))
        .cloned()
        .unwrap_or_default();
    let phish = compiled
        .objects
        .iter()
        .find(|o| o.get_str("technique_id") == Some("T1566.002"))
        .and_then(|o| o.get_str("id").map(str::to_string))
        .unwrap_or_default();
    assert_eq!(
        flow.get("start_refs").map(|v| v.to_value().to_string()),
        Some(format!("[\"{phish}\"]"))
    );
}

#[test]
fn a_flow_without_any_step_is_one_error() {
    let compiled = compile(&format!("{HEAD}asset server \"File server\"\nasset db \"DB\"\n"));
    assert_eq!(codes(&compiled.diagnostics), ["E0111"]);
}

#[test]
fn a_broken_declaration_still_declares_its_name() {
    let source = format!(
        "{HEAD}action a \"Phish the CFO\" T1566.001\nasset host \"Host\"\naction b T1078 {{ asset_refs: [host] }}\na -> b\n"
    );
    let compiled = compile(&source);
    // One finding: the syntax error. No "`a` is not declared", no unconnected neighbours.
    assert_eq!(
        codes(&compiled.diagnostics),
        ["E0001"],
        "{:#?}",
        compiled.diagnostics
    );
    let d = &compiled.diagnostics[0];
    let help = d.help.clone().unwrap_or_default();
    assert!(
        help.contains("before the title") && help.contains("action a T1566.001 \"Phish the CFO\""),
        "{help}"
    );
    let fixed = apply(&source, &d.fixes[0].edits);
    assert!(
        fixed.contains("action a T1566.001 \"Phish the CFO\"\n"),
        "{fixed}"
    );
    let again = compile(&fixed);
    assert!(again.diagnostics.is_empty(), "{:?}", codes(&again.diagnostics));
}

#[test]
fn connectivity_warnings_do_not_repeat_an_error() {
    // `host`'s only link is the misspelt ref, `c`'s the edge from an undeclared name: E0105
    // for each, no W0102 for them; `other` is unconnected in its own right.
    let compiled = compile(&format!(
        "{HEAD}action a T1566\nasset host \"Host\"\naction b T1078 {{ asset_refs: [hst] }}\na -> b\naction c T1059\nx -> c\nasset other \"Other\"\n"
    ));
    assert_eq!(codes(&compiled.diagnostics), ["E0105", "E0105", "W0102"]);
    assert!(compiled.diagnostics[2].message.contains("`other`"));
    // A refused value (`asset_refs` takes a list) still names `host`: E0201, no W0102.
    for value in ["host", "\"host\""] {
        let compiled = compile(&format!(
            "{HEAD}action a T1566\naction b T1078 {{ asset_refs: {value} }}\nasset host \"Host\"\na -> b\n"
        ));
        assert_eq!(
            codes(&compiled.diagnostics),
            ["E0201"],
            "{value}: {:#?}",
            compiled.diagnostics
        );
    }
    // After a statement that did not parse at all, any node may have lost its link.
    let compiled = compile(&format!(
        "{HEAD}action a T1566\nasset host \"Host\"\na -> -> host\n"
    ));
    assert_eq!(
        codes(&compiled.diagnostics),
        ["E0001"],
        "{:#?}",
        compiled.diagnostics
    );
}

#[test]
fn a_step_outside_explicit_start_refs_is_one_warning_with_a_fix() {
    let source = format!(
        "{}action a T1566\naction b T1078\naction c T1059\naction d T1486\na -> b\nc -> d\n",
        HEAD.replace("  description", "  start_refs: [a]\n  description")
    );
    let compiled = compile(&source);
    // `c` starts a part of the flow that `start_refs` misses; `d` is unconnected only because
    // of it.
    assert_eq!(
        codes(&compiled.diagnostics),
        ["W0102"],
        "{:#?}",
        compiled.diagnostics
    );
    let d = &compiled.diagnostics[0];
    assert!(
        d.message.contains("`c`") && d.message.contains("start_refs"),
        "{}",
        d.message
    );
    let fixed = apply(&source, &d.fixes[0].edits);
    assert!(fixed.contains("start_refs: [a, c]"), "{fixed}");
    let again = compile(&fixed);
    assert!(again.diagnostics.is_empty(), "{:?}", codes(&again.diagnostics));
}

#[test]
fn the_builders_confidence_words_are_accepted() {
    for (word, value) in [
        ("speculative", 0),
        ("very-doubtful", 10),
        ("doubtful", 30),
        ("even-odds", 50),
        ("probable", 70),
        ("very-probable", 90),
        ("certain", 100),
    ] {
        let compiled = compile(&format!("{HEAD}action a T1566 {{ confidence: {word} }}\n"));
        assert!(
            compiled.diagnostics.is_empty(),
            "{word}: {:?}",
            codes(&compiled.diagnostics)
        );
        let action = compiled
            .objects
            .iter()
            .find(|o| o.get_str("type") == Some("attack-action"))
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            action.get("confidence").map(|v| v.to_value().to_string()),
            Some(value.to_string()),
            "{word}"
        );
    }
}
