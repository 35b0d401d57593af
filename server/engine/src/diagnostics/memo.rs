//! The run cache: what the run-scoped checks report about each run (its gates, deliverables,
//! markers, transitions, names), and the workflow-scoped gate checks about each workflow (the
//! checklists and files its criteria name), kept between analyses with the files they were
//! computed from, and recomputed only for the runs and workflows whose files changed. This is what keeps an edit's analysis short
//! in a workspace of thousands of state files (docs/benchmarks.md, "The live server").
//!
//! A run's result depends on: its state file; its workflow's file, and the name it is found by;
//! the files its checks look at (deliverables, checklists, marker files, through
//! [`Context::file`] and [`Context::deliverable_status`], which note each read, and folders
//! scanned for placeholder paths); and, for recorded gate results, every checks file. The
//! [`Workspace`](crate::Workspace) notes what changes between analyses ([`Changes`]); a run is
//! recomputed when any of that meets what it read. Runs of a framework's workflows are always
//! recomputed (their framework's gate criteria read files the notes do not cover), as is every
//! run when the set of frameworks or feature folders changes.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::analysis::{Context, RunRef, name_key};
use crate::diagnostics::Diagnostic;

/// What a run's checks read, noted while they run.
#[derive(Clone, Debug, Default)]
pub(crate) struct Reads {
    /// Files looked up (present or not).
    pub paths: Vec<String>,
    /// Folders scanned (ending in `/`; empty for the whole workspace).
    pub prefixes: Vec<String>,
    /// Whether recorded gate results of checks files were consulted.
    pub gate_records: bool,
}

/// What changed in a workspace since its last analysis: noted by
/// [`crate::Workspace::set_file`] and the like, taken by the next analysis.
#[derive(Clone, Debug, Default)]
pub(crate) struct Changes {
    /// Files set or removed.
    pub paths: BTreeSet<String>,
    /// Workflow names (as keys) that a changed file defined or ran, before or after the change.
    pub names: HashSet<String>,
    /// Whether a changed file held recorded gate results, before or after.
    pub gate_records: bool,
    /// Everything may have changed (settings, frameworks): recompute every run.
    pub all: bool,
}

/// One run's cached result.
#[derive(Debug)]
struct Unit {
    reads: Reads,
    workflow: String,
    diagnostics: Vec<Diagnostic>,
}

/// The cache, per workspace.
#[derive(Debug, Default)]
pub(crate) struct RunCache {
    /// By the run's state file and its index among that file's runs.
    units: HashMap<(String, usize), Unit>,
    /// The workflow-scoped gate checks ([`super::gates::check_workflow`]), by the workflow's
    /// file, its name (as a key) and its index among that file's workflows of that name.
    workflows: HashMap<(String, String, usize), Unit>,
    /// What made the cache valid: the frameworks on and the feature folders' names.
    shape: Option<(Vec<&'static str>, Vec<String>)>,
}

impl RunCache {
    /// Adds every run's diagnostics to `out`: from the cache where nothing it read changed,
    /// computed (and cached) otherwise.
    pub(crate) fn collect(&mut self, ctx: &Context<'_>, changes: Changes, out: &mut Vec<Diagnostic>) {
        let shape = (
            ctx.frameworks.iter().map(|f| f.id).collect(),
            ctx.workflows.iter().filter(|w| w.wf.instance.is_some()).map(|w| w.wf.keys.name.clone()).collect(),
        );
        if changes.all || self.shape.as_ref() != Some(&shape) {
            self.units.clear();
            self.workflows.clear();
            self.shape = Some(shape);
        }
        let stale = |u: &Unit| {
            changes.names.contains(&u.workflow)
                || (changes.gate_records && u.reads.gate_records)
                || u.reads.paths.iter().any(|p| changes.paths.contains(p))
                || u.reads.prefixes.iter().any(|pre| changes.paths.range(pre.clone()..).next().is_some_and(|p| p.starts_with(pre.as_str())))
        };
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut live: HashSet<(String, usize)> = HashSet::with_capacity(ctx.runs.len());
        for run in &ctx.runs {
            let index = seen.entry(run.file.path.as_str()).or_insert(0);
            let key = (run.file.path.clone(), *index);
            *index += 1;
            let framework = ctx.workflow_of(run).is_some_and(|w| w.wf.framework.is_some());
            match self.units.get(&key) {
                Some(u) if !framework && !stale(u) => out.extend(u.diagnostics.iter().cloned()),
                _ => {
                    let unit = compute(ctx, run);
                    out.extend(unit.diagnostics.iter().cloned());
                    self.units.insert(key.clone(), unit);
                }
            }
            live.insert(key);
        }
        self.units.retain(|k, _| live.contains(k));

        // The gate checks of each workflow that is not a framework's (those read files through
        // their framework's criteria, which the notes do not cover).
        let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
        let mut live: HashSet<(String, String, usize)> = HashSet::new();
        for w in ctx.workflows.iter().filter(|w| w.wf.instance.is_none()) {
            if w.wf.framework.is_some() {
                super::gates::check_workflow(ctx, w, out);
                continue;
            }
            let index = seen.entry((w.file.path.as_str(), w.wf.keys.name.as_str())).or_insert(0);
            let key = (w.file.path.clone(), w.wf.keys.name.clone(), *index);
            *index += 1;
            match self.workflows.get(&key) {
                Some(u) if !stale(u) => out.extend(u.diagnostics.iter().cloned()),
                _ => {
                    *ctx.reads.borrow_mut() = Some(Reads::default());
                    let mut diagnostics = Vec::new();
                    super::gates::check_workflow(ctx, w, &mut diagnostics);
                    let mut reads = ctx.reads.borrow_mut().take().unwrap_or_default();
                    reads.paths.push(w.file.path.clone());
                    reads.paths.sort_unstable();
                    reads.paths.dedup();
                    out.extend(diagnostics.iter().cloned());
                    self.workflows.insert(key.clone(), Unit { reads, workflow: w.wf.keys.name.clone(), diagnostics });
                }
            }
            live.insert(key);
        }
        self.workflows.retain(|k, _| live.contains(k));
    }
}

/// Runs every run-scoped check on `run`, noting what they read.
fn compute(ctx: &Context<'_>, run: &RunRef<'_>) -> Unit {
    *ctx.reads.borrow_mut() = Some(Reads::default());
    let mut diagnostics = Vec::new();
    super::collect_run(ctx, run, &mut diagnostics);
    let mut reads = ctx.reads.borrow_mut().take().unwrap_or_default();
    reads.paths.push(run.file.path.clone());
    if let Some(w) = ctx.workflow_of(run) {
        reads.paths.push(w.file.path.clone());
    }
    reads.paths.sort_unstable();
    reads.paths.dedup();
    Unit { reads, workflow: name_key(&run.run.workflow.name), diagnostics }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::fixture::{render, workspace};
    use crate::facts::FileInput;

    /// After any sequence of edits, the cached analysis equals a fresh one of the same files.
    #[test]
    fn cached_runs_follow_every_edit() {
        let spec = "//- docs/wf.md\n---\nname: demo\n---\n## Phase 1: Design\n**Deliverables**:\n- `docs/design.md`\n- `out/`\n- `notes/INTERFACE-[feature].md`\n\n**Gate Check**: ok → Proceed to Phase 2\n\n**Before starting build, orchestrator MUST verify:**\n- [ ] reviewed\n\n## Phase 2: Build\n**Deliverables**:\n- `docs/build.md`\n## Phase 3: Ship\n//- a.state.yaml\nworkflow: demo\ncurrent: build\n//- b.state.yaml\nworkflow: demo\ncurrent: design\n//- other.workflow.yaml\nname: other\nphases:\n  - id: one\n    gate: [{recorded: qa}, {checklist: review.md#Sign-off}, {no_markers: [notes.md]}]\n  - id: two\n//- c.state.yaml\nworkflow: other\ncurrent: two\n";
        let mut ws = workspace(spec);
        let edits: &[(&str, Option<&str>)] = &[
            ("docs/design.md", Some("# Design\n")),
            ("out/x.md", Some("x")),
            ("notes/INTERFACE-auth.md", Some("TBD\n")),
            (
                "docs/wf.md",
                Some(
                    "---\nname: demo\n---\n## Phase 1: Design\n**Deliverables**:\n- `docs/design.md`\n\n**Before starting build, orchestrator MUST verify:**\n- [x] reviewed\n\n## Phase 2: Build\n## Phase 3: Ship\n",
                ),
            ),
            ("checks.yaml", Some("gates:\n  qa: passed\n")),
            ("a.state.yaml", Some("workflow: demo\ncurrent: ship\n")),
            ("docs/design.md", None),
            ("checks.yaml", Some("gates:\n  qa: failed\n")),
            ("second.md", Some("---\nname: demo\n---\n## Phase 1: A\n## Phase 2: B\n")),
            ("second.md", None),
            // The workflow-scoped gate checks: a checklist file and a marker file appear and go.
            ("review.md", Some("# Review\n")),
            ("review.md", Some("# Review\n## Sign-off\n- [ ] done\n")),
            ("notes.md", Some("TBD\n")),
            ("review.md", None),
            ("notes.md", None),
            ("other.workflow.yaml", Some("name: other\nphases:\n  - id: one\n    gate: [{checklist: review.md}]\n  - id: two\n")),
        ];
        for (path, text) in edits {
            match text {
                Some(t) => ws.set_file(path, FileInput::Text(t.to_string())),
                None => {
                    ws.remove_file(path);
                }
            }
            let incremental = render(&ws, &[]);
            let mut fresh = ws.clone();
            fresh.frameworks_changed();
            assert_eq!(incremental, render(&fresh, &[]), "after {path}");
        }
    }
}
