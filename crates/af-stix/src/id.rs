//! STIX identifiers (`TYPE--UUID`): deterministic derivation and syntax checks.

use smol_str::SmolStr;
use uuid::Uuid;

/// afc's UUIDv5 namespace (`e27d021d-daa9-40c5-b380-d7ece9109d0a`, a random v4 UUID generated
/// once for this project). Every id afc derives is a UUIDv5 in this namespace, so compiling the
/// same source twice gives the same ids. Changing it changes every derived id.
pub const AFC_NAMESPACE: Uuid = Uuid::from_u128(0xe27d021d_daa9_40c5_b380_d7ece9109d0a);

/// The separator between the parts of a derived id's name (ASCII unit separator), chosen
/// because it does not occur in names people write.
const PART_SEPARATOR: &str = "\u{1f}";

/// Derives a deterministic id: `TYPE--` followed by the UUIDv5 of `parts` joined with
/// U+001F in [`AFC_NAMESPACE`].
pub fn derive(stix_type: &str, parts: &[&str]) -> String {
    derive_shared(stix_type, parts).to_string()
}

/// [`derive()`] as a [`SmolStr`], built without intermediate strings: the compiler derives an id
/// for every node and shares it with every ref to the node.
pub fn derive_shared(stix_type: &str, parts: &[&str]) -> SmolStr {
    // The name is hashed from a stack buffer when it fits (it nearly always does).
    let len = parts.iter().map(|p| p.len()).sum::<usize>() + parts.len().saturating_sub(1);
    let mut stack = [0u8; 512];
    let mut heap = Vec::new();
    let name: &mut [u8] = if len <= stack.len() {
        &mut stack[..len]
    } else {
        heap.resize(len, 0);
        &mut heap
    };
    let mut at = 0;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            name[at..at + PART_SEPARATOR.len()].copy_from_slice(PART_SEPARATOR.as_bytes());
            at += PART_SEPARATOR.len();
        }
        name[at..at + part.len()].copy_from_slice(part.as_bytes());
        at += part.len();
    }
    let uuid = Uuid::new_v5(&AFC_NAMESPACE, name);
    let mut buf = Uuid::encode_buffer();
    let uuid = uuid.hyphenated().encode_lower(&mut buf);
    // Likewise the id: written on the stack, then copied once into the shared string.
    let mut text = [0u8; 320];
    let total = stix_type.len() + 2 + uuid.len();
    if total > text.len() {
        return SmolStr::from(format!("{stix_type}--{uuid}"));
    }
    text[..stix_type.len()].copy_from_slice(stix_type.as_bytes());
    text[stix_type.len()..stix_type.len() + 2].copy_from_slice(b"--");
    text[stix_type.len() + 2..total].copy_from_slice(uuid.as_bytes());
    match std::str::from_utf8(&text[..total]) {
        Ok(id) => SmolStr::new(id),
        Err(_) => SmolStr::from(format!("{stix_type}--{uuid}")),
    }
}

/// Whether `s` is a valid STIX type name: 3–250 characters of lower-case ASCII letters,
/// digits and hyphens, starting with a letter, not ending with a hyphen and without `--`.
pub fn is_valid_type_name(s: &str) -> bool {
    let bytes = s.as_bytes();
    (3..=250).contains(&bytes.len())
        && bytes[0].is_ascii_lowercase()
        && bytes[bytes.len() - 1] != b'-'
        && !s.contains("--")
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
}

/// Whether `s` is RFC 4122 UUID text as STIX accepts it: `8-4-4-4-12` hex digits, version 1–5,
/// variant `8`, `9`, `a` or `b` (hex digits in either case, as the STIX schema allows).
pub fn is_valid_uuid(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.len() != 36 {
        return false;
    }
    for (i, b) in bytes.iter().enumerate() {
        let ok = match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        };
        if !ok {
            return false;
        }
    }
    matches!(bytes[14], b'1'..=b'5') && matches!(bytes[19], b'8' | b'9' | b'a' | b'b' | b'A' | b'B')
}

/// Splits `TYPE--UUID` into its type and UUID text, if `s` is a valid id.
pub fn split_id(s: &str) -> Option<(&str, &str)> {
    let (ty, uuid) = s.split_once("--")?;
    (is_valid_type_name(ty) && is_valid_uuid(uuid)).then_some((ty, uuid))
}

/// Whether `s` is a valid STIX id: a valid lower-case type name, `--`, and RFC 4122 UUID text.
pub fn is_valid_id(s: &str) -> bool {
    split_id(s).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_is_the_documented_v4_uuid() {
        assert_eq!(AFC_NAMESPACE.to_string(), "e27d021d-daa9-40c5-b380-d7ece9109d0a");
        assert_eq!(AFC_NAMESPACE.get_version_num(), 4);
    }

    #[test]
    fn derived_ids_do_not_depend_on_buffer_sizes() {
        let long_type = format!("x-{}", "a".repeat(300));
        let long_part = "p".repeat(2000);
        for (t, parts) in [
            ("attack-action", vec!["flow", "phish"]),
            (long_type.as_str(), vec!["flow", "n"]),
            ("attack-action", vec![long_part.as_str(), "n"]),
        ] {
            let expected = format!(
                "{t}--{}",
                Uuid::new_v5(&AFC_NAMESPACE, parts.join("\u{1f}").as_bytes())
            );
            assert_eq!(derive_shared(t, &parts), expected);
            assert_eq!(derive(t, &parts), expected);
        }
    }

    #[test]
    fn derived_ids_are_stable_valid_v5_and_distinct() {
        let a = derive("attack-action", &["flow", "phish"]);
        assert_eq!(a, derive("attack-action", &["flow", "phish"]));
        assert!(a.starts_with("attack-action--"));
        assert!(is_valid_id(&a), "{a}");
        let (_, uuid) = split_id(&a).expect("splits");
        assert_eq!(Uuid::parse_str(uuid).ok().map(|u| u.get_version_num()), Some(5));
        // Joining with a separator keeps part boundaries apart.
        assert_ne!(a, derive("attack-action", &["flowp", "hish"]));
        assert_ne!(a, derive("attack-action", &["flow phish"]));
        // The UUID is the v5 of the joined name in the namespace, nothing else.
        let expected = Uuid::new_v5(&AFC_NAMESPACE, "flow\u{1f}phish".as_bytes());
        assert_eq!(a, format!("attack-action--{expected}"));
    }

    #[test]
    fn validates_ids() {
        assert!(is_valid_id("malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"));
        assert!(is_valid_id(
            "x-mitre-tactic--4ca45d45-df4d-4613-8980-bac22d278fa5"
        ));
        assert!(is_valid_id("ipv4-addr--4ca45d45-df4d-5613-8980-BAC22D278FA5"));
        for bad in [
            "Malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
            "malware-0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
            "malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd006",
            "malware--0c7b5b88-8ff7-6a4d-aa9d-feb398cd0061",
            "malware--0c7b5b88-8ff7-4a4d-ca9d-feb398cd0061",
            "malware--0c7b5b88x8ff7-4a4d-aa9d-feb398cd0061",
            "malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd006g",
            "ma--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
            "mal-ware---0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
            "1malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
            "--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
            "malware--",
            "",
        ] {
            assert!(!is_valid_id(bad), "{bad}");
        }
    }

    #[test]
    fn splits_ids() {
        assert_eq!(
            split_id("attack-flow--e9ec3a4b-f787-4e81-a3d9-4cfe017ebc2f"),
            Some(("attack-flow", "e9ec3a4b-f787-4e81-a3d9-4cfe017ebc2f"))
        );
        assert_eq!(split_id("attack-flow"), None);
        assert_eq!(split_id("attack-flow--not-a-uuid"), None);
    }
}
