"""`total_timeout` bounds streamed calls too: a download or an event stream whose (re)connection gets no
answer ends with `APITimeoutError` once ``total_timeout`` has passed since that (re)connection began,
even when the per-attempt ``timeout`` would let it wait far longer. Real sockets on loopback."""

from __future__ import annotations

import time
from typing import Any

import pytest
from support.scripted_server import Reply, ScriptedServer
from support.streams import DownloadScript, EventScript

from sendmux import APITimeoutError, SyncAPIClient
from sendmux._operation import Operation
from sendmux._request_options import RequestOptions

OP_DOWNLOAD = Operation("download", "GET", "/files/f1", "files", "download", None, response="binary")
OP_EVENTS = Operation("events", "GET", "/events", "events", "stream", None, response="events")
STALL = Reply(delay=20.0, json={"ok": True, "data": {}, "meta": {}})  # headers only after 20 s


def _client(scripted: ScriptedServer) -> SyncAPIClient:
    client = SyncAPIClient(api_key="smx_root_k", base_url=scripted.base_url, timeout=30.0, total_timeout=1.5)
    client._random = lambda: 0.0  # no backoff wait between reconnections
    return client


def test_a_download_whose_resume_stalls_ends_at_total_timeout(scripted: ScriptedServer) -> None:
    script = DownloadScript(bytes(range(256)) * 400, breaks=[1000])
    scripted.on("GET", "/files/f1", script.reply(), STALL)
    with _client(scripted) as client:
        download = client._request(OP_DOWNLOAD, RequestOptions())
        started = time.monotonic()
        with pytest.raises(APITimeoutError, match="total_timeout 1.5 s"):
            download.read()
        assert time.monotonic() - started < 5  # not the 30 s attempt timeout, nor the 20 s stall
    assert len(scripted.requests) == 2


def test_a_download_that_never_answers_ends_at_total_timeout(scripted: ScriptedServer) -> None:
    scripted.on("GET", "/files/f1", STALL)
    with _client(scripted) as client:
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            client._request(OP_DOWNLOAD, RequestOptions())
        assert time.monotonic() - started < 5


def test_a_reconnecting_event_stream_ends_at_total_timeout(scripted: ScriptedServer) -> None:
    script = EventScript(total=50, breaks=[10])
    scripted.on("GET", "/events", script.reply(), STALL)
    with _client(scripted) as client:
        seen: list[Any] = []
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            for event in client._request(OP_EVENTS, RequestOptions(cast=dict)):
                seen.append(event.data)
        assert time.monotonic() - started < 5
    assert [e["seq"] for e in seen] == list(range(1, 11))  # every event before the break came out


def test_a_long_stream_is_not_cut_by_total_timeout(scripted: ScriptedServer) -> None:
    # The budget runs to each connection's first byte: a stream that keeps delivering may outlive it.
    script = EventScript(total=3)
    scripted.on("GET", "/events", script.reply())
    with _client(scripted) as client:
        events = client._request(OP_EVENTS, RequestOptions(cast=dict))
        time.sleep(2.0)  # longer than total_timeout, after the stream opened
        assert [e.data["seq"] for e in events] == [1, 2, 3]
