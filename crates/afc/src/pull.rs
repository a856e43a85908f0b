//! `afc pull`: the Attack Flows of a TAXII 2.1 collection as `.af` files, one per flow.
//!
//! Every page is fetched and every flow imported before anything is written, and the files
//! are written as every writing command writes them ([`input::Outputs::plan`] checks every
//! destination first, [`input::emit`] writes each file atomically): a failure before the writes
//! leaves `--out-dir` as it was, two flows never write one file, and an existing `.af` file
//! that holds something else is replaced only with `--force` (as `afc import`: flow source is
//! edited by hand).

use crate::input::{self, Input};
use crate::output;
use crate::taxii::{self, Access};
use af_import::{import_objects, split_flows, FlowObjects, ImportOptions};
use af_taxii::ObjectsFilter;
use std::collections::{BTreeMap, HashSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    server: taxii::Server,
    /// Write the flows here as <flow name>.af.
    #[arg(long, value_name = "DIR", required = true)]
    out_dir: PathBuf,
    /// Replace existing .af files. Without it an existing file is left alone (and named), since
    /// flow source is edited by hand; a file that already holds the flow is fine either way.
    #[arg(long)]
    force: bool,
    /// Only the flows with an object added to the collection after this time (RFC 3339, e.g.
    /// 2026-03-01T00:00:00Z); each such flow is written whole.
    #[arg(long, value_name = "TIME")]
    added_after: Option<String>,
    /// Repair known defects instead of keeping them (see `afc import --repair`).
    #[arg(long)]
    repair: bool,
}

/// A file name for a flow: its name in lower case, words joined by `-`, at most 60
/// characters; `flow-<first part of its id>` when the name gives nothing.
fn file_stem(flow: &FlowObjects) -> String {
    let mut stem = String::new();
    for c in flow.name.as_deref().unwrap_or_default().chars() {
        if c.is_alphanumeric() {
            stem.extend(c.to_lowercase());
        } else if !stem.is_empty() && !stem.ends_with('-') {
            stem.push('-');
        }
        if stem.chars().count() >= 60 {
            break;
        }
    }
    let stem = stem.trim_end_matches('-').to_string();
    if stem.is_empty() {
        format!("flow-{}", short_id(&flow.flow_id))
    } else {
        stem
    }
}

/// The first eight hex digits of an id's UUID.
fn short_id(id: &str) -> String {
    id.rsplit("--").next().unwrap_or(id).chars().take(8).collect()
}

/// Prints progress on a terminal: `fetched 300 objects (3 pages)`, rewritten in place.
fn progress(what: &str) -> impl FnMut(usize, usize) + '_ {
    let tty = std::io::stderr().is_terminal();
    move |objects, pages| {
        if tty {
            let what = af_diagnostics::escape_control(what, false);
            output::stderr_bytes(format!("\r{what}: {objects} objects ({pages} pages)").as_bytes());
        }
    }
}

fn end_progress() {
    if std::io::stderr().is_terminal() {
        output::say!("");
    }
}

/// A flow of the collection as an input of the run: named by the flow, with the file name it
/// is written under (`<stem>.af`, from [`file_stem`]), so that [`input::Outputs::plan`] names
/// its destination `DIR/<stem>.af` as it names every command's outputs.
fn flow_input(name: &str, stem: &str) -> Input {
    Input {
        name: name.to_string(),
        path: Some(PathBuf::from(format!("{stem}.af"))),
    }
}

/// Writes the imported flows into `dir` (each with its text), through the one output helper:
/// every destination is claimed before anything is written (two flows writing one file is an
/// error and nothing is written), an existing file that holds other text is kept unless
/// `force` (and named), and each file is written atomically. Returns the exit code.
fn write_flows(dir: &Path, flows: &[(Input, String)], force: bool) -> u8 {
    let inputs: Vec<Input> = flows.iter().map(|(i, _)| i.clone()).collect();
    let naming = input::Naming {
        output: None,
        out_dir: Some(dir),
        ext: "af",
        stdout_when_one: false,
    };
    // The run reads no file: nothing in the folder is one of its inputs.
    let Ok(dests) = input::Outputs::default().plan(&inputs, &naming) else {
        return output::USAGE;
    };
    let (mut io_error, mut unchanged, mut skipped) = (false, 0usize, Vec::new());
    for ((inp, text), dest) in flows.iter().zip(dests) {
        if input::keep_hand_written(force, &inp.name, &dest, text, &mut skipped) {
            continue;
        }
        match (input::emit(&dest, text), &dest) {
            (None, _) => io_error = true,
            (Some(af_fs::Written::Written), input::Dest::File(path)) => {
                output::say!("wrote {}", path.display())
            }
            (Some(_), _) => unchanged += 1,
        }
    }
    if unchanged > 0 {
        output::say!("{unchanged} file(s) in {} were up to date", dir.display());
    }
    input::say_kept(&skipped);
    if io_error {
        output::USAGE
    } else if !skipped.is_empty() {
        output::FAILED
    } else {
        output::OK
    }
}

pub fn run(args: Args) -> u8 {
    let added_after = match &args.added_after {
        None => None,
        Some(t) => match af_stix::timestamp::normalize(t) {
            Ok(t) => Some(t),
            Err(e) => {
                output::fail(format!("--added-after `{t}`: {e}"));
                return output::USAGE;
            }
        },
    };
    let (client, collection) = match taxii::connect(&args.server, Access::Read, Duration::ZERO) {
        Ok(c) => c,
        Err(e) => {
            output::fail(e);
            return output::USAGE;
        }
    };
    let fetch = |filter: &ObjectsFilter, what: &str| {
        let result = client.objects(&collection.id, filter, &mut progress(what));
        end_progress();
        result
    };
    // With --added-after, what changed picks the flows; the flows themselves come from the
    // whole collection, since an unchanged object of a changed flow was added earlier.
    let changed: Option<HashSet<String>> = match &added_after {
        None => None,
        Some(t) => {
            let filter = ObjectsFilter {
                added_after: Some(t.clone()),
                limit: None,
            };
            match fetch(&filter, "changes") {
                Ok(objects) => Some(
                    objects
                        .iter()
                        .filter_map(|o| o.get("id").and_then(|v| v.as_str()))
                        .map(str::to_string)
                        .collect(),
                ),
                Err(e) => {
                    output::fail(e);
                    return output::USAGE;
                }
            }
        }
    };
    if changed.as_ref().is_some_and(HashSet::is_empty) {
        output::say!(
            "nothing was added to collection `{}` after {}",
            collection.id,
            added_after.as_deref().unwrap_or_default()
        );
        return output::OK;
    }
    let objects = match fetch(&ObjectsFilter::default(), "fetching") {
        Ok(o) => o,
        Err(e) => {
            output::fail(e);
            output::say!("nothing was written");
            return output::USAGE;
        }
    };
    output::say!(
        "fetched {} objects from collection `{}`",
        objects.len(),
        collection.id
    );
    let split = split_flows(&objects);
    let flows: Vec<FlowObjects> = split
        .flows
        .into_iter()
        .filter(|f| {
            changed.as_ref().is_none_or(|c| {
                f.objects.iter().any(|o| {
                    o.get("id")
                        .and_then(|v| v.as_str())
                        .is_some_and(|id| c.contains(id))
                })
            })
        })
        .collect();
    if changed.is_none() && !split.left_over.is_empty() {
        let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, t) in &split.left_over {
            *kinds.entry(t.as_str()).or_default() += 1;
        }
        let kinds: Vec<String> = kinds.iter().map(|(t, n)| format!("{n} {t}")).collect();
        output::say!(
            "note: {} objects belong to no flow and are not written: {}",
            split.left_over.len(),
            kinds.join(", ")
        );
    }
    if flows.is_empty() {
        output::say!(
            "no Attack Flow in collection `{}`; nothing was written",
            collection.id
        );
        return output::OK;
    }

    // Import everything before writing anything.
    let options = ImportOptions {
        repair: args.repair,
        ..ImportOptions::default()
    };
    let mut stems_taken: HashSet<String> = HashSet::new();
    let mut files: Vec<(Input, String)> = Vec::new();
    let mut failed = false;
    for flow in flows {
        let mut stem = file_stem(&flow);
        if !stems_taken.insert(stem.clone()) {
            stem = format!("{stem}-{}", short_id(&flow.flow_id));
            stems_taken.insert(stem.clone());
        }
        let name = format!("{stem}.af");
        let count = flow.objects.len();
        match import_objects(flow.objects, &options) {
            Ok(imported) => {
                for note in &imported.notes {
                    output::say!("{name}: note: {note}");
                }
                output::say!(
                    "{name}: {} ({count} objects)",
                    flow.name.as_deref().unwrap_or(&flow.flow_id)
                );
                let title = flow.name.as_deref().unwrap_or(&flow.flow_id);
                files.push((flow_input(title, &stem), imported.source));
            }
            Err(e) => {
                output::fail(format!("{name} ({}): {e}", flow.flow_id));
                failed = true;
            }
        }
    }
    if failed {
        output::say!("nothing was written");
        return output::FAILED;
    }
    write_flows(&args.out_dir, &files, args.force)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow(name: Option<&str>) -> FlowObjects {
        FlowObjects {
            flow_id: "attack-flow--4bc45425-c95d-5778-a71e-cc075f54c1be".into(),
            name: name.map(str::to_string),
            objects: Vec::new(),
        }
    }

    #[test]
    fn file_names_come_from_flow_names() {
        assert_eq!(
            file_stem(&flow(Some(
                "Redirected supplier payment at Marlow & Pike Engineering"
            ))),
            "redirected-supplier-payment-at-marlow-pike-engineering"
        );
        assert_eq!(file_stem(&flow(Some("  Écoute: LLM/AI  "))), "écoute-llm-ai");
        assert_eq!(file_stem(&flow(Some("../../etc/passwd"))), "etc-passwd");
        assert_eq!(file_stem(&flow(Some("***"))), "flow-4bc45425");
        assert_eq!(file_stem(&flow(None)), "flow-4bc45425");
        assert!(file_stem(&flow(Some(&"word ".repeat(40)))).chars().count() <= 60);
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map(|r| {
                r.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// The writing step, without a server: `--out-dir` files are planned and written as
    /// `afc import` writes its own (issue 12: pull replaced same-name files without `--force`).
    #[test]
    fn existing_files_are_replaced_only_with_force() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let dir = tmp.path().join("out");
        let flows = vec![
            (flow_input("Flow A", "a"), "a\n".to_string()),
            (flow_input("Flow B", "b"), "b\n".to_string()),
        ];
        assert_eq!(write_flows(&dir, &flows, false), output::OK);
        assert_eq!(listing(&dir), ["a.af", "b.af"]);
        assert_eq!(read(&dir.join("a.af")), "a\n");
        // Pulling the same flows again is no change and no failure.
        assert_eq!(write_flows(&dir, &flows, false), output::OK);

        // A file that holds something else (edited by hand, or an older pull) is kept
        // (exit 1); a new flow is written.
        std::fs::write(dir.join("a.af"), "# my notes\n").unwrap_or_else(|e| panic!("{e}"));
        let changed = vec![
            (flow_input("Flow A", "a"), "a2\n".to_string()),
            (flow_input("Flow B", "b"), "b\n".to_string()),
            (flow_input("Flow C", "c"), "c\n".to_string()),
        ];
        assert_eq!(write_flows(&dir, &changed, false), output::FAILED);
        assert_eq!(read(&dir.join("a.af")), "# my notes\n");
        assert_eq!(read(&dir.join("c.af")), "c\n");
        // --force replaces it.
        assert_eq!(write_flows(&dir, &changed, true), output::OK);
        assert_eq!(read(&dir.join("a.af")), "a2\n");
        assert_eq!(
            listing(&dir),
            ["a.af", "b.af", "c.af"],
            "no temporary file is left"
        );
    }

    #[test]
    fn two_flows_for_one_file_write_nothing() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let dir = tmp.path().join("out");
        let flows = vec![
            (flow_input("Flow A", "same"), "a\n".to_string()),
            (flow_input("Flow B", "other"), "b\n".to_string()),
            (flow_input("Flow C", "same"), "c\n".to_string()),
        ];
        assert_eq!(write_flows(&dir, &flows, true), output::USAGE);
        assert_eq!(listing(&dir), Vec::<String>::new());
    }
}
