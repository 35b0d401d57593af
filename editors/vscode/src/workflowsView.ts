// The "Workflows" view (Explorer): workflow → phases with their status → deliverables, from the
// server's status object, refreshed when the server says the status changed
// (`phasegate/statusChanged`); Advance on a workflow, Scaffold on a phase.

import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { executeServerCommand, requestStatus } from "./commands";
import { type Node, workflowNodes } from "./workflowsTree";

const REFRESH_DELAY_MS = 200;

export class WorkflowsView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private nodes: Node[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly client: () => LanguageClient | undefined) {
    this.subscriptions.push(
      this.changed,
      vscode.window.registerTreeDataProvider("phasegate.workflows", this),
      vscode.commands.registerCommand("phasegate.workflows.refresh", () => this.refresh()),
      vscode.commands.registerCommand("phasegate.workflows.advance", (node?: Node) => this.run(node, "phasegate.advance")),
      vscode.commands.registerCommand("phasegate.workflows.scaffold", (node?: Node) => this.run(node, "phasegate.scaffold")),
    );
  }

  /** Asks the server again, a little later, coalescing bursts of notifications. */
  refresh(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.update(), REFRESH_DELAY_MS);
  }

  private async update(): Promise<void> {
    const client = this.client();
    if (!client || !client.isRunning()) return;
    try {
      const status = await requestStatus(client, undefined);
      this.nodes = status ? workflowNodes(status) : [];
    } catch {
      this.nodes = [];
    }
    this.changed.fire(undefined);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const state =
      node.children.length === 0
        ? vscode.TreeItemCollapsibleState.None
        : node.kind === "workflow" || node.contextValue === "phase.current"
          ? vscode.TreeItemCollapsibleState.Expanded
          : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(node.label, state);
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.contextValue = node.contextValue;
    item.iconPath = new vscode.ThemeIcon(node.icon);
    if (node.open) {
      const position = new vscode.Position(node.open.line, 0);
      item.command = {
        title: "Open",
        command: "vscode.open",
        arguments: [vscode.Uri.parse(node.open.uri), { selection: new vscode.Range(position, position) }],
      };
    }
    return item;
  }

  getChildren(node?: Node): Node[] {
    return node ? node.children : this.nodes;
  }

  /** Advance (a workflow) or Scaffold (a phase) through the server, then refresh. */
  private async run(node: Node | undefined, command: string): Promise<void> {
    const client = this.client();
    if (!node || !client || !client.isRunning()) return;
    const argument: Record<string, string> = { workflow: node.workflow };
    if (node.commandUri) argument.uri = node.commandUri;
    if (command === "phasegate.scaffold" && node.phase) argument.phase = node.phase;
    try {
      const result = (await executeServerCommand(client, command, argument)) as { applied: boolean; message: string } | null;
      if (result?.applied) {
        void vscode.window.showInformationMessage(`phasegate: ${result.message}`);
      } else {
        void vscode.window.showWarningMessage(`phasegate: ${result?.message ?? "nothing was changed"}`);
      }
    } catch (error) {
      void vscode.window.showErrorMessage(`phasegate: ${command} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.refresh();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
