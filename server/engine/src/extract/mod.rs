//! Extractors: from a file's syntax to the workflow model (docs/conventions.md lists every form
//! recognised, with an example of each).

pub(crate) mod acceptance;
pub(crate) mod data;
pub(crate) mod definition;
pub(crate) mod markdown;

use crate::text::TextRange;

pub(crate) use data::DataRecogniser;
#[allow(unused_imports, reason = "for the frameworks' recognisers")]
pub(crate) use markdown::{MarkdownInput, Recogniser};

/// Every Markdown recogniser: the generic conventions', then each framework's (in registry
/// order). A file's outline is built only when one of them reads it.
pub(crate) fn markdown_recognisers() -> impl Iterator<Item = &'static Recogniser> {
    markdown::GENERIC.iter().chain(crate::frameworks::FRAMEWORKS.iter().flat_map(|f| f.markdown.iter()))
}

/// The range of the first `needle` in `text[within]` at or after byte `from`, if any.
pub(crate) fn locate(text: &str, within: TextRange, needle: &str, from: usize) -> Option<TextRange> {
    let start = from.max(within.start).min(text.len());
    let end = within.end.min(text.len());
    if needle.is_empty() || start >= end || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
        return None;
    }
    text[start..end].find(needle).map(|i| TextRange::new(start + i, start + i + needle.len()))
}

/// Splits a `a → b (trigger)` or `a -> b` line into its parts. Box-drawing characters and list
/// markers before `a` are ignored; `❌`/`✗` after it are dropped.
pub(crate) fn parse_arrow(line: &str) -> Option<(String, String, Option<String>)> {
    let (left, right) = line.split_once('→').or_else(|| line.split_once("->"))?;
    let left = left.trim_start_matches(|c: char| !c.is_alphanumeric()).trim();
    let right = right.trim().trim_end_matches(['❌', '✗', '✘']).trim();
    let (to, trigger) = match right.find('(') {
        Some(i) if right.ends_with(')') => (right[..i].trim(), Some(right[i + 1..right.len() - 1].trim().to_string())),
        _ => (right, None),
    };
    let is_ident = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    let left_ok = is_ident(left) || left.eq_ignore_ascii_case("any state") || left.eq_ignore_ascii_case("any");
    if !left_ok || !is_ident(to) {
        return None;
    }
    Some((left.to_string(), to.to_string(), trigger))
}

#[cfg(test)]
mod tests {
    use super::parse_arrow;
    use std::collections::BTreeSet;

    /// `grammars/workflow.schema.json` declares exactly the keys the readers accept.
    #[test]
    fn schema_matches_the_readers() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../grammars/workflow.schema.json");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let schema: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
        let defs = &schema["$defs"];
        // Property names anywhere in a definition's subtree (its own `anyOf` branches included),
        // without following `$ref`.
        fn props(v: &serde_json::Value, out: &mut BTreeSet<String>) {
            if let serde_json::Value::Object(map) = v {
                if let Some(serde_json::Value::Object(p)) = map.get("properties") {
                    out.extend(p.keys().cloned());
                }
                for key in ["anyOf", "oneOf", "allOf"] {
                    if let Some(serde_json::Value::Array(list)) = map.get(key) {
                        list.iter().for_each(|b| props(b, out));
                    }
                }
            }
        }
        let keys = |v: &serde_json::Value| {
            let mut out = BTreeSet::new();
            props(v, &mut out);
            out
        };
        let set = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<BTreeSet<String>>();
        use super::data::{CHECKS_KEYS, GATE_RESULT_KEYS, HISTORY_KEYS, ORCHESTRATOR_KEYS, STATE_KEYS};
        use super::definition::{CRITERION_KEYS, DEFINITION_KEYS, DELIVERABLE_KEYS, PHASE_KEYS, TRANSITION_KEYS};
        assert_eq!(keys(&defs["definition"]), set(DEFINITION_KEYS), "definition");
        assert_eq!(keys(&defs["phaseMapping"]), set(PHASE_KEYS), "phase");
        assert_eq!(keys(&defs["deliverable"]), set(DELIVERABLE_KEYS), "deliverable");
        assert_eq!(keys(&defs["criterion"]), set(CRITERION_KEYS), "gate criterion");
        assert_eq!(keys(&defs["transition"]), set(TRANSITION_KEYS), "transition");
        assert_eq!(keys(&defs["stateFile"]), set(STATE_KEYS), "state file");
        assert_eq!(keys(&defs["stateFile"]["properties"]["history"]["anyOf"][0]["items"]), set(HISTORY_KEYS), "history entry");
        assert_eq!(keys(&defs["orchestratorState"]), set(ORCHESTRATOR_KEYS), "seed 000 state");
        assert_eq!(keys(&defs["gateResultFields"]), set(GATE_RESULT_KEYS), "gate result");
        assert_eq!(keys(&defs["checksFile"]), set(CHECKS_KEYS), "checks file");
    }

    #[test]
    fn arrows() {
        assert_eq!(
            parse_arrow("specs_updated → system_design_updated (architect)"),
            Some(("specs_updated".into(), "system_design_updated".into(), Some("architect".into())))
        );
        assert_eq!(parse_arrow("specs_updated → tasks_generated ❌"), Some(("specs_updated".into(), "tasks_generated".into(), None)));
        assert_eq!(
            parse_arrow("    └── IN_PROGRESS → WAITING_APPROVAL (agent complete)"),
            Some(("IN_PROGRESS".into(), "WAITING_APPROVAL".into(), Some("agent complete".into())))
        );
        assert_eq!(parse_arrow("Any state → FAILED (error occurred)").map(|t| t.0), Some("Any state".into()));
        assert_eq!(parse_arrow("[Design] → Design Artifacts"), None);
        assert_eq!(parse_arrow("• Run SDET #1's tests on Feature A → Fix failures"), None);
    }
}
