//! Spec Kit end to end: the real binary on `tests/fixtures/frameworks/speckit/` (a project with
//! one planted problem of each Spec Kit rule, and the same project clean), `advance` and
//! `scaffold` creating a feature's artifacts from the project's templates, and the same actions
//! offered as code actions by the language server.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::cli::{changed, copy_dir, phasegate, read, repo, snapshot, temp, tree};
use crate::lsp::{Server, codes, file_uri};

fn speckit() -> PathBuf {
    repo().join("tests/fixtures/frameworks/speckit")
}

/// The Spec Kit rules of the registry.
fn speckit_codes() -> Vec<&'static str> {
    phasegate_engine::Code::all().filter(|c| c.rule().framework == Some("speckit")).map(|c| c.as_str()).collect()
}

#[test]
fn planted_problems_are_each_reported_and_the_clean_project_is_silent() {
    let planted = speckit().join("planted");
    let before = tree(&planted);
    let out = phasegate(&planted, &["check"]);
    out.assert_no_panic("planted");
    assert_eq!(changed(&before, &tree(&planted)), Vec::<String>::new(), "check wrote into the fixture");
    if let Err(e) = snapshot(&speckit().join("planted.expected"), &out.stdout) {
        panic!("{e}");
    }
    assert_eq!((out.code, out.stderr.as_str()), (1, ""));
    let missing: Vec<&str> = speckit_codes().into_iter().filter(|c| !out.stdout.contains(&format!("[{c}]: "))).collect();
    assert!(missing.is_empty(), "the planted project does not show {missing:?}:\n{}", out.stdout);

    let clean = speckit().join("clean");
    let out = phasegate(&clean, &["check"]);
    out.assert_no_panic("clean");
    assert_eq!((out.code, out.stdout.as_str(), out.stderr.as_str()), (0, "phasegate: checked 14 file(s), no problems found\n", ""));
}

#[test]
fn status_shows_each_feature_and_run() {
    let out = phasegate(&speckit().join("clean"), &["status", "--format", "json"]);
    out.assert_no_panic("status");
    let list: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout));
    let shown: Vec<String> = list["workflows"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|w| {
            format!(
                "{} {} {} current={} framework={}",
                w["name"].as_str().unwrap_or(""),
                w["path"].as_str().unwrap_or(""),
                w["status"].as_str().unwrap_or(""),
                w["current"].as_str().unwrap_or("-"),
                w["framework"].as_str().unwrap_or("-")
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            "review-cycle .specify/workflows/review-cycle/workflow.yml not-started current=- framework=speckit",
            "a1b2c3d4 .specify/workflows/runs/a1b2c3d4/workflow.yml in-progress current=review framework=speckit",
            "001-photo-albums specs/001-photo-albums in-progress current=implement framework=speckit",
            "002-dark-mode specs/002-dark-mode in-progress current=specify framework=speckit",
            "003-export specs/003-export not-started current=- framework=speckit",
        ]
    );
}

/// A temporary copy of the clean project.
fn scratch() -> (tempfile::TempDir, PathBuf) {
    let tmp = temp();
    let root = tmp.path().join("albums");
    copy_dir(&speckit().join("clean"), &root);
    (tmp, root)
}

fn run(root: &Path, args: &[&str]) -> crate::cli::Output {
    let mut full = args.to_vec();
    let at = root.to_str().unwrap_or_else(|| panic!("UTF-8 temp path"));
    full.extend(["-C", at]);
    let out = phasegate(root, &full);
    out.assert_no_panic(&args.join(" "));
    out
}

#[test]
fn advance_and_scaffold_create_the_next_artifact_from_the_templates() {
    let (_tmp, root) = scratch();
    // 002-dark-mode still has an open question: planning is refused, nothing written.
    let before = tree(&root);
    let out = run(&root, &["advance", "002-dark-mode"]);
    assert_eq!(out.code, 1, "{out:#?}");
    assert_eq!(
        out.stderr,
        "phasegate: refused: `002-dark-mode` cannot move on to `plan`: a gate on the way is not met\n  - `specs/002-dark-mode/spec.md` has 1 unresolved marker(s), first `[NEEDS CLARIFICATION]`\n"
    );
    assert_eq!(changed(&before, &tree(&root)), Vec::<String>::new());

    // 003-export has no spec yet: advance creates it from the project's spec template.
    let out = run(&root, &["advance", "003-export"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{out:#?}");
    assert_eq!(
        read(&root.join("specs/003-export/spec.md")),
        "# Feature Specification: Export\n\n**Feature Branch**: `003-export`\n**Created**: 2026-01-01\n**Status**: Draft\n\n## User Scenarios & Testing *(mandatory)*\n\n### User Story 1 - [Brief Title] (Priority: P1)\n\n[Describe this user journey in plain language]\n\n## Requirements *(mandatory)*\n\n- **FR-001**: System MUST [specific capability]\n"
    );
    // Scaffold: the next artifact (the plan); a plan written meanwhile is never overwritten.
    std::fs::write(root.join("specs/003-export/plan.md"), "# My own plan\n").unwrap_or_else(|e| panic!("{e}"));
    let out = run(&root, &["scaffold", "003-export"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(read(&root.join("specs/003-export/plan.md")), "# My own plan\n");
    assert_eq!(
        read(&root.join("specs/003-export/tasks.md")),
        "# Tasks: Export\n\n**Input**: Design documents from `/specs/003-export/`\n\n## Phase 1: Setup (Shared Infrastructure)\n\n- [ ] T001 Create project structure per implementation plan\n"
    );
}

#[test]
fn the_language_server_offers_the_same_actions_and_reports_the_rules() {
    let (_tmp, root) = scratch();
    let mut server = Server::start(&root, &[("SOURCE_DATE_EPOCH", "1767225600")]);
    let caps = json!({
        "workspace": { "workspaceEdit": { "documentChanges": true, "resourceOperations": ["create"] } },
        "textDocument": { "codeAction": { "disabledSupport": true, "codeActionLiteralSupport": { "codeActionKind": { "valueSet": ["quickfix", "refactor", "source"] } } } }
    });
    server.initialize(caps);
    let at_start = |rel: &str| json!({ "textDocument": { "uri": file_uri(&root.join(rel)) }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }, "context": { "diagnostics": [] } });
    // A feature folder without its spec: advancing creates the spec from the template.
    server.wait(|m| m["method"] == "window/logMessage" && m["params"]["message"].as_str().is_some_and(|t| t.contains("indexed")));
    server.open("specs/003-export/notes.md", "markdown", 1);
    let list =
        server.request("textDocument/codeAction", at_start("specs/003-export/notes.md"))["result"].as_array().cloned().unwrap_or_default();
    let advance = list.iter().find(|a| a["title"] == "Advance 003-export to specify").unwrap_or_else(|| panic!("{list:?}"));
    let ops = advance["edit"]["documentChanges"].as_array().cloned().unwrap_or_default();
    assert_eq!(
        (ops[0]["kind"].as_str(), ops[0]["uri"].as_str()),
        (Some("create"), Some(file_uri(&root.join("specs/003-export/spec.md")).as_str()))
    );
    assert_eq!(ops[0]["options"], json!({ "overwrite": false, "ignoreIfExists": false }));
    let text = ops[1]["edits"][0]["newText"].as_str().unwrap_or("");
    assert!(text.starts_with("# Feature Specification: Export\n\n**Feature Branch**: `003-export`\n**Created**: 2026-01-01\n"), "{text}");
    // A feature whose spec still asks a question: advancing is offered, disabled with the reason.
    server.open("specs/002-dark-mode/spec.md", "markdown", 1);
    let list = server.request("textDocument/codeAction", at_start("specs/002-dark-mode/spec.md"))["result"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    // Advance (disabled) and scaffold (which creates the next artifact, unlike advance whatever
    // the gates say); no quick fix creates a later phase's artifact at the top of the spec.
    let titles: Vec<&str> = list.iter().filter_map(|a| a["title"].as_str()).collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert!(titles[0].starts_with("Advance 002-dark-mode to clarify"), "{titles:?}");
    assert_eq!(titles[1], "Scaffold deliverables for plan");
    // The reason travels as `disabled.reason`, or in the title and an explaining command
    // (docs/lsp.md says which, by client).
    let reason = list[0]["disabled"]["reason"].as_str().or(list[0]["command"]["arguments"][0]["message"].as_str()).unwrap_or("");
    assert!(reason.contains("`specs/002-dark-mode/spec.md` has 1 unresolved marker(s)"), "{}", list[0]);
    assert!(list[0].get("edit").is_none_or(Value::is_null));
    // A rule reported as the user types: a second task with the same id.
    let tasks = server.open("specs/001-photo-albums/tasks.md", "markdown", 1);
    let duplicated = tasks.replace("- [ ] T009 [P] Document sharing", "- [ ] T008 [P] Document sharing");
    server.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": file_uri(&root.join("specs/001-photo-albums/tasks.md")), "version": 2 }, "contentChanges": [{ "text": duplicated }] }),
    );
    let diags = server.diagnostics_for("specs/001-photo-albums/tasks.md", |d| !d.is_empty());
    assert_eq!(codes(&diags), ["speckit-task-id"]);
    let line = duplicated.lines().position(|l| l.contains("T008 [P] Document")).unwrap_or(0);
    assert_eq!(diags[0]["range"], json!({ "start": { "line": line, "character": 6 }, "end": { "line": line, "character": 10 } }));
    server.shutdown();
}
