//! What `.ops/build` adds to the editor index ([`crate::ide::index`]): its task lists'
//! references resolve by its own rules (docs/frameworks/ops-build.md, "How `implements:`
//! resolves"): `implements: availability/R6` names requirement `R6` of
//! `.ops/build/<version>/availability/specs.md`, a bare `R6` one of the task's own feature, and
//! `depends_on` a task of the same file, else of another feature of the version. A `tasks.yaml`
//! task's status is its `status:`, which "Start" sets to `in_progress` and "Mark done" to
//! `completed` (the words the bootstrap's orchestrator writes: `claude/agents/workflow-orchestrator.md`,
//! "TaskUpdate to mark tasks `in_progress` / `completed`"; the planner writes `pending`).

use super::{BUILD, place, version_number};
use crate::facts::FileFacts;
use crate::ide::index::{Place, Reference, SymbolKind, TaskMarks};

/// Adds the references of the tasks just read into `facts` (a feature's `tasks.md` or
/// `tasks.yaml`), and for `tasks.yaml` their statuses.
pub(super) fn add(facts: &mut FileFacts, statuses: Option<Vec<Option<crate::model::Named>>>) {
    let Some(p) = place(&facts.path) else { return };
    let (version, Some(feature)) = (p.version.to_string(), p.feature.map(str::to_string)) else { return };
    let version_folder = format!("{BUILD}{version}");
    let mut refs = Vec::new();
    for task in &facts.tasks {
        for d in &task.depends_on {
            refs.push(Reference::new(SymbolKind::Task, &d.name, d.range, vec![Place::ThisFile, Place::Folder(version_folder.clone())]));
        }
        for imp in &task.implements {
            if imp.name.starts_with('/') {
                continue; // A contract node path (`/paths/users/get`), not a requirement id.
            }
            let (scope, requirement) = match imp.name.rsplit_once('/') {
                Some((f, r)) => (f.trim().trim_end_matches('/').to_string(), r.trim()),
                None => (feature.clone(), imp.name.trim()),
            };
            if !super::rules::looks_like_id(requirement) || scope.is_empty() {
                continue;
            }
            // `v0/availability/R1` names the version too.
            let folder = match scope.split_once('/') {
                Some((v, _)) if version_number(v).is_some() => format!("{BUILD}{scope}"),
                _ => format!("{version_folder}/{scope}"),
            };
            refs.push(Reference::new(SymbolKind::Requirement, requirement, imp.range, vec![Place::File(format!("{folder}/specs.md"))]));
        }
    }
    facts.ide.references.extend(refs);
    facts.ide.tasks_referenced = true;
    if let Some(statuses) = statuses {
        facts.ide.task_marks = Some(TaskMarks::Status { start: "in_progress", done: "completed" });
        facts.ide.task_statuses = statuses;
    }
}
