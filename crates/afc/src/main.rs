//! `afc`: the command-line front end. It parses flags, reads and writes files and renders
//! diagnostics; every check and transformation lives in the library crates.

mod attack;
mod batch;
mod check;
mod ci;
mod compile;
mod coverage;
mod diagnose;
mod flows;
mod fmt;
mod glob;
mod import;
mod input;
mod output;
mod paths;
mod render;
mod suggest;
mod validate;

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
    #[command(
        after_help = "Examples:\n  afc compile flow.af > flow.json\n  afc compile flows/ --out-dir build/stix\n  afc compile --check flows/   # in CI: fail when a committed bundle is stale"
    )]
    Compile(compile::Args),
    /// Check flows and report every problem, without writing anything.
    #[command(
        after_help = "Examples:\n  afc check flow.af\n  afc check 'flows/**/*.af' --deny-warnings\n  afc check flows/ --format sarif > afc.sarif"
    )]
    Check(check::Args),
    /// Look up techniques, tactics, groups and software in the embedded MITRE catalogs.
    ///
    /// `show ID`, `search WORDS`, `tactics`: ATT&CK v19.1 (with v18.1 history), ATLAS, D3FEND
    /// and F3, or ATT&CK from a STIX bundle of your choice (--attack-bundle).
    Attack(attack::Args),
    /// Validate Attack Flow STIX 2.1 bundles from any source (afc, the Attack Flow Builder,
    /// other tools).
    ///
    /// Checks the bundle shape, the Attack Flow 2.0.0 schema and the STIX 2.1 rules of every
    /// object, the flow graph (dangling refs, unconnected objects, start_refs), Builder export
    /// habits, and technique ids against the MITRE catalogs. Files are checked in parallel;
    /// --format sarif / github make output for CI.
    Validate(validate::Args),
    /// Draw flows: SVG (laid out by afc), Mermaid, Graphviz DOT, or ATT&CK Navigator layers.
    ///
    /// Inputs are `.af` files (compiled first; errors stop that file) or Attack Flow STIX
    /// bundles from any tool. One input goes to standard output unless -o is given; several
    /// are written beside their sources or to --out-dir. `--to navigator` merges all inputs
    /// into one heat-map layer per ATT&CK domain.
    Render(render::Args),
    /// Import Attack Flow STIX 2.1 bundles and Attack Flow Builder .afb files as flow source.
    ///
    /// One input goes to standard output unless -o/--out-dir is given; several are written
    /// beside their inputs (`flow.json` -> `flow.af`) or to --out-dir. Notes on standard error
    /// say what was repaired, dropped or cannot be expressed.
    Import(import::Args),
    /// Format flows in place (`-` formats standard input to standard output).
    ///
    /// Files with syntax errors are reported and left alone. --check writes nothing, lists the
    /// files that are not formatted and exits 1 if there are any.
    Fmt(fmt::Args),
    /// The ways an adversary reaches each goal of a flow, its choke points and minimal cut
    /// sets.
    ///
    /// Goals are the actions that lead nowhere, or those named with --goal. An AND needs
    /// every input, an OR any one; a condition leads on through either branch. Choke points
    /// are the actions every way passes through; cut sets are the smallest sets of actions
    /// (up to three) whose blocking stops every way. See docs/analysis.md.
    #[command(
        after_help = "Examples:\n  afc paths examples/ransomware-double-extortion.af\n  afc paths flow.af --goal encrypt --limit 3\n  afc paths bundle.json --format json"
    )]
    Paths(paths::Args),
    /// Detection coverage of flows: which steps your Sigma rules, Navigator layers or id
    /// lists detect, and which ways to each goal avoid every detection.
    ///
    /// A rule on a technique detects it; a rule on a sub-technique covers only that
    /// sub-technique; a rule on a parent technique covers its sub-techniques as partial.
    /// Revoked and renamed ids are followed through the catalog. --fail-on-gaps exits 1 when
    /// a way to a goal avoids every detection. See docs/analysis.md.
    #[command(
        after_help = "Examples:\n  afc coverage flows/ --detections sigma/rules\n  afc coverage flow.af -d rules/ -d layer.json --format markdown\n  afc coverage flows/ -d rules/ --format sarif --fail-on-gaps > coverage.sarif"
    )]
    Coverage(coverage::Args),
    /// ATT&CK techniques often reported together with a flow's techniques (MITRE CTID's
    /// Technique Inference Engine). Co-occurrence in public reports, not an order of steps.
    #[command(
        after_help = "Examples:\n  afc suggest examples/ransomware-double-extortion.af\n  afc suggest flows/ --limit 10 --format json"
    )]
    Suggest(suggest::Args),
    /// Run the language server on standard input and output (for editors: VS Code, Neovim,
    /// Helix, Zed, Emacs). See docs/editors.md.
    Lsp,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = cli.color.enabled();
    let code = match cli.command {
        Command::Compile(args) => compile::run(args, color),
        Command::Check(args) => check::run(args, color),
        Command::Attack(args) => attack::run(args),
        Command::Validate(args) => validate::run(args, color),
        Command::Render(args) => render::run(args, color),
        Command::Import(args) => import::run(args),
        Command::Fmt(args) => fmt::run(args, color),
        Command::Paths(args) => paths::run(args, color),
        Command::Coverage(args) => coverage::run(args, color),
        Command::Suggest(args) => suggest::run(args, color),
        Command::Lsp => match af_lsp::run_stdio() {
            Ok(()) => output::OK,
            Err(e) => {
                eprintln!("afc lsp: {e}");
                output::USAGE
            }
        },
    };
    ExitCode::from(code)
}
