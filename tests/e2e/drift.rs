//! The server's copy of a document agrees with the editor's, and the server with the CLI: LSP's
//! line breaks only (`\n`, `\r\n`, `\r`), positions re-pushed when an edit moves them, a UTF-8
//! byte-order mark, NUL bytes and skipped files judged alike in the editor and on disk.

use std::path::Path;

use serde_json::{Value, json};

use crate::cli::{phasegate, read, temp};
use crate::lsp::{Server, codes, file_uri};

/// Push-mode capabilities with UTF-16 positions (LSP's default).
fn push_caps() -> Value {
    json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } })
}

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap_or(root)).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(p, bytes).unwrap_or_else(|e| panic!("{e}"));
}

fn open_text(server: &Server, root: &Path, rel: &str, text: &str) {
    server.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": file_uri(&root.join(rel)), "languageId": "markdown", "version": 1, "text": text } }),
    );
}

fn change(server: &Server, root: &Path, rel: &str, version: i32, range: Value, text: &str) {
    server.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": file_uri(&root.join(rel)), "version": version }, "contentChanges": [{ "range": range, "text": text }] }),
    );
}

fn range(l1: u32, c1: u32, l2: u32, c2: u32) -> Value {
    json!({ "start": { "line": l1, "character": c1 }, "end": { "line": l2, "character": c2 } })
}

/// `check --format json` on a folder holding only `wf.md` with `text`: the fresh analysis the
/// server must agree with (JSON positions are LSP's: 0-based, UTF-16).
fn fresh(text: &str) -> Vec<(String, Value)> {
    let tmp = temp();
    write(tmp.path(), "wf.md", text.as_bytes());
    let out = phasegate(tmp.path(), &["check", "--format", "json"]);
    out.assert_no_panic("check");
    let v: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout));
    v["diagnostics"].as_array().into_iter().flatten().map(|d| (d["code"].as_str().unwrap_or("").to_string(), d["range"].clone())).collect()
}

fn pairs(diags: &[Value]) -> Vec<(String, Value)> {
    diags.iter().map(|d| (d["code"].as_str().unwrap_or("").to_string(), d["range"].clone())).collect()
}

#[test]
fn only_lsp_line_breaks_split_lines_in_the_server_and_the_cli() {
    let tmp = temp();
    let root = tmp.path();
    write(root, "wf.md", b"");
    let mut server = Server::start(root, &[]);
    server.initialize(push_caps());
    // U+2028 inside a line: the editor's line 3 is the gate line.
    let text = "## Phase 1: Design\nnote: a\u{2028}b\n\n**Gate Check**: ok → Proceed to Phase 9\n";
    open_text(&server, root, "wf.md", text);
    let diags = server.diagnostics_for("wf.md", |d| !d.is_empty());
    assert_eq!(pairs(&diags), vec![("gate-dangling".to_string(), range(3, 32, 3, 39))]);
    assert_eq!(pairs(&diags), fresh(text));
    // `9` → `1` by an incremental edit at the editor's position.
    change(&server, root, "wf.md", 2, range(3, 38, 3, 39), "1");
    let edited = text.replace("Phase 9", "Phase 1");
    let expected = fresh(&edited);
    let diags = server.diagnostics_for("wf.md", |d| pairs(d) == expected);
    assert_eq!(pairs(&diags), expected);

    // Lone `\r` line endings: the gate line is line 2, for the server and the CLI.
    let text = "## Phase 1: Design\r\r**Gate Check**: ok → Proceed to Phase 9\r";
    change(&server, root, "wf.md", 3, range(0, 0, 99, 0), text);
    let diags = server.diagnostics_for("wf.md", |d| d.first().is_some_and(|d| d["range"]["start"]["line"] == 2));
    assert_eq!(pairs(&diags), vec![("gate-dangling".to_string(), range(2, 32, 2, 39))]);
    assert_eq!(pairs(&diags), fresh(text));
    write(root, "lone-cr.md", text.as_bytes());
    let human = phasegate(root, &["check", "lone-cr.md"]);
    assert!(human.stdout.starts_with("lone-cr.md:3:33: error[gate-dangling]"), "{}", human.stdout);
    // An incremental edit after a lone `\r` lands where the editor put it.
    change(&server, root, "wf.md", 4, range(2, 38, 2, 39), "1");
    let expected = fresh(&text.replace("Phase 9", "Phase 1"));
    server.diagnostics_for("wf.md", |d| pairs(d) == expected);
    server.shutdown();
}

#[test]
fn push_mode_republishes_when_only_positions_move() {
    let tmp = temp();
    let root = tmp.path();
    let text = "## Phase 1: Design\nSome prose.\nMore prose.\n\n**Gate Check**: café → Proceed to Phase 9\n";
    write(root, "wf.md", text.as_bytes());
    let mut server = Server::start(root, &[]);
    server.initialize(push_caps());
    server.open("wf.md", "markdown", 1);
    let diags = server.diagnostics_for("wf.md", |d| !d.is_empty());
    assert_eq!(pairs(&diags), vec![("gate-dangling".to_string(), range(4, 34, 4, 41))]);
    // Join two prose lines above it: same bytes, one line up.
    change(&server, root, "wf.md", 2, range(1, 11, 2, 0), " ");
    let diags = server.diagnostics_for("wf.md", |d| d.first().is_some_and(|d| d["range"]["start"]["line"] == 3));
    assert_eq!(pairs(&diags), vec![("gate-dangling".to_string(), range(3, 34, 3, 41))]);
    // `é` (2 bytes, 1 UTF-16 unit) → `ab` (2 bytes, 2 units) before it: one column right.
    change(&server, root, "wf.md", 3, range(3, 19, 3, 20), "ab");
    let diags = server.diagnostics_for("wf.md", |d| d.first().is_some_and(|d| d["range"]["start"]["character"] == 35));
    assert_eq!(pairs(&diags), vec![("gate-dangling".to_string(), range(3, 35, 3, 42))]);
    assert_eq!(pairs(&diags), fresh("## Phase 1: Design\nSome prose. More prose.\n\n**Gate Check**: cafab → Proceed to Phase 9\n"));
    server.shutdown();
}

#[test]
fn a_byte_order_mark_hides_nothing() {
    let tmp = temp();
    let root = tmp.path();
    let doc = "---\nname: bom-flow\n---\n## Phase 1: Design\n**Deliverables**:\n- `d.md`\n\n## Phase 2: Build\n";
    write(root, "docs/wf.md", format!("\u{feff}{doc}").as_bytes());
    write(root, "run.state.yaml", "\u{feff}workflow: bom-flow\ncurrent: design\n".as_bytes());
    write(root, "other.state.json", "\u{feff}{\"workflow\": \"bom-flow\", \"current\": \"design\"}\n".as_bytes());
    write(root, "d.md", b"# D\n");
    // The CLI: the front matter names the workflow; nothing is unknown or unparsable.
    let out = phasegate(root, &["check"]);
    crate::cli::assert_clean((out.code, &out.stdout));
    // The server, from disk, then with the document open as editors send it (without the BOM).
    let mut server = Server::start(root, &[]);
    server.initialize(json!({
        "textDocument": { "diagnostic": { "dynamicRegistration": false } },
        "workspace": { "diagnostics": { "refreshSupport": true } }
    }));
    server.wait(|m| m["method"] == "workspace/diagnostic/refresh");
    let pull = |server: &mut Server, rel: &str| {
        let r = server.request("textDocument/diagnostic", json!({ "textDocument": { "uri": file_uri(&root.join(rel)) } }));
        codes(r["result"]["items"].as_array().map(Vec::as_slice).unwrap_or(&[]))
    };
    for rel in ["docs/wf.md", "run.state.yaml", "other.state.json"] {
        assert_eq!(pull(&mut server, rel), Vec::<String>::new(), "{rel}");
    }
    open_text(&server, root, "docs/wf.md", doc);
    assert_eq!(pull(&mut server, "run.state.yaml"), Vec::<String>::new());
    server.shutdown();
    // Advance rewrites the state file and keeps its byte-order mark.
    let c = root.to_str().unwrap_or_else(|| panic!("UTF-8 temp path"));
    let out = phasegate(root, &["advance", "bom-flow", "--state", "run.state.yaml", "-C", c]);
    assert_eq!(out.code, 0, "{out:#?}");
    let state = read(&root.join("run.state.yaml"));
    assert!(state.starts_with("\u{feff}workflow: bom-flow\ncurrent: build\n"), "{state:?}");
}

#[test]
fn nul_bytes_and_skipped_files_are_judged_alike_in_the_editor_and_on_disk() {
    let tmp = temp();
    let root = tmp.path();
    let nul = "## Phase 1: Design\n\u{0}\n**Gate Check**: ok → Proceed to Phase 9\n";
    write(root, "nul.md", nul.as_bytes());
    write(root, "binary.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR");
    let mut big = b"# Big\n".to_vec();
    big.resize(9 * 1024 * 1024, b'a');
    write(root, "big.md", &big);
    // The CLI reports each as skipped, at 1:1.
    let out = phasegate(root, &["check", "--format", "json"]);
    let v: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let cli: Vec<(String, String, Value)> = v["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| (d["path"].as_str().unwrap_or("").to_string(), d["code"].as_str().unwrap_or("").to_string(), d["range"].clone()))
        .collect();
    let at_start = range(0, 0, 0, 0);
    for rel in ["big.md", "binary.md", "nul.md"] {
        assert!(cli.contains(&(rel.to_string(), "file-skipped".to_string(), at_start.clone())), "{rel}: {cli:?}");
    }
    // The server shows the same diagnostics for the files on disk.
    let mut server = Server::start(root, &[]);
    server.initialize(push_caps());
    for rel in ["big.md", "binary.md", "nul.md"] {
        let d = server.diagnostics_for(rel, |d| !d.is_empty());
        assert_eq!(pairs(&d), vec![("file-skipped".to_string(), at_start.clone())], "{rel}");
    }
    // And for the same text typed in the editor.
    open_text(&server, root, "typed.md", nul);
    let d = server.diagnostics_for("typed.md", |d| !d.is_empty());
    assert_eq!(pairs(&d), vec![("file-skipped".to_string(), at_start.clone())]);
    server.shutdown();
}

#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_is_reported_by_both() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = temp();
    let root = tmp.path();
    let name = std::ffi::OsStr::from_bytes(b"notes-\xff.md");
    std::fs::write(root.join(name), "# Notes\n").unwrap_or_else(|e| panic!("{e}"));
    let out = phasegate(root, &["check"]);
    assert!(out.stderr.contains("the file name is not valid UTF-8; skipped"), "{out:#?}");
    let mut server = Server::start(root, &[]);
    server.initialize(push_caps());
    server.wait(|m| {
        m["method"] == "window/logMessage"
            && m["params"]["message"].as_str().is_some_and(|s| s.contains("the file name is not valid UTF-8"))
    });
    server.shutdown();
}
