//! Spec Kit's workflow runs: `.specify/workflows/runs/<run_id>/state.json` is a run of the
//! definition snapshot beside it (`workflow.yml`, which `specify workflow run` saves there so a
//! run can be resumed), shown by `status`, and `speckit-run-state` checks it as Spec Kit does
//! when it loads and resumes a run.
//!
//! Facts from `specify-cli` 1.2.3 `src/specify_cli/workflows/engine.py` (`RunState.save`,
//! `RunState.load`, `WorkflowEngine.resume`) and `workflows/base.py` (`RunStatus`).

use crate::actions::Refusal;
use crate::analysis::{Context, Position, RunRef};
use crate::diagnostics::{Code, Diagnostic, Doc, Rule, Severity};
use crate::extract::DataRecogniser;
use crate::facts::FileFacts;
use crate::frameworks::speckit::pytypes::{Py, Syntax, py};
use crate::frameworks::speckit::workflow::{self, is_id};
use crate::model::{Named, Run, StateFormat};
use crate::syntax::tree::{NodeId, Tree};
use crate::text::TextRange;

pub(crate) const RUN_STATE: Rule = Rule {
    doc: Doc {
        code: Code::new("speckit-run-state"),
        severity: Severity::Error,
        when: "A Spec Kit workflow run's `.specify/workflows/runs/<run_id>/state.json` is one Spec Kit refuses to load or resume: not a JSON object; `run_id`, `workflow_id` or `status` missing; `run_id` not the run's folder name; `workflow_id` not a workflow id; a `status` that is none of `created`, `running`, `paused`, `completed`, `failed`, `aborted`; `current_step_index` not a non-negative integer, or past the last step of the installed definition when the run has no `workflow.yml` snapshot (past the snapshot's last step, `unknown-state` reports it); `step_results` or `inputs` not objects; one of `installed_workflow_id` and `installed_registry_root` without the other. Information: a paused run whose current step is a command, shell or prompt step rather than a gate (an interrupted run).",
        fix: "Correct the field (or delete the run's folder to discard it); resume a paused run with `specify workflow resume <run_id>`.",
    },
    framework: Some("speckit"),
    source: "specify-cli src/specify_cli/workflows/engine.py (RunState.load, WorkflowEngine.resume), workflows/base.py (RunStatus)",
};

/// Spec Kit's run statuses (`RunStatus`).
const STATUSES: &[&str] = &["created", "running", "paused", "completed", "failed", "aborted"];

/// Reads a run's `state.json` into a run of its snapshot.
pub(crate) const RECOGNISER: DataRecogniser =
    DataRecogniser { name: "speckit-run", applies: |p| run_file(p, "state.json").is_some(), extract };

/// Reads a run's definition snapshot (`workflow.yml` beside `state.json`) as the workflow the run
/// runs, named after the run.
pub(crate) const SNAPSHOT: DataRecogniser =
    DataRecogniser { name: "speckit-run-snapshot", applies: |p| run_file(p, "workflow.yml").is_some(), extract: extract_snapshot };

/// The run id of `.specify/workflows/runs/<run_id>/<name>`.
pub(crate) fn run_file<'p>(path: &'p str, name: &str) -> Option<&'p str> {
    match path.split('/').collect::<Vec<_>>().as_slice() {
        [".specify", "workflows", "runs", id, file] if *file == name && !id.is_empty() => Some(id),
        _ => None,
    }
}

/// The value of the last `key` entry of mapping `id`.
fn get(t: &Tree, id: NodeId, key: &str) -> Option<NodeId> {
    t.entries(id).iter().rev().find(|(k, _)| t.str(*k) == Some(key)).map(|(_, v)| *v)
}

fn extract(facts: &mut FileFacts, t: &Tree, root: NodeId) {
    let Some(run_id) = run_file(&facts.path, "state.json").map(str::to_string) else { return };
    if !t.is_map(root) {
        return;
    }
    let named = |key: &str| get(t, root, key).and_then(|n| t.str(n).map(|s| Named::new(s, t.range(n))));
    let workflow = Named::new(run_id, get(t, root, "workflow_id").map_or(t.range(root), |n| t.range(n)));
    let current = get(t, root, "current_step_index")
        .filter(|&n| t.str(n).is_some_and(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit())))
        .map(|n| Named::new(t.str(n).unwrap_or_default(), t.range(n)));
    facts.runs.push(Run {
        format: StateFormat::SpecKitRun,
        workflow,
        current,
        status: named("status"),
        completed: Vec::new(),
        pending: Vec::new(),
        history: Vec::new(),
        gates: Vec::new(),
        progress: None,
    });
}

fn extract_snapshot(facts: &mut FileFacts, t: &Tree, root: NodeId) {
    let Some(run_id) = run_file(&facts.path, "workflow.yml").map(str::to_string) else { return };
    let before = facts.workflows.len();
    workflow::read(facts, t, root);
    for wf in &mut facts.workflows[before..] {
        wf.name = run_id.clone();
        // Steps are numbered as Spec Kit's `current_step_index` counts them, from 0.
        for (i, p) in wf.phases.iter_mut().enumerate() {
            p.number = Some(i.to_string());
        }
    }
}

/// Where a step of the run's definition is, by id: its type.
fn step_type<'s>(steps: &'s [(String, String)], current: &str) -> Option<&'s str> {
    // A loop iteration's step is `loop:step:2`.
    let parts: Vec<&str> = current.split(':').collect();
    let id = if parts.len() == 3 { parts[1] } else { current };
    steps.iter().find(|(s, _)| s == id).map(|(_, t)| t.as_str())
}

/// A run as Spec Kit's engine sees it, for its lens and its advance: what it runs, its status
/// and the step it stands at.
#[derive(Clone, Debug)]
pub(crate) struct RunView {
    /// The run's id (its folder's name).
    pub run_id: String,
    /// The definition's `workflow.name`, else its `workflow_id`, else the run id.
    pub workflow: String,
    /// `workflow_id`, when a workflow id.
    pub workflow_id: Option<String>,
    /// `status`, when one of Spec Kit's.
    pub status: Option<String>,
    /// The step it stands at: `current_step_id` (a nested step's own id), else the top-level
    /// step at `current_step_index`.
    pub step: Option<String>,
    /// That step's facts in the definition.
    pub facts: Option<workflow::StepFacts>,
    /// `error`, when a string.
    pub error: Option<String>,
}

impl RunView {
    /// Whether the run is paused at a gate step: waiting for a reviewer's decision.
    pub(crate) fn awaits_decision(&self) -> bool {
        self.status.as_deref() == Some("paused") && self.facts.as_ref().is_some_and(|f| f.ty == "gate")
    }

    /// Where the run stands, in words: `waiting for a decision`, `paused (interrupted)`, ...
    pub(crate) fn state(&self) -> String {
        match self.status.as_deref() {
            Some("paused") if self.awaits_decision() => "waiting for a decision".into(),
            Some("paused") => "paused (interrupted)".into(),
            Some(s) => s.to_string(),
            None => "status unknown".into(),
        }
    }

    /// Why phasegate's advance does not move the run, and what moves it, as Spec Kit's engine
    /// does (`WorkflowEngine.resume`: only a paused or failed run is resumed, by running its
    /// current step again; a gate step then asks for its decision, or takes it from its
    /// `verdict_input`). phasegate never writes a run's state: the engine does.
    pub(crate) fn refusal(&self) -> Refusal {
        let id = &self.run_id;
        let step = self.step.as_deref().unwrap_or("?");
        let resume = format!("`specify workflow resume {id}`");
        let mut unmet = Vec::new();
        let message = match self.status.as_deref() {
            Some("paused") if self.awaits_decision() => {
                let facts = self.facts.clone().unwrap_or_default();
                if let Some(m) = &facts.message {
                    unmet.push(format!("gate `{step}`: {m}"));
                }
                unmet.push(format!("{resume} asks for the decision in a terminal"));
                if let (Some(v), Some(first)) = (&facts.verdict_input, facts.options.first()) {
                    unmet.push(format!("or gives it as input `{v}`: `specify workflow resume {id} --input {v}={first}`"));
                }
                let options = if facts.options.is_empty() { String::new() } else { format!(" ({})", facts.options.join(" or ")) };
                format!("the run waits at gate `{step}` for a decision{options}")
            }
            Some("paused") => {
                let ty = self.facts.as_ref().map_or(String::new(), |f| format!(" (a {} step)", f.ty));
                unmet.push(format!("{resume} runs `{step}` again"));
                format!("the run was interrupted at step `{step}`{ty}")
            }
            Some("failed") => {
                unmet.extend(self.error.iter().map(|e| format!("error: {e}")));
                unmet.push(format!("{resume} runs `{step}` again"));
                format!("the run failed at step `{step}`")
            }
            Some("aborted") => {
                unmet.extend(self.error.iter().map(|e| format!("error: {e}")));
                if let Some(w) = &self.workflow_id {
                    unmet.push(format!("`specify workflow run {w}` starts a new run"));
                }
                format!("the run was aborted at step `{step}`; Spec Kit does not resume an aborted run")
            }
            Some("completed") => "the run is completed".into(),
            Some(s @ ("created" | "running")) => {
                format!("the run's status is `{s}`; Spec Kit resumes only a paused or failed run")
            }
            Some(s) => format!("the run's status is `{s}`"),
            None => "Spec Kit cannot load this run (`speckit-run-state`)".into(),
        };
        Refusal { message, unmet }
    }
}

/// A definition's gate message as a lens or refusal shows it when the run recorded none: when it
/// holds `{{ … }}` expressions, as written with a word that Spec Kit fills them in when it runs
/// the gate (phasegate evaluates nothing a document holds).
fn shown_message(message: &str) -> String {
    if message.contains("{{") {
        format!("{message} (as the definition writes it: Spec Kit fills in `{{{{ … }}}}` when it runs the gate)")
    } else {
        message.to_string()
    }
}

/// The view of run `run`, a Spec Kit run's `state.json` ([`RunView`]), read against its
/// definition (its snapshot beside it, else the installed one).
pub(crate) fn view(ctx: &Context<'_>, run: &RunRef<'_>) -> Option<RunView> {
    if run.run.format != StateFormat::SpecKitRun {
        return None;
    }
    let path = run.file.path.as_str();
    let run_id = run_file(path, "state.json")?.to_string();
    let text = run.file.text();
    let t = crate::syntax::tree::parse_json(text).ok()?;
    let root = t.root.filter(|&r| t.is_map(r))?;
    let string = |key: &str| match get(&t, root, key).map(|n| py(&t, text, Syntax::Json, n)) {
        Some(Py::Str(s)) => Some(s),
        _ => None,
    };
    let workflow_id = string("workflow_id").filter(|w| is_id(w));
    let status = string("status").filter(|s| STATUSES.contains(&s.as_str()));
    let snapshot = format!("{}/workflow.yml", crate::paths::parent(path));
    let definition = ctx
        .file(&snapshot)
        .or_else(|| ctx.file(&format!(".specify/workflows/{}/workflow.yml", workflow_id.as_deref()?)))
        .filter(|f| f.text.is_some());
    let top = match (&run.position, run.workflow) {
        (Position::Phase(i), Some(w)) => ctx.workflows[w].wf.phases.get(*i).map(|p| p.title.clone()),
        _ => None,
    };
    let step = string("current_step_id").filter(|s| !s.is_empty()).or(top);
    let (name, mut facts) = definition.and_then(|d| workflow::step(d.text(), step.as_deref())).unwrap_or((None, None));
    // A gate that paused the run left its message, `{{ … }}` expressions evaluated, in
    // `step_results[<step>].output.message` (`workflows/step/gate` in specify-cli 1.2.3); the
    // engine shows that one (`_commands.py`, the gate detail of `specify workflow status`).
    let output = step.as_deref().and_then(|s| {
        let results = get(&t, root, "step_results").filter(|&n| t.is_map(n))?;
        let result = get(&t, results, s).filter(|&n| t.is_map(n))?;
        get(&t, result, "output").filter(|&n| t.is_map(n))
    });
    if let Some(f) = facts.as_mut() {
        f.message = match output.and_then(|o| get(&t, o, "message")).map(|n| py(&t, text, Syntax::Json, n)) {
            Some(Py::Str(m)) => Some(m),
            _ => f.message.take().map(|m| shown_message(&m)),
        };
    }
    Some(RunView {
        workflow: name.filter(|n| !n.is_empty()).or_else(|| workflow_id.clone()).unwrap_or_else(|| run_id.clone()),
        run_id,
        workflow_id,
        status,
        step,
        facts,
        error: string("error").filter(|e| !e.is_empty()),
    })
}

/// Across files: every run's `state.json`, against its definition.
pub(crate) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let prefix = ".specify/workflows/runs/";
    for (path, file) in ctx.ws.files.range(prefix.to_string()..).take_while(|(k, _)| k.starts_with(prefix)) {
        let Some(run_id) = run_file(path, "state.json") else { continue };
        if file.text.is_none() || file.skipped.is_some() || !file.conflicts.is_empty() {
            continue;
        }
        let text = file.text();
        let Ok(t) = crate::syntax::tree::parse_json(text) else { continue }; // `syntax-error` reports it.
        let mut report = |range: TextRange, severity: Severity, message: String| {
            let mut d = RUN_STATE.at(path, range, message);
            d.severity = severity;
            out.push(d);
        };
        let Some(root) = t.root else { continue };
        let whole = TextRange::new(t.range(root).start, crate::text::line_end(text, t.range(root).start));
        if !t.is_map(root) {
            report(whole, Severity::Error, "a run's state must be a JSON object; Spec Kit cannot load this run".into());
            continue;
        }
        let value = |key: &str| get(&t, root, key).map(|n| (n, py(&t, text, Syntax::Json, n)));
        let missing: Vec<&str> = ["run_id", "workflow_id", "status"].into_iter().filter(|k| value(k).is_none()).collect();
        if !missing.is_empty() {
            report(whole, Severity::Error, format!("`{}` missing: Spec Kit cannot load this run", missing.join("`, `")));
        }
        if let Some((n, v)) = value("run_id")
            && v.as_str() != Some(run_id)
        {
            report(
                t.range(n),
                Severity::Error,
                format!("`run_id` must be the run's folder name `{run_id}`: Spec Kit cannot load this run"),
            );
        }
        let valid_folder = run_id.starts_with(|c: char| c.is_ascii_alphanumeric())
            && run_id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !valid_folder {
            report(
                whole,
                Severity::Error,
                format!("the run's folder name `{run_id}` is no run id (letters, digits, `_` and `-`, starting with a letter or digit)"),
            );
        }
        let workflow_id = match value("workflow_id") {
            Some((_, Py::Str(s))) if is_id(&s) => Some(s),
            Some((n, _)) => {
                report(t.range(n), Severity::Error, "`workflow_id` must be a workflow id (lowercase letters, digits, hyphens)".into());
                None
            }
            None => None,
        };
        match (value("installed_workflow_id"), value("installed_registry_root")) {
            (Some(_), None) | (None, Some(_)) => report(
                whole,
                Severity::Error,
                "`installed_workflow_id` and `installed_registry_root` go together: give both or neither".into(),
            ),
            (Some((wn, wv)), Some((rn, rv))) => {
                if !matches!(&wv, Py::None) && !wv.as_str().is_some_and(is_id) {
                    report(t.range(wn), Severity::Error, "`installed_workflow_id` must be a workflow id or null".into());
                }
                match &rv {
                    Py::None => {}
                    Py::Str(r) if r.starts_with('/') || (r.len() > 2 && r.as_bytes()[1] == b':') => {
                        if wv == Py::None {
                            report(t.range(rn), Severity::Error, "`installed_registry_root` needs `installed_workflow_id`".into());
                        }
                    }
                    _ => report(t.range(rn), Severity::Error, "`installed_registry_root` must be an absolute path or null".into()),
                }
            }
            (None, None) => {}
        }
        if let Some((n, v)) = value("step_results") {
            if v != Py::Dict {
                report(t.range(n), Severity::Error, "`step_results` must be a JSON object".into());
            } else {
                for &(k, r) in t.entries(n) {
                    if !t.is_map(r) {
                        report(
                            t.range(k),
                            Severity::Error,
                            format!("the result of step `{}` must be a JSON object", t.str(k).unwrap_or("?")),
                        );
                    }
                }
            }
        }
        let status = match value("status") {
            Some((_, Py::Str(s))) if STATUSES.contains(&s.as_str()) => Some(s),
            Some((n, _)) => {
                report(t.range(n), Severity::Error, format!("`status` must be one of `{}`", STATUSES.join("`, `")));
                None
            }
            None => None,
        };
        let index = match value("current_step_index") {
            None => Some(0usize),
            Some((_, Py::Int(i))) if i >= 0 => usize::try_from(i).ok(),
            Some((n, _)) => {
                report(t.range(n), Severity::Error, "`current_step_index` must be a non-negative integer".into());
                None
            }
        };
        if let Some((n, v)) = value("inputs")
            && v != Py::Dict
        {
            report(t.range(n), Severity::Error, "`inputs` must be a JSON object".into());
        }
        // Against the definition the run resumes with: its snapshot, else the installed one.
        let folder = crate::paths::parent(path);
        let snapshot = format!("{folder}/workflow.yml");
        let definition = ctx.file(&snapshot).map(|f| (snapshot.clone(), f)).or_else(|| {
            let installed = format!(".specify/workflows/{}/workflow.yml", workflow_id.as_deref()?);
            ctx.file(&installed).map(|f| (installed, f))
        });
        let Some((def_path, def)) = definition else { continue };
        let Some((top, steps)) = workflow::step_types(def.text()) else { continue };
        // Past the end of the snapshot, the run's current step names no phase of its workflow:
        // `unknown-state` reports that; past the end of the installed definition, this rule.
        if let Some(i) = index
            && def_path != snapshot
            && top > 0
            && i >= top
            && !matches!(status.as_deref(), Some("completed" | "aborted"))
        {
            let at = get(&t, root, "current_step_index").map_or(whole, |n| t.range(n));
            let mut d = RUN_STATE.at(
                path,
                at,
                format!(
                    "`current_step_index` is {i}, past the last step of the run's definition ({top} step(s)): Spec Kit refuses to resume it"
                ),
            );
            d = d.with_related(&def_path, TextRange::default(), "the run's definition");
            out.push(d);
            continue;
        }
        if status.as_deref() == Some("paused")
            && let Some((n, Py::Str(current))) = value("current_step_id")
            && let Some(ty) = step_type(&steps, &current)
            && matches!(ty, "command" | "shell" | "prompt" | "init" | "github" | "slot" | "fan-in")
        {
            let mut d = RUN_STATE.at(
                path,
                t.range(n),
                format!("the run is paused at `{current}`, a {ty} step, not at a gate: it was interrupted; `specify workflow resume {run_id}` runs the step again"),
            );
            d.severity = Severity::Information;
            out.push(d.with_related(&def_path, TextRange::default(), "the run's definition"));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::fixture::check;
    use expect_test::expect;

    const DEF: &str = "schema_version: \"1.0\"\nworkflow:\n  id: speckit\n  name: Full\n  version: \"1.0.0\"\nsteps:\n  - id: specify\n    command: speckit.specify\n  - id: review\n    type: gate\n    message: Review\n  - id: plan\n    command: speckit.plan\n";

    #[test]
    fn runs_are_checked_as_spec_kit_loads_them() {
        let run = |id: &str, body: &str| {
            format!("//- .specify/workflows/runs/{id}/workflow.yml\n{DEF}//- .specify/workflows/runs/{id}/state.json\n{body}\n")
        };
        let spec = format!(
            "//- .specify/workflows/speckit/workflow.yml\n{DEF}{}{}{}{}{}",
            run(
                "ok1",
                "{\"run_id\": \"ok1\", \"workflow_id\": \"speckit\", \"status\": \"paused\", \"current_step_index\": 1, \"current_step_id\": \"review\", \"step_results\": {}}"
            ),
            run(
                "past",
                "{\"run_id\": \"past\", \"workflow_id\": \"speckit\", \"status\": \"paused\", \"current_step_index\": 3, \"step_results\": {}}"
            ),
            run(
                "bad",
                "{\"run_id\": \"other\", \"workflow_id\": \"Spec Kit\", \"status\": \"waiting\", \"current_step_index\": -1, \"step_results\": []}"
            ),
            run(
                "cut",
                "{\"run_id\": \"cut\", \"workflow_id\": \"speckit\", \"status\": \"paused\", \"current_step_index\": 2, \"current_step_id\": \"plan\"}"
            ),
            run("min", "{\"workflow_id\": \"speckit\"}"),
        );
        expect![[r#"
            .specify/workflows/runs/bad/state.json:1:12: error[speckit-run-state]: `run_id` must be the run's folder name `bad`: Spec Kit cannot load this run
            .specify/workflows/runs/bad/state.json:1:36: error[speckit-run-state]: `workflow_id` must be a workflow id (lowercase letters, digits, hyphens)
            .specify/workflows/runs/bad/state.json:1:58: error[speckit-run-state]: `status` must be one of `created`, `running`, `paused`, `completed`, `failed`, `aborted`
            .specify/workflows/runs/bad/state.json:1:91: error[speckit-run-state]: `current_step_index` must be a non-negative integer
            .specify/workflows/runs/bad/state.json:1:111: error[speckit-run-state]: `step_results` must be a JSON object
            .specify/workflows/runs/cut/state.json:1:109: information[speckit-run-state]: the run is paused at `plan`, a command step, not at a gate: it was interrupted; `specify workflow resume cut` runs the step again
            .specify/workflows/runs/min/state.json:1:1: error[speckit-run-state]: `run_id`, `status` missing: Spec Kit cannot load this run
            .specify/workflows/runs/past/state.json:1:88: error[unknown-state]: current step `3` is not a phase or state of workflow `past`; it declares `specify`, `review`, `plan`
        "#]].assert_eq(&check(&spec, &["speckit-run-state", "unknown-state", "inconsistent-state", "duplicate-id", "gate-unmet"]));
        let ws = crate::diagnostics::fixture::workspace(&spec);
        let shown: Vec<String> =
            ws.status().iter().map(|s| format!("{} {} {:?} {:?}", s.name, s.status, s.current, s.state_path)).collect();
        expect![[r#"
            bad unknown None Some(".specify/workflows/runs/bad/state.json")
            cut in-progress Some("plan") Some(".specify/workflows/runs/cut/state.json")
            min unknown None Some(".specify/workflows/runs/min/state.json")
            ok1 in-progress Some("review") Some(".specify/workflows/runs/ok1/state.json")
            past unknown Some("3") Some(".specify/workflows/runs/past/state.json")
            speckit not-started None None"#]]
        .assert_eq(&shown.join("\n"));
    }
}
