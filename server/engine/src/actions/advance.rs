//! `advance` (a run to its next phase or state, when the gate out of the current one is met) and
//! `start` (a state file for a workflow without one). The state files are edited by their
//! format's writer in `crate::state`.

use crate::actions::{FileChange, Refusal, WorkspaceChange, refuse, yaml_scalar};
use crate::analysis::{Context, Position};
use crate::model::{StateFormat, slug};
use crate::paths;
use crate::state;
use crate::workspace::Workspace;

impl<'a> Context<'a> {
    pub(crate) fn advance(&self, name: &str, state_path: Option<&str>, to: Option<&str>, now: &str) -> Result<WorkspaceChange, Refusal> {
        let w = self.workflow_index(name)?;
        let wf = self.workflows[w].wf;
        let Some(run) = self.pick_run(name, state_path)? else {
            if let Some(inferred) = self.inferred_of(w) {
                return self.advance_inferred(w, &inferred.position, now);
            }
            return Err(refuse(format!("workflow `{}` has no state file yet; start it first", wf.name)));
        };
        let current = run.run.current.as_ref().map(|c| c.name.clone()).unwrap_or_default();
        if run.run.format == StateFormat::SpecKitRun && run.position != Position::Unknown {
            // Spec Kit's engine moves its runs on (`specify workflow resume`), never phasegate: why
            // this run does not move, and what would move it, as the engine resumes it.
            return Err(spec_kit_run_refusal(self, run));
        }
        match &run.position {
            Position::Done => return Err(refuse(format!("workflow `{}` is already complete in `{}`", wf.name, run.file.path))),
            Position::Unknown if run.run.current.is_none() => {
                return Err(refuse(format!("`{}` has no `current:` step; fix the state file first", run.file.path)));
            }
            Position::Unknown => {
                return Err(refuse(format!("`{}` does not name a phase or state of `{}`; fix the state file first", current, wf.name)));
            }
            _ => {}
        }
        if let Position::Phase(i) = run.position {
            let report = self.evaluate_gate(wf, &wf.phases[i], Some(run));
            if !report.met() {
                return Err(Refusal {
                    message: format!("the gate of phase `{}` is not met", wf.phases[i].id),
                    unmet: report.unmet.into_iter().map(|u| u.reason).collect(),
                });
            }
        }
        let steps = self.next_steps(wf, run);
        let target = match (to, steps.as_slice()) {
            (Some(t), _) => {
                let found = steps.iter().find(|s| s.eq_ignore_ascii_case(t) || slug(s) == slug(t));
                match found {
                    Some(s) => Some(s.clone()),
                    None => {
                        return Err(refuse(format!(
                            "`{current}` cannot move to `{t}`; next: {}",
                            if steps.is_empty() { "none".into() } else { steps.join(", ") }
                        )));
                    }
                }
            }
            (None, [one]) => Some(one.clone()),
            (None, []) => None,
            (None, many) => return Err(refuse(format!("`{current}` can move to several states ({}); choose one", many.join(", ")))),
        };
        if run.run.format == StateFormat::SprintStatus {
            // A BMAD sprint entry: its status moves in sprint-status.yaml and its story file at once.
            return crate::frameworks::bmad::advance(self, wf, run, &current, target.as_deref(), now);
        }
        let text = run.file.text();
        let completing = target.is_none();
        if completing && !matches!(run.position, Position::Phase(_)) {
            return Err(refuse(format!("`{current}` has no allowed next state")));
        }
        let cur_id = match run.position {
            Position::Phase(i) => wf.phases[i].id.clone(),
            _ => current.clone(),
        };
        let edits = match run.run.format {
            StateFormat::Yaml if run.file.kind == crate::facts::FileKind::Json => {
                state::yaml::advance_json(text, &cur_id, target.as_deref(), now)?
            }
            StateFormat::Yaml => state::yaml::advance(text, run, &cur_id, target.as_deref(), now)?,
            StateFormat::OrchestratorJson => state::orchestrator::advance(text, wf, &cur_id, target.as_deref(), now)?,
            StateFormat::SprintStatus => return Err(refuse("a sprint-status.yaml entry is advanced by BMAD's writer")),
            StateFormat::SpecKitRun => return Err(spec_kit_run_refusal(self, run)),
        };
        let summary = match &target {
            Some(t) => format!("advanced `{}` from `{cur_id}` to `{t}` in `{}`", wf.name, run.file.path),
            None => format!("completed `{}` in `{}`", wf.name, run.file.path),
        };
        Ok(WorkspaceChange { changes: vec![FileChange::Edit { path: run.file.path.clone(), edits }], summary })
    }

    /// Advances a run inferred from its artifacts: the next phase's artifacts are created (the
    /// same change as scaffolding it), once the gates out of the current phase, and of any
    /// phase without artifacts on the way, are met.
    fn advance_inferred(&self, w: usize, position: &Position, now: &str) -> Result<WorkspaceChange, Refusal> {
        let wf = self.workflows[w].wf;
        let from = match position {
            Position::Done => return Err(refuse(format!("`{}` is already complete", wf.name))),
            Position::Phase(i) => Some(*i),
            _ => None,
        };
        let start = from.map_or(0, |i| i + 1);
        let mut skipped = Vec::new();
        let Some(target) = (start..wf.phases.len()).find(|&j| !self.creations(wf, &wf.phases[j], &mut skipped, now).is_empty()) else {
            // At the last phase, what keeps the run from completing is its gate.
            if let Some(i) = from.filter(|&i| i + 1 == wf.phases.len()) {
                let report = self.evaluate_gate(wf, &wf.phases[i], None);
                if !report.met() {
                    return Err(Refusal {
                        message: format!("`{}` cannot complete: the gate of phase `{}` is not met", wf.name, wf.phases[i].id),
                        unmet: report.unmet.into_iter().map(|u| u.reason).collect(),
                    });
                }
            }
            let after = from.and_then(|i| wf.phases.get(i + 1)).map_or("nothing".to_string(), |p| format!("`{}`", p.id));
            return Err(refuse(format!(
                "`{}` is at `{}`; the next phase ({after}) has no artifact to create",
                wf.name,
                from.map_or("the start", |i| wf.phases[i].id.as_str())
            )));
        };
        // The gates to pass: the current phase's and those of phases without artifacts between.
        let mut unmet = Vec::new();
        if let Some(i) = from {
            for phase in &wf.phases[i..target] {
                unmet.extend(self.evaluate_gate(wf, phase, None).unmet.into_iter().map(|u| u.reason));
            }
        }
        if !unmet.is_empty() {
            return Err(Refusal {
                message: format!("`{}` cannot move on to `{}`: a gate on the way is not met", wf.name, wf.phases[target].id),
                unmet,
            });
        }
        let changes = self.creations(wf, &wf.phases[target], &mut skipped, now);
        let created: Vec<String> = changes.iter().map(|c| format!("`{}`", c.path())).collect();
        let summary = format!(
            "advanced `{}` from `{}` to `{}`: created {}",
            wf.name,
            from.map_or("the start", |i| wf.phases[i].id.as_str()),
            wf.phases[target].id,
            created.join(", ")
        );
        Ok(WorkspaceChange { changes, summary })
    }

    pub(crate) fn start(&self, name: &str) -> Result<WorkspaceChange, Refusal> {
        let w = self.workflow_index(name)?;
        let wref = &self.workflows[w];
        if let Some(r) = self.runs_of(name).first() {
            return Err(refuse(format!("workflow `{}` already has a state file: `{}`", wref.wf.name, r.file.path)));
        }
        // A framework's own workflow definition (Spec Kit's `workflow.yml`) is run by the
        // framework's engine, which keeps its own run state.
        if let Some(fw) = wref.wf.framework.as_deref().and_then(crate::frameworks::by_id)
            && wref.wf.instance.is_none()
        {
            return Err(refuse(format!(
                "`{}` is a {} workflow, run by {}'s own engine; phasegate does not start it",
                wref.wf.name, fw.name, fw.name
            )));
        }
        let first = wref
            .wf
            .phases
            .first()
            .map(|p| p.id.clone())
            .or_else(|| wref.wf.state_machine.as_ref().and_then(|sm| sm.states.first().map(|s| s.name.clone())))
            .ok_or_else(|| refuse("the workflow declares no phase or state"))?;
        let folder = paths::parent(&wref.file.path);
        let file = format!("{}.state.yaml", slug(&wref.wf.name));
        let path = if folder.is_empty() { file } else { format!("{folder}/{file}") };
        if self.ws.files.contains_key(&path) {
            return Err(refuse(format!("`{path}` already exists; phasegate does not overwrite files")));
        }
        let content = format!(
            "# Where this run of workflow `{}` stands; phasegate's state format (docs/formats.md).\nworkflow: {}\ncurrent: {}\nhistory: []\n",
            wref.wf.name,
            yaml_scalar(&wref.wf.name),
            yaml_scalar(&first)
        );
        let summary = format!("started `{}` at `{first}`: created `{path}`", wref.wf.name);
        Ok(WorkspaceChange { changes: vec![FileChange::Create { path, content }], summary })
    }
}

/// Why a run of Spec Kit's workflow engine is not advanced by phasegate, as its engine would
/// resume it ([`crate::frameworks::speckit::run_state::RunView::refusal`]).
pub(crate) fn spec_kit_run_refusal(ctx: &Context<'_>, run: &crate::analysis::RunRef<'_>) -> Refusal {
    match crate::frameworks::speckit::run_state::view(ctx, run) {
        Some(view) => view.refusal(),
        None => refuse(format!("`{}` is a run of Spec Kit's workflow engine, which moves it on", run.file.path)),
    }
}

impl Workspace {
    /// Advances workflow `name` (using the state file at `state_path` when several run it) to
    /// its next phase, or to state `to` for a state machine with several next states. On the last
    /// phase, completes the run. `now` is the UTC timestamp written into the history
    /// (RFC 3339, e.g. `2026-11-21T15:00:00Z`). Refused when the current phase's gate is not met
    /// (each unmet criterion listed), when the run is complete, or when its state is unknown.
    pub fn advance(&self, name: &str, state_path: Option<&str>, to: Option<&str>, now: &str) -> Result<WorkspaceChange, Refusal> {
        Context::new(self).advance(name, state_path, to, now)
    }

    /// Creates a state file for workflow `name` beside its doc (`<doc folder>/<name>.state.yaml`),
    /// at its first phase (or first state). Refused when a state file exists.
    pub fn start(&self, name: &str) -> Result<WorkspaceChange, Refusal> {
        Context::new(self).start(name)
    }
}
