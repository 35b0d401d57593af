//! Spec Kit (github/spec-kit): `specify init` creates `.specify/` (memory, scripts, templates); each feature is a folder `specs/NNN-name/`.
//!
//! The framework is its built-in definition (`speckit.workflow.yaml`: the phases specify →
//! clarify → plan → tasks → implement, inferred per feature folder), readers of its artifacts
//! (`tasks.md`, `spec.md`, `plan.md`, `checklists/*.md`, the workflow engine's `workflow.yml`
//! and run `state.json`) and its rules, one module per rule or close pair, each citing the Spec
//! Kit template, command or validator it comes from (docs/frameworks/speckit.md).

mod checklists;
mod constitution;
mod plan;
mod pytypes;
pub(crate) mod run_state;
mod spec;
mod tasks;
pub(crate) mod workflow;

use std::borrow::Cow;

use crate::analysis::Context;
use crate::diagnostics::{Diagnostic, Rule};
use crate::extract::Recogniser;
use crate::facts::FileFacts;
use crate::frameworks::Framework;
use crate::syntax::markdown::Block;
use crate::text::TextRange;

/// What Spec Kit's readers keep of one file for the checks across files, computed once per file
/// version (so an edit elsewhere re-reads neither the outline nor the text).
#[derive(Clone, Debug, Default)]
pub struct Facts {
    /// In `spec.md`: the `[NEEDS CLARIFICATION: ...]` markers that are open questions.
    pub(crate) clarifications: Vec<TextRange>,
    /// In `tasks.md`: the `FR-###` ids the text cites.
    pub(crate) cited: std::collections::HashSet<String>,
}

/// The framework's registry entry.
pub(crate) static FRAMEWORK: Framework = Framework {
    id: "speckit",
    name: "Spec Kit",
    markers: &[".specify"],
    definition: Some(include_str!("speckit.workflow.yaml")),
    markdown: &[tasks::RECOGNISER, spec::RECOGNISER, ARTIFACTS],
    data: &[workflow::RECOGNISER, run_state::RECOGNISER, run_state::SNAPSHOT],
    rules: RULES,
    check_file,
    check,
};

/// The framework's rules, in documentation order.
static RULES: &[Rule] = &[
    tasks::TASK_ID,
    tasks::STORY_LABEL,
    tasks::UNKNOWN_STORY,
    tasks::FOUNDATION_OPEN,
    spec::REQUIREMENT_ID,
    spec::CLARIFICATION_OPEN,
    spec::REQUIREMENT_UNCITED,
    plan::CONSTITUTION_CHECK,
    plan::PLAN_PLACEHOLDER,
    checklists::CHECKLIST_OPEN,
    constitution::CONSTITUTION_PLACEHOLDER,
    workflow::WORKFLOW_INVALID,
    workflow::DUPLICATE_STEP,
    workflow::UNKNOWN_STEP_TYPE,
    run_state::RUN_STATE,
];

/// Spec Kit's files that no other Spec Kit reader reads: a feature's `plan.md` and the other
/// artifacts of the plan phase (`research.md`, `data-model.md`, `quickstart.md`, `contracts/`),
/// its checklists,
/// everything under `.specify/` (its templates, memory, presets) and the command files Spec Kit
/// installs for an agent (`.claude/commands/speckit.plan.md`, `.claude/skills/speckit-plan/`,
/// `.github/prompts/speckit.plan.prompt.md`). Read by nothing but the framework's rules, so the
/// generic conventions do not make the `Phase 0: Research` headings of a plan, or the phases of
/// the tasks template, workflows of their own: the feature folder is the workflow.
const ARTIFACTS: Recogniser = Recogniser {
    name: "speckit-artifacts",
    applies: |path| is_plan_artifact(path) || is_checklist(path) || is_speckit_own(path),
    prefilter: None,
    replaces: &["conventions"],
    extract: |_, _| {},
};

/// `(feature folder, path inside it)` of a file in a feature folder: `specs/001-x/tasks.md` →
/// `("specs/001-x", "tasks.md")`. Spec Kit keeps features in `specs/` at the project root
/// (scripts/bash/create-new-feature.sh: `SPECS_DIR="$REPO_ROOT/specs"`).
pub(crate) fn feature_file(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix("specs/")?;
    let slash = rest.find('/')?;
    let inner = &rest[slash + 1..];
    (slash > 0 && !inner.is_empty()).then(|| (&path[..6 + slash], inner))
}

/// Whether `path` is an artifact of a feature's plan phase: `plan.md`, `research.md`,
/// `data-model.md`, `quickstart.md`, or a file under `contracts/` (templates/plan-template.md,
/// "Documentation (this feature)"; templates/commands/plan.md, Phase 0 and Phase 1).
pub(crate) fn is_plan_artifact(path: &str) -> bool {
    match feature_file(path) {
        Some((_, inner)) => {
            matches!(inner, "plan.md" | "research.md" | "data-model.md" | "quickstart.md") || inner.starts_with("contracts/")
        }
        None => false,
    }
}

/// Whether `path` is a checklist of a feature: `specs/<feature>/checklists/<name>.md`
/// (templates/commands/checklist.md, templates/commands/implement.md step 2).
pub(crate) fn is_checklist(path: &str) -> bool {
    feature_file(path)
        .and_then(|(_, inner)| inner.strip_prefix("checklists/"))
        .is_some_and(|name| !name.contains('/') && crate::paths::ends_with_ignore_case(name, ".md"))
}

/// Whether `path` is one of Spec Kit's own files rather than the project's: under `.specify/`, or
/// a command file Spec Kit installs in an agent's folder (a segment named `speckit.<command>...`
/// or `speckit-<command>` inside a hidden folder).
pub(crate) fn is_speckit_own(path: &str) -> bool {
    if path.starts_with(".specify/") {
        return true;
    }
    if !path.starts_with('.') {
        return false;
    }
    let segments: Vec<&str> = path.split('/').collect();
    segments.iter().enumerate().any(|(i, seg)| match seg.strip_prefix("speckit") {
        Some(r) if r.len() > 1 && r.starts_with('-') => true,
        // `speckit.plan.md`, or a folder `speckit.plan/`; not a file `speckit.md`.
        Some(r) if r.len() > 1 && r.starts_with('.') => i + 1 < segments.len() || r[1..].contains('.'),
        _ => false,
    })
}

/// A Markdown file's text as the readers see it: merge conflicts masked (their second side
/// blanked) and front matter blanked byte for byte, so offsets stay those of the file.
pub(crate) fn markdown_view(file: &FileFacts) -> Cow<'_, str> {
    let text = file.text();
    let mut view: Cow<'_, str> = if file.conflicts.is_empty() {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(crate::syntax::conflict::mask_theirs(text, &file.conflicts))
    };
    if let Some(fm) = crate::syntax::frontmatter::find(&view) {
        let blanked: String =
            view[fm.whole.start..fm.whole.end].bytes().map(|b| if b == b'\n' || b == b'\r' { b as char } else { ' ' }).collect();
        view.to_mut().replace_range(fm.whole.start..fm.whole.end, &blanked);
    }
    view
}

/// The ranges of code in an outline: fenced and indented blocks, and inline code spans
/// (with their backticks), where Spec Kit's markers and placeholders are text, not markers.
pub(crate) fn code_ranges(text: &str, blocks: &[Block]) -> Vec<TextRange> {
    let mut out = Vec::new();
    for b in blocks {
        if matches!(b.kind, crate::syntax::markdown::BlockKind::Code { .. }) {
            out.push(b.range);
        }
        for (_, r) in &b.code_spans {
            // Widen to the backticks around the span.
            let start = text[..r.start.min(text.len())].trim_end_matches('`').len();
            let end = r.end + text[r.end.min(text.len())..].len() - text[r.end.min(text.len())..].trim_start_matches('`').len();
            out.push(TextRange::new(start, end));
        }
    }
    out.sort_by_key(|r| r.start);
    out
}

/// Whether byte `at` lies in one of `ranges` (sorted by start).
pub(crate) fn inside(ranges: &[TextRange], at: usize) -> bool {
    let i = ranges.partition_point(|r| r.start <= at);
    ranges[..i].iter().rev().take(8).any(|r| at < r.end)
}

/// The ranges of HTML comments (`<!-- ... -->`) in `text`; an unclosed one runs to the end.
pub(crate) fn html_comments(text: &str) -> Vec<TextRange> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("<!--") {
        let start = from + i;
        let end = text[start + 4..].find("-->").map_or(text.len(), |j| start + 4 + j + 3);
        out.push(TextRange::new(start, end));
        from = end;
    }
    out
}

/// The framework's per-file checks.
fn check_file(file: &FileFacts, out: &mut Vec<Diagnostic>) {
    if file.text.is_none() || file.skipped.is_some() {
        return;
    }
    match feature_file(&file.path) {
        Some((_, "tasks.md")) => tasks::check_file(file, out),
        Some((_, "spec.md")) => spec::check_file(file, out),
        Some((_, "plan.md")) => plan::check_file(file, out),
        _ => {}
    }
    if file.path == constitution::PATH {
        constitution::check_file(file, out);
    }
}

/// The framework's checks across files.
fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    tasks::check(ctx, out);
    spec::check(ctx, out);
    checklists::check(ctx, out);
    workflow::check(ctx, out);
    run_state::check(ctx, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feature_paths() {
        assert_eq!(feature_file("specs/001-albums/tasks.md"), Some(("specs/001-albums", "tasks.md")));
        assert_eq!(
            feature_file("specs/20260319-143022-user-auth/checklists/ux.md"),
            Some(("specs/20260319-143022-user-auth", "checklists/ux.md"))
        );
        assert_eq!(feature_file("specs/readme.md"), None);
        assert_eq!(feature_file("docs/specs/001-x/spec.md"), None);
        assert_eq!(feature_file("specs//spec.md"), None);
        assert!(is_plan_artifact("specs/001-albums/plan.md"));
        assert!(is_plan_artifact("specs/001-albums/quickstart.md"));
        assert!(is_plan_artifact("specs/001-albums/contracts/api.md"));
        assert!(!is_plan_artifact("specs/001-albums/RUNBOOK.md"));
        assert!(!is_plan_artifact("docs/quickstart.md"));
        assert!(is_checklist("specs/001-albums/checklists/requirements.md"));
        assert!(!is_checklist("specs/001-albums/checklists/old/requirements.md"));
        assert!(!is_checklist("specs/001-albums/tasks.md"));
        assert!(is_speckit_own(".specify/templates/tasks-template.md"));
        assert!(is_speckit_own(".claude/commands/speckit.plan.md"));
        assert!(is_speckit_own(".claude/skills/speckit-plan/SKILL.md"));
        assert!(is_speckit_own(".github/prompts/speckit.tasks.prompt.md"));
        assert!(!is_speckit_own("docs/speckit.plan.md"));
        assert!(!is_speckit_own(".claude/commands/speckit.md"));
        assert!(!is_speckit_own(".claude/commands/plan.md"));
    }

    #[test]
    fn code_and_comment_ranges() {
        let text = "a `[NEEDS CLARIFICATION: x]` b\n```\n[X_Y]\n```\n<!-- [A_B] --> c <!-- open";
        let blocks = crate::syntax::markdown::outline(text);
        let code = code_ranges(text, &blocks);
        assert!(inside(&code, text.find("[NEEDS").unwrap_or(0)));
        assert!(inside(&code, text.find('`').unwrap_or(0)));
        assert!(inside(&code, text.find("[X_Y]").unwrap_or(0)));
        assert!(!inside(&code, text.find(" b").unwrap_or(0)));
        let comments = html_comments(text);
        assert_eq!(comments.len(), 2);
        assert!(inside(&comments, text.find("[A_B]").unwrap_or(0)));
        assert!(!inside(&comments, text.find(" c ").unwrap_or(0)));
        assert_eq!(comments[1].end, text.len());
    }
}

/// The built-in definition on a feature's life: where it stands, advance refused by the gate on
/// the way, advance and scaffold creating the next artifact from the project's templates.
#[cfg(test)]
mod lifecycle {
    use crate::actions::{FileChange, WorkspaceChange};
    use crate::diagnostics::fixture::{check, workspace};
    use crate::facts::FileInput;
    use crate::workspace::Workspace;

    const NOW: &str = "2026-03-02T10:00:00Z";
    const PROJECT: &str = "//- .specify/memory/constitution.md\n# Albums Constitution\n//- .specify/templates/spec-template.md\n# Feature Specification: [FEATURE NAME]\n\n**Feature Branch**: `[###-feature-name]`\n**Created**: [DATE]\n//- .specify/templates/plan-template.md\n# Implementation Plan: [FEATURE]\n\n**Branch**: `[###-feature-name]` | **Date**: [DATE] | **Spec**: [link]\n\n```text\nspecs/[###-feature]/\n```\n//- .specify/templates/tasks-template.md\n# Tasks: [FEATURE NAME]\n\n**Input**: Design documents from `/specs/[###-feature-name]/`\n//- specs/001-photo-albums/spec.md\n# Feature Specification: Photo Albums\n\n### User Story 1 - Browse (Priority: P1)\n\n- **FR-001**: System MUST list albums by [NEEDS CLARIFICATION: newest or oldest first?]\n//- specs/20260302-101500-dark-mode/notes.md\n# Ideas\n";

    fn apply(ws: &mut Workspace, change: &WorkspaceChange) {
        for c in &change.changes {
            match c {
                FileChange::Create { path, content } => {
                    assert!(!ws.contains(path), "would overwrite {path}");
                    ws.set_file(path, FileInput::Text(content.clone()));
                }
                FileChange::Edit { .. } => panic!("an inferred run edits no file"),
            }
        }
    }

    fn position(ws: &Workspace, name: &str) -> String {
        let status = ws.status();
        let s = status.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("{name}: {status:?}"));
        format!("{} {:?} [{}]", s.status, s.current, s.recognised_by.join(", "))
    }

    #[test]
    fn a_feature_from_spec_to_done() {
        let mut ws = workspace(PROJECT);
        assert_eq!(position(&ws, "001-photo-albums"), "in-progress Some(\"specify\") [framework, artifacts]");
        assert_eq!(position(&ws, "20260302-101500-dark-mode"), "not-started None [framework, artifacts]");
        // Artifacts still to come are not dangling gate criteria.
        assert_eq!(check(PROJECT, &["gate-dangling", "missing-deliverable"]), "");
        // The question left in the spec blocks planning.
        let refusal = ws.advance("001-photo-albums", None, None, NOW).err().unwrap_or_else(|| panic!("advance allowed"));
        expect_test::expect![[r#"
            `001-photo-albums` cannot move on to `plan`: a gate on the way is not met
              - `specs/001-photo-albums/spec.md` has 1 unresolved marker(s), first `[NEEDS CLARIFICATION]`"#]]
        .assert_eq(&refusal.to_string());
        ws.set_file(
            "specs/001-photo-albums/spec.md",
            FileInput::Text("# Feature Specification: Photo Albums\n\n### User Story 1 - Browse (Priority: P1)\n\n- **FR-001**: System MUST list albums newest first\n\n## Clarifications\n\n### Session 2026-03-02\n\n- Q: Order? → A: Newest first\n".into()),
        );
        assert_eq!(position(&ws, "001-photo-albums"), "in-progress Some(\"clarify\") [framework, artifacts]");
        let change = ws.advance("001-photo-albums", None, None, NOW).unwrap_or_else(|r| panic!("{r}"));
        assert_eq!(change.summary, "advanced `001-photo-albums` from `clarify` to `plan`: created `specs/001-photo-albums/plan.md`");
        apply(&mut ws, &change);
        expect_test::expect![[r#"
            # Implementation Plan: Photo Albums

            **Branch**: `001-photo-albums` | **Date**: 2026-03-02 | **Spec**: [spec.md](spec.md)

            ```text
            specs/001-photo-albums/
            ```
        "#]]
        .assert_eq(ws.text("specs/001-photo-albums/plan.md").unwrap_or_default());
        assert_eq!(position(&ws, "001-photo-albums"), "in-progress Some(\"plan\") [framework, artifacts]");
        // Scaffold: the next artifact, never over an existing one.
        let change = ws.scaffold("001-photo-albums", None, None, NOW).unwrap_or_else(|r| panic!("{r}"));
        assert_eq!(change.changes.iter().map(FileChange::path).collect::<Vec<_>>(), ["specs/001-photo-albums/tasks.md"]);
        apply(&mut ws, &change);
        assert_eq!(
            ws.text("specs/001-photo-albums/tasks.md"),
            Some("# Tasks: Photo Albums\n\n**Input**: Design documents from `/specs/001-photo-albums/`\n")
        );
        assert_eq!(position(&ws, "001-photo-albums"), "in-progress Some(\"tasks\") [framework, artifacts]");
        ws.set_file(
            "specs/001-photo-albums/tasks.md",
            FileInput::Text("## Phase 1: Setup\n\n- [x] T001 Create the project\n- [ ] T002 List albums\n".into()),
        );
        assert_eq!(position(&ws, "001-photo-albums"), "in-progress Some(\"implement\") [framework, artifacts]");
        let refusal = ws.advance("001-photo-albums", None, None, NOW).err().unwrap_or_else(|| panic!("advance allowed"));
        assert_eq!(refusal.message, "`001-photo-albums` cannot complete: the gate of phase `implement` is not met");
        assert_eq!(refusal.unmet, ["1 of 2 items unticked in \"checklist: tasks.md\"; first: T002 List albums"]);
        ws.set_file(
            "specs/001-photo-albums/tasks.md",
            FileInput::Text("## Phase 1: Setup\n\n- [x] T001 Create the project\n- [X] T002 List albums\n".into()),
        );
        assert_eq!(position(&ws, "001-photo-albums"), "completed None [framework, artifacts]");
        // A timestamp-named feature starts with its spec, the title taken from its name.
        let change = ws.advance("20260302-101500-dark-mode", None, None, NOW).unwrap_or_else(|r| panic!("{r}"));
        apply(&mut ws, &change);
        assert_eq!(
            ws.text("specs/20260302-101500-dark-mode/spec.md"),
            Some("# Feature Specification: Dark Mode\n\n**Feature Branch**: `20260302-101500-dark-mode`\n**Created**: 2026-03-02\n")
        );
    }

    /// The instances are kept across edits of the features' files, and follow every edit that
    /// shapes them: the project's own definition, `phasegate.toml`, a new feature folder.
    #[test]
    fn instances_follow_the_edits_that_shape_them() {
        let mut ws = workspace(PROJECT);
        let phases = |ws: &Workspace| {
            let mut out: Vec<String> = ws.status().iter().map(|s| format!("{} {}", s.name, s.phase_count)).collect();
            out.sort();
            out
        };
        assert_eq!(phases(&ws), ["001-photo-albums 5", "20260302-101500-dark-mode 5"]);
        // A feature's spec edited: the same instances, the run moves on.
        ws.set_file("specs/001-photo-albums/spec.md", FileInput::Text("# Spec\n\n## Clarifications\n\n- Q: x → A: y\n".into()));
        assert_eq!(position(&ws, "001-photo-albums"), "in-progress Some(\"clarify\") [framework, artifacts]");
        // The project's own definition replaces the built-in one, and its edits count.
        let own = |n: usize| {
            let phases: String = (1..=n).map(|i| format!("  - id: p{i}\n    deliverables: [f{i}.md]\n")).collect();
            FileInput::Text(format!("name: features\nframework: speckit\ninstances: [\"specs/*\"]\nrun: inferred\nphases:\n{phases}"))
        };
        ws.set_file("features.workflow.yaml", own(2));
        assert_eq!(phases(&ws), ["001-photo-albums 2", "20260302-101500-dark-mode 2"]);
        ws.set_file("features.workflow.yaml", own(3));
        assert_eq!(phases(&ws), ["001-photo-albums 3", "20260302-101500-dark-mode 3"]);
        ws.set_file("features.workflow.yaml", FileInput::Text("# no longer a definition\n".into()));
        assert_eq!(phases(&ws), ["001-photo-albums 5", "20260302-101500-dark-mode 5"]);
        // A new feature folder, then the framework switched off by an edit of phasegate.toml.
        ws.set_file("specs/003-export/spec.md", FileInput::Text("# Export\n".into()));
        assert_eq!(phases(&ws), ["001-photo-albums 5", "003-export 5", "20260302-101500-dark-mode 5"]);
        ws.set_file("phasegate.toml", FileInput::Text("[frameworks]\nspeckit = true\n".into()));
        assert_eq!(phases(&ws).len(), 3);
        ws.set_file("phasegate.toml", FileInput::Text("[frameworks]\nspeckit = false\n".into()));
        assert_eq!(phases(&ws), Vec::<String>::new());
    }

    #[test]
    fn plan_artifacts_are_not_workflows_of_their_own() {
        let phases = "## Phase 1: Install\n\n**Deliverables**:\n- `docs/install.md`\n\n## Phase 2: Run\n";
        let ws = workspace(&format!(
            "//- .specify/memory/constitution.md\n# C\n//- specs/001-a/spec.md\n# Spec\n//- specs/001-a/plan.md\n# Plan\n//- specs/001-a/quickstart.md\n{phases}//- specs/001-a/research.md\n{phases}//- specs/001-a/contracts/api.md\n{phases}//- specs/001-a/RUNBOOK.md\n{phases}"
        ));
        let mut names: Vec<String> = ws.status().iter().map(|s| format!("{} {}", s.name, s.path)).collect();
        names.sort();
        assert_eq!(names, ["001-a specs/001-a", "RUNBOOK specs/001-a/RUNBOOK.md"]);
    }

    #[test]
    fn spec_kit_engine_workflows_are_not_started_by_phasegate() {
        let ws = workspace(
            "//- .specify/workflows/speckit/workflow.yml\nschema_version: \"1.0\"\nworkflow:\n  id: speckit\n  name: Full\n  version: \"1.0.0\"\nsteps:\n  - id: specify\n    command: speckit.specify\n",
        );
        let refusal = ws.start("speckit").err().unwrap_or_else(|| panic!("start allowed"));
        assert_eq!(refusal.message, "`speckit` is a Spec Kit workflow, run by Spec Kit's own engine; phasegate does not start it");
    }
}
