//! Cross-file analysis: which state file runs which workflow, where each run stands, and the
//! status of deliverables and gates. Built from [`FileFacts`] through a [`Skeleton`] the workspace
//! keeps between analyses; it reads, never parses.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::facts::{FileFacts, Skipped};
use crate::model::{CriterionKind, Deliverable, Phase, Run, Workflow, slug};
use crate::text::TextRange;
use crate::workspace::Workspace;

/// A workflow and the file declaring it.
pub(crate) struct WorkflowRef<'a> {
    pub file: &'a FileFacts,
    pub wf: &'a Workflow,
}

/// Where a run stands in its workflow's phases.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Position {
    /// At phase `index` (phases before it are passed).
    Phase(usize),
    /// Finished: every phase is passed.
    Done,
    /// In state `name` of the state machine.
    State(String),
    /// The current step names nothing the workflow declares, or is absent.
    Unknown,
    /// A run inferred from artifacts that has reached no phase yet.
    NotStarted,
}

impl RunRef<'_> {
    /// Indices of the phases the run has passed (their gates are behind it).
    pub(crate) fn passed_phases(&self, wf: &Workflow) -> Vec<usize> {
        let mut passed: Vec<usize> = match self.position {
            Position::Phase(i) => (0..i).collect(),
            Position::Done => (0..wf.phases.len()).collect(),
            _ => Vec::new(),
        };
        for c in &self.run.completed {
            if let Some(i) = wf.phase_index(&c.name)
                && !passed.contains(&i)
            {
                passed.push(i);
            }
        }
        passed.sort_unstable();
        passed
    }

    /// Where to point at the run in its state file: the current step, else the workflow name.
    pub(crate) fn anchor(&self) -> TextRange {
        self.run.current.as_ref().map_or(self.run.workflow.range, |c| c.range)
    }
}

/// Whether a deliverable is there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum DeliverableStatus {
    /// A non-blank file is there (the first match, for a pattern).
    Present(String),
    /// Only blank files are there.
    Blank(String),
    /// Nothing is there.
    Missing,
    /// The path cannot be used (outside the workspace).
    Unusable(String),
}

/// A marker found in a file.
#[derive(Clone, Debug)]
pub(crate) struct MarkerHit {
    pub word: &'static str,
    pub range: TextRange,
}

/// One unmet criterion of a gate.
#[derive(Clone, Debug)]
pub(crate) struct Unmet {
    /// What is wrong, for messages ("deliverable `x` is missing").
    pub reason: String,
}

/// A gate's evaluation.
#[derive(Clone, Debug, Default)]
pub(crate) struct GateReport {
    pub unmet: Vec<Unmet>,
    /// Criteria stated in prose, not checked.
    pub manual: Vec<String>,
}

impl GateReport {
    pub(crate) fn met(&self) -> bool {
        self.unmet.is_empty()
    }
}

/// Everything cross-file, for one analysis or request: borrowed from the workspace's
/// [`Skeleton`] (kept between analyses), so building one costs a pass over the workflows and
/// runs, not over the files.
pub(crate) struct Context<'a> {
    pub ws: &'a Workspace,
    pub workflows: Vec<WorkflowRef<'a>>,
    /// Workflow indices by normalised name.
    pub by_name: &'a HashMap<String, Vec<usize>>,
    pub runs: Vec<RunRef<'a>>,
    /// Runs inferred from artifacts: framework instances (and instanced definitions with `run:
    /// inferred`) that no state file runs. Computed on first use ([`Context::inferred`]): only
    /// status and the actions need them, not the diagnostics.
    inferred: std::sync::OnceLock<Vec<InferredRun>>,
    /// The frameworks on in this workspace ([`Workspace::frameworks`]).
    pub frameworks: Vec<&'static crate::frameworks::Framework>,
    /// While a run's checks are computed for the run cache ([`crate::diagnostics::memo`]): the
    /// files they read.
    pub(crate) reads: std::cell::RefCell<Option<crate::diagnostics::memo::Reads>>,
    /// Gate results recorded as passed in checks files, by slug: gathered once per analysis.
    recorded_passed: std::cell::OnceCell<std::collections::HashSet<String>>,
    /// The `[id:...]` names memory-map files define.
    pub memory_ids: &'a HashSet<String>,
    /// Whether any memory-map file defines `[id:...]` names.
    pub has_memory_map: bool,
}

/// A run and what it resolves to.
pub(crate) struct RunRef<'a> {
    pub file: &'a FileFacts,
    pub run: &'a Run,
    /// Index into [`Context::workflows`], when the name resolves to exactly one workflow.
    pub workflow: Option<usize>,
    pub position: Position,
    /// The key of the workflow name it runs ([`name_key`]).
    pub key: &'a str,
}

/// A run inferred from a workflow's artifacts ([`crate::model::Workflow::run_inferred`]).
#[derive(Clone, Debug)]
pub(crate) struct InferredRun {
    /// Index into [`Context::workflows`].
    pub workflow: usize,
    pub position: Position,
}

/// The key workflows are looked up by: the slug of the name.
pub(crate) fn name_key(name: &str) -> String {
    slug(name)
}

/// Where a workflow of the [`Skeleton`] is declared.
#[derive(Clone, Debug)]
enum Source {
    /// `file.workflows[i]`.
    Own(usize),
    /// `Workspace::instances()[i]` (its anchor file is the entry's file).
    Instance(usize),
}

#[derive(Clone, Debug)]
struct SkWorkflow {
    file: Arc<FileFacts>,
    source: Source,
}

#[derive(Clone, Debug)]
struct SkRun {
    file: Arc<FileFacts>,
    /// Index into `file.runs`.
    run: usize,
    workflow: Option<usize>,
    position: Position,
    key: String,
}

/// What [`Context`] is made of, kept by the [`Workspace`] between analyses: which workflows
/// count (in file order, then the framework instances), their names, the runs with their
/// workflow and position, the memory map's names. It depends on few facts of few files
/// ([`Signature`]): an edit that keeps a file's signature only swaps that file's facts in and
/// recomputes the positions of the runs it touches ([`Skeleton::patch`]); any other change of
/// files or settings builds it again on next use.
#[derive(Clone, Debug, Default)]
pub(crate) struct Skeleton {
    frameworks: Vec<&'static str>,
    workflows: Vec<SkWorkflow>,
    by_name: HashMap<String, Vec<usize>>,
    runs: Vec<SkRun>,
    /// Per file path: the indices of its workflows and of its runs here.
    by_path: HashMap<String, (Vec<usize>, Vec<usize>)>,
    /// Per workflow index: the runs resolved to it.
    runs_of: Vec<Vec<usize>>,
    memory_ids: HashSet<String>,
    has_memory_map: bool,
}

/// The facts of one file that shape the [`Skeleton`]: its workflows (name key, whether it counts
/// on its own, whether it is instantiated, its framework), its runs (the name key they run,
/// their format) and its memory-map names. Compared, never stored.
fn same_signature(a: &FileFacts, b: &FileFacts) -> bool {
    a.workflows.len() == b.workflows.len()
        && a.workflows.iter().zip(&b.workflows).all(|(x, y)| {
            x.keys.name == y.keys.name
                && x.is_recognised() == y.is_recognised()
                && x.instances.is_empty() == y.instances.is_empty()
                && x.framework == y.framework
        })
        && a.runs.len() == b.runs.len()
        && a.runs.iter().zip(&b.runs).all(|(x, y)| {
            x.format == y.format && (x.workflow.name == y.workflow.name || name_key(&x.workflow.name) == name_key(&y.workflow.name))
        })
        && a.memory_ids.len() == b.memory_ids.len()
        && a.memory_ids.iter().zip(&b.memory_ids).all(|(x, y)| x.name == y.name)
}

impl Skeleton {
    /// Builds it from every file of `ws`.
    pub(crate) fn build(ws: &Workspace) -> Skeleton {
        let mut sk = Skeleton::default();
        // A document that is a workflow only by its phase-like headings counts once a state file
        // runs it (docs/conventions.md, "When a file defines a workflow").
        let run_names: HashSet<String> = ws.files.values().flat_map(|f| f.runs.iter().map(|r| name_key(&r.workflow.name))).collect();
        // A framework's own workflows and runs (BMAD's sprint entries) count only where it is on.
        let frameworks = ws.frameworks();
        let off = |id: Option<&str>| id.is_some_and(|id| crate::frameworks::by_id(id).is_some() && !frameworks.iter().any(|f| f.id == id));
        let bmad_off = off(Some("bmad"));
        sk.frameworks = frameworks.iter().map(|f| f.id).collect();
        for file in ws.files.values() {
            // A definition instantiated per folder is not a workflow itself: its instances are.
            for (i, wf) in file.workflows.iter().enumerate() {
                if wf.instances.is_empty() && !off(wf.framework.as_deref()) && (wf.is_recognised() || run_names.contains(&wf.keys.name)) {
                    sk.add_workflow(&wf.keys.name, SkWorkflow { file: file.clone(), source: Source::Own(i) });
                }
            }
            if !file.memory_ids.is_empty() {
                sk.has_memory_map = true;
                sk.memory_ids.extend(file.memory_ids.iter().map(|id| id.name.clone()));
            }
        }
        for (i, instance) in ws.instances().iter().enumerate() {
            let Some(file) = ws.files.get(&instance.anchor) else { continue };
            sk.add_workflow(&instance.wf.keys.name, SkWorkflow { file: file.clone(), source: Source::Instance(i) });
        }
        sk.runs_of = vec![Vec::new(); sk.workflows.len()];
        for file in ws.files.values() {
            for (i, run) in file.runs.iter().enumerate() {
                if bmad_off && run.format == crate::model::StateFormat::SprintStatus {
                    continue;
                }
                let key = name_key(&run.workflow.name);
                let workflow = match sk.by_name.get(&key) {
                    Some(list) if list.len() == 1 => Some(list[0]),
                    // A BMAD sprint entry is its own workflow, declared where its run is: two
                    // sprint-status.yaml files tracking one story (`bmad-duplicate-sprint-status`)
                    // each run their own entry, at the status each file gives it.
                    Some(list) if run.format == crate::model::StateFormat::SprintStatus => {
                        list.iter().copied().find(|&w| sk.workflows[w].file.path == file.path)
                    }
                    _ => None,
                };
                let index = sk.runs.len();
                if let Some(w) = workflow {
                    sk.runs_of[w].push(index);
                }
                sk.by_path.entry(file.path.clone()).or_default().1.push(index);
                sk.runs.push(SkRun { file: file.clone(), run: i, workflow, position: Position::Unknown, key });
            }
        }
        for r in 0..sk.runs.len() {
            sk.runs[r].position = sk.position_of(ws, r);
        }
        sk
    }

    fn add_workflow(&mut self, key: &str, w: SkWorkflow) {
        self.by_name.entry(key.to_string()).or_default().push(self.workflows.len());
        self.by_path.entry(w.file.path.clone()).or_default().0.push(self.workflows.len());
        self.workflows.push(w);
    }

    fn workflow<'s>(&'s self, ws: &'s Workspace, w: usize) -> Option<&'s Workflow> {
        let e = &self.workflows[w];
        match e.source {
            Source::Own(i) => e.file.workflows.get(i),
            Source::Instance(i) => ws.instances_if_known()?.get(i).map(|inst| &inst.wf),
        }
    }

    fn position_of(&self, ws: &Workspace, r: usize) -> Position {
        let run = &self.runs[r];
        match (run.workflow.and_then(|w| self.workflow(ws, w)), run.file.runs.get(run.run)) {
            (Some(wf), Some(facts)) => position(wf, facts),
            _ => Position::Unknown,
        }
    }

    /// Takes the new facts of a file whose [signature](same_signature) did not change (`old` is
    /// what the skeleton holds): swaps them in and recomputes the positions of the runs that read
    /// them. Returns `false`, changing nothing, when the skeleton must be built again instead.
    pub(crate) fn patch(&mut self, ws: &Workspace, old: Option<&FileFacts>, new: &Arc<FileFacts>) -> bool {
        let Some(old) = old else {
            // A new file: it counts only when it brings nothing the skeleton holds.
            return new.workflows.is_empty() && new.runs.is_empty() && new.memory_ids.is_empty();
        };
        if !same_signature(old, new) {
            return false;
        }
        let Some((workflows, runs)) = self.by_path.get(new.path.as_str()) else { return true };
        let (workflows, runs) = (workflows.clone(), runs.clone());
        let mut moved: Vec<usize> = runs.clone();
        for &w in &workflows {
            self.workflows[w].file = new.clone();
            moved.extend(self.runs_of[w].iter().copied());
        }
        for &r in &runs {
            self.runs[r].file = new.clone();
        }
        for r in moved {
            self.runs[r].position = self.position_of(ws, r);
        }
        true
    }
}

impl<'a> Context<'a> {
    pub(crate) fn new(ws: &'a Workspace) -> Context<'a> {
        let sk = ws.skeleton();
        let frameworks = ws.frameworks();
        let workflows = sk
            .workflows
            .iter()
            .enumerate()
            .filter_map(|(w, e)| Some(WorkflowRef { file: &e.file, wf: sk.workflow(ws, w)? }))
            .collect::<Vec<_>>();
        let runs = if workflows.len() == sk.workflows.len() {
            sk.runs
                .iter()
                .filter_map(|r| {
                    Some(RunRef {
                        file: &r.file,
                        run: r.file.runs.get(r.run)?,
                        workflow: r.workflow,
                        position: r.position.clone(),
                        key: &r.key,
                    })
                })
                .collect()
        } else {
            Vec::new()
        };
        Context {
            ws,
            workflows,
            by_name: &sk.by_name,
            runs,
            inferred: std::sync::OnceLock::new(),
            frameworks,
            reads: Default::default(),
            recorded_passed: Default::default(),
            memory_ids: &sk.memory_ids,
            has_memory_map: sk.has_memory_map,
        }
    }

    /// The runs inferred from artifacts, computed on first use.
    pub(crate) fn inferred(&self) -> &[InferredRun] {
        self.inferred.get_or_init(|| {
            let run_by_state_file: std::collections::HashSet<usize> = self.runs.iter().filter_map(|r| r.workflow).collect();
            let mut out = Vec::new();
            for (w, wref) in self.workflows.iter().enumerate() {
                if wref.wf.run_inferred && !run_by_state_file.contains(&w) {
                    out.push(InferredRun { workflow: w, position: self.infer(wref.wf) });
                }
            }
            out
        })
    }

    /// Where a run of `wf` stands, inferred from its artifacts: at the last phase it has
    /// [reached](Context::reached); done when that is the last phase and its gate is met.
    pub(crate) fn infer(&self, wf: &Workflow) -> Position {
        let Some(i) = (0..wf.phases.len()).rev().find(|&i| self.reached(&wf.phases[i])) else { return Position::NotStarted };
        if i + 1 == wf.phases.len() && self.evaluate_gate(wf, &wf.phases[i], None).met() { Position::Done } else { Position::Phase(i) }
    }

    /// The file at `path`.
    pub(crate) fn file(&self, path: &str) -> Option<&'a FileFacts> {
        self.read(path);
        self.ws.files.get(path).map(|f| &**f)
    }

    /// Notes that what is computed depends on the file at `path` (present or not).
    pub(crate) fn read(&self, path: &str) {
        if let Some(reads) = self.reads.borrow_mut().as_mut() {
            reads.paths.push(path.to_string());
        }
    }

    /// Notes that what is computed depends on every file under folder `prefix` (ending in `/`,
    /// or empty for all).
    fn read_prefix(&self, prefix: &str) {
        if let Some(reads) = self.reads.borrow_mut().as_mut() {
            reads.prefixes.push(prefix.to_string());
        }
    }

    /// Whether deliverable `d` is there.
    pub(crate) fn deliverable_status(&self, d: &Deliverable) -> DeliverableStatus {
        let path = match &d.resolved {
            Ok(p) => p,
            Err(e) => return DeliverableStatus::Unusable(e.clone()),
        };
        match &d.pattern {
            None if d.path.ends_with('/') => self.read_prefix(&format!("{}/", path.trim_end_matches('/'))),
            None => self.read(path),
            Some(pattern) => self.read_prefix(&pattern.prefix),
        }
        match &d.pattern {
            None => match self.ws.files.get(path.as_str()) {
                Some(f) if f.blank => DeliverableStatus::Blank(path.clone()),
                Some(_) => DeliverableStatus::Present(path.clone()),
                // A folder deliverable (`out/`) is there when a file is under it.
                None if d.path.ends_with('/') => {
                    let prefix = format!("{}/", path.trim_end_matches('/'));
                    match self.ws.files.range(prefix.clone()..).next() {
                        Some((k, _)) if k.starts_with(&prefix) => DeliverableStatus::Present(k.clone()),
                        _ => DeliverableStatus::Missing,
                    }
                }
                None => DeliverableStatus::Missing,
            },
            Some(pattern) => {
                let mut blank = None;
                for (k, f) in self.ws.files.range(pattern.prefix.clone()..) {
                    if !k.starts_with(&pattern.prefix) {
                        break;
                    }
                    if pattern.is_match(k) {
                        if !f.blank {
                            return DeliverableStatus::Present(k.clone());
                        }
                        blank.get_or_insert_with(|| k.clone());
                    }
                }
                blank.map_or(DeliverableStatus::Missing, DeliverableStatus::Blank)
            }
        }
    }

    /// `TBD`, `TODO` and `[NEEDS CLARIFICATION` markers in the file at `path`, outside code blocks.
    pub(crate) fn markers(&self, path: &str) -> Vec<MarkerHit> {
        let Some(file) = self.file(path) else { return Vec::new() };
        find_markers(file.text(), &file.outline().code_blocks)
    }

    /// Evaluates the gate out of `phase` of `wf` for `run` (which supplies recorded gate
    /// results). A framework's instances also meet its own criteria ([`crate::frameworks::gate`]).
    pub(crate) fn evaluate_gate(&self, wf: &Workflow, phase: &Phase, run: Option<&RunRef<'_>>) -> GateReport {
        let mut report = GateReport::default();
        for c in &phase.gate.criteria {
            self.evaluate(c, phase, run, &mut report);
        }
        crate::frameworks::gate(self, wf, phase, &mut report);
        for d in phase.deliverables.iter().filter(|d| d.require_complete) {
            if let DeliverableStatus::Present(p) = self.deliverable_status(d) {
                let hits = self.markers(&p);
                if let Some(first) = hits.first() {
                    report.unmet.push(Unmet { reason: format!("`{p}` has {} unresolved marker(s), first `{}`", hits.len(), first.word) });
                }
            }
        }
        report
    }

    /// Whether a run inferred from artifacts has reached `phase`: its `reached` criteria hold, or,
    /// without any, its required deliverables exist (a phase with neither is never reached on
    /// its own).
    pub(crate) fn reached(&self, phase: &Phase) -> bool {
        if !phase.reached.is_empty() {
            let mut report = GateReport::default();
            for c in &phase.reached {
                self.evaluate(c, phase, None, &mut report);
            }
            return report.met();
        }
        let mut required = phase.deliverables.iter().filter(|d| !d.optional).peekable();
        required.peek().is_some() && required.all(|d| matches!(self.deliverable_status(d), DeliverableStatus::Present(_)))
    }

    /// Adds what criterion `c` (of `phase`, for `run`) finds unmet to `report`.
    pub(crate) fn evaluate(&self, c: &crate::model::Criterion, phase: &Phase, run: Option<&RunRef<'_>>, report: &mut GateReport) {
        match &c.kind {
            CriterionKind::DeliverablesExist => {
                for d in phase.deliverables.iter().filter(|d| !d.optional) {
                    match self.deliverable_status(d) {
                        DeliverableStatus::Missing => report.unmet.push(Unmet { reason: format!("deliverable `{}` is missing", d.path) }),
                        DeliverableStatus::Blank(p) => report.unmet.push(Unmet { reason: format!("deliverable `{p}` is empty") }),
                        DeliverableStatus::Present(_) | DeliverableStatus::Unusable(_) => {}
                    }
                }
            }
            CriterionKind::ChecklistTicked { file, section } => match self.checklist(file, section) {
                None => report.unmet.push(Unmet { reason: format!("checklist \"{}\" not found in `{file}`", c.label) }),
                Some((open, total, first)) if open > 0 => {
                    report.unmet.push(Unmet { reason: format!("{open} of {total} items unticked in \"{}\"; first: {first}", c.label) })
                }
                Some(_) => {}
            },
            CriterionKind::NoMarkers { files } => {
                for f in files {
                    let hits = self.markers(f);
                    if let Some(first) = hits.first() {
                        report
                            .unmet
                            .push(Unmet { reason: format!("`{f}` has {} unresolved marker(s), first `{}`", hits.len(), first.word) });
                    }
                }
            }
            CriterionKind::Recorded { name } => {
                if !self.recorded(name, run) {
                    report.unmet.push(Unmet { reason: format!("gate result `{name}` is not recorded as passed") });
                }
            }
            CriterionKind::Manual => report.manual.push(c.label.clone()),
            CriterionKind::Section { file, heading } => {
                let wanted = heading.to_lowercase();
                let found = self.file(file).is_some_and(|f| f.outline().headings.iter().any(|h| h.to_lowercase().starts_with(&wanted)));
                if !found {
                    report.unmet.push(Unmet { reason: format!("`{file}` has no `{heading}` section") });
                }
            }
            CriterionKind::AnyTicked { file } => {
                if !self.file(file).is_some_and(|f| f.outline().checklists.iter().any(|i| i.checked)) {
                    report.unmet.push(Unmet { reason: format!("no item of `{file}` is ticked") });
                }
            }
        }
    }

    /// `(unticked, total, first unticked item's text)` items of the checklist under `section` in `file`, or `None` when the
    /// file or the section holds no checklist. An empty `section` means every checklist item of
    /// the file.
    pub(crate) fn checklist(&self, file: &str, section: &str) -> Option<(usize, usize, String)> {
        let f = self.file(file)?;
        let wanted = crate::facts::section_key(section);
        let items: Vec<_> = f.outline().checklists.iter().filter(|i| wanted.is_empty() || i.section == wanted).collect();
        if items.is_empty() {
            return None;
        }
        let first_open = items.iter().find(|i| !i.checked).map(|i| i.text.clone()).unwrap_or_default();
        Some((items.iter().filter(|i| !i.checked).count(), items.len(), first_open))
    }

    /// Whether gate result `name` is recorded as passed in the run's state file or any checks file.
    pub(crate) fn recorded(&self, name: &str, run: Option<&RunRef<'_>>) -> bool {
        let key = slug(name);
        if let Some(r) = run
            && let Some(g) = r.run.gates.iter().find(|g| slug(&g.name.name) == key)
        {
            return g.passed;
        }
        if let Some(reads) = self.reads.borrow_mut().as_mut() {
            reads.gate_records = true;
        }
        self.recorded_passed
            .get_or_init(|| {
                self.ws.files.values().flat_map(|f| f.gate_records.iter().filter(|g| g.passed).map(|g| slug(&g.name.name))).collect()
            })
            .contains(&key)
    }

    /// The workflow `w` of a run, if resolved.
    pub(crate) fn workflow_of(&self, run: &RunRef<'_>) -> Option<&WorkflowRef<'a>> {
        run.workflow.map(|w| &self.workflows[w])
    }
}

/// Where `run` stands in `wf`.
pub(crate) fn position(wf: &Workflow, run: &Run) -> Position {
    if run.is_completed() && run.current.is_none() {
        return Position::Done;
    }
    let Some(current) = &run.current else {
        return if run.is_completed() { Position::Done } else { Position::Unknown };
    };
    if let Some(i) = wf.phase_index(&current.name) {
        return if run.is_completed() { Position::Done } else { Position::Phase(i) };
    }
    if wf.state_exists(&current.name) {
        return Position::State(current.name.clone());
    }
    Position::Unknown
}

/// Finds marker words in `text`, skipping `skip` ranges: `TBD` and `TODO` as whole uppercase
/// words, and `[NEEDS CLARIFICATION` (Spec Kit's marker).
pub(crate) fn find_markers(text: &str, skip: &[TextRange]) -> Vec<MarkerHit> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    for word in ["TBD", "TODO", "[NEEDS CLARIFICATION"] {
        let mut from = 0;
        while let Some(i) = text[from..].find(word) {
            let start = from + i;
            let end = start + word.len();
            from = end;
            let is_word_char = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
            let word_bounded = word.starts_with('[')
                || ((start == 0 || !is_word_char(bytes[start - 1])) && (end >= bytes.len() || !is_word_char(bytes[end])));
            if !word_bounded || skip.iter().any(|r| r.start <= start && start < r.end) {
                continue;
            }
            let range_end = if word.starts_with('[') { text[start..].find(']').map_or(end, |j| start + j + 1) } else { end };
            out.push(MarkerHit {
                word: if word.starts_with('[') { "[NEEDS CLARIFICATION]" } else { word },
                range: TextRange::new(start, range_end),
            });
        }
    }
    out.sort_by_key(|m| m.range.start);
    out
}

/// A short human description of why a file was skipped.
pub(crate) fn skipped_reason(s: &Skipped) -> String {
    match s {
        Skipped::NotUtf8 { at } => format!("is not valid UTF-8 (first bad byte at offset {at})"),
        Skipped::Binary => "looks binary (it holds NUL bytes)".to_string(),
        Skipped::BadUtf16 => "starts with a UTF-16 byte-order mark but is not valid UTF-16".to_string(),
        Skipped::TooLarge { len } => {
            format!("is {:.1} MiB, over the {} MiB limit for analysis", *len as f64 / 1048576.0, crate::facts::MAX_TEXT_BYTES / 1048576)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::find_markers;

    #[test]
    fn markers_are_whole_words_outside_code() {
        let text = "TBD here\nnot TBDX or xTODO\n[NEEDS CLARIFICATION: auth?]\n```\nTODO in code\n```\n";
        let code_start = text.find("```").unwrap_or(0);
        let hits = find_markers(text, &[crate::text::TextRange::new(code_start, text.len())]);
        let words: Vec<_> = hits.iter().map(|h| (h.word, &text[h.range.start..h.range.end])).collect();
        assert_eq!(words, vec![("TBD", "TBD"), ("[NEEDS CLARIFICATION]", "[NEEDS CLARIFICATION: auth?]")]);
    }
}
