//! The sections a main spec and a proposal must have: `## Purpose` and `## Requirements` with at
//! least one requirement (`MarkdownParser.parseSpec`, `SpecSchema`), `## Why` and `## What
//! Changes` with a Why of 50 to 1,000 characters (`parseChangeWithDeltas`, `ChangeSchema`: the
//! proposal check `openspec archive` runs).

use super::spec::{MainSpec, Proposal};
use crate::diagnostics::{Code, Diagnostic, Doc, Rule, Severity};

pub(crate) const SPEC_MISSING_SECTION: Rule = Rule {
    doc: Doc {
        code: Code::new("openspec-spec-missing-section"),
        severity: Severity::Error,
        when: "An OpenSpec main spec (`openspec/specs/<capability>/spec.md`) has no `## Purpose` section with text, or no `## Requirements` section. `openspec validate` stops at the first one missing (\"Spec must have a Purpose section\").",
        fix: "Add `## Purpose` with a sentence or two on what the capability is for, and `## Requirements` with its `### Requirement:` blocks.",
    },
    framework: Some("openspec"),
    source: "src/core/parsers/markdown-parser.ts (parseSpec), src/core/validation/validator.ts (validateSpec)",
};

pub(crate) const SPEC_NO_REQUIREMENTS: Rule = Rule {
    doc: Doc {
        code: Code::new("openspec-spec-no-requirements"),
        severity: Severity::Error,
        when: "A main spec's `## Requirements` section holds no requirement (no heading under it).",
        fix: "Add at least one `### Requirement: <name>` with its text and a `#### Scenario:`, or remove the spec when the capability is gone.",
    },
    framework: Some("openspec"),
    source: "src/core/schemas/spec.schema.ts (SPEC_NO_REQUIREMENTS)",
};

pub(crate) const PROPOSAL_MISSING_SECTION: Rule = Rule {
    doc: Doc {
        code: Code::new("openspec-proposal-missing-section"),
        severity: Severity::Warning,
        when: "A change's `proposal.md` has no `## Why` or no `## What Changes` section with text. `openspec archive` warns about it (\"Change must have a Why section\"); `openspec validate --all` does not read proposals.",
        fix: "Add `## Why` (the problem or opportunity, in a sentence or two) and `## What Changes` (what will change).",
    },
    framework: Some("openspec"),
    source: "src/core/parsers/change-parser.ts (parseChangeWithDeltas), src/core/validation/validator.ts (validateChange, run by openspec archive)",
};

pub(crate) const WHY_LENGTH: Rule = Rule {
    doc: Doc {
        code: Code::new("openspec-why-length"),
        severity: Severity::Warning,
        when: "A proposal's `## Why` is shorter than 50 or longer than 1,000 characters (UTF-16 code units, as OpenSpec counts). `openspec archive` warns about it; `openspec validate --all` does not.",
        fix: "Say why the change is needed in one to three sentences.",
    },
    framework: Some("openspec"),
    source: "src/core/schemas/change.schema.ts (MIN_WHY_SECTION_LENGTH, MAX_WHY_SECTION_LENGTH)",
};

/// Why sections must hold at least this many characters (`MIN_WHY_SECTION_LENGTH`) ...
const MIN_WHY: usize = 50;
/// ... and at most this many (`MAX_WHY_SECTION_LENGTH`).
const MAX_WHY: usize = 1000;

pub(crate) fn check_spec(path: &str, s: &MainSpec, out: &mut Vec<Diagnostic>) {
    match s.missing {
        Some("Purpose") => {
            let (range, message) = match s.empty_purpose {
                Some(r) => (r, "the `## Purpose` section is empty: say in a sentence or two what this capability is for".to_string()),
                None => (s.title, "this spec has no `## Purpose` section: add one saying what the capability is for".to_string()),
            };
            out.push(SPEC_MISSING_SECTION.at(path, range, message));
        }
        Some(_) => out.push(SPEC_MISSING_SECTION.at(
            path,
            s.title,
            "this spec has no `## Requirements` section: add one with its `### Requirement:` blocks".to_string(),
        )),
        None => {
            if s.requirements.is_empty()
                && let Some(h) = s.requirements_heading
            {
                out.push(SPEC_NO_REQUIREMENTS.at(
                    path,
                    h,
                    "`## Requirements` holds no requirement: add a `### Requirement: <name>` block".to_string(),
                ));
            }
        }
    }
}

pub(crate) fn check_proposal(path: &str, p: &Proposal, out: &mut Vec<Diagnostic>) {
    if let Some(section) = p.missing {
        out.push(PROPOSAL_MISSING_SECTION.at(
            path,
            p.title,
            format!("the proposal has no `## {section}` section with text (`openspec archive` reads `## Why` and `## What Changes`)"),
        ));
        return;
    }
    if let Some((_, content, len)) = p.why {
        if len < MIN_WHY {
            out.push(WHY_LENGTH.at(path, content, format!("`## Why` is {len} characters; OpenSpec asks for at least {MIN_WHY}")));
        } else if len > MAX_WHY {
            out.push(WHY_LENGTH.at(path, content, format!("`## Why` is {len} characters; OpenSpec asks for at most {MAX_WHY}")));
        }
    }
}
