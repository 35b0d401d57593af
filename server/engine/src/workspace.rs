//! [`Workspace`]: the set of files the engine knows, each with its [`FileFacts`], and the entry
//! points the CLI and the server call.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::diagnostics::{Diagnostic, Severity};
use crate::facts::{FileFacts, FileInput};
use crate::text::LineIndex;

/// `f` applied to every item on all available cores (at most 16 threads), results in item order.
/// Items are handed out in small batches as threads ask for them, so a thread slowed down (a
/// core busy with something else, a batch of larger files) does not hold the others up. A
/// panicking thread loses only its own items' results, never the process.
pub(crate) fn in_parallel<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> Option<R> + Sync) -> Vec<R> {
    in_parallel_on(available_threads(), items, f)
}

/// The threads [`in_parallel`] uses: one per available core, at most 16.
fn available_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).min(16)
}

/// [`in_parallel`] on at most `threads` threads (one: on the caller's thread).
fn in_parallel_on<T: Send, R: Send>(threads: usize, items: Vec<T>, f: impl Fn(T) -> Option<R> + Sync) -> Vec<R> {
    if threads <= 1 || items.len() < 64 {
        return items.into_iter().filter_map(&f).collect();
    }
    let batch = (items.len() / (threads * 16)).clamp(8, 256);
    let mut batches: Vec<(usize, Vec<T>)> = Vec::with_capacity(items.len().div_ceil(batch));
    let mut items = items.into_iter();
    loop {
        let chunk: Vec<T> = items.by_ref().take(batch).collect();
        if chunk.is_empty() {
            break;
        }
        batches.push((batches.len(), chunk));
    }
    // Taken from the end: the first batches first.
    batches.reverse();
    let queue = std::sync::Mutex::new(batches);
    let (f, queue) = (&f, &queue);
    let mut done: Vec<(usize, Vec<R>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(move || {
                    let mut out = Vec::new();
                    loop {
                        let next = queue.lock().unwrap_or_else(|p| p.into_inner()).pop();
                        let Some((i, chunk)) = next else { break };
                        out.push((i, chunk.into_iter().filter_map(f).collect::<Vec<R>>()));
                    }
                    out
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().flat_map(|(_, r)| r).collect()
}

/// Settings the host gives (command-line flags, editor settings). They take precedence over the
/// project's `phasegate.toml` ([`Workspace::project_config`]), key by key.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Severity per diagnostic code (`"missing-deliverable"`); `None` turns the code off. Codes not
    /// listed keep the severity `phasegate.toml` gives them, else their default.
    pub severity: HashMap<String, Option<Severity>>,
    /// Frameworks switched on or off by id; those not listed follow `phasegate.toml`, else their
    /// markers.
    pub frameworks: HashMap<String, bool>,
}

/// What [`Workspace::summary`] counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Files known (every file of the project, read or only sized).
    pub files: usize,
    /// Workflows declared (by conventions, definitions or plans).
    pub workflows: usize,
    /// Runs recorded (state files).
    pub runs: usize,
    /// Ids of the frameworks switched on ([`Workspace::frameworks`]).
    pub frameworks: Vec<&'static str>,
}

impl Summary {
    /// Whether anything is recognised: a workflow, a run or a framework.
    pub fn recognised(&self) -> bool {
        self.workflows + self.runs + self.frameworks.len() > 0
    }
}

/// All files of one workspace root. Paths are workspace-relative, `/`-separated.
///
/// Cheap to clone: facts are shared (`Arc`), so a front end can hand a snapshot to a background
/// task.
#[derive(Debug, Default)]
pub struct Workspace {
    pub(crate) files: BTreeMap<String, Arc<FileFacts>>,
    /// Reporting settings. After changing [`Config::frameworks`], call
    /// [`Workspace::frameworks_changed`].
    pub config: Config,
    /// The framework instances (feature folders), computed on first use after a change.
    instances: std::sync::OnceLock<Vec<crate::frameworks::instances::Instance>>,
    /// The run cache and what changed since the last analysis (diagnostics/memo.rs).
    memo: std::sync::Mutex<(crate::diagnostics::memo::RunCache, crate::diagnostics::memo::Changes)>,
    /// What the cross-file `analysis::Context` is made of, kept between analyses and requests:
    /// patched by an edit that keeps the facts it depends on, built again on first use after any
    /// other change.
    cross: std::sync::OnceLock<crate::analysis::Skeleton>,
}

/// One file read and analysed on its own, ready to join a workspace ([`Workspace::build_many`]):
/// what [`Workspace::set_file`] computes for a file, done ahead, on any thread (a host's walk
/// analyses each file as it finds it). Pure: the engine does no IO.
#[derive(Clone, Debug)]
pub struct LoadedFile(Arc<FileFacts>);

impl LoadedFile {
    /// Analyses the file at workspace-relative `path` (`/`-separated, no `..`) with content
    /// `input`. Never fails, as [`Workspace::set_file`].
    pub fn new(path: &str, input: FileInput) -> LoadedFile {
        LoadedFile(Arc::new(FileFacts::new(path, input)))
    }

    /// The file's workspace-relative path.
    pub fn path(&self) -> &str {
        &self.0.path
    }
}

impl Clone for Workspace {
    /// The files and settings; the copy starts with an empty run cache.
    fn clone(&self) -> Workspace {
        Workspace {
            files: self.files.clone(),
            config: self.config.clone(),
            instances: self.instances.clone(),
            memo: Default::default(),
            cross: Default::default(),
        }
    }
}

impl Workspace {
    /// An empty workspace.
    pub fn new() -> Workspace {
        Workspace::default()
    }

    /// Adds or replaces the file at workspace-relative `path` (`/`-separated, no `..`). Its facts
    /// are computed now, so later analyses only read them. Never fails: unreadable content becomes
    /// a `file-skipped` diagnostic.
    pub fn set_file(&mut self, path: &str, input: FileInput) {
        let facts = Arc::new(FileFacts::new(path, input));
        let old = self.files.insert(path.to_string(), facts.clone());
        self.changed(path, old.as_deref(), Some(&facts));
        // The instances depend on which files exist, and on the content of few files only: an
        // edit of a feature's spec or tasks keeps them (recomputing them costs more than the
        // rest of an edit's analysis in a project of many features).
        if old.as_deref().is_none_or(shapes_instances) || shapes_instances(&facts) {
            self.instances = std::sync::OnceLock::new();
            self.cross = std::sync::OnceLock::new();
        } else if let Some(mut sk) = self.cross.take()
            && sk.patch(self, old.as_deref(), &facts)
        {
            self.cross = std::sync::OnceLock::from(sk);
        }
    }

    /// What the cross-file context is made of, built on first use after a change.
    pub(crate) fn skeleton(&self) -> &crate::analysis::Skeleton {
        self.cross.get_or_init(|| crate::analysis::Skeleton::build(self))
    }

    /// The framework instances when they are computed (they are whenever the skeleton is).
    pub(crate) fn instances_if_known(&self) -> Option<&[crate::frameworks::instances::Instance]> {
        self.instances.get().map(Vec::as_slice)
    }

    /// Notes a change of the file at `path` for the next analysis's run cache.
    fn changed(&mut self, path: &str, old: Option<&FileFacts>, new: Option<&FileFacts>) {
        let changes = &mut self.memo.get_mut().unwrap_or_else(|p| p.into_inner()).1;
        changes.paths.insert(path.to_string());
        for f in old.into_iter().chain(new) {
            changes.names.extend(f.workflows.iter().map(|w| w.keys.name.clone()));
            changes.names.extend(f.runs.iter().map(|r| crate::analysis::name_key(&r.workflow.name)));
            changes.gate_records |= !f.gate_records.is_empty();
            // A project's settings can switch frameworks on or off.
            changes.all |= f.config.is_some();
        }
    }

    /// Forgets what was derived from the set of files and the framework settings (the framework
    /// instances, the run cache); the engine calls it on every change of files, the host after
    /// changing [`Config::frameworks`].
    pub fn frameworks_changed(&mut self) {
        self.instances = std::sync::OnceLock::new();
        self.cross = std::sync::OnceLock::new();
        self.memo.get_mut().unwrap_or_else(|p| p.into_inner()).1.all = true;
    }

    /// The framework instances (one workflow per feature folder), computed once per change.
    pub(crate) fn instances(&self) -> &[crate::frameworks::instances::Instance] {
        self.instances.get_or_init(|| crate::frameworks::instances::instances(self))
    }

    /// Adds or replaces many files at once, computing their facts on all available cores. Same
    /// contract as [`Workspace::set_file`].
    pub fn set_files(&mut self, files: Vec<(String, FileInput)>) {
        let facts = in_parallel(files, |(path, input)| Some(Arc::new(FileFacts::new(&path, input))));
        self.insert_all(facts);
    }

    /// Adds or replaces the files at `paths`, each read by `read` (which returns `None` for a file
    /// that cannot be read: it is left out). Reading and analysing run together on all available
    /// cores, so the host's IO overlaps the engine's work; the engine itself does no IO.
    pub fn set_files_with(&mut self, paths: Vec<String>, read: impl Fn(&str) -> Option<FileInput> + Sync) {
        // Each file's facts go behind their `Arc` in the worker that computed them: the results
        // gathered are pointers, not the facts themselves moved through growing vectors (a
        // transient copy of every file's facts at once, measured in docs/benchmarks.md).
        let facts = in_parallel(paths, |path| read(&path).map(|input| Arc::new(FileFacts::new(&path, input))));
        self.insert_all(facts);
    }

    /// Builds several workspaces at once (the projects of a folder), computing every file's facts
    /// on all available cores, so many small projects load as fast as one large one:
    /// `groups[i]` lists the paths of workspace `i`, each with what the host needs to find it
    /// (its absolute path, or the file already loaded), and each loaded by `load(path, that)`
    /// (`None`: left out; a [`LoadedFile`] must have the path it is given). Returns one workspace
    /// per group, in order.
    pub fn build_many<P: Send>(groups: Vec<Vec<(String, P)>>, load: impl Fn(&str, P) -> Option<LoadedFile> + Sync) -> Vec<Workspace> {
        let count = groups.len();
        let items: Vec<(usize, String, P)> =
            groups.into_iter().enumerate().flat_map(|(i, g)| g.into_iter().map(move |(p, found)| (i, p, found))).collect();
        let facts = in_parallel(items, |(i, path, found)| load(&path, found).map(|f| (i, f.0)));
        // Each group's files come in the order given (a walk's: sorted), so each map is built
        // in one pass from its sorted list rather than by one insertion per file.
        let mut lists: Vec<Vec<(String, Arc<FileFacts>)>> = (0..count).map(|_| Vec::new()).collect();
        for (i, f) in facts {
            lists[i].push((f.path.clone(), f));
        }
        lists.into_iter().map(|list| Workspace { files: list.into_iter().collect(), ..Workspace::default() }).collect()
    }

    fn insert_all(&mut self, facts: Vec<Arc<FileFacts>>) {
        if self.files.is_empty() {
            // A first load: the map built in one pass (later duplicates win, as inserts would).
            self.files = facts.into_iter().map(|f| (f.path.clone(), f)).collect();
        } else {
            for f in facts {
                self.files.insert(f.path.clone(), f);
            }
        }
        self.frameworks_changed();
    }

    /// Removes the file at `path`; returns whether it was there.
    pub fn remove_file(&mut self, path: &str) -> bool {
        self.instances = std::sync::OnceLock::new();
        self.cross = std::sync::OnceLock::new();
        let old = self.files.remove(path);
        self.changed(path, old.as_deref(), None);
        old.is_some()
    }

    /// Removes every file under folder `prefix` (workspace-relative, without trailing `/`);
    /// returns how many were removed.
    pub fn remove_folder(&mut self, prefix: &str) -> usize {
        let start = format!("{prefix}/");
        let doomed: Vec<String> =
            self.files.range(start.clone()..).take_while(|(k, _)| k.starts_with(&start)).map(|(k, _)| k.clone()).collect();
        for k in &doomed {
            let old = self.files.remove(k);
            self.changed(k, old.as_deref(), None);
        }
        self.instances = std::sync::OnceLock::new();
        self.cross = std::sync::OnceLock::new();
        doomed.len()
    }

    /// Whether a file is at `path`.
    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether the workspace holds no file.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// All paths, sorted.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// The text of a file read as text (Markdown, YAML, JSON), if any.
    pub fn text(&self, path: &str) -> Option<&str> {
        self.files.get(path).and_then(|f| f.text.as_deref())
    }

    /// The line index of a file read as text, to turn byte offsets into positions.
    pub fn line_index(&self, path: &str) -> Option<&LineIndex> {
        self.files.get(path).and_then(|f| f.line_index())
    }

    /// Builds the line indexes of the files at `paths` now, on all available cores (each is
    /// otherwise built on first use, [`Workspace::line_index`]): a front end about to turn the
    /// positions of many files' diagnostics into lines and columns calls it first. Paths that are
    /// not files of the workspace, or not text, are passed over.
    pub fn prepare_line_indexes<'a>(&self, paths: impl IntoIterator<Item = &'a str>) {
        let files: Vec<&FileFacts> = paths.into_iter().filter_map(|p| self.files.get(p)).map(|f| &**f).collect();
        in_parallel(files, |f| f.line_index().map(|_| ()));
    }

    /// Builds the editor index of every file now, on all available cores (each file's is
    /// otherwise built on first use): a front end calls it after loading, so that the first
    /// workspace-wide request (references, workspace symbols) does not pay for it.
    pub fn prepare_index(&self) {
        self.prepare_index_on(available_threads());
    }

    /// [`Workspace::prepare_index`] on all available cores but one (on one thread with one or
    /// two), for a front end that builds it in the background while it answers edits:
    /// `between` is called before every 64 files and may block (a server waits there while an
    /// edit's analysis runs, so the index takes no core from it).
    pub fn prepare_index_in_background(&self, between: &(dyn Fn() + Sync)) {
        let threads = available_threads().saturating_sub(1).max(1);
        let files: Vec<Arc<FileFacts>> = self.files.values().cloned().collect();
        let done = std::sync::atomic::AtomicUsize::new(0);
        in_parallel_on(threads, files, |f| {
            if done.fetch_add(1, std::sync::atomic::Ordering::Relaxed).is_multiple_of(64) {
                between();
            }
            f.index();
            None::<()>
        });
    }

    fn prepare_index_on(&self, threads: usize) {
        let files: Vec<Arc<FileFacts>> = self.files.values().cloned().collect();
        in_parallel_on(threads, files, |f| {
            f.index();
            None::<()>
        });
    }

    /// How much of the workspace phasegate recognises.
    pub fn summary(&self) -> Summary {
        let mut summary = Summary { files: self.files.len(), ..Summary::default() };
        for f in self.files.values() {
            summary.workflows += f.workflows.len();
            summary.runs += f.runs.len();
        }
        summary.frameworks = self.frameworks().iter().map(|f| f.id).collect();
        summary
    }

    /// The project's settings from `phasegate.toml` at the workspace root, when there is one (a
    /// file that does not parse gives the defaults and an `invalid-config` diagnostic).
    pub fn project_config(&self) -> Option<&crate::config::ProjectConfig> {
        self.files.get(crate::config::CONFIG_FILE).and_then(|f| f.config.as_deref()).map(|(c, _)| c)
    }

    /// The severity of `code` as the settings decide it: the host's [`Config`], then
    /// `phasegate.toml`; `None` when neither sets it (the code's own severity applies), `Some(None)`
    /// when the code is off.
    fn configured_severity(&self, code: &str) -> Option<Option<Severity>> {
        if let Some(s) = self.config.severity.get(code) {
            return Some(*s);
        }
        self.project_config().and_then(|c| c.severity.get(code)).copied()
    }

    /// Whether a file is at `path` or under folder `path`.
    fn has_path(&self, path: &str) -> bool {
        self.files.range(path.to_string()..).next().is_some_and(|(k, _)| crate::frameworks::is_under_marker(k, path))
    }

    /// The frameworks switched on here: those with a marker in the workspace, unless switched
    /// off by the host's [`Config::frameworks`] or by `phasegate.toml` (which can also switch one
    /// on without its marker).
    pub fn frameworks(&self) -> Vec<&'static crate::frameworks::Framework> {
        crate::frameworks::FRAMEWORKS
            .iter()
            .copied()
            .filter(|f| {
                let setting =
                    self.config.frameworks.get(f.id).or_else(|| self.project_config().and_then(|c| c.frameworks.get(f.id))).copied();
                setting.unwrap_or_else(|| f.markers.iter().any(|m| self.has_path(m)))
            })
            .collect()
    }

    /// Every diagnostic of the workspace, by workspace-relative path (files without diagnostics
    /// are absent), each list sorted by range. Applies the severity settings ([`Config::severity`],
    /// then `phasegate.toml`).
    pub fn diagnostics(&self) -> BTreeMap<String, Vec<Diagnostic>> {
        let mut out = DiagnosticCollection::default();
        self.update_diagnostics(&mut out);
        out.lists
    }

    /// [`Workspace::diagnostics`] for a front end that keeps them between edits: brings `kept`
    /// (what an earlier call gave, or empty) up to date and returns the paths whose list was
    /// added, replaced or removed, sorted.
    ///
    /// When `kept` follows this workspace's previous analysis (no one else analysed it since, the
    /// settings and frameworks are the same), only the lists that can have changed are gathered
    /// again: those of the files changed since, of the files where the run cache's recomputed,
    /// new or dropped units report, and of the files whose other cross-file findings differ from
    /// the previous analysis's. Otherwise every list is gathered and compared. Either way a list
    /// that did not change is kept, not rebuilt or copied.
    pub fn update_diagnostics(&self, kept: &mut DiagnosticCollection) -> Vec<String> {
        let ctx = crate::analysis::Context::new(self);
        // A framework's findings count only where it is on.
        let off: Vec<&'static str> =
            crate::frameworks::FRAMEWORKS.iter().filter(|f| !ctx.frameworks.iter().any(|on| on.id == f.id)).map(|f| f.id).collect();
        let mut memo = self.memo.lock().unwrap_or_else(|p| p.into_inner());
        let (cache, changes) = &mut *memo;
        let follows = kept.after != 0 && kept.after == cache.epoch;
        let changed_files: Vec<String> = if follows && !changes.all { changes.paths.iter().cloned().collect() } else { Vec::new() };
        let mut touched = crate::diagnostics::memo::Touched::default();
        let fresh = crate::diagnostics::collect(&ctx, cache, std::mem::take(changes), &mut touched);
        let mut host_severity: Vec<(String, Option<Severity>)> = self.config.severity.iter().map(|(k, v)| (k.clone(), *v)).collect();
        host_severity.sort_unstable();
        let settings = !self.config.severity.is_empty() || self.project_config().is_some_and(|c| !c.severity.is_empty());
        let how = Gathering { off: &off, settings };
        let incremental = follows && !touched.all && kept.off == off && kept.host_severity == host_severity;
        let changed = if incremental {
            #[cfg(test)]
            PARTIAL_UPDATES.with(|c| c.set(c.get() + 1));
            // The paths whose list can differ from the kept one.
            let mut dirty: foldhash::HashSet<&str> = changed_files.iter().map(String::as_str).collect();
            dirty.extend(touched.paths.iter().map(String::as_str));
            let (before, now) = (by_path(&kept.fresh), by_path(&fresh));
            dirty.extend(before.iter().filter(|(p, b)| now.get(*p) != Some(*b)).map(|(p, _)| *p));
            dirty.extend(now.keys().filter(|p| !before.contains_key(*p)));
            let mut cross = if dirty.is_empty() {
                Default::default()
            } else {
                by_path(cache.diagnostics().chain(&fresh).filter(|d| dirty.contains(d.path.as_str())))
            };
            let mut dirty: Vec<&str> = dirty.into_iter().collect();
            dirty.sort_unstable();
            let mut changed = Vec::new();
            for path in dirty {
                let local = self.files.get(path).map_or(&[][..], |f| f.local.as_slice());
                let group = cross.remove(path).unwrap_or_default();
                match kept.lists.remove_entry(path) {
                    Some((key, before)) => match self.gather(&how, local, group, Some(before)) {
                        Gathered::Same(list) => {
                            kept.lists.insert(key, list);
                        }
                        Gathered::New(list) => {
                            kept.lists.insert(key.clone(), list);
                            changed.push(key);
                        }
                        Gathered::Empty => changed.push(key),
                    },
                    None => match self.gather(&how, local, group, None) {
                        Gathered::Same(list) | Gathered::New(list) => {
                            kept.lists.insert(path.to_string(), list);
                            changed.push(path.to_string());
                        }
                        Gathered::Empty => {}
                    },
                }
            }
            changed
        } else {
            self.gather_all(&how, cache.diagnostics().chain(&fresh), &mut kept.lists)
        };
        kept.after = cache.epoch;
        kept.fresh = fresh;
        kept.off = off.clone();
        kept.host_severity = host_severity;
        changed
    }

    /// Every file's list gathered again from its local findings and `cross`, compared with
    /// `lists` (brought up to date); the paths whose list changed, sorted.
    fn gather_all<'a>(
        &self,
        how: &Gathering<'_>,
        cross: impl Iterator<Item = &'a Diagnostic>,
        lists: &mut BTreeMap<String, Vec<Diagnostic>>,
    ) -> Vec<String> {
        // The cross-file findings grouped by path, each group in the order found, the paths
        // sorted. Grouped rather than all sorted by path: this is done for the whole workspace.
        let mut cross: Vec<(&str, Vec<&Diagnostic>)> = by_path(cross).into_iter().collect();
        cross.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut cross = cross.into_iter().peekable();
        // The earlier lists, in path order, met as the paths come (not looked up one by one).
        let mut old = std::mem::take(lists).into_iter().peekable();
        let mut kept_lists: Vec<(String, Vec<Diagnostic>)> = Vec::new();
        let mut changed = Vec::new();
        let mut files = self.files.iter().filter(|(_, f)| !f.local.is_empty()).peekable();
        loop {
            // The next path in order with local or cross-file findings.
            let path: &str = match (files.peek(), cross.peek()) {
                (None, None) => break,
                (Some((p, _)), None) => p.as_str(),
                (None, Some((c, _))) => c,
                (Some((p, _)), Some((c, _))) => p.as_str().min(c),
            };
            let local = files.next_if(|(p, _)| p.as_str() == path).map_or(&[][..], |(_, f)| f.local.as_slice());
            let group = cross.next_if(|(c, _)| *c == path).map(|(_, g)| g).unwrap_or_default();
            // Earlier lists of paths before this one have no findings now.
            while let Some((k, _)) = old.next_if(|(k, _)| k.as_str() < path) {
                changed.push(k);
            }
            let (key, before) = match old.next_if(|(k, _)| k.as_str() == path) {
                Some((k, v)) => (Some(k), Some(v)),
                None => (None, None),
            };
            match self.gather(how, local, group, before) {
                Gathered::Same(list) => kept_lists.push((key.unwrap_or_else(|| path.to_string()), list)),
                Gathered::New(list) => {
                    let key = key.unwrap_or_else(|| path.to_string());
                    changed.push(key.clone());
                    kept_lists.push((key, list));
                }
                Gathered::Empty => changed.extend(key),
            }
        }
        // What had diagnostics and has none now.
        changed.extend(old.map(|(k, _)| k));
        changed.sort_unstable();
        // In path order already: the map is built in one pass.
        *lists = kept_lists.into_iter().collect();
        changed
    }

    /// One file's list: its `local` findings (of frameworks not `off`) and its `cross`-file ones,
    /// with the severity settings applied, sorted, without repeats, capped per code; compared
    /// with the list it had `before`.
    fn gather(&self, how: &Gathering<'_>, local: &[Diagnostic], cross: Vec<&Diagnostic>, before: Option<Vec<Diagnostic>>) -> Gathered {
        let Gathering { off, settings } = *how;
        let on = |d: &Diagnostic| d.code.rule().framework.is_none_or(|f| !off.contains(&f));
        let severity = |d: &Diagnostic| if settings { self.configured_severity(d.code.as_str()) } else { None };
        let order = |a: &&Diagnostic, b: &&Diagnostic| (a.range, a.code.as_str(), &a.message).cmp(&(b.range, b.code.as_str(), &b.message));
        let mut list: Vec<&Diagnostic> = Vec::with_capacity(local.len() + cross.len());
        list.extend(local.iter().filter(|d| on(d)));
        list.extend(cross);
        if settings {
            list.retain(|d| severity(d) != Some(None));
        }
        list.sort_by(order);
        list.dedup_by(|a, b| a.range == b.range && a.code == b.code && a.message == b.message);
        if list.is_empty() {
            return Gathered::Empty;
        }
        let copy = |d: &&Diagnostic| {
            let mut d = (*d).clone();
            if let Some(Some(s)) = severity(&d) {
                d.severity = s;
            }
            d
        };
        // Lists over the cap per code (or holding a file's own summary) are capped on a copy;
        // the others are compared as they are.
        let mut per_code: Vec<(crate::diagnostics::Code, usize)> = Vec::new();
        let needs_cap = list.iter().any(|d| {
            if d.omitted > 0 {
                return true;
            }
            match per_code.iter_mut().find(|(c, _)| *c == d.code) {
                Some((_, n)) => {
                    *n += 1;
                    *n > crate::diagnostics::MAX_PER_CODE
                }
                None => {
                    per_code.push((d.code, 1));
                    false
                }
            }
        });
        if needs_cap {
            let mut owned: Vec<Diagnostic> = list.iter().map(copy).collect();
            crate::diagnostics::cap(&mut owned);
            return match before {
                Some(b) if b == owned => Gathered::Same(b),
                _ => Gathered::New(owned),
            };
        }
        // A list's diagnostics all have its path: the path is not compared.
        let same = |b: &Vec<Diagnostic>| {
            b.len() == list.len()
                && b.iter().zip(&list).all(|(x, y)| {
                    let s = match severity(y) {
                        Some(Some(s)) => s,
                        _ => y.severity,
                    };
                    x.severity == s
                        && x.range == y.range
                        && x.code == y.code
                        && x.message == y.message
                        && x.omitted == y.omitted
                        && x.related == y.related
                })
        };
        match before {
            Some(b) if same(&b) => Gathered::Same(b),
            _ => Gathered::New(list.iter().map(copy).collect()),
        }
    }
}

#[cfg(test)]
thread_local! {
    /// How many of this thread's [`Workspace::update_diagnostics`] gathered only the lists that
    /// can have changed.
    pub(crate) static PARTIAL_UPDATES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// `diagnostics` grouped by path, each group in the order given.
fn by_path<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>) -> foldhash::HashMap<&'a str, Vec<&'a Diagnostic>> {
    let mut groups: foldhash::HashMap<&str, Vec<&Diagnostic>> = Default::default();
    for d in diagnostics {
        groups.entry(d.path.as_str()).or_default().push(d);
    }
    groups
}

/// What [`Workspace::gather`] applies to every list.
#[derive(Clone, Copy)]
struct Gathering<'a> {
    /// The frameworks off, whose findings are left out.
    off: &'a [&'static str],
    /// Whether any severity setting exists (host or `phasegate.toml`).
    settings: bool,
}

/// A file's list as [`Workspace::gather`] finds it.
enum Gathered {
    /// The same as before: the earlier list, kept.
    Same(Vec<Diagnostic>),
    /// New or different.
    New(Vec<Diagnostic>),
    /// No findings.
    Empty,
}

/// Every file's diagnostics as a front end keeps them between analyses
/// ([`Workspace::update_diagnostics`]), with what the next analysis needs to gather again only
/// the lists that can have changed.
#[derive(Clone, Debug, Default)]
pub struct DiagnosticCollection {
    /// Each file's list, by workspace-relative path; files without diagnostics are absent.
    lists: BTreeMap<String, Vec<Diagnostic>>,
    /// The run cache's epoch after the analysis these lists come from (0: none).
    after: u64,
    /// That analysis's cross-file findings outside the run cache.
    fresh: Vec<Diagnostic>,
    /// The frameworks that were off.
    off: Vec<&'static str>,
    /// The host's severity settings ([`Config::severity`]), sorted.
    host_severity: Vec<(String, Option<Severity>)>,
}

impl DiagnosticCollection {
    /// Each file's list, by workspace-relative path (as [`Workspace::diagnostics`]).
    pub fn lists(&self) -> &BTreeMap<String, Vec<Diagnostic>> {
        &self.lists
    }

    /// The list of the file at workspace-relative `path` (empty when it has none).
    pub fn get(&self, path: &str) -> &[Diagnostic] {
        self.lists.get(path).map_or(&[], Vec::as_slice)
    }
}

/// Whether the content of `f` (not only its presence) can change the framework instances: a
/// definition instantiated per folder or tied to a framework, the project's settings (frameworks
/// on or off), or an OpenSpec file (a change's metadata, proposal and the project's schemas shape
/// that change's workflow).
fn shapes_instances(f: &FileFacts) -> bool {
    f.config.is_some()
        || f.workflows.iter().any(|w| !w.instances.is_empty() || w.framework.is_some())
        || crate::frameworks::is_under_marker(&f.path, "openspec")
}
