//! `afc validate`: check Attack Flow STIX bundles from any source, write nothing.

use crate::batch;
use crate::input;
use crate::output::{self, Format};
use af_diagnostics::{Counts, Diagnostic};
use std::path::PathBuf;
use std::sync::Arc;

/// The command line of `afc validate`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Bundle files, directories (searched for .json files), glob patterns such as
    /// 'flows/**/*.json', or `-` for standard input.
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
    /// Files validated at once (default: the number of CPUs).
    #[arg(short, long, value_name = "N")]
    jobs: Option<usize>,
}

/// Validates the inputs and returns the exit code (0 fine, 1 findings, 2 usage or I/O).
pub fn run(args: Args, color: bool) -> u8 {
    let start = std::time::Instant::now();
    let inputs = match input::expand(&args.files, "json") {
        Ok(i) => i,
        Err(e) => {
            output::fail(e);
            return output::USAGE;
        }
    };
    let catalog = match &args.attack_bundle {
        None => None,
        Some(path) => match af_catalog::Catalog::from_attack_bundle_file(path) {
            Ok(c) => Some(Arc::new(c)),
            Err(e) => {
                output::fail(format!("{}: {e}", path.display()));
                return output::USAGE;
            }
        },
    };
    let options = af_validate::Options { catalog };
    let mut sink = output::Sink::new(args.format, color);
    let mut counts = Counts::default();
    let mut io_error = false;
    let threads = batch::threads(args.jobs, inputs.len());
    batch::run(
        &inputs,
        threads,
        |inp| -> Result<(String, Vec<Diagnostic>), String> {
            let source = input::read(inp)?;
            let diags = af_validate::validate(&source, &options);
            Ok((source, diags))
        },
        |inp, result| match result {
            Ok((source, diags)) => {
                for d in &diags {
                    counts.add(d.severity);
                }
                sink.file(&diags, &inp.name, &source);
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
