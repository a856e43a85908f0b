//! The names the `.af` language gives STIX and Attack Flow things: the short kind words
//! (`action` for `attack-action`), which types a node may be declared as, and the sugar keys
//! (`author`, `marking`, `tactic`) with the STIX properties they stand for. Tables only: the
//! syntax is af-syntax's, the meaning af-compile's; the importer, the language server and the
//! docs read the same tables.

use crate::types::{self, Category};
use std::borrow::Cow;

/// The short kind words of the Attack Flow types: (word, STIX type).
pub const KINDS: &[(&str, &str)] = &[
    ("action", "attack-action"),
    ("condition", "attack-condition"),
    ("operator", "attack-operator"),
    ("asset", "attack-asset"),
];

/// Why a kind word declares no node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindError {
    /// The long spelling of a short kind (`attack-action`): write the short word.
    LongSpelling {
        /// The word to write instead.
        short: &'static str,
    },
    /// `attack-flow` or `bundle`: not something a node can be.
    NotANode,
    /// Neither a kind word, a STIX type of the table, nor a custom `x-…` type.
    Unknown,
}

/// The STIX type a kind word declares: a short Attack Flow word, a STIX type of the table
/// (but not `attack-flow`, `bundle` or the long `attack-…` spellings), or a custom `x-…` type.
pub fn kind_type(word: &str) -> Result<Cow<'static, str>, KindError> {
    if let Some((_, t)) = KINDS.iter().find(|(w, _)| *w == word) {
        return Ok(Cow::Borrowed(t));
    }
    if let Some((short, _)) = KINDS.iter().find(|(_, t)| *t == word) {
        return Err(KindError::LongSpelling { short });
    }
    if word == "attack-flow" || word == "bundle" {
        return Err(KindError::NotANode);
    }
    if let Some(info) = types::type_info(word) {
        return Ok(Cow::Borrowed(info.name));
    }
    if types::is_custom_type(word) {
        return Ok(Cow::Owned(word.to_string()));
    }
    Err(KindError::Unknown)
}

/// The kind word the language writes for a STIX type (`attack-action` → `action`; other
/// types are written as they are).
pub fn kind_word(stix_type: &str) -> &str {
    KINDS
        .iter()
        .find(|(_, t)| *t == stix_type)
        .map_or(stix_type, |(w, _)| w)
}

/// Every kind word a node may be declared with, in the order editors offer them: the short
/// Attack Flow words, then the STIX types of the table.
pub fn kind_words() -> impl Iterator<Item = &'static str> {
    KINDS.iter().map(|(w, _)| *w).chain(
        types::all_types()
            .iter()
            .filter(|t| t.category != Category::AttackFlow && t.name != "bundle")
            .map(|t| t.name),
    )
}

/// A key the language adds to a type, standing for STIX properties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sugar {
    /// The type whose block takes it (`attack-flow` for the header).
    pub owner: &'static str,
    /// The key as written.
    pub key: &'static str,
    /// The STIX property it sets.
    pub sets: &'static str,
    /// The types a node name given as its value may be (empty: names are not values here).
    pub targets: &'static [&'static str],
    /// The type of the object a `"Title" { … }` value describes (the author's identity).
    pub block_type: Option<&'static str>,
    /// What it does, for editors and docs.
    pub doc: &'static str,
}

/// Every sugar key.
pub const SUGAR: &[Sugar] = &[
    Sugar {
        owner: "attack-flow",
        key: "author",
        sets: "created_by_ref",
        targets: &["identity"],
        block_type: Some("identity"),
        doc: "Who wrote the flow: `\"Name\" { identity properties }` or the name of an `identity` node. Becomes the `created_by_ref` of every object.",
    },
    Sugar {
        owner: "attack-flow",
        key: "marking",
        sets: "object_marking_refs",
        targets: &["marking-definition"],
        block_type: None,
        doc: "TLP markings by name (`tlp-green`) or `marking-definition` nodes; they become the `object_marking_refs` of every object.",
    },
    Sugar {
        owner: "attack-flow",
        key: "extension",
        sets: "extensions",
        targets: &[],
        block_type: None,
        doc: "Which copy of the Attack Flow extension-definition (the object the `extensions` marker names) and of its creator identity the bundle carries: `published` (the default) or `builder` (as the Attack Flow Builder exports them).",
    },
    Sugar {
        owner: "attack-action",
        key: "tactic",
        sets: "tactic_id",
        targets: &[],
        block_type: None,
        doc: "The tactic of this action: an id (`TA0001`) or an ATT&CK short name (`initial-access`). Sets `tactic_id` and `tactic_ref`.",
    },
];

/// The sugar key `key` of blocks of `owner_type`.
pub fn sugar(owner_type: &str, key: &str) -> Option<&'static Sugar> {
    SUGAR.iter().find(|s| s.owner == owner_type && s.key == key)
}

/// The sugar keys of blocks of `owner_type`.
pub fn sugar_keys(owner_type: &str) -> impl Iterator<Item = &'static Sugar> + '_ {
    SUGAR.iter().filter(move |s| s.owner == owner_type)
}

/// What the word after a node's name stands for, by type: the technique of an action, the
/// operator of an operator.
pub fn word_property(stix_type: &str) -> Option<&'static str> {
    match stix_type {
        "attack-action" => Some("technique_id"),
        "attack-operator" => Some("operator"),
        _ => None,
    }
}

/// Whether a bare word in the value of `key` is a TLP marking name rather than a node name
/// (`tlp-green`, and misspellings starting with `tlp`, which get their own diagnostic).
pub fn is_tlp_word(key: &str, word: &str) -> bool {
    key == "marking" && (crate::marking::tlp(word).is_some() || word.to_ascii_lowercase().starts_with("tlp"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(kind_type("action").as_deref(), Ok("attack-action"));
        assert_eq!(kind_type("malware").as_deref(), Ok("malware"));
        assert_eq!(kind_type("x-thing").as_deref(), Ok("x-thing"));
        assert_eq!(
            kind_type("attack-action").map(|_| ()),
            Err(KindError::LongSpelling { short: "action" })
        );
        assert_eq!(kind_type("attack-flow").map(|_| ()), Err(KindError::NotANode));
        assert_eq!(kind_type("bundle").map(|_| ()), Err(KindError::NotANode));
        assert_eq!(kind_type("malwar").map(|_| ()), Err(KindError::Unknown));
        assert_eq!(kind_word("attack-asset"), "asset");
        assert_eq!(kind_word("malware"), "malware");
        let words: Vec<&str> = kind_words().collect();
        assert!(words.contains(&"action") && words.contains(&"ipv4-addr"));
        assert!(!words.contains(&"attack-action") && !words.contains(&"bundle"));
        for w in words {
            assert!(kind_type(w).is_ok(), "{w}");
        }
    }

    #[test]
    fn sugar_sets_real_properties() {
        for s in SUGAR {
            assert!(
                types::property(s.owner, s.sets).is_some(),
                "{}.{}",
                s.owner,
                s.sets
            );
            assert!(
                types::property(s.owner, s.key).is_none(),
                "{} shadows a property",
                s.key
            );
        }
        assert_eq!(
            sugar("attack-flow", "author").and_then(|s| s.block_type),
            Some("identity")
        );
        assert_eq!(sugar_keys("attack-action").count(), 1);
        assert!(is_tlp_word("marking", "tlp-green") && is_tlp_word("marking", "tlp-grean"));
        assert!(!is_tlp_word("marking", "my_marking") && !is_tlp_word("author", "tlp-green"));
    }
}
