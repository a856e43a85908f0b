//! `afc pull`: the Attack Flows of a TAXII 2.1 collection as `.af` files, one per flow.
//!
//! All or nothing per run: every page is fetched and every flow imported before anything is
//! written; the files are then prepared in a hidden staging folder inside `--out-dir` and
//! moved into place one by one (a rename, so each file is replaced whole). A failure before
//! the moves leaves `--out-dir` as it was.

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
    /// Write the flows here as <flow name>.af (files of the same name are replaced).
    #[arg(long, value_name = "DIR", required = true)]
    out_dir: PathBuf,
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

/// The staging folder: hidden, in `dir`, unique to this process; removed when dropped.
struct Staging(PathBuf);

impl Staging {
    fn new(dir: &Path) -> Result<Staging, String> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = dir.join(format!(".afc-pull-{}-{nanos}", std::process::id()));
        std::fs::create_dir(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Staging(path))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes every file or none: all are written to a staging folder first, then moved.
/// Files that already hold the same text are left untouched.
fn write_all(dir: &Path, files: &[(String, String)]) -> Result<Vec<PathBuf>, String> {
    crate::input::create_dir(dir)?;
    let staging = Staging::new(dir)?;
    let mut moves = Vec::new();
    for (name, text) in files {
        let dest = dir.join(name);
        if crate::input::same_content(&dest, text) {
            continue;
        }
        let staged = staging.0.join(name);
        std::fs::write(&staged, text).map_err(|e| format!("{}: {e}", staged.display()))?;
        moves.push((staged, dest));
    }
    let mut written = Vec::new();
    for (staged, dest) in moves {
        std::fs::rename(&staged, &dest).map_err(|e| format!("{}: {e}", dest.display()))?;
        written.push(dest);
    }
    Ok(written)
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
    let mut files: Vec<(String, String)> = Vec::new();
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
                files.push((name, imported.source));
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
    match write_all(&args.out_dir, &files) {
        Ok(written) => {
            for p in &written {
                output::say!("wrote {}", p.display());
            }
            let same = files.len() - written.len();
            if same > 0 {
                output::say!("{same} file(s) in {} were up to date", args.out_dir.display());
            }
            output::OK
        }
        Err(e) => {
            output::fail(e);
            output::USAGE
        }
    }
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

    #[test]
    fn writing_is_all_or_nothing() {
        let dir = std::env::temp_dir().join(format!("afc-pull-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let files = vec![
            ("a.af".to_string(), "a\n".to_string()),
            ("b.af".to_string(), "b\n".to_string()),
        ];
        assert_eq!(write_all(&dir, &files).map(|w| w.len()), Ok(2));
        // Unchanged files are left alone; a file that cannot be staged stops everything.
        assert_eq!(write_all(&dir, &files).map(|w| w.len()), Ok(0));
        let bad = vec![
            ("c.af".to_string(), "c\n".to_string()),
            ("no/such/dir.af".to_string(), "x".to_string()),
        ];
        assert!(write_all(&dir, &bad).is_err());
        assert!(!dir.join("c.af").exists());
        let left: Vec<_> = std::fs::read_dir(&dir)
            .map(|r| r.flatten().map(|e| e.file_name()).collect())
            .unwrap_or_default();
        assert_eq!(left.len(), 2, "{left:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
