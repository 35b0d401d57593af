//! One OpenSpec requirement block (`### Requirement: <name>`, its text, its `#### Scenario:`
//! headers), read as `src/core/parsers/requirement-text.ts` and `requirement-blocks.ts` read it:
//! the body text up to the first header (fenced lines and blanks skipped, `**Key**:` metadata
//! lines kept only when nothing else is there), scenarios as level-4 headers with a body, names
//! without a closing `#` run.

use super::lines::{self, Doc, JsTrim, Line, js_trim};
use crate::text::TextRange;

/// A requirement name as every OpenSpec reader compares it (`normalizeRequirementName`): a closing
/// run of `#` after a space or tab removed (`### Requirement: Foo ###` is `Foo`), then trimmed.
pub(crate) fn normalize_name(name: &str) -> String {
    let trimmed_end = name.trim_end_matches([' ', '\t']);
    let without_hashes = trimmed_end.trim_end_matches('#');
    let name = if without_hashes.len() < trimmed_end.len() && without_hashes.ends_with([' ', '\t']) {
        without_hashes.trim_end_matches([' ', '\t'])
    } else {
        name
    };
    js_trim(name).to_string()
}

/// The case- and blank-insensitive form of a name (`foldRequirementName`), for near misses.
pub(crate) fn fold_name(name: &str) -> String {
    let lower = normalize_name(name).to_lowercase();
    let mut out = String::with_capacity(lower.len());
    let mut blank = false;
    for c in lower.chars() {
        if lines::js_space(c) {
            blank = true;
        } else {
            if blank {
                out.push(' ');
            }
            blank = false;
            out.push(c);
        }
    }
    if blank {
        out.push(' ');
    }
    out
}

/// `^\*\*[^*]+\*\*:`: a `**Key**: value` metadata line.
fn is_metadata(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("**") else { return false };
    let Some(close) = rest.find('*') else { return false };
    close > 0 && rest[close..].starts_with("**:")
}

/// What `extractRequirementBody` reads from the lines after a requirement header (the captured
/// lines, else the `**Key**:` metadata lines), without building its text.
pub(crate) struct Body {
    /// The range of the first line that counts as body text, if any.
    pub first: Option<TextRange>,
    /// Whether there is body text.
    pub has_text: bool,
    /// Whether it holds `SHALL` or `MUST` (word boundaries do not cross the lines' joins).
    pub has_keyword: bool,
    /// Its length in UTF-16 code units, the lines trimmed and joined with `\n`.
    pub len: usize,
}

/// The body of a requirement from its lines after the header (`extractRequirementBody`).
pub(crate) fn body(after: &[Line<'_>]) -> Body {
    body_with(after, &lines::fence_mask(after.iter().map(|l| l.text)))
}

/// [`body`] with the lines' fence mask already computed.
fn body_with(after: &[Line<'_>], fenced: &[bool]) -> Body {
    // (first range, lines, UTF-16 length, keyword) of the captured and of the metadata lines.
    let mut captured: (Option<TextRange>, usize, usize, bool) = (None, 0, 0, false);
    let mut metadata = captured;
    for (i, l) in after.iter().enumerate() {
        if fenced[i] {
            continue;
        }
        if lines::is_header_line(l.text) {
            break;
        }
        let trimmed = js_trim(l.text);
        if trimmed.is_empty() {
            continue;
        }
        let acc = if is_metadata(trimmed) { &mut metadata } else { &mut captured };
        acc.0.get_or_insert_with(|| l.trimmed_range());
        acc.1 += 1;
        acc.2 += lines::js_len(trimmed);
        acc.3 = acc.3 || lines::contains_shall_or_must(trimmed);
    }
    let (first, n, len, keyword) = if captured.1 > 0 { captured } else { metadata };
    Body { first, has_text: n > 0, has_keyword: keyword, len: len + n.saturating_sub(1) }
}

/// A scenario of a requirement block: any non-fenced level-4 header, its name without `####`, a
/// closing `#` run and a `Scenario:` prefix (`scenarioNameAt`), and whether a body follows it
/// (up to the next header of level 4 or above).
#[derive(Clone, Debug)]
pub(crate) struct Scenario {
    pub name: String,
    pub has_body: bool,
    /// Where the name is written in the header (the header's text when the name is not found
    /// there as is).
    pub name_range: TextRange,
    /// From the header to the body's last non-blank, non-fenced line (bytes).
    pub range: TextRange,
    /// The body's non-blank lines outside fences, trimmed, joined by `\n`.
    pub body: String,
}

/// The scenarios of a block from its lines after the header, given their fence mask.
fn scenarios(after: &[Line<'_>], fenced: &[bool]) -> Vec<Scenario> {
    let mut out = Vec::new();
    for (i, l) in after.iter().enumerate() {
        if fenced[i] || !lines::is_scenario_header(l.text) {
            continue;
        }
        // The body runs to the next non-fenced header of level 4 or above (`readScenarioBodies`).
        let mut end = i + 1;
        while end < after.len() && (fenced[end] || !lines::ends_scenario_body(after[end].text)) {
            end += 1;
        }
        let has_body = after[i + 1..end].iter().any(|b| !js_trim(b.text).is_empty());
        let name = scenario_name(l.text);
        let header = l.trimmed_range();
        // The name ends the header's text (but for a closing `#` run): its last occurrence.
        let name_range = memchr::memmem::rfind(l.text.as_bytes(), name.as_bytes())
            .filter(|_| !name.is_empty())
            .map_or(header, |at| TextRange::new(l.start + at, l.start + at + name.len()));
        let mut body = String::new();
        let mut last = header.end;
        for (k, b) in after.iter().enumerate().take(end).skip(i + 1) {
            let t = js_trim(b.text);
            if fenced[k] || t.is_empty() {
                continue;
            }
            if !body.is_empty() {
                body.push('\n');
            }
            body.push_str(t);
            last = b.trimmed_range().end;
        }
        out.push(Scenario { name, has_body, name_range, range: TextRange::new(header.start, last), body });
    }
    out
}

/// `scenarioNameAt`: the header text without `####`, a closing `#` run after a space or tab, and
/// a leading `Scenario:` (any case).
fn scenario_name(line: &str) -> String {
    let rest = line[4..].js_trim_start();
    let trimmed_end = rest.trim_end_matches([' ', '\t']);
    let without = trimmed_end.trim_end_matches('#');
    let rest =
        if without.len() < trimmed_end.len() && without.ends_with([' ', '\t']) { without.trim_end_matches([' ', '\t']) } else { rest };
    let rest = match rest.get(..9) {
        Some(p) if p.eq_ignore_ascii_case("scenario:") => rest[9..].js_trim_start(),
        _ => rest,
    };
    js_trim(rest).to_string()
}

/// Whether a requirement's body holds scenarios written as list items (`- **WHEN** ...`,
/// `- Scenario: ...`) instead of `#### Scenario:` headers: the mistake OpenSpec's guidance names.
pub(crate) fn bullet_scenarios(after: &[Line<'_>]) -> bool {
    after.iter().take_while(|l| !lines::is_header_line(l.text)).any(|l| {
        let t = js_trim(l.text);
        let item = t.strip_prefix(['-', '*', '+']).map(|r| r.js_trim_start().trim_start_matches("**"));
        item.is_some_and(|r| {
            let starts = |w: &str| r.get(..w.len()).is_some_and(|p| p.eq_ignore_ascii_case(w));
            starts("when") || starts("given") || starts("scenario")
        })
    })
}

/// A `### Requirement:` block as the delta and main-spec readers cut it
/// (`parseRequirementBlocksFromSection`, `extractRequirementsSection`).
#[derive(Clone, Debug)]
pub(crate) struct Block {
    /// The normalised name.
    pub name: String,
    /// The header line, trimmed.
    pub header: TextRange,
    /// The block from its header to its last non-blank character (`raw`, `trimEnd`ed).
    pub raw: TextRange,
    /// The first line of body text, if any.
    pub body_first: Option<TextRange>,
    /// Whether the body holds text (`extractRequirementBody` is not empty).
    pub has_text: bool,
    /// Whether that text holds `SHALL` or `MUST`.
    pub has_keyword: bool,
    /// The scenarios (any level-4 header), with or without a body.
    pub scenarios: Vec<Scenario>,
    /// Whether its body writes scenarios as list items.
    pub bullet_scenarios: bool,
    /// `**Reason**:` and `**Migration**:` lines, for REMOVED entries.
    pub reason: bool,
    pub migration: bool,
}

impl Block {
    /// Reads a block: `doc.lines[header]` is its header, `end` the line after its last;
    /// `removed` reads its **Reason** and **Migration** lines too.
    pub(crate) fn read(doc: &Doc<'_>, header: usize, end: usize, raw_name: &str, removed: bool) -> Block {
        let after = &doc.lines[header + 1..end];
        let fenced = lines::fence_mask(after.iter().map(|l| l.text));
        let b = body_with(after, &fenced);
        // `raw` is trimEnd-ed: it ends at the last non-blank line's end.
        let last = (header..end).rev().find(|&i| !js_trim(doc.lines[i].text).is_empty()).unwrap_or(header);
        let last_line = doc.lines[last];
        let raw_end = last_line.start + lines::js_trim_end(last_line.text).len();
        let has_key = |key: &str| {
            after.iter().any(|l| {
                let t = js_trim(l.text).trim_start_matches(['-', '*', ' ']).trim_start_matches("**");
                t.get(..key.len()).is_some_and(|k| k.eq_ignore_ascii_case(key))
            })
        };
        Block {
            name: normalize_name(raw_name),
            header: doc.lines[header].trimmed_range(),
            raw: TextRange::new(doc.lines[header].start, raw_end),
            body_first: b.first,
            has_text: b.has_text,
            has_keyword: b.has_keyword,
            scenarios: scenarios(after, &fenced),
            bullet_scenarios: bullet_scenarios(after),
            reason: removed && has_key("reason"),
            migration: removed && has_key("migration"),
        }
    }

    /// The scenarios that count (`countScenarios`): those with a body.
    pub(crate) fn scenario_count(&self) -> usize {
        self.scenarios.iter().filter(|s| s.has_body).count()
    }

    /// Scenario headers without a body (`countEmptyScenarios`).
    pub(crate) fn empty_scenarios(&self) -> usize {
        self.scenarios.iter().filter(|s| !s.has_body).count()
    }
}

/// `normalizeBlockRaw`: a block's text with line breaks as `\n`, trimmed, for comparing two
/// blocks.
pub(crate) fn normalized_raw(text: &str, raw: TextRange) -> String {
    let s = text.get(raw.start..raw.end).unwrap_or("");
    js_trim(&s.replace("\r\n", "\n").replace('\r', "\n")).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(normalize_name("Login ###"), "Login");
        assert_eq!(normalize_name("C#"), "C#");
        assert_eq!(normalize_name("  Two  words \t"), "Two  words");
        assert_eq!(fold_name("Two  Words ##"), "two words");
        assert_eq!(scenario_name("#### Scenario: Happy path ##"), "Happy path");
        assert_eq!(scenario_name("####   Edge case"), "Edge case");
    }

    #[test]
    fn bodies() {
        let doc = Doc::new(
            "### Requirement: A\n\n**ID**: R1\n```\n#### Scenario: fenced\n```\nThe system SHALL x.\n#### Scenario: S\n- WHEN y\n#### Scenario: Empty\n",
        );
        let b = Block::read(&doc, 0, doc.lines.len(), "A", false);
        assert!(b.has_text && b.has_keyword);
        assert_eq!(b.scenarios.iter().map(|s| (s.name.as_str(), s.has_body)).collect::<Vec<_>>(), [("S", true), ("Empty", false)]);
        assert_eq!(b.scenario_count(), 1);
        let doc = Doc::new("### Requirement: B\n**Constraint**: The API MUST y\n- **WHEN** z\n");
        let b = Block::read(&doc, 0, doc.lines.len(), "B", false);
        assert!(b.has_text && !b.has_keyword && b.bullet_scenarios && b.scenario_count() == 0);
    }
}
