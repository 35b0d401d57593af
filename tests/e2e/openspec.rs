//! OpenSpec end to end: a workspace with the problems real OpenSpec repositories have most,
//! planted (`tests/fixtures/openspec/planted`, expected output beside it), the same workspace
//! clean and silent, and changes advanced and scaffolded by the binary in a temporary copy
//! (docs/frameworks/openspec.md).

use super::cli::{assert_clean, changed, copy_dir, phasegate, read, repo, snapshot, temp, tree};

fn workspace(name: &str) -> std::path::PathBuf {
    repo().join("tests/fixtures/openspec").join(name)
}

#[test]
fn planted_problems_are_reported_where_they_are() {
    let dir = workspace("planted");
    let before = tree(&dir);
    let out = phasegate(&dir, &["check"]);
    out.assert_no_panic("planted");
    if let Err(e) = snapshot(&repo().join("tests/fixtures/openspec/planted.expected"), &out.stdout) {
        panic!("{e}");
    }
    assert_eq!(out.code, 1, "errors exit 1: {out:#?}");
    assert_eq!(changed(&before, &tree(&dir)), Vec::<String>::new(), "check wrote into the fixture");
    // The most common problems on real repositories, in this order, are all there.
    for code in ["openspec-change-no-deltas", "openspec-requirement-no-scenario", "openspec-spec-missing-section"] {
        assert!(out.stdout.contains(&format!("[{code}]: ")), "{code} missing:\n{}", out.stdout);
    }
}

#[test]
fn clean_workspace_is_silent() {
    let out = phasegate(&workspace("clean"), &["check"]);
    out.assert_no_panic("clean");
    assert_clean((out.code, &out.stdout));
}

/// Each change is a workflow of its schema's artifacts: status infers where it stands, advance
/// and scaffold create the next artifact from the schema's template, and nothing existing is
/// touched.
#[test]
fn changes_advance_and_scaffold_through_their_artifacts() {
    let tmp = temp();
    let root = tmp.path().join("clean");
    copy_dir(&workspace("clean"), &root);
    let status = phasegate(&root, &["status", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&status.stdout).unwrap_or_else(|e| panic!("{e}: {}", status.stdout));
    let current = |name: &str| {
        json["workflows"]
            .as_array()
            .and_then(|a| a.iter().find(|w| w["name"] == name))
            .map(|w| (w["current"].as_str().unwrap_or("").to_string(), w["framework"].as_str().unwrap_or("").to_string()))
    };
    assert_eq!(current("renew-loans"), Some(("apply".to_string(), "openspec".to_string())), "{}", status.stdout);
    assert_eq!(current("tidy-import"), Some(("proposal".to_string(), "openspec".to_string())), "{}", status.stdout);
    assert_eq!(current("2026-01-20-add-search"), None, "archived changes are not workflows");

    let before = tree(&root);
    let out = phasegate(&root, &["advance", "tidy-import"]);
    assert_eq!(out.code, 0, "{out:#?}");
    let design = read(&root.join("openspec/changes/tidy-import/design.md"));
    assert!(design.starts_with("# Design\n") && design.contains("## Decisions"), "{design}");
    let out = phasegate(&root, &["scaffold", "tidy-import"]);
    assert_eq!(out.code, 0, "{out:#?}");
    let tasks = read(&root.join("openspec/changes/tidy-import/tasks.md"));
    assert!(tasks.contains("- [ ] 1.1 "), "{tasks}");
    assert_eq!(
        changed(&before, &tree(&root)),
        ["openspec/changes/tidy-import/design.md", "openspec/changes/tidy-import/tasks.md"],
        "only the two new artifacts are written"
    );
    // The apply phase is done when every task is ticked: advancing past it is refused until then.
    let out = phasegate(&root, &["advance", "renew-loans"]);
    assert_ne!(out.code, 0, "{out:#?}");
    // A scaffolded workspace still checks clean apart from what the new templates leave to fill.
    let out = phasegate(&root, &["check"]);
    out.assert_no_panic("after scaffold");
    assert!(!out.stdout.contains(": error["), "{}", out.stdout);
}
