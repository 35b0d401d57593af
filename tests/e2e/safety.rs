//! Users' files are safe, in the CLI and in the edits the server proposes: the same crafted
//! workspaces (a deliverable reached through a symlinked folder leading outside the root, a
//! dangling symlink to a file outside it, an existing gitignored file, an existing folder) are
//! refused by `scaffold` (exit 1, dry run included) and never proposed as a `CreateFile` by the
//! server; creations carry `ignoreIfExists: false`; files keep their mode; symlinks leading out of
//! the root are not read.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::cli::{changed, phasegate, read, temp, tree};
use crate::lsp::{Server, file_uri};

/// A workspace at `<tmp>/outer/ws` whose workflow's first phase lists `notes/draft.md` (safe to
/// create) and the given unsafe deliverables, with a state file at that phase. `<tmp>/outer/elsewhere/`
/// is outside the root.
struct Crafted {
    _tmp: tempfile::TempDir,
    outer: PathBuf,
    root: PathBuf,
}

/// The unsafe deliverables, each with what makes it unsafe.
const UNSAFE: &[(&str, &str)] = &[
    ("reports/summary.md", "`reports` is a symlink to a folder outside the root"),
    ("linked.md", "a dangling symlink to a file outside the root"),
    ("private.md", "an existing file that .gitignore hides from the index"),
    ("folder.md", "an existing folder"),
];

impl Crafted {
    fn new(deliverables: &[&str]) -> Crafted {
        let tmp = temp();
        let outer = tmp.path().join("outer");
        let root = outer.join("ws");
        let w = |rel: &str, text: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap_or(&root)).unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(p, text).unwrap_or_else(|e| panic!("{e}"));
        };
        let list: String = deliverables.iter().map(|d| format!("- `{d}`\n")).collect();
        w(
            "docs/workflow.md",
            &format!(
                "---\nname: release-notes\n---\n# Release notes\n\n## Phase 1: Draft\n**Deliverables**:\n{list}\n## Phase 2: Publish\n"
            ),
        );
        w("release.state.yaml", "workflow: release-notes\ncurrent: draft\n");
        w(".gitignore", "private.md\n");
        w("private.md", "# My private notes\n");
        std::fs::create_dir_all(root.join("folder.md")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::create_dir_all(outer.join("elsewhere")).unwrap_or_else(|e| panic!("{e}"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("../elsewhere", root.join("reports")).unwrap_or_else(|e| panic!("{e}"));
            std::os::unix::fs::symlink("../elsewhere/linked.md", root.join("linked.md")).unwrap_or_else(|e| panic!("{e}"));
        }
        Crafted { _tmp: tmp, outer, root }
    }

    fn scaffold(&self, dry_run: bool) -> crate::cli::Output {
        let root = self.root.to_str().unwrap_or_else(|| panic!("UTF-8 temp path"));
        let mut args = vec!["scaffold", "release-notes", "-C", root];
        if dry_run {
            args.push("--dry-run");
        }
        let out = phasegate(&self.root, &args);
        out.assert_no_panic("scaffold");
        out
    }
}

#[cfg(unix)]
#[test]
fn cli_scaffold_refuses_every_unsafe_target_with_exit_1_dry_run_included() {
    for (deliverable, why) in UNSAFE {
        let ws = Crafted::new(&["notes/draft.md", deliverable]);
        let before = tree(&ws.outer);
        for dry_run in [true, false] {
            let out = ws.scaffold(dry_run);
            assert_eq!(out.code, 1, "{deliverable} ({why}), dry run {dry_run}: a refusal exits 1\n{out:#?}");
            assert!(out.stderr.starts_with(&format!("phasegate: refused: `{deliverable}` ")), "{deliverable} ({why}): {out:#?}");
            assert_eq!(out.stdout, "", "{deliverable}: nothing shown as if it would be written");
            assert_eq!(changed(&before, &tree(&ws.outer)), Vec::<String>::new(), "{deliverable} ({why}): nothing written");
        }
        assert_eq!(read(&ws.root.join("private.md")), "# My private notes\n");
    }
    // Without the unsafe one, the same workspace scaffolds.
    let ws = Crafted::new(&["notes/draft.md"]);
    assert_eq!(ws.scaffold(true).code, 0);
    assert_eq!(ws.scaffold(false).code, 0);
    assert!(ws.root.join("notes/draft.md").is_file());
}

/// The code actions the server offers in `rel` at 0-based `line`, asked by kind (every kind), so
/// that a client declaring `disabledSupport` gets refused actions as `disabled` (docs/lsp.md).
fn actions_at(server: &mut Server, root: &Path, rel: &str, line: u32) -> Vec<Value> {
    let uri = file_uri(&root.join(rel));
    let at = json!({ "line": line, "character": 4 });
    let r = server.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": { "start": at, "end": at }, "context": { "diagnostics": [], "only": ["quickfix", "refactor", "source"] } }),
    );
    r["result"].as_array().cloned().unwrap_or_default()
}

#[cfg(unix)]
#[test]
fn server_never_proposes_an_unsafe_creation() {
    let mut all = vec!["notes/draft.md"];
    all.extend(UNSAFE.iter().map(|(d, _)| *d));
    let ws = Crafted::new(&all);
    let mut server = Server::start(&ws.root, &[]);
    server.initialize(json!({
        "workspace": { "workspaceEdit": { "documentChanges": true, "resourceOperations": ["create"] } },
        "textDocument": { "codeAction": { "disabledSupport": true, "codeActionLiteralSupport": { "codeActionKind": { "valueSet": ["quickfix", "refactor", "source"] } } } }
    }));
    server.open("docs/workflow.md", "markdown", 1);
    // Once indexed, the first deliverable is reported missing.
    server.diagnostics_for("docs/workflow.md", |d| !d.is_empty());
    let doc = read(&ws.root.join("docs/workflow.md"));
    for (i, deliverable) in all.iter().enumerate() {
        let line = doc.lines().position(|l| l.contains(&format!("`{deliverable}`"))).unwrap_or_else(|| panic!("{deliverable}")) as u32;
        let actions = actions_at(&mut server, &ws.root, "docs/workflow.md", line);
        let create = actions.iter().find(|a| a["title"] == json!(format!("Create `{deliverable}`")));
        if i == 0 {
            let create = create.unwrap_or_else(|| panic!("no Create action for {deliverable}: {actions:?}"));
            let op = &create["edit"]["documentChanges"][0];
            assert_eq!(op["kind"], "create");
            assert_eq!(op["options"], json!({ "overwrite": false, "ignoreIfExists": false }), "a client must fail, not edit, if it exists");
            continue;
        }
        let why = UNSAFE[i - 1].1;
        if let Some(a) = create {
            assert!(a.get("edit").is_none_or(Value::is_null), "{deliverable} ({why}) is proposed: {a}");
            assert!(a["disabled"]["reason"].as_str().is_some_and(|r| r.contains(&format!("`{deliverable}`"))), "{a}");
        }
    }
    // Scaffold, as a code action at the state file and as a command: refused, never applied.
    let scaffold = actions_at(&mut server, &ws.root, "release.state.yaml", 0)
        .into_iter()
        .find(|a| a["title"].as_str().is_some_and(|t| t.starts_with("Scaffold")))
        .unwrap_or_else(|| panic!("a scaffold action is shown"));
    assert!(scaffold.get("edit").is_none_or(Value::is_null), "{scaffold}");
    assert!(scaffold["disabled"]["reason"].as_str().is_some_and(|r| r.starts_with("refused: `reports/summary.md`")), "{scaffold}");
    let result = server.request(
        "workspace/executeCommand",
        json!({ "command": "phasegate.scaffold", "arguments": [{ "uri": file_uri(&ws.root.join("release.state.yaml")) }] }),
    );
    assert_eq!(result["result"]["applied"], false, "{result}");
    assert!(result["result"]["message"].as_str().is_some_and(|m| m.starts_with("refused: ")), "{result}");
    assert!(server.applied.lock().unwrap_or_else(|p| p.into_inner()).is_empty(), "no edit was sent to the client");
    server.shutdown();
}

/// Runs `phasegate ARGS` under `umask`, in `root`.
#[cfg(unix)]
fn with_umask(umask: &str, root: &Path, args: &[&str]) -> std::process::Output {
    let script = format!("umask {umask} && exec \"$0\" \"$@\"");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_phasegate"))
        .args(args)
        .current_dir(root)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .output()
        .unwrap_or_else(|e| panic!("sh: {e}"));
    assert!(out.status.success(), "{args:?}: {out:?}");
    out
}

#[cfg(unix)]
#[test]
fn files_keep_their_mode_and_new_files_get_the_umasks() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).map(|m| m.permissions().mode() & 0o777).unwrap_or_else(|e| panic!("{e}"));
    for (umask, created) in [("022", 0o644), ("002", 0o664), ("077", 0o600)] {
        let ws = Crafted::new(&["notes/draft.md"]);
        let state = ws.root.join("release.state.yaml");
        std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o664)).unwrap_or_else(|e| panic!("{e}"));
        with_umask(umask, &ws.root, &["scaffold", "release-notes"]);
        assert_eq!(mode(&ws.root.join("notes/draft.md")), created, "created under umask {umask}");
        with_umask(umask, &ws.root, &["advance", "release-notes"]);
        assert!(read(&state).contains("current: publish"), "{}", read(&state));
        assert_eq!(mode(&state), 0o664, "an edited file keeps its mode (umask {umask})");
        // No temporary file is left beside it.
        let names: Vec<String> =
            std::fs::read_dir(&ws.root).into_iter().flatten().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    }
}

#[cfg(unix)]
#[test]
fn a_symlinked_file_leading_outside_the_root_is_not_read() {
    let ws = Crafted::new(&["notes/draft.md"]);
    let secret = ws.outer.join("elsewhere/secret.state.yaml");
    std::fs::write(&secret, "workflow: top-secret-plan\ncurrent: password-hunter2\n").unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink("../elsewhere/secret.state.yaml", ws.root.join("secret.state.yaml")).unwrap_or_else(|e| panic!("{e}"));
    // A symlink that stays inside the root is read as the file it points at.
    std::fs::write(ws.root.join("docs/real.state.yaml"), "workflow: release-notes\ncurrent: nowhere-inside\n")
        .unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink("docs/real.state.yaml", ws.root.join("inside.state.yaml")).unwrap_or_else(|e| panic!("{e}"));
    let out = phasegate(&ws.root, &["check"]);
    out.assert_no_panic("check");
    assert!(!out.stdout.contains("secret") && !out.stdout.contains("hunter2"), "{}", out.stdout);
    assert!(out.stderr.contains("secret.state.yaml: a symlink to a file outside the workspace root; not read"), "{}", out.stderr);
    assert!(out.stdout.contains("inside.state.yaml:2:10: error[unknown-state]"), "{}", out.stdout);
    // The server does not read it either, at start-up or after a watched change.
    let mut server = Server::start(&ws.root, &[]);
    server.initialize(json!({
        "textDocument": { "diagnostic": { "dynamicRegistration": false } },
        "workspace": { "diagnostics": { "refreshSupport": true }, "didChangeWatchedFiles": { "dynamicRegistration": true } }
    }));
    server.wait(|m| m["method"] == "workspace/diagnostic/refresh");
    let pull = |server: &mut Server, rel: &str| {
        let r = server.request("textDocument/diagnostic", json!({ "textDocument": { "uri": file_uri(&ws.root.join(rel)) } }));
        crate::lsp::codes(r["result"]["items"].as_array().map(Vec::as_slice).unwrap_or(&[]))
    };
    assert_eq!(pull(&mut server, "inside.state.yaml"), vec!["unknown-state"]);
    assert_eq!(pull(&mut server, "secret.state.yaml"), Vec::<String>::new());
    let link_uri = file_uri(&ws.root.join("secret.state.yaml"));
    server.notify("workspace/didChangeWatchedFiles", json!({ "changes": [{ "uri": link_uri, "type": 2 }] }));
    assert_eq!(pull(&mut server, "secret.state.yaml"), Vec::<String>::new());
    server.shutdown();
}

/// Neovim 0.11 empties an existing file when it applies `CreateFile` with `ignoreIfExists: false`
/// (`runtime/lua/vim/lsp/util.lua`, `create_file`): it gets `ignoreIfExists: true`, so a file
/// that appears between the proposal and its application is at worst edited in a buffer.
#[test]
fn neovim_gets_creations_it_cannot_empty_a_file_with() {
    let ws = Crafted::new(&["notes/draft.md"]);
    let mut server = Server::start(&ws.root, &[]);
    server.request(
        "initialize",
        json!({ "processId": null, "rootUri": file_uri(&ws.root), "clientInfo": { "name": "Neovim", "version": "0.11.4" }, "capabilities": {
            "workspace": { "workspaceEdit": { "documentChanges": true, "resourceOperations": ["rename", "create", "delete"] } },
            "textDocument": { "codeAction": { "codeActionLiteralSupport": { "codeActionKind": { "valueSet": ["quickfix", "refactor", "source"] } } } }
        } }),
    );
    server.notify("initialized", json!({}));
    server.open("docs/workflow.md", "markdown", 1);
    server.diagnostics_for("docs/workflow.md", |d| !d.is_empty());
    let actions = actions_at(&mut server, &ws.root, "docs/workflow.md", 7);
    let create = actions.iter().find(|a| a["title"] == "Create `notes/draft.md`").unwrap_or_else(|| panic!("{actions:?}"));
    assert_eq!(create["edit"]["documentChanges"][0]["options"], json!({ "overwrite": false, "ignoreIfExists": true }));
    server.shutdown();
}
