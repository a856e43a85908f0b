//! The compiled STIX bundle of a document, for "show STIX" commands.

use crate::snapshot::Snapshot;

/// The bundle as afc would write it, or `None` when the document has errors (after
/// `warningsAsErrors`), exactly when `afc compile` would write nothing.
pub fn compiled_stix(snap: &Snapshot) -> Option<String> {
    if snap.has_errors() {
        return None;
    }
    let compiled = af_compile::compile_str(&snap.text, &snap.config.compile_options());
    (!compiled.has_errors()).then(|| compiled.to_json())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::Config;
    use std::sync::Arc;

    const OK: &str =
        "flow \"F\" { scope: incident, created: 2026-01-01T00:00:00Z, description: \"d\" }\naction a T1566\n";

    #[test]
    fn bundle_only_without_errors() {
        let stix = compiled_stix(&Snapshot::with_defaults(OK)).unwrap_or_default();
        assert!(
            stix.contains("\"type\": \"bundle\"") && stix.contains("\"technique_id\": \"T1566\""),
            "{stix}"
        );
        assert!(compiled_stix(&Snapshot::with_defaults("action a T1566\n")).is_none());
    }

    #[test]
    fn warnings_as_errors_withholds_the_bundle() {
        let text = OK.replace(", description: \"d\"", "");
        let config = Config {
            warnings_as_errors: true,
            ..Config::default()
        };
        let strict = Snapshot::new(text.clone(), 1, Arc::new(config));
        assert!(strict
            .diagnostics
            .iter()
            .any(|d| d.code == "W0202" && d.is_error()));
        assert!(compiled_stix(&strict).is_none());
        assert!(compiled_stix(&Snapshot::with_defaults(&text)).is_some());
    }
}
