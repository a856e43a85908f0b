//! Output formats for CI: a SARIF 2.1.0 log (for code scanning, e.g. GitHub's
//! `upload-sarif`) and GitHub Actions workflow commands (`::error file=…::message`), which
//! turn diagnostics into annotations on the lines of a pull request.

use af_diagnostics::{Diagnostic, LineIndex, Severity};
use serde_json::{json, Value};
use std::path::Path;

/// The documentation of every code, inside the repository.
pub const DIAGNOSTICS_DOC: &str = "docs/diagnostics.md";

/// Every code afc can report, with its summary: the compiler's table, then the validator's
/// (codes both use appear once), then the coverage findings of `afc coverage`.
pub fn rules() -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    for (code, summary) in af_compile::CODES
        .iter()
        .chain(af_validate::CODES)
        .chain(af_analyze::CODES)
    {
        if !out.iter().any(|(c, _)| c == code) {
            out.push((code, summary));
        }
    }
    out
}

/// The documentation link of a code: the heading anchor in `docs/diagnostics.md`, on the
/// repository's web pages (the package's `repository` URL) when it has one.
pub fn help_uri(code: &str) -> String {
    let anchor = code.to_ascii_lowercase();
    match env!("CARGO_PKG_REPOSITORY").trim_end_matches('/') {
        "" => format!("{DIAGNOSTICS_DOC}#{anchor}"),
        repo => format!("{repo}/blob/main/{DIAGNOSTICS_DOC}#{anchor}"),
    }
}

/// A file name as CI tools want it: relative to the current directory when it is below it,
/// with `/` separators and no leading `./`.
pub fn relative_path(file: &str) -> String {
    let path = Path::new(file);
    let rel = if path.is_absolute() {
        match std::env::current_dir() {
            Ok(cwd) => path.strip_prefix(&cwd).unwrap_or(path).to_path_buf(),
            Err(_) => path.to_path_buf(),
        }
    } else {
        path.to_path_buf()
    };
    let text = rel.to_string_lossy().replace('\\', "/");
    let mut s = text.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_string()
}

/// The SARIF `artifactLocation` of a file: a relative URI (against `%SRCROOT%`) when the
/// file is below the current directory, else a `file://` URI; percent-encoded.
fn artifact_location(file: &str) -> Value {
    if file == "<stdin>" {
        return json!({ "uri": "stdin" });
    }
    let rel = relative_path(file);
    if rel.starts_with('/') {
        json!({ "uri": format!("file://{}", percent_encode(&rel)) })
    } else if Path::new(&rel).is_absolute() {
        // A Windows path outside the current directory (C:/…).
        json!({ "uri": format!("file:///{}", percent_encode(&rel)) })
    } else {
        json!({ "uri": percent_encode(&rel), "uriBaseId": "%SRCROOT%" })
    }
}

/// Percent-encodes everything but unreserved URI characters and `/` (and `:` for drive
/// letters).
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/' | b':') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// The text of a diagnostic for CI tools: the message, then the help and the suggested fixes
/// on lines of their own.
fn text_of(d: &Diagnostic) -> String {
    let mut text = d.message.clone();
    if let Some(h) = &d.help {
        text.push_str(&format!("\nhelp: {h}"));
    }
    for f in &d.fixes {
        match f.edits.as_slice() {
            [e] if !e.replacement.is_empty() && !f.message.contains(&e.replacement) => {
                text.push_str(&format!("\nfix: {}: `{}`", f.message, e.replacement));
            }
            _ => text.push_str(&format!("\nfix: {}", f.message)),
        }
    }
    text
}

/// A SARIF 2.1.0 log under construction: one run of the tool `afc`.
#[derive(Debug, Default)]
pub struct SarifLog {
    results: Vec<Value>,
}

impl SarifLog {
    /// Adds the diagnostics of one file.
    pub fn add(&mut self, diags: &[Diagnostic], file: &str, source: &str) {
        if diags.is_empty() {
            return;
        }
        let rules = rules();
        let index = LineIndex::new(source);
        let artifact = artifact_location(file);
        let region = |span: &af_diagnostics::Span| {
            let s = index.line_col(source, span.start);
            let e = index.line_col(source, span.end.max(span.start));
            json!({
                "startLine": s.line,
                "startColumn": s.column,
                "endLine": e.line,
                "endColumn": e.column,
            })
        };
        for d in diags {
            let mut result = json!({
                "ruleId": d.code,
                "level": level(d.severity),
                "message": { "text": text_of(d) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": artifact.clone(),
                        "region": region(&d.span),
                    }
                }],
            });
            if let Some(i) = rules.iter().position(|(c, _)| *c == d.code) {
                result["ruleIndex"] = json!(i);
            }
            if !d.labels.is_empty() {
                result["relatedLocations"] = d
                    .labels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        json!({
                            "id": i,
                            "message": { "text": l.message },
                            "physicalLocation": {
                                "artifactLocation": artifact.clone(),
                                "region": region(&l.span),
                            }
                        })
                    })
                    .collect();
            }
            self.results.push(result);
        }
    }

    /// The whole log as pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let rules: Vec<Value> = rules()
            .iter()
            .map(|(code, summary)| {
                json!({
                    "id": code,
                    "shortDescription": { "text": summary },
                    "help": {
                        "text": format!("{summary}. See docs/diagnostics.md, section {code}."),
                    },
                    "helpUri": help_uri(code),
                })
            })
            .collect();
        let mut log = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {
                    "driver": {
                        "name": "afc",
                        "version": env!("CARGO_PKG_VERSION"),
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": self.results,
            }]
        });
        let repo = env!("CARGO_PKG_REPOSITORY");
        if !repo.is_empty() {
            log["runs"][0]["tool"]["driver"]["informationUri"] = json!(repo);
        }
        let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// Escapes the message part of a workflow command.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value of a workflow command (`file=…`, `title=…`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions workflow commands for the diagnostics of one file, one line each:
/// `::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=CODE::message`.
pub fn github_commands(diags: &[Diagnostic], file: &str, source: &str) -> String {
    let index = LineIndex::new(source);
    let file = escape_property(&relative_path(file));
    let mut out = String::new();
    for d in diags {
        let s = index.line_col(source, d.span.start);
        let e = index.line_col(source, d.span.end.max(d.span.start));
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        out.push_str(&format!(
            "::{command} file={file},line={},col={},endLine={},endColumn={},title={}::{}\n",
            s.line,
            s.column,
            e.line,
            e.column,
            escape_property(d.code),
            escape_data(&text_of(d)),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_command_escaping() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn one_github_line_per_diagnostic_even_with_newlines() {
        let source = "{\n  \"a\": 1\n}\n";
        let diags = vec![
            Diagnostic::error("V0106", 9..10, "bad: value, really").with_help("line one\nline two"),
            Diagnostic::note("V0103", 0..1, "note"),
        ];
        let text = github_commands(&diags, "dir/x,y.json", source);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(
            lines[0],
            "::error file=dir/x%2Cy.json,line=2,col=8,endLine=2,endColumn=9,title=V0106::bad: value, really%0Ahelp: line one%0Aline two"
        );
        assert!(lines[1].starts_with("::notice file=dir/x%2Cy.json,line=1,col=1,"));
    }

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(
            artifact_location("./flows/My Flow.json")["uri"],
            "flows/My%20Flow.json"
        );
        assert_eq!(artifact_location("flows/a.json")["uriBaseId"], "%SRCROOT%");
        assert_eq!(
            artifact_location("/nowhere/x y.json")["uri"],
            "file:///nowhere/x%20y.json"
        );
        if let Ok(cwd) = std::env::current_dir() {
            let inside = cwd.join("sub/a.json");
            assert_eq!(artifact_location(&inside.to_string_lossy())["uri"], "sub/a.json");
        }
    }

    #[test]
    fn rules_cover_both_tables_once() {
        let rules = rules();
        for (code, _) in af_compile::CODES.iter().chain(af_validate::CODES) {
            assert_eq!(rules.iter().filter(|(c, _)| c == code).count(), 1, "{code}");
        }
        assert!(help_uri("V0001").ends_with("docs/diagnostics.md#v0001"));
    }
}
