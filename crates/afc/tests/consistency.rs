//! The consistency matrix (issue 14): what one afc command writes, every other afc command
//! accepts. The examples, every `.af` code block of `README.md` and `docs/`, and every flow of
//! the Attack Flow corpus (imported, then compiled again) go through `afc check`, `afc
//! compile` and `afc validate`, and the tools must agree:
//!
//! - a ```` ```af ```` block compiles without any diagnostic and its bundle validates without
//!   an error; a block whose info string names codes (```` ```af E0105 ````) must produce
//!   those codes (the diagnostics page shows real output); a block containing `…` is a
//!   schematic fragment and is only counted;
//! - an untagged block that parses as a flow is reported, so a doc example cannot escape the
//!   check by losing its tag;
//! - `afc check` reports no warning on an imported flow that the original bundle does not
//!   give reason for (a warning the importer introduced), and `afc validate` reports nothing
//!   at error level on any compiled bundle.
//!
//! The OASIS `stix2-validator` run over the compiled examples is in `.ci/run` (it needs
//! Python); the deliberate warnings it gives are documented in `docs/stix.md`.

use af_diagnostics::{Diagnostic, Severity};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fenced code block of a Markdown file.
struct Block {
    /// `docs/language.md:6` (the line of the opening fence).
    at: String,
    /// The info string after the opening fence, trimmed.
    info: String,
    /// The contents, with the fence's indentation removed.
    text: String,
}

/// Every fenced (```` ``` ````) code block of `markdown`, also indented ones (in list items).
fn fenced_blocks(name: &str, markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines = markdown.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let fence_len = trimmed.bytes().take_while(|&b| b == b'`').count();
        if fence_len < 3 {
            continue;
        }
        let fence = &trimmed[..fence_len];
        let info = trimmed[fence_len..].trim().to_string();
        let mut text = String::new();
        for (_, body) in lines.by_ref() {
            let rest = body.trim_start();
            if rest.starts_with(fence) && rest.trim_end() == fence {
                break;
            }
            let strip = body.len() - rest.len();
            text.push_str(&body[strip.min(indent)..]);
            text.push('\n');
        }
        blocks.push(Block {
            at: format!("{name}:{}", n + 1),
            info,
            text,
        });
    }
    blocks
}

/// `README.md` and every `docs/*.md`, with their blocks.
fn doc_blocks() -> Vec<Block> {
    let mut files = vec![root().join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .unwrap_or_else(|e| panic!("cannot list docs/: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    let mut blocks = Vec::new();
    for path in files {
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let name = path.strip_prefix(root()).unwrap_or(&path).display().to_string();
        let name = name.trim_start_matches("../../").replace('\\', "/");
        blocks.extend(fenced_blocks(&name, &text));
    }
    blocks
}

fn describe(diags: &[Diagnostic], text: &str) -> String {
    let index = af_diagnostics::LineIndex::new(text);
    diags
        .iter()
        .map(|d| {
            let p = index.line_col(text, d.span.start);
            format!("    {}:{} {} {}", p.line, p.column, d.code, d.message)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn fenced_blocks_are_found_with_their_info_and_indentation() {
    let md = "intro\n```af E0105\nphsh -> a\n```\n- item\n\n  ```\n  a: [\n    b,\n  ]\n  ```\n````md\n```\n````\n";
    let blocks = fenced_blocks("x.md", md);
    let got: Vec<(&str, &str, &str)> = blocks
        .iter()
        .map(|b| (b.at.as_str(), b.info.as_str(), b.text.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("x.md:2", "af E0105", "phsh -> a\n"),
            ("x.md:7", "", "a: [\n  b,\n]\n"),
            ("x.md:12", "md", "```\n"),
        ]
    );
}

#[test]
fn every_af_block_in_the_docs_compiles() {
    let mut checked = 0;
    let mut fragments = 0;
    let mut failures = Vec::new();
    for block in doc_blocks() {
        let mut words = block.info.split_whitespace();
        if words.next() != Some("af") {
            continue;
        }
        if block.text.contains('…') {
            fragments += 1;
            continue;
        }
        checked += 1;
        let expected: Vec<&str> = words.collect();
        let compiled = af_compile::compile_str(&block.text, &af_compile::Options::default());
        if expected.is_empty() {
            if !compiled.diagnostics.is_empty() {
                failures.push(format!(
                    "{}: the example does not compile cleanly:\n{}",
                    block.at,
                    describe(&compiled.diagnostics, &block.text)
                ));
                continue;
            }
            let bundle = compiled.to_json();
            let errors: Vec<Diagnostic> = af_validate::validate_str(&bundle)
                .into_iter()
                .filter(|d| d.severity == Severity::Error)
                .collect();
            if !errors.is_empty() {
                failures.push(format!(
                    "{}: afc validate rejects the compiled example:\n{}",
                    block.at,
                    describe(&errors, &bundle)
                ));
            }
        } else {
            for code in &expected {
                if !compiled.diagnostics.iter().any(|d| d.code == *code) {
                    failures.push(format!(
                        "{}: the block is tagged {code} but gives:\n{}",
                        block.at,
                        describe(&compiled.diagnostics, &block.text)
                    ));
                }
            }
        }
    }
    println!("{checked} .af blocks compiled, {fragments} schematic fragments (with `…`) skipped");
    assert!(
        checked >= 3,
        "the README and the language reference hold complete flows"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn flow_examples_in_the_docs_are_tagged_af() {
    let mut untagged = Vec::new();
    for block in doc_blocks() {
        if !block.info.is_empty() {
            continue;
        }
        // Flow source parses, and its node kinds are kinds (`afc lsp` parses as a node too).
        let parsed = af_syntax::parse(&block.text);
        if parsed.diagnostics.is_empty() && !parsed.file.items.is_empty() {
            let compiled = af_compile::compile_str(&block.text, &af_compile::Options::default());
            if !compiled.diagnostics.iter().any(|d| d.code == "E0104") {
                untagged.push(block.at);
            }
        }
    }
    assert!(
        untagged.is_empty(),
        "these blocks hold flow source: open them with ```af (and put `…` in a schematic \
         fragment) so that they are compiled: {untagged:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// The binary over examples and the corpus.

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn afc(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_afc"))
        .args(args)
        .env_remove("AFC_ATTACK_BUNDLE")
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run afc: {e}"));
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A fresh scratch directory under the target directory.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    out.sort();
    out
}

fn path_str(p: &Path) -> String {
    p.display().to_string()
}

/// One diagnostic of `--format json` output: (file stem, code, severity, line, message).
#[derive(Debug, Clone)]
struct Finding {
    stem: String,
    code: String,
    severity: String,
    line: u64,
    message: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{} {} {} {}",
            self.stem, self.line, self.severity, self.code, self.message
        )
    }
}

/// Runs `afc COMMAND --format json ARGS` and reads its diagnostics (one JSON object a line).
fn findings(command: &str, args: &[String]) -> Vec<Finding> {
    let mut all = vec![command.to_string(), "--format".into(), "json".into()];
    all.extend(args.iter().cloned());
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    let run = afc(&refs);
    assert!(
        matches!(run.code, Some(0 | 1)),
        "afc {command} failed ({:?}): {}",
        run.code,
        run.stderr
    );
    run.stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let v: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("afc {command}: not JSON ({e}): {line}"));
            let file = v["file"].as_str().unwrap_or_default();
            Finding {
                stem: Path::new(file)
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                code: v["code"].as_str().unwrap_or_default().to_string(),
                severity: v["severity"].as_str().unwrap_or_default().to_string(),
                line: v["line"].as_u64().unwrap_or_default(),
                message: v["message"].as_str().unwrap_or_default().to_string(),
            }
        })
        .collect()
}

/// Compiles every `.af` file of `dir` into `out` with the binary and validates the bundles:
/// nothing at error level.
fn compile_and_validate(what: &str, sources: &[PathBuf], out: &Path) {
    let mut args = vec!["compile".to_string()];
    args.extend(sources.iter().map(|p| path_str(p)));
    args.extend(["--out-dir".into(), path_str(out)]);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = afc(&refs);
    assert_eq!(run.code, Some(0), "afc compile of {what}: {}", run.stderr);
    let bundles = files(out, "json");
    assert_eq!(bundles.len(), sources.len(), "one bundle per {what} flow");
    let errors: Vec<String> = findings("validate", &[path_str(out)])
        .into_iter()
        .filter(|f| f.severity == "error")
        .map(|f| f.to_string())
        .collect();
    assert!(
        errors.is_empty(),
        "afc validate finds errors in compiled {what}:\n{}",
        errors.join("\n")
    );
}

#[test]
fn compiled_examples_validate_without_errors() {
    let examples = files(&root().join("examples"), "af");
    assert!(examples.len() >= 5, "examples/ holds the example flows");
    let checked = findings("check", &[path_str(&root().join("examples"))]);
    assert!(
        checked.is_empty(),
        "afc check on examples/:\n{}",
        checked
            .iter()
            .map(|f| f.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
    compile_and_validate("examples", &examples, &scratch("consistency-examples"));
}

/// Why a warning of `afc check` on an imported flow may be the original's own rather than one
/// the importer introduced.
enum Reason {
    /// The validator reports this code on the original at least as often (one finding per
    /// object on both sides).
    Counterpart(&'static str),
    /// The validator reports this code on the original at least once (the two tools count
    /// differently: `W0104` is one per relationship, `V0207` one per condition).
    SameFile(&'static str),
    /// The warning is about technique and tactic ids, which the importer copies verbatim from
    /// its input (the round-trip tests of af-import check that): it cannot introduce it.
    SourceIds,
}

/// What gives a warning of `afc check` on a flow imported from a bundle (`afb` false) or a
/// Builder file (`afb` true) its reason; `None` means only the importer can have caused it.
fn reason_for(check_code: &str, afb: bool) -> Option<Reason> {
    Some(match check_code {
        "W0102" => Reason::Counterpart("V0203"), // object not connected to the flow
        "W0201" => Reason::Counterpart("V0116"), // unknown property
        "W0202" => Reason::Counterpart("V0204"), // flow without a description
        "W0204" => Reason::Counterpart("V0120"), // value that does not have its STIX format
        "W0104" => Reason::SameFile("V0207"),    // condition branch written as a relationship
        // Techniques from several ATT&CK domains: the validator has no such check.
        "W0404" => Reason::SourceIds,
        // The other catalog findings share their codes with the validator. The stand-in for a
        // Builder file is the Builder's own export of it, which resolves tactics anew, so for
        // `.afb` input only the ids in the file itself count.
        "W0401" | "W0402" | "W0403" | "W0405" | "W0406" if afb => Reason::SourceIds,
        "W0401" => Reason::Counterpart("W0401"),
        "W0402" => Reason::Counterpart("W0402"),
        "W0403" => Reason::Counterpart("W0403"),
        "W0405" => Reason::Counterpart("W0405"),
        "W0406" => Reason::Counterpart("W0406"),
        _ => return None,
    })
}

/// Imports every corpus file with extension `ext` (`json` bundles or `afb` Builder files),
/// checks the flows, compiles them again and validates the result.
fn corpus_round(ext: &str) {
    let Some(shared) = af_testkit::shared_or_skip(&format!("the {ext} corpus consistency check")) else {
        return;
    };
    let dir = shared.join(if ext == "json" {
        "corpus/stix"
    } else {
        "corpus/afb"
    });
    let inputs = files(&dir, ext);
    assert!(inputs.len() > 10, "{} should hold the corpus", dir.display());
    let imported = scratch(&format!("consistency-import-{ext}"));
    let mut args = vec!["import".to_string()];
    args.extend(inputs.iter().map(|p| path_str(p)));
    args.extend(["--out-dir".into(), path_str(&imported)]);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = afc(&refs);
    assert_eq!(run.code, Some(0), "afc import: {}", run.stderr);
    let flows = files(&imported, "af");
    assert_eq!(flows.len(), inputs.len(), "one flow per input");

    // What the original says about itself: the validator's findings on the bundle (for the
    // .afb files, on the Builder's own export of the same flow).
    let originals: Vec<String> = inputs
        .iter()
        .map(|p| {
            let stem = p.file_stem().map(|s| s.to_string_lossy().into_owned());
            path_str(
                &shared
                    .join("corpus/stix")
                    .join(format!("{}.json", stem.unwrap_or_default())),
            )
        })
        .filter(|p| Path::new(p).is_file())
        .collect();
    let mut reasons: BTreeMap<(String, String), usize> = BTreeMap::new();
    for f in findings("validate", &originals) {
        *reasons.entry((f.stem, f.code)).or_default() += 1;
    }
    let mut by_file: BTreeMap<(String, String), Vec<Finding>> = BTreeMap::new();
    for f in findings("check", &[path_str(&imported)]) {
        by_file
            .entry((f.stem.clone(), f.code.clone()))
            .or_default()
            .push(f);
    }
    let mut introduced = Vec::new();
    for ((stem, code), list) in &by_file {
        let found = |v: &str| reasons.get(&(stem.clone(), v.to_string())).copied().unwrap_or(0);
        let explained = match reason_for(code, ext == "afb") {
            Some(Reason::Counterpart(v)) => list.len() <= found(v),
            Some(Reason::SameFile(v)) => found(v) > 0,
            Some(Reason::SourceIds) => true,
            None => false,
        };
        if !explained {
            introduced.extend(list.iter().map(|f| f.to_string()));
        }
    }
    assert!(
        introduced.is_empty(),
        "afc check reports warnings on imported {ext} flows that the original does not give \
         reason for (the importer introduced them):\n{}",
        introduced.join("\n")
    );
    compile_and_validate(
        &format!("imported {ext} flows"),
        &flows,
        &scratch(&format!("consistency-recompiled-{ext}")),
    );
}

#[test]
fn imported_corpus_bundles_check_and_validate_cleanly() {
    corpus_round("json");
}

#[test]
fn imported_builder_files_check_and_validate_cleanly() {
    corpus_round("afb");
}
