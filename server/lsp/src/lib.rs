//! phasegate's language server.
//!
//! The only crate that knows LSP types. A handler converts in (`convert`), asks the engine through
//! the [`session::Session`], and converts out. See docs/lsp.md for the contract with editors.

mod convert;
mod create;
mod server;
mod session;

/// Applies one `textDocument/didChange` content change to `rope`, as the server does: `range` is
/// `((start line, start character), (end line, end character))`, 0-based, with characters in
/// `encoding` units; `None` replaces the whole text. Positions follow LSP: lines end at `\n`,
/// `\r\n` and `\r`; a character past the end of its line is the line's end (before its line
/// break), a line past the last is the end of the text, a character inside a surrogate pair or
/// a UTF-8 sequence is the start of that character, and an end before the start is the start.
/// Public for the fuzz target that compares it with the engine's `LineIndex` (fuzz/).
pub fn apply_change(
    rope: &mut ropey::Rope,
    range: Option<((u32, u32), (u32, u32))>,
    text: &str,
    encoding: phasegate_engine::PositionEncoding,
) {
    match range {
        Some(((l1, c1), (l2, c2))) => {
            let pos = |line, character| tower_lsp_server::ls_types::Position::new(line, character);
            let start = convert::rope_char(rope, pos(l1, c1), encoding);
            let end = convert::rope_char(rope, pos(l2, c2), encoding).max(start);
            rope.remove(start..end);
            rope.insert(start, text);
        }
        None => *rope = ropey::Rope::from_str(text),
    }
}

/// Runs the language server on stdin/stdout until the client sends `exit` or closes stdin.
/// Returns normally in both cases; a runtime that cannot start is reported on stderr.
pub fn run_stdio() {
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("phasegate: cannot start the async runtime: {e}");
            return;
        }
    };
    runtime.block_on(async {
        let (service, socket) = tower_lsp_server::LspService::new(server::Backend::new);
        tower_lsp_server::Server::new(tokio::io::stdin(), tokio::io::stdout(), socket).serve(service).await;
    });
}
