//! The one diagnostic type shared by every afc stage (parser, compiler, validator, language
//! server), the table of every diagnostic code ([`codes`]), plus the renderers that turn
//! diagnostics into text for people (ariadne) and for machines (JSON). Did-you-means are
//! worked out with [`closest`] and [`edit_distance`], re-exported from `af-suggest`, the one
//! edit distance of the workspace.
//!
//! This crate knows nothing about the flow language or STIX: a diagnostic is a code, a
//! severity, a message, byte spans into one source text, and optional help and fixes. The
//! code table names every code with its severity and summary, but the checks that raise them
//! live in the crates that know what they check.

pub mod codes;
pub mod fix;
mod line_index;
mod render;

pub use codes::Code;
pub use fix::{apply_edits, fix_until_clean, Applicability, Edit, Fix, FixOptions};
pub use line_index::{LineCol, LineIndex};
pub use render::{
    escape_control, json_of, limit, render_human, thousands, to_json, HumanRenderer, JsonDiagnostic, Limited,
    EXCERPT_CONTEXT_CHARS, MAX_EXCERPT_LINE_BYTES,
};

pub use af_suggest::{closest, edit_distance};
use serde::Serialize;
use std::ops::Range;

/// The project's address: the `repository` setting of the workspace `Cargo.toml`, the one
/// place a fork changes. Documentation links (SARIF `helpUri`, LSP `codeDescription`) and
/// `afc --help` are built from it.
pub const PROJECT_URL: &str = env!("CARGO_PKG_REPOSITORY");

/// Where every diagnostic code is documented, inside the repository.
pub const CODES_DOC: &str = "docs/diagnostics.md";

/// The documentation link of a code: its heading anchor in `docs/diagnostics.md` on the
/// repository's web pages (`…/blob/main/docs/diagnostics.md#e0105`); a relative link when the
/// project has no address.
pub fn code_doc_url(code: &str) -> String {
    let anchor = code.to_ascii_lowercase();
    match PROJECT_URL.trim_end_matches('/') {
        "" => format!("{CODES_DOC}#{anchor}"),
        repo => format!("{repo}/blob/main/{CODES_DOC}#{anchor}"),
    }
}

/// A byte range into the source text a diagnostic is about.
pub type Span = Range<usize>;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Context that never fails a run.
    Note,
    /// Something suspicious; fails only with `--deny-warnings`.
    Warning,
    /// The input is wrong; the output cannot be trusted or was not produced.
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A secondary location with a short message ("first declared here").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// A finding about a source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code such as `E0102`, one of [`codes`]; documented in `docs/diagnostics.md`.
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    /// Where the problem is; the message of the primary label is optional.
    pub span: Span,
    pub span_label: Option<String>,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    pub fixes: Vec<Fix>,
}

impl Diagnostic {
    /// A finding with `code` (whose severity it takes) at `span`.
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code: code.id,
            severity: code.severity,
            message: message.into(),
            span,
            span_label: None,
            labels: Vec::new(),
            help: None,
            fixes: Vec::new(),
        }
    }
    /// Whether the finding has `code`.
    pub fn is(&self, code: Code) -> bool {
        self.code == code.id
    }
    /// The code's entry in the table.
    pub fn info(&self) -> Option<&'static Code> {
        Code::lookup(self.code)
    }
    /// A message for the primary span itself.
    pub fn with_span_label(mut self, message: impl Into<String>) -> Self {
        self.span_label = Some(message.into());
        self
    }
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    /// A one-edit fix that is a guess or changes the meaning ([`Applicability::Unsafe`]):
    /// replace `span` with `replacement`. Tools apply it only when asked.
    pub fn with_fix(self, message: impl Into<String>, span: Span, replacement: impl Into<String>) -> Self {
        self.with_fix_of(Applicability::Unsafe, message, span, replacement)
    }
    /// A one-edit fix that keeps the meaning ([`Applicability::Safe`]): `afc check --fix`
    /// applies it when it is the diagnostic's only fix.
    pub fn with_safe_fix(
        self,
        message: impl Into<String>,
        span: Span,
        replacement: impl Into<String>,
    ) -> Self {
        self.with_fix_of(Applicability::Safe, message, span, replacement)
    }
    /// A one-edit fix of the given applicability.
    pub fn with_fix_of(
        mut self,
        applicability: Applicability,
        message: impl Into<String>,
        span: Span,
        replacement: impl Into<String>,
    ) -> Self {
        self.fixes
            .push(Fix::replace(message, span, replacement, applicability));
        self
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Counts of a run's diagnostics by severity.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl Counts {
    pub fn of<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>) -> Counts {
        let mut c = Counts::default();
        for d in diags {
            c.add(d.severity);
        }
        c
    }
    pub fn add(&mut self, s: Severity) {
        match s {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Note => self.notes += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_links_point_into_the_codes_doc() {
        let url = code_doc_url("E0105");
        assert!(url.starts_with(PROJECT_URL), "{url}");
        assert!(url.ends_with("/blob/main/docs/diagnostics.md#e0105"), "{url}");
    }
}
