//! Output formats for CI: a SARIF 2.1.0 log (for code scanning, e.g. GitHub's
//! `upload-sarif`), GitHub Actions workflow commands (`::error file=…::message`), which
//! turn diagnostics into annotations on the lines of a pull request, and a JUnit XML report
//! (for GitLab and Jenkins test reports: one test case per file).

use af_diagnostics::{code_doc_url, Diagnostic, LineIndex, Severity, CODES_DOC, PROJECT_URL};
use serde_json::{json, Value};
use std::path::Path;

/// Every code the compiler, the validator, the formatter and `afc coverage` report, with its summary, from
/// the code table.
pub fn rules() -> Vec<(&'static str, &'static str)> {
    use af_diagnostics::codes::{Tool, ALL};
    ALL.iter()
        .filter(|c| {
            c.reported_by(Tool::Compiler)
                || c.reported_by(Tool::Validator)
                || c.reported_by(Tool::Formatter)
                || c.reported_by(Tool::Analysis)
        })
        .map(|c| (c.id, c.summary))
        .collect()
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
    pub fn add(&mut self, diags: &[&Diagnostic], file: &str, source: &str) {
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
                        "text": format!("{summary}. See {CODES_DOC}, section {code}."),
                    },
                    "helpUri": code_doc_url(code),
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
        if !PROJECT_URL.is_empty() {
            log["runs"][0]["tool"]["driver"]["informationUri"] = json!(PROJECT_URL);
        }
        let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// A JUnit XML report under construction: one test suite for the run, one test case per
/// input file. A file fails when it has errors (or warnings, with `--deny-warnings`); its
/// other findings are the test case's `system-out`. An unreadable file is an `error`.
///
/// The shape is the common subset GitLab, Jenkins and the Jenkins/Surefire schema
/// (`junit-10.xsd`) agree on; no times or host names, so the report is deterministic.
#[derive(Debug)]
pub struct JunitLog {
    /// `afc check`, `afc validate`, …
    suite: String,
    deny_warnings: bool,
    cases: Vec<String>,
    failures: usize,
    errors: usize,
}

impl JunitLog {
    /// A report of the command `afc COMMAND`.
    pub fn new(command: &str, deny_warnings: bool) -> JunitLog {
        JunitLog {
            suite: format!("afc {command}"),
            deny_warnings,
            cases: Vec::new(),
            failures: 0,
            errors: 0,
        }
    }

    fn case_open(&self, name: &str) -> String {
        format!(
            "    <testcase name=\"{}\" classname=\"{}\">",
            xml_escape(name),
            xml_escape(&self.suite.replace(' ', "."))
        )
    }

    /// Adds the test case of one file.
    pub fn add(&mut self, diags: &[&Diagnostic], file: &str, source: &str) {
        let name = relative_path(file);
        let index = LineIndex::new(source);
        let fails = |d: &Diagnostic| {
            d.severity == Severity::Error || (self.deny_warnings && d.severity == Severity::Warning)
        };
        let failing: Vec<&Diagnostic> = diags.iter().copied().filter(|d| fails(d)).collect();
        let mut body = String::new();
        for d in diags {
            let at = index.line_col(source, d.span.start);
            body.push_str(&format!(
                "{name}:{}:{}: {}[{}]: {}\n",
                at.line,
                at.column,
                level(d.severity),
                d.code,
                text_of(d)
            ));
        }
        let mut case = self.case_open(&name);
        if let Some(first) = failing.first() {
            self.failures += 1;
            let more = match failing.len() {
                1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            };
            case.push_str(&format!(
                "\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>\n",
                xml_escape(first.code),
                xml_escape(&format!("{}: {}{more}", first.code, first.message)),
                xml_text(&body)
            ));
        } else if !body.is_empty() {
            case.push_str(&format!(
                "\n      <system-out>{}</system-out>\n    </testcase>\n",
                xml_text(&body)
            ));
        } else {
            case.push_str("</testcase>\n");
        }
        self.cases.push(case);
    }

    /// Adds the test case of a file that could not be read.
    pub fn unreadable(&mut self, file: &str, message: &str) {
        self.errors += 1;
        let mut case = self.case_open(&relative_path(file));
        case.push_str(&format!(
            "\n      <error type=\"io\" message=\"{}\"/>\n    </testcase>\n",
            xml_escape(message)
        ));
        self.cases.push(case);
    }

    /// The whole report, with a trailing newline.
    pub fn to_xml(&self) -> String {
        let counts = format!(
            "tests=\"{}\" failures=\"{}\" errors=\"{}\"",
            self.cases.len(),
            self.failures,
            self.errors
        );
        let suite = xml_escape(&self.suite);
        let mut out = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"{suite}\" {counts}>\n  <testsuite name=\"{suite}\" {counts} skipped=\"0\">\n"
        );
        for case in &self.cases {
            out.push_str(case);
        }
        out.push_str("  </testsuite>\n</testsuites>\n");
        out
    }
}

/// Escapes an XML attribute value (line breaks kept as character references).
fn xml_escape(s: &str) -> String {
    xml_escape_as(s, true)
}

/// Escapes XML element content.
fn xml_text(s: &str) -> String {
    xml_escape_as(s, false)
}

/// Escapes text for XML (attribute values are always in double quotes). Characters XML 1.0 cannot hold (most control characters) are
/// written as `\u{…}` so nothing is lost.
fn xml_escape_as(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // In an attribute value a raw line break would be read as a space.
            '\n' if attribute => out.push_str("&#10;"),
            '\n' => out.push('\n'),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push('\t'),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
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
pub fn github_commands(diags: &[&Diagnostic], file: &str, source: &str) -> String {
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
    use af_diagnostics::codes;

    #[test]
    fn workflow_command_escaping() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn one_github_line_per_diagnostic_even_with_newlines() {
        let source = "{\n  \"a\": 1\n}\n";
        let error = Diagnostic::new(codes::V0106, 9..10, "bad: value, really").with_help(
            "line one
line two",
        );
        let note = Diagnostic::new(codes::V0103, 0..1, "note");
        let text = github_commands(&[&error, &note], "dir/x,y.json", source);
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
    fn xml_text_keeps_everything_and_breaks_nothing() {
        assert_eq!(
            xml_escape("a<b>&\"c\"\n\u{1b}[0m'"),
            "a&lt;b&gt;&amp;&quot;c&quot;&#10;\\u{1b}[0m'"
        );
    }

    #[test]
    fn junit_fails_a_file_on_errors_and_on_warnings_only_when_denied() {
        let source = "a\nbb\n";
        let diags = [
            Diagnostic::new(af_diagnostics::codes::W0401, 2..4, "old <technique>"),
            Diagnostic::new(af_diagnostics::codes::E0102, 0..1, "undefined name `a`").with_help("declare it"),
        ];
        let all: Vec<&Diagnostic> = diags.iter().collect();
        let warn = [&diags[0]];
        let mut log = JunitLog::new("check", false);
        log.add(&all, "x.af", source);
        log.add(&warn, "y.af", source);
        log.add(&[], "z.af", source);
        log.unreadable("w.af", "cannot read w.af");
        let xml = log.to_xml();
        assert!(
            xml.contains(
                "<testsuite name=\"afc check\" tests=\"4\" failures=\"1\" errors=\"1\" skipped=\"0\">"
            ),
            "{xml}"
        );
        assert!(
            xml.contains("<failure type=\"E0102\" message=\"E0102: undefined name `a`\">"),
            "{xml}"
        );
        assert!(
            xml.contains("x.af:1:1: error[E0102]: undefined name `a`\nhelp: declare it\n"),
            "{xml}"
        );
        assert!(
            xml.contains("<system-out>y.af:2:1: warning[W0401]: old &lt;technique&gt;\n</system-out>"),
            "{xml}"
        );
        assert!(
            xml.contains("<testcase name=\"z.af\" classname=\"afc.check\"></testcase>"),
            "{xml}"
        );

        let mut denied = JunitLog::new("check", true);
        denied.add(&warn, "y.af", source);
        assert!(denied.to_xml().contains("failures=\"1\""));
    }

    #[test]
    fn rules_cover_every_code_once() {
        let rules = rules();
        for code in af_diagnostics::codes::ALL.iter().filter(|c| c.id != "internal") {
            assert_eq!(rules.iter().filter(|(c, _)| *c == code.id).count(), 1, "{code}");
        }
    }
}
