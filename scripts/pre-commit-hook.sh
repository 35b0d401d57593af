#!/usr/bin/env bash
# The pre-commit hook of .pre-commit-hooks.yaml: runs `phasegate check` on the repository being
# committed to (its arguments are the hook's `args:`). Uses a `phasegate` on PATH when it is this
# repository's version, else builds it from this checkout with cargo (once; later runs reuse the
# build). Exit code: phasegate's (1 on any error diagnostic, 2 on usage or IO failure).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$here/Cargo.toml" | head -n 1)"
if command -v phasegate >/dev/null 2>&1 && [ "$(phasegate --version 2>/dev/null)" = "phasegate $version" ]; then
  exec phasegate check "$@"
fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "phasegate hook: needs a Rust toolchain (cargo) to build phasegate, or phasegate $version on PATH" >&2
  exit 2
fi
target="${CARGO_TARGET_DIR:-$here/target}"
cargo build --release --locked --quiet --manifest-path "$here/Cargo.toml" -p phasegate >&2
exec "$target/release/phasegate" check "$@"
