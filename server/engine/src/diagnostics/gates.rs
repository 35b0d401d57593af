//! Diagnostics: `gate-unmet` (a run is past a gate whose criteria fail) and `gate-dangling` (a
//! gate points at nothing).

use crate::analysis::{Context, RunRef, WorkflowRef};
use crate::diagnostics::{Code, Diagnostic, Doc, Severity, listing};
use crate::facts::FileFacts;
use crate::model::CriterionKind;

pub(crate) const DOC_UNMET: Doc = Doc {
    code: Code::GateUnmet,
    severity: Severity::Error,
    when: "A state file's run is past a phase whose gate fails: a deliverable is missing or empty, checklist items are unticked, a required artifact holds unresolved markers, or a required gate result is not recorded. Reported on the state file's current step, one diagnostic per gate, listing each unmet criterion; the gate itself is the related location. Criteria written in prose (\"Design review approved\") are shown by `phasegate status` but not checked.",
    fix: "Meet the criteria listed (create the files, tick the items, resolve the markers), or move the run back to the gate's phase.",
};

pub(crate) const DOC_DANGLING: Doc = Doc {
    code: Code::GateDangling,
    severity: Severity::Error,
    when: "A gate points at something that does not exist: `→ Proceed to Phase 7` where the workflow has no phase 7, or a definition's `checklist:`/`no_markers:` criterion naming a missing file or section.",
    fix: "Point the gate at an existing phase, file or section, or add what it names.",
};

/// Per file: `→ Proceed to Phase N` names a phase of the same workflow.
pub(crate) fn check_file(file: &FileFacts, out: &mut Vec<Diagnostic>) {
    for wf in &file.workflows {
        // Listed once per workflow, not once per dangling gate.
        let numbers = std::cell::OnceCell::new();
        for phase in &wf.phases {
            let Some(target) = &phase.gate.proceeds_to else { continue };
            let lower = target.name.to_ascii_lowercase();
            let numbered = ["phase ", "step ", "sub-workflow ", "workflow "]
                .iter()
                .any(|k| lower.strip_prefix(k).is_some_and(|n| n.trim().chars().next().is_some_and(|c| c.is_ascii_digit() || c == '-')));
            if numbered && wf.phase_index(&target.name).is_none() {
                let known = numbers.get_or_init(|| listing(wf.phases.iter().filter_map(|p| p.number.as_deref()), ", "));
                out.push(Diagnostic::new(
                    Code::GateDangling,
                    Severity::Error,
                    &file.path,
                    target.range,
                    format!("the gate of phase `{}` proceeds to `{}`, which does not exist (phases: {})", phase.id, target.name, known),
                ));
            }
        }
    }
}

/// Across files, for one run: the gates it is past that are unmet.
pub(crate) fn check_run(ctx: &Context<'_>, run: &RunRef<'_>, out: &mut Vec<Diagnostic>) {
    {
        let Some(w) = run.workflow else { return };
        let wref = &ctx.workflows[w];
        for i in run.passed_phases(wref.wf) {
            let phase = &wref.wf.phases[i];
            let report = ctx.evaluate_gate(wref.wf, phase, Some(run));
            if report.met() {
                continue;
            }
            let reasons = listing(report.unmet.iter().map(|u| u.reason.as_str()), "; ");
            let gate_at = phase.gate.range.unwrap_or(phase.range);
            out.push(
                Diagnostic::new(
                    Code::GateUnmet,
                    Severity::Error,
                    &run.file.path,
                    run.anchor(),
                    format!("the run is past the gate of phase `{}`, which is not met: {}", phase.id, reasons),
                )
                .with_related(&wref.file.path, gate_at, format!("gate of phase `{}`", phase.id)),
            );
        }
    }
}

/// Across files: gate criteria naming missing files or checklists.
///
/// Called per workflow by the run cache ([`super::memo`]), for each workflow that is not a
/// framework instance: an instance's criteria name its folder's own artifacts (`tasks.md`), which
/// appear as the feature moves on, so not yet having them is where an early feature stands.
pub(crate) fn check_workflow(ctx: &Context<'_>, w: &WorkflowRef<'_>, out: &mut Vec<Diagnostic>) {
    for phase in &w.wf.phases {
        for c in &phase.gate.criteria {
            match &c.kind {
                CriterionKind::ChecklistTicked { file, section } if ctx.checklist(file, section).is_none() => {
                    let what = if ctx.file(file).is_none() {
                        format!("`{file}` does not exist")
                    } else {
                        format!("`{file}` has no checklist under \"{section}\"")
                    };
                    out.push(Diagnostic::new(
                        Code::GateDangling,
                        Severity::Error,
                        &w.file.path,
                        c.range,
                        format!("the gate of phase `{}` requires a checklist, but {what}", phase.id),
                    ));
                }
                CriterionKind::NoMarkers { files } => {
                    for f in files.iter().filter(|f| ctx.file(f).is_none()) {
                        out.push(Diagnostic::new(
                            Code::GateDangling,
                            Severity::Error,
                            &w.file.path,
                            c.range,
                            format!("the gate of phase `{}` checks `{f}` for markers, but it does not exist", phase.id),
                        ));
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::fixture::check;
    use expect_test::expect;

    const DOC: &str = "//- wf.md\n---\nname: demo\n---\n## Phase 0: Requirements\n**Deliverables**:\n- `req.md`\n\n**Gate Check**: Stories complete → Proceed to Phase 1\n\n## Phase 1: Design\n**Gate Check**: Done → Proceed to Phase 7\n\n## Phase 2: Build\n\n**Before starting build, orchestrator MUST verify:**\n- [x] design reviewed\n- [ ] contracts complete\n";

    #[test]
    fn past_unmet_gates_and_dangling_targets() {
        let spec = format!("{DOC}//- run.state.yaml\nworkflow: demo\ncurrent: build\n");
        expect![[r#"
            run.state.yaml:2:10: error[gate-unmet]: the run is past the gate of phase `design`, which is not met: 1 of 2 items unticked in "Before starting build, orchestrator MUST verify"; first: contracts complete
            run.state.yaml:2:10: error[gate-unmet]: the run is past the gate of phase `requirements`, which is not met: deliverable `req.md` is missing
            wf.md:11:37: error[gate-dangling]: the gate of phase `design` proceeds to `Phase 7`, which does not exist (phases: 0, 1, 2)
        "#]]
        .assert_eq(&check(&spec, &["gate-unmet", "gate-dangling"]));
    }

    /// Issue 7, category 5: `Before ...:` / `After ...:` lead-ins followed by advice bullets, a
    /// code block or instructions are prose, not checklists; one followed by a checklist is a
    /// gate, and stays checked.
    #[test]
    fn prose_lead_ins_are_not_checklists() {
        let spec = "//- wf.md\n## Phase 1: Design\n## Phase 2: Implementation\n\n**Before Starting Implementation**:\n- Read the design notes\n- Ask when unsure\n\n**After (SECURE):**\n```js\nquery(sql, [id])\n```\n\nAfter mode selection:\n1. Load the files\n\n### After implementation, verify\nKeep it short.\n\n## Phase 3: Release\n\n**Before starting release, verify:**\n- [x] Changelog written\n";
        assert_eq!(check(spec, &["gate-dangling", "gate-unmet"]), "");
        let ws = crate::diagnostics::fixture::workspace(spec);
        let status = ws.status();
        assert_eq!(status[0].recognised_by, ["phase headings", "gate"]);
        let criteria: Vec<String> =
            ws.files["wf.md"].workflows[0].phases.iter().flat_map(|p| p.gate.criteria.iter().map(|c| c.label.clone())).collect();
        assert_eq!(criteria, ["Before starting release, verify"]);
    }

    #[test]
    fn near_miss_current_gate_is_not_past_and_met_gates_pass() {
        // At `design`, only requirements' gate is behind the run, and it is met.
        let spec = format!("{DOC}//- run.state.yaml\nworkflow: demo\ncurrent: design\n//- req.md\n# R\n");
        assert_eq!(check(&spec, &["gate-unmet"]), "");
        let ok = "//- wf.md\n## Phase 1: A\n**Gate Check**: ok → Proceed to Phase 2\n## Phase 2: B\n**Gate Check**: ok → Proceed to Integration\n//- s.md\n### Sub-Workflow 1: A\n**Gate Check**: ok → Proceed to Sub-Workflow 2\n### Sub-Workflow 2: B\n";
        assert_eq!(check(ok, &["gate-dangling"]), "");
    }
}
