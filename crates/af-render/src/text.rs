//! Text measurement without a font engine, word wrapping, and escaping for XML.
//!
//! Widths are estimated from a per-character table of a Helvetica/Arial-like sans-serif face
//! (advance widths in thousandths of an em), widened by a safety margin so that the common
//! fallbacks (Liberation Sans, DejaVu Sans, which is wider) still fit.

/// Advance widths of ASCII 32..=126 in thousandths of an em (Helvetica metrics).
const ASCII_WIDTHS: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // ' '../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0-9
    278, 278, 584, 584, 584, 556, 1015, // :;<=>?@
    667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, // A-M
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // N-Z
    278, 278, 278, 469, 556, 333, // [\]^_`
    556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, // a-m
    556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, // n-z
    334, 260, 334, 584, // {|}~
];

/// Widening applied to every estimate (fallback fonts are up to ~12% wider than Helvetica).
const SAFETY: f64 = 1.12;
/// Extra width of bold text.
const BOLD: f64 = 1.07;

/// Estimated advance width of one character, in ems.
fn char_em(c: char) -> f64 {
    let code = c as u32;
    if (32..=126).contains(&code) {
        return f64::from(ASCII_WIDTHS[(code - 32) as usize]) / 1000.0;
    }
    if is_wide(c) {
        return 1.0;
    }
    if c.is_control() || is_zero_width(c) {
        return 0.0;
    }
    // Latin-1 letters, Greek, Cyrillic and punctuation: about an average letter.
    0.62
}

fn is_zero_width(c: char) -> bool {
    matches!(c as u32, 0x200B..=0x200F | 0x0300..=0x036F | 0xFE00..=0xFE0F | 0x2060..=0x2064)
}

/// East Asian wide and full-width characters and emoji take a full em.
fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x1F300..=0x1FAFF | 0x20000..=0x3FFFD)
}

/// Estimated width in pixels of `text` set at `size` pixels, bold or regular.
pub fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    let ems: f64 = text.chars().map(char_em).sum();
    ems * size * SAFETY * if bold { BOLD } else { 1.0 }
}

/// Collapses all runs of whitespace (including line breaks) to single spaces and drops
/// control characters.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = !out.is_empty();
        } else if !c.is_control() {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Wraps `text` into at most `max_lines` lines no wider than `width` pixels. Words longer than
/// a line are broken between characters. When the text does not fit, the last line ends with
/// `…`.
pub fn wrap(text: &str, width: f64, size: f64, bold: bool, max_lines: usize) -> Vec<String> {
    let text = normalize(text);
    let mut lines: Vec<String> = Vec::new();
    if max_lines == 0 || text.is_empty() {
        return lines;
    }
    let fits = |s: &str| text_width(s, size, bold) <= width;
    let mut current = String::new();
    let mut truncated = false;
    'words: for word in text.split(' ') {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if fits(&candidate) {
            current = candidate;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
            if lines.len() == max_lines {
                truncated = true;
                break;
            }
        }
        if fits(word) {
            current = word.to_string();
            continue;
        }
        // Break an over-long word between characters.
        for c in word.chars() {
            current.push(c);
            if !fits(&current) {
                current.pop();
                lines.push(std::mem::take(&mut current));
                if lines.len() == max_lines {
                    truncated = true;
                    break 'words;
                }
                current.push(c);
            }
        }
    }
    if !truncated && !current.is_empty() {
        if lines.len() == max_lines {
            truncated = true;
        } else {
            lines.push(current);
        }
    }
    if truncated {
        if let Some(last) = lines.last_mut() {
            *last = with_ellipsis(last, width, size, bold);
        }
    }
    lines
}

/// `text` shortened so that `text…` fits in `width`.
pub fn with_ellipsis(text: &str, width: f64, size: f64, bold: bool) -> String {
    let mut s: String = text.trim_end().to_string();
    loop {
        let candidate = format!("{s}…");
        if text_width(&candidate, size, bold) <= width || s.is_empty() {
            return candidate;
        }
        s.pop();
        let trimmed = s.trim_end().len();
        s.truncate(trimmed);
    }
}

/// One line: `text` if it fits, else shortened with `…`.
pub fn fit_line(text: &str, width: f64, size: f64, bold: bool) -> String {
    let text = normalize(text);
    if text_width(&text, size, bold) <= width {
        text
    } else {
        with_ellipsis(&text, width, size, bold)
    }
}

/// The first `max` characters of `text` (normalized), with `…` when cut.
pub fn truncate_chars(text: &str, max: usize) -> String {
    let text = normalize(text);
    if text.chars().count() <= max {
        return text;
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    let trimmed = s.trim_end().len();
    s.truncate(trimmed);
    s.push('…');
    s
}

/// Escapes text for XML character data and attribute values, dropping characters XML 1.0
/// does not allow.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    xml_escape_into(&mut out, text);
    out
}

/// [`xml_escape`] appending to `out`.
pub fn xml_escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if allowed_in_xml(c) => out.push(c),
            _ => {}
        }
    }
}

fn allowed_in_xml(c: char) -> bool {
    matches!(c as u32, 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wider_characters_measure_wider() {
        assert!(text_width("WWWW", 12.0, false) > text_width("iiii", 12.0, false));
        assert!(text_width("abc", 12.0, true) > text_width("abc", 12.0, false));
        assert!(text_width("漢字", 12.0, false) > text_width("ab", 12.0, false));
        assert_eq!(text_width("", 12.0, false), 0.0);
    }

    #[test]
    fn wrap_respects_width_and_line_limit() {
        let text = "The adversary sends a link to a fake Outlook login page and waits for the password";
        let lines = wrap(text, 120.0, 12.0, false, 3);
        assert_eq!(lines.len(), 3);
        for l in &lines {
            assert!(text_width(l, 12.0, false) <= 120.0, "{l}");
        }
        assert!(lines[2].ends_with('…'));
        let all = wrap(text, 2000.0, 12.0, false, 3);
        assert_eq!(all, vec![text.to_string()]);
    }

    #[test]
    fn wrap_breaks_long_words() {
        let lines = wrap(&"x".repeat(200), 60.0, 12.0, false, 10);
        assert!(lines.len() > 2);
        for l in &lines {
            assert!(text_width(l, 12.0, false) <= 60.0);
        }
    }

    #[test]
    fn escape_covers_markup_and_drops_bad_characters() {
        assert_eq!(xml_escape("a<b>&\"c'\u{0}\u{1b}"), "a&lt;b&gt;&amp;&quot;c&apos;");
    }

    #[test]
    fn normalize_collapses_whitespace() {
        assert_eq!(normalize("  a\n\n b\tc  "), "a b c");
    }

    #[test]
    fn truncation_marks_the_cut() {
        assert_eq!(truncate_chars("abcdef", 4), "abc…");
        assert_eq!(truncate_chars("abc", 4), "abc");
    }
}
