//! Deltas against the main spec they change: a MODIFIED requirement that drops scenarios the
//! main spec has (`findScenarioLossIssues` of `src/core/validation/validator.ts`), and what
//! `openspec archive` would refuse to apply (`buildUpdatedSpec` of `src/core/specs-apply.ts`,
//! which `openspec validate` dry-runs for delta specs without errors and reports as
//! information): a MODIFIED or RENAMED requirement the main spec does not have, an ADDED one it
//! already has, a near miss in case or spacing, a main spec too broken to update.

use super::change::{Change, Project};
use super::delta::DeltaSpec;
use super::requirement::{Block, fold_name, normalized_raw};
use super::spec::MainSpec;
use crate::diagnostics::{Code, Diagnostic, Doc, Rule, Severity};
use crate::facts::FileFacts;
use crate::text::TextRange;

pub(crate) const DROPS_SCENARIO: Rule = Rule {
    doc: Doc {
        code: Code::new("openspec-modified-drops-scenario"),
        severity: Severity::Error,
        when: "A MODIFIED requirement of a delta spec leaves out scenarios the main spec's requirement still has. A MODIFIED block replaces the whole requirement, so archiving would drop them; `openspec archive` refuses it.",
        fix: "Copy the missing `#### Scenario:` blocks into the MODIFIED requirement (edited as needed), or remove them from the main spec on purpose first.",
    },
    framework: Some("openspec"),
    source: "src/core/validation/validator.ts (findScenarioLossIssues), src/core/parsers/requirement-blocks.ts (diffScenarioNames)",
};

pub(crate) const CANNOT_APPLY: Rule = Rule {
    doc: Doc {
        code: Code::new("openspec-delta-cannot-apply"),
        severity: Severity::Warning,
        when: "`openspec archive` would refuse to apply a delta spec to its main spec: a MODIFIED or RENAMED requirement the main spec does not have (or a MODIFIED/RENAMED for a capability with no main spec yet), an ADDED requirement it already has with other text, a name that differs from an existing one only in case or spacing, or a main spec whose structure is broken. `openspec validate` reports it as information (a sister change not yet archived may add the requirement).",
        fix: "Use the main spec's exact requirement name (`openspec/specs/<capability>/spec.md`), ADDED for a new requirement and MODIFIED for an existing one.",
    },
    framework: Some("openspec"),
    source: "src/core/specs-apply.ts (buildUpdatedSpec), src/core/validation/validator.ts (findArchiveBlockers)",
};

/// A requirement block in the spec being rebuilt: from the main spec, from the delta, or a main
/// spec block renamed.
#[derive(Clone, Copy)]
enum Held<'a> {
    Main(&'a Block),
    Delta(&'a Block),
    Renamed(&'a Block, &'a str),
}

impl<'a> Held<'a> {
    fn block(&self) -> &'a Block {
        match self {
            Held::Main(b) | Held::Delta(b) | Held::Renamed(b, _) => b,
        }
    }

    fn name(&self) -> &'a str {
        match self {
            Held::Renamed(_, to) => to,
            Held::Main(b) | Held::Delta(b) => &b.name,
        }
    }

    /// Its text as `normalizeBlockRaw` compares it (a renamed block with its new header).
    fn normalized(&self, main: &str, delta: &str) -> String {
        match self {
            Held::Main(b) => normalized_raw(main, b.raw),
            Held::Delta(b) => normalized_raw(delta, b.raw),
            Held::Renamed(b, to) => {
                let raw = normalized_raw(main, b.raw);
                let rest = raw.split_once('\n').map_or("", |(_, r)| r);
                normalized_raw_str(&format!("### Requirement: {to}\n{rest}"))
            }
        }
    }
}

fn normalized_raw_str(s: &str) -> String {
    super::lines::js_trim(s).to_string()
}

/// A scenario name list with multiplicity: those of `current` that `incoming` lacks, and the
/// reverse (`diffScenarioNames`).
fn diff<'a>(current: &'a Block, incoming: &'a Block) -> (Vec<&'a str>, Vec<&'a str>) {
    let unmatched = |names: &'a Block, against: &'a Block| {
        let mut left: Vec<&str> = against.scenarios.iter().map(|s| s.name.as_str()).collect();
        let mut out = Vec::new();
        for s in &names.scenarios {
            match left.iter().position(|l| *l == s.name) {
                Some(i) => {
                    left.swap_remove(i);
                }
                None => out.push(s.name.as_str()),
            }
        }
        out
    };
    (unmatched(current, incoming), unmatched(incoming, current))
}

pub(crate) fn check(p: &Project<'_>, c: &Change<'_>, out: &mut Vec<Diagnostic>) {
    if c.archived {
        return;
    }
    for (cap, f, d) in c.deltas() {
        let main = p.main_spec(cap);
        let mut errors = Vec::new();
        if let Some((mf, ms)) = main {
            scenario_loss(f, d, mf, ms, &mut errors);
        }
        let blocked = !errors.is_empty() || d.has_error || d.entries() == 0;
        out.append(&mut errors);
        if !blocked && let Some(d) = refusal(cap, f, d, main) {
            out.push(d);
        }
    }
}

/// `findScenarioLossIssues`: each MODIFIED requirement (not renamed away) against the main spec
/// block it replaces (following renames).
fn scenario_loss(f: &FileFacts, d: &DeltaSpec, mf: &FileFacts, ms: &MainSpec, out: &mut Vec<Diagnostic>) {
    let current = |name: &str| -> Option<&Block> {
        let mut key = name.to_string();
        let mut visited: Vec<String> = Vec::new();
        loop {
            if let Some(b) = ms.blocks.iter().rev().find(|b| b.name == key) {
                return Some(b);
            }
            visited.push(key.clone());
            let from = d.renamed.iter().find(|r| r.to.name == key)?.from.name.clone();
            if visited.contains(&from) {
                return None;
            }
            key = from;
        }
    };
    for m in &d.modified {
        if d.renamed.iter().any(|r| r.from.name == m.name) {
            continue;
        }
        let Some(cur) = current(&m.name) else { continue };
        let (missing, added) = diff(cur, m);
        if missing.is_empty() {
            continue;
        }
        let quoted = |l: &[&str]| l.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ");
        let extra = if added.is_empty() { String::new() } else { format!("; it adds {}", quoted(&added)) };
        out.push(
            DROPS_SCENARIO
                .at(
                    &f.path,
                    m.header,
                    format!(
                        "MODIFIED \"{}\" leaves out scenario(s) the main spec still has: {} (the block has {} scenario(s), the main spec {}{extra}); a MODIFIED block replaces the whole requirement",
                        m.name,
                        quoted(&missing),
                        m.scenarios.len(),
                        cur.scenarios.len()
                    ),
                )
                .with_related(&mf.path, cur.header, "the main spec's requirement"),
        );
    }
}

/// The first thing `buildUpdatedSpec` would refuse, if any.
fn refusal(cap: &str, f: &FileFacts, d: &DeltaSpec, main: Option<(&FileFacts, &MainSpec)>) -> Option<Diagnostic> {
    let at = |range: TextRange, message: String| Some(CANNOT_APPLY.at(&f.path, range, message));
    let Some((mf, ms)) = main else {
        // A new capability: only ADDED entries can apply.
        let first = d.modified.first().map(|b| b.header).or_else(|| d.renamed.first().map(|r| r.from.range));
        if let Some(r) = first {
            return at(
                r,
                format!(
                    "capability `{cap}` has no main spec yet (`openspec/specs/{cap}/spec.md`): only ADDED requirements can apply to a new spec, not MODIFIED or RENAMED"
                ),
            );
        }
        let mut held: Vec<(&str, Held<'_>)> = Vec::new();
        return added(f, d, "", &mut held);
    };
    if let Some(issue) = ms.structure.first() {
        return Some(
            CANNOT_APPLY
                .at(
                    &f.path,
                    d.title,
                    format!("the main spec `{}` is structurally broken, so archive cannot update it until it is fixed", mf.path),
                )
                .with_related(&mf.path, issue.range, "broken here"),
        );
    }
    let mut held: Vec<(&str, Held<'_>)> = ms.blocks.iter().map(|b| (b.name.as_str(), Held::Main(b))).collect();
    let find = |held: &[(&str, Held<'_>)], key: &str| held.iter().position(|(k, _)| *k == key);
    let related = |msg: Diagnostic, h: &Held<'_>| match h {
        Held::Main(b) | Held::Renamed(b, _) => msg.with_related(&mf.path, b.header, "the main spec's requirement"),
        Held::Delta(_) => msg,
    };
    for r in &d.renamed {
        let (from, to) = (r.from.name.as_str(), r.to.name.as_str());
        let Some(i) = find(&held, from) else {
            if find(&held, to).is_some() {
                let folded = fold_name(from);
                if let Some((_, h)) = held.iter().find(|(k, _)| *k != to && fold_name(k) == folded) {
                    let m = CANNOT_APPLY.at(
                        &f.path,
                        r.from.range,
                        format!("RENAMED FROM \"{from}\" is not in `{}`, but \"{}\" is: use its exact name", mf.path, h.name()),
                    );
                    return Some(related(m, h));
                }
                continue;
            }
            return at(r.from.range, format!("RENAMED FROM \"{from}\" is not a requirement of `{}`", mf.path));
        };
        if let Some(j) = find(&held, to) {
            let m = CANNOT_APPLY.at(&f.path, r.to.range, format!("RENAMED TO \"{to}\" already exists in `{}`", mf.path));
            return Some(related(m, &held[j].1));
        }
        let folded = fold_name(to);
        if let Some((_, h)) = held.iter().find(|(k, _)| *k != from && fold_name(k) == folded) {
            let m = CANNOT_APPLY.at(
                &f.path,
                r.to.range,
                format!("RENAMED TO \"{to}\": \"{}\" already exists and differs only in case or spacing", h.name()),
            );
            return Some(related(m, h));
        }
        let block = held[i].1.block();
        held.remove(i);
        held.push((to, Held::Renamed(block, to)));
    }
    for name in &d.removed {
        match find(&held, &name.name) {
            Some(i) => {
                held.remove(i);
            }
            None => {
                let folded = fold_name(&name.name);
                if let Some((_, h)) = held.iter().find(|(k, _)| fold_name(k) == folded) {
                    let m = CANNOT_APPLY.at(
                        &f.path,
                        name.range,
                        format!("REMOVED \"{}\" is not in `{}`, but \"{}\" is: use its exact name", name.name, mf.path, h.name()),
                    );
                    return Some(related(m, h));
                }
            }
        }
    }
    for m in &d.modified {
        let Some(i) = find(&held, &m.name) else {
            return at(
                m.header,
                format!(
                    "MODIFIED \"{}\" is not a requirement of `{}`: use its exact name there, or ADDED for a new requirement",
                    m.name, mf.path
                ),
            );
        };
        let (missing, _) = diff(held[i].1.block(), m);
        if !missing.is_empty() {
            let m2 = CANNOT_APPLY.at(&f.path, m.header, format!("MODIFIED \"{}\" would drop scenario(s) the main spec has", m.name));
            return Some(related(m2, &held[i].1));
        }
        held[i].1 = Held::Delta(m);
    }
    added(f, d, mf.text(), &mut held).map(|x| x.with_related(&mf.path, ms.title, "the main spec"))
}

/// The ADDED entries against what the spec holds by then.
fn added<'a>(f: &'a FileFacts, d: &'a DeltaSpec, main_text: &str, held: &mut Vec<(&'a str, Held<'a>)>) -> Option<Diagnostic> {
    for a in &d.added {
        if let Some((_, h)) = held.iter().find(|(k, _)| *k == a.name) {
            if h.normalized(main_text, f.text()) == normalized_raw(f.text(), a.raw) {
                continue;
            }
            return Some(CANNOT_APPLY.at(
                &f.path,
                a.header,
                format!("ADDED \"{}\" already exists in the main spec: use MODIFIED to change it", a.name),
            ));
        }
        let folded = fold_name(&a.name);
        if let Some((_, h)) = held.iter().find(|(k, _)| fold_name(k) == folded) {
            return Some(CANNOT_APPLY.at(
                &f.path,
                a.header,
                format!("ADDED \"{}\": \"{}\" already exists and differs only in case or spacing; use MODIFIED with that exact name, or choose a distinct one", a.name, h.name()),
            ));
        }
        held.push((a.name.as_str(), Held::Delta(a)));
    }
    None
}
