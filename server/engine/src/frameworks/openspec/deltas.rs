//! A delta spec on its own (`validateChangeDeltaSpecs` of `src/core/validation/validator.ts`,
//! reading with `parseDeltaSpec`): it must be a capability's `spec.md` with delta sections that
//! hold entries; entries may not repeat or contradict each other; RENAMED lines pair up;
//! `### Requirement:` headers outside delta sections and other `###` headers inside them are not
//! read. Beyond the validator: a REMOVED requirement without its **Reason** and **Migration**.

use super::delta::{DeltaSpec, OPERATIONS};
use super::requirement::{Block, fold_name};
use super::requirements;
use super::structure::DUPLICATE_REQUIREMENT;
use crate::diagnostics::{Code, Diagnostic, Doc, Rule, Severity};
use crate::model::Named;
use crate::text::TextRange;

pub(crate) const NO_SECTIONS: Rule = Rule {
    doc: Doc {
        code: Code::new("openspec-delta-no-sections"),
        severity: Severity::Error,
        when: "A delta spec (`specs/<capability>/spec.md` of a change) has no delta section: no `## ADDED`, `## MODIFIED`, `## REMOVED` or `## RENAMED Requirements` header.",
        fix: "Put its requirements under `## ADDED Requirements` (or the section that says what the change does to them), or move notes that are not deltas out of `specs/`.",
    },
    framework: Some("openspec"),
    source: "src/core/validation/validator.ts (validateChangeDeltaSpecs: \"No delta sections found\")",
};

pub(crate) const EMPTY_SECTIONS: Rule = Rule {
    doc: Doc {
        code: Code::new("openspec-delta-empty-sections"),
        severity: Severity::Error,
        when: "A delta spec has delta sections but no entry in any of them: no `### Requirement:` block (REMOVED may also list `- ### Requirement: <name>` bullets; RENAMED holds `FROM:`/`TO:` lines).",
        fix: "Add the `### Requirement:` blocks under the section, or remove the empty section.",
    },
    framework: Some("openspec"),
    source: "src/core/validation/validator.ts (validateChangeDeltaSpecs: \"Delta sections ... were found, but no requirement entries parsed\")",
};

pub(crate) const MISPLACED: Rule = Rule {
    doc: Doc {
        code: Code::new("openspec-delta-misplaced"),
        severity: Severity::Error,
        when: "A delta spec is where OpenSpec does not read it: `specs/spec.md` directly (no capability folder), or a Markdown file with delta sections under `specs/` that is not a capability's `spec.md` (`specs/auth.md`, `specs/auth/delta.md`). Applying or archiving the change ignores it.",
        fix: "Move its entries into `specs/<capability>/spec.md`.",
    },
    framework: Some("openspec"),
    source: "src/core/validation/validator.ts (validateChangeDeltaSpecs), src/utils/spec-discovery.ts (discoverSpecFiles, findUnreadDeltaFiles)",
};

pub(crate) const CONFLICT: Rule = Rule {
    doc: Doc {
        code: Code::new("openspec-delta-conflict"),
        severity: Severity::Error,
        when: "Two entries of one delta spec contradict each other: a requirement both MODIFIED and REMOVED, MODIFIED and ADDED, or ADDED and REMOVED; a MODIFIED naming the old name of a RENAMED one; a RENAMED `TO` name that is also ADDED; a RENAMED `FROM` that is also REMOVED (in any case or spacing).",
        fix: "Keep one operation per requirement: after a rename, MODIFIED uses the new name; a requirement is either changed or removed.",
    },
    framework: Some("openspec"),
    source: "src/core/validation/validator.ts (validateChangeDeltaSpecs: cross-section conflicts)",
};

pub(crate) const RENAME_UNPAIRED: Rule = Rule {
    doc: Doc {
        code: Code::new("openspec-rename-unpaired"),
        severity: Severity::Error,
        when: "A `## RENAMED Requirements` line has no partner: a `FROM:` not followed by its `TO:` (before the next `FROM:` or the section's end), or a `TO:` with no `FROM:` before it. The rename is not applied.",
        fix: "Write each rename as a `- FROM: `### Requirement: Old`` line immediately followed by `- TO: `### Requirement: New``.",
    },
    framework: Some("openspec"),
    source: "src/core/parsers/requirement-blocks.ts (parseRenamedPairs), src/core/validation/validator.ts",
};

pub(crate) const OUTSIDE_DELTA: Rule = Rule {
    doc: Doc {
        code: Code::new("openspec-requirement-outside-delta"),
        severity: Severity::Warning,
        when: "A delta spec has a `### Requirement:` header above its first `## ` section or under a `## ` section that is not a delta section; it is ignored when the change is validated and applied.",
        fix: "Move it under `## ADDED Requirements` (or MODIFIED, REMOVED, RENAMED).",
    },
    framework: Some("openspec"),
    source: "src/core/parsers/requirement-blocks.ts (findOrphanedRequirements), src/core/validation/validator.ts",
};

pub(crate) const NOT_REQUIREMENT: Rule = Rule {
    doc: Doc {
        code: Code::new("openspec-header-not-requirement"),
        severity: Severity::Information,
        when: "A `### ` header inside `## ADDED` or `## MODIFIED Requirements` is not a `### Requirement: <name>` header (a divider such as `### Documentation Requirements`, or `### Requirement:` without a name); the delta reader skips it.",
        fix: "Write `### Requirement: <name>` when it is meant as a requirement; otherwise nothing to do.",
    },
    framework: Some("openspec"),
    source: "src/core/parsers/requirement-blocks.ts (skippedHeaders), src/core/validation/validator.ts",
};

pub(crate) const REMOVED_WITHOUT_REASON: Rule = Rule {
    doc: Doc {
        code: Code::new("openspec-removed-without-reason"),
        severity: Severity::Warning,
        when: "A requirement under `## REMOVED Requirements`, written as a `### Requirement:` block, has no `**Reason**` or no `**Migration**` line. The spec-driven schema asks for both; `openspec validate` does not check it.",
        fix: "Add `**Reason**: why it goes` and `**Migration**: what users do instead` under it.",
    },
    framework: Some("openspec"),
    source: "schemas/spec-driven/schema.yaml (the specs artifact's instruction: REMOVED \"MUST include **Reason** and **Migration**\")",
};

/// The per-file checks of a Markdown file under an active change's `specs/` (`rest`: its path in
/// the change folder).
pub(crate) fn check_file(path: &str, rest: &str, d: &DeltaSpec, out: &mut Vec<Diagnostic>) {
    let Some(inner) = rest.strip_prefix("specs/") else { return };
    if inner == "spec.md" {
        out.push(MISPLACED.at(
            path,
            d.title,
            "a delta spec directly at `specs/spec.md` is ignored when the change is applied or archived: move it to `specs/<capability>/spec.md`".to_string(),
        ));
        return;
    }
    if super::delta_capability(rest).is_none() {
        if inner.to_ascii_lowercase().ends_with(".md") && d.has_sections() {
            let capability = match inner.rsplit_once('/') {
                Some((folder, _)) => folder.to_string(),
                None => inner[..inner.len() - 3].to_string(),
            };
            let at = d.sections.iter().flatten().min().copied().unwrap_or(d.title);
            out.push(MISPLACED.at(
                path,
                at,
                format!("`specs/{inner}` holds delta sections but OpenSpec reads only `spec.md` in a capability folder: move its requirements into `specs/{capability}/spec.md`"),
            ));
        }
        return;
    }
    for s in &d.skipped {
        let nameless = s.header.trim_end_matches(':').eq_ignore_ascii_case("requirement");
        let message = if nameless {
            format!("`### {}` in {} has no requirement name and is not read: write `### Requirement: <name>`", s.header, s.section)
        } else {
            format!("`### {}` in {} is not a `### Requirement:` header and is not read as a requirement", s.header, s.section)
        };
        out.push(NOT_REQUIREMENT.at(path, s.range, message));
    }
    for u in &d.unpaired {
        let missing = if u.side == "FROM" { "TO" } else { "FROM" };
        out.push(RENAME_UNPAIRED.at(
            path,
            u.name.range,
            format!(
                "RENAMED {}: \"{}\" has no matching {missing}: line; write each rename as a FROM: line followed by its TO: line",
                u.side, u.name.name
            ),
        ));
    }
    for o in &d.orphans {
        let where_ = match &o.section {
            Some(s) => format!("under `## {s}`, which is not a delta section"),
            None => "above the first `## ` section".to_string(),
        };
        out.push(OUTSIDE_DELTA.at(
            path,
            o.name.range,
            format!(
                "requirement \"{}\" is {where_}, so it is ignored: move it under `## ADDED Requirements` (or MODIFIED, REMOVED, RENAMED)",
                o.name.name
            ),
        ));
    }
    if d.entries() == 0 {
        match d.sections.iter().flatten().min() {
            Some(at) => {
                let present: Vec<String> = OPERATIONS.iter().zip(&d.sections).filter(|(_, s)| s.is_some()).map(|(o, _)| format!("`## {o} Requirements`")).collect();
                out.push(EMPTY_SECTIONS.at(path, *at, format!("{} found, but no requirement entry: add `### Requirement:` blocks", present.join(", "))));
            }
            None => out.push(NO_SECTIONS.at(
                path,
                d.title,
                "no delta section: add `## ADDED Requirements` (or MODIFIED, REMOVED, RENAMED), or move notes that are not deltas out of `specs/`".to_string(),
            )),
        }
    }
    let added = first_of_each(path, "ADDED", d.added.iter().map(|b| (b.name.as_str(), b.header)), out);
    for b in &d.added {
        requirements::check_delta(path, "ADDED", b, out);
    }
    let modified = first_of_each(path, "MODIFIED", d.modified.iter().map(|b| (b.name.as_str(), b.header)), out);
    for b in &d.modified {
        requirements::check_delta(path, "MODIFIED", b, out);
    }
    let removed = first_of_each(path, "REMOVED", d.removed.iter().map(|n| (n.name.as_str(), n.range)), out);
    first_of_each(path, "RENAMED FROM", d.renamed.iter().map(|r| (r.from.name.as_str(), r.from.range)), out);
    first_of_each(path, "RENAMED TO", d.renamed.iter().map(|r| (r.to.name.as_str(), r.to.range)), out);
    conflicts(path, d, &added, &modified, &removed, out);
    for b in &d.removed_blocks {
        removed_reason(path, b, out);
    }
}

/// Reports repeated names in one section; returns the first occurrence of each, in order.
fn first_of_each<'a>(
    path: &str,
    section: &str,
    entries: impl Iterator<Item = (&'a str, TextRange)>,
    out: &mut Vec<Diagnostic>,
) -> Vec<Named> {
    let mut firsts: Vec<Named> = Vec::new();
    for (name, range) in entries {
        match firsts.iter().find(|f| f.name == name) {
            Some(f) => out.push(
                DUPLICATE_REQUIREMENT.at(path, range, format!("requirement \"{name}\" is listed twice in {section}")).with_related(
                    path,
                    f.range,
                    "first listed here",
                ),
            ),
            None => firsts.push(Named::new(name, range)),
        }
    }
    firsts
}

fn conflicts(path: &str, d: &DeltaSpec, added: &[Named], modified: &[Named], removed: &[Named], out: &mut Vec<Diagnostic>) {
    let find = |list: &[Named], name: &str| list.iter().find(|n| n.name == name).map(|n| n.range);
    for m in modified {
        if let Some(r) = find(removed, &m.name) {
            out.push(CONFLICT.at(path, r, format!("requirement \"{}\" is both MODIFIED and REMOVED", m.name)).with_related(
                path,
                m.range,
                "MODIFIED here",
            ));
        }
        if let Some(a) = find(added, &m.name) {
            out.push(CONFLICT.at(path, m.range, format!("requirement \"{}\" is both MODIFIED and ADDED", m.name)).with_related(
                path,
                a,
                "ADDED here",
            ));
        }
    }
    for a in added {
        if let Some(r) = find(removed, &a.name) {
            out.push(CONFLICT.at(path, r, format!("requirement \"{}\" is both ADDED and REMOVED", a.name)).with_related(
                path,
                a.range,
                "ADDED here",
            ));
        }
    }
    for rename in &d.renamed {
        if let Some(m) = find(modified, &rename.from.name) {
            out.push(
                CONFLICT
                    .at(
                        path,
                        m,
                        format!("MODIFIED names \"{}\", which RENAMED renames: use the new name \"{}\"", rename.from.name, rename.to.name),
                    )
                    .with_related(path, rename.from.range, "renamed here"),
            );
        }
        if let Some(a) = find(added, &rename.to.name) {
            out.push(
                CONFLICT
                    .at(path, rename.to.range, format!("RENAMED TO \"{}\" collides with an ADDED requirement of that name", rename.to.name))
                    .with_related(path, a, "ADDED here"),
            );
        }
        let folded = fold_name(&rename.from.name);
        if let Some(r) = removed.iter().find(|r| fold_name(&r.name) == folded) {
            let spelled = if r.name == rename.from.name { String::new() } else { format!(" (REMOVED spells it \"{}\")", r.name) };
            out.push(
                CONFLICT
                    .at(path, r.range, format!("requirement \"{}\" is both RENAMED and REMOVED{spelled}", rename.from.name))
                    .with_related(path, rename.from.range, "renamed here"),
            );
        }
    }
}

fn removed_reason(path: &str, b: &Block, out: &mut Vec<Diagnostic>) {
    let missing: Vec<&str> =
        [("**Reason**", b.reason), ("**Migration**", b.migration)].iter().filter(|(_, has)| !has).map(|(k, _)| *k).collect();
    if !missing.is_empty() {
        out.push(REMOVED_WITHOUT_REASON.at(
            path,
            b.header,
            format!("REMOVED requirement \"{}\" has no {} line", b.name, missing.join(" or ")),
        ));
    }
}
