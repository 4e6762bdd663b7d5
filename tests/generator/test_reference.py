"""generated/REFERENCE.md: every method with its route, arguments and their types; no empty tables."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import sendmux

REFERENCE = (Path(__file__).resolve().parents[2] / "generated" / "REFERENCE.md").read_text(encoding="utf-8")
CLIENTS = {
    "management": sendmux.Sendmux,
    "mailbox": sendmux.SendmuxMailbox,
    "sending": sendmux.SendmuxSending,
}


def test_no_table_is_empty_and_no_cell_has_a_stray_comma() -> None:
    lines = REFERENCE.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("|---"):
            assert i + 1 < len(lines) and lines[i + 1].startswith("| "), f"empty table above line {i + 2}"
    assert not re.search(r",\s*\|", REFERENCE) and not re.search(r"\|\s*,", REFERENCE)
    # Resources that only group others (`Sendmux().emails`) list them instead of an empty table.
    assert "## `Sendmux().emails`\n\nSub-resources: `.logs`, `.metrics`.\n\n## " in REFERENCE


def test_every_method_is_documented_with_the_type_of_every_argument() -> None:
    for op in sendmux.OPERATIONS:
        client = CLIENTS[op.surface].__name__
        section = REFERENCE.split(f"## `{client}().{op.resource}`\n", 1)[1].split("\n## ", 1)[0]
        assert f"| `{op.method}` | `{op.http_method} {op.path}` |" in section, op
        resource: object = CLIENTS[op.surface]
        for part in op.resource.split("."):
            resource = getattr(resource, part)  # the resource class (a resource_property read on a class)
        method = getattr(resource, op.method)
        block = section.split(f"### `{op.resource}.{op.method}`", 1)[1].split("\n### ", 1)[0]
        args = [p for p in inspect.signature(method).parameters.values() if p.name != "self"]
        args = [p for p in args if p.name not in ("extra_headers", "extra_query", "timeout", "max_retries")]
        if not args:
            assert "No arguments." in block, op
        for param in args:
            # (`from __future__ import annotations` hands the source back with repr's quotes)
            annotation = str(param.annotation).replace("|", "\\|").replace("'", '"')
            assert f"| `{param.name}`" in block and f"| `{annotation}` |" in block, (op, param.name)
