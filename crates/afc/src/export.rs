//! `afc export`: flows (`.af` sources or Attack Flow STIX bundles) to other tools' formats;
//! today the Attack Flow Builder's `.afb` files, laid out with afc's own layout.

use crate::input;
use crate::output;
use crate::render::{load, Failure};
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum To {
    /// An Attack Flow Builder 3 file (.afb).
    #[default]
    Afb,
}

impl To {
    fn extension(self) -> &'static str {
        match self {
            To::Afb => "afb",
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Flow files (.af), Attack Flow STIX bundles (.json), directories (searched for .af
    /// files), glob patterns, or `-` for standard input (a bundle when it starts with `{`).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Output format.
    #[arg(long = "to", value_enum, default_value_t = To::Afb)]
    to: To,
    /// Write to this file (one input only).
    #[arg(short, long, value_name = "OUT", conflicts_with = "out_dir")]
    output: Option<PathBuf>,
    /// Write each flow to DIR/<name>.afb.
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// Compile with this ATT&CK STIX bundle instead of the embedded ATT&CK v19.1.
    #[arg(long, value_name = "FILE", env = "AFC_ATTACK_BUNDLE")]
    attack_bundle: Option<PathBuf>,
}

/// The centres of the boxes of afc's SVG layout, by STIX id.
fn positions(objects: &[af_render::Object]) -> af_import::Positions {
    let diagram = af_render::diagram(objects, &af_render::SvgOptions::default());
    diagram
        .nodes
        .iter()
        .map(|n| (n.stix_id.clone(), (n.x + n.width / 2.0, n.y + n.height / 2.0)))
        .collect()
}

pub fn run(args: Args, color: bool) -> u8 {
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
    if let Some(dir) = &args.out_dir {
        if let Err(e) = input::create_dir(dir) {
            output::fail(e);
            return output::USAGE;
        }
    }
    let options = match input::compile_options(args.attack_bundle.as_deref()) {
        Ok(o) => o,
        Err(e) => {
            output::fail(e);
            return output::USAGE;
        }
    };
    let many = inputs.len() > 1;
    let (mut failed, mut io_error) = (false, false);
    for inp in &inputs {
        let objects = match load(inp, &options, color) {
            Ok(o) => o,
            Err(Failure::Content) => {
                failed = true;
                continue;
            }
            Err(Failure::Io) => {
                io_error = true;
                continue;
            }
        };
        let exported = match args.to {
            To::Afb => af_import::export_afb(&objects, &positions(&objects)),
        };
        let exported = match exported {
            Ok(e) => e,
            Err(e) => {
                output::fail(format!("{}: {e}", inp.name));
                failed = true;
                continue;
            }
        };
        for note in &exported.notes {
            eprintln!("{}: note: {note}", inp.name);
        }
        let dest = match input::destination(
            args.output.as_deref(),
            args.out_dir.as_deref(),
            inp,
            !many,
            args.to.extension(),
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
                if out
                    .write_all(exported.text.as_bytes())
                    .and_then(|_| out.flush())
                    .is_err()
                {
                    io_error = true;
                }
            }
            input::Dest::File(path) => {
                if inp.path.as_deref() == Some(path.as_path()) {
                    output::fail(format!("{}: not written: it is the input itself", path.display()));
                    io_error = true;
                    continue;
                }
                match input::write_file(&path, &exported.text) {
                    Ok(()) => eprintln!("wrote {}", path.display()),
                    Err(e) => {
                        output::fail(e);
                        io_error = true;
                    }
                }
            }
        }
    }
    if io_error {
        output::USAGE
    } else if failed {
        output::FAILED
    } else {
        output::OK
    }
}
