//! `afc coverage`: which steps of flows a set of detections (Sigma rules, ATT&CK Navigator
//! layers, id lists) covers, the ways to each goal that avoid every detection, and the
//! choke points nobody watches.

use crate::analysis_input::{self as flows, Loaded};
use crate::input;
use crate::output;
use af_analyze::coverage::{self, FlowCoverage, Index, Level};
use af_analyze::detections::{MinStatus, Rule};
use af_analyze::paths::DEFAULT_BUDGET;
use af_analyze::sources::DetectionSet;
use af_analyze::FlowGraph;
use af_diagnostics::Diagnostic;
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CoverageFormat {
    /// Text for people.
    #[default]
    Human,
    /// One JSON document.
    Json,
    /// Markdown, for pull-request comments.
    Markdown,
    /// A SARIF 2.1.0 log: gaps as results located in the flow sources.
    Sarif,
    /// An ATT&CK Navigator layer coloured by coverage.
    Navigator,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum StatusArg {
    /// Every rule, deprecated and unsupported ones too.
    Deprecated,
    /// Experimental, test and stable rules (and rules without a status).
    #[default]
    Experimental,
    /// Test and stable rules.
    Test,
    /// Stable rules only.
    Stable,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Flow files (.af), Attack Flow STIX bundles (.json), Builder files (.afb), directories
    /// (searched for .af files) or glob patterns.
    #[arg(required = true, value_name = "FLOW")]
    files: Vec<PathBuf>,
    /// What you detect: a folder of Sigma rules (searched for .yml/.yaml), one Sigma rule,
    /// an ATT&CK Navigator layer (.json) or a text file of technique ids. Repeatable.
    #[arg(long, short = 'd', value_name = "SRC", required = true, num_args = 1..)]
    detections: Vec<PathBuf>,
    /// Skip Sigma rules less mature than this.
    #[arg(long, value_enum, default_value_t = StatusArg::Experimental)]
    min_status: StatusArg,
    /// A goal: a step's `.af` name, STIX id or name. Repeatable. Default: every action that
    /// leads nowhere.
    #[arg(long, value_name = "NAME")]
    goal: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CoverageFormat::Human)]
    format: CoverageFormat,
    /// Write the output to this file instead of standard output.
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Exit 1 when a way to a goal avoids every detection (a CI gate).
    #[arg(long)]
    fail_on_gaps: bool,
    /// How many undetected ways to list per goal.
    #[arg(long, value_name = "N", default_value_t = 5)]
    limit: usize,
    /// Threads for reading rules (default: the number of CPUs).
    #[arg(short = 'j', long, value_name = "N")]
    jobs: Option<usize>,
    /// Look up techniques with this ATT&CK STIX bundle instead of the embedded ATT&CK v19.1.
    #[arg(long, value_name = "FILE", env = "AFC_ATTACK_BUNDLE")]
    attack_bundle: Option<PathBuf>,
}

impl StatusArg {
    pub(crate) fn min_status(self) -> MinStatus {
        match self {
            StatusArg::Deprecated => MinStatus::Deprecated,
            StatusArg::Experimental => MinStatus::Experimental,
            StatusArg::Test => MinStatus::Test,
            StatusArg::Stable => MinStatus::Stable,
        }
    }
}

/// Reads the detection sources (see [`af_analyze::sources`]) and tells on standard error what
/// was read and what was wrong; `Err` (already reported) when a source cannot be used.
pub(crate) fn read_detections(
    sources: &[PathBuf],
    min_status: StatusArg,
    jobs: Option<usize>,
    catalog: &af_catalog::Catalog,
) -> Result<(DetectionSet, Index), ()> {
    let threads = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let det = match af_analyze::sources::load(sources, min_status.min_status(), threads) {
        Ok(d) => d,
        Err(e) => {
            output::fail(e);
            return Err(());
        }
    };
    const SHOWN: usize = 10;
    for p in det.problems.iter().take(SHOWN) {
        output::say!("warning: {p}");
    }
    if det.problems.len() > SHOWN {
        output::say!(
            "warning: … and {} more problems with detection files",
            det.problems.len() - SHOWN
        );
    }
    let index = Index::new(&det.rules, catalog);
    for n in &index.notes {
        output::say!("note: {n}");
    }
    output::say!(
        "{} detection{} naming {} technique{} ({} Sigma file{} read{}{})",
        det.rules.len(),
        if det.rules.len() == 1 { "" } else { "s" },
        index.techniques(),
        if index.techniques() == 1 { "" } else { "s" },
        det.sigma_files,
        if det.sigma_files == 1 { "" } else { "s" },
        if det.skipped_status > 0 {
            format!("; {} skipped by --min-status", det.skipped_status)
        } else {
            String::new()
        },
        if det.untagged > 0 {
            format!("; {} without an ATT&CK technique tag", det.untagged)
        } else {
            String::new()
        },
    );
    Ok((det, index))
}

struct Analysed {
    loaded: Loaded,
    graph: FlowGraph,
    coverage: FlowCoverage,
}

pub fn run(args: Args, color: bool) -> u8 {
    let (inputs, options) = match flows::prepare(&args.files, args.attack_bundle.as_deref()) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let catalog = flows::catalog(&options);
    let Ok((det, index)) = read_detections(&args.detections, args.min_status, args.jobs, catalog) else {
        return output::USAGE;
    };
    let mut code = output::OK;
    let mut done: Vec<Analysed> = Vec::new();
    for inp in &inputs {
        let Some((loaded, graph, goals)) =
            flows::load_with_goals(inp, &options, color, &args.goal, &mut code)
        else {
            continue;
        };
        let coverage = coverage::analyze(&graph, &goals, &index, catalog, DEFAULT_BUDGET);
        done.push(Analysed {
            loaded,
            graph,
            coverage,
        });
    }
    let gaps = done.iter().any(|a| a.coverage.goals.iter().any(|g| g.undetected));
    let text = match args.format {
        // For people: names from the flows and the rules cannot drive the terminal.
        CoverageFormat::Human => {
            af_diagnostics::escape_control(&human(&done, &det.rules, args.limit), true).into_owned()
        }
        CoverageFormat::Markdown => markdown(&done, &det.rules, args.limit),
        CoverageFormat::Json => {
            let mut s =
                serde_json::to_string_pretty(&json_doc(&done, &det.rules, catalog)).unwrap_or_default();
            s.push('\n');
            s
        }
        CoverageFormat::Sarif => {
            let mut log = crate::ci::SarifLog::default();
            for a in &done {
                let found = findings(a, &det.rules);
                let refs: Vec<&Diagnostic> = found.iter().collect();
                log.add(&refs, &a.loaded.name, &a.loaded.text);
            }
            log.to_json()
        }
        CoverageFormat::Navigator => navigator(&done, &det.rules, catalog, &args),
    };
    // Neither a flow nor a detection file given on the command line is replaced by the report.
    let mut read = inputs.clone();
    read.extend(args.detections.iter().map(|p| input::Input {
        name: p.display().to_string(),
        path: Some(p.clone()),
    }));
    if !input::write_report(&read, args.output.as_deref(), &text) {
        return output::USAGE;
    }
    if let Some(o) = &args.output {
        output::say!("wrote {}", o.display());
    }
    if args.fail_on_gaps && gaps {
        output::say!("error: a way to a goal avoids every detection (--fail-on-gaps)");
        code = code.max(output::FAILED);
    }
    code
}

fn title(a: &Analysed) -> String {
    a.graph.name.clone().unwrap_or_else(|| a.loaded.name.clone())
}

fn rule_text(r: &Rule) -> String {
    match &r.id {
        Some(_) => format!("\"{}\" ({})", r.title, r.file),
        None => r.title.clone(),
    }
}

fn matches_text(s: &coverage::StepCoverage, rules: &[Rule], max: usize) -> String {
    let mut parts: Vec<String> = s
        .matches
        .iter()
        .take(max)
        .map(|m| {
            let mut t = rule_text(&rules[m.rule]);
            if m.parent {
                t.push_str(" [parent technique]");
            }
            if let Some(f) = &m.renamed_from {
                t.push_str(&format!(" [tagged {f}]"));
            }
            t
        })
        .collect();
    if s.matches.len() > max {
        parts.push(format!("{} more", s.matches.len() - max));
    }
    parts.join("; ")
}

fn counts(c: &FlowCoverage) -> (usize, usize, usize, usize) {
    let n = |l: Level| c.steps.iter().filter(|s| s.level == l).count();
    (
        n(Level::Detected),
        n(Level::Partial),
        n(Level::Undetected),
        n(Level::NoTechnique),
    )
}

fn score_text(c: &FlowCoverage) -> String {
    match c.score {
        Some(s) => format!("{s:.0}%"),
        None => "n/a".into(),
    }
}

fn way_text(g: &FlowGraph, ways: &af_analyze::paths::Ways, k: usize) -> String {
    flows::way_text(
        g,
        &ways.ways[k],
        ways.branches.get(k).map_or(&[][..], Vec::as_slice),
    )
}

fn human(done: &[Analysed], rules: &[Rule], limit: usize) -> String {
    let mut t = String::new();
    for a in done {
        let (d, p, u, none) = counts(&a.coverage);
        let _ = writeln!(t, "{} ({})", title(a), a.loaded.name);
        let _ = writeln!(
            t,
            "  score {}: {d} detected, {p} partial, {u} undetected{}",
            score_text(&a.coverage),
            if none > 0 {
                format!(", {none} without a technique")
            } else {
                String::new()
            }
        );
        for s in &a.coverage.steps {
            let tech = s.technique.clone().unwrap_or_default();
            let written = s
                .written
                .as_ref()
                .map(|w| format!(" (written {w})"))
                .unwrap_or_default();
            let _ = write!(
                t,
                "  {:<12} {:<28} {tech}{written}",
                s.level.word(),
                a.graph.steps[s.step].label
            );
            if !s.matches.is_empty() {
                let _ = write!(t, "  ← {}", matches_text(s, rules, 3));
            }
            t.push('\n');
        }
        for gc in &a.coverage.goals {
            let goal = flows::step_text(&a.graph, gc.goal);
            if !gc.cuts.reachable {
                let _ = writeln!(t, "  goal {goal}: unreachable");
                continue;
            }
            let total = gc.all_ways.ways.len();
            let open = gc.undetected_ways.ways.len();
            let more = if gc.all_ways.truncated || gc.undetected_ways.truncated {
                "at least "
            } else {
                ""
            };
            if gc.undetected {
                let _ = writeln!(t, "  goal {goal}: {more}{open} of {total} ways undetected");
                for n in 0..open.min(limit) {
                    let _ = writeln!(
                        t,
                        "    {:>2}. {}",
                        n + 1,
                        way_text(&a.graph, &gc.undetected_ways, n)
                    );
                }
                if open > limit {
                    let _ = writeln!(t, "    … {} more (--limit)", open - limit);
                }
            } else {
                let _ = writeln!(t, "  goal {goal}: every way ({total}) meets a detection");
            }
            if !gc.uncovered_choke_points.is_empty() {
                let names: Vec<String> = gc
                    .uncovered_choke_points
                    .iter()
                    .map(|&i| flows::step_text(&a.graph, i))
                    .collect();
                let _ = writeln!(t, "    uncovered choke points: {}", names.join(", "));
            }
        }
        t.push('\n');
    }
    t
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn markdown(done: &[Analysed], rules: &[Rule], limit: usize) -> String {
    let mut t = String::from("## Detection coverage\n\n");
    for a in done {
        let (d, p, u, _) = counts(&a.coverage);
        let _ = writeln!(
            t,
            "### {}\n\n`{}`: score **{}** ({d} detected, {p} partial, {u} undetected)\n",
            md_escape(&title(a)),
            a.loaded.name,
            score_text(&a.coverage)
        );
        let _ = writeln!(
            t,
            "| step | technique | coverage | detections |\n|---|---|---|---|"
        );
        for s in &a.coverage.steps {
            let mark = match s.level {
                Level::Detected => "✅ detected",
                Level::Partial => "🟡 partial",
                Level::Undetected => "❌ undetected",
                Level::NoTechnique => "➖ no technique",
            };
            let _ = writeln!(
                t,
                "| {} | {} | {mark} | {} |",
                md_escape(&a.graph.steps[s.step].label),
                s.technique.as_deref().unwrap_or(""),
                md_escape(&matches_text(s, rules, 3))
            );
        }
        t.push('\n');
        for gc in &a.coverage.goals {
            let goal = md_escape(&flows::step_text(&a.graph, gc.goal));
            if !gc.cuts.reachable {
                let _ = writeln!(t, "- Goal **{goal}**: unreachable");
            } else if gc.undetected {
                let _ = writeln!(
                    t,
                    "- Goal **{goal}**: {} of {} ways undetected",
                    gc.undetected_ways.ways.len(),
                    gc.all_ways.ways.len()
                );
                for n in 0..gc.undetected_ways.ways.len().min(limit) {
                    let _ = writeln!(
                        t,
                        "  - {}",
                        md_escape(&way_text(&a.graph, &gc.undetected_ways, n))
                    );
                }
            } else {
                let _ = writeln!(t, "- Goal **{goal}**: every way meets a detection");
            }
            if !gc.uncovered_choke_points.is_empty() {
                let names: Vec<String> = gc
                    .uncovered_choke_points
                    .iter()
                    .map(|&i| md_escape(&flows::step_text(&a.graph, i)))
                    .collect();
                let _ = writeln!(t, "  - Uncovered choke points: {}", names.join(", "));
            }
        }
        t.push('\n');
    }
    t
}

fn json_doc(done: &[Analysed], rules: &[Rule], catalog: &af_catalog::Catalog) -> Value {
    let flows_json: Vec<Value> = done
        .iter()
        .map(|a| {
            let g = &a.graph;
            let step = |i: usize| flows::step_json(g, i, catalog);
            let steps: Vec<Value> = a
                .coverage
                .steps
                .iter()
                .map(|s| {
                    let mut v = step(s.step);
                    v["coverage"] = json!(s.level.word());
                    if let Some(w) = &s.written {
                        v["written_technique"] = json!(w);
                        v["technique"] = json!(s.technique);
                    }
                    v["detections"] = s
                        .matches
                        .iter()
                        .map(|m| {
                            let r = &rules[m.rule];
                            json!({
                                "title": r.title,
                                "id": r.id,
                                "file": r.file,
                                "match": if m.parent { "parent technique" } else { "exact" },
                                "tagged": m.renamed_from,
                            })
                        })
                        .collect();
                    v
                })
                .collect();
            let goals: Vec<Value> = a
                .coverage
                .goals
                .iter()
                .map(|gc| {
                    json!({
                        "goal": step(gc.goal),
                        "reachable": gc.cuts.reachable,
                        "undetected": gc.undetected,
                        "ways": gc.all_ways.ways.len(),
                        "undetected_ways": gc.undetected_ways.ways.iter().zip(&gc.undetected_ways.branches).map(|(w, b)| flows::way_json(g, w, b, catalog)).collect::<Vec<_>>(),
                        "ways_complete": !(gc.all_ways.truncated || gc.undetected_ways.truncated),
                        "choke_points": gc.cuts.choke_points.iter().map(|&i| step(i)).collect::<Vec<_>>(),
                        "uncovered_choke_points": gc.uncovered_choke_points.iter().map(|&i| step(i)).collect::<Vec<_>>(),
                    })
                })
                .collect();
            json!({
                "file": a.loaded.name,
                "flow": g.name,
                "score": a.coverage.score.map(|s| (s * 10.0).round() / 10.0),
                "steps": steps,
                "goals": goals,
            })
        })
        .collect();
    json!({ "detections": rules.len(), "flows": flows_json })
}

/// The coverage gaps of one flow as diagnostics located in its input.
fn findings(a: &Analysed, rules: &[Rule]) -> Vec<Diagnostic> {
    let g = &a.graph;
    let span = |i: usize| a.loaded.span_of(&g.steps[i].id).unwrap_or(0..0);
    let mut out = Vec::new();
    let mut chokes: Vec<usize> = Vec::new();
    for gc in &a.coverage.goals {
        if gc.undetected {
            let mut d = Diagnostic::new(
                af_diagnostics::codes::A0001,
                span(gc.goal),
                format!(
                    "{} of {} ways to `{}` avoid every detection",
                    gc.undetected_ways.ways.len(),
                    gc.all_ways.ways.len(),
                    g.steps[gc.goal].label
                ),
            );
            if !gc.undetected_ways.ways.is_empty() {
                d = d.with_help(format!("for example: {}", way_text(g, &gc.undetected_ways, 0)));
            }
            out.push(d);
        }
        for &c in &gc.uncovered_choke_points {
            if chokes.contains(&c) {
                continue;
            }
            chokes.push(c);
            let partial = a
                .coverage
                .steps
                .iter()
                .find(|s| s.step == c && s.level == Level::Partial)
                .map(|s| format!("; only partially: {}", matches_text(s, rules, 2)))
                .unwrap_or_default();
            out.push(
                Diagnostic::new(
                    af_diagnostics::codes::A0002,
                    span(c),
                    format!(
                        "choke point `{}` ({}) is not detected: every way to `{}` passes through it{partial}",
                        g.steps[c].label,
                        g.steps[c].technique.as_deref().unwrap_or("no technique"),
                        g.steps[gc.goal].label
                    ),
                )
                .with_help("a detection here would see every way to the goal"),
            );
        }
    }
    for s in &a.coverage.steps {
        if chokes.contains(&s.step) {
            continue;
        }
        let label = &g.steps[s.step].label;
        match s.level {
            Level::Undetected => out.push(Diagnostic::new(
                af_diagnostics::codes::A0003,
                span(s.step),
                format!(
                    "`{label}` ({}) is not detected",
                    s.technique.as_deref().unwrap_or("")
                ),
            )),
            Level::Partial => out.push(Diagnostic::new(
                af_diagnostics::codes::A0004,
                span(s.step),
                format!(
                    "`{label}` ({}) is only partially detected: {}",
                    s.technique.as_deref().unwrap_or(""),
                    matches_text(s, rules, 2)
                ),
            )),
            _ => {}
        }
    }
    out.sort_by_key(|d| (d.span.start, d.code));
    out
}

fn navigator(done: &[Analysed], rules: &[Rule], catalog: &af_catalog::Catalog, args: &Args) -> String {
    let _ = args;
    // One entry per technique: the best coverage any step with it has.
    let mut by_id: Vec<(String, Level, Vec<String>)> = Vec::new();
    for a in done {
        for s in &a.coverage.steps {
            let Some(t) = &s.technique else { continue };
            let names: Vec<String> = s
                .matches
                .iter()
                .take(3)
                .map(|m| rules[m.rule].title.clone())
                .collect();
            match by_id.iter_mut().find(|(id, ..)| id == t) {
                Some(e) => {
                    if s.level < e.1 {
                        e.1 = s.level;
                        e.2 = names;
                    }
                }
                None => by_id.push((t.clone(), s.level, names)),
            }
        }
    }
    by_id.sort_by(|a, b| a.0.cmp(&b.0));
    let domain = by_id
        .iter()
        .filter_map(|(id, ..)| catalog.technique(id))
        .map(|t| t.primary_domain())
        .find_map(|d| d.stix_name())
        .unwrap_or("enterprise-attack");
    let techniques: Vec<Value> = by_id
        .iter()
        .map(|(id, level, names)| {
            let (score, color) = match level {
                Level::Detected => (2, "#2e7d32"),
                Level::Partial => (1, "#f9a825"),
                _ => (0, "#c62828"),
            };
            let mut comment = level.word().to_string();
            if !names.is_empty() {
                comment.push_str(": ");
                comment.push_str(&names.join("; "));
            }
            json!({ "techniqueID": id, "score": score, "color": color, "comment": comment, "enabled": true })
        })
        .collect();
    let name = if done.len() == 1 {
        format!("Detection coverage: {}", title(&done[0]))
    } else {
        format!("Detection coverage of {} attack flows", done.len())
    };
    let layer = json!({
        "name": name,
        "versions": {
            "attack": catalog.attack_version().unwrap_or("19"),
            "navigator": af_render::NAVIGATOR_VERSION,
            "layer": af_render::LAYER_VERSION,
        },
        "domain": domain,
        "description": "Techniques of the flows, coloured by detection coverage (afc coverage): green detected, yellow partial (a rule on the parent technique), red undetected.",
        "techniques": techniques,
        "gradient": { "colors": ["#c62828", "#f9a825", "#2e7d32"], "minValue": 0, "maxValue": 2 },
        "legendItems": [
            { "label": "detected", "color": "#2e7d32" },
            { "label": "partial", "color": "#f9a825" },
            { "label": "undetected", "color": "#c62828" },
        ],
        "hideDisabled": false,
    });
    let mut s = serde_json::to_string_pretty(&layer).unwrap_or_default();
    s.push('\n');
    s
}
