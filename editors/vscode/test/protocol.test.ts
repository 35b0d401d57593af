// Drives the real server binary over stdio the way the extension does: the capabilities
// VS Code's client really sends (recorded, test/vscode-client-capabilities.json), the same
// initializationOptions (imported from the extension source), workspace and document pull
// diagnostics, code actions as the Ctrl+., Refactor and Source menus ask for them, and the
// palette's workspace/executeCommand calls.
//
// Server: $PHASEGATE_BIN, else ../../target/release/phasegate (skipped when that
// default is absent; a $PHASEGATE_BIN that does not exist is a failure).

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import type { Diagnostic, DocumentDiagnosticReport, InitializeResult } from "vscode-languageserver-protocol";
import { probeVersion } from "../src/bootstrap";
import { buildInitializationOptions } from "../src/config";
import { isStatusResult, statusBarText, type StatusResult } from "../src/status";
import { workflowNodes } from "../src/workflowsTree";
import { TestClient, waitFor, withTimeout } from "./lspClient";
import { copyFixture, extensionRoot, serverBinary } from "./paths";

const binary = serverBinary();
const skip = !binary.fromEnv && !fs.existsSync(binary.path) ? `no server binary at ${binary.path} (set PHASEGATE_BIN)` : false;

/** What a user could put in settings.json; hint is unlikely to be a default, so it shows the options arrived. */
const userSettings: Record<string, unknown> = {
  severity: { "gate-dangling": "hint", "not-a-level": "loud" },
  include: [],
  exclude: ["node_modules/**"],
};
const initializationOptions = buildInitializationOptions((key) => userSettings[key]);

/**
 * The capabilities VS Code's client sends, recorded from vscode-languageclient 9.0.1 in
 * code-server 4.100.3 (VS Code 1.100.3) by test/codeserver/drive.test.mjs, which checks on every
 * run that the real client still sends exactly these.
 */
const clientCapabilities = JSON.parse(fs.readFileSync(path.join(extensionRoot, "test", "vscode-client-capabilities.json"), "utf8"))
  .capabilities as Record<string, unknown>;

describe("phasegate server over stdio", { skip, timeout: 120_000 }, () => {
  let workspace: string;
  let client: TestClient;
  let initializeResult: InitializeResult;
  const uriOf = (relative: string) => pathToFileURL(path.join(workspace, relative)).toString();

  async function pull(uri: string): Promise<Diagnostic[]> {
    const report = await withTimeout(
      client.connection.sendRequest<DocumentDiagnosticReport>("textDocument/diagnostic", { textDocument: { uri } }),
      10_000,
      `textDocument/diagnostic for ${uri}`,
    );
    assert.equal(report.kind, "full", "the test never sends previousResultId, so reports are full");
    return report.kind === "full" ? report.items : [];
  }

  async function status(uri: string): Promise<StatusResult> {
    const result = await withTimeout(
      client.connection.sendRequest("workspace/executeCommand", { command: "phasegate.status", arguments: [{ uri }] }),
      10_000,
      "phasegate.status",
    );
    assert.ok(isStatusResult(result), `phasegate.status returned ${JSON.stringify(result)}`);
    return result;
  }

  // Set up by the first test that needs it (not in a `before` hook: a failing hook
  // leaves node:test's tests "cancelled", and a runner's summary may not count those as failed).
  let ready: Promise<void> | undefined;
  const setup = () => (ready ??= start());

  async function start(): Promise<void> {
    assert.ok(fs.existsSync(binary.path), `PHASEGATE_BIN=${binary.path} does not exist`);
    // The same check the extension makes before starting the server.
    await probeVersion(binary.path);
    workspace = copyFixture();
    client = new TestClient(binary.path, workspace, initializationOptions);
    initializeResult = await withTimeout(
      client.connection.sendRequest<InitializeResult>("initialize", {
        processId: process.pid,
        clientInfo: { name: "phasegate-protocol-test", version: "0" },
        rootUri: pathToFileURL(workspace).toString(),
        workspaceFolders: [{ uri: pathToFileURL(workspace).toString(), name: "fixture" }],
        capabilities: clientCapabilities,
        initializationOptions,
      }),
      10_000,
      "initialize",
    );
    await client.connection.sendNotification("initialized", {});
  }

  after(async () => {
    if (client) await client.shutdown();
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  it("sends the settings the way docs/lsp.md describes them", () => {
    assert.deepEqual(initializationOptions, {
      severity: { "gate-dangling": "hint" },
      exclude: ["node_modules/**"],
    });
  });

  it("declares what the extension relies on", async () => {
    await setup();
    const capabilities = initializeResult.capabilities;
    assert.ok(capabilities.diagnosticProvider, "pull diagnostics (the client declares textDocument.diagnostic)");
    assert.ok(capabilities.codeActionProvider, "code actions");
    const commands = capabilities.executeCommandProvider?.commands ?? [];
    for (const command of ["phasegate.advance", "phasegate.scaffold", "phasegate.status"]) {
      assert.ok(commands.includes(command), `executeCommandProvider lists ${command} (has ${commands.join(", ")})`);
    }
    const sync = capabilities.textDocumentSync;
    const change = typeof sync === "number" ? sync : sync?.change;
    assert.equal(change, 2, "incremental text sync");
  });

  it("reports every file through workspace/diagnostic before any is opened", async () => {
    await setup();
    assert.equal((initializeResult.capabilities.diagnosticProvider as { workspaceDiagnostics?: boolean }).workspaceDiagnostics, true);
    const report = await withTimeout(
      client.connection.sendRequest<{ items: { uri: string; kind: string; items: Diagnostic[] }[] }>("workspace/diagnostic", { previousResultIds: [] }),
      20_000,
      "workspace/diagnostic",
    );
    const workflow = report.items.find((item) => item.uri === uriOf("workflow.md"));
    assert.ok(workflow, `workflow.md is reported: ${JSON.stringify(report)}`);
    assert.ok(workflow.items.some((item) => item.code === "gate-dangling"), JSON.stringify(workflow.items));
    assert.equal(client.documents.size, 0, "no document was opened");
  });

  it("reports diagnostics for the workflow doc, with the configured severity", async () => {
    await setup();
    const uri = uriOf("workflow.md");
    client.open(uri, "markdown");
    const diagnostics = await waitFor("a gate-dangling diagnostic on workflow.md", 15_000, async () => {
      const items = await pull(uri);
      return items.some((item) => item.code === "gate-dangling") ? items : undefined;
    });
    for (const diagnostic of diagnostics) {
      assert.equal(diagnostic.source, "phasegate");
      assert.match(String(diagnostic.code), /^[a-z]+(-[a-z]+)*$/, "codes are stable kebab-case names");
    }
    const dangling = diagnostics.find((item) => item.code === "gate-dangling")!;
    const lines = client.documents.get(uri)!.text.split("\n");
    assert.match(lines[dangling.range.start.line] ?? "", /Proceed to Phase 4/);
    assert.equal(dangling.severity, 4, "phasegate.severity set gate-dangling to hint");
  });

  it("answers phasegate.status for the state file", async () => {
    await setup();
    const uri = uriOf("fixture-feature.state.yaml");
    client.open(uri, "yaml");
    const result = await status(uri);
    const workflow = result.workflows.find((item) => item.name === "fixture-feature");
    assert.ok(workflow, `status lists fixture-feature: ${JSON.stringify(result)}`);
    assert.equal(workflow.path, "workflow.md");
    assert.equal(workflow.statePath, "fixture-feature.state.yaml");
    assert.equal(workflow.current, "requirements");
    assert.equal(workflow.currentIndex, 1);
    assert.equal(workflow.phaseCount, 3);
    assert.equal(workflow.next, "design");
    assert.equal(statusBarText(workflow), "requirements 1/3 · gates met");
  });

  it("gives the Workflows view its tree: phasegate.status with no uri", async () => {
    await setup();
    const result = await withTimeout(
      client.connection.sendRequest("workspace/executeCommand", { command: "phasegate.status", arguments: [{}] }),
      10_000,
      "phasegate.status",
    );
    assert.ok(isStatusResult(result), `phasegate.status returned ${JSON.stringify(result)}`);
    const [workflow] = workflowNodes(result).filter((node) => node.label === "fixture-feature");
    assert.ok(workflow, JSON.stringify(result));
    assert.equal(workflow.description, "requirements 1/3 · gates met");
    assert.equal(workflow.commandUri, uriOf("fixture-feature.state.yaml"));
    const phases = workflow.children.map((phase) => [phase.label, phase.description, phase.contextValue, phase.open?.line]);
    assert.deepEqual(phases, [
      ["Requirements", "current · 1/1 deliverables · gate met", "phase.current", 10],
      ["Design", "pending · 0/1 deliverables · gate unmet", "phase", 17],
      ["Implementation", "pending · 0/1 deliverables · gate unmet", "phase", 27],
    ]);
    const [present] = workflow.children[0].children;
    assert.deepEqual([present.label, present.description, present.open?.uri], ["docs/requirements.md", "✓", uriOf("docs/requirements.md")]);
    const [missing] = workflow.children[1].children;
    assert.deepEqual([missing.label, missing.description, missing.open], ["docs/design.md", "✗ missing", undefined]);
  });

  it("advances through phasegate.advance and workspace/applyEdit", async () => {
    await setup();
    const uri = uriOf("fixture-feature.state.yaml");
    const result = (await withTimeout(
      client.connection.sendRequest("workspace/executeCommand", { command: "phasegate.advance", arguments: [{ uri }] }),
      10_000,
      "phasegate.advance",
    )) as { applied: boolean; message: string };
    assert.equal(result.applied, true, `advance refused: ${result.message}`);
    assert.equal(typeof result.message, "string");
    assert.equal(client.appliedEdits.length, 1, "one workspace/applyEdit");

    const text = client.documents.get(uri)!.text;
    assert.match(text, /^current:\s*design\s*$/m);
    assert.match(text, /from:\s*requirements/);
    assert.match(text, /to:\s*design/);

    const after = await waitFor("status to reach design", 10_000, async () => {
      const workflow = (await status(uri)).workflows.find((item) => item.name === "fixture-feature");
      return workflow?.current === "design" ? workflow : undefined;
    });
    assert.equal(after.currentIndex, 2);
    assert.equal(after.next, "implementation");
    assert.equal(statusBarText(after), "design 2/3 · 1 gate unmet");

    // Diagnostics follow the state: design's deliverable is now due.
    const workflowUri = uriOf("workflow.md");
    const missing = await waitFor("missing-deliverable for docs/design.md", 15_000, async () => {
      const items = await pull(workflowUri);
      return items.find((item) => item.code === "missing-deliverable" && item.message.includes("docs/design.md"));
    });
    assert.equal(missing.severity, 3, "a deliverable of the current phase is information");
  });

  it("refuses to advance past an unmet gate", async () => {
    await setup();
    const uri = uriOf("fixture-feature.state.yaml");
    const before = client.documents.get(uri)!.text;
    const result = (await withTimeout(
      client.connection.sendRequest("workspace/executeCommand", { command: "phasegate.advance", arguments: [{ uri }] }),
      10_000,
      "phasegate.advance",
    )) as { applied: boolean; message: string };
    assert.equal(result.applied, false);
    assert.match(result.message, /design\.md|Design reviewed/, "the message names an unmet criterion");
    assert.equal(client.documents.get(uri)!.text, before);
  });

  it("offers Advance and Scaffold in the Ctrl+. menu at the current: line, and under their kinds", async () => {
    await setup();
    const uri = uriOf("fixture-feature.state.yaml");
    const line = client.documents.get(uri)!.text.split("\n").findIndex((l) => l.startsWith("current:"));
    const at = { start: { line, character: 10 }, end: { line, character: 10 } };
    type Action = { title: string; kind?: string; disabled?: { reason: string }; edit?: { documentChanges?: { kind?: string }[] }; command?: { command: string } };
    const ask = (only?: string[]) =>
      withTimeout(
        client.connection.sendRequest<Action[]>("textDocument/codeAction", {
          textDocument: { uri },
          range: at,
          context: { diagnostics: [], triggerKind: 1, ...(only ? { only } : {}) },
        }),
        10_000,
        "textDocument/codeAction",
      );
    // Ctrl+.: no `only`. VS Code drops disabled and source actions from that menu.
    const menu = await ask();
    const advance = menu.find((a) => a.title.startsWith("Advance fixture-feature to implementation"));
    assert.ok(advance, JSON.stringify(menu));
    assert.equal(advance.kind, "quickfix");
    assert.equal(advance.disabled, undefined);
    assert.match(advance.title, /not yet: .*design/);
    assert.equal(advance.command?.command, "phasegate.explain");
    const scaffold = menu.find((a) => a.title === "Scaffold deliverables for design");
    assert.ok(scaffold, JSON.stringify(menu));
    assert.equal(scaffold.kind, "quickfix");
    assert.equal(scaffold.edit?.documentChanges?.[0]?.kind, "create");
    assert.equal(scaffold.command?.command, "phasegate.open", "opens the created file and says so");
    // "Refactor..." and "Source Action...": the kinds, and the disabled Advance with its reason.
    const refactor = await ask(["refactor"]);
    const disabled = refactor.find((a) => a.title === "Advance fixture-feature to implementation");
    assert.ok(disabled?.disabled?.reason.includes("docs/design.md"), JSON.stringify(refactor));
    assert.equal(disabled?.kind, "refactor.rewrite");
    const source = await ask(["source"]);
    assert.deepEqual(source.map((a) => [a.title, a.kind]), [["Scaffold deliverables for design", "source"]]);
  });
});
