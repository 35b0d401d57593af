//! Diagnostic: `duplicate-id`.

use crate::analysis::Context;
use crate::diagnostics::{Code, Diagnostic, Doc, Severity, listing};
use crate::facts::FileFacts;
use crate::model::Named;
use crate::text::TextRange;

pub(crate) const DOC: Doc = Doc {
    code: Code::DuplicateId,
    severity: Severity::Error,
    when: "Two phases of one workflow, two states of one state machine, two tasks of one tasks file or two requirements of one spec file share an id; or a state file names a workflow that several documents define (reported on the state file, with each definition as related location: two documents may share a name harmlessly, such as a distributable template and its installed copy or two `tasks.md` files, until a state file names it). Reported on each later occurrence, with the first as related location. Phases are compared within their parent heading: a document whose phase headings repeat under different parents is a catalogue and declares no workflow (docs/conventions.md). The two sides of an unresolved merge conflict are not compared (see `merge-conflict`).",
    fix: "Rename one of them.",
};

fn report_duplicates<'a>(
    out: &mut Vec<Diagnostic>,
    path: &str,
    what: &str,
    items: impl Iterator<Item = (std::borrow::Cow<'a, str>, &'a str, TextRange)>,
) {
    // Most lists hold a handful of ids, each once.
    let mut seen: foldhash::HashMap<std::borrow::Cow<'a, str>, TextRange> = Default::default();
    for (key, shown, range) in items {
        match seen.get(&key) {
            Some(first) => out.push(
                Diagnostic::new(Code::DuplicateId, Severity::Error, path, range, format!("{what} `{shown}` is declared twice"))
                    .with_related(path, *first, "first declared here"),
            ),
            None => {
                seen.insert(key, range);
            }
        }
    }
}

/// Per file: phases, states, tasks and requirements are unique within their file.
pub(crate) fn check_file(file: &FileFacts, out: &mut Vec<Diagnostic>) {
    let path = &file.path;
    // Documents that are workflows only once a state file runs them are not judged on their own.
    for wf in file.workflows.iter().filter(|wf| wf.is_recognised()) {
        report_duplicates(out, path, "phase", wf.phases.iter().map(|p| (p.id.as_str().into(), p.id.as_str(), p.range)));
        if let Some(sm) = &wf.state_machine {
            // Only explicitly listed states: states implied by transitions repeat by nature.
            let implied: foldhash::HashSet<crate::text::TextRange> = sm.transitions.iter().map(|t| t.range).collect();
            let listed: Vec<&Named> = sm.states.iter().filter(|s| !implied.contains(&s.range)).collect();
            report_duplicates(
                out,
                path,
                "state",
                listed.into_iter().map(|s| (s.name.to_ascii_lowercase().into(), s.name.as_str(), s.range)),
            );
        }
    }
    report_duplicates(out, path, "task", file.tasks.iter().map(|t| (t.id.name.as_str().into(), t.id.name.as_str(), t.id.range)));
    report_duplicates(
        out,
        path,
        "requirement",
        file.requirements.iter().map(|r| (r.id.name.as_str().into(), r.id.name.as_str(), r.id.range)),
    );
}

/// Across files: a state file naming a workflow that several documents define. Two documents
/// sharing a name (a template and its installed copy, vendored step files, `tasks.md` in many
/// folders) are no problem by themselves; the state file is where the name is ambiguous.
pub(crate) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    // Most workspaces have no name declared twice: then no run needs a lookup.
    if ctx.by_name.values().all(|l| l.len() < 2) {
        return;
    }
    for run in &ctx.runs {
        if run.run.format == crate::model::StateFormat::SprintStatus {
            continue; // Two sprint-status.yaml files: `bmad-duplicate-sprint-status`, once per file.
        }
        let Some(list) = ctx.by_name.get(run.key).filter(|l| l.len() > 1) else { continue };
        let paths: Vec<&str> = list.iter().map(|&i| ctx.workflows[i].file.path.as_str()).collect();
        let mut d = Diagnostic::new(
            Code::DuplicateId,
            Severity::Error,
            &run.file.path,
            run.run.workflow.range,
            format!(
                "workflow name `{}` is defined by {} documents ({}), so this state file cannot tell which it runs: give them distinct front matter `name:`",
                run.run.workflow.name,
                paths.len(),
                listing(paths.iter().map(|p| format!("`{p}`")), ", ")
            ),
        );
        for &i in list {
            let w = &ctx.workflows[i];
            d = d.with_related(&w.file.path, w.wf.name_range, "defined here");
        }
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::fixture::check;
    use expect_test::expect;

    #[test]
    fn duplicate_phases_tasks_requirements_and_workflows() {
        let spec = "//- a.md\n---\nname: demo\n---\n## Phase 1: Design\n## Phase 2: Design\n//- b.workflow.yaml\nname: Demo\nphases: [x]\n//- tasks.md\n- T1: a\n- T1: b\n//- specs.md\n- R1: a\n- R1: b\n//- run.state.yaml\nworkflow: demo\ncurrent: design\n//- x/design.md\n## Phase 1: A\n//- y/design.md\n## Phase 1: A\n//- s2.state.yaml\nworkflow: design\ncurrent: a\n";
        expect![[r#"
            a.md:5:1: error[duplicate-id]: phase `design` is declared twice
            run.state.yaml:1:11: error[duplicate-id]: workflow name `demo` is defined by 2 documents (`a.md`, `b.workflow.yaml`), so this state file cannot tell which it runs: give them distinct front matter `name:`
            s2.state.yaml:1:11: error[duplicate-id]: workflow name `design` is defined by 2 documents (`x/design.md`, `y/design.md`), so this state file cannot tell which it runs: give them distinct front matter `name:`
            specs.md:2:3: error[duplicate-id]: requirement `R1` is declared twice
            tasks.md:2:3: error[duplicate-id]: task `T1` is declared twice
        "#]]
        .assert_eq(&check(spec, &["duplicate-id"]));
    }

    /// Issue 7, category 1: a catalogue (`## Pattern N`, each with its own `### Phase 1..3`), a
    /// report repeating its phases in a summary and a detail section, and placeholder headings
    /// declare no duplicate phase; a phase repeated under one parent still does.
    #[test]
    fn catalogues_reports_and_placeholder_headings_repeat_no_phase() {
        let spec = "//- patterns.md\n# Migration patterns\n## Pattern 1: Rename a column\n### Phase 1: Expand\n### Phase 2: Migrate\n### Phase 3: Contract\n## Pattern 2: Split a table\n### Phase 1: Expand\n### Phase 2: Migrate\n### Phase 3: Contract\n//- report.md\n# Cost report\n## Rollout order\n### Phase 0: Quick wins\n### Phase 1: Larger changes\n## Rollout plan\n### Phase 0: Quick wins\nDetails.\n### Phase 1: Larger changes\nDetails.\n//- plan-template.md\n## Plan\n#### Phase 1: {Phase Name}\n#### Phase 2: {Phase Name}\n### Workflow 1: [Workflow Name]\n### Workflow 2: [Workflow Name]\n### Sub-Workflow 1: [SUB_WORKFLOW_NAME]\n### Sub-Workflow 2: [SUB_WORKFLOW_NAME]\n### Step 1: <name>\n### Step 2: <name>\n//- mockups.md\n## Phase 1: Screen Mockups (existing)\n## Phase 2: Screen Mockups (planned)\n//- wf.md\n# Release\n## Phases\n### Phase 1: Build\n### Phase 2: Verify\n### Phase 3: Build\n";
        expect![[r#"
            wf.md:5:1: error[duplicate-id]: phase `build` is declared twice
        "#]]
        .assert_eq(&check(spec, &["duplicate-id"]));
        let ws = crate::diagnostics::fixture::workspace(spec);
        let names: Vec<String> = ws.status().into_iter().map(|s| s.path).collect();
        assert_eq!(names, ["mockups.md", "wf.md"], "catalogues, reports and templates are no workflows");
        let ids: Vec<&str> = ws.files["mockups.md"].workflows[0].phases.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["screen-mockups-existing", "screen-mockups-planned"]);
    }

    /// Issue 7, category 2: a distributable template and its installed copy (or vendored step
    /// files) give the same `name:` harmlessly; a state file naming it is ambiguous.
    #[test]
    fn copies_of_one_document_share_a_name_until_a_state_file_names_it() {
        let doc = "---\nname: db:plan\n---\n## Phase 1: Read the schema\n## Phase 2: Plan the migration\n";
        let copies = format!("//- commands/db/plan.md\n{doc}//- .claude/commands/db/plan.md\n{doc}");
        assert_eq!(check(&copies, &["duplicate-id"]), "");
        let with_run = format!("{copies}//- db.state.yaml\nworkflow: db:plan\ncurrent: read-the-schema\n");
        expect![[r#"
            db.state.yaml:1:11: error[duplicate-id]: workflow name `db:plan` is defined by 2 documents (`.claude/commands/db/plan.md`, `commands/db/plan.md`), so this state file cannot tell which it runs: give them distinct front matter `name:`
        "#]]
        .assert_eq(&check(&with_run, &["duplicate-id"]));
    }

    /// Issue 7, category 3: prose bullets starting with a task id (dependency notes) declare no
    /// task; a task is declared by its checkbox line or its heading.
    #[test]
    fn prose_bullets_starting_with_a_task_id_declare_no_task() {
        let spec = "//- docs/001-search/tasks.md\n# Tasks\n## Phase 1: Setup\n- [ ] T001 Create the project\n- [ ] T002 [P] Configure linting\n- [X] T003 Add the search index\n\n## Dependencies\n- T003 depends on T001\n- T002 blocks T003\n\n## Parallel example\n- T002 and T003 can run together\n- T001: run first\n\n## Phase 2: Polish\n- [ ] T003 Tune ranking\n//- notes/tasks.md\n- T1: Build cart\n- T2: Pay\n- T1 blocks T2\n- T2: Refund\n";
        expect![[r#"
            docs/001-search/tasks.md:16:7: error[duplicate-id]: task `T003` is declared twice
            notes/tasks.md:4:3: error[duplicate-id]: task `T2` is declared twice
        "#]]
        .assert_eq(&check(spec, &["duplicate-id"]));
    }

    /// Issue 7, category 6: `P1:`, `P2:` priority labels in a PRD are not requirement ids.
    #[test]
    fn priority_labels_are_not_requirements() {
        let spec = "//- docs/requirements.md\n# Search PRD\n## Requirements\n- R1: Results within 200 ms\n- R2: Typo tolerance\n## Priorities\n- P1: R1 before launch\n- P2: R2 after launch\n## Open questions\n- P1: who owns ranking?\n- R2: Synonyms\n";
        expect![[r#"
            docs/requirements.md:10:3: error[duplicate-id]: requirement `R2` is declared twice
        "#]]
        .assert_eq(&check(spec, &["duplicate-id"]));
    }

    #[test]
    fn near_miss_conflict_sides_and_distinct_ids() {
        let spec = "//- a.md\n<<<<<<< HEAD\n## Phase 1: Design\n=======\n## Phase 1: Design\n>>>>>>> x\n//- tasks.md\n- T1: a\n- T2: b\n";
        assert_eq!(check(spec, &["duplicate-id"]), "");
    }
}
