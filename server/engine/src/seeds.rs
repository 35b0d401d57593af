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
            let _ = writeln!(out, "workflow `{}` in {path} ({:?})", wf.name, wf.source);
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
