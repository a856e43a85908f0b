//! The briefing: one self-contained HTML page about one or more flows, for people who do not
//! read STIX (executives, after-action reviews, tickets).
//!
//! Per flow: the title, scope, author, dates and markings; the summary (the flow's
//! description); the picture (inline SVG, with the coverage overlay when detections are
//! given); the goals with their ways and choke points; a **timeline** of the actions, ordered
//! by `execution_start` (else `execution_end`), an action without a time placed right after
//! the step before it in the flow; a **tactic table** (tactic → techniques, in matrix order);
//! the **coverage** of the detections, when given; and the **mitigations** that cut most.
//!
//! The page has no external assets and no script: the CSS and the pictures are inline, and a
//! Content-Security-Policy forbids every fetch, so it opens offline and in a mail client
//! alike. Print CSS keeps sections and table rows whole on paper and PDF. Every text that
//! comes from a flow or a detection is escaped. The output is deterministic (no clock).

use af_analyze::coverage::{FlowCoverage, Level};
use af_analyze::detections::Rule;
use af_analyze::paths::{self, DEFAULT_BUDGET};
use af_analyze::{mitigations, FlowGraph, Object, StepKind};
use af_catalog::Catalog;
use serde_json::Value;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

/// One flow of the briefing.
pub struct BriefFlow<'a> {
    /// How the input is called (its file name), shown under the title.
    pub file: &'a str,
    /// The flow's STIX objects.
    pub objects: &'a [Object],
    /// Its graph (with `.af` names as labels where known).
    pub graph: &'a FlowGraph,
    /// The goals to analyse.
    pub goals: &'a [usize],
    /// Its coverage by the detections, when detections were given.
    pub coverage: Option<&'a FlowCoverage>,
}

/// How the briefing is made.
#[derive(Default)]
pub struct BriefOptions<'a> {
    /// The page title; default: the flow's name, or "Attack flow briefing" for several.
    pub title: Option<String>,
    /// Catalog for technique, tactic and mitigation names (default: the embedded one).
    pub catalog: Option<Arc<Catalog>>,
    /// The detections the coverage was computed with (to name the rules that match).
    pub rules: &'a [Rule],
    /// What the detections were, in words (`5 Sigma rules from examples/sigma`).
    pub detections: Option<String>,
    /// How many mitigations to list per flow (0: none).
    pub mitigations: usize,
    /// Theme and direction of the pictures.
    pub direction: af_render::Direction,
}

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg2: #f6f8fa;
  --ok: #1a7f37; --part: #9a6700; --bad: #cf222e; --hi: #8250df; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--fg); margin: 0 auto; padding: 2rem 1.5rem; max-width: 1100px; }
h1 { font-size: 1.9rem; margin: 0 0 .25rem; line-height: 1.2; }
h2 { font-size: 1.35rem; margin: 2.5rem 0 .5rem; border-bottom: 2px solid var(--line); padding-bottom: .2rem; }
h3 { font-size: 1.1rem; margin: 1.5rem 0 .4rem; }
.meta { color: var(--muted); margin: 0 0 1rem; }
.meta span + span::before { content: " · "; }
.marking { font-weight: 700; color: var(--bad); letter-spacing: .04em; }
.summary { white-space: pre-line; background: var(--bg2); border-left: 4px solid var(--hi); padding: .6rem 1rem; }
.facts { display: flex; flex-wrap: wrap; gap: .75rem; padding: 0; list-style: none; }
.facts li { border: 1px solid var(--line); border-radius: 6px; padding: .4rem .8rem; }
.facts b { display: block; font-size: 1.3rem; }
figure { margin: 1rem 0; text-align: center; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: .9rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .93rem; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); padding: .35rem .5rem; }
th { background: var(--bg2); }
td.when { white-space: nowrap; font-variant-numeric: tabular-nums; }
code { font: .9em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.detected { color: var(--ok); font-weight: 600; }
.partial { color: var(--part); font-weight: 600; }
.undetected { color: var(--bad); font-weight: 600; }
.choke { color: var(--hi); font-weight: 600; }
.note { color: var(--muted); font-size: .9rem; }
footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; border-top: 1px solid var(--line); padding-top: .5rem; }
@page { margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .flow + .flow { break-before: page; }
  h2, h3 { break-after: avoid; }
  figure, tr, .summary, .facts li { break-inside: avoid; }
  thead { display: table-header-group; }
  figure svg { max-height: 240mm; }
}
"#;

fn catalog_of<'c>(o: &'c BriefOptions<'_>) -> &'c Catalog {
    match &o.catalog {
        Some(c) => c,
        None => Catalog::embedded(),
    }
}

fn str_of<'v>(o: &'v Object, key: &str) -> Option<&'v str> {
    o.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The flow's `attack-flow` object.
fn flow_object(objects: &[Object]) -> Option<&Object> {
    objects
        .iter()
        .find(|o| o.get("type").and_then(Value::as_str) == Some("attack-flow"))
}

/// The whole page.
pub fn render_brief(flows: &[BriefFlow<'_>], o: &BriefOptions<'_>) -> String {
    let title = o.title.clone().unwrap_or_else(|| match flows {
        [one] => one
            .graph
            .name
            .clone()
            .unwrap_or_else(|| "Attack flow briefing".into()),
        _ => "Attack flow briefing".into(),
    });
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"afc report\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        escape(&title)
    );
    if flows.len() > 1 {
        let _ = writeln!(h, "<h1>{}</h1>", escape(&title));
        let _ = writeln!(h, "<p class=\"meta\">{} attack flows:</p>\n<ol>", flows.len());
        for (n, f) in flows.iter().enumerate() {
            let name = f.graph.name.clone().unwrap_or_else(|| f.file.to_string());
            let _ = writeln!(h, "<li><a href=\"#flow-{}\">{}</a></li>", n + 1, escape(&name));
        }
        h.push_str("</ol>\n");
    }
    for (n, f) in flows.iter().enumerate() {
        flow_section(&mut h, f, n + 1, flows.len() > 1, &title, o);
    }
    h.push_str(
        "<footer>Made with afc from MITRE Attack Flow data. Technique, tactic and mitigation \
         names: MITRE ATT&amp;CK®.</footer>\n</body>\n</html>\n",
    );
    h
}

fn flow_section(
    h: &mut String,
    f: &BriefFlow<'_>,
    n: usize,
    several: bool,
    title: &str,
    o: &BriefOptions<'_>,
) {
    let catalog = catalog_of(o);
    let g = f.graph;
    let flow = flow_object(f.objects);
    let name = g.name.clone().unwrap_or_else(|| f.file.to_string());
    let _ = writeln!(h, "<article class=\"flow\" id=\"flow-{n}\">");
    if several {
        let _ = writeln!(h, "<h1>{}</h1>", escape(&name));
    } else {
        let _ = writeln!(h, "<h1>{}</h1>", escape(title));
    }
    // Scope, author, dates, markings, file.
    let by_id: HashMap<&str, &Object> = f
        .objects
        .iter()
        .filter_map(|x| str_of(x, "id").map(|id| (id, x)))
        .collect();
    let mut meta: Vec<String> = Vec::new();
    if let Some(fl) = flow {
        for id in fl
            .get("object_marking_refs")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            let marking = af_stix::marking::tlp_name_for_id(id)
                .map(|t| {
                    t.to_ascii_uppercase()
                        .replace("TLP2-", "TLP:")
                        .replace("TLP-", "TLP:")
                })
                .or_else(|| by_id.get(id).and_then(|m| str_of(m, "name")).map(str::to_string));
            if let Some(m) = marking {
                meta.push(format!("<span class=\"marking\">{}</span>", escape(&m)));
            }
        }
        if let Some(scope) = str_of(fl, "scope") {
            meta.push(format!("<span>Scope: {}</span>", escape(scope)));
        }
        if let Some(author) = str_of(fl, "created_by_ref")
            .and_then(|r| by_id.get(r))
            .and_then(|a| str_of(a, "name"))
        {
            meta.push(format!("<span>By {}</span>", escape(author)));
        }
        if let Some(created) = str_of(fl, "created") {
            meta.push(format!("<span>Created {}</span>", escape(date(created))));
        }
        if let Some(modified) = str_of(fl, "modified").filter(|m| Some(*m) != str_of(fl, "created")) {
            meta.push(format!("<span>Modified {}</span>", escape(date(modified))));
        }
    }
    meta.push(format!("<span><code>{}</code></span>", escape(f.file)));
    let _ = writeln!(h, "<p class=\"meta\">{}</p>", meta.join(""));
    if let Some(desc) = flow.and_then(|fl| str_of(fl, "description")) {
        let _ = writeln!(h, "<p class=\"summary\">{}</p>", escape(desc));
    }

    // Key numbers.
    let actions: Vec<usize> = g
        .order
        .iter()
        .copied()
        .filter(|&i| g.steps[i].kind == StepKind::Action)
        .collect();
    let mut techniques: Vec<&str> = actions
        .iter()
        .filter_map(|&i| g.steps[i].technique.as_deref())
        .collect();
    techniques.sort_unstable();
    techniques.dedup();
    let ways = paths::ways(g, f.goals, &[]);
    let cuts: Vec<paths::Cuts> = f
        .goals
        .iter()
        .map(|&goal| paths::cuts(g, goal, DEFAULT_BUDGET))
        .collect();
    h.push_str("<ul class=\"facts\">");
    let _ = write!(h, "<li><b>{}</b>steps</li>", actions.len());
    let _ = write!(h, "<li><b>{}</b>techniques</li>", techniques.len());
    let _ = write!(
        h,
        "<li><b>{}</b>goal{}</li>",
        f.goals.len(),
        if f.goals.len() == 1 { "" } else { "s" }
    );
    let way_count: usize = ways.iter().map(|w| w.ways.len()).sum();
    let _ = write!(
        h,
        "<li><b>{way_count}</b>ways to {}</li>",
        if f.goals.len() == 1 { "it" } else { "them" }
    );
    if let Some(score) = f.coverage.and_then(|c| c.score) {
        let _ = write!(h, "<li><b>{score:.0}%</b>detection coverage</li>");
    }
    h.push_str("</ul>\n");

    // The picture.
    let overlay = f.coverage.map(|c| Arc::new(crate::coverage_overlay(g, c)));
    match af_render::render_svg(
        f.objects,
        &af_render::SvgOptions {
            theme: af_render::Theme::Light,
            direction: o.direction,
            catalog: o.catalog.clone(),
            overlay,
        },
    ) {
        Ok(svg) => {
            let _ = writeln!(
                h,
                "<figure>\n{}\n<figcaption>The flow{}.</figcaption>\n</figure>",
                inline_svg(&svg, n),
                if f.coverage.is_some() {
                    ", marked by detection coverage"
                } else {
                    ""
                }
            );
        }
        Err(e) => {
            let _ = writeln!(h, "<p class=\"note\">No picture: {}</p>", escape(&e.to_string()));
        }
    }

    // Goals.
    let _ = writeln!(h, "<h2>Goals</h2>");
    h.push_str("<table>\n<thead><tr><th>goal</th><th>ways</th><th>choke points (every way passes here)</th></tr></thead>\n<tbody>\n");
    for ((w, c), &goal) in ways.iter().zip(&cuts).zip(f.goals) {
        let chokes: Vec<String> = c.choke_points.iter().map(|&i| step_html(g, i)).collect();
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}{}</td><td>{}</td></tr>",
            step_html(g, goal),
            if w.truncated { "at least " } else { "" },
            w.ways.len(),
            if !c.reachable {
                "unreachable".to_string()
            } else if chokes.is_empty() {
                "none".to_string()
            } else {
                chokes.join(", ")
            }
        );
    }
    h.push_str("</tbody>\n</table>\n");

    timeline(h, f, catalog);
    tactic_table(h, g, &actions, catalog);
    if let Some(c) = f.coverage {
        coverage_section(h, g, c, o);
    }
    if o.mitigations > 0 {
        let ranked = mitigations::rank(g, f.goals, &ways, &cuts, catalog);
        if !ranked.is_empty() {
            let _ = writeln!(h, "<h2>Mitigations that cut most</h2>");
            h.push_str("<table>\n<thead><tr><th>mitigation</th><th>effect</th><th>steps</th></tr></thead>\n<tbody>\n");
            for e in ranked.iter().take(o.mitigations) {
                let parts = e.describe(g, |label| format!("<b>{}</b>", escape(label)));
                let steps: Vec<String> = e.steps.iter().map(|&i| step_html(g, i)).collect();
                let _ = writeln!(
                    h,
                    "<tr><td><code>{}</code> {}</td><td>{}</td><td>{}</td></tr>",
                    escape(&e.id),
                    escape(&e.name),
                    parts.join("; "),
                    steps.join(", ")
                );
            }
            h.push_str("</tbody>\n</table>\n");
            if ranked.len() > o.mitigations {
                let _ = writeln!(
                    h,
                    "<p class=\"note\">{} more mitigations apply.</p>",
                    ranked.len() - o.mitigations
                );
            }
        }
    }
    h.push_str("</article>\n");
}

/// `2026-01-01T00:00:00Z` → `2026-01-01`.
fn date(ts: &str) -> &str {
    ts.get(..10)
        .filter(|d| d.as_bytes().get(4) == Some(&b'-'))
        .unwrap_or(ts)
}

/// `2026-01-01T08:30:00.000Z` → `2026-01-01 08:30`.
fn when(ts: &str) -> String {
    match (ts.get(..10), ts.get(11..16)) {
        (Some(d), Some(t)) if ts.as_bytes().get(10) == Some(&b'T') => format!("{d} {t}"),
        _ => ts.to_string(),
    }
}

/// A step for the page: its label, with its technique id when that says more.
fn step_html(g: &FlowGraph, i: usize) -> String {
    let s = &g.steps[i];
    match &s.technique {
        Some(t) if *t != s.label => format!("{} <code>{}</code>", escape(&s.label), escape(t)),
        _ => escape(&s.label),
    }
}

fn technique_html(catalog: &Catalog, id: &str) -> String {
    match catalog.technique(id) {
        Some(t) => format!("<code>{}</code> {}", escape(id), escape(&t.full_name())),
        None => format!("<code>{}</code>", escape(id)),
    }
}

/// The ordering key of each action: its time, else the key of the step before it in the flow.
fn timeline(h: &mut String, f: &BriefFlow<'_>, catalog: &Catalog) {
    let g = f.graph;
    let by_id: HashMap<&str, &Object> = f
        .objects
        .iter()
        .filter_map(|x| str_of(x, "id").map(|id| (id, x)))
        .collect();
    let mut key = String::new();
    let mut rows: Vec<(String, usize, usize)> = Vec::new();
    for (pos, &i) in g.order.iter().enumerate() {
        let s = &g.steps[i];
        if s.kind != StepKind::Action {
            continue;
        }
        if let Some(t) = s.start.as_deref().or(s.end.as_deref()) {
            key = af_timestamp_key(t);
        }
        rows.push((key.clone(), pos, i));
    }
    let timed = rows.iter().any(|(k, ..)| !k.is_empty());
    rows.sort();
    let _ = writeln!(h, "<h2>Timeline</h2>");
    if !timed {
        let _ = writeln!(
            h,
            "<p class=\"note\">The flow gives no times; the steps are in the order of the flow.</p>"
        );
    } else if rows
        .iter()
        .any(|(_, _, i)| g.steps[*i].start.is_none() && g.steps[*i].end.is_none())
    {
        let _ = writeln!(
            h,
            "<p class=\"note\">Steps without a time follow the step before them in the flow.</p>"
        );
    }
    h.push_str("<table>\n<thead><tr><th>when</th><th>step</th><th>technique</th><th>what happened</th></tr></thead>\n<tbody>\n");
    for (_, _, i) in &rows {
        let s = &g.steps[*i];
        let span = match (s.start.as_deref(), s.end.as_deref()) {
            (Some(a), Some(b)) if a != b => format!("{} – {}", when(a), when(b)),
            (Some(a), _) => when(a),
            (None, Some(b)) => format!("until {}", when(b)),
            (None, None) => String::new(),
        };
        let desc = by_id
            .get(s.id.as_str())
            .and_then(|o| str_of(o, "description"))
            .unwrap_or("");
        let _ = writeln!(
            h,
            "<tr><td class=\"when\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&span),
            escape(&s.label),
            s.technique
                .as_deref()
                .map(|t| technique_html(catalog, t))
                .unwrap_or_default(),
            escape(desc)
        );
    }
    h.push_str("</tbody>\n</table>\n");
}

/// A timestamp as a sortable key (RFC 3339 in UTC sorts as text; the fraction is padded).
fn af_timestamp_key(ts: &str) -> String {
    ts.trim().trim_end_matches('Z').to_string()
}

/// A technique id (empty for none) and the actions that use it.
type TechniqueSteps = (String, Vec<usize>);

/// Tactic → techniques, in the catalog's matrix order; an action's `tactic_id` wins, else the
/// first tactic of its technique.
fn tactic_table(h: &mut String, g: &FlowGraph, actions: &[usize], catalog: &Catalog) {
    let order: HashMap<&str, usize> = catalog
        .tactics(None)
        .iter()
        .enumerate()
        .map(|(n, t)| (&*t.id, n))
        .collect();
    // tactic id (or "") → [(technique, steps)]
    let mut rows: Vec<(String, Vec<TechniqueSteps>)> = Vec::new();
    for &i in actions {
        let s = &g.steps[i];
        let technique = s.technique.as_deref().and_then(|t| catalog.technique(t));
        let tactic = s
            .tactic
            .as_deref()
            .and_then(|t| match technique {
                Some(tech) => catalog.tactic_for(tech, t).or_else(|| catalog.tactic(t)),
                None => catalog.tactic(t),
            })
            .map(|t| t.id.to_string())
            .or_else(|| s.tactic.clone())
            .or_else(|| {
                technique.and_then(|t| {
                    t.tactics
                        .iter()
                        .min_by_key(|x| order.get(&***x).copied().unwrap_or(usize::MAX))
                        .map(|x| x.to_string())
                })
            })
            .unwrap_or_default();
        let tech_key = s.technique.clone().unwrap_or_default();
        let row = match rows.iter_mut().find(|(t, _)| *t == tactic) {
            Some(r) => r,
            None => {
                rows.push((tactic.clone(), Vec::new()));
                let last = rows.len() - 1;
                &mut rows[last]
            }
        };
        match row.1.iter_mut().find(|(t, _)| *t == tech_key) {
            Some(t) => t.1.push(i),
            None => row.1.push((tech_key, vec![i])),
        }
    }
    if rows.is_empty() {
        return;
    }
    rows.sort_by_key(|(t, _)| {
        if t.is_empty() {
            usize::MAX
        } else {
            catalog
                .tactic(t)
                .and_then(|x| order.get(&*x.id).copied())
                .unwrap_or(usize::MAX - 1)
        }
    });
    let _ = writeln!(h, "<h2>Tactics and techniques</h2>");
    h.push_str("<table>\n<thead><tr><th>tactic</th><th>technique</th><th>steps</th></tr></thead>\n<tbody>\n");
    for (tactic, techs) in &rows {
        let tactic_cell = if tactic.is_empty() {
            "<span class=\"note\">no tactic</span>".to_string()
        } else {
            match catalog.tactic(tactic) {
                Some(t) => format!("{} <code>{}</code>", escape(&t.name), escape(tactic)),
                None => format!("<code>{}</code>", escape(tactic)),
            }
        };
        for (k, (tech, steps)) in techs.iter().enumerate() {
            let names: Vec<String> = steps.iter().map(|&i| escape(&g.steps[i].label)).collect();
            let _ = writeln!(
                h,
                "<tr>{}<td>{}</td><td>{}</td></tr>",
                if k == 0 {
                    format!("<th scope=\"row\" rowspan=\"{}\">{tactic_cell}</th>", techs.len())
                } else {
                    String::new()
                },
                if tech.is_empty() {
                    "<span class=\"note\">no technique</span>".to_string()
                } else {
                    technique_html(catalog, tech)
                },
                names.join(", ")
            );
        }
    }
    h.push_str("</tbody>\n</table>\n");
}

fn coverage_section(h: &mut String, g: &FlowGraph, c: &FlowCoverage, o: &BriefOptions<'_>) {
    let _ = writeln!(h, "<h2>Detection coverage</h2>");
    let count = |l: Level| c.steps.iter().filter(|s| s.level == l).count();
    let _ = writeln!(
        h,
        "<p>{}Score <b>{}</b>: {} detected, {} partly detected, {} undetected{}.</p>",
        o.detections
            .as_deref()
            .map(|d| format!("Against {}. ", escape(d)))
            .unwrap_or_default(),
        c.score.map_or("n/a".to_string(), |s| format!("{s:.0}%")),
        count(Level::Detected),
        count(Level::Partial),
        count(Level::Undetected),
        match count(Level::NoTechnique) {
            0 => String::new(),
            n => format!(", {n} without a technique"),
        }
    );
    h.push_str("<ul>\n");
    for gc in &c.goals {
        let goal = step_html(g, gc.goal);
        if !gc.cuts.reachable {
            let _ = writeln!(h, "<li>Goal {goal}: unreachable.</li>");
            continue;
        }
        if gc.undetected {
            let _ = write!(
                h,
                "<li><span class=\"undetected\">Goal {goal}: {} of {} ways avoid every detection.</span>",
                gc.undetected_ways.ways.len(),
                gc.all_ways.ways.len()
            );
        } else {
            let _ = write!(
                h,
                "<li><span class=\"detected\">Goal {goal}: every way meets a detection.</span>"
            );
        }
        if !gc.uncovered_choke_points.is_empty() {
            let names: Vec<String> = gc
                .uncovered_choke_points
                .iter()
                .map(|&i| step_html(g, i))
                .collect();
            let _ = write!(
                h,
                " <span class=\"choke\">Undetected choke points</span> (a detection there sees every way): {}.",
                names.join(", ")
            );
        }
        h.push_str("</li>\n");
    }
    h.push_str("</ul>\n");
    h.push_str("<table>\n<thead><tr><th>step</th><th>technique</th><th>coverage</th><th>detections</th></tr></thead>\n<tbody>\n");
    for s in &c.steps {
        let rules: Vec<String> = s
            .matches
            .iter()
            .take(3)
            .filter_map(|m| o.rules.get(m.rule).map(|r| (r, m.parent)))
            .map(|(r, parent)| {
                format!(
                    "{}{}",
                    escape(&r.title),
                    if parent {
                        " <span class=\"note\">(parent technique)</span>"
                    } else {
                        ""
                    }
                )
            })
            .collect();
        let more = s.matches.len().saturating_sub(3);
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{}{}</td></tr>",
            escape(&g.steps[s.step].label),
            s.technique
                .as_deref()
                .map(|t| format!("<code>{}</code>", escape(t)))
                .unwrap_or_default(),
            match s.level {
                Level::Detected => "detected",
                Level::Partial => "partial",
                Level::Undetected => "undetected",
                Level::NoTechnique => "note",
            },
            s.level.word(),
            rules.join("; "),
            if more > 0 {
                format!("; {more} more")
            } else {
                String::new()
            }
        );
    }
    h.push_str("</tbody>\n</table>\n");
}

/// An SVG picture for inlining in the page: without its XML declaration, and with its ids
/// (and the references to them) prefixed by the flow's number so that several pictures on
/// one page do not share ids.
fn inline_svg(svg: &str, n: usize) -> String {
    let body = match svg.find("<svg") {
        Some(at) => &svg[at..],
        None => svg,
    };
    body.replace(" id=\"", &format!(" id=\"f{n}-"))
        .replace("url(#", &format!("url(#f{n}-"))
        .replace("href=\"#", &format!("href=\"#f{n}-"))
}
