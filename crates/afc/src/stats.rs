//! `afc stats`: statistics over a corpus of flows (`.af`, bundles, `.afb`).

use crate::batch;
use crate::flows::{self, LoadError};
use crate::input;
use crate::output;
use std::path::PathBuf;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum StatsFormat {
    /// Aligned columns for people (the top entries of each list).
    #[default]
    Table,
    /// Every entry: `section,key,name,flows,total`.
    Csv,
    /// Every entry as one JSON document.
    Json,
    /// Markdown tables (the top entries of each list).
    Markdown,
    /// A picture: the transition graph of the top techniques and a tactic × technique heat
    /// map.
    Svg,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Flows: .af files, STIX bundles (.json), Builder files (.afb), directories (searched for
    /// all three) or glob patterns such as 'flows/**/*.json'.
    #[arg(required = true, value_name = "FLOW")]
    files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = StatsFormat::Table)]
    format: StatsFormat,
    /// The output format, for a picture (`--to svg` is `--format svg`).
    #[arg(long, value_enum, value_name = "FORMAT", conflicts_with = "format")]
    to: Option<StatsFormat>,
    /// How many entries of each list the table and Markdown show (techniques in the SVG).
    #[arg(long, value_name = "N", default_value_t = 10)]
    top: usize,
    /// Write the report to this file instead of standard output.
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Number of threads (default: the number of CPUs).
    #[arg(short = 'j', long, value_name = "N")]
    jobs: Option<usize>,
    /// Compile and look up techniques with this ATT&CK STIX bundle instead of the embedded
    /// ATT&CK v19.1.
    #[arg(long, value_name = "FILE", env = "AFC_ATTACK_BUNDLE")]
    attack_bundle: Option<PathBuf>,
}

enum Outcome {
    Flow(af_stats::FlowStats),
    /// Not a flow, with the message to print.
    Skipped(String),
    Io(String),
}

pub fn run(args: Args) -> u8 {
    let inputs = match input::expand(&args.files, &["af", "json", "afb"]) {
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
    let mut stats = af_stats::Stats::default();
    let (mut skipped, mut io_error) = (0usize, false);
    let threads = batch::threads(args.jobs, inputs.len());
    batch::run(
        &inputs,
        threads,
        |inp| {
            let text = match input::read(inp) {
                Ok(t) => t,
                Err(e) => return Outcome::Io(e),
            };
            match flows::load(inp.path.as_deref(), &text, &options) {
                Ok(l) if l.objects.is_empty() => Outcome::Skipped("empty file".into()),
                Ok(l) => Outcome::Flow(af_stats::FlowStats::of(&l.objects)),
                Err(LoadError::Diagnostics(d, _)) => Outcome::Skipped(format!(
                    "{} error{} (run `afc check` on it)",
                    d.len(),
                    if d.len() == 1 { "" } else { "s" }
                )),
                Err(e) => Outcome::Skipped(e.reason()),
            }
        },
        |inp, outcome| match outcome {
            Outcome::Flow(f) => stats.merge(f),
            Outcome::Skipped(why) => {
                output::say!("{}: skipped: {why}", inp.name);
                skipped += 1;
            }
            Outcome::Io(e) => {
                output::fail(e);
                io_error = true;
            }
        },
    );
    let catalog = options
        .catalog
        .as_deref()
        .unwrap_or(af_catalog::Catalog::embedded());
    let text = match args.to.unwrap_or(args.format) {
        // A table is for people: names from a flow cannot drive their terminal.
        StatsFormat::Table => {
            af_diagnostics::escape_control(&af_stats::render::table(&stats, catalog, args.top), true)
                .into_owned()
        }
        StatsFormat::Csv => af_stats::render::csv(&stats, catalog),
        StatsFormat::Json => af_stats::render::json(&stats, catalog),
        StatsFormat::Markdown => af_stats::render::markdown(&stats, catalog, args.top),
        StatsFormat::Svg => af_stats::svg::svg(&stats, catalog, args.top),
    };
    let written = input::write_report(&inputs, args.output.as_deref(), &text);
    if skipped > 0 {
        output::say!("{skipped} of {} inputs skipped", inputs.len());
    }
    if io_error || !written {
        output::USAGE
    } else if skipped > 0 {
        output::FAILED
    } else {
        output::OK
    }
}
