//! The frameworks phasegate knows, as a registry: each framework's id, name and the marker paths
//! whose presence switches it on (and marks a folder as a project, docs/projects.md).
//!
//! A framework is switched on in a workspace when one of its markers is there, unless the
//! project's `phasegate.toml` (or the host's settings) switch it off.

/// One framework.
#[derive(Debug)]
pub struct Framework {
    /// Stable id, used in `phasegate.toml` (`[frameworks] speckit = false`) and in `status`.
    pub id: &'static str,
    /// Its name as its authors write it.
    pub name: &'static str,
    /// Project-relative paths whose presence switches the framework on: a folder (any file
    /// under it counts) or a file.
    pub markers: &'static [&'static str],
}

/// Every framework, in documentation order.
pub static FRAMEWORKS: &[Framework] = &[
    // Spec Kit: `specify init` creates `.specify/` (memory, scripts, templates).
    Framework { id: "speckit", name: "Spec Kit", markers: &[".specify"] },
    // Kiro: the IDE keeps specs and steering under `.kiro/`.
    Framework { id: "kiro", name: "Kiro", markers: &[".kiro"] },
    // OpenSpec: `openspec init` creates `openspec/` with `specs/` and `changes/`.
    Framework { id: "openspec", name: "OpenSpec", markers: &["openspec/specs", "openspec/changes", "openspec/project.md"] },
    // BMAD Method: the installer writes `_bmad/` (v6) or `.bmad-core/` (v4).
    Framework { id: "bmad", name: "BMAD Method", markers: &["_bmad", ".bmad-core"] },
    // The `.ops/build` spec-driven layout of seed 002.
    Framework { id: "ops-build", name: ".ops/build SDD", markers: &[".ops/build"] },
];

/// The framework with id `id`.
pub fn by_id(id: &str) -> Option<&'static Framework> {
    FRAMEWORKS.iter().find(|f| f.id == id)
}

/// Whether project-relative `path` is, or lies under, `marker`.
pub fn is_under_marker(path: &str, marker: &str) -> bool {
    path.strip_prefix(marker).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Every marker path that marks a project: `phasegate.toml` and each framework's markers.
pub fn project_markers() -> impl Iterator<Item = &'static str> {
    std::iter::once(crate::config::CONFIG_FILE).chain(FRAMEWORKS.iter().flat_map(|f| f.markers.iter().copied()))
}

/// If `path` (relative to some folder) lies under a project marker, the folder part before the
/// marker: `examples/demo/phasegate.toml` → `examples/demo`, `.specify/memory/x.md` → `` (the
/// folder itself). Markers are matched at segment boundaries only.
pub fn project_root_of_marker_path(path: &str) -> Option<&str> {
    let mut start = 0;
    loop {
        let rest = &path[start..];
        if project_markers().any(|m| is_under_marker(rest, m)) {
            return Some(path[..start].trim_end_matches('/'));
        }
        let next = rest.find('/')?;
        start += next + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_paths() {
        assert_eq!(project_root_of_marker_path("phasegate.toml"), Some(""));
        assert_eq!(project_root_of_marker_path("examples/demo/phasegate.toml"), Some("examples/demo"));
        assert_eq!(project_root_of_marker_path("a/.specify/memory/constitution.md"), Some("a"));
        assert_eq!(project_root_of_marker_path("openspec/specs/auth/spec.md"), Some(""));
        assert_eq!(project_root_of_marker_path("docs/openspec/notes.md"), None);
        assert_eq!(project_root_of_marker_path("x/.specifyx/a.md"), None);
        assert_eq!(project_root_of_marker_path("docs/readme.md"), None);
    }
}
