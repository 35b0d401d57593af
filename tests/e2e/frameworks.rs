//! Frameworks end to end: each framework's fixture workspaces (`tests/fixtures/frameworks/<id>/`:
//! `err/` with planted problems beside `err.expected`, and `ok/`, which must stay silent), and
//! the framework actions through both front ends: the CLI's `advance`/`scaffold` on temporary
//! copies, and the language server's code actions (Kiro's Advance and Scaffold; BMAD's Advance,
//! story-file Scaffold and legacy-status quick fix) applied as an editor applies them.

use std::path::Path;

use serde_json::{Value, json};

use crate::cli::{assert_clean, copy_dir, phasegate, read, repo, report, snapshot, temp};
use crate::lsp::{Server, apply_utf16, file_uri};

fn frameworks_fixtures() -> std::path::PathBuf {
    repo().join("tests/fixtures/frameworks")
}

#[test]
fn every_framework_fixture_reports_its_planted_problems_and_its_clean_twin_stays_silent() {
    let base = frameworks_fixtures();
    let mut ids: Vec<String> = std::fs::read_dir(&base)
        .expect("tests/fixtures/frameworks")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    assert!(ids.iter().any(|i| i == "kiro") && ids.iter().any(|i| i == "bmad"), "{ids:?}");
    let mut failures = Vec::new();
    for id in &ids {
        assert!(phasegate_engine::frameworks::by_id(id).is_some(), "tests/fixtures/frameworks/{id}/ names no framework");
        // A framework's folder may hold other workspaces (`ops-build/clean`, its own module's test).
        if !base.join(id).join("err").is_dir() || !base.join(id).join("ok").is_dir() {
            assert!(id != "kiro" && id != "bmad", "tests/fixtures/frameworks/{id}/ lacks err/ or ok/");
            continue;
        }
        let err = phasegate(&base.join(id).join("err"), &["check"]);
        err.assert_no_panic(id);
        if let Err(e) = snapshot(&base.join(id).join("err.expected"), &err.stdout) {
            failures.push(e);
        }
        let rules: Vec<&str> =
            phasegate_engine::diagnostics::rules().filter(|r| r.framework == Some(id.as_str())).map(|r| r.doc.code.as_str()).collect();
        for code in rules {
            if !err.stdout.contains(&format!("[{code}]: ")) {
                failures.push(format!("frameworks/{id}/err does not show `{code}`"));
            }
        }
        let ok = phasegate(&base.join(id).join("ok"), &["check"]);
        ok.assert_no_panic(id);
        assert_clean((ok.code, &ok.stdout));
    }
    report(failures);
}

/// A temporary copy of `tests/fixtures/frameworks/<id>/<variant>`.
fn scratch(id: &str, variant: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = temp();
    let root = tmp.path().join("ws");
    copy_dir(&frameworks_fixtures().join(id).join(variant), &root);
    (tmp, root)
}

fn run(root: &Path, args: &[&str]) -> crate::cli::Output {
    let mut full = args.to_vec();
    let r = root.to_str().expect("UTF-8 temp path");
    full.extend(["-C", r]);
    let out = phasegate(root, &full);
    out.assert_no_panic(&args.join(" "));
    out
}

#[test]
fn cli_advances_and_scaffolds_kiro_specs_and_bmad_stories() {
    // Kiro: the gift-cards spec has its requirements; advance writes Kiro's design document.
    let (_tmp, root) = scratch("kiro", "ok");
    let out = run(&root, &["advance", "gift-cards"]);
    assert_eq!(out.code, 0, "{out:#?}");
    let design = read(&root.join(".kiro/specs/gift-cards/design.md"));
    assert!(design.starts_with("# Design Document\n\n## Overview\n") && design.contains("\n## Testing Strategy\n"), "{design}");
    // Scaffold goes on to the tasks document; the spec stays clean.
    let out = run(&root, &["scaffold", "gift-cards"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(read(&root.join(".kiro/specs/gift-cards/tasks.md")).starts_with("# Implementation Plan\n"));
    let check = phasegate(&root, &["check"]);
    assert_clean((check.code, &check.stdout));

    // BMAD: advancing a story in review moves the yaml and the story file together.
    let (_tmp, root) = scratch("bmad", "ok");
    let yaml = root.join("_bmad-output/implementation-artifacts/sprint-status.yaml");
    let story = root.join("_bmad-output/implementation-artifacts/2-1-pay-with-points.md");
    let out = run(&root, &["advance", "2-1-pay-with-points"]);
    assert_eq!(out.code, 0, "{out:#?}");
    let (yaml_text, story_text) = (read(&yaml), read(&story));
    assert!(yaml_text.contains("  2-1-pay-with-points: done\n") && yaml_text.contains("last_updated: 01-01-2026 00:00\n"), "{yaml_text}");
    assert!(story_text.contains("\nStatus: done\n"), "{story_text}");
    // A backlog story leaving the backlog gets its story file.
    let out = run(&root, &["advance", "2-3-expiry-reminders"]);
    assert_eq!(out.code, 0, "{out:#?}");
    let created = read(&root.join("_bmad-output/implementation-artifacts/2-3-expiry-reminders.md"));
    assert!(created.starts_with("# Story 2.3: Expiry Reminders\n\nStatus: ready-for-dev\n"), "{created}");
    let check = phasegate(&root, &["check"]);
    assert_clean((check.code, &check.stdout));
    // The epic cannot be done while its stories are not; scaffold never overwrites a story file.
    let out = run(&root, &["advance", "epic-2"]);
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(out.stderr.contains("`epic-2` cannot be done while stories of it are not"), "{out:#?}");
    let out = run(&root, &["scaffold", "2-3-expiry-reminders"]);
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(out.stderr.contains("has its file"), "{out:#?}");
}

fn code_actions(server: &mut Server, uri: &str, line: u64) -> Vec<Value> {
    let r = server.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": { "start": { "line": line, "character": 0 }, "end": { "line": line, "character": 0 } }, "context": { "diagnostics": [] } }),
    );
    r["result"].as_array().cloned().unwrap_or_default()
}

fn titled<'a>(actions: &'a [Value], title: &str) -> &'a Value {
    actions.iter().find(|a| a["title"] == title).unwrap_or_else(|| panic!("no action `{title}` in {actions:#?}"))
}

/// Applies a code action's `documentChanges` (creates and text edits) to the files on disk, as an
/// editor does, and tells the server which files changed.
fn apply(server: &Server, root: &Path, action: &Value) {
    let mut changed = Vec::new();
    for op in action["edit"]["documentChanges"].as_array().cloned().unwrap_or_default() {
        if op["kind"] == "create" {
            assert_eq!(op["options"]["overwrite"], false, "{op}");
            let path = op["uri"].as_str().unwrap_or("").trim_start_matches("file://").to_string();
            assert!(Path::new(&path).starts_with(root), "{path}");
            std::fs::write(&path, "").unwrap_or_else(|e| panic!("{e}"));
            changed.push((path, 1));
            continue;
        }
        let path = op["textDocument"]["uri"].as_str().unwrap_or("").trim_start_matches("file://").to_string();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let edited = apply_utf16(&text, op["edits"].as_array().map(Vec::as_slice).unwrap_or(&[]));
        std::fs::write(&path, edited).unwrap_or_else(|e| panic!("{e}"));
        changed.push((path, 2));
    }
    let changes: Vec<Value> = changed.iter().map(|(p, t)| json!({ "uri": file_uri(Path::new(p)), "type": t })).collect();
    server.notify("workspace/didChangeWatchedFiles", json!({ "changes": changes }));
}

fn capabilities() -> Value {
    json!({
        "workspace": { "workspaceEdit": { "documentChanges": true, "resourceOperations": ["create"] }, "didChangeWatchedFiles": { "dynamicRegistration": true } },
        "textDocument": { "codeAction": { "disabledSupport": true, "codeActionLiteralSupport": { "codeActionKind": { "valueSet": ["quickfix", "refactor", "source"] } } } }
    })
}

#[test]
fn lsp_code_actions_advance_and_scaffold_kiro_specs() {
    let (_tmp, root) = scratch("kiro", "ok");
    let mut server = Server::start(&root, &[("SOURCE_DATE_EPOCH", "1767225600")]);
    server.initialize(capabilities());
    let requirements = ".kiro/specs/gift-cards/requirements.md";
    server.open(requirements, "markdown", 1);
    // Actions are offered once the start-up index is loaded.
    server.wait(|m| m["method"] == "window/logMessage" && m["params"]["message"].as_str().unwrap_or("").contains("indexed"));
    let uri = file_uri(&root.join(requirements));
    let actions = code_actions(&mut server, &uri, 0);
    let advance = titled(&actions, "Advance gift-cards to design");
    assert!(advance.get("disabled").is_none_or(Value::is_null), "{advance}");
    let ops = advance["edit"]["documentChanges"].as_array().cloned().unwrap_or_default();
    assert_eq!(ops[0]["kind"], "create", "{advance}");
    assert_eq!(ops[0]["uri"], json!(file_uri(&root.join(".kiro/specs/gift-cards/design.md"))));
    let content = ops[1]["edits"][0]["newText"].as_str().unwrap_or("");
    assert!(content.starts_with("# Design Document\n"), "{content}");
    // The same spec's Scaffold creates what its current phase lacks, next the design.
    let scaffold = titled(&actions, "Scaffold deliverables for design");
    assert_eq!(scaffold["edit"]["documentChanges"][0]["uri"], ops[0]["uri"]);
    server.shutdown();
}

#[test]
fn lsp_code_actions_advance_bmad_stories_fix_legacy_statuses_and_create_story_files() {
    let (_tmp, root) = scratch("bmad", "err");
    // The stale copy goes first (`bmad-duplicate-sprint-status`): with two sprint files holding
    // a story, advance cannot tell which one to move.
    std::fs::remove_file(root.join("docs/sprint-artifacts/sprint-status.yaml")).unwrap_or_else(|e| panic!("{e}"));
    let mut server = Server::start(&root, &[("SOURCE_DATE_EPOCH", "1767225600")]);
    server.initialize(capabilities());
    let yaml = "_bmad-output/implementation-artifacts/sprint-status.yaml";
    let text = server.open(yaml, "yaml", 1);
    let uri = file_uri(&root.join(yaml));
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("{needle}")) as u64;
    let diags = server.diagnostics_for(yaml, |d| d.iter().any(|x| x["code"] == "bmad-unknown-status"));
    let legacy = diags.iter().find(|d| d["message"].as_str().unwrap_or("").contains("`drafted`")).unwrap_or_else(|| panic!("{diags:?}"));
    assert_eq!(legacy["severity"], 2);

    // The legacy status's quick fix.
    let actions = code_actions(&mut server, &uri, line_of("2-3-expiry-reminders"));
    let fix = titled(&actions, "Replace `drafted` with `ready-for-dev`");
    assert_eq!(fix["kind"], "quickfix");
    apply(&server, &root, fix);
    let fixed = read(&root.join(yaml));
    assert!(fixed.contains("  2-3-expiry-reminders: ready-for-dev\n"), "{fixed}");
    server.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": fixed }] }));
    server.diagnostics_for(yaml, |d| !d.iter().any(|x| x["message"].as_str().unwrap_or("").contains("`drafted`")));

    // The story now misses its file: Scaffold creates it; then Advance moves both places.
    let actions = code_actions(&mut server, &uri, line_of("2-3-expiry-reminders"));
    let create = titled(&actions, "Create story file for 2-3-expiry-reminders");
    let ops = create["edit"]["documentChanges"].as_array().cloned().unwrap_or_default();
    assert_eq!(ops[0]["uri"], json!(file_uri(&root.join("_bmad-output/implementation-artifacts/2-3-expiry-reminders.md"))));
    let content = ops[1]["edits"][0]["newText"].as_str().unwrap_or("").to_string();
    assert!(content.contains("\nStatus: ready-for-dev\n"), "{content}");
    let story = root.join("_bmad-output/implementation-artifacts/2-3-expiry-reminders.md");
    std::fs::write(&story, &content).unwrap_or_else(|e| panic!("{e}"));
    server.notify("workspace/didChangeWatchedFiles", json!({ "changes": [{ "uri": file_uri(&story), "type": 1 }] }));
    server.diagnostics_for(yaml, |d| {
        !d.iter().any(|x| x["code"] == "bmad-missing-story-file" && x["range"]["start"]["line"] == json!(line_of("2-3-expiry-reminders")))
    });

    let actions = code_actions(&mut server, &uri, line_of("2-3-expiry-reminders"));
    let advance = titled(&actions, "Advance 2-3-expiry-reminders to in-progress");
    let ops = advance["edit"]["documentChanges"].as_array().cloned().unwrap_or_default();
    let uris: Vec<&str> = ops.iter().filter_map(|o| o["textDocument"]["uri"].as_str()).collect();
    assert_eq!(uris, vec![uri.as_str(), file_uri(&story).as_str()], "{advance}");
    let yaml_after = apply_utf16(&fixed, ops[0]["edits"].as_array().map(Vec::as_slice).unwrap_or(&[]));
    assert!(
        yaml_after.contains("  2-3-expiry-reminders: in-progress\n") && yaml_after.contains("last_updated: 01-01-2026 00:00\n"),
        "{yaml_after}"
    );
    let story_after = apply_utf16(&content, ops[1]["edits"].as_array().map(Vec::as_slice).unwrap_or(&[]));
    assert!(story_after.contains("\nStatus: in-progress\n"), "{story_after}");

    // In a story file: the quick fix brings its Status in line with the yaml.
    let story_rel = "_bmad-output/implementation-artifacts/2-1-pay-with-points.md";
    server.open(story_rel, "markdown", 1);
    let mismatch = server.diagnostics_for(story_rel, |d| !d.is_empty());
    assert_eq!(crate::lsp::codes(&mismatch), vec!["bmad-status-mismatch"]);
    let actions = code_actions(&mut server, &file_uri(&root.join(story_rel)), 2);
    let set = titled(&actions, "Set Status to `review` (as in _bmad-output/implementation-artifacts/sprint-status.yaml)");
    apply(&server, &root, set);
    assert!(read(&root.join(story_rel)).contains("\nStatus: review\n"));
    server.shutdown();
}
