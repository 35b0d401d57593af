//! Per-folder instances of a definition: a definition with `instances:` (a framework's built-in,
//! or the project's own) is one workflow per folder its globs match (`specs/001-photo-albums/`),
//! with its deliverable and criterion paths resolved inside that folder.
//!
//! The effective definition of a framework is the project's own (a definition with `framework:
//! <id>` and `instances:`), else the built-in one (docs/frameworks/README.md).

use crate::model::{Criterion, CriterionKind, Deliverable, Recognition, Workflow, WorkflowSource};
use crate::paths;
use crate::text::TextRange;
use crate::workspace::Workspace;

/// One instance: its workflow and the file it is anchored to (where status and diagnostics about
/// the instance as a whole point).
#[derive(Clone, Debug)]
pub(crate) struct Instance {
    /// Project-relative path of the anchor file: the first existing deliverable in phase order,
    /// else the first file of the folder.
    pub anchor: String,
    pub wf: Workflow,
}

/// The definitions to instantiate: each active framework's effective definition, and the
/// project's own instanced definitions that belong to no framework.
fn templates(ws: &Workspace) -> Vec<&Workflow> {
    let own: Vec<&Workflow> = ws.files.values().flat_map(|f| f.workflows.iter()).filter(|w| !w.instances.is_empty()).collect();
    let mut out: Vec<&Workflow> = Vec::new();
    for f in ws.frameworks() {
        match own.iter().find(|w| w.framework.as_deref() == Some(f.id)) {
            Some(w) => out.push(w),
            None => out.extend(super::builtin(f)),
        }
    }
    out.extend(own.iter().filter(|w| w.framework.as_deref().is_none_or(|id| super::by_id(id).is_none())));
    out
}

/// Every instance of the workspace, in template then folder order. Each is read from the
/// workspace alone, so they are built on all cores (a project of a thousand OpenSpec changes
/// builds a thousand definitions).
pub(crate) fn instances(ws: &Workspace) -> Vec<Instance> {
    let mut work: Vec<(&Workflow, String)> = Vec::new();
    for t in templates(ws) {
        work.extend(folders(ws, &t.instances).into_iter().map(|folder| (t, folder)));
    }
    let ctx = super::InstanceContext::new(ws);
    crate::workspace::in_parallel(work, |(t, folder)| {
        // A definition of the folder's own (an OpenSpec change's schema) is used as it is built,
        // not copied again.
        let template = match super::instance_definition(t, &ctx, &folder) {
            Some(own) => std::borrow::Cow::Owned(own),
            None => std::borrow::Cow::Borrowed(t),
        };
        Some(instantiate(ws, template, &folder))
    })
}

/// The folders matching `globs` (a leading `!` excludes), found from the files under them.
pub(crate) fn folders(ws: &Workspace, globs: &[String]) -> Vec<String> {
    let mut include = Vec::new();
    let mut exclude = globset::GlobSetBuilder::new();
    for g in globs {
        let (neg, bare) = match g.strip_prefix('!') {
            Some(b) => (true, b),
            None => (false, g.as_str()),
        };
        let Ok(glob) = globset::GlobBuilder::new(bare).literal_separator(true).build() else { continue };
        if neg {
            exclude.add(glob);
        } else {
            include.push((bare.to_string(), glob.compile_matcher()));
        }
    }
    let exclude = exclude.build().unwrap_or_else(|_| globset::GlobSet::empty());
    let mut out: Vec<String> = Vec::new();
    // Folders already found (by an earlier glob): one look-up each, not a scan of `out`.
    let mut found: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for (glob, matcher) in &include {
        let depth = glob.split('/').count();
        // Only files under the glob's literal folder can be in a matching folder.
        let literal = glob.split(['*', '?', '[', '{']).next().unwrap_or("");
        let prefix = match literal.rfind('/') {
            Some(i) => &literal[..=i],
            None => "",
        };
        // The files of one folder are next to each other in path order: each folder is tested once.
        let mut last = "";
        for (path, _) in ws.files.range::<str, _>((std::ops::Bound::Included(prefix), std::ops::Bound::Unbounded)) {
            if !path.starts_with(prefix) {
                break;
            }
            // The folder `depth` components deep holding the file; none when it is not that deep.
            let Some((end, _)) = path.match_indices('/').nth(depth - 1) else { continue };
            let folder = &path[..end];
            if folder == last {
                continue;
            }
            last = folder;
            if matcher.is_match(folder) && !exclude.is_match(folder) && found.insert(folder) {
                out.push(folder.to_string());
            }
        }
    }
    out
}

/// `path` (resolved against the root when the definition was read) moved into `folder`.
fn rebase(folder: &str, path: &str) -> String {
    joined(folder, path)
        .unwrap_or_else(|| paths::resolve(&format!("{folder}/_"), &format!("./{path}")).unwrap_or_else(|_| format!("{folder}/{path}")))
}

/// `folder/path` when resolving `./path` in `folder` gives just that: `path` has no blanks
/// around it, no `.`, `..` or empty segment and no backslash (the definitions' paths are of that
/// kind; a folder comes from the workspace's own paths). `None` when it must be resolved.
fn joined(folder: &str, path: &str) -> Option<String> {
    let plain =
        !path.is_empty() && path.trim() == path && !path.contains('\\') && path.split('/').all(|s| !s.is_empty() && s != "." && s != "..");
    plain.then(|| {
        let mut out = String::with_capacity(folder.len() + 1 + path.len());
        out.push_str(folder);
        out.push('/');
        out.push_str(path);
        out
    })
}

fn rebase_deliverable(folder: &str, d: &Deliverable) -> Deliverable {
    let mut out = match joined(folder, &d.path) {
        Some(path) => Deliverable::at(path, TextRange::default()),
        None => {
            let mut out = Deliverable::new(&format!("{folder}/_"), &format!("./{}", d.path), TextRange::default());
            // Shown as the project-relative path it resolves to (`.ops/build/system-design.yaml`,
            // not `./../../system-design.yaml`).
            if let Ok(resolved) = &out.resolved {
                out.path.clone_from(resolved);
            }
            out
        }
    };
    out.optional = d.optional;
    out.require_complete = d.require_complete;
    out.template.clone_from(&d.template);
    out
}

fn rebase_criteria(folder: &str, criteria: &mut [Criterion]) {
    for c in criteria {
        c.range = TextRange::default();
        match &mut c.kind {
            CriterionKind::ChecklistTicked { file, .. } | CriterionKind::Section { file, .. } | CriterionKind::AnyTicked { file } => {
                *file = rebase(folder, file);
            }
            CriterionKind::NoMarkers { files } => {
                for f in files {
                    *f = rebase(folder, f);
                }
            }
            CriterionKind::DeliverablesExist | CriterionKind::Recorded { .. } | CriterionKind::Manual => {}
        }
    }
}

/// The workflow of `template` for the instance in `folder` (a borrowed template is copied).
pub(crate) fn instantiate(ws: &Workspace, template: std::borrow::Cow<'_, Workflow>, folder: &str) -> Instance {
    let mut wf = template.into_owned();
    wf.instances.clear();
    wf.instance = Some(folder.to_string());
    wf.name = paths::file_name(folder).to_string();
    wf.name_range = TextRange::default();
    wf.explicit_name = true;
    wf.source = WorkflowSource::Framework;
    wf.recognised_by = vec![Recognition::Framework];
    wf.deliverables = wf.deliverables.iter().map(|d| rebase_deliverable(folder, d)).collect();
    for p in &mut wf.phases {
        p.range = TextRange::default();
        p.deliverables = p.deliverables.iter().map(|d| rebase_deliverable(folder, d)).collect();
        rebase_criteria(folder, &mut p.gate.criteria);
        rebase_criteria(folder, &mut p.reached);
        p.gate.range = None;
    }
    // The phases keep the template's ids and titles: only the name's key is new.
    if wf.keys.phases.len() == wf.phases.len() {
        wf.keys.name = crate::model::slug(&wf.name);
    } else {
        wf.index_keys();
    }
    let first_present = wf
        .phases
        .iter()
        .flat_map(|p| &p.deliverables)
        .filter_map(|d| d.resolved.as_ref().ok())
        .find(|p| ws.files.contains_key(p.as_str()))
        .cloned();
    let anchor = first_present.unwrap_or_else(|| {
        let prefix = format!("{folder}/");
        ws.files.range(prefix.clone()..).next().map(|(k, _)| k.clone()).filter(|k| k.starts_with(&prefix)).unwrap_or_default()
    });
    Instance { anchor, wf }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::fixture::workspace;

    #[test]
    fn plain_paths_are_joined_as_resolving_them_would() {
        let folder = "openspec/changes/add-x";
        for path in [
            "proposal.md",
            "specs/{**}/spec.md",
            "a b/c.md",
            "é/ü.md",
            " x.md",
            "./y.md",
            "../z.md",
            "a//b.md",
            "a\\b.md",
            "a/./b.md",
            "..",
            "",
        ] {
            let slow = crate::paths::resolve(&format!("{folder}/_"), &format!("./{path}")).unwrap_or_else(|_| format!("{folder}/{path}"));
            assert_eq!(super::rebase(folder, path), slow, "{path:?}");
            if let Some(fast) = super::joined(folder, path) {
                assert_eq!(fast, slow, "{path:?}");
            }
        }
    }

    #[test]
    fn a_project_definition_is_instantiated_per_folder() {
        let ws = workspace(
            "//- tools/feature.workflow.yaml\nname: feature\ninstances: [features/*, '!features/archive']\nrun: inferred\nphases:\n  - id: brief\n    deliverables: [brief.md]\n  - id: build\n    deliverables: [{path: notes.md, optional: true}]\n    reached: [{any_ticked: tasks.md}]\n    gate: [{checklist: tasks.md}]\n//- features/login/brief.md\n# Login\n//- features/login/tasks.md\n- [x] T1 form\n- [ ] T2 api\n//- features/search/notes.md\nx\n//- features/archive/old/brief.md\n# Old\n//- features/readme.md\nnot a folder\n",
        );
        let instances = super::instances(&ws);
        let shown: Vec<(String, String, Vec<String>)> = instances
            .iter()
            .map(|i| {
                let deliverables = i.wf.phases.iter().flat_map(|p| &p.deliverables).filter_map(|d| d.resolved.clone().ok()).collect();
                (i.wf.name.clone(), i.anchor.clone(), deliverables)
            })
            .collect();
        assert_eq!(
            shown,
            vec![
                (
                    "login".to_string(),
                    "features/login/brief.md".to_string(),
                    vec!["features/login/brief.md".into(), "features/login/notes.md".into()]
                ),
                (
                    "search".to_string(),
                    "features/search/notes.md".to_string(),
                    vec!["features/search/brief.md".into(), "features/search/notes.md".into()]
                ),
            ]
        );
        let status = ws.status();
        let login = status.iter().find(|s| s.name == "login").unwrap_or_else(|| panic!("{status:?}"));
        assert_eq!((login.status.as_str(), login.current.as_deref()), ("in-progress", Some("build")));
        let search = status.iter().find(|s| s.name == "search").unwrap_or_else(|| panic!("{status:?}"));
        assert_eq!(search.status, "not-started");
        assert!(!status.iter().any(|s| s.name == "feature"), "the definition itself is not a workflow");
    }
}
