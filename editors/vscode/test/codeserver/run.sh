#!/usr/bin/env bash
# The real-VS-Code test: installs code-server and the browser (install.sh, once), then runs
# drive.test.mjs, which installs the .vsix into code-server and drives it with chromium.
#
#   editors/vscode/test/codeserver/run.sh path/to/phasegate-<version>-<target>.vsix
#
# Screenshots and code-server's logs go to ${PHASEGATE_ARTIFACTS:-<repo>/target/editor-artifacts}/vscode.
# Where the browser cannot be installed (install.sh exits 3), it prints why and skips (exit 0).
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../../.." && pwd)"
vsix="${1:?usage: run.sh path/to/phasegate.vsix}"
case "$vsix" in /*) ;; *) vsix="$PWD/$vsix" ;; esac
if [[ ! -f "$vsix" ]]; then
  echo "run.sh: no .vsix at $vsix (editors/vscode/scripts/package.sh builds it)" >&2
  exit 1
fi

prefix="$(bash "$here/install.sh")"
status=$?
if [[ "$status" -eq 3 ]]; then
  echo "SKIPPED: the real-VS-Code test needs Debian's chromium, which cannot be installed here (see above)"
  exit 0
elif [[ "$status" -ne 0 ]]; then
  echo "run.sh: installing code-server failed (exit $status)" >&2
  exit 1
fi

artifacts="${PHASEGATE_ARTIFACTS:-$repo/target/editor-artifacts}/vscode"
rm -rf "$artifacts"
mkdir -p "$artifacts"
echo "run.sh: screenshots and logs in $artifacts" >&2
CODE_SERVER="$prefix/node_modules/.bin/code-server" \
  PLAYWRIGHT="$prefix/node_modules/playwright-core" \
  VSIX="$vsix" DEMO="$repo/examples/demo" ARTIFACTS="$artifacts" \
  node --test --test-concurrency=1 "$here/drive.test.mjs"
