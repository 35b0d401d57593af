//! Printing `check` and `status` results: human (rustc/actionlint style), JSON and SARIF 2.1.0.

use std::path::{Path, PathBuf};

use phasegate_engine::{Diagnostic, PositionEncoding, Severity, WorkflowStatus, Workspace};
use serde_json::json;

use crate::{Format, escape};

/// One project to report on.
pub(crate) struct Report {
    /// The project root, canonical.
    root: PathBuf,
    /// The current folder, canonical (paths are shown relative to it).
    cwd: Option<PathBuf>,
    pub ws: Workspace,
    /// The project-relative files and folders whose diagnostics are printed; all when `None`.
    pub only: Option<Vec<String>>,
}

impl Report {
    pub(crate) fn new(project: phasegate_host::project::Project, only: Option<Vec<String>>) -> Report {
        let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        Report { root: canonical(&project.root), cwd: std::env::current_dir().ok().map(|c| canonical(&c)), ws: project.ws, only }
    }

    /// How a project-relative path of this report is shown to a human (and in JSON and SARIF).
    fn shown(&self, rel: &str) -> String {
        shown_path(self.cwd.as_deref(), &self.root.join(rel))
    }

    /// Whether project-relative `path` is one this report prints.
    fn selects(&self, path: &str) -> bool {
        phasegate_host::project::selects(self.only.as_deref(), path)
    }

    /// The project root as shown (`.` for the current folder).
    fn project_label(&self) -> String {
        let shown = shown_path(self.cwd.as_deref(), &self.root);
        if shown.is_empty() { ".".to_string() } else { shown }
    }
}

/// How an absolute path is shown: relative to the current folder `cwd` (with `..` when it lies
/// above or beside it), absolute when the two share nothing but the filesystem root;
/// `/`-separated, `""` for the current folder itself.
fn shown_path(cwd: Option<&Path>, path: &Path) -> String {
    let Some(cwd) = cwd else { return path.to_string_lossy().replace('\\', "/") };
    let (a, b): (Vec<_>, Vec<_>) = (cwd.components().collect(), path.components().collect());
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common <= 1 {
        return path.to_string_lossy().replace('\\', "/");
    }
    let mut parts: Vec<String> = vec!["..".to_string(); a.len() - common];
    parts.extend(b[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    parts.join("/")
}

/// Every diagnostic to print, with its file.
fn selected(report: &Report) -> Vec<(String, Diagnostic)> {
    let mut out = Vec::new();
    for (path, list) in report.ws.diagnostics() {
        if !report.selects(&path) {
            continue;
        }
        out.extend(list.into_iter().map(|d| (path.clone(), d)));
    }
    out
}

/// `check --format json`: `{"diagnostics": [...]}` (docs/cli.md), serialised as it is written
/// rather than built as a JSON value first.
#[derive(serde::Serialize)]
struct JsonCheck {
    diagnostics: Vec<JsonItem>,
}

/// One diagnostic of `check --format json`, its keys in this order: the shown path, the project
/// label, the LSP range (0-based lines, UTF-16 code units), severity, code and message.
#[derive(serde::Serialize)]
struct JsonItem {
    path: String,
    project: String,
    range: JsonRange,
    severity: &'static str,
    code: &'static str,
    message: String,
}

/// An LSP range in [`JsonItem`].
#[derive(serde::Serialize)]
struct JsonRange {
    start: JsonPosition,
    end: JsonPosition,
}

/// An LSP position in [`JsonRange`]: 0-based line, 0-based UTF-16 code unit.
#[derive(serde::Serialize)]
struct JsonPosition {
    line: u32,
    character: u32,
}

/// What a check found, for the exit code.
pub(crate) struct CheckSummary {
    /// Whether any error-severity diagnostic was reported.
    pub any_error: bool,
    /// How many workflows, runs and frameworks were recognised in the reported parts.
    pub recognised: usize,
}

/// A source line as shown: tabs as four spaces, other control characters escaped.
fn source_display(s: &str) -> String {
    escape::human(&s.replace('\t', "    ")).into_owned()
}

/// Where byte `offset` of `path` is, for humans: the 1-based line, the 1-based column in
/// characters (a tab counts four), the 0-based column of the caret under the shown source line
/// (which escaped characters widen), and that source line.
fn human_position(ws: &Workspace, path: &str, offset: usize) -> (usize, usize, usize, String) {
    let text = ws.text(path).unwrap_or("");
    let Some(index) = ws.line_index(path) else { return (1, 1, 0, String::new()) };
    let pos = index.position(offset, PositionEncoding::Utf8);
    let line = index.line_range(pos.line).unwrap_or_default();
    let prefix = text.get(line.start..offset.min(line.end).max(line.start)).unwrap_or("");
    // Tabs are shown as four spaces, so columns count them as four.
    let col: usize = prefix.chars().map(|c| if c == '\t' { 4 } else { 1 }).sum();
    let caret = source_display(prefix).chars().count();
    (pos.line as usize + 1, col + 1, caret, source_display(text.get(line.start..line.end).unwrap_or("")))
}

/// Prints `check` output.
pub(crate) fn print_check(reports: &[Report], format: Format) -> CheckSummary {
    let mut any_error = false;
    let mut checked_files = 0;
    let mut recognised = 0;
    for report in reports {
        let s = report.ws.summary();
        checked_files += report.ws.paths().filter(|p| report.selects(p)).count();
        recognised += s.workflows + s.runs + s.frameworks.len();
    }
    let mut counts = [0usize; 4];
    let mut files = std::collections::BTreeSet::new();
    let mut json_items = Vec::new();
    let mut sarif_results = Vec::new();
    for report in reports {
        let project = report.project_label();
        // Diagnostics come file by file: each file's path is shown once.
        let mut shown: (String, String) = (String::new(), String::new());
        let found = selected(report);
        // The line indexes of the files with findings, built on all cores before positions are
        // taken from them one by one.
        let mut paths: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        paths.dedup();
        report.ws.prepare_line_indexes(paths);
        for (path, d) in found {
            any_error |= d.severity == Severity::Error;
            counts[d.severity as usize] += 1;
            if shown.0 != path || shown.1.is_empty() {
                shown = (path.clone(), report.shown(&path));
                files.insert(shown.1.clone());
            }
            let shown_path = &shown.1;
            let ws = &report.ws;
            match format {
                Format::Human => {
                    let (line, col, caret, source) = human_position(ws, &path, d.range.start);
                    outln!(
                        "{}:{line}:{col}: {}[{}]: {}",
                        escape::human(shown_path),
                        d.severity.as_str(),
                        d.code.as_str(),
                        escape::human(&d.message)
                    );
                    if !source.is_empty() {
                        let gutter = " ".repeat(line.to_string().len());
                        let (end_line, _, end_caret, _) = human_position(ws, &path, d.range.end);
                        let width = if end_line == line {
                            end_caret.saturating_sub(caret).max(1)
                        } else {
                            source.chars().count().saturating_sub(caret).max(1)
                        };
                        outln!("{gutter} |");
                        outln!("{line} | {source}");
                        outln!("{gutter} | {}{}", " ".repeat(caret), "^".repeat(width));
                    }
                }
                Format::Json => {
                    let index = ws.line_index(&path);
                    let pos = |o: usize| index.map(|i| i.position(o, PositionEncoding::Utf16)).unwrap_or_default();
                    let (s, e) = (pos(d.range.start), pos(d.range.end));
                    json_items.push(JsonItem {
                        path: shown_path.clone(),
                        project: project.clone(),
                        range: JsonRange {
                            start: JsonPosition { line: s.line, character: s.character },
                            end: JsonPosition { line: e.line, character: e.character },
                        },
                        severity: d.severity.as_str(),
                        code: d.code.as_str(),
                        message: d.message,
                    });
                }
                Format::Sarif => {
                    let index = ws.line_index(&path);
                    let pos = |o: usize| index.map(|i| i.position(o, PositionEncoding::Utf16)).unwrap_or_default();
                    let (s, e) = (pos(d.range.start), pos(d.range.end));
                    sarif_results.push(sarif_result(shown_path, &d, (s.line, s.character), (e.line, e.character)));
                }
            }
        }
    }
    match format {
        Format::Human => {
            let total: usize = counts.iter().sum();
            let projects = if reports.len() == 1 { String::new() } else { format!(" in {} projects", reports.len()) };
            if total == 0 && recognised == 0 {
                outln!("phasegate: checked {checked_files} file(s){projects}, found no workflow documents");
            } else if total == 0 {
                outln!("phasegate: checked {checked_files} file(s){projects}, no problems found");
            } else {
                outln!(
                    "phasegate: {} error(s), {} warning(s), {} information, {} hint(s) in {} file(s)",
                    counts[0],
                    counts[1],
                    counts[2],
                    counts[3],
                    files.len()
                );
            }
        }
        Format::Json => outln!("{}", escape::json(&JsonCheck { diagnostics: json_items })),
        Format::Sarif => outln!("{}", sarif_log(sarif_results)),
    }
    CheckSummary { any_error, recognised }
}

fn sarif_result(uri: &str, d: &Diagnostic, start: (u32, u32), end: (u32, u32)) -> serde_sarif::sarif::Result {
    use serde_sarif::sarif::{ArtifactLocation, Location, Message, PhysicalLocation, Region, Result as SarifResult, ResultLevel};
    let level = match d.severity {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
        Severity::Information | Severity::Hint => ResultLevel::Note,
    };
    let region = Region::builder()
        .start_line(i64::from(start.0) + 1)
        .start_column(i64::from(start.1) + 1)
        .end_line(i64::from(end.0) + 1)
        .end_column(i64::from(end.1) + 1)
        .build();
    let location = Location::builder()
        .physical_location(
            PhysicalLocation::builder().artifact_location(ArtifactLocation::builder().uri(sarif_uri(uri)).build()).region(region).build(),
        )
        .build();
    SarifResult::builder()
        .rule_id(d.code.as_str().to_string())
        .level(level)
        .message(Message::builder().text(escape::human(&d.message).into_owned()).build())
        .locations(vec![location])
        .build()
}

/// A shown path as a SARIF artifact URI: a relative reference (percent-encoded) for a path
/// relative to the current folder, which code-scanning services resolve against the checkout; a
/// `file:` URI for an absolute path (a relative reference may not start with `/`).
fn sarif_uri(shown: &str) -> String {
    match shown.strip_prefix('/') {
        Some(rest) => format!("file:///{}", escape::uri_path(rest).trim_start_matches("./")),
        None => escape::uri_path(shown),
    }
}

/// Where the diagnostics reference lives, for `helpUri` and the tool's `informationUri`.
const DOCS_URI: &str = "https://github.com/phasegate/phasegate/blob/main/docs/diagnostics.md";

fn sarif_log(results: Vec<serde_sarif::sarif::Result>) -> String {
    use serde_sarif::sarif::{MultiformatMessageString, ReportingDescriptor, Run, Sarif, Tool, ToolComponent};
    let rules: Vec<ReportingDescriptor> = phasegate_engine::Code::all()
        .map(|c| {
            let doc = c.doc();
            let rule = c.rule();
            // The first sentence of "when" is the short description; all of it the full one.
            let short = doc.when.split(". ").next().unwrap_or(doc.when).trim_end_matches('.');
            let help = format!("{}\n\nFix: {}\n\nSource: {}.", doc.when, doc.fix, rule.source);
            let help_markdown =
                format!("{}\n\n**Fix**: {}\n\nSource: {}. [Reference]({DOCS_URI}#{})", doc.when, doc.fix, rule.source, c.as_str());
            ReportingDescriptor::builder()
                .id(c.as_str().to_string())
                .short_description(MultiformatMessageString::builder().text(format!("{short}.")).build())
                .full_description(MultiformatMessageString::builder().text(doc.when.to_string()).build())
                .help(MultiformatMessageString::builder().text(help).markdown(help_markdown).build())
                .help_uri(format!("{DOCS_URI}#{}", c.as_str()))
                .build()
        })
        .collect();
    let driver = ToolComponent::builder()
        .name("phasegate".to_string())
        .version(env!("CARGO_PKG_VERSION").to_string())
        .information_uri("https://github.com/phasegate/phasegate".to_string())
        .rules(rules)
        .build();
    let run = Run::builder().tool(Tool::builder().driver(driver).build()).results(results).column_kind(json!("utf16CodeUnits")).build();
    let log = Sarif::builder()
        .version(json!("2.1.0"))
        .schema("https://json.schemastore.org/sarif-2.1.0.json".to_string())
        .runs(vec![run])
        .build();
    escape::json(&log)
}

/// Prints `status` output: every workflow of every project.
pub(crate) fn print_status(reports: &[Report], format: Format) {
    if !matches!(format, Format::Human) {
        let mut all = Vec::new();
        for r in reports {
            for st in r.ws.status() {
                if !r.selects(&st.path) && !st.state_path.as_deref().is_some_and(|p| r.selects(p)) {
                    continue;
                }
                let mut v = serde_json::to_value(&st).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    o.insert("project".into(), json!(r.project_label()));
                }
                all.push(v);
            }
        }
        outln!("{}", escape::json(&json!({ "workflows": all })));
        return;
    }
    let mut any = false;
    for r in reports {
        let statuses: Vec<WorkflowStatus> =
            r.ws.status().into_iter().filter(|st| r.selects(&st.path) || st.state_path.as_deref().is_some_and(|p| r.selects(p))).collect();
        if statuses.is_empty() {
            continue;
        }
        if reports.len() > 1 {
            if any {
                outln!("");
            }
            outln!("project {}", escape::human(&r.project_label()));
        }
        any = true;
        for st in &statuses {
            print_one_status(st);
        }
    }
    if !any {
        outln!("phasegate: no workflow found");
    }
}

fn print_one_status(s: &WorkflowStatus) {
    // Every value comes from a document: escaped, so none can start a line of its own.
    let h = |v: &str| escape::human(v).into_owned();
    let inferred = s.recognised_by.iter().any(|r| r == "artifacts");
    let state = match s.state_path.as_deref() {
        Some(p) => format!("state: {}", h(p)),
        None if inferred => "run inferred from its artifacts".to_string(),
        None => "no state file".to_string(),
    };
    let framework = s.framework.as_deref().and_then(phasegate_engine::frameworks::by_id).map_or(String::new(), |f| {
        // A feature folder, or the framework's own workflow definition.
        let what = if s.recognised_by.iter().any(|r| r == "framework") { "feature" } else { "workflow" };
        format!("{} {what}, ", f.name)
    });
    outln!("{} ({framework}{}; {state})", h(&s.name), h(&s.path));
    outln!("  recognised by: {}", h(&s.recognised_by.join(", ")));
    match (&s.current, s.current_index) {
        (Some(c), Some(i)) if s.engine.is_some() => outln!("  current: {} ({i}/{}), next: as its engine decides", h(c), s.phase_count),
        (Some(c), Some(i)) => {
            outln!("  current: {} ({i}/{}), next: {}", h(c), s.phase_count, h(s.next.as_deref().unwrap_or("complete the workflow")))
        }
        (Some(c), None) => outln!("  current: {} ({}), next: {}", h(c), s.status, h(s.next.as_deref().unwrap_or("none"))),
        (None, _) => outln!(
            "  {} ({} phases){}",
            s.status,
            s.phase_count,
            match s.status.as_str() {
                "not-started" if inferred => "",
                // A framework's own workflow definition (Spec Kit's `workflow.yml`) is run by its engine.
                "not-started" if s.framework.is_some() => "; run by its framework's own engine",
                "not-started" => "; `phasegate start` creates a state file",
                _ => "",
            }
        ),
    }
    if let Some(e) = &s.engine {
        outln!("  engine: {}", h(e));
    }
    for g in &s.gates {
        outln!("  gate {}: {}", h(&g.phase), if g.met { "met" } else { "unmet" });
        for u in &g.unmet {
            outln!("    - {}", h(u));
        }
        for m in &g.manual {
            outln!("    - manual, not checked: {}", h(m));
        }
    }
}
