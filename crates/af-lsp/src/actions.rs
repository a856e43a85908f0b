//! Quick fixes: every fix the compiler attaches to a diagnostic (a suggested technique id, the
//! replacement of a revoked id, a tactic, a did-you-mean name or key), plus two editor-only
//! actions that a tool never applies by itself: declaring an undefined node (with a `"…"`
//! title to complete) and removing a node nothing is connected to.
//!
//! The fixes come from the one fix model of `af_diagnostics::fix`: the fix marked preferred
//! is the one `afc check --fix --unsafe-fixes` would apply (a diagnostic's only fix, not a
//! placeholder); in the editor a person sees it before it is made.

use crate::snapshot::Snapshot;
use af_compile::model::Role;
use af_diagnostics::{codes, Edit};
use af_stix::language::kind_word;
use af_stix::types;
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
        if d.is(codes::E0105) {
            out.extend(declare(snap, &d.span, i));
        } else if d.is(codes::W0102) {
            out.extend(remove(snap, &d.span, i));
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

/// The type a reference at `span` should point at: the first of the targets the compiler's
/// model gives the reference (an action for edges and references to any type).
fn wanted_type(snap: &Snapshot, span: &Span) -> String {
    let targets = snap
        .model
        .refs
        .iter()
        .find(|r| r.span == *span && matches!(r.role, Role::Property { .. }))
        .map_or(&[][..], |r| r.targets);
    targets.first().map_or("attack-action", |t| t).to_string()
}

/// `E0105`: declare the undefined name at the end of the file, with a kind that fits where it
/// is used (`asset` for `asset_refs`, `process` for `command_ref`, `action` for edges).
fn declare(snap: &Snapshot, span: &Span, diagnostic: usize) -> Option<QuickFix> {
    let name = snap.text.get(span.clone())?;
    if crate::navigate::check_name(name).is_err() {
        return None;
    }
    let stix_type = wanted_type(snap, span);
    let kind = kind_word(&stix_type);
    let mut line = format!("{kind} {name}");
    if stix_type == "attack-operator" {
        line.push_str(" AND");
    } else if types::display_property(&stix_type).is_some() {
        line.push_str(" \"…\"");
    }
    let end = snap.text.len();
    let lead = if snap.text.is_empty() || snap.text.ends_with('\n') {
        ""
    } else {
        "\n"
    };
    Some(QuickFix {
        title: format!("Declare `{name}` as {}", article(kind)),
        edits: vec![Edit {
            span: end..end,
            replacement: format!("{lead}{line}\n"),
        }],
        diagnostic,
        preferred: false,
    })
}

fn article(kind: &str) -> String {
    if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an `{kind}`")
    } else {
        format!("a `{kind}`")
    }
}

/// `W0102`: remove the declaration of a node nothing is connected to, with its lines.
fn remove(snap: &Snapshot, span: &Span, diagnostic: usize) -> Option<QuickFix> {
    let (_, node) = snap.model.node_named_at(span.start)?;
    let text = &snap.text;
    let idx = &snap.index;
    let first = idx.line_start(idx.line_of(node.span.start));
    let start = if text.get(first..node.span.start)?.trim().is_empty() {
        first
    } else {
        node.span.start
    };
    let last_line = idx.line_of(node.span.end.saturating_sub(1).max(node.span.start));
    let end = match idx.line_start(last_line + 1) {
        usize::MAX => text.len(),
        e => e,
    };
    Some(QuickFix {
        title: format!("Remove `{}`", node.name),
        edits: vec![Edit {
            span: start..end,
            replacement: String::new(),
        }],
        diagnostic,
        preferred: false,
    })
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
        assert!(fixed.ends_with("a -> b\naction c T1078\nb -> c\n"), "{fixed}");
    }
}
