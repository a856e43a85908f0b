//! Inlay hints: the technique's name after an action's technique id, the tactic's name after
//! `tactic: TA…`.

use crate::snapshot::Snapshot;
use af_syntax::{Item, Span, ValueKind};

/// A hint: text shown at a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    /// Where the hint is shown (just after the id).
    pub offset: usize,
    /// The text.
    pub label: String,
}

/// Hints for ids inside `range`.
pub fn inlay_hints(snap: &Snapshot, range: Span) -> Vec<Hint> {
    let catalog = snap.catalog();
    let mut out = Vec::new();
    let inside = |s: &Span| s.start >= range.start && s.end <= range.end;
    for item in &snap.file.items {
        let Item::Node(n) = item else { continue };
        if n.kind.text != "action" || n.span.end < range.start || n.span.start > range.end {
            continue;
        }
        if let Some(w) = n.word.as_ref().filter(|w| inside(&w.span)) {
            if let Some(t) = catalog.technique(&w.text) {
                out.push(Hint {
                    offset: w.span.end,
                    label: t.full_name(),
                });
            }
        }
        let Some(body) = &n.body else { continue };
        for p in &body.entries {
            let (true, Some(v)) = (p.key.text == "tactic", &p.value) else {
                continue;
            };
            if let (ValueKind::Word(id), true) = (&v.kind, inside(&v.span)) {
                let technique = n.word.as_ref().and_then(|w| catalog.technique(&w.text));
                let tactic = technique
                    .and_then(|t| catalog.tactic_for(t, id))
                    .or_else(|| catalog.tactic(id));
                if let Some(t) = tactic {
                    out.push(Hint {
                        offset: v.span.end,
                        label: t.name.to_string(),
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_after_ids_in_range() {
        let src = "action a T1566.002 { tactic: TA0001 }\naction b T9999\naction c T1078\n";
        let s = Snapshot::with_defaults(src);
        let all = inlay_hints(&s, 0..src.len());
        let got: Vec<(usize, &str)> = all.iter().map(|h| (h.offset, h.label.as_str())).collect();
        assert_eq!(
            got,
            [
                (18, "Phishing: Spearphishing Link"),
                (35, "Initial Access"),
                (src.len() - 1, "Valid Accounts"),
            ]
        );
        let first_line = inlay_hints(&s, 0..37);
        assert_eq!(first_line.len(), 2);
    }
}
