//! A main spec's structure (`src/core/parsers/spec-structure.ts`
//! `findMainSpecStructureIssues`): no delta headers, no `### Requirement:` outside
//! `## Requirements`, no requirement declared twice. Duplicates inside a delta section are
//! reported here too (`validateChangeDeltaSpecs`).

use super::spec::{MainSpec, Structure};
use crate::diagnostics::{Code, Diagnostic, Doc, Rule, Severity};

pub(crate) const DELTA_HEADER_IN_SPEC: Rule = Rule {
    doc: Doc {
        code: Code::new("openspec-delta-header-in-spec"),
        severity: Severity::Error,
        when: "A main spec holds a delta header (`## ADDED Requirements`, `## MODIFIED ...`, `## REMOVED ...`, `## RENAMED ...`). Delta headers belong in a change's delta specs; in a main spec they end the `## Requirements` section early, so the requirements after them are not read.",
        fix: "Merge the entries into `## Requirements` (or archive the change they came from) and remove the header.",
    },
    framework: Some("openspec"),
    source: "src/core/parsers/spec-structure.ts (findMainSpecStructureIssues)",
};

pub(crate) const OUTSIDE_REQUIREMENTS: Rule = Rule {
    doc: Doc {
        code: Code::new("openspec-requirement-outside-requirements"),
        severity: Severity::Error,
        when: "A main spec has a `### Requirement:` header outside its `## Requirements` section. OpenSpec reads requirements only inside that section, so validate, list and archive do not see this one.",
        fix: "Move the requirement under `## Requirements`.",
    },
    framework: Some("openspec"),
    source: "src/core/parsers/spec-structure.ts (findMainSpecStructureIssues)",
};

pub(crate) const DUPLICATE_REQUIREMENT: Rule = Rule {
    doc: Doc {
        code: Code::new("openspec-duplicate-requirement"),
        severity: Severity::Error,
        when: "A requirement name is declared twice: in a main spec's `## Requirements` (a closing `###` run does not make a name different), or twice in one delta section (ADDED, MODIFIED, REMOVED, or as a RENAMED `FROM`/`TO`). Applying the spec would keep only one of them.",
        fix: "Rename one of them, or merge the two into one requirement.",
    },
    framework: Some("openspec"),
    source: "src/core/parsers/spec-structure.ts (findMainSpecStructureIssues), src/core/validation/validator.ts (validateChangeDeltaSpecs)",
};

pub(crate) fn check(path: &str, s: &MainSpec, out: &mut Vec<Diagnostic>) {
    if s.missing.is_some() {
        return;
    }
    for issue in &s.structure {
        let d = match &issue.kind {
            Structure::DeltaHeader => DELTA_HEADER_IN_SPEC.at(
                path,
                issue.range,
                format!("main spec holds the delta header `{}`: delta headers belong in `openspec/changes/<change>/specs/`, and here they cut the `## Requirements` section short", issue.header),
            ),
            Structure::OutsideRequirements => OUTSIDE_REQUIREMENTS.at(
                path,
                issue.range,
                format!("`{}` is outside `## Requirements`, so OpenSpec does not read it", issue.header),
            ),
            Structure::Duplicate { first, first_line } => DUPLICATE_REQUIREMENT
                .at(path, issue.range, format!("`{}` repeats the requirement declared on line {first_line}", issue.header))
                .with_related(path, *first, "first declared here"),
        };
        out.push(d);
    }
}
