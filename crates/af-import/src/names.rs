//! Node names for imported objects: readable snake_case taken from the object's name or
//! display property, unique in the file, never a keyword or a word the parser reads as
//! something else.

use serde_json::{Map, Value as Json};
use std::collections::{HashMap, HashSet};

/// Longest name taken from text (cut at a word boundary).
const MAX_LEN: usize = 32;

/// Words that cannot name a node: `flow` is a keyword, `true`/`false` read as booleans.
const RESERVED: &[&str] = &["flow", "true", "false"];

/// Hands out unique names.
#[derive(Default)]
pub(crate) struct Namer {
    taken: HashSet<String>,
    /// Per-kind counters for fallback names (`action_1`, `malware_1`, …).
    counters: HashMap<String, usize>,
}

impl Namer {
    /// A unique name for an object of `stix_type`.
    pub fn name(&mut self, stix_type: &str, obj: &Map<String, Json>) -> String {
        let kind = kind_word(stix_type);
        if stix_type == "attack-operator" {
            let op = obj
                .get("operator")
                .and_then(Json::as_str)
                .map(snake)
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| kind.clone());
            return self.numbered(&op);
        }
        let text = match stix_type {
            "attack-action" | "attack-asset" => obj.get("name"),
            "attack-condition" => obj.get("description"),
            t => af_stix::types::display_property(t)
                .and_then(|p| obj.get(p))
                .or_else(|| obj.get("name")),
        }
        .and_then(Json::as_str)
        .map(snake)
        .filter(|s| !s.is_empty());
        match text {
            Some(base) => {
                let base = if base.starts_with(|c: char| c.is_ascii_digit()) {
                    format!("{kind}_{base}")
                } else {
                    base
                };
                self.unique(&base)
            }
            None => self.numbered(&kind),
        }
    }

    /// `base_1`, `base_2`, … (the next free one).
    fn numbered(&mut self, base: &str) -> String {
        loop {
            let n = self.counters.entry(base.to_string()).or_insert(0);
            *n += 1;
            let candidate = format!("{base}_{n}");
            if self.claim(&candidate) {
                return candidate;
            }
        }
    }

    /// `base`, else `base_2`, `base_3`, …
    fn unique(&mut self, base: &str) -> String {
        if self.claim(base) {
            return base.to_string();
        }
        (2..)
            .map(|i| format!("{base}_{i}"))
            .find(|c| self.claim(c))
            .unwrap_or_else(|| base.to_string())
    }

    fn claim(&mut self, name: &str) -> bool {
        !RESERVED.contains(&name) && self.taken.insert(name.to_string())
    }
}

/// The word for a kind in fallback names: `action`, `condition`, `ipv4_addr`, `x_my_type`.
fn kind_word(stix_type: &str) -> String {
    let short = stix_type.strip_prefix("attack-").unwrap_or(stix_type);
    short.replace('-', "_")
}

/// Lower-case ASCII letters and digits joined by single `_`, at most [`MAX_LEN`] characters
/// (cut at a `_`).
pub(crate) fn snake(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_LEN * 2));
    for c in text.chars() {
        let c = fold(c);
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
        if out.len() > MAX_LEN + 1 {
            break;
        }
    }
    let mut s = out.trim_end_matches('_').to_string();
    if s.len() > MAX_LEN {
        let cut = s[..=MAX_LEN].rfind('_').filter(|&i| i > 0).unwrap_or(MAX_LEN);
        s.truncate(cut);
    }
    s.trim_end_matches('_').to_string()
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
    use serde_json::json;

    fn obj(v: Json) -> Map<String, Json> {
        match v {
            Json::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn snake_case_from_text() {
        assert_eq!(snake("Spearphishing Attachment"), "spearphishing_attachment");
        assert_eq!(
            snake("  Phishing: Spearphishing   Link! "),
            "phishing_spearphishing_link"
        );
        assert_eq!(snake("Café Wi-Fi"), "cafe_wi_fi");
        assert_eq!(snake("日本語"), "");
        let long = snake("The adversary holds a plaintext password for the domain administrator");
        assert!(long.len() <= MAX_LEN && !long.ends_with('_'), "{long}");
        assert_eq!(long, "the_adversary_holds_a_plaintext");
    }

    #[test]
    fn names_are_unique_and_never_reserved_or_numeric() {
        let mut n = Namer::default();
        assert_eq!(
            n.name("attack-action", &obj(json!({"name": "Phishing"}))),
            "phishing"
        );
        assert_eq!(
            n.name("attack-action", &obj(json!({"name": "phishing"}))),
            "phishing_2"
        );
        assert_eq!(n.name("attack-action", &obj(json!({}))), "action_1");
        assert_eq!(n.name("attack-action", &obj(json!({}))), "action_2");
        assert_eq!(
            n.name("ipv4-addr", &obj(json!({"value": "10.0.0.1"}))),
            "ipv4_addr_10_0_0_1"
        );
        assert_eq!(
            n.name("attack-operator", &obj(json!({"operator": "AND"}))),
            "and_1"
        );
        assert_eq!(
            n.name("attack-operator", &obj(json!({"operator": "AND"}))),
            "and_2"
        );
        assert_eq!(n.name("malware", &obj(json!({"name": "Flow"}))), "flow_2");
        assert_eq!(n.name("note", &obj(json!({"content": "True"}))), "true_2");
        assert_eq!(n.name("x-custom-thing", &obj(json!({}))), "x_custom_thing_1");
        assert_eq!(
            n.name("attack-condition", &obj(json!({"description": "Host is up"}))),
            "host_is_up"
        );
    }
}
