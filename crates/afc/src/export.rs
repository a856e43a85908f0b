//! `afc export`: flows (`.af` sources or Attack Flow STIX bundles) to other tools' formats;
//! today the Attack Flow Builder's `.afb` files, laid out with afc's own layout.

use crate::input;
use crate::output;
use crate::render::{load, Failure};
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
    #[command(flatten)]
    limit: output::Limit,
}

/// The centres of the boxes of afc's SVG layout, by STIX id; none for a flow too large to lay
/// out (the exporter then places the objects itself).
fn positions(objects: &[af_render::Object]) -> af_import::Positions {
    let Ok(diagram) = af_render::diagram(objects, &af_render::SvgOptions::default()) else {
        return af_import::Positions::default();
    };
    diagram
        .nodes
        .iter()
        .map(|n| (n.stix_id.clone(), (n.x + n.width / 2.0, n.y + n.height / 2.0)))
        .collect()
}

pub fn run(args: Args, color: bool) -> u8 {
    let inputs = match input::expand(&args.files, &["af"]) {
        Ok(i) => i,
        Err(e) => {
            output::fail(e);
            return output::USAGE;
        }
    };
    // Every destination is known and checked before anything is exported.
    let naming = input::Naming {
        output: args.output.as_deref(),
        out_dir: args.out_dir.as_deref(),
        ext: args.to.extension(),
        stdout_when_one: true,
    };
    let Ok(dests) = input::Outputs::new(&inputs).plan(&inputs, &naming) else {
        return output::USAGE;
    };
    let options = match input::compile_options(args.attack_bundle.as_deref()) {
        Ok(o) => o,
        Err(e) => {
            output::fail(e);
            return output::USAGE;
        }
    };
    let mut sink = output::Sink::human(color, args.limit);
    let (mut failed, mut io_error) = (false, false);
    for (inp, dest) in inputs.iter().zip(dests) {
        let objects = match load(inp, &options, &mut sink) {
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
            output::say!("{}: note: {note}", inp.name);
        }
        match (input::emit(&dest, &exported.text), &dest) {
            (None, _) => io_error = true,
            (Some(_), input::Dest::File(path)) => output::say!("wrote {}", path.display()),
            (Some(_), input::Dest::Stdout) => {}
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
