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
                    anchored: true,
                });
            }
        }
        // Quick fix: create one missing deliverable under the cursor. A framework's feature folder
        // writes its deliverables nowhere (its definition does), so it has none under a cursor.
        for w in ctx.workflows.iter().filter(|w| w.file.path == path && w.wf.instance.is_none()) {
            for phase in &w.wf.phases {
                for d in phase.deliverables.iter().filter(|d| d.range.intersects(range)) {
                    let mut skipped = Vec::new();
                    let one = Phase { deliverables: vec![d.clone()], ..phase.clone() };
                    for change in ctx.creations(w.wf, &one, &mut skipped, now) {
                        out.push(Action {
                            title: format!("Create `{}`", change.path()),
                            kind: ActionKind::QuickFix,
                            change: Some(WorkspaceChange { summary: format!("created `{}`", change.path()), changes: vec![change] }),
                            disabled: None,
                            fixes: Some(Code::MissingDeliverable),
                            workflow: Some(w.wf.name.clone()),
                            anchored: true,
                        });
                    }
                }
            }
        }
        // Whether `range` touches the line holding `at` in this file.
        let on_line_of = |at: TextRange| -> bool {
            let Some(index) = file.line_index() else { return false };
            index.line_range(index.line_of(at.start)).is_some_and(|line| line.intersects(range))
        };
        // Whether `range` is on the heading of phase `i` of the workflow, in its doc.
        let on_heading = |w: usize, i: usize| -> bool {
            ctx.workflows[w].file.path == path && ctx.workflows[w].wf.phases.get(i).is_some_and(|p| on_line_of(p.range))
        };
        // Workflow actions for the workflows this file belongs to.
        for w in ctx.workflows_at(path, false) {
            let wf = ctx.workflows[w].wf;
            if wf.framework.as_deref() == Some("bmad") {
                continue; // A sprint-status.yaml entry: its actions are offered where the cursor is (below).
            }
            let name = wf.name.clone();
            if ctx.workflow_index(&name) != Ok(w) {
                continue; // An ambiguous name: the actions could not say which workflow they act on.
            }
            let mut runs: Vec<&RunRef<'_>> = ctx.runs_of(&name);
            if runs.iter().any(|r| r.file.path == path) {
                runs.retain(|r| r.file.path == path);
            }
            if let Some(inferred) = ctx.inferred_of(w) {
                // A run inferred from the artifacts: advancing creates the next phase's artifacts.
                let next = match inferred.position {
                    Position::Phase(i) => wf.phases.get(i + 1).map(|p| p.id.clone()),
                    Position::NotStarted => wf.phases.first().map(|p| p.id.clone()),
                    _ => None,
                };
                let anchored = match inferred.position {
                    Position::Phase(i) => on_heading(w, i),
                    Position::NotStarted => on_heading(w, 0),
                    _ => false,
                };
                if let Some(next) = next {
                    out.push(advance_action(format!("Advance {name} to {next}"), &name, ctx.advance(&name, None, None, now), anchored));
                }
                push_scaffold(&ctx, &mut out, wf, None, "", now, anchored);
                continue;
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
                    anchored: on_heading(w, 0),
                });
            }
            let several = runs.len() > 1;
            for run in runs {
                let state = Some(run.file.path.as_str());
                let suffix = if several { format!(" ({})", run.file.path) } else { String::new() };
                let anchored = (run.file.path == path && run.run.current.as_ref().is_some_and(|c| on_line_of(c.range)))
                    || matches!(run.position, Position::Phase(i) if on_heading(w, i));
                if let Some(view) = crate::frameworks::speckit::run_state::view(&ctx, run) {
                    // A run of Spec Kit's engine: one Advance, saying what would move it on (the
                    // engine's resume), as its lens does; no target is phasegate's to name.
                    if matches!(run.position, Position::Phase(_)) {
                        let title = format!("Advance {} (run {})", view.workflow, view.run_id);
                        out.push(advance_action(title, &name, ctx.advance(&name, state, None, now), anchored));
                    }
                    continue;
                }
                let steps = ctx.next_steps(wf, run);
                let targets: Vec<Option<String>> = if steps.is_empty() { vec![None] } else { steps.into_iter().map(Some).collect() };
                for target in targets {
                    let title = match (&target, &run.position) {
                        (Some(t), _) => format!("Advance {} to {t}{suffix}", wf.name),
                        (None, Position::Phase(_)) => format!("Complete {}{suffix}", wf.name),
                        (None, _) => continue,
                    };
                    out.push(advance_action(title, &name, ctx.advance(&name, state, target.as_deref(), now), anchored));
                }
                push_scaffold(&ctx, &mut out, wf, state, &suffix, now, anchored);
            }
        }
        crate::frameworks::bmad::code_actions(&ctx, path, range, now, &mut out);
        out
    }
}

/// An Advance action: enabled with its change, or disabled with the refusal's reasons.
fn advance_action(title: String, workflow: &str, result: Result<WorkspaceChange, crate::actions::Refusal>, anchored: bool) -> Action {
    let (change, disabled) = match result {
        Ok(change) => (Some(change), None),
        Err(r) => (None, Some(r.to_string())),
    };
    Action { title, kind: ActionKind::Advance, change, disabled, fixes: None, workflow: Some(workflow.to_string()), anchored }
}

/// The Scaffold action of a run (its current phase, or the next with artifacts), when there is
/// anything to create.
fn push_scaffold(
    ctx: &Context<'_>,
    out: &mut Vec<Action>,
    wf: &crate::model::Workflow,
    state: Option<&str>,
    suffix: &str,
    now: &str,
    anchored: bool,
) {
    if let Ok((_, index)) = ctx.scaffold_phase(&wf.name, state, None)
        && let Ok(change) = ctx.scaffold(&wf.name, state, Some(&wf.phases[index].id), now)
    {
        out.push(Action {
            title: format!("Scaffold deliverables for {}{suffix}", wf.phases[index].id),
            kind: ActionKind::Scaffold,
            change: Some(change),
            disabled: None,
            fixes: None,
            workflow: Some(wf.name.clone()),
            anchored,
        });
    }
}
