//! Changes as wholes (`openspec/changes/<change>/`): whether a change has deltas, its
//! `.openspec.yaml` and the `skip_specs` marker (`src/core/validation/validator.ts`
//! `validateChangeDeltaSpecs`, `src/utils/change-metadata.ts` `readBooleanMarker`), namespace
//! folders wrapping changes (`src/utils/nested-change.ts`), and too many deltas
//! (`src/core/schemas/change.schema.ts`). Also the project around the changes: its schemas, its
//! default schema, its main specs by capability.

use super::delta::DeltaSpec;
use super::metadata::{self, ChangeMetadata, Schema, Value};
use super::spec::{MainSpec, Proposal};
use super::{Facts, Place, facts_of, place};
use crate::diagnostics::{Code, Diagnostic, Rule, Severity};
use crate::facts::FileFacts;
use crate::text::TextRange;
use crate::workspace::Workspace;

pub(crate) const NO_DELTAS: Rule = Rule {
    doc: crate::diagnostics::Doc {
        code: Code::new("openspec-change-no-deltas"),
        severity: Severity::Error,
        when: "An OpenSpec change has no delta: no `specs/<capability>/spec.md` with an `## ADDED`, `## MODIFIED`, `## REMOVED` or `## RENAMED Requirements` entry, and its `.openspec.yaml` does not set `skip_specs: true`. `openspec validate` fails it (\"Change must have at least one delta\"), and archiving it changes no spec.",
        fix: "Add a delta spec for each capability the change touches (`specs/<capability>/spec.md` with `## ADDED Requirements` and a `### Requirement:` with a `#### Scenario:`), or, when no behaviour changes (a refactor, tooling, docs), set `skip_specs: true` in the change's `.openspec.yaml`.",
    },
    framework: Some("openspec"),
    source: "src/core/validation/validator.ts (validateChangeDeltaSpecs), src/core/validation/constants.ts (CHANGE_NO_DELTAS)",
};

pub(crate) const SKIP_SPECS_CONFLICT: Rule = Rule {
    doc: crate::diagnostics::Doc {
        code: Code::new("openspec-skip-specs-conflict"),
        severity: Severity::Error,
        when: "A change's `.openspec.yaml` sets `skip_specs: true` (no spec changes) but files are under its `specs/` folder.",
        fix: "Delete the files under `specs/`, or remove `skip_specs` when requirements do change.",
    },
    framework: Some("openspec"),
    source: "src/core/validation/validator.ts (CHANGE_SKIP_SPECS_CONFLICT), src/utils/spec-discovery.ts (hasAnyFileUnder)",
};

pub(crate) const INVALID_METADATA: Rule = Rule {
    doc: crate::diagnostics::Doc {
        code: Code::new("openspec-invalid-metadata"),
        severity: Severity::Error,
        when: "A change's `.openspec.yaml` that sets `skip_specs` is not valid change metadata, so OpenSpec does not honour the marker: it does not parse, `schema:` is missing or names no schema (the built-in `spec-driven` or a folder of `openspec/schemas/` with a `schema.yaml` that loads), `created:` is not `YYYY-MM-DD`, or a value has the wrong type (`skip_specs: yes` is a string, not `true`).",
        fix: "Fix the entry the message names; `schema: spec-driven` and `skip_specs: true` (unquoted) are what `openspec new change` writes.",
    },
    framework: Some("openspec"),
    source: "src/utils/change-metadata.ts (readSkipSpecsMarker), src/core/change-metadata/schema.ts (ChangeMetadataSchema)",
};

pub(crate) const NESTED_CHANGE: Rule = Rule {
    doc: crate::diagnostics::Doc {
        code: Code::new("openspec-nested-change"),
        severity: Severity::Error,
        when: "A folder directly under `openspec/changes/` holds no change of its own but wraps change folders (`changes/mobile/refresh-token/`). OpenSpec sees only the wrapper, as a change without deltas, and never the changes inside it.",
        fix: "Move each nested change directly under `openspec/changes/`, folding the namespace into its name (`mobile-refresh-token`).",
    },
    framework: Some("openspec"),
    source: "src/utils/nested-change.ts (findNestedChangesIn)",
};

pub(crate) const TOO_MANY_DELTAS: Rule = Rule {
    doc: crate::diagnostics::Doc {
        code: Code::new("openspec-too-many-deltas"),
        severity: Severity::Information,
        when: "A change holds more than 10 deltas (requirements added, modified, removed or renamed across its delta specs, or `- **spec**: ...` items of a proposal without delta specs). `openspec archive` warns about it (\"Consider splitting changes with more than 10 deltas\"); `openspec validate` does not.",
        fix: "Consider splitting the change into smaller ones, each archived on its own.",
    },
    framework: Some("openspec"),
    source: "src/core/schemas/change.schema.ts (MAX_DELTAS_PER_CHANGE), src/core/validation/validator.ts (validateChange, run by openspec archive)",
};

/// The most deltas a change should hold (`MAX_DELTAS_PER_CHANGE`).
const MAX_DELTAS: usize = 10;

/// The project around the changes.
pub(crate) struct Project<'a> {
    pub ws: &'a Workspace,
    /// The project's schemas (`openspec/schemas/<name>/schema.yaml`), read.
    pub schemas: Vec<(&'a str, Schema)>,
    /// `schema:` of `openspec/config.yaml`.
    pub config_schema: Option<String>,
}

/// One change folder and its files (paths relative to the folder).
pub(crate) struct Change<'a> {
    pub id: &'a str,
    pub archived: bool,
    /// `openspec/changes/<id>` or `openspec/changes/archive/<id>`.
    pub folder: String,
    pub files: Vec<(&'a str, &'a FileFacts)>,
}

impl<'a> Change<'a> {
    /// The file at `rest` inside the folder.
    pub(crate) fn file(&self, rest: &str) -> Option<&'a FileFacts> {
        self.files.iter().find(|(r, _)| *r == rest).map(|(_, f)| *f)
    }

    /// The proposal, read.
    pub(crate) fn proposal(&self) -> Option<(&'a FileFacts, &'a Proposal)> {
        let f = self.file("proposal.md")?;
        match facts_of(f) {
            Some(Facts::Proposal(p)) => Some((f, p)),
            _ => None,
        }
    }

    /// The delta specs the validator reads (`specs/<capability>/spec.md`): capability, file,
    /// facts.
    pub(crate) fn deltas(&self) -> impl Iterator<Item = (&'a str, &'a FileFacts, &'a DeltaSpec)> + '_ {
        self.files.iter().filter_map(|(rest, f)| {
            let cap = super::delta_capability(rest)?;
            match facts_of(f) {
                Some(Facts::Delta(d)) => Some((cap, *f, d)),
                _ => None,
            }
        })
    }

    /// Where findings about the change as a whole go: the proposal's title, else the first key
    /// of `.openspec.yaml`, else the first line of its first file.
    pub(crate) fn anchor(&self) -> Option<(&'a str, TextRange)> {
        if let Some((f, p)) = self.proposal() {
            return Some((&f.path, p.title));
        }
        if let Some(f) = self.file(".openspec.yaml")
            && let Some(Facts::Yaml(t, root, _)) = facts_of(f)
        {
            let r = t.entries(*root).first().map_or(TextRange::empty(0), |(k, _)| t.range(*k));
            return Some((&f.path, r));
        }
        let (_, f) = self.files.iter().find(|(r, _)| !r.contains('/')).or(self.files.first())?;
        Some((&f.path, first_line(f)))
    }
}

/// The first non-blank line of a file (its start when it has none).
pub(crate) fn first_line(f: &FileFacts) -> TextRange {
    super::lines::split(f.text())
        .iter()
        .find(|l| !super::lines::js_trim(l.text).is_empty())
        .map_or(TextRange::empty(0), |l| l.trimmed_range())
}

/// How a change's `.openspec.yaml` reads.
pub(crate) enum MetadataState<'a> {
    /// No metadata file.
    Absent,
    /// It does not parse as YAML.
    Unparsed(&'a FileFacts),
    /// Parsed and judged.
    Read(&'a FileFacts, &'a ChangeMetadata),
}

impl<'a> Project<'a> {
    pub(crate) fn new(ws: &'a Workspace) -> Project<'a> {
        let mut schemas = Vec::new();
        for (path, f) in ws.files.range("openspec/schemas/".to_string()..).take_while(|(p, _)| p.starts_with("openspec/schemas/")) {
            if let Place::Schema { name, rest: "schema.yaml" } = place(path) {
                let schema = match facts_of(f) {
                    Some(Facts::Yaml(t, root, _)) => Schema::read(t, *root, f.text()),
                    _ => Schema {
                        name: name.to_string(),
                        problems: vec![("the file is not valid YAML".into(), TextRange::empty(0))],
                        ..Schema::default()
                    },
                };
                schemas.push((name, schema));
            }
        }
        let config_schema = ["openspec/config.yaml", "openspec/config.yml"].iter().find_map(|p| {
            let f = ws.files.get(*p)?;
            match facts_of(f) {
                Some(Facts::Yaml(t, root, _)) => metadata::ProjectConfig::read(t, *root, f.text()).schema,
                _ => None,
            }
        });
        Project { ws, schemas, config_schema }
    }

    /// Every change folder (active, then archived), each with its files.
    pub(crate) fn changes(&self) -> Vec<Change<'a>> {
        let mut out: Vec<Change<'a>> = Vec::new();
        let prefix = "openspec/changes/";
        for (path, f) in self.ws.files.range(prefix.to_string()..).take_while(|(p, _)| p.starts_with(prefix)) {
            let Place::Change { change, archived, rest } = place(path) else { continue };
            match out.last_mut() {
                Some(c) if c.id == change && c.archived == archived => c.files.push((rest, f)),
                _ => {
                    let folder = if archived { format!("{prefix}archive/{change}") } else { format!("{prefix}{change}") };
                    out.push(Change { id: change, archived, folder, files: vec![(rest, f)] });
                }
            }
        }
        out
    }

    /// The schemas OpenSpec lists (`listSchemas`): the built-in `spec-driven` and every project
    /// schema folder with a `schema.yaml`.
    pub(crate) fn schema_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.schemas.iter().map(|(n, _)| *n).collect();
        if !names.contains(&"spec-driven") {
            names.push("spec-driven");
        }
        names.sort_unstable();
        names
    }

    /// The schema named `name` (`resolveSchema`: a `.yaml` suffix dropped, the project's own
    /// first): the project's (when it loads) or the built-in one; why not, otherwise.
    pub(crate) fn schema(&self, name: &str) -> Result<&Schema, String> {
        let name = name.strip_suffix(".yaml").or_else(|| name.strip_suffix(".yml")).unwrap_or(name);
        if let Some((_, s)) = self.schemas.iter().find(|(n, _)| *n == name) {
            return match s.problems.first() {
                None => Ok(s),
                Some((p, _)) => Err(format!("schema `{name}` does not load: {p}")),
            };
        }
        if name == "spec-driven" {
            return Ok(super::schema::builtin());
        }
        Err(format!("no schema named `{name}` (available: {})", self.schema_names().join(", ")))
    }

    /// Whether the change uses the package's own `spec-driven` schema (not a project schema of
    /// that name), which the task-numbering check is written for.
    pub(crate) fn builtin_spec_driven(&self, name: &str) -> bool {
        let name = name.strip_suffix(".yaml").or_else(|| name.strip_suffix(".yml")).unwrap_or(name);
        name == "spec-driven" && !self.schemas.iter().any(|(n, _)| *n == "spec-driven")
    }

    /// The change's metadata file, read.
    pub(crate) fn metadata(&self, c: &Change<'a>) -> MetadataState<'a> {
        let Some(f) = c.file(".openspec.yaml") else { return MetadataState::Absent };
        static EMPTY: std::sync::LazyLock<ChangeMetadata> = std::sync::LazyLock::new(|| ChangeMetadata {
            problem: Some((String::new(), "the file is empty".into(), TextRange::empty(0))),
            ..ChangeMetadata::default()
        });
        match facts_of(f) {
            Some(Facts::Yaml(t, root, read)) => MetadataState::Read(f, read.get_or_init(|| ChangeMetadata::read(t, *root, f.text()))),
            _ if f.blank || f.text.is_none() => MetadataState::Read(f, &EMPTY),
            _ => MetadataState::Unparsed(f),
        }
    }

    /// The schema a change resolves to (`resolveSchemaForChange`): its metadata's, else the
    /// project's default, else `spec-driven`. `Err` when the metadata does not load (it does
    /// not parse, fails the schema, or names an unknown schema): OpenSpec's task checks then
    /// stay silent.
    pub(crate) fn schema_name_of(&self, c: &Change<'a>) -> Result<String, ()> {
        match self.metadata(c) {
            MetadataState::Absent => Ok(self.config_schema.clone().unwrap_or_else(|| "spec-driven".to_string())),
            MetadataState::Unparsed(_) => Err(()),
            MetadataState::Read(_, m) => match (&m.problem, &m.schema) {
                (None, Some(s)) if self.schema_names().contains(&s.name.as_str()) => Ok(s.name.clone()),
                _ => Err(()),
            },
        }
    }

    /// The main spec of capability `id`, when there is one.
    pub(crate) fn main_spec(&self, id: &str) -> Option<(&'a FileFacts, &'a MainSpec)> {
        let f = self.ws.files.get(&format!("openspec/specs/{id}/spec.md"))?;
        match facts_of(f) {
            Some(Facts::MainSpec(s)) => Some((f, s)),
            _ => None,
        }
    }
}

/// The `skip_specs` marker (`readBooleanMarker`): declared, not declared, or set but not honoured
/// (why, and where).
enum Marker<'a> {
    Declared(&'a FileFacts, TextRange),
    NotDeclared,
    Unhonourable(&'a FileFacts, TextRange, String),
}

fn skip_specs<'a>(p: &Project<'a>, c: &Change<'a>) -> Marker<'a> {
    match p.metadata(c) {
        MetadataState::Absent => Marker::NotDeclared,
        MetadataState::Unparsed(f) => {
            if metadata::mentions(f.text(), "skip_specs") {
                let at = f.syntax_errors.first().map_or(TextRange::empty(0), |e| e.range);
                Marker::Unhonourable(f, at, "the file is not valid YAML".into())
            } else {
                Marker::NotDeclared
            }
        }
        MetadataState::Read(f, m) => {
            let entry = m.skip_specs.as_ref();
            match &m.problem {
                None => {
                    let Some((Value::Bool(true), at)) = entry else { return Marker::NotDeclared };
                    let Some(schema) = &m.schema else { return Marker::NotDeclared };
                    if !p.schema_names().contains(&schema.name.as_str()) {
                        return Marker::Unhonourable(f, schema.range, format!("schema: unknown schema `{}`", schema.name));
                    }
                    match p.schema(&schema.name) {
                        Ok(_) => Marker::Declared(f, *at),
                        Err(why) => Marker::Unhonourable(f, schema.range, why),
                    }
                }
                Some((key, why, at)) => match entry {
                    Some((Value::Bool(false), _)) | None => Marker::NotDeclared,
                    Some(_) => {
                        let what = if key.is_empty() { why.clone() } else { format!("{key}: {why}") };
                        Marker::Unhonourable(f, *at, what)
                    }
                },
            }
        }
    }
}

/// Whether a visible file is under the change's `specs/` (`hasAnyFileUnder`).
fn specs_file<'a>(c: &Change<'a>) -> Option<&'a FileFacts> {
    c.files.iter().find(|(rest, _)| rest.starts_with("specs/") && super::visible(rest)).map(|(_, f)| *f)
}

/// Whether a change's deltas count: entries of the delta specs the validator reads, plus a
/// root `specs/spec.md` or unread delta files (which the validator reports instead of "no
/// deltas").
fn has_deltas(c: &Change<'_>) -> bool {
    if c.deltas().any(|(_, _, d)| d.entries() > 0) {
        return true;
    }
    c.files.iter().any(|(rest, f)| {
        rest.strip_prefix("specs/").is_some_and(|inner| {
            super::visible(inner)
                && (inner == "spec.md"
                    || (super::delta_capability(rest).is_none()
                        && inner.to_ascii_lowercase().ends_with(".md")
                        && matches!(facts_of(f), Some(Facts::Delta(d)) if d.has_sections())))
        })
    })
}

/// `looksLikeChange`: a folder holds a change when it has a change's root file, a file under
/// `specs/`, or the first artifact output of the default schema.
fn looks_like_change(c: &Change<'_>, sub: &str) -> bool {
    let prefix = if sub.is_empty() { String::new() } else { format!("{sub}/") };
    c.files.iter().any(|(rest, _)| {
        let Some(inner) = rest.strip_prefix(prefix.as_str()) else { return false };
        matches!(inner, ".openspec.yaml" | "proposal.md" | "tasks.md" | "design.md")
            || (inner.starts_with("specs/") && super::visible(inner))
    })
}

/// `findNestedChangesIn`: the change folders inside a folder that is no change itself, up to
/// three levels down.
fn nested<'a>(c: &Change<'a>) -> Vec<String> {
    if c.archived || looks_like_change(c, "") || c.files.iter().any(|(rest, _)| !rest.contains('/') && !rest.starts_with('.')) {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut frontier: Vec<String> = vec![String::new()];
    for _ in 0..3 {
        let mut next = Vec::new();
        for dir in &frontier {
            let prefix = if dir.is_empty() { String::new() } else { format!("{dir}/") };
            let mut subs: Vec<&str> = c
                .files
                .iter()
                .filter_map(|(rest, _)| rest.strip_prefix(prefix.as_str())?.split_once('/').map(|(s, _)| s))
                .filter(|s| !s.starts_with('.'))
                .collect();
            subs.dedup();
            for s in subs {
                let sub = format!("{prefix}{s}");
                if looks_like_change(c, &sub) {
                    found.push(format!("{}/{sub}", c.id));
                } else {
                    next.push(sub);
                }
            }
        }
        frontier = next;
    }
    found.sort();
    found
}

/// The change-level checks of one change.
pub(crate) fn check(p: &Project<'_>, c: &Change<'_>, out: &mut Vec<Diagnostic>) {
    if c.archived {
        return;
    }
    let nested = nested(c);
    if !nested.is_empty() {
        let first = format!("{}/{}", c.folder, nested[0].split_once('/').map_or("", |x| x.1));
        let (path, range) = c
            .files
            .iter()
            .find(|(rest, _)| format!("{}/{rest}", c.folder).starts_with(&format!("{first}/")))
            .map_or((c.files[0].1.path.as_str(), TextRange::empty(0)), |(_, f)| (f.path.as_str(), first_line(f)));
        let list: Vec<String> = nested.iter().map(|n| format!("`openspec/changes/{n}/`")).collect();
        out.push(NESTED_CHANGE.at(
            path,
            range,
            format!(
                "`{}` is not a change: it is a folder wrapping {}, which OpenSpec cannot see; move each directly under `openspec/changes/` (`{}`)",
                c.id,
                list.join(", "),
                nested[0].replace('/', "-")
            ),
        ));
        return;
    }
    let marker = skip_specs(p, c);
    if let Marker::Unhonourable(f, at, why) = &marker {
        out.push(INVALID_METADATA.at(
            &f.path,
            *at,
            format!("`skip_specs` is set but `.openspec.yaml` is not valid change metadata, so the marker is not honoured: {why}"),
        ));
    }
    let specs = specs_file(c);
    if let (Marker::Declared(f, at), Some(s)) = (&marker, specs) {
        out.push(
            SKIP_SPECS_CONFLICT
                .at(&f.path, *at, format!("`skip_specs: true` says this change has no spec changes, but `{}` is under `specs/`", s.path))
                .with_related(&s.path, TextRange::empty(0), "a file under specs/"),
        );
    }
    let declared = matches!(marker, Marker::Declared(..));
    if !has_deltas(c)
        && !declared
        && let Some((path, range)) = c.anchor()
    {
        out.push(NO_DELTAS.at(
            path,
            range,
            format!(
                "change `{}` has no deltas: add `specs/<capability>/spec.md` with `## ADDED`/`MODIFIED`/`REMOVED`/`RENAMED Requirements` entries, or set `skip_specs: true` in its `.openspec.yaml` when no behaviour changes",
                c.id
            ),
        ));
    }
    // `validateChange` (openspec archive): deltas from the delta specs when any has sections,
    // else the `- **spec**: ...` items of What Changes.
    if let Some((f, proposal)) = c.proposal()
        && proposal.missing.is_none()
    {
        let from_specs = c.deltas().any(|(_, _, d)| d.has_sections());
        let count = if from_specs { c.deltas().map(|(_, _, d)| d.entries()).sum() } else { proposal.listed_deltas };
        if count > MAX_DELTAS {
            out.push(TOO_MANY_DELTAS.at(
                &f.path,
                proposal.title,
                format!("change `{}` holds {count} deltas (more than {MAX_DELTAS}); consider splitting it", c.id),
            ));
        }
    }
}
