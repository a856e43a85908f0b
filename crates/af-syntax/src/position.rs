//! Questions about a position in a text, for editors: which statement starts last before it,
//! and what the layout pass sees of the statement being written there (its tokens and the
//! delimiters still open). The language server asks these instead of splitting statements
//! itself, so a half-typed statement is cut exactly as the parser cuts it.

use crate::ast::{File, Span};
use crate::layout;
use crate::lexer::{lex, Token};

/// A delimiter open at a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delim {
    /// `{`: a block of properties.
    Brace,
    /// `[`: a list.
    Bracket,
    /// `-[`: an arrow label.
    Label,
}

/// The statement being written at a position, as the layout pass sees the text before it.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor<'a> {
    /// The statement's tokens before the position, with byte spans in the whole text. Line
    /// breaks that separate properties in a block stay as [`Token::Newline`]; those the
    /// layout pass ignores (inside lists, after `,` `->` `:` `{`) are left out.
    pub tokens: Vec<(Token<'a>, Span)>,
    /// The delimiters open at the position, innermost last, each with its index in `tokens`.
    pub open: Vec<(Delim, usize)>,
}

/// The index in [`File::items`] of the last statement that starts at or before `offset`.
pub fn item_before(file: &File, offset: usize) -> Option<usize> {
    file.items
        .partition_point(|it| it.span().start <= offset)
        .checked_sub(1)
}

/// The statement being written at byte `offset` of `source` (whose parsed tree is `file`);
/// `None` when the position is inside a comment or an unterminated string, where nothing of
/// the language is being written.
pub fn statement_before<'a>(source: &'a str, file: &File, offset: usize) -> Option<Cursor<'a>> {
    // The layout pass starts afresh at every statement: lexing from the start of the last
    // statement the parser saw is enough.
    let from = item_before(file, offset)
        .map_or(0, |i| file.items[i].span().start)
        .min(offset);
    let slice = source.get(from..offset)?;
    let (raw, comments) = lex(slice);
    if comments.last().is_some_and(|(_, s)| s.end == slice.len()) {
        return None;
    }
    if let Some((Token::UnterminatedStr(_), _)) = raw.last() {
        return None;
    }
    let (tokens, start, open) = layout::prefix(&raw);
    let tokens: Vec<(Token<'a>, Span)> = tokens[start..]
        .iter()
        .map(|(t, s)| (*t, s.start + from..s.end + from))
        .collect();
    let open = open
        .into_iter()
        .filter(|(_, at)| *at >= start)
        .map(|(t, at)| {
            let d = match t {
                Token::LBrace => Delim::Brace,
                Token::LBracket => Delim::Bracket,
                _ => Delim::Label,
            };
            (d, at - start)
        })
        .collect();
    Some(Cursor { tokens, open })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cursor(src: &str) -> Option<(Vec<String>, Vec<Delim>)> {
        let parsed = crate::parse(src);
        statement_before(src, &parsed.file, src.len()).map(|c| {
            let toks = c.tokens.iter().map(|(t, _)| t.to_string()).collect();
            (toks, c.open.iter().map(|(d, _)| *d).collect())
        })
    }

    #[test]
    fn the_statement_being_written() {
        let (toks, open) =
            cursor("flow \"F\" { scope: incident }\naction a T1 {\n  tactic: TA0001\n  ").unwrap_or_default();
        assert_eq!(open, [Delim::Brace]);
        assert_eq!(toks.first().map(String::as_str), Some("`action`"), "{toks:?}");
        assert!(toks.iter().any(|t| t == "end of line"), "{toks:?}");
        let (toks, open) = cursor("a -> b\n").unwrap_or_default();
        assert!(toks.is_empty() && open.is_empty(), "{toks:?}");
        let (toks, _) = cursor("a\n  -> ").unwrap_or_default();
        assert_eq!(toks.len(), 2, "{toks:?}");
        let (_, open) = cursor("a, b -[").unwrap_or_default();
        assert_eq!(open, [Delim::Label]);
        let (_, open) = cursor("action a T1 { asset_refs: [x,\n  ").unwrap_or_default();
        assert_eq!(open, [Delim::Brace, Delim::Bracket]);
    }

    #[test]
    fn nothing_in_comments_and_strings() {
        assert_eq!(cursor("# action x "), None);
        assert_eq!(cursor("action a \"Tit"), None);
    }

    #[test]
    fn a_column_zero_word_closes_open_blocks() {
        let (toks, open) = cursor("action a T1 {\n  tactic: TA0001\nasset h ").unwrap_or_default();
        assert!(open.is_empty(), "{open:?}");
        assert_eq!(toks.first().map(String::as_str), Some("`asset`"), "{toks:?}");
    }
}
