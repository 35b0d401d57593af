//! Cross-file analysis: which state file runs which workflow, where each run stands, and the
//! status of deliverables and gates. Built from [`FileFacts`] on every analysis; it reads, never
//! parses.

use std::collections::HashMap;

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

/// A run and what it resolves to.
pub(crate) struct RunRef<'a> {
    pub file: &'a FileFacts,
    pub run: &'a Run,
    /// Index into [`Context::workflows`], when the name resolves to exactly one workflow.
    pub workflow: Option<usize>,
    pub position: Position,
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

/// Everything cross-file, computed once per analysis.
pub(crate) struct Context<'a> {
    pub ws: &'a Workspace,
    pub workflows: Vec<WorkflowRef<'a>>,
    /// Workflow indices by normalised name.
    pub by_name: HashMap<String, Vec<usize>>,
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
    /// Whether any memory-map file defines `[id:...]` names.
    pub memory_ids: HashMap<&'a str, ()>,
    pub has_memory_map: bool,
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

impl<'a> Context<'a> {
    pub(crate) fn new(ws: &'a Workspace) -> Context<'a> {
        let mut workflows = Vec::new();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        let mut memory_ids = HashMap::new();
        let mut has_memory_map = false;
        // A document that is a workflow only by its phase-like headings counts once a state file
        // runs it (docs/conventions.md, "When a file defines a workflow").
        let run_names: std::collections::HashSet<String> =
            ws.files.values().flat_map(|f| f.runs.iter().map(|r| name_key(&r.workflow.name))).collect();
        // A framework's own workflows and runs (BMAD's sprint entries) count only where it is on.
        let frameworks = ws.frameworks();
        let off = |id: Option<&str>| id.is_some_and(|id| crate::frameworks::by_id(id).is_some() && !frameworks.iter().any(|f| f.id == id));
        let bmad_off = off(Some("bmad"));
        for file in ws.files.values() {
            // A definition instantiated per folder is not a workflow itself: its instances are.
            let own = file.workflows.iter().filter(|wf| wf.instances.is_empty() && !off(wf.framework.as_deref()));
            for wf in own.filter(|wf| wf.is_recognised() || run_names.contains(&wf.keys.name)) {
                by_name.entry(wf.keys.name.clone()).or_default().push(workflows.len());
                workflows.push(WorkflowRef { file, wf });
            }
            if !file.memory_ids.is_empty() {
                has_memory_map = true;
                for id in &file.memory_ids {
                    memory_ids.insert(id.name.as_str(), ());
                }
            }
        }
        for instance in ws.instances() {
            let Some(file) = ws.files.get(&instance.anchor) else { continue };
            by_name.entry(instance.wf.keys.name.clone()).or_default().push(workflows.len());
            workflows.push(WorkflowRef { file, wf: &instance.wf });
        }
        let mut ctx = Context {
            ws,
            workflows,
            by_name,
            runs: Vec::new(),
            inferred: std::sync::OnceLock::new(),
            frameworks,
            reads: Default::default(),
            recorded_passed: Default::default(),
            memory_ids,
            has_memory_map,
        };
        for file in ws.files.values() {
            for run in file.runs.iter().filter(|r| !(bmad_off && r.format == crate::model::StateFormat::SprintStatus)) {
                let workflow = match ctx.by_name.get(&name_key(&run.workflow.name)) {
                    Some(list) if list.len() == 1 => Some(list[0]),
                    // A BMAD sprint entry is its own workflow, declared where its run is: two
                    // sprint-status.yaml files tracking one story (`bmad-duplicate-sprint-status`)
                    // each run their own entry, at the status each file gives it.
                    Some(list) if run.format == crate::model::StateFormat::SprintStatus => {
                        list.iter().copied().find(|&w| ctx.workflows[w].file.path == file.path)
                    }
                    _ => None,
                };
                let position = workflow.map_or(Position::Unknown, |w| position(ctx.workflows[w].wf, run));
                ctx.runs.push(RunRef { file, run, workflow, position });
            }
        }
        ctx
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
