//! Property tests: comments sprinkled over the examples at random line ends and between
//! lines always survive formatting, formatting is idempotent, and the compiled bundle never
//! changes.

use af_compile::{compile_str, Options};
use af_syntax::lexer::{lex, Token};
use proptest::prelude::*;

fn example_sources() -> Vec<String> {
    af_testkit::example_flows()
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

/// Byte ranges of multi-line strings, where a `#` would be text, not a comment.
fn string_ranges(src: &str) -> Vec<std::ops::Range<usize>> {
    lex(src)
        .0
        .into_iter()
        .filter(|(t, _)| matches!(t, Token::TripleStr(_) | Token::Str(_)))
        .map(|(_, s)| s)
        .collect()
}

/// Adds a trailing comment to the lines picked by `trail` and an own-line comment before
/// the lines picked by `own`, skipping lines inside strings.
fn sprinkle(src: &str, trail: &[bool], own: &[bool]) -> String {
    let strings = string_ranges(src);
    let inside = |pos: usize| strings.iter().any(|r| r.start < pos && pos < r.end);
    let mut out = String::new();
    let mut offset = 0;
    for (i, line) in src.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches('\n');
        if own.get(i % own.len().max(1)).copied().unwrap_or(false) && !inside(start) {
            out.push_str(&format!("# own {i}\n"));
        }
        out.push_str(body);
        let end = start + body.len();
        let has_comment = body.contains('#');
        if trail.get(i % trail.len().max(1)).copied().unwrap_or(false) && !inside(end) && !has_comment {
            out.push_str(&format!(" # trail {i}"));
        }
        if line.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]
    #[test]
    fn sprinkled_comments_survive(
        pick in 0usize..64,
        trail in proptest::collection::vec(proptest::bool::weighted(0.3), 1..40),
        own in proptest::collection::vec(proptest::bool::weighted(0.2), 1..40),
    ) {
        let sources = example_sources();
        prop_assume!(!sources.is_empty());
        let src = sprinkle(&sources[pick % sources.len()], &trail, &own);
        let parsed = af_syntax::parse(&src);
        prop_assume!(!parsed.diagnostics.iter().any(|d| d.is_error()));
        let once = af_fmt::format_source(&src);
        prop_assert!(once.is_ok(), "format failed: {:?}", once.err());
        let once = once.unwrap_or_default();
        let twice = af_fmt::format_source(&once).unwrap_or_default();
        prop_assert_eq!(&once, &twice);
        let n = |s: &str| af_syntax::parse(s).file.comments.len();
        prop_assert_eq!(n(&src), n(&once));
        let options = Options::default();
        prop_assert_eq!(compile_str(&src, &options).to_json(), compile_str(&once, &options).to_json());
    }
}
