//! YAML and JSON files: workflow definitions and plans, state files (phasegate's YAML and seed
//! 000's orchestrator JSON) and checks files (seed 002's `checks.yaml`).

use crate::extract::definition;
use crate::facts::{FileFacts, FileKind};
use crate::model::{GateResult, Named};
use crate::paths;
use crate::syntax::tree::{self, NodeId, Tree};

/// Keys of phasegate's state file (docs/formats.md); the schema declares exactly these.
#[cfg_attr(not(test), expect(dead_code, reason = "the contract grammars/workflow.schema.json is tested against"))]
pub(crate) const STATE_KEYS: &[&str] = &["workflow", "current", "status", "history", "gates"];
/// Keys of a history entry.
#[cfg_attr(not(test), expect(dead_code, reason = "the contract grammars/workflow.schema.json is tested against"))]
pub(crate) const HISTORY_KEYS: &[&str] = &["from", "to", "at"];
/// Keys of seed 000's orchestrator state that phasegate reads (others are kept as they are).
#[cfg_attr(not(test), expect(dead_code, reason = "the contract grammars/workflow.schema.json is tested against"))]
pub(crate) const ORCHESTRATOR_KEYS: &[&str] = &[
    "orchestrator_name",
    "current_status",
    "current_sub_workflow",
    "completed_sub_workflows",
    "pending_sub_workflows",
    "overall_progress",
    "gates",
];
/// Keys of a gate result written as a mapping (`review: {result: passed}`).
pub(crate) const GATE_RESULT_KEYS: &[&str] = &["result", "status", "passed"];
/// Keys of a checks file (seed 002's `checks.yaml`).
#[cfg_attr(not(test), expect(dead_code, reason = "the contract grammars/workflow.schema.json is tested against"))]
pub(crate) const CHECKS_KEYS: &[&str] = &["gates"];

/// A reader of YAML or JSON files of a framework (`sprint-status.yaml`, `checks.yaml`, ...):
/// which files it reads, and what it extracts from their parsed tree. Runs after the generic
/// classification (docs/formats.md) on every file it applies to that parses.
pub(crate) struct DataRecogniser {
    /// A short name.
    pub name: &'static str,
    /// Whether it reads the file at this project-relative path.
    pub applies: fn(&str) -> bool,
    /// Reads the parsed file (root node `root`) into its facts.
    pub extract: fn(&mut FileFacts, &Tree, NodeId),
}

impl std::fmt::Debug for DataRecogniser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DataRecogniser({})", self.name)
    }
}

/// Reads a YAML or JSON file's text (`view`: merge conflicts already masked) into `facts`.
pub(crate) fn extract(facts: &mut FileFacts, view: &str) {
    let parsed = match facts.kind {
        FileKind::Json => tree::parse_json(view),
        _ => tree::parse_yaml(view, 0),
    };
    let t = match parsed {
        Ok(t) => t,
        Err(e) => {
            // A conflicted file's parse error is a consequence of the conflict, reported as such;
            // files phasegate does not own (`tsconfig.json`, `devcontainer.json`) are not judged.
            if facts.conflicts.is_empty() && owned(&facts.path, view) {
                facts.syntax_errors.push(e);
            }
            return;
        }
    };
    let Some(root) = t.root else { return };
    let path = facts.path.clone();
    for r in crate::frameworks::FRAMEWORKS.iter().flat_map(|f| f.data.iter()).filter(|r| (r.applies)(&path)) {
        (r.extract)(facts, &t, root);
    }
    if !t.is_map(root) {
        return;
    }
    let name = paths::file_name(&facts.path).to_ascii_lowercase();
    let stem = paths::file_stem(&facts.path).to_string();
    let has = |k: &str| t.get(root, k).is_some();
    if has("orchestrator_name") {
        facts.runs.push(crate::state::orchestrator::read(&t, root));
    } else if has("workflow") && (has("current") || has("history")) && !has("phases") {
        facts.runs.push(crate::state::yaml::read(&t, root));
    } else if name.ends_with(".workflow.yaml")
        || name.ends_with(".workflow.yml")
        || name.ends_with(".workflow.json")
        || (has("phases") && (has("name") || has("workflow") || has("workflow_id")))
    {
        if let Some(wf) = definition::read_workflow(facts, &t, root, &stem) {
            facts.workflows.push(wf);
        }
    } else if name.starts_with("checks.")
        && let Some(g) = t.get(root, "gates")
    {
        facts.gate_records.extend(gate_results(&t, g));
    }
}

/// Whether a YAML or JSON file is one of phasegate's formats (so a parse error is worth
/// reporting): by name (`*.state.*`, `*.workflow.*`, `checks.*`), or by the top-level keys of a
/// state file, definition or plan found in its text.
pub(crate) fn owned(path: &str, text: &str) -> bool {
    if crate::frameworks::FRAMEWORKS.iter().flat_map(|f| f.data.iter()).any(|r| (r.applies)(path)) {
        return true;
    }
    let name = paths::file_name(path).to_ascii_lowercase();
    let by_name =
        [".state.yaml", ".state.yml", ".state.json", ".workflow.yaml", ".workflow.yml", ".workflow.json"].iter().any(|s| name.ends_with(s))
            || name.starts_with("checks.");
    if by_name {
        return true;
    }
    let top_level = |key: &str| crate::text::lines(text).any(|l| l.starts_with(key) && l[key.len()..].starts_with(':'));
    let json_key = |key: &str| text.contains(&format!("\"{key}\""));
    if name.ends_with(".json") {
        json_key("orchestrator_name") || json_key("workflow_id") || (json_key("workflow") && json_key("current"))
    } else {
        top_level("orchestrator_name")
            || top_level("workflow_id")
            || (top_level("workflow") && (top_level("current") || top_level("history")))
            || (top_level("phases") && (top_level("name") || top_level("workflow")))
    }
}

pub(crate) fn named(t: &Tree, n: NodeId) -> Option<Named> {
    let s = t.str(n)?.trim();
    (!s.is_empty()).then(|| Named::new(s, t.range(n)))
}

pub(crate) fn is_pass(s: &str) -> bool {
    matches!(s.trim().to_ascii_lowercase().as_str(), "passed" | "pass" | "true" | "ok" | "approved" | "yes" | "met")
}

/// `gates:` as a mapping (`review: passed`, `review: {result: passed}`) or a list of
/// `{name, result}`.
pub(crate) fn gate_results(t: &Tree, g: NodeId) -> Vec<GateResult> {
    let mut out = Vec::new();
    for &(k, v) in t.entries(g) {
        let Some(name) = named(t, k) else { continue };
        let value = t.str(v).or_else(|| GATE_RESULT_KEYS.iter().find_map(|key| t.get(v, key).and_then(|n| t.str(n))));
        out.push(GateResult { name, passed: value.is_some_and(is_pass) });
    }
    for &item in t.items(g) {
        let Some(name) = t.get(item, "name").and_then(|n| named(t, n)) else { continue };
        let value = GATE_RESULT_KEYS.iter().find_map(|key| t.get(item, key).and_then(|n| t.str(n)));
        out.push(GateResult { name, passed: value.is_some_and(is_pass) });
    }
    out
}
