#!/usr/bin/env bash
# The whole test suite, as README.md shows it and .ci/run runs it:
#   1. the Rust tests: engine units, the seeds snapshot, CLI and LSP end-to-end tests over the real
#      binary, the tree-sitter query test (cargo test --workspace);
#   2. the editor tests against the release binary: TypeScript compile, Node protocol test,
#      JSON Schema validation, .vsix packaging, the .vsix in code-server driven by chromium,
#      headless Neovim and Emacs (editors/test.sh);
#   3. `phasegate mcp` with the Python MCP SDK's client (tests/mcp/run.sh);
#   4. the golden graphs rendered with mermaid-cli and Graphviz (tests/graph/render.sh);
#   5. the CI and pre-commit recipes of docs/ci.md (tests/integrations.sh);
#   6. Spec Kit's own workflow validator (specify-cli, pinned) and phasegate on the same
#      definitions, every difference listed (tests/speckit-validator/run.sh);
#   7. phasegate against OpenSpec's own validator, the pinned npm release (tests/openspec/run.sh);
#   8. a short run of every fuzz target, cargo-fuzz pinned (tests/fuzz.sh, docs/fuzzing.md).
# Needs a Rust toolchain, Node.js 20 with npm, Python 3 with venv, and apt-get (Emacs, chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo test --workspace"
cargo test --workspace --locked
if [ "${PHASEGATE_PRUNE_TEST_BUILD:-}" = 1 ]; then
  # Set by .ci/run: nothing below uses the test build; its disk goes to the editors and fuzzing.
  rm -rf target/debug
fi

echo "== cargo build --release"
cargo build --release --locked

echo "== editors"
PHASEGATE_BIN="$PWD/target/release/phasegate" bash editors/test.sh

echo "== MCP: phasegate mcp driven by the Python MCP SDK's client (docs/mcp.md)"
PHASEGATE_BIN="$PWD/target/release/phasegate" bash tests/mcp/run.sh

echo "== graphs: every golden Mermaid and DOT file rendered (mermaid-cli, Graphviz)"
bash tests/graph/render.sh

echo "== CI and pre-commit recipes (docs/ci.md)"
PHASEGATE_BIN="$PWD/target/release/phasegate" bash tests/integrations.sh

echo "== Spec Kit's workflow validator against phasegate (tests/speckit-validator)"
PHASEGATE_BIN="$PWD/target/release/phasegate" bash tests/speckit-validator/run.sh

echo "== OpenSpec parity (docs/frameworks/openspec.md)"
PHASEGATE_BIN="$PWD/target/release/phasegate" bash tests/openspec/run.sh

echo "== fuzzing: every target for ${PHASEGATE_FUZZ_SECONDS:-10} s (tests/fuzz.sh)"
bash tests/fuzz.sh
