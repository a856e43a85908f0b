//! `afc`: the command-line front end. It parses flags, reads and writes files and renders
//! diagnostics; every check and transformation lives in the library crates.

mod attack;
mod check;
mod compile;
mod input;
mod output;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Attack Flows as code: compile `.af` files to MITRE Attack Flow STIX 2.1 and check them.
#[derive(Parser, Debug)]
#[command(name = "afc", version, about, long_about = None, propagate_version = true)]
struct Cli {
    /// When to colour diagnostics (`NO_COLOR` also turns colour off).
    #[arg(long, value_enum, default_value_t = output::ColorChoice::Auto, global = true)]
    color: output::ColorChoice,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Compile flows to Attack Flow STIX 2.1 bundles.
    ///
    /// With one input and no -o/--out-dir the bundle goes to standard output. With several
    /// inputs each bundle is written beside its source (`flow.af` -> `flow.json`) unless
    /// --out-dir is given. Nothing is written for a file with errors.
    Compile(compile::Args),
    /// Check flows and report every problem, without writing anything.
    Check(check::Args),
    /// Look up techniques, tactics, groups and software in the embedded MITRE catalogs.
    ///
    /// `show ID`, `search WORDS`, `tactics`: ATT&CK v19.1 (with v18.1 history), ATLAS, D3FEND
    /// and F3, or ATT&CK from a STIX bundle of your choice (--attack-bundle).
    Attack(attack::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = cli.color.enabled();
    let code = match cli.command {
        Command::Compile(args) => compile::run(args, color),
        Command::Check(args) => check::run(args, color),
        Command::Attack(args) => attack::run(args),
    };
    ExitCode::from(code)
}
