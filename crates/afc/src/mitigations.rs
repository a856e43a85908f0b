//! `afc mitigations`: the ATT&CK mitigations of a flow's steps, ranked by what they cut.

use crate::analysis_input as flows;
use crate::input;
use crate::output;
use af_analyze::mitigations;
use af_analyze::paths::{self, DEFAULT_BUDGET};
use serde_json::json;
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum MitigationsFormat {
    /// Text for people.
    #[default]
    Human,
    /// One JSON document.
    Json,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Flow files (.af), Attack Flow STIX bundles (.json) or Builder files (.afb).
    #[arg(required = true, value_name = "FLOW")]
    files: Vec<PathBuf>,
    /// A goal: a step's `.af` name, STIX id or name. Repeatable. Default: every action that
    /// leads nowhere.
    #[arg(long, value_name = "NAME")]
    goal: Vec<String>,
    /// How many mitigations to list (all are ranked).
    #[arg(long, value_name = "N", default_value_t = 10)]
    limit: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = MitigationsFormat::Human)]
    format: MitigationsFormat,
    /// Look up techniques with this ATT&CK STIX bundle instead of the embedded ATT&CK v19.1.
    #[arg(long, value_name = "FILE", env = "AFC_ATTACK_BUNDLE")]
    attack_bundle: Option<PathBuf>,
}

pub fn run(args: Args, color: bool) -> u8 {
    let (inputs, options) = match flows::prepare(&args.files, args.attack_bundle.as_deref()) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let catalog = flows::catalog(&options);
    let mut code = output::OK;
    let mut text = String::new();
    let mut docs = Vec::new();
    for inp in &inputs {
        let Some((loaded, g, goals)) = flows::load_with_goals(inp, &options, color, &args.goal, &mut code)
        else {
            continue;
        };
        let ways = paths::ways(&g, &goals, &[]);
        let cuts: Vec<_> = goals
            .iter()
            .map(|&goal| paths::cuts(&g, goal, DEFAULT_BUDGET))
            .collect();
        let ranked = mitigations::rank(&g, &goals, &ways, &cuts, catalog);
        let _ = writeln!(
            text,
            "{} ({}): {} mitigation{}",
            g.name.clone().unwrap_or_else(|| loaded.name.clone()),
            loaded.name,
            ranked.len(),
            if ranked.len() == 1 { "" } else { "s" }
        );
        for e in ranked.iter().take(args.limit) {
            let parts = e.describe(&g, |label| format!("`{label}`"));
            let _ = writeln!(text, "  {} {}: {}", e.id, e.name, parts.join(", "));
            let steps: Vec<String> = e.steps.iter().map(|&i| flows::step_text(&g, i)).collect();
            let _ = writeln!(text, "      steps: {}", steps.join(", "));
        }
        if ranked.len() > args.limit {
            let _ = writeln!(text, "  … {} more (--limit)", ranked.len() - args.limit);
        }
        text.push('\n');
        let step = |i: usize| flows::step_json(&g, i, catalog);
        docs.push(json!({
            "file": loaded.name,
            "flow": g.name,
            "mitigations": ranked.iter().map(|e| json!({
                "id": e.id,
                "name": e.name,
                "steps": e.steps.iter().map(|&i| step(i)).collect::<Vec<_>>(),
                "choke_points": e.choke_points,
                "goals": e.goals.iter().map(|ge| json!({
                    "goal": step(ge.goal),
                    "breaks": ge.broken,
                    "ways": ge.ways,
                    "stops": ge.stops,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        }));
    }
    let out = match args.format {
        // For people: names from the flow cannot drive the terminal.
        MitigationsFormat::Human => af_diagnostics::escape_control(&text, true).into_owned(),
        MitigationsFormat::Json => {
            let mut s = serde_json::to_string_pretty(&json!({ "flows": docs })).unwrap_or_default();
            s.push('\n');
            s
        }
    };
    if !input::write_report(&[], None, &out) {
        return output::USAGE;
    }
    code
}
