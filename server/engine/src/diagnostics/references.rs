//! Diagnostic: `dangling-reference`.

use crate::analysis::Context;
use crate::diagnostics::{Code, Diagnostic, Doc, Severity, listing_of};
use crate::facts::FileFacts;

pub(crate) const DOC: Doc = Doc {
    code: Code::DanglingReference,
    severity: Severity::Error,
    when: "A reference names nothing: a phase's `depends_on` naming no phase of its workflow (seed 003); a task's `depends_on` naming no task of its file; an `[id:name]` reference (seed 000) that no memory-map file (`*memory-map*.md`) defines, checked only when the workspace has a memory map. A name that only stands for a name, as in explanations of the syntax, is not checked: one made only of the convention's own words (`[id:file_id]`, `[id:dir_id]`, `[id:folder_dir]`, `[id:file_reference]`) or written in capitals (`[id:FILE_ID]`). Tasks a framework reads are checked by its own rules (`.ops/build`: `ops-build-dangling-implements`, `ops-build-dangling-dependency`).",
    fix: "Correct the name, or add the phase, task or memory-map entry it should name.",
};

/// The words of the `[id:name]` convention itself (singular; a plural `s` is allowed): a name made
/// only of them stands for a name, in text explaining the syntax (olaf's "Files: `[id:file_id]`",
/// "`[id:folder_dir]filename.ext`", a template's `[id:file_reference]`).
const SYNTAX_WORDS: [&str; 20] = [
    "file",
    "folder",
    "dir",
    "directory",
    "id",
    "name",
    "reference",
    "ref",
    "path",
    "key",
    "entry",
    "item",
    "example",
    "placeholder",
    "some",
    "my",
    "your",
    "x",
    "xxx",
    "foo",
];

/// Whether an `[id:name]` is a placeholder rather than a reference: made only of
/// [`SYNTAX_WORDS`], or written in capitals (`FILE_ID`, the usual form of a metavariable).
fn is_placeholder_id(name: &str) -> bool {
    if name.chars().any(|c| c.is_ascii_alphabetic()) && !name.chars().any(|c| c.is_ascii_lowercase()) {
        return true;
    }
    name.split(['_', '-']).filter(|w| !w.is_empty()).all(|w| {
        let w = w.to_ascii_lowercase();
        SYNTAX_WORDS.iter().any(|s| w == *s || w.strip_suffix('s') == Some(s))
    })
}

/// Per file: `depends_on` of phases and tasks name phases and tasks of the same file.
pub(crate) fn check_file(file: &FileFacts, out: &mut Vec<Diagnostic>) {
    for wf in &file.workflows {
        // Listed once per workflow, not once per dangling reference.
        let phase_ids = std::cell::OnceCell::new();
        for p in &wf.phases {
            for d in &p.depends_on {
                if wf.phase_index(&d.name).is_none() {
                    let ids = phase_ids.get_or_init(|| listing_of(wf.phases.iter().map(|p| format!("`{}`", p.id)), wf.phases.len(), ", "));
                    out.push(Diagnostic::new(
                        Code::DanglingReference,
                        Severity::Error,
                        &file.path,
                        d.range,
                        format!("phase `{}` depends on `{}`, which is not a phase of `{}` (phases: {})", p.id, d.name, wf.name, ids),
                    ));
                }
            }
        }
    }
    let task_ids: foldhash::HashSet<&str> = file.tasks.iter().map(|t| t.id.name.as_str()).collect();
    // A framework's tasks may depend on tasks of other files: its own rules check them.
    for task in file.tasks.iter().filter(|_| file.tasks_framework.is_none()) {
        for d in &task.depends_on {
            if !task_ids.contains(d.name.as_str()) {
                out.push(Diagnostic::new(
                    Code::DanglingReference,
                    Severity::Error,
                    &file.path,
                    d.range,
                    format!("task `{}` depends on `{}`, which is not a task in this file", task.id.name, d.name),
                ));
            }
        }
    }
}

/// Across files: `[id:]` references to the memory map.
pub(crate) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    if !ctx.has_memory_map {
        return;
    }
    for file in ctx.ws.files.values().filter(|f| !f.outline().id_refs.is_empty()) {
        for r in &file.outline().id_refs {
            if !ctx.memory_ids.contains(r.name.as_str()) && !is_placeholder_id(&r.name) {
                out.push(Diagnostic::new(
                    Code::DanglingReference,
                    Severity::Error,
                    &file.path,
                    r.range,
                    format!("`[id:{}]` is not defined in the memory map", r.name),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::fixture::check;
    use expect_test::expect;

    #[test]
    fn depends_on_and_memory_ids() {
        let spec = "//- plans/checkout/tasks.md\n- [ ] T1: Card form\n- [ ] T2: Refund API\n  - depends_on: [T1, T9]\n//- plan.yaml\nworkflow_id: p\nphases:\n  - {name: scout, command: \"rm -rf /\"}\n  - {name: plan, depends_on: [scout, scuot]}\n//- memory-map.md\n- [id:prompts_dir]: prompts/\n//- wf.md\nSee `[id:prompts_dir]x.md` and `[id:tools_dir]` and `[id:...]`.\n";
        expect![[r#"
            plan.yaml:4:38: error[dangling-reference]: phase `plan` depends on `scuot`, which is not a phase of `p` (phases: `scout`, `plan`)
            plans/checkout/tasks.md:3:22: error[dangling-reference]: task `T2` depends on `T9`, which is not a task in this file
            wf.md:1:37: error[dangling-reference]: `[id:tools_dir]` is not defined in the memory map
        "#]]
        .assert_eq(&check(spec, &["dangling-reference"]));
    }

    /// Issue 7, category 4: `[id:...]` written as examples of the syntax (placeholder names,
    /// capitals) is not checked; a real undefined name in inline code still is.
    #[test]
    fn syntax_examples_are_not_references() {
        let spec = "//- ref/memory-map.md\n- [id:core_olaf_dir]: core/\n- [id:findings_dir]: findings/\n//- ref/id-convention.md\n# File references\n- **Files**: `[id:file_id]` → `data/specific-file.md`\n- **Folders**: `[id:folder_dir]`\n- **Files in folders**: `[id:dir_id]filename.ext`\n- ALWAYS use [id:file_id] format for file references\n- Read/Write file: `[id:file_reference]` or a path\n- Or `[id:FILE_ID]`, `[id:YOUR_DIR]`\n//- prompts/review.md\nApply `[id:core_dir]docs/practices.md`, save to `[id:findings_dir]review.md`.\n";
        expect![[r#"
            prompts/review.md:1:12: error[dangling-reference]: `[id:core_dir]` is not defined in the memory map
        "#]]
        .assert_eq(&check(spec, &["dangling-reference"]));
        assert!(super::is_placeholder_id("file_ids") && super::is_placeholder_id("x") && !super::is_placeholder_id("templates_dir"));
        assert!(!super::is_placeholder_id("people-register") && !super::is_placeholder_id("projects"));
    }

    #[test]
    fn near_miss_without_memory_map_ids_are_not_checked() {
        let spec = "//- plans/tasks.md\n- [ ] T1: Card form\n- [ ] T2: Card API\n  - depends_on: T1\n//- wf.md\n`[id:anything]`\n";
        assert_eq!(check(spec, &["dangling-reference"]), "");
    }
}
