//! Reading detection sources from disk (feature `fs`): the one place that decides what a
//! path given as `--detections` (or as the language server's `afc.detections`) is.
//!
//! - a **folder** is searched, recursively, for Sigma rules (`.yml`, `.yaml`); each folder is
//!   visited once, whatever symbolic links lead back into it;
//! - a `.yml` / `.yaml` **file** is a Sigma rule file;
//! - a `.json` file, or any file whose text starts with `{`, is an **ATT&CK Navigator layer**;
//! - anything else is a **list of technique ids**.
//!
//! Problems with one file (not YAML, a rule without tags, a layer of another domain, an
//! unreadable file) are collected in [`DetectionSet::problems`] and the other files are still
//! read; only a source that does not exist, an empty folder or a broken layer stops the load.

use crate::detections::{self, MinStatus, Rule};
use std::path::{Path, PathBuf};

/// Largest detection file read (a Navigator layer of every technique is far smaller).
pub const MAX_SOURCE_BYTES: u64 = 16 << 20;

/// The rules read from every source, and what was wrong on the way.
#[derive(Debug, Clone, Default)]
pub struct DetectionSet {
    /// The rules, in the order of the sources (Sigma files sorted by path within a folder).
    pub rules: Vec<Rule>,
    /// Sigma rule files read.
    pub sigma_files: usize,
    /// Rules skipped because their status is below the minimum.
    pub skipped_status: usize,
    /// Rules kept that name no ATT&CK technique (they can detect nothing here).
    pub untagged: usize,
    /// Problems with single files, for people, each starting with the file's name.
    pub problems: Vec<String>,
}

/// Whether a file is read as a Sigma rule file (by its name).
pub fn is_rule_file(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yml") || e.eq_ignore_ascii_case("yaml"))
}

fn walk(
    dir: &Path,
    seen: &mut std::collections::HashSet<af_fs::FileId>,
    out: &mut Vec<PathBuf>,
) -> Result<(), String> {
    if let Some(id) = af_fs::FileId::of(dir) {
        if !seen.insert(id) {
            return Ok(());
        }
    }
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.is_dir() {
            walk(&path, seen, out)?;
        } else if is_rule_file(&path) {
            out.push(path);
        }
    }
    Ok(())
}

fn read(path: &Path) -> Result<String, String> {
    af_fs::read_text(path, MAX_SOURCE_BYTES).map_err(|e| format!("{}: {e}", path.display()))
}

/// Reads every source: Sigma rules on `threads` threads, keeping those `min` admits.
/// `Err` for a source that cannot be used at all (missing, an empty folder, a broken layer).
pub fn load(sources: &[PathBuf], min: MinStatus, threads: usize) -> Result<DetectionSet, String> {
    let mut set = DetectionSet::default();
    let mut sigma: Vec<PathBuf> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for src in sources {
        if src.is_dir() {
            let mut found = Vec::new();
            walk(src, &mut seen, &mut found)?;
            if found.is_empty() {
                return Err(format!(
                    "{}: no Sigma rules (.yml, .yaml) in this folder",
                    src.display()
                ));
            }
            found.sort();
            sigma.extend(found);
        } else if !src.exists() {
            return Err(format!("{}: no such file or folder", src.display()));
        } else if is_rule_file(src) {
            sigma.push(src.clone());
        } else {
            let name = src.display().to_string();
            let text = read(src)?;
            let is_json = src.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"))
                || text.trim_start().starts_with('{');
            if is_json {
                let layer = detections::parse_layer(&name, &text).map_err(|p| p.to_string())?;
                set.problems
                    .extend(layer.notes.iter().map(|n| format!("{name}: {n}")));
                if layer.domain != "enterprise-attack" {
                    set.problems.push(format!(
                        "{name}: a {} layer; its techniques match only steps with {} techniques",
                        layer.domain, layer.domain
                    ));
                }
                set.rules.push(layer.rule);
            } else {
                let (rule, problems) = detections::parse_id_list(&name, &text);
                set.problems.extend(problems.iter().map(ToString::to_string));
                set.rules.push(rule);
            }
        }
    }
    let mut texts = Vec::with_capacity(sigma.len());
    for p in &sigma {
        match read(p) {
            Ok(t) => texts.push((p.display().to_string(), t)),
            Err(e) => set.problems.push(e),
        }
    }
    set.sigma_files = texts.len();
    for result in detections::parse_sigma_files(&texts, threads) {
        match result {
            Ok(rules) => {
                for r in rules {
                    if !min.admits(r.status.as_deref()) {
                        set.skipped_status += 1;
                        continue;
                    }
                    if r.techniques.is_empty() {
                        set.untagged += 1;
                    }
                    set.rules.push(r);
                }
            }
            Err(p) => set.problems.push(p.to_string()),
        }
    }
    Ok(set)
}
