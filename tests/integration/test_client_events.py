"""Server-sent event streams over real loopback HTTP: typed events, reconnects with Last-Event-ID, once each."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from support.mini_client import SECRET, AsyncMini, FakeTime, Mini
from support.scripted_server import Reply, ScriptedServer, error_envelope
from support.streams import EventScript, chunk, http_head, sse_event

from sendmux import APIConnectionError, APIResponseValidationError, AuthenticationError, RawResponse
from sendmux._decoding import ModelDecodeError
from sendmux._downloads import StreamConsumedError
from sendmux._events import AsyncEventStream, EventStream, ServerSentEvent
from sendmux._operation import Operation
from sendmux._raw_response import async_to_raw_response_wrapper, to_raw_response_wrapper
from sendmux._request_options import RequestOptions
from sendmux._types import UNSET

OP_EVENTS = Operation(
    "streamEvents", "GET", "/events", "events", "stream", "mailbox:read", response="events", surface="mailbox"
)


class Seq:
    """A tiny typed model for event data."""

    def __init__(self, seq: int, subject: str) -> None:
        self.seq = seq
        self.subject = subject

    @classmethod
    def from_dict(cls, src: Any) -> Seq:
        if not isinstance(src, dict) or not isinstance(src.get("seq"), int):
            raise ModelDecodeError("Seq", "seq", "expected an integer")
        return cls(src["seq"], str(src.get("subject", "")))


def stream(
    client: Mini, *, last_event_id: Any = UNSET, query: dict[str, Any] | None = None
) -> EventStream[Seq]:
    return client._request(
        OP_EVENTS, RequestOptions(query=query, headers={"Last-Event-ID": last_event_id}, cast=Seq.from_dict)
    )


def astream(client: AsyncMini, **kw: Any) -> AsyncEventStream[Seq]:
    return client._request(OP_EVENTS, RequestOptions(query=kw.get("query"), cast=Seq.from_dict))


def test_300_events_across_two_breaks_come_out_once_in_order(
    scripted: ScriptedServer, mini: Mini, fake_time: FakeTime
) -> None:
    script = EventScript(total=300, breaks=[100, 200])
    scripted.on("GET", "/events", script.reply())
    with stream(mini) as events:
        got = list(events)
    assert [e.data.seq for e in got] == list(range(1, 301))
    assert [e.id for e in got] == [str(n) for n in range(1, 301)]
    assert all(isinstance(e, ServerSentEvent) and e.event == "message" for e in got)
    # Each reconnect resumed after the last event delivered; the half events never surfaced.
    assert script.last_event_ids == [None, "100", "200"]
    assert events.reconnects == 2 and events.last_event_id == "300"
    assert len(fake_time.sleeps) == 2  # the backoff was waited (on the injected clock)
    rec = scripted.requests[0]
    assert rec.headers["accept"] == "text/event-stream, application/json"  # an error may come as JSON
    assert rec.headers["authorization"] == f"Bearer {SECRET}"


@pytest.mark.anyio
async def test_async_300_events_across_two_breaks_come_out_once_in_order(
    scripted: ScriptedServer, amini: AsyncMini
) -> None:
    script = EventScript(total=300, breaks=[100, 200])
    scripted.on("GET", "/events", script.reply())
    events = astream(amini)
    assert scripted.requests == []  # not awaited: nothing is sent before the first iteration
    async with events:
        got = [e async for e in events]
    assert [e.data.seq for e in got] == list(range(1, 301))
    assert script.last_event_ids == [None, "100", "200"]


def test_retry_field_sets_the_reconnect_delay(
    scripted: ScriptedServer, mini: Mini, fake_time: FakeTime
) -> None:
    script = EventScript(total=10, breaks=[4], retry_ms=2500)
    scripted.on("GET", "/events", script.reply())
    got = [e.data.seq for e in stream(mini)]
    assert got == list(range(1, 11))
    assert fake_time.sleeps == [2.5]


def test_reconnect_starts_from_the_given_last_event_id_and_moves_the_query_one(
    scripted: ScriptedServer, mini: Mini
) -> None:
    script = EventScript(total=8, breaks=[5])
    scripted.on("GET", "/events", script.reply())
    got = [e.data.seq for e in stream(mini, last_event_id="2", query={"last_event_id": "2"})]
    assert got == [3, 4, 5, 6, 7, 8]
    assert script.last_event_ids == ["2", "5"]
    assert [q.get("last_event_id") for q in script.queries] == ["2", "5"]


def test_a_replayed_boundary_event_is_not_yielded_twice(scripted: ScriptedServer, mini: Mini) -> None:
    def first(sock: Any, rec: Any) -> None:
        body = sse_event(1, {"seq": 1}) + sse_event(2, {"seq": 2})
        sock.sendall(
            http_head("200 OK", [("Content-Type", "text/event-stream"), ("Transfer-Encoding", "chunked")])
        )
        sock.sendall(chunk(body))
        sock.shutdown(2)

    def second(sock: Any, rec: Any) -> None:
        # This server resumes *at* the Last-Event-ID rather than after it.
        body = sse_event(2, {"seq": 2}) + sse_event(3, {"seq": 3})
        sock.sendall(
            http_head("200 OK", [("Content-Type", "text/event-stream"), ("Transfer-Encoding", "chunked")])
        )
        sock.sendall(chunk(body) + b"0\r\n\r\n")

    scripted.on("GET", "/events", Reply(write=first), Reply(write=second))
    assert [e.data.seq for e in stream(mini)] == [1, 2, 3]


def test_comments_and_data_less_blocks_are_not_events(scripted: ScriptedServer, mini: Mini) -> None:
    def write(sock: Any, rec: Any) -> None:
        body = (
            b": ping\n\n"
            + b"event: heartbeat\n\n"
            + sse_event("a", {"seq": 1}, event="message.received")
            + b"id: b\n\n"
            + sse_event(None, {"seq": 2}, event="sync_required")
        )
        sock.sendall(
            http_head(
                "200 OK",
                [("Content-Type", "text/event-stream; charset=utf-8"), ("Transfer-Encoding", "chunked")],
            )
        )
        sock.sendall(chunk(body) + b"0\r\n\r\n")

    scripted.on("GET", "/events", Reply(write=write))
    events = stream(mini)
    got = list(events)
    assert [(e.event, e.id, e.data.seq) for e in got] == [
        ("message.received", "a", 1),
        ("sync_required", "b", 2),
    ]
    assert events.last_event_id == "b"


def test_errors_before_the_stream_starts_are_typed_and_retried_by_policy(
    scripted: ScriptedServer, mini: Mini
) -> None:
    script = EventScript(total=3)
    scripted.on("GET", "/events", Reply(503, json=error_envelope("unavailable")), script.reply())
    assert [e.data.seq for e in stream(mini)] == [1, 2, 3]
    scripted.on("GET", "/events", Reply(401, json=error_envelope("unauthorized")))
    with pytest.raises(AuthenticationError):
        stream(mini)


def test_not_an_event_stream_is_a_validation_error(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.on("GET", "/events", Reply(json={"ok": True, "data": {}}))
    with pytest.raises(APIResponseValidationError, match="text/event-stream"):
        stream(mini)


def test_undecodable_event_data_is_a_validation_error(scripted: ScriptedServer, mini: Mini) -> None:
    def write(sock: Any, rec: Any) -> None:
        sock.sendall(
            http_head("200 OK", [("Content-Type", "text/event-stream"), ("Transfer-Encoding", "chunked")])
        )
        sock.sendall(chunk(sse_event(1, "not json")) + b"0\r\n\r\n")

    scripted.on("GET", "/events", Reply(write=write))
    with pytest.raises(APIResponseValidationError, match="event 1"):
        list(stream(mini))


def test_gives_up_after_max_retries_breaks_without_an_event(
    scripted: ScriptedServer, mini: Mini, caplog: pytest.LogCaptureFixture
) -> None:
    script = EventScript(total=10, breaks=[2, 2, 2, 2])
    scripted.on("GET", "/events", script.reply())
    got: list[int] = []
    with (
        caplog.at_level(logging.DEBUG, logger="sendmux"),
        pytest.raises(APIConnectionError, match="in a row"),
    ):
        for e in stream(mini):
            got.append(e.data.seq)
    assert got == [1, 2]
    assert len(script.last_event_ids) == 3  # first connection + max_retries (2) reconnects
    assert SECRET not in caplog.text


def test_close_ends_the_iteration_and_a_stream_iterates_once(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.on("GET", "/events", EventScript(total=50).reply())
    events = stream(mini)
    got = []
    for e in events:
        got.append(e.data.seq)
        if e.data.seq == 3:
            events.close()
    assert got == [1, 2, 3]
    with pytest.raises(StreamConsumedError):
        iter(events)


def test_raw_response_gives_status_headers_and_the_stream(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.on("GET", "/events", EventScript(total=2, extra_headers=[("X-Request-Id", "req_sse")]).reply())
    raw = to_raw_response_wrapper(stream)(mini)
    assert isinstance(raw, RawResponse) and raw.status_code == 200 and raw.request_id == "req_sse"
    with raw.parse() as events:
        assert [e.data.seq for e in events] == [1, 2]


@pytest.mark.anyio
async def test_async_raw_response_and_connect_errors(scripted: ScriptedServer, amini: AsyncMini) -> None:
    scripted.on("GET", "/events", EventScript(total=2).reply())
    raw = await async_to_raw_response_wrapper(_async_events)(amini)
    assert isinstance(raw, RawResponse) and raw.status_code == 200
    assert [e.data.seq async for e in raw.parse()] == [1, 2]
    scripted.on("GET", "/events", Reply(401, json=error_envelope("unauthorized")))
    with pytest.raises(AuthenticationError):
        async for _ in astream(amini):
            pass


async def _async_events(client: AsyncMini) -> AsyncEventStream[Seq]:
    return await astream(client)  # type: ignore[no-any-return]


def test_a_stalled_stream_reconnects_after_the_read_timeout(scripted: ScriptedServer, mini: Mini) -> None:
    import threading

    release = threading.Event()

    def stalls(sock: Any, rec: Any) -> None:
        sock.sendall(
            http_head("200 OK", [("Content-Type", "text/event-stream"), ("Transfer-Encoding", "chunked")])
        )
        sock.sendall(chunk(sse_event(1, {"seq": 1}) + sse_event(2, {"seq": 2})))
        release.wait(10)  # silent, connection open: only the client's read timeout notices

    script = EventScript(total=4)
    scripted.on("GET", "/events", Reply(write=stalls), script.reply())
    try:
        events = mini._request(OP_EVENTS, RequestOptions(cast=Seq.from_dict, timeout=0.5))
        assert [e.data.seq for e in events] == [1, 2, 3, 4]
    finally:
        release.set()
    assert script.last_event_ids == ["2"]


def test_204_means_nothing_to_stream(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.on("GET", "/events", Reply(204))
    assert list(stream(mini)) == []


def test_event_data_with_an_odd_field_decodes_leniently_unless_strict(scripted: ScriptedServer) -> None:
    """Event data goes through the same lenient decoding as responses (a generated model here)."""
    from support.mini_client import make_client

    from sendmux.types import ProviderQuotaRange

    def write(sock: Any, rec: Any) -> None:
        sock.sendall(
            http_head("200 OK", [("Content-Type", "text/event-stream"), ("Transfer-Encoding", "chunked")])
        )
        sock.sendall(chunk(b'id: 1\ndata: {"min": "one", "max": 5}\n\n') + b"0\r\n\r\n")

    scripted.on("GET", "/events", Reply(write=write))
    op_args: dict[str, Any] = {"path_params": (), "query": None, "headers": None}
    with make_client(scripted.base_url) as client:
        (event,) = list(
            client._request(OP_EVENTS, RequestOptions(cast=ProviderQuotaRange.from_dict, **op_args))
        )
    assert event.data.min == "one" and event.data.max == 5  # type: ignore[comparison-overlap]
    with make_client(scripted.base_url, strict_response_validation=True) as strict:
        with pytest.raises(APIResponseValidationError, match="ProviderQuotaRange.min"):
            list(strict._request(OP_EVENTS, RequestOptions(cast=ProviderQuotaRange.from_dict, **op_args)))
