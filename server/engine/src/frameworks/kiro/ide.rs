//! What Kiro adds to the editor index ([`crate::ide::index`]): a spec's requirements and
//! acceptance criteria under Kiro's own names, the references its `tasks.md` and `design.md`
//! make to them, and the task marks Kiro's IDE writes.
//!
//! - `### Requirement 2: Sign out` declares requirement `2`; the numbered lines under its
//!   "Acceptance Criteria" declare acceptance criteria `2.1`, `2.2`, ... (kiro.dev/docs/specs:
//!   EARS criteria numbered per requirement). Their numbers are positions, not names written as
//!   is, so they are not renamed.
//! - `_Requirements: 1.2, 2_` and `**Validates: Requirements 1.1**` name criterion `1.2` and
//!   requirement `2` of the same spec's `requirements.md`; a range `1.1–1.4` names its first and
//!   last criterion where they are written.
//! - A task in progress is `[-]` (the IDE's "Start task"), a done one `[x]`.

use crate::facts::FileFacts;
use crate::ide::index::{Place, Reference, RenameForm, Symbol, SymbolKind, TaskMarks, narrow};
use crate::text::TextRange;

use super::parse::{self, Target};

/// The requirements and acceptance criteria of a spec's `requirements.md`, as symbols.
pub(super) fn add_requirements(facts: &mut FileFacts, text: &str, parsed: &[parse::Requirement]) {
    let mut seen = std::collections::HashSet::new();
    for r in parsed {
        if !seen.insert(r.number) {
            continue;
        }
        let id = r.number.to_string();
        // `Requirement 2` in the heading's text.
        let heading = text.get(r.range.start..r.range.end).unwrap_or("");
        let name_end = heading
            .find(|c: char| c.is_ascii_digit())
            .map_or(heading.len(), |d| d + heading[d..].find(|c: char| !c.is_ascii_digit()).unwrap_or(heading.len() - d));
        let mut sym = Symbol::new(SymbolKind::Requirement, &id, TextRange::new(r.range.start, r.range.start + name_end), r.range, &r.title);
        sym.rename = RenameForm::Fixed;
        facts.ide.symbols.push(sym);
        for c in &r.criteria {
            let mut sym = Symbol::new(SymbolKind::Requirement, &format!("{id}.{}", c.number), criterion_number(text, c), c.range, &c.text);
            sym.noun = Some("acceptance criterion");
            sym.rename = RenameForm::Fixed;
            facts.ide.symbols.push(sym);
        }
    }
}

/// The number that starts a criterion's line (`3` of `3.`, `1.3` of `1.3.`), without its dot
/// (bytes).
pub(super) fn criterion_number(text: &str, c: &parse::Criterion) -> TextRange {
    let line = text.get(c.range.start..c.range.end).unwrap_or("");
    let marker = line.find(|ch: char| !(ch.is_ascii_digit() || ch == '.')).unwrap_or(line.len());
    let marker = line[..marker].trim_end_matches('.').len();
    TextRange::new(c.range.start, c.range.start + marker)
}

/// The references of a spec's `tasks.md` or `design.md` (`feature` is the spec's folder) to its
/// `requirements.md`, and for `tasks.md` the marks of Kiro's tasks.
pub(super) fn add_references(facts: &mut FileFacts, text: &str, feature: &str, list: &parse::TaskList, tasks: bool) {
    let place = vec![Place::File(format!("{feature}/requirements.md"))];
    for r in &list.references {
        let names = match r.target {
            Target::Requirement(n) => vec![n.to_string()],
            Target::Criterion(n, m) => vec![format!("{n}.{m}")],
            Target::Range(n, a, b) => vec![format!("{n}.{a}"), format!("{n}.{b}")],
        };
        let mut from = r.range.start;
        for name in names {
            // Only where the name is written (`1.1-7` writes no `1.7`).
            let Some(at) = narrow(text, TextRange::new(from, r.range.end), &name) else { continue };
            from = at.end;
            facts.ide.references.push(Reference::new(SymbolKind::Requirement, &name, at, place.clone()));
        }
    }
    if tasks {
        facts.ide.task_marks = Some(TaskMarks::Checkbox { done: 'x', start: Some('-') });
    }
}
