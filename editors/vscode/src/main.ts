// Extension entry point: finds the server, starts the language client,
// and wires the palette commands, the status bar item, the Workflows view and settings changes.

import * as cp from "node:child_process";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
} from "vscode-languageclient/node";
import { findServer, ServerNotFoundError } from "./bootstrap";
import { registerCommands } from "./commands";
import { buildInitializationOptions, SERVER_SETTING_KEYS } from "./config";
import { WorkflowStatusBar } from "./statusBar";
import { WorkflowsView } from "./workflowsView";

/** The files the server is asked about: workflow docs and state files. */
export const DOCUMENT_SELECTOR = [
  { scheme: "file", language: "markdown" },
  { scheme: "file", language: "yaml" },
  { scheme: "file", language: "json" },
];

let client: LanguageClient | undefined;
let serverProcess: cp.ChildProcess | undefined;
let output: vscode.OutputChannel | undefined;
let statusOutput: vscode.OutputChannel | undefined;
let statusBar: WorkflowStatusBar | undefined;
let workflowsView: WorkflowsView | undefined;

function serverSettings() {
  const configuration = vscode.workspace.getConfiguration("phasegate");
  return buildInitializationOptions((key) => configuration.get(key));
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const channel = output!;
  let server;
  try {
    server = await findServer({
      configuredPath: vscode.workspace.getConfiguration("phasegate").get<string | null>("server.path"),
      extensionPath: context.extensionPath,
    });
  } catch (error) {
    const message = error instanceof ServerNotFoundError ? error.message : `phasegate: ${String(error)}`;
    channel.appendLine(message);
    const choice = await vscode.window.showErrorMessage(message, "Open Settings", "Show Output");
    if (choice === "Open Settings") {
      void vscode.commands.executeCommand("workbench.action.openSettings", "phasegate.server.path");
    } else if (choice === "Show Output") {
      channel.show();
    }
    return;
  }
  channel.appendLine(`Using ${server.version} from ${server.path} (${server.source}).`);

  // The process is started here rather than by vscode-languageclient, whose own exit handler logs
  // every exit, the normal one at shutdown included, as "[Error] Server process exited with code 0.".
  const serverPath = server.path;
  const serverOptions: ServerOptions = async () => {
    const child = cp.spawn(serverPath, ["lsp"], { stdio: "pipe", windowsHide: true });
    child.on("exit", (code, signal) => {
      if (code === 0) {
        channel.appendLine("phasegate: the server stopped.");
      } else {
        channel.appendLine(`phasegate: the server exited with ${signal ? `signal ${signal}` : `code ${code}`}.`);
      }
    });
    child.on("error", (error) => channel.appendLine(`phasegate: the server could not run: ${error.message}`));
    serverProcess = child;
    return child;
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    initializationOptions: serverSettings,
    outputChannel: channel,
  };
  // The id "phasegate" makes vscode-languageclient read `phasegate.trace.server`.
  client = new LanguageClient("phasegate", "phasegate", serverOptions, clientOptions);
  // The server says when the status may have changed (`phasegate/statusChanged`, docs/lsp.md) to
  // a client that asks for it: the status bar and the Workflows view ask again then.
  client.registerFeature({
    fillClientCapabilities(capabilities) {
      capabilities.experimental = { ...(capabilities.experimental ?? {}), phasegateStatusNotification: true };
    },
    initialize() {},
    getState() {
      return { kind: "static" };
    },
    clear() {},
  });
  client.onNotification("phasegate/statusChanged", () => {
    statusBar?.refresh();
    workflowsView?.refresh();
  });
  try {
    await client.start();
  } catch (error) {
    channel.appendLine(`phasegate: the server failed to start: ${String(error)}`);
    void vscode.window.showErrorMessage(`phasegate: the server failed to start (${server.path}). See the "phasegate" output.`);
  }
  statusBar?.refresh();
  workflowsView?.refresh();
}

async function stopClient(): Promise<void> {
  const running = client;
  const process = serverProcess;
  client = undefined;
  serverProcess = undefined;
  if (running) {
    try {
      await running.stop();
    } catch {
      // Already stopped or never started.
    }
  }
  // The server exits on `exit`; one that does not is ended after two seconds.
  if (process && process.exitCode === null && process.signalCode === null) {
    const timer = setTimeout(() => process.kill(), 2000);
    process.once("exit", () => clearTimeout(timer));
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("phasegate");
  // "Show Workflow Status" clears and rewrites its own channel, not the server log.
  statusOutput = vscode.window.createOutputChannel("phasegate status");
  statusBar = new WorkflowStatusBar(() => client);
  workflowsView = new WorkflowsView(() => client);
  const restart = async () => {
    await stopClient();
    await startClient(context);
  };

  context.subscriptions.push(
    output,
    statusOutput,
    statusBar,
    workflowsView,
    ...registerCommands({
      client: () => client,
      restart,
      refreshStatus: () => {
        statusBar?.refresh();
        workflowsView?.refresh();
      },
      output: statusOutput,
      log: output,
      extensionUri: context.extensionUri,
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("phasegate.server.path")) {
        void restart();
        return;
      }
      const changed = SERVER_SETTING_KEYS.some((key) => event.affectsConfiguration(`phasegate.${key}`));
      if (changed && client?.isRunning()) {
        void client.sendNotification(DidChangeConfigurationNotification.type, {
          settings: { phasegate: serverSettings() },
        });
      }
    }),
  );

  await startClient(context);
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
