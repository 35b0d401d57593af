// Palette commands. Each one calls a server command through
// `workspace/executeCommand` (docs/lsp.md, "Commands").
//
// The palette ids differ from the server's command ids on purpose:
// vscode-languageclient registers the server's ids (`phasegate.advance`, ...)
// itself so that code actions carrying a command work.

import * as vscode from "vscode";
import { ExecuteCommandRequest, type LanguageClient } from "vscode-languageclient/node";
import { GraphPanel } from "./graph";
import { formatStatus, isStatusResult, type StatusResult } from "./status";

/** Result of `phasegate.advance`, `phasegate.start` and `phasegate.scaffold`. */
interface ApplyResult {
  applied: boolean;
  message: string;
}

export interface CommandContext {
  /** The running client, or undefined while the server is not running. */
  client(): LanguageClient | undefined;
  restart(): Promise<void>;
  /** Called after a command may have changed the workflow's state. */
  refreshStatus(): void;
  /** Where "Show Workflow Status" writes the status. */
  output: vscode.OutputChannel;
  /** The extension's log (the "phasegate" output channel). */
  log: vscode.OutputChannel;
  /** The extension's folder (the graph panel loads media/mermaid.min.js from it). */
  extensionUri: vscode.Uri;
}

function activeDocumentUri(): string | undefined {
  const document = vscode.window.activeTextEditor?.document;
  return document && document.uri.scheme === "file" ? document.uri.toString() : undefined;
}

export async function executeServerCommand(
  client: LanguageClient,
  command: string,
  argument: Record<string, string>,
): Promise<unknown> {
  return client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [argument] });
}

function uriArgument(): Record<string, string> {
  const uri = activeDocumentUri();
  return uri ? { uri } : {};
}

function runningClient(context: CommandContext): LanguageClient | undefined {
  const client = context.client();
  if (!client || !client.isRunning()) {
    void vscode.window.showWarningMessage(
      "phasegate: the server is not running. Run \"phasegate: Restart Server\" or see the \"phasegate\" output.",
    );
    return undefined;
  }
  return client;
}

async function applyCommand(context: CommandContext, command: string): Promise<void> {
  const client = runningClient(context);
  if (!client) return;
  try {
    const result = (await executeServerCommand(client, command, uriArgument())) as ApplyResult | null;
    if (result?.applied) {
      void vscode.window.showInformationMessage(`phasegate: ${result.message}`);
    } else {
      void vscode.window.showWarningMessage(`phasegate: ${result?.message ?? "nothing was changed"}`);
    }
  } catch (error) {
    void vscode.window.showErrorMessage(`phasegate: ${command} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  context.refreshStatus();
}

export async function requestStatus(client: LanguageClient, uri: string | undefined): Promise<StatusResult | undefined> {
  const result = await executeServerCommand(client, "phasegate.status", uri ? { uri } : {});
  return isStatusResult(result) ? result : undefined;
}

async function showStatus(context: CommandContext): Promise<void> {
  const client = runningClient(context);
  if (!client) return;
  try {
    const status = await requestStatus(client, activeDocumentUri());
    context.output.clear();
    context.output.appendLine(status ? formatStatus(status) : "The server answered phasegate.status with no status object.");
    context.output.show(true);
  } catch (error) {
    void vscode.window.showErrorMessage(`phasegate: status failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function registerCommands(context: CommandContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand("phasegate.advanceWorkflow", () => applyCommand(context, "phasegate.advance")),
    vscode.commands.registerCommand("phasegate.scaffoldNextPhase", () => applyCommand(context, "phasegate.scaffold")),
    vscode.commands.registerCommand("phasegate.showWorkflowStatus", () => showStatus(context)),
    vscode.commands.registerCommand("phasegate.showWorkflowGraph", () => {
      if (runningClient(context)) GraphPanel.show(context.extensionUri, context.client, activeDocumentUri(), context.log);
    }),
    vscode.commands.registerCommand("phasegate.restartServer", () => context.restart()),
  ];
}
