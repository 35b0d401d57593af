//! What phasegate's front ends share beyond the engine: the disk (walking a root, reading files
//! as the engine wants them), which folder is a project, the safety check every created or
//! edited path passes, writing a change to disk, and the clock. The engine does no IO and reads no clock; the CLI and the
//! language server both call this crate for them.

pub mod disk;
pub mod project;
pub mod safety;
pub mod watch;
pub mod write;

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
