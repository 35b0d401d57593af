#!/usr/bin/env bash
# Runs Spec Kit's own workflow validator and phasegate on the same definitions and lists every
# difference (tests/speckit-validator/compare.py; docs/frameworks/speckit.md).
#
#   PHASEGATE_BIN=target/release/phasegate tests/speckit-validator/run.sh [--verbose]
#
# specify-cli (the pinned version below, from PyPI) is installed once into a venv under
# ${PHASEGATE_TEST_CACHE:-${XDG_CACHE_HOME:-~/.cache}/phasegate-editor-tests}. PHASEGATE_BIN
# defaults to target/release/phasegate. Exits 1 when a difference is not documented as deliberate.
set -euo pipefail

SPECIFY_CLI_VERSION=1.2.3

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
PHASEGATE_BIN="${PHASEGATE_BIN:-$repo/target/release/phasegate}"
cache="${PHASEGATE_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/phasegate-editor-tests}"
venv="$cache/specify-cli-$SPECIFY_CLI_VERSION"

if [[ ! -x "$PHASEGATE_BIN" ]]; then
  echo "run.sh: no phasegate binary at $PHASEGATE_BIN (build it with 'cargo build --release' or set PHASEGATE_BIN)" >&2
  exit 1
fi
if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c "import specify_cli" 2>/dev/null; then
  echo "run.sh: installing specify-cli==$SPECIFY_CLI_VERSION into $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "specify-cli==$SPECIFY_CLI_VERSION"
fi
exec "$venv/bin/python" "$here/compare.py" "$PHASEGATE_BIN" "$@"
