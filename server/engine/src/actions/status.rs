//! `status`: where each workflow (and each run of it) stands, gate by gate.

use crate::actions::{GateStatus, WorkflowStatus};
use crate::analysis::{Context, InferredRun, Position, RunRef};
use crate::model::StateFormat;
use crate::workspace::Workspace;

impl<'a> Context<'a> {
    /// The status of workflow `w` with the run inferred from its artifacts.
    pub(crate) fn status_inferred(&self, w: usize, run: &InferredRun) -> WorkflowStatus {
        let wf = self.workflows[w].wf;
        let mut st = self.status_of(w, None);
        st.recognised_by.push("artifacts".to_string());
        let upto = match run.position {
            Position::Phase(i) => {
                st.status = "in-progress".into();
                st.current = Some(wf.phases[i].id.clone());
                st.current_index = Some(i + 1);
                st.next = wf.phases.get(i + 1).map(|p| p.id.clone());
                i + 1
            }
            Position::Done => {
                st.status = "completed".into();
                wf.phases.len()
            }
            _ => 0,
        };
        for phase in &wf.phases[..upto] {
            let report = self.evaluate_gate(wf, phase, None);
            st.gates.push(GateStatus {
                phase: phase.id.clone(),
                met: report.met(),
                unmet: report.unmet.into_iter().map(|u| u.reason).collect(),
                manual: report.manual,
            });
        }
        st
    }

    pub(crate) fn status_of(&self, w: usize, run: Option<&RunRef<'_>>) -> WorkflowStatus {
        let wref = &self.workflows[w];
        let wf = wref.wf;
        let mut st = WorkflowStatus {
            name: wf.name.clone(),
            path: wf.instance.clone().unwrap_or_else(|| wref.file.path.clone()),
            framework: wf.framework.clone(),
            state_path: run.map(|r| r.file.path.clone()),
            status: "not-started".into(),
            current: None,
            current_index: None,
            phase_count: wf.phases.len(),
            recognised_by: wf.recognised_by.iter().map(|r| r.as_str().to_string()).chain(run.map(|_| "state file".to_string())).collect(),
            next: None,
            engine: None,
            gates: Vec::new(),
            phases: (0..wf.phases.len()).map(|i| self.phase_status(w, i, run.map(|r| r.file.path.as_str()))).collect(),
        };
        let Some(run) = run else {
            // A Spec Kit run's snapshot whose `state.json` is there but holds no JSON object (cut
            // off mid-write, say): no run is read from it, and Spec Kit cannot load it either.
            let snapshot = crate::frameworks::speckit::run_state::run_file(&wref.file.path, "workflow.yml");
            let state = format!("{}/state.json", crate::paths::parent(&wref.file.path));
            if let Some(id) = snapshot
                && self.file(&state).is_some()
            {
                st.status = "unknown".into();
                st.state_path = Some(state);
                st.engine = Some(format!("Spec Kit cannot load run `{id}`: its `state.json` is not a JSON object"));
            }
            return st;
        };
        st.current = run.run.current.as_ref().map(|c| c.name.clone());
        let upto = match &run.position {
            Position::Phase(i) => {
                st.status = "in-progress".into();
                st.current = Some(wf.phases[*i].id.clone());
                st.current_index = Some(i + 1);
                i + 1
            }
            Position::Done => {
                st.status = "completed".into();
                wf.phases.len()
            }
            Position::State(_) => {
                st.status = "in-progress".into();
                0
            }
            Position::Unknown | Position::NotStarted => {
                st.status = "unknown".into();
                0
            }
        };
        let next = self.next_steps(wf, run);
        st.next = (!next.is_empty()).then(|| next.join(", "));
        if run.run.format == StateFormat::SpecKitRun {
            // Spec Kit's engine moves its runs, not phasegate's advance: no next step is named
            // (a gate's run waits for a decision, not for `plan`), and the engine's view stands
            // instead. A completed run's `current_step_index` is no step.
            st.next = None;
            if run.position == Position::Done {
                st.current = None;
            } else if let Some(view) = crate::frameworks::speckit::run_state::view(self, run) {
                let refusal = view.refusal();
                let what = std::iter::once(refusal.message).chain(refusal.unmet);
                let words: Vec<String> = what.map(|w| w.trim_end_matches('.').to_string()).collect();
                st.engine = Some(format!("Spec Kit's engine runs `{}`: {}", view.workflow, words.join("; ")));
            }
        }
        for phase in &wf.phases[..upto] {
            let report = self.evaluate_gate(wf, phase, Some(run));
            st.gates.push(GateStatus {
                phase: phase.id.clone(),
                met: report.met(),
                unmet: report.unmet.into_iter().map(|u| u.reason).collect(),
                manual: report.manual,
            });
        }
        st
    }
}

impl Workspace {
    /// The status of every workflow: one entry per state file running it, or one entry with no
    /// run for a workflow without state file. Sorted by workflow path, then state path.
    pub fn status(&self) -> Vec<WorkflowStatus> {
        let ctx = Context::new(self);
        let mut out = Vec::new();
        for w in 0..ctx.workflows.len() {
            let runs: Vec<&RunRef<'_>> = ctx.runs.iter().filter(|r| r.workflow == Some(w)).collect();
            if let Some(inferred) = ctx.inferred_of(w) {
                out.push(ctx.status_inferred(w, inferred));
            } else if runs.is_empty() {
                out.push(ctx.status_of(w, None));
            }
            for r in runs {
                out.push(ctx.status_of(w, Some(r)));
            }
        }
        out
    }

    /// The names of the workflows the file at `path` belongs to: those it defines, the one its
    /// run names, the feature folder holding it, or those listing it as a deliverable.
    pub fn workflows_of_file(&self, path: &str) -> Vec<String> {
        let ctx = Context::new(self);
        ctx.workflows_at(path, true).into_iter().map(|w| ctx.workflows[w].wf.name.clone()).collect()
    }
}
