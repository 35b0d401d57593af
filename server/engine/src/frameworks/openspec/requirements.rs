//! Requirements of main specs and of ADDED/MODIFIED deltas: at least one `#### Scenario:` with a
//! body (`SpecSchema`/`RequirementSchema`, `countScenarios` of
//! `src/core/parsers/requirement-text.ts`), body text (`extractRequirementBody`) holding `SHALL`
//! or `MUST` (`containsShallOrMust`), and not too long (`MAX_REQUIREMENT_TEXT_LENGTH`).

use super::lines;
use super::requirement::Block;
use super::spec::MainSpec;
use crate::diagnostics::{Code, Diagnostic, Doc, Rule, Severity};

pub(crate) const NO_SCENARIO: Rule = Rule {
    doc: Doc {
        code: Code::new("openspec-requirement-no-scenario"),
        severity: Severity::Error,
        when: "A requirement (of a main spec, or ADDED/MODIFIED in a delta) has no scenario: no level-4 `#### Scenario:` header with a body under it. Scenarios written as list items (`- **WHEN** ...`) or as `###` headers do not count, nor does a scenario header with nothing under it.",
        fix: "Add `#### Scenario: <name>` under the requirement, followed by its `- **WHEN** ...` / `- **THEN** ...` lines.",
    },
    framework: Some("openspec"),
    source: "src/core/schemas/base.schema.ts (REQUIREMENT_NO_SCENARIOS), src/core/parsers/requirement-text.ts (countScenarios), src/core/validation/validator.ts",
};

pub(crate) const NO_TEXT: Rule = Rule {
    doc: Doc {
        code: Code::new("openspec-requirement-no-text"),
        severity: Severity::Error,
        when: "A `### Requirement:` block has no text between its header and its first scenario (a `SHALL` written only in the header does not count: OpenSpec reads the line after it).",
        fix: "Write the requirement on the line after its header: `The system SHALL ...`.",
    },
    framework: Some("openspec"),
    source: "src/core/parsers/requirement-text.ts (extractRequirementBody), src/core/validation/validator.ts (buildMissingShallOrMustMessage)",
};

pub(crate) const NO_SHALL: Rule = Rule {
    doc: Doc {
        code: Code::new("openspec-requirement-no-shall"),
        severity: Severity::Warning,
        when: "A requirement's text holds neither `SHALL` nor `MUST` (as whole words, in capitals). `openspec validate --strict` fails it.",
        fix: "State the requirement normatively: `The system SHALL ...` or `Users MUST ...`.",
    },
    framework: Some("openspec"),
    source: "src/core/parsers/requirement-text.ts (containsShallOrMust), src/core/validation/validator.ts",
};

pub(crate) const TOO_LONG: Rule = Rule {
    doc: Doc {
        code: Code::new("openspec-requirement-too-long"),
        severity: Severity::Information,
        when: "A main spec's requirement text is over 500 characters (UTF-16 code units).",
        fix: "Consider splitting it into several requirements.",
    },
    framework: Some("openspec"),
    source: "src/core/validation/constants.ts (MAX_REQUIREMENT_TEXT_LENGTH), src/core/validation/validator.ts (applySpecRules)",
};

/// Requirement text longer than this is reported (`MAX_REQUIREMENT_TEXT_LENGTH`).
const MAX_TEXT: usize = 500;

/// `Requirement: Login` → `Login`.
fn display(title: &str) -> &str {
    match title.get(..12) {
        Some(k) if k.eq_ignore_ascii_case("requirement:") => lines::js_trim(&title[12..]),
        _ => title,
    }
}

fn no_scenario_message(what: &str, bullets: bool, empty: usize) -> String {
    let mut m = format!("{what} has no scenario");
    if bullets {
        m.push_str(": its scenario is written as list items; write it as a `#### Scenario: <name>` header followed by its `- **WHEN**`/`- **THEN**` lines");
    } else if empty > 0 {
        m.push_str(": a `#### Scenario:` header with nothing under it does not count; add its `- **WHEN**`/`- **THEN**` lines");
    } else {
        m.push_str(": add `#### Scenario: <name>` with `- **WHEN**`/`- **THEN**` lines");
    }
    m
}

/// The body checks of one block: text, then SHALL/MUST.
fn check_body(path: &str, what: &str, b: &Block, out: &mut Vec<Diagnostic>) {
    if !b.has_text {
        let message = if lines::contains_shall_or_must(&b.name) {
            format!("{what} has `SHALL`/`MUST` only in its header; OpenSpec reads the requirement from the line after it")
        } else {
            format!("{what} has no text: write it on the line after the header (`The system SHALL ...`)")
        };
        out.push(NO_TEXT.at(path, b.header, message));
    } else if !b.has_keyword {
        out.push(NO_SHALL.at(path, b.body_first.unwrap_or(b.header), format!("{what} should state `SHALL` or `MUST`")));
    }
}

pub(crate) fn check_spec(path: &str, s: &MainSpec, out: &mut Vec<Diagnostic>) {
    if s.missing.is_some() {
        return;
    }
    for r in &s.requirements {
        let what = format!("requirement \"{}\"", display(&r.title));
        if r.scenarios == 0 {
            out.push(NO_SCENARIO.at(path, r.header, no_scenario_message(&what, r.bullet_scenarios, r.empty_scenarios)));
        }
        if r.text_len > MAX_TEXT {
            out.push(TOO_LONG.at(path, r.header, format!("{what} is {} characters long; consider splitting it", r.text_len)));
        }
        if r.text_len == 0 {
            out.push(NO_TEXT.at(path, r.header, format!("{what} has no text")));
        }
    }
    for b in &s.blocks {
        check_body(path, &format!("requirement \"{}\"", b.name), b, out);
    }
}

/// ADDED and MODIFIED entries of a delta spec.
pub(crate) fn check_delta(path: &str, op: &str, b: &Block, out: &mut Vec<Diagnostic>) {
    let what = format!("{op} requirement \"{}\"", b.name);
    check_body(path, &what, b, out);
    if b.scenario_count() == 0 {
        out.push(NO_SCENARIO.at(path, b.header, no_scenario_message(&what, b.bullet_scenarios, b.empty_scenarios())));
    }
}
