//! The tools: their names, descriptions, input schemas (from the input structs below) and output
//! schemas (from `convert`), and what each does. Arguments are read here, not by the SDK, so a
//! wrong argument is a tool error with a clear message, like any other failure; only an unknown
//! tool name is a protocol error.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use phasegate_engine::{FileChange, Refusal, WorkspaceChange};
use phasegate_host::disk::Filter;
use phasegate_host::project::{self, Project};
use phasegate_host::write;
use rmcp::handler::server::common::{schema_for_input, schema_for_output};
use rmcp::model::{CallToolResult, ContentBlock, JsonObject, Tool, ToolAnnotations};
use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::convert::{self, ChangeOutput, ChangedFile, CheckOutput, CheckSummary, ExplainOutput, RefusalOut, StatusOutput};

/// Every tool's name, in the order `tools/list` gives them.
pub(crate) const NAMES: [&str; 6] = ["check", "status", "explain_gate", "advance", "scaffold", "graph"];

/// A diagnostic severity, or `off`.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Level {
    /// Fails the check.
    Error,
    /// Reported, does not fail the check.
    Warning,
    /// Reported as information.
    Information,
    /// Reported as a hint.
    Hint,
    /// Not reported.
    Off,
}

/// Input of `check`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CheckInput {
    /// Files or folders to check, relative to the server's folder (default: the whole folder).
    /// Each is checked within its project (the nearest folder with a project marker such as
    /// `phasegate.toml`, `.specify/`, `.kiro/`, `openspec/`, `_bmad/` or `.ops/build/`): the
    /// whole project is read, the diagnostics of the paths given are reported.
    #[serde(default)]
    pub paths: Vec<String>,
    /// A severity per diagnostic code (docs/diagnostics.md), over the project's
    /// `phasegate.toml`: `{"missing-deliverable": "warning"}`.
    #[serde(default)]
    pub severity: BTreeMap<String, Level>,
    /// Only index paths (relative to each folder walked) matching one of these globs.
    #[serde(default)]
    pub include: Vec<String>,
    /// Leave out paths matching one of these globs.
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// Input of `status`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StatusInput {
    /// A folder (every project in it) or a file (its project), relative to the server's folder
    /// (default: the whole folder).
    pub path: Option<String>,
}

/// Input of `explain_gate`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExplainInput {
    /// The workflow's name, as `status` gives it (a framework feature's folder name).
    pub workflow: String,
    /// The phase whose gate to explain: its id, title or number (default: the run's current
    /// phase, else the first).
    pub phase: Option<String>,
    /// The state file of the run, relative to the project root, when several run the workflow.
    pub state: Option<String>,
    /// A folder or file of the project, relative to the server's folder (default: the server's
    /// folder).
    pub path: Option<String>,
}

/// Input of `advance`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AdvanceInput {
    /// The workflow's name, as `status` gives it.
    pub workflow: String,
    /// The state file to advance, relative to the project root, when several run the workflow.
    pub state: Option<String>,
    /// The target state, when a state machine allows several.
    pub to: Option<String>,
    /// A folder or file of the project, relative to the server's folder (default: the server's
    /// folder).
    pub path: Option<String>,
    /// Write the change. Without it (the default) nothing is written: the change is shown as a
    /// diff, after every check the real write makes.
    #[serde(default)]
    pub apply: bool,
}

/// Input of `scaffold`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScaffoldInput {
    /// The workflow's name, as `status` gives it.
    pub workflow: String,
    /// The phase whose missing deliverables to create: id, title or number (default: the run's
    /// current phase, or the next one when its deliverables all exist).
    pub phase: Option<String>,
    /// The state file of the run, relative to the project root, when several run the workflow.
    pub state: Option<String>,
    /// A folder or file of the project, relative to the server's folder (default: the server's
    /// folder).
    pub path: Option<String>,
    /// Write the new files. Without it (the default) nothing is written: the files are shown as
    /// a diff. Existing files are never overwritten.
    #[serde(default)]
    pub apply: bool,
}

/// A graph format.
#[derive(Clone, Copy, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum GraphFormat {
    /// A Mermaid flowchart, to paste into Markdown in a ```mermaid block.
    #[default]
    Mermaid,
    /// Graphviz DOT.
    Dot,
}

/// Input of `graph`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct GraphInput {
    /// Only this workflow (its name as `status` gives it); default: every workflow of the project.
    pub workflow: Option<String>,
    /// Only the run in this state file, relative to the project root.
    pub state: Option<String>,
    /// A folder or file of the project, relative to the server's folder (default: the server's
    /// folder).
    pub path: Option<String>,
    /// `mermaid` (default) or `dot`.
    #[serde(default)]
    pub format: GraphFormat,
}

fn input_schema<T: JsonSchema + 'static>() -> Arc<JsonObject> {
    // The input structs are objects: this cannot fail (a test lists every tool).
    schema_for_input::<T>().unwrap_or_default()
}

/// Every tool, for `tools/list`.
pub(crate) fn all() -> Vec<Tool> {
    let read_only = |title: &str| ToolAnnotations::with_title(title).read_only(true).open_world(false);
    let writes = |title: &str| ToolAnnotations::with_title(title).read_only(false).destructive(false).idempotent(false).open_world(false);
    vec![
        Tool::new(
            "check",
            "Check workflow documents (phases, gates, deliverables, state files, task lists, framework rules) and return every diagnostic, as `phasegate check --format json`. Call it before declaring a phase done; `summary.errors` must be 0.",
            input_schema::<CheckInput>(),
        )
        .with_raw_output_schema(schema_for_output::<CheckOutput>())
        .with_annotations(read_only("Check workflow documents")),
        Tool::new(
            "status",
            "Where each workflow (and each framework feature: Spec Kit, Kiro, OpenSpec, BMAD, .ops/build) stands: its current phase, the next one, and the gate of every phase so far, met or not with each reason.",
            input_schema::<StatusInput>(),
        )
        .with_raw_output_schema(schema_for_output::<StatusOutput>())
        .with_annotations(read_only("Workflow status")),
        Tool::new(
            "explain_gate",
            "Explain one gate of a workflow (default: the current phase's): every criterion met or not, why, and what would satisfy it, file by file.",
            input_schema::<ExplainInput>(),
        )
        .with_raw_output_schema(schema_for_output::<ExplainOutput>())
        .with_annotations(read_only("Explain a gate")),
        Tool::new(
            "advance",
            "Move a workflow's run to its next phase (or complete it), as `phasegate advance`: refused while the current phase's gate is not met. Shows the change as a diff; writes the state file only with `apply: true`.",
            input_schema::<AdvanceInput>(),
        )
        .with_raw_output_schema(schema_for_output::<ChangeOutput>())
        .with_annotations(writes("Advance a workflow")),
        Tool::new(
            "scaffold",
            "Create the missing deliverables of a phase with starter content (its templates), as `phasegate scaffold`; never overwrites a file. Shows the new files as a diff; writes them only with `apply: true`.",
            input_schema::<ScaffoldInput>(),
        )
        .with_raw_output_schema(schema_for_output::<ChangeOutput>())
        .with_annotations(writes("Scaffold deliverables")),
        Tool::new(
            "graph",
            "Draw workflows as a Mermaid flowchart (or Graphviz DOT): phases or states and their transitions, the gate on each edge, the run's position, unmet gates and missing deliverables marked. The Mermaid text can be pasted into Markdown (a README, a pull request).",
            input_schema::<GraphInput>(),
        )
        .with_raw_output_schema(schema_for_output::<convert::GraphOutput>())
        .with_annotations(read_only("Draw workflows")),
    ]
}

/// Whether `name` is a tool.
pub(crate) fn exists(name: &str) -> bool {
    NAMES.contains(&name)
}

/// Why a tool could not do what it was asked: its result is a tool error with this message.
pub(crate) struct Failed(String);

fn failed(message: impl Into<String>) -> Failed {
    Failed(message.into())
}

/// A tool error with `message`.
fn error(message: impl Into<String>) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(message.into())])
}

/// A successful result with `value` as structured content (and as JSON text, for clients that
/// read only text).
fn success(value: &impl serde::Serialize) -> CallToolResult {
    match serde_json::to_value(value) {
        Ok(v) => CallToolResult::structured(v),
        Err(e) => error(format!("internal error: the result could not be serialised: {e}")),
    }
}

/// Reads a tool's arguments; the error names the tool and what is wrong.
fn arguments<T: DeserializeOwned>(tool: &str, value: serde_json::Value) -> Result<T, Failed> {
    serde_json::from_value(value).map_err(|e| failed(format!("invalid arguments for `{tool}`: {e}")))
}

/// Runs tool `name` with `arguments` in the server's folder `root`.
pub(crate) fn call(root: &Path, name: &str, arguments: serde_json::Value) -> CallToolResult {
    let result = match name {
        "check" => self::arguments(name, arguments).and_then(|a| check(root, a)),
        "status" => self::arguments(name, arguments).and_then(|a| status(root, a)),
        "explain_gate" => self::arguments(name, arguments).and_then(|a| explain(root, a)),
        "advance" => self::arguments(name, arguments).and_then(|a| advance(root, a)),
        "scaffold" => self::arguments(name, arguments).and_then(|a| scaffold(root, a)),
        "graph" => self::arguments(name, arguments).and_then(|a| graph(root, a)),
        _ => Err(failed(format!("unknown tool `{name}`"))),
    };
    result.unwrap_or_else(|Failed(message)| error(message))
}

/// `path` (relative to the server's folder `root`, or absolute) as an absolute path inside
/// `root`, which must exist.
fn inside(root: &Path, path: &str) -> Result<PathBuf, Failed> {
    let joined = root.join(path);
    let real = std::fs::canonicalize(&joined).map_err(|e| failed(format!("`{path}`: {e}")))?;
    if !real.starts_with(root) {
        return Err(failed(format!(
            "`{path}` is outside the folder the server works in ({}); phasegate reads and writes only inside it",
            root.display()
        )));
    }
    if !(real.is_file() || real.is_dir()) {
        return Err(failed(format!("`{path}` is not a regular file or folder; phasegate reads only regular files")));
    }
    Ok(real)
}

/// Applies severity settings to a project's workspace.
fn apply_severity(ws: &mut phasegate_engine::Workspace, severity: &BTreeMap<String, Level>) -> Result<(), Failed> {
    for (code, level) in severity {
        if phasegate_engine::Code::parse(code).is_none() {
            return Err(failed(format!("unknown diagnostic code `{code}` (see docs/diagnostics.md)")));
        }
        let level = match level {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Information => "information",
            Level::Hint => "hint",
            Level::Off => "off",
        };
        if let Some(level) = phasegate_engine::config::parse_level(level) {
            ws.config.severity.insert(code.clone(), level);
        }
    }
    Ok(())
}

fn warn(warnings: Vec<String>) {
    use std::io::Write as _;
    for w in warnings {
        let _ = writeln!(std::io::stderr().lock(), "phasegate: warning: {}", w.escape_debug());
    }
}

/// The projects `paths` touch (default: the server's folder), as `phasegate check` loads them.
fn scoped(root: &Path, paths: &[String], filter: &Filter) -> Result<Vec<project::Scoped>, Failed> {
    let paths: Vec<PathBuf> =
        if paths.is_empty() { vec![root.to_path_buf()] } else { paths.iter().map(|p| inside(root, p)).collect::<Result<_, _>>()? };
    let (scoped, warnings) = project::load_scoped(&paths, filter).map_err(failed)?;
    warn(warnings);
    Ok(scoped)
}

fn check(root: &Path, input: CheckInput) -> Result<CallToolResult, Failed> {
    let filter = Filter { include: input.include, exclude: input.exclude };
    let mut projects = scoped(root, &input.paths, &filter)?;
    let mut diagnostics = Vec::new();
    let mut summary = CheckSummary::default();
    for (project, only) in &mut projects {
        apply_severity(&mut project.ws, &input.severity)?;
        let s = project.ws.summary();
        summary.files += project.ws.paths().filter(|p| project::selects(only.as_deref(), p)).count();
        summary.recognised |= s.recognised();
        convert::diagnostics(root, &project.root, &project.ws, |p| project::selects(only.as_deref(), p), &mut diagnostics, &mut summary);
    }
    Ok(success(&CheckOutput { diagnostics, summary }))
}

fn status(root: &Path, input: StatusInput) -> Result<CallToolResult, Failed> {
    let projects = scoped(root, input.path.as_slice(), &Filter::default())?;
    let mut workflows = Vec::new();
    for (project, only) in &projects {
        for st in project.ws.status() {
            let selected = project::selects(only.as_deref(), &st.path)
                || st.state_path.as_deref().is_some_and(|p| project::selects(only.as_deref(), p));
            if selected {
                workflows.push(convert::status(root, &project.root, st));
            }
        }
    }
    Ok(success(&StatusOutput { workflows }))
}

/// The one project holding `path` (default: the server's folder), without the projects nested
/// in it, as `phasegate advance -C` loads it.
fn one_project(root: &Path, path: Option<&str>) -> Result<Project, Failed> {
    let folder = match path {
        Some(p) => inside(root, p)?,
        None => root.to_path_buf(),
    };
    let (project, warnings) = project::load_one(&project::root_for(&folder), &Filter::default());
    warn(warnings);
    Ok(project)
}

/// A refusal as the tool's result: an error result that still carries the structured output.
fn refused(root: &Path, project: &Project, message: &str, unmet: Vec<String>) -> CallToolResult {
    let out = ChangeOutput {
        project: convert::shown(root, &project.root),
        applied: false,
        summary: format!("refused: {message}"),
        diff: String::new(),
        files: Vec::new(),
        written: Vec::new(),
        refused: Some(RefusalOut { message: message.to_string(), unmet }),
    };
    // Refusal's display lists at most ten criteria and counts the rest.
    let text = format!(
        "refused: {}",
        Refusal { message: message.to_string(), unmet: out.refused.as_ref().map(|r| r.unmet.clone()).unwrap_or_default() }
    );
    let mut result = CallToolResult::error(vec![ContentBlock::text(text)]);
    result.structured_content = serde_json::to_value(&out).ok();
    result
}

/// Shows (or, with `apply`, writes) a change computed by the engine, with the CLI's checks.
fn change(root: &Path, project: &Project, result: Result<WorkspaceChange, Refusal>, apply: bool) -> CallToolResult {
    let change = match result {
        Ok(c) => c,
        Err(r) => return refused(root, project, &r.message, r.unmet),
    };
    let plan = match write::plan(&project.root, &project.ws, &change) {
        Ok(plan) => plan,
        Err(write::Failure::Refused(message)) => return refused(root, project, &message, Vec::new()),
        Err(write::Failure::Io(message)) => return error(message),
    };
    let files = change
        .changes
        .iter()
        .map(|c| ChangedFile {
            path: c.path().to_string(),
            change: match c {
                FileChange::Edit { .. } => "edit".to_string(),
                FileChange::Create { .. } => "create".to_string(),
            },
        })
        .collect();
    let mut out = ChangeOutput {
        project: convert::shown(root, &project.root),
        applied: false,
        summary: change.summary.clone(),
        diff: write::diff(&project.ws, &change),
        files,
        written: Vec::new(),
        refused: None,
    };
    if !apply {
        return success(&out);
    }
    let (written, result) = write::commit(&project.root, plan);
    out.written = written;
    match result {
        Ok(()) => {
            out.applied = true;
            success(&out)
        }
        Err(write::Failure::Refused(message)) => {
            let mut r = refused(root, project, &message, Vec::new());
            if let Some(v) = r.structured_content.as_mut() {
                v["written"] = serde_json::json!(out.written);
            }
            r
        }
        Err(write::Failure::Io(message)) => error(format!("{message} (written before the failure: {})", out.written.join(", "))),
    }
}

fn explain(root: &Path, input: ExplainInput) -> Result<CallToolResult, Failed> {
    let project = one_project(root, input.path.as_deref())?;
    match project.ws.explain_gate(&input.workflow, input.state.as_deref(), input.phase.as_deref()) {
        Ok(e) => Ok(success(&convert::explanation(root, &project.root, e))),
        Err(r) => Err(failed(r.to_string())),
    }
}

fn advance(root: &Path, input: AdvanceInput) -> Result<CallToolResult, Failed> {
    let project = one_project(root, input.path.as_deref())?;
    let result = project.ws.advance(&input.workflow, input.state.as_deref(), input.to.as_deref(), &phasegate_host::now());
    Ok(change(root, &project, result, input.apply))
}

fn scaffold(root: &Path, input: ScaffoldInput) -> Result<CallToolResult, Failed> {
    let project = one_project(root, input.path.as_deref())?;
    let result = project.ws.scaffold(&input.workflow, input.state.as_deref(), input.phase.as_deref(), &phasegate_host::now());
    Ok(change(root, &project, result, input.apply))
}

fn graph(root: &Path, input: GraphInput) -> Result<CallToolResult, Failed> {
    let project = one_project(root, input.path.as_deref())?;
    let all = project.ws.graphs();
    let key = |n: &str| phasegate_engine::model::slug(n);
    let mut known: Vec<String> = all.iter().map(|g| g.name.clone()).collect();
    let graphs: Vec<_> = all
        .into_iter()
        .filter(|g| input.workflow.as_deref().is_none_or(|w| key(w) == key(&g.name)))
        .filter(|g| input.state.as_deref().is_none_or(|s| g.state_path.as_deref() == Some(s)))
        .collect();
    if graphs.is_empty() && (input.workflow.is_some() || input.state.is_some()) {
        known.sort();
        known.dedup();
        return Err(failed(format!(
            "no workflow or run matches; known workflows: {}",
            if known.is_empty() { "none".to_string() } else { known.join(", ") }
        )));
    }
    let (format, text) = match input.format {
        GraphFormat::Mermaid => ("mermaid", phasegate_engine::graph::to_mermaid(&graphs)),
        GraphFormat::Dot => ("dot", phasegate_engine::graph::to_dot(&graphs)),
    };
    Ok(success(&convert::graph(root, &project.root, format, text, &graphs)))
}
