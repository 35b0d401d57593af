//! Inlay hints (after a deliverable path whether it exists, after a reference the title of what
//! it names) and semantic tokens (phases, gates, states, requirements and tasks, declared or
//! referenced).

use crate::analysis::{Context, DeliverableStatus};
use crate::ide::index::SymbolKind;
use crate::text::TextRange;
use crate::workspace::Workspace;

/// A hint shown inline after a byte offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Where it is shown (bytes): right after the path or name it is about.
    pub offset: usize,
    /// Its text (`✓`, `✗ missing`, `Design · phase 2/3`).
    pub label: String,
    /// More, shown on hover.
    pub tooltip: Option<String>,
}

/// What a semantic token marks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// A phase's name (its heading's title, an id naming it).
    Phase,
    /// A gate line's label (`Gate Check`).
    Gate,
    /// A state's name.
    State,
    /// A requirement's or user story's id.
    Requirement,
    /// A task's id.
    Task,
}

impl TokenKind {
    /// Every kind, in the order of the legend a front end declares.
    pub const ALL: [TokenKind; 5] = [TokenKind::Phase, TokenKind::Gate, TokenKind::State, TokenKind::Requirement, TokenKind::Task];

    /// The token type's name (`phase`, `gate`, `state`, `requirement`, `task`).
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Phase => "phase",
            TokenKind::Gate => "gate",
            TokenKind::State => "state",
            TokenKind::Requirement => "requirement",
            TokenKind::Task => "task",
        }
    }
}

/// A semantic token: one line's range, its kind, and whether it declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SemanticToken {
    /// Where (bytes, on one line).
    pub range: TextRange,
    /// What it marks.
    pub kind: TokenKind,
    /// A declaration (`true`) or a reference (`false`).
    pub declaration: bool,
}

/// At most this many hints per request.
const MAX_HINTS: usize = 2000;

/// `s` cut to `n` characters with an ellipsis.
fn short(s: &str, n: usize) -> String {
    let line = s.lines().next().unwrap_or("").trim();
    if line.chars().count() > n { format!("{}…", line.chars().take(n - 1).collect::<String>()) } else { line.to_string() }
}

fn token_kind(k: SymbolKind) -> Option<TokenKind> {
    match k {
        SymbolKind::Phase => Some(TokenKind::Phase),
        SymbolKind::State => Some(TokenKind::State),
        SymbolKind::Requirement | SymbolKind::Story => Some(TokenKind::Requirement),
        SymbolKind::Task => Some(TokenKind::Task),
        SymbolKind::Workflow | SymbolKind::Name => None,
    }
}

impl Workspace {
    /// The inlay hints of the file at `path` within byte range `range`.
    pub fn inlay_hints(&self, path: &str, range: TextRange) -> Vec<InlayHint> {
        let Some(file) = self.files.get(path) else { return Vec::new() };
        let ix = file.index();
        let text = file.text();
        let mut out = Vec::new();
        let links: Vec<_> = ix.links.iter().filter(|l| range.intersects(l.range) && l.range != TextRange::default()).collect();
        if !links.is_empty() {
            let ctx = Context::new(self);
            for l in links {
                let d = crate::model::Deliverable::new(&file.path, &l.written, l.range);
                let (label, tooltip) = match ctx.deliverable_status(&d) {
                    DeliverableStatus::Present(p) if l.pattern => ("✓".to_string(), Some(format!("`{p}` matches"))),
                    DeliverableStatus::Present(_) => ("✓".to_string(), None),
                    DeliverableStatus::Blank(p) => ("✗ empty".to_string(), Some(format!("`{p}` is empty"))),
                    DeliverableStatus::Missing if l.optional => ("○ missing (optional)".to_string(), None),
                    DeliverableStatus::Missing => ("✗ missing".to_string(), None),
                    DeliverableStatus::Unusable(why) => ("✗".to_string(), Some(why)),
                };
                // After the closing backtick of an inline code span.
                let offset = if text.as_bytes().get(l.range.end) == Some(&b'`') { l.range.end + 1 } else { l.range.end };
                out.push(InlayHint { offset, label, tooltip });
            }
        }
        for r in ix.references.iter().filter(|r| range.intersects(r.range)) {
            if out.len() >= MAX_HINTS {
                break;
            }
            let targets = self.resolve(file, r);
            let Some(t) = targets.first() else { continue };
            let s = t.symbol;
            let label = match s.kind {
                SymbolKind::Phase => {
                    let total = t.file.workflows.iter().find(|w| s.workflow.as_ref() == Some(&w.name)).map_or(0, |w| w.phases.len());
                    format!("{} · phase {}/{total}", short(&s.text, 40), s.ordinal + 1)
                }
                SymbolKind::State => "state".to_string(),
                SymbolKind::Workflow => format!("workflow in {}", t.file.path),
                _ if s.text.is_empty() => continue,
                _ => short(&s.text, 40),
            };
            let tooltip = Some(format!("{} `{}` · `{}`", s.noun(), s.name, t.file.path));
            out.push(InlayHint { offset: r.range.end, label, tooltip });
        }
        out.sort_by_key(|h| h.offset);
        out.truncate(MAX_HINTS);
        out
    }

    /// The semantic tokens of the file at `path`, in order, none overlapping.
    pub fn semantic_tokens(&self, path: &str) -> Vec<SemanticToken> {
        let Some(file) = self.files.get(path) else { return Vec::new() };
        let ix = file.index();
        let text = file.text();
        let mut out: Vec<SemanticToken> = Vec::new();
        for s in &ix.symbols {
            if let Some(kind) = token_kind(s.kind) {
                out.push(SemanticToken { range: s.range, kind, declaration: true });
            }
        }
        for r in &ix.references {
            if let Some(kind) = token_kind(r.kind) {
                out.push(SemanticToken { range: r.range, kind, declaration: false });
            }
        }
        for wf in file.workflows.iter().filter(|w| w.source == crate::model::WorkflowSource::MarkdownConventions) {
            for p in &wf.phases {
                if let Some(g) = p.gate.range {
                    let line = text.get(g.start..g.end).unwrap_or("");
                    let label = line.split(':').next().unwrap_or("").trim_end_matches(['*', '_', ' ']);
                    if !label.is_empty() {
                        out.push(SemanticToken {
                            range: TextRange::new(g.start, g.start + label.len()),
                            kind: TokenKind::Gate,
                            declaration: false,
                        });
                    }
                }
            }
        }
        // One line each, in order, without overlaps.
        out.retain(|t| t.range.end > t.range.start && !text.get(t.range.start..t.range.end).unwrap_or("\n").contains(['\n', '\r']));
        out.sort_by_key(|t| (t.range.start, std::cmp::Reverse(t.range.end)));
        let mut kept: Vec<SemanticToken> = Vec::with_capacity(out.len());
        for t in out {
            if kept.last().is_none_or(|k| k.range.end <= t.range.start) {
                kept.push(t);
            }
        }
        kept
    }
}
