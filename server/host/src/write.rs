//! Applying a [`WorkspaceChange`] to disk, for every front end that writes (the CLI's `advance`,
//! `scaffold` and `start`, the MCP server's `advance` and `scaffold` with `apply`): every target
//! passes the shared safety check ([`crate::safety`]) before anything is written and again just
//! before its own write; edited files are replaced atomically and keep their mode; new files never
//! replace anything and get the mode the umask gives; and the unified diff a dry run shows.
//!
//! What remains of the window for a concurrent writer: an edited file is compared with the text
//! the change was computed from as the very last step before `rename(2)`, after the new content is
//! written and synced; a change made by another program between that comparison and the rename
//! (a few microseconds, one system call) is lost, as is a write into the old file by a program
//! that still holds it open. POSIX has no compare-and-rename, so this is as small as the platform
//! allows.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::safety::{self, Access};
use phasegate_engine::{FileChange, TextEdit, Workspace, WorkspaceChange};

/// Why a change was not (fully) written.
#[derive(Debug)]
pub enum Failure {
    /// A safety rule refused it (exit 1): a target outside the root, an existing file, a file
    /// changed since it was read. Nothing of the refused step was written.
    Refused(String),
    /// An IO failure (exit 2).
    Io(String),
}

/// The new text of `old` after `edits` (non-overlapping byte ranges).
fn edited(old: &str, edits: &[TextEdit]) -> Result<String, String> {
    let mut text = old.to_string();
    let mut sorted: Vec<&TextEdit> = edits.iter().collect();
    sorted.sort_by_key(|e| e.range);
    for e in sorted.iter().rev() {
        if e.range.end > text.len() || !text.is_char_boundary(e.range.start) || !text.is_char_boundary(e.range.end) {
            return Err(format!("edit {} does not fit the file", e.range));
        }
        text.replace_range(e.range.start..e.range.end, &e.new_text);
    }
    Ok(text)
}

/// A unified diff of the change (`a/PATH` → `b/PATH`, `/dev/null` for a new file; three lines of
/// context), for a dry run.
pub fn diff(ws: &Workspace, change: &WorkspaceChange) -> String {
    let mut out = String::new();
    for c in &change.changes {
        let (old, new, old_name) = match c {
            FileChange::Edit { path, edits } => {
                let old = ws.text(path).unwrap_or("").to_string();
                let new = edited(&old, edits).unwrap_or_else(|e| format!("<{e}>"));
                (old, new, format!("a/{path}"))
            }
            FileChange::Create { content, .. } => (String::new(), content.clone(), "/dev/null".to_string()),
        };
        let d = similar::TextDiff::from_lines(&old, &new);
        out.push_str(&d.unified_diff().context_radius(3).header(&old_name, &format!("b/{}", c.path())).to_string());
    }
    out
}

/// One file to write.
struct Step {
    /// Workspace-relative path, as the change names it.
    rel: String,
    /// The new content.
    content: String,
    /// For an edit, the text the change was computed from (the file must still hold it).
    expected: Option<String>,
    /// The file starts with a UTF-8 byte-order mark, which the engine's text leaves out: it is
    /// written back.
    bom: bool,
}

/// A change whose every target passed the safety check, ready to be written.
pub struct Plan {
    steps: Vec<Step>,
}

/// The content of the regular file at `path`, read through one open file (a FIFO or device
/// swapped in since the check is not read), without its UTF-8 byte-order mark (as the engine
/// sees it), and whether it had one.
fn read_regular(path: &Path) -> Result<(String, bool), Failure> {
    let io = |e: std::io::Error| Failure::Io(format!("{}: {e}", path.display()));
    let mut file = std::fs::File::open(path).map_err(io)?;
    if !file.metadata().map_err(io)?.is_file() {
        return Err(Failure::Refused(format!("`{}` is not a regular file", path.display())));
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(io)?;
    let text = String::from_utf8(bytes).map_err(|_| Failure::Refused(format!("`{}` is not UTF-8 text", path.display())))?;
    Ok(match text.strip_prefix(phasegate_engine::BOM) {
        Some(rest) => (rest.to_string(), true),
        None => (text, false),
    })
}

fn vet(root: &Path, rel: &str, access: Access) -> Result<PathBuf, Failure> {
    safety::check(root, rel, access).map_err(|e| Failure::Refused(e.to_string()))
}

/// Checks every target of `change` under `root` (nothing is written): each path passes the safety
/// check, and each edited file still holds the text the change was computed from. `--dry-run`
/// stops here, so it refuses exactly what the real run would.
pub fn plan(root: &Path, ws: &Workspace, change: &WorkspaceChange) -> Result<Plan, Failure> {
    let mut steps = Vec::new();
    for c in &change.changes {
        match c {
            FileChange::Edit { path, edits } => {
                let target = vet(root, path, Access::Edit)?;
                let seen = ws.text(path).unwrap_or("");
                let (on_disk, bom) = read_regular(&target)?;
                if on_disk != seen {
                    return Err(Failure::Refused(format!("`{path}` changed while phasegate ran; run it again")));
                }
                let content = edited(seen, edits).map_err(Failure::Io)?;
                steps.push(Step { rel: path.clone(), content, expected: Some(seen.to_string()), bom });
            }
            FileChange::Create { path, content } => {
                vet(root, path, Access::Create)?;
                if steps.iter().any(|s| s.rel == *path) {
                    return Err(Failure::Refused(format!("`{path}` is created twice by one change")));
                }
                steps.push(Step { rel: path.clone(), content: content.clone(), expected: None, bom: false });
            }
        }
    }
    Ok(Plan { steps })
}

/// Syncs the folder holding a renamed or created file, so the new name survives a crash.
fn sync_folder(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Replaces the file at `target` (an existing regular file, resolved) with `content`, keeping
/// its permissions, if it still holds `expected`.
fn replace(root: &Path, rel: &str, target: &Path, step: &Step, expected: &str) -> Result<(), Failure> {
    let io = |e: std::io::Error| Failure::Io(format!("{}: {e}", target.display()));
    let dir = target.parent().ok_or_else(|| Failure::Io(format!("{}: no parent folder", target.display())))?;
    let mut tmp = tempfile::Builder::new().prefix(".phasegate-").suffix(".tmp").tempfile_in(dir).map_err(io)?;
    if step.bom {
        tmp.write_all(phasegate_engine::BOM.to_string().as_bytes()).map_err(io)?;
    }
    tmp.write_all(step.content.as_bytes()).map_err(io)?;
    let permissions = std::fs::metadata(target).map_err(io)?.permissions();
    tmp.as_file().set_permissions(permissions).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    // The last checks, as close to the rename as possible: same path, same text.
    if vet(root, rel, Access::Edit)? != target {
        return Err(Failure::Refused(format!("`{rel}` changed while phasegate ran; run it again")));
    }
    if read_regular(target)? != (expected.to_string(), step.bom) {
        return Err(Failure::Refused(format!("`{rel}` changed while phasegate ran; run it again")));
    }
    tmp.persist(target).map_err(|e| io(e.error))?;
    sync_folder(dir);
    Ok(())
}

/// Creates `rel` with `content`: missing folders first (each checked), then the file, written to
/// a temporary file created with mode 0666 less the umask and linked into place only if nothing
/// exists there by then.
fn create(root: &Path, rel: &str, content: &str) -> Result<(), Failure> {
    let target = vet(root, rel, Access::Create)?;
    let io = |e: std::io::Error| Failure::Io(format!("{}: {e}", target.display()));
    let dir = target.parent().ok_or_else(|| Failure::Io(format!("{}: no parent folder", target.display())))?;
    std::fs::create_dir_all(dir).map_err(io)?;
    // The folders just made (or found) must still resolve inside the root.
    if vet(root, rel, Access::Create)? != target {
        return Err(Failure::Refused(format!("`{rel}` changed while phasegate ran; run it again")));
    }
    let mut builder = tempfile::Builder::new();
    builder.prefix(".phasegate-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // open(2) applies the umask to this mode, as for any new file.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(io)?;
    tmp.write_all(content.as_bytes()).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist_noclobber(&target).map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            Failure::Refused(format!("`{rel}` appeared while phasegate ran; phasegate never overwrites a file"))
        } else {
            io(e.error)
        }
    })?;
    sync_folder(dir);
    Ok(())
}

/// Writes a checked plan under `root`. Each step is checked again just before its write; the
/// first failure stops the rest. Returns the workspace-relative paths written, and the failure if
/// one stopped it.
pub fn commit(root: &Path, plan: Plan) -> (Vec<String>, Result<(), Failure>) {
    let mut written = Vec::new();
    for step in plan.steps {
        let result = match &step.expected {
            Some(expected) => vet(root, &step.rel, Access::Edit).and_then(|target| replace(root, &step.rel, &target, &step, expected)),
            None => create(root, &step.rel, &step.content),
        };
        if let Err(e) = result {
            return (written, Err(e));
        }
        written.push(step.rel);
    }
    (written, Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use phasegate_engine::{FileInput, TextRange};

    fn setup(text: &str) -> (tempfile::TempDir, Workspace, WorkspaceChange) {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(tmp.path().join("run.state.yaml"), text).unwrap_or_else(|e| panic!("{e}"));
        let mut ws = Workspace::new();
        ws.set_file("run.state.yaml", FileInput::Text(text.to_string()));
        let edit = TextEdit { range: TextRange::new(0, 1), new_text: "b".to_string() };
        let change = WorkspaceChange {
            changes: vec![FileChange::Edit { path: "run.state.yaml".to_string(), edits: vec![edit] }],
            summary: String::new(),
        };
        (tmp, ws, change)
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            std::fs::read_dir(dir).into_iter().flatten().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn a_change_made_after_the_plan_is_kept_and_the_write_refused() {
        let (tmp, ws, change) = setup("a\n");
        let plan = plan(tmp.path(), &ws, &change).unwrap_or_else(|_| panic!("planned"));
        // Another program writes the file between the plan and the write.
        std::fs::write(tmp.path().join("run.state.yaml"), "theirs\n").unwrap_or_else(|e| panic!("{e}"));
        let (written, result) = commit(tmp.path(), plan);
        assert!(written.is_empty());
        assert!(matches!(result, Err(Failure::Refused(m)) if m.contains("changed while phasegate ran")));
        assert_eq!(std::fs::read_to_string(tmp.path().join("run.state.yaml")).unwrap_or_default(), "theirs\n");
        assert_eq!(names(tmp.path()), vec!["run.state.yaml"], "no temporary file left behind");
    }

    #[test]
    fn an_unchanged_file_is_replaced() {
        let (tmp, ws, change) = setup("a\n");
        let plan = plan(tmp.path(), &ws, &change).unwrap_or_else(|_| panic!("planned"));
        let (written, result) = commit(tmp.path(), plan);
        assert!(result.is_ok());
        assert_eq!(written, vec!["run.state.yaml"]);
        assert_eq!(std::fs::read_to_string(tmp.path().join("run.state.yaml")).unwrap_or_default(), "b\n");
        assert_eq!(names(tmp.path()), vec!["run.state.yaml"]);
    }

    #[test]
    fn a_file_created_after_the_plan_is_never_replaced() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let ws = Workspace::new();
        let change = WorkspaceChange {
            changes: vec![FileChange::Create { path: "docs/new.md".to_string(), content: "# New\n".to_string() }],
            summary: String::new(),
        };
        let plan = plan(tmp.path(), &ws, &change).unwrap_or_else(|_| panic!("planned"));
        std::fs::create_dir_all(tmp.path().join("docs")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(tmp.path().join("docs/new.md"), "mine\n").unwrap_or_else(|e| panic!("{e}"));
        let (written, result) = commit(tmp.path(), plan);
        assert!(written.is_empty());
        assert!(matches!(result, Err(Failure::Refused(m)) if m.contains("already exists")));
        assert_eq!(std::fs::read_to_string(tmp.path().join("docs/new.md")).unwrap_or_default(), "mine\n");
        assert_eq!(names(&tmp.path().join("docs")), vec!["new.md"]);
    }
}
