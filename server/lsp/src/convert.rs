//! Conversions between the engine's plain data and LSP types (in the manner of rust-analyzer's
//! `to_proto`/`from_proto`): a flat list of free functions.

use std::collections::HashMap;
use std::path::Path;

use phasegate_engine::{Action, ActionKind, Diagnostic, FileChange, LineIndex, PositionEncoding, Severity, TextRange, Workspace, ide};
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

// --- Editor features (the engine's `ide` module) ---

/// An engine location → an LSP location.
pub(crate) fn location(session: &Session, project: &Project, l: &ide::Location) -> Option<lsp::Location> {
    Some(lsp::Location::new(uri(&project.root, &l.path)?, file_range(session, project, &l.path, l.range)))
}

/// A hover → LSP, in Markdown where the client reads it (else the same text as plain text).
pub(crate) fn hover(session: &Session, index: &LineIndex, h: &ide::Hover) -> lsp::Hover {
    let kind = if session.caps.markdown_hover { lsp::MarkupKind::Markdown } else { lsp::MarkupKind::PlainText };
    lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent { kind, value: h.markdown.clone() }),
        range: Some(range(index, h.range, session.encoding)),
    }
}

fn completion_kind(k: ide::CompletionKind) -> lsp::CompletionItemKind {
    match k {
        ide::CompletionKind::Workflow => lsp::CompletionItemKind::MODULE,
        ide::CompletionKind::Phase | ide::CompletionKind::State => lsp::CompletionItemKind::ENUM_MEMBER,
        ide::CompletionKind::Requirement | ide::CompletionKind::Story => lsp::CompletionItemKind::CONSTANT,
        ide::CompletionKind::Task => lsp::CompletionItemKind::EVENT,
        ide::CompletionKind::Name => lsp::CompletionItemKind::VARIABLE,
        ide::CompletionKind::File => lsp::CompletionItemKind::FILE,
        ide::CompletionKind::Key => lsp::CompletionItemKind::PROPERTY,
        ide::CompletionKind::Value => lsp::CompletionItemKind::VALUE,
    }
}

/// Completions → an LSP completion list: each item replaces the word typed so far (a text edit),
/// sorted by the engine's order (nearness) through `sortText`.
pub(crate) fn completion(session: &Session, index: &LineIndex, c: &ide::Completion) -> lsp::CompletionResponse {
    let replace = range(index, c.range, session.encoding);
    let items = c
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| lsp::CompletionItem {
            label: item.label.clone(),
            kind: Some(completion_kind(item.kind)),
            detail: (!item.detail.is_empty()).then(|| item.detail.clone()),
            documentation: item
                .documentation
                .as_ref()
                .map(|d| lsp::Documentation::MarkupContent(lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value: d.clone() })),
            sort_text: Some(format!("{:05}", i)),
            filter_text: Some(item.label.clone()),
            text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit::new(replace, item.label.clone()))),
            ..Default::default()
        })
        .collect();
    lsp::CompletionResponse::List(lsp::CompletionList { is_incomplete: c.incomplete, items })
}

/// A code lens → LSP: its command is one of the server's (`phasegate.explain`, `.advance`,
/// `.start`, `.task`), each with its argument object (docs/lsp.md, "Commands").
pub(crate) fn code_lens(session: &Session, project: &Project, path: &str, index: &LineIndex, l: &ide::CodeLens) -> Option<lsp::CodeLens> {
    let root = project.root.as_path();
    let doc = uri(root, path)?.to_string();
    let (command, argument) = match &l.command {
        ide::LensCommand::Explain(message) => ("phasegate.explain", serde_json::json!({ "message": message })),
        ide::LensCommand::Advance { workflow, state } => {
            let at = match state {
                Some(s) => uri(root, s)?.to_string(),
                None => doc,
            };
            ("phasegate.advance", serde_json::json!({ "uri": at, "workflow": workflow }))
        }
        ide::LensCommand::Start { workflow } => ("phasegate.start", serde_json::json!({ "uri": doc, "workflow": workflow })),
        ide::LensCommand::Task { path, id, action } => {
            ("phasegate.task", serde_json::json!({ "uri": uri(root, path)?.to_string(), "task": id, "action": action.as_str() }))
        }
    };
    Some(lsp::CodeLens {
        range: range(index, l.range, session.encoding),
        command: Some(lsp::Command { title: l.title.clone(), command: command.into(), arguments: Some(vec![argument]) }),
        data: None,
    })
}

fn outline_kind(k: ide::OutlineKind) -> lsp::SymbolKind {
    match k {
        ide::OutlineKind::Workflow => lsp::SymbolKind::MODULE,
        ide::OutlineKind::Phase => lsp::SymbolKind::NAMESPACE,
        ide::OutlineKind::Gate => lsp::SymbolKind::EVENT,
        ide::OutlineKind::Criterion => lsp::SymbolKind::BOOLEAN,
        ide::OutlineKind::Deliverable => lsp::SymbolKind::FILE,
        ide::OutlineKind::StateMachine => lsp::SymbolKind::ENUM,
        ide::OutlineKind::State => lsp::SymbolKind::ENUM_MEMBER,
        ide::OutlineKind::Requirement => lsp::SymbolKind::CONSTANT,
        ide::OutlineKind::Acceptance => lsp::SymbolKind::FIELD,
        ide::OutlineKind::Story => lsp::SymbolKind::STRUCT,
        ide::OutlineKind::Task => lsp::SymbolKind::FUNCTION,
        ide::OutlineKind::Name => lsp::SymbolKind::KEY,
    }
}

/// An outline entry → an LSP document symbol, with its children.
#[allow(deprecated, reason = "`deprecated` is a required field of the LSP type")]
pub(crate) fn document_symbol(session: &Session, index: &LineIndex, s: &ide::DocumentSymbol) -> lsp::DocumentSymbol {
    lsp::DocumentSymbol {
        name: if s.name.trim().is_empty() { "(unnamed)".into() } else { s.name.clone() },
        detail: (!s.detail.is_empty()).then(|| s.detail.clone()),
        kind: outline_kind(s.kind),
        tags: None,
        deprecated: None,
        range: range(index, s.range, session.encoding),
        selection_range: range(index, s.selection, session.encoding),
        children: (!s.children.is_empty()).then(|| s.children.iter().map(|c| document_symbol(session, index, c)).collect()),
    }
}

/// An outline → the flat form, for clients without hierarchical document symbols.
#[allow(deprecated, reason = "`deprecated` is a required field of the LSP type")]
pub(crate) fn flat_symbols(
    session: &Session,
    index: &LineIndex,
    doc: &lsp::Uri,
    list: &[ide::DocumentSymbol],
    container: Option<&str>,
    out: &mut Vec<lsp::SymbolInformation>,
) {
    for s in list {
        out.push(lsp::SymbolInformation {
            name: s.name.clone(),
            kind: outline_kind(s.kind),
            tags: None,
            deprecated: None,
            location: lsp::Location::new(doc.clone(), range(index, s.selection, session.encoding)),
            container_name: container.map(str::to_string),
        });
        flat_symbols(session, index, doc, &s.children, Some(&s.name), out);
    }
}

/// A project symbol → LSP.
#[allow(deprecated, reason = "`deprecated` is a required field of the LSP type")]
pub(crate) fn workspace_symbol(session: &Session, project: &Project, s: &ide::WorkspaceSymbol) -> Option<lsp::SymbolInformation> {
    Some(lsp::SymbolInformation {
        name: s.name.clone(),
        kind: outline_kind(s.kind),
        tags: None,
        deprecated: None,
        location: location(session, project, &s.location)?,
        container_name: s.container.clone(),
    })
}

/// A phase's section → an LSP folding range (whole lines); `None` for a one-line section.
pub(crate) fn folding_range(index: &LineIndex, f: &ide::Fold) -> Option<lsp::FoldingRange> {
    let start = index.line_of(f.range.start);
    let end = index.line_of(f.range.end);
    (end > start).then_some(lsp::FoldingRange {
        start_line: start,
        start_character: None,
        end_line: end,
        end_character: None,
        kind: Some(lsp::FoldingRangeKind::Region),
        collapsed_text: None,
    })
}

/// An inlay hint → LSP.
pub(crate) fn inlay_hint(session: &Session, index: &LineIndex, h: &ide::InlayHint) -> lsp::InlayHint {
    lsp::InlayHint {
        position: position(index, h.offset, session.encoding),
        label: lsp::InlayHintLabel::String(h.label.clone()),
        kind: None,
        text_edits: None,
        tooltip: h.tooltip.clone().map(lsp::InlayHintTooltip::String),
        padding_left: Some(true),
        padding_right: None,
        data: None,
    }
}

/// The semantic token legend: the engine's kinds in order, and the `declaration` modifier.
pub(crate) fn semantic_legend() -> lsp::SemanticTokensLegend {
    lsp::SemanticTokensLegend {
        token_types: ide::TokenKind::ALL.iter().map(|k| lsp::SemanticTokenType::new(k.as_str())).collect(),
        token_modifiers: vec![lsp::SemanticTokenModifier::DECLARATION],
    }
}

/// Semantic tokens → LSP's relative encoding (lines and starts as deltas, lengths in the
/// negotiated unit).
pub(crate) fn semantic_tokens(session: &Session, index: &LineIndex, tokens: &[ide::SemanticToken]) -> lsp::SemanticTokens {
    let mut data = Vec::with_capacity(tokens.len());
    let (mut last_line, mut last_start) = (0, 0);
    for t in tokens {
        let start = position(index, t.range.start, session.encoding);
        let end = position(index, t.range.end, session.encoding);
        if end.line != start.line || end.character <= start.character {
            continue;
        }
        let delta_line = start.line - last_line;
        let delta_start = if delta_line == 0 { start.character - last_start } else { start.character };
        data.push(lsp::SemanticToken {
            delta_line,
            delta_start,
            length: end.character - start.character,
            token_type: ide::TokenKind::ALL.iter().position(|k| *k == t.kind).unwrap_or(0) as u32,
            token_modifiers_bitset: u32::from(t.declaration),
        });
        last_line = start.line;
        last_start = start.character;
    }
    lsp::SemanticTokens { result_id: None, data }
}
