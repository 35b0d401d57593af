//! phasegate's language server, and the disk access it shares with the CLI. The only crate that
//! knows LSP types: it converts between them and the engine's plain data.

pub mod disk;

/// Runs the language server on stdin/stdout until the client exits.
pub fn run_stdio() {}
