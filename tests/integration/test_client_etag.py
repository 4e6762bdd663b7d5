"""Conditional requests and the built-in ETag cache over loopback HTTP."""

from __future__ import annotations

import pytest
from support.mini_client import AsyncMini, Mini, make_client, thing
from support.scripted_server import Recorded, Reply, ScriptedServer, envelope

from sendmux import NotFoundError, NotModifiedError, get_request_id


def conditional(etag: str = 'W/"v1"', body: dict[str, object] | None = None):  # type: ignore[no-untyped-def]
    """A GET handler that honours If-None-Match like the API does."""

    def handler(r: Recorded) -> Reply:
        if r.headers.get("if-none-match") == etag:
            return Reply(304, headers={"ETag": etag, "X-Request-Id": "req_304"})
        return Reply(json=envelope(body or thing(), request_id="req_200"), headers={"ETag": etag})

    return handler


def test_repeated_get_revalidates_and_returns_fresh_copies(server: ScriptedServer, client: Mini) -> None:
    server.fallback = conditional()
    first = client.things.get("t1")
    second = client.things.get("t1")
    assert [r.headers.get("if-none-match") for r in server.requests] == [None, 'W/"v1"']
    assert second == first and second is not first
    second.tags.append("mutated")  # a caller's mutation never reaches the cache
    third = client.things.get("t1")
    assert third.tags == ["a"]
    assert get_request_id(first) == "req_200" and get_request_id(third) == "req_304"


def test_raw_response_of_cache_hit(server: ScriptedServer, client: Mini) -> None:
    server.fallback = conditional()
    client.things.get("t1")
    raw = client.things.with_raw_response.get("t1")
    assert raw.status_code == 304 and raw.from_cache and raw.parse().id == "t1"


def test_cache_keyed_by_full_url_with_query(server: ScriptedServer, client: Mini) -> None:
    server.fallback = conditional()
    client.things.get("t1", extra_query={"expand": "a"})
    client.things.get("t1", extra_query={"expand": "b"})
    client.things.get("t1", extra_query={"expand": "a"})
    assert [r.headers.get("if-none-match") for r in server.requests] == [None, None, 'W/"v1"']


def test_writes_evict(server: ScriptedServer, client: Mini) -> None:
    server.fallback = conditional()
    server.on("PATCH", "/things/t1", Reply(json=envelope(thing(name="new"))))
    server.on("POST", "/things/t1/verify", Reply(json=envelope(thing())))
    client.things.get("t1")
    client.things.get("t2")
    client.things.update("t1", name="new")
    client.things.get("t1")  # evicted: no If-None-Match
    client.things.get("t2")  # another resource: still cached
    client.things.verify("t1")  # a sub-resource action evicts its parent
    client.things.get("t1")
    gets = [r for r in server.requests if r.method == "GET"]
    assert [(r.path, r.headers.get("if-none-match")) for r in gets] == [
        ("/things/t1", None),
        ("/things/t2", None),
        ("/things/t1", None),
        ("/things/t2", 'W/"v1"'),
        ("/things/t1", None),
    ]


def test_etag_cache_disabled(server: ScriptedServer) -> None:
    server.fallback = conditional()
    with make_client(server.base_url, etag_cache=False) as c:
        c.things.get("t1")
        c.things.get("t1")
    assert all("if-none-match" not in r.headers for r in server.requests)


def test_bounded_lru(server: ScriptedServer) -> None:
    server.fallback = conditional()
    with make_client(server.base_url, etag_cache_size=2) as c:
        for name in ("t1", "t2", "t1", "t3", "t1", "t2"):
            c.things.get(name)
        assert c.etag_cache is not None and len(c.etag_cache) == 2
    # t2 was least recently used when t3 came in, so its last GET is unconditional; t1 stayed hot.
    assert [r.headers.get("if-none-match") is not None for r in server.requests] == [
        False,
        False,
        True,
        False,
        True,
        False,
    ]


def test_explicit_if_none_match_bypasses_cache(server: ScriptedServer, client: Mini) -> None:
    server.fallback = conditional()
    client.things.get("t1")
    with pytest.raises(NotModifiedError) as info:
        client.things.get("t1", if_none_match='W/"v1"')
    assert info.value.etag == 'W/"v1"' and info.value.request_id == "req_304"
    got = client.things.get("t1", if_none_match='W/"other"')
    assert got.id == "t1"


def test_404_drops_entry(server: ScriptedServer, client: Mini) -> None:
    server.on("GET", "/things/t1", Reply(json=envelope(thing()), headers={"ETag": 'W/"v1"'}), Reply(404))
    client.things.get("t1")
    with pytest.raises(NotFoundError):
        client.things.get("t1")
    assert client.etag_cache is not None and len(client.etag_cache) == 0


@pytest.mark.anyio
async def test_async_etag_cache(server: ScriptedServer, aclient: AsyncMini) -> None:
    server.fallback = conditional()
    server.on("PATCH", "/things/t1", Reply(json=envelope(thing())))
    a = await aclient.things.get("t1")
    b = await aclient.things.get("t1")
    assert a == b and a is not b
    await aclient.things.update("t1", name="x")
    await aclient.things.get("t1")
    with pytest.raises(NotModifiedError):
        await aclient.things.get("t1", if_none_match='W/"v1"')
    gets = [r.headers.get("if-none-match") for r in server.requests if r.method == "GET"]
    assert gets == [None, 'W/"v1"', None, 'W/"v1"']
