//! Extractors: from a file's syntax to the workflow model (docs/conventions.md lists every form
//! recognised, with an example of each).

pub(crate) mod data;
pub(crate) mod definition;
pub(crate) mod markdown;

use crate::text::TextRange;

/// The range of the first `needle` in `text[within]` at or after byte `from`, if any.
pub(crate) fn locate(text: &str, within: TextRange, needle: &str, from: usize) -> Option<TextRange> {
    let start = from.max(within.start).min(text.len());
    let end = within.end.min(text.len());
    if needle.is_empty() || start >= end || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
        return None;
    }
    text[start..end].find(needle).map(|i| TextRange::new(start + i, start + i + needle.len()))
}

/// Splits a `a → b (trigger)` or `a -> b` line into its parts. Box-drawing characters and list
/// markers before `a` are ignored; `❌`/`✗` after it are dropped.
pub(crate) fn parse_arrow(line: &str) -> Option<(String, String, Option<String>)> {
    let (left, right) = line.split_once('→').or_else(|| line.split_once("->"))?;
    let left = left.trim_start_matches(|c: char| !c.is_alphanumeric()).trim();
    let right = right.trim().trim_end_matches(['❌', '✗', '✘']).trim();
    let (to, trigger) = match right.find('(') {
        Some(i) if right.ends_with(')') => (right[..i].trim(), Some(right[i + 1..right.len() - 1].trim().to_string())),
        _ => (right, None),
    };
    let is_ident = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    let left_ok = is_ident(left) || left.eq_ignore_ascii_case("any state") || left.eq_ignore_ascii_case("any");
    if !left_ok || !is_ident(to) {
        return None;
    }
    Some((left.to_string(), to.to_string(), trigger))
}

#[cfg(test)]
mod tests {
    use super::parse_arrow;

    #[test]
    fn arrows() {
        assert_eq!(
            parse_arrow("specs_updated → system_design_updated (architect)"),
            Some(("specs_updated".into(), "system_design_updated".into(), Some("architect".into())))
        );
        assert_eq!(parse_arrow("specs_updated → tasks_generated ❌"), Some(("specs_updated".into(), "tasks_generated".into(), None)));
        assert_eq!(
            parse_arrow("    └── IN_PROGRESS → WAITING_APPROVAL (agent complete)"),
            Some(("IN_PROGRESS".into(), "WAITING_APPROVAL".into(), Some("agent complete".into())))
        );
        assert_eq!(parse_arrow("Any state → FAILED (error occurred)").map(|t| t.0), Some("Any state".into()));
        assert_eq!(parse_arrow("[Design] → Design Artifacts"), None);
        assert_eq!(parse_arrow("• Run SDET #1's tests on Feature A → Fix failures"), None);
    }
}
