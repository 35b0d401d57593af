//! A main spec's Purpose: too short (`MIN_PURPOSE_LENGTH`, `src/core/validation/validator.ts`),
//! a placeholder (`src/core/validation/purpose-placeholder.ts`: a leading `TBD`/`TODO`, or the
//! sentence `openspec archive` writes), and, beyond the validator, template text left in place.

use super::spec::MainSpec;
use crate::diagnostics::{Code, Diagnostic, Doc, Rule, Severity};

pub(crate) const PURPOSE_TOO_SHORT: Rule = Rule {
    doc: Doc {
        code: Code::new("openspec-purpose-too-short"),
        severity: Severity::Warning,
        when: "A main spec's `## Purpose` is shorter than 50 characters (UTF-16 code units, trimmed). `openspec validate --strict` fails it (\"Purpose section is too brief\").",
        fix: "Say what the capability is for, and for whom, in a sentence or two.",
    },
    framework: Some("openspec"),
    source: "src/core/validation/validator.ts (applySpecRules), src/core/validation/constants.ts (MIN_PURPOSE_LENGTH)",
};

pub(crate) const PURPOSE_PLACEHOLDER: Rule = Rule {
    doc: Doc {
        code: Code::new("openspec-purpose-placeholder"),
        severity: Severity::Warning,
        when: "A main spec's `## Purpose` is still a placeholder: it opens with `TBD` or `TODO` (in capitals, or in any case before punctuation), or holds the sentence `openspec archive` writes for a capability it creates (\"TBD - created by archiving change ... Update Purpose after archive.\").",
        fix: "Replace it with what the capability is for, editing the main spec itself (a `## Purpose` in a later delta is not read for an existing capability).",
    },
    framework: Some("openspec"),
    source: "src/core/validation/purpose-placeholder.ts (@fission-ai/openspec 1.13.2), src/core/validation/constants.ts (PURPOSE_PLACEHOLDER_PREFIX)",
};

pub(crate) const SPEC_PLACEHOLDER: Rule = Rule {
    doc: Doc {
        code: Code::new("openspec-spec-placeholder"),
        severity: Severity::Warning,
        when: "A main spec's `## Purpose` is only template text: HTML comments (`<!-- ... -->`, as the spec template writes them) or one bracketed placeholder (`[purpose]`, `<purpose>`), or it holds a `TBD`/`TODO` after its start (`Purpose: TBD`, `... the expiry is TBD`). `openspec validate` counts a comment as text and reads only a leading marker, so it passes these.",
        fix: "Write the Purpose: what the capability is for, in a sentence or two.",
    },
    framework: Some("openspec"),
    source: "schemas/spec-driven/templates/spec.md (the template's comments), src/core/validation/purpose-placeholder.ts",
};

/// Purposes must hold at least this many characters (`MIN_PURPOSE_LENGTH`).
const MIN_PURPOSE: usize = 50;

pub(crate) fn check(path: &str, s: &MainSpec, out: &mut Vec<Diagnostic>) {
    let Some((_, content)) = s.purpose else { return };
    if let Some(p) = &s.placeholder {
        let message = if p.generated {
            "the Purpose is still the placeholder `openspec archive` wrote: replace it with what this capability is for".to_string()
        } else {
            "the Purpose is still a placeholder (`TBD`/`TODO`): replace it with what this capability is for".to_string()
        };
        out.push(PURPOSE_PLACEHOLDER.at(path, p.range, message));
    } else if s.purpose_len < MIN_PURPOSE {
        out.push(PURPOSE_TOO_SHORT.at(
            path,
            content,
            format!("the Purpose is {} characters; `openspec validate --strict` asks for at least {MIN_PURPOSE}", s.purpose_len),
        ));
    }
    if let Some(r) = s.purpose_template
        && s.placeholder.is_none()
    {
        out.push(SPEC_PLACEHOLDER.at(
            path,
            r,
            "the Purpose is still template text or marked `TBD`/`TODO`: say what this capability is for".to_string(),
        ));
    }
}
