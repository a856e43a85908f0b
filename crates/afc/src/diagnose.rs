//! What `afc check` and `afc validate` share: their diagnostic flags and the parallel run
//! that reads every input, diagnoses it, prints in input order and sums up.

use crate::batch;
use crate::input::{self, Input};
use crate::output::{self, Format};
use af_diagnostics::{Counts, Diagnostic};
use std::path::PathBuf;

/// The flags of every diagnosing command.
#[derive(clap::Args, Debug)]
pub struct Flags {
    /// Check techniques against this ATT&CK STIX bundle instead of the embedded ATT&CK v19.1.
    #[arg(long, value_name = "FILE", env = "AFC_ATTACK_BUNDLE")]
    pub attack_bundle: Option<PathBuf>,
    #[command(flatten)]
    pub report: output::Report,
    /// Exit with status 1 when there are warnings, too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Files checked at once (default: the number of CPUs).
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
}

/// What one command diagnoses.
pub struct Kind {
    /// Extensions searched for in directories.
    pub exts: &'static [&'static str],
    /// Why an input is for another command (`x.json` given to `afc check`), if it is.
    pub other_command: fn(&Input) -> Option<String>,
}

/// Expands `files` (directories are searched for the kind's files), diagnoses each text with
/// `diagnose` in parallel, prints the diagnostics in input order and returns the exit code.
/// `command` names the run in reports (`check`).
pub fn run(
    command: &str,
    files: &[PathBuf],
    kind: &Kind,
    flags: &Flags,
    color: bool,
    diagnose: impl Fn(&str) -> Vec<Diagnostic> + Sync,
) -> u8 {
    let start = std::time::Instant::now();
    let inputs = match input::expand(files, kind.exts) {
        Ok(i) => i,
        Err(e) => {
            output::fail(e);
            return output::USAGE;
        }
    };
    let mut outputs = input::Outputs::new(&inputs);
    if let Some(path) = &flags.report.diagnostics_file {
        if let Err(e) = outputs.claim(path, "the diagnostics") {
            output::fail(e);
            return output::USAGE;
        }
    }
    let mut sink = match output::Sink::new(&flags.report, color, output::Channel::Stdout) {
        Ok(s) => s.for_command(command, flags.deny_warnings),
        Err(e) => {
            output::fail(e);
            return output::USAGE;
        }
    };
    let mut tally = output::Tally::default();
    let mut io_error = false;
    let threads = batch::threads(flags.jobs, inputs.len());
    batch::run(
        &inputs,
        threads,
        |inp| -> Result<(String, Vec<Diagnostic>), String> {
            if let Some(why) = (kind.other_command)(inp) {
                return Err(why);
            }
            let source = input::read(inp)?;
            let diags = diagnose(&source);
            Ok((source, diags))
        },
        |inp, result| match result {
            Ok((source, diags)) => {
                tally.files += 1;
                tally.counts = add(tally.counts, Counts::of(&diags));
                sink.file(&diags, &inp.name, &source);
            }
            Err(e) => {
                sink.unreadable(&inp.name, &e);
                output::fail(e);
                tally.unread += 1;
                io_error = true;
            }
        },
    );
    if let Err(e) = sink.finish() {
        output::fail(e);
        io_error = true;
    }
    if flags.report.format == Format::Human {
        output::summary(tally, start.elapsed());
    }
    let counts = tally.counts;
    if io_error {
        output::USAGE
    } else if counts.errors > 0 || (flags.deny_warnings && counts.warnings > 0) {
        output::FAILED
    } else {
        output::OK
    }
}

/// The sum of two counts.
pub fn add(a: Counts, b: Counts) -> Counts {
    Counts {
        errors: a.errors + b.errors,
        warnings: a.warnings + b.warnings,
        notes: a.notes + b.notes,
    }
}

/// Whether an input's file name ends in one of `exts`.
pub fn named(inp: &Input, exts: &[&str]) -> bool {
    inp.path
        .as_deref()
        .and_then(|p| p.extension())
        .and_then(|e| e.to_str())
        .is_some_and(|e| exts.iter().any(|x| e.eq_ignore_ascii_case(x)))
}
