//! Go to definition, find references, document highlights and document links: a reference is
//! resolved through its places ([`crate::ide::index::Place`]); the references of a symbol are
//! those, in every file, that resolve to it.

use crate::facts::FileFacts;
use crate::ide::index::{Found, Hit, Location, Place, Reference, Symbol, SymbolKind};
use crate::model::slug;
use crate::text::TextRange;
use crate::workspace::Workspace;

/// An occurrence of the symbol under the cursor in the same file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Highlight {
    /// Where (bytes).
    pub range: TextRange,
    /// The declaration (`true`) or a reference (`false`).
    pub write: bool,
}

/// A path in a file that names an existing file of the project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentLink {
    /// Where the path is written (bytes).
    pub range: TextRange,
    /// The project-relative path of the file it names.
    pub path: String,
}

/// How many files a deliverable pattern's definition lists.
const MATCHES: usize = 50;

/// Whether reference `r` may name symbol `s` (cheap, before resolving it).
fn may_name(r: &Reference, s: &Symbol) -> bool {
    match s.kind {
        SymbolKind::Phase | SymbolKind::State => {
            r.workflow.as_deref().zip(s.workflow.as_deref()).is_some_and(|(a, b)| a == b || slug(a) == slug(b))
        }
        SymbolKind::Workflow => r.kind == SymbolKind::Workflow && slug(&r.name) == slug(&s.name),
        _ => r.kind == s.kind && r.name == s.name,
    }
}

/// Whether one of the places of reference `r` (written in `from`) holds the file at `path`: a
/// cheap test before resolving it, so that finding the references of a name resolves only those
/// that may reach its file (not every `R3` of every feature).
fn may_reach(from: &FileFacts, r: &Reference, path: &str) -> bool {
    if r.workflow.is_some() || r.places.is_empty() {
        return true;
    }
    r.places.iter().any(|p| match p {
        Place::ThisFile => from.path == path,
        Place::File(f) => f == path,
        Place::Folder(folder) => folder.is_empty() || path.strip_prefix(folder.as_str()).is_some_and(|rest| rest.starts_with('/')),
        Place::FolderNamed(name) => crate::paths::parent(path).split('/').any(|s| s == name),
    })
}

impl Workspace {
    /// The symbols that what is at byte `offset` of `path` stands for: the symbol declared there,
    /// or the targets of the reference there. `None` when nothing is there.
    pub(crate) fn targets_at(&self, path: &str, offset: usize) -> Option<(Hit<'_>, Vec<Found<'_>>)> {
        let file = self.files.get(path)?;
        let hit = file.index().at(offset)?;
        let targets = match hit {
            Hit::Symbol(s) => vec![Found { file, symbol: s }],
            Hit::Reference(r) => self.resolve(file, r),
            Hit::Link(_) => Vec::new(),
        };
        Some((hit, targets))
    }

    /// Every reference to symbol `s` declared in `decl`, as `(file, reference)`, in path order.
    pub(crate) fn references_of<'a>(&'a self, decl: &FileFacts, s: &Symbol) -> Vec<(&'a FileFacts, &'a Reference)> {
        let mut out = Vec::new();
        for f in self.files.values() {
            for r in f.index().references.iter().filter(|r| may_name(r, s) && may_reach(f, r, &decl.path)) {
                if self.resolve(f, r).iter().any(|t| t.file.path == decl.path && t.symbol.range == s.range) {
                    out.push((&**f, r));
                }
            }
        }
        out
    }

    /// The references to symbol `s` declared in `decl`, with its declaration first when
    /// `include_declaration`.
    pub(crate) fn references_to(&self, decl: &FileFacts, s: &Symbol, include_declaration: bool) -> Vec<Location> {
        let mut out = Vec::new();
        if include_declaration {
            out.push(Location { path: decl.path.clone(), range: s.range, full: s.full });
        }
        out.extend(self.references_of(decl, s).into_iter().map(|(f, r)| Location { path: f.path.clone(), range: r.range, full: r.range }));
        out
    }

    /// Where what is at byte `offset` of `path` is declared: a reference's targets (several when
    /// the name is declared in several places), a deliverable path's file (or the files a pattern
    /// matches), a declaration itself.
    pub fn definition(&self, path: &str, offset: usize) -> Vec<Location> {
        let Some((hit, targets)) = self.targets_at(path, offset) else { return Vec::new() };
        if let Hit::Link(l) = hit {
            return self.link_targets(path, l);
        }
        targets.iter().map(Found::location).collect()
    }

    /// The files a deliverable path names: the file, or the files of a folder or pattern.
    fn link_targets(&self, doc: &str, l: &crate::ide::index::Link) -> Vec<Location> {
        let Some(resolved) = &l.resolved else { return Vec::new() };
        let at = |p: &str| Location { path: p.to_string(), range: TextRange::default(), full: TextRange::default() };
        if !l.pattern && self.files.contains_key(resolved.as_str()) {
            return vec![at(resolved)];
        }
        let d = crate::model::Deliverable::new(doc, &l.written, l.range);
        match &d.pattern {
            Some(p) => self
                .files
                .range(p.prefix.clone()..)
                .take_while(|(k, _)| k.starts_with(&p.prefix))
                .filter(|(k, _)| p.is_match(k))
                .take(MATCHES)
                .map(|(k, _)| at(k))
                .collect(),
            None if l.written.ends_with('/') => {
                self.files_under(resolved.trim_end_matches('/')).take(MATCHES).map(|f| at(&f.path)).collect()
            }
            None => Vec::new(),
        }
    }

    /// Every place that names what is at byte `offset` of `path` (a requirement: every task that
    /// implements it; a phase: every state file, `depends_on` and `Proceed to` naming it), with
    /// the declarations first when `include_declaration`. Sorted by path and position.
    pub fn references(&self, path: &str, offset: usize, include_declaration: bool) -> Vec<Location> {
        let Some((_, targets)) = self.targets_at(path, offset) else { return Vec::new() };
        let mut declarations: Vec<Location> = Vec::new();
        let mut found: Vec<Location> = Vec::new();
        for t in &targets {
            if include_declaration {
                declarations.push(t.location());
            }
            found.extend(self.references_to(t.file, t.symbol, false));
        }
        found.sort();
        found.dedup();
        declarations.extend(found);
        declarations
    }

    /// The occurrences in `path` of what is at byte `offset`: its declaration there (`write`)
    /// and the references there that name it.
    pub fn highlights(&self, path: &str, offset: usize) -> Vec<Highlight> {
        let Some(file) = self.files.get(path) else { return Vec::new() };
        let Some((hit, targets)) = self.targets_at(path, offset) else { return Vec::new() };
        if let Hit::Link(l) = hit {
            // Every place of this file writing the same path.
            return file
                .index()
                .links
                .iter()
                .filter(|o| o.resolved == l.resolved)
                .map(|o| Highlight { range: o.range, write: false })
                .collect();
        }
        let mut out = Vec::new();
        for t in &targets {
            if t.file.path == path {
                out.push(Highlight { range: t.symbol.range, write: true });
            }
            for r in file.index().references.iter().filter(|r| may_name(r, t.symbol)) {
                if self.resolve(file, r).iter().any(|x| x.file.path == t.file.path && x.symbol.range == t.symbol.range) {
                    out.push(Highlight { range: r.range, write: false });
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// The deliverable paths of `path` that name an existing file (a pattern: its first match).
    pub fn document_links(&self, path: &str) -> Vec<DocumentLink> {
        let Some(file) = self.files.get(path) else { return Vec::new() };
        file.index()
            .links
            .iter()
            .filter_map(|l| {
                let first = self.link_targets(path, l).into_iter().next()?;
                Some(DocumentLink { range: l.range, path: first.path })
            })
            .collect()
    }
}
