//! The per-file index of what a file declares (symbols) and what it points at (references and
//! deliverable links), built once per file version from its facts ([`FileIndex::of`]) and kept
//! with them; and the resolution of a reference to the symbols it names, across files.
//!
//! The generic conventions' symbols and references are derived from the shared model here
//! (workflows, phases, states, runs, tasks, requirements, memory-map names, deliverables). A
//! framework's reader adds its own while it reads a file, by pushing onto
//! [`FileFacts::ide`](crate::facts::FileFacts) (docs/frameworks/README.md, "Symbols and
//! references"): a reference says which files its name is declared in ([`Place`]), so the
//! framework's resolution rule is data, and definition, references, rename, hover and completion
//! follow it without framework code of their own.

use crate::facts::{FileFacts, FileKind};
use crate::model::{Named, slug};
use crate::paths;
use crate::text::TextRange;
use crate::workspace::Workspace;

/// What kind of thing a symbol is, in the field's own terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SymbolKind {
    /// A workflow (a workflow doc, a definition, a plan, a framework's feature).
    Workflow,
    /// A phase of a workflow.
    Phase,
    /// A state of a workflow's state machine.
    State,
    /// A requirement, acceptance criterion or scenario of a spec (`R1`, `FR-001`, `1.2`).
    Requirement,
    /// A user story (`US1`: Spec Kit's `### User Story 1 - ...`, cited as `[US1]` by tasks).
    Story,
    /// A task (`T001`, `TASK-3`).
    Task,
    /// An `[id:name]` name of a memory map (seed 000).
    Name,
}

impl SymbolKind {
    /// The kind's name for people: `phase`, `requirement`, `user story`, `` `[id:]` name ``.
    pub fn noun(self) -> &'static str {
        match self {
            SymbolKind::Workflow => "workflow",
            SymbolKind::Phase => "phase",
            SymbolKind::State => "state",
            SymbolKind::Requirement => "requirement",
            SymbolKind::Story => "user story",
            SymbolKind::Task => "task",
            SymbolKind::Name => "memory-map name",
        }
    }
}

/// How a rename rewrites a symbol's declaration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenameForm {
    /// The name is written as is: a definition's `id:`, a task id, `[id:name]`.
    Verbatim,
    /// A Markdown phase heading: the new name is its new title (`Design Review`), and the
    /// references written as its id get the title's slug (`design-review`); those written by
    /// number (`Phase 2`) stay.
    Title,
    /// Not renamable (a name derived from a file name, a framework's fixed name).
    Fixed,
}

/// A declaration in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    /// What it is.
    pub kind: SymbolKind,
    /// Its name as references write it (`design`, `T004`, `R1`, `US1`, `core_dir`).
    pub name: String,
    /// Where the name is written (bytes): what go-to-definition selects and rename replaces.
    pub range: TextRange,
    /// The whole declaration (bytes): a phase's section, a task's line, a requirement's item.
    pub full: TextRange,
    /// Its text for people: a phase's or task's title, a requirement's statement.
    pub text: String,
    /// What to call it when [`SymbolKind::noun`] is too general (`acceptance criterion`,
    /// `scenario`, `success criterion`), set by the framework that reads it.
    pub noun: Option<&'static str>,
    /// Phases and states: the name of the workflow they belong to.
    pub workflow: Option<String>,
    /// Phases: their index in the workflow.
    pub ordinal: usize,
    /// How a rename rewrites it.
    pub rename: RenameForm,
}

impl Symbol {
    /// A symbol named `name` at `range`, declared by `full`, renamed verbatim.
    pub(crate) fn new(kind: SymbolKind, name: &str, range: TextRange, full: TextRange, text: &str) -> Symbol {
        Symbol {
            kind,
            name: name.to_string(),
            range,
            full,
            text: text.to_string(),
            noun: None,
            workflow: None,
            ordinal: 0,
            rename: RenameForm::Verbatim,
        }
    }

    /// The name people call it by: the framework's noun, else the kind's.
    pub fn noun(&self) -> &'static str {
        self.noun.unwrap_or(self.kind.noun())
    }
}

/// Where the name of a reference is declared: the places are tried in order and the first that
/// declares it wins (nearness: the same file before the same folder before the project).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// The file holding the reference.
    ThisFile,
    /// The file at this project-relative path.
    File(String),
    /// Every file under this project-relative folder; `""` is the whole project.
    Folder(String),
    /// Every file inside a folder with this name, at any depth (`checkout` for
    /// `implements: checkout/R1`).
    FolderNamed(String),
}

/// A name written in a file that stands for a symbol declared somewhere.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The kind of symbol it names. A [`SymbolKind::Phase`] reference also resolves to a state of
    /// the same name (a state file's `current:` names either).
    pub kind: SymbolKind,
    /// The name as written (only the id: `R1` of `checkout/R1`).
    pub name: String,
    /// Where the name is written (bytes): what rename replaces.
    pub range: TextRange,
    /// Where it is declared: for phases and states the workflow ([`Reference::workflow`]);
    /// for the others these places, in order.
    pub places: Vec<Place>,
    /// Phases and states: the workflow whose phase or state it names.
    pub workflow: Option<String>,
}

impl Reference {
    /// A reference of `kind` to `name` at `range`, looked up in `places`.
    pub(crate) fn new(kind: SymbolKind, name: &str, range: TextRange, places: Vec<Place>) -> Reference {
        Reference { kind, name: name.to_string(), range, places, workflow: None }
    }

    /// A reference to a phase (or state) of workflow `workflow`.
    pub(crate) fn step(kind: SymbolKind, name: &str, range: TextRange, workflow: &str) -> Reference {
        Reference { kind, name: name.to_string(), range, places: Vec::new(), workflow: Some(workflow.to_string()) }
    }
}

/// A path written in a file that names a file of the project (a deliverable).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// Where the path is written (bytes).
    pub range: TextRange,
    /// The path as written.
    pub written: String,
    /// The project-relative path it resolves to (with placeholders, for a pattern), or `None`
    /// when it leaves the project.
    pub resolved: Option<String>,
    /// Whether it holds placeholders (`INTERFACE-[feature].md`): it names a pattern of files.
    pub pattern: bool,
    /// Optional deliverables are never required.
    pub optional: bool,
}

/// What a framework's readers add to a file's index while they read it (the generic ones are
/// derived from the model when the index is built).
#[derive(Clone, Debug, Default)]
pub struct Additions {
    /// Declarations.
    pub symbols: Vec<Symbol>,
    /// References.
    pub references: Vec<Reference>,
    /// Whether the framework gives the references of [`FileFacts::tasks`] itself (its
    /// `depends_on` and `implements` resolve by its own rules): the generic ones are not derived.
    pub tasks_referenced: bool,
    /// How the framework marks a task of this file started or done (the "Start" and "Mark done"
    /// code lenses); `None`: a GFM checkbox ticked with `x`, and no started state.
    pub task_marks: Option<TaskMarks>,
    /// With [`TaskMarks::Status`]: each task's status value, in the order of
    /// [`FileFacts::tasks`] (`None` where a task has none).
    pub task_statuses: Vec<Option<Named>>,
}

/// How a framework writes a task's progress (its own status change, which the "Start" and
/// "Mark done" code lenses make).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaskMarks {
    /// A task-list checkbox: `[ ]` open, `done` ticked (`x`; Spec Kit's `/speckit.implement`
    /// writes `X`), `start` the mark of a started task where the framework has one (Kiro's
    /// "Start task" writes `[-]`).
    Checkbox {
        /// The mark of a done task.
        done: char,
        /// The mark of a started task, if the framework has that state.
        start: Option<char>,
    },
    /// A `status:` value ([`Additions::task_statuses`]): the words written for a started and a
    /// done task.
    Status {
        /// Written by "Start".
        start: &'static str,
        /// Written by "Mark done".
        done: &'static str,
    },
}

/// A phase's section in a Markdown workflow doc: its heading, and the text up to the next heading
/// of the same or a higher level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Section {
    /// The heading line.
    pub heading: TextRange,
    /// The heading and everything under it.
    pub whole: TextRange,
}

/// Everything a file declares and points at.
#[derive(Clone, Debug, Default)]
pub struct FileIndex {
    /// Declarations, in document order.
    pub symbols: Vec<Symbol>,
    /// References, in document order.
    pub references: Vec<Reference>,
    /// Deliverable paths, in document order.
    pub links: Vec<Link>,
    /// The sections of the phases declared by headings.
    pub sections: Vec<Section>,
}

/// What is at an offset of a file.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Hit<'a> {
    Symbol(&'a Symbol),
    Reference(&'a Reference),
    Link(&'a Link),
}

impl Hit<'_> {
    pub(crate) fn range(&self) -> TextRange {
        match self {
            Hit::Symbol(s) => s.range,
            Hit::Reference(r) => r.range,
            Hit::Link(l) => l.range,
        }
    }
}

/// `range` narrowed to where `name` is written inside it in `text` (the first occurrence at word
/// boundaries), so that a quoted scalar's range (`"R1"`) or a heading's becomes the name's own.
pub(crate) fn narrow(text: &str, range: TextRange, name: &str) -> Option<TextRange> {
    let start = range.start.min(text.len());
    let end = range.end.min(text.len());
    if name.is_empty() || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
        return None;
    }
    if &text[start..end] == name {
        return Some(TextRange::new(start, end));
    }
    let hay = &text[start..end];
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '-' || c == '.';
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&hay.as_bytes()[from..], name.as_bytes()) {
        let s = from + i;
        let e = s + name.len();
        let before = hay[..s].chars().next_back().is_none_or(|c| !word(c));
        let after =
            hay[e..].chars().next().is_none_or(|c| !word(c) || (c == '.' && !hay[e + 1..].starts_with(|d: char| d.is_alphanumeric())));
        if before && after {
            return Some(TextRange::new(start + s, start + e));
        }
        from = e;
    }
    None
}

impl FileIndex {
    /// The index of `facts` (its generic symbols and references, then the framework's additions).
    pub(crate) fn of(facts: &FileFacts) -> FileIndex {
        let mut ix = FileIndex::default();
        if facts.skipped.is_some() {
            return ix;
        }
        let text = facts.text();
        ix.workflows(facts, text);
        ix.runs(facts, text);
        ix.tasks(facts, text);
        for r in &facts.requirements {
            let kind = if is_story_id(&r.id.name) { SymbolKind::Story } else { SymbolKind::Requirement };
            // A framework's own declaration of it (with its noun) stands instead.
            if facts.ide.symbols.iter().any(|s| s.kind == kind && s.name == r.id.name && s.full == r.range) {
                continue;
            }
            let mut sym = Symbol::new(kind, &r.id.name, r.id.range, r.range, &r.text);
            // An id not written as is (Spec Kit's `User Story 1` is `US1`): numbered by its
            // place, so a rename cannot write it.
            if text.get(r.id.range.start..r.id.range.end) != Some(&r.id.name[..]) {
                sym.rename = RenameForm::Fixed;
            }
            ix.symbols.push(sym);
        }
        for id in &facts.memory_ids {
            let line = TextRange::new(id.range.start, crate::text::line_end(text, id.range.start));
            let written = text.get(line.start..line.end).unwrap_or("").trim_start_matches(&id.name[..]).trim_start_matches([']', ':', ' ']);
            ix.symbols.push(Symbol::new(SymbolKind::Name, &id.name, id.range, line, written.trim()));
        }
        if facts.kind == FileKind::Markdown && memchr::memmem::find(text.as_bytes(), b"[id:").is_some() {
            let declared: std::collections::HashSet<TextRange> = facts.memory_ids.iter().map(|n| n.range).collect();
            for r in facts.outline().id_refs.iter().filter(|r| !declared.contains(&r.range)) {
                ix.references.push(Reference::new(SymbolKind::Name, &r.name, r.range, vec![Place::Folder(String::new())]));
            }
        }
        ix.symbols.extend(facts.ide.symbols.iter().cloned());
        // A framework's reference may span its whole pointer (`availability/R6`): narrowed to
        // the name, which rename replaces.
        ix.references.extend(facts.ide.references.iter().map(|r| {
            let mut r = r.clone();
            if let Some(n) = narrow(text, r.range, &r.name) {
                r.range = n;
            }
            r
        }));
        ix.symbols.sort_by_key(|s| (s.full.start, s.range.start));
        ix.references.sort_by_key(|r| r.range.start);
        ix.links.sort_by_key(|l| l.range.start);
        // Kept for the file's version: without the slack of growth (a tasks file's references
        // would otherwise hold up to twice their room).
        ix.symbols.shrink_to_fit();
        ix.references.shrink_to_fit();
        ix.links.shrink_to_fit();
        ix.sections.shrink_to_fit();
        ix
    }

    fn workflows(&mut self, facts: &FileFacts, text: &str) {
        let mut sections: Option<Vec<Section>> = None;
        for wf in &facts.workflows {
            let markdown = wf.source == crate::model::WorkflowSource::MarkdownConventions;
            if markdown && sections.is_none() {
                sections = Some(phase_sections(facts, text));
            }
            let name_range = if wf.explicit_name {
                narrow(text, wf.name_range, &wf.name).unwrap_or(wf.name_range)
            } else {
                TextRange::empty(wf.name_range.start)
            };
            let whole = TextRange::new(wf.name_range.start.min(wf.phases.first().map_or(usize::MAX, |p| p.range.start)), text.len());
            let mut sym = Symbol::new(SymbolKind::Workflow, &wf.name, name_range, whole, &wf.name);
            // A framework's workflow is named by its files (a BMAD entry's key is its story
            // file's name): not renamed here.
            let framework = wf.source == crate::model::WorkflowSource::Framework;
            sym.rename = if wf.explicit_name && wf.instances.is_empty() && !framework { RenameForm::Verbatim } else { RenameForm::Fixed };
            if !wf.instances.is_empty() {
                sym.noun = Some("workflow definition (instantiated per folder)");
            }
            self.symbols.push(sym);
            for (i, p) in wf.phases.iter().enumerate() {
                let (range, form) = if markdown {
                    // The title in the heading (`## Phase 2: Design Review`).
                    let colon =
                        text.get(p.range.start..p.range.end).and_then(|h| h.find(':')).map_or(p.range.start, |c| p.range.start + c + 1);
                    match narrow(text, TextRange::new(colon, p.range.end), p.title.trim()) {
                        Some(r) => (r, RenameForm::Title),
                        None => (p.range, RenameForm::Fixed),
                    }
                } else {
                    match narrow(text, p.range, &p.id) {
                        Some(r) => (r, RenameForm::Verbatim),
                        None => (p.range, RenameForm::Fixed),
                    }
                };
                let full = sections.as_ref().and_then(|s| s.iter().find(|s| s.heading == p.range)).map_or(p.range, |s| s.whole);
                let mut sym = Symbol::new(SymbolKind::Phase, &p.id, range, full, &p.title);
                sym.workflow = Some(wf.name.clone());
                sym.ordinal = i;
                sym.rename = if wf.instances.is_empty() { form } else { RenameForm::Fixed };
                self.symbols.push(sym);
                for d in &p.depends_on {
                    let r = narrow(text, d.range, &d.name).unwrap_or(d.range);
                    self.references.push(Reference::step(SymbolKind::Phase, &d.name, r, &wf.name));
                }
                if let Some(to) = &p.gate.proceeds_to {
                    self.references.push(Reference::step(SymbolKind::Phase, &to.name, to.range, &wf.name));
                }
                for d in &p.deliverables {
                    self.links.push(link(d));
                }
            }
            for d in &wf.deliverables {
                self.links.push(link(d));
            }
            if let Some(sm) = &wf.state_machine {
                let mut declared: Vec<TextRange> = Vec::new();
                for s in &sm.states {
                    let r = narrow(text, s.range, &s.name).unwrap_or(s.range);
                    if declared.contains(&r) {
                        continue;
                    }
                    declared.push(r);
                    let mut sym = Symbol::new(SymbolKind::State, &s.name, r, s.range, &s.name);
                    sym.workflow = Some(wf.name.clone());
                    sym.rename = if r.end - r.start == s.name.len() { RenameForm::Verbatim } else { RenameForm::Fixed };
                    self.symbols.push(sym);
                }
                for t in sm.transitions.iter().chain(&sm.forbidden) {
                    let mut from = t.range.start;
                    for name in t.from.iter().chain(std::iter::once(&t.to)) {
                        let Some(r) = narrow(text, TextRange::new(from, t.range.end), name) else { continue };
                        from = r.end;
                        if !declared.contains(&r) {
                            self.references.push(Reference::step(SymbolKind::State, name, r, &wf.name));
                        }
                    }
                }
            }
        }
        if let Some(s) = sections {
            self.sections = s;
        }
    }

    fn runs(&mut self, facts: &FileFacts, text: &str) {
        for run in &facts.runs {
            let wf = &run.workflow;
            if !wf.name.is_empty() {
                let r = narrow(text, wf.range, &wf.name).unwrap_or(wf.range);
                self.references.push(Reference::new(SymbolKind::Workflow, &wf.name, r, vec![Place::Folder(String::new())]));
            }
            let mut step = |n: &Named| {
                if let Some(r) = narrow(text, n.range, &n.name) {
                    self.references.push(Reference::step(SymbolKind::Phase, &n.name, r, &wf.name));
                }
            };
            run.current.iter().for_each(&mut step);
            for h in &run.history {
                h.from.iter().for_each(&mut step);
                step(&h.to);
            }
            run.completed.iter().chain(&run.pending).for_each(&mut step);
        }
    }

    fn tasks(&mut self, facts: &FileFacts, text: &str) {
        let folder = paths::parent(&facts.path).to_string();
        for task in &facts.tasks {
            let mut sym = Symbol::new(SymbolKind::Task, &task.id.name, task.id.range, task.range, &task.title);
            sym.rename = if text.get(task.id.range.start..task.id.range.end) == Some(&task.id.name[..]) {
                RenameForm::Verbatim
            } else {
                RenameForm::Fixed
            };
            self.symbols.push(sym);
            for label in task.labels.iter().filter(|l| is_story_id(&l.name)) {
                let places = vec![Place::Folder(folder.clone()), Place::Folder(String::new())];
                self.references.push(Reference::new(SymbolKind::Story, &label.name, label.range, places));
            }
            if facts.ide.tasks_referenced {
                continue;
            }
            for d in &task.depends_on {
                if let Some(r) = narrow(text, d.range, &d.name) {
                    self.references.push(Reference::new(SymbolKind::Task, &d.name, r, vec![Place::ThisFile]));
                }
            }
            for imp in &task.implements {
                if let Some(reference) = requirement_pointer(text, imp, &folder) {
                    self.references.push(reference);
                }
            }
        }
    }

    /// What is at byte `offset`: the narrowest symbol name, reference or link touching it.
    pub(crate) fn at<'a>(&'a self, offset: usize) -> Option<Hit<'a>> {
        let mut best: Option<Hit<'a>> = None;
        let mut consider = |h: Hit<'a>| {
            let r = h.range();
            if r.touches(offset) && r.end > r.start && best.is_none_or(|b| r.end - r.start < b.range().end - b.range().start) {
                best = Some(h);
            }
        };
        // References and links are sorted by start: only those starting at or before `offset`.
        let upto = self.references.partition_point(|r| r.range.start <= offset);
        for r in self.references[..upto].iter().rev().take_while(|r| r.range.start + 256 >= offset) {
            consider(Hit::Reference(r));
        }
        let upto = self.links.partition_point(|l| l.range.start <= offset);
        for l in self.links[..upto].iter().rev().take_while(|l| l.range.start + 4096 >= offset) {
            consider(Hit::Link(l));
        }
        for s in &self.symbols {
            consider(Hit::Symbol(s));
        }
        best
    }
}

/// Whether a label or id is a user story's (`US1`, `US12`).
pub(crate) fn is_story_id(id: &str) -> bool {
    id.strip_prefix("US").is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The reference an `implements:` pointer makes in a generic task list: `R2` is a requirement
/// of a spec in the tasks file's folder (else anywhere); `checkout/R1` one of a spec in a folder
/// named `checkout`. `None` for pointers that are not ids (contract paths, prose).
fn requirement_pointer(text: &str, imp: &Named, folder: &str) -> Option<Reference> {
    if imp.name.starts_with('/') {
        return None;
    }
    let (scope, id) = match imp.name.rsplit_once('/') {
        Some((s, id)) => (Some(s.trim()), id.trim()),
        None => (None, imp.name.trim()),
    };
    if !id.starts_with(|c: char| c.is_ascii_alphanumeric()) || id.is_empty() {
        return None;
    }
    let range = narrow(text, imp.range, id)?;
    let places = match scope {
        Some(s) if !s.is_empty() => vec![Place::FolderNamed(paths::file_name(s).to_string())],
        _ => vec![Place::Folder(folder.to_string()), Place::Folder(String::new())],
    };
    Some(Reference::new(SymbolKind::Requirement, id, range, places))
}

fn link(d: &crate::model::Deliverable) -> Link {
    Link { range: d.range, written: d.path.clone(), resolved: d.resolved.clone().ok(), pattern: d.is_pattern(), optional: d.optional }
}

/// The sections of the phase headings of a Markdown file (see [`Section`]).
fn phase_sections(facts: &FileFacts, text: &str) -> Vec<Section> {
    let phases: std::collections::HashSet<TextRange> = facts.workflows.iter().flat_map(|w| &w.phases).map(|p| p.range).collect();
    let blanked;
    let md = match crate::syntax::frontmatter::find(text) {
        Some(fm) => {
            blanked = crate::extract::markdown::blank_front_matter(text, fm);
            &blanked[..]
        }
        None => text,
    };
    let headings: Vec<(u8, TextRange)> = crate::syntax::markdown::outline(md)
        .into_iter()
        .filter_map(|b| match b.kind {
            crate::syntax::markdown::BlockKind::Heading { level } => Some((level, b.range)),
            _ => None,
        })
        .collect();
    let mut out = Vec::new();
    for (i, &(level, range)) in headings.iter().enumerate() {
        if !phases.contains(&range) {
            continue;
        }
        let end = headings[i + 1..].iter().find(|(l, r)| *l <= level || phases.contains(r)).map_or(text.len(), |(_, r)| r.start);
        // Up to the end of the last non-blank line before the next heading.
        let body = text.get(range.start..end).unwrap_or("");
        let trimmed = body.trim_end();
        out.push(Section { heading: range, whole: TextRange::new(range.start, range.start + trimmed.len()) });
    }
    out
}

/// A place in the project: a file and a range in it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    /// Project-relative path.
    pub path: String,
    /// The name (bytes): what an editor selects.
    pub range: TextRange,
    /// The whole declaration (bytes).
    pub full: TextRange,
}

/// A symbol and the file declaring it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Found<'a> {
    pub file: &'a FileFacts,
    pub symbol: &'a Symbol,
}

impl Found<'_> {
    pub(crate) fn location(&self) -> Location {
        Location { path: self.file.path.clone(), range: self.symbol.range, full: self.symbol.full }
    }
}

/// Whether symbol `s` has the name `name` written by a reference of kind `kind`.
fn names(s: &Symbol, kind: SymbolKind, name: &str) -> bool {
    match kind {
        SymbolKind::State | SymbolKind::Phase => s.name.eq_ignore_ascii_case(name),
        _ => s.kind == kind && s.name == name,
    }
}

impl Workspace {
    /// The files under project-relative folder `folder` (`""`: every file).
    pub(crate) fn files_under<'a>(&'a self, folder: &'a str) -> impl Iterator<Item = &'a FileFacts> + 'a {
        let prefix = if folder.is_empty() { String::new() } else { format!("{folder}/") };
        self.files.range(prefix.clone()..).take_while(move |(k, _)| k.starts_with(&prefix)).map(|(_, f)| &**f)
    }

    /// The workflows named `name` (by slug), with the files declaring them; a definition
    /// instantiated per folder is left out (its instances are the workflows).
    pub(crate) fn workflows_named<'a>(&'a self, name: &str) -> Vec<(&'a FileFacts, &'a crate::model::Workflow)> {
        let key = slug(name);
        let mut out = Vec::new();
        for f in self.files.values() {
            for wf in f.workflows.iter().filter(|w| w.instances.is_empty() && w.keys.name == key) {
                out.push((&**f, wf));
            }
        }
        out
    }

    /// The symbols reference `r` in the file `from` names: for a phase or state, the phase (else
    /// the state) of its workflow; otherwise the symbols of its kind and name in the first of its
    /// places that declares any.
    pub(crate) fn resolve<'a>(&'a self, from: &'a FileFacts, r: &'a Reference) -> Vec<Found<'a>> {
        let mut out = Vec::new();
        if let Some(w) = &r.workflow {
            for (file, wf) in self.workflows_named(w) {
                let symbols = &file.index().symbols;
                let mine = |s: &&Symbol| s.workflow.as_deref().is_some_and(|n| n == wf.name);
                if r.kind == SymbolKind::Phase
                    && let Some(i) = wf.phase_index(&r.name)
                    && let Some(s) = symbols.iter().filter(mine).find(|s| s.kind == SymbolKind::Phase && s.ordinal == i)
                {
                    out.push(Found { file, symbol: s });
                    continue;
                }
                if let Some(s) = symbols.iter().filter(mine).find(|s| s.kind == SymbolKind::State && s.name.eq_ignore_ascii_case(&r.name)) {
                    out.push(Found { file, symbol: s });
                }
            }
            return out;
        }
        if r.kind == SymbolKind::Workflow {
            for (file, wf) in self.workflows_named(&r.name) {
                if let Some(s) = file.index().symbols.iter().find(|s| s.kind == SymbolKind::Workflow && s.name == wf.name) {
                    out.push(Found { file, symbol: s });
                }
            }
            return out;
        }
        fn look<'a>(out: &mut Vec<Found<'a>>, file: &'a FileFacts, kind: SymbolKind, name: &str) {
            for s in file.index().symbols.iter().filter(|s| names(s, kind, name)) {
                out.push(Found { file, symbol: s });
            }
        }
        for place in &r.places {
            match place {
                Place::ThisFile => look(&mut out, from, r.kind, &r.name),
                Place::File(p) => {
                    if let Some(f) = self.files.get(p) {
                        look(&mut out, f, r.kind, &r.name);
                    }
                }
                Place::Folder(folder) => {
                    for f in self.files_under(folder).filter(|f| may_declare(f, r.kind)) {
                        look(&mut out, f, r.kind, &r.name);
                    }
                }
                Place::FolderNamed(name) => {
                    for f in self.files.values().filter(|f| may_declare(f, r.kind)) {
                        if paths::parent(&f.path).split('/').any(|s| s == name) {
                            look(&mut out, f, r.kind, &r.name);
                        }
                    }
                }
            }
            if !out.is_empty() {
                break;
            }
        }
        out
    }
}

/// Whether a file can declare symbols of `kind` at all (a cheap test on its facts before its
/// index is built).
fn may_declare(f: &FileFacts, kind: SymbolKind) -> bool {
    let framework = !f.ide.symbols.is_empty();
    framework
        || match kind {
            SymbolKind::Requirement | SymbolKind::Story => !f.requirements.is_empty(),
            SymbolKind::Task => !f.tasks.is_empty(),
            SymbolKind::Name => !f.memory_ids.is_empty(),
            SymbolKind::Workflow | SymbolKind::Phase | SymbolKind::State => !f.workflows.is_empty(),
        }
}
