// Status bar item: the active file's workflow and phase, from `phasegate.status`.

import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { requestStatus } from "./commands";
import { formatStatus, statusBarText } from "./status";

const REFRESH_DELAY_MS = 300;

export class WorkflowStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("phasegate.status", vscode.StatusBarAlignment.Left, 10);
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;

  constructor(private readonly client: () => LanguageClient | undefined) {
    this.item.name = "phasegate workflow";
    this.item.command = "phasegate.showWorkflowStatus";
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.refresh()),
      vscode.workspace.onDidSaveTextDocument(() => this.refresh()),
      vscode.languages.onDidChangeDiagnostics(() => this.refresh()),
    );
  }

  /** Asks the server again, a little later, coalescing bursts of events. */
  refresh(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.update(), REFRESH_DELAY_MS);
  }

  private async update(): Promise<void> {
    const generation = ++this.generation;
    const client = this.client();
    const document = vscode.window.activeTextEditor?.document;
    if (!client || !client.isRunning() || !document || document.uri.scheme !== "file") {
      this.item.hide();
      return;
    }
    try {
      const status = await requestStatus(client, document.uri.toString());
      if (generation !== this.generation) return;
      const workflow = status?.workflows[0];
      if (!status || !workflow) {
        this.item.hide();
        return;
      }
      this.item.text = `$(checklist) ${statusBarText(workflow)}`;
      this.item.tooltip = formatStatus({ workflows: [workflow] });
      this.item.show();
    } catch {
      if (generation === this.generation) this.item.hide();
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.item.dispose();
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
