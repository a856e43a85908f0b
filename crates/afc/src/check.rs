//! `afc check`: report every problem in flows, write nothing; with `--fix` (or as `afc fix`),
//! apply the fixes the diagnostics carry first.

use crate::diagnose::{self, Kind};
use crate::fix::{self, Plan};
use crate::input::{self, Input};
use crate::output;
use af_diagnostics::FixOptions;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Flow files, directories (searched for .af files), glob patterns such as 'flows/**/*.af',
    /// or `-` for standard input.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Apply every safe fix the diagnostics carry, in place, pass after pass until none is
    /// left; then report what remains. Standard input is fixed to standard output.
    #[arg(long)]
    fix: bool,
    /// With --fix: print a unified diff of the fixes on standard output and write nothing
    /// (exit 1 when there is a change).
    #[arg(long)]
    diff: bool,
    /// With --fix: apply fixes that may change the meaning too (did-you-means, a branch
    /// chosen, a node added to start_refs). Review the result.
    #[arg(long)]
    unsafe_fixes: bool,
    #[command(flatten)]
    flags: diagnose::Flags,
}

/// Flow source; bundles and Builder files are `afc validate`'s.
const KIND: Kind = Kind {
    exts: &["af"],
    other_command: |inp: &Input| {
        diagnose::named(inp, &["json", "afb"]).then(|| {
            format!(
                "{}: afc check reads flow source (.af); check a STIX bundle with `afc validate {}`, \
                 or turn it into source with `afc import {}`",
                inp.name, inp.name, inp.name
            )
        })
    },
};

pub fn run(args: Args, color: bool) -> u8 {
    run_as("check", args, color)
}

/// `afc fix`: `afc check --fix`.
pub fn run_fix(mut args: Args, color: bool) -> u8 {
    args.fix = true;
    run_as("fix", args, color)
}

fn run_as(command: &str, args: Args, color: bool) -> u8 {
    let options = match input::compile_options(args.flags.attack_bundle.as_deref()) {
        Ok(o) => o,
        Err(e) => {
            output::fail(e);
            return output::USAGE;
        }
    };
    let diagnose_text = |source: &str| af_compile::compile_str(source, &options).diagnostics;
    if !args.fix {
        if args.diff || args.unsafe_fixes {
            output::fail("--diff and --unsafe-fixes go with --fix (or `afc fix`)");
            return output::USAGE;
        }
        return diagnose::run(command, &args.files, &KIND, &args.flags, color, diagnose_text);
    }
    let start = std::time::Instant::now();
    let inputs = match input::expand(&args.files, KIND.exts) {
        Ok(i) => i,
        Err(e) => {
            output::fail(e);
            return output::USAGE;
        }
    };
    let plan = Plan {
        command,
        diff: args.diff,
        deny_warnings: args.flags.deny_warnings,
        jobs: args.flags.jobs,
        out: None,
        report_only: None,
    };
    let mut sink = match output::Sink::new(&args.flags.report, color, output::Channel::Stdout) {
        Ok(s) => s.for_command(command, args.flags.deny_warnings),
        Err(e) => {
            output::fail(e);
            return output::USAGE;
        }
    };
    let fix_options = FixOptions {
        unsafe_fixes: args.unsafe_fixes,
        only: None,
    };
    let tally = fix::run_texts(&inputs, &plan, &mut sink, diagnose_text, fix_options);
    if let Err(e) = sink.finish() {
        output::fail(e);
        return output::USAGE;
    }
    if args.flags.report.format == output::Format::Human {
        fix::summary(&tally, &plan, start.elapsed());
    }
    tally.exit_code(&plan)
}
