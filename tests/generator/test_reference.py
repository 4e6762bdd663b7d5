"""generated/REFERENCE.md: every method with its route, arguments and their types; no empty tables."""

from __future__ import annotations

import inspect
import pydoc
import re
from pathlib import Path

import pytest

import sendmux
from generator.runtime_reference import first_paragraph

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
        args = [
            p
            for p in args
            if p.name not in ("extra_headers", "extra_query", "timeout", "max_retries", "retry")
        ]
        if not args:
            assert "No arguments." in block, op
        for param in args:
            # (`from __future__ import annotations` hands the source back with repr's quotes)
            annotation = str(param.annotation).replace("|", "\\|").replace("'", '"')
            assert f"| `{param.name}`" in block and f"| `{annotation}` |" in block, (op, param.name)


def test_help_on_a_resource_attribute_shows_the_resource_and_its_methods() -> None:
    text = pydoc.render_doc(sendmux.SendmuxMailbox.messages, renderer=pydoc.plaintext)
    assert "class MailboxMessagesResource" in text and "send(self, *, subject" in text
    assert "cached_property" not in text and "`SendmuxMailbox().messages`: `batch_delete`" in text
    # The async twins name the async client; a sub-resource reads the same way on its class.
    assert "`AsyncSendmux().domains`" in pydoc.render_doc(
        sendmux.AsyncSendmux.domains, renderer=pydoc.plaintext
    )
    assert sendmux.Sendmux.domains.filters.__name__ == "DomainsFiltersResource"
    client = sendmux.Sendmux(api_key="smx_root_test", base_url="http://127.0.0.1:9/api/v1")
    assert client.domains is client.domains and client.domains.filters._client is client  # made once


@pytest.mark.parametrize(
    ("cls", "name"),
    [
        (sendmux.EventStream, "last_event_id"),
        (sendmux.AsyncEventStream, "reconnects"),
        (sendmux.ChangeFeed, "state"),
        (sendmux.SyncCursorPage, "next_cursor"),
        (sendmux.RawResponse, "from_cache"),
        (sendmux.BinaryResponse, "filename"),
    ],
)
def test_public_attributes_show_their_docstrings_in_help_and_the_reference(cls: type, name: str) -> None:
    doc = inspect.getdoc(inspect.getattr_static(cls, name))
    assert doc, (cls, name)
    assert doc in pydoc.render_doc(cls, renderer=pydoc.plaintext)
    section = REFERENCE.split(f"\n## `{cls.__name__}`\n", 1)[1].split("\n## ", 1)[0]
    assert f"| `{name}` | {first_paragraph(doc)} |" in section
