//! Workflow schemas (`openspec/schemas/<name>/schema.yaml`, and the built-in `spec-driven`): a
//! schema that OpenSpec would refuse to load (`parseSchema` of
//! `src/core/artifact-graph/schema.ts`), and each change's workflow built from its schema's
//! artifact graph: a phase per artifact in the order `requires` allows (declaration order among
//! those ready), each producing the artifact's `generates` from its `template`, then `apply`,
//! reached once a task of the tracked file is ticked and done when all are. The capabilities a
//! proposal lists are the delta specs its `specs` phase must produce; `skip_specs: true` makes
//! them optional.

use std::sync::LazyLock;

use super::change::{Change, MetadataState, Project};
use super::metadata::{Schema, Value};
use crate::diagnostics::{Code, Diagnostic, Doc, Rule, Severity};
use crate::model::{Criterion, CriterionKind, Deliverable, Gate, Phase, Recognition, Workflow, WorkflowSource};
use crate::text::TextRange;
use crate::workspace::Workspace;

pub(crate) const INVALID_SCHEMA: Rule = Rule {
    doc: Doc {
        code: Code::new("openspec-invalid-schema"),
        severity: Severity::Error,
        when: "A project schema (`openspec/schemas/<name>/schema.yaml`) that OpenSpec would refuse to load: no `name`, a `version` that is not a positive integer, no artifact, an artifact without `id`, `generates`, `template` or `description`, a path climbing out, a duplicate artifact id, a `requires` (or `apply.requires`) naming no artifact, or `requires` forming a cycle. Every change using the schema then fails to load.",
        fix: "Fix the entry the message names; `openspec schema validate <name>` checks the same.",
    },
    framework: Some("openspec"),
    source: "src/core/artifact-graph/schema.ts (parseSchema), src/core/artifact-graph/types.ts (SchemaYamlSchema)",
};

pub(crate) fn check_file(path: &str, s: &Schema, out: &mut Vec<Diagnostic>) {
    for (problem, range) in &s.problems {
        out.push(INVALID_SCHEMA.at(path, *range, format!("OpenSpec would not load this schema: {problem}")));
    }
}

/// The built-in `spec-driven` schema's artifact graph.
pub(crate) fn builtin() -> &'static Schema {
    static BUILTIN: LazyLock<Schema> = LazyLock::new(|| {
        let text = include_str!("spec-driven.schema.yaml");
        match crate::syntax::tree::parse_yaml(text, 0) {
            Ok(t) => t.root.map(|root| Schema::read(&t, root, text)).unwrap_or_default(),
            Err(_) => Schema::default(),
        }
    });
    &BUILTIN
}

/// Where a schema's template lives in a project: `openspec/schemas/<schema>/templates/<file>`.
fn template_path(schema: &str, template: &str) -> String {
    format!("openspec/schemas/{schema}/templates/{template}")
}

/// Starter content for the built-in schema's artifacts, when the project has no
/// `openspec/schemas/spec-driven/` of its own (written for phasegate with the sections
/// OpenSpec's templates have).
pub(crate) fn embedded_template(path: &str) -> Option<&'static str> {
    match path.strip_prefix("openspec/schemas/spec-driven/templates/")? {
        "proposal.md" => Some(include_str!("templates/proposal.md")),
        "spec.md" => Some(include_str!("templates/spec.md")),
        "design.md" => Some(include_str!("templates/design.md")),
        "tasks.md" => Some(include_str!("templates/tasks.md")),
        _ => None,
    }
}

/// An artifact's `generates` as a deliverable path: an output under `specs/` is a capability's
/// delta spec (the only Markdown there OpenSpec reads); other globs become placeholders (`*` →
/// `{*}`, `**` → `{**}`).
fn deliverable_path(generates: &str) -> String {
    if generates.starts_with("specs/") && generates.contains('*') {
        return "specs/{*}/{**}/spec.md".to_string();
    }
    generates.split('/').map(|seg| if seg == "**" { "{**}".to_string() } else { seg.replace('*', "{*}") }).collect::<Vec<_>>().join("/")
}

fn phase(id: &str) -> Phase {
    Phase {
        id: id.to_string(),
        number: None,
        title: id.to_string(),
        range: TextRange::default(),
        deliverables: Vec::new(),
        gate: Gate::default(),
        depends_on: Vec::new(),
        reached: Vec::new(),
    }
}

/// The workflow of a change following `schema` (named `name`): `capabilities` are the delta
/// specs its proposal lists; `skip_specs` makes the `specs` outputs optional.
pub(crate) fn workflow(schema: &Schema, name: &str, capabilities: &[String], skip_specs: bool) -> Workflow {
    let mut wf = Workflow::new("openspec-change".to_string(), TextRange::default(), WorkflowSource::Framework);
    wf.framework = Some("openspec".to_string());
    wf.instances = vec!["openspec/changes/*".to_string(), "!openspec/changes/archive".to_string()];
    wf.run_inferred = true;
    wf.recognised_by = vec![Recognition::Definition];
    let ordered = schema.ordered().unwrap_or_else(|| schema.artifacts.iter().collect());
    for a in ordered {
        let mut p = phase(&a.id.name);
        let template = a.template.as_deref().map(|t| template_path(name, t));
        let specs = a.generates.starts_with("specs/");
        let mut d = Deliverable::new("", &deliverable_path(&a.generates), TextRange::default());
        d.template.clone_from(&template);
        d.optional = specs && (skip_specs || !capabilities.is_empty());
        p.deliverables.push(d);
        if specs {
            for c in capabilities {
                let mut d = Deliverable::new("", &format!("specs/{c}/spec.md"), TextRange::default());
                d.template.clone_from(&template);
                d.optional = skip_specs;
                p.deliverables.push(d);
            }
        }
        p.gate.criteria.push(Criterion {
            kind: CriterionKind::DeliverablesExist,
            label: "deliverables exist".into(),
            range: TextRange::default(),
        });
        wf.phases.push(p);
    }
    let tracked = schema.tracks.clone().or_else(|| schema.tracked().map(|a| a.generates.clone()));
    if let Some(file) = tracked.filter(|f| !f.contains(['*', '?', '[', '{'])) {
        let mut p = phase("apply");
        p.reached.push(Criterion {
            kind: CriterionKind::AnyTicked { file: file.clone() },
            label: format!("a task of {file} is ticked"),
            range: TextRange::default(),
        });
        p.gate.criteria.push(Criterion {
            kind: CriterionKind::ChecklistTicked { file: file.clone(), section: String::new() },
            label: format!("every task of {file} is ticked"),
            range: TextRange::default(),
        });
        wf.phases.push(p);
    }
    wf.index_keys();
    wf
}

/// The workflow of the change in `folder` (`openspec/changes/<id>`): its schema's (the built-in
/// one when its metadata does not load or names no schema that loads), with the capabilities
/// its proposal lists. `None` when that is the built-in definition as it is.
pub(crate) fn definition_for(ws: &Workspace, p: &Project<'_>, folder: &str) -> Option<Workflow> {
    let id = folder.strip_prefix("openspec/changes/")?;
    let prefix = format!("{folder}/");
    let files: Vec<_> =
        ws.files.range(prefix.clone()..).take_while(|(k, _)| k.starts_with(&prefix)).map(|(k, f)| (&k[prefix.len()..], &**f)).collect();
    let c = Change { id, archived: false, folder: folder.to_string(), files };
    let name = p.schema_name_of(&c).unwrap_or_else(|()| "spec-driven".to_string());
    let (schema, name) = match p.schema(&name) {
        Ok(s) => (s, name.trim_end_matches(".yaml").trim_end_matches(".yml").to_string()),
        Err(_) => (builtin(), "spec-driven".to_string()),
    };
    let capabilities: Vec<String> = c.proposal().map(|(_, pr)| pr.capabilities.iter().map(|c| c.0.clone()).collect()).unwrap_or_default();
    let skip_specs =
        matches!(p.metadata(&c), MetadataState::Read(_, m) if m.valid() && matches!(m.skip_specs, Some((Value::Bool(true), _))));
    if std::ptr::eq(schema, builtin()) && capabilities.is_empty() && !skip_specs {
        return None; // The built-in definition as it is (a test checks it is this workflow).
    }
    Some(workflow(schema, &name, &capabilities, skip_specs))
}
