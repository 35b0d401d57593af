//! MCP end-to-end tests: the real `phasegate mcp` binary over stdio, spoken to with
//! newline-delimited JSON-RPC as an agent host does (protocol 2025-06-18, what today's hosts
//! send). The tools' results are compared with the CLI's JSON on the same workspace, and the
//! write tools are checked on temporary copies of `tests/fixtures/mcp/project` (the Python SDK's
//! client does the same in `tests/mcp/client.py`, with schema validation).

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::{Value, json};

use crate::cli::{changed, copy_dir, phasegate, read, repo, temp, tree};

const TIMEOUT: Duration = Duration::from_secs(60);

struct Mcp {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    next_id: i64,
}

impl Mcp {
    /// Starts `phasegate mcp` in `cwd` and completes the handshake.
    fn start(cwd: &Path) -> Mcp {
        let mut child = Command::new(env!("CARGO_BIN_EXE_phasegate"))
            .arg("mcp")
            .current_dir(cwd)
            .env("SOURCE_DATE_EPOCH", "1767225600")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn: {e}"));
        let stdin = child.stdin.take().unwrap_or_else(|| panic!("stdin"));
        let stdout = child.stdout.take().unwrap_or_else(|| panic!("stdout"));
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        let mut mcp = Mcp { child, stdin, lines, next_id: 0 };
        let init = mcp.request(
            "initialize",
            json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "phasegate-e2e", "version": "1"}}),
        );
        assert_eq!(init["result"]["serverInfo"]["name"], "phasegate", "{init}");
        assert_eq!(init["result"]["protocolVersion"], "2025-06-18", "{init}");
        assert!(init["result"]["capabilities"]["tools"].is_object() && init["result"]["capabilities"]["resources"].is_object(), "{init}");
        mcp.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        mcp
    }

    fn send(&mut self, message: &Value) {
        let _ = writeln!(self.stdin, "{message}");
        let _ = self.stdin.flush();
    }

    /// Sends a request and returns its response (every line is one JSON-RPC message; the server
    /// sends nothing unasked here).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let line = self.lines.recv_timeout(TIMEOUT).unwrap_or_else(|e| panic!("no answer to {method}: {e}"));
            let v: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON on stdout ({e}): {line}"));
            if v["id"] == json!(id) {
                return v;
            }
        }
    }

    /// Calls a tool; returns its result (the response's `result`).
    fn call(&mut self, tool: &str, arguments: Value) -> Value {
        let response = self.request("tools/call", json!({"name": tool, "arguments": arguments}));
        assert!(response.get("error").is_none(), "{tool}: protocol error {response}");
        let result = response["result"].clone();
        // Structured content is also given as JSON text, for hosts that read only text.
        if let Some(structured) = result.get("structuredContent")
            && result["isError"] != json!(true)
        {
            let text = result["content"][0]["text"].as_str().unwrap_or_default();
            assert_eq!(serde_json::from_str::<Value>(text).ok().as_ref(), Some(structured), "{tool}: text and structured content differ");
        }
        result
    }
}

impl Drop for Mcp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The fixture project copied to a temporary folder (`outer/project`), with the folder around it.
fn scratch() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = temp();
    let root = tmp.path().join("outer/project");
    copy_dir(&repo().join("tests/fixtures/mcp/project"), &root);
    (tmp, root)
}

#[test]
fn mcp_lists_the_tools_with_schemas() {
    let (_tmp, root) = scratch();
    let mut mcp = Mcp::start(&root);
    let list = mcp.request("tools/list", json!({}));
    let tools = list["result"]["tools"].as_array().cloned().unwrap_or_default();
    let names: Vec<&str> = tools.iter().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(names, ["check", "status", "explain_gate", "advance", "scaffold", "graph"]);
    for t in &tools {
        assert_eq!(t["inputSchema"]["type"], "object", "{t}");
        assert_eq!(t["inputSchema"]["additionalProperties"], false, "unknown arguments are refused: {t}");
        assert!(t["outputSchema"]["properties"].is_object(), "{t}");
        assert!(t["description"].as_str().is_some_and(|d| d.len() > 40), "{t}");
    }
    let advance = tools.iter().find(|t| t["name"] == "advance").cloned().unwrap_or_default();
    assert_eq!(advance["inputSchema"]["required"], json!(["workflow"]));
    assert_eq!(advance["inputSchema"]["properties"]["apply"]["type"], "boolean");
    assert_eq!(advance["annotations"]["readOnlyHint"], false);
    let check = tools.iter().find(|t| t["name"] == "check").cloned().unwrap_or_default();
    assert_eq!(check["annotations"]["readOnlyHint"], true);
}

/// `check` and `status` give what `phasegate check --format json` and `phasegate status --format
/// json` print in the same folder: the demo, with every diagnostic family and non-ASCII text.
#[test]
fn mcp_check_and_status_match_the_cli_json() {
    let demo = repo().join("examples/demo");
    let mut mcp = Mcp::start(&demo);
    let check = mcp.call("check", json!({}));
    assert_eq!(check["isError"], false, "{check}");
    let cli = phasegate(&demo, &["check", "--format", "json"]);
    let cli: Value = serde_json::from_str(&cli.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(check["structuredContent"]["diagnostics"], cli["diagnostics"]);
    let errors = cli["diagnostics"].as_array().map_or(0, |d| d.iter().filter(|d| d["severity"] == "error").count());
    assert!(errors > 5, "the demo has errors");
    assert_eq!(check["structuredContent"]["summary"]["errors"], json!(errors));
    assert_eq!(check["structuredContent"]["summary"]["recognised"], true);

    let status = mcp.call("status", json!({}));
    let cli = phasegate(&demo, &["status", "--format", "json"]);
    let cli: Value = serde_json::from_str(&cli.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(status["structuredContent"], cli);

    // A file: its project's diagnostics of that file only, as `phasegate check FILE`.
    let one = mcp.call("check", json!({"paths": ["hotfix.state.yaml"], "severity": {"unknown-state": "warning"}}));
    let codes: Vec<(&str, &str)> = one["structuredContent"]["diagnostics"]
        .as_array()
        .map(|d| d.iter().map(|d| (d["path"].as_str().unwrap_or(""), d["severity"].as_str().unwrap_or(""))).collect())
        .unwrap_or_default();
    assert_eq!(codes, [("hotfix.state.yaml", "warning"); 2], "{one}");
}

#[test]
fn mcp_advance_refused_then_scaffold_applied_then_advance_applied() {
    let (tmp, root) = scratch();
    let outside = tmp.path().join("outer");
    let around = |t: &std::collections::BTreeMap<String, Vec<u8>>| {
        t.iter().filter(|(k, _)| !k.starts_with("project/")).map(|(k, v)| (k.clone(), v.clone())).collect::<Vec<_>>()
    };
    let outside_before = around(&tree(&outside));
    let mut mcp = Mcp::start(&root);
    let before = tree(&root);

    // Refused, dry or not: each unmet criterion, nothing written.
    for apply in [false, true] {
        let refused = mcp.call("advance", json!({"workflow": "checkout", "apply": apply}));
        assert_eq!(refused["isError"], true, "{refused}");
        let r = &refused["structuredContent"];
        assert_eq!(r["applied"], false);
        assert_eq!(r["refused"]["message"], "the gate of phase `design` is not met");
        assert_eq!(
            r["refused"]["unmet"],
            json!([
                "deliverable `docs/design.md` is missing",
                "1 of 2 items unticked in \"Before starting build, the team MUST verify\"; first: The latency budget is agreed"
            ])
        );
        assert!(refused["content"][0]["text"].as_str().unwrap_or("").starts_with("refused: the gate of phase `design` is not met\n  - "));
        assert_eq!(changed(&before, &tree(&root)), Vec::<String>::new());
    }

    // explain_gate: file by file.
    let explained = mcp.call("explain_gate", json!({"workflow": "checkout"}));
    let e = &explained["structuredContent"];
    assert_eq!((e["phase"].as_str(), e["current"].as_bool(), e["met"].as_bool()), (Some("design"), Some(true), Some(false)), "{e}");
    let files: Vec<(&str, bool)> =
        e["files"].as_array().map(|f| f.iter().map(|f| (f["path"].as_str().unwrap_or(""), f["met"] == true)).collect()).unwrap_or_default();
    assert_eq!(files, [("docs/design.md", false), ("docs/workflow.md", false)]);

    // Scaffold without apply: the diff, nothing written.
    let dry = mcp.call("scaffold", json!({"workflow": "checkout"}));
    assert_eq!(dry["isError"], false, "{dry}");
    assert_eq!(dry["structuredContent"]["applied"], false);
    assert_eq!(dry["structuredContent"]["files"], json!([{"path": "docs/design.md", "change": "create"}]));
    let diff = dry["structuredContent"]["diff"].as_str().unwrap_or_default();
    assert!(diff.starts_with("--- /dev/null\n+++ b/docs/design.md\n"), "{diff}");
    assert_eq!(changed(&before, &tree(&root)), Vec::<String>::new());
    // The same diff as `phasegate scaffold --dry-run`.
    let cli = phasegate(&root, &["scaffold", "checkout", "--dry-run"]);
    assert_eq!(cli.stdout, diff);

    // Applied: the file is created.
    let applied = mcp.call("scaffold", json!({"workflow": "checkout", "apply": true}));
    assert_eq!(applied["structuredContent"]["applied"], true, "{applied}");
    assert_eq!(applied["structuredContent"]["written"], json!(["docs/design.md"]));
    assert_eq!(changed(&before, &tree(&root)), ["docs/design.md"]);
    assert!(read(&root.join("docs/design.md")).starts_with("---\nworkflow: checkout\nphase: design\n---\n"));
    // Again: nothing left to scaffold, and the file is not touched.
    std::fs::write(root.join("docs/design.md"), "# Design\n\nOur words.\n").unwrap_or_else(|e| panic!("{e}"));
    let again = mcp.call("scaffold", json!({"workflow": "checkout", "phase": "design", "apply": true}));
    assert_eq!(again["isError"], true, "{again}");
    assert!(again["structuredContent"]["refused"]["message"].as_str().unwrap_or("").starts_with("nothing to scaffold"), "{again}");
    assert_eq!(read(&root.join("docs/design.md")), "# Design\n\nOur words.\n");

    // Tick the checklist; advance is now allowed: a diff first, then the write.
    let wf = read(&root.join("docs/workflow.md")).replace("- [ ] The latency", "- [x] The latency");
    std::fs::write(root.join("docs/workflow.md"), wf).unwrap_or_else(|e| panic!("{e}"));
    let dry = mcp.call("advance", json!({"workflow": "checkout"}));
    assert!(dry["structuredContent"]["diff"].as_str().unwrap_or("").contains("-current: design\n+current: build\n"), "{dry}");
    assert_eq!(read(&root.join("checkout.state.yaml")), read(&repo().join("tests/fixtures/mcp/project/checkout.state.yaml")));
    let done = mcp.call("advance", json!({"workflow": "checkout", "apply": true}));
    assert_eq!(done["structuredContent"]["applied"], true, "{done}");
    assert_eq!(done["structuredContent"]["summary"], "advanced `checkout` from `design` to `build` in `checkout.state.yaml`");
    assert!(read(&root.join("checkout.state.yaml")).contains("  - {from: design, to: build, at: 2026-01-01T00:00:00Z}\n"));

    assert_eq!(around(&tree(&outside)), outside_before, "nothing written outside the project");
}

/// `advance` and `scaffold` write by the CLI's rules: never for a project outside the folder the
/// server works in, never a deliverable whose path leaves the project, never over an existing
/// file, even an empty one. Each is refused as a tool error, and nothing is written anywhere.
#[test]
fn mcp_writes_stay_in_the_project_and_never_overwrite() {
    let (tmp, root) = scratch();
    let outer = tmp.path().join("outer");
    // A deliverable two folders up from docs/: outside the project, in `outer/`.
    let wf = read(&root.join("docs/workflow.md")).replace("- `src/README.md`", "- `../../escape.md`");
    std::fs::write(root.join("docs/workflow.md"), wf).unwrap_or_else(|e| panic!("{e}"));
    // An existing, empty deliverable.
    std::fs::write(root.join("docs/design.md"), "").unwrap_or_else(|e| panic!("{e}"));
    let before = tree(&outer);
    let mut mcp = Mcp::start(&root);
    let cases = [
        ("advance", json!({"workflow": "checkout", "path": "..", "apply": true}), "is outside the folder the server works in"),
        ("scaffold", json!({"workflow": "checkout", "path": "..", "apply": true}), "is outside the folder the server works in"),
        ("scaffold", json!({"workflow": "checkout", "phase": "build", "apply": true}), "refused: nothing to scaffold"),
        ("scaffold", json!({"workflow": "checkout", "phase": "design", "apply": true}), "refused: nothing to scaffold"),
    ];
    for (tool, args, expected) in cases {
        let result = mcp.call(tool, args.clone());
        assert_eq!(result["isError"], true, "{tool} {args}: {result}");
        let text = result["content"][0]["text"].as_str().unwrap_or_default();
        assert!(text.contains(expected), "{tool} {args}: {text}");
        assert_eq!(changed(&before, &tree(&outer)), Vec::<String>::new(), "{tool} {args} wrote something");
    }
    assert!(!outer.join("escape.md").exists() && !tmp.path().join("escape.md").exists());
    assert_eq!(read(&root.join("docs/design.md")), "", "the empty deliverable is left as it is");
}

/// Every failure is a tool error with a clear message, and the server answers the next request.
#[test]
fn mcp_errors_are_tool_errors_and_the_server_goes_on() {
    let (tmp, root) = scratch();
    std::fs::write(tmp.path().join("outer/secret.md"), "# outside\n").unwrap_or_else(|e| panic!("{e}"));
    let mut mcp = Mcp::start(&root);
    let cases = [
        ("check", json!({"paths": ["../secret.md"]}), "is outside the folder the server works in"),
        ("check", json!({"paths": ["missing.md"]}), "`missing.md`: "),
        ("check", json!({"severity": {"no-such-code": "off"}}), "unknown diagnostic code `no-such-code`"),
        ("check", json!({"severity": {"missing-deliverable": "loud"}}), "invalid arguments for `check`: unknown variant `loud`"),
        ("status", json!({"bogus": true}), "invalid arguments for `status`: unknown field `bogus`"),
        ("advance", json!({}), "invalid arguments for `advance`: missing field `workflow`"),
        ("advance", json!({"workflow": "nope"}), "refused: no workflow named `nope`; known workflows: checkout"),
        ("explain_gate", json!({"workflow": "checkout", "phase": "deploy"}), "workflow `checkout` has no phase `deploy`"),
        ("scaffold", json!({"workflow": 7}), "invalid arguments for `scaffold`: invalid type: integer `7`, expected a string"),
    ];
    for (tool, args, expected) in cases {
        let result = mcp.call(tool, args.clone());
        assert_eq!(result["isError"], true, "{tool} {args}: {result}");
        let text = result["content"][0]["text"].as_str().unwrap_or_default();
        assert!(text.contains(expected), "{tool} {args}: {text}");
    }
    #[cfg(unix)]
    {
        // A folder on the way that leads out of the project: refused by the shared safety check.
        std::os::unix::fs::symlink(tmp.path().join("outer"), root.join("docs/design.md")).unwrap_or_else(|e| panic!("{e}"));
        let result = mcp.call("scaffold", json!({"workflow": "checkout", "apply": true}));
        assert_eq!(result["isError"], true, "{result}");
        assert!(
            result["structuredContent"]["refused"]["message"].as_str().unwrap_or("").contains("already exists as a symlink"),
            "{result}"
        );
    }
    // An unknown tool is a protocol error (invalid params), not a crash.
    let unknown = mcp.request("tools/call", json!({"name": "deploy", "arguments": {}}));
    assert_eq!(unknown["error"]["code"], -32602, "{unknown}");
    // Still serving.
    let status = mcp.call("status", json!({}));
    assert_eq!(status["structuredContent"]["workflows"][0]["name"], "checkout", "{status}");
}

/// `graph` gives what `phasegate graph` prints.
#[test]
fn mcp_graph_matches_the_cli() {
    let demo = repo().join("examples/demo");
    let mut mcp = Mcp::start(&demo);
    for format in ["mermaid", "dot"] {
        let drawn = mcp.call("graph", json!({"workflow": "checkout-feature", "format": format}));
        assert_eq!(drawn["isError"], false, "{drawn}");
        let cli = phasegate(&demo, &["graph", "checkout-feature", "--format", format]);
        assert_eq!(drawn["structuredContent"]["text"].as_str(), Some(cli.stdout.as_str()));
        assert_eq!(drawn["structuredContent"]["workflows"][0]["statePath"], "checkout-feature.state.yaml");
    }
    let unknown = mcp.call("graph", json!({"workflow": "nope"}));
    assert_eq!(unknown["isError"], true, "{unknown}");
}

#[test]
fn mcp_resources_are_the_definitions_builtin_and_the_projects() {
    let (_tmp, root) = scratch();
    let mut mcp = Mcp::start(&root);
    let list = mcp.request("resources/list", json!({}));
    let uris: Vec<&str> =
        list["result"]["resources"].as_array().map(|r| r.iter().filter_map(|r| r["uri"].as_str()).collect()).unwrap_or_default();
    for f in phasegate_engine::frameworks::FRAMEWORKS.iter().filter(|f| f.definition.is_some()) {
        let uri = format!("phasegate://builtin/{}.workflow.yaml", f.id);
        assert!(uris.contains(&uri.as_str()), "{uri} in {uris:?}");
        let read = mcp.request("resources/read", json!({"uri": uri}));
        assert_eq!(read["result"]["contents"][0]["text"].as_str(), f.definition, "{read}");
    }
    // The project's workflow, as phasegate understands it.
    assert!(uris.contains(&"phasegate://workflows/checkout"), "{uris:?}");
    let read = mcp.request("resources/read", json!({"uri": "phasegate://workflows/checkout"}));
    let text = read["result"]["contents"][0]["text"].as_str().unwrap_or_default();
    let model: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {read}"));
    let cli = phasegate(&root, &["graph", "checkout", "--format", "json"]);
    assert_eq!(model, serde_json::from_str::<Value>(&cli.stdout).unwrap_or_default());
    let missing = mcp.request("resources/read", json!({"uri": "phasegate://builtin/nope.workflow.yaml"}));
    assert!(missing["error"]["message"].as_str().unwrap_or("").contains("no resource"), "{missing}");
}
