//! Byte ranges and line/column positions.
//!
//! The engine speaks byte offsets into a file's UTF-8 text everywhere. Front ends convert them to
//! 0-based lines and columns in the unit the client negotiated ([`PositionEncoding`]): UTF-8 bytes
//! or UTF-16 code units (the LSP default).

use std::fmt;

/// A half-open range of byte offsets `start..end` into one file's UTF-8 text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TextRange {
    /// First byte of the range (0-based).
    pub start: usize,
    /// One past the last byte of the range.
    pub end: usize,
}

impl TextRange {
    /// The range `start..end` in bytes. `end` is clamped up to `start`.
    pub fn new(start: usize, end: usize) -> TextRange {
        TextRange { start, end: end.max(start) }
    }

    /// An empty range at byte `offset`.
    pub fn empty(offset: usize) -> TextRange {
        TextRange { start: offset, end: offset }
    }

    /// Whether `offset` lies in `start..=end` (the end is included so a cursor right after a token
    /// still counts as on it).
    pub fn touches(&self, offset: usize) -> bool {
        self.start <= offset && offset <= self.end
    }

    /// Whether the two ranges overlap or touch.
    pub fn intersects(&self, other: TextRange) -> bool {
        self.start <= other.end && other.start <= self.end
    }

    /// The range moved `delta` bytes to the right.
    pub fn shifted(&self, delta: usize) -> TextRange {
        TextRange { start: self.start + delta, end: self.end + delta }
    }
}

impl fmt::Display for TextRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// The unit in which a position's `character` counts, as negotiated by LSP's
/// `general.positionEncodings` (LSP 3.17).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PositionEncoding {
    /// `character` counts UTF-8 bytes.
    Utf8,
    /// `character` counts UTF-16 code units (LSP's default).
    Utf16,
}

/// A 0-based line and a 0-based column in the unit of a [`PositionEncoding`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Position {
    /// 0-based line number.
    pub line: u32,
    /// 0-based column, in UTF-8 bytes or UTF-16 code units.
    pub character: u32,
}

/// Converts between byte offsets and [`Position`]s for one text.
///
/// Built from the text once (`O(n)`), then answers each conversion in `O(log lines)`.
#[derive(Clone, Debug)]
pub struct LineIndex {
    inner: line_index::LineIndex,
    len: usize,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> LineIndex {
        LineIndex { inner: line_index::LineIndex::new(text), len: text.len() }
    }

    /// The position of byte `offset`, with the column in `encoding` units. An offset past the end
    /// is clamped to the end; an offset inside a multi-byte character is moved to its start.
    pub fn position(&self, offset: usize, encoding: PositionEncoding) -> Position {
        let offset = offset.min(self.len);
        let mut size = line_index::TextSize::new(offset as u32);
        let mut lc = self.inner.try_line_col(size);
        while lc.is_none() && size > 0.into() {
            size -= line_index::TextSize::new(1);
            lc = self.inner.try_line_col(size);
        }
        let lc = lc.unwrap_or(line_index::LineCol { line: 0, col: 0 });
        match encoding {
            PositionEncoding::Utf8 => Position { line: lc.line, character: lc.col },
            PositionEncoding::Utf16 => match self.inner.to_wide(line_index::WideEncoding::Utf16, lc) {
                Some(w) => Position { line: w.line, character: w.col },
                None => Position { line: lc.line, character: lc.col },
            },
        }
    }

    /// The byte offset of `position` (columns in `encoding` units). A column past the end of its
    /// line is clamped to the line's end (before its newline); a line past the end of the text
    /// gives the text's length. Never fails.
    pub fn offset(&self, position: Position, encoding: PositionEncoding) -> usize {
        let Some(line_range) = self.inner.line(position.line) else {
            return self.len;
        };
        let line_start = usize::from(line_range.start());
        let mut line_end = usize::from(line_range.end());
        // `line` includes the trailing newline; a column never points past it.
        if line_end > line_start && line_end <= self.len {
            line_end = line_end.saturating_sub(1).max(line_start);
        }
        let lc = match encoding {
            PositionEncoding::Utf8 => Some(line_index::LineCol { line: position.line, col: position.character }),
            PositionEncoding::Utf16 => self
                .inner
                .to_utf8(line_index::WideEncoding::Utf16, line_index::WideLineCol { line: position.line, col: position.character }),
        };
        match lc.and_then(|lc| self.inner.offset(lc)) {
            Some(off) => usize::from(off).min(line_end.max(line_start)).max(line_start),
            None => line_end,
        }
    }

    /// The 0-based line number of byte `offset`.
    pub fn line_of(&self, offset: usize) -> u32 {
        self.position(offset, PositionEncoding::Utf8).line
    }

    /// The byte range of 0-based `line`, without its line terminator; `None` past the last line.
    pub fn line_range(&self, line: u32, text: &str) -> Option<TextRange> {
        let r = self.inner.line(line)?;
        let start = usize::from(r.start()).min(text.len());
        let mut end = usize::from(r.end()).min(text.len());
        let bytes = text.as_bytes();
        while end > start && (bytes[end - 1] == b'\n' || bytes[end - 1] == b'\r') {
            end -= 1;
        }
        Some(TextRange::new(start, end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_and_utf8_columns_differ_after_non_ascii() {
        let text = "# Phase 1: Désign 🚀\n- `a.md`\n";
        let index = LineIndex::new(text);
        let offset = text.find("🚀").unwrap_or(0) + "🚀".len();
        let utf8 = index.position(offset, PositionEncoding::Utf8);
        let utf16 = index.position(offset, PositionEncoding::Utf16);
        assert_eq!(utf8, Position { line: 0, character: 23 });
        assert_eq!(utf16, Position { line: 0, character: 20 });
        assert_eq!(index.offset(utf16, PositionEncoding::Utf16), offset);
        assert_eq!(index.offset(utf8, PositionEncoding::Utf8), offset);
    }

    #[test]
    fn offsets_clamp_instead_of_failing() {
        let text = "ab\ncd";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(Position { line: 0, character: 99 }, PositionEncoding::Utf16), 2);
        assert_eq!(index.offset(Position { line: 9, character: 0 }, PositionEncoding::Utf16), 5);
        assert_eq!(index.position(99, PositionEncoding::Utf8), Position { line: 1, character: 2 });
        // Inside a multi-byte character: moved to its start.
        let index = LineIndex::new("é");
        assert_eq!(index.position(1, PositionEncoding::Utf16), Position { line: 0, character: 0 });
    }
}
