"""Server-sent event streams: `EventStream[T]` / `AsyncEventStream[T]` of `ServerSentEvent[T]`.

Parsing is our own bounded parser (`_sse.py`): comments and heartbeats never become events, and no line
or event grows past ``max_event_bytes``. When the connection breaks (reset, incomplete chunk, read
timeout) the stream reconnects with ``Last-Event-ID`` set to the id of the last event it yielded, after
the server's ``retry:`` delay (clamped to ``max_retry_wait``; else the usual backoff); the first event
after a reconnection that repeats the one resumed after is dropped, so every event comes out once and in
order. A stream the server ends cleanly ends the iteration. Reconnecting goes on as long as each
connection delivers something; ``max_retries`` connections in a row that deliver nothing end it with
`APIConnectionError`. Every (re)connection takes the client's one request path (its sender).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Generator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ._downloads import StreamConsumedError, raw_stream_response, with_headers
from ._errors import APIConnectionError, APIResponseValidationError, SendmuxError
from ._logging import logger
from ._raw_response import RAW_RESPONSE
from ._sse import RawEvent, SSEDecoder
from ._wire_errors import TransportFailure
from ._wire_response import AsyncStreamed, BodyReader, Streamed

if TYPE_CHECKING:
    from typing import Self

    from ._prepare import Prepared
    from ._retry import RetryPolicy
    from ._sender import AsyncSender, SyncSender

__all__ = ["ServerSentEvent", "EventStream", "AsyncEventStream"]

T = TypeVar("T")

_LAST_EVENT_ID_QUERY = "last_event_id"
_DECODE_ERRORS = (SendmuxError, LookupError, TypeError, ValueError, AttributeError)
_loads = json.loads


# Not frozen: a frozen dataclass's __init__ costs several times a plain one, per event.
@dataclass(slots=True)
class ServerSentEvent(Generic[T]):
    """One event: its ``event`` name (``"message"`` when the server named none), typed ``data``, ``id``
    (None when the server gave none) and the ``retry`` delay in milliseconds it asked for, if any."""

    event: str
    """The event's name (``"message"`` when the server named none)."""
    data: T
    """The event's data, decoded to the stream's model."""
    id: str | None = None
    """The event's id (None when the server gave none); a reconnect resumes after the last one."""
    retry: int | None = None
    """The reconnection delay in milliseconds the server asked for, if any."""


def _header_safe(event_id: str) -> str:
    """An id as a header value: its UTF-8 bytes (the WHATWG rule), spelled as the latin-1 text we send."""
    return event_id if event_id.isascii() else event_id.encode("utf-8").decode("latin-1")


class _Stream(Generic[T]):
    """The parts of the sync and async streams that do no I/O."""

    def __init__(self, prep: Prepared, cast: Callable[[Any], T]) -> None:
        self._prep = prep
        self._cast = cast
        self._max_wait_ms = prep.policy.max_retry_wait * 1000.0
        self._closed = False
        self._started = False
        self._retry_ms: float | None = None
        given = next((v for k, v in prep.headers.items() if k.lower() == "last-event-id"), None)
        self._last_event_id: str | None = given
        self._resumed = False
        self._reconnects = 0

    @property
    def last_event_id(self) -> str | None:
        """The id of the last event yielded (where a reconnect resumes); starts at the one you gave."""
        return self._last_event_id

    @property
    def reconnects(self) -> int:
        """How many times the stream reconnected."""
        return self._reconnects

    def _check_content_type(self, response: Streamed | AsyncStreamed) -> None:
        if response.status_code == 204:
            return  # "no content": the server says there is nothing to stream (and not to reconnect)
        content_type = response.headers.get("content-type", "").partition(";")[0].strip().lower()
        if content_type != "text/event-stream":
            raise APIResponseValidationError(
                f"expected an event stream (text/event-stream), got {content_type or 'no content type'!r}",
                status_code=response.status_code,
                request_id=response.headers.get("x-request-id"),
                headers=response.headers,
            )

    def _event(self, raw: RawEvent, response: Streamed | AsyncStreamed) -> ServerSentEvent[T] | None:
        """The typed event, or None for a block that is no event (no data) or a replay of the last one."""
        if raw.retry is not None:
            # The server's reconnection delay, never longer than the client's longest wait.
            self._retry_ms = min(float(raw.retry), self._max_wait_ms)
        data = raw.data
        event_id = raw.id or None
        if data is None:
            if event_id is not None:
                self._last_event_id = event_id  # an id-only block moves the resume point (HTML SSE spec)
            return None
        if self._resumed:
            # Only data events end the resume window: a retry- or id-only block first changes nothing.
            self._resumed = False
            if event_id is not None and event_id == self.last_event_id:
                return None  # the server repeated the event we resumed after: it was yielded already
        try:
            value = self._cast(_loads(data))
        except _DECODE_ERRORS as exc:
            raise self._invalid(raw, event_id, exc, response) from None
        if event_id is not None:
            self._last_event_id = event_id
        return ServerSentEvent(raw.event, value, event_id, raw.retry)

    def _invalid(
        self, raw: RawEvent, event_id: str | None, exc: Exception, response: Streamed | AsyncStreamed
    ) -> APIResponseValidationError:
        return APIResponseValidationError(
            f"event {event_id or '?'} ({raw.event}) does not match the documented shape: {exc}",
            status_code=response.status_code,
            request_id=response.headers.get("x-request-id"),
            body=raw.data,
        )

    def _reconnect_prep(self) -> Prepared:
        prep = self._prep
        if self.last_event_id is None:
            return prep
        new = with_headers(prep, {"Last-Event-ID": _header_safe(self.last_event_id)})
        parts = urlsplit(new.url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        if any(name == _LAST_EVENT_ID_QUERY for name, _ in query):
            # A resume point given in the query too would make the server replay from there: move it.
            query = [(n, self.last_event_id if n == _LAST_EVENT_ID_QUERY else v) for n, v in query]
            new.url = urlunsplit(parts._replace(query=urlencode(query)))
        return new

    def _wait(self, failures: int, backoff: Callable[[RetryPolicy, int], float]) -> float:
        if self._retry_ms is not None:
            return self._retry_ms / 1000.0
        return backoff(self._prep.policy, failures)

    def _give_up(self, exc: TransportFailure, failures: int) -> APIConnectionError | None:
        if exc.broken_body and failures <= self._prep.max_retries:
            logger.info(
                "event stream %s broke (%s) after event id %s; reconnecting",
                self._prep.path,
                exc.kind,
                self.last_event_id,
            )
            return None
        return APIConnectionError(
            f"event stream {self._prep.path} broke {failures} times in a row without an event "
            f"({exc.kind}); last event id {self.last_event_id}",
            method=self._prep.method,
            url=self._prep.url,
        )

    def _begin(self) -> None:
        if self._started:
            raise StreamConsumedError("an event stream can be iterated once")
        self._started = True


class EventStream(_Stream[T]):
    """Iterate it for `ServerSentEvent[T]`; use it as a context manager or call `close()` to end it
    (from any thread: a read blocked on a silent server ends too)."""

    def __init__(
        self, sender: SyncSender, prep: Prepared, cast: Callable[[Any], T], *, connect: bool = True
    ) -> None:
        super().__init__(prep, cast)
        self._sender = sender
        self._response: Streamed | None = None
        if connect:
            self._connect(prep)

    @property
    def response(self) -> Streamed | None:
        """The current connection's response (status, headers); None before the first connects."""
        return self._response

    def _connect(self, prep: Prepared) -> None:
        response = self._sender.open(prep)
        try:
            self._check_content_type(response)
        except APIResponseValidationError:
            response.close()
            raise
        self._response = response
        if self._closed:  # closed (from another thread) while connecting
            response.close()

    def __iter__(self) -> Iterator[ServerSentEvent[T]]:
        self._begin()
        return self._events()

    def _events(self) -> Generator[ServerSentEvent[T], None, None]:
        failures = 0
        try:
            if self._response is None and not self._closed:
                self._connect(self._prep)
            while not self._closed:
                response = self._response
                assert response is not None
                if response.status_code == 204:
                    return
                progressed = False
                decoder = SSEDecoder(self._sender.max_event_bytes)
                reader = BodyReader(response.encoding, None)
                try:
                    for raw in response.iter_raw():
                        for piece in reader.feed(raw):
                            for block in decoder.feed(piece):
                                event = self._event(block, response)
                                if event is not None:
                                    progressed = True
                                    yield event
                                    if self._closed:  # closed while the caller held the event
                                        return
                    return  # the server ended the stream cleanly
                except TransportFailure as exc:
                    response.close()
                    if self._closed:
                        return
                    failures = 1 if progressed else failures + 1
                    error = self._give_up(exc, failures)
                # Raised out here: no exception of the stack hangs off ours as __context__.
                if error is not None:
                    raise error
                self._sender.sleep(self._wait(failures, self._sender.backoff))
                self._reconnects += 1
                self._resumed = True
                self._connect(self._reconnect_prep())
        finally:
            self.close()

    def close(self) -> None:
        """End the stream now and release its connection (the `with` block does it for you)."""
        self._closed = True
        if self._response is not None:
            self._response.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncEventStream(_Stream[T]):
    """``async for`` it; nothing is sent until the first iteration (or ``await stream``, which connects
    and returns the stream). ``async with`` or ``await close()`` ends it."""

    def __init__(self, sender: AsyncSender, prep: Prepared, cast: Callable[[Any], T]) -> None:
        super().__init__(prep, cast)
        self._sender = sender
        self._response: AsyncStreamed | None = None

    @property
    def response(self) -> AsyncStreamed | None:
        """The current connection's response (status, headers); None before the first connects."""
        return self._response

    async def _connect(self, prep: Prepared) -> None:
        response = await self._sender.open(prep)
        try:
            self._check_content_type(response)
        except APIResponseValidationError:
            await response.aclose()
            raise
        self._response = response

    async def connect(self) -> Self:
        """Open the connection now (errors such as 401 surface here); iterating later reads from it."""
        if self._response is None and not self._closed:
            await self._connect(self._prep)
        return self

    def __await__(self) -> Generator[Any, None, Self]:
        """Connect now; under ``with_raw_response``, a `RawResponse` whose ``parse()`` is this stream."""
        return self._await().__await__()

    async def _await(self) -> Any:
        await self.connect()
        if RAW_RESPONSE.get():
            return raw_stream_response(self._response, self, self._sender.clock())
        return self

    def __aiter__(self) -> AsyncIterator[ServerSentEvent[T]]:
        self._begin()
        return self._events()

    async def _events(self) -> AsyncIterator[ServerSentEvent[T]]:
        failures = 0
        try:
            await self.connect()
            while not self._closed:
                response = self._response
                assert response is not None
                if response.status_code == 204:
                    return
                progressed = False
                decoder = SSEDecoder(self._sender.max_event_bytes)
                reader = BodyReader(response.encoding, None)
                try:
                    async for raw in response.aiter_raw():
                        for piece in reader.feed(raw):
                            for block in decoder.feed(piece):
                                event = self._event(block, response)
                                if event is not None:
                                    progressed = True
                                    yield event
                                    if self._closed:
                                        return
                    return
                except TransportFailure as exc:
                    await response.aclose()
                    if self._closed:
                        return
                    failures = 1 if progressed else failures + 1
                    error = self._give_up(exc, failures)
                if error is not None:
                    raise error
                await self._sender.sleep(self._wait(failures, self._sender.backoff))
                self._reconnects += 1
                self._resumed = True
                await self._connect(self._reconnect_prep())
        finally:
            await self.close()

    async def close(self) -> None:
        """End the stream now and release its connection (the `async with` block does it for you)."""
        self._closed = True
        if self._response is not None:
            await self._response.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
