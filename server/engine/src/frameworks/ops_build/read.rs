//! The `.ops/build` readers: task lists (`tasks.yaml`, `tasks.md`), gate results (`checks.yaml`),
//! spec change requests (`spec-change-requests.yaml`/`.md`) and the build-level
//! `system-design.yaml`. Each fills the shared model (tasks) and the framework's own [`Facts`].
//!
//! Formats, from gabeborges/claude-sdd-bootstrap: `claude/agents/project-task-planner.md` (a list
//! of `{id, title, implements, status, depends_on}`), `claude/skills/sdd-protocols/SKILL.md`
//! (checks sections `{status: pass|fail, blockers, notes, evidence}`, `requests: [{id, status:
//! open|addressed|rejected}]`, remediation tickets' `blocked_by`), `claude/agents/architect.md`
//! (`feature_refs`, `meta.last_updated_from_build`, `spec-change-requests`); seed 002 for
//! `tasks.md`, `spec-change-requests.md` and `spec_change_requests`.

use super::{Design, Facts, FeatureRef, GateFact, Request, place};
use crate::extract::markdown::{MarkdownInput, collect_tasks};
use crate::extract::{DataRecogniser, Recogniser};
use crate::facts::FileFacts;
use crate::model::{GateResult, Named, Task};
use crate::syntax::markdown::BlockKind;
use crate::syntax::tree::{NodeId, NodeKind, Tree};
use crate::text::TextRange;

/// Whether `path` is the file `names` of a feature folder `.ops/build/v{x}/<feature>/`.
fn feature_file(path: &str, names: &[&str]) -> bool {
    place(path).is_some_and(|p| p.feature.is_some() && names.contains(&p.file))
}

/// `tasks.md` of a feature folder: the generic task reader's forms (docs/conventions.md), with
/// references checked by this framework across the build version.
pub(super) const TASKS_MD: Recogniser = Recogniser {
    name: "ops-build-tasks",
    applies: |path| feature_file(path, &["tasks.md"]),
    prefilter: None,
    replaces: &["tasks"],
    extract: |facts, input| {
        facts.tasks = collect_tasks(input.text, input.blocks);
        facts.tasks_framework = Some(super::FRAMEWORK.id);
        super::ide::add(facts, None);
    },
};

/// `spec-change-requests.md` of a feature folder (seed 002).
pub(super) const REQUESTS_MD: Recogniser = Recogniser {
    name: "ops-build-spec-change-requests",
    applies: |path| feature_file(path, &["spec-change-requests.md"]),
    prefilter: None,
    replaces: &[],
    extract: read_requests_md,
};

/// `tasks.yaml` of a feature folder.
pub(super) const TASKS_YAML: DataRecogniser =
    DataRecogniser { name: "ops-build-tasks", applies: |path| feature_file(path, &["tasks.yaml", "tasks.yml"]), extract: read_tasks };

/// `checks.yaml` of a feature folder or of a build version folder.
pub(super) const CHECKS: DataRecogniser = DataRecogniser {
    name: "ops-build-checks",
    applies: |path| place(path).is_some_and(|p| matches!(p.file, "checks.yaml" | "checks.yml" | "checks.json")),
    extract: read_checks,
};

/// `spec-change-requests.yaml` of a feature folder.
pub(super) const REQUESTS_YAML: DataRecogniser = DataRecogniser {
    name: "ops-build-spec-change-requests",
    applies: |path| feature_file(path, &["spec-change-requests.yaml", "spec-change-requests.yml"]),
    extract: read_requests_yaml,
};

/// The build-level `.ops/build/system-design.yaml`.
pub(super) const DESIGN: DataRecogniser = DataRecogniser {
    name: "ops-build-system-design",
    applies: |path| matches!(path, ".ops/build/system-design.yaml" | ".ops/build/system-design.yml"),
    extract: read_design,
};

fn facts_of(facts: &mut FileFacts) -> &mut Facts {
    facts.ops_build.get_or_insert_with(Box::default)
}

/// The words that mark a task done (`status: done`; the bootstrap's `TaskUpdate` writes
/// `completed`).
pub(super) fn is_done(status: &str) -> bool {
    matches!(status.trim().to_ascii_lowercase().as_str(), "done" | "complete" | "completed")
}

/// The words that mark a gate result failing (`status: fail`).
fn is_fail(status: &str) -> bool {
    matches!(status.trim().to_ascii_lowercase().as_str(), "fail" | "failed" | "failing" | "false" | "rejected" | "blocked")
}

/// The words that close a spec change request (`status: addressed|rejected`).
fn is_closed(status: &str) -> bool {
    matches!(
        status.trim().to_ascii_lowercase().as_str(),
        "addressed" | "rejected" | "resolved" | "closed" | "done" | "withdrawn" | "declined" | "superseded" | "implemented"
    )
}

/// The scalar at `n`, trimmed, with its range.
fn named(t: &Tree, n: NodeId) -> Option<Named> {
    crate::extract::data::named(t, n)
}

/// The comma-separated parts of scalar `n` (`"availability/R6, availability/R10"`) or the items of a
/// list, each with its own range when the scalar is written without escapes or folding (the
/// whole scalar's range otherwise).
fn parts(t: &Tree, n: NodeId) -> Vec<Named> {
    let NodeKind::Scalar { value } = &t.node(n).kind else {
        return t.str_list(n).into_iter().map(|(s, r)| Named::new(s, r)).collect();
    };
    let range = t.range(n);
    // The value's first byte in the file: right at the range (plain) or after the quote.
    let start = match range.end.saturating_sub(range.start) {
        len if len == value.len() => Some(range.start),
        len if len == value.len() + 2 => Some(range.start + 1),
        _ => None,
    };
    let mut out = Vec::new();
    let mut offset = 0;
    for part in value.split(',') {
        let trimmed = part.trim();
        if !trimmed.is_empty() {
            let at = offset + part.find(trimmed).unwrap_or(0);
            let r = start.map_or(range, |s| TextRange::new(s + at, s + at + trimmed.len()));
            out.push(Named::new(trimmed, r));
        }
        offset += part.len() + 1;
    }
    out
}

/// A task list: the file's top-level list, or its `tasks:` list.
fn read_tasks(facts: &mut FileFacts, t: &Tree, root: NodeId) {
    let list = if t.is_seq(root) { Some(root) } else { t.get(root, "tasks").filter(|n| t.is_seq(*n)) };
    let Some(list) = list else { return };
    let mut statuses = Vec::new();
    for &item in t.items(list) {
        let Some(id) = t.get(item, "id").and_then(|n| named(t, n)) else { continue };
        let status = t.get(item, "status").and_then(|n| named(t, n));
        let mut depends_on = Vec::new();
        for key in ["depends_on", "blocked_by"] {
            if let Some(n) = t.get(item, key) {
                depends_on.extend(parts(t, n).into_iter().filter(|d| !d.name.eq_ignore_ascii_case("none") && d.name != "-"));
            }
        }
        facts.tasks.push(Task {
            id,
            checked: status.as_ref().map(|s| is_done(&s.name)),
            title: t.get(item, "title").and_then(|n| t.str(n)).unwrap_or_default().trim().to_string(),
            labels: Vec::new(),
            section: None,
            implements: t.get(item, "implements").map(|n| parts(t, n)).unwrap_or_default(),
            depends_on,
            range: t.range(item),
        });
        statuses.push(status);
    }
    facts.tasks_framework = Some(super::FRAMEWORK.id);
    super::ide::add(facts, Some(statuses.clone()));
    facts_of(facts).statuses = statuses;
}

/// One gate result: a scalar (`qa: passed`) or a mapping with `status`, `result` or `passed`, and
/// `blockers`.
fn gate(t: &Tree, name: Named, v: NodeId) -> GateFact {
    let status = match t.str(v) {
        Some(_) => named(t, v),
        None => ["status", "result", "passed"].iter().find_map(|k| t.get(v, k).and_then(|n| named(t, n))),
    };
    let blockers = t.get(v, "blockers").map(|n| t.str_list(n).into_iter().map(|(s, _)| s).collect()).unwrap_or_default();
    let failing = status.as_ref().is_some_and(|s| is_fail(&s.name));
    GateFact { name, status, failing, blockers }
}

/// Gate results: each top-level section with a `status` (`security: {status: fail, blockers:
/// [...]}`, the bootstrap's merge-only sections) and the entries of `gates:` (docs/formats.md).
fn read_checks(facts: &mut FileFacts, t: &Tree, root: NodeId) {
    let mut gates = Vec::new();
    for &(k, v) in t.entries(root) {
        let Some(key) = named(t, k) else { continue };
        if key.name == "gates" {
            for &(gk, gv) in t.entries(v) {
                if let Some(name) = named(t, gk) {
                    gates.push(gate(t, name, gv));
                }
            }
            for &item in t.items(v) {
                if let Some(name) = t.get(item, "name").and_then(|n| named(t, n)) {
                    gates.push(gate(t, name, item));
                }
            }
        } else if t.is_map(v) && t.get(v, "status").is_some() {
            let g = gate(t, key, v);
            // Also a recorded result for definitions' `recorded:` criteria (`gates:` entries are
            // recorded by the generic reader).
            let passed = g.status.as_ref().is_some_and(|s| crate::extract::data::is_pass(&s.name));
            facts.gate_records.push(GateResult { name: g.name.clone(), passed });
            gates.push(g);
        }
    }
    facts_of(facts).gates = gates;
}

/// A request entry: its `id` (or the start of its text) and whether its `status` leaves it open
/// (a request without a status is open: seed 002 halts on the file alone).
fn request(t: &Tree, item: NodeId) -> Option<Request> {
    if let Some(text) = named(t, item) {
        return Some(Request { label: text.name, open: true, feature: None });
    }
    if !t.is_map(item) {
        return None;
    }
    let label = ["id", "request", "issue", "title"].iter().find_map(|k| t.get(item, k).and_then(|n| named(t, n)));
    let status = t.get(item, "status").and_then(|n| named(t, n));
    let feature = t.get(item, "feature").and_then(|n| t.str(n)).map(|s| s.trim().trim_matches('/').to_string());
    Some(Request {
        label: label.map_or_else(|| "(unnamed)".to_string(), |l| l.name),
        open: status.is_none_or(|s| !is_closed(&s.name)),
        feature: feature.filter(|f| !f.is_empty()),
    })
}

/// `requests:` (or a top-level list) of `spec-change-requests.yaml`.
fn read_requests_yaml(facts: &mut FileFacts, t: &Tree, root: NodeId) {
    let list = if t.is_seq(root) { Some(root) } else { t.get(root, "requests") };
    let requests: Vec<Request> = list.map(|l| t.items(l).iter().filter_map(|&i| request(t, i)).collect()).unwrap_or_default();
    facts_of(facts).requests = requests;
}

/// `spec-change-requests.md`: a request per `status:` line (`- **Status**: open`), else per
/// checklist item (open while unticked), else one request when the file holds any entry (a list
/// item, or a heading after the first): seed 002 halts on the file alone.
fn read_requests_md(facts: &mut FileFacts, input: &MarkdownInput<'_>) {
    let mut requests = Vec::new();
    let mut heading: Option<String> = None;
    let mut entries = 0usize;
    let mut checklist = Vec::new();
    for (i, b) in input.blocks.iter().enumerate() {
        if let BlockKind::Heading { .. } = b.kind {
            heading = Some(b.text.trim().to_string());
            if i > 0 {
                entries += 1;
            }
            continue;
        }
        if let BlockKind::Item { checked, .. } = b.kind {
            entries += 1;
            if let Some(checked) = checked {
                checklist.push(Request { label: b.text.trim().to_string(), open: !checked, feature: None });
            }
        }
        if matches!(b.kind, BlockKind::Code { .. }) {
            continue;
        }
        for line in crate::text::lines(&b.text) {
            let l = line.trim().trim_start_matches(['-', '*', ' ']).replace("**", "");
            let Some((key, value)) = l.split_once(':') else { continue };
            if !key.trim().eq_ignore_ascii_case("status") || value.trim().is_empty() {
                continue;
            }
            let label = heading.clone().unwrap_or_else(|| b.text.trim().to_string());
            requests.push(Request { label, open: !is_closed(value.trim().trim_matches(['`', '*', '_'])), feature: None });
        }
    }
    if requests.is_empty() {
        requests = checklist;
    }
    if requests.is_empty() && entries > 0 {
        let label = input.blocks.first().map_or_else(|| "the file".to_string(), |b| b.text.trim().to_string());
        requests.push(Request { label, open: true, feature: None });
    }
    facts_of(facts).requests = requests;
}

/// `system-design.yaml`: `meta.last_updated_from_build`, `feature_refs` and the spec change
/// requests the architect raised (`spec-change-requests`, seed 002's `spec_change_requests`).
fn read_design(facts: &mut FileFacts, t: &Tree, root: NodeId) {
    if !t.is_map(root) {
        return;
    }
    let built_from = t.get(root, "meta").and_then(|m| t.get(m, "last_updated_from_build")).and_then(|n| named(t, n));
    let refs = t.entries(root).iter().find(|(k, _)| t.str(*k) == Some("feature_refs")).copied();
    let mut features = Vec::new();
    for &item in refs.map_or(&[][..], |(_, v)| t.items(v)) {
        let feature = t.get(item, "feature").and_then(|n| t.str(n)).map(|s| s.trim().to_string());
        let version = t.get(item, "build_version").and_then(|n| t.str(n)).map(|s| s.trim().to_string());
        let path = t.get(item, "path").and_then(|n| t.str(n)).map(|s| s.trim().trim_end_matches('/').to_string());
        // `path: ".ops/build/v0/availability/"` names the feature and its version too.
        let file_in = path.map(|p| format!("{p}/_"));
        let from_path = file_in.as_deref().and_then(place).and_then(|p| Some((p.version.to_string(), p.feature?.to_string())));
        match (feature, from_path) {
            (Some(f), from_path) => features.push(FeatureRef { feature: f, version: version.or(from_path.map(|(v, _)| v)) }),
            (None, Some((v, f))) => features.push(FeatureRef { feature: f, version: Some(v) }),
            (None, None) => {}
        }
    }
    let mut requests = Vec::new();
    for key in ["spec-change-requests", "spec_change_requests"] {
        if let Some(list) = t.get(root, key) {
            requests.extend(t.items(list).iter().filter_map(|&i| request(t, i)));
        }
    }
    let f = facts_of(facts);
    f.design = Some(Design { built_from, features, refs: refs.map(|(k, _)| t.range(k)) });
    f.requests = requests;
}
