//! Output that cannot be forged: control characters in file names and in values found in
//! documents are escaped before they reach a terminal or a CI log (where a newline followed by
//! `::error file=...::` would forge a GitHub Actions annotation, and an escape sequence would
//! drive the terminal).
//!
//! - Human output: C0 and C1 controls, DEL, the Unicode line and paragraph separators and the
//!   bidirectional formatting characters (the "Trojan Source" set) are written as `\n`, `\r`,
//!   `\t`, `\0` or `\u{..}`.
//! - JSON and SARIF: the same characters are written as `\uXXXX` JSON escapes (serde_json escapes
//!   only C0 by default), so the text is exact for a JSON reader and inert on a terminal. SARIF
//!   artifact URIs are percent-encoded (RFC 3986 path characters only).

use std::borrow::Cow;
use std::io;

/// Whether `c` is written escaped: a control character (C0, DEL, C1), U+2028, U+2029, or a
/// bidirectional formatting character (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069).
pub(crate) fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every [`is_unsafe`] character escaped for a human reader.
pub(crate) fn human(s: &str) -> Cow<'_, str> {
    if printable_ascii(s, false) || !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Whether `s` is printable ASCII only (and `\n` when `newlines`): nothing in it is escaped. A
/// byte test the compiler vectorises, before the character by character one.
fn printable_ascii(s: &str, newlines: bool) -> bool {
    s.bytes().fold(true, |ok, b| ok & ((0x20..0x7f).contains(&b) | (newlines & (b == b'\n'))))
}

/// Multi-line text (a diff, a whole JSON document) with each line's content escaped; the `\n`
/// ending each line stays.
pub(crate) fn human_lines(s: &str) -> Cow<'_, str> {
    if printable_ascii(s, true) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for line in s.split_inclusive('\n') {
        let (content, end) = match line.strip_suffix('\n') {
            Some(c) => (c, "\n"),
            None => (line, ""),
        };
        out.push_str(&human(content));
        out.push_str(end);
    }
    Cow::Owned(out)
}

/// A serde_json formatter (pretty, two spaces) that also writes every [`is_unsafe`] character
/// as a `\uXXXX` escape (UTF-16 code units).
pub(crate) struct JsonFormatter(serde_json::ser::PrettyFormatter<'static>);

impl JsonFormatter {
    pub(crate) fn new() -> JsonFormatter {
        JsonFormatter(serde_json::ser::PrettyFormatter::new())
    }
}

impl serde_json::ser::Formatter for JsonFormatter {
    fn write_string_fragment<W: ?Sized + io::Write>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()> {
        let bytes = fragment.as_bytes();
        let (mut start, mut i) = (0, 0);
        while i < bytes.len() {
            // Printable ASCII is never escaped: only control bytes, DEL and the first byte of a
            // multi-byte character lead to a look at the character (`i` is at a character
            // boundary: it moves by whole characters past those).
            if (0x20..0x7f).contains(&bytes[i]) {
                i += 1;
                continue;
            }
            let Some(c) = fragment[i..].chars().next() else { break };
            if is_unsafe(c) {
                writer.write_all(&bytes[start..i])?;
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
                start = i + c.len_utf8();
            }
            i += c.len_utf8();
        }
        writer.write_all(&bytes[start..])
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_array(writer)
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array(writer)
    }

    fn begin_array_value<W: ?Sized + io::Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(writer, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array_value(writer)
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object(writer)
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object(writer)
    }

    fn begin_object_key<W: ?Sized + io::Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(writer, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object_value(writer)
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_value(writer)
    }
}

/// `value` as pretty JSON with [`JsonFormatter`]'s escapes.
pub(crate) fn json<T: serde::Serialize>(value: &T) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, JsonFormatter::new());
    if value.serialize(&mut ser).is_err() {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// What a SARIF `artifactLocation.uri` may hold unencoded: RFC 3986 unreserved characters, `/`
/// and the sub-delimiters that are common in file names; everything else is percent-encoded
/// (UTF-8 bytes), controls included.
const URI_PATH: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b'@')
    .remove(b':');

/// A `/`-separated path as a relative URI reference for SARIF.
pub(crate) fn uri_path(path: &str) -> String {
    let encoded = percent_encoding::utf8_percent_encode(path, URI_PATH).to_string();
    // A first segment with `:` would read as a scheme.
    match encoded.split('/').next() {
        Some(first) if first.contains(':') => format!("./{encoded}"),
        _ => encoded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_escapes_controls_separators_and_bidi_only() {
        assert_eq!(human("plain café 🚀 `a/b.md`"), "plain café 🚀 `a/b.md`");
        assert_eq!(human("a\n::error file=README.md::x.md"), "a\\n::error file=README.md::x.md");
        assert_eq!(human("\u{1b}[31mred\u{7}\r\t\0"), "\\u{1b}[31mred\\u{7}\\r\\t\\0");
        assert_eq!(human("\u{85}\u{9b}\u{7f}\u{2028}\u{202e}abc\u{2066}"), "\\u{85}\\u{9b}\\u{7f}\\u{2028}\\u{202e}abc\\u{2066}");
        assert_eq!(human_lines("-a\u{1b}\n+b\r\n"), "-a\\u{1b}\n+b\\r\n");
    }

    #[test]
    fn json_escapes_every_unsafe_character_and_reads_back_the_same() {
        let value = serde_json::json!({ "path": "a\n::error::x\u{1b}[2J\u{85}\u{202e}\u{7f}é😀\"\\" });
        let text = json(&value);
        assert!(!text.chars().any(|c| is_unsafe(c) && c != '\n'), "{text:?}");
        assert!(text.contains("\\u0085") && text.contains("\\u202e") && text.contains("\\u007f"), "{text}");
        assert!(text.contains("é😀"), "other characters stay as they are: {text}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).ok(), Some(value));
        // Layout is serde_json's pretty printing.
        let plain = serde_json::json!({ "a": [1, { "b": "c" }], "d": {} });
        assert_eq!(json(&plain), serde_json::to_string_pretty(&plain).unwrap_or_default());
    }

    #[test]
    fn sarif_uris_are_percent_encoded() {
        assert_eq!(uri_path("docs/wf.md"), "docs/wf.md");
        assert_eq!(uri_path("../a b/x#1?.md"), "../a%20b/x%231%3F.md");
        assert_eq!(uri_path("a\n::error file=README.md::x.md"), "./a%0A::error%20file=README.md::x.md");
        assert_eq!(uri_path("café.md"), "caf%C3%A9.md");
    }
}
