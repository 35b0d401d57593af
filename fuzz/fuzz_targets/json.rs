//! The JSON reader: any bytes as a state file (phasegate's or seed 000's orchestrator JSON), a
//! plan (seed 003) or a workflow definition, beside a workflow doc, then analysed.

#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use phasegate_engine::{FileInput, Workspace};

const NAMES: [&str; 4] = ["run.state.json", "plans/p.plan.json", "flow.workflow.json", "data.json"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else { return };
    let mut ws = Workspace::new();
    ws.set_file("docs/wf.md", FileInput::Text(common::WORKFLOW.into()));
    ws.set_file(NAMES[usize::from(pick) % NAMES.len()], FileInput::Bytes(body.to_vec()));
    common::analyse(&ws);
});
