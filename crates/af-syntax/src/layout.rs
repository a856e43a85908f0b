//! The layout pass: decides which newlines matter and cuts the token stream into statements.
//!
//! Newlines end statements at the top level and separate properties inside `{ }`; inside
//! `[ ]` and after `,` `->` `:` `{` (or before `->`, `-[`, `{`) they are only whitespace.
//! Delimiters are balanced here, so each statement can be parsed on its own and one broken
//! statement never hides the next: an unmatched closer is dropped with a diagnostic, and a
//! block left open is closed when a line starts at column 0 with something that is not a
//! property (or at the end of the file).

use crate::lexer::{Spanned, Token};
use crate::MAX_DEPTH;
use af_diagnostics::codes;
use af_diagnostics::Diagnostic;
use chumsky::span::SimpleSpan;
use std::ops::Range;

/// A token as the parser takes it.
pub type ParserToken<'a> = (Token<'a>, SimpleSpan);

/// The filtered tokens (with the parser's span type) and the index ranges of each statement
/// in them.
pub struct Layout<'a> {
    pub tokens: Vec<ParserToken<'a>>,
    pub statements: Vec<Range<usize>>,
}

fn closer_for(open: Token<'_>) -> Token<'static> {
    match open {
        Token::LBrace => Token::RBrace,
        _ => Token::RBracket,
    }
}

pub fn layout<'a>(tokens: &[Spanned<'a>], diags: &mut Vec<Diagnostic>) -> Layout<'a> {
    run(tokens, diags, true).0
}

/// The layout of the text before a position: the filtered tokens, where the last statement
/// starts in them, and the delimiters still open at the end (each with its index in the
/// tokens), left open rather than closed as at the end of a file.
pub(crate) fn prefix<'a>(tokens: &[Spanned<'a>]) -> (Vec<ParserToken<'a>>, usize, Vec<(Token<'a>, usize)>) {
    let (lay, open, start) = run(tokens, &mut Vec::new(), false);
    (lay.tokens, start, open)
}

/// The layout pass; with `close` (a whole file), delimiters left open are closed at the end,
/// else they are returned open.
fn run<'a>(
    tokens: &[Spanned<'a>],
    diags: &mut Vec<Diagnostic>,
    close: bool,
) -> (Layout<'a>, Vec<(Token<'a>, usize)>, usize) {
    let mut out: Vec<ParserToken<'a>> = Vec::with_capacity(tokens.len());
    let mut statements = Vec::new();
    // Open delimiters: the token, its span, its index in `out`.
    let mut stack: Vec<(Token<'a>, Range<usize>, usize)> = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < tokens.len() {
        let (tok, span) = (tokens[i].0, tokens[i].1.clone());
        i += 1;
        match tok {
            Token::Newline => {
                if matches!(stack.last(), Some((Token::LBracket | Token::LabelOpen, _, _))) {
                    continue;
                }
                let prev = (out.len() > start).then(|| out[out.len() - 1].0);
                let Some(prev) = prev else { continue };
                if matches!(
                    prev,
                    Token::Comma
                        | Token::Arrow
                        | Token::LabelOpen
                        | Token::Colon
                        | Token::LBrace
                        | Token::Newline
                ) {
                    continue;
                }
                let next = tokens[i..]
                    .iter()
                    .position(|(t, _)| *t != Token::Newline)
                    .map(|p| i + p);
                let next_tok = next.map(|n| tokens[n].0);
                if matches!(next_tok, Some(Token::Arrow | Token::LabelOpen | Token::LBrace)) {
                    continue;
                }
                if stack.is_empty() {
                    statements.push(start..out.len());
                    start = out.len();
                    continue;
                }
                // Inside a block: a line at column 0 that is not `key:` or a closer starts a
                // new statement, so the block was left open.
                if let Some(n) = next {
                    let at_col0 =
                        tokens[n - 1].0 == Token::Newline && tokens[n].1.start == tokens[n - 1].1.end;
                    let is_prop = matches!(tokens[n].0, Token::Word(_) | Token::Str(_))
                        && tokens.get(n + 1).is_some_and(|(t, _)| *t == Token::Colon);
                    let is_closer = matches!(tokens[n].0, Token::RBrace | Token::RBracket);
                    if at_col0 && !is_prop && !is_closer {
                        close_all(&mut stack, &mut out, span.start, diags);
                        statements.push(start..out.len());
                        start = out.len();
                        continue;
                    }
                }
                out.push((tok, span.into()));
            }
            Token::LBrace | Token::LBracket | Token::LabelOpen => {
                if stack.len() >= MAX_DEPTH {
                    // Drop everything up to the matching closer and stand in one token for it.
                    let mut depth = 1usize;
                    let mut end = span.end;
                    while i < tokens.len() && depth > 0 {
                        match tokens[i].0 {
                            Token::LBrace | Token::LBracket | Token::LabelOpen => depth += 1,
                            Token::RBrace | Token::RBracket => depth -= 1,
                            _ => {}
                        }
                        end = tokens[i].1.end;
                        i += 1;
                    }
                    diags.push(
                        Diagnostic::new(
                            codes::E0005,
                            span.start..end,
                            format!("values nest more than {MAX_DEPTH} levels deep"),
                        )
                        .with_span_label("this value was skipped")
                        .with_help("flatten the value; STIX objects never need this much nesting"),
                    );
                    out.push((Token::TooDeep, (span.start..end).into()));
                    continue;
                }
                stack.push((tok, span.clone(), out.len()));
                out.push((tok, span.into()));
            }
            Token::RBrace | Token::RBracket => match stack.last() {
                Some((open, _, _)) if closer_for(*open) == tok => {
                    stack.pop();
                    out.push((tok, span.into()));
                }
                Some((_, open_span, _)) => {
                    diags.push(
                        Diagnostic::new(
                            codes::E0004,
                            span.clone(),
                            format!("{tok} does not close the open delimiter"),
                        )
                        .with_label(open_span.clone(), "this delimiter is still open")
                        .with_help("remove it or close the inner delimiter first"),
                    );
                }
                None => {
                    diags.push(
                        Diagnostic::new(codes::E0004, span.clone(), format!("unmatched {tok}"))
                            .with_span_label("nothing is open here")
                            .with_help("remove it, or add the opening delimiter"),
                    );
                }
            },
            _ => out.push((tok, span.into())),
        }
    }
    let end = tokens.last().map_or(0, |(_, s)| s.end);
    let open = if close {
        close_all(&mut stack, &mut out, end, diags);
        Vec::new()
    } else {
        stack.iter().map(|(t, _, at)| (*t, *at)).collect()
    };
    let last_start = start;
    if out.len() > start {
        statements.push(start..out.len());
    }
    // A trailing newline inside a statement (e.g. before a synthetic closer) is harmless.
    (
        Layout {
            tokens: out,
            statements,
        },
        open,
        last_start,
    )
}

fn close_all<'a>(
    stack: &mut Vec<(Token<'a>, Range<usize>, usize)>,
    out: &mut Vec<ParserToken<'a>>,
    at: usize,
    diags: &mut Vec<Diagnostic>,
) {
    if let Some((open, open_span, _)) = stack.first() {
        let what = if *open == Token::LBrace { "block" } else { "list" };
        diags.push(
            Diagnostic::new(
                codes::E0004,
                open_span.clone(),
                format!("this {what} is never closed"),
            )
            .with_label(at..at, format!("expected {} before here", closer_for(*open)))
            .with_help(format!("add {} to close it", closer_for(*open))),
        );
    }
    while let Some((open, _, _)) = stack.pop() {
        out.push((closer_for(open), (at..at).into()));
    }
}
