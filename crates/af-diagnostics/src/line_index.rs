/// Maps byte offsets to 1-based lines and columns (in chars and in UTF-16 units).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

/// A 1-based line and column (column counted in Unicode scalar values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
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

    /// 1-based line and column; offsets past the end clamp to the end.
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = clamp_to_char(text, offset);
        let line = self.line_of(offset);
        let start = self.starts[line];
        LineCol {
            line: line + 1,
            column: text[start..offset].chars().count() + 1,
        }
    }

    /// 0-based line and UTF-16 column, as the Language Server Protocol counts.
    pub fn utf16_position(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = clamp_to_char(text, offset);
        let line = self.line_of(offset);
        let start = self.starts[line];
        let col: usize = text[start..offset].chars().map(char::len_utf16).sum();
        (line as u32, col as u32)
    }

    /// Byte offset of a 0-based line and UTF-16 column; `None` when out of range.
    pub fn offset_of_utf16(&self, text: &str, line: u32, col: u32) -> Option<usize> {
        let start = *self.starts.get(line as usize)?;
        let end = self.starts.get(line as usize + 1).map_or(text.len(), |e| *e);
        let mut units = 0u32;
        for (i, c) in text[start..end].char_indices() {
            if units >= col {
                return Some(start + i);
            }
            units += c.len_utf16() as u32;
        }
        (units >= col).then_some(end.min(text.len()))
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
}
