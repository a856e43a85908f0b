//! Importing existing Attack Flows as afc flow language source: STIX 2.1 bundles (as the
//! Attack Flow Builder exports them, or as any tool writes them) with [`import_bundle`], and
//! the Builder's own `.afb` save files with [`import_afb`]; and the way back to the Builder:
//! [`export_afb`] writes a flow's STIX objects as an `.afb` file. Reading and writing `.afb`
//! live together because they share the format's rules (`afb/mod.rs`). A set of objects holding several
//! flows (a TAXII collection) is split per flow with [`split_flows`] and each part imported
//! with [`import_objects`].
//!
//! Both readers turn their input into a list of STIX objects (the *model*); one writer turns
//! the model into source text, which is then laid out by [`af_fmt`]. A bundle is imported
//! losslessly wherever the language can say it: compiling the imported source gives back the
//! same objects (ids, property values, list orders). The importer checks this itself by
//! compiling its output, and every difference it cannot avoid is reported in
//! [`Imported::notes`], never dropped silently.
//!
//! This crate reads JSON text and returns text: it never touches files or the terminal, and
//! it knows nothing about how the CLI presents notes or errors, nor how a flow is laid out
//! (the caller hands [`export_afb`] the positions).

mod afb;
mod bundle;
mod collection;
mod names;
mod verify;
mod write;

pub use collection::{split_flows, FlowObjects, Split};

use serde_json::{Map, Value as Json};
use std::collections::{HashMap, HashSet};
use std::fmt;

/// Inputs larger than this are refused (the CLI checks the file size before reading it).
pub const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

/// What the importer may change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Repair known defects instead of keeping them: the Attack Flow Builder writes the
    /// branches of a condition as `related-to` relationships; with `repair` they become real
    /// branches (`on_true_refs`, written `cond -> step`).
    pub repair: bool,
    /// Keep the input's own form: objects in the input's order, every `id`, the Attack Flow
    /// extension objects as nodes when they are not the published ones. Without it the import
    /// reads as if a person wrote it: steps in flow order with a comment per tactic, context
    /// objects next to what uses them, and only what compiling would not reproduce.
    pub exact: bool,
}

/// An imported flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The flow as language source, in the formatter's layout.
    pub source: String,
    /// What was repaired, dropped, renamed or cannot be expressed, one sentence each.
    pub notes: Vec<String>,
}

/// Why an input cannot be imported at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    /// The input is not JSON; `line` and `column` are 1-based.
    NotJson {
        line: usize,
        column: usize,
        message: String,
    },
    /// The JSON is not a STIX bundle (`found` says what it is instead).
    NotABundle { found: String },
    /// The JSON is not an Attack Flow Builder file.
    NotAnAfb { found: String },
    /// The Builder file has a `schema` this importer does not know.
    UnknownAfbVersion { schema: String },
    /// There is no `attack-flow` object (or no flow in a Builder file).
    NoFlow,
    /// There is more than one `attack-flow` object.
    ManyFlows { count: usize },
    /// The input is larger than [`MAX_INPUT_BYTES`].
    TooLarge { bytes: u64 },
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::NotJson { line, column, message } => {
                write!(f, "not JSON: {message} at line {line}, column {column}")
            }
            ImportError::NotABundle { found } => write!(
                f,
                "not a STIX bundle: expected an object with \"type\": \"bundle\" and \"objects\", found {found}"
            ),
            ImportError::NotAnAfb { found } => write!(
                f,
                "not an Attack Flow Builder file: expected an object with \"schema\" and \"objects\", found {found}"
            ),
            ImportError::UnknownAfbVersion { schema } => write!(
                f,
                "unknown Attack Flow Builder file version `{schema}` (this importer reads `attack_flow_v2`)"
            ),
            ImportError::NoFlow => f.write_str("the input has no `attack-flow` object, so there is no flow to import"),
            ImportError::ManyFlows { count } => write!(
                f,
                "the input has {count} `attack-flow` objects; a flow file holds exactly one (split the bundle first)"
            ),
            ImportError::TooLarge { bytes } => write!(
                f,
                "the input is {} MiB; the limit is {} MiB",
                bytes >> 20,
                MAX_INPUT_BYTES >> 20
            ),
        }
    }
}

impl std::error::Error for ImportError {}

/// Why a flow cannot be exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportError {
    /// There is no `attack-flow` object.
    NoFlow,
    /// There is more than one `attack-flow` object.
    ManyFlows { count: usize },
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::NoFlow => {
                f.write_str("there is no `attack-flow` object, so there is no flow to export")
            }
            ExportError::ManyFlows { count } => write!(
                f,
                "there are {count} `attack-flow` objects; a Builder file holds exactly one flow"
            ),
        }
    }
}

impl std::error::Error for ExportError {}

/// An Attack Flow Builder file written by [`export_afb`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    /// The `.afb` file (JSON).
    pub text: String,
    /// What could not be written, one sentence each.
    pub notes: Vec<String>,
}

/// Where the caller's layout puts each object: the centre of its box, by STIX id, in the
/// units of afc's SVG drawing. Objects without a position are placed in rows below the rest.
pub type Positions = HashMap<String, (f64, f64)>;

/// Writes a flow's STIX objects (a compiled flow, or the `objects` of a bundle) as an Attack
/// Flow Builder 3 file that the Builder opens with every object, property, branch and
/// operator in place, laid out at `positions`. Properties the Builder has no field for are
/// kept in the file for afc (the Builder ignores them), so that [`import_afb`] gives back the
/// same objects.
pub fn export_afb(objects: &[Map<String, Json>], positions: &Positions) -> Result<Exported, ExportError> {
    afb::write::write(objects, positions)
}

/// The objects to write, in order (the `attack-flow` among them), and how to write them.
#[derive(Debug, Default)]
pub(crate) struct Model {
    pub objects: Vec<Map<String, Json>>,
    /// Ids the compiler derives (relationships of a Builder file): written without `id:`.
    pub derived_ids: HashSet<String>,
    /// `start_refs` is left to the compiler's default (Builder files).
    pub default_start_refs: bool,
    /// The copy of the Attack Flow extension objects the input had (and the compiler adds).
    pub extension: af_stix::attack_flow::ExtensionCopy,
    /// What the reader changed or dropped.
    pub notes: Vec<String>,
}

/// Imports a STIX 2.1 bundle holding one Attack Flow.
pub fn import_bundle(json: &str, options: &ImportOptions) -> Result<Imported, ImportError> {
    check_size(json)?;
    let value = parse_json(json)?;
    let model = bundle::read(value, options)?;
    Ok(finish(model, options))
}

/// Imports the objects of one flow (one entry of [`split_flows`], objects fetched from a
/// TAXII collection) as if they were a bundle.
pub fn import_objects(
    objects: Vec<Map<String, Json>>,
    options: &ImportOptions,
) -> Result<Imported, ImportError> {
    let mut bundle = Map::new();
    bundle.insert("type".into(), Json::from("bundle"));
    bundle.insert(
        "objects".into(),
        Json::Array(objects.into_iter().map(Json::Object).collect()),
    );
    let model = bundle::read(Json::Object(bundle), options)?;
    Ok(finish(model, options))
}

/// Imports an Attack Flow Builder `.afb` file: every object, property and line is kept, the
/// layout is dropped, and the branches of conditions become real branches.
pub fn import_afb(json: &str, options: &ImportOptions) -> Result<Imported, ImportError> {
    check_size(json)?;
    let value = parse_json(json)?;
    let model = afb::read::read(value, options)?;
    Ok(finish(model, options))
}

fn finish(mut model: Model, options: &ImportOptions) -> Imported {
    let mut written = write::write(&model, options);
    let mut notes = std::mem::take(&mut model.notes);
    notes.append(&mut written.notes);
    let source = match af_fmt::format_source(&written.text) {
        Ok(s) => s,
        Err(diags) => {
            notes.push(format!(
                "the imported text could not be formatted ({}); it is given unformatted",
                diags.first().map_or("no detail", |d| d.message.as_str())
            ));
            written.text
        }
    };
    let verified = verify::verify(&model, &source, &written.explained);
    notes.extend(verified.notes);
    let source = allow_warnings(source, &verified.warnings, &mut notes);
    Imported { source, notes }
}

/// Acknowledges the warnings of the imported source in an `# afc: allow …` comment above the
/// header, so that the file checks clean (they are about what the input says, which the import
/// keeps), and says which they were in a note.
fn allow_warnings(source: String, warnings: &[(String, usize)], notes: &mut Vec<String>) -> String {
    if warnings.is_empty() {
        return source;
    }
    let codes: Vec<&str> = warnings.iter().map(|(c, _)| c.as_str()).collect();
    let counted: Vec<String> = warnings.iter().map(|(c, n)| format!("{c} ({n})")).collect();
    notes.push(format!(
        "the input's content gives warnings, kept as imported and allowed by the `# afc: allow` comment at the top (delete it to see them with `afc check`): {}",
        counted.join(", ")
    ));
    let text = format!(
        "# afc: allow {} (what the input says, kept as imported)\n{source}",
        codes.join(", ")
    );
    af_fmt::format_source(&text).unwrap_or(text)
}

fn check_size(json: &str) -> Result<(), ImportError> {
    let bytes = json.len() as u64;
    if bytes > MAX_INPUT_BYTES {
        return Err(ImportError::TooLarge { bytes });
    }
    Ok(())
}

fn parse_json(json: &str) -> Result<Json, ImportError> {
    serde_json::from_str(json.strip_prefix('\u{feff}').unwrap_or(json)).map_err(|e| {
        let message = e.to_string();
        // serde_json appends " at line L column C"; the fields say it already.
        let message = match message.rfind(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        ImportError::NotJson {
            line: e.line(),
            column: e.column(),
            message,
        }
    })
}

/// A short description of a JSON value for error messages.
pub(crate) fn describe(v: &Json) -> String {
    match v {
        Json::Null => "null".into(),
        Json::Bool(_) => "a boolean".into(),
        Json::Number(_) => "a number".into(),
        Json::String(_) => "a string".into(),
        Json::Array(a) => format!("an array of {} items", a.len()),
        Json::Object(m) => match m.get("type").and_then(Json::as_str) {
            Some(t) => format!("an object of type `{t}`"),
            None => "an object without a `type`".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_say_what_is_wrong() {
        let o = ImportOptions::default();
        match import_bundle("{\n  \"type\": \"bundle\",\n  oops\n}", &o) {
            Err(ImportError::NotJson { line: 3, column, .. }) => assert!(column >= 3),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            import_bundle("[1, 2]", &o),
            Err(ImportError::NotABundle { found }) if found.contains("array")
        ));
        assert!(matches!(
            import_bundle(r#"{"type": "bundle", "id": "bundle--1", "objects": []}"#, &o),
            Err(ImportError::NoFlow)
        ));
        let two = r#"{"type": "bundle", "objects": [
            {"type": "attack-flow", "id": "attack-flow--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"},
            {"type": "attack-flow", "id": "attack-flow--1c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"}]}"#;
        assert_eq!(import_bundle(two, &o), Err(ImportError::ManyFlows { count: 2 }));
        assert!(matches!(
            import_afb(r#"{"schema": "attack_flow_v9", "objects": []}"#, &o),
            Err(ImportError::UnknownAfbVersion { schema }) if schema == "attack_flow_v9"
        ));
        assert!(matches!(
            import_afb(r#"{"type": "bundle"}"#, &o),
            Err(ImportError::NotAnAfb { .. })
        ));
        let msg = ImportError::ManyFlows { count: 2 }.to_string();
        assert!(msg.contains("2 `attack-flow` objects"), "{msg}");
    }
}
