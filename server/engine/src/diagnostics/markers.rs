//! Diagnostic: `unresolved-marker`.

use crate::analysis::{Context, DeliverableStatus, RunRef};
use crate::diagnostics::{Code, Diagnostic, Doc, Severity};
use crate::model::CriterionKind;

pub(crate) const DOC: Doc = Doc {
    code: Code::UnresolvedMarker,
    severity: Severity::Error,
    when: "A `TBD`, `TODO` or `[NEEDS CLARIFICATION ...]` marker (outside code blocks) is left in an artifact that a passed gate requires complete: a deliverable of a phase that says \"No TBD sections allowed\" (seed 001) or is defined with `complete: true`, or a file named by a gate's `no_markers:` criterion. Markers in work still in progress are not reported.",
    fix: "Resolve the marker, or move the run back to the phase that owns the artifact.",
};

/// Across files, for one run: markers left in what its passed gates require complete.
pub(crate) fn check_run(ctx: &Context<'_>, run: &RunRef<'_>, out: &mut Vec<Diagnostic>) {
    {
        let Some(w) = ctx.workflow_of(run) else { return };
        for i in run.passed_phases(w.wf) {
            let phase = &w.wf.phases[i];
            let mut files: Vec<String> = phase
                .deliverables
                .iter()
                .filter(|d| d.require_complete)
                .filter_map(|d| match ctx.deliverable_status(d) {
                    DeliverableStatus::Present(p) => Some(p),
                    _ => None,
                })
                .collect();
            for c in &phase.gate.criteria {
                if let CriterionKind::NoMarkers { files: f } = &c.kind {
                    files.extend(f.iter().cloned());
                }
            }
            files.sort();
            files.dedup();
            for f in files {
                for hit in ctx.markers(&f) {
                    out.push(Diagnostic::new(
                        Code::UnresolvedMarker,
                        Severity::Error,
                        &f,
                        hit.range,
                        format!(
                            "`{}` left in `{f}`, which the passed gate of phase `{}` requires complete (see `{}`)",
                            hit.word, phase.id, run.file.path
                        ),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::fixture::check;
    use expect_test::expect;

    const DOC: &str = "//- wf.md\n---\nname: demo\n---\n## Phase 1: Design\n**Deliverables**:\n- `ARCH.md`\n- **ALL INTERFACES MUST BE COMPLETE** - No \"TBD\" sections allowed\n\n## Phase 2: Build\n**Deliverables**:\n- `notes.md`\n## Phase 3: Ship\n//- ARCH.md\n# Arch\nAuth: TBD\n[NEEDS CLARIFICATION: tokens?]\n```\nTODO in code is fine\n```\n//- notes.md\nTODO later\n";

    #[test]
    fn markers_in_required_complete_deliverables_of_passed_gates() {
        let spec = format!("{DOC}//- s.state.yaml\nworkflow: demo\ncurrent: ship\n");
        expect![[r#"
            ARCH.md:2:7: error[unresolved-marker]: `TBD` left in `ARCH.md`, which the passed gate of phase `design` requires complete (see `s.state.yaml`)
            ARCH.md:3:1: error[unresolved-marker]: `[NEEDS CLARIFICATION]` left in `ARCH.md`, which the passed gate of phase `design` requires complete (see `s.state.yaml`)
        "#]]
        .assert_eq(&check(&spec, &["unresolved-marker"]));
    }

    #[test]
    fn near_miss_markers_while_the_phase_is_current() {
        let spec = format!("{DOC}//- s.state.yaml\nworkflow: demo\ncurrent: design\n");
        assert_eq!(check(&spec, &["unresolved-marker"]), "");
    }
}
