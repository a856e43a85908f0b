//! A small JSON parser that keeps the byte span of every value and every object key, so that
//! findings can point at the exact place in the text.
//!
//! It accepts exactly RFC 8259 JSON (plus a leading UTF-8 byte order mark), refuses nesting
//! deeper than [`MAX_DEPTH`] instead of overflowing the stack, and stops at the first syntax
//! error with its position.

use std::ops::Range;

/// A byte range into the parsed text.
pub type Span = Range<usize>;

/// How deep arrays and objects may nest. STIX objects need fewer than ten levels.
pub const MAX_DEPTH: usize = 128;

/// A JSON value and where it is in the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// What the value is.
    pub kind: Kind,
    /// From the first byte of the value to just after its last byte (quotes and brackets
    /// included).
    pub span: Span,
}

/// The kinds of JSON values.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object: its members in text order, duplicates kept.
    Object(Vec<Member>),
}

/// A JSON number: its value as `f64`, and as `i64` when written without fraction or exponent
/// and in range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number {
    /// The value (may be rounded for very long literals).
    pub value: f64,
    /// The exact value of an integer literal that fits in `i64`.
    pub integer: Option<i64>,
}

impl Number {
    /// Whether the number is a whole number, as JSON Schema's `integer` type counts them
    /// (`5` and `5.0` are, `5.5` is not).
    pub fn is_integer(&self) -> bool {
        self.integer.is_some() || (self.value.is_finite() && self.value.fract() == 0.0)
    }
}

/// One `"key": value` member of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The key, unescaped.
    pub key: String,
    /// The key's span, quotes included.
    pub key_span: Span,
    /// The value.
    pub value: Value,
}

impl Member {
    /// From the key to the end of the value.
    pub fn span(&self) -> Span {
        self.key_span.start..self.value.span.end
    }
}

impl Value {
    /// The members of an object, or `None` for other values.
    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.kind {
            Kind::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The elements of an array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match &self.kind {
            Kind::Array(v) => Some(v),
            _ => None,
        }
    }

    /// The text of a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::String(s) => Some(s),
            _ => None,
        }
    }

    /// The member named `key` of an object; the last one when the key is repeated (as most
    /// JSON readers keep the last).
    pub fn member(&self, key: &str) -> Option<&Member> {
        self.as_object()?.iter().rev().find(|m| m.key == key)
    }

    /// The value of the member named `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.member(key).map(|m| &m.value)
    }

    /// `null`, `boolean`, `number`, `string`, `array` or `object`, for messages.
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Number(_) => "a number",
            Kind::String(_) => "a string",
            Kind::Array(_) => "a list",
            Kind::Object(_) => "an object",
        }
    }

    /// The span of the first byte only (the `{` of an object, the `[` of a list): a short
    /// place to point at for findings about a whole value.
    pub fn head_span(&self) -> Span {
        self.span.start..(self.span.start + 1).min(self.span.end)
    }

    /// For a string value, the span inside the quotes; otherwise the whole span.
    pub fn inner_span(&self) -> Span {
        match self.kind {
            Kind::String(_) if self.span.len() >= 2 => self.span.start + 1..self.span.end - 1,
            _ => self.span.clone(),
        }
    }
}

/// Why the text is not JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Where parsing stopped.
    pub span: Span,
    /// What was wrong there.
    pub message: String,
    /// True when the text nests deeper than [`MAX_DEPTH`] (a limit of this parser, not a
    /// syntax error).
    pub too_deep: bool,
}

/// Parses a JSON text.
pub fn parse(text: &str) -> Result<Value, ParseError> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
    };
    p.pos = text.len() - af_stix::input::strip_bom(text).len();
    p.skip_ws();
    let value = p.value()?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.error_here("unexpected text after the end of the JSON value"));
    }
    Ok(value)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    /// The span of the character at the current position (empty at the end of the text).
    fn char_span(&self, at: usize) -> Span {
        let len = self.text[at..].chars().next().map_or(0, char::len_utf8);
        at..at + len
    }

    fn error_at(&self, at: usize, message: impl Into<String>) -> ParseError {
        ParseError {
            span: self.char_span(at),
            message: message.into(),
            too_deep: false,
        }
    }

    fn error_here(&self, message: impl Into<String>) -> ParseError {
        let found = match self.text[self.pos..].chars().next() {
            None => "the end of the text".to_string(),
            Some(c) if c.is_control() => format!("{c:?}"),
            Some(c) => format!("`{c}`"),
        };
        self.error_at(self.pos, format!("{}, found {found}", message.into()))
    }

    fn value(&mut self) -> Result<Value, ParseError> {
        let start = self.pos;
        match self.bytes.get(self.pos) {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => {
                let s = self.string()?;
                Ok(Value {
                    kind: Kind::String(s),
                    span: start..self.pos,
                })
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal("true", Kind::Bool(true)),
            Some(b'f') => self.literal("false", Kind::Bool(false)),
            Some(b'n') => self.literal("null", Kind::Null),
            _ => Err(self.error_here("expected a JSON value")),
        }
    }

    fn literal(&mut self, word: &str, kind: Kind) -> Result<Value, ParseError> {
        let start = self.pos;
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(Value {
                kind,
                span: start..self.pos,
            })
        } else {
            Err(self.error_here(format!("expected `{word}`")))
        }
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let mut e = self.error_at(self.pos, format!("JSON nested more than {MAX_DEPTH} levels deep"));
            e.too_deep = true;
            return Err(e);
        }
        Ok(())
    }

    fn object(&mut self) -> Result<Value, ParseError> {
        let start = self.pos;
        self.enter()?;
        self.pos += 1;
        let mut members = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
        } else {
            loop {
                self.skip_ws();
                if self.bytes.get(self.pos) != Some(&b'"') {
                    return Err(self.error_here("expected a quoted property name"));
                }
                let key_start = self.pos;
                let key = self.string()?;
                let key_span = key_start..self.pos;
                self.skip_ws();
                if self.bytes.get(self.pos) != Some(&b':') {
                    return Err(self.error_here("expected `:` after the property name"));
                }
                self.pos += 1;
                self.skip_ws();
                let value = self.value()?;
                members.push(Member { key, key_span, value });
                self.skip_ws();
                match self.bytes.get(self.pos) {
                    Some(b',') => self.pos += 1,
                    Some(b'}') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.error_here("expected `,` or `}`")),
                }
            }
        }
        self.depth -= 1;
        Ok(Value {
            kind: Kind::Object(members),
            span: start..self.pos,
        })
    }

    fn array(&mut self) -> Result<Value, ParseError> {
        let start = self.pos;
        self.enter()?;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
        } else {
            loop {
                self.skip_ws();
                items.push(self.value()?);
                self.skip_ws();
                match self.bytes.get(self.pos) {
                    Some(b',') => self.pos += 1,
                    Some(b']') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.error_here("expected `,` or `]`")),
                }
            }
        }
        self.depth -= 1;
        Ok(Value {
            kind: Kind::Array(items),
            span: start..self.pos,
        })
    }

    /// Reads a string starting at the opening quote; leaves `pos` after the closing quote.
    fn string(&mut self) -> Result<String, ParseError> {
        let open = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            // Copy the run of plain characters at once.
            let run_start = self.pos;
            while let Some(&b) = self.bytes.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.text[run_start..self.pos]);
            match self.bytes.get(self.pos) {
                None => return Err(self.error_at(open, "string without a closing quote")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    let esc = self.pos;
                    self.pos += 1;
                    let c = match self.bytes.get(self.pos) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            let hi = self.hex4(esc)?;
                            let c = if (0xD800..0xDC00).contains(&hi)
                                && self.bytes[self.pos..].starts_with(b"\\u")
                            {
                                let save = self.pos;
                                self.pos += 2;
                                let lo = self.hex4(esc)?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                                } else {
                                    // A lone high surrogate followed by another escape.
                                    self.pos = save;
                                    None
                                }
                            } else {
                                char::from_u32(hi)
                            };
                            // Lone surrogates cannot be held in a Rust string.
                            out.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
                            continue;
                        }
                        _ => {
                            return Err(self.error_at(
                                esc,
                                "invalid escape in a string (JSON knows \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)",
                            ))
                        }
                    };
                    self.pos += 1;
                    out.push(c);
                }
                Some(_) => {
                    return Err(
                        self.error_here("control character in a string (write it as an escape such as \\n)")
                    )
                }
            }
        }
    }

    fn hex4(&mut self, esc: usize) -> Result<u32, ParseError> {
        let digits = self
            .bytes
            .get(self.pos..self.pos + 4)
            .filter(|d| d.iter().all(u8::is_ascii_hexdigit))
            .ok_or_else(|| self.error_at(esc, "`\\u` must be followed by four hex digits"))?;
        let mut v = 0u32;
        for d in digits {
            // Checked above: every byte is a hex digit.
            v = v * 16 + char::from(*d).to_digit(16).unwrap_or(0);
        }
        self.pos += 4;
        Ok(v)
    }

    fn number(&mut self) -> Result<Value, ParseError> {
        let start = self.pos;
        let digits = |p: &mut Self| {
            let s = p.pos;
            while p.bytes.get(p.pos).is_some_and(u8::is_ascii_digit) {
                p.pos += 1;
            }
            p.pos - s
        };
        if self.bytes.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        let int_start = self.pos;
        let n = digits(self);
        if n == 0 {
            return Err(self.error_here("expected a digit"));
        }
        if n > 1 && self.bytes[int_start] == b'0' {
            return Err(self.error_at(int_start, "numbers cannot start with 0"));
        }
        let mut integral = true;
        if self.bytes.get(self.pos) == Some(&b'.') {
            integral = false;
            self.pos += 1;
            if digits(self) == 0 {
                return Err(self.error_here("expected a digit after the decimal point"));
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.pos) {
            integral = false;
            self.pos += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.pos) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(self.error_here("expected a digit in the exponent"));
            }
        }
        let literal = &self.text[start..self.pos];
        let value = literal
            .parse::<f64>()
            .map_err(|_| self.error_at(start, "not a number"))?;
        let integer = if integral {
            literal.parse::<i64>().ok()
        } else {
            None
        };
        Ok(Value {
            kind: Kind::Number(Number { value, integer }),
            span: start..self.pos,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_point_at_keys_and_values() {
        let text = r#"{ "a": [1, -2.5e3, "x\ny"], "b": {"c": null, "d": true} }"#;
        let v = parse(text).expect("valid");
        let a = v.member("a").expect("a");
        assert_eq!(&text[a.key_span.clone()], r#""a""#);
        assert_eq!(&text[a.value.span.clone()], r#"[1, -2.5e3, "x\ny"]"#);
        let items = a.value.as_array().expect("array");
        assert_eq!(
            items[1].kind,
            Kind::Number(Number {
                value: -2500.0,
                integer: None
            })
        );
        assert_eq!(items[2].as_str(), Some("x\ny"));
        assert_eq!(&text[items[2].inner_span()], r"x\ny");
        let b = v.get("b").expect("b");
        assert_eq!(b.get("c").map(|c| &c.kind), Some(&Kind::Null));
        assert_eq!(&text[b.get("d").expect("d").span.clone()], "true");
    }

    #[test]
    fn unicode_escapes_and_surrogates() {
        let v = parse(r#""\u00e9\ud83d\ude00\ud800x""#).expect("valid");
        assert_eq!(v.as_str(), Some("é😀\u{fffd}x"));
    }

    #[test]
    fn integers_and_floats() {
        let v = parse("[5, 5.0, 5.5, 123456789012345678901]").expect("valid");
        let n: Vec<bool> = v
            .as_array()
            .expect("array")
            .iter()
            .map(|x| matches!(&x.kind, Kind::Number(n) if n.is_integer()))
            .collect();
        assert_eq!(n, [true, true, false, true]);
    }

    #[test]
    fn last_duplicate_wins_in_get() {
        let v = parse(r#"{"a": 1, "a": 2}"#).expect("valid");
        assert_eq!(v.as_object().map(<[Member]>::len), Some(2));
        assert!(matches!(v.get("a").map(|x| &x.kind), Some(Kind::Number(n)) if n.integer == Some(2)));
    }

    #[test]
    fn errors_have_positions() {
        let cases = [
            ("{\"a\": 1,}", 8),
            ("[1 2]", 3),
            ("{\"a\" 1}", 5),
            ("\"abc", 0),
            ("[01]", 1),
            ("tru", 0),
            ("{} x", 3),
            ("\"a\tb\"", 2),
            ("\"\\q\"", 1),
            ("", 0),
        ];
        for (text, at) in cases {
            let e = parse(text).expect_err(text);
            assert_eq!(e.span.start, at, "{text}: {}", e.message);
            assert!(!e.too_deep);
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let text = "[".repeat(100_000);
        let e = parse(&text).expect_err("too deep");
        assert!(e.too_deep);
        assert_eq!(e.span.start, MAX_DEPTH);
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn byte_order_mark_is_skipped() {
        let v = parse("\u{feff}{\"a\": 1}").expect("valid");
        assert_eq!(v.span.start, 3);
    }
}
