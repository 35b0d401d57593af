//! Diagnostic: `invalid-transition`.

use crate::analysis::{Context, Position};
use crate::diagnostics::{Code, Diagnostic, Doc, Severity};
use crate::model::{StateFormat, Workflow};
use crate::text::TextRange;

pub(crate) const DOC: Doc = Doc {
    code: Code::InvalidTransition,
    severity: Severity::Error,
    when: "A state file records a step the workflow does not allow: a history entry (or seed 000's completed list) that skips a phase forward, a transition the state machine lists under `Invalid transitions:` (seed 002), or, when the workflow lists its allowed transitions, one that is not among them. Going back to an earlier phase (rework) is allowed.",
    fix: "Record the skipped phases, or correct the state file; the message names the allowed next steps.",
};

/// Why going `from` → `to` is not allowed, if it is not.
fn transition_problem(wf: &Workflow, from: &str, to: &str) -> Option<String> {
    if let (Some(a), Some(b)) = (wf.phase_index(from), wf.phase_index(to)) {
        if b > a + 1 {
            let skipped: Vec<&str> = wf.phases[a + 1..b].iter().map(|p| p.id.as_str()).collect();
            return Some(format!(
                "`{from}` → `{to}` skips phase(s) `{}`; the next phase after `{}` is `{}`",
                skipped.join("`, `"),
                wf.phases[a].id,
                wf.phases[a + 1].id
            ));
        }
        return None;
    }
    let sm = wf.state_machine.as_ref()?;
    let eq = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    if sm.forbidden.iter().any(|t| t.from.as_deref().is_none_or(|f| eq(f, from)) && eq(&t.to, to)) {
        return Some(format!("`{from}` → `{to}` is listed as an invalid transition"));
    }
    if sm.transitions.is_empty() || !wf.state_exists(from) || !wf.state_exists(to) {
        return None;
    }
    let allowed = |t: &&crate::model::Transition| t.from.as_deref().is_none_or(|f| eq(f, from));
    if sm.transitions.iter().filter(allowed).any(|t| eq(&t.to, to)) {
        return None;
    }
    let options: Vec<&str> = sm.transitions.iter().filter(allowed).map(|t| t.to.as_str()).collect();
    Some(format!(
        "`{from}` → `{to}` is not an allowed transition; from `{from}` the workflow allows {}",
        if options.is_empty() { "nothing".to_string() } else { format!("`{}`", options.join("`, `")) }
    ))
}

pub(crate) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for run in &ctx.runs {
        let Some(w) = ctx.workflow_of(run) else { continue };
        let wf = w.wf;
        for e in &run.run.history {
            let Some(from) = &e.from else { continue };
            if let Some(problem) = transition_problem(wf, &from.name, &e.to.name) {
                out.push(Diagnostic::new(
                    Code::InvalidTransition,
                    Severity::Error,
                    &run.file.path,
                    TextRange::new(from.range.start.min(e.to.range.start), e.to.range.end.max(from.range.end)),
                    problem,
                ));
            }
        }
        // Seed 000's JSON records no history: every phase before the current one must be completed.
        if run.run.format == StateFormat::OrchestratorJson
            && let Position::Phase(current) = run.position
            && let Some(cur) = &run.run.current
        {
            let skipped: Vec<&str> = wf.phases[..current]
                .iter()
                .filter(|p| !run.run.completed.iter().any(|c| wf.phase_index(&c.name) == wf.phase_index(&p.id)))
                .map(|p| p.id.as_str())
                .collect();
            if !skipped.is_empty() {
                out.push(Diagnostic::new(
                    Code::InvalidTransition,
                    Severity::Error,
                    &run.file.path,
                    cur.range,
                    format!("`{}` is running, but `{}` was never completed: the run skipped it", cur.name, skipped.join("`, `")),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::fixture::check;
    use expect_test::expect;

    const PHASES: &str = "//- wf.md\n---\nname: demo\n---\n## Phase 1: Requirements\n## Phase 2: Design\n## Phase 3: Build\n";
    const SM: &str = "//- sm.md\n---\nname: build-state\n---\n## State Machine\nStates:\n- specs_updated\n- system_design_updated\n- tasks_generated\n\nTransitions:\n- specs_updated → system_design_updated (architect)\n- system_design_updated → tasks_generated (planner)\n\nInvalid transitions:\n- specs_updated → tasks_generated ❌\n";

    #[test]
    fn skipping_forward_and_forbidden_transitions() {
        let spec = format!(
            "{PHASES}{SM}//- a.state.yaml\nworkflow: demo\ncurrent: build\nhistory:\n  - {{from: requirements, to: build, at: 2026-01-01T00:00:00Z}}\n//- b.state.yaml\nworkflow: build-state\ncurrent: tasks_generated\nhistory:\n  - {{from: specs_updated, to: tasks_generated}}\n  - {{from: tasks_generated, to: system_design_updated}}\n"
        );
        expect![[r#"
            a.state.yaml:4:12: error[invalid-transition]: `requirements` → `build` skips phase(s) `design`; the next phase after `requirements` is `design`
            b.state.yaml:4:12: error[invalid-transition]: `specs_updated` → `tasks_generated` is listed as an invalid transition
            b.state.yaml:5:12: error[invalid-transition]: `tasks_generated` → `system_design_updated` is not an allowed transition; from `tasks_generated` the workflow allows nothing
        "#]]
        .assert_eq(&check(&spec, &["invalid-transition"]));
    }

    #[test]
    fn near_miss_next_phase_rework_and_allowed_transitions() {
        let spec = format!(
            "{PHASES}{SM}//- a.state.yaml\nworkflow: demo\ncurrent: requirements\nhistory:\n  - {{from: requirements, to: design}}\n  - {{from: design, to: requirements}}\n//- b.state.yaml\nworkflow: build-state\ncurrent: system_design_updated\nhistory:\n  - {{from: specs_updated, to: system_design_updated}}\n"
        );
        assert_eq!(check(&spec, &["invalid-transition"]), "");
    }

    #[test]
    fn orchestrator_json_that_skipped_a_phase() {
        let spec = format!(
            "{PHASES}//- s.json\n{{\"orchestrator_name\": \"demo\", \"current_status\": \"running\", \"completed_sub_workflows\": [{{\"name\": \"requirements\"}}], \"current_sub_workflow\": {{\"name\": \"build\"}}, \"pending_sub_workflows\": []}}\n"
        );
        expect![[r#"
            s.json:1:148: error[invalid-transition]: `build` is running, but `design` was never completed: the run skipped it
        "#]]
        .assert_eq(&check(&spec, &["invalid-transition"]));
    }
}
