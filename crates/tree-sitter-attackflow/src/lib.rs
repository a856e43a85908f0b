//! The tree-sitter grammar of the afc flow language (`.af` files describing MITRE Attack
//! Flows), for editors and tools that read flows with tree-sitter: the language, its node
//! types and its queries (highlights, locals, folds, indents).
//!
//! The grammar itself is `grammar/tree-sitter-attackflow/grammar.js`; this crate compiles the
//! parser generated from it. It knows nothing about STIX or Attack Flow semantics, and it is
//! not the compiler's parser (that is `af-syntax`): the two are kept in agreement by tests.
//!
//! ```
//! let mut parser = tree_sitter::Parser::new();
//! parser
//!     .set_language(&tree_sitter_attackflow::LANGUAGE.into())
//!     .expect("the grammar's ABI is supported");
//! let tree = parser.parse("action phish T1566.002\nphish -> login\n", None).expect("parsed");
//! assert!(!tree.root_node().has_error());
//! ```

use tree_sitter_language::LanguageFn;

extern "C" {
    fn tree_sitter_attackflow() -> *const ();
}

/// The tree-sitter [`LanguageFn`] of the grammar; `LANGUAGE.into()` gives a
/// `tree_sitter::Language`.
// SAFETY: `tree_sitter_attackflow` is the language function of the parser that `build.rs`
// compiles from the generated `parser.c`; it takes nothing and returns a static pointer.
#[allow(unsafe_code)]
pub const LANGUAGE: LanguageFn = unsafe { LanguageFn::from_raw(tree_sitter_attackflow) };

/// The content of the grammar's `node-types.json`.
pub const NODE_TYPES: &str = include_str!("../../../grammar/tree-sitter-attackflow/src/node-types.json");

/// The syntax highlighting query.
pub const HIGHLIGHTS_QUERY: &str =
    include_str!("../../../grammar/tree-sitter-attackflow/queries/highlights.scm");

/// The query of scopes, definitions and references.
pub const LOCALS_QUERY: &str = include_str!("../../../grammar/tree-sitter-attackflow/queries/locals.scm");

/// The folding query.
pub const FOLDS_QUERY: &str = include_str!("../../../grammar/tree-sitter-attackflow/queries/folds.scm");

/// The indentation query (nvim-treesitter capture names).
pub const INDENTS_QUERY: &str = include_str!("../../../grammar/tree-sitter-attackflow/queries/indents.scm");

/// Every query with its file name, as in `grammar/tree-sitter-attackflow/queries/`.
pub const QUERIES: [(&str, &str); 4] = [
    ("highlights.scm", HIGHLIGHTS_QUERY),
    ("locals.scm", LOCALS_QUERY),
    ("folds.scm", FOLDS_QUERY),
    ("indents.scm", INDENTS_QUERY),
];
