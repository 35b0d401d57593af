//! State-file reading and advancing: any text as the state file of a known workflow (YAML or
//! JSON), advanced as far as it goes; every advance's edits must fit the text, and the edited
//! state file must read again without a panic.

#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use phasegate_engine::{FileChange, FileInput, Workspace};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(body) else { return };
    let path = if pick % 2 == 0 { "run.state.yaml" } else { "run.state.json" };
    let mut ws = Workspace::new();
    ws.set_file("docs/wf.md", FileInput::Text(common::WORKFLOW.into()));
    ws.set_file(path, FileInput::Text(text.to_string()));
    for _ in 0..4 {
        common::analyse(&ws);
        let Ok(change) = ws.advance("fuzz", Some(path), None, common::NOW) else { break };
        let mut next = None;
        for c in &change.changes {
            if let (FileChange::Edit { path: p, .. }, Some(old)) = (c, ws.text(c.path())) {
                next = common::apply_edits(old, c).map(|t| (p.clone(), t));
            }
        }
        let Some((p, t)) = next else { break };
        ws.set_file(&p, FileInput::Text(t));
    }
});
