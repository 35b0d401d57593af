//! Code lenses: on each phase its status and "▶ Advance" where the run is; on a state file (and
//! at the top of a framework feature's artifacts) where the run stands and its gate; on each open
//! task "Start" and "Mark done", the framework's own status change ([`TaskMarks`]), made by
//! [`Workspace::task_change`].

use crate::actions::{FileChange, Refusal, TextEdit, WorkspaceChange, refuse};
use crate::analysis::{Context, Position};
use crate::ide::hover::code;
use crate::ide::index::TaskMarks;
use crate::ide::{PhaseState, phase_line};
use crate::text::TextRange;
use crate::workspace::Workspace;

/// A task's status change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskAction {
    /// Mark it started (where the framework has that state).
    Start,
    /// Mark it done.
    Done,
}

impl TaskAction {
    /// `start` or `done`, as the `phasegate.task` command takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskAction::Start => "start",
            TaskAction::Done => "done",
        }
    }

    /// The action named `start` or `done`.
    pub fn parse(s: &str) -> Option<TaskAction> {
        match s {
            "start" => Some(TaskAction::Start),
            "done" => Some(TaskAction::Done),
            _ => None,
        }
    }
}

/// What choosing a lens does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LensCommand {
    /// Show this text (Markdown-free): the status in full, or why an action is blocked.
    Explain(String),
    /// Advance workflow `workflow` (its run in state file `state`, if one).
    Advance {
        /// The workflow's name.
        workflow: String,
        /// The state file of the run, project-relative.
        state: Option<String>,
    },
    /// Start workflow `workflow` (create its state file).
    Start {
        /// The workflow's name.
        workflow: String,
    },
    /// Change the status of task `id` of the file at `path` ([`Workspace::task_change`]).
    Task {
        /// Project-relative path of the tasks file.
        path: String,
        /// The task's id.
        id: String,
        /// The change.
        action: TaskAction,
    },
}

/// A code lens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeLens {
    /// The line it stands above (bytes; its start is what matters).
    pub range: TextRange,
    /// Its text.
    pub title: String,
    /// What choosing it does.
    pub command: LensCommand,
}

/// At most this many task lenses per file (a generated list of 100,000 tasks gets lenses on its
/// first ones only).
const MAX_TASK_LENSES: usize = 2000;

/// Why an advance is blocked, and its unmet criteria, as one message.
fn blocked(what: &str, why: &str, unmet: &[String]) -> String {
    let mut out = format!("{what} is blocked: {why}");
    for u in unmet.iter().take(crate::diagnostics::MAX_LISTED) {
        out.push_str(&format!("\n- {u}"));
    }
    out
}

impl Workspace {
    /// The code lenses of the file at `path`.
    pub fn code_lenses(&self, path: &str) -> Vec<CodeLens> {
        let Some(file) = self.files.get(path) else { return Vec::new() };
        let mut out = Vec::new();
        let analysed = !file.workflows.is_empty()
            || !file.runs.is_empty()
            || path_in_instance(self, path)
            || crate::frameworks::bmad::may_be_story(path);
        if analysed {
            let ctx = Context::new(self);
            self.workflow_lenses(&ctx, path, &mut out);
        }
        self.task_lenses(file, &mut out);
        out
    }

    fn workflow_lenses(&self, ctx: &Context<'_>, path: &str, out: &mut Vec<CodeLens>) {
        let Some(file) = ctx.file(path) else { return };
        // Phases, where they are declared.
        // (A framework's per-entry workflows, as BMAD's, declare no phases here: their runs'
        // lenses below say where each stands.)
        for wf in file.workflows.iter().filter(|w| w.source != crate::model::WorkflowSource::Framework) {
            let Some(w) = ctx.workflow_at(path, wf) else { continue };
            for (i, p) in wf.phases.iter().enumerate() {
                let report = ctx.phase_report(w, i, None);
                let range = TextRange::empty(p.range.start);
                let mut detail = phase_line(p, &report);
                for u in &report.unmet {
                    detail.push_str(&format!("\n- {u}"));
                }
                out.push(CodeLens { range, title: phase_line(p, &report), command: LensCommand::Explain(detail) });
                let state = report.state_path.clone();
                match report.state {
                    PhaseState::Current => {
                        out.push(advance_lens(ctx, range, &wf.name, state, wf.phases.get(i + 1).map(|n| n.id.as_str()), &report.unmet))
                    }
                    PhaseState::Pending if i == 0 && report.inferred => {
                        out.push(advance_lens(ctx, range, &wf.name, None, Some(&p.id), &[]));
                    }
                    PhaseState::NoRun if i == 0 && ctx.runs.iter().all(|r| r.workflow != Some(w)) && ctx.start(&wf.name).is_ok() => {
                        out.push(CodeLens { range, title: "▶ Start".into(), command: LensCommand::Start { workflow: wf.name.clone() } })
                    }
                    _ => {}
                }
            }
        }
        // A state file: where its run stands.
        for r in ctx.runs.iter().filter(|r| r.file.path == path) {
            run_lenses(ctx, r, TextRange::empty(r.anchor().start), out);
        }
        // A BMAD story file: where its sprint entry stands, on its `Status:` line (else at the top).
        if let Some((sprint, key)) = crate::frameworks::bmad::entry_of_story(ctx, path)
            && let Some(r) = ctx.runs.iter().find(|r| r.file.path == sprint && r.run.workflow.name == key)
        {
            let at = crate::state::sprint_status::story_status(file.text()).map_or(0, |st| st.range.start);
            run_lenses(ctx, r, TextRange::empty(at), out);
        }
        // A framework feature's artifact: where the feature stands, at the top of the file.
        for (w, wref) in ctx.workflows.iter().enumerate() {
            let Some(folder) = &wref.wf.instance else { continue };
            // An artifact by its path, or by a pattern (OpenSpec's `specs/**/*.md`, `.ops/build`'s
            // `tasks.{format}`).
            let lists = wref.wf.phases.iter().flat_map(|p| &p.deliverables).any(|d| match &d.resolved {
                Ok(p) if p == path => true,
                Ok(_) => d.pattern.as_ref().is_some_and(|pat| pat.is_match(path)),
                Err(_) => false,
            });
            if !lists || !path.starts_with(&format!("{folder}/")) {
                continue;
            }
            let wf = wref.wf;
            let framework = wf.framework.as_deref().and_then(crate::frameworks::by_id).map_or("feature", |f| f.name);
            let range = TextRange::empty(0);
            let Some((position, run, _)) = ctx.run_of(w, None) else { continue };
            let state = run.map(|r| r.file.path.clone());
            match position {
                Position::Phase(i) => {
                    let report = ctx.phase_report(w, i, None);
                    let title = format!(
                        "{framework} {} · at {} ({}/{}) · {}",
                        wf.name,
                        wf.phases[i].id,
                        i + 1,
                        wf.phases.len(),
                        if report.gate_met() { "gate met" } else { "gate unmet" }
                    );
                    out.push(CodeLens { range, title: title.clone(), command: LensCommand::Explain(title) });
                    out.push(advance_lens(ctx, range, &wf.name, state, wf.phases.get(i + 1).map(|n| n.id.as_str()), &report.unmet));
                }
                Position::NotStarted => {
                    let title = format!("{framework} {} · not started", wf.name);
                    out.push(CodeLens { range, title: title.clone(), command: LensCommand::Explain(title) });
                }
                Position::Done => {
                    let title = format!("{framework} {} · completed", wf.name);
                    out.push(CodeLens { range, title: title.clone(), command: LensCommand::Explain(title) });
                }
                _ => {}
            }
        }
    }

    fn task_lenses(&self, file: &crate::facts::FileFacts, out: &mut Vec<CodeLens>) {
        let marks = file.ide.task_marks.clone().unwrap_or(TaskMarks::Checkbox { done: 'x', start: None });
        let mut n = 0;
        for (i, task) in file.tasks.iter().enumerate() {
            if n >= MAX_TASK_LENSES {
                break;
            }
            let range = TextRange::empty(task.range.start);
            let lens = |action: TaskAction, title: &str| CodeLens {
                range,
                title: title.to_string(),
                command: LensCommand::Task { path: file.path.clone(), id: task.id.name.clone(), action },
            };
            match &marks {
                TaskMarks::Checkbox { start, .. } => {
                    let Some(mark) = checkbox(file.text(), task) else { continue };
                    let mark_char = file.text()[mark.start..mark.end].chars().next().unwrap_or(' ');
                    if task.checked == Some(true) {
                        continue;
                    }
                    if let Some(s) = start
                        && mark_char != *s
                    {
                        out.push(lens(TaskAction::Start, "Start"));
                    }
                    out.push(lens(TaskAction::Done, "Mark done"));
                    n += 1;
                }
                TaskMarks::Status { start, .. } => {
                    let Some(Some(status)) = file.ide.task_statuses.get(i) else { continue };
                    if task.checked == Some(true) {
                        continue;
                    }
                    if !status.name.eq_ignore_ascii_case(start) {
                        out.push(lens(TaskAction::Start, "Start"));
                    }
                    out.push(lens(TaskAction::Done, "Mark done"));
                    n += 1;
                }
            }
        }
    }

    /// The edit that marks task `id` of the file at `path` started or done, the framework's way
    /// ([`TaskMarks`]): a checkbox's mark, or a `status:` value. Refused when the task is not
    /// there, the file has no started state, or the task has no checkbox or status to change.
    pub fn task_change(&self, path: &str, id: &str, action: TaskAction) -> Result<WorkspaceChange, Refusal> {
        let file = self.files.get(path).ok_or_else(|| refuse(format!("`{path}` is not in the project")))?;
        let (i, task) =
            file.tasks.iter().enumerate().find(|(_, t)| t.id.name == id).ok_or_else(|| refuse(format!("`{path}` has no task `{id}`")))?;
        let marks = file.ide.task_marks.clone().unwrap_or(TaskMarks::Checkbox { done: 'x', start: None });
        let (range, new_text) = match marks {
            TaskMarks::Checkbox { done, start } => {
                let range = checkbox(file.text(), task).ok_or_else(|| refuse(format!("task `{id}` has no checkbox")))?;
                let c = match action {
                    TaskAction::Done => done,
                    TaskAction::Start => {
                        start.ok_or_else(|| refuse(format!("tasks of `{path}` have no started state; mark `{id}` done instead")))?
                    }
                };
                (range, c.to_string())
            }
            TaskMarks::Status { start, done } => {
                let status =
                    file.ide.task_statuses.get(i).cloned().flatten().ok_or_else(|| refuse(format!("task `{id}` has no `status:`")))?;
                let range = crate::ide::index::narrow(file.text(), status.range, &status.name).unwrap_or(status.range);
                (range, if action == TaskAction::Done { done } else { start }.to_string())
            }
        };
        let what = if action == TaskAction::Done { "marked done" } else { "started" };
        Ok(WorkspaceChange {
            changes: vec![FileChange::Edit { path: path.to_string(), edits: vec![TextEdit { range, new_text }] }],
            summary: format!("{what} task {} in {}", code(id), code(path)),
        })
    }
}

/// The lenses of run `r` at `range`: where it stands (and its gate), and its Advance.
fn run_lenses(ctx: &Context<'_>, r: &crate::analysis::RunRef<'_>, range: TextRange, out: &mut Vec<CodeLens>) {
    let path = r.file.path.as_str();
    let Some(wref) = ctx.workflow_of(r) else { return };
    let wf = wref.wf;
    let w = r.workflow.unwrap_or_default();
    if let Some(view) = crate::frameworks::speckit::run_state::view(ctx, r) {
        spec_kit_run_lenses(ctx, r, wf, &view, range, out);
        return;
    }
    match &r.position {
        Position::Phase(i) => {
            let report = ctx.phase_report(w, *i, Some(path));
            let title = format!(
                "{} · at {} ({}/{}) · {}",
                wf.name,
                wf.phases[*i].id,
                i + 1,
                wf.phases.len(),
                if report.gate_met() { "gate met" } else { "gate unmet" }
            );
            let mut detail = title.clone();
            for u in &report.unmet {
                detail.push_str(&format!("\n- {u}"));
            }
            out.push(CodeLens { range, title, command: LensCommand::Explain(detail) });
            out.push(advance_lens(
                ctx,
                range,
                &wf.name,
                Some(path.to_string()),
                wf.phases.get(i + 1).map(|n| n.id.as_str()),
                &report.unmet,
            ));
        }
        Position::State(s) => {
            let next = crate::ide::hover::next_states(wf, s);
            let title = format!(
                "{} · in state {s} · next: {}",
                wf.name,
                if next.is_empty() { "none".into() } else { next.join(", ").replace('`', "") }
            );
            out.push(CodeLens { range, title: title.clone(), command: LensCommand::Explain(title) });
            if !next.is_empty() {
                out.push(CodeLens {
                    range,
                    title: "▶ Advance".into(),
                    command: LensCommand::Advance { workflow: wf.name.clone(), state: Some(path.to_string()) },
                });
            }
        }
        Position::Done => {
            let title = format!("{} · completed ({} phases)", wf.name, wf.phases.len());
            out.push(CodeLens { range, title: title.clone(), command: LensCommand::Explain(title) });
        }
        Position::Unknown | Position::NotStarted => {}
    }
}

/// The lenses of a run of Spec Kit's workflow engine: its workflow (by its name, not the run's
/// id), the step it stands at and its status as the engine sees it (a gate step it is paused at
/// waits for a decision); and its Advance, blocked with what would move the run on, as the
/// Advance code action says it: the engine moves its runs, phasegate never does.
fn spec_kit_run_lenses(
    ctx: &Context<'_>,
    r: &crate::analysis::RunRef<'_>,
    wf: &crate::model::Workflow,
    view: &crate::frameworks::speckit::run_state::RunView,
    range: TextRange,
    out: &mut Vec<CodeLens>,
) {
    let steps = wf.phases.len();
    let title = match &r.position {
        Position::Phase(i) => {
            let top = wf.phases[*i].title.as_str();
            let nested = view.step.as_deref().filter(|s| *s != top).map_or(String::new(), |s| format!(" › {s}"));
            format!("Spec Kit {} · at {top}{nested} ({}/{steps}) · {}", view.workflow, i + 1, view.state())
        }
        Position::Done => format!("Spec Kit {} · completed ({steps} steps)", view.workflow),
        // A run Spec Kit cannot resume where it stands: `speckit-run-state` and `unknown-state` say why.
        _ => return,
    };
    let mut detail = format!("{title}\n- run {}", view.run_id);
    if let Some(w) = view.workflow_id.as_deref().filter(|w| *w != view.workflow) {
        detail.push_str(&format!(" of workflow {w}"));
    }
    if let (true, Some(step), Some(message)) =
        (view.awaits_decision(), view.step.as_deref(), view.facts.as_ref().and_then(|f| f.message.as_deref()))
    {
        detail.push_str(&format!("\n- gate {step}: {message}"));
    }
    out.push(CodeLens { range, title, command: LensCommand::Explain(detail) });
    if matches!(r.position, Position::Phase(_)) {
        out.push(spec_kit_advance_lens(ctx, range, &wf.name, &r.file.path));
    }
}

/// The Advance lens of a Spec Kit run: what the Advance code action does, which for a run of
/// Spec Kit's engine is to refuse, saying what would move the run on.
fn spec_kit_advance_lens(ctx: &Context<'_>, range: TextRange, workflow: &str, state: &str) -> CodeLens {
    // The time only fills the written timestamps, which a lens does not show.
    match ctx.advance(workflow, Some(state), None, "") {
        Ok(_) => CodeLens {
            range,
            title: "▶ Advance".into(),
            command: LensCommand::Advance { workflow: workflow.to_string(), state: Some(state.to_string()) },
        },
        Err(refusal) => {
            let why = blocked("Advance", &refusal.message, &refusal.unmet);
            CodeLens { range, title: "▶ Advance (blocked)".into(), command: LensCommand::Explain(why) }
        }
    }
}

/// The Advance lens of a run at a phase: enabled, or explaining what blocks it: the gate's
/// `unmet` criteria, or, with the gate met, the refusal of the advance itself (a BMAD entry two
/// sprint files track, an epic with open stories), as the Advance code action says it.
fn advance_lens(
    ctx: &Context<'_>,
    range: TextRange,
    workflow: &str,
    state: Option<String>,
    next: Option<&str>,
    unmet: &[String],
) -> CodeLens {
    if let Some(path) = state.as_deref()
        && crate::frameworks::speckit::run_state::run_file(path, "state.json").is_some()
        && ctx.runs.iter().any(|r| r.file.path == path && r.run.format == crate::model::StateFormat::SpecKitRun)
    {
        // A run of Spec Kit's engine: where it goes next is the engine's to decide.
        return spec_kit_advance_lens(ctx, range, workflow, path);
    }
    let title = match next {
        Some(n) => format!("▶ Advance to {n}"),
        None => "▶ Complete".to_string(),
    };
    let what = title.replace("▶ ", "");
    let reason = if !unmet.is_empty() {
        Some(blocked(&what, "the gate is not met", unmet))
    } else {
        // The time only fills the written timestamps, which a lens does not show.
        ctx.advance(workflow, state.as_deref(), None, "").err().map(|r| blocked(&what, &r.message, &r.unmet))
    };
    match reason {
        None => CodeLens { range, title, command: LensCommand::Advance { workflow: workflow.to_string(), state } },
        Some(reason) => CodeLens { range, title: format!("{title} (blocked)"), command: LensCommand::Explain(reason) },
    }
}

/// The mark inside a task's checkbox (`x` of `- [x] T1`), or the blank of an open one: the one
/// byte between `[` and `]` before the task's id on its line.
fn checkbox(text: &str, task: &crate::model::Task) -> Option<TextRange> {
    let head = text.get(task.range.start..task.id.range.start)?;
    let open = head.find('[')?;
    let start = task.range.start + open + 1;
    let inner = text.get(start..)?.chars().next()?;
    let end = start + inner.len_utf8();
    (text.get(end..end + 1) == Some("]")).then(|| TextRange::new(start, end))
}

/// Whether `path` lies in a framework feature folder (so it may get the feature's lens).
fn path_in_instance(ws: &Workspace, path: &str) -> bool {
    ws.instances().iter().any(|i| i.wf.instance.as_deref().is_some_and(|f| path.starts_with(&format!("{f}/"))))
}
