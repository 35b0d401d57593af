//! Diagnostic: `duplicate-id`.

use std::collections::HashMap;

use crate::analysis::{Context, name_key};
use crate::diagnostics::{Code, Diagnostic, Doc, Severity};
use crate::facts::FileFacts;
use crate::model::Named;
use crate::text::TextRange;

pub(crate) const DOC: Doc = Doc {
    code: Code::DuplicateId,
    severity: Severity::Error,
    when: "Two phases of one workflow, two states of one state machine, two tasks of one tasks file or two requirements of one spec file share an id; or two documents give their workflow the same `name:`; or a state file names a workflow that several documents define by file stem (reported on the state file: names taken from file stems recur harmlessly, so two `tasks.md` files are no problem until a state file names `tasks`). Reported on each later occurrence, with the first as related location. The two sides of an unresolved merge conflict are not compared (see `merge-conflict`).",
    fix: "Rename one of them.",
};

fn report_duplicates<'a>(out: &mut Vec<Diagnostic>, path: &str, what: &str, items: impl Iterator<Item = (String, &'a str, TextRange)>) {
    let mut seen: HashMap<String, TextRange> = HashMap::new();
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
    for wf in &file.workflows {
        report_duplicates(out, path, "phase", wf.phases.iter().map(|p| (p.id.clone(), p.id.as_str(), p.range)));
        if let Some(sm) = &wf.state_machine {
            // Only explicitly listed states: states implied by transitions repeat by nature.
            let listed: Vec<&Named> = sm.states.iter().filter(|s| !sm.transitions.iter().any(|t| t.range == s.range)).collect();
            report_duplicates(out, path, "state", listed.into_iter().map(|s| (s.name.to_ascii_lowercase(), s.name.as_str(), s.range)));
        }
    }
    report_duplicates(out, path, "task", file.tasks.iter().map(|t| (t.id.name.clone(), t.id.name.as_str(), t.id.range)));
    report_duplicates(out, path, "requirement", file.requirements.iter().map(|r| (r.name.clone(), r.name.as_str(), r.range)));
}

/// Across files: workflow names.
pub(crate) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    // Workflow names written twice (front matter or definition `name:`) are a mistake.
    for list in ctx.by_name.values() {
        let explicit: Vec<usize> = list.iter().copied().filter(|&i| ctx.workflows[i].wf.explicit_name).collect();
        if let Some((&first, rest)) = explicit.split_first() {
            let first = &ctx.workflows[first];
            for &i in rest {
                let w = &ctx.workflows[i];
                out.push(
                    Diagnostic::new(
                        Code::DuplicateId,
                        Severity::Error,
                        &w.file.path,
                        w.wf.name_range,
                        format!("workflow name `{}` is also given to `{}`: state files cannot tell them apart", w.wf.name, first.file.path),
                    )
                    .with_related(&first.file.path, first.wf.name_range, "first named here"),
                );
            }
        }
    }
    // Names taken from file stems recur harmlessly (`tasks.md`, `design.md`): a problem only for a
    // state file that names one shared by several documents.
    for run in &ctx.runs {
        let Some(list) = ctx.by_name.get(&name_key(&run.run.workflow.name)).filter(|l| l.len() > 1) else { continue };
        if list.iter().filter(|&&i| ctx.workflows[i].wf.explicit_name).count() > 1 {
            continue; // Already reported on the documents.
        }
        let paths: Vec<&str> = list.iter().map(|&i| ctx.workflows[i].file.path.as_str()).collect();
        let mut d = Diagnostic::new(
            Code::DuplicateId,
            Severity::Error,
            &run.file.path,
            run.run.workflow.range,
            format!(
                "workflow name `{}` is defined by {} documents (`{}`), so this state file cannot tell which it runs: give them distinct front matter `name:`",
                run.run.workflow.name,
                paths.len(),
                paths.join("`, `")
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
            b.workflow.yaml:1:7: error[duplicate-id]: workflow name `Demo` is also given to `a.md`: state files cannot tell them apart
            s2.state.yaml:1:11: error[duplicate-id]: workflow name `design` is defined by 2 documents (`x/design.md`, `y/design.md`), so this state file cannot tell which it runs: give them distinct front matter `name:`
            specs.md:2:3: error[duplicate-id]: requirement `R1` is declared twice
            tasks.md:2:3: error[duplicate-id]: task `T1` is declared twice
        "#]]
        .assert_eq(&check(spec, &["duplicate-id"]));
    }

    #[test]
    fn near_miss_conflict_sides_and_distinct_ids() {
        let spec = "//- a.md\n<<<<<<< HEAD\n## Phase 1: Design\n=======\n## Phase 1: Design\n>>>>>>> x\n//- tasks.md\n- T1: a\n- T2: b\n";
        assert_eq!(check(spec, &["duplicate-id"]), "");
    }
}
