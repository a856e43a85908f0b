//! The outline: the flow, then the nodes grouped by kind; and the flat symbol search over
//! documents for `workspace/symbol`.

use crate::snapshot::Snapshot;
use af_stix::types::{self, Category};
use af_syntax::Span;

/// What a symbol is (the LSP layer maps it to an icon).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolKind {
    /// The flow header.
    Flow,
    /// A group of nodes of one kind.
    Group,
    /// An action.
    Action,
    /// A condition.
    Condition,
    /// An operator.
    Operator,
    /// An asset.
    Asset,
    /// A STIX domain object.
    Sdo,
    /// A STIX cyber-observable.
    Sco,
    /// A STIX relationship object.
    Sro,
    /// A meta object (marking definition, …).
    Meta,
    /// A custom `x-…` object or a kind afc does not know.
    Other,
}

/// One entry of the outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    /// The name shown.
    pub name: String,
    /// A short description (title, technique).
    pub detail: Option<String>,
    /// What it is.
    pub kind: SymbolKind,
    /// The whole statement (for a group: from its first to its last node).
    pub span: Span,
    /// The part to select (the name).
    pub selection: Span,
    /// Nodes of a group.
    pub children: Vec<Symbol>,
}

fn kind_of(stix_type: Option<&str>) -> SymbolKind {
    match stix_type {
        Some("attack-action") => SymbolKind::Action,
        Some("attack-condition") => SymbolKind::Condition,
        Some("attack-operator") => SymbolKind::Operator,
        Some("attack-asset") => SymbolKind::Asset,
        Some(t) => match types::type_info(t).map(|i| i.category) {
            Some(Category::Sdo) => SymbolKind::Sdo,
            Some(Category::Sco) => SymbolKind::Sco,
            Some(Category::Sro) => SymbolKind::Sro,
            Some(Category::Meta) => SymbolKind::Meta,
            _ => SymbolKind::Other,
        },
        None => SymbolKind::Other,
    }
}

/// The outline of a document: the flow header first, then one group per node kind (in the
/// order kinds first appear) holding its nodes in source order.
pub fn document_symbols(snap: &Snapshot) -> Vec<Symbol> {
    let m = &snap.model;
    let mut out = Vec::new();
    if let Some(f) = &m.flow {
        out.push(Symbol {
            name: f.title.clone().unwrap_or_else(|| "flow".to_string()),
            detail: Some("flow".to_string()),
            kind: SymbolKind::Flow,
            span: f.span.clone(),
            selection: f.keyword.clone(),
            children: Vec::new(),
        });
    }
    let mut groups: Vec<Symbol> = Vec::new();
    for n in &m.nodes {
        let detail = match (&n.word, &n.title) {
            (Some(w), Some(t)) => Some(format!("{} \"{t}\"", w.text)),
            (Some(w), None) => Some(match snap.catalog().technique(&w.text) {
                Some(t) if n.stix_type.as_deref() == Some("attack-action") => {
                    format!("{} {}", w.text, t.full_name())
                }
                _ => w.text.to_string(),
            }),
            (None, Some(t)) => Some(format!("\"{t}\"")),
            (None, None) => None,
        };
        let sym = Symbol {
            name: n.name.to_string(),
            detail,
            kind: kind_of(n.stix_type.as_deref()),
            span: n.span.clone(),
            selection: n.name_span.clone(),
            children: Vec::new(),
        };
        match groups.iter_mut().find(|g| g.name == n.kind) {
            Some(g) => {
                g.span.end = g.span.end.max(n.span.end);
                g.children.push(sym);
            }
            None => groups.push(Symbol {
                name: n.kind.to_string(),
                detail: None,
                kind: SymbolKind::Group,
                span: n.span.clone(),
                selection: n.kind_span.clone(),
                children: vec![sym],
            }),
        }
    }
    for g in &mut groups {
        g.detail = Some(match g.children.len() {
            1 => "1 node".to_string(),
            k => format!("{k} nodes"),
        });
    }
    out.extend(groups);
    out
}

/// A symbol found by a workspace search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundSymbol {
    /// The name.
    pub name: String,
    /// What it is.
    pub kind: SymbolKind,
    /// The name's span in its document.
    pub span: Span,
    /// The flow's title, as the container.
    pub container: Option<String>,
}

/// Symbols of a document matching a query: every query character appears in the name in
/// order, ignoring case (an empty query matches everything).
pub fn search(snap: &Snapshot, query: &str) -> Vec<FoundSymbol> {
    let q: Vec<char> = query.to_lowercase().chars().collect();
    let fits = |name: &str| {
        let mut qi = 0;
        for c in name.to_lowercase().chars() {
            if qi < q.len() && c == q[qi] {
                qi += 1;
            }
        }
        qi == q.len()
    };
    let container = snap.model.flow.as_ref().and_then(|f| f.title.clone());
    let mut out = Vec::new();
    if let Some(f) = &snap.model.flow {
        if let Some(title) = &f.title {
            if fits(title) {
                out.push(FoundSymbol {
                    name: title.clone(),
                    kind: SymbolKind::Flow,
                    span: f.keyword.clone(),
                    container: None,
                });
            }
        }
    }
    for n in &snap.model.nodes {
        if fits(&n.name) || n.title.as_deref().is_some_and(fits) {
            out.push(FoundSymbol {
                name: n.name.to_string(),
                kind: kind_of(n.stix_type.as_deref()),
                span: n.name_span.clone(),
                container: container.clone(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "flow \"Blog\" { scope: incident }\naction phish T1566.002\nasset host \"Host\"\naction login T1078 \"Log in\"\n";

    #[test]
    fn outline_is_flow_then_groups() {
        let s = Snapshot::with_defaults(SRC);
        let syms = document_symbols(&s);
        let top: Vec<(&str, SymbolKind)> = syms.iter().map(|s| (s.name.as_str(), s.kind)).collect();
        assert_eq!(
            top,
            [
                ("Blog", SymbolKind::Flow),
                ("action", SymbolKind::Group),
                ("asset", SymbolKind::Group)
            ]
        );
        let actions: Vec<&str> = syms[1].children.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(actions, ["phish", "login"]);
        assert_eq!(
            syms[1].children[0].detail.as_deref(),
            Some("T1566.002 Phishing: Spearphishing Link")
        );
        assert_eq!(syms[1].children[1].detail.as_deref(), Some("T1078 \"Log in\""));
        assert!(
            syms[1].span.start <= syms[1].children[1].span.start
                && syms[1].span.end >= syms[1].children[1].span.end
        );
    }

    #[test]
    fn search_matches_in_order_ignoring_case() {
        let s = Snapshot::with_defaults(SRC);
        let names: Vec<String> = search(&s, "PH").into_iter().map(|f| f.name).collect();
        assert_eq!(names, ["phish"]);
        let names: Vec<String> = search(&s, "lgn").into_iter().map(|f| f.name).collect();
        assert_eq!(names, ["login"]);
        assert_eq!(search(&s, "").len(), 4);
    }
}
