#!/usr/bin/env bash
# End-to-end test of `phasegate mcp` with the Python MCP SDK's client (tests/mcp/client.py).
# Makes a venv once under ~/.cache/phasegate-editor-tests (keyed by requirements.txt, where `mcp`
# and everything it installs are pinned; Debian's python3-venv installed with apt-get when a
# venv cannot be made), then runs the client against $PHASEGATE_BIN.
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
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    # Debian's python3 makes venvs only with python3-venv (ensurepip), not installed by default.
    echo "run.sh: installing Debian's python3-venv with apt-get" >&2
    rm -rf "$venv"
    sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends python3-venv >&2
    python3 -m venv "$venv"
  fi
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$here/requirements.txt"
  touch "$venv/.complete"
fi
exec "$venv/bin/python" "$here/client.py"
