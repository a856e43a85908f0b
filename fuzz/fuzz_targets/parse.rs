//! The parser never panics and every diagnostic span lies inside the input.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(src) = std::str::from_utf8(data) {
        let parsed = af_syntax::parse(src);
        for d in &parsed.diagnostics {
            assert!(d.span.start <= d.span.end && d.span.end <= src.len());
        }
    }
});
