"""End-to-end test of `phasegate mcp` with a real MCP client: the Python SDK's (`mcp` on PyPI,
pinned in requirements.txt), over stdio, as an agent host runs it.

Run by tests/mcp/run.sh (which makes the venv): PHASEGATE_BIN names the binary. On a temporary
copy of tests/fixtures/mcp/project it lists the tools, calls each one (the SDK validates every
successful result against the tool's outputSchema), checks a refused advance, an applied
scaffold, an applied advance and errors, reads the resources, connects a second time with the
2026-07-28 protocol's discovery instead of the `initialize` handshake, and starts the server from
the host configurations of docs/mcp.md as they are written there.

Prints one line per test and `N passed, N failed` last; exits 1 when a test failed.
"""

import json
import os
import shutil
import sys
import tempfile
import traceback
from pathlib import Path

import anyio
import jsonschema
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

REPO = Path(__file__).resolve().parents[2]
BIN = os.environ.get("PHASEGATE_BIN", str(REPO / "target/release/phasegate"))
FIXTURE = REPO / "tests/fixtures/mcp/project"
TOOLS = ["check", "status", "explain_gate", "advance", "scaffold", "graph"]

results: list[tuple[str, str | None]] = []


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


async def test(name, fn, *args):
    try:
        await fn(*args)
        results.append((name, None))
        print(f"ok: {name}", flush=True)
    except Exception:  # noqa: BLE001 - every failure is reported, the next test runs
        results.append((name, traceback.format_exc()))
        print(f"FAILED: {name}\n{traceback.format_exc()}", flush=True)


def structured(result):
    assert result.structured_content is not None, result
    # The same JSON as text, for hosts that read only text content.
    if not result.is_error:
        assert json.loads(result.content[0].text) == result.structured_content
    return result.structured_content


class Suite:
    def __init__(self, session: ClientSession, root: Path):
        self.s = session
        self.root = root
        self.schemas = {}

    async def lists_the_tools(self):
        listed = await self.s.list_tools()
        assert [t.name for t in listed.tools] == TOOLS, [t.name for t in listed.tools]
        for t in listed.tools:
            jsonschema.Draft202012Validator.check_schema(t.input_schema)
            jsonschema.Draft202012Validator.check_schema(t.output_schema)
            assert t.input_schema["additionalProperties"] is False, t.name
            self.schemas[t.name] = t.output_schema
        advance = next(t for t in listed.tools if t.name == "advance")
        assert advance.input_schema["required"] == ["workflow"]
        assert advance.annotations.read_only_hint is False
        assert next(t for t in listed.tools if t.name == "check").annotations.read_only_hint is True

    async def check(self):
        out = structured(await self.s.call_tool("check", {}))
        assert out["summary"]["files"] == 4 and out["summary"]["recognised"] is True, out["summary"]
        assert out["summary"]["errors"] == 0, out
        assert [(d["path"], d["code"], d["severity"]) for d in out["diagnostics"]] == [
            ("docs/workflow.md", "missing-deliverable", "information")
        ], out
        # 0-based line, UTF-16 character.
        assert out["diagnostics"][0]["range"]["start"] == {"line": 13, "character": 3}, out

    async def status(self):
        out = structured(await self.s.call_tool("status", {}))
        [wf] = out["workflows"]
        assert (wf["name"], wf["current"], wf["next"], wf["project"]) == ("checkout", "design", "build", "."), wf
        assert [(g["phase"], g["met"]) for g in wf["gates"]] == [("requirements", True), ("design", False)], wf

    async def explain_gate(self):
        out = structured(await self.s.call_tool("explain_gate", {"workflow": "checkout"}))
        assert (out["phase"], out["current"], out["met"], out["next"]) == ("design", True, False, "build"), out
        by_file = {f["path"]: f for f in out["files"]}
        assert by_file["docs/design.md"]["blocking"] == ["deliverable `docs/design.md` is missing"], out
        assert "The latency budget is agreed" in by_file["docs/workflow.md"]["satisfy"][0], out
        kinds = [(c["kind"], c["met"]) for c in out["criteria"]]
        assert kinds == [("deliverable", False), ("manual", None), ("checklist", False)], kinds

    async def graph(self):
        out = structured(await self.s.call_tool("graph", {"workflow": "checkout"}))
        assert out["format"] == "mermaid" and out["text"].startswith("flowchart LR\n"), out
        assert '["▶ Design"]:::current' in out["text"], out["text"]
        dot = structured(await self.s.call_tool("graph", {"format": "dot"}))
        assert dot["text"].startswith("digraph phasegate {"), dot

    async def a_refused_advance(self):
        before = tree(self.root)
        for apply in (False, True):
            result = await self.s.call_tool("advance", {"workflow": "checkout", "apply": apply})
            assert result.is_error, result
            out = result.structured_content
            # An error result still carries the structured output, valid against the schema.
            jsonschema.validate(out, self.schemas["advance"])
            assert out["refused"]["message"] == "the gate of phase `design` is not met", out
            assert out["refused"]["unmet"][0] == "deliverable `docs/design.md` is missing", out
            assert result.content[0].text.startswith("refused: the gate of phase `design` is not met\n  - "), result
        assert tree(self.root) == before, "a refused advance writes nothing"

    async def an_applied_scaffold(self):
        before = tree(self.root)
        dry = structured(await self.s.call_tool("scaffold", {"workflow": "checkout"}))
        assert dry["applied"] is False and dry["files"] == [{"path": "docs/design.md", "change": "create"}], dry
        assert dry["diff"].startswith("--- /dev/null\n+++ b/docs/design.md\n"), dry["diff"]
        assert tree(self.root) == before, "without apply nothing is written"
        applied = structured(await self.s.call_tool("scaffold", {"workflow": "checkout", "apply": True}))
        assert applied["applied"] is True and applied["written"] == ["docs/design.md"], applied
        assert (self.root / "docs/design.md").read_text().startswith("---\nworkflow: checkout\nphase: design\n---\n")
        assert sorted(set(tree(self.root)) - set(before)) == ["docs/design.md"]

    async def an_applied_advance(self):
        wf = self.root / "docs/workflow.md"
        wf.write_text(wf.read_text().replace("- [ ] The latency", "- [x] The latency"))
        out = structured(await self.s.call_tool("advance", {"workflow": "checkout", "apply": True}))
        assert out["applied"] is True, out
        assert out["summary"] == "advanced `checkout` from `design` to `build` in `checkout.state.yaml`", out
        assert "current: build\n" in (self.root / "checkout.state.yaml").read_text()
        status = structured(await self.s.call_tool("status", {}))
        assert status["workflows"][0]["current"] == "build", status

    async def errors(self):
        for tool, args, expected in [
            ("check", {"paths": ["../outside.md"]}, "is outside the folder the server works in"),
            ("advance", {"workflow": "nope"}, "refused: no workflow named `nope`"),
            ("status", {"bogus": 1}, "unknown field `bogus`"),
            ("explain_gate", {"workflow": "checkout", "phase": "deploy"}, "has no phase `deploy`"),
        ]:
            result = await self.s.call_tool(tool, args)
            assert result.is_error, (tool, args, result)
            assert expected in result.content[0].text, (tool, result.content[0].text)
        # The server is still there.
        assert structured(await self.s.call_tool("status", {}))["workflows"]

    async def resources(self):
        listed = await self.s.list_resources()
        uris = [str(r.uri) for r in listed.resources]
        assert "phasegate://builtin/ops-build.workflow.yaml" in uris, uris
        read = await self.s.read_resource("phasegate://builtin/ops-build.workflow.yaml")
        assert "instances:" in read.contents[0].text, read
        assert "phasegate://workflows/checkout" in uris, uris
        model = json.loads((await self.s.read_resource("phasegate://workflows/checkout")).contents[0].text)
        assert [n["label"] for n in model["graphs"][0]["nodes"] if n["kind"] == "phase"] == ["Requirements", "Design", "Build"], model


def documented_configs() -> list[tuple[str, str, list[str]]]:
    """The `.mcp.json` and `.vscode/mcp.json` blocks of docs/mcp.md, as (name, command, args)."""
    text = (REPO / "docs/mcp.md").read_text()
    out = []
    for block in text.split("```json\n")[1:]:
        config = json.loads(block.split("```", 1)[0])
        for key, name in (("mcpServers", ".mcp.json"), ("servers", ".vscode/mcp.json")):
            if key in config:
                server = config[key]["phasegate"]
                out.append((name, server["command"], server.get("args", [])))
    assert [name for name, _, _ in out] == [".mcp.json", ".vscode/mcp.json"], out
    return out


async def session(root: Path, modern: bool, body, command: str = BIN, args=("mcp",), path: str | None = None):
    env = {"SOURCE_DATE_EPOCH": "1767225600"}
    if path:
        env["PATH"] = path
    params = StdioServerParameters(command=command, args=list(args), cwd=str(root), env=env)
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as s:
            if modern:
                await s.discover()
            else:
                init = await s.initialize()
                assert init.server_info.name == "phasegate", init
            await body(s)


async def main():
    with tempfile.TemporaryDirectory(prefix="phasegate-mcp-") as tmp:
        outer = Path(tmp)
        (outer / "outside.md").write_text("# outside the project\n")
        root = outer / "project"
        shutil.copytree(FIXTURE, root)

        async def legacy(s):
            suite = Suite(s, root)
            for name in [
                "lists_the_tools",
                "check",
                "status",
                "explain_gate",
                "graph",
                "a_refused_advance",
                "an_applied_scaffold",
                "an_applied_advance",
                "errors",
                "resources",
            ]:
                await test(f"initialize handshake: {name}", getattr(suite, name))

        await session(root, False, legacy)

        async def modern(s):
            async def listed_and_checked():
                assert [t.name for t in (await s.list_tools()).tools] == TOOLS
                out = structured(await s.call_tool("check", {}))
                assert out["summary"]["errors"] == 0, out

            await test("2026-07-28 discovery: tools listed, check called", listed_and_checked)

        await session(root, True, modern)

        # The host configurations of docs/mcp.md, as written, with `phasegate` on the PATH.
        bindir = outer / "bin"
        bindir.mkdir()
        (bindir / "phasegate").symlink_to(BIN)
        path = f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}"
        for name, command, args in documented_configs():
            # VS Code replaces ${workspaceFolder} with the folder open; the host starts the
            # server in its own folder (here: the one above the project).
            args = [a.replace("${workspaceFolder}", str(root)) for a in args]
            cwd = root if name == ".mcp.json" else outer

            async def from_docs(s):
                async def status_of_the_project():
                    out = structured(await s.call_tool("status", {}))
                    assert [w["name"] for w in out["workflows"]] == ["checkout"], out

                await test(f"docs/mcp.md {name}: {command} {' '.join(args)}", status_of_the_project)

            await session(cwd, False, from_docs, command, args, path)
        assert (outer / "outside.md").read_text() == "# outside the project\n"

    failed = [name for name, error in results if error]
    for name in failed:
        print(f"failed: {name}")
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(anyio.run(main))
