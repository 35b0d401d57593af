//! Printing `check` and `status` results: human (rustc/actionlint style), JSON and SARIF 2.1.0.

use std::path::{Path, PathBuf};

use phasegate_engine::{Diagnostic, PositionEncoding, Severity, WorkflowStatus, Workspace};
use serde_json::json;

use crate::Format;

/// One checked root.
pub(crate) struct Report {
    pub root: PathBuf,
    pub ws: Workspace,
    /// Only this workspace-relative file's diagnostics, when a file was named.
    pub only: Option<String>,
    /// How to show that file: as typed on the command line.
    pub shown_as: Option<String>,
}

impl Report {
    /// How a workspace-relative path of this report is shown to a human.
    fn shown(&self, rel: &str) -> String {
        match (&self.only, &self.shown_as) {
            (Some(only), Some(typed)) if only == rel => typed.clone(),
            _ => shown(&self.root, rel),
        }
    }
}

/// How a path is shown to a human: under the root as given on the command line.
fn shown(root: &Path, rel: &str) -> String {
    let joined = if root == Path::new(".") { PathBuf::from(rel) } else { root.join(rel) };
    joined.to_string_lossy().replace('\\', "/")
}

/// Every diagnostic to print, with its file.
fn selected(report: &Report) -> Vec<(String, Diagnostic)> {
    let mut out = Vec::new();
    for (path, list) in report.ws.diagnostics() {
        if report.only.as_ref().is_some_and(|o| *o != path) {
            continue;
        }
        out.extend(list.into_iter().map(|d| (path.clone(), d)));
    }
    out
}

/// 1-based line and 1-based column in characters, for humans.
fn human_position(ws: &Workspace, path: &str, offset: usize) -> (usize, usize, String) {
    let text = ws.text(path).unwrap_or("");
    let Some(index) = ws.line_index(path) else { return (1, 1, String::new()) };
    let pos = index.position(offset, PositionEncoding::Utf8);
    let line = index.line_range(pos.line, text).unwrap_or_default();
    // Tabs are shown as four spaces, so columns count them as four.
    let col =
        text.get(line.start..offset.min(line.end).max(line.start)).map_or(0, |s| s.chars().map(|c| if c == '\t' { 4 } else { 1 }).sum());
    (pos.line as usize + 1, col + 1, text.get(line.start..line.end).unwrap_or("").replace('\t', "    "))
}

/// Prints `check` output; returns whether any error-severity diagnostic was reported.
pub(crate) fn print_check(reports: &[Report], format: Format) -> bool {
    let mut any_error = false;
    let mut counts = [0usize; 4];
    let mut files = std::collections::BTreeSet::new();
    let mut json_items = Vec::new();
    let mut sarif_results = Vec::new();
    for report in reports {
        for (path, d) in selected(report) {
            any_error |= d.severity == Severity::Error;
            counts[d.severity as usize] += 1;
            files.insert(report.shown(&path));
            let ws = &report.ws;
            match format {
                Format::Human => {
                    let (line, col, source) = human_position(ws, &path, d.range.start);
                    outln!("{}:{line}:{col}: {}[{}]: {}", report.shown(&path), d.severity.as_str(), d.code.as_str(), d.message);
                    if !source.is_empty() {
                        let gutter = " ".repeat(line.to_string().len());
                        let (_, end_col, _) = human_position(ws, &path, d.range.end);
                        let end_line = ws.line_index(&path).map_or(0, |i| i.line_of(d.range.end) as usize + 1);
                        let width = if end_line == line {
                            end_col.saturating_sub(col).max(1)
                        } else {
                            source.chars().count().saturating_sub(col - 1).max(1)
                        };
                        outln!("{gutter} |");
                        outln!("{line} | {source}");
                        outln!("{gutter} | {}{}", " ".repeat(col - 1), "^".repeat(width));
                    }
                }
                Format::Json => {
                    let index = ws.line_index(&path);
                    let pos = |o: usize| index.map(|i| i.position(o, PositionEncoding::Utf16)).unwrap_or_default();
                    let (s, e) = (pos(d.range.start), pos(d.range.end));
                    json_items.push(json!({
                        "path": path,
                        "range": {"start": {"line": s.line, "character": s.character}, "end": {"line": e.line, "character": e.character}},
                        "severity": d.severity.as_str(),
                        "code": d.code.as_str(),
                        "message": d.message,
                    }));
                }
                Format::Sarif => {
                    let index = ws.line_index(&path);
                    let pos = |o: usize| index.map(|i| i.position(o, PositionEncoding::Utf16)).unwrap_or_default();
                    let (s, e) = (pos(d.range.start), pos(d.range.end));
                    sarif_results.push(sarif_result(&report.shown(&path), &d, (s.line, s.character), (e.line, e.character)));
                }
            }
        }
    }
    match format {
        Format::Human => {
            let total: usize = counts.iter().sum();
            if total == 0 {
                outln!("phasegate: no problems found");
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
        Format::Json => outln!("{}", serde_json::to_string_pretty(&json!({ "diagnostics": json_items })).unwrap_or_default()),
        Format::Sarif => outln!("{}", sarif_log(sarif_results)),
    }
    any_error
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
            PhysicalLocation::builder().artifact_location(ArtifactLocation::builder().uri(uri.to_string()).build()).region(region).build(),
        )
        .build();
    SarifResult::builder()
        .rule_id(d.code.as_str().to_string())
        .level(level)
        .message(Message::builder().text(d.message.clone()).build())
        .locations(vec![location])
        .build()
}

fn sarif_log(results: Vec<serde_sarif::sarif::Result>) -> String {
    use serde_sarif::sarif::{MultiformatMessageString, ReportingDescriptor, Run, Sarif, Tool, ToolComponent};
    let rules: Vec<ReportingDescriptor> = phasegate_engine::Code::ALL
        .iter()
        .map(|c| {
            ReportingDescriptor::builder()
                .id(c.as_str().to_string())
                .short_description(MultiformatMessageString::builder().text(c.doc().when.to_string()).build())
                .help_uri(format!("https://github.com/phasegate/phasegate/blob/main/docs/diagnostics.md#{}", c.as_str()))
                .build()
        })
        .collect();
    let driver = ToolComponent::builder().name("phasegate".to_string()).version(env!("CARGO_PKG_VERSION").to_string()).rules(rules).build();
    let run = Run::builder().tool(Tool::builder().driver(driver).build()).results(results).column_kind(json!("utf16CodeUnits")).build();
    let log = Sarif::builder()
        .version(json!("2.1.0"))
        .schema("https://json.schemastore.org/sarif-2.1.0.json".to_string())
        .runs(vec![run])
        .build();
    serde_json::to_string_pretty(&log).unwrap_or_default()
}

/// Prints `status` output.
pub(crate) fn print_status(statuses: &[WorkflowStatus], format: Format) {
    if !matches!(format, Format::Human) {
        outln!("{}", serde_json::to_string_pretty(&json!({ "workflows": statuses })).unwrap_or_default());
        return;
    }
    if statuses.is_empty() {
        outln!("phasegate: no workflow found");
    }
    for s in statuses {
        let state = s.state_path.as_deref().map_or("no state file".to_string(), |p| format!("state: {p}"));
        outln!("{} ({}; {state})", s.name, s.path);
        match (&s.current, s.current_index) {
            (Some(c), Some(i)) => {
                outln!("  current: {c} ({i}/{}), next: {}", s.phase_count, s.next.as_deref().unwrap_or("complete the workflow"))
            }
            (Some(c), None) => outln!("  current: {c} ({}), next: {}", s.status, s.next.as_deref().unwrap_or("none")),
            (None, _) => outln!(
                "  {} ({} phases){}",
                s.status,
                s.phase_count,
                if s.status == "not-started" { "; `phasegate start` creates a state file" } else { "" }
            ),
        }
        for g in &s.gates {
            outln!("  gate {}: {}", g.phase, if g.met { "met" } else { "unmet" });
            for u in &g.unmet {
                outln!("    - {u}");
            }
            for m in &g.manual {
                outln!("    - manual, not checked: {m}");
            }
        }
    }
}
