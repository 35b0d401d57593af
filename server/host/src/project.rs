//! Which folder is a project (docs/projects.md). One rule, shared by the CLI and the language
//! server: a file or folder belongs to the nearest folder at or above it that holds a project
//! marker (`phasegate.toml`, or a framework's marker such as `.specify/`, `.kiro/`,
//! `openspec/specs/`, `.ops/build/`); else, for a file, to its version-control root; else to the
//! folder given (a folder argument, an editor's workspace folder, or a file's own folder).
//!
//! A folder may hold several projects (a monorepo, a demo inside a repository): each is analysed
//! as its own engine [`Workspace`], and its paths resolve against its own root.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use phasegate_engine::{CONFIG_FILE, FileInput, LoadedFile, Workspace, frameworks};

use crate::disk::{self, Filter};

/// Folders that mark a version-control root.
const VCS_MARKERS: [&str; 4] = [".git", ".hg", ".jj", ".svn"];

/// One project: its root folder and the engine's workspace of its files (paths relative to the
/// root, without the files of projects nested in it).
#[derive(Debug)]
pub struct Project {
    /// Absolute path of the project's root folder.
    pub root: PathBuf,
    /// Its files and what the engine knows of them.
    pub ws: Workspace,
}

/// Whether `dir` holds a project marker (checked on disk).
pub fn has_marker(dir: &Path) -> bool {
    frameworks::project_markers().any(|m| dir.join(m).exists())
}

fn is_vcs_root(dir: &Path) -> bool {
    VCS_MARKERS.iter().any(|m| dir.join(m).exists())
}

/// The root of the project `path` (a file or folder, relative or absolute) belongs to, as an
/// absolute path: the nearest folder at or above it holding a project marker, looking no higher
/// than its version-control root; else, for a file, that version-control root; else the folder
/// itself (for a file: its folder).
pub fn root_for(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let is_dir = abs.is_dir();
    let start = if is_dir { abs.clone() } else { abs.parent().map(Path::to_path_buf).unwrap_or_default() };
    let mut vcs = None;
    for dir in start.ancestors() {
        if has_marker(dir) {
            return dir.to_path_buf();
        }
        if is_vcs_root(dir) {
            vcs = Some(dir.to_path_buf());
            break;
        }
    }
    if is_dir { start } else { vcs.unwrap_or(start) }
}

/// The project roots among the walked files' folders: `""` (the walked root itself) and every
/// folder holding a marker, relative to the walked root.
fn nested_roots<'a>(files: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut roots: Vec<String> = vec![String::new()];
    for rel in files {
        if let Some(r) = frameworks::project_root_of_marker_path(rel)
            && !r.is_empty()
            && roots.last().is_none_or(|last| last != r)
        {
            roots.push(r.to_string());
        }
    }
    roots.sort();
    roots.dedup();
    roots
}

/// A walked file: read and analysed as the walk found it, under its path relative to the walked
/// root, or why it could not be read.
type Found = Result<LoadedFile, String>;

/// A file the walk listed: its path relative to the walked root, its absolute path, and the file
/// as the walk loaded it (`None`: not read during the walk).
type Walked = (String, PathBuf, Option<Found>);

/// Walks `root` and reads and analyses each file on the walk's threads as it is found (under its
/// path relative to `root`, which is its project path when it belongs to the project `root`).
/// Files that the root's own `phasegate.toml` leaves out are listed but not read (`None`): a
/// project excluding a large folder does not pay for reading it.
fn walk_and_load(root: &Path, filter: &Filter) -> (Vec<Walked>, Vec<String>) {
    // Bad globs are reported once, when the project's files are selected.
    let selection = Selection::read(root, &root.join(CONFIG_FILE), &mut Vec::new());
    disk::walk_with(root, filter, |rel, abs| {
        selection.as_ref().is_none_or(|s| s.keeps(rel)).then(|| read(abs, rel).map(|input| LoadedFile::new(rel, input)))
    })
}

/// [`disk::read_listed`], a symlink's error saying it was skipped.
fn read(abs: &Path, rel: &str) -> Result<FileInput, String> {
    disk::read_listed(abs, rel).map_err(|e| if abs.is_symlink() { format!("{e} (symlink skipped)") } else { e })
}

/// The deepest of `roots` (a set of folder paths relative to the walked root, `""` included)
/// holding `rel`.
fn owner<'a>(roots: &'a std::collections::HashSet<String>, rel: &str) -> &'a str {
    let mut dir = rel;
    // Most walks find one project: nothing to look up then.
    while roots.len() > 1
        && let Some(i) = dir.rfind('/')
    {
        dir = &dir[..i];
        if let Some(r) = roots.get(dir) {
            return r;
        }
    }
    roots.get("").map_or("", String::as_str)
}

/// `rel` (relative to the walked root) made relative to project root `project` (also relative to
/// the walked root).
fn within<'a>(project: &str, rel: &'a str) -> &'a str {
    if project.is_empty() { rel } else { &rel[project.len() + 1..] }
}

/// Compiles `phasegate.toml` include/exclude globs; bad globs are reported in `errors`.
fn globs(project_root: &Path, list: &[String], errors: &mut Vec<String>) -> Option<globset::GlobSet> {
    if list.is_empty() {
        return None;
    }
    let mut b = globset::GlobSetBuilder::new();
    for g in list {
        match globset::GlobBuilder::new(g).literal_separator(false).build() {
            Ok(glob) => {
                b.add(glob);
            }
            Err(e) => errors.push(format!("{}: glob `{g}`: {e}", project_root.join(CONFIG_FILE).display())),
        }
    }
    b.build().ok()
}

/// Loads every project under `root` (a folder): the project `root` itself is (its root is `root`,
/// whatever lies above it) and each project nested in it, found by its marker in the walk. `filter`
/// (host settings, globs relative to `root`) applies to the walk; each project's own
/// `phasegate.toml` `include`/`exclude` (relative to that project) then applies to its files.
/// Returns the projects (sorted by root) and the errors met (unreadable files, bad globs).
pub fn load_all(root: &Path, filter: &Filter) -> (Vec<Project>, Vec<String>) {
    let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let (files, mut errors) = walk_and_load(&root, filter);
    let roots = nested_roots(files.iter().map(|(rel, _, _)| rel.as_str()));
    let root_set: std::collections::HashSet<String> = roots.iter().cloned().collect();
    let mut by_project: BTreeMap<&str, Vec<(String, Pending)>> = roots.iter().map(|r| (r.as_str(), Vec::new())).collect();
    for (rel, abs, found) in files {
        let o = owner(&root_set, &rel);
        if let Some(list) = by_project.get_mut(o) {
            // A nested project's files were analysed under their path from the walked root: they
            // are read again under their project's path.
            list.push((within(o, &rel).to_string(), (abs, if o.is_empty() { found } else { None })));
        }
    }
    let roots: Vec<PathBuf> = by_project.keys().map(|r| if r.is_empty() { root.clone() } else { root.join(r) }).collect();
    let groups: Vec<Vec<(String, Pending)>> =
        by_project.into_values().zip(&roots).map(|(files, project_root)| selected(project_root, files, &mut errors)).collect();
    let (workspaces, errs) = read_all(groups);
    errors.extend(errs);
    (roots.into_iter().zip(workspaces).map(|(root, ws)| Project { root, ws }).collect(), errors)
}

/// Loads the one project whose root is `root` (a folder), leaving out projects nested in it.
pub fn load_one(root: &Path, filter: &Filter) -> (Project, Vec<String>) {
    let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let (files, mut errors) = walk_and_load(&root, filter);
    let roots = nested_roots(files.iter().map(|(rel, _, _)| rel.as_str()));
    let root_set: std::collections::HashSet<String> = roots.iter().cloned().collect();
    let own: Vec<(String, Pending)> =
        files.into_iter().filter(|(rel, _, _)| owner(&root_set, rel).is_empty()).map(|(rel, abs, found)| (rel, (abs, found))).collect();
    let own = selected(&root, own, &mut errors);
    let (mut workspaces, errs) = read_all(vec![own]);
    let ws = workspaces.pop().unwrap_or_default();
    errors.extend(errs);
    (Project { root, ws }, errors)
}

/// A project's file before it joins its workspace: its absolute path, and the file as the walk
/// loaded it (`None`: to be read again, under its project path).
type Pending = (PathBuf, Option<Found>);

/// A project and what to report of it: all of it (`None`), or these project-relative files and
/// folders.
pub type Scoped = (Project, Option<Vec<String>>);

/// Whether project-relative `path` is one a [`Scoped`] project reports: all paths when `only` is
/// `None`, else a path listed or one under a folder listed.
pub fn selects(only: Option<&[String]>, path: &str) -> bool {
    only.is_none_or(|only| only.iter().any(|o| path == o || path.strip_prefix(o.as_str()).is_some_and(|r| r.starts_with('/'))))
}

/// The projects `paths` (files and folders, relative to the current folder or absolute) touch,
/// as `phasegate check` and `status` take them (docs/projects.md): each project loaded once with
/// what to report of it, `None` for all of it, else its project-relative files and folders. A
/// path inside a project selects that part of it; projects nested in a folder path are reported
/// whole; projects no path touches are left out. Sorted by root.
///
/// Returns the projects and the warnings met while reading (unreadable files, bad globs), or an
/// error for a path that does not exist or is neither a regular file nor a folder (a FIFO or a
/// device is never opened: it could block).
pub fn load_scoped(paths: &[PathBuf], filter: &Filter) -> Result<(Vec<Scoped>, Vec<String>), String> {
    let mut out: Vec<Scoped> = Vec::new();
    let mut warnings = Vec::new();
    let mut walked: Vec<PathBuf> = Vec::new();
    for p in paths {
        if !p.exists() {
            return Err(format!("{}: no such file or folder", p.display()));
        }
        if !(p.is_file() || p.is_dir()) {
            return Err(format!("{}: not a regular file or folder; phasegate reads only regular files", p.display()));
        }
        let abs = std::path::absolute(p).map_err(|e| format!("{}: {e}", p.display()))?;
        let root = root_for(&abs);
        if !walked.contains(&root) {
            walked.push(root.clone());
            let (projects, errors) = load_all(&root, filter);
            warnings.extend(errors);
            for project in projects {
                if !out.iter().any(|(q, _)| q.root == project.root) {
                    out.push((project, Some(Vec::new())));
                }
            }
        }
        // The deepest project holding the path reports that part of it; projects inside a
        // folder path are reported whole.
        let holder = out
            .iter()
            .enumerate()
            .filter(|(_, (q, _))| abs.starts_with(&q.root))
            .max_by_key(|(_, (q, _))| q.root.as_os_str().len())
            .map(|(i, _)| i);
        for (i, (project, scope)) in out.iter_mut().enumerate() {
            if Some(i) == holder {
                match disk::relative(&project.root, &abs) {
                    Some(rel) => {
                        if let Some(list) = scope {
                            list.push(rel);
                        }
                    }
                    None => *scope = None,
                }
            } else if project.root.starts_with(&abs) && project.root != abs && abs.is_dir() {
                *scope = None;
            }
        }
    }
    // Projects no path touches (nested beside the paths given) are left out.
    out.retain(|(_, scope)| scope.as_ref().is_none_or(|s| !s.is_empty()));
    out.sort_by(|a, b| a.0.root.cmp(&b.0.root));
    Ok((out, warnings))
}

/// Decides, file by file, whether a file reported changed on disk is one the index holds, by the
/// rules [`load_all`] reads a folder with: the walk's (`.gitignore`, the host's include/exclude
/// globs, relative to the walked folder; [`disk::Listed`]) and then the `phasegate.toml`
/// include/exclude of the file's project. Listings and selections are kept for the life of the
/// value (one batch of changes).
pub struct Admission {
    filter: Filter,
    walked: std::collections::HashMap<PathBuf, disk::Listed>,
    selections: std::collections::HashMap<PathBuf, Option<Selection>>,
}

impl Admission {
    /// With the host's `filter` (its globs relative to each walked folder).
    pub fn new(filter: &Filter) -> Admission {
        Admission { filter: filter.clone(), walked: Default::default(), selections: Default::default() }
    }

    /// Whether the index of the folder `walked` (absolute; the outermost project holding `path`)
    /// holds file `path` (absolute) in the project at `project` (absolute; `walked` or a project
    /// nested in it).
    pub fn admits(&mut self, walked: &Path, project: &Path, path: &Path) -> bool {
        let filter = &self.filter;
        if !self.walked.entry(walked.to_path_buf()).or_insert_with(|| disk::Listed::new(walked, filter)).lists(path) {
            return false;
        }
        let Some(rel) = disk::relative(project, path) else { return false };
        let selection = self
            .selections
            .entry(project.to_path_buf())
            .or_insert_with(|| Selection::read(project, &project.join(CONFIG_FILE), &mut Vec::new()));
        selection.as_ref().is_none_or(|s| s.keeps(&rel))
    }

    /// Whether the walk of the folder `walked` enters folder `dir` (absolute) ([`disk::Listed::enters`]).
    pub fn enters(&mut self, walked: &Path, dir: &Path) -> bool {
        let filter = &self.filter;
        self.walked.entry(walked.to_path_buf()).or_insert_with(|| disk::Listed::new(walked, filter)).enters(dir)
    }
}

/// A project's `phasegate.toml` include/exclude globs, compiled (paths relative to the project).
struct Selection {
    include: Option<globset::GlobSet>,
    exclude: Option<globset::GlobSet>,
}

impl Selection {
    /// The selection of the project at `project_root` from its `phasegate.toml` at `config`;
    /// `None` when that file cannot be read (every file is kept then). Bad globs go to `errors`.
    fn read(project_root: &Path, config: &Path, errors: &mut Vec<String>) -> Option<Selection> {
        let Ok(FileInput::Bytes(bytes)) = disk::read_input(config, CONFIG_FILE) else { return None };
        let text = String::from_utf8(bytes).ok()?;
        let (config, _) = phasegate_engine::config::parse(&text);
        Some(Selection { include: globs(project_root, &config.include, errors), exclude: globs(project_root, &config.exclude, errors) })
    }

    /// Whether project-relative `rel` is one of the project's files (`phasegate.toml` always is).
    fn keeps(&self, rel: &str) -> bool {
        rel == CONFIG_FILE
            || (self.include.as_ref().is_none_or(|g| g.is_match(rel)) && self.exclude.as_ref().is_none_or(|g| !g.is_match(rel)))
    }
}

/// A project's files (paths relative to `project_root`) that its `phasegate.toml`
/// include/exclude keep.
fn selected(project_root: &Path, mut files: Vec<(String, Pending)>, errors: &mut Vec<String>) -> Vec<(String, Pending)> {
    if let Some((_, (abs, _))) = files.iter().find(|(rel, _)| rel == CONFIG_FILE)
        && let Some(selection) = Selection::read(project_root, abs, errors)
    {
        files.retain(|(rel, _)| selection.keeps(rel));
    }
    files
}

/// Puts every project's files into its workspace (one workspace per group), reading on all
/// cores the files the walk did not load under their project path. Unreadable files are left
/// out and their errors returned, sorted.
fn read_all(groups: Vec<Vec<(String, Pending)>>) -> (Vec<Workspace>, Vec<String>) {
    let read_errors = std::sync::Mutex::new(Vec::new());
    let workspaces = Workspace::build_many(groups, |rel, (abs, found): Pending| {
        match found.unwrap_or_else(|| read(&abs, rel).map(|input| LoadedFile::new(rel, input))) {
            Ok(file) => Some(file),
            Err(e) => {
                read_errors.lock().unwrap_or_else(|p| p.into_inner()).push(e);
                None
            }
        }
    });
    let mut errors = read_errors.into_inner().unwrap_or_else(|p| p.into_inner());
    errors.sort();
    (workspaces, errors)
}

#[cfg(test)]
mod tests {
    /// A changed file is admitted as `load_all` reads it: the host's globs relative to the walked
    /// folder, then the `phasegate.toml` of its own (nested) project.
    #[test]
    fn admission_follows_the_walk_and_the_projects_selection() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = std::fs::canonicalize(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        for (rel, text) in [
            ("phasegate.toml", ""),
            ("sub/phasegate.toml", "exclude = [\"drafts/**\"]\n"),
            ("sub/docs/a.md", "a"),
            ("sub/drafts/b.md", "b"),
            ("sub/legacy/c.md", "c"),
            ("drafts/d.md", "d"),
        ] {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap_or(&root)).unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(p, text).unwrap_or_else(|e| panic!("{e}"));
        }
        let (projects, _) = load_all(&root, &Filter { include: vec![], exclude: vec!["sub/legacy/**".into()] });
        let sub = root.join("sub");
        let mut rules = Admission::new(&Filter { include: vec![], exclude: vec!["sub/legacy/**".into()] });
        for (rel, project) in [("sub/docs/a.md", &sub), ("sub/drafts/b.md", &sub), ("sub/legacy/c.md", &sub), ("drafts/d.md", &root)] {
            let held =
                projects.iter().any(|p| p.root == *project && p.ws.contains(&disk::relative(project, &root.join(rel)).unwrap_or_default()));
            assert_eq!(rules.admits(&root, project, &root.join(rel)), held, "{rel}");
        }
        assert!(rules.admits(&root, &sub, &root.join("sub/docs/a.md")) && !rules.admits(&root, &sub, &root.join("sub/drafts/b.md")));
    }

    use super::*;

    fn tree(files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        for f in files {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap_or(dir.path())).unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(&p, "# x\n").unwrap_or_else(|e| panic!("{e}"));
        }
        dir
    }

    #[test]
    fn nearest_marker_then_vcs_root_then_the_folder() {
        let d = tree(&[".git/HEAD", "a/phasegate.toml", "a/docs/wf.md", "b/docs/wf.md", "c/.specify/memory/c.md", "c/x/y.md"]);
        let r = d.path();
        assert_eq!(root_for(&r.join("a/docs/wf.md")), r.join("a"));
        assert_eq!(root_for(&r.join("a/docs")), r.join("a"));
        assert_eq!(root_for(&r.join("c/x/y.md")), r.join("c"));
        // No marker: a file belongs to its repository, a folder is its own project.
        assert_eq!(root_for(&r.join("b/docs/wf.md")), r.to_path_buf());
        assert_eq!(root_for(&r.join("b/docs")), r.join("b/docs"));
        // Without version control, a file's folder.
        let d2 = tree(&["n/wf.md"]);
        assert_eq!(root_for(&d2.path().join("n/wf.md")), d2.path().join("n"));
    }

    #[test]
    fn nested_projects_are_analysed_on_their_own() {
        let d =
            tree(&["docs/wf.md", "demo/phasegate.toml", "demo/docs/wf.md", "demo/sub/.kiro/specs/a/requirements.md", "x/.specifyx/y.md"]);
        let (projects, errors) = load_all(d.path(), &Filter::default());
        assert!(errors.is_empty(), "{errors:?}");
        let listing: Vec<(String, Vec<&str>)> = projects
            .iter()
            .map(|p| {
                let rel = p.root.strip_prefix(d.path()).map(|r| r.to_string_lossy().into_owned()).unwrap_or_default();
                (rel, p.ws.paths().collect())
            })
            .collect();
        assert_eq!(
            listing,
            vec![
                (String::new(), vec!["docs/wf.md", "x/.specifyx/y.md"]),
                ("demo".into(), vec!["docs/wf.md", "phasegate.toml"]),
                ("demo/sub".into(), vec![".kiro/specs/a/requirements.md"]),
            ]
        );
        let (one, _) = load_one(&d.path().join("demo"), &Filter::default());
        assert_eq!(one.ws.paths().collect::<Vec<_>>(), vec!["docs/wf.md", "phasegate.toml"]);
    }

    #[test]
    fn phasegate_toml_include_and_exclude() {
        let d = tree(&["docs/wf.md", "vendor/v.md", "notes/n.md"]);
        std::fs::write(d.path().join("phasegate.toml"), "include = [\"docs/**\", \"vendor/**\"]\nexclude = [\"vendor/**\"]\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let (p, _) = load_one(d.path(), &Filter::default());
        assert_eq!(p.ws.paths().collect::<Vec<_>>(), vec!["docs/wf.md", "phasegate.toml"]);
    }
}
