//! Position conversion: the engine's `LineIndex` against LSP's definition computed the slow way
//! (lines end at `\n`, `\r\n`, `\r`; columns in UTF-8 bytes or UTF-16 code units), for any text
//! and any offsets and positions, in range or not.

#![no_main]

use libfuzzer_sys::fuzz_target;
use phasegate_engine::{LineIndex, Position, PositionEncoding};

/// LSP's position of every byte offset that is a position of its own (a char boundary, not
/// between `\r` and `\n`), computed in one walk over the characters: `(offset, utf8, utf16)`.
fn naive(text: &str) -> Vec<(usize, Position, Position)> {
    let mut out = Vec::new();
    let (mut line, mut col8, mut col16) = (0u32, 0u32, 0u32);
    let mut chars = text.char_indices().peekable();
    loop {
        let here = chars.peek().map_or(text.len(), |(i, _)| *i);
        out.push((here, Position { line, character: col8 }, Position { line, character: col16 }));
        let Some((_, c)) = chars.next() else { break };
        let crlf = c == '\r' && chars.peek().is_some_and(|(_, n)| *n == '\n');
        if crlf {
            // The `\n` of the pair: not a position of its own.
            chars.next();
            line += 1;
            (col8, col16) = (0, 0);
        } else if c == '\n' || c == '\r' {
            line += 1;
            (col8, col16) = (0, 0);
        } else {
            col8 += c.len_utf8() as u32;
            col16 += c.len_utf16() as u32;
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    // The first half is the text; the rest are probes.
    let split = data.len() / 2;
    let text = String::from_utf8_lossy(&data[..split]);
    let probes = &data[split..];
    let index = LineIndex::new(&text);
    let expected = naive(&text);
    for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16] {
        // Every offset that is a position of its own.
        for &(offset, utf8, utf16) in &expected {
            let want = if encoding == PositionEncoding::Utf8 { utf8 } else { utf16 };
            assert_eq!(index.position(offset, encoding), want, "{text:?} at {offset}");
            assert_eq!(index.offset(want, encoding), offset, "{text:?} {want:?}");
        }
        // Arbitrary positions and offsets never fail and land on character boundaries.
        for pair in probes.chunks(2) {
            let line = u32::from(pair[0] % 16);
            let character = u32::from(*pair.get(1).unwrap_or(&0));
            let offset = index.offset(Position { line, character }, encoding);
            assert!(offset <= text.len() && text.is_char_boundary(offset), "{text:?} ({line}, {character}) -> {offset}");
            let pos = index.position(usize::from(pair[0]) * 7, encoding);
            assert!(index.offset(pos, encoding) <= text.len());
        }
    }
});
