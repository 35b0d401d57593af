//! Conversions between the engine's plain data and LSP types (in the manner of rust-analyzer's
//! `to_proto`/`from_proto`): a flat list of free functions.

use std::collections::HashMap;
use std::path::Path;

use phasegate_engine::{Action, ActionKind, Diagnostic, FileChange, LineIndex, PositionEncoding, Severity, TextRange, Workspace};
use phasegate_host::safety::Access;
use tower_lsp_server::ls_types as lsp;

use crate::session::{ClientCaps, Project, Session};

/// The URI of workspace-relative `rel`.
pub(crate) fn uri(root: &Path, rel: &str) -> Option<lsp::Uri> {
    lsp::Uri::from_file_path(root.join(rel))
}

/// An LSP position → a byte offset in the text `index` describes.
pub(crate) fn offset(index: &LineIndex, pos: lsp::Position, encoding: PositionEncoding) -> usize {
    index.offset(phasegate_engine::Position { line: pos.line, character: pos.character }, encoding)
}

/// A byte offset → an LSP position.
pub(crate) fn position(index: &LineIndex, offset: usize, encoding: PositionEncoding) -> lsp::Position {
    let p = index.position(offset, encoding);
    lsp::Position::new(p.line, p.character)
}

/// A byte range → an LSP range.
pub(crate) fn range(index: &LineIndex, r: TextRange, encoding: PositionEncoding) -> lsp::Range {
    lsp::Range::new(position(index, r.start, encoding), position(index, r.end, encoding))
}

/// An LSP range → a byte range.
pub(crate) fn text_range(index: &LineIndex, r: lsp::Range, encoding: PositionEncoding) -> TextRange {
    TextRange::new(offset(index, r.start, encoding), offset(index, r.end, encoding))
}

/// An LSP position in a rope → a char index, clamped to the text.
pub(crate) fn rope_char(rope: &ropey::Rope, pos: lsp::Position, encoding: PositionEncoding) -> usize {
    let line = pos.line as usize;
    if line >= rope.len_lines() {
        return rope.len_chars();
    }
    let line_start = rope.line_to_char(line);
    let line_slice = rope.line(line);
    let mut line_len = line_slice.len_chars();
    // Exclude the line terminator.
    while line_len > 0 && matches!(line_slice.char(line_len - 1), '\n' | '\r') {
        line_len -= 1;
    }
    let col = pos.character as usize;
    let chars = match encoding {
        PositionEncoding::Utf8 => {
            let line_byte = rope.line_to_byte(line);
            let byte = (line_byte + col).min(rope.char_to_byte(line_start + line_len));
            rope.byte_to_char(byte) - line_start
        }
        PositionEncoding::Utf16 => {
            let start_cu = rope.char_to_utf16_cu(line_start);
            let end_cu = rope.char_to_utf16_cu(line_start + line_len);
            rope.utf16_cu_to_char((start_cu + col).min(end_cu)) - line_start
        }
    };
    line_start + chars.min(line_len)
}

fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Information => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

/// The LSP range of byte range `r` in the file at `path` of `project`; the start of the file
/// for a file whose content was not read (binary, over the size limit), as the CLI reports it.
fn file_range(session: &Session, project: &Project, path: &str, r: TextRange) -> lsp::Range {
    match project.ws.line_index(path) {
        Some(index) => range(index, r, session.encoding),
        None => lsp::Range::default(),
    }
}

/// An engine diagnostic of `project` → an LSP diagnostic; `None` when its path has no URI.
pub(crate) fn diagnostic(session: &Session, project: &Project, d: &Diagnostic) -> Option<lsp::Diagnostic> {
    let root = project.root.as_path();
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|r| {
            Some(lsp::DiagnosticRelatedInformation {
                location: lsp::Location::new(uri(root, &r.path)?, file_range(session, project, &r.path, r.range)),
                message: r.message.clone(),
            })
        })
        .collect();
    Some(lsp::Diagnostic {
        range: file_range(session, project, &d.path, d.range),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.code.as_str().to_string())),
        code_description: None,
        source: Some("phasegate".to_string()),
        message: d.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    })
}

/// Why a change cannot be proposed as a WorkspaceEdit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum EditError {
    /// The client cannot apply it (file creation without `documentChanges`/`create` support).
    Unsupported,
    /// The shared safety check refused a target ([`phasegate_host::safety`]): the reason.
    Unsafe(String),
}

/// The engine's change in `project` → a WorkspaceEdit the client applies. Every target first
/// passes the safety check the CLI's writes pass ([`phasegate_host::safety::check`]: nothing
/// existing is created over, whether the index holds it or not; nothing is reached through a
/// symlink leading out of the project root), so this is the one place a proposed edit is vetted;
/// it reads the disk for that, and nothing else. Creations carry `overwrite: false,
/// ignoreIfExists: false`, so a client fails instead of editing a file that appeared since;
/// except for a client that empties an existing file on such a `CreateFile`
/// ([`ClientCaps::create_truncates`]: Neovim), which gets `ignoreIfExists: true`, so a file that
/// appeared since is at worst edited in an unsaved buffer.
pub(crate) fn workspace_edit(
    session: &Session,
    project: &Project,
    change: &phasegate_engine::WorkspaceChange,
) -> Result<lsp::WorkspaceEdit, EditError> {
    let root = project.root.as_path();
    for c in &change.changes {
        let access = match c {
            FileChange::Edit { .. } => Access::Edit,
            FileChange::Create { .. } => Access::Create,
        };
        phasegate_host::safety::check(root, c.path(), access).map_err(|e| EditError::Unsafe(e.to_string()))?;
    }
    let caps: ClientCaps = session.caps;
    let ws: &Workspace = &project.ws;
    let needs_create = change.changes.iter().any(|c| matches!(c, FileChange::Create { .. }));
    if needs_create && !caps.create_files {
        return Err(EditError::Unsupported);
    }
    let text_edits = |path: &str, edits: &[phasegate_engine::TextEdit]| -> Option<Vec<lsp::TextEdit>> {
        let index = ws.line_index(path)?;
        Some(edits.iter().map(|e| lsp::TextEdit::new(range(index, e.range, session.encoding), e.new_text.clone())).collect())
    };
    if !(caps.document_changes || caps.create_files) {
        let mut map: HashMap<lsp::Uri, Vec<lsp::TextEdit>> = HashMap::new();
        for c in &change.changes {
            if let FileChange::Edit { path, edits } = c {
                let edits = text_edits(path, edits).ok_or(EditError::Unsupported)?;
                map.entry(uri(root, path).ok_or(EditError::Unsupported)?).or_default().extend(edits);
            }
        }
        return Ok(lsp::WorkspaceEdit { changes: Some(map), document_changes: None, change_annotations: None });
    }
    let mut ops = Vec::new();
    for c in &change.changes {
        match c {
            FileChange::Edit { path, edits } => {
                let version = session.open.get(&root.join(path)).map(|d| d.version);
                ops.push(lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
                    text_document: lsp::OptionalVersionedTextDocumentIdentifier {
                        uri: uri(root, path).ok_or(EditError::Unsupported)?,
                        version,
                    },
                    edits: text_edits(path, edits).ok_or(EditError::Unsupported)?.into_iter().map(lsp::OneOf::Left).collect(),
                }));
            }
            FileChange::Create { path, content } => {
                let u = uri(root, path).ok_or(EditError::Unsupported)?;
                ops.push(lsp::DocumentChangeOperation::Op(lsp::ResourceOp::Create(lsp::CreateFile {
                    uri: u.clone(),
                    options: Some(lsp::CreateFileOptions { overwrite: Some(false), ignore_if_exists: Some(caps.create_truncates) }),
                    annotation_id: None,
                })));
                ops.push(lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
                    text_document: lsp::OptionalVersionedTextDocumentIdentifier { uri: u, version: None },
                    edits: vec![lsp::OneOf::Left(lsp::TextEdit::new(lsp::Range::default(), content.clone()))],
                }));
            }
        }
    }
    Ok(lsp::WorkspaceEdit { changes: None, document_changes: Some(lsp::DocumentChanges::Operations(ops)), change_annotations: None })
}

/// The files a change creates, project-relative, in order.
pub(crate) fn created_paths(change: &phasegate_engine::WorkspaceChange) -> Vec<String> {
    change
        .changes
        .iter()
        .filter_map(|c| match c {
            FileChange::Create { path, .. } => Some(path.clone()),
            FileChange::Edit { .. } => None,
        })
        .collect()
}

/// How a code action request wants actions shown (docs/lsp.md, "Code actions").
#[derive(Clone, Copy, Debug)]
pub(crate) struct Presentation {
    /// The request names no kinds (`context.only` absent): the menu VS Code opens with Ctrl+.,
    /// Neovim's `gra`, eglot's `eglot-code-actions`. VS Code leaves `source` actions and disabled
    /// actions out of that menu, so anchored workflow actions come as `quickfix`, and a blocked
    /// Advance as an enabled action that explains the refusal.
    pub unfiltered: bool,
    /// The request's range is on a gate diagnostic (`gate-unmet`, `missing-deliverable`): the
    /// workflow actions are anchored here too.
    pub on_gate_diagnostic: bool,
}

/// A short form of a refusal for a menu title: its first line, without a trailing colon, and the
/// one unmet criterion or how many there are.
fn short_reason(reason: &str) -> String {
    let first = reason.lines().next().unwrap_or(reason).trim().trim_end_matches(':');
    let criteria: Vec<&str> = reason.lines().filter_map(|l| l.trim_start().strip_prefix("- ")).collect();
    match criteria.as_slice() {
        [] => first.to_string(),
        [one] => format!("{first}: {}", one.trim()),
        many => format!("{first} ({} criteria unmet)", many.len()),
    }
}

/// An engine action of `project` → a code action, with the client's diagnostics it fixes. `None`
/// only when the client could do nothing with it.
///
/// Degrades for what the client lacks: an action that cannot run (a blocked Advance, or a change
/// the safety check refuses) is `disabled` with its reason where the client shows disabled actions
/// in this menu (`codeAction.disabledSupport`, and a request asking for kinds: VS Code strips
/// disabled actions from its Ctrl+. menu); elsewhere it is an enabled action titled with the
/// reason whose command `phasegate.explain` shows the whole of it. A file creation the client
/// cannot apply (no `create` resource operation) becomes the command `phasegate.create`, which
/// the server carries out itself. Actions that create files carry `phasegate.open` after their
/// edit, so the client says what was created and opens the first new file.
pub(crate) fn code_action(
    session: &Session,
    project: &Project,
    action: &Action,
    context: &[lsp::Diagnostic],
    how: Presentation,
) -> Option<lsp::CodeAction> {
    let anchored = action.anchored || how.on_gate_diagnostic;
    let natural = match action.kind {
        ActionKind::QuickFix => lsp::CodeActionKind::QUICKFIX,
        ActionKind::Advance | ActionKind::Start => lsp::CodeActionKind::REFACTOR_REWRITE,
        ActionKind::Scaffold => lsp::CodeActionKind::SOURCE,
    };
    let kind = if how.unfiltered && anchored { lsp::CodeActionKind::QUICKFIX } else { natural };
    let diagnostics: Vec<lsp::Diagnostic> = match action.fixes {
        Some(code) => context.iter().filter(|d| d.code == Some(lsp::NumberOrString::String(code.as_str().to_string()))).cloned().collect(),
        None => Vec::new(),
    };
    let mut out = lsp::CodeAction {
        title: action.title.clone(),
        kind: Some(kind),
        diagnostics: (!diagnostics.is_empty()).then_some(diagnostics),
        edit: None,
        command: None,
        is_preferred: (action.kind == ActionKind::QuickFix && action.fixes == Some(phasegate_engine::Code::MissingDeliverable))
            .then_some(true),
        disabled: None,
        data: None,
    };
    // An action whose change the safety check refuses is blocked like a disabled one, never
    // offered with its edit.
    let mut refused = None;
    if action.disabled.is_none()
        && let Some(change) = &action.change
    {
        match workspace_edit(session, project, change) {
            Ok(edit) => {
                let created = created_paths(change);
                if let Some(first) = created.first() {
                    out.command = Some(lsp::Command {
                        title: "Open the created file".into(),
                        command: "phasegate.open".into(),
                        arguments: Some(vec![serde_json::json!({
                            "uri": uri(&project.root, first)?.to_string(),
                            "message": format!("{}: {}", action.title, change.summary),
                        })]),
                    });
                }
                out.edit = Some(edit);
                return Some(out);
            }
            Err(EditError::Unsafe(reason)) => refused = Some(format!("refused: {reason}")),
            Err(EditError::Unsupported) => {
                // The client cannot create files through a WorkspaceEdit: the server creates them
                // (new files only, after the same safety check) when the command runs. Only for
                // pure creations.
                let files: Vec<serde_json::Value> = change
                    .changes
                    .iter()
                    .map(|c| match c {
                        FileChange::Create { path, content } => Some(serde_json::json!({ "path": path, "content": content })),
                        FileChange::Edit { .. } => None,
                    })
                    .collect::<Option<_>>()?;
                out.command = Some(lsp::Command {
                    title: action.title.clone(),
                    command: "phasegate.create".into(),
                    arguments: Some(vec![serde_json::json!({
                        "project": uri(&project.root, "")?.to_string(),
                        "files": files,
                        "title": action.title,
                    })]),
                });
                return Some(out);
            }
        }
    }
    let reason = action.disabled.as_ref().or(refused.as_ref())?;
    if session.caps.disabled_actions && !how.unfiltered {
        out.disabled = Some(lsp::CodeActionDisabled { reason: reason.clone() });
    } else {
        out.title = format!("{} — not yet: {}", action.title, short_reason(reason));
        out.command = Some(lsp::Command {
            title: out.title.clone(),
            command: "phasegate.explain".into(),
            arguments: Some(vec![serde_json::json!({ "message": format!("{}: {reason}", action.title) })]),
        });
    }
    Some(out)
}
