//! `afc suggest`: ATT&CK techniques often reported together with a flow's techniques, from
//! MITRE CTID's Technique Inference Engine.

use crate::analysis_input as flows;
use crate::input;
use crate::output;
use af_analyze::suggest::Model;
use serde_json::json;
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SuggestFormat {
    /// Text for people.
    #[default]
    Human,
    /// One JSON document.
    Json,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Flow files (.af), Attack Flow STIX bundles (.json) or Builder files (.afb); the
    /// techniques of all of them are taken together.
    #[arg(required = true, value_name = "FLOW")]
    files: Vec<PathBuf>,
    /// How many techniques to list.
    #[arg(long, value_name = "N", default_value_t = 20)]
    limit: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SuggestFormat::Human)]
    format: SuggestFormat,
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
    let model = Model::embedded();
    let mut code = output::OK;
    let mut observed: Vec<String> = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    let mut names = Vec::new();
    for inp in &inputs {
        let Some(loaded) = flows::load_counted(inp, &options, color, &mut code) else {
            continue;
        };
        let g = loaded.graph();
        names.push(g.name.clone().unwrap_or_else(|| loaded.name.clone()));
        for s in &g.steps {
            let Some(t) = &s.technique else { continue };
            // The model knows ATT&CK as of v19.1: follow revoked and renamed ids first.
            let now = catalog
                .resolve(t)
                .map_or_else(|| t.to_ascii_uppercase(), |x| x.id.to_string());
            let id = if model.knows(&now) {
                now
            } else {
                t.to_ascii_uppercase()
            };
            if model.knows(&id) {
                if !observed.contains(&id) {
                    observed.push(id);
                }
            } else if !unknown.contains(&id) {
                unknown.push(id);
            }
        }
    }
    if code != output::OK && names.is_empty() {
        return code;
    }
    let refs: Vec<&str> = observed.iter().map(String::as_str).collect();
    let suggestions = if observed.is_empty() {
        Vec::new()
    } else {
        model.predict(&refs)
    };
    let top: Vec<_> = suggestions.iter().take(args.limit).collect();
    let out = match args.format {
        SuggestFormat::Json => {
            let mut s = serde_json::to_string_pretty(&json!({
                "flows": names,
                "observed": observed,
                "unknown_to_model": unknown,
                "often_reported_with": top.iter().map(|s| json!({
                    "id": s.id,
                    "name": flows::technique_name(catalog, &s.id),
                    "score": (s.score * 1e6).round() / 1e6,
                })).collect::<Vec<_>>(),
                "model": "MITRE CTID Technique Inference Engine (Apache-2.0)",
            }))
            .unwrap_or_default();
            s.push('\n');
            s
        }
        SuggestFormat::Human => {
            let mut t = String::new();
            if observed.is_empty() {
                let _ = writeln!(
                    t,
                    "{}: no technique the model knows, so nothing to suggest",
                    names.join(", ")
                );
            } else {
                let _ = writeln!(
                    t,
                    "Techniques often reported with the {} technique{} of {}:",
                    observed.len(),
                    if observed.len() == 1 { "" } else { "s" },
                    names.join(", ")
                );
                for (n, s) in top.iter().enumerate() {
                    let name = flows::technique_name(catalog, &s.id).unwrap_or_default();
                    let _ = writeln!(t, "  {:>2}. {:<10} {:<60} {:.4}", n + 1, s.id, name, s.score);
                }
                let _ = writeln!(
                    t,
                    "From MITRE CTID's Technique Inference Engine: techniques seen together in public \
                     threat reports. It says nothing about order; these are not next steps."
                );
            }
            if !unknown.is_empty() {
                let _ = writeln!(t, "not in the model (left out): {}", unknown.join(", "));
            }
            // For people: names from the flows cannot drive the terminal.
            af_diagnostics::escape_control(&t, true).into_owned()
        }
    };
    if !input::write_report(&[], None, &out) {
        return output::USAGE;
    }
    code
}
