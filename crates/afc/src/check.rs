//! `afc check`: report every problem in flows, write nothing.

use crate::diagnose::{self, Kind};
use crate::input::{self, Input};
use crate::output;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Flow files, directories (searched for .af files), glob patterns such as 'flows/**/*.af',
    /// or `-` for standard input.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
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
    let options = match input::compile_options(args.flags.attack_bundle.as_deref()) {
        Ok(o) => o,
        Err(e) => {
            output::fail(e);
            return output::USAGE;
        }
    };
    diagnose::run("check", &args.files, &KIND, &args.flags, color, |source| {
        af_compile::compile_str(source, &options).diagnostics
    })
}
