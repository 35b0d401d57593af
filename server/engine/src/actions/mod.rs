//! Actions on a workspace: advance a run to its next phase, start a run, scaffold deliverables,
//! explain a gate, and quick fixes; one module per job (`status`, `advance`, `scaffold`,
//! `explain`, `code_actions`), the state
//! formats' readers and writers side by side in `crate::state`. They return [`WorkspaceChange`]s (edits and file creations as plain data);
//! the CLI writes them to disk, the server sends them to the editor as a WorkspaceEdit. Nothing
//! here writes, and no change ever overwrites an existing file or leaves the workspace root.

use serde::Serialize;

use crate::analysis::{Context, Position, RunRef};
use crate::diagnostics::Code;
use crate::model::Workflow;
use crate::paths;
use crate::text::TextRange;

pub use explain::{CriterionReport, FileReport, GateExplanation};

mod advance;
mod code_actions;
mod explain;
mod scaffold;
mod status;
#[cfg(test)]
mod tests;

/// A replacement of `range` (bytes of the file's current text) by `new_text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    /// Byte range to replace.
    pub range: TextRange,
    /// The replacement.
    pub new_text: String,
}

/// One file's part of a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileChange {
    /// Edits to an existing file, non-overlapping, sorted by range.
    Edit {
        /// Workspace-relative path.
        path: String,
        /// The edits.
        edits: Vec<TextEdit>,
    },
    /// A new file. Applying it must fail, not overwrite, if the file exists by then.
    Create {
        /// Workspace-relative path, inside the root.
        path: String,
        /// Its content.
        content: String,
    },
}

impl FileChange {
    /// The workspace-relative path it touches.
    pub fn path(&self) -> &str {
        match self {
            FileChange::Edit { path, .. } | FileChange::Create { path, .. } => path,
        }
    }
}

/// A set of file changes applied together.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkspaceChange {
    /// The changes, in application order.
    pub changes: Vec<FileChange>,
    /// What the change does, in one line for people ("scaffolded phase `design` of
    /// `checkout`: created `docs/design.md`").
    pub summary: String,
}

/// What an action does, for grouping in an editor's menu.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionKind {
    /// A certain fix of one diagnostic.
    QuickFix,
    /// Advance a run to its next phase or state (or complete it).
    Advance,
    /// Create a state file for a workflow that has none.
    Start,
    /// Create missing deliverables.
    Scaffold,
}

/// An action offered at a place in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    /// Menu title ("Advance demo to design").
    pub title: String,
    /// Kind.
    pub kind: ActionKind,
    /// The change; `None` when the action is disabled.
    pub change: Option<WorkspaceChange>,
    /// Why the action cannot run now (each unmet gate criterion), when disabled.
    pub disabled: Option<String>,
    /// The diagnostic code it fixes, for quick fixes.
    pub fixes: Option<Code>,
    /// The workflow it acts on.
    pub workflow: Option<String>,
    /// Whether the range asked about is the action's own place: for Advance, Complete and
    /// Scaffold the line of the run's `current:` step (state file) or the current phase's heading
    /// (workflow doc); for Start, the workflow's first phase heading; quick fixes are always at
    /// their place. Editors show anchored actions first (LSP: as quick fixes).
    pub anchored: bool,
}

/// Why an operation was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// One-line explanation.
    pub message: String,
    /// Each unmet criterion, when gates block it.
    pub unmet: Vec<String>,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        // At most `MAX_LISTED` criteria, then how many more: a gate with 500,000 unmet criteria
        // is no reason for a 500,000-line refusal (or code-action reason).
        for u in self.unmet.iter().take(crate::diagnostics::MAX_LISTED) {
            write!(f, "\n  - {u}")?;
        }
        if self.unmet.len() > crate::diagnostics::MAX_LISTED {
            write!(f, "\n  - ... and {} more", self.unmet.len() - crate::diagnostics::MAX_LISTED)?;
        }
        Ok(())
    }
}

pub(crate) fn refuse(message: impl Into<String>) -> Refusal {
    Refusal { message: message.into(), unmet: Vec::new() }
}

/// The gate of each phase, met or not, for status reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GateStatus {
    /// The phase the gate leads out of.
    pub phase: String,
    /// Whether every checked criterion is met.
    pub met: bool,
    /// Each unmet criterion.
    pub unmet: Vec<String>,
    /// Criteria stated in prose, not checked.
    pub manual: Vec<String>,
}

/// Where one workflow (and one run of it, if a state file exists) stands. Serialised as the
/// status object of docs/lsp.md.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowStatus {
    /// Workflow name.
    pub name: String,
    /// Workspace-relative path of the workflow doc.
    pub path: String,
    /// Workspace-relative path of the state file, if any.
    pub state_path: Option<String>,
    /// `not-started`, `in-progress`, `completed` or `unknown` (the state names nothing known).
    pub status: String,
    /// Current phase or state id.
    pub current: Option<String>,
    /// 1-based index of the current phase.
    pub current_index: Option<usize>,
    /// Number of phases.
    pub phase_count: usize,
    /// The conventions that make the document a workflow: `definition`, `phase headings`,
    /// `gate`, `deliverables`, `state machine`, `framework` for a framework's feature folder, and
    /// `state file` or `artifacts` when the entry is a run recorded in a state file or inferred
    /// from the artifacts (docs/conventions.md, "When a file defines a workflow").
    pub recognised_by: Vec<String>,
    /// The framework's id (`speckit`, ...), for a framework's feature folder.
    pub framework: Option<String>,
    /// The next phase or state(s), comma-separated when a state machine allows several; `None`
    /// on the last phase, and for a run its framework's own engine moves ([`WorkflowStatus::engine`]).
    pub next: Option<String>,
    /// For a run its framework's own engine moves (a Spec Kit workflow run's `state.json`, which
    /// `specify workflow run` and `resume` write): where the engine leaves it and what moves it
    /// on, in words (``Spec Kit's engine runs `Full SDD`: the run waits at gate `review` for a
    /// decision (approve or reject); ...``), as phasegate's advance refuses it. Not serialised when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub engine: Option<String>,
    /// The gate of every phase up to and including the current one.
    pub gates: Vec<GateStatus>,
    /// Every phase, in order, with where the run stands relative to it, its gate and its
    /// deliverables (what an editor's tree of workflows shows).
    pub phases: Vec<PhaseStatus>,
}

/// One phase of a workflow in a status report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhaseStatus {
    /// Its id.
    pub id: String,
    /// Its title as written.
    pub title: String,
    /// `passed`, `current`, `pending`, or `not-started` when no run is known.
    pub status: String,
    /// Whether its gate is met (every checked criterion); `None` when it checks nothing.
    pub gate_met: Option<bool>,
    /// The 0-based line of its heading (or definition entry) in the workflow's file; `None` for
    /// a framework feature's phases, which no file of the project declares.
    pub line: Option<u32>,
    /// Its deliverables.
    pub deliverables: Vec<DeliverableState>,
}

/// A deliverable in a status report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeliverableState {
    /// Project-relative path (with placeholders, for a pattern).
    pub path: String,
    /// `present`, `missing`, `empty` or `unusable` (it leaves the project).
    pub status: String,
    /// Optional deliverables are never required.
    pub optional: bool,
}

/// Renders a YAML scalar: plain when safe, else double-quoted (JSON escaping is valid YAML).
pub(crate) fn yaml_scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().all(|c| c.is_alphanumeric() || matches!(c, ' ' | '_' | '-' | '.' | '/' | ':'))
        && !s.contains(": ")
        && !s.ends_with(':')
        && !s.starts_with([' ', '-', ':'])
        && !s.ends_with(' ')
        && !matches!(s.to_ascii_lowercase().as_str(), "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "~");
    if plain { s.to_string() } else { serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\"")) }
}

/// Title-cases a file stem: `user-stories` → `User Stories`.
pub(crate) fn title_of(path: &str) -> String {
    paths::file_stem(path)
        .split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) if w.chars().all(|c| c.is_lowercase() || c.is_ascii_digit()) => f.to_uppercase().chain(c).collect(),
                _ => w.to_string(),
            }
        })
        .collect::<Vec<String>>()
        .join(" ")
}

impl<'a> Context<'a> {
    pub(super) fn runs_of(&self, name: &str) -> Vec<&RunRef<'a>> {
        let key = crate::analysis::name_key(name);
        self.runs.iter().filter(|r| r.workflow.is_some_and(|w| self.workflows[w].wf.keys.name == key)).collect()
    }

    pub(super) fn workflow_index(&self, name: &str) -> Result<usize, Refusal> {
        match self.by_name.get(&crate::analysis::name_key(name)).map(Vec::as_slice) {
            Some([one]) => Ok(*one),
            // BMAD entries of two sprint-status.yaml files (`bmad-duplicate-sprint-status`).
            Some(list) if list.iter().all(|&w| self.workflows[w].wf.framework.as_deref() == Some("bmad")) => Err(refuse(format!(
                "{} sprint-status.yaml files track `{name}` ({}); BMAD keeps one, so remove the stale one first",
                list.len(),
                list.iter().map(|&w| format!("`{}`", self.workflows[w].file.path)).collect::<Vec<_>>().join(", ")
            ))),
            Some([first, ..]) => Err(refuse(format!(
                "several documents define workflow `{name}` (first: `{}`); rename one",
                self.workflows[*first].file.path
            ))),
            _ => {
                let mut names: Vec<&str> = self.workflows.iter().map(|w| w.wf.name.as_str()).collect();
                names.sort_unstable();
                Err(refuse(format!(
                    "no workflow named `{name}`; known workflows: {}",
                    if names.is_empty() { "none".into() } else { names.join(", ") }
                )))
            }
        }
    }

    pub(super) fn pick_run(&self, name: &str, state_path: Option<&str>) -> Result<Option<&RunRef<'a>>, Refusal> {
        let runs = self.runs_of(name);
        match state_path {
            Some(p) => runs
                .into_iter()
                .find(|r| r.file.path == p)
                .map(Some)
                .ok_or_else(|| refuse(format!("`{p}` is not a state file of workflow `{name}`"))),
            None => match runs.as_slice() {
                [] => Ok(None),
                [one] => Ok(Some(*one)),
                many => Err(refuse(format!(
                    "several state files run workflow `{name}`: {}; choose one",
                    many.iter().map(|r| format!("`{}`", r.file.path)).collect::<Vec<_>>().join(", ")
                ))),
            },
        }
    }

    /// The run inferred from the artifacts of workflow `w`, when no state file runs it.
    pub(crate) fn inferred_of(&self, w: usize) -> Option<&crate::analysis::InferredRun> {
        self.inferred().iter().find(|r| r.workflow == w)
    }

    /// The workflows the file at `path` belongs to (indices into [`Context::workflows`]): those
    /// it defines, the one its run names (for a Spec Kit run's `state.json`, its snapshot), the
    /// instance whose folder holds it, or those listing it as a deliverable when `deliverables`
    /// is set.
    pub(crate) fn workflows_at(&self, path: &str, deliverables: bool) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        let mut add = |w: usize| {
            if !out.contains(&w) {
                out.push(w);
            }
        };
        for (w, wref) in self.workflows.iter().enumerate() {
            let defines = match &wref.wf.instance {
                Some(folder) => path.strip_prefix(folder.as_str()).is_some_and(|rest| rest.starts_with('/')),
                None => wref.file.path == path,
            };
            if defines {
                add(w);
            }
        }
        for r in self.runs.iter().filter(|r| r.file.path == path) {
            if let Some(w) = r.workflow {
                add(w);
            }
        }
        // A Spec Kit run's `state.json` belongs to the snapshot beside it, also when no run could
        // be read from it (no JSON object).
        if crate::frameworks::speckit::run_state::run_file(path, "state.json").is_some() {
            let snapshot = format!("{}/workflow.yml", crate::paths::parent(path));
            if let Some(w) = self.workflows.iter().position(|wref| wref.file.path == snapshot) {
                add(w);
            }
        }
        if deliverables {
            for (w, wref) in self.workflows.iter().enumerate() {
                let lists = wref.wf.phases.iter().flat_map(|p| &p.deliverables).any(|d| match &d.resolved {
                    Ok(p) if p == path => true,
                    Ok(_) => d.pattern.as_ref().is_some_and(|pat| pat.is_match(path)),
                    Err(_) => false,
                });
                if lists {
                    add(w);
                }
            }
        }
        out
    }

    /// The targets a run can move to next, and whether the move completes the workflow.
    pub(super) fn next_steps(&self, wf: &Workflow, run: &RunRef<'_>) -> Vec<String> {
        match &run.position {
            Position::Phase(i) => wf.phases.get(i + 1).map(|p| vec![p.id.clone()]).unwrap_or_default(),
            Position::State(s) => {
                let Some(sm) = &wf.state_machine else { return Vec::new() };
                let mut out: Vec<String> = Vec::new();
                for t in &sm.transitions {
                    let from_ok = t.from.as_deref().is_none_or(|f| f.eq_ignore_ascii_case(s));
                    let forbidden = sm
                        .forbidden
                        .iter()
                        .any(|f| f.from.as_deref().is_none_or(|x| x.eq_ignore_ascii_case(s)) && f.to.eq_ignore_ascii_case(&t.to));
                    if from_ok && !forbidden && !t.to.eq_ignore_ascii_case(s) && !out.iter().any(|o| o.eq_ignore_ascii_case(&t.to)) {
                        out.push(t.to.clone());
                    }
                }
                out
            }
            _ => Vec::new(),
        }
    }
}
