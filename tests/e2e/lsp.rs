//! LSP end-to-end tests: start the real `phasegate lsp` binary and speak JSON-RPC over stdio with
//! real `Content-Length` framing. The test client answers the server's requests the way an editor
//! does (registrations, progress tokens, `workspace/applyEdit`) and applies edits itself.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::cli::phasegate;

const TIMEOUT: Duration = Duration::from_secs(30);

/// A workflow doc with non-ASCII text before the ranges under test.
const WORKFLOW: &str = "---\nname: café-rollout\n---\n# Café rollout — déploiement 🚀\n\n## Phase 1: Requirements\n**Deliverables**:\n- `docs/req.md` — exigences\n\n**Gate Check**: requirements written → Proceed to Phase 2\n\n## Phase 2: Design\n**Deliverables**:\n- `docs/design.md`\n\n## Phase 3: Build\n";

pub(crate) struct Server {
    child: Child,
    stdin: Arc<Mutex<ChildStdin>>,
    messages: Receiver<Value>,
    next_id: i64,
    root: PathBuf,
    /// Edits the server asked the client to apply, as received.
    pub(crate) applied: Arc<Mutex<Vec<Value>>>,
    /// Every request and notification from the server, in order (`request` drops what it skips).
    seen: Arc<Mutex<Vec<Value>>>,
    /// The latest pushed diagnostics per URI, as an editor keeps them.
    latest: std::cell::RefCell<std::collections::HashMap<String, Vec<Value>>>,
}

fn write_message(stdin: &Mutex<ChildStdin>, value: &Value) {
    let body = serde_json::to_string(value).unwrap_or_default();
    let mut w = stdin.lock().unwrap_or_else(|p| p.into_inner());
    let _ = write!(w, "Content-Length: {}\r\n\r\n{body}", body.len());
    let _ = w.flush();
}

/// A `file://` URI for `path`, its bytes outside RFC 3986's unreserved set (and `/`)
/// percent-encoded, as VS Code writes them.
pub(crate) fn file_uri(path: &Path) -> String {
    let mut uri = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
}

impl Server {
    pub(crate) fn start(root: &Path, env: &[(&str, &str)]) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_phasegate"));
        cmd.arg("lsp").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("spawn: {e}"));
        let stdin = Arc::new(Mutex::new(child.stdin.take().unwrap_or_else(|| panic!("stdin"))));
        let stdout = child.stdout.take().unwrap_or_else(|| panic!("stdout"));
        let (tx, rx) = channel();
        let applied = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (reply_to, applied_log, seen_log) = (stdin.clone(), applied.clone(), seen.clone());
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0u8; length];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let Ok(msg) = serde_json::from_slice::<Value>(&body) else { continue };
                if std::env::var("LSP_TRACE").is_ok() {
                    eprintln!("<< {}", msg.to_string().chars().take(160).collect::<String>());
                }
                if msg.get("method").is_some() {
                    seen_log.lock().unwrap_or_else(|p| p.into_inner()).push(msg.clone());
                }
                // Answer the server's requests as an editor would.
                if let (Some(id), Some(method)) = (msg.get("id"), msg.get("method").and_then(Value::as_str)) {
                    let result = match method {
                        "workspace/applyEdit" => {
                            applied_log.lock().unwrap_or_else(|p| p.into_inner()).push(msg["params"]["edit"].clone());
                            json!({ "applied": true })
                        }
                        "window/showDocument" => json!({ "success": true }),
                        _ => Value::Null,
                    };
                    write_message(&reply_to, &json!({ "jsonrpc": "2.0", "id": id, "result": result }));
                }
                if tx.send(msg).is_err() {
                    return;
                }
            }
        });
        Server { child, stdin, messages: rx, next_id: 1, root: root.to_path_buf(), applied, seen, latest: Default::default() }
    }

    /// The params of every `method` message the server sent, once one satisfies `pred` (waiting
    /// for it: notifications may arrive after the response of the request that caused them).
    fn seen_until(&self, method: &str, mut pred: impl FnMut(&Value) -> bool) -> Vec<Value> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let all: Vec<Value> = self
                .seen
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .iter()
                .filter(|m| m["method"] == method)
                .map(|m| m["params"].clone())
                .collect();
            if all.iter().any(&mut pred) || Instant::now() > deadline {
                return all;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub(crate) fn notify(&self, method: &str, params: Value) {
        write_message(&self.stdin, &json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and waits for its response (other messages are dropped). Returns the whole
    /// response object (`result` or `error`).
    pub(crate) fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        write_message(&self.stdin, &json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.wait(|m| m.get("id") == Some(&json!(id)) && m.get("method").is_none())
    }

    pub(crate) fn wait(&self, mut pred: impl FnMut(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        let mut skipped = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(m) if m["method"] == "textDocument/publishDiagnostics" => {
                    let uri = m["params"]["uri"].as_str().unwrap_or("").to_string();
                    self.latest.borrow_mut().insert(uri, m["params"]["diagnostics"].as_array().cloned().unwrap_or_default());
                    if pred(&m) {
                        return m;
                    }
                    skipped.push(m.to_string());
                }
                Ok(m) if pred(&m) => return m,
                Ok(m) => skipped.push(m.to_string()),
                Err(e) => panic!("no matching message from the server ({e}); received meanwhile:\n{}", skipped.join("\n")),
            }
        }
    }

    /// Waits up to `timeout` for the pushed diagnostics the client holds for `rel` to satisfy
    /// `pred`, keeping every other message's effect; returns whether they did, and the list held.
    pub(crate) fn settle(&self, rel: &str, timeout: Duration, mut pred: impl FnMut(&[Value]) -> bool) -> (bool, Vec<Value>) {
        let uri = file_uri(&self.root.join(rel));
        let deadline = Instant::now() + timeout;
        loop {
            let held = self.latest.borrow().get(&uri).cloned().unwrap_or_default();
            if pred(&held) {
                return (true, held);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(m) if m["method"] == "textDocument/publishDiagnostics" => {
                    let uri = m["params"]["uri"].as_str().unwrap_or("").to_string();
                    self.latest.borrow_mut().insert(uri, m["params"]["diagnostics"].as_array().cloned().unwrap_or_default());
                }
                Ok(_) => {}
                Err(_) => return (false, held),
            }
        }
    }

    /// The diagnostics the client holds for `rel` once they satisfy `pred` (waiting for pushes).
    pub(crate) fn diagnostics_for(&self, rel: &str, mut pred: impl FnMut(&[Value]) -> bool) -> Vec<Value> {
        let uri = file_uri(&self.root.join(rel));
        if let Some(list) = self.latest.borrow().get(&uri)
            && pred(list)
        {
            return list.clone();
        }
        let msg = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == json!(uri)
                && pred(m["params"]["diagnostics"].as_array().map(Vec::as_slice).unwrap_or(&[]))
        });
        msg["params"]["diagnostics"].as_array().cloned().unwrap_or_default()
    }

    pub(crate) fn initialize(&mut self, capabilities: Value) -> Value {
        let params = json!({ "processId": null, "rootUri": file_uri(&self.root), "capabilities": capabilities, "initializationOptions": { "severity": {} } });
        self.initialize_with(params)
    }

    /// `initialize` with these params, then `initialized`.
    pub(crate) fn initialize_with(&mut self, params: Value) -> Value {
        let response = self.request("initialize", params);
        self.notify("initialized", json!({}));
        response
    }

    pub(crate) fn open(&self, rel: &str, language: &str, version: i32) -> String {
        let text = std::fs::read_to_string(self.root.join(rel)).unwrap_or_default();
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": file_uri(&self.root.join(rel)), "languageId": language, "version": version, "text": text } }),
        );
        text
    }

    pub(crate) fn shutdown(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert!(r.get("error").is_none(), "{r}");
        self.exit();
    }

    /// Sends `exit` and waits for the server to end with status 0.
    pub(crate) fn exit(mut self) {
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                assert!(status.success(), "exit status {status}");
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        panic!("server did not exit after `exit`");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let w = |rel: &str, text: &str| {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap_or(dir.path())).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(p, text).unwrap_or_else(|e| panic!("{e}"));
    };
    w("docs/workflow.md", WORKFLOW);
    w("docs/run.state.yaml", "workflow: café-rollout\ncurrent: desing\n");
    dir
}

/// The text after applying LSP text edits (UTF-16 positions) to `text`.
pub(crate) fn apply_utf16(text: &str, edits: &[Value]) -> String {
    let offset = |pos: &Value| -> usize {
        let (line, character) = (pos["line"].as_u64().unwrap_or(0) as usize, pos["character"].as_u64().unwrap_or(0) as usize);
        let line_start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let mut units = 0;
        for (i, c) in text[line_start..].char_indices() {
            if units >= character || c == '\n' {
                return line_start + i;
            }
            units += c.len_utf16();
        }
        text.len()
    };
    let mut ranges: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| (offset(&e["range"]["start"]), offset(&e["range"]["end"]), e["newText"].as_str().unwrap_or("").to_string()))
        .collect();
    ranges.sort_by_key(|r| r.0);
    let mut out = text.to_string();
    for (s, e, t) in ranges.into_iter().rev() {
        out.replace_range(s..e, &t);
    }
    out
}

pub(crate) fn codes(diags: &[Value]) -> Vec<String> {
    diags.iter().map(|d| d["code"].as_str().unwrap_or("").to_string()).collect()
}

#[test]
fn push_diagnostics_edits_and_code_actions_in_utf16() {
    let dir = workspace();
    let mut server = Server::start(dir.path(), &[("SOURCE_DATE_EPOCH", "1790000000")]);
    let caps = json!({
        "workspace": { "workspaceEdit": { "documentChanges": true, "resourceOperations": ["create"] }, "didChangeWatchedFiles": { "dynamicRegistration": true } },
        "textDocument": { "codeAction": { "disabledSupport": true, "codeActionLiteralSupport": { "codeActionKind": { "valueSet": ["quickfix", "refactor", "source"] } } } },
        "window": { "workDoneProgress": true }
    });
    let init = server.initialize(caps);
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-16", "{init}");
    assert_eq!(init["result"]["capabilities"]["textDocumentSync"]["change"], 2);

    // The state file names a phase that does not exist.
    server.open("docs/workflow.md", "markdown", 1);
    let state_text = server.open("docs/run.state.yaml", "yaml", 1);
    let diags = server.diagnostics_for("docs/run.state.yaml", |d| !d.is_empty() && d[0]["range"]["start"]["line"] == 1);
    assert_eq!(codes(&diags), vec!["unknown-state"]);
    assert_eq!(diags[0]["range"], json!({ "start": { "line": 1, "character": 9 }, "end": { "line": 1, "character": 15 } }));

    // An incremental edit fixes it: `desing` → `requirements`.
    let state_uri = file_uri(&dir.path().join("docs/run.state.yaml"));
    server.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": state_uri, "version": 2 }, "contentChanges": [
            { "range": { "start": { "line": 1, "character": 9 }, "end": { "line": 1, "character": 15 } }, "text": "requirements" }
        ] }),
    );
    server.diagnostics_for("docs/run.state.yaml", |d| d.is_empty());
    // Now the current phase's deliverable shows as information in the workflow doc, at a range
    // measured in UTF-16 code units after "é", "—" and "🚀" on earlier lines.
    let doc = server.diagnostics_for("docs/workflow.md", |d| codes(d) == ["missing-deliverable"]);
    assert_eq!(doc[0]["severity"], 3);
    assert_eq!(doc[0]["range"], json!({ "start": { "line": 7, "character": 3 }, "end": { "line": 7, "character": 14 } }));

    // Code actions at the state file: advance is disabled (gate unmet), scaffold is offered.
    let actions = server.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": state_uri }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }, "context": { "diagnostics": [], "only": ["refactor", "source"] } }),
    );
    let list = actions["result"].as_array().cloned().unwrap_or_default();
    let advance = list.iter().find(|a| a["title"] == "Advance café-rollout to design").unwrap_or_else(|| panic!("{actions}"));
    assert!(advance["disabled"]["reason"].as_str().unwrap_or("").contains("deliverable `docs/req.md` is missing"), "{advance}");
    assert!(advance.get("edit").is_none_or(Value::is_null));
    let scaffold = list.iter().find(|a| a["title"] == "Scaffold deliverables for requirements").unwrap_or_else(|| panic!("{actions}"));
    let ops = scaffold["edit"]["documentChanges"].as_array().cloned().unwrap_or_default();
    assert_eq!(ops[0]["kind"], "create");
    assert_eq!(ops[0]["options"], json!({ "overwrite": false, "ignoreIfExists": false }));

    // Apply the scaffold as an editor would: create the file, then tell the server it exists.
    let created = dir.path().join("docs/req.md");
    std::fs::write(&created, ops[1]["edits"][0]["newText"].as_str().unwrap_or("")).unwrap_or_else(|e| panic!("{e}"));
    server.notify("workspace/didChangeWatchedFiles", json!({ "changes": [{ "uri": file_uri(&created), "type": 1 }] }));
    server.diagnostics_for("docs/workflow.md", |d| d.is_empty());

    // Advance is enabled now; apply its edit to the open state file.
    let actions = server.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": state_uri }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }, "context": { "diagnostics": [] } }),
    );
    let list = actions["result"].as_array().cloned().unwrap_or_default();
    let advance = list.iter().find(|a| a["title"] == "Advance café-rollout to design").unwrap_or_else(|| panic!("{actions}"));
    assert!(advance.get("disabled").is_none_or(Value::is_null), "{advance}");
    let edit = &advance["edit"]["documentChanges"][0];
    assert_eq!(edit["textDocument"]["version"], 2);
    let current = state_text.replace("desing", "requirements");
    let advanced = apply_utf16(&current, edit["edits"].as_array().map(Vec::as_slice).unwrap_or(&[]));
    assert_eq!(
        advanced,
        "workflow: café-rollout\ncurrent: design\nhistory:\n  - {from: requirements, to: design, at: 2026-09-21T14:13:20Z}\n"
    );
    server.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": state_uri, "version": 3 }, "contentChanges": [{ "text": advanced }] }),
    );
    // The next state's diagnostics: design's deliverable is now the one to write.
    let doc = server.diagnostics_for("docs/workflow.md", |d| !d.is_empty());
    assert_eq!(codes(&doc), vec!["missing-deliverable"]);
    assert!(doc[0]["message"].as_str().unwrap_or("").contains("docs/design.md"), "{doc:?}");

    // A deliverable deleted outside the editor: the completed phase's gate is now unmet.
    std::fs::remove_file(&created).unwrap_or_else(|e| panic!("{e}"));
    server.notify("workspace/didChangeWatchedFiles", json!({ "changes": [{ "uri": file_uri(&created), "type": 3 }] }));
    let state = server.diagnostics_for("docs/run.state.yaml", |d| !d.is_empty());
    assert_eq!(codes(&state), vec!["gate-unmet"]);
    assert!(state[0]["message"].as_str().unwrap_or("").contains("deliverable `docs/req.md` is missing"), "{state:?}");
    let doc = server.diagnostics_for("docs/workflow.md", |d| d.len() == 2);
    assert_eq!(
        doc.iter().map(|d| (d["code"].as_str().unwrap_or(""), d["severity"].as_u64().unwrap_or(0))).collect::<Vec<_>>(),
        vec![("missing-deliverable", 1), ("missing-deliverable", 3)]
    );
    server.shutdown();
}

#[test]
fn pull_diagnostics_in_utf8_commands_and_failures() {
    let dir = workspace();
    let mut server = Server::start(dir.path(), &[("PHASEGATE_DEBUG_PANIC", "1"), ("SOURCE_DATE_EPOCH", "1790000000")]);
    let caps = json!({
        "general": { "positionEncodings": ["utf-8", "utf-16"] },
        "textDocument": { "diagnostic": { "dynamicRegistration": false } },
        "workspace": { "workspaceEdit": { "documentChanges": true, "resourceOperations": ["create"] }, "diagnostics": { "refreshSupport": true } }
    });
    let init = server.initialize(caps);
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-8", "{init}");
    assert_eq!(init["result"]["capabilities"]["diagnosticProvider"]["interFileDependencies"], true);
    server.open("docs/workflow.md", "markdown", 1);
    server.open("docs/run.state.yaml", "yaml", 1);
    // Once indexed, the server asks the client to pull again.
    server.wait(|m| m["method"] == "workspace/diagnostic/refresh");
    // Fix the state, then pull: columns are UTF-8 bytes now (`—` is 3 bytes, `é` 2).
    let state_uri = file_uri(&dir.path().join("docs/run.state.yaml"));
    server.notify("textDocument/didChange", json!({ "textDocument": { "uri": state_uri, "version": 2 }, "contentChanges": [{ "text": "workflow: café-rollout\ncurrent: requirements\n" }] }));
    let doc_uri = file_uri(&dir.path().join("docs/workflow.md"));
    let report = server.request("textDocument/diagnostic", json!({ "textDocument": { "uri": doc_uri } }));
    assert_eq!(report["result"]["kind"], "full", "{report}");
    let items = report["result"]["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(codes(&items), vec!["missing-deliverable"]);
    assert_eq!(items[0]["range"], json!({ "start": { "line": 7, "character": 3 }, "end": { "line": 7, "character": 14 } }));

    // Commands: status, advance refused (gate unmet), unknown command, a panicking request.
    let status = server.request("workspace/executeCommand", json!({ "command": "phasegate.status", "arguments": [{ "uri": state_uri }] }));
    let wf = &status["result"]["workflows"][0];
    assert_eq!(
        (wf["name"].as_str(), wf["current"].as_str(), wf["currentIndex"].as_u64(), wf["phaseCount"].as_u64()),
        (Some("café-rollout"), Some("requirements"), Some(1), Some(3)),
        "{status}"
    );
    let refused =
        server.request("workspace/executeCommand", json!({ "command": "phasegate.advance", "arguments": [{ "uri": state_uri }] }));
    assert_eq!(refused["result"]["applied"], false, "{refused}");
    assert!(refused["result"]["message"].as_str().unwrap_or("").contains("not met"), "{refused}");
    let scaffold =
        server.request("workspace/executeCommand", json!({ "command": "phasegate.scaffold", "arguments": [{ "uri": state_uri }] }));
    assert_eq!(scaffold["result"]["applied"], true, "{scaffold}");
    let applied = server.applied.lock().unwrap_or_else(|p| p.into_inner()).clone();
    assert_eq!(applied.len(), 1);
    assert_eq!(applied[0]["documentChanges"][0]["uri"], json!(file_uri(&dir.path().join("docs/req.md"))));
    let unknown = server.request("workspace/executeCommand", json!({ "command": "phasegate.nope", "arguments": [] }));
    assert_eq!(unknown["error"]["code"], -32602, "{unknown}");
    let panicked = server.request("workspace/executeCommand", json!({ "command": "phasegate.debugPanic", "arguments": [] }));
    assert_eq!(panicked["error"]["code"], -32603, "{panicked}");
    // Still alive and consistent after the panic.
    let again = server.request("textDocument/diagnostic", json!({ "textDocument": { "uri": doc_uri } }));
    assert_eq!(codes(again["result"]["items"].as_array().map(Vec::as_slice).unwrap_or(&[])), vec!["missing-deliverable"]);
    server.shutdown();
}

/// What the server offers for the capabilities real clients send (issue 6 and 13): Neovim 0.11's
/// defaults (pull without refresh, `create` without `documentChanges`, no `disabledSupport`),
/// eglot 1.9's (`documentChanges`, no resource operations) and VS Code's unfiltered Ctrl+. menu.
/// `phasegate.graph` draws what `phasegate graph` draws, from the editor's text: the state file's
/// unsaved edit moves the run, and the drawing follows it.
#[test]
fn graph_command_draws_the_editors_text_as_the_cli_draws_it() {
    let dir = workspace();
    let mut server = Server::start(dir.path(), &[]);
    server.initialize(json!({}));
    server.open("docs/workflow.md", "markdown", 1);
    server.open("docs/run.state.yaml", "yaml", 1);
    let state_uri = file_uri(&dir.path().join("docs/run.state.yaml"));
    let graph = |server: &mut Server, args: Value| {
        server.request("workspace/executeCommand", json!({ "command": "phasegate.graph", "arguments": [args] }))
    };
    // On disk the run is at an unknown state (`desing`): nothing is current.
    let before = graph(&mut server, json!({ "uri": state_uri }));
    assert_eq!(before["result"]["workflows"], json!(["café-rollout"]), "{before}");
    assert!(!before["result"]["text"].as_str().unwrap_or("").contains('▶'), "{before}");
    // Unsaved: the run is at `design`.
    let edited = "workflow: café-rollout\ncurrent: design\n";
    server.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": state_uri, "version": 2 }, "contentChanges": [{ "text": edited }] }),
    );
    let after = graph(&mut server, json!({ "uri": state_uri }));
    assert_eq!(after["result"]["format"], "mermaid", "{after}");
    let text = after["result"]["text"].as_str().unwrap_or("").to_string();
    assert!(text.contains("\"▶ Design\"]:::current"), "{text}");
    // The CLI draws the same once the edit is on disk; by workflow name, from anywhere.
    std::fs::write(dir.path().join("docs/run.state.yaml"), edited).unwrap_or_else(|e| panic!("{e}"));
    for format in ["mermaid", "dot"] {
        let cli = phasegate(dir.path(), &["graph", "--format", format]);
        assert_eq!(cli.code, 0, "{cli:#?}");
        let by_name = graph(&mut server, json!({ "workflow": "Café Rollout", "format": format }));
        assert_eq!(by_name["result"]["text"].as_str(), Some(cli.stdout.as_str()), "{format}: {by_name}");
    }
    // A document of no workflow draws its project; an unknown workflow draws nothing.
    let readme = file_uri(&dir.path().join("README.md"));
    let project = graph(&mut server, json!({ "uri": readme }));
    assert_eq!(project["result"]["text"], after["result"]["text"], "{project}");
    let none = graph(&mut server, json!({ "workflow": "nope" }));
    assert_eq!(none["result"]["workflows"], json!([]), "{none}");
    let bad = graph(&mut server, json!({ "format": "svg" }));
    assert_eq!(bad["error"]["code"], -32602, "{bad}");
    assert!(bad["error"]["message"].as_str().unwrap_or("").contains("`mermaid` or `dot`, not `svg`"), "{bad}");
    server.shutdown();
}

#[test]
fn actions_and_diagnostics_degrade_for_what_the_client_lacks() {
    let dir = workspace();
    std::fs::write(dir.path().join("docs/run.state.yaml"), "workflow: café-rollout\ncurrent: requirements\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let mut server = Server::start(dir.path(), &[("SOURCE_DATE_EPOCH", "1790000000")]);
    // Neovim 0.11.4's make_client_capabilities(), the parts that matter here.
    let caps = json!({
        "textDocument": {
            "diagnostic": { "dynamicRegistration": false },
            "codeAction": { "codeActionLiteralSupport": { "codeActionKind": { "valueSet": ["", "quickfix", "refactor", "refactor.rewrite", "source"] } }, "resolveSupport": { "properties": ["edit", "command"] } }
        },
        "workspace": { "applyEdit": true, "workspaceEdit": { "resourceOperations": ["rename", "create", "delete"] } },
        "window": { "showDocument": { "support": true } }
    });
    let init = server.initialize(caps);
    // Pull without refresh support would miss the index and cross-file changes: pushed instead.
    assert!(init["result"]["capabilities"].get("diagnosticProvider").is_none_or(Value::is_null), "{init}");
    let state_uri = file_uri(&dir.path().join("docs/run.state.yaml"));
    server.open("docs/run.state.yaml", "yaml", 1);
    let pushed = server.diagnostics_for("docs/workflow.md", |d| !d.is_empty());
    assert_eq!(codes(&pushed), vec!["missing-deliverable"], "diagnostics of a file never opened are pushed");

    // The unfiltered menu (`gra`) at the `current:` line.
    let at_current = json!({ "textDocument": { "uri": state_uri }, "range": { "start": { "line": 1, "character": 3 }, "end": { "line": 1, "character": 3 } }, "context": { "diagnostics": [] } });
    let list = server.request("textDocument/codeAction", at_current.clone())["result"].as_array().cloned().unwrap_or_default();
    let advance = list
        .iter()
        .find(|a| a["title"].as_str().is_some_and(|t| t.starts_with("Advance café-rollout to design")))
        .unwrap_or_else(|| panic!("{list:?}"));
    assert_eq!(advance["kind"], "quickfix", "{advance}");
    assert!(
        advance["title"]
            .as_str()
            .unwrap_or("")
            .contains("not yet: the gate of phase `requirements` is not met: deliverable `docs/req.md` is missing"),
        "{advance}"
    );
    assert!(advance.get("disabled").is_none_or(Value::is_null), "{advance}");
    assert_eq!(advance["command"]["command"], "phasegate.explain", "{advance}");
    let scaffold = list.iter().find(|a| a["title"] == "Scaffold deliverables for requirements").unwrap_or_else(|| panic!("{list:?}"));
    assert_eq!(scaffold["kind"], "quickfix");
    // `create` is declared, so the creation comes as documentChanges, then `phasegate.open`.
    assert_eq!(scaffold["edit"]["documentChanges"][0]["kind"], "create", "{scaffold}");
    assert_eq!(scaffold["command"]["command"], "phasegate.open", "{scaffold}");
    // Elsewhere in the file the same actions keep their kinds.
    let elsewhere = json!({ "textDocument": { "uri": state_uri }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }, "context": { "diagnostics": [] } });
    let list = server.request("textDocument/codeAction", elsewhere)["result"].as_array().cloned().unwrap_or_default();
    let kinds: Vec<(String, String)> = list
        .iter()
        .map(|a| (a["title"].as_str().unwrap_or("").chars().take(22).collect(), a["kind"].as_str().unwrap_or("").into()))
        .collect();
    assert!(kinds.contains(&("Advance café-rollout t".into(), "refactor.rewrite".into())), "{kinds:?}");
    assert!(kinds.contains(&("Scaffold deliverables ".into(), "source".into())), "{kinds:?}");
    // On a gate diagnostic the workflow actions are anchored too (what the client sends in
    // `context.diagnostics` for the range).
    let on_gate = json!({ "textDocument": { "uri": state_uri }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }, "context": { "diagnostics": [
        { "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 5 } }, "source": "phasegate", "code": "gate-unmet", "message": "gate" }
    ] } });
    let list = server.request("textDocument/codeAction", on_gate)["result"].as_array().cloned().unwrap_or_default();
    let scaffold_kind = list.iter().find(|a| a["title"] == "Scaffold deliverables for requirements").map(|a| a["kind"].clone());
    assert_eq!(scaffold_kind, Some(json!("quickfix")), "{list:?}");

    // Choosing the blocked Advance shows the whole refusal.
    let explain = server.request(
        "workspace/executeCommand",
        json!({ "command": "phasegate.explain", "arguments": advance["command"]["arguments"].clone() }),
    );
    assert_eq!(explain["result"]["applied"], false, "{explain}");
    let shown = server.seen_until("window/showMessage", |m| m["message"].as_str().unwrap_or("").contains("- deliverable"));
    assert!(shown.iter().any(|m| m["message"].as_str().unwrap_or("").contains("- deliverable `docs/req.md` is missing")), "{shown:?}");
    // The open command says what was created and opens the file.
    let open = server
        .request("workspace/executeCommand", json!({ "command": "phasegate.open", "arguments": scaffold["command"]["arguments"].clone() }));
    assert_eq!(open["result"]["applied"], true, "{open}");
    let show = server.seen_until("window/showDocument", |_| true);
    assert_eq!(show.last().map(|p| p["uri"].clone()), Some(json!(file_uri(&dir.path().join("docs/req.md")))), "{show:?}");
    let told = server.seen_until("window/showMessage", |m| m["message"].as_str().unwrap_or("").contains("created"));
    assert!(told.iter().any(|m| m["message"].as_str().unwrap_or("").contains("created `docs/req.md`")), "{told:?}");
    server.shutdown();

    // eglot 1.9: documentChanges, but no resource operations: the creation becomes a command the
    // server carries out (a new file only, never an overwrite).
    let mut server = Server::start(dir.path(), &[("SOURCE_DATE_EPOCH", "1790000000")]);
    server.initialize(json!({
        "workspace": { "applyEdit": true, "workspaceEdit": { "documentChanges": true } },
        "textDocument": { "codeAction": { "codeActionLiteralSupport": { "codeActionKind": { "valueSet": ["quickfix", "refactor", "source"] } } } }
    }));
    server.open("docs/run.state.yaml", "yaml", 1);
    server.diagnostics_for("docs/workflow.md", |d| !d.is_empty());
    let list = server.request("textDocument/codeAction", at_current)["result"].as_array().cloned().unwrap_or_default();
    let scaffold = list.iter().find(|a| a["title"] == "Scaffold deliverables for requirements").unwrap_or_else(|| panic!("{list:?}"));
    assert!(scaffold.get("edit").is_none_or(Value::is_null), "{scaffold}");
    assert_eq!(scaffold["command"]["command"], "phasegate.create", "{scaffold}");
    let created = dir.path().join("docs/req.md");
    assert!(!created.exists());
    let run = server.request(
        "workspace/executeCommand",
        json!({ "command": "phasegate.create", "arguments": scaffold["command"]["arguments"].clone() }),
    );
    assert_eq!(run["result"]["applied"], true, "{run}");
    assert!(std::fs::read_to_string(&created).unwrap_or_default().contains("phase: requirements"));
    // The server knows the new file: the missing-deliverable diagnostic goes.
    server.diagnostics_for("docs/workflow.md", |d| d.is_empty());
    std::fs::write(&created, "mine\n").unwrap_or_else(|e| panic!("{e}"));
    let again = server.request(
        "workspace/executeCommand",
        json!({ "command": "phasegate.create", "arguments": scaffold["command"]["arguments"].clone() }),
    );
    assert_eq!(again["result"]["applied"], false, "{again}");
    assert!(again["result"]["message"].as_str().unwrap_or("").contains("exists"), "{again}");
    assert_eq!(std::fs::read_to_string(&created).unwrap_or_default(), "mine\n");
    server.shutdown();
}

/// `workspace/diagnostic` (VS Code's Problems panel): every file's diagnostics once indexed, none
/// again while nothing changed, and only open files with `"diagnostics": "openFiles"`.
#[test]
fn workspace_diagnostics_list_every_file_and_follow_the_scope_setting() {
    let dir = workspace();
    let mut server = Server::start(dir.path(), &[]);
    let init = server.initialize(json!({
        "textDocument": { "diagnostic": { "dynamicRegistration": false } },
        "workspace": { "diagnostics": { "refreshSupport": true }, "workspaceEdit": { "documentChanges": true, "resourceOperations": ["create"] } }
    }));
    assert_eq!(init["result"]["capabilities"]["diagnosticProvider"]["workspaceDiagnostics"], true, "{init}");
    // Asked at once: the answer waits for the start-up index, and no file was opened.
    let first = server.request("workspace/diagnostic", json!({ "previousResultIds": [] }));
    let items = first["result"]["items"].as_array().cloned().unwrap_or_default();
    let state_uri = file_uri(&dir.path().join("docs/run.state.yaml"));
    let state = items.iter().find(|i| i["uri"] == json!(state_uri)).unwrap_or_else(|| panic!("{first}"));
    assert_eq!(codes(state["items"].as_array().map(Vec::as_slice).unwrap_or(&[])), vec!["unknown-state"]);
    // Unchanged since: nothing to report, also once the server's own watch (this client cannot
    // watch) has listed the files, which were all written just before the server started.
    server.wait(|m| m["params"]["message"].as_str().unwrap_or("").contains("watching"));
    std::thread::sleep(Duration::from_millis(300));
    let previous: Vec<Value> = items.iter().map(|i| json!({ "uri": i["uri"], "value": i["resultId"] })).collect();
    let second = server.request("workspace/diagnostic", json!({ "previousResultIds": previous }));
    assert_eq!(second["result"]["items"], json!([]), "{second}");
    // Open files only: the state file's diagnostics are withdrawn (an empty report).
    server.notify("workspace/didChangeConfiguration", json!({ "settings": { "phasegate": { "diagnostics": "openFiles" } } }));
    let third = server.request("workspace/diagnostic", json!({ "previousResultIds": previous }));
    let state = third["result"]["items"].as_array().and_then(|l| l.iter().find(|i| i["uri"] == json!(state_uri)).cloned());
    assert_eq!(state.map(|s| s["items"].clone()), Some(json!([])), "{third}");
    server.shutdown();
}

/// After `shutdown` the server sends no request: a refresh of lenses, inlay hints, semantic
/// tokens or pulled diagnostics then is answered, or followed by requests, with errors by a
/// client shutting down (Neovim showed "-32600: Invalid request" at exit). An edit sent right
/// before `shutdown` is analysed after it: its refreshes are dropped. The views a client still
/// requests after `shutdown` are refused with `ContentModified`, not `InvalidRequest`.
#[test]
fn no_refresh_request_after_shutdown() {
    let dir = workspace();
    let mut server = Server::start(dir.path(), &[]);
    let caps = json!({
        "workspace": {
            "diagnostics": { "refreshSupport": true },
            "codeLens": { "refreshSupport": true },
            "inlayHint": { "refreshSupport": true },
            "semanticTokens": { "refreshSupport": true }
        },
        "textDocument": { "diagnostic": {}, "semanticTokens": { "requests": { "full": true }, "tokenTypes": [], "tokenModifiers": [], "formats": ["relative"] } }
    });
    server.initialize(caps);
    let text = server.open("docs/run.state.yaml", "yaml", 1);
    let uri = file_uri(&dir.path().join("docs/run.state.yaml"));
    // The start-up index is loaded and analysed: refreshes come.
    server.wait(|m| m["method"] == "workspace/codeLens/refresh");
    let refreshes =
        ["workspace/codeLens/refresh", "workspace/inlayHint/refresh", "workspace/semanticTokens/refresh", "workspace/diagnostic/refresh"];
    for round in 0..5 {
        let edited = if round % 2 == 0 { text.replace("desing", "design") } else { text.clone() };
        server.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": 2 + round }, "contentChanges": [{ "text": edited }] }),
        );
    }
    let r = server.request("shutdown", Value::Null);
    assert!(r.get("error").is_none(), "{r}");
    // Whatever the server sends from here on (the analysis of the edits above finishes now).
    let deadline = Instant::now() + Duration::from_millis(1500);
    while let Ok(m) = server.messages.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        let method = m["method"].as_str().unwrap_or("");
        assert!(!(m.get("id").is_some() && refreshes.contains(&method)), "a request after `shutdown`: {m}");
    }
    // A refresh sent just before `shutdown` arrived can still reach a client that has sent it:
    // Neovim 0.11 then requests its views again. Those requests get `ContentModified`, which
    // clients drop without a word; any other request after `shutdown` gets `InvalidRequest`.
    let doc = json!({ "textDocument": { "uri": uri } });
    let range = json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 1, "character": 0 } });
    for (method, params) in [
        ("textDocument/codeLens", doc.clone()),
        ("textDocument/inlayHint", json!({ "textDocument": { "uri": uri }, "range": range })),
        ("textDocument/semanticTokens/full", doc.clone()),
        ("textDocument/diagnostic", doc.clone()),
    ] {
        let r = server.request(method, params);
        assert_eq!(r["error"]["code"], -32801, "{method}: {r}");
        assert!(r["error"]["message"].as_str().unwrap_or("").contains("shutting down"), "{method}: {r}");
    }
    let hover = server.request("textDocument/hover", json!({ "textDocument": { "uri": uri }, "position": { "line": 1, "character": 10 } }));
    assert_eq!(hover["error"]["code"], -32600, "{hover}");
    server.exit();
}

/// A client that does not watch files (Neovim 0.11 on Linux registers no
/// `workspace/didChangeWatchedFiles`): the server watches the workspace's folders itself, so a
/// deliverable written, or removed, by another program changes the diagnostics of the open
/// workflow doc; a client that watches files gets no second watch.
#[test]
fn the_server_watches_files_for_a_client_that_cannot() {
    let dir = workspace();
    std::fs::write(dir.path().join("docs/run.state.yaml"), "workflow: café-rollout\ncurrent: requirements\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let mut server = Server::start(dir.path(), &[]);
    // Neovim 0.11.4's capabilities on Linux: file watching without dynamic registration.
    server
        .initialize(json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": false, "relativePatternSupport": true } } }));
    server.open("docs/workflow.md", "markdown", 1);
    server.wait(|m| m["method"] == "window/logMessage" && m["params"]["message"].as_str().unwrap_or("").contains("watching"));
    let missing = |list: &[Value]| list.iter().filter(|d| d["code"] == "missing-deliverable").count();
    let held = server.diagnostics_for("docs/workflow.md", |l| missing(l) == 1);
    assert!(held[0]["message"].as_str().unwrap_or("").contains("docs/req.md"), "{held:?}");
    // Written by another program: the gate's deliverable is there.
    std::fs::write(dir.path().join("docs/req.md"), "# Exigences\n\nLes exigences.\n").unwrap_or_else(|e| panic!("{e}"));
    let (met, list) = server.settle("docs/workflow.md", Duration::from_secs(10), |l| missing(l) == 0);
    assert!(met, "the deliverable written on disk was not seen: {list:?}");
    // Removed again.
    std::fs::remove_file(dir.path().join("docs/req.md")).unwrap_or_else(|e| panic!("{e}"));
    let (back, list) = server.settle("docs/workflow.md", Duration::from_secs(10), |l| missing(l) == 1);
    assert!(back, "the deliverable removed on disk was not seen: {list:?}");
    server.shutdown();

    // A client that registers file watching: the server asks it to watch, and does not itself.
    let mut server = Server::start(dir.path(), &[]);
    server.initialize(json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } }));
    server.open("docs/workflow.md", "markdown", 1);
    server.wait(|m| m["method"] == "client/registerCapability");
    server.diagnostics_for("docs/workflow.md", |l| missing(l) == 1);
    let said = server.seen.lock().unwrap_or_else(|p| p.into_inner()).clone();
    assert!(!said.iter().any(|m| m["params"]["message"].as_str().unwrap_or("").contains("watching")), "a second watch: {said:?}");
    server.shutdown();
}

/// Files a client reports changed on disk enter the index only when `phasegate check` would read
/// them: VS Code watches `**/*` and reports `.gitignore`d files and files excluded by the settings
/// or `phasegate.toml` too. A `.gitignore`
/// the walk reads changes what the index holds; one in an ignored folder changes nothing.
#[test]
fn changed_files_enter_only_as_the_check_reads_them() {
    let dir = workspace();
    let write = |rel: &str, text: &str| {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap_or(dir.path())).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(&p, text).unwrap_or_else(|e| panic!("{e}"));
        p
    };
    write(".gitignore", "*.gen.md\nbuild/\n");
    write("phasegate.toml", "exclude = [\"archive/**\"]\n");
    let mut server = Server::start(dir.path(), &[]);
    let capabilities = json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } });
    let params = json!({ "processId": null, "rootUri": file_uri(dir.path()), "capabilities": capabilities, "initializationOptions": { "exclude": ["vendor/**"] } });
    server.initialize_with(params);
    server.open("docs/workflow.md", "markdown", 1);
    server.wait(|m| m["method"] == "client/registerCapability");
    server.diagnostics_for("docs/workflow.md", |_| true);
    let gate = "## Phase 1: Entwurf\n\n**Gate Check**: ok → Proceed to Phase 9\n";
    let files = ["docs/flow.gen.md", "build/flow.md", "vendor/flow.md", "archive/flow.md", "docs/flüsse.md"];
    let changes: Vec<Value> = files.iter().map(|rel| json!({ "uri": file_uri(&write(rel, gate)), "type": 1 })).collect();
    server.notify("workspace/didChangeWatchedFiles", json!({ "changes": changes }));
    let dangling = |l: &[Value]| l.iter().any(|d| d["code"] == "gate-dangling");
    let (shown, list) = server.settle("docs/flüsse.md", TIMEOUT, dangling);
    assert!(shown, "the new file's gate was not checked: {list:?}");
    for rel in &files[..4] {
        let (shown, list) = server.settle(rel, Duration::from_millis(300), |l| !l.is_empty());
        assert!(!shown, "{rel} is not read by `phasegate check` but got diagnostics: {list:?}");
    }
    let indexed = |server: &Server| {
        let said = server.seen.lock().unwrap_or_else(|p| p.into_inner()).clone();
        said.iter().filter(|m| m["params"]["message"].as_str().unwrap_or("").starts_with("phasegate: indexed")).count()
    };
    let before = indexed(&server);
    // A `.gitignore` inside an ignored folder: nothing is read again.
    let ignored = write("build/.gitignore", "*\n");
    let other = write("docs/other.md", gate);
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&ignored), "type": 1 }, { "uri": file_uri(&other), "type": 1 }] }),
    );
    let (shown, list) = server.settle("docs/other.md", TIMEOUT, dangling);
    assert!(shown, "{list:?}");
    // A reading of the workspace would log its line after its first push.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(indexed(&server), before, "a .gitignore in an ignored folder read the workspace again");
    // The root's `.gitignore` now leaves docs/flüsse.md out: its diagnostics go.
    let root_ignore = write(".gitignore", "*.gen.md\nbuild/\nflüsse.md\n");
    server.notify("workspace/didChangeWatchedFiles", json!({ "changes": [{ "uri": file_uri(&root_ignore), "type": 2 }] }));
    let (gone, list) = server.settle("docs/flüsse.md", TIMEOUT, |l| l.is_empty());
    assert!(gone, "a file the .gitignore now leaves out kept its diagnostics: {list:?}");
    // The log line follows the first push of the new index.
    let deadline = Instant::now() + TIMEOUT;
    while indexed(&server) == before && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(indexed(&server) > before, "the workspace was not read again");
    let (lost, list) = server.settle("docs/other.md", Duration::from_millis(300), |l| !dangling(l));
    assert!(!lost, "docs/other.md lost its diagnostics: {list:?}");
    server.shutdown();
}

/// The `watcher` setting: `"off"` watches nothing (a file written on disk is not seen) until it
/// goes back to `"auto"`, which for a client that cannot watch starts the server's watch after
/// reading the workspace again; `"server"` watches in the server even for a client that could,
/// which is then not asked, and back to `"auto"` the client is asked and the server stops.
#[test]
fn the_watcher_setting_says_who_watches() {
    let dir = workspace();
    std::fs::write(dir.path().join("docs/run.state.yaml"), "workflow: café-rollout\ncurrent: requirements\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let missing = |list: &[Value]| list.iter().filter(|d| d["code"] == "missing-deliverable").count();
    let watching = |server: &Server| {
        let said = server.seen.lock().unwrap_or_else(|p| p.into_inner()).clone();
        said.iter().filter(|m| m["params"]["message"].as_str().unwrap_or("").contains("watching")).count()
    };
    let asked = |server: &Server, method: &str| {
        let said = server.seen.lock().unwrap_or_else(|p| p.into_inner()).clone();
        said.iter().filter(|m| m["method"] == method).count()
    };
    let start = |dynamic: bool, watcher: &str| {
        let mut server = Server::start(dir.path(), &[]);
        let capabilities = json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": dynamic } } });
        let params = json!({ "processId": null, "rootUri": file_uri(dir.path()), "capabilities": capabilities, "initializationOptions": { "watcher": watcher } });
        server.initialize_with(params);
        server.open("docs/workflow.md", "markdown", 1);
        server.diagnostics_for("docs/workflow.md", |l| missing(l) == 1);
        server
    };
    let req = dir.path().join("docs/req.md");

    // Neovim on Linux, watcher off: nothing watches.
    let server = start(false, "off");
    std::fs::write(&req, "# Exigences\n").unwrap_or_else(|e| panic!("{e}"));
    let (seen, _) = server.settle("docs/workflow.md", Duration::from_millis(1500), |l| missing(l) == 0);
    assert!(!seen, "a file written on disk was seen with the watcher off");
    assert_eq!(watching(&server), 0);
    // Back to auto: the workspace is read again (the deliverable is there), then watched.
    server.notify("workspace/didChangeConfiguration", json!({ "settings": { "phasegate": { "watcher": "auto" } } }));
    let (seen, list) = server.settle("docs/workflow.md", TIMEOUT, |l| missing(l) == 0);
    assert!(seen, "the file written while nobody watched was not taken in: {list:?}");
    server.wait(|m| m["params"]["message"].as_str().unwrap_or("").contains("watching"));
    std::fs::remove_file(&req).unwrap_or_else(|e| panic!("{e}"));
    let (seen, list) = server.settle("docs/workflow.md", TIMEOUT, |l| missing(l) == 1);
    assert!(seen, "the server's watch did not start: {list:?}");
    server.shutdown();

    // A client that could watch, watcher server: it is not asked; the server watches.
    let server = start(true, "server");
    server.wait(|m| m["params"]["message"].as_str().unwrap_or("").contains("watching"));
    assert_eq!(asked(&server, "client/registerCapability"), 0);
    std::fs::write(&req, "# Exigences\n").unwrap_or_else(|e| panic!("{e}"));
    let (seen, list) = server.settle("docs/workflow.md", TIMEOUT, |l| missing(l) == 0);
    assert!(seen, "the server's watch did not see the file: {list:?}");
    // Back to auto: the client is asked, and the server's watch stops (this client reports
    // nothing, so a removal is not seen).
    server.notify("workspace/didChangeConfiguration", json!({ "settings": { "phasegate": { "watcher": "auto" } } }));
    server.wait(|m| m["method"] == "client/registerCapability");
    std::fs::remove_file(&req).unwrap_or_else(|e| panic!("{e}"));
    let (seen, _) = server.settle("docs/workflow.md", Duration::from_millis(1500), |l| missing(l) == 1);
    assert!(!seen, "the server's watch went on after the client was asked to watch");
    // Off: the client's registration is withdrawn.
    server.notify("workspace/didChangeConfiguration", json!({ "settings": { "phasegate": { "watcher": "off" } } }));
    server.wait(|m| m["method"] == "client/unregisterCapability" && m["params"]["unregisterations"][0]["id"] == "phasegate-watch");
    server.shutdown();
}
