//! Structure: document symbols (workflow → phases → gate and deliverables, state machine →
//! states; requirements and user stories → their acceptance scenarios or criteria; tasks; `[id:]`
//! names), workspace symbols (every workflow, phase, state,
//! requirement, user story and task, framework features included) and folding ranges by phase.

use crate::facts::FileFacts;
use crate::ide::index::{Location, Symbol, SymbolKind};
use crate::text::TextRange;
use crate::workspace::Workspace;

/// What an outline entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutlineKind {
    /// A workflow.
    Workflow,
    /// A phase.
    Phase,
    /// A phase's gate.
    Gate,
    /// One criterion of a gate.
    Criterion,
    /// A deliverable path.
    Deliverable,
    /// A state machine.
    StateMachine,
    /// A state.
    State,
    /// A requirement (or, in workspace symbols, a Kiro acceptance criterion).
    Requirement,
    /// An acceptance scenario or criterion of a requirement or user story (Spec Kit's
    /// acceptance scenarios, Kiro's acceptance criteria, OpenSpec's scenarios), a child of it in
    /// the outline.
    Acceptance,
    /// A user story.
    Story,
    /// A task.
    Task,
    /// An `[id:]` name of a memory map.
    Name,
}

impl From<SymbolKind> for OutlineKind {
    fn from(k: SymbolKind) -> OutlineKind {
        match k {
            SymbolKind::Workflow => OutlineKind::Workflow,
            SymbolKind::Phase => OutlineKind::Phase,
            SymbolKind::State => OutlineKind::State,
            SymbolKind::Requirement => OutlineKind::Requirement,
            SymbolKind::Story => OutlineKind::Story,
            SymbolKind::Task => OutlineKind::Task,
            SymbolKind::Name => OutlineKind::Name,
        }
    }
}

/// An entry of a file's outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentSymbol {
    /// What the outline shows.
    pub name: String,
    /// Beside it (a phase's id, a requirement's text).
    pub detail: String,
    /// What it is.
    pub kind: OutlineKind,
    /// Its whole extent (bytes), covering its children.
    pub range: TextRange,
    /// Its name (bytes), inside `range`.
    pub selection: TextRange,
    /// Its parts.
    pub children: Vec<DocumentSymbol>,
}

/// A symbol of the project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceSymbol {
    /// Its name (`design`, `T004`, `R1`, `checkout`).
    pub name: String,
    /// What it is.
    pub kind: OutlineKind,
    /// What it belongs to (a phase's workflow, a task's file).
    pub container: Option<String>,
    /// Where it is declared.
    pub location: Location,
}

/// A foldable region (bytes): a phase's section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fold {
    /// From the heading to the last line of the section.
    pub range: TextRange,
}

/// At most this many workspace symbols answer one query.
const MAX_WORKSPACE_SYMBOLS: usize = 1000;

fn leaf(name: String, detail: String, kind: OutlineKind, range: TextRange, selection: TextRange) -> DocumentSymbol {
    DocumentSymbol { name, detail, kind, range, selection, children: Vec::new() }
}

/// Widens every entry's range to cover its selection and its children.
fn cover(s: &mut DocumentSymbol) {
    for c in &mut s.children {
        cover(c);
        s.range = TextRange::new(s.range.start.min(c.range.start), s.range.end.max(c.range.end));
    }
    s.range = TextRange::new(s.range.start.min(s.selection.start), s.range.end.max(s.selection.end));
}

/// A short one-line form of `text`.
fn one_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    if line.chars().count() > 80 { format!("{}…", line.chars().take(79).collect::<String>()) } else { line.to_string() }
}

/// How the outline names an acceptance scenario or criterion: `Scenario 2` (Spec Kit numbers
/// them within their story), `1.2` (Kiro's criterion as cited), an OpenSpec scenario's name.
fn acceptance_name(a: &crate::model::Acceptance) -> String {
    if a.noun == "acceptance scenario" { format!("Scenario {}", a.id.name) } else { a.id.name.clone() }
}

impl Workspace {
    /// The outline of the file at `path`.
    pub fn document_symbols(&self, path: &str) -> Vec<DocumentSymbol> {
        let Some(file) = self.files.get(path) else { return Vec::new() };
        let ix = file.index();
        let mut out = Vec::new();
        for wf in &file.workflows {
            let Some(ws) = ix.symbols.iter().find(|s| s.kind == SymbolKind::Workflow && s.name == wf.name) else { continue };
            let detail = if wf.instances.is_empty() {
                format!("{} phase(s)", wf.phases.len())
            } else {
                format!("for each of {}", wf.instances.join(", "))
            };
            let mut node = leaf(wf.name.clone(), detail, OutlineKind::Workflow, ws.full, ws.range);
            for (i, p) in wf.phases.iter().enumerate() {
                let Some(ps) =
                    ix.symbols.iter().find(|s| s.kind == SymbolKind::Phase && s.workflow.as_ref() == Some(&wf.name) && s.ordinal == i)
                else {
                    continue;
                };
                let name = match &p.number {
                    Some(n) => format!("Phase {n}: {}", p.title.trim()),
                    None => p.title.trim().to_string(),
                };
                let mut phase = leaf(name, p.id.clone(), OutlineKind::Phase, ps.full, ps.range);
                let within = |r: TextRange| ps.full.start <= r.start && r.start <= ps.full.end && r != TextRange::default();
                // The gate: its line, and the criteria written in the phase's section (the
                // implied "deliverables exist" is shown by the deliverables themselves).
                let criteria: Vec<_> = p
                    .gate
                    .criteria
                    .iter()
                    .filter(|c| {
                        !matches!(c.kind, crate::model::CriterionKind::DeliverablesExist)
                            && within(c.range)
                            && Some(c.range) != p.gate.range
                    })
                    .collect();
                if p.gate.range.is_some_and(within) || !criteria.is_empty() {
                    let at = p.gate.range.or(criteria.first().map(|c| c.range)).unwrap_or(ps.range);
                    let mut gate = leaf("gate".into(), format!("{} criteria", p.gate.criteria.len()), OutlineKind::Gate, at, at);
                    for c in criteria {
                        gate.children.push(leaf(one_line(&c.label), String::new(), OutlineKind::Criterion, c.range, c.range));
                    }
                    phase.children.push(gate);
                }
                for d in p.deliverables.iter().filter(|d| d.range != TextRange::default()) {
                    let detail = if d.optional { "optional deliverable" } else { "deliverable" };
                    phase.children.push(leaf(d.path.clone(), detail.into(), OutlineKind::Deliverable, d.range, d.range));
                }
                node.children.push(phase);
            }
            if let Some(sm) = &wf.state_machine {
                let mut machine = leaf(
                    "state machine".into(),
                    format!("{} state(s)", sm.states.len()),
                    OutlineKind::StateMachine,
                    sm.range,
                    TextRange::empty(sm.range.start),
                );
                for s in ix.symbols.iter().filter(|s| s.kind == SymbolKind::State && s.workflow.as_ref() == Some(&wf.name)) {
                    machine.children.push(leaf(s.name.clone(), String::new(), OutlineKind::State, s.full, s.range));
                }
                node.children.push(machine);
            }
            out.push(node);
        }
        // Requirements with acceptance scenarios or criteria (the shared model), by their
        // declaration; a framework's symbol for one of those (a Kiro criterion) is shown under
        // its requirement, not beside it.
        let view = file.view();
        let with_acceptance: std::collections::HashMap<(usize, usize), &crate::model::Requirement> =
            file.requirements.iter().filter(|r| !r.acceptance.is_empty()).map(|r| ((r.range.start, r.range.end), r)).collect();
        let parts: std::collections::HashSet<(usize, usize)> =
            with_acceptance.values().flat_map(|r| &r.acceptance).map(|a| (a.range.start, a.range.end)).collect();
        for s in ix
            .symbols
            .iter()
            .filter(|s| matches!(s.kind, SymbolKind::Requirement | SymbolKind::Story | SymbolKind::Task | SymbolKind::Name))
        {
            if s.kind == SymbolKind::Requirement && parts.contains(&(s.full.start, s.full.end)) {
                continue;
            }
            let name = match s.kind {
                SymbolKind::Task if !s.text.is_empty() => format!("{} {}", s.name, one_line(&s.text)),
                _ => s.name.clone(),
            };
            let detail = if s.kind == SymbolKind::Task { String::new() } else { one_line(&s.text) };
            let mut entry = leaf(name, detail, s.kind.into(), s.full, s.range);
            if let Some(r) = with_acceptance.get(&(s.full.start, s.full.end)).filter(|r| r.id.name == s.name) {
                for a in &r.acceptance {
                    entry.children.push(leaf(
                        acceptance_name(a),
                        one_line(&a.summary(&view)),
                        OutlineKind::Acceptance,
                        a.range,
                        a.id.range,
                    ));
                }
            }
            out.push(entry);
        }
        for s in &mut out {
            cover(s);
        }
        out
    }

    /// The symbols of the project whose name holds the letters of `query` in order (case
    /// ignored; every symbol for an empty query), best matches first: a name equal to the query,
    /// then starting with it, then the rest; at most 1,000.
    pub fn workspace_symbols(&self, query: &str) -> Vec<WorkspaceSymbol> {
        let q: Vec<char> = query.to_lowercase().chars().filter(|c| !c.is_whitespace()).collect();
        let query: String = q.iter().collect();
        // Scored by reference first; only the symbols kept are built.
        let mut found: Vec<(u8, &FileFacts, &Symbol)> = Vec::new();
        for f in self.files.values() {
            if !may_declare(f) {
                continue;
            }
            for s in &f.index().symbols {
                if let Some(score) = score(&s.name, &q, &query) {
                    found.push((score, f, s));
                }
            }
        }
        found.sort_by(|a, b| (a.0, &a.1.path, a.2.range).cmp(&(b.0, &b.1.path, b.2.range)));
        let mut out: Vec<(u8, WorkspaceSymbol)> = found
            .into_iter()
            .take(MAX_WORKSPACE_SYMBOLS)
            .map(|(score, f, s)| {
                let container = match s.kind {
                    SymbolKind::Phase | SymbolKind::State => s.workflow.clone(),
                    SymbolKind::Workflow => None,
                    _ => Some(f.path.clone()),
                };
                (score, WorkspaceSymbol { name: s.name.clone(), kind: s.kind.into(), container, location: location(f, s) })
            })
            .collect();
        for i in self.instances() {
            let Some(score) = score(&i.wf.name, &q, &query) else { continue };
            let at = Location { path: i.anchor.clone(), range: TextRange::default(), full: TextRange::default() };
            let framework = i.wf.framework.as_deref().and_then(crate::frameworks::by_id).map(|f| f.name.to_string());
            out.push((score, WorkspaceSymbol { name: i.wf.name.clone(), kind: OutlineKind::Workflow, container: framework, location: at }));
        }
        out.sort_by(|a, b| (a.0, &a.1.location.path, a.1.location.range).cmp(&(b.0, &b.1.location.path, b.1.location.range)));
        out.into_iter().take(MAX_WORKSPACE_SYMBOLS).map(|(_, s)| s).collect()
    }

    /// The folding ranges of the file at `path`: each phase's section.
    pub fn folding_ranges(&self, path: &str) -> Vec<Fold> {
        let Some(file) = self.files.get(path) else { return Vec::new() };
        file.index().sections.iter().map(|s| Fold { range: s.whole }).collect()
    }
}

fn location(f: &FileFacts, s: &Symbol) -> Location {
    Location { path: f.path.clone(), range: s.range, full: s.full }
}

/// Whether a file may declare symbols (checked on its facts, before its index is built).
fn may_declare(f: &FileFacts) -> bool {
    !f.workflows.is_empty() || !f.tasks.is_empty() || !f.requirements.is_empty() || !f.ide.symbols.is_empty()
}

/// How well `name` matches query `q` (lowercase, no blanks): 0 equal, 1 prefix, 2 substring, 3
/// the letters in order; `None` when it does not match.
fn score(name: &str, q: &[char], query: &str) -> Option<u8> {
    if q.is_empty() {
        return Some(3);
    }
    let lowered;
    let lower = if name.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
        lowered = name.to_lowercase();
        &lowered[..]
    } else {
        name
    };
    if lower == query {
        return Some(0);
    }
    if lower.starts_with(query) {
        return Some(1);
    }
    if lower.contains(query) {
        return Some(2);
    }
    let mut want = q.iter().peekable();
    for c in lower.chars() {
        if want.peek() == Some(&&c) {
            want.next();
        }
    }
    want.peek().is_none().then_some(3)
}
