//! `explain_gate`: one gate, criterion by criterion and file by file: what blocks it and what
//! would satisfy it. The same evaluation as `status` and `advance` (`Context::evaluate_gate`),
//! kept apart per criterion so the met ones are listed too.

use serde::Serialize;

use crate::actions::{Refusal, refuse};
use crate::analysis::{Context, DeliverableStatus, GateReport, Position, RunRef};
use crate::model::{CriterionKind, Phase, Workflow};
use crate::workspace::Workspace;

/// One criterion of a gate, evaluated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CriterionReport {
    /// What it checks: `deliverable`, `complete` (no markers left in a deliverable that must be
    /// complete), `checklist`, `no-markers`, `recorded`, `section`, `any-ticked`, `manual` (prose,
    /// not checked) or `framework` (a criterion the framework adds, docs/frameworks/).
    pub kind: String,
    /// The criterion as written (a deliverable's path, a checklist's label, the prose).
    pub label: String,
    /// Whether it is met; `None` for a manual criterion, which phasegate does not check.
    pub met: Option<bool>,
    /// The project-relative files it reads.
    pub files: Vec<String>,
    /// Why it is not met.
    pub reason: Option<String>,
    /// What would satisfy it, for a person or an agent.
    pub satisfy: Option<String>,
}

/// What one file has to do with a gate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileReport {
    /// Project-relative path.
    pub path: String,
    /// Whether every checked criterion reading this file is met.
    pub met: bool,
    /// Why each unmet criterion on this file is not met.
    pub blocking: Vec<String>,
    /// What would satisfy them, in the same order.
    pub satisfy: Vec<String>,
}

/// One gate explained.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GateExplanation {
    /// Workflow name.
    pub workflow: String,
    /// Project-relative path of the workflow doc (or the feature folder of a framework instance).
    pub path: String,
    /// Project-relative path of the state file of the run whose recorded results were used.
    pub state_path: Option<String>,
    /// The phase whose gate this is (its id).
    pub phase: String,
    /// The phase's title as written.
    pub title: String,
    /// Whether it is the run's current phase.
    pub current: bool,
    /// Where the gate leads: the next phase's id; `None` out of the last phase (the gate
    /// completes the workflow).
    pub next: Option<String>,
    /// Whether every checked criterion is met (manual ones are not checked).
    pub met: bool,
    /// Every criterion, in the order the gate states them (required deliverables first).
    pub criteria: Vec<CriterionReport>,
    /// The files the criteria read, in the order first named, with what blocks each.
    pub files: Vec<FileReport>,
}

fn deliverable_satisfy(path: &str, pattern: bool) -> String {
    if pattern {
        format!("create a non-empty file matching `{path}` (the placeholder names part of the file name)")
    } else {
        format!("create `{path}` with its content (the `scaffold` tool or `phasegate scaffold` creates it from its template)")
    }
}

impl Context<'_> {
    /// The first marker in `path` as `(word, 1-based line)`, and how many there are.
    fn first_marker(&self, path: &str) -> Option<(&'static str, usize, usize)> {
        let hits = self.markers(path);
        let first = hits.first()?;
        let line = self
            .file(path)
            .and_then(|f| f.line_index())
            .map_or(0, |i| i.position(first.range.start, crate::PositionEncoding::Utf8).line as usize + 1);
        Some((first.word, line, hits.len()))
    }

    fn explain_criterion(&self, c: &crate::model::Criterion, phase: &Phase, run: Option<&RunRef<'_>>) -> CriterionReport {
        let mut r = GateReport::default();
        self.evaluate(c, phase, run, &mut r);
        let met = r.unmet.is_empty();
        let reason = if met { None } else { Some(r.unmet.iter().map(|u| u.reason.as_str()).collect::<Vec<_>>().join("; ")) };
        let (kind, files, satisfy) = match &c.kind {
            CriterionKind::ChecklistTicked { file, section } => {
                let satisfy = match self.checklist(file, section) {
                    None if section.is_empty() => format!("add a task list (`- [x] ...`) to `{file}` and tick its items"),
                    None => format!("add a task list under \"{section}\" in `{file}` and tick its items"),
                    Some((open, _, first)) if section.is_empty() => format!("tick the {open} open item(s) in `{file}` (first: {first})"),
                    Some((open, _, first)) => format!("tick the {open} open item(s) under \"{section}\" in `{file}` (first: {first})"),
                };
                ("checklist", vec![file.clone()], satisfy)
            }
            CriterionKind::NoMarkers { files } => {
                let satisfy = files
                    .iter()
                    .filter_map(|f| {
                        self.first_marker(f)
                            .map(|(word, line, n)| format!("resolve the {n} marker(s) in `{f}` (first `{word}` on line {line})"))
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                ("no-markers", files.clone(), satisfy)
            }
            CriterionKind::Recorded { name } => {
                let files = run.map(|r| vec![r.file.path.clone()]).unwrap_or_default();
                let place =
                    run.map_or("the state file's `gates:`, or a checks file".to_string(), |r| format!("`gates:` of `{}`", r.file.path));
                ("recorded", files, format!("record gate result `{name}` as passed ({name}: passed) in {place}"))
            }
            CriterionKind::Section { file, heading } => {
                ("section", vec![file.clone()], format!("add a heading starting with \"{heading}\" to `{file}`"))
            }
            CriterionKind::AnyTicked { file } => {
                ("any-ticked", vec![file.clone()], format!("tick at least one item (`- [x]`) in `{file}`"))
            }
            CriterionKind::Manual => {
                return CriterionReport {
                    kind: "manual".into(),
                    label: c.label.clone(),
                    met: None,
                    files: Vec::new(),
                    reason: None,
                    satisfy: Some("a person confirms it; phasegate does not check prose criteria".into()),
                };
            }
            CriterionKind::DeliverablesExist => ("deliverable", Vec::new(), String::new()),
        };
        CriterionReport {
            kind: kind.into(),
            label: c.label.clone(),
            met: Some(met),
            files,
            reason,
            satisfy: if met || satisfy.is_empty() { None } else { Some(satisfy) },
        }
    }

    /// Every criterion of the gate out of `phase`, evaluated one by one.
    fn gate_criteria(&self, wf: &Workflow, phase: &Phase, run: Option<&RunRef<'_>>) -> Vec<CriterionReport> {
        let mut out = Vec::new();
        // Required deliverables, each its own criterion (implied by the gate of every phase
        // with deliverables).
        let deliverables = phase.gate.criteria.iter().any(|c| matches!(c.kind, CriterionKind::DeliverablesExist));
        for d in phase.deliverables.iter().filter(|d| !d.optional) {
            let status = self.deliverable_status(d);
            let shown = d.resolved.clone().unwrap_or_else(|_| d.path.clone());
            let (met, reason, satisfy) = match &status {
                DeliverableStatus::Missing => {
                    (false, Some(format!("deliverable `{}` is missing", d.path)), Some(deliverable_satisfy(&shown, d.pattern.is_some())))
                }
                DeliverableStatus::Blank(p) => {
                    (false, Some(format!("deliverable `{p}` is empty")), Some(format!("write the content of `{p}`")))
                }
                DeliverableStatus::Present(_) => (true, None, None),
                // Reported as `deliverable-outside-workspace`; the gate does not wait for it.
                DeliverableStatus::Unusable(e) => (true, None, Some(format!("fix the path: {e}"))),
            };
            let file = match &status {
                DeliverableStatus::Present(p) | DeliverableStatus::Blank(p) => p.clone(),
                _ => shown,
            };
            if deliverables {
                out.push(CriterionReport {
                    kind: "deliverable".into(),
                    label: d.path.clone(),
                    met: Some(met),
                    files: vec![file],
                    reason,
                    satisfy,
                });
            }
            if d.require_complete
                && let DeliverableStatus::Present(p) = &status
            {
                let marker = self.first_marker(p);
                out.push(CriterionReport {
                    kind: "complete".into(),
                    label: format!("`{p}` has no unresolved markers"),
                    met: Some(marker.is_none()),
                    files: vec![p.clone()],
                    reason: marker.map(|(word, _, n)| format!("`{p}` has {n} unresolved marker(s), first `{word}`")),
                    satisfy: marker.map(|(word, line, n)| format!("resolve the {n} marker(s) in `{p}` (first `{word}` on line {line})")),
                });
            }
        }
        for c in phase.gate.criteria.iter().filter(|c| !matches!(c.kind, CriterionKind::DeliverablesExist)) {
            out.push(self.explain_criterion(c, phase, run));
        }
        // What the framework adds (unmet ones only: it states no criterion that holds).
        let mut extra = GateReport::default();
        crate::frameworks::gate(self, wf, phase, &mut extra);
        for u in extra.unmet {
            out.push(CriterionReport {
                kind: "framework".into(),
                label: u.reason.clone(),
                met: Some(false),
                files: Vec::new(),
                reason: Some(u.reason),
                satisfy: None,
            });
        }
        out
    }

    pub(super) fn explain_gate(&self, name: &str, state_path: Option<&str>, phase: Option<&str>) -> Result<GateExplanation, Refusal> {
        let w = self.workflow_index(name)?;
        let wf = self.workflows[w].wf;
        if wf.phases.is_empty() {
            return Err(refuse(format!("workflow `{}` has no phases, so no gates (only states)", wf.name)));
        }
        let run = self.pick_run(name, state_path)?;
        let position = match run {
            Some(r) => Some(r.position.clone()),
            None => self.inferred_of(w).map(|r| r.position.clone()),
        };
        let current = match position {
            Some(Position::Phase(i)) => Some(i),
            Some(Position::Done) => Some(wf.phases.len() - 1),
            _ => None,
        };
        let index = match phase {
            Some(p) => wf.phase_index(p).ok_or_else(|| {
                let ids: Vec<&str> = wf.phases.iter().map(|p| p.id.as_str()).collect();
                refuse(format!("workflow `{}` has no phase `{p}`; its phases: {}", wf.name, ids.join(", ")))
            })?,
            None => current.unwrap_or(0),
        };
        let phase = &wf.phases[index];
        let criteria = self.gate_criteria(wf, phase, run);
        let mut files: Vec<FileReport> = Vec::new();
        for c in &criteria {
            for f in &c.files {
                let i = match files.iter().position(|r| r.path == *f) {
                    Some(i) => i,
                    None => {
                        files.push(FileReport { path: f.clone(), met: true, blocking: Vec::new(), satisfy: Vec::new() });
                        files.len() - 1
                    }
                };
                if c.met == Some(false) {
                    let report = &mut files[i];
                    report.met = false;
                    report.blocking.extend(c.reason.clone());
                    report.satisfy.extend(c.satisfy.clone());
                }
            }
        }
        Ok(GateExplanation {
            workflow: wf.name.clone(),
            path: wf.instance.clone().unwrap_or_else(|| self.workflows[w].file.path.clone()),
            state_path: run.map(|r| r.file.path.clone()),
            phase: phase.id.clone(),
            title: phase.title.clone(),
            current: current == Some(index) && !matches!(position, Some(Position::Done)),
            next: wf.phases.get(index + 1).map(|p| p.id.clone()),
            met: criteria.iter().all(|c| c.met != Some(false)),
            criteria,
            files,
        })
    }
}

impl Workspace {
    /// Explains the gate out of phase `phase` of workflow `name` (id, title or number; default:
    /// the run's current phase, the last one for a completed run, else the first), using the run
    /// in the state file at `state_path` when several run it: every criterion, met or not, with
    /// why and what would satisfy it, and the files they read. The verdict is the one `status`
    /// and `advance` reach. Refused when the workflow or phase does not exist, the workflow has
    /// no phases, or several state files run it and none is named.
    pub fn explain_gate(&self, name: &str, state_path: Option<&str>, phase: Option<&str>) -> Result<GateExplanation, Refusal> {
        Context::new(self).explain_gate(name, state_path, phase)
    }
}
