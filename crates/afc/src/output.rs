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
    /// One SARIF 2.1.0 log for the whole run, for code scanning (e.g. GitHub upload-sarif).
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…::…`), one line per diagnostic.
    Github,
    /// One JUnit XML report for the whole run (a test case per file), for GitLab and Jenkins.
    Junit,
}

/// Writes the diagnostics of a run: human (stderr), json and github (stdout) as each file is
/// done, sarif and junit (stdout) as one report when the run ends.
pub struct Sink {
    format: Format,
    color: bool,
    sarif: crate::ci::SarifLog,
    junit: crate::ci::JunitLog,
}

impl Sink {
    /// A sink for one run.
    pub fn new(format: Format, color: bool) -> Sink {
        Sink {
            format,
            color,
            sarif: crate::ci::SarifLog::default(),
            junit: crate::ci::JunitLog::new("", false),
        }
    }

    /// Names the run's command (`check`) and whether warnings fail it, for the JUnit report.
    pub fn for_command(mut self, command: &str, deny_warnings: bool) -> Sink {
        self.junit = crate::ci::JunitLog::new(command, deny_warnings);
        self
    }

    /// The diagnostics of one file.
    pub fn file(&mut self, diags: &[Diagnostic], file: &str, source: &str) {
        match self.format {
            Format::Sarif => self.sarif.add(diags, file, source),
            Format::Junit => self.junit.add(diags, file, source),
            format => emit(diags, file, source, format, self.color),
        }
    }

    /// A file that could not be read (the message is also printed on stderr).
    pub fn unreadable(&mut self, file: &str, message: &str) {
        if self.format == Format::Junit {
            self.junit.unreadable(file, message);
        }
    }

    /// Ends the run: writes the SARIF log or JUnit report (also when it is empty).
    pub fn finish(self) {
        let report = match self.format {
            Format::Sarif => self.sarif.to_json(),
            Format::Junit => self.junit.to_xml(),
            _ => return,
        };
        let _ = std::io::stdout().write_all(report.as_bytes());
    }
}

/// Writes the diagnostics of one file in the chosen format (human to stderr, the others to
/// stdout; sarif and junit as a report of this file alone, see [`Sink`] for several).
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
        Format::Github => {
            let text = crate::ci::github_commands(diags, file, source);
            let _ = std::io::stdout().write_all(text.as_bytes());
        }
        Format::Sarif | Format::Junit => {
            let mut sink = Sink::new(format, color);
            sink.file(diags, file, source);
            sink.finish();
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
