//! Where the cursor is, for completion: at the start of a statement, after `action NAME`, in
//! an edge, at a property key, at a property value. Decided from the tokens of the statement
//! being written, as af-syntax's layout pass cuts it ([`af_syntax::position`]; a half-typed
//! statement often does not parse, so the tree alone cannot say).

use crate::snapshot::Snapshot;
use af_syntax::lexer::Token;
use af_syntax::position::{self, Delim};
use af_syntax::Span;

/// What kind of object a block belongs to, for key and value completion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnerType {
    /// An object of this STIX type (`attack-flow` for the header, `relationship` for the
    /// block of an edge statement).
    Stix(String),
    /// A `hashes` dictionary: keys are hash algorithms.
    Hashes,
    /// An entry of `external_references`.
    ExternalReference,
    /// An entry of `kill_chain_phases`.
    KillChainPhase,
    /// An entry of `granular_markings`.
    GranularMarking,
    /// A map whose keys afc does not know.
    Unknown,
}

/// The completion site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Site {
    /// The start of a statement: node kinds, snippets, node names (edge sources).
    StatementStart,
    /// After `action NAME`: a technique id.
    Technique,
    /// After `operator NAME`: `AND` or `OR`.
    OperatorWord,
    /// After `malware NAME` (or `tool`, `intrusion-set`, `campaign`, `course-of-action`): an
    /// ATT&CK id.
    AttackObject {
        /// The STIX type of the node.
        stix_type: String,
    },
    /// A node name in an edge statement; `flow_only` after a plain `->` or a `true`/`false`
    /// branch, where only actions, conditions and operators may stand.
    EdgeNode {
        /// Only flow nodes are allowed here.
        flow_only: bool,
    },
    /// Inside `-[` … `]->`: `true`/`false` after a condition, relationship types.
    EdgeLabel {
        /// The names the arrow leaves from.
        sources: Vec<String>,
    },
    /// A property key in a block.
    Key {
        /// What the block belongs to.
        owner: OwnerType,
        /// Keys already written in the block before the cursor.
        present: Vec<String>,
    },
    /// A property value (or an element of a list value).
    Value {
        /// What the block belongs to.
        owner: OwnerType,
        /// The property key.
        key: String,
    },
    /// Nothing to offer (inside a string or comment, at a new name, …).
    Nothing,
}

/// The completion site with the word being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionContext {
    /// What is expected at the cursor.
    pub site: Site,
    /// The part of the word before the cursor.
    pub prefix: String,
    /// The word around the cursor, which an accepted item replaces.
    pub replace: Span,
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// The completion context at byte `offset` of the snapshot's text.
pub fn context_at(snap: &Snapshot, offset: usize) -> CompletionContext {
    let text = snap.text.as_str();
    let offset = offset.min(text.len());
    let bytes = text.as_bytes();
    let mut ws = offset;
    while ws > 0 && is_word_byte(bytes[ws - 1]) {
        ws -= 1;
    }
    while ws < offset && matches!(bytes[ws], b'-' | b'.') {
        ws += 1;
    }
    let mut we = offset;
    while we < bytes.len() && is_word_byte(bytes[we]) {
        we += 1;
    }
    let prefix = text.get(ws..offset).unwrap_or_default().to_string();
    let site = site(snap, ws);
    CompletionContext {
        site,
        prefix,
        replace: ws..we,
    }
}

/// A token with an absolute span.
type Tok<'a> = (Token<'a>, Span);

fn site(snap: &Snapshot, ws: usize) -> Site {
    let text = snap.text.as_str();
    // The statement being written, cut as the parser's layout pass cuts it.
    let Some(cursor) = position::statement_before(text, &snap.file, ws) else {
        return Site::Nothing;
    };
    let toks = cursor.tokens;
    let mut stack = cursor.open;
    let line_start = text[..ws].rfind('\n').map_or(0, |p| p + 1);
    let mut stmt: &[Tok<'_>] = &toks;
    // A word typed in column 0 inside an unclosed block starts a new statement, as the
    // layout pass will decide once the word is there.
    if !stack.is_empty() && ws == line_start {
        stack.clear();
        stmt = &[];
    }
    let base = 0;
    match stack.last() {
        None => top_level(stmt),
        Some(&(Delim::Label, at)) => {
            let after = significant(&toks[at + 1..]);
            if !after.is_empty() {
                return Site::Nothing;
            }
            let before = significant(&toks[base..at]);
            let sources = before
                .iter()
                .rev()
                .take_while(|(t, _)| matches!(t, Token::Word(_) | Token::Comma))
                .filter_map(|(t, _)| match t {
                    Token::Word(w) => Some((*w).to_string()),
                    _ => None,
                })
                .collect();
            Site::EdgeLabel { sources }
        }
        Some(&(Delim::Bracket, at)) => {
            if !element_start(&toks[at + 1..]) {
                return Site::Nothing;
            }
            match key_before(&toks, at) {
                Some(key) => Site::Value {
                    owner: owner_of(&toks, base, &stack[..stack.len() - 1]),
                    key,
                },
                None => Site::Nothing,
            }
        }
        Some(&(Delim::Brace, at)) => {
            let owner = owner_of(&toks, base, &stack);
            let entry = current_entry(&toks[at + 1..]);
            match entry.as_slice() {
                [] => Site::Key {
                    owner,
                    present: keys_in(&toks[at + 1..]),
                },
                [(k, _), (Token::Colon, _)] => match key_text(k) {
                    Some(key) => Site::Value { owner, key },
                    None => Site::Nothing,
                },
                _ => Site::Nothing,
            }
        }
    }
}

fn significant<'a, 'b>(toks: &'b [Tok<'a>]) -> Vec<&'b Tok<'a>> {
    toks.iter().filter(|(t, _)| *t != Token::Newline).collect()
}

fn top_level(stmt: &[Tok<'_>]) -> Site {
    let sig = significant(stmt);
    let Some(first) = sig.first() else {
        return Site::StatementStart;
    };
    let is_edge = sig
        .iter()
        .any(|(t, _)| matches!(t, Token::Arrow | Token::LabelOpen | Token::Comma));
    if !is_edge {
        return match (first.0, sig.len(), sig.get(1).map(|t| t.0)) {
            (Token::Word("action"), 2, Some(Token::Word(_))) => Site::Technique,
            (Token::Word("operator"), 2, Some(Token::Word(_))) => Site::OperatorWord,
            (Token::Word(k), 2, Some(Token::Word(_)))
                if af_catalog::ObjectKind::of_stix_type(k).is_some() =>
            {
                Site::AttackObject {
                    stix_type: k.to_string(),
                }
            }
            _ => Site::Nothing,
        };
    }
    let n = sig.len();
    match sig[n - 1].0 {
        Token::Arrow => Site::EdgeNode {
            flow_only: flow_arrow(&sig, n - 1),
        },
        Token::Comma => match sig.iter().rposition(|(t, _)| *t == Token::Arrow) {
            Some(a) => Site::EdgeNode {
                flow_only: flow_arrow(&sig, a),
            },
            None => Site::EdgeNode { flow_only: false },
        },
        _ => Site::Nothing,
    }
}

/// Whether the arrow at `sig[a]` is a flow edge (`->`, `-[true]->`, `-[false]->`).
fn flow_arrow(sig: &[&Tok<'_>], a: usize) -> bool {
    if a >= 3 {
        if let (Token::LabelOpen, Token::Word(label), Token::RBracket) =
            (sig[a - 3].0, sig[a - 2].0, sig[a - 1].0)
        {
            return label == "true" || label == "false";
        }
    }
    true
}

/// True when nothing but whitespace follows the last separator of a list (the cursor starts
/// an element).
fn element_start(after: &[Tok<'_>]) -> bool {
    let mut depth = 0usize;
    let mut last_sig_is_sep = true;
    for (t, _) in after {
        match t {
            Token::LBrace | Token::LBracket | Token::LabelOpen => {
                depth += 1;
                last_sig_is_sep = false;
            }
            Token::RBrace | Token::RBracket => {
                depth = depth.saturating_sub(1);
                last_sig_is_sep = false;
            }
            Token::Comma if depth == 0 => last_sig_is_sep = true,
            Token::Newline => {}
            _ => last_sig_is_sep = false,
        }
    }
    last_sig_is_sep
}

/// The tokens of the entry being written in a block: those after the last separator (a comma
/// or a line break not after `:`) at the block's own depth.
fn current_entry<'a, 'b>(after: &'b [Tok<'a>]) -> Vec<&'b Tok<'a>> {
    let mut depth = 0usize;
    let mut start = 0;
    let mut prev: Option<&Token<'_>> = None;
    for (i, (t, _)) in after.iter().enumerate() {
        match t {
            Token::LBrace | Token::LBracket | Token::LabelOpen => depth += 1,
            Token::RBrace | Token::RBracket => depth = depth.saturating_sub(1),
            Token::Comma if depth == 0 => start = i + 1,
            Token::Newline if depth == 0 && prev != Some(&Token::Colon) => start = i + 1,
            _ => {}
        }
        if *t != Token::Newline {
            prev = Some(t);
        }
    }
    significant(&after[start..])
}

/// Keys written at the top depth of a block's tokens.
fn keys_in(after: &[Tok<'_>]) -> Vec<String> {
    let mut depth = 0usize;
    let mut out = Vec::new();
    for (i, (t, _)) in after.iter().enumerate() {
        match t {
            Token::LBrace | Token::LBracket | Token::LabelOpen => depth += 1,
            Token::RBrace | Token::RBracket => depth = depth.saturating_sub(1),
            Token::Colon if depth == 0 && i > 0 => {
                if let Some(k) = key_text(&after[i - 1].0) {
                    out.push(k);
                }
            }
            _ => {}
        }
    }
    out
}

fn key_text(t: &Token<'_>) -> Option<String> {
    match t {
        Token::Word(w) => Some((*w).to_string()),
        Token::Str(s) => Some(af_syntax::strings::decode(s, false).0),
        _ => None,
    }
}

/// The key of `key: [` or `key: {` / `key: "Title" {` whose opener is at `at`.
fn key_before(toks: &[Tok<'_>], at: usize) -> Option<String> {
    let mut j = at.checked_sub(1)?;
    while toks[j].0 == Token::Newline {
        j = j.checked_sub(1)?;
    }
    if matches!(toks[j].0, Token::Str(_) | Token::TripleStr(_)) {
        j = j.checked_sub(1)?;
    }
    if toks[j].0 != Token::Colon {
        return None;
    }
    key_text(&toks.get(j.checked_sub(1)?)?.0)
}

/// What the innermost brace of `stack` belongs to.
fn owner_of(toks: &[Tok<'_>], stmt_start: usize, stack: &[(Delim, usize)]) -> OwnerType {
    // The innermost brace at or below the top of the stack.
    let Some(pos) = stack.iter().rposition(|(o, _)| *o == Delim::Brace) else {
        return OwnerType::Unknown;
    };
    let at = stack[pos].1;
    if pos == 0 {
        let head = significant(&toks[stmt_start.min(at)..at]);
        if head
            .iter()
            .any(|(t, _)| matches!(t, Token::Arrow | Token::LabelOpen))
        {
            return OwnerType::Stix("relationship".into());
        }
        return match head.first().map(|t| t.0) {
            Some(Token::Word("flow")) => OwnerType::Stix("attack-flow".into()),
            Some(Token::Word(k)) => match af_stix::language::kind_type(k) {
                Ok(t) => OwnerType::Stix(t.into_owned()),
                Err(_) if af_stix::types::type_info(k).is_some() => OwnerType::Stix(k.to_string()),
                Err(_) => OwnerType::Unknown,
            },
            _ => OwnerType::Unknown,
        };
    }
    // A nested map: `key: { … }`, `author: "Name" { … }`, or a map in a list `key: [ { … } ]`.
    let (key, parent) = match key_before(toks, at) {
        Some(k) => (k, &stack[..pos]),
        None => match stack[pos - 1] {
            (Delim::Bracket, list) => match key_before(toks, list) {
                Some(k) => (k, &stack[..pos - 1]),
                None => return OwnerType::Unknown,
            },
            _ => return OwnerType::Unknown,
        },
    };
    let parent = owner_of(toks, stmt_start, parent);
    if let OwnerType::Stix(t) = &parent {
        if let Some(block_type) = af_stix::language::sugar(t, &key).and_then(|s| s.block_type) {
            return OwnerType::Stix(block_type.into());
        }
    }
    match key.as_str() {
        "external_references" => OwnerType::ExternalReference,
        "kill_chain_phases" => OwnerType::KillChainPhase,
        "granular_markings" => OwnerType::GranularMarking,
        "hashes" => OwnerType::Hashes,
        _ => OwnerType::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The context at the `$0` marker.
    fn ctx(src: &str) -> CompletionContext {
        let offset = src.find("$0").unwrap_or(src.len());
        let text = src.replacen("$0", "", 1);
        let snap = Snapshot::with_defaults(&text);
        context_at(&snap, offset)
    }

    fn stix(t: &str) -> OwnerType {
        OwnerType::Stix(t.into())
    }

    #[test]
    fn statement_starts() {
        assert_eq!(ctx("$0").site, Site::StatementStart);
        assert_eq!(
            ctx("flow \"F\" { scope: incident }\nac$0").site,
            Site::StatementStart
        );
        let c = ctx("flow \"F\" { scope: incident }\n\nact$0ion x");
        assert_eq!(c.prefix, "act");
        let start = "flow \"F\" { scope: incident }\n\n".len();
        assert_eq!(c.replace, start..start + "action".len());
    }

    #[test]
    fn techniques_and_operators() {
        assert_eq!(ctx("action x $0").site, Site::Technique);
        let c = ctx("action x T156$0");
        assert_eq!((c.site, c.prefix.as_str()), (Site::Technique, "T156"));
        assert_eq!(ctx("action x AML.T00$0").prefix, "AML.T00");
        assert_eq!(ctx("operator both $0").site, Site::OperatorWord);
        assert_eq!(ctx("action $0").site, Site::Nothing);
        assert_eq!(
            ctx("malware m $0").site,
            Site::AttackObject {
                stix_type: "malware".into()
            }
        );
        assert_eq!(ctx("identity m $0").site, Site::Nothing);
    }

    #[test]
    fn edges() {
        assert_eq!(ctx("a -> $0").site, Site::EdgeNode { flow_only: true });
        assert_eq!(ctx("a -> b, c$0").site, Site::EdgeNode { flow_only: true });
        assert_eq!(ctx("a -[uses]-> $0").site, Site::EdgeNode { flow_only: false });
        assert_eq!(ctx("a -[false]-> $0").site, Site::EdgeNode { flow_only: true });
        assert_eq!(ctx("a, $0").site, Site::EdgeNode { flow_only: false });
        assert_eq!(
            ctx("a, b -[$0").site,
            Site::EdgeLabel {
                sources: vec!["b".into(), "a".into()]
            }
        );
        assert_eq!(ctx("a\n  -> $0").site, Site::EdgeNode { flow_only: true });
    }

    #[test]
    fn keys_and_values() {
        assert_eq!(
            ctx("action a T1566 {\n  tactic: TA0001\n  $0\n}").site,
            Site::Key {
                owner: stix("attack-action"),
                present: vec!["tactic".into()]
            }
        );
        assert_eq!(
            ctx("action a T1566 { tactic: $0 }").site,
            Site::Value {
                owner: stix("attack-action"),
                key: "tactic".into()
            }
        );
        assert_eq!(
            ctx("flow \"F\" {\n  scope: inc$0\n}").site,
            Site::Value {
                owner: stix("attack-flow"),
                key: "scope".into()
            }
        );
        assert_eq!(
            ctx("action a T1 { asset_refs: [x, $0] }").site,
            Site::Value {
                owner: stix("attack-action"),
                key: "asset_refs".into()
            }
        );
        assert_eq!(ctx("action a T1 { asset_refs: [x $0] }").site, Site::Nothing);
        assert_eq!(
            ctx("flow \"F\" { author: \"J\" { identity_class: $0 } }").site,
            Site::Value {
                owner: stix("identity"),
                key: "identity_class".into()
            }
        );
        assert_eq!(
            ctx("file f { hashes: { $0 } }").site,
            Site::Key {
                owner: OwnerType::Hashes,
                present: vec![]
            }
        );
        assert_eq!(
            ctx("malware m { external_references: [ { $0 } ] }").site,
            Site::Key {
                owner: OwnerType::ExternalReference,
                present: vec![]
            }
        );
        assert_eq!(
            ctx("a -[uses]-> b { $0 }").site,
            Site::Key {
                owner: stix("relationship"),
                present: vec![]
            }
        );
        assert_eq!(
            ctx("action a T1 {\n  description:\n    $0\n}").site,
            Site::Value {
                owner: stix("attack-action"),
                key: "description".into()
            }
        );
    }

    #[test]
    fn nothing_in_strings_and_comments() {
        assert_eq!(ctx("action a \"Tit$0").site, Site::Nothing);
        assert_eq!(ctx("# action x $0").site, Site::Nothing);
        assert_eq!(ctx("action a T1 { description: \"x$0\" }").site, Site::Nothing);
    }

    #[test]
    fn column_zero_closes_an_open_block() {
        assert_eq!(
            ctx("action a T1 {\n  tactic: TA0001\nac$0").site,
            Site::StatementStart
        );
    }
}
