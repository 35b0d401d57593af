//! Diagnostic: `invalid-transition`.

use crate::analysis::{Context, Position, RunRef};
use std::collections::{HashMap, HashSet};

use crate::diagnostics::{Code, Diagnostic, Doc, Severity, listing, listing_of};
use crate::model::{StateFormat, Workflow};
use crate::text::TextRange;

pub(crate) const DOC: Doc = Doc {
    code: Code::InvalidTransition,
    severity: Severity::Error,
    when: "A state file records a step the workflow does not allow: a history entry (or seed 000's completed list) that skips a phase forward, a transition the state machine lists under `Invalid transitions:` (seed 002), or, when the workflow lists its allowed transitions, one that is not among them. Going back to an earlier phase (rework) is allowed.",
    fix: "Record the skipped phases, or correct the state file; the message names the allowed next steps.",
};

/// A state machine's transitions by state (ASCII-lowercased), built once per workflow per
/// analysis, so each history entry is judged in `O(1)` instead of a scan of every transition.
#[derive(Default)]
struct Machine<'a> {
    /// Targets forbidden from any state.
    forbidden_any: HashSet<String>,
    /// `(from, to)` pairs forbidden.
    forbidden: HashSet<(String, String)>,
    /// Targets allowed from any state, and per source state.
    allowed_any: Vec<&'a str>,
    allowed: HashMap<String, Vec<&'a str>>,
    /// The same as sets, for lookups.
    allowed_any_set: HashSet<String>,
    allowed_pairs: HashSet<(String, String)>,
    /// What the message lists as allowed from a state, made once per state.
    options: HashMap<String, String>,
}

impl<'a> Machine<'a> {
    fn new(wf: &'a Workflow) -> Machine<'a> {
        let mut m = Machine::default();
        let Some(sm) = &wf.state_machine else { return m };
        for t in &sm.forbidden {
            let to = t.to.to_ascii_lowercase();
            match &t.from {
                None => {
                    m.forbidden_any.insert(to);
                }
                Some(f) => {
                    m.forbidden.insert((f.to_ascii_lowercase(), to));
                }
            }
        }
        for t in &sm.transitions {
            let to = t.to.to_ascii_lowercase();
            match &t.from {
                None => {
                    m.allowed_any.push(&t.to);
                    m.allowed_any_set.insert(to);
                }
                Some(f) => {
                    let f = f.to_ascii_lowercase();
                    m.allowed.entry(f.clone()).or_default().push(&t.to);
                    m.allowed_pairs.insert((f, to));
                }
            }
        }
        m
    }
}

/// Why going `from` → `to` is not allowed, if it is not.
fn transition_problem(wf: &Workflow, machine: &mut Machine<'_>, from: &str, to: &str) -> Option<String> {
    if let (Some(a), Some(b)) = (wf.phase_index(from), wf.phase_index(to)) {
        if b > a + 1 {
            let skipped = listing_of(wf.phases[a + 1..b].iter().map(|p| format!("`{}`", p.id)), b - a - 1, ", ");
            return Some(format!(
                "`{from}` → `{to}` skips phase(s) {}; the next phase after `{}` is `{}`",
                skipped,
                wf.phases[a].id,
                wf.phases[a + 1].id
            ));
        }
        return None;
    }
    let sm = wf.state_machine.as_ref()?;
    let (from_l, to_l) = (from.to_ascii_lowercase(), to.to_ascii_lowercase());
    if machine.forbidden_any.contains(&to_l) || machine.forbidden.contains(&(from_l.clone(), to_l.clone())) {
        return Some(format!("`{from}` → `{to}` is listed as an invalid transition"));
    }
    if sm.transitions.is_empty() || !wf.state_exists(from) || !wf.state_exists(to) {
        return None;
    }
    if machine.allowed_any_set.contains(&to_l) || machine.allowed_pairs.contains(&(from_l.clone(), to_l)) {
        return None;
    }
    let Machine { allowed_any, allowed, options, .. } = machine;
    let listed = options.entry(from_l.clone()).or_insert_with(|| {
        let own = allowed.get(&from_l).map_or(&[][..], Vec::as_slice);
        let total = own.len() + allowed_any.len();
        if total == 0 {
            "nothing".to_string()
        } else {
            listing_of(own.iter().chain(allowed_any.iter()).map(|o| format!("`{o}`")), total, ", ")
        }
    });
    Some(format!("`{from}` → `{to}` is not an allowed transition; from `{from}` the workflow allows {listed}"))
}

/// Across files, for one run: its recorded transitions.
pub(crate) fn check_run(ctx: &Context<'_>, run: &RunRef<'_>, out: &mut Vec<Diagnostic>) {
    {
        let Some(w) = ctx.workflow_of(run) else { return };
        let wf = w.wf;
        let machine = &mut Machine::new(wf);
        for e in &run.run.history {
            let Some(from) = &e.from else { continue };
            if let Some(problem) = transition_problem(wf, machine, &from.name, &e.to.name) {
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
            let completed: std::collections::HashSet<usize> = run.run.completed.iter().filter_map(|c| wf.phase_index(&c.name)).collect();
            let skipped: Vec<String> = wf.phases[..current]
                .iter()
                .filter(|p| !wf.phase_index(&p.id).is_some_and(|k| completed.contains(&k)))
                .map(|p| format!("`{}`", p.id))
                .collect();
            if !skipped.is_empty() {
                out.push(Diagnostic::new(
                    Code::InvalidTransition,
                    Severity::Error,
                    &run.file.path,
                    cur.range,
                    format!("`{}` is running, but {} was never completed: the run skipped it", cur.name, listing(&skipped, ", ")),
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
