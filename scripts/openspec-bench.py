#!/usr/bin/env python3
"""Side-by-side speed of `phasegate check` and `openspec validate --all --strict` (the pinned
release of tests/openspec/package.json) on the same generated OpenSpec workspace, by default
1,000 specs and 1,000 changes (scripts/openspec_corpus.py, 30% of them with a planted problem).
docs/benchmarks.md records its figures.

Usage:
    scripts/openspec-bench.py [--specs N] [--changes N] [--runs N] [--seed S]
                              [--openspec BIN] [--phasegate BIN] [--keep]

Each command runs once to warm the file cache, then RUNS times each, alternating (phasegate,
openspec, phasegate, ...) so that a change in the machine's load hits both; each run is timed
from start to exit (wall clock, and the CPU time the OS accounts to it). Both print JSON to a
pipe that is read and kept. The ratio is taken pair by pair (openspec's time over phasegate's).
Then it checks that phasegate flags (an error or a warning) every change and spec the validator
fails. It prints figures and asserts nothing about speed. Python 3.8+ standard library only.
"""

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, ".."))


def timed(cmd, cwd, env):
    """(wall seconds, cpu seconds, stdout) of one run of `cmd`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, p.stdout


def spread(values, unit="s", scale=1.0):
    v = sorted(values)
    fmt = (lambda x: f"{x * scale:.3f}") if unit == "s" else (lambda x: f"{x:.1f}")
    return f"{fmt(v[0])} / {fmt(statistics.median(v))} / {fmt(v[-1])}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--specs", type=int, default=1000)
    ap.add_argument("--changes", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--openspec", default=os.path.join(REPO, "tests", "openspec", "node_modules", ".bin", "openspec"))
    ap.add_argument("--phasegate", default=os.path.join(REPO, "target", "release", "phasegate"))
    ap.add_argument("--keep", action="store_true", help="keep the generated workspace (its path is printed)")
    args = ap.parse_args()
    args.openspec, args.phasegate = os.path.abspath(args.openspec), os.path.abspath(args.phasegate)
    for b in (args.openspec, args.phasegate):
        if not os.path.exists(b):
            sys.exit(f"openspec-bench: {b} not found (npm ci --prefix tests/openspec; cargo build --release)")
    tmp = tempfile.mkdtemp(prefix="openspec-bench-")
    ws = os.path.join(tmp, "workspace")
    xdg = os.path.join(tmp, "xdg")
    os.makedirs(xdg)
    subprocess.run([sys.executable, os.path.join(HERE, "openspec_corpus.py"), ws, "--specs", str(args.specs), "--changes", str(args.changes), "--seed", str(args.seed)], check=True)
    files = sum(len(f) for _, _, f in os.walk(ws))
    size = sum(os.path.getsize(os.path.join(d, n)) for d, _, f in os.walk(ws) for n in f)
    env = dict(os.environ, XDG_DATA_HOME=xdg, XDG_CONFIG_HOME=xdg, OPENSPEC_TELEMETRY="0", DO_NOT_TRACK="1", NO_COLOR="1")
    a = [args.phasegate, "check", "--format", "json", "."]
    b = [args.openspec, "validate", "--all", "--strict", "--json", "--no-interactive"]
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    print(f"workspace: {args.specs} specs, {args.changes} changes, {files} files, {size / 1e6:.1f} MB (seed {args.seed})")
    print(f"machine: {os.cpu_count()} cores; load average at start {' '.join(load)}")
    print(f"phasegate: {' '.join(a)}\nopenspec:  {' '.join(b)}  ({os.path.realpath(args.openspec)})")
    timed(a, ws, env)
    timed(b, ws, env)
    rows = {"phasegate": [], "openspec": []}
    outputs = {}
    for _ in range(args.runs):
        for name, cmd in (("phasegate", a), ("openspec", b)):
            wall, cpu, out = timed(cmd, ws, env)
            rows[name].append((wall, cpu))
            outputs[name] = out
    print(f"\n{'':10} {'wall s (min / median / max)':>30} {'cpu s (min / median / max)':>30}")
    for name in ("phasegate", "openspec"):
        print(f"{name:10} {spread([r[0] for r in rows[name]]):>30} {spread([r[1] for r in rows[name]]):>30}")
    ratios = [o[0] / p[0] for p, o in zip(rows["phasegate"], rows["openspec"])]
    cpu_ratios = [o[1] / p[1] for p, o in zip(rows["phasegate"], rows["openspec"]) if p[1] > 0]
    print(f"{'ratio':10} {spread(ratios, 'x'):>30} {spread(cpu_ratios, 'x') if cpu_ratios else '-':>30}   (openspec / phasegate, pair by pair)")

    report = json.loads(outputs["openspec"])
    pg = json.loads(outputs["phasegate"])
    failed = {f"{it['type']}/{it['id']}" for it in report["items"] if not it["valid"]}
    flagged = set()
    for d in pg["diagnostics"]:
        if d["severity"] not in ("error", "warning"):
            continue
        parts = d["path"].split("/")
        if parts[:2] == ["openspec", "specs"]:
            flagged.add("spec/" + "/".join(parts[2:-1]))
        elif parts[:2] == ["openspec", "changes"] and parts[2] != "archive":
            flagged.add("change/" + parts[2])
    missed = sorted(failed - flagged)
    print(f"\nthe validator fails {len(failed)} of {len(report['items'])} items; phasegate flags {len(failed) - len(missed)} of them" + (f"; missed: {missed[:20]}" if missed else ""))
    if args.keep:
        print(f"workspace kept: {ws}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
