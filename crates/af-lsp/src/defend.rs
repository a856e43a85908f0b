//! The defender's view in the editor (feature `defend`, on with `server`): with detections
//! configured (`afc.detections`: folders of Sigma rules, Navigator layers, id lists), hover
//! on an action tells its detection coverage, the choke points it is and the ATT&CK
//! mitigations that apply; a code lens marks every choke point no detection sees. Technique
//! completion ranks the techniques often reported with the flow's own first, and a code
//! action on the flow header lists them (MITRE CTID's Technique Inference Engine).
//!
//! Everything here is a pure function of a [`Snapshot`] (its text and its settings, the loaded
//! [`Detections`] among them); the analyses are `af-analyze`'s, asked on the flow the compiler
//! makes of the text. A snapshot is one version of a document under one set of settings, so
//! its analysis is computed once, by the first hover or code lens that needs it, and kept with
//! the snapshot ([`analysis`]): an edit makes a new snapshot, and so does reading the
//! detections again (the server replaces every snapshot when the settings change).

use crate::snapshot::Snapshot;
use af_analyze::coverage::{self, FlowCoverage, Index, Level};
use af_analyze::detections::Rule;
use af_analyze::paths::{self, DEFAULT_BUDGET};
use af_analyze::{mitigations, FlowGraph, Object, StepKind};
use af_syntax::Span;
use std::fmt::Write as _;
use std::sync::{Arc, OnceLock};

/// Detections read from the configured sources.
#[derive(Debug, Clone, Default)]
pub struct Detections {
    /// The sources as configured.
    pub sources: Vec<String>,
    /// The rules read.
    pub rules: Vec<Rule>,
    /// The rules by technique.
    pub index: Index,
    /// Problems with single files (shown to the user once, when loaded).
    pub problems: Vec<String>,
}

impl Detections {
    /// Indexes rules read from `sources` (with `catalog` for revoked and renamed ids).
    pub fn new(
        sources: Vec<String>,
        rules: Vec<Rule>,
        problems: Vec<String>,
        catalog: &af_catalog::Catalog,
    ) -> Detections {
        let index = Index::new(&rules, catalog);
        Detections {
            sources,
            rules,
            index,
            problems,
        }
    }
}

/// A document's flow, analysed.
pub struct Analysis {
    /// The flow graph, labelled with the `.af` names.
    pub graph: FlowGraph,
    /// Where each declared node's name is: (STIX id, name, span).
    pub declared: Vec<(String, String, Span)>,
    /// The goals (actions that lead nowhere).
    pub goals: Vec<usize>,
    /// Coverage, when detections are configured.
    pub coverage: Option<FlowCoverage>,
    /// Choke points per goal.
    pub cuts: Vec<paths::Cuts>,
    /// Mitigations ranked by what they cut.
    pub mitigations: Vec<mitigations::Effect>,
}

/// A snapshot's analysis, computed at most once ([`analysis`]).
#[derive(Default)]
pub struct AnalysisCache(OnceLock<Option<Arc<Analysis>>>);

impl std::fmt::Debug for AnalysisCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnalysisCache")
            .field("computed", &self.0.get().is_some())
            .finish()
    }
}

/// The analysis of the snapshot's flow with the snapshot's detections, computed once per
/// snapshot (every hover and code lens of one document version shares it); `None` when the
/// flow has errors or no goal.
pub fn analysis(snap: &Snapshot) -> Option<Arc<Analysis>> {
    snap.defend
        .0
        .get_or_init(|| analyse(snap, snap.config.detections.as_deref()).map(Arc::new))
        .clone()
}

#[cfg(test)]
thread_local! {
    /// How many times [`analyse`] ran on this thread (tests count recompilations with it).
    static ANALYSES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Compiles the snapshot's text and analyses its flow; `None` when it has errors or no goal.
/// Uncached: the features ask [`analysis`].
pub fn analyse(snap: &Snapshot, detections: Option<&Detections>) -> Option<Analysis> {
    #[cfg(test)]
    ANALYSES.with(|n| n.set(n.get() + 1));
    if snap.has_errors() {
        return None;
    }
    let compiled = af_compile::compile_str(&snap.text, &snap.config.compile_options());
    if compiled.has_errors() {
        return None;
    }
    let declared: Vec<(String, String, Span)> = compiled
        .declared
        .iter()
        .map(|d| (d.id.to_string(), d.name.to_string(), d.span.clone()))
        .collect();
    let objects: Vec<Object> = compiled
        .objects
        .into_iter()
        .map(af_compile::Object::into_map)
        .collect();
    let mut graph = FlowGraph::from_objects(&objects);
    graph.set_names(declared.iter().map(|(id, name, _)| (id.as_str(), name.as_str())));
    let goals = graph.goals(&[]).ok()?;
    let catalog = snap.catalog();
    let ways = paths::ways(&graph, &goals, &[]);
    let cuts: Vec<paths::Cuts> = goals
        .iter()
        .map(|&g| paths::cuts(&graph, g, DEFAULT_BUDGET))
        .collect();
    let mitigations = mitigations::rank(&graph, &goals, &ways, &cuts, catalog);
    let coverage = detections.map(|d| coverage::analyze(&graph, &goals, &d.index, catalog, DEFAULT_BUDGET));
    Some(Analysis {
        graph,
        declared,
        goals,
        coverage,
        cuts,
        mitigations,
    })
}

impl Analysis {
    /// The step of the node `name` resolves to in the snapshot's model (the compiled node
    /// declared at the same place).
    fn step_named(&self, snap: &Snapshot, name: &str) -> Option<usize> {
        let node = &snap.model.nodes[snap.model.resolve(name)?];
        let (id, ..) = self.declared.iter().find(|(.., s)| *s == node.name_span)?;
        self.graph.step_index(id)
    }

    fn span_of(&self, step: usize) -> Option<Span> {
        let id = &self.graph.steps[step].id;
        self.declared
            .iter()
            .find(|(i, ..)| i == id)
            .map(|(_, _, s)| s.clone())
    }
}

/// Markdown about the action named at `offset` (declared or used): its coverage with the
/// rules that match, the goals it is a choke point of, and the mitigations that apply.
pub fn hover_markdown(snap: &Snapshot, offset: usize) -> Option<(String, Span)> {
    let detections = snap.config.detections.as_deref();
    let (name, span) = snap.model.name_at(offset)?;
    let name = name.to_string();
    let a = analysis(snap)?;
    let step = a.step_named(snap, &name)?;
    if a.graph.steps[step].kind != StepKind::Action {
        return None;
    }
    let mut md = String::new();
    if let (Some(cov), Some(d)) = (&a.coverage, detections) {
        if let Some(s) = cov.steps.iter().find(|s| s.step == step) {
            let _ = write!(md, "**Detection coverage:** {}", s.level.word());
            if s.level == Level::NoTechnique {
                md.push_str(" (no technique id, so no rule can name it)");
            }
            md.push('\n');
            for m in s.matches.iter().take(5) {
                if let Some(r) = d.rules.get(m.rule) {
                    let _ = write!(md, "\n- {}", escape_md(&r.title));
                    if m.parent {
                        md.push_str(" *(parent technique)*");
                    }
                    if let Some(f) = &m.renamed_from {
                        let _ = write!(md, " *(tagged {f})*");
                    }
                    let _ = write!(md, " — `{}`", r.file);
                }
            }
            if s.matches.len() > 5 {
                let _ = write!(md, "\n- … {} more", s.matches.len() - 5);
            }
            md.push('\n');
        }
    }
    let chokes: Vec<&str> = a
        .cuts
        .iter()
        .filter(|c| c.choke_points.contains(&step))
        .map(|c| a.graph.steps[c.goal].label.as_str())
        .collect();
    if !chokes.is_empty() {
        let _ = writeln!(
            md,
            "\n**Choke point** of `{}`: every way there passes through this step.",
            chokes.join("`, `")
        );
    }
    let applying: Vec<&mitigations::Effect> =
        a.mitigations.iter().filter(|e| e.steps.contains(&step)).collect();
    if !applying.is_empty() {
        md.push_str("\n**Mitigations** (ranked by what they cut in this flow):\n");
        for e in applying.iter().take(5) {
            let _ = write!(md, "\n- {} {}", e.id, escape_md(&e.name));
        }
        if applying.len() > 5 {
            let _ = write!(md, "\n- … {} more", applying.len() - 5);
        }
        md.push('\n');
    }
    (!md.is_empty()).then_some((md, span))
}

/// Markdown text with the characters that would format it escaped.
fn escape_md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A code lens: a line of text above a span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lens {
    /// Where (the action's name).
    pub span: Span,
    /// What it says.
    pub title: String,
}

/// A lens on every choke point no detection sees (only with detections configured).
pub fn lenses(snap: &Snapshot) -> Vec<Lens> {
    if snap.config.detections.is_none() {
        return Vec::new();
    }
    let Some(a) = analysis(snap) else {
        return Vec::new();
    };
    let Some(cov) = &a.coverage else {
        return Vec::new();
    };
    let mut out: Vec<Lens> = Vec::new();
    for gc in &cov.goals {
        for &c in &gc.uncovered_choke_points {
            let Some(span) = a.span_of(c) else { continue };
            let goal = &a.graph.steps[gc.goal].label;
            match out.iter_mut().find(|l| l.span == span) {
                Some(l) => {
                    let _ = write!(l.title, ", `{goal}`");
                }
                None => out.push(Lens {
                    span,
                    title: format!("undetected choke point: every way to `{goal}`"),
                }),
            }
        }
    }
    for l in &mut out {
        l.title.push_str(" passes here");
    }
    out.sort_by_key(|l| l.span.start);
    out
}

/// How many suggested techniques completion puts first and the flow header offers.
pub const SUGGESTIONS: usize = 8;

/// The techniques most often reported with the flow's own (TIE), best first: none when the
/// model knows none of the flow's techniques.
pub fn suggestions(snap: &Snapshot) -> Vec<af_analyze::suggest::Suggestion> {
    let model = af_analyze::suggest::Model::embedded();
    let observed: Vec<&str> = snap
        .model
        .nodes
        .iter()
        .filter(|n| n.stix_type.as_deref() == Some("attack-action"))
        .filter_map(|n| n.word.as_ref().map(|w| w.text.as_str()))
        .filter(|id| model.knows(id))
        .collect();
    if observed.is_empty() {
        return Vec::new();
    }
    model.predict(&observed)
}

/// Moves the technique items TIE suggests for this flow to the front, best first, and says
/// why in their detail.
pub fn rank_suggested(snap: &Snapshot, items: &mut Vec<crate::completion::Item>) {
    let top: Vec<String> = suggestions(snap)
        .into_iter()
        .take(SUGGESTIONS)
        .map(|s| s.id)
        .collect();
    if top.is_empty() {
        return;
    }
    let mut first: Vec<crate::completion::Item> = Vec::new();
    for id in &top {
        if let Some(at) = items.iter().position(|i| i.label.eq_ignore_ascii_case(id)) {
            let mut item = items.remove(at);
            item.detail = Some(match item.detail.take() {
                Some(d) => format!("{d} · often reported with this flow's techniques"),
                None => "often reported with this flow's techniques".into(),
            });
            first.push(item);
        }
    }
    first.append(items);
    *items = first;
}

/// A code action that is not a fix of a diagnostic: a title and its edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// What the editor shows.
    pub title: String,
    /// The edits, applied together.
    pub edits: Vec<af_diagnostics::Edit>,
}

/// On the flow header: one action per technique often reported with the flow's, each adding
/// an action with that technique at the end of the file.
pub fn suggestion_actions(snap: &Snapshot, range: Span) -> Vec<Action> {
    let Some(flow) = &snap.model.flow else {
        return Vec::new();
    };
    if range.start > flow.span.end || range.end < flow.span.start {
        return Vec::new();
    }
    let catalog = snap.catalog();
    let end = snap.text.len();
    let sep = if snap.text.ends_with('\n') || snap.text.is_empty() {
        ""
    } else {
        "\n"
    };
    suggestions(snap)
        .into_iter()
        .take(SUGGESTIONS)
        .map(|s| {
            let name_text = catalog.technique(&s.id).map(|t| t.full_name());
            let name = unique_name(snap, &s.id, name_text.as_deref());
            Action {
                title: format!(
                    "Add {}{} (often reported with this flow's techniques)",
                    s.id,
                    name_text.as_deref().map(|n| format!(" {n}")).unwrap_or_default()
                ),
                edits: vec![af_diagnostics::Edit {
                    span: end..end,
                    replacement: format!("{sep}\naction {name} {}\n", s.id),
                }],
            }
        })
        .collect()
}

/// A node name for a technique not yet declared: its name's first words in snake case
/// (`obfuscated_files`), else its id, with a number when taken.
fn unique_name(snap: &Snapshot, id: &str, name: Option<&str>) -> String {
    let base: String = match name {
        Some(n) => n
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(3)
            .map(str::to_ascii_lowercase)
            .collect::<Vec<_>>()
            .join("_"),
        None => String::new(),
    };
    let base = if base.is_empty() || !base.starts_with(|c: char| c.is_ascii_alphabetic()) {
        id.to_ascii_lowercase().replace('.', "_")
    } else {
        base
    };
    let mut name = base.clone();
    let mut n = 2;
    while snap.model.node(&name).is_some() {
        name = format!("{base}_{n}");
        n += 1;
    }
    name
}

/// Adds the coverage of the action at `offset` to a hover (only with detections configured).
pub fn extend_hover(
    snap: &Snapshot,
    offset: usize,
    hover: Option<crate::hover::HoverInfo>,
) -> Option<crate::hover::HoverInfo> {
    if snap.config.detections.is_none() {
        return hover;
    }
    match (hover, hover_markdown(snap, offset)) {
        (Some(mut h), Some((md, _))) => {
            h.markdown.push_str("\n\n---\n\n");
            h.markdown.push_str(&md);
            Some(h)
        }
        (None, Some((markdown, span))) => Some(crate::hover::HoverInfo { markdown, span }),
        (h, None) => h,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::Config;

    const FLOW: &str = "flow \"F\" { scope: incident, created: 2026-01-01T00:00:00Z, description: \"d\" }\n\
                        action phish T1566\naction run T1204\naction encrypt T1486\nphish -> run -> encrypt\n";

    fn detections(ids: &[&str]) -> Arc<Detections> {
        let rule = Rule {
            title: format!("rules for {}", ids.join(", ")),
            id: None,
            file: "ids.txt".into(),
            status: None,
            techniques: ids.iter().map(|s| s.to_string()).collect(),
        };
        Arc::new(Detections::new(
            vec!["ids.txt".into()],
            vec![rule],
            Vec::new(),
            af_catalog::Catalog::embedded(),
        ))
    }

    fn snapshot(text: &str, version: i32, config: &Arc<Config>) -> Snapshot {
        Snapshot::new(text.to_string(), version, config.clone())
    }

    fn analyses() -> usize {
        ANALYSES.with(std::cell::Cell::get)
    }

    fn offset_of(text: &str, name: &str) -> usize {
        text.find(&format!("action {name}"))
            .map_or(0, |i| i + "action ".len())
    }

    /// Issue 15: every hover and code lens compiled the flow again. One analysis per snapshot
    /// (document version and settings); an edit and a reload of the detections give a new one.
    #[test]
    fn the_analysis_is_computed_once_per_version_and_settings() {
        let config = Arc::new(Config {
            detections: Some(detections(&["T1566"])),
            ..Config::default()
        });
        let v1 = snapshot(FLOW, 1, &config);
        let before = analyses();
        let lenses_v1 = lenses(&v1);
        let hover_run = hover_markdown(&v1, offset_of(FLOW, "run")).map(|(md, _)| md);
        let _ = hover_markdown(&v1, offset_of(FLOW, "phish"));
        let _ = lenses(&v1);
        assert_eq!(
            analyses() - before,
            1,
            "hovers and lenses of one version share one analysis"
        );
        assert!(matches!((analysis(&v1), analysis(&v1)), (Some(a), Some(b)) if Arc::ptr_eq(&a, &b)));
        // `run` is an undetected choke point of `encrypt`.
        assert!(
            lenses_v1.iter().any(|l| l.title.contains("`encrypt`")),
            "{lenses_v1:?}"
        );
        assert!(hover_run.is_some_and(|md| md.contains("undetected")));

        // An edit: a new version, analysed afresh, and what it says follows the new text.
        let edited = FLOW.replace("action run T1204", "action run T1059");
        let v2 = snapshot(&edited, 2, &config);
        let before = analyses();
        let hover_v2 = hover_markdown(&v2, offset_of(&edited, "run")).map(|(md, _)| md);
        let _ = lenses(&v2);
        assert_eq!(analyses() - before, 1);
        assert!(hover_v2.is_some());

        // The detections read again (now covering T1204): the server makes new snapshots with
        // the new settings, whose analysis sees the new rules.
        let reloaded = Arc::new(Config {
            detections: Some(detections(&["T1566", "T1204"])),
            ..Config::default()
        });
        let v1_reloaded = snapshot(FLOW, 1, &reloaded);
        let before = analyses();
        let hover_after = hover_markdown(&v1_reloaded, offset_of(FLOW, "run")).map(|(md, _)| md);
        assert_eq!(analyses() - before, 1);
        assert!(
            hover_after
                .as_deref()
                .is_some_and(|md| md.contains("**Detection coverage:** detected")),
            "{hover_after:?}"
        );
        let run_span = offset_of(FLOW, "run")..offset_of(FLOW, "run") + "run".len();
        assert!(lenses_v1.iter().any(|l| l.span == run_span), "{lenses_v1:?}");
        let lenses_after = lenses(&v1_reloaded);
        assert!(
            !lenses_after.iter().any(|l| l.span == run_span),
            "{lenses_after:?}"
        );
        assert_eq!(analyses() - before, 1, "the lens reuses the hover's analysis");
    }
}
