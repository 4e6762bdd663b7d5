"""Cursor pagination over loopback HTTP, sync and async."""

from __future__ import annotations

import gc
import weakref

import pytest
from support.mini_client import AsyncMini, Mini, thing
from support.scripted_server import Recorded, Reply, ScriptedServer, page_envelope

from sendmux import AsyncCursorPage, PaginationError, SendmuxError, SyncCursorPage


def three_pages(r: Recorded) -> Reply:
    cursor = r.query_dict.get("cursor")
    if cursor is None:
        return Reply(
            json=page_envelope([thing("a"), thing("b")], has_more=True, next_cursor="c1", request_id="r0")
        )
    if cursor == "c1":
        return Reply(
            json=page_envelope([thing("c"), thing("d")], has_more=True, next_cursor="c2", request_id="r1")
        )
    return Reply(json=page_envelope([thing("e")], has_more=False, next_cursor=None, request_id="r2"))


def test_page_fields_and_lazy_iteration(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.fallback = three_pages
    page = mini.things.list(limit=2)
    assert isinstance(page, SyncCursorPage)
    assert [t.id for t in page.data] == ["a", "b"] and page.has_more and page.next_cursor == "c1"
    assert page.request_id == "r0"
    assert len(scripted.requests) == 1  # nothing fetched ahead
    it = iter(page)
    assert [next(it).id, next(it).id] == ["a", "b"]
    assert len(scripted.requests) == 1
    assert next(it).id == "c" and len(scripted.requests) == 2
    assert [t.id for t in it] == ["d", "e"]
    assert [r.query for r in scripted.requests] == [
        [("limit", "2")],
        [("limit", "2"), ("cursor", "c1")],
        [("limit", "2"), ("cursor", "c2")],
    ]


def test_next_page_and_iter_pages(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.fallback = three_pages
    page = mini.things.list()
    second = page.next_page()
    assert second is not None and [t.id for t in second.data] == ["c", "d"] and second.request_id == "r1"
    again = page.next_page()  # asking twice refetches, it is not a loop
    assert again is not None and again.next_cursor == "c2"
    third = second.next_page()
    assert third is not None and third.next_page() is None and not third.has_next_page()
    assert [p.request_id for p in page.iter_pages()] == ["r0", "r1", "r2"]


def test_only_one_page_held_while_iterating(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.fallback = three_pages
    refs: list[weakref.ref[SyncCursorPage[object]]] = []
    for p in mini.things.list().iter_pages():
        refs.append(weakref.ref(p))  # type: ignore[arg-type]
        del p
        gc.collect()
        # every page before the current one (other than the first, which the caller holds) is gone
        assert all(r() is None for r in refs[1:-1])


def test_repeated_cursor_raises(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.fallback = lambda r: Reply(json=page_envelope([thing()], has_more=True, next_cursor="same"))
    with pytest.raises(PaginationError) as info:
        list(mini.things.list())
    assert isinstance(info.value, SendmuxError) and "same" in str(info.value)
    assert len(scripted.requests) == 2  # first page, then the page that repeated its cursor


def test_cursor_cycle_raises(scripted: ScriptedServer, mini: Mini) -> None:
    def cycle(r: Recorded) -> Reply:
        nxt = {None: "x", "x": "y", "y": "x"}[r.query_dict.get("cursor")]
        return Reply(json=page_envelope([thing()], has_more=True, next_cursor=nxt))

    scripted.fallback = cycle
    with pytest.raises(PaginationError):
        list(mini.things.list())
    assert len(scripted.requests) == 3


def test_has_more_without_cursor_raises(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.fallback = lambda r: Reply(json=page_envelope([thing()], has_more=True, next_cursor=None))
    page = mini.things.list()
    assert page.data[0].id == "t1"
    with pytest.raises(PaginationError):
        page.next_page()
    with pytest.raises(PaginationError):
        list(page)


def test_empty_list(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.fallback = lambda r: Reply(json=page_envelope([], has_more=False, next_cursor=None))
    page = mini.things.list()
    assert page.data == [] and list(page) == [] and page.next_page() is None


def test_page_options_carry_to_next_pages(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.fallback = three_pages
    list(mini.things.list(extra_headers={"X-Trace": "t"}, extra_query={"q": "1"}))
    assert all(r.headers.get("x-trace") == "t" and r.query_dict.get("q") == "1" for r in scripted.requests)


@pytest.mark.anyio
async def test_async_paginator(scripted: ScriptedServer, amini: AsyncMini) -> None:
    scripted.fallback = three_pages
    first = await amini.things.list(limit=2)
    assert isinstance(first, AsyncCursorPage) and [t.id for t in first.data] == ["a", "b"]
    assert first.request_id == "r0" and len(scripted.requests) == 1
    ids = [t.id async for t in amini.things.list(limit=2)]
    assert ids == ["a", "b", "c", "d", "e"]
    second = await first.next_page()
    assert second is not None and second.next_cursor == "c2"
    assert [p.request_id async for p in first.iter_pages()] == ["r0", "r1", "r2"]
    assert [t.id async for t in first] == ["a", "b", "c", "d", "e"]
    raw = await amini.things.with_raw_response.list(limit=2)
    assert raw.status_code == 200 and [t.id for t in raw.parse().data] == ["a", "b"]


@pytest.mark.anyio
async def test_async_loop_guards(scripted: ScriptedServer, amini: AsyncMini) -> None:
    scripted.fallback = lambda r: Reply(json=page_envelope([thing()], has_more=True, next_cursor="same"))
    with pytest.raises(PaginationError):
        [t async for t in amini.things.list()]
    scripted.fallback = lambda r: Reply(json=page_envelope([thing()], has_more=True, next_cursor=None))
    with pytest.raises(PaginationError):
        [t async for t in amini.things.list()]
