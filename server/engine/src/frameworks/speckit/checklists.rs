//! Spec Kit's `checklists/*.md`: `speckit-checklist-open`, a checklist with unticked items while
//! the feature's implementation has begun.
//!
//! Facts from `templates/commands/implement.md` step 2: implement scans every checklist of the
//! feature's `checklists/` folder, counts `- [ ]` items as unchecked, and stops ("Some checklists
//! have unchecked items. Do you want to proceed with implementation anyway?") when any has one.

use crate::analysis::Context;
use crate::diagnostics::{Code, Diagnostic, Doc, Rule, Severity};
use crate::frameworks::speckit::{feature_file, inside, is_checklist};
use crate::text::TextRange;

pub(crate) const CHECKLIST_OPEN: Rule = Rule {
    doc: Doc {
        code: Code::new("speckit-checklist-open"),
        severity: Severity::Warning,
        when: "A checklist of a Spec Kit feature (`specs/<feature>/checklists/*.md`) has unticked items (`- [ ]`) while tasks of the feature's `tasks.md` are already ticked: Spec Kit's implement step stops on incomplete checklists and asks before going on. Reported once per checklist, on its first unticked item.",
        fix: "Review the open items and tick those that are satisfied (or fix the spec until they are), before implementing further.",
    },
    framework: Some("speckit"),
    source: "templates/commands/implement.md (step 2, \"Check checklists status\")",
};

/// The first unticked item of a Markdown text (a `- [ ]`, `* [ ]` or `+ [ ]` line outside code
/// blocks): its line's range.
fn first_open_item(text: &str, code: &[TextRange]) -> Option<TextRange> {
    let mut at = 0;
    for line in crate::text::lines_inclusive(text) {
        let start = at;
        at += line.len();
        let content = crate::text::trim_break(line);
        let trimmed = content.trim_start();
        let lead = content.len() - trimmed.len();
        let open = ["- [ ]", "* [ ]", "+ [ ]"].iter().any(|m| trimmed.starts_with(m));
        if open && !inside(code, start + lead) {
            return Some(TextRange::new(start + lead, start + content.trim_end().len()));
        }
    }
    None
}

/// Across files: checklists of features whose tasks are being ticked.
pub(crate) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (path, file) in ctx.ws.files.range("specs/".to_string()..).take_while(|(k, _)| k.starts_with("specs/")) {
        if !is_checklist(path) {
            continue;
        }
        let Some((folder, _)) = feature_file(path) else { continue };
        let tasks_path = format!("{folder}/tasks.md");
        let Some(tasks) = ctx.file(&tasks_path) else { continue };
        let ticked = tasks.tasks.iter().filter(|t| t.checked == Some(true)).count();
        if ticked == 0 {
            continue;
        }
        let items = &file.outline().checklists;
        let open = items.iter().filter(|i| !i.checked).count();
        if open == 0 {
            continue;
        }
        let Some(range) = first_open_item(file.text(), &file.outline().code_blocks) else { continue };
        out.push(
            CHECKLIST_OPEN
                .at(
                    path,
                    range,
                    format!(
                        "{open} of {} items of this checklist are unticked, but {ticked} task(s) of `tasks.md` are ticked: implementation stops on incomplete checklists",
                        items.len()
                    ),
                )
                .with_related(&tasks_path, TextRange::default(), "the feature's tasks"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::fixture::check;
    use expect_test::expect;

    #[test]
    fn open_checklists_once_implementation_began() {
        let spec = "//- .specify/memory/constitution.md\n# C\n//- specs/001-a/tasks.md\n## Phase 1: Setup\n- [x] T001 a\n- [ ] T002 b\n//- specs/001-a/checklists/ux.md\n# UX\n```\n- [ ] in code\n```\n- [x] CHK001 done\n- [ ] CHK002 open\n//- specs/001-a/checklists/requirements.md\n- [x] CHK001 done\n//- specs/002-b/tasks.md\n## Phase 1: Setup\n- [ ] T001 a\n//- specs/002-b/checklists/ux.md\n- [ ] CHK001 open, but nothing is implemented\n";
        expect![[r#"
            specs/001-a/checklists/ux.md:6:1: warning[speckit-checklist-open]: 1 of 2 items of this checklist are unticked, but 1 task(s) of `tasks.md` are ticked: implementation stops on incomplete checklists
        "#]].assert_eq(&check(spec, &["speckit-checklist-open"]));
    }
}
