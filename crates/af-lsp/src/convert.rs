//! Conversions between the features' byte spans and the protocol's UTF-16 positions, and from
//! the features' results to protocol types. Nothing here decides anything.

use crate::completion::{Completions, ItemKind};
use crate::folding::{Fold, FoldKind};
use crate::navigate::HighlightKind;
use crate::semantic::SemanticToken;
use crate::snapshot::Snapshot;
use crate::symbols::{Symbol, SymbolKind as Kind};
use af_diagnostics::codes;
use af_diagnostics::{Edit, LineIndex, Severity};
use af_syntax::Span;
use tower_lsp_server::ls_types as lsp;

/// The protocol position of a byte offset.
pub fn position(text: &str, index: &LineIndex, offset: usize) -> lsp::Position {
    let (line, character) = index.utf16_position(text, offset);
    lsp::Position { line, character }
}

/// The protocol range of a byte span.
pub fn range(text: &str, index: &LineIndex, span: &Span) -> lsp::Range {
    lsp::Range {
        start: position(text, index, span.start),
        end: position(text, index, span.end.max(span.start)),
    }
}

/// The byte offset of a protocol position. A column past the end of its line means the end
/// of the line (as the protocol says); a line past the end of the text gives `None`.
pub fn offset(text: &str, index: &LineIndex, pos: lsp::Position) -> Option<usize> {
    let line = pos.line as usize;
    if line >= index.line_count() {
        return None;
    }
    let start = index.line_start(line);
    let next = index.line_start(line + 1);
    let end = if next == usize::MAX { text.len() } else { next - 1 };
    let content_end = if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
        end - 1
    } else {
        end
    };
    let mut units = 0u32;
    for (i, c) in text.get(start..content_end)?.char_indices() {
        if units >= pos.character {
            return Some(start + i);
        }
        units += c.len_utf16() as u32;
    }
    Some(content_end)
}

/// The byte span of a protocol range (`None` when it starts past the end of the text).
pub fn span(text: &str, index: &LineIndex, r: lsp::Range) -> Option<Span> {
    let start = offset(text, index, r.start)?;
    let end = offset(text, index, r.end).unwrap_or(text.len()).max(start);
    Some(start..end)
}

/// Applies one `didChange` content change to `text`: a ranged replacement, or the whole text.
pub fn apply_change(text: &mut String, change: lsp::TextDocumentContentChangeEvent) {
    match change.range {
        None => *text = change.text,
        Some(r) => {
            let index = LineIndex::new(text);
            let start = offset(text, &index, r.start).unwrap_or(text.len());
            let end = offset(text, &index, r.end).unwrap_or(text.len()).max(start);
            text.replace_range(start..end, &change.text);
        }
    }
}

/// The documentation link of a diagnostic code (`…/diagnostics.md#e0105`), from the code
/// table; `None` for a code the table does not have.
pub fn code_url(code: &str) -> Option<lsp::Uri> {
    af_diagnostics::Code::lookup(code)?.doc_url().parse().ok()
}

/// A diagnostic in protocol form: code with its documentation link, severity, labels as
/// related information, help appended to the message, tags for unused and revoked.
pub fn diagnostic(uri: &lsp::Uri, snap: &Snapshot, d: &af_diagnostics::Diagnostic) -> lsp::Diagnostic {
    let (text, index) = (snap.text.as_str(), &snap.index);
    let mut message = d.message.clone();
    if let Some(l) = &d.span_label {
        message.push_str(&format!(" ({l})"));
    }
    if let Some(h) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(h);
    }
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .map(|l| lsp::DiagnosticRelatedInformation {
            location: lsp::Location {
                uri: uri.clone(),
                range: range(text, index, &l.span),
            },
            message: l.message.clone(),
        })
        .collect();
    let tags = if d.is(codes::W0102) {
        Some(vec![lsp::DiagnosticTag::UNNECESSARY])
    } else if d.is(codes::W0401) || d.is(codes::W0402) {
        Some(vec![lsp::DiagnosticTag::DEPRECATED])
    } else {
        None
    };
    lsp::Diagnostic {
        range: range(text, index, &d.span),
        severity: Some(match d.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
            Severity::Note => lsp::DiagnosticSeverity::INFORMATION,
        }),
        code: Some(lsp::NumberOrString::String(d.code.to_string())),
        code_description: code_url(d.code).map(|href| lsp::CodeDescription { href }),
        source: Some("afc".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags,
        data: None,
    }
}

/// Every diagnostic of a snapshot in protocol form.
pub fn diagnostics(uri: &lsp::Uri, snap: &Snapshot) -> Vec<lsp::Diagnostic> {
    snap.diagnostics
        .iter()
        .map(|d| diagnostic(uri, snap, d))
        .collect()
}

/// Byte edits as protocol text edits.
pub fn text_edits(snap: &Snapshot, edits: &[Edit]) -> Vec<lsp::TextEdit> {
    edits
        .iter()
        .map(|e| lsp::TextEdit {
            range: range(&snap.text, &snap.index, &e.span),
            new_text: e.replacement.clone(),
        })
        .collect()
}

/// A workspace edit touching one document.
pub fn workspace_edit(uri: &lsp::Uri, snap: &Snapshot, edits: &[Edit]) -> lsp::WorkspaceEdit {
    let mut changes = std::collections::HashMap::new();
    changes.insert(uri.clone(), text_edits(snap, edits));
    lsp::WorkspaceEdit {
        changes: Some(changes),
        document_changes: None,
        change_annotations: None,
    }
}

/// A completion list.
pub fn completions(snap: &Snapshot, c: Completions) -> lsp::CompletionResponse {
    let replace = range(&snap.text, &snap.index, &c.replace);
    let width = c.items.len().to_string().len();
    let items = c
        .items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let new_text = item.insert.unwrap_or_else(|| item.label.clone());
            lsp::CompletionItem {
                kind: Some(match item.kind {
                    ItemKind::Technique | ItemKind::Tactic | ItemKind::AttackObject => {
                        lsp::CompletionItemKind::CONSTANT
                    }
                    ItemKind::Node => lsp::CompletionItemKind::VARIABLE,
                    ItemKind::Key => lsp::CompletionItemKind::PROPERTY,
                    ItemKind::Value => lsp::CompletionItemKind::ENUM_MEMBER,
                    ItemKind::Kind => lsp::CompletionItemKind::CLASS,
                    ItemKind::Snippet => lsp::CompletionItemKind::SNIPPET,
                }),
                detail: item.detail,
                documentation: item.documentation.map(|d| {
                    lsp::Documentation::MarkupContent(lsp::MarkupContent {
                        kind: lsp::MarkupKind::Markdown,
                        value: d,
                    })
                }),
                tags: item.deprecated.then(|| vec![lsp::CompletionItemTag::DEPRECATED]),
                sort_text: Some(format!("{i:0width$}")),
                filter_text: item.filter,
                insert_text_format: Some(if item.snippet {
                    lsp::InsertTextFormat::SNIPPET
                } else {
                    lsp::InsertTextFormat::PLAIN_TEXT
                }),
                text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
                    range: replace,
                    new_text,
                })),
                label: item.label,
                ..lsp::CompletionItem::default()
            }
        })
        .collect();
    lsp::CompletionResponse::List(lsp::CompletionList {
        is_incomplete: false,
        items,
    })
}

/// A document highlight kind.
pub fn highlight_kind(k: HighlightKind) -> lsp::DocumentHighlightKind {
    match k {
        HighlightKind::Write => lsp::DocumentHighlightKind::WRITE,
        HighlightKind::Read => lsp::DocumentHighlightKind::READ,
    }
}

/// A symbol kind.
pub fn symbol_kind(k: Kind) -> lsp::SymbolKind {
    match k {
        Kind::Flow => lsp::SymbolKind::MODULE,
        Kind::Group => lsp::SymbolKind::NAMESPACE,
        Kind::Action => lsp::SymbolKind::FUNCTION,
        Kind::Condition => lsp::SymbolKind::BOOLEAN,
        Kind::Operator => lsp::SymbolKind::OPERATOR,
        Kind::Asset => lsp::SymbolKind::OBJECT,
        Kind::Sdo => lsp::SymbolKind::CLASS,
        Kind::Sco => lsp::SymbolKind::VARIABLE,
        Kind::Sro => lsp::SymbolKind::INTERFACE,
        Kind::Meta => lsp::SymbolKind::CONSTANT,
        Kind::Other => lsp::SymbolKind::STRUCT,
    }
}

/// The outline in protocol form.
pub fn document_symbols(snap: &Snapshot, symbols: Vec<Symbol>) -> Vec<lsp::DocumentSymbol> {
    symbols
        .into_iter()
        .map(|s| {
            let children = (!s.children.is_empty()).then(|| document_symbols(snap, s.children));
            #[allow(deprecated)]
            lsp::DocumentSymbol {
                name: s.name,
                detail: s.detail,
                kind: symbol_kind(s.kind),
                tags: None,
                deprecated: None,
                range: range(&snap.text, &snap.index, &s.span),
                selection_range: range(&snap.text, &snap.index, &s.selection),
                children,
            }
        })
        .collect()
}

/// Folding ranges.
pub fn folds(folds: Vec<Fold>) -> Vec<lsp::FoldingRange> {
    folds
        .into_iter()
        .map(|f| lsp::FoldingRange {
            start_line: f.start_line,
            start_character: None,
            end_line: f.end_line,
            end_character: None,
            kind: Some(match f.kind {
                FoldKind::Region => lsp::FoldingRangeKind::Region,
                FoldKind::Comment => lsp::FoldingRangeKind::Comment,
            }),
            collapsed_text: None,
        })
        .collect()
}

/// The legend announced for semantic tokens.
pub fn semantic_legend() -> lsp::SemanticTokensLegend {
    lsp::SemanticTokensLegend {
        token_types: crate::semantic::TokenType::LEGEND
            .iter()
            .map(|t| lsp::SemanticTokenType::new(t))
            .collect(),
        token_modifiers: crate::semantic::modifiers::LEGEND
            .iter()
            .map(|m| lsp::SemanticTokenModifier::new(m))
            .collect(),
    }
}

/// Semantic tokens, relative-encoded; tokens over several lines are split per line.
pub fn semantic_tokens(snap: &Snapshot, tokens: &[SemanticToken]) -> lsp::SemanticTokens {
    let text = snap.text.as_str();
    let mut data = Vec::with_capacity(tokens.len());
    let (mut prev_line, mut prev_col) = (0u32, 0u32);
    let mut push = |start: usize, end: usize, ty: u32, mods: u32| {
        let Some(piece) = text.get(start..end) else { return };
        let piece = piece.trim_end_matches('\r');
        let length: u32 = piece.chars().map(|c| c.len_utf16() as u32).sum();
        if length == 0 {
            return;
        }
        let (line, col) = snap.index.utf16_position(text, start);
        let delta_line = line - prev_line;
        let delta_start = if delta_line == 0 { col - prev_col } else { col };
        data.push(lsp::SemanticToken {
            delta_line,
            delta_start,
            length,
            token_type: ty,
            token_modifiers_bitset: mods,
        });
        (prev_line, prev_col) = (line, col);
    };
    for t in tokens {
        let ty = t.ty as u32;
        let mut start = t.span.start;
        let Some(body) = text.get(t.span.clone()) else {
            continue;
        };
        for (i, _) in body.match_indices('\n') {
            push(start, t.span.start + i, ty, t.modifiers);
            start = t.span.start + i + 1;
        }
        push(start, t.span.end, ty, t.modifiers);
    }
    lsp::SemanticTokens {
        result_id: None,
        data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_utf16_and_tolerant() {
        let text = "a é😀b\nxy\r\nz";
        let index = LineIndex::new(text);
        let p = |line, character| lsp::Position { line, character };
        // `b` is after a, space, é (1 unit) and 😀 (2 units).
        let b = text.find('b').unwrap_or_default();
        assert_eq!(position(text, &index, b), p(0, 5));
        assert_eq!(offset(text, &index, p(0, 5)), Some(b));
        assert_eq!(offset(text, &index, p(0, 99)), Some(b + 1));
        assert_eq!(offset(text, &index, p(1, 99)), text.find('\r'));
        assert_eq!(offset(text, &index, p(2, 1)), Some(text.len()));
        assert_eq!(offset(text, &index, p(3, 0)), None);
    }

    #[test]
    fn incremental_changes_apply_in_utf16() {
        let mut text = "action é T1566\nx".to_string();
        let r = lsp::Range {
            start: lsp::Position {
                line: 0,
                character: 9,
            },
            end: lsp::Position {
                line: 0,
                character: 14,
            },
        };
        apply_change(
            &mut text,
            lsp::TextDocumentContentChangeEvent {
                range: Some(r),
                range_length: None,
                text: "T1078".into(),
            },
        );
        assert_eq!(text, "action é T1078\nx");
    }

    #[test]
    fn diagnostics_carry_code_links_related_information_and_help() {
        let snap = Snapshot::with_defaults("flow \"F\" { scope: incident }\naction a T1\naction a T1\n");
        let uri: lsp::Uri = "file:///f.af".parse().expect("uri");
        let all = diagnostics(&uri, &snap);
        let dup = all
            .iter()
            .find(|d| d.code == Some(lsp::NumberOrString::String("E0103".into())));
        let dup = dup.expect("E0103 reported");
        assert_eq!(
            dup.code_description.as_ref().map(|c| c.href.as_str().to_string()),
            Some(af_diagnostics::code_doc_url("E0103"))
        );
        let related = dup.related_information.clone().unwrap_or_default();
        assert_eq!(related.len(), 1);
        assert_eq!(
            related[0].location.range.start,
            lsp::Position {
                line: 1,
                character: 7
            }
        );
        assert!(dup.message.contains("\nhelp: "));
    }
}
