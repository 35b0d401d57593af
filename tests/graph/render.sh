#!/usr/bin/env bash
# Renders every golden graph of tests/fixtures/graph (what `phasegate graph` prints for each
# convention and framework) to prove it is valid: the Mermaid files with @mermaid-js/mermaid-cli
# 11.17.0 (npm, pinned by package.json and package-lock.json here; puppeteer drives Debian's
# chromium, its browser download skipped), the DOT files with Graphviz's `dot` (Debian), and the
# Mermaid block of examples/demo/README.md; with `--update` it writes that block's picture,
# examples/demo/graph.png.
#
#   bash tests/graph/render.sh [--update]
#
# Installs once: chromium and graphviz with apt-get when missing, the npm packages into
# ${PHASEGATE_TEST_CACHE:-~/.cache/phasegate-editor-tests}/mermaid-cli-<lock hash>.
# Prints one line per file and `N passed, N failed` last; exits 1 when a file failed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cache="${PHASEGATE_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/phasegate-editor-tests}"
prefix="$cache/mermaid-cli-$(sha256sum "$here/package-lock.json" | cut -c1-12)"
log() { echo "render.sh: $*" >&2; }

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
if [[ "${#missing[@]}" -gt 0 ]]; then
  log "installing Debian's ${missing[*]} with apt-get"
  sudo=()
  [[ "$(id -u)" -eq 0 ]] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
if [[ ! -x "$prefix/node_modules/.bin/mmdc" || ! -f "$prefix/.installed" ]]; then
  log "installing @mermaid-js/mermaid-cli into $prefix (once)"
  rm -rf "$prefix"
  mkdir -p "$prefix"
  cp "$here/package.json" "$here/package-lock.json" "$prefix/"
  # No install scripts: puppeteer's would download a browser; Debian's chromium is used instead.
  (cd "$prefix" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund >&2)
  touch "$prefix/.installed"
fi

out="$repo/target/graph-render"
rm -rf "$out"
mkdir -p "$out"
cat >"$out/puppeteer.json" <<JSON
{ "executablePath": "$(command -v chromium)", "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] }
JSON

passed=0
failed=0
render_mermaid() { # input output
  local err
  if err="$("$prefix/node_modules/.bin/mmdc" --quiet -p "$out/puppeteer.json" -i "$1" -o "$2" 2>&1)" && grep -q '<svg' "$2"; then
    return 0
  fi
  echo "$err" | tail -20
  return 1
}
for f in "$repo"/tests/fixtures/graph/*.mmd; do
  name="$(basename "$f" .mmd)"
  if render_mermaid "$f" "$out/$name.mmd.svg"; then
    echo "ok: mermaid $name"; passed=$((passed + 1))
  else
    echo "FAILED: mermaid $name"; failed=$((failed + 1))
  fi
done
for f in "$repo"/tests/fixtures/graph/*.dot; do
  name="$(basename "$f" .dot)"
  if dot -Tsvg "$f" -o "$out/$name.dot.svg" 2>"$out/$name.dot.err" && ! grep -qi 'error\|warning' "$out/$name.dot.err"; then
    echo "ok: dot $name"; passed=$((passed + 1))
  else
    cat "$out/$name.dot.err"
    echo "FAILED: dot $name"; failed=$((failed + 1))
  fi
done
# The demo README's picture: the Mermaid block it shows, rendered.
readme="$repo/examples/demo/README.md"
awk '/^```mermaid$/{on=1; next} /^```$/{if(on){exit}} on' "$readme" >"$out/demo-readme.mmd"
if [[ -s "$out/demo-readme.mmd" ]] && render_mermaid "$out/demo-readme.mmd" "$out/demo-readme.svg"; then
  echo "ok: mermaid examples/demo/README.md"; passed=$((passed + 1))
  if [[ "${1:-}" == "--update" ]]; then
    "$prefix/node_modules/.bin/mmdc" --quiet -p "$out/puppeteer.json" -i "$out/demo-readme.mmd" -o "$repo/examples/demo/graph.png" -w 1600 -b white
    log "wrote examples/demo/graph.png"
  fi
else
  echo "FAILED: mermaid examples/demo/README.md"; failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[[ "$failed" -eq 0 ]]
