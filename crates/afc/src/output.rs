//! Everything afc prints: diagnostics for the terminal or for machines, summaries, messages.
//!
//! Two rules hold for all of it. Text for people has its control characters escaped (a flow or
//! a bundle cannot drive the terminal: see [`af_diagnostics::escape_control`]). A failed write
//! never panics: it is reported where a message can still be written, and the run exits 2
//! ([`write_failed`]). So nothing here uses `println!`/`eprintln!` (they panic on a closed or
//! full stream; clippy refuses them in this crate): use [`say!`], [`out_line`], [`stdout`].

use af_diagnostics::{escape_control, json_of, limit, Counts, Diagnostic, HumanRenderer, LineIndex};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

/// Exit code: everything fine.
pub const OK: u8 = 0;
/// Exit code: diagnostics at error level (or warnings with `--deny-warnings`), or `--check` found stale outputs.
pub const FAILED: u8 = 1;
/// Exit code: bad usage or an I/O error (reading an input, writing any output).
pub const USAGE: u8 = 2;

/// How many diagnostics of one file are shown by default (`--max-diagnostics`).
pub const DEFAULT_MAX_DIAGNOSTICS: usize = 100;

static WRITE_FAILED: AtomicBool = AtomicBool::new(false);
static STDOUT_BROKEN: AtomicBool = AtomicBool::new(false);

/// Whether a write to standard output, standard error or a report file failed in this run
/// (the run then exits 2).
pub fn write_failed() -> bool {
    WRITE_FAILED.load(Ordering::Relaxed)
}

/// `eprintln!` for afc: the line goes to standard error with control characters escaped, and
/// a failed write is remembered ([`write_failed`]) instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::output::stderr_text(&format!($($arg)*))
    };
}
pub(crate) use say;

/// Writes a line of text for people to standard error (escaped; see [`say!`]).
pub fn stderr_text(line: &str) {
    let mut text = escape_control(line, true).into_owned();
    text.push('\n');
    stderr_bytes(text.as_bytes());
}

/// Writes text for people to standard error as it is given (no newline added), escaped: for a
/// progress line or a table that ends in its own newline.
pub fn stderr_part(text: &str) {
    stderr_bytes(escape_control(text, true).as_bytes());
}

/// Writes bytes to standard error as they are (for text already escaped, such as rendered
/// diagnostics). A failure cannot be reported anywhere: it only makes the run exit 2.
pub fn stderr_bytes(bytes: &[u8]) {
    if std::io::stderr().lock().write_all(bytes).is_err() {
        WRITE_FAILED.store(true, Ordering::Relaxed);
    }
}

/// Writes bytes (a bundle, a picture, a report) to standard output. On failure says so on
/// standard error (once) and returns false; the run exits 2.
pub fn stdout(bytes: &[u8]) -> bool {
    if STDOUT_BROKEN.load(Ordering::Relaxed) {
        return false;
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => true,
        Err(e) => {
            stdout_failed(&e);
            false
        }
    }
}

/// Writes a line of text for people (a file name, a table row) to standard output, escaped.
pub fn out_line(line: &str) -> bool {
    let mut text = escape_control(line, true).into_owned();
    text.push('\n');
    stdout(text.as_bytes())
}

fn stdout_failed(e: &std::io::Error) {
    WRITE_FAILED.store(true, Ordering::Relaxed);
    if !STDOUT_BROKEN.swap(true, Ordering::Relaxed) {
        say!("error: cannot write to standard output: {e}");
    }
}

/// Flushes standard output at the end of a run (a failure counts as a write error).
pub fn flush_stdout() {
    if let Err(e) = std::io::stdout().lock().flush() {
        if !STDOUT_BROKEN.load(Ordering::Relaxed) {
            stdout_failed(&e);
        }
    }
}

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
            ColorChoice::Auto => no_color_unset() && std::io::stderr().is_terminal(),
        }
    }

    /// The same for output on standard output (reports rather than diagnostics).
    pub fn enabled_for_stdout(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => no_color_unset() && std::io::stdout().is_terminal(),
        }
    }
}

fn no_color_unset() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
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

/// How and where a command reports diagnostics: the flags every diagnosing command shares.
#[derive(clap::Args, Debug, Clone)]
pub struct Report {
    /// Output format of the diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    #[command(flatten)]
    pub limit: Limit,
    /// Write the diagnostics to FILE (in the chosen format) instead of standard output or
    /// standard error.
    #[arg(long, value_name = "FILE")]
    pub diagnostics_file: Option<PathBuf>,
}

/// How many diagnostics of one file are shown.
#[derive(clap::Args, Debug, Clone, Copy)]
pub struct Limit {
    /// Show at most N diagnostics per file, the most severe first, and sum up the others in
    /// one line; 0 shows them all.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_DIAGNOSTICS)]
    pub max_diagnostics: usize,
}

/// Where machine-readable diagnostics go when no `--diagnostics-file` is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    /// Standard output (`check`, `validate`: nothing else is printed there).
    Stdout,
    /// Standard error (`compile`, `render`, `fmt`: standard output may carry their output).
    Stderr,
}

enum Target {
    Stdout,
    Stderr,
    File(af_fs::AtomicFile, PathBuf),
}

/// Writes the diagnostics of a run as each file is done (SARIF and JUnit as one report when the
/// run ends),
/// at most `--max-diagnostics` per file, to standard error (human), to the command's channel
/// (json, sarif, github) or to `--diagnostics-file`.
pub struct Sink {
    format: Format,
    color: bool,
    max: usize,
    target: Target,
    broken: bool,
    sarif: crate::ci::SarifLog,
    junit: crate::ci::JunitLog,
    buf: Vec<u8>,
}

impl Sink {
    /// A sink for one run; machine formats go to `channel` unless `report` names a file.
    pub fn new(report: &Report, color: bool, channel: Channel) -> Result<Sink, String> {
        let target = match &report.diagnostics_file {
            Some(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    crate::input::create_dir(dir)?;
                }
                let file = af_fs::AtomicFile::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
                Target::File(file, path.clone())
            }
            None if report.format == Format::Human => Target::Stderr,
            None => match channel {
                Channel::Stdout => Target::Stdout,
                Channel::Stderr => Target::Stderr,
            },
        };
        Ok(Sink {
            format: report.format,
            color: color && !matches!(target, Target::File(..)),
            max: report.limit.max_diagnostics,
            target,
            broken: false,
            sarif: crate::ci::SarifLog::default(),
            junit: crate::ci::JunitLog::new("", false),
            buf: Vec::new(),
        })
    }

    /// Names the run's command (`check`) and whether warnings fail it, for the JUnit report.
    pub fn for_command(mut self, command: &str, deny_warnings: bool) -> Sink {
        self.junit = crate::ci::JunitLog::new(command, deny_warnings);
        self
    }

    /// A sink for human diagnostics on standard error.
    pub fn human(color: bool, limit: Limit) -> Sink {
        Sink {
            format: Format::Human,
            color,
            max: limit.max_diagnostics,
            target: Target::Stderr,
            broken: false,
            sarif: crate::ci::SarifLog::default(),
            junit: crate::ci::JunitLog::new("", false),
            buf: Vec::new(),
        }
    }

    fn write(&mut self, bytes: &[u8]) {
        if self.broken || bytes.is_empty() {
            return;
        }
        let ok = match &mut self.target {
            Target::Stdout => stdout(bytes),
            Target::Stderr => {
                stderr_bytes(bytes);
                !write_failed()
            }
            Target::File(file, path) => match file.write_all(bytes) {
                Ok(()) => true,
                Err(e) => {
                    WRITE_FAILED.store(true, Ordering::Relaxed);
                    say!("error: {}: {e}", path.display());
                    false
                }
            },
        };
        self.broken = !ok;
    }

    /// The diagnostics of one file.
    pub fn file(&mut self, diags: &[Diagnostic], file: &str, source: &str) {
        let limited = limit(diags, self.max);
        if self.format == Format::Junit {
            // A test case for every file, clean ones too.
            self.junit.add(&limited.shown, file, source);
        }
        if diags.is_empty() {
            return;
        }
        match self.format {
            Format::Junit => {}
            Format::Sarif => self.sarif.add(&limited.shown, file, source),
            Format::Human => {
                let mut renderer = HumanRenderer::new(file, source, self.color);
                for d in &limited.shown {
                    let mut buf = std::mem::take(&mut self.buf);
                    buf.clear();
                    let _ = renderer.write(d, &mut buf);
                    self.write(&buf);
                    self.buf = buf;
                }
            }
            Format::Json => {
                let index = LineIndex::new(source);
                for d in &limited.shown {
                    if let Ok(mut line) = serde_json::to_string(&json_of(d, file, source, &index)) {
                        line.push('\n');
                        self.write(line.as_bytes());
                    }
                }
            }
            Format::Github => {
                let text = crate::ci::github_commands(&limited.shown, file, source);
                self.write(text.as_bytes());
            }
        }
        if let Some(summary) = limited.summary() {
            let line = format!("{file}: {summary}; --max-diagnostics 0 shows them all");
            match (self.format, &self.target) {
                (Format::Human, Target::File(..)) => {
                    let text = format!("{}\n", escape_control(&line, true));
                    self.write(text.as_bytes());
                }
                _ => say!("{line}"),
            }
        }
    }

    /// A file that could not be read (the message is also printed on stderr).
    pub fn unreadable(&mut self, file: &str, message: &str) {
        if self.format == Format::Junit {
            self.junit.unreadable(file, message);
        }
    }

    /// Ends the run: writes the SARIF log or JUnit report (also when it is empty) and puts
    /// the diagnostics file in place.
    pub fn finish(mut self) -> Result<(), String> {
        let report = match self.format {
            Format::Sarif => Some(self.sarif.to_json()),
            Format::Junit => Some(self.junit.to_xml()),
            _ => None,
        };
        if let Some(report) = report {
            self.write(report.as_bytes());
        }
        match self.target {
            Target::File(file, path) if !self.broken => {
                file.commit().map_err(|e| format!("{}: {e}", path.display()))
            }
            _ => Ok(()),
        }
    }
}

/// Prints the diagnostics of one file for people on standard error, at most
/// [`DEFAULT_MAX_DIAGNOSTICS`] of them (commands whose input is a flow but whose output is
/// something else: diff, the analyses, publish).
pub fn human(diags: &[Diagnostic], file: &str, source: &str, color: bool) {
    let limit = Limit {
        max_diagnostics: DEFAULT_MAX_DIAGNOSTICS,
    };
    Sink::human(color, limit).file(diags, file, source);
}

/// What the closing summary counts.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    /// Files read and diagnosed.
    pub files: usize,
    /// Inputs that could not be read (missing, unreadable, too large, not UTF-8).
    pub unread: usize,
    pub counts: Counts,
}

/// The closing summary line for people, on stderr:
/// `3 files: 1 error, 2 warnings, 1 file not read (12ms)`.
pub fn summary(tally: Tally, elapsed: std::time::Duration) {
    let plural = |n: usize, w: &str| {
        if n == 1 {
            format!("{n} {w}")
        } else {
            format!("{} {w}s", af_diagnostics::thousands(n))
        }
    };
    let unread = if tally.unread > 0 {
        format!(", {} not read", plural(tally.unread, "file"))
    } else {
        String::new()
    };
    say!(
        "{}: {}, {}{unread} ({:.0?})",
        plural(tally.files, "file"),
        plural(tally.counts.errors, "error"),
        plural(tally.counts.warnings, "warning"),
        elapsed
    );
}

/// Prints an error that is not about a source text (I/O, usage).
pub fn fail(message: impl std::fmt::Display) {
    say!("error: {message}");
}
