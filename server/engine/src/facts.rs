//! Per-file facts: everything the engine learns from one file on its own. Built once per file
//! version by [`FileFacts::new`]; cross-file analysis only reads them.

use std::sync::Arc;

use crate::extract;
use crate::model::{GateResult, Named, Run, Task, Workflow};
use crate::syntax::conflict::{self, Conflict};
use crate::syntax::tree::SyntaxError;
use crate::text::{LineIndex, TextRange};

/// Largest file read as text, in bytes (8 MiB). Larger files still count as present deliverables;
/// their content is not analysed (`file-skipped`).
pub const MAX_TEXT_BYTES: usize = 8 * 1024 * 1024;

/// How many leading bytes are searched for a NUL byte to call a file binary (8 KiB, as git does).
const BINARY_PROBE: usize = 8192;

/// The UTF-8 byte-order mark, dropped from the start of a text before analysis.
pub const BOM: char = '\u{FEFF}';

/// How a file's content reaches the engine.
#[derive(Clone, Debug)]
pub enum FileInput {
    /// The raw bytes of a file the engine analyses ([`wants_content`] says which). The engine checks
    /// UTF-8 and size itself.
    Bytes(Vec<u8>),
    /// Text already decoded (an editor buffer).
    Text(String),
    /// A file the engine would analyse but that is over [`MAX_TEXT_BYTES`]: its content is not
    /// read (the host need not load it); it still counts as present, with a `file-skipped` warning.
    Oversized {
        /// Size in bytes.
        len: u64,
    },
    /// A file whose content is not analysed: only its size in bytes matters (deliverable checks).
    Meta {
        /// Size in bytes.
        len: u64,
    },
}

/// Whether the engine wants the content of the file at `path` (Markdown, YAML or JSON, by
/// extension, and `phasegate.toml`); other files only need [`FileInput::Meta`].
pub fn wants_content(path: &str) -> bool {
    FileKind::of(path) != FileKind::Other
}

/// A file's kind, by extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FileKind {
    Markdown,
    Yaml,
    Json,
    /// The project's `phasegate.toml` (at the project root).
    Config,
    Other,
}

impl FileKind {
    pub(crate) fn of(path: &str) -> FileKind {
        use crate::paths::ends_with_ignore_case as ends;
        let name = crate::paths::file_name(path);
        if ends(name, ".md") || ends(name, ".markdown") {
            FileKind::Markdown
        } else if ends(name, ".yaml") || ends(name, ".yml") {
            FileKind::Yaml
        } else if ends(name, ".json") {
            FileKind::Json
        } else if path == crate::config::CONFIG_FILE {
            FileKind::Config
        } else {
            FileKind::Other
        }
    }
}

/// Why a file's content was not analysed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Skipped {
    NotUtf8 {
        at: usize,
    },
    /// UTF-16 with a byte-order mark, but not valid UTF-16.
    BadUtf16,
    Binary,
    TooLarge {
        len: u64,
    },
}

/// Text saved as UTF-16 with a byte-order mark (`FF FE` little-endian, `FE FF` big-endian), as
/// some editors save Markdown: `None` when `bytes` has no such mark, `Some(None)` when the text
/// after it is not valid UTF-16 (an odd length, an unpaired surrogate), else the text without the
/// mark. Offsets in the engine are then bytes of this decoded UTF-8 text, as an editor sees it.
fn decode_utf16(bytes: &[u8]) -> Option<Option<String>> {
    let little = match bytes {
        [0xFF, 0xFE, ..] => true,
        [0xFE, 0xFF, ..] => false,
        _ => return None,
    };
    let body = &bytes[2..];
    if !body.len().is_multiple_of(2) {
        return Some(None);
    }
    let units: Vec<u16> =
        body.chunks_exact(2).map(|c| if little { u16::from_le_bytes([c[0], c[1]]) } else { u16::from_be_bytes([c[0], c[1]]) }).collect();
    Some(String::from_utf16(&units).ok())
}

/// How checklist sections are compared: trimmed, without a trailing `:`, lowercased.
pub(crate) fn section_key(label: &str) -> String {
    label.trim().trim_end_matches(':').trim().to_ascii_lowercase()
}

/// A task-list item (`- [ ]` / `- [x]`).
#[derive(Clone, Debug)]
pub(crate) struct ChecklistItem {
    /// The label line or heading the list follows, as a [`section_key`].
    pub section: String,
    pub checked: bool,
    pub text: String,
}

/// What a Markdown file's outline tells beyond workflows: see [`FileFacts::outline`].
#[derive(Clone, Debug, Default)]
pub(crate) struct OutlineFacts {
    /// Fenced/indented code block ranges, where markers and references are not read.
    pub code_blocks: Vec<TextRange>,
    /// Task-list items.
    pub checklists: Vec<ChecklistItem>,
    /// `[id:name]` references (outside code blocks).
    pub id_refs: Vec<Named>,
    /// Every heading's text, in order.
    pub headings: Vec<String>,
}

/// Everything known about one file on its own.
#[derive(Clone, Debug)]
pub(crate) struct FileFacts {
    pub path: String,
    pub kind: FileKind,
    /// Size in bytes.
    pub len: u64,
    /// Empty or whitespace only.
    pub blank: bool,
    pub text: Option<Arc<str>>,
    /// Built on first use (most files never need positions). The lazily built parts are boxed,
    /// as is the rare `config`: a workspace holds tens of thousands of facts, most of which never
    /// build them, and each inline part would cost every file its size (docs/benchmarks.md, "The
    /// live server").
    line_index: std::sync::OnceLock<Box<LineIndex>>,
    pub skipped: Option<Skipped>,
    pub conflicts: Vec<Conflict>,
    pub syntax_errors: Vec<SyntaxError>,
    pub workflows: Vec<Workflow>,
    pub runs: Vec<Run>,

    pub tasks: Vec<Task>,
    /// The framework whose reader read [`FileFacts::tasks`] (its rules check their references,
    /// across files; the generic per-file `depends_on` checks leave them alone).
    pub tasks_framework: Option<&'static str>,
    pub requirements: Vec<crate::model::Requirement>,
    /// `[id:name]` definitions, in memory-map files (`*memory-map*.md`).
    pub memory_ids: Vec<Named>,
    /// Gate results recorded in a checks file (seed 002's `checks.yaml`).
    pub gate_records: Vec<GateResult>,
    /// The settings of `phasegate.toml`, and the problems found in it.
    pub config: Option<Box<(crate::config::ProjectConfig, Vec<crate::config::ConfigProblem>)>>,
    /// What the `.ops/build` readers found for that framework's own rules (task statuses, gate
    /// results, spec change requests, the system design).
    pub ops_build: Option<Box<crate::frameworks::ops_build::Facts>>,
    /// What an OpenSpec file holds (a main spec, a delta spec, a proposal, its YAML).
    pub openspec: Option<Box<crate::frameworks::openspec::Facts>>,
    /// What Spec Kit's readers keep of a feature's `spec.md` or `tasks.md` for the framework's
    /// checks across files (its open questions, the requirement ids it cites).
    pub speckit: Option<Box<crate::frameworks::speckit::Facts>>,
    /// Facts read from a Markdown file's outline: computed during extraction for files that may
    /// declare workflow facts, on first use for the others (plain docs and deliverables, most of a
    /// workspace), then kept for the file's version.
    pub(crate) outline: std::sync::OnceLock<Box<OutlineFacts>>,
    /// Diagnostics that depend on this file alone, computed once per version.
    pub local: Vec<crate::diagnostics::Diagnostic>,
    /// Symbols and references a framework's reader adds for the editor features (`ide`), beside
    /// those derived from the model (docs/frameworks/README.md, "Symbols and references").
    pub ide: crate::ide::index::Additions,
    /// The file's symbols, references and links, built on first use and kept for the version.
    index: std::sync::OnceLock<Box<crate::ide::index::FileIndex>>,
}

impl FileFacts {
    /// Reads one file. Never fails: problems become facts (`skipped`, `syntax_errors`).
    pub(crate) fn new(path: &str, input: FileInput) -> FileFacts {
        let mut facts = FileFacts::read(path, input);
        for wf in &mut facts.workflows {
            wf.index_keys();
        }
        facts.local = crate::diagnostics::collect_file(&facts);
        // Kept until the file changes: without the slack of growth.
        facts.local.shrink_to_fit();
        facts.workflows.shrink_to_fit();
        facts.runs.shrink_to_fit();
        facts.tasks.shrink_to_fit();
        // And each task's lists, grown one push at a time (two `implements:` pointers had room
        // for four): a task list holds tens of tasks a file (docs/benchmarks.md, "The two goals
        // left").
        for t in &mut facts.tasks {
            t.labels.shrink_to_fit();
            t.implements.shrink_to_fit();
            t.depends_on.shrink_to_fit();
        }
        facts.requirements.shrink_to_fit();
        for r in &mut facts.requirements {
            r.acceptance.shrink_to_fit();
        }
        facts.memory_ids.shrink_to_fit();
        facts.syntax_errors.shrink_to_fit();
        facts
    }

    fn read(path: &str, input: FileInput) -> FileFacts {
        let kind = FileKind::of(path);
        let mut facts = FileFacts {
            path: path.to_string(),
            kind,
            len: 0,
            blank: true,
            text: None,
            line_index: std::sync::OnceLock::new(),
            skipped: None,
            conflicts: Vec::new(),
            syntax_errors: Vec::new(),
            workflows: Vec::new(),
            runs: Vec::new(),
            tasks: Vec::new(),
            tasks_framework: None,
            requirements: Vec::new(),
            memory_ids: Vec::new(),
            gate_records: Vec::new(),
            config: None,
            ops_build: None,
            openspec: None,
            speckit: None,
            outline: std::sync::OnceLock::new(),
            local: Vec::new(),
            ide: crate::ide::index::Additions::default(),
            index: std::sync::OnceLock::new(),
        };
        let text = match input {
            FileInput::Meta { len } => {
                facts.len = len;
                facts.blank = len == 0;
                return facts;
            }
            FileInput::Oversized { len } => {
                facts.len = len;
                facts.blank = false;
                if kind != FileKind::Other {
                    facts.skipped = Some(Skipped::TooLarge { len });
                }
                return facts;
            }
            FileInput::Text(text) => {
                // Editor text and file content are judged alike: NUL bytes early on mean binary.
                if memchr::memchr(0, &text.as_bytes()[..text.len().min(BINARY_PROBE)]).is_some() {
                    facts.len = text.len() as u64;
                    facts.blank = false;
                    facts.skipped = Some(Skipped::Binary);
                    return facts;
                }
                text
            }
            FileInput::Bytes(bytes) if kind == FileKind::Other => {
                facts.len = bytes.len() as u64;
                facts.blank = bytes.iter().all(u8::is_ascii_whitespace);
                return facts;
            }
            FileInput::Bytes(bytes) => {
                facts.len = bytes.len() as u64;
                facts.blank = bytes.iter().all(u8::is_ascii_whitespace);
                if bytes.len() > MAX_TEXT_BYTES {
                    facts.skipped = Some(Skipped::TooLarge { len: bytes.len() as u64 });
                    return facts;
                }
                match decode_utf16(&bytes) {
                    Some(Some(text)) => text,
                    Some(None) => {
                        facts.skipped = Some(Skipped::BadUtf16);
                        return facts;
                    }
                    None if memchr::memchr(0, &bytes[..bytes.len().min(BINARY_PROBE)]).is_some() => {
                        facts.skipped = Some(Skipped::Binary);
                        return facts;
                    }
                    None => match String::from_utf8(bytes) {
                        // A UTF-8 byte-order mark on disk is not part of the text, as editors
                        // present the file: positions count from the character after it (advance
                        // puts it back when it rewrites the file). Editor text is taken as sent:
                        // a BOM an editor keeps in its buffer counts, as it does for the editor.
                        Ok(text) => match text.strip_prefix(BOM) {
                            Some(rest) => rest.to_string(),
                            None => text,
                        },
                        Err(e) => {
                            facts.skipped = Some(Skipped::NotUtf8 { at: e.utf8_error().valid_up_to() });
                            // Keep the valid prefix so the diagnostic can point at it.
                            let valid = e.utf8_error().valid_up_to();
                            let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
                            facts.text = Some(prefix.into());
                            return facts;
                        }
                    },
                }
            }
        };
        facts.len = text.len() as u64;
        facts.blank = text.trim().is_empty();
        if text.len() > MAX_TEXT_BYTES {
            facts.skipped = Some(Skipped::TooLarge { len: text.len() as u64 });
            return facts;
        }
        facts.conflicts = conflict::find_conflicts(&text);
        let masked = if facts.conflicts.is_empty() { None } else { Some(conflict::mask_theirs(&text, &facts.conflicts)) };
        let text: Arc<str> = text.into();
        let view = masked.as_deref().unwrap_or(&text);
        // Readers may look at what a parse does not keep (a YAML file's comments) in the text.
        facts.text = Some(text.clone());
        match kind {
            FileKind::Markdown => extract::markdown::extract(&mut facts, view),
            FileKind::Yaml | FileKind::Json => extract::data::extract(&mut facts, view),
            FileKind::Config => facts.config = Some(Box::new(crate::config::parse(view))),
            FileKind::Other => {}
        }
        facts
    }

    /// The text, when the file was read as text.
    pub(crate) fn text(&self) -> &str {
        self.text.as_deref().unwrap_or("")
    }

    /// The text as extraction read it: merge conflicts masked (their side blanked, offsets
    /// unchanged); borrowed when the file has none.
    pub(crate) fn view(&self) -> std::borrow::Cow<'_, str> {
        if self.conflicts.is_empty() {
            std::borrow::Cow::Borrowed(self.text())
        } else {
            std::borrow::Cow::Owned(crate::syntax::conflict::mask_theirs(self.text(), &self.conflicts))
        }
    }

    /// The outline facts of a Markdown file (empty for other files), computed on first use when
    /// extraction did not need them.
    pub(crate) fn outline(&self) -> &OutlineFacts {
        self.outline.get_or_init(|| {
            Box::new(match (self.kind, self.text.as_deref()) {
                (FileKind::Markdown, Some(text)) if self.skipped.is_none() => extract::markdown::outline_facts(text, &self.conflicts),
                _ => OutlineFacts::default(),
            })
        })
    }

    /// The file's index of symbols, references and deliverable links (built on first use).
    pub(crate) fn index(&self) -> &crate::ide::index::FileIndex {
        self.index.get_or_init(|| Box::new(crate::ide::index::FileIndex::of(self)))
    }

    /// The line index of the text (or of the valid prefix of a file that is not UTF-8); `None`
    /// for files whose content was not read.
    pub(crate) fn line_index(&self) -> Option<&LineIndex> {
        let text = self.text.as_deref()?;
        Some(self.line_index.get_or_init(|| Box::new(LineIndex::new(text))))
    }
}
