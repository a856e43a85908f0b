//! Folding ranges: blocks and lists over several lines, `"""` strings, runs of comment lines.

use crate::snapshot::Snapshot;
use af_syntax::{Block, Item, Span, Value, ValueKind};

/// What a fold hides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FoldKind {
    /// A block, list or long string.
    Region,
    /// A run of comment lines.
    Comment,
}

/// A foldable range of 0-based lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fold {
    /// The line that stays visible.
    pub start_line: u32,
    /// The last hidden line.
    pub end_line: u32,
    /// What it hides.
    pub kind: FoldKind,
}

/// Every fold of the document, ordered by start line.
pub fn folding_ranges(snap: &Snapshot) -> Vec<Fold> {
    let mut out = Vec::new();
    for item in &snap.file.items {
        match item {
            Item::Flow(f) => {
                if let Some(t) = &f.title {
                    region(snap, &t.span, &mut out);
                }
                if let Some(b) = &f.body {
                    block(snap, b, &mut out);
                }
            }
            Item::Node(n) => {
                if let Some(t) = &n.title {
                    region(snap, &t.span, &mut out);
                }
                if let Some(b) = &n.body {
                    block(snap, b, &mut out);
                }
            }
            Item::Edge(e) => {
                if let Some(b) = &e.body {
                    block(snap, b, &mut out);
                }
            }
        }
    }
    comment_runs(snap, &mut out);
    out.sort_by_key(|f| (f.start_line, std::cmp::Reverse(f.end_line)));
    out
}

/// A fold from the line where `span` opens to the line before its closer (or the closer's
/// line when something precedes the closer on it).
fn region(snap: &Snapshot, span: &Span, out: &mut Vec<Fold>) {
    if span.end <= span.start {
        return;
    }
    let text = &snap.text;
    let start = snap.index.line_of(span.start);
    let last = span.end - 1;
    let close_line = snap.index.line_of(last);
    let line_start = snap.index.line_start(close_line);
    let closer_first = text
        .get(line_start..last)
        .is_some_and(|before| before.trim().is_empty() || before.trim() == "\"\"");
    let end = if closer_first {
        close_line.saturating_sub(1)
    } else {
        close_line
    };
    if end > start {
        out.push(Fold {
            start_line: start as u32,
            end_line: end as u32,
            kind: FoldKind::Region,
        });
    }
}

fn block(snap: &Snapshot, b: &Block, out: &mut Vec<Fold>) {
    region(snap, &b.span, out);
    for p in &b.entries {
        if let Some(v) = &p.value {
            value(snap, v, out);
        }
    }
}

fn value(snap: &Snapshot, v: &Value, out: &mut Vec<Fold>) {
    match &v.kind {
        ValueKind::Str(s) if s.multiline => region(snap, &s.span, out),
        ValueKind::List(items) => {
            region(snap, &v.span, out);
            for i in items {
                value(snap, i, out);
            }
        }
        ValueKind::Map(b) => block(snap, b, out),
        ValueKind::Titled(inner, b) => {
            value(snap, inner, out);
            block(snap, b, out);
        }
        _ => {}
    }
}

/// Runs of two or more lines that hold nothing but a comment.
fn comment_runs(snap: &Snapshot, out: &mut Vec<Fold>) {
    let mut run: Option<(usize, usize)> = None;
    let flush = |run: Option<(usize, usize)>, out: &mut Vec<Fold>| {
        if let Some((a, b)) = run {
            if b > a {
                out.push(Fold {
                    start_line: a as u32,
                    end_line: b as u32,
                    kind: FoldKind::Comment,
                });
            }
        }
    };
    for c in &snap.file.comments {
        let line = snap.index.line_of(c.span.start);
        let own_line = snap
            .text
            .get(snap.index.line_start(line)..c.span.start)
            .is_some_and(|b| b.trim().is_empty());
        if !own_line {
            flush(run.take(), out);
            continue;
        }
        run = match run {
            Some((a, b)) if b + 1 == line => Some((a, line)),
            other => {
                flush(other, out);
                Some((line, line))
            }
        };
    }
    flush(run, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_lists_strings_and_comment_runs() {
        let src = "# one\n# two\n# three\nflow \"F\" {\n  scope: incident\n  description: \"\"\"\n    a\n    b\n  \"\"\"\n}\naction a T1 { tactic: TA0001 }  # trailing\naction b T1 {\n  asset_refs: [\n    h\n  ]\n}\n";
        let s = Snapshot::with_defaults(src);
        let folds: Vec<(u32, u32, FoldKind)> = folding_ranges(&s)
            .into_iter()
            .map(|f| (f.start_line, f.end_line, f.kind))
            .collect();
        assert_eq!(
            folds,
            [
                (0, 2, FoldKind::Comment),
                (3, 8, FoldKind::Region),
                (5, 7, FoldKind::Region),
                (11, 14, FoldKind::Region),
                (12, 13, FoldKind::Region),
            ]
        );
    }
}
