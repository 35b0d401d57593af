//! End-to-end tests: the real `phasegate` binary on fixture workspaces (CLI) and over stdio
//! (LSP, MCP). One test binary for all of them, to keep link times down.

mod authoring;
mod cli;
mod drift;
mod forgery;
mod frameworks;
mod graph;
mod limits;
mod lsp;
mod mcp;
mod openspec;
mod projects;
mod safety;
mod soak;
mod speckit;
