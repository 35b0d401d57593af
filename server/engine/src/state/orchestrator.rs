//! Seed 000's orchestrator JSON (docs/formats.md, b.): `orchestrator_name`,
//! `current_sub_workflow`, `completed_sub_workflows`, ...: its reader and its writer.

use crate::actions::{Refusal, TextEdit, refuse};
use crate::extract::data::{gate_results, named};
use crate::model::{Named, Progress, Run, StateFormat, Workflow};
use crate::syntax::tree::{NodeId, Tree};
use crate::text::TextRange;

/// Reads seed 000's state mapping `root`.
pub(crate) fn read(t: &Tree, root: NodeId) -> Run {
    let workflow = t.get(root, "orchestrator_name").and_then(|n| named(t, n)).unwrap_or_else(|| Named::new("", t.range(root)));
    let item_name = |n: NodeId| named(t, n).or_else(|| t.get(n, "name").and_then(|x| named(t, x)));
    let list = |key: &str| -> Vec<Named> {
        t.get(root, key).map(|l| t.items(l).iter().filter_map(|&i| item_name(i)).collect()).unwrap_or_default()
    };
    let current = t.get(root, "current_sub_workflow").filter(|n| !t.is_null(*n)).and_then(item_name);
    let progress = t.get(root, "overall_progress").map(|p| {
        let num = |k: &str| t.get(p, k).and_then(|n| Some((t.str(n)?.trim().parse::<f64>().ok()?, t.range(n))));
        Progress {
            completed: num("completed").map(|(v, r)| (v as u64, r)),
            total: num("total").map(|(v, r)| (v as u64, r)),
            percentage: num("percentage"),
        }
    });
    Run {
        format: StateFormat::OrchestratorJson,
        workflow,
        current,
        status: t.get(root, "current_status").and_then(|n| named(t, n)),
        completed: list("completed_sub_workflows"),
        pending: list("pending_sub_workflows"),
        history: Vec::new(),
        gates: t.get(root, "gates").map(|g| gate_results(t, g)).unwrap_or_default(),
        progress,
    }
}

/// The edit advancing seed 000's orchestrator JSON: the whole document rewritten with the
/// current sub-workflow moved to `completed_sub_workflows`, the next one started, pending and
/// `overall_progress` updated. Key order and 2-space indentation are kept.
pub(crate) fn advance(text: &str, wf: &Workflow, from: &str, to: Option<&str>, now: &str) -> Result<Vec<TextEdit>, Refusal> {
    use serde_json::{Map, Value, json};
    let mut doc: Value = serde_json::from_str(text).map_err(|e| refuse(format!("the state file does not parse: {e}")))?;
    let obj = doc.as_object_mut().ok_or_else(|| refuse("the state file is not a JSON object"))?;
    let mut done = Map::new();
    done.insert("name".into(), json!(from));
    done.insert("status".into(), json!("completed"));
    if let Some(out) = obj.get("current_sub_workflow").and_then(|c| c.get("output")).cloned() {
        done.insert("output".into(), out);
    }
    done.insert("completion_time".into(), json!(now));
    let completed = obj.entry("completed_sub_workflows").or_insert_with(|| json!([]));
    if let Some(list) = completed.as_array_mut() {
        list.push(Value::Object(done));
    }
    let completed_count = obj.get("completed_sub_workflows").and_then(Value::as_array).map_or(0, Vec::len);
    match to {
        Some(next) => {
            obj.insert("current_sub_workflow".into(), json!({"name": next, "status": "running", "start_time": now}));
            if let Some(p) = obj.get_mut("pending_sub_workflows").and_then(Value::as_array_mut) {
                p.retain(|v| {
                    let name = v.as_str().or_else(|| v.get("name").and_then(Value::as_str)).unwrap_or("");
                    wf.phase_index(name) != wf.phase_index(next)
                });
            }
            obj.insert("current_status".into(), json!("running"));
        }
        None => {
            obj.insert("current_sub_workflow".into(), Value::Null);
            obj.insert("current_status".into(), json!("completed"));
            if let Some(p) = obj.get_mut("pending_sub_workflows").and_then(Value::as_array_mut) {
                p.clear();
            }
        }
    }
    let total = wf.phases.len().max(completed_count);
    let percentage = if total == 0 { 0 } else { ((completed_count as f64) * 100.0 / total as f64).round() as u64 };
    let progress = obj.entry("overall_progress").or_insert_with(|| json!({}));
    if let Some(p) = progress.as_object_mut() {
        p.insert("completed".into(), json!(completed_count));
        p.insert("total".into(), json!(total));
        p.insert("percentage".into(), json!(percentage));
    }
    Ok(vec![TextEdit { range: TextRange::new(0, text.len()), new_text: super::json_text(&doc, text)? }])
}
