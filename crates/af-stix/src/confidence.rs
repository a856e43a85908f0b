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

/// Every confidence word afc accepts, with its STIX value.
const TERMS: &[(&str, u8)] = &[
    // A.1 None / Low / Med / High.
    ("none", 0),
    ("low", 15),
    ("med", 50),
    ("medium", 50),
    ("high", 85),
    // A.5 DNI scale (ICD 203 terms).
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
    // A.4 Words of Estimative Probability (terms not already above).
    ("impossible", 0),
    ("highly-unlikely", 10),
    ("almost-certainly-not", 10),
    ("probably-not", 30),
    ("even-chance", 50),
    ("highly-likely", 90),
    ("certain", 100),
    // A.3 Admiralty Credibility (terms not already above).
    ("confirmed-by-other-sources", 90),
    ("probably-true", 70),
    ("possibly-true", 50),
    ("doubtful", 30),
];

/// The STIX confidence value (0–100) of a confidence word, e.g. `probable` → 70,
/// `almost-certain` → 95, `med` → 50. Words are matched exactly (lower-case kebab-case).
pub fn term_value(word: &str) -> Option<u8> {
    TERMS.iter().find(|(w, _)| *w == word).map(|(_, v)| *v)
}

/// Every confidence word with its STIX value, grouped by scale.
pub fn terms() -> &'static [(&'static str, u8)] {
    TERMS
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
    fn words_are_unique_kebab_case_and_in_range() {
        let mut words: Vec<&str> = terms().iter().map(|(w, _)| *w).collect();
        let count = words.len();
        words.sort_unstable();
        words.dedup();
        assert_eq!(words.len(), count, "a word is listed twice");
        for (word, value) in terms() {
            assert!(*value <= 100, "{word}");
            assert!(
                word.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{word}"
            );
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
