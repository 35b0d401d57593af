//! The server's state: the projects of the workspace folders (each an engine [`Workspace`],
//! docs/projects.md), open documents, settings, negotiated capabilities and the diagnostics last
//! computed. Mutated only under one lock, and never across an `await`, so notifications apply in
//! the order they arrive.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use phasegate_engine::{Diagnostic, FileInput, PositionEncoding, Workspace};
use ropey::Rope;
use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types as lsp;

use phasegate_host::disk::Filter;

/// An open document.
pub(crate) struct Document {
    pub text: Rope,
    pub version: i32,
}

/// Which files get diagnostics (setting `diagnostics`, docs/lsp.md).
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub(crate) enum DiagnosticsScope {
    /// Every file of the workspace, once the start-up index is loaded (`"workspace"`).
    #[default]
    Workspace,
    /// Only the documents open in the editor (`"openFiles"`).
    OpenFiles,
}

/// Who watches the workspace's files for changes made outside the editor (setting `watcher`,
/// docs/lsp.md; rust-analyzer's `files.watcher` is the like).
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub(crate) enum Watcher {
    /// The client, when it can register `workspace/didChangeWatchedFiles`; else the server
    /// (`"auto"`).
    #[default]
    Auto,
    /// The server, whatever the client can (`"server"`).
    Server,
    /// Nobody: a file changed outside the editor is seen when opened or when the workspace is
    /// read again (`"off"`).
    Off,
}

/// Settings from `initializationOptions` or `workspace/didChangeConfiguration` (docs/lsp.md).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub(crate) struct Settings {
    pub severity: HashMap<String, String>,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub diagnostics: DiagnosticsScope,
    pub watcher: Watcher,
}

impl Settings {
    /// Reads settings from a JSON value: the object itself, or its `phasegate` member. Unknown
    /// keys are ignored; a malformed value gives `Err` with serde's message.
    pub(crate) fn from_json(value: &serde_json::Value) -> Result<Settings, String> {
        let v = value.get("phasegate").unwrap_or(value);
        if v.is_null() {
            return Ok(Settings::default());
        }
        serde_json::from_value(v.clone()).map_err(|e| e.to_string())
    }

    /// These settings with the keys present in `value` (the object or its `phasegate` member)
    /// replaced; absent keys keep their value. Clients such as eglot send
    /// `didChangeConfiguration` with `{}` right after start-up: that changes nothing.
    pub(crate) fn merged(&self, value: &serde_json::Value) -> Result<Settings, String> {
        let v = value.get("phasegate").unwrap_or(value);
        let Some(map) = v.as_object() else {
            return if v.is_null() { Ok(self.clone()) } else { Err("settings must be an object".to_string()) };
        };
        let mut out = self.clone();
        let patch = Settings::from_json(v)?;
        if map.contains_key("severity") {
            out.severity = patch.severity;
        }
        if map.contains_key("include") {
            out.include = patch.include;
        }
        if map.contains_key("exclude") {
            out.exclude = patch.exclude;
        }
        if map.contains_key("diagnostics") {
            out.diagnostics = patch.diagnostics;
        }
        if map.contains_key("watcher") {
            out.watcher = patch.watcher;
        }
        Ok(out)
    }

    pub(crate) fn filter(&self) -> Filter {
        Filter { include: self.include.clone(), exclude: self.exclude.clone() }
    }
}

/// What the client can do, from `initialize`.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct ClientCaps {
    /// Diagnostics are pulled: the client declares `textDocument.diagnostic` *and*
    /// `workspace.diagnostics.refreshSupport`. A client that pulls but cannot be asked to pull
    /// again (Neovim 0.11's defaults) would miss the start-up index and every cross-file change,
    /// so it gets pushed diagnostics instead.
    pub pull_diagnostics: bool,
    pub diagnostic_refresh: bool,
    pub work_done_progress: bool,
    pub watch_registration: bool,
    pub document_changes: bool,
    /// `workspace.workspaceEdit.resourceOperations` holds `create`. Resource operations exist only
    /// inside `documentChanges`, so a client declaring them is sent `documentChanges` even when it
    /// does not declare that flag (Neovim 0.11 declares `create` alone, and applies them).
    pub create_files: bool,
    pub disabled_actions: bool,
    pub code_action_literals: bool,
    /// The client empties an existing file when it applies `CreateFile` with `ignoreIfExists:
    /// false` instead of failing: Neovim (0.11's `runtime/lua/vim/lsp/util.lua`, `create_file`,
    /// opens the file with `io.open(fname, 'w')` unless `ignoreIfExists` is set).
    pub create_truncates: bool,
    /// `window.showDocument.support`: the server can open a file it created.
    pub show_document: bool,
    /// `workspace.codeLens.refreshSupport`: asked to re-request code lenses after an analysis
    /// (a state file's edit changes the lenses of its workflow doc).
    pub code_lens_refresh: bool,
    /// `workspace.inlayHint.refreshSupport`: likewise for inlay hints.
    pub inlay_hint_refresh: bool,
    /// `textDocument.semanticTokens` is declared: semantic tokens are offered.
    pub semantic_tokens: bool,
    /// `workspace.semanticTokens.refreshSupport`.
    pub semantic_tokens_refresh: bool,
    /// `textDocument.documentSymbol.hierarchicalDocumentSymbolSupport`: an outline as a tree.
    pub hierarchical_symbols: bool,
    /// `textDocument.rename.prepareSupport`.
    pub prepare_rename: bool,
    /// `textDocument.hover.contentFormat` holds `markdown` (or is absent).
    pub markdown_hover: bool,
    /// `experimental.phasegateStatusNotification`: the client wants `phasegate/statusChanged`
    /// after every analysis (the VS Code extension's Workflows view and status bar).
    pub status_notification: bool,
}

/// One project (docs/projects.md): its root, its engine workspace and its diagnostics.
pub(crate) struct Project {
    /// Absolute root folder.
    pub root: PathBuf,
    pub ws: Workspace,
    /// Diagnostics from the last analysis, by project-relative path.
    pub diagnostics: phasegate_engine::DiagnosticCollection,
    /// What was last pushed, by project-relative path (push mode only), as the client holds it:
    /// in positions, so an edit that moves a diagnostic's line or column without changing its
    /// byte offsets (lines joined above it, `é` replaced by `ab` before it) is pushed again.
    pub published: BTreeMap<String, Vec<lsp::Diagnostic>>,
    /// Whether files changed since the last analysis.
    stale: bool,
    /// Files set or removed since the last analysis: their diagnostics' positions may have moved
    /// even where their byte ranges did not.
    touched: BTreeSet<String>,
    /// Files whose diagnostics may differ from what was last pushed (set by an analysis, taken by
    /// the next push): the touched ones and those whose diagnostics changed.
    pending: BTreeSet<String>,
}

impl Project {
    pub(crate) fn new(root: PathBuf, ws: Workspace) -> Project {
        Project {
            root,
            ws,
            diagnostics: Default::default(),
            published: BTreeMap::new(),
            stale: true,
            touched: BTreeSet::new(),
            pending: BTreeSet::new(),
        }
    }

    /// Adds or replaces a file (project-relative `rel`); the next analysis covers it.
    pub(crate) fn set_file(&mut self, rel: &str, input: FileInput) {
        self.ws.set_file(rel, input);
        self.touched.insert(rel.to_string());
        self.stale = true;
    }

    /// Removes the file at `rel`, or every file under folder `rel`; returns how many were removed.
    pub(crate) fn remove(&mut self, rel: &str) -> usize {
        self.stale = true;
        if self.ws.remove_file(rel) {
            self.touched.insert(rel.to_string());
            return 1;
        }
        let prefix = format!("{rel}/");
        let under: Vec<String> =
            self.diagnostics.lists().range(prefix.clone()..).take_while(|(k, _)| k.starts_with(&prefix)).map(|(k, _)| k.clone()).collect();
        self.touched.extend(under);
        self.ws.remove_folder(rel)
    }

    /// Recomputes the diagnostics (when files changed) and records which files may need a new push.
    fn analyze(&mut self) {
        if !self.stale {
            return;
        }
        // The engine patches the kept map and says which files' lists changed.
        let changed = self.ws.update_diagnostics(&mut self.diagnostics);
        let mut pending = std::mem::take(&mut self.touched);
        pending.extend(changed);
        self.pending.extend(pending);
        self.stale = false;
    }

    /// Marks every file as possibly in need of a new push (after a settings change).
    fn all_pending(&mut self) {
        self.stale = true;
        let all: Vec<String> = self.diagnostics.lists().keys().chain(self.published.keys()).cloned().collect();
        self.touched.extend(all);
    }
}

/// All server state.
pub(crate) struct Session {
    /// The client's workspace folders (absolute); empty when it gave none.
    pub folders: Vec<PathBuf>,
    pub encoding: PositionEncoding,
    pub caps: ClientCaps,
    pub settings: Settings,
    /// Severity settings checked against the codes, applied to every project.
    pub severity: HashMap<String, Option<phasegate_engine::Severity>>,
    /// The projects of the folders (and of open files outside them), sorted by root.
    pub projects: Vec<Project>,
    /// Open documents by absolute path.
    pub open: HashMap<PathBuf, Document>,
    /// Files whose diagnostics were pushed by a project that no longer exists: cleared on the
    /// next push.
    pub orphans: Vec<PathBuf>,
    /// Bumped on every analysis; the pull result id.
    pub generation: u64,
    /// Whether the start-up index is loaded; before that, nothing is analysed or published (a
    /// partial workspace would give false diagnostics).
    pub indexed: bool,
}

impl Session {
    pub(crate) fn new() -> Session {
        Session {
            folders: Vec::new(),
            encoding: PositionEncoding::Utf16,
            caps: ClientCaps::default(),
            settings: Settings::default(),
            severity: HashMap::new(),
            projects: Vec::new(),
            open: HashMap::new(),
            orphans: Vec::new(),
            generation: 0,
            indexed: false,
        }
    }

    /// Checks the severity settings and keeps them for every project; returns what it did not
    /// recognise.
    /// Whether the client is asked to watch the files (`workspace/didChangeWatchedFiles`).
    pub(crate) fn client_watches(&self) -> bool {
        self.settings.watcher == Watcher::Auto && self.caps.watch_registration
    }

    /// Whether the server watches the files itself (`host::watch`).
    pub(crate) fn server_watches(&self) -> bool {
        match self.settings.watcher {
            Watcher::Auto => !self.caps.watch_registration,
            Watcher::Server => true,
            Watcher::Off => false,
        }
    }

    pub(crate) fn apply_settings(&mut self, settings: Settings) -> Vec<String> {
        let mut unknown = Vec::new();
        self.severity.clear();
        for (code, level) in &settings.severity {
            if phasegate_engine::Code::parse(code).is_none() {
                unknown.push(format!("unknown diagnostic code `{code}`"));
                continue;
            }
            match phasegate_engine::config::parse_level(level) {
                Some(l) => {
                    self.severity.insert(code.clone(), l);
                }
                None => unknown.push(format!("unknown severity `{level}` for `{code}`")),
            }
        }
        for p in &mut self.projects {
            p.ws.config.severity = self.severity.clone();
            p.all_pending();
        }
        self.settings = settings;
        unknown
    }

    /// The project holding absolute `path` (the one with the deepest root above it) and the
    /// path relative to its root.
    pub(crate) fn locate(&self, path: &Path) -> Option<(usize, String)> {
        let (i, p) =
            self.projects.iter().enumerate().filter(|(_, p)| path.starts_with(&p.root)).max_by_key(|(_, p)| p.root.as_os_str().len())?;
        Some((i, phasegate_host::disk::relative(&p.root, path)?))
    }

    /// What changed on disk between the index's reading and the start of the server's own watch,
    /// from the files the watch listed as it started (absolute path, and whether it changed since
    /// a time before the index read them): those changed, and the files a project holds that the
    /// list lacks and the disk no longer has (removed meanwhile; the watch lists without the
    /// include globs, which may take in a `.gitignore`d file), as `(path, removed)` for the
    /// server's `files_changed`. Linear in the files listed and held.
    pub(crate) fn missed(&self, listed: &[(PathBuf, bool)]) -> Vec<(PathBuf, bool)> {
        let present: HashSet<&Path> = listed.iter().map(|(p, _)| p.as_path()).collect();
        let mut out: Vec<(PathBuf, bool)> = listed.iter().filter(|(_, changed)| *changed).map(|(p, _)| (p.clone(), false)).collect();
        for p in &self.projects {
            out.extend(
                p.ws.paths()
                    .map(|rel| p.root.join(rel))
                    .filter(|abs| !present.contains(abs.as_path()) && std::fs::symlink_metadata(abs).is_err())
                    .map(|abs| (abs, true)),
            );
        }
        out
    }

    /// Replaces the projects with `projects` (from disk), applying the settings and the open
    /// documents' editor text.
    pub(crate) fn set_projects(&mut self, projects: Vec<Project>) {
        let old = std::mem::replace(&mut self.projects, projects);
        self.projects.sort_by(|a, b| a.root.cmp(&b.root));
        // What was pushed stays known: kept by the same project, else cleared on the next push.
        for o in old {
            match self.projects.iter_mut().find(|p| p.root == o.root) {
                Some(p) => {
                    // Compared on the next push: a file the new index no longer holds (left
                    // out by a `.gitignore` or an exclude glob, or removed) is cleared.
                    p.touched.extend(o.published.keys().cloned());
                    p.published = o.published;
                }
                None => self.orphans.extend(o.published.keys().map(|rel| o.root.join(rel))),
            }
        }
        for p in &mut self.projects {
            p.ws.config.severity = self.severity.clone();
        }
        let open: Vec<PathBuf> = self.open.keys().cloned().collect();
        for path in open {
            self.sync_document(&path);
        }
    }

    /// Adds a project loaded from disk (for a file opened outside every project).
    pub(crate) fn add_project(&mut self, project: Project) {
        let mut all = std::mem::take(&mut self.projects);
        all.retain(|p| p.root != project.root);
        all.push(project);
        self.set_projects(all);
    }

    /// Recomputes the diagnostics of every project whose files changed since its last analysis
    /// (one analysis covers every change made before it, however many).
    pub(crate) fn analyze(&mut self) {
        if !self.indexed {
            return;
        }
        for p in &mut self.projects {
            p.analyze();
        }
        self.generation += 1;
    }

    /// Whether the diagnostics of absolute `path` are reported under the `diagnostics` setting.
    pub(crate) fn in_scope(&self, path: &Path) -> bool {
        self.settings.diagnostics == DiagnosticsScope::Workspace || self.open.contains_key(path)
    }

    /// Hands an open document's current text to the engine.
    pub(crate) fn sync_document(&mut self, path: &Path) {
        let Some((i, rel)) = self.locate(path) else { return };
        if let Some(doc) = self.open.get(path) {
            let text = doc.text.to_string();
            self.projects[i].set_file(&rel, FileInput::Text(text));
        }
    }

    /// The diagnostics of absolute `path` from the last analysis.
    pub(crate) fn diagnostics_of(&self, path: &Path) -> Option<(&Project, &[Diagnostic])> {
        let (i, rel) = self.locate(path)?;
        let p = &self.projects[i];
        Some((p, p.diagnostics.get(&rel)))
    }

    /// Files whose diagnostics, converted to LSP positions, differ from what was last pushed
    /// (including files that now have none), as absolute paths with their new lists; updates the
    /// record of what was pushed. Looks at `limit` of the files in need of a push at most, open
    /// documents first; the others stay pending for the next call: `true` when some are left.
    pub(crate) fn push_changes(&mut self, limit: usize) -> (Vec<(PathBuf, Vec<lsp::Diagnostic>)>, bool) {
        let mut out: Vec<(PathBuf, Vec<lsp::Diagnostic>)> = Vec::new();
        for path in std::mem::take(&mut self.orphans) {
            if self.locate(&path).is_none_or(|(i, rel)| !self.projects[i].published.contains_key(&rel)) {
                out.push((path, Vec::new()));
            }
        }
        // The open documents first: the editor shows them.
        let mut batch: Vec<Vec<String>> = vec![Vec::new(); self.projects.len()];
        let open: Vec<(usize, String)> = self.open.keys().filter_map(|abs| self.locate(abs)).collect();
        let mut left = limit;
        for (i, rel) in open {
            if left > 0 && self.projects[i].pending.remove(&rel) {
                batch[i].push(rel);
                left -= 1;
            }
        }
        for (i, paths) in batch.iter_mut().enumerate() {
            while left > 0 {
                let Some(path) = self.projects[i].pending.pop_first() else { break };
                paths.push(path);
                left -= 1;
            }
        }
        for (i, pending) in batch.into_iter().enumerate() {
            let p = &self.projects[i];
            let mut changed = Vec::new();
            for path in pending {
                let abs = p.root.join(&path);
                let items: Vec<lsp::Diagnostic> = if self.in_scope(&abs) {
                    p.diagnostics.get(&path).iter().filter_map(|d| crate::convert::diagnostic(self, p, d)).collect()
                } else {
                    Vec::new()
                };
                // An open document is pushed for every version it was edited in (clients keep
                // diagnostics per version); any other file when its list changed.
                let edited_open = self.open.contains_key(&abs);
                let before = p.published.get(&path);
                if before.map_or(!items.is_empty(), |b| *b != items) || edited_open {
                    changed.push((path, items));
                }
            }
            let p = &mut self.projects[i];
            for (path, items) in &changed {
                if items.is_empty() {
                    p.published.remove(path);
                } else {
                    p.published.insert(path.clone(), items.clone());
                }
            }
            out.extend(changed.into_iter().map(|(path, items)| (p.root.join(path), items)));
        }
        let more = self.projects.iter().any(|p| !p.pending.is_empty());
        (out, more)
    }
}

#[cfg(test)]
mod tests {
    use super::Settings;
    use serde_json::json;

    /// A push converts at most `limit` files' lists at a time, the open documents first; the
    /// files left stay pending for the next call, none lost or sent twice.
    #[test]
    fn pushes_in_batches_open_documents_first() {
        use super::{Document, Project, Session};
        let conflict = "<<<<<<< HEAD\na\n=======\nb\n>>>>>>> topic\n";
        let mut ws = phasegate_engine::Workspace::new();
        for i in 0..10 {
            ws.set_file(&format!("docs/n{i}.md"), phasegate_engine::FileInput::Text(conflict.to_string()));
        }
        let root = std::path::PathBuf::from("/project");
        let mut s = Session::new();
        s.indexed = true;
        s.set_projects(vec![Project::new(root.clone(), ws)]);
        let open = root.join("docs/n7.md");
        s.open.insert(open.clone(), Document { text: ropey::Rope::from_str(conflict), version: 3 });
        s.sync_document(&open);
        s.analyze();
        let (first, more) = s.push_changes(4);
        assert!(more);
        assert_eq!(first.len(), 4);
        assert_eq!(first[0].0, open, "the open document first");
        let mut all = first;
        loop {
            let (batch, more) = s.push_changes(4);
            assert!(batch.len() <= 4);
            all.extend(batch);
            if !more {
                break;
            }
        }
        let mut paths: Vec<_> = all.iter().map(|(p, items)| (p.clone(), items.len())).collect();
        paths.sort();
        let want: Vec<_> = (0..10).map(|i| (root.join(format!("docs/n{i}.md")), 1)).collect();
        assert_eq!(paths, want);
        // Nothing is left to push.
        assert_eq!(s.push_changes(4), (Vec::new(), false));
    }

    /// What the server's own watch missed before it began: files listed as changed, and files
    /// held that are neither listed nor on disk; a held file the list lacks but the disk has
    /// (taken in by an include glob over `.gitignore`) stays.
    #[test]
    fn missed_changes_are_the_changed_and_the_vanished() {
        use super::{Project, Session};
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = dir.path().to_path_buf();
        let mut ws = phasegate_engine::Workspace::new();
        for rel in ["docs/kept.md", "docs/gone.md", "docs/written.md", "build/included.md"] {
            ws.set_file(rel, phasegate_engine::FileInput::Text("# Doc\n".into()));
        }
        for rel in ["docs/kept.md", "docs/written.md", "docs/new.md", "build/included.md"] {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap_or(&root)).unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(p, "# Doc\n").unwrap_or_else(|e| panic!("{e}"));
        }
        let mut s = Session::new();
        s.set_projects(vec![Project::new(root.clone(), ws)]);
        let listed = vec![(root.join("docs/kept.md"), false), (root.join("docs/written.md"), true), (root.join("docs/new.md"), true)];
        let mut missed = s.missed(&listed);
        missed.sort();
        let want = vec![(root.join("docs/gone.md"), true), (root.join("docs/new.md"), false), (root.join("docs/written.md"), false)];
        assert_eq!(missed, want);
    }

    /// docs/lsp.md (which the VS Code extension's settings are tested against) lists exactly the
    /// keys the server reads.
    #[test]
    fn documented_settings_are_the_servers() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/lsp.md");
        let doc = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let section = doc.split("## Settings").nth(1).unwrap_or_else(|| panic!("no Settings section"));
        let block = section.split("```json").nth(1).and_then(|b| b.split("```").next()).unwrap_or_else(|| panic!("no json block"));
        // Top-level keys: `"key":` at the block's first indentation level.
        let documented: Vec<String> = block
            .lines()
            .filter(|l| l.starts_with("  \"") && !l.starts_with("   "))
            .filter_map(|l| l.trim().strip_prefix('"')?.split('"').next().map(str::to_string))
            .collect();
        let value = serde_json::to_value(Settings::default()).unwrap_or_default();
        let mut ours: Vec<String> = value.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
        let mut documented_sorted = documented.clone();
        ours.sort();
        documented_sorted.sort();
        assert_eq!(documented_sorted, ours);
    }

    #[test]
    fn configuration_changes_replace_only_the_keys_they_hold() {
        let start =
            Settings::from_json(&json!({ "severity": { "gate-dangling": "warning" }, "exclude": ["editors/**"] })).unwrap_or_default();
        // eglot's empty notification right after start-up changes nothing.
        assert_eq!(start.merged(&json!({})), Ok(start.clone()));
        assert_eq!(start.merged(&serde_json::Value::Null), Ok(start.clone()));
        // VS Code's `{ phasegate: { ... } }` replaces what it names.
        let changed = start.merged(&json!({ "phasegate": { "exclude": [] } })).unwrap_or_default();
        assert_eq!(changed.severity.get("gate-dangling").map(String::as_str), Some("warning"));
        assert!(changed.exclude.is_empty());
        assert!(start.merged(&json!({ "severity": 3 })).is_err());
    }
}
