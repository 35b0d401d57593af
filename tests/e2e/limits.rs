//! No input may be slow, block or flood: nothing but regular files is read (a FIFO never blocks
//! the CLI or the server), one file reports at most `MAX_PER_CODE` diagnostics of one code (the
//! rest summarised in one more), and messages list a bounded number of items. How time and
//! memory grow with each input shape is measured by the scaling benchmark
//! (`cargo bench -p phasegate --bench scaling`, docs/benchmarks.md), not by timed tests.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::cli::{phasegate, temp};
use crate::lsp::{Server, file_uri};

#[cfg(unix)]
fn mkfifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo").arg(path).status().unwrap_or_else(|e| panic!("mkfifo: {e}"));
    assert!(status.success(), "mkfifo {}", path.display());
}

#[cfg(unix)]
#[test]
fn a_fifo_is_never_read_by_the_cli() {
    let tmp = temp();
    let root = tmp.path();
    std::fs::write(root.join("wf.md"), "## Phase 1: A\n**Gate Check**: ok → Proceed to Phase 9\n").unwrap_or_else(|e| panic!("{e}"));
    mkfifo(&root.join("pipe.md"));
    // Named on the command line: an error, not "no problems found".
    let out = phasegate(root, &["check", "pipe.md"]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(out.stderr.contains("pipe.md: not a regular file or folder"), "{out:#?}");
    // In a folder: left out, the rest checked.
    let out = phasegate(root, &["check"]);
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(out.stdout.contains("wf.md:2:33: error[gate-dangling]"), "{}", out.stdout);
}

#[cfg(unix)]
#[test]
fn closing_a_document_whose_file_is_a_fifo_does_not_block_the_server() {
    let tmp = temp();
    let root = tmp.path();
    mkfifo(&root.join("pipe.md"));
    let mut server = Server::start(root, &[]);
    server.initialize(json!({}));
    let uri = file_uri(&root.join("pipe.md"));
    server.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "markdown", "version": 1, "text": "## Phase 1: A\n**Gate Check**: ok → Proceed to Phase 9\n" } }),
    );
    server.diagnostics_for("pipe.md", |d| !d.is_empty());
    server.notify("textDocument/didClose", json!({ "textDocument": { "uri": uri } }));
    // Still answering (the helper fails after its timeout): the FIFO was not opened.
    let status = server.request("workspace/executeCommand", json!({ "command": "phasegate.status", "arguments": [{}] }));
    assert!(status.get("result").is_some(), "{status}");
    server.diagnostics_for("pipe.md", |d| d.is_empty());
    server.shutdown();
}

/// A workflow whose completed phase lists `n` missing deliverables.
fn many_missing(n: usize) -> tempfile::TempDir {
    let tmp = temp();
    let mut doc = String::from("---\nname: m\n---\n## Phase 1: A\n**Deliverables**:\n");
    for i in 0..n {
        let _ = writeln!(doc, "- `out/{i}.md`");
    }
    doc.push_str("\n## Phase 2: B\n");
    std::fs::write(tmp.path().join("wf.md"), doc).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(tmp.path().join("m.state.yaml"), "workflow: m\ncurrent: b\n").unwrap_or_else(|e| panic!("{e}"));
    tmp
}

#[test]
fn one_file_reports_at_most_a_hundred_diagnostics_of_one_code() {
    let tmp = many_missing(250);
    let root = tmp.path();
    let out = phasegate(root, &["check", "--format", "json"]);
    assert_eq!(out.code, 1);
    let v: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let in_doc: Vec<&Value> = v["diagnostics"].as_array().into_iter().flatten().filter(|d| d["path"] == "wf.md").collect();
    assert_eq!(in_doc.len(), 101, "100 and one summary");
    let summary =
        in_doc.iter().find(|d| d["message"].as_str().is_some_and(|m| m.starts_with("150 more"))).unwrap_or_else(|| panic!("{in_doc:?}"));
    assert_eq!(summary["code"], "missing-deliverable");
    assert_eq!(summary["severity"], "error", "the summary is as severe as the worst it stands for");
    // At the first deliverable left out (the 101st, line 105).
    assert_eq!(summary["range"]["start"]["line"], 105);
    // The gate-unmet message of the state file lists 10 reasons and counts the rest.
    let unmet = v["diagnostics"].as_array().into_iter().flatten().find(|d| d["code"] == "gate-unmet").unwrap_or_else(|| panic!("{v}"));
    let message = unmet["message"].as_str().unwrap_or("");
    assert!(message.ends_with("; ... and 240 more"), "{message}");
    assert!(message.len() < 600, "{message}");

    // The server shows the same.
    let mut server = Server::start(root, &[]);
    server.initialize(json!({ "textDocument": { "diagnostic": {} }, "workspace": { "diagnostics": { "refreshSupport": true } } }));
    server.wait(|m| m["method"] == "workspace/diagnostic/refresh");
    let r = server.request("textDocument/diagnostic", json!({ "textDocument": { "uri": file_uri(&root.join("wf.md")) } }));
    let items = r["result"]["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 101);
    assert!(items.iter().any(|d| d["message"].as_str().is_some_and(|m| m.starts_with("150 more `missing-deliverable`"))), "{items:?}");
    server.shutdown();

    // Advance's refusal lists 10 unmet criteria too.
    std::fs::write(root.join("m.state.yaml"), "workflow: m\ncurrent: a\n").unwrap_or_else(|e| panic!("{e}"));
    let c = root.to_str().unwrap_or_else(|| panic!("UTF-8 temp path"));
    let out = phasegate(root, &["advance", "m", "-C", c]);
    assert_eq!(out.code, 1, "{out:#?}");
    assert_eq!(out.stderr.lines().count(), 12, "{}", out.stderr);
    assert!(out.stderr.ends_with("  - ... and 240 more\n"), "{}", out.stderr);
}
