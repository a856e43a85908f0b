//! Errors from loading a user-supplied ATT&CK bundle or generating the data file.

use std::fmt;
use std::path::PathBuf;

/// The largest ATT&CK bundle [`crate::Catalog::from_attack_bundle`] accepts (512 MiB).
pub const MAX_BUNDLE_BYTES: u64 = 512 * 1024 * 1024;

/// Why a catalog could not be built.
#[derive(Debug)]
pub enum CatalogError {
    /// A file could not be read.
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The input is larger than [`MAX_BUNDLE_BYTES`].
    TooLarge {
        /// The file, when the input came from one.
        path: Option<PathBuf>,
        /// Its size in bytes, when it was known before reading (a device or a pipe has none:
        /// the read stopped at the limit).
        size: Option<u64>,
        /// The limit in bytes.
        limit: u64,
    },
    /// The input is not valid JSON, or a field has the wrong JSON type.
    Json {
        /// What the JSON reader said.
        message: String,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
    },
    /// The JSON is not a STIX bundle (no `"type": "bundle"`, no `objects` array).
    NotABundle(String),
    /// The bundle holds no `attack-pattern` with an ATT&CK id.
    NoTechniques,
    /// Input for the generator is inconsistent (message says what and where).
    Invalid(String),
}

impl CatalogError {
    pub(crate) fn json(err: &serde_json::Error) -> CatalogError {
        CatalogError::Json {
            message: err.to_string(),
            line: err.line(),
            column: err.column(),
        }
    }
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CatalogError::Io { path, source } => {
                write!(f, "cannot read `{}`: {source}", path.display())
            }
            CatalogError::TooLarge { path, size, limit } => {
                let mib = |n: u64| n as f64 / (1024.0 * 1024.0);
                let what = match path {
                    Some(p) => format!("`{}`", p.display()),
                    None => "the ATT&CK bundle".to_string(),
                };
                match size {
                    Some(size) => write!(f, "{what} is {:.1} MiB", mib(*size))?,
                    None => write!(f, "{what} holds more than {:.0} MiB", mib(*limit))?,
                }
                write!(
                    f,
                    "; ATT&CK bundles larger than {:.0} MiB are refused",
                    mib(*limit)
                )
            }
            CatalogError::Json {
                message,
                line,
                column,
            } => {
                // serde_json already appends "at line L column C" to most messages.
                if message.contains(" at line ") {
                    write!(f, "the ATT&CK bundle is not valid JSON: {message}")
                } else {
                    write!(
                        f,
                        "the ATT&CK bundle is not valid JSON: {message} at line {line} column {column}"
                    )
                }
            }
            CatalogError::NotABundle(why) => write!(f, "not a STIX bundle: {why}"),
            CatalogError::NoTechniques => f.write_str(
                "the STIX bundle holds no ATT&CK technique (no attack-pattern with a mitre-attack external id)",
            ),
            CatalogError::Invalid(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for CatalogError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CatalogError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
