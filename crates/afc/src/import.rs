//! `afc import`: STIX bundles and Attack Flow Builder `.afb` files to flow language source.

use crate::input::{self, Input};
use crate::output;
use af_import::{import_afb, import_bundle, ImportError, ImportOptions, Imported};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// STIX 2.1 bundles (.json), Attack Flow Builder files (.afb), directories (searched for
    /// .json and .afb files), glob patterns, or `-` for standard input.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Write the flow to this file (one input only).
    #[arg(short, long, value_name = "OUT", conflicts_with = "out_dir")]
    output: Option<PathBuf>,
    /// Write each flow to DIR/<name>.af.
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// Repair known defects instead of keeping them: the Attack Flow Builder's `related-to`
    /// relationships from a condition become true branches.
    #[arg(long)]
    repair: bool,
    /// Keep the input's own form instead of the idiomatic one: objects in the input's order,
    /// every `id`, a variant of the Attack Flow extension objects as nodes.
    #[arg(long)]
    exact: bool,
    /// Replace existing .af files. Without it an existing file is left alone (and named), since
    /// flow source is edited by hand; a file that already holds the import is fine either way.
    #[arg(long)]
    force: bool,
}

/// Imports by extension (`.afb`, `.json`); anything else is tried as a bundle, then as a
/// Builder file.
pub(crate) fn import(inp: &Input, text: &str, options: &ImportOptions) -> Result<Imported, ImportError> {
    let ext = inp
        .path
        .as_deref()
        .and_then(Path::extension)
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("afb") => import_afb(text, options),
        Some("json") => import_bundle(text, options),
        _ => match import_bundle(text, options) {
            Err(ImportError::NotABundle { found }) => match import_afb(text, options) {
                Err(ImportError::NotAnAfb { .. }) => Err(ImportError::NotABundle { found }),
                other => other,
            },
            other => other,
        },
    }
}

pub fn run(args: Args) -> u8 {
    let inputs = match input::expand(&args.files, &["json", "afb"]) {
        Ok(i) => i,
        Err(e) => {
            output::fail(e);
            return output::USAGE;
        }
    };
    // Every destination is known and checked before anything is imported.
    let naming = input::Naming {
        output: args.output.as_deref(),
        out_dir: args.out_dir.as_deref(),
        ext: "af",
        stdout_when_one: true,
    };
    let Ok(dests) = input::Outputs::new(&inputs).plan(&inputs, &naming) else {
        return output::USAGE;
    };
    let options = ImportOptions {
        repair: args.repair,
        exact: args.exact,
    };
    let (mut io_error, mut failed, mut skipped) = (false, 0usize, Vec::new());
    for (inp, dest) in inputs.iter().zip(dests) {
        let text = match input::read(inp) {
            Ok(s) => s,
            Err(e) => {
                output::fail(e);
                io_error = true;
                continue;
            }
        };
        let imported = match import(inp, &text, &options) {
            Ok(i) => i,
            Err(e) => {
                output::fail(format!("{}: {e}", inp.name));
                failed += 1;
                continue;
            }
        };
        for note in &imported.notes {
            output::say!("{}: note: {note}", inp.name);
        }
        // Flow source is written by hand: an existing file is replaced only when asked.
        if input::keep_hand_written(args.force, &inp.name, &dest, &imported.source, &mut skipped) {
            continue;
        }
        match (input::emit(&dest, &imported.source), &dest) {
            (None, _) => io_error = true,
            (Some(_), input::Dest::Stdout) => {}
            (Some(af_fs::Written::Written), input::Dest::File(path)) => {
                output::say!("wrote {}", path.display())
            }
            (Some(af_fs::Written::Unchanged), input::Dest::File(path)) => {
                output::say!("{} is up to date", path.display())
            }
        }
    }
    input::say_kept(&skipped);
    if io_error {
        output::USAGE
    } else if failed > 0 || !skipped.is_empty() {
        output::FAILED
    } else {
        output::OK
    }
}
