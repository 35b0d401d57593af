//! phasegate's language server.
//!
//! The only crate that knows LSP types. A handler converts in (`convert`), asks the engine through
//! the [`session::Session`], and converts out. See docs/lsp.md for the contract with editors.

mod convert;
mod create;
mod server;
mod session;

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
