//! `afc render`, run as the built binary: each format to stdout and to files, bundles and
//! `.af` inputs, PNG output, Navigator layers merged over several flows and split per matrix
//! under one naming rule, and the errors (compile errors, bad bundles, several matrices
//! without a destination).

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn afc(args: &[&str]) -> Run {
    let out = match Command::new(env!("CARGO_BIN_EXE_afc"))
        .arg("render")
        .args(args)
        .env_remove("AFC_ATTACK_BUNDLE")
        .output()
    {
        Ok(o) => o,
        Err(e) => panic!("cannot run afc: {e}"),
    };
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
        .display()
        .to_string()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("afc-render-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        panic!("{}: {e}", dir.display());
    }
    dir
}

fn json(text: &str) -> Value {
    match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => panic!("not JSON ({e}):\n{text}"),
    }
}

#[test]
fn svg_goes_to_stdout_by_default() {
    let r = afc(&[&example("bec-invoice-fraud.af")]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(r
        .stdout
        .contains("<title id=\"flow-title\">Attack flow: Redirected supplier payment"));
    assert!(r.stdout.trim_end().ends_with("</svg>"));
}

#[test]
fn every_text_format_and_option() {
    let src = example("attack-tree-vpn-access.af");
    let r = afc(&[&src, "--to", "mermaid", "--direction", "lr"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stdout.contains("flowchart RL\n"),
        "a tree left to right keeps its goal first"
    );
    let r = afc(&[&src, "--to", "dot", "--theme", "dark"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.starts_with("digraph flow {") && r.stdout.contains("bgcolor=\"#0d1117\""));
    let r = afc(&[&src, "--theme", "dark"]);
    assert!(r.stdout.contains("fill=\"#0d1117\""));
}

#[test]
fn bundles_from_compile_render_the_same_as_their_source() {
    let dir = temp_dir("bundle");
    let bundle = dir.join("bec.json");
    let compiled = Command::new(env!("CARGO_BIN_EXE_afc"))
        .args(["compile", &example("bec-invoice-fraud.af"), "-o"])
        .arg(&bundle)
        .output();
    assert!(compiled.is_ok_and(|o| o.status.success()));
    let from_bundle = afc(&[&bundle.display().to_string(), "--to", "mermaid"]);
    let from_source = afc(&[&example("bec-invoice-fraud.af"), "--to", "mermaid"]);
    assert_eq!(from_bundle.code, Some(0), "{}", from_bundle.stderr);
    assert_eq!(from_bundle.stdout, from_source.stdout);
}

#[test]
fn several_inputs_go_to_out_dir() {
    let dir = temp_dir("outdir");
    let r = afc(&[
        &example("bec-invoice-fraud.af"),
        &example("ics-water-treatment.af"),
        "--to",
        "dot",
        "--out-dir",
        &dir.display().to_string(),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    for name in ["bec-invoice-fraud.dot", "ics-water-treatment.dot"] {
        let text = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        assert!(text.starts_with("digraph flow {"), "{name}");
    }
    assert!(r.stderr.contains("wrote "));
}

#[test]
fn navigator_merges_and_splits_by_domain() {
    let dir = temp_dir("navigator");
    let prefix = dir.join("heat.json");
    let r = afc(&[
        &example("bec-invoice-fraud.af"),
        &example("ransomware-double-extortion.af"),
        &example("mobile-smishing-banking-trojan.af"),
        "--to",
        "navigator",
        "--name",
        "Team flows",
        "-o",
        &prefix.display().to_string(),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let enterprise =
        json(&std::fs::read_to_string(dir.join("heat-enterprise-attack.json")).unwrap_or_default());
    let mobile = json(&std::fs::read_to_string(dir.join("heat-mobile-attack.json")).unwrap_or_default());
    assert_eq!(enterprise["name"], "Team flows");
    assert_eq!(enterprise["domain"], "enterprise-attack");
    assert_eq!(mobile["domain"], "mobile-attack");
    assert_eq!(enterprise["versions"]["layer"], "4.5");
    let techniques = enterprise["techniques"].as_array().cloned().unwrap_or_default();
    assert!(techniques
        .iter()
        .any(|t| t["techniqueID"] == "T1566.002" && t["score"] == 1));
    // A technique both enterprise flows use scores 2, with both flows in its comment.
    let shared = techniques.iter().find(|t| t["score"] == 2);
    assert!(
        shared.is_some_and(|t| t["comment"].as_str().is_some_and(|c| c
            .contains("Redirected supplier payment")
            && c.contains("GlassLock double extortion"))),
        "{techniques:#?}"
    );
    let max = techniques
        .iter()
        .filter_map(|t| t["score"].as_u64())
        .max()
        .unwrap_or(0);
    assert_eq!(enterprise["gradient"]["maxValue"], max);
}

#[test]
fn navigator_of_one_domain_goes_to_stdout() {
    let r = afc(&[&example("ics-water-treatment.af"), "--to", "navigator"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let layer = json(&r.stdout);
    assert_eq!(layer["domain"], "ics-attack");
    assert_eq!(
        layer["name"],
        "Dosing setpoint tampering at Lakeshire Water District"
    );
}

#[test]
fn navigator_needs_a_destination_for_several_domains() {
    let r = afc(&[
        &example("bec-invoice-fraud.af"),
        &example("mobile-smishing-banking-trojan.af"),
        "--to",
        "navigator",
    ]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("-o PREFIX or --out-dir"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}

#[test]
fn navigator_file_names_do_not_depend_on_the_data() {
    // One matrix or three: `-o heatmap` always gives heatmap-<matrix>.json.
    let dir = temp_dir("naming");
    let prefix = dir.join("heatmap").display().to_string();
    let r = afc(&[
        &example("ics-water-treatment.af"),
        "--to",
        "navigator",
        "-o",
        &prefix,
    ]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let r = afc(&[
        &example("bec-invoice-fraud.af"),
        &example("mobile-smishing-banking-trojan.af"),
        &example("llm-prompt-injection.af"),
        "--to",
        "navigator",
        "-o",
        &prefix,
    ]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    assert_eq!(
        names,
        [
            "heatmap-atlas.json",
            "heatmap-enterprise-attack.json",
            "heatmap-ics-attack.json",
            "heatmap-mobile-attack.json"
        ]
    );
    // --out-dir: DIR/<input name>-<matrix>.json, one input or several.
    let out = dir.join("out");
    let r = afc(&[
        &example("ics-water-treatment.af"),
        "--to",
        "navigator",
        "--out-dir",
        &out.display().to_string(),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(out.join("ics-water-treatment-ics-attack.json").is_file());
}

#[test]
fn atlas_techniques_give_a_layer_for_the_atlas_navigator() {
    let r = afc(&[&example("llm-prompt-injection.af"), "--to", "navigator"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let layer = json(&r.stdout);
    assert_eq!(layer["domain"], "atlas-atlas");
    assert_eq!(layer["versions"]["layer"], "4.3");
    let techniques = layer["techniques"].as_array().cloned().unwrap_or_default();
    assert!(
        techniques
            .iter()
            .any(|t| t["techniqueID"] == "AML.T0051.001" && t["score"] == 1),
        "{techniques:#?}"
    );
    assert!(techniques.iter().all(|t| t["techniqueID"]
        .as_str()
        .is_some_and(|id| id.starts_with("AML.T"))));
}

#[test]
fn navigator_without_navigator_techniques_fails_with_a_reason() {
    let dir = temp_dir("d3fend");
    let flow = dir.join("d3fend.af");
    let ok = std::fs::write(
        &flow,
        "flow \"Harden\" {\n  scope: incident\n  created: 2026-01-01T00:00:00Z\n}\naction mfa D3-MFA \"Require a second factor\"\n",
    );
    assert!(ok.is_ok());
    let r = afc(&[&flow.display().to_string(), "--to", "navigator"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("D3FEND technique, which no Navigator shows"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("no layer written"), "{}", r.stderr);
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(data: &[u8]) -> Option<(u32, u32)> {
    if !data.starts_with(b"\x89PNG\r\n\x1a\n") || data.get(12..16) != Some(b"IHDR") {
        return None;
    }
    let word = |at: usize| {
        data.get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    Some((word(16)?, word(20)?))
}

/// The `width` and `height` of an SVG's root element.
fn svg_size(svg: &str) -> Option<(f64, f64)> {
    let attr = |name: &str| {
        let at = svg.find(&format!(" {name}=\""))? + name.len() + 3;
        svg[at..].split('"').next()?.parse::<f64>().ok()
    };
    Some((attr("width")?, attr("height")?))
}

#[test]
fn png_output_is_the_svg_picture_and_the_same_every_time() {
    let dir = temp_dir("png");
    let src = example("bec-invoice-fraud.af");
    let (a, b) = (dir.join("a.png"), dir.join("b.png"));
    for (out, scale) in [(&a, "1"), (&b, "2")] {
        let r = afc(&[
            &src,
            "--to",
            "png",
            "--scale",
            scale,
            "-o",
            &out.display().to_string(),
        ]);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
    }
    let svg = afc(&[&src]).stdout;
    let (w, h) = svg_size(&svg).unwrap_or_default();
    let one = std::fs::read(&a).unwrap_or_default();
    let two = std::fs::read(&b).unwrap_or_default();
    assert_eq!(png_size(&one), Some((w.ceil() as u32, h.ceil() as u32)));
    assert_eq!(
        png_size(&two),
        Some(((2.0 * w).ceil() as u32, (2.0 * h).ceil() as u32))
    );
    // Standard output (redirected) carries the same bytes, and a second run writes them again.
    let piped = Command::new(env!("CARGO_BIN_EXE_afc"))
        .args(["render", &src, "--to", "png"])
        .output();
    assert!(piped
        .as_ref()
        .is_ok_and(|o| o.status.success() && o.stdout == one));
    // --out-dir names it <name>.png.
    let r = afc(&[
        &src,
        "--to",
        "png",
        "--out-dir",
        &dir.join("out").display().to_string(),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(
        std::fs::read(dir.join("out/bec-invoice-fraud.png")).ok(),
        Some(one)
    );
}

#[test]
fn png_scale_out_of_range_is_a_usage_error() {
    for bad in ["0", "-1", "NaN", "100", "big"] {
        let scale = format!("--scale={bad}");
        let r = afc(&[
            &example("bec-invoice-fraud.af"),
            "--to",
            "png",
            &scale,
            "-o",
            "x.png",
        ]);
        assert_eq!(r.code, Some(2), "--scale {bad}");
        assert!(r.stderr.contains("scale from 0.1 to 10"), "{}", r.stderr);
        assert!(!Path::new("x.png").exists());
    }
}

#[test]
fn compile_errors_and_bad_bundles_exit_1() {
    let dir = temp_dir("errors");
    let bad_af = dir.join("bad.af");
    let bad_json = dir.join("bad.json");
    let ok = std::fs::write(
        &bad_af,
        "flow \"x\" { scope: incident }\naction a T1566\na -> nowhere\n",
    )
    .and_then(|_| std::fs::write(&bad_json, "{\"type\": \"bundle\", \"objects\": 3}"));
    assert!(ok.is_ok());
    let r = afc(&[&bad_af.display().to_string()]);
    assert_eq!(r.code, Some(1));
    assert!(
        r.stderr.contains("nowhere"),
        "diagnostics are shown: {}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
    let r = afc(&[&bad_json.display().to_string()]);
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.contains("not a STIX bundle"), "{}", r.stderr);
    let r = afc(&[&dir.join("missing.af").display().to_string()]);
    assert_eq!(r.code, Some(2));
}

#[test]
fn a_dense_graph_is_refused_with_a_reason_and_the_others_still_render() {
    // The reproduction of the hostile-input report: 300 actions, every one leading to every
    // one (90,000 edges; it used to take 45 s, 3 GB and write 553 MB of SVG).
    let dir = temp_dir("dense");
    let names: Vec<String> = (0..300).map(|i| format!("n{i}")).collect();
    let mut source = String::from(
        "flow \"Dense\" {\n  scope: incident\n  start_refs: [n0]\n  created: 2026-01-01T00:00:00Z\n  description: \"dense\"\n}\n",
    );
    for n in &names {
        source.push_str(&format!("action {n} T1078 \"Step {n}\"\n"));
    }
    source.push_str(&format!("{} -> {}\n", names.join(", "), names.join(", ")));
    let dense = dir.join("dense.af");
    assert!(std::fs::write(&dense, source).is_ok());
    let out = dir.join("out");
    let r = afc(&[
        &dense.display().to_string(),
        &example("bec-invoice-fraud.af"),
        "--out-dir",
        &out.display().to_string(),
    ]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("dense.af: too large to lay out: 300 nodes and 90,000 edges")
            && r.stderr.contains("at most 2,000 nodes and 10,000 edges"),
        "{}",
        r.stderr
    );
    assert!(
        !out.join("dense.svg").exists(),
        "nothing is written for the refused flow"
    );
    assert!(
        out.join("bec-invoice-fraud.svg").exists(),
        "the other input is drawn"
    );
    // DOT has no layout to protect.
    let r = afc(&[&dense.display().to_string(), "--to", "dot"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(r.stdout.matches(" -> ").count(), 90_000);
}

#[test]
fn a_bundle_with_a_byte_order_mark_renders_as_validate_and_import_read_it() {
    let dir = temp_dir("bom");
    let plain = dir.join("plain.json");
    let compiled = Command::new(env!("CARGO_BIN_EXE_afc"))
        .args(["compile", &example("bec-invoice-fraud.af"), "-o"])
        .arg(&plain)
        .output();
    assert!(compiled.is_ok_and(|o| o.status.success()));
    let text = std::fs::read_to_string(&plain).unwrap_or_default();
    let bom = dir.join("bom.json");
    assert!(std::fs::write(&bom, format!("\u{feff}{text}")).is_ok());
    let expected = afc(&[&plain.display().to_string(), "--to", "mermaid"]);
    let r = afc(&[&bom.display().to_string(), "--to", "mermaid"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(r.stdout, expected.stdout);
    // The same file from standard input is still taken for a bundle.
    let piped = Command::new(env!("CARGO_BIN_EXE_afc"))
        .args(["render", "-", "--to", "mermaid"])
        .stdin(match std::fs::File::open(&bom) {
            Ok(f) => f,
            Err(e) => panic!("{e}"),
        })
        .output();
    let piped = match piped {
        Ok(o) => o,
        Err(e) => panic!("{e}"),
    };
    assert!(
        piped.status.success(),
        "{}",
        String::from_utf8_lossy(&piped.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&piped.stdout), expected.stdout);
    // validate and import accept it too.
    for command in ["validate", "import"] {
        let out = Command::new(env!("CARGO_BIN_EXE_afc"))
            .arg(command)
            .arg(&bom)
            .output();
        assert!(
            out.as_ref().is_ok_and(|o| o.status.success()),
            "{command}: {:?}",
            out.map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
        );
    }
}
