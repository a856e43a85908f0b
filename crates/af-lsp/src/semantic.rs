//! Semantic tokens: every token of the document classified by what it means — kinds, node
//! names (declarations marked), technique and tactic ids (revoked ones marked deprecated),
//! property keys, enumeration values, strings, numbers, comments, arrows.

use crate::snapshot::Snapshot;
use af_syntax::lexer::{lex, Token};
use af_syntax::{Block, Item, Span, Value, ValueKind};
use std::collections::HashMap;

/// Token types, in legend order (the LSP layer announces [`TokenType::LEGEND`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenType {
    /// `flow`, `true`, `false`.
    Keyword,
    /// A node kind.
    Type,
    /// A node name.
    Variable,
    /// A property key.
    Property,
    /// An enumeration or vocabulary value, an operator word, an edge label.
    EnumMember,
    /// A string.
    String,
    /// A number or timestamp.
    Number,
    /// A comment.
    Comment,
    /// `->`, `-[`.
    Operator,
    /// A technique or tactic id.
    Macro,
}

impl TokenType {
    /// The LSP names of the token types, indexed by `self as u32`.
    pub const LEGEND: [&'static str; 10] = [
        "keyword",
        "type",
        "variable",
        "property",
        "enumMember",
        "string",
        "number",
        "comment",
        "operator",
        "macro",
    ];
}

/// Modifier bits, in legend order.
pub mod modifiers {
    /// The LSP names of the modifiers, bit `i` is `LEGEND[i]`.
    pub const LEGEND: [&str; 2] = ["declaration", "deprecated"];
    /// The name is declared here.
    pub const DECLARATION: u32 = 1;
    /// A revoked or deprecated technique.
    pub const DEPRECATED: u32 = 2;
}

/// One classified token (byte span; may cover several lines for `"""` strings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SemanticToken {
    /// Where it is.
    pub span: Span,
    /// What it is.
    pub ty: TokenType,
    /// [`modifiers`] bits.
    pub modifiers: u32,
}

/// Every classified token of the document, in order, not overlapping.
pub fn tokens(snap: &Snapshot) -> Vec<SemanticToken> {
    let roles = roles(snap);
    let (toks, comments) = lex(&snap.text);
    let mut out = Vec::with_capacity(toks.len() + comments.len());
    for (t, span) in toks {
        let role = roles.get(&span.start).copied();
        let (ty, mods) = match (t, role) {
            (_, Some(r)) => r,
            (Token::Str(_) | Token::TripleStr(_) | Token::UnterminatedStr(_), None) => (TokenType::String, 0),
            (Token::Int(_) | Token::Float(_) | Token::Timestamp(_), None) => (TokenType::Number, 0),
            (Token::Arrow | Token::LabelOpen, None) => (TokenType::Operator, 0),
            _ => continue,
        };
        out.push(SemanticToken {
            span,
            ty,
            modifiers: mods,
        });
    }
    out.extend(comments.into_iter().map(|(_, span)| SemanticToken {
        span,
        ty: TokenType::Comment,
        modifiers: 0,
    }));
    out.sort_by_key(|t| t.span.start);
    out
}

type Roles = HashMap<usize, (TokenType, u32)>;

fn roles(snap: &Snapshot) -> Roles {
    let mut r: Roles = HashMap::new();
    for item in &snap.file.items {
        match item {
            Item::Flow(f) => {
                r.insert(f.keyword.start, (TokenType::Keyword, 0));
                if let Some(b) = &f.body {
                    block(snap, b, &mut r, true);
                }
            }
            Item::Node(n) => {
                r.insert(n.kind.span.start, (TokenType::Type, 0));
                if let Some(name) = &n.name {
                    r.insert(name.span.start, (TokenType::Variable, modifiers::DECLARATION));
                }
                if let Some(w) = &n.word {
                    let role = if n.kind.text == "action" {
                        let active = snap
                            .catalog()
                            .technique(&w.text)
                            .is_none_or(|t| t.status.is_active());
                        (TokenType::Macro, if active { 0 } else { modifiers::DEPRECATED })
                    } else {
                        (TokenType::EnumMember, 0)
                    };
                    r.insert(w.span.start, role);
                }
                if let Some(b) = &n.body {
                    block(snap, b, &mut r, false);
                }
            }
            Item::Edge(e) => {
                for ident in e.groups.iter().flatten() {
                    r.insert(ident.span.start, (TokenType::Variable, 0));
                }
                for a in &e.arrows {
                    if let Some(l) = &a.label {
                        let ty = if l.text == "true" || l.text == "false" {
                            TokenType::Keyword
                        } else {
                            TokenType::EnumMember
                        };
                        r.insert(l.span.start, (ty, 0));
                    }
                }
                if let Some(b) = &e.body {
                    block(snap, b, &mut r, false);
                }
            }
        }
    }
    r
}

fn block(snap: &Snapshot, b: &Block, r: &mut Roles, header: bool) {
    for p in &b.entries {
        r.insert(p.key.span.start, (TokenType::Property, 0));
        if let Some(v) = &p.value {
            value(snap, v, &p.key.text, r, header);
        }
    }
}

fn value(snap: &Snapshot, v: &Value, key: &str, r: &mut Roles, header: bool) {
    match &v.kind {
        ValueKind::Word(w) => {
            let role = if matches!(key, "tactic" | "tactic_id" | "technique_id") {
                TokenType::Macro
            } else if header && af_stix::language::is_tlp_word(key, w) {
                TokenType::EnumMember
            } else if snap.model.ref_at(v.span.start).is_some_and(|r| r.span == v.span) {
                // A node name, where the compiler's model found a reference.
                TokenType::Variable
            } else {
                TokenType::EnumMember
            };
            r.insert(v.span.start, (role, 0));
        }
        ValueKind::Bool(_) => {
            r.insert(v.span.start, (TokenType::Keyword, 0));
        }
        ValueKind::List(items) => {
            for i in items {
                value(snap, i, key, r, header);
            }
        }
        ValueKind::Map(b) => block(snap, b, r, false),
        ValueKind::Titled(inner, b) => {
            value(snap, inner, key, r, header);
            block(snap, b, r, false);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_every_part() {
        let src = "# c\nflow \"F\" { scope: incident, author: id }\naction a T1073 { asset_refs: [h], confidence: 5, x_ok: true }\na -[uses]-> h\n";
        let s = Snapshot::with_defaults(src);
        let got: Vec<(&str, TokenType, u32)> = tokens(&s)
            .into_iter()
            .map(|t| (&src[t.span], t.ty, t.modifiers))
            .collect();
        use TokenType::*;
        assert_eq!(
            got,
            [
                ("# c", Comment, 0),
                ("flow", Keyword, 0),
                ("\"F\"", String, 0),
                ("scope", Property, 0),
                ("incident", EnumMember, 0),
                ("author", Property, 0),
                ("id", Variable, 0),
                ("action", Type, 0),
                ("a", Variable, modifiers::DECLARATION),
                ("T1073", Macro, modifiers::DEPRECATED),
                ("asset_refs", Property, 0),
                ("h", Variable, 0),
                ("confidence", Property, 0),
                ("5", Number, 0),
                ("x_ok", Property, 0),
                ("true", Keyword, 0),
                ("a", Variable, 0),
                ("-[", Operator, 0),
                ("uses", EnumMember, 0),
                ("->", Operator, 0),
                ("h", Variable, 0),
            ]
        );
    }
}
