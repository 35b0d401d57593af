// The extension in a real VS Code: code-server (VS Code 1.100.3 in a browser) with the packaged
// .vsix installed, driven with Debian's chromium through playwright-core. run.sh sets it up:
//
//   CODE_SERVER=<code-server bin> PLAYWRIGHT=<playwright-core dir> VSIX=<.vsix> DEMO=examples/demo \
//   ARTIFACTS=<folder for screenshots> node --test drive.test.mjs
//
// Each check works on a copy of the demo workspace, with code-server's state in a temporary folder
// (--user-data-dir, --extensions-dir, XDG folders) and bound to 127.0.0.1. Menus are driven with
// the keyboard (VS Code's overlays intercept pointer clicks). What the extension logs is read from
// its output channel's log file under the user-data folder.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { createRequire } from "node:module";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`drive.test.mjs: set ${name} (run.sh does)`);
  return value;
};
const CODE_SERVER = env("CODE_SERVER");
const VSIX = env("VSIX");
const DEMO = env("DEMO");
const ARTIFACTS = env("ARTIFACTS");
const { chromium } = createRequire(import.meta.url)(env("PLAYWRIGHT"));
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
/** The capabilities vscode-languageclient sends, as recorded by this test (RECORD_CAPABILITIES=1). */
const RECORDED_CAPABILITIES = new URL("../vscode-client-capabilities.json", import.meta.url);

const TIMEOUT = Number(process.env.UI_TIMEOUT ?? 60_000);
fs.mkdirSync(ARTIFACTS, { recursive: true });
const work = fs.mkdtempSync(path.join(os.tmpdir(), "phasegate-codeserver-"));

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function until(what, predicate, timeout = TIMEOUT) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await predicate();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}

/** Every file under `dir` whose name ends with `suffix`. */
function findFiles(dir, suffix) {
  const out = [];
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith(suffix)) out.push(path.join(entry.parentPath ?? entry.path, entry.name));
  }
  return out;
}

/** A code-server instance on a copy of the demo, and a browser page on it. */
class Session {
  constructor(name, { trusted, workspaceSettings }) {
    this.name = name;
    this.trusted = trusted;
    this.root = path.join(work, name);
    this.folder = path.join(this.root, "demo");
    this.userData = path.join(this.root, "user-data");
    this.extensions = path.join(this.root, "extensions");
    fs.cpSync(DEMO, this.folder, { recursive: true });
    if (workspaceSettings) {
      fs.mkdirSync(path.join(this.folder, ".vscode"), { recursive: true });
      fs.writeFileSync(path.join(this.folder, ".vscode", "settings.json"), JSON.stringify(workspaceSettings, null, 2));
    }
    fs.mkdirSync(path.join(this.userData, "User"), { recursive: true });
    fs.writeFileSync(
      path.join(this.userData, "User", "settings.json"),
      JSON.stringify(
        {
          "security.workspace.trust.enabled": !trusted ? true : false,
          "security.workspace.trust.startupPrompt": "never",
          "security.workspace.trust.banner": "never",
          "workbench.startupEditor": "none",
          "workbench.tips.enabled": false,
          "workbench.enableExperiments": false,
          "telemetry.telemetryLevel": "off",
          "extensions.autoCheckUpdates": false,
          "extensions.autoUpdate": false,
          "update.mode": "none",
          "git.enabled": false,
          "chat.disableAIFeatures": true,
          "editor.hover.delay": 100,
          // The LSP traffic in the "phasegate" output: the test reads the client's capabilities there.
          "phasegate.trace.server": "verbose",
        },
        null,
        2,
      ),
    );
    this.env = {
      ...process.env,
      XDG_CONFIG_HOME: path.join(this.root, "config"),
      XDG_DATA_HOME: path.join(this.root, "data"),
      XDG_CACHE_HOME: path.join(this.root, "cache"),
    };
  }

  async start() {
    execFileSync(
      CODE_SERVER,
      ["--user-data-dir", this.userData, "--extensions-dir", this.extensions, "--install-extension", VSIX],
      { env: this.env, stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 },
    );
    this.port = await freePort();
    this.log = fs.openSync(path.join(ARTIFACTS, `${this.name}-code-server.log`), "w");
    this.server = spawn(
      CODE_SERVER,
      [
        "--bind-addr", `127.0.0.1:${this.port}`,
        "--auth", "none",
        "--disable-telemetry",
        "--disable-update-check",
        "--disable-getting-started-override",
        "--user-data-dir", this.userData,
        "--extensions-dir", this.extensions,
        this.folder,
      ],
      { env: this.env, stdio: ["ignore", this.log, this.log], detached: true },
    );
    await until("code-server to answer", async () => (await fetch(`http://127.0.0.1:${this.port}/healthz`)).ok);
    this.browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
      ],
    });
    this.page = await this.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await this.page.goto(`http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(this.folder)}`);
    await this.page.waitForSelector(".monaco-workbench", { timeout: TIMEOUT });
    await this.page.waitForSelector(".statusbar", { timeout: TIMEOUT });
  }

  async stop() {
    await this.browser?.close().catch(() => {});
    if (this.server && this.server.exitCode === null) {
      try {
        process.kill(-this.server.pid, "SIGTERM");
      } catch {
        // already gone
      }
      await new Promise((resolve) => {
        const timer = setTimeout(() => {
          try {
            process.kill(-this.server.pid, "SIGKILL");
          } catch {
            // gone
          }
          resolve();
        }, 5000);
        this.server.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    if (this.log !== undefined) fs.closeSync(this.log);
  }

  /** The extension's "phasegate" output channel, as VS Code writes it to its log file. */
  extensionLog() {
    return findFiles(path.join(this.userData, "logs"), "phasegate.log")
      .filter((file) => !file.endsWith("phasegate status.log"))
      .map((file) => fs.readFileSync(file, "utf8"))
      .join("\n");
  }

  async screenshot(name) {
    await this.page.screenshot({ path: path.join(ARTIFACTS, `${this.name}-${name}.png`) });
  }

  async press(...keys) {
    for (const key of keys) {
      await this.page.keyboard.press(key);
      await this.page.waitForTimeout(80);
    }
  }

  /** Runs a command from the palette by its title. */
  async command(title) {
    await this.press("Escape");
    await this.press("Control+Shift+P");
    const input = this.page.locator(".quick-input-widget input");
    await input.waitFor({ state: "visible", timeout: TIMEOUT });
    await input.fill(`>${title}`);
    await until(`"${title}" in the palette`, async () =>
      (await this.page.locator(".quick-input-widget .monaco-list-row").first().textContent())?.includes(title),
    );
    await this.press("Enter");
  }

  /** Opens a workspace file by quick open. */
  async open(rel) {
    await this.press("Escape");
    await this.press("Control+P");
    const input = this.page.locator(".quick-input-widget input");
    await input.waitFor({ state: "visible", timeout: TIMEOUT });
    await input.fill(rel);
    const base = path.basename(rel);
    await until(`${rel} in quick open`, async () =>
      (await this.page.locator(".quick-input-widget .monaco-list-row").first().getAttribute("aria-label"))?.includes(base),
    );
    await this.press("Enter");
    await until(`${rel} as the active editor`, () => this.activeTab().then((t) => t === base));
    await this.page.waitForSelector(".monaco-editor .view-lines", { timeout: TIMEOUT });
  }

  async activeTab() {
    return (await this.page.locator(".tab.active .label-name").first().textContent({ timeout: 2000 }))?.trim();
  }

  /** Puts the cursor at the start of 1-based `line`, then `column` characters on. */
  async goto(line, column = 1) {
    await this.press("Control+G");
    const input = this.page.locator(".quick-input-widget input");
    await input.waitFor({ state: "visible", timeout: TIMEOUT });
    await input.fill(`:${line}:${column}`);
    await this.press("Enter");
    await this.page.waitForTimeout(200);
  }

  /** Opens the Ctrl+. menu and returns the titles of its items. */
  async quickFixMenu(expected) {
    let titles = [];
    await until(`the Ctrl+. menu listing ${expected}`, async () => {
      await this.press("Escape", "Control+.");
      const widget = this.page.locator(".action-widget");
      await widget.waitFor({ state: "visible", timeout: 5000 });
      titles = (await widget.locator(".monaco-list-row.action").allTextContents()).map((t) => t.trim());
      return titles.some((t) => t.includes(expected));
    });
    return titles;
  }

  /** In the open Ctrl+. menu, moves to the item containing `text` and chooses it. */
  async choose(text) {
    for (let i = 0; i < 30; i += 1) {
      const focused = (await this.page.locator(".action-widget .monaco-list-row.focused").first().textContent())?.trim() ?? "";
      if (focused.includes(text)) {
        await this.press("Enter");
        return;
      }
      await this.press("ArrowDown");
    }
    throw new Error(`no "${text}" in the Ctrl+. menu`);
  }

  /** The Problems panel's text once it names each of `files`. */
  async problems(files) {
    const t = (await this.page.locator(".markers-panel").first().textContent()) ?? "";
    return files.every((f) => t.includes(f)) && t;
  }

  /** The number on the Problems tab. */
  async problemCount() {
    const tab = await this.page.locator(".part.panel .action-item", { hasText: "Problems" }).first().textContent({ timeout: 2000 });
    return Number((/(\d+)/.exec(tab ?? "") ?? [])[1] ?? 0);
  }

  async notifications() {
    return (await this.page.locator(".notification-toast .notification-list-item-message").allTextContents()).join("\n");
  }

  /** The text of the graph panel's SVG (in the webview's frame) once it holds `needle`; spaces are ignored. */
  async graphText(needle) {
    const squeeze = (t) => t.replace(/\s+/g, "");
    for (const frame of this.page.frames()) {
      const text = await frame.evaluate(() => document.querySelector("#graph svg")?.textContent ?? "").catch(() => "");
      if (squeeze(text).includes(squeeze(needle))) return text;
    }
    return false;
  }

  async statusBar() {
    return (await this.page.locator(".statusbar-item").allTextContents()).join(" | ");
  }
}

function lineOf(file, needle) {
  const lines = fs.readFileSync(file, "utf8").split(/\r?\n/);
  const index = lines.findIndex((line) => line.includes(needle));
  assert.ok(index >= 0, `${needle} in ${file}`);
  return index + 1;
}

describe("the .vsix in code-server (trusted workspace)", { timeout: 10 * TIMEOUT }, () => {
  const s = new Session("trusted", { trusted: true });
  before(() => s.start(), { timeout: 4 * TIMEOUT });
  after(async () => {
    await s.screenshot("last").catch(() => {});
    await s.stop();
  });

  it("activates and runs the bundled server", async () => {
    const log = await until("the extension's log to name the bundled server", () => {
      const text = s.extensionLog();
      return /Using phasegate \S+ from .*server\/phasegate \(bundled\)/.test(text) && text;
    });
    assert.match(log, /\(bundled\)/);
  });

  it("sends the client capabilities the protocol test replays (test/vscode-client-capabilities.json)", async () => {
    const log = await until("the traced initialize request", () => {
      const text = s.extensionLog();
      return text.includes("Sending request 'initialize - (0)'") && /Received response 'initialize - \(0\)'/.test(text) && text;
    });
    const after = log.slice(log.indexOf("Sending request 'initialize - (0)'"));
    const start = after.indexOf("{");
    let depth = 0;
    let end = start;
    for (; end < after.length; end += 1) {
      if (after[end] === "{") depth += 1;
      if (after[end] === "}" && --depth === 0) break;
    }
    const params = JSON.parse(after.slice(start, end + 1));
    fs.writeFileSync(path.join(ARTIFACTS, "initialize-params.json"), JSON.stringify(params, null, 2));
    const recorded = { client: "code-server 4.100.3 (VS Code 1.100.3), vscode-languageclient 9.0.1", capabilities: params.capabilities };
    if (process.env.RECORD_CAPABILITIES === "1") {
      fs.writeFileSync(RECORDED_CAPABILITIES, JSON.stringify(recorded, null, 2) + "\n");
    }
    assert.deepEqual(params.capabilities, JSON.parse(fs.readFileSync(RECORDED_CAPABILITIES, "utf8")).capabilities);
  });

  it("lists the workspace's diagnostics in Problems before any file is opened", async () => {
    assert.equal(await s.page.locator(".tabs-container .tab").count(), 0, "no editor is open");
    await s.press("Escape", "Control+Shift+M");
    // The panel's tree is virtual: only the rows in view are in the page. The first files (sorted
    // by path) are the Kiro spec's under .kiro/specs/loyalty-points/, which nothing opens.
    const text = await until("Problems to list files that were never opened", () => s.problems(["design.md", "requirements.md", "tasks.md"]));
    assert.match(text, /kiro-unknown-requirement/);
    assert.ok((await s.problemCount()) >= 14, `the Problems badge counts the whole workspace: ${await s.problemCount()}`);
    assert.equal(await s.page.locator(".tabs-container .tab").count(), 0, "still no editor open");
    await s.screenshot("problems");
  });

  it("shows squiggles and a hover on a diagnostic", async () => {
    await s.open("hotfix.state.yaml");
    await until("an error squiggle", async () => (await s.page.locator(".monaco-editor .squiggly-error").count()) > 0);
    const file = path.join(s.folder, "hotfix.state.yaml");
    const line = lineOf(file, "relase");
    const column = fs.readFileSync(file, "utf8").split(/\r?\n/)[line - 1].indexOf("relase") + 2;
    await s.goto(line, column);
    const hover = await until("the hover", async () => {
      await s.press("Control+K", "Control+I");
      const t = (await s.page.locator(".monaco-hover").first().textContent({ timeout: 2000 })) ?? "";
      return t.includes("phasegate") && t;
    });
    assert.match(hover, /unknown-state/);
    await s.screenshot("hover");
  });

  it("shows the workflow in the status bar", async () => {
    await s.open("checkout-feature.state.yaml");
    const bar = await until("the status bar item", async () => {
      const t = await s.statusBar();
      return t.includes("implementation 3/4") && t;
    });
    assert.match(bar, /implementation 3\/4 · 1 gate unmet/);
  });

  it("offers Advance (blocked, with its reason) and Scaffold on Ctrl+. at the current: line", async () => {
    await s.open("checkout-feature.state.yaml");
    await s.goto(lineOf(path.join(s.folder, "checkout-feature.state.yaml"), "current:"), 10);
    const titles = await s.quickFixMenu("Scaffold deliverables for implementation");
    await s.screenshot("ctrl-dot-current-line");
    const advance = titles.find((t) => t.startsWith("Advance checkout-feature to release"));
    assert.ok(advance, `Advance in ${JSON.stringify(titles)}`);
    assert.match(advance, /not yet: .*(gate|criteri)/, "the refusal is in the title");
    assert.ok(titles.some((t) => t.includes("Scaffold deliverables for implementation")), JSON.stringify(titles));
  });

  it("choosing the blocked Advance shows the unmet criteria", async () => {
    await s.choose("Advance checkout-feature to release");
    const shown = await until("the refusal notification", async () => {
      const t = await s.notifications();
      return t.includes("Advance checkout-feature to release") && t;
    });
    assert.match(shown, /EVIDENCE\.md|After implementation|unticked|criteri/i);
    await s.screenshot("advance-refused");
    await s.press("Escape");
  });

  it("applying Scaffold from Ctrl+. creates EVIDENCE.md, says so and opens it", async () => {
    const evidence = path.join(s.folder, ".work", "checkout", "EVIDENCE.md");
    assert.ok(!fs.existsSync(evidence), "EVIDENCE.md does not exist yet");
    await s.open("checkout-feature.state.yaml");
    await s.goto(lineOf(path.join(s.folder, "checkout-feature.state.yaml"), "current:"), 10);
    await s.quickFixMenu("Scaffold deliverables for implementation");
    await s.choose("Scaffold deliverables for implementation");
    await until("EVIDENCE.md on disk", () => fs.existsSync(evidence));
    await until("EVIDENCE.md opened", async () => (await s.activeTab()) === "EVIDENCE.md");
    const said = await until("the notification naming the file", async () => {
      const t = await s.notifications();
      return t.includes("EVIDENCE.md") && t;
    });
    assert.match(said, /created/);
    await s.screenshot("scaffold");
  });

  it('applying "Create …" creates DEPENDENCIES.md and opens it', async () => {
    const dependencies = path.join(s.folder, ".work", "checkout", "DEPENDENCIES.md");
    assert.ok(!fs.existsSync(dependencies));
    await s.open("docs/workflow.md");
    const line = lineOf(path.join(s.folder, "docs", "workflow.md"), "DEPENDENCIES.md` -");
    await s.goto(line, 6);
    await s.quickFixMenu("Create `.work/checkout/DEPENDENCIES.md`");
    await s.screenshot("ctrl-dot-create");
    await s.choose("Create `.work/checkout/DEPENDENCIES.md`");
    await until("DEPENDENCIES.md on disk", () => fs.existsSync(dependencies));
    await until("DEPENDENCIES.md opened", async () => (await s.activeTab()) === "DEPENDENCIES.md");
  });

  it("runs the palette commands: status, scaffold, advance, restart", async () => {
    await s.open("checkout-feature.state.yaml");
    await s.command("phasegate: Show Workflow Status");
    const status = await until("the status output", async () => {
      const t = (await s.page.locator(".panel .monaco-editor .view-lines").first().textContent({ timeout: 2000 })) ?? "";
      return t.includes("checkout-feature") && t;
    });
    assert.match(status.replace(/\u00a0/g, " "), /current: implementation \(3\/4\)/);
    await s.screenshot("status");
    // The implementation phase has its deliverables now: the palette's Scaffold goes on to the
    // next phase's, says what it created and opens it.
    const notes = path.join(s.folder, ".work", "checkout", "RELEASE-NOTES.md");
    assert.ok(!fs.existsSync(notes));
    await s.command("phasegate: Scaffold Next Phase");
    await until("RELEASE-NOTES.md on disk", () => fs.existsSync(notes));
    await until("RELEASE-NOTES.md opened", async () => (await s.activeTab()) === "RELEASE-NOTES.md");
    await until("the scaffold message", async () => (await s.notifications()).includes("created `.work/checkout/RELEASE-NOTES.md`"));
    // Advance Workflow is refused while the implementation gate fails, and says why.
    const state = fs.readFileSync(path.join(s.folder, "checkout-feature.state.yaml"), "utf8");
    await s.open("checkout-feature.state.yaml");
    await s.command("phasegate: Advance Workflow");
    await until("the refusal", async () => /phasegate: .*gate of phase `implementation` is not met/.test(await s.notifications()));
    assert.equal(fs.readFileSync(path.join(s.folder, "checkout-feature.state.yaml"), "utf8"), state, "the state file is unchanged");
    const before = (s.extensionLog().match(/Using phasegate/g) ?? []).length;
    await s.command("phasegate: Restart Server");
    await until("the restarted server", () => (s.extensionLog().match(/Using phasegate/g) ?? []).length > before);
    await s.open("hotfix.state.yaml");
    await until("diagnostics again after the restart", async () => (await s.page.locator(".monaco-editor .squiggly-error").count()) > 0);
    const log = s.extensionLog();
    assert.match(log, /the server stopped/);
    assert.doesNotMatch(log, /\[Error\]/, "no error in the extension's log");
  });

  it("Show Workflow Graph draws the run with the bundled Mermaid, and again when the state file changes", async () => {
    await s.open("checkout-feature.state.yaml");
    await s.command("phasegate: Show Workflow Graph");
    const drawn = await until("the graph panel's SVG with the current phase", () => s.graphText("▶ Implementation"));
    assert.match(drawn, /EVIDENCE\.md/);
    await s.screenshot("graph");
    const file = path.join(s.folder, "checkout-feature.state.yaml");
    const text = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, text.replace("current: implementation", "current: release"));
    await until("the graph drawn again, at release", () => s.graphText("▶ Release"));
    await s.screenshot("graph-refreshed");
    fs.writeFileSync(file, text);
    await until("the graph back at implementation", () => s.graphText("▶ Implementation"));
    assert.doesNotMatch(s.extensionLog(), /could not be drawn|Mermaid could not/, "Mermaid drew every version");
  });
});

describe("the Workflows view in code-server", { timeout: 8 * TIMEOUT }, () => {
  // A session of its own: its Scaffold creates a file the trusted session's checks expect missing.
  const s = new Session("workflows", { trusted: true });
  before(() => s.start(), { timeout: 4 * TIMEOUT });
  after(async () => {
    await s.screenshot("last").catch(() => {});
    await s.stop();
  });

  const pane = () => s.page.locator(".pane", { has: s.page.locator(".pane-header", { hasText: "Workflows" }) });
  /** The focused row of the view: label, description, tree level and whether it is expanded. */
  const focused = async () => {
    const row = pane().locator(".monaco-list-row.focused").first();
    if ((await row.count()) === 0) return null;
    return {
      label: ((await row.locator(".label-name").first().textContent({ timeout: 2000 })) ?? "").trim(),
      description: ((await row.locator(".label-description").first().textContent({ timeout: 2000 }).catch(() => "")) ?? "").trim(),
      level: Number(await row.getAttribute("aria-level")),
      expanded: await row.getAttribute("aria-expanded"),
    };
  };
  /** The titles of the open context menu. */
  const menu = async () => {
    const items = s.page.locator(".context-view .monaco-menu .action-item .action-label");
    await items.first().waitFor({ state: "visible", timeout: 5000 });
    return (await items.allTextContents()).map((t) => t.trim()).filter(Boolean);
  };
  /** Chooses the item `title` of the open context menu with the keyboard. */
  const chooseInMenu = async (title) => {
    for (let i = 0; i < 20; i += 1) {
      const current = ((await s.page.locator(".context-view .monaco-menu .action-item.focused").first().textContent().catch(() => "")) ?? "").trim();
      if (current === title) {
        await s.press("Enter");
        return;
      }
      await s.press("ArrowDown");
    }
    throw new Error(`no "${title}" in the context menu`);
  };
  /** Moves the focus down the view (collapsing each workflow passed) to the workflow `name`. */
  const focusWorkflow = async (name, seen) => {
    await s.press("Home");
    for (let i = 0; i < 400; i += 1) {
      const row = await until("a focused row in the Workflows view", focused);
      if (row.level === 1 && row.label === name) return row;
      if (row.level === 1) {
        seen.push(row);
        if (row.expanded === "true") await s.press("ArrowLeft");
      }
      await s.press("ArrowDown");
    }
    throw new Error(`no workflow ${name} in the Workflows view`);
  };

  it("lists each workflow with its phases, their status and deliverables, from the server", async () => {
    await s.open("checkout-feature.state.yaml");
    await s.command("Focus on Workflows View");
    await until("rows in the Workflows view", async () => (await pane().locator(".monaco-list-row").count()) > 3);
    await s.screenshot("workflows-view");
    // The list is virtual: only the rows in view are in the page. Walk it with the keyboard, as a
    // user scrolls, collapsing the workflows on the way.
    const seen = [];
    const workflow = await focusWorkflow("checkout-feature", seen);
    assert.equal(workflow.description, "implementation 3/4 · 1 gate unmet");
    // BMAD's entries stand where sprint-status.yaml puts them (the demo has two such files).
    const ledger = seen.filter((r) => r.label === "1-1-points-ledger");
    assert.ok(ledger.length >= 1, `1-1-points-ledger among ${JSON.stringify(seen.map((r) => r.label))}`);
    assert.ok(ledger.every((r) => r.description === "1-1-points-ledger: completed"), JSON.stringify(ledger));
    // 1-2-earn-on-order is at review in one file and done in the other.
    const earn = seen.filter((r) => r.label === "1-2-earn-on-order").map((r) => r.description).sort();
    assert.deepEqual(earn, ["1-2-earn-on-order: completed", "review 4/5 · gates met"]);
    // Its phases, each with its status, and the current phase's deliverable.
    const rows = [];
    for (let i = 0; i < 12; i += 1) {
      await s.press("ArrowDown");
      const row = await until("the next row", focused);
      if (row.level === 1) break;
      rows.push(`${"  ".repeat(row.level - 2)}${row.label} | ${row.description}`);
    }
    assert.deepEqual(rows, [
      "Requirements | passed · 2/2 deliverables · gate met",
      "Design | passed · 2/3 deliverables · gate unmet",
      "Implementation | current · 0/1 deliverables · gate unmet",
      "  .work/checkout/EVIDENCE.md | ✗ missing",
      "Release | pending · 0/2 deliverables · gate unmet",
    ]);
    await s.screenshot("workflows-checkout-feature");
  });

  it("offers Advance on a workflow: refused while the gate fails, with the reason", async () => {
    await focusWorkflow("checkout-feature", []);
    const state = fs.readFileSync(path.join(s.folder, "checkout-feature.state.yaml"), "utf8");
    await s.press("Shift+F10");
    const titles = await menu();
    assert.ok(titles.includes("Advance"), JSON.stringify(titles));
    assert.ok(!titles.includes("Scaffold"), `a workflow offers Advance, not Scaffold: ${JSON.stringify(titles)}`);
    await s.screenshot("workflows-advance-menu");
    await chooseInMenu("Advance");
    await until("the refusal", async () => /phasegate: .*gate of phase `implementation` is not met/.test(await s.notifications()));
    assert.equal(fs.readFileSync(path.join(s.folder, "checkout-feature.state.yaml"), "utf8"), state, "the state file is unchanged");
  });

  it("offers Scaffold on a phase, which creates its missing deliverable", async () => {
    const evidence = path.join(s.folder, ".work", "checkout", "EVIDENCE.md");
    assert.ok(!fs.existsSync(evidence));
    await s.press("Escape");
    await s.command("Focus on Workflows View");
    await focusWorkflow("checkout-feature", []);
    for (let i = 0; i < 6; i += 1) {
      await s.press("ArrowDown");
      if ((await until("the next row", focused)).label === "Implementation") break;
    }
    assert.equal((await focused()).label, "Implementation");
    await s.press("Shift+F10");
    const titles = await menu();
    assert.ok(titles.includes("Scaffold") && !titles.includes("Advance"), JSON.stringify(titles));
    await chooseInMenu("Scaffold");
    await until("EVIDENCE.md on disk", () => fs.existsSync(evidence));
    await until("the scaffold message", async () => (await s.notifications()).includes("created `.work/checkout/EVIDENCE.md`"));
    // The view follows: the deliverable is present now.
    await s.command("Focus on Workflows View");
    const implementation = await until("the Implementation row with its deliverable", async () => {
      await focusWorkflow("checkout-feature", []);
      for (let i = 0; i < 6; i += 1) {
        await s.press("ArrowDown");
        const row = await focused();
        if (row?.label === "Implementation") return row.description.includes("1/1 deliverables") && row;
      }
      return false;
    });
    assert.match(implementation.description, /current · 1\/1 deliverables/);
    await s.screenshot("workflows-scaffolded");
  });
});

describe("the .vsix in code-server (Restricted Mode)", { timeout: 6 * TIMEOUT }, () => {
  // The workspace names an executable; in Restricted Mode that setting must not be used.
  const s = new Session("restricted", { trusted: false, workspaceSettings: { "phasegate.server.path": "/nonexistent/phasegate" } });
  before(() => s.start(), { timeout: 4 * TIMEOUT });
  after(async () => {
    await s.screenshot("last").catch(() => {});
    await s.stop();
  });

  it("activates in an untrusted workspace, ignoring the workspace's server path", async () => {
    await until("Restricted Mode in the status bar", async () => (await s.statusBar()).includes("Restricted Mode"));
    const log = await until("the bundled server", () => {
      const text = s.extensionLog();
      return /\(bundled\)/.test(text) && text;
    });
    assert.doesNotMatch(log, /nonexistent/);
    await s.press("Escape", "Control+Shift+M");
    await until("Problems listing the workspace", () => s.problems(["design.md", "requirements.md"]));
    await s.screenshot("restricted");
  });
});

after(() => fs.rmSync(work, { recursive: true, force: true }));
