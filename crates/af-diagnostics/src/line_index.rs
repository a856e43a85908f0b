/// Maps byte offsets to 1-based lines and columns (in chars and in UTF-16 units), in constant
/// time per lookup after one pass over the text.
///
/// A line ends at `\n`, at `\r\n` or at a lone `\r` (as the lexer and the Language Server
/// Protocol count them).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// For a text that is not all ASCII: the number of chars and of UTF-16 units before every
    /// multiple of [`BLOCK`] bytes, so that a column costs a scan of at most `BLOCK` bytes
    /// however long its line is. `None` for ASCII, where columns are byte distances.
    blocks: Option<Vec<(usize, usize)>>,
}

/// Bytes between two checkpoints of [`LineIndex::blocks`].
const BLOCK: usize = 256;

/// A 1-based line and column (column counted in Unicode scalar values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Whether a byte starts a char (is not a UTF-8 continuation byte).
fn starts_char(b: u8) -> bool {
    (b as i8) >= -0x40
}

/// UTF-16 units of the char a byte starts (0 for continuation bytes).
fn utf16_units(b: u8) -> usize {
    usize::from(starts_char(b)) + usize::from(b >= 0xF0)
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                starts.push(i + 1);
            }
        }
        let blocks = (!text.is_ascii()).then(|| {
            let mut blocks = Vec::with_capacity(bytes.len() / BLOCK + 1);
            let (mut chars, mut units) = (0, 0);
            for chunk in bytes.chunks(BLOCK) {
                blocks.push((chars, units));
                for &b in chunk {
                    chars += usize::from(starts_char(b));
                    units += utf16_units(b);
                }
            }
            blocks.push((chars, units));
            blocks
        });
        LineIndex { starts, blocks }
    }

    /// 0-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).saturating_sub(1)
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(usize::MAX)
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The bytes of a 0-based line without its line break (empty past the end).
    pub fn line_range(&self, text: &str, line: usize) -> std::ops::Range<usize> {
        let Some(&start) = self.starts.get(line) else {
            return text.len()..text.len();
        };
        let mut end = self.starts.get(line + 1).map_or(text.len(), |&e| e);
        let bytes = text.as_bytes();
        if end > start && bytes.get(end - 1) == Some(&b'\n') {
            end -= 1;
        }
        if end > start && bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        start..end
    }

    /// Chars before byte `offset` (which must not exceed the text's length).
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        match &self.blocks {
            None => offset,
            Some(blocks) => {
                let block = offset / BLOCK;
                let from = block * BLOCK;
                blocks[block].0
                    + text.as_bytes()[from..offset]
                        .iter()
                        .filter(|&&b| starts_char(b))
                        .count()
            }
        }
    }

    /// UTF-16 units before byte `offset` (which must not exceed the text's length).
    fn units_before(&self, text: &str, offset: usize) -> usize {
        match &self.blocks {
            None => offset,
            Some(blocks) => {
                let block = offset / BLOCK;
                let from = block * BLOCK;
                blocks[block].1
                    + text.as_bytes()[from..offset]
                        .iter()
                        .map(|&b| utf16_units(b))
                        .sum::<usize>()
            }
        }
    }

    /// 1-based line and column; offsets past the end clamp to the end.
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = clamp_to_char(text, offset);
        let line = self.line_of(offset);
        let start = self.starts[line];
        LineCol {
            line: line + 1,
            column: self.chars_before(text, offset) - self.chars_before(text, start) + 1,
        }
    }

    /// 0-based line and UTF-16 column, as the Language Server Protocol counts.
    pub fn utf16_position(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = clamp_to_char(text, offset);
        let line = self.line_of(offset);
        let start = self.starts[line];
        let col = self.units_before(text, offset) - self.units_before(text, start);
        (line as u32, col as u32)
    }

    /// Byte offset of a 0-based line and UTF-16 column (the start of the char a column inside
    /// a surrogate pair falls after); `None` when out of range. The line's break counts as
    /// part of it, so the column just past it is the start of the next line.
    pub fn offset_of_utf16(&self, text: &str, line: u32, col: u32) -> Option<usize> {
        let start = *self.starts.get(line as usize)?;
        let end = self.starts.get(line as usize + 1).map_or(text.len(), |e| *e);
        let target = self.units_before(text, start) + col as usize;
        if self.units_before(text, end) < target {
            return None;
        }
        let (mut pos, mut units) = match &self.blocks {
            None => return Some(start + col as usize),
            Some(blocks) => {
                let block = blocks.partition_point(|&(_, u)| u <= target).saturating_sub(1);
                // The last checkpoint stands for the end of the text, which may come before
                // `block * BLOCK`: past the end no position is a char boundary.
                let mut pos = (block * BLOCK).max(start).min(text.len());
                while !text.is_char_boundary(pos) {
                    pos += 1;
                }
                (pos, self.units_before(text, pos))
            }
        };
        let mut chars = text[pos..].chars();
        while units < target {
            let c = chars.next()?;
            units += c.len_utf16();
            pos += c.len_utf8();
        }
        Some(pos)
    }
}

fn clamp_to_char(text: &str, offset: usize) -> usize {
    let mut o = offset.min(text.len());
    while !text.is_char_boundary(o) {
        o -= 1;
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let t = "ab\ncdé\nx";
        let li = LineIndex::new(t);
        assert_eq!(li.line_col(t, 0), LineCol { line: 1, column: 1 });
        assert_eq!(li.line_col(t, 4), LineCol { line: 2, column: 2 });
        assert_eq!(li.line_col(t, 8), LineCol { line: 3, column: 1 });
        assert_eq!(li.line_col(t, 99), LineCol { line: 3, column: 2 });
        assert_eq!(li.utf16_position(t, 8), (2, 0));
        assert_eq!(li.offset_of_utf16(t, 1, 3), Some(7));
        assert_eq!(li.offset_of_utf16(t, 7, 0), None);
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let t = "a\rb\r\nc\nd";
        let li = LineIndex::new(t);
        assert_eq!(li.line_count(), 4);
        assert_eq!(li.line_col(t, 2), LineCol { line: 2, column: 1 });
        assert_eq!(li.line_col(t, 5), LineCol { line: 3, column: 1 });
        assert_eq!(li.line_col(t, 7), LineCol { line: 4, column: 1 });
        assert_eq!(li.line_range(t, 0), 0..1);
        assert_eq!(li.line_range(t, 1), 2..3);
        assert_eq!(li.line_range(t, 3), 7..8);
        assert_eq!(li.line_range(t, 9), 8..8);
    }

    /// The plain definitions, walking from the line start.
    fn slow_col(t: &str, li: &LineIndex, offset: usize) -> (usize, usize) {
        let offset = clamp_to_char(t, offset);
        let start = li.line_start(li.line_of(offset));
        let s = &t[start..offset];
        (s.chars().count(), s.chars().map(char::len_utf16).sum())
    }

    fn slow_offset(t: &str, li: &LineIndex, line: u32, col: u32) -> Option<usize> {
        let start = li.line_start(line as usize);
        if start == usize::MAX {
            return None;
        }
        let end = li.starts.get(line as usize + 1).map_or(t.len(), |e| *e);
        let mut units = 0;
        for (i, c) in t[start..end].char_indices() {
            if units >= col {
                return Some(start + i);
            }
            units += c.len_utf16() as u32;
        }
        (units >= col).then_some(end)
    }

    #[test]
    fn constant_time_columns_agree_with_walking_the_line() {
        // Long lines mixing 1-, 2-, 3- and 4-byte chars across many blocks.
        let mut t = String::new();
        for i in 0..3000 {
            t.push(['a', 'é', '→', '𝄞', '\n', 'x', '\r'][i * 7 % 11 % 7]);
            if i % 997 == 0 {
                t.push_str("\r\n");
            }
        }
        let li = LineIndex::new(&t);
        for offset in 0..=t.len() + 2 {
            let lc = li.line_col(&t, offset);
            let (line, col16) = li.utf16_position(&t, offset);
            let (chars, units) = slow_col(&t, &li, offset);
            assert_eq!(lc.column, chars + 1, "column at {offset}");
            assert_eq!(line as usize + 1, lc.line);
            assert_eq!(col16 as usize, units, "utf-16 column at {offset}");
        }
        for line in 0..li.line_count() as u32 + 1 {
            for col in 0..40 {
                assert_eq!(
                    li.offset_of_utf16(&t, line, col),
                    slow_offset(&t, &li, line, col),
                    "line {line} col {col}"
                );
            }
        }
        let long = "é".repeat(5000);
        let li = LineIndex::new(&long);
        assert_eq!(li.offset_of_utf16(&long, 0, 4321), Some(4321 * 2));
        assert_eq!(li.line_col(&long, 8642).column, 4322);
    }
}
