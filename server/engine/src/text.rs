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

/// Whether `byte` ends a line by itself or starts a `\r\n` pair: LSP's line breaks are `\n`,
/// `\r\n` and `\r` only (LSP 3.17, "Text Documents"; not U+2028, U+2029, U+0085, vertical tab
/// or form feed).
fn is_break(byte: u8) -> bool {
    byte == b'\n' || byte == b'\r'
}

/// The lines of `text` as LSP counts them, each with its line break (`\n`, `\r\n` or a lone
/// `\r`); the last line has none. `""` gives no line. Use this, not `str::lines` (which does not
/// end a line at a lone `\r`), wherever a line number or a line start matters.
pub(crate) fn lines_inclusive(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let bytes = rest.as_bytes();
        let end = match bytes.iter().position(|b| is_break(*b)) {
            Some(i) if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') => i + 2,
            Some(i) => i + 1,
            None => rest.len(),
        };
        let (line, tail) = rest.split_at(end);
        rest = tail;
        Some(line)
    })
}

/// The lines of `text` as LSP counts them, without their line breaks (like `str::lines`, but a
/// lone `\r` also ends a line).
pub(crate) fn lines(text: &str) -> impl Iterator<Item = &str> {
    lines_inclusive(text).map(trim_break)
}

/// `line` without its trailing line break (`\n`, `\r\n` or `\r`).
pub(crate) fn trim_break(line: &str) -> &str {
    let line = line.strip_suffix('\n').unwrap_or(line);
    line.strip_suffix('\r').unwrap_or(line)
}

/// The byte offset where the line holding byte `from` ends (before its line break), or the
/// length of `text`.
pub(crate) fn line_end(text: &str, from: usize) -> usize {
    let from = from.min(text.len());
    text.as_bytes()[from..].iter().position(|b| is_break(*b)).map_or(text.len(), |i| from + i)
}

/// The line break `text` uses (the first one found: `\r\n`, `\r` or `\n`); `\n` when it has
/// none. New lines written into a file use it.
pub(crate) fn line_break_of(text: &str) -> &'static str {
    match text.as_bytes().iter().position(|b| is_break(*b)) {
        Some(i) if text.as_bytes()[i] == b'\r' && text.as_bytes().get(i + 1) == Some(&b'\n') => "\r\n",
        Some(i) if text.as_bytes()[i] == b'\r' => "\r",
        _ => "\n",
    }
}

/// Converts between byte offsets and [`Position`]s for one text.
///
/// Lines end at LSP's line breaks only: `\n`, `\r\n` and a lone `\r`. Built from the text once
/// (`O(n)`, one pass over its bytes), then answers each conversion in `O(log n)`: line starts and
/// the non-ASCII characters (where UTF-8 and UTF-16 columns part) are kept in sorted arrays.
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offset of the start of each line; `starts[0] == 0`.
    starts: Vec<usize>,
    /// Byte offset of the end of each line's content (where its line break starts).
    ends: Vec<usize>,
    /// Byte offset of every non-ASCII character, ascending.
    wide_at: Vec<usize>,
    /// UTF-8 length (2, 3 or 4) of each of them.
    wide_len: Vec<u8>,
    /// `wide_extra[i]`: how many more UTF-8 bytes than UTF-16 code units the first `i` non-ASCII
    /// characters have in total (one entry more than `wide_at`).
    wide_extra: Vec<usize>,
    /// `line_wide[l]`: how many non-ASCII characters start before line `l` (one entry more than
    /// `starts`), so a lookup searches only its own line's characters.
    line_wide: Vec<usize>,
    len: usize,
}

/// UTF-16 length (1 or 2 code units) of a character of `len8` UTF-8 bytes.
fn utf16_len(len8: usize) -> usize {
    if len8 == 4 { 2 } else { 1 }
}

impl LineIndex {
    /// Indexes the line starts and non-ASCII characters of `text`.
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut index = LineIndex {
            starts: vec![0],
            ends: Vec::new(),
            wide_at: Vec::new(),
            wide_len: Vec::new(),
            wide_extra: vec![0],
            line_wide: vec![0],
            len: bytes.len(),
        };
        let mut extra = 0;
        let mut line_start = 0;
        let mut breaks = memchr::memchr2_iter(b'\n', b'\r', bytes);
        loop {
            // The next line break at or after `line_start` (the `\n` of a `\r\n` was consumed).
            let end = breaks.by_ref().find(|i| *i >= line_start).unwrap_or(bytes.len());
            // Non-ASCII characters of the line: most lines have none (a word-at-a-time check).
            let line = &text[line_start..end];
            if !line.is_ascii() {
                for (i, c) in line.char_indices().filter(|(_, c)| !c.is_ascii()) {
                    extra += c.len_utf8() - c.len_utf16();
                    index.wide_at.push(line_start + i);
                    index.wide_len.push(c.len_utf8() as u8);
                    index.wide_extra.push(extra);
                }
            }
            index.ends.push(end);
            index.line_wide.push(index.wide_at.len());
            if end == bytes.len() {
                break;
            }
            line_start = if bytes[end] == b'\r' && bytes.get(end + 1) == Some(&b'\n') { end + 2 } else { end + 1 };
            index.starts.push(line_start);
        }
        index
    }

    /// Number of lines (at least 1: an empty text has one empty line, and a text ending in a line
    /// break has an empty last line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The 0-based line holding byte `offset`.
    fn line_at(&self, offset: usize) -> usize {
        self.starts.partition_point(|s| *s <= offset).saturating_sub(1)
    }

    /// How many non-ASCII characters start before byte `offset`, which is on `line`.
    fn wide_before(&self, line: usize, offset: usize) -> usize {
        let (first, last) = (self.line_wide[line], self.line_wide[line + 1]);
        first + self.wide_at[first..last].partition_point(|w| *w < offset)
    }

    /// `offset` (on `line`) moved back to the start of the character it falls inside, if any.
    fn char_start(&self, line: usize, offset: usize) -> usize {
        let k = self.wide_before(line, offset);
        if k > 0 && offset < self.wide_at[k - 1] + usize::from(self.wide_len[k - 1]) {
            return self.wide_at[k - 1];
        }
        offset
    }

    /// The position of byte `offset`, with the column in `encoding` units. An offset past the end
    /// is clamped to the end; an offset inside a multi-byte character is moved to its start; an
    /// offset inside a line break (between `\r` and `\n`) is the end of its line.
    pub fn position(&self, offset: usize, encoding: PositionEncoding) -> Position {
        let offset = offset.min(self.len);
        let line = self.line_at(offset);
        let start = self.starts[line];
        let offset = self.char_start(line, offset.min(self.ends[line]));
        let column = match encoding {
            PositionEncoding::Utf8 => offset - start,
            PositionEncoding::Utf16 => {
                offset - start - (self.wide_extra[self.wide_before(line, offset)] - self.wide_extra[self.line_wide[line]])
            }
        };
        Position { line: line as u32, character: column as u32 }
    }

    /// The byte offset of `position` (columns in `encoding` units). A column past the end of its
    /// line is clamped to the line's end (before its line break); a column inside a character
    /// (between the two halves of a surrogate pair, or inside a UTF-8 sequence) is moved to the
    /// character's start; a line past the end of the text gives the text's length. Never fails.
    pub fn offset(&self, position: Position, encoding: PositionEncoding) -> usize {
        let line = position.line as usize;
        let (Some(&start), Some(&end)) = (self.starts.get(line), self.ends.get(line)) else {
            return self.len;
        };
        let column = position.character as usize;
        let offset = match encoding {
            PositionEncoding::Utf8 => start.saturating_add(column).min(end),
            PositionEncoding::Utf16 => {
                // The last non-ASCII character of the line starting at or before `column`: the
                // text between it and `column` is ASCII.
                let (first, last) = (self.line_wide[line], self.line_wide[line + 1]);
                let column_of = |k: usize| self.wide_at[k] - start - (self.wide_extra[k] - self.wide_extra[first]);
                let (mut lo, mut hi) = (first, last);
                while lo < hi {
                    let mid = lo + (hi - lo) / 2;
                    if column_of(mid) <= column {
                        lo = mid + 1;
                    } else {
                        hi = mid;
                    }
                }
                if lo == first {
                    start.saturating_add(column).min(end)
                } else {
                    let k = lo - 1;
                    let len8 = usize::from(self.wide_len[k]);
                    let after = column_of(k) + utf16_len(len8);
                    if column < after { self.wide_at[k] } else { (self.wide_at[k] + len8 + (column - after)).min(end) }
                }
            }
        };
        self.char_start(line, offset)
    }

    /// The 0-based line number of byte `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> u32 {
        self.line_at(offset.min(self.len)) as u32
    }

    /// The byte range of 0-based `line`, without its line break; `None` past the last line.
    pub fn line_range(&self, line: u32) -> Option<TextRange> {
        let line = line as usize;
        Some(TextRange::new(*self.starts.get(line)?, *self.ends.get(line)?))
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

    /// The reference: LSP's definition, computed the slow way from the characters.
    fn naive_position(text: &str, offset: usize, encoding: PositionEncoding) -> Position {
        let (mut line, mut column) = (0u32, 0u32);
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if i >= offset {
                break;
            }
            let crlf = c == '\r' && chars.peek().is_some_and(|(_, n)| *n == '\n');
            if c == '\n' || (c == '\r' && !crlf) {
                line += 1;
                column = 0;
            } else if !crlf {
                column += match encoding {
                    PositionEncoding::Utf8 => c.len_utf8() as u32,
                    PositionEncoding::Utf16 => c.len_utf16() as u32,
                };
            }
        }
        Position { line, character: column }
    }

    /// Texts made of the characters that matter: line breaks LSP knows and others it does not,
    /// and characters of every UTF-8 and UTF-16 length.
    fn texts() -> Vec<String> {
        let pieces = ["a", "b", "\n", "\r", "\r\n", "é", "€", "😀", "\u{2028}", "\u{2029}", "\u{85}", "\x0b", "\x0c", "\t", "𝄞"];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut out = vec![String::new(), "\r".into(), "\r\n".into(), "\n\r".into(), "é\r\ré".into()];
        for _ in 0..400 {
            let len = (next() % 24) as usize;
            out.push((0..len).map(|_| pieces[(next() % pieces.len() as u64) as usize]).collect());
        }
        out
    }

    #[test]
    fn positions_follow_lsp_line_breaks_and_units() {
        for text in texts() {
            let index = LineIndex::new(&text);
            for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16] {
                for offset in (0..=text.len()).filter(|o| text.is_char_boundary(*o)) {
                    let expected = naive_position(&text, offset, encoding);
                    // Between `\r` and `\n` is not a position of its own: the end of the line.
                    let inside_crlf = offset > 0 && text.as_bytes()[offset - 1] == b'\r' && text.as_bytes().get(offset) == Some(&b'\n');
                    if !inside_crlf {
                        assert_eq!(index.position(offset, encoding), expected, "{text:?} at {offset} ({encoding:?})");
                        assert_eq!(index.offset(expected, encoding), offset, "{text:?} {expected:?} ({encoding:?})");
                    }
                }
            }
            let count = lines_inclusive(&text).count() + usize::from(text.is_empty() || text.ends_with(['\n', '\r']));
            assert_eq!(index.line_count(), count, "{text:?}");
            for (n, line) in lines(&text).enumerate() {
                let r = index.line_range(n as u32).unwrap_or_default();
                assert_eq!(&text[r.start..r.end], line, "{text:?} line {n}");
            }
        }
    }

    #[test]
    fn only_lsp_line_breaks_end_lines() {
        // The issue's document: U+2028 inside a line does not start a new one.
        let text = "## Phase 1: Design\nnote: a\u{2028}b\n\n**Gate Check**: ok → Proceed to Phase 9\n";
        let index = LineIndex::new(text);
        let at = text.find("Phase 9").unwrap_or(0);
        assert_eq!(index.position(at, PositionEncoding::Utf16), Position { line: 3, character: 32 });
        // Lone `\r` line endings.
        let text = "## Phase 1: Design\r\r**Gate Check**: ok → Proceed to Phase 9\r";
        let index = LineIndex::new(text);
        let at = text.find("Phase 9").unwrap_or(0);
        assert_eq!(index.position(at, PositionEncoding::Utf16), Position { line: 2, character: 32 });
        assert_eq!(lines(text).collect::<Vec<_>>(), vec!["## Phase 1: Design", "", "**Gate Check**: ok → Proceed to Phase 9"]);
        assert_eq!(line_end(text, 3), 18);
    }

    #[test]
    fn columns_inside_a_character_move_to_its_start() {
        let text = "a😀b\r\nc";
        let index = LineIndex::new(text);
        // Between the two UTF-16 halves of the emoji, and inside its UTF-8 bytes.
        assert_eq!(index.offset(Position { line: 0, character: 2 }, PositionEncoding::Utf16), 1);
        assert_eq!(index.offset(Position { line: 0, character: 3 }, PositionEncoding::Utf8), 1);
        assert_eq!(index.position(3, PositionEncoding::Utf16), Position { line: 0, character: 1 });
        // Between `\r` and `\n`: the end of line 0; past the end of a line: its end.
        assert_eq!(index.position(7, PositionEncoding::Utf8), Position { line: 0, character: 6 });
        assert_eq!(index.offset(Position { line: 0, character: 99 }, PositionEncoding::Utf16), 6);
        assert_eq!(index.offset(Position { line: 1, character: 99 }, PositionEncoding::Utf16), 9);
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
