//! `afc check`: report every problem in flows, write nothing.

use crate::diagnose;
use crate::input;
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

pub fn run(args: Args, color: bool) -> u8 {
    let options = match input::compile_options(args.flags.attack_bundle.as_deref()) {
        Ok(o) => o,
        Err(e) => {
            output::fail(e);
            return output::USAGE;
        }
    };
    diagnose::run("check", &args.files, "af", &args.flags, color, |source| {
        af_compile::compile_str(source, &options).diagnostics
    })
}
