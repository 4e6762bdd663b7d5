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


def test_repeated_get_revalidates_and_returns_fresh_copies(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.fallback = conditional()
    first = mini.things.get("t1")
    second = mini.things.get("t1")
    assert [r.headers.get("if-none-match") for r in scripted.requests] == [None, 'W/"v1"']
    assert second == first and second is not first
    second.tags.append("mutated")  # a caller's mutation never reaches the cache
    third = mini.things.get("t1")
    assert third.tags == ["a"]
    assert get_request_id(first) == "req_200" and get_request_id(third) == "req_304"


def test_raw_response_of_cache_hit(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.fallback = conditional()
    mini.things.get("t1")
    raw = mini.things.with_raw_response.get("t1")
    assert raw.status_code == 304 and raw.from_cache and raw.parse().id == "t1"


def test_cache_keyed_by_full_url_with_query(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.fallback = conditional()
    mini.things.get("t1", extra_query={"expand": "a"})
    mini.things.get("t1", extra_query={"expand": "b"})
    mini.things.get("t1", extra_query={"expand": "a"})
    assert [r.headers.get("if-none-match") for r in scripted.requests] == [None, None, 'W/"v1"']


def test_writes_evict(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.fallback = conditional()
    scripted.on("PATCH", "/things/t1", Reply(json=envelope(thing(name="new"))))
    scripted.on("POST", "/things/t1/verify", Reply(json=envelope(thing())))
    mini.things.get("t1")
    mini.things.get("t2")
    mini.things.update("t1", name="new")
    mini.things.get("t1")  # evicted: no If-None-Match
    mini.things.get("t2")  # another resource: still cached
    mini.things.verify("t1")  # a sub-resource action evicts its parent
    mini.things.get("t1")
    gets = [r for r in scripted.requests if r.method == "GET"]
    assert [(r.path, r.headers.get("if-none-match")) for r in gets] == [
        ("/things/t1", None),
        ("/things/t2", None),
        ("/things/t1", None),
        ("/things/t2", 'W/"v1"'),
        ("/things/t1", None),
    ]


def test_etag_cache_disabled(scripted: ScriptedServer) -> None:
    scripted.fallback = conditional()
    with make_client(scripted.base_url, etag_cache=False) as c:
        c.things.get("t1")
        c.things.get("t1")
    assert all("if-none-match" not in r.headers for r in scripted.requests)


def test_bounded_lru(scripted: ScriptedServer) -> None:
    scripted.fallback = conditional()
    with make_client(scripted.base_url, etag_cache_size=2) as c:
        for name in ("t1", "t2", "t1", "t3", "t1", "t2"):
            c.things.get(name)
        assert c.etag_cache is not None and len(c.etag_cache) == 2
    # t2 was least recently used when t3 came in, so its last GET is unconditional; t1 stayed hot.
    assert [r.headers.get("if-none-match") is not None for r in scripted.requests] == [
        False,
        False,
        True,
        False,
        True,
        False,
    ]


def test_explicit_if_none_match_bypasses_cache(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.fallback = conditional()
    mini.things.get("t1")
    with pytest.raises(NotModifiedError) as info:
        mini.things.get("t1", if_none_match='W/"v1"')
    assert info.value.etag == 'W/"v1"' and info.value.request_id == "req_304"
    got = mini.things.get("t1", if_none_match='W/"other"')
    assert got.id == "t1"


def test_404_drops_entry(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.on("GET", "/things/t1", Reply(json=envelope(thing()), headers={"ETag": 'W/"v1"'}), Reply(404))
    mini.things.get("t1")
    with pytest.raises(NotFoundError):
        mini.things.get("t1")
    assert mini.etag_cache is not None and len(mini.etag_cache) == 0


@pytest.mark.anyio
async def test_async_etag_cache(scripted: ScriptedServer, amini: AsyncMini) -> None:
    scripted.fallback = conditional()
    scripted.on("PATCH", "/things/t1", Reply(json=envelope(thing())))
    a = await amini.things.get("t1")
    b = await amini.things.get("t1")
    assert a == b and a is not b
    await amini.things.update("t1", name="x")
    await amini.things.get("t1")
    with pytest.raises(NotModifiedError):
        await amini.things.get("t1", if_none_match='W/"v1"')
    gets = [r.headers.get("if-none-match") for r in scripted.requests if r.method == "GET"]
    assert gets == [None, 'W/"v1"', None, 'W/"v1"']


def test_200_without_etag_drops_stale_validator(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.on(
        "GET",
        "/things/t1",
        Reply(json=envelope(thing()), headers={"ETag": 'W/"v1"'}),
        Reply(json=envelope(thing(name="two"))),  # the server stopped sending ETags
        Reply(json=envelope(thing(name="three"))),
    )
    mini.things.get("t1")
    assert mini.things.get("t1").name == "two"
    assert mini.things.get("t1").name == "three"
    assert [r.headers.get("if-none-match") for r in scripted.requests] == [None, 'W/"v1"', None]


def test_extra_header_none_removes_if_none_match(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.fallback = conditional()
    mini.things.get("t1")
    raw = mini.things.with_raw_response.get("t1", extra_headers={"If-None-Match": None})  # type: ignore[dict-item]
    assert "if-none-match" not in scripted.requests[-1].headers
    assert raw.status_code == 200 and not raw.from_cache
