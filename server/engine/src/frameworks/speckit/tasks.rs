//! Spec Kit's `tasks.md`: its reader (task lines `- [ ] T001 [P] [US1] Description`, grouped in
//! `## Phase N: ...` sections) and its rules: `speckit-task-id`, `speckit-story-label`,
//! `speckit-unknown-story`, `speckit-foundation-incomplete`.
//!
//! Facts from Spec Kit's `templates/commands/tasks.md` ("Checklist Format (REQUIRED)", "Phase
//! Structure") and `templates/tasks-template.md` ("Foundational ... MUST be complete before ANY
//! user story can be implemented", "No user story work can begin until this phase is complete").

use std::collections::HashMap;

use crate::analysis::Context;
use crate::diagnostics::{Code, Diagnostic, Doc, Rule, Severity};
use crate::extract::{MarkdownInput, Recogniser};
use crate::facts::FileFacts;
use crate::frameworks::speckit::feature_file;
use crate::model::{Named, Task};
use crate::syntax::markdown::{Block, BlockKind};
use crate::text::TextRange;

const SOURCE: &str = "templates/commands/tasks.md (Checklist Format), templates/tasks-template.md";

pub(crate) const TASK_ID: Rule = Rule {
    doc: Doc {
        code: Code::new("speckit-task-id"),
        severity: Severity::Error,
        when: "A task line of a Spec Kit `tasks.md` has no task id (`- [ ] [US1] Create User model`, or a line without id in a list of tasks that have one), keeps the template's placeholder id (`TXXX`), or uses an id another task of the file already has (reported on the later one, the first as related location). Spec Kit's task format is `- [ ] T001 [P] [US1] Description`, ids sequential and unique. A struck-through task (`~~T016~~`) is a removed task and not checked; nested checkbox items without an id are sub-steps of their task; a status word in capitals before the id (`- [X] SKIP: T039 ...`) leaves the task its id.",
        fix: "Give the task its own id (the next free `T###`).",
    },
    framework: Some("speckit"),
    source: SOURCE,
};

pub(crate) const STORY_LABEL: Rule = Rule {
    doc: Doc {
        code: Code::new("speckit-story-label"),
        severity: Severity::Warning,
        when: "A task of the Setup, Foundational or Polish phase of a Spec Kit `tasks.md` carries a user-story label (`[US1]`): those phases serve every story and take none; or a task of a user-story phase (`## Phase 3: User Story 1 - ...`) has no story label (reported on each such task when others of the phase have one, else once on the phase heading). A phase is recognised by its English title (`Setup`, `Foundational`, `Polish`, `User Story N`); a title naming two kinds, or in another language, is not judged.",
        fix: "Remove the label from the shared phase, or add the story's label (`[US1]`) to the story's tasks.",
    },
    framework: Some("speckit"),
    source: SOURCE,
};

pub(crate) const UNKNOWN_STORY: Rule = Rule {
    doc: Doc {
        code: Code::new("speckit-unknown-story"),
        severity: Severity::Error,
        when: "A task's story label (`[US4]`) names no user story of the feature's `spec.md` (its `### User Story N - Title` headings). Checked only when `spec.md` declares user stories that way.",
        fix: "Use the label of the story the task belongs to, or add the story to `spec.md`.",
    },
    framework: Some("speckit"),
    source: "templates/commands/tasks.md ([Story] label: \"maps to user stories from spec.md\"), templates/spec-template.md",
};

pub(crate) const FOUNDATION_OPEN: Rule = Rule {
    doc: Doc {
        code: Code::new("speckit-foundation-incomplete"),
        severity: Severity::Warning,
        when: "A task of the Foundational phase of a Spec Kit `tasks.md` is open (`- [ ]`) while a task of a later phase is ticked: the template says no user story work begins before the Foundational phase is complete. Reported on each open Foundational task.",
        fix: "Finish (and tick) the Foundational task, or untick the later task if it is not done.",
    },
    framework: Some("speckit"),
    source: "templates/tasks-template.md (Phase 2: Foundational, \"BLOCKS all user stories\")",
};

/// Reads `specs/<feature>/tasks.md` into the model's tasks (unique, well-formed ids only: the
/// rules report the others) and supersedes the generic readers there.
pub(crate) const RECOGNISER: Recogniser = Recogniser {
    name: "speckit-tasks",
    applies: |path| matches!(feature_file(path), Some((_, "tasks.md"))),
    prefilter: None,
    replaces: &["tasks", "conventions"],
    extract,
};

/// What a phase of `tasks.md` is for, by its title (templates/commands/tasks.md "Phase Structure").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PhaseKind {
    Setup,
    Foundational,
    Story,
    Polish,
    /// Another title (tests, integration, a title in another language), or one naming two kinds.
    Other,
}

impl PhaseKind {
    fn name(self) -> &'static str {
        match self {
            PhaseKind::Setup => "Setup",
            PhaseKind::Foundational => "Foundational",
            PhaseKind::Story => "user-story",
            PhaseKind::Polish => "Polish",
            PhaseKind::Other => "other",
        }
    }
}

/// A `Phase N: Title` section.
#[derive(Clone, Debug)]
pub(crate) struct PhaseSection {
    /// The heading's text.
    pub heading: String,
    pub kind: PhaseKind,
    /// The heading line.
    pub range: TextRange,
}

/// What is wrong with a task line's id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IdProblem {
    /// No id where one is expected.
    Missing,
    /// The template's `TXXX`.
    Placeholder,
}

/// One checkbox item of `tasks.md`.
#[derive(Clone, Debug)]
pub(crate) struct Item {
    /// Index into [`TasksDoc::phases`].
    pub phase: Option<usize>,
    /// A well-formed id (`T001`, `T024a`).
    pub id: Option<Named>,
    pub problem: Option<IdProblem>,
    pub checked: bool,
    /// Every bracketed label after the id (`P`, `US1`, `US1, TDD`).
    pub labels: Vec<Named>,
    /// Story numbers of the labels (`[US1]` → 1), with the range of each `USn`.
    pub stories: Vec<(u32, TextRange)>,
    /// The text after the labels.
    pub title: String,
    /// The item's first line.
    pub range: TextRange,
}

/// `tasks.md` as Spec Kit writes it.
#[derive(Clone, Debug, Default)]
pub(crate) struct TasksDoc {
    pub phases: Vec<PhaseSection>,
    pub items: Vec<Item>,
}

/// `Phase 3: User Story 1 - Browse (Priority: P1)` → its title (`User Story 1 - ...`), for a
/// heading `Phase <number>` followed by `:`, `：`, `.`, `-` or a dash.
fn phase_title(heading: &str) -> Option<&str> {
    let rest = heading.trim().strip_prefix("Phase")?;
    let rest = rest.strip_prefix([' ', '\t'])?.trim_start();
    let number_len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '.')).unwrap_or(rest.len());
    if number_len == 0 || !rest[..number_len].starts_with(|c: char| c.is_ascii_digit() || c == 'N') {
        return None;
    }
    let after = rest[number_len..].trim_start();
    let title = after.strip_prefix([':', '：', '.', '-', '—', '–'])?;
    Some(title.trim())
}

/// The kind of a phase by its title.
pub(crate) fn phase_kind(title: &str) -> PhaseKind {
    let lower = title.to_ascii_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let story = words
        .windows(3)
        .any(|w| w[0] == "user" && (w[1] == "story" || w[1] == "stories") && w[2].starts_with(|c: char| c.is_ascii_digit()))
        || title
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| w.strip_prefix("US").is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())));
    let setup = lower.starts_with("setup");
    let foundational = lower.starts_with("foundational") || lower.contains("blocking prerequisite");
    let polish = lower.starts_with("polish") || lower.contains("cross-cutting");
    match (story, setup, foundational, polish) {
        (true, false, false, false) => PhaseKind::Story,
        (false, true, false, false) => PhaseKind::Setup,
        (false, false, true, false) => PhaseKind::Foundational,
        (false, false, false, true) => PhaseKind::Polish,
        _ => PhaseKind::Other,
    }
}

/// Whether `id` is a task id: `T` and digits, optionally one lowercase letter for a task
/// inserted later (`T024a`).
fn is_task_id(id: &str) -> bool {
    let Some(rest) = id.strip_prefix('T') else { return false };
    let digits = rest.trim_end_matches(|c: char| c.is_ascii_lowercase());
    !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) && rest.len() - digits.len() <= 1
}

/// What [`parse_item`] reads from a task line: its id (or what is wrong with it), its labels,
/// its story labels, its title, and whether it is struck through.
type ParsedItem = (Option<Named>, Option<IdProblem>, Vec<Named>, Vec<(u32, TextRange)>, String, bool);

/// Parses one checkbox item's first line (`line`, starting at byte `at` of the text).
fn parse_item(line: &str, at: usize) -> Option<ParsedItem> {
    // `- [ ] `, `* [x] `, `1. [X] `.
    let trimmed = line.trim_start();
    let mut i = line.len() - trimmed.len();
    let bullet = trimmed.find(|c: char| !(c.is_ascii_digit() || matches!(c, '-' | '*' | '+' | '.' | ')'))).unwrap_or(trimmed.len());
    i += bullet;
    i += line[i..].len() - line[i..].trim_start().len();
    let rest = &line[i..];
    if !(rest.len() >= 3 && rest.as_bytes()[0] == b'[' && rest.as_bytes()[2] == b']') {
        return None;
    }
    i += 3;
    i += line[i..].len() - line[i..].trim_start().len();
    // Emphasis or code around the id: `**T000 ...**`, `` `T001` ``.
    i += line[i..].len() - line[i..].trim_start_matches(['*', '_', '`']).len();
    // A status word in capitals before the id: `SKIP: T039 (...)`, `DONE: T001 ...`; the task
    // still has its id.
    let word = line[i..].find(|c: char| !c.is_ascii_uppercase()).unwrap_or(line.len() - i);
    if word >= 2 && line[i + word..].starts_with(':') {
        let after = i + word + 1;
        let k = after + (line[after..].len() - line[after..].trim_start().len());
        let len = line[k..].find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(line.len() - k);
        if k > after && is_task_id(&line[k..k + len]) {
            i = k;
        }
    }
    let struck = line[i..].starts_with("~~");
    let token_len = line[i..].find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(line.len() - i);
    let token = &line[i..i + token_len];
    let (id, problem) = if is_task_id(token) {
        (Some(Named::new(token, TextRange::new(at + i, at + i + token_len))), None)
    } else if (token == "T" && line[i + 1..].starts_with('#'))
        || (token.len() > 1 && token.starts_with('T') && token[1..].chars().all(|c| c == 'X' || c == 'x'))
    {
        (None, Some(IdProblem::Placeholder))
    } else {
        (None, Some(IdProblem::Missing))
    };
    let mut j = if id.is_some() { i + token_len } else { i };
    let mut labels = Vec::new();
    let mut stories = Vec::new();
    loop {
        j += line[j..].len() - line[j..].trim_start_matches([' ', '\t', '*', '_', '`', ':']).len();
        let Some(inner) = line[j..].strip_prefix('[') else { break };
        let Some(close) = inner.find([']', '[']).filter(|&c| inner.as_bytes()[c] == b']') else { break };
        let label = &inner[..close];
        if label.trim().is_empty() || label.len() > 40 {
            break;
        }
        let start = at + j + 1;
        labels.push(Named::new(label.trim(), TextRange::new(start, start + label.len())));
        let mut offset = 0;
        for part in label.split([',', ' ', '/']) {
            if let Some(n) = part.strip_prefix("US").and_then(|n| n.parse::<u32>().ok()) {
                stories.push((n, TextRange::new(start + offset, start + offset + part.len())));
            }
            offset += part.len() + 1;
        }
        j += close + 2;
    }
    let title = line[j..].trim().trim_end_matches(['*', '_']).trim().to_string();
    Some((id, problem, labels, stories, title, struck))
}

/// Reads `tasks.md` (`text`: front matter blanked, conflicts masked; `blocks`: its outline).
pub(crate) fn parse(text: &str, blocks: &[Block]) -> TasksDoc {
    let mut doc = TasksDoc::default();
    // The open phase: (index, heading level).
    let mut open: Option<(usize, u8)> = None;
    // Whether the previous block is a top-level checkbox item with an id (a list of tasks).
    let mut after_task = false;
    for b in blocks {
        match b.kind {
            BlockKind::Heading { level } => {
                after_task = false;
                if open.is_some_and(|(_, l)| level <= l) {
                    open = None;
                }
                if let Some(title) = phase_title(&b.text) {
                    doc.phases.push(PhaseSection { heading: b.text.trim().to_string(), kind: phase_kind(title), range: b.range });
                    open = Some((doc.phases.len() - 1, level));
                }
            }
            BlockKind::Item { depth, checked: Some(checked), .. } => {
                let line = &text[b.range.start.min(text.len())..b.range.end.min(text.len())];
                let Some((id, problem, labels, stories, title, struck)) = parse_item(line, b.range.start) else { continue };
                if struck {
                    continue;
                }
                let problem = match problem {
                    // A line without id is a task missing its id when it starts with a task's
                    // labels, or continues a list of tasks; otherwise a checklist of prose.
                    Some(IdProblem::Missing)
                        if depth == 0 && (after_task || !stories.is_empty() || labels.iter().any(|l| l.name == "P")) =>
                    {
                        Some(IdProblem::Missing)
                    }
                    Some(IdProblem::Missing) => {
                        if depth == 0 {
                            after_task = false;
                        }
                        continue;
                    }
                    other => other,
                };
                if depth == 0 {
                    after_task = id.is_some();
                }
                doc.items.push(Item { phase: open.map(|(i, _)| i), id, problem, checked, labels, stories, title, range: b.range });
            }
            BlockKind::Item { depth: 0, checked: None, .. } | BlockKind::Paragraph | BlockKind::Code { .. } => after_task = false,
            BlockKind::Item { .. } => {}
        }
    }
    // A missing id is judged only in a file whose tasks have ids.
    if !doc.items.iter().any(|i| i.id.is_some()) {
        doc.items.retain(|i| i.problem != Some(IdProblem::Missing));
    }
    doc
}

fn extract(facts: &mut FileFacts, input: &MarkdownInput<'_>) {
    if input.text.contains("FR-") {
        facts.speckit.get_or_insert_with(Box::default).cited = super::spec::cited_ids(input.text);
    }
    let doc = parse(input.text, input.blocks);
    // `/speckit.implement` ticks a done task with `X` ("mark the task off as [X] in the tasks
    // file", templates/commands/implement.md); Spec Kit has no started mark.
    facts.ide.task_marks = Some(crate::ide::index::TaskMarks::Checkbox { done: 'X', start: None });
    let mut seen: HashMap<String, ()> = HashMap::new();
    for item in &doc.items {
        let Some(id) = &item.id else { continue };
        if seen.insert(id.name.clone(), ()).is_some() {
            continue; // A duplicate: reported by `speckit-task-id`, not a second task.
        }
        facts.tasks.push(Task {
            id: id.clone(),
            checked: Some(item.checked),
            title: item.title.clone(),
            labels: item.labels.clone(),
            section: item.phase.map(|p| doc.phases[p].heading.clone()),
            implements: Vec::new(),
            depends_on: Vec::new(),
            range: item.range,
        });
    }
}

/// Per file: ids, labels by phase, and the Foundational phase before later work.
pub(crate) fn check_file(file: &FileFacts, out: &mut Vec<Diagnostic>) {
    let text = super::markdown_view(file);
    let blocks = crate::syntax::markdown::outline(&text);
    let doc = parse(&text, &blocks);
    let path = &file.path;
    // Ids.
    let mut first: HashMap<&str, TextRange> = HashMap::new();
    for item in &doc.items {
        match (&item.id, item.problem) {
            (Some(id), _) => {
                if let Some(at) = first.get(id.name.as_str()) {
                    out.push(
                        TASK_ID
                            .at(
                                path,
                                id.range,
                                format!("task id `{}` is already used by an earlier task; each task needs its own id", id.name),
                            )
                            .with_related(path, *at, "first used here"),
                    );
                } else {
                    first.insert(&id.name, id.range);
                }
            }
            (None, Some(IdProblem::Placeholder)) => {
                out.push(TASK_ID.at(
                    path,
                    item.range,
                    "task keeps the template's placeholder id `TXXX`: give it the next free id (`T###`)".into(),
                ));
            }
            (None, _) => {
                out.push(TASK_ID.at(
                    path,
                    item.range,
                    "task has no id: Spec Kit's task lines are `- [ ] T001 [P] [US1] Description`".into(),
                ));
            }
        }
    }
    // Story labels by phase.
    for (p, phase) in doc.phases.iter().enumerate() {
        let items: Vec<&Item> = doc.items.iter().filter(|i| i.phase == Some(p)).collect();
        match phase.kind {
            PhaseKind::Setup | PhaseKind::Foundational | PhaseKind::Polish => {
                for item in &items {
                    for (n, range) in &item.stories {
                        out.push(STORY_LABEL.at(
                            path,
                            *range,
                            format!(
                                "the {} phase serves every user story: its tasks take no story label, but this one has `US{n}`",
                                phase.kind.name()
                            ),
                        ));
                    }
                }
            }
            PhaseKind::Story => {
                let labelled = items.iter().filter(|i| !i.stories.is_empty()).count();
                if labelled == 0 && !items.is_empty() {
                    out.push(STORY_LABEL.at(
                        path,
                        phase.range,
                        format!("none of the {} task(s) of this user-story phase has its story label (`[US1]`, ...)", items.len()),
                    ));
                } else if labelled > 0 {
                    for item in items.iter().filter(|i| i.stories.is_empty()) {
                        let at = item.id.as_ref().map_or(item.range, |id| id.range);
                        out.push(STORY_LABEL.at(
                            path,
                            at,
                            "this task of a user-story phase has no story label (`[US1]`, ...), unlike the others of its phase".into(),
                        ));
                    }
                }
            }
            PhaseKind::Other => {}
        }
    }
    // The Foundational phase blocks every later phase.
    if let Some(f) = doc.phases.iter().position(|p| p.kind == PhaseKind::Foundational) {
        let later: Vec<&Item> = doc.items.iter().filter(|i| i.checked && i.phase.is_some_and(|p| p > f)).collect();
        if let Some(first_later) = later.first() {
            let shown = first_later.id.as_ref().map_or_else(|| "a task".to_string(), |id| format!("`{}`", id.name));
            for item in doc.items.iter().filter(|i| i.phase == Some(f) && !i.checked) {
                let at = item.id.as_ref().map_or(item.range, |id| id.range);
                out.push(
                    FOUNDATION_OPEN
                        .at(
                            path,
                            at,
                            format!(
                                "this Foundational task is open, but {} task(s) of later phases are ticked (first {shown}): no user story work begins before the Foundational phase is complete",
                                later.len()
                            ),
                        )
                        .with_related(path, first_later.range, "ticked here"),
                );
            }
        }
    }
}

/// Across files: story labels name user stories of the feature's `spec.md`.
pub(crate) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (path, file) in ctx.ws.files.range("specs/".to_string()..).take_while(|(k, _)| k.starts_with("specs/")) {
        let Some((folder, "tasks.md")) = feature_file(path) else { continue };
        let Some(spec) = ctx.file(&format!("{folder}/spec.md")) else { continue };
        let stories: Vec<u32> = spec.requirements.iter().filter_map(|r| story_number(&r.id.name)).collect();
        if stories.is_empty() {
            continue;
        }
        for task in &file.tasks {
            for label in &task.labels {
                let mut offset = 0;
                for part in label.name.split([',', ' ', '/']) {
                    if let Some(n) = part.strip_prefix("US").and_then(|n| n.parse::<u32>().ok())
                        && !stories.contains(&n)
                    {
                        let range = TextRange::new(label.range.start + offset, label.range.start + offset + part.len());
                        let mut known: Vec<String> = stories.iter().map(|s| format!("US{s}")).collect();
                        known.sort();
                        out.push(
                            UNKNOWN_STORY
                                .at(
                                    path,
                                    range,
                                    format!("`US{n}` names no user story of `{folder}/spec.md` (its stories: {})", known.join(", ")),
                                )
                                .with_related(&spec.path, TextRange::default(), "the feature's spec"),
                        );
                    }
                    offset += part.len() + 1;
                }
            }
        }
    }
}

/// `US3` → 3.
pub(crate) fn story_number(id: &str) -> Option<u32> {
    id.strip_prefix("US")?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::fixture::check;
    use expect_test::expect;

    const CODES: &[&str] =
        &["speckit-task-id", "speckit-story-label", "speckit-unknown-story", "speckit-foundation-incomplete", "duplicate-id"];

    #[test]
    fn phase_titles_and_kinds() {
        assert_eq!(phase_title("Phase 1: Setup (Shared Infrastructure)"), Some("Setup (Shared Infrastructure)"));
        assert_eq!(phase_title("Phase 3：User Story 1 - 建立"), Some("User Story 1 - 建立"));
        assert_eq!(phase_title("Phase 3.1: Setup"), Some("Setup"));
        assert_eq!(phase_title("Phase N: Polish & Cross-Cutting Concerns"), Some("Polish & Cross-Cutting Concerns"));
        assert_eq!(phase_title("Phase Dependencies"), None);
        assert_eq!(phase_title("Phases 1-2"), None);
        assert_eq!(phase_kind("Setup (Shared Infrastructure)"), PhaseKind::Setup);
        assert_eq!(phase_kind("Foundational (Blocking Prerequisites)"), PhaseKind::Foundational);
        assert_eq!(phase_kind("User Story 1 - Browse albums (Priority: P1) 🎯 MVP"), PhaseKind::Story);
        assert_eq!(phase_kind("US3 — View Toggle"), PhaseKind::Story);
        assert_eq!(phase_kind("Polish & Cross-Cutting Concerns"), PhaseKind::Polish);
        assert_eq!(phase_kind("Foundational (US1 — Core Channel Fix)"), PhaseKind::Other, "two kinds: not judged");
        assert_eq!(phase_kind("使用者故事 1 - 建立"), PhaseKind::Other);
        assert_eq!(phase_kind("Tests First (TDD)"), PhaseKind::Other);
        assert_eq!(phase_kind("Status: USB support"), PhaseKind::Other);
    }

    #[test]
    fn task_lines() {
        let line = "- [ ] T012 [P] [US1] Create User model in src/models/user.py";
        let (id, problem, labels, stories, title, struck) = parse_item(line, 0).unwrap_or_else(|| panic!("no item"));
        assert_eq!(id.map(|i| i.name), Some("T012".to_string()));
        assert_eq!((problem, struck), (None, false));
        assert_eq!(labels.iter().map(|l| l.name.as_str()).collect::<Vec<_>>(), ["P", "US1"]);
        assert_eq!(stories.iter().map(|(n, r)| (*n, &line[r.start..r.end])).collect::<Vec<_>>(), [(1, "US1")]);
        assert_eq!(title, "Create User model in src/models/user.py");
        let line = "- [x] **T000 [BLOCKING — first]** Re-survey";
        let parsed = parse_item(line, 0).unwrap_or_else(|| panic!("no item"));
        assert_eq!(parsed.0.map(|i| i.name), Some("T000".to_string()));
        let line = "- [x] T018 [US1, TDD] Write tests";
        let parsed = parse_item(line, 0).unwrap_or_else(|| panic!("no item"));
        assert_eq!(parsed.3.iter().map(|(n, r)| (*n, &line[r.start..r.end])).collect::<Vec<_>>(), [(1, "US1")]);
        assert_eq!(parse_item("- [ ] TXXX [P] Docs", 0).map(|p| p.1), Some(Some(IdProblem::Placeholder)));
        assert_eq!(parse_item("- [ ] [US1] Create User model", 0).map(|p| (p.1, p.3.len())), Some((Some(IdProblem::Missing), 1)));
        assert_eq!(parse_item("- [x] ~~T016~~ [US2] _(Removed)_", 0).map(|p| p.5), Some(true));
        assert_eq!(parse_item("- [ ] T024a [US1] Toolbar", 0).and_then(|p| p.0).map(|i| i.name), Some("T024a".to_string()));
        assert!(parse_item("- plain bullet", 0).is_none());
        // A status word before the id keeps the id; a word without an id after it does not.
        let line = "- [X] SKIP: T039 (Complex logging) - not needed";
        let parsed = parse_item(line, 0).unwrap_or_else(|| panic!("no item"));
        assert_eq!(parsed.0.map(|i| (i.name.clone(), &line[i.range.start..i.range.end])), Some(("T039".to_string(), "T039")));
        assert_eq!(parsed.4, "(Complex logging) - not needed");
        assert_eq!(parse_item("- [X] SKIP: logging", 0).map(|p| p.1), Some(Some(IdProblem::Missing)));
        assert_eq!(parse_item("- [X] SKIP:T039 x", 0).map(|p| p.1), Some(Some(IdProblem::Missing)));
        assert_eq!(parse_item("- [X] S: T039 x", 0).map(|p| p.1), Some(Some(IdProblem::Missing)));
    }

    const TASKS: &str = "---\ndescription: tasks\n---\n# Tasks: Photo albums\n\n## Phase 1: Setup\n\n- [x] T001 Create the project\n- [x] T002 [P] [US1] Configure linting\n\n## Phase 2: Foundational (Blocking Prerequisites)\n\n- [x] T003 Database schema\n- [ ] T004 [P] Auth framework\n\n## Phase 3: User Story 1 - Browse albums (Priority: P1)\n\n- [x] T005 [P] [US1] Album model\n- [ ] T006 Album service\n- [ ] [US1] Album endpoint\n  - [ ] check the limits\n- [ ] T005 [US4] Album page\n\n**Checkpoint**: albums browse\n\n- [ ] Story works on its own\n\n## Phase 4: User Story 2 - Share (Priority: P2)\n\n- [ ] T008 Share link\n- [ ] T009 Share page\n\n## Phase 5: Polish & Cross-Cutting Concerns\n\n- [ ] TXXX [P] Documentation updates\n- [ ] ~~T010~~ removed\n\n## Notes\n\n- [ ] T011 [US9] not in a phase\n";
    const SPEC: &str = "# Feature Specification: Photo albums\n\n### User Story 1 - Browse albums (Priority: P1)\n\nText.\n\n### User Story 2 - Share (Priority: P2)\n\n## Requirements\n\n- **FR-001**: System MUST list albums\n";

    #[test]
    fn tasks_rules_on_a_feature() {
        let spec =
            format!("//- .specify/memory/constitution.md\n# C\n//- specs/001-albums/spec.md\n{SPEC}//- specs/001-albums/tasks.md\n{TASKS}");
        expect![[r#"
            specs/001-albums/tasks.md:9:17: warning[speckit-story-label]: the Setup phase serves every user story: its tasks take no story label, but this one has `US1`
            specs/001-albums/tasks.md:14:7: warning[speckit-foundation-incomplete]: this Foundational task is open, but 1 task(s) of later phases are ticked (first `T005`): no user story work begins before the Foundational phase is complete
            specs/001-albums/tasks.md:19:7: warning[speckit-story-label]: this task of a user-story phase has no story label (`[US1]`, ...), unlike the others of its phase
            specs/001-albums/tasks.md:20:1: error[speckit-task-id]: task has no id: Spec Kit's task lines are `- [ ] T001 [P] [US1] Description`
            specs/001-albums/tasks.md:22:7: error[speckit-task-id]: task id `T005` is already used by an earlier task; each task needs its own id
            specs/001-albums/tasks.md:28:1: warning[speckit-story-label]: none of the 2 task(s) of this user-story phase has its story label (`[US1]`, ...)
            specs/001-albums/tasks.md:35:1: error[speckit-task-id]: task keeps the template's placeholder id `TXXX`: give it the next free id (`T###`)
            specs/001-albums/tasks.md:40:13: error[speckit-unknown-story]: `US9` names no user story of `specs/001-albums/spec.md` (its stories: US1, US2)
        "#]]
        .assert_eq(&check(&spec, CODES));
    }
}
