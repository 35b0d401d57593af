//! The tools' outputs as MCP structured content: plain structs whose JSON Schemas (schemars, for
//! the serialized form) are the tools' `outputSchema`s, and the free functions that fill them from
//! the engine's results. `check` and `status` give the JSON of `phasegate check --format json` and
//! `phasegate status --format json` (docs/cli.md), paths shown relative to the server's folder.

use std::path::Path;

use phasegate_engine::{PositionEncoding, Workspace};
use schemars::JsonSchema;
use serde::Serialize;

/// A 0-based line and a 0-based column in UTF-16 code units, as in LSP.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub(crate) struct PositionOut {
    /// 0-based line.
    pub line: u32,
    /// 0-based column, in UTF-16 code units.
    pub character: u32,
}

/// A range, end exclusive.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub(crate) struct RangeOut {
    /// Where it starts.
    pub start: PositionOut,
    /// Where it ends (exclusive).
    pub end: PositionOut,
}

/// One diagnostic, as `phasegate check --format json` prints it.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub(crate) struct DiagnosticOut {
    /// The file, relative to the server's folder, `/`-separated.
    pub path: String,
    /// The root of the file's project, relative to the server's folder (`.` for it).
    pub project: String,
    /// Where, in 0-based lines and UTF-16 columns.
    pub range: RangeOut,
    /// `error`, `warning`, `information` or `hint`.
    pub severity: String,
    /// The stable diagnostic code (docs/diagnostics.md).
    pub code: String,
    /// What is wrong.
    pub message: String,
}

/// What a check counted.
#[derive(Clone, Debug, Default, Serialize, JsonSchema)]
pub(crate) struct CheckSummary {
    /// Files checked.
    pub files: usize,
    /// Diagnostics of severity `error`: the check fails (as `phasegate check` exits 1) when
    /// this is not 0.
    pub errors: usize,
    /// Diagnostics of severity `warning`.
    pub warnings: usize,
    /// Diagnostics of severity `information`.
    pub information: usize,
    /// Diagnostics of severity `hint`.
    pub hints: usize,
    /// Whether any workflow, state file or framework was recognised (`false`: the paths hold no
    /// workflow documents; check the paths).
    pub recognised: bool,
}

/// The output of `check`.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub(crate) struct CheckOutput {
    /// Every diagnostic, sorted by project, path and position.
    pub diagnostics: Vec<DiagnosticOut>,
    /// The counts.
    pub summary: CheckSummary,
}

/// A gate's verdict, as `status` reports it.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub(crate) struct GateOut {
    /// The phase the gate leads out of.
    pub phase: String,
    /// Whether every checked criterion is met.
    pub met: bool,
    /// Why each unmet criterion is not met.
    pub unmet: Vec<String>,
    /// Criteria written in prose: shown, not checked.
    pub manual: Vec<String>,
}

/// One workflow (or framework instance, or one run of it), as `phasegate status --format json`
/// prints it.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StatusOut {
    /// Workflow name.
    pub name: String,
    /// The workflow doc (or a framework instance's folder), relative to its project root.
    pub path: String,
    /// The state file of the run, relative to the project root; `null` without one.
    pub state_path: Option<String>,
    /// `not-started`, `in-progress`, `completed` or `unknown`.
    pub status: String,
    /// The current phase or state.
    pub current: Option<String>,
    /// 1-based index of the current phase.
    pub current_index: Option<usize>,
    /// How many phases the workflow has.
    pub phase_count: usize,
    /// The conventions that made it a workflow (`definition`, `phase headings`, `gate`,
    /// `deliverables`, `state machine`, `framework`, `state file`, `artifacts`).
    pub recognised_by: Vec<String>,
    /// The framework's id for a framework's feature folder (`speckit`, `kiro`, `openspec`,
    /// `bmad`, `ops-build`).
    pub framework: Option<String>,
    /// The next phase or state(s); `null` on the last phase and for a run its framework's own
    /// engine moves (`engine`).
    pub next: Option<String>,
    /// For a run its framework's own engine moves (a Spec Kit workflow run): where that engine
    /// leaves it and what moves it on, in words. Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub engine: Option<String>,
    /// The gate of every phase up to and including the current one.
    pub gates: Vec<GateOut>,
    /// Every phase, in order, with where the run stands relative to it, its gate and its
    /// deliverables.
    pub phases: Vec<PhaseOut>,
    /// The root of its project, relative to the server's folder (`.` for it).
    pub project: String,
}

/// One phase of a workflow in `status`.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PhaseOut {
    /// Its id.
    pub id: String,
    /// Its title as written.
    pub title: String,
    /// `passed`, `current`, `pending`, or `not-started` when no run is known.
    pub status: String,
    /// Whether its gate is met (every checked criterion); `null` when it checks nothing.
    pub gate_met: Option<bool>,
    /// The 0-based line of its heading (or definition entry) in the workflow's file; `null` for a
    /// framework feature's phases, which no file of the project declares.
    pub line: Option<u32>,
    /// Its deliverables.
    pub deliverables: Vec<DeliverableOut>,
}

/// A deliverable of a phase in `status`.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub(crate) struct DeliverableOut {
    /// Project-relative path (with placeholders, for a pattern).
    pub path: String,
    /// `present`, `missing`, `empty` or `unusable` (it leaves the project).
    pub status: String,
    /// Optional deliverables are never required.
    pub optional: bool,
}

/// The output of `status`.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub(crate) struct StatusOutput {
    /// Every workflow of the projects asked about.
    pub workflows: Vec<StatusOut>,
}

/// One criterion of a gate, evaluated.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub(crate) struct CriterionOut {
    /// `deliverable`, `complete`, `checklist`, `no-markers`, `recorded`, `section`,
    /// `any-ticked`, `manual` or `framework`.
    pub kind: String,
    /// The criterion as written.
    pub label: String,
    /// Whether it is met; `null` for a manual criterion (not checked).
    pub met: Option<bool>,
    /// The files it reads, relative to the project root.
    pub files: Vec<String>,
    /// Why it is not met.
    pub reason: Option<String>,
    /// What would satisfy it.
    pub satisfy: Option<String>,
}

/// What one file has to do with a gate.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub(crate) struct FileOut {
    /// Relative to the project root.
    pub path: String,
    /// Whether every checked criterion reading it is met.
    pub met: bool,
    /// Why each unmet criterion on it is not met.
    pub blocking: Vec<String>,
    /// What would satisfy them.
    pub satisfy: Vec<String>,
}

/// The output of `explain_gate`.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ExplainOutput {
    /// Workflow name.
    pub workflow: String,
    /// The root of its project, relative to the server's folder (`.` for it).
    pub project: String,
    /// The workflow doc (or a framework instance's folder), relative to the project root.
    pub path: String,
    /// The state file whose recorded results were used, relative to the project root.
    pub state_path: Option<String>,
    /// The phase the gate leads out of (its id).
    pub phase: String,
    /// Its title as written.
    pub title: String,
    /// Whether it is the run's current phase.
    pub current: bool,
    /// The phase the gate leads to; `null` out of the last phase.
    pub next: Option<String>,
    /// Whether the gate is met (every checked criterion).
    pub met: bool,
    /// Every criterion, met or not.
    pub criteria: Vec<CriterionOut>,
    /// File by file: what blocks the gate there and what would satisfy it.
    pub files: Vec<FileOut>,
}

/// One file a change touches.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub(crate) struct ChangedFile {
    /// Relative to the project root.
    pub path: String,
    /// `edit` (an existing file) or `create` (a new file; never over an existing one).
    pub change: String,
}

/// Why a change was refused.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub(crate) struct RefusalOut {
    /// What was refused and why.
    pub message: String,
    /// Each unmet criterion, when a gate blocks it.
    pub unmet: Vec<String>,
}

/// The output of `advance` and `scaffold`.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub(crate) struct ChangeOutput {
    /// The root of the project changed, relative to the server's folder (`.` for it).
    pub project: String,
    /// Whether the change was written (only with `apply: true`).
    pub applied: bool,
    /// What the change does (or was refused), in one line.
    pub summary: String,
    /// The change as a unified diff (`a/PATH` → `b/PATH`, `/dev/null` for a new file); empty
    /// when refused.
    pub diff: String,
    /// The files the change touches.
    pub files: Vec<ChangedFile>,
    /// The files written, relative to the project root (empty unless applied).
    pub written: Vec<String>,
    /// Why it was refused; `null` when it was not.
    pub refused: Option<RefusalOut>,
}

/// `path` shown relative to the server's folder `root` (`/`-separated, `.` for the folder
/// itself), or absolute when it lies outside (never, for the paths the tools accept).
pub(crate) fn shown(root: &Path, path: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(rel) if rel.as_os_str().is_empty() => ".".to_string(),
        Ok(rel) => rel.to_string_lossy().replace('\\', "/"),
        Err(_) => path.to_string_lossy().replace('\\', "/"),
    }
}

/// `rel` (relative to `project`) shown relative to the server's folder.
pub(crate) fn shown_in(root: &Path, project: &Path, rel: &str) -> String {
    let p = shown(root, project);
    if p == "." { rel.to_string() } else { format!("{p}/{rel}") }
}

/// The diagnostics of `ws` (project root `project`) for the paths `selects` accepts, in the
/// format of `phasegate check --format json`, added to `out`; the counts go to `summary`.
pub(crate) fn diagnostics(
    root: &Path,
    project: &Path,
    ws: &Workspace,
    selects: impl Fn(&str) -> bool,
    out: &mut Vec<DiagnosticOut>,
    summary: &mut CheckSummary,
) {
    let label = shown(root, project);
    for (path, list) in ws.diagnostics() {
        if !selects(&path) {
            continue;
        }
        let index = ws.line_index(&path);
        let pos = |o: usize| {
            let p = index.map(|i| i.position(o, PositionEncoding::Utf16)).unwrap_or_default();
            PositionOut { line: p.line, character: p.character }
        };
        for d in list {
            match d.severity {
                phasegate_engine::Severity::Error => summary.errors += 1,
                phasegate_engine::Severity::Warning => summary.warnings += 1,
                phasegate_engine::Severity::Information => summary.information += 1,
                phasegate_engine::Severity::Hint => summary.hints += 1,
            }
            out.push(DiagnosticOut {
                path: shown_in(root, project, &path),
                project: label.clone(),
                range: RangeOut { start: pos(d.range.start), end: pos(d.range.end) },
                severity: d.severity.as_str().to_string(),
                code: d.code.as_str().to_string(),
                message: d.message,
            });
        }
    }
}

/// A workflow's status as `status` gives it.
pub(crate) fn status(root: &Path, project: &Path, s: phasegate_engine::WorkflowStatus) -> StatusOut {
    StatusOut {
        name: s.name,
        path: s.path,
        state_path: s.state_path,
        status: s.status,
        current: s.current,
        current_index: s.current_index,
        phase_count: s.phase_count,
        recognised_by: s.recognised_by,
        framework: s.framework,
        next: s.next,
        engine: s.engine,
        gates: s.gates.into_iter().map(|g| GateOut { phase: g.phase, met: g.met, unmet: g.unmet, manual: g.manual }).collect(),
        phases: s
            .phases
            .into_iter()
            .map(|p| PhaseOut {
                id: p.id,
                title: p.title,
                status: p.status,
                gate_met: p.gate_met,
                line: p.line,
                deliverables: p
                    .deliverables
                    .into_iter()
                    .map(|d| DeliverableOut { path: d.path, status: d.status, optional: d.optional })
                    .collect(),
            })
            .collect(),
        project: shown(root, project),
    }
}

/// A gate explanation as `explain_gate` gives it.
pub(crate) fn explanation(root: &Path, project: &Path, e: phasegate_engine::GateExplanation) -> ExplainOutput {
    ExplainOutput {
        workflow: e.workflow,
        project: shown(root, project),
        path: e.path,
        state_path: e.state_path,
        phase: e.phase,
        title: e.title,
        current: e.current,
        next: e.next,
        met: e.met,
        criteria: e
            .criteria
            .into_iter()
            .map(|c| CriterionOut { kind: c.kind, label: c.label, met: c.met, files: c.files, reason: c.reason, satisfy: c.satisfy })
            .collect(),
        files: e.files.into_iter().map(|f| FileOut { path: f.path, met: f.met, blocking: f.blocking, satisfy: f.satisfy }).collect(),
    }
}

/// One workflow drawn by `graph`.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GraphedOut {
    /// Workflow name.
    pub name: String,
    /// The workflow doc (or a framework instance's folder), relative to the project root.
    pub path: String,
    /// The state file of the run drawn, relative to the project root.
    pub state_path: Option<String>,
    /// `not-started`, `in-progress`, `completed` or `unknown`.
    pub status: String,
}

/// The output of `graph`.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub(crate) struct GraphOutput {
    /// The root of the project drawn, relative to the server's folder (`.` for it).
    pub project: String,
    /// `mermaid` or `dot`.
    pub format: String,
    /// The drawing: a Mermaid flowchart (paste it into a ```mermaid block) or a DOT digraph.
    pub text: String,
    /// The workflows drawn, in the drawing's order.
    pub workflows: Vec<GraphedOut>,
}

/// What `graph` gives.
pub(crate) fn graph(
    root: &Path,
    project: &Path,
    format: &str,
    text: String,
    graphs: &[phasegate_engine::graph::WorkflowGraph],
) -> GraphOutput {
    GraphOutput {
        project: shown(root, project),
        format: format.to_string(),
        text,
        workflows: graphs
            .iter()
            .map(|g| GraphedOut { name: g.name.clone(), path: g.path.clone(), state_path: g.state_path.clone(), status: g.status.clone() })
            .collect(),
    }
}
