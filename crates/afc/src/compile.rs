//! `afc compile`: flows to STIX bundles, or `--check` that the bundles on disk are current.

use crate::input;
use crate::output::{self, Format};
use af_diagnostics::Counts;
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Flow files, directories (searched for .af files) or `-` for standard input.
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
    /// Output format of the diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
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
    let inputs = match input::expand(&args.files, "af") {
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
    let options = match input::compile_options(args.attack_bundle.as_deref()) {
        Ok(o) => o,
        Err(e) => {
            output::fail(e);
            return output::USAGE;
        }
    };
    if let Some(dir) = &args.out_dir {
        if !args.check {
            if let Err(e) = input::create_dir(dir) {
                output::fail(e);
                return output::USAGE;
            }
        }
    }
    let many = inputs.len() > 1;
    let mut sink = output::Sink::new(args.format, color).for_command("compile", args.deny_warnings);
    let mut counts = Counts::default();
    let (mut io_error, mut stale) = (false, 0usize);
    for inp in &inputs {
        let source = match input::read(inp) {
            Ok(s) => s,
            Err(e) => {
                output::fail(e);
                io_error = true;
                continue;
            }
        };
        let mut compiled = af_compile::compile_str(&source, &options);
        let file_counts = Counts::of(&compiled.diagnostics);
        counts.errors += file_counts.errors;
        counts.warnings += file_counts.warnings;
        sink.file(&compiled.diagnostics, &inp.name, &source);
        if file_counts.errors > 0 || (args.deny_warnings && file_counts.warnings > 0) {
            continue;
        }
        if let Err(e) = wrap(&mut compiled.objects, args.wrap) {
            output::fail(format!("{}: {e}", inp.name));
            counts.errors += 1;
            continue;
        }
        let json = compiled.to_json();
        let dest = match input::destination(
            args.output.as_deref(),
            args.out_dir.as_deref(),
            inp,
            !many && !args.check,
            "json",
        ) {
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
                if out.write_all(json.as_bytes()).and_then(|_| out.flush()).is_err() {
                    io_error = true;
                }
            }
            input::Dest::File(path) if args.check => {
                if !input::same_content(&path, &json) {
                    eprintln!(
                        "{}: out of date ({} differs from compiling it)",
                        inp.name,
                        path.display()
                    );
                    stale += 1;
                }
            }
            input::Dest::File(path) => {
                if let Err(e) = input::write_file(&path, &json) {
                    output::fail(e);
                    io_error = true;
                } else if many || args.format == Format::Human && args.out_dir.is_some() {
                    eprintln!("wrote {}", path.display());
                }
            }
        }
    }
    sink.finish();
    if args.format == Format::Human && (many || counts.errors + counts.warnings > 0 || args.check) {
        output::summary(inputs.len(), counts, start.elapsed());
    }
    if io_error {
        output::USAGE
    } else if counts.errors > 0 || stale > 0 || (args.deny_warnings && counts.warnings > 0) {
        output::FAILED
    } else {
        output::OK
    }
}
