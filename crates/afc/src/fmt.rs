//! `afc fmt`: rewrites flows in the formatter's layout, or `--check`s that they already are.

use crate::input;
use crate::output;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Flow files, directories (searched for .af files), glob patterns, or `-` to format
    /// standard input to standard output.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Write nothing; list the files that are not formatted and exit 1 if there are any.
    #[arg(long)]
    check: bool,
    #[command(flatten)]
    limit: output::Limit,
}

pub fn run(args: Args, color: bool) -> u8 {
    let inputs = match input::expand(&args.files, &["af"]) {
        Ok(i) => i,
        Err(e) => {
            output::fail(e);
            return output::USAGE;
        }
    };
    let mut sink = output::Sink::human(color, args.limit);
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
                sink.file(&diags, &inp.name, &source);
                output::say!("{}: not formatted (fix the errors first)", inp.name);
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
                    io_error |= !output::out_line(&inp.name);
                }
            }
            (None, false) => io_error |= !output::stdout(formatted.as_bytes()),
            // Atomically, through a symbolic link to the file it names.
            (Some(path), false) => {
                if !same {
                    if let Err(e) = input::write_file(path, &formatted) {
                        output::fail(e);
                        io_error = true;
                    }
                }
            }
        }
    }
    if let Err(e) = sink.finish() {
        output::fail(e);
        io_error = true;
    }
    if args.check && changed > 0 {
        output::say!("{changed} of {} file(s) would be reformatted", inputs.len());
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
