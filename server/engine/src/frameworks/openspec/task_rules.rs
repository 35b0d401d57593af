//! A change's task list: numbering (`src/core/validation/task-numbering.ts`, for the built-in
//! `spec-driven` schema whose template numbers tasks), task lists without a single checkbox
//! (`task-checkboxes.ts`, @fission-ai/openspec 1.13.2), and archived changes with open tasks
//! (`openspec validate --archived`, `src/commands/validate.ts` `runArchivedTaskValidation`).
//! The task files are those the change's schema tracks (`apply.tracks`, else its `tasks`
//! artifact; `src/utils/task-progress.ts`), else `tasks.md`.

use std::borrow::Cow;

use super::change::{Change, Project};
use super::tasks::{Numbering, TaskFacts};
use super::{Facts, facts_of};
use crate::diagnostics::{Code, Diagnostic, Doc, Rule, Severity};
use crate::facts::FileFacts;

pub(crate) const NUMBERING: Rule = Rule {
    doc: Doc {
        code: Code::new("openspec-task-numbering"),
        severity: Severity::Warning,
        when: "In a change's `tasks.md` (built-in `spec-driven` schema), a task under a `## N.` group whose number starts with another group (`- [ ] 1.8` under `## 2.`), or a task number used twice. `openspec validate --strict` fails it: the number no longer says which task is meant.",
        fix: "Renumber the task to its group (`2.N`), or move it to the group its number names.",
    },
    framework: Some("openspec"),
    source: "src/core/validation/task-numbering.ts (findTaskNumberingIssues)",
};

pub(crate) const NO_CHECKBOXES: Rule = Rule {
    doc: Doc {
        code: Code::new("openspec-tasks-without-checkboxes"),
        severity: Severity::Warning,
        when: "A change's task list has list items but not one checkbox (`- [ ] 1.1 ...`). OpenSpec counts only checkboxes, so it sees no work: `openspec list` shows no tasks and archive has nothing to flag as incomplete.",
        fix: "Write each task as a checkbox: `- [ ] 1.1 Description`.",
    },
    framework: Some("openspec"),
    source: "src/core/validation/task-checkboxes.ts (findMissingTaskCheckboxIssues, @fission-ai/openspec 1.13.2)",
};

pub(crate) const ARCHIVED_OPEN_TASKS: Rule = Rule {
    doc: Doc {
        code: Code::new("openspec-archived-open-tasks"),
        severity: Severity::Warning,
        when: "A change under `openspec/changes/archive/` still has open tasks (a checkbox not ticked `x`). `openspec validate --archived` fails it; `--all` does not look at the archive.",
        fix: "Tick the tasks that were done; move work that was not done to a new change and note it in the archived task list.",
    },
    framework: Some("openspec"),
    source: "src/commands/validate.ts (runArchivedTaskValidation), src/utils/task-progress.ts (parseTaskLines)",
};

/// The files a change's schema tracks as its task list (`resolveTaskFilesForChange`), and
/// whether that list came from the schema; else `tasks.md` when it is there.
fn task_files<'a>(p: &Project<'a>, c: &Change<'a>, schema: Option<&str>) -> (Vec<(&'a str, &'a FileFacts)>, bool) {
    let generates = schema.and_then(|s| p.schema(s).ok()).and_then(|s| s.tracked()).map(|a| a.generates.clone());
    let tracked: Vec<(&str, &FileFacts)> = match generates {
        Some(g) if g.contains(['*', '?', '[', '{']) => {
            let matcher = globset::GlobBuilder::new(&g).literal_separator(true).build().ok().map(|g| g.compile_matcher());
            c.files.iter().filter(|(rest, _)| super::visible(rest) && matcher.as_ref().is_some_and(|m| m.is_match(rest))).copied().collect()
        }
        Some(g) => c.files.iter().filter(|(rest, _)| *rest == g).copied().collect(),
        None => Vec::new(),
    };
    if !tracked.is_empty() {
        return (tracked, true);
    }
    (c.files.iter().filter(|(rest, _)| *rest == "tasks.md").copied().collect(), false)
}

/// A task file's facts: read when the file was, else now.
fn facts(f: &FileFacts) -> Cow<'_, TaskFacts> {
    match facts_of(f) {
        Some(Facts::Tasks(t)) => Cow::Borrowed(t),
        _ => Cow::Owned(TaskFacts::read(f.text())),
    }
}

pub(crate) fn check(p: &Project<'_>, c: &Change<'_>, out: &mut Vec<Diagnostic>) {
    let schema = p.schema_name_of(c).ok();
    let (files, tracked) = task_files(p, c, schema.as_deref());
    if c.archived {
        let all: Vec<(&FileFacts, Cow<'_, TaskFacts>)> = files.iter().map(|(_, f)| (*f, facts(f))).collect();
        let total: usize = all.iter().map(|(_, t)| t.total).sum();
        let done: usize = all.iter().map(|(_, t)| t.done).sum();
        if let Some((f, (range, description))) = all.iter().find_map(|(f, t)| t.first_open.as_ref().map(|o| (*f, o))) {
            out.push(ARCHIVED_OPEN_TASKS.at(
                &f.path,
                *range,
                format!("archived change `{}` has {} open task(s) ({done} of {total} done); first: {description}", c.id, total - done),
            ));
        }
        return;
    }
    // Metadata that does not load (or names no schema): OpenSpec's task checks stay silent.
    if schema.is_none() {
        return;
    }
    let all: Vec<(&FileFacts, Cow<'_, TaskFacts>)> = files.iter().map(|(_, f)| (*f, facts(f))).collect();
    if tracked && all.iter().all(|(_, t)| t.total == 0) {
        for (f, t) in &all {
            if let Some(r) = t.first_list_item {
                out.push(NO_CHECKBOXES.at(
                    &f.path,
                    r,
                    format!(
                        "change `{}` counts 0 tasks: no line of its task list is a checkbox; write each task as `- [ ] 1.1 Description`",
                        c.id
                    ),
                ));
            }
        }
    }
    // The built-in schema tracks one file, `tasks.md`: its numbering is that file's own.
    if schema.as_deref().is_some_and(|s| p.builtin_spec_driven(s)) {
        for (f, t) in &all {
            for (range, n) in &t.numbering {
                let d = match n {
                    Numbering::WrongGroup { id, group, points_to } => NUMBERING.at(
                        &f.path,
                        *range,
                        format!(
                            "task {id} is under group {group}, but its number points to group {points_to}: move it there or renumber it"
                        ),
                    ),
                    Numbering::Duplicate { id, first, first_line, .. } => NUMBERING
                        .at(&f.path, *range, format!("task number {id} is used twice; it was first declared on line {first_line}"))
                        .with_related(&f.path, *first, "first declared here"),
                };
                out.push(d);
            }
        }
    }
}
