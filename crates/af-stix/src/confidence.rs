//! The confidence scales of the STIX 2.1 specification (Appendix A, "Confidence Scales"), as
//! kebab-case words mapped to the 0–100 value STIX `confidence` takes.
//!
//! Each scale in Appendix A gives, for every term, a range of confidence values and the single
//! value to use when converting the term to a number; this module uses that conversion value.
//! Sources: STIX 2.1 Appendix A tables A.1 (None/Low/Med/High), A.2 (0–10), A.3 (Admiralty
//! Credibility), A.4 (Words of Estimative Probability, WEP) and A.5 (DNI/ICD 203 scale), as
//! reproduced by EclecticIQ's STIX 2.1 documentation ("Low 15, Medium 50, High 85 ... complies
//! with the conversion tables in Appendix A") and by the conversion tables of OASIS'
//! `stix2-elevator` (WEP and DNI values).
//!
//! Where two scales use the same word with different values, the DNI scale wins, because its
//! terms are the ones the language documents: `almost-certain` is 95 (DNI "Almost Certain /
//! Nearly Certain"), not 90 (WEP "Highly Likely / Almost Certain"); `improbable` is 30 (DNI
//! "Unlikely / Improbable"), not 10 (Admiralty "5 - Improbable"). Admiralty 6 ("Truth cannot be
//! judged") has no numeric value in the specification and is not listed.

/// One confidence scale: its name, where it comes from, and its words with their STIX values,
/// lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    /// A short name ("DNI / ICD 203").
    pub name: &'static str,
    /// Where the scale and its conversion values come from.
    pub source: &'static str,
    /// The words (kebab-case) and their values.
    pub terms: &'static [(&'static str, u8)],
}

/// Every scale afc accepts words of. Where two scales use the same word with different values,
/// the earlier scale wins (see the module documentation).
pub const SCALES: &[Scale] = &[
    Scale {
        name: "None / Low / Med / High",
        source: "STIX 2.1 Appendix A.1",
        terms: &[
            ("none", 0),
            ("low", 15),
            ("med", 50),
            ("medium", 50),
            ("high", 85),
        ],
    },
    Scale {
        name: "DNI / ICD 203",
        source: "STIX 2.1 Appendix A.5",
        terms: &[
            ("almost-no-chance", 5),
            ("remote", 5),
            ("very-unlikely", 15),
            ("highly-improbable", 15),
            ("unlikely", 30),
            ("improbable", 30),
            ("roughly-even-chance", 50),
            ("roughly-even-odds", 50),
            ("likely", 70),
            ("probable", 70),
            ("very-likely", 85),
            ("highly-probable", 85),
            ("almost-certain", 95),
            ("nearly-certain", 95),
        ],
    },
    Scale {
        name: "Words of Estimative Probability",
        source: "STIX 2.1 Appendix A.4",
        terms: &[
            ("impossible", 0),
            ("highly-unlikely", 10),
            ("almost-certainly-not", 10),
            ("probably-not", 30),
            ("even-chance", 50),
            ("highly-likely", 90),
            ("certain", 100),
        ],
    },
    Scale {
        name: "Admiralty Credibility",
        source: "STIX 2.1 Appendix A.3",
        terms: &[
            ("doubtful", 30),
            ("possibly-true", 50),
            ("probably-true", 70),
            ("confirmed-by-other-sources", 90),
        ],
    },
    Scale {
        name: "Attack Flow Builder",
        source: "the confidence choices of the Attack Flow Builder and the numbers its export writes",
        terms: &[
            ("speculative", 0),
            ("very-doubtful", 10),
            ("doubtful", 30),
            ("even-odds", 50),
            ("probable", 70),
            ("very-probable", 90),
            ("certain", 100),
        ],
    },
];

/// The STIX confidence value (0–100) of a confidence word, e.g. `probable` → 70,
/// `almost-certain` → 95, `very-probable` → 90. Words are matched exactly (lower-case
/// kebab-case); the first scale that has the word decides.
pub fn term_value(word: &str) -> Option<u8> {
    SCALES
        .iter()
        .flat_map(|s| s.terms.iter())
        .find(|(w, _)| *w == word)
        .map(|(_, v)| *v)
}

/// Every confidence word with its STIX value, each word once, in scale order.
pub fn terms() -> Vec<(&'static str, u8)> {
    let mut out: Vec<(&'static str, u8)> = Vec::new();
    for (w, v) in SCALES.iter().flat_map(|s| s.terms.iter()) {
        if !out.iter().any(|(x, _)| x == w) {
            out.push((w, *v));
        }
    }
    out
}

/// The STIX confidence value of a point on the 0–10 scale (Appendix A.2: `n` converts to
/// `n * 10`), or `None` above 10.
pub fn from_zero_to_ten(n: u8) -> Option<u8> {
    (n <= 10).then(|| n * 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_conversion_values() {
        // Spot checks against STIX 2.1 Appendix A, one or two per scale, and the documented
        // choice for words two scales share (the DNI value wins).
        assert_eq!(term_value("med"), Some(50));
        assert_eq!(term_value("high"), Some(85));
        assert_eq!(term_value("remote"), Some(5));
        assert_eq!(term_value("probable"), Some(70));
        assert_eq!(term_value("almost-certain"), Some(95));
        assert_eq!(term_value("improbable"), Some(30));
        assert_eq!(term_value("certain"), Some(100));
        assert_eq!(term_value("doubtful"), Some(30));
    }

    #[test]
    fn unknown_words_are_rejected() {
        for bad in ["Likely", "very likely", "very_likely", "sure", "", "50"] {
            assert_eq!(term_value(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn builder_words_have_the_builder_values() {
        let builder = SCALES.iter().find(|s| s.name == "Attack Flow Builder");
        for (w, v) in builder.map_or(&[][..], |s| s.terms) {
            assert_eq!(term_value(w), Some(*v), "{w}");
        }
        assert_eq!(term_value("very-probable"), Some(90));
        assert_eq!(term_value("speculative"), Some(0));
    }

    #[test]
    fn words_are_kebab_case_in_range_and_sorted_within_each_scale() {
        for scale in SCALES {
            let mut prev = 0;
            for (w, v) in scale.terms {
                assert!(*v >= prev, "{}: {w} is out of order", scale.name);
                prev = *v;
            }
            let mut words: Vec<&str> = scale.terms.iter().map(|(w, _)| *w).collect();
            let count = words.len();
            words.sort_unstable();
            words.dedup();
            assert_eq!(words.len(), count, "{}: a word is listed twice", scale.name);
        }
        for (word, value) in terms() {
            assert!(value <= 100, "{word}");
            assert!(
                word.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{word}"
            );
        }
    }

    /// docs/language.md lists every word of every scale.
    #[test]
    fn the_language_docs_list_every_word() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/language.md");
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let start = text.find("- `confidence` takes").unwrap_or(text.len());
        let section = &text[start..];
        let section = &section[..section.find("\n- ").unwrap_or(section.len())];
        for scale in SCALES {
            for (w, v) in scale.terms {
                let value = term_value(w).unwrap_or(*v);
                assert!(
                    section.contains(&format!("`{w}`")),
                    "docs/language.md does not list `{w}` ({})",
                    scale.name
                );
                assert!(section.contains(&format!("({value})")), "{w}: {value}");
            }
        }
    }

    #[test]
    fn zero_to_ten_scale() {
        assert_eq!(from_zero_to_ten(0), Some(0));
        assert_eq!(from_zero_to_ten(7), Some(70));
        assert_eq!(from_zero_to_ten(10), Some(100));
        assert_eq!(from_zero_to_ten(11), None);
    }
}
