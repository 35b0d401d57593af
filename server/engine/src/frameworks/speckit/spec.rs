//! Spec Kit's `spec.md`: its reader (user stories `### User Story 1 - Title (Priority: P1)` with
//! their acceptance scenarios `1. **Given** ..., **When** ..., **Then** ...` after
//! `**Acceptance Scenarios**:`, requirements `- **FR-001**: System MUST ...` and success criteria
//! `- **SC-001**: ...`) and its rules: `speckit-requirement-id`, `speckit-clarification-open`,
//! `speckit-requirement-uncited`.
//!
//! Facts from `templates/spec-template.md`, `templates/commands/specify.md` (at most three
//! `[NEEDS CLARIFICATION: ...]` markers, resolved before planning), `templates/commands/clarify.md`
//! (run before `plan`) and `templates/commands/analyze.md` (coverage: requirements with zero
//! associated tasks).

use std::collections::{HashMap, HashSet};

use crate::analysis::Context;
use crate::diagnostics::{Code, Diagnostic, Doc, Rule, Severity};
use crate::extract::{MarkdownInput, Recogniser};
use crate::facts::FileFacts;
use crate::frameworks::speckit::{code_ranges, feature_file, html_comments, inside};
use crate::model::{Named, Requirement};
use crate::syntax::markdown::{Block, BlockKind};
use crate::text::TextRange;

pub(crate) const REQUIREMENT_ID: Rule = Rule {
    doc: Doc {
        code: Code::new("speckit-requirement-id"),
        severity: Severity::Error,
        when: "Two requirements or success criteria of a Spec Kit `spec.md` share an id (`- **FR-003**: ...` twice): tasks, checklists and the analysis cite requirements by id. Reported on the later one, the first as related location.",
        fix: "Renumber one of them (the next free `FR-###` or `SC-###`), or merge them.",
    },
    framework: Some("speckit"),
    source: "templates/spec-template.md (Functional Requirements, Measurable Outcomes)",
};

pub(crate) const CLARIFICATION_OPEN: Rule = Rule {
    doc: Doc {
        code: Code::new("speckit-clarification-open"),
        severity: Severity::Warning,
        when: "A Spec Kit `spec.md` still holds a `[NEEDS CLARIFICATION: ...]` marker while its feature already has a `plan.md` or `tasks.md`: clarification comes before planning. A marker inside code, inline code or an HTML comment, a bare mention of `[NEEDS CLARIFICATION]` without its question, or the template's own instruction `[NEEDS CLARIFICATION: specific question]` (or `: ...`), is not one.",
        fix: "Answer the question (`/speckit.clarify` records it under `## Clarifications`) and replace the marker with the decision; then revisit the plan.",
    },
    framework: Some("speckit"),
    source: "templates/commands/clarify.md (\"expected to run ... BEFORE invoking plan\"), templates/commands/specify.md (spec quality checklist: \"No [NEEDS CLARIFICATION] markers remain\")",
};

pub(crate) const REQUIREMENT_UNCITED: Rule = Rule {
    doc: Doc {
        code: Code::new("speckit-requirement-uncited"),
        severity: Severity::Information,
        when: "A functional requirement (`FR-###`) of a Spec Kit `spec.md` is cited nowhere in its feature's `tasks.md`, while that `tasks.md` cites at least four in five of the requirements by id (single ids, `FR-001/2/3` and ranges `FR-001–FR-005` count): the one left out may have no task. A `tasks.md` that does not cite requirements by id is not judged (tasks map to user stories; only some teams cite requirement ids).",
        fix: "Add the task that implements the requirement, or cite its id in the task that does.",
    },
    framework: Some("speckit"),
    source: "templates/commands/analyze.md (Coverage Gaps: \"Requirements with zero associated tasks\")",
};

/// Reads `specs/<feature>/spec.md`: user stories (as requirements `US1`, `US2`, ...) and
/// requirements and success criteria with ids; supersedes the generic readers there.
pub(crate) const RECOGNISER: Recogniser = Recogniser {
    name: "speckit-spec",
    applies: |path| matches!(feature_file(path), Some((_, "spec.md"))),
    prefilter: None,
    replaces: &["requirements", "conventions"],
    extract,
};

/// `User Story 2 - Share (Priority: P2)` → `(2, "Share (Priority: P2)")`.
fn story_heading(text: &str) -> Option<(u32, &str)> {
    let rest = text.trim().strip_prefix("User Story")?.trim_start();
    let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    let n = rest[..digits].parse().ok()?;
    let title = rest[digits..].trim_start().trim_start_matches(['-', '—', '–', ':', '：']).trim();
    Some((n, title))
}

/// An id at the start of a list item or heading (`FR-001`, `SC-003`, `NFR-002`, `FR-012a`),
/// followed by a colon; `text` is the block's plain text.
fn requirement_id(text: &str) -> Option<&str> {
    let text = text.trim_start();
    let end = text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).unwrap_or(text.len());
    let id = &text[..end];
    if !text[end..].trim_start_matches(['*', '_', ' ']).starts_with([':', '：']) {
        return None;
    }
    let (letters, number) = id.split_once('-')?;
    let digits = number.trim_end_matches(|c: char| c.is_ascii_lowercase());
    let ok = (2..=5).contains(&letters.len())
        && letters.chars().all(|c| c.is_ascii_uppercase())
        && !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit())
        && number.len() - digits.len() <= 1;
    ok.then_some(id)
}

/// Every user story, requirement and success criterion of `spec.md`, in document order,
/// duplicates included; a story with the numbered list after its `**Acceptance Scenarios**:`
/// (the spec template's form, `1. **Given** ..., **When** ..., **Then** ...`) as its acceptance
/// scenarios. A story runs to the next heading of its level or above; its list ends where
/// Markdown ends it (a list of another bullet or delimiter after it, a thematic break or HTML
/// block between) or at the next paragraph, heading or code block outside it. `text` is the
/// file's Markdown view, `blocks` its outline.
pub(crate) fn collect(text: &str, blocks: &[Block]) -> Vec<Requirement> {
    let mut out = Vec::new();
    // The open story: its index in `out` and its heading's level.
    let mut story: Option<(usize, u8)> = None;
    // Inside its acceptance scenarios: the depth of the list's items and the list, once the first
    // is seen.
    let mut scenarios: Option<Option<(usize, u32)>> = None;
    let mut items: Vec<(Option<(u32, usize)>, &Block)> = Vec::new();
    let close = |out: &mut Vec<Requirement>, story: Option<(usize, u8)>, items: &mut Vec<(Option<(u32, usize)>, &Block)>| {
        if let Some((i, _)) = story
            && let Some(r) = out.get_mut(i)
        {
            r.acceptance.extend(scenarios_of(text, items));
        }
        items.clear();
    };
    for b in blocks {
        match b.kind {
            BlockKind::Heading { level } => {
                if story.is_some_and(|(_, l)| level <= l) || story_heading(&b.text).is_some() {
                    close(&mut out, story.take(), &mut items);
                    scenarios = None;
                }
                if let Some((n, title)) = story_heading(&b.text) {
                    let range = crate::extract::locate(text, b.range, "User Story", 0).map_or(b.range, |r| {
                        let digits = text[r.end..].trim_start();
                        let end = r.end
                            + (text[r.end..].len() - digits.len())
                            + digits.find(|c: char| !c.is_ascii_digit()).unwrap_or(digits.len());
                        TextRange::new(r.start, end)
                    });
                    out.push(Requirement::new(Named::new(format!("US{n}"), range), title, b.range));
                    story = Some((out.len() - 1, level));
                    continue;
                }
                if story.is_some() {
                    // `#### Acceptance Scenarios` as a heading of its own; another heading ends
                    // the list.
                    close(&mut out, story, &mut items);
                    scenarios = is_scenarios_label(&b.text).then_some(None);
                }
            }
            BlockKind::Paragraph => {
                // A later paragraph of a loose item is indented: it stays in the list.
                let indented = b.range.start > 0 && matches!(text.as_bytes().get(b.range.start - 1), Some(b' ' | b'\t'));
                if story.is_some() && is_scenarios_label(&b.text) {
                    close(&mut out, story, &mut items);
                    scenarios = Some(None);
                } else if !indented && scenarios.is_some() {
                    close(&mut out, story, &mut items);
                    scenarios = None;
                }
            }
            BlockKind::Code { .. } => {
                if scenarios.is_some() && !matches!(text.as_bytes().get(b.range.start.saturating_sub(1)), Some(b' ' | b'\t')) {
                    close(&mut out, story, &mut items);
                    scenarios = None;
                }
            }
            BlockKind::Item { depth, list, .. } => {
                if let Some(first) = scenarios.as_mut() {
                    let (top, scenario_list) = *first.get_or_insert((depth, list));
                    if list == scenario_list {
                        items.push((list_number(text, b.range.start), b));
                        continue;
                    }
                    if depth > top {
                        continue; // A list inside a scenario.
                    }
                    // The numbered list has ended: a list after it (notes, edge cases in bullets)
                    // holds no scenarios.
                    close(&mut out, story, &mut items);
                    scenarios = None;
                }
            }
        }
        if !matches!(b.kind, BlockKind::Item { .. } | BlockKind::Heading { .. }) {
            continue;
        }
        let Some(id) = requirement_id(&b.text) else { continue };
        let Some(range) = crate::extract::locate(text, b.range, id, 0) else { continue };
        let rest = b.text.trim_start()[id.len()..].trim_start_matches(['*', '_', ' ', ':', '：']).trim();
        out.push(Requirement::new(Named::new(id, range), rest, b.range));
    }
    close(&mut out, story, &mut items);
    out
}

/// `Acceptance Scenarios:` (the spec template's bold label, its markup removed by the outline).
fn is_scenarios_label(text: &str) -> bool {
    let t = text.trim().trim_end_matches([':', '：']).trim_end();
    t.eq_ignore_ascii_case("acceptance scenarios") || t.eq_ignore_ascii_case("acceptance scenario")
}

/// The number of an ordered list item starting at byte `at` (`2.` or `2)`), if it is one, and
/// the length of its digits in bytes.
fn list_number(text: &str, at: usize) -> Option<(u32, usize)> {
    let rest = text.get(at..)?;
    let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    if digits == 0 || digits > 9 || !rest[digits..].starts_with(['.', ')']) {
        return None;
    }
    Some((rest[..digits].parse().ok()?, digits))
}

/// A story's acceptance scenarios from its list items: numbered as written when the numbers
/// increase, else by place.
fn scenarios_of(text: &str, items: &[(Option<(u32, usize)>, &Block)]) -> Vec<crate::model::Acceptance> {
    let written: Option<Vec<u32>> = items.iter().map(|(n, _)| n.map(|n| n.0)).collect();
    let numbers = match written {
        Some(w) => crate::extract::acceptance::numbering(&w),
        None => crate::extract::acceptance::numbering(&vec![0; items.len()]),
    };
    items
        .iter()
        .zip(numbers)
        .map(|((written, b), n)| {
            // The number's digits (`2` of `2.`), or the bullet.
            let marker = match written {
                Some((_, len)) => TextRange::new(b.range.start, b.range.start + len),
                None => TextRange::new(b.range.start, b.range.start + 1),
            };
            let marker = if text.get(marker.start..marker.end).is_some() { marker } else { TextRange::empty(b.range.start) };
            let whole = TextRange::new(b.range.start, b.range.end.max(b.content.end));
            crate::model::Acceptance {
                id: Named::new(n.to_string(), marker),
                noun: "acceptance scenario",
                text: b.text.trim().to_string(),
                range: whole,
                ears: false,
            }
        })
        .collect()
}

fn extract(facts: &mut FileFacts, input: &MarkdownInput<'_>) {
    if input.text.contains(MARKER) {
        facts.speckit.get_or_insert_with(Box::default).clarifications = clarification_markers(input.text, input.blocks);
    }
    let mut seen = HashSet::new();
    for r in collect(input.text, input.blocks) {
        // A duplicate is reported by `speckit-requirement-id`, not kept as a second requirement.
        if seen.insert(r.id.name.clone()) {
            // The spec template's names: "Functional Requirements" (`FR-001`) and "Measurable
            // Outcomes" (`SC-001`, success criteria), for the editor's hover and outline.
            let noun = match r.id.name.split('-').next() {
                Some("FR") => Some("functional requirement"),
                Some("SC") => Some("success criterion"),
                _ => None,
            };
            if noun.is_some() {
                let mut sym =
                    crate::ide::index::Symbol::new(crate::ide::index::SymbolKind::Requirement, &r.id.name, r.id.range, r.range, &r.text);
                sym.noun = noun;
                facts.ide.symbols.push(sym);
            }
            facts.requirements.push(r);
        }
    }
}

/// Per file: ids are unique.
pub(crate) fn check_file(file: &FileFacts, out: &mut Vec<Diagnostic>) {
    let text = super::markdown_view(file);
    let blocks = crate::syntax::markdown::outline(&text);
    let mut first: HashMap<String, TextRange> = HashMap::new();
    for r in collect(&text, &blocks) {
        if r.id.name.starts_with("US") && !r.id.name.contains('-') {
            continue; // Stories are numbered by their headings; not this rule's.
        }
        match first.get(&r.id.name) {
            Some(at) => out.push(
                REQUIREMENT_ID
                    .at(
                        &file.path,
                        r.id.range,
                        format!("`{}` is already the id of an earlier requirement; each needs its own id", r.id.name),
                    )
                    .with_related(&file.path, *at, "first declared here"),
            ),
            None => {
                first.insert(r.id.name.clone(), r.id.range);
            }
        }
    }
}

/// Questions that only show the marker's form: the spec template's own instruction `Use
/// [NEEDS CLARIFICATION: specific question] for any assumption` (templates/spec-template.md
/// before the template moved its guidance into comments), and `...` or nothing.
const PLACEHOLDER_QUESTIONS: &[&str] = &["specific question", "...", "…", ""];

const MARKER: &str = "[NEEDS CLARIFICATION";

/// `[NEEDS CLARIFICATION: ...]` markers of a text (`view`: front matter blanked, conflicts
/// masked; `blocks`: its outline), outside code and HTML comments, whose question is a question
/// (not [`PLACEHOLDER_QUESTIONS`]): their ranges.
pub(crate) fn clarification_markers(view: &str, blocks: &[Block]) -> Vec<TextRange> {
    if !view.contains(MARKER) {
        return Vec::new();
    }
    let code = code_ranges(view, blocks);
    let comments = html_comments(view);
    let mut out = Vec::new();
    for (at, _) in view.match_indices(MARKER) {
        let after = view[at + MARKER.len()..].trim_start();
        if !after.starts_with([':', '：']) || inside(&code, at) || inside(&comments, at) {
            continue;
        }
        let line_end = crate::text::line_end(view, at);
        let end = view[at..line_end].find(']').map_or(line_end, |j| at + j + 1);
        let question = view[at + MARKER.len()..end].trim_end_matches(']').trim_start().trim_start_matches([':', '：']).trim();
        if PLACEHOLDER_QUESTIONS.iter().any(|p| question.eq_ignore_ascii_case(p)) {
            continue;
        }
        out.push(TextRange::new(at, end));
    }
    out
}

/// Across files: markers left once a plan exists; requirements no task cites.
pub(crate) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (path, file) in ctx.ws.files.range("specs/".to_string()..).take_while(|(k, _)| k.starts_with("specs/")) {
        let Some((folder, "spec.md")) = feature_file(path) else { continue };
        let plan = format!("{folder}/plan.md");
        let tasks_path = format!("{folder}/tasks.md");
        let later = [&plan, &tasks_path].into_iter().find(|p| ctx.file(p).is_some());
        if let Some(later) = later {
            let open = file.speckit.as_deref().map_or(&[][..], |f| &f.clarifications[..]);
            for &range in open {
                out.push(
                    CLARIFICATION_OPEN
                        .at(
                            path,
                            range,
                            format!(
                                "this question is still open, but the feature already has `{}`: clarify it before planning",
                                crate::paths::file_name(later)
                            ),
                        )
                        .with_related(later, TextRange::default(), "planned here"),
                );
            }
        }
        let Some(tasks) = ctx.file(&tasks_path) else { continue };
        let requirements: Vec<&Requirement> = file.requirements.iter().filter(|r| r.id.name.starts_with("FR-")).collect();
        if requirements.is_empty() {
            continue;
        }
        let empty = HashSet::new();
        let cited = tasks.speckit.as_deref().map_or(&empty, |f| &f.cited);
        let count = requirements.iter().filter(|r| cited.contains(r.id.name.as_str())).count();
        // Judged only where tasks cite requirements as a rule (four in five at least).
        if count * 5 < requirements.len() * 4 {
            continue;
        }
        for r in requirements.iter().filter(|r| !cited.contains(r.id.name.as_str())) {
            out.push(
                REQUIREMENT_UNCITED
                    .at(
                        path,
                        r.id.range,
                        format!(
                            "`{}` is cited nowhere in `tasks.md`, which cites {count} of the {} functional requirements",
                            r.id.name,
                            requirements.len()
                        ),
                    )
                    .with_related(&tasks.path, TextRange::default(), "the feature's tasks"),
            );
        }
    }
}

/// The `FR-###` ids a text cites: `FR-012`, `FR-012a`, the compact `FR-001/2/3`, and ranges
/// `FR-001–FR-005`, `FR-001-005`, `FR-001 to FR-005`, `FR-001..FR-005` (every id between).
pub(crate) fn cited_ids(text: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    let b = text.as_bytes();
    let digits_at = |i: usize| text[i.min(text.len())..].find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len() - i.min(text.len()));
    for (at, _) in text.match_indices("FR-") {
        if at > 0 && b[at - 1].is_ascii_alphanumeric() {
            continue;
        }
        let n = digits_at(at + 3);
        if n == 0 {
            continue;
        }
        let width = n;
        let first = &text[at + 3..at + 3 + n];
        let mut end = at + 3 + n;
        out.insert(format!("FR-{first}"));
        if text[end..].starts_with(|c: char| c.is_ascii_lowercase()) && !text[end + 1..].starts_with(|c: char| c.is_ascii_alphanumeric()) {
            out.insert(format!("FR-{first}{}", &text[end..end + 1]));
            end += 1;
        }
        let Ok(start) = first.parse::<u32>() else { continue };
        let id = |n: u32| format!("FR-{n:0width$}");
        // `/2/3`: more ids of the same width.
        let mut at_slash = end;
        while text[at_slash..].starts_with('/') {
            let k = digits_at(at_slash + 1);
            if k == 0 {
                break;
            }
            // The digits replace the last digits of the first id: `FR-001/2` is `FR-002`.
            if k <= width {
                out.insert(format!("FR-{}{}", &first[..width - k], &text[at_slash + 1..at_slash + 1 + k]));
            }
            at_slash += 1 + k;
        }
        // A range to a later id.
        let rest = &text[end..];
        let after = ["–FR-", "—FR-", "-FR-", " – FR-", " - FR-", " to FR-", "..FR-", "–", "-", "..", " – ", " to "]
            .iter()
            .find_map(|sep| rest.strip_prefix(sep).map(|r| end + (rest.len() - r.len())));
        if let Some(from) = after {
            let k = digits_at(from);
            if k > 0
                && let Ok(last) = text[from..from + k].parse::<u32>()
                && last > start
                && last - start <= 200
            {
                for n in start..=last {
                    out.insert(id(n));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::fixture::check;
    use expect_test::expect;

    #[test]
    fn ids_and_stories() {
        assert_eq!(story_heading("User Story 2 - Share (Priority: P2)"), Some((2, "Share (Priority: P2)")));
        assert_eq!(story_heading("User Story 10 — Long"), Some((10, "Long")));
        assert_eq!(story_heading("User Stories"), None);
        assert_eq!(requirement_id("FR-001: System MUST"), Some("FR-001"));
        assert_eq!(requirement_id("SC-002: 90% of users"), Some("SC-002"));
        assert_eq!(requirement_id("FR-012a: later"), Some("FR-012a"));
        assert_eq!(requirement_id("FR-001 System MUST"), None);
        assert_eq!(requirement_id("Note: x"), None);
        let cited =
            cited_ids("T001 (FR-001, FR-002a) xFR-009 FR-010ab FR- FR-020/1/2 FR-030–FR-032 FR-040-041 FR-050 to FR-051 FR-060..FR-061");
        let mut cited: Vec<&str> = cited.iter().map(String::as_str).collect();
        cited.sort_unstable();
        assert_eq!(
            cited,
            [
                "FR-001", "FR-002", "FR-002a", "FR-010", "FR-020", "FR-021", "FR-022", "FR-030", "FR-031", "FR-032", "FR-040", "FR-041",
                "FR-050", "FR-051", "FR-060", "FR-061"
            ]
        );
    }

    #[test]
    fn scenarios_end_with_their_numbered_list() {
        // The spec template's scenarios (`1. **Given** ...`), then what authors write after them in
        // the story: bullets (notes, an edge case written Given/When/Then, a requirement), a list
        // inside a scenario, a list after a thematic break.
        let text = "### User Story 1 - Browse (Priority: P1)\n\n**Acceptance Scenarios**:\n\n1. **Given** a member, **When** they open albums, **Then** they see them\n2. **Given** no album, **When** they open albums, **Then** an invitation shows\n\n- **Given** a shared album, **When** its owner removes it, **Then** it disappears (later release)\n- Notes: albums sort by date\n- **FR-009**: System MUST sort albums by date\n\n### User Story 2 - Share (Priority: P2)\n\n**Acceptance Scenarios**:\n\n1. **Given** a photo, **When** shared, **Then** a link is made\n   - the link expires after a week\n2. **Given** a link, **When** opened, **Then** the photo shows\n\n---\n\n1. **Given** a list after the rule, **When** read, **Then** it is no scenario\n\n### User Story 3 - Bullets (Priority: P3)\n\n**Acceptance Scenarios**:\n\n- **Given** a, **When** b, **Then** c\n- **Given** d, **When** e, **Then** f\n\n1. **Given** a numbered list after them, **When** read, **Then** it is no scenario\n";
        let blocks = crate::syntax::markdown::outline(text);
        let shown: Vec<String> = collect(text, &blocks)
            .iter()
            .map(|r| {
                let scenarios: Vec<String> = r.acceptance.iter().map(|a| format!("\n  {} {}", a.id.name, a.text)).collect();
                format!("{} {}{}", r.id.name, r.text, scenarios.concat())
            })
            .collect();
        expect![[r#"
            US1 Browse (Priority: P1)
              1 Given a member, When they open albums, Then they see them
              2 Given no album, When they open albums, Then an invitation shows
            FR-009 System MUST sort albums by date
            US2 Share (Priority: P2)
              1 Given a photo, When shared, Then a link is made
              2 Given a link, When opened, Then the photo shows
            US3 Bullets (Priority: P3)
              1 Given a, When b, Then c
              2 Given d, When e, Then f"#]]
        .assert_eq(&shown.join("\n"));
    }

    #[test]
    fn spec_rules() {
        let spec = "//- .specify/memory/constitution.md\n# C\n//- specs/001-a/spec.md\n# Spec\n### User Story 1 - Browse (Priority: P1)\n## Requirements\n- **FR-001**: System MUST list [NEEDS CLARIFICATION: which order?]\n- **FR-002**: System MUST page\n- **FR-003**: System MUST sort\n- **FR-002**: System MUST filter\n- **FR-004**: System MUST share\n- **FR-005**: System MUST export\n- `[NEEDS CLARIFICATION: in code]` and [NEEDS CLARIFICATION] as a mention\n1. **Mark all ambiguities**: Use [NEEDS CLARIFICATION: specific question] for any assumption\n- a marker looks like [NEEDS CLARIFICATION: …] or [NEEDS CLARIFICATION: ...]\n<!-- [NEEDS CLARIFICATION: in a comment] -->\n- **SC-001**: fast\n//- specs/001-a/plan.md\n# Plan\n//- specs/001-a/tasks.md\n## Phase 1: Setup\n- [ ] T001 list (FR-001)\n- [ ] T002 page (FR-002)\n- [ ] T003 share and export (FR-004/5)\n//- specs/002-b/spec.md\n- **FR-001**: x [NEEDS CLARIFICATION: no plan yet]\n- **FR-002**: y\n- **FR-003**: z\n//- specs/002-b/tasks.md\n## Phase 1: Setup\n- [ ] T001 x (FR-001)\n";
        expect![[r#"
            specs/001-a/spec.md:4:32: warning[speckit-clarification-open]: this question is still open, but the feature already has `plan.md`: clarify it before planning
            specs/001-a/spec.md:6:5: information[speckit-requirement-uncited]: `FR-003` is cited nowhere in `tasks.md`, which cites 4 of the 5 functional requirements
            specs/001-a/spec.md:7:5: error[speckit-requirement-id]: `FR-002` is already the id of an earlier requirement; each needs its own id
            specs/002-b/spec.md:1:17: warning[speckit-clarification-open]: this question is still open, but the feature already has `tasks.md`: clarify it before planning
        "#]].assert_eq(&check(spec, &["speckit-requirement-id", "speckit-clarification-open", "speckit-requirement-uncited", "duplicate-id"]));
    }
}
