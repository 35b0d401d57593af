//! State files, one module per format, each with its reader (text → [`crate::model::Run`]) and its
//! writer (the edits that advance a run) side by side: phasegate's own format (YAML, or the same
//! keys in JSON), seed 000's orchestrator JSON and BMAD's `sprint-status.yaml`.

pub(crate) mod orchestrator;
pub(crate) mod sprint_status;
pub(crate) mod yaml;

use crate::actions::{Refusal, refuse};

/// Pretty-prints `doc` with 2-space indentation, ending with a newline when `original` did.
pub(crate) fn json_text(doc: &serde_json::Value, original: &str) -> Result<String, Refusal> {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"  ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    serde::Serialize::serialize(doc, &mut ser).map_err(|e| refuse(e.to_string()))?;
    let mut text = String::from_utf8(out).map_err(|e| refuse(e.to_string()))?;
    if original.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}
