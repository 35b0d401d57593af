// grammars/workflow.schema.json (the schema the extension contributes through
// yamlValidation/jsonValidation) compiles under draft 2020-12 in strict mode, and every
// phasegate YAML/JSON file of the repository validates against it: state files,
// definitions, plans, orchestrator JSON, checks files, Markdown front matter holding
// `phases:`/`states:`, and the YAML/JSON examples in docs/formats.md. Deliberately malformed
// input (tests/fixtures/diagnostics/syntax-error/err/, and the bad input tests/e2e/cli.rs
// writes at run time) must fail to parse or fail validation.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import { parseAllDocuments } from "yaml";
import { repoRoot } from "./paths";

const schemaPath = path.join(repoRoot, "grammars", "workflow.schema.json");
const schema = JSON.parse(fs.readFileSync(schemaPath, "utf8"));

/** Folders never walked (relative to the repository root, or a bare name anywhere). */
const SKIPPED_NAMES = new Set(["node_modules", "target", ".git"]);
// tests/speckit-validator/corpus holds Spec Kit's own workflow definitions (some malformed on
// purpose), which are not phasegate's format.
const SKIPPED_PATHS = new Set(["editors/vscode/dist", "editors/vscode/out", "editors/vscode/server", "tests/speckit-validator/corpus"]);
/**
 * Files malformed on purpose, whose YAML/JSON (and front matter) must fail to parse or to
 * validate: everything in the `syntax-error` fixture's `err` tree, and the files the demo's
 * README lists under `syntax-error` (the demo plants one of each diagnostic).
 */
const MALFORMED_DIRS = ["tests/fixtures/diagnostics/syntax-error/err/"];
const MALFORMED_FILES = demoSyntaxErrors();

function demoSyntaxErrors(): string[] {
  const readme = fs.readFileSync(path.join(repoRoot, "examples", "demo", "README.md"), "utf8");
  const row = /^\| `syntax-error` \| (.*?) \|/m.exec(readme);
  assert.ok(row, "examples/demo/README.md has a syntax-error row");
  return [...row[1]!.matchAll(/`([^`]+)`/g)].map((m) => `examples/demo/${m[1]}`);
}

type StrictOptions = { strictRequired: boolean | "log"; strictTypes: boolean | "log" };

/** Compiles the schema; strict-mode complaints set to "log" are returned instead of thrown. */
function compile(options: StrictOptions): { validate: ValidateFunction; logged: string[] } {
  const logged: string[] = [];
  const logger = { log() {}, warn: (...args: unknown[]) => void logged.push(args.join(" ")), error: (...args: unknown[]) => void logged.push(args.join(" ")) };
  // strict: every other strict check (unknown keywords, formats, tuples, numbers...) throws.
  // allowUnionTypes: `"type": ["string", "number"]` is plain 2020-12, not a mistake.
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true, logger, ...options });
  return { validate: ajv.compile(schema), logged };
}

/**
 * Strict mode as far as it passes:
 * - strictRequired is off: the schema writes `required` inside `anyOf`/`not` branches for keys
 *   declared in the parent's `properties` (that is how "has `current` or `history`" and "has no
 *   `phases`" are said), which strictRequired rejects by design.
 * - strictTypes is logged, and the test below pins what it reports: only the list form of gate
 *   results (`$defs/gateResults`, `anyOf/1/items`), whose `required`/`properties` sit next to an
 *   `allOf` with a `$ref` to an object schema instead of a `"type": "object"` of their own.
 */
const STRICT: StrictOptions = { strictRequired: false, strictTypes: "log" };
const KNOWN_STRICT_TYPES = [
  'missing type "object" for keyword "properties"',
  'missing type "object" for keyword "required"',
];
const { validate, logged: strictTypesLog } = compile(STRICT);

function rel(file: string): string {
  return path.relative(repoRoot, file).split(path.sep).join("/");
}

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (SKIPPED_NAMES.has(entry.name) || SKIPPED_PATHS.has(rel(full))) continue;
      walk(full, out);
    } else if (entry.isFile()) {
      out.push(full);
    }
  }
  return out;
}

type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

/** JSON as JSON; YAML's first document (phasegate reads only that one), YAML 1.2 core schema. */
function parse(text: string, json: boolean): Parsed {
  try {
    if (json) return { ok: true, value: JSON.parse(text) };
    const [first] = parseAllDocuments(text);
    if (!first || !("errors" in first)) return { ok: true, value: null };
    if (first.errors.length > 0) return { ok: false, error: first.errors.map((e) => e.message).join("; ") };
    return { ok: true, value: first.toJS({ maxAliasCount: -1 }) };
  } catch (error) {
    return { ok: false, error: String(error) };
  }
}

/** The text phasegate reads from a file with merge-conflict markers: the `HEAD` (ours) side. */
function oursSide(text: string): string | undefined {
  if (!/^<{7}( |$)/m.test(text)) return undefined;
  const out: string[] = [];
  let side: "both" | "ours" | "theirs" = "both";
  for (const line of text.split("\n")) {
    if (/^<{7}( |$)/.test(line)) side = "ours";
    else if (side === "ours" && /^={7}$/.test(line)) side = "theirs";
    else if (side === "theirs" && /^>{7}( |$)/.test(line)) side = "both";
    else if (side !== "theirs") out.push(line);
  }
  return out.join("\n");
}

/** The YAML between a leading `---` line and the next `---`/`...` line, if any. */
function frontMatter(text: string): string | undefined {
  const match = /^---\r?\n([\s\S]*?)^(?:---|\.\.\.)[ \t]*\r?$/m.exec(text);
  return match && match.index === 0 ? match[1] : undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const NAMED = /(\.state|\.workflow)\.(ya?ml|json)$/;
const CHECKS = /^checks\.(ya?ml|json)$/;

/** Whether phasegate takes this YAML/JSON file as one of its own (docs/formats.md, classification). */
function isPhasegateFile(file: string, value: unknown): boolean {
  const base = path.basename(file);
  if (NAMED.test(base) || CHECKS.test(base)) return true;
  if (!isObject(value)) return false;
  const has = (key: string) => key in value;
  return (
    has("orchestrator_name") ||
    (has("workflow") && (has("current") || has("history")) && !has("phases")) ||
    (has("phases") && (has("name") || has("workflow") || has("workflow_id")))
  );
}

/** Text of a YAML/JSON file that did not parse, judged by phasegate when it names its keys. */
function looksLikePhasegateText(text: string): boolean {
  return /^"?(orchestrator_name|workflow_id|phases|workflow)"?\s*:/m.test(text) || /"orchestrator_name"\s*:/.test(text);
}

function errorsOf(fn: ValidateFunction): string {
  return JSON.stringify(fn.errors?.slice(0, 8), null, 1);
}

interface Candidate {
  /** Where it comes from, for messages: `path` or `path (front matter)` or `docs/formats.md:120`. */
  label: string;
  text: string;
  json: boolean;
}

/** Every phasegate YAML/JSON text in the repository, and the malformed ones apart. */
function collect(): { good: Candidate[]; malformed: Candidate[]; unparsed: string[] } {
  const good: Candidate[] = [];
  const malformed: Candidate[] = [];
  const unparsed: string[] = [];
  for (const file of walk(repoRoot)) {
    const relative = rel(file);
    const isMalformed = MALFORMED_DIRS.some((dir) => relative.startsWith(dir)) || MALFORMED_FILES.includes(relative);
    const raw = fs.readFileSync(file, "utf8");
    if (/\.(ya?ml|json)$/.test(file)) {
      const json = file.endsWith(".json");
      if (isMalformed) {
        malformed.push({ label: relative, text: raw, json });
        continue;
      }
      const ours = oursSide(raw);
      const text = ours ?? raw;
      const label = ours === undefined ? relative : `${relative} (HEAD side of the merge conflict)`;
      const parsed = parse(text, json);
      if (parsed.ok ? isPhasegateFile(file, parsed.value) : NAMED.test(path.basename(file)) || CHECKS.test(path.basename(file)) || looksLikePhasegateText(text)) {
        if (!parsed.ok) unparsed.push(`${label}: ${parsed.error}`);
        else good.push({ label, text, json });
      }
    } else if (file.endsWith(".md")) {
      const yaml = frontMatter(raw);
      if (yaml === undefined) continue;
      if (isMalformed) {
        malformed.push({ label: `${relative} (front matter)`, text: yaml, json: false });
        continue;
      }
      const parsed = parse(yaml, false);
      if (parsed.ok && isObject(parsed.value) && ("phases" in parsed.value || "states" in parsed.value)) {
        good.push({ label: `${relative} (front matter)`, text: yaml, json: false });
      } else if (!parsed.ok && /^(phases|states)\s*:/m.test(yaml)) {
        unparsed.push(`${relative} (front matter): ${parsed.error}`);
      }
    }
  }
  return { good, malformed, unparsed };
}

/** Fenced ```yaml / ```json blocks of docs/formats.md, and the front matter of its ```markdown blocks. */
function formatsExamples(): Candidate[] {
  const file = path.join(repoRoot, "docs", "formats.md");
  const text = fs.readFileSync(file, "utf8");
  const out: Candidate[] = [];
  for (const match of text.matchAll(/^```(yaml|json|markdown)[ \t]*\n([\s\S]*?)^```[ \t]*$/gm)) {
    const line = text.slice(0, match.index).split("\n").length;
    const [, lang, body] = match as unknown as [string, string, string];
    if (lang === "markdown") {
      const yaml = frontMatter(body);
      if (yaml !== undefined && /^(phases|states)\s*:/m.test(yaml)) {
        out.push({ label: `docs/formats.md:${line} (markdown front matter)`, text: yaml, json: false });
      }
    } else {
      out.push({ label: `docs/formats.md:${line} (${lang})`, text: body, json: lang === "json" });
    }
  }
  return out;
}

function failsToParseOrValidate(candidate: Candidate): string | undefined {
  const parsed = parse(candidate.text, candidate.json);
  if (!parsed.ok) return `does not parse: ${parsed.error.split("\n")[0]}`;
  if (!validate(parsed.value)) return `invalid: ${validate.errors?.[0]?.message ?? "?"}`;
  return undefined;
}

describe("grammars/workflow.schema.json", () => {
  it("compiles under draft 2020-12 in strict mode (strictRequired off, strictTypes pinned)", () => {
    assert.equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema");
    const types = strictTypesLog.map((line) => /strict mode: (.*) at "/.exec(line)?.[1] ?? line).sort();
    assert.deepEqual(types, KNOWN_STRICT_TYPES, `strictTypes reports: ${strictTypesLog.join("\n")}`);
    assert.ok(strictTypesLog.every((line) => line.includes("#/anyOf/1/items") && line.endsWith("(strictTypes)")));
    // Fully strict throws, and only because of the two checks above.
    assert.throws(() => compile({ strictRequired: true, strictTypes: false }), /strictRequired/);
    assert.throws(() => compile({ strictRequired: false, strictTypes: true }), /strictTypes/);
  });

  it("is the schema the extension ships (schemas/ is copied from grammars/ when it exists)", (t) => {
    const copy = path.join(repoRoot, "editors", "vscode", "schemas", "workflow.schema.json");
    if (!fs.existsSync(copy)) {
      t.skip("schemas/ not copied yet (npm run compile)");
      return;
    }
    assert.deepEqual(JSON.parse(fs.readFileSync(copy, "utf8")), schema);
  });

  it("validates every phasegate YAML/JSON file and front-matter definition in the repository", () => {
    const { good, unparsed } = collect();
    assert.deepEqual(unparsed, [], "phasegate files that do not parse (outside the malformed fixtures)");
    const failures: string[] = [];
    for (const candidate of good) {
      const parsed = parse(candidate.text, candidate.json);
      assert.ok(parsed.ok);
      if (!validate(parsed.value)) failures.push(`${candidate.label}: ${errorsOf(validate)}`);
    }
    assert.deepEqual(failures, [], "files the schema rejects");
    const from = (prefix: string) => good.filter((c) => c.label.startsWith(prefix)).length;
    const counts = {
      "examples/": from("examples/"),
      "tests/fixtures/": from("tests/fixtures/"),
      "editors/vscode/test/fixture/": from("editors/vscode/test/fixture/"),
      "editors/neovim/test/": from("editors/neovim/test/"),
      "front matter": good.filter((c) => c.label.endsWith("(front matter)")).length,
      "merge conflicts (HEAD side)": good.filter((c) => c.label.includes("HEAD side")).length,
    };
    console.log(`schema: validated ${good.length} repository files ${JSON.stringify(counts)}`);
    assert.ok(good.length > 0, "no file validated");
    assert.ok(counts["examples/"] > 0 && counts["tests/fixtures/"] > 0 && counts["editors/vscode/test/fixture/"] > 0);
  });

  it("validates every YAML/JSON example in docs/formats.md", () => {
    const examples = formatsExamples();
    const failures: string[] = [];
    for (const example of examples) {
      const parsed = parse(example.text, example.json);
      if (!parsed.ok) failures.push(`${example.label}: does not parse: ${parsed.error}`);
      else if (!validate(parsed.value)) failures.push(`${example.label}: ${errorsOf(validate)}`);
    }
    assert.deepEqual(failures, []);
    console.log(`schema: validated ${examples.length} examples of docs/formats.md`);
    assert.ok(examples.length >= 10, `only ${examples.length} examples found in docs/formats.md`);
  });

  it("rejects the deliberately malformed files (syntax-error/err fixture, the demo's syntax-error)", () => {
    const { malformed } = collect();
    assert.deepEqual(
      malformed.map((c) => c.label).sort(),
      [
        "examples/demo/.ops/build/v1/checkout/checks.yaml",
        "tests/fixtures/diagnostics/syntax-error/err/.claude/agents/migration-reviewer.md (front matter)",
        "tests/fixtures/diagnostics/syntax-error/err/.work/clients.json",
        "tests/fixtures/diagnostics/syntax-error/err/api-deprecation.state.yaml",
        "tests/fixtures/diagnostics/syntax-error/err/docs/workflow.md (front matter)",
      ],
    );
    const accepted: string[] = [];
    for (const candidate of malformed) {
      const why = failsToParseOrValidate(candidate);
      if (why === undefined) accepted.push(candidate.label);
      else console.log(`schema: rejected as expected: ${candidate.label}: ${why}`);
    }
    assert.deepEqual(accepted, [], "malformed fixtures that parse and validate");
  });

  it("rejects bad input written at run time", () => {
    const bad: Candidate[] = [
      // tests/e2e/cli.rs, bad_input_finishes_reports_or_skips_and_writes_nothing
      { label: "malformed.state.yaml", text: "workflow: docs-refresh\ncurrent: [audit\nhistory:\n  - {from: audit\n", json: false },
      { label: "malformed-state.json", text: '{"orchestrator_name": "docs-refresh", "current_status": "running",, }', json: true },
      { label: "tabs.state.yaml", text: "workflow:\n\t- x\n", json: false },
      // Parse, but are not phasegate's shapes.
      { label: "state without workflow", text: "current: design\nhistory: []\n", json: false },
      { label: "history entry without to", text: "workflow: w\ncurrent: a\nhistory:\n  - {from: a}\n", json: false },
      { label: "phases not a list", text: "name: w\nphases: design\n", json: false },
      { label: "phase without id or name", text: "name: w\nphases:\n  - title: Design\n", json: false },
      { label: "gate criterion with two keys", text: "name: w\nphases:\n  - id: a\n    gate:\n      - {recorded: qa, manual: x}\n", json: false },
      { label: "unknown gate criterion", text: "name: w\nphases:\n  - id: a\n    gate:\n      - approve: qa\n", json: false },
      { label: "deliverable mapping without path", text: "name: w\nphases:\n  - id: a\n    deliverables:\n      - {template: t.md}\n", json: false },
      { label: "flag spelled yes", text: "name: w\nphases:\n  - id: a\n    complete: yes\n", json: false },
      { label: "orchestrator progress not a number", text: '{"orchestrator_name": "o", "overall_progress": {"completed": "one"}}', json: true },
      { label: "checks file gates as text", text: "gates: all passed\n", json: false },
      { label: "not an object", text: "- a\n- b\n", json: false },
    ];
    const accepted = bad.filter((c) => failsToParseOrValidate(c) === undefined).map((c) => c.label);
    assert.deepEqual(accepted, [], "bad input that parses and validates");
  });
});
