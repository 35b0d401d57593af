// "phasegate: Show Workflow Graph": a webview panel that draws the server's `phasegate.graph`
// answer (docs/lsp.md, "Commands": the Mermaid text `phasegate graph` prints) with the `mermaid`
// package bundled in the extension (media/mermaid.min.js, copied by scripts/copy-assets.mjs),
// and draws it again whenever the documents change.
//
// The page itself is src/graphPage.ts.

import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { graphHtml, graphMessage, type GraphMessage, nonce } from "./graphPage";

/** The one graph panel: created by the command, refreshed on changes, disposed when closed. */
export class GraphPanel implements vscode.Disposable {
  private static current: GraphPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private settle: NodeJS.Timeout | undefined;
  private ready = false;
  private last: string | undefined;
  /** Counts requests: an answer older than the latest request is dropped. */
  private sequence = 0;

  /** Shows the graph of the workflows of `uri` (a file: URI), or of every workflow when undefined. */
  static show(extensionUri: vscode.Uri, client: () => LanguageClient | undefined, uri: string | undefined, log: vscode.OutputChannel): void {
    if (GraphPanel.current) {
      GraphPanel.current.uri = uri;
      GraphPanel.current.panel.reveal(undefined, true);
      GraphPanel.current.refresh(0);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      "phasegate.workflowGraph",
      "Workflow Graph",
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, "media")] },
    );
    GraphPanel.current = new GraphPanel(panel, extensionUri, client, uri, log);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly client: () => LanguageClient | undefined,
    private uri: string | undefined,
    private readonly log: vscode.OutputChannel,
  ) {
    const mermaid = panel.webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, "media", "mermaid.min.js"));
    panel.webview.html = graphHtml(panel.webview.cspSource, mermaid.toString(), nonce());
    // Once soon after a change, and once more a little later: a change on disk reaches the server
    // (didChangeWatchedFiles) on its own schedule, which may be after the first request.
    const later = () => {
      this.refresh(300);
      if (this.settle) clearTimeout(this.settle);
      this.settle = setTimeout(() => {
        this.settle = undefined;
        void this.update();
      }, 1500);
    };
    const watcher = vscode.workspace.createFileSystemWatcher("**/*");
    this.disposables.push(
      watcher,
      watcher.onDidCreate(later),
      watcher.onDidChange(later),
      watcher.onDidDelete(later),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.scheme === "file") later();
      }),
      vscode.languages.onDidChangeDiagnostics(later),
      panel.webview.onDidReceiveMessage((m: { type?: string; message?: string }) => {
        if (m.type === "ready") {
          this.ready = true;
          this.last = undefined;
          this.refresh(0);
        } else if (m.type === "error") {
          this.log.appendLine(`phasegate: ${m.message ?? "the graph could not be drawn"}`);
        }
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Asks the server for the graph again after `delay` ms (changes in a burst give one request). */
  refresh(delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.update();
    }, delay);
  }

  private async update(): Promise<void> {
    if (!this.ready) return;
    const mine = ++this.sequence;
    const client = this.client();
    let message: GraphMessage;
    if (!client || !client.isRunning()) {
      message = { type: "empty", message: "The phasegate server is not running." };
    } else {
      try {
        const result = await client.sendRequest("workspace/executeCommand", {
          command: "phasegate.graph",
          arguments: [this.uri ? { uri: this.uri, format: "mermaid" } : { format: "mermaid" }],
        });
        const scope = this.uri ? vscode.workspace.asRelativePath(vscode.Uri.parse(this.uri)) : undefined;
        message = graphMessage(result, scope);
      } catch (error) {
        message = { type: "empty", message: `phasegate.graph failed: ${error instanceof Error ? error.message : String(error)}` };
      }
    }
    if (mine !== this.sequence) return;
    const key = JSON.stringify(message);
    if (key === this.last) return;
    this.last = key;
    if (message.type === "graph") this.panel.title = `Workflow Graph: ${message.title}`;
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (GraphPanel.current === this) GraphPanel.current = undefined;
    if (this.timer) clearTimeout(this.timer);
    if (this.settle) clearTimeout(this.settle);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
