//! The frameworks phasegate knows, as a registry: each framework's id, name and the marker paths
//! whose presence switches it on (and marks a folder as a project, docs/projects.md).
//!
//! A framework is switched on in a workspace when one of its markers is there, unless the
//! project's `phasegate.toml` (or the host's settings) switch it off. Its workflow is a definition
//! in phasegate's own format (docs/formats.md), built into the binary, instantiated once per
//! feature folder (`instances`).

pub(crate) mod bmad;
pub(crate) mod instances;
pub(crate) mod kiro;
pub(crate) mod openspec;
pub(crate) mod ops_build;
pub(crate) mod speckit;

use std::sync::LazyLock;

use crate::facts::{FileFacts, FileInput};
use crate::model::Workflow;

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
    /// The built-in definition (YAML in the format of docs/formats.md), when the framework has
    /// per-feature workflows.
    pub definition: Option<&'static str>,
    /// Its readers of Markdown files (by path), run beside the generic conventions'.
    pub(crate) markdown: &'static [crate::extract::Recogniser],
    /// Its readers of YAML and JSON files (by path).
    pub(crate) data: &'static [crate::extract::DataRecogniser],
    /// Its rules, in documentation order (part of the registry, [`crate::diagnostics::rules`]).
    pub rules: &'static [crate::diagnostics::Rule],
    /// Its checks of one file on its own (run for every file, kept per file version; findings
    /// are dropped where the framework is off).
    pub(crate) check_file: fn(&crate::facts::FileFacts, &mut Vec<crate::diagnostics::Diagnostic>),
    /// Its checks across files (run only where the framework is on).
    pub(crate) check: fn(&crate::analysis::Context<'_>, &mut Vec<crate::diagnostics::Diagnostic>),
}

impl Framework {
    /// A check that finds nothing, for a framework without per-file or cross-file checks.
    pub(crate) fn no_file_check(_: &crate::facts::FileFacts, _: &mut Vec<crate::diagnostics::Diagnostic>) {}
}

/// Every framework, in documentation order. A framework is a module of this folder: its
/// [`Framework`] (id, markers, built-in definition, recognisers) and its rules.
pub static FRAMEWORKS: &[&Framework] =
    &[&speckit::FRAMEWORK, &kiro::FRAMEWORK, &openspec::FRAMEWORK, &bmad::FRAMEWORK, &ops_build::FRAMEWORK];

/// Each framework's built-in definition, parsed once (index as in [`FRAMEWORKS`]).
static BUILTIN: LazyLock<Vec<Option<Workflow>>> = LazyLock::new(|| {
    FRAMEWORKS
        .iter()
        .map(|f| {
            let text = f.definition?;
            let facts = FileFacts::new(&format!("{}.workflow.yaml", f.id), FileInput::Text(text.to_string()));
            facts.workflows.into_iter().next()
        })
        .collect()
});

/// The built-in definition of `framework`, if it has one.
pub(crate) fn builtin(framework: &Framework) -> Option<&'static Workflow> {
    let i = FRAMEWORKS.iter().position(|f| std::ptr::eq(*f, framework))?;
    BUILTIN.get(i)?.as_ref()
}

/// Adds the criteria a framework's gates hold beyond what its definition says to `report`, for
/// the gate out of `phase` of `wf` (an instance of the framework, by `wf.framework`): `.ops/build`'s
/// open spec change requests, failing gates and open tasks. A framework with such criteria adds
/// one arm here.
pub(crate) fn gate(
    ctx: &crate::analysis::Context<'_>,
    wf: &Workflow,
    phase: &crate::model::Phase,
    report: &mut crate::analysis::GateReport,
) {
    match wf.framework.as_deref() {
        Some(id) if id == ops_build::FRAMEWORK.id => ops_build::gate(ctx, wf, phase, report),
        _ => {}
    }
}

/// The definition of one instance folder when it is not the template's own: OpenSpec builds each
/// change's from the change's schema and the capabilities its proposal lists
/// (`openspec::schema::definition_for`). `None`: the template applies as it is.
pub(crate) fn instance_definition(template: &Workflow, ctx: &InstanceContext<'_>, folder: &str) -> Option<Workflow> {
    let openspec = builtin(&openspec::FRAMEWORK)?;
    if std::ptr::eq(template, openspec) {
        openspec::schema::definition_for(ctx.ws, ctx.openspec.get_or_init(|| openspec::change::Project::new(ctx.ws)), folder)
    } else {
        None
    }
}

/// What [`instance_definition`] reads from the workspace for every folder, read once per
/// rebuild of the instances (an OpenSpec project's schemas and configuration) and shared by the
/// threads that build them.
pub(crate) struct InstanceContext<'a> {
    ws: &'a crate::workspace::Workspace,
    openspec: std::sync::OnceLock<openspec::change::Project<'a>>,
}

impl<'a> InstanceContext<'a> {
    pub(crate) fn new(ws: &'a crate::workspace::Workspace) -> InstanceContext<'a> {
        InstanceContext { ws, openspec: std::sync::OnceLock::new() }
    }
}

/// Starter content a framework carries for a template path the project does not have (OpenSpec's
/// built-in schema templates, `openspec/schemas/spec-driven/templates/*`).
pub(crate) fn embedded_template(path: &str) -> Option<&'static str> {
    openspec::schema::embedded_template(path)
}

/// The framework with id `id`.
pub fn by_id(id: &str) -> Option<&'static Framework> {
    FRAMEWORKS.iter().copied().find(|f| f.id == id)
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

    /// Every built-in definition parses without a problem and is instantiated per folder.
    #[test]
    fn builtin_definitions_are_valid() {
        for f in FRAMEWORKS {
            let Some(text) = f.definition else { continue };
            let facts = FileFacts::new(&format!("{}.workflow.yaml", f.id), FileInput::Text(text.to_string()));
            assert!(facts.syntax_errors.is_empty(), "{}: {:?}", f.id, facts.syntax_errors);
            let wf = builtin(f).unwrap_or_else(|| panic!("{}: no workflow", f.id));
            assert!(!wf.instances.is_empty(), "{}: not instantiated per folder", f.id);
            assert_eq!(wf.framework.as_deref(), Some(f.id));
        }
    }

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

/// Robustness of the frameworks' readers: every file of each framework's fixture workspaces
/// (`tests/fixtures/frameworks/<id>/{err,ok}`), at its real path beside the others, cut at many
/// points (mid-character included), goes through diagnostics, code actions, status, advance and
/// scaffold without a panic.
#[cfg(test)]
mod truncation {
    use crate::facts::FileInput;
    use crate::workspace::Workspace;

    fn files(dir: &std::path::Path, base: &std::path::Path, out: &mut Vec<(String, Vec<u8>)>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                files(&p, base, out);
            } else if let Ok(rel) = p.strip_prefix(base) {
                out.push((rel.to_string_lossy().replace('\\', "/"), std::fs::read(&p).unwrap_or_default()));
            }
        }
    }

    #[test]
    fn cut_framework_documents_never_panic() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/frameworks");
        let now = "2026-11-21T15:00:00Z";
        let mut checked = 0;
        for id in ["kiro", "bmad"] {
            for variant in ["err", "ok"] {
                let base = root.join(id).join(variant);
                let mut all = Vec::new();
                files(&base, &base, &mut all);
                assert!(!all.is_empty(), "{}", base.display());
                for (i, (path, bytes)) in all.iter().enumerate() {
                    let step = (bytes.len() / 17).max(1);
                    let mut cut = 0;
                    while cut <= bytes.len() {
                        let mut ws = Workspace::new();
                        for (j, (p, b)) in all.iter().enumerate() {
                            let content = if i == j { b[..cut].to_vec() } else { b.clone() };
                            ws.set_file(p, FileInput::Bytes(content));
                        }
                        let _ = ws.diagnostics();
                        let len = ws.text(path).map_or(0, str::len);
                        for at in [0, len / 3, len / 2, len.saturating_sub(1), len, len + 5] {
                            let _ = ws.code_actions(path, crate::TextRange::new(at, at + 3), now);
                        }
                        for status in ws.status() {
                            let _ = ws.advance(&status.name, None, None, now);
                            let _ = ws.scaffold(&status.name, None, None, now);
                        }
                        checked += 1;
                        cut += step;
                    }
                }
            }
        }
        assert!(checked > 100, "{checked}");
    }
}
