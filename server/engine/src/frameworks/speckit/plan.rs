//! Spec Kit's `plan.md`: `speckit-constitution-check` (its "Constitution Check" gate) and
//! `speckit-plan-placeholder` (the template's placeholders left in it).
//!
//! Facts from `templates/plan-template.md` ("Constitution Check — GATE: Must pass before Phase 0
//! research", "Complexity Tracking — Fill ONLY if Constitution Check has violations that must
//! be justified", its placeholders and `ACTION REQUIRED` comments) and `templates/commands/plan.md`
//! ("Evaluate gates (ERROR if violations unjustified)").

use crate::diagnostics::{Code, Diagnostic, Doc, Rule, Severity};
use crate::facts::FileFacts;
use crate::frameworks::speckit::{code_ranges, html_comments, inside};
use crate::syntax::markdown::{Block, BlockKind};
use crate::text::TextRange;

pub(crate) const CONSTITUTION_CHECK: Rule = Rule {
    doc: Doc {
        code: Code::new("speckit-constitution-check"),
        severity: Severity::Warning,
        when: "The `## Constitution Check` section of a Spec Kit `plan.md` is not filled in (empty, or still the template's `[Gates determined based on constitution file]`), or a line of it records a failed gate (`❌`, or `FAIL`/`VIOLATION` in capitals) while `## Complexity Tracking` justifies no violation (absent, empty, `None`/`N/A`, or only the template's example rows). A plan whose headings are in another language is not judged.",
        fix: "Evaluate each principle of `.specify/memory/constitution.md` in the Constitution Check; justify a violation in Complexity Tracking (why it is needed, the simpler alternative rejected), or change the plan so the gate passes.",
    },
    framework: Some("speckit"),
    source: "templates/plan-template.md (Constitution Check, Complexity Tracking), templates/commands/plan.md (\"ERROR if violations unjustified\")",
};

pub(crate) const PLAN_PLACEHOLDER: Rule = Rule {
    doc: Doc {
        code: Code::new("speckit-plan-placeholder"),
        severity: Severity::Warning,
        when: "A Spec Kit `plan.md` still holds a placeholder of the plan template: `[FEATURE]`, `[FEATURE NAME]`, `[###-feature-name]`, `[###-feature]`, `[DATE]`, `[link]`, `[Extract from feature spec ...]`, a Technical Context value `[e.g., ...]`, an `[REMOVE IF UNUSED]` option label in the structure tree, or an `ACTION REQUIRED` comment. Placeholders inside code and inline code are text (except in the structure tree the template puts in a code block).",
        fix: "Replace the placeholder with the plan's own content, and delete the template's `ACTION REQUIRED` comment once its section is written.",
    },
    framework: Some("speckit"),
    source: "templates/plan-template.md",
};

/// The section under the first heading starting with `title` (case-insensitive): the heading
/// block's index and the index after its last block.
fn section(blocks: &[Block], title: &str) -> Option<(usize, usize)> {
    let wanted = title.to_ascii_lowercase();
    let (start, level) = blocks.iter().enumerate().find_map(|(i, b)| match b.kind {
        BlockKind::Heading { level } if b.text.trim().to_ascii_lowercase().starts_with(&wanted) => Some((i, level)),
        _ => None,
    })?;
    let end = blocks[start + 1..]
        .iter()
        .position(|b| matches!(b.kind, BlockKind::Heading { level: l } if l <= level))
        .map_or(blocks.len(), |j| start + 1 + j);
    Some((start, end))
}

/// The text from the end of block `start` to the start of block `end` (or the end of `text`).
fn section_text<'t>(text: &'t str, blocks: &[Block], (start, end): (usize, usize)) -> (usize, &'t str) {
    let from = blocks[start].range.end.min(text.len());
    let to = blocks.get(end).map_or(text.len(), |b| b.range.start).min(text.len()).max(from);
    (from, &text[from..to])
}

/// Whether a line of the Constitution Check records a failed gate.
fn records_failure(line: &str) -> bool {
    line.contains('❌')
        || line
            .split(|c: char| !c.is_ascii_alphabetic())
            .any(|w| matches!(w, "FAIL" | "FAILS" | "FAILED" | "VIOLATION" | "VIOLATIONS" | "VIOLATED" | "VIOLATES"))
}

/// Whether the Complexity Tracking section justifies something: a line of its own beyond the
/// template's note, table header and example rows, and beyond "none" or "N/A".
fn justifies(text: &str, blocks: &[Block]) -> bool {
    let Some(s) = section(blocks, "Complexity Tracking") else { return false };
    let (_, body) = section_text(text, blocks, s);
    let comments = html_comments(body);
    crate::text::lines(body)
        .scan(0, |at, l| {
            let start = *at;
            *at += l.len() + 1;
            Some((start, l))
        })
        .any(|(start, line)| {
            let t = line.trim();
            if t.is_empty() || t.starts_with('>') || t.starts_with('#') || inside(&comments, start + (line.len() - line.trim_start().len()))
            {
                return false;
            }
            if t.starts_with('|')
                && (t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')) || t.contains("Why Needed") || t.contains("[e.g.,"))
            {
                return false;
            }
            let bare: String =
                t.chars().filter(|c| c.is_alphanumeric() || *c == '/' || *c == ' ').collect::<String>().trim().to_ascii_lowercase();
            !(bare.is_empty()
                || matches!(bare.as_str(), "none" | "n/a" | "na" | "no violations" | "no violation" | "not applicable" | "none required"))
        })
}

/// The template's placeholders looked for in normal text.
const TEXT_PLACEHOLDERS: &[&str] =
    &["[FEATURE]", "[FEATURE NAME]", "[###-feature-name]", "[###-feature]", "[DATE]", "[link]", "[Extract from feature spec"];

/// Per file: the Constitution Check gate and the template's placeholders.
pub(crate) fn check_file(file: &FileFacts, out: &mut Vec<Diagnostic>) {
    let text = super::markdown_view(file);
    let blocks = crate::syntax::markdown::outline(&text);
    let path = &file.path;
    let code = code_ranges(&text, &blocks);
    let comments = html_comments(&text);
    if let Some(s) = section(&blocks, "Constitution Check") {
        let heading = blocks[s.0].range;
        let (from, body) = section_text(&text, &blocks, s);
        let own: Vec<&Block> = blocks[s.0 + 1..s.1]
            .iter()
            .filter(|b| {
                let t = b.text.trim();
                !(t.is_empty() || t.to_ascii_uppercase().starts_with("GATE:") || t.starts_with("[Gates determined based on constitution"))
            })
            .filter(|b| !inside(&comments, b.range.start))
            .collect();
        if own.is_empty() && !body.lines().any(|l| l.trim_start().starts_with('|')) {
            out.push(CONSTITUTION_CHECK.at(
                path,
                heading,
                "the Constitution Check is not filled in: evaluate each principle of the constitution before research starts".into(),
            ));
        } else if !justifies(&text, &blocks) {
            let mut at = from;
            for line in crate::text::lines_inclusive(body) {
                let start = at;
                at += line.len();
                let content = crate::text::trim_break(line);
                if records_failure(content)
                    && !inside(&comments, start)
                    && !inside(&code, start + content.len() - content.trim_start().len())
                {
                    let lead = content.len() - content.trim_start().len();
                    out.push(CONSTITUTION_CHECK.at(
                        path,
                        TextRange::new(start + lead, start + content.trim_end().len()),
                        "this gate of the Constitution Check fails, and Complexity Tracking justifies no violation: justify it there or change the plan".into(),
                    ));
                }
            }
        }
    }
    // Placeholders.
    let mut found: Vec<(TextRange, String)> = Vec::new();
    for token in TEXT_PLACEHOLDERS {
        for (at, _) in text.match_indices(token) {
            if inside(&code, at) || inside(&comments, at) {
                continue;
            }
            // `[link]` only as the template writes it, not as a Markdown link's text.
            if *token == "[link]" && text[at + token.len()..].starts_with(['(', '[']) {
                continue;
            }
            let end = if token.ends_with(']') {
                at + token.len()
            } else {
                text[at..crate::text::line_end(&text, at)].find(']').map_or(at + token.len(), |j| at + j + 1)
            };
            found.push((
                TextRange::new(at, end),
                format!("`{}` is the plan template's placeholder: replace it with this plan's content", &text[at..end]),
            ));
        }
    }
    for (at, _) in text.match_indices(": [e.g., ") {
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        if text[line_start..at].trim_start().starts_with("**") && !inside(&code, at) && !inside(&comments, at) {
            let end = text[at..crate::text::line_end(&text, at)].rfind(']').map_or(at + 2, |j| at + j + 1);
            found.push((
                TextRange::new(at + 2, end),
                "the Technical Context still shows the template's example values `[e.g., ...]`: write this project's".into(),
            ));
        }
    }
    for (at, _) in text.match_indices("[REMOVE IF UNUSED]") {
        if !inside(&comments, at) {
            found.push((TextRange::new(at, at + "[REMOVE IF UNUSED]".len()), "an option of the template's structure tree is left with its `[REMOVE IF UNUSED]` label: keep the chosen layout only, without Option labels".into()));
        }
    }
    for c in &comments {
        if let Some(i) = text[c.start..c.end].find("ACTION REQUIRED") {
            let at = c.start + i;
            found.push((
                TextRange::new(at, at + "ACTION REQUIRED".len()),
                "the template's `ACTION REQUIRED` comment is still here: write the section and delete the comment".into(),
            ));
        }
    }
    found.sort_by_key(|(r, _)| r.start);
    for (range, message) in found {
        out.push(PLAN_PLACEHOLDER.at(path, range, message));
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::fixture::check;
    use expect_test::expect;

    const CODES: &[&str] = &["speckit-constitution-check", "speckit-plan-placeholder"];

    #[test]
    fn unfilled_and_failing_gates() {
        let spec = "//- .specify/memory/constitution.md\n# C\n//- specs/001-a/plan.md\n# Implementation Plan: [FEATURE]\n\n**Branch**: `001-a` | **Date**: 2026-01-02 | **Spec**: [link]\n\n## Constitution Check\n\n*GATE: Must pass before Phase 0 research.*\n\n[Gates determined based on constitution file]\n\n## Technical Context\n\n<!--\n  ACTION REQUIRED: Replace the content in this section.\n-->\n\n**Language/Version**: [e.g., Python 3.11 or NEEDS CLARIFICATION]\n\n```text\n# [REMOVE IF UNUSED] Option 1: Single project (DEFAULT)\nspecs/[###-feature]/\n```\n\nSee [link](spec.md) and `[DATE]`.\n//- specs/002-b/plan.md\n## Constitution Check\n\n| Principle | Status |\n|---|---|\n| I. Fail fast | PASS |\n| II. Simplicity | ❌ FAIL: a fourth project |\n\n## Complexity Tracking\n\n> **Fill ONLY if Constitution Check has violations that must be justified**\n\n| Violation | Why Needed | Simpler Alternative Rejected Because |\n|-----------|------------|-------------------------------------|\n| [e.g., 4th project] | [current need] | [why 3 projects insufficient] |\n//- specs/003-c/plan.md\n## Constitution Check\n\n- II. Simplicity: VIOLATION (a fourth project)\n\n## Complexity Tracking\n\n| Violation | Why Needed | Simpler Alternative Rejected Because |\n|---|---|---|\n| 4th project | the mobile client | one project cannot ship two runtimes |\n//- specs/004-d/plan.md\n## 憲法檢查\n\n[Gates determined based on constitution file]\n";
        expect![[r#"
            specs/001-a/plan.md:1:24: warning[speckit-plan-placeholder]: `[FEATURE]` is the plan template's placeholder: replace it with this plan's content
            specs/001-a/plan.md:3:56: warning[speckit-plan-placeholder]: `[link]` is the plan template's placeholder: replace it with this plan's content
            specs/001-a/plan.md:5:1: warning[speckit-constitution-check]: the Constitution Check is not filled in: evaluate each principle of the constitution before research starts
            specs/001-a/plan.md:14:3: warning[speckit-plan-placeholder]: the template's `ACTION REQUIRED` comment is still here: write the section and delete the comment
            specs/001-a/plan.md:17:23: warning[speckit-plan-placeholder]: the Technical Context still shows the template's example values `[e.g., ...]`: write this project's
            specs/001-a/plan.md:20:3: warning[speckit-plan-placeholder]: an option of the template's structure tree is left with its `[REMOVE IF UNUSED]` label: keep the chosen layout only, without Option labels
            specs/002-b/plan.md:6:1: warning[speckit-constitution-check]: this gate of the Constitution Check fails, and Complexity Tracking justifies no violation: justify it there or change the plan
        "#]].assert_eq(&check(spec, CODES));
    }
}
