#!/usr/bin/env python3
"""Generates OpenSpec workspaces (`openspec/specs/`, `openspec/changes/`) with planted problems,
for the comparison with `openspec validate --all --strict` (scripts/openspec-compare.py) and the
side-by-side speed measurement (scripts/openspec-bench.py). Written for phasegate; the content is
made up from a word list, deterministic for a given seed.

Usage:
    scripts/openspec_corpus.py OUT [--specs N] [--changes N] [--seed S] [--problems RATE] [--mutate RATE]

OUT is created (it must not exist). RATE (0..1, default 0.3) is the share of specs and changes
given one planted problem; the others are valid under `--strict`. `--mutate RATE` respells that
share of the Markdown files in ways OpenSpec's parsers read differently (line endings, header case
and spacing, closing `#` runs, fenced examples, ...). Python 3.8+ standard library only.
"""

import argparse
import os
import random
import sys

WORDS = (
    "account audit batch billing cache catalog checkout client config customer dashboard data "
    "delivery device export feed file gateway history import inventory invoice ledger login "
    "message metric notice order owner page payment policy profile queue quota record refund "
    "report request role schedule search session setting share snapshot status stock storage "
    "stream summary tenant token upload usage user vendor webhook window workspace"
).split()

VERBS = "accept archive create delete display export import list notify record reject retry return send store update validate".split()


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def word(self):
        return self.r.choice(WORDS)

    def name(self, n=3):
        return " ".join(self.word().capitalize() if i == 0 else self.word() for i in range(n))

    def sentence(self, keyword=None):
        subject = self.r.choice(["The system", "The service", "Each client", "The API", "The worker"])
        verb = self.r.choice(VERBS)
        modal = keyword or self.r.choice(["SHALL", "MUST"])
        return f"{subject} {modal} {verb} the {self.word()} {self.word()} when the {self.word()} changes."

    def prose(self, n=2):
        return " ".join(
            f"{self.word().capitalize()} {self.word()} {self.r.choice(VERBS)}s the {self.word()} {self.word()} for every {self.word()}."
            for _ in range(n)
        )

    def scenario(self, name=None, bullets=True):
        name = name or self.name(2)
        lines = [f"#### Scenario: {name}"]
        if bullets:
            lines += [
                f"- **WHEN** the {self.word()} {self.r.choice(VERBS)}s a {self.word()}",
                f"- **THEN** the {self.word()} is {self.r.choice(VERBS)}d",
            ]
        return "\n".join(lines)

    def requirement(self, name, scenarios=1, keyword=None, body=True, scenario_names=None):
        lines = [f"### Requirement: {name}"]
        if body:
            lines.append(self.sentence(keyword))
        lines.append("")
        names = scenario_names or [self.name(2) + f" {i}" for i in range(scenarios)]
        for n in names[:scenarios] if scenario_names is None else names:
            lines.append(self.scenario(n))
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"


MAIN_PROBLEMS = [
    "no-purpose",
    "no-requirements-section",
    "short-purpose",
    "placeholder-purpose",
    "archive-placeholder",
    "no-scenario",
    "bullet-scenarios",
    "no-shall",
    "header-only-shall",
    "delta-header",
    "outside-requirements",
    "duplicate-requirement",
    "empty-requirements",
    "long-requirement",
    "empty-scenario",
    "fenced-example",
]

CHANGE_PROBLEMS = [
    "no-deltas",
    "skip-specs",
    "skip-specs-conflict",
    "skip-specs-bad-schema",
    "skip-specs-bad-value",
    "no-delta-sections",
    "empty-delta-sections",
    "added-no-scenario",
    "added-no-shall",
    "added-no-text",
    "duplicate-added",
    "duplicate-modified",
    "duplicate-removed",
    "duplicate-renamed",
    "modified-and-removed",
    "added-and-modified",
    "renamed-and-removed",
    "modified-old-name",
    "modified-drops-scenario",
    "modified-missing-target",
    "renamed-unpaired",
    "renamed-missing-source",
    "orphan-requirement",
    "skipped-header",
    "root-spec",
    "unread-delta-file",
    "task-group-mismatch",
    "task-duplicate",
    "tasks-no-checkboxes",
    "nested-change",
    "modified-new-spec",
    "added-exists",
    "removed-bullets",
]


MUTATIONS = 0.0
MUTATE = random.Random(0)


def mutate(text):
    """Spellings OpenSpec reads (or deliberately does not): line endings, header case and
    spacing, closing `#` runs, metadata lines, fenced examples, repeated sections."""
    r = MUTATE
    if r.random() < 0.3:
        text = text.replace("## ADDED Requirements", r.choice(["## added requirements", "## ADDED  Requirements", "##\tADDED Requirements", "## Added Requirements"]))
    if r.random() < 0.3:
        text = text.replace("### Requirement: ", r.choice(["###Requirement: ", "### Requirement:", "### requirement: ", "###  Requirement: "]), 1)
    if r.random() < 0.2:
        lines = text.split("\n")
        lines = [l + " ###" if l.startswith("### Requirement") and r.random() < 0.5 else l for l in lines]
        text = "\n".join(lines)
    if r.random() < 0.2:
        text = text.replace("#### Scenario: ", r.choice(["#### scenario: ", "####Scenario: ", "##### Scenario: ", "#### "]), 1)
    if r.random() < 0.2:
        text = text.replace("SHALL", r.choice(["shall", "SHALL", "SHALLs", "MUST"]), 1)
    if r.random() < 0.15:
        text = text.replace("\n#### Scenario", "\n**ID**: R-1\n\n#### Scenario", 1)
    if r.random() < 0.15:
        text += "\n```markdown\n### Requirement: Example only\n#### Scenario: Shown\n```\n"
    if r.random() < 0.1:
        text += "\n~~~\n## REMOVED Requirements\n~~~\n"
    if r.random() < 0.1:
        text = text.replace("## Purpose\n", "## Purpose\n\n", 1)
    if r.random() < 0.1:
        text = text.replace("- **WHEN**", "  - **WHEN**", 1)
    if r.random() < 0.1:
        text = text.replace("## ", "##\u00a0", 1)
    if r.random() < 0.15:
        text = text.replace("- [ ]", r.choice(["* [ ]", "1) [ ]", "- []", "- [~]", "+ [ ]"]))
    if r.random() < 0.1:
        text = text.replace("## 2. ", "## 02. ")
    if r.random() < 0.1:
        text = "<!-- generated -->\n" + text
    if r.random() < 0.05:
        text = "\ufeff" + text
    if r.random() < 0.15:
        text = text.replace("\n", "\r\n")
    return text


def write(path, text):
    if MUTATIONS and path.endswith(".md") and MUTATE.random() < MUTATIONS:
        text = mutate(text)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def main_spec(g, cap, problem, reqs):
    """Text of a main spec; `reqs` is filled with (name, [scenario names])."""
    purpose = f"Defines how the {cap.replace('-', ' ')} capability {g.r.choice(VERBS)}s {g.word()} records for every {g.word()} and {g.word()}."
    if problem == "short-purpose":
        purpose = f"{g.word().capitalize()} handling."
    elif problem == "placeholder-purpose":
        purpose = "TBD"
    elif problem == "archive-placeholder":
        purpose = f"TBD - created by archiving change add-{cap}. Update Purpose after archive."
    parts = [f"# {cap} Specification\n"]
    if problem != "no-purpose":
        parts.append(f"## Purpose\n{purpose}\n")
    if problem == "outside-requirements":
        parts.append(f"## Overview\n\n### Requirement: Stray {g.name(2)}\n{g.sentence()}\n\n{g.scenario()}\n")
    if problem == "no-requirements-section":
        parts.append("## Notes\n" + g.prose() + "\n")
        return "\n".join(parts)
    parts.append("## Requirements\n")
    if problem == "empty-requirements":
        parts.append(g.prose() + "\n")
        return "\n".join(parts)
    count = g.r.randint(2, 4)
    for i in range(count):
        name = f"{g.name(3)} {i + 1}"
        scenarios = [f"{g.name(2)} case {j + 1}" for j in range(g.r.randint(1, 3))]
        reqs.append((name, scenarios))
        if i == 0 and problem == "no-scenario":
            parts.append(f"### Requirement: {name}\n{g.sentence()}\n")
            reqs[-1] = (name, [])
        elif i == 0 and problem == "bullet-scenarios":
            parts.append(f"### Requirement: {name}\n{g.sentence()}\n\n- **WHEN** a {g.word()} arrives\n- **THEN** it is stored\n")
            reqs[-1] = (name, [])
        elif i == 0 and problem == "no-shall":
            parts.append(g.requirement(name, scenario_names=scenarios, keyword="should"))
        elif i == 0 and problem == "header-only-shall":
            name = f"The system SHALL {g.r.choice(VERBS)} {g.word()}s"
            reqs[-1] = (name, scenarios)
            parts.append(g.requirement(name, scenario_names=scenarios, body=False))
        elif i == 0 and problem == "long-requirement":
            text = " ".join(g.sentence() for _ in range(12))
            parts.append(f"### Requirement: {name}\n{text}\n\n" + "\n\n".join(g.scenario(s) for s in scenarios) + "\n")
        elif i == 0 and problem == "empty-scenario":
            parts.append(f"### Requirement: {name}\n{g.sentence()}\n\n#### Scenario: {scenarios[0]}\n")
            reqs[-1] = (name, [])
        elif i == 0 and problem == "fenced-example":
            parts.append(
                g.requirement(name, scenario_names=scenarios).rstrip()
                + "\n\n```markdown\n## ADDED Requirements\n### Requirement: Example only\n```\n"
            )
        else:
            parts.append(g.requirement(name, scenario_names=scenarios))
    if problem == "duplicate-requirement":
        name, scenarios = reqs[0]
        parts.append(g.requirement(name, scenario_names=scenarios))
    if problem == "delta-header":
        parts.append(f"## ADDED Requirements\n\n{g.requirement('Added ' + g.name(2))}")
    return "\n".join(parts)


def tasks_text(g, problem):
    groups = []
    for n in range(1, g.r.randint(2, 4) + 1):
        lines = [f"## {n}. {g.name(2)}", ""]
        for m in range(1, g.r.randint(2, 4) + 1):
            box = "x" if g.r.random() < 0.5 else " "
            number = f"{n}.{m}"
            if problem == "task-group-mismatch" and n == 2 and m == 1:
                number = f"1.{m + 7}"
            if problem == "task-duplicate" and n == 2 and m == 2:
                number = f"{n}.1"
            if problem == "tasks-no-checkboxes":
                lines.append(f"- {number} {g.r.choice(VERBS).capitalize()} the {g.word()} {g.word()}")
            else:
                lines.append(f"- [{box}] {number} {g.r.choice(VERBS).capitalize()} the {g.word()} {g.word()}")
        groups.append("\n".join(lines))
    return "# Tasks\n\n" + "\n\n".join(groups) + "\n"


def delta_spec(g, problem, main_reqs, new_cap):
    """A delta spec against `main_reqs` (a list of (name, scenarios); empty for a new capability)."""
    parts = ["# Delta\n"]
    added = [f"Added {g.name(2)} {i}" for i in range(g.r.randint(1, 2))]
    if problem == "no-delta-sections":
        return "# Notes\n\n" + g.prose() + "\n"
    if problem == "empty-delta-sections":
        return "## ADDED Requirements\n\n" + g.prose() + "\n"
    if new_cap:
        parts.append(f"## Purpose\nAdds the {g.word()} {g.word()} capability so every {g.word()} can be {g.r.choice(VERBS)}d.\n")
    if problem == "orphan-requirement":
        parts.append(f"## Notes\n\n### Requirement: Forgotten {g.name(2)}\n{g.sentence()}\n\n{g.scenario()}\n")
    parts.append("## ADDED Requirements\n")
    for i, name in enumerate(added):
        if i == 0 and problem == "added-no-scenario":
            parts.append(f"### Requirement: {name}\n{g.sentence()}\n")
        elif i == 0 and problem == "added-no-shall":
            parts.append(g.requirement(name, keyword="will"))
        elif i == 0 and problem == "added-no-text":
            parts.append(g.requirement(name, body=False))
        else:
            parts.append(g.requirement(name))
    if problem == "skipped-header":
        parts.append(f"### {g.name(2)} Requirements\n\n{g.prose(1)}\n")
    if problem == "duplicate-added":
        parts.append(g.requirement(added[0]))
    if problem == "added-and-modified" and main_reqs:
        parts.append(g.requirement(main_reqs[0][0], scenario_names=main_reqs[0][1] or None))
    if problem == "added-exists" and main_reqs:
        parts.append(g.requirement(main_reqs[0][0], scenario_names=(main_reqs[0][1] or []) + ["Extra case"]))
    modifiable = [r for r in main_reqs if r[1]]
    if modifiable and problem not in ("modified-new-spec",):
        name, scenarios = modifiable[0]
        parts.append("## MODIFIED Requirements\n")
        kept = scenarios[:-1] if problem == "modified-drops-scenario" and len(scenarios) > 0 else scenarios
        if problem == "modified-drops-scenario":
            kept = kept + [f"Replacement {g.word()}"]
        if problem == "modified-missing-target":
            name = f"Missing {g.name(2)}"
        parts.append(g.requirement(name, scenario_names=kept or [g.name(2)]))
        if problem == "duplicate-modified":
            parts.append(g.requirement(name, scenario_names=kept or [g.name(2)]))
        if problem == "added-and-modified":
            pass
    if problem == "modified-new-spec":
        parts.append("## MODIFIED Requirements\n")
        parts.append(g.requirement(f"Imagined {g.name(2)}"))
    removable = [r for r in main_reqs[1:]]
    if problem in ("modified-and-removed", "duplicate-removed", "renamed-and-removed", "removed-bullets") and removable:
        parts.append("## REMOVED Requirements\n")
        target = modifiable[0][0] if problem == "modified-and-removed" and modifiable else removable[0][0]
        if problem == "removed-bullets":
            parts.append(f"- ### Requirement: {target}\n")
        else:
            parts.append(f"### Requirement: {target}\n**Reason**: Replaced.\n**Migration**: None.\n")
        if problem == "duplicate-removed":
            parts.append(f"### Requirement: {target}\n**Reason**: Replaced again.\n")
    if problem in ("duplicate-renamed", "renamed-unpaired", "renamed-missing-source", "renamed-and-removed", "modified-old-name") and main_reqs:
        source = main_reqs[-1][0]
        if problem == "renamed-and-removed" and removable:
            source = removable[0][0]
        if problem == "modified-old-name" and modifiable:
            source = modifiable[0][0]
        if problem == "renamed-missing-source":
            source = f"Never {g.name(2)}"
        parts.append("## RENAMED Requirements\n")
        parts.append(f"- FROM: `### Requirement: {source}`")
        if problem != "renamed-unpaired":
            parts.append(f"- TO: `### Requirement: Renamed {source}`")
        if problem == "duplicate-renamed":
            parts.append(f"- FROM: `### Requirement: {source}`")
            parts.append(f"- TO: `### Requirement: Renamed {source}`")
        parts.append("")
    return "\n".join(parts)


def generate(out, n_specs, n_changes, seed, rate):
    g = Gen(seed)
    root = os.path.join(out, "openspec")
    caps = []
    main = {}
    for i in range(n_specs):
        cap = f"{g.word()}-{g.word()}-{i}"
        problem = g.r.choice(MAIN_PROBLEMS) if g.r.random() < rate else None
        reqs = []
        write(os.path.join(root, "specs", cap, "spec.md"), main_spec(g, cap, problem, reqs))
        caps.append(cap)
        main[cap] = reqs if problem not in ("duplicate-requirement", "delta-header", "outside-requirements") else []
    for i in range(n_changes):
        change = f"{g.r.choice(['add', 'update', 'remove', 'fix'])}-{g.word()}-{g.word()}-{i}"
        problem = g.r.choice(CHANGE_PROBLEMS) if g.r.random() < rate else None
        cdir = os.path.join(root, "changes", change)
        if problem == "nested-change":
            cdir = os.path.join(cdir, f"inner-{g.word()}")
        why = f"The {g.word()} {g.word()} cannot {g.r.choice(VERBS)} {g.word()}s today, so every {g.word()} waits for a manual step."
        write(
            os.path.join(cdir, "proposal.md"),
            f"# Change: {change}\n\n## Why\n{why}\n\n## What Changes\n- {g.prose(1)}\n\n## Impact\n- Affected specs: {g.word()}\n",
        )
        meta = "schema: spec-driven\ncreated: 2026-01-15\n"
        if problem in ("skip-specs", "skip-specs-conflict"):
            meta += "skip_specs: true\n"
        elif problem == "skip-specs-bad-schema":
            meta = "schema: spec-driven-typo\nskip_specs: true\n"
        elif problem == "skip-specs-bad-value":
            meta += "skip_specs: yes please\n"
        write(os.path.join(cdir, ".openspec.yaml"), meta)
        write(os.path.join(cdir, "tasks.md"), tasks_text(g, problem))
        if problem in ("no-deltas", "skip-specs", "skip-specs-bad-schema", "skip-specs-bad-value"):
            continue
        if problem == "root-spec":
            write(os.path.join(cdir, "specs", "spec.md"), delta_spec(g, None, [], True))
            continue
        new_cap = problem in ("modified-new-spec",) or not caps or g.r.random() < 0.25
        if new_cap:
            cap = f"{g.word()}-{g.word()}-new-{i}"
            reqs = []
        else:
            cap = g.r.choice(caps)
            reqs = main.get(cap, [])
        if problem == "unread-delta-file":
            write(os.path.join(cdir, "specs", cap, "delta.md"), delta_spec(g, None, reqs, new_cap))
            continue
        write(os.path.join(cdir, "specs", cap, "spec.md"), delta_spec(g, problem, reqs, new_cap))
    write(os.path.join(root, "project.md"), "# Project\n\nGenerated by scripts/openspec_corpus.py.\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--specs", type=int, default=100)
    ap.add_argument("--changes", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--problems", type=float, default=0.3)
    ap.add_argument("--mutate", type=float, default=0.0, help="share of Markdown files respelled (CRLF, header case and spacing, ...)")
    args = ap.parse_args()
    global MUTATIONS
    MUTATIONS = args.mutate
    MUTATE.seed(args.seed)
    if os.path.exists(args.out):
        sys.exit(f"openspec_corpus: {args.out} exists")
    generate(args.out, args.specs, args.changes, args.seed, args.problems)


if __name__ == "__main__":
    main()
