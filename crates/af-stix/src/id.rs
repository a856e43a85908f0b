//! STIX identifiers (`TYPE--UUID`): deterministic derivation and syntax checks.
//!
//! How afc gives ids (without an explicit `id:`), so that compiling the same source twice gives
//! the same bundle:
//!
//! - **SDOs, SROs and Attack Flow objects**: a UUIDv5 in afc's own namespace ([`AFC_NAMESPACE`])
//!   of the flow's id and the node's name ([`derive`]); relationships of the flow id, both
//!   ends' names and the type; the bundle of the flow's id.
//! - **Cyber-observables with ID-contributing properties** (STIX 2.1 §2.9): the id STIX itself
//!   prescribes ([`sco_id`]): a UUIDv5 in the STIX namespace ([`STIX_SCO_NAMESPACE`]) of the
//!   canonical JSON (RFC 8785) of the contributing properties present, exactly as the OASIS
//!   `stix2` library computes it. Two producers describing the same IP address or file hash
//!   thus give it the same id.
//! - **Cyber-observables without any** (every `process`, or an observable whose contributing
//!   properties are all absent): STIX requires a UUIDv4; afc derives one that still depends only
//!   on the flow and the node name ([`derive_v4`]: the UUIDv5 above with the version and variant
//!   bits of a version 4 UUID).

use serde_json::Value;
use smol_str::SmolStr;
use uuid::Uuid;

/// afc's UUIDv5 namespace (`e27d021d-daa9-40c5-b380-d7ece9109d0a`, a random v4 UUID generated
/// once for this project). Every id afc derives is a UUIDv5 in this namespace, so compiling the
/// same source twice gives the same ids. Changing it changes every derived id.
pub const AFC_NAMESPACE: Uuid = Uuid::from_u128(0xe27d021d_daa9_40c5_b380_d7ece9109d0a);

/// The namespace STIX 2.1 (§2.9) fixes for the deterministic ids of cyber-observables.
pub const STIX_SCO_NAMESPACE: Uuid = Uuid::from_u128(0x00abedb4_aa42_466c_9c01_fed23315a9b7);

/// The ID-contributing properties of every cyber-observable type of STIX 2.1 (§6, and the
/// `stix2` library's `_id_contributing_properties`). `process` has none.
pub const ID_CONTRIBUTING: &[(&str, &[&str])] = &[
    ("artifact", &["hashes", "payload_bin"]),
    ("autonomous-system", &["number"]),
    ("directory", &["path"]),
    ("domain-name", &["value"]),
    ("email-addr", &["value"]),
    ("email-message", &["from_ref", "subject", "body"]),
    ("file", &["hashes", "name", "parent_directory_ref", "extensions"]),
    ("ipv4-addr", &["value"]),
    ("ipv6-addr", &["value"]),
    ("mac-addr", &["value"]),
    ("mutex", &["name"]),
    (
        "network-traffic",
        &[
            "start",
            "end",
            "src_ref",
            "dst_ref",
            "src_port",
            "dst_port",
            "protocols",
            "extensions",
        ],
    ),
    ("process", &[]),
    ("software", &["name", "cpe", "swid", "vendor", "version"]),
    ("url", &["value"]),
    ("user-account", &["account_type", "user_id", "account_login"]),
    ("windows-registry-key", &["key", "values"]),
    ("x509-certificate", &["hashes", "serial_number"]),
];

/// The ID-contributing properties of a cyber-observable type; `None` for other types.
pub fn id_contributing_properties(stix_type: &str) -> Option<&'static [&'static str]> {
    ID_CONTRIBUTING
        .iter()
        .find(|(t, _)| *t == stix_type)
        .map(|(_, props)| *props)
}

/// The deterministic id STIX 2.1 prescribes for a cyber-observable: `TYPE--` and the UUIDv5,
/// in [`STIX_SCO_NAMESPACE`], of the canonical JSON of its ID-contributing properties that are
/// present (`get` gives a property's value; references must already be ids). Of `hashes`
/// only one counts: MD5, else SHA-1, SHA-256, SHA-512, else the first one. `None` when the
/// type has no contributing property present (then STIX requires a UUIDv4: [`derive_v4`]).
pub fn sco_id(stix_type: &str, get: impl Fn(&str) -> Option<Value>) -> Option<String> {
    let props = id_contributing_properties(stix_type)?;
    let mut contributing = serde_json::Map::new();
    for key in props {
        let Some(value) = get(key) else { continue };
        let value = if *key == "hashes" {
            match one_hash(&value) {
                Some(h) => h,
                None => continue,
            }
        } else {
            value
        };
        contributing.insert((*key).to_string(), value);
    }
    if contributing.is_empty() {
        return None;
    }
    let name = canonical_json(&Value::Object(contributing));
    Some(format!(
        "{stix_type}--{}",
        v5(&STIX_SCO_NAMESPACE, [name.as_bytes()])
    ))
}

/// The one hash of a hashes dictionary that counts for an id (as `stix2` chooses it).
fn one_hash(hashes: &Value) -> Option<Value> {
    let map = hashes.as_object()?;
    let key = ["MD5", "SHA-1", "SHA-256", "SHA-512"]
        .into_iter()
        .find(|k| map.contains_key(*k))
        .map(str::to_string)
        .or_else(|| map.keys().next().cloned())?;
    let mut one = serde_json::Map::new();
    one.insert(key.clone(), map.get(&key)?.clone());
    Some(Value::Object(one))
}

/// The JSON Canonicalization Scheme (RFC 8785) form of a value: no whitespace, object keys
/// sorted by their UTF-16 code units, strings with the minimal escapes, numbers as ECMAScript
/// prints them.
pub fn canonical_json(v: &Value) -> String {
    let mut out = String::new();
    write_canonical(v, &mut out);
    out
}

fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&canonical_number(n)),
        Value::String(s) => write_canonical_str(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical_str(k, out);
                out.push(':');
                if let Some(value) = m.get(k) {
                    write_canonical(value, out);
                }
            }
            out.push('}');
        }
    }
}

fn write_canonical_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A number as ECMAScript's `Number.prototype.toString` prints it (RFC 8785 §3.2.2.3).
fn canonical_number(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    let f = n.as_f64().unwrap_or(0.0);
    if f == 0.0 {
        return "0".into();
    }
    if f.fract() == 0.0 && f.abs() < 1e21 {
        return format!("{f:.0}");
    }
    // Shortest round-trip digits, then ECMAScript's choice of plain or exponent notation.
    let e = format!("{f:e}");
    let (mantissa, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let k = digits.len() as i32;
    let n_exp = exp + 1;
    let body = if k <= n_exp && n_exp <= 21 {
        format!("{digits}{}", "0".repeat((n_exp - k) as usize))
    } else if 0 < n_exp && n_exp <= 21 {
        format!("{}.{}", &digits[..n_exp as usize], &digits[n_exp as usize..])
    } else if -6 < n_exp && n_exp <= 0 {
        format!("0.{}{digits}", "0".repeat((-n_exp) as usize))
    } else {
        let rest = if k > 1 {
            format!(".{}", &digits[1..])
        } else {
            String::new()
        };
        let sign = if n_exp > 0 { "+" } else { "-" };
        format!("{}{rest}e{sign}{}", &digits[..1], (n_exp - 1).abs())
    };
    if negative {
        format!("-{body}")
    } else {
        body
    }
}

/// A deterministic id shaped as a version 4 UUID: the UUIDv5 of [`derive`] with the version
/// nibble set to 4 (the variant bits are already RFC 4122's). For cyber-observables without
/// ID-contributing properties, for which STIX requires a UUIDv4.
pub fn derive_v4(stix_type: &str, parts: &[&str]) -> SmolStr {
    let v5 = derive_shared(stix_type, parts);
    let (ty, uuid) = v5.split_at(v5.len() - 36);
    let mut uuid: Vec<u8> = uuid.bytes().collect();
    uuid[14] = b'4';
    SmolStr::from(format!("{ty}{}", String::from_utf8_lossy(&uuid)))
}

/// The separator between the parts of a derived id's name (ASCII unit separator), chosen
/// because it does not occur in names people write.
const PART_SEPARATOR: &str = "\u{1f}";

/// Derives a deterministic id: `TYPE--` followed by the UUIDv5 of `parts` joined with
/// U+001F in [`AFC_NAMESPACE`].
pub fn derive(stix_type: &str, parts: &[&str]) -> String {
    derive_shared(stix_type, parts).to_string()
}

/// The name-based (version 5) UUID of `name` in `namespace` (RFC 9562, section 5.5): the SHA-1
/// of the namespace and the name, with the version and variant bits set. The same UUID as
/// `uuid`'s `new_v5`, hashed with a SHA-1 that uses the processor's SHA instructions where
/// there are some (ids are most of what the compiler hashes).
fn v5<'n>(namespace: &Uuid, name: impl IntoIterator<Item = &'n [u8]>) -> Uuid {
    use sha1::Digest;
    let mut hasher = sha1::Sha1::new();
    hasher.update(namespace.as_bytes());
    for piece in name {
        hasher.update(piece);
    }
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x50;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    Uuid::from_bytes(bytes)
}

/// [`derive()`] as a [`SmolStr`], built without intermediate strings: the compiler derives an id
/// for every node and shares it with every ref to the node.
pub fn derive_shared(stix_type: &str, parts: &[&str]) -> SmolStr {
    // The parts are hashed one after the other, with the separator between them: the same
    // bytes as the joined name, without joining them.
    let separated = parts.iter().enumerate().flat_map(|(i, part)| {
        let sep: &[u8] = if i > 0 { PART_SEPARATOR.as_bytes() } else { b"" };
        [sep, part.as_bytes()]
    });
    let uuid = v5(&AFC_NAMESPACE, separated);
    let mut buf = Uuid::encode_buffer();
    let uuid = uuid.hyphenated().encode_lower(&mut buf);
    // The id is written on the stack, then copied once into the shared string.
    let mut text = [0u8; 128];
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
    fn canonical_json_is_rfc_8785() {
        use serde_json::json;
        let v = json!({"b": [1, "x\n\"y\u{1}"], "a": {"é": true, "z": null}, "\u{20ac}": 1, "\u{1d11e}": 2});
        assert_eq!(
            canonical_json(&v),
            "{\"a\":{\"z\":null,\"é\":true},\"b\":[1,\"x\\n\\\"y\\u0001\"],\"\u{20ac}\":1,\"\u{1d11e}\":2}"
        );
        for (n, text) in [
            (1e21, "1e+21"),
            (0.000001, "0.000001"),
            (1e-7, "1e-7"),
            (123.5, "123.5"),
            (-2.0, "-2"),
        ] {
            assert_eq!(canonical_json(&json!(n)), text, "{n}");
        }
    }

    #[test]
    fn v4_shaped_ids() {
        let id = derive_v4("process", &["flow", "cmd"]);
        let (_, uuid) = split_id(&id).unwrap_or_default();
        assert_eq!(Uuid::parse_str(uuid).ok().map(|u| u.get_version_num()), Some(4));
        assert_eq!(id, derive_v4("process", &["flow", "cmd"]));
        assert_ne!(id, derive_v4("process", &["flow", "cmd2"]));
        assert!(sco_id("process", |_| Some(Value::from("x"))).is_none());
        assert!(sco_id("malware", |_| Some(Value::from("x"))).is_none());
        assert!(sco_id("ipv4-addr", |_| None).is_none());
    }

    #[test]
    fn every_observable_type_has_its_contributing_properties() {
        for t in crate::types::all_types() {
            if t.category != crate::types::Category::Sco {
                continue;
            }
            let props =
                id_contributing_properties(t.name).unwrap_or_else(|| panic!("{} is not listed", t.name));
            for p in props {
                assert!(crate::types::property(t.name, p).is_some(), "{}.{p}", t.name);
            }
        }
    }

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
    fn v5_is_the_uuid_crates_v5() {
        for len in 0..300 {
            let name: Vec<u8> = (0..len).map(|i| (i * 7 + len) as u8).collect();
            for ns in [AFC_NAMESPACE, STIX_SCO_NAMESPACE] {
                assert_eq!(v5(&ns, [&name[..]]), Uuid::new_v5(&ns, &name), "length {len}");
                let (a, b) = name.split_at(len / 3);
                assert_eq!(v5(&ns, [a, b]), Uuid::new_v5(&ns, &name), "length {len}");
            }
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
