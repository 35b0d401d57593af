// The pure parts of the workflow graph panel (src/graph.ts), unit-tested without VS Code: the
// `phasegate.graph` answer read into what the panel shows, and the webview's page.
//
// The page runs only its two scripts (a nonce-based Content Security Policy: no inline handlers,
// no eval) and renders with Mermaid's `securityLevel: "strict"`: labels taken from documents are
// text, never HTML or script.

import * as crypto from "node:crypto";

/** Result of the server's `phasegate.graph` command. */
export interface GraphResult {
  format: string;
  /** The Mermaid flowchart. */
  text: string;
  /** The name of each workflow (or run) drawn, in order. */
  workflows: string[];
}

export function isGraphResult(value: unknown): value is GraphResult {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.text === "string" && Array.isArray(v.workflows) && v.workflows.every((w) => typeof w === "string");
}

/** What the panel shows next: the drawing, or a sentence saying why there is none. */
export type GraphMessage = { type: "graph"; text: string; title: string } | { type: "empty"; message: string };

/** The message for a `phasegate.graph` answer (pure; unit-tested). */
export function graphMessage(result: unknown, scope: string | undefined): GraphMessage {
  if (!isGraphResult(result)) {
    return { type: "empty", message: "The server answered phasegate.graph with no graph." };
  }
  if (result.workflows.length === 0) {
    return {
      type: "empty",
      message: scope ? `No workflow found for ${scope}.` : "No workflow found in this workspace.",
    };
  }
  const names = [...new Set(result.workflows)];
  return { type: "graph", text: result.text, title: names.length <= 3 ? names.join(", ") : `${names.length} workflows` };
}

/** A fresh nonce for the webview's Content Security Policy. */
export function nonce(): string {
  return crypto.randomBytes(18).toString("base64");
}

/** The webview's page; `mermaidUri` is the bundled media/mermaid.min.js as a webview URI. */
export function graphHtml(cspSource: string, mermaidUri: string, scriptNonce: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${cspSource} data:; font-src ${cspSource}; style-src ${cspSource} 'unsafe-inline'; script-src 'nonce-${scriptNonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { padding: 0.5rem 1rem; }
  #title { font-weight: 600; margin: 0.25rem 0 0.75rem; }
  #message { opacity: 0.8; }
  #error { color: var(--vscode-errorForeground); white-space: pre-wrap; }
  #graph svg { max-width: none; height: auto; }
</style>
</head>
<body>
<div id="title"></div>
<div id="message">Drawing the workflow graph…</div>
<pre id="error"></pre>
<div id="graph"></div>
<script nonce="${scriptNonce}" src="${mermaidUri}"></script>
<script nonce="${scriptNonce}">
  const vscode = acquireVsCodeApi();
  const dark = document.body.classList.contains("vscode-dark") || document.body.classList.contains("vscode-high-contrast");
  mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: dark ? "dark" : "default", flowchart: { htmlLabels: false, useMaxWidth: false } });
  const title = document.getElementById("title");
  const message = document.getElementById("message");
  const error = document.getElementById("error");
  const graph = document.getElementById("graph");
  let drawn = 0;
  let latest = 0;
  window.addEventListener("message", async (event) => {
    const data = event.data;
    const mine = ++latest;
    if (data.type === "empty") {
      title.textContent = "";
      message.textContent = data.message;
      error.textContent = "";
      graph.replaceChildren();
      vscode.postMessage({ type: "shown", empty: true });
      return;
    }
    if (data.type !== "graph") return;
    try {
      const { svg } = await mermaid.render("phasegate-graph-" + ++drawn, data.text);
      if (mine !== latest) return;
      title.textContent = data.title;
      message.textContent = "";
      error.textContent = "";
      graph.innerHTML = svg;
      vscode.postMessage({ type: "shown", empty: false });
    } catch (e) {
      if (mine !== latest) return;
      message.textContent = "";
      error.textContent = "Mermaid could not draw this graph: " + (e && e.message ? e.message : String(e));
      vscode.postMessage({ type: "error", message: error.textContent });
    }
  });
  vscode.postMessage({ type: "ready" });
</script>
</body>
</html>`;
}

