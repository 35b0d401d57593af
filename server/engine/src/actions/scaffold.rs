//! `scaffold`: create a phase's missing deliverables with starter content, never over a file.

use crate::actions::{FileChange, Refusal, WorkspaceChange, refuse, title_of, yaml_scalar};
use crate::analysis::{Context, DeliverableStatus, Position};
use crate::model::{Deliverable, Phase, Workflow};
use crate::paths;
use crate::workspace::Workspace;

impl<'a> Context<'a> {
    /// Starter content for deliverable `d` of `phase`; `now` (RFC 3339) gives `{date}`.
    pub(super) fn starter(&self, wf: &Workflow, phase: &Phase, d: &Deliverable, path: &str, now: &str) -> String {
        if let Some(t) = &d.template
            && let Some(text) = self.file(t).and_then(|f| f.text.as_deref()).or_else(|| crate::frameworks::embedded_template(t))
        {
            return fill_template(wf, text, now);
        }
        let name = paths::file_name(path);
        if let Some(t) = wf.templates.iter().find(|t| t.file_name.eq_ignore_ascii_case(name)) {
            return t.content.clone();
        }
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".md") || lower.ends_with(".markdown") {
            format!("---\nworkflow: {}\nphase: {}\n---\n\n# {}\n\n", yaml_scalar(&wf.name), yaml_scalar(&phase.id), title_of(path))
        } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            format!("# Deliverable of phase `{}` of workflow `{}`.\n", phase.id, wf.name)
        } else if lower.ends_with(".json") {
            "{}\n".to_string()
        } else {
            format!("Deliverable of phase `{}` of workflow `{}`.\n", phase.id, wf.name)
        }
    }

    /// Creations for the missing, nameable deliverables of `phase`; `skipped` collects patterns.
    pub(super) fn creations(&self, wf: &Workflow, phase: &Phase, skipped: &mut Vec<String>, now: &str) -> Vec<FileChange> {
        let mut out = Vec::new();
        for d in phase.deliverables.iter().filter(|d| !d.optional) {
            if self.deliverable_status(d) != DeliverableStatus::Missing {
                continue;
            }
            let Ok(path) = &d.resolved else { continue };
            if d.pattern.is_some() || paths::has_placeholder(path) || d.path.ends_with('/') {
                skipped.push(format!("`{}` holds a placeholder; create it under a real name", d.path));
                continue;
            }
            out.push(FileChange::Create { path: path.clone(), content: self.starter(wf, phase, d, path, now) });
        }
        out
    }

    pub(super) fn scaffold_phase(&self, name: &str, state_path: Option<&str>, phase: Option<&str>) -> Result<(usize, usize), Refusal> {
        let w = self.workflow_index(name)?;
        let wf = self.workflows[w].wf;
        if wf.phases.is_empty() {
            return Err(refuse(format!("workflow `{}` has no phases to scaffold", wf.name)));
        }
        let index = match phase {
            Some(p) => wf.phase_index(p).ok_or_else(|| {
                let ids: Vec<&str> = wf.phases.iter().map(|p| p.id.as_str()).collect();
                refuse(format!("workflow `{}` has no phase `{p}`; its phases: {}", wf.name, ids.join(", ")))
            })?,
            None => match self.pick_run(name, state_path)? {
                Some(run) => match run.position {
                    Position::Phase(i) => {
                        // The current phase, or the next one when the current one is done.
                        self.current_or_next(wf, i)
                    }
                    Position::Done => {
                        return Err(refuse(format!(
                            "the run of `{}` in `{}` is complete: nothing is left to scaffold (name a phase with --phase to create its missing deliverables anyway)",
                            wf.name, run.file.path
                        )));
                    }
                    Position::State(_) | Position::Unknown | Position::NotStarted => {
                        return Err(refuse(format!(
                            "the run in `{}` is not in a phase of `{}`; name one with --phase",
                            run.file.path, wf.name
                        )));
                    }
                },
                None => match self.inferred_of(w).map(|r| &r.position) {
                    Some(Position::Phase(i)) => self.current_or_next(wf, *i),
                    Some(Position::Done) => {
                        return Err(refuse(format!(
                            "`{}` is complete: nothing is left to scaffold (name a phase with --phase to create its missing deliverables anyway)",
                            wf.name
                        )));
                    }
                    _ => 0,
                },
            },
        };
        Ok((w, index))
    }

    /// Phase `i`, or the first later phase with deliverables to create when `i`'s are all
    /// there (phases without deliverables in between are passed). A phase whose missing
    /// deliverable only a person can name (a pattern such as `tasks.{format}`) stops the search:
    /// no later phase is scaffolded past it.
    fn current_or_next(&self, wf: &Workflow, i: usize) -> usize {
        for j in i..wf.phases.len() {
            let mut skipped = Vec::new();
            if !self.creations(wf, &wf.phases[j], &mut skipped, "").is_empty() || !skipped.is_empty() {
                return j;
            }
        }
        i
    }

    pub(super) fn scaffold(
        &self,
        name: &str,
        state_path: Option<&str>,
        phase: Option<&str>,
        now: &str,
    ) -> Result<WorkspaceChange, Refusal> {
        if phase.is_none()
            && let Some(result) = crate::frameworks::bmad::scaffold(self, name)
        {
            return result;
        }
        let (w, index) = self.scaffold_phase(name, state_path, phase)?;
        let wf = self.workflows[w].wf;
        let mut skipped = Vec::new();
        let changes = self.creations(wf, &wf.phases[index], &mut skipped, now);
        if changes.is_empty() {
            return Err(Refusal {
                message: format!("nothing to scaffold: every nameable deliverable of phase `{}` exists", wf.phases[index].id),
                unmet: skipped,
            });
        }
        let created: Vec<String> = changes.iter().map(|c| format!("`{}`", c.path())).collect();
        let summary = format!("scaffolded phase `{}` of `{}`: created {}", wf.phases[index].id, wf.name, created.join(", "));
        Ok(WorkspaceChange { changes, summary })
    }
}

/// `text` (a template) with the definition's `template_values` replaced: each key by its value,
/// whose `{instance}`, `{title}` and `{date}` are the instance folder's name, that name without its
/// leading number in words, and the date of `now` (`YYYY-MM-DD`).
fn fill_template(wf: &Workflow, text: &str, now: &str) -> String {
    if wf.template_values.is_empty() {
        return text.to_string();
    }
    let instance = wf.instance.as_deref().map_or(wf.name.as_str(), paths::file_name);
    let title = title_of(instance.trim_start_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '_'));
    let date = now.get(..10).unwrap_or(now);
    let mut out = text.to_string();
    for (key, value) in &wf.template_values {
        let value = value.replace("{instance}", instance).replace("{title}", &title).replace("{date}", date);
        out = out.replace(key.as_str(), &value);
    }
    out
}

impl Workspace {
    /// Creates the missing deliverables of phase `phase` of workflow `name` (default: the run's
    /// current phase, or the next one when the current phase's are all there; the first phase
    /// without a run), with starter content: a template from the workflow doc (a `NAME Template`
    /// section, seed 001) or the definition's `template:`, else front matter linking the file to
    /// its workflow and phase and a heading. Deliverables with placeholders are listed in the
    /// refusal's `unmet` instead. Refused when nothing is missing.
    ///
    /// A template's placeholders are filled from the definition's `template_values`, with the
    /// date of `now` (RFC 3339, as [`Workspace::advance`] takes it).
    pub fn scaffold(&self, name: &str, state_path: Option<&str>, phase: Option<&str>, now: &str) -> Result<WorkspaceChange, Refusal> {
        Context::new(self).scaffold(name, state_path, phase, now)
    }
}
