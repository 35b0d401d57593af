//! The `.ops/build` rules. Each runs across the task lists of one build version
//! (`.ops/build/v{x}/*/tasks.{yaml,md}`), where a task may name requirements of another feature's
//! `specs.md` and depend on another feature's tasks; linear in tasks and references.

use std::collections::{HashMap, HashSet};

use super::{BUILD, DESIGN_FILES, FRAMEWORK, Place, failing_gates, ops, place, version_number};
use crate::analysis::Context;
use crate::diagnostics::{Code, Diagnostic, Doc, MAX_LISTED, Rule, Severity, listing, listing_of};
use crate::facts::FileFacts;
use crate::model::Task;
use crate::text::TextRange;

const FRAMEWORK_ID: Option<&str> = Some("ops-build");

pub(super) const DANGLING_IMPLEMENTS: Rule = Rule {
    doc: Doc {
        code: Code::new("ops-build-dangling-implements"),
        severity: Severity::Error,
        when: "A task's `implements:` pointer names no requirement of a feature's `specs.md`: `availability/R6` is requirement (or scenario) `R6` of `.ops/build/v{x}/availability/specs.md` in the tasks file's build version, a bare `R6` one of the tasks file's own feature; the spec file or the requirement does not exist. Requirements are `- R1: ...` items and `### S1: ...` scenario headings (docs/conventions.md). Pointers to contract nodes (`/paths/users/get`) and pointers whose last part is not an id are not checked.",
        fix: "Point at an existing requirement, or add it to the feature's `specs.md` (through a spec change request when the spec is settled).",
    },
    framework: FRAMEWORK_ID,
    source: "seed 002 (Constraints & Rules: every `implements:` pointer references a valid node of `specs.md`); claude-sdd-bootstrap `claude/skills/sdd-protocols/SKILL.md` (6. implements: Pointer Protocol), `claude/commands/spec/validate.md` (steps 3 and 5)",
};

pub(super) const UNCOVERED_REQUIREMENT: Rule = Rule {
    doc: Doc {
        code: Code::new("ops-build-uncovered-requirement"),
        severity: Severity::Warning,
        when: "A requirement or scenario of a feature's `specs.md` (`- R12: ...`, `### S3: ...`) is implemented by no task of the build version, although the feature has its task list (`tasks.yaml` or `tasks.md`). Pointers from other features' tasks count. Open questions (`- Q1: ...`) are not spec nodes.",
        fix: "Add a task that implements it (`implements: \"<feature>/R12\"`), or take it out of the spec (through a spec change request).",
    },
    framework: FRAMEWORK_ID,
    source: "claude-sdd-bootstrap `claude/agents/project-task-planner.md` (every spec node has at least one task), `claude/commands/spec/validate.md` (step 4: orphaned spec nodes are a warning)",
};

pub(super) const DANGLING_DEPENDENCY: Rule = Rule {
    doc: Doc {
        code: Code::new("ops-build-dangling-dependency"),
        severity: Severity::Error,
        when: "A task's `depends_on` (or a remediation ticket's `blocked_by`) names a task that neither its own tasks file nor the tasks file of any other feature of the same build version declares. A name is looked up in the task's own file first, then in the other features (`tasks.yaml`, `tasks.yml` or `tasks.md` of each `.ops/build/v{x}/<feature>/`).",
        fix: "Correct the id, or add the task it should name.",
    },
    framework: FRAMEWORK_ID,
    source: "claude-sdd-bootstrap `claude/agents/project-task-planner.md` (cross-feature `depends_on` references use valid task ids of other features' `tasks.yaml`), `claude/skills/sdd-protocols/SKILL.md` (7. Remediation Ticket Protocol: `blocked_by`)",
};

pub(super) const DEPENDENCY_CYCLE: Rule = Rule {
    doc: Doc {
        code: Code::new("ops-build-dependency-cycle"),
        severity: Severity::Error,
        when: "Tasks of one build version depend on each other in a cycle (`depends_on`, `blocked_by`), within a feature or across features, so no tier order can run them. Reported once per cycle, on its first task in path order, with the others as related locations. A name declared by several other features (seed 002's per-feature `T1`, `T2`) cannot be followed and adds no dependency.",
        fix: "Remove one of the dependencies the message lists.",
    },
    framework: FRAMEWORK_ID,
    source: "seed 002 (Swarm Orchestration: tasks blocked by their dependencies, tier by tier); claude-sdd-bootstrap `claude/agents/project-task-planner.md` (`build-order.yaml` layers consolidated from `depends_on`)",
};

pub(super) const DONE_WHILE_GATE_FAILS: Rule = Rule {
    doc: Doc {
        code: Code::new("ops-build-done-while-gate-fails"),
        severity: Severity::Error,
        when: "A task is marked done (`status: done`, `completed` or `complete` in `tasks.yaml`; a ticked `- [x]` in `tasks.md`) while a gate that applies to its feature fails: a section of the feature's `checks.yaml`, or of the build version's `checks.yaml`, with `status: fail` (also `failed`, `failing`, `false`, `rejected`, `blocked`), or such an entry of a `gates:` list.",
        fix: "Fix what the gate's blockers say and re-run the gate, or re-open the task (`status: blocked`, `blocked_by:` its remediation ticket).",
    },
    framework: FRAMEWORK_ID,
    source: "seed 002 (gate results are recorded before a task is marked done; gates block progression); claude-sdd-bootstrap `claude/skills/sdd-protocols/SKILL.md` (3. checks.yaml, 4. Escalation: proceed and mark a task complete only when all gates pass; 5. Gate Fail Criteria)",
};

pub(super) const STALE_SYSTEM_DESIGN: Rule = Rule {
    doc: Doc {
        code: Code::new("ops-build-stale-system-design"),
        severity: Severity::Information,
        when: "`.ops/build/system-design.yaml` was derived from fewer specs than there are, judged by its content, not by file times: its `meta.last_updated_from_build` names a build version older than one holding a feature's `specs.md`, or its `feature_refs` list no entry for a feature of a build it was updated from.",
        fix: "Run the architect over the new specs, so that it updates `system-design.yaml` (its `feature_refs` and `meta`).",
    },
    framework: FRAMEWORK_ID,
    source: "seed 002 (System Design Gate: after specs change, the architect updates `system-design.yaml`; build-level state machine); claude-sdd-bootstrap `claude/agents/architect.md` (output format: `feature_refs`, `meta.last_updated_from_build`), `claude/agents/project-task-planner.md` (Hard Stop Rule)",
};

/// One tasks file of a build version, with its place.
struct TasksFile<'a> {
    file: &'a FileFacts,
    feature: &'a str,
}

/// Every check, per build version.
pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    // The task lists under `.ops/build/`, grouped by version (paths are sorted, so a version's
    // files are together).
    let mut versions: Vec<(&str, Vec<TasksFile<'_>>)> = Vec::new();
    for (path, file) in ctx.ws.files.range(BUILD.to_string()..) {
        if !path.starts_with(BUILD) {
            break;
        }
        if file.tasks_framework != Some(FRAMEWORK.id) {
            continue;
        }
        let Some(Place { version, feature: Some(feature), .. }) = place(path) else { continue };
        let entry = TasksFile { file, feature };
        match versions.last_mut() {
            Some((v, list)) if *v == version => list.push(entry),
            _ => versions.push((version, vec![entry])),
        }
    }
    for (version, files) in &versions {
        implements(ctx, version, files, out);
        coverage(ctx, version, files, out);
        dependencies(version, files, out);
        done_while_gate_fails(ctx, version, files, out);
    }
    stale_design(ctx, out);
}

/// Whether the last part of a pointer is an id (`R6`, `S10`, `NFR-2`, `R1.2`), not prose.
pub(super) fn looks_like_id(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_uppercase())
        && s.chars().any(|c| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
}

/// A `specs.md`'s requirement ids, indexed once per analysis (a tasks file with thousands of
/// pointers would otherwise scan the spec once per pointer).
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

/// `implements:` pointers resolve to requirements of a feature's `specs.md`.
fn implements<'a>(ctx: &Context<'a>, version: &str, files: &[TasksFile<'_>], out: &mut Vec<Diagnostic>) {
    let mut specs: HashMap<String, Option<Spec<'a>>> = HashMap::new();
    for tf in files {
        for task in &tf.file.tasks {
            for imp in &task.implements {
                let Some((spec_path, requirement)) = target(version, tf.feature, &imp.name) else { continue };
                let spec = specs.entry(spec_path.clone()).or_insert_with(|| ctx.file(&spec_path).map(Spec::new));
                let problem = match spec {
                    None => format!("there is no `{spec_path}`"),
                    Some(spec) if spec.ids.contains(requirement) => continue,
                    Some(spec) => format!("`{spec_path}` has no requirement `{requirement}` ({})", spec.listed),
                };
                out.push(DANGLING_IMPLEMENTS.at(
                    &tf.file.path,
                    imp.range,
                    format!("task `{}` implements `{}`, but {problem}", task.id.name, imp.name),
                ));
            }
        }
    }
}

/// Where pointer `imp` of a task of `feature` points: the spec path and the requirement, when it
/// is a checkable pointer (see [`implements`]).
fn target<'p>(version: &str, feature: &str, imp: &'p str) -> Option<(String, &'p str)> {
    if imp.starts_with('/') {
        return None; // A contract node path (`/paths/users/get`), not a requirement id.
    }
    let (feature, requirement) = match imp.rsplit_once('/') {
        Some((f, r)) => (f.trim().trim_end_matches('/'), r.trim()),
        None => (feature, imp.trim()),
    };
    if !looks_like_id(requirement) || feature.is_empty() {
        return None;
    }
    // `v0/availability/R1` names the version too.
    let folder = match feature.split_once('/') {
        Some((v, _)) if version_number(v).is_some() => format!("{BUILD}{feature}"),
        _ => format!("{BUILD}{version}/{feature}"),
    };
    Some((format!("{folder}/specs.md"), requirement))
}

/// Requirements and scenarios of features with a task list that no task of the version
/// implements.
fn coverage(ctx: &Context<'_>, version: &str, files: &[TasksFile<'_>], out: &mut Vec<Diagnostic>) {
    let mut covered: HashSet<(String, &str)> = HashSet::new();
    for tf in files {
        for task in &tf.file.tasks {
            covered.extend(task.implements.iter().filter_map(|imp| target(version, tf.feature, &imp.name)));
        }
    }
    let mut seen_features: HashSet<&str> = HashSet::new();
    for tf in files.iter().filter(|tf| seen_features.insert(tf.feature)) {
        let spec_path = format!("{BUILD}{version}/{}/specs.md", tf.feature);
        let Some(spec) = ctx.file(&spec_path) else { continue };
        let mut seen: HashSet<&str> = HashSet::new();
        for r in &spec.requirements {
            let id = r.id.name.as_str();
            // `Q1`: an open question of the spec writer's format, not a node to implement.
            let question = id.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.') == "Q";
            if question || !seen.insert(id) || covered.contains(&(spec_path.clone(), id)) {
                continue;
            }
            out.push(UNCOVERED_REQUIREMENT.at(
                &spec_path,
                r.id.range,
                format!("`{id}` is implemented by no task of `{BUILD}{version}/` (`{}` lists the feature's tasks)", tf.file.path),
            ));
        }
    }
}

/// `depends_on` resolves in the task's own file, else in the other features of the version;
/// dangling ones and cycles are reported. An id that several other features declare (seed 002's
/// per-feature `T1`, `T2`) resolves, but to no one task, so it adds no edge to the cycle search.
fn dependencies(version: &str, files: &[TasksFile<'_>], out: &mut Vec<Diagnostic>) {
    // Nodes: every task of the version, numbered file by file.
    let mut start = Vec::with_capacity(files.len());
    let mut nodes: Vec<(&TasksFile<'_>, &Task)> = Vec::new();
    for tf in files {
        start.push(nodes.len());
        nodes.extend(tf.file.tasks.iter().map(|t| (tf, t)));
    }
    // Each id's node, or `None` when several files declare it.
    let mut by_id: HashMap<&str, Option<usize>> = HashMap::new();
    for (n, (tf, task)) in nodes.iter().enumerate() {
        by_id
            .entry(task.id.name.as_str())
            .and_modify(|seen| {
                if seen.is_some_and(|m| !std::ptr::eq(nodes[m].0.file, tf.file)) {
                    *seen = None;
                }
            })
            .or_insert(Some(n));
    }
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    for (fi, tf) in files.iter().enumerate() {
        let own: HashMap<&str, usize> = tf.file.tasks.iter().enumerate().rev().map(|(i, t)| (t.id.name.as_str(), start[fi] + i)).collect();
        for (i, task) in tf.file.tasks.iter().enumerate() {
            for d in &task.depends_on {
                match own.get(d.name.as_str()).map(|&n| Some(n)).or_else(|| by_id.get(d.name.as_str()).copied()) {
                    Some(Some(target)) => edges[start[fi] + i].push(target),
                    Some(None) => {}
                    None => out.push(DANGLING_DEPENDENCY.at(
                        &tf.file.path,
                        d.range,
                        format!(
                            "task `{}` depends on `{}`, which is no task of feature `{}` nor of any other feature of `{BUILD}{version}/`",
                            task.id.name, d.name, tf.feature
                        ),
                    )),
                }
            }
        }
    }
    let (found, more, first_left_out) = crate::diagnostics::cycles::cycles(nodes.len(), &edges);
    for cycle in found {
        let (tf, task) = nodes[cycle[0]];
        // A long cycle is shown by its first members.
        let chain = listing(cycle.iter().map(|&n| nodes[n].1.id.name.as_str()), " → ");
        let mut d =
            DEPENDENCY_CYCLE.at(&tf.file.path, task.id.range, format!("tasks depend on each other in a cycle: {chain} → {}", task.id.name));
        for &n in cycle[1..].iter().take(MAX_LISTED) {
            let (other, t) = nodes[n];
            d = d.with_related(&other.file.path, t.id.range, format!("`{}` of feature `{}` is in the cycle", t.id.name, other.feature));
        }
        out.push(d);
    }
    if let Some(at) = first_left_out {
        // Counted, not listed: the cap's summary says how many (`diagnostics::cap`).
        let (tf, task) = nodes[at];
        let mut summary = DEPENDENCY_CYCLE.at(&tf.file.path, task.id.range, String::new());
        summary.omitted = more;
        out.push(summary);
    }
}

/// Tasks marked done while a gate of their feature fails.
fn done_while_gate_fails(ctx: &Context<'_>, version: &str, files: &[TasksFile<'_>], out: &mut Vec<Diagnostic>) {
    for tf in files {
        let failing = failing_gates(ctx, version, tf.feature);
        let Some(&(gate_path, gate)) = failing.first() else { continue };
        let more = match &failing[1..] {
            [] => String::new(),
            rest => format!(" (also {})", listing(rest.iter().map(|(p, g)| format!("`{}` in `{p}`", g.name.name)), ", ")),
        };
        let statuses = ops(tf.file).map_or(&[][..], |o| o.statuses.as_slice());
        for (i, task) in tf.file.tasks.iter().enumerate().filter(|(_, t)| t.checked == Some(true)) {
            let at: TextRange = statuses.get(i).and_then(|s| s.as_ref()).map_or(task.id.range, |s| s.range);
            out.push(
                DONE_WHILE_GATE_FAILS
                    .at(
                        &tf.file.path,
                        at,
                        format!("task `{}` is marked done while gate `{}` fails in `{gate_path}`{more}", task.id.name, gate.name.name),
                    )
                    .with_related(
                        gate_path,
                        gate.status.as_ref().map_or(gate.name.range, |s| s.range),
                        format!("gate `{}` fails here", gate.name.name),
                    ),
            );
        }
    }
}

/// `system-design.yaml` derived from fewer specs than there are.
fn stale_design(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(file) = DESIGN_FILES.iter().find_map(|p| ctx.file(p)) else { return };
    let Some(design) = ops(file).and_then(|o| o.design.as_ref()) else { return };
    // Every feature with a spec: (version, feature).
    let mut specs: Vec<(&str, &str)> = Vec::new();
    for path in ctx.ws.files.range(BUILD.to_string()..).map(|(k, _)| k).take_while(|k| k.starts_with(BUILD)) {
        if let Some(Place { version, feature: Some(feature), file: "specs.md" }) = place(path) {
            specs.push((version, feature));
        }
    }
    let built = design.built_from.as_ref().and_then(|b| Some((b, version_number(&b.name)?)));
    let newer = |v: &str| built.as_ref().is_some_and(|(_, b)| version_number(v).is_some_and(|n| n > *b));
    if let Some((b, _)) = &built {
        let mut later: Vec<String> = Vec::new();
        for (v, f) in specs.iter().filter(|(v, _)| newer(v)) {
            later.push(format!("`{v}/{f}`"));
        }
        if !later.is_empty() {
            out.push(STALE_SYSTEM_DESIGN.at(
                &file.path,
                b.range,
                format!(
                    "the system design was last updated from build `{}`, but specs of a later build exist ({}): the architect has not derived it from them",
                    b.name,
                    later.join(", ")
                ),
            ));
        }
    }
    let Some(refs) = design.refs else { return };
    let unlisted: Vec<String> = specs
        .iter()
        .filter(|(v, _)| !newer(v))
        .filter(|(v, f)| !design.features.iter().any(|r| r.feature == *f && r.version.as_deref().is_none_or(|rv| rv == *v)))
        .map(|(v, f)| format!("`{v}/{f}`"))
        .collect();
    if !unlisted.is_empty() {
        out.push(STALE_SYSTEM_DESIGN.at(
            &file.path,
            refs,
            format!("`feature_refs` lists no entry for {} although the design derives from its `specs.md`: the architect has not updated it since", unlisted.join(", ")),
        ));
    }
}
