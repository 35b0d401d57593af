//! Diagnostic: `unknown-state`.

use crate::analysis::{Context, RunRef, name_key};
use crate::diagnostics::{Code, Diagnostic, Doc, Severity, listing};
use crate::model::{Named, Workflow};

pub(crate) const DOC: Doc = Doc {
    code: Code::UnknownState,
    severity: Severity::Error,
    when: "A state file names a workflow no document in the workspace defines, or a phase or state (in `current`, `history`, `completed_sub_workflows`, `pending_sub_workflows`) that its workflow does not declare. Phases match by id, title or number (`design`, `Design`, `2`); states match case-insensitively.",
    fix: "Use one of the names the message lists, or declare the phase or state in the workflow.",
};

fn known(wf: &Workflow) -> String {
    let mut names: Vec<&str> = wf.phases.iter().map(|p| p.id.as_str()).collect();
    if let Some(sm) = &wf.state_machine {
        names.extend(sm.states.iter().map(|s| s.name.as_str()));
    }
    listing(names.iter().map(|n| format!("`{n}`")), ", ")
}

/// Across files, for one run: names of workflows, phases and states it uses that do not exist.
pub(crate) fn check_run(ctx: &Context<'_>, run: &RunRef<'_>, out: &mut Vec<Diagnostic>) {
    // Lists in messages are made once, not once per state file or name (which would make many
    // state files, or a long history, quadratic).
    let workflow_names = std::cell::OnceCell::new();
    let mut declared: std::collections::HashMap<usize, String> = std::collections::HashMap::new();
    {
        let path = &run.file.path;
        let Some(w) = ctx.workflow_of(run) else {
            let key = name_key(&run.run.workflow.name);
            if ctx.by_name.get(&key).is_none_or(|l| l.is_empty()) {
                let hint = workflow_names.get_or_init(|| {
                    let mut names: Vec<&str> = ctx.workflows.iter().map(|w| w.wf.name.as_str()).collect();
                    names.sort_unstable();
                    names.dedup();
                    if names.is_empty() {
                        "no workflow is defined in the workspace".to_string()
                    } else {
                        format!("known workflows: {}", listing(names.iter().map(|n| format!("`{n}`")), ", "))
                    }
                });
                out.push(Diagnostic::new(
                    Code::UnknownState,
                    Severity::Error,
                    path,
                    run.run.workflow.range,
                    format!("no workflow named `{}`; {hint}", run.run.workflow.name),
                ));
            }
            return;
        };
        let wf = w.wf;
        let exists = |n: &Named| wf.phase_index(&n.name).is_some() || wf.state_exists(&n.name);
        let mut names: Vec<(&Named, &str)> = Vec::new();
        names.extend(run.run.current.iter().map(|n| (n, "current step")));
        for e in &run.run.history {
            names.extend(e.from.iter().map(|n| (n, "history entry")));
            names.push((&e.to, "history entry"));
        }
        names.extend(run.run.completed.iter().map(|n| (n, "completed phase")));
        names.extend(run.run.pending.iter().map(|n| (n, "pending phase")));
        for (n, role) in names {
            // Seed 000's status words and our `completed` terminal are not phases.
            if !exists(n) {
                out.push(
                    Diagnostic::new(
                        Code::UnknownState,
                        Severity::Error,
                        path,
                        n.range,
                        format!(
                            "{role} `{}` is not a phase or state of workflow `{}`; it declares {}",
                            n.name,
                            wf.name,
                            declared.entry(run.workflow.unwrap_or(usize::MAX)).or_insert_with(|| known(wf))
                        ),
                    )
                    .with_related(&w.file.path, wf.name_range, "the workflow"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::fixture::check;
    use expect_test::expect;

    const DOC: &str = "//- wf.md\n---\nname: demo\n---\n## Phase 1: Requirements\n## Phase 2: Design\n";

    #[test]
    fn unknown_workflow_and_phase() {
        let spec = format!("{DOC}//- a.state.yaml\nworkflow: demo\ncurrent: desing\n//- b.state.yaml\nworkflow: nope\ncurrent: x\n");
        expect![[r#"
            a.state.yaml:2:10: error[unknown-state]: current step `desing` is not a phase or state of workflow `demo`; it declares `requirements`, `design`
            b.state.yaml:1:11: error[unknown-state]: no workflow named `nope`; known workflows: `demo`
        "#]]
        .assert_eq(&check(&spec, &["unknown-state"]));
    }

    #[test]
    fn near_miss_titles_numbers_and_case() {
        let spec = format!("{DOC}//- a.state.yaml\nworkflow: Demo\ncurrent: Design\nhistory:\n  - {{from: 1, to: design}}\n");
        assert_eq!(check(&spec, &["unknown-state"]), "");
    }
}
