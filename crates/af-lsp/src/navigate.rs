//! Navigation and renaming: go to a node's declaration, find its uses, highlight them, rename
//! it everywhere.

use crate::snapshot::Snapshot;
use af_diagnostics::Edit;
use af_syntax::Span;

/// The declaration of the name under the cursor (its name span).
pub fn definition(snap: &Snapshot, offset: usize) -> Option<Span> {
    let (name, _) = snap.model.name_at(offset)?;
    snap.model.node(name).map(|(_, n)| n.name_span.clone())
}

/// Every place the name under the cursor is written: uses, and the declaration when asked.
pub fn references(snap: &Snapshot, offset: usize, include_declaration: bool) -> Vec<Span> {
    let Some((name, _)) = snap.model.name_at(offset) else {
        return Vec::new();
    };
    let mut out: Vec<Span> = Vec::new();
    if include_declaration {
        out.extend(
            snap.model
                .nodes
                .iter()
                .filter(|n| n.name == name)
                .map(|n| n.name_span.clone()),
        );
    }
    out.extend(snap.model.uses_of(name).map(|r| r.span.clone()));
    out.sort_by_key(|s| s.start);
    out
}

/// Whether a highlighted place declares the name or uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HighlightKind {
    /// The declaration.
    Write,
    /// A use.
    Read,
}

/// The declaration and uses of the name under the cursor, for highlighting.
pub fn highlights(snap: &Snapshot, offset: usize) -> Vec<(Span, HighlightKind)> {
    let Some((name, _)) = snap.model.name_at(offset) else {
        return Vec::new();
    };
    let mut out: Vec<(Span, HighlightKind)> = snap
        .model
        .nodes
        .iter()
        .filter(|n| n.name == name)
        .map(|n| (n.name_span.clone(), HighlightKind::Write))
        .chain(
            snap.model
                .uses_of(name)
                .map(|r| (r.span.clone(), HighlightKind::Read)),
        )
        .collect();
    out.sort_by_key(|(s, _)| s.start);
    out
}

/// The name under the cursor and its span, when it can be renamed.
pub fn prepare_rename(snap: &Snapshot, offset: usize) -> Option<(Span, String)> {
    let (name, span) = snap.model.name_at(offset)?;
    Some((span, name.to_string()))
}

/// Why a rename cannot be done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenameError {
    /// The cursor is not on a node name.
    NotAName,
    /// The new name is not a valid node name.
    Invalid(String),
    /// Another node already has the new name.
    Clash(String),
}

impl std::fmt::Display for RenameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenameError::NotAName => f.write_str("there is no node name here"),
            RenameError::Invalid(why) => f.write_str(why),
            RenameError::Clash(name) => write!(f, "`{name}` is already the name of another node"),
        }
    }
}

/// Checks a new node name: letters, digits and `_`, not starting with a digit, not `flow`.
pub fn check_name(name: &str) -> Result<(), RenameError> {
    let mut chars = name.chars();
    let valid_start = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if !valid_start || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(RenameError::Invalid(format!(
            "`{name}` is not a valid node name: use letters, digits and `_`, starting with a letter or `_`"
        )));
    }
    if matches!(name, "flow" | "true" | "false") {
        return Err(RenameError::Invalid(format!(
            "`{name}` is a keyword and cannot name a node"
        )));
    }
    Ok(())
}

/// The edits that rename the node under the cursor to `new_name` everywhere in the file.
pub fn rename(snap: &Snapshot, offset: usize, new_name: &str) -> Result<Vec<Edit>, RenameError> {
    let (name, _) = snap.model.name_at(offset).ok_or(RenameError::NotAName)?;
    check_name(new_name)?;
    if new_name == name {
        return Ok(Vec::new());
    }
    if snap.model.node(new_name).is_some() {
        return Err(RenameError::Clash(new_name.to_string()));
    }
    Ok(references(snap, offset, true)
        .into_iter()
        .map(|span| Edit {
            span,
            replacement: new_name.to_string(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "action phish T1566 { asset_refs: [host] }\nasset host \"Host\"\naction login T1078\nphish -> login\n";

    fn snap() -> Snapshot {
        Snapshot::with_defaults(SRC)
    }

    fn at(needle: &str) -> usize {
        SRC.find(needle).unwrap_or(usize::MAX)
    }

    fn texts(spans: &[Span]) -> Vec<&str> {
        spans.iter().map(|s| &SRC[s.clone()]).collect()
    }

    #[test]
    fn definition_from_a_use_and_from_the_declaration() {
        let s = snap();
        let def = definition(&s, at("host]") + 2);
        assert_eq!(def, Some(at("host \"")..at("host \"") + 4));
        assert_eq!(
            definition(&s, at("login\n") + 1),
            Some(at("login T")..at("login T") + 5)
        );
        assert_eq!(definition(&s, at("T1566")), None);
    }

    #[test]
    fn references_and_highlights() {
        let s = snap();
        let refs = references(&s, at("phish ->"), true);
        assert_eq!(texts(&refs), ["phish", "phish"]);
        assert_eq!(refs[0].start, 7);
        assert_eq!(references(&s, at("phish ->"), false).len(), 1);
        let h = highlights(&s, at("host]"));
        assert_eq!(
            h.iter().map(|(_, k)| *k).collect::<Vec<_>>(),
            [HighlightKind::Read, HighlightKind::Write]
        );
    }

    #[test]
    fn rename_checks_names_and_clashes() {
        let s = snap();
        let edits = rename(&s, at("phish ->"), "lure");
        let spans: Vec<Span> = edits.unwrap_or_default().into_iter().map(|e| e.span).collect();
        assert_eq!(texts(&spans), ["phish", "phish"]);
        assert!(matches!(
            rename(&s, at("phish ->"), "lure-1"),
            Err(RenameError::Invalid(_))
        ));
        assert!(matches!(
            rename(&s, at("phish ->"), "flow"),
            Err(RenameError::Invalid(_))
        ));
        assert!(matches!(
            rename(&s, at("phish ->"), "1abc"),
            Err(RenameError::Invalid(_))
        ));
        assert_eq!(
            rename(&s, at("phish ->"), "login"),
            Err(RenameError::Clash("login".into()))
        );
        assert_eq!(rename(&s, at("T1566"), "x"), Err(RenameError::NotAName));
        assert_eq!(
            prepare_rename(&s, at("host]")).map(|(_, n)| n),
            Some("host".into())
        );
        assert_eq!(prepare_rename(&s, at("asset_refs")), None);
    }
}
