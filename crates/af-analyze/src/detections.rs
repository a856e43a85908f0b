//! Readers for what a defender detects, each turning text into [`Rule`]s that name ATT&CK
//! technique ids:
//!
//! - **Sigma rules** ([`parse_sigma`], many files at once in parallel with
//!   [`parse_sigma_files`]): the tags `attack.tNNNN` and `attack.tNNNN.NNN`; other tags
//!   (tactics, groups, software) are ignored. Only the top-level `title`, `id`, `status`
//!   and `tags` are read, by a streaming reader that never expands YAML aliases.
//! - **ATT&CK Navigator layers** ([`parse_layer`]): a technique counts when it is not
//!   disabled (`"enabled": false`) and its score, if it has one, is above zero.
//! - **Id lists** ([`parse_id_list`]): technique ids separated by white space or commas, `#`
//!   starts a comment.
//!
//! Problems in one input are reported as [`Problem`]s; the other inputs are still read.

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// One detection: a Sigma rule, a Navigator layer or an id list, with the techniques it
/// names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The rule's title, the layer's name, or the list's file name.
    pub title: String,
    /// The Sigma rule's `id`, when it has one.
    pub id: Option<String>,
    /// The file it came from.
    pub file: String,
    /// The Sigma `status` (`stable`, `test`, `experimental`, `deprecated`, `unsupported`).
    pub status: Option<String>,
    /// ATT&CK technique ids in upper case (`T1059.001`), as tagged (not yet resolved).
    pub techniques: Vec<String>,
}

/// A problem with one input, which was skipped in whole or in part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{l}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// How mature a Sigma rule must be to count, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MinStatus {
    /// Every rule, even deprecated and unsupported ones.
    Deprecated,
    /// Experimental, test and stable rules (and rules without a status).
    Experimental,
    /// Test and stable rules.
    Test,
    /// Stable rules only.
    Stable,
}

impl MinStatus {
    /// Whether a rule with this `status` counts.
    pub fn admits(self, status: Option<&str>) -> bool {
        let rank = match status.map(str::trim).map(str::to_ascii_lowercase).as_deref() {
            Some("stable") => MinStatus::Stable,
            Some("test") => MinStatus::Test,
            Some("deprecated" | "unsupported") => MinStatus::Deprecated,
            _ => MinStatus::Experimental,
        };
        rank >= self
    }
}

/// The ATT&CK technique id of a Sigma tag (`attack.t1059.001` → `T1059.001`), if it is one.
pub fn technique_of_tag(tag: &str) -> Option<String> {
    let rest = tag.trim().strip_prefix("attack.")?;
    normalize_id(rest)
}

/// An ATT&CK technique id in upper case, if `s` is one (`t1059`, `T1059.001`).
pub fn normalize_id(s: &str) -> Option<String> {
    let s = s.trim();
    let b = s.as_bytes();
    let digits = |r: &[u8]| r.iter().all(u8::is_ascii_digit);
    let ok = match b.len() {
        5 => digits(&b[1..]),
        9 => digits(&b[1..5]) && b[5] == b'.' && digits(&b[6..]),
        _ => false,
    };
    (ok && (b[0] == b't' || b[0] == b'T')).then(|| s.to_ascii_uppercase())
}

#[derive(Default)]
struct SigmaReader {
    /// (is a mapping, expecting a key, current key) per open container.
    stack: Vec<(bool, bool, Option<String>)>,
    docs: Vec<Fields>,
}

#[derive(Default)]
struct Fields {
    title: Option<String>,
    id: Option<String>,
    status: Option<String>,
    tags: Vec<String>,
    has_tags: bool,
    is_mapping: bool,
}

impl SigmaReader {
    fn top_key(&self) -> Option<&str> {
        self.stack.first().and_then(|(_, _, k)| k.as_deref())
    }

    /// A value (scalar, alias or container) has been read in the current container.
    fn value_done(&mut self) {
        if let Some((true, expecting, key)) = self.stack.last_mut() {
            *expecting = true;
            *key = None;
        }
    }
}

impl MarkedEventReceiver for SigmaReader {
    fn on_event(&mut self, ev: Event, _mark: Marker) {
        match ev {
            Event::DocumentStart => {
                self.stack.clear();
                self.docs.push(Fields::default());
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let mapping = matches!(ev, Event::MappingStart(..));
                if self.stack.is_empty() {
                    if let Some(d) = self.docs.last_mut() {
                        d.is_mapping = mapping;
                    }
                }
                if self.stack.len() == 1 && self.top_key() == Some("tags") && !mapping {
                    if let Some(d) = self.docs.last_mut() {
                        d.has_tags = true;
                    }
                }
                self.stack.push((mapping, true, None));
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
                self.value_done();
            }
            Event::Scalar(value, ..) => {
                let depth = self.stack.len();
                let in_tags = depth == 2 && self.top_key() == Some("tags");
                match self.stack.last_mut() {
                    Some((true, expecting @ true, key)) => {
                        *expecting = false;
                        *key = Some(value);
                    }
                    Some((true, false, key)) => {
                        if depth == 1 {
                            let k = key.clone();
                            if let Some(d) = self.docs.last_mut() {
                                match k.as_deref() {
                                    Some("title") => d.title = Some(value),
                                    Some("id") => d.id = Some(value),
                                    Some("status") => d.status = Some(value),
                                    _ => {}
                                }
                            }
                        }
                        self.value_done();
                    }
                    Some((false, ..)) if in_tags => {
                        if let Some(d) = self.docs.last_mut() {
                            d.tags.push(value);
                        }
                    }
                    Some((false, ..)) | None => {}
                }
            }
            Event::Alias(_) => {
                // Never expanded: an alias is read as an opaque value.
                if let Some((true, true, key)) = self.stack.last_mut() {
                    *key = Some(String::new());
                    if let Some(top) = self.stack.last_mut() {
                        top.1 = false;
                    }
                } else {
                    self.value_done();
                }
            }
            _ => {}
        }
    }
}

/// Largest Sigma rule file read; real rules are a few kilobytes.
pub const MAX_RULE_BYTES: usize = 1 << 20;

/// Reads one Sigma rule file (it may hold several YAML documents, as rule collections do).
/// Documents that are not mappings are skipped. A rule without ATT&CK technique tags is kept,
/// with no techniques.
pub fn parse_sigma(file: &str, text: &str) -> Result<Vec<Rule>, Problem> {
    if text.len() > MAX_RULE_BYTES {
        return Err(Problem {
            file: file.into(),
            line: None,
            message: format!("larger than {} KiB; not a Sigma rule", MAX_RULE_BYTES >> 10),
        });
    }
    let mut reader = SigmaReader::default();
    let mut parser = Parser::new_from_str(text);
    if let Err(e) = parser.load(&mut reader, true) {
        return Err(Problem {
            file: file.into(),
            line: Some(e.marker().line()),
            message: format!("not valid YAML: {} (column {})", e.info(), e.marker().col() + 1),
        });
    }
    let rules: Vec<Rule> = reader
        .docs
        .into_iter()
        .filter(|d| d.is_mapping)
        .map(|d| Rule {
            title: d.title.unwrap_or_else(|| file.to_string()),
            id: d.id,
            file: file.into(),
            status: d.status,
            techniques: {
                let mut t: Vec<String> = d.tags.iter().filter_map(|t| technique_of_tag(t)).collect();
                t.dedup();
                t
            },
        })
        .collect();
    if rules.is_empty() {
        return Err(Problem {
            file: file.into(),
            line: None,
            message: "no YAML mapping in the file; not a Sigma rule".into(),
        });
    }
    Ok(rules)
}

/// Reads many Sigma rule files (name, text) on `threads` threads; results in input order.
pub fn parse_sigma_files(files: &[(String, String)], threads: usize) -> Vec<Result<Vec<Rule>, Problem>> {
    let threads = threads.clamp(1, files.len().max(1));
    let chunk = files.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(|(f, t)| parse_sigma(f, t)).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join().unwrap_or_else(|_| {
                    vec![Err(Problem {
                        file: "<thread>".into(),
                        line: None,
                        message: "a reader thread failed".into(),
                    })]
                })
            })
            .collect()
    })
}

/// The ATT&CK domains a layer may be for.
const LAYER_DOMAINS: &[&str] = &["enterprise-attack", "mobile-attack", "ics-attack"];

/// A Navigator layer read by [`parse_layer`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerRule {
    /// The techniques the layer marks, as one rule.
    pub rule: Rule,
    /// The layer's ATT&CK domain (`enterprise-attack`, …).
    pub domain: String,
    /// Entries that were skipped, and why.
    pub notes: Vec<String>,
}

/// Reads an ATT&CK Navigator layer (any format version with `domain` and `techniques`).
pub fn parse_layer(file: &str, text: &str) -> Result<LayerRule, Problem> {
    let problem = |message: String| Problem {
        file: file.into(),
        line: None,
        message,
    };
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| Problem {
        file: file.into(),
        line: Some(e.line()),
        message: format!("not valid JSON: {e}"),
    })?;
    let obj = value
        .as_object()
        .ok_or_else(|| problem("not an ATT&CK Navigator layer: expected a JSON object".into()))?;
    let domain = obj
        .get("domain")
        .and_then(|d| d.as_str())
        .ok_or_else(|| problem("not an ATT&CK Navigator layer: no `domain`".into()))?;
    // Layers before format 4 wrote `mitre-enterprise`.
    let domain = match domain {
        "mitre-enterprise" => "enterprise-attack",
        "mitre-mobile" => "mobile-attack",
        d => d,
    };
    if !LAYER_DOMAINS.contains(&domain) {
        return Err(problem(format!(
            "a layer for `{domain}`, which is not an ATT&CK domain ({})",
            LAYER_DOMAINS.join(", ")
        )));
    }
    let techniques = obj
        .get("techniques")
        .and_then(|t| t.as_array())
        .ok_or_else(|| problem("not an ATT&CK Navigator layer: no `techniques` list".into()))?;
    let mut ids = Vec::new();
    let mut notes = Vec::new();
    for (i, t) in techniques.iter().enumerate() {
        let Some(raw) = t.get("techniqueID").and_then(|x| x.as_str()) else {
            notes.push(format!("techniques[{i}] has no techniqueID"));
            continue;
        };
        let Some(id) = normalize_id(raw) else {
            notes.push(format!("techniques[{i}]: `{raw}` is not an ATT&CK technique id"));
            continue;
        };
        if t.get("enabled").and_then(|e| e.as_bool()) == Some(false) {
            continue;
        }
        match t.get("score") {
            Some(serde_json::Value::Number(n)) if n.as_f64().is_some_and(|s| s <= 0.0) => continue,
            _ => {}
        }
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let name = obj
        .get("name")
        .and_then(|n| n.as_str())
        .filter(|n| !n.trim().is_empty());
    Ok(LayerRule {
        rule: Rule {
            title: name.map_or_else(|| format!("layer {file}"), |n| format!("layer \"{n}\"")),
            id: None,
            file: file.into(),
            status: None,
            techniques: ids,
        },
        domain: domain.into(),
        notes,
    })
}

/// Reads a list of technique ids. Tokens that are not ids are returned as problems (with
/// their line); the rest is kept.
pub fn parse_id_list(file: &str, text: &str) -> (Rule, Vec<Problem>) {
    let mut ids = Vec::new();
    let mut problems = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("");
        for token in line
            .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
            .filter(|t| !t.is_empty())
        {
            match normalize_id(token) {
                Some(id) => {
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
                None => problems.push(Problem {
                    file: file.into(),
                    line: Some(n + 1),
                    message: format!("`{token}` is not an ATT&CK technique id (T1234 or T1234.001)"),
                }),
            }
        }
    }
    (
        Rule {
            title: format!("list {file}"),
            id: None,
            file: file.into(),
            status: None,
            techniques: ids,
        },
        problems,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_ids() {
        assert_eq!(technique_of_tag("attack.t1059.001").as_deref(), Some("T1059.001"));
        assert_eq!(technique_of_tag("attack.t1685").as_deref(), Some("T1685"));
        assert_eq!(technique_of_tag("attack.execution"), None);
        assert_eq!(technique_of_tag("attack.g0007"), None);
        assert_eq!(technique_of_tag("attack.t105"), None);
        assert_eq!(technique_of_tag("cve.2021-44228"), None);
        assert_eq!(normalize_id("T1059.01"), None);
    }

    #[test]
    fn status_filter() {
        assert!(MinStatus::Experimental.admits(None));
        assert!(MinStatus::Experimental.admits(Some("test")));
        assert!(!MinStatus::Experimental.admits(Some("deprecated")));
        assert!(!MinStatus::Test.admits(Some("experimental")));
        assert!(MinStatus::Stable.admits(Some("Stable")));
        assert!(MinStatus::Deprecated.admits(Some("unsupported")));
    }
}
