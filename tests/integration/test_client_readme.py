"""Every ```python block of the README's runtime sections runs, against a loopback server that speaks enough
of the domains API (ETags, 304, If-Match, pages, errors, rate-limit headers) for the examples."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.scripted_server import Recorded, Reply, ScriptedServer, envelope, error_envelope, page_envelope

from sendmux.testing._objects import domain

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = [
    "Quickstart",
    "Errors",
    "Pagination",
    "Retries and idempotency",
    "Conditional requests and the ETag cache",
    "Rate limits",
    "Auth and security",
    "Raw responses, timeouts and per-call options",
    "Logging",
]


def section_blocks(name: str) -> list[str]:
    text = (ROOT / "README.md").read_text()
    match = re.search(rf"^## {re.escape(name)}\n(.*?)(?=^## )", text, flags=re.S | re.M)
    assert match, f"README has no section {name!r}"
    return re.findall(r"```python\n(.*?)```", match.group(1), flags=re.S)


def domains_api(r: Recorded) -> Reply:
    headers = {
        "X-Request-Id": f"req_{len(r.path)}",
        "X-RateLimit-Limit": "600",
        "X-RateLimit-Remaining": "599",
        "X-RateLimit-Reset": "1900000000",
    }
    parts = r.path.strip("/").split("/")
    if parts[0] != "domains":
        return Reply(404, json=error_envelope("not_found", "no such route"), headers=headers)
    if len(parts) == 1 and r.method == "GET":
        cursor = r.query_dict.get("cursor", "0")
        n = int(cursor)
        limit = int(r.query_dict.get("limit", "50"))
        items = [domain(id=f"mdom_{i}", domain=f"d{i}.example.com") for i in range(n, min(n + limit, 5))]
        more = n + limit < 5
        return Reply(json=page_envelope(items, has_more=more, next_cursor=str(n + limit) if more else None))
    if len(parts) == 1 and r.method == "POST":
        body = json.loads(r.body)
        return Reply(201, json=envelope(domain(id="mdom_new", domain=body["domain"])), headers=headers)
    public_id = parts[1]
    if "missing" in public_id:
        return Reply(404, json=error_envelope("not_found", "Domain not found"), headers=headers)
    etag = f'W/"{public_id}-1"'
    if r.method == "GET":
        if r.headers.get("if-none-match") == etag:
            return Reply(304, headers={**headers, "ETag": etag})
        data = domain(id=public_id, domain=f"{public_id}.example.com")
        return Reply(json=envelope(data), headers={**headers, "ETag": etag})
    if r.method == "PATCH":
        if r.headers.get("if-match") not in (None, etag):
            return Reply(409, json=error_envelope("conflict", "ETag mismatch"), headers=headers)
        return Reply(json=envelope(domain(id=public_id, mode="send_only")), headers={**headers, "ETag": etag})
    return Reply(405, json=error_envelope("method_not_allowed", "no"), headers=headers)


@pytest.fixture(scope="module")
def api() -> Iterator[ScriptedServer]:
    with ScriptedServer() as s:
        s.fallback = domains_api
        yield s


@pytest.mark.parametrize("name", SECTIONS)
def test_readme_section_runs(api: ScriptedServer, name: str) -> None:
    blocks = section_blocks(name)
    assert blocks, f"section {name!r} has no python example"
    env: dict[str, Any] = {
        **os.environ,
        "SENDMUX_API_KEY": "smx_root_readme_example_key",
        "SENDMUX_BASE_URL": api.base_url,
    }
    env.pop("SENDMUX_LOG", None)
    for block in blocks:
        out = subprocess.run(
            [sys.executable, "-c", block], env=env, capture_output=True, text=True, timeout=60
        )
        assert out.returncode == 0, f"{name}:\n{block}\n--- stderr ---\n{out.stderr}"
        assert "smx_root_readme_example_key" not in out.stdout + out.stderr
