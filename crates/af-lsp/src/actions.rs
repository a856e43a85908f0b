//! Quick fixes: every fix the compiler attaches to a diagnostic (a suggested technique id, the
//! replacement of a revoked id, a tactic, a did-you-mean name or key, declaring an undefined
//! node with a `"…"` title to complete, removing a node nothing is connected to). The editor
//! makes none of its own: what it offers is what `afc check --format json` lists and what
//! `afc check --fix --unsafe-fixes` applies.
//!
//! The fixes come from the one fix model of `af_diagnostics::fix`: the fix marked preferred
//! is the one `afc check --fix --unsafe-fixes` would apply (a diagnostic's only fix, not a
//! placeholder); in the editor a person sees it before it is made.

use crate::snapshot::Snapshot;
use af_diagnostics::Edit;
use af_syntax::Span;

/// A quick fix: a title and the edits it makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuickFix {
    /// What the editor shows.
    pub title: String,
    /// The edits, applied together.
    pub edits: Vec<Edit>,
    /// The index in [`Snapshot::diagnostics`] of the diagnostic it fixes.
    pub diagnostic: usize,
    /// The one obvious fix of its diagnostic.
    pub preferred: bool,
}

/// The quick fixes for the diagnostics that touch `range`.
pub fn code_actions(snap: &Snapshot, range: Span) -> Vec<QuickFix> {
    let mut out = Vec::new();
    for (i, d) in snap.diagnostics.iter().enumerate() {
        if d.span.start > range.end || range.start > d.span.end {
            continue;
        }
        let machine = d.machine_fix(true);
        for f in &d.fixes {
            out.push(QuickFix {
                title: capitalize(&f.message),
                edits: f.edits.clone(),
                diagnostic: i,
                preferred: machine.is_some_and(|m| std::ptr::eq(m, f)),
            });
        }
    }
    out
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, edits: &[Edit]) -> String {
        let mut edits = edits.to_vec();
        edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
        let mut out = text.to_string();
        for e in edits {
            out.replace_range(e.span.clone(), &e.replacement);
        }
        out
    }

    const HEAD: &str = "flow \"F\" { scope: incident, created: 2026-01-01T00:00:00Z, description: \"d\" }\n";

    fn fixes(body: &str) -> (String, Vec<QuickFix>) {
        let text = format!("{HEAD}{body}");
        let s = Snapshot::with_defaults(&text);
        let fixes = code_actions(&s, 0..text.len());
        (text, fixes)
    }

    #[test]
    fn compiler_fixes_become_quick_fixes() {
        let (text, f) = fixes("action a T1566.01\n");
        let fix = f
            .iter()
            .find(|f| f.edits.iter().any(|e| e.replacement == "T1566.001"));
        assert!(fix.is_some(), "{f:?}");
        let fixed = apply(&text, &fix.map(|f| f.edits.clone()).unwrap_or_default());
        assert!(fixed.contains("action a T1566.001"));
        let (_, f) = fixes("action a T1073\n");
        assert!(
            f.iter()
                .any(|f| f.edits.iter().any(|e| e.replacement == "T1574.001")),
            "{f:?}"
        );
        let (_, f) = fixes("action phish T1566\naction b T1078\nphsh -> b\n");
        assert!(f.iter().any(|f| f.title == "Did you mean `phish`?"), "{f:?}");
    }

    #[test]
    fn declares_undefined_names_with_a_fitting_kind() {
        let (text, f) = fixes("action a T1566 { asset_refs: [laptop], command_ref: cmd }\na -> next\n");
        let titles: Vec<&str> = f.iter().map(|f| f.title.as_str()).collect();
        assert!(titles.contains(&"Declare `laptop` as an `asset`"), "{titles:?}");
        assert!(titles.contains(&"Declare `cmd` as a `process`"), "{titles:?}");
        assert!(titles.contains(&"Declare `next` as an `action`"), "{titles:?}");
        let fix = f.iter().find(|f| f.title.contains("`next`"));
        let fixed = apply(&text, &fix.map(|f| f.edits.clone()).unwrap_or_default());
        assert!(fixed.ends_with("a -> next\naction next \"…\"\n"), "{fixed}");
    }

    #[test]
    fn removes_unconnected_nodes() {
        let (text, f) = fixes("action a T1566\naction b T1078\na -> b\nmalware lonely \"M\" {\n  is_family: false\n}  # gone\naction c T1078\nb -> c\n");
        let fix = f.iter().find(|f| f.title == "Remove `lonely`");
        let fixed = apply(&text, &fix.map(|f| f.edits.clone()).unwrap_or_default());
        // The comment after it stays, on its own line.
        assert!(
            fixed.ends_with("a -> b\n# gone\naction c T1078\nb -> c\n"),
            "{fixed}"
        );
        // A comment inside the removed block stays too; a node linked to another unconnected
        // one is not removed (that would leave a reference to nothing).
        let (text, f) = fixes("action a T1566\nmalware m \"M\" {\n  # inside\n  is_family: false\n}\ntool t \"T\"\nm -[uses]-> t\nmalware alone \"A\" {\n  # mine\n  is_family: false\n}\n");
        assert!(
            !f.iter()
                .any(|f| f.title == "Remove `m`" || f.title == "Remove `t`"),
            "{f:?}"
        );
        let fix = f.iter().find(|f| f.title == "Remove `alone`");
        let fixed = apply(&text, &fix.map(|f| f.edits.clone()).unwrap_or_default());
        assert!(fixed.ends_with("m -[uses]-> t\n# mine\n"), "{fixed:?}");
        assert!(!fixed.contains("alone"), "{fixed}");
    }

    /// The editor offers what the compiler carries: the same fixes `afc check --fix` sees.
    #[test]
    fn quick_fixes_are_the_diagnostics_fixes() {
        let text = format!("{HEAD}action a T1566 {{ asset_refs: [laptop] }}\nmalware lonely \"M\"\n");
        let s = Snapshot::with_defaults(&text);
        let from_diagnostics: Vec<(String, Vec<Edit>)> = s
            .diagnostics
            .iter()
            .flat_map(|d| d.fixes.iter().map(|f| (capitalize(&f.message), f.edits.clone())))
            .collect();
        let offered: Vec<(String, Vec<Edit>)> = code_actions(&s, 0..text.len())
            .into_iter()
            .map(|f| (f.title, f.edits))
            .collect();
        assert_eq!(offered, from_diagnostics);
        assert!(
            offered.iter().any(|(t, _)| t == "Declare `laptop` as an `asset`"),
            "{offered:?}"
        );
        assert!(offered.iter().any(|(t, _)| t == "Remove `lonely`"), "{offered:?}");
    }
}
