//! What can still be read of a node declaration that failed to parse, so that one syntax error
//! does not hide a declaration from the rest of the file (every later use of the name would
//! otherwise be "not declared").

use crate::ast::{Ident, Item, NodeDecl, SmolStr};
use crate::layout::ParserToken;
use crate::lexer::Token;
use af_diagnostics::{codes, Applicability, Diagnostic, Fix};

/// A node declaration holding only the kind and the name of a statement that failed to parse,
/// when it starts with two words (`KIND NAME …`, not a flow header or an edge). `errors` are
/// the statement's diagnostics: when a technique id or operator follows the title, its E0001
/// says where the word goes and offers to move it.
pub(crate) fn declaration(tokens: &[ParserToken<'_>], errors: &mut [Diagnostic]) -> Option<Item> {
    let [(Token::Word(kind), kind_span), (Token::Word(name), name_span), rest @ ..] = tokens else {
        return None;
    };
    if *kind == "flow" {
        return None;
    }
    if let Some((title, title_span, word, word_span)) = word_after_title(rest) {
        let moved = format!("{word} {title}");
        let written = format!("{kind} {name} {moved}");
        for d in errors.iter_mut().filter(|d| d.is(codes::E0001)) {
            d.help = Some(format!(
                "a technique id or operator comes before the title: `{written}`"
            ));
            // The same words in the one order the language takes: safe to apply.
            d.fixes.push(Fix::replace(
                format!("write `{moved}`"),
                title_span.start..word_span.end,
                moved.clone(),
                Applicability::Safe,
            ));
        }
    }
    let end = tokens
        .iter()
        .rev()
        .find(|(t, _)| *t != Token::Newline)
        .map_or(name_span.end, |(_, s)| s.end);
    Some(Item::Node(NodeDecl {
        kind: Ident {
            text: SmolStr::new(kind),
            span: kind_span.into_range(),
        },
        name: Some(Ident {
            text: SmolStr::new(name),
            span: name_span.into_range(),
        }),
        word: None,
        title: None,
        body: None,
        span: kind_span.start..end,
        recovered: true,
    }))
}

/// A quoted title directly followed by a word (`"Phish the CFO" T1566.001`): the title's raw
/// text and span, the word and its span.
fn word_after_title<'a>(
    rest: &[ParserToken<'a>],
) -> Option<(&'a str, std::ops::Range<usize>, &'a str, std::ops::Range<usize>)> {
    match rest {
        [(Token::Str(title), ts), (Token::Word(word), ws), ..] => {
            Some((title, ts.into_range(), word, ws.into_range()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::{parse, Item};

    #[test]
    fn a_broken_declaration_keeps_its_kind_and_name() {
        let parsed = parse("action a \"Phish the CFO\" T1566.001\naction b T1078\n");
        let nodes: Vec<_> = parsed
            .file
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Node(n) => Some((
                    n.kind.text.as_str(),
                    n.name.as_ref().map(|n| n.text.as_str()),
                    n.recovered,
                )),
                _ => None,
            })
            .collect();
        assert_eq!(nodes, [("action", Some("a"), true), ("action", Some("b"), false)]);
        assert_eq!(parsed.diagnostics.len(), 1, "{:?}", parsed.diagnostics);
        // Edges and flow headers are not guessed at.
        let parsed = parse("a -> \"b\" c\nflow \"F\" x\n");
        assert!(parsed.file.items.is_empty(), "{:?}", parsed.file.items);
    }
}
