//! Tests of the editor features: fixtures in the diagnostics tests' form (`//- path` sections),
//! a cursor marked `$0` in one of them, and the expected result as an inline snapshot.

use expect_test::{Expect, expect};

use crate::diagnostics::fixture;
use crate::ide::Location;
use crate::text::{PositionEncoding, TextRange};
use crate::workspace::Workspace;

/// The workspace of `spec` with the cursor `$0` removed: `(workspace, path, offset)`.
fn cursor(spec: &str) -> (Workspace, String, usize) {
    let mut at = None;
    let mut clean = String::new();
    for section in spec.split("//- ").filter(|s| !s.is_empty()) {
        let (path, body) = section.split_once('\n').unwrap_or((section, ""));
        if let Some(i) = body.find("$0") {
            at = Some((path.trim().to_string(), i));
        }
        clean.push_str("//- ");
        clean.push_str(path);
        clean.push('\n');
        clean.push_str(&body.replacen("$0", "", 1));
    }
    let (path, offset) = at.unwrap_or_else(|| panic!("no $0 in the fixture"));
    (fixture::workspace(&clean), path, offset)
}

/// `path:line:col` (1-based, UTF-8 columns) of byte `offset`.
fn at(ws: &Workspace, path: &str, offset: usize) -> String {
    let p = ws.line_index(path).map(|i| i.position(offset, PositionEncoding::Utf8)).unwrap_or_default();
    format!("{path}:{}:{}", p.line + 1, p.character + 1)
}

/// A range as `path:line:col` and its text.
fn show(ws: &Workspace, path: &str, r: TextRange) -> String {
    let text = ws.text(path).and_then(|t| t.get(r.start..r.end)).unwrap_or("");
    format!("{} {text:?}", at(ws, path, r.start))
}

fn locations(ws: &Workspace, list: &[Location]) -> String {
    list.iter().map(|l| format!("{}\n", show(ws, &l.path, l.range))).collect()
}

fn check_hover(spec: &str, expected: Expect) {
    let (ws, path, offset) = cursor(spec);
    let out = ws.hover(&path, offset).map(|h| format!("{}\n{}\n", show(&ws, &path, h.range), h.markdown)).unwrap_or_default();
    expected.assert_eq(&out);
}

fn check_definition(spec: &str, expected: Expect) {
    let (ws, path, offset) = cursor(spec);
    expected.assert_eq(&locations(&ws, &ws.definition(&path, offset)));
}

fn check_references(spec: &str, expected: Expect) {
    let (ws, path, offset) = cursor(spec);
    expected.assert_eq(&locations(&ws, &ws.references(&path, offset, true)));
}

/// A workflow doc with a state file, a spec and a task list (non-ASCII text before the ranges).
const SHOP: &str = r#"//- docs/checkout.md
---
name: checkout
---
# Checkout — paiement 💳

## Phase 1: Requirements
**Deliverables**:
- `features/checkout/spec.md`

**Gate Check**: spec reviewed → Proceed to Phase 2

## Phase 2: Design Review
**Deliverables**:
- `docs/design.md`
- `docs/api.md` (optional)

Before starting build, orchestrator MUST verify:
- [x] design reviewed
- [ ] API agreed

## Phase 3: Build
**Deliverables**:
- `docs/INTERFACE-[feature].md`
//- docs/checkout.state.yaml
workflow: checkout
current: design-review
history:
  - {from: requirements, to: design-review, at: 2026-01-01T00:00:00Z}
//- features/checkout/spec.md
# Checkout spec
- R1: Users pay with a saved card
- R2: Refunds within 30 days
- US1: Pay in one click
//- features/checkout/tasks.md
- [ ] T1: Card form
  - implements: R1
- [x] T2: Refund API
  - implements: checkout/R2
  - depends_on: T1
- [ ] T3 [US1] Receipts
  - depends_on: T2
//- docs/design.md
# Design notes
//- docs/INTERFACE-cart.md
# Cart interface
"#;

/// `SHOP` with the cursor put at the first `needle` of `path` (plus `shift` bytes).
fn shop(path: &str, needle: &str, shift: usize) -> String {
    let header = format!("//- {path}\n");
    let start = SHOP.find(&header).unwrap_or_else(|| panic!("{path}")) + header.len();
    let at = start + SHOP[start..].find(needle).unwrap_or_else(|| panic!("{needle} in {path}")) + shift;
    format!("{}$0{}", &SHOP[..at], &SHOP[at..])
}

#[test]
fn hover_on_a_phase_heading_shows_its_gate_and_deliverables() {
    check_hover(
        &shop("docs/checkout.md", "Design Review", 2),
        expect![[r#"
            docs/checkout.md:12:13 "Design Review"
            **Phase 2 of 3: Design Review** · workflow `checkout`

            design-review · current · 1/1 deliverables · gate unmet (run: `docs/checkout.state.yaml`)

            Next: `build`

            **Gate**
            - ✓ deliverables exist
            - ✗ Before starting build, orchestrator MUST verify
              - 1 of 2 items unticked in "Before starting build, orchestrator MUST verify"; first: API agreed

            **Deliverables**
            - ✓ `docs/design.md`
            - ✗ `docs/api.md` is missing (optional)
        "#]],
    );
}

#[test]
fn hover_on_references_shows_what_they_name() {
    // `current:` of a state file: the phase, with its gate.
    let (ws, path, offset) = cursor(&shop("docs/checkout.state.yaml", "design-review", 3));
    let h = ws.hover(&path, offset).unwrap_or_else(|| panic!("no hover"));
    assert!(h.markdown.starts_with("**Phase 2 of 3: Design Review**"), "{}", h.markdown);
    // `implements: checkout/R2`: the requirement's text.
    check_hover(
        &shop("features/checkout/tasks.md", "R2", 1),
        expect![[r#"
            features/checkout/tasks.md:4:26 "R2"
            **Requirement `R2`** · `features/checkout/spec.md`

            Refunds within 30 days
        "#]],
    );
    // `depends_on: T1`: the task, its status and title.
    check_hover(
        &shop("features/checkout/tasks.md", "depends_on: T1", 13),
        expect![[r#"
            features/checkout/tasks.md:5:17 "T1"
            **Task `T1`** · open · `features/checkout/tasks.md`

            Card form
        "#]],
    );
    // A user story label.
    check_hover(
        &shop("features/checkout/tasks.md", "US1", 0),
        expect![[r#"
            features/checkout/tasks.md:6:11 "US1"
            **User story `US1`** · `features/checkout/spec.md`

            Pay in one click
        "#]],
    );
    // A deliverable path and a pattern.
    check_hover(
        &shop("docs/checkout.md", "docs/design.md", 3),
        expect![[r#"
            docs/checkout.md:14:4 "docs/design.md"
            ✓ `docs/design.md` exists (15 bytes): *Design notes* · deliverable of phase `design-review` of `checkout`
        "#]],
    );
    check_hover(
        &shop("docs/checkout.md", "INTERFACE", 0),
        expect![[r#"
            docs/checkout.md:23:4 "docs/INTERFACE-[feature].md"
            ✓ `docs/INTERFACE-[feature].md` matches `docs/INTERFACE-cart.md` (17 bytes): *Cart interface* · deliverable of phase `build` of `checkout`
        "#]],
    );
    // A name that resolves to nothing says so.
    let spec = "//- t/tasks.md\n- [ ] T1: a\n  - depends_on: T$09\n";
    check_hover(
        spec,
        expect![[r#"
            t/tasks.md:2:17 "T9"
            No task `T9` is declared where this reference looks.
        "#]],
    );
}

const JOURNEY: &str = "//- docs/journey.md\n# Journey\n\nStates:\n- DRAFT\n- REVIEW\n- DONE\n\nTransitions:\n- DRAFT → REVIEW (submit)\n- REVIEW → DONE (approve)\n- REVIEW → DRAFT (reject)\n//- docs/journey.state.yaml\nworkflow: journey\ncurrent: REVIEW\n";

#[test]
fn hover_on_a_state_lists_where_it_may_go() {
    let spec = JOURNEY.replace("current: REVIEW", "current: REV$0IEW");
    check_hover(
        &spec,
        expect![[r#"
            docs/journey.state.yaml:2:10 "REVIEW"
            **State `REVIEW`** · workflow `journey`

            May move to: `DONE` (approve), `DRAFT` (reject)

            Current state of `docs/journey.state.yaml`
        "#]],
    );
}

#[test]
fn definitions() {
    // A state file's phase, workflow name and history entries.
    check_definition(
        &shop("docs/checkout.state.yaml", "design-review", 0),
        expect![[r#"
        docs/checkout.md:12:13 "Design Review"
    "#]],
    );
    check_definition(
        &shop("docs/checkout.state.yaml", "checkout", 2),
        expect![[r#"
        docs/checkout.md:2:7 "checkout"
    "#]],
    );
    check_definition(
        &shop("docs/checkout.state.yaml", "from: requirements", 7),
        expect![[r#"
        docs/checkout.md:6:13 "Requirements"
    "#]],
    );
    // `→ Proceed to Phase 2`: by number.
    check_definition(
        &shop("docs/checkout.md", "Phase 2\n", 1),
        expect![[r#"
        docs/checkout.md:12:13 "Design Review"
    "#]],
    );
    // Requirements, bare and by folder; tasks; stories.
    check_definition(
        &shop("features/checkout/tasks.md", "R1", 0),
        expect![[r#"
        features/checkout/spec.md:2:3 "R1"
    "#]],
    );
    check_definition(
        &shop("features/checkout/tasks.md", "checkout/R2", 9),
        expect![[r#"
        features/checkout/spec.md:3:3 "R2"
    "#]],
    );
    check_definition(
        &shop("features/checkout/tasks.md", "depends_on: T2", 13),
        expect![[r#"
        features/checkout/tasks.md:3:7 "T2"
    "#]],
    );
    check_definition(
        &shop("features/checkout/tasks.md", "[US1]", 2),
        expect![[r#"
        features/checkout/spec.md:4:3 "US1"
    "#]],
    );
    // Deliverable paths: the file, and the files a pattern matches.
    check_definition(
        &shop("docs/checkout.md", "docs/design.md", 0),
        expect![[r#"
        docs/design.md:1:1 ""
    "#]],
    );
    check_definition(
        &shop("docs/checkout.md", "INTERFACE", 0),
        expect![[r#"
        docs/INTERFACE-cart.md:1:1 ""
    "#]],
    );
    // States in a state file and in transitions; `[id:]` names.
    check_definition(
        &JOURNEY.replace("current: REVIEW", "current: REV$0IEW"),
        expect![[r#"
        docs/journey.md:5:3 "REVIEW"
    "#]],
    );
    check_definition(
        &JOURNEY.replace("REVIEW → DONE", "REVIEW → DO$0NE"),
        expect![[r#"
        docs/journey.md:6:3 "DONE"
    "#]],
    );
    let ids = "//- memory-map.md\n- [id:core_dir]: src/core/\n//- prompts/review.md\nSave to `[id:co$0re_dir]notes.md`.\n";
    check_definition(
        ids,
        expect![[r#"
        memory-map.md:1:7 "core_dir"
    "#]],
    );
}

#[test]
fn references_list_every_place_naming_a_symbol() {
    // A requirement: every task that implements it (and the declaration first).
    check_references(
        &shop("features/checkout/spec.md", "R2", 0),
        expect![[r#"
        features/checkout/spec.md:3:3 "R2"
        features/checkout/tasks.md:4:26 "R2"
    "#]],
    );
    // A phase: the state file's `current:` and history, `Proceed to Phase 2` (by number).
    check_references(
        &shop("docs/checkout.md", "Design Review", 0),
        expect![[r#"
        docs/checkout.md:12:13 "Design Review"
        docs/checkout.md:10:46 "Phase 2"
        docs/checkout.state.yaml:2:10 "design-review"
        docs/checkout.state.yaml:4:30 "design-review"
    "#]],
    );
    // From a reference: the same list.
    let from_reference = {
        let (ws, path, offset) = cursor(&shop("docs/checkout.state.yaml", "design-review", 0));
        locations(&ws, &ws.references(&path, offset, false))
    };
    expect![[r#"
        docs/checkout.md:10:46 "Phase 2"
        docs/checkout.state.yaml:2:10 "design-review"
        docs/checkout.state.yaml:4:30 "design-review"
    "#]]
    .assert_eq(&from_reference);
    // A task across its list.
    check_references(
        &shop("features/checkout/tasks.md", "T2", 0),
        expect![[r#"
        features/checkout/tasks.md:3:7 "T2"
        features/checkout/tasks.md:7:17 "T2"
    "#]],
    );
    // A state: the state file and the transitions.
    check_references(
        &JOURNEY.replace("- REVIEW\n", "- REV$0IEW\n"),
        expect![[r#"
        docs/journey.md:5:3 "REVIEW"
        docs/journey.md:9:13 "REVIEW"
        docs/journey.md:10:3 "REVIEW"
        docs/journey.md:11:3 "REVIEW"
        docs/journey.state.yaml:2:10 "REVIEW"
    "#]],
    );
}

#[test]
fn highlights_and_links() {
    let (ws, path, offset) = cursor(&shop("features/checkout/tasks.md", "T1:", 0));
    let shown: Vec<String> =
        ws.highlights(&path, offset).iter().map(|h| format!("{} write={}", show(&ws, &path, h.range), h.write)).collect();
    expect![[r#"
        [
            "features/checkout/tasks.md:1:7 \"T1\" write=true",
            "features/checkout/tasks.md:5:17 \"T1\" write=false",
        ]
    "#]]
    .assert_debug_eq(&shown);
    let (ws, _, _) = cursor(&shop("docs/checkout.md", "#", 0));
    let links: Vec<String> =
        ws.document_links("docs/checkout.md").iter().map(|l| format!("{} → {}", show(&ws, "docs/checkout.md", l.range), l.path)).collect();
    // `docs/api.md` is missing: no link.
    expect![[r#"
        [
            "docs/checkout.md:8:4 \"features/checkout/spec.md\" → features/checkout/spec.md",
            "docs/checkout.md:14:4 \"docs/design.md\" → docs/design.md",
            "docs/checkout.md:23:4 \"docs/INTERFACE-[feature].md\" → docs/INTERFACE-cart.md",
        ]
    "#]]
    .assert_debug_eq(&links);
}

/// The completions at the cursor: `label (kind, rank) detail` lines, after the replaced range.
fn check_completion(spec: &str, expected: Expect) {
    let (ws, path, offset) = cursor(spec);
    let out = match ws.completion(&path, offset) {
        Some(c) => {
            let mut out = format!("replaces {}{}\n", show(&ws, &path, c.range), if c.incomplete { " (incomplete)" } else { "" });
            for i in &c.items {
                out.push_str(&format!("{} ({:?}, {}) {}\n", i.label, i.kind, i.rank, i.detail));
            }
            out
        }
        None => "none\n".to_string(),
    };
    expected.assert_eq(&out);
}

#[test]
fn completion_of_phases_states_and_workflows_in_state_files() {
    check_completion(
        &SHOP.replace("current: design-review", "current: des$0"),
        expect![[r#"
            replaces docs/checkout.state.yaml:2:10 "des"
            build (Phase, 0) phase 3 of 3: Build
            design-review (Phase, 0) phase 2 of 3: Design Review
            requirements (Phase, 0) phase 1 of 3: Requirements
        "#]],
    );
    check_completion(
        &JOURNEY.replace("current: REVIEW", "current: $0"),
        expect![[r#"
            replaces docs/journey.state.yaml:2:10 ""
            DONE (State, 0) state of journey
            DRAFT (State, 0) state of journey
            REVIEW (State, 0) state of journey
        "#]],
    );
    check_completion(
        &SHOP.replace("workflow: checkout", "workflow: ch$0"),
        expect![[r#"
            replaces docs/checkout.state.yaml:1:11 "ch"
            checkout (Workflow, 0) docs/checkout.md
        "#]],
    );
    // Keys of the state format, from the JSON Schema.
    let (ws, path, offset) = cursor(&SHOP.replace("history:\n", "hi$0\n"));
    let keys: Vec<String> = ws.completion(&path, offset).map(|c| c.items.iter().map(|i| i.label.clone()).collect()).unwrap_or_default();
    assert_eq!(keys, ["current", "gates", "history", "status", "workflow"]);
}

#[test]
fn completion_of_definition_keys_and_phase_ids() {
    let definition = "//- wf/plan.workflow.yaml\nname: plan\nphases:\n  - id: scout\n  - id: build\n    depends_on: [sc$0]\n";
    check_completion(
        definition,
        expect![[r#"
            replaces wf/plan.workflow.yaml:5:18 "sc"
            build (Phase, 0) phase 2 of 2: build
            scout (Phase, 0) phase 1 of 2: scout
        "#]],
    );
    let keys = "//- wf/plan.workflow.yaml\nname: plan\nphases:\n  - id: scout\n    del$0\n";
    let (ws, path, offset) = cursor(keys);
    let c = ws.completion(&path, offset).unwrap_or_else(|| panic!("no completion"));
    let labels: Vec<&str> = c.items.iter().map(|i| i.label.as_str()).collect();
    assert_eq!(labels, ["command", "complete", "deliverables", "depends_on", "gate", "id", "name", "number", "reached", "title"]);
    let doc = c.items.iter().find(|i| i.label == "deliverables").and_then(|i| i.documentation.clone()).unwrap_or_default();
    assert!(!doc.is_empty(), "the schema's description");
    let top = "//- wf/plan.workflow.yaml\nname: plan\nins$0\n";
    let (ws, path, offset) = cursor(top);
    let labels: Vec<String> = ws.completion(&path, offset).map(|c| c.items.iter().map(|i| i.label.clone()).collect()).unwrap_or_default();
    assert!(labels.contains(&"instances".to_string()) && labels.contains(&"transitions".to_string()), "{labels:?}");
    // Any other YAML file gets nothing.
    assert_eq!(cursor("//- docker-compose.yaml\nservices:\n  ap$0\n").0.completion("docker-compose.yaml", 14), None);
}

#[test]
fn completion_of_tasks_requirements_stories_names_and_paths() {
    check_completion(
        &SHOP.replace("  - depends_on: T2\n", "  - depends_on: T$0\n"),
        expect![[r#"
            replaces features/checkout/tasks.md:7:17 "T"
            T1 (Task, 0) Card form
            T2 (Task, 0) Refund API
            T3 (Task, 0) Receipts
        "#]],
    );
    let spec = format!("{SHOP}//- features/billing/spec.md\n- R1: Invoices\n");
    check_completion(
        &spec.replace("implements: R1", "implements: R$0"),
        expect![[r#"
            replaces features/checkout/tasks.md:2:17 "R"
            R1 (Requirement, 1) Users pay with a saved card
            R2 (Requirement, 1) Refunds within 30 days
            billing/R1 (Requirement, 2) Invoices
        "#]],
    );
    check_completion(
        &SHOP.replace("[US1]", "[US$0]"),
        expect![[r#"
            replaces features/checkout/tasks.md:6:11 "US"
            US1 (Story, 1) Pay in one click
        "#]],
    );
    check_completion(
        "//- memory-map.md\n- [id:core_dir]: src/core/\n- [id:notes_dir]: notes/\n//- p.md\nSee [id:no$0\n",
        expect![[r#"
            replaces p.md:1:9 "no"
            core_dir (Name, 0) src/core/
            notes_dir (Name, 0) notes/
        "#]],
    );
    check_completion(
        &SHOP.replace("- `docs/design.md`", "- `docs/de$0"),
        expect![[r#"
            replaces docs/checkout.md:14:4 "docs/de"
            docs/design.md (File, 1) 
        "#]],
    );
}

/// A change applied to the workspace's texts, as an editor would: the changed files' new text.
fn applied(ws: &Workspace, change: &crate::actions::WorkspaceChange) -> String {
    let mut out = String::new();
    for c in &change.changes {
        let crate::actions::FileChange::Edit { path, edits } = c else { panic!("a rename only edits") };
        let mut text = ws.text(path).unwrap_or_default().to_string();
        for e in edits.iter().rev() {
            text.replace_range(e.range.start..e.range.end, &e.new_text);
        }
        out.push_str(&format!("//- {path}\n{text}"));
    }
    out
}

fn check_rename(spec: &str, new_name: &str, expected: Expect) {
    let (ws, path, offset) = cursor(spec);
    let out = match ws.rename(&path, offset, new_name) {
        Ok(change) => format!("{}\n{}", change.summary, applied(&ws, &change)),
        Err(r) => format!("refused: {r}\n"),
    };
    expected.assert_eq(&out);
}

#[test]
fn rename_a_phase_everywhere() {
    // From its heading: the new title; the state file gets the new id, `Phase 2` stays.
    check_rename(
        &shop("docs/checkout.md", "Design Review", 0),
        "Architecture",
        expect![[r#"
            renamed phase `design-review` to `architecture`: 3 edit(s) in 2 file(s); 1 reference(s) by number kept
            //- docs/checkout.md
            ---
            name: checkout
            ---
            # Checkout — paiement 💳

            ## Phase 1: Requirements
            **Deliverables**:
            - `features/checkout/spec.md`

            **Gate Check**: spec reviewed → Proceed to Phase 2

            ## Phase 2: Architecture
            **Deliverables**:
            - `docs/design.md`
            - `docs/api.md` (optional)

            Before starting build, orchestrator MUST verify:
            - [x] design reviewed
            - [ ] API agreed

            ## Phase 3: Build
            **Deliverables**:
            - `docs/INTERFACE-[feature].md`
            //- docs/checkout.state.yaml
            workflow: checkout
            current: architecture
            history:
              - {from: requirements, to: architecture, at: 2026-01-01T00:00:00Z}
        "#]],
    );
    // From a reference: an id-like name titles the heading.
    let (ws, path, offset) = cursor(&shop("docs/checkout.state.yaml", "design-review", 0));
    let change = ws.rename(&path, offset, "api-design").unwrap_or_else(|r| panic!("{r}"));
    let text = applied(&ws, &change);
    assert!(text.contains("## Phase 2: Api Design\n") && text.contains("current: api-design\n"), "{text}");
    // The renamed workspace checks clean: the state file still names a phase.
    let mut renamed = Workspace::new();
    for section in text.split("//- ").filter(|s| !s.is_empty()) {
        let (p, body) = section.split_once('\n').unwrap_or((section, ""));
        renamed.set_file(p, crate::facts::FileInput::Text(body.to_string()));
    }
    for (p, body) in [("features/checkout/spec.md", ws.text("features/checkout/spec.md")), ("docs/design.md", ws.text("docs/design.md"))] {
        renamed.set_file(p, crate::facts::FileInput::Text(body.unwrap_or_default().to_string()));
    }
    assert_eq!(fixture::render(&renamed, &["unknown-state"]), "");
}

#[test]
fn rename_tasks_requirements_states_and_names() {
    check_rename(
        &shop("features/checkout/tasks.md", "T1:", 0),
        "T10",
        expect![[r#"
            renamed task `T1` to `T10`: 2 edit(s) in 1 file(s)
            //- features/checkout/tasks.md
            - [ ] T10: Card form
              - implements: R1
            - [x] T2: Refund API
              - implements: checkout/R2
              - depends_on: T10
            - [ ] T3 [US1] Receipts
              - depends_on: T2
        "#]],
    );
    check_rename(
        &shop("features/checkout/tasks.md", "checkout/R2", 9),
        "R7",
        expect![[r#"
            renamed requirement `R2` to `R7`: 2 edit(s) in 2 file(s)
            //- features/checkout/spec.md
            # Checkout spec
            - R1: Users pay with a saved card
            - R7: Refunds within 30 days
            - US1: Pay in one click
            //- features/checkout/tasks.md
            - [ ] T1: Card form
              - implements: R1
            - [x] T2: Refund API
              - implements: checkout/R7
              - depends_on: T1
            - [ ] T3 [US1] Receipts
              - depends_on: T2
        "#]],
    );
    check_rename(
        &JOURNEY.replace("current: REVIEW", "current: REV$0IEW"),
        "IN_REVIEW",
        expect![[r#"
            renamed state `REVIEW` to `IN_REVIEW`: 5 edit(s) in 2 file(s)
            //- docs/journey.md
            # Journey

            States:
            - DRAFT
            - IN_REVIEW
            - DONE

            Transitions:
            - DRAFT → IN_REVIEW (submit)
            - IN_REVIEW → DONE (approve)
            - IN_REVIEW → DRAFT (reject)
            //- docs/journey.state.yaml
            workflow: journey
            current: IN_REVIEW
        "#]],
    );
    check_rename(
        "//- memory-map.md\n- [id:core_dir]: src/core/\n//- prompts/a.md\nUse `[id:core$0_dir]x.md` and [id:core_dir].\n",
        "kernel_dir",
        expect![[r#"
            renamed memory-map name `core_dir` to `kernel_dir`: 3 edit(s) in 2 file(s)
            //- memory-map.md
            - [id:kernel_dir]: src/core/
            //- prompts/a.md
            Use `[id:kernel_dir]x.md` and [id:kernel_dir].
        "#]],
    );
}

#[test]
fn rename_refuses_what_is_not_an_id_collisions_and_bad_names() {
    let refused = |spec: &str, name: &str| {
        let (ws, path, offset) = cursor(spec);
        match ws.rename(&path, offset, name) {
            Ok(c) => panic!("not refused: {}", c.summary),
            Err(r) => r.to_string(),
        }
    };
    // prepareRename: prose, a path, an unresolved reference.
    let (ws, path, offset) = cursor(&shop("docs/checkout.md", "paiement", 0));
    assert_eq!(
        ws.prepare_rename(&path, offset).map_err(|r| r.to_string()),
        Err("nothing to rename here: rename a phase, state, requirement, task or `[id:]` name".into())
    );
    let (ws, path, offset) = cursor(&shop("docs/checkout.md", "docs/design.md", 2));
    assert_eq!(
        ws.prepare_rename(&path, offset).map_err(|r| r.to_string()),
        Err("`docs/design.md` is a path: rename the file instead".into())
    );
    let (ws, path, offset) = cursor(&shop("docs/checkout.md", "Build", 1));
    let (range, placeholder) = ws.prepare_rename(&path, offset).unwrap_or_else(|r| panic!("{r}"));
    assert_eq!((show(&ws, &path, range), placeholder.as_str()), ("docs/checkout.md:21:13 \"Build\"".to_string(), "Build"));
    assert_eq!(refused("//- t/tasks.md\n- [ ] T1: a\n  - depends_on: T$09\n", "T8"), "`T9` names no declared task: nothing to rename");
    // Collisions.
    assert_eq!(
        refused(&shop("docs/checkout.md", "Design Review", 0), "Build"),
        "`build` already exists in workflow `checkout`: renaming `design-review` would make two"
    );
    assert_eq!(
        refused(&shop("features/checkout/tasks.md", "T1:", 0), "T2"),
        "`T2` already exists in `features/checkout/tasks.md`: renaming `T1` would make two"
    );
    assert_eq!(
        refused(&JOURNEY.replace("- DONE", "- DO$0NE"), "draft"),
        "`draft` already exists in workflow `journey`: renaming `DONE` would make two"
    );
    // Names that would no longer be read as names.
    assert_eq!(
        refused(&shop("features/checkout/tasks.md", "T1:", 0), "card form"),
        "`card form` is not a valid task: a task id is `T` and digits (`T12`) or capitals, `-` and digits (`AUTH-3`)"
    );
    assert_eq!(refused(&shop("docs/checkout.md", "Design Review", 0), "  "), "`` is not a valid phase: it is empty");
}

fn lenses(ws: &Workspace, path: &str) -> String {
    ws.code_lenses(path).iter().map(|l| format!("{} {} {:?}\n", at(ws, path, l.range.start), l.title, l.command)).collect()
}

#[test]
fn code_lenses_on_phases_state_files_and_tasks() {
    let (ws, _, _) = cursor(&shop("docs/checkout.md", "#", 0));
    expect![[r#"
        docs/checkout.md:6:1 requirements · passed · 1/1 deliverables · gate met Explain("requirements · passed · 1/1 deliverables · gate met")
        docs/checkout.md:12:1 design-review · current · 1/1 deliverables · gate unmet Explain("design-review · current · 1/1 deliverables · gate unmet\n- 1 of 2 items unticked in \"Before starting build, orchestrator MUST verify\"; first: API agreed")
        docs/checkout.md:12:1 ▶ Advance to build (blocked) Explain("Advance to build is blocked: the gate is not met\n- 1 of 2 items unticked in \"Before starting build, orchestrator MUST verify\"; first: API agreed")
        docs/checkout.md:21:1 build · pending · 1/1 deliverables · gate met Explain("build · pending · 1/1 deliverables · gate met")
    "#]]
    .assert_eq(&lenses(&ws, "docs/checkout.md"));
    expect![[r#"
        docs/checkout.state.yaml:2:10 checkout · at design-review (2/3) · gate unmet Explain("checkout · at design-review (2/3) · gate unmet\n- 1 of 2 items unticked in \"Before starting build, orchestrator MUST verify\"; first: API agreed")
        docs/checkout.state.yaml:2:10 ▶ Advance to build (blocked) Explain("Advance to build is blocked: the gate is not met\n- 1 of 2 items unticked in \"Before starting build, orchestrator MUST verify\"; first: API agreed")
    "#]]
    .assert_eq(&lenses(&ws, "docs/checkout.state.yaml"));
    // Open tasks get "Mark done" (plain checkboxes have no started state); T2 is done.
    expect![[r#"
        features/checkout/tasks.md:1:1 Mark done Task { path: "features/checkout/tasks.md", id: "T1", action: Done }
        features/checkout/tasks.md:6:1 Mark done Task { path: "features/checkout/tasks.md", id: "T3", action: Done }
    "#]]
    .assert_eq(&lenses(&ws, "features/checkout/tasks.md"));
    let done = ws.task_change("features/checkout/tasks.md", "T3", crate::ide::TaskAction::Done).unwrap_or_else(|r| panic!("{r}"));
    assert_eq!(done.summary, "marked done task `T3` in `features/checkout/tasks.md`");
    assert!(applied(&ws, &done).contains("- [x] T3 [US1] Receipts\n"));
    assert_eq!(
        ws.task_change("features/checkout/tasks.md", "T3", crate::ide::TaskAction::Start).map_err(|r| r.to_string()),
        Err("tasks of `features/checkout/tasks.md` have no started state; mark `T3` done instead".into())
    );
    // With the gate met, Advance is offered; without a state file, Start.
    let (ws, _, _) = cursor(&shop("docs/checkout.md", "#", 0).replace("- [ ] API agreed", "- [x] API agreed"));
    assert!(
        lenses(&ws, "docs/checkout.md")
            .contains("▶ Advance to build Advance { workflow: \"checkout\", state: Some(\"docs/checkout.state.yaml\") }")
    );
    let no_run = SHOP.split("//- docs/checkout.state.yaml").next().unwrap_or_default().to_string() + "$0";
    let (ws, _, _) = cursor(&no_run);
    assert!(lenses(&ws, "docs/checkout.md").contains("▶ Start Start { workflow: \"checkout\" }"), "{}", lenses(&ws, "docs/checkout.md"));
    // A state machine's run.
    let (ws, _, _) = cursor(&(JOURNEY.to_string() + "$0"));
    expect![[r#"
        docs/journey.state.yaml:2:10 journey · in state REVIEW · next: DONE (approve), DRAFT (reject) Explain("journey · in state REVIEW · next: DONE (approve), DRAFT (reject)")
        docs/journey.state.yaml:2:10 ▶ Advance Advance { workflow: "journey", state: Some("docs/journey.state.yaml") }
    "#]]
    .assert_eq(&lenses(&ws, "docs/journey.state.yaml"));
}

#[test]
fn document_symbols_workspace_symbols_and_folding() {
    let (ws, _, _) = cursor(&shop("docs/checkout.md", "#", 0));
    fn render(ws: &Workspace, path: &str, list: &[crate::ide::DocumentSymbol], depth: usize, out: &mut String) {
        for s in list {
            assert!(s.range.start <= s.selection.start && s.selection.end <= s.range.end, "{s:?}");
            out.push_str(&format!("{}{:?} {} [{}] {}\n", "  ".repeat(depth), s.kind, s.name, s.detail, at(ws, path, s.selection.start)));
            render(ws, path, &s.children, depth + 1, out);
        }
    }
    let mut out = String::new();
    render(&ws, "docs/checkout.md", &ws.document_symbols("docs/checkout.md"), 0, &mut out);
    expect![[r#"
        Workflow checkout [3 phase(s)] docs/checkout.md:2:7
          Phase Phase 1: Requirements [requirements] docs/checkout.md:6:13
            Gate gate [2 criteria] docs/checkout.md:10:3
            Deliverable features/checkout/spec.md [deliverable] docs/checkout.md:8:4
          Phase Phase 2: Design Review [design-review] docs/checkout.md:12:13
            Gate gate [2 criteria] docs/checkout.md:17:1
              Criterion Before starting build, orchestrator MUST verify [] docs/checkout.md:17:1
            Deliverable docs/design.md [deliverable] docs/checkout.md:14:4
            Deliverable docs/api.md [optional deliverable] docs/checkout.md:15:4
          Phase Phase 3: Build [build] docs/checkout.md:21:13
            Deliverable docs/INTERFACE-[feature].md [deliverable] docs/checkout.md:23:4
    "#]]
    .assert_eq(&out);
    let mut out = String::new();
    render(&ws, "features/checkout/tasks.md", &ws.document_symbols("features/checkout/tasks.md"), 0, &mut out);
    expect![[r#"
        Task T1 Card form [] features/checkout/tasks.md:1:7
        Task T2 Refund API [] features/checkout/tasks.md:3:7
        Task T3 Receipts [] features/checkout/tasks.md:6:7
    "#]]
    .assert_eq(&out);
    let found: Vec<String> = ws
        .workspace_symbols("des")
        .iter()
        .map(|s| format!("{:?} {} in {:?} at {}", s.kind, s.name, s.container, at(&ws, &s.location.path, s.location.range.start)))
        .collect();
    expect![[r#"
        [
            "Phase design-review in Some(\"checkout\") at docs/checkout.md:12:13",
        ]
    "#]]
    .assert_debug_eq(&found);
    let all = ws.workspace_symbols("");
    let kinds: std::collections::BTreeSet<String> = all.iter().map(|s| format!("{:?}", s.kind)).collect();
    assert_eq!(kinds.into_iter().collect::<Vec<_>>(), ["Phase", "Requirement", "Story", "Task", "Workflow"]);
    let folds: Vec<String> = ws
        .folding_ranges("docs/checkout.md")
        .iter()
        .map(|f| format!("{}..{}", at(&ws, "docs/checkout.md", f.range.start), at(&ws, "docs/checkout.md", f.range.end)))
        .collect();
    expect![[r#"
        [
            "docs/checkout.md:6:1..docs/checkout.md:10:53",
            "docs/checkout.md:12:1..docs/checkout.md:19:17",
            "docs/checkout.md:21:1..docs/checkout.md:23:32",
        ]
    "#]]
    .assert_debug_eq(&folds);
}

#[test]
fn inlay_hints_and_semantic_tokens() {
    let (ws, _, _) = cursor(&shop("docs/checkout.md", "#", 0));
    let hints = |path: &str| -> String {
        let len = ws.text(path).map_or(0, str::len);
        ws.inlay_hints(path, TextRange::new(0, len)).iter().map(|h| format!("{} {:?}\n", at(&ws, path, h.offset), h.label)).collect()
    };
    expect![[r#"
        docs/checkout.md:8:30 "✓"
        docs/checkout.md:10:53 "Design Review · phase 2/3"
        docs/checkout.md:14:19 "✓"
        docs/checkout.md:15:16 "○ missing (optional)"
        docs/checkout.md:23:32 "✓"
    "#]]
    .assert_eq(&hints("docs/checkout.md"));
    expect![[r#"
        features/checkout/tasks.md:2:19 "Users pay with a saved card"
        features/checkout/tasks.md:4:28 "Refunds within 30 days"
        features/checkout/tasks.md:5:19 "Card form"
        features/checkout/tasks.md:6:14 "Pay in one click"
        features/checkout/tasks.md:7:19 "Refund API"
    "#]]
    .assert_eq(&hints("features/checkout/tasks.md"));
    let tokens = |path: &str| -> String {
        ws.semantic_tokens(path)
            .iter()
            .map(|t| format!("{} {:?} declaration={}\n", show(&ws, path, t.range), t.kind, t.declaration))
            .collect()
    };
    expect![[r#"
        docs/checkout.md:6:13 "Requirements" Phase declaration=true
        docs/checkout.md:10:3 "Gate Check" Gate declaration=false
        docs/checkout.md:10:46 "Phase 2" Phase declaration=false
        docs/checkout.md:12:13 "Design Review" Phase declaration=true
        docs/checkout.md:21:13 "Build" Phase declaration=true
    "#]]
    .assert_eq(&tokens("docs/checkout.md"));
    expect![[r#"
        docs/checkout.state.yaml:2:10 "design-review" Phase declaration=false
        docs/checkout.state.yaml:4:12 "requirements" Phase declaration=false
        docs/checkout.state.yaml:4:30 "design-review" Phase declaration=false
    "#]]
    .assert_eq(&tokens("docs/checkout.state.yaml"));
}

/// `.ops/build`: pointers resolve by the framework's rules, across the features of a version.
const OPS: &str = r#"//- .ops/build/v1/availability/specs.md
# Availability
- R1: Slots are listed
- R2: A slot can be held
//- .ops/build/v1/availability/tasks.yaml
- id: T-AV-001
  title: List slots
  implements: "availability/R1"
  status: pending
- id: T-AV-002
  title: Hold a slot
  implements: R2
  depends_on: T-AV-001
  status: in_progress
//- .ops/build/v1/booking/specs.md
- R1: A booking holds a slot
//- .ops/build/v1/booking/tasks.md
- [ ] T-BK-001: Book
  - implements: availability/R2, R1
  - depends_on: T-AV-002
"#;

#[test]
fn ops_build_pointers_resolve_across_features() {
    let with = |path: &str, needle: &str, shift: usize| {
        let header = format!("//- {path}\n");
        let start = OPS.find(&header).unwrap_or_default() + header.len();
        let at = start + OPS[start..].find(needle).unwrap_or_else(|| panic!("{needle}")) + shift;
        format!("{}$0{}", &OPS[..at], &OPS[at..])
    };
    // Every task implementing availability's R2: its own feature's bare `R2`, booking's pointer.
    check_references(
        &with(".ops/build/v1/availability/specs.md", "R2", 0),
        expect![[r#"
        .ops/build/v1/availability/specs.md:3:3 "R2"
        .ops/build/v1/availability/tasks.yaml:7:15 "R2"
        .ops/build/v1/booking/tasks.md:2:30 "R2"
    "#]],
    );
    // A bare `R1` in booking is booking's own requirement, not availability's.
    check_definition(
        &with(".ops/build/v1/booking/tasks.md", ", R1", 2),
        expect![[r#"
        .ops/build/v1/booking/specs.md:1:3 "R1"
    "#]],
    );
    // `depends_on` reaches another feature's task.
    check_definition(
        &with(".ops/build/v1/booking/tasks.md", "T-AV-002", 0),
        expect![[r#"
        .ops/build/v1/availability/tasks.yaml:5:7 "T-AV-002"
    "#]],
    );
    // `tasks.yaml`: Start and Mark done set `status:` the framework's way.
    let (ws, _, _) = cursor(&with(".ops/build/v1/availability/tasks.yaml", "id", 0));
    expect![[r#"
        .ops/build/v1/availability/tasks.yaml:1:1 .ops/build SDD availability · at tasks (3/4) · gate met Explain(".ops/build SDD availability · at tasks (3/4) · gate met")
        .ops/build/v1/availability/tasks.yaml:1:1 ▶ Advance to release Advance { workflow: "availability", state: None }
        .ops/build/v1/availability/tasks.yaml:1:3 Start Task { path: ".ops/build/v1/availability/tasks.yaml", id: "T-AV-001", action: Start }
        .ops/build/v1/availability/tasks.yaml:1:3 Mark done Task { path: ".ops/build/v1/availability/tasks.yaml", id: "T-AV-001", action: Done }
        .ops/build/v1/availability/tasks.yaml:5:3 Mark done Task { path: ".ops/build/v1/availability/tasks.yaml", id: "T-AV-002", action: Done }
    "#]]
    .assert_eq(&lenses(&ws, ".ops/build/v1/availability/tasks.yaml"));
    let started = ws
        .task_change(".ops/build/v1/availability/tasks.yaml", "T-AV-001", crate::ide::TaskAction::Start)
        .unwrap_or_else(|r| panic!("{r}"));
    assert!(applied(&ws, &started).contains("  implements: \"availability/R1\"\n  status: in_progress\n"), "{}", applied(&ws, &started));
    // Renaming a requirement renames the pointers, whichever form they take.
    let (ws, path, offset) = cursor(&with(".ops/build/v1/availability/specs.md", "R2", 0));
    let change = ws.rename(&path, offset, "R20").unwrap_or_else(|r| panic!("{r}"));
    let text = applied(&ws, &change);
    assert!(text.contains("  implements: R20\n") && text.contains("  - implements: availability/R20, R1\n"), "{text}");
}

/// A Kiro spec (non-ASCII before the ranges): requirements with acceptance criteria, a design
/// validating one, and tasks tracing to them, one in progress (`[-]`).
const KIRO: &str = "//- .kiro/specs/connexion/requirements.md
# Requirements Document — connexion 🔐

## Requirements

### Requirement 1: Se connecter

**User Story:** En tant que membre, je veux me connecter, afin de voir mes commandes.

#### Acceptance Criteria

1. WHEN un membre envoie des identifiants valides THEN le système SHALL ouvrir une session
2. WHEN les identifiants sont faux THEN le système SHALL le dire sans nommer le champ

### Requirement 2: Se déconnecter

#### Acceptance Criteria

1. WHEN un membre se déconnecte THEN le système SHALL fermer la session
//- .kiro/specs/connexion/design.md
# Design — connexion

**Property 1: Session fermée**
**Validates: Requirements 2.1**
//- .kiro/specs/connexion/tasks.md
# Implementation Plan — café ☕

- [x] 1. Formulaire de connexion
  - _Requirements: 1.1, 1.2_
- [ ] 2. Session côté serveur
  - _Requirements: 1.1–1.2, 2_
  - _Depends: 1_
- [-] 3. Déconnexion
  - _Requirements: 2.1_
";

/// `spec` with the cursor at the first `needle` of `path` (plus `shift` bytes).
fn marked(spec: &str, path: &str, needle: &str, shift: usize) -> String {
    let header = format!("//- {path}\n");
    let start = spec.find(&header).unwrap_or_else(|| panic!("{path}")) + header.len();
    let at = start + spec[start..].find(needle).unwrap_or_else(|| panic!("{needle} in {path}")) + shift;
    format!("{}$0{}", &spec[..at], &spec[at..])
}

#[test]
fn kiro_requirements_criteria_and_tasks() {
    let tasks = ".kiro/specs/connexion/tasks.md";
    let requirements = ".kiro/specs/connexion/requirements.md";
    // Hover on a criterion named by `_Requirements:`: its text, as Kiro calls it.
    check_hover(
        &marked(KIRO, tasks, "1.2_", 2),
        expect![[r#"
            .kiro/specs/connexion/tasks.md:4:25 "1.2"
            **Acceptance criterion `1.2`** · `.kiro/specs/connexion/requirements.md`

            WHEN les identifiants sont faux THEN le système SHALL le dire sans nommer le champ
        "#]],
    );
    // A whole requirement, from a range's list.
    check_definition(
        &marked(KIRO, tasks, ", 2_", 2),
        expect![[r#"
        .kiro/specs/connexion/requirements.md:14:5 "Requirement 2"
    "#]],
    );
    check_definition(
        &marked(KIRO, ".kiro/specs/connexion/design.md", "2.1", 0),
        expect![[r#"
        .kiro/specs/connexion/requirements.md:18:1 "1"
    "#]],
    );
    // `_Depends: 1_` names task 1.
    check_definition(
        &marked(KIRO, tasks, "Depends: 1", 9),
        expect![[r#"
        .kiro/specs/connexion/tasks.md:3:7 "1"
    "#]],
    );
    // Every task tracing to criterion 1.2 (one by its number, one as a range's end).
    check_references(
        &marked(KIRO, requirements, "2. WHEN", 0),
        expect![[r#"
        .kiro/specs/connexion/requirements.md:12:1 "2"
        .kiro/specs/connexion/tasks.md:4:25 "1.2"
        .kiro/specs/connexion/tasks.md:6:26 "1.2"
    "#]],
    );
    // Completion after `_Requirements:`: the spec's own requirements and criteria first.
    check_completion(
        &KIRO.replace("_Requirements: 2.1_", "_Requirements: 2.$0"),
        expect![[r#"
        replaces .kiro/specs/connexion/tasks.md:9:20 "2."
        1 (Requirement, 1) Requirement 1: Se connecter
        1.1 (Requirement, 1) WHEN un membre envoie des identifiants valides THEN le système SHALL ouvrir une session
        1.2 (Requirement, 1) WHEN les identifiants sont faux THEN le système SHALL le dire sans nommer le champ
        2 (Requirement, 1) Requirement 2: Se déconnecter
        2.1 (Requirement, 1) WHEN un membre se déconnecte THEN le système SHALL fermer la session
    "#]],
    );
    // Criteria are numbered by their place: no rename.
    check_rename(
        &marked(KIRO, tasks, "1.2_", 0),
        "1.3",
        expect![[r#"
        refused: acceptance criterion `1.2` cannot be renamed here: it is not written plainly where it is declared
    "#]],
    );
    // Tasks: "Start" writes Kiro's in-progress mark, "Mark done" ticks; a started task has
    // "Mark done" only.
    let (ws, _, _) = cursor(&(KIRO.to_string() + "$0"));
    expect![[r#"
        .kiro/specs/connexion/tasks.md:1:1 Kiro connexion · at implementation (4/4) · gate unmet Explain("Kiro connexion · at implementation (4/4) · gate unmet")
        .kiro/specs/connexion/tasks.md:1:1 ▶ Complete (blocked) Explain("Complete is blocked: the gate is not met\n- 1 of 2 items unticked in \"checklist: tasks.md\"; first: 2. Session côté serveur")
        .kiro/specs/connexion/tasks.md:5:1 Start Task { path: ".kiro/specs/connexion/tasks.md", id: "2", action: Start }
        .kiro/specs/connexion/tasks.md:5:1 Mark done Task { path: ".kiro/specs/connexion/tasks.md", id: "2", action: Done }
        .kiro/specs/connexion/tasks.md:8:1 Mark done Task { path: ".kiro/specs/connexion/tasks.md", id: "3", action: Done }
    "#]].assert_eq(&lenses(&ws, tasks));
    let start = ws.task_change(tasks, "2", crate::ide::TaskAction::Start).unwrap_or_else(|r| panic!("{r}"));
    assert!(applied(&ws, &start).contains("- [-] 2. Session côté serveur\n"), "{}", applied(&ws, &start));
    let done = ws.task_change(tasks, "3", crate::ide::TaskAction::Done).unwrap_or_else(|r| panic!("{r}"));
    assert!(applied(&ws, &done).contains("- [x] 3. Déconnexion\n"), "{}", applied(&ws, &done));
}

/// A Spec Kit feature (non-ASCII before the ranges): a spec with a user story, functional
/// requirements and a success criterion, and tasks labelled with the story.
const SPECKIT: &str = "//- .specify/memory/constitution.md
# Constitution
//- specs/001-albums/spec.md
# Feature Specification: Albums photo 📷

### User Story 1 - Parcourir les albums (Priority: P1)

Un visiteur voit ses albums, les plus récents d'abord.

### Functional Requirements

- **FR-001**: Le système DOIT lister les albums — récents d'abord
- **FR-002**: Le système DOIT permettre le tri

### Measurable Outcomes

- **SC-001**: 95 % des albums s'ouvrent en moins d'une seconde
//- specs/001-albums/tasks.md
# Tasks: Albums photo 📷

## Phase 3: User Story 1 - Parcourir (Priority: P1) 🎯

- [ ] T001 [P] [US1] Créer le modèle Album dans src/album.py
- [X] T002 [US1] Lister les albums dans src/list.py
- [ ] T003 Documenter l'API dans docs/api.md
";

#[test]
fn speckit_stories_requirements_and_tasks() {
    let tasks = "specs/001-albums/tasks.md";
    let spec = "specs/001-albums/spec.md";
    check_hover(
        &marked(SPECKIT, tasks, "US1", 1),
        expect![[r#"
        specs/001-albums/tasks.md:5:17 "US1"
        **User story `US1`** · `specs/001-albums/spec.md`

        Parcourir les albums (Priority: P1)
    "#]],
    );
    check_hover(
        &marked(SPECKIT, spec, "FR-001", 0),
        expect![[r#"
        specs/001-albums/spec.md:9:5 "FR-001"
        **Functional requirement `FR-001`** · `specs/001-albums/spec.md`

        Le système DOIT lister les albums — récents d'abord
    "#]],
    );
    check_hover(
        &marked(SPECKIT, spec, "SC-001", 0),
        expect![[r#"
        specs/001-albums/spec.md:14:5 "SC-001"
        **Success criterion `SC-001`** · `specs/001-albums/spec.md`

        95 % des albums s'ouvrent en moins d'une seconde
    "#]],
    );
    check_definition(
        &marked(SPECKIT, tasks, "US1", 0),
        expect![[r#"
        specs/001-albums/spec.md:3:5 "User Story 1"
    "#]],
    );
    check_references(
        &marked(SPECKIT, spec, "User Story 1", 0),
        expect![[r#"
        specs/001-albums/spec.md:3:5 "User Story 1"
        specs/001-albums/tasks.md:5:17 "US1"
        specs/001-albums/tasks.md:6:13 "US1"
    "#]],
    );
    check_completion(
        &SPECKIT.replace("- [ ] T003 Documenter", "- [ ] T003 [US$0 Documenter"),
        expect![[r#"
        replaces specs/001-albums/tasks.md:7:13 "US"
        US1 (Story, 1) Parcourir les albums (Priority: P1)
    "#]],
    );
    // A story is numbered by its heading: no rename; a task id is written as is.
    check_rename(
        &marked(SPECKIT, tasks, "US1", 0),
        "US2",
        expect![[r#"
        refused: user story `US1` cannot be renamed here: it is not written plainly where it is declared
    "#]],
    );
    check_rename(
        &marked(SPECKIT, tasks, "T003", 0),
        "T004",
        expect![[r#"
        renamed task `T003` to `T004`: 1 edit(s) in 1 file(s)
        //- specs/001-albums/tasks.md
        # Tasks: Albums photo 📷

        ## Phase 3: User Story 1 - Parcourir (Priority: P1) 🎯

        - [ ] T001 [P] [US1] Créer le modèle Album dans src/album.py
        - [X] T002 [US1] Lister les albums dans src/list.py
        - [ ] T004 Documenter l'API dans docs/api.md
    "#]],
    );
    // "Mark done" writes `[X]`, as /speckit.implement does; Spec Kit has no started mark.
    let (ws, _, _) = cursor(&(SPECKIT.to_string() + "$0"));
    expect![[r#"
        specs/001-albums/tasks.md:1:1 Spec Kit 001-albums · at implement (5/5) · gate unmet Explain("Spec Kit 001-albums · at implement (5/5) · gate unmet")
        specs/001-albums/tasks.md:1:1 ▶ Complete (blocked) Explain("Complete is blocked: the gate is not met\n- 2 of 3 items unticked in \"checklist: tasks.md\"; first: T001 [P] [US1] Créer le modèle Album dans src/album.py")
        specs/001-albums/tasks.md:5:1 Mark done Task { path: "specs/001-albums/tasks.md", id: "T001", action: Done }
        specs/001-albums/tasks.md:7:1 Mark done Task { path: "specs/001-albums/tasks.md", id: "T003", action: Done }
    "#]].assert_eq(&lenses(&ws, tasks));
    let done = ws.task_change(tasks, "T001", crate::ide::TaskAction::Done).unwrap_or_else(|r| panic!("{r}"));
    assert!(applied(&ws, &done).contains("- [X] T001 [P] [US1] Créer"), "{}", applied(&ws, &done));
}

/// A BMAD sprint (non-ASCII before the entries) and a story file.
const BMAD: &str = "//- _bmad/bmm/config.yaml
project_name: boutique
//- _bmad-output/implementation-artifacts/sprint-status.yaml
# Sprint — boutique en ligne ☕
story_location: _bmad-output/implementation-artifacts

development_status:
  epic-1: in-progress
  1-1-panier: done
  1-2-paiement: review
  epic-1-retrospective: optional
//- _bmad-output/implementation-artifacts/1-2-paiement.md
# Story 1.2: Paiement

Status: review
";

#[test]
fn bmad_sprint_entries() {
    let sprint = "_bmad-output/implementation-artifacts/sprint-status.yaml";
    // Hover on a status: the entry's place in its kind's statuses and the next one.
    check_hover(
        &marked(BMAD, sprint, "review", 1),
        expect![[r#"
        _bmad-output/implementation-artifacts/sprint-status.yaml:7:17 "review"
        **Phase 4 of 5: review** · workflow `1-2-paiement`

        review · current (run: `_bmad-output/implementation-artifacts/sprint-status.yaml`)

        Next: `done`
    "#]],
    );
    // Hover on a key: every status of the entry, the current one marked.
    check_hover(
        &marked(BMAD, sprint, "1-2-paiement", 3),
        expect![[r#"
        _bmad-output/implementation-artifacts/sprint-status.yaml:7:3 "1-2-paiement"
        **Workflow `1-2-paiement`** · `_bmad-output/implementation-artifacts/sprint-status.yaml`
        - ✓ backlog · passed
        - ✓ ready-for-dev · passed
        - ✓ in-progress · passed
        - ▶ review · current
        - · done · pending
    "#]],
    );
    // Completion of a status: the statuses of the key's kind.
    check_completion(
        &BMAD.replace("1-2-paiement: review", "1-2-paiement: re$0"),
        expect![[r#"
        replaces _bmad-output/implementation-artifacts/sprint-status.yaml:7:17 "re"
        backlog (Phase, 0) story status 1 of 5
        ready-for-dev (Phase, 1) story status 2 of 5
        in-progress (Phase, 2) story status 3 of 5
        review (Phase, 3) story status 4 of 5
        done (Phase, 4) story status 5 of 5
    "#]],
    );
    check_completion(
        &BMAD.replace("epic-1: in-progress", "epic-1: $0"),
        expect![[r#"
        replaces _bmad-output/implementation-artifacts/sprint-status.yaml:5:11 ""
        backlog (Phase, 0) epic status 1 of 3
        in-progress (Phase, 1) epic status 2 of 3
        done (Phase, 2) epic status 3 of 3
    "#]],
    );
    // A key names its story file: no rename.
    check_rename(
        &marked(BMAD, sprint, "1-2-paiement", 0),
        "1-2-payment",
        expect![[r#"
        refused: workflow `1-2-paiement` cannot be renamed here: its name comes from its file or folder name: rename the file
    "#]],
    );
    // Lenses: each entry's status and Advance.
    let (ws, _, _) = cursor(&(BMAD.to_string() + "$0"));
    expect![[r#"
        _bmad-output/implementation-artifacts/sprint-status.yaml:5:11 epic-1 · at in-progress (2/3) · gate met Explain("epic-1 · at in-progress (2/3) · gate met")
        _bmad-output/implementation-artifacts/sprint-status.yaml:5:11 ▶ Advance to done (blocked) Explain("Advance to done is blocked: `epic-1` cannot be done while stories of it are not\n- `1-2-paiement` is review")
        _bmad-output/implementation-artifacts/sprint-status.yaml:6:15 1-1-panier · completed (5 phases) Explain("1-1-panier · completed (5 phases)")
        _bmad-output/implementation-artifacts/sprint-status.yaml:7:17 1-2-paiement · at review (4/5) · gate met Explain("1-2-paiement · at review (4/5) · gate met")
        _bmad-output/implementation-artifacts/sprint-status.yaml:7:17 ▶ Advance to done Advance { workflow: "1-2-paiement", state: Some("_bmad-output/implementation-artifacts/sprint-status.yaml") }
        _bmad-output/implementation-artifacts/sprint-status.yaml:8:25 epic-1-retrospective · at optional (1/2) · gate met Explain("epic-1-retrospective · at optional (1/2) · gate met")
        _bmad-output/implementation-artifacts/sprint-status.yaml:8:25 ▶ Advance to done Advance { workflow: "epic-1-retrospective", state: Some("_bmad-output/implementation-artifacts/sprint-status.yaml") }
    "#]].assert_eq(&lenses(&ws, sprint));
    // A story file: its entry's status and Advance, on its `Status:` line.
    expect![[r#"
        _bmad-output/implementation-artifacts/1-2-paiement.md:3:9 1-2-paiement · at review (4/5) · gate met Explain("1-2-paiement · at review (4/5) · gate met")
        _bmad-output/implementation-artifacts/1-2-paiement.md:3:9 ▶ Advance to done Advance { workflow: "1-2-paiement", state: Some("_bmad-output/implementation-artifacts/sprint-status.yaml") }
    "#]]
    .assert_eq(&lenses(&ws, "_bmad-output/implementation-artifacts/1-2-paiement.md"));
}

#[test]
fn completion_of_many_requirements_keeps_the_nearest_and_says_it_is_incomplete() {
    let mut spec = String::from("//- far/billing/spec.md\n");
    for i in 1..=300 {
        spec.push_str(&format!("- R{i}: Far requirement {i}\n"));
    }
    spec.push_str("//- near/cart/spec.md\n- Q1: Near requirement\n//- near/cart/tasks.md\n- [ ] T1: Cart\n  - implements: $0\n");
    let complete = |spec: &str| {
        let (ws, path, offset) = cursor(spec);
        let c = ws.completion(&path, offset).unwrap_or_else(|| panic!("no completion"));
        (c.items.iter().map(|i| format!("{} ({})", i.label, i.rank)).collect::<Vec<_>>(), c.incomplete)
    };
    // Nothing typed: the feature's own requirements, the list marked incomplete (others exist).
    assert_eq!(complete(&spec), (vec!["Q1 (1)".to_string()], true));
    // Another feature named: its requirements, the first 200 of 300.
    let (labels, incomplete) = complete(&spec.replace("implements: $0", "implements: billing/$0"));
    assert!(incomplete);
    assert_eq!((labels.len(), labels[0].as_str()), (200, "billing/R1 (3)"));
    // Typing narrows the project's list to the labels holding what is typed.
    let (labels, incomplete) = complete(&spec.replace("implements: $0", "implements: R29$0"));
    assert!(!incomplete);
    assert_eq!(labels.len(), 11, "{labels:?}");
    assert!(labels.iter().all(|l| l.starts_with("billing/R29")), "{labels:?}");
}

/// An OpenSpec main spec and a change's delta spec (non-ASCII before the ranges).
const OPENSPEC: &str = "//- openspec/specs/auth/spec.md
# auth Specification

## Purpose
Authentification des membres — connexion et déconnexion sûres pour tous les comptes.

## Requirements
### Requirement: Connexion sécurisée
Le système SHALL ouvrir une session après des identifiants valides ✓.

#### Scenario: Identifiants valides
- **WHEN** un membre envoie des identifiants valides
- **THEN** une session est ouverte

### Requirement: Déconnexion
Le système SHALL fermer la session à la demande du membre.

#### Scenario: Fin de session
- **WHEN** le membre se déconnecte
- **THEN** la session est fermée
//- openspec/changes/add-2fa/specs/auth/spec.md
## ADDED Requirements
### Requirement: Second facteur — TOTP
Le système SHALL demander un code TOTP après le mot de passe.

#### Scenario: Code valide
- **WHEN** le code est valide
- **THEN** la session est ouverte

## MODIFIED Requirements
### Requirement: Connexion sécurisée
Le système SHALL ouvrir une session après des identifiants valides et un code ✓.

#### Scenario: Identifiants valides
- **WHEN** un membre envoie des identifiants valides et un code
- **THEN** une session est ouverte

## REMOVED Requirements
### Requirement: Déconnexion
**Reason**: les sessions expirent seules
**Migration**: aucune
";

#[test]
fn openspec_requirements_and_deltas() {
    let main = "openspec/specs/auth/spec.md";
    let delta = "openspec/changes/add-2fa/specs/auth/spec.md";
    // A MODIFIED requirement names the main spec's; so does a REMOVED one.
    check_definition(
        &marked(OPENSPEC, delta, "Connexion sécurisée", 3),
        expect![[r#"
        openspec/specs/auth/spec.md:7:18 "Connexion sécurisée"
    "#]],
    );
    check_hover(
        &marked(OPENSPEC, delta, "Déconnexion", 1),
        expect![[r#"
            openspec/changes/add-2fa/specs/auth/spec.md:18:18 "Déconnexion"
            **Requirement `Déconnexion`** · `openspec/specs/auth/spec.md`

            Le système SHALL fermer la session à la demande du membre.

            **Scenarios**
            - `Fin de session`: WHEN le membre se déconnecte, THEN la session est fermée
        "#]],
    );
    // References of a main spec's requirement: the changes that modify or remove it.
    check_references(
        &marked(OPENSPEC, main, "Connexion", 0),
        expect![[r#"
        openspec/specs/auth/spec.md:7:18 "Connexion sécurisée"
        openspec/changes/add-2fa/specs/auth/spec.md:10:18 "Connexion sécurisée"
    "#]],
    );
    // An ADDED requirement is declared in the delta.
    check_hover(
        &marked(OPENSPEC, delta, "Second facteur", 0),
        expect![[r#"
            openspec/changes/add-2fa/specs/auth/spec.md:2:18 "Second facteur — TOTP"
            **Requirement `Second facteur — TOTP`** · `openspec/changes/add-2fa/specs/auth/spec.md`

            Le système SHALL demander un code TOTP après le mot de passe.

            **Scenarios**
            - `Code valide`: WHEN le code est valide, THEN la session est ouverte
        "#]],
    );
    // A requirement is named by its header: renaming it is OpenSpec's RENAMED delta, not an edit.
    check_rename(
        &marked(OPENSPEC, main, "Connexion", 0),
        "Connexion forte",
        expect![[r#"
        refused: requirement `Connexion sécurisée` cannot be renamed here: it is not written plainly where it is declared
    "#]],
    );
    let (ws, _, _) = cursor(&(OPENSPEC.to_string() + "$0"));
    let names: Vec<String> = ws.workspace_symbols("sécur").iter().map(|s| format!("{} {}", s.name, s.location.path)).collect();
    assert_eq!(names, ["Connexion sécurisée openspec/specs/auth/spec.md"]);
}

/// An OpenSpec change's task list (non-ASCII before the ranges, `\r\n` line breaks): numbered
/// groups and tasks as the `spec-driven` template writes them, one without a number, one
/// repeated, one ticked `X`.
const OPENSPEC_TASKS: &str = "# Tâches — 2FA ✓\r\n\r\n## 1. Base de données\r\n- [ ] 1.1 Créer la table `totp_secrets`\r\n- [X] 1.2 Migrer les comptes\r\n\r\n## 2. Écrans\r\n- [ ] 2.1 Écran de saisie du code\r\n- [ ] Relire les textes\r\n- [ ] 2.1 Répété\r\n";

#[test]
fn openspec_tasks_get_lenses_symbols_and_hover() {
    let tasks = "openspec/changes/add-2fa/tasks.md";
    let spec = format!("{OPENSPEC}//- openspec/changes/add-2fa/.openspec.yaml\nschema: spec-driven\n//- {tasks}\n{OPENSPEC_TASKS}");
    let (ws, _, _) = cursor(&(spec.clone() + "$0"));
    // "Mark done" on each open numbered task; OpenSpec has no started state.
    let task_lenses: String = lenses(&ws, tasks).lines().filter(|l| l.contains("Task {")).map(|l| format!("{l}\n")).collect();
    expect![[r#"
        openspec/changes/add-2fa/tasks.md:4:1 Mark done Task { path: "openspec/changes/add-2fa/tasks.md", id: "1.1", action: Done }
        openspec/changes/add-2fa/tasks.md:8:1 Mark done Task { path: "openspec/changes/add-2fa/tasks.md", id: "2.1", action: Done }
    "#]]
    .assert_eq(&task_lenses);
    let done = ws.task_change(tasks, "2.1", crate::ide::TaskAction::Done).unwrap_or_else(|r| panic!("{r}"));
    assert!(applied(&ws, &done).contains("- [x] 2.1 Écran de saisie du code\r\n"), "{}", applied(&ws, &done));
    assert_eq!(
        ws.task_change(tasks, "1.1", crate::ide::TaskAction::Start).map_err(|r| r.to_string()),
        Err(format!("tasks of `{tasks}` have no started state; mark `1.1` done instead"))
    );
    // A delta spec (an artifact matched by the schema's `specs/**/*.md`) gets the change's lens too.
    let delta = lenses(&ws, "openspec/changes/add-2fa/specs/auth/spec.md");
    assert!(delta.starts_with("openspec/changes/add-2fa/specs/auth/spec.md:1:1 OpenSpec add-2fa · at "), "{delta}");
    // Document symbols: each numbered task once.
    let symbols: String =
        ws.document_symbols(tasks).iter().map(|s| format!("{:?} {} {}\n", s.kind, s.name, at(&ws, tasks, s.selection.start))).collect();
    expect![[r#"
        Task 1.1 Créer la table `totp_secrets` openspec/changes/add-2fa/tasks.md:4:7
        Task 1.2 Migrer les comptes openspec/changes/add-2fa/tasks.md:5:7
        Task 2.1 Écran de saisie du code openspec/changes/add-2fa/tasks.md:8:7
    "#]]
    .assert_eq(&symbols);
    let found: Vec<String> = ws.workspace_symbols("2.1").iter().map(|s| format!("{:?} {} {:?}", s.kind, s.name, s.container)).collect();
    expect![[r#"
        [
            "Task 2.1 Some(\"openspec/changes/add-2fa/tasks.md\")",
        ]
    "#]]
    .assert_debug_eq(&found);
    // Hover on a task: its state, text and group.
    check_hover(
        &marked(&spec, tasks, "1.2", 1),
        expect![[r#"
            openspec/changes/add-2fa/tasks.md:5:7 "1.2"
            **Task `1.2`** · done · `openspec/changes/add-2fa/tasks.md`

            Migrer les comptes

            Under *1. Base de données*
        "#]],
    );
}

/// The requirements of `path` in the shared model with their acceptance scenarios or criteria:
/// each id, range and clause as `path:line:col` (1-based, UTF-8 byte columns) and its text.
fn model(ws: &Workspace, path: &str) -> String {
    let mut out = String::new();
    let Some(file) = ws.files.get(path) else { return out };
    for r in &file.requirements {
        out.push_str(&format!("{} {:?}\n", show(ws, path, r.id.range), r.text));
        for a in &r.acceptance {
            out.push_str(&format!("  {} {} {:?} {}\n", a.noun, a.id.name, a.text, show(ws, path, a.id.range)));
            out.push_str(&format!("    all {}\n", show(ws, path, a.range)));
            for s in &a.steps(&file.view()) {
                out.push_str(&format!("    {} {:?} {}\n", s.keyword, s.text, show(ws, path, s.range)));
            }
        }
    }
    out
}

/// `spec` with every line break of the file at `path` made `\r\n`.
fn crlf(spec: &str, path: &str) -> String {
    let header = format!("//- {path}\n");
    let start = spec.find(&header).unwrap_or_else(|| panic!("{path}")) + header.len();
    let end = spec[start..].find("//- ").map_or(spec.len(), |e| start + e);
    format!("{}{}{}", &spec[..start], spec[start..end].replace('\n', "\r\n"), &spec[end..])
}

/// The outline of `path`, one entry a line, children indented.
fn outline(ws: &Workspace, path: &str) -> String {
    fn render(ws: &Workspace, path: &str, list: &[crate::ide::DocumentSymbol], depth: usize, out: &mut String) {
        for s in list {
            assert!(s.range.start <= s.selection.start && s.selection.end <= s.range.end, "{s:?}");
            for c in &s.children {
                assert!(s.range.start <= c.range.start && c.range.end <= s.range.end, "{c:?} outside {s:?}");
            }
            out.push_str(&format!("{}{:?} {} [{}] {}\n", "  ".repeat(depth), s.kind, s.name, s.detail, show(ws, path, s.selection)));
            render(ws, path, &s.children, depth + 1, out);
        }
    }
    let mut out = String::new();
    render(ws, path, &ws.document_symbols(path), 0, &mut out);
    out
}

/// Spec Kit stories with their acceptance scenarios (the spec template's form), and the odd
/// forms: a list before any story, numbers out of order, a loose list, a wrapped item, a label
/// with no list.
const SPECKIT_SCENARIOS: &str = "//- .specify/memory/constitution.md
# Constitution
//- specs/002-galerie/spec.md
# Feature Specification: Galerie 🖼️

**Acceptance Scenarios**:

1. **Given** no story yet, **When** read, **Then** nothing is kept

## User Scenarios & Testing

### User Story 1 - Parcourir la galerie (Priority: P1)

Un visiteur parcourt ses photos.

**Acceptance Scenarios**:

1. **Given** un membre connecté, **When** il ouvre « Galerie », **Then** il voit ses photos
2. **Given** une galerie vide, **When** il l'ouvre,
   **Then** un message l'invite à importer

---

### User Story 2 - Partager (Priority: P2)

**Acceptance Scenarios**:

3. **Given** a photo, **When** shared, **Then** a link is made

1. **Given** a link, **When** opened twice, **Then** the same photo shows
   - a nested note, not a scenario

Not a scenario: the list ended.

2. **Given** nothing, **When** anything, **Then** not read

### User Story 3 - Vide (Priority: P3)

**Acceptance Scenarios**:

### Edge Cases

1. **Given** an edge case, **When** listed, **Then** not a scenario of story 3

## Requirements

- **FR-001**: Le système DOIT afficher la galerie
//- specs/002-galerie/tasks.md
# Tasks: Galerie

## Phase 3: User Story 1 - Parcourir (Priority: P1)

- [ ] T001 [US1] Créer la vue dans src/gallery.py
- [ ] T002 [US2] Partager dans src/share.py
";

#[test]
fn speckit_story_scenarios_with_ranges() {
    let spec = "specs/002-galerie/spec.md";
    let (ws, _, _) = cursor(&(SPECKIT_SCENARIOS.to_string() + "$0"));
    let lf = model(&ws, spec);
    expect![[r#"
        specs/002-galerie/spec.md:9:5 "User Story 1" "Parcourir la galerie (Priority: P1)"
          acceptance scenario 1 "Given un membre connecté, When il ouvre « Galerie », Then il voit ses photos" specs/002-galerie/spec.md:15:1 "1"
            all specs/002-galerie/spec.md:15:1 "1. **Given** un membre connecté, **When** il ouvre « Galerie », **Then** il voit ses photos"
            Given "un membre connecté" specs/002-galerie/spec.md:15:6 "Given** un membre connecté"
            When "il ouvre « Galerie »" specs/002-galerie/spec.md:15:37 "When** il ouvre « Galerie »"
            Then "il voit ses photos" specs/002-galerie/spec.md:15:70 "Then** il voit ses photos"
          acceptance scenario 2 "Given une galerie vide, When il l'ouvre,\nThen un message l'invite à importer" specs/002-galerie/spec.md:16:1 "2"
            all specs/002-galerie/spec.md:16:1 "2. **Given** une galerie vide, **When** il l'ouvre,\n   **Then** un message l'invite à importer"
            Given "une galerie vide" specs/002-galerie/spec.md:16:6 "Given** une galerie vide"
            When "il l'ouvre" specs/002-galerie/spec.md:16:34 "When** il l'ouvre"
            Then "un message l'invite à importer" specs/002-galerie/spec.md:17:6 "Then** un message l'invite à importer"
        specs/002-galerie/spec.md:21:5 "User Story 2" "Partager (Priority: P2)"
          acceptance scenario 1 "Given a photo, When shared, Then a link is made" specs/002-galerie/spec.md:25:1 "3"
            all specs/002-galerie/spec.md:25:1 "3. **Given** a photo, **When** shared, **Then** a link is made"
            Given "a photo" specs/002-galerie/spec.md:25:6 "Given** a photo"
            When "shared" specs/002-galerie/spec.md:25:25 "When** shared"
            Then "a link is made" specs/002-galerie/spec.md:25:42 "Then** a link is made"
          acceptance scenario 2 "Given a link, When opened twice, Then the same photo shows" specs/002-galerie/spec.md:27:1 "1"
            all specs/002-galerie/spec.md:27:1 "1. **Given** a link, **When** opened twice, **Then** the same photo shows"
            Given "a link" specs/002-galerie/spec.md:27:6 "Given** a link"
            When "opened twice" specs/002-galerie/spec.md:27:24 "When** opened twice"
            Then "the same photo shows" specs/002-galerie/spec.md:27:47 "Then** the same photo shows"
        specs/002-galerie/spec.md:34:5 "User Story 3" "Vide (Priority: P3)"
        specs/002-galerie/spec.md:44:5 "FR-001" "Le système DOIT afficher la galerie"
    "#]].assert_eq(&lf);
    // The same with `\r\n` line breaks: the same places, a wrapped item's range spans the break.
    let (ws, _, _) = cursor(&(crlf(SPECKIT_SCENARIOS, spec) + "$0"));
    let both = model(&ws, spec);
    assert!(both.contains("\\r\\n   **Then**"), "{both}");
    assert_eq!(both.replace("\\r", ""), lf);
    // Hover on a task's story label: the story and its scenarios.
    check_hover(
        &marked(SPECKIT_SCENARIOS, "specs/002-galerie/tasks.md", "US1", 0),
        expect![[r#"
            specs/002-galerie/tasks.md:5:13 "US1"
            **User story `US1`** · `specs/002-galerie/spec.md`

            Parcourir la galerie (Priority: P1)

            **Acceptance scenarios**
            - `1`: Given un membre connecté, When il ouvre « Galerie », Then il voit ses photos
            - `2`: Given une galerie vide, When il l'ouvre, Then un message l'invite à importer
        "#]],
    );
    // The outline: each story with its scenarios.
    expect![[r#"
        Story US1 [Parcourir la galerie (Priority: P1)] specs/002-galerie/spec.md:9:5 "User Story 1"
          Acceptance Scenario 1 [Given un membre connecté, When il ouvre « Galerie », Then il voit ses photos] specs/002-galerie/spec.md:15:1 "1"
          Acceptance Scenario 2 [Given une galerie vide, When il l'ouvre, Then un message l'invite à importer] specs/002-galerie/spec.md:16:1 "2"
        Story US2 [Partager (Priority: P2)] specs/002-galerie/spec.md:21:5 "User Story 2"
          Acceptance Scenario 1 [Given a photo, When shared, Then a link is made] specs/002-galerie/spec.md:25:1 "3"
          Acceptance Scenario 2 [Given a link, When opened twice, Then the same photo shows] specs/002-galerie/spec.md:27:1 "1"
        Story US3 [Vide (Priority: P3)] specs/002-galerie/spec.md:34:5 "User Story 3"
        Requirement FR-001 [Le système DOIT afficher la galerie] specs/002-galerie/spec.md:44:5 "FR-001"
    "#]].assert_eq(&outline(&ws, spec));
}

#[test]
fn kiro_criteria_in_the_model_hover_and_outline() {
    let requirements = ".kiro/specs/connexion/requirements.md";
    let (ws, _, _) = cursor(&(KIRO.to_string() + "$0"));
    let lf = model(&ws, requirements);
    expect![[r#"
        .kiro/specs/connexion/requirements.md:5:5 "Requirement 1: Se connecter" "Requirement 1: Se connecter"
          acceptance criterion 1.1 "WHEN un membre envoie des identifiants valides THEN le système SHALL ouvrir une session" .kiro/specs/connexion/requirements.md:11:1 "1"
            all .kiro/specs/connexion/requirements.md:11:1 "1. WHEN un membre envoie des identifiants valides THEN le système SHALL ouvrir une session"
            WHEN "un membre envoie des identifiants valides" .kiro/specs/connexion/requirements.md:11:4 "WHEN un membre envoie des identifiants valides"
            THEN "le système SHALL ouvrir une session" .kiro/specs/connexion/requirements.md:11:51 "THEN le système SHALL ouvrir une session"
          acceptance criterion 1.2 "WHEN les identifiants sont faux THEN le système SHALL le dire sans nommer le champ" .kiro/specs/connexion/requirements.md:12:1 "2"
            all .kiro/specs/connexion/requirements.md:12:1 "2. WHEN les identifiants sont faux THEN le système SHALL le dire sans nommer le champ"
            WHEN "les identifiants sont faux" .kiro/specs/connexion/requirements.md:12:4 "WHEN les identifiants sont faux"
            THEN "le système SHALL le dire sans nommer le champ" .kiro/specs/connexion/requirements.md:12:36 "THEN le système SHALL le dire sans nommer le champ"
        .kiro/specs/connexion/requirements.md:14:5 "Requirement 2: Se déconnecter" "Requirement 2: Se déconnecter"
          acceptance criterion 2.1 "WHEN un membre se déconnecte THEN le système SHALL fermer la session" .kiro/specs/connexion/requirements.md:18:1 "1"
            all .kiro/specs/connexion/requirements.md:18:1 "1. WHEN un membre se déconnecte THEN le système SHALL fermer la session"
            WHEN "un membre se déconnecte" .kiro/specs/connexion/requirements.md:18:4 "WHEN un membre se déconnecte"
            THEN "le système SHALL fermer la session" .kiro/specs/connexion/requirements.md:18:34 "THEN le système SHALL fermer la session"
    "#]].assert_eq(&lf);
    let (ws, _, _) = cursor(&(crlf(KIRO, requirements) + "$0"));
    assert_eq!(model(&ws, requirements), lf);
    // A whole requirement named by `_Requirements:`: its criteria.
    check_hover(
        &marked(KIRO, ".kiro/specs/connexion/tasks.md", ", 2_", 2),
        expect![[r#"
        .kiro/specs/connexion/tasks.md:6:31 "2"
        **Requirement `2`** · `.kiro/specs/connexion/requirements.md`

        Requirement 2: Se déconnecter

        **Acceptance criteria**
        - `2.1`: WHEN un membre se déconnecte, THEN le système SHALL fermer la session
    "#]],
    );
    // Criteria under their requirement, not beside it.
    expect![[r#"
        Requirement 1 [Requirement 1: Se connecter] .kiro/specs/connexion/requirements.md:5:5 "Requirement 1"
          Acceptance 1.1 [WHEN un membre envoie des identifiants valides, THEN le système SHALL ouvrir un…] .kiro/specs/connexion/requirements.md:11:1 "1"
          Acceptance 1.2 [WHEN les identifiants sont faux, THEN le système SHALL le dire sans nommer le c…] .kiro/specs/connexion/requirements.md:12:1 "2"
        Requirement 2 [Requirement 2: Se déconnecter] .kiro/specs/connexion/requirements.md:14:5 "Requirement 2"
          Acceptance 2.1 [WHEN un membre se déconnecte, THEN le système SHALL fermer la session] .kiro/specs/connexion/requirements.md:18:1 "1"
    "#]].assert_eq(&outline(&ws, requirements));
    // Go to definition on a criterion lands on its line, in CRLF too.
    check_definition(
        &marked(&crlf(KIRO, requirements), ".kiro/specs/connexion/tasks.md", "1.2_", 0),
        expect![[r#"
            .kiro/specs/connexion/requirements.md:12:1 "2"
        "#]],
    );
}

#[test]
fn openspec_scenarios_in_the_model_hover_and_outline() {
    let main = "openspec/specs/auth/spec.md";
    let delta = "openspec/changes/add-2fa/specs/auth/spec.md";
    let (ws, _, _) = cursor(&(OPENSPEC.to_string() + "$0"));
    let lf = model(&ws, main);
    expect![[r#####"
        openspec/specs/auth/spec.md:7:18 "Connexion sécurisée" "Le système SHALL ouvrir une session après des identifiants valides ✓."
          scenario Identifiants valides "- **WHEN** un membre envoie des identifiants valides\n- **THEN** une session est ouverte" openspec/specs/auth/spec.md:10:16 "Identifiants valides"
            all openspec/specs/auth/spec.md:10:1 "#### Scenario: Identifiants valides\n- **WHEN** un membre envoie des identifiants valides\n- **THEN** une session est ouverte"
            WHEN "un membre envoie des identifiants valides" openspec/specs/auth/spec.md:11:5 "WHEN** un membre envoie des identifiants valides"
            THEN "une session est ouverte" openspec/specs/auth/spec.md:12:5 "THEN** une session est ouverte"
        openspec/specs/auth/spec.md:14:18 "Déconnexion" "Le système SHALL fermer la session à la demande du membre."
          scenario Fin de session "- **WHEN** le membre se déconnecte\n- **THEN** la session est fermée" openspec/specs/auth/spec.md:17:16 "Fin de session"
            all openspec/specs/auth/spec.md:17:1 "#### Scenario: Fin de session\n- **WHEN** le membre se déconnecte\n- **THEN** la session est fermée"
            WHEN "le membre se déconnecte" openspec/specs/auth/spec.md:18:5 "WHEN** le membre se déconnecte"
            THEN "la session est fermée" openspec/specs/auth/spec.md:19:5 "THEN** la session est fermée"
    "#####]].assert_eq(&lf);
    // Only the ADDED requirement is declared by the delta.
    expect![[r#####"
        openspec/changes/add-2fa/specs/auth/spec.md:2:18 "Second facteur — TOTP" "Le système SHALL demander un code TOTP après le mot de passe."
          scenario Code valide "- **WHEN** le code est valide\n- **THEN** la session est ouverte" openspec/changes/add-2fa/specs/auth/spec.md:5:16 "Code valide"
            all openspec/changes/add-2fa/specs/auth/spec.md:5:1 "#### Scenario: Code valide\n- **WHEN** le code est valide\n- **THEN** la session est ouverte"
            WHEN "le code est valide" openspec/changes/add-2fa/specs/auth/spec.md:6:5 "WHEN** le code est valide"
            THEN "la session est ouverte" openspec/changes/add-2fa/specs/auth/spec.md:7:5 "THEN** la session est ouverte"
    "#####]].assert_eq(&model(&ws, delta));
    // With `\r\n` line breaks: the same places; a scenario's range spans its lines.
    let (ws, _, _) = cursor(&(crlf(OPENSPEC, main) + "$0"));
    let both = model(&ws, main);
    assert!(both.contains("Identifiants valides\\r\\n- **WHEN**"), "{both}");
    assert_eq!(both.replace("\\r", ""), lf);
    check_hover(
        &marked(OPENSPEC, delta, "Connexion sécurisée", 0),
        expect![[r#"
        openspec/changes/add-2fa/specs/auth/spec.md:10:18 "Connexion sécurisée"
        **Requirement `Connexion sécurisée`** · `openspec/specs/auth/spec.md`

        Le système SHALL ouvrir une session après des identifiants valides ✓.

        **Scenarios**
        - `Identifiants valides`: WHEN un membre envoie des identifiants valides, THEN une session est ouverte
    "#]],
    );
    expect![[r#"
        Requirement Connexion sécurisée [Le système SHALL ouvrir une session après des identifiants valides ✓.] openspec/specs/auth/spec.md:7:18 "Connexion sécurisée"
          Acceptance Identifiants valides [WHEN un membre envoie des identifiants valides, THEN une session est ouverte] openspec/specs/auth/spec.md:10:16 "Identifiants valides"
        Requirement Déconnexion [Le système SHALL fermer la session à la demande du membre.] openspec/specs/auth/spec.md:14:18 "Déconnexion"
          Acceptance Fin de session [WHEN le membre se déconnecte, THEN la session est fermée] openspec/specs/auth/spec.md:17:16 "Fin de session"
    "#]].assert_eq(&outline(&ws, main));
}

/// Malformed acceptance lists never panic and keep nothing they cannot place: per case, the
/// acceptance items read in each framework's file (Spec Kit, Kiro, OpenSpec).
#[test]
fn malformed_acceptance_lists() {
    let mut out = String::new();
    for text in [
        "**Acceptance Scenarios**:\n1. **Given** x",
        "### User Story 1 - A\n**Acceptance Scenarios**:",
        "### User Story 1 - A\n**Acceptance Scenarios**:\n\n\n\n1.\n2. **Given**\n99999999999. **When** x **Then**\n- **Given** ",
        "### User Story x - A\n**Acceptance Scenarios**:\n1. y",
        "### User Story 1 - A\n**Acceptance Scenarios**:\n1. **Given** é\r\n\r\n\r2. **When** ü **Then** \u{1F600}",
    ] {
        let spec = format!(
            "//- .specify/memory/constitution.md\n# C\n//- specs/001-a/spec.md\n{text}\n//- .kiro/specs/a/requirements.md\n### Requirement 1\n#### Acceptance Criteria\n{text}\n//- openspec/specs/a/spec.md\n# A\n## Purpose\nx\n## Requirements\n### Requirement: R\n#### Scenario: \n{text}\n#### Scenario: S ##\n"
        );
        let (ws, _, _) = cursor(&(spec + "$0"));
        for path in ["specs/001-a/spec.md", ".kiro/specs/a/requirements.md", "openspec/specs/a/spec.md"] {
            let _ = model(&ws, path);
            let _ = outline(&ws, path);
            let items: Vec<String> = ws.files[path].requirements.iter().flat_map(|r| &r.acceptance).map(|a| a.id.name.clone()).collect();
            out.push_str(&format!("{:?} ", items));
        }
        out.push('\n');
    }
    expect![[r#"
        [] ["1.1"] ["", "S"] 
        [] [] ["", "S"] 
        ["1", "2"] [] ["", "S"] 
        [] [] ["", "S"] 
        ["1", "2"] [] ["", "S"] 
    "#]]
    .assert_eq(&out);
}

/// A Spec Kit workflow definition (a gate between two commands, a gate taking its decision from
/// an input) and runs of it, each with its snapshot: paused at the gate, interrupted at a
/// command, failed, aborted by a rejection, completed.
const SPECKIT_RUNS_DEF: &str = "schema_version: \"1.0\"\nworkflow:\n  id: sdd\n  name: Full SDD\n  version: \"1.0.0\"\ninputs:\n  verdict:\n    type: string\n    default: \"\"\nsteps:\n  - id: specify\n    command: speckit.specify\n  - id: review\n    type: gate\n    message: Review the spec\n  - id: plan\n    command: speckit.plan\n  - id: sign-off\n    type: gate\n    message: Sign off the plan\n    options: [approve, reject]\n    verdict_input: verdict\n";

fn speckit_runs(runs: &[(&str, &str)]) -> Workspace {
    let mut spec = format!("//- .specify/workflows/sdd/workflow.yml\n{SPECKIT_RUNS_DEF}");
    for (id, state) in runs {
        spec.push_str(&format!(
            "//- .specify/workflows/runs/{id}/workflow.yml\n{SPECKIT_RUNS_DEF}//- .specify/workflows/runs/{id}/state.json\n{{\"run_id\": \"{id}\", \"workflow_id\": \"sdd\", {state}, \"step_results\": {{}}}}\n"
        ));
    }
    fixture::workspace(&spec)
}

/// The Advance code actions on `path`: title, and why disabled.
fn advance_actions(ws: &Workspace, path: &str) -> String {
    ws.code_actions(path, TextRange::empty(0), "2026-01-01T00:00:00Z")
        .iter()
        .filter(|a| a.kind == crate::actions::ActionKind::Advance)
        .map(|a| format!("{} {:?} enabled: {}\n", a.title, a.disabled, a.change.is_some()))
        .collect()
}

#[test]
fn speckit_run_lenses_say_what_the_engine_waits_for() {
    let ws = speckit_runs(&[
        ("gate1", "\"status\": \"paused\", \"current_step_index\": 1, \"current_step_id\": \"review\""),
        ("verdict", "\"status\": \"paused\", \"current_step_index\": 3, \"current_step_id\": \"sign-off\""),
        ("cut", "\"status\": \"paused\", \"current_step_index\": 2, \"current_step_id\": \"plan\""),
        ("boom", "\"status\": \"failed\", \"current_step_index\": 2, \"current_step_id\": \"plan\", \"error\": \"agent exited with 1\""),
        (
            "nope",
            "\"status\": \"aborted\", \"current_step_index\": 1, \"current_step_id\": \"review\", \"error\": \"Gate rejected by user at step 'review'\"",
        ),
        ("done", "\"status\": \"completed\", \"current_step_index\": 3, \"current_step_id\": \"sign-off\""),
    ]);
    let state = |id: &str| format!(".specify/workflows/runs/{id}/state.json");
    // Paused at a gate: the run waits for a reviewer's decision; resuming asks for it again
    // (`WorkflowEngine.resume` runs the current step again). No advance to `plan` is offered,
    // and the lens names the workflow, not the run's id.
    expect![[r#"
        .specify/workflows/runs/gate1/state.json:1:85 Spec Kit Full SDD · at review (2/4) · waiting for a decision Explain("Spec Kit Full SDD · at review (2/4) · waiting for a decision\n- run gate1 of workflow sdd\n- gate review: Review the spec")
        .specify/workflows/runs/gate1/state.json:1:85 ▶ Advance (blocked) Explain("Advance is blocked: the run waits at gate `review` for a decision (approve or reject)\n- gate `review`: Review the spec\n- `specify workflow resume gate1` asks for the decision in a terminal")
    "#]]
    .assert_eq(&lenses(&ws, &state("gate1")));
    // The code action says the same.
    expect![[r#"
        Advance Full SDD (run gate1) Some("the run waits at gate `review` for a decision (approve or reject)\n  - gate `review`: Review the spec\n  - `specify workflow resume gate1` asks for the decision in a terminal") enabled: false
    "#]].assert_eq(&advance_actions(&ws, &state("gate1")));
    expect![[r#"
        .specify/workflows/runs/verdict/state.json:1:87 Spec Kit Full SDD · at sign-off (4/4) · waiting for a decision Explain("Spec Kit Full SDD · at sign-off (4/4) · waiting for a decision\n- run verdict of workflow sdd\n- gate sign-off: Sign off the plan")
        .specify/workflows/runs/verdict/state.json:1:87 ▶ Advance (blocked) Explain("Advance is blocked: the run waits at gate `sign-off` for a decision (approve or reject)\n- gate `sign-off`: Sign off the plan\n- `specify workflow resume verdict` asks for the decision in a terminal\n- or gives it as input `verdict`: `specify workflow resume verdict --input verdict=approve`")
    "#]].assert_eq(&lenses(&ws, &state("verdict")));
    expect![[r#"
        .specify/workflows/runs/cut/state.json:1:83 Spec Kit Full SDD · at plan (3/4) · paused (interrupted) Explain("Spec Kit Full SDD · at plan (3/4) · paused (interrupted)\n- run cut of workflow sdd")
        .specify/workflows/runs/cut/state.json:1:83 ▶ Advance (blocked) Explain("Advance is blocked: the run was interrupted at step `plan` (a command step)\n- `specify workflow resume cut` runs `plan` again")
    "#]].assert_eq(&lenses(&ws, &state("cut")));
    expect![[r#"
        .specify/workflows/runs/boom/state.json:1:84 Spec Kit Full SDD · at plan (3/4) · failed Explain("Spec Kit Full SDD · at plan (3/4) · failed\n- run boom of workflow sdd")
        .specify/workflows/runs/boom/state.json:1:84 ▶ Advance (blocked) Explain("Advance is blocked: the run failed at step `plan`\n- error: agent exited with 1\n- `specify workflow resume boom` runs `plan` again")
    "#]].assert_eq(&lenses(&ws, &state("boom")));
    expect![[r#"
        .specify/workflows/runs/nope/state.json:1:85 Spec Kit Full SDD · at review (2/4) · aborted Explain("Spec Kit Full SDD · at review (2/4) · aborted\n- run nope of workflow sdd")
        .specify/workflows/runs/nope/state.json:1:85 ▶ Advance (blocked) Explain("Advance is blocked: the run was aborted at step `review`; Spec Kit does not resume an aborted run\n- error: Gate rejected by user at step 'review'\n- `specify workflow run sdd` starts a new run")
    "#]].assert_eq(&lenses(&ws, &state("nope")));
    expect![[r#"
        .specify/workflows/runs/done/state.json:1:87 Spec Kit Full SDD · completed (4 steps) Explain("Spec Kit Full SDD · completed (4 steps)\n- run done of workflow sdd")
    "#]].assert_eq(&lenses(&ws, &state("done")));
    // The snapshot's step headings: the current step's Advance is the run's.
    expect![[r#"
        .specify/workflows/runs/gate1/workflow.yml:11:9 specify · passed Explain("specify · passed")
        .specify/workflows/runs/gate1/workflow.yml:13:9 review · current · gate: manual Explain("review · current · gate: manual")
        .specify/workflows/runs/gate1/workflow.yml:13:9 ▶ Advance (blocked) Explain("Advance is blocked: the run waits at gate `review` for a decision (approve or reject)\n- gate `review`: Review the spec\n- `specify workflow resume gate1` asks for the decision in a terminal")
        .specify/workflows/runs/gate1/workflow.yml:16:9 plan · pending Explain("plan · pending")
        .specify/workflows/runs/gate1/workflow.yml:18:9 sign-off · pending · gate: manual Explain("sign-off · pending · gate: manual")
    "#]].assert_eq(&lenses(&ws, ".specify/workflows/runs/gate1/workflow.yml"));
    // And `phasegate advance` refuses with the same reason.
    expect![[r#"
        the run waits at gate `review` for a decision (approve or reject)
          - gate `review`: Review the spec
          - `specify workflow resume gate1` asks for the decision in a terminal"#]]
    .assert_eq(&ws.advance("gate1", None, None, "2026-01-01T00:00:00Z").map(|c| c.summary).unwrap_or_else(|r| r.to_string()));
}

#[test]
fn speckit_run_gate_message_and_status_as_the_engine_left_them() {
    // A gate whose message holds an expression: the run that paused there recorded it evaluated
    // (`step_results.<step>.output.message`, as specify-cli's gate step writes it); a run that
    // recorded none shows the definition's, marked as written.
    let def = "schema_version: \"1.0\"\nworkflow:\n  id: sdd\n  name: Full SDD\n  version: \"1.0.0\"\ninputs:\n  feature:\n    type: string\nsteps:\n  - id: specify\n    command: speckit.specify\n  - id: review\n    type: gate\n    message: \"Review {{ inputs.feature }}\"\n  - id: plan\n    command: speckit.plan\n";
    let run = |id: &str, rest: &str| {
        format!(
            "//- .specify/workflows/runs/{id}/workflow.yml\n{def}//- .specify/workflows/runs/{id}/state.json\n{{\"run_id\": \"{id}\", \"workflow_id\": \"sdd\", {rest}}}\n"
        )
    };
    let ws = fixture::workspace(&format!(
        "//- .specify/workflows/sdd/workflow.yml\n{def}{}{}{}{}",
        run(
            "told",
            "\"status\": \"paused\", \"current_step_index\": 1, \"current_step_id\": \"review\", \"step_results\": {\"specify\": {\"status\": \"completed\"}, \"review\": {\"status\": \"paused\", \"output\": {\"message\": \"Review dark-mode\", \"options\": [\"approve\", \"reject\"]}}}"
        ),
        run("untold", "\"status\": \"paused\", \"current_step_index\": 1, \"current_step_id\": \"review\", \"step_results\": {}"),
        run("done", "\"status\": \"completed\", \"current_step_index\": 2, \"current_step_id\": \"plan\", \"step_results\": {}"),
        // Cut off mid-write: no JSON.
        run("torn", "\"status\": \"paused\",\n").trim_end_matches("}\n"),
    ));
    let state = |id: &str| format!(".specify/workflows/runs/{id}/state.json");
    expect![[r#"
        .specify/workflows/runs/told/state.json:1:84 Spec Kit Full SDD · at review (2/3) · waiting for a decision Explain("Spec Kit Full SDD · at review (2/3) · waiting for a decision\n- run told of workflow sdd\n- gate review: Review dark-mode")
        .specify/workflows/runs/told/state.json:1:84 ▶ Advance (blocked) Explain("Advance is blocked: the run waits at gate `review` for a decision (approve or reject)\n- gate `review`: Review dark-mode\n- `specify workflow resume told` asks for the decision in a terminal")
    "#]]
    .assert_eq(&lenses(&ws, &state("told")));
    expect![[r#"
        .specify/workflows/runs/untold/state.json:1:86 Spec Kit Full SDD · at review (2/3) · waiting for a decision Explain("Spec Kit Full SDD · at review (2/3) · waiting for a decision\n- run untold of workflow sdd\n- gate review: Review {{ inputs.feature }} (as the definition writes it: Spec Kit fills in `{{ … }}` when it runs the gate)")
        .specify/workflows/runs/untold/state.json:1:86 ▶ Advance (blocked) Explain("Advance is blocked: the run waits at gate `review` for a decision (approve or reject)\n- gate `review`: Review {{ inputs.feature }} (as the definition writes it: Spec Kit fills in `{{ … }}` when it runs the gate)\n- `specify workflow resume untold` asks for the decision in a terminal")
    "#]]
    .assert_eq(&lenses(&ws, &state("untold")));
    // `status`: no next step for a run the engine moves, and what the engine waits for instead;
    // a completed run stands at no step.
    let status: String = ws
        .status()
        .iter()
        .filter(|s| s.path.starts_with(".specify/workflows/runs/"))
        .map(|s| {
            format!("{} {} state={:?} current={:?} next={:?} engine={:?}\n", s.name, s.status, s.state_path, s.current, s.next, s.engine)
        })
        .collect();
    expect![[r#"
        done completed state=Some(".specify/workflows/runs/done/state.json") current=None next=None engine=None
        told in-progress state=Some(".specify/workflows/runs/told/state.json") current=Some("review") next=None engine=Some("Spec Kit's engine runs `Full SDD`: the run waits at gate `review` for a decision (approve or reject); gate `review`: Review dark-mode; `specify workflow resume told` asks for the decision in a terminal")
        torn unknown state=Some(".specify/workflows/runs/torn/state.json") current=None next=None engine=Some("Spec Kit cannot load run `torn`: its `state.json` is not a JSON object")
        untold in-progress state=Some(".specify/workflows/runs/untold/state.json") current=Some("review") next=None engine=Some("Spec Kit's engine runs `Full SDD`: the run waits at gate `review` for a decision (approve or reject); gate `review`: Review {{ inputs.feature }} (as the definition writes it: Spec Kit fills in `{{ … }}` when it runs the gate); `specify workflow resume untold` asks for the decision in a terminal")
    "#]]
    .assert_eq(&status);
    // The torn run's state.json is its snapshot's, for `status` on that file; no action is offered
    // on it (Spec Kit's engine runs the snapshot, and cannot load this run).
    assert_eq!(ws.workflows_of_file(&state("torn")), vec!["torn".to_string()]);
    let actions: Vec<String> =
        ws.code_actions(&state("torn"), TextRange::empty(0), "2026-01-01T00:00:00Z").into_iter().map(|a| a.title).collect();
    assert_eq!(actions, Vec::<String>::new());
}

#[test]
fn speckit_run_hovers_name_the_workflow_and_what_the_engine_waits_for() {
    let ws = speckit_runs(&[("gate1", "\"status\": \"paused\", \"current_step_index\": 1, \"current_step_id\": \"review\"")]);
    let hover = |path: &str, needle: &str| {
        let text = ws.text(path).unwrap_or_default();
        let at = text.find(needle).map_or(0, |i| i + needle.len() - 1);
        format!("{}\n", ws.hover(path, at).map(|h| h.markdown).unwrap_or_default())
    };
    let snapshot = ".specify/workflows/runs/gate1/workflow.yml";
    // The run's current step: no "Next: plan" (the gate's decision chooses), the engine's view.
    expect![[r#"
        **Step 2 of 4: review** · Spec Kit `Full SDD`, run `gate1`

        review · current · gate: manual (run: `.specify/workflows/runs/gate1/state.json`)

        Spec Kit's engine moves the run: the run waits at gate `review` for a decision (approve or reject)
        - gate `review`: Review the spec
        - `specify workflow resume gate1` asks for the decision in a terminal

        **Gate**
        - ○ gate `review`: Review the spec (manual: shown, not checked)
    "#]]
    .assert_eq(&hover(snapshot, "id: review"));
    expect![[r#"
        **Step 3 of 4: plan** · Spec Kit `Full SDD`, run `gate1`

        plan · pending (run: `.specify/workflows/runs/gate1/state.json`)
    "#]]
    .assert_eq(&hover(snapshot, "id: plan"));
    // `workflow_id` in the run's state: the workflow by its name, the run and where it stands.
    expect![[r#"
        **Spec Kit `Full SDD`** · run `gate1` · `.specify/workflows/runs/gate1/workflow.yml` · waiting for a decision
        - ✓ specify · passed
        - ▶ review · current · gate: manual
        - · plan · pending
        - · sign-off · pending · gate: manual
    "#]]
    .assert_eq(&hover(".specify/workflows/runs/gate1/state.json", "\"sdd"));
    // The definition itself is no run: named as a workflow, run by its engine (no state file to
    // create, as `status` says of it).
    expect![[r#"
        **Phase 2 of 4: review** · workflow `sdd`

        review · not started · gate: manual (run by its framework's own engine)

        **Gate**
        - ○ gate `review`: Review the spec (manual: shown, not checked)
    "#]]
    .assert_eq(&hover(".specify/workflows/sdd/workflow.yml", "id: review"));
}

#[test]
fn speckit_run_at_a_nested_step_names_both_steps() {
    // `current_step_id` names a step inside the top-level step at `current_step_index` (an `if`
    // step's `then` branch): the lens shows both, and the gate read is the nested one.
    let def = "schema_version: \"1.0\"\nworkflow:\n  id: deep\n  name: Deep review\n  version: \"1.0.0\"\nsteps:\n  - id: specify\n    command: speckit.specify\n  - id: check\n    type: if\n    condition: \"{{ inputs.strict }}\"\n    then:\n      - id: deep\n        type: gate\n        message: Read every requirement twice\n        options: [approve, reject]\n  - id: plan\n    command: speckit.plan\n";
    let ws = fixture::workspace(&format!(
        "//- .specify/workflows/deep/workflow.yml\n{def}//- .specify/workflows/runs/r1/workflow.yml\n{def}//- .specify/workflows/runs/r1/state.json\n{{\"run_id\": \"r1\", \"workflow_id\": \"deep\", \"status\": \"paused\", \"current_step_index\": 1, \"current_step_id\": \"deep\", \"step_results\": {{}}}}\n"
    ));
    expect![[r#"
        .specify/workflows/runs/r1/state.json:1:83 Spec Kit Deep review · at check › deep (2/3) · waiting for a decision Explain("Spec Kit Deep review · at check › deep (2/3) · waiting for a decision\n- run r1 of workflow deep\n- gate deep: Read every requirement twice")
        .specify/workflows/runs/r1/state.json:1:83 ▶ Advance (blocked) Explain("Advance is blocked: the run waits at gate `deep` for a decision (approve or reject)\n- gate `deep`: Read every requirement twice\n- `specify workflow resume r1` asks for the decision in a terminal")
    "#]].assert_eq(&lenses(&ws, ".specify/workflows/runs/r1/state.json"));
}
