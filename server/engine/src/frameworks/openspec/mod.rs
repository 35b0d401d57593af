//! OpenSpec (Fission-AI/OpenSpec): `openspec init` creates `openspec/` with `specs/` (the main
//! specs, one `spec.md` per capability) and `changes/` (one folder per change: `proposal.md`,
//! delta specs under `specs/`, `design.md`, `tasks.md`, `.openspec.yaml`; finished changes move
//! to `changes/archive/`).
//!
//! The rules report what `openspec validate --all --strict` of the pinned release
//! (@fission-ai/openspec 1.13.2, `tests/openspec/package.json`) reports, each at the line it is
//! about, and a few problems beyond it; each cites its source in OpenSpec. Every change is a
//! workflow whose phases are the artifacts of its schema (`schema.rs`). docs/frameworks/openspec.md
//! lists all of it.

pub(crate) mod change;
pub(crate) mod delta;
mod deltas;
mod ide;
pub(crate) mod lines;
mod merge;
pub(crate) mod metadata;
mod purpose;
pub(crate) mod requirement;
mod requirements;
pub(crate) mod schema;
mod sections;
pub(crate) mod spec;
mod structure;
mod task_rules;
pub(crate) mod tasks;

use crate::diagnostics::{Diagnostic, Rule};
use crate::extract::{DataRecogniser, MarkdownInput, Recogniser};
use crate::facts::FileFacts;
use crate::frameworks::Framework;
use crate::syntax::tree::{NodeId, Tree};

/// The framework's registry entry.
pub(crate) static FRAMEWORK: Framework = Framework {
    id: "openspec",
    name: "OpenSpec",
    markers: &["openspec/specs", "openspec/changes", "openspec/project.md"],
    definition: Some(include_str!("spec-driven.workflow.yaml")),
    markdown: &[MARKDOWN],
    data: &[DATA],
    rules: RULES,
    check_file,
    check,
};

/// Every rule, in documentation order: main specs, delta specs, changes, tasks, schemas.
static RULES: &[Rule] = &[
    sections::SPEC_MISSING_SECTION,
    sections::SPEC_NO_REQUIREMENTS,
    purpose::PURPOSE_TOO_SHORT,
    purpose::PURPOSE_PLACEHOLDER,
    purpose::SPEC_PLACEHOLDER,
    requirements::NO_SCENARIO,
    requirements::NO_TEXT,
    requirements::NO_SHALL,
    requirements::TOO_LONG,
    structure::DELTA_HEADER_IN_SPEC,
    structure::OUTSIDE_REQUIREMENTS,
    structure::DUPLICATE_REQUIREMENT,
    deltas::NO_SECTIONS,
    deltas::EMPTY_SECTIONS,
    deltas::MISPLACED,
    deltas::CONFLICT,
    deltas::RENAME_UNPAIRED,
    deltas::OUTSIDE_DELTA,
    deltas::NOT_REQUIREMENT,
    deltas::REMOVED_WITHOUT_REASON,
    merge::DROPS_SCENARIO,
    merge::CANNOT_APPLY,
    change::NO_DELTAS,
    change::SKIP_SPECS_CONFLICT,
    change::INVALID_METADATA,
    change::NESTED_CHANGE,
    sections::PROPOSAL_MISSING_SECTION,
    sections::WHY_LENGTH,
    change::TOO_MANY_DELTAS,
    task_rules::NUMBERING,
    task_rules::NO_CHECKBOXES,
    task_rules::ARCHIVED_OPEN_TASKS,
    schema::INVALID_SCHEMA,
];

/// What phasegate learns from one OpenSpec file, kept in its [`FileFacts`].
#[derive(Clone, Debug)]
pub(crate) enum Facts {
    /// `openspec/specs/**/spec.md`.
    MainSpec(spec::MainSpec),
    /// A Markdown file under a change's `specs/`.
    Delta(delta::DeltaSpec),
    /// A change's `proposal.md`.
    Proposal(spec::Proposal),
    /// A `tasks.md` of a change (active or archived).
    Tasks(tasks::TaskFacts),
    /// `.openspec.yaml`, `openspec/config.yaml` or a `schema.yaml`, parsed (its values are typed
    /// against the text when read, [`metadata::value`]); a change's metadata, once judged.
    Yaml(Tree, NodeId, std::sync::OnceLock<metadata::ChangeMetadata>),
}

/// Where a project-relative path sits in an OpenSpec layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Place<'a> {
    /// A main spec: `openspec/specs/<id>/spec.md` (`id` may hold folders).
    MainSpec {
        id: &'a str,
    },
    /// A file of a change folder: `openspec/changes/<change>/<rest>`, or
    /// `openspec/changes/archive/<change>/<rest>` when `archived`.
    Change {
        change: &'a str,
        archived: bool,
        rest: &'a str,
    },
    /// A file of a project schema folder: `openspec/schemas/<name>/<rest>`.
    Schema {
        name: &'a str,
        rest: &'a str,
    },
    /// `openspec/config.yaml` (or `.yml`).
    Config,
    Other,
}

/// Whether no segment of `path` is hidden (OpenSpec's walks skip names starting with `.`).
fn visible(path: &str) -> bool {
    !path.split('/').any(|s| s.starts_with('.'))
}

/// Where `path` sits.
pub(crate) fn place(path: &str) -> Place<'_> {
    let Some(rest) = path.strip_prefix("openspec/") else { return Place::Other };
    if let Some(inner) = rest.strip_prefix("specs/") {
        return match inner.strip_suffix("/spec.md") {
            Some(id) if !id.is_empty() && visible(id) => Place::MainSpec { id },
            _ => Place::Other,
        };
    }
    if let Some(inner) = rest.strip_prefix("changes/") {
        let (archived, inner) = match inner.strip_prefix("archive/") {
            Some(i) => (true, i),
            None => (false, inner),
        };
        let Some((change, rest)) = inner.split_once('/') else { return Place::Other };
        if change.starts_with('.') || (!archived && change == "archive") {
            return Place::Other;
        }
        return Place::Change { change, archived, rest };
    }
    if let Some(inner) = rest.strip_prefix("schemas/") {
        return match inner.split_once('/') {
            Some((name, rest)) if !name.starts_with('.') => Place::Schema { name, rest },
            _ => Place::Other,
        };
    }
    if rest == "config.yaml" || rest == "config.yml" {
        return Place::Config;
    }
    Place::Other
}

/// The capability of a delta spec path inside a change (`specs/<capability>/spec.md`), when it is
/// one the validator reads.
pub(crate) fn delta_capability(rest: &str) -> Option<&str> {
    let inner = rest.strip_prefix("specs/")?.strip_suffix("/spec.md")?;
    (!inner.is_empty() && visible(inner)).then_some(inner)
}

/// Reads the Markdown files OpenSpec reads: main specs, proposals and delta specs of active
/// changes, task lists (`tasks.md`) of every change; OpenSpec's `tasks.md` replaces the generic
/// task reader there.
const MARKDOWN: Recogniser = Recogniser {
    name: "openspec",
    applies: |path| match place(path) {
        Place::MainSpec { .. } => true,
        Place::Change { archived, rest, .. } => {
            crate::paths::file_name(rest) == "tasks.md"
                || (!archived && (rest == "proposal.md" || (rest.starts_with("specs/") && visible(rest))))
        }
        _ => false,
    },
    prefilter: None,
    replaces: &["tasks", "requirements"],
    extract: read_markdown,
};

fn read_markdown(facts: &mut FileFacts, input: &MarkdownInput<'_>) {
    let read = match place(input.path) {
        Place::MainSpec { .. } => {
            let s = spec::MainSpec::read(input.view);
            ide::main_spec(facts, input.view, &s);
            Facts::MainSpec(s)
        }
        Place::Change { rest, .. } if crate::paths::file_name(rest) == "tasks.md" && !rest.starts_with("specs/") => {
            // Its tasks in phasegate's model, for the editor; OpenSpec's apply ticks a done task
            // `- [x]` and has no started mark (`src/core/templates/workflows/apply-change.ts`).
            let (task_facts, model) = tasks::TaskFacts::read_with_tasks(input.view);
            facts.tasks = model;
            facts.tasks_framework = Some(FRAMEWORK.id);
            facts.ide.task_marks = Some(crate::ide::index::TaskMarks::Checkbox { done: 'x', start: None });
            Facts::Tasks(task_facts)
        }
        Place::Change { rest: "proposal.md", .. } => Facts::Proposal(spec::Proposal::read(input.view)),
        Place::Change { rest, .. } => {
            let mut d = delta::DeltaSpec::read(input.view);
            let mut own = Vec::new();
            deltas::check_file(input.path, rest, &d, &mut own);
            d.has_error = own.iter().any(|x| x.severity == crate::diagnostics::Severity::Error);
            d.findings = own;
            if let Some(capability) = delta_capability(rest) {
                ide::delta(facts, input.view, capability, &d);
            }
            Facts::Delta(d)
        }
        _ => return,
    };
    facts.openspec = Some(Box::new(read));
}

/// Reads `.openspec.yaml`, `openspec/config.yaml` and project schemas.
const DATA: DataRecogniser = DataRecogniser {
    name: "openspec",
    applies: |path| match place(path) {
        Place::Change { rest, .. } => rest == ".openspec.yaml",
        Place::Schema { rest, .. } => rest == "schema.yaml",
        Place::Config => true,
        _ => false,
    },
    extract: |facts, tree, root| facts.openspec = Some(Box::new(Facts::Yaml(tree.clone(), root, std::sync::OnceLock::new()))),
};

/// The OpenSpec facts of a file, when it has some.
pub(crate) fn facts_of(f: &FileFacts) -> Option<&Facts> {
    f.openspec.as_deref()
}

/// The checks of one file: main specs, delta specs, proposals and schemas on their own.
fn check_file(file: &FileFacts, out: &mut Vec<Diagnostic>) {
    let Some(facts) = facts_of(file) else { return };
    let text = file.text();
    match (facts, place(&file.path)) {
        (Facts::MainSpec(s), Place::MainSpec { .. }) => {
            sections::check_spec(&file.path, s, out);
            purpose::check(&file.path, s, out);
            requirements::check_spec(&file.path, s, out);
            structure::check(&file.path, s, out);
        }
        (Facts::Delta(d), Place::Change { archived: false, .. }) => out.extend(d.findings.iter().cloned()),
        (Facts::Proposal(p), Place::Change { archived: false, .. }) => sections::check_proposal(&file.path, p, out),
        (Facts::Yaml(t, root, _), Place::Schema { rest: "schema.yaml", .. }) => {
            schema::check_file(&file.path, &metadata::Schema::read(t, *root, text), out)
        }
        _ => {}
    }
}

/// The checks across files: each change with its metadata, deltas, main specs and tasks.
fn check(ctx: &crate::analysis::Context<'_>, out: &mut Vec<Diagnostic>) {
    let project = change::Project::new(ctx.ws);
    // Each change is checked on its own (against the main specs), on all cores; the findings
    // keep the changes' order.
    let found = crate::workspace::in_parallel(project.changes(), |c| {
        let mut own = Vec::new();
        change::check(&project, &c, &mut own);
        merge::check(&project, &c, &mut own);
        task_rules::check(&project, &c, &mut own);
        Some(own)
    });
    out.extend(found.into_iter().flatten());
}

#[cfg(test)]
mod tests;
