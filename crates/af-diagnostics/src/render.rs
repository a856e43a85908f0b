use crate::{Diagnostic, LineIndex, Severity};
use ariadne::{Color, Config, Label as ALabel, Report, ReportKind, Source};
use serde::Serialize;

/// Renders diagnostics for people, with source excerpts. `color` should be false when
/// `NO_COLOR` is set or the output is not a terminal.
pub fn render_human(diags: &[Diagnostic], file: &str, source: &str, color: bool) -> String {
    let mut out = Vec::new();
    let cache = (file, Source::from(source));
    for d in diags {
        let kind = match d.severity {
            Severity::Error => ReportKind::Error,
            Severity::Warning => ReportKind::Warning,
            Severity::Note => ReportKind::Advice,
        };
        let primary_color = match d.severity {
            Severity::Error => Color::Red,
            Severity::Warning => Color::Yellow,
            Severity::Note => Color::Cyan,
        };
        let span = clamp(&d.span, source);
        let mut report = Report::build(kind, (file, span.clone()))
            .with_config(
                Config::default()
                    .with_color(color)
                    .with_index_type(ariadne::IndexType::Byte),
            )
            .with_code(d.code)
            .with_message(&d.message);
        // ariadne draws no underline for a label without text, so the primary always has one.
        let primary = ALabel::new((file, span))
            .with_color(primary_color)
            .with_order(-1)
            .with_message(d.span_label.as_deref().unwrap_or("here"));
        report = report.with_label(primary);
        for l in &d.labels {
            report = report.with_label(
                ALabel::new((file, clamp(&l.span, source)))
                    .with_message(&l.message)
                    .with_color(Color::Blue),
            );
        }
        if let Some(h) = &d.help {
            report = report.with_help(h);
        }
        for f in &d.fixes {
            if let [edit] = f.edits.as_slice() {
                if !edit.replacement.is_empty() && !f.message.contains(&edit.replacement) {
                    report = report.with_note(format!("{}: `{}`", f.message, edit.replacement));
                    continue;
                }
            }
            report = report.with_note(&f.message);
        }
        // Writing into a Vec cannot fail for I/O reasons; a failure here is ariadne's own.
        let _ = report.finish().write(cache.clone(), &mut out);
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn clamp(span: &std::ops::Range<usize>, source: &str) -> std::ops::Range<usize> {
    let start = span.start.min(source.len());
    let end = span.end.clamp(start, source.len());
    start..end
}

/// The stable JSON shape of one diagnostic (`--format json`, one object per line).
#[derive(Debug, Clone, Serialize)]
pub struct JsonDiagnostic<'a> {
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub code: &'a str,
    pub severity: Severity,
    pub message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<JsonRelated<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fixes: Vec<JsonFix<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct JsonRelated<'a> {
    pub line: usize,
    pub column: usize,
    pub message: &'a str,
}

#[derive(Debug, Clone, Serialize)]
pub struct JsonFix<'a> {
    pub message: &'a str,
    pub edits: Vec<JsonEdit<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct JsonEdit<'a> {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub replacement: &'a str,
}

/// Converts diagnostics to their JSON shape (1-based lines and columns, end exclusive).
pub fn to_json<'a>(diags: &'a [Diagnostic], file: &'a str, source: &str) -> Vec<JsonDiagnostic<'a>> {
    let index = LineIndex::new(source);
    diags
        .iter()
        .map(|d| {
            let start = index.line_col(source, d.span.start);
            let end = index.line_col(source, d.span.end);
            JsonDiagnostic {
                file,
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                code: d.code,
                severity: d.severity,
                message: &d.message,
                help: d.help.as_deref(),
                related: d
                    .labels
                    .iter()
                    .map(|l| {
                        let p = index.line_col(source, l.span.start);
                        JsonRelated {
                            line: p.line,
                            column: p.column,
                            message: &l.message,
                        }
                    })
                    .collect(),
                fixes: d
                    .fixes
                    .iter()
                    .map(|f| JsonFix {
                        message: &f.message,
                        edits: f
                            .edits
                            .iter()
                            .map(|e| {
                                let s = index.line_col(source, e.span.start);
                                let t = index.line_col(source, e.span.end);
                                JsonEdit {
                                    line: s.line,
                                    column: s.column,
                                    end_line: t.line,
                                    end_column: t.column,
                                    replacement: &e.replacement,
                                }
                            })
                            .collect(),
                    })
                    .collect(),
            }
        })
        .collect()
}
