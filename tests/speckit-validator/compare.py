#!/usr/bin/env python3
"""Compares phasegate's Spec Kit workflow checks with Spec Kit's own validator.

Runs `validate_workflow` of the installed `specify-cli` (tests/speckit-validator/run.sh pins
the version and installs it into a venv) and `phasegate check --format json` on the same
definitions: the hand-written corpus in `corpus/` and variants generated from a valid
definition (every field of the header, inputs, requires, outputs and every step type replaced
by YAML values of every type, or left out). Each problem either side reports becomes a key
(what it is about, which field); the keys of each definition are compared as multisets.

Prints every difference; the deliberate ones (DELIBERATE below, documented in
docs/frameworks/speckit.md) are listed but do not fail. Exit status 1 when another difference
exists, 0 otherwise.

Usage: compare.py PHASEGATE_BIN [--verbose]
"""

import ast
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CODES = {"speckit-workflow-invalid", "speckit-duplicate-step-id", "speckit-unknown-step-type", "syntax-error"}

# ---------------------------------------------------------------------------------------------
# Keys from Spec Kit's messages
# ---------------------------------------------------------------------------------------------

REPR = r"(?P<id>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|[^ :]+)"


def unrepr(text):
    text = text.rstrip(".")
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
    return str(value)


# (regex, subject, field): `subject` and `field` may use the named groups.
SPECKIT = [
    (r"^Invalid YAML", "workflow", "yaml"),
    (r"^Workflow YAML must be a mapping", "workflow", "mapping"),
    (r"^Unsupported schema_version", "workflow", "schema_version"),
    (r"^Workflow is missing 'workflow\.(?P<f>\w+)'", "workflow", "{f}"),
    (r"^'workflow\.(?P<f>\w+)' must be", "workflow", "{f}"),
    (r"^Workflow ID ", "workflow", "id"),
    (r"^Workflow version ", "workflow", "version"),
    (r"^'inputs' must be a mapping", "workflow", "inputs"),
    (r"^'requires' must be a mapping", "workflow", "requires"),
    (r"^'outputs' must be a mapping", "workflow", "outputs"),
    (r"^'steps' must be a list", "workflow", "steps"),
    (r"^Workflow has no steps defined", "workflow", "steps"),
    (r"^Input " + REPR + r" must be a mapping", "input {id}", "definition"),
    (r"^Input " + REPR + r" has invalid type", "input {id}", "type"),
    (r"^Input " + REPR + r" has invalid 'enum'", "input {id}", "enum"),
    (r"^Input " + REPR + r" has invalid default", "input {id}", "default"),
    (r"^'requires\.permissions' is not", "requires", "permissions"),
    (r"^Unknown 'requires' key " + REPR, "requires", "{id}"),
    (r"^Output " + REPR + r" (must be a safe identifier|is reserved)", "output {id}", "name"),
    (r"^Output " + REPR + r"( must contain exactly 'value'|:)", "output {id}", "value"),
    (r"^Step must be a mapping", "a step", "mapping"),
    (r"^Step is missing 'id' field", "a step", "id"),
    (r"^Step ID must be a string", "a step", "id"),
    (r"^Step ID " + REPR + r" contains ':'", "step {id}", "id"),
    (r"^Duplicate step ID " + REPR, "step {id}", "duplicate"),
    (r"^Step " + REPR + r": 'type' must be a string", "step {id}", "type"),
    (r"^Step " + REPR + r" has invalid type", "step {id}", "type"),
    (r"^Slot step " + REPR + r" is not supported inside fan-out", "step {id}", "slot"),
    (r"^Step " + REPR + r": 'continue_on_error'", "step {id}", "continue_on_error"),
    (r"^Gate step " + REPR + r": on_reject='retry' resets verdict input", "step {id}", "verdict_input"),
    (r"^Gate step " + REPR + r": on_reject=", "step {id}", "options-reject"),
    (r"^Switch step " + REPR + r": case ", "step {id}", "cases"),
    (r"^Command step " + REPR + r": 'integration_args\[", "step {id}", "integration_args"),
    (r"^Slot step " + REPR + r" requires a 'name'", "step {id}", "name"),
    (r"^GitHub step has unsupported field " + REPR, "github", "field {id}"),
    (r"^GitHub step requires '(?P<f>\w+)'", "github", "{f}"),
    (r"^GitHub step '(?P<f>\w+)' must", "github", "{f}"),
    (r"^'(?P<f>number|repository|label)' must be", "github", "{f}"),
    (r"^'(?P<f>workflow|input)' must be", "call", "{f}"),
    (r"^Value is not JSON-safe", "call", "input"),
    # `<Kind> step 'id' is missing 'field'` and `<Kind> step 'id': 'field' ...`.
    (r"^[A-Z][\w-]* step " + REPR + r" is missing '(?P<f>\w+)'", "step {id}", "{f}"),
    (r"^[A-Z][\w-]* step " + REPR + r": '(?P<f>\w+)'", "step {id}", "{f}"),
    (r"^[A-Z][\w-]* step " + REPR + r": all options", "step {id}", "options"),
]

# ---------------------------------------------------------------------------------------------
# Keys from phasegate's messages
# ---------------------------------------------------------------------------------------------

SUBJECT = re.compile(r"^(?P<s>workflow|a step|requires|step `(?P<step>.*?)`|input `(?P<input>.*?)`|output `(?P<output>.*?)`|GitHub step `(?P<gh>.*?)`|workflow step `(?P<call>.*?)`): (?P<rest>.*)$", re.S)


def phasegate_key(code, message):
    if code == "syntax-error":
        return ("workflow", "yaml")
    m = SUBJECT.match(message)
    if not m:
        return ("?", message)
    rest = m.group("rest")
    tokens = re.findall(r"`([^`]*)`", rest)
    first = tokens[0] if tokens else ""
    if m.group("step") is not None:
        subject = f"step {m.group('step')}"
        if code == "speckit-duplicate-step-id":
            return (subject, "duplicate")
        if first == "slot":
            return (subject, "slot")
        if first == "options" and "no `reject`" in rest:
            return (subject, "options-reject")
        return (subject, first)
    if m.group("input") is not None:
        name = m.group("input")
        return (f"input {name}", "definition" if first == name and "must be a mapping" in rest else first)
    if m.group("output") is not None:
        return (f"output {m.group('output')}", "value" if first == "value" else "name")
    if m.group("gh") is not None:
        if "is not a field of GitHub steps" in rest:
            return ("github", f"field {first}")
        return ("github", first)
    if m.group("call") is not None:
        return ("call", first)
    s = m.group("s")
    if s == "workflow":
        if first == "workflow.yml":
            return ("workflow", "mapping")
        return ("workflow", first.removeprefix("workflow."))
    if s == "a step":
        return ("a step", "mapping" if "must be a mapping" in rest else first)
    if s == "requires":
        return ("requires", first)
    return (s, first)


def speckit_key(message):
    for pattern, subject, field in SPECKIT:
        m = re.match(pattern, message, re.S)
        if m:
            groups = {k: (unrepr(v) if k == "id" else v) for k, v in m.groupdict().items() if v is not None}
            return (subject.format(**groups), field.format(**groups))
    return ("?", message)


# Differences made on purpose (docs/frameworks/speckit.md, "Differences from Spec Kit's
# validator"): (side that reports it, subject regex, field regex, reason).
DELIBERATE = [
]


def deliberate(side, key):
    for s, subject, field, reason in DELIBERATE:
        if s == side and re.fullmatch(subject, key[0]) and re.fullmatch(field, key[1]):
            return reason
    return None


# ---------------------------------------------------------------------------------------------
# The definitions
# ---------------------------------------------------------------------------------------------


def emit(value, indent=0):
    """YAML text of a structure whose leaves are raw YAML scalar texts (kept as written)."""
    pad = "  " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        lines = []
        for k, v in value.items():
            if isinstance(v, (dict, list)) and v:
                lines.append(f"{pad}{k}:\n{emit(v, indent + 1)}")
            else:
                lines.append(f"{pad}{k}: {emit(v, indent + 1)}")
        return "\n".join(lines)
    if isinstance(value, list):
        if not value:
            return "[]"
        lines = []
        for item in value:
            if isinstance(item, dict) and item:
                body = emit(item, indent + 1)
                lines.append(f"{pad}- {body.lstrip()}")
            elif isinstance(item, list) and item:
                lines.append(f"{pad}-\n{emit(item, indent + 1)}")
            else:
                lines.append(f"{pad}- {emit(item, indent + 1)}")
        return "\n".join(lines)
    return str(value)


# Raw YAML values: every type PyYAML gives a plain scalar, quoted strings, collections.
PALETTE = [
    '"text"', "plain text", "''", "~", "null", "123", "0", "-1", "1.0", "1.5", ".inf", "0x10",
    "1_000", "yes", "no", "on", "off", "true", "false", "2026-01-02", "[]", "[a, b]", "[1, 2]",
    "{}", "{a: 1}", '"1.0"', '"1.0.0"', "1.0.0", '"{{ inputs.spec }}"', '"{{ inputs.spec"',
    '"Foo_Bar"', '"a:b"', '"approve"', '"reject"', '"abort"', '"retry"', '"json"', '"sh"',
    '"add-label"', '"issue"', '"owner/repo"', '"42"', "42", "-5", '"  "',
]

STEP_FIELDS = {
    "command": {"command": '"speckit.plan"', "input": {"args": '"{{ inputs.spec }}"'}, "options": {"k": '"v"'}, "integration": '"claude"', "model": '"sonnet"', "integration_args": ['"--x"'], "integration_options": {"k": '"v"'}, "capture": "true", "capture_max_bytes": "1024", "timeout": "60"},
    "prompt": {"prompt": '"Review {{ inputs.spec }}"', "integration": '"claude"', "model": '"sonnet"', "timeout": "60", "capture": "true", "capture_max_bytes": "-1"},
    "shell": {"run": '"echo hi"', "output_format": '"json"', "timeout": "30"},
    "gate": {"message": '"Review it."', "options": ['"approve"', '"reject"'], "on_reject": '"abort"', "verdict_input": '"verdict"'},
    "if": {"condition": '"{{ inputs.ready }}"', "then": [{"id": "then-step", "command": '"speckit.plan"'}], "else": [{"id": "else-step", "command": '"speckit.tasks"'}]},
    "while": {"condition": '"{{ inputs.ready }}"', "max_iterations": "3", "steps": [{"id": "while-body", "command": '"speckit.clarify"'}]},
    "do-while": {"condition": '"{{ inputs.ready }}"', "max_iterations": "2", "steps": [{"id": "do-body", "command": '"speckit.clarify"'}]},
    "switch": {"expression": '"{{ inputs.scope }}"', "cases": {"full": [{"id": "case-step", "command": '"speckit.tasks"'}]}, "default": [{"id": "default-step", "command": '"speckit.plan"'}]},
    "fan-out": {"items": '"{{ inputs.items }}"', "step": {"id": "item", "type": "prompt", "prompt": '"Check {{ item }}"'}},
    "fan-in": {"wait_for": ["first"], "output": {"all": '"{{ fan_in.results }}"'}},
    "init": {"script": '"sh"'},
    "slot": {"name": '"extra checks"'},
    "workflow": {"workflow": '"child-flow"', "input": {"spec": '"{{ inputs.spec }}"'}},
    "github": {"operation": '"add-label"', "target": '"issue"', "repository": '"owner/repo"', "number": "42", "label": '"needs-review"'},
}


def base():
    return {
        "schema_version": '"1.0"',
        "workflow": {"id": '"gen"', "name": '"Generated"', "version": '"1.0.0"', "integration": '"claude"', "model": '"sonnet"', "options": {"k": '"v"'}},
        "requires": {"speckit_version": '">=0.8.5"', "integrations": {"any": ['"claude"']}},
        "inputs": {
            "spec": {"type": '"string"', "required": "true"},
            "ready": {"type": '"boolean"', "default": "false"},
            "rounds": {"type": '"number"', "default": "2"},
            "scope": {"type": '"string"', "default": '"full"', "enum": ['"full"', '"lite"']},
            "verdict": {"type": '"string"', "enum": ['""', '"approve"', '"reject"']},
        },
        "outputs": {"summary": {"value": '"done"'}},
        "steps": [{"id": "first", "command": '"speckit.specify"'}],
    }


def with_step(kind):
    d = base()
    step = {"id": "s", "type": f'"{kind}"'}
    step.update(json.loads(json.dumps(STEP_FIELDS[kind])))
    d["steps"].append(step)
    return d


def variants():
    """(name, text) of every generated definition."""
    out = [("valid", emit(base()))]
    for kind in STEP_FIELDS:
        out.append((f"valid-{kind}", emit(with_step(kind))))
    # Header and top-level fields.
    for path in [("schema_version",), ("workflow",), ("workflow", "id"), ("workflow", "name"), ("workflow", "version"), ("workflow", "integration"), ("workflow", "model"), ("workflow", "options"), ("requires",), ("inputs",), ("outputs",), ("steps",)]:
        for i, raw in enumerate(PALETTE + [None]):
            d = base()
            target = d
            for key in path[:-1]:
                target = target[key]
            if raw is None:
                target.pop(path[-1], None)
            else:
                target[path[-1]] = raw
            out.append((f"top-{'.'.join(path)}-{i}", emit(d)))
    # Inputs: each field of each declared input.
    for name in ["spec", "ready", "rounds", "scope", "verdict", "integration"]:
        for field in ["type", "default", "enum", None]:
            for i, raw in enumerate(PALETTE):
                d = base()
                d["inputs"].setdefault(name, {"type": '"string"'})
                if field is None:
                    d["inputs"][name] = raw
                else:
                    d["inputs"][name][field] = raw
                out.append((f"input-{name}-{field}-{i}", emit(d)))
    # Requires keys and outputs.
    for i, key in enumerate(["speckit_version", "integrations", "permissions", "tools", "mcp", "1"]):
        d = base()
        d["requires"] = {key: '"x"'}
        out.append((f"requires-{i}", emit(d)))
    for i, (name, value) in enumerate([("summary", {"value": "2026-01-02"}), ("summary", {"value": ".nan"}), ("summary", {"other": '"x"'}), ("status", {"value": '"x"'}), ("Bad_Name", {"value": '"x"'}), ("x", '"plain"'), ("nested", {"value": {"a": [1, 2]}}), ("keys", {"value": {"1": '"x"'}})]):
        d = base()
        d["outputs"] = {name: value}
        out.append((f"outputs-{i}", emit(d)))
    # Steps: each field of each step type, replaced by every palette value or left out; the id
    # and type themselves too.
    for kind, fields in STEP_FIELDS.items():
        for field in list(fields) + ["id", "type", "continue_on_error"]:
            for i, raw in enumerate(PALETTE + [None]):
                d = with_step(kind)
                step = d["steps"][-1]
                if raw is None:
                    step.pop(field, None)
                else:
                    step[field] = raw
                out.append((f"step-{kind}-{field}-{i}", emit(d)))
    # Wiring: duplicate ids in branches, fan-in forward references, verdicts in fan-outs.
    wiring = {
        "dup-top": [{"id": "a", "command": '"x"'}, {"id": "a", "command": '"y"'}],
        "dup-branch": [{"id": "a", "command": '"x"'}, {"id": "b", "type": "if", "condition": '"{{ x }}"', "then": [{"id": "a", "command": '"y"'}]}],
        "dup-in-template": [{"id": "a", "command": '"x"'}, {"id": "f", "type": "fan-out", "items": '"{{ x }}"', "step": {"id": "a", "command": '"y"'}}],
        "fan-in-forward": [{"id": "j", "type": "fan-in", "wait_for": ["later"]}, {"id": "later", "command": '"x"'}],
        "fan-in-self": [{"id": "j", "type": "fan-in", "wait_for": ["j"]}],
        "fan-in-number": [{"id": "j", "type": "fan-in", "wait_for": ["1"]}],
        "verdict-undeclared": [{"id": "g", "type": "gate", "message": '"m"', "verdict_input": '"nope"'}],
        "verdict-in-fan-out": [{"id": "f", "type": "fan-out", "items": '"{{ x }}"', "step": {"id": "g", "type": "gate", "message": '"m"', "verdict_input": '"verdict"'}}],
        "verdict-retry-enum": [{"id": "g", "type": "gate", "message": '"m"', "on_reject": '"retry"', "verdict_input": '"scope"'}],
        "slot-in-fan-out": [{"id": "f", "type": "fan-out", "items": '"{{ x }}"', "step": {"id": "sl", "type": "slot", "name": '"n"'}}],
        "colon-id": [{"id": '"a:b"', "command": '"x"'}],
        "bare-condition": [{"id": "i", "type": "if", "condition": '"inputs.ready"', "then": []}],
        "two-blocks": [{"id": "i", "type": "if", "condition": '"{{ a }} and {{ b }}"', "then": []}],
        "unclosed": [{"id": "i", "type": "if", "condition": '"{{ a"', "then": []}],
        "truncated": [{"id": "i", "type": "if", "condition": "\"{{ a | default('x }}\"", "then": []}],
        "nested-switch-default": [{"id": "s", "type": "switch", "expression": '"x"', "cases": {"a": [{"id": "x1", "type": "nope"}]}, "default": [{"id": "x2"}]}],
        "steps-in-command": [{"id": "c", "command": '"x"', "steps": [{"id": "c"}]}],
        "not-a-mapping-step": ['"just text"'],
    }
    for name, steps in wiring.items():
        d = base()
        d["steps"] = steps
        out.append((f"wiring-{name}", emit(d)))
    out.append(("top-list", "- a\n- b\n"))
    out.append(("empty", ""))
    out.append(("bad-yaml", "workflow: [unclosed\n"))
    return out


def corpus():
    folder = os.path.join(HERE, "corpus")
    for name in sorted(os.listdir(folder)):
        if name.endswith(".yml"):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                yield (f"corpus-{name[:-4]}", f.read())


# ---------------------------------------------------------------------------------------------
# Running both
# ---------------------------------------------------------------------------------------------


def run_speckit(text):
    from specify_cli.workflows.engine import WorkflowDefinition, validate_workflow

    try:
        definition = WorkflowDefinition.from_string(text)
    except ValueError as exc:
        return [str(exc)]
    return validate_workflow(definition)


def run_phasegate(binary, definitions):
    root = tempfile.mkdtemp(prefix="phasegate-speckit-validator-")
    try:
        os.makedirs(os.path.join(root, ".specify", "memory"))
        with open(os.path.join(root, ".specify", "memory", "constitution.md"), "w", encoding="utf-8") as f:
            f.write("# Constitution\n")
        folders = {}
        for i, (name, text) in enumerate(definitions):
            folder = f"d{i:05d}"
            folders[f".specify/workflows/{folder}/workflow.yml"] = name
            path = os.path.join(root, ".specify", "workflows", folder)
            os.makedirs(path)
            with open(os.path.join(path, "workflow.yml"), "w", encoding="utf-8") as f:
                f.write(text)
        proc = subprocess.run([binary, "check", "--format", "json", "."], cwd=root, capture_output=True, text=True, check=False)
        if proc.returncode not in (0, 1):
            sys.exit(f"compare: phasegate failed ({proc.returncode}): {proc.stderr}")
        report = json.loads(proc.stdout)
        found = collections.defaultdict(list)
        for d in report.get("diagnostics", []):
            if d["code"] in CODES and d["path"] in folders:
                found[folders[d["path"]]].append(phasegate_key(d["code"], d["message"]))
        return found
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    verbose = "--verbose" in sys.argv
    import importlib.metadata

    version = importlib.metadata.version("specify-cli")
    definitions = list(corpus()) + variants()
    pg = run_phasegate(binary, definitions)
    unexplained, explained, agreed = [], [], 0
    problems = {"specify-cli": 0, "phasegate": 0}
    invalid = 0
    for name, text in definitions:
        sk = collections.Counter(speckit_key(m) for m in run_speckit(text))
        ours = collections.Counter(pg.get(name, []))
        problems["specify-cli"] += sum(sk.values())
        problems["phasegate"] += sum(ours.values())
        invalid += bool(sk)
        unmapped = [k for k in list(sk) + list(ours) if k[0] == "?"]
        if unmapped:
            unexplained.append(f"{name}: a message the comparison cannot read: {unmapped}")
        if sk == ours:
            agreed += 1
            continue
        for side, extra in (("phasegate", ours - sk), ("specify-cli", sk - ours)):
            for key, n in extra.items():
                line = f"{name}: only {side} reports {key[0]} / {key[1]}" + (f" (x{n})" if n > 1 else "")
                reason = deliberate(side, key)
                (explained if reason else unexplained).append(line + (f" -- deliberate: {reason}" if reason else ""))
        if verbose:
            print(f"--- {name}\n{text}\n    specify-cli: {sorted(sk.elements())}\n    phasegate:   {sorted(ours.elements())}")
    print(
        f"specify-cli {version}; {len(definitions)} definitions ({sum(1 for n, _ in definitions if n.startswith('corpus-'))} written, the rest generated), "
        f"{invalid} of them invalid for specify-cli; problems reported: {problems['specify-cli']} by specify-cli, {problems['phasegate']} by phasegate; {agreed} definitions agree"
    )
    for line in explained:
        print(line)
    for line in unexplained:
        print(line)
    print(f"{len(unexplained)} difference(s) not documented, {len(explained)} deliberate")
    sys.exit(1 if unexplained else 0)


if __name__ == "__main__":
    main()
