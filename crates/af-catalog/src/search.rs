//! Word search and did-you-mean over technique ids and names, and over the ids, names and
//! aliases of ATT&CK groups, software, campaigns and mitigations.

use crate::model::{AttackObject, CatalogKind, Domain, ObjectKind, Tactic, Technique};
use crate::Catalog;
use serde::Serialize;
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

/// Ranked technique hits: tiers 0 exact id, 1 id prefix, 2 word prefixes, 3 contained words.
fn technique_keys(cat: &Catalog, q: &str, catalogs: &[CatalogKind]) -> Vec<Key> {
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
    hits
}

/// The best `limit` keys, in order.
fn best<K: Ord>(mut hits: Vec<K>, limit: usize) -> Vec<K> {
    if hits.len() > limit {
        hits.select_nth_unstable(limit - 1);
        hits.truncate(limit);
    }
    hits.sort_unstable();
    hits
}

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
    best(technique_keys(cat, q, catalogs), limit)
        .into_iter()
        .map(|k| &cat.techniques[k.5 as usize])
        .collect()
}

/// One lowercased name with the byte offsets where its words start.
#[derive(Debug, Clone)]
struct Name {
    text: Box<str>,
    starts: Box<[u32]>,
}

/// The name and aliases of an object, for search.
#[derive(Debug, Clone)]
pub(crate) struct Names {
    /// The name, then the aliases.
    names: Box<[Name]>,
}

impl Names {
    pub(crate) fn new(o: &AttackObject) -> Names {
        let names = std::iter::once(&o.name)
            .chain(&o.aliases)
            .map(|n| {
                let text = n.to_lowercase();
                let starts = word_starts(&text);
                Name {
                    text: text.into_boxed_str(),
                    starts,
                }
            })
            .collect();
        Names { names }
    }

    pub(crate) fn heap_size(&self) -> usize {
        self.names
            .iter()
            .map(|n| n.text.len() + n.starts.len() * std::mem::size_of::<u32>() + std::mem::size_of::<Name>())
            .sum()
    }
}

fn word_starts(text: &str) -> Box<[u32]> {
    let mut starts = Vec::new();
    let mut prev_word = false;
    for (i, c) in text.char_indices() {
        let w = is_word(c);
        if w && !prev_word {
            starts.push(i as u32);
        }
        prev_word = w;
    }
    starts.into_boxed_slice()
}

/// Which records [`Catalog::search_all`] looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// Catalogs whose techniques are searched (empty: all). Objects are ATT&CK's, so a list
    /// without ATT&CK leaves them out.
    pub catalogs: Vec<CatalogKind>,
    /// Search techniques.
    pub techniques: bool,
    /// Kinds of ATT&CK objects searched (empty: none).
    pub objects: Vec<ObjectKind>,
}

impl Default for Filter {
    /// Everything: techniques of every catalog and every kind of object.
    fn default() -> Self {
        Filter {
            catalogs: Vec::new(),
            techniques: true,
            objects: ObjectKind::ALL.to_vec(),
        }
    }
}

/// A technique, tactic or ATT&CK object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record<'a> {
    /// A technique or sub-technique.
    Technique(&'a Technique),
    /// A tactic.
    Tactic(&'a Tactic),
    /// A group, software, campaign or mitigation.
    Object(&'a AttackObject),
}

impl<'a> Record<'a> {
    /// `technique`, `tactic`, `group`, `software`, `campaign` or `mitigation` (the `kind` of
    /// `afc attack --format json`).
    pub fn kind(&self) -> String {
        match self {
            Record::Technique(_) => "technique".to_string(),
            Record::Tactic(_) => "tactic".to_string(),
            Record::Object(o) => o.kind.to_string(),
        }
    }

    /// The id.
    pub fn id(&self) -> &'a str {
        match self {
            Record::Technique(t) => &t.id,
            Record::Tactic(t) => &t.id,
            Record::Object(o) => &o.id,
        }
    }

    /// The name (for sub-techniques the full `Parent: Child` name).
    pub fn name(&self) -> String {
        match self {
            Record::Technique(t) => t.full_name(),
            Record::Tactic(t) => t.name.to_string(),
            Record::Object(o) => o.name.to_string(),
        }
    }

    /// True when current.
    pub fn is_active(&self) -> bool {
        match self {
            Record::Technique(t) => t.status.is_active(),
            Record::Tactic(t) => !t.deprecated,
            Record::Object(o) => o.status.is_active(),
        }
    }
}

/// One result of [`Catalog::search_all`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit<'a> {
    /// What was found.
    pub record: Record<'a>,
    /// The alias that matched, when the object's name did not.
    pub alias: Option<&'a str>,
}

/// Object tiers: 0 exact id, 1 id prefix, 2 exact name or alias, 3 word prefixes in one name,
/// 4 contained words in one name; with the index of the name that matched (0: the name).
fn object_tier(
    o: &AttackObject,
    names: &Names,
    q: &str,
    q_slug: &str,
    q_words: &[String],
) -> Option<(u8, usize)> {
    if o.id.eq_ignore_ascii_case(q) {
        return Some((0, 0));
    }
    if !q.contains(char::is_whitespace) && starts_with_ci(&o.id, q) {
        return Some((1, 0));
    }
    if q_words.is_empty() {
        return None;
    }
    let mut found: Option<(u8, usize)> = None;
    for (i, Name { text, starts }) in names.names.iter().enumerate() {
        let tier = if slug(text) == q_slug {
            2
        } else if q_words.iter().all(|w| {
            starts
                .iter()
                .any(|&s| text.get(s as usize..).is_some_and(|r| r.starts_with(w.as_str())))
        }) {
            3
        } else if q_words.iter().all(|w| text.contains(w.as_str())) {
            4
        } else {
            continue;
        };
        if found.is_none_or(|(t, _)| tier < t) {
            found = Some((tier, i));
        }
    }
    found
}

pub(crate) fn search_all<'a>(cat: &'a Catalog, query: &str, filter: &Filter, limit: usize) -> Vec<Hit<'a>> {
    let q = query.trim();
    if q.is_empty() || limit == 0 {
        return Vec::new();
    }
    // (tier, inactive, sub-technique, name length, domain, 0 technique / 1 object, index,
    // matched name)
    type AllKey = (u8, bool, bool, usize, Domain, u8, u32, usize);
    let mut hits: Vec<AllKey> = Vec::new();
    if filter.techniques {
        for k in technique_keys(cat, q, &filter.catalogs) {
            let tier = if k.0 < 2 { k.0 } else { k.0 + 1 };
            hits.push((tier, k.1, k.2, k.3, k.4, 0, k.5, 0));
        }
    }
    let objects_wanted = filter.catalogs.is_empty() || filter.catalogs.contains(&CatalogKind::Attack);
    if objects_wanted && !filter.objects.is_empty() {
        let q_slug = slug(q);
        let q_words = words(q);
        for (i, (o, names)) in cat.objects.iter().zip(&cat.object_search).enumerate() {
            if !filter.objects.contains(&o.kind) {
                continue;
            }
            let Some((tier, name)) = object_tier(o, names, q, &q_slug, &q_words) else {
                continue;
            };
            let len = if tier < 2 { 0 } else { names.names[name].text.len() };
            let domain = o.domains.first().copied().unwrap_or(Domain::None);
            hits.push((tier, !o.status.is_active(), false, len, domain, 1, i as u32, name));
        }
    }
    best(hits, limit)
        .into_iter()
        .map(|k| {
            if k.5 == 0 {
                Hit {
                    record: Record::Technique(&cat.techniques[k.6 as usize]),
                    alias: None,
                }
            } else {
                let o = &cat.objects[k.6 as usize];
                Hit {
                    record: Record::Object(o),
                    alias: k
                        .7
                        .checked_sub(1)
                        .and_then(|a| o.aliases.get(a))
                        .map(|a| a.as_ref()),
                }
            }
        })
        .collect()
}

/// A did-you-mean candidate (one entry of `suggestions` in `afc attack --format json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// The id.
    pub id: String,
    /// The name (full name for sub-techniques).
    pub name: String,
    /// `technique`, `tactic`, `group`, `software`, `campaign` or `mitigation`.
    pub kind: String,
}

impl From<Record<'_>> for Suggestion {
    fn from(r: Record<'_>) -> Suggestion {
        Suggestion {
            id: r.id().to_string(),
            name: r.name(),
            kind: r.kind(),
        }
    }
}

pub(crate) fn did_you_mean(cat: &Catalog, input: &str) -> Vec<Suggestion> {
    const TACTIC_PREFIXES: [&str; 4] = ["AML.TA", "F3.TA", "F3.FA", "TA"];
    const OBJECT_PREFIXES: [&str; 4] = ["G", "S", "C", "M"];
    let id = input.trim();
    let up = id.to_ascii_uppercase();
    // The id's kind prefix, when the rest looks like a number (possibly mistyped: `G0O16`).
    let shaped = |prefixes: &[&'static str]| {
        prefixes.iter().copied().find(|p| {
            up.strip_prefix(p).is_some_and(|rest| {
                rest.bytes().any(|b| b.is_ascii_digit()) && rest.bytes().all(|b| b.is_ascii_alphanumeric())
            })
        })
    };
    let Some(prefix) = shaped(&TACTIC_PREFIXES).or_else(|| shaped(&OBJECT_PREFIXES)) else {
        let mut out: Vec<Suggestion> = close_object_names(cat, id)
            .into_iter()
            .map(|o| Record::Object(o).into())
            .collect();
        for t in suggest(cat, id) {
            if out.len() == MAX_SUGGESTIONS {
                break;
            }
            out.push(Record::Technique(t).into());
        }
        return out;
    };
    // `O` for `0` and `I`/`L` for `1` are the likeliest slips; such a fix ranks first.
    let fixed: String = prefix
        .chars()
        .chain(up[prefix.len()..].chars().map(|c| match c {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        }))
        .collect();
    let mut found: Vec<(bool, Suggestion)> = Vec::new();
    let mut consider = |record: Record<'_>| {
        let cup = record.id().to_ascii_uppercase();
        if (cup == fixed || af_suggest::edit_distance(&cup, &up) <= 1)
            && !found.iter().any(|f| f.1.id == record.id())
        {
            found.push((cup != fixed, record.into()));
        }
    };
    if TACTIC_PREFIXES.contains(&prefix) {
        for t in cat.tactics(None) {
            consider(Record::Tactic(t));
        }
    } else {
        for o in cat.objects() {
            consider(Record::Object(o));
        }
    }
    found.sort_by(|a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)));
    found.into_iter().take(MAX_SUGGESTIONS).map(|(_, s)| s).collect()
}

/// Objects whose name or an alias is spelt close to `input`, closest first.
fn close_object_names<'a>(cat: &'a Catalog, input: &str) -> Vec<&'a AttackObject> {
    let lower = input.trim().to_lowercase();
    if lower.chars().count() < 3 {
        return Vec::new();
    }
    let mut hits: Vec<(Reverse<u32>, bool, u32)> = Vec::new();
    for (i, (o, names)) in cat.objects.iter().zip(&cat.object_search).enumerate() {
        let score = names
            .names
            .iter()
            .map(|n| similarity(&lower, &n.text))
            .fold(0.0, f64::max);
        if score >= NAME_SIMILARITY {
            hits.push((
                Reverse((score * 1000.0).round() as u32),
                !o.status.is_active(),
                i as u32,
            ));
        }
    }
    hits.sort_unstable();
    let mut out: Vec<&AttackObject> = Vec::new();
    for h in hits {
        let o = &cat.objects[h.2 as usize];
        // The same object in several domains counts once.
        if !out.iter().any(|x| x.id == o.id && x.kind == o.kind) {
            out.push(o);
        }
        if out.len() == MAX_SUGGESTIONS {
            break;
        }
    }
    out
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
            let d = af_suggest::edit_distance(key, &up);
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
    1.0 - af_suggest::edit_distance(a, b) as f64 / longest as f64
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
