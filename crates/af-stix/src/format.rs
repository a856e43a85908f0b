//! What the schemas' string constraints mean: [`Format::accepts`] tests a string against one,
//! [`Format::expectation`] says in a few words what it wants. The formats themselves are named
//! by the generated type table ([`crate::types::PropInfo::format`], [`crate::types::hash_format`]).
//!
//! Where the schema gives a regular expression, the test is that expression written out by hand
//! (the crate has no regex engine); where it names a JSON Schema `format`, the test follows the
//! RFC the format refers to.

use crate::types::Format;

impl Format {
    /// Whether the schemas state this format as a `pattern` (which every JSON Schema validator
    /// enforces) rather than as a JSON Schema `format` (`uri`, `idn-hostname`, `email`: an
    /// annotation validators may or may not assert). Tools report a value that breaks a
    /// pattern as an error and one that breaks a `format` as a warning: real threat
    /// intelligence often holds defanged indicators such as `hxxp://evil[.]example`.
    pub fn is_pattern(self) -> bool {
        !matches!(self, Format::Uri | Format::Hostname | Format::Email)
    }

    /// Whether `s` has this format.
    pub fn accepts(self, s: &str) -> bool {
        match self {
            Format::Any => true,
            Format::LowerKebab => {
                !s.is_empty()
                    && s.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            }
            Format::Ipv4Cidr => is_ipv4_cidr(s),
            Format::Ipv6Cidr => is_ipv6_cidr(s),
            Format::MacAddress => is_mac(s),
            Format::Hostname => is_hostname(s),
            Format::Uri => is_uri(s),
            Format::Email => is_email(s),
            Format::MimeType => is_mime_type(s),
            Format::CharacterSet => {
                (2..=250).contains(&s.len())
                    && s.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"/\\.+_:-".contains(&b))
            }
            Format::Cpe23 => is_cpe23(s),
            Format::LanguageCode => s.len() == 3 && s.bytes().all(|b| b.is_ascii_lowercase()),
            Format::RegistryKey => is_full_registry_key(s),
            Format::HexDigits(n) => s.len() == usize::from(n) && s.bytes().all(|b| b.is_ascii_hexdigit()),
            Format::Ssdeep => {
                (1..=128).contains(&s.len())
                    && s.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"/+:.".contains(&b))
            }
            Format::Tlsh => s.len() == 70 && s.bytes().all(|b| b.is_ascii_alphanumeric()),
        }
    }

    /// What a value of this format looks like, for messages: "an IPv4 address or CIDR block
    /// such as 203.0.113.7 or 10.0.0.0/8".
    pub fn expectation(self) -> String {
        match self {
            Format::Any => "any text".into(),
            Format::LowerKebab => "lower-case letters, digits and hyphens, such as `related-to`".into(),
            Format::Ipv4Cidr => "an IPv4 address or CIDR block such as 203.0.113.7 or 10.0.0.0/8".into(),
            Format::Ipv6Cidr => "an IPv6 address or CIDR block such as 2001:db8::1 or 2001:db8::/32".into(),
            Format::MacAddress => {
                "a MAC address in lower-case hex pairs separated by colons, such as 00:1a:2b:3c:4d:5e".into()
            }
            Format::Hostname => "a domain name such as example.com (letters, digits and hyphens in labels of at most 63 characters)".into(),
            Format::Uri => "an absolute URI per RFC 3986, such as https://example.com/path (spaces and other unsafe characters percent-encoded)".into(),
            Format::Email => "an email address such as jane@example.com".into(),
            Format::MimeType => "a MIME type such as application/zip".into(),
            Format::CharacterSet => "an IANA character set name such as utf-8".into(),
            Format::Cpe23 => "a CPE 2.3 string such as cpe:2.3:a:vendor:product:1.0:*:*:*:*:*:*:*".into(),
            Format::LanguageCode => "an ISO 639-2 three-letter language code such as eng".into(),
            Format::RegistryKey => "a registry key whose hive is spelled out, such as HKEY_LOCAL_MACHINE\\Software".into(),
            Format::HexDigits(n) => format!("{n} hexadecimal digits"),
            Format::Ssdeep => "an ssdeep hash (1-128 letters, digits and `/+:.`)".into(),
            Format::Tlsh => "a TLSH hash (70 letters and digits)".into(),
        }
    }
}

/// A decimal number in `0..=max` without leading zeros.
fn small_decimal(s: &str, max: u32) -> bool {
    !s.is_empty()
        && s.len() <= 3
        && s.bytes().all(|b| b.is_ascii_digit())
        && (s == "0" || !s.starts_with('0'))
        && s.parse::<u32>().is_ok_and(|n| n <= max)
}

fn is_ipv4(s: &str) -> bool {
    let mut parts = 0;
    for part in s.split('.') {
        parts += 1;
        if !small_decimal(part, 255) {
            return false;
        }
    }
    parts == 4
}

fn is_ipv4_cidr(s: &str) -> bool {
    match s.split_once('/') {
        Some((addr, prefix)) => is_ipv4(addr) && small_decimal(prefix, 32),
        None => is_ipv4(s),
    }
}

fn is_ipv6_cidr(s: &str) -> bool {
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (s, None),
    };
    // A zone index (`fe80::1%eth0`) is allowed by the schema.
    let addr = match addr.split_once('%') {
        Some((a, zone)) if !zone.is_empty() => a,
        Some(_) => return false,
        None => addr,
    };
    addr.parse::<std::net::Ipv6Addr>().is_ok() && prefix.is_none_or(|p| small_decimal(p, 128))
}

fn is_mac(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 17
        && b.iter().enumerate().all(|(i, c)| {
            if i % 3 == 2 {
                *c == b':'
            } else {
                c.is_ascii_digit() || (b'a'..=b'f').contains(c)
            }
        })
}

/// An internationalized host name: labels of letters, digits and hyphens (any script), not
/// starting or ending with a hyphen, 1–63 characters each, at most 253 in all; one trailing
/// dot (the root) is allowed.
fn is_hostname(s: &str) -> bool {
    let name = s.strip_suffix('.').unwrap_or(s);
    if name.is_empty() || name.chars().count() > 253 {
        return false;
    }
    name.split('.').all(|label| {
        let n = label.chars().count();
        (1..=63).contains(&n)
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || (!c.is_ascii() && c.is_alphanumeric()))
    })
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~".contains(&b)
}

fn is_sub_delim(b: u8) -> bool {
    b"!$&'()*+,;=".contains(&b)
}

/// An absolute URI (RFC 3986 `URI`): a scheme, `:`, then characters a URI may hold, with `%`
/// only in percent-encodings, `[` `]` only around an IP literal host, and one `#` at most.
fn is_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let sb = scheme.as_bytes();
    if sb.is_empty()
        || !sb[0].is_ascii_alphabetic()
        || !sb.iter().all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(b))
    {
        return false;
    }
    let (body, fragment) = match rest.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (rest, None),
    };
    // The authority's IP literal is the only place brackets may stand.
    let (authority, path) = match body.strip_prefix("//") {
        Some(after) => {
            let end = after.find(['/', '?']).unwrap_or(after.len());
            (Some(&after[..end]), &after[end..])
        }
        None => (None, body),
    };
    if let Some(auth) = authority {
        let host_start = auth.rfind('@').map_or(0, |i| i + 1);
        let (userinfo, host_port) = auth.split_at(host_start);
        if !chars_ok(userinfo, b":@") {
            return false;
        }
        let port_ok = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if let Some(literal) = host_port.strip_prefix('[') {
            let Some((inside, after)) = literal.split_once(']') else {
                return false;
            };
            let ip_ok = inside.parse::<std::net::Ipv6Addr>().is_ok()
                || (inside.starts_with(['v', 'V']) && inside.contains('.') && chars_ok(inside, b":"));
            if !ip_ok || !(after.is_empty() || after.strip_prefix(':').is_some_and(port_ok)) {
                return false;
            }
        } else {
            let (host, port) = match host_port.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (host_port, None),
            };
            if !chars_ok(host, b"") || !port.is_none_or(port_ok) {
                return false;
            }
        }
    }
    chars_ok(path, b":@/?") && fragment.is_none_or(|f| chars_ok(f, b":@/?"))
}

/// Whether every byte of `s` is unreserved, a sub-delimiter, one of `extra`, or part of a
/// `%HH` percent-encoding.
fn chars_ok(s: &str, extra: &[u8]) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'%' {
            if !(i + 2 < b.len() && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit()) {
                return false;
            }
            i += 3;
            continue;
        }
        if !(is_unreserved(c) || is_sub_delim(c) || extra.contains(&c)) {
            return false;
        }
        i += 1;
    }
    true
}

/// An email address (RFC 5321 `Mailbox`): a dot-string or quoted local part, `@`, and a host
/// name or an address literal in brackets.
fn is_email(s: &str) -> bool {
    let Some(at) = s.rfind('@') else {
        return false;
    };
    let (local, domain) = (&s[..at], &s[at + 1..]);
    let local_ok = if let Some(q) = local.strip_prefix('"').and_then(|l| l.strip_suffix('"')) {
        !q.is_empty() && !q.contains(['\r', '\n'])
    } else {
        !local.is_empty()
            && local.len() <= 64
            && local.split('.').all(|atom| {
                !atom.is_empty()
                    && atom.chars().all(|c| {
                        c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c) || !c.is_ascii()
                    })
            })
    };
    let domain_ok = match domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        Some(literal) => {
            is_ipv4(literal)
                || literal
                    .strip_prefix("IPv6:")
                    .is_some_and(|a| a.parse::<std::net::Ipv6Addr>().is_ok())
        }
        None => is_hostname(domain) && !domain.ends_with('.'),
    };
    local_ok && domain_ok
}

/// `^(application|audio|font|image|message|model|multipart|text|video)/[a-zA-Z0-9.+_-]+`
/// (the schema's pattern; parameters may follow the subtype).
fn is_mime_type(s: &str) -> bool {
    const TOP: &[&str] = &[
        "application",
        "audio",
        "font",
        "image",
        "message",
        "model",
        "multipart",
        "text",
        "video",
    ];
    let Some((top, sub)) = s.split_once('/') else {
        return false;
    };
    TOP.contains(&top)
        && sub
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b".+_-".contains(&b))
}

/// A CPE 2.3 formatted string: `cpe:2.3:` then the part (`a`, `h`, `o`, `*` or `-`) and ten
/// more components, separated by colons that are not escaped with `\`.
fn is_cpe23(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("cpe:2.3:") else {
        return false;
    };
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                current.push(c);
                match chars.next() {
                    Some(next) => current.push(next),
                    None => return false,
                }
            }
            ':' => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    parts.push(current);
    parts.len() == 11
        && matches!(parts[0].as_str(), "a" | "h" | "o" | "*" | "-")
        && parts
            .iter()
            .all(|p| !p.is_empty() && !p.contains(char::is_whitespace))
}

/// The schema forbids abbreviated hives: `not: {pattern: "^HKLM|HKCC|HKCR|HKCU|HKU|hklm|…"}`,
/// which (as JSON Schema applies patterns anywhere in the string) refuses a key that starts
/// with `HKLM` or contains any of the other abbreviations.
fn is_full_registry_key(s: &str) -> bool {
    const ANYWHERE: &[&str] = &[
        "HKCC", "HKCR", "HKCU", "HKU", "hklm", "hkcc", "hkcr", "hkcu", "hku",
    ];
    !s.starts_with("HKLM") && !ANYWHERE.iter().any(|a| s.contains(a))
}

/// Whether `s` is base64 as the schema's `binary` pattern wants it: groups of four characters
/// of the base64 alphabet, the last one possibly padded with `=`.
// `usize::is_multiple_of` needs Rust 1.87; the workspace supports 1.85.
#[allow(clippy::manual_is_multiple_of)]
pub fn is_base64(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() || b.len() % 4 != 0 {
        return false;
    }
    let alpha = |c: &u8| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/';
    let pad = b.iter().rev().take_while(|c| **c == b'=').count();
    pad <= 2 && b[..b.len() - pad].iter().all(alpha)
}

/// Whether `s` is hexadecimal bytes as the schema's `hex` pattern wants it: pairs of hex digits.
#[allow(clippy::manual_is_multiple_of)]
pub fn is_hex(s: &str) -> bool {
    !s.is_empty() && s.len() % 2 == 0 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(format: Format, good: &[&str], bad: &[&str]) {
        for g in good {
            assert!(format.accepts(g), "{format:?} should accept {g:?}");
        }
        for b in bad {
            assert!(!format.accepts(b), "{format:?} should refuse {b:?}");
        }
    }

    #[test]
    fn ipv4() {
        check(
            Format::Ipv4Cidr,
            &[
                "203.0.113.7",
                "0.0.0.0",
                "10.0.0.0/8",
                "255.255.255.255/32",
                "1.2.3.4/0",
            ],
            &[
                "999.1.1.1",
                "1.2.3",
                "1.2.3.4.5",
                "01.2.3.4",
                "1.2.3.4/33",
                "1.2.3.4/",
                "a.b.c.d",
                "",
            ],
        );
    }

    #[test]
    fn ipv6() {
        check(
            Format::Ipv6Cidr,
            &[
                "2001:db8::1",
                "::",
                "::1",
                "fe80::1%eth0",
                "2001:db8::/32",
                "::ffff:192.0.2.1",
            ],
            &["2001:db8::g", "1.2.3.4", "2001:db8::/129", ":::", "fe80::1%", ""],
        );
    }

    #[test]
    fn mac() {
        check(
            Format::MacAddress,
            &["00:1a:2b:3c:4d:5e"],
            &[
                "00:1A:2B:3C:4D:5E",
                "00-1a-2b-3c-4d-5e",
                "001a2b3c4d5e",
                "00:1a:2b:3c:4d",
            ],
        );
    }

    #[test]
    fn hostnames_including_idn() {
        check(
            Format::Hostname,
            &[
                "example.com",
                "a.b-c.example",
                "localhost",
                "xn--bcher-kva.example",
                "bücher.example",
                "例え.jp",
                "example.com.",
            ],
            &[
                "not a domain!",
                "-bad.example",
                "bad-.example",
                "a..b",
                "under_score.example",
                "",
                ".",
                &"a".repeat(64),
            ],
        );
    }

    #[test]
    fn uris() {
        check(
            Format::Uri,
            &[
                "https://example.com/path?q=1#frag",
                "http://[2001:db8::1]:8080/",
                "mailto:jane@example.com",
                "urn:isbn:0451450523",
                "hxxp://evil.example/payload.exe",
                "https://example.com/a%20b",
                "file:///C:/Windows/System32",
            ],
            &[
                "not a url",
                "example.com/path",
                "https://example.com/a b",
                "https://exa mple.com",
                "https://example.com/%zz",
                "https://example.com/#a#b",
                "1http://x",
                "https://example.com/<script>",
                "",
            ],
        );
    }

    #[test]
    fn emails() {
        check(
            Format::Email,
            &[
                "jane@example.com",
                "j.doe+tag@mail.example.org",
                "\"odd name\"@example.com",
                "root@[192.0.2.1]",
            ],
            &[
                "jane",
                "@example.com",
                "jane@",
                "jane@@example.com",
                "ja..ne@example.com",
                "jane@exa mple.com",
            ],
        );
    }

    #[test]
    fn relationship_types() {
        check(
            Format::LowerKebab,
            &["related-to", "uses", "x-custom-1"],
            &["Uses", "related_to", "", "a b"],
        );
    }

    #[test]
    fn other_patterns() {
        check(
            Format::MimeType,
            &["application/zip", "text/plain; charset=utf-8"],
            &["zip", "foo/bar", "text/"],
        );
        check(Format::CharacterSet, &["utf-8", "ISO-8859-1"], &["u", "utf 8"]);
        check(
            Format::Cpe23,
            &[
                "cpe:2.3:a:microsoft:word:2000:*:*:*:*:*:*:*",
                "cpe:2.3:o:vendor:os\\:x:1:*:*:*:*:*:*:*",
            ],
            &[
                "cpe:/a:microsoft:word",
                "cpe:2.3:x:a:b:c:*:*:*:*:*:*:*",
                "cpe:2.3:a:b",
            ],
        );
        check(Format::LanguageCode, &["eng", "fra"], &["en", "ENG", "engl"]);
        check(
            Format::RegistryKey,
            &["HKEY_LOCAL_MACHINE\\Software\\Microsoft"],
            &["HKLM\\Software", "hkcu\\x", "HKEY_LOCAL_MACHINE\\HKU"],
        );
        check(
            Format::HexDigits(32),
            &["d41d8cd98f00b204e9800998ecf8427e"],
            &["d41d8cd9", "z41d8cd98f00b204e9800998ecf8427e"],
        );
        check(
            Format::Ssdeep,
            &["3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C"],
            &["", "a b"],
        );
        check(Format::Tlsh, &[&"A1".repeat(35)], &["A1"]);
    }

    #[test]
    fn binary_values() {
        assert!(is_base64("aGVsbG8="));
        assert!(is_base64("aGVsbG8h"));
        assert!(!is_base64("not base64!"));
        assert!(!is_base64("aGVsbG8"));
        assert!(!is_base64("a==="));
        assert!(!is_base64(""));
        assert!(is_hex("00ff"));
        assert!(!is_hex("0ff"));
        assert!(!is_hex("zz"));
    }
}
