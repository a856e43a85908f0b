//! The chumsky grammar of one statement, with error recovery inside blocks and lists.

use crate::ast::*;
use crate::layout::ParserToken;
use crate::lexer::Token;
use crate::strings::literal;
use chumsky::extra::ParserExtra;
use chumsky::input::ValueInput;
use chumsky::label::LabelError;
use chumsky::prelude::*;
use chumsky::Boxed;
use chumsky::DefaultExpected;

/// The labels the grammar attaches: any error type that takes them works, so the same grammar
/// runs with the cheap `EmptyErr` first and with `Rich` errors when a statement is broken.
pub(crate) trait Labels<'a, I: ValueInput<'a, Token = Token<'a>, Span = SimpleSpan>>:
    LabelError<'a, I, &'static str> + LabelError<'a, I, DefaultExpected<'a, Token<'a>>>
{
}

impl<'a, I, T> Labels<'a, I> for T
where
    I: ValueInput<'a, Token = Token<'a>, Span = SimpleSpan>,
    T: LabelError<'a, I, &'static str> + LabelError<'a, I, DefaultExpected<'a, Token<'a>>>,
{
}

fn sp(s: SimpleSpan) -> Span {
    s.into_range()
}

fn string_lit<'a, I, E>() -> impl Parser<'a, I, StrLit, E> + Clone
where
    I: ValueInput<'a, Token = Token<'a>, Span = SimpleSpan>,
    E: ParserExtra<'a, I> + 'a,
    E::Error: Labels<'a, I>,
{
    select! {
        Token::Str(s) = e => (s, false, e.span()),
        Token::TripleStr(s) = e => (s, true, e.span()),
        Token::UnterminatedStr(s) = e => (s, s.starts_with(r#"""""#), e.span()),
    }
    // Escape errors are reported by a pass over the tokens (see `crate::parse`), so the grammar
    // only decodes.
    .map(|(raw, multiline, span): (&str, bool, SimpleSpan)| StrLit {
        value: literal(raw, multiline).0,
        multiline,
        span: sp(span),
    })
    .labelled("a string")
}

/// The value a scalar token stands for (a number, a timestamp, `true`/`false`, a word); `None`
/// for any other token. The grammar and the direct reader of `crate::fast` both use it.
pub(crate) fn scalar(t: Token<'_>) -> Option<ValueKind> {
    Some(match t {
        Token::Int(s) => ValueKind::Int(SmolStr::new(s)),
        Token::Float(s) => ValueKind::Float(SmolStr::new(s)),
        Token::Timestamp(s) => ValueKind::Timestamp(SmolStr::new(s)),
        Token::Word("true") => ValueKind::Bool(true),
        Token::Word("false") => ValueKind::Bool(false),
        Token::Word(w) => ValueKind::Word(SmolStr::new(w)),
        _ => return None,
    })
}

fn ident<'a, I, E>() -> impl Parser<'a, I, Ident, E> + Clone
where
    I: ValueInput<'a, Token = Token<'a>, Span = SimpleSpan>,
    E: ParserExtra<'a, I> + 'a,
    E::Error: Labels<'a, I>,
{
    select! { Token::Word(w) = e => Ident { text: SmolStr::new(w), span: sp(e.span()) } }.labelled("a name")
}

fn block<'a, I, E>(value: impl Parser<'a, I, Value, E> + Clone + 'a) -> impl Parser<'a, I, Block, E> + Clone
where
    I: ValueInput<'a, Token = Token<'a>, Span = SimpleSpan>,
    E: ParserExtra<'a, I> + 'a,
    E::Error: Labels<'a, I>,
{
    let key = choice((
        select! { Token::Word(w) = e => Key { text: SmolStr::new(w), quoted: false, span: sp(e.span()) } },
        string_lit().map(|s| Key {
            text: SmolStr::from(s.value),
            quoted: true,
            span: s.span,
        }),
    ))
    .labelled("a property name");
    let stop = one_of([Token::Newline, Token::Comma, Token::RBrace]);
    let bad_value = none_of([Token::Newline, Token::Comma, Token::RBrace])
        .repeated()
        .map_with(|_, e| Value {
            kind: ValueKind::Error,
            span: sp(e.span()),
        });
    let property = key
        .then_ignore(just(Token::Colon))
        .then(value.labelled("a value").recover_with(via_parser(bad_value)))
        .then_ignore(stop.rewind().labelled("end of line").ignored().or(end()))
        .map_with(|(key, value), e| {
            let value = (value.kind != ValueKind::Error).then_some(value);
            Some(Property {
                key,
                value,
                span: sp(e.span()),
            })
        })
        .recover_with(via_parser(
            none_of([Token::Newline, Token::Comma, Token::RBrace])
                .repeated()
                .at_least(1)
                .to(None),
        ));
    let sep = one_of([Token::Newline, Token::Comma]).ignored();
    choice((property, sep.to(None)))
        .repeated()
        .collect::<Vec<_>>()
        .delimited_by(just(Token::LBrace), just(Token::RBrace))
        .map_with(|entries, e| Block {
            entries: entries.into_iter().flatten().collect(),
            span: sp(e.span()),
        })
        .labelled("a block")
}

fn value<'a, I, E>() -> impl Parser<'a, I, Value, E> + Clone
where
    I: ValueInput<'a, Token = Token<'a>, Span = SimpleSpan>,
    E: ParserExtra<'a, I> + 'a,
    E::Error: Labels<'a, I>,
{
    recursive(|value| {
        let map = block(value.clone());
        let scalar = choice((
            string_lit().map(ValueKind::Str),
            chumsky::primitive::select(|t, _| match t {
                Token::TooDeep | Token::Error(_) => Some(ValueKind::Error),
                t => scalar(t),
            }),
        ))
        .map_with(|kind, e| Value {
            kind,
            span: sp(e.span()),
        })
        .then(map.clone().or_not())
        .map_with(|(v, b), e| match b {
            Some(b) => Value {
                kind: ValueKind::Titled(Box::new(v), b),
                span: sp(e.span()),
            },
            None => v,
        });
        let list = value
            .separated_by(just(Token::Comma))
            .allow_trailing()
            .collect::<Vec<_>>()
            .delimited_by(just(Token::LBracket), just(Token::RBracket))
            .map(ValueKind::List)
            .recover_with(via_parser(nested_delimiters(
                Token::LBracket,
                Token::RBracket,
                [(Token::LBrace, Token::RBrace)],
                |_| ValueKind::Error,
            )))
            .map_with(|kind, e| Value {
                kind,
                span: sp(e.span()),
            });
        choice((
            scalar,
            list,
            map.map_with(|b, e| Value {
                kind: ValueKind::Map(b),
                span: sp(e.span()),
            }),
        ))
        .labelled("a value")
    })
}

/// The parsers of the three statement forms: a flow header, an edge statement and a node
/// declaration.
#[allow(clippy::type_complexity)]
fn statement_forms<'a, I, E>() -> (
    impl Parser<'a, I, Item, E> + Clone,
    impl Parser<'a, I, Item, E> + Clone,
    impl Parser<'a, I, Item, E> + Clone,
)
where
    I: ValueInput<'a, Token = Token<'a>, Span = SimpleSpan>,
    E: ParserExtra<'a, I> + 'a,
    E::Error: Labels<'a, I>,
{
    let value = value();
    let body = block(value.clone()).or_not();
    let flow = just(Token::Word("flow"))
        .map_with(|_, e| sp(e.span()))
        .then(string_lit().or_not())
        .then(body.clone())
        .map_with(|((keyword, title), body), e| {
            Item::Flow(FlowDecl {
                keyword,
                title,
                body,
                span: sp(e.span()),
            })
        });
    let names = ident()
        .separated_by(just(Token::Comma))
        .at_least(1)
        .collect::<Vec<_>>();
    let arrow = choice((
        just(Token::Arrow).map_with(|_, e| Arrow {
            label: None,
            span: sp(e.span()),
        }),
        just(Token::LabelOpen)
            .ignore_then(
                select! { Token::Word(w) = e => Ident { text: SmolStr::new(w), span: sp(e.span()) } }
                    .labelled("a relationship type or `false`"),
            )
            .then_ignore(just(Token::RBracket))
            .then_ignore(just(Token::Arrow))
            .map_with(|label, e| Arrow {
                label: Some(label),
                span: sp(e.span()),
            }),
    ))
    .labelled("`->`");
    let edge = names
        .clone()
        .then(arrow.then(names).repeated().at_least(1).collect::<Vec<_>>())
        .then(body.clone())
        .map_with(|((first, rest), body), e| {
            let mut groups = vec![first];
            let mut arrows = Vec::with_capacity(rest.len());
            for (a, g) in rest {
                arrows.push(a);
                groups.push(g);
            }
            Item::Edge(EdgeStmt {
                groups,
                arrows,
                body,
                span: sp(e.span()),
            })
        });
    let node = ident()
        .labelled("a node kind")
        .then(ident().or_not())
        .then(ident().labelled("a technique id or operator").or_not())
        .then(string_lit().or_not())
        .then(body)
        .map_with(|((((kind, name), word), title), body), e| {
            Item::Node(NodeDecl {
                kind,
                name,
                word,
                title,
                body,
                span: sp(e.span()),
                recovered: false,
            })
        });
    (flow, edge, node)
}

/// `form` followed by the end of the statement.
fn to_end<'a, I, E>(form: impl Parser<'a, I, Item, E> + Clone) -> impl Parser<'a, I, Item, E> + Clone
where
    I: ValueInput<'a, Token = Token<'a>, Span = SimpleSpan>,
    E: ParserExtra<'a, I> + 'a,
    E::Error: Labels<'a, I>,
{
    form.then_ignore(just(Token::Newline).repeated())
        .then_ignore(end())
}

/// The parser of one statement (a flow header, a node declaration or an edge statement).
pub(crate) fn statement<'a, I, E>() -> impl Parser<'a, I, Item, E> + Clone
where
    I: ValueInput<'a, Token = Token<'a>, Span = SimpleSpan>,
    E: ParserExtra<'a, I> + 'a,
    E::Error: Labels<'a, I>,
{
    let (flow, edge, node) = statement_forms();
    to_end(choice((flow, edge, node)))
}

/// The statement parser that picks the form from the first tokens: a second token `,` `->`
/// or `-[` makes an edge statement, a first token `flow` may be a flow header (the whole
/// grammar decides), and anything else is a node declaration. For input that parses, this
/// gives exactly what [`statement`] gives, without trying the other forms first.
pub(crate) struct Statements<'a, I, E>
where
    I: ValueInput<'a, Token = Token<'a>, Span = SimpleSpan>,
    E: ParserExtra<'a, I> + 'a,
{
    any: Boxed<'a, 'a, I, Item, E>,
    edge: Boxed<'a, 'a, I, Item, E>,
    node: Boxed<'a, 'a, I, Item, E>,
}

impl<'a, I, E> Statements<'a, I, E>
where
    I: ValueInput<'a, Token = Token<'a>, Span = SimpleSpan> + 'a,
    E: ParserExtra<'a, I> + 'a,
    E::Error: Labels<'a, I>,
    E::State: Default,
    E::Context: Default,
{
    pub(crate) fn new() -> Self {
        let (_, edge, node) = statement_forms();
        Statements {
            any: statement().boxed(),
            edge: to_end(edge).boxed(),
            node: to_end(node).boxed(),
        }
    }

    /// Parses the statement whose tokens are `tokens` (given again as parser input); the
    /// flag is true when there were errors.
    pub(crate) fn parse(&self, tokens: &[ParserToken<'_>], input: I) -> (Option<Item>, bool) {
        let parser = match (tokens.first(), tokens.get(1)) {
            (Some((Token::Word("flow"), _)), _) => &self.any,
            (_, Some((Token::Comma | Token::Arrow | Token::LabelOpen, _))) => &self.edge,
            _ => &self.node,
        };
        let (item, errors) = parser.parse(input).into_output_errors();
        (item, !errors.is_empty())
    }
}
