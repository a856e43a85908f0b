//! Applying the fixes diagnostics carry to files: `afc check --fix` (alias `afc fix`) and
//! `afc migrate`. The passes, the choice of fixes and their safety are
//! `af_diagnostics::fix`'s; this module reads the inputs, writes them back atomically through
//! `af-fs` (or prints a unified diff) and says what changed.

use crate::batch;
use crate::input::{self, Input};
use crate::output::{self, Sink};
use af_diagnostics::fix::{fix_until_clean, FixOptions, Outcome};
use af_diagnostics::{Counts, Diagnostic};
use std::io::Write;

/// Where the changed text of an input goes.
pub type Destination = dyn Fn(&Input) -> Result<input::Dest, String>;

/// How a fixing run treats its inputs.
#[derive(Clone, Copy)]
pub struct Plan<'a> {
    /// `fix` or `migrate`, for messages.
    pub command: &'a str,
    /// Print a unified diff to standard output and write nothing.
    pub diff: bool,
    /// Exit 1 on warnings left, too.
    pub deny_warnings: bool,
    pub jobs: Option<usize>,
    /// Where a changed text goes instead of back into its file (bundles in `afc migrate`:
    /// never over the input). `None`: in place.
    pub out: Option<&'a Destination>,
    /// Report only the diagnostics left that this accepts (`afc migrate`: its findings).
    pub report_only: Option<&'a dyn Fn(&Diagnostic) -> bool>,
}

/// What a fixing run saw, for its exit code.
#[derive(Default)]
pub struct Tally {
    pub files: usize,
    pub changed: usize,
    pub fixes: usize,
    pub counts: Counts,
    pub io_error: bool,
    /// Files whose fixes did not settle within the passes.
    pub unsettled: usize,
    /// Fixes left that `--unsafe-fixes` would apply.
    pub unsafe_left: usize,
}

impl Tally {
    /// 2 on I/O errors; 1 when errors remain (warnings with `deny_warnings`), fixes did not
    /// settle, or `--diff` shows a change; else 0.
    pub fn exit_code(&self, plan: &Plan<'_>) -> u8 {
        if self.io_error {
            output::USAGE
        } else if self.counts.errors > 0
            || (plan.deny_warnings && self.counts.warnings > 0)
            || self.unsettled > 0
            || (plan.diff && self.changed > 0)
        {
            output::FAILED
        } else {
            output::OK
        }
    }
}

/// Fixes every input of `.af` text with `diagnose` and `options`: writes each changed file in
/// place (standard input goes to standard output), or prints diffs with `plan.diff`; reports
/// what was applied on standard error and the diagnostics left through `sink`.
pub fn run_texts(
    inputs: &[Input],
    plan: &Plan<'_>,
    sink: &mut Sink,
    diagnose: impl Fn(&str) -> Vec<Diagnostic> + Sync,
    options: FixOptions<'_>,
) -> Tally {
    let mut tally = Tally {
        files: inputs.len(),
        ..Tally::default()
    };
    let threads = batch::threads(plan.jobs, inputs.len());
    batch::run(
        inputs,
        threads,
        |inp| -> Result<(String, Outcome, usize), String> {
            let source = input::read(inp)?;
            let outcome = fix_until_clean(&source, &diagnose, options);
            let unsafe_left = outcome
                .remaining
                .iter()
                .filter(|d| options.only.is_none_or(|only| only(d)))
                .filter(|d| d.machine_fix(false).is_none() && d.machine_fix(true).is_some())
                .count();
            Ok((source, outcome, unsafe_left))
        },
        |inp, result| match result {
            Ok((source, outcome, unsafe_left)) => {
                tally.unsafe_left += unsafe_left;
                if !outcome.settled {
                    tally.unsettled += 1;
                    output::fail(format!(
                        "{}: fixes still apply after {} passes (a fix may undo another); run again or fix by hand",
                        inp.name, outcome.passes
                    ));
                }
                let changed = outcome.text != source;
                if changed {
                    tally.changed += 1;
                }
                tally.fixes += outcome.applied.len();
                report(&inp.name, &outcome, plan);
                if let Err(e) = deliver(inp, &source, &outcome.text, plan) {
                    output::fail(e);
                    tally.io_error = true;
                }
                let left: Vec<Diagnostic> = match plan.report_only {
                    Some(keep) => outcome.remaining.iter().filter(|d| keep(d)).cloned().collect(),
                    None => outcome.remaining,
                };
                for d in &left {
                    tally.counts.add(d.severity);
                }
                sink.file(&left, &inp.name, &outcome.text);
            }
            Err(e) => {
                sink.unreadable(&inp.name, &e);
                output::fail(e);
                tally.io_error = true;
            }
        },
    );
    tally
}

/// The per-file report on standard error: one line per fix applied.
fn report(name: &str, outcome: &Outcome, plan: &Plan<'_>) {
    if outcome.applied.is_empty() {
        return;
    }
    let verb = if plan.diff { "would apply" } else { "applied" };
    let n = outcome.applied.len();
    output::say!("{name}: {verb} {n} fix{}", if n == 1 { "" } else { "es" });
    for a in &outcome.applied {
        let pass = if a.pass > 1 {
            format!(" (pass {})", a.pass)
        } else {
            String::new()
        };
        output::say!("  line {}: {} {}{pass}", a.line, a.code, a.message);
    }
}

/// Writes the fixed text back (atomically, through `af-fs`) or to `plan.out`'s destination,
/// prints it (standard input), or prints the diff.
fn deliver(inp: &Input, old: &str, new: &str, plan: &Plan<'_>) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    let printed = if plan.diff {
        if old == new {
            return Ok(());
        }
        out.write_all(unified_diff(&inp.name, old, new).as_bytes())
    } else {
        let dest = match (plan.out, &inp.path) {
            (Some(to), _) => to(inp)?,
            (None, None) => input::Dest::Stdout,
            (None, Some(path)) => input::Dest::File(path.clone()),
        };
        match dest {
            input::Dest::Stdout => out.write_all(new.as_bytes()),
            input::Dest::File(path) => {
                if plan.out.is_none() && old == new {
                    return Ok(());
                }
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    input::create_dir(dir)?;
                }
                return af_fs::write_atomic(&path, new.as_bytes())
                    .map(|_| ())
                    .map_err(|e| format!("{}: cannot write it: {e}", path.display()));
            }
        }
    };
    printed
        .and_then(|_| out.flush())
        .map_err(|e| format!("standard output: {e}"))
}

/// A unified diff of a file before and after (`--- a/NAME`, `+++ b/NAME`), as `git apply`
/// and `patch -p1` take it.
pub fn unified_diff(name: &str, old: &str, new: &str) -> String {
    let name = name.trim_start_matches("./");
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .missing_newline_hint(true)
        .to_string()
}

/// The closing line on standard error.
pub fn summary(tally: &Tally, plan: &Plan<'_>, elapsed: std::time::Duration) {
    let verb = match (plan.command, plan.diff) {
        ("migrate", false) => "changed",
        ("migrate", true) => "would change",
        (_, false) => "fixed",
        (_, true) => "would fix",
    };
    let what = if plan.command == "migrate" {
        "id"
    } else {
        "problem"
    };
    let mut line = format!(
        "{}: {verb} {} {what}{} in {} of {} file{}",
        plan.command,
        tally.fixes,
        if tally.fixes == 1 { "" } else { "s" },
        tally.changed,
        tally.files,
        if tally.files == 1 { "" } else { "s" },
    );
    if tally.unsafe_left > 0 {
        line.push_str(&format!(
            "; {} more with --unsafe-fixes (they may change the meaning: review them)",
            tally.unsafe_left
        ));
    }
    output::say!("{line}");
    output::summary(
        output::Tally {
            files: tally.files,
            unread: 0,
            counts: tally.counts,
        },
        elapsed,
    );
}
