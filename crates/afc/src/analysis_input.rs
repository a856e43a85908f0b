//! Inputs of the analysis commands (`paths`, `coverage`, `suggest`, `mitigations`): one
//! flow is read through [`crate::flows::load`], the one loader of afc (an `.af` file is
//! compiled and errors stop it, a bundle is read as it is, an `.afb` file is imported and
//! compiled), and problems are reported on standard error; plus the shared wording of steps
//! and ways.

use crate::flows::{self, LoadError};
use crate::input::{self, Input};
use crate::output;
use af_analyze::{FlowGraph, Object};
use std::path::Path;

/// A flow ready for analysis.
pub struct Loaded {
    /// The input's display name.
    pub name: String,
    /// The text of the input (`.af` source, bundle JSON, `.afb` JSON).
    pub text: String,
    /// Whether `text` is `.af` source.
    pub is_source: bool,
    /// The objects.
    pub objects: Vec<Object>,
    /// Declared nodes of a source: STIX id, name, byte span of the name.
    pub declared: Vec<af_compile::Declared>,
}

impl Loaded {
    /// The flow graph, with `.af` names as labels where known.
    pub fn graph(&self) -> FlowGraph {
        let mut g = FlowGraph::from_objects(&self.objects);
        g.set_names(self.declared.iter().map(|d| (d.id.as_str(), d.name.as_str())));
        g
    }

    /// Where the object `id` is in the input text: its declaration in a source, else the
    /// object's `"id": "…"` in a bundle (or the first mention of the id).
    pub fn span_of(&self, id: &str) -> Option<std::ops::Range<usize>> {
        if self.is_source {
            return self.declared.iter().find(|d| d.id == id).map(|d| d.span.clone());
        }
        let quoted = format!("\"{id}\"");
        let own = format!("\"id\": {quoted}");
        if let Some(at) = self.text.find(&own) {
            let start = at + own.len() - quoted.len();
            return Some(start..start + quoted.len());
        }
        self.text.find(&quoted).map(|at| at..at + quoted.len())
    }
}

/// Why an input gave no flow.
pub enum Failure {
    /// The content is wrong (diagnostics, not a bundle): exit 1.
    Content,
    /// It could not be read: exit 2.
    Io,
}

/// Loads one input; problems are reported on standard error.
pub fn load(inp: &Input, options: &af_compile::Options, color: bool) -> Result<Loaded, Failure> {
    let text = input::read(inp).map_err(|e| {
        output::fail(e);
        Failure::Io
    })?;
    let is_source = flows::kind_of(inp.path.as_deref(), &text) == flows::Kind::Source;
    match flows::load(inp.path.as_deref(), &text, options) {
        Ok(loaded) => {
            output::human(&loaded.diagnostics, &inp.name, &text, color);
            Ok(Loaded {
                name: inp.name.clone(),
                text,
                is_source,
                objects: loaded.objects,
                declared: loaded.declared,
            })
        }
        Err(LoadError::Diagnostics(errors, source)) => {
            output::human(&errors, &inp.name, &source, color);
            Err(Failure::Content)
        }
        Err(LoadError::Imported(errors, source)) => {
            // The imported source is not the user's text: only its errors are shown.
            output::human(&errors, &format!("{} (imported)", inp.name), &source, color);
            Err(Failure::Content)
        }
        Err(LoadError::Invalid(e)) => {
            output::fail(format!("{}: {e}", inp.name));
            Err(Failure::Content)
        }
    }
}

/// Loads one input for an analysis command, folding a failure into the exit code `code` (1 for
/// content, 2 when it cannot be read); `None` means go on with the next input.
pub fn load_counted(
    inp: &Input,
    options: &af_compile::Options,
    color: bool,
    code: &mut u8,
) -> Option<Loaded> {
    match load(inp, options, color) {
        Ok(l) => Some(l),
        Err(Failure::Content) => {
            *code = (*code).max(output::FAILED);
            None
        }
        Err(Failure::Io) => {
            *code = output::USAGE;
            None
        }
    }
}

/// The goals of a loaded flow (`names`, or the actions that lead nowhere), reporting a failure
/// and folding it into `code`: 2 for a named goal the flow does not have, 1 for a flow without
/// any goal. `None` means go on with the next input.
pub fn goals_counted(loaded: &Loaded, g: &FlowGraph, names: &[String], code: &mut u8) -> Option<Vec<usize>> {
    match g.goals(names) {
        Ok(goals) => Some(goals),
        Err(e) => {
            output::fail(format!("{}: {e}", loaded.name));
            let usage = !names.is_empty();
            *code = (*code).max(if usage { output::USAGE } else { output::FAILED });
            None
        }
    }
}

/// [`load_counted`], the flow graph and [`goals_counted`] in one: what every analysis does
/// with an input first. `None` means go on with the next input.
pub fn load_with_goals(
    inp: &Input,
    options: &af_compile::Options,
    color: bool,
    names: &[String],
    code: &mut u8,
) -> Option<(Loaded, FlowGraph, Vec<usize>)> {
    let loaded = load_counted(inp, options, color, code)?;
    let g = loaded.graph();
    let goals = goals_counted(&loaded, &g, names, code)?;
    Some((loaded, g, goals))
}

/// Technique name from the catalog, for display.
pub fn technique_name(catalog: &af_catalog::Catalog, id: &str) -> Option<String> {
    catalog.technique(id).map(|t| t.full_name())
}

/// A step as JSON: id, label, `.af` name, kind, technique (and its name).
pub fn step_json(g: &FlowGraph, i: usize, catalog: &af_catalog::Catalog) -> serde_json::Value {
    let s = &g.steps[i];
    let mut v = serde_json::json!({
        "id": s.id,
        "label": s.label,
        "kind": match s.kind {
            af_analyze::StepKind::Action => "action",
            af_analyze::StepKind::Condition => "condition",
            af_analyze::StepKind::And => "AND",
            af_analyze::StepKind::Or => "OR",
        },
    });
    if let Some(n) = &s.source_name {
        v["name"] = serde_json::json!(n);
    }
    if let Some(t) = &s.technique {
        v["technique"] = serde_json::json!(t);
        if let Some(n) = technique_name(catalog, t) {
            v["technique_name"] = serde_json::json!(n);
        }
    }
    v
}

/// A step for people: its label and technique, `exploit_vpn (T1190)`.
pub fn step_text(g: &FlowGraph, i: usize) -> String {
    let s = &g.steps[i];
    match &s.technique {
        Some(t) if *t != s.label => format!("{} ({t})", s.label),
        _ => s.label.clone(),
    }
}

/// Expands the inputs and builds compile options; usage errors are printed.
pub fn prepare(
    files: &[std::path::PathBuf],
    attack_bundle: Option<&Path>,
) -> Result<(Vec<Input>, af_compile::Options), u8> {
    let inputs = input::expand(files, &["af"]).map_err(|e| {
        output::fail(e);
        output::USAGE
    })?;
    let options = input::compile_options(attack_bundle).map_err(|e| {
        output::fail(e);
        output::USAGE
    })?;
    Ok((inputs, options))
}

/// The catalog of the options (the embedded one unless --attack-bundle).
pub fn catalog(options: &af_compile::Options) -> &af_catalog::Catalog {
    match &options.catalog {
        Some(c) => c,
        None => af_catalog::Catalog::embedded(),
    }
}

/// A way for people: its steps in flow order joined by arrows, each condition with the
/// branch taken (`backups_reachable [false]`).
pub fn way_text(g: &FlowGraph, way: &[usize], branches: &[(usize, bool)]) -> String {
    way.iter()
        .map(|&i| {
            let mut t = step_text(g, i);
            if let Some((_, b)) = branches.iter().find(|(c, _)| *c == i) {
                t.push_str(if *b { " [true]" } else { " [false]" });
            }
            t
        })
        .collect::<Vec<_>>()
        .join(" → ")
}

/// A way as JSON: its steps, each condition with the branch taken.
pub fn way_json(
    g: &FlowGraph,
    way: &[usize],
    branches: &[(usize, bool)],
    catalog: &af_catalog::Catalog,
) -> serde_json::Value {
    way.iter()
        .map(|&i| {
            let mut v = step_json(g, i, catalog);
            if let Some((_, b)) = branches.iter().find(|(c, _)| *c == i) {
                v["branch"] = serde_json::json!(b);
            }
            v
        })
        .collect()
}
