// Paths shared by the tests. The compiled tests run from out/test/.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const extensionRoot = path.resolve(__dirname, "..", "..");
export const repoRoot = path.resolve(extensionRoot, "..", "..");
export const fixtureRoot = path.join(extensionRoot, "test", "fixture");

/** The server binary under test: $PHASEGATE_BIN, else ../../target/release/phasegate. */
export function serverBinary(): { path: string; fromEnv: boolean } {
  const fromEnv = process.env.PHASEGATE_BIN;
  if (fromEnv) return { path: path.resolve(fromEnv), fromEnv: true };
  return { path: path.join(repoRoot, "target", "release", "phasegate"), fromEnv: false };
}

/** Copies the fixture workspace to a fresh temporary folder (advancing rewrites files). */
export function copyFixture(): string {
  const target = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), "phasegate-fixture-"));
  fs.cpSync(fixtureRoot, target, { recursive: true });
  return target;
}
