//! Decoding string literals: escapes, and the indentation rule of `"""…"""` strings.

/// A problem inside a string literal; `offset` is relative to the literal's first quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringError {
    pub offset: usize,
    pub len: usize,
    pub message: String,
}

/// Decodes a literal as lexed (quotes included). Escapes: `\"` `\\` `\n` `\t` `\r` `\0`
/// `\u{…}`. A `"""` string drops the line break right after the opening quotes and the one
/// right before the closing quotes (when they stand on their own line) and removes the
/// indentation common to all non-blank lines.
pub fn decode(raw: &str, multiline: bool) -> (String, Vec<StringError>) {
    let q = if multiline { 3 } else { 1 };
    let inner_end = raw.len().saturating_sub(q).max(q);
    let inner = raw.get(q..inner_end).unwrap_or("");
    if !multiline && !inner.contains('\\') {
        return (inner.to_string(), Vec::new());
    }
    let mut errors = Vec::new();
    let body = if multiline {
        dedent(inner)
    } else {
        inner.to_string()
    };
    let offset_base = q;
    // Escapes are decoded after dedenting, so offsets in errors are approximate for
    // multi-line strings; they still point inside the literal.
    let mut out = String::with_capacity(body.len());
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let at = offset_base + i.min(inner.len());
        match chars.next() {
            Some((_, 'n')) => out.push('\n'),
            Some((_, 't')) => out.push('\t'),
            Some((_, 'r')) => out.push('\r'),
            Some((_, '0')) => out.push('\0'),
            Some((_, '"')) => out.push('"'),
            Some((_, '\\')) => out.push('\\'),
            Some((_, 'u')) => {
                let mut hex = String::new();
                let mut ok = chars.next_if(|(_, c)| *c == '{').is_some();
                if ok {
                    while let Some((_, c)) = chars.next_if(|(_, c)| *c != '}') {
                        hex.push(c);
                    }
                    ok = chars.next_if(|(_, c)| *c == '}').is_some();
                }
                match (ok, u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)) {
                    (true, Some(ch)) if !hex.is_empty() && hex.len() <= 6 => out.push(ch),
                    _ => errors.push(StringError {
                        offset: at,
                        len: 2 + hex.len() + 2 * usize::from(ok),
                        message: "invalid unicode escape; write `\\u{1F600}` with 1 to 6 hex digits of a valid code point".into(),
                    }),
                }
            }
            Some((_, '\n')) if multiline => {
                // A backslash at the end of a line joins it with the next (indentation kept).
            }
            Some((_, other)) => errors.push(StringError {
                offset: at,
                len: 1 + other.len_utf8(),
                message: format!("unknown escape `\\{other}`; use `\\\\` for a backslash"),
            }),
            None => errors.push(StringError {
                offset: at,
                len: 1,
                message: "a string cannot end with `\\`".into(),
            }),
        }
    }
    (out, errors)
}

/// Decodes a string token as the lexer gave it, closing an unterminated one first (the lexer
/// has reported it) so that it keeps its text.
pub fn literal(raw: &str, multiline: bool) -> (String, Vec<StringError>) {
    let closed =
        raw.len() > 1 && raw.ends_with('"') && (!multiline || raw.len() >= 6 && raw.ends_with(r#"""""#));
    if closed {
        decode(raw, multiline)
    } else {
        decode(
            &format!("{raw}{}", if multiline { r#"""""# } else { "\"" }),
            multiline,
        )
    }
}

fn dedent(inner: &str) -> String {
    let mut text = inner;
    if let Some(rest) = text.strip_prefix("\r\n").or_else(|| text.strip_prefix('\n')) {
        text = rest;
    }
    // Drop a last line made only of spaces (the indentation of the closing quotes).
    if let Some(pos) = text.rfind('\n') {
        if text[pos + 1..].chars().all(|c| c == ' ' || c == '\t') {
            text = &text[..pos];
            text = text.strip_suffix('\r').unwrap_or(text);
        }
    }
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let line = line.strip_suffix('\r').unwrap_or(line);
        out.push_str(
            line.get(indent..)
                .unwrap_or_else(|| line.trim_start_matches([' ', '\t'])),
        );
    }
    out
}

/// Writes `value` as a language string literal: `"…"` with escapes, or a `"""` block indented
/// by `indent` when it has several lines and no trailing spaces that the block would lose.
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(decode(r#""a\"b\\c\n\u{e9}""#, false).0, "a\"b\\c\né");
        let (_, errs) = decode(r#""bad\q""#, false);
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].offset, 4);
    }

    #[test]
    fn multiline_dedent() {
        let raw = "\"\"\"\n    First line\n      indented\n    last\n  \"\"\"";
        assert_eq!(decode(raw, true).0, "First line\n  indented\nlast");
        assert_eq!(decode("\"\"\"one line\"\"\"", true).0, "one line");
    }

    #[test]
    fn quote_round_trips() {
        for s in ["plain", "with \"quotes\" and \\", "line\nbreak\ttab", "\u{1}ctl"] {
            let q = quote(s);
            assert_eq!(decode(&q, false).0, s);
        }
    }
}
