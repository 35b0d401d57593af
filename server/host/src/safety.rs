//! The one safety check for every path a change touches, shared by the CLI (before it writes a
//! file) and the language server (before it proposes a `CreateFile` or an edit in a
//! WorkspaceEdit): a created path must not exist in any form, an edited path must be an existing
//! regular file, and both must stay inside the workspace root once every symlink is resolved.
//!
//! The engine already refuses paths that climb out of the root by their text (`../../x.md`);
//! this check asks the disk, which the engine cannot: files the walk left out (`.gitignore`d,
//! excluded, unreadable) still exist, and symlinks (to folders or files, dangling or not) can
//! lead anywhere.

use std::fmt;
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

/// What a change does to a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Creates a new file: nothing may exist at the path (file, folder, symlink, dangling symlink,
    /// ignored or not), and every existing folder on the way must resolve inside the root.
    Create,
    /// Replaces the content of an existing file: the path must resolve, through any symlinks, to
    /// a regular file inside the root.
    Edit,
}

/// Why a path was refused: a refusal (the change is not made), not an IO failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsafe {
    /// The workspace-relative path as the change names it.
    pub path: String,
    /// What is wrong, as the end of a sentence starting with the path.
    pub reason: String,
}

impl fmt::Display for Unsafe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` {}", self.path, self.reason)
    }
}

impl std::error::Error for Unsafe {}

/// Decides whether a change may `access` the workspace-relative path `rel` (`/`-separated) under
/// `root`. Returns the absolute path to write: for [`Access::Create`] the path under the resolved
/// root; for [`Access::Edit`] the resolved file itself (so an edit through a symlink inside the
/// root replaces the file it points at, not the link).
///
/// Refused ([`Unsafe`]) when `rel` is not a plain relative path (`..`, `.`, absolute, empty);
/// when a folder on the way is a symlink that is dangling or resolves outside the root, or is
/// not a folder; for `Create`, when anything exists at the path (a file, a folder, a symlink,
/// even a dangling one: `lstat`, not `stat`); for `Edit`, when the path does not exist, or
/// resolves outside the root or to something other than a regular file (a folder, a FIFO, a
/// device). IO errors met on the way (permission denied) are refusals too: nothing is proposed
/// or written that was not proven safe.
///
/// This is a check at one moment: the CLI runs it again just before each write, and the server's
/// creations carry `ignoreIfExists: false` so a client fails instead of editing a file that
/// appeared meanwhile.
pub fn check(root: &Path, rel: &str, access: Access) -> Result<PathBuf, Unsafe> {
    let refuse = |reason: String| Unsafe { path: rel.to_string(), reason };
    let rel_path = Path::new(rel);
    if rel.is_empty() || rel_path.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(refuse("is not a plain workspace-relative path".to_string()));
    }
    let root_real = std::fs::canonicalize(root).map_err(|e| refuse(format!("cannot be checked: the root {}: {e}", root.display())))?;
    let components: Vec<_> = rel_path.components().collect();
    let mut current = root_real.clone();
    // The path as written so far, for messages.
    let mut written = PathBuf::new();
    for (i, component) in components.iter().enumerate() {
        let last = i + 1 == components.len();
        current.push(component);
        written.push(component);
        let shown = written.display();
        let meta = match std::fs::symlink_metadata(&current) {
            Ok(m) => m,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                return match access {
                    // Nothing below exists either: the rest is created under a checked folder.
                    Access::Create => {
                        for rest in &components[i + 1..] {
                            current.push(rest);
                        }
                        Ok(current)
                    }
                    Access::Edit => Err(refuse("does not exist".to_string())),
                };
            }
            Err(e) => return Err(refuse(format!("cannot be checked: `{shown}`: {e}"))),
        };
        if last && access == Access::Create {
            let what = if meta.file_type().is_symlink() {
                "as a symlink"
            } else if meta.is_dir() {
                "as a folder"
            } else {
                "as a file (perhaps ignored by .gitignore or excluded)"
            };
            return Err(refuse(format!(
                "already exists {what}; phasegate never overwrites or edits an existing file it was asked to create"
            )));
        }
        let meta = if meta.file_type().is_symlink() {
            let real =
                std::fs::canonicalize(&current).map_err(|_| refuse(format!("goes through `{shown}`, a symlink that leads nowhere")))?;
            if !real.starts_with(&root_real) {
                return Err(refuse(format!("leads outside the workspace root through the symlink `{shown}`")));
            }
            current = real;
            std::fs::metadata(&current).map_err(|e| refuse(format!("cannot be checked: `{shown}`: {e}")))?
        } else {
            meta
        };
        if !last && !meta.is_dir() {
            return Err(refuse(format!("cannot be reached: `{shown}` is not a folder")));
        }
        if last && !meta.is_file() {
            return Err(refuse("is not a regular file".to_string()));
        }
    }
    Ok(current)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> tempfile::TempDir {
        tempfile::Builder::new().prefix("phasegate-safety-").tempdir().unwrap_or_else(|e| panic!("{e}"))
    }

    fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap_or(dir)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(p, text).unwrap_or_else(|e| panic!("{e}"));
    }

    fn reason(r: Result<PathBuf, Unsafe>) -> String {
        match r {
            Ok(p) => format!("allowed: {}", p.display()),
            Err(e) => e.reason,
        }
    }

    #[test]
    fn plain_paths_inside_the_root_are_allowed() {
        let tmp = root();
        let base = tmp.path().join("ws");
        write(&base, "docs/a.md", "a\n");
        let real = std::fs::canonicalize(&base).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(check(&base, "docs/b.md", Access::Create), Ok(real.join("docs/b.md")));
        assert_eq!(check(&base, "new/deep/b.md", Access::Create), Ok(real.join("new/deep/b.md")));
        assert_eq!(check(&base, "docs/a.md", Access::Edit), Ok(real.join("docs/a.md")));
    }

    #[test]
    fn not_plain_paths_are_refused() {
        let tmp = root();
        for rel in ["", "../x.md", "a/../x.md", "/etc/passwd", "./x.md"] {
            assert!(check(tmp.path(), rel, Access::Create).is_err(), "{rel}");
            assert!(check(tmp.path(), rel, Access::Edit).is_err(), "{rel}");
        }
    }

    #[test]
    fn anything_existing_is_never_created_over() {
        let tmp = root();
        let base = tmp.path();
        // An ignored file is on disk even though the walk left it out.
        write(base, ".gitignore", "secret.md\n");
        write(base, "secret.md", "mine\n");
        std::fs::create_dir_all(base.join("docs/design.md")).unwrap_or_else(|e| panic!("{e}"));
        assert!(reason(check(base, "secret.md", Access::Create)).starts_with("already exists as a file"));
        assert!(reason(check(base, "docs/design.md", Access::Create)).starts_with("already exists as a folder"));
        // Creating under a file is impossible, and refused rather than failing later.
        assert_eq!(reason(check(base, "secret.md/x.md", Access::Create)), "cannot be reached: `secret.md` is not a folder");
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_resolved_dangling_ones_included() {
        use std::os::unix::fs::symlink;
        let tmp = root();
        let base = tmp.path().join("ws");
        write(&base, "docs/a.md", "a\n");
        write(tmp.path(), "outside/b.md", "b\n");
        symlink("../outside", base.join("out")).unwrap_or_else(|e| panic!("{e}"));
        symlink("../outside/missing.md", base.join("dangling.md")).unwrap_or_else(|e| panic!("{e}"));
        symlink("nowhere", base.join("gone")).unwrap_or_else(|e| panic!("{e}"));
        symlink("docs", base.join("inside")).unwrap_or_else(|e| panic!("{e}"));
        symlink("../outside/b.md", base.join("b.md")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(reason(check(&base, "out/new.md", Access::Create)), "leads outside the workspace root through the symlink `out`");
        assert_eq!(reason(check(&base, "out/b.md", Access::Edit)), "leads outside the workspace root through the symlink `out`");
        assert!(reason(check(&base, "dangling.md", Access::Create)).starts_with("already exists as a symlink"));
        assert_eq!(reason(check(&base, "dangling.md", Access::Edit)), "goes through `dangling.md`, a symlink that leads nowhere");
        assert_eq!(reason(check(&base, "gone/x.md", Access::Create)), "goes through `gone`, a symlink that leads nowhere");
        assert_eq!(reason(check(&base, "b.md", Access::Edit)), "leads outside the workspace root through the symlink `b.md`");
        // A symlink that stays inside the root is fine; an edit goes to the file it points at.
        let real = std::fs::canonicalize(&base).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(check(&base, "inside/new.md", Access::Create), Ok(real.join("docs/new.md")));
        assert_eq!(check(&base, "inside/a.md", Access::Edit), Ok(real.join("docs/a.md")));
        // A root reached through a symlink is resolved first.
        symlink(&base, tmp.path().join("alias")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(check(&tmp.path().join("alias"), "docs/a.md", Access::Edit), Ok(real.join("docs/a.md")));
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_are_edited() {
        let tmp = root();
        let base = tmp.path();
        std::fs::create_dir_all(base.join("folder.md")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(reason(check(base, "folder.md", Access::Edit)), "is not a regular file");
        assert_eq!(reason(check(base, "missing.md", Access::Edit)), "does not exist");
        let fifo = std::process::Command::new("mkfifo").arg(base.join("pipe.yaml")).status();
        assert!(fifo.is_ok_and(|s| s.success()), "mkfifo");
        assert_eq!(reason(check(base, "pipe.yaml", Access::Edit)), "is not a regular file");
        assert!(reason(check(base, "pipe.yaml", Access::Create)).starts_with("already exists"));
    }
}
