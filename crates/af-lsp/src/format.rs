//! Formatting through the afc formatter (`af-fmt`), as one edit covering the lines that change.

use crate::snapshot::Snapshot;
use af_diagnostics::{Diagnostic, Edit};

/// The edit that formats the document: empty when it is already formatted. Documents with
/// syntax errors are not formatted; their errors come back.
pub fn format(snap: &Snapshot) -> Result<Vec<Edit>, Vec<Diagnostic>> {
    let formatted = af_fmt::format_source(&snap.text)?;
    Ok(minimal_edit(&snap.text, &formatted).into_iter().collect())
}

/// One edit turning `old` into `new`, covering only the lines between their common first and
/// last lines (so the editor keeps the cursor and folds elsewhere).
pub fn minimal_edit(old: &str, new: &str) -> Option<Edit> {
    if old == new {
        return None;
    }
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let mut prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    // Back to a line start.
    prefix = old[..prefix].rfind('\n').map_or(0, |p| p + 1);
    let max_suffix = (a.len() - prefix).min(b.len() - prefix);
    let mut suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(max_suffix)
        .take_while(|(x, y)| x == y)
        .count();
    // Forward to a line start (just after a newline) inside the common suffix.
    let tail = &old[a.len() - suffix..];
    suffix = match tail.find('\n') {
        Some(p) => suffix - (p + 1),
        None => 0,
    };
    Some(Edit {
        span: prefix..a.len() - suffix,
        replacement: new[prefix..b.len() - suffix].to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(old: &str, e: &Edit) -> String {
        let mut s = old.to_string();
        s.replace_range(e.span.clone(), &e.replacement);
        s
    }

    #[test]
    fn minimal_edits_cover_whole_changed_lines() {
        let old = "a\nb  x\nc\nd\n";
        let new = "a\nb x\nc\nd\n";
        let e = minimal_edit(old, new);
        assert_eq!(
            e.as_ref().map(|e| (e.span.clone(), e.replacement.as_str())),
            Some((2..7, "b x\n"))
        );
        assert_eq!(e.map(|e| apply(old, &e)).as_deref(), Some(new));
        assert_eq!(minimal_edit(old, old), None);
        for (o, n) in [
            ("", "x\n"),
            ("x", ""),
            ("a\nb\n", "a\nb\nc\n"),
            ("a\nb\n", "z\na\nb\n"),
            ("aaa", "aa"),
        ] {
            let e = minimal_edit(o, n);
            assert_eq!(e.map(|e| apply(o, &e)).as_deref(), Some(n), "{o:?} -> {n:?}");
        }
    }

    #[test]
    fn formats_through_af_fmt() {
        let s = Snapshot::with_defaults("action   a T1566 {tactic: TA0001}\n");
        let edits = format(&s).unwrap_or_default();
        assert_eq!(edits.len(), 1);
        let out = apply(&s.text, &edits[0]);
        assert_eq!(af_fmt::format_source(&out).ok().as_deref(), Some(out.as_str()));
        assert_ne!(out, s.text);
        assert!(format(&Snapshot::with_defaults("action a {\n")).is_err());
    }
}
