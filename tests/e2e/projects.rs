//! Which folder is a project (docs/projects.md), end to end: the CLI and the language server
//! find the same project for a file, a monorepo's projects are analysed on their own, and
//! `phasegate.toml` settings apply; and the command line's first-contact behaviour (exit codes,
//! summaries, duplicate arguments, UTF-16 files).

use std::path::Path;

use serde_json::{Value, json};

use crate::cli::{copy_dir, phasegate, repo, temp};
use crate::lsp::{Server, codes, file_uri};

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap_or(root)).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(p, text).unwrap_or_else(|e| panic!("{e}"));
}

/// The `path:line:col: severity[code]` heads of human output lines for `file`, with `file`'s
/// prefix removed.
fn heads(stdout: &str, file: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix(file))
        .filter_map(|rest| rest.split_once("]: ").map(|(head, _)| format!("{head}]")))
        .collect()
}

/// A workflow doc whose design deliverable is missing while its run is past design.
const WF: &str = "---\nname: shop\n---\n## Phase 1: Design\n**Deliverables**:\n- `docs/design.md`\n\n## Phase 2: Build\n**Deliverables**:\n- `docs/build.md`\n";
const RUN: &str = "workflow: shop\ncurrent: build\n";

#[test]
fn a_file_is_checked_within_its_project_inside_a_repository_and_copied_out() {
    // The demo is a project of its own inside this repository: a file of it, named alone, gets
    // exactly the diagnostics the whole demo gives that file.
    let whole = phasegate(&repo(), &["check", "examples/demo"]);
    let alone = phasegate(&repo(), &["check", "examples/demo/docs/workflow.md"]);
    alone.assert_no_panic("check one file");
    let expected = heads(&whole.stdout, "examples/demo/docs/workflow.md");
    assert!(!expected.is_empty(), "{}", whole.stdout);
    assert_eq!(heads(&alone.stdout, "examples/demo/docs/workflow.md"), expected, "{}", alone.stdout);
    // From inside the demo, and from a copy with no version control around it.
    let inside = phasegate(&repo().join("examples/demo"), &["check", "docs/workflow.md"]);
    assert_eq!(heads(&inside.stdout, "docs/workflow.md"), expected, "{}", inside.stdout);
    let tmp = temp();
    let copy = tmp.path().join("demo");
    copy_dir(&repo().join("examples/demo"), &copy);
    let copied = phasegate(&copy.join("docs"), &["check", "workflow.md"]);
    assert_eq!(heads(&copied.stdout, "workflow.md"), expected, "{}", copied.stdout);
    // The same without `phasegate.toml`: `.ops/build/` marks the demo as a project too.
    std::fs::remove_file(copy.join("phasegate.toml")).unwrap_or_else(|e| panic!("{e}"));
    let copied = phasegate(&copy.join("docs"), &["check", "workflow.md"]);
    assert_eq!(heads(&copied.stdout, "workflow.md"), expected, "{}", copied.stdout);
}

#[test]
fn a_monorepo_holds_projects_analysed_on_their_own() {
    let tmp = temp();
    let root = tmp.path();
    std::fs::create_dir_all(root.join(".git")).unwrap_or_else(|e| panic!("{e}"));
    // Two services with the same workflow; only `billing` lacks its design document. Paths
    // resolve inside each project, so `payments/docs/design.md` does not satisfy `billing`.
    for p in ["payments", "billing"] {
        write(root, &format!("{p}/phasegate.toml"), "");
        write(root, &format!("{p}/docs/workflow.md"), WF);
        write(root, &format!("{p}/shop.state.yaml"), RUN);
        write(root, &format!("{p}/docs/build.md"), "# Build\n");
    }
    write(root, "payments/docs/design.md", "# Design\n");
    let out = phasegate(root, &["check"]);
    out.assert_no_panic("check");
    assert_eq!(out.code, 1, "{out:#?}");
    let diagnosed: Vec<&str> = out.stdout.lines().filter(|l| l.contains("]: ")).map(|l| l.split(':').next().unwrap_or("")).collect();
    assert_eq!(diagnosed, vec!["billing/docs/workflow.md", "billing/shop.state.yaml"], "{}", out.stdout);
    assert!(out.stdout.ends_with("in 2 file(s)\n"), "{}", out.stdout);
    // `status` lists both projects; JSON names each workflow's project.
    let status = phasegate(root, &["status"]);
    assert!(status.stdout.contains("project billing\n") && status.stdout.contains("project payments\n"), "{}", status.stdout);
    let json = phasegate(root, &["status", "--format", "json"]);
    let v: Value = serde_json::from_str(&json.stdout).unwrap_or_else(|e| panic!("{e}: {}", json.stdout));
    let projects: Vec<&str> =
        v["workflows"].as_array().map(|l| l.iter().filter_map(|w| w["project"].as_str()).collect()).unwrap_or_default();
    assert_eq!(projects, vec!["billing", "payments"]);
    // `advance -C` works on the project holding the folder, and writes only inside it.
    std::fs::remove_file(root.join("billing/docs/build.md")).unwrap_or_else(|e| panic!("{e}"));
    let refused = phasegate(root, &["advance", "shop", "-C", "billing/docs"]);
    assert_eq!(refused.code, 1, "{refused:#?}");
    assert!(refused.stderr.contains("deliverable `docs/build.md` is missing"), "{}", refused.stderr);
    let advanced = phasegate(root, &["advance", "shop", "-C", "payments", "--dry-run"]);
    assert_eq!(advanced.code, 0, "{advanced:#?}");
    assert!(advanced.stdout.contains("+++ b/shop.state.yaml"), "{}", advanced.stdout);
}

#[test]
fn phasegate_toml_settings_apply_and_its_mistakes_are_reported() {
    let tmp = temp();
    let root = tmp.path();
    write(root, "docs/workflow.md", WF);
    write(root, "shop.state.yaml", RUN);
    write(root, "docs/build.md", "# Build\n");
    write(root, "vendor/notes.md", "<<<<<<< HEAD\na\n=======\nb\n>>>>>>> x\n");
    let before = phasegate(root, &["check"]);
    assert!(before.stdout.contains("error[missing-deliverable]") && before.stdout.contains("vendor/notes.md"), "{}", before.stdout);
    write(root, "phasegate.toml", "exclude = [\"vendor/**\"]\n\n[severity]\nmissing-deliverable = \"warning\"\ngate-unmet = \"off\"\n");
    let after = phasegate(root, &["check"]);
    assert_eq!(after.code, 0, "{after:#?}");
    assert!(after.stdout.contains("warning[missing-deliverable]"), "{}", after.stdout);
    assert!(!after.stdout.contains("vendor/") && !after.stdout.contains("gate-unmet"), "{}", after.stdout);
    // Flags beat the file.
    let flagged = phasegate(root, &["check", "--severity", "missing-deliverable=error"]);
    assert_eq!(flagged.code, 1, "{flagged:#?}");
    // A mistake in the file is an error on the file, at its place; the rest still applies.
    write(root, "phasegate.toml", "exclude = [\"vendor/**\"]\n[severity]\nmissing-deliverable = \"warning\"\ngate-unmet = \"of\"\n");
    let wrong = phasegate(root, &["check"]);
    assert!(wrong.stdout.contains("phasegate.toml:4:14: error[invalid-config]: phasegate.toml: unknown severity `of`"), "{}", wrong.stdout);
    assert!(wrong.stdout.contains("warning[missing-deliverable]") && wrong.stdout.contains("error[gate-unmet]"), "{}", wrong.stdout);
}

#[test]
fn command_line_first_contact() {
    let tmp = temp();
    let root = tmp.path();
    // `status` on a path that does not exist: exit 2, as `check`.
    let missing = phasegate(root, &["status", "does/not/exist"]);
    assert_eq!((missing.code, missing.stdout.as_str()), (2, ""), "{missing:#?}");
    assert!(missing.stderr.contains("does/not/exist: no such file or folder"), "{}", missing.stderr);
    // A folder without workflow documents says so; `--require-workflows` fails it.
    write(root, "notes/readme.md", "# Notes\n\nNothing to check here.\n");
    let empty = phasegate(&root.join("notes"), &["check"]);
    assert_eq!((empty.code, empty.stdout.as_str()), (0, "phasegate: checked 1 file(s), found no workflow documents\n"));
    let required = phasegate(&root.join("notes"), &["check", "--require-workflows"]);
    assert_eq!(required.code, 1, "{required:#?}");
    // A file named beside its folder is reported once.
    let demo = phasegate(&repo(), &["check", "examples/demo", "examples/demo/docs/hotfix.md", "examples/demo/docs/hotfix.md"]);
    let whole = phasegate(&repo(), &["check", "examples/demo"]);
    assert_eq!(demo.stdout, whole.stdout);
    // A Markdown file saved as UTF-16 with a byte-order mark is read like any other.
    let mut bytes = vec![0xFF, 0xFE];
    for u in "# Café\n<<<<<<< HEAD\na\n=======\nb\n>>>>>>> x\n".encode_utf16() {
        bytes.extend(u.to_le_bytes());
    }
    std::fs::write(root.join("notes/utf16.md"), bytes).unwrap_or_else(|e| panic!("{e}"));
    let utf16 = phasegate(&root.join("notes"), &["check", "utf16.md"]);
    assert!(utf16.stdout.starts_with("utf16.md:2:1: error[merge-conflict]"), "{utf16:#?}");
}

#[test]
fn scaffold_says_what_it_does_and_why_not() {
    let tmp = temp();
    let root = tmp.path();
    write(root, "phasegate.toml", "");
    write(root, "docs/workflow.md", WF);
    write(root, "shop.state.yaml", "workflow: shop\ncurrent: design\n");
    let out = phasegate(root, &["scaffold", "shop"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(out.stdout, "wrote docs/design.md\nphasegate: scaffolded phase `design` of `shop`: created `docs/design.md`\n");
    let unknown = phasegate(root, &["scaffold", "shop", "--phase", "deploy"]);
    assert_eq!(unknown.code, 1);
    assert!(unknown.stderr.contains("workflow `shop` has no phase `deploy`; its phases: design, build"), "{}", unknown.stderr);
    write(root, "shop.state.yaml", "workflow: shop\ncurrent: build\nstatus: completed\n");
    let done = phasegate(root, &["scaffold", "shop"]);
    assert_eq!(done.code, 1);
    assert!(done.stderr.contains("the run of `shop` in `shop.state.yaml` is complete"), "{}", done.stderr);
}

#[test]
fn the_server_finds_the_same_projects() {
    // The repository as the editor's folder: the demo's workflow doc gets the demo's
    // diagnostics, with paths resolved in the demo (no false missing deliverables).
    let whole = phasegate(&repo(), &["check", "examples/demo"]);
    let expected: Vec<String> = heads(&whole.stdout, "examples/demo/docs/workflow.md");
    let lines = |diags: &[Value]| -> Vec<String> {
        diags
            .iter()
            .map(|d| {
                let (line, col) =
                    (d["range"]["start"]["line"].as_u64().unwrap_or(0), d["range"]["start"]["character"].as_u64().unwrap_or(0));
                let severity = match d["severity"].as_u64() {
                    Some(1) => "error",
                    Some(2) => "warning",
                    Some(3) => "information",
                    _ => "hint",
                };
                format!(":{}:{}: {severity}[{}]", line + 1, col + 1, d["code"].as_str().unwrap_or(""))
            })
            .collect()
    };
    let mut server = Server::start(&repo(), &[]);
    server.initialize(json!({}));
    server.open("examples/demo/docs/workflow.md", "markdown", 1);
    let diags = server.diagnostics_for("examples/demo/docs/workflow.md", |d| d.len() == expected.len());
    let mut got = lines(&diags);
    got.sort();
    let mut want = expected.clone();
    want.sort();
    assert_eq!(got, want);
    server.shutdown();

    // A copy with no version control and no workspace folder: the first file's project.
    let tmp = temp();
    let copy = tmp.path().join("demo");
    copy_dir(&repo().join("examples/demo"), &copy);
    let mut server = Server::start(&copy, &[]);
    server.initialize_with(json!({ "processId": null, "rootUri": null, "capabilities": {} }));
    server.open("docs/workflow.md", "markdown", 1);
    let diags = server.diagnostics_for("docs/workflow.md", |d| d.len() == expected.len());
    let mut got = lines(&diags);
    got.sort();
    assert_eq!(got, want);
    server.shutdown();
}

#[test]
fn the_server_indexes_every_workspace_folder() {
    let (a, b) = (temp(), temp());
    write(a.path(), "docs/workflow.md", WF);
    write(a.path(), "shop.state.yaml", RUN);
    write(b.path(), "hotfix.state.yaml", "workflow: nowhere\ncurrent: x\n");
    let mut server = Server::start(a.path(), &[]);
    let folders = json!([{ "uri": file_uri(a.path()), "name": "a" }, { "uri": file_uri(b.path()), "name": "b" }]);
    server.initialize_with(json!({ "processId": null, "rootUri": file_uri(a.path()), "workspaceFolders": folders, "capabilities": {} }));
    // Both folders' problems arrive without opening a file (push mode publishes every file).
    let uri_b = file_uri(&b.path().join("hotfix.state.yaml"));
    let pushed = server.wait(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == json!(uri_b));
    assert_eq!(codes(pushed["params"]["diagnostics"].as_array().map(Vec::as_slice).unwrap_or(&[])), vec!["unknown-state"]);
    let in_a = server.diagnostics_for("shop.state.yaml", |d| !d.is_empty());
    assert_eq!(codes(&in_a), vec!["gate-unmet"]);
    // A folder removed from the workspace: its diagnostics are cleared.
    server.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({ "event": { "added": [], "removed": [{ "uri": file_uri(b.path()), "name": "b" }] } }),
    );
    let cleared = server.wait(|m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == json!(uri_b) && m["params"]["diagnostics"] == json!([])
    });
    assert_eq!(cleared["params"]["diagnostics"], json!([]));
    server.shutdown();
}

#[test]
fn phasegate_toml_edits_reach_the_server() {
    let tmp = temp();
    let root = tmp.path();
    write(root, "docs/workflow.md", WF);
    write(root, "shop.state.yaml", RUN);
    write(root, "docs/build.md", "# Build\n");
    let mut server = Server::start(root, &[]);
    server.initialize(json!({}));
    let before = server.diagnostics_for("shop.state.yaml", |d| !d.is_empty());
    assert_eq!(codes(&before), vec!["gate-unmet"]);
    // Opening and editing phasegate.toml changes the severity at once.
    write(root, "phasegate.toml", "");
    server.open("phasegate.toml", "toml", 1);
    server.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": file_uri(&root.join("phasegate.toml")), "version": 2 }, "contentChanges": [{ "text": "[severity]\ngate-unmet = \"off\"\n" }] }),
    );
    server.diagnostics_for("shop.state.yaml", |d| d.is_empty());
    server.shutdown();
}

#[test]
fn an_instanced_definition_runs_without_a_state_file() {
    let tmp = temp();
    let root = tmp.path();
    write(root, "phasegate.toml", "");
    write(
        root,
        "tools/feature.workflow.yaml",
        "name: feature\ninstances: [\"features/*\"]\nrun: inferred\ntemplate_values:\n  \"[FEATURE]\": \"{title}\"\n  \"[DATE]\": \"{date}\"\nphases:\n  - id: brief\n    deliverables: [brief.md]\n    gate: [{no_markers: [brief.md]}]\n  - id: design\n    deliverables: [{path: design.md, template: tools/design-template.md}]\n",
    );
    write(root, "tools/design-template.md", "# Design: [FEATURE]\n\nDate: [DATE]\n");
    write(root, "features/007-photo-albums/brief.md", "# Photo albums\n\nTBD: who shares?\n");
    let status = phasegate(root, &["status"]);
    assert!(status.stdout.contains("007-photo-albums (features/007-photo-albums; run inferred from its artifacts)"), "{}", status.stdout);
    assert!(status.stdout.contains("current: brief (1/2), next: design"), "{}", status.stdout);
    // The brief's gate fails (a marker): advance is refused with the reason.
    let refused = phasegate(root, &["advance", "007-photo-albums"]);
    assert_eq!(refused.code, 1, "{refused:#?}");
    assert!(refused.stderr.contains("`features/007-photo-albums/brief.md` has 1 unresolved marker(s)"), "{}", refused.stderr);
    write(root, "features/007-photo-albums/brief.md", "# Photo albums\n\nFamily members share albums.\n");
    // Advancing creates the next phase's artifact from the project's template, filled in.
    let advanced = phasegate(root, &["advance", "007-photo-albums"]);
    assert_eq!(advanced.code, 0, "{advanced:#?}");
    assert!(
        advanced.stdout.contains("advanced `007-photo-albums` from `brief` to `design`: created `features/007-photo-albums/design.md`"),
        "{}",
        advanced.stdout
    );
    let design = std::fs::read_to_string(root.join("features/007-photo-albums/design.md")).unwrap_or_default();
    assert_eq!(design, "# Design: Photo Albums\n\nDate: 2026-01-01\n");
    let status = phasegate(root, &["status", "--format", "json"]);
    let v: Value = serde_json::from_str(&status.stdout).unwrap_or_else(|e| panic!("{e}"));
    // `design` is the last phase and its artifact now exists: the feature is complete.
    assert_eq!(v["workflows"][0]["status"], "completed");
    assert_eq!(v["workflows"][0]["recognisedBy"], json!(["framework", "artifacts"]));
}
