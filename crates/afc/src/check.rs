//! `afc check`: report every problem in flows, write nothing.

use crate::batch;
use crate::input;
use crate::output::{self, Format};
use af_diagnostics::Counts;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Flow files, directories (searched for .af files), glob patterns such as 'flows/**/*.af',
    /// or `-` for standard input.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Check techniques against this ATT&CK STIX bundle instead of the embedded ATT&CK v19.1.
    #[arg(long, value_name = "FILE", env = "AFC_ATTACK_BUNDLE")]
    attack_bundle: Option<PathBuf>,
    /// Output format of the diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Exit with status 1 when there are warnings, too.
    #[arg(long)]
    deny_warnings: bool,
    /// Files checked at once (default: the number of CPUs).
    #[arg(short, long, value_name = "N")]
    jobs: Option<usize>,
}

pub fn run(args: Args, color: bool) -> u8 {
    let start = std::time::Instant::now();
    let inputs = match input::expand(&args.files, "af") {
        Ok(i) => i,
        Err(e) => {
            output::fail(e);
            return output::USAGE;
        }
    };
    let options = match input::compile_options(args.attack_bundle.as_deref()) {
        Ok(o) => o,
        Err(e) => {
            output::fail(e);
            return output::USAGE;
        }
    };
    let mut sink = output::Sink::new(args.format, color);
    let mut counts = Counts::default();
    let mut io_error = false;
    let threads = batch::threads(args.jobs, inputs.len());
    batch::run(
        &inputs,
        threads,
        |inp| -> Result<(String, af_compile::Compiled), String> {
            let source = input::read(inp)?;
            let compiled = af_compile::compile_str(&source, &options);
            Ok((source, compiled))
        },
        |inp, result| match result {
            Ok((source, compiled)) => {
                for d in &compiled.diagnostics {
                    counts.add(d.severity);
                }
                sink.file(&compiled.diagnostics, &inp.name, &source);
            }
            Err(e) => {
                output::fail(e);
                io_error = true;
            }
        },
    );
    sink.finish();
    if args.format == Format::Human {
        output::summary(inputs.len(), counts, start.elapsed());
    }
    if io_error {
        output::USAGE
    } else if counts.errors > 0 || (args.deny_warnings && counts.warnings > 0) {
        output::FAILED
    } else {
        output::OK
    }
}
