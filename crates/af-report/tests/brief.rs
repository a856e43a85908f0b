//! The briefing page: its content for example flows (snapshots, with the picture checked
//! apart), the timeline order, the tactic table, coverage and mitigations, and escaping.

use af_analyze::coverage::{analyze, Index};
use af_analyze::detections::{parse_sigma, Rule};
use af_analyze::paths::DEFAULT_BUDGET;
use af_analyze::{FlowGraph, Object};
use af_report::{render_brief, BriefFlow, BriefOptions};
use std::path::Path;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn compile(source: &str) -> (Vec<Object>, FlowGraph) {
    let compiled = af_compile::compile_str(source, &Default::default());
    let errors: Vec<_> = compiled.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let objects: Vec<Object> = compiled
        .objects
        .into_iter()
        .map(af_compile::Object::into_map)
        .collect();
    let mut g = FlowGraph::from_objects(&objects);
    g.set_names(compiled.declared.iter().map(|d| (d.id.as_str(), d.name.as_str())));
    (objects, g)
}

fn example(name: &str) -> (Vec<Object>, FlowGraph) {
    let text = std::fs::read_to_string(root().join("examples").join(name)).expect("example");
    compile(&text)
}

fn sigma_rules() -> Vec<Rule> {
    let dir = root().join("examples/sigma");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("examples/sigma")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|p| {
            let name = format!(
                "examples/sigma/{}",
                p.file_name().unwrap_or_default().to_string_lossy()
            );
            parse_sigma(&name, &std::fs::read_to_string(p).expect("rule")).expect("a rule")
        })
        .collect()
}

/// The page with the picture cut out (it has its own snapshots in af-render), and the picture.
fn split(html: &str) -> (String, Vec<String>) {
    let mut rest = String::new();
    let mut pictures = Vec::new();
    let mut tail = html;
    while let Some(at) = tail.find("<svg") {
        let end = tail[at..].find("</svg>").map(|e| at + e + 6).expect("closed svg");
        rest.push_str(&tail[..at]);
        rest.push_str("[picture]");
        pictures.push(tail[at..end].to_string());
        tail = &tail[end..];
    }
    rest.push_str(tail);
    (rest, pictures)
}

fn brief(objects: &[Object], g: &FlowGraph, rules: Option<&[Rule]>, file: &str) -> String {
    let goals = g.goals(&[]).expect("goals");
    let catalog = af_catalog::Catalog::embedded();
    let cov = rules.map(|r| analyze(g, &goals, &Index::new(r, catalog), catalog, DEFAULT_BUDGET));
    render_brief(
        &[BriefFlow {
            file,
            objects,
            graph: g,
            goals: &goals,
            coverage: cov.as_ref(),
        }],
        &BriefOptions {
            rules: rules.unwrap_or(&[]),
            detections: rules.map(|r| format!("{} Sigma rules from examples/sigma", r.len())),
            mitigations: 5,
            ..Default::default()
        },
    )
}

#[test]
fn the_ransomware_briefing_with_coverage() {
    let (objects, g) = example("ransomware-double-extortion.af");
    let rules = sigma_rules();
    let html = brief(
        &objects,
        &g,
        Some(&rules),
        "examples/ransomware-double-extortion.af",
    );
    let (page, pictures) = split(&html);
    assert_eq!(pictures.len(), 1);
    assert!(pictures[0].contains("mark-detected") && pictures[0].contains("mark-highlight"));
    insta::assert_snapshot!("ransomware_with_coverage", page);
}

#[test]
fn the_bec_briefing_has_a_timeline_markings_and_an_author() {
    let (objects, g) = example("bec-invoice-fraud.af");
    let html = brief(&objects, &g, None, "examples/bec-invoice-fraud.af");
    let (page, pictures) = split(&html);
    assert_eq!(pictures.len(), 1);
    assert!(!pictures[0].contains("mark-"), "no overlay without detections");
    assert!(page.contains("<span class=\"marking\">TLP:RED</span>"), "{page}");
    insta::assert_snapshot!("bec_without_detections", page);
}

/// The rows of the timeline table, by step label.
fn timeline_rows(html: &str) -> Vec<String> {
    let table = html
        .split("<h2>Timeline</h2>")
        .nth(1)
        .and_then(|t| t.split("</table>").next())
        .expect("a timeline");
    table
        .split("<tr><td class=\"when\">")
        .skip(1)
        .map(|row| row.split("</td><td>").nth(1).unwrap_or_default().to_string())
        .collect()
}

#[test]
fn the_timeline_orders_by_time_and_keeps_untimed_steps_after_their_predecessor() {
    let (objects, g) = compile(
        "flow \"t\" {\n  scope: incident\n  created: 2026-01-01T00:00:00Z\n}\n\
         action first T1566 { execution_start: 2026-01-05T10:00:00Z }\n\
         action second T1204\n\
         action third T1059 { execution_end: 2026-01-03T09:00:00Z }\n\
         action fourth T1486 { execution_start: 2026-01-07T00:00:00Z }\n\
         first -> second -> third -> fourth\n",
    );
    let html = brief(&objects, &g, None, "t.af");
    // third ends before first starts; second has no time and follows first.
    assert_eq!(timeline_rows(&html), ["third", "first", "second", "fourth"]);
    assert!(html.contains("Steps without a time follow the step before them in the flow."));
    assert!(html.contains("until 2026-01-03 09:00"));
}

#[test]
fn user_text_is_escaped_everywhere() {
    let (objects, g) = compile(
        "flow \"<script>alert(1)</script> & co\" {\n  scope: incident\n  created: 2026-01-01T00:00:00Z\n  \
         description: \"<img src=x onerror=alert(2)>\"\n}\n\
         action a T1566 \"<b>bold</b>\" { description: \"a 'quoted' \\\"thing\\\" <iframe>\" }\n\
         action b T1486\na -> b\n",
    );
    let html = brief(&objects, &g, None, "<evil>.af");
    let (page, _) = split(&html);
    for raw in ["<script", "<img", "<iframe", "<b>bold", "<evil>"] {
        assert!(!page.contains(raw), "unescaped {raw}");
    }
    assert!(page.contains("<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</title>"));
    assert!(page.contains("a &#39;quoted&#39; &quot;thing&quot; &lt;iframe&gt;"));
    // Nothing on the page may fetch anything.
    assert!(page.contains("default-src 'none'"));
    for fetch in [
        "src=\"http",
        "href=\"http",
        "url(http",
        "@import",
        "<script",
        "<link",
    ] {
        assert!(!html.contains(fetch), "{fetch}");
    }
}

#[test]
fn several_flows_make_one_page_with_distinct_picture_ids() {
    let (o1, g1) = example("ransomware-double-extortion.af");
    let (o2, g2) = example("bec-invoice-fraud.af");
    let goals1 = g1.goals(&[]).expect("goals");
    let goals2 = g2.goals(&[]).expect("goals");
    let html = render_brief(
        &[
            BriefFlow {
                file: "one.af",
                objects: &o1,
                graph: &g1,
                goals: &goals1,
                coverage: None,
            },
            BriefFlow {
                file: "two.af",
                objects: &o2,
                graph: &g2,
                goals: &goals2,
                coverage: None,
            },
        ],
        &BriefOptions::default(),
    );
    let (_, pictures) = split(&html);
    assert_eq!(pictures.len(), 2);
    assert!(pictures[0].contains(" id=\"f1-") && pictures[1].contains(" id=\"f2-"));
    let ids: Vec<&str> = html
        .split(" id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(ids.len(), unique.len(), "duplicate ids");
    assert!(html.contains("<title>Attack flow briefing</title>"));
    assert!(html.contains("<a href=\"#flow-2\">"));
}
