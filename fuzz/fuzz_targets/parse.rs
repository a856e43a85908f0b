//! The parser never panics, every diagnostic span lies inside the input, and the fast paths
//! (a direct reading of well-formed statements, cheap errors first) give exactly what the full
//! grammar gives.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(src) = std::str::from_utf8(data) {
        let parsed = af_syntax::parse(src);
        for d in &parsed.diagnostics {
            assert!(d.span.start <= d.span.end && d.span.end <= src.len());
        }
        let full = af_syntax::parse_with_full_grammar(src);
        assert_eq!(parsed.file, full.file);
        assert_eq!(parsed.diagnostics, full.diagnostics);
    }
});
