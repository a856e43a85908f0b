//! `# afc: allow W0104, W0201 (why)`: warnings a file is known to have, acknowledged in the
//! file itself. An imported flow keeps what its input says (a Builder-style branch, a revoked
//! technique), and `afc import` lists those warnings in such a comment so that the file checks
//! clean while the reader still sees which warnings it has. The comment may stand anywhere in
//! the file and covers the whole file. It never hides an error.

use af_diagnostics::Diagnostic;
use af_syntax::File;

/// The warning codes the file's `# afc: allow …` comments name, in order of appearance.
pub fn allowed_codes(file: &File) -> Vec<String> {
    let mut codes: Vec<String> = Vec::new();
    for c in &file.comments {
        for code in directive_codes(&c.text) {
            if !codes.iter().any(|x| x == code) {
                codes.push(code.to_string());
            }
        }
    }
    codes
}

/// The codes of one comment: `# afc: allow CODE, CODE … anything else`. The list ends at the
/// first word that is not shaped like a code (`W0104`); the rest is free text.
fn directive_codes(text: &str) -> Vec<&str> {
    let rest = text.trim_start_matches('#').trim_start();
    let Some(rest) = rest.strip_prefix("afc:") else {
        return Vec::new();
    };
    let Some(rest) = rest.trim_start().strip_prefix("allow") else {
        return Vec::new();
    };
    if !rest.starts_with(char::is_whitespace) {
        return Vec::new();
    }
    rest.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .take_while(|w| is_code(w))
        .collect()
}

fn is_code(w: &str) -> bool {
    let b = w.as_bytes();
    b.len() == 5 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
}

/// Drops the warnings (never the errors) whose code the file allows.
pub(crate) fn apply(file: &File, diagnostics: &mut Vec<Diagnostic>) {
    let allowed = allowed_codes(file);
    if allowed.is_empty() {
        return;
    }
    diagnostics.retain(|d| d.is_error() || !allowed.iter().any(|c| *c == d.code));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_name_codes_until_the_first_other_word() {
        assert_eq!(directive_codes("# afc: allow W0104"), ["W0104"]);
        assert_eq!(
            directive_codes("#afc: allow W0104, W0201 W0401 (kept as imported, see W0999)"),
            ["W0104", "W0201", "W0401"]
        );
        assert!(directive_codes("# afc: allowW0104").is_empty());
        assert!(directive_codes("# allow W0104").is_empty());
        assert!(directive_codes("# afc: deny W0104").is_empty());
    }

    #[test]
    fn allowed_warnings_go_and_errors_stay() {
        let src = "# afc: allow W0202, E0105\nflow \"F\" { created: 2026-01-01T00:00:00Z }\naction a T1566 { asset_refs: [nope] }\n";
        let compiled = crate::compile_str(src, &crate::Options::default());
        let codes: Vec<&str> = compiled.diagnostics.iter().map(|d| d.code).collect();
        assert!(!codes.contains(&"W0202"), "{codes:?}");
        assert!(codes.contains(&"E0105"), "{codes:?}");
        let without = crate::compile_str(&src[src.find('\n').unwrap_or(0)..], &crate::Options::default());
        assert!(without.diagnostics.iter().any(|d| d.code == "W0202"));
    }
}
