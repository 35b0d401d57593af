// Settings of the extension and the initializationOptions built from them.
//
// This module does not import `vscode`, so the Node protocol test can import
// `buildInitializationOptions` and send exactly what the extension sends.
// The shape follows docs/lsp.md ("Settings").

/** Levels a diagnostic code can be set to (docs/lsp.md). */
export const SEVERITY_LEVELS = ["error", "warning", "information", "hint", "off"] as const;
export type SeverityLevel = (typeof SEVERITY_LEVELS)[number];

/** What the server accepts in `initializationOptions` and `workspace/didChangeConfiguration`. */
export interface ServerSettings {
  severity?: Record<string, SeverityLevel>;
  include?: string[];
  exclude?: string[];
  diagnostics?: DiagnosticsScope;
  watcher?: Watcher;
}

/** Who reports files changed outside the editor: the client if it can (else the server), the server, nobody. */
export const WATCHERS = ["auto", "server", "off"] as const;
export type Watcher = (typeof WATCHERS)[number];

/** Which files get diagnostics: every file once the workspace is indexed, or the open ones. */
export const DIAGNOSTICS_SCOPES = ["workspace", "openFiles"] as const;
export type DiagnosticsScope = (typeof DIAGNOSTICS_SCOPES)[number];

/** Keys of ServerSettings, each contributed as `phasegate.<key>` in package.json. */
export const SERVER_SETTING_KEYS = ["severity", "include", "exclude", "diagnostics", "watcher"] as const;

/** Settings that only the extension reads (not sent to the server). */
export const CLIENT_SETTING_KEYS = ["server.path", "trace.server"] as const;

/** Reads one `phasegate.<key>` setting; `vscode.workspace.getConfiguration("phasegate").get` fits. */
export type SettingReader = (key: string) => unknown;

function stringList(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter((item): item is string => typeof item === "string" && item.length > 0);
}

function severityMap(value: unknown): Record<string, SeverityLevel> {
  const result: Record<string, SeverityLevel> = {};
  if (value === null || typeof value !== "object" || Array.isArray(value)) return result;
  for (const [code, level] of Object.entries(value as Record<string, unknown>)) {
    if (typeof level === "string" && (SEVERITY_LEVELS as readonly string[]).includes(level)) {
      result[code] = level as SeverityLevel;
    }
  }
  return result;
}

/**
 * Builds the server settings from the editor settings. Empty values are left out,
 * so the server applies its own defaults (all keys are optional in docs/lsp.md).
 */
export function buildInitializationOptions(read: SettingReader): ServerSettings {
  const options: ServerSettings = {};
  const severity = severityMap(read("severity"));
  if (Object.keys(severity).length > 0) options.severity = severity;
  const include = stringList(read("include"));
  if (include.length > 0) options.include = include;
  const exclude = stringList(read("exclude"));
  if (exclude.length > 0) options.exclude = exclude;
  const diagnostics = read("diagnostics");
  // Sent unless unset: a change back to "workspace" must reach the server (settings notifications
  // replace only the keys they hold).
  if (typeof diagnostics === "string" && (DIAGNOSTICS_SCOPES as readonly string[]).includes(diagnostics)) {
    options.diagnostics = diagnostics as DiagnosticsScope;
  }
  const watcher = read("watcher");
  // Sent unless unset, as `diagnostics`.
  if (typeof watcher === "string" && (WATCHERS as readonly string[]).includes(watcher)) {
    options.watcher = watcher as Watcher;
  }
  return options;
}
