//! Git merge-conflict regions (`<<<<<<<`, `|||||||`, `=======`, `>>>>>>>`) and a masked copy of the
//! text that keeps only the first ("ours") side, so the rest of a conflicted file can still be
//! analysed (seed 000 holds such a conflict). Remnants count too: an opener followed by a
//! separator is a conflict even when its closer is missing or was reformatted by a Markdown
//! formatter into a nested block quote (`> > > > > > > Stashed changes`).

use crate::text::TextRange;

/// One conflict region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Conflict {
    /// The `<<<<<<< label` line (without its newline).
    pub start_marker: TextRange,
    /// The label after `<<<<<<<` (e.g. `HEAD`), possibly empty.
    pub ours_label: String,
    /// The label after `>>>>>>>` (e.g. `a756d8e (feat: ...)`), possibly empty.
    pub theirs_label: String,
    /// Text of the first side, full lines including their newlines.
    pub ours: TextRange,
    /// Text of the second side, full lines including their newlines.
    pub theirs: TextRange,
    /// From the start of the `<<<<<<<` line to the end of the `>>>>>>>` line, newline included;
    /// without a closer, to the next `<<<<<<<` line or the end of the text.
    pub whole: TextRange,
    /// How the region ends.
    pub closer: Closer,
}

/// How a conflict region ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Closer {
    /// A `>>>>>>>` line.
    Marker,
    /// A `>>>>>>>` line a Markdown formatter rewrote as a nested block quote: `> > > > > > >`.
    Mangled,
    /// No closer: the second side runs to the next `<<<<<<<` line or the end of the text, so it
    /// cannot be kept or dropped automatically.
    Missing,
}

/// The label of a closer that a Markdown formatter turned into seven nested block-quote markers
/// (`> > > > > > > Stashed changes`).
fn mangled_closer(line: &str) -> Option<&str> {
    let mut rest = line;
    for i in 0..7 {
        rest = rest.strip_prefix('>')?;
        if i < 6 {
            rest = rest.strip_prefix(' ')?;
        }
    }
    (rest.is_empty() || rest.starts_with([' ', '\t'])).then(|| rest.trim())
}

fn marker(line: &str, ch: u8) -> Option<&str> {
    let bytes = line.as_bytes();
    if bytes.len() >= 7 && bytes[..7].iter().all(|b| *b == ch) && bytes.get(7).is_none_or(|b| *b == b' ' || *b == b'\t' || *b == b'\r') {
        Some(line[7..].trim())
    } else {
        None
    }
}

/// Finds conflict regions in `text`: a `<<<<<<<` line followed by a `=======` line, closed by a
/// `>>>>>>>` line, a mangled one ([`Closer::Mangled`]) or nothing ([`Closer::Missing`]). A
/// `<<<<<<<` without a separator is ignored (it may be prose about conflicts), and so are markers
/// inside fenced code.
pub(crate) fn find_conflicts(text: &str) -> Vec<Conflict> {
    if memchr::memmem::find(text.as_bytes(), b"<<<<<<<").is_none() {
        return Vec::new();
    }
    #[derive(Clone, Copy)]
    enum State {
        Outside,
        Ours,
        Base,
        Theirs,
    }
    let mut out = Vec::new();
    let mut state = State::Outside;
    let mut start = TextRange::default();
    let mut ours_label = String::new();
    let mut ours_start = 0;
    let mut ours_end = 0;
    let mut theirs_start = 0;
    let mut in_fence: Option<(u8, usize)> = None;
    let mut offset = 0;
    for line in crate::text::lines_inclusive(text) {
        let line_start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        // Conflict markers shown inside fenced code (documentation about git) are not conflicts.
        if matches!(state, State::Outside) {
            let trimmed = content.trim_start();
            let fence_char = trimmed.as_bytes().first().copied();
            if let Some(c @ (b'`' | b'~')) = fence_char {
                let n = trimmed.bytes().take_while(|b| *b == c).count();
                if n >= 3 {
                    match in_fence {
                        None => in_fence = Some((c, n)),
                        Some((fc, fnum)) if fc == c && n >= fnum && trimmed[n..].trim().is_empty() => in_fence = None,
                        _ => {}
                    }
                    continue;
                }
            }
            if in_fence.is_some() {
                continue;
            }
        }
        match state {
            State::Outside => {
                if let Some(label) = marker(content, b'<') {
                    state = State::Ours;
                    start = TextRange::new(line_start, line_start + content.len());
                    ours_label = label.to_string();
                    ours_start = offset;
                }
            }
            State::Ours | State::Base => {
                if matches!(state, State::Ours) && marker(content, b'|').is_some() {
                    ours_end = line_start;
                    state = State::Base;
                } else if content == "=======" {
                    if matches!(state, State::Ours) {
                        ours_end = line_start;
                    }
                    theirs_start = offset;
                    state = State::Theirs;
                } else if marker(content, b'<').is_some() {
                    // A new start before the old one had a separator: restart from here.
                    start = TextRange::new(line_start, line_start + content.len());
                    ours_label = marker(content, b'<').unwrap_or_default().to_string();
                    ours_start = offset;
                    state = State::Ours;
                }
            }
            State::Theirs => {
                let closer =
                    marker(content, b'>').map(|l| (l, Closer::Marker)).or_else(|| mangled_closer(content).map(|l| (l, Closer::Mangled)));
                if let Some((label, closer)) = closer {
                    out.push(Conflict {
                        start_marker: start,
                        ours_label: std::mem::take(&mut ours_label),
                        theirs_label: label.to_string(),
                        ours: TextRange::new(ours_start, ours_end),
                        theirs: TextRange::new(theirs_start, line_start),
                        whole: TextRange::new(start.start, offset),
                        closer,
                    });
                    state = State::Outside;
                } else if let Some(label) = marker(content, b'<') {
                    // A new conflict starts before this one was closed: this one ends here.
                    out.push(Conflict {
                        start_marker: start,
                        ours_label: std::mem::take(&mut ours_label),
                        theirs_label: String::new(),
                        ours: TextRange::new(ours_start, ours_end),
                        theirs: TextRange::new(theirs_start, line_start),
                        whole: TextRange::new(start.start, line_start),
                        closer: Closer::Missing,
                    });
                    start = TextRange::new(line_start, line_start + content.len());
                    ours_label = label.to_string();
                    ours_start = offset;
                    state = State::Ours;
                }
            }
        }
    }
    if matches!(state, State::Theirs) {
        out.push(Conflict {
            start_marker: start,
            ours_label,
            theirs_label: String::new(),
            ours: TextRange::new(ours_start, ours_end),
            theirs: TextRange::new(theirs_start, text.len()),
            whole: TextRange::new(start.start, text.len()),
            closer: Closer::Missing,
        });
    }
    out
}

/// `text` with every conflict's marker lines and second side replaced by spaces (newlines kept), so
/// byte offsets stay valid and the first side reads as if the conflict had been resolved in its
/// favour.
pub(crate) fn mask_theirs(text: &str, conflicts: &[Conflict]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let mut blank = |range: TextRange| {
        for b in &mut bytes[range.start..range.end.min(text.len())] {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
    };
    for c in conflicts {
        blank(TextRange::new(c.whole.start, c.ours.start));
        blank(TextRange::new(c.ours.end, c.whole.end));
    }
    // Blanking whole UTF-8 sequences byte-for-byte keeps the text valid UTF-8 because only complete
    // lines are blanked.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_region_and_masks_the_second_side() {
        let text = "<<<<<<< HEAD\n# Ours é\n=======\n# Theirs\n>>>>>>> a756d8e (feat: x)\ntail\n";
        let conflicts = find_conflicts(text);
        assert_eq!(conflicts.len(), 1);
        let c = &conflicts[0];
        assert_eq!(c.ours_label, "HEAD");
        assert_eq!(c.theirs_label, "a756d8e (feat: x)");
        assert_eq!(&text[c.ours.start..c.ours.end], "# Ours é\n");
        assert_eq!(&text[c.theirs.start..c.theirs.end], "# Theirs\n");
        let masked = mask_theirs(text, &conflicts);
        assert_eq!(masked.len(), text.len());
        assert!(masked.contains("# Ours é") && !masked.contains("Theirs") && masked.ends_with("tail\n"));
    }

    #[test]
    fn markers_in_code_fences_or_without_separator_are_not_conflicts() {
        assert!(find_conflicts("```\n<<<<<<< HEAD\na\n=======\nb\n>>>>>>> x\n```\n").is_empty());
        assert!(find_conflicts("<<<<<<< HEAD\nno end\n").is_empty());
        assert!(find_conflicts("<<<<<<<< eight\n=======\n>>>>>>>\n").is_empty());
        assert!(find_conflicts("> > > > > > > a quote\n<<<<<<< HEAD\n").is_empty());
    }

    #[test]
    fn remnants_with_a_mangled_or_missing_closer_are_conflicts() {
        let text = "<<<<<<< Updated upstream\n# Ours\n=======\n# Theirs\n> > > > > > > Stashed changes\ntail\n";
        let c = find_conflicts(text);
        assert_eq!(c.len(), 1);
        assert_eq!((c[0].closer, c[0].theirs_label.as_str()), (Closer::Mangled, "Stashed changes"));
        assert_eq!(&text[c[0].theirs.start..c[0].theirs.end], "# Theirs\n");
        assert_eq!(&text[c[0].whole.end..], "tail\n");

        let text = "<<<<<<< HEAD\na\n=======\nb\n<<<<<<< HEAD\nc\n=======\nd\n";
        let c = find_conflicts(text);
        assert_eq!(c.iter().map(|c| c.closer).collect::<Vec<_>>(), [Closer::Missing, Closer::Missing]);
        assert_eq!(&text[c[0].theirs.start..c[0].theirs.end], "b\n");
        assert_eq!(&text[c[1].theirs.start..c[1].theirs.end], "d\n");
        let masked = mask_theirs(text, &c);
        assert_eq!(masked.len(), text.len());
        assert_eq!(masked.split_whitespace().collect::<Vec<_>>(), ["a", "c"]);
    }

    #[test]
    fn lone_carriage_returns_end_lines() {
        let text = "<<<<<<< HEAD\r# Ours\r=======\r# Theirs\r>>>>>>> x\rtail\r";
        let conflicts = find_conflicts(text);
        assert_eq!(conflicts.len(), 1);
        assert_eq!(&text[conflicts[0].theirs.start..conflicts[0].theirs.end], "# Theirs\r");
    }
}
