//! Incremental edits: a random sequence of `didChange` content changes (positions in or out of
//! range, inside surrogate pairs and `\r\n` pairs, both encodings) applied by the server's rope
//! code (`phasegate_lsp::apply_change`) and, independently, through the engine's `LineIndex` on
//! a `String`: the two texts must stay equal.

#![no_main]

use libfuzzer_sys::fuzz_target;
use phasegate_engine::{LineIndex, Position, PositionEncoding};

const FRAGMENTS: [&str; 16] =
    ["a", "é", "😀", "\n", "\r", "\r\n", "\u{2028}", "\u{85}", "\u{b}", "\u{c}", "\t", "## Phase 1: A\n", "→", "", "xy", "\0"];

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let encoding = if mode % 2 == 0 { PositionEncoding::Utf16 } else { PositionEncoding::Utf8 };
    let mut text = String::from("## Phase 1: Design\r\n**Gate Check**: ok → Proceed to Phase 2\rnote: a\u{2028}b 😀\n\n");
    let mut rope = ropey::Rope::from_str(&text);
    for op in rest.chunks(6).take(256) {
        let [l1, c1, l2, c2, f1, f2] = match *op {
            [a, b, c, d, e, f] => [a, b, c, d, e, f],
            _ => return,
        };
        let start = Position { line: u32::from(l1 % 12), character: u32::from(c1 % 40) };
        let end = Position { line: u32::from(l2 % 12), character: u32::from(c2 % 40) };
        let insert = format!("{}{}", FRAGMENTS[usize::from(f1) % FRAGMENTS.len()], FRAGMENTS[usize::from(f2) % FRAGMENTS.len()]);
        let index = LineIndex::new(&text);
        let a = index.offset(start, encoding);
        let b = index.offset(end, encoding).max(a);
        text.replace_range(a..b, &insert);
        phasegate_lsp::apply_change(&mut rope, Some(((start.line, start.character), (end.line, end.character))), &insert, encoding);
        assert!(rope == text.as_str(), "after {start:?}..{end:?} <- {insert:?} ({encoding:?}): {:?} vs {text:?}", rope.to_string());
    }
});
