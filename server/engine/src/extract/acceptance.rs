//! Acceptance scenarios and criteria, shared by the framework readers: the Given/When/Then (or
//! EARS) clauses of one scenario, and the numbers of a numbered list as a reader cites them.
//!
//! Clause keywords come from the frameworks' own templates: Spec Kit's `spec-template.md`
//! (`**Given** ..., **When** ..., **Then** ...`), OpenSpec's spec format (`- **WHEN** ...`,
//! `- **THEN** ...`, `- **AND** ...`) and Kiro's EARS criteria (`WHEN ... THEN ... SHALL ...`,
//! `IF`, `WHILE`, `WHERE`). Offsets are bytes; every scan is linear in the text scanned.

use crate::model::Step;
use crate::text::TextRange;

/// Gherkin's keywords (Spec Kit, OpenSpec).
const GHERKIN: &[&str] = &["given", "when", "then", "and", "but"];
/// EARS' keywords (Kiro): the trigger and precondition words and the response's `THEN`.
const EARS: &[&str] = &["when", "if", "while", "where", "then"];

/// The clauses of `text[range]`, in order. A keyword counts at a word boundary when it is bold
/// (`**when**`, any case) or written `Given`/`GIVEN` (for EARS only upper case `WHEN`); a clause
/// runs to the next keyword or the end of `range`, ending at the first line break when the next
/// line is a new list item. Empty when fewer than two clauses are found (a sentence that happens
/// to start with `When` is not a scenario).
pub(crate) fn steps(text: &str, range: TextRange, ears: bool) -> Vec<Step> {
    let start = range.start.min(text.len());
    let end = range.end.min(text.len());
    let Some(hay) = text.get(start..end) else { return Vec::new() };
    let words = if ears { EARS } else { GHERKIN };
    // (keyword start, keyword end) in `hay`.
    let mut found: Vec<(usize, usize)> = Vec::new();
    let bytes = hay.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphabetic() || (i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || !bytes[i - 1].is_ascii())) {
            i += 1;
            continue;
        }
        let word_end = bytes[i..].iter().position(|b| !b.is_ascii_alphabetic()).map_or(bytes.len(), |n| i + n);
        let word = &hay[i..word_end];
        let next_ok = hay[word_end..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        let bold = hay[..i].ends_with("**") || hay[..i].ends_with("__");
        let upper = word.bytes().all(|b| b.is_ascii_uppercase());
        let capital = word.as_bytes()[0].is_ascii_uppercase() && word.bytes().skip(1).all(|b| b.is_ascii_lowercase());
        let cased = if ears { upper } else { bold || upper || capital };
        // "And" and "But" continue a scenario: only after a first keyword.
        let continuation = word.eq_ignore_ascii_case("and") || word.eq_ignore_ascii_case("but");
        if next_ok && cased && words.iter().any(|w| w.eq_ignore_ascii_case(word)) && (!continuation || !found.is_empty()) {
            // Unbolded "And"/"But" in a bold-keyword scenario are prose.
            if !(continuation && !bold && !upper) {
                found.push((i, word_end));
            }
        }
        i = word_end;
    }
    if found.len() < 2 {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(found.len());
    for (k, &(ks, ke)) in found.iter().enumerate() {
        let clause_end = found.get(k + 1).map_or(hay.len(), |n| n.0);
        let mut clause = &hay[ke..clause_end];
        // A clause ends before the next list item's marker (`\n- **THEN**`).
        if let Some(nl) = clause.rfind('\n') {
            let last = clause[nl + 1..].trim();
            let marker = last.trim_end_matches(['*', '_']).trim_end();
            let numbered =
                marker.len() > 1 && marker.ends_with(['.', ')']) && marker[..marker.len() - 1].bytes().all(|b| b.is_ascii_digit());
            if marker.is_empty() || matches!(marker, "-" | "+" | "*") || numbered {
                clause = &clause[..nl];
            }
        }
        let body = clause.trim_start_matches(['*', '_', ':', ' ', '\t']);
        let body = body.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '*' | '_' | ',' | ';'));
        let body_start = ke + (clause.len() - clause.trim_start_matches(['*', '_', ':', ' ', '\t']).len());
        let clause_stop = if body.is_empty() { ke } else { body_start + body.len() };
        out.push(Step { keyword: hay[ks..ke].to_string(), text: squeeze(body), range: TextRange::new(start + ks, start + clause_stop) });
    }
    out
}

/// `text` without `*` and with each run of whitespace (line breaks included) as one space, trimmed:
/// one allocation.
fn squeeze(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if word.bytes().all(|b| b == b'*') {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().filter(|&c| c != '*'));
    }
    out
}

/// The numbers a numbered list is cited by: the written ones when they increase, else each
/// item's place (1, 2, ...), as Markdown renders a list numbered `1.` throughout.
pub(crate) fn numbering(written: &[u32]) -> Vec<u32> {
    if written.windows(2).all(|w| w[0] < w[1]) {
        written.to_vec()
    } else {
        (1..=written.len()).map(|i| u32::try_from(i).unwrap_or(u32::MAX)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str, ears: bool) -> Vec<(String, String, String)> {
        steps(text, TextRange::new(0, text.len()), ears)
            .into_iter()
            .map(|s| (s.keyword, s.text, text[s.range.start..s.range.end].to_string()))
            .collect()
    }

    #[test]
    fn gherkin_clauses() {
        let got = parts("1. **Given** un membre connecté, **When** il ouvre « Albums », **Then** il voit ses albums", false);
        let want = [
            ("Given", "un membre connecté", "Given** un membre connecté"),
            ("When", "il ouvre « Albums »", "When** il ouvre « Albums »"),
            ("Then", "il voit ses albums", "Then** il voit ses albums"),
        ];
        assert_eq!(got, want.map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())));
        // A numbered list's next item.
        let got = parts("1. **Given** a\n2. **When** b", false);
        assert_eq!(got.iter().map(|p| p.2.as_str()).collect::<Vec<_>>(), ["Given** a", "When** b"]);
        // OpenSpec's bullets, CRLF.
        let got = parts("- **WHEN** a user signs in\r\n- **THEN** a session starts\r\n- **AND** it lasts 1 h\r\n", false);
        assert_eq!(
            got.iter().map(|(k, t, r)| format!("{k}|{t}|{r}")).collect::<Vec<_>>(),
            [
                "WHEN|a user signs in|WHEN** a user signs in",
                "THEN|a session starts|THEN** a session starts",
                "AND|it lasts 1 h|AND** it lasts 1 h"
            ]
        );
        // Bold keywords in lower case; unbolded prose words are not keywords.
        let got = parts("**Given** a list, **when** sorted and then shown, **then** it is in order", false);
        assert_eq!(got.iter().map(|p| p.0.as_str()).collect::<Vec<_>>(), ["Given", "when", "then"]);
        // A sentence starting with "When" is no scenario.
        assert!(parts("When in doubt, ask.", false).is_empty());
        assert!(parts("", false).is_empty());
    }

    #[test]
    fn ears_clauses() {
        let got = parts("WHEN a member signs in THEN the system SHALL open a session", true);
        assert_eq!(
            got.iter().map(|p| (p.0.as_str(), p.1.as_str())).collect::<Vec<_>>(),
            [("WHEN", "a member signs in"), ("THEN", "the system SHALL open a session")]
        );
        // Lower-case words are prose in EARS.
        assert!(parts("The system SHALL log when then", true).is_empty());
    }

    #[test]
    fn numbers() {
        assert_eq!(numbering(&[1, 2, 4]), [1, 2, 4]);
        assert_eq!(numbering(&[1, 1, 1]), [1, 2, 3]);
        assert_eq!(numbering(&[3, 1]), [1, 2]);
        assert!(numbering(&[]).is_empty());
    }
}
