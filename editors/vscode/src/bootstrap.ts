// Finds the phasegate server binary and checks it answers `--version`.
//
// Order: the `phasegate.server.path` setting, then the binary bundled in the
// extension (`server/phasegate`), then `phasegate` on PATH. A configured path
// that does not work is an error, not a reason to silently use another binary.
// No `vscode` import: the caller passes the setting and the extension path.

import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export interface ServerLookup {
  /** Value of `phasegate.server.path`, if set. */
  configuredPath?: string | null;
  /** Absolute path of the extension's root folder. */
  extensionPath: string;
  /** Defaults to process.platform. */
  platform?: NodeJS.Platform;
}

export interface FoundServer {
  path: string;
  version: string;
  source: "setting" | "bundled" | "PATH";
}

export class ServerNotFoundError extends Error {}

export function executableName(platform: NodeJS.Platform = process.platform): string {
  return platform === "win32" ? "phasegate.exe" : "phasegate";
}

export function bundledServerPath(extensionPath: string, platform: NodeJS.Platform = process.platform): string {
  return path.join(extensionPath, "server", executableName(platform));
}

/** Runs `<binary> --version`; resolves to its first line, e.g. `phasegate 0.1.0`. */
export function probeVersion(binary: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, ["--version"], { timeout: timeoutMs, windowsHide: true }, (error, stdout) => {
      if (error) {
        reject(error);
        return;
      }
      const firstLine = stdout.split(/\r?\n/, 1)[0]?.trim() ?? "";
      if (!firstLine.startsWith("phasegate")) {
        reject(new Error(`\`${binary} --version\` printed ${JSON.stringify(firstLine)}, not \`phasegate <version>\``));
        return;
      }
      resolve(firstLine);
    });
  });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** VS Code can unpack a .vsix without the executable bit; restore it on the bundled binary. */
function ensureExecutable(binary: string, platform: NodeJS.Platform): void {
  if (platform === "win32") return;
  try {
    const mode = fs.statSync(binary).mode;
    if ((mode & 0o111) === 0) fs.chmodSync(binary, mode | 0o755);
  } catch {
    // probeVersion reports the real problem.
  }
}

export async function findServer(lookup: ServerLookup): Promise<FoundServer> {
  const platform = lookup.platform ?? process.platform;
  const configured = lookup.configuredPath?.trim();
  if (configured) {
    try {
      return { path: configured, version: await probeVersion(configured), source: "setting" };
    } catch (error) {
      throw new ServerNotFoundError(
        `phasegate: the setting phasegate.server.path is "${configured}", but \`${configured} --version\` failed (${errorText(error)}). ` +
          "Fix: point the setting at a phasegate binary (build one with `cargo build --release`, it is target/release/phasegate), " +
          "or clear the setting to use the bundled binary.",
      );
    }
  }

  const failures: string[] = [];
  const bundled = bundledServerPath(lookup.extensionPath, platform);
  if (fs.existsSync(bundled)) {
    ensureExecutable(bundled, platform);
    try {
      return { path: bundled, version: await probeVersion(bundled), source: "bundled" };
    } catch (error) {
      failures.push(`bundled ${bundled}: ${errorText(error)}`);
    }
  } else {
    failures.push(`bundled ${bundled}: not present`);
  }

  const onPath = executableName(platform);
  try {
    return { path: onPath, version: await probeVersion(onPath), source: "PATH" };
  } catch (error) {
    failures.push(`${onPath} on PATH: ${errorText(error)}`);
  }

  throw new ServerNotFoundError(
    `phasegate: no working server binary found (${failures.join("; ")}). ` +
      "Fix: install a .vsix that bundles the server, put `phasegate` on your PATH (`cargo install --path server/cli`), " +
      "or set phasegate.server.path to the binary's full path.",
  );
}
