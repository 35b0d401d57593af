//! Completion where workflow values are typed: phase ids and state names in state files and
//! `depends_on`; requirement ids after `implements:` and `_Requirements:`; task ids after
//! `depends_on:`; user story labels after a task id; `[id:` names; deliverable paths; and the
//! keys of phasegate's definition and state formats, with their descriptions, from
//! `grammars/workflow.schema.json`. Items are ranked by nearness: the same file, then the same
//! folder, then the same feature, then the rest of the project.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::facts::{FileFacts, FileKind};
use crate::ide::index::SymbolKind;
use crate::model::Workflow;
use crate::paths;
use crate::text::TextRange;
use crate::workspace::Workspace;

/// What a completion item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    /// A workflow name.
    Workflow,
    /// A phase id.
    Phase,
    /// A state name.
    State,
    /// A requirement id.
    Requirement,
    /// A user story label.
    Story,
    /// A task id.
    Task,
    /// An `[id:]` name.
    Name,
    /// A project file's path.
    File,
    /// A key of phasegate's formats.
    Key,
    /// A value a key takes (`run: inferred`).
    Value,
}

/// One completion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    /// What is shown and inserted.
    pub label: String,
    /// What it is.
    pub kind: CompletionKind,
    /// One line beside it (a title, a path).
    pub detail: String,
    /// More, in Markdown (a requirement's text, a key's description).
    pub documentation: Option<String>,
    /// Nearness, lower first: 0 the same file, 1 the same folder, 2 the same feature, 3 the
    /// project. Values of a fixed order (BMAD's statuses) are ranked by their place in it.
    pub rank: u32,
}

/// The completions at a place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    /// What a chosen item replaces (bytes): the word typed so far.
    pub range: TextRange,
    /// The items, nearest first.
    pub items: Vec<CompletionItem>,
    /// More items match than are listed: ask again as the word grows.
    pub incomplete: bool,
}

/// At most this many items are sent for large sets (paths, project-wide ids).
const MAX_ITEMS: usize = 200;

/// `grammars/workflow.schema.json`, read once: the keys of each object of phasegate's formats
/// with their descriptions.
static SCHEMA_KEYS: LazyLock<HashMap<&'static str, Vec<(String, String)>>> = LazyLock::new(|| {
    let schema: serde_json::Value = serde_json::from_str(include_str!("../../../../grammars/workflow.schema.json")).unwrap_or_default();
    let defs = &schema["$defs"];
    // A property's description, else that of the definition it refers to (`$ref`).
    let describe = |d: &serde_json::Value| -> String {
        let own = |d: &serde_json::Value| d.get("description").or_else(|| d.get("title")).and_then(|s| s.as_str()).map(str::to_string);
        own(d)
            .or_else(|| {
                let name = d.get("$ref")?.as_str()?.strip_prefix("#/$defs/")?;
                own(&defs[name])
            })
            .unwrap_or_default()
    };
    fn props(v: &serde_json::Value, describe: &dyn Fn(&serde_json::Value) -> String, out: &mut Vec<(String, String)>) {
        if let Some(p) = v.get("properties").and_then(|p| p.as_object()) {
            for (k, d) in p {
                if !out.iter().any(|(o, _)| o == k) {
                    let description = describe(d);
                    out.push((k.clone(), description.to_string()));
                }
            }
        }
        for key in ["anyOf", "oneOf", "allOf"] {
            if let Some(list) = v.get(key).and_then(|l| l.as_array()) {
                list.iter().for_each(|b| props(b, describe, out));
            }
        }
    }
    let mut map = HashMap::new();
    for (name, v) in [
        ("definition", &defs["definition"]),
        ("phase", &defs["phaseMapping"]),
        ("deliverable", &defs["deliverable"]),
        ("criterion", &defs["criterion"]),
        ("transition", &defs["transition"]),
        ("state", &defs["stateFile"]),
        ("history", &defs["stateFile"]["properties"]["history"]["anyOf"][0]["items"]),
        ("checks", &defs["checksFile"]),
    ] {
        let mut out = Vec::new();
        props(v, &describe, &mut out);
        map.insert(name, out);
    }
    map
});

/// The characters of an id or name being typed.
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.')
}

/// The keys a YAML value after `key:` on one line.
fn value_of<'a>(before: &'a str, keys: &[&str]) -> Option<&'a str> {
    let lower = before.to_ascii_lowercase();
    keys.iter().filter_map(|k| lower.rfind(k).map(|i| (i, k.len()))).max().map(|(i, len)| &before[i + len..])
}

impl Workspace {
    /// The completions at byte `offset` of the file at `path`, when a workflow value or a key of
    /// phasegate's formats is typed there.
    pub fn completion(&self, path: &str, offset: usize) -> Option<Completion> {
        let file = self.files.get(path)?;
        let text = file.text();
        if offset > text.len() || !text.is_char_boundary(offset) {
            return None;
        }
        let line_start = text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let before = &text[line_start..offset];
        let word_start = offset - before.chars().rev().take_while(|c| is_word(*c)).map(char::len_utf8).sum::<usize>();
        let word = &text[word_start..offset];
        let range = TextRange::new(word_start, offset);
        let done = |items: Vec<CompletionItem>| finish(range, word, items);
        // `[id:` names anywhere.
        if text[..word_start].ends_with("[id:") {
            return Some(done(self.names()));
        }
        match file.kind {
            FileKind::Yaml | FileKind::Json => {
                self.data_completion(file, before, word_start, offset).map(|(r, items)| finish(r, &text[r.start..r.end], items))
            }
            FileKind::Markdown => {
                let lower = before.to_ascii_lowercase();
                if value_of(before, &["depends_on:", "depends on:", "depends-on:"]).is_some() && !file.tasks.is_empty() {
                    let (items, more) = self.tasks_near(file, word);
                    return Some(more_to_come(done(items), more));
                }
                if value_of(before, &["implements:"]).is_some() {
                    // A pointer is replaced whole, its folder included (`billing/R`).
                    let start = offset - before.chars().rev().take_while(|c| is_word(*c) || *c == '/').map(char::len_utf8).sum::<usize>();
                    let typed = &text[start..offset];
                    let (items, more) = self.requirements_near(file, true, typed);
                    return Some(more_to_come(finish(TextRange::new(start, offset), typed, items), more));
                }
                if lower.contains("requirements:") {
                    let (items, more) = self.requirements_near(file, false, word);
                    return Some(more_to_come(done(items), more));
                }
                // A label after a task id: `- [ ] T012 [P] [US`.
                if text[..word_start].ends_with('[') && file.tasks.iter().any(|t| t.range.start <= offset && offset <= t.range.end) {
                    let (items, more) = self.stories_near(file, word);
                    return Some(more_to_come(done(items), more));
                }
                // A path in backticks on a list item of a workflow doc.
                let ticks = before.matches('`').count();
                if ticks % 2 == 1 && !file.workflows.is_empty() && before.trim_start().starts_with(['-', '*', '+']) {
                    let open = text[..offset].rfind('`').map_or(offset, |i| i + 1);
                    let typed = &text[open..offset];
                    return Some(finish(TextRange::new(open, offset), typed, self.paths_near(file, typed)));
                }
                None
            }
            _ => None,
        }
    }

    /// Values and keys of a YAML or JSON file of phasegate's formats.
    fn data_completion(
        &self,
        file: &FileFacts,
        before: &str,
        word_start: usize,
        offset: usize,
    ) -> Option<(TextRange, Vec<CompletionItem>)> {
        let text = file.text();
        let range = TextRange::new(word_start, offset);
        let json = file.kind == FileKind::Json;
        let key_of = |k: &str| if json { format!("\"{k}\":") } else { format!("{k}:") };
        let value_after = |keys: &[&str]| -> bool {
            let keys: Vec<String> = keys.iter().map(|k| key_of(k)).collect();
            let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
            value_of(before, &refs).is_some_and(|v| v.chars().all(|c| is_word(c) || matches!(c, ' ' | '"' | '\'' | '[' | ',' | '{')))
        };
        // BMAD's `sprint-status.yaml`: an entry's status, from the statuses of its kind.
        if matches!(paths::file_name(&file.path), "sprint-status.yaml" | "sprint-status.yml")
            && let Some(items) = sprint_status_values(before)
        {
            return Some((range, items));
        }
        let state_file =
            !file.runs.is_empty() || paths::file_name(&file.path).contains(".state.") || top_level_value(text, "workflow").is_some();
        if state_file {
            if value_after(&["workflow"]) || value_after(&["orchestrator_name"]) {
                return Some((range, self.workflow_names()));
            }
            if value_after(&["current", "from", "to", "current_sub_workflow"])
                || in_list_of(text, offset - before.len(), before, &["completed_sub_workflows", "pending_sub_workflows"])
            {
                let name = file
                    .runs
                    .first()
                    .map(|r| r.workflow.name.clone())
                    .filter(|n| !n.is_empty())
                    .or_else(|| top_level_value(text, "workflow"))?;
                return Some((range, self.steps_of(&name)));
            }
        }
        let definition = file
            .workflows
            .iter()
            .any(|w| matches!(w.source, crate::model::WorkflowSource::Definition | crate::model::WorkflowSource::Plan))
            || paths::file_name(&file.path).contains(".workflow.");
        if definition {
            if value_after(&["depends_on"]) || in_list_of(text, offset - before.len(), before, &["depends_on"]) {
                let items = file.workflows.iter().flat_map(|wf| phase_items(wf, 0)).collect();
                return Some((range, items));
            }
            if value_after(&["from", "to"]) {
                let items = file.workflows.iter().flat_map(|wf| state_items(wf, 0)).collect();
                return Some((range, items));
            }
            if value_after(&["run"]) {
                return Some((
                    range,
                    values(&[
                        ("inferred", "where a run stands is inferred from the artifacts"),
                        ("state-file", "a state file records the run"),
                    ]),
                ));
            }
            if value_after(&["framework"]) {
                let list: Vec<(&str, &str)> = crate::frameworks::FRAMEWORKS.iter().map(|f| (f.id, f.name)).collect();
                return Some((range, values(&list)));
            }
        }
        if json || !(state_file || definition || crate::extract::data::owned(&file.path, text)) {
            return None;
        }
        // A key: only blanks (and a list dash) before the word on its line.
        let lead = before[..before.len() - (offset - word_start)].trim_start();
        if !(lead.is_empty() || lead == "-" || lead == "- ") {
            return None;
        }
        let indent = before.len() - before.trim_start().len() + if lead.starts_with('-') { 2 } else { 0 };
        let parent = parent_key(text, offset - before.len(), indent);
        let object = match parent.as_deref() {
            None if state_file => "state",
            None if definition => "definition",
            None if paths::file_name(&file.path).starts_with("checks.") => "checks",
            None => return None,
            Some("phases") => "phase",
            Some("deliverables") => "deliverable",
            Some("gate" | "reached") => "criterion",
            Some("transitions" | "forbidden") => "transition",
            Some("history") => "history",
            Some(_) => return None,
        };
        let keys = SCHEMA_KEYS.get(object)?;
        let items = keys
            .iter()
            .map(|(k, d)| CompletionItem {
                label: k.clone(),
                kind: CompletionKind::Key,
                detail: format!("{object} key"),
                documentation: (!d.is_empty()).then(|| d.clone()),
                rank: 0,
            })
            .collect();
        Some((range, items))
    }

    /// Every workflow name of the project.
    fn workflow_names(&self) -> Vec<CompletionItem> {
        let ctx = crate::analysis::Context::new(self);
        let mut out: Vec<CompletionItem> = Vec::new();
        for w in &ctx.workflows {
            if out.iter().any(|i| i.label == w.wf.name) {
                continue;
            }
            out.push(CompletionItem {
                label: w.wf.name.clone(),
                kind: CompletionKind::Workflow,
                detail: w.wf.instance.clone().unwrap_or_else(|| w.file.path.clone()),
                documentation: Some(w.wf.phases.iter().map(|p| format!("`{}`", p.id)).collect::<Vec<_>>().join(" → ")),
                rank: 0,
            });
        }
        out
    }

    /// The phases and states of workflow `name`.
    fn steps_of(&self, name: &str) -> Vec<CompletionItem> {
        let mut out = Vec::new();
        for (_, wf) in self.workflows_named(name) {
            out.extend(phase_items(wf, 0));
            out.extend(state_items(wf, 0));
        }
        if out.is_empty() {
            for i in self.instances().iter().filter(|i| crate::model::slug(&i.wf.name) == crate::model::slug(name)) {
                out.extend(phase_items(&i.wf, 0));
            }
        }
        out
    }

    /// Every `[id:]` name of the memory maps.
    fn names(&self) -> Vec<CompletionItem> {
        let mut out = Vec::new();
        for f in self.files.values().filter(|f| !f.memory_ids.is_empty()) {
            for s in f.index().symbols.iter().filter(|s| s.kind == SymbolKind::Name) {
                out.push(CompletionItem {
                    label: s.name.clone(),
                    kind: CompletionKind::Name,
                    detail: s.text.clone(),
                    documentation: Some(format!("`{}`", f.path)),
                    rank: 0,
                });
            }
        }
        out
    }

    /// Task ids: this file's, then its folder's, then the project's.
    fn tasks_near(&self, file: &FileFacts, word: &str) -> (Vec<CompletionItem>, bool) {
        self.symbols_near(file, SymbolKind::Task, word, |_, s| s.name.clone())
    }

    /// User story labels: the folder's stories, then the project's.
    fn stories_near(&self, file: &FileFacts, word: &str) -> (Vec<CompletionItem>, bool) {
        self.symbols_near(file, SymbolKind::Story, word, |_, s| s.name.clone())
    }

    /// Requirement ids: the folder's bare (`R1`), the others' with their folder when `scoped`
    /// (`checkout/R1`, the `implements:` pointer form).
    fn requirements_near(&self, file: &FileFacts, scoped: bool, word: &str) -> (Vec<CompletionItem>, bool) {
        let folder = paths::parent(&file.path).to_string();
        self.symbols_near(file, SymbolKind::Requirement, word, |f, s| {
            let theirs = paths::parent(&f.path);
            if !scoped || theirs == folder { s.name.clone() } else { format!("{}/{}", paths::file_name(theirs), s.name) }
        })
    }

    /// The symbols of `kind`, ranked by nearness to `file`, labelled by `label`, and whether the
    /// list leaves some out (the answer is then incomplete: the client asks again as the user
    /// types). When the file's own folder or feature declares some whose label holds the typed
    /// `word`, only those are listed; the rest of the project is searched when none does (as
    /// soon as what is typed names another feature: `billing/`). Items are built (their text and
    /// documentation) only for the candidates [`finish`] can keep: the nearest [`MAX_ITEMS`]
    /// (those holding `word` when there are more), plus one so that it marks the list
    /// incomplete.
    fn symbols_near(
        &self,
        file: &FileFacts,
        kind: SymbolKind,
        word: &str,
        label: impl Fn(&FileFacts, &crate::ide::index::Symbol) -> String,
    ) -> (Vec<CompletionItem>, bool) {
        let folder = paths::parent(&file.path);
        let grand = paths::parent(folder);
        let item_kind = match kind {
            SymbolKind::Task => CompletionKind::Task,
            SymbolKind::Story => CompletionKind::Story,
            _ => CompletionKind::Requirement,
        };
        let lower = word.to_lowercase();
        let holds = |l: &str| lower.is_empty() || l.to_lowercase().contains(&lower);
        let mut near: Vec<(u32, String, &FileFacts, &crate::ide::index::Symbol)> = Vec::new();
        let mut far: Vec<&FileFacts> = Vec::new();
        for f in self.files.values() {
            let may = match kind {
                SymbolKind::Task => !f.tasks.is_empty(),
                _ => !f.requirements.is_empty(),
            } || !f.ide.symbols.is_empty();
            if !may {
                continue;
            }
            let rank = if f.path == file.path {
                0
            } else if paths::parent(&f.path) == folder {
                1
            } else if !grand.is_empty() && f.path.starts_with(grand) && f.path[grand.len()..].starts_with('/') {
                2
            } else {
                far.push(f);
                continue;
            };
            for s in f.index().symbols.iter().filter(|s| s.kind == kind) {
                near.push((rank, label(f, s), f, s));
            }
        }
        let mut more = false;
        let mut candidates = if near.iter().any(|c| holds(&c.1)) {
            more = !far.is_empty();
            near
        } else {
            let mut all = near;
            for f in far {
                for s in f.index().symbols.iter().filter(|s| s.kind == kind) {
                    all.push((3, label(f, s), f, s));
                }
            }
            all
        };
        candidates.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        // The nearest of each label.
        let mut seen = std::collections::HashSet::new();
        candidates.retain(|c| seen.insert(c.1.clone()));
        if candidates.len() > MAX_ITEMS {
            candidates.retain(|c| holds(&c.1));
            candidates.truncate(MAX_ITEMS + 1);
        }
        let items = candidates
            .into_iter()
            .map(|(rank, label, f, s)| CompletionItem {
                label,
                kind: item_kind,
                detail: s.text.lines().next().unwrap_or("").to_string(),
                documentation: Some(format!("{} `{}` · `{}`\n\n{}", s.noun(), s.name, f.path, s.text)),
                rank,
            })
            .collect();
        (items, more)
    }

    /// Project files whose path holds `typed`, those in `file`'s folder first.
    fn paths_near(&self, file: &FileFacts, typed: &str) -> Vec<CompletionItem> {
        let folder = paths::parent(&file.path);
        let typed = typed.to_ascii_lowercase();
        self.files
            .keys()
            .filter(|p| p.to_ascii_lowercase().contains(&typed) && **p != file.path)
            .map(|p| CompletionItem {
                label: p.clone(),
                kind: CompletionKind::File,
                detail: String::new(),
                documentation: None,
                rank: if paths::parent(p) == folder { 1 } else { 3 },
            })
            .collect()
    }
}

/// The statuses BMAD allows an entry of `development_status` (an indented `key: ` before the
/// cursor) to take, by the key's kind (`sprint_plan.py`; docs/frameworks/bmad.md).
fn sprint_status_values(before: &str) -> Option<Vec<CompletionItem>> {
    let lead = before.len() - before.trim_start().len();
    let (key, value) = before.trim_start().split_once(':')?;
    if lead == 0 || !value.chars().all(|c| is_word(c) || c == ' ') {
        return None;
    }
    let (kind, _) = crate::state::sprint_status::classify(key.trim().trim_matches(['"', '\'']))?;
    Some(
        kind.current()
            .iter()
            .enumerate()
            .map(|(i, s)| CompletionItem {
                label: s.to_string(),
                kind: CompletionKind::Phase,
                detail: format!("{} status {} of {}", kind.as_str(), i + 1, kind.current().len()),
                documentation: None,
                // In BMAD's order.
                rank: i as u32,
            })
            .collect(),
    )
}

/// `c`, marked incomplete when its list left some out.
fn more_to_come(mut c: Completion, more: bool) -> Completion {
    c.incomplete |= more;
    c
}

/// Items ranked (nearest first, then by label), deduplicated by label, those holding the typed
/// `word` kept when there are many.
fn finish(range: TextRange, word: &str, mut items: Vec<CompletionItem>) -> Completion {
    items.sort_by(|a, b| (a.rank, &a.label).cmp(&(b.rank, &b.label)));
    let mut seen = std::collections::HashSet::new();
    items.retain(|i| seen.insert(i.label.clone()));
    let mut incomplete = false;
    if items.len() > MAX_ITEMS {
        let lower = word.to_lowercase();
        items.retain(|i| i.label.to_lowercase().contains(&lower));
        if items.len() > MAX_ITEMS {
            items.truncate(MAX_ITEMS);
            incomplete = true;
        }
    }
    Completion { range, items, incomplete }
}

fn phase_items(wf: &Workflow, rank: u32) -> Vec<CompletionItem> {
    wf.phases
        .iter()
        .enumerate()
        .map(|(i, p)| CompletionItem {
            label: p.id.clone(),
            kind: CompletionKind::Phase,
            detail: format!("phase {} of {}: {}", i + 1, wf.phases.len(), p.title.trim()),
            documentation: Some(format!("workflow `{}`", wf.name)),
            rank,
        })
        .collect()
}

fn state_items(wf: &Workflow, rank: u32) -> Vec<CompletionItem> {
    let Some(sm) = &wf.state_machine else { return Vec::new() };
    sm.states
        .iter()
        .map(|s| {
            let next = crate::ide::hover::next_states(wf, &s.name);
            CompletionItem {
                label: s.name.clone(),
                kind: CompletionKind::State,
                detail: format!("state of {}", wf.name),
                documentation: (!next.is_empty()).then(|| format!("May move to: {}", next.join(", "))),
                rank,
            }
        })
        .collect()
}

fn values(list: &[(&str, &str)]) -> Vec<CompletionItem> {
    list.iter()
        .map(|(v, d)| CompletionItem {
            label: v.to_string(),
            kind: CompletionKind::Value,
            detail: d.to_string(),
            documentation: None,
            rank: 0,
        })
        .collect()
}

/// The value of top-level key `key` in YAML `text` (a line `key: value`), read from the text so
/// that it works while the file does not parse.
fn top_level_value(text: &str, key: &str) -> Option<String> {
    crate::text::lines(text).find_map(|l| {
        let rest = l.strip_prefix(key)?.strip_prefix(':')?;
        let v = rest.split('#').next().unwrap_or("").trim().trim_matches(['"', '\'']);
        (!v.is_empty()).then(|| v.to_string())
    })
}

/// Whether the line before the cursor is an item (`- x`) of a block list under one of `keys`,
/// or inside a flow list opened on a `key: [` line.
fn in_list_of(text: &str, line_start: usize, before: &str, keys: &[&str]) -> bool {
    let lead = before.trim_start();
    if !lead.starts_with("- ") && lead != "-" {
        return false;
    }
    let indent = before.len() - lead.len();
    parent_key(text, line_start, indent + 2).is_some_and(|p| keys.contains(&p.as_str()))
}

/// The key of the nearest line above byte `line_start` indented less than `indent` (the mapping
/// key the line at `indent` belongs to), `None` at the top level.
fn parent_key(text: &str, line_start: usize, indent: usize) -> Option<String> {
    for line in crate::text::lines(&text[..line_start.min(text.len())]).collect::<Vec<_>>().into_iter().rev() {
        let content = line.trim_start();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let own = line.len() - content.len();
        let (own, content) = match content.strip_prefix("- ") {
            Some(rest) => (own + 2, rest.trim_start()),
            None => (own, content),
        };
        if own < indent {
            let key = content.split(':').next()?.trim().trim_matches(['"', '\'']);
            return (!key.is_empty() && content.contains(':')).then(|| key.to_string());
        }
    }
    None
}
