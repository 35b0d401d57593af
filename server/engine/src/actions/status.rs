//! `status`: where each workflow (and each run of it) stands, gate by gate.

use crate::actions::{GateStatus, WorkflowStatus};
use crate::analysis::{Context, Position, RunRef};
use crate::workspace::Workspace;

impl<'a> Context<'a> {
    pub(super) fn status_of(&self, w: usize, run: Option<&RunRef<'_>>) -> WorkflowStatus {
        let wref = &self.workflows[w];
        let wf = wref.wf;
        let mut st = WorkflowStatus {
            name: wf.name.clone(),
            path: wref.file.path.clone(),
            state_path: run.map(|r| r.file.path.clone()),
            status: "not-started".into(),
            current: None,
            current_index: None,
            phase_count: wf.phases.len(),
            recognised_by: wf.recognised_by.iter().map(|r| r.as_str().to_string()).chain(run.map(|_| "state file".to_string())).collect(),
            next: None,
            gates: Vec::new(),
        };
        let Some(run) = run else { return st };
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
            Position::Unknown => {
                st.status = "unknown".into();
                0
            }
        };
        let next = self.next_steps(wf, run);
        st.next = (!next.is_empty()).then(|| next.join(", "));
        for phase in &wf.phases[..upto] {
            let report = self.evaluate_gate(phase, Some(run));
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
            if runs.is_empty() {
                out.push(ctx.status_of(w, None));
            }
            for r in runs {
                out.push(ctx.status_of(w, Some(r)));
            }
        }
        out
    }

    /// The names of the workflows the file at `path` belongs to: those it defines, the one its
    /// run names, or those listing it as a deliverable.
    pub fn workflows_of_file(&self, path: &str) -> Vec<String> {
        let ctx = Context::new(self);
        let mut out: Vec<String> = Vec::new();
        let mut add = |name: &str| {
            if !out.iter().any(|n| n == name) {
                out.push(name.to_string());
            }
        };
        for w in ctx.workflows.iter().filter(|w| w.file.path == path) {
            add(&w.wf.name);
        }
        for r in ctx.runs.iter().filter(|r| r.file.path == path) {
            match ctx.workflow_of(r) {
                Some(w) => add(&w.wf.name),
                None => add(&r.run.workflow.name),
            }
        }
        for w in &ctx.workflows {
            let lists = w.wf.phases.iter().flat_map(|p| &p.deliverables).any(|d| match &d.resolved {
                Ok(p) if p == path => true,
                Ok(_) => d.pattern.as_ref().is_some_and(|pat| pat.is_match(path)),
                Err(_) => false,
            });
            if lists {
                add(&w.wf.name);
            }
        }
        out
    }
}
