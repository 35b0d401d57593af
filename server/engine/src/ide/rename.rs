//! Rename: a phase, state, requirement, user story, task, `[id:]` name or workflow, at its
//! declaration and at every reference that resolves to it, as one change. Refused for what is
//! not a name (prepare), for a name declared in several places, for a new name that is not a
//! valid name of its kind, and for one that collides with a name already there.

use std::collections::BTreeMap;

use crate::actions::{FileChange, Refusal, TextEdit, WorkspaceChange, refuse, title_of};
use crate::facts::FileFacts;
use crate::ide::hover::code;
use crate::ide::index::{Found, Hit, RenameForm, Symbol, SymbolKind};
use crate::model::slug;
use crate::text::TextRange;
use crate::workspace::Workspace;

impl Workspace {
    /// The one symbol a rename at byte `offset` of `path` renames, and what the cursor is on.
    fn rename_target(&self, path: &str, offset: usize) -> Result<(Hit<'_>, Found<'_>), Refusal> {
        let (hit, targets) = self
            .targets_at(path, offset)
            .ok_or_else(|| refuse("nothing to rename here: rename a phase, state, requirement, task or `[id:]` name"))?;
        let name = match hit {
            Hit::Link(l) => return Err(refuse(format!("{} is a path: rename the file instead", code(&l.written)))),
            Hit::Reference(r) => &r.name,
            Hit::Symbol(s) => &s.name,
        };
        let target = match targets.as_slice() {
            [] => {
                let kind = match hit {
                    Hit::Reference(r) => r.kind.noun(),
                    _ => "symbol",
                };
                return Err(refuse(format!("{} names no declared {kind}: nothing to rename", code(name))));
            }
            [one] => *one,
            many => {
                let places: Vec<String> = many.iter().take(5).map(|t| code(&t.file.path)).collect();
                return Err(refuse(format!(
                    "{} is declared in several places ({}): rename one of them first",
                    code(name),
                    places.join(", ")
                )));
            }
        };
        if target.symbol.rename == RenameForm::Fixed {
            let why = match target.symbol.kind {
                SymbolKind::Workflow => "its name comes from its file or folder name: rename the file",
                SymbolKind::Phase => "it belongs to a framework's definition, or its heading does not write it plainly",
                _ => "it is not written plainly where it is declared",
            };
            return Err(refuse(format!("{} {} cannot be renamed here: {why}", target.symbol.noun(), code(&target.symbol.name))));
        }
        Ok((hit, target))
    }

    /// Whether the name at byte `offset` of `path` can be renamed: the range of that name (bytes)
    /// and the text to start editing from (a phase heading's title, else the name).
    pub fn prepare_rename(&self, path: &str, offset: usize) -> Result<(TextRange, String), Refusal> {
        let (hit, _) = self.rename_target(path, offset)?;
        let range = hit.range();
        let text = self.files.get(path).map(|f| f.text()).unwrap_or("");
        Ok((range, text.get(range.start..range.end).unwrap_or("").to_string()))
    }

    /// Renames what is at byte `offset` of `path` to `new_name` everywhere: its declaration and
    /// every reference that resolves to it. A phase declared by a Markdown heading takes
    /// `new_name` as its new title (from a reference, an id-like `design-review` becomes `Design
    /// Review`), and the references written as its id get the new title's slug; references by
    /// number (`Phase 2`) stay.
    pub fn rename(&self, path: &str, offset: usize, new_name: &str) -> Result<WorkspaceChange, Refusal> {
        let (hit, target) = self.rename_target(path, offset)?;
        let s = target.symbol;
        let new_name = new_name.trim();
        let (declared_as, referenced_as) = match s.rename {
            RenameForm::Title => {
                let title =
                    if matches!(hit, Hit::Reference(_)) && slug(new_name) == new_name { title_of(new_name) } else { new_name.to_string() };
                let id = slug(&title);
                (title, id)
            }
            _ => (new_name.to_string(), new_name.to_string()),
        };
        validate(s, &declared_as, &referenced_as)?;
        if referenced_as == s.name && (s.rename != RenameForm::Title || declared_as == s.text.trim()) {
            return Err(refuse(format!("{} is already named {}", s.noun(), code(new_name))));
        }
        self.collision(target.file, s, &declared_as, &referenced_as)?;
        let mut edits: BTreeMap<String, Vec<TextEdit>> = BTreeMap::new();
        edits.entry(target.file.path.clone()).or_default().push(TextEdit { range: s.range, new_text: declared_as.clone() });
        let mut skipped = 0;
        for (f, r) in self.references_of(target.file, s) {
            let written = f.text().get(r.range.start..r.range.end).unwrap_or("");
            let by_name = match s.rename {
                // `Phase 2`, `2`: a reference by number stays.
                RenameForm::Title => written == s.name || slug(written) == s.name || slug(written) == slug(&s.text),
                _ => true,
            };
            if by_name {
                edits.entry(f.path.clone()).or_default().push(TextEdit { range: r.range, new_text: referenced_as.clone() });
            } else {
                skipped += 1;
            }
        }
        let files = edits.len();
        let mut count = 0;
        let changes = edits
            .into_iter()
            .map(|(path, mut list)| {
                list.sort_by_key(|e| e.range);
                list.dedup_by(|a, b| a.range == b.range);
                count += list.len();
                FileChange::Edit { path, edits: list }
            })
            .collect();
        let kept = if skipped > 0 { format!("; {skipped} reference(s) by number kept") } else { String::new() };
        Ok(WorkspaceChange {
            changes,
            summary: format!(
                "renamed {} {} to {}: {count} edit(s) in {files} file(s){kept}",
                s.noun(),
                code(&s.name),
                code(&referenced_as)
            ),
        })
    }

    /// Refuses a new name that is already taken where the symbol lives.
    fn collision(&self, file: &FileFacts, s: &Symbol, declared_as: &str, referenced_as: &str) -> Result<(), Refusal> {
        let taken =
            |what: &str| Err(refuse(format!("{} already exists {what}: renaming {} would make two", code(referenced_as), code(&s.name))));
        match s.kind {
            SymbolKind::Phase | SymbolKind::State => {
                let Some(wf) = file.workflows.iter().find(|w| Some(&w.name) == s.workflow.as_ref()) else { return Ok(()) };
                let phase = wf.phase_index(referenced_as).or_else(|| wf.phase_index(declared_as));
                let other_phase = phase.is_some_and(|j| s.kind != SymbolKind::Phase || j != s.ordinal);
                let other_state =
                    wf.state_exists(referenced_as) && !(s.kind == SymbolKind::State && s.name.eq_ignore_ascii_case(referenced_as));
                if other_phase || other_state {
                    return taken(&format!("in workflow {}", code(&wf.name)));
                }
            }
            SymbolKind::Workflow => {
                let others = self.workflows_named(referenced_as);
                if others.iter().any(|(f, w)| f.path != file.path || w.name != s.name)
                    || self.instances().iter().any(|i| slug(&i.wf.name) == slug(referenced_as))
                {
                    return taken("as a workflow of this project");
                }
            }
            SymbolKind::Name => {
                if self.files.values().any(|f| f.memory_ids.iter().any(|n| n.name == referenced_as)) {
                    return taken("in a memory map");
                }
            }
            SymbolKind::Task | SymbolKind::Requirement | SymbolKind::Story => {
                if file.index().symbols.iter().any(|o| o.kind == s.kind && o.name == referenced_as && o.range != s.range) {
                    return taken(&format!("in {}", code(&file.path)));
                }
            }
        }
        Ok(())
    }
}

/// Refuses a new name that is not a name of the symbol's kind (it would no longer be read as one).
fn validate(s: &Symbol, declared_as: &str, referenced_as: &str) -> Result<(), Refusal> {
    let bad = |what: &str| Err(refuse(format!("{} is not a valid {}: {what}", code(declared_as), s.noun())));
    if declared_as.is_empty() || referenced_as.is_empty() {
        return bad("it is empty");
    }
    if declared_as.contains(['\n', '\r']) {
        return bad("it spans lines");
    }
    let id_chars = |v: &str| v.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    match (s.kind, s.rename) {
        (SymbolKind::Phase, RenameForm::Title) => {
            if slug(declared_as).is_empty() {
                return bad("a title needs a letter or digit");
            }
        }
        (SymbolKind::Phase, _) => {
            if !referenced_as.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_')) {
                return bad("a phase id is lowercase letters, digits, `-` and `_`");
            }
        }
        (SymbolKind::Task, _) => {
            if crate::extract::markdown::task_id(referenced_as) != Some(referenced_as) {
                return bad("a task id is `T` and digits (`T12`) or capitals, `-` and digits (`AUTH-3`)");
            }
        }
        (SymbolKind::Story, _) => {
            if !crate::ide::index::is_story_id(referenced_as) {
                return bad("a user story label is `US` and digits");
            }
        }
        (SymbolKind::Name, _) => {
            if !referenced_as.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-')) {
                return bad("an `[id:]` name is ASCII letters, digits, `_` and `-`");
            }
        }
        (SymbolKind::Requirement | SymbolKind::State, _) => {
            if !id_chars(referenced_as) || !referenced_as.starts_with(|c: char| c.is_alphanumeric()) {
                return bad("an id is letters, digits, `_`, `-` and `.`");
            }
        }
        (SymbolKind::Workflow, _) => {
            if crate::actions::yaml_scalar(referenced_as) != referenced_as {
                return bad("a workflow name is words of letters, digits, `-`, `_` and `.`");
            }
        }
    }
    Ok(())
}
