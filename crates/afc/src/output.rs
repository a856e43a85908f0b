//! Rendering diagnostics and summaries for the terminal or for machines.

use af_diagnostics::{render_human, to_json, Counts, Diagnostic};
use std::io::{IsTerminal, Write};

/// Exit code: everything fine.
pub const OK: u8 = 0;
/// Exit code: diagnostics at error level (or warnings with `--deny-warnings`), or `--check` found stale outputs.
pub const FAILED: u8 = 1;
/// Exit code: bad usage or an I/O error.
pub const USAGE: u8 = 2;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Colour is on for `always`, and for `auto` when stderr is a terminal and `NO_COLOR` is unset.
    pub fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
            }
        }
    }
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    /// Source excerpts with labels and help, for people.
    #[default]
    Human,
    /// One JSON object per diagnostic per line (see docs/diagnostics.md).
    Json,
}

/// Writes the diagnostics of one file in the chosen format (human to stderr, json to stdout).
pub fn emit(diags: &[Diagnostic], file: &str, source: &str, format: Format, color: bool) {
    match format {
        Format::Human => {
            if diags.is_empty() {
                return;
            }
            let text = render_human(diags, file, source, color);
            let _ = std::io::stderr().write_all(text.as_bytes());
        }
        Format::Json => {
            let mut out = std::io::stdout().lock();
            for d in to_json(diags, file, source) {
                if let Ok(line) = serde_json::to_string(&d) {
                    let _ = writeln!(out, "{line}");
                }
            }
        }
    }
}

/// The closing summary line for people, on stderr.
pub fn summary(files: usize, counts: Counts, elapsed: std::time::Duration) {
    let plural = |n: usize, w: &str| {
        if n == 1 {
            format!("{n} {w}")
        } else {
            format!("{n} {w}s")
        }
    };
    eprintln!(
        "{}: {}, {} ({:.0?})",
        plural(files, "file"),
        plural(counts.errors, "error"),
        plural(counts.warnings, "warning"),
        elapsed
    );
}

/// Prints an error that is not about a source text (I/O, usage).
pub fn fail(message: impl std::fmt::Display) {
    eprintln!("error: {message}");
}
