"""Every ```python block of the README runs as written against a live FakeSendmux, and shows what it says.

Each block is its own test, named after its section and line (`test_readme_block[Errors L170]`), and runs
in a fresh interpreter with `SENDMUX_API_KEY` / `SENDMUX_BASE_URL` pointing at a fresh fake that holds a
few domains (so pages have a next page). Snippets use only ids the fake creates (they create what they
use). A block that cannot run here is listed in ELSEWHERE with where it is run instead; `SHOWS` lists what
a block must print, found by a line of its code, so an example that stops reaching its point (the If-Match
example's ConflictError branch) fails with the snippet and its output in the message.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sendmux.testing import FakeSendmux

README = Path(__file__).resolve().parents[2] / "README.md"


@dataclass(frozen=True)
class Block:
    section: str
    line: int
    code: str

    @property
    def id(self) -> str:
        return f"{self.section} L{self.line}"


def readme_blocks() -> list[Block]:
    blocks: list[Block] = []
    section = ""
    lines = README.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("## "):
            section = line[3:].strip()
        if line.strip() == "```python":
            start = i + 1
            end = next(j for j in range(start, len(lines)) if lines[j].strip() == "```")
            blocks.append(Block(section, start + 1, "\n".join(lines[start:end]) + "\n"))
            i = end
        i += 1
    return blocks


# Sections whose blocks run in another test, and why.
ELSEWHERE = {
    "Webhooks": "a receiver that serves forever: test_webhooks_e2e.py runs it minus serve_forever()",
    "Testing your code with `FakeSendmux`": "pytest fixtures and a bound `client`: run by test_fake_readme.py",
}

# What a block must print (stdout + stderr), keyed by a line of its code.
SHOWS = {
    "print(e.status_code, e.code, e.request_id)": [r"^404 not_found req_\w+$"],
    "print(len(page.data), page.has_more, page.next_cursor, page.request_id)": [r"^2 True \S+ req_\w+$"],
    'print("created once:", again.id == domain.id)': [r"^created once: True$"],
    'print("unchanged since", etag)': [r'^unchanged since W/"'],
    'print("changed meanwhile: re-fetch and retry")': [r"^changed meanwhile: re-fetch and retry$"],
    "print(rl.limit, rl.remaining, rl.reset_at)": [r"^600 \d+ \d{4}-"],
    "print(repr(client))": [r"credential=access_token \[redacted\]>$"],
    "client.connection.get()  # DEBUG sendmux: GET /me -> 200": [
        r"^DEBUG sendmux: GET /me -> 200 request_id=req_"
    ],
    "print(raw.status_code, raw.request_id, raw.etag, raw.rate_limit)": [r'^200 req_\w+ W/"'],
    'print(billing.display_name, "display_name" in billing.fields_set)': [r"^Helpdesk True$"],
    "print(sorted(span.name for span in exporter.get_finished_spans()))": [
        r"^\['GET', 'sendmux managementListDomains'\]$"
    ],
    """print(client.request("GET", f"/domains/{created['id']}")["domain"])""": [
        r"^raw.example.com$",
        r"^not found: req_\w+$",
    ],
    "print(client.retry_policy.max_retries, client.with_options(max_retries=1).retry_policy.max_retries)": [
        r"^5 1$"
    ],
    "print(message.subject)  # Your code is 123456": [r"^Your code is 123456$"],
    "print(exc)  # no matching message within 0.5 s (subject='Never sent', since='…')": [
        r"^no matching message within 0\.5 s \(subject='Never sent', since='\d{4}-"
    ],
}

RUN = [b for b in readme_blocks() if b.section not in ELSEWHERE]


def test_the_readme_has_its_blocks() -> None:
    sections = {b.section for b in readme_blocks()}
    assert set(ELSEWHERE) <= sections, "a section listed in ELSEWHERE is gone: update the list"
    assert len(RUN) >= 10
    for marker in SHOWS:
        holders = [b.id for b in RUN if marker in b.code]
        assert len(holders) == 1, (
            f"SHOWS key {marker!r} should be in exactly one README block, is in {holders}"
        )


@pytest.fixture
def fake() -> Iterator[FakeSendmux]:
    with FakeSendmux() as server:
        server.seed("domains", 5)
        yield server


@pytest.mark.parametrize("block", RUN, ids=[b.id for b in RUN])
def test_readme_block(fake: FakeSendmux, block: Block) -> None:
    env = {**os.environ, "SENDMUX_API_KEY": fake.api_key, "SENDMUX_BASE_URL": fake.url}
    env.pop("SENDMUX_LOG", None)
    # The README shows the defaults (its tracing example instruments httpx, the default stack): the second
    # `make test` session's SENDMUX_HTTP_STACK=httpx2 would change what some blocks print.
    env.pop("SENDMUX_HTTP_STACK", None)
    out = subprocess.run(
        [sys.executable, "-c", block.code], env=env, capture_output=True, text=True, timeout=120
    )
    shown = out.stdout + out.stderr
    where = f"README.md line {block.line} ({block.section}):\n{block.code}\n--- output ---\n{shown}"
    assert out.returncode == 0, where
    for marker, patterns in SHOWS.items():
        if marker in block.code:
            for pattern in patterns:
                assert re.search(pattern, shown, flags=re.M), f"expected /{pattern}/ in the output of {where}"
    assert fake.api_key not in shown
    assert not fake.crashes, fake.crashes
