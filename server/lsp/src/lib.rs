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
        let service = AfterShutdown { inner: service, shut_down: false };
        tower_lsp_server::Server::new(tokio::io::stdin(), tokio::io::stdout(), socket).serve(service).await;
    });
}

/// The requests a client sends because the server asked it to refresh its views (code lenses,
/// inlay hints, semantic tokens, pulled diagnostics).
const REFRESHED: [&str; 7] = [
    "textDocument/codeLens",
    "textDocument/inlayHint",
    "textDocument/semanticTokens/full",
    "textDocument/semanticTokens/full/delta",
    "textDocument/semanticTokens/range",
    "textDocument/diagnostic",
    "workspace/diagnostic",
];

/// The server as the transport sees it: every message goes to `inner`, except the requests of
/// [`REFRESHED`] that arrive after `shutdown`. Those get the error `ContentModified` (-32801)
/// instead of `InvalidRequest` (-32600), which `inner` would answer (LSP 3.17, "Shutdown
/// Request": requests after `shutdown` should error with `InvalidRequest`).
///
/// Why: a refresh the server sent just before `shutdown` arrived can reach the client after it
/// sent `shutdown`; Neovim 0.11 then still requests the views again (its refresh handlers do
/// not check that the client is stopping) and shows each `InvalidRequest` as an error message
/// ("phasegate: -32600: Invalid request"). Clients drop `ContentModified` without a word (LSP
/// 3.17, `ErrorCodes`: a client "generally should not show it in the UI"; Neovim's default
/// handlers and vscode-languageclient both drop it), and the answer is true: the views are of a
/// session that is ending. Every other request after
/// `shutdown` still gets `InvalidRequest`.
struct AfterShutdown<S> {
    inner: S,
    /// Set once a `shutdown` request has been read (messages are read, and passed here, in
    /// the order the client sent them).
    shut_down: bool,
}

impl<S> tower::Service<tower_lsp_server::jsonrpc::Request> for AfterShutdown<S>
where
    S: tower::Service<tower_lsp_server::jsonrpc::Request, Response = Option<tower_lsp_server::jsonrpc::Response>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = Option<tower_lsp_server::jsonrpc::Response>;
    type Error = S::Error;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: tower_lsp_server::jsonrpc::Request) -> Self::Future {
        use tower_lsp_server::jsonrpc::{Error, ErrorCode, Response};
        if self.shut_down
            && let Some(id) = req.id().cloned()
            && REFRESHED.contains(&req.method())
        {
            let error = Error {
                code: ErrorCode::ContentModified,
                message: "phasegate is shutting down: `shutdown` came before this request".into(),
                data: None,
            };
            return Box::pin(std::future::ready(Ok(Some(Response::from_error(id, error)))));
        }
        if req.method() == "shutdown" {
            self.shut_down = true;
        }
        Box::pin(self.inner.call(req))
    }
}
