//! The language server as an editor sees it (issue 11, "The live server"): `phasegate lsp` over
//! stdio on generated workspaces, timed from the client's side of the pipe.
//!
//! For each size and each diagnostics mode (pushed, as Neovim and Emacs get them; pulled, as VS
//! Code asks for them) it measures: the time from `initialized` to the first diagnostics; the
//! latency of an edit, from sending `didChange` to receiving that version's diagnostics (pushed)
//! or the answer to the pull sent right after it, for one-character edits in a workflow doc's
//! prose, a gate checklist item ticked and unticked, and a state file's `current:`; and the
//! server's peak resident memory (`VmHWM`) beside the workspace's text size.
//!
//! Then, in one more session per size, the editor requests of issue 10, each timed from sending
//! it to its answer with the documents open and analysed: hover (a phase heading, an
//! `implements:` pointer), go to definition (a state file's `current:`, a pointer), completion
//! (after `implements: `, after `current: `), workspace symbols, find references (a requirement,
//! a phase) and rename (a phase from its heading, a requirement), plus the first workspace symbol
//! request after `initialized` (it waits for the start-up index).
//!
//! Run with `cargo bench -p phasegate --bench lsp`. `PHASEGATE_BENCH_FILES=6000,59000` (the
//! default) sets the sizes in files; `PHASEGATE_BENCH_EDITS` (default 300) the edits per kind;
//! `PHASEGATE_BENCH_REQUESTS` (default 200) the editor requests per kind; `PHASEGATE_BENCH_ONLY`
//! = `edits` or `requests` runs one part; `PHASEGATE_BENCH_BIN` runs another build of the server
//! instead of this one's (to compare two builds on the same workspace). It prints figures and
//! never fails on timing.

#![allow(missing_docs, clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

#[path = "common/generate.rs"]
mod generate;

const TIMEOUT: Duration = Duration::from_secs(300);

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

impl Client {
    fn start() -> Client {
        // PHASEGATE_BENCH_BIN: another build of the server, for a side-by-side comparison.
        let bin = std::env::var_os("PHASEGATE_BENCH_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_phasegate").into());
        let mut child = Command::new(bin).arg("lsp").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
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
                if tx.send(msg).is_err() {
                    return;
                }
            }
        });
        Client { child, stdin, messages: rx, next_id: 1 }
    }

    fn send(&mut self, value: &Value) {
        let body = serde_json::to_string(value).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    fn request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    /// Waits for a message matching `pred`, answering the server's requests as an editor does.
    fn wait(&mut self, mut pred: impl FnMut(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let msg = self.messages.recv_timeout(left).expect("the server answered in time");
            if let (Some(id), Some(_)) = (msg.get("id"), msg.get("method")) {
                let id = id.clone();
                self.send(&json!({ "jsonrpc": "2.0", "id": id, "result": null }));
            }
            if pred(&msg) {
                return msg;
            }
        }
    }

    /// CPU time the server has used so far (user + system), from `/proc/<pid>/stat`.
    fn cpu(&self) -> Duration {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        // Fields after the command name (which is in parentheses): utime is the 12th, stime the 13th.
        let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
        let fields: Vec<u64> = rest.split_whitespace().map(|f| f.parse().unwrap_or(0)).collect();
        let ticks = fields.get(11).copied().unwrap_or(0) + fields.get(12).copied().unwrap_or(0);
        Duration::from_millis(ticks * 10) // USER_HZ is 100 on Linux.
    }

    fn peak_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches(" kB").parse().ok()).unwrap_or(0)
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Push,
    Pull,
}

fn capabilities(mode: Mode) -> Value {
    match mode {
        Mode::Push => json!({ "textDocument": { "publishDiagnostics": { "versionSupport": true } } }),
        Mode::Pull => json!({
            "textDocument": { "diagnostic": { "dynamicRegistration": false } },
            "workspace": { "diagnostics": { "refreshSupport": true } }
        }),
    }
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn report(label: &str, mut v: Vec<Duration>, cpu: Duration) {
    v.sort();
    let n = v.len();
    println!(
        "   {label:<58} p50 {:>10}  p99 {:>10}  max {:>10}  server CPU {:>9}/edit  (n={n})",
        ms(pct(&v, 0.5)),
        ms(pct(&v, 0.99)),
        ms(*v.last().unwrap()),
        ms(cpu / n as u32)
    );
}

/// One editing session: `edits` edits of one kind, each timed until its diagnostics arrive.
struct Edit<'a> {
    path: &'a Path,
    text: String,
    version: i32,
}

impl Edit<'_> {
    /// Replaces `len` bytes at byte `at` by `new` (ASCII on one line, so UTF-16 columns are byte
    /// columns), and waits for the diagnostics of the new version.
    fn apply(&mut self, client: &mut Client, mode: Mode, at: usize, len: usize, new: &str) -> Duration {
        let line = self.text[..at].matches('\n').count();
        let col = at - self.text[..at].rfind('\n').map_or(0, |i| i + 1);
        self.text.replace_range(at..at + len, new);
        self.version += 1;
        let u = uri(self.path);
        let t = Instant::now();
        client.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": u, "version": self.version }, "contentChanges": [
                { "range": { "start": { "line": line, "character": col }, "end": { "line": line, "character": col + len } }, "text": new }
            ] }),
        );
        let version = self.version;
        match mode {
            Mode::Push => {
                client.wait(|m| {
                    m["method"] == "textDocument/publishDiagnostics"
                        && m["params"]["uri"] == json!(u)
                        && m["params"]["version"] == json!(version)
                });
            }
            Mode::Pull => {
                let id = client.request("textDocument/diagnostic", json!({ "textDocument": { "uri": u } }));
                client.wait(|m| m["id"] == json!(id) && m.get("method").is_none());
            }
        }
        t.elapsed()
    }
}

fn session(root: &Path, text_bytes: u64, mode: Mode, edits: usize) {
    let mut client = Client::start();
    let t = Instant::now();
    client.request("initialize", json!({ "processId": null, "rootUri": uri(root), "capabilities": capabilities(mode) }));
    client.wait(|m| m["id"] == json!(1));
    client.notify("initialized", json!({}));
    // The first diagnostics: the first push, or the answer to a workspace pull sent at once.
    let first = match mode {
        Mode::Push => {
            client.wait(|m| {
                m["method"] == "textDocument/publishDiagnostics" && m["params"]["diagnostics"].as_array().is_some_and(|d| !d.is_empty())
            });
            t.elapsed()
        }
        Mode::Pull => {
            let id = client.request("workspace/diagnostic", json!({ "previousResultIds": [] }));
            client.wait(|m| m["id"] == json!(id) && m.get("method").is_none());
            t.elapsed()
        }
    };
    println!(
        "-- {} diagnostics: first diagnostics {} after `initialized` (server CPU {})",
        if mode == Mode::Push { "pushed" } else { "pulled" },
        ms(first),
        ms(client.cpu())
    );

    let open = |client: &mut Client, rel: &str| -> Edit<'static> {
        let path: &'static Path = Box::leak(root.join(rel).into_boxed_path());
        let text = std::fs::read_to_string(path).unwrap();
        client.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri(path), "languageId": if rel.ends_with(".md") { "markdown" } else { "yaml" }, "version": 1, "text": text } }),
        );
        Edit { path, text, version: 1 }
    };
    let mut doc = open(&mut client, "projects/p0001/docs/workflow.md");
    let mut state = open(&mut client, "projects/p0001/wf-0001.state.yaml");

    // Let the open documents' analyses settle before timing.
    std::thread::sleep(Duration::from_millis(500));
    // 1. Typing in prose: insert and delete one character.
    let at = doc.text.find("Notes for reviewers").unwrap();
    let cpu = client.cpu();
    let mut v = Vec::new();
    for i in 0..edits {
        v.push(if i % 2 == 0 { doc.apply(&mut client, mode, at, 0, "x") } else { doc.apply(&mut client, mode, at, 1, "") });
    }
    report("one character typed or deleted in a workflow doc's prose", v, client.cpu() - cpu);

    // 2. A gate checklist item ticked and unticked (the state file's gate-unmet changes).
    let at = doc.text.find("- [ ] DEPENDENCIES.md shows the parallelization plan").unwrap() + 3;
    let cpu = client.cpu();
    let mut v = Vec::new();
    for i in 0..edits {
        v.push(doc.apply(&mut client, mode, at, 1, if i % 2 == 0 { "x" } else { " " }));
    }
    report("a gate checklist item ticked / unticked", v, client.cpu() - cpu);

    // 3. The state file's `current:` moved between two phases.
    let at = state.text.find("current: ").unwrap() + "current: ".len();
    let cpu = client.cpu();
    let mut v = Vec::new();
    for _ in 0..edits {
        let cur = state.text[at..].lines().next().unwrap().to_string();
        let next = if cur == "implementation" { "design" } else { "implementation" };
        v.push(state.apply(&mut client, mode, at, cur.len(), next));
    }
    report("a state file's `current:` changed", v, client.cpu() - cpu);
    let peak = client.peak_kib();
    println!(
        "   peak resident memory (VmHWM)                               {:.0} MiB ({:.2}x the workspace's {:.0} MiB of text)",
        peak as f64 / 1024.0,
        (peak as f64 * 1024.0) / text_bytes as f64,
        text_bytes as f64 / 1048576.0
    );
    let id = client.request("shutdown", Value::Null);
    client.wait(|m| m["id"] == json!(id));
    client.notify("exit", Value::Null);
}

fn main() {
    let sizes: Vec<usize> = std::env::var("PHASEGATE_BENCH_FILES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![6_000, 59_000]);
    let edits: usize = std::env::var("PHASEGATE_BENCH_EDITS").ok().and_then(|s| s.parse().ok()).unwrap_or(300);
    let requests: usize = std::env::var("PHASEGATE_BENCH_REQUESTS").ok().and_then(|s| s.parse().ok()).unwrap_or(200);
    println!("phasegate language server over stdio");
    println!("machine: {} CPU(s); load average {}", std::thread::available_parallelism().map_or(1, |n| n.get()), loadavg());
    for n in sizes {
        let dir = tempfile::Builder::new().prefix(&format!("phasegate-lsp-bench-{n}-")).tempdir().unwrap();
        let stats = generate::generate(dir.path(), n);
        println!();
        println!(
            "== {} files ({} features), {:.0} MiB of text",
            stats.files,
            stats.files / generate::FILES_PER_PROJECT,
            stats.bytes as f64 / 1048576.0
        );
        let only = std::env::var("PHASEGATE_BENCH_ONLY").unwrap_or_default();
        if only != "requests" {
            for mode in [Mode::Push, Mode::Pull] {
                session(dir.path(), stats.bytes, mode, edits);
            }
        }
        if only != "edits" {
            editor_requests(dir.path(), requests);
        }
    }
}

/// The LSP position (UTF-16 columns) of the first `needle` in `text`, plus `shift` bytes.
fn position(text: &str, needle: &str, shift: usize) -> Value {
    let at = text.find(needle).unwrap() + shift;
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    json!({ "line": text[..line_start].matches('\n').count(), "character": text[line_start..at].encode_utf16().count() })
}

/// Issue 10's editor requests against one server (capabilities as VS Code declares the ones that
/// matter: Markdown hover, prepareRename, hierarchical symbols, pulled diagnostics).
fn editor_requests(root: &Path, n: usize) {
    let mut client = Client::start();
    client.request(
        "initialize",
        json!({ "processId": null, "rootUri": uri(root), "capabilities": {
            "textDocument": {
                "hover": { "contentFormat": ["markdown", "plaintext"] },
                "rename": { "prepareSupport": true },
                "documentSymbol": { "hierarchicalDocumentSymbolSupport": true },
                "diagnostic": { "dynamicRegistration": false }
            },
            "workspace": { "diagnostics": { "refreshSupport": true }, "workspaceEdit": { "documentChanges": true } }
        } }),
    );
    client.wait(|m| m["id"] == json!(1));
    let t = Instant::now();
    client.notify("initialized", json!({}));
    let id = client.request("workspace/symbol", json!({ "query": "T12" }));
    client.wait(|m| m["id"] == json!(id) && m.get("method").is_none());
    println!(
        "-- editor requests: the first workspace/symbol answered {} after `initialized` (server CPU {})",
        ms(t.elapsed()),
        ms(client.cpu())
    );
    let files = ["docs/workflow.md", "wf-0001.state.yaml", "build/v1/f0001/tasks.md", "build/v1/f0001/specs.md"];
    let mut texts = Vec::new();
    for rel in files {
        let path = root.join("projects/p0001").join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        client.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri(&path), "languageId": if rel.ends_with(".md") { "markdown" } else { "yaml" }, "version": 1, "text": text } }),
        );
        texts.push((uri(&path), text));
    }
    // Let the open documents' analysis settle: a pull answers once it is done.
    for (u, _) in &texts {
        let id = client.request("textDocument/diagnostic", json!({ "textDocument": { "uri": u } }));
        client.wait(|m| m["id"] == json!(id) && m.get("method").is_none());
    }
    let (doc, state, tasks, specs) = (&texts[0], &texts[1], &texts[2], &texts[3]);
    let at = |f: &(String, String), needle: &str, shift: usize| json!({ "textDocument": { "uri": f.0 }, "position": position(&f.1, needle, shift) });
    let implements = tasks.1.find("implements: \"").unwrap() + "implements: \"".len();
    let pointer = tasks.1[implements..].split([',', '"']).next().unwrap().to_string();
    let requirement = pointer.rsplit('/').next().unwrap().to_string();
    let mut completion_here = at(tasks, "implements: \"", "implements: ".len());
    completion_here["context"] = json!({ "triggerKind": 2, "triggerCharacter": " " });
    let kinds: Vec<(&str, &str, Value)> = vec![
        ("hover on a phase heading (`## Phase 1: Design`)", "textDocument/hover", at(doc, "## Phase 1: Design", 12)),
        ("hover on an `implements:` pointer", "textDocument/hover", at(tasks, &pointer, pointer.len() - 1)),
        ("definition of a state file's `current:`", "textDocument/definition", at(state, "current: ", 10)),
        ("definition of an `implements:` pointer", "textDocument/definition", at(tasks, &pointer, pointer.len() - 1)),
        ("completion after `implements: \"`", "textDocument/completion", completion_here),
        ("completion after `current: `", "textDocument/completion", at(state, "current: ", 9)),
        ("workspace symbols, query `T12`", "workspace/symbol", json!({ "query": "T12" })),
        ("workspace symbols, query `design`", "workspace/symbol", json!({ "query": "design" })),
        (
            "references of a requirement (every task implementing it)",
            "textDocument/references",
            json!({ "textDocument": { "uri": specs.0 }, "position": position(&specs.1, &format!("- {requirement}:"), 2), "context": { "includeDeclaration": true } }),
        ),
        (
            "references of a phase (its heading)",
            "textDocument/references",
            json!({ "textDocument": { "uri": doc.0 }, "position": position(&doc.1, "## Phase 1: Design", 12), "context": { "includeDeclaration": true } }),
        ),
        ("rename of a phase from its heading", "textDocument/rename", {
            let mut p = at(doc, "## Phase 1: Design", 12);
            p["newName"] = json!("Architecture");
            p
        }),
        ("rename of a requirement", "textDocument/rename", {
            let mut p = json!({ "textDocument": { "uri": specs.0 }, "position": position(&specs.1, &format!("- {requirement}:"), 2) });
            p["newName"] = json!("R900");
            p
        }),
    ];
    for (label, method, params) in kinds {
        // One answer checked, so a figure is never that of an error or an empty answer.
        let id = client.request(method, params.clone());
        let answer = client.wait(|m| m["id"] == json!(id) && m.get("method").is_none());
        let size = serde_json::to_string(&answer["result"]).map_or(0, |s| s.len());
        assert!(answer.get("error").is_none() && !answer["result"].is_null(), "{label}: {answer}");
        let cpu = client.cpu();
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            let t = Instant::now();
            let id = client.request(method, params.clone());
            client.wait(|m| m["id"] == json!(id) && m.get("method").is_none());
            v.push(t.elapsed());
        }
        v.sort();
        println!(
            "   {label:<58} p50 {:>9}  p99 {:>9}  max {:>9}  server CPU {:>8}/request  ({} bytes; n={n})",
            ms(pct(&v, 0.5)),
            ms(pct(&v, 0.99)),
            ms(*v.last().unwrap()),
            ms((client.cpu() - cpu) / n as u32),
            size
        );
    }
    let id = client.request("shutdown", Value::Null);
    client.wait(|m| m["id"] == json!(id));
    client.notify("exit", Value::Null);
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg").map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" ")).unwrap_or_default()
}
