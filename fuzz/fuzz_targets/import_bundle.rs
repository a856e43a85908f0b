//! `afc import` of a STIX bundle never panics, and what it writes
//! goes through the compiler without a panic either.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let options = af_import::ImportOptions::default();
        if let Ok(imported) = af_import::import_bundle(text, &options) {
            let _ = af_compile::compile_str(&imported.source, &af_compile::Options::default());
        }
    }
});
