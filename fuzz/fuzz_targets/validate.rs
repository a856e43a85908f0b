//! The validator never panics, every diagnostic span lies inside the input, and the
//! diagnostics render for people and as JSON.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let diags = af_validate::validate(text, &af_validate::Options::default());
        for d in &diags {
            assert!(d.span.start <= d.span.end && d.span.end <= text.len(), "{d:?}");
        }
        let _ = af_diagnostics::render_human(&diags, "f.json", text, true);
        let _ = af_diagnostics::to_json(&diags, "f.json", text);
    }
});
