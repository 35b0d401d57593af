// Tests of the extension's pure parts: settings, status text, server lookup,
// and that package.json's settings match docs/lsp.md so they cannot drift.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { bundledServerPath, findServer, ServerNotFoundError } from "../src/bootstrap";
import { buildInitializationOptions, CLIENT_SETTING_KEYS, SERVER_SETTING_KEYS, SEVERITY_LEVELS, WATCHERS } from "../src/config";
import { graphHtml, graphMessage } from "../src/graphPage";
import { formatStatus, statusBarText, type WorkflowStatus } from "../src/status";
import { fileUri, type WorkflowDetail, workflowNodes } from "../src/workflowsTree";
import { extensionRoot, repoRoot } from "./paths";

interface ConfigurationProperty {
  type: string | string[];
  enum?: string[];
  properties?: Record<string, { enum?: string[] }>;
  additionalProperties?: boolean;
}

const manifest = JSON.parse(fs.readFileSync(path.join(extensionRoot, "package.json"), "utf8"));
const properties: Record<string, ConfigurationProperty> = manifest.contributes.configuration.properties;

/** The JSON block under "## Settings" in docs/lsp.md (it is not strict JSON: `"a" | "b"`). */
function documentedSettingsBlock(): string | undefined {
  const file = path.join(repoRoot, "docs", "lsp.md");
  if (!fs.existsSync(file)) return undefined;
  const text = fs.readFileSync(file, "utf8");
  const section = text.slice(text.indexOf("## Settings"));
  return /```json\n([\s\S]*?)```/.exec(section)?.[1];
}

describe("settings", () => {
  it("package.json contributes exactly the server settings and the client settings", () => {
    const expected = [...SERVER_SETTING_KEYS, ...CLIENT_SETTING_KEYS].map((key) => `phasegate.${key}`).sort();
    assert.deepEqual(Object.keys(properties).sort(), expected);
  });

  it("package.json's severity levels are the ones the extension sends", () => {
    const codes = properties["phasegate.severity"]!.properties ?? {};
    assert.ok(Object.keys(codes).length > 0);
    for (const [code, schema] of Object.entries(codes)) assert.deepEqual(schema.enum, [...SEVERITY_LEVELS], code);
  });

  it("package.json's severity codes are the server's (docs/diagnostics.md, generated from the engine)", (t) => {
    const file = path.join(repoRoot, "docs", "diagnostics.md");
    if (!fs.existsSync(file)) {
      t.skip("docs/diagnostics.md does not exist");
      return;
    }
    const documented = [...fs.readFileSync(file, "utf8").matchAll(/^\| \[`([a-z-]+)`\]/gm)].map((match) => match[1]);
    assert.ok(documented.length > 0, "docs/diagnostics.md lists codes in its table");
    assert.deepEqual(Object.keys(properties["phasegate.severity"]!.properties ?? {}).sort(), documented.sort());
  });

  it("the server settings and levels are the ones docs/lsp.md documents", (t) => {
    const block = documentedSettingsBlock();
    if (block === undefined) {
      t.skip("docs/lsp.md has no Settings block");
      return;
    }
    const topLevelKeys = [...block.matchAll(/^ {2}"([a-z]+)":/gm)].map((match) => match[1]);
    assert.deepEqual(topLevelKeys.sort(), [...SERVER_SETTING_KEYS].sort());
    const severityLine = block.split("\n").find((line) => line.includes('"severity"')) ?? "";
    const levels = [...severityLine.matchAll(/(?:: |\| )"([a-z]+)"/g)].map((match) => match[1]);
    assert.deepEqual(levels, [...SEVERITY_LEVELS]);
    const watcherLine = block.split("\n").find((line) => line.includes('"watcher"')) ?? "";
    const watchers = [...watcherLine.matchAll(/(?:: |\| )"([a-z]+)"/g)].map((match) => match[1]);
    assert.deepEqual(watchers, [...WATCHERS]);
    assert.deepEqual(properties["phasegate.watcher"]?.enum, [...WATCHERS]);
  });

  it("builds initializationOptions, leaving out empty and invalid values", () => {
    assert.deepEqual(buildInitializationOptions(() => undefined), {});
    const settings: Record<string, unknown> = {
      severity: { "merge-conflict": "off", "gate-unmet": "fatal", "missing-deliverable": 3 },
      include: ["docs/**", "", 7],
      exclude: [],
      watcher: "off",
      "server.path": "/ignored",
    };
    assert.deepEqual(buildInitializationOptions((key) => settings[key]), {
      severity: { "merge-conflict": "off" },
      include: ["docs/**"],
      watcher: "off",
    });
    assert.deepEqual(buildInitializationOptions((key) => ({ watcher: "sometimes" })[key]), {});
  });
});

describe("commands", () => {
  const source = ["commands.ts", "workflowsView.ts"].map((name) => fs.readFileSync(path.join(extensionRoot, "src", name), "utf8")).join("\n");
  const registered = [...source.matchAll(/registerCommand\("([^"]+)"/g)].map((match) => match[1]).sort();
  const contributed: string[] = manifest.contributes.commands.map((command: { command: string }) => command.command).sort();

  it("every palette command in package.json is registered, and only those", () => {
    assert.deepEqual(registered, contributed);
  });

  it("palette ids differ from the server's commands, which vscode-languageclient registers itself", () => {
    for (const serverCommand of ["phasegate.advance", "phasegate.start", "phasegate.scaffold", "phasegate.status", "phasegate.graph"]) {
      assert.ok(!contributed.includes(serverCommand), serverCommand);
    }
  });

  it("the palette titles read as the issue names them", () => {
    // The Workflows view's item commands are hidden from the palette (they need an item).
    const hidden = new Set(
      manifest.contributes.menus.commandPalette
        .filter((entry: { when: string }) => entry.when === "false")
        .map((entry: { command: string }) => entry.command),
    );
    const titles = manifest.contributes.commands
      .filter((command: { command: string }) => !hidden.has(command.command))
      .map((command: { category: string; title: string }) => `${command.category}: ${command.title}`);
    assert.deepEqual(titles.sort(), [
      "phasegate: Advance Workflow",
      "phasegate: Refresh Workflows",
      "phasegate: Restart Server",
      "phasegate: Scaffold Next Phase",
      "phasegate: Show Workflow Graph",
      "phasegate: Show Workflow Status",
    ]);
    assert.deepEqual([...hidden].sort(), ["phasegate.workflows.advance", "phasegate.workflows.scaffold"]);
  });
});

describe("status text", () => {
  const design: WorkflowStatus = {
    name: "checkout-feature",
    path: "docs/workflow.md",
    statePath: "state/checkout.state.yaml",
    status: "in-progress",
    current: "design",
    currentIndex: 2,
    phaseCount: 3,
    next: "implementation",
    gates: [
      { phase: "design", met: false, unmet: ["deliverable `docs/design.md` is missing"] },
      { phase: "implementation", met: false, unmet: ["tests pass"] },
    ],
  };

  it("shows the phase, its position and the gates blocking it", () => {
    assert.equal(statusBarText(design), "design 2/3 · 1 gate unmet");
    assert.equal(statusBarText({ ...design, gates: [] }), "design 2/3 · gates met");
    assert.equal(
      statusBarText({ ...design, statePath: null, current: null, currentIndex: null, next: null }),
      "checkout-feature: not started",
    );
    // A finished run (a BMAD entry at `done`), a state machine's run, a run at an undeclared step.
    assert.equal(statusBarText({ ...design, status: "completed", current: "done", currentIndex: null, next: null }), "checkout-feature: completed");
    assert.equal(statusBarText({ ...design, current: "tasks_generated", currentIndex: null }), "checkout-feature: in tasks_generated");
    assert.equal(statusBarText({ ...design, status: "unknown", current: "relase", currentIndex: null }), "checkout-feature: at unknown relase");
    assert.match(formatStatus({ workflows: [{ ...design, status: "completed", current: "done", currentIndex: null }] }), /completed \(3 phases\)/);
  });

  it("formats the whole status with each unmet criterion", () => {
    const text = formatStatus({ workflows: [design] });
    assert.match(text, /checkout-feature \(docs\/workflow\.md\)/);
    assert.match(text, /current: design \(2\/3\)/);
    assert.match(text, /- deliverable `docs\/design\.md` is missing/);
    assert.equal(formatStatus({ workflows: [] }), "No workflow found for this file.");
  });

  it("leaves a run its framework's engine moves to that engine", () => {
    // A Spec Kit workflow run paused at a gate: the server names no next step, and says what
    // the engine waits for (`engine`).
    const run: WorkflowStatus = {
      ...design,
      name: "a1b2c3d4",
      current: "review",
      next: null,
      engine: "Spec Kit's engine runs `Full SDD`: the run waits at gate `review` for a decision (approve or reject)",
      gates: [],
    };
    assert.equal(statusBarText(run), "review 2/3 · moved by its engine");
    const text = formatStatus({ workflows: [run] });
    assert.match(text, /next: as its engine decides/);
    assert.match(text, /engine: Spec Kit's engine runs `Full SDD`: the run waits at gate `review`/);
    assert.doesNotMatch(text, /none \(last phase\)/);
    // The Workflows view: the same words on the run's node.
    const [node] = workflowNodes({ workflows: [run] });
    assert.equal(node.description, "review 2/3 · moved by its engine");
    assert.match(node.tooltip, /\nSpec Kit's engine runs `Full SDD`: the run waits at gate `review`/);
  });

  it("says what a workflow with no current step is, as `phasegate status` does", () => {
    // A Spec Kit run whose state.json was cut off mid-write: a state file, no step read from it.
    const torn: WorkflowStatus = {
      ...design,
      name: "torn",
      path: ".specify/workflows/runs/torn/workflow.yml",
      statePath: ".specify/workflows/runs/torn/state.json",
      status: "unknown",
      current: null,
      currentIndex: null,
      next: null,
      framework: "speckit",
      recognisedBy: ["definition"],
      engine: "Spec Kit cannot load run `torn`: its `state.json` is not a JSON object",
      gates: [],
    };
    assert.equal(statusBarText(torn), "torn: unknown");
    const text = formatStatus({ workflows: [torn] });
    assert.match(text, /current: none read from the state file \(unknown\)/);
    assert.match(text, /engine: Spec Kit cannot load run `torn`/);
    assert.match(text, /state file: \.specify\/workflows\/runs\/torn\/state\.json/);
    assert.doesNotMatch(text, /not started/);
    // Spec Kit's own definition, never run: its engine runs it, not "Start".
    const definition = { ...torn, name: "sdd", statePath: null, status: "not-started", engine: undefined };
    assert.match(formatStatus({ workflows: [definition] }), /not started: run by its framework's own engine/);
    // A workflow of phasegate's own format: "Start" creates its state file.
    const plain = { ...definition, framework: null, recognisedBy: ["heading"] };
    assert.match(formatStatus({ workflows: [plain] }), /not started: no state file yet \(use the "Start" code action/);
    // A feature whose run is inferred from its artifacts, none there yet.
    const feature = { ...definition, framework: "kiro", recognisedBy: ["framework", "artifacts"] };
    assert.match(formatStatus({ workflows: [feature] }), /not started: none of its phases' artifacts exist yet/);
  });
});

describe("server lookup", { skip: process.platform === "win32" ? "uses shell scripts" : false }, () => {
  // Each test's folder, removed when the suite ends.
  const roots: string[] = [];
  after(() => {
    for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
  });
  function tempRoot(): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "phasegate-lookup-"));
    roots.push(root);
    return root;
  }

  function fakeServer(file: string, versionLine: string): string {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `#!/bin/sh\necho '${versionLine}'\n`, { mode: 0o755 });
    return file;
  }

  it("prefers the setting, then the bundled binary", async () => {
    const root = tempRoot();
    const configured = fakeServer(path.join(root, "custom", "phasegate"), "phasegate 9.9.9");
    fakeServer(bundledServerPath(root), "phasegate 1.0.0");
    assert.deepEqual(await findServer({ configuredPath: configured, extensionPath: root }), {
      path: configured,
      version: "phasegate 9.9.9",
      source: "setting",
    });
    assert.deepEqual(await findServer({ configuredPath: null, extensionPath: root }), {
      path: bundledServerPath(root),
      version: "phasegate 1.0.0",
      source: "bundled",
    });
  });

  it("restores the executable bit of the bundled binary", async () => {
    const root = tempRoot();
    const bundled = fakeServer(bundledServerPath(root), "phasegate 1.0.0");
    fs.chmodSync(bundled, 0o644);
    assert.equal((await findServer({ extensionPath: root })).source, "bundled");
  });

  it("falls back to PATH, and explains the fix when nothing works", async () => {
    const root = tempRoot();
    const bin = path.join(root, "bin");
    fakeServer(path.join(bin, "phasegate"), "phasegate 2.0.0");
    const savedPath = process.env.PATH;
    try {
      process.env.PATH = bin;
      assert.equal((await findServer({ extensionPath: root })).source, "PATH");
      process.env.PATH = path.join(root, "empty");
      await assert.rejects(findServer({ extensionPath: root }), (error: unknown) => {
        assert.ok(error instanceof ServerNotFoundError);
        assert.match(error.message, /phasegate\.server\.path/);
        assert.match(error.message, /not present/);
        return true;
      });
    } finally {
      process.env.PATH = savedPath;
    }
  });

  it("does not silently replace a broken configured path", async () => {
    const root = tempRoot();
    fakeServer(bundledServerPath(root), "phasegate 1.0.0");
    const wrong = fakeServer(path.join(root, "wrong"), "something else 1.0");
    await assert.rejects(findServer({ configuredPath: wrong, extensionPath: root }), /phasegate\.server\.path is/);
    await assert.rejects(findServer({ configuredPath: path.join(root, "missing"), extensionPath: root }), ServerNotFoundError);
  });
});

describe("Workflows view tree", () => {
  it("builds workflow → phases → deliverables, with file URIs percent-encoded", () => {
    const nodes = workflowNodes({
      workflows: [
        {
          name: "café",
          path: "docs/café.md",
          statePath: null,
          status: "not-started",
          current: null,
          currentIndex: null,
          phaseCount: 1,
          next: null,
          gates: [],
          project: "file:///work/shop",
          phases: [
            {
              id: "design",
              title: "Design",
              status: "not-started",
              gateMet: null,
              line: 4,
              deliverables: [{ path: "docs/plan ✓.md", status: "missing", optional: true }],
            },
          ],
        } as WorkflowDetail,
      ],
    });
    assert.equal(nodes.length, 1);
    assert.equal(nodes[0].description, "café: not started");
    assert.equal(nodes[0].commandUri, "file:///work/shop/docs/caf%C3%A9.md");
    const [phase] = nodes[0].children;
    assert.deepEqual([phase.label, phase.description, phase.open], ["Design", "not-started", { uri: "file:///work/shop/docs/caf%C3%A9.md", line: 4 }]);
    assert.deepEqual([phase.children[0].description, phase.children[0].open], ["✗ missing (optional)", undefined]);
    assert.equal(fileUri("file:///work/shop/", "a b/c#d.md"), "file:///work/shop/a%20b/c%23d.md");
  });
});

describe("workflow graph panel", () => {
  it("shows the drawing, titled by the workflows drawn", () => {
    const result = { format: "mermaid", text: "flowchart LR\n  a --> b\n", workflows: ["checkout-feature", "checkout-hotfix"] };
    assert.deepEqual(graphMessage(result, undefined), {
      type: "graph",
      text: "flowchart LR\n  a --> b\n",
      title: "checkout-feature, checkout-hotfix",
    });
  });

  it("names at most three workflows in the title", () => {
    const result = { format: "mermaid", text: "flowchart LR\n", workflows: ["a", "b", "b", "c", "d"] };
    assert.equal((graphMessage(result, undefined) as { title: string }).title, "4 workflows");
    assert.equal((graphMessage({ ...result, workflows: ["a", "b", "b"] }, undefined) as { title: string }).title, "a, b");
  });

  it("says so when there is nothing to draw or the answer is not a graph", () => {
    assert.deepEqual(graphMessage({ format: "mermaid", text: "flowchart LR\n", workflows: [] }, "notes.md"), {
      type: "empty",
      message: "No workflow found for notes.md.",
    });
    assert.deepEqual(graphMessage({ format: "mermaid", text: "", workflows: [] }, undefined), {
      type: "empty",
      message: "No workflow found in this workspace.",
    });
    assert.equal(graphMessage(null, undefined).type, "empty");
    assert.equal(graphMessage({ text: 3, workflows: [] }, undefined).type, "empty");
  });

  it("runs only its own nonce'd scripts, with Mermaid's strict security level", () => {
    const html = graphHtml("https://webview.example", "https://webview.example/media/mermaid.min.js", "abc123");
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? "";
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-abc123';/);
    assert.doesNotMatch(csp, /unsafe-eval/);
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    assert.equal(scripts.length, 2);
    for (const attributes of scripts) assert.match(attributes, /nonce="abc123"/);
    assert.match(html, /src="https:\/\/webview\.example\/media\/mermaid\.min\.js"/);
    assert.match(html, /securityLevel: "strict"/);
  });
});
