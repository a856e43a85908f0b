//! Word search and did-you-mean over technique ids and names.

use crate::model::{CatalogKind, Domain, Technique};
use crate::Catalog;
use std::cmp::Reverse;

/// Precomputed search data for one technique.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// Lowercased full name (`phishing: spearphishing attachment`).
    text: Box<str>,
    /// Byte offsets in `text` where words start.
    starts: Box<[u32]>,
    /// Byte offset in `text` where the technique's own name starts.
    leaf_start: u32,
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric()
}

impl Entry {
    pub(crate) fn new(t: &Technique) -> Entry {
        let text = t.full_name().to_lowercase();
        let leaf = t.name.to_lowercase();
        let leaf_start = text.len().saturating_sub(leaf.len()) as u32;
        let mut starts = Vec::new();
        let mut prev_word = false;
        for (i, c) in text.char_indices() {
            let w = is_word(c);
            if w && !prev_word {
                starts.push(i as u32);
            }
            prev_word = w;
        }
        Entry {
            text: text.into_boxed_str(),
            starts: starts.into_boxed_slice(),
            leaf_start,
        }
    }

    pub(crate) fn heap_size(&self) -> usize {
        self.text.len() + self.starts.len() * std::mem::size_of::<u32>()
    }

    fn has_word_prefix(&self, word: &str) -> bool {
        self.starts
            .iter()
            .any(|&s| self.text.get(s as usize..).is_some_and(|r| r.starts_with(word)))
    }

    fn leaf(&self) -> &str {
        self.text.get(self.leaf_start as usize..).unwrap_or(&self.text)
    }
}

/// Lowercase words of `s`, split at anything that is not a letter or digit.
fn words(s: &str) -> Vec<String> {
    s.to_lowercase()
        .split(|c: char| !is_word(c))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// `Defense Impairment`, `defense_impairment` → `defense-impairment`.
pub(crate) fn slug(s: &str) -> String {
    words(s).join("-")
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// Sort key of a search hit; smaller is better. Unique per technique (ends with its index).
type Key = (u8, bool, bool, usize, Domain, u32);

pub(crate) fn search<'a>(
    cat: &'a Catalog,
    query: &str,
    catalogs: &[CatalogKind],
    limit: usize,
) -> Vec<&'a Technique> {
    let q = query.trim();
    if q.is_empty() || limit == 0 {
        return Vec::new();
    }
    let q_words = words(q);
    let mut hits: Vec<Key> = Vec::new();
    for (i, (t, e)) in cat.techniques.iter().zip(&cat.search).enumerate() {
        if !catalogs.is_empty() && !catalogs.contains(&t.catalog) {
            continue;
        }
        let tier = if t.id.eq_ignore_ascii_case(q) {
            0
        } else if starts_with_ci(&t.id, q) {
            1
        } else if q_words.is_empty() {
            continue;
        } else if q_words.iter().all(|w| e.has_word_prefix(w)) {
            2
        } else if q_words.iter().all(|w| e.text.contains(w.as_str())) {
            3
        } else {
            continue;
        };
        let inactive = !t.status.is_active();
        hits.push(if tier < 2 {
            // Id matches: id order, so parents come before their sub-techniques.
            (tier, inactive, false, 0, Domain::Enterprise, i as u32)
        } else {
            (
                tier,
                inactive,
                t.is_subtechnique(),
                e.text.len(),
                t.primary_domain(),
                i as u32,
            )
        });
    }
    if hits.len() > limit {
        hits.select_nth_unstable(limit - 1);
        hits.truncate(limit);
    }
    hits.sort_unstable();
    hits.into_iter().map(|k| &cat.techniques[k.5 as usize]).collect()
}

const MAX_SUGGESTIONS: usize = 3;

pub(crate) fn suggest<'a>(cat: &'a Catalog, input: &str) -> Vec<&'a Technique> {
    let q = input.trim();
    if q.is_empty() {
        return Vec::new();
    }
    let id_like = q.chars().any(|c| c.is_ascii_digit())
        && q.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    if id_like {
        let found = suggest_id(cat, q);
        if !found.is_empty() {
            return found;
        }
    }
    suggest_name(cat, q)
}

/// `T1566.01` → `T1566.001`: a sub-technique number written with fewer than three digits.
fn pad_sub(id: &str) -> Option<String> {
    let (base, last) = id.rsplit_once('.')?;
    (!last.is_empty() && last.len() < 3 && last.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("{base}.{last:0>3}"))
}

fn strip_separators(id: &str) -> String {
    id.chars().filter(|c| *c != '.' && *c != '-').collect()
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

fn suggest_id<'a>(cat: &'a Catalog, q: &str) -> Vec<&'a Technique> {
    let up = q.to_ascii_uppercase();
    let padded = pad_sub(&up);
    let bare = strip_separators(&up);
    let max_distance = if up.len() <= 5 { 1 } else { 2 };
    let sorted = |s: &str| {
        let mut b = s.as_bytes().to_vec();
        b.sort_unstable();
        b
    };
    let up_sorted = sorted(&up);
    // (distance, not a permutation of the input, shared prefix, inactive, index): among equal
    // distances, a transposition (which keeps every typed character) beats a substitution.
    let mut hits: Vec<(usize, bool, Reverse<usize>, bool, u32)> = Vec::new();
    for (key, idx) in &cat.technique_index {
        let key: &str = key;
        if key == up {
            continue;
        }
        let distance = if padded.as_deref() == Some(key) || strip_separators(key) == bare {
            0
        } else {
            if key.len().abs_diff(up.len()) > max_distance {
                continue;
            }
            let d = strsim::osa_distance(key, &up);
            if d > max_distance {
                continue;
            }
            d
        };
        let inactive = !cat.techniques[*idx as usize].status.is_active();
        let permuted = key.len() == up.len() && sorted(key) == up_sorted;
        hits.push((
            distance,
            !permuted,
            Reverse(common_prefix(key, &up)),
            inactive,
            *idx,
        ));
    }
    hits.sort_unstable();
    hits.into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|h| &cat.techniques[h.4 as usize])
        .collect()
}

/// 1.0 for equal strings, falling towards 0.0 with each edit (insert, delete, substitute,
/// transpose), relative to the longer string.
fn similarity(a: &str, b: &str) -> f64 {
    let (la, lb) = (a.chars().count(), b.chars().count());
    let longest = la.max(lb);
    if longest == 0 {
        return 1.0;
    }
    if la.abs_diff(lb) * 4 > longest {
        return 0.0;
    }
    1.0 - strsim::osa_distance(a, b) as f64 / longest as f64
}

const NAME_SIMILARITY: f64 = 0.8;

fn suggest_name<'a>(cat: &'a Catalog, q: &str) -> Vec<&'a Technique> {
    let lower = q.to_lowercase();
    // Scores in thousandths so the key sorts without floats.
    let mut hits: Vec<(Reverse<u32>, bool, bool, u32)> = Vec::new();
    for (i, (t, e)) in cat.techniques.iter().zip(&cat.search).enumerate() {
        let score = similarity(&lower, e.leaf()).max(similarity(&lower, &e.text));
        if score >= NAME_SIMILARITY {
            hits.push((
                Reverse((score * 1000.0).round() as u32),
                !t.status.is_active(),
                t.is_subtechnique(),
                i as u32,
            ));
        }
    }
    hits.sort_unstable();
    let mut out: Vec<&Technique> = hits
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|h| &cat.techniques[h.3 as usize])
        .collect();
    if out.len() < MAX_SUGGESTIONS {
        for t in search(cat, q, &[], MAX_SUGGESTIONS * 2) {
            if out.len() == MAX_SUGGESTIONS {
                break;
            }
            if t.status.is_active() && !out.iter().any(|o| o.id == t.id) {
                out.push(t);
            }
        }
    }
    out
}
