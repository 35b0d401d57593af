//! OpenSpec's reading of a Markdown file, line by line: its parsers normalise `\r\n` and `\r` to
//! `\n`, mask fenced code (`src/core/parsers/code-fence.ts`) and match lines with JavaScript
//! regular expressions, whose `\s` and `trim()` know more blanks than ASCII. This module gives
//! each line its byte range in the original text, so every finding has a precise place, and the
//! few character classes those expressions use.

use crate::text::TextRange;

/// Whether `c` is JavaScript whitespace (`\s`, and what `String.prototype.trim` removes): the
/// ECMAScript WhiteSpace and LineTerminator characters.
pub(crate) fn js_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}' | '\u{FEFF}'
    )
}

/// Whether `c` ends a line for JavaScript's `.` (which matches anything else).
pub(crate) fn js_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

/// The byte offset of the first [`js_line_terminator`] in `s`. Searched for bytewise: `\n`,
/// `\r`, and the `E2` that starts U+2028 and U+2029 (texts without it need no decoding).
pub(crate) fn find_line_terminator(s: &str) -> Option<usize> {
    // `E2` is never inside a character: `s[i..]` starts one.
    memchr::memchr3_iter(b'\n', b'\r', 0xE2, s.as_bytes()).find(|&i| s[i..].chars().next().is_some_and(js_line_terminator))
}

/// The byte offset of the last [`js_line_terminator`] in `s` (its first byte), searched for as
/// [`find_line_terminator`] does.
pub(crate) fn rfind_line_terminator(s: &str) -> Option<usize> {
    memchr::memrchr3_iter(b'\n', b'\r', 0xE2, s.as_bytes()).find(|&i| s[i..].chars().next().is_some_and(js_line_terminator))
}

/// Whether ASCII byte `b` is JavaScript whitespace (the ASCII part of [`js_space`]).
fn ascii_js_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')
}

/// JavaScript's trimming on `str`: [`js_space`] removed from the start or the end. A line that
/// starts (ends) with an ASCII character other than a blank, as most do, is returned without
/// decoding any character.
pub(crate) trait JsTrim {
    /// `s.trimStart()` in JavaScript.
    fn js_trim_start(&self) -> &str;
    /// `s.trimEnd()` in JavaScript.
    fn js_trim_end(&self) -> &str;
}

impl JsTrim for str {
    fn js_trim_start(&self) -> &str {
        match self.as_bytes().first() {
            Some(&b) if b.is_ascii() && !ascii_js_space(b) => self,
            _ => self.trim_start_matches(js_space),
        }
    }

    fn js_trim_end(&self) -> &str {
        match self.as_bytes().last() {
            Some(&b) if b.is_ascii() && !ascii_js_space(b) => self,
            _ => self.trim_end_matches(js_space),
        }
    }
}

/// `s.trim()` in JavaScript.
pub(crate) fn js_trim(s: &str) -> &str {
    s.js_trim_start().js_trim_end()
}

/// `s.trimEnd()` in JavaScript.
pub(crate) fn js_trim_end(s: &str) -> &str {
    s.js_trim_end()
}

/// The length of `s` in UTF-16 code units, as JavaScript's `length` counts.
pub(crate) fn js_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// One line: its text without the line break, and where it starts in the file (bytes).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Line<'a> {
    pub text: &'a str,
    pub start: usize,
}

impl Line<'_> {
    /// The line's range, without its break.
    pub(crate) fn range(&self) -> TextRange {
        TextRange::new(self.start, self.start + self.text.len())
    }

    /// The range of the line's text with blanks at both ends left out (the line's start when it
    /// is blank).
    pub(crate) fn trimmed_range(&self) -> TextRange {
        let lead = self.text.len() - self.text.js_trim_start().len();
        let body = js_trim(self.text);
        if body.is_empty() {
            return TextRange::empty(self.start);
        }
        TextRange::new(self.start + lead, self.start + lead + body.len())
    }

    /// The range of `part`, a slice of this line's text.
    pub(crate) fn range_of(&self, part: &str) -> TextRange {
        let offset = (part.as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize).min(self.text.len());
        TextRange::new(self.start + offset, self.start + (offset + part.len()).min(self.text.len()))
    }
}

/// The lines of `text` as OpenSpec's parsers see them: split at `\n`, `\r\n` and `\r` (which they
/// normalise to `\n` first).
pub(crate) fn split(text: &str) -> Vec<Line<'_>> {
    let bytes = text.as_bytes();
    // Sized for `\n` line breaks (a `\r`-only file grows it).
    let mut out = Vec::with_capacity(memchr::memchr_iter(b'\n', bytes).count() + 1);
    let mut start = 0;
    for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        if i < start {
            continue; // The `\n` of a `\r\n`, taken with its `\r`.
        }
        out.push(Line { text: &text[start..i], start });
        start = if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') { i + 2 } else { i + 1 };
    }
    out.push(Line { text: &text[start..], start });
    out
}

/// A fence: its character and the length of its run.
#[derive(Clone, Copy)]
struct Fence {
    marker: char,
    len: usize,
}

/// `^\s*(`{3,}|~{3,})`: the fence a line opens (any indentation, as OpenSpec reads it).
fn fence_marker(line: &str) -> Option<(Fence, &str)> {
    let rest = line.js_trim_start();
    let marker = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = rest.chars().take_while(|c| *c == marker).count();
    (len >= 3).then(|| (Fence { marker, len }, &rest[len..]))
}

/// The mask of fenced lines (`src/core/parsers/code-fence.ts` `buildCodeFenceMask`): `true` for
/// the lines of a fenced block, its opening and closing fences included. A closing fence is the
/// same character, at least as long, with only blanks after it.
pub(crate) fn fence_mask<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<bool> {
    let mut mask = Vec::new();
    let mut active: Option<Fence> = None;
    for line in lines {
        match active {
            None => {
                let opens = fence_marker(line);
                if let Some((fence, _)) = opens {
                    active = Some(fence);
                }
                mask.push(opens.is_some());
            }
            Some(open) => {
                mask.push(true);
                if let Some((fence, after)) = fence_marker(line)
                    && fence.marker == open.marker
                    && fence.len >= open.len
                    && after.chars().all(js_space)
                {
                    active = None;
                }
            }
        }
    }
    mask
}

/// A file's lines and their fence mask.
pub(crate) struct Doc<'a> {
    pub lines: Vec<Line<'a>>,
    pub fenced: Vec<bool>,
}

impl<'a> Doc<'a> {
    pub(crate) fn new(text: &'a str) -> Doc<'a> {
        let lines = split(text);
        let fenced = fence_mask(lines.iter().map(|l| l.text));
        Doc { lines, fenced }
    }

    /// Whether line `i` is outside fenced code.
    pub(crate) fn open(&self, i: usize) -> bool {
        !self.fenced.get(i).copied().unwrap_or(false)
    }
}

/// `^(#{1,6})\s+(.+)$` (the heading of `MarkdownParser.parseSections`): the level and the trimmed
/// title, when the line is such a heading.
pub(crate) fn heading(line: &str) -> Option<(usize, &str)> {
    let hashes = line.len() - line.trim_start_matches('#').len();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    title_after(&line[hashes..]).map(|t| (hashes, t))
}

/// `\s+(.+)$` at the start of `rest`: the trimmed title. `\s+` may take line terminators;
/// `(.+)$` may not hold any and needs one character.
fn title_after(rest: &str) -> Option<&str> {
    let mut chars = rest.char_indices();
    match chars.next() {
        Some((_, c)) if js_space(c) => {}
        _ => return None,
    }
    // The blanks run to `blanks_end`; the title part must start at or before it (after the
    // first blank) and after the last line terminator, and hold a character.
    let blanks_end = rest.find(|c: char| !js_space(c)).unwrap_or(rest.len());
    let after_terminator = rfind_line_terminator(rest).map_or(0, |j| j + rest[j..].chars().next().map_or(1, char::len_utf8));
    let first_blank_len = rest.chars().next().map_or(1, char::len_utf8);
    let from = after_terminator.max(first_blank_len);
    if from > blanks_end || from >= rest.len() {
        return None;
    }
    Some(js_trim(rest))
}

/// `^(#{1,6})\s+`: whether a line starts a heading of level at most `level` (where a section's
/// content ends in `getContentUntilNextHeader`).
pub(crate) fn heading_at_most(line: &str, level: usize) -> bool {
    let hashes = line.len() - line.trim_start_matches('#').len();
    (1..=6).contains(&hashes) && hashes <= level && line[hashes..].starts_with(js_space)
}

/// `^#{1,6}\s` (`HEADER_LINE` of `src/core/parsers/requirement-text.ts`).
pub(crate) fn is_header_line(line: &str) -> bool {
    heading_at_most(line, 6)
}

/// `^##\s+`: a level-2 heading start (`##` then a blank).
pub(crate) fn is_h2(line: &str) -> bool {
    line.strip_prefix("##").is_some_and(|r| r.starts_with(js_space))
}

/// `^##\s+(.+)$` (`splitTopLevelSections`): the trimmed title of a level-2 heading. A third `#`
/// is not a blank, so `### x` is not one.
pub(crate) fn h2_title(line: &str) -> Option<&str> {
    title_after(line.strip_prefix("##")?)
}

/// `^##\s+<word>\s*$`, case-insensitive: `## Requirements` and the like (`word` has no blank).
pub(crate) fn is_h2_named(line: &str, word: &str) -> bool {
    line.strip_prefix("##").is_some_and(|rest| rest.starts_with(js_space) && js_trim(rest).eq_ignore_ascii_case(word))
}

/// `^##\s+(ADDED|MODIFIED|REMOVED|RENAMED)\s+Requirements\s*$` (case-insensitive): the operation,
/// in capitals, when the line is a delta header.
pub(crate) fn delta_header(line: &str) -> Option<&'static str> {
    let rest = line.strip_prefix("##")?;
    if !rest.starts_with(js_space) {
        return None;
    }
    let body = js_trim(rest);
    let split = body.find(js_space)?;
    let (op, tail) = body.split_at(split);
    if !js_trim(tail).eq_ignore_ascii_case("requirements") {
        return None;
    }
    ["ADDED", "MODIFIED", "REMOVED", "RENAMED"].into_iter().find(|o| o.eq_ignore_ascii_case(op))
}

/// A `### Requirement: <name>` header, case-insensitive, as one of OpenSpec's two patterns
/// reads it: `spaced` is `^###\s+Requirement:\s*(.+)\s*$` (`spec-structure.ts`), otherwise
/// `^###\s*Requirement:\s*(.+)\s*$` (`requirement-blocks.ts`). Returns the raw name (group 1, not
/// trimmed of a closing `#` run).
pub(crate) fn requirement_header(line: &str, spaced: bool) -> Option<&str> {
    let rest = line.strip_prefix("###")?;
    let after_hashes = rest.js_trim_start();
    if spaced && after_hashes.len() == rest.len() {
        return None;
    }
    let keyword = after_hashes.get(..12)?;
    if !keyword.eq_ignore_ascii_case("requirement:") {
        return None;
    }
    let name = after_hashes[12..].js_trim_start();
    // `(.+)\s*$`: at least one character, no line terminator in it.
    if name.is_empty() || find_line_terminator(name).is_some() {
        return None;
    }
    Some(name)
}

/// `^####\s+` (`SCENARIO_HEADER`): any level-4 heading counts as a scenario.
pub(crate) fn is_scenario_header(line: &str) -> bool {
    line.strip_prefix("####").is_some_and(|r| r.starts_with(js_space))
}

/// `^#{1,4}\s`: where a scenario's body ends.
pub(crate) fn ends_scenario_body(line: &str) -> bool {
    heading_at_most(line, 4)
}

/// `\b(SHALL|MUST)\b` with JavaScript's ASCII word boundaries.
pub(crate) fn contains_shall_or_must(text: &str) -> bool {
    let bytes = text.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    for kw in ["SHALL", "MUST"] {
        let mut from = 0;
        while let Some(i) = memchr::memmem::find(&bytes[from..], kw.as_bytes()) {
            let start = from + i;
            let end = start + kw.len();
            if (start == 0 || !word(bytes[start - 1])) && (end >= bytes.len() || !word(bytes[end])) {
                return true;
            }
            from = end;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_terminators_are_found_as_a_character_scan_finds_them() {
        // `…` (E2 80 A6) and `→` (E2 86 92) start with E2 but end no line; U+2028/U+2029 do.
        for s in ["", "plain", "a\nb", "a\rb\n", "é…→ x", "a\u{2028}b", "\u{2029}", "→\u{2028}…\r", "x\u{85}y"] {
            assert_eq!(find_line_terminator(s), s.find(js_line_terminator), "{s:?}");
            assert_eq!(rfind_line_terminator(s), s.rfind(js_line_terminator), "{s:?}");
        }
    }

    #[test]
    fn splits_like_openspec() {
        let lines: Vec<&str> = split("a\r\nb\rc\n\nd").iter().map(|l| l.text).collect();
        assert_eq!(lines, ["a", "b", "c", "", "d"]);
        let l = split("x\r\n  ## Why  \n")[1];
        assert_eq!(l.start, 3);
        assert_eq!(l.trimmed_range(), TextRange::new(5, 11));
    }

    #[test]
    fn fences() {
        let text = "a\n```md\n## x\n~~~\n````\n## y\n  ```  \nz";
        let lines: Vec<&str> = split(text).iter().map(|l| l.text).collect();
        assert_eq!(fence_mask(lines.into_iter()), [false, true, true, true, true, false, true, true]);
    }

    #[test]
    fn headings() {
        assert_eq!(heading("## Purpose"), Some((2, "Purpose")));
        assert_eq!(heading("###   Requirement: A  "), Some((3, "Requirement: A")));
        assert_eq!(heading("####### x"), None);
        assert_eq!(heading("##x"), None);
        assert_eq!(heading("## "), None);
        assert_eq!(heading("##  "), Some((2, "")));
        assert!(heading_at_most("## x", 2) && !heading_at_most("### x", 2) && heading_at_most("#\tx", 1));
        assert_eq!(h2_title("## ADDED Requirements "), Some("ADDED Requirements"));
        assert_eq!(h2_title("### x"), None);
        assert_eq!(delta_header("## modified   requirements"), Some("MODIFIED"));
        assert_eq!(delta_header("## ADDED"), None);
        assert_eq!(requirement_header("### Requirement: Login ###", true), Some("Login ###"));
        assert_eq!(requirement_header("###Requirement: Login", true), None);
        assert_eq!(requirement_header("###Requirement: Login", false), Some("Login"));
        assert_eq!(requirement_header("### requirement:", false), None);
        assert!(is_h2_named("##  Requirements ", "requirements") && !is_h2_named("## Requirements x", "requirements"));
    }

    #[test]
    fn keywords() {
        assert!(contains_shall_or_must("The system SHALL log."));
        assert!(contains_shall_or_must("MUST"));
        assert!(!contains_shall_or_must("MUSTARD and SHALLOW"));
        assert!(!contains_shall_or_must("must"));
        assert!(contains_shall_or_must("élan MUST"));
    }
}
