//! Diagnostic: `dangling-reference`.

use crate::analysis::Context;
use std::collections::{HashMap, HashSet};

use crate::diagnostics::{Code, Diagnostic, Doc, Severity, listing_of};
use crate::facts::FileFacts;
use crate::paths;

pub(crate) const DOC: Doc = Doc {
    code: Code::DanglingReference,
    severity: Severity::Error,
    when: "A reference names nothing: a phase's `depends_on` naming no phase of its workflow (seed 003); a task's `depends_on` naming no task of its file; a task's `implements:` pointer (`checkout/R1`: requirement `R1` of `specs.md` in the feature folder `checkout` beside the tasks file's folder; a bare `R1`: the `specs.md` beside the tasks file) whose spec file or requirement does not exist (seed 002's `.ops/build` layout); an `[id:name]` reference (seed 000) that no memory-map file (`*memory-map*.md`) defines, checked only when the workspace has a memory map. A name that only stands for a name, as in explanations of the syntax, is not checked: one made only of the convention's own words (`[id:file_id]`, `[id:dir_id]`, `[id:folder_dir]`, `[id:file_reference]`) or written in capitals (`[id:FILE_ID]`).",
    fix: "Correct the name, or add the phase, task, requirement or memory-map entry it should name.",
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

/// Spec files a feature folder may hold, in order of preference.
const SPEC_FILES: [&str; 3] = ["specs.md", "spec.md", "requirements.md"];

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
    let task_ids: std::collections::HashSet<&str> = file.tasks.iter().map(|t| t.id.name.as_str()).collect();
    for task in &file.tasks {
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

/// Across files: `implements:` pointers and `[id:]` references.
pub(crate) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let mut specs: HashMap<String, Option<Spec<'_>>> = HashMap::new();
    for file in ctx.ws.files.values().filter(|f| !f.tasks.is_empty() || (ctx.has_memory_map && !f.outline().id_refs.is_empty())) {
        let folder = paths::parent(&file.path);
        for task in &file.tasks {
            for imp in &task.implements {
                if let Some(problem) = implements_problem(ctx, &mut specs, folder, &imp.name) {
                    out.push(Diagnostic::new(
                        Code::DanglingReference,
                        Severity::Error,
                        &file.path,
                        imp.range,
                        format!("task `{}` implements `{}`, but {problem}", task.id.name, imp.name),
                    ));
                }
            }
        }
        if ctx.has_memory_map {
            for r in &file.outline().id_refs {
                if !ctx.memory_ids.contains_key(r.name.as_str()) && !is_placeholder_id(&r.name) {
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
}

/// A spec file's requirement ids, indexed once per analysis (a tasks file with thousands of
/// `implements:` pointers would otherwise scan the spec file once per pointer).
struct Spec<'a> {
    ids: HashSet<&'a str>,
    /// What a message says the file lists.
    listed: String,
}

impl<'a> Spec<'a> {
    fn new(file: &'a FileFacts) -> Spec<'a> {
        let mut ids = HashSet::new();
        let unique: Vec<&str> = file.requirements.iter().map(|r| r.id.name.as_str()).filter(|r| ids.insert(*r)).collect();
        let listed = if unique.is_empty() {
            "it lists none as `- R1: ...`".to_string()
        } else {
            format!("it lists {}", listing_of(unique.iter().map(|i| format!("`{i}`")), unique.len(), ", "))
        };
        Spec { ids, listed }
    }
}

/// Why `pointer` (`checkout/R1` or `R1`) from a tasks file in `folder` resolves to nothing.
fn implements_problem<'a>(ctx: &Context<'a>, specs: &mut HashMap<String, Option<Spec<'a>>>, folder: &str, pointer: &str) -> Option<String> {
    let (feature, requirement) = match pointer.rsplit_once('/') {
        Some((f, r)) => (Some(f.trim()), r.trim()),
        None => (None, pointer.trim()),
    };
    let feature_folder = match feature {
        None => folder.to_string(),
        Some(f) if paths::file_name(folder) == f => folder.to_string(),
        Some(f) => {
            let base = paths::parent(folder);
            if base.is_empty() { f.to_string() } else { format!("{base}/{f}") }
        }
    };
    let join = |name: &str| if feature_folder.is_empty() { name.to_string() } else { format!("{feature_folder}/{name}") };
    let spec = SPEC_FILES.iter().map(|n| join(n)).find(|p| ctx.file(p).is_some());
    let Some(spec) = spec else {
        return Some(format!("there is no `{}`", join("specs.md")));
    };
    let index = specs.entry(spec.clone()).or_insert_with(|| ctx.file(&spec).map(Spec::new)).as_ref()?;
    if index.ids.contains(requirement) {
        return None;
    }
    Some(format!("`{spec}` has no requirement `{requirement}` ({})", index.listed))
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::fixture::check;
    use expect_test::expect;

    const TREE: &str = "//- .ops/build/v1/checkout/specs.md\n# Checkout\n- R1: Pay by card\n- R2: Refunds\n//- .ops/build/v1/cart/specs.md\n- R1: Add items\n";

    #[test]
    fn implements_depends_on_and_memory_ids() {
        let spec = format!(
            "{TREE}//- .ops/build/v1/checkout/tasks.md\n- [ ] T1: Card form\n  - implements: \"checkout/R1, checkout/R7\"\n- [ ] T2: Refund API\n  - implements: cart/R1, R2, billing/R1\n  - depends_on: [T1, T9]\n//- plan.yaml\nworkflow_id: p\nphases:\n  - {{name: scout, command: \"rm -rf /\"}}\n  - {{name: plan, depends_on: [scout, scuot]}}\n//- memory-map.md\n- [id:prompts_dir]: prompts/\n//- wf.md\nSee `[id:prompts_dir]x.md` and `[id:tools_dir]` and `[id:...]`.\n"
        );
        expect![[r#"
            .ops/build/v1/checkout/tasks.md:2:31: error[dangling-reference]: task `T1` implements `checkout/R7`, but `.ops/build/v1/checkout/specs.md` has no requirement `R7` (it lists `R1`, `R2`)
            .ops/build/v1/checkout/tasks.md:4:30: error[dangling-reference]: task `T2` implements `billing/R1`, but there is no `.ops/build/v1/billing/specs.md`
            .ops/build/v1/checkout/tasks.md:5:22: error[dangling-reference]: task `T2` depends on `T9`, which is not a task in this file
            plan.yaml:4:38: error[dangling-reference]: phase `plan` depends on `scuot`, which is not a phase of `p` (phases: `scout`, `plan`)
            wf.md:1:37: error[dangling-reference]: `[id:tools_dir]` is not defined in the memory map
        "#]]
        .assert_eq(&check(&spec, &["dangling-reference"]));
    }

    #[test]
    fn implements_in_parentheses_wrapped_lines_and_under_heading_tasks() {
        let spec = format!(
            "{TREE}//- .ops/build/v1/checkout/tasks.md\n- [ ] T1: Card form (implements: R2)\n- [ ] T2: Refunds and a long\n  wrapped line; implements: R5\n### T3: Receipts\nThis task implements: checkout/R6\n//- defs/p.workflow.yaml\nname: p\nphases:\n  - {{id: sys_design, title: System design}}\n  - {{id: build, depends_on: [sys_design]}}\n"
        );
        expect![[r#"
            .ops/build/v1/checkout/tasks.md:3:29: error[dangling-reference]: task `T2` implements `R5`, but `.ops/build/v1/checkout/specs.md` has no requirement `R5` (it lists `R1`, `R2`)
            .ops/build/v1/checkout/tasks.md:5:23: error[dangling-reference]: task `T3` implements `checkout/R6`, but `.ops/build/v1/checkout/specs.md` has no requirement `R6` (it lists `R1`, `R2`)
        "#]]
        .assert_eq(&check(&spec, &["dangling-reference", "unknown-state"]));
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
        let spec = format!(
            "{TREE}//- .ops/build/v1/checkout/tasks.md\n- [ ] T1: Card form\n  - implements: checkout/R1\n//- wf.md\n`[id:anything]`\n"
        );
        assert_eq!(check(&spec, &["dangling-reference"]), "");
    }
}
