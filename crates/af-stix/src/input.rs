//! Reading STIX JSON text as every afc tool does.

/// The text without a leading UTF-8 byte order mark. Bundles saved by Windows tools often
/// start with one; JSON parsers refuse it, so every reader of bundle text (import, validate,
/// render) strips it here first.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_leading_mark_goes() {
        assert_eq!(strip_bom("\u{feff}{}"), "{}");
        assert_eq!(strip_bom("{\"a\": \"\u{feff}\"}"), "{\"a\": \"\u{feff}\"}");
        assert_eq!(strip_bom(""), "");
    }
}
