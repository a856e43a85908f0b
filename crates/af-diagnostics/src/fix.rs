//! The fix model shared by every tool that applies fixes: the language server's quick fixes,
//! `afc check --fix` and `afc migrate`.
//!
//! A [`Fix`] is a list of [`Edit`]s with an [`Applicability`] decided where the fix is made
//! (the check that found the problem knows whether its fix keeps the meaning). A diagnostic's
//! fix is *machine-applicable* when it is the diagnostic's only fix (several fixes are
//! alternatives a person chooses between) and its applicability is allowed
//! ([`Diagnostic::machine_fix`]). [`fix_until_clean`] applies machine-applicable fixes pass
//! after pass: in each pass the text is diagnosed afresh, fixes whose edits overlap a fix
//! already taken wait for the next pass, and the passes stop when no fix applies (or after
//! [`MAX_PASSES`], or when a text comes back that was seen before).
//!
//! Like the rest of this crate it knows nothing of the language: the caller passes the
//! function that diagnoses a text.

use crate::{Diagnostic, Span};
use serde::Serialize;

/// Whether a fix may be applied without a person looking at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// It keeps the meaning the author evidently intended: a canonical spelling, quotes
    /// around a string, the replacement MITRE names for a revoked technique.
    Safe,
    /// It is a guess or changes what the flow says (a did-you-mean, removing a node, picking
    /// one of two branches): applied only when asked (`--unsafe-fixes`).
    Unsafe,
    /// It inserts text a person must complete (a `"…"` title): never applied by a tool.
    Placeholder,
}

/// One text replacement; a fix is a list of them applied together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

/// A suggestion a tool can apply ("replace `T1566.01` with `T1566.001`").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub message: String,
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
}

impl Fix {
    /// A fix of one edit: replace `span` with `replacement`.
    pub fn replace(
        message: impl Into<String>,
        span: Span,
        replacement: impl Into<String>,
        applicability: Applicability,
    ) -> Fix {
        Fix {
            message: message.into(),
            edits: vec![Edit {
                span,
                replacement: replacement.into(),
            }],
            applicability,
        }
    }

    /// Whether a tool may apply it: safe fixes always, unsafe ones when `unsafe_fixes`.
    pub fn allowed(&self, unsafe_fixes: bool) -> bool {
        match self.applicability {
            Applicability::Safe => true,
            Applicability::Unsafe => unsafe_fixes,
            Applicability::Placeholder => false,
        }
    }
}

impl Diagnostic {
    /// The fix a tool applies for this diagnostic: its only fix, when that is allowed
    /// (see [`Fix::allowed`]). A diagnostic with several fixes offers a choice, which is a
    /// person's to make. A placeholder (a stub such as a declaration to complete, offered
    /// beside a did-you-mean) is never applied by a tool, so it is no alternative here.
    pub fn machine_fix(&self, unsafe_fixes: bool) -> Option<&Fix> {
        let mut candidates = self
            .fixes
            .iter()
            .filter(|f| f.applicability != Applicability::Placeholder);
        match (candidates.next(), candidates.next()) {
            (Some(f), None) if f.allowed(unsafe_fixes) && !f.edits.is_empty() => Some(f),
            _ => None,
        }
    }
}

/// The most passes [`fix_until_clean`] makes.
pub const MAX_PASSES: usize = 10;

/// Which fixes [`fix_until_clean`] applies (by default: safe fixes of any diagnostic).
#[derive(Clone, Copy, Default)]
pub struct FixOptions<'a> {
    /// Apply unsafe fixes too.
    pub unsafe_fixes: bool,
    /// Only the fixes of diagnostics this accepts (all when `None`); `afc migrate` takes the
    /// catalog codes.
    pub only: Option<&'a (dyn Fn(&Diagnostic) -> bool + Sync)>,
}

/// A fix that was applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Applied {
    /// The code of the diagnostic it fixed.
    pub code: &'static str,
    /// What the fix did (its message).
    pub message: String,
    /// The diagnostic's message.
    pub problem: String,
    /// The pass (from 1) that applied it.
    pub pass: usize,
    /// Where the diagnostic was, in the text of that pass (byte offsets).
    pub span: Span,
    /// The line (from 1) of `span.start` in the text of that pass.
    pub line: usize,
    pub applicability: Applicability,
}

/// The result of [`fix_until_clean`].
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The fixed text.
    pub text: String,
    /// Every fix applied, in order.
    pub applied: Vec<Applied>,
    /// The diagnostics of the fixed text.
    pub remaining: Vec<Diagnostic>,
    /// Passes that applied something.
    pub passes: usize,
    /// False when the passes stopped before no fix was left (the pass limit, or a fix that
    /// undoes another).
    pub settled: bool,
}

/// Applies machine-applicable fixes to `text` until none is left; `diagnose` finds the
/// problems of a text (the compiler, the validator). Each pass takes the fixes in the order
/// of their position and leaves any fix that overlaps (or inserts at the same place as) one
/// already taken to the next pass, where it is found afresh in the changed text. The same
/// fix offered by two diagnostics is applied once.
pub fn fix_until_clean(
    text: &str,
    mut diagnose: impl FnMut(&str) -> Vec<Diagnostic>,
    options: FixOptions<'_>,
) -> Outcome {
    let mut current = text.to_string();
    let mut seen = vec![hash(&current)];
    let mut applied = Vec::new();
    let mut passes = 0;
    loop {
        let diags = diagnose(&current);
        let chosen = choose(&diags, options);
        if chosen.is_empty() {
            return Outcome {
                text: current,
                applied,
                remaining: diags,
                passes,
                settled: true,
            };
        }
        if passes == MAX_PASSES {
            return Outcome {
                text: current,
                applied,
                remaining: diags,
                passes,
                settled: false,
            };
        }
        passes += 1;
        let mut edits: Vec<&Edit> = Vec::new();
        let lines = LineStarts::new(&current);
        for &(d, f) in &chosen {
            edits.extend(&f.edits);
            applied.push(Applied {
                code: d.code,
                message: f.message.clone(),
                problem: d.message.clone(),
                pass: passes,
                span: d.span.clone(),
                line: lines.line_of(d.span.start),
                applicability: f.applicability,
            });
        }
        current = apply_edits(&current, edits.into_iter().cloned());
        let h = hash(&current);
        if seen.contains(&h) {
            let remaining = diagnose(&current);
            return Outcome {
                text: current,
                applied,
                remaining,
                passes,
                settled: false,
            };
        }
        seen.push(h);
    }
}

/// The fixes one pass applies: machine-applicable, accepted by the options, in the order of
/// their first edit, without overlaps and without repeats.
fn choose<'d>(diags: &'d [Diagnostic], options: FixOptions<'_>) -> Vec<(&'d Diagnostic, &'d Fix)> {
    let mut candidates: Vec<(&Diagnostic, &Fix)> = diags
        .iter()
        .filter(|d| options.only.is_none_or(|only| only(d)))
        .filter_map(|d| d.machine_fix(options.unsafe_fixes).map(|f| (d, f)))
        .collect();
    candidates.sort_by_key(|(_, f)| f.edits.iter().map(|e| (e.span.start, e.span.end)).min());
    let mut taken: Vec<Span> = Vec::new();
    let mut chosen: Vec<(&Diagnostic, &Fix)> = Vec::new();
    for (d, f) in candidates {
        if chosen.iter().any(|(_, g)| g.edits == f.edits) {
            continue;
        }
        let clashes = f.edits.iter().enumerate().any(|(i, e)| {
            taken.iter().any(|t| overlaps(t, &e.span))
                || f.edits[..i].iter().any(|o| overlaps(&o.span, &e.span))
        });
        if clashes {
            continue;
        }
        taken.extend(f.edits.iter().map(|e| e.span.clone()));
        chosen.push((d, f));
    }
    chosen
}

/// Whether two edits touch the same text: they share a byte, or one inserts at a point the
/// other starts, ends or covers (two insertions at one point would come out in an
/// arbitrary order).
fn overlaps(a: &Span, b: &Span) -> bool {
    if a.is_empty() || b.is_empty() {
        return a.start.max(b.start) <= a.end.min(b.end);
    }
    a.start < b.end && b.start < a.end
}

/// `text` with `edits` made (they must not overlap); edits outside the text or not on
/// character boundaries are skipped.
pub fn apply_edits(text: &str, edits: impl IntoIterator<Item = Edit>) -> String {
    let mut edits: Vec<Edit> = edits.into_iter().collect();
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in edits {
        let Span { start, end } = e.span;
        if start < at || end < start || text.get(start..end).is_none() {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(&e.replacement);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

fn hash(s: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// Line numbers of byte offsets, for the report of what was applied.
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineStarts(starts)
    }
    fn line_of(&self, offset: usize) -> usize {
        self.0.partition_point(|&s| s <= offset).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes;

    /// A toy checker: every `colour` is misspelt (safe fix to `color`), every `teh` is a
    /// guess (unsafe fix to `the`), `xx` has two fixes (a choice), `(` needs a `)` inserted
    /// after it, and `ab` is fixed to `ba` (which is then fixed back: a cycle).
    fn toy(text: &str) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (i, _) in text.match_indices("colour") {
            out.push(Diagnostic::new(codes::E0001, i..i + 6, "spelling").with_safe_fix(
                "write `color`",
                i..i + 6,
                "color",
            ));
        }
        for (i, _) in text.match_indices("teh") {
            out.push(Diagnostic::new(codes::E0001, i..i + 3, "guess").with_fix(
                "did you mean `the`?",
                i..i + 3,
                "the",
            ));
        }
        for (i, _) in text.match_indices("xx") {
            out.push(
                Diagnostic::new(codes::E0001, i..i + 2, "choice")
                    .with_safe_fix("a", i..i + 2, "a")
                    .with_safe_fix("b", i..i + 2, "b"),
            );
        }
        out
    }

    #[test]
    fn safe_fixes_apply_and_unsafe_ones_wait_for_permission() {
        let o = fix_until_clean("colour teh xx colour", toy, FixOptions::default());
        assert_eq!(o.text, "color teh xx color");
        assert_eq!(o.applied.len(), 2);
        assert!(o.settled);
        assert_eq!(o.remaining.len(), 2);
        let o = fix_until_clean(
            "colour teh xx",
            toy,
            FixOptions {
                unsafe_fixes: true,
                only: None,
            },
        );
        assert_eq!(o.text, "color the xx");
    }

    #[test]
    fn overlapping_fixes_wait_for_the_next_pass() {
        // Two diagnostics over the same word with different fixes: one per pass.
        let checker = |t: &str| {
            let mut out = Vec::new();
            if let Some(i) = t.find("abc") {
                out.push(Diagnostic::new(codes::E0001, i..i + 2, "ab").with_safe_fix("x", i..i + 2, "X"));
                out.push(Diagnostic::new(codes::E0001, i + 1..i + 3, "bc").with_safe_fix(
                    "y",
                    i + 1..i + 3,
                    "Y",
                ));
            }
            if let Some(i) = t.find("Xc") {
                out.push(Diagnostic::new(codes::E0001, i + 1..i + 2, "c").with_safe_fix(
                    "z",
                    i + 1..i + 2,
                    "Z",
                ));
            }
            out
        };
        let o = fix_until_clean("-abc-", checker, FixOptions::default());
        assert_eq!(o.text, "-XZ-");
        assert_eq!(o.passes, 2);
        assert_eq!(o.applied.iter().map(|a| a.pass).collect::<Vec<_>>(), [1, 2]);
    }

    #[test]
    fn a_fix_that_undoes_itself_stops() {
        let flip = |t: &str| {
            let (from, to) = if t.contains("ab") {
                ("ab", "ba")
            } else {
                ("ba", "ab")
            };
            match t.find(from) {
                Some(i) => {
                    vec![Diagnostic::new(codes::E0001, i..i + 2, "flip").with_safe_fix("flip", i..i + 2, to)]
                }
                None => vec![],
            }
        };
        let o = fix_until_clean("ab", flip, FixOptions::default());
        assert!(!o.settled);
        assert!(o.passes <= MAX_PASSES);
    }

    #[test]
    fn the_filter_limits_the_codes() {
        let only = |d: &Diagnostic| d.message == "guess";
        let o = fix_until_clean(
            "colour teh",
            toy,
            FixOptions {
                unsafe_fixes: true,
                only: Some(&only),
            },
        );
        assert_eq!(o.text, "colour the");
    }

    #[test]
    fn insertions_at_one_point_are_taken_one_at_a_time() {
        assert!(overlaps(&(3..3), &(3..3)));
        assert!(overlaps(&(3..3), &(1..3)));
        assert!(!overlaps(&(1..3), &(3..5)));
        assert!(overlaps(&(1..4), &(3..5)));
        assert_eq!(
            apply_edits(
                "héllo",
                [
                    Edit {
                        span: 0..1,
                        replacement: "H".into()
                    },
                    Edit {
                        span: 2..3,
                        replacement: "?".into()
                    },
                    Edit {
                        span: 6..6,
                        replacement: "!".into()
                    },
                ]
            ),
            "Héllo!"
        );
    }
}
