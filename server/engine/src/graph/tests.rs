//! Tests of the graph model and its renderings (the golden files of every convention and
//! framework are in `tests/fixtures/graph/`, checked by the end-to-end tests).

use crate::diagnostics::fixture::workspace;

use super::*;

const DOC: &str = "//- docs/wf.md\n---\nname: demo\n---\n## Phase 1: Requirements\n**Deliverables**:\n- `docs/req.md`\n\n**Gate Check**: done → Proceed to Phase 2\n\n## Phase 2: Design\n**Deliverables**:\n- `docs/design.md`\n- `docs/notes.md` (optional)\n\n## Phase 3: Build\n//- docs/req.md\n# Requirements\n//- docs/demo.state.yaml\nworkflow: demo\ncurrent: design\n";

#[test]
fn a_run_is_drawn_with_its_position_gates_and_deliverables() {
    let ws = workspace(DOC);
    let graphs = ws.graphs();
    assert_eq!(graphs.len(), 1);
    let g = &graphs[0];
    assert_eq!((g.name.as_str(), g.state_path.as_deref(), g.status.as_str()), ("demo", Some("docs/demo.state.yaml"), "in-progress"));
    let nodes: Vec<String> = g.nodes.iter().map(|n| format!("{} {:?} {:?}", n.id, n.kind, n.mark)).collect();
    expect_test::expect![[r#"
        [
            "phase:requirements Phase Passed",
            "file:docs/req.md Deliverable Present",
            "phase:design Phase Current",
            "file:docs/design.md Deliverable Todo",
            "file:docs/notes.md Deliverable Optional",
            "phase:build Phase Ahead",
            "complete Complete Ahead",
        ]
    "#]]
    .assert_debug_eq(&nodes);
    let gates: Vec<String> = g
        .edges
        .iter()
        .filter_map(|e| {
            e.gate.as_ref().map(|gate| format!("{} -> {}: met {} reached {} unmet {:?}", e.from, e.to, gate.met, gate.reached, gate.unmet))
        })
        .collect();
    expect_test::expect![[r#"
        [
            "phase:requirements -> phase:design: met true reached true unmet []",
            "phase:design -> phase:build: met false reached true unmet [\"deliverable `docs/design.md` is missing\"]",
            "phase:build -> complete: met true reached false unmet []",
        ]
    "#]]
    .assert_debug_eq(&gates);
    expect_test::expect![[r#"
        flowchart LR
          classDef current fill:#fef3c7,stroke:#d97706,stroke-width:3px,color:#78350f
          classDef passed fill:#dcfce7,stroke:#16a34a,color:#14532d
          classDef ahead fill:#f8fafc,stroke:#94a3b8,color:#334155
          classDef present fill:#ffffff,stroke:#16a34a,color:#14532d
          classDef missing fill:#fee2e2,stroke:#dc2626,stroke-width:2px,stroke-dasharray:5 3,color:#991b1b
          classDef todo fill:#fffbeb,stroke:#d97706,stroke-dasharray:5 3,color:#92400e
          classDef blank fill:#ffedd5,stroke:#ea580c,stroke-dasharray:5 3,color:#9a3412
          classDef optional fill:#ffffff,stroke:#cbd5e1,stroke-dasharray:2 2,color:#64748b
          subgraph w0["demo · docs/wf.md · state: docs/demo.state.yaml"]
            direction LR
            w0n0["Requirements"]:::passed
            w0n1[/"docs/req.md"/]:::present
            w0n2["▶ Design"]:::current
            w0n3[/"docs/design.md #40;to write#41;"/]:::todo
            w0n4[/"docs/notes.md #40;optional#41;"/]:::optional
            w0n5["Build"]:::ahead
            w0n6(("complete")):::ahead
            w0n0 -.- w0n1
            w0n2 -.- w0n3
            w0n2 -.- w0n4
            w0n0 -->|"gate ✓, 1 manual"| w0n2
            w0n2 -->|"gate ✗ 1 unmet"| w0n5
            w0n5 -->|"gate ✓"| w0n6
          end
          linkStyle 4 stroke:#dc2626,stroke-width:3px,color:#991b1b
    "#]]
    .assert_eq(&to_mermaid(&graphs));
}

#[test]
fn state_machines_draw_states_transitions_and_forbidden_ones() {
    let ws = workspace(
        "//- docs/build.md\n# Build\n\nStates:\n- draft\n- review\n- done\n\nTransitions:\n- draft → review (author)\n- review → done\n- Any state → draft\n\nInvalid transitions:\n- draft → done\n//- build.state.yaml\nworkflow: build\ncurrent: review\n",
    );
    let g = &ws.graphs()[0];
    let nodes: Vec<String> = g.nodes.iter().map(|n| format!("{} {:?}", n.label, n.mark)).collect();
    assert_eq!(nodes, ["draft Ahead", "review Current", "done Ahead", "any state Ahead"]);
    let edges: Vec<String> = g.edges.iter().map(|e| format!("{} {:?} {} {:?}", e.from, e.kind, e.to, e.label)).collect();
    expect_test::expect![[r#"
        [
            "state:draft Transition state:review Some(\"author\")",
            "state:review Transition state:done None",
            "state:* Transition state:draft None",
            "state:draft Forbidden state:done None",
        ]
    "#]]
    .assert_debug_eq(&edges);
    let dot = to_dot(&ws.graphs());
    assert!(dot.contains("w0n1 [label=\"▶ review\", shape=ellipse, style=\"filled,bold\""), "{dot}");
    assert!(dot.contains("w0n0 -> w0n2 [style=dashed, color=\"#dc2626\", arrowhead=tee, label=\"forbidden\"];"), "{dot}");
}

/// Names from documents cannot end a label or start a statement: quotes, semicolons, brackets,
/// `%%`, backticks, pipes and line breaks are written as entity codes (Mermaid) or escaped (DOT).
#[test]
fn document_text_is_escaped_in_both_formats() {
    let nasty = "a\"]; click w0n0 call alert(1) %% `x` | {y} <b> #z \\ end\nline";
    assert_eq!(
        mermaid::escape(nasty),
        "a#quot;#93;#59; click w0n0 call alert#40;1#41; #37;#37; #96;x#96; #124; #123;y#125; #60;b#62; #35;z #92; end line"
    );
    assert_eq!(dot::quote(nasty), "\"a\\\"]; click w0n0 call alert(1) %% `x` | {y} <b> #z \\\\ end line\"");
    let long = "x".repeat(300);
    assert_eq!(label_text(&long).chars().count(), 120);
}

#[test]
fn no_workflow_is_one_node_saying_so() {
    assert!(to_mermaid(&[]).ends_with("  none[\"no workflow found\"]:::optional\n"));
    assert!(to_dot(&[]).contains("none [label=\"no workflow found\""));
}
