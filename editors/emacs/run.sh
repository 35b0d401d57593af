#!/usr/bin/env bash
# Headless Emacs + eglot check: installs Debian's emacs-nox and elpa-eglot when `emacs` is
# missing (apt-get, as root), copies the editor test fixture to a temporary folder and runs
# test.el there, which opens workflow.md with the eglot configuration of editors/README.md
# and waits for phasegate's diagnostics in Flymake.
#
#   PHASEGATE_BIN=/path/to/phasegate editors/emacs/run.sh
#
# PHASEGATE_BIN defaults to target/release/phasegate (`cargo build --release`).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
fixture="$repo/editors/vscode/test/fixture"
PHASEGATE_BIN="${PHASEGATE_BIN:-$repo/target/release/phasegate}"

if [[ ! -x "$PHASEGATE_BIN" ]]; then
  echo "run.sh: no server binary at $PHASEGATE_BIN (build it with 'cargo build --release' or set PHASEGATE_BIN)" >&2
  exit 1
fi

if ! command -v emacs >/dev/null 2>&1; then
  echo "run.sh: emacs not found; installing Debian's emacs-nox and elpa-eglot with apt-get" >&2
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "run.sh: no apt-get on this machine: install Emacs 28+ with eglot yourself" >&2
    exit 1
  fi
  sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
      echo "run.sh: installing emacs-nox needs root (or sudo)" >&2
      exit 1
    fi
  fi
  if ! "${sudo[@]}" apt-get update -qq ||
    ! DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends emacs-nox elpa-eglot >&2; then
    echo "run.sh: apt-get could not install emacs-nox and elpa-eglot (see above)" >&2
    exit 1
  fi
fi
emacs --version | head -n 1 >&2

work="$(mktemp -d "${TMPDIR:-/tmp}/phasegate-emacs.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# The configuration runs `phasegate lsp`: put the binary under test on PATH as `phasegate`.
mkdir -p "$work/bin"
ln -s "$(cd "$(dirname "$PHASEGATE_BIN")" && pwd)/$(basename "$PHASEGATE_BIN")" "$work/bin/phasegate"
cp -R "$fixture" "$work/workspace"
# A .git folder makes the workspace a project root for project.el (and so for eglot).
git -C "$work/workspace" init --quiet 2>/dev/null || mkdir -p "$work/workspace/.git"
# Keep Emacs away from the user's files.
export HOME="$work/home"
mkdir -p "$HOME"

cd "$work/workspace"
PATH="$work/bin:$PATH" timeout 120 emacs --batch -l "$here/test.el"
