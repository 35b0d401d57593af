//! The YAML reader: any bytes as a state file, a workflow definition, a checks file or a plain
//! YAML file, beside a workflow doc, then analysed.

#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use phasegate_engine::{FileInput, Workspace};

const NAMES: [&str; 4] = ["run.state.yaml", "flow.workflow.yaml", "checks.yaml", "notes.yml"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else { return };
    let mut ws = Workspace::new();
    ws.set_file("docs/wf.md", FileInput::Text(common::WORKFLOW.into()));
    ws.set_file(NAMES[usize::from(pick) % NAMES.len()], FileInput::Bytes(body.to_vec()));
    common::analyse(&ws);
});
