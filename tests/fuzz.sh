#!/usr/bin/env bash
# A short run of every fuzz target (fuzz/, docs/fuzzing.md), as tests/run.sh and CI run it:
# installs cargo-fuzz (pinned) from crates.io when this machine lacks that version, then runs
# fuzz/run.sh for PHASEGATE_FUZZ_SECONDS seconds per target (default 10). Exits non-zero when a
# target finds a crash (its input is in fuzz/artifacts/<target>/).
set -euo pipefail
cd "$(dirname "$0")/.."
version=0.13.2
seconds="${PHASEGATE_FUZZ_SECONDS:-10}"
if ! cargo fuzz --version 2>/dev/null | grep -qx "cargo-fuzz $version"; then
  cargo install cargo-fuzz --version "$version" --locked
fi
bash fuzz/run.sh "$seconds"
