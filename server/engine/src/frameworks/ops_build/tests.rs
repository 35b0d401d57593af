//! Tests of the `.ops/build` readers, rules and gates.

use crate::diagnostics::fixture::{check, workspace};
use expect_test::expect;

const SPECS: &str = "//- .ops/build/v1/catalog/specs.md\n# Catalog -- Specs\n\n## Requirements\n- R1: Librarians add titles.\n- R2: Readers search by author.\n\n## Acceptance Criteria (Scenarios)\n### S1: Search finds a title\n**Given** a title\n//- .ops/build/v1/loans/specs.md\n# Loans -- Specs\n\n## Requirements\n- R1: Readers borrow a copy.\n- R2: Loans end after 21 days.\n";

#[test]
fn yaml_tasks_references_across_features() {
    let spec = format!(
        "{SPECS}//- .ops/build/v1/catalog/tasks.yaml\n# Catalog -- Tasks\n- id: T-CA-001\n  title: \"Titles table\"\n  implements: \"catalog/R1, catalog/R9\"\n  status: pending\n  depends_on:\n    - T-LO-001\n- id: T-CA-002\n  title: Search\n  implements: \"catalog/R2, catalog/S1, loans/R7, /paths/search/get, catalog/all of it\"\n  status: pending\n  depends_on: [T-CA-001, T-XX-404]\n//- .ops/build/v1/loans/tasks.yaml\ntasks:\n  - id: T-LO-001\n    implements: 'loans/R1, R3, billing/R1'\n    status: pending\n    depends_on: [T-CA-002]\n  - id: T-LO-002\n    implements: loans/R2\n    status: pending\n"
    );
    expect![[r#"
        .ops/build/v1/catalog/tasks.yaml:2:7: error[ops-build-dependency-cycle]: tasks depend on each other in a cycle: T-CA-001 → T-LO-001 → T-CA-002 → T-CA-001
        .ops/build/v1/catalog/tasks.yaml:4:28: error[ops-build-dangling-implements]: task `T-CA-001` implements `catalog/R9`, but `.ops/build/v1/catalog/specs.md` has no requirement `R9` (it lists `R1`, `R2`, `S1`)
        .ops/build/v1/catalog/tasks.yaml:10:40: error[ops-build-dangling-implements]: task `T-CA-002` implements `loans/R7`, but `.ops/build/v1/loans/specs.md` has no requirement `R7` (it lists `R1`, `R2`)
        .ops/build/v1/catalog/tasks.yaml:12:26: error[ops-build-dangling-dependency]: task `T-CA-002` depends on `T-XX-404`, which is no task of feature `catalog` nor of any other feature of `.ops/build/v1/`
        .ops/build/v1/loans/tasks.yaml:3:28: error[ops-build-dangling-implements]: task `T-LO-001` implements `R3`, but `.ops/build/v1/loans/specs.md` has no requirement `R3` (it lists `R1`, `R2`)
        .ops/build/v1/loans/tasks.yaml:3:32: error[ops-build-dangling-implements]: task `T-LO-001` implements `billing/R1`, but there is no `.ops/build/v1/billing/specs.md`
    "#]]
    .assert_eq(&check(&spec, &[]));
}

/// Seed 002's `tasks.md` with the task planner's ids; `depends_on` reaches another feature's
/// `tasks.yaml`; the generic per-file checks leave these tasks to the framework.
#[test]
fn markdown_tasks_resolve_across_features() {
    let spec = format!(
        "{SPECS}//- .ops/build/v1/catalog/tasks.md\n# Catalog -- Tasks\n\n- [x] T-CA-001: Titles table\n  - implements: catalog/R1\n- [ ] T-CA-002: Search\n  - implements: \"catalog/R2, catalog/S1\"\n  - depends_on: [T-CA-001, T-LO-001, T-LO-009]\n//- .ops/build/v1/loans/tasks.yaml\n- id: T-LO-001\n  implements: loans/R1\n  status: done\n"
    );
    expect![[r#"
        .ops/build/v1/catalog/tasks.md:7:38: error[ops-build-dangling-dependency]: task `T-CA-002` depends on `T-LO-009`, which is no task of feature `catalog` nor of any other feature of `.ops/build/v1/`
        .ops/build/v1/loans/specs.md:5:3: warning[ops-build-uncovered-requirement]: `R2` is implemented by no task of `.ops/build/v1/` (`.ops/build/v1/loans/tasks.yaml` lists the feature's tasks)
    "#]]
    .assert_eq(&check(&spec, &[]));
    let ws = workspace(&spec);
    let tasks = &ws.files[".ops/build/v1/catalog/tasks.md"].tasks;
    let shown: Vec<(&str, Option<bool>, usize)> = tasks.iter().map(|t| (t.id.name.as_str(), t.checked, t.depends_on.len())).collect();
    assert_eq!(shown, [("T-CA-001", Some(true), 0), ("T-CA-002", Some(false), 3)]);
}

/// Gate results as the bootstrap writes them (top-level sections with `status`) and as
/// `gates:`; a done task beside a failing one is reported, beside a pending or passing one not.
#[test]
fn done_tasks_while_a_gate_fails() {
    let spec = format!(
        "{SPECS}//- .ops/build/v1/checks.yaml\n# Build checks\ndb_migration:\n  status: pass\n  blockers: []\nsecurity:\n  status: fail\n  blockers:\n    - \"SEV-2: loan ids are guessable (T-LO-003 created)\"\n//- .ops/build/v1/catalog/tasks.yaml\n- id: T-CA-001\n  implements: catalog/R1\n  status: completed\n- id: T-CA-002\n  implements: catalog/R2, catalog/S1\n  status: in_progress\n//- .ops/build/v1/loans/checks.yaml\ngates:\n  qa: {{result: pending}}\n  code_review: failed\n//- .ops/build/v1/loans/tasks.md\n- [x] T-LO-001: Borrow\n  - implements: loans/R1\n- [ ] T-LO-003: Random loan ids\n  - implements: loans/R1, loans/R2\n"
    );
    expect![[r#"
        .ops/build/v1/catalog/tasks.yaml:3:11: error[ops-build-done-while-gate-fails]: task `T-CA-001` is marked done while gate `security` fails in `.ops/build/v1/checks.yaml`
        .ops/build/v1/loans/tasks.md:1:7: error[ops-build-done-while-gate-fails]: task `T-LO-001` is marked done while gate `security` fails in `.ops/build/v1/checks.yaml` (also `code_review` in `.ops/build/v1/loans/checks.yaml`)
    "#]]
    .assert_eq(&check(&spec, &[]));
    // The near miss: every gate passes or is pending.
    let ok = spec.replace("status: fail\n", "status: pass\n").replace("code_review: failed", "code_review: passed");
    assert_eq!(check(&ok, &[]), "");
}

/// Every feature folder is a workflow (specs → system design → tasks → release) whose run is
/// inferred from its artifacts; open spec change requests and failing gates hold every gate,
/// open tasks the last.
#[test]
fn features_are_instances_and_requests_block_advancing() {
    let spec = format!(
        "{SPECS}//- .ops/build/system-design.yaml\nsystem:\n  goal: lending\nfeature_refs:\n  - {{feature: catalog, build_version: v1, path: .ops/build/v1/catalog/}}\n  - {{path: .ops/build/v1/loans/}}\nmeta:\n  last_updated_from_build: v1\nspec_change_requests:\n  - feature: loans\n    request: \"Loans need a renewal limit\"\n//- .ops/build/v1/catalog/tasks.yaml\n- id: T-CA-001\n  implements: catalog/R1\n  status: done\n- id: T-CA-002\n  implements: catalog/R2, catalog/S1\n  status: pending\n//- .ops/build/v1/catalog/checks.yaml\nqa:\n  status: pass\n  blockers: []\n//- .ops/build/v1/catalog/spec-change-requests.yaml\nrequests:\n  - id: SCR-001\n    section: R2\n    status: open\n  - id: SCR-002\n    status: addressed\n//- .ops/build/v1/loans/tasks.md\n- [ ] T-LO-001: Borrow\n  - implements: loans/R1, loans/R2\n//- .ops/build/v1/loans/spec-change-requests.md\n# Spec change requests\n\n## SCR-003: Due dates\n- **Status**: rejected\n"
    );
    assert_eq!(check(&spec, &[]), "");
    let ws = workspace(&spec);
    let shown: Vec<String> = ws
        .status()
        .iter()
        .map(|s| {
            let gates: Vec<String> =
                s.gates.iter().map(|g| format!("{}: {}", g.phase, if g.met { "met".into() } else { g.unmet.join("; ") })).collect();
            format!("{} [{}] {} at {:?}\n  {}", s.name, s.framework.as_deref().unwrap_or("-"), s.status, s.current, gates.join("\n  "))
        })
        .collect();
    expect![[r#"
        catalog [ops-build] in-progress at Some("release")
          specs: spec change request `SCR-001` is open in `.ops/build/v1/catalog/spec-change-requests.yaml`
          system-design: spec change request `SCR-001` is open in `.ops/build/v1/catalog/spec-change-requests.yaml`
          tasks: spec change request `SCR-001` is open in `.ops/build/v1/catalog/spec-change-requests.yaml`
          release: spec change request `SCR-001` is open in `.ops/build/v1/catalog/spec-change-requests.yaml`; 1 of 2 tasks in `.ops/build/v1/catalog/tasks.yaml` are not done; first: `T-CA-002`
        loans [ops-build] in-progress at Some("tasks")
          specs: spec change request `Loans need a renewal limit` is open in `.ops/build/system-design.yaml`
          system-design: spec change request `Loans need a renewal limit` is open in `.ops/build/system-design.yaml`
          tasks: spec change request `Loans need a renewal limit` is open in `.ops/build/system-design.yaml`"#]]
    .assert_eq(&shown.join("\n"));
    let advance = |ws: &crate::Workspace, name: &str| {
        ws.advance(name, None, None, "2026-03-02T09:00:00Z").map(|c| c.summary).unwrap_or_else(|r| r.to_string())
    };
    expect![[r#"
        `loans` cannot move on to `release`: a gate on the way is not met
          - spec change request `Loans need a renewal limit` is open in `.ops/build/system-design.yaml`"#]]
    .assert_eq(&advance(&ws, "loans"));
    // Once the architect's request is gone, `loans` moves on to release: its checks file is
    // created for the gate agents.
    let addressed = spec.replace("spec_change_requests:\n  - feature: loans\n    request: \"Loans need a renewal limit\"\n", "");
    expect!["advanced `loans` from `tasks` to `release`: created `.ops/build/v1/loans/checks.yaml`"]
        .assert_eq(&advance(&workspace(&addressed), "loans"));
    let done = spec.replace("status: pending", "status: done").replace("    section: R2\n    status: open\n", "    status: addressed\n");
    let status = workspace(&done).status();
    let catalog = status.iter().find(|s| s.name == "catalog").map(|s| s.status.as_str());
    assert_eq!(catalog, Some("completed"));
}

/// `system-design.yaml` older than the specs, by its content: a later build's specs, or a
/// feature its `feature_refs` do not list.
#[test]
fn stale_system_design() {
    let spec = format!(
        "{SPECS}//- .ops/build/v2/holds/specs.md\n- R1: Readers reserve a copy.\n//- .ops/build/system-design.yaml\nfeature_refs:\n  - feature: catalog\n    build_version: v1\nmeta:\n  last_updated_from_build: v1\n"
    );
    expect![[r#"
        .ops/build/system-design.yaml:1:1: information[ops-build-stale-system-design]: `feature_refs` lists no entry for `v1/loans` although the design derives from its `specs.md`: the architect has not updated it since
        .ops/build/system-design.yaml:5:28: information[ops-build-stale-system-design]: the system design was last updated from build `v1`, but specs of a later build exist (`v2/holds`): the architect has not derived it from them
    "#]]
    .assert_eq(&check(&spec, &[]));
    let fresh = spec
        .replace(
            "    build_version: v1\n",
            "    build_version: v1\n  - {feature: loans, build_version: v1}\n  - {feature: holds, build_version: v2}\n",
        )
        .replace("from_build: v1", "from_build: v2");
    assert_eq!(check(&fresh, &[]), "");
}

/// Seed 002's per-feature numbering: `T1` of two features. A third feature's `T1` dependency
/// resolves (no dangling reference) but to no one task, so it closes no cycle.
#[test]
fn per_feature_numbering_is_no_problem() {
    let spec = "//- .ops/build/v1/a/tasks.md\n- [ ] T1: x\n  - depends_on: T2\n- [ ] T2: y\n//- .ops/build/v1/b/tasks.md\n- [ ] T1: x\n  - depends_on: T3\n//- .ops/build/v1/c/tasks.md\n- [ ] T3: z\n  - depends_on: T1\n";
    assert_eq!(check(spec, &[]), "");
    let dangling = spec.replace("depends_on: T1", "depends_on: T9");
    expect![[r#"
        .ops/build/v1/c/tasks.md:2:17: error[ops-build-dangling-dependency]: task `T3` depends on `T9`, which is no task of feature `c` nor of any other feature of `.ops/build/v1/`
    "#]]
    .assert_eq(&check(&dangling, &[]));
}

/// The files of a fixture folder, by project-relative path.
fn read_fixture(dir: &std::path::Path) -> std::collections::BTreeMap<String, String> {
    fn walk(root: &std::path::Path, dir: &std::path::Path, out: &mut std::collections::BTreeMap<String, String>) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())));
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn workspace_of(files: &std::collections::BTreeMap<String, String>) -> crate::Workspace {
    let mut ws = crate::Workspace::new();
    ws.set_files(files.iter().map(|(p, t)| (p.clone(), crate::FileInput::Bytes(t.as_bytes().to_vec()))).collect());
    ws
}

/// The proof of issue 8: `tests/fixtures/frameworks/ops-build/clean/`, a build of the shape of
/// claude-sdd-bootstrap's `.samples/build/v0` (written for phasegate: system design, decisions
/// log, PRD, build checks, three features with `specs.md` and `tasks.yaml`, cross-feature
/// dependencies), is silent; with a dangling `implements:`, a `depends_on` cycle across features,
/// a dangling `depends_on` and a done task beside a failing check planted, all four are reported.
#[test]
fn sample_shaped_build_clean_and_planted() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/frameworks/ops-build/clean");
    let mut files = read_fixture(&dir);
    assert!(files.len() >= 10, "{files:?}");
    assert_eq!(crate::diagnostics::fixture::render(&workspace_of(&files), &[]), "");
    let mut plant = |path: &str, old: &str, new: &str| {
        let text = files.get_mut(path).unwrap_or_else(|| panic!("no {path}"));
        assert!(text.contains(old), "{path} has no {old:?}");
        *text = text.replacen(old, new, 1);
    };
    let reminders = ".ops/build/v0/reminders/tasks.yaml";
    // 1. A dangling `implements:`.
    plant(reminders, "implements: \"reminders/R3\"", "implements: \"reminders/R3, reminders/R7\"");
    // 2. A cycle across features: T-TP-001 → T-SB-001 → T-TP-002 → T-TP-001.
    plant(
        ".ops/build/v0/tutor-profiles/tasks.yaml",
        "  status: done\n  tier: db\n  acceptance",
        "  status: done\n  tier: db\n  depends_on: [T-SB-001]\n  acceptance",
    );
    // 3. A dangling `depends_on`.
    plant(
        ".ops/build/v0/session-booking/tasks.yaml",
        "  depends_on:\n    - T-SB-002\n\n- id: T-SB-004",
        "  depends_on:\n    - T-SB-009\n\n- id: T-SB-004",
    );
    // 4. A done task beside a failing check.
    plant(reminders, "  status: pending\n  tier: db", "  status: done\n  tier: db");
    files.insert(
        ".ops/build/v0/reminders/checks.yaml".into(),
        "qa_validation:\n  status: fail\n  blockers:\n    - \"Reminders go out for cancelled sessions (T-RM-003 created)\"\n".into(),
    );
    expect![[r#"
        .ops/build/v0/reminders/tasks.yaml:7:30: error[ops-build-dangling-implements]: task `T-RM-001` implements `reminders/R7`, but `.ops/build/v0/reminders/specs.md` has no requirement `R7` (it lists `R1`, `R2`, `R3`, `S1`)
        .ops/build/v0/reminders/tasks.yaml:8:11: error[ops-build-done-while-gate-fails]: task `T-RM-001` is marked done while gate `qa_validation` fails in `.ops/build/v0/reminders/checks.yaml`
        .ops/build/v0/session-booking/tasks.yaml:5:7: error[ops-build-dependency-cycle]: tasks depend on each other in a cycle: T-SB-001 → T-TP-002 → T-TP-001 → T-SB-001
        .ops/build/v0/session-booking/tasks.yaml:28:7: error[ops-build-dangling-dependency]: task `T-SB-003` depends on `T-SB-009`, which is no task of feature `session-booking` nor of any other feature of `.ops/build/v0/`
    "#]]
    .assert_eq(&crate::diagnostics::fixture::render(&workspace_of(&files), &[]));
}

/// Scaffold and advance walk the artifact chain: `specs.md`, the build's
/// `system-design.yaml`; then the task list, which only the task planner writes (scaffold stops
/// there instead of creating a later phase's `checks.yaml`); then `checks.yaml` for the gate
/// agents; completing waits for every task.
#[test]
fn scaffold_and_advance_follow_the_artifact_chain() {
    let now = "2026-03-02T09:00:00Z";
    let summary = |r: Result<crate::WorkspaceChange, crate::Refusal>| r.map(|c| c.summary).unwrap_or_else(|r| r.to_string());
    let mut ws = workspace("//- .ops/build/v1/cart/specs.md\n- R1: Items can be added.\n");
    expect!["advanced `cart` from `specs` to `system-design`: created `.ops/build/system-design.yaml`"]
        .assert_eq(&summary(ws.advance("cart", None, None, now)));
    ws.set_file(".ops/build/system-design.yaml", crate::FileInput::Text("feature_refs:\n  - {feature: cart, build_version: v1}\n".into()));
    expect![[r#"
        nothing to scaffold: every nameable deliverable of phase `tasks` exists
          - `.ops/build/v1/cart/tasks.{format}` holds a placeholder; create it under a real name"#]]
    .assert_eq(&summary(ws.scaffold("cart", None, None, now)));
    expect![[r#"
        `cart` cannot move on to `release`: a gate on the way is not met
          - deliverable `.ops/build/v1/cart/tasks.{format}` is missing"#]]
    .assert_eq(&summary(ws.advance("cart", None, None, now)));
    ws.set_file(
        ".ops/build/v1/cart/tasks.yaml",
        crate::FileInput::Text("- id: T-CT-001\n  implements: cart/R1\n  status: pending\n".into()),
    );
    expect!["advanced `cart` from `tasks` to `release`: created `.ops/build/v1/cart/checks.yaml`"]
        .assert_eq(&summary(ws.advance("cart", None, None, now)));
    ws.set_file(".ops/build/v1/cart/checks.yaml", crate::FileInput::Text("qa:\n  status: pass\n  blockers: []\n".into()));
    expect![[r#"
        `cart` cannot complete: the gate of phase `release` is not met
          - 1 of 1 tasks in `.ops/build/v1/cart/tasks.yaml` are not done; first: `T-CT-001`"#]]
    .assert_eq(&summary(ws.advance("cart", None, None, now)));
    assert_eq!(crate::diagnostics::fixture::render(&ws, &[]), "");
}

/// The forms of a spec change request file, and which requests are open: seed 002's Markdown
/// (status lines, else checklist items, else any entry) and the bootstrap's YAML (`requests:`
/// or a top-level list; no status is open).
#[test]
fn spec_change_request_forms() {
    let open_of = |path: &str, text: &str| {
        let ws = workspace(&format!("//- {path}\n{text}"));
        let requests = ws.files[path].ops_build.as_ref().map(|o| o.requests.clone()).unwrap_or_default();
        requests.iter().map(|r| format!("{}{}", r.label, if r.open { " (open)" } else { "" })).collect::<Vec<_>>().join(" | ")
    };
    let md = ".ops/build/v1/a/spec-change-requests.md";
    assert_eq!(
        open_of(md, "# Spec change requests\n\n## SCR-1: Renewals\n- **Status**: open\n\n## SCR-2: Fines\nStatus: addressed\n"),
        "SCR-1: Renewals (open) | SCR-2: Fines"
    );
    assert_eq!(open_of(md, "# Requests\n\n- [x] Rename R2\n- [ ] Split R4 in two\n"), "Rename R2 | Split R4 in two (open)");
    assert_eq!(
        open_of(md, "# Spec change requests\n\nThe fee rule contradicts R3; see the thread.\n\n## Details\nx\n"),
        "Spec change requests (open)"
    );
    assert_eq!(open_of(md, "# Spec change requests\n\nNone.\n"), "");
    let yaml = ".ops/build/v1/a/spec-change-requests.yaml";
    assert_eq!(
        open_of(
            yaml,
            "requests:\n  - id: SCR-001\n    status: open\n  - id: SCR-002\n    status: rejected\n  - issue: \"R2 and R5 disagree\"\n"
        ),
        "SCR-001 (open) | SCR-002 | R2 and R5 disagree (open)"
    );
    assert_eq!(open_of(yaml, "- {id: SCR-9, status: Addressed}\n"), "SCR-9");
    assert_eq!(open_of(yaml, "requests: []\n"), "");
    // Outside a feature folder the file is not read.
    assert_eq!(open_of(".ops/build/spec-change-requests.yaml", "requests:\n  - id: SCR-1\n"), "");
}

/// The framework's YAML files are phasegate's own there: one that does not parse is reported.
/// The same names outside the layout are not judged.
#[test]
fn its_yaml_files_that_do_not_parse_are_reported() {
    let spec = "//- .ops/build/v1/a/tasks.yaml\n- id: T-A-001\n  status: [pending\n//- .ops/build/system-design.yaml\nmeta: {a: b\n//- tools/tasks.yaml\n- id: [x\n";
    expect![[r#"
        .ops/build/system-design.yaml:2:1: error[syntax-error]: YAML: while parsing a flow mapping, did not find expected ',' or '}'
        .ops/build/v1/a/tasks.yaml:3:1: error[syntax-error]: YAML: while parsing a flow sequence, expected ',' or ']'
    "#]]
    .assert_eq(&check(spec, &["syntax-error"]));
}

/// Requirements and scenarios no task implements (open questions are not nodes); pointers from
/// another feature count; a feature without a task list is not judged yet.
#[test]
fn uncovered_requirements() {
    let spec = format!(
        "{SPECS}- Q1: Do renewals count as loans?\n//- .ops/build/v1/loans/tasks.yaml\n- id: T-LO-001\n  implements: \"loans/R1, catalog/R2\"\n//- .ops/build/v1/catalog/tasks.md\n- [ ] T-CA-001: Titles\n  - implements: R1\n//- .ops/build/v1/holds/specs.md\n- R1: Readers reserve a copy.\n"
    );
    expect![[r#"
        .ops/build/v1/catalog/specs.md:8:5: warning[ops-build-uncovered-requirement]: `S1` is implemented by no task of `.ops/build/v1/` (`.ops/build/v1/catalog/tasks.md` lists the feature's tasks)
        .ops/build/v1/loans/specs.md:5:3: warning[ops-build-uncovered-requirement]: `R2` is implemented by no task of `.ops/build/v1/` (`.ops/build/v1/loans/tasks.yaml` lists the feature's tasks)
    "#]]
    .assert_eq(&check(&spec, &[]));
}

/// Switched off in `phasegate.toml`, the framework checks nothing and its features are no
/// workflows; its task lists are still left alone by the generic per-file checks.
#[test]
fn switched_off() {
    let spec = format!(
        "{SPECS}//- phasegate.toml\n[frameworks]\nops-build = false\n//- .ops/build/v1/catalog/tasks.md\n- [ ] T1: x\n  - implements: catalog/R9\n  - depends_on: [T2, T-LO-001]\n- [ ] T2: y\n  - depends_on: T1\n"
    );
    assert_eq!(check(&spec, &[]), "");
    assert!(workspace(&spec).status().is_empty());
    let on = spec.replace("ops-build = false", "ops-build = true");
    assert_eq!(
        check(&on, &["ops-build-dangling-implements", "ops-build-dependency-cycle", "ops-build-dangling-dependency"]).lines().count(),
        3
    );
}
