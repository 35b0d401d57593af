// Copies the files the extension contributes from grammars/ (owned by the repo root)
// into the extension folder: the JSON Schema and the Markdown injection grammar; and the
// `mermaid` package's browser bundle and licence (devDependency, pinned) into media/, for the
// workflow graph panel (src/graph.ts).
// A missing file is reported and skipped, except with --strict (used for releases).
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const extensionRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const grammars = join(extensionRoot, "..", "..", "grammars");
const mermaid = join(extensionRoot, "node_modules", "mermaid");
const strict = process.argv.includes("--strict");

const assets = [
  { from: join(grammars, "workflow.schema.json"), to: join(extensionRoot, "schemas", "workflow.schema.json") },
  { from: join(grammars, "markdown-injection.tmLanguage.json"), to: join(extensionRoot, "syntaxes", "markdown-injection.tmLanguage.json") },
  { from: join(mermaid, "dist", "mermaid.min.js"), to: join(extensionRoot, "media", "mermaid.min.js") },
  { from: join(mermaid, "LICENSE"), to: join(extensionRoot, "media", "LICENSE.mermaid") },
];

let missing = 0;
for (const asset of assets) {
  const shown = relative(extensionRoot, asset.from);
  if (!existsSync(asset.from)) {
    missing += 1;
    console.error(
      `copy-assets: ${shown} does not exist yet; the extension is built without it` +
        (strict ? "" : " (use --strict to make this an error)"),
    );
    continue;
  }
  mkdirSync(dirname(asset.to), { recursive: true });
  copyFileSync(asset.from, asset.to);
  console.log(`copy-assets: ${shown} -> ${relative(extensionRoot, asset.to)}`);
}
if (strict && missing > 0) {
  console.error(`copy-assets: ${missing} file(s) missing in --strict mode`);
  process.exit(1);
}
