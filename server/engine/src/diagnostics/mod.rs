//! Diagnostics: one module per code, each with its doc entry, its check and its tests (in the
//! manner of rust-analyzer's `ide-diagnostics/src/handlers`). `docs/diagnostics.md` is generated
//! from the [`Doc`] entries and checked by a test.

use crate::analysis::Context;
use crate::facts::FileFacts;
use crate::text::TextRange;

mod conflicts;
mod cycles;
mod deliverables;
mod duplicates;
mod gates;
mod markers;
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

macro_rules! codes {
    ($($variant:ident = $name:literal,)*) => {
        /// A diagnostic's stable code: the kebab-case name of the problem.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $(#[doc = concat!("`", $name, "`")] $variant,)* }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code's kebab-case name.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// The code named `name`, if any.
            pub fn parse(name: &str) -> Option<Code> {
                match name { $($name => Some(Code::$variant),)* _ => None }
            }
        }
    };
}

codes! {
    MissingDeliverable = "missing-deliverable",
    GateUnmet = "gate-unmet",
    GateDangling = "gate-dangling",
    InvalidTransition = "invalid-transition",
    UnknownState = "unknown-state",
    DanglingReference = "dangling-reference",
    DependencyCycle = "dependency-cycle",
    DuplicateId = "duplicate-id",
    UnresolvedMarker = "unresolved-marker",
    MergeConflict = "merge-conflict",
    InconsistentState = "inconsistent-state",
    SyntaxError = "syntax-error",
    DeliverableOutsideWorkspace = "deliverable-outside-workspace",
    FileSkipped = "file-skipped",
    InvalidConfig = "invalid-config",
}

impl Code {
    /// The code's documentation entry.
    pub fn doc(self) -> &'static Doc {
        DOCS.iter().find(|d| d.code == self).unwrap_or(&DOCS[0])
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

/// Every code's documentation, in [`Code::ALL`] order.
pub static DOCS: &[Doc] = &[
    deliverables::DOC,
    gates::DOC_UNMET,
    gates::DOC_DANGLING,
    transitions::DOC,
    states::DOC,
    references::DOC,
    cycles::DOC,
    duplicates::DOC,
    markers::DOC,
    conflicts::DOC,
    state_consistency::DOC,
    syntax::DOC,
    deliverables::DOC_OUTSIDE,
    syntax::DOC_SKIPPED,
    syntax::DOC_CONFIG,
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
}

impl Diagnostic {
    pub(crate) fn new(code: Code, severity: Severity, path: &str, range: TextRange, message: String) -> Diagnostic {
        Diagnostic { code, severity, path: path.to_string(), range, message, related: Vec::new() }
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
    out
}

/// Runs the checks that look across files.
pub(crate) fn collect(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    deliverables::check(ctx, &mut out);
    gates::check(ctx, &mut out);
    markers::check(ctx, &mut out);
    transitions::check(ctx, &mut out);
    states::check(ctx, &mut out);
    state_consistency::check(ctx, &mut out);
    references::check(ctx, &mut out);
    duplicates::check(ctx, &mut out);
    out
}

/// Renders `docs/diagnostics.md`.
pub fn render_docs() -> String {
    let mut s = String::from(
        "# Diagnostics\n\n<!-- Generated from server/engine/src/diagnostics/*.rs by `UPDATE_EXPECT=1 cargo test -p phasegate-engine docs`; do not edit. -->\n\n\
         Every diagnostic has a stable code. Change a code's severity, or turn it off, with the `severity` setting \
         (docs/lsp.md) or `phasegate check --severity CODE=LEVEL`.\n\n| code | default severity |\n|---|---|\n",
    );
    for d in DOCS {
        s.push_str(&format!("| [`{0}`](#{0}) | {1} |\n", d.code.as_str(), d.severity.as_str()));
    }
    for d in DOCS {
        s.push_str(&format!(
            "\n## {}\n\nSeverity: {}.\n\n**When**: {}\n\n**Fix**: {}\n",
            d.code.as_str(),
            d.severity.as_str(),
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
    #[test]
    fn docs() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/diagnostics.md");
        expect_test::expect_file![path].assert_eq(&super::render_docs());
    }

    #[test]
    fn every_code_has_one_doc() {
        for code in super::Code::ALL {
            assert_eq!(super::DOCS.iter().filter(|d| d.code == *code).count(), 1, "{}", code.as_str());
            assert_eq!(super::Code::parse(code.as_str()), Some(*code));
        }
    }
}
