//! The compiler: resolves names, types properties, lowers edges and produces the STIX objects
//! of one flow, reporting every mistake as a [`Diagnostic`].
//!
//! Pipeline: [`af_syntax::parse`] gives the tree; [`analyze`] resolves it into a [`Model`]
//! (nodes with their STIX types, every reference with its owner, key, expected targets and
//! resolution, edges with their meaning, header sugar), which the language server reads too;
//! [`lower`] checks the values and builds the objects ([`af_stix::Object`]s in output order;
//! each node is lowered and checked in one go, while its object is fresh in memory, and ids
//! are shared by every ref rather than copied); [`compile`] is the two in a row, and
//! [`Compiled::to_json`] writes the bundle through [`af_stix::writer`]. This crate never
//! prints and never reads files: the CLI and the language server do that. It must not know
//! how diagnostics are rendered.

mod allow;
mod edges;
mod ids;
mod lower;
pub mod model;
mod node_fixes;
mod techniques;

mod values;

/// Hash maps keyed by names and ids inside one compile: a fast fixed hash, since nothing is
/// iterated in hash order and inputs are the user's own files.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

pub use allow::allowed_codes;
pub use model::{analyze, Model};

use af_diagnostics::Diagnostic;
use af_syntax::File;

/// A STIX object under construction or in the output: keys in insertion order.
pub use af_stix::Object;

/// Settings that change what the compiler produces.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Seconds since the epoch used for `created`/`modified` when the flow has no `created`
    /// (from `SOURCE_DATE_EPOCH`). Without it the fixed value [`DEFAULT_CREATED`] is used.
    pub source_date_epoch: Option<i64>,
    /// The technique catalogs to check against; `None` means the embedded ones
    /// ([`af_catalog::Catalog::embedded`]). Set it to use an ATT&CK bundle the user supplied.
    pub catalog: Option<std::sync::Arc<af_catalog::Catalog>>,
}

/// The timestamp a flow without `created` gets (with a warning), unless `SOURCE_DATE_EPOCH`
/// is set: fixed so that output never depends on the clock.
pub const DEFAULT_CREATED: &str = "1970-01-01T00:00:00.000Z";

/// The result of compiling one file.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// `bundle--…`, derived from the flow's id.
    pub bundle_id: String,
    /// The bundle's objects in output order. Meaningful only when there are no errors.
    pub objects: Vec<Object>,
    /// Parse and check diagnostics, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// The named nodes of the file, in source order: their STIX ids, names and where the
    /// names are declared (for tools that point back into the source, such as analyses).
    pub declared: Vec<Declared>,
}

/// A named node of the source and the STIX id it compiled to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    /// The STIX id of the node's object.
    pub id: af_stix::object::SmolStr,
    /// The name in the source.
    pub name: af_stix::object::SmolStr,
    /// The byte range of the name at its declaration.
    pub span: af_diagnostics::Span,
}

impl Compiled {
    /// True when at least one diagnostic is an error (then no bundle should be written).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The bundle as pretty-printed JSON with a fixed key order and a trailing newline.
    pub fn to_json(&self) -> String {
        af_stix::writer::write_bundle(&self.bundle_id, &self.objects)
    }
}

/// Parses and compiles a source text.
pub fn compile_str(source: &str, options: &Options) -> Compiled {
    let parsed = af_syntax::parse(source);
    let mut compiled = compile(&parsed.file, options);
    compiled.diagnostics.extend(parsed.diagnostics);
    allow::apply(&parsed.file, &mut compiled.diagnostics);
    compiled.diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    compiled
}

/// Checks a parsed file and lowers it to STIX objects.
///
/// Warnings the file allows (`# afc: allow W0104`) are left out.
pub fn compile(file: &File, options: &Options) -> Compiled {
    let (model, mut diagnostics) = analyze(file);
    let mut compiled = lower(file, &model, options);
    diagnostics.append(&mut compiled.diagnostics);
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    compiled.diagnostics = diagnostics;
    compiled
}

/// Lowers the model of `file` ([`analyze`]) to STIX objects, checking every value. The
/// diagnostics are those of lowering only, sorted by position (the analysis reports its own,
/// which are errors; [`compile`] merges the two); warnings the file allows are left out.
pub fn lower(file: &File, model: &Model, options: &Options) -> Compiled {
    let mut compiled = lower::Lowering::new(file, model, options).run();
    allow::apply(file, &mut compiled.diagnostics);
    compiled
}
