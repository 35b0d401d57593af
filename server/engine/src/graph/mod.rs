//! Workflows as graphs: a plain model (nodes and edges, with where a run stands and which gates
//! and deliverables are unmet) built from the same analysis as `status`, and its renderings as
//! Mermaid (`mermaid.rs`, to paste into Markdown) and Graphviz DOT (`dot.rs`). Text in, text out;
//! no IO.
//!
//! One graph per workflow and run, as `status` lists them: a workflow's phases in order, the gate
//! out of each on the edge to the next (the last one's to `complete`), each phase's deliverables
//! beside it, and its state machine's states and transitions. A framework's feature folder is a
//! workflow like any other (a Spec Kit feature's artifacts, an OpenSpec change's artifacts, a
//! Kiro spec's documents), its run inferred from the artifacts where no state file runs it.

mod dot;
mod mermaid;

use serde::Serialize;

use crate::analysis::{Context, DeliverableStatus, Position, RunRef};
use crate::model::Workflow;
use crate::workspace::Workspace;

pub use dot::to_dot;
pub use mermaid::to_mermaid;

/// At most this many deliverables are drawn per phase; the rest are counted in one more node.
pub const MAX_DELIVERABLES_SHOWN: usize = 12;

/// What a node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeKind {
    /// A phase of the workflow.
    Phase,
    /// A state of its state machine (`*` stands for "any state").
    State,
    /// A deliverable of a phase (a file, or a pattern of file names).
    Deliverable,
    /// The end of the workflow, after the last phase's gate.
    Complete,
    /// Deliverables left out of the drawing (more than [`MAX_DELIVERABLES_SHOWN`]).
    More,
}

/// How a node is marked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mark {
    /// Where the run stands (its current phase or state).
    Current,
    /// A phase the run has passed; `complete` once the run is.
    Passed,
    /// Ahead of the run, or no run.
    Ahead,
    /// A deliverable that is there.
    Present,
    /// A required deliverable that is missing although its phase is passed (an error), or a
    /// workflow without a run.
    Missing,
    /// A required deliverable of the current phase, not written yet.
    Todo,
    /// A required deliverable that is an empty file.
    Blank,
    /// An optional deliverable, or one whose path cannot be used.
    Optional,
}

/// One node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Node {
    /// Its id within the graph: `phase:<id>`, `state:<name>`, `file:<path>`, `complete`, `more:<phase id>`.
    pub id: String,
    /// What it is.
    pub kind: NodeKind,
    /// The text to show: a phase's title, a state's name, a deliverable's path.
    pub label: String,
    /// How it is marked.
    pub mark: Mark,
}

/// What an edge is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EdgeKind {
    /// From a phase to the next (or to `complete`), through the first phase's gate.
    Next,
    /// A phase to one of its deliverables.
    Produces,
    /// A phase to a phase it depends on being done first (plans' `depends_on`), drawn from the
    /// dependency to the dependent phase.
    DependsOn,
    /// A transition of the state machine.
    Transition,
    /// A transition the workflow forbids.
    Forbidden,
}

/// A gate on an edge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GateMark {
    /// Whether every checked criterion is met.
    pub met: bool,
    /// Whether the run has reached the gate (it leads out of the current phase or one before):
    /// an unmet gate ahead of the run is not marked as a problem.
    pub reached: bool,
    /// Why each unmet criterion is not met.
    pub unmet: Vec<String>,
    /// Criteria in prose, not checked.
    pub manual: Vec<String>,
}

/// One edge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edge {
    /// The id of the node it leaves.
    pub from: String,
    /// The id of the node it reaches.
    pub to: String,
    /// What it is.
    pub kind: EdgeKind,
    /// A transition's trigger (`(architect)`), if written.
    pub label: Option<String>,
    /// For [`EdgeKind::Next`]: the gate out of the phase it leaves.
    pub gate: Option<GateMark>,
}

/// One workflow (and run) as a graph.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowGraph {
    /// Workflow name.
    pub name: String,
    /// The workflow doc, or a framework instance's folder, project-relative.
    pub path: String,
    /// The state file of the run drawn, if any.
    pub state_path: Option<String>,
    /// The framework's id, for a framework's feature folder.
    pub framework: Option<String>,
    /// `not-started`, `in-progress`, `completed` or `unknown`, as `status` says.
    pub status: String,
    /// The nodes, phases first in order.
    pub nodes: Vec<Node>,
    /// The edges.
    pub edges: Vec<Edge>,
}

impl<'a> Context<'a> {
    fn graph_of(&self, w: usize, run: Option<&RunRef<'_>>, position: Option<&Position>) -> WorkflowGraph {
        let wf: &Workflow = self.workflows[w].wf;
        let status = match (run, position) {
            (Some(r), _) => self.status_of(w, Some(r)).status,
            (None, Some(_)) => self.inferred_of(w).map_or_else(|| "not-started".to_string(), |i| self.status_inferred(w, i).status),
            (None, None) => "not-started".to_string(),
        };
        let mut nodes = Vec::new();
        let mut edges = Vec::new();
        let current = match position {
            Some(Position::Phase(i)) => Some(*i),
            _ => None,
        };
        let done = matches!(position, Some(Position::Done));
        for (i, phase) in wf.phases.iter().enumerate() {
            let mark = match (current, done) {
                (_, true) => Mark::Passed,
                (Some(c), _) if i < c => Mark::Passed,
                (Some(c), _) if i == c => Mark::Current,
                _ => Mark::Ahead,
            };
            // A run's passed phases also count those recorded as completed out of order.
            let mark = if mark == Mark::Ahead && run.is_some_and(|r| r.passed_phases(wf).contains(&i)) { Mark::Passed } else { mark };
            let id = format!("phase:{}", phase.id);
            let label = if phase.title.is_empty() { phase.id.clone() } else { phase.title.clone() };
            nodes.push(Node { id: id.clone(), kind: NodeKind::Phase, label, mark });
            let shown: Vec<_> = phase.deliverables.iter().take(MAX_DELIVERABLES_SHOWN).collect();
            for d in shown {
                let path = d.resolved.clone().unwrap_or_else(|_| d.path.clone());
                let phase_mark = mark;
                let mark = match self.deliverable_status(d) {
                    _ if d.optional => Mark::Optional,
                    DeliverableStatus::Present(_) => Mark::Present,
                    DeliverableStatus::Blank(_) => Mark::Blank,
                    // Not there yet: a problem behind the run, work to do at it, nothing ahead.
                    DeliverableStatus::Missing => match phase_mark {
                        Mark::Current => Mark::Todo,
                        Mark::Ahead if position.is_some() => Mark::Ahead,
                        _ => Mark::Missing,
                    },
                    DeliverableStatus::Unusable(_) => Mark::Optional,
                };
                let file = format!("file:{path}");
                // A file two phases list is drawn once, produced by both.
                if !nodes.iter().any(|n: &Node| n.id == file) {
                    nodes.push(Node { id: file.clone(), kind: NodeKind::Deliverable, label: d.path.clone(), mark });
                }
                edges.push(Edge { from: id.clone(), to: file, kind: EdgeKind::Produces, label: None, gate: None });
            }
            if phase.deliverables.len() > MAX_DELIVERABLES_SHOWN {
                let more = format!("more:{}", phase.id);
                nodes.push(Node {
                    id: more.clone(),
                    kind: NodeKind::More,
                    label: format!("... and {} more", phase.deliverables.len() - MAX_DELIVERABLES_SHOWN),
                    mark: Mark::Optional,
                });
                edges.push(Edge { from: id.clone(), to: more, kind: EdgeKind::Produces, label: None, gate: None });
            }
        }
        if !wf.phases.is_empty() {
            let end_mark = if done { Mark::Passed } else { Mark::Ahead };
            nodes.push(Node { id: "complete".into(), kind: NodeKind::Complete, label: "complete".into(), mark: end_mark });
        }
        for (i, phase) in wf.phases.iter().enumerate() {
            let to = wf.phases.get(i + 1).map_or_else(|| "complete".to_string(), |p| format!("phase:{}", p.id));
            let report = self.evaluate_gate(wf, phase, run);
            let reached = done || current.is_some_and(|c| i <= c);
            let gate =
                GateMark { met: report.met(), reached, unmet: report.unmet.into_iter().map(|u| u.reason).collect(), manual: report.manual };
            edges.push(Edge { from: format!("phase:{}", phase.id), to, kind: EdgeKind::Next, label: None, gate: Some(gate) });
            for dep in &phase.depends_on {
                if let Some(j) = wf.phase_index(&dep.name)
                    && j + 1 != i
                {
                    edges.push(Edge {
                        from: format!("phase:{}", wf.phases[j].id),
                        to: format!("phase:{}", phase.id),
                        kind: EdgeKind::DependsOn,
                        label: None,
                        gate: None,
                    });
                }
            }
        }
        if let Some(sm) = &wf.state_machine {
            let current_state = match position {
                Some(Position::State(s)) => Some(s.to_ascii_lowercase()),
                _ => None,
            };
            let state_id = |name: &str| format!("state:{}", name.to_ascii_lowercase());
            for s in &sm.states {
                let id = state_id(&s.name);
                if nodes.iter().any(|n| n.id == id) {
                    continue;
                }
                let mark = if current_state.as_deref() == Some(&s.name.to_ascii_lowercase()) { Mark::Current } else { Mark::Ahead };
                nodes.push(Node { id, kind: NodeKind::State, label: s.name.clone(), mark });
            }
            let ensure = |nodes: &mut Vec<Node>, name: Option<&str>| -> String {
                let (id, label) = match name {
                    Some(n) => (state_id(n), n.to_string()),
                    None => ("state:*".to_string(), "any state".to_string()),
                };
                if !nodes.iter().any(|n| n.id == id) {
                    nodes.push(Node { id: id.clone(), kind: NodeKind::State, label, mark: Mark::Ahead });
                }
                id
            };
            for (list, kind) in [(&sm.transitions, EdgeKind::Transition), (&sm.forbidden, EdgeKind::Forbidden)] {
                for t in list {
                    let from = ensure(&mut nodes, t.from.as_deref());
                    let to = ensure(&mut nodes, Some(&t.to));
                    edges.push(Edge { from, to, kind, label: t.trigger.clone(), gate: None });
                }
            }
        }
        WorkflowGraph {
            name: wf.name.clone(),
            path: wf.instance.clone().unwrap_or_else(|| self.workflows[w].file.path.clone()),
            state_path: run.map(|r| r.file.path.clone()),
            framework: wf.framework.clone(),
            status,
            nodes,
            edges,
        }
    }

    /// Every workflow's graph, one per run as `status` lists them.
    fn graphs(&self) -> Vec<WorkflowGraph> {
        let mut out = Vec::new();
        for w in 0..self.workflows.len() {
            let runs: Vec<&RunRef<'_>> = self.runs.iter().filter(|r| r.workflow == Some(w)).collect();
            if let Some(inferred) = self.inferred_of(w) {
                out.push(self.graph_of(w, None, Some(&inferred.position)));
            } else if runs.is_empty() {
                out.push(self.graph_of(w, None, None));
            }
            for r in runs {
                out.push(self.graph_of(w, Some(r), Some(&r.position)));
            }
        }
        out
    }
}

impl Workspace {
    /// Every workflow of the workspace as a graph, one per run (in the order of
    /// [`Workspace::status`]): phases with their gates and deliverables, states and transitions,
    /// where the run stands.
    pub fn graphs(&self) -> Vec<WorkflowGraph> {
        Context::new(self).graphs()
    }
}

/// Text made safe for a label: control characters, line breaks and the bidirectional formatting
/// characters become spaces; at most 120 characters, with `...` when cut.
pub(crate) fn label_text(s: &str) -> String {
    label_text_max(s, 120)
}

/// [`label_text`] with at most `max` characters (subgraph titles hold a name and two paths).
pub(crate) fn label_text_max(s: &str, max: usize) -> String {
    let unsafe_char = |c: char| {
        c.is_control()
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    let cleaned: String = s.chars().map(|c| if unsafe_char(c) { ' ' } else { c }).collect();
    let trimmed = cleaned.trim();
    if trimmed.chars().count() > max { format!("{}...", trimmed.chars().take(max - 3).collect::<String>()) } else { trimmed.to_string() }
}

/// The one-line label of a gate on an edge: `gate ✓`, `gate ✗ 2 unmet`, with the prose criteria
/// counted.
pub(crate) fn gate_label(g: &GateMark) -> String {
    let manual = if g.manual.is_empty() { String::new() } else { format!(", {} manual", g.manual.len()) };
    if g.met { format!("gate ✓{manual}") } else { format!("gate ✗ {} unmet{manual}", g.unmet.len()) }
}

#[cfg(test)]
mod tests;
