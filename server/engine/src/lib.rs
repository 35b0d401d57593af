//! phasegate's analysis engine.
//!
//! Pure: `(path, text)` in, workflow model, diagnostics and edits out. It knows no LSP types and
//! does no IO; the `phasegate` CLI and the language server both drive it through [`Workspace`].
//! See ARCHITECTURE.md for the map.

pub mod actions;
pub(crate) mod analysis;
pub mod config;
pub mod diagnostics;
pub(crate) mod extract;
pub mod facts;
pub mod frameworks;
pub mod graph;
pub mod ide;
pub mod model;
pub(crate) mod paths;
#[cfg(test)]
mod seeds;
pub(crate) mod state;
pub(crate) mod syntax;
pub mod text;
mod workspace;

pub use actions::{
    Action, ActionKind, CriterionReport, DeliverableState, FileChange, FileReport, GateExplanation, GateStatus, PhaseStatus, Refusal,
    TextEdit, WorkflowStatus, WorkspaceChange,
};
pub use config::{CONFIG_FILE, ProjectConfig};
pub use diagnostics::{Code, Diagnostic, MAX_PER_CODE, Related, Severity};
pub use facts::{BOM, FileInput, MAX_TEXT_BYTES, wants_content};
pub use text::{LineIndex, Position, PositionEncoding, TextRange};
pub use workspace::{Config, DiagnosticCollection, LoadedFile, Summary, Workspace};
