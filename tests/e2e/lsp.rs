//! LSP end-to-end tests (see lsp.rs).
