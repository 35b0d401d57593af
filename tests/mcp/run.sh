#!/usr/bin/env bash
# End-to-end test of `phasegate mcp` with the Python MCP SDK's client (tests/mcp/client.py).
# Makes a venv once under ~/.cache/phasegate-editor-tests (keyed by requirements.txt, where `mcp`
# and everything it installs are pinned), then runs the client against $PHASEGATE_BIN.
#
#   PHASEGATE_BIN=target/release/phasegate bash tests/mcp/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
PHASEGATE_BIN="${PHASEGATE_BIN:-$repo/target/release/phasegate}"
case "$PHASEGATE_BIN" in /*) ;; *) PHASEGATE_BIN="$PWD/$PHASEGATE_BIN" ;; esac
export PHASEGATE_BIN

key="$(sha256sum "$here/requirements.txt" | cut -c1-12)"
venv="${XDG_CACHE_HOME:-$HOME/.cache}/phasegate-editor-tests/mcp-venv-$key"
if [ ! -x "$venv/bin/python" ] || [ ! -f "$venv/.complete" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$here/requirements.txt"
  touch "$venv/.complete"
fi
exec "$venv/bin/python" "$here/client.py"
