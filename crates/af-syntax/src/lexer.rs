//! Tokens of the flow language (logos), with comments split off as trivia.

use logos::Logos;
use std::fmt;

/// A token. Payloads borrow from the source.
#[derive(Logos, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[logos(skip r"[ \t\f\u{feff}]+")]
pub enum Token<'a> {
    #[regex(r"#[^\r\n]*")]
    Comment(&'a str),
    /// A line break: `\n`, `\r\n`, or a lone `\r` (as old Mac files end their lines).
    #[token("\n")]
    #[token("\r\n")]
    #[token("\r")]
    Newline,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token(":")]
    Colon,
    #[token(",")]
    Comma,
    #[token("->")]
    Arrow,
    /// `-[`, the start of a labelled arrow `-[label]->`.
    #[token("-[")]
    LabelOpen,
    /// A `"…"` string, quotes included, escapes not yet decoded.
    #[regex(r#""([^"\\\r\n]|\\[^\r\n])*""#)]
    Str(&'a str),
    /// A `"""…"""` string, quotes included.
    #[token(r#"""""#, lex_triple)]
    TripleStr(&'a str),
    /// A string that reaches the end of its line (or file) without a closing quote.
    #[regex(r#""([^"\\\r\n]|\\[^\r\n])*\\?"#, priority = 1)]
    UnterminatedStr(&'a str),
    #[regex(r"-?[0-9]+", priority = 3)]
    Int(&'a str),
    #[regex(r"-?[0-9]+\.[0-9]+([eE][+-]?[0-9]+)?")]
    Float(&'a str),
    /// Anything shaped like a date or timestamp; checked later.
    #[regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt][0-9:.]*([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)?)?")]
    Timestamp(&'a str),
    /// Names, kinds, keys, enum values, technique and tactic ids: letters, digits, `_`, `-`
    /// and `.`, starting with a letter or `_` and not ending with `-` or `.`.
    #[regex(r"[A-Za-z_][A-Za-z0-9_]*", lex_word)]
    Word(&'a str),
    /// A region dropped because it nests too deeply (see [`crate::MAX_DEPTH`]).
    TooDeep,
    /// A character the language does not use.
    Error(&'a str),
}

/// Extends a word over `-` and `.` when a letter, digit or `_` follows, so `a-b.c` is one
/// word while `a->b` and `a-[x]->b` are not.
fn lex_word<'a>(lex: &mut logos::Lexer<'a, Token<'a>>) -> &'a str {
    let rest = lex.remainder().as_bytes();
    let mut n = 0;
    while n + 1 < rest.len() && matches!(rest[n], b'-' | b'.') && is_word_byte(rest[n + 1]) {
        n += 1;
        while n < rest.len() && is_word_byte(rest[n]) {
            n += 1;
        }
    }
    lex.bump(n);
    lex.slice()
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn lex_triple<'a>(lex: &mut logos::Lexer<'a, Token<'a>>) -> Result<&'a str, ()> {
    let rest = lex.remainder();
    match rest.find(r#"""""#) {
        Some(end) => {
            // `""""` closes with the first three quotes that are followed by no further quote,
            // so a string may end in a quote character: """say "hi""""
            let mut end = end;
            while rest[end + 3..].starts_with('"') {
                end += 1;
            }
            lex.bump(end + 3);
            Ok(lex.slice())
        }
        None => {
            lex.bump(rest.len());
            Err(())
        }
    }
}

impl fmt::Display for Token<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Comment(_) => f.write_str("a comment"),
            Token::Newline => f.write_str("end of line"),
            Token::LBrace => f.write_str("`{`"),
            Token::RBrace => f.write_str("`}`"),
            Token::LBracket => f.write_str("`[`"),
            Token::RBracket => f.write_str("`]`"),
            Token::Colon => f.write_str("`:`"),
            Token::Comma => f.write_str("`,`"),
            Token::Arrow => f.write_str("`->`"),
            Token::LabelOpen => f.write_str("`-[`"),
            Token::Str(_) | Token::TripleStr(_) => f.write_str("a string"),
            Token::UnterminatedStr(_) => f.write_str("an unterminated string"),
            Token::Int(s) | Token::Float(s) => write!(f, "number `{s}`"),
            Token::Timestamp(s) => write!(f, "timestamp `{s}`"),
            Token::Word(s) => write!(f, "`{s}`"),
            Token::TooDeep => f.write_str("a too deeply nested value"),
            Token::Error(s) => write!(f, "`{s}`"),
        }
    }
}

/// A lexed token with its byte span.
pub type Spanned<'a> = (Token<'a>, std::ops::Range<usize>);

/// Splits `source` into tokens and comments. Characters the lexer cannot read become
/// [`Token::Error`]; an unterminated `"""` string becomes [`Token::UnterminatedStr`].
pub fn lex(source: &str) -> (Vec<Spanned<'_>>, Vec<Spanned<'_>>) {
    let mut tokens = Vec::with_capacity(source.len() / 4);
    let mut comments = Vec::new();
    let mut lexer = Token::lexer(source);
    while let Some(result) = lexer.next() {
        let span = lexer.span();
        match result {
            Ok(t @ Token::Comment(_)) => comments.push((t, span)),
            Ok(t) => tokens.push((t, span)),
            Err(()) => {
                let text = &source[span.clone()];
                if text.starts_with(r#"""""#) {
                    tokens.push((Token::UnterminatedStr(text), span));
                } else {
                    tokens.push((Token::Error(text), span));
                }
            }
        }
    }
    (tokens, comments)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Token<'_>> {
        lex(src).0.into_iter().map(|(t, _)| t).collect()
    }

    #[test]
    fn arrows_and_words() {
        assert_eq!(
            kinds("a->b -[related-to]-> c-d"),
            vec![
                Token::Word("a"),
                Token::Arrow,
                Token::Word("b"),
                Token::LabelOpen,
                Token::Word("related-to"),
                Token::RBracket,
                Token::Arrow,
                Token::Word("c-d"),
            ]
        );
    }

    #[test]
    fn literals() {
        assert_eq!(
            kinds(r#"T1566.001 AML.T0051 -5 2.5 2026-03-02T14:00:00Z "a\"b" """x""""#),
            vec![
                Token::Word("T1566.001"),
                Token::Word("AML.T0051"),
                Token::Int("-5"),
                Token::Float("2.5"),
                Token::Timestamp("2026-03-02T14:00:00Z"),
                Token::Str(r#""a\"b""#),
                Token::TripleStr(r#""""x""""#),
            ]
        );
    }

    #[test]
    fn unterminated_and_errors() {
        assert_eq!(
            kinds("\"abc\nx"),
            vec![Token::UnterminatedStr("\"abc"), Token::Newline, Token::Word("x")]
        );
        assert_eq!(kinds("\"\"\"abc"), vec![Token::UnterminatedStr("\"\"\"abc")]);
        assert_eq!(
            kinds("a ; b"),
            vec![Token::Word("a"), Token::Error(";"), Token::Word("b")]
        );
    }

    #[test]
    fn every_line_ending_is_a_newline() {
        for src in ["a\nb", "a\r\nb", "a\rb"] {
            assert_eq!(
                kinds(src),
                vec![Token::Word("a"), Token::Newline, Token::Word("b")],
                "{src:?}"
            );
        }
        assert_eq!(
            kinds("\"x\ry # c\rz"),
            vec![
                Token::UnterminatedStr("\"x"),
                Token::Newline,
                Token::Word("y"),
                Token::Newline,
                Token::Word("z"),
            ]
        );
    }

    #[test]
    fn comments_are_trivia() {
        let (t, c) = lex("a # hi\nb");
        assert_eq!(t.len(), 3);
        assert_eq!(c, vec![(Token::Comment("# hi"), 2..6)]);
    }
}
