//! `afc migrate`: bring flows to the ATT&CK release afc checks against (the embedded one, or
//! `--attack-bundle`). It applies the fixes of the catalog findings that a release change
//! causes (`af_findings::MIGRATION`: MITRE's replacement of a revoked technique, the v19
//! tactic of a technique that left Defense Evasion) with the same passes as `afc check --fix`,
//! and reports what needs a person. `.af` files change in place; bundles are written anew
//! (never over their input), their `technique_ref`/`tactic_ref` following the new ids.

use crate::diagnose;
use crate::fix::{self, Plan, Tally};
use crate::input::{self, Dest, Input};
use crate::output;
use af_diagnostics::{codes, Diagnostic, FixOptions};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Flow files (.af) and Attack Flow bundles (.json), directories (searched for both),
    /// glob patterns, or `-` for .af text on standard input.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Print a unified diff of the changes on standard output and write nothing.
    #[arg(long)]
    diff: bool,
    /// Write the migrated file here (one input). Bundles are never written over their input.
    #[arg(short, long, value_name = "OUT", conflicts_with = "out_dir")]
    output: Option<PathBuf>,
    /// Write migrated files to this directory (`DIR/<name>.af`, `DIR/<name>.json`) instead of
    /// in place (.af) or to standard output (one bundle).
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    #[command(flatten)]
    flags: diagnose::Flags,
}

/// The findings a bundle's migration follows besides [`af_findings::MIGRATION`]: a
/// `technique_ref` or `tactic_ref` that no longer matches its (new) id.
fn migration_in_bundle(d: &Diagnostic) -> bool {
    af_findings::is_migration(d) || d.is(codes::V0301)
}

fn is_bundle(inp: &Input) -> bool {
    inp.path
        .as_deref()
        .and_then(Path::extension)
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

pub fn run(args: Args, color: bool) -> u8 {
    let start = std::time::Instant::now();
    let options = match input::compile_options(args.flags.attack_bundle.as_deref()) {
        Ok(o) => o,
        Err(e) => {
            output::fail(e);
            return output::USAGE;
        }
    };
    let inputs = match input::expand(&args.files, &["af", "json"]) {
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
    let (bundles, flows): (Vec<Input>, Vec<Input>) = inputs.into_iter().partition(is_bundle);
    if bundles.len() > 1 && args.out_dir.is_none() && !args.diff {
        output::fail("several bundles are written as new files: give --out-dir DIR (afc migrate never overwrites a bundle)");
        return output::USAGE;
    }
    let validate_options = af_validate::Options {
        catalog: options.catalog.clone(),
    };
    let to_stdout = bundles.len() == 1 && args.output.is_none() && args.out_dir.is_none();
    let moved = args.output.is_some() || args.out_dir.is_some();
    // Every destination is named and claimed before anything is written, as every writing
    // command does: no output is one of the run's inputs, no two outputs are one file.
    // `.af` files without -o/--out-dir are migrated in place (what the command is for).
    let mut dests: HashMap<String, Dest> = HashMap::new();
    if !args.diff {
        let all: Vec<Input> = bundles.iter().chain(&flows).cloned().collect();
        let mut outputs = input::Outputs::new(&all);
        let mut planned = |inputs: &[Input], ext: &str, stdout_when_one: bool| -> Result<(), ()> {
            let naming = input::Naming {
                output: args.output.as_deref(),
                out_dir: args.out_dir.as_deref(),
                ext,
                stdout_when_one,
            };
            let named = outputs.plan(inputs, &naming)?;
            dests.extend(inputs.iter().map(|i| i.name.clone()).zip(named));
            Ok(())
        };
        if planned(&bundles, "json", to_stdout).is_err() || (moved && planned(&flows, "af", false).is_err()) {
            return output::USAGE;
        }
    }
    let destination = move |inp: &Input| -> Result<Dest, String> {
        dests
            .get(&inp.name)
            .cloned()
            .ok_or_else(|| format!("{}: no destination was planned", inp.name))
    };
    let mut sink = match output::Sink::new(&args.flags.report, color, output::Channel::Stdout) {
        Ok(s) => s.for_command("migrate", true),
        Err(e) => {
            output::fail(e);
            return output::USAGE;
        }
    };
    let mut total = Tally::default();
    let only_flows: &(dyn Fn(&Diagnostic) -> bool + Sync) = &af_findings::is_migration;
    let only_bundles: &(dyn Fn(&Diagnostic) -> bool + Sync) = &migration_in_bundle;
    let flow_plan = Plan {
        command: "migrate",
        diff: args.diff,
        deny_warnings: true,
        jobs: args.flags.jobs,
        out: moved.then_some(&destination as &fix::Destination),
        report_only: Some(only_flows),
    };
    if !flows.is_empty() {
        let t = fix::run_texts(
            &flows,
            &flow_plan,
            &mut sink,
            |text| af_compile::compile_str(text, &options).diagnostics,
            FixOptions {
                unsafe_fixes: false,
                only: Some(only_flows),
            },
        );
        add(&mut total, t);
    }
    if !bundles.is_empty() {
        let plan = Plan {
            out: Some(&destination),
            report_only: Some(only_bundles),
            ..flow_plan
        };
        let t = fix::run_texts(
            &bundles,
            &plan,
            &mut sink,
            |text| af_validate::validate(text, &validate_options),
            FixOptions {
                unsafe_fixes: false,
                only: Some(only_bundles),
            },
        );
        add(&mut total, t);
    }
    if let Err(e) = sink.finish() {
        output::fail(e);
        return output::USAGE;
    }
    if args.flags.report.format == output::Format::Human {
        fix::summary(&total, &flow_plan, start.elapsed());
        if total.counts.warnings + total.counts.errors > 0 {
            output::say!(
                "migrate: the findings above need a person (no single replacement, or a choice of tactics)"
            );
        }
    }
    total.exit_code(&flow_plan)
}

fn add(total: &mut Tally, t: Tally) {
    total.files += t.files;
    total.changed += t.changed;
    total.fixes += t.fixes;
    total.counts.errors += t.counts.errors;
    total.counts.warnings += t.counts.warnings;
    total.counts.notes += t.counts.notes;
    total.io_error |= t.io_error;
    total.unsettled += t.unsettled;
    total.unsafe_left += t.unsafe_left;
}
