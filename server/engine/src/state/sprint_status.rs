//! BMAD's `sprint-status.yaml` and the `Status:` line of its story files: the reader (text → the
//! sprint's entries, and each entry as a run of its own) and the writer (the edits that move an
//! entry to another status, in the yaml and in the story file) side by side.
//!
//! Facts from bmad-code-org/BMAD-METHOD: the key grammar (`epic-N`, `N-M-slug` with an optional
//! letter after `M`, `epic-N-retrospective`) and the status values per kind come from the sprint
//! planning script (`src/bmm-skills/plan/bmad-sprint-planning/scripts/sprint_plan.py`: `STORY_RANK`,
//! `EPIC_RANK`, `RETRO_RANK`, `LEGACY_STATUS`); the legacy values from the v6 alpha templates
//! (`sprint-status-template.yaml`: story `drafted`, epic `contexted`, retrospective `completed`),
//! which list them in the file's own `STATUS DEFINITIONS` comment; the story file's name
//! (`{story_key}.md`) and its `Status:` line from `bmad-create-story` (`template.md`,
//! `default_output_file`).

use crate::actions::TextEdit;
use crate::model::{Named, Phase, Recognition, Run, StateFormat, Workflow, WorkflowSource};
use crate::syntax::tree;
use crate::text::TextRange;

/// What an entry of `development_status` is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Epic,
    Story,
    Retrospective,
}

impl Kind {
    /// BMAD's current statuses for this kind, in order (`sprint_plan.py`).
    pub(crate) fn current(self) -> &'static [&'static str] {
        match self {
            Kind::Epic => &["backlog", "in-progress", "done"],
            Kind::Story => &["backlog", "ready-for-dev", "in-progress", "review", "done"],
            Kind::Retrospective => &["optional", "done"],
        }
    }

    /// Every status of this kind BMAD has used, current and legacy, in workflow order.
    fn full(self) -> &'static [&'static str] {
        match self {
            Kind::Epic => &["backlog", "contexted", "in-progress", "done"],
            Kind::Story => &["backlog", "drafted", "ready-for-dev", "in-progress", "review", "done"],
            Kind::Retrospective => &["optional", "completed", "done"],
        }
    }

    /// How the file's `STATUS DEFINITIONS` comment titles this kind's list.
    fn heading(self) -> &'static str {
        match self {
            Kind::Epic => "epic status:",
            Kind::Story => "story status:",
            Kind::Retrospective => "retrospective status:",
        }
    }

    /// `epic`, `story`, `retrospective`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Kind::Epic => "epic",
            Kind::Story => "story",
            Kind::Retrospective => "retrospective",
        }
    }
}

/// The current status a legacy one stands for: `drafted` → `ready-for-dev`, `contexted` →
/// `in-progress` (`sprint_plan.py`'s `LEGACY_STATUS`), `completed` → `done` (the retrospective's
/// v6 alpha name for it).
pub(crate) fn legacy_meaning(status: &str) -> Option<&'static str> {
    match status {
        "drafted" => Some("ready-for-dev"),
        "contexted" => Some("in-progress"),
        "completed" => Some("done"),
        _ => None,
    }
}

/// The kind and epic number of a `development_status` key, by BMAD's key grammar.
pub(crate) fn classify(key: &str) -> Option<(Kind, u32)> {
    let number =
        |s: &str| (!s.is_empty() && s.len() <= 6 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<u32>().ok()).flatten();
    if let Some(rest) = key.strip_prefix("epic-") {
        if let Some(n) = rest.strip_suffix("-retrospective").and_then(number) {
            return Some((Kind::Retrospective, n));
        }
        return number(rest).map(|n| (Kind::Epic, n));
    }
    let (epic, rest) = key.split_once('-')?;
    let epic = number(epic)?;
    let (story, slug) = rest.split_once('-')?;
    let digits = story.trim_end_matches(|c: char| c.is_ascii_lowercase());
    let letters = story.len() - digits.len();
    (number(digits).is_some() && letters <= 1 && !slug.is_empty()).then_some((Kind::Story, epic))
}

/// One entry of `development_status`.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    /// The key, with its range.
    pub key: Named,
    pub kind: Kind,
    /// The epic it belongs to (`N`).
    pub epic: u32,
    /// The status as written (trimmed), with the range of the value as written (quotes included).
    pub status: Named,
}

/// What a `sprint-status.yaml` says.
#[derive(Clone, Debug, Default)]
pub(crate) struct Sprint {
    /// The recognised entries of `development_status`, in order.
    pub entries: Vec<Entry>,
    /// The `development_status` key.
    pub anchor: TextRange,
    /// `story_location`, as written.
    pub story_location: Option<Named>,
    /// `last_updated`, as written.
    pub last_updated: Option<Named>,
    /// The statuses the file's `STATUS DEFINITIONS` comment lists, per kind (epic, story,
    /// retrospective).
    declared: [Vec<String>; 3],
    /// Entry indices by key (the first entry of a key written twice).
    by_key: std::collections::HashMap<String, usize>,
}

impl Sprint {
    fn declared(&self, kind: Kind) -> &[String] {
        &self.declared[kind as usize]
    }

    /// Whether `status` is allowed for `kind` here: a current status, or a legacy one the file's
    /// own header declares.
    pub(crate) fn allows(&self, kind: Kind, status: &str) -> bool {
        kind.current().contains(&status)
            || (legacy_meaning(status).is_some() && kind.full().contains(&status) && self.declared(kind).iter().any(|d| d == status))
    }

    /// The statuses an entry of `kind` goes through here, in order: the current ones and the
    /// legacy ones the header declares (`completed` is the retrospective's name for `done`, not a
    /// step of its own).
    pub(crate) fn sequence(&self, kind: Kind) -> Vec<&'static str> {
        kind.full().iter().copied().filter(|s| *s != "completed" && self.allows(kind, s)).collect()
    }

    /// The status `status` counts as in [`Sprint::sequence`] (`completed` is `done`).
    pub(crate) fn step(kind: Kind, status: &str) -> &str {
        if kind == Kind::Retrospective && status == "completed" { "done" } else { status }
    }

    /// The entry `key`.
    pub(crate) fn entry(&self, key: &str) -> Option<&Entry> {
        self.by_key.get(key).map(|&i| &self.entries[i])
    }
}

/// The `STATUS DEFINITIONS` lists of the comment lines before `development_status:`.
fn declared_statuses(text: &str) -> [Vec<String>; 3] {
    let mut out: [Vec<String>; 3] = Default::default();
    let mut current: Option<Kind> = None;
    for line in crate::text::lines(text) {
        if line.starts_with("development_status") {
            break;
        }
        let Some(comment) = line.trim_start().strip_prefix('#') else {
            current = None;
            continue;
        };
        let comment = comment.trim();
        let lower = comment.to_ascii_lowercase();
        if let Some(kind) = [Kind::Epic, Kind::Story, Kind::Retrospective].into_iter().find(|k| lower == k.heading()) {
            current = Some(kind);
            continue;
        }
        let Some(kind) = current else { continue };
        let item = comment.strip_prefix("- ").map(str::trim).and_then(|i| i.split_once(':')).map(|(word, _)| word.trim());
        match item {
            Some(word) if !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') => {
                out[kind as usize].push(word.to_string());
            }
            _ => current = None,
        }
    }
    out
}

/// Reads a `sprint-status.yaml`: `None` when it is not a mapping with a `development_status`
/// mapping (or does not parse).
pub(crate) fn read(text: &str) -> Option<Sprint> {
    let t = tree::parse_yaml(text, 0).ok()?;
    let root = t.root?;
    let (dev_key, dev) = t.entries(root).iter().find(|(k, _)| t.str(*k) == Some("development_status")).copied()?;
    if !t.is_map(dev) {
        return None;
    }
    let named = |k: &str| t.get(root, k).and_then(|n| crate::extract::data::named(&t, n));
    let mut sprint = Sprint {
        entries: Vec::new(),
        anchor: t.range(dev_key),
        story_location: named("story_location"),
        last_updated: named("last_updated"),
        declared: declared_statuses(text),
        by_key: std::collections::HashMap::new(),
    };
    for &(k, v) in t.entries(dev) {
        let (Some(key), Some(status)) = (t.str(k), t.str(v)) else { continue };
        let Some((kind, epic)) = classify(key.trim()) else { continue };
        let status = status.trim();
        if status.is_empty() {
            continue;
        }
        sprint.by_key.entry(key.trim().to_string()).or_insert(sprint.entries.len());
        sprint.entries.push(Entry { key: Named::new(key.trim(), t.range(k)), kind, epic, status: Named::new(status, t.range(v)) });
    }
    Some(sprint)
}

/// Each allowed entry as a workflow of its own (named by its key, its phases the statuses of its
/// kind) and the run the file records for it (at its status; `done` is the run completed).
/// Entries with a status that is not allowed get neither: `bmad-unknown-status` reports them.
pub(crate) fn runs(sprint: &Sprint) -> (Vec<Workflow>, Vec<Run>) {
    let mut workflows = Vec::new();
    let mut runs = Vec::new();
    for e in &sprint.entries {
        if !sprint.allows(e.kind, &e.status.name) {
            continue;
        }
        let mut wf = Workflow::new(e.key.name.clone(), e.key.range, WorkflowSource::Framework);
        wf.explicit_name = true;
        wf.framework = Some("bmad".to_string());
        wf.recognised_by = vec![Recognition::Framework];
        wf.phases = sprint
            .sequence(e.kind)
            .into_iter()
            .map(|s| Phase {
                id: s.to_string(),
                number: None,
                title: s.to_string(),
                range: e.key.range,
                deliverables: Vec::new(),
                gate: Default::default(),
                depends_on: Vec::new(),
                reached: Vec::new(),
            })
            .collect();
        wf.index_keys();
        let step = Sprint::step(e.kind, &e.status.name);
        let done = step == "done";
        runs.push(Run {
            format: StateFormat::SprintStatus,
            workflow: e.key.clone(),
            current: Some(Named::new(step, e.status.range)),
            // The last status ends the entry's run.
            status: done.then(|| Named::new("completed", e.status.range)),
            completed: Vec::new(),
            pending: Vec::new(),
            history: Vec::new(),
            gates: Vec::new(),
            progress: None,
        });
        workflows.push(wf);
    }
    (workflows, runs)
}

/// The `Status:` value of a story file: the first `Status: value` line (`**Status:** value`,
/// `## Status: value`), or the first line after a `## Status` heading, before any other level-2
/// section; outside code blocks. Returns the value as written (without emphasis) and its range.
pub(crate) fn story_status(text: &str) -> Option<Named> {
    let mut offset = 0;
    let mut after_heading = false;
    let mut in_code = false;
    for raw in crate::text::lines_inclusive(text) {
        let start = offset;
        offset += raw.len();
        let line = crate::text::trim_break(raw);
        let trimmed = line.trim();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_code = !in_code;
            continue;
        }
        if in_code || trimmed.is_empty() {
            continue;
        }
        let hashes = trimmed.bytes().take_while(|b| *b == b'#').count();
        let body = trimmed[hashes..].trim_start().trim_start_matches(['*', '_']).trim_start();
        let is_status = body.get(..6).is_some_and(|w| w.eq_ignore_ascii_case("status"));
        if is_status {
            let rest = body.get(6..).unwrap_or("").trim_start_matches(['*', '_']);
            if let Some(value) = rest.strip_prefix(':') {
                let value = value.trim_start_matches(['*', '_']).trim();
                let value = value.trim_end_matches(['*', '_']).trim();
                if !value.is_empty() {
                    return named_in(line, start, value);
                }
                if hashes == 0 {
                    continue;
                }
            }
            if hashes >= 2 && rest.trim().is_empty() {
                after_heading = true;
                continue;
            }
        }
        if after_heading {
            let value = trimmed.trim_matches(['*', '_', '`']).trim();
            return named_in(line, start, value);
        }
        if hashes == 2 && !is_status {
            return None;
        }
    }
    None
}

/// `value` (a part of `line`, which starts at `start`) as a [`Named`] with its range.
fn named_in(line: &str, start: usize, value: &str) -> Option<Named> {
    let i = line.find(value)?;
    Some(Named::new(value, TextRange::new(start + i, start + i + value.len())))
}

/// What a story file's `Status:` value means: the BMAD status it names (lowercase, words joined by
/// `-`, legacy and v4 names read as the current status they stand for: `Draft`/`drafted` →
/// `ready-for-dev`, `Approved` → `ready-for-dev`, `InProgress` → `in-progress`, `Complete`/
/// `completed` → `done`, `Ready for Review` → `review`), or the value itself, lowercased, when it
/// names none.
pub(crate) fn meaning(value: &str) -> String {
    let first = value.split(['(', '—', '–']).next().unwrap_or(value);
    let first = first.split(" - ").next().unwrap_or(first);
    let cleaned: String = first
        .chars()
        .map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("-");
    let canonical = match cleaned.as_str() {
        "draft" | "drafted" | "approved" => "ready-for-dev",
        "inprogress" => "in-progress",
        "complete" | "completed" => "done",
        "ready-for-review" | "in-review" => "review",
        "contexted" => "in-progress",
        other => return other.to_string(),
    };
    canonical.to_string()
}

/// The edit setting an entry's status in `sprint-status.yaml` to `status`.
pub(crate) fn set_status(entry: &Entry, status: &str) -> TextEdit {
    TextEdit { range: entry.status.range, new_text: status.to_string() }
}

/// The edit setting a story file's `Status:` value (at `value`) to `status`.
pub(crate) fn set_story_status(value: &Named, status: &str) -> TextEdit {
    TextEdit { range: value.range, new_text: status.to_string() }
}

/// The edit refreshing `last_updated` to `now` (RFC 3339), written in the shape the file uses:
/// `MM-DD-YYYY HH:MM` (BMAD's template), `YYYY-MM-DD HH:MM`, `YYYY-MM-DD`, or RFC 3339. `None`
/// when the file has no `last_updated` or writes it another way.
pub(crate) fn set_last_updated(sprint: &Sprint, now: &str) -> Option<TextEdit> {
    let old = sprint.last_updated.as_ref()?;
    let (date, time) = (now.get(..10)?, now.get(11..16)?);
    let (y, m, d) = (date.get(..4)?, date.get(5..7)?, date.get(8..10)?);
    let shape: String = old.name.chars().map(|c| if c.is_ascii_digit() { '9' } else { c }).collect();
    let new = match shape.as_str() {
        "99-99-9999 99:99" => format!("{m}-{d}-{y} {time}"),
        "9999-99-99 99:99" => format!("{date} {time}"),
        "9999-99-99" => date.to_string(),
        s if s.starts_with("9999-99-99T") => now.to_string(),
        _ => return None,
    };
    Some(TextEdit { range: old.range, new_text: crate::actions::yaml_scalar(&new) })
}

/// `1-2-account-management` → `Story 1.2: Account Management`.
pub(crate) fn story_title(key: &str) -> String {
    let mut parts = key.splitn(3, '-');
    let (epic, story, slug) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let words: Vec<String> = slug
        .split('-')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
        })
        .collect();
    format!("Story {epic}.{story}: {}", words.join(" "))
}

/// A new story file for `key` at `status`, in the section structure of BMAD's story template
/// (written for phasegate).
pub(crate) fn new_story(key: &str, status: &str) -> String {
    format!(
        "# {}\n\nStatus: {status}\n\n## Story\n\nAs a <role>,\nI want <capability>,\nso that <benefit>.\n\n## Acceptance Criteria\n\n1. <criterion>\n\n## Tasks / Subtasks\n\n- [ ] <task> (AC: 1)\n\n## Dev Notes\n\n## Dev Agent Record\n\n### Agent Model Used\n\n### Completion Notes List\n\n### File List\n",
        story_title(key)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEGACY: &str = "# STATUS DEFINITIONS:\n# ==================\n# Epic Status:\n#   - backlog: Epic not yet started\n#   - contexted: Epic tech context created\n#   - in-progress: Epic actively being worked on\n#   - done: All stories in epic completed\n#\n# Epic Status Transitions:\n#   - backlog → contexted: When epic tech-spec created\n#\n# Story Status:\n#   - backlog: Story only exists in epic file\n#   - drafted: Story file created in stories folder\n#   - ready-for-dev: Draft approved\n#   - in-progress: Developer working\n#   - review: Ready for review\n#   - done: Story completed\n#\n# Retrospective Status:\n#   - optional: Can be completed but not required\n#   - completed: Retrospective has been done\n\nstory_location: \"{project-root}/docs/stories\"\nlast_updated: 05-06-2025 21:30\ndevelopment_status:\n  epic-1: contexted\n  1-1-sign-in: drafted\n  1-2a-sign-out: 'done'\n  epic-1-retrospective: completed\n  15b-0d-not-a-story: done\n  notes: anything\n";

    #[test]
    fn reads_entries_and_the_headers_legacy_statuses() {
        let sprint = read(LEGACY).unwrap_or_default();
        let shown: Vec<(&str, Kind, u32, &str, &str)> = sprint
            .entries
            .iter()
            .map(|e| (e.key.name.as_str(), e.kind, e.epic, e.status.name.as_str(), &LEGACY[e.status.range.start..e.status.range.end]))
            .collect();
        assert_eq!(
            shown,
            vec![
                ("epic-1", Kind::Epic, 1, "contexted", "contexted"),
                ("1-1-sign-in", Kind::Story, 1, "drafted", "drafted"),
                ("1-2a-sign-out", Kind::Story, 1, "done", "'done'"),
                ("epic-1-retrospective", Kind::Retrospective, 1, "completed", "completed"),
            ]
        );
        assert_eq!(sprint.sequence(Kind::Story), vec!["backlog", "drafted", "ready-for-dev", "in-progress", "review", "done"]);
        assert_eq!(sprint.sequence(Kind::Epic), vec!["backlog", "contexted", "in-progress", "done"]);
        assert!(sprint.allows(Kind::Retrospective, "completed") && !sprint.allows(Kind::Story, "completed"));
        assert_eq!(sprint.story_location.as_ref().map(|n| n.name.as_str()), Some("{project-root}/docs/stories"));
        // The current template declares no legacy status.
        let current = read("development_status:\n  1-1-a: drafted\n").unwrap_or_default();
        assert!(!current.allows(Kind::Story, "drafted"));
        assert_eq!(current.sequence(Kind::Story), vec!["backlog", "ready-for-dev", "in-progress", "review", "done"]);
        assert!(read("development_status: [a]\n").is_none() && read("a: [").is_none());
        let (wfs, runs) = runs(&sprint);
        assert_eq!(wfs.len(), 4);
        assert_eq!(runs[3].current.as_ref().map(|c| c.name.as_str()), Some("done"), "`completed` is the retrospective's `done`");
        assert!(runs[2].is_completed() && !runs[1].is_completed());
    }

    #[test]
    fn story_status_lines() {
        let cases = [
            ("# Story 1.2: X\n\nStatus: ready-for-dev\n\n## Story\n", Some("ready-for-dev")),
            ("# Story\n\n**Status:** Done ✅\n", Some("Done ✅")),
            ("# Story\n\n**Status**: review\n", Some("review")),
            ("# Story 15b-0d\n\n## Status: done\n## Epic: 15b\n", Some("done")),
            ("# Story 1.1\n\n## Status\n\nApproved\n\n## Story\n", Some("Approved")),
            ("# Story\n\n## Story\n\nAs a user\n\n## QA\n\n**Status:** PASS\n", None),
            ("```\nStatus: x\n```\n", None),
            ("# Историја\n\nСтатус: готово\n\nStatus: review\n", Some("review")),
            ("# S\n\n**Status:** Révision ✅\n", Some("Révision ✅")),
        ];
        for (text, want) in cases {
            assert_eq!(story_status(text).map(|n| n.name), want.map(str::to_string), "{text}");
        }
        let text = "# S\r\n\r\nStatus: in-progress\r\n";
        let n = story_status(text).unwrap_or_else(|| Named::new("", TextRange::default()));
        assert_eq!(&text[n.range.start..n.range.end], "in-progress");
    }

    #[test]
    fn meanings_and_keys() {
        for (written, meant) in [
            ("Done ✅", "done"),
            ("Complete (3/3 stories done)", "done"),
            ("Draft", "ready-for-dev"),
            ("In Progress", "in-progress"),
            ("REVIEW", "review"),
            ("dev-complete", "dev-complete"),
            ("Ready for Review", "review"),
        ] {
            assert_eq!(meaning(written), meant, "{written}");
        }
        assert_eq!(classify("epic-12"), Some((Kind::Epic, 12)));
        assert_eq!(classify("epic-3-retrospective"), Some((Kind::Retrospective, 3)));
        assert_eq!(classify("2-6a-split-story"), Some((Kind::Story, 2)));
        for not_a_key in ["epic-15b", "15b-0d-x", "1-2", "1-2-", "project", "epic-"] {
            assert_eq!(classify(not_a_key), None, "{not_a_key}");
        }
        assert_eq!(story_title("1-2-account-management"), "Story 1.2: Account Management");
    }

    #[test]
    fn last_updated_keeps_the_files_shape() {
        let sprint = read(LEGACY).unwrap_or_default();
        let edit = set_last_updated(&sprint, "2026-03-02T09:05:00Z").map(|e| e.new_text);
        assert_eq!(edit.as_deref(), Some("03-02-2026 09:05"));
        let iso = read("last_updated: 2025-12-11\ndevelopment_status:\n  epic-1: backlog\n").unwrap_or_default();
        assert_eq!(set_last_updated(&iso, "2026-03-02T09:05:00Z").map(|e| e.new_text).as_deref(), Some("2026-03-02"));
    }
}
