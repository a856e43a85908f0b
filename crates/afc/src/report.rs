//! `afc report`: one self-contained HTML briefing about flows (see `af_report::brief`).

use crate::analysis_input as flows;
use crate::coverage::StatusArg;
use crate::input;
use crate::output;
use af_analyze::coverage;
use af_analyze::paths::DEFAULT_BUDGET;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Flow files (.af), Attack Flow STIX bundles (.json), Builder files (.afb), directories
    /// (searched for .af files) or glob patterns. Several flows make one page.
    #[arg(required = true, value_name = "FLOW")]
    files: Vec<PathBuf>,
    /// Write the page to this file (default: standard output).
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Title of the page (default: the flow's name).
    #[arg(long, value_name = "TEXT")]
    title: Option<String>,
    /// Add detection coverage: what you detect, as for `afc coverage` (a folder of Sigma
    /// rules, a rule, a Navigator layer or an id list). Repeatable.
    #[arg(long, short = 'd', value_name = "SRC", num_args = 1..)]
    detections: Vec<PathBuf>,
    /// Skip Sigma rules less mature than this.
    #[arg(long, value_enum, default_value_t = StatusArg::Experimental)]
    min_status: StatusArg,
    /// A goal: a step's `.af` name, STIX id or name. Repeatable. Default: every action that
    /// leads nowhere.
    #[arg(long, value_name = "NAME")]
    goal: Vec<String>,
    /// How many mitigations to list per flow (0 for none).
    #[arg(long, value_name = "N", default_value_t = 5)]
    mitigations: usize,
    /// Picture direction.
    #[arg(long, value_enum, default_value_t = crate::render::DirectionArg::Tb)]
    direction: crate::render::DirectionArg,
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
    let detections = if args.detections.is_empty() {
        None
    } else {
        match crate::coverage::read_detections(&args.detections, args.min_status, None, catalog) {
            Ok(d) => Some(d),
            Err(()) => return output::USAGE,
        }
    };
    let mut code = output::OK;
    let mut done = Vec::new();
    for inp in &inputs {
        let Some((loaded, graph, goals)) =
            flows::load_with_goals(inp, &options, color, &args.goal, &mut code)
        else {
            continue;
        };
        let cov = detections
            .as_ref()
            .map(|(_, index)| coverage::analyze(&graph, &goals, index, catalog, DEFAULT_BUDGET));
        done.push((loaded, graph, goals, cov));
    }
    if done.is_empty() {
        output::fail("no flow to report on; nothing written");
        return code.max(output::FAILED);
    }
    let briefs: Vec<af_report::BriefFlow<'_>> = done
        .iter()
        .map(|(loaded, graph, goals, cov)| af_report::BriefFlow {
            file: &loaded.name,
            objects: &loaded.objects,
            graph,
            goals,
            coverage: cov.as_ref(),
        })
        .collect();
    let rules = detections.as_ref().map_or(&[][..], |(d, _)| d.rules.as_slice());
    let described = detections.as_ref().map(|(d, _)| {
        let sources: Vec<String> = args.detections.iter().map(|p| p.display().to_string()).collect();
        format!(
            "{} detection{} from {}",
            d.rules.len(),
            if d.rules.len() == 1 { "" } else { "s" },
            sources.join(", ")
        )
    });
    let html = af_report::render_brief(
        &briefs,
        &af_report::BriefOptions {
            title: args.title.clone(),
            catalog: options.catalog.clone(),
            rules,
            detections: described,
            mitigations: args.mitigations,
            direction: match args.direction {
                crate::render::DirectionArg::Tb => af_render::Direction::TopDown,
                crate::render::DirectionArg::Lr => af_render::Direction::LeftRight,
            },
        },
    );
    if !input::write_report(&inputs, args.output.as_deref(), &html) {
        return output::USAGE;
    }
    if let Some(o) = &args.output {
        output::say!("wrote {}", o.display());
    }
    code
}
