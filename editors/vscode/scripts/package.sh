#!/usr/bin/env bash
# Builds phasegate-<version>.vsix with the server binary inside.
#
#   scripts/package.sh [--strict] [PATH_TO_PHASEGATE_BINARY]
#
# The binary defaults to ../../target/release/phasegate (build it with
# `cargo build --release` at the repository root). --strict fails when a file the
# extension contributes (grammars/workflow.schema.json, the injection grammar) is missing.
set -euo pipefail

cd "$(dirname "$0")/.."
strict=""
binary=""
for argument in "$@"; do
  case "$argument" in
    --strict) strict="--strict" ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) binary="$argument" ;;
  esac
done
binary="${binary:-../../target/release/phasegate}"
version="$(node -p 'require("./package.json").version')"
out="phasegate-$version.vsix"
rm -f "$out" # never leave a stale .vsix behind a failed build

if [[ ! -x "$binary" ]]; then
  echo "package.sh: no executable server binary at $binary; run 'cargo build --release' at the repository root or pass its path" >&2
  exit 1
fi
if ! version_line="$("$binary" --version)" || [[ "$version_line" != phasegate\ * ]]; then
  echo "package.sh: '$binary --version' printed '${version_line:-}', expected 'phasegate <version>'" >&2
  exit 1
fi
echo "package.sh: bundling $version_line from $binary"

rm -rf server
mkdir -p server
cp "$binary" server/phasegate
chmod 755 server/phasegate
# The release profile keeps line tables for profiling; users do not need them in the extension.
if command -v strip >/dev/null 2>&1; then
  strip server/phasegate
fi

[[ -d node_modules ]] || npm ci
node scripts/copy-assets.mjs $strict
npx tsc --noEmit -p .
node scripts/build.mjs --production

npx vsce package --no-dependencies --skip-license --allow-missing-repository --out "$out"
echo "package.sh: wrote editors/vscode/$out"
