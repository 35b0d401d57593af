//! The `.ops/build` spec-driven layout of seed 002 and gabeborges/claude-sdd-bootstrap: a build
//! version folder `.ops/build/v{x}/` holds one folder per feature (`specs.md`, `tasks.yaml` or
//! `tasks.md`, `checks.yaml`, `spec-change-requests.yaml`), beside the build-level
//! `.ops/build/system-design.yaml`. docs/frameworks/ops-build.md describes what is checked.
//!
//! - `read`: the readers of those files (the shared model's tasks, and this framework's
//!   [`Facts`]).
//! - `rules`: the rules, across the files of a build version.
//! - `ide`: the references its task lists make, for the editor features.
//! - [`gate`]: the criteria a feature's gates hold besides the built-in definition's
//!   (`ops-build.workflow.yaml`): no open spec change request, and, to complete the feature, no
//!   failing gate and every task done.

mod ide;
mod read;
mod rules;
#[cfg(test)]
mod tests;

use crate::analysis::{Context, GateReport, Unmet};
use crate::facts::FileFacts;
use crate::frameworks::Framework;
use crate::model::{Named, Phase, Workflow};
use crate::text::TextRange;

/// The framework's registry entry.
pub(crate) static FRAMEWORK: Framework = Framework {
    id: "ops-build",
    name: ".ops/build SDD",
    markers: &[".ops/build"],
    definition: Some(include_str!("ops-build.workflow.yaml")),
    markdown: &[read::TASKS_MD, read::REQUESTS_MD],
    data: &[read::TASKS_YAML, read::CHECKS, read::REQUESTS_YAML, read::DESIGN],
    rules: &[
        rules::DANGLING_IMPLEMENTS,
        rules::UNCOVERED_REQUIREMENT,
        rules::DANGLING_DEPENDENCY,
        rules::DEPENDENCY_CYCLE,
        rules::DONE_WHILE_GATE_FAILS,
        rules::STALE_SYSTEM_DESIGN,
    ],
    check_file: Framework::no_file_check,
    check: rules::check,
};

/// The build folder, project-relative (the framework's marker).
pub(crate) const BUILD: &str = ".ops/build/";

/// Where a file lies in the layout: `.ops/build/<version>/<file>` or
/// `.ops/build/<version>/<feature>/<file>`, the version folder's name starting with `v`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Place<'a> {
    /// `v0`, `v1.2`.
    pub version: &'a str,
    /// The feature folder's name, for a file of a feature.
    pub feature: Option<&'a str>,
    /// The file's name.
    pub file: &'a str,
}

/// Where project-relative `path` lies in the `.ops/build` layout, if it does.
pub(crate) fn place(path: &str) -> Option<Place<'_>> {
    let rest = path.strip_prefix(BUILD)?;
    let mut parts = rest.split('/');
    let version = parts.next().filter(|v| v.len() > 1 && v.starts_with('v'))?;
    let second = parts.next()?;
    match (parts.next(), parts.next()) {
        (None, _) => Some(Place { version, feature: None, file: second }),
        (Some(file), None) if !second.is_empty() && !file.is_empty() => Some(Place { version, feature: Some(second), file }),
        _ => None,
    }
}

/// A build version's number parts (`v1.2` → `[1, 2]`), to order versions; `None` when it is not
/// `v` followed by dot-separated numbers.
pub(crate) fn version_number(version: &str) -> Option<Vec<u64>> {
    let digits = version.trim().strip_prefix(['v', 'V'])?;
    digits.split('.').map(|p| p.parse().ok()).collect()
}

/// What the readers found in one file for this framework's rules.
#[derive(Clone, Debug, Default)]
pub(crate) struct Facts {
    /// Each task's `status:` as written (`tasks.yaml`), in the order of [`FileFacts::tasks`].
    pub statuses: Vec<Option<Named>>,
    /// Gate results (`checks.yaml`).
    pub gates: Vec<GateFact>,
    /// Spec change requests (`spec-change-requests.yaml`/`.md`, or those `system-design.yaml`
    /// raises).
    pub requests: Vec<Request>,
    /// The build-level system design (`system-design.yaml`).
    pub design: Option<Design>,
}

/// One gate result of a checks file.
#[derive(Clone, Debug)]
pub(crate) struct GateFact {
    /// Its section name (`security`).
    pub name: Named,
    /// `status` (or `result`, `passed`, or the scalar value) as written.
    pub status: Option<Named>,
    /// Whether the status says it fails (`fail`, `failed`, ...).
    pub failing: bool,
    /// Its `blockers`.
    pub blockers: Vec<String>,
}

/// One spec change request.
#[derive(Clone, Debug)]
pub(crate) struct Request {
    /// Its id (`SCR-001`), else the start of its text.
    pub label: String,
    /// Whether its status leaves it open (not `addressed`, `rejected`, ...).
    pub open: bool,
    /// The feature it is for (`feature:` of the system design's requests); `None`: the file's
    /// own feature, or every feature.
    pub feature: Option<String>,
}

/// What `system-design.yaml` records about what it was derived from.
#[derive(Clone, Debug)]
pub(crate) struct Design {
    /// `meta.last_updated_from_build` (`v0`).
    pub built_from: Option<Named>,
    /// The features `feature_refs` lists.
    pub features: Vec<FeatureRef>,
    /// The `feature_refs` key, when written.
    pub refs: Option<TextRange>,
}

/// One entry of `feature_refs`.
#[derive(Clone, Debug)]
pub(crate) struct FeatureRef {
    /// The feature folder's name.
    pub feature: String,
    /// Its build version (`build_version`, or the version folder of its `path`).
    pub version: Option<String>,
}

fn ops(file: &FileFacts) -> Option<&Facts> {
    file.ops_build.as_deref()
}

/// The files of `folder` (project-relative, without a trailing `/`) named one of `names`.
fn files_named<'a>(ctx: &Context<'a>, folder: &str, names: &[&str]) -> Vec<&'a FileFacts> {
    names.iter().filter_map(|n| ctx.file(&format!("{folder}/{n}"))).collect()
}

const CHECKS_FILES: [&str; 3] = ["checks.yaml", "checks.yml", "checks.json"];
const TASKS_FILES: [&str; 3] = ["tasks.yaml", "tasks.yml", "tasks.md"];
const REQUEST_FILES: [&str; 3] = ["spec-change-requests.yaml", "spec-change-requests.yml", "spec-change-requests.md"];
const DESIGN_FILES: [&str; 2] = [".ops/build/system-design.yaml", ".ops/build/system-design.yml"];

/// The failing gates that apply to `feature` of `version`: those of the version's checks file and
/// of the feature's, with the file they are in.
pub(crate) fn failing_gates<'a>(ctx: &Context<'a>, version: &str, feature: &str) -> Vec<(&'a str, &'a GateFact)> {
    let version_folder = format!("{BUILD}{version}");
    let mut files = files_named(ctx, &version_folder, &CHECKS_FILES);
    files.extend(files_named(ctx, &format!("{version_folder}/{feature}"), &CHECKS_FILES));
    files
        .into_iter()
        .flat_map(|f| ops(f).into_iter().flat_map(|o| o.gates.iter().filter(|g| g.failing)).map(|g| (f.path.as_str(), g)))
        .collect()
}

/// The open spec change requests of `feature` of `version`: its own file's, and those the system
/// design raises for it (or for every feature).
pub(crate) fn open_requests<'a>(ctx: &Context<'a>, version: &str, feature: &str) -> Vec<(&'a str, &'a Request)> {
    let mut out = Vec::new();
    for f in files_named(ctx, &format!("{BUILD}{version}/{feature}"), &REQUEST_FILES) {
        out.extend(ops(f).into_iter().flat_map(|o| o.requests.iter().filter(|r| r.open)).map(|r| (f.path.as_str(), r)));
    }
    for f in DESIGN_FILES.iter().filter_map(|p| ctx.file(p)) {
        let for_feature = |r: &&Request| r.feature.as_deref().is_none_or(|x| crate::paths::file_name(x) == feature);
        out.extend(ops(f).into_iter().flat_map(|o| o.requests.iter().filter(|r| r.open).filter(for_feature)).map(|r| (f.path.as_str(), r)));
    }
    out
}

/// The criteria the gate out of `phase` of feature instance `wf` holds besides the definition's:
/// no open spec change request (seed 002: halt and route back to the spec loop; the bootstrap:
/// stop all work until resolved), and, out of the last phase (the feature complete, merge ready),
/// no failing gate in the checks files and every task of the feature done (the bootstrap's
/// `sdd-protocols`: resume and mark complete only when all gates pass).
pub(crate) fn gate(ctx: &Context<'_>, wf: &Workflow, phase: &Phase, report: &mut GateReport) {
    let Some(folder) = wf.instance.as_deref() else { return };
    let file_in = format!("{folder}/_");
    let Some(Place { version, feature: Some(feature), .. }) = place(&file_in) else { return };
    for (path, r) in open_requests(ctx, version, feature) {
        report.unmet.push(Unmet { reason: format!("spec change request `{}` is open in `{path}`", r.label) });
    }
    if !wf.phases.last().is_some_and(|last| std::ptr::eq(last, phase)) {
        return;
    }
    for (path, g) in failing_gates(ctx, version, feature) {
        let blockers = match g.blockers.as_slice() {
            [] => String::new(),
            [one] => format!(" (blocker: {one})"),
            [first, rest @ ..] => format!(" (blocker: {first}, and {} more)", rest.len()),
        };
        report.unmet.push(Unmet { reason: format!("gate `{}` fails in `{path}`{blockers}", g.name.name) });
    }
    for f in files_named(ctx, folder, &TASKS_FILES).into_iter().filter(|f| f.tasks_framework == Some(FRAMEWORK.id)) {
        let open: Vec<&str> = f.tasks.iter().filter(|t| t.checked != Some(true)).map(|t| t.id.name.as_str()).collect();
        if let Some(first) = open.first() {
            report.unmet.push(Unmet {
                reason: format!("{} of {} tasks in `{}` are not done; first: `{first}`", open.len(), f.tasks.len(), f.path),
            });
        }
    }
}
