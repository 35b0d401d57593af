//! phasegate's language server, and the disk access it shares with the CLI.
//!
//! The only crate that knows LSP types. A handler converts in (`convert`), asks the engine through
//! the [`session::Session`], and converts out. See docs/lsp.md for the contract with editors.

mod convert;
pub mod disk;
mod server;
mod session;

/// The current time as the engine's actions record it: RFC 3339 UTC with seconds
/// (`2026-11-21T15:00:00Z`). When `SOURCE_DATE_EPOCH` holds a number of seconds, that instant is
/// used instead (the reproducible-builds convention), so tests and demos are repeatable.
pub fn now() -> String {
    let t = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .map(|s| std::time::UNIX_EPOCH + std::time::Duration::from_secs(s))
        .unwrap_or_else(std::time::SystemTime::now);
    humantime::format_rfc3339_seconds(t).to_string()
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
