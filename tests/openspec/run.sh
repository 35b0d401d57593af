#!/usr/bin/env bash
# phasegate against OpenSpec's own validator (docs/frameworks/openspec.md, "Parity"): installs the
# pinned @fission-ai/openspec release (package.json, package-lock.json) and compares
# `openspec validate --all --strict` (and `--archived`) with `phasegate check` on the OpenSpec
# workspaces written for phasegate (tests/fixtures/openspec; the demo, which holds every
# openspec-* fixture that fires; every near miss, checked as one workspace)
# and on generated ones. Fails on any difference not documented as deliberate.
#
#   PHASEGATE_BIN=target/release/phasegate bash tests/openspec/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
PHASEGATE_BIN="${PHASEGATE_BIN:-$repo/target/release/phasegate}"

npm ci --prefix "$here" --no-audit --no-fund --loglevel=error
cd "$repo"
python3 scripts/openspec-compare.py --quiet \
  --openspec "$here/node_modules/.bin/openspec" --phasegate "$PHASEGATE_BIN" \
  --generate 4 \
  tests/fixtures/openspec/planted tests/fixtures/openspec/clean examples/demo \
  --combine tests/fixtures/diagnostics/openspec-*/ok
