//! `afc import`: STIX bundles and Attack Flow Builder `.afb` files to flow language source.

use crate::input::{self, Input};
use crate::output;
use af_import::{import_afb, import_bundle, ImportError, ImportOptions, Imported};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// STIX 2.1 bundles (.json), Attack Flow Builder files (.afb), directories (searched for
    /// .json files), glob patterns, or `-` for standard input.
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
    let inputs = match input::expand(&args.files, "json") {
        Ok(i) => i,
        Err(e) => {
            output::fail(e);
            return output::USAGE;
        }
    };
    if let Err(e) = input::check_single_output(args.output.as_deref(), inputs.len()) {
        output::fail(e);
        return output::USAGE;
    }
    if let Some(dir) = &args.out_dir {
        if let Err(e) = input::create_dir(dir) {
            output::fail(e);
            return output::USAGE;
        }
    }
    let options = ImportOptions {
        repair: args.repair,
        exact: args.exact,
    };
    let many = inputs.len() > 1;
    let (mut io_error, mut failed) = (false, 0usize);
    let mut written: std::collections::HashMap<PathBuf, String> = std::collections::HashMap::new();
    for inp in &inputs {
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
            eprintln!("{}: note: {note}", inp.name);
        }
        let dest = match input::destination(args.output.as_deref(), args.out_dir.as_deref(), inp, !many, "af")
        {
            Ok(d) => d,
            Err(e) => {
                output::fail(format!("{}: {e}", inp.name));
                io_error = true;
                continue;
            }
        };
        match dest {
            input::Dest::Stdout => {
                let mut out = std::io::stdout().lock();
                if out
                    .write_all(imported.source.as_bytes())
                    .and_then(|_| out.flush())
                    .is_err()
                {
                    io_error = true;
                }
            }
            input::Dest::File(path) => {
                if let Some(first) = written.get(&path) {
                    output::fail(format!(
                        "{}: not written: {} already holds the import of {first}",
                        inp.name,
                        path.display()
                    ));
                    failed += 1;
                    continue;
                }
                written.insert(path.clone(), inp.name.clone());
                match input::write_file(&path, &imported.source) {
                    Ok(()) => eprintln!("wrote {}", path.display()),
                    Err(e) => {
                        output::fail(e);
                        io_error = true;
                    }
                }
            }
        }
    }
    if io_error {
        output::USAGE
    } else if failed > 0 {
        output::FAILED
    } else {
        output::OK
    }
}
