//! Kiro (kirodotdev/Kiro): the IDE keeps specs under `.kiro/specs/<feature>/` and steering under `.kiro/steering/`.
//!
//! Each spec folder is a workflow of the built-in definition (`kiro.workflow.yaml`): requirements
//! → design → tasks → implementation, inferred from which documents exist and whether a task is
//! ticked. Kiro's documents are read by this module's recognisers ([`parse`]): requirements with
//! their numbered acceptance criteria, tasks with their numbers, checkboxes, optional marks and
//! `_Depends:`; steering documents are context and are never read as workflows. The rules check
//! what a spec's documents say about each other (docs/frameworks/kiro.md).

mod ide;
pub(crate) mod parse;

use std::collections::BTreeMap;

use crate::analysis::Context;
use crate::diagnostics::{Code, Diagnostic, Doc, Rule, Severity};
use crate::extract::{MarkdownInput, Recogniser};
use crate::facts::FileFacts;
use crate::frameworks::Framework;
use crate::model::{Acceptance, Named, Requirement, Task};
use crate::text::TextRange;

use parse::{Blanket, Target};

/// Where Kiro's facts come from: its specs documentation (the three documents, EARS criteria
/// numbered per requirement, the task list).
const SPECS_DOCS: &str = "kiro.dev/docs/specs (concepts: requirements.md, design.md, tasks.md)";

/// `kiro-unknown-requirement`.
pub(crate) const UNKNOWN_REQUIREMENT: Rule = Rule {
    doc: Doc {
        code: Code::new("kiro-unknown-requirement"),
        severity: Severity::Error,
        when: "A spec's `tasks.md` or `design.md` refers to a requirement or acceptance criterion that its `requirements.md` does not have: `_Requirements: 2.7_` when Requirement 2 has criteria 2.1–2.5, a range `1.1–1.9` reaching past the last criterion, `**Validates: Requirements 6.1**` with no Requirement 6, or a bare `4` with no Requirement 4. Criteria are the numbered lines under a `### Requirement N` heading's \"Acceptance Criteria\" (criterion `N.M` is the M-th). Checked only when `requirements.md` has `Requirement N` headings; claims such as `_Requirements: All_` are not references.",
        fix: "Correct the number to the criterion meant, or add the requirement or criterion to `requirements.md`.",
    },
    framework: Some("kiro"),
    source: SPECS_DOCS,
};

/// `kiro-ticked-parent`.
pub(crate) const TICKED_PARENT: Rule = Rule {
    doc: Doc {
        code: Code::new("kiro-ticked-parent"),
        severity: Severity::Warning,
        when: "A task of `tasks.md` is ticked (`- [x] 2. ...`) while one of its required subtasks (`2.1`, `2.2`, ... not marked optional with `*`) is still open: Kiro completes a parent task with its last required subtask, so the list claims work that is not done. Optional subtasks (`- [ ]* 2.3`) may stay open.",
        fix: "Finish and tick the open subtask, mark it optional (`- [ ]* 2.3`) if it is, or untick the parent.",
    },
    framework: Some("kiro"),
    source: "kiro.dev/docs/specs (task execution: tasks and subtasks of tasks.md, optional tasks)",
};

/// `kiro-uncovered-criterion`.
pub(crate) const UNCOVERED_CRITERION: Rule = Rule {
    doc: Doc {
        code: Code::new("kiro-uncovered-criterion"),
        severity: Severity::Information,
        when: "An acceptance criterion of `requirements.md` that no task of the spec's `tasks.md` names in its `_Requirements:` (directly, in a range such as `1.1–1.7`, as its whole requirement `2`, or by a claim such as `All` or `All from Requirement 3`). Reported only when `tasks.md` traces its tasks to requirements at all.",
        fix: "Add the criterion to the `_Requirements:` of the task that implements it, or add a task for it.",
    },
    framework: Some("kiro"),
    source: SPECS_DOCS,
};

/// The framework's registry entry.
pub(crate) static FRAMEWORK: Framework = Framework {
    id: "kiro",
    name: "Kiro",
    markers: &[".kiro"],
    definition: Some(include_str!("kiro.workflow.yaml")),
    markdown: &[REQUIREMENTS, TASKS, DESIGN, STEERING],
    data: &[],
    rules: &[UNKNOWN_REQUIREMENT, TICKED_PARENT, UNCOVERED_CRITERION],
    check_file,
    check,
};

/// `(feature folder, document name)` for a document of a spec: `.kiro/specs/<feature>/<name>`.
fn spec_document(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix(".kiro/specs/")?;
    let (feature, name) = rest.split_once('/')?;
    (!feature.is_empty() && !name.contains('/')).then(|| (&path[..".kiro/specs/".len() + feature.len()], name))
}

fn is_spec_document(path: &str, wanted: &str) -> bool {
    spec_document(path).is_some_and(|(_, name)| name == wanted)
}

/// The generic readers Kiro's documents are not read by: they are Kiro's, not workflow docs.
const GENERIC_READERS: &[&str] = &["tasks", "requirements", "conventions"];

/// `requirements.md` of a spec: `### Requirement N` and its criteria, as requirements `N` and `N.M`.
const REQUIREMENTS: Recogniser = Recogniser {
    name: "kiro-requirements",
    applies: |path| is_spec_document(path, "requirements.md"),
    prefilter: None,
    replaces: GENERIC_READERS,
    extract: read_requirements,
};

/// `tasks.md` of a spec: numbered tasks with their checkbox, optional mark and `_Depends:`.
const TASKS: Recogniser = Recogniser {
    name: "kiro-tasks",
    applies: |path| is_spec_document(path, "tasks.md"),
    prefilter: None,
    replaces: GENERIC_READERS,
    extract: read_tasks,
};

/// `design.md` of a spec: read by the cross-file check for its references, not as a workflow.
const DESIGN: Recogniser = Recogniser {
    name: "kiro-design",
    applies: |path| is_spec_document(path, "design.md"),
    prefilter: None,
    replaces: GENERIC_READERS,
    extract: |facts, input| {
        if let Some((feature, _)) = spec_document(input.path) {
            let list = parse::task_list(input.text, false);
            ide::add_references(facts, input.text, feature, &list, false);
        }
    },
};

/// `.kiro/steering/*.md`: context for the agent (product, structure, tech), never a workflow.
const STEERING: Recogniser = Recogniser {
    name: "kiro-steering",
    applies: |path| path.strip_prefix(".kiro/steering/").is_some_and(|rest| !rest.contains('/')),
    prefilter: None,
    replaces: &["tasks", "requirements", "conventions", "front-matter-definition"],
    extract: |_, _| {},
};

fn read_requirements(facts: &mut FileFacts, input: &MarkdownInput<'_>) {
    let mut seen = std::collections::HashSet::new();
    let parsed = parse::requirements(input.text);
    ide::add_requirements(facts, input.text, &parsed);
    for r in parsed {
        let id = r.number.to_string();
        let mut requirement = Requirement::new(Named::new(id.clone(), r.range), r.title.clone(), r.range);
        // A repeated heading is reported once (as a duplicate requirement); its criteria are
        // not the ones `_Requirements: N.M` cites (those are the first's).
        if seen.insert(r.number) {
            requirement.acceptance = r
                .criteria
                .iter()
                .map(|c| Acceptance {
                    id: Named::new(format!("{id}.{}", c.number), ide::criterion_number(input.text, c)),
                    noun: "acceptance criterion",
                    text: c.text.clone(),
                    range: c.range,
                    ears: true,
                })
                .collect();
        }
        facts.requirements.push(requirement);
    }
}

fn read_tasks(facts: &mut FileFacts, input: &MarkdownInput<'_>) {
    let list = parse::task_list(input.text, true);
    if let Some((feature, _)) = spec_document(input.path) {
        ide::add_references(facts, input.text, feature, &list, true);
    }
    for t in list.tasks {
        let mut labels = Vec::new();
        if t.optional {
            labels.push(Named::new("optional", t.checkbox));
        }
        if t.parallel {
            labels.push(Named::new("P", t.number_range));
        }
        facts.tasks.push(Task {
            id: Named::new(t.number.clone(), t.number_range),
            checked: Some(t.checked),
            title: t.title.clone(),
            labels,
            section: t.section.clone(),
            // Requirement references are checked against the spec's requirements.md by this
            // module (`kiro-unknown-requirement`), not as `implements:` pointers.
            implements: Vec::new(),
            depends_on: t.depends.iter().map(|(n, r)| Named::new(n.clone(), *r)).collect(),
            range: t.line,
        });
    }
}

/// Per file: in `tasks.md`, a ticked task whose required subtask is open.
fn check_file(file: &FileFacts, out: &mut Vec<Diagnostic>) {
    if !is_spec_document(&file.path, "tasks.md") {
        return;
    }
    let tasks = parse::task_list(file.text(), true).tasks;
    // Tasks by number, for the subtasks of each (numbers `P.x`, `P.x.y`, ...).
    // A number written twice (a duplicate) counts as its first task.
    let mut by_number: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, t) in tasks.iter().enumerate() {
        by_number.entry(t.number.as_str()).or_insert(i);
    }
    for parent in tasks.iter().filter(|t| t.checked) {
        let prefix = format!("{}.", parent.number);
        let open: Vec<&parse::Task> = by_number
            .range(prefix.as_str()..)
            .take_while(|(n, _)| n.starts_with(&prefix))
            .map(|(_, &i)| &tasks[i])
            .filter(|t| !t.checked && !t.optional)
            .collect();
        let Some(first) = open.first() else { continue };
        let more = match open.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        out.push(
            TICKED_PARENT
                .at(
                    &file.path,
                    parent.checkbox,
                    format!("task {} is ticked, but its required subtask {} is still open{more}", parent.number, first.number),
                )
                .with_related(&file.path, first.checkbox, format!("subtask {} is open", first.number)),
        );
    }
}

/// A spec's requirements: criterion numbers (sorted) and each criterion's range, by requirement.
struct Spec<'a> {
    path: &'a str,
    requirements: BTreeMap<u32, (TextRange, Vec<(u32, TextRange)>)>,
    /// The requirement numbers as a message lists them, computed once.
    listed: std::cell::OnceCell<String>,
}

impl Spec<'_> {
    /// Why `target` names nothing, if it does.
    fn problem(&self, target: &Target, written: &str) -> Option<String> {
        let (n, wanted) = match target {
            Target::Requirement(n) => (*n, None),
            Target::Criterion(n, m) => (*n, Some((*m, *m))),
            Target::Range(n, a, b) => (*n, Some((*a, *b))),
        };
        let Some((_, criteria)) = self.requirements.get(&n) else {
            let listed = self.listed.get_or_init(|| {
                numbers_listed(
                    "Requirement",
                    "Requirements",
                    "no requirements",
                    self.requirements.keys().copied(),
                    self.requirements.len(),
                    "",
                )
            });
            return Some(format!("`{written}` refers to Requirement {n}, but `{}` has {listed}", self.path));
        };
        let (a, b) = wanted?;
        let start = criteria.partition_point(|(m, _)| *m < a);
        let end = criteria.partition_point(|(m, _)| *m <= b);
        if u64::try_from(end - start).unwrap_or(0) == u64::from(b - a) + 1 {
            return None;
        }
        let what = if a == b { format!("acceptance criterion {n}.{a}") } else { format!("acceptance criteria {n}.{a}–{n}.{b}") };
        let listed = numbers_listed(
            "criterion",
            "criteria",
            "no acceptance criteria",
            criteria.iter().map(|(m, _)| *m),
            criteria.len(),
            &format!("{n}."),
        );
        Some(format!("`{written}` refers to {what}, but Requirement {n} of `{}` has {listed}", self.path))
    }
}

/// `only Requirement 1`, `Requirements 1–6`, `criteria 2.1, 2.3, 2.7`, `no requirements`: sorted
/// numbers (each after `prefix`) as a range when they run without gaps, else listed (at most
/// [`crate::diagnostics::MAX_LISTED`] of them).
fn numbers_listed(one: &str, many: &str, none: &str, numbers: impl Iterator<Item = u32> + Clone, count: usize, prefix: &str) -> String {
    let mut it = numbers.clone();
    let (Some(first), last) = (it.next(), numbers.clone().last()) else { return none.to_string() };
    let last = last.unwrap_or(first);
    if count == 1 {
        return format!("only {one} {prefix}{first}");
    }
    let mut previous = first;
    let contiguous = it.all(|n| {
        let ok = n == previous + 1;
        previous = n;
        ok
    });
    if contiguous {
        return format!("{many} {prefix}{first}–{prefix}{last}");
    }
    format!("{many} {}", crate::diagnostics::listing_of(numbers.map(|n| format!("{prefix}{n}")), count, ", "))
}

/// The criteria a spec's tasks cover, as intervals per requirement (so a range costs one entry,
/// however wide it is written).
#[derive(Default)]
struct Coverage {
    intervals: BTreeMap<u32, Vec<(u32, u32)>>,
    all: bool,
}

impl Coverage {
    fn add(&mut self, n: u32, a: u32, b: u32) {
        self.intervals.entry(n).or_default().push((a, b));
    }

    /// Sorts each requirement's intervals; then [`Coverage::covers`] answers by binary search.
    fn finish(&mut self) {
        for list in self.intervals.values_mut() {
            list.sort_unstable();
            // Merged, so the interval starting last at or before a number is the one holding it.
            let mut merged: Vec<(u32, u32)> = Vec::with_capacity(list.len());
            for &(a, b) in list.iter() {
                match merged.last_mut() {
                    Some(last) if a <= last.1.saturating_add(1) => last.1 = last.1.max(b),
                    _ => merged.push((a, b)),
                }
            }
            *list = merged;
        }
    }

    fn covers(&self, n: u32, m: u32) -> bool {
        self.all
            || self.intervals.get(&n).is_some_and(|list| {
                let i = list.partition_point(|(a, _)| *a <= m);
                i > 0 && list[i - 1].1 >= m
            })
    }
}

/// Across a spec's documents: references to requirements that do not exist, and criteria no task
/// covers.
fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    // The spec folders that have a requirements.md, in path order.
    let mut features: Vec<&str> = Vec::new();
    for (path, _) in ctx.ws.files.range(".kiro/specs/".to_string()..) {
        if !path.starts_with(".kiro/specs/") {
            break;
        }
        if let Some((feature, "requirements.md")) = spec_document(path) {
            features.push(feature);
        }
    }
    for feature in features {
        check_spec(ctx, feature, out);
    }
}

fn check_spec(ctx: &Context<'_>, feature: &str, out: &mut Vec<Diagnostic>) {
    let requirements_path = format!("{feature}/requirements.md");
    let Some(req_file) = ctx.file(&requirements_path) else { return };
    let parsed = parse::requirements(req_file.text());
    if parsed.is_empty() {
        return; // Not in Kiro's structure: nothing can be referred to by number.
    }
    let mut spec = Spec { path: &requirements_path, requirements: BTreeMap::new(), listed: std::cell::OnceCell::new() };
    for r in &parsed {
        // A repeated heading (reported as a duplicate requirement) keeps its first section.
        spec.requirements.entry(r.number).or_insert_with(|| {
            let mut criteria: Vec<(u32, TextRange)> = r.criteria.iter().map(|c| (c.number, c.range)).collect();
            criteria.sort_unstable_by_key(|(m, _)| *m);
            criteria.dedup_by_key(|(m, _)| *m);
            (r.range, criteria)
        });
    }
    let mut coverage = Coverage::default();
    let mut traced = false;
    for (name, tasks) in [("tasks.md", true), ("design.md", false)] {
        let path = format!("{feature}/{name}");
        let Some(file) = ctx.file(&path) else { continue };
        let list = parse::task_list(file.text(), tasks);
        for r in &list.references {
            if let Some(problem) = spec.problem(&r.target, &r.written) {
                let mut d = UNKNOWN_REQUIREMENT.at(&path, r.range, problem);
                let n = match r.target {
                    Target::Requirement(n) | Target::Criterion(n, _) | Target::Range(n, _, _) => n,
                };
                if let Some((heading, _)) = spec.requirements.get(&n) {
                    d = d.with_related(&requirements_path, *heading, format!("Requirement {n}"));
                }
                out.push(d);
            }
        }
        if !tasks || list.tasks.is_empty() {
            continue;
        }
        for r in list.references.iter().filter(|r| r.task.is_some()) {
            traced = true;
            match r.target {
                Target::Requirement(n) => coverage.add(n, 0, u32::MAX),
                Target::Criterion(n, m) => coverage.add(n, m, m),
                Target::Range(n, a, b) => coverage.add(n, a, b),
            }
        }
        for (blanket, task) in &list.blanket {
            if task.is_none() {
                continue;
            }
            traced = true;
            match blanket {
                Blanket::All => coverage.all = true,
                Blanket::Requirements(ns) => {
                    for n in ns {
                        coverage.add(*n, 0, u32::MAX);
                    }
                }
            }
        }
    }
    if !traced || coverage.all {
        return;
    }
    coverage.finish();
    for (n, (_, criteria)) in &spec.requirements {
        for (m, range) in criteria {
            if !coverage.covers(*n, *m) {
                out.push(UNCOVERED_CRITERION.at(
                    &requirements_path,
                    *range,
                    format!("no task of `{feature}/tasks.md` covers acceptance criterion {n}.{m} (no `_Requirements:` names it)"),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::fixture::{check, workspace};
    use expect_test::expect;

    const REQUIREMENTS: &str = "//- .kiro/specs/sign-in/requirements.md\n# Requirements Document\n\n## Requirements\n\n### Requirement 1: Sign in\n\n**User Story:** As a member, I want to sign in, so that I see my orders.\n\n#### Acceptance Criteria\n\n1. WHEN a member submits valid credentials THEN the system SHALL open a session\n2. WHEN the credentials are wrong THEN the system SHALL say so without naming the field\n3. WHILE a session is open THE system SHALL show the member's name\n\n### Requirement 2: Sign out\n\n#### Acceptance Criteria\n\n1. WHEN a member signs out THEN the system SHALL end the session\n";

    #[test]
    fn references_to_missing_requirements_and_criteria() {
        let spec = format!(
            "{REQUIREMENTS}//- .kiro/specs/sign-in/tasks.md\n# Implementation Plan\n\n- [x] 1. Session store\n  - _Requirements: 1.1, 1.4_\n- [ ] 2. Forms\n  - [ ] 2.1 Sign-in form\n    - _Requirements: 1.2–1.5, 3.1_\n  - [ ]* 2.2 Property test\n    - **Validates: Requirements 2.1**\n- [ ] 3. Wrap up\n  - _Requirements: 2, 7, All from Requirement 9_\n//- .kiro/specs/sign-in/design.md\n# Design Document\n\n**Property 1: Sessions end**\n**Validates: Requirements 2.2**\n"
        );
        expect![[r#"
            .kiro/specs/sign-in/design.md:4:27: error[kiro-unknown-requirement]: `2.2` refers to acceptance criterion 2.2, but Requirement 2 of `.kiro/specs/sign-in/requirements.md` has only criterion 2.1
            .kiro/specs/sign-in/tasks.md:4:25: error[kiro-unknown-requirement]: `1.4` refers to acceptance criterion 1.4, but Requirement 1 of `.kiro/specs/sign-in/requirements.md` has criteria 1.1–1.3
            .kiro/specs/sign-in/tasks.md:7:22: error[kiro-unknown-requirement]: `1.2–1.5` refers to acceptance criteria 1.2–1.5, but Requirement 1 of `.kiro/specs/sign-in/requirements.md` has criteria 1.1–1.3
            .kiro/specs/sign-in/tasks.md:7:33: error[kiro-unknown-requirement]: `3.1` refers to Requirement 3, but `.kiro/specs/sign-in/requirements.md` has Requirements 1–2
        "#]]
        .assert_eq(&check(&spec, &["kiro-unknown-requirement"]));
    }

    #[test]
    fn ticked_parents_duplicates_and_depends() {
        let spec = format!(
            "{REQUIREMENTS}//- .kiro/specs/sign-in/tasks.md\n# Implementation Plan\n\n- [x] 1. Session store\n  - [x] 1.1 Table\n  - [ ] 1.2 Expiry\n  - [ ] 1.3 Cleanup\n  - [ ]* 1.4 Load test\n- [x] 2. Forms\n  - [x] 2.1 Form\n  - [ ]* 2.2 Property test\n  - _Depends: 1.2, 4.1_\n- [ ] 2.1 Form again\n"
        );
        expect![[r#"
            .kiro/specs/sign-in/tasks.md:3:3: warning[kiro-ticked-parent]: task 1 is ticked, but its required subtask 1.2 is still open (and 1 more)
            .kiro/specs/sign-in/tasks.md:11:20: error[dangling-reference]: task `2.2` depends on `4.1`, which is not a task in this file
            .kiro/specs/sign-in/tasks.md:12:7: error[duplicate-id]: task `2.1` is declared twice
        "#]]
        .assert_eq(&check(&spec, &["kiro-ticked-parent", "duplicate-id", "dangling-reference"]));
    }

    #[test]
    fn uncovered_criteria_are_information_when_tasks_trace_requirements() {
        let traced = format!(
            "{REQUIREMENTS}//- .kiro/specs/sign-in/tasks.md\n- [ ] 1. Session\n  - _Requirements: 1.1–1.2_\n- [ ] 2. Done\n  - _Requirements: 2_\n"
        );
        expect![[r#"
            .kiro/specs/sign-in/requirements.md:13:1: information[kiro-uncovered-criterion]: no task of `.kiro/specs/sign-in/tasks.md` covers acceptance criterion 1.3 (no `_Requirements:` names it)
        "#]]
        .assert_eq(&check(&traced, &["kiro-uncovered-criterion"]));
        // `All` covers everything; a list without any `_Requirements:` makes no claim.
        let all = format!("{REQUIREMENTS}//- .kiro/specs/sign-in/tasks.md\n- [ ] 1. Everything\n  - _Requirements: All_\n");
        let untraced = format!("{REQUIREMENTS}//- .kiro/specs/sign-in/tasks.md\n- [ ] 1. Everything\n");
        assert_eq!(check(&all, &[]), "");
        assert_eq!(check(&untraced, &[]), "");
    }

    #[test]
    fn near_misses_stay_silent() {
        // Not Kiro's structure: requirements without `Requirement N` headings are not referred to
        // by number; steering documents are context, never workflows; `All ...` claims are prose.
        let spec = "//- .kiro/specs/sections/requirements.md\n# Sections\n## Functional Requirements\n### 1. Blog posts\n- Show posts\n//- .kiro/specs/sections/tasks.md\n- [ ] 1. Blog section\n  - _Requirements: 1.1, All from requirements.md section 1_\n//- .kiro/steering/tech.md\n---\ninclusion: always\n---\n# Tech\n## Phase 1: Setup\n## Phase 2: Build\n**Deliverables**:\n- `docs/missing.md`\n";
        let ws = workspace(spec);
        assert_eq!(crate::diagnostics::fixture::render(&ws, &[]), "");
        let status: Vec<String> = ws.status().into_iter().map(|s| format!("{} {}", s.name, s.status)).collect();
        assert_eq!(status, vec!["sections in-progress"]);
    }

    #[test]
    fn optional_tasks_do_not_hold_up_the_implementation_gate() {
        let spec = format!(
            "{REQUIREMENTS}//- .kiro/specs/sign-in/design.md\n# Design\n//- .kiro/specs/sign-in/tasks.md\n- [x] 1. Session\n  - [x] 1.1 Store\n  - [ ]* 1.2 Property test\n- [x] 2. Forms\n"
        );
        let status: Vec<String> = workspace(&spec).status().into_iter().map(|s| format!("{} {}", s.name, s.status)).collect();
        assert_eq!(status, vec!["sign-in completed"]);
        let open = spec.replace("- [x] 2. Forms", "- [ ] 2. Forms");
        let status: Vec<String> = workspace(&open).status().into_iter().map(|s| format!("{} {}", s.name, s.status)).collect();
        assert_eq!(status, vec!["sign-in in-progress"]);
    }

    #[test]
    fn phases_inferred_per_spec_and_scaffold_writes_kiros_structure() {
        let spec = format!(
            "{REQUIREMENTS}//- .kiro/specs/checkout/design.md\n# Design\n//- .kiro/specs/checkout/tasks.md\n- [x] 1. Cart\n- [ ] 2. Pay\n//- .kiro/specs/search/notes.md\nx\n"
        );
        let ws = workspace(&spec);
        let status: Vec<String> =
            ws.status().into_iter().map(|s| format!("{} {} {}", s.name, s.status, s.current.unwrap_or_default())).collect();
        assert_eq!(status, vec!["checkout in-progress implementation", "search not-started ", "sign-in in-progress requirements"]);
        let change = ws.advance("sign-in", None, None, "2026-03-02T09:00:00Z").unwrap_or_else(|r| panic!("{r}"));
        assert_eq!(change.summary, "advanced `sign-in` from `requirements` to `design`: created `.kiro/specs/sign-in/design.md`");
        let crate::actions::FileChange::Create { content, .. } = &change.changes[0] else { panic!("{change:?}") };
        assert!(content.starts_with("# Design Document\n\n## Overview\n") && content.contains("## Testing Strategy"), "{content}");
        let change = ws.scaffold("search", None, None, "2026-03-02T09:00:00Z").unwrap_or_else(|r| panic!("{r}"));
        let crate::actions::FileChange::Create { path, content } = &change.changes[0] else { panic!("{change:?}") };
        assert_eq!(path, ".kiro/specs/search/requirements.md");
        assert!(content.contains("### Requirement 1\n") && content.contains("#### Acceptance Criteria\n\n1. WHEN"), "{content}");
        // The scaffolded requirements and tasks documents check clean.
        let mut ws = ws;
        ws.set_file(path, crate::facts::FileInput::Text(content.clone()));
        let tasks = crate::frameworks::builtin(&super::FRAMEWORK)
            .and_then(|wf| wf.templates.iter().find(|t| t.file_name == "tasks.md"))
            .map(|t| t.content.clone())
            .unwrap_or_default();
        ws.set_file(".kiro/specs/search/tasks.md", crate::facts::FileInput::Text(tasks));
        let shown = crate::diagnostics::fixture::render(&ws, &[]);
        assert!(!shown.contains(".kiro/specs/search/"), "{shown}");
    }
}
