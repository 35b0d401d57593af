//! Code actions at a place in a file: quick fixes for the diagnostics there, and the workflow
//! actions (advance, start, scaffold) of the workflows the file belongs to.

use crate::actions::{Action, ActionKind, FileChange, TextEdit, WorkspaceChange};
use crate::analysis::{Context, Position, RunRef};
use crate::diagnostics::Code;
use crate::model::Phase;
use crate::text::TextRange;
use crate::workspace::Workspace;

impl Workspace {
    /// The actions offered at `range` (bytes) of the file at `path`: quick fixes for diagnostics
    /// there, and, in a workflow doc or state file, advance (disabled with the reason when gates
    /// fail), start and scaffold. `now` is the timestamp advance writes.
    pub fn code_actions(&self, path: &str, range: TextRange, now: &str) -> Vec<Action> {
        let ctx = Context::new(self);
        let mut out = Vec::new();
        let Some(file) = ctx.file(path) else { return out };
        // Quick fix: keep one side of a merge conflict.
        // Not for a conflict without its closer: where its second side ends is unknown.
        for c in file.conflicts.iter().filter(|c| c.whole.intersects(range) && c.closer != crate::syntax::conflict::Closer::Missing) {
            let text = file.text();
            let ours = &text[c.ours.start..c.ours.end];
            let theirs = &text[c.theirs.start..c.theirs.end];
            let label = |l: &str, d: &str| if l.is_empty() { d.to_string() } else { l.split_whitespace().next().unwrap_or(d).to_string() };
            for (title, new_text) in [
                (format!("Keep `{}` (first side)", label(&c.ours_label, "ours")), ours.to_string()),
                (format!("Keep `{}` (second side)", label(&c.theirs_label, "theirs")), theirs.to_string()),
                ("Keep both sides".to_string(), format!("{ours}{theirs}")),
            ] {
                out.push(Action {
                    title: title.clone(),
                    kind: ActionKind::QuickFix,
                    change: Some(WorkspaceChange {
                        changes: vec![FileChange::Edit { path: path.to_string(), edits: vec![TextEdit { range: c.whole, new_text }] }],
                        summary: title,
                    }),
                    disabled: None,
                    fixes: Some(Code::MergeConflict),
                    workflow: None,
                });
            }
        }
        // Quick fix: create one missing deliverable under the cursor.
        for w in ctx.workflows.iter().filter(|w| w.file.path == path) {
            for phase in &w.wf.phases {
                for d in phase.deliverables.iter().filter(|d| d.range.intersects(range)) {
                    let mut skipped = Vec::new();
                    let one = Phase { deliverables: vec![d.clone()], ..phase.clone() };
                    for change in ctx.creations(w.wf, &one, &mut skipped) {
                        out.push(Action {
                            title: format!("Create `{}`", change.path()),
                            kind: ActionKind::QuickFix,
                            change: Some(WorkspaceChange { summary: format!("created `{}`", change.path()), changes: vec![change] }),
                            disabled: None,
                            fixes: Some(Code::MissingDeliverable),
                            workflow: Some(w.wf.name.clone()),
                        });
                    }
                }
            }
        }
        // Workflow actions for the workflows this file belongs to.
        let names: Vec<String> = {
            let mut v: Vec<String> = ctx.workflows.iter().filter(|w| w.file.path == path).map(|w| w.wf.name.clone()).collect();
            for r in ctx.runs.iter().filter(|r| r.file.path == path) {
                if let Some(w) = ctx.workflow_of(r) {
                    v.push(w.wf.name.clone());
                }
            }
            v.dedup();
            v
        };
        for name in names {
            let Ok(w) = ctx.workflow_index(&name) else { continue };
            let wf = ctx.workflows[w].wf;
            let mut runs: Vec<&RunRef<'_>> = ctx.runs_of(&name);
            if runs.iter().any(|r| r.file.path == path) {
                runs.retain(|r| r.file.path == path);
            }
            if runs.is_empty()
                && let Ok(change) = ctx.start(&name)
            {
                out.push(Action {
                    title: format!("Start {}", wf.name),
                    kind: ActionKind::Start,
                    change: Some(change),
                    disabled: None,
                    fixes: None,
                    workflow: Some(wf.name.clone()),
                });
            }
            let several = runs.len() > 1;
            for run in runs {
                let state = Some(run.file.path.as_str());
                let suffix = if several { format!(" ({})", run.file.path) } else { String::new() };
                let steps = ctx.next_steps(wf, run);
                let targets: Vec<Option<String>> = if steps.is_empty() { vec![None] } else { steps.into_iter().map(Some).collect() };
                for target in targets {
                    let title = match (&target, &run.position) {
                        (Some(t), _) => format!("Advance {} to {t}{suffix}", wf.name),
                        (None, Position::Phase(_)) => format!("Complete {}{suffix}", wf.name),
                        (None, _) => continue,
                    };
                    let action = match ctx.advance(&name, state, target.as_deref(), now) {
                        Ok(change) => Action {
                            title,
                            kind: ActionKind::Advance,
                            change: Some(change),
                            disabled: None,
                            fixes: None,
                            workflow: Some(wf.name.clone()),
                        },
                        Err(r) => Action {
                            title,
                            kind: ActionKind::Advance,
                            change: None,
                            disabled: Some(r.to_string()),
                            fixes: None,
                            workflow: Some(wf.name.clone()),
                        },
                    };
                    out.push(action);
                }
                if let Ok((_, index)) = ctx.scaffold_phase(&name, state, None)
                    && let Ok(change) = ctx.scaffold(&name, state, Some(&wf.phases[index].id))
                {
                    out.push(Action {
                        title: format!("Scaffold deliverables for {}{suffix}", wf.phases[index].id),
                        kind: ActionKind::Scaffold,
                        change: Some(change),
                        disabled: None,
                        fixes: None,
                        workflow: Some(wf.name.clone()),
                    });
                }
            }
        }
        out
    }
}
