//! The one edit distance of afc, and the did-you-mean built on it.
//!
//! [`edit_distance`] counts the edits that turn one word into another: inserting, deleting or
//! replacing a character, or swapping two adjacent ones (the optimal string alignment
//! distance: a swapped pair, the commonest slip, is one edit, and no substring is edited
//! twice). [`closest`] picks the candidate a misspelt word most likely meant. Every
//! did-you-mean in afc (the compiler's, the validator's, the catalog's, the analyses') and the
//! catalog's fuzzy search measure with these, so they agree on what "close" means.
//!
//! This crate knows words only: nothing of the language, STIX, the catalogs or diagnostics.
//! It has no dependencies, so the lowest crates (`af-diagnostics`, `af-catalog`) can use it.

/// The number of single-character insertions, deletions, substitutions and swaps of adjacent
/// characters that turn `a` into `b` (the optimal string alignment distance, over chars).
/// Case counts: lower-case both words first to ignore it.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    Rows::default().distance(&a, &b)
}

/// Closest candidate to `word` among `candidates` for a did-you-mean hint, if any is close:
/// the first with the smallest case-insensitive [`edit_distance`], at most a third of the
/// longer word's length (and at least 1).
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word: Vec<char> = word.chars().map(|c| c.to_ascii_lowercase()).collect();
    let mut best: Option<(usize, &'a str)> = None;
    // Buffers reused across candidates: a file with thousands of names asks this often.
    let mut cand = Vec::new();
    let mut rows = Rows::default();
    for c in candidates {
        let len = c.chars().count();
        let limit = (word.len().max(len) / 3).max(1);
        // The distance is at least the difference in length: skip what cannot win.
        let bound = word.len().abs_diff(len);
        if bound > limit || best.is_some_and(|(bd, _)| bound >= bd) {
            continue;
        }
        cand.clear();
        cand.extend(c.chars().map(|c| c.to_ascii_lowercase()));
        let d = rows.distance(&word, &cand);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
            if d == 0 {
                break;
            }
        }
    }
    best.map(|(_, c)| c)
}

/// The three rows of the distance table the computation keeps, reusable across calls.
#[derive(Default)]
struct Rows {
    before: Vec<usize>,
    prev: Vec<usize>,
    cur: Vec<usize>,
}

impl Rows {
    fn distance(&mut self, a: &[char], b: &[char]) -> usize {
        let n = b.len();
        let Rows { before, prev, cur } = self;
        before.clear();
        before.resize(n + 1, 0);
        prev.clear();
        prev.extend(0..=n);
        cur.clear();
        cur.resize(n + 1, 0);
        // `cur` is row i + 1 of the table (the first i + 1 chars of `a`), `prev` row i,
        // `before` row i - 1.
        for (i, &ca) in a.iter().enumerate() {
            cur[0] = i + 1;
            for (j, &cb) in b.iter().enumerate() {
                let cost = usize::from(ca != cb);
                let mut d = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
                if i > 0 && j > 0 && ca == b[j - 1] && a[i - 1] == cb {
                    d = d.min(before[j - 1] + 1);
                }
                cur[j + 1] = d;
            }
            std::mem::swap(before, prev);
            std::mem::swap(prev, cur);
        }
        prev[n]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The distance by its definition, over the whole table.
    fn by_definition(a: &str, b: &str) -> usize {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in d[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut v = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        d[a.len()][b.len()]
    }

    #[test]
    fn counts_edits_and_swaps() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("phish", "phish"), 0);
        assert_eq!(edit_distance("phsh", "phish"), 1);
        assert_eq!(edit_distance("phish", "phosh"), 1);
        // A swap of neighbours is one edit …
        assert_eq!(edit_distance("actoin", "action"), 1);
        assert_eq!(edit_distance("T1656", "T1566"), 1);
        // … but a swapped pair is not edited again (optimal string alignment, not the
        // unrestricted Damerau-Levenshtein distance, which gives 2).
        assert_eq!(edit_distance("ca", "abc"), 3);
        assert_eq!(edit_distance("ébc", "bèc"), 2);
        assert_eq!(edit_distance("Phish", "phish"), 1);
    }

    proptest! {
        #[test]
        fn agrees_with_the_definition(a in "[a-dé]{0,8}", b in "[a-dé]{0,8}") {
            prop_assert_eq!(edit_distance(&a, &b), by_definition(&a, &b));
            prop_assert_eq!(edit_distance(&a, &b), edit_distance(&b, &a));
        }
    }

    #[test]
    fn closest_agrees_with_the_plain_definition() {
        fn plain<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
            let mut best: Option<(usize, &'a str)> = None;
            for c in candidates {
                let d = by_definition(&word.to_ascii_lowercase(), &c.to_ascii_lowercase());
                let limit = (word.chars().count().max(c.chars().count()) / 3).max(1);
                if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
                    best = Some((d, c));
                }
            }
            best.map(|(_, c)| c)
        }
        let words = [
            "",
            "a",
            "ab",
            "ba",
            "phish",
            "Phish",
            "phsh",
            "phsih",
            "lateral_move",
            "T1566",
            "t1566.001",
            "ébc",
            "x1",
            "initial-access",
            "asset_refs",
            "AssetRefs",
        ];
        for w in words {
            for n in 0..words.len() {
                let cands: Vec<&str> = words.iter().cycle().skip(n).take(words.len()).copied().collect();
                assert_eq!(
                    closest(w, cands.iter().copied()),
                    plain(w, &cands),
                    "{w} in {cands:?}"
                );
            }
        }
    }

    #[test]
    fn closest_finds_near_names() {
        assert_eq!(closest("phsh", ["phish", "login", "vps"]), Some("phish"));
        assert_eq!(closest("actoin", ["asset", "action"]), Some("action"));
        assert_eq!(closest("zzzzzz", ["phish", "login"]), None);
    }
}
