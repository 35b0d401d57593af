//! Explicit workflow definitions (docs/formats.md): a `*.workflow.yaml` file, a Markdown doc's
//! front matter with `phases:`, or seed 003's plan (`workflow_id`, `phases: [{name, command,
//! depends_on}]`, YAML or JSON). `command:` fields are read as data and never run.

use crate::facts::FileFacts;
use crate::model::{
    Criterion, CriterionKind, Deliverable, Gate, Named, Phase, Recognition, StateMachine, Template, Transition, Workflow, WorkflowSource,
    slug,
};
use crate::paths;
use crate::syntax::tree::{NodeId, SyntaxError, Tree};

/// Keys of a definition mapping (`*.workflow.yaml`, front matter with `phases:`, seed 003 plans).
/// `grammars/workflow.schema.json` declares exactly these (a test checks it).
#[cfg_attr(not(test), expect(dead_code, reason = "the contract grammars/workflow.schema.json is tested against"))]
pub(crate) const DEFINITION_KEYS: &[&str] = &[
    "name",
    "workflow",
    "workflow_id",
    "phases",
    "deliverables",
    "states",
    "transitions",
    "forbidden",
    "framework",
    "instances",
    "run",
    "template_values",
    "templates",
];
/// Keys of a phase mapping. `command` (seed 003) is accepted as data and never run.
#[cfg_attr(not(test), expect(dead_code, reason = "the contract grammars/workflow.schema.json is tested against"))]
pub(crate) const PHASE_KEYS: &[&str] =
    &["id", "name", "title", "number", "deliverables", "complete", "depends_on", "gate", "reached", "command"];
/// Keys of a deliverable mapping.
#[cfg_attr(not(test), expect(dead_code, reason = "the contract grammars/workflow.schema.json is tested against"))]
pub(crate) const DELIVERABLE_KEYS: &[&str] = &["path", "template", "optional", "complete"];
/// Keys of a gate criterion mapping (besides the plain string `deliverables`).
#[cfg_attr(not(test), expect(dead_code, reason = "the contract grammars/workflow.schema.json is tested against"))]
pub(crate) const CRITERION_KEYS: &[&str] = &["checklist", "no_markers", "recorded", "manual", "section", "any_ticked"];
/// Keys of a transition mapping (besides the `a -> b` string form).
#[cfg_attr(not(test), expect(dead_code, reason = "the contract grammars/workflow.schema.json is tested against"))]
pub(crate) const TRANSITION_KEYS: &[&str] = &["from", "to", "trigger"];

/// YAML's true words, in any case: `true`, `yes`, `on`.
fn is_true(s: &str) -> bool {
    matches!(s.trim().to_ascii_lowercase().as_str(), "true" | "yes" | "on")
}

fn push_error(facts: &mut FileFacts, tree: &Tree, node: NodeId, message: String) {
    facts.syntax_errors.push(SyntaxError { range: tree.range(node), message });
}

/// Reads the workflow a definition mapping `root` declares. Shape errors (a phase without an id,
/// a deliverable that is not a path) become `syntax-error` facts. `stem` names the workflow when
/// the definition does not.
pub(crate) fn read_workflow(facts: &mut FileFacts, t: &Tree, root: NodeId, stem: &str) -> Option<Workflow> {
    let path = facts.path.clone();
    let name_node = ["name", "workflow", "workflow_id"].iter().find_map(|k| t.get(root, k).filter(|n| t.str(*n).is_some()));
    let source = if t.get(root, "workflow_id").is_some() { WorkflowSource::Plan } else { WorkflowSource::Definition };
    let (name, name_range) = match name_node {
        Some(n) => (t.str(n).unwrap_or_default().trim().to_string(), t.range(n)),
        None => (stem.trim_end_matches(".workflow").to_string(), t.range(root)),
    };
    let mut wf = Workflow::new(name, name_range, source);
    wf.explicit_name = name_node.is_some();
    wf.recognised_by = vec![Recognition::Definition];
    wf.framework = t.get(root, "framework").and_then(|n| t.str(n)).map(|s| s.trim().to_string());
    if let Some(n) = t.get(root, "instances") {
        for (glob, range) in t.str_list(n) {
            let bare = glob.trim().trim_start_matches('!');
            if bare.is_empty() || bare.starts_with('/') || bare.split('/').any(|s| s == "..") || globset::Glob::new(bare).is_err() {
                facts.syntax_errors.push(SyntaxError {
                    range,
                    message: "`instances` lists project-relative folder globs such as `specs/*` (`!` before one leaves its folders out)"
                        .into(),
                });
                continue;
            }
            wf.instances.push(glob.trim().trim_end_matches('/').to_string());
        }
    }
    if let Some(n) = t.get(root, "run") {
        match t.str(n).map(str::trim) {
            Some("inferred") => wf.run_inferred = true,
            Some("state-file") => {}
            _ => push_error(facts, t, n, "`run` is `inferred` (from the artifacts) or `state-file`".into()),
        }
    }
    if let Some(v) = t.get(root, "template_values") {
        for &(k, val) in t.entries(v) {
            if let (Some(k), Some(val)) = (t.str(k), t.str(val)) {
                wf.template_values.push((k.to_string(), val.to_string()));
            }
        }
    }
    if let Some(v) = t.get(root, "templates") {
        for &(k, val) in t.entries(v) {
            if let (Some(name), Some(content)) = (t.str(k), t.str(val)) {
                wf.templates.push(Template { file_name: name.trim().to_string(), content: content.to_string(), range: t.range(k) });
            }
        }
    }
    // In a definition instantiated per folder, deliverable and criterion paths are relative to
    // the instance folder (resolved against the root here, rebased per instance); templates are
    // project-relative.
    let path = if wf.instances.is_empty() { path } else { String::new() };
    if let Some(phases) = t.get(root, "phases") {
        if !t.is_seq(phases) {
            push_error(facts, t, phases, "`phases` must be a list of phases".into());
        }
        for &item in t.items(phases) {
            if let Some(p) = read_phase(facts, t, item, &path) {
                wf.phases.push(p);
            }
        }
    }
    if let Some(d) = t.get(root, "deliverables") {
        wf.deliverables = read_deliverables(facts, t, d, &path, false);
    }
    if t.get(root, "states").is_some() || t.get(root, "transitions").is_some() {
        wf.state_machine = Some(read_state_machine(t, root));
    }
    if wf.phases.is_empty() && wf.state_machine.is_none() {
        return None;
    }
    Some(wf)
}

fn read_phase(facts: &mut FileFacts, t: &Tree, item: NodeId, doc_path: &str) -> Option<Phase> {
    // Short form: `- design`.
    if let Some(name) = t.str(item) {
        return Some(Phase {
            id: slug(name),
            number: None,
            title: name.to_string(),
            range: t.range(item),
            deliverables: Vec::new(),
            gate: Gate::default(),
            depends_on: Vec::new(),
            reached: Vec::new(),
        });
    }
    if !t.is_map(item) {
        push_error(facts, t, item, "a phase is a name or a mapping with `id`".into());
        return None;
    }
    let id_node = ["id", "name"].iter().find_map(|k| t.get(item, k).filter(|n| t.str(*n).is_some()));
    let Some(id_node) = id_node else {
        push_error(facts, t, item, "a phase needs an `id` (or `name`)".into());
        return None;
    };
    let raw_id = t.str(id_node).unwrap_or_default().trim().to_string();
    let title = t.get(item, "title").and_then(|n| t.str(n)).map_or_else(|| raw_id.clone(), str::to_string);
    let mut deliverables = Vec::new();
    let complete = t.get(item, "complete").and_then(|n| t.str(n)).is_some_and(is_true);
    if let Some(d) = t.get(item, "deliverables") {
        deliverables = read_deliverables(facts, t, d, doc_path, complete);
    }
    let depends_on =
        t.get(item, "depends_on").map(|n| t.str_list(n)).unwrap_or_default().into_iter().map(|(s, r)| Named::new(s, r)).collect();
    let mut gate = Gate::default();
    if !deliverables.is_empty() {
        gate.criteria.push(Criterion {
            kind: CriterionKind::DeliverablesExist,
            label: "deliverables exist".into(),
            range: t.range(id_node),
        });
    }
    if let Some(g) = t.get(item, "gate") {
        gate.range = Some(t.range(g));
        read_gate(facts, t, g, doc_path, &mut gate);
    }
    let mut reached = Gate::default();
    if let Some(r) = t.get(item, "reached") {
        read_gate(facts, t, r, doc_path, &mut reached);
    }
    Some(Phase {
        id: if raw_id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_') {
            raw_id.clone()
        } else {
            slug(&raw_id)
        },
        number: t.get(item, "number").and_then(|n| t.str(n)).map(str::to_string),
        title,
        range: t.range(id_node),
        deliverables,
        gate,
        depends_on,
        reached: reached.criteria,
    })
}

fn read_deliverables(facts: &mut FileFacts, t: &Tree, node: NodeId, doc_path: &str, complete: bool) -> Vec<Deliverable> {
    let mut out = Vec::new();
    for &d in t.items(node) {
        if let Some(p) = t.str(d) {
            let mut del = Deliverable::new(doc_path, p, t.range(d));
            del.require_complete = complete;
            out.push(del);
        } else if let Some(pn) = t.get(d, "path").filter(|n| t.str(*n).is_some()) {
            let mut del = Deliverable::new(doc_path, t.str(pn).unwrap_or_default(), t.range(pn));
            del.template = t.get(d, "template").and_then(|n| t.str(n)).and_then(|s| paths::resolve(doc_path, s).ok());
            del.optional = t.get(d, "optional").and_then(|n| t.str(n)).is_some_and(is_true);
            del.require_complete = complete || t.get(d, "complete").and_then(|n| t.str(n)).is_some_and(is_true);
            out.push(del);
        } else {
            push_error(facts, t, d, "a deliverable is a path or a mapping with `path`".into());
        }
    }
    out
}

fn read_gate(facts: &mut FileFacts, t: &Tree, g: NodeId, doc_path: &str, gate: &mut Gate) {
    for &c in t.items(g) {
        let range = t.range(c);
        if t.str(c) == Some("deliverables") {
            continue; // Implied by every gate with deliverables.
        }
        let entry = t.entries(c).first().copied();
        let Some((k, v)) = entry else {
            push_error(facts, t, c, "a gate criterion is `deliverables` or a mapping such as `checklist: file#section`".into());
            continue;
        };
        let key = t.str(k).unwrap_or_default();
        let kind = match key {
            "checklist" => t
                .str(v)
                .map(|s| {
                    let (file, section) = s.split_once('#').unwrap_or((s, ""));
                    let file = if file.is_empty() { Ok(doc_path.to_string()) } else { paths::resolve(doc_path, file) };
                    (file, section.trim().to_string())
                })
                .and_then(|(file, section)| file.ok().map(|file| CriterionKind::ChecklistTicked { file, section })),
            "no_markers" => {
                let files: Vec<String> = t.str_list(v).into_iter().filter_map(|(s, _)| paths::resolve(doc_path, &s).ok()).collect();
                Some(CriterionKind::NoMarkers { files })
            }
            "recorded" => t.str(v).map(|s| CriterionKind::Recorded { name: s.trim().to_string() }),
            "section" => t.str(v).and_then(|s| {
                let (file, heading) = s.split_once('#')?;
                let file = if file.is_empty() { Ok(doc_path.to_string()) } else { paths::resolve(doc_path, file) };
                Some(CriterionKind::Section { file: file.ok()?, heading: heading.trim().to_string() })
            }),
            "any_ticked" => t.str(v).and_then(|s| paths::resolve(doc_path, s).ok()).map(|file| CriterionKind::AnyTicked { file }),
            "manual" => t.str(v).map(|_| CriterionKind::Manual),
            _ => None,
        };
        match kind {
            Some(kind) => gate.criteria.push(Criterion { kind, label: format!("{key}: {}", t.str(v).unwrap_or("...")), range }),
            None => push_error(
                facts,
                t,
                c,
                format!(
                    "unknown or malformed gate criterion `{key}`; expected checklist, no_markers, recorded, manual, section (`file#heading`) or any_ticked"
                ),
            ),
        }
    }
}

fn read_state_machine(t: &Tree, root: NodeId) -> StateMachine {
    let mut sm = StateMachine { range: t.range(root), ..StateMachine::default() };
    if let Some(states) = t.get(root, "states") {
        sm.range = t.range(states);
        sm.states = t.str_list(states).into_iter().map(|(s, r)| Named::new(s, r)).collect();
    }
    let read = |key: &str| -> Vec<Transition> {
        let Some(list) = t.get(root, key) else { return Vec::new() };
        t.items(list)
            .iter()
            .filter_map(|&item| {
                if let Some(s) = t.str(item) {
                    let (from, to, trigger) = crate::extract::parse_arrow(s)?;
                    return Some(Transition {
                        from: (!from.to_ascii_lowercase().starts_with("any")).then_some(from),
                        to,
                        trigger,
                        range: t.range(item),
                    });
                }
                let from = t.get(item, "from").and_then(|n| t.str(n)).map(str::to_string);
                let to = t.get(item, "to").and_then(|n| t.str(n))?.to_string();
                Some(Transition {
                    from: from.filter(|f| !f.eq_ignore_ascii_case("any") && f != "*"),
                    to,
                    trigger: t.get(item, "trigger").and_then(|n| t.str(n)).map(str::to_string),
                    range: t.range(item),
                })
            })
            .collect()
    };
    sm.transitions = read("transitions");
    sm.forbidden = read("forbidden");
    sm
}
