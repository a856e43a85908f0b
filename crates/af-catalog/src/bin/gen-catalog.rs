//! Regenerates `crates/af-catalog/data/catalog.tsv` from the reference data in `shared/`.
//!
//! ```text
//! cargo run -p af-catalog --bin gen-catalog                 # write the data file
//! cargo run -p af-catalog --bin gen-catalog -- --check      # fail if it is out of date
//! cargo run -p af-catalog --bin gen-catalog -- --shared DIR --out FILE
//! ```
//!
//! `shared/` is found from `--shared`, else `$AFC_SHARED`, else `../shared` beside the
//! workspace root.

use std::path::PathBuf;
use std::process::ExitCode;

fn usage() -> &'static str {
    "usage: gen-catalog [--shared DIR] [--out FILE] [--check]"
}

fn main() -> ExitCode {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut shared = std::env::var_os("AFC_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../../../shared"));
    let mut out = manifest.join("data/catalog.tsv");
    let mut check = false;
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("--shared") => match args.next() {
                Some(v) => shared = PathBuf::from(v),
                None => return fail(usage()),
            },
            Some("--out") => match args.next() {
                Some(v) => out = PathBuf::from(v),
                None => return fail(usage()),
            },
            Some("--check") => check = true,
            Some("-h" | "--help") => {
                println!("{}", usage());
                return ExitCode::SUCCESS;
            }
            _ => return fail(usage()),
        }
    }
    let text = match af_catalog::generate::generate_from_dir(&shared) {
        Ok(t) => t,
        Err(e) => return fail(&format!("gen-catalog: {e}")),
    };
    if check {
        return match std::fs::read_to_string(&out) {
            Ok(old) if old == text => {
                println!("{} is up to date ({} bytes)", out.display(), text.len());
                ExitCode::SUCCESS
            }
            Ok(_) => fail(&format!(
                "{} is out of date; run `cargo run -p af-catalog --bin gen-catalog`",
                out.display()
            )),
            Err(e) => fail(&format!("cannot read {}: {e}", out.display())),
        };
    }
    if let Err(e) = std::fs::write(&out, &text) {
        return fail(&format!("cannot write {}: {e}", out.display()));
    }
    println!("wrote {} ({} bytes)", out.display(), text.len());
    ExitCode::SUCCESS
}

fn fail(msg: &str) -> ExitCode {
    eprintln!("{msg}");
    ExitCode::FAILURE
}
