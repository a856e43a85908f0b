//! Byte offsets (what every afc crate uses) ↔ UTF-16 offsets (what JavaScript string indices
//! count).

use af_diagnostics::{LineCol, LineIndex};

/// The offset tables of one text: only its non-ASCII characters are recorded, so an ASCII
/// text costs nothing and offsets map one to one.
pub struct Offsets {
    text_len: usize,
    utf16_len: usize,
    /// `(byte start, UTF-16 start, byte length, UTF-16 length)` of each non-ASCII character.
    wide: Vec<(usize, usize, usize, usize)>,
    index: LineIndex,
}

impl Offsets {
    pub fn new(text: &str) -> Offsets {
        let mut wide = Vec::new();
        let mut extra = 0usize; // bytes minus UTF-16 units so far
        if !text.is_ascii() {
            for (i, c) in text.char_indices() {
                if !c.is_ascii() {
                    wide.push((i, i - extra, c.len_utf8(), c.len_utf16()));
                    extra += c.len_utf8() - c.len_utf16();
                }
            }
        }
        Offsets {
            text_len: text.len(),
            utf16_len: text.len() - extra,
            wide,
            index: LineIndex::new(text),
        }
    }

    /// The UTF-16 offset of a byte offset (inside a character: its start; past the end: the
    /// end).
    pub fn to_utf16(&self, byte: usize) -> usize {
        let byte = byte.min(self.text_len);
        let k = self.wide.partition_point(|w| w.0 <= byte);
        match k.checked_sub(1).map(|k| self.wide[k]) {
            None => byte,
            Some((b, u, bl, _)) if byte < b + bl => u,
            Some((b, u, bl, ul)) => u + ul + (byte - b - bl),
        }
    }

    /// The byte offset of a UTF-16 offset (inside a character: its start; past the end: the
    /// end).
    pub fn to_byte(&self, utf16: usize) -> usize {
        let utf16 = utf16.min(self.utf16_len);
        let k = self.wide.partition_point(|w| w.1 <= utf16);
        match k.checked_sub(1).map(|k| self.wide[k]) {
            None => utf16,
            Some((b, u, _, ul)) if utf16 < u + ul => b,
            Some((b, u, bl, ul)) => b + bl + (utf16 - u - ul),
        }
    }

    /// 1-based line and column (in characters) of a byte offset into `text`, the text the
    /// tables were made from.
    pub fn line_col(&self, text: &str, byte: usize) -> LineCol {
        self.index.line_col(text, byte)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_maps_one_to_one() {
        let o = Offsets::new("action a T1566\n");
        assert_eq!((o.to_utf16(7), o.to_byte(7)), (7, 7));
        assert_eq!((o.to_utf16(99), o.to_byte(99)), (15, 15));
    }

    #[test]
    fn wide_characters_agree_with_javascript() {
        // "é" is 2 bytes and 1 unit, "𝔸" 4 bytes and 2 units (a surrogate pair).
        let text = "a\"é\"𝔸b\n";
        let o = Offsets::new(text);
        for (byte, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let units: usize = text[..byte].chars().map(char::len_utf16).sum();
            assert_eq!(o.to_utf16(byte), units, "byte {byte}");
            assert_eq!(o.to_byte(units), byte, "unit {units}");
        }
        // Inside a character: its start.
        assert_eq!(o.to_utf16(3), 2);
        assert_eq!(o.to_byte(5), 5);
        assert_eq!(o.line_col(text, text.len()).line, 2);
    }
}
