//! Mermaid rendering of workflow graphs: a `flowchart LR` with one subgraph per workflow, to
//! paste into Markdown (a ` ```mermaid ` block). Every text from a document is a quoted label with
//! `"` and the characters Mermaid reads as syntax written as entity codes (`#quot;`), so a name
//! cannot end a label, start a statement or a `click` directive; ids are generated (`w0n3`).
//!
//! Marks are classes (`classDef`): the current phase or state, passed phases, missing and empty
//! deliverables; an unmet gate the run has reached is a thick red edge (`linkStyle`).

use std::fmt::Write as _;

use super::{EdgeKind, Mark, NodeKind, WorkflowGraph, gate_label, label_text, label_text_max};

/// The class definitions, one per mark (colours chosen to read on light and dark backgrounds).
const CLASSES: &str = "  classDef current fill:#fef3c7,stroke:#d97706,stroke-width:3px,color:#78350f
  classDef passed fill:#dcfce7,stroke:#16a34a,color:#14532d
  classDef ahead fill:#f8fafc,stroke:#94a3b8,color:#334155
  classDef present fill:#ffffff,stroke:#16a34a,color:#14532d
  classDef missing fill:#fee2e2,stroke:#dc2626,stroke-width:2px,stroke-dasharray:5 3,color:#991b1b
  classDef todo fill:#fffbeb,stroke:#d97706,stroke-dasharray:5 3,color:#92400e
  classDef blank fill:#ffedd5,stroke:#ea580c,stroke-dasharray:5 3,color:#9a3412
  classDef optional fill:#ffffff,stroke:#cbd5e1,stroke-dasharray:2 2,color:#64748b
";

/// Mermaid text for a label, inside double quotes: entity codes for `"` and for the characters
/// Mermaid would otherwise read (`#`, `;`, `<`, `>`, `&`, backtick, `|`, `%`, braces, brackets,
/// backslash).
pub(crate) fn escape(s: &str) -> String {
    escape_text(&label_text(s))
}

/// [`escape`] of text already made safe by `label_text`.
fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' | ';' | '<' | '>' | '&' | '`' | '|' | '%' | '{' | '}' | '[' | ']' | '\\' | '(' | ')' => {
                let _ = write!(out, "#{};", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

fn class(mark: Mark) -> &'static str {
    match mark {
        Mark::Current => "current",
        Mark::Passed => "passed",
        Mark::Ahead => "ahead",
        Mark::Present => "present",
        Mark::Missing => "missing",
        Mark::Todo => "todo",
        Mark::Blank => "blank",
        Mark::Optional => "optional",
    }
}

/// The title of a workflow's subgraph: its name, where it is, and its run.
fn title(g: &WorkflowGraph) -> String {
    let mut t = format!("{} · {}", g.name, g.path);
    match &g.state_path {
        Some(s) => {
            let _ = write!(t, " · state: {s}");
        }
        None => {
            let _ = write!(t, " · {}", g.status);
        }
    }
    if let Some(f) = g.framework.as_deref().and_then(crate::frameworks::by_id) {
        let _ = write!(t, " · {}", f.name);
    }
    t
}

/// The label of a node: a phase's title (with a marker for the current one), a deliverable's
/// path with its state when it is not there.
fn node_label(kind: NodeKind, mark: Mark, label: &str) -> String {
    match (kind, mark) {
        (NodeKind::Phase | NodeKind::State, Mark::Current) => format!("▶ {label}"),
        (NodeKind::Deliverable, Mark::Missing) => format!("{label} (missing)"),
        (NodeKind::Deliverable, Mark::Blank) => format!("{label} (empty)"),
        (NodeKind::Deliverable, Mark::Todo) => format!("{label} (to write)"),
        (NodeKind::Deliverable, Mark::Optional) => format!("{label} (optional)"),
        (NodeKind::Complete, Mark::Passed) => "✓ complete".to_string(),
        _ => label.to_string(),
    }
}

/// The graphs as one Mermaid flowchart (`flowchart LR`, a subgraph per workflow). Empty input
/// gives a flowchart with one node saying so.
pub fn to_mermaid(graphs: &[WorkflowGraph]) -> String {
    let mut out = String::from("flowchart LR\n");
    out.push_str(CLASSES);
    if graphs.is_empty() {
        out.push_str("  none[\"no workflow found\"]:::optional\n");
        return out;
    }
    let mut links = 0usize;
    let mut red: Vec<usize> = Vec::new();
    for (w, g) in graphs.iter().enumerate() {
        let id =
            |node: &str| -> String { g.nodes.iter().position(|n| n.id == node).map_or_else(|| format!("w{w}x"), |i| format!("w{w}n{i}")) };
        let _ = writeln!(out, "  subgraph w{w}[\"{}\"]", escape_text(&label_text_max(&title(g), 300)));
        out.push_str("    direction LR\n");
        for (i, n) in g.nodes.iter().enumerate() {
            let text = escape(&node_label(n.kind, n.mark, &n.label));
            let shape = match n.kind {
                NodeKind::Phase => format!("[\"{text}\"]"),
                NodeKind::State => format!("([\"{text}\"])"),
                NodeKind::Deliverable | NodeKind::More => format!("[/\"{text}\"/]"),
                NodeKind::Complete => format!("((\"{text}\"))"),
            };
            let _ = writeln!(out, "    w{w}n{i}{shape}:::{}", class(n.mark));
        }
        for e in &g.edges {
            let (from, to) = (id(&e.from), id(&e.to));
            let line = match (e.kind, &e.gate, &e.label) {
                (EdgeKind::Next, Some(gate), _) => {
                    if gate.reached && !gate.met {
                        red.push(links);
                    }
                    format!("{from} -->|\"{}\"| {to}", escape(&gate_label(gate)))
                }
                (EdgeKind::Next, None, _) => format!("{from} --> {to}"),
                (EdgeKind::Produces, _, _) => format!("{from} -.- {to}"),
                (EdgeKind::DependsOn, _, _) => format!("{from} -.->|\"depends on\"| {to}"),
                (EdgeKind::Transition, _, Some(l)) => format!("{from} -->|\"{}\"| {to}", escape(l)),
                (EdgeKind::Transition, _, None) => format!("{from} --> {to}"),
                (EdgeKind::Forbidden, _, _) => format!("{from} --x|\"forbidden\"| {to}"),
            };
            let _ = writeln!(out, "    {line}");
            links += 1;
        }
        out.push_str("  end\n");
    }
    if !red.is_empty() {
        let list: Vec<String> = red.iter().map(usize::to_string).collect();
        let _ = writeln!(out, "  linkStyle {} stroke:#dc2626,stroke-width:3px,color:#991b1b", list.join(","));
    }
    out
}
