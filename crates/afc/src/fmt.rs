//! `afc fmt`: rewrites flows in the formatter's layout, or `--check`s that they already are.

use crate::input;
use crate::output::{self, Format};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Flow files, directories (searched for .af files), glob patterns, or `-` to format
    /// standard input to standard output.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Write nothing; list the files that are not formatted and exit 1 if there are any.
    #[arg(long)]
    check: bool,
}

pub fn run(args: Args, color: bool) -> u8 {
    let inputs = match input::expand(&args.files, "af") {
        Ok(i) => i,
        Err(e) => {
            output::fail(e);
            return output::USAGE;
        }
    };
    let (mut io_error, mut refused, mut changed) = (false, 0usize, 0usize);
    for inp in &inputs {
        let source = match input::read(inp) {
            Ok(s) => s,
            Err(e) => {
                output::fail(e);
                io_error = true;
                continue;
            }
        };
        let formatted = match af_fmt::format_source(&source) {
            Ok(f) => f,
            Err(diags) => {
                output::emit(&diags, &inp.name, &source, Format::Human, color);
                eprintln!("{}: not formatted (fix the errors first)", inp.name);
                refused += 1;
                continue;
            }
        };
        let same = formatted == source;
        if !same {
            changed += 1;
        }
        match (&inp.path, args.check) {
            (_, true) => {
                if !same {
                    println!("{}", inp.name);
                }
            }
            (None, false) => {
                let mut out = std::io::stdout().lock();
                if out
                    .write_all(formatted.as_bytes())
                    .and_then(|_| out.flush())
                    .is_err()
                {
                    io_error = true;
                }
            }
            (Some(path), false) => {
                if !same {
                    if let Err(e) = replace(path, &formatted) {
                        output::fail(format!("{}: {e}", inp.name));
                        io_error = true;
                    }
                }
            }
        }
    }
    if args.check && changed > 0 {
        eprintln!("{changed} of {} file(s) would be reformatted", inputs.len());
    }
    exit_code(io_error, refused, args.check && changed > 0)
}

fn exit_code(io_error: bool, refused: usize, stale: bool) -> u8 {
    if io_error {
        output::USAGE
    } else if refused > 0 || stale {
        output::FAILED
    } else {
        output::OK
    }
}

/// Replaces a file's content through a temporary file beside it, so an interrupted run never
/// leaves a half-written flow.
fn replace(path: &Path, text: &str) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.afc-fmt.tmp"));
    std::fs::write(&tmp, text)?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(&tmp, meta.permissions());
    }
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
