"""The real generated `Sendmux` / `AsyncSendmux` resources over the runtime, on the scripted loopback server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from support.mini_client import FakeTime
from support.scripted_server import Recorded, Reply, ScriptedServer, envelope, error_envelope, page_envelope

import sendmux
from sendmux import AsyncSendmux, NotFoundError, PermissionDeniedError, Sendmux, get_request_id
from sendmux.testing._objects import domain


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as s:
        yield s


def dom(id: str) -> dict[str, Any]:
    return domain(id=id, domain=f"{id}.example.com")


def test_get_create_list_and_raw(server: ScriptedServer) -> None:
    server.on(
        "GET",
        "/domains/dom_1",
        Reply(json=envelope(dom("dom_1"), request_id="req_g"), headers={"ETag": 'W/"1"'}),
    )
    server.on("POST", "/domains", Reply(503), Reply(201, json=envelope(dom("dom_2"))))

    def pages(r: Recorded) -> Reply:
        if r.query_dict.get("cursor") == "c1":
            return Reply(json=page_envelope([dom("dom_3")], has_more=False, next_cursor=None))
        return Reply(json=page_envelope([dom("dom_1"), dom("dom_2")], has_more=True, next_cursor="c1"))

    server.fallback = pages
    t = FakeTime()
    with Sendmux(api_key="sk_test", base_url=server.base_url) as client:
        client._sleep = t.sleep
        got = client.domains.get("dom_1")
        assert got.id == "dom_1" and get_request_id(got) == "req_g"
        assert got.to_dict()["id"] == "dom_1" and "_request_id" not in got.to_dict()
        again = client.domains.get("dom_1")
        assert again == got and again is not got
        assert server.requests[1].headers["if-none-match"] == 'W/"1"'
        made = client.domains.create(domain="dom_2.example.com", mode="send_only")
        assert made.id == "dom_2"
        posts = [r for r in server.requests if r.method == "POST"]
        assert len(posts) == 2 and posts[0].headers["idempotency-key"] == posts[1].headers["idempotency-key"]
        assert posts[0].json() == {"domain": "dom_2.example.com", "mode": "send_only"}
        assert [d.id for d in client.domains.list(limit=2)] == ["dom_1", "dom_2", "dom_3"]
        raw = client.domains.with_raw_response.get("dom_1")
        assert raw.status_code in (200, 304) and raw.parse().id == "dom_1"


def test_errors_name_the_spec_permission(server: ScriptedServer) -> None:
    server.on("GET", "/domains/dom_x", Reply(404, json=error_envelope("not_found", "Domain not found")))
    server.on("DELETE", "/domains/dom_1", Reply(403, json=error_envelope("insufficient_permissions", "no")))
    with Sendmux(api_key="sk_test", base_url=server.base_url) as client:
        with pytest.raises(NotFoundError):
            client.domains.get("dom_x")
        with pytest.raises(PermissionDeniedError) as info:
            client.domains.delete("dom_1")
    assert info.value.permission == "domain.delete" and "domain.delete" in str(info.value)


def test_operations_table() -> None:
    ops = sendmux.OPERATIONS
    assert len(ops) == 104
    by_surface = {s: [op for op in ops if op.surface == s] for s in ("management", "mailbox", "sending")}
    assert [len(v) for v in by_surface.values()] == [54, 42, 8]
    by_name = {op.qualified_name: op for op in by_surface["management"]}
    assert by_name["domains.get"].http_method == "GET" and by_name["domains.get"].permission == "domain.read"
    assert sum(op.idempotency_key for op in by_surface["management"]) == 14


@pytest.mark.anyio
async def test_async_generated(server: ScriptedServer) -> None:
    server.on("GET", "/domains/dom_1", Reply(json=envelope(dom("dom_1"), request_id="req_a")))
    server.on("GET", "/domains", Reply(json=page_envelope([dom("dom_1")], has_more=False, next_cursor=None)))
    async with AsyncSendmux(api_key="sk_test", base_url=server.base_url) as client:
        got = await client.domains.get("dom_1")
        assert got.id == "dom_1" and get_request_id(got) == "req_a"
        first = await client.domains.list()
        assert [d.id for d in first.data] == ["dom_1"]
        assert [d.id async for d in client.domains.list()] == ["dom_1"]
        raw = await client.domains.with_raw_response.get("dom_1")
        assert raw.request_id == "req_a" and raw.parse().id == "dom_1"
