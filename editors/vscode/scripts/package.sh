#!/usr/bin/env bash
# Builds the .vsix for one platform, with the server binary inside.
#
#   scripts/package.sh [--strict] [--target TARGET] [PATH_TO_PHASEGATE_BINARY]
#
# PATH_TO_PHASEGATE_BINARY, relative to the folder you run this from, defaults to the
# repository's target/release/phasegate (build it with `cargo build --release`).
# TARGET is VS Code's platform name (linux-x64, linux-arm64, darwin-x64, darwin-arm64,
# win32-x64, win32-arm64); by default it is read from the binary's header (ELF, Mach-O or
# PE), since the .vsix runs only where its server does. Writes
# editors/vscode/phasegate-<version>-<target>.vsix (`vsce package --target`), which VS Code
# installs only on that platform. --strict fails when a file the extension contributes
# (grammars/workflow.schema.json, the injection grammar) is missing.
set -euo pipefail

caller="$PWD"
extension="$(cd "$(dirname "$0")/.." && pwd)"
strict=""
binary=""
target=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --strict) strict="--strict" ;;
    --target) target="${2:?--target needs a platform, e.g. linux-x64}"; shift ;;
    --target=*) target="${1#--target=}" ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    -*) echo "package.sh: unknown option $1" >&2; exit 2 ;;
    *) binary="$1" ;;
  esac
  shift
done
if [[ -z "$binary" ]]; then
  binary="$extension/../../target/release/phasegate"
elif [[ "$binary" != /* ]]; then
  binary="$caller/$binary"
fi

if [[ ! -f "$binary" || ! -x "$binary" ]]; then
  echo "package.sh: no executable server binary at $binary; run 'cargo build --release' at the repository root or pass its path" >&2
  exit 1
fi

# VS Code's platform name for the binary, from its header bytes.
detect_target() {
  local head
  head="$(od -An -tx1 -N20 "$1" | tr -d ' \n')"
  case "$head" in
    7f454c46*) # ELF: e_machine is the 2 bytes at offset 18 (little-endian on these machines)
      case "${head:36:4}" in
        3e00) echo linux-x64 ;; b700) echo linux-arm64 ;; 2800) echo linux-armhf ;; *) return 1 ;;
      esac ;;
    cffaedfe*) # Mach-O 64-bit: cputype at offset 4
      case "${head:8:8}" in
        07000001) echo darwin-x64 ;; 0c000001) echo darwin-arm64 ;; *) return 1 ;;
      esac ;;
    4d5a*) # PE: ask the user, the machine field sits behind a variable offset
      return 1 ;;
    *) return 1 ;;
  esac
}
if [[ -z "$target" ]] && ! target="$(detect_target "$binary")"; then
  echo "package.sh: cannot tell the platform of $binary from its header; pass --target (e.g. win32-x64)" >&2
  exit 1
fi
case "$target" in
  linux-x64|linux-arm64|linux-armhf|alpine-x64|alpine-arm64|darwin-x64|darwin-arm64|win32-x64|win32-arm64) ;;
  *) echo "package.sh: unknown target '$target' (VS Code's platform names: linux-x64, darwin-arm64, win32-x64, ...)" >&2; exit 2 ;;
esac
exe="phasegate"
[[ "$target" == win32-* ]] && exe="phasegate.exe"

cd "$extension"
version="$(node -p 'require("./package.json").version')"
out="phasegate-$version-$target.vsix"
rm -f "$out" # never leave a stale .vsix behind a failed build

if [[ "$target" != win32-* ]]; then
  if ! version_line="$("$binary" --version)" || [[ "$version_line" != phasegate\ * ]]; then
    echo "package.sh: '$binary --version' printed '${version_line:-}', expected 'phasegate <version>' (a binary for another platform? pass --target)" >&2
    exit 1
  fi
else
  version_line="phasegate (for $target)"
fi
echo "package.sh: bundling $version_line from $binary for $target"

rm -rf server
mkdir -p server
cp "$binary" "server/$exe"
chmod 755 "server/$exe"
# The release profile keeps line tables for profiling; users do not need them in the extension.
if [[ "$target" == linux-* || "$target" == alpine-* ]] && command -v strip >/dev/null 2>&1; then
  strip "server/$exe" 2>/dev/null || true
fi

[[ -d node_modules ]] || npm ci
node scripts/copy-assets.mjs $strict
npx tsc --noEmit -p .
node scripts/build.mjs --production

npx vsce package --no-dependencies --skip-license --allow-missing-repository --target "$target" --out "$out"
echo "package.sh: wrote editors/vscode/$out, for $target only (it bundles a $target server; VS Code installs it on that platform)"
