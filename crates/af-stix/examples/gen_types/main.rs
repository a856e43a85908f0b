//! Regenerates `crates/af-stix/src/generated_types.rs` from the JSON schemas.
//!
//! ```text
//! cargo run -p af-stix --example gen_types            # schemas from $AFC_SHARED/schema or ../shared/schema
//! cargo run -p af-stix --example gen_types -- DIR     # schemas from DIR
//! ```
//!
//! The output is passed through `rustfmt` (override with `RUSTFMT`).

mod generator;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let schema_dir = match std::env::args_os().nth(1) {
        Some(dir) => PathBuf::from(dir),
        None => match std::env::var_os("AFC_SHARED") {
            Some(shared) => PathBuf::from(shared).join("schema"),
            None => manifest_dir.join("../../../shared/schema"),
        },
    };
    let target = manifest_dir.join("src/generated_types.rs");
    let result = generator::generate(&schema_dir)
        .and_then(|source| generator::rustfmt(&source, &manifest_dir))
        .and_then(|source| {
            std::fs::write(&target, source).map_err(|e| format!("cannot write {}: {e}", target.display()))
        });
    match result {
        Ok(()) => {
            eprintln!("wrote {} from {}", target.display(), schema_dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen_types: {e}");
            ExitCode::FAILURE
        }
    }
}
