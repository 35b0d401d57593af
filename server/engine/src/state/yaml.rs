//! phasegate's state format (docs/formats.md, a.): `workflow`, `current`, `status`, `history`,
//! `gates`, in YAML (or the same keys in JSON): its reader and its writer.

use crate::actions::{Refusal, TextEdit, refuse, yaml_scalar};
use crate::analysis::RunRef;
use crate::extract::data::{gate_results, named};
use crate::model::{HistoryEntry, Named, Run, StateFormat};
use crate::syntax::tree::{self, NodeId, Tree};
use crate::text::TextRange;

/// Reads a state file's mapping `root`.
pub(crate) fn read(t: &Tree, root: NodeId) -> Run {
    let workflow = t.get(root, "workflow").and_then(|n| named(t, n)).unwrap_or_else(|| Named::new("", t.range(root)));
    let history = t
        .get(root, "history")
        .map(|h| {
            t.items(h)
                .iter()
                .filter_map(|&e| {
                    let to = named(t, t.get(e, "to")?)?;
                    Some(HistoryEntry {
                        from: t.get(e, "from").and_then(|n| named(t, n)),
                        to,
                        at: t.get(e, "at").and_then(|n| t.str(n)).map(str::to_string),
                        range: t.range(e),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Run {
        format: StateFormat::Yaml,
        workflow,
        current: t.get(root, "current").and_then(|n| named(t, n)),
        status: t.get(root, "status").and_then(|n| named(t, n)),
        completed: Vec::new(),
        pending: Vec::new(),
        history,
        gates: t.get(root, "gates").map(|g| gate_results(t, g)).unwrap_or_default(),
        progress: None,
    }
}

pub(crate) fn advance(text: &str, run: &RunRef<'_>, from: &str, to: Option<&str>, now: &str) -> Result<Vec<TextEdit>, Refusal> {
    let t = tree::parse_yaml(text, 0).map_err(|e| refuse(format!("`{}` does not parse: {}", run.file.path, e.message)))?;
    let root = t.root.ok_or_else(|| refuse("empty state file"))?;
    let mut edits = Vec::new();
    // New lines use the file's own line break; text appended at the end goes on a line of its own.
    let nl = crate::text::line_break_of(text);
    let prefix = if text.is_empty() || text.ends_with(['\n', '\r']) { "" } else { nl };
    let line_end = |at: usize| crate::text::line_end(text, at);
    let Some(to) = to else {
        // Completing: set `status: completed`.
        match t.get(root, "status") {
            Some(s) if !t.is_null(s) => edits.push(TextEdit { range: t.range(s), new_text: "completed".into() }),
            _ => edits.push(TextEdit { range: TextRange::empty(text.len()), new_text: format!("{prefix}status: completed{nl}") }),
        }
        return Ok(edits);
    };
    let entry = format!("{{from: {}, to: {}, at: {}}}", yaml_scalar(from), yaml_scalar(to), now);
    match t.get(root, "current") {
        Some(c) if !t.is_null(c) => edits.push(TextEdit { range: t.range(c), new_text: yaml_scalar(to) }),
        _ => return Err(refuse("the state file has no `current:` value to advance")),
    }
    let history_key = t.entries(root).iter().find(|(k, _)| t.str(*k) == Some("history")).copied();
    match history_key {
        Some((_, h)) if t.is_seq(h) && text[t.range(h).start..t.range(h).end.min(text.len())].trim_start().starts_with('[') => {
            // Flow sequence: `history: []` or `history: [{...}]`.
            let hr = t.range(h);
            let close = text[..hr.end.min(text.len())].rfind(']').unwrap_or(hr.end);
            let sep = if t.items(h).is_empty() { "" } else { ", " };
            edits.push(TextEdit { range: TextRange::empty(close), new_text: format!("{sep}{entry}") });
        }
        Some((_, h)) if let (Some(&first), Some(&last)) = (t.items(h).first(), t.items(h).last()) => {
            // Block sequence: a new item after the last one, indented like the first.
            let first = t.range(first);
            let line_start = text[..first.start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
            let indent: String = text[line_start..first.start].chars().take_while(|c| *c == ' ').collect();
            edits.push(TextEdit { range: TextRange::empty(line_end(t.range(last).end)), new_text: format!("{nl}{indent}- {entry}") });
        }
        Some((k, _)) => {
            // `history:` with no list yet.
            let key_end = t.range(k).end;
            let colon = text[key_end..].find(':').map_or(key_end, |i| key_end + i + 1);
            edits.push(TextEdit { range: TextRange::new(colon, line_end(colon)), new_text: format!(" [{entry}]") });
        }
        None => {
            edits.push(TextEdit { range: TextRange::empty(text.len()), new_text: format!("{prefix}history:{nl}  - {entry}{nl}") });
        }
    }
    edits.sort_by_key(|e| e.range);
    Ok(edits)
}

/// The edit advancing a state file in phasegate's format written as JSON (`workflow`, `current`,
/// `history`): the document rewritten with `current` moved and a history entry appended.
pub(crate) fn advance_json(text: &str, from: &str, to: Option<&str>, now: &str) -> Result<Vec<TextEdit>, Refusal> {
    use serde_json::{Value, json};
    let mut doc: Value = serde_json::from_str(text).map_err(|e| refuse(format!("the state file does not parse: {e}")))?;
    let obj = doc.as_object_mut().ok_or_else(|| refuse("the state file is not a JSON object"))?;
    match to {
        Some(next) => {
            obj.insert("current".into(), json!(next));
            let history = obj.entry("history").or_insert_with(|| json!([]));
            if let Some(list) = history.as_array_mut() {
                list.push(json!({ "from": from, "to": next, "at": now }));
            }
        }
        None => {
            obj.insert("status".into(), json!("completed"));
        }
    }
    Ok(vec![TextEdit { range: TextRange::new(0, text.len()), new_text: super::json_text(&doc, text)? }])
}
