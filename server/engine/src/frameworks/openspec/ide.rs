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
//! A requirement's name is its header, which a rename in the editor would change without the
//! `RENAMED` delta OpenSpec asks for: they are not renamed here.

use crate::facts::FileFacts;
use crate::ide::index::{Place, Reference, RenameForm, Symbol, SymbolKind, narrow};
use crate::text::TextRange;

use super::requirement::Block;

/// A requirement block as a symbol: its name in the header, its first body line as its text.
fn declare(facts: &mut FileFacts, text: &str, b: &Block) {
    let range = narrow(text, b.header, &b.name).unwrap_or(b.header);
    let body = b.body_first.and_then(|r| text.get(r.start..r.end)).unwrap_or("").trim();
    let mut sym = Symbol::new(SymbolKind::Requirement, &b.name, range, b.raw, body);
    sym.rename = RenameForm::Fixed;
    facts.ide.symbols.push(sym);
}

/// The symbols of a main spec.
pub(super) fn main_spec(facts: &mut FileFacts, text: &str, spec: &super::spec::MainSpec) {
    for b in &spec.blocks {
        declare(facts, text, b);
    }
}

/// The symbols and references of a delta spec of capability `capability`.
pub(super) fn delta(facts: &mut FileFacts, text: &str, capability: &str, d: &super::delta::DeltaSpec) {
    for b in &d.added {
        declare(facts, text, b);
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
