//! Markdown outline and extraction: any bytes as a workflow doc, a tasks file, a spec file, a
//! memory map or a plain doc, beside a state file, then analysed (fuzz_targets/common.rs).

#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use phasegate_engine::{FileInput, Workspace};

const NAMES: [&str; 6] = ["docs/wf.md", "tasks.md", "specs.md", "memory-map.md", "README.md", "SKILL.md"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else { return };
    let mut ws = Workspace::new();
    ws.set_file(NAMES[usize::from(pick) % NAMES.len()], FileInput::Bytes(body.to_vec()));
    ws.set_file("run.state.yaml", FileInput::Text("workflow: wf\ncurrent: design\n".into()));
    common::analyse(&ws);
});
