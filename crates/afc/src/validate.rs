//! `afc validate`: check Attack Flow STIX bundles from any source, write nothing.

use crate::diagnose::{self, Kind};
use crate::input::Input;
use crate::output;
use std::path::PathBuf;
use std::sync::Arc;

/// The command line of `afc validate`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Bundle files, directories (searched for .json files), glob patterns such as
    /// 'flows/**/*.json', or `-` for standard input.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    #[command(flatten)]
    flags: diagnose::Flags,
}

/// STIX bundles; flow source is `afc check`'s.
const KIND: Kind = Kind {
    exts: &["json"],
    other_command: |inp: &Input| {
        diagnose::named(inp, &["af"]).then(|| {
            format!(
                "{}: afc validate reads STIX bundles (.json); check flow source with `afc check {}`",
                inp.name, inp.name
            )
        })
    },
};

/// Validates the inputs and returns the exit code (0 fine, 1 findings, 2 usage or I/O).
pub fn run(args: Args, color: bool) -> u8 {
    let catalog = match &args.flags.attack_bundle {
        None => None,
        Some(path) => match af_catalog::Catalog::from_attack_bundle_file(path) {
            Ok(c) => Some(Arc::new(c)),
            Err(e) => {
                output::fail(format!("{}: {e}", path.display()));
                return output::USAGE;
            }
        },
    };
    let options = af_validate::Options { catalog };
    diagnose::run("validate", &args.files, &KIND, &args.flags, color, |source| {
        af_validate::validate(source, &options)
    })
}
