//! `afc`: the command-line front end. It parses flags, reads and writes files and renders
//! diagnostics; every check and transformation lives in the library crates.
//!
//! Everything it prints goes through [`output`] (never `println!`/`eprintln!`, which clippy
//! refuses here): text for people is escaped, and a failed write is exit 2, not a panic.
#![deny(clippy::disallowed_macros)]

/// mimalloc rather than the system allocator: the compiler builds and frees many small
/// objects, and mimalloc does that faster (docs/development.md, "Performance").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod analysis_input;
mod attack;
mod batch;
mod check;
mod ci;
mod compile;
mod coverage;
mod diagnose;
mod diff;
mod export;
mod fix;
mod flows;
mod fmt;
mod glob;
mod import;
mod input;
mod lsp;
mod mcp;
mod migrate;
mod mitigations;
mod output;
mod paths;
mod publish;
mod pull;
mod render;
mod report;
mod shell;
mod stats;
mod suggest;
mod taxii;
mod validate;

use clap::{CommandFactory, Parser, Subcommand};
use std::process::ExitCode;

/// Attack Flows as code: compile `.af` files to MITRE Attack Flow STIX 2.1 and check them.
#[derive(Parser, Debug)]
#[command(
    name = "afc",
    version,
    about,
    long_about = None,
    propagate_version = true,
    after_help = format!("Documentation, source and issues: {}", af_diagnostics::PROJECT_URL)
)]
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
        after_help = "Examples:\n  afc compile flow.af > flow.json\n  afc compile flows/ --out-dir build/stix\n  afc compile 'flows/**/*.af' --out-dir build/stix   # quoted: afc expands the pattern\n  afc compile flow.af --format sarif --diagnostics-file afc.sarif > flow.json\n  afc compile --check flows/   # in CI: fail when a committed bundle is stale\n  afc compile flow.af --wrap report -o flow.json   # for OpenCTI and MISP"
    )]
    Compile(compile::Args),
    /// Check flows and report every problem, without writing anything (--fix applies the
    /// fixes the diagnostics carry first; see `afc fix`).
    #[command(
        after_help = "Examples:\n  afc check flow.af\n  afc check 'flows/**/*.af' --deny-warnings\n  afc check flows/ --format sarif > afc.sarif"
    )]
    Check(check::Args),
    /// Apply every fix the diagnostics carry, in place (`afc check --fix`).
    ///
    /// Safe fixes only (a canonical spelling, quotes around a string, MITRE's replacement of
    /// a revoked technique); --unsafe-fixes adds the guesses (did-you-means) and fixes that
    /// change the meaning. A diagnostic with several fixes is a choice left to you. Fixes are
    /// applied pass after pass until none is left; overlapping fixes wait for the next pass.
    /// Files are replaced atomically; comments and layout are kept.
    #[command(
        after_help = "Examples:\n  afc fix flows/\n  afc fix --diff flows/ > fixes.patch   # review first, write nothing\n  afc check --fix --unsafe-fixes flow.af\n  afc fix - < flow.af > fixed.af"
    )]
    Fix(check::Args),
    /// Look up techniques, tactics, groups and software in the embedded MITRE catalogs.
    ///
    /// `show ID`, `search WORDS`, `tactics`: ATT&CK v19.1 (with v18.1 history), ATLAS, D3FEND
    /// and F3, or ATT&CK from a STIX bundle of your choice (--attack-bundle).
    #[command(
        after_help = "Examples:\n  afc attack show T1566.001\n  afc attack search valid accounts\n  afc attack tactics --catalog atlas"
    )]
    Attack(attack::Args),
    /// Validate Attack Flow STIX 2.1 bundles from any source (afc, the Attack Flow Builder,
    /// other tools).
    ///
    /// Checks the bundle shape, the Attack Flow 2.0.0 schema and the STIX 2.1 rules of every
    /// object, the flow graph (dangling refs, unconnected objects, start_refs), Builder export
    /// habits, and technique ids against the MITRE catalogs. Files are checked in parallel;
    /// --format sarif / github make output for CI. Flow source (.af) is checked by `afc check`.
    #[command(
        after_help = "Examples:\n  afc validate bundle.json\n  afc validate exports/ --deny-warnings\n  afc validate 'feeds/**/*.json' --format sarif > afc.sarif"
    )]
    Validate(validate::Args),
    /// Draw flows: SVG (laid out by afc), PNG, Mermaid, Graphviz DOT, or ATT&CK and ATLAS
    /// Navigator layers.
    ///
    /// Inputs are `.af` files (compiled first; errors stop that file) or Attack Flow STIX
    /// bundles from any tool. One input goes to standard output unless -o is given; several
    /// are written beside their sources or to --out-dir. `--to navigator` merges all inputs
    /// into one heat-map layer per matrix (ATT&CK domain, or ATLAS).
    #[command(
        after_help = "Examples:\n  afc render flow.af > flow.svg\n  afc render flow.af --to png --scale 2 -o flow.png\n  afc render 'exports/*.json' --to mermaid --out-dir diagrams\n  afc render --to navigator flows/ -o heatmap   # heatmap-enterprise-attack.json, heatmap-atlas.json, ..."
    )]
    Render(render::Args),
    /// Import Attack Flow STIX 2.1 bundles and Attack Flow Builder .afb files as flow source.
    ///
    /// One input goes to standard output unless -o/--out-dir is given; several are written
    /// beside their inputs (`flow.json` -> `flow.af`) or to --out-dir. Notes on standard error
    /// say what was repaired, dropped or cannot be expressed. An existing .af file is never
    /// replaced unless --force is given.
    #[command(
        after_help = "Examples:\n  afc import flow.json > flow.af\n  afc import \"Turla.afb\" -o turla.af\n  afc import --repair exports/ --out-dir flows/   # every .json and .afb file in exports/\n  afc import --exact flow.json -o flow.af   # keep the bundle's order and every id\n  afc import builder.afb -o flow.af --force   # replace an existing flow.af"
    )]
    Import(import::Args),
    /// Export flows for other tools: Attack Flow Builder files (.afb), laid out by afc.
    ///
    /// Inputs are `.af` files (compiled first; errors stop that file) or Attack Flow STIX
    /// bundles. One input goes to standard output unless -o/--out-dir is given; several are
    /// written beside their sources (`flow.af` -> `flow.afb`) or to --out-dir. The Builder
    /// opens the file with every object, property, branch and operator; `afc import` reads it
    /// back to the same objects.
    #[command(
        after_help = "Examples:\n  afc export --to afb flow.af -o flow.afb\n  afc export --to afb flow.json -o flow.afb   # a STIX bundle from any tool\n  afc export flows/ --out-dir builder/"
    )]
    Export(export::Args),
    /// Format flows in place (`-` formats standard input to standard output).
    ///
    /// Files with syntax errors are reported and left alone. --check writes nothing, lists the
    /// files that are not formatted and exits 1 if there are any. A symbolic link is formatted
    /// where it points.
    #[command(
        after_help = "Examples:\n  afc fmt flows/\n  afc fmt --check 'flows/**/*.af'   # in CI\n  afc fmt - < flow.af > formatted.af"
    )]
    Fmt(fmt::Args),
    /// Bring flows to the ATT&CK release afc checks against (embedded v19.1, or
    /// --attack-bundle): revoked and removed techniques to MITRE's replacements, tactics a
    /// technique left in v19 (the Defense Evasion split into TA0005 Stealth and TA0112 Defense
    /// Impairment) to its new one, and a report of what needs a person.
    ///
    /// .af files are changed in place (atomically, comments and layout kept); bundles are
    /// written as new bundles (one to standard output, or -o/--out-dir; never over the
    /// input), their technique_ref and tactic_ref following the new ids. Exits 1 when
    /// something needs a person (a deprecated technique, a revoked one without a single
    /// replacement, a choice of tactics).
    #[command(
        after_help = "Examples:\n  afc migrate flows/\n  afc migrate --diff flows/                  # what would change, write nothing\n  afc migrate export.json -o export-v19.json\n  afc migrate bundles/ --out-dir migrated/\n  afc migrate flows/ --attack-bundle enterprise-attack-20.0.json"
    )]
    Migrate(migrate::Args),
    /// Compare two flows semantically: nodes added, removed, renamed and changed, technique
    /// changes, edges and branches added and removed.
    ///
    /// Each side is a .af file, a STIX bundle, a Builder .afb file, `-`, or a file at a git
    /// revision (`REV:path`, or `afc diff REV FILE` for FILE at REV). Formatting, comments and
    /// the order of statements make no difference. Exits 0 when the flows are the same, 1 when
    /// they differ, 2 on errors (as `diff` does).
    #[command(
        after_help = "Examples:\n  afc diff old.af new.af\n  afc diff HEAD~1 flows/phish.af            # the working copy against the last commit\n  afc diff main:flows/phish.af flows/phish.af --format markdown > comment.md\n  afc diff exported.json flows/phish.af --format json\n  afc diff HEAD~1 flows/phish.af --to svg -o change.svg   # the picture, changes marked"
    )]
    Diff(diff::Args),
    /// Statistics over a corpus of flows: techniques and tactics (flows per technique),
    /// technique transitions and the most common sequences of 3–4 techniques, flows per scope,
    /// objects per type.
    ///
    /// Inputs are .af files, STIX bundles and Builder .afb files in any mix, directories and
    /// glob patterns; they are read in parallel (a progress bar on a terminal). Transitions
    /// pass through conditions, operators and actions without a technique. Inputs that are not
    /// flows are reported and skipped (exit 1).
    #[command(
        after_help = "Examples:\n  afc stats flows/\n  afc stats 'corpus/**/*.json' --top 20\n  afc stats flows/ --format csv > stats.csv\n  afc stats flows/ --format markdown >> $GITHUB_STEP_SUMMARY\n  afc stats flows/ --to svg --top 12 -o stats.svg   # transition graph and tactic heat map"
    )]
    Stats(stats::Args),
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
    /// ATT&CK mitigations of a flow's steps, ranked by what they cut: goals stopped, ways
    /// broken, choke points covered.
    #[command(
        after_help = "Examples:\n  afc mitigations examples/ransomware-double-extortion.af\n  afc mitigations flow.af --goal encrypt --format json"
    )]
    Mitigations(mitigations::Args),
    /// Write a briefing: one self-contained HTML page about flows for people who do not read
    /// STIX (title, scope, summary, the picture, a timeline, tactics and techniques, goals and
    /// choke points, mitigations, and detection coverage with --detections). No external
    /// assets; prints cleanly to PDF. See docs/analysis.md.
    #[command(
        after_help = "Examples:\n  afc report examples/ransomware-double-extortion.af -o brief.html\n  afc report flow.af -d sigma/rules -o brief.html\n  afc report flows/ --title \"Q3 incidents\" -o q3.html"
    )]
    Report(report::Args),
    /// Run the language server on standard input and output (for editors: VS Code, Neovim,
    /// Helix, Zed, Emacs). See docs/editors.md.
    ///
    /// Exits 0 after the client's `shutdown` and `exit` (or when it closes standard input), 1
    /// when `exit` comes without `shutdown` or the client process is gone.
    #[command(after_help = "Example (what an editor runs):\n  afc lsp")]
    Lsp(lsp::Args),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    #[command(
        after_help = "Examples:\n  afc completions bash > ~/.local/share/bash-completion/completions/afc\n  afc completions zsh > ~/.zfunc/_afc    # with fpath+=(~/.zfunc) before compinit\n  afc completions fish > ~/.config/fish/completions/afc.fish\n  afc completions powershell >> $PROFILE"
    )]
    Completions(shell::CompletionsArgs),
    /// Print the man page (afc.1), or write it and one page per command to a directory.
    #[command(after_help = "Examples:\n  afc man | man -l -\n  afc man --out-dir ~/.local/share/man/man1")]
    Man(shell::ManArgs),
    /// Add flows to a TAXII 2.1 collection (compiled from .af, or bundles as they are).
    ///
    /// Every input is compiled first; if any has errors nothing is sent. Each flow goes in one
    /// envelope; afc then follows the server's status until it is done and reports every
    /// object it refused (objects the collection already holds in the same version are not
    /// refusals). Credentials come from AFC_TAXII_TOKEN, AFC_TAXII_USER and
    /// AFC_TAXII_PASSWORD, or the netrc file, never from the command line. See docs/interop.md.
    #[command(
        after_help = "Examples:\n  export AFC_TAXII_USER=analyst AFC_TAXII_PASSWORD=…\n  afc publish flows/ --taxii https://taxii.example.org/api1/ --collection 91a7b528-80eb-42ed-a74d-c6fbd5a26116\n  afc publish flow.af --wrap report --taxii https://taxii.example.org/api1/ --collection flows"
    )]
    Publish(publish::Args),
    /// Fetch the Attack Flows of a TAXII 2.1 collection as .af files, one per flow.
    ///
    /// Follows every page, splits the objects per flow (each flow with its nodes,
    /// relationships, authors and markings) and imports each flow. Nothing is written unless
    /// every page was fetched and every flow imported; an existing .af file that holds
    /// something else is kept unless --force (as with afc import). See docs/interop.md.
    #[command(
        after_help = "Examples:\n  afc pull --taxii https://taxii.example.org/api1/ --collection flows --out-dir flows/\n  afc pull --taxii https://taxii.example.org/api1/ --collection flows --out-dir flows/ --added-after 2026-03-01T00:00:00Z\n  afc pull --taxii https://taxii.example.org/api1/ --collection flows --out-dir flows/ --force"
    )]
    Pull(pull::Args),
    /// Run a Model Context Protocol server on standard input and output, for AI assistants
    /// (Claude Desktop, VS Code, Cursor, …): check, compile, format, render and import flows,
    /// search techniques, read the language reference. See docs/mcp.md.
    #[command(after_help = "Example (what an assistant runs):\n  afc mcp")]
    Mcp,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = cli.color.enabled();
    let code = match cli.command {
        Command::Compile(args) => compile::run(args, color),
        Command::Check(args) => check::run(args, color),
        Command::Fix(args) => check::run_fix(args, color),
        Command::Attack(args) => attack::run(args),
        Command::Validate(args) => validate::run(args, color),
        Command::Render(args) => render::run(args, color),
        Command::Import(args) => import::run(args),
        Command::Export(args) => export::run(args, color),
        Command::Fmt(args) => fmt::run(args, color),
        Command::Migrate(args) => migrate::run(args, color),
        Command::Diff(args) => diff::run(args, cli.color),
        Command::Stats(args) => stats::run(args),
        Command::Paths(args) => paths::run(args, color),
        Command::Coverage(args) => coverage::run(args, color),
        Command::Suggest(args) => suggest::run(args, color),
        Command::Mitigations(args) => mitigations::run(args, color),
        Command::Report(args) => report::run(args, color),
        Command::Lsp(args) => lsp::run(args),
        Command::Completions(args) => shell::completions(args, Cli::command()),
        Command::Man(args) => shell::man(args, Cli::command()),
        Command::Publish(args) => publish::run(args, color),
        Command::Pull(args) => pull::run(args),
        Command::Mcp => mcp::run(),
    };
    output::flush_stdout();
    // A lost write (a full disk, a closed pipe) fails the run even when all else went well.
    ExitCode::from(if output::write_failed() {
        code.max(output::USAGE)
    } else {
        code
    })
}
