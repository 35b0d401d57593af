//! Hover: on a phase, its gate criteria each met or unmet with the reason and its deliverables
//! present or missing; on a state, the states it may move to; on a reference, what it names
//! (the target's text; a requirement's or user story's acceptance scenarios or criteria, a few);
//! on a deliverable path, whether it is there.

use crate::analysis::{Context, DeliverableStatus};
use crate::facts::FileFacts;
use crate::ide::index::{Hit, Link, Symbol, SymbolKind};
use crate::ide::{PhaseState, phase_line};
use crate::text::TextRange;
use crate::workspace::Workspace;

/// What a hover shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    /// The range hovered (bytes): the name or path under the cursor.
    pub range: TextRange,
    /// The text, in Markdown.
    pub markdown: String,
}

/// How many targets, criteria or deliverables a hover lists before "and N more".
const LISTED: usize = 20;

impl Workspace {
    /// The hover at byte `offset` of the file at `path`, if something is there: a phase, state,
    /// workflow, task, requirement, user story or `[id:]` name (declared or referenced), or a
    /// deliverable path.
    pub fn hover(&self, path: &str, offset: usize) -> Option<Hover> {
        let file = self.files.get(path)?;
        let hit = file.index().at(offset)?;
        let markdown = match hit {
            Hit::Symbol(s) => symbol(self, file, s),
            Hit::Reference(r) => {
                let targets = self.resolve(file, r);
                match targets.as_slice() {
                    [] => format!("No {} `{}` is declared where this reference looks.", r.kind.noun(), r.name),
                    [one, rest @ ..] => {
                        let mut out = symbol(self, one.file, one.symbol);
                        if !rest.is_empty() {
                            let also: Vec<String> = rest.iter().take(LISTED).map(|t| format!("`{}`", t.file.path)).collect();
                            out.push_str(&format!("\n\n---\nAlso declared in {}", also.join(", ")));
                        }
                        out
                    }
                }
            }
            Hit::Link(l) => link(&Context::new(self), file, l),
        };
        Some(Hover { range: hit.range(), markdown })
    }
}

/// A Markdown code span of `s` (backticks inside widen the fence).
pub(crate) fn code(s: &str) -> String {
    if s.contains('`') { format!("`` {s} ``") } else { format!("`{s}`") }
}

/// The hover text of symbol `s` declared in `file`. Only a phase, state or workflow needs the
/// cross-file analysis (its run, gate and deliverables); the others are read from the index.
fn symbol(ws: &Workspace, file: &FileFacts, s: &Symbol) -> String {
    match s.kind {
        SymbolKind::Phase => phase(&Context::new(ws), file, s),
        SymbolKind::State => state(&Context::new(ws), file, s),
        SymbolKind::Workflow => workflow(&Context::new(ws), file, s),
        SymbolKind::Task => {
            let task = file.tasks.iter().find(|t| t.id.range == s.range);
            let status = match task.and_then(|t| t.checked) {
                Some(true) => " · done",
                Some(false) => " · open",
                None => "",
            };
            let section = task.and_then(|t| t.section.as_deref()).map(|h| format!("\n\nUnder *{h}*")).unwrap_or_default();
            format!("**Task {}**{status} · {}\n\n{}{section}", code(&s.name), code(&file.path), s.text)
        }
        SymbolKind::Requirement | SymbolKind::Story | SymbolKind::Name => {
            let mut out = format!("**{} {}** · {}", capitalised(s.noun()), code(&s.name), code(&file.path));
            if !s.text.is_empty() {
                out.push_str(&format!("\n\n{}", s.text));
            }
            if matches!(s.kind, SymbolKind::Requirement | SymbolKind::Story)
                && let Some(r) = file.requirements.iter().find(|r| r.range == s.full && r.id.name == s.name)
            {
                acceptance(&mut out, r, &file.view());
            }
            out
        }
    }
}

/// How many acceptance scenarios or criteria a hover lists, and how many characters of each.
const ACCEPTANCE_LISTED: usize = 5;
const ACCEPTANCE_CHARS: usize = 120;

/// Appends a requirement's acceptance scenarios or criteria, one line each: its number or name
/// and its Given/When/Then clauses (else its first line), at most [`ACCEPTANCE_LISTED`].
fn acceptance(out: &mut String, r: &crate::model::Requirement, view: &str) {
    let Some(first) = r.acceptance.first() else { return };
    out.push_str(&format!("\n\n**{}**", capitalised(&plural(first.noun))));
    for a in r.acceptance.iter().take(ACCEPTANCE_LISTED) {
        let summary = a.summary(view);
        let summary = if summary.chars().count() > ACCEPTANCE_CHARS {
            format!("{}…", summary.chars().take(ACCEPTANCE_CHARS - 1).collect::<String>())
        } else {
            summary
        };
        out.push_str(&format!("\n- {}: {summary}", code(&a.id.name)));
    }
    if r.acceptance.len() > ACCEPTANCE_LISTED {
        out.push_str(&format!("\n- ... and {} more", r.acceptance.len() - ACCEPTANCE_LISTED));
    }
}

/// The plural of an acceptance noun: `acceptance criteria`, `acceptance scenarios`, `scenarios`.
fn plural(noun: &str) -> String {
    match noun.strip_suffix("criterion") {
        Some(stem) => format!("{stem}criteria"),
        None => format!("{noun}s"),
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

fn mark(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "✓",
        Some(false) => "✗",
        None => "○",
    }
}

fn phase(ctx: &Context<'_>, file: &FileFacts, s: &Symbol) -> String {
    let Some(wf) = file.workflows.iter().find(|w| Some(&w.name) == s.workflow.as_ref()) else { return String::new() };
    let Some(p) = wf.phases.get(s.ordinal) else { return String::new() };
    let w = ctx.workflow_at(&file.path, wf);
    let run = w.and_then(|w| spec_kit_run(ctx, w));
    let mut out = match &run {
        // A step of a Spec Kit run's snapshot: named by the workflow it runs and the run.
        Some(view) => format!(
            "**Step {} of {}: {}** · Spec Kit {}, run {}",
            s.ordinal + 1,
            wf.phases.len(),
            p.title.trim(),
            code(&view.workflow),
            code(&view.run_id)
        ),
        None => format!("**Phase {} of {}: {}** · workflow {}", s.ordinal + 1, wf.phases.len(), p.title.trim(), code(&wf.name)),
    };
    let Some(w) = w else {
        out.push_str("\n\nNot a workflow on its own yet: nothing to check until a state file runs it.");
        return out;
    };
    let report = ctx.phase_report(w, s.ordinal, None);
    out.push_str(&format!("\n\n{}", phase_line(p, &report)));
    match (&report.state_path, report.inferred, report.state) {
        (Some(sp), _, _) => out.push_str(&format!(" (run: {})", code(sp))),
        (None, true, _) => out.push_str(" (run inferred from the artifacts)"),
        // A framework's own definition (Spec Kit's `workflow.yml`): its engine keeps the runs.
        (None, false, PhaseState::NoRun) if wf.framework.is_some() => out.push_str(" (run by its framework's own engine)"),
        (None, false, PhaseState::NoRun) => out.push_str(" (no state file yet)"),
        _ => {}
    }
    if report.state == PhaseState::Current {
        match (&run, wf.phases.get(s.ordinal + 1)) {
            // Spec Kit's engine, not an advance, moves its run on: what it waits for instead.
            (Some(view), _) => {
                let refusal = view.refusal();
                out.push_str(&format!("\n\nSpec Kit's engine moves the run: {}", refusal.message));
                for u in &refusal.unmet {
                    out.push_str(&format!("\n- {u}"));
                }
            }
            (None, Some(next)) => out.push_str(&format!("\n\nNext: {}", code(&next.id))),
            (None, None) => out.push_str("\n\nThe last phase: advancing completes the run."),
        }
    }
    if !report.criteria.is_empty() || !report.unmet.is_empty() {
        out.push_str("\n\n**Gate**");
        let mut shown: Vec<&str> = Vec::new();
        for c in report.criteria.iter().take(LISTED) {
            let manual = if c.met.is_none() { " (manual: shown, not checked)" } else { "" };
            out.push_str(&format!("\n- {} {}{manual}", mark(c.met), c.label));
            for r in c.reasons.iter().take(LISTED) {
                out.push_str(&format!("\n  - {r}"));
                shown.push(r);
            }
        }
        // Criteria a framework adds to the gate (`.ops/build` checks, open change requests).
        for r in report.unmet.iter().filter(|r| !shown.contains(&r.as_str())).take(LISTED) {
            out.push_str(&format!("\n- ✗ {r}"));
        }
    }
    if !report.deliverables.is_empty() {
        out.push_str("\n\n**Deliverables**");
        for (path, status, optional) in report.deliverables.iter().take(LISTED) {
            let optional = if *optional { " (optional)" } else { "" };
            let line = match status {
                DeliverableStatus::Present(p) if p == path => format!("✓ {}", code(path)),
                DeliverableStatus::Present(p) => format!("✓ {} ({})", code(path), code(p)),
                DeliverableStatus::Blank(p) => format!("✗ {} is empty", code(p)),
                DeliverableStatus::Missing => format!("✗ {} is missing", code(path)),
                DeliverableStatus::Unusable(why) => format!("✗ {}: {why}", code(path)),
            };
            out.push_str(&format!("\n- {line}{optional}"));
        }
        if report.deliverables.len() > LISTED {
            out.push_str(&format!("\n- ... and {} more", report.deliverables.len() - LISTED));
        }
    }
    out
}

/// The states a run in `name` may move to in `wf`'s state machine, with their triggers.
pub(crate) fn next_states(wf: &crate::model::Workflow, name: &str) -> Vec<String> {
    let Some(sm) = &wf.state_machine else { return Vec::new() };
    let mut out: Vec<String> = Vec::new();
    for t in &sm.transitions {
        let from_ok = t.from.as_deref().is_none_or(|f| f.eq_ignore_ascii_case(name));
        let forbidden =
            sm.forbidden.iter().any(|f| f.from.as_deref().is_none_or(|x| x.eq_ignore_ascii_case(name)) && f.to.eq_ignore_ascii_case(&t.to));
        if from_ok && !forbidden && !t.to.eq_ignore_ascii_case(name) {
            let line = match &t.trigger {
                Some(tr) => format!("{} ({tr})", code(&t.to)),
                None => code(&t.to),
            };
            if !out.contains(&line) {
                out.push(line);
            }
        }
    }
    out
}

fn state(ctx: &Context<'_>, file: &FileFacts, s: &Symbol) -> String {
    let Some(wf) = file.workflows.iter().find(|w| Some(&w.name) == s.workflow.as_ref()) else { return String::new() };
    let mut out = format!("**State {}** · workflow {}", code(&s.name), code(&wf.name));
    let next = next_states(wf, &s.name);
    if next.is_empty() {
        out.push_str("\n\nNo transition leaves it.");
    } else {
        out.push_str(&format!("\n\nMay move to: {}", next.join(", ")));
    }
    if let Some(w) = ctx.workflow_at(&file.path, wf) {
        let at: Vec<String> = ctx
            .runs
            .iter()
            .filter(|r| {
                r.workflow == Some(w) && matches!(&r.position, crate::analysis::Position::State(n) if n.eq_ignore_ascii_case(&s.name))
            })
            .map(|r| code(&r.file.path))
            .collect();
        if !at.is_empty() {
            out.push_str(&format!("\n\nCurrent state of {}", at.join(", ")));
        }
    }
    out
}

fn workflow(ctx: &Context<'_>, file: &FileFacts, s: &Symbol) -> String {
    let Some(wf) = file.workflows.iter().find(|w| w.name == s.name) else { return String::new() };
    let run = ctx.workflow_at(&file.path, wf).and_then(|w| spec_kit_run(ctx, w));
    let mut out = match &run {
        // A Spec Kit run's snapshot (its workflow is named by the run's id).
        Some(view) => {
            format!("**Spec Kit {}** · run {} · {} · {}", code(&view.workflow), code(&view.run_id), code(&file.path), view.state())
        }
        None => format!("**Workflow {}** · {}", code(&wf.name), code(&file.path)),
    };
    if !wf.instances.is_empty() {
        out.push_str(&format!(
            "\n\nInstantiated for each folder of {}",
            wf.instances.iter().map(|g| code(g)).collect::<Vec<_>>().join(", ")
        ));
        return out;
    }
    let Some(w) = ctx.workflow_at(&file.path, wf) else {
        out.push_str("\n\nNot a workflow on its own yet: nothing to check until a state file runs it.");
        return out;
    };
    for (i, p) in wf.phases.iter().enumerate().take(LISTED) {
        let report = ctx.phase_report(w, i, None);
        let m = match report.state {
            PhaseState::Passed => "✓",
            PhaseState::Current => "▶",
            _ => "·",
        };
        out.push_str(&format!("\n- {m} {}", phase_line(p, &report)));
    }
    if let Some(sm) = &wf.state_machine {
        out.push_str(&format!("\n\nStates: {}", sm.states.iter().take(LISTED).map(|s| code(&s.name)).collect::<Vec<_>>().join(", ")));
    }
    out
}

/// The run of workflow `w` by Spec Kit's workflow engine (the `state.json` beside a run's
/// snapshot), as that engine sees it; `None` for every other workflow.
fn spec_kit_run(ctx: &Context<'_>, w: usize) -> Option<crate::frameworks::speckit::run_state::RunView> {
    ctx.runs
        .iter()
        .filter(|r| r.workflow == Some(w) && r.run.format == crate::model::StateFormat::SpecKitRun)
        .find_map(|r| crate::frameworks::speckit::run_state::view(ctx, r))
}

fn link(ctx: &Context<'_>, file: &FileFacts, l: &Link) -> String {
    let Some(resolved) = &l.resolved else { return format!("{} points outside the project", code(&l.written)) };
    let owner = file.workflows.iter().find_map(|wf| {
        wf.phases
            .iter()
            .find(|p| p.deliverables.iter().any(|d| d.range == l.range))
            .map(|p| format!(" · deliverable of phase {} of {}", code(&p.id), code(&wf.name)))
    });
    let optional = if l.optional { " (optional)" } else { "" };
    let d = crate::model::Deliverable::new(&file.path, &l.written, l.range);
    let status = match ctx.deliverable_status(&d) {
        DeliverableStatus::Present(p) => {
            let size = ctx.file(&p).map_or(0, |f| f.len);
            let title = ctx.file(&p).and_then(|f| f.outline().headings.first().cloned()).map(|h| format!(": *{h}*")).unwrap_or_default();
            if l.pattern {
                format!("✓ {} matches {} ({size} bytes){title}", code(resolved), code(&p))
            } else {
                format!("✓ {} exists ({size} bytes){title}", code(&p))
            }
        }
        DeliverableStatus::Blank(p) => format!("✗ {} is empty", code(&p)),
        DeliverableStatus::Missing if l.pattern => format!("✗ no file matches {}", code(resolved)),
        DeliverableStatus::Missing => format!("✗ {} is missing", code(resolved)),
        DeliverableStatus::Unusable(why) => format!("✗ {why}"),
    };
    format!("{status}{optional}{}", owner.unwrap_or_default())
}
