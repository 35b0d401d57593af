//! phasegate's analysis engine.
//!
//! Pure: `(path, text)` in, workflow model, diagnostics and edits out. It knows no LSP types and
//! does no IO; the `phasegate` CLI and the language server both drive it through [`Workspace`].
//! See ARCHITECTURE.md for the map.

pub mod text;
pub(crate) mod syntax;
pub mod model;
pub(crate) mod paths;
pub(crate) mod extract;
pub mod facts;
pub mod actions;
#[cfg(test)]
mod seeds;
pub(crate) mod analysis;
pub mod diagnostics;
mod workspace;

pub use diagnostics::{Code, Diagnostic, Related, Severity};
pub use facts::{FileInput, MAX_TEXT_BYTES, wants_content};
pub use text::{LineIndex, Position, PositionEncoding, TextRange};
pub use workspace::{Config, Workspace};
pub use actions::{Action, ActionKind, FileChange, GateStatus, Refusal, TextEdit, WorkflowStatus, WorkspaceChange};
