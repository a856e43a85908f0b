//! Writes `data/tie.tsv`, the Technique Inference Engine's technique embeddings, from the
//! model in `../shared/tie` (`V.npy`, `technique_ids.npy`, `hyperparameters.npy`).
//!
//! `cargo run -p af-analyze --bin gen-tie` regenerates the file; `-- --check` only says
//! whether the committed file is current (exit 1 when not).

use af_analyze::suggest::tie_data::{self, Npy};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let shared = std::env::var_os("AFC_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let dir = shared.join("tie");
    let read = |name: &str| -> Result<Npy, String> {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Npy::parse(&bytes).map_err(|e| format!("{}: {e}", path.display()))
    };
    let text = match (|| -> Result<String, String> {
        let v = read("V.npy")?;
        let ids = read("technique_ids.npy")?;
        let hyper = read("hyperparameters.npy")?;
        tie_data::generate(&v, &ids, &hyper)
    })() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("gen-tie: {e}");
            return ExitCode::from(2);
        }
    };
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/tie.tsv");
    if check {
        let same = std::fs::read_to_string(&out).is_ok_and(|old| old == text);
        if same {
            println!("{} is current", out.display());
            return ExitCode::SUCCESS;
        }
        eprintln!(
            "{} is stale: run cargo run -p af-analyze --bin gen-tie",
            out.display()
        );
        return ExitCode::from(1);
    }
    let tmp = out.with_extension("tsv.tmp");
    if let Err(e) = std::fs::write(&tmp, &text).and_then(|_| std::fs::rename(&tmp, &out)) {
        eprintln!("gen-tie: {}: {e}", out.display());
        return ExitCode::from(2);
    }
    println!("wrote {}", out.display());
    ExitCode::SUCCESS
}
