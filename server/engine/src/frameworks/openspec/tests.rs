//! Fixture tests of the OpenSpec rules, each change's workflow, advance and scaffold (`//- path`
//! sections, expected output as snapshots: `UPDATE_EXPECT=1`).

use expect_test::expect;

use crate::diagnostics::fixture::{check, workspace};

const PURPOSE: &str = "Lets customers sign in with a password and stay signed in on their own devices.";

fn spec(reqs: &str) -> String {
    format!("# Auth Specification\n\n## Purpose\n{PURPOSE}\n\n## Requirements\n\n{reqs}")
}

const LOGIN: &str = "### Requirement: Login\nThe system SHALL accept a correct password.\n\n#### Scenario: Correct password\n- **WHEN** the password matches\n- **THEN** a session starts\n\n#### Scenario: Wrong password\n- **WHEN** it does not match\n- **THEN** an error is shown\n";

const PROPOSAL: &str = "# Change\n\n## Why\nCustomers forget passwords and cannot sign in without calling support, which costs us a day.\n\n## What Changes\n- Add a password reset.\n";

/// The main-spec rules, each at its line (columns in UTF-8 bytes; `é` is two).
#[test]
fn main_spec_rules() {
    let ws = format!(
        "//- openspec/specs/auth/spec.md\n{}//- openspec/specs/billing/spec.md\n# Billing\n\n## Purpose\nTBD\n\n## Requirements\n\n### Requirement: Invoices\nInvoices are sent monthly.\n\n- **WHEN** a month ends\n- **THEN** an invoice goes out\n\n### Requirement: The system SHALL refund\n\n#### Scenario: Refund\n- **WHEN** asked\n\n## ADDED Requirements\n//- openspec/specs/empty/spec.md\n# Empty\n\n## Purpose\n\n## Requirements\n//- openspec/specs/notes/spec.md\n# Notes\n\n## Purpose\nShort purpose, é.\n\n### Requirement: Stray\nThe API MUST do it.\n\n## Requirements\n\nNothing yet.\n//- openspec/specs/twice/spec.md\n{}",
        spec(LOGIN),
        spec(&format!("{LOGIN}\n### Requirement: Login ###\nThe system SHALL also.\n\n#### Scenario: Again\n- **WHEN** x\n")),
    );
    expect![[r#"
        openspec/specs/billing/spec.md:4:1: warning[openspec-purpose-placeholder]: the Purpose is still a placeholder (`TBD`/`TODO`): replace it with what this capability is for
        openspec/specs/billing/spec.md:8:1: error[openspec-requirement-no-scenario]: requirement "Invoices" has no scenario: its scenario is written as list items; write it as a `#### Scenario: <name>` header followed by its `- **WHEN**`/`- **THEN**` lines
        openspec/specs/billing/spec.md:9:1: warning[openspec-requirement-no-shall]: requirement "Invoices" should state `SHALL` or `MUST`
        openspec/specs/billing/spec.md:14:1: error[openspec-requirement-no-text]: requirement "The system SHALL refund" has `SHALL`/`MUST` only in its header; OpenSpec reads the requirement from the line after it
        openspec/specs/billing/spec.md:19:1: error[openspec-delta-header-in-spec]: main spec holds the delta header `## ADDED Requirements`: delta headers belong in `openspec/changes/<change>/specs/`, and here they cut the `## Requirements` section short
        openspec/specs/empty/spec.md:3:1: error[openspec-spec-missing-section]: the `## Purpose` section is empty: say in a sentence or two what this capability is for
        openspec/specs/notes/spec.md:6:1: error[openspec-requirement-outside-requirements]: `### Requirement: Stray` is outside `## Requirements`, so OpenSpec does not read it
        openspec/specs/notes/spec.md:9:1: error[openspec-spec-no-requirements]: `## Requirements` holds no requirement: add a `### Requirement: <name>` block
        openspec/specs/twice/spec.md:19:1: error[openspec-duplicate-requirement]: `### Requirement: Login ###` repeats the requirement declared on line 8
    "#]]
    .assert_eq(&check(&ws, &[]));
}

/// A clean workspace stays silent: main spec, change with a delta, tasks, metadata, archive.
#[test]
fn clean_workspace_is_silent() {
    let ws = format!(
        "//- openspec/project.md\n# Project\n//- openspec/specs/auth/spec.md\n{}//- openspec/changes/add-reset/proposal.md\n{PROPOSAL}//- openspec/changes/add-reset/.openspec.yaml\nschema: spec-driven\ncreated: 2026-01-15\n//- openspec/changes/add-reset/specs/auth/spec.md\n## ADDED Requirements\n\n### Requirement: Password reset\nThe system SHALL send a reset link.\n\n#### Scenario: Link sent\n- **WHEN** a customer asks\n- **THEN** a link is mailed\n\n## MODIFIED Requirements\n\n{LOGIN}\n## REMOVED Requirements\n\n### Requirement: Security questions\n**Reason**: Replaced by reset links.\n**Migration**: None needed.\n//- openspec/changes/add-reset/tasks.md\n# Tasks\n\n## 1. Reset\n\n- [x] 1.1 Mail the link\n- [ ] 1.2 Expire it\n//- openspec/changes/tidy/.openspec.yaml\nschema: spec-driven\nskip_specs: true\n//- openspec/changes/tidy/proposal.md\n{PROPOSAL}//- openspec/changes/archive/2026-01-01-old/tasks.md\n- [x] 1.1 Done\n",
        spec(LOGIN)
    );
    assert_eq!(check(&ws, &[]), "");
}

/// Delta specs on their own and changes as wholes.
#[test]
fn change_and_delta_rules() {
    let ws = format!(
        "//- openspec/specs/auth/spec.md\n{}//- openspec/changes/no-deltas/proposal.md\n{PROPOSAL}//- openspec/changes/bad/proposal.md\n{PROPOSAL}//- openspec/changes/bad/specs/auth/spec.md\n### Requirement: Early\nx\n\n## ADDED Requirements\n\n### Requirement: Reset\nThe system will mail a link.\n\n#### Scenario: Mail\n- **WHEN** asked\n\n### Requirement: Reset\nAgain SHALL.\n\n### Notes\n\n## MODIFIED Requirements\n\n### Requirement: Login\nThe system SHALL accept a correct password.\n\n#### Scenario: Correct password\n- **WHEN** it matches\n\n## REMOVED Requirements\n\n- ### Requirement: Login\n\n## RENAMED Requirements\n\n- FROM: `### Requirement: Logout`\n//- openspec/changes/bad/specs/notes.md\n## ADDED Requirements\n### Requirement: Lost\n//- openspec/changes/bad/specs/billing/spec.md\n# Billing notes\n//- openspec/changes/skip/.openspec.yaml\nschema: spec-driven\nskip_specs: true\n//- openspec/changes/skip/specs/auth/spec.md\n## ADDED Requirements\n\n### Requirement: X\nThe system SHALL x.\n\n#### Scenario: S\n- **WHEN** y\n//- openspec/changes/typo/.openspec.yaml\nschema: spec-driven\nskip_specs: yes\n//- openspec/changes/typo/proposal.md\n{PROPOSAL}//- openspec/changes/mobile/refresh-token/proposal.md\n{PROPOSAL}",
        spec(LOGIN)
    );
    expect![[r#"
        openspec/changes/bad/specs/auth/spec.md:1:1: warning[openspec-requirement-outside-delta]: requirement "Early" is above the first `## ` section, so it is ignored: move it under `## ADDED Requirements` (or MODIFIED, REMOVED, RENAMED)
        openspec/changes/bad/specs/auth/spec.md:7:1: warning[openspec-requirement-no-shall]: ADDED requirement "Reset" should state `SHALL` or `MUST`
        openspec/changes/bad/specs/auth/spec.md:12:1: error[openspec-duplicate-requirement]: requirement "Reset" is listed twice in ADDED
        openspec/changes/bad/specs/auth/spec.md:12:1: error[openspec-requirement-no-scenario]: ADDED requirement "Reset" has no scenario: add `#### Scenario: <name>` with `- **WHEN**`/`- **THEN**` lines
        openspec/changes/bad/specs/auth/spec.md:15:1: information[openspec-header-not-requirement]: `### Notes` in ADDED Requirements is not a `### Requirement:` header and is not read as a requirement
        openspec/changes/bad/specs/auth/spec.md:19:1: error[openspec-modified-drops-scenario]: MODIFIED "Login" leaves out scenario(s) the main spec still has: "Wrong password" (the block has 1 scenario(s), the main spec 2); a MODIFIED block replaces the whole requirement
        openspec/changes/bad/specs/auth/spec.md:27:1: error[openspec-delta-conflict]: requirement "Login" is both MODIFIED and REMOVED
        openspec/changes/bad/specs/auth/spec.md:31:1: error[openspec-rename-unpaired]: RENAMED FROM: "Logout" has no matching TO: line; write each rename as a FROM: line followed by its TO: line
        openspec/changes/bad/specs/billing/spec.md:1:1: error[openspec-delta-no-sections]: no delta section: add `## ADDED Requirements` (or MODIFIED, REMOVED, RENAMED), or move notes that are not deltas out of `specs/`
        openspec/changes/bad/specs/notes.md:1:1: error[openspec-delta-misplaced]: `specs/notes.md` holds delta sections but OpenSpec reads only `spec.md` in a capability folder: move its requirements into `specs/notes/spec.md`
        openspec/changes/mobile/refresh-token/proposal.md:1:1: error[openspec-nested-change]: `mobile` is not a change: it is a folder wrapping `openspec/changes/mobile/refresh-token/`, which OpenSpec cannot see; move each directly under `openspec/changes/` (`mobile-refresh-token`)
        openspec/changes/no-deltas/proposal.md:1:1: error[openspec-change-no-deltas]: change `no-deltas` has no deltas: add `specs/<capability>/spec.md` with `## ADDED`/`MODIFIED`/`REMOVED`/`RENAMED Requirements` entries, or set `skip_specs: true` in its `.openspec.yaml` when no behaviour changes
        openspec/changes/skip/.openspec.yaml:2:1: error[openspec-skip-specs-conflict]: `skip_specs: true` says this change has no spec changes, but `openspec/changes/skip/specs/auth/spec.md` is under `specs/`
        openspec/changes/typo/.openspec.yaml:2:1: error[openspec-invalid-metadata]: `skip_specs` is set but `.openspec.yaml` is not valid change metadata, so the marker is not honoured: skip_specs: must be true or false
        openspec/changes/typo/proposal.md:1:1: error[openspec-change-no-deltas]: change `typo` has no deltas: add `specs/<capability>/spec.md` with `## ADDED`/`MODIFIED`/`REMOVED`/`RENAMED Requirements` entries, or set `skip_specs: true` in its `.openspec.yaml` when no behaviour changes
    "#]]
    .assert_eq(&check(&ws, &[]));
}

/// Tasks: numbering, lists without checkboxes, archived changes with open tasks; the
/// `openspec archive` proposal checks.
#[test]
fn task_and_proposal_rules() {
    let ws = "//- openspec/specs/auth/spec.md\n".to_string()
        + &spec(LOGIN)
        + "//- openspec/changes/a/proposal.md\n# A\n## Why\nToo short.\n## What Changes\n- x\n//- openspec/changes/a/specs/auth/spec.md\n## REMOVED Requirements\n### Requirement: Login\n**Reason**: gone\n//- openspec/changes/a/tasks.md\n## 1. Setup\n- [ ] 1.1 a\n- [ ] 2.1 b\n## 2. Build\n- [ ] 2.1 c\n//- openspec/changes/b/proposal.md\n# B\n//- openspec/changes/b/.openspec.yaml\nschema: spec-driven\nskip_specs: true\n//- openspec/changes/b/tasks.md\n# Tasks\n\n- 1.1 Write it\n//- openspec/changes/archive/2025-01-01-done/tasks.md\n- [x] 1.1 a\n- [ ] 1.2 b\n- [~] 1.3 c\n";
    expect![[r#"
        openspec/changes/a/proposal.md:3:1: warning[openspec-why-length]: `## Why` is 10 characters; OpenSpec asks for at least 50
        openspec/changes/a/specs/auth/spec.md:2:1: warning[openspec-removed-without-reason]: REMOVED requirement "Login" has no **Migration** line
        openspec/changes/a/tasks.md:3:1: warning[openspec-task-numbering]: task 2.1 is under group 1, but its number points to group 2: move it there or renumber it
        openspec/changes/a/tasks.md:5:1: warning[openspec-task-numbering]: task number 2.1 is used twice; it was first declared on line 3
        openspec/changes/archive/2025-01-01-done/tasks.md:2:1: warning[openspec-archived-open-tasks]: archived change `2025-01-01-done` has 2 open task(s) (1 of 3 done); first: 1.2 b
        openspec/changes/b/proposal.md:1:1: warning[openspec-proposal-missing-section]: the proposal has no `## Why` section with text (`openspec archive` reads `## Why` and `## What Changes`)
        openspec/changes/b/tasks.md:3:1: warning[openspec-tasks-without-checkboxes]: change `b` counts 0 tasks: no line of its task list is a checkbox; write each task as `- [ ] 1.1 Description`
    "#]]
    .assert_eq(&check(&ws, &[]));
}

/// What `openspec archive` would refuse, and a schema that does not load.
#[test]
fn merge_and_schema_rules() {
    let ws = "//- openspec/specs/auth/spec.md\n".to_string()
        + &spec(LOGIN)
        + "//- openspec/changes/a/proposal.md\n"
        + PROPOSAL
        + "//- openspec/changes/a/specs/auth/spec.md\n## MODIFIED Requirements\n\n### Requirement: Logout\nThe system SHALL end the session.\n\n#### Scenario: Out\n- **WHEN** asked\n//- openspec/changes/b/proposal.md\n"
        + PROPOSAL
        + "//- openspec/changes/b/specs/auth/spec.md\n## ADDED Requirements\n\n### Requirement: login\nThe system SHALL x.\n\n#### Scenario: S\n- **WHEN** y\n//- openspec/changes/c/proposal.md\n"
        + PROPOSAL
        + "//- openspec/changes/c/specs/search/spec.md\n## MODIFIED Requirements\n\n### Requirement: Query\nThe system SHALL x.\n\n#### Scenario: S\n- **WHEN** y\n//- openspec/schemas/rfc/schema.yaml\nname: rfc\nversion: 1\nartifacts:\n  - {id: rfc, generates: rfc.md, template: rfc.md, description: d, requires: [plan]}\n";
    expect![[r#"
        openspec/changes/a/specs/auth/spec.md:3:1: warning[openspec-delta-cannot-apply]: MODIFIED "Logout" is not a requirement of `openspec/specs/auth/spec.md`: use its exact name there, or ADDED for a new requirement
        openspec/changes/b/specs/auth/spec.md:3:1: warning[openspec-delta-cannot-apply]: ADDED "login": "Login" already exists and differs only in case or spacing; use MODIFIED with that exact name, or choose a distinct one
        openspec/changes/c/specs/search/spec.md:3:1: warning[openspec-delta-cannot-apply]: capability `search` has no main spec yet (`openspec/specs/search/spec.md`): only ADDED requirements can apply to a new spec, not MODIFIED or RENAMED
        openspec/schemas/rfc/schema.yaml:4:79: error[openspec-invalid-schema]: OpenSpec would not load this schema: artifact `rfc` requires `plan`, which no artifact is
    "#]]
    .assert_eq(&check(&ws, &[]));
}

/// Ranges are exact on non-ASCII text and `\r\n` line breaks.
#[test]
fn ranges_with_non_ascii_and_crlf() {
    let text = spec("### Requirement: Café\r\nLe système doit répondre.\r\n\r\n#### Scenario: Été\r\n- **WHEN** x\r\n")
        .replace('\n', "\r\n")
        .replace("\r\r\n", "\r\n");
    let ws = workspace(&format!("//- openspec/specs/fr/spec.md\n{text}"));
    let diags = ws.diagnostics();
    let list = diags.get("openspec/specs/fr/spec.md").cloned().unwrap_or_default();
    let shown: Vec<(&str, &str)> = list.iter().map(|d| (d.code.as_str(), &text[d.range.start..d.range.end])).collect();
    assert_eq!(shown, [("openspec-requirement-no-shall", "Le système doit répondre.")]);
}

/// The workflow of a change follows its schema: the built-in one's phases, the capabilities the
/// proposal lists as the deltas of `specs`, status inferred from the artifacts; advance and
/// scaffold create the next artifact from the schema's template.
#[test]
fn change_workflow_status_advance_and_scaffold() {
    let proposal = PROPOSAL.to_string()
        + "\n## Capabilities\n\n### New Capabilities\n- `password-reset`: reset links\n\n### Modified Capabilities\n- `auth`: login\n";
    let ws = workspace(&format!(
        "//- openspec/specs/auth/spec.md\n{}//- openspec/changes/add-reset/proposal.md\n{proposal}//- openspec/changes/add-reset/specs/auth/spec.md\n## MODIFIED Requirements\n\n{LOGIN}",
        spec(LOGIN)
    ));
    let status = ws.status();
    let s = status.iter().find(|s| s.name == "add-reset").unwrap_or_else(|| panic!("{status:?}"));
    assert_eq!((s.status.as_str(), s.current.as_deref(), s.framework.as_deref()), ("in-progress", Some("proposal"), Some("openspec")));
    assert_eq!(s.phase_count, 5);
    // The specs phase waits for the listed capability `password-reset`: scaffolding creates it
    // from the (embedded) spec-driven template.
    let change = ws.scaffold("add-reset", None, None, "2026-01-15T00:00:00Z").unwrap_or_else(|r| panic!("{r}"));
    let created: Vec<&str> = change.changes.iter().map(|c| c.path()).collect();
    assert_eq!(created, ["openspec/changes/add-reset/specs/password-reset/spec.md"]);
    let crate::actions::FileChange::Create { content, .. } = &change.changes[0] else { panic!("{change:?}") };
    assert!(content.contains("## ADDED Requirements") && content.contains("#### Scenario:"), "{content}");
    // Advancing is refused until the proposal's phase gate (its deliverables) is met on the way.
    let advanced = ws.advance("add-reset", None, None, "2026-01-15T00:00:00Z").unwrap_or_else(|r| panic!("{r}"));
    let created: Vec<&str> = advanced.changes.iter().map(|c| c.path()).collect();
    assert_eq!(created, ["openspec/changes/add-reset/specs/password-reset/spec.md"]);
}

/// A change naming a project schema follows that schema's artifacts, and scaffolds from the
/// schema's own templates.
#[test]
fn project_schema_drives_the_workflow() {
    let ws = workspace(
        "//- openspec/schemas/rfc/schema.yaml\nname: rfc\nversion: 1\nartifacts:\n  - {id: rfc, generates: rfc.md, template: rfc.md, description: d}\n  - {id: plan, generates: plan.md, template: plan.md, description: d, requires: [rfc]}\napply:\n  requires: [plan]\n  tracks: plan.md\n//- openspec/schemas/rfc/templates/plan.md\n# Plan\n\n- [ ] 1.1 First step\n//- openspec/changes/try-rfc/.openspec.yaml\nschema: rfc\n//- openspec/changes/try-rfc/rfc.md\n# RFC\n",
    );
    let status = ws.status();
    let s = status.iter().find(|s| s.name == "try-rfc").unwrap_or_else(|| panic!("{status:?}"));
    assert_eq!((s.current.as_deref(), s.phase_count), (Some("rfc"), 3));
    let change = ws.advance("try-rfc", None, None, "2026-01-15T00:00:00Z").unwrap_or_else(|r| panic!("{r}"));
    assert_eq!(
        change.changes,
        [crate::actions::FileChange::Create {
            path: "openspec/changes/try-rfc/plan.md".into(),
            content: "# Plan\n\n- [ ] 1.1 First step\n".into()
        }]
    );
}

/// The built-in definition file is the workflow built from the built-in schema.
#[test]
fn builtin_definition_is_the_builtin_schema() {
    let built = super::schema::workflow(super::schema::builtin(), "spec-driven", &[], false);
    let file = crate::frameworks::builtin(&super::FRAMEWORK).unwrap_or_else(|| panic!("no built-in definition"));
    let shape = |wf: &crate::model::Workflow| -> Vec<String> {
        wf.phases
            .iter()
            .map(|p| {
                let d: Vec<String> =
                    p.deliverables.iter().map(|d| format!("{} <- {:?} optional={}", d.path, d.template, d.optional)).collect();
                let g: Vec<String> = p.gate.criteria.iter().chain(&p.reached).map(|c| format!("{:?}", c.kind)).collect();
                format!("{}: {} | {}", p.id, d.join(", "), g.join(", "))
            })
            .collect()
    };
    assert_eq!(shape(file), shape(&built));
    assert_eq!(file.instances, built.instances);
    assert!(file.run_inferred);
}
