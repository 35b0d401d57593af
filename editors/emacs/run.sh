#!/usr/bin/env bash
# Headless Emacs + eglot end-to-end test: installs Debian's emacs-nox, elpa-eglot,
# elpa-markdown-mode and elpa-yaml-mode when missing (apt-get, as root), copies the editor test
# fixture to a temporary folder and runs test.el there, which evaluates the eglot configuration
# of editors/README.md as written and checks diagnostics and code actions (see test.el).
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

# Emacs with eglot, and the major modes the configuration hooks (Debian's packages).
missing=()
command -v emacs >/dev/null 2>&1 || missing+=(emacs-nox elpa-eglot)
for package in elpa-markdown-mode elpa-yaml-mode; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [[ "${#missing[@]}" -gt 0 ]]; then
  echo "run.sh: installing Debian's ${missing[*]} with apt-get" >&2
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "run.sh: no apt-get on this machine: install Emacs 28+ with eglot, markdown-mode and yaml-mode yourself" >&2
    exit 1
  fi
  sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
      echo "run.sh: installing ${missing[*]} needs root (or sudo)" >&2
      exit 1
    fi
  fi
  if ! "${sudo[@]}" apt-get update -qq ||
    ! DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2; then
    echo "run.sh: apt-get could not install ${missing[*]} (see above)" >&2
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
PATH="$work/bin:$PATH" timeout 300 emacs --batch -l "$here/test.el" "$repo/editors/README.md"
