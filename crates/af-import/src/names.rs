//! Node names for imported objects: short snake_case taken from the object's text (its title,
//! else the technique's name), unique in the file, never a keyword, a kind word or a word the
//! parser reads as something else.
//!
//! Names are chosen for the whole file at once ([`assign`]), so that they never clash
//! confusingly: a name cut short is lengthened with its own next words while it equals, or is
//! the beginning of, another node's name (`adversary_obtains_credentials_from_vault` next to
//! `adversary_obtains_credentials_from_lsass`, not `adversary_obtains_credentials` twice); a
//! name never ends on a stop word (`enumerate_domain_trusts`, not
//! `enumerate_domain_trusts_with_a`) and leaves out articles; nodes whose text is the same are
//! numbered (`ingress_tool_transfer`, `ingress_tool_transfer_2`). Every step is linear in the
//! number of nodes (times the few words of a name).

use std::collections::{HashMap, HashSet};

/// Longest name taken from text (cut at a word boundary).
const MAX_LEN: usize = 36;

/// Longest a name may grow to tell it apart from another.
const EXTENDED_LEN: usize = 48;

/// Words that cannot name a node: `flow` is a keyword, `true`/`false` read as booleans.
const RESERVED: &[&str] = &["flow", "true", "false"];

/// Words a name does not end on.
const STOP_WORDS: &[&str] = &[
    "a", "about", "across", "after", "against", "all", "also", "an", "and", "another", "any", "are", "as",
    "at", "be", "been", "before", "both", "but", "by", "during", "each", "either", "every", "for", "from",
    "has", "have", "her", "his", "if", "in", "into", "is", "it", "its", "more", "most", "neither", "no",
    "not", "of", "on", "only", "onto", "or", "other", "out", "over", "own", "per", "same", "some", "such",
    "than", "that", "the", "their", "then", "these", "this", "those", "through", "to", "too", "under",
    "upon", "using", "very", "via", "was", "were", "when", "while", "with", "within", "without",
];

/// Articles, left out of names (`exploit_ssl_vpn`, not `exploit_the_ssl_vpn`).
const ARTICLES: &[&str] = &["a", "an", "the"];

/// What one node's name is made from.
#[derive(Debug, Clone, Default)]
pub(crate) struct Wanted {
    /// The kind word (`action`, `malware`, `ipv4_addr`, `x_acme_sensor`), used when no text
    /// gives a name, in front of a name that would start with a digit, and after a name that
    /// would be a kind word.
    pub kind: String,
    /// Texts to take the name from, best first (an action's title, then its technique's name).
    pub texts: Vec<String>,
    /// Always numbered (`and_1`, `or_2`): the first text is the base.
    pub numbered: bool,
}

/// One candidate while names are chosen.
struct Candidate {
    words: Vec<String>,
    /// Words in use.
    used: usize,
    name: String,
    numbered: bool,
}

impl Candidate {
    /// Whether words that would say more are left.
    fn cut_short(&self) -> bool {
        self.words[self.used..].iter().any(|w| !is_stop(w))
    }

    /// The next longer name (within [`EXTENDED_LEN`]) that differs from the current one.
    fn extend(&mut self) -> bool {
        let mut used = self.used;
        while used < self.words.len() {
            used += 1;
            let name = join(&self.words[..used]);
            if name.len() > EXTENDED_LEN {
                return false;
            }
            if name != self.name {
                self.used = used;
                self.name = name;
                return true;
            }
        }
        false
    }
}

/// Chooses a unique name for each node, in order.
pub(crate) fn assign(wanted: &[Wanted]) -> Vec<String> {
    let reserved = reserved_words();
    let mut cands: Vec<Candidate> = wanted.iter().map(|w| candidate(w, &reserved)).collect();
    lengthen_clashing(&mut cands);
    // Unique names first, so that numbering never takes another node's own name.
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for c in &cands {
        *counts.entry(c.name.as_str()).or_insert(0) += 1;
    }
    let mut taken: HashSet<String> = HashSet::with_capacity(cands.len());
    let mut out: Vec<Option<String>> = vec![None; cands.len()];
    for (i, c) in cands.iter().enumerate() {
        if !c.numbered && counts.get(c.name.as_str()) == Some(&1) && !reserved.contains(c.name.as_str()) {
            taken.insert(c.name.clone());
            out[i] = Some(c.name.clone());
        }
    }
    // Then the rest in order: the first of equal names keeps it, later ones get `_2`, `_3`…;
    // numbered names count from `_1`. Each base remembers where it stopped, so many equal
    // names take linear time.
    let mut next: HashMap<(String, bool), usize> = HashMap::new();
    for (i, c) in cands.iter().enumerate() {
        if out[i].is_some() {
            continue;
        }
        if !c.numbered && !reserved.contains(c.name.as_str()) && taken.insert(c.name.clone()) {
            out[i] = Some(c.name.clone());
            continue;
        }
        let n = next
            .entry((c.name.clone(), c.numbered))
            .or_insert(if c.numbered { 1 } else { 2 });
        loop {
            let name = format!("{}_{}", c.name, n);
            *n += 1;
            if taken.insert(name.clone()) {
                out[i] = Some(name);
                break;
            }
        }
    }
    out.into_iter().map(Option::unwrap_or_default).collect()
}

/// Names that cannot be used as they are: keywords, booleans and kind words.
fn reserved_words() -> HashSet<String> {
    RESERVED
        .iter()
        .map(|s| s.to_string())
        .chain(af_stix::language::kind_words().map(|w| w.replace('-', "_")))
        .collect()
}

fn candidate(w: &Wanted, reserved: &HashSet<String>) -> Candidate {
    let kind_words = words(&w.kind);
    if w.numbered {
        // Not `join`: `or` is a stop word, and `or_1` is the name.
        let base = w.texts.first().map(|t| words(t).join("_")).unwrap_or_default();
        let name = if base.is_empty() { join(&kind_words) } else { base };
        return Candidate {
            words: Vec::new(),
            used: 0,
            name,
            numbered: true,
        };
    }
    let mut fallback = None;
    for text in &w.texts {
        let mut ws = words(text);
        ws.retain(|w| !ARTICLES.contains(&w.as_str()));
        if ws.is_empty() {
            continue;
        }
        if ws[0].starts_with(|c: char| c.is_ascii_digit()) {
            ws.splice(0..0, kind_words.iter().cloned());
        }
        let c = first_cut(ws);
        if c.name.is_empty() {
            continue;
        }
        if reserved.contains(c.name.as_str()) {
            // `malware` for an action: a later text may do better; else `malware_action`.
            fallback.get_or_insert(c);
            continue;
        }
        return c;
    }
    if let Some(mut c) = fallback {
        if !kind_words.is_empty() && c.name != join(&kind_words) {
            c.words.truncate(c.used);
            c.words.extend(kind_words.iter().cloned());
            c.used = c.words.len();
            c.name = join(&c.words);
            return c;
        }
    }
    Candidate {
        words: Vec::new(),
        used: 0,
        name: join(&kind_words),
        numbered: true,
    }
}

/// The longest run of leading words within [`MAX_LEN`] (a single longer word is cut).
fn first_cut(mut ws: Vec<String>) -> Candidate {
    if ws[0].len() > MAX_LEN {
        ws[0].truncate(MAX_LEN);
    }
    let mut used = 1;
    let mut len = ws[0].len();
    while used < ws.len() && len + 1 + ws[used].len() <= MAX_LEN {
        len += 1 + ws[used].len();
        used += 1;
    }
    let name = join(&ws[..used]);
    Candidate {
        words: ws,
        used,
        name,
        numbered: false,
    }
}

/// Lengthens names cut short while they equal, or begin, another node's name.
fn lengthen_clashing(cands: &mut [Candidate]) {
    // Each round lengthens every offending name by at least one word; names are bounded.
    for _ in 0..EXTENDED_LEN {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        let mut prefixes: HashSet<&str> = HashSet::new();
        for c in cands.iter().filter(|c| !c.numbered) {
            *counts.entry(c.name.as_str()).or_insert(0) += 1;
            for (i, _) in c.name.match_indices('_') {
                prefixes.insert(&c.name[..i]);
            }
        }
        let offending: Vec<usize> = cands
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                !c.numbered
                    && c.cut_short()
                    && (counts.get(c.name.as_str()).is_some_and(|&n| n > 1)
                        || prefixes.contains(c.name.as_str()))
            })
            .map(|(i, _)| i)
            .collect();
        let mut changed = false;
        for i in offending {
            changed |= cands[i].extend();
        }
        if !changed {
            return;
        }
    }
}

/// `words` joined by `_`, without stop words at the end.
fn join(words: &[String]) -> String {
    let end = words.iter().rposition(|w| !is_stop(w)).map_or(0, |i| i + 1);
    words[..end].join("_")
}

fn is_stop(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

/// Lower-case ASCII words (letters and digits) of a text; other characters separate words.
pub(crate) fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.chars().map(fold) {
        if c.is_ascii_alphanumeric() {
            cur.push(c.to_ascii_lowercase());
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        // A pathological text gives no name longer than this anyway.
        if out.len() > EXTENDED_LEN {
            break;
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Common accented Latin letters to their base letter, so names stay readable.
fn fold(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'a',
        'ç' | 'Ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'i',
        'ñ' | 'Ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'u',
        'ý' | 'ÿ' | 'Ý' => 'y',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn want(kind: &str, texts: &[&str]) -> Wanted {
        Wanted {
            kind: kind.into(),
            texts: texts.iter().map(|t| t.to_string()).collect(),
            numbered: false,
        }
    }

    fn names(wanted: &[Wanted]) -> Vec<String> {
        assign(wanted)
    }

    #[test]
    fn stop_words_are_sorted() {
        let mut sorted = STOP_WORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, STOP_WORDS);
    }

    #[test]
    fn names_are_short_and_never_end_on_a_stop_word() {
        let got = names(&[
            want("action", &["Spearphishing Attachment"]),
            want("action", &["  Phishing: Spearphishing   Link! "]),
            want("asset", &["Café Wi-Fi"]),
            want("action", &["Enumerate domain trusts with a PowerShell script"]),
            want(
                "condition",
                &["The adversary holds a plaintext password for the domain administrator"],
            ),
            want("action", &["Exploit Public-Facing Application"]),
        ]);
        assert_eq!(
            got,
            [
                "spearphishing_attachment",
                "phishing_spearphishing_link",
                "cafe_wi_fi",
                "enumerate_domain_trusts",
                "adversary_holds_plaintext_password",
                "exploit_public_facing_application",
            ]
        );
        assert!(got.iter().all(|n| n.len() <= MAX_LEN));
    }

    #[test]
    fn a_name_cut_short_is_lengthened_until_it_stands_apart() {
        let got = names(&[
            want(
                "condition",
                &["Adversary obtains credentials from the vault of the domain controller"],
            ),
            want("condition", &["Adversary obtains credentials from LSASS"]),
            want(
                "condition",
                &["Attacker obtains domain administrator credentials"],
            ),
            want("condition", &["Attacker obtains domain"]),
        ]);
        assert_eq!(
            got,
            [
                "adversary_obtains_credentials_from_vault",
                "adversary_obtains_credentials_from_lsass",
                "attacker_obtains_domain_administrator",
                "attacker_obtains_domain",
            ]
        );
        // A complete name may begin another one; only names cut short grow.
        let got = names(&[
            want("action", &["Data Encrypted"]),
            want("action", &["Data Encrypted for Impact"]),
        ]);
        assert_eq!(got, ["data_encrypted", "data_encrypted_for_impact"]);
    }

    #[test]
    fn equal_texts_are_numbered_and_numbering_never_takes_a_name() {
        let got = names(&[
            want("action", &["Ingress Tool Transfer"]),
            want("action", &["ingress tool transfer"]),
            want("action", &["Ingress Tool Transfer 2"]),
            want("action", &["Ingress tool transfer"]),
        ]);
        assert_eq!(
            got,
            [
                "ingress_tool_transfer",
                "ingress_tool_transfer_3",
                "ingress_tool_transfer_2",
                "ingress_tool_transfer_4",
            ]
        );
    }

    #[test]
    fn kind_words_keywords_and_digits() {
        let mut op = want("operator", &["AND"]);
        op.numbered = true;
        let got = names(&[
            want("action", &["Malware", "Develop Capabilities: Malware"]),
            want("action", &["Tool"]),
            want("malware", &["Flow"]),
            want("note", &["True"]),
            want("ipv4_addr", &["10.0.0.1"]),
            op.clone(),
            op,
            want("action", &[]),
            want("action", &["日本語"]),
            want("x_custom_thing", &[]),
            want("condition", &["Host is up"]),
        ]);
        assert_eq!(
            got,
            [
                "develop_capabilities_malware",
                "tool_action",
                "flow_malware",
                "true_note",
                "ipv4_addr_10_0_0_1",
                "and_1",
                "and_2",
                "action_1",
                "action_2",
                "x_custom_thing_1",
                "host_is_up",
            ]
        );
    }

    /// Regression (issue 12, item 8): many equal names used to restart counting at `_2` for
    /// each object, which was quadratic. The names must still be `x`, `x_2`, … `x_N`.
    #[test]
    fn many_equal_names_are_numbered_in_order() {
        let wanted: Vec<Wanted> = (0..20_000).map(|_| want("action", &["Same Name"])).collect();
        let got = names(&wanted);
        assert_eq!(got[0], "same_name");
        assert_eq!(got[1], "same_name_2");
        assert_eq!(got[19_999], "same_name_20000");
        let unique: HashSet<&String> = got.iter().collect();
        assert_eq!(unique.len(), got.len());
    }
}
