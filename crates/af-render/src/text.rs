//! Text measurement without a font engine, word wrapping, and escaping for XML.
//!
//! Widths come from a table of real advance widths ([`crate::metrics`], generated from the
//! fonts): per character, the widest of DejaVu Sans (the Linux fallback, and the font PNG
//! output draws with) and Liberation Sans (metric-compatible with Arial and Helvetica), the
//! fonts the SVG names, plus an allowance for the few pairs kerning sets wider than their
//! advances. Text sized with it fits whichever of them a viewer uses.

use crate::metrics::{KERN_ALLOWANCE, WIDTHS};

/// The font stack the SVG names; every family in it was measured into [`crate::metrics`]
/// (Helvetica and Arial through Liberation Sans, which has their widths).
pub const FONT_STACK: &str = "Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif";

/// Advance width of one character, in ems. Characters the measured fonts do not have are
/// drawn by some fallback font: they are given a full em, which no common glyph exceeds.
fn char_em(c: char, bold: bool) -> f64 {
    if c.is_control() || is_zero_width(c) {
        return 0.0;
    }
    match WIDTHS.binary_search_by_key(&(c as u32), |w| w.0) {
        Ok(i) => f64::from(if bold { WIDTHS[i].2 } else { WIDTHS[i].1 }) / 1000.0,
        Err(_) => 1.0,
    }
}

/// How much wider than their advances pairs starting with `c` can be set, in ems.
fn kern_em(c: char, bold: bool) -> f64 {
    match KERN_ALLOWANCE.binary_search_by_key(&(c as u32), |w| w.0) {
        Ok(i) => {
            f64::from(if bold {
                KERN_ALLOWANCE[i].2
            } else {
                KERN_ALLOWANCE[i].1
            }) / 1000.0
        }
        Err(_) => 0.0,
    }
}

/// Unicode noncharacters: U+FDD0..=U+FDEF and the last two code points of every plane.
fn is_noncharacter(c: char) -> bool {
    let code = c as u32;
    (0xFDD0..=0xFDEF).contains(&code) || code & 0xFFFE == 0xFFFE
}

fn is_zero_width(c: char) -> bool {
    matches!(c as u32, 0x200B..=0x200F | 0x0300..=0x036F | 0xFE00..=0xFE0F | 0x2060..=0x2064)
}

/// Width in pixels of `text` set at `size` pixels, bold or regular, in the widest of the
/// fonts the SVG names.
pub fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    let mut ems = 0.0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        ems += char_em(c, bold);
        if chars.peek().is_some() {
            ems += kern_em(c, bold);
        }
    }
    ems * size
}

/// Collapses all runs of whitespace (including line breaks) to single spaces and drops
/// control characters and noncharacters (U+FFFE, U+FFFF, U+FDD0..U+FDEF, …), which neither
/// XML nor YAML (Mermaid's front matter) allow.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = !out.is_empty();
        } else if !c.is_control() && !is_noncharacter(c) {
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
    fn widths_are_the_widest_measured_font_plus_kerning() {
        // DejaVu Sans Bold sets `T` 682/1000 em wide (the widest of the measured fonts), and
        // kerns `TT` wider than two advances: the pair gets its allowance, the last
        // character none.
        assert!(
            (text_width("T", 1000.0, true) - 683.0).abs() < 1.0,
            "{}",
            text_width("T", 1000.0, true)
        );
        assert!(text_width("TT", 1000.0, true) > 2.0 * text_width("T", 1000.0, true));
        assert_eq!(
            text_width("ab", 1000.0, false),
            text_width("a", 1000.0, false) + text_width("b", 1000.0, false)
        );
        // Characters no measured font has count as a full em.
        assert_eq!(text_width("漢", 10.0, false), 10.0);
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
    fn normalize_drops_noncharacters() {
        assert_eq!(
            normalize("a\u{fffe}b\u{ffff}c\u{fdd0}\u{10ffff}d\u{fffd}"),
            "abcd\u{fffd}"
        );
    }

    #[test]
    fn truncation_marks_the_cut() {
        assert_eq!(truncate_chars("abcdef", 4), "abc…");
        assert_eq!(truncate_chars("abc", 4), "abc");
    }
}
