//! What every fuzz target of the engine does with a workspace: analyse it the ways the front ends
//! do (diagnostics, status, code actions, advance/start/scaffold) and check what comes out fits
//! the text: ranges inside it, on character boundaries, convertible to positions and back. A
//! panic or a broken invariant is a crash.

#![allow(dead_code)]

use phasegate_engine::{FileChange, PositionEncoding, TextRange, Workspace};

/// The timestamp actions record.
pub const NOW: &str = "2026-01-01T00:00:00Z";

/// A workflow doc for state files to run.
pub const WORKFLOW: &str = "---\nname: fuzz\n---\n## Phase 1: Design\n**Deliverables**:\n- `docs/design.md`\n\n**Gate Check**: done → Proceed to Phase 2\n\nStates:\n- draft\n- done\n\nTransitions:\n- draft → done\n\n## Phase 2: Build\n\n## Phase 3: Release\n";

/// Asserts `range` fits the text of `path` and converts to positions and back.
pub fn check_range(ws: &Workspace, path: &str, range: TextRange) {
    assert!(range.start <= range.end, "{path}: {range}");
    let Some(text) = ws.text(path) else { return };
    assert!(range.end <= text.len(), "{path}: {range} past {}", text.len());
    assert!(text.is_char_boundary(range.start) && text.is_char_boundary(range.end), "{path}: {range} not on char boundaries");
    let Some(index) = ws.line_index(path) else { return };
    for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16] {
        for offset in [range.start, range.end] {
            let pos = index.position(offset, encoding);
            let back = index.offset(pos, encoding);
            assert!(text.is_char_boundary(back) && back <= text.len(), "{path}: {offset} -> {pos:?} -> {back}");
        }
    }
}

/// Applies a change's edits to the text they were computed for: they must fit it.
pub fn apply_edits(text: &str, change: &FileChange) -> Option<String> {
    let FileChange::Edit { edits, .. } = change else { return None };
    let mut sorted: Vec<_> = edits.iter().collect();
    sorted.sort_by_key(|e| e.range);
    for pair in sorted.windows(2) {
        assert!(pair[0].range.end <= pair[1].range.start, "overlapping edits {} {}", pair[0].range, pair[1].range);
    }
    let mut out = text.to_string();
    for e in sorted.iter().rev() {
        assert!(
            e.range.end <= out.len() && out.is_char_boundary(e.range.start) && out.is_char_boundary(e.range.end),
            "edit {} does not fit",
            e.range
        );
        out.replace_range(e.range.start..e.range.end, &e.new_text);
    }
    Some(out)
}

/// Everything the front ends ask of a workspace.
pub fn analyse(ws: &Workspace) {
    for (path, list) in ws.diagnostics() {
        for d in &list {
            assert_eq!(d.path, path);
            check_range(ws, &path, d.range);
            for r in &d.related {
                check_range(ws, &r.path, r.range);
            }
        }
    }
    let statuses = ws.status();
    let paths: Vec<String> = ws.paths().map(str::to_string).collect();
    for path in &paths {
        let len = ws.text(path).map_or(0, str::len);
        for at in [0, len / 2, len] {
            let mut at = at;
            while ws.text(path).is_some_and(|t| !t.is_char_boundary(at)) {
                at -= 1;
            }
            for action in ws.code_actions(path, TextRange::new(at, at), NOW) {
                for c in action.change.iter().flat_map(|c| &c.changes) {
                    if let Some(text) = ws.text(c.path()) {
                        apply_edits(text, c);
                    }
                }
            }
        }
    }
    for st in &statuses {
        let state = st.state_path.as_deref();
        for result in [ws.advance(&st.name, state, None, NOW), ws.start(&st.name), ws.scaffold(&st.name, state, None, NOW)] {
            if let Ok(change) = result {
                for c in &change.changes {
                    if let Some(text) = ws.text(c.path()) {
                        apply_edits(text, c);
                    }
                }
            }
        }
    }
}
