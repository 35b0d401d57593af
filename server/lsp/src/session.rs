//! The server's state: the engine's [`Workspace`], open documents, settings, negotiated
//! capabilities and the diagnostics last computed. Mutated only under one lock, and never across
//! an `await`, so notifications apply in the order they arrive.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use phasegate_engine::{Diagnostic, FileInput, PositionEncoding, Severity, Workspace};
use ropey::Rope;
use serde::{Deserialize, Serialize};

use phasegate_host::disk::Filter;

/// An open document.
pub(crate) struct Document {
    pub text: Rope,
    pub version: i32,
}

/// Settings from `initializationOptions` or `workspace/didChangeConfiguration` (docs/lsp.md).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub(crate) struct Settings {
    pub severity: HashMap<String, String>,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
}

impl Settings {
    /// Reads settings from a JSON value: the object itself, or its `phasegate` member. Unknown
    /// keys are ignored; a malformed value gives `Err` with serde's message.
    pub(crate) fn from_json(value: &serde_json::Value) -> Result<Settings, String> {
        let v = value.get("phasegate").unwrap_or(value);
        if v.is_null() {
            return Ok(Settings::default());
        }
        serde_json::from_value(v.clone()).map_err(|e| e.to_string())
    }

    /// These settings with the keys present in `value` (the object or its `phasegate` member)
    /// replaced; absent keys keep their value. Clients such as eglot send
    /// `didChangeConfiguration` with `{}` right after start-up: that changes nothing.
    pub(crate) fn merged(&self, value: &serde_json::Value) -> Result<Settings, String> {
        let v = value.get("phasegate").unwrap_or(value);
        let Some(map) = v.as_object() else {
            return if v.is_null() { Ok(self.clone()) } else { Err("settings must be an object".to_string()) };
        };
        let mut out = self.clone();
        let patch = Settings::from_json(v)?;
        if map.contains_key("severity") {
            out.severity = patch.severity;
        }
        if map.contains_key("include") {
            out.include = patch.include;
        }
        if map.contains_key("exclude") {
            out.exclude = patch.exclude;
        }
        Ok(out)
    }

    pub(crate) fn filter(&self) -> Filter {
        Filter { include: self.include.clone(), exclude: self.exclude.clone() }
    }
}

/// What the client can do, from `initialize`.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct ClientCaps {
    pub pull_diagnostics: bool,
    pub diagnostic_refresh: bool,
    pub work_done_progress: bool,
    pub watch_registration: bool,
    pub document_changes: bool,
    pub create_files: bool,
    pub disabled_actions: bool,
    pub code_action_literals: bool,
    /// The client empties an existing file when it applies `CreateFile` with `ignoreIfExists:
    /// false` instead of failing: Neovim (0.11's `runtime/lua/vim/lsp/util.lua`, `create_file`,
    /// opens the file with `io.open(fname, 'w')` unless `ignoreIfExists` is set).
    pub create_truncates: bool,
}

/// All server state.
pub(crate) struct Session {
    pub root: Option<PathBuf>,
    pub encoding: PositionEncoding,
    pub caps: ClientCaps,
    pub settings: Settings,
    pub ws: Workspace,
    pub open: HashMap<String, Document>,
    /// Diagnostics from the last analysis, by workspace-relative path.
    pub diagnostics: BTreeMap<String, Vec<Diagnostic>>,
    /// What was last pushed, by path (push mode only).
    pub published: BTreeMap<String, Vec<Diagnostic>>,
    /// Bumped on every analysis; the pull result id.
    pub generation: u64,
    /// Whether the start-up index is loaded; before that, nothing is analysed or published (a
    /// partial workspace would give false diagnostics).
    pub indexed: bool,
}

impl Session {
    pub(crate) fn new() -> Session {
        Session {
            root: None,
            encoding: PositionEncoding::Utf16,
            caps: ClientCaps::default(),
            settings: Settings::default(),
            ws: Workspace::new(),
            open: HashMap::new(),
            diagnostics: BTreeMap::new(),
            published: BTreeMap::new(),
            generation: 0,
            indexed: false,
        }
    }

    /// Applies the severity settings to the engine's configuration; returns the codes it did
    /// not recognise.
    pub(crate) fn apply_settings(&mut self, settings: Settings) -> Vec<String> {
        let mut unknown = Vec::new();
        self.ws.config.severity.clear();
        for (code, level) in &settings.severity {
            if phasegate_engine::Code::parse(code).is_none() {
                unknown.push(format!("unknown diagnostic code `{code}`"));
                continue;
            }
            match level.as_str() {
                "off" | "none" => {
                    self.ws.config.severity.insert(code.clone(), None);
                }
                l => match Severity::parse(l) {
                    Some(s) => {
                        self.ws.config.severity.insert(code.clone(), Some(s));
                    }
                    None => unknown.push(format!("unknown severity `{l}` for `{code}`")),
                },
            }
        }
        self.settings = settings;
        unknown
    }

    /// Recomputes every diagnostic.
    pub(crate) fn analyze(&mut self) {
        if !self.indexed {
            return;
        }
        self.diagnostics = self.ws.diagnostics();
        self.generation += 1;
    }

    /// Hands an open document's current text to the engine.
    pub(crate) fn sync_document(&mut self, rel: &str) {
        if let Some(doc) = self.open.get(rel) {
            self.ws.set_file(rel, FileInput::Text(doc.text.to_string()));
        }
    }

    /// Files whose diagnostics differ from what was last pushed (including files that now have
    /// none), with their new lists; updates the record of what was pushed.
    pub(crate) fn push_changes(&mut self) -> Vec<(String, Vec<Diagnostic>)> {
        let mut out = Vec::new();
        for (path, list) in &self.diagnostics {
            if self.published.get(path) != Some(list) {
                out.push((path.clone(), list.clone()));
            }
        }
        for path in self.published.keys() {
            if !self.diagnostics.contains_key(path) {
                out.push((path.clone(), Vec::new()));
            }
        }
        for (path, list) in &out {
            if list.is_empty() {
                self.published.remove(path);
            } else {
                self.published.insert(path.clone(), list.clone());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Settings;
    use serde_json::json;

    /// docs/lsp.md (which the VS Code extension's settings are tested against) lists exactly the
    /// keys the server reads.
    #[test]
    fn documented_settings_are_the_servers() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/lsp.md");
        let doc = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let section = doc.split("## Settings").nth(1).unwrap_or_else(|| panic!("no Settings section"));
        let block = section.split("```json").nth(1).and_then(|b| b.split("```").next()).unwrap_or_else(|| panic!("no json block"));
        // Top-level keys: `"key":` at the block's first indentation level.
        let documented: Vec<String> = block
            .lines()
            .filter(|l| l.starts_with("  \"") && !l.starts_with("   "))
            .filter_map(|l| l.trim().strip_prefix('"')?.split('"').next().map(str::to_string))
            .collect();
        let value = serde_json::to_value(Settings::default()).unwrap_or_default();
        let mut ours: Vec<String> = value.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
        let mut documented_sorted = documented.clone();
        ours.sort();
        documented_sorted.sort();
        assert_eq!(documented_sorted, ours);
    }

    #[test]
    fn configuration_changes_replace_only_the_keys_they_hold() {
        let start =
            Settings::from_json(&json!({ "severity": { "gate-dangling": "warning" }, "exclude": ["editors/**"] })).unwrap_or_default();
        // eglot's empty notification right after start-up changes nothing.
        assert_eq!(start.merged(&json!({})), Ok(start.clone()));
        assert_eq!(start.merged(&serde_json::Value::Null), Ok(start.clone()));
        // VS Code's `{ phasegate: { ... } }` replaces what it names.
        let changed = start.merged(&json!({ "phasegate": { "exclude": [] } })).unwrap_or_default();
        assert_eq!(changed.severity.get("gate-dangling").map(String::as_str), Some("warning"));
        assert!(changed.exclude.is_empty());
        assert!(start.merged(&json!({ "severity": 3 })).is_err());
    }
}
