//! Editor features on the workflow model: hover, go to definition, references, document
//! highlights and links, completion, rename, code lenses, document and workspace symbols, folding
//! ranges, inlay hints and semantic tokens. Plain data in and out: byte offsets into a file's
//! text, project-relative paths, Markdown strings; `server/lsp` converts them to LSP.
//!
//! Everything rests on one index per file version ([`index::FileIndex`]: the symbols a file
//! declares, the references it makes and the deliverable paths it writes), so a request reads
//! the index of the file it is about and, for cross-file answers, the indexes of the files a
//! reference's places name. Gate and deliverable status come from the same analysis the
//! diagnostics use ([`crate::analysis::Context`]).

pub mod index;

mod completion;
mod goto;
mod hints;
mod hover;
mod lens;
mod rename;
mod symbols;
#[cfg(test)]
mod tests;

pub use completion::{Completion, CompletionItem, CompletionKind};
pub use goto::{DocumentLink, Highlight};
pub use hints::{InlayHint, SemanticToken, TokenKind};
pub use hover::Hover;
pub use index::{Location, SymbolKind};
pub use lens::{CodeLens, LensCommand, TaskAction};
pub use symbols::{DocumentSymbol, Fold, OutlineKind, WorkspaceSymbol};

use crate::analysis::{Context, DeliverableStatus, Position};
use crate::model::{Phase, Workflow};

/// Where a run stands relative to one phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PhaseState {
    /// The run has passed it.
    Passed,
    /// The run is at it.
    Current,
    /// The run has not reached it.
    Pending,
    /// No run, or one whose position is unknown or a state.
    NoRun,
}

/// One criterion of a gate, evaluated.
#[derive(Clone, Debug)]
pub(crate) struct CriterionReport {
    pub label: String,
    /// `Some(true)` met, `Some(false)` unmet, `None` stated in prose (shown, not checked).
    pub met: Option<bool>,
    /// Why it is unmet.
    pub reasons: Vec<String>,
}

/// A phase of a workflow with its run, its gate and its deliverables evaluated: what hover,
/// code lenses and the status of the editor's tree view show.
#[derive(Clone, Debug)]
pub(crate) struct PhaseReport {
    pub state: PhaseState,
    /// The state file of the run, if one runs the workflow.
    pub state_path: Option<String>,
    /// Whether the run is inferred from the artifacts.
    pub inferred: bool,
    pub criteria: Vec<CriterionReport>,
    /// Every unmet reason of the gate (framework criteria included).
    pub unmet: Vec<String>,
    /// `(path as written or resolved, status)` per deliverable.
    pub deliverables: Vec<(String, DeliverableStatus, bool)>,
}

impl PhaseReport {
    pub(crate) fn gate_met(&self) -> bool {
        self.unmet.is_empty()
    }

    /// `(present, required)` deliverables.
    pub(crate) fn deliverable_counts(&self) -> (usize, usize) {
        let required: Vec<_> = self.deliverables.iter().filter(|(_, _, optional)| !optional).collect();
        (required.iter().filter(|(_, s, _)| matches!(s, DeliverableStatus::Present(_))).count(), required.len())
    }
}

impl<'a> Context<'a> {
    /// The index in [`Context::workflows`] of workflow `wf` declared in the file at `path`.
    pub(crate) fn workflow_at(&self, path: &str, wf: &Workflow) -> Option<usize> {
        self.workflows
            .iter()
            .position(|w| std::ptr::eq(w.wf, wf) || (w.file.path == path && w.wf.name == wf.name && w.wf.instance.is_none()))
    }

    /// The run of workflow `w` (its state file's, else the one inferred from its artifacts):
    /// `(position, state file, inferred)`. With several state files, the one at `prefer` if it is
    /// one of them, else the first.
    pub(crate) fn run_of(&self, w: usize, prefer: Option<&str>) -> Option<(Position, Option<&crate::analysis::RunRef<'a>>, bool)> {
        let runs: Vec<&crate::analysis::RunRef<'a>> = self.runs.iter().filter(|r| r.workflow == Some(w)).collect();
        if let Some(r) = runs.iter().find(|r| Some(r.file.path.as_str()) == prefer).or(runs.first()) {
            return Some((r.position.clone(), Some(r), false));
        }
        self.inferred().iter().find(|r| r.workflow == w).map(|r| (r.position.clone(), None, true))
    }

    /// The report of phase `i` of workflow `w`.
    pub(crate) fn phase_report(&self, w: usize, i: usize, prefer: Option<&str>) -> PhaseReport {
        let wf = self.workflows[w].wf;
        let phase: &Phase = &wf.phases[i];
        let run = self.run_of(w, prefer);
        let state = match run.as_ref().map(|r| &r.0) {
            Some(Position::Phase(c)) if i < *c => PhaseState::Passed,
            Some(Position::Phase(c)) if i == *c => PhaseState::Current,
            Some(Position::Phase(_)) | Some(Position::NotStarted) => PhaseState::Pending,
            Some(Position::Done) => PhaseState::Passed,
            _ => PhaseState::NoRun,
        };
        let run_ref = run.as_ref().and_then(|r| r.1);
        let mut criteria = Vec::new();
        for c in &phase.gate.criteria {
            let mut one = crate::analysis::GateReport::default();
            self.evaluate(c, phase, run_ref, &mut one);
            let met = if matches!(c.kind, crate::model::CriterionKind::Manual) { None } else { Some(one.met()) };
            criteria.push(CriterionReport { label: c.label.clone(), met, reasons: one.unmet.into_iter().map(|u| u.reason).collect() });
        }
        let whole = self.evaluate_gate(wf, phase, run_ref);
        let deliverables = phase
            .deliverables
            .iter()
            .map(|d| (d.resolved.clone().unwrap_or_else(|_| d.path.clone()), self.deliverable_status(d), d.optional))
            .collect();
        PhaseReport {
            state,
            state_path: run_ref.map(|r| r.file.path.clone()),
            inferred: run.as_ref().is_some_and(|r| r.2),
            criteria,
            unmet: whole.unmet.into_iter().map(|u| u.reason).collect(),
            deliverables,
        }
    }
}

impl Context<'_> {
    /// Phase `i` of workflow `w` as a status report lists it.
    pub(crate) fn phase_status(&self, w: usize, i: usize, prefer: Option<&str>) -> crate::actions::PhaseStatus {
        let wref = &self.workflows[w];
        let phase = &wref.wf.phases[i];
        let report = self.phase_report(w, i, prefer);
        let checked = report.criteria.iter().any(|c| c.met.is_some()) || !report.unmet.is_empty();
        let line = match (&wref.wf.instance, wref.file.line_index()) {
            (None, Some(index)) => Some(index.line_of(phase.range.start)),
            _ => None,
        };
        crate::actions::PhaseStatus {
            id: phase.id.clone(),
            title: phase.title.trim().to_string(),
            status: match report.state {
                PhaseState::Passed => "passed",
                PhaseState::Current => "current",
                PhaseState::Pending => "pending",
                PhaseState::NoRun => "not-started",
            }
            .to_string(),
            gate_met: checked.then(|| report.gate_met()),
            line,
            deliverables: report
                .deliverables
                .iter()
                .map(|(path, status, optional)| crate::actions::DeliverableState {
                    path: path.clone(),
                    status: match status {
                        DeliverableStatus::Present(_) => "present",
                        DeliverableStatus::Missing => "missing",
                        DeliverableStatus::Blank(_) => "empty",
                        DeliverableStatus::Unusable(_) => "unusable",
                    }
                    .to_string(),
                    optional: *optional,
                })
                .collect(),
        }
    }
}

/// A short status line of a phase: `design · current · 2/3 deliverables · gate unmet`.
pub(crate) fn phase_line(phase: &Phase, report: &PhaseReport) -> String {
    let mut parts = vec![phase.id.clone()];
    parts.push(
        match report.state {
            PhaseState::Passed => "passed",
            PhaseState::Current => "current",
            PhaseState::Pending => "pending",
            PhaseState::NoRun => "not started",
        }
        .to_string(),
    );
    let (present, required) = report.deliverable_counts();
    if required > 0 {
        parts.push(format!("{present}/{required} deliverables"));
    }
    let checked = report.criteria.iter().any(|c| c.met.is_some()) || !report.unmet.is_empty();
    if checked {
        parts.push(if report.gate_met() { "gate met".into() } else { "gate unmet".into() });
    } else if !report.criteria.is_empty() {
        parts.push("gate: manual".into());
    }
    parts.join(" · ")
}
