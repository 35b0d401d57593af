#!/usr/bin/env python3
"""Runs `phasegate check --format json` (and `phasegate status --format json`) over a folder of
repository checkouts and prints the diagnostics grouped by code and by repository, so a review of
phasegate's precision on real repositories can be repeated (docs/precision.md records one).

Usage:
    scripts/review-repos.py [--phasegate BIN] [--status] [--counts-only] [--json OUT] CHECKOUTS

CHECKOUTS is a folder holding one checkout per subfolder (`CHECKOUTS/olaf`, `CHECKOUTS/spec-kit`,
...). Each subfolder is checked as its own workspace root. BIN defaults to `phasegate` on PATH,
else `target/release/phasegate` of this repository. Python 3.8+ standard library only.

Output: a table of counts by code and repository, then every diagnostic grouped by code, then by
repository, as `path:line:column: message` (1-based line and column, the column in UTF-16 code
units as `--format json` gives it, plus one). `--status` adds each repository's workflows with
the conventions that made each one a workflow. `--json OUT` also writes everything gathered as
one JSON object (for comparing two runs).
"""

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys


def find_binary(given):
    if given:
        # Relative to where the script was started, not to the checkouts it runs in.
        return os.path.abspath(given) if os.sep in given else (shutil.which(given) or given)
    on_path = shutil.which("phasegate")
    if on_path:
        return on_path
    here = os.path.dirname(os.path.abspath(__file__))
    built = os.path.join(here, "..", "target", "release", "phasegate")
    if os.path.exists(built):
        return os.path.normpath(built)
    sys.exit("review-repos: no phasegate binary: pass --phasegate BIN or run `cargo build --release`")


def run_json(binary, args, cwd):
    """Runs phasegate and parses its JSON output; exits on a usage or IO failure (exit 2)."""
    proc = subprocess.run([binary] + args, cwd=cwd, capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        sys.exit(f"review-repos: `phasegate {' '.join(args)}` in {cwd} exited {proc.returncode}:\n{proc.stderr}")
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError as e:
        sys.exit(f"review-repos: `phasegate {' '.join(args)}` in {cwd} printed no JSON ({e})")


def commit_of(path):
    """The checked-out commit, when the checkout is a git work tree."""
    if not os.path.exists(os.path.join(path, ".git")):
        return None
    proc = subprocess.run(["git", "-C", path, "rev-parse", "HEAD"], capture_output=True, text=True)
    return proc.stdout.strip() or None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkouts", help="folder holding one repository checkout per subfolder")
    parser.add_argument("--phasegate", help="the phasegate binary (default: on PATH, else target/release)")
    parser.add_argument("--status", action="store_true", help="also list each repository's workflows")
    parser.add_argument("--counts-only", action="store_true", help="print the table of counts only")
    parser.add_argument("--json", metavar="OUT", help="also write everything gathered to OUT as JSON")
    args = parser.parse_args()

    binary = find_binary(args.phasegate)
    repos = sorted(
        name for name in os.listdir(args.checkouts) if os.path.isdir(os.path.join(args.checkouts, name)) and not name.startswith(".")
    )
    if not repos:
        sys.exit(f"review-repos: no checkout in {args.checkouts}")

    gathered = {}
    for name in repos:
        root = os.path.join(args.checkouts, name)
        entry = {"commit": commit_of(root), "diagnostics": run_json(binary, ["check", ".", "--format", "json"], root)["diagnostics"]}
        if args.status:
            entry["workflows"] = run_json(binary, ["status", ".", "--format", "json"], root)["workflows"]
        gathered[name] = entry

    # Counts by code and repository.
    codes = sorted({d["code"] for e in gathered.values() for d in e["diagnostics"]})
    width = max([len(c) for c in codes] + [len("total")])
    print("counts by code (columns: " + ", ".join(f"{i + 1}={name}" for i, name in enumerate(repos)) + ")")
    print(f"{'code':<{width}}  " + "  ".join(f"{i + 1:>5}" for i in range(len(repos))) + "  total")
    for code in codes + ["total"]:
        row = [sum(1 for d in gathered[n]["diagnostics"] if code in ("total", d["code"])) for n in repos]
        print(f"{code:<{width}}  " + "  ".join(f"{c:>5}" for c in row) + f"  {sum(row):>5}")
    if args.status:
        row = [len(gathered[n]["workflows"]) for n in repos]
        print(f"{'workflows':<{width}}  " + "  ".join(f"{c:>5}" for c in row) + f"  {sum(row):>5}")

    if not args.counts_only:
        for code in codes:
            print(f"\n== {code}")
            for name in repos:
                hits = [d for d in gathered[name]["diagnostics"] if d["code"] == code]
                if not hits:
                    continue
                print(f"-- {name} ({len(hits)})")
                for d in hits:
                    start = d["range"]["start"]
                    print(f"{d['path']}:{start['line'] + 1}:{start['character'] + 1}: {d['severity']}: {d['message']}")
        if args.status:
            for name in repos:
                workflows = gathered[name]["workflows"]
                print(f"\n== workflows of {name} ({len(workflows)})")
                by_basis = collections.Counter(", ".join(w.get("recognisedBy", [])) or "?" for w in workflows)
                for basis, count in sorted(by_basis.items(), key=lambda kv: (-kv[1], kv[0])):
                    print(f"   {count:>4}  recognised by {basis}")
                for w in workflows:
                    print(f"{w['path']}: `{w['name']}`, {w['phaseCount']} phase(s); recognised by {', '.join(w.get('recognisedBy', [])) or '?'}")

    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump({"phasegate": binary, "repositories": gathered}, out, indent=1)


if __name__ == "__main__":
    main()
