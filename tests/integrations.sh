#!/usr/bin/env bash
# The CI and pre-commit recipes of docs/ci.md, run as written as far as this machine allows:
#   1. the GitHub Actions "Check workflow docs" command, taken from docs/ci.md, on a copy of the
#      demo; its SARIF validated by Microsoft's SARIF Multitool (npm, pinned) under the SARIF
#      rules and the GitHub Advanced Security ingestion rules (--rule-kind Ghas);
#   2. the pre-commit hook of .pre-commit-hooks.yaml, with pre-commit (PyPI, pinned), configured
#      by the `.pre-commit-config.yaml` of docs/ci.md (this checkout's HEAD as the hook
#      repository) on a scratch repository: fails on a planted error, passes once fixed, building
#      phasegate through the hook's own script.
# Needs Node.js with npm, Python 3 with venv, git, cargo. PHASEGATE_BIN: the release binary.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
PHASEGATE_BIN="${PHASEGATE_BIN:-$repo/target/release/phasegate}"
PRE_COMMIT_VERSION=4.7.0
SARIF_MULTITOOL_VERSION=5.7.0
tools="${PHASEGATE_TOOLS:-$repo/target/test-tools}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "integrations: $*" >&2; exit 1; }

echo "== SARIF for code scanning (docs/ci.md), validated by @microsoft/sarif-multitool $SARIF_MULTITOOL_VERSION"
if [ ! -x "$tools/sarif/node_modules/.bin/sarif-multitool" ]; then
  mkdir -p "$tools/sarif"
  (cd "$tools/sarif" && [ -f package.json ] || echo '{"private": true}' > package.json)
  npm install --prefix "$tools/sarif" --no-audit --no-fund --save-exact "@microsoft/sarif-multitool@$SARIF_MULTITOOL_VERSION" >/dev/null
fi
command_line="$(sed -n 's/^ *run: \(phasegate check --format sarif .*\)$/\1/p' "$repo/docs/ci.md" | head -n 1)"
[ -n "$command_line" ] || fail "docs/ci.md has no 'run: phasegate check --format sarif' step"
cp -r "$repo/examples/demo" "$work/demo"
bin_dir="$work/bin"
mkdir -p "$bin_dir" && ln -s "$PHASEGATE_BIN" "$bin_dir/phasegate"
(cd "$work/demo" && PATH="$bin_dir:$PATH" GITHUB_ENV="$work/github_env" bash -c "$command_line")
grep -qx 'failed=1' "$work/github_env" || fail "the step should record failed=1 for the demo's errors, got: $(cat "$work/github_env" 2>/dev/null)"
[ -s "$work/demo/phasegate.sarif" ] || fail "no phasegate.sarif written"
for kind in Sarif Ghas; do
  rm -f "$work/validation.sarif"
  "$tools/sarif/node_modules/.bin/sarif-multitool" validate "$work/demo/phasegate.sarif" --rule-kind "$kind" \
    -o "$work/validation.sarif" >"$work/validate.log" 2>&1 || { cat "$work/validate.log"; fail "the multitool failed"; }
  count="$(node -e 'const l=JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(l.runs.reduce((n, r) => n + (r.results || []).length, 0))' "$work/validation.sarif")"
  if [ "$count" != 0 ]; then
    cat "$work/validate.log"
    fail "$count $kind finding(s) on phasegate's SARIF"
  fi
  echo "ok: no $kind finding on phasegate's SARIF"
done

echo "== pre-commit $PRE_COMMIT_VERSION with .pre-commit-hooks.yaml"
if [ ! -x "$tools/pre-commit/bin/pre-commit" ] || [ "$("$tools/pre-commit/bin/pre-commit" --version)" != "pre-commit $PRE_COMMIT_VERSION" ]; then
  python3 -m venv "$tools/pre-commit"
  "$tools/pre-commit/bin/pip" install --quiet "pre-commit==$PRE_COMMIT_VERSION"
fi
scratch="$work/scratch"
mkdir -p "$scratch/docs"
cd "$scratch"
git init -q
git config user.email test@example.com
git config user.name test
printf '## Phase 1: Design\n**Deliverables**:\n- `docs/design.md`\n\n## Phase 2: Build\n' > docs/workflow.md
printf 'workflow: workflow\ncurrent: build\n' > run.state.yaml
git add -A
git commit -qm scratch
export PRE_COMMIT_HOME="$work/pre-commit-home" CARGO_TARGET_DIR="$repo/target"
# The configuration docs/ci.md shows, with this checkout as the hook repository at its HEAD (a
# local clone of a commit: uncommitted changes to the hook are not in it).
rev="$(git -C "$repo" rev-parse HEAD)"
sed -n '/^# .pre-commit-config.yaml$/,/^```$/p' "$repo/docs/ci.md" | sed '$d' \
  | sed "s|repo: https://github.com/phasegate/phasegate|repo: $repo|; s|rev: v.*|rev: $rev|" > .pre-commit-config.yaml
grep -q "repo: $repo" .pre-commit-config.yaml || fail "docs/ci.md has no .pre-commit-config.yaml block naming the repository"
git add -A
git commit -qm config
# phasegate is deliberately not on PATH: the hook builds it (once; the second run reuses it).
if "$tools/pre-commit/bin/pre-commit" run --all-files >"$work/pc.log" 2>&1; then
  cat "$work/pc.log"
  fail "the hook passed on a workspace with a missing deliverable"
fi
grep -q 'error\[missing-deliverable\]' "$work/pc.log" || { cat "$work/pc.log"; fail "the hook's output does not show the diagnostic"; }
echo "ok: the hook fails on a missing deliverable"
printf '# Design\n' > docs/design.md
git add -A
"$tools/pre-commit/bin/pre-commit" run --all-files >"$work/pc.log" 2>&1 || { cat "$work/pc.log"; fail "the hook failed on a clean workspace"; }
echo "ok: the hook passes once the deliverable exists"
