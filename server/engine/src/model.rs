//! The workflow model every recognised convention maps onto: workflows made of phases, each with
//! deliverables and a gate (the criteria to leave it); optional state machines; runs recorded in
//! state files; tasks and requirements with their references.
//!
//! Markdown conventions (seeds 000-004), explicit `*.workflow.yaml` definitions, front-matter
//! definitions and seed 003's `workflow_id`/`phases` plans all produce these same types; the
//! checks in `diagnostics` and the actions in `actions` only read these types.

use crate::text::TextRange;

/// A name written somewhere, with where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    /// The name as written (trimmed).
    pub name: String,
    /// Byte range of the name in its file.
    pub range: TextRange,
}

impl Named {
    pub(crate) fn new(name: impl Into<String>, range: TextRange) -> Named {
        Named { name: name.into(), range }
    }
}

/// Where a workflow definition came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkflowSource {
    /// Phase headings and labels in Markdown (docs/conventions.md).
    MarkdownConventions,
    /// An explicit definition: a `*.workflow.yaml` file or a Markdown doc's front matter `phases:`.
    Definition,
    /// Seed 003's plan format: `workflow_id` and `phases: [{name, command, depends_on}]` in YAML
    /// or JSON.
    Plan,
    /// A framework's definition (built in, or the project's own with `framework:`), instantiated
    /// for one of its feature folders.
    Framework,
}

/// A workflow: an ordered list of phases and/or a state machine.
#[derive(Clone, Debug)]
pub struct Workflow {
    /// The workflow's name: front matter `name`, a definition's `name`/`workflow`/`workflow_id`,
    /// else the file stem.
    pub name: String,
    /// Where to point at the workflow (its name in front matter, or its first phase heading).
    pub name_range: TextRange,
    /// Whether the name is written (front matter or definition `name`), not a file stem.
    pub explicit_name: bool,
    /// Where it came from.
    pub source: WorkflowSource,
    /// Phases in document order (the order runs go through).
    pub phases: Vec<Phase>,
    /// The state machine, if the workflow declares one.
    pub state_machine: Option<StateMachine>,
    /// Outputs of the workflow as a whole (seed 002's `## Outputs (Writes)`).
    pub deliverables: Vec<Deliverable>,
    /// Starter content for deliverables, by file name (seed 001's "ARCHITECTURE.md Template").
    pub templates: Vec<Template>,
    /// The conventions that make the document a workflow, in [`Recognition`] order. Empty for a
    /// document that only has phase-like headings (one phase, or `Step N:` headings alone): it is
    /// a workflow only while a state file runs it (docs/conventions.md, "When a file defines a
    /// workflow").
    pub recognised_by: Vec<Recognition>,
    /// The framework this workflow belongs to (its id, [`crate::frameworks::FRAMEWORKS`]).
    pub framework: Option<String>,
    /// For a definition that is instantiated per folder (`instances: specs/*`): the globs of
    /// those folders, project-relative, a leading `!` leaving folders out
    /// (`!openspec/changes/archive`). Such a definition is not a workflow itself; each folder it
    /// matches is one ([`Workflow::instance`]).
    pub instances: Vec<String>,
    /// For an instance: its folder, project-relative (`specs/001-photo-albums`). Deliverable and
    /// criterion paths of the definition are relative to it.
    pub instance: Option<String>,
    /// Where a run stands is inferred from the artifacts (`run: inferred`) when no state file
    /// runs the workflow: the last phase whose [`Phase::reached`] criteria hold.
    pub run_inferred: bool,
    /// Replacements made in a template when scaffolding (`"[FEATURE NAME]": "{title}"`); the
    /// values may use `{instance}` (the instance folder's name), `{title}` (that name without its
    /// number, in words) and `{date}` (today, `YYYY-MM-DD`).
    pub template_values: Vec<(String, String)>,
    /// The slug of the name, and of each phase's id and title: computed once per file version by
    /// [`Workflow::index_keys`] so lookups do not slug on every comparison.
    pub(crate) keys: Keys,
}

/// A convention that makes a document a workflow: something phasegate can check in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Recognition {
    /// A feature folder of a framework (or of the project's own definition with `instances:`).
    Framework,
    /// An explicit definition: a `*.workflow.yaml` file, front-matter `phases:`/`states:`, or a
    /// seed 003 plan.
    Definition,
    /// At least two `Phase N:`, `Sub-Workflow N:` or `Workflow N:` headings (`Step N:` headings
    /// alone are how tutorials and prompts number instructions).
    PhaseHeadings,
    /// A gate: a `Gate Check:` line or an enforcement checklist attached to a phase.
    Gate,
    /// Deliverables of a phase or outputs of the workflow.
    Deliverables,
    /// A state machine with at least one transition.
    StateMachine,
}

impl Recognition {
    /// How `phasegate status` names it: `definition`, `phase headings`, `gate`, `deliverables`,
    /// `state machine`.
    pub fn as_str(self) -> &'static str {
        match self {
            Recognition::Definition => "definition",
            Recognition::PhaseHeadings => "phase headings",
            Recognition::Gate => "gate",
            Recognition::Deliverables => "deliverables",
            Recognition::StateMachine => "state machine",
            Recognition::Framework => "framework",
        }
    }
}

/// Precomputed lookup keys of a workflow.
#[derive(Clone, Debug, Default)]
pub(crate) struct Keys {
    pub name: String,
    /// `(slug of id, slug of title, slug of number)` per phase.
    pub phases: Vec<(String, String, Option<String>)>,
    /// The first phase having each id, slug of id or slug of title: [`Workflow::phase_index`] in
    /// `O(1)` instead of a scan per lookup (a document with 100,000 gates looks up 100,000 targets).
    pub by_name: std::collections::HashMap<String, usize>,
    /// The first phase having each slug of number.
    pub by_number: std::collections::HashMap<String, usize>,
    /// The state machine's states, ASCII-lowercased ([`Workflow::state_exists`] in `O(1)`).
    pub states: std::collections::HashSet<String>,
    /// Whether [`Workflow::index_keys`] has run.
    pub indexed: bool,
}

impl Workflow {
    /// A workflow with nothing in it yet.
    pub(crate) fn new(name: String, name_range: TextRange, source: WorkflowSource) -> Workflow {
        Workflow {
            name,
            name_range,
            explicit_name: false,
            source,
            phases: Vec::new(),
            state_machine: None,
            deliverables: Vec::new(),
            templates: Vec::new(),
            recognised_by: Vec::new(),
            framework: None,
            instances: Vec::new(),
            instance: None,
            run_inferred: false,
            template_values: Vec::new(),
            keys: Keys::default(),
        }
    }

    /// Computes [`Workflow::keys`]; extraction calls it once the workflow is complete.
    pub(crate) fn index_keys(&mut self) {
        let phases: Vec<(String, String, Option<String>)> =
            self.phases.iter().map(|p| (slug(&p.id), slug(&p.title), p.number.as_deref().map(slug))).collect();
        let mut by_name = std::collections::HashMap::new();
        let mut by_number = std::collections::HashMap::new();
        for (i, (p, k)) in self.phases.iter().zip(&phases).enumerate() {
            for key in [&p.id, &k.0, &k.1] {
                by_name.entry(key.clone()).or_insert(i);
            }
            if let Some(n) = &k.2 {
                by_number.entry(n.clone()).or_insert(i);
            }
        }
        let states = self.state_machine.iter().flat_map(|sm| &sm.states).map(|s| s.name.to_ascii_lowercase()).collect();
        self.keys = Keys { name: slug(&self.name), phases, by_name, by_number, states, indexed: true };
    }

    /// The index of the phase `name` refers to: its id, its title, or its number (`2.5`,
    /// `phase-2.5`, `Phase 2.5`), compared case-insensitively.
    pub fn phase_index(&self, name: &str) -> Option<usize> {
        let wanted = slug(name);
        if wanted.is_empty() {
            return None;
        }
        let number = ["phase-", "step-", "sub-workflow-", "workflow-"].iter().find_map(|k| wanted.strip_prefix(k)).unwrap_or(&wanted);
        if self.keys.phases.len() == self.phases.len() {
            return self.keys.by_name.get(&wanted).or_else(|| self.keys.by_number.get(number)).copied();
        }
        // Keys not computed yet (during extraction): a scan.
        let computed;
        let keys = if self.keys.phases.len() == self.phases.len() {
            &self.keys.phases
        } else {
            computed = self.phases.iter().map(|p| (slug(&p.id), slug(&p.title), p.number.as_deref().map(slug))).collect::<Vec<_>>();
            &computed
        };
        if let Some(i) = self.phases.iter().zip(keys).position(|(p, k)| p.id == wanted || k.0 == wanted || k.1 == wanted) {
            return Some(i);
        }
        // `2`, `phase-2`, `Sub-Workflow 2`, `Step 2`, ...: the phase numbered so.
        keys.iter().position(|k| k.2.as_deref() == Some(number))
    }

    /// Whether the document is a workflow on its own (see [`Workflow::recognised_by`]); when not,
    /// only a state file naming it makes it one.
    pub fn is_recognised(&self) -> bool {
        !self.recognised_by.is_empty()
    }

    /// Whether `name` is a state of the state machine (ids compared case-insensitively).
    pub fn state_exists(&self, name: &str) -> bool {
        if self.keys.indexed {
            return self.state_machine.is_some() && self.keys.states.contains(&name.to_ascii_lowercase());
        }
        self.state_machine.as_ref().is_some_and(|sm| sm.states.iter().any(|s| s.name.eq_ignore_ascii_case(name)))
    }
}

/// A phase of a workflow.
#[derive(Clone, Debug)]
pub struct Phase {
    /// The phase's id: the slug of its title without a trailing parenthetical
    /// (`Phase 0: Requirements Definition (PM First!)` is `requirements-definition`), or the id
    /// a definition gives.
    pub id: String,
    /// Its number as written (`0`, `2.5`, `-1`), if it has one.
    pub number: Option<String>,
    /// Its title as written.
    pub title: String,
    /// The heading or definition entry declaring it.
    pub range: TextRange,
    /// What the phase must produce.
    pub deliverables: Vec<Deliverable>,
    /// Criteria to leave the phase.
    pub gate: Gate,
    /// Phases this one depends on (definitions and plans).
    pub depends_on: Vec<Named>,
    /// What shows that a run has reached this phase, for runs inferred from artifacts
    /// ([`Workflow::run_inferred`]); empty: its required deliverables exist (a phase without any
    /// is never reached on its own).
    pub reached: Vec<Criterion>,
}

/// A file a phase or workflow must produce.
#[derive(Clone, Debug)]
pub struct Deliverable {
    /// The path as written. Placeholders (`{x}`, `<feature-name>`, `[feature]`, `[id:name]`) match
    /// any file name part; see [`Deliverable::is_pattern`].
    pub path: String,
    /// Range of the path as written.
    pub range: TextRange,
    /// Optional or conditional outputs ("(optional)", "when ...", "if ...") are never required.
    pub optional: bool,
    /// The deliverable must hold no unresolved markers once its phase's gate has passed (seed
    /// 001: "No TBD sections allowed"; definitions: `complete: true`).
    pub require_complete: bool,
    /// Starter content named by a definition's `template:`, as a path.
    pub template: Option<String>,
    /// The workspace-relative path it resolves to, or why it cannot be resolved (it climbs out of
    /// the workspace).
    pub resolved: Result<String, String>,
    /// The compiled pattern, when the path holds placeholders.
    pub(crate) pattern: Option<crate::paths::PathPattern>,
}

impl Deliverable {
    /// A deliverable written as `path` at `range` in the document at workspace-relative
    /// `doc_path`, resolved and, if it holds placeholders, compiled to a pattern.
    pub(crate) fn new(doc_path: &str, path: &str, range: TextRange) -> Deliverable {
        let resolved = crate::paths::resolve(doc_path, path);
        let pattern = match &resolved {
            Ok(p) if crate::paths::has_placeholder(p) => crate::paths::PathPattern::new(p),
            _ => None,
        };
        Deliverable { path: path.to_string(), range, optional: false, require_complete: false, template: None, resolved, pattern }
    }

    /// A deliverable at workspace-relative `resolved`, already resolved (shown as that path),
    /// compiled to a pattern if it holds placeholders.
    pub(crate) fn at(resolved: String, range: TextRange) -> Deliverable {
        let pattern = if crate::paths::has_placeholder(&resolved) { crate::paths::PathPattern::new(&resolved) } else { None };
        Deliverable {
            path: resolved.clone(),
            range,
            optional: false,
            require_complete: false,
            template: None,
            resolved: Ok(resolved),
            pattern,
        }
    }

    /// Whether the path holds a placeholder, so that it names a pattern rather than a file.
    pub fn is_pattern(&self) -> bool {
        crate::paths::has_placeholder(&self.path)
    }
}

/// Starter content for a deliverable.
#[derive(Clone, Debug)]
pub struct Template {
    /// The file name it is for (`ARCHITECTURE.md`).
    pub file_name: String,
    /// The content.
    pub content: String,
    /// Where the template section starts.
    pub range: TextRange,
}

/// The criteria to leave a phase.
#[derive(Clone, Debug, Default)]
pub struct Gate {
    /// Each criterion.
    pub criteria: Vec<Criterion>,
    /// Where the gate line (`**Gate Check**: ...`) is, if one is written.
    pub range: Option<TextRange>,
    /// The phase the gate says to proceed to (`→ Proceed to Phase 2`), as written.
    pub proceeds_to: Option<Named>,
}

/// One criterion of a gate.
#[derive(Clone, Debug)]
pub struct Criterion {
    /// What it checks.
    pub kind: CriterionKind,
    /// The text that states it, for reports.
    pub label: String,
    /// Where it is stated.
    pub range: TextRange,
}

/// What a gate criterion checks.
#[derive(Clone, Debug)]
pub enum CriterionKind {
    /// Every required deliverable of the phase exists and is not blank. Implied by every gate.
    DeliverablesExist,
    /// Every `- [ ]` item of a checklist is ticked. `file` is workspace-relative; `section` is
    /// the heading or label line the list follows (seed 001: "Before starting implementation,
    /// orchestrator MUST verify:").
    ChecklistTicked {
        /// Workspace-relative path of the file holding the checklist.
        file: String,
        /// Heading or label line the list follows; empty for every checklist item of the file.
        section: String,
    },
    /// No `TBD`/`TODO`/`[NEEDS CLARIFICATION` markers in these files (workspace-relative).
    NoMarkers {
        /// Workspace-relative paths.
        files: Vec<String>,
    },
    /// A gate result named `name` is recorded as passed in the run's state file (`gates:`) or in
    /// a checks file (seed 002's `checks.yaml`).
    Recorded {
        /// The gate result's name.
        name: String,
    },
    /// A criterion in prose (seed 000's "Success Criteria: Design review approved"): shown, not
    /// checked.
    Manual,
    /// A heading whose text starts with `heading` (case-insensitive) is in `file`.
    Section {
        /// Workspace-relative path.
        file: String,
        /// The heading's text, or its start.
        heading: String,
    },
    /// At least one `- [x]` item is ticked in `file`.
    AnyTicked {
        /// Workspace-relative path.
        file: String,
    },
}

/// A state machine (seed 002's `States:`/`Transitions:` lists, seed 004's arrow diagram).
#[derive(Clone, Debug, Default)]
pub struct StateMachine {
    /// Declared states, in order.
    pub states: Vec<Named>,
    /// Allowed transitions.
    pub transitions: Vec<Transition>,
    /// Transitions the workflow forbids explicitly (`Invalid transitions:`).
    pub forbidden: Vec<Transition>,
    /// Where the state machine is declared.
    pub range: TextRange,
}

/// One transition.
#[derive(Clone, Debug)]
pub struct Transition {
    /// The source state; `None` for "Any state".
    pub from: Option<String>,
    /// The target state.
    pub to: String,
    /// The trigger in parentheses, if any (`(architect)`).
    pub trigger: Option<String>,
    /// Where it is written.
    pub range: TextRange,
}

/// Which state-file format a run was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateFormat {
    /// phasegate's YAML (docs/formats.md): `workflow`, `current`, `history`, `gates`.
    Yaml,
    /// Seed 000's orchestrator JSON: `orchestrator_name`, `current_sub_workflow`, ...
    OrchestratorJson,
    /// BMAD's `sprint-status.yaml`: one run per `development_status` entry (a story, epic or
    /// retrospective at its status), read and advanced by `crate::state::sprint_status`.
    SprintStatus,
    /// A Spec Kit workflow engine run: `.specify/workflows/runs/<run_id>/state.json`, its
    /// `current_step_index` the current step (frameworks/speckit/run_state.rs). Spec Kit's engine
    /// moves it on (`specify workflow resume`), not phasegate.
    SpecKitRun,
}

/// Where one run of a workflow stands, as a state file records it.
#[derive(Clone, Debug)]
pub struct Run {
    /// The file format.
    pub format: StateFormat,
    /// The workflow's name.
    pub workflow: Named,
    /// The current phase or state.
    pub current: Option<Named>,
    /// `running`, `completed`, ... as written.
    pub status: Option<Named>,
    /// Phases recorded as completed, in order.
    pub completed: Vec<Named>,
    /// Phases recorded as pending.
    pub pending: Vec<Named>,
    /// Recorded transitions, oldest first.
    pub history: Vec<HistoryEntry>,
    /// Recorded gate results.
    pub gates: Vec<GateResult>,
    /// Seed 000's `overall_progress`.
    pub progress: Option<Progress>,
}

impl Run {
    /// Whether the run is recorded as finished (`status: completed`).
    pub fn is_completed(&self) -> bool {
        self.status.as_ref().is_some_and(|s| s.name.eq_ignore_ascii_case("completed"))
    }
}

/// A recorded transition.
#[derive(Clone, Debug)]
pub struct HistoryEntry {
    /// Source phase or state (absent for the first entry of some files).
    pub from: Option<Named>,
    /// Target phase or state.
    pub to: Named,
    /// Timestamp as written.
    pub at: Option<String>,
    /// The whole entry.
    pub range: TextRange,
}

/// A recorded gate result.
#[derive(Clone, Debug)]
pub struct GateResult {
    /// Gate name.
    pub name: Named,
    /// Whether it passed (`passed`, `pass`, `true`, `ok`, `approved`).
    pub passed: bool,
}

/// Seed 000's `overall_progress`.
#[derive(Clone, Debug)]
pub struct Progress {
    /// `completed` count and its range.
    pub completed: Option<(u64, TextRange)>,
    /// `total` count and its range.
    pub total: Option<(u64, TextRange)>,
    /// `percentage` and its range.
    pub percentage: Option<(f64, TextRange)>,
}

/// A task (`T1: ...` list item or heading in a tasks file; `- [ ] T001 [P] [US1] ...` in Spec
/// Kit's).
#[derive(Clone, Debug)]
pub struct Task {
    /// Its id (`T1`, `T001`, `TASK-3`).
    pub id: Named,
    /// Its checkbox: `Some(true)` ticked, `Some(false)` open, `None` without one (a heading or a
    /// plain bullet).
    pub checked: Option<bool>,
    /// Its text after the id and labels.
    pub title: String,
    /// Bracketed labels right after the id (`[P]`, `[US1]`), without the brackets.
    pub labels: Vec<Named>,
    /// The heading it is under (`Phase 3: User Story 1 - Browse albums`), if any.
    pub section: Option<String>,
    /// `implements:` pointers as written (`checkout/R1`).
    pub implements: Vec<Named>,
    /// `depends_on:` ids.
    pub depends_on: Vec<Named>,
    /// The task's first line (the list item's or heading's).
    pub range: TextRange,
}

/// A requirement (`R1: ...`, `**FR-001**: System MUST ...`) of a spec, or a requirement-like
/// item a framework reads: a Spec Kit user story (`US1`), a Kiro requirement (`1`), an OpenSpec
/// requirement (its name). Ranges are byte offsets into the file's text.
#[derive(Clone, Debug)]
pub struct Requirement {
    /// Its id, where it is written.
    pub id: Named,
    /// Its text after the id (a story's or Kiro requirement's title, an OpenSpec requirement's
    /// first body line).
    pub text: String,
    /// The line declaring it (an OpenSpec requirement: its whole block).
    pub range: TextRange,
    /// Its acceptance scenarios or criteria, in document order: a Spec Kit story's "Acceptance
    /// Scenarios", a Kiro requirement's "Acceptance Criteria", an OpenSpec requirement's
    /// `#### Scenario:` blocks. Empty for the others.
    pub acceptance: Vec<Acceptance>,
}

impl Requirement {
    /// A requirement without acceptance scenarios or criteria.
    pub fn new(id: Named, text: impl Into<String>, range: TextRange) -> Requirement {
        Requirement { id, text: text.into(), range, acceptance: Vec::new() }
    }
}

/// One acceptance scenario or criterion of a [`Requirement`], under its framework's name
/// ([`Acceptance::noun`]). Ranges are byte offsets into the file's text.
#[derive(Clone, Debug)]
pub struct Acceptance {
    /// How it is named, where that is written: a Spec Kit scenario's number (`2`, from its
    /// `2.` list marker), a Kiro criterion's `N.M` as `_Requirements:` cites it (at its number),
    /// an OpenSpec scenario's name (in its `#### Scenario:` header).
    pub id: Named,
    /// The framework's word for it: `acceptance scenario` (Spec Kit), `acceptance criterion`
    /// (Kiro), `scenario` (OpenSpec).
    pub noun: &'static str,
    /// Its text: the list item's after its number (inline markup removed), an OpenSpec
    /// scenario's body lines joined by `\n`.
    pub text: String,
    /// All of it: the list item (wrapped lines included), the scenario from its header to its
    /// last non-blank line.
    pub range: TextRange,
    /// Whether its clauses are EARS ones (Kiro: `WHEN`/`IF`/`WHILE`/`WHERE`/`THEN`) rather than
    /// Given/When/Then; [`Acceptance::steps`] reads them on demand (only hover and document
    /// symbols show them, so a check does not split every scenario).
    pub ears: bool,
}

impl Acceptance {
    /// Its Given/When/Then clauses (Kiro: its EARS clauses), in order; empty when it is not
    /// written that way. `view` is the text of its file as read (merge conflicts masked, see
    /// `FileFacts::view`); ranges are byte offsets into it.
    pub fn steps(&self, view: &str) -> Vec<Step> {
        crate::extract::acceptance::steps(view, self.range, self.ears)
    }

    /// A one-line summary for people: its clauses (`Given a member, When ..., Then ...`), else
    /// the first non-blank line of its text. `view` as for [`Acceptance::steps`].
    pub fn summary(&self, view: &str) -> String {
        let steps = self.steps(view);
        if steps.is_empty() {
            self.text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("").to_string()
        } else {
            steps.iter().map(|st| format!("{} {}", st.keyword, st.text)).collect::<Vec<_>>().join(", ")
        }
    }
}

/// One clause of an acceptance scenario or criterion: `**Given** a signed-in member`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The keyword as written, without markup (`Given`, `WHEN`, `then`).
    pub keyword: String,
    /// The clause's text after the keyword, markup and a trailing comma trimmed.
    pub text: String,
    /// From the keyword to the end of its clause (bytes).
    pub range: TextRange,
}

/// Turns a title into an id: lowercase ASCII letters and digits, other runs of characters become
/// one `-`, a trailing parenthetical is dropped (`Foundation Design (Architecture-First)` is
/// `foundation-design`). Non-ASCII letters are kept lowercased.
pub fn slug(title: &str) -> String {
    let mut title = title.trim();
    if title.ends_with(')')
        && let Some(open) = title.rfind('(')
        && open > 0
    {
        title = title[..open].trim_end();
    }
    let mut out = String::with_capacity(title.len());
    let mut dash = false;
    for c in title.chars() {
        if c.is_alphanumeric() || c == '.' && out.chars().last().is_some_and(|p| p.is_ascii_digit()) {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            // ASCII without the Unicode case tables.
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(c.to_lowercase());
            }
        } else if c == '-' && out.is_empty() {
            out.push('-');
        } else {
            dash = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs() {
        assert_eq!(slug("Requirements Definition (PM First!)"), "requirements-definition");
        assert_eq!(slug("Design"), "design");
        assert_eq!(slug("Validation & Quality Assurance"), "validation-quality-assurance");
        assert_eq!(slug("2.5"), "2.5");
        assert_eq!(slug("-1"), "-1");
        assert_eq!(slug("system_design_updated"), "system-design-updated");
        assert_eq!(slug("Phase 2.5"), "phase-2.5");
    }
}
