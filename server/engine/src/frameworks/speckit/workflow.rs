//! Spec Kit's workflow engine: definitions in `.specify/workflows/<id>/workflow.yml` (installed)
//! and `workflows/<id>/workflow.yml` (a catalog's source), read as workflows (each top-level step
//! a phase, a `type: gate` step's message its gate), and checked at authoring time for every
//! structural error Spec Kit's validator reports when the workflow is added or run:
//! `speckit-workflow-invalid`, `speckit-duplicate-step-id`, `speckit-unknown-step-type`.
//!
//! Facts from `specify-cli` 1.2.3 (PyPI), `src/specify_cli/workflows/engine.py`
//! (`validate_workflow`, `_validate_steps`, `WorkflowEngine._coerce_input`), the step types'
//! `validate` methods (`workflows/step/*/__init__.py`, `step/_capture.py`),
//! `workflows/composition.py` (`validate_outputs`, `validate_call`) and
//! `workflows/expressions.py` (the condition checks). `tests/speckit-validator/` runs that
//! validator and phasegate on the same definitions and lists every difference
//! (docs/frameworks/speckit.md).

use crate::analysis::Context;
use crate::diagnostics::{Code, Diagnostic, Doc, Rule, Severity};
use crate::extract::DataRecogniser;
use crate::facts::FileFacts;
use crate::frameworks::speckit::pytypes::{Py, Syntax, py};
use crate::model::{Criterion, CriterionKind, Gate, Phase, Recognition, Workflow, WorkflowSource};
use crate::syntax::tree::{NodeId, Tree};
use crate::text::TextRange;

const SOURCE: &str = "specify-cli src/specify_cli/workflows/engine.py (validate_workflow) and the step types' validate()";

pub(crate) const WORKFLOW_INVALID: Rule = Rule {
    doc: Doc {
        code: Code::new("speckit-workflow-invalid"),
        severity: Severity::Error,
        when: "A Spec Kit workflow definition (`.specify/workflows/<id>/workflow.yml`, `workflows/<id>/workflow.yml`) has an error that Spec Kit's validator reports when the workflow is added or run: a missing or malformed `workflow.id`, `name` or `version`, an unsupported `schema_version`, a malformed `inputs` entry (type, enum, a default of the wrong type or outside its enum), an unknown `requires` key, malformed `outputs`, no steps, a step without an id, or a step missing a field its type needs or holding one of the wrong type (a command without `command`, a gate without `message` or without a reject option, an `if` whose condition is never evaluated as an expression, a fan-in waiting for a step not declared before it, ...). Reported at the field, or at the step or mapping that lacks it. Values are typed as Spec Kit's YAML loader types them (`version: 1.0` is a number).",
        fix: "Correct the field as the message says; `specify workflow add` and `specify workflow run` accept the definition once phasegate reports nothing.",
    },
    framework: Some("speckit"),
    source: SOURCE,
};

pub(crate) const DUPLICATE_STEP: Rule = Rule {
    doc: Doc {
        code: Code::new("speckit-duplicate-step-id"),
        severity: Severity::Error,
        when: "Two steps of a Spec Kit workflow definition share an id, anywhere in the definition (the branches of `if` and `switch` and the bodies of loops included; a fan-out's `step` template has ids of its own). Spec Kit's validator refuses the definition. Reported on the later step.",
        fix: "Rename one of the steps.",
    },
    framework: Some("speckit"),
    source: SOURCE,
};

pub(crate) const UNKNOWN_STEP_TYPE: Rule = Rule {
    doc: Doc {
        code: Code::new("speckit-unknown-step-type"),
        severity: Severity::Error,
        when: "A step of a Spec Kit workflow definition has a `type` that is no step type: Spec Kit's are `command` (the default), `shell`, `prompt`, `gate`, `if`, `switch`, `while`, `do-while`, `fan-out`, `fan-in`, `init`, `slot`, `workflow` and `github`, and a project may install its own under `.specify/workflows/steps/<name>/` (`step.yml` with `step.type_key`, beside the step's `__init__.py`). The step's other fields are not checked.",
        fix: "Use one of the step types, or install the custom step type the workflow needs (`specify workflow step add`).",
    },
    framework: Some("speckit"),
    source: SOURCE,
};

/// Spec Kit's built-in step types (`workflows/__init__.py`, `_register_builtin_steps`).
pub(crate) const STEP_TYPES: &[&str] =
    &["command", "do-while", "fan-in", "fan-out", "gate", "github", "workflow", "if", "init", "prompt", "shell", "slot", "switch", "while"];

/// Workflow ids Spec Kit reserves for its own folders under `.specify/workflows/`.
const RESERVED_IDS: &[&str] = &["overlays", "runs", "steps"];

/// Output names reserved by workflow composition (`composition.py`, `RESERVED_OUTPUT_NAMES`).
const RESERVED_OUTPUTS: &[&str] = &["workflow", "status", "error", "aborted", "integration", "model", "options", "input"];

/// Reads a workflow definition into the model: its top-level steps are its phases.
pub(crate) const RECOGNISER: DataRecogniser = DataRecogniser { name: "speckit-workflow", applies: is_definition, extract };

/// Whether `path` is a Spec Kit workflow definition: `.specify/workflows/<id>/workflow.yml`
/// (where `specify workflow add` installs it) or `workflows/<id>/workflow.yml` (the layout of a
/// workflow catalog's source, as in github/spec-kit).
pub(crate) fn is_definition(path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        [".specify", "workflows", id, "workflow.yml"] => !RESERVED_IDS.contains(id),
        ["workflows", _, "workflow.yml"] => true,
        _ => false,
    }
}

/// Whether `path` is a custom step type's manifest, `.specify/workflows/steps/<name>/step.yml`.
fn is_step_manifest(path: &str) -> bool {
    matches!(path.split('/').collect::<Vec<_>>().as_slice(), [".specify", "workflows", "steps", _, "step.yml"])
}

/// `id` matches Spec Kit's `_ID_PATTERN`: lowercase letters, digits and inner hyphens.
pub(crate) fn is_id(id: &str) -> bool {
    let b = id.as_bytes();
    let ok = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    !b.is_empty() && ok(&b[0]) && ok(&b[b.len() - 1]) && b.iter().all(|c| ok(c) || *c == b'-')
}

/// The entries of mapping `id` as Spec Kit's loader sees them: YAML merge keys (`<<: *base`,
/// `<<: [*a, *b]`) expanded, an entry written in the mapping winning over a merged one and an
/// earlier merged mapping over a later one; of duplicate keys the last (Python's dict keeps it).
/// Each entry keeps its key node, for positions.
pub(crate) fn entries(t: &Tree, id: NodeId) -> Vec<(NodeId, NodeId)> {
    fn collect(t: &Tree, id: NodeId, depth: usize, out: &mut Vec<(NodeId, NodeId)>) {
        if depth > 16 {
            return;
        }
        let own: Vec<(NodeId, NodeId)> = t.entries(id).iter().copied().filter(|(k, _)| t.str(*k) != Some("<<")).collect();
        let mut merged: Vec<(NodeId, NodeId)> = Vec::new();
        for &(k, v) in t.entries(id) {
            if t.str(k) != Some("<<") {
                continue;
            }
            let sources: Vec<NodeId> = if t.is_seq(v) { t.items(v).to_vec() } else { vec![v] };
            for src in sources.into_iter().filter(|s| t.is_map(*s)) {
                let mut inner = Vec::new();
                collect(t, src, depth + 1, &mut inner);
                for (ik, iv) in inner {
                    let name = t.str(ik);
                    if !merged.iter().any(|(mk, _)| t.str(*mk) == name) {
                        merged.push((ik, iv));
                    }
                }
            }
        }
        // Keys written here win; among them, the last of duplicates.
        let mut result: Vec<(NodeId, NodeId)> = Vec::new();
        for &(k, v) in own.iter().rev() {
            if !result.iter().any(|(rk, _)| t.str(*rk) == t.str(k) && t.str(k).is_some()) {
                result.push((k, v));
            }
        }
        result.reverse();
        for (k, v) in merged {
            if !result.iter().any(|(rk, _)| t.str(*rk) == t.str(k)) {
                result.push((k, v));
            }
        }
        out.extend(result);
    }
    let mut out = Vec::new();
    if t.entries(id).iter().any(|(k, _)| t.str(*k) == Some("<<")) {
        collect(t, id, 0, &mut out);
    } else {
        // Without merges, every entry as written (duplicates included: callers pick the last).
        out.extend_from_slice(t.entries(id));
    }
    out
}

/// The value of `key` in mapping `id` as Spec Kit's loader sees it (see [`entries`]).
fn get(t: &Tree, id: NodeId, key: &str) -> Option<NodeId> {
    entries(t, id).iter().rev().find(|(k, _)| t.str(*k) == Some(key)).map(|(_, v)| *v)
}

fn extract(facts: &mut FileFacts, t: &Tree, root: NodeId) {
    read(facts, t, root);
}

/// Reads the definition mapping `root` into a workflow of `facts` (none for a definition
/// without steps).
pub(crate) fn read(facts: &mut FileFacts, t: &Tree, root: NodeId) {
    if !t.is_map(root) {
        return;
    }
    let folder = facts.path.rsplit('/').nth(1).unwrap_or("workflow").to_string();
    let header = get(t, root, "workflow").filter(|n| t.is_map(*n));
    let id_node = header.and_then(|h| get(t, h, "id")).filter(|n| t.str(*n).is_some_and(|s| !s.trim().is_empty()));
    let (name, name_range) = match id_node {
        Some(n) => (t.str(n).unwrap_or_default().trim().to_string(), t.range(n)),
        None => (folder, t.range(root)),
    };
    let mut wf = Workflow::new(name, name_range, WorkflowSource::Definition);
    wf.explicit_name = true;
    wf.recognised_by = vec![Recognition::Definition];
    wf.framework = Some("speckit".to_string());
    let steps = get(t, root, "steps").map(|s| t.items(s).to_vec()).unwrap_or_default();
    for (i, &step) in steps.iter().enumerate() {
        let Some(id) = get(t, step, "id").filter(|n| t.str(*n).is_some_and(|s| !s.is_empty())) else { continue };
        let raw = t.str(id).unwrap_or_default().to_string();
        if wf.phases.iter().any(|p| p.title == raw) {
            continue; // A duplicate step id: `speckit-duplicate-step-id` reports it.
        }
        let mut gate = Gate::default();
        if get(t, step, "type").and_then(|n| t.str(n)) == Some("gate") {
            let message = get(t, step, "message").and_then(|n| t.str(n)).unwrap_or("review").trim().to_string();
            gate.range = Some(t.range(step));
            gate.criteria.push(Criterion { kind: CriterionKind::Manual, label: format!("gate `{raw}`: {message}"), range: t.range(id) });
        }
        wf.phases.push(Phase {
            id: if is_id(&raw) { raw.clone() } else { crate::model::slug(&raw) },
            number: Some((i + 1).to_string()),
            title: raw,
            range: t.range(id),
            deliverables: Vec::new(),
            gate,
            depends_on: Vec::new(),
            reached: Vec::new(),
        });
    }
    if !wf.phases.is_empty() {
        facts.workflows.push(wf);
    }
}

/// The condition helpers of `workflows/expressions.py`.
mod expr {
    /// Index of the `}}` closing the block opened at `start`, outside quotes.
    fn block_close(text: &str, start: usize) -> Option<usize> {
        let b = text.as_bytes();
        let mut quote: Option<u8> = None;
        let mut i = start + 2;
        while i < b.len() {
            let c = b[i];
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == b'\'' || c == b'"' => quote = Some(c),
                None if c == b'}' && b.get(i + 1) == Some(&b'}') => return Some(i),
                None => {}
            }
            i += 1;
        }
        None
    }

    /// `Some(true)`: the first block the quote-aware scan cannot close is still evaluated (a raw
    /// `}}` follows); `Some(false)`: it is left verbatim; `None`: every block closes.
    fn first_unclosable(text: &str) -> Option<bool> {
        let mut i = 0;
        loop {
            let start = i + text[i..].find("{{")?;
            match block_close(text, start) {
                Some(close) => i = close + 2,
                None => return Some(text[start + 2..].contains("}}")),
            }
        }
    }

    /// Whether the whole text is one `{{ ... }}` block.
    fn single_expression(s: &str) -> bool {
        if !(s.starts_with("{{") && s.ends_with("}}")) || s.len() < 4 {
            return false;
        }
        let inner = &s[2..s.len() - 2];
        if inner.trim().is_empty() {
            return false;
        }
        let b = inner.as_bytes();
        let mut quote: Option<u8> = None;
        for i in 0..b.len() {
            let c = b[i];
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == b'\'' || c == b'"' => quote = Some(c),
                None if c == b'}' && b.get(i + 1) == Some(&b'}') => return false,
                None => {}
            }
        }
        true
    }

    fn is_bool_word(s: &str) -> bool {
        s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false")
    }

    /// A string condition that is never evaluated and so always true.
    pub(super) fn never_evaluated(c: &str) -> bool {
        if c.is_empty() {
            return false;
        }
        let s = c.trim();
        if s.is_empty() {
            return true;
        }
        if is_bool_word(s) {
            return false;
        }
        if !s.contains("{{") {
            return true;
        }
        first_unclosable(s) == Some(false)
    }

    /// A block the scan cannot close but the interpolator evaluates truncated.
    pub(super) fn malformed(c: &str) -> bool {
        let s = c.trim();
        !s.is_empty() && !is_bool_word(s) && first_unclosable(s) == Some(true)
    }

    /// Blocks spliced into text and coerced by `bool()`.
    pub(super) fn interpolated(c: &str) -> bool {
        let s = c.trim();
        if s.is_empty() || !s.contains("{{") || never_evaluated(c) || malformed(c) {
            return false;
        }
        !single_expression(s)
    }
}

/// The validator of one definition.
struct Validator<'a> {
    t: &'a Tree,
    text: &'a str,
    path: &'a str,
    custom: &'a [String],
    out: &'a mut Vec<Diagnostic>,
}

impl Validator<'_> {
    fn py(&self, n: NodeId) -> Py {
        py(self.t, self.text, Syntax::Yaml, n)
    }

    fn report(&mut self, rule: &Rule, at: TextRange, message: String) {
        self.out.push(rule.at(self.path, at, message));
    }

    fn err(&mut self, at: NodeId, message: String) {
        let range = self.key_or_node(at);
        self.report(&WORKFLOW_INVALID, range, message);
    }

    /// Where to point at node `n`: a mapping or sequence at its first line, a scalar at itself.
    fn key_or_node(&self, n: NodeId) -> TextRange {
        let r = self.t.range(n);
        if self.t.is_map(n) || self.t.is_seq(n) {
            let end = crate::text::line_end(self.text, r.start.min(self.text.len())).max(r.start);
            return TextRange::new(r.start, end.min(r.end.max(r.start)));
        }
        r
    }

    /// The key node of entry `key` in mapping `map` (to point at a field that is there).
    fn key_of(&self, map: NodeId, key: &str) -> Option<NodeId> {
        entries(self.t, map).iter().rev().find(|(k, _)| self.t.str(*k) == Some(key)).map(|(k, _)| *k)
    }

    fn is_empty_collection(&self, n: NodeId) -> bool {
        (self.t.is_seq(n) && self.t.items(n).is_empty()) || (self.t.is_map(n) && entries(self.t, n).is_empty())
    }

    /// Python truthiness of node `n`.
    fn truthy(&self, n: NodeId) -> bool {
        self.py(n).truthy() && !self.is_empty_collection(n)
    }

    /// Whether `value` can be encoded as JSON and read back unchanged (`require_json`).
    fn json_safe(&self, n: NodeId, depth: usize) -> bool {
        if depth > 200 {
            return false;
        }
        match self.py(n) {
            Py::Date => false,
            Py::Float(f) => f.is_finite(),
            Py::List => self.t.items(n).iter().all(|&i| self.json_safe(i, depth + 1)),
            Py::Dict => entries(self.t, n).iter().all(|&(k, v)| matches!(self.py(k), Py::Str(_)) && self.json_safe(v, depth + 1)),
            _ => true,
        }
    }

    fn validate(&mut self, root: NodeId) {
        if !self.t.is_map(root) {
            let r = self.key_or_node(root);
            self.report(&WORKFLOW_INVALID, r, format!("workflow: `workflow.yml` must be a mapping, not {}", self.py(root).described()));
            return;
        }
        self.outputs(root);
        self.header(root);
        let input_defs = self.inputs(root);
        self.requires(root);
        let Some(steps) = get(self.t, root, "steps") else {
            let r = self.key_or_node(root);
            self.report(&WORKFLOW_INVALID, r, "workflow: `steps` is missing: the workflow has no steps".into());
            return;
        };
        if !self.t.is_seq(steps) {
            self.err(steps, format!("workflow: `steps` must be a list, not {}", self.py(steps).described()));
            return;
        }
        if self.t.items(steps).is_empty() {
            self.err(steps, "workflow: `steps` is empty: the workflow has no steps".into());
        }
        let mut seen = Vec::new();
        let items = self.t.items(steps).to_vec();
        self.steps(&items, &mut seen, input_defs.as_deref(), false);
    }

    fn outputs(&mut self, root: NodeId) {
        let Some(outputs) = get(self.t, root, "outputs") else { return };
        if !self.t.is_map(outputs) {
            self.err(outputs, format!("workflow: `outputs` must be a mapping, not {}", self.py(outputs).described()));
            return;
        }
        for (k, v) in entries(self.t, outputs).to_vec() {
            let name = self.py(k);
            let shown = self.t.str(k).unwrap_or("?").to_string();
            match name.as_str() {
                Some(n) if is_id(n) && RESERVED_OUTPUTS.contains(&n) => {
                    self.err(k, format!("output `{shown}`: `{shown}` is a reserved output name"));
                }
                Some(n) if is_id(n) => {}
                _ => self.err(k, format!("output `{shown}`: `{shown}` must be a safe identifier (lowercase letters, digits, hyphens)")),
            }
            let exactly_value = self.t.is_map(v) && entries(self.t, v).len() == 1 && get(self.t, v, "value").is_some()
                || self.t.is_map(v)
                    && !entries(self.t, v).is_empty()
                    && entries(self.t, v).iter().all(|(k, _)| self.t.str(*k) == Some("value"));
            if !exactly_value {
                self.err(v, format!("output `{shown}`: `value` must be its only field"));
            } else if let Some(value) = get(self.t, v, "value")
                && !self.json_safe(value, 0)
            {
                self.err(value, format!("output `{shown}`: `value` is not JSON-safe (a date, a non-finite number or a non-string key)"));
            }
        }
    }

    fn header(&mut self, root: NodeId) {
        if let Some(sv) = get(self.t, root, "schema_version") {
            let ok = match self.py(sv) {
                Py::Str(s) => s == "1.0",
                Py::Float(f) => f == 1.0,
                _ => false,
            };
            if !ok {
                self.err(sv, "workflow: `schema_version` must be \"1.0\"".into());
            }
        }
        let header = get(self.t, root, "workflow").filter(|h| self.t.is_map(*h));
        let anchor = header.map_or(root, |h| h);
        let field = |v: &Self, key: &str| header.and_then(|h| get(v.t, h, key));
        // id
        match field(self, "id") {
            None => self.report_missing(anchor, "workflow: `workflow.id` is missing"),
            Some(n) => match self.py(n) {
                Py::None => self.report_missing_at(n, "workflow: `workflow.id` is missing"),
                Py::Str(s) if s.is_empty() => self.report_missing_at(n, "workflow: `workflow.id` is missing"),
                Py::Str(s) if !is_id(&s) => {
                    self.err(n, format!("workflow: `workflow.id` `{s}` must be lowercase letters, digits and hyphens"))
                }
                Py::Str(_) => {}
                other => self.err(n, format!("workflow: `workflow.id` must be a string, not {}", other.described())),
            },
        }
        match field(self, "name") {
            None => self.report_missing(anchor, "workflow: `workflow.name` is missing"),
            Some(n) => match self.py(n) {
                Py::None => self.report_missing_at(n, "workflow: `workflow.name` is missing"),
                Py::Str(s) if s.is_empty() => self.report_missing_at(n, "workflow: `workflow.name` is missing"),
                Py::Str(_) => {}
                other => self.err(n, format!("workflow: `workflow.name` must be a string, not {}", other.described())),
            },
        }
        // version defaults to 0.0.0 when absent.
        if let Some(n) = field(self, "version") {
            match self.py(n) {
                Py::None => self.report_missing_at(n, "workflow: `workflow.version` is missing"),
                Py::Str(s) if s.is_empty() => self.report_missing_at(n, "workflow: `workflow.version` is missing"),
                Py::Str(s) if !is_semver(&s) => self.err(n, format!("workflow: `workflow.version` `{s}` is not a version X.Y.Z")),
                Py::Str(_) => {}
                other => self.err(
                    n,
                    format!("workflow: `workflow.version` must be a string, not {}: quote it (`version: \"1.0.0\"`)", other.described()),
                ),
            }
        }
        for key in ["integration", "model"] {
            if let Some(n) = field(self, key) {
                let v = self.py(n);
                if !matches!(v, Py::None | Py::Str(_)) {
                    self.err(n, format!("workflow: `workflow.{key}` must be a string or null, not {}", v.described()));
                }
            }
        }
        if let Some(n) = field(self, "options") {
            let v = self.py(n);
            if !matches!(v, Py::None | Py::Dict) {
                self.err(n, format!("workflow: `workflow.options` must be a mapping or null, not {}", v.described()));
            }
        }
    }

    fn report_missing(&mut self, anchor: NodeId, message: &str) {
        let r = self.key_or_node(anchor);
        self.report(&WORKFLOW_INVALID, r, message.to_string());
    }

    fn report_missing_at(&mut self, n: NodeId, message: &str) {
        let r = self.t.range(n);
        self.report(&WORKFLOW_INVALID, r, message.to_string());
    }

    /// Validates `inputs`; returns the declared inputs (name → definition node), or `None` when
    /// the block is malformed (then gate bindings are not cross-checked, as in Spec Kit).
    fn inputs(&mut self, root: NodeId) -> Option<Vec<(Py, NodeId)>> {
        let Some(inputs) = get(self.t, root, "inputs") else { return Some(Vec::new()) };
        if !self.t.is_map(inputs) {
            self.err(inputs, "workflow: `inputs` must be a mapping (or left out)".into());
            return None;
        }
        let entries = entries(self.t, inputs).to_vec();
        for &(k, def) in &entries {
            let name = self.t.str(k).unwrap_or("?").to_string();
            if !self.t.is_map(def) {
                self.err(def, format!("input `{name}`: `{name}` must be a mapping"));
                continue;
            }
            let ty = get(self.t, def, "type");
            if let Some(ty) = ty
                && self.truthy(ty)
                && !matches!(self.py(ty).as_str(), Some("string" | "number" | "boolean"))
            {
                self.err(ty, format!("input `{name}`: `type` must be `string`, `number` or `boolean`"));
            }
            let enum_node = get(self.t, def, "enum");
            let enum_ok = enum_node.is_none_or(|e| matches!(self.py(e), Py::None | Py::List));
            if let Some(e) = enum_node
                && !enum_ok
            {
                self.err(e, format!("input `{name}`: `enum` must be a list, not {}", self.py(e).described()));
            }
            if let Some(default) = get(self.t, def, "default") {
                let auto = name == "integration" && self.py(default).as_str() == Some("auto");
                let use_enum = !auto && enum_ok;
                if let Some(problem) = self.coerce(def, default, use_enum) {
                    self.err(default, format!("input `{name}`: `default` {problem}"));
                }
            }
        }
        Some(entries.iter().map(|&(k, def)| (self.py(k), def)).collect())
    }

    /// What `_coerce_input` finds wrong with `value` for input definition `def` (its enum
    /// checked when `use_enum`).
    fn coerce(&self, def: NodeId, value: NodeId, use_enum: bool) -> Option<String> {
        let ty = match get(self.t, def, "type") {
            None => Some("string".to_string()),
            Some(n) => self.py(n).as_str().map(str::to_string),
        };
        let v = self.py(value);
        // The value after coercion, for the enum check.
        let coerced: Py = match ty.as_deref() {
            Some("number") => match &v {
                Py::Int(_) | Py::BigInt => v.clone(),
                Py::Float(f) if f.is_finite() => {
                    if f.fract() == 0.0 && f.abs() < 1e30 {
                        Py::Int(*f as i128)
                    } else {
                        v.clone()
                    }
                }
                Py::Str(s) => match python_float(s) {
                    Some(f) if f.is_finite() => {
                        if f.fract() == 0.0 && f.abs() < 1e30 {
                            Py::Int(f as i128)
                        } else {
                            Py::Float(f)
                        }
                    }
                    _ => return Some("must be a number".into()),
                },
                _ => return Some("must be a number".into()),
            },
            Some("boolean") => match &v {
                Py::Bool(_) => v.clone(),
                Py::Str(s) => match s.to_lowercase().as_str() {
                    "true" | "1" | "yes" => Py::Bool(true),
                    "false" | "0" | "no" => Py::Bool(false),
                    _ => return Some("must be a boolean".into()),
                },
                _ => return Some("must be a boolean".into()),
            },
            Some("string") => match &v {
                Py::Str(_) => v.clone(),
                _ => return Some("must be a string".into()),
            },
            _ => v.clone(),
        };
        if use_enum
            && let Some(e) = get(self.t, def, "enum")
            && self.t.is_seq(e)
            && !self.t.items(e).iter().any(|&item| py_eq(&self.py(item), &coerced))
        {
            return Some("is not one of the values its `enum` allows".into());
        }
        None
    }

    fn requires(&mut self, root: NodeId) {
        let Some(req) = get(self.t, root, "requires") else { return };
        if !self.t.is_map(req) {
            self.err(req, "workflow: `requires` must be a mapping (or left out)".into());
            return;
        }
        for (k, _) in entries(self.t, req).to_vec() {
            let key = self.t.str(k).unwrap_or("?").to_string();
            match key.as_str() {
                "permissions" => self.err(k, "requires: `permissions` is no capability gate Spec Kit enforces (shell steps run with the user's privileges): remove it and gate sensitive steps with a `gate` step".into()),
                "speckit_version" | "integrations" => {}
                _ => self.err(k, format!("requires: `{key}` is not a recognised key (recognised: `integrations`, `speckit_version`)")),
            }
        }
    }

    fn steps(&mut self, steps: &[NodeId], seen: &mut Vec<String>, inputs: Option<&[(Py, NodeId)]>, in_fan_out: bool) {
        for &step in steps {
            if !self.t.is_map(step) {
                self.err(step, format!("a step: a step must be a mapping, not {}", self.py(step).described()));
                continue;
            }
            let Some(id_node) = get(self.t, step, "id") else {
                let r = self.key_or_node(step);
                self.report(&WORKFLOW_INVALID, r, "a step: `id` is missing".into());
                continue;
            };
            let id = match self.py(id_node) {
                Py::None => {
                    self.err(id_node, "a step: `id` is missing".into());
                    continue;
                }
                Py::Str(s) if s.is_empty() => {
                    self.err(id_node, "a step: `id` is missing".into());
                    continue;
                }
                Py::Str(s) => s,
                other => {
                    self.err(id_node, format!("a step: `id` must be a string, not {}", other.described()));
                    continue;
                }
            };
            if id.contains(':') {
                self.err(
                    id_node,
                    format!("step `{id}`: `id` contains `:`, which Spec Kit reserves for the ids it gives nested steps (`parent:child`)"),
                );
            }
            if seen.contains(&id) {
                let r = self.t.range(id_node);
                self.report(&DUPLICATE_STEP, r, format!("step `{id}`: `id` `{id}` is already the id of an earlier step"));
            } else {
                seen.push(id.clone());
            }
            let type_node = get(self.t, step, "type");
            let ty = match type_node.map(|n| (n, self.py(n))) {
                None => "command".to_string(),
                Some((_, Py::Str(s))) => s,
                Some((n, other)) => {
                    self.err(n, format!("step `{id}`: `type` must be a string, not {}", other.described()));
                    continue;
                }
            };
            if !STEP_TYPES.contains(&ty.as_str()) && !self.custom.contains(&ty) {
                let r = type_node.map_or_else(|| self.t.range(id_node), |n| self.t.range(n));
                self.report(
                    &UNKNOWN_STEP_TYPE,
                    r,
                    format!("step `{id}`: `type` `{ty}` is no step type (built in: {})", STEP_TYPES.join(", ")),
                );
                continue;
            }
            self.step_fields(step, &id, &ty);
            if ty == "slot" && in_fan_out {
                self.err(
                    id_node,
                    format!(
                        "step `{id}`: `slot` steps are not allowed in a fan-out's `step` template (overlays cannot address its copies)"
                    ),
                );
            }
            if let Some(coe) = get(self.t, step, "continue_on_error")
                && !matches!(self.py(coe), Py::Bool(_))
            {
                self.err(coe, format!("step `{id}`: `continue_on_error` must be true or false, not {}", self.py(coe).described()));
            }
            if ty == "fan-in"
                && let Some(wait) = get(self.t, step, "wait_for")
                && self.t.is_seq(wait)
            {
                for &w in self.t.items(wait).to_vec().iter() {
                    match self.py(w) {
                        Py::Str(s) if s == id => {
                            self.err(w, format!("step `{id}`: `wait_for` names the fan-in itself, which cannot wait for its own results"))
                        }
                        Py::Str(s) if !seen.contains(&s) => {
                            self.err(w, format!("step `{id}`: `wait_for` names `{s}`, which is no step declared before this one"))
                        }
                        Py::Str(_) => {}
                        other => self.err(w, format!("step `{id}`: `wait_for` entries are step ids, not {}", other.described())),
                    }
                }
            }
            if ty == "gate"
                && let Some(vi) = get(self.t, step, "verdict_input")
                && let Py::Str(binding) = self.py(vi)
                && !binding.is_empty()
            {
                if in_fan_out {
                    self.err(vi, format!("step `{id}`: `verdict_input` is not supported in a fan-out's `step` template"));
                } else if let Some(inputs) = inputs {
                    match inputs.iter().find(|(k, _)| k.as_str() == Some(binding.as_str())) {
                        None => self.err(vi, format!("step `{id}`: `verdict_input` names `{binding}`, which is no declared input")),
                        Some((_, def)) => {
                            let retry = get(self.t, step, "on_reject").and_then(|n| self.py(n).as_str().map(str::to_string)).as_deref()
                                == Some("retry");
                            let enum_lacks_empty = self.t.is_map(*def)
                                && get(self.t, *def, "enum").is_some_and(|e| {
                                    self.t.is_seq(e) && !self.t.items(e).iter().any(|&i| self.py(i) == Py::Str(String::new()))
                                });
                            if retry && enum_lacks_empty {
                                self.err(vi, format!("step `{id}`: `verdict_input` `{binding}` is reset to '' when the gate is rejected with `on_reject: retry`, but its `enum` does not allow '': add '' to the enum, or use `abort` or `skip`"));
                            }
                        }
                    }
                }
            }
            for key in ["then", "else", "steps"] {
                if let Some(n) = get(self.t, step, key)
                    && self.t.is_seq(n)
                {
                    let nested = self.t.items(n).to_vec();
                    self.steps(&nested, seen, inputs, in_fan_out);
                }
            }
            if let Some(cases) = get(self.t, step, "cases")
                && self.t.is_map(cases)
            {
                for (_, branch) in entries(self.t, cases).to_vec() {
                    if self.t.is_seq(branch) {
                        let nested = self.t.items(branch).to_vec();
                        self.steps(&nested, seen, inputs, in_fan_out);
                    }
                }
            }
            if let Some(default) = get(self.t, step, "default")
                && self.t.is_seq(default)
            {
                let nested = self.t.items(default).to_vec();
                self.steps(&nested, seen, inputs, in_fan_out);
            }
            if let Some(template) = get(self.t, step, "step")
                && self.t.is_map(template)
            {
                let mut own = Vec::new();
                self.steps(&[template], &mut own, inputs, true);
            }
        }
    }

    /// A field of a step: present, and its value.
    fn field(&self, step: NodeId, key: &str) -> Option<(NodeId, Py)> {
        get(self.t, step, key).map(|n| (n, self.py(n)))
    }

    /// Reports `message` at the field's key when present, else at the step.
    fn missing(&mut self, step: NodeId, message: String) {
        let r = self.key_or_node(step);
        self.report(&WORKFLOW_INVALID, r, message);
    }

    /// The checks of one step type's `validate`.
    fn step_fields(&mut self, step: NodeId, id: &str, ty: &str) {
        let s = format!("step `{id}`");
        match ty {
            "command" => {
                match self.field(step, "command") {
                    None => self.missing(step, format!("{s}: `command` is missing (a command step runs a command such as `speckit.plan`)")),
                    Some((n, v)) if !matches!(v, Py::Str(_)) => {
                        self.err(n, format!("{s}: `command` must be a string, not {}", v.described()))
                    }
                    _ => {}
                }
                for key in ["input", "options"] {
                    if let Some((n, v)) = self.field(step, key)
                        && v != Py::Dict
                    {
                        self.err(n, format!("{s}: `{key}` must be a mapping"));
                    }
                }
                match self.field(step, "integration_args") {
                    Some((n, Py::List)) => {
                        for (i, &item) in self.t.items(n).to_vec().iter().enumerate() {
                            if !matches!(self.py(item), Py::Str(_)) {
                                self.err(item, format!("{s}: `integration_args` item {i} must be a string"));
                            }
                        }
                    }
                    Some((n, _)) => self.err(n, format!("{s}: `integration_args` must be a list")),
                    None => {}
                }
                match self.field(step, "integration_options") {
                    Some((n, Py::Dict)) if entries(self.t, n).iter().any(|(k, _)| !matches!(self.py(*k), Py::Str(_))) => {
                        self.err(n, format!("{s}: `integration_options` keys must be strings"));
                    }
                    Some((_, Py::Dict)) => {}
                    Some((n, _)) => self.err(n, format!("{s}: `integration_options` must be a mapping")),
                    None => {}
                }
                self.string_or_null(step, &s, "integration");
                self.string_or_null(step, &s, "model");
                self.capture(step, &s);
                if self.field(step, "capture").is_some_and(|(_, v)| v == Py::Bool(true)) {
                    self.timeout(step, &s);
                }
            }
            "prompt" => {
                match self.field(step, "prompt") {
                    None => self.missing(step, format!("{s}: `prompt` is missing")),
                    Some((n, v)) if !matches!(v, Py::Str(_)) => {
                        self.err(n, format!("{s}: `prompt` must be a string, not {}", v.described()))
                    }
                    _ => {}
                }
                self.string_or_null(step, &s, "integration");
                self.string_or_null(step, &s, "model");
                self.timeout(step, &s);
                self.capture(step, &s);
            }
            "shell" => {
                match self.field(step, "run") {
                    None => self.missing(step, format!("{s}: `run` is missing")),
                    Some((n, v)) if !matches!(v, Py::Str(_)) => self.err(n, format!("{s}: `run` must be a string, not {}", v.described())),
                    _ => {}
                }
                if let Some((n, v)) = self.field(step, "output_format")
                    && v != Py::None
                    && v != Py::Str("json".into())
                {
                    self.err(n, format!("{s}: `output_format` must be `json` when given"));
                }
                self.timeout(step, &s);
            }
            "gate" => {
                if self.field(step, "message").is_none() {
                    self.missing(step, format!("{s}: `message` is missing (what the reviewer is asked)"));
                }
                let options = self.field(step, "options");
                let strings: Option<Vec<String>> = match &options {
                    None => Some(vec!["approve".into(), "reject".into()]),
                    Some((n, Py::List)) if !self.t.items(*n).is_empty() => {
                        let items: Vec<Py> = self.t.items(*n).iter().map(|&i| self.py(i)).collect();
                        if items.iter().all(|i| matches!(i, Py::Str(_))) {
                            Some(items.into_iter().filter_map(|i| i.as_str().map(str::to_string)).collect())
                        } else {
                            self.err(*n, format!("{s}: `options` must all be strings"));
                            None
                        }
                    }
                    Some((n, v)) => {
                        self.err(*n, format!("{s}: `options` must be a non-empty list"));
                        // An empty list still reaches the check for a reject choice.
                        (*v == Py::List).then(Vec::new)
                    }
                };
                let on_reject = self.field(step, "on_reject");
                let reject = match &on_reject {
                    None => Some("abort".to_string()),
                    Some((_, Py::Str(r))) if matches!(r.as_str(), "abort" | "skip" | "retry") => Some(r.clone()),
                    Some((n, _)) => {
                        self.err(*n, format!("{s}: `on_reject` must be `abort`, `skip` or `retry`"));
                        None
                    }
                };
                if let Some((n, v)) = self.field(step, "verdict_input")
                    && v.as_str().is_none_or(str::is_empty)
                {
                    self.err(n, format!("{s}: `verdict_input` must be a non-empty string"));
                }
                if let (Some(r), Some(options)) = (reject, strings)
                    && matches!(r.as_str(), "abort" | "retry")
                    && !options.iter().any(|o| matches!(python_lower(o).as_str(), "reject" | "abort"))
                {
                    let at = options_node(&on_reject, &self.field(step, "options")).unwrap_or(step);
                    self.err(at, format!("{s}: `options` has no `reject` or `abort` choice, but `on_reject` is `{r}`"));
                }
            }
            "if" | "while" | "do-while" => {
                let label = match ty {
                    "if" => "if",
                    "while" => "while",
                    _ => "do-while",
                };
                match self.field(step, "condition") {
                    None => self.missing(step, format!("{s}: `condition` is missing")),
                    Some((n, Py::Bool(_))) => {
                        let _ = n;
                    }
                    Some((n, Py::Str(c))) => {
                        if expr::never_evaluated(&c) {
                            self.err(n, format!("{s}: `condition` is not one complete `{{{{ }}}}` expression, so the {label} step never evaluates it: it is always true"));
                        } else if expr::malformed(&c) {
                            self.err(n, format!("{s}: `condition` opens a `{{{{` that cannot be closed where it is meant to (unbalanced quotes or braces), so a truncated expression is evaluated"));
                        } else if expr::interpolated(&c) {
                            self.err(n, format!("{s}: `condition` holds more than one `{{{{ }}}}` block, or text around one, so it is read as text and is always true: put the whole expression in one block"));
                        }
                    }
                    Some((n, v)) => self.err(n, format!("{s}: `condition` must be a string or a boolean, not {}", v.described())),
                }
                if ty == "if" {
                    match self.field(step, "then") {
                        None => self.missing(step, format!("{s}: `then` is missing")),
                        Some((n, v)) if v != Py::List => self.err(n, format!("{s}: `then` must be a list of steps")),
                        _ => {}
                    }
                    if let Some((n, v)) = self.field(step, "else")
                        && !matches!(v, Py::None | Py::List)
                    {
                        self.err(n, format!("{s}: `else` must be a list of steps"));
                    }
                } else {
                    if let Some((n, v)) = self.field(step, "max_iterations") {
                        let ok = matches!(v, Py::None) || matches!(v, Py::Int(i) if i >= 1) || matches!(v, Py::BigInt);
                        if !ok {
                            self.err(n, format!("{s}: `max_iterations` must be an integer of at least 1"));
                        }
                    }
                    match self.field(step, "steps") {
                        None => self.missing(step, format!("{s}: `steps` is missing: the loop has no body")),
                        Some((n, v)) if v != Py::List => self.err(n, format!("{s}: `steps` must be a list of steps")),
                        _ => {}
                    }
                }
            }
            "switch" => {
                if self.field(step, "expression").is_none() {
                    self.missing(step, format!("{s}: `expression` is missing"));
                }
                match self.field(step, "cases") {
                    None => self.missing(step, format!("{s}: `cases` is missing")),
                    Some((n, Py::Dict)) => {
                        for (k, v) in entries(self.t, n).to_vec() {
                            if !self.t.is_seq(v) {
                                let key = self.t.str(k).unwrap_or("?").to_string();
                                self.err(v, format!("{s}: `cases` entry `{key}` must be a list of steps"));
                            }
                        }
                    }
                    Some((n, _)) => self.err(n, format!("{s}: `cases` must be a mapping")),
                }
                if let Some((n, v)) = self.field(step, "default")
                    && !matches!(v, Py::None | Py::List)
                {
                    self.err(n, format!("{s}: `default` must be a list of steps"));
                }
            }
            "fan-out" => {
                if self.field(step, "items").is_none() {
                    self.missing(step, format!("{s}: `items` is missing"));
                }
                match self.field(step, "step") {
                    None => self.missing(step, format!("{s}: `step` is missing (the template run for each item)")),
                    Some((n, v)) if v != Py::Dict => self.err(n, format!("{s}: `step` must be a mapping")),
                    _ => {}
                }
            }
            "fan-in" => {
                match self.field(step, "wait_for") {
                    Some((n, Py::List)) if !self.t.items(n).is_empty() => {}
                    Some((n, _)) => self.err(n, format!("{s}: `wait_for` must be a non-empty list of step ids")),
                    None => self.missing(step, format!("{s}: `wait_for` must be a non-empty list of step ids")),
                }
                if let Some((n, v)) = self.field(step, "output")
                    && !matches!(v, Py::None | Py::Dict)
                {
                    self.err(n, format!("{s}: `output` must be a mapping of key to expression, not {}", v.described()));
                }
            }
            "init" => {
                if let Some((n, v)) = self.field(step, "script") {
                    match v {
                        Py::None => {}
                        Py::Str(script) if script.contains("{{") || matches!(script.as_str(), "sh" | "ps" | "py") => {}
                        _ => self.err(n, format!("{s}: `script` must be `sh`, `ps` or `py`")),
                    }
                }
            }
            "slot" => match self.field(step, "name") {
                None | Some((_, Py::None)) => self.missing(step, format!("{s}: `name` is missing (the slot's label)")),
                Some((_, Py::Str(n))) if !n.trim().is_empty() => {}
                Some((n, _)) => self.err(n, format!("{s}: `name` must be a non-blank string")),
            },
            "workflow" => {
                let sw = format!("workflow step `{id}`");
                match self.field(step, "workflow") {
                    Some((_, Py::Str(target))) if target.contains("{{") || (is_id(&target) && !RESERVED_IDS.contains(&target.as_str())) => {
                    }
                    Some((n, Py::Str(_))) => {
                        self.err(n, format!("{sw}: `workflow` must be an exact, safe workflow id, not a reserved one"))
                    }
                    Some((n, _)) => self.err(n, format!("{sw}: `workflow` must be a string")),
                    None => self.missing(step, format!("{sw}: `workflow` must be a string (the id of the workflow to call)")),
                }
                match self.field(step, "input") {
                    None => {}
                    Some((n, Py::Dict))
                        if entries(self.t, n).iter().all(|(k, _)| matches!(self.py(*k), Py::Str(_))) && !self.json_safe(n, 0) =>
                    {
                        self.err(n, format!("{sw}: `input` is not JSON-safe (a date, a non-finite number or a non-string key)"));
                    }
                    Some((n, Py::Dict)) if entries(self.t, n).iter().all(|(k, _)| matches!(self.py(*k), Py::Str(_))) => {}
                    Some((n, _)) => self.err(n, format!("{sw}: `input` must be a mapping with string keys")),
                }
            }
            "github" => self.github(step, id),
            _ => {}
        }
    }

    fn string_or_null(&mut self, step: NodeId, s: &str, key: &str) {
        if let Some((n, v)) = self.field(step, key)
            && !matches!(v, Py::None | Py::Str(_))
        {
            self.err(n, format!("{s}: `{key}` must be a string, not {}", v.described()));
        }
    }

    fn timeout(&mut self, step: NodeId, s: &str) {
        if let Some((n, v)) = self.field(step, "timeout") {
            let ok = match v {
                Py::Int(i) => i > 0,
                Py::Float(f) => f.is_finite() && f > 0.0,
                _ => false,
            };
            if !ok {
                self.err(n, format!("{s}: `timeout` must be a positive number of seconds"));
            }
        }
    }

    fn capture(&mut self, step: NodeId, s: &str) {
        let capture = self.field(step, "capture");
        if let Some((n, v)) = &capture
            && !matches!(v, Py::Bool(_))
        {
            self.err(*n, format!("{s}: `capture` must be true or false"));
        }
        if let Some((n, v)) = self.field(step, "capture_max_bytes") {
            let valid = matches!(v, Py::Int(i) if i > 0 || i == -1) || matches!(v, Py::BigInt);
            if !valid {
                self.err(n, format!("{s}: `capture_max_bytes` must be a positive integer or -1 (no limit)"));
            } else if !capture.as_ref().is_some_and(|(_, v)| *v == Py::Bool(true)) {
                self.err(n, format!("{s}: `capture_max_bytes` needs `capture: true`"));
            }
        }
    }

    fn github(&mut self, step: NodeId, id: &str) {
        let s = format!("GitHub step `{id}`");
        if self.field(step, "operation").and_then(|(_, v)| v.as_str().map(str::to_string)).as_deref() != Some("add-label") {
            let at = self.key_of(step, "operation").unwrap_or(step);
            self.err(at, format!("{s}: `operation` must be `add-label`"));
        }
        if !matches!(
            self.field(step, "target").and_then(|(_, v)| v.as_str().map(str::to_string)).as_deref(),
            Some("issue" | "pull_request")
        ) {
            let at = self.key_of(step, "target").unwrap_or(step);
            self.err(at, format!("{s}: `target` must be `issue` or `pull_request`"));
        }
        const ALLOWED: &[&str] = &["id", "type", "operation", "target", "repository", "number", "label", "continue_on_error"];
        let mut keys: Vec<(NodeId, String)> = Vec::new();
        for (k, _) in entries(self.t, step) {
            let key = self.t.str(k).unwrap_or("?").to_string();
            if !keys.iter().any(|(_, seen)| *seen == key) {
                keys.push((k, key));
            }
        }
        for (k, key) in keys {
            if !ALLOWED.contains(&key.as_str()) {
                self.err(k, format!("{s}: `{key}` is not a field of GitHub steps"));
            }
        }
        let expression = |v: &Py| v.as_str().is_some_and(|t| t.contains("{{"));
        match self.field(step, "number") {
            None => self.missing(step, format!("{s}: `number` is missing")),
            Some((n, v)) if !expression(&v) => {
                let ok = match &v {
                    Py::Int(i) => *i > 0,
                    Py::BigInt => true,
                    Py::Str(t) => t.starts_with(|c: char| matches!(c, '1'..='9')) && t.chars().all(|c| c.is_ascii_digit()),
                    _ => false,
                };
                if !ok {
                    self.err(n, format!("{s}: `number` must be a positive integer"));
                }
            }
            _ => {}
        }
        match self.field(step, "repository") {
            None => self.missing(step, format!("{s}: `repository` is missing")),
            Some((n, v)) if !expression(&v) => {
                let ok = v.as_str().is_some_and(|r| {
                    let part = |p: &str| {
                        !p.is_empty()
                            && p.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
                            && p != "."
                            && p != ".."
                    };
                    matches!(r.split('/').collect::<Vec<_>>().as_slice(), [owner, name] if part(owner) && part(name))
                });
                if !ok {
                    self.err(n, format!("{s}: `repository` must be a GitHub `owner/repo` name"));
                }
            }
            _ => {}
        }
        match self.field(step, "label") {
            None => self.missing(step, format!("{s}: `label` is missing")),
            Some((n, v)) if !expression(&v) => {
                let ok = v.as_str().is_some_and(|l| {
                    !l.trim().is_empty() && l.chars().count() <= 50 && !l.chars().any(|c| (c as u32) < 32 || c as u32 == 127)
                });
                if !ok {
                    self.err(n, format!("{s}: `label` must be a label name of at most 50 characters, without control characters"));
                }
            }
            _ => {}
        }
    }
}

/// The node to point at for a gate's missing reject choice: its `options`, else its `on_reject`.
fn options_node(on_reject: &Option<(NodeId, Py)>, options: &Option<(NodeId, Py)>) -> Option<NodeId> {
    options.as_ref().map(|(n, _)| *n).or(on_reject.as_ref().map(|(n, _)| *n))
}

/// Python's `str.lower()` for the comparison with `reject` and `abort`.
fn python_lower(s: &str) -> String {
    s.to_lowercase()
}

/// `X.Y.Z` with decimal digits (Python's `\d+\.\d+\.\d+`, full match).
fn is_semver(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.chars().all(char::is_numeric))
}

/// Python's `float(str)`: blanks around, underscores between digits, `inf`/`nan` words.
fn python_float(s: &str) -> Option<f64> {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    let unsigned = lower.trim_start_matches(['+', '-']);
    if matches!(unsigned, "inf" | "infinity" | "nan") {
        return Some(if unsigned == "nan" { f64::NAN } else { f64::INFINITY });
    }
    if t.contains("__") || t.starts_with('_') || t.ends_with('_') {
        return None;
    }
    let clean = t.replace('_', "");
    if clean.is_empty() || clean.contains(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))) {
        return None;
    }
    clean.parse().ok()
}

/// Python's `==` between two loaded values (for enum membership): numbers compare by value
/// (`True == 1`), strings by text.
fn py_eq(a: &Py, b: &Py) -> bool {
    let num = |p: &Py| match p {
        Py::Int(i) => Some(*i as f64),
        Py::Float(f) => Some(*f),
        Py::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        _ => None,
    };
    match (num(a), num(b)) {
        (Some(x), Some(y)) => x == y,
        _ => match (a, b) {
            (Py::Str(x), Py::Str(y)) => x == y,
            (Py::None, Py::None) => true,
            _ => false,
        },
    }
}

/// The custom step types a project installed (`.specify/workflows/steps/<name>/step.yml`,
/// `step.type_key`).
fn custom_step_types(ctx: &Context<'_>) -> Vec<String> {
    let prefix = ".specify/workflows/steps/".to_string();
    let mut out = Vec::new();
    for (path, file) in ctx.ws.files.range(prefix.clone()..).take_while(|(k, _)| k.starts_with(&prefix)) {
        // Spec Kit loads a step package only with its code beside the manifest.
        if !is_step_manifest(path) || !ctx.ws.files.contains_key(&format!("{}/__init__.py", crate::paths::parent(path))) {
            continue;
        }
        let Ok(t) = crate::syntax::tree::parse_yaml(file.text(), 0) else { continue };
        let key = t.root.and_then(|r| get(&t, r, "step")).and_then(|s| get(&t, s, "type_key")).and_then(|k| t.str(k)).map(str::to_string);
        out.extend(key.filter(|k| !k.is_empty()));
    }
    out
}

/// Validates the definition in `file` (custom step types `custom` allowed).
pub(crate) fn validate_file(file: &FileFacts, custom: &[String], out: &mut Vec<Diagnostic>) {
    let text = file.text();
    let Ok(t) = crate::syntax::tree::parse_yaml(text, 0) else { return };
    let Some(root) = t.root else {
        out.push(WORKFLOW_INVALID.at(
            &file.path,
            TextRange::default(),
            "workflow: `workflow.yml` is empty; a workflow definition is a mapping".into(),
        ));
        return;
    };
    Validator { t: &t, text, path: &file.path, custom, out }.validate(root);
}

/// Across files: every definition, with the project's custom step types known.
pub(crate) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let mut custom: Option<Vec<String>> = None;
    for prefix in [".specify/workflows/", "workflows/"] {
        for (path, file) in ctx.ws.files.range(prefix.to_string()..).take_while(|(k, _)| k.starts_with(prefix)) {
            if !is_definition(path) || file.text.is_none() || file.skipped.is_some() || !file.conflicts.is_empty() {
                continue;
            }
            let custom = custom.get_or_insert_with(|| custom_step_types(ctx));
            validate_file(file, custom, out);
        }
    }
}

/// Calls `f` with the id and node of every step of `list`, at every depth (branches, cases,
/// loop bodies, a fan-out's template), in the definition's order.
fn walk_steps(t: &Tree, list: &[NodeId], depth: usize, f: &mut dyn FnMut(&str, NodeId)) {
    if depth > 64 {
        return;
    }
    for &s in list {
        let Some(id) = get(t, s, "id").and_then(|n| t.str(n)) else { continue };
        f(id, s);
        for key in ["then", "else", "steps", "default"] {
            if let Some(n) = get(t, s, key) {
                walk_steps(t, t.items(n), depth + 1, f);
            }
        }
        if let Some(c) = get(t, s, "cases") {
            for &(_, branch) in &entries(t, c) {
                walk_steps(t, t.items(branch), depth + 1, f);
            }
        }
        if let Some(n) = get(t, s, "step") {
            walk_steps(t, &[n], depth + 1, f);
        }
    }
}

/// The type of each step of a definition by id, at every depth (for the run checks).
pub(crate) fn step_types(text: &str) -> Option<(usize, Vec<(String, String)>)> {
    let t = crate::syntax::tree::parse_yaml(text, 0).ok()?;
    let root = t.root?;
    let steps = get(&t, root, "steps")?;
    let top = t.items(steps).len();
    let mut out = Vec::new();
    walk_steps(&t, t.items(steps), 0, &mut |id, s| {
        let ty = get(&t, s, "type").and_then(|n| t.str(n)).unwrap_or("command");
        out.push((id.to_string(), ty.to_string()));
    });
    Some((top, out))
}

/// What a run's lens and advance say of the step a run stands at ([`step`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct StepFacts {
    /// The step's type (`command` when not given).
    pub ty: String,
    /// A gate's `message` (`Review required.` when not given, as the gate step shows it).
    pub message: Option<String>,
    /// A gate's `options` (`approve`, `reject` when not given); empty when they are no list of
    /// strings (the gate then fails when run, and `speckit-workflow-invalid` reports it).
    pub options: Vec<String>,
    /// A gate's `verdict_input`: the workflow input that can carry the decision.
    pub verdict_input: Option<String>,
}

/// The definition's `workflow.name`, and step `id` of it at any depth (a loop iteration's
/// `loop:step:2` by its step `step`), as `workflows/step/gate` reads a gate's fields.
pub(crate) fn step(text: &str, id: Option<&str>) -> Option<(Option<String>, Option<StepFacts>)> {
    let t = crate::syntax::tree::parse_yaml(text, 0).ok()?;
    let root = t.root?;
    if !t.is_map(root) {
        return None;
    }
    let scalar = |n: NodeId| t.str(n).map(|s| s.trim().to_string());
    let name = get(&t, root, "workflow").filter(|h| t.is_map(*h)).and_then(|h| get(&t, h, "name")).and_then(scalar);
    let Some(id) = id else { return Some((name, None)) };
    let parts: Vec<&str> = id.split(':').collect();
    let id = if parts.len() == 3 { parts[1] } else { id };
    let mut found = None;
    if let Some(steps) = get(&t, root, "steps") {
        walk_steps(&t, t.items(steps), 0, &mut |sid, s| {
            if found.is_none() && sid == id {
                found = Some(s);
            }
        });
    }
    let facts = found.map(|s| {
        let ty = get(&t, s, "type").and_then(|n| t.str(n)).unwrap_or("command").to_string();
        if ty != "gate" {
            return StepFacts { ty, ..StepFacts::default() };
        }
        let options = match get(&t, s, "options") {
            None => vec!["approve".to_string(), "reject".to_string()],
            Some(n) if t.is_seq(n) => {
                let items: Vec<Option<String>> = t
                    .items(n)
                    .iter()
                    .map(|&o| match py(&t, text, Syntax::Yaml, o) {
                        Py::Str(s) => Some(s),
                        _ => None,
                    })
                    .collect();
                items.into_iter().collect::<Option<Vec<String>>>().unwrap_or_default()
            }
            Some(_) => Vec::new(),
        };
        StepFacts {
            ty,
            message: Some(get(&t, s, "message").and_then(scalar).unwrap_or_else(|| "Review required.".to_string())),
            options,
            verdict_input: get(&t, s, "verdict_input").and_then(|n| match py(&t, text, Syntax::Yaml, n) {
                Py::Str(s) if !s.is_empty() => Some(s),
                _ => None,
            }),
        }
    });
    Some((name, facts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::fixture::check;
    use expect_test::expect;

    const CODES: &[&str] = &["speckit-workflow-invalid", "speckit-duplicate-step-id", "speckit-unknown-step-type", "syntax-error"];

    #[test]
    fn definition_paths() {
        assert!(is_definition(".specify/workflows/speckit/workflow.yml"));
        assert!(is_definition("workflows/speckit/workflow.yml"));
        assert!(!is_definition(".specify/workflows/runs/workflow.yml"));
        assert!(!is_definition(".specify/workflows/runs/abc/workflow.yml"));
        assert!(!is_definition(".github/workflows/ci.yml"));
        assert!(!is_definition("docs/workflows/x/workflow.yml"));
        assert!(is_id("speckit") && is_id("a") && is_id("full-sdd-2"));
        assert!(!is_id("Speckit") && !is_id("-a") && !is_id("a-") && !is_id(""));
    }

    #[test]
    fn conditions() {
        assert!(expr::never_evaluated("inputs.count > 100"));
        assert!(expr::never_evaluated("   "));
        assert!(!expr::never_evaluated(""));
        assert!(!expr::never_evaluated("false"));
        assert!(!expr::never_evaluated("{{ inputs.ready }}"));
        assert!(expr::never_evaluated("{{ inputs.ready"));
        assert!(expr::malformed("{{ inputs.missing | default('oops }}"));
        assert!(!expr::malformed("{{ inputs.x }}"));
        assert!(expr::interpolated("{{ inputs.a }} and {{ inputs.b }}"));
        assert!(expr::interpolated("not {{ inputs.ready }}"));
        assert!(!expr::interpolated("{{ inputs.text | contains('}}') }}"));
        assert!(expr::never_evaluated("{{ true }} and {{ inputs.ready"));
    }

    #[test]
    fn the_spec_kit_full_cycle_is_valid_and_a_workflow() {
        let text = "schema_version: \"1.0\"\nworkflow:\n  id: \"speckit\"\n  name: \"Full SDD Cycle\"\n  version: \"1.0.0\"\nrequires:\n  speckit_version: \">=0.8.5\"\ninputs:\n  spec:\n    type: string\n    required: true\n  integration:\n    type: string\n    default: \"auto\"\n  scope:\n    type: string\n    default: \"full\"\n    enum: [\"full\", \"backend-only\"]\nsteps:\n  - id: specify\n    command: speckit.specify\n    input:\n      args: \"{{ inputs.spec }}\"\n  - id: review-spec\n    type: gate\n    message: \"Review the spec.\"\n    options: [approve, reject]\n    on_reject: abort\n  - id: plan\n    command: speckit.plan\n";
        let spec = format!("//- .specify/workflows/speckit/workflow.yml\n{text}");
        assert_eq!(check(&spec, &[]), "");
        let ws = crate::diagnostics::fixture::workspace(&spec);
        let status = ws.status();
        assert_eq!(status.len(), 1, "{status:?}");
        assert_eq!((status[0].name.as_str(), status[0].phase_count, status[0].framework.as_deref()), ("speckit", 3, Some("speckit")));
    }

    /// Merge keys are expanded and duplicate keys keep their last value, as Spec Kit's loader
    /// (PyYAML) does.
    #[test]
    fn merge_keys_and_duplicate_keys_as_the_loader_reads_them() {
        let text = "workflow:\n  id: Bad_Id\n  id: merged\n  name: M\nx-base: &base\n  type: command\n  command: speckit.plan\nsteps:\n  - id: first\n    <<: *base\n  - <<: [*base]\n    id: second\n    command: 7\n";
        let spec = format!("//- .specify/workflows/merged/workflow.yml\n{text}");
        expect![[r#"
            .specify/workflows/merged/workflow.yml:13:14: error[speckit-workflow-invalid]: step `second`: `command` must be a string, not an integer
        "#]].assert_eq(&check(&spec, CODES));
    }

    #[test]
    fn structural_errors_at_their_place() {
        let text = "schema_version: 2\nworkflow:\n  id: Full_SDD\n  version: 1.0\ninputs:\n  n:\n    type: number\n    default: many\n  s:\n    type: string\n    default: full\n    enum: [a, b]\n  verdict:\n    enum: [approve, reject]\nrequires:\n  permissions: [shell]\n  tools: []\nsteps:\n  - id: specify\n  - id: specify\n    type: shell\n    run: [echo]\n    timeout: 0\n  - type: gate\n  - id: review\n    type: gate\n    options: [approve, later]\n    on_reject: retry\n    verdict_input: verdict\n  - id: check\n    type: if\n    condition: inputs.ready\n    then:\n      - id: deep\n        type: telepathy\n  - id: join\n    type: fan-in\n    wait_for: [later, join]\n  - id: later\n    command: speckit.plan\n    continue_on_error: \"yes\"\n";
        let spec = format!("//- .specify/workflows/full/workflow.yml\n{text}");
        expect![[r#"
            .specify/workflows/full/workflow.yml:1:17: error[speckit-workflow-invalid]: workflow: `schema_version` must be "1.0"
            .specify/workflows/full/workflow.yml:3:3: error[speckit-workflow-invalid]: workflow: `workflow.name` is missing
            .specify/workflows/full/workflow.yml:3:7: error[speckit-workflow-invalid]: workflow: `workflow.id` `Full_SDD` must be lowercase letters, digits and hyphens
            .specify/workflows/full/workflow.yml:4:12: error[speckit-workflow-invalid]: workflow: `workflow.version` must be a string, not a number: quote it (`version: "1.0.0"`)
            .specify/workflows/full/workflow.yml:8:14: error[speckit-workflow-invalid]: input `n`: `default` must be a number
            .specify/workflows/full/workflow.yml:11:14: error[speckit-workflow-invalid]: input `s`: `default` is not one of the values its `enum` allows
            .specify/workflows/full/workflow.yml:16:3: error[speckit-workflow-invalid]: requires: `permissions` is no capability gate Spec Kit enforces (shell steps run with the user's privileges): remove it and gate sensitive steps with a `gate` step
            .specify/workflows/full/workflow.yml:17:3: error[speckit-workflow-invalid]: requires: `tools` is not a recognised key (recognised: `integrations`, `speckit_version`)
            .specify/workflows/full/workflow.yml:19:5: error[speckit-workflow-invalid]: step `specify`: `command` is missing (a command step runs a command such as `speckit.plan`)
            .specify/workflows/full/workflow.yml:20:9: error[speckit-duplicate-step-id]: step `specify`: `id` `specify` is already the id of an earlier step
            .specify/workflows/full/workflow.yml:22:10: error[speckit-workflow-invalid]: step `specify`: `run` must be a string, not a list
            .specify/workflows/full/workflow.yml:23:14: error[speckit-workflow-invalid]: step `specify`: `timeout` must be a positive number of seconds
            .specify/workflows/full/workflow.yml:24:5: error[speckit-workflow-invalid]: a step: `id` is missing
            .specify/workflows/full/workflow.yml:25:5: error[speckit-workflow-invalid]: step `review`: `message` is missing (what the reviewer is asked)
            .specify/workflows/full/workflow.yml:27:14: error[speckit-workflow-invalid]: step `review`: `options` has no `reject` or `abort` choice, but `on_reject` is `retry`
            .specify/workflows/full/workflow.yml:29:20: error[speckit-workflow-invalid]: step `review`: `verdict_input` `verdict` is reset to '' when the gate is rejected with `on_reject: retry`, but its `enum` does not allow '': add '' to the enum, or use `abort` or `skip`
            .specify/workflows/full/workflow.yml:32:16: error[speckit-workflow-invalid]: step `check`: `condition` is not one complete `{{ }}` expression, so the if step never evaluates it: it is always true
            .specify/workflows/full/workflow.yml:35:15: error[speckit-unknown-step-type]: step `deep`: `type` `telepathy` is no step type (built in: command, do-while, fan-in, fan-out, gate, github, workflow, if, init, prompt, shell, slot, switch, while)
            .specify/workflows/full/workflow.yml:38:16: error[speckit-workflow-invalid]: step `join`: `wait_for` names `later`, which is no step declared before this one
            .specify/workflows/full/workflow.yml:38:23: error[speckit-workflow-invalid]: step `join`: `wait_for` names the fan-in itself, which cannot wait for its own results
            .specify/workflows/full/workflow.yml:41:24: error[speckit-workflow-invalid]: step `later`: `continue_on_error` must be true or false, not a string
        "#]].assert_eq(&check(&spec, CODES));
    }
}
