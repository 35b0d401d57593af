//! Diagnostics: one module per code, each with its doc entry, its check and its tests (in the
//! manner of rust-analyzer's `ide-diagnostics/src/handlers`). `docs/diagnostics.md` is generated
//! from the [`Doc`] entries and checked by a test.

use crate::analysis::Context;
use crate::facts::FileFacts;
use crate::text::TextRange;

mod conflicts;
pub(crate) mod cycles;
mod deliverables;
mod duplicates;
mod gates;
mod markers;
pub(crate) mod memo;
mod references;
mod state_consistency;
mod states;
mod syntax;
mod transitions;

/// How serious a diagnostic is (LSP's DiagnosticSeverity, SARIF's level).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// Makes `phasegate check` exit 1.
    Error,
    /// Reported, not failing.
    Warning,
    /// A fact worth knowing (e.g. the current phase's deliverables still to write).
    Information,
    /// A hint.
    Hint,
}

impl Severity {
    /// `error`, `warning`, `information` or `hint`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
            Severity::Hint => "hint",
        }
    }

    /// Parses [`Severity::as_str`]'s words (also `info`); `None` otherwise.
    pub fn parse(s: &str) -> Option<Severity> {
        match s.trim().to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "information" | "info" => Some(Severity::Information),
            "hint" => Some(Severity::Hint),
            _ => None,
        }
    }
}

/// A diagnostic's stable code: the kebab-case name of the problem, one per [`Rule`] of the
/// registry ([`rules`]). Compared and hashed by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Code(&'static str);

/// The generic conventions' codes, by name (framework rules name theirs in their own modules).
#[allow(non_upper_case_globals)]
impl Code {
    /// `missing-deliverable`
    pub const MissingDeliverable: Code = Code::new("missing-deliverable");
    /// `gate-unmet`
    pub const GateUnmet: Code = Code::new("gate-unmet");
    /// `gate-dangling`
    pub const GateDangling: Code = Code::new("gate-dangling");
    /// `invalid-transition`
    pub const InvalidTransition: Code = Code::new("invalid-transition");
    /// `unknown-state`
    pub const UnknownState: Code = Code::new("unknown-state");
    /// `dangling-reference`
    pub const DanglingReference: Code = Code::new("dangling-reference");
    /// `dependency-cycle`
    pub const DependencyCycle: Code = Code::new("dependency-cycle");
    /// `duplicate-id`
    pub const DuplicateId: Code = Code::new("duplicate-id");
    /// `unresolved-marker`
    pub const UnresolvedMarker: Code = Code::new("unresolved-marker");
    /// `merge-conflict`
    pub const MergeConflict: Code = Code::new("merge-conflict");
    /// `inconsistent-state`
    pub const InconsistentState: Code = Code::new("inconsistent-state");
    /// `syntax-error`
    pub const SyntaxError: Code = Code::new("syntax-error");
    /// `deliverable-outside-workspace`
    pub const DeliverableOutsideWorkspace: Code = Code::new("deliverable-outside-workspace");
    /// `file-skipped`
    pub const FileSkipped: Code = Code::new("file-skipped");
    /// `invalid-config`
    pub const InvalidConfig: Code = Code::new("invalid-config");
}

impl Code {
    /// A code named `name`; only rule modules make them (the registry test checks each is
    /// registered once).
    pub(crate) const fn new(name: &'static str) -> Code {
        Code(name)
    }

    /// Every code, in documentation order (the order of [`rules`]).
    pub fn all() -> impl Iterator<Item = Code> {
        rules().map(|r| r.doc.code)
    }

    /// The code's kebab-case name.
    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// The registered code named `name`, if any.
    pub fn parse(name: &str) -> Option<Code> {
        rules().find(|r| r.doc.code.0 == name).map(|r| r.doc.code)
    }

    /// The code's rule in the registry.
    pub fn rule(self) -> &'static Rule {
        rules().find(|r| r.doc.code == self).unwrap_or(&GENERIC_RULES[0])
    }

    /// The code's documentation entry.
    pub fn doc(self) -> &'static Doc {
        &self.rule().doc
    }
}

/// Documentation of one code, rendered into `docs/diagnostics.md`.
#[derive(Debug)]
pub struct Doc {
    /// The code.
    pub code: Code,
    /// Its usual severity (some checks use a lower one for softer cases, as the text says).
    pub severity: Severity,
    /// When it is reported.
    pub when: &'static str,
    /// What to do about it.
    pub fix: &'static str,
}

/// One rule of the registry: a code's documentation, the framework it belongs to, and the
/// source its facts come from.
#[derive(Debug)]
pub struct Rule {
    /// The code, its default severity, when it fires and what to do.
    pub doc: Doc,
    /// The framework's id ([`crate::frameworks::FRAMEWORKS`]); `None` for the generic
    /// conventions, which apply everywhere. A framework's rules run only where it is on.
    pub framework: Option<&'static str>,
    /// Where the rule's facts come from: the framework's template, command or validator (a path
    /// in its repository), or phasegate's own documentation for the generic conventions.
    pub source: &'static str,
}

impl Rule {
    /// A rule of the generic conventions (docs/conventions.md, docs/formats.md).
    const fn generic(doc: Doc) -> Rule {
        Rule { doc, framework: None, source: "docs/conventions.md, docs/formats.md" }
    }

    /// A diagnostic of this rule at its default severity.
    pub(crate) fn at(&self, path: &str, range: TextRange, message: String) -> Diagnostic {
        Diagnostic::new(self.doc.code, self.doc.severity, path, range, message)
    }
}

/// The registry: every rule, the generic conventions' first, then each framework's (its
/// [`crate::frameworks::Framework::rules`]), in documentation order. `docs/diagnostics.md`, the
/// VS Code extension's `phasegate.severity` setting and the test code lists are generated from it
/// (tests below).
pub fn rules() -> impl Iterator<Item = &'static Rule> {
    GENERIC_RULES.iter().chain(crate::frameworks::FRAMEWORKS.iter().flat_map(|f| f.rules.iter()))
}

/// The generic conventions' rules (docs/conventions.md).
pub static GENERIC_RULES: &[Rule] = &[
    Rule::generic(deliverables::DOC),
    Rule::generic(gates::DOC_UNMET),
    Rule::generic(gates::DOC_DANGLING),
    Rule::generic(transitions::DOC),
    Rule::generic(states::DOC),
    Rule::generic(references::DOC),
    Rule::generic(cycles::DOC),
    Rule::generic(duplicates::DOC),
    Rule::generic(markers::DOC),
    Rule::generic(conflicts::DOC),
    Rule::generic(state_consistency::DOC),
    Rule::generic(syntax::DOC),
    Rule::generic(deliverables::DOC_OUTSIDE),
    Rule::generic(syntax::DOC_SKIPPED),
    Rule::generic(syntax::DOC_CONFIG),
];

/// Another place a diagnostic relates to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    /// Workspace-relative path.
    pub path: String,
    /// Byte range in that file.
    pub range: TextRange,
    /// What is there.
    pub message: String,
}

/// A problem found in the workspace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Its stable code.
    pub code: Code,
    /// Its severity (after [`crate::Config::severity`]).
    pub severity: Severity,
    /// Workspace-relative path of the file it is in.
    pub path: String,
    /// Byte range of the line or token at fault (never the whole file).
    pub range: TextRange,
    /// What is wrong and what to do.
    pub message: String,
    /// Other places involved (the gate a state file is past, the first of two duplicate ids).
    pub related: Vec<Related>,
    /// For the diagnostic that summarises those of its code in its file beyond
    /// [`MAX_PER_CODE`]: how many it stands for; 0 for every other diagnostic.
    pub omitted: usize,
}

/// The most diagnostics of one code one file reports; the rest are summarised in one more
/// diagnostic ([`Diagnostic::omitted`]), so no input makes the output, the editor's problem list
/// or the server's memory grow without bound.
pub const MAX_PER_CODE: usize = 100;

/// The most items a message lists (phases, states, unmet criteria); the rest are counted.
pub(crate) const MAX_LISTED: usize = 10;

/// `items` joined with `sep`, at most [`MAX_LISTED`] of them, then `... and N more` when some
/// were left out. A message per item that listed every item would make output quadratic.
pub(crate) fn listing<T: AsRef<str>>(items: impl IntoIterator<Item = T>, sep: &str) -> String {
    let mut out = String::new();
    let mut more = 0usize;
    for (i, item) in items.into_iter().enumerate() {
        if i < MAX_LISTED {
            if i > 0 {
                out.push_str(sep);
            }
            out.push_str(item.as_ref());
        } else {
            more += 1;
        }
    }
    if more > 0 {
        out.push_str(&format!("{sep}... and {more} more"));
    }
    out
}

/// The first [`MAX_LISTED`] of `total` items (given by `first`), joined with `sep`, then
/// `... and N more`: [`listing`] for a list whose length is known, without walking all of it.
pub(crate) fn listing_of<T: AsRef<str>>(first: impl IntoIterator<Item = T>, total: usize, sep: &str) -> String {
    let mut out = listing(first.into_iter().take(MAX_LISTED), sep);
    if total > MAX_LISTED {
        out.push_str(&format!("{sep}... and {} more", total - MAX_LISTED));
    }
    out
}

/// Keeps at most [`MAX_PER_CODE`] diagnostics of each code in `list` (one file's, sorted by
/// range): the first ones, and one more per code standing for the rest, at the first left out,
/// with the highest severity among them. Summaries already in `list` are merged into the new
/// ones. Linear (after the sort).
pub(crate) fn cap(list: &mut Vec<Diagnostic>) {
    let mut kept: std::collections::HashMap<Code, usize> = std::collections::HashMap::new();
    // Per code: (count left out, highest severity, first range left out, path).
    let mut left: std::collections::BTreeMap<Code, (usize, Severity, TextRange, String)> = std::collections::BTreeMap::new();
    let mut any_summary = false;
    list.retain(|d| {
        let n = kept.entry(d.code).or_insert(0);
        if d.omitted == 0 && *n < MAX_PER_CODE {
            *n += 1;
            return true;
        }
        any_summary |= d.omitted > 0;
        let count = d.omitted.max(1);
        let e = left.entry(d.code).or_insert((0, d.severity, d.range, d.path.clone()));
        e.0 += count;
        e.1 = e.1.min(d.severity);
        if d.range < e.2 {
            e.2 = d.range;
        }
        false
    });
    if left.is_empty() && !any_summary {
        return;
    }
    for (code, (count, severity, range, path)) in left {
        let message = format!(
            "{count} more `{code}` diagnostic(s) in this file are not shown: phasegate reports at most {MAX_PER_CODE} of one code per file",
            code = code.as_str()
        );
        list.push(Diagnostic { omitted: count, ..Diagnostic::new(code, severity, &path, range, message) });
    }
    list.sort_by(|a, b| (a.range, a.code.as_str(), &a.message).cmp(&(b.range, b.code.as_str(), &b.message)));
}

impl Diagnostic {
    pub(crate) fn new(code: Code, severity: Severity, path: &str, range: TextRange, message: String) -> Diagnostic {
        Diagnostic { code, severity, path: path.to_string(), range, message, related: Vec::new(), omitted: 0 }
    }

    pub(crate) fn with_related(mut self, path: &str, range: TextRange, message: impl Into<String>) -> Diagnostic {
        self.related.push(Related { path: path.to_string(), range, message: message.into() });
        self
    }
}

/// Runs the checks that need only one file; their results are kept in the file's facts and
/// reused until the file changes.
pub(crate) fn collect_file(file: &FileFacts) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    syntax::check_file(file, &mut out);
    conflicts::check_file(file, &mut out);
    deliverables::check_file(file, &mut out);
    gates::check_file(file, &mut out);
    references::check_file(file, &mut out);
    cycles::check_file(file, &mut out);
    duplicates::check_file(file, &mut out);
    // Every framework's per-file checks: whether a framework is on is known only across files,
    // so [`crate::Workspace::diagnostics`] drops the findings of those that are off.
    for f in crate::frameworks::FRAMEWORKS {
        (f.check_file)(file, &mut out);
    }
    // One file's diagnostics: capped now, so the cached list stays small.
    out.sort_by(|a, b| (a.range, a.code.as_str(), &a.message).cmp(&(b.range, b.code.as_str(), &b.message)));
    cap(&mut out);
    out
}

/// Runs the checks that look across files: brings the run cache up to date (what each run is past
/// or at, and each workflow's gate criteria: memo.rs; its diagnostics are
/// [`memo::RunCache::diagnostics`]) and returns what the other cross-file checks find.
pub(crate) fn collect(
    ctx: &Context<'_>,
    runs: &mut memo::RunCache,
    changes: memo::Changes,
    touched: &mut memo::Touched,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    runs.update(ctx, changes, &mut out, touched);
    references::check(ctx, &mut out);
    duplicates::check(ctx, &mut out);
    for f in &ctx.frameworks {
        (f.check)(ctx, &mut out);
    }
    out
}

/// Every run-scoped check on one run (a state file's run): the deliverables and gates of the
/// phases it is past or at, markers left in what they require complete, its transitions, the
/// names it uses, and the state file's consistency.
pub(crate) fn collect_run(ctx: &Context<'_>, run: &crate::analysis::RunRef<'_>, out: &mut Vec<Diagnostic>) {
    deliverables::check_run(ctx, run, out);
    gates::check_run(ctx, run, out);
    markers::check_run(ctx, run, out);
    transitions::check_run(ctx, run, out);
    states::check_run(ctx, run, out);
    state_consistency::check_run(ctx, run, out);
}

/// Renders `docs/diagnostics.md`: a table of every code, then each rule grouped by framework.
pub fn render_docs() -> String {
    let mut s = String::from(
        "# Diagnostics\n\n<!-- Generated from the rule registry (server/engine/src/diagnostics/mod.rs) by `UPDATE_EXPECT=1 cargo test -p phasegate-engine docs`; do not edit. -->\n\n\
         Every diagnostic has a stable code. Change a code's severity, or turn it off, with the `severity` setting \
         (docs/lsp.md), `[severity]` in `phasegate.toml` (docs/projects.md) or `phasegate check --severity CODE=LEVEL`. \
         A framework's rules run only in projects where that framework is on (docs/projects.md).\n\n| code | group | default severity |\n|---|---|---|\n",
    );
    let group = |r: &Rule| r.framework.and_then(crate::frameworks::by_id).map_or("generic", |f| f.name);
    for r in rules() {
        s.push_str(&format!("| [`{0}`](#{0}) | {1} | {2} |\n", r.doc.code.as_str(), group(r), r.doc.severity.as_str()));
    }
    let mut last_group = "";
    for r in rules() {
        let g = group(r);
        if g != last_group {
            s.push_str(&format!("\n## {}\n", if g == "generic" { "Generic conventions" } else { g }));
            last_group = g;
        }
        let d = &r.doc;
        s.push_str(&format!(
            "\n### {}\n\nSeverity: {}. Source: {}.\n\n**When**: {}\n\n**Fix**: {}\n",
            d.code.as_str(),
            d.severity.as_str(),
            r.source,
            d.when,
            d.fix
        ));
    }
    s
}

/// Test helpers: a workspace from a fixture text and a plain rendering of its diagnostics.
#[cfg(test)]
pub(crate) mod fixture {
    use crate::facts::FileInput;
    use crate::workspace::Workspace;

    /// Builds a workspace from `//- path` sections (rust-analyzer's fixture form). A section whose
    /// first line is `<meta N>` is a non-text file of N bytes.
    pub(crate) fn workspace(spec: &str) -> Workspace {
        let mut ws = Workspace::new();
        for section in spec.split("//- ").filter(|s| !s.trim().is_empty()) {
            let (path, body) = section.split_once('\n').unwrap_or((section, ""));
            let path = path.trim();
            if let Some(n) = body.trim().strip_prefix("<meta ").and_then(|r| r.strip_suffix('>')) {
                ws.set_file(path, FileInput::Meta { len: n.parse().unwrap_or(0) });
            } else {
                ws.set_file(path, FileInput::Text(body.to_string()));
            }
        }
        ws
    }

    /// `path:line:col: severity[code]: message` lines (1-based) for codes in `only` (all if
    /// empty).
    pub(crate) fn render(ws: &Workspace, only: &[&str]) -> String {
        let mut out = String::new();
        for (path, list) in ws.diagnostics() {
            for d in list {
                if !only.is_empty() && !only.contains(&d.code.as_str()) {
                    continue;
                }
                let pos = ws.line_index(&path).map(|i| i.position(d.range.start, crate::text::PositionEncoding::Utf8)).unwrap_or_default();
                out.push_str(&format!(
                    "{path}:{}:{}: {}[{}]: {}\n",
                    pos.line + 1,
                    pos.character + 1,
                    d.severity.as_str(),
                    d.code.as_str(),
                    d.message
                ));
            }
        }
        out
    }

    /// Shorthand: render the diagnostics of a fixture.
    pub(crate) fn check(spec: &str, only: &[&str]) -> String {
        render(&workspace(spec), only)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cap_keeps_the_first_and_merges_earlier_summaries() {
        let at = |i: usize| TextRange::new(i * 10, i * 10 + 5);
        let d = |i: usize, severity: Severity| Diagnostic::new(Code::DuplicateId, severity, "a.md", at(i), format!("d{i}"));
        // A file's own 130 (capped when its facts were computed), then 30 more from the
        // cross-file checks, one of them an error among warnings, and one of another code.
        let mut local: Vec<Diagnostic> = (0..130).map(|i| d(i, Severity::Warning)).collect();
        cap(&mut local);
        assert_eq!(local.len(), 101);
        assert_eq!(local.iter().filter(|d| d.omitted > 0).map(|d| (d.omitted, d.range)).collect::<Vec<_>>(), vec![(30, at(100))]);
        let mut all = local;
        all.extend((130..160).map(|i| d(i, if i == 150 { Severity::Error } else { Severity::Warning })));
        all.push(Diagnostic::new(Code::GateDangling, Severity::Error, "a.md", at(5), "other".into()));
        all.sort_by(|a, b| (a.range, a.code.as_str(), &a.message).cmp(&(b.range, b.code.as_str(), &b.message)));
        cap(&mut all);
        assert_eq!(all.len(), 102);
        let summary = all.iter().find(|d| d.omitted > 0).unwrap_or_else(|| panic!("a summary"));
        assert_eq!((summary.omitted, summary.severity, summary.range), (60, Severity::Error, at(100)));
        assert!(summary.message.starts_with("60 more `duplicate-id` diagnostic(s) in this file are not shown"), "{}", summary.message);
        // Under the cap nothing changes.
        let mut few: Vec<Diagnostic> = (0..5).map(|i| d(i, Severity::Warning)).collect();
        let before = few.clone();
        cap(&mut few);
        assert_eq!(few, before);
    }

    #[test]
    fn listing_counts_what_it_leaves_out() {
        assert_eq!(listing(["a", "b"], ", "), "a, b");
        assert_eq!(listing((0..12).map(|i| i.to_string()), ", "), "0, 1, 2, 3, 4, 5, 6, 7, 8, 9, ... and 2 more");
        assert_eq!(listing(Vec::<String>::new(), ", "), "");
    }

    #[test]
    fn docs() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/diagnostics.md");
        expect_test::expect_file![path].assert_eq(&super::render_docs());
    }

    #[test]
    fn every_code_is_registered_once_in_kebab_case() {
        for code in super::Code::all() {
            let name = code.as_str();
            assert_eq!(super::rules().filter(|r| r.doc.code == code).count(), 1, "{name}");
            assert_eq!(super::Code::parse(name), Some(code));
            assert!(
                !name.is_empty()
                    && name.split('-').all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())),
                "{name}"
            );
        }
        for r in super::rules() {
            assert!(r.framework.is_none_or(|f| crate::frameworks::by_id(f).is_some()), "{}: unknown framework", r.doc.code.as_str());
            assert!(!r.source.is_empty() && !r.doc.when.is_empty() && !r.doc.fix.is_empty(), "{}", r.doc.code.as_str());
        }
    }

    /// The VS Code extension's `phasegate.severity` setting offers exactly the registry's codes,
    /// each described by its rule (regenerated with `UPDATE_EXPECT=1`).
    #[test]
    fn vscode_severity_setting() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../editors/vscode/package.json");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut json: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
        let mut properties = serde_json::Map::new();
        for r in super::rules() {
            properties.insert(
                r.doc.code.as_str().to_string(),
                serde_json::json!({
                    "type": "string",
                    "enum": ["error", "warning", "information", "hint", "off"],
                    "markdownDescription": format!("Default: `{}`. {}", r.doc.severity.as_str(), r.doc.when),
                }),
            );
        }
        let setting = json
            .pointer_mut("/contributes/configuration/properties/phasegate.severity")
            .unwrap_or_else(|| panic!("package.json has no phasegate.severity setting"));
        setting["properties"] = serde_json::Value::Object(properties);
        let mut expected = serde_json::to_string_pretty(&json).unwrap_or_default();
        expected.push('\n');
        expect_test::expect_file![path].assert_eq(&expected);
    }
}
