//! A document snapshot: one version of a text with everything the features read from it — the
//! line index, the syntax tree, the compiler's diagnostics and the semantic model — plus the
//! settings it was checked with. Features are pure functions of a snapshot.

use af_catalog::{Catalog, CatalogKind};
use af_compile::Model;
use af_diagnostics::{Diagnostic, LineIndex, Severity};
use af_syntax::File;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

/// The code of the diagnostic reported when checking a document crashed (a bug in afc).
pub const INTERNAL_ERROR_CODE: &str = af_diagnostics::codes::INTERNAL.id;

/// Settings that change what the server reports and offers.
#[derive(Debug, Clone)]
pub struct Config {
    /// The catalogs to check against; `None` means the embedded ones.
    pub catalog: Option<Arc<Catalog>>,
    /// Which catalogs completion offers techniques and tactics from.
    pub catalogs: Vec<CatalogKind>,
    /// Report warnings as errors (and then show no STIX for a file with warnings).
    pub warnings_as_errors: bool,
    /// Detections for hover and choke-point lenses (`afc.detections`).
    #[cfg(feature = "defend")]
    pub detections: Option<Arc<crate::defend::Detections>>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            catalog: None,
            catalogs: CatalogKind::ALL.to_vec(),
            warnings_as_errors: false,
            #[cfg(feature = "defend")]
            detections: None,
        }
    }
}

impl Config {
    /// The catalog in force.
    pub fn catalog(&self) -> &Catalog {
        match &self.catalog {
            Some(c) => c,
            None => Catalog::embedded(),
        }
    }

    /// Whether completion offers items of this catalog.
    pub fn offers(&self, kind: CatalogKind) -> bool {
        self.catalogs.contains(&kind)
    }

    /// The compiler options these settings imply.
    pub fn compile_options(&self) -> af_compile::Options {
        af_compile::Options {
            source_date_epoch: None,
            catalog: self.catalog.clone(),
        }
    }
}

/// One checked version of a document.
#[derive(Debug)]
pub struct Snapshot {
    /// The text.
    pub text: String,
    /// The editor's version number of the text.
    pub version: i32,
    /// Line starts, for converting byte offsets to positions.
    pub index: LineIndex,
    /// The syntax tree (partial when the text has syntax errors).
    pub file: File,
    /// Parse and compile diagnostics, sorted by position (warnings raised to errors when the
    /// settings say so).
    pub diagnostics: Vec<Diagnostic>,
    /// The compiler's resolved model: declared names, their uses, edges, header sugar.
    pub model: Model,
    /// The settings the snapshot was checked with.
    pub config: Arc<Config>,
    /// The defender's analysis of this version (coverage, choke points, mitigations),
    /// computed once by the first feature that needs it ([`crate::defend::analysis`]).
    #[cfg(feature = "defend")]
    pub defend: crate::defend::AnalysisCache,
}

/// How much of a document a snapshot analyses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// Parse, check with the compiler, build the model: everything the features read.
    Full,
    /// Parse and analyse (the model), without lowering and checking values: what completion needs, so
    /// that completing while typing does not wait for (or redo) the check of a large
    /// document. Its diagnostics are the syntax errors only.
    Syntax,
}

impl Snapshot {
    /// Parses and checks `text`. Never panics: a crash of the parser or the compiler becomes
    /// an [`INTERNAL_ERROR_CODE`] diagnostic and an empty tree.
    pub fn new(text: String, version: i32, config: Arc<Config>) -> Snapshot {
        Snapshot::with_depth(text, version, config, Depth::Full)
    }

    /// Like [`Snapshot::new`], analysing only as deep as `depth` says.
    pub fn with_depth(text: String, version: i32, config: Arc<Config>, depth: Depth) -> Snapshot {
        let index = LineIndex::new(&text);
        let analysed = catch_unwind(AssertUnwindSafe(|| {
            let parsed = af_syntax::parse(&text);
            // The compiler's model, analysed once; the full check lowers that same model.
            let (model, mut diagnostics) = af_compile::analyze(&parsed.file);
            match depth {
                Depth::Full => {
                    let lowered = af_compile::lower(&parsed.file, &model, &config.compile_options());
                    diagnostics.extend(lowered.diagnostics);
                }
                Depth::Syntax => diagnostics.clear(),
            }
            diagnostics.extend(parsed.diagnostics);
            diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
            (parsed.file, diagnostics, model)
        }));
        let (file, mut diagnostics, model) = match analysed {
            Ok(parts) => parts,
            Err(_) => (
                File::default(),
                vec![Diagnostic::new(
                    af_diagnostics::codes::INTERNAL,
                    0..0,
                    "afc crashed while checking this file; this is a bug, please report it",
                )],
                Model::default(),
            ),
        };
        if config.warnings_as_errors {
            for d in &mut diagnostics {
                if d.severity == Severity::Warning {
                    d.severity = Severity::Error;
                }
            }
        }
        Snapshot {
            text,
            version,
            index,
            file,
            diagnostics,
            model,
            config,
            #[cfg(feature = "defend")]
            defend: Default::default(),
        }
    }

    /// A snapshot with default settings (tests and benchmarks).
    pub fn with_defaults(text: &str) -> Snapshot {
        Snapshot::new(text.to_string(), 0, Arc::new(Config::default()))
    }

    /// The catalog in force.
    pub fn catalog(&self) -> &Catalog {
        self.config.catalog()
    }

    /// True when a diagnostic is an error (after `warnings_as_errors`).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}
