//! Scaling benchmark (issue 11, "No input may be slow"): each input shape that was once slow,
//! at 1x, 10x and 100x, through the real binary: `phasegate check --format json` (time and peak
//! memory) and the language server over stdio (start-up index, open, one edit, each answered by
//! a pulled diagnostic report; peak memory). Linear growth shows as a time ratio near 10 between
//! sizes; quadratic as near 100.
//!
//! Run with `cargo bench -p phasegate --bench scaling` (figures in docs/benchmarks.md). It prints
//! figures and never fails on timing. `PHASEGATE_SCALING_SHAPES=chain,gates` runs only the
//! listed shapes; `PHASEGATE_SCALING_MAX=10` stops at 10x.

#![allow(missing_docs, clippy::unwrap_used)]

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// One input shape: its name, the size at 1x, and a generator of its files for a size.
struct Shape {
    name: &'static str,
    what: &'static str,
    base: usize,
    files: fn(usize) -> Vec<(&'static str, String)>,
}

fn chain(n: usize) -> Vec<(&'static str, String)> {
    let mut s = String::from("# Tasks\n\n");
    for i in 1..=n {
        let _ = writeln!(s, "- [ ] T{i}: t");
        if i > 1 {
            let _ = writeln!(s, "  - depends_on: [T{}]", i - 1);
        }
    }
    vec![("tasks.md", s)]
}

fn gates(n: usize) -> Vec<(&'static str, String)> {
    let mut s = String::from("# Gates\n\n");
    for i in 1..=n {
        let _ = write!(s, "## Phase {i}: P{i}\n**Gate Check**: ok → Proceed to Phase {}\n\n", i + 1);
    }
    vec![("wf.md", s)]
}

fn missing(n: usize) -> Vec<(&'static str, String)> {
    let mut s = String::from("---\nname: m\n---\n## Phase 1: A\n**Deliverables**:\n");
    for i in 0..n {
        let _ = writeln!(s, "- `{i}.md`");
    }
    s.push_str("\n## Phase 2: B\n");
    vec![("wf.md", s), ("m.state.yaml", "workflow: m\ncurrent: b\n".to_string())]
}

fn headings(n: usize) -> Vec<(&'static str, String)> {
    vec![("wf.md", format!("---\nname: h\n---\n{}", "## Phase 1: Same\n".repeat(n)))]
}

fn history(n: usize) -> Vec<(&'static str, String)> {
    let mut doc = String::from("---\nname: sm\n---\n# SM\n\nStates:\n");
    for i in 0..n {
        let _ = writeln!(doc, "- s{i}");
    }
    doc.push_str("\nTransitions:\n");
    for i in 0..n {
        let _ = writeln!(doc, "- s{i} → s{}", i + 1);
    }
    let mut state = format!("workflow: sm\ncurrent: s{}\nhistory:\n", n - 1);
    for i in 0..n - 1 {
        let _ = writeln!(state, "  - {{from: s{i}, to: s{}, at: 2026-01-01T00:00:00Z}}", i + 1);
    }
    vec![("wf.md", doc), ("sm.state.yaml", state)]
}

fn implements(n: usize) -> Vec<(&'static str, String)> {
    let specs: String = (0..n).map(|i| format!("- R{i}: req\n")).collect();
    let tasks: String = (0..n).map(|i| format!("- [ ] T{i}: t\n  - implements: \"R{i}, R{}\"\n", n + i)).collect();
    // `implements:` is checked in the `.ops/build` layout (docs/frameworks/ops-build.md).
    vec![(".ops/build/v1/f/tasks.md", tasks), (".ops/build/v1/f/specs.md", specs)]
}

const SHAPES: &[Shape] = &[
    Shape { name: "chain", what: "`depends_on` chain: T(i) depends on T(i-1) (tasks.md)", base: 2_000, files: chain },
    Shape { name: "gates", what: "phases, each `→ Proceed to Phase i+1` (the last one dangling)", base: 1_000, files: gates },
    Shape { name: "missing", what: "deliverables of a completed phase, all missing", base: 5_000, files: missing },
    Shape { name: "headings", what: "`## Phase 1: Same` headings: one id, n times", base: 2_000, files: headings },
    Shape { name: "history", what: "a state machine of n states and transitions, a history of n entries", base: 500, files: history },
    Shape { name: "implements", what: "tasks with 2 `implements:` pointers each, half dangling", base: 500, files: implements },
];

fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_phasegate"))
}

/// Peak resident memory (VmHWM, KiB) of a running process.
fn peak_kib(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()
}

/// Waits for `child`, polling its peak memory; returns the wall time and the last peak read.
fn wait_measuring(mut child: Child, started: Instant) -> (Duration, u64) {
    let mut peak = 0;
    loop {
        if let Some(p) = peak_kib(child.id()) {
            peak = peak.max(p);
        }
        if let Ok(Some(_)) = child.try_wait() {
            return (started.elapsed(), peak);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn check(dir: &Path) -> (Duration, u64, usize) {
    let started = Instant::now();
    let mut child =
        Command::new(binary()).args(["check", "--format", "json"]).arg(dir).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        let _ = stdout.read_to_string(&mut out);
        out
    });
    let (time, peak) = wait_measuring(child, started);
    let out = reader.join().unwrap();
    let count = serde_json::from_str::<Value>(&out).ok().and_then(|v| v["diagnostics"].as_array().map(Vec::len)).unwrap_or(0);
    (time, peak, count)
}

/// A minimal LSP client over the server's stdio.
struct Lsp {
    child: Child,
    stdin: std::process::ChildStdin,
    out: BufReader<std::process::ChildStdout>,
    id: i64,
}

impl Lsp {
    fn start() -> Lsp {
        let mut child =
            Command::new(binary()).arg("lsp").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
        let stdin = child.stdin.take().unwrap();
        let out = BufReader::new(child.stdout.take().unwrap());
        Lsp { child, stdin, out, id: 0 }
    }

    fn send(&mut self, v: &Value) {
        let body = v.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn recv(&mut self) -> Value {
        let mut len = 0;
        loop {
            let mut line = String::new();
            self.out.read_line(&mut line).unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length: ") {
                len = n.parse().unwrap();
            }
        }
        let mut body = vec![0; len];
        self.out.read_exact(&mut body).unwrap();
        let v: Value = serde_json::from_slice(&body).unwrap();
        // Answer the server's requests as an editor would.
        if let (Some(id), Some(_)) = (v.get("id"), v.get("method")) {
            let id = id.clone();
            self.send(&json!({ "jsonrpc": "2.0", "id": id, "result": null }));
        }
        v
    }

    fn until(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        loop {
            let v = self.recv();
            if pred(&v) {
                return v;
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.id += 1;
        let id = self.id;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.until(|v| v.get("id") == Some(&json!(id)) && v.get("method").is_none())
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }
}

/// The server on `dir`: (index, open + pull, edit + pull) times, the items of the last pull, peak.
fn server(dir: &Path, main: &str, text: &str) -> (Duration, Duration, Duration, usize, u64) {
    let uri = format!("file://{}", dir.join(main).display());
    let mut lsp = Lsp::start();
    let caps = json!({ "textDocument": { "diagnostic": {} }, "workspace": { "diagnostics": { "refreshSupport": true } } });
    lsp.request("initialize", json!({ "processId": null, "rootUri": format!("file://{}", dir.display()), "capabilities": caps }));
    let t = Instant::now();
    lsp.notify("initialized", json!({}));
    lsp.until(|v| v["method"] == "workspace/diagnostic/refresh");
    let index = t.elapsed();
    let t = Instant::now();
    lsp.notify("textDocument/didOpen", json!({ "textDocument": { "uri": uri, "languageId": "markdown", "version": 1, "text": text } }));
    lsp.request("textDocument/diagnostic", json!({ "textDocument": { "uri": uri } }));
    let open = t.elapsed();
    let t = Instant::now();
    // An edit that changes no fact: a space at the end of the document (past the last line).
    let at = json!({ "line": 100_000_000, "character": 0 });
    lsp.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "range": { "start": at, "end": at }, "text": " " }] }),
    );
    let pulled = lsp.request("textDocument/diagnostic", json!({ "textDocument": { "uri": uri } }));
    let edit = t.elapsed();
    let items = pulled["result"]["items"].as_array().map_or(0, Vec::len);
    let peak = peak_kib(lsp.child.id()).unwrap_or(0);
    lsp.request("shutdown", Value::Null);
    lsp.notify("exit", Value::Null);
    let _ = lsp.child.wait();
    (index, open, edit, items, peak)
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn main() {
    let only: Option<Vec<String>> = std::env::var("PHASEGATE_SCALING_SHAPES").ok().map(|s| s.split(',').map(str::to_string).collect());
    let max: usize = std::env::var("PHASEGATE_SCALING_MAX").ok().and_then(|s| s.parse().ok()).unwrap_or(100);
    println!("phasegate scaling benchmark; binary {}", binary().display());
    println!("load average: {}", std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim());
    for shape in SHAPES {
        if only.as_ref().is_some_and(|o| !o.iter().any(|n| n == shape.name)) {
            continue;
        }
        println!("\n## {}: {}", shape.name, shape.what);
        println!("| size | input | check | check peak | diagnostics | server index | open+pull | edit+pull | items | server peak |");
        println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for factor in [1, 10, 100].into_iter().filter(|f| *f <= max) {
            let n = shape.base * factor;
            let dir = tempfile::Builder::new().prefix("phasegate-scaling-").tempdir().unwrap();
            let files = (shape.files)(n);
            let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
            for (rel, text) in &files {
                let path = dir.path().join(rel);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, text).unwrap();
            }
            // The best of three runs of the CLI (one at 100x).
            let runs = if factor == 100 { 1 } else { 3 };
            let (mut best, mut peak, mut count) = (Duration::MAX, 0, 0);
            for _ in 0..runs {
                let (t, p, c) = check(dir.path());
                if t < best {
                    (best, peak, count) = (t, p, c);
                }
            }
            let (index, open, edit, items, server_peak) = server(dir.path(), files[0].0, &files[0].1);
            println!(
                "| {n} ({factor}x) | {:.2} MB | {} ms | {:.0} MiB | {count} | {} ms | {} ms | {} ms | {items} | {:.0} MiB |",
                bytes as f64 / 1e6,
                ms(best),
                peak as f64 / 1024.0,
                ms(index),
                ms(open),
                ms(edit),
                server_peak as f64 / 1024.0
            );
        }
    }
}
