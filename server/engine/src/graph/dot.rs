//! Graphviz DOT rendering of workflow graphs: one `digraph`, a cluster per workflow, the marks as
//! fill and line colours (the same as the Mermaid classes). Every text is a quoted DOT string
//! (`"` and `\` escaped), so a name from a document cannot end it.

use std::fmt::Write as _;

use super::{EdgeKind, Mark, NodeKind, WorkflowGraph, gate_label, label_text, label_text_max};

/// A DOT quoted string.
pub(crate) fn quote(s: &str) -> String {
    quote_text(&label_text(s))
}

/// [`quote`] of text already made safe by `label_text`.
fn quote_text(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `(fill, line, text colour, style)` of a mark.
fn colours(mark: Mark) -> (&'static str, &'static str, &'static str, &'static str) {
    match mark {
        Mark::Current => ("#fef3c7", "#d97706", "#78350f", "filled,bold"),
        Mark::Passed => ("#dcfce7", "#16a34a", "#14532d", "filled"),
        Mark::Ahead => ("#f8fafc", "#94a3b8", "#334155", "filled"),
        Mark::Present => ("#ffffff", "#16a34a", "#14532d", "filled"),
        Mark::Missing => ("#fee2e2", "#dc2626", "#991b1b", "filled,dashed,bold"),
        Mark::Todo => ("#fffbeb", "#d97706", "#92400e", "filled,dashed"),
        Mark::Blank => ("#ffedd5", "#ea580c", "#9a3412", "filled,dashed"),
        Mark::Optional => ("#ffffff", "#cbd5e1", "#64748b", "filled,dotted"),
    }
}

/// The graphs as one DOT `digraph` (left to right, a cluster per workflow).
pub fn to_dot(graphs: &[WorkflowGraph]) -> String {
    let mut out = String::from(
        "digraph phasegate {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\", fontsize=11];\n  edge [fontname=\"Helvetica\", fontsize=10];\n",
    );
    if graphs.is_empty() {
        out.push_str("  none [label=\"no workflow found\", style=dotted];\n}\n");
        return out;
    }
    for (w, g) in graphs.iter().enumerate() {
        let mut title = format!("{} · {}", g.name, g.path);
        match &g.state_path {
            Some(s) => {
                let _ = write!(title, " · state: {s}");
            }
            None => {
                let _ = write!(title, " · {}", g.status);
            }
        }
        if let Some(f) = g.framework.as_deref().and_then(crate::frameworks::by_id) {
            let _ = write!(title, " · {}", f.name);
        }
        let _ = writeln!(out, "  subgraph cluster_{w} {{\n    label={};\n    color=\"#cbd5e1\";", quote_text(&label_text_max(&title, 300)));
        for (i, n) in g.nodes.iter().enumerate() {
            let (fill, line, text, style) = colours(n.mark);
            let (shape, label) = match (n.kind, n.mark) {
                (NodeKind::Phase | NodeKind::State, Mark::Current) => {
                    (if n.kind == NodeKind::State { "ellipse" } else { "box" }, format!("▶ {}", n.label))
                }
                (NodeKind::Phase, _) => ("box", n.label.clone()),
                (NodeKind::State, _) => ("ellipse", n.label.clone()),
                (NodeKind::Deliverable, Mark::Missing) => ("note", format!("{} (missing)", n.label)),
                (NodeKind::Deliverable, Mark::Blank) => ("note", format!("{} (empty)", n.label)),
                (NodeKind::Deliverable, Mark::Todo) => ("note", format!("{} (to write)", n.label)),
                (NodeKind::Deliverable, Mark::Optional) => ("note", format!("{} (optional)", n.label)),
                (NodeKind::Deliverable | NodeKind::More, _) => ("note", n.label.clone()),
                (NodeKind::Complete, Mark::Passed) => ("doublecircle", "✓ complete".to_string()),
                (NodeKind::Complete, _) => ("doublecircle", n.label.clone()),
            };
            let _ = writeln!(
                out,
                "    w{w}n{i} [label={}, shape={shape}, style=\"{style}\", fillcolor=\"{fill}\", color=\"{line}\", fontcolor=\"{text}\"];",
                quote(&label)
            );
        }
        let id =
            |node: &str| -> String { g.nodes.iter().position(|n| n.id == node).map_or_else(|| format!("w{w}x"), |i| format!("w{w}n{i}")) };
        for e in &g.edges {
            let (from, to) = (id(&e.from), id(&e.to));
            let attrs = match (e.kind, &e.gate, &e.label) {
                (EdgeKind::Next, Some(g), _) if g.reached && !g.met => {
                    format!("label={}, color=\"#dc2626\", fontcolor=\"#991b1b\", penwidth=2.5", quote(&gate_label(g)))
                }
                (EdgeKind::Next, Some(g), _) => format!("label={}", quote(&gate_label(g))),
                (EdgeKind::Next, None, _) => String::new(),
                (EdgeKind::Produces, _, _) => "style=dashed, arrowhead=none, color=\"#94a3b8\"".to_string(),
                (EdgeKind::DependsOn, _, _) => "style=dotted, label=\"depends on\"".to_string(),
                (EdgeKind::Transition, _, Some(l)) => format!("label={}", quote(l)),
                (EdgeKind::Transition, _, None) => String::new(),
                (EdgeKind::Forbidden, _, _) => "style=dashed, color=\"#dc2626\", arrowhead=tee, label=\"forbidden\"".to_string(),
            };
            if attrs.is_empty() {
                let _ = writeln!(out, "    {from} -> {to};");
            } else {
                let _ = writeln!(out, "    {from} -> {to} [{attrs}];");
            }
        }
        out.push_str("  }\n");
    }
    out.push_str("}\n");
    out
}
