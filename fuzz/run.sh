#!/usr/bin/env bash
# Runs every fuzz target (fuzz/fuzz_targets/, docs/fuzzing.md) for SECONDS each (default 30),
# after seeding its corpus from the repository's fixtures, seeds and examples. Prints each
# target's execution count; exits non-zero when a target finds a crash (libFuzzer writes it to
# fuzz/artifacts/<target>/).
#
#   bash fuzz/run.sh [SECONDS] [TARGET...]
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`). It runs on the machine's stable Rust:
# without a sanitizer (`--sanitizer none`), and with RUSTC_BOOTSTRAP=1 for the one unstable flag
# cargo-fuzz passes; libFuzzer itself comes with the libfuzzer-sys crate.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
shift || true
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  targets=(markdown yaml json state positions edits)
fi

# Seed corpora: each file once per target that reads its kind, prefixed with the byte that picks
# the file name the target gives it (see each target's NAMES).
seed() {
  local target="$1" prefix="$2"
  shift 2
  mkdir -p "fuzz/corpus/$target"
  local f n=0
  while IFS= read -r -d '' f; do
    n=$((n + 1))
    { printf "$prefix"; cat "$f"; } > "fuzz/corpus/$target/seed-$n"
  done < <(find "$@" -type f -print0 2>/dev/null)
}
seed markdown '\000' tests/fixtures examples -name '*.md'
seed yaml '\000' tests/fixtures examples \( -name '*.yaml' -o -name '*.yml' \)
seed json '\000' tests/fixtures examples -name '*.json'
seed state '\000' tests/fixtures examples -name '*.state.yaml'
seed state '\001' tests/fixtures examples -name '*state*.json'
seed positions '' tests/fixtures/seeds -name '*.md'
seed edits '' tests/fixtures/seeds -name '*.md'

export RUSTC_BOOTSTRAP=1
status=0
for t in "${targets[@]}"; do
  echo "== fuzz $t for ${seconds}s"
  log="fuzz/target/$t.log"
  mkdir -p fuzz/target
  # Documents up to 64 KiB; the conversion targets work per byte, so shorter inputs run faster.
  case "$t" in positions | edits) max_len=4096 ;; *) max_len=65536 ;; esac
  if cargo fuzz run --sanitizer none "$t" "fuzz/corpus/$t" -- -max_total_time="$seconds" -max_len="$max_len" -print_final_stats=1 > "$log" 2>&1; then
    execs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
    echo "ok: $t, ${execs:-?} executions"
  else
    status=1
    echo "CRASH or failure in $t (fuzz/artifacts/$t/):"
    tail -40 "$log"
  fi
done
exit "$status"
