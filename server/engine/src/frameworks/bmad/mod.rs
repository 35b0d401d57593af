//! BMAD Method (bmad-code-org/BMAD-METHOD): the installer writes `_bmad/` (v6; `.bmad/` in the v6 alphas) or `.bmad-core/` (v4).
//!
//! The run is `sprint-status.yaml` (BMAD's sprint planning writes it to its implementation
//! artifacts folder: `_bmad-output/implementation-artifacts/`, `docs/sprint-artifacts/` in older
//! installs): each `development_status` entry (a story `N-M-slug`, an epic `epic-N`, a
//! retrospective `epic-N-retrospective`) is a run of its own, at its status
//! ([`crate::state::sprint_status`]). A story's file is `{story key}.md` in the folder
//! `story_location` names (or beside the yaml), with a `Status:` line BMAD's workflows keep in step
//! with the yaml. The rules check that the two agree and that statuses are BMAD's; advance moves
//! an entry to its next status in both places at once (docs/frameworks/bmad.md).

use std::collections::HashMap;

use crate::actions::{Action, ActionKind, FileChange, Refusal, TextEdit, WorkspaceChange, refuse};
use crate::analysis::{Context, RunRef};
use crate::diagnostics::{Code, Diagnostic, Doc, Rule, Severity};
use crate::extract::DataRecogniser;
use crate::facts::FileFacts;
use crate::frameworks::Framework;
use crate::model::Workflow;
use crate::paths;
use crate::state::sprint_status::{self, Entry, Kind, Sprint};
use crate::text::TextRange;

/// BMAD's sprint planning script: the key grammar, the statuses per kind, legacy names.
const SPRINT_PLAN: &str = "src/bmm-skills/plan/bmad-sprint-planning/scripts/sprint_plan.py, sprint-status-template.yaml";

/// `bmad-status-mismatch`.
pub(crate) const STATUS_MISMATCH: Rule = Rule {
    doc: Doc {
        code: Code::new("bmad-status-mismatch"),
        severity: Severity::Warning,
        when: "A story file's `Status:` line says something other than the story's entry in `sprint-status.yaml` (`Status: review` in the file, `done` in the yaml). BMAD's workflows update both as a story moves; when they disagree one of them is stale. Compared by meaning: case, spaces and emphasis are ignored, and older names count as the status they stand for (`Draft`/`drafted` and `Approved` as `ready-for-dev`, `InProgress` as `in-progress`, `Complete`/`completed` as `done`).",
        fix: "Set the story file's `Status:` to the yaml's status (quick fix), or correct the yaml if the file is right.",
    },
    framework: Some("bmad"),
    source: "src/bmm-skills/v6-shims/bmad-create-story/template.md (Status line), src/bmm-skills/ship/bmad-build/sync-sprint-status.md",
};

/// `bmad-unknown-status`.
pub(crate) const UNKNOWN_STATUS: Rule = Rule {
    doc: Doc {
        code: Code::new("bmad-unknown-status"),
        severity: Severity::Error,
        when: "A `development_status` entry of `sprint-status.yaml` has a status BMAD does not know for its kind. Stories: `backlog`, `ready-for-dev`, `in-progress`, `review`, `done`; epics: `backlog`, `in-progress`, `done`; retrospectives: `optional`, `done`. A legacy value (`drafted`, `contexted`, `completed`) is allowed where the file's own `STATUS DEFINITIONS` comment lists it (files from BMAD v6's alphas); elsewhere it is a warning, with a quick fix to the current status it stands for (`drafted` → `ready-for-dev`, `contexted` → `in-progress`, `completed` → `done`). Keys outside BMAD's grammar (`epic-N`, `N-M-slug`, `epic-N-retrospective`) are not read.",
        fix: "Use one of the statuses the message lists (quick fix for a legacy value).",
    },
    framework: Some("bmad"),
    source: SPRINT_PLAN,
};

/// `bmad-missing-story-file`.
pub(crate) const MISSING_STORY_FILE: Rule = Rule {
    doc: Doc {
        code: Code::new("bmad-missing-story-file"),
        severity: Severity::Warning,
        when: "A story of `sprint-status.yaml` is past `backlog` (BMAD's create-story writes the story file when it leaves the backlog), but no `{story key}.md` (or `story-{story key}.md`) is in the folder `story_location` names, in any folder below it, or beside the yaml.",
        fix: "Create the story file (quick fix, or `phasegate scaffold <story key>`), or move it to the story folder, or set the story back to `backlog`.",
    },
    framework: Some("bmad"),
    source: "src/bmm-skills/v6-shims/bmad-create-story (default_output_file: {story_key}.md), sprint_plan.py (story-file detection)",
};

/// `bmad-epic-done-early`.
pub(crate) const EPIC_DONE_EARLY: Rule = Rule {
    doc: Doc {
        code: Code::new("bmad-epic-done-early"),
        severity: Severity::Warning,
        when: "An epic is `done` in `sprint-status.yaml` while stories of that epic are not (BMAD: \"done: All stories in epic completed\"). Stories whose status BMAD does not know are left to `bmad-unknown-status`.",
        fix: "Finish the stories (or mark them `done` if they are), or move the epic back to `in-progress`.",
    },
    framework: Some("bmad"),
    source: "src/bmm-skills/plan/bmad-sprint-planning/sprint-status-template.yaml (Epic Status)",
};

/// `bmad-duplicate-sprint-status`.
pub(crate) const DUPLICATE_SPRINT_STATUS: Rule = Rule {
    doc: Doc {
        code: Code::new("bmad-duplicate-sprint-status"),
        severity: Severity::Warning,
        when: "Two `sprint-status.yaml` files of one project track the same stories (a copy left in `docs/sprint-artifacts/` after moving to `_bmad-output/implementation-artifacts/`). BMAD's workflows read and write the one in the configured implementation artifacts folder, so the other goes stale; phasegate cannot tell which one a story's status comes from, and advance refuses to choose.",
        fix: "Delete the stale copy (or rename it if it is kept for history).",
    },
    framework: Some("bmad"),
    source: "src/bmm-skills/plan/bmad-sprint-planning/references/generate-tracking.md (status_file: {implementation_artifacts}/sprint-status.yaml)",
};

/// The framework's registry entry. Markers: `_bmad/` (v6), `.bmad/` (the v6 alphas' default
/// `bmad_folder`), `.bmad-core/` (v4), and the folders v6 writes its artifacts to,
/// `_bmad-output/` and (before it) `docs/sprint-artifacts/`: the install folder is often left out
/// of version control while the artifacts are kept.
pub(crate) static FRAMEWORK: Framework = Framework {
    id: "bmad",
    name: "BMAD Method",
    markers: &["_bmad", "_bmad-output", ".bmad", ".bmad-core", "docs/sprint-artifacts"],
    definition: None,
    markdown: &[],
    data: &[SPRINT_STATUS],
    rules: &[STATUS_MISMATCH, UNKNOWN_STATUS, MISSING_STORY_FILE, EPIC_DONE_EARLY, DUPLICATE_SPRINT_STATUS],
    check_file,
    check,
};

/// Whether `path` is a `sprint-status.yaml` (or `.yml`).
fn is_sprint_status(path: &str) -> bool {
    matches!(paths::file_name(path), "sprint-status.yaml" | "sprint-status.yml")
}

/// `sprint-status.yaml`: each entry of `development_status` as a workflow and its run.
const SPRINT_STATUS: DataRecogniser = DataRecogniser {
    name: "bmad-sprint-status",
    applies: is_sprint_status,
    extract: |facts, _, _| {
        // The text, for the header comment's STATUS DEFINITIONS (the tree keeps no comments).
        let Some(sprint) = sprint_status::read(facts.text()) else { return };
        let (workflows, runs) = sprint_status::runs(&sprint);
        facts.workflows.extend(workflows);
        facts.runs.extend(runs);
    },
};

/// The current status a legacy value of an entry of `kind` stands for, when that status exists
/// for the kind.
fn legacy_fix(kind: Kind, status: &str) -> Option<&'static str> {
    sprint_status::legacy_meaning(status).filter(|m| kind.current().contains(m))
}

/// What a status means once legacy names are read as the current ones.
fn meaning_of(status: &str) -> &str {
    sprint_status::legacy_meaning(status).unwrap_or(status)
}

/// Per file: in `sprint-status.yaml`, statuses BMAD does not know and epics done too early.
fn check_file(file: &FileFacts, out: &mut Vec<Diagnostic>) {
    if !is_sprint_status(&file.path) {
        return;
    }
    let Some(sprint) = sprint_status::read(file.text()) else { return };
    for e in &sprint.entries {
        if sprint.allows(e.kind, &e.status.name) {
            continue;
        }
        let allowed = sprint.sequence(e.kind).join("`, `");
        let d = match legacy_fix(e.kind, &e.status.name) {
            Some(current) => Diagnostic::new(
                UNKNOWN_STATUS.doc.code,
                Severity::Warning,
                &file.path,
                e.status.range,
                format!(
                    "`{}` is a legacy {} status this file's STATUS DEFINITIONS do not list; BMAD now calls it `{current}` (allowed: `{allowed}`)",
                    e.status.name,
                    e.kind.as_str()
                ),
            ),
            None => UNKNOWN_STATUS.at(
                &file.path,
                e.status.range,
                format!("`{}` is not a BMAD {} status; use one of `{allowed}`", e.status.name, e.kind.as_str()),
            ),
        };
        out.push(d);
    }
    // Stories not done, by epic (stories with a status BMAD does not know are reported as such,
    // not counted here).
    let mut open_by_epic: HashMap<u32, Vec<&Entry>> = HashMap::new();
    for s in sprint
        .entries
        .iter()
        .filter(|s| s.kind == Kind::Story && sprint.allows(s.kind, &s.status.name) && meaning_of(&s.status.name) != "done")
    {
        open_by_epic.entry(s.epic).or_default().push(s);
    }
    for epic in sprint.entries.iter().filter(|e| e.kind == Kind::Epic && meaning_of(&e.status.name) == "done") {
        let Some(open) = open_by_epic.get(&epic.epic) else { continue };
        let Some(first) = open.first() else { continue };
        let listed = crate::diagnostics::listing_of(open.iter().map(|s| format!("`{}` ({})", s.key.name, s.status.name)), open.len(), ", ");
        out.push(
            EPIC_DONE_EARLY
                .at(
                    &file.path,
                    epic.status.range,
                    format!(
                        "`{}` is done, but {} of its stories {} not: {listed}",
                        epic.key.name,
                        open.len(),
                        if open.len() == 1 { "is" } else { "are" }
                    ),
                )
                .with_related(&file.path, first.status.range, format!("`{}` is {}", first.key.name, first.status.name)),
        );
    }
}

/// The story files a sprint can see: Markdown files by name, under the folder `story_location`
/// names (and every folder below it) and under the yaml's own folder.
struct StoryFiles {
    /// The folders searched, most specific first; new story files go into the first.
    folders: Vec<String>,
    /// File stem → project-relative path (the first in path order).
    by_stem: HashMap<String, String>,
}

impl StoryFiles {
    fn new(ctx: &Context<'_>, sprint_path: &str, sprint: &Sprint) -> StoryFiles {
        let mut folders: Vec<String> = Vec::new();
        if let Some(folder) = sprint.story_location.as_ref().and_then(|l| story_folder(ctx, &l.name)) {
            folders.push(folder);
        }
        let own = paths::parent(sprint_path).to_string();
        if !folders.contains(&own) {
            folders.push(own);
        }
        let mut by_stem = HashMap::new();
        for folder in &folders {
            let prefix = if folder.is_empty() { String::new() } else { format!("{folder}/") };
            for (path, _) in ctx.ws.files.range(prefix.clone()..) {
                if !path.starts_with(&prefix) {
                    break;
                }
                if path.ends_with(".md") {
                    by_stem.entry(paths::file_stem(path).to_string()).or_insert_with(|| path.clone());
                }
            }
        }
        StoryFiles { folders, by_stem }
    }

    /// The story file of `key`: `{key}.md`, else `story-{key}.md`.
    fn of(&self, key: &str) -> Option<&str> {
        self.by_stem.get(key).or_else(|| self.by_stem.get(&format!("story-{key}"))).map(String::as_str)
    }

    /// The one story file whose name starts with `key`'s number (`27-5-7-` of
    /// `27-5-7-child-safe-check-in-language`) but is another name, when there is exactly one and
    /// `sprint` has no entry of that name: most likely the story's file under a changed slug.
    fn near(&self, key: &str, sprint: &Sprint) -> Option<&str> {
        let mut prefix = String::new();
        for (i, segment) in key.split('-').enumerate() {
            let digits = segment.trim_end_matches(|c: char| c.is_ascii_lowercase());
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || (i == 0 && digits.len() != segment.len()) {
                break;
            }
            prefix.push_str(segment);
            prefix.push('-');
        }
        if prefix.matches('-').count() < 2 {
            return None;
        }
        let mut found = self.by_stem.iter().filter(|(stem, _)| {
            let stem = stem.strip_prefix("story-").unwrap_or(stem);
            stem.starts_with(&prefix) && stem != key && sprint.entry(stem).is_none()
        });
        match (found.next(), found.next()) {
            (Some((_, path)), None) => Some(path.as_str()),
            _ => None,
        }
    }

    /// Where a new story file for `key` goes.
    fn new_path(&self, key: &str) -> String {
        match self.folders.first().map(String::as_str) {
            Some("") | None => format!("{key}.md"),
            Some(folder) => format!("{folder}/{key}.md"),
        }
    }
}

/// The project-relative folder `story_location` names, when it is one of the project's folders:
/// relative (`docs/stories`), under `{project-root}/`, or absolute on the machine that wrote it (the
/// longest tail of it that is a folder here). Other placeholders (`{implementation_artifacts}`)
/// name nothing phasegate can resolve.
fn story_folder(ctx: &Context<'_>, location: &str) -> Option<String> {
    let location = location.trim().trim_end_matches('/');
    let relative = location.strip_prefix("{project-root}").map(|r| r.trim_start_matches('/')).unwrap_or(location);
    let relative = relative.strip_prefix("./").unwrap_or(relative);
    if relative.contains('{') || relative.contains('\\') || relative.split('/').any(|s| s == "..") {
        return None;
    }
    let is_folder = |folder: &str| {
        let prefix = format!("{folder}/");
        ctx.ws.files.range(prefix.clone()..).next().is_some_and(|(k, _)| k.starts_with(&prefix))
    };
    if !relative.starts_with('/') {
        return (!relative.is_empty() && is_folder(relative)).then(|| relative.to_string());
    }
    // An absolute path: the longest tail that is a folder of the project.
    let segments: Vec<&str> = relative.split('/').filter(|s| !s.is_empty()).collect();
    (0..segments.len()).map(|i| segments[i..].join("/")).find(|tail| is_folder(tail))
}

/// A sprint-status file of the workspace, read.
struct SprintFile<'a> {
    path: &'a str,
    sprint: Sprint,
}

fn sprint_files<'a>(ctx: &Context<'a>) -> Vec<SprintFile<'a>> {
    ctx.ws
        .files
        .values()
        .filter(|f| is_sprint_status(&f.path) && f.runs.iter().any(|r| r.format == crate::model::StateFormat::SprintStatus))
        .filter_map(|f| sprint_status::read(f.text()).map(|sprint| SprintFile { path: f.path.as_str(), sprint }))
        .collect()
}

/// Across files: story files that disagree with the yaml or are missing, and two sprint files
/// tracking the same stories.
fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let sprints = sprint_files(ctx);
    for (i, s) in sprints.iter().enumerate() {
        // The same stories tracked by an earlier file (in path order): one of the two is stale,
        // and its story files are not judged against it.
        let mut duplicate = false;
        for earlier in &sprints[..i] {
            let shared = s.sprint.entries.iter().filter(|e| e.kind == Kind::Story && earlier.sprint.entry(&e.key.name).is_some()).count();
            if shared > 0 {
                duplicate = true;
                out.push(
                    DUPLICATE_SPRINT_STATUS
                        .at(
                            s.path,
                            s.sprint.anchor,
                            format!(
                                "`{}` also tracks {shared} of these stories; BMAD keeps one sprint-status.yaml, so one of the two is stale",
                                earlier.path
                            ),
                        )
                        .with_related(earlier.path, earlier.sprint.anchor, "the other sprint-status.yaml"),
                );
            }
        }
        if duplicate {
            continue;
        }
        let stories = StoryFiles::new(ctx, s.path, &s.sprint);
        for e in s.sprint.entries.iter().filter(|e| e.kind == Kind::Story && s.sprint.allows(e.kind, &e.status.name)) {
            match stories.of(&e.key.name) {
                Some(story_path) => {
                    let Some(file) = ctx.file(story_path) else { continue };
                    let Some(status) = sprint_status::story_status(file.text()) else { continue };
                    if sprint_status::meaning(&status.name) != sprint_status::meaning(&e.status.name) {
                        out.push(
                            STATUS_MISMATCH
                                .at(
                                    story_path,
                                    status.range,
                                    format!(
                                        "this story's Status is `{}`, but sprint-status.yaml has `{}: {}`",
                                        status.name, e.key.name, e.status.name
                                    ),
                                )
                                .with_related(s.path, e.status.range, format!("`{}` in sprint-status.yaml", e.status.name)),
                        );
                    }
                }
                None if meaning_of(&e.status.name) != "backlog" => {
                    let searched: Vec<String> =
                        stories.folders.iter().map(|f| if f.is_empty() { "the project root".into() } else { format!("`{f}/`") }).collect();
                    let hint = stories
                        .near(&e.key.name, &s.sprint)
                        .map_or(String::new(), |p| format!("; `{p}` has its number: is that its file, under another name?"));
                    out.push(MISSING_STORY_FILE.at(
                        s.path,
                        e.status.range,
                        format!(
                            "story `{}` is `{}`, but its story file `{}.md` is not in {} (or below){hint}",
                            e.key.name,
                            e.status.name,
                            e.key.name,
                            searched.join(" or ")
                        ),
                    ));
                }
                None => {}
            }
        }
    }
}

/// The sprint file, entry and story files of a run of a sprint entry.
fn entry_of<'a>(ctx: &Context<'a>, run: &RunRef<'a>) -> Result<(Sprint, StoryFiles), Refusal> {
    let sprint = sprint_status::read(run.file.text()).ok_or_else(|| refuse(format!("`{}` does not parse", run.file.path)))?;
    let stories = StoryFiles::new(ctx, &run.file.path, &sprint);
    Ok((sprint, stories))
}

/// Advances the sprint entry `wf` (run `run`, at `from`) to `to`: its status in `sprint-status.yaml`
/// and, for a story, the `Status:` line of its story file, as one change. A story leaving the
/// backlog without a story file gets one; a story starting (`in-progress`) lifts its epic out of
/// `backlog` (BMAD's build, `sync-sprint-status.md`); `last_updated` is refreshed. An epic is
/// refused `done` while any of its stories is not.
pub(crate) fn advance(
    ctx: &Context<'_>,
    wf: &Workflow,
    run: &RunRef<'_>,
    from: &str,
    to: Option<&str>,
    now: &str,
) -> Result<WorkspaceChange, Refusal> {
    let Some(to) = to else { return Err(refuse(format!("`{}` is at its last status", wf.name))) };
    let (sprint, stories) = entry_of(ctx, run)?;
    let entry = sprint.entry(&wf.name).ok_or_else(|| refuse(format!("`{}` is no longer in `{}`", wf.name, run.file.path)))?;
    let yaml = &run.file.path;
    if entry.kind == Kind::Epic && to == "done" {
        let open: Vec<String> = sprint
            .entries
            .iter()
            .filter(|s| s.kind == Kind::Story && s.epic == entry.epic && meaning_of(&s.status.name) != "done")
            .map(|s| format!("`{}` is {}", s.key.name, s.status.name))
            .collect();
        if !open.is_empty() {
            return Err(Refusal { message: format!("`{}` cannot be done while stories of it are not", wf.name), unmet: open });
        }
    }
    let mut yaml_edits: Vec<TextEdit> = vec![sprint_status::set_status(entry, to)];
    let mut touched = vec![format!("`{yaml}`")];
    let mut changes = Vec::new();
    if entry.kind == Kind::Story {
        if to == "in-progress"
            && let Some(epic) = sprint.entries.iter().find(|e| e.kind == Kind::Epic && e.epic == entry.epic)
            && epic.status.name == "backlog"
        {
            yaml_edits.push(sprint_status::set_status(epic, "in-progress"));
        }
        match stories.of(&entry.key.name) {
            Some(path) => {
                if let Some(status) = ctx.file(path).and_then(|f| sprint_status::story_status(f.text())) {
                    changes.push(FileChange::Edit { path: path.to_string(), edits: vec![sprint_status::set_story_status(&status, to)] });
                    touched.push(format!("`{path}`"));
                }
            }
            None => {
                let path = stories.new_path(&entry.key.name);
                changes.push(FileChange::Create { path: path.clone(), content: sprint_status::new_story(&entry.key.name, to) });
                touched.push(format!("created `{path}`"));
            }
        }
    }
    yaml_edits.extend(sprint_status::set_last_updated(&sprint, now));
    yaml_edits.sort_by_key(|e| e.range);
    changes.insert(0, FileChange::Edit { path: yaml.clone(), edits: yaml_edits });
    Ok(WorkspaceChange { changes, summary: format!("advanced `{}` from `{from}` to `{to}` in {}", wf.name, touched.join(" and ")) })
}

/// Scaffold for a sprint entry `name` (`None` when `name` is not one): the story file of a story
/// past `backlog` that has none, at the yaml's status.
pub(crate) fn scaffold(ctx: &Context<'_>, name: &str) -> Option<Result<WorkspaceChange, Refusal>> {
    let w = ctx.workflow_index(name).ok()?;
    let wf = ctx.workflows[w].wf;
    if wf.framework.as_deref() != Some("bmad") {
        return None;
    }
    let run = ctx.runs.iter().find(|r| r.workflow == Some(w))?;
    Some(scaffold_story(ctx, &run.file.path, name))
}

/// The story file of story `name` of the sprint file at `sprint_path`, created at the yaml's status.
fn scaffold_story(ctx: &Context<'_>, sprint_path: &str, name: &str) -> Result<WorkspaceChange, Refusal> {
    let file = ctx.file(sprint_path).ok_or_else(|| refuse(format!("`{sprint_path}` is not in the project")))?;
    let sprint = sprint_status::read(file.text()).ok_or_else(|| refuse(format!("`{sprint_path}` does not parse")))?;
    let stories = StoryFiles::new(ctx, sprint_path, &sprint);
    let entry = sprint.entry(name).ok_or_else(|| refuse(format!("`{name}` is not in `{sprint_path}`")))?;
    if entry.kind != Kind::Story {
        return Err(refuse(format!("`{name}` is an {}: only stories have files to scaffold", entry.kind.as_str())));
    }
    if let Some(path) = stories.of(name) {
        return Err(refuse(format!("nothing to scaffold: story `{name}` has its file `{path}`")));
    }
    if !sprint.allows(entry.kind, &entry.status.name) {
        return Err(refuse(format!(
            "story `{name}` has the status `{}`, which BMAD does not know here: correct it first",
            entry.status.name
        )));
    }
    if meaning_of(&entry.status.name) == "backlog" {
        return Err(refuse(format!(
            "story `{name}` is in the backlog: advance it (`phasegate advance {name}`) to create its file as it leaves the backlog"
        )));
    }
    let path = stories.new_path(name);
    Ok(WorkspaceChange {
        summary: format!("created `{path}` for story `{name}` ({})", entry.status.name),
        changes: vec![FileChange::Create { path, content: sprint_status::new_story(name, &entry.status.name) }],
    })
}

/// The actions at `range` of `path`: in `sprint-status.yaml`, for the entry under the cursor
/// (advance, create its story file, replace a legacy status); in a story file, advance its story
/// and set its `Status:` to the yaml's.
pub(crate) fn code_actions(ctx: &Context<'_>, path: &str, range: TextRange, now: &str, out: &mut Vec<Action>) {
    if !ctx.frameworks.iter().any(|f| f.id == "bmad") {
        return;
    }
    for s in sprint_files(ctx) {
        let stories = StoryFiles::new(ctx, s.path, &s.sprint);
        for e in &s.sprint.entries {
            let story_file = if e.kind == Kind::Story { stories.of(&e.key.name) } else { None };
            // In the yaml, the entry on a line the range touches.
            let in_yaml = s.path == path
                && line_of(ctx, path, e.key.range.start) <= line_of(ctx, path, range.end)
                && line_of(ctx, path, range.start) <= line_of(ctx, path, e.status.range.end);
            let in_story = story_file == Some(path);
            if !in_yaml && !in_story {
                continue;
            }
            // The entry's own place: its line in the yaml, or the story file's Status line.
            let status_line = if in_story { ctx.file(path).and_then(|f| sprint_status::story_status(f.text())) } else { None };
            let anchored = in_yaml
                || status_line.as_ref().is_some_and(|st| {
                    line_of(ctx, path, st.range.start) <= line_of(ctx, path, range.end)
                        && line_of(ctx, path, range.start) <= line_of(ctx, path, st.range.end)
                });
            let name = e.key.name.as_str();
            // Quick fix: a legacy status the file does not declare.
            if in_yaml
                && !s.sprint.allows(e.kind, &e.status.name)
                && let Some(current) = legacy_fix(e.kind, &e.status.name)
            {
                let title = format!("Replace `{}` with `{current}`", e.status.name);
                out.push(Action {
                    title: title.clone(),
                    kind: ActionKind::QuickFix,
                    change: Some(WorkspaceChange {
                        changes: vec![FileChange::Edit { path: s.path.to_string(), edits: vec![sprint_status::set_status(e, current)] }],
                        summary: format!("{title} for `{name}` in `{}`", s.path),
                    }),
                    disabled: None,
                    fixes: Some(UNKNOWN_STATUS.doc.code),
                    workflow: Some(name.to_string()),
                    anchored: true,
                });
            }
            // Quick fix: the story file's Status to the yaml's.
            if in_story
                && let Some(status) = status_line.clone()
                && sprint_status::meaning(&status.name) != sprint_status::meaning(&e.status.name)
                && s.sprint.allows(e.kind, &e.status.name)
            {
                let title = format!("Set Status to `{}` (as in {})", e.status.name, s.path);
                out.push(Action {
                    title: title.clone(),
                    kind: ActionKind::QuickFix,
                    change: Some(WorkspaceChange {
                        changes: vec![FileChange::Edit {
                            path: path.to_string(),
                            edits: vec![sprint_status::set_story_status(&status, &e.status.name)],
                        }],
                        summary: format!("set the Status of `{path}` to `{}`", e.status.name),
                    }),
                    disabled: None,
                    fixes: Some(STATUS_MISMATCH.doc.code),
                    workflow: Some(name.to_string()),
                    anchored: true,
                });
            }
            // Scaffold: the missing story file.
            if in_yaml
                && e.kind == Kind::Story
                && let Ok(change) = scaffold_story(ctx, s.path, name)
            {
                out.push(Action {
                    title: format!("Create story file for {name}"),
                    kind: ActionKind::Scaffold,
                    change: Some(change),
                    disabled: None,
                    fixes: Some(MISSING_STORY_FILE.doc.code),
                    workflow: Some(name.to_string()),
                    anchored,
                });
            }
            // Advance, when the entry is a run here (not when two sprint files hold it).
            let Ok(w) = ctx.workflow_index(name) else { continue };
            let Some(run) = ctx.runs.iter().find(|r| r.workflow == Some(w) && r.file.path == s.path) else { continue };
            let wf = ctx.workflows[w].wf;
            if let crate::analysis::Position::Phase(i) = run.position
                && let Some(next) = wf.phases.get(i + 1)
            {
                let (change, disabled) = match ctx.advance(name, Some(s.path), None, now) {
                    Ok(c) => (Some(c), None),
                    Err(r) => (None, Some(r.to_string())),
                };
                out.push(Action {
                    title: format!("Advance {name} to {}", next.id),
                    kind: ActionKind::Advance,
                    change,
                    disabled,
                    fixes: None,
                    workflow: Some(name.to_string()),
                    anchored,
                });
            }
        }
    }
}

/// Whether `path` may be a story file (`{story key}.md` or `story-{story key}.md`): a cheap test
/// before [`entry_of_story`].
pub(crate) fn may_be_story(path: &str) -> bool {
    let Some(stem) = path.strip_suffix(".md").map(paths::file_stem) else { return false };
    let key = stem.strip_prefix("story-").unwrap_or(stem);
    matches!(sprint_status::classify(key), Some((Kind::Story, _)))
}

/// The sprint entry whose story file is `path`: the sprint file's path and the story's key, from
/// the first sprint file (in path order) whose story files hold it. `None` where BMAD is off.
pub(crate) fn entry_of_story(ctx: &Context<'_>, path: &str) -> Option<(String, String)> {
    if !may_be_story(path) || !ctx.frameworks.iter().any(|f| f.id == "bmad") {
        return None;
    }
    let stem = paths::file_stem(path);
    let key = stem.strip_prefix("story-").unwrap_or(stem);
    let mut sprints = sprint_files(ctx);
    sprints.sort_by(|a, b| a.path.cmp(b.path));
    sprints
        .iter()
        .find(|s| s.sprint.entry(key).is_some() && StoryFiles::new(ctx, s.path, &s.sprint).of(key) == Some(path))
        .map(|s| (s.path.to_string(), key.to_string()))
}

/// The 0-based line of byte `offset` in the file at `path`.
fn line_of(ctx: &Context<'_>, path: &str, offset: usize) -> u32 {
    ctx.file(path).and_then(|f| f.line_index()).map_or(0, |i| i.line_of(offset))
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::fixture::{check, workspace};
    use expect_test::expect;

    const SPRINT: &str = "//- _bmad/bmm/config.yaml\nproject_name: shop\n//- _bmad-output/implementation-artifacts/sprint-status.yaml\n# generated: 03-01-2026 09:00\n# STATUS DEFINITIONS:\n# ==================\n# Story Status:\n#   - backlog: Story only exists in epic file\n#   - ready-for-dev: Story file created\n#   - in-progress: Developer working\n#   - review: Ready for review\n#   - done: Story completed\n\ngenerated: 03-01-2026 09:00\nlast_updated: 03-01-2026 09:00\nproject: shop\nstory_location: _bmad-output/implementation-artifacts\n\ndevelopment_status:\n  epic-1: done\n  1-1-cart: done\n  1-2-checkout: review\n  1-3-receipts: drafted\n  epic-1-retrospective: optional\n  epic-2: backlog\n  2-1-search: in-progress\n  2-2-filters: blocked\n  2-3-saved-searches: backlog\n";

    fn stories(extra: &str) -> String {
        format!(
            "{SPRINT}//- _bmad-output/implementation-artifacts/1-1-cart.md\n# Story 1.1: Cart\n\nStatus: done\n//- _bmad-output/implementation-artifacts/1-2-checkout.md\n# Story 1.2: Checkout\n\n**Status:** Done ✅\n\n## QA\n\n**Status:** PASS\n{extra}"
        )
    }

    #[test]
    fn sprint_status_diagnostics() {
        expect![[r#"
            _bmad-output/implementation-artifacts/1-2-checkout.md:3:13: warning[bmad-status-mismatch]: this story's Status is `Done ✅`, but sprint-status.yaml has `1-2-checkout: review`
            _bmad-output/implementation-artifacts/sprint-status.yaml:17:11: warning[bmad-epic-done-early]: `epic-1` is done, but 1 of its stories is not: `1-2-checkout` (review)
            _bmad-output/implementation-artifacts/sprint-status.yaml:20:17: warning[bmad-unknown-status]: `drafted` is a legacy story status this file's STATUS DEFINITIONS do not list; BMAD now calls it `ready-for-dev` (allowed: `backlog`, `ready-for-dev`, `in-progress`, `review`, `done`)
            _bmad-output/implementation-artifacts/sprint-status.yaml:23:15: warning[bmad-missing-story-file]: story `2-1-search` is `in-progress`, but its story file `2-1-search.md` is not in `_bmad-output/implementation-artifacts/` (or below)
            _bmad-output/implementation-artifacts/sprint-status.yaml:24:16: error[bmad-unknown-status]: `blocked` is not a BMAD story status; use one of `backlog`, `ready-for-dev`, `in-progress`, `review`, `done`
        "#]]
        .assert_eq(&check(&stories(""), &[]));
    }

    #[test]
    fn a_story_file_under_another_slug_is_pointed_at() {
        let spec = stories("//- _bmad-output/implementation-artifacts/2-1-searching.md\n# Story 2.1\n\nStatus: in-progress\n");
        let shown = check(&spec, &["bmad-missing-story-file"]);
        assert!(
            shown.contains(
                "; `_bmad-output/implementation-artifacts/2-1-searching.md` has its number: is that its file, under another name?"
            ),
            "{shown}"
        );
    }

    #[test]
    fn legacy_files_declare_their_statuses_and_copies_are_reported_once() {
        let spec = "//- .bmad/bmm/config.yaml\nx: 1\n//- docs/sprint-artifacts/sprint-status.yaml\n# Epic Status:\n#   - backlog: not started\n#   - contexted: tech context created\n#   - done: all stories done\n# Story Status:\n#   - backlog: only in the epic file\n#   - drafted: story file created\n#   - ready-for-dev: approved\n# Retrospective Status:\n#   - optional: may be done\n#   - completed: done\nstory_location: \"{project-root}/docs/sprint-artifacts/stories\"\ndevelopment_status:\n  epic-1: contexted\n  1-1-sign-in: drafted\n  epic-1-retrospective: completed\n//- docs/sprint-artifacts/stories/epic-1/story-1-1-sign-in.md\n## Status\n\nDraft\n//- docs/old/sprint-status.yaml\ndevelopment_status:\n  1-1-sign-in: backlog\n";
        expect![[r#"
            docs/sprint-artifacts/sprint-status.yaml:13:1: warning[bmad-duplicate-sprint-status]: `docs/old/sprint-status.yaml` also tracks 1 of these stories; BMAD keeps one sprint-status.yaml, so one of the two is stale
        "#]]
        .assert_eq(&check(spec, &[]));
    }

    #[test]
    fn off_without_a_marker_and_status_lists_each_entry() {
        let spec = "//- docs/sprint-status.yaml\ndevelopment_status:\n  1-1-a: blocked\n  1-2-b: review\n";
        let ws = workspace(spec);
        assert_eq!(crate::diagnostics::fixture::render(&ws, &[]), "");
        assert!(ws.status().is_empty());
        let ws = workspace(&stories(""));
        let status: Vec<String> =
            ws.status().into_iter().map(|s| format!("{} {} {}", s.name, s.status, s.current.unwrap_or_default())).collect();
        assert_eq!(
            status,
            vec![
                "epic-1 completed done",
                "1-1-cart completed done",
                "1-2-checkout in-progress review",
                "epic-1-retrospective in-progress optional",
                "epic-2 in-progress backlog",
                "2-1-search in-progress in-progress",
                "2-3-saved-searches in-progress backlog",
            ]
        );
    }

    #[test]
    fn two_sprint_files_each_run_their_own_entries() {
        // A stale copy left in docs/sprint-artifacts/: each file's entries stand at that file's
        // status (not "not started"), and advance by name still refuses to choose between them.
        let spec =
            stories("//- docs/sprint-artifacts/sprint-status.yaml\ndevelopment_status:\n  1-1-cart: in-progress\n  1-2-checkout: done\n");
        let ws = workspace(&spec);
        let status: Vec<String> = ws
            .status()
            .into_iter()
            .filter(|s| s.name.starts_with("1-"))
            .map(|s| format!("{} {} {} {}", s.name, s.state_path.unwrap_or_default(), s.status, s.current.unwrap_or_default()))
            .collect();
        assert_eq!(
            status,
            vec![
                "1-1-cart _bmad-output/implementation-artifacts/sprint-status.yaml completed done",
                "1-2-checkout _bmad-output/implementation-artifacts/sprint-status.yaml in-progress review",
                "1-1-cart docs/sprint-artifacts/sprint-status.yaml in-progress in-progress",
                "1-2-checkout docs/sprint-artifacts/sprint-status.yaml completed done",
            ]
        );
        let refusal = ws.advance("1-2-checkout", None, None, "2026-03-02T09:05:00Z").err().map(|r| r.message).unwrap_or_default();
        assert_eq!(
            refusal,
            "2 sprint-status.yaml files track `1-2-checkout` (`_bmad-output/implementation-artifacts/sprint-status.yaml`, `docs/sprint-artifacts/sprint-status.yaml`); BMAD keeps one, so remove the stale one first"
        );
        // Each file's Advance lenses: offered only where the advance they run is not refused,
        // else shown blocked with the refusal.
        let mut blocked = 0;
        for path in ["_bmad-output/implementation-artifacts/sprint-status.yaml", "docs/sprint-artifacts/sprint-status.yaml"] {
            for lens in ws.code_lenses(path) {
                match &lens.command {
                    crate::ide::LensCommand::Advance { workflow, state } => {
                        let done = ws.advance(workflow, state.as_deref(), None, "2026-03-02T09:05:00Z");
                        assert!(done.is_ok(), "{path}: `{}` offered, then refused: {:?}", lens.title, done.err());
                    }
                    crate::ide::LensCommand::Explain(why) if lens.title.contains("(blocked)") => {
                        assert!(why.contains("BMAD keeps one"), "{path}: {why}");
                        blocked += 1;
                    }
                    _ => {}
                }
            }
        }
        // `1-2-checkout` (at review) in the first file, `1-1-cart` (in progress) in the second.
        assert_eq!(blocked, 2);
    }

    #[test]
    fn advance_moves_the_yaml_and_the_story_file_together() {
        let ws = workspace(&stories(""));
        let now = "2026-03-02T09:05:00Z";
        let change = ws.advance("1-2-checkout", None, None, now).unwrap_or_else(|r| panic!("{r}"));
        assert_eq!(
            change.summary,
            "advanced `1-2-checkout` from `review` to `done` in `_bmad-output/implementation-artifacts/sprint-status.yaml` and `_bmad-output/implementation-artifacts/1-2-checkout.md`"
        );
        let applied = apply(&ws, &change);
        assert!(applied[0].contains("  1-2-checkout: done\n") && applied[0].contains("last_updated: 03-02-2026 09:05\n"), "{}", applied[0]);
        assert!(applied[1].contains("**Status:** done\n") && applied[1].contains("**Status:** PASS"), "{}", applied[1]);
        // Leaving the backlog creates the story file; starting a story lifts its epic.
        let change = ws.advance("2-3-saved-searches", None, None, now).unwrap_or_else(|r| panic!("{r}"));
        assert_eq!(change.changes.len(), 2);
        let crate::actions::FileChange::Create { path, content } = &change.changes[1] else { panic!("{change:?}") };
        assert_eq!(path, "_bmad-output/implementation-artifacts/2-3-saved-searches.md");
        assert!(content.starts_with("# Story 2.3: Saved Searches\n\nStatus: ready-for-dev\n"), "{content}");
        let spec = stories("//- _bmad-output/implementation-artifacts/2-3-saved-searches.md\n# Story 2.3\n\nStatus: ready-for-dev\n")
            .replace("2-3-saved-searches: backlog", "2-3-saved-searches: ready-for-dev");
        let ws2 = workspace(&spec);
        let change = ws2.advance("2-3-saved-searches", None, None, now).unwrap_or_else(|r| panic!("{r}"));
        let applied = apply(&ws2, &change);
        assert!(
            applied[0].contains("  epic-2: in-progress\n") && applied[0].contains("  2-3-saved-searches: in-progress\n"),
            "{}",
            applied[0]
        );
        // An epic is not done while a story is open; done entries are complete.
        let refused = ws.advance("epic-2", None, None, now).and_then(|_| ws.advance("epic-2", None, Some("done"), now));
        assert!(refused.is_err());
        let refusal = ws.advance("1-1-cart", None, None, now).err().map(|r| r.message).unwrap_or_default();
        assert!(refusal.contains("already complete"), "{refusal}");
        // Scaffold creates a missing story file at the yaml's status.
        let change = ws.scaffold("2-1-search", None, None, now).unwrap_or_else(|r| panic!("{r}"));
        let crate::actions::FileChange::Create { path, content } = &change.changes[0] else { panic!("{change:?}") };
        assert_eq!(path, "_bmad-output/implementation-artifacts/2-1-search.md");
        assert!(content.contains("\nStatus: in-progress\n"), "{content}");
        assert!(ws.scaffold("2-3-saved-searches", None, None, now).is_err(), "a backlog story is advanced, not scaffolded");
    }

    #[test]
    fn code_actions_at_the_entry_under_the_cursor() {
        let ws = workspace(&stories(""));
        let yaml = "_bmad-output/implementation-artifacts/sprint-status.yaml";
        let text = ws.text(yaml).unwrap_or_default().to_string();
        let at = |needle: &str| {
            let i = text.find(needle).unwrap_or(0);
            crate::text::TextRange::new(i, i)
        };
        let titles = |range| ws.code_actions(yaml, range, "2026-03-02T09:05:00Z").into_iter().map(|a| a.title).collect::<Vec<_>>();
        assert_eq!(titles(at("1-3-receipts")), vec!["Replace `drafted` with `ready-for-dev`"]);
        assert_eq!(titles(at("2-1-search")), vec!["Create story file for 2-1-search", "Advance 2-1-search to review"]);
        let story = "_bmad-output/implementation-artifacts/1-2-checkout.md";
        let actions: Vec<String> =
            ws.code_actions(story, crate::text::TextRange::new(0, 0), "2026-03-02T09:05:00Z").into_iter().map(|a| a.title).collect();
        assert_eq!(actions, vec![format!("Set Status to `review` (as in {yaml})"), "Advance 1-2-checkout to done".to_string()]);
    }

    /// The texts of a change's files after applying it (edited files in change order).
    fn apply(ws: &crate::Workspace, change: &crate::actions::WorkspaceChange) -> Vec<String> {
        let mut out = Vec::new();
        for c in &change.changes {
            if let crate::actions::FileChange::Edit { path, edits } = c {
                let mut text = ws.text(path).unwrap_or_default().to_string();
                for e in edits.iter().rev() {
                    text.replace_range(e.range.start..e.range.end, &e.new_text);
                }
                out.push(text);
            }
        }
        out
    }
}
