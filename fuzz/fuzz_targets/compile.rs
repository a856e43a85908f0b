//! The whole front end (parse, check, lower, write) and the human renderer never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(src) = std::str::from_utf8(data) {
        let compiled = af_compile::compile_str(src, &af_compile::Options::default());
        let _ = compiled.to_json();
        let _ = af_diagnostics::render_human(&compiled.diagnostics, "f.af", src, false);
    }
});
