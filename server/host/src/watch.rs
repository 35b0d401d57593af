//! Watching a workspace's folders for files changed outside the editor, for a language client
//! that cannot watch them itself: Neovim 0.11 on Linux and BSD does not register
//! `workspace/didChangeWatchedFiles` (its `make_client_capabilities()` offers dynamic
//! registration on macOS and Windows only), so without this the server would never hear of a
//! file an agent, a terminal command or `git checkout` writes. rust-analyzer does the same
//! (`files.watcher`: `server`).
//!
//! Each folder the index walks is watched on its own (`.gitignore` respected, `.git/` skipped,
//! symlinked folders not followed, as [`crate::disk::walk`]): an ignored `node_modules/` or
//! `target/` takes no watch, which keeps within the system's limit on watches (inotify's
//! `max_user_watches`) where a recursive watch of the root would not. A folder created later is
//! watched when it appears, unless ignored, and the files already in it are reported.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::Watcher as _;

/// A change on disk, by absolute path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// A file created or written (or renamed to this path).
    Changed(PathBuf),
    /// A file or folder removed (or renamed away from this path).
    Removed(PathBuf),
    /// Changes were lost (the system's event queue overflowed: inotify's `IN_Q_OVERFLOW`): read
    /// everything again.
    Rescan,
}

/// How long changes are gathered after the first one before they are handed on together: a
/// command writing many files (`git checkout`, a scaffold) makes one batch, not hundreds.
const SETTLE: Duration = Duration::from_millis(100);

/// How many folders that cannot be watched are named (the rest fail for the same reason).
const MAX_PROBLEMS: usize = 20;

enum Message {
    Event(notify::Result<notify::Event>),
    Stop,
}

/// A running watch; watching stops when it is dropped.
pub struct Watch {
    to_thread: mpsc::Sender<Message>,
    folders: usize,
}

impl Watch {
    /// How many folders were watched when the watch started.
    pub fn folders(&self) -> usize {
        self.folders
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.to_thread.send(Message::Stop);
    }
}

/// What [`start`] hands back: the running watch, the problems met, and every file under the
/// roots as a walk by the index's rules listed it *after* its folder was watched, with whether it
/// changed at or after the `since` given (its modification or, on Unix, status-change time,
/// which a rename sets). A change before the watch began is in that list, one after it in a
/// batch: together they miss nothing that happened since `since`. The caller compares the list
/// with what it read: a file it holds and the list lacks was removed meanwhile.
pub struct Started {
    /// The watch; watching stops when it is dropped.
    pub watch: Watch,
    /// Folders that could not be watched, with the reason (the first 20).
    pub problems: Vec<String>,
    /// Each file's absolute path, and whether it changed at or after `since`.
    pub files: Vec<(PathBuf, bool)>,
}

/// Starts watching the folders under each of `roots` (absolute paths) on a thread of its own.
/// `send` receives each batch of changes on that thread, in the order they were seen; a path
/// may appear in several changes of one batch (the last says what it is now). `since`: a time
/// before the caller read the files (a file's time may lag the clock by the file system's
/// granularity: subtract a margin). A folder that could not be watched (the system's limit on
/// watches, a permission) is named in the problems (the first 20) and left unwatched, and the
/// rest are still watched. `between` is called every 256 entries of the walk: the server
/// pauses there while an edit's analysis runs (a workspace of 40,000 folders takes seconds of
/// system time to watch). `Err` when the system offers no watching at all.
pub fn start(
    roots: &[PathBuf],
    since: std::time::SystemTime,
    between: &dyn Fn(),
    send: impl Fn(Vec<Change>) + Send + 'static,
) -> Result<Started, String> {
    let (tx, rx) = mpsc::channel();
    let events = tx.clone();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = events.send(Message::Event(event));
    })
    .map_err(|e| format!("cannot watch files: {e}"))?;
    let mut watched = BTreeSet::new();
    let mut problems = Vec::new();
    let mut files = Vec::new();
    for root in roots {
        // One walk: a folder's entry comes before what is in it, so each folder is watched
        // before it is listed, and a file written after its listing is reported by the watch.
        for (i, entry) in walker(root).filter_map(Result::ok).enumerate() {
            if i % 256 == 255 {
                between();
            }
            if entry.file_type().is_some_and(|t| t.is_dir()) {
                add(&mut watcher, &mut watched, &mut problems, entry.into_path());
            } else {
                let changed = entry.metadata().is_ok_and(|m| changed_since(&m, since));
                files.push((entry.into_path(), changed));
            }
        }
    }
    let folders = watched.len();
    std::thread::Builder::new()
        .name("phasegate-watch".into())
        .spawn(move || run(watcher, watched, &rx, &send))
        .map_err(|e| format!("cannot start the file watcher: {e}"))?;
    Ok(Started { watch: Watch { to_thread: tx, folders }, problems, files })
}

/// Whether a file with metadata `m` was written, made or renamed at or after `since`.
fn changed_since(m: &std::fs::Metadata, since: std::time::SystemTime) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        let changed = std::time::UNIX_EPOCH + Duration::new(m.ctime().max(0).unsigned_abs(), m.ctime_nsec().clamp(0, 999_999_999) as u32);
        if changed >= since {
            return true;
        }
    }
    m.modified().is_ok_and(|t| t >= since)
}

/// Watches folder `dir` (not recursively), once.
fn add(watcher: &mut notify::RecommendedWatcher, watched: &mut BTreeSet<PathBuf>, problems: &mut Vec<String>, dir: PathBuf) {
    if watched.contains(&dir) {
        return;
    }
    match watcher.watch(&dir, notify::RecursiveMode::NonRecursive) {
        Ok(()) => {
            watched.insert(dir);
        }
        // The first few are named; past the system's limit every further folder fails alike.
        Err(e) if problems.len() < MAX_PROBLEMS => problems.push(format!("{}: cannot watch this folder: {e}", dir.display())),
        Err(_) => {}
    }
}

/// The folders under `root` the index walks (`root` itself included when `with_root`).
fn folders(root: &Path, with_root: bool) -> Vec<PathBuf> {
    walker(root)
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_dir()))
        .map(|e| e.into_path())
        .filter(|p| with_root || p != root)
        .collect()
}

/// The files under `root` the index walks.
fn files(root: &Path) -> Vec<PathBuf> {
    walker(root).filter_map(Result::ok).filter(|e| e.file_type().is_some_and(|t| !t.is_dir())).map(|e| e.into_path()).collect()
}

/// A walk of `root` with the rules of [`crate::disk::walk`] (no include/exclude globs: the
/// server filters what it is told of).
fn walker(root: &Path) -> ignore::Walk {
    crate::disk::walk_builder(root).build()
}

/// The watcher's thread: turns events into changes, watches new folders, and hands on batches.
fn run(mut watcher: notify::RecommendedWatcher, mut watched: BTreeSet<PathBuf>, rx: &mpsc::Receiver<Message>, send: &impl Fn(Vec<Change>)) {
    let mut problems = Vec::new();
    loop {
        let Ok(first) = rx.recv() else { return };
        let mut events = Vec::new();
        let mut next = Some(first);
        let deadline = std::time::Instant::now() + SETTLE;
        while let Some(message) = next {
            match message {
                Message::Stop => return,
                Message::Event(Ok(event)) => events.push(event),
                // An error of the system's watch: nothing to name.
                Message::Event(Err(_)) => {}
            }
            next = rx.recv_timeout(deadline.saturating_duration_since(std::time::Instant::now())).ok();
        }
        let batch = changes(&events, &mut watcher, &mut watched, &mut problems);
        if !batch.is_empty() {
            send(batch);
        }
    }
}

/// The changes a batch of `events` stands for, by what each of their paths is now: a file is
/// changed, a missing path removed, a new folder (unless `.gitignore`d) watched with the folders
/// under it and its files changed. Linear in the batch: each new folder's parent is listed once,
/// to learn which of its folders the index walks, however many folders appear in it.
fn changes(
    events: &[notify::Event],
    watcher: &mut notify::RecommendedWatcher,
    watched: &mut BTreeSet<PathBuf>,
    problems: &mut Vec<String>,
) -> Vec<Change> {
    let mut out = Vec::new();
    let mut new_folders = Vec::new();
    for event in events {
        if event.need_rescan() {
            return vec![Change::Rescan];
        }
        if matches!(event.kind, notify::EventKind::Access(_)) {
            continue;
        }
        for path in &event.paths {
            if path.components().any(|c| c.as_os_str() == ".git") {
                continue;
            }
            match std::fs::symlink_metadata(path) {
                Ok(m) if m.is_dir() => {
                    if !watched.contains(path) {
                        new_folders.push(path.clone());
                    }
                }
                Ok(_) => out.push(Change::Changed(path.clone())),
                Err(_) => {
                    if watched.remove(path) {
                        // Its watch ended with it, and those of the folders under it (which follow
                        // it in the set's order: paths compare by component).
                        let under: Vec<PathBuf> = watched.range(path.clone()..).take_while(|w| w.starts_with(path)).cloned().collect();
                        for w in under {
                            watched.remove(&w);
                        }
                    }
                    out.push(Change::Removed(path.clone()));
                }
            }
        }
    }
    // A parent before the folders under it: those are watched with it.
    new_folders.sort();
    new_folders.dedup();
    let mut listed: HashMap<PathBuf, HashSet<PathBuf>> = HashMap::new();
    for folder in new_folders {
        let Some(parent) = folder.parent() else { continue };
        if watched.contains(&folder)
            || !listed.entry(parent.to_path_buf()).or_insert_with(|| crate::disk::walked_children(parent)).contains(&folder)
        {
            continue;
        }
        for dir in folders(&folder, true) {
            add(watcher, watched, problems, dir);
        }
        out.extend(files(&folder).into_iter().map(Change::Changed));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Waits up to 5 s for the changes seen to hold every one of `wanted`.
    fn wait_for(rx: &mpsc::Receiver<Vec<Change>>, seen: &mut Vec<Change>, wanted: &[Change]) -> bool {
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while !wanted.iter().all(|w| seen.contains(w)) {
            match rx.recv_timeout(deadline.saturating_duration_since(std::time::Instant::now())) {
                Ok(batch) => seen.extend(batch),
                Err(_) => return false,
            }
        }
        true
    }

    #[test]
    fn files_written_created_and_removed_outside_the_editor_are_seen() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = std::fs::canonicalize(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let write = |rel: &str, text: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap_or(&root)).unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(&p, text).unwrap_or_else(|e| panic!("{e}"));
            p
        };
        write(".gitignore", "node_modules/\nout/\n");
        let tasks = write("specs/001-café/tasks.md", "- [ ] T001 one\n");
        write("node_modules/x/README.md", "ignored\n");
        let (tx, rx) = mpsc::channel();
        let Started { watch, problems, .. } = start(std::slice::from_ref(&root), std::time::SystemTime::now(), &|| {}, move |batch| {
            let _ = tx.send(batch);
        })
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(problems, Vec::<String>::new());
        // The root, specs/ and specs/001-café/; not node_modules/ (ignored).
        assert_eq!(watch.folders(), 3);
        let mut seen = Vec::new();
        // A file written in a folder walked at the start.
        std::fs::write(&tasks, "- [x] T001 one\n").unwrap_or_else(|e| panic!("{e}"));
        assert!(wait_for(&rx, &mut seen, &[Change::Changed(tasks.clone())]), "{seen:?}");
        // A folder created later, with a file in it at once: both seen, and the folder watched.
        let design = write("specs/002-new/design.md", "# Design\n");
        assert!(wait_for(&rx, &mut seen, &[Change::Changed(design.clone())]), "{seen:?}");
        let later = write("specs/002-new/tasks.md", "- [ ] T001\n");
        assert!(wait_for(&rx, &mut seen, &[Change::Changed(later)]), "{seen:?}");
        // Removed: the file, then a whole folder.
        std::fs::remove_file(&design).unwrap_or_else(|e| panic!("{e}"));
        assert!(wait_for(&rx, &mut seen, &[Change::Removed(design)]), "{seen:?}");
        std::fs::remove_dir_all(root.join("specs/001-café")).unwrap_or_else(|e| panic!("{e}"));
        assert!(wait_for(&rx, &mut seen, &[Change::Removed(root.join("specs/001-café"))]), "{seen:?}");
        // Made again (a `git checkout` back): watched again, its files seen.
        let again = write("specs/001-café/tasks.md", "- [ ] T001 again\n");
        assert!(wait_for(&rx, &mut seen, &[Change::Changed(again.clone())]), "{seen:?}");
        seen.clear();
        std::fs::write(&again, "- [x] T001 again\n").unwrap_or_else(|e| panic!("{e}"));
        assert!(wait_for(&rx, &mut seen, &[Change::Changed(again)]), "{seen:?}");
        // An ignored folder takes no watch: nothing under node_modules/ is reported, and a new
        // ignored folder is not walked.
        write("node_modules/x/README.md", "changed\n");
        write("node_modules/y/index.md", "new\n");
        write("out/build/index.md", "a new ignored folder\n");
        // Many folders at once (a checkout): every file in them seen.
        let many: Vec<Change> = (0..60).map(|i| Change::Changed(write(&format!("specs/{i:03}-f/spec.md"), "# Spec\n"))).collect();
        assert!(wait_for(&rx, &mut seen, &many), "{seen:?}");
        let marker = write("marker.md", "after\n");
        assert!(wait_for(&rx, &mut seen, &[Change::Changed(marker)]), "{seen:?}");
        let ignored = seen
            .iter()
            .filter(|c| matches!(c, Change::Changed(p) | Change::Removed(p) if p.starts_with(root.join("node_modules"))))
            .count();
        assert_eq!(ignored, 0, "{seen:?}");
        drop(watch);
    }

    /// The files listed at the start say which changed since the time given: written, made, or
    /// renamed in with an old modification time (its status-change time is new); the others
    /// and ignored files are not reported as changed, and the watch then takes over.
    #[test]
    fn files_changed_before_the_watch_began_are_listed() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = std::fs::canonicalize(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let outside = tempfile::tempdir_in(&root).unwrap_or_else(|e| panic!("{e}"));
        let write = |rel: &str, text: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap_or(&root)).unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(&p, text).unwrap_or_else(|e| panic!("{e}"));
            p
        };
        let outside_name = outside.path().file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        write(".gitignore", &format!("node_modules/\n{outside_name}/\n"));
        let kept = write("specs/001-café/spec.md", "# Spec\n");
        let written = write("specs/001-café/tasks.md", "- [ ] T001\n");
        write("node_modules/x/README.md", "ignored\n");
        let moved_from = outside.path().join("plan.md");
        std::fs::write(&moved_from, "# Plan\n").unwrap_or_else(|e| panic!("{e}"));
        let old = std::time::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        std::fs::File::options().write(true).open(&moved_from).and_then(|f| f.set_modified(old)).unwrap_or_else(|e| panic!("{e}"));
        // File times follow a coarse clock (a few milliseconds): keep clear of `since`.
        std::thread::sleep(Duration::from_millis(50));
        let since = std::time::SystemTime::now();
        std::thread::sleep(Duration::from_millis(50));
        std::fs::write(&written, "- [x] T001\n").unwrap_or_else(|e| panic!("{e}"));
        let made = write("specs/002/spec.md", "# Neu\n");
        let moved = root.join("specs/001-café/plan.md");
        std::fs::rename(&moved_from, &moved).unwrap_or_else(|e| panic!("{e}"));
        let (tx, rx) = mpsc::channel();
        let Started { watch, problems, files } = start(std::slice::from_ref(&root), since, &|| {}, move |batch| {
            let _ = tx.send(batch);
        })
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(problems, Vec::<String>::new());
        let mut files = files;
        files.sort();
        let mut want = vec![(root.join(".gitignore"), false), (kept.clone(), false), (written, true), (made, true)];
        // A rename sets the status-change time, which only Unix offers.
        want.push((moved, cfg!(unix)));
        want.sort();
        assert_eq!(files, want);
        // From here the watch reports.
        std::fs::write(&kept, "# Spec, again\n").unwrap_or_else(|e| panic!("{e}"));
        assert!(wait_for(&rx, &mut Vec::new(), &[Change::Changed(kept)]));
        drop(watch);
    }
}
