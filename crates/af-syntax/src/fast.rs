//! A direct reading of well-formed statements, for speed.
//!
//! The chumsky grammar in [`crate::parser`] is the definition of the language. This module
//! reads only statements that the grammar accepts without any error, and gives exactly the tree
//! the grammar gives for them; on anything else (a missing token, an unterminated string, a
//! region nested too deeply, a form it does not know) it answers `None` and the grammar parses
//! the statement. So it never decides what is an error or how to recover, and the language
//! keeps one meaning: the tests parse every flow of the repository and random token soups
//! both ways and compare the trees, and the `parse` fuzz target does the same on its inputs.
//!
//! Spans follow chumsky's rule: a piece spans from the start of its first token to the end of
//! its last.

use crate::ast::*;
use crate::layout::ParserToken;
use crate::lexer::Token;
use crate::parser;
use crate::strings::literal;

/// The statement made of `tokens` (one statement of the layout), or `None` when it is not a
/// well-formed statement this reader knows; then the grammar must parse it.
pub(crate) fn statement(tokens: &[ParserToken<'_>]) -> Option<Item> {
    let mut r = Reader { tokens, pos: 0 };
    // The same choice as `parser::Statements::parse`: a first word `flow` may be a flow
    // header, a second token `,` `->` or `-[` makes an edge, anything else a node.
    let item = match (tokens.first(), tokens.get(1)) {
        (Some((Token::Word("flow"), _)), _) => r.flow()?,
        (_, Some((Token::Comma | Token::Arrow | Token::LabelOpen, _))) => r.edge()?,
        _ => r.node()?,
    };
    while r.eat(Token::Newline) {}
    (r.pos == tokens.len()).then_some(item)
}

struct Reader<'t, 'a> {
    tokens: &'t [ParserToken<'a>],
    pos: usize,
}

impl<'a> Reader<'_, 'a> {
    fn peek(&self) -> Option<Token<'a>> {
        self.tokens.get(self.pos).map(|(t, _)| *t)
    }

    fn eat(&mut self, t: Token<'_>) -> bool {
        let yes = self.peek() == Some(t);
        self.pos += usize::from(yes);
        yes
    }

    /// The start of the token at `at`.
    fn start(&self, at: usize) -> usize {
        self.tokens[at].1.start
    }

    /// The span from the start of the token at `from` to the end of the last token read.
    fn since(&self, from: usize) -> Span {
        self.start(from)..self.tokens[self.pos - 1].1.end
    }

    fn word(&mut self) -> Option<Ident> {
        match self.tokens.get(self.pos) {
            Some((Token::Word(w), s)) => {
                self.pos += 1;
                Some(Ident {
                    text: SmolStr::new(w),
                    span: s.into_range(),
                })
            }
            _ => None,
        }
    }

    /// A closed string (an unterminated one is left to the grammar, which reports it).
    fn string(&mut self) -> Option<StrLit> {
        let (raw, multiline, span) = match self.tokens.get(self.pos) {
            Some((Token::Str(s), span)) => (*s, false, span),
            Some((Token::TripleStr(s), span)) => (*s, true, span),
            _ => return None,
        };
        self.pos += 1;
        Some(StrLit {
            value: literal(raw, multiline).0,
            multiline,
            span: span.into_range(),
        })
    }

    fn flow(&mut self) -> Option<Item> {
        self.pos += 1;
        let keyword = self.tokens[0].1.into_range();
        let title = self.string();
        let body = self.optional_block()?;
        Some(Item::Flow(FlowDecl {
            keyword,
            title,
            body,
            span: self.since(0),
        }))
    }

    fn node(&mut self) -> Option<Item> {
        let kind = self.word()?;
        let name = self.word();
        let word = self.word();
        let title = self.string();
        let body = self.optional_block()?;
        Some(Item::Node(NodeDecl {
            kind,
            name,
            word,
            title,
            body,
            span: self.since(0),
            recovered: false,
        }))
    }

    fn edge(&mut self) -> Option<Item> {
        // Most edge statements are `a -> b`: room for that, without regrowing.
        let mut groups = Vec::with_capacity(2);
        groups.push(self.names()?);
        let mut arrows = Vec::with_capacity(1);
        while let Some(arrow) = self.arrow()? {
            arrows.push(arrow);
            groups.push(self.names()?);
        }
        if arrows.is_empty() {
            return None;
        }
        let body = self.optional_block()?;
        Some(Item::Edge(EdgeStmt {
            groups,
            arrows,
            body,
            span: self.since(0),
        }))
    }

    /// `a, b, c`: at least one name.
    fn names(&mut self) -> Option<Vec<Ident>> {
        let mut names = vec![self.word()?];
        while self.eat(Token::Comma) {
            names.push(self.word()?);
        }
        Some(names)
    }

    /// `Some(None)` when no arrow starts here, `None` for a broken labelled arrow.
    fn arrow(&mut self) -> Option<Option<Arrow>> {
        let from = self.pos;
        match self.peek() {
            Some(Token::Arrow) => {
                self.pos += 1;
                Some(Some(Arrow {
                    label: None,
                    span: self.since(from),
                }))
            }
            Some(Token::LabelOpen) => {
                self.pos += 1;
                let label = self.word()?;
                (self.eat(Token::RBracket) && self.eat(Token::Arrow)).then(|| {
                    Some(Arrow {
                        label: Some(label),
                        span: self.since(from),
                    })
                })
            }
            _ => Some(None),
        }
    }

    /// `Some(None)` when no block starts here, `None` for a block that is not well formed.
    fn optional_block(&mut self) -> Option<Option<Block>> {
        if self.peek() == Some(Token::LBrace) {
            self.block().map(Some)
        } else {
            Some(None)
        }
    }

    fn block(&mut self) -> Option<Block> {
        let from = self.pos;
        if !self.eat(Token::LBrace) {
            return None;
        }
        let mut entries = Vec::new();
        loop {
            match self.peek()? {
                Token::Newline | Token::Comma => self.pos += 1,
                Token::RBrace => {
                    self.pos += 1;
                    return Some(Block {
                        entries,
                        span: self.since(from),
                    });
                }
                _ => entries.push(self.property()?),
            }
        }
    }

    fn property(&mut self) -> Option<Property> {
        let from = self.pos;
        let key = match self.word() {
            Some(w) => Key {
                text: w.text,
                quoted: false,
                span: w.span,
            },
            None => {
                let s = self.string()?;
                Key {
                    text: SmolStr::from(s.value),
                    quoted: true,
                    span: s.span,
                }
            }
        };
        if !self.eat(Token::Colon) {
            return None;
        }
        let value = self.value()?;
        let span = self.since(from);
        // The grammar looks at, without taking, what ends the property.
        matches!(self.peek()?, Token::Newline | Token::Comma | Token::RBrace).then_some(Property {
            key,
            value: Some(value),
            span,
        })
    }

    fn value(&mut self) -> Option<Value> {
        let from = self.pos;
        let kind = match self.peek()? {
            Token::Str(_) | Token::TripleStr(_) => ValueKind::Str(self.string()?),
            Token::LBracket => return self.list(),
            Token::LBrace => {
                let block = self.block()?;
                return Some(Value {
                    span: block.span.clone(),
                    kind: ValueKind::Map(block),
                });
            }
            t => {
                let kind = parser::scalar(t)?;
                self.pos += 1;
                kind
            }
        };
        let scalar = Value {
            kind,
            span: self.since(from),
        };
        // A scalar followed by a block is a titled value.
        Some(match self.optional_block()? {
            Some(block) => Value {
                kind: ValueKind::Titled(Box::new(scalar), block),
                span: self.since(from),
            },
            None => scalar,
        })
    }

    /// `[a, b, c]`, with an optional trailing comma.
    fn list(&mut self) -> Option<Value> {
        let from = self.pos;
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            if self.eat(Token::RBracket) {
                break;
            }
            items.push(self.value()?);
            if !self.eat(Token::Comma) {
                if !self.eat(Token::RBracket) {
                    return None;
                }
                break;
            }
        }
        Some(Value {
            kind: ValueKind::List(items),
            span: self.since(from),
        })
    }
}
