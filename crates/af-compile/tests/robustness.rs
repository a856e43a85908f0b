//! Bad input never panics: random token soup, deep nesting, huge files.

use af_compile::{compile_str, Options};
use proptest::prelude::*;

const PIECES: &[&str] = &[
    "flow",
    "action",
    "condition",
    "operator",
    "asset",
    "malware",
    "x",
    "y",
    "T1566",
    "AND",
    "OR",
    "\"t\"",
    "\"\"\"m\n\"\"\"",
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "->",
    "-[",
    "-[false]->",
    "-[uses]->",
    "\n",
    " ",
    "#c\n",
    "42",
    "-1",
    "2.5",
    "2026-02-30T00:00:00Z",
    "true",
    "scope",
    "incident",
    "asset_refs",
    "effect_refs",
    "id",
    "\"attack-action--x\"",
    ";",
    "\"",
    "\\",
    "é",
    "\u{202e}",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]
    #[test]
    fn token_soup_never_panics(picks in proptest::collection::vec(0..PIECES.len(), 0..120)) {
        let src: String = picks.iter().map(|&i| PIECES[i]).collect();
        let compiled = compile_str(&src, &Options::default());
        for d in &compiled.diagnostics {
            prop_assert!(d.span.start <= d.span.end && d.span.end <= src.len(), "span {:?} outside source", d.span);
        }
        let _ = compiled.to_json();
    }

    #[test]
    fn arbitrary_text_never_panics(src in "\\PC{0,200}") {
        let _ = compile_str(&src, &Options::default());
    }
}

#[test]
fn deep_nesting_is_a_diagnostic() {
    for open in ["[", "{a:"] {
        let depth = 100_000;
        let close = if open == "[" { "]" } else { "}" };
        let src = format!(
            "flow \"F\" {{ scope: incident }}\naction a \"A\" {{ x_v: {}{} }}\n",
            open.repeat(depth),
            close.repeat(depth)
        );
        let compiled = compile_str(&src, &Options::default());
        assert!(compiled.diagnostics.iter().any(|d| d.code == "E0005"), "{open}");
    }
}

#[test]
fn unclosed_deep_nesting_is_a_diagnostic() {
    let src = format!(
        "flow \"F\" {{ scope: incident }}\naction a \"A\" {{ x_v: {}\n",
        "[".repeat(50_000)
    );
    let compiled = compile_str(&src, &Options::default());
    assert!(compiled.diagnostics.iter().any(|d| d.code == "E0005"));
}

#[test]
fn many_statements_compile() {
    let mut src = String::from(
        "flow \"Big\" {\n  scope: incident\n  created: 2026-01-01T00:00:00Z\n  description: \"d\"\n}\n",
    );
    for i in 0..20_000 {
        src.push_str(&format!("action a{i} \"Step {i}\"\n"));
        if i > 0 {
            src.push_str(&format!("a{} -> a{i}\n", i - 1));
        }
    }
    let compiled = compile_str(&src, &Options::default());
    assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics.first());
    assert_eq!(compiled.objects.len(), 20_000 + 3);
}

/// Long tokens: logos lexes each state in a function that calls the next, so a long string,
/// number or run of spaces overflowed the stack of a debug build (the workspace compiles
/// af-syntax with optimizations in every profile to keep those calls jumps).
#[test]
fn long_tokens_do_not_overflow_the_stack() {
    let n = 1_000_000;
    let header = "flow \"F\" { scope: incident }\n";
    for body in [
        format!(
            "action a \"A\" {{ description: \"{}\" }}\n",
            "lorem ipsum ".repeat(n / 12)
        ),
        format!("action a \"{}\n", "x".repeat(n)),
        format!("action a \"{}\"\n", "\\\"".repeat(n / 2)),
        format!("action a \"A\" {{ x_n: {} }}\n", "1".repeat(n)),
        format!("action a{}\"A\"\n", " ".repeat(n)),
        format!("# {}\naction a \"A\"\n", "x".repeat(n)),
        format!("action a\"\"\"{}\"\"\"\n", "x".repeat(n)),
    ] {
        let src = format!("{header}{body}");
        let compiled = compile_str(&src, &Options::default());
        let _ = compiled.to_json();
    }
}
