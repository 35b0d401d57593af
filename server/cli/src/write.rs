//! Applying a [`WorkspaceChange`] to disk: atomic replacement of edited files, creation that
//! never overwrites, nothing outside the workspace root; and the `--dry-run` diff.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use phasegate_engine::{FileChange, TextEdit, Workspace, WorkspaceChange};

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

/// A unified diff of the change, for `--dry-run`.
pub(crate) fn diff(ws: &Workspace, change: &WorkspaceChange) -> String {
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

/// The absolute path of workspace-relative `rel` under `root`, refusing `..`, absolute paths and
/// folders that lead outside the root through symlinks.
fn inside(root: &Path, rel: &str) -> Result<PathBuf, String> {
    let rel_path = Path::new(rel);
    if rel_path.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(format!("`{rel}` is not a plain workspace-relative path; refusing to write it"));
    }
    let root = std::fs::canonicalize(root).map_err(|e| format!("{}: {e}", root.display()))?;
    let target = root.join(rel_path);
    // The deepest existing ancestor must resolve inside the root.
    let mut probe = target.parent().map(Path::to_path_buf);
    while let Some(p) = probe {
        if p.exists() {
            let real = std::fs::canonicalize(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            if !real.starts_with(&root) {
                return Err(format!("`{rel}` leads outside the workspace root through `{}`; refusing to write it", p.display()));
            }
            break;
        }
        probe = p.parent().map(Path::to_path_buf);
    }
    Ok(target)
}

fn write_atomically(target: &Path, content: &str, overwrite: bool) -> Result<(), String> {
    let dir = target.parent().ok_or("no parent folder")?;
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    tmp.write_all(content.as_bytes()).map_err(|e| e.to_string())?;
    tmp.as_file().sync_all().map_err(|e| e.to_string())?;
    if overwrite {
        tmp.persist(target).map_err(|e| format!("{}: {}", target.display(), e.error))?;
    } else {
        tmp.persist_noclobber(target).map_err(|e| format!("{}: {} (phasegate never overwrites a file)", target.display(), e.error))?;
    }
    Ok(())
}

/// Applies `change` under `root`; returns the workspace-relative paths written. An edited file
/// must still hold the text the change was computed from.
pub(crate) fn apply(root: &Path, ws: &Workspace, change: &WorkspaceChange) -> Result<Vec<String>, String> {
    // Check every target first, so a refused path writes nothing.
    let mut plan = Vec::new();
    for c in &change.changes {
        let target = inside(root, c.path())?;
        match c {
            FileChange::Edit { path, edits } => {
                let on_disk = std::fs::read_to_string(&target).map_err(|e| format!("{}: {e}", target.display()))?;
                let seen = ws.text(path).unwrap_or("");
                if on_disk != seen {
                    return Err(format!("`{path}` changed while phasegate ran; run it again"));
                }
                plan.push((target, edited(seen, edits)?, true, path.clone()));
            }
            FileChange::Create { path, content } => {
                if target.exists() {
                    return Err(format!("`{path}` already exists; phasegate never overwrites a file"));
                }
                plan.push((target, content.clone(), false, path.clone()));
            }
        }
    }
    let mut written = Vec::new();
    for (target, content, overwrite, path) in plan {
        write_atomically(&target, &content, overwrite)?;
        written.push(path);
    }
    Ok(written)
}
