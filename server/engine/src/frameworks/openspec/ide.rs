//! What OpenSpec adds to the editor index ([`crate::ide::index`]): the requirements of a main
//! spec and of a change's delta spec, and the references a delta makes to the main spec's.
//!
//! - A main spec's `### Requirement: <name>` (in its `## Requirements`) declares requirement
//!   `<name>`: OpenSpec names a requirement by its header text (`openspec/specs/<capability>/spec.md`).
//! - In a change's delta spec (`openspec/changes/<change>/specs/<capability>/spec.md`), a
//!   requirement under `## ADDED Requirements` is declared there; one under `## MODIFIED
//!   Requirements` or listed under `## REMOVED Requirements`, and the `FROM:` of a `## RENAMED
//!   Requirements` pair, name the requirement of the main spec of the same capability, where
//!   `openspec archive` applies them (`specs-apply`: MODIFIED, REMOVED and RENAMED FROM must
//!   exist in the main spec).
//!
//! Both declare their requirements in the shared model too ([`crate::model::Requirement`], with
//! their `#### Scenario:` blocks as its acceptance scenarios), for hover and the outline.
//!
//! A requirement's name is its header, which a rename in the editor would change without the
//! `RENAMED` delta OpenSpec asks for: they are not renamed here.

use crate::facts::FileFacts;
use crate::ide::index::{Place, Reference, RenameForm, Symbol, SymbolKind, narrow};
use crate::model::{Acceptance, Named, Requirement};
use crate::text::TextRange;

use super::requirement::Block;

/// A requirement block as a symbol (its name in the header, its first body line as its text)
/// and as a requirement of the shared model with its scenarios. A repeated name (reported by the
/// validator's rules) is a symbol each time but in the model once, by its first block.
fn declare<'a>(facts: &mut FileFacts, text: &str, b: &'a Block, seen: &mut foldhash::HashSet<&'a str>) {
    let range = narrow(text, b.header, &b.name).unwrap_or(b.header);
    let body = b.body_first.and_then(|r| text.get(r.start..r.end)).unwrap_or("").trim();
    let mut sym = Symbol::new(SymbolKind::Requirement, &b.name, range, b.raw, body);
    sym.rename = RenameForm::Fixed;
    facts.ide.symbols.push(sym);
    if !seen.insert(b.name.as_str()) {
        return;
    }
    let mut requirement = Requirement::new(Named::new(b.name.clone(), range), body, b.raw);
    requirement.acceptance = b
        .scenarios
        .iter()
        .map(|s| Acceptance {
            id: Named::new(s.name.clone(), s.name_range),
            noun: "scenario",
            text: s.body.clone(),
            range: s.range,
            ears: false,
        })
        .collect();
    facts.requirements.push(requirement);
}

/// The symbols of a main spec.
pub(super) fn main_spec(facts: &mut FileFacts, text: &str, spec: &super::spec::MainSpec) {
    let mut seen = foldhash::HashSet::default();
    for b in &spec.blocks {
        declare(facts, text, b, &mut seen);
    }
}

/// The symbols and references of a delta spec of capability `capability`.
pub(super) fn delta(facts: &mut FileFacts, text: &str, capability: &str, d: &super::delta::DeltaSpec) {
    let mut seen = foldhash::HashSet::default();
    for b in &d.added {
        declare(facts, text, b, &mut seen);
    }
    let main = vec![Place::File(format!("openspec/specs/{capability}/spec.md"))];
    let mut refer = |name: &str, range: TextRange| {
        let at = narrow(text, range, name).unwrap_or(range);
        facts.ide.references.push(Reference::new(SymbolKind::Requirement, name, at, main.clone()));
    };
    for b in &d.modified {
        refer(&b.name, b.header);
    }
    for n in &d.removed {
        refer(&n.name, n.range);
    }
    for r in &d.renamed {
        refer(&r.from.name, r.from.range);
    }
}
