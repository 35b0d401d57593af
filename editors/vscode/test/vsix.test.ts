// Checks the .vsix made by scripts/package.sh: it is a zip holding the bundled
// extension and the server binary (executable). The .vsix is $PHASEGATE_VSIX,
// else the newest *.vsix in editors/vscode; skipped when there is none.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { it } from "node:test";
import * as zlib from "node:zlib";
import { extensionRoot, repoRoot } from "./paths";

interface ZipEntry {
  name: string;
  /** Unix mode from the external attributes (0 when the zip was made elsewhere). */
  mode: number;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  /** Offset of the entry's local header. */
  localOffset: number;
}

/** The bytes of one entry (stored or deflated). */
export function readZipEntry(file: string, entry: ZipEntry): Buffer {
  const data = fs.readFileSync(file);
  const at = entry.localOffset;
  assert.equal(data.readUInt32LE(at), 0x04034b50, "local header signature");
  const start = at + 30 + data.readUInt16LE(at + 26) + data.readUInt16LE(at + 28);
  const raw = data.subarray(start, start + entry.compressedSize);
  return entry.method === 8 ? zlib.inflateRawSync(raw) : Buffer.from(raw);
}

/** Lists a zip's entries from its central directory (no ZIP64: a .vsix is far smaller than 4 GiB). */
export function listZip(file: string): ZipEntry[] {
  const data = fs.readFileSync(file);
  let end = data.length - 22;
  while (end >= 0 && data.readUInt32LE(end) !== 0x06054b50) end -= 1;
  assert.ok(end >= 0, `${file} is not a zip (no end of central directory)`);
  const count = data.readUInt16LE(end + 10);
  let offset = data.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let index = 0; index < count; index += 1) {
    assert.equal(data.readUInt32LE(offset), 0x02014b50, "central directory entry signature");
    const nameLength = data.readUInt16LE(offset + 28);
    const extraLength = data.readUInt16LE(offset + 30);
    const commentLength = data.readUInt16LE(offset + 32);
    const external = data.readUInt32LE(offset + 38);
    entries.push({
      name: data.toString("utf8", offset + 46, offset + 46 + nameLength),
      mode: external >>> 16,
      method: data.readUInt16LE(offset + 10),
      compressedSize: data.readUInt32LE(offset + 20),
      localOffset: data.readUInt32LE(offset + 42),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function findVsix(): string | undefined {
  if (process.env.PHASEGATE_VSIX) return path.resolve(process.env.PHASEGATE_VSIX);
  const candidates = fs
    .readdirSync(extensionRoot)
    .filter((name) => name.endsWith(".vsix"))
    .map((name) => path.join(extensionRoot, name))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  return candidates[0];
}

const vsix = findVsix();

it("the .vsix holds the extension, its assets and the server binary", { skip: vsix ? false : "no .vsix (run scripts/package.sh)" }, () => {
  assert.ok(vsix && fs.existsSync(vsix), `${vsix} does not exist`);
  const entries = listZip(vsix);
  const names = new Set(entries.map((entry) => entry.name));
  for (const required of [
    "extension/package.json",
    "extension/dist/main.js",
    "extension/syntaxes/markdown-injection.tmLanguage.json",
    "extension/server/phasegate",
    "extension/media/mermaid.min.js",
    "extension/media/LICENSE.mermaid",
  ]) {
    assert.ok(names.has(required), `${path.basename(vsix)} lacks ${required}; it has: ${[...names].join(", ")}`);
  }
  if (fs.existsSync(path.join(repoRoot, "grammars", "workflow.schema.json"))) {
    assert.ok(names.has("extension/schemas/workflow.schema.json"), "the JSON Schema contributed by yamlValidation");
  }
  const server = entries.find((entry) => entry.name === "extension/server/phasegate")!;
  assert.notEqual(server.mode & 0o111, 0, `server/phasegate is not executable in the .vsix (mode ${server.mode.toString(8)})`);
  for (const name of names) {
    assert.ok(!name.startsWith("extension/node_modules/"), `bundled extension ships node_modules: ${name}`);
    assert.ok(!name.startsWith("extension/src/") && !name.startsWith("extension/test/"), `ships sources: ${name}`);
  }
});

it("the .vsix is built for one platform and named for it", { skip: vsix ? false : "no .vsix (run scripts/package.sh)" }, () => {
  const name = path.basename(vsix!);
  const match = /^phasegate-\d+\.\d+\.\d+-([a-z0-9]+-[a-z0-9]+)\.vsix$/.exec(name);
  assert.ok(match, `${name} is named phasegate-<version>-<target>.vsix`);
  const entries = listZip(vsix!);
  const manifest = entries.find((entry) => entry.name === "extension.vsixmanifest");
  assert.ok(manifest, "the .vsix has its manifest");
  const text = readZipEntry(vsix!, manifest).toString("utf8");
  assert.match(text, new RegExp(`TargetPlatform="${match[1]}"`), `the manifest declares ${match[1]}: ${text.slice(0, 600)}`);
  if (process.platform === "linux" && process.arch === "x64" && process.env.PHASEGATE_VSIX) {
    assert.equal(match[1], "linux-x64", "built here from this machine's binary");
  }
});
