//! Diagnostic: `missing-deliverable`, and `deliverable-outside-workspace`.

use crate::analysis::{Context, DeliverableStatus, Position, RunRef};
use crate::diagnostics::{Code, Diagnostic, Doc, Severity};
use crate::facts::FileFacts;
use crate::model::Deliverable;

pub(crate) const DOC: Doc = Doc {
    code: Code::MissingDeliverable,
    severity: Severity::Error,
    when: "A phase that a run has completed (it is before the state file's current phase) lists a deliverable that does not exist or is empty: an error, on the deliverable's path in the workflow doc. For the current phase, the same finding is information: the deliverable is still to be written. A path with placeholders (`v{x}`, `<feature-name>`, `[feature]`) is satisfied by any file matching it. Optional or conditional outputs (\"(optional)\", \"when ...\") are never required.",
    fix: "Create the file (code action \"Create <path>\" or \"Scaffold deliverables for <phase>\"), or move the run back in its state file.",
};

pub(crate) const DOC_OUTSIDE: Doc = Doc {
    code: Code::DeliverableOutsideWorkspace,
    severity: Severity::Warning,
    when: "A deliverable's path climbs out of the workspace root (`../../outside.md`). phasegate never checks, creates or writes such a path.",
    fix: "Write the path relative to the workspace root, or to the document's folder with `./`.",
};

fn status_message(d: &Deliverable, status: &DeliverableStatus) -> Option<String> {
    match status {
        DeliverableStatus::Missing => Some(format!("deliverable `{}` does not exist", d.path)),
        DeliverableStatus::Blank(p) => Some(format!("deliverable `{p}` is empty")),
        _ => None,
    }
}

/// Per file: deliverable paths that climb out of the workspace.
pub(crate) fn check_file(file: &FileFacts, out: &mut Vec<Diagnostic>) {
    for wf in &file.workflows {
        for d in wf.phases.iter().flat_map(|p| &p.deliverables).chain(&wf.deliverables) {
            if let Err(reason) = &d.resolved {
                out.push(Diagnostic::new(
                    Code::DeliverableOutsideWorkspace,
                    Severity::Warning,
                    &file.path,
                    d.range,
                    format!("{reason}: phasegate will not check or create it; write it relative to the workspace root"),
                ));
            }
        }
    }
}

/// Across files, for one run: deliverables of the phases it has completed or is in.
pub(crate) fn check_run(ctx: &Context<'_>, run: &RunRef<'_>, out: &mut Vec<Diagnostic>) {
    {
        let Some(w) = ctx.workflow_of(run) else { return };
        let state = &run.file.path;
        for i in run.passed_phases(w.wf) {
            let phase = &w.wf.phases[i];
            for d in phase.deliverables.iter().filter(|d| !d.optional) {
                if let Some(problem) = status_message(d, &ctx.deliverable_status(d)) {
                    out.push(
                        Diagnostic::new(
                            Code::MissingDeliverable,
                            Severity::Error,
                            &w.file.path,
                            d.range,
                            format!("{problem}, but phase `{}` is complete in `{state}`: create it, or move the run back", phase.id),
                        )
                        .with_related(state, run.anchor(), "the run's current step"),
                    );
                }
            }
        }
        match run.position {
            Position::Phase(i) => {
                let phase = &w.wf.phases[i];
                for d in phase.deliverables.iter().filter(|d| !d.optional) {
                    if ctx.deliverable_status(d) == DeliverableStatus::Missing {
                        out.push(Diagnostic::new(
                            Code::MissingDeliverable,
                            Severity::Information,
                            &w.file.path,
                            d.range,
                            format!(
                                "deliverable `{}` of the current phase `{}` does not exist yet (\"Scaffold deliverables\" creates it)",
                                d.path, phase.id
                            ),
                        ));
                    }
                }
            }
            Position::Done => {
                for d in w.wf.deliverables.iter().filter(|d| !d.optional) {
                    if let Some(problem) = status_message(d, &ctx.deliverable_status(d)) {
                        out.push(Diagnostic::new(
                            Code::MissingDeliverable,
                            Severity::Error,
                            &w.file.path,
                            d.range,
                            format!("{problem}, but the workflow is complete in `{state}`"),
                        ));
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::fixture::check;
    use expect_test::expect;

    const DOC: &str = "//- wf.md\n---\nname: demo\n---\n## Phase 1: Requirements\n**Deliverables**:\n- `docs/req.md`\n- `docs/INTERFACE-[feature].md`\n- `docs/notes.md` (optional)\n\n## Phase 2: Design\n**Deliverables**:\n- `docs/design.md`\n\n## Phase 3: Build\n";

    #[test]
    fn completed_phase_missing_deliverables_are_errors_current_ones_information() {
        let spec = format!("{DOC}//- state.yaml\nworkflow: demo\ncurrent: design\n//- docs/req.md\n   \n");
        expect![[r#"
            wf.md:6:4: error[missing-deliverable]: deliverable `docs/req.md` is empty, but phase `requirements` is complete in `state.yaml`: create it, or move the run back
            wf.md:7:4: error[missing-deliverable]: deliverable `docs/INTERFACE-[feature].md` does not exist, but phase `requirements` is complete in `state.yaml`: create it, or move the run back
            wf.md:12:4: information[missing-deliverable]: deliverable `docs/design.md` of the current phase `design` does not exist yet ("Scaffold deliverables" creates it)
        "#]]
        .assert_eq(&check(&spec, &["missing-deliverable"]));
    }

    #[test]
    fn near_miss_present_files_and_patterns_satisfy() {
        let spec = format!(
            "{DOC}//- state.yaml\nworkflow: demo\ncurrent: design\n//- docs/req.md\n# Req\n//- docs/INTERFACE-auth.md\n# Auth\n//- docs/design.md\n# D\n"
        );
        assert_eq!(check(&spec, &["missing-deliverable"]), "");
        // No state file: no run, nothing to report.
        assert_eq!(check(DOC, &["missing-deliverable"]), "");
    }

    #[test]
    fn deliverables_and_checklists_under_headings() {
        let spec = "//- wf.md\n---\nname: demo\n---\n## Phase 1: Design\n### Deliverables\n- `docs/design.md`\n## Phase 2: Build\n### Before starting build, orchestrator MUST verify\n- [ ] design reviewed\n## Phase 3: Ship\n//- s.state.yaml\nworkflow: demo\ncurrent: ship\n";
        expect![[r#"
            s.state.yaml:2:10: error[gate-unmet]: the run is past the gate of phase `design`, which is not met: deliverable `docs/design.md` is missing; 1 of 1 items unticked in "Before starting build, orchestrator MUST verify"; first: design reviewed
            wf.md:6:4: error[missing-deliverable]: deliverable `docs/design.md` does not exist, but phase `design` is complete in `s.state.yaml`: create it, or move the run back
        "#]]
        .assert_eq(&check(spec, &["missing-deliverable", "gate-unmet"]));
    }

    #[test]
    fn paths_climbing_out_are_flagged() {
        let out = check("//- docs/wf.md\n## Phase 1: A\n**Deliverables**:\n- `../../outside.md`\n- `../inside.md`\n", &[]);
        expect![[r#"
            docs/wf.md:3:4: warning[deliverable-outside-workspace]: `../../outside.md` points outside the workspace: phasegate will not check or create it; write it relative to the workspace root
        "#]]
        .assert_eq(&out);
    }
}
