//! The LSP handlers. Each converts in, asks the engine under the session lock (never across an
//! `await`, and inside `catch_unwind`, so a failing request answers with an error and the server
//! lives on), converts out, and only then talks to the client.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use phasegate_engine::{PositionEncoding, frameworks};
use serde_json::{Value, json};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::{Client, LanguageServer};

use crate::convert;
use crate::session::{ClientCaps, Document, Project, Session, Settings};
use phasegate_host::{disk, project};

/// The commands of docs/lsp.md.
/// The last three are what code actions carry: `explain` (a refusal shown when chosen), `open`
/// (after a creation: say what was created, open the first file) and `create` (file creation for
/// clients that cannot apply it).
const COMMANDS: [&str; 9] = [
    "phasegate.advance",
    "phasegate.task",
    "phasegate.start",
    "phasegate.scaffold",
    "phasegate.status",
    "phasegate.graph",
    "phasegate.explain",
    "phasegate.open",
    "phasegate.create",
];

/// Where completion is asked for as one types (docs/lsp.md, "Completion"): after a key's colon
/// and its blank, in a list (`[`, `,`), in a path (`` ` ``, `/`).
const COMPLETION_TRIGGERS: [&str; 6] = [":", " ", "[", ",", "`", "/"];

/// Diagnostic codes on which the workflow actions (Advance, Scaffold) are offered as quick fixes.
const GATE_CODES: [&str; 2] = ["gate-unmet", "missing-deliverable"];

/// `phasegate/statusChanged`: sent after every analysis to a client that declares
/// `experimental.phasegateStatusNotification` (docs/lsp.md): the status object may have changed.
enum StatusChanged {}

impl lsp::notification::Notification for StatusChanged {
    type Params = Value;
    const METHOD: &'static str = "phasegate/statusChanged";
}

/// The server: a client handle and the session behind one lock. Cheap to clone (every field is
/// shared), so the analysis can run in a task of its own.
#[derive(Clone)]
pub(crate) struct Backend {
    client: Client,
    session: Arc<Mutex<Session>>,
    /// Held from computing what to push until it is sent: handlers run concurrently (tower-lsp's
    /// `buffer_unordered`), and without it an older push could reach the client after a newer
    /// one and stay there (tokio's mutex is fair: pushes go out in the order they were computed).
    publishing: Arc<tokio::sync::Mutex<()>>,
    /// Becomes `true` once the start-up index is loaded; diagnostic pulls wait for it, so the
    /// first pull (sent on open) already answers from the whole workspace.
    ready: Arc<tokio::sync::watch::Sender<bool>>,
    /// The analysis, off the notification path.
    analysis: Arc<Analysis>,
    /// Set when `shutdown` arrives: from then on the server sends the client no request (the
    /// refreshes of lenses, inlay hints, semantic tokens and pulled diagnostics), which a client
    /// shutting down would answer, or follow with requests of its own, with errors (Neovim showed
    /// "-32600: Invalid request" at exit).
    shut_down: Arc<std::sync::atomic::AtomicBool>,
    /// Held (shared) while a refresh request is on its way; `shutdown` takes it exclusively
    /// before it answers, so no request decided before `shutdown` arrived reaches the client
    /// after the answer (requests and responses leave by different queues).
    refreshing: Arc<tokio::sync::RwLock<()>>,
    /// The server's own watch of the workspace's folders, for a client that does not register
    /// `workspace/didChangeWatchedFiles` (Neovim 0.11 on Linux); replaced at each index, and
    /// stopped when dropped.
    watch: Arc<Mutex<Option<phasegate_host::watch::Watch>>>,
}

/// The analysis runs in a task of its own, one at a time, after the changes that ask for it:
/// a change applies its text to the session at once and asks for an analysis; changes that
/// arrive while one runs are covered together by the next one (queued edits merge), so typing
/// never queues one analysis per keystroke.
/// How many files' lists a push converts and sends before it looks whether an edit waits.
const PUSH_BATCH: usize = 64;

struct Analysis {
    /// Bumped by every change that needs an analysis.
    requested: std::sync::atomic::AtomicU64,
    /// The highest `requested` value an analysis (and its push) has covered.
    done: tokio::sync::watch::Sender<u64>,
    /// Whether a task is already queued to analyse; it covers every request made before it starts.
    queued: std::sync::atomic::AtomicBool,
    /// One analysis at a time.
    running: tokio::sync::Mutex<()>,
}

impl Analysis {
    /// Blocks the calling thread (a background task's, never the runtime's) while an analysis is
    /// asked for or running, polling every millisecond, at most 5 s in all, or until `shut_down`.
    fn wait_idle(&self, shut_down: &std::sync::atomic::AtomicBool) {
        use std::sync::atomic::Ordering;
        let start = std::time::Instant::now();
        while self.requested.load(Ordering::SeqCst) > *self.done.borrow()
            && !shut_down.load(Ordering::Relaxed)
            && start.elapsed() < std::time::Duration::from_secs(5)
        {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }
}

fn internal(message: impl Into<String>) -> Error {
    Error { code: ErrorCode::InternalError, message: message.into().into(), data: None }
}

fn invalid(message: impl Into<String>) -> Error {
    Error { code: ErrorCode::InvalidParams, message: message.into().into(), data: None }
}

impl Backend {
    pub(crate) fn new(client: Client) -> Backend {
        Backend {
            client,
            session: Arc::new(Mutex::new(Session::new())),
            publishing: Arc::new(tokio::sync::Mutex::new(())),
            ready: Arc::new(tokio::sync::watch::Sender::new(false)),
            analysis: Arc::new(Analysis {
                requested: std::sync::atomic::AtomicU64::new(0),
                done: tokio::sync::watch::Sender::new(0),
                queued: std::sync::atomic::AtomicBool::new(false),
                running: tokio::sync::Mutex::new(()),
            }),
            shut_down: Arc::new(std::sync::atomic::AtomicBool::new(false)),
            refreshing: Arc::new(tokio::sync::RwLock::new(())),
            watch: Arc::new(Mutex::new(None)),
        }
    }

    /// Whether `shutdown` was received (no request is sent to the client after it).
    fn shutting_down(&self) -> bool {
        self.shut_down.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Asks for an analysis of the changes made so far (and a push of what it finds). Returns at
    /// once; the analysis runs in its own task, on a blocking thread.
    fn schedule(&self) {
        use std::sync::atomic::Ordering;
        self.analysis.requested.fetch_add(1, Ordering::SeqCst);
        if !self.analysis.queued.swap(true, Ordering::SeqCst) {
            let me = self.clone();
            tokio::spawn(async move { me.run_analysis().await });
        }
    }

    async fn run_analysis(&self) {
        use std::sync::atomic::Ordering;
        let _one = self.analysis.running.lock().await;
        // From here on a change queues another run; this one covers every change made so far.
        self.analysis.queued.store(false, Ordering::SeqCst);
        let covered = self.analysis.requested.load(Ordering::SeqCst);
        let me = self.clone();
        let result = tokio::task::spawn_blocking(move || me.with(Session::analyze)).await;
        match result {
            Ok(Ok(())) => {}
            Ok(Err(e)) => self.client.log_message(lsp::MessageType::ERROR, e).await,
            Err(e) => self.client.log_message(lsp::MessageType::ERROR, format!("phasegate: analysis failed: {e}")).await,
        }
        self.publish().await;
        self.analysis.done.send_modify(|d| *d = (*d).max(covered));
    }

    /// Waits until every change made before this call is analysed (at most half a minute), so a
    /// pull answers for the text the client has.
    async fn wait_for_analysis(&self) {
        let wanted = self.analysis.requested.load(std::sync::atomic::Ordering::SeqCst);
        let mut done = self.analysis.done.subscribe();
        let _ = tokio::time::timeout(std::time::Duration::from_secs(30), done.wait_for(|d| *d >= wanted)).await;
    }

    /// Runs `f` on the session under the lock, catching panics (the lock is recovered if a
    /// previous panic poisoned it). `Err` carries the panic message.
    fn with<R>(&self, f: impl FnOnce(&mut Session) -> R) -> std::result::Result<R, String> {
        let mut guard = self.session.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        catch_unwind(AssertUnwindSafe(|| f(&mut guard))).map_err(|panic| {
            let what =
                panic.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| panic.downcast_ref::<String>().cloned()).unwrap_or_default();
            format!("internal error: {what}")
        })
    }

    /// Answers a request about the document at `uri`: waits for the start-up index, then runs
    /// `f` under the lock with the document's project, its project-relative path and its line
    /// index. `Ok(None)` when the document is in no project or was not read as text.
    async fn on_document<R>(
        &self,
        uri: &lsp::Uri,
        f: impl FnOnce(&Session, &Project, &str, &phasegate_engine::LineIndex) -> Option<R>,
    ) -> Result<Option<R>> {
        self.wait_for_index().await;
        let Some(path) = file_path(uri) else { return Ok(None) };
        self.with(|s| {
            let (i, rel) = s.locate(&path)?;
            let project = &s.projects[i];
            let index = project.ws.line_index(&rel)?;
            f(s, project, &rel, index)
        })
        .map_err(internal)
    }

    /// Publishes (push mode) what changed since the last push, or asks the client to re-pull
    /// (pull mode). Call after an analysis, outside the lock.
    async fn publish(&self) {
        use std::sync::atomic::Ordering;
        let _in_order = self.publishing.lock().await;
        // An analysis asked for after this point publishes what this one leaves.
        let asked = self.analysis.requested.load(Ordering::SeqCst);
        loop {
            let outcome = self.with(|s| {
                if !s.indexed {
                    // Nothing is analysed before the start-up index: nothing to publish or refresh.
                    return (Vec::new(), false, false);
                }
                if s.caps.pull_diagnostics {
                    return (Vec::new(), false, s.caps.diagnostic_refresh);
                }
                let (changes, more) = s.push_changes(PUSH_BATCH);
                let list = changes
                    .into_iter()
                    .filter_map(|(path, items)| {
                        let uri = lsp::Uri::from_file_path(&path)?;
                        let version = s.open.get(&path).map(|d| d.version);
                        Some((uri, items, version))
                    })
                    .collect();
                (list, more, false)
            });
            match outcome {
                Ok((list, more, refresh)) => {
                    for (uri, items, version) in list {
                        self.client.publish_diagnostics(uri, items, version).await;
                    }
                    // The rest of a long push (the first analysis's: thousands of files) waits
                    // while an edit is analysed; that analysis's push sends the open documents
                    // first, then the rest.
                    if more && self.analysis.requested.load(Ordering::SeqCst) == asked {
                        continue;
                    }
                    if refresh {
                        let _sending = self.refreshing.read().await;
                        if !self.shutting_down() {
                            let _ = self.client.workspace_diagnostic_refresh().await;
                        }
                    }
                    if !more {
                        self.refresh_views().await;
                    }
                }
                Err(e) => self.client.log_message(lsp::MessageType::ERROR, e).await,
            }
            break;
        }
    }

    /// After an analysis: asks the client to request code lenses, inlay hints and semantic tokens
    /// again where it can be asked (they show cross-file facts: a state file's edit changes its
    /// workflow doc's lenses), and tells a client that asked for it that the status changed.
    async fn refresh_views(&self) {
        let Ok((caps, generation)) = self.with(|s| (s.caps, s.generation)) else { return };
        // Not awaited here: a client may never answer (one shutting down does not), and a
        // notification handler waiting for it would keep the server from exiting.
        // Each is sent only while `shutdown` has not arrived (checked again before each).
        let me = self.clone();
        tokio::spawn(async move {
            let _sending = me.refreshing.read().await;
            if caps.code_lens_refresh && !me.shutting_down() {
                let _ = me.client.code_lens_refresh().await;
            }
            if caps.inlay_hint_refresh && !me.shutting_down() {
                let _ = me.client.inlay_hint_refresh().await;
            }
            if caps.semantic_tokens && caps.semantic_tokens_refresh && !me.shutting_down() {
                let _ = me.client.semantic_tokens_refresh().await;
            }
        });
        if caps.status_notification {
            self.client.send_notification::<StatusChanged>(json!({ "generation": generation })).await;
        }
    }

    /// Indexes every project from disk (off the async threads): the projects of each workspace
    /// folder (docs/projects.md), and the project of each open document outside them; keeps open
    /// documents' editor text, analyses, and publishes.
    ///
    /// Boxed as a `Send` future: indexing starts the server's own watch, whose changes may index
    /// again, and the compiler cannot infer `Send` through that cycle of `async fn`s.
    fn index(&self) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + '_>> {
        Box::pin(self.index_now())
    }

    async fn index_now(&self) {
        let Ok((folders, open, filter)) =
            self.with(|s| (s.folders.clone(), s.open.keys().cloned().collect::<Vec<_>>(), s.settings.filter()))
        else {
            return;
        };
        if folders.is_empty() && open.is_empty() {
            return;
        }
        let progress = if self.with(|s| s.caps.work_done_progress).unwrap_or(false) {
            let token = lsp::ProgressToken::String("phasegate/index".into());
            match self.client.create_work_done_progress(token.clone()).await {
                Ok(()) => Some(self.client.progress(token, "phasegate").with_message("indexing").begin().await),
                Err(_) => None,
            }
        } else {
            None
        };
        // Files changed from here on and before the server's own watch begins are read again
        // once it has (`watch_folders`). File times lag the clock by the file system's
        // granularity (up to 2 s on FAT): the margin covers it.
        let since = std::time::SystemTime::now().checked_sub(std::time::Duration::from_secs(2)).unwrap_or(std::time::UNIX_EPOCH);
        let loaded = tokio::task::spawn_blocking(move || load_projects(&folders, &open, &filter)).await;
        let message = match loaded {
            Ok((projects, errors)) => {
                for e in errors.iter().take(20) {
                    self.client.log_message(lsp::MessageType::WARNING, e).await;
                }
                let result = self.with(move |s| {
                    s.set_projects(projects);
                    s.indexed = true;
                    (s.projects.iter().map(|p| p.ws.len()).sum::<usize>(), s.projects.len())
                });
                match result {
                    Ok((files, 1)) => format!("indexed {files} files"),
                    Ok((files, n)) => format!("indexed {files} files in {n} projects"),
                    Err(e) => e,
                }
            }
            Err(e) => format!("indexing failed: {e}"),
        };
        // The first analysis is asked for before the index is announced ready, so a pull that
        // waited for the index also waits for that analysis (it would find nothing analysed).
        self.schedule();
        self.ready.send_replace(true);
        // The editor index of every file, built in the background (the facts are shared, so the
        // session's projects get it): the first references or workspace symbols request does
        // not pay for it. Built once the first analysis is published, so that it takes neither
        // the cores nor adds its memory to that analysis's (docs/benchmarks.md, "The live
        // server"); a request needing it before then builds what it needs itself. It leaves a
        // core to the analyses of the first edits (on two cores it runs on one), and pauses
        // while an edit's analysis is asked for or runs.
        let me = self.clone();
        tokio::spawn(async move {
            me.wait_for_analysis().await;
            if let Ok(snapshots) = me.with(|s| s.projects.iter().map(|p| p.ws.clone()).collect::<Vec<_>>()) {
                let (analysis, shut_down) = (me.analysis.clone(), me.shut_down.clone());
                let between = move || analysis.wait_idle(&shut_down);
                let _ = tokio::task::spawn_blocking(move || snapshots.iter().for_each(|ws| ws.prepare_index_in_background(&between))).await;
            }
        });
        if let Some(p) = progress {
            p.finish_with_message(message.clone()).await;
        }
        self.client.log_message(lsp::MessageType::INFO, format!("phasegate: {message}")).await;
        if self.with(|s| s.server_watches()).unwrap_or(false) {
            let me = self.clone();
            tokio::spawn(async move { me.watch_folders(since).await });
        }
    }

    /// Asks the client to watch every file of the workspace and report changes
    /// (`workspace/didChangeWatchedFiles`, registered dynamically), or (`watch` false) to stop.
    async fn client_watch(&self, watch: bool) {
        const ID: &str = "phasegate-watch";
        const METHOD: &str = "workspace/didChangeWatchedFiles";
        let asked = if watch {
            let options = lsp::DidChangeWatchedFilesRegistrationOptions {
                watchers: vec![lsp::FileSystemWatcher { glob_pattern: lsp::GlobPattern::String("**/*".into()), kind: None }],
            };
            let registration =
                lsp::Registration { id: ID.into(), method: METHOD.into(), register_options: serde_json::to_value(options).ok() };
            self.client.register_capability(vec![registration]).await
        } else {
            self.client.unregister_capability(vec![lsp::Unregistration { id: ID.into(), method: METHOD.into() }]).await
        };
        if let Err(e) = asked {
            self.client.log_message(lsp::MessageType::WARNING, format!("phasegate: cannot change the client's file watching: {e}")).await;
        }
    }

    /// For a client that cannot watch files: watches the folders of every project itself (after
    /// the first analysis, which it would slow) and takes in what changes on disk as
    /// `workspace/didChangeWatchedFiles` would tell it (phasegate_host::watch). What changed
    /// between `since` (before the index read the files) and the watch's start is taken in too.
    async fn watch_folders(&self, since: std::time::SystemTime) {
        self.wait_for_analysis().await;
        let Ok(roots) = self.with(|s| {
            let mut roots: Vec<PathBuf> = s.folders.clone();
            for p in &s.projects {
                if !roots.iter().any(|r| p.root.starts_with(r)) {
                    roots.push(p.root.clone());
                }
            }
            roots
        }) else {
            return;
        };
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let (analysis, shut_down) = (self.analysis.clone(), self.shut_down.clone());
        let started = tokio::task::spawn_blocking(move || {
            // Paused while an edit's analysis is asked for or runs, as the editor index is.
            let between = || analysis.wait_idle(&shut_down);
            phasegate_host::watch::start(&roots, since, &between, move |batch| {
                let _ = tx.send(batch);
            })
        })
        .await;
        let (problems, missed) = match started {
            Ok(Ok(phasegate_host::watch::Started { watch, problems, files })) => {
                // Shut down, or the `watcher` setting changed meanwhile: the watch stops here.
                if self.shut_down.load(std::sync::atomic::Ordering::SeqCst) || !self.with(|s| s.server_watches()).unwrap_or(false) {
                    return;
                }
                let message = format!(
                    "phasegate: watching {} folders for files changed outside the editor (the client does not watch files)",
                    watch.folders()
                );
                // The previous watch (of an earlier index) stops here.
                *self.watch.lock().unwrap_or_else(|p| p.into_inner()) = Some(watch);
                self.client.log_message(lsp::MessageType::INFO, message).await;
                let missed = self.with(|s| s.missed(&files)).unwrap_or_default();
                (problems, missed)
            }
            Ok(Err(e)) => (vec![e], Vec::new()),
            Err(e) => (vec![format!("cannot watch files: {e}")], Vec::new()),
        };
        for p in problems.iter().take(20) {
            self.client
                .log_message(
                    lsp::MessageType::WARNING,
                    format!("phasegate: {p}; files changed outside the editor there are seen when opened"),
                )
                .await;
        }
        if !missed.is_empty() {
            let message =
                format!("phasegate: {} files changed, made or removed while the workspace was read; taking them in", missed.len());
            self.client.log_message(lsp::MessageType::INFO, message).await;
            self.files_changed(missed).await;
        }
        while let Some(batch) = rx.recv().await {
            use phasegate_host::watch::Change;
            if batch.contains(&Change::Rescan) {
                // Changes were lost: the whole workspace is read again (and watched anew).
                self.index().await;
                return;
            }
            let changes = batch
                .into_iter()
                .filter_map(|c| match c {
                    Change::Changed(p) => Some((p, false)),
                    Change::Removed(p) => Some((p, true)),
                    Change::Rescan => None,
                })
                .collect();
            self.files_changed(changes).await;
        }
    }

    /// Takes in files changed on disk (absolute path, and whether it was removed), from the
    /// client's `workspace/didChangeWatchedFiles` or the server's own watch: documents open in
    /// the editor keep the editor's text; a project's settings or a nested project's marker
    /// re-indexes; the rest is read again (or removed) and analysed. Files are read off the async
    /// threads and outside the session's lock (a checkout brings thousands), then taken in.
    async fn files_changed(&self, changes: Vec<(PathBuf, bool)>) {
        // Sorted out under the lock: what to remove, what to read (project root, path, rel).
        let sorted = self.with(|s| {
            let mut reindex = false;
            let mut removed = Vec::new();
            let mut read = Vec::new();
            let mut gitignores = Vec::new();
            for (path, gone) in changes {
                if s.open.contains_key(&path) || path.components().any(|c| c.as_os_str() == ".git") {
                    continue;
                }
                let Some((i, rel)) = s.locate(&path) else { continue };
                // The folder the index walked: the outermost project holding the path.
                let walked =
                    s.projects.iter().filter(|p| path.starts_with(&p.root)).map(|p| p.root.clone()).min_by_key(|r| r.as_os_str().len());
                let walked = walked.unwrap_or_else(|| s.projects[i].root.clone());
                // A project's settings, or a marker of a project nested in it: the projects change.
                if rel == phasegate_engine::CONFIG_FILE || frameworks::project_root_of_marker_path(&rel).is_some_and(|r| !r.is_empty()) {
                    reindex = true;
                } else if path.file_name().is_some_and(|n| n == ".gitignore") {
                    // The files the index holds change, if the walk enters its folder.
                    gitignores.push((walked, path));
                } else if gone {
                    removed.push((s.projects[i].root.clone(), rel));
                } else {
                    read.push((walked, s.projects[i].root.clone(), path, rel));
                }
            }
            (reindex, removed, read, gitignores, s.settings.filter())
        });
        let (reindex, removed, read, gitignores, filter) = match sorted {
            Ok(sorted) => sorted,
            Err(e) => return self.client.log_message(lsp::MessageType::ERROR, e).await,
        };
        if reindex {
            return self.index().await;
        }
        let read = tokio::task::spawn_blocking(move || {
            // Only what the index's walk lists, as `phasegate check` reads it: a client watching
            // `**/*` reports `.gitignore`d and excluded files too.
            let mut rules = project::Admission::new(&filter);
            if gitignores.iter().any(|(walked, path)| path.parent().is_some_and(|dir| rules.enters(walked, dir))) {
                return None;
            }
            let inputs = read
                .into_iter()
                .filter(|(walked, root, path, _)| path.is_file() && rules.admits(walked, root, path))
                .filter_map(|(_, root, path, rel)| Some((disk::read_under(&root, &path, &rel).ok()?, root, path, rel)))
                .collect::<Vec<_>>();
            Some(inputs)
        })
        .await;
        let inputs = match read {
            // A `.gitignore` the walk reads changed: the projects are read again.
            Ok(None) => return self.index().await,
            Ok(Some(inputs)) => inputs,
            Err(_) => Vec::new(),
        };
        let changed = self.with(move |s| {
            let project = |s: &Session, root: &Path| s.projects.iter().position(|p| p.root == root);
            let mut changed = false;
            for (root, rel) in removed {
                if let Some(i) = project(s, &root) {
                    changed |= s.projects[i].remove(&rel) > 0;
                }
            }
            for (input, root, path, rel) in inputs {
                // Opened in the editor meanwhile: its text is the editor's.
                if !s.open.contains_key(&path)
                    && let Some(i) = project(s, &root)
                {
                    // The same text as held (a file rewritten unchanged, or one the start of
                    // the server's watch lists because it was written shortly before the
                    // index read it): nothing to analyse again.
                    let held = s.projects[i].ws.text(&rel);
                    let same = match &input {
                        phasegate_engine::FileInput::Bytes(b) => held.is_some_and(|t| t.as_bytes() == b.as_slice()),
                        phasegate_engine::FileInput::Text(t) => held == Some(t.as_str()),
                        _ => false,
                    };
                    if !same {
                        s.projects[i].set_file(&rel, input);
                        changed = true;
                    }
                }
            }
            changed
        });
        // Nothing held changed: no analysis, so pulled results keep their ids (a client asking
        // with its previous ids is told nothing changed).
        if changed.unwrap_or(true) {
            self.schedule();
        }
    }

    /// Makes sure the document at absolute `path` belongs to a project once the index exists:
    /// a file opened outside every known project gets its own (loaded from disk).
    async fn adopt(&self, path: &Path) {
        let orphan = self.with(|s| s.indexed && s.locate(path).is_none()).unwrap_or(false);
        if !orphan {
            return;
        }
        let filter = self.with(|s| s.settings.filter()).unwrap_or_default();
        let root = project::root_for(path);
        let loaded = tokio::task::spawn_blocking(move || project::load_one(&root, &filter)).await;
        if let Ok((p, errors)) = loaded {
            for e in errors.iter().take(20) {
                self.client.log_message(lsp::MessageType::WARNING, e).await;
            }
            let _ = self.with(move |s| s.add_project(Project::new(p.root, p.ws)));
        }
    }

    /// Waits (at most half a minute) until the start-up index is loaded.
    async fn wait_for_index(&self) {
        let mut ready = self.ready.subscribe();
        let _ = tokio::time::timeout(std::time::Duration::from_secs(30), ready.wait_for(|r| *r)).await;
    }

    /// Opens `uri` in the client (`window/showDocument`), when it can.
    async fn show(&self, uri: lsp::Uri) {
        if self.with(|s| s.caps.show_document).unwrap_or(false) {
            let params = lsp::ShowDocumentParams { uri, external: Some(false), take_focus: Some(true), selection: None };
            if let Err(e) = self.client.show_document(params).await {
                self.client.log_message(lsp::MessageType::WARNING, format!("phasegate: cannot open the created file: {e}")).await;
            }
        }
    }

    /// Creates new files in the project at `root` for a client that cannot apply a file creation
    /// (see `create.rs`), takes them into the project, analyses, publishes, and opens the first.
    /// `notify`: also tell the user (the command came from a code action, whose result no client
    /// shows).
    async fn create_files(&self, root: &Path, title: &str, files: &[(String, String)], notify: bool) -> Value {
        let known = self.with(|s| s.projects.iter().any(|p| p.root == root)).unwrap_or(false);
        if !known {
            return json!({ "applied": false, "message": format!("`{}` is not a project of this workspace", root.display()) });
        }
        let mut created = Vec::new();
        let mut problems = Vec::new();
        for (rel, content) in files {
            match crate::create::create_new(root, rel, content) {
                Ok(_) => created.push(rel.clone()),
                Err(e) => problems.push(e),
            }
        }
        let _ = self.with(|s| {
            if let Some(p) = s.projects.iter_mut().find(|p| p.root == root) {
                for rel in &created {
                    if let Ok(input) = disk::read_input(&root.join(rel), rel) {
                        p.set_file(rel, input);
                    }
                }
            }
        });
        self.schedule();
        if let Some(uri) = created.first().and_then(|rel| convert::uri(root, rel)) {
            self.show(uri).await;
        }
        let quoted: Vec<String> = created.iter().map(|p| format!("`{p}`")).collect();
        let mut message = if quoted.is_empty() { "nothing was created".to_string() } else { format!("created {}", quoted.join(", ")) };
        if !problems.is_empty() {
            message = format!("{message}; {}", problems.join("; "));
        }
        if notify {
            let level = if problems.is_empty() { lsp::MessageType::INFO } else { lsp::MessageType::WARNING };
            self.client.show_message(level, format!("phasegate: {title}: {message}")).await;
            message_before_response().await;
        }
        json!({ "applied": !created.is_empty() && problems.is_empty(), "message": message })
    }

    /// Runs a command; returns its JSON result.
    async fn command(&self, name: &str, args: Value) -> Result<Value> {
        let arg = |k: &str| args.get(k).and_then(Value::as_str).map(str::to_string);
        match name {
            "phasegate.explain" => {
                let message = arg("message").unwrap_or_else(|| "phasegate.explain needs a `message`".into());
                self.client.show_message(lsp::MessageType::WARNING, format!("phasegate: {message}")).await;
                message_before_response().await;
                return Ok(json!({ "applied": false, "message": message }));
            }
            "phasegate.open" => {
                let message = arg("message").unwrap_or_default();
                if let Some(uri) = arg("uri").and_then(|u| u.parse::<lsp::Uri>().ok()) {
                    self.show(uri).await;
                }
                if !message.is_empty() {
                    self.client.show_message(lsp::MessageType::INFO, format!("phasegate: {message}")).await;
                    message_before_response().await;
                }
                return Ok(json!({ "applied": true, "message": message }));
            }
            "phasegate.create" => {
                let Some(root) = arg("project").and_then(|u| u.parse::<lsp::Uri>().ok()).and_then(|u| file_path(&u)) else {
                    return Err(invalid("phasegate.create needs `project`, the project's URI"));
                };
                let files: Vec<(String, String)> = args
                    .get("files")
                    .and_then(Value::as_array)
                    .map(|list| {
                        list.iter()
                            .filter_map(|f| Some((f.get("path")?.as_str()?.to_string(), f.get("content")?.as_str()?.to_string())))
                            .collect()
                    })
                    .unwrap_or_default();
                let title = arg("title").unwrap_or_else(|| "phasegate".into());
                return Ok(self.create_files(&root, &title, &files, true).await);
            }
            _ => {}
        }
        let doc = arg("uri").and_then(|u| u.parse::<lsp::Uri>().ok()).and_then(|u| u.to_file_path().map(|p| p.into_owned()));
        if name == "phasegate.task" {
            let planned = self.with(|s| -> std::result::Result<(lsp::WorkspaceEdit, String), String> {
                let (i, rel) = doc.as_deref().and_then(|d| s.locate(d)).ok_or("phasegate.task needs the `uri` of a tasks file")?;
                let id = arg("task").ok_or("phasegate.task needs `task`, the task's id")?;
                let action =
                    arg("action").as_deref().and_then(phasegate_engine::ide::TaskAction::parse).ok_or("`action` is `start` or `done`")?;
                let project = &s.projects[i];
                let change = project.ws.task_change(&rel, &id, action).map_err(|r| r.to_string())?;
                match convert::workspace_edit(s, project, &change) {
                    Ok(edit) => Ok((edit, change.summary)),
                    Err(convert::EditError::Unsafe(reason)) => Err(format!("refused: {reason}")),
                    Err(convert::EditError::Unsupported) => Err("the client cannot apply this edit".into()),
                }
            });
            let (edit, done) = match planned {
                Ok(Ok(p)) => p,
                Ok(Err(message)) => return Ok(json!({ "applied": false, "message": message })),
                Err(e) => return Err(internal(e)),
            };
            return Ok(match self.client.apply_edit(edit).await {
                Ok(r) if r.applied => json!({ "applied": true, "message": done }),
                Ok(r) => {
                    json!({ "applied": false, "message": r.failure_reason.unwrap_or_else(|| "the client did not apply the edit".into()) })
                }
                Err(e) => json!({ "applied": false, "message": e.to_string() }),
            });
        }
        if name == "phasegate.status" {
            return self
                .with(|s| {
                    let located = doc.as_deref().and_then(|d| s.locate(d));
                    let mut all = Vec::new();
                    for (i, p) in s.projects.iter().enumerate() {
                        if located.as_ref().is_some_and(|(j, _)| *j != i) {
                            continue;
                        }
                        let mut statuses = p.ws.status();
                        if let Some((_, rel)) = &located {
                            // The workflows of the document; for a state file, only its own run.
                            let names = p.ws.workflows_of_file(rel);
                            let is_state_file = statuses.iter().any(|w| w.state_path.as_deref() == Some(rel.as_str()));
                            statuses.retain(|w| {
                                names.iter().any(|n| n == &w.name) && (!is_state_file || w.state_path.as_deref() == Some(rel.as_str()))
                            });
                        }
                        let project_uri = lsp::Uri::from_file_path(&p.root).map(|u| u.as_str().to_string());
                        for st in statuses {
                            let mut v = serde_json::to_value(&st).unwrap_or_default();
                            if let Some(o) = v.as_object_mut() {
                                o.insert("project".into(), json!(project_uri));
                            }
                            all.push(v);
                        }
                    }
                    json!({ "workflows": all })
                })
                .map_err(internal);
        }
        if name == "phasegate.graph" {
            let format = arg("format").unwrap_or_else(|| "mermaid".into());
            if format != "mermaid" && format != "dot" {
                return Err(invalid(format!("phasegate.graph: `format` is `mermaid` or `dot`, not `{format}`")));
            }
            // Drawn from the analysis of the latest edits, as a diagnostic pull is.
            self.wait_for_index().await;
            self.wait_for_analysis().await;
            let workflow = arg("workflow");
            return self.with(|s| graph(s, doc.as_deref(), workflow.as_deref(), &format)).map_err(internal);
        }
        let now = phasegate_host::now();
        let planned = self.with(|s| -> std::result::Result<Planned, String> {
            let located = doc.as_deref().and_then(|d| s.locate(d));
            let (i, workflow) = match (arg("workflow"), &located) {
                (Some(w), Some((i, _))) => (*i, w),
                (Some(w), None) => (project_defining(s, &w)?, w),
                (None, Some((i, rel))) => {
                    let w = s.projects[*i]
                        .ws
                        .workflows_of_file(rel)
                        .into_iter()
                        .next()
                        .ok_or_else(|| format!("`{rel}` belongs to no workflow"))?;
                    (*i, w)
                }
                (None, None) => {
                    let all: Vec<(usize, String)> =
                        s.projects.iter().enumerate().flat_map(|(i, p)| p.ws.status().into_iter().map(move |w| (i, w.name))).collect();
                    match all.as_slice() {
                        [one] => one.clone(),
                        _ => return Err("several workflows: pass `workflow` or `uri`".to_string()),
                    }
                }
            };
            let project = &s.projects[i];
            let rel = located.as_ref().filter(|(j, _)| *j == i).map(|(_, r)| r.as_str());
            let state = rel.filter(|r| project.ws.status().iter().any(|w| w.state_path.as_deref() == Some(*r)));
            let change = match name {
                "phasegate.advance" => project.ws.advance(&workflow, state, arg("to").as_deref(), &now),
                "phasegate.start" => project.ws.start(&workflow),
                "phasegate.scaffold" => project.ws.scaffold(&workflow, state, arg("phase").as_deref(), &now),
                other => return Err(format!("unknown command `{other}`")),
            }
            .map_err(|r| r.to_string())?;
            let first_created = convert::created_paths(&change).first().and_then(|p| convert::uri(&project.root, p));
            match convert::workspace_edit(s, project, &change) {
                Ok(edit) => Ok(Planned::Edit { edit: Box::new(edit), done: change.summary.clone(), first_created }),
                Err(convert::EditError::Unsafe(reason)) => Err(format!("refused: {reason}")),
                Err(convert::EditError::Unsupported) => change
                    .changes
                    .iter()
                    .map(|c| match c {
                        phasegate_engine::FileChange::Create { path, content } => Some((path.clone(), content.clone())),
                        phasegate_engine::FileChange::Edit { .. } => None,
                    })
                    .collect::<Option<Vec<_>>>()
                    .map(|files| Planned::Create(project.root.clone(), files))
                    .ok_or_else(|| "the client cannot apply this edit".to_string()),
            }
        });
        let planned = match planned {
            Ok(Ok(p)) => p,
            Ok(Err(message)) => return Ok(json!({ "applied": false, "message": message })),
            Err(e) => return Err(internal(e)),
        };
        let (edit, done, first_created) = match planned {
            Planned::Edit { edit, done, first_created } => (edit, done, first_created),
            Planned::Create(root, files) => return Ok(self.create_files(&root, name, &files, false).await),
        };
        match self.client.apply_edit(*edit).await {
            Ok(r) if r.applied => {
                if let Some(uri) = first_created {
                    self.show(uri).await;
                }
                Ok(json!({ "applied": true, "message": done }))
            }
            Ok(r) => {
                Ok(json!({ "applied": false, "message": r.failure_reason.unwrap_or_else(|| "the client did not apply the edit".into()) }))
            }
            Err(e) => Ok(json!({ "applied": false, "message": e.to_string() })),
        }
    }
}

/// The one project defining workflow `name`; an error naming them when several do, or the
/// engine's refusal (listing the known workflows) when none does.
fn project_defining(s: &Session, name: &str) -> std::result::Result<usize, String> {
    let defining: Vec<usize> = (0..s.projects.len()).filter(|&i| s.projects[i].ws.status().iter().any(|w| w.name == name)).collect();
    match defining.as_slice() {
        [one] => Ok(*one),
        [] => match s.projects.first() {
            Some(p) => p.ws.start(name).map(|_| 0).map_err(|r| r.to_string()),
            None => Err("no project is open".to_string()),
        },
        many => Err(format!(
            "several projects define workflow `{name}` ({}): pass `uri`",
            many.iter().map(|&i| s.projects[i].root.display().to_string()).collect::<Vec<_>>().join(", ")
        )),
    }
}

/// Loads the projects of `folders` (each folder's project and those nested in it) and of the
/// open documents outside them. Returns them, without duplicates, and the errors met.
fn load_projects(folders: &[PathBuf], open: &[PathBuf], filter: &disk::Filter) -> (Vec<Project>, Vec<String>) {
    let mut projects: Vec<Project> = Vec::new();
    let mut errors = Vec::new();
    for folder in folders {
        let root = project::root_for(folder);
        if projects.iter().any(|p| p.root == root) {
            continue;
        }
        let (found, errs) = project::load_all(&root, filter);
        errors.extend(errs);
        for p in found {
            if !projects.iter().any(|q| q.root == p.root) {
                projects.push(Project::new(p.root, p.ws));
            }
        }
    }
    for doc in open {
        if projects.iter().any(|p| doc.starts_with(&p.root)) {
            continue;
        }
        let (p, errs) = project::load_one(&project::root_for(doc), filter);
        errors.extend(errs);
        projects.push(Project::new(p.root, p.ws));
    }
    (projects, errors)
}

/// A command's change, ready for the client: an edit to send (with what to say when it is applied
/// and the first file it creates), or files the server creates itself in a project.
enum Planned {
    Edit { edit: Box<lsp::WorkspaceEdit>, done: String, first_created: Option<lsp::Uri> },
    Create(PathBuf, Vec<(String, String)>),
}

/// Lets a `window/showMessage` just queued go out before the command's response. Emacs 28's
/// jsonrpc stops reading at the response a synchronous request waits for, so a notification
/// written after it in the same chunk is only read when the server next writes something.
async fn message_before_response() {
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
}

fn client_caps(c: &lsp::ClientCapabilities) -> ClientCaps {
    let td = c.text_document.as_ref();
    let ws = c.workspace.as_ref();
    let edit = ws.and_then(|w| w.workspace_edit.as_ref());
    let action = td.and_then(|t| t.code_action.as_ref());
    let diagnostic_refresh = ws.and_then(|w| w.diagnostics.as_ref()).and_then(|d| d.refresh_support).unwrap_or(false);
    ClientCaps {
        pull_diagnostics: td.and_then(|t| t.diagnostic.as_ref()).is_some() && diagnostic_refresh,
        diagnostic_refresh,
        work_done_progress: c.window.as_ref().and_then(|w| w.work_done_progress).unwrap_or(false),
        watch_registration: ws.and_then(|w| w.did_change_watched_files.as_ref()).and_then(|d| d.dynamic_registration).unwrap_or(false),
        document_changes: edit.and_then(|e| e.document_changes).unwrap_or(false),
        create_files: edit
            .and_then(|e| e.resource_operations.as_ref())
            .is_some_and(|ops| ops.contains(&lsp::ResourceOperationKind::Create)),
        disabled_actions: action.and_then(|a| a.disabled_support).unwrap_or(false),
        code_action_literals: action.and_then(|a| a.code_action_literal_support.as_ref()).is_some(),
        create_truncates: false,
        show_document: c.window.as_ref().and_then(|w| w.show_document.as_ref()).is_some_and(|d| d.support),
        code_lens_refresh: ws.and_then(|w| w.code_lens.as_ref()).and_then(|c| c.refresh_support).unwrap_or(false),
        inlay_hint_refresh: ws.and_then(|w| w.inlay_hint.as_ref()).and_then(|c| c.refresh_support).unwrap_or(false),
        semantic_tokens: td.and_then(|t| t.semantic_tokens.as_ref()).is_some(),
        semantic_tokens_refresh: ws.and_then(|w| w.semantic_tokens.as_ref()).and_then(|c| c.refresh_support).unwrap_or(false),
        hierarchical_symbols: td
            .and_then(|t| t.document_symbol.as_ref())
            .and_then(|d| d.hierarchical_document_symbol_support)
            .unwrap_or(false),
        prepare_rename: td.and_then(|t| t.rename.as_ref()).and_then(|r| r.prepare_support).unwrap_or(false),
        markdown_hover: td
            .and_then(|t| t.hover.as_ref())
            .and_then(|h| h.content_format.as_ref())
            .is_none_or(|formats| formats.contains(&lsp::MarkupKind::Markdown)),
        status_notification: c
            .experimental
            .as_ref()
            .and_then(|e| e.get("phasegateStatusNotification"))
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false),
    }
}

/// The client's workspace folders (absolute paths), or its root URI when it gives no folders.
fn folders_of(params: &lsp::InitializeParams) -> Vec<PathBuf> {
    if let Some(folders) = &params.workspace_folders
        && !folders.is_empty()
    {
        return folders.iter().filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned())).collect();
    }
    #[allow(deprecated)]
    params.root_uri.as_ref().and_then(|u| u.to_file_path()).map(|p| vec![p.into_owned()]).unwrap_or_default()
}

/// The absolute path of a `file:` URI.
fn file_path(uri: &lsp::Uri) -> Option<PathBuf> {
    uri.to_file_path().map(|p| p.into_owned())
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: lsp::InitializeParams) -> Result<lsp::InitializeResult> {
        let mut caps = client_caps(&params.capabilities);
        caps.create_truncates = params.client_info.as_ref().is_some_and(|c| c.name == "Neovim");
        let offered = params.capabilities.general.as_ref().and_then(|g| g.position_encodings.clone()).unwrap_or_default();
        let encoding = if offered.contains(&lsp::PositionEncodingKind::UTF8) { PositionEncoding::Utf8 } else { PositionEncoding::Utf16 };
        let settings = match params.initialization_options.as_ref().map(Settings::from_json) {
            Some(Ok(s)) => s,
            Some(Err(e)) => {
                self.client
                    .show_message(lsp::MessageType::WARNING, format!("phasegate: ignoring invalid initializationOptions: {e}"))
                    .await;
                Settings::default()
            }
            None => Settings::default(),
        };
        let folders = folders_of(&params);
        let problems = self
            .with(|s| {
                s.caps = caps;
                s.encoding = encoding;
                s.folders = folders;
                s.apply_settings(settings)
            })
            .map_err(internal)?;
        for p in problems {
            self.client.show_message(lsp::MessageType::WARNING, format!("phasegate: {p}")).await;
        }
        let capabilities = lsp::ServerCapabilities {
            position_encoding: Some(if encoding == PositionEncoding::Utf8 {
                lsp::PositionEncodingKind::UTF8
            } else {
                lsp::PositionEncodingKind::UTF16
            }),
            text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
                ..Default::default()
            })),
            code_action_provider: Some(if caps.code_action_literals {
                lsp::CodeActionProviderCapability::Options(lsp::CodeActionOptions {
                    code_action_kinds: Some(vec![
                        lsp::CodeActionKind::QUICKFIX,
                        lsp::CodeActionKind::REFACTOR_REWRITE,
                        lsp::CodeActionKind::SOURCE,
                    ]),
                    ..Default::default()
                })
            } else {
                lsp::CodeActionProviderCapability::Simple(true)
            }),
            execute_command_provider: Some(lsp::ExecuteCommandOptions {
                commands: COMMANDS.iter().map(|c| c.to_string()).collect(),
                ..Default::default()
            }),
            workspace: Some(lsp::WorkspaceServerCapabilities {
                workspace_folders: Some(lsp::WorkspaceFoldersServerCapabilities {
                    supported: Some(true),
                    change_notifications: Some(lsp::OneOf::Left(true)),
                }),
                file_operations: None,
            }),
            hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
            definition_provider: Some(lsp::OneOf::Left(true)),
            references_provider: Some(lsp::OneOf::Left(true)),
            document_highlight_provider: Some(lsp::OneOf::Left(true)),
            document_link_provider: Some(lsp::DocumentLinkOptions {
                resolve_provider: Some(false),
                work_done_progress_options: Default::default(),
            }),
            completion_provider: Some(lsp::CompletionOptions {
                trigger_characters: Some(COMPLETION_TRIGGERS.iter().map(|c| c.to_string()).collect()),
                ..Default::default()
            }),
            rename_provider: Some(if caps.prepare_rename {
                lsp::OneOf::Right(lsp::RenameOptions { prepare_provider: Some(true), work_done_progress_options: Default::default() })
            } else {
                lsp::OneOf::Left(true)
            }),
            code_lens_provider: Some(lsp::CodeLensOptions { resolve_provider: Some(false) }),
            document_symbol_provider: Some(lsp::OneOf::Left(true)),
            workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
            folding_range_provider: Some(lsp::FoldingRangeProviderCapability::Simple(true)),
            inlay_hint_provider: Some(lsp::OneOf::Left(true)),
            semantic_tokens_provider: caps.semantic_tokens.then(|| {
                lsp::SemanticTokensServerCapabilities::SemanticTokensOptions(lsp::SemanticTokensOptions {
                    legend: convert::semantic_legend(),
                    full: Some(lsp::SemanticTokensFullOptions::Bool(true)),
                    range: None,
                    work_done_progress_options: Default::default(),
                })
            }),
            diagnostic_provider: caps.pull_diagnostics.then(|| {
                lsp::DiagnosticServerCapabilities::Options(lsp::DiagnosticOptions {
                    identifier: Some("phasegate".into()),
                    inter_file_dependencies: true,
                    workspace_diagnostics: true,
                    ..Default::default()
                })
            }),
            ..Default::default()
        };
        Ok(lsp::InitializeResult {
            capabilities,
            server_info: Some(lsp::ServerInfo { name: "phasegate".into(), version: Some(env!("CARGO_PKG_VERSION").into()) }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: lsp::InitializedParams) {
        if self.with(|s| s.client_watches()).unwrap_or(false) {
            self.client_watch(true).await;
        }
        self.index().await;
    }

    async fn shutdown(&self) -> Result<()> {
        self.shut_down.store(true, std::sync::atomic::Ordering::SeqCst);
        // Refreshes already on their way are answered first (a client that does not answer holds
        // the shutdown at most a second).
        let _ = tokio::time::timeout(std::time::Duration::from_secs(1), self.refreshing.write()).await;
        Ok(())
    }

    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        let Some(path) = file_path(&params.text_document.uri) else { return };
        let doc = params.text_document;
        let first = self
            .with(|s| {
                s.open.insert(path.clone(), Document { text: ropey::Rope::from_str(&doc.text), version: doc.version });
                // A client with no workspace folder: the first document's project is indexed.
                !s.indexed && s.folders.is_empty()
            })
            .unwrap_or(false);
        if first {
            self.index().await;
            return;
        }
        self.adopt(&path).await;
        if let Err(e) = self.with(|s| s.sync_document(&path)) {
            self.client.log_message(lsp::MessageType::ERROR, e).await;
        }
        self.schedule();
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        let Some(path) = file_path(&params.text_document.uri) else { return };
        let version = params.text_document.version;
        let result = self.with(|s| {
            let encoding = s.encoding;
            let Some(doc) = s.open.get_mut(&path) else { return Err(format!("change to `{}`, which is not open", path.display())) };
            for change in params.content_changes {
                let range = change.range.map(|r| ((r.start.line, r.start.character), (r.end.line, r.end.character)));
                crate::apply_change(&mut doc.text, range, &change.text, encoding);
            }
            doc.version = version;
            s.sync_document(&path);
            Ok(())
        });
        // The text is the client's now; the analysis follows in its own task.
        self.schedule();
        match result {
            Ok(Ok(())) => {}
            Ok(Err(e)) | Err(e) => self.client.log_message(lsp::MessageType::WARNING, format!("phasegate: {e}")).await,
        }
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        let Some(path) = file_path(&params.text_document.uri) else { return };
        let _ = self.with(|s| {
            s.open.remove(&path);
            let Some((i, rel)) = s.locate(&path) else { return };
            // The file on disk is the truth again.
            match disk::read_under(&s.projects[i].root, &path, &rel) {
                Ok(input) => s.projects[i].set_file(&rel, input),
                Err(_) => {
                    s.projects[i].remove(&rel);
                }
            }
        });
        self.schedule();
    }

    async fn did_change_watched_files(&self, params: lsp::DidChangeWatchedFilesParams) {
        let changes = params
            .changes
            .into_iter()
            .filter_map(|event| Some((file_path(&event.uri)?, event.typ == lsp::FileChangeType::DELETED)))
            .collect();
        self.files_changed(changes).await;
    }

    async fn did_change_workspace_folders(&self, params: lsp::DidChangeWorkspaceFoldersParams) {
        let _ = self.with(|s| {
            for removed in &params.event.removed {
                if let Some(p) = file_path(&removed.uri) {
                    s.folders.retain(|f| *f != p);
                }
            }
            for added in &params.event.added {
                if let Some(p) = file_path(&added.uri)
                    && !s.folders.contains(&p)
                {
                    s.folders.push(p);
                }
            }
        });
        self.index().await;
    }

    async fn did_change_configuration(&self, params: lsp::DidChangeConfigurationParams) {
        let current = self.with(|s| s.settings.clone()).unwrap_or_default();
        let settings = match current.merged(&params.settings) {
            Ok(s) => s,
            Err(e) => {
                self.client.show_message(lsp::MessageType::WARNING, format!("phasegate: ignoring invalid settings: {e}")).await;
                return;
            }
        };
        let refilter = self.with(|s| {
            let refilter = s.settings.include != settings.include || s.settings.exclude != settings.exclude;
            let before = (s.client_watches(), s.server_watches());
            let problems = s.apply_settings(settings);
            (refilter, problems, before, (s.client_watches(), s.server_watches()))
        });
        match refilter {
            Ok((refilter, problems, (client_before, server_before), (client_now, server_now))) => {
                for p in problems {
                    self.client.show_message(lsp::MessageType::WARNING, format!("phasegate: {p}")).await;
                }
                if client_before != client_now {
                    self.client_watch(client_now).await;
                }
                if server_before && !server_now {
                    // The watch's thread stops, and its loop of changes ends.
                    *self.watch.lock().unwrap_or_else(|p| p.into_inner()) = None;
                }
                // The server's watch starts with a new reading of the workspace, which also takes
                // in what changed while nobody watched.
                if refilter || (server_now && !server_before) {
                    self.index().await;
                } else {
                    self.schedule();
                }
            }
            Err(e) => self.client.log_message(lsp::MessageType::ERROR, e).await,
        }
    }

    async fn diagnostic(&self, params: lsp::DocumentDiagnosticParams) -> Result<lsp::DocumentDiagnosticReportResult> {
        let path = file_path(&params.text_document.uri);
        self.wait_for_index().await;
        self.wait_for_analysis().await;
        let items = self
            .with(|s| {
                let items: Vec<lsp::Diagnostic> = path
                    .as_deref()
                    .and_then(|p| s.diagnostics_of(p))
                    .map(|(project, list)| list.iter().filter_map(|d| convert::diagnostic(s, project, d)).collect())
                    .unwrap_or_default();
                (items, s.generation)
            })
            .map_err(internal)?;
        Ok(lsp::DocumentDiagnosticReportResult::Report(lsp::DocumentDiagnosticReport::Full(lsp::RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: lsp::FullDocumentDiagnosticReport { result_id: Some(items.1.to_string()), items: items.0 },
        })))
    }

    async fn workspace_diagnostic(&self, params: lsp::WorkspaceDiagnosticParams) -> Result<lsp::WorkspaceDiagnosticReportResult> {
        self.wait_for_index().await;
        self.wait_for_analysis().await;
        let previous: std::collections::HashMap<String, String> =
            params.previous_result_ids.into_iter().map(|p| (p.uri.to_string(), p.value)).collect();
        let items = self
            .with(|s| {
                let id = s.generation.to_string();
                let mut items = Vec::new();
                let mut reported = std::collections::HashSet::new();
                let full = |uri: lsp::Uri, list: Vec<lsp::Diagnostic>, version: Option<i64>| {
                    lsp::WorkspaceDocumentDiagnosticReport::Full(lsp::WorkspaceFullDocumentDiagnosticReport {
                        uri,
                        version,
                        full_document_diagnostic_report: lsp::FullDocumentDiagnosticReport { result_id: Some(id.clone()), items: list },
                    })
                };
                for p in &s.projects {
                    for (rel, list) in p.diagnostics.lists() {
                        let path = p.root.join(rel);
                        let Some(uri) = lsp::Uri::from_file_path(&path) else { continue };
                        let key = uri.to_string();
                        if !s.in_scope(&path) || list.is_empty() {
                            continue;
                        }
                        reported.insert(key.clone());
                        if previous.get(&key) == Some(&id) {
                            continue; // the client holds this very report
                        }
                        let version = s.open.get(&path).map(|d| i64::from(d.version));
                        items.push(full(uri, list.iter().filter_map(|d| convert::diagnostic(s, p, d)).collect(), version));
                    }
                }
                // Files the client holds diagnostics for that now have none (or are out of scope).
                for (key, value) in &previous {
                    if value != &id
                        && !reported.contains(key)
                        && let Ok(uri) = key.parse::<lsp::Uri>()
                    {
                        items.push(full(uri, Vec::new(), None));
                    }
                }
                items
            })
            .map_err(internal)?;
        Ok(lsp::WorkspaceDiagnosticReportResult::Report(lsp::WorkspaceDiagnosticReport { items }))
    }

    async fn code_action(&self, params: lsp::CodeActionParams) -> Result<Option<lsp::CodeActionResponse>> {
        let Some(path) = file_path(&params.text_document.uri) else { return Ok(None) };
        let now = phasegate_host::now();
        let actions = self
            .with(|s| {
                let Some((i, rel)) = s.locate(&path) else { return Vec::new() };
                let project = &s.projects[i];
                let Some(index) = project.ws.line_index(&rel) else { return Vec::new() };
                let range = convert::text_range(index, params.range, s.encoding);
                let only = params.context.only.clone();
                let how = convert::Presentation {
                    unfiltered: only.is_none(),
                    on_gate_diagnostic: params.context.diagnostics.iter().any(|d| {
                        d.source.as_deref() == Some("phasegate")
                            && matches!(&d.code, Some(lsp::NumberOrString::String(c)) if GATE_CODES.contains(&c.as_str()))
                    }),
                };
                project
                    .ws
                    .code_actions(&rel, range, &now)
                    .iter()
                    .filter_map(|a| convert::code_action(s, project, a, &params.context.diagnostics, how))
                    .filter(|a| {
                        only.as_ref()
                            .is_none_or(|kinds| a.kind.as_ref().is_some_and(|k| kinds.iter().any(|o| k.as_str().starts_with(o.as_str()))))
                    })
                    .map(lsp::CodeActionOrCommand::CodeAction)
                    .collect::<Vec<_>>()
            })
            .map_err(internal)?;
        Ok(Some(actions))
    }

    async fn hover(&self, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
        let p = params.text_document_position_params;
        self.on_document(&p.text_document.uri, |s, project, rel, index| {
            let h = project.ws.hover(rel, convert::offset(index, p.position, s.encoding))?;
            Some(convert::hover(s, index, &h))
        })
        .await
    }

    async fn goto_definition(&self, params: lsp::GotoDefinitionParams) -> Result<Option<lsp::GotoDefinitionResponse>> {
        let p = params.text_document_position_params;
        self.on_document(&p.text_document.uri, |s, project, rel, index| {
            let found = project.ws.definition(rel, convert::offset(index, p.position, s.encoding));
            let list: Vec<lsp::Location> = found.iter().filter_map(|l| convert::location(s, project, l)).collect();
            (!list.is_empty()).then_some(lsp::GotoDefinitionResponse::Array(list))
        })
        .await
    }

    async fn references(&self, params: lsp::ReferenceParams) -> Result<Option<Vec<lsp::Location>>> {
        let p = params.text_document_position;
        let include = params.context.include_declaration;
        self.on_document(&p.text_document.uri, |s, project, rel, index| {
            let found = project.ws.references(rel, convert::offset(index, p.position, s.encoding), include);
            Some(found.iter().filter_map(|l| convert::location(s, project, l)).collect())
        })
        .await
    }

    async fn document_highlight(&self, params: lsp::DocumentHighlightParams) -> Result<Option<Vec<lsp::DocumentHighlight>>> {
        let p = params.text_document_position_params;
        self.on_document(&p.text_document.uri, |s, project, rel, index| {
            let found = project.ws.highlights(rel, convert::offset(index, p.position, s.encoding));
            Some(
                found
                    .iter()
                    .map(|h| lsp::DocumentHighlight {
                        range: convert::range(index, h.range, s.encoding),
                        kind: Some(if h.write { lsp::DocumentHighlightKind::WRITE } else { lsp::DocumentHighlightKind::READ }),
                    })
                    .collect(),
            )
        })
        .await
    }

    async fn document_link(&self, params: lsp::DocumentLinkParams) -> Result<Option<Vec<lsp::DocumentLink>>> {
        self.on_document(&params.text_document.uri, |s, project, rel, index| {
            Some(
                project
                    .ws
                    .document_links(rel)
                    .iter()
                    .map(|l| lsp::DocumentLink {
                        range: convert::range(index, l.range, s.encoding),
                        target: convert::uri(&project.root, &l.path),
                        tooltip: Some(l.path.clone()),
                        data: None,
                    })
                    .collect(),
            )
        })
        .await
    }

    async fn completion(&self, params: lsp::CompletionParams) -> Result<Option<lsp::CompletionResponse>> {
        let p = params.text_document_position;
        self.on_document(&p.text_document.uri, |s, project, rel, index| {
            let c = project.ws.completion(rel, convert::offset(index, p.position, s.encoding))?;
            Some(convert::completion(s, index, &c))
        })
        .await
    }

    async fn prepare_rename(&self, params: lsp::TextDocumentPositionParams) -> Result<Option<lsp::PrepareRenameResponse>> {
        let refused = self
            .on_document(&params.text_document.uri, |s, project, rel, index| {
                Some(match project.ws.prepare_rename(rel, convert::offset(index, params.position, s.encoding)) {
                    Ok((range, placeholder)) => Ok(lsp::PrepareRenameResponse::RangeWithPlaceholder {
                        range: convert::range(index, range, s.encoding),
                        placeholder,
                    }),
                    Err(r) => Err(r.to_string()),
                })
            })
            .await?;
        match refused {
            Some(Ok(r)) => Ok(Some(r)),
            // An error with the reason: editors show it ("cannot rename: ...").
            Some(Err(reason)) => Err(invalid(reason)),
            None => Ok(None),
        }
    }

    async fn rename(&self, params: lsp::RenameParams) -> Result<Option<lsp::WorkspaceEdit>> {
        let p = params.text_document_position;
        let new_name = params.new_name;
        let result = self
            .on_document(&p.text_document.uri, |s, project, rel, index| {
                let change = match project.ws.rename(rel, convert::offset(index, p.position, s.encoding), &new_name) {
                    Ok(c) => c,
                    Err(r) => return Some(Err(r.to_string())),
                };
                Some(convert::workspace_edit(s, project, &change).map_err(|e| match e {
                    convert::EditError::Unsafe(reason) => format!("refused: {reason}"),
                    convert::EditError::Unsupported => "the client cannot apply this edit".into(),
                }))
            })
            .await?;
        match result {
            Some(Ok(edit)) => Ok(Some(edit)),
            Some(Err(reason)) => Err(invalid(reason)),
            None => Ok(None),
        }
    }

    async fn code_lens(&self, params: lsp::CodeLensParams) -> Result<Option<Vec<lsp::CodeLens>>> {
        self.on_document(&params.text_document.uri, |s, project, rel, index| {
            Some(project.ws.code_lenses(rel).iter().filter_map(|l| convert::code_lens(s, project, rel, index, l)).collect())
        })
        .await
    }

    async fn document_symbol(&self, params: lsp::DocumentSymbolParams) -> Result<Option<lsp::DocumentSymbolResponse>> {
        let doc = params.text_document.uri;
        self.on_document(&doc, |s, project, rel, index| {
            let list = project.ws.document_symbols(rel);
            Some(if s.caps.hierarchical_symbols {
                lsp::DocumentSymbolResponse::Nested(list.iter().map(|d| convert::document_symbol(s, index, d)).collect())
            } else {
                let mut flat = Vec::new();
                convert::flat_symbols(s, index, &doc, &list, None, &mut flat);
                lsp::DocumentSymbolResponse::Flat(flat)
            })
        })
        .await
    }

    async fn symbol(&self, params: lsp::WorkspaceSymbolParams) -> Result<Option<lsp::WorkspaceSymbolResponse>> {
        self.wait_for_index().await;
        self.with(|s| {
            let mut out = Vec::new();
            for p in &s.projects {
                out.extend(p.ws.workspace_symbols(&params.query).iter().filter_map(|w| convert::workspace_symbol(s, p, w)));
            }
            Some(lsp::WorkspaceSymbolResponse::Flat(out))
        })
        .map_err(internal)
    }

    async fn folding_range(&self, params: lsp::FoldingRangeParams) -> Result<Option<Vec<lsp::FoldingRange>>> {
        self.on_document(&params.text_document.uri, |_, project, rel, index| {
            Some(project.ws.folding_ranges(rel).iter().filter_map(|f| convert::folding_range(index, f)).collect())
        })
        .await
    }

    async fn inlay_hint(&self, params: lsp::InlayHintParams) -> Result<Option<Vec<lsp::InlayHint>>> {
        self.on_document(&params.text_document.uri, |s, project, rel, index| {
            let range = convert::text_range(index, params.range, s.encoding);
            Some(project.ws.inlay_hints(rel, range).iter().map(|h| convert::inlay_hint(s, index, h)).collect())
        })
        .await
    }

    async fn semantic_tokens_full(&self, params: lsp::SemanticTokensParams) -> Result<Option<lsp::SemanticTokensResult>> {
        self.on_document(&params.text_document.uri, |s, project, rel, index| {
            let tokens = project.ws.semantic_tokens(rel);
            Some(lsp::SemanticTokensResult::Tokens(convert::semantic_tokens(s, index, &tokens)))
        })
        .await
    }

    async fn execute_command(&self, params: lsp::ExecuteCommandParams) -> Result<Option<lsp::LSPAny>> {
        let known = COMMANDS.contains(&params.command.as_str())
            || (params.command == "phasegate.debugPanic" && debug_panic_enabled())
            || (params.command == "phasegate.debugDocument" && debug_document_enabled());
        if !known {
            return Err(invalid(format!("unknown command `{}`", params.command)));
        }
        if params.command == "phasegate.debugPanic" {
            // Only with PHASEGATE_DEBUG_PANIC=1: proves a panicking request leaves the server alive.
            return self.with(|_| -> Value { panic!("debug panic requested") }).map(Some).map_err(internal);
        }
        let args = params.arguments.into_iter().next().unwrap_or(Value::Null);
        if params.command == "phasegate.debugDocument" {
            // Only with PHASEGATE_DEBUG_DOCUMENT=1: the server's copy of an open document, so the
            // soak test (tests/e2e/soak.rs) can compare it with the editor's.
            let path = args
                .get("uri")
                .and_then(Value::as_str)
                .and_then(|u| u.parse::<lsp::Uri>().ok())
                .and_then(|u| u.to_file_path().map(|p| p.into_owned()));
            return self
                .with(|s| json!({ "text": path.and_then(|p| s.open.get(&p).map(|d| d.text.to_string())) }))
                .map(Some)
                .map_err(internal);
        }
        self.command(&params.command, args).await.map(Some)
    }
}

/// The answer of `phasegate.graph` (docs/lsp.md): `{ format, text, workflows }`, `text` being
/// what `phasegate graph --format <format>` prints for the same documents. With `workflow`, the
/// graphs of that workflow (by slug, as the CLI compares names); else with `doc`, those of the
/// workflows the document belongs to (a state file: its own run), or of its whole project when it
/// belongs to none; else every project's.
fn graph(s: &Session, doc: Option<&Path>, workflow: Option<&str>, format: &str) -> Value {
    use phasegate_engine::{graph, model::slug};
    let located = doc.and_then(|d| s.locate(d));
    let mut graphs = Vec::new();
    for (i, p) in s.projects.iter().enumerate() {
        if workflow.is_none() && located.as_ref().is_some_and(|(j, _)| *j != i) {
            continue;
        }
        let mut all = p.ws.graphs();
        if let Some(w) = workflow {
            all.retain(|g| slug(w) == slug(&g.name));
        } else if let Some((_, rel)) = &located {
            let names = p.ws.workflows_of_file(rel);
            let is_state_file = all.iter().any(|g| g.state_path.as_deref() == Some(rel.as_str()));
            let own: Vec<_> = all
                .iter()
                .filter(|g| names.iter().any(|n| n == &g.name) && (!is_state_file || g.state_path.as_deref() == Some(rel.as_str())))
                .cloned()
                .collect();
            if !own.is_empty() {
                all = own;
            }
        }
        graphs.extend(all);
    }
    let text = if format == "dot" { graph::to_dot(&graphs) } else { graph::to_mermaid(&graphs) };
    let names: Vec<&str> = graphs.iter().map(|g| g.name.as_str()).collect();
    json!({ "format": format, "text": text, "workflows": names })
}

fn debug_document_enabled() -> bool {
    std::env::var("PHASEGATE_DEBUG_DOCUMENT").is_ok_and(|v| v == "1")
}

fn debug_panic_enabled() -> bool {
    std::env::var("PHASEGATE_DEBUG_PANIC").is_ok_and(|v| v == "1")
}
