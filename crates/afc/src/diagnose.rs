//! What `afc check` and `afc validate` share: their diagnostic flags and the parallel run
//! that reads every input, diagnoses it, prints in input order and sums up.

use crate::batch;
use crate::input;
use crate::output::{self, Format};
use af_diagnostics::{Counts, Diagnostic};
use std::path::PathBuf;

/// The flags of every diagnosing command.
#[derive(clap::Args, Debug)]
pub struct Flags {
    /// Check techniques against this ATT&CK STIX bundle instead of the embedded ATT&CK v19.1.
    #[arg(long, value_name = "FILE", env = "AFC_ATTACK_BUNDLE")]
    pub attack_bundle: Option<PathBuf>,
    /// Output format of the diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit with status 1 when there are warnings, too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Files checked at once (default: the number of CPUs).
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
}

/// Expands `files` (directories are searched for `.ext` files), diagnoses each text with
/// `diagnose` in parallel, prints the diagnostics in input order and returns the exit code.
/// `command` names the run in reports (`check`).
pub fn run(
    command: &str,
    files: &[PathBuf],
    ext: &str,
    flags: &Flags,
    color: bool,
    diagnose: impl Fn(&str) -> Vec<Diagnostic> + Sync,
) -> u8 {
    let start = std::time::Instant::now();
    let inputs = match input::expand(files, ext) {
        Ok(i) => i,
        Err(e) => {
            output::fail(e);
            return output::USAGE;
        }
    };
    let mut sink = output::Sink::new(flags.format, color).for_command(command, flags.deny_warnings);
    let mut counts = Counts::default();
    let mut io_error = false;
    let threads = batch::threads(flags.jobs, inputs.len());
    batch::run(
        &inputs,
        threads,
        |inp| -> Result<(String, Vec<Diagnostic>), String> {
            let source = input::read(inp)?;
            let diags = diagnose(&source);
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
                sink.unreadable(&inp.name, &e);
                output::fail(e);
                io_error = true;
            }
        },
    );
    sink.finish();
    if flags.format == Format::Human {
        output::summary(inputs.len(), counts, start.elapsed());
    }
    if io_error {
        output::USAGE
    } else if counts.errors > 0 || (flags.deny_warnings && counts.warnings > 0) {
        output::FAILED
    } else {
        output::OK
    }
}
