//! Actions on a workspace: advance a run to its next phase, start a run, scaffold deliverables,
//! and quick fixes. They return [`WorkspaceChange`]s (edits and file creations as plain data);
//! the CLI writes them to disk, the server sends them to the editor as a WorkspaceEdit. Nothing
//! here writes, and no change ever overwrites an existing file or leaves the workspace root.

use serde::Serialize;

use crate::analysis::{Context, DeliverableStatus, Position, RunRef};
use crate::diagnostics::Code;
use crate::model::{Deliverable, Phase, StateFormat, Workflow, slug};
use crate::paths;
use crate::syntax::tree;
use crate::text::TextRange;
use crate::workspace::Workspace;

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
        for u in &self.unmet {
            write!(f, "\n  - {u}")?;
        }
        Ok(())
    }
}

fn refuse(message: impl Into<String>) -> Refusal {
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
    /// `gate`, `deliverables`, `state machine`, and `state file` when the entry is a run
    /// (docs/conventions.md, "When a file defines a workflow").
    pub recognised_by: Vec<String>,
    /// The next phase or state(s), comma-separated when a state machine allows several.
    pub next: Option<String>,
    /// The gate of every phase up to and including the current one.
    pub gates: Vec<GateStatus>,
}

/// Renders a YAML scalar: plain when safe, else double-quoted (JSON escaping is valid YAML).
fn yaml_scalar(s: &str) -> String {
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
fn title_of(path: &str) -> String {
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
    fn runs_of(&self, name: &str) -> Vec<&RunRef<'a>> {
        let key = crate::analysis::name_key(name);
        self.runs.iter().filter(|r| r.workflow.is_some_and(|w| self.workflows[w].wf.keys.name == key)).collect()
    }

    fn workflow_index(&self, name: &str) -> Result<usize, Refusal> {
        match self.by_name.get(&crate::analysis::name_key(name)).map(Vec::as_slice) {
            Some([one]) => Ok(*one),
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

    fn pick_run(&self, name: &str, state_path: Option<&str>) -> Result<Option<&RunRef<'a>>, Refusal> {
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

    /// The targets a run can move to next, and whether the move completes the workflow.
    fn next_steps(&self, wf: &Workflow, run: &RunRef<'_>) -> Vec<String> {
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

    fn status_of(&self, w: usize, run: Option<&RunRef<'_>>) -> WorkflowStatus {
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

    fn advance(&self, name: &str, state_path: Option<&str>, to: Option<&str>, now: &str) -> Result<WorkspaceChange, Refusal> {
        let w = self.workflow_index(name)?;
        let wf = self.workflows[w].wf;
        let Some(run) = self.pick_run(name, state_path)? else {
            return Err(refuse(format!("workflow `{}` has no state file yet; start it first", wf.name)));
        };
        let current = run.run.current.as_ref().map(|c| c.name.clone()).unwrap_or_default();
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
            let report = self.evaluate_gate(&wf.phases[i], Some(run));
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
                json_state_advance(text, &cur_id, target.as_deref(), now)?
            }
            StateFormat::Yaml => yaml_advance(text, run, &cur_id, target.as_deref(), now)?,
            StateFormat::OrchestratorJson => json_advance(text, wf, &cur_id, target.as_deref(), now)?,
        };
        let summary = match &target {
            Some(t) => format!("advanced `{}` from `{cur_id}` to `{t}` in `{}`", wf.name, run.file.path),
            None => format!("completed `{}` in `{}`", wf.name, run.file.path),
        };
        Ok(WorkspaceChange { changes: vec![FileChange::Edit { path: run.file.path.clone(), edits }], summary })
    }

    fn start(&self, name: &str) -> Result<WorkspaceChange, Refusal> {
        let w = self.workflow_index(name)?;
        let wref = &self.workflows[w];
        if let Some(r) = self.runs_of(name).first() {
            return Err(refuse(format!("workflow `{}` already has a state file: `{}`", wref.wf.name, r.file.path)));
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

    /// Starter content for deliverable `d` of `phase`.
    fn starter(&self, wf: &Workflow, phase: &Phase, d: &Deliverable, path: &str) -> String {
        if let Some(t) = &d.template
            && let Some(text) = self.file(t).and_then(|f| f.text.as_deref())
        {
            return text.to_string();
        }
        let name = paths::file_name(path);
        if let Some(t) = wf.templates.iter().find(|t| t.file_name.eq_ignore_ascii_case(name)) {
            return t.content.clone();
        }
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".md") || lower.ends_with(".markdown") {
            format!("---\nworkflow: {}\nphase: {}\n---\n\n# {}\n\n", yaml_scalar(&wf.name), yaml_scalar(&phase.id), title_of(path))
        } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            format!("# Deliverable of phase `{}` of workflow `{}`.\n", phase.id, wf.name)
        } else if lower.ends_with(".json") {
            "{}\n".to_string()
        } else {
            format!("Deliverable of phase `{}` of workflow `{}`.\n", phase.id, wf.name)
        }
    }

    /// Creations for the missing, nameable deliverables of `phase`; `skipped` collects patterns.
    fn creations(&self, wf: &Workflow, phase: &Phase, skipped: &mut Vec<String>) -> Vec<FileChange> {
        let mut out = Vec::new();
        for d in phase.deliverables.iter().filter(|d| !d.optional) {
            if self.deliverable_status(d) != DeliverableStatus::Missing {
                continue;
            }
            let Ok(path) = &d.resolved else { continue };
            if d.pattern.is_some() || paths::has_placeholder(path) || d.path.ends_with('/') {
                skipped.push(format!("`{}` holds a placeholder; create it under a real name", d.path));
                continue;
            }
            out.push(FileChange::Create { path: path.clone(), content: self.starter(wf, phase, d, path) });
        }
        out
    }

    fn scaffold_phase(&self, name: &str, state_path: Option<&str>, phase: Option<&str>) -> Result<(usize, usize), Refusal> {
        let w = self.workflow_index(name)?;
        let wf = self.workflows[w].wf;
        if wf.phases.is_empty() {
            return Err(refuse(format!("workflow `{}` has no phases to scaffold", wf.name)));
        }
        let index = match phase {
            Some(p) => wf.phase_index(p).ok_or_else(|| {
                let ids: Vec<&str> = wf.phases.iter().map(|p| p.id.as_str()).collect();
                refuse(format!("workflow `{}` has no phase `{p}`; its phases: {}", wf.name, ids.join(", ")))
            })?,
            None => match self.pick_run(name, state_path)? {
                Some(run) => match run.position {
                    Position::Phase(i) => {
                        // The current phase, or the next one when the current one is done.
                        let mut skipped = Vec::new();
                        if self.creations(wf, &wf.phases[i], &mut skipped).is_empty() && i + 1 < wf.phases.len() { i + 1 } else { i }
                    }
                    Position::Done => {
                        return Err(refuse(format!(
                            "the run of `{}` in `{}` is complete: nothing is left to scaffold (name a phase with --phase to create its missing deliverables anyway)",
                            wf.name, run.file.path
                        )));
                    }
                    Position::State(_) | Position::Unknown => {
                        return Err(refuse(format!(
                            "the run in `{}` is not in a phase of `{}`; name one with --phase",
                            run.file.path, wf.name
                        )));
                    }
                },
                None => 0,
            },
        };
        Ok((w, index))
    }

    fn scaffold(&self, name: &str, state_path: Option<&str>, phase: Option<&str>) -> Result<WorkspaceChange, Refusal> {
        let (w, index) = self.scaffold_phase(name, state_path, phase)?;
        let wf = self.workflows[w].wf;
        let mut skipped = Vec::new();
        let changes = self.creations(wf, &wf.phases[index], &mut skipped);
        if changes.is_empty() {
            return Err(Refusal {
                message: format!("nothing to scaffold: every nameable deliverable of phase `{}` exists", wf.phases[index].id),
                unmet: skipped,
            });
        }
        let created: Vec<String> = changes.iter().map(|c| format!("`{}`", c.path())).collect();
        let summary = format!("scaffolded phase `{}` of `{}`: created {}", wf.phases[index].id, wf.name, created.join(", "));
        Ok(WorkspaceChange { changes, summary })
    }
}

/// Edits advancing a phasegate YAML state file.
fn yaml_advance(text: &str, run: &RunRef<'_>, from: &str, to: Option<&str>, now: &str) -> Result<Vec<TextEdit>, Refusal> {
    let t = tree::parse_yaml(text, 0).map_err(|e| refuse(format!("`{}` does not parse: {}", run.file.path, e.message)))?;
    let root = t.root.ok_or_else(|| refuse("empty state file"))?;
    let mut edits = Vec::new();
    // New lines use the file's own line break; text appended at the end goes on a line of its own.
    let nl = crate::text::line_break_of(text);
    let prefix = if text.is_empty() || text.ends_with(['\n', '\r']) { "" } else { nl };
    let line_end = |at: usize| crate::text::line_end(text, at);
    let Some(to) = to else {
        // Completing: set `status: completed`.
        match t.get(root, "status") {
            Some(s) if !t.is_null(s) => edits.push(TextEdit { range: t.range(s), new_text: "completed".into() }),
            _ => edits.push(TextEdit { range: TextRange::empty(text.len()), new_text: format!("{prefix}status: completed{nl}") }),
        }
        return Ok(edits);
    };
    let entry = format!("{{from: {}, to: {}, at: {}}}", yaml_scalar(from), yaml_scalar(to), now);
    match t.get(root, "current") {
        Some(c) if !t.is_null(c) => edits.push(TextEdit { range: t.range(c), new_text: yaml_scalar(to) }),
        _ => return Err(refuse("the state file has no `current:` value to advance")),
    }
    let history_key = t.entries(root).iter().find(|(k, _)| t.str(*k) == Some("history")).copied();
    match history_key {
        Some((_, h)) if t.is_seq(h) && text[t.range(h).start..t.range(h).end.min(text.len())].trim_start().starts_with('[') => {
            // Flow sequence: `history: []` or `history: [{...}]`.
            let hr = t.range(h);
            let close = text[..hr.end.min(text.len())].rfind(']').unwrap_or(hr.end);
            let sep = if t.items(h).is_empty() { "" } else { ", " };
            edits.push(TextEdit { range: TextRange::empty(close), new_text: format!("{sep}{entry}") });
        }
        Some((_, h)) if let (Some(&first), Some(&last)) = (t.items(h).first(), t.items(h).last()) => {
            // Block sequence: a new item after the last one, indented like the first.
            let first = t.range(first);
            let line_start = text[..first.start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
            let indent: String = text[line_start..first.start].chars().take_while(|c| *c == ' ').collect();
            edits.push(TextEdit { range: TextRange::empty(line_end(t.range(last).end)), new_text: format!("{nl}{indent}- {entry}") });
        }
        Some((k, _)) => {
            // `history:` with no list yet.
            let key_end = t.range(k).end;
            let colon = text[key_end..].find(':').map_or(key_end, |i| key_end + i + 1);
            edits.push(TextEdit { range: TextRange::new(colon, line_end(colon)), new_text: format!(" [{entry}]") });
        }
        None => {
            edits.push(TextEdit { range: TextRange::empty(text.len()), new_text: format!("{prefix}history:{nl}  - {entry}{nl}") });
        }
    }
    edits.sort_by_key(|e| e.range);
    Ok(edits)
}

/// Pretty-prints `doc` with 2-space indentation, ending with a newline when `original` did.
fn json_text(doc: &serde_json::Value, original: &str) -> Result<String, Refusal> {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"  ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    serde::Serialize::serialize(doc, &mut ser).map_err(|e| refuse(e.to_string()))?;
    let mut text = String::from_utf8(out).map_err(|e| refuse(e.to_string()))?;
    if original.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// The edit advancing a state file in phasegate's format written as JSON (`workflow`, `current`,
/// `history`): the document rewritten with `current` moved and a history entry appended.
fn json_state_advance(text: &str, from: &str, to: Option<&str>, now: &str) -> Result<Vec<TextEdit>, Refusal> {
    use serde_json::{Value, json};
    let mut doc: Value = serde_json::from_str(text).map_err(|e| refuse(format!("the state file does not parse: {e}")))?;
    let obj = doc.as_object_mut().ok_or_else(|| refuse("the state file is not a JSON object"))?;
    match to {
        Some(next) => {
            obj.insert("current".into(), json!(next));
            let history = obj.entry("history").or_insert_with(|| json!([]));
            if let Some(list) = history.as_array_mut() {
                list.push(json!({ "from": from, "to": next, "at": now }));
            }
        }
        None => {
            obj.insert("status".into(), json!("completed"));
        }
    }
    Ok(vec![TextEdit { range: TextRange::new(0, text.len()), new_text: json_text(&doc, text)? }])
}

/// The edit advancing seed 000's orchestrator JSON: the whole document rewritten with the
/// current sub-workflow moved to `completed_sub_workflows`, the next one started, pending and
/// `overall_progress` updated. Key order and 2-space indentation are kept.
fn json_advance(text: &str, wf: &Workflow, from: &str, to: Option<&str>, now: &str) -> Result<Vec<TextEdit>, Refusal> {
    use serde_json::{Map, Value, json};
    let mut doc: Value = serde_json::from_str(text).map_err(|e| refuse(format!("the state file does not parse: {e}")))?;
    let obj = doc.as_object_mut().ok_or_else(|| refuse("the state file is not a JSON object"))?;
    let mut done = Map::new();
    done.insert("name".into(), json!(from));
    done.insert("status".into(), json!("completed"));
    if let Some(out) = obj.get("current_sub_workflow").and_then(|c| c.get("output")).cloned() {
        done.insert("output".into(), out);
    }
    done.insert("completion_time".into(), json!(now));
    let completed = obj.entry("completed_sub_workflows").or_insert_with(|| json!([]));
    if let Some(list) = completed.as_array_mut() {
        list.push(Value::Object(done));
    }
    let completed_count = obj.get("completed_sub_workflows").and_then(Value::as_array).map_or(0, Vec::len);
    match to {
        Some(next) => {
            obj.insert("current_sub_workflow".into(), json!({"name": next, "status": "running", "start_time": now}));
            if let Some(p) = obj.get_mut("pending_sub_workflows").and_then(Value::as_array_mut) {
                p.retain(|v| {
                    let name = v.as_str().or_else(|| v.get("name").and_then(Value::as_str)).unwrap_or("");
                    wf.phase_index(name) != wf.phase_index(next)
                });
            }
            obj.insert("current_status".into(), json!("running"));
        }
        None => {
            obj.insert("current_sub_workflow".into(), Value::Null);
            obj.insert("current_status".into(), json!("completed"));
            if let Some(p) = obj.get_mut("pending_sub_workflows").and_then(Value::as_array_mut) {
                p.clear();
            }
        }
    }
    let total = wf.phases.len().max(completed_count);
    let percentage = if total == 0 { 0 } else { ((completed_count as f64) * 100.0 / total as f64).round() as u64 };
    let progress = obj.entry("overall_progress").or_insert_with(|| json!({}));
    if let Some(p) = progress.as_object_mut() {
        p.insert("completed".into(), json!(completed_count));
        p.insert("total".into(), json!(total));
        p.insert("percentage".into(), json!(percentage));
    }
    Ok(vec![TextEdit { range: TextRange::new(0, text.len()), new_text: json_text(&doc, text)? }])
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

    /// Creates the missing deliverables of phase `phase` of workflow `name` (default: the run's
    /// current phase, or the next one when the current phase's are all there; the first phase
    /// without a run), with starter content: a template from the workflow doc (a `NAME Template`
    /// section, seed 001) or the definition's `template:`, else front matter linking the file to
    /// its workflow and phase and a heading. Deliverables with placeholders are listed in the
    /// refusal's `unmet` instead. Refused when nothing is missing.
    pub fn scaffold(&self, name: &str, state_path: Option<&str>, phase: Option<&str>) -> Result<WorkspaceChange, Refusal> {
        Context::new(self).scaffold(name, state_path, phase)
    }

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

#[cfg(test)]
mod tests {
    use crate::diagnostics::fixture::workspace;
    use crate::facts::FileInput;
    use crate::workspace::Workspace;

    use super::*;

    const NOW: &str = "2026-11-21T15:00:00Z";
    const DOC: &str = "//- docs/wf.md\n---\nname: demo\n---\n## Phase 1: Requirements\n**Deliverables**:\n- `docs/req.md`\n\n**Gate Check**: done → Proceed to Phase 2\n\n## Phase 2: Design\n**Deliverables**:\n- `docs/design.md`\n- `docs/INTERFACE-[feature].md`\n\n## Phase 3: Build\n\n## ARCHITECTURE.md Template\n\n```markdown\n# Architecture\n```\n";

    /// Applies a change to a workspace as the CLI or an editor would.
    fn apply(ws: &mut Workspace, change: &WorkspaceChange) {
        for c in &change.changes {
            match c {
                FileChange::Create { path, content } => {
                    assert!(!ws.contains(path), "would overwrite {path}");
                    ws.set_file(path, FileInput::Text(content.clone()));
                }
                FileChange::Edit { path, edits } => {
                    let mut text = ws.text(path).unwrap_or_default().to_string();
                    for e in edits.iter().rev() {
                        text.replace_range(e.range.start..e.range.end, &e.new_text);
                    }
                    ws.set_file(path, FileInput::Text(text));
                }
            }
        }
    }

    #[test]
    fn start_then_advance_refused_then_allowed() {
        let mut ws = workspace(DOC);
        let start = ws.start("demo").unwrap_or_else(|r| panic!("{r}"));
        apply(&mut ws, &start);
        expect_test::expect![[r#"
            # Where this run of workflow `demo` stands; phasegate's state format (docs/formats.md).
            workflow: demo
            current: requirements
            history: []
        "#]]
        .assert_eq(ws.text("docs/demo.state.yaml").unwrap_or_default());
        assert!(ws.start("demo").is_err(), "never a second state file");

        let refused = ws.advance("demo", None, None, NOW).err().unwrap_or_else(|| panic!("gate must block"));
        assert_eq!(refused.to_string(), "the gate of phase `requirements` is not met\n  - deliverable `docs/req.md` is missing");

        ws.set_file("docs/req.md", FileInput::Text("# Requirements\n".into()));
        let change = ws.advance("demo", None, None, NOW).unwrap_or_else(|r| panic!("{r}"));
        apply(&mut ws, &change);
        expect_test::expect![[r#"
            # Where this run of workflow `demo` stands; phasegate's state format (docs/formats.md).
            workflow: demo
            current: design
            history: [{from: requirements, to: design, at: 2026-11-21T15:00:00Z}]
        "#]]
        .assert_eq(ws.text("docs/demo.state.yaml").unwrap_or_default());
        assert!(crate::diagnostics::fixture::render(&ws, &["inconsistent-state", "invalid-transition", "syntax-error"]).is_empty());
    }

    #[test]
    fn advance_appends_to_block_history_and_completes_on_last_phase() {
        let spec = format!(
            "{DOC}//- docs/req.md\n# R\n//- docs/design.md\n# D\n//- docs/INTERFACE-auth.md\n# I\n//- run.state.yaml\nworkflow: demo\ncurrent: design\nhistory:\n  - from: requirements\n    to: design\n    at: 2026-01-01T00:00:00Z\n"
        );
        let mut ws = workspace(&spec);
        let change = ws.advance("demo", None, None, NOW).unwrap_or_else(|r| panic!("{r}"));
        apply(&mut ws, &change);
        let change = ws.advance("demo", None, None, NOW).unwrap_or_else(|r| panic!("{r}"));
        apply(&mut ws, &change);
        expect_test::expect![[r#"
            workflow: demo
            current: build
            history:
              - from: requirements
                to: design
                at: 2026-01-01T00:00:00Z
              - {from: design, to: build, at: 2026-11-21T15:00:00Z}
            status: completed
        "#]]
        .assert_eq(ws.text("run.state.yaml").unwrap_or_default());
        assert_eq!(ws.status()[0].status, "completed");
        assert!(ws.advance("demo", None, None, NOW).is_err());
    }

    #[test]
    fn advance_seed_000_json() {
        let spec = "//- wf.md\n---\nname: orchestrator-s-small-workflow\n---\n### Sub-Workflow 1: Design\n### Sub-Workflow 2: Planning\n### Sub-Workflow 3: Implementation\n//- orchestrator-s-state.json\n{\n  \"orchestrator_name\": \"orchestrator-s-small-workflow\",\n  \"execution_id\": \"s-1\",\n  \"current_status\": \"running\",\n  \"completed_sub_workflows\": [\n    {\"name\": \"design\", \"status\": \"completed\", \"output\": \"design-artifacts\", \"completion_time\": \"2025-07-28T14:20:00Z\"}\n  ],\n  \"current_sub_workflow\": {\"name\": \"planning\", \"status\": \"running\", \"start_time\": \"2025-07-28T14:20:00Z\"},\n  \"pending_sub_workflows\": [\"implementation\"],\n  \"overall_progress\": {\"completed\": 1, \"total\": 3, \"percentage\": 33}\n}\n";
        let mut ws = workspace(spec);
        let change = ws.advance("orchestrator-s-small-workflow", None, None, NOW).unwrap_or_else(|r| panic!("{r}"));
        apply(&mut ws, &change);
        expect_test::expect![[r#"
            {
              "orchestrator_name": "orchestrator-s-small-workflow",
              "execution_id": "s-1",
              "current_status": "running",
              "completed_sub_workflows": [
                {
                  "name": "design",
                  "status": "completed",
                  "output": "design-artifacts",
                  "completion_time": "2025-07-28T14:20:00Z"
                },
                {
                  "name": "planning",
                  "status": "completed",
                  "completion_time": "2026-11-21T15:00:00Z"
                }
              ],
              "current_sub_workflow": {
                "name": "implementation",
                "status": "running",
                "start_time": "2026-11-21T15:00:00Z"
              },
              "pending_sub_workflows": [],
              "overall_progress": {
                "completed": 2,
                "total": 3,
                "percentage": 67
              }
            }
        "#]]
        .assert_eq(ws.text("orchestrator-s-state.json").unwrap_or_default());
        assert_eq!(crate::diagnostics::fixture::render(&ws, &[]), "");
    }

    #[test]
    fn advance_with_empty_or_absent_history() {
        let doc = "//- wf.md\n---\nname: demo\n---\n## Phase 1: A\n## Phase 2: B\n";
        for (state, expected) in [
            (
                "workflow: demo\ncurrent: a\nhistory:\n",
                "workflow: demo\ncurrent: b\nhistory: [{from: a, to: b, at: 2026-11-21T15:00:00Z}]\n",
            ),
            ("workflow: demo\ncurrent: a", "workflow: demo\ncurrent: b\nhistory:\n  - {from: a, to: b, at: 2026-11-21T15:00:00Z}\n"),
        ] {
            let mut ws = workspace(&format!("{doc}//- s.state.yaml\n{state}"));
            // The fixture adds no newline after its last line; set the text exactly.
            ws.set_file("s.state.yaml", FileInput::Text(state.to_string()));
            let change = ws.advance("demo", None, None, NOW).unwrap_or_else(|r| panic!("{r}"));
            apply(&mut ws, &change);
            assert_eq!(ws.text("s.state.yaml").unwrap_or_default(), expected);
            assert_eq!(crate::diagnostics::fixture::render(&ws, &[]), "");
        }
    }

    #[test]
    fn advance_our_format_written_as_json() {
        let spec = "//- wf.md\n---\nname: demo\n---\n## Phase 1: A\n## Phase 2: B\n//- run.state.json\n{\"workflow\": \"demo\", \"current\": \"a\"}\n";
        let mut ws = workspace(spec);
        let change = ws.advance("demo", None, None, NOW).unwrap_or_else(|r| panic!("{r}"));
        apply(&mut ws, &change);
        expect_test::expect![[r#"
            {
              "workflow": "demo",
              "current": "b",
              "history": [
                {
                  "from": "a",
                  "to": "b",
                  "at": "2026-11-21T15:00:00Z"
                }
              ]
            }
        "#]]
        .assert_eq(ws.text("run.state.json").unwrap_or_default());
        assert_eq!(crate::diagnostics::fixture::render(&ws, &[]), "");
    }

    #[test]
    fn scaffold_uses_templates_and_never_touches_patterns() {
        let spec = format!("{DOC}//- docs/req.md\n# R\n//- run.state.yaml\nworkflow: demo\ncurrent: design\n");
        let ws = workspace(&spec.replace("`docs/design.md`", "`docs/ARCHITECTURE.md`"));
        let change = ws.scaffold("demo", None, None).unwrap_or_else(|r| panic!("{r}"));
        assert_eq!(change.changes, vec![FileChange::Create { path: "docs/ARCHITECTURE.md".into(), content: "# Architecture\n".into() }]);
        let ws = workspace(&spec);
        let change = ws.scaffold("demo", None, Some("design")).unwrap_or_else(|r| panic!("{r}"));
        expect_test::expect![[r#"
            [
                Create {
                    path: "docs/design.md",
                    content: "---\nworkflow: demo\nphase: design\n---\n\n# Design\n\n",
                },
            ]
        "#]]
        .assert_debug_eq(&change.changes);
        assert!(ws.scaffold("demo", None, Some("requirements")).is_err(), "docs/req.md exists");
    }

    #[test]
    fn code_actions_in_state_file_doc_and_conflict() {
        let spec = format!(
            "{DOC}//- run.state.yaml\nworkflow: demo\ncurrent: requirements\n//- c.md\n<<<<<<< HEAD\na\n=======\nb\n>>>>>>> feat\n"
        );
        let ws = workspace(&spec);
        let titles = |path: &str, at: usize| -> Vec<String> {
            ws.code_actions(path, TextRange::empty(at), NOW)
                .iter()
                .map(|a| format!("{} [{}]", a.title, a.disabled.as_deref().unwrap_or("enabled")))
                .collect()
        };
        expect_test::expect![[r#"
            [
                "Advance demo to design [the gate of phase `requirements` is not met\n  - deliverable `docs/req.md` is missing]",
                "Scaffold deliverables for requirements [enabled]",
            ]
        "#]]
        .assert_debug_eq(&titles("run.state.yaml", 0));
        let at = ws.text("docs/wf.md").unwrap_or_default().find("docs/req.md").unwrap_or(0);
        assert_eq!(titles("docs/wf.md", at)[0], "Create `docs/req.md` [enabled]");
        assert_eq!(
            titles("c.md", 0),
            vec!["Keep `HEAD` (first side) [enabled]", "Keep `feat` (second side) [enabled]", "Keep both sides [enabled]"]
        );
    }
}
