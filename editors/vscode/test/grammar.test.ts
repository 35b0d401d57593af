// Tokenizes Markdown with VS Code's own Markdown grammar (from tm-grammars) plus
// our injection grammar, the way VS Code does, and checks the workflow markers
// get their scopes. Checks the grammar file in grammars/, the one packaging copies.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import * as oniguruma from "vscode-oniguruma";
import { INITIAL, parseRawGrammar, Registry, type IGrammar } from "vscode-textmate";
import { extensionRoot, repoRoot } from "./paths";

const injectionPath = path.join(repoRoot, "grammars", "markdown-injection.tmLanguage.json");
const markdownPath = path.join(extensionRoot, "node_modules", "tm-grammars", "grammars", "markdown.json");
const manifest = JSON.parse(fs.readFileSync(path.join(extensionRoot, "package.json"), "utf8"));

interface Token {
  text: string;
  scopes: string[];
}

let grammar: IGrammar;

function tokenize(source: string): Token[][] {
  let state = INITIAL;
  return source.split("\n").map((line) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    return result.tokens.map((token) => ({
      text: line.slice(token.startIndex, token.endIndex),
      scopes: token.scopes,
    }));
  });
}

/** The scopes of the first token on `lineIndex` whose text is `text`. */
function scopesOf(lines: Token[][], lineIndex: number, text: string): string[] {
  const token = lines[lineIndex]!.find((candidate) => candidate.text === text);
  assert.ok(token, `no token ${JSON.stringify(text)} on line ${lineIndex}: ${JSON.stringify(lines[lineIndex]!.map((t) => t.text))}`);
  return token.scopes;
}

function assertScope(lines: Token[][], lineIndex: number, text: string, scopePrefix: string): void {
  const scopes = scopesOf(lines, lineIndex, text);
  assert.ok(
    scopes.some((scope) => scope.startsWith(scopePrefix)),
    `${JSON.stringify(text)} on line ${lineIndex} has ${scopes.join(" ")}, expected ${scopePrefix}`,
  );
}

describe("Markdown injection grammar", () => {
  before(async () => {
    const wasm = fs.readFileSync(path.join(extensionRoot, "node_modules", "vscode-oniguruma", "release", "onig.wasm"));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
        createOnigString: (text) => new oniguruma.OnigString(text),
      }),
      loadGrammar: async (scopeName) => {
        if (scopeName === "text.html.markdown") return parseRawGrammar(fs.readFileSync(markdownPath, "utf8"), markdownPath);
        if (scopeName === "markdown.phasegate.injection") {
          return parseRawGrammar(fs.readFileSync(injectionPath, "utf8"), injectionPath);
        }
        return null;
      },
      getInjections: (scopeName) => (scopeName === "text.html.markdown" ? ["markdown.phasegate.injection"] : undefined),
    });
    const loaded = await registry.loadGrammar("text.html.markdown");
    assert.ok(loaded);
    grammar = loaded;
  });

  it("is the grammar package.json contributes, injected into Markdown", () => {
    const raw = JSON.parse(fs.readFileSync(injectionPath, "utf8"));
    const contribution = manifest.contributes.grammars[0];
    assert.equal(contribution.scopeName, raw.scopeName);
    assert.deepEqual(contribution.injectTo, ["text.html.markdown"]);
    assert.equal(contribution.path, "./syntaxes/markdown-injection.tmLanguage.json");
  });

  it("colours phase headings of every form", () => {
    const lines = tokenize(
      ["## Phase 1: Requirements", "### Sub-Workflow 2: Planning", "## Phase 2.5: Integration", "# Phase -1: Setup", "### Step 3: Advance Workflow", "## Workflow 4: Implementation"].join("\n"),
    );
    assertScope(lines, 0, "Phase ", "keyword.other.phase.phasegate");
    assertScope(lines, 0, "Requirements", "entity.name.section.markdown");
    assertScope(lines, 0, "##", "punctuation.definition.heading.markdown");
    assertScope(lines, 1, "Sub-Workflow ", "keyword.other.phase.phasegate");
    assertScope(lines, 2, "2.5", "constant.numeric.phase-number.phasegate");
    assertScope(lines, 3, "-1", "constant.numeric.phase-number.phasegate");
    assertScope(lines, 4, "Step ", "keyword.other.phase.phasegate");
    assertScope(lines, 5, "Workflow ", "keyword.other.phase.phasegate");
  });

  it("leaves ordinary headings and prose alone", () => {
    const lines = tokenize("## Phases overview\n\nIn Phase 2: we design.\n");
    assert.ok(lines.flat().every((token) => token.scopes.every((scope) => !scope.includes("phase.phasegate"))));
  });

  it("colours gate lines and their target", () => {
    const lines = tokenize("**Gate Check**: Both complete with ALL interfaces defined → Proceed to Phase 2\n");
    assertScope(lines, 0, "**Gate Check**:", "keyword.control.gate.phasegate");
    assertScope(lines, 0, "→", "keyword.operator.arrow.phasegate");
    assertScope(lines, 0, "Proceed to ", "entity.name.function.gate-target.phasegate");
    assertScope(lines, 0, "2", "constant.numeric.phase-number.phasegate");
  });

  it("colours ids, references and unresolved markers", () => {
    const lines = tokenize(
      [
        "- [ ] T001 Create the schema, see [id:findings_dir] and `[id:prompts_dir]workflows/S/`",
        "- Owner: [NEEDS CLARIFICATION: who approves?] TBD, TODO later",
        "Nothing here: TBDs, T1000x, UT1, STATE-T1.",
      ].join("\n"),
    );
    assertScope(lines, 0, "T001", "constant.other.task-id.phasegate");
    assertScope(lines, 0, "findings_dir", "variable.other.reference.id.phasegate");
    assertScope(lines, 0, "[id:prompts_dir]", "variable.other.reference.id.phasegate");
    assertScope(lines, 0, "workflows/S/", "markup.inline.raw.string.markdown");
    assertScope(lines, 1, "[NEEDS CLARIFICATION: who approves?]", "invalid.deprecated.needs-clarification.phasegate");
    assertScope(lines, 1, "TBD", "invalid.deprecated.unresolved-marker.phasegate");
    assertScope(lines, 1, "TODO", "invalid.deprecated.unresolved-marker.phasegate");
    assert.ok(lines[2]!.every((token) => token.scopes.every((scope) => !scope.endsWith(".phasegate"))), JSON.stringify(lines[2]));
  });

  it("colours merge-conflict markers, even before front matter", () => {
    const lines = tokenize(["<<<<<<< HEAD", "---", "name: a", "---", "=======", "text", ">>>>>>> feature/x"].join("\n"));
    assertScope(lines, 0, "<<<<<<<", "invalid.illegal.conflict-marker.begin.phasegate");
    assertScope(lines, 4, "=======", "invalid.illegal.conflict-marker.separator.phasegate");
    assertScope(lines, 6, ">>>>>>>", "invalid.illegal.conflict-marker.end.phasegate");
  });

  it("does not colour inside fenced code", () => {
    const lines = tokenize(["```text", "## Phase 1: Not a heading", "TODO T1", "```"].join("\n"));
    for (const token of [...lines[1]!, ...lines[2]!]) {
      assert.ok(token.scopes.every((scope) => !scope.endsWith(".phasegate")), `${token.text}: ${token.scopes.join(" ")}`);
    }
  });
});
