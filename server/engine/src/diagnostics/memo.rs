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

use crate::analysis::{Context, RunRef};
use crate::diagnostics::Diagnostic;

/// What a run's checks read, noted while they run.
#[derive(Clone, Debug, Default)]
pub(crate) struct Reads {
    /// Files looked up (present or not); sorted and without repeats once a unit keeps them.
    pub paths: Vec<String>,
    /// Folders scanned (ending in `/`; empty for the whole workspace).
    pub prefixes: Vec<String>,
    /// Whether recorded gate results of checks files were consulted.
    pub gate_records: bool,
    /// Whether every workflow's name was read (a run of no known workflow lists them).
    pub workflow_names: bool,
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

/// A cached unit with what identifies it: the run's state file and its index among that file's
/// runs, or the workflow's file, its name key and its index among that file's workflows of that
/// name (`name` empty for a run).
#[derive(Debug)]
struct Slot {
    path: String,
    name: String,
    index: usize,
    unit: Unit,
}

/// Where the diagnostics of the units an update recomputed, added or dropped are, before and
/// after: only the lists of those files (and of the files that changed) can differ from the last
/// analysis's because of the cache (`Workspace::update_diagnostics`).
#[derive(Debug, Default)]
pub(crate) struct Touched {
    /// Every unit was dropped (the frameworks on, the feature folders or the settings changed):
    /// any list may differ.
    pub all: bool,
    /// Paths of those diagnostics, with repeats.
    pub paths: Vec<String>,
}

impl Touched {
    fn note(&mut self, unit: &Unit) {
        if !self.all {
            self.paths.extend(unit.diagnostics.iter().map(|d| d.path.clone()));
        }
    }
}

/// Numbers the updates of every cache in the process (see [`RunCache::epoch`]).
static EPOCHS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// The cache, per workspace.
#[derive(Debug, Default)]
pub(crate) struct RunCache {
    /// Which update the units are from: a number no other update of any cache had, 0 before the
    /// first. A front end that kept what an update gave knows from it whether the cache moved on
    /// since (someone else analysed the workspace, or it is another workspace's cache).
    pub epoch: u64,
    /// The runs' units, in the order of the last analysis's runs ([`Context::runs`]), which an
    /// edit keeps: each run finds its unit at the same place, by comparing its path, without
    /// hashing or allocating; a run elsewhere is found through a map built only then.
    units: Vec<Slot>,
    /// The workflow-scoped gate checks ([`super::gates::check_workflow`]) of the workflows that
    /// are not a framework's, in the same manner.
    workflows: Vec<Slot>,
    /// What made the cache valid: the frameworks on and the feature folders' names.
    shape: Option<(Vec<&'static str>, Vec<String>)>,
}

/// Whether what `u` read meets `changes`.
fn stale(u: &Unit, changes: &Changes) -> bool {
    (if changes.names.len() <= 4 { changes.names.iter().any(|n| *n == u.workflow) } else { changes.names.contains(&u.workflow) })
        || (changes.gate_records && u.reads.gate_records)
        || (u.reads.workflow_names && !changes.names.is_empty())
        || (!changes.paths.is_empty() && reads_any(&u.reads.paths, &changes.paths))
        || u.reads.prefixes.iter().any(|pre| {
            changes
                .paths
                .range::<str, _>((std::ops::Bound::Included(pre.as_str()), std::ops::Bound::Unbounded))
                .next()
                .is_some_and(|p| p.starts_with(pre.as_str()))
        })
}

/// Whether `read` (sorted, as units keep their reads) holds one of `changed`: an edit changes a
/// file or two, each looked for in `read` (every unit is asked at every analysis).
fn reads_any(read: &[String], changed: &BTreeSet<String>) -> bool {
    if changed.len() <= read.len() {
        changed.iter().any(|c| read.binary_search(c).is_ok())
    } else {
        read.iter().any(|p| changed.contains(p))
    }
}

/// Takes the unit of `(path, name, index)` out of `old`: at `at` when it is there (the usual
/// case), else through `lookup` (built on first need).
fn take(
    old: &mut [Option<Slot>],
    at: usize,
    path: &str,
    name: &str,
    index: usize,
    lookup: &mut Option<HashMap<(String, String, usize), usize>>,
) -> Option<Slot> {
    if let Some(Some(s)) = old.get(at)
        && s.index == index
        && s.path == path
        && s.name == name
    {
        return old[at].take();
    }
    let map = lookup.get_or_insert_with(|| {
        old.iter().enumerate().filter_map(|(i, s)| s.as_ref().map(|s| ((s.path.clone(), s.name.clone(), s.index), i))).collect()
    });
    let i = *map.get(&(path.to_string(), name.to_string(), index))?;
    old.get_mut(i)?.take()
}

impl RunCache {
    /// Brings every run's and every workflow's unit up to date: kept where nothing it read
    /// changed, computed (and kept) otherwise. Their diagnostics are then [`RunCache::diagnostics`];
    /// those of framework workflows' gate checks (never kept) go to `out`.
    /// `touched` learns where the diagnostics of the units recomputed, added or dropped are.
    pub(crate) fn update(&mut self, ctx: &Context<'_>, changes: Changes, out: &mut Vec<Diagnostic>, touched: &mut Touched) {
        self.epoch = EPOCHS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        // Compared in place (an edit's analysis does this for every instance), copied when new.
        let names = || ctx.workflows.iter().filter(|w| w.wf.instance.is_some()).map(|w| w.wf.keys.name.as_str());
        let same_shape = self.shape.as_ref().is_some_and(|(frameworks, instances)| {
            frameworks.iter().copied().eq(ctx.frameworks.iter().map(|f| f.id)) && instances.iter().map(String::as_str).eq(names())
        });
        if changes.all || !same_shape {
            touched.all = true;
            self.units.clear();
            self.workflows.clear();
            self.shape = Some((ctx.frameworks.iter().map(|f| f.id).collect(), names().map(str::to_string).collect()));
        }
        let mut old: Vec<Option<Slot>> = std::mem::take(&mut self.units).into_iter().map(Some).collect();
        let mut lookup = None;
        let mut units = Vec::with_capacity(ctx.runs.len());
        // The index of each run among its file's runs: runs of one file are adjacent.
        let mut last: (&str, usize) = ("", 0);
        for (at, run) in ctx.runs.iter().enumerate() {
            let path = run.file.path.as_str();
            let index = if last.0 == path { last.1 + 1 } else { 0 };
            last = (path, index);
            let framework = ctx.workflow_of(run).is_some_and(|w| w.wf.framework.is_some());
            let slot = match take(&mut old, at, path, "", index, &mut lookup) {
                Some(s) if !framework && !stale(&s.unit, &changes) => s,
                Some(s) => {
                    touched.note(&s.unit);
                    let unit = compute(ctx, run);
                    touched.note(&unit);
                    Slot { unit, ..s }
                }
                None => {
                    let unit = compute(ctx, run);
                    touched.note(&unit);
                    Slot { path: path.to_string(), name: String::new(), index, unit }
                }
            };
            units.push(slot);
        }
        self.units = units;
        // The runs that are gone.
        old.iter().flatten().for_each(|s| touched.note(&s.unit));

        // The gate checks of each workflow that is not a framework's (those read files through
        // their framework's criteria, which the notes do not cover).
        let mut old: Vec<Option<Slot>> = std::mem::take(&mut self.workflows).into_iter().map(Some).collect();
        let mut lookup = None;
        // Per name, how many workflows of that name the current file had so far (a file's
        // workflows are adjacent).
        let mut seen: (&str, Vec<(&str, usize)>) = ("", Vec::new());
        let mut workflows = Vec::new();
        for w in ctx.workflows.iter().filter(|w| w.wf.instance.is_none()) {
            if w.wf.framework.is_some() {
                super::gates::check_workflow(ctx, w, out);
                continue;
            }
            let (path, name) = (w.file.path.as_str(), w.wf.keys.name.as_str());
            if seen.0 != path {
                seen = (path, Vec::new());
            }
            let i = match seen.1.iter_mut().find(|(n, _)| *n == name) {
                Some((_, count)) => {
                    *count += 1;
                    *count - 1
                }
                None => {
                    seen.1.push((name, 1));
                    0
                }
            };
            let at = workflows.len();
            let slot = match take(&mut old, at, path, name, i, &mut lookup) {
                Some(s) if !stale(&s.unit, &changes) => s,
                found => {
                    *ctx.reads.borrow_mut() = Some(Reads::default());
                    let mut diagnostics = Vec::new();
                    super::gates::check_workflow(ctx, w, &mut diagnostics);
                    let mut reads = ctx.reads.borrow_mut().take().unwrap_or_default();
                    reads.paths.push(w.file.path.clone());
                    reads.paths.sort_unstable();
                    reads.paths.dedup();
                    let unit = Unit { reads, workflow: name.to_string(), diagnostics };
                    touched.note(&unit);
                    if let Some(s) = &found {
                        touched.note(&s.unit);
                    }
                    match found {
                        Some(s) => Slot { unit, ..s },
                        None => Slot { path: path.to_string(), name: name.to_string(), index: i, unit },
                    }
                }
            };
            workflows.push(slot);
        }
        self.workflows = workflows;
        old.iter().flatten().for_each(|s| touched.note(&s.unit));
    }

    /// The diagnostics of every kept unit (after [`RunCache::update`]).
    pub(crate) fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.units.iter().chain(&self.workflows).flat_map(|s| &s.unit.diagnostics)
    }
}

/// Runs every run-scoped check on `run`, noting what they read.
fn compute(ctx: &Context<'_>, run: &RunRef<'_>) -> Unit {
    *ctx.reads.borrow_mut() = Some(Reads::default());
    let mut diagnostics = Vec::new();
    super::collect_run(ctx, run, &mut diagnostics);
    let mut reads = ctx.reads.borrow_mut().take().unwrap_or_default();
    reads.paths.push(run.file.path.clone());
    match ctx.workflow_of(run) {
        Some(w) => reads.paths.push(w.file.path.clone()),
        // Its checks name the workflows there are (`unknown-state`).
        None => reads.workflow_names = true,
    }
    reads.paths.sort_unstable();
    reads.paths.dedup();
    Unit { reads, workflow: run.key.to_string(), diagnostics }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::fixture::{render, workspace};
    use crate::facts::FileInput;

    /// After any sequence of edits, the cached analysis equals a fresh one of the same files.
    #[test]
    fn cached_runs_follow_every_edit() {
        let spec = "//- docs/wf.md\n---\nname: demo\n---\n## Phase 1: Design\n**Deliverables**:\n- `docs/design.md`\n- `out/`\n- `notes/INTERFACE-[feature].md`\n\n**Gate Check**: ok → Proceed to Phase 2\n\n**Before starting build, orchestrator MUST verify:**\n- [ ] reviewed\n\n## Phase 2: Build\n**Deliverables**:\n- `docs/build.md`\n## Phase 3: Ship\n//- a.state.yaml\nworkflow: demo\ncurrent: build\n//- b.state.yaml\nworkflow: demo\ncurrent: design\n//- other.workflow.yaml\nname: other\nphases:\n  - id: one\n    gate: [{recorded: qa}, {checklist: review.md#Sign-off}, {no_markers: [notes.md]}]\n  - id: two\n//- c.state.yaml\nworkflow: other\ncurrent: two\n";
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
            // The kept cross-file context (analysis::Skeleton): an edit of a workflow doc that
            // keeps its name moves the runs of it (their positions are recomputed); one that
            // renames it, or a state file that runs another workflow, rebuilds it.
            (
                "docs/wf.md",
                Some(
                    "---\nname: demo\n---\n## Phase 1: Design\n**Deliverables**:\n- `docs/design.md`\n## Phase 2: Construct\n## Phase 3: Ship\n",
                ),
            ),
            ("b.state.yaml", Some("workflow: demo\ncurrent: construct\n")),
            ("b.state.yaml", Some("workflow: demo\ncurrent: nowhere\n")),
            ("docs/wf.md", Some("---\nname: demo\n---\n## Phase 1: Design\n## Phase 2: Build\n## Phase 3: Ship\n")),
            ("b.state.yaml", Some("workflow: demo\ncurrent: ship\nhistory: [design, build]\n")),
            ("c.state.yaml", Some("workflow: demo\ncurrent: design\n")),
            ("docs/wf.md", Some("---\nname: renamed\n---\n## Phase 1: Design\n## Phase 2: Build\n## Phase 3: Ship\n")),
            ("c.state.yaml", Some("workflow: renamed\ncurrent: build\n")),
            // Headings that make a workflow only once a state file runs them.
            ("loose.md", Some("## Phase 1: Draft\n\ntext\n")),
            ("d.state.yaml", Some("workflow: loose\ncurrent: draft\n")),
            ("loose.md", Some("---\nname: loose\n---\n## Phase 1: Draft\n\nmore text\n")),
            // The memory map's names: kept while a file's names stay, rebuilt when they change.
            ("memory-map.md", Some("- [id:core_dir]: core/\n")),
            ("notes/uses.md", Some("See `[id:core_dir]` and `[id:tools_dir]`.\n")),
            ("memory-map.md", Some("# Map\n- [id:core_dir]: core/\n")),
            ("memory-map.md", Some("- [id:core_dir]: core/\n- [id:tools_dir]: tools/\n")),
            ("memory-map.md", None),
            // Files no run or workflow reads: only their own findings change.
            ("stray.md", Some("<<<<<<< HEAD\na\n=======\nb\n>>>>>>> topic\n")),
            ("broken.yaml", Some("a: [\n")),
            ("stray.md", Some("clean\n")),
            ("broken.yaml", None),
        ];
        // Twice: a front end's kept lists following every analysis of the workspace (each update
        // gathers again only the lists that can have changed), then with another analysis of the
        // same workspace between updates (each update gathers every list).
        for between in [false, true] {
            let mut ws = workspace(spec);
            // What a front end keeps between analyses (Workspace::update_diagnostics).
            let mut kept = crate::DiagnosticCollection::default();
            ws.update_diagnostics(&mut kept);
            if between {
                ws.diagnostics();
            }
            let partial = crate::workspace::PARTIAL_UPDATES.with(|c| c.get());
            for (path, text) in edits {
                match text {
                    Some(t) => ws.set_file(path, FileInput::Text(t.to_string())),
                    None => {
                        ws.remove_file(path);
                    }
                }
                let before = kept.lists().clone();
                let changed = ws.update_diagnostics(&mut kept);
                let lists = kept.lists();
                let mut fresh = ws.clone();
                fresh.frameworks_changed();
                assert_eq!(*lists, fresh.diagnostics(), "after {path}");
                // The paths said to have changed are exactly those whose list changed.
                let mut differ: Vec<String> =
                    before.keys().chain(lists.keys()).filter(|k| before.get(*k) != lists.get(*k)).cloned().collect();
                differ.sort_unstable();
                differ.dedup();
                assert_eq!(changed, differ, "after {path}");
                if between {
                    // And an analysis with nothing changed gives the same.
                    assert_eq!(render(&ws, &[]), render(&fresh, &[]), "after {path}");
                }
            }
            // A host's severity setting changed between updates applies to every list.
            let code = kept.lists().values().flatten().next().map(|d| d.code.as_str().to_string()).unwrap_or_default();
            ws.config.severity.insert(code.clone(), Some(crate::Severity::Hint));
            let changed = ws.update_diagnostics(&mut kept);
            assert!(!changed.is_empty(), "{code} set to hint");
            let mut fresh = ws.clone();
            fresh.frameworks_changed();
            assert_eq!(*kept.lists(), fresh.diagnostics(), "{code} set to hint");
            let partial = crate::workspace::PARTIAL_UPDATES.with(|c| c.get()) - partial;
            if between {
                assert_eq!(partial, 0, "another analysis in between: every update gathers every list");
            } else {
                // Most edits keep the frameworks, feature folders and settings.
                assert!(partial * 3 >= edits.len() * 2, "{partial} of {} updates partial", edits.len());
            }
        }
    }
}
