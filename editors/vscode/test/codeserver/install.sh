#!/usr/bin/env bash
# Installs what the real-VS-Code test (run.sh) needs, once, into a cache folder:
#   - Debian's chromium (the browser), libkrb5-dev (code-server's native modules build
#     against it) and ripgrep (see below), with apt-get;
#   - code-server 4.100.3 (VS Code 1.100.3) and playwright-core 1.65.1 from npm, pinned by
#     package.json and package-lock.json beside this script (`npm ci`).
#
#   editors/vscode/test/codeserver/install.sh        # prints the install folder last
#
# The folder is ${PHASEGATE_TEST_CACHE:-${XDG_CACHE_HOME:-~/.cache}/phasegate-editor-tests}/code-server-<hash>,
# <hash> being that of package-lock.json, so a changed pin installs afresh. Exit codes:
# 0 installed (or already there), 3 the browser cannot be installed here (no apt-get, not
# root and no sudo, or apt-get failed: run.sh then skips with that message), 1 anything else.
#
# Facts this relies on (issue 13), for a machine whose only network is the package registries:
#   - code-server 4.100.3 declares Node 20 (newer releases need Node 24);
#   - as root its postinstall refuses to run without npm_config_unsafe_perm=true;
#   - @vscode/ripgrep's postinstall downloads ripgrep from GitHub unless it finds
#     $TMPDIR/vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz:
#     a tarball of Debian's `rg` there satisfies it;
#   - node-pty's postinstall runs `npx node-gyp` (npm_config_yes=true), native modules build
#     against the local Node headers (npm_config_nodedir=/usr) and need libkrb5-dev;
#   - PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1: playwright-core drives Debian's chromium.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cache="${PHASEGATE_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/phasegate-editor-tests}"
lock_hash="$(sha256sum "$here/package-lock.json" | cut -c1-12)"
prefix="$cache/code-server-$lock_hash"

log() { echo "install.sh: $*" >&2; }

# --- Debian packages -------------------------------------------------------------------
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
if [[ "${#missing[@]}" -gt 0 ]]; then
  log "installing Debian's ${missing[*]} with apt-get"
  if ! command -v apt-get >/dev/null 2>&1; then
    log "no apt-get on this machine: install ${missing[*]} yourself"
    exit 3
  fi
  sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
      log "installing ${missing[*]} needs root (or sudo)"
      exit 3
    fi
  fi
  if ! "${sudo[@]}" apt-get update -qq ||
    ! DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2; then
    log "apt-get could not install ${missing[*]} (see above)"
    exit 3
  fi
fi

# --- npm packages ----------------------------------------------------------------------
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [[ "$node_major" != 20 ]]; then
  log "code-server 4.100.3 needs Node.js 20; this is $(node --version)"
  exit 1
fi
if [[ -x "$prefix/node_modules/.bin/code-server" && -f "$prefix/.installed" ]]; then
  echo "$prefix"
  exit 0
fi
log "installing code-server and playwright-core into $prefix (a few minutes, once)"
rm -rf "$prefix"
mkdir -p "$prefix"
cp "$here/package.json" "$here/package-lock.json" "$prefix/"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/phasegate-cs-install.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
# The ripgrep archive @vscode/ripgrep would download, made from Debian's rg.
rg_cache="$tmp/vscode-ripgrep-cache-1.15.11"
mkdir -p "$rg_cache"
cp "$(command -v rg)" "$tmp/rg"
tar -czf "$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$tmp" rg
(
  cd "$prefix"
  export TMPDIR="$tmp" npm_config_unsafe_perm=true npm_config_yes=true npm_config_nodedir=/usr \
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm_config_update_notifier=false
  npm ci --no-audit --no-fund --loglevel=error >&2
)
touch "$prefix/.installed"
log "installed: code-server $(XDG_CONFIG_HOME="$tmp" XDG_DATA_HOME="$tmp" "$prefix/node_modules/.bin/code-server" --version | grep -E "^[0-9]" | head -n 1)"
echo "$prefix"
