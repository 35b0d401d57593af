//! Tests of the actions: applied to a workspace as the CLI or an editor would.

use crate::diagnostics::fixture::workspace;
use crate::facts::FileInput;
use crate::workspace::Workspace;

use crate::actions::*;

const NOW: &str = "2026-11-21T15:00:00Z";
const DOC: &str = "//- docs/wf.md\n---\nname: demo\n---\n## Phase 1: Requirements\n**Deliverables**:\n- `docs/req.md`\n\n**Gate Check**: done → Proceed to Phase 2\n\n## Phase 2: Design\n**Deliverables**:\n- `docs/design.md`\n- `docs/INTERFACE-[feature].md`\n\n## Phase 3: Build\n\n## ARCHITECTURE.md Template\n\n```markdown\n# Architecture\n```\n";

/// Applies a change to a workspace as the CLI or an editor would.
fn apply(ws: &mut Workspace, change: &WorkspaceChange) {
    for c in &change.changes {
        match c {
            FileChange::Create { path, content } => {
                assert!(!ws.contains(path), "would overwrite {path}");
                ws.set_file(path, FileInput::Text(content.clone()));
            }
            FileChange::Edit { path, edits } => {
                let mut text = ws.text(path).unwrap_or_default().to_string();
                for e in edits.iter().rev() {
                    text.replace_range(e.range.start..e.range.end, &e.new_text);
                }
                ws.set_file(path, FileInput::Text(text));
            }
        }
    }
}

/// Workflow actions are anchored at the run's `current:` line and the current phase's heading,
/// nowhere else; quick fixes always are.
#[test]
fn workflow_actions_are_anchored_at_their_place() {
    let mut ws = workspace(DOC);
    ws.set_file("docs/demo.state.yaml", FileInput::Text("workflow: demo\ncurrent: requirements\n".into()));
    let anchored = |path: &str, needle: &str| -> Vec<(String, bool)> {
        let text = ws.text(path).unwrap_or_default();
        let at = text.find(needle).unwrap_or_else(|| panic!("{needle} in {path}"));
        ws.code_actions(path, TextRange::empty(at), NOW).into_iter().map(|a| (a.title, a.anchored)).collect()
    };
    let scaffold = ("Scaffold deliverables for requirements".to_string(), true);
    let advance = ("Advance demo to design".to_string(), true);
    assert_eq!(anchored("docs/demo.state.yaml", "requirements"), vec![advance.clone(), scaffold.clone()]);
    assert_eq!(anchored("docs/wf.md", "Requirements"), vec![advance.clone(), scaffold.clone()]);
    let elsewhere = anchored("docs/demo.state.yaml", "workflow");
    assert!(elsewhere.iter().all(|(_, anchored)| !anchored), "{elsewhere:?}");
    let fix = anchored("docs/wf.md", "docs/req.md");
    assert!(fix.contains(&("Create `docs/req.md`".to_string(), true)), "{fix:?}");
}

#[test]
fn start_then_advance_refused_then_allowed() {
    let mut ws = workspace(DOC);
    let start = ws.start("demo").unwrap_or_else(|r| panic!("{r}"));
    apply(&mut ws, &start);
    expect_test::expect![[r#"
        # Where this run of workflow `demo` stands; phasegate's state format (docs/formats.md).
        workflow: demo
        current: requirements
        history: []
    "#]]
    .assert_eq(ws.text("docs/demo.state.yaml").unwrap_or_default());
    assert!(ws.start("demo").is_err(), "never a second state file");

    let refused = ws.advance("demo", None, None, NOW).err().unwrap_or_else(|| panic!("gate must block"));
    assert_eq!(refused.to_string(), "the gate of phase `requirements` is not met\n  - deliverable `docs/req.md` is missing");

    ws.set_file("docs/req.md", FileInput::Text("# Requirements\n".into()));
    let change = ws.advance("demo", None, None, NOW).unwrap_or_else(|r| panic!("{r}"));
    apply(&mut ws, &change);
    expect_test::expect![[r#"
        # Where this run of workflow `demo` stands; phasegate's state format (docs/formats.md).
        workflow: demo
        current: design
        history: [{from: requirements, to: design, at: 2026-11-21T15:00:00Z}]
    "#]]
    .assert_eq(ws.text("docs/demo.state.yaml").unwrap_or_default());
    assert!(crate::diagnostics::fixture::render(&ws, &["inconsistent-state", "invalid-transition", "syntax-error"]).is_empty());
}

#[test]
fn advance_appends_to_block_history_and_completes_on_last_phase() {
    let spec = format!(
        "{DOC}//- docs/req.md\n# R\n//- docs/design.md\n# D\n//- docs/INTERFACE-auth.md\n# I\n//- run.state.yaml\nworkflow: demo\ncurrent: design\nhistory:\n  - from: requirements\n    to: design\n    at: 2026-01-01T00:00:00Z\n"
    );
    let mut ws = workspace(&spec);
    let change = ws.advance("demo", None, None, NOW).unwrap_or_else(|r| panic!("{r}"));
    apply(&mut ws, &change);
    let change = ws.advance("demo", None, None, NOW).unwrap_or_else(|r| panic!("{r}"));
    apply(&mut ws, &change);
    expect_test::expect![[r#"
        workflow: demo
        current: build
        history:
          - from: requirements
            to: design
            at: 2026-01-01T00:00:00Z
          - {from: design, to: build, at: 2026-11-21T15:00:00Z}
        status: completed
    "#]]
    .assert_eq(ws.text("run.state.yaml").unwrap_or_default());
    assert_eq!(ws.status()[0].status, "completed");
    assert!(ws.advance("demo", None, None, NOW).is_err());
}

#[test]
fn advance_seed_000_json() {
    let spec = "//- wf.md\n---\nname: orchestrator-s-small-workflow\n---\n### Sub-Workflow 1: Design\n### Sub-Workflow 2: Planning\n### Sub-Workflow 3: Implementation\n//- orchestrator-s-state.json\n{\n  \"orchestrator_name\": \"orchestrator-s-small-workflow\",\n  \"execution_id\": \"s-1\",\n  \"current_status\": \"running\",\n  \"completed_sub_workflows\": [\n    {\"name\": \"design\", \"status\": \"completed\", \"output\": \"design-artifacts\", \"completion_time\": \"2025-07-28T14:20:00Z\"}\n  ],\n  \"current_sub_workflow\": {\"name\": \"planning\", \"status\": \"running\", \"start_time\": \"2025-07-28T14:20:00Z\"},\n  \"pending_sub_workflows\": [\"implementation\"],\n  \"overall_progress\": {\"completed\": 1, \"total\": 3, \"percentage\": 33}\n}\n";
    let mut ws = workspace(spec);
    let change = ws.advance("orchestrator-s-small-workflow", None, None, NOW).unwrap_or_else(|r| panic!("{r}"));
    apply(&mut ws, &change);
    expect_test::expect![[r#"
        {
          "orchestrator_name": "orchestrator-s-small-workflow",
          "execution_id": "s-1",
          "current_status": "running",
          "completed_sub_workflows": [
            {
              "name": "design",
              "status": "completed",
              "output": "design-artifacts",
              "completion_time": "2025-07-28T14:20:00Z"
            },
            {
              "name": "planning",
              "status": "completed",
              "completion_time": "2026-11-21T15:00:00Z"
            }
          ],
          "current_sub_workflow": {
            "name": "implementation",
            "status": "running",
            "start_time": "2026-11-21T15:00:00Z"
          },
          "pending_sub_workflows": [],
          "overall_progress": {
            "completed": 2,
            "total": 3,
            "percentage": 67
          }
        }
    "#]]
    .assert_eq(ws.text("orchestrator-s-state.json").unwrap_or_default());
    assert_eq!(crate::diagnostics::fixture::render(&ws, &[]), "");
}

#[test]
fn advance_with_empty_or_absent_history() {
    let doc = "//- wf.md\n---\nname: demo\n---\n## Phase 1: A\n## Phase 2: B\n";
    for (state, expected) in [
        ("workflow: demo\ncurrent: a\nhistory:\n", "workflow: demo\ncurrent: b\nhistory: [{from: a, to: b, at: 2026-11-21T15:00:00Z}]\n"),
        ("workflow: demo\ncurrent: a", "workflow: demo\ncurrent: b\nhistory:\n  - {from: a, to: b, at: 2026-11-21T15:00:00Z}\n"),
    ] {
        let mut ws = workspace(&format!("{doc}//- s.state.yaml\n{state}"));
        // The fixture adds no newline after its last line; set the text exactly.
        ws.set_file("s.state.yaml", FileInput::Text(state.to_string()));
        let change = ws.advance("demo", None, None, NOW).unwrap_or_else(|r| panic!("{r}"));
        apply(&mut ws, &change);
        assert_eq!(ws.text("s.state.yaml").unwrap_or_default(), expected);
        assert_eq!(crate::diagnostics::fixture::render(&ws, &[]), "");
    }
}

#[test]
fn advance_our_format_written_as_json() {
    let spec =
        "//- wf.md\n---\nname: demo\n---\n## Phase 1: A\n## Phase 2: B\n//- run.state.json\n{\"workflow\": \"demo\", \"current\": \"a\"}\n";
    let mut ws = workspace(spec);
    let change = ws.advance("demo", None, None, NOW).unwrap_or_else(|r| panic!("{r}"));
    apply(&mut ws, &change);
    expect_test::expect![[r#"
        {
          "workflow": "demo",
          "current": "b",
          "history": [
            {
              "from": "a",
              "to": "b",
              "at": "2026-11-21T15:00:00Z"
            }
          ]
        }
    "#]]
    .assert_eq(ws.text("run.state.json").unwrap_or_default());
    assert_eq!(crate::diagnostics::fixture::render(&ws, &[]), "");
}

#[test]
fn scaffold_uses_templates_and_never_touches_patterns() {
    let spec = format!("{DOC}//- docs/req.md\n# R\n//- run.state.yaml\nworkflow: demo\ncurrent: design\n");
    let ws = workspace(&spec.replace("`docs/design.md`", "`docs/ARCHITECTURE.md`"));
    let change = ws.scaffold("demo", None, None, NOW).unwrap_or_else(|r| panic!("{r}"));
    assert_eq!(change.changes, vec![FileChange::Create { path: "docs/ARCHITECTURE.md".into(), content: "# Architecture\n".into() }]);
    let ws = workspace(&spec);
    let change = ws.scaffold("demo", None, Some("design"), NOW).unwrap_or_else(|r| panic!("{r}"));
    expect_test::expect![[r#"
        [
            Create {
                path: "docs/design.md",
                content: "---\nworkflow: demo\nphase: design\n---\n\n# Design\n\n",
            },
        ]
    "#]]
    .assert_debug_eq(&change.changes);
    assert!(ws.scaffold("demo", None, Some("requirements"), NOW).is_err(), "docs/req.md exists");
}

#[test]
fn code_actions_in_state_file_doc_and_conflict() {
    let spec =
        format!("{DOC}//- run.state.yaml\nworkflow: demo\ncurrent: requirements\n//- c.md\n<<<<<<< HEAD\na\n=======\nb\n>>>>>>> feat\n");
    let ws = workspace(&spec);
    let titles = |path: &str, at: usize| -> Vec<String> {
        ws.code_actions(path, TextRange::empty(at), NOW)
            .iter()
            .map(|a| format!("{} [{}]", a.title, a.disabled.as_deref().unwrap_or("enabled")))
            .collect()
    };
    expect_test::expect![[r#"
        [
            "Advance demo to design [the gate of phase `requirements` is not met\n  - deliverable `docs/req.md` is missing]",
            "Scaffold deliverables for requirements [enabled]",
        ]
    "#]]
    .assert_debug_eq(&titles("run.state.yaml", 0));
    let at = ws.text("docs/wf.md").unwrap_or_default().find("docs/req.md").unwrap_or(0);
    assert_eq!(titles("docs/wf.md", at)[0], "Create `docs/req.md` [enabled]");
    assert_eq!(
        titles("c.md", 0),
        vec!["Keep `HEAD` (first side) [enabled]", "Keep `feat` (second side) [enabled]", "Keep both sides [enabled]"]
    );
}

/// A gate explained criterion by criterion: each required deliverable, the checklist, the recorded
/// result and the prose, with why and what would satisfy them, file by file; the verdict is the
/// one `status` and `advance` reach.
#[test]
fn a_gate_is_explained_criterion_by_criterion_and_file_by_file() {
    let mut ws = workspace(
        "//- release.workflow.yaml\nname: release\nphases:\n  - id: plan\n    deliverables: [docs/plan.md, {path: docs/notes.md, optional: true}, {path: docs/risks.md, complete: true}]\n    gate:\n      - checklist: docs/plan.md#Review\n      - no_markers: [docs/plan.md]\n      - recorded: qa\n      - manual: Product signs off\n  - id: ship\n    deliverables: [docs/ship.md]\n//- release.state.yaml\nworkflow: release\ncurrent: plan\n//- docs/plan.md\n# Plan\n\nTBD: scope\n\n## Review\n- [x] scope\n- [ ] budget\n//- docs/risks.md\n# Risks\n\nTODO\n",
    );
    let e = ws.explain_gate("release", None, None).unwrap_or_else(|r| panic!("{r}"));
    assert_eq!((e.phase.as_str(), e.current, e.next.as_deref(), e.met), ("plan", true, Some("ship"), false));
    assert_eq!(e.state_path.as_deref(), Some("release.state.yaml"));
    let shown: Vec<String> = e
        .criteria
        .iter()
        .map(|c| {
            format!("{} {} {:?}: {} | {}", c.kind, c.label, c.met, c.reason.as_deref().unwrap_or("-"), c.satisfy.as_deref().unwrap_or("-"))
        })
        .collect();
    expect_test::expect![[r#"
        [
            "deliverable docs/plan.md Some(true): - | -",
            "deliverable docs/risks.md Some(true): - | -",
            "complete `docs/risks.md` has no unresolved markers Some(false): `docs/risks.md` has 1 unresolved marker(s), first `TODO` | resolve the 1 marker(s) in `docs/risks.md` (first `TODO` on line 3)",
            "checklist checklist: docs/plan.md#Review Some(false): 1 of 2 items unticked in \"checklist: docs/plan.md#Review\"; first: budget | tick the 1 open item(s) under \"Review\" in `docs/plan.md` (first: budget)",
            "no-markers no_markers: ... Some(false): `docs/plan.md` has 1 unresolved marker(s), first `TBD` | resolve the 1 marker(s) in `docs/plan.md` (first `TBD` on line 3)",
            "recorded recorded: qa Some(false): gate result `qa` is not recorded as passed | record gate result `qa` as passed (qa: passed) in `gates:` of `release.state.yaml`",
            "manual manual: Product signs off None: - | a person confirms it; phasegate does not check prose criteria",
        ]
    "#]]
    .assert_debug_eq(&shown);
    let files: Vec<(&str, bool, usize)> = e.files.iter().map(|f| (f.path.as_str(), f.met, f.blocking.len())).collect();
    assert_eq!(files, vec![("docs/plan.md", false, 2), ("docs/risks.md", false, 1), ("release.state.yaml", false, 1)]);
    // The same verdict as status.
    let status = ws.status();
    assert_eq!(status[0].gates.last().map(|g| (g.met, g.unmet.len())), Some((false, 4)));

    // Met once each is satisfied; the next phase's gate is explained on request.
    ws.set_file("docs/plan.md", FileInput::Text("# Plan\n\n## Review\n- [x] scope\n- [x] budget\n".into()));
    ws.set_file("docs/risks.md", FileInput::Text("# Risks\n".into()));
    ws.set_file("release.state.yaml", FileInput::Text("workflow: release\ncurrent: plan\ngates:\n  qa: passed\n".into()));
    let e = ws.explain_gate("release", None, None).unwrap_or_else(|r| panic!("{r}"));
    assert!(e.met && e.files.iter().all(|f| f.met && f.blocking.is_empty()), "{e:?}");
    assert!(ws.advance("release", None, None, NOW).is_ok());
    let ship = ws.explain_gate("release", None, Some("ship")).unwrap_or_else(|r| panic!("{r}"));
    assert_eq!((ship.phase.as_str(), ship.current, ship.next, ship.met), ("ship", false, None, false));
    assert_eq!(
        ship.criteria[0].satisfy.as_deref(),
        Some("create `docs/ship.md` with its content (the `scaffold` tool or `phasegate scaffold` creates it from its template)")
    );

    // Refusals name what exists.
    assert_eq!(
        ws.explain_gate("release", None, Some("deploy")).err().map(|r| r.message),
        Some("workflow `release` has no phase `deploy`; its phases: plan, ship".to_string())
    );
    assert!(ws.explain_gate("nope", None, None).is_err());
}
