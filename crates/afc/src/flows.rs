//! Reading a flow from any input afc takes, as STIX objects with node names: a `.af` file
//! (compiled), an Attack Flow STIX bundle (as it is), an Attack Flow Builder `.afb` file
//! (imported, then compiled), or a file at a git revision (`REV:path`, read with `git show`).
//! `afc diff`, `afc stats` and the analysis commands (`paths`, `coverage`, `suggest`,
//! `mitigations`, through `analysis_input`) read their inputs here.

use af_diagnostics::Diagnostic;
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

/// One STIX object.
pub type Object = serde_json::Map<String, serde_json::Value>;

/// What an input holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Flow language source.
    Source,
    /// A STIX bundle.
    Bundle,
    /// An Attack Flow Builder save file.
    Afb,
}

/// The kind of an input: by extension (`.af`, `.json`, `.afb`), else by content (JSON with a
/// `schema` is a Builder file, other JSON a bundle, anything else source).
pub fn kind_of(path: Option<&Path>, text: &str) -> Kind {
    let ext = path
        .and_then(Path::extension)
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("af") => Kind::Source,
        Some("json") => Kind::Bundle,
        Some("afb") => Kind::Afb,
        _ => {
            let t = text.trim_start_matches('\u{feff}').trim_start();
            if !t.starts_with(['{', '[']) {
                Kind::Source
            } else if t.contains("\"schema\"")
                && !t.contains("\"type\": \"bundle\"")
                && !t.contains("\"type\":\"bundle\"")
            {
                Kind::Afb
            } else {
                Kind::Bundle
            }
        }
    }
}

/// A flow read from an input.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// The objects.
    pub objects: Vec<Object>,
    /// Node names by id.
    pub names: HashMap<String, String>,
    /// Whether the names were written by people (a `.af` file).
    pub written_names: bool,
    /// For a `.af` file, each named node's id, name and where the name is declared.
    pub declared: Vec<af_compile::Declared>,
    /// For a `.af` file, the compiler's warnings and notes (there are no errors).
    pub diagnostics: Vec<Diagnostic>,
}

/// Why an input gave no flow.
#[derive(Debug)]
pub enum LoadError {
    /// The source has errors (diagnostics of this text).
    Diagnostics(Vec<Diagnostic>, String),
    /// The flow imported from a Builder file does not compile (the errors, and the imported
    /// source they point into).
    Imported(Vec<Diagnostic>, String),
    /// The input is not a flow (bad JSON, no flow in the bundle, …).
    Invalid(String),
}

impl LoadError {
    /// A one-line reason for an input that is not a readable flow (not for `Diagnostics`,
    /// which are shown against the source).
    pub fn reason(&self) -> String {
        match self {
            LoadError::Diagnostics(d, _) => format!(
                "the flow has errors: {}",
                d.first().map_or("no detail", |d| d.message.as_str())
            ),
            LoadError::Imported(d, _) => format!(
                "the imported flow does not compile: {}",
                d.first().map_or("no detail", |d| d.message.as_str())
            ),
            LoadError::Invalid(e) => e.clone(),
        }
    }
}

/// Reads the flow in `text` (from `path`, which decides the kind when it has an extension).
/// An empty text is an empty flow (a file that does not exist on one side of a change).
pub fn load(path: Option<&Path>, text: &str, options: &af_compile::Options) -> Result<Loaded, LoadError> {
    if text.trim().is_empty() {
        return Ok(Loaded::default());
    }
    match kind_of(path, text) {
        Kind::Source => compile(text, options, true),
        Kind::Bundle => {
            let read = af_import::read_bundle(text, &af_import::ImportOptions::default())
                .map_err(|e| LoadError::Invalid(e.to_string()))?;
            // Every object the bundle holds (the importer sets some aside); the names are the
            // importer's.
            let objects = af_render::parse_objects(text).map_err(|e| LoadError::Invalid(e.to_string()))?;
            Ok(Loaded {
                objects,
                names: read.names,
                ..Loaded::default()
            })
        }
        Kind::Afb => {
            let imported = af_import::import_afb(text, &af_import::ImportOptions::default())
                .map_err(|e| LoadError::Invalid(e.to_string()))?;
            compile(&imported.source, options, false).map_err(|e| match e {
                LoadError::Diagnostics(d, text) => LoadError::Imported(d, text),
                other => other,
            })
        }
    }
}

fn compile(text: &str, options: &af_compile::Options, written_names: bool) -> Result<Loaded, LoadError> {
    let compiled = af_compile::compile_str(text, options);
    if compiled.has_errors() {
        let errors = compiled
            .diagnostics
            .into_iter()
            .filter(Diagnostic::is_error)
            .collect();
        return Err(LoadError::Diagnostics(errors, text.to_string()));
    }
    Ok(Loaded {
        names: compiled
            .declared
            .iter()
            .map(|d| (d.id.to_string(), d.name.to_string()))
            .collect(),
        objects: compiled
            .objects
            .into_iter()
            .map(af_compile::Object::into_map)
            .collect(),
        written_names,
        declared: if written_names {
            compiled.declared
        } else {
            Vec::new()
        },
        diagnostics: if written_names {
            compiled.diagnostics
        } else {
            Vec::new()
        },
    })
}

/// The text of `path` at git revision `rev`, read with `git show` in the file's directory
/// (`path` is relative to the current directory, as for any other input).
pub fn git_show_file(rev: &str, path: &Path) -> Result<String, String> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .ok_or_else(|| format!("{}: not a file name", path.display()))?;
    git(dir, &["show", &format!("{rev}:./{file}")])
}

/// The text of `REV:path` (path from the top of the repository, as git reads it).
pub fn git_show_spec(spec: &str) -> Result<String, String> {
    git(Path::new("."), &["show", spec])
}

/// Whether `rev` names a commit in the repository of the current directory.
pub fn is_revision(rev: &str) -> bool {
    git(
        Path::new("."),
        &["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")],
    )
    .is_ok()
}

fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
        return Err(format!("git {}: {err}", args.join(" ")));
    }
    String::from_utf8(out.stdout).map_err(|_| format!("git {}: the file is not UTF-8 text", args.join(" ")))
}
