"""afc mcp driven by the official MCP Python SDK's client (PyPI `mcp`), the way an assistant
host talks to it: once with the initialize handshake ("legacy") and once the way a
2026-07-28 client starts ("auto": server/discover first). Each run lists the tools and the
resources, reads the language reference, checks a draft and applies the fix it offers,
compiles, searches and renders.

Usage: python tests/mcp_client.py AFC_BINARY
"""

import asyncio
import json
import sys
from pathlib import Path

from mcp import Client, StdioServerParameters

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ["check", "compile", "format", "search_techniques", "show_technique", "render", "import"]
DRAFT = (
    'flow "Draft" {\n  scope: incident\n  created: 2026-03-02T14:00:00Z\n  description: "d"\n}\n\n'
    "attack-action phish T1566.002\naction login T1078\nphish -> login\n"
)


def text_of(result):
    assert result.content, result
    return result.content[0].text


def apply(text, edits):
    """Applies a fix's edits (1-based lines and columns, end exclusive)."""
    lines = text.split("\n")

    def offset(line, column):
        return sum(len(l) + 1 for l in lines[: line - 1]) + column - 1

    for e in sorted(edits, key=lambda e: (e["line"], e["column"]), reverse=True):
        start, end = offset(e["line"], e["column"]), offset(e["end_line"], e["end_column"])
        text = text[:start] + e["replacement"] + text[end:]
    return text


async def session(afc, mode):
    server = StdioServerParameters(command=afc, args=["mcp"])
    async with Client(server, mode=mode, raise_exceptions=True) as client:
        expected = "2026-07-28" if mode == "auto" else None
        version = client.protocol_version
        assert expected is None or version == expected, version
        assert client.server_info is not None and client.server_info.name == "afc", client.server_info
        tools = await client.list_tools()
        assert [t.name for t in tools.tools] == TOOLS, tools
        resources = await client.list_resources()
        uris = [str(r.uri) for r in resources.resources]
        assert "afc://docs/language.md" in uris, uris
        doc = await client.read_resource("afc://docs/language.md")
        assert doc.contents[0].text == (ROOT / "docs/language.md").read_text(encoding="utf-8")

        report = json.loads(text_of(await client.call_tool("check", {"text": DRAFT})))
        e0104 = next(d for d in report["diagnostics"] if d["code"] == "E0104")
        fixed = apply(DRAFT, e0104["fixes"][0]["edits"])
        again = json.loads(text_of(await client.call_tool("check", {"text": fixed})))
        assert again["errors"] == 0, (again, fixed)

        example = (ROOT / "examples/bec-invoice-fraud.af").read_text(encoding="utf-8")
        compiled = await client.call_tool("compile", {"text": example})
        assert not compiled.is_error
        bundle = json.loads(text_of(compiled))
        assert any(o["type"] == "attack-flow" for o in bundle["objects"])

        broken = await client.call_tool("compile", {"text": "action a T9999.999\n"})
        assert broken.is_error, broken

        found = json.loads(
            text_of(await client.call_tool("search_techniques", {"query": "spearphishing link", "limit": 1}))
        )
        assert found["results"][0]["id"] == "T1566.002", found

        picture = text_of(await client.call_tool("render", {"text": example}))
        assert "<svg" in picture[:200] and picture.rstrip().endswith("</svg>"), picture[:200]
        print(f"afc mcp with the MCP Python SDK client ({mode}, protocol {version}): {len(tools.tools)} tools, check/fix, compile, search, render ok")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    afc = sys.argv[1]
    for mode in ["legacy", "auto"]:
        asyncio.run(session(afc, mode))


if __name__ == "__main__":
    main()
