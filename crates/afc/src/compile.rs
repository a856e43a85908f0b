//! `afc compile`: flows to STIX bundles, or `--check` that the bundles on disk are current.

use crate::diagnose;
use crate::input;
use crate::output::{self, Format};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Flow files, directories (searched for .af files), glob patterns such as
    /// 'flows/**/*.af', or `-` for standard input.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Write the bundle to this file (one input only).
    #[arg(short, long, value_name = "OUT", conflicts_with = "out_dir")]
    output: Option<PathBuf>,
    /// Write each bundle to DIR/<name>.json.
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// Write nothing; exit 1 if a bundle on disk differs from what compiling gives (for CI).
    #[arg(long)]
    check: bool,
    /// Check techniques against this ATT&CK STIX bundle instead of the embedded ATT&CK v19.1.
    #[arg(long, value_name = "FILE", env = "AFC_ATTACK_BUNDLE")]
    attack_bundle: Option<PathBuf>,
    // Standard output carries only the bundle: diagnostics go to standard error in every
    // format, or to --diagnostics-file.
    #[command(flatten)]
    report: output::Report,
    /// Treat warnings as errors.
    #[arg(long)]
    deny_warnings: bool,
    /// Wrap the flow in a container: `report` adds a STIX report referring to every object,
    /// which OpenCTI and MISP keep on import (see docs/interop.md).
    #[arg(long, value_enum, value_name = "CONTAINER", default_value_t = Wrap::None)]
    wrap: Wrap,
}

/// What `--wrap` puts around a flow.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wrap {
    /// A STIX `report` with the flow's name, description, author and markings, referring to
    /// every object.
    Report,
    /// Nothing: the flow's objects as they are.
    None,
}

/// Adds the container `wrap` asks for to a flow's objects, unless they already have it.
pub fn wrap(objects: &mut Vec<af_stix::Object>, wrap: Wrap) -> Result<(), String> {
    match wrap {
        Wrap::None => Ok(()),
        Wrap::Report if af_stix::report::find_wrapper(objects).is_some() => Ok(()),
        Wrap::Report => {
            let report =
                af_stix::report::wrap(objects).map_err(|e| format!("cannot wrap in a report: {e}"))?;
            objects.push(report);
            Ok(())
        }
    }
}

pub fn run(args: Args, color: bool) -> u8 {
    let start = std::time::Instant::now();
    let inputs = match input::expand(&args.files, &["af"]) {
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
    let many = inputs.len() > 1;
    // Every destination is known and checked before anything is compiled.
    let naming = input::Naming {
        output: args.output.as_deref(),
        out_dir: args.out_dir.as_deref(),
        ext: "json",
        stdout_when_one: !args.check,
    };
    let mut outputs = input::Outputs::new(&inputs);
    if outputs
        .claim_one(args.report.diagnostics_file.as_deref(), "the diagnostics")
        .is_err()
    {
        return output::USAGE;
    }
    let dests = if args.check {
        match input::name_all(&inputs, &naming) {
            Ok(d) => d,
            Err(errors) => {
                errors.into_iter().for_each(output::fail);
                return output::USAGE;
            }
        }
    } else {
        match outputs.plan(&inputs, &naming) {
            Ok(d) => d,
            Err(()) => return output::USAGE,
        }
    };
    let mut sink = match output::Sink::new(&args.report, color, output::Channel::Stderr) {
        Ok(s) => s,
        Err(e) => {
            output::fail(e);
            return output::USAGE;
        }
    };
    let mut tally = output::Tally::default();
    let (mut io_error, mut stale) = (false, 0usize);
    for (inp, dest) in inputs.iter().zip(dests) {
        let source = match input::read(inp) {
            Ok(s) => s,
            Err(e) => {
                output::fail(e);
                tally.unread += 1;
                io_error = true;
                continue;
            }
        };
        let mut compiled = af_compile::compile_str(&source, &options);
        let file_counts = af_diagnostics::Counts::of(&compiled.diagnostics);
        tally.files += 1;
        tally.counts = diagnose::add(tally.counts, file_counts);
        sink.file(&compiled.diagnostics, &inp.name, &source);
        if file_counts.errors > 0 || (args.deny_warnings && file_counts.warnings > 0) {
            continue;
        }
        if let Err(e) = wrap(&mut compiled.objects, args.wrap) {
            output::fail(format!("{}: {e}", inp.name));
            tally.counts.errors += 1;
            continue;
        }
        let json = compiled.to_json();
        match dest {
            input::Dest::File(path) if args.check => {
                if !input::same_content(&path, &json) {
                    output::say!(
                        "{}: out of date ({} differs from compiling it)",
                        inp.name,
                        path.display()
                    );
                    stale += 1;
                }
            }
            dest => match input::emit(&dest, &json) {
                None => io_error = true,
                Some(_) => {
                    if let input::Dest::File(path) = &dest {
                        if many || args.report.format == Format::Human && args.out_dir.is_some() {
                            output::say!("wrote {}", path.display());
                        }
                    }
                }
            },
        }
    }
    if let Err(e) = sink.finish() {
        output::fail(e);
        io_error = true;
    }
    let counts = tally.counts;
    if args.report.format == Format::Human
        && (many || counts.errors + counts.warnings > 0 || args.check || tally.unread > 0)
    {
        output::summary(tally, start.elapsed());
    }
    if io_error {
        output::USAGE
    } else if counts.errors > 0 || stale > 0 || (args.deny_warnings && counts.warnings > 0) {
        output::FAILED
    } else {
        output::OK
    }
}
