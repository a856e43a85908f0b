//! The fixes that add or take away a whole node: declaring a name used but not declared
//! (`E0105`) and removing a node nothing is connected to (`W0102`). They are worked out from
//! the syntax tree alone (statement and comment spans), so the language server, `afc check
//! --fix --unsafe-fixes` and `afc check --format json` offer the same edits.

use af_diagnostics::{Applicability, Edit, Fix};
use af_stix::language::kind_word;
use af_stix::types;
use af_syntax::{File, Span};

/// Where the file's last statement or comment ends.
fn content_end(file: &File) -> usize {
    let items = file.items.iter().map(|i| i.span().end);
    let comments = file.comments.iter().map(|c| c.span.end);
    let broken = file.broken.iter().map(|s| s.end);
    items.chain(comments).chain(broken).max().unwrap_or(0)
}

fn with_article(kind: &str) -> String {
    if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an `{kind}`")
    } else {
        format!("a `{kind}`")
    }
}

/// `E0105`: declare `name` after the file's last statement, with a kind that fits where it is
/// used (the first of the reference's `targets`: `asset` for `asset_refs`, `process` for
/// `command_ref`; an action for edges and references to any type) and a `"…"` title to
/// complete. A stub a person finishes: [`Applicability::Placeholder`], never applied by a tool.
pub(crate) fn declare(file: &File, name: &str, targets: &[&str]) -> Option<Fix> {
    if matches!(name, "flow" | "true" | "false") {
        return None;
    }
    let stix_type = targets.first().copied().unwrap_or("attack-action");
    let kind = kind_word(stix_type);
    let mut line = format!("{kind} {name}");
    if stix_type == "attack-operator" {
        line.push_str(" AND");
    } else if types::display_property(stix_type).is_some() {
        line.push_str(" \"…\"");
    }
    let end = content_end(file);
    let lead = if end == 0 { "" } else { "\n" };
    Some(Fix::replace(
        format!("declare `{name}` as {}", with_article(kind)),
        end..end,
        format!("{lead}{line}"),
        Applicability::Placeholder,
    ))
}

/// `W0102`: remove the statement at `node` (a node nothing refers to and that refers to
/// nothing) with the space up to what follows it. Every comment inside the statement is kept,
/// each on a line of its own, so removing a node never loses a comment. It changes what the
/// flow says: [`Applicability::Unsafe`].
pub(crate) fn remove(file: &File, name: &str, node: &Span) -> Fix {
    let after = |start: usize| start >= node.end;
    let next = file
        .items
        .iter()
        .map(|i| i.span().start)
        .chain(file.comments.iter().map(|c| c.span.start))
        .chain(file.broken.iter().map(|s| s.start))
        .filter(|&s| after(s))
        .min();
    let inside: Vec<&str> = file
        .comments
        .iter()
        .filter(|c| node.start <= c.span.start && c.span.end <= node.end)
        .map(|c| c.text.as_str())
        .collect();
    let (span, replacement) = match next {
        // Up to the next statement or comment: the line the node was on goes with it.
        Some(next) => (
            node.start..next,
            inside.iter().map(|c| format!("{c}\n")).collect::<String>(),
        ),
        // The last statement: from the end of what comes before it.
        None => {
            let before = file
                .items
                .iter()
                .map(|i| i.span().end)
                .chain(file.comments.iter().map(|c| c.span.end))
                .chain(file.broken.iter().map(|s| s.end))
                .filter(|&e| e <= node.start)
                .max()
                .unwrap_or(node.start);
            (
                before..node.end,
                inside.iter().map(|c| format!("\n{c}")).collect::<String>(),
            )
        }
    };
    Fix {
        message: format!("remove `{name}`"),
        edits: vec![Edit { span, replacement }],
        applicability: Applicability::Unsafe,
    }
}
