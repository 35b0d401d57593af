//! Creating new files for a client that cannot apply a file creation itself (no `create` resource
//! operation in `workspace.workspaceEdit`, e.g. Emacs 28's eglot 1.9): the `phasegate.create`
//! command the server offers instead of such an edit. Every path passes `host::safety` (a plain
//! relative path, nothing existing at it, no folder on the way leading out of the root), and the
//! file is opened with `create_new`, so an existing file is never touched even if one appeared
//! after the check.

use std::io::Write;
use std::path::{Path, PathBuf};

use phasegate_host::safety::{Access, check};

/// Creates `rel` under `root` with `content`, creating missing folders. Refuses (with a message
/// naming the path) what `host::safety` refuses for a creation, and a file that exists by the
/// time it is opened. Returns the absolute path written.
pub(crate) fn create_new(root: &Path, rel: &str, content: &str) -> Result<PathBuf, String> {
    let target = check(root, rel, Access::Create).map_err(|e| format!("refused: {e}"))?;
    let parent = target.parent().ok_or_else(|| format!("`{rel}` has no folder"))?;
    std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    // The folders just made are checked again: nothing may have put a symlink on the way.
    let target = check(root, rel, Access::Create).map_err(|e| format!("refused: {e}"))?;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&target).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            format!("`{rel}` exists; phasegate never overwrites a file")
        } else {
            format!("{}: {e}", target.display())
        }
    })?;
    file.write_all(content.as_bytes()).map_err(|e| format!("{}: {e}", target.display()))?;
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::create_new;

    #[test]
    fn creates_new_files_only_inside_the_root() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = dir.path().join("project");
        std::fs::create_dir_all(&root).unwrap_or_else(|e| panic!("{e}"));
        let made = create_new(&root, "docs/new/é.md", "# É\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(std::fs::read_to_string(&made).unwrap_or_default(), "# É\n");
        // Never overwrites.
        let again = create_new(&root, "docs/new/é.md", "other");
        assert!(again.as_ref().is_err_and(|e| e.contains("exists")), "{again:?}");
        assert_eq!(std::fs::read_to_string(&made).unwrap_or_default(), "# É\n");
        // Never leaves the root.
        for bad in ["../escape.md", "/etc/escape.md", "docs/../../escape.md", "./x.md", ""] {
            assert!(create_new(&root, bad, "x").is_err(), "{bad} was accepted");
        }
        assert!(!dir.path().join("escape.md").exists());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path(), root.join("out")).unwrap_or_else(|e| panic!("{e}"));
            let through = create_new(&root, "out/escape.md", "x");
            assert!(through.as_ref().is_err_and(|e| e.starts_with("refused:")), "{through:?}");
            assert!(!dir.path().join("escape.md").exists());
        }
    }
}
