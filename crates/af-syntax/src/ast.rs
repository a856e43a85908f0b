//! The syntax tree. Every node carries its byte span; pieces that failed to parse are `None`
//! or an `Error` variant, so a half-typed file still yields everything that did parse.

pub use smol_str::SmolStr;
use std::ops::Range;

/// A byte range into the source.
pub type Span = Range<usize>;

/// A parsed file: its statements in source order, plus comments as trivia.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct File {
    pub items: Vec<Item>,
    pub comments: Vec<Comment>,
    /// Statements of which nothing could be read (their syntax errors were reported): names
    /// they mention may be missing from `items`.
    pub broken: Vec<Span>,
}

/// A `#` comment (text includes the `#`).
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub text: String,
    pub span: Span,
}

/// A word with its span: a name, kind, key, enum value or id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ident {
    /// Short texts are stored inline, without an allocation.
    pub text: SmolStr,
    pub span: Span,
}

/// A decoded string literal with its span (quotes included in the span).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrLit {
    pub value: String,
    /// True for `"""…"""` strings.
    pub multiline: bool,
    pub span: Span,
}

/// One top-level statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Flow(FlowDecl),
    Node(NodeDecl),
    Edge(EdgeStmt),
}

impl Item {
    pub fn span(&self) -> &Span {
        match self {
            Item::Flow(f) => &f.span,
            Item::Node(n) => &n.span,
            Item::Edge(e) => &e.span,
        }
    }
}

/// `flow "TITLE" { … }`
#[derive(Debug, Clone, PartialEq)]
pub struct FlowDecl {
    pub keyword: Span,
    pub title: Option<StrLit>,
    pub body: Option<Block>,
    pub span: Span,
}

/// `KIND NAME [WORD] ["TITLE"] [{ … }]` — WORD is the technique of an action or the operator
/// of an operator.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeDecl {
    pub kind: Ident,
    pub name: Option<Ident>,
    pub word: Option<Ident>,
    pub title: Option<StrLit>,
    pub body: Option<Block>,
    pub span: Span,
    /// The statement did not parse (an error was reported) and only its kind and name could
    /// be read: the name is declared so the rest of the file checks as if it were there, but
    /// nothing else about the node is known.
    pub recovered: bool,
}

/// `A, B -> C -[label]-> D { … }`: `groups` has one more element than `arrows`.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeStmt {
    pub groups: Vec<Vec<Ident>>,
    pub arrows: Vec<Arrow>,
    pub body: Option<Block>,
    pub span: Span,
}

/// `->` or `-[label]->`.
#[derive(Debug, Clone, PartialEq)]
pub struct Arrow {
    pub label: Option<Ident>,
    pub span: Span,
}

/// `{ key: value, … }`
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub entries: Vec<Property>,
    pub span: Span,
}

/// `key: value`. `value` is `None` when it failed to parse (an error was reported).
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    pub key: Key,
    pub value: Option<Value>,
    pub span: Span,
}

/// A property key: a bare word or a quoted string (for keys such as `"SHA-256"` or ones with spaces).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub text: SmolStr,
    pub quoted: bool,
    pub span: Span,
}

/// A value with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

/// The value forms.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind {
    Str(StrLit),
    /// Integer literal text (range-checked by the compiler).
    Int(SmolStr),
    /// Float literal text.
    Float(SmolStr),
    Bool(bool),
    /// A bare timestamp, as written (checked and normalized by the compiler).
    Timestamp(SmolStr),
    /// A bare word: a node name, enum value, technique or tactic id.
    Word(SmolStr),
    List(Vec<Value>),
    Map(Block),
    /// A value followed by a block: `author: "Jane" { identity_class: individual }`.
    Titled(Box<Value>, Block),
    /// Something that failed to parse; a diagnostic was reported.
    Error,
}
