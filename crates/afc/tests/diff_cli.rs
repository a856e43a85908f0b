//! `afc diff` end to end on pairs made from the corpus and the examples: no difference for
//! reordered and reformatted source, renames, technique changes, added nodes and branches,
//! git revisions in a temporary repository, every output format.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn afc_in(dir: Option<&Path>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_afc"));
    cmd.args(args).env("NO_COLOR", "1");
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    cmd.output().expect("afc runs")
}

fn afc(args: &[&str]) -> Output {
    afc_in(None, args)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("afc-diff-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn p(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

fn json_diff(old: &Path, new: &Path) -> (Option<i32>, serde_json::Value) {
    let out = afc(&["diff", p(old), p(new), "--format", "json"]);
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("json: {e}\n{}\n{}", text(&out.stdout), text(&out.stderr)));
    (out.status.code(), v)
}

fn count(v: &serde_json::Value, key: &str) -> u64 {
    v["summary"][key].as_u64().unwrap_or(u64::MAX)
}

/// The same source with its statements in reverse order (the header first), other comments
/// and blank lines.
fn reorder_and_reformat(source: &str) -> String {
    let parsed = af_syntax::parse(source);
    assert!(parsed.diagnostics.iter().all(|d| !d.is_error()));
    let mut header = String::new();
    let mut rest = Vec::new();
    for item in &parsed.file.items {
        let s = &source[item.span().clone()];
        match item {
            af_syntax::Item::Flow(_) => header = s.to_string(),
            _ => rest.push(s.to_string()),
        }
    }
    rest.reverse();
    let mut out = format!("# reordered by the test\n\n\n{header}\n");
    for s in rest {
        out.push_str("\n\n# a comment that means nothing\n");
        out.push_str(&s);
        out.push_str("   # trailing\n");
    }
    out
}

/// Renames every word token `from` to `to` (strings and comments are left alone).
fn rename(source: &str, from: &str, to: &str) -> String {
    let (tokens, _) = af_syntax::lexer::lex(source);
    let mut out = String::new();
    let mut at = 0;
    for (t, span) in tokens {
        if matches!(t, af_syntax::lexer::Token::Word(w) if w == from) {
            out.push_str(&source[at..span.start]);
            out.push_str(to);
            at = span.end;
        }
    }
    out.push_str(&source[at..]);
    out
}

fn example(name: &str) -> PathBuf {
    af_testkit::workspace_root().join("examples").join(name)
}

#[test]
fn example_changes_are_reported_one_by_one() {
    let dir = scratch("example");
    let base_path = example("ransomware-double-extortion.af");
    let base = std::fs::read_to_string(&base_path).expect("example");

    // The same flow, reordered and reformatted: no difference, exit 0.
    let reordered = dir.join("reordered.af");
    std::fs::write(&reordered, reorder_and_reformat(&base)).expect("write");
    let out = afc(&["diff", p(&base_path), p(&reordered)]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(text(&out.stdout).contains("no differences"));

    // A rename (the id is derived from the name, so the node is matched by content).
    let renamed = dir.join("renamed.af");
    std::fs::write(&renamed, rename(&base, "lsass_dump", "dump_lsass")).expect("write");
    let (code, v) = json_diff(&base_path, &renamed);
    assert_eq!(code, Some(1));
    assert_eq!(
        v["nodes"]["renamed"],
        serde_json::json!([{"old": "lsass_dump", "new": "dump_lsass", "type": "attack-action"}])
    );
    for k in [
        "nodes_added",
        "nodes_removed",
        "nodes_changed",
        "edges_added",
        "edges_removed",
    ] {
        assert_eq!(count(&v, k), 0, "{k}: {v:#}");
    }

    // A technique change.
    let technique = dir.join("technique.af");
    std::fs::write(
        &technique,
        base.replace("action exploit_vpn T1190", "action exploit_vpn T1133"),
    )
    .expect("write");
    let (code, v) = json_diff(&base_path, &technique);
    assert_eq!(code, Some(1));
    let changed = &v["nodes"]["changed"];
    assert_eq!(changed.as_array().map(Vec::len), Some(1), "{v:#}");
    assert_eq!(changed[0]["name"], "exploit_vpn");
    assert_eq!(
        changed[0]["technique"],
        serde_json::json!({"old": "T1190", "new": "T1133"})
    );
    assert_eq!(
        changed[0]["properties"],
        serde_json::json!([]),
        "technique_ref follows technique_id"
    );
    let human = afc(&["diff", p(&base_path), p(&technique)]);
    let human = text(&human.stdout);
    assert!(
        human.contains(
            "technique: T1190 (Exploit Public-Facing Application) → T1133 (External Remote Services)"
        ),
        "{human}"
    );
    assert!(!human.contains('\x1b'), "NO_COLOR: {human}");

    // A new branch: a false branch from the condition to a new action.
    let cond = af_syntax::parse(&base)
        .file
        .items
        .iter()
        .find_map(|i| match i {
            af_syntax::Item::Node(n) if n.kind.text == "condition" => {
                n.name.as_ref().map(|x| x.text.to_string())
            }
            _ => None,
        })
        .expect("the example has a condition");
    let branch = dir.join("branch.af");
    std::fs::write(
        &branch,
        format!("{base}\naction test_added_step T1490 \"Delete the shadow copies\" {{ tactic: TA0040 }}\n{cond} -[false]-> test_added_step\n"),
    )
    .expect("write");
    let (code, v) = json_diff(&base_path, &branch);
    assert_eq!(code, Some(1));
    assert_eq!(count(&v, "nodes_added"), 1, "{v:#}");
    assert_eq!(v["nodes"]["added"][0]["name"], "test_added_step");
    assert_eq!(count(&v, "edges_added"), 1, "{v:#}");
    assert_eq!(
        v["edges"]["added"][0]["source"],
        format!("{cond} -[false]-> test_added_step")
    );
    assert_eq!(
        count(&v, "edges_removed") + count(&v, "nodes_removed") + count(&v, "nodes_changed"),
        0
    );
    // The other way round: removed.
    let (_, back) = json_diff(&branch, &base_path);
    assert_eq!(count(&back, "nodes_removed"), 1);
    assert_eq!(count(&back, "edges_removed"), 1);

    // Markdown and Mermaid mark what changed.
    let md = afc(&["diff", p(&base_path), p(&branch), "--format", "markdown"]);
    assert_eq!(md.status.code(), Some(1));
    let md = text(&md.stdout);
    assert!(md.contains("| ➕ added | `test_added_step` | action |"), "{md}");
    assert!(
        md.contains(&format!("+ {cond} -[false]-> test_added_step")),
        "{md}"
    );
    assert!(md.contains("```mermaid\n"), "{md}");
    let mm = text(&afc(&["diff", p(&base_path), p(&branch), "--format", "mermaid"]).stdout);
    assert!(
        mm.starts_with("---\ntitle:") && mm.contains("flowchart TB"),
        "{mm}"
    );
    assert_eq!(mm.matches("<b>[added] ").count(), 1, "{mm}");
    assert!(mm.contains("fill:#dafbe1") && mm.contains("linkStyle"), "{mm}");

    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn corpus_pairs() {
    let Some(shared) = af_testkit::shared_or_skip("corpus_pairs") else {
        return;
    };
    let dir = scratch("corpus");
    let stix = shared.join("corpus/stix");
    let mut checked = 0;
    for bundle in af_testkit::files_in(&stix, "json") {
        let stem = bundle
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let base = dir.join(format!("{checked}.af"));
        let out = afc(&["import", p(&bundle), "-o", p(&base)]);
        assert_eq!(out.status.code(), Some(0), "{stem}: {}", text(&out.stderr));
        let source = std::fs::read_to_string(&base).expect("imported");

        // What afc import writes is the same flow as the bundle.
        let out = afc(&["diff", p(&bundle), p(&base)]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{stem}: bundle vs import\n{}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        // Reordered and reformatted: the same.
        let reordered = dir.join(format!("{checked}-reordered.af"));
        std::fs::write(&reordered, reorder_and_reformat(&source)).expect("write");
        let out = afc(&["diff", p(&base), p(&reordered)]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{stem}: reordered\n{}{}",
            text(&out.stdout),
            text(&out.stderr)
        );

        let parsed = af_syntax::parse(&source);
        let actions: Vec<(String, Option<String>)> = parsed
            .file
            .items
            .iter()
            .filter_map(|i| match i {
                af_syntax::Item::Node(n) if n.kind.text == "action" => Some((
                    n.name.as_ref()?.text.to_string(),
                    n.word.as_ref().map(|w| w.text.to_string()),
                )),
                _ => None,
            })
            .collect();
        // A node whose name is not also a kind word (a Builder flow may call an action `malware`).
        let kinds: Vec<String> = parsed
            .file
            .items
            .iter()
            .filter_map(|i| match i {
                af_syntax::Item::Node(n) => Some(n.kind.text.to_string()),
                _ => None,
            })
            .collect();
        let Some((first, technique)) = actions.iter().find(|(n, _)| !kinds.contains(n)).cloned() else {
            continue;
        };

        // Rename a node: ids are explicit in an import, so it is matched by id.
        let renamed = dir.join(format!("{checked}-renamed.af"));
        std::fs::write(&renamed, rename(&source, &first, "renamed_by_test")).expect("write");
        let (code, v) = json_diff(&base, &renamed);
        assert_eq!(code, Some(1), "{stem}");
        assert_eq!(v["nodes"]["renamed"][0]["old"], first.as_str(), "{stem}: {v:#}");
        assert_eq!(v["nodes"]["renamed"][0]["new"], "renamed_by_test");
        assert_eq!(count(&v, "nodes_renamed"), 1);
        assert_eq!(
            count(&v, "edges_added") + count(&v, "edges_removed") + count(&v, "nodes_changed"),
            0,
            "{stem}: {v:#}"
        );

        // Change a technique.
        if let Some(t) = technique.filter(|t| t.starts_with('T') && t != "T1078") {
            let changed = dir.join(format!("{checked}-technique.af"));
            let needle = format!("action {first} {t}");
            assert!(source.contains(&needle), "{stem}: {needle}");
            std::fs::write(
                &changed,
                source.replacen(&needle, &format!("action {first} T1078"), 1),
            )
            .expect("write");
            let (code, v) = json_diff(&base, &changed);
            assert_eq!(code, Some(1));
            assert_eq!(
                v["nodes"]["changed"][0]["technique"],
                serde_json::json!({"old": t, "new": "T1078"}),
                "{stem}"
            );
            assert_eq!(count(&v, "nodes_changed"), 1, "{stem}: {v:#}");
        }

        // Add a branch from the first action to a new one.
        let branch = dir.join(format!("{checked}-branch.af"));
        std::fs::write(
            &branch,
            format!("{source}\naction added_by_test T1059 \"Added\"\n{first} -> added_by_test\n"),
        )
        .expect("write");
        let (code, v) = json_diff(&base, &branch);
        assert_eq!(code, Some(1));
        assert_eq!(count(&v, "nodes_added"), 1, "{stem}: {v:#}");
        assert_eq!(
            v["edges"]["added"][0]["source"],
            format!("{first} -> added_by_test"),
            "{stem}"
        );
        assert_eq!(count(&v, "edges_added"), 1);
        assert_eq!(
            count(&v, "nodes_removed") + count(&v, "edges_removed") + count(&v, "nodes_changed"),
            0,
            "{stem}: {v:#}"
        );
        checked += 1;
    }
    assert_eq!(checked, 28);
    let _ = std::fs::remove_dir_all(&dir);
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=afc test",
            "-c",
            "user.email=afc@example.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
}

#[test]
fn git_revisions() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("git_revisions: skipped: git is not installed");
        return;
    }
    let dir = scratch("git");
    let base = std::fs::read_to_string(example("ransomware-double-extortion.af")).expect("example");
    std::fs::create_dir_all(dir.join("flows")).expect("dir");
    let file = dir.join("flows/flow.af");
    std::fs::write(&file, &base).expect("write");
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "first"]);
    std::fs::write(
        &file,
        base.replace("action exploit_vpn T1190", "action exploit_vpn T1133"),
    )
    .expect("write");

    // `REV FILE`: FILE at REV against the working copy, from the top or from a subfolder.
    let out = afc_in(Some(&dir), &["diff", "HEAD", "flows/flow.af"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(
        s.starts_with("--- HEAD:flows/flow.af\n+++ flows/flow.af\n"),
        "{s}"
    );
    assert!(s.contains("technique: T1190"), "{s}");
    let out = afc_in(Some(&dir.join("flows")), &["diff", "HEAD", "flow.af"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    // `REV:path` on both sides.
    git(&dir, &["commit", "-q", "-am", "second"]);
    let out = afc_in(
        Some(&dir),
        &["diff", "HEAD~1:flows/flow.af", "HEAD:flows/flow.af"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("T1133"));
    let out = afc_in(Some(&dir), &["diff", "HEAD", "flows/flow.af"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // Neither a file nor a revision: a usage error.
    let out = afc_in(Some(&dir), &["diff", "no-such-rev", "flows/flow.af"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no-such-rev"), "{}", text(&out.stderr));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn errors_and_empty_sides() {
    let dir = scratch("errors");
    let base = example("bec-invoice-fraud.af");
    let broken = dir.join("broken.af");
    std::fs::write(
        &broken,
        "flow \"F\" { scope: incident }\naction a T1566 { asset_refs: [nothing] }\n",
    )
    .expect("write");
    let out = afc(&["diff", p(&base), p(&broken)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("E0105"), "{}", text(&out.stderr));
    let out = afc(&["diff", p(&base), p(&dir.join("missing.af"))]);
    assert_eq!(out.status.code(), Some(2));
    // An empty side (a file that is new in a change, as `git difftool` passes it): everything
    // is added.
    let empty = dir.join("empty.af");
    std::fs::write(&empty, "").expect("write");
    let (code, v) = json_diff(&empty, &base);
    assert_eq!(code, Some(1));
    assert!(
        count(&v, "nodes_added") > 3 && count(&v, "nodes_removed") == 0,
        "{v:#}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
