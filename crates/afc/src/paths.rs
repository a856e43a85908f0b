//! `afc paths`: the ways to each goal of a flow, its choke points and minimal cut sets.

use crate::analysis_input as flows;
use crate::input;
use crate::output;
use af_analyze::paths::{self, DEFAULT_BUDGET};
use serde_json::json;
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PathsFormat {
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
    /// How many ways to list per goal (all are counted).
    #[arg(long, value_name = "N", default_value_t = 10)]
    limit: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PathsFormat::Human)]
    format: PathsFormat,
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
    let mut docs = Vec::new();
    let mut text = String::new();
    for inp in &inputs {
        let Some((loaded, g, goals)) = flows::load_with_goals(inp, &options, color, &args.goal, &mut code)
        else {
            continue;
        };
        let ways = paths::ways(&g, &goals, &[]);
        let mut goal_docs = Vec::new();
        let title = g.name.clone().unwrap_or_else(|| loaded.name.clone());
        let _ = writeln!(text, "{title} ({})", loaded.name);
        for (goal, w) in goals.iter().zip(&ways) {
            let cuts = paths::cuts(&g, *goal, DEFAULT_BUDGET);
            let count = if w.truncated {
                format!(
                    "at least {} ways (enumeration stopped at its bound)",
                    w.ways.len()
                )
            } else if w.ways.len() == 1 {
                "1 way".to_string()
            } else {
                format!("{} ways", w.ways.len())
            };
            let _ = writeln!(text, "\ngoal {}: {count}", flows::step_text(&g, *goal));
            if w.ways.is_empty() {
                let _ = writeln!(text, "  unreachable: no start of the flow leads to it");
            }
            for (n, (way, branches)) in w.ways.iter().zip(&w.branches).take(args.limit).enumerate() {
                let _ = writeln!(text, "  {:>2}. {}", n + 1, flows::way_text(&g, way, branches));
            }
            if w.ways.len() > args.limit {
                let _ = writeln!(text, "  … {} more (--limit)", w.ways.len() - args.limit);
            }
            if cuts.reachable {
                let chokes: Vec<String> = cuts
                    .choke_points
                    .iter()
                    .map(|&i| flows::step_text(&g, i))
                    .collect();
                let _ = writeln!(
                    text,
                    "  choke points: {}",
                    if chokes.is_empty() {
                        "none".to_string()
                    } else {
                        chokes.join(", ")
                    }
                );
                let _ = writeln!(
                    text,
                    "  minimal cut sets (blocking all steps of one stops the goal):"
                );
                if cuts.cut_sets.is_empty() {
                    let _ = writeln!(text, "    none of up to 3 steps");
                }
                for set in cuts.cut_sets.iter().take(args.limit.max(1) * 2) {
                    let steps: Vec<String> = set.iter().map(|&i| flows::step_text(&g, i)).collect();
                    let _ = writeln!(text, "    {{{}}}", steps.join(", "));
                }
                if cuts.cut_sets.len() > args.limit.max(1) * 2 {
                    let _ = writeln!(text, "    … {} more", cuts.cut_sets.len() - args.limit.max(1) * 2);
                }
                if cuts.cut_short() {
                    let _ = writeln!(
                        text,
                        "    search cut short: complete up to {} step(s) only (the flow is too large)",
                        cuts.complete_up_to
                    );
                }
            }
            let step = |i: usize| flows::step_json(&g, i, catalog);
            goal_docs.push(json!({
                "goal": step(*goal),
                "reachable": cuts.reachable,
                "ways": {
                    "count": w.ways.len(),
                    "complete": !w.truncated,
                    "listed": w.ways.iter().zip(&w.branches).take(args.limit).map(|(way, b)| flows::way_json(&g, way, b, catalog)).collect::<Vec<_>>(),
                },
                "choke_points": cuts.choke_points.iter().map(|&i| step(i)).collect::<Vec<_>>(),
                "cut_sets": cuts.cut_sets.iter().map(|s| s.iter().map(|&i| step(i)).collect::<Vec<_>>()).collect::<Vec<_>>(),
                "cut_sets_complete_up_to": cuts.complete_up_to,
                "search_cut_short": cuts.cut_short(),
            }));
        }
        text.push('\n');
        docs.push(json!({ "file": loaded.name, "flow": g.name, "goals": goal_docs }));
    }
    let out = match args.format {
        // For people: names from the flow cannot drive the terminal.
        PathsFormat::Human => af_diagnostics::escape_control(&text, true).into_owned(),
        PathsFormat::Json => {
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
