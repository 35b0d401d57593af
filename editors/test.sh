#!/usr/bin/env bash
# Runs every editor-side test: npm ci, TypeScript (strict) + esbuild, Node unit and grammar
# tests, the JSON Schema test, the Node protocol test against the real server, .vsix packaging
# and its check, the .vsix in a real VS Code (code-server, driven by chromium),
# the headless Neovim tests (highlight queries, end-to-end LSP) and the headless
# Emacs + eglot check. (The Rust test of the tree-sitter queries is
# `cargo test -p phasegate-grammars`, part of `cargo test --workspace`.)
#
#   PHASEGATE_BIN=target/release/phasegate editors/test.sh
#
# PHASEGATE_BIN defaults to target/release/phasegate (`cargo build --release`).
# Prints `N passed, N failed` (one per step) last; exits non-zero when a step failed.
set -uo pipefail

editors="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$editors/.." && pwd)"
PHASEGATE_BIN="${PHASEGATE_BIN:-$repo/target/release/phasegate}"
case "$PHASEGATE_BIN" in /*) ;; *) PHASEGATE_BIN="$PWD/$PHASEGATE_BIN" ;; esac
export PHASEGATE_BIN

passed=0
failed=0
failed_steps=()
step() {
  local name="$1"
  shift
  echo "== $name"
  local started=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    echo "== ok: $name ($((SECONDS - started)) s)"
  else
    failed=$((failed + 1))
    failed_steps+=("$name")
    echo "== FAILED: $name ($((SECONDS - started)) s)"
  fi
}

vscode="$editors/vscode"
version="$(node -p "require('$vscode/package.json').version")"
vsix_target="$(node -p '({ "linux-x64": "linux-x64", "linux-arm64": "linux-arm64", "darwin-x64": "darwin-x64", "darwin-arm64": "darwin-arm64" })[process.platform + "-" + process.arch] ?? ""')"
vsix="$vscode/phasegate-$version-$vsix_target.vsix"

step "npm ci" npm ci --prefix "$vscode" --no-audit --no-fund
step "compile: tsc --noEmit (strict) + esbuild" npm run --prefix "$vscode" compile
step "node tests: unit, settings drift, TextMate grammar" \
  node --test "$vscode/out/test/unit.test.js" "$vscode/out/test/grammar.test.js"
step "node test: workflow.schema.json (strict 2020-12) against every example and fixture" \
  node --test "$vscode/out/test/schema.test.js"
step "node protocol test against $PHASEGATE_BIN" node --test "$vscode/out/test/protocol.test.js"
# From the repository root with a relative binary path: package.sh resolves it against the caller's folder.
package_vsix() { (cd "$repo" && bash editors/vscode/scripts/package.sh --strict "$(realpath --relative-to="$repo" "$PHASEGATE_BIN")"); }
step "package .vsix (scripts/package.sh --strict, relative binary path)" package_vsix
step ".vsix holds the server binary, built for this platform" env PHASEGATE_VSIX="$vsix" node --test "$vscode/out/test/vsix.test.js"
step "vscode: the .vsix in code-server 4.100.3, driven by chromium (screenshots in target/editor-artifacts/vscode)" \
  bash "$vscode/test/codeserver/run.sh" "$vsix"
step "neovim: highlight queries" bash "$editors/neovim/test/run.sh" highlights
step "neovim: end-to-end LSP" bash "$editors/neovim/test/run.sh" e2e
step "emacs: eglot diagnostics (headless)" bash "$editors/emacs/run.sh"

for name in "${failed_steps[@]}"; do echo "failed: $name"; done
echo "$passed passed, $failed failed"
[[ "$failed" -eq 0 ]]
