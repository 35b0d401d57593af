//! Snapshot of what the engine recognises in the seed documents (`tests/fixtures/seeds/`, copied
//! unchanged from the product's seeds): every workflow, phase, deliverable, gate criterion and
//! state machine, so a reviewer can see the model the diagnostics rest on.

use std::fmt::Write;

use crate::facts::FileInput;
use crate::model::CriterionKind;
use crate::workspace::Workspace;

/// A plain-text outline of the workflows of `ws`.
pub(crate) fn outline(ws: &Workspace) -> String {
    let mut out = String::new();
    for (path, file) in &ws.files {
        for wf in &file.workflows {
            let basis: Vec<&str> = wf.recognised_by.iter().map(|r| r.as_str()).collect();
            let _ = writeln!(out, "workflow `{}` in {path} ({:?}; recognised by: {})", wf.name, wf.source, basis.join(", "));
            for p in &wf.phases {
                let number = p.number.as_deref().map(|n| format!(" #{n}")).unwrap_or_default();
                let deps = if p.depends_on.is_empty() {
                    String::new()
                } else {
                    format!(" depends_on {:?}", p.depends_on.iter().map(|d| &d.name).collect::<Vec<_>>())
                };
                let _ = writeln!(out, "  phase `{}`{number}: {}{deps}", p.id, p.title);
                for d in &p.deliverables {
                    let mut flags = Vec::new();
                    if d.optional {
                        flags.push("optional");
                    }
                    if d.require_complete {
                        flags.push("complete");
                    }
                    if d.is_pattern() {
                        flags.push("pattern");
                    }
                    let _ = writeln!(out, "    deliverable `{}` {flags:?}", d.path);
                }
                for c in &p.gate.criteria {
                    let kind = match &c.kind {
                        CriterionKind::DeliverablesExist => "deliverables".to_string(),
                        CriterionKind::ChecklistTicked { file, section } => format!("checklist {file}#{section}"),
                        CriterionKind::NoMarkers { files } => format!("no-markers {files:?}"),
                        CriterionKind::Recorded { name } => format!("recorded {name}"),
                        CriterionKind::Manual => "manual".to_string(),
                        CriterionKind::Section { file, heading } => format!("section {file}#{heading}"),
                        CriterionKind::AnyTicked { file } => format!("any-ticked {file}"),
                    };
                    let _ = writeln!(out, "    gate {kind}: {}", c.label);
                }
                if let Some(t) = &p.gate.proceeds_to {
                    let _ = writeln!(out, "    gate proceeds to `{}`", t.name);
                }
            }
            for d in &wf.deliverables {
                let _ = writeln!(out, "  output `{}`{}", d.path, if d.optional { " (optional)" } else { "" });
            }
            for t in &wf.templates {
                let _ = writeln!(out, "  template for {} ({} bytes)", t.file_name, t.content.len());
            }
            if let Some(sm) = &wf.state_machine {
                let _ = writeln!(out, "  states {:?}", sm.states.iter().map(|s| &s.name).collect::<Vec<_>>());
                for t in &sm.transitions {
                    let _ = writeln!(
                        out,
                        "  transition {} -> {}{}",
                        t.from.as_deref().unwrap_or("*"),
                        t.to,
                        t.trigger.as_deref().map(|x| format!(" ({x})")).unwrap_or_default()
                    );
                }
                for t in &sm.forbidden {
                    let _ = writeln!(out, "  forbidden {} -> {}", t.from.as_deref().unwrap_or("*"), t.to);
                }
            }
        }
        if !file.outline().id_refs.is_empty() {
            let mut ids: Vec<&str> = file.outline().id_refs.iter().map(|r| r.name.as_str()).collect();
            ids.sort_unstable();
            ids.dedup();
            let _ = writeln!(out, "{path}: [id:] references {ids:?}");
        }
        if !file.conflicts.is_empty() {
            let _ = writeln!(out, "{path}: {} merge conflict(s)", file.conflicts.len());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn seeds_model() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/seeds");
        let mut ws = super::Workspace::new();
        let mut entries: Vec<_> = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())).flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.ends_with(".md") {
                ws.set_file(&name, super::FileInput::Bytes(std::fs::read(e.path()).unwrap_or_default()));
            }
        }
        expect_test::expect_file!["../../../tests/fixtures/seeds.model.txt"].assert_eq(&super::outline(&ws));
    }
}

/// Robustness: every seed and fixture document, cut at many points (mid-character included),
/// beside state files in both formats, goes through diagnostics, code actions at several
/// offsets, status, advance and scaffold without a panic.
#[cfg(test)]
mod truncation {
    use super::{FileInput, Workspace};

    fn documents() -> Vec<(String, Vec<u8>)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
        let mut out = Vec::new();
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if let Some(name) = p.to_str().filter(|n| n.ends_with(".md") || n.ends_with(".yaml") || n.ends_with(".json")) {
                    out.push((name.rsplit('/').next().unwrap_or("x.md").to_string(), std::fs::read(&p).unwrap_or_default()));
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn cut_documents_never_panic() {
        let docs = documents();
        assert!(docs.len() > 50, "fixtures found: {}", docs.len());
        let now = "2026-11-21T15:00:00Z";
        for (name, bytes) in &docs {
            let step = (bytes.len() / 23).max(1);
            let mut cut = 0;
            while cut <= bytes.len() {
                let mut ws = Workspace::new();
                ws.set_file(name, FileInput::Bytes(bytes[..cut].to_vec()));
                ws.set_file(
                    "a.state.yaml",
                    FileInput::Text(format!(
                        "workflow: {}\ncurrent: design\nhistory:\n  - {{from: requirements, to: design}}\n",
                        name.trim_end_matches(".md")
                    )),
                );
                ws.set_file("b.json", FileInput::Text("{\"orchestrator_name\": \"x\", \"current_sub_workflow\": {\"name\": \"planning\"}, \"completed_sub_workflows\": [\"design\"], \"overall_progress\": {\"completed\": 1, \"total\": 3, \"percentage\": 33}}".into()));
                let _ = ws.diagnostics();
                let len = ws.text(name).map_or(0, str::len);
                for at in [0, len / 3, len / 2, len.saturating_sub(1), len, len + 5] {
                    let _ = ws.code_actions(name, crate::TextRange::new(at, at + 3), now);
                    let _ = ws.code_actions("a.state.yaml", crate::TextRange::empty(at), now);
                }
                for status in ws.status() {
                    let _ = ws.advance(&status.name, None, None, now);
                    let _ = ws.scaffold(&status.name, None, None, "2026-01-01T00:00:00Z");
                    let _ = ws.start(&status.name);
                }
                cut += step;
            }
        }
    }
}
