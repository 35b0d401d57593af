//! Diagnostic: `inconsistent-state`.

use crate::analysis::{Context, RunRef};
use crate::diagnostics::{Code, Diagnostic, Doc, Severity};
use crate::model::StateFormat;

pub(crate) const DOC: Doc = Doc {
    code: Code::InconsistentState,
    severity: Severity::Error,
    when: "A state file contradicts itself. Seed 000's JSON: `overall_progress.completed` differs from the number of completed sub-workflows, `total` from the workflow's phase count, `percentage` from completed/total; a phase is both completed and pending; the current sub-workflow is also completed or pending; `current_status` is `completed` with work pending. phasegate's YAML: `current` is missing (and the run not `completed`), differs from the last history entry's `to`, or a history entry does not start where the previous one ended.",
    fix: "Correct the field the message points at; the message gives the value it should have.",
};

/// One run's state file, against itself.
pub(crate) fn check_run(ctx: &Context<'_>, run: &RunRef<'_>, out: &mut Vec<Diagnostic>) {
    {
        let r = run.run;
        let path = &run.file.path;
        let mut report = |range, message: String| out.push(Diagnostic::new(Code::InconsistentState, Severity::Error, path, range, message));
        let wf = ctx.workflow_of(run).map(|w| w.wf);
        let same = |a: &str, b: &str| match wf.and_then(|wf| Some((wf.phase_index(a)?, wf.phase_index(b)?))) {
            Some((x, y)) => x == y,
            None => a.eq_ignore_ascii_case(b),
        };
        match r.format {
            StateFormat::OrchestratorJson => {
                for p in &r.pending {
                    if r.completed.iter().any(|c| same(&c.name, &p.name)) {
                        report(p.range, format!("`{}` is both completed and pending", p.name));
                    }
                }
                if let Some(cur) = &r.current {
                    if r.completed.iter().any(|c| same(&c.name, &cur.name)) {
                        report(cur.range, format!("`{}` is the current sub-workflow but is also listed as completed", cur.name));
                    }
                    if r.pending.iter().any(|c| same(&c.name, &cur.name)) {
                        report(cur.range, format!("`{}` is the current sub-workflow but is also listed as pending", cur.name));
                    }
                }
                if r.is_completed()
                    && let Some(first) = r.pending.first()
                {
                    report(first.range, format!("`current_status` is `completed`, but `{}` is still pending", first.name));
                }
                if let Some(p) = &r.progress {
                    let done = r.completed.len() as u64;
                    if let Some((n, range)) = p.completed
                        && n != done
                    {
                        report(range, format!("`completed` is {n}, but {done} sub-workflow(s) are listed as completed"));
                    }
                    let expected_total = wf.map(|wf| wf.phases.len() as u64).filter(|n| *n > 0);
                    if let (Some((n, range)), Some(expected)) = (p.total, expected_total)
                        && n != expected
                    {
                        report(range, format!("`total` is {n}, but workflow `{}` has {expected} phases", r.workflow.name));
                    }
                    // Against what the lists and the workflow say, not the (possibly wrong) counts.
                    let c = done;
                    let t = expected_total.or(p.total.map(|(n, _)| n)).unwrap_or(0);
                    if let Some((pct, range)) = p.percentage
                        && t > 0
                    {
                        let exact = c as f64 * 100.0 / t as f64;
                        if (pct - exact).abs() >= 1.0 {
                            report(range, format!("`percentage` is {pct}, but {c} of {t} is {}%", exact.round()));
                        }
                    }
                }
            }
            // One status per entry, nothing to compare (BMAD's rules check the file).
            StateFormat::SprintStatus => {}
            // Checked by the framework's own rule (`speckit-run-state`).
            StateFormat::SpecKitRun => {}
            StateFormat::Yaml => {
                if r.current.is_none() && !r.is_completed() {
                    let hint = r.history.last().map_or(String::new(), |e| format!(" (the last history entry moved to `{}`)", e.to.name));
                    report(r.workflow.range, format!("the state file has no `current:` step{hint}; add it, or `status: completed`"));
                }
                for pair in r.history.windows(2) {
                    if let Some(from) = &pair[1].from
                        && !same(&from.name, &pair[0].to.name)
                    {
                        report(
                            from.range,
                            format!("this entry starts at `{}`, but the previous one ended at `{}`", from.name, pair[0].to.name),
                        );
                    }
                }
                if let (Some(last), Some(cur)) = (r.history.last(), &r.current)
                    && !same(&last.to.name, &cur.name)
                {
                    report(cur.range, format!("`current` is `{}`, but the last history entry moved to `{}`", cur.name, last.to.name));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::fixture::check;
    use expect_test::expect;

    const DOC: &str =
        "//- wf.md\n---\nname: demo\n---\n### Sub-Workflow 1: Design\n### Sub-Workflow 2: Planning\n### Sub-Workflow 3: Implementation\n";

    #[test]
    fn seed_000_progress_that_contradicts_itself() {
        let spec = format!(
            "{DOC}//- s.json\n{{\n  \"orchestrator_name\": \"demo\",\n  \"current_status\": \"running\",\n  \"completed_sub_workflows\": [{{\"name\": \"design\"}}],\n  \"current_sub_workflow\": {{\"name\": \"planning\"}},\n  \"pending_sub_workflows\": [\"implementation\", \"design\"],\n  \"overall_progress\": {{\"completed\": 2, \"total\": 4, \"percentage\": 33}}\n}}\n"
        );
        expect![[r#"
            s.json:6:47: error[inconsistent-state]: `design` is both completed and pending
            s.json:7:37: error[inconsistent-state]: `completed` is 2, but 1 sub-workflow(s) are listed as completed
            s.json:7:49: error[inconsistent-state]: `total` is 4, but workflow `demo` has 3 phases
        "#]]
        .assert_eq(&check(&spec, &["inconsistent-state"]));
    }

    #[test]
    fn near_miss_seed_000_example_is_consistent() {
        let spec = format!(
            "{DOC}//- s.json\n{{\"orchestrator_name\": \"demo\", \"current_status\": \"running\", \"completed_sub_workflows\": [{{\"name\": \"design\"}}], \"current_sub_workflow\": {{\"name\": \"planning\"}}, \"pending_sub_workflows\": [\"implementation\"], \"overall_progress\": {{\"completed\": 1, \"total\": 3, \"percentage\": 33}}}}\n"
        );
        assert_eq!(check(&spec, &[]), "");
    }

    #[test]
    fn yaml_without_current() {
        let spec = format!(
            "{DOC}//- a.state.yaml\nworkflow: demo\nhistory:\n  - {{from: design, to: planning}}\n//- done.state.yaml\nworkflow: demo\nstatus: completed\n"
        );
        expect![[r#"
            a.state.yaml:1:11: error[inconsistent-state]: the state file has no `current:` step (the last history entry moved to `planning`); add it, or `status: completed`
        "#]]
        .assert_eq(&check(&spec, &["inconsistent-state"]));
    }

    #[test]
    fn yaml_current_contradicts_history() {
        let spec = format!(
            "{DOC}//- s.state.yaml\nworkflow: demo\ncurrent: implementation\nhistory:\n  - {{from: design, to: planning}}\n  - {{from: design, to: planning}}\n"
        );
        expect![[r#"
            s.state.yaml:2:10: error[inconsistent-state]: `current` is `implementation`, but the last history entry moved to `planning`
            s.state.yaml:5:12: error[inconsistent-state]: this entry starts at `design`, but the previous one ended at `planning`
        "#]]
        .assert_eq(&check(&spec, &["inconsistent-state"]));
    }
}
