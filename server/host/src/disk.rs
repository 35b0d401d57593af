//! Reading a workspace from disk, shared by the CLI and the server: walk a root respecting
//! `.gitignore` (hidden folders such as `.ops/` and `.work/` included, `.git/` skipped, symlinked
//! folders not followed, a symlinked file read only when it resolves inside the root), and hand
//! each file to the engine.

use std::path::{Path, PathBuf};

use phasegate_engine::{FileInput, MAX_TEXT_BYTES, Workspace, wants_content};

/// Which files of a root to index.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Globs of workspace-relative paths to index (all files when empty).
    pub include: Vec<String>,
    /// Globs of workspace-relative paths to leave out.
    pub exclude: Vec<String>,
}

/// A root's path as a workspace-relative, `/`-separated string; `None` for paths outside `root`
/// or not valid UTF-8.
pub fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let mut out = String::new();
    for c in rel.components() {
        match c {
            std::path::Component::Normal(s) => {
                if !out.is_empty() {
                    out.push('/');
                }
                out.push_str(s.to_str()?);
            }
            std::path::Component::CurDir => {}
            _ => return None,
        }
    }
    (!out.is_empty()).then_some(out)
}

/// [`relative`] without splitting into components, for a path that is `root` (as a string,
/// `None` when not UTF-8), a `/` and plain names: the walk's paths. `None` for any other path,
/// which [`relative`] then reads.
fn relative_fast(root: Option<&str>, path: &Path) -> Option<String> {
    if !cfg!(unix) {
        return None;
    }
    let rel = path.to_str()?.strip_prefix(root?)?;
    let rel = if root?.ends_with('/') { rel } else { rel.strip_prefix('/')? };
    let plain = !rel.is_empty() && rel.split('/').all(|s| !s.is_empty() && s != "." && s != "..");
    plain.then(|| rel.to_string())
}

/// Opens the regular file at `path` for reading, with its metadata. Anything else (a FIFO, a
/// socket, a device, a folder) is refused without blocking: the path is checked first, and the
/// open itself does not wait for a writer (`O_NONBLOCK`, which changes nothing for a regular
/// file), in case a FIFO was put in its place meanwhile. `Err` with the reason.
pub fn open_regular(path: &Path) -> Result<(std::fs::File, std::fs::Metadata), String> {
    if !std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?.is_file() {
        return Err(not_regular(path));
    }
    open_listed(path)
}

/// The refusal of a path that is not a regular file.
fn not_regular(path: &Path) -> String {
    format!("{}: not a regular file; phasegate reads only regular files", path.display())
}

/// Reads one file as the engine wants it: content for Markdown/YAML/JSON up to the size limit,
/// the size otherwise. Only regular files are read ([`open_regular`]). `Err` with the IO error's
/// text when it cannot be read.
pub fn read_input(path: &Path, rel: &str) -> Result<FileInput, String> {
    read_checked(path, rel, false)
}

/// [`read_input`] for a file [`walk`] listed: the walk already saw a regular file there (or a
/// symlink to one inside the root), so the path is not looked up once more before it is opened;
/// the open file is still checked to be a regular file. `Err` as for [`read_input`].
pub fn read_listed(path: &Path, rel: &str) -> Result<FileInput, String> {
    read_checked(path, rel, true)
}

/// [`read_input`]; `listed`: the caller has seen a regular file at `path` (the walk), so the
/// check before opening is left out (one path lookup per file fewer).
fn read_checked(path: &Path, rel: &str, listed: bool) -> Result<FileInput, String> {
    use std::io::Read;
    let failed = |e: std::io::Error| format!("{}: {e}", path.display());
    if !wants_content(rel) {
        let meta = std::fs::metadata(path).map_err(failed)?;
        if !meta.is_file() {
            return Err(not_regular(path));
        }
        return Ok(FileInput::Meta { len: meta.len() });
    }
    // One open, then the size from the open file.
    let (mut file, meta) = if listed { open_listed(path)? } else { open_regular(path)? };
    if meta.len() > MAX_TEXT_BYTES as u64 {
        return Ok(FileInput::Oversized { len: meta.len() });
    }
    // The size the open file reports, read in one call when it holds (a regular file's read
    // returns what it has), with room for one byte more; no second read to find the end unless
    // the file turned out longer or shorter than reported meanwhile.
    let expected = meta.len() as usize;
    let mut bytes = vec![0; expected + 1];
    let mut filled = 0;
    loop {
        match file.read(&mut bytes[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(failed(e)),
        }
        if filled == expected || filled == bytes.len() {
            break;
        }
    }
    bytes.truncate(filled);
    if filled > expected {
        // It grew since the size was taken: read on, at most one byte past the limit.
        file.by_ref().take((MAX_TEXT_BYTES + 1).saturating_sub(filled) as u64).read_to_end(&mut bytes).map_err(failed)?;
    }
    Ok(FileInput::Bytes(bytes))
}

/// [`open_regular`] without the look-up before opening, for a path the walk listed as a regular
/// file: opened without waiting for a writer (`O_NONBLOCK`), then refused unless it is a regular
/// file.
fn open_listed(path: &Path) -> Result<(std::fs::File, std::fs::Metadata), String> {
    let failed = |e: std::io::Error| format!("{}: {e}", path.display());
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(failed)?;
    let meta = file.metadata().map_err(failed)?;
    if !meta.is_file() {
        return Err(format!("{}: not a regular file; phasegate reads only regular files", path.display()));
    }
    Ok((file, meta))
}

/// Whether `path` (a symlink or not) resolves to somewhere inside `root_real` (a canonical path).
/// A dangling symlink resolves nowhere: `false`.
fn resolves_inside(root_real: &Path, path: &Path) -> bool {
    std::fs::canonicalize(path).is_ok_and(|real| real.starts_with(root_real))
}

/// Reads the file at `path` (workspace-relative `rel` under `root`) as [`read_input`] does, for
/// a front end reading one file on its own (the server when a document closes or a watched file
/// changes). A symlink is followed only when it resolves inside the root; otherwise `Err`, and
/// the file is not read, as in [`walk`].
pub fn read_under(root: &Path, path: &Path, rel: &str) -> Result<FileInput, String> {
    if path.is_symlink() {
        let root_real = std::fs::canonicalize(root).map_err(|e| format!("{}: {e}", root.display()))?;
        if !resolves_inside(&root_real, path) {
            return Err(format!("{}: a symlink that leads outside the workspace root or nowhere; not read", path.display()));
        }
    }
    read_input(path, rel)
}

/// A walk of `root` by the index's rules: `.gitignore` (and `.git/info/exclude`, and those of
/// the folders above `root`) respected, hidden folders included, `.git/` skipped, symlinked
/// folders not followed.
pub(crate) fn walk_builder(root: &Path) -> ignore::WalkBuilder {
    let mut builder = ignore::WalkBuilder::new(root);
    builder.hidden(false).git_ignore(true).git_exclude(true).git_global(false).require_git(false).follow_links(false).parents(true);
    builder.filter_entry(|e| e.file_name() != ".git");
    builder
}

/// The include and exclude globs of `filter` as the walk's overrides of `root` (`None` when there
/// are none, or none could be built); a glob that is no glob is named in `errors`.
fn overrides(root: &Path, filter: &Filter, errors: &mut Vec<String>) -> Option<ignore::overrides::Override> {
    if filter.include.is_empty() && filter.exclude.is_empty() {
        return None;
    }
    let mut ov = ignore::overrides::OverrideBuilder::new(root);
    for g in &filter.include {
        if let Err(e) = ov.add(g) {
            errors.push(format!("include glob `{g}`: {e}"));
        }
    }
    for g in &filter.exclude {
        if let Err(e) = ov.add(&format!("!{g}")) {
            errors.push(format!("exclude glob `{g}`: {e}"));
        }
    }
    ov.build().map_err(|e| errors.push(e.to_string())).ok()
}

/// The folders and files directly in `dir` that a walk by the index's rules lists (not
/// `.gitignore`d, by the ignore files of `dir` and of the folders above it).
pub(crate) fn walked_children(dir: &Path) -> std::collections::HashSet<PathBuf> {
    walk_builder(dir).max_depth(Some(1)).build().filter_map(Result::ok).filter(|e| e.depth() == 1).map(|e| e.into_path()).collect()
}

/// Says, path by path, whether [`walk`] of a root with a filter lists a file: for files the
/// language client or the server's own watch reports changed one at a time, which the index takes
/// in only when `phasegate check` would read them (a `.gitignore`d or excluded file stays out).
/// Each folder is listed once, when a path under it is first asked about, and its listing kept
/// for the life of the value (one batch of changes): cost linear in the folders on the paths
/// asked about and the entries they hold.
pub struct Listed {
    root: PathBuf,
    overrides: Option<ignore::overrides::Override>,
    children: std::collections::HashMap<PathBuf, std::collections::HashSet<PathBuf>>,
}

impl Listed {
    /// For the files under `root` (absolute) with `filter`'s globs. Globs that are no globs are
    /// left out (the index's walk has named them).
    pub fn new(root: &Path, filter: &Filter) -> Listed {
        Listed { root: root.to_path_buf(), overrides: overrides(root, filter, &mut Vec::new()), children: Default::default() }
    }

    /// Whether the walk lists `path` (absolute, under the root) as a file of the root, by the
    /// walk's rules for each folder on the way and for the file itself: an exclude glob leaves
    /// it out, an include glob takes it in (ahead of `.gitignore`, as the walk's overrides
    /// do), and otherwise it must not be `.gitignore`d; `.git/` is never listed. `false` for the
    /// root itself, a path outside it, a path with `..`, and a file no longer on disk.
    pub fn lists(&mut self, path: &Path) -> bool {
        self.walks(path, false)
    }

    /// Whether the walk enters folder `dir` (absolute): the root, or a folder under it listed
    /// by the rules of [`Listed::lists`]. A `.gitignore` there changes what the walk lists.
    pub fn enters(&mut self, dir: &Path) -> bool {
        dir == self.root || self.walks(dir, true)
    }

    fn walks(&mut self, path: &Path, is_dir: bool) -> bool {
        let Ok(rel) = path.strip_prefix(&self.root) else { return false };
        let names = rel.components().collect::<Vec<_>>();
        let mut parent = self.root.clone();
        for (i, c) in names.iter().enumerate() {
            let std::path::Component::Normal(name) = c else { return false };
            if *name == ".git" {
                return false;
            }
            let entry = parent.join(name);
            let matched = self.overrides.as_ref().map(|o| o.matched(&entry, is_dir || i + 1 < names.len()));
            if matched.as_ref().is_some_and(|m| m.is_ignore()) {
                return false;
            }
            if !matched.is_some_and(|m| m.is_whitelist())
                && !self.children.entry(parent.clone()).or_insert_with(|| walked_children(&parent)).contains(&entry)
            {
                return false;
            }
            parent = entry;
        }
        // An include glob takes a path in without its folder's listing: it must still be there.
        !names.is_empty() && std::fs::symlink_metadata(path).is_ok()
    }
}

/// Walks `root` and returns the workspace-relative path and absolute path of each file to index.
/// Unreadable folders are skipped; the errors met are returned beside the list.
pub fn walk(root: &Path, filter: &Filter) -> (Vec<(String, PathBuf)>, Vec<String>) {
    let (found, errors) = walk_with(root, filter, |_, _| ());
    (found.into_iter().map(|(rel, abs, ())| (rel, abs)).collect(), errors)
}

/// [`walk`], applying `each` to every file listed (its workspace-relative and absolute path) on
/// the walk's threads as the walk finds it, so work on the files (reading them, analysing them)
/// overlaps the listing of folders. Returns each file's paths with `each`'s result, sorted by
/// path, and the errors met.
pub fn walk_with<T: Send>(
    root: &Path,
    filter: &Filter,
    each: impl Fn(&str, &Path) -> T + Sync,
) -> (Vec<(String, PathBuf, T)>, Vec<String>) {
    let mut errors = Vec::new();
    let mut builder = walk_builder(root);
    if let Some(o) = overrides(root, filter, &mut errors) {
        builder.overrides(o);
    }
    // Symlinked files are followed only when they resolve inside the root.
    let root_real = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let root_real = &root_real;
    let root_str = root.to_str();
    // The parallel walker: folders are listed on all cores.
    let found = std::sync::Mutex::new((Vec::new(), Vec::new()));
    let each = &each;
    builder.threads(std::thread::available_parallelism().map_or(1, |n| n.get()).min(8)).build_parallel().run(|| {
        let found = &found;
        Box::new(move |entry| {
            match entry {
                Ok(e) => {
                    // A symlink counts when it leads to a file inside the root; symlinked folders
                    // are not followed, and a dangling symlink leads to no file.
                    let is_symlink = e.file_type().is_some_and(|t| t.is_symlink());
                    let is_file = e.file_type().is_some_and(|t| t.is_file() || (is_symlink && e.path().is_file()));
                    if is_file && e.path().to_str().is_none() {
                        // No workspace-relative path can name it (paths are UTF-8 strings).
                        let message = format!("{}: the file name is not valid UTF-8; skipped", e.path().display());
                        found.lock().unwrap_or_else(|p| p.into_inner()).1.push(message);
                    } else if is_file && let Some(rel) = relative_fast(root_str, e.path()).or_else(|| relative(root, e.path())) {
                        if is_symlink && !resolves_inside(root_real, e.path()) {
                            let message = format!("{}: a symlink to a file outside the workspace root; not read", e.path().display());
                            found.lock().unwrap_or_else(|p| p.into_inner()).1.push(message);
                        } else {
                            let done = each(&rel, e.path());
                            found.lock().unwrap_or_else(|p| p.into_inner()).0.push((rel, e.path().to_path_buf(), done));
                        }
                    }
                }
                Err(e) => found.lock().unwrap_or_else(|p| p.into_inner()).1.push(e.to_string()),
            }
            ignore::WalkState::Continue
        })
    });
    let (mut out, walk_errors) = found.into_inner().unwrap_or_else(|p| p.into_inner());
    errors.extend(walk_errors);
    out.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    errors.sort();
    (out, errors)
}

/// Loads every file under `root` into a new [`Workspace`], as one project (the project rule of
/// [`crate::project`] is not applied: nested projects are included). Files that cannot be read (a
/// broken symlink, a permission error) are left out and their errors returned.
pub fn load(root: &Path, filter: &Filter) -> (Workspace, Vec<String>) {
    let (files, mut errors) = walk(root, filter);
    let absolute: std::collections::HashMap<String, PathBuf> = files.into_iter().collect();
    let mut paths: Vec<String> = absolute.keys().cloned().collect();
    paths.sort();
    let (ws, read_errors) = load_paths(paths, |rel| absolute.get(rel).cloned());
    errors.extend(read_errors);
    (ws, errors)
}

/// Reads the files at workspace-relative `paths` (each found on disk by `absolute`) into a new
/// [`Workspace`], reading and analysing on all cores. Unreadable files are left out and their
/// errors returned, sorted.
pub fn load_paths(paths: Vec<String>, absolute: impl Fn(&str) -> Option<PathBuf> + Sync) -> (Workspace, Vec<String>) {
    let read_errors = std::sync::Mutex::new(Vec::new());
    let mut ws = Workspace::new();
    // Files are read in the engine's worker threads, overlapping IO with analysis.
    ws.set_files_with(paths, |rel| {
        let abs = absolute(rel)?;
        match read_listed(&abs, rel) {
            Ok(input) => Some(input),
            Err(e) => {
                let e = if abs.is_symlink() { format!("{e} (symlink skipped)") } else { e };
                read_errors.lock().unwrap_or_else(|p| p.into_inner()).push(e);
                None
            }
        }
    });
    let mut read_errors = read_errors.into_inner().unwrap_or_else(|p| p.into_inner());
    read_errors.sort();
    (ws, read_errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`Listed`] says of every file on disk what [`walk`] says: listed or not, for `.gitignore`
    /// by folder and by file pattern (at the root and nested), `.git/info/exclude`, `.git/`,
    /// include and exclude globs (an include taking in a `.gitignore`d file), and non-ASCII names.
    #[test]
    fn listed_agrees_with_the_walk_on_every_file() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = std::fs::canonicalize(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let files = [
            ".gitignore",
            ".git/info/exclude",
            ".git/HEAD",
            "README.md",
            "notes.generated.md",
            "out/report.md",
            "out/deep/x.md",
            "specs/001-café/spec.md",
            "specs/001-café/.gitignore",
            "specs/001-café/draft/spec.md",
            "specs/001-café/tmp.md",
            "specs/002/plan.md",
            "vendor/lib/README.md",
            "local/mine.md",
            ".ops/build/phase-1.md",
            "keep/out.generated.md",
        ];
        for rel in files {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap_or(&root)).unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(&p, "x\n").unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(root.join(".gitignore"), "out/\n*.generated.md\n").unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(root.join("specs/001-café/.gitignore"), "draft/\ntmp.md\n").unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(root.join(".git/info/exclude"), "local/\n").unwrap_or_else(|e| panic!("{e}"));
        let filters = [
            Filter::default(),
            Filter { include: vec![], exclude: vec!["vendor/**".into(), "specs/002".into()] },
            Filter { include: vec!["specs/**".into(), "keep/*.md".into()], exclude: vec![] },
            Filter { include: vec!["**/*.md".into()], exclude: vec!["**/plan.md".into()] },
        ];
        let mut checked = 0;
        for filter in &filters {
            let (walked, _) = walk(&root, filter);
            let walked: std::collections::HashSet<PathBuf> = walked.into_iter().map(|(_, abs)| abs).collect();
            assert!(!walked.is_empty() && walked.len() < files.len(), "{filter:?}: {walked:?}");
            let mut listed = Listed::new(&root, filter);
            for rel in files {
                let path = root.join(rel);
                assert_eq!(listed.lists(&path), walked.contains(&path), "{rel} with {filter:?}");
                checked += 1;
            }
            for not in [root.clone(), root.join("specs/../README.md"), root.join("gone.md")] {
                assert!(!listed.lists(&not), "{not:?} with {filter:?}");
            }
            assert!(!listed.lists(root.parent().unwrap_or(&root)));
        }
        assert_eq!(checked, files.len() * filters.len());
        // What the walk leaves out with no filter, so the comparison above covers each rule.
        let (walked, _) = walk(&root, &Filter::default());
        let walked: Vec<String> = walked.into_iter().map(|(rel, _)| rel).collect();
        for out in
            ["out/report.md", "notes.generated.md", "specs/001-café/draft/spec.md", "specs/001-café/tmp.md", "local/mine.md", ".git/HEAD"]
        {
            assert!(!walked.iter().any(|w| w == out), "{out} walked: {walked:?}");
        }
    }
}
