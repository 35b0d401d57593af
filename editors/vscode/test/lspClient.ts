// A minimal LSP client for tests: spawns the real server over stdio and answers
// the requests a VS Code client answers (progress, registration, configuration,
// applyEdit), applying workspace edits to the documents it has open.

import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import { fileURLToPath } from "node:url";
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from "vscode-jsonrpc/node";
import type {
  ApplyWorkspaceEditParams,
  Diagnostic,
  Position,
  PublishDiagnosticsParams,
  TextEdit,
  WorkspaceEdit,
} from "vscode-languageserver-protocol";

export interface OpenDocument {
  uri: string;
  languageId: string;
  version: number;
  text: string;
}

export class TestClient {
  readonly connection: MessageConnection;
  readonly documents = new Map<string, OpenDocument>();
  readonly pushed = new Map<string, Diagnostic[]>();
  readonly appliedEdits: WorkspaceEdit[] = [];
  readonly stderr: string[] = [];
  private readonly process: ChildProcess;

  constructor(binary: string, cwd: string, private readonly settings: unknown) {
    this.process = spawn(binary, ["lsp"], { cwd, stdio: ["pipe", "pipe", "pipe"] });
    this.process.stderr!.on("data", (chunk: Buffer) => this.stderr.push(chunk.toString()));
    this.connection = createMessageConnection(
      new StreamMessageReader(this.process.stdout!),
      new StreamMessageWriter(this.process.stdin!),
    );
    this.connection.onRequest("window/workDoneProgress/create", () => null);
    this.connection.onRequest("client/registerCapability", () => null);
    this.connection.onRequest("client/unregisterCapability", () => null);
    this.connection.onRequest("workspace/diagnostic/refresh", () => null);
    this.connection.onRequest("workspace/configuration", (params: { items: unknown[] }) =>
      params.items.map(() => this.settings),
    );
    this.connection.onRequest("workspace/applyEdit", (params: ApplyWorkspaceEditParams) =>
      this.applyWorkspaceEdit(params.edit),
    );
    this.connection.onNotification("textDocument/publishDiagnostics", (params: PublishDiagnosticsParams) => {
      this.pushed.set(params.uri, params.diagnostics);
    });
    this.connection.onNotification(() => {
      // window/logMessage, $/progress, ...: not needed by the tests.
    });
    this.connection.listen();
  }

  /** Sends a notification; a server that died shows up in the next request instead. */
  notify(method: string, params: unknown): void {
    this.connection.sendNotification(method, params).catch(() => undefined);
  }

  open(uri: string, languageId: string): OpenDocument {
    const text = fs.readFileSync(fileURLToPath(uri), "utf8");
    const document = { uri, languageId, version: 1, text };
    this.documents.set(uri, document);
    this.notify("textDocument/didOpen", { textDocument: { ...document } });
    return document;
  }

  /** Applies an edit the way an editor does: to the open buffer (then didChange), else to disk. */
  private applyWorkspaceEdit(edit: WorkspaceEdit): { applied: boolean; failureReason?: string } {
    this.appliedEdits.push(edit);
    const perDocument: Array<[string, TextEdit[]]> = [];
    for (const [uri, edits] of Object.entries(edit.changes ?? {})) perDocument.push([uri, edits]);
    for (const change of edit.documentChanges ?? []) {
      if ("textDocument" in change) perDocument.push([change.textDocument.uri, change.edits as TextEdit[]]);
      else return { applied: false, failureReason: `test client does not apply ${change.kind} operations` };
    }
    for (const [uri, edits] of perDocument) {
      const open = this.documents.get(uri);
      if (open) {
        const before = open.text;
        open.text = applyTextEdits(before, edits);
        open.version += 1;
        this.notify("textDocument/didChange", {
          textDocument: { uri, version: open.version },
          contentChanges: [{ range: { start: { line: 0, character: 0 }, end: endPosition(before) }, text: open.text }],
        });
      } else {
        const file = fileURLToPath(uri);
        fs.writeFileSync(file, applyTextEdits(fs.readFileSync(file, "utf8"), edits));
      }
    }
    return { applied: true };
  }

  async shutdown(): Promise<void> {
    try {
      await withTimeout(this.connection.sendRequest("shutdown"), 5000, "shutdown");
      await this.connection.sendNotification("exit");
    } catch {
      // The test already failed; make sure the process goes away below.
    }
    await new Promise<void>((resolve) => {
      if (this.process.exitCode !== null) return resolve();
      const timer = setTimeout(() => {
        this.process.kill("SIGKILL");
        resolve();
      }, 3000);
      this.process.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.connection.dispose();
  }
}

function endPosition(text: string): Position {
  const lines = text.split("\n");
  return { line: lines.length - 1, character: lines[lines.length - 1]!.length };
}

/** UTF-16 offsets (the default encoding); the fixture is ASCII apart from arrows in Markdown. */
function offsetAt(text: string, position: Position): number {
  let offset = 0;
  for (let line = 0; line < position.line; line += 1) {
    const next = text.indexOf("\n", offset);
    if (next === -1) return text.length;
    offset = next + 1;
  }
  return Math.min(offset + position.character, text.length);
}

export function applyTextEdits(text: string, edits: TextEdit[]): string {
  const resolved = edits
    .map((edit, index) => ({
      start: offsetAt(text, edit.range.start),
      end: offsetAt(text, edit.range.end),
      newText: edit.newText,
      index,
    }))
    // Last edit first; among inserts at one position the array order is the result order.
    .sort((a, b) => b.start - a.start || b.index - a.index);
  let result = text;
  for (const edit of resolved) result = result.slice(0, edit.start) + edit.newText + result.slice(edit.end);
  return result;
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Retries `probe` until it returns a value (not undefined) or the time is up. */
export async function waitFor<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
