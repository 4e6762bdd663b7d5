"""`AsyncAPIClient`: the asynchronous client core — the same one entry point and one loop as
`SyncAPIClient`, awaited.

The wire (`_transport.AsyncWire`) also holds the concurrency gate: a burst of calls waits its turn there,
in order, and a call still waiting when the client closes is refused without being sent.
"""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from ._attaching import Put, attach_files
from ._attempt import Result
from ._auth import CredentialSource
from ._chunking import Chunk, chunk_error, plan_chunks
from ._client_config import BaseClient
from ._constants import DEFAULT_TIMEOUT
from ._deadline import attempt_deadline
from ._downloads import AsyncBinaryResponse
from ._errors import SendmuxError
from ._events import AsyncEventStream
from ._feeds import AsyncChangeFeed
from ._files import DEFAULT_MAX_UPLOAD_BYTES, Upload
from ._logging import logger
from ._operation import Operation
from ._options import check_timeout, timeout_phases
from ._pagination import AsyncCursorPage, AsyncPaginator
from ._prepare import Prepared, next_query
from ._raw_request import download_operation, request_operation, request_result
from ._raw_response import RAW_RESPONSE
from ._request_options import RequestOptions
from ._retry import RetryPolicy
from ._sender import AsyncSender
from ._sse import DEFAULT_MAX_EVENT_BYTES
from ._stack import DEFAULT_STACK, stack_named, stack_of_client
from ._tracing import CallSpan
from ._transport import DEFAULT_MAX_CONNECTIONS, AsyncWire, WireRequest, transport_for
from ._types import NOT_GIVEN, AsyncHTTPClient, NotGiven, TimeoutTypes
from ._wire_errors import TransportFailure, WireClosed
from ._wire_response import DEFAULT_MAX_RESPONSE_BYTES, AsyncStreamed, Buffered

if TYPE_CHECKING:
    from typing import Self

    import anyio

__all__ = ["AsyncAPIClient"]

T = TypeVar("T")


class AsyncAPIClient(BaseClient):
    """The asynchronous client core: one connection pool, safe for concurrent tasks."""

    def __init__(
        self,
        api_key: CredentialSource | None = None,
        *,
        access_token: CredentialSource | None = None,
        base_url: str | None = None,
        max_retries: int | NotGiven = NOT_GIVEN,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
        etag_cache: bool = True,
        etag_cache_size: int = 256,
        http_client: AsyncHTTPClient | None = None,
        default_headers: Mapping[str, str] | None = None,
        allow_insecure_http: bool = False,
        max_retry_wait: float | NotGiven = NOT_GIVEN,
        total_timeout: float | None = None,
        default_query: Mapping[str, object] | None = None,
        strict_response_validation: bool = False,
        retry: RetryPolicy | None = None,
        max_connections: int | None = DEFAULT_MAX_CONNECTIONS,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        max_event_bytes: int | None = DEFAULT_MAX_EVENT_BYTES,
        max_upload_bytes: int | None = DEFAULT_MAX_UPLOAD_BYTES,
        http_stack: str | None = None,
        tracing: bool | None = None,
        _copy_of: BaseClient | None = None,
    ) -> None:
        super().__init__(
            api_key,
            access_token=access_token,
            base_url=base_url,
            max_retries=max_retries,
            timeout=timeout,
            etag_cache=etag_cache,
            etag_cache_size=etag_cache_size,
            default_headers=default_headers,
            allow_insecure_http=allow_insecure_http,
            max_retry_wait=max_retry_wait,
            total_timeout=total_timeout,
            strict_response_validation=strict_response_validation,
            default_query=default_query,
            retry=retry,
            max_connections=max_connections,
            max_response_bytes=max_response_bytes,
            max_event_bytes=max_event_bytes,
            max_upload_bytes=max_upload_bytes,
            tracing=tracing,
            _copy_of=_copy_of,
        )
        self._build_static_headers()
        if isinstance(_copy_of, AsyncAPIClient):
            self._wire: AsyncWire = _copy_of._wire
            self._owns_wire = False
            self._waiting: set[anyio.Event] = _copy_of._waiting
            self._sleep: Callable[[float], Awaitable[None]] = _copy_of._sleep
            return
        if http_client is not None:
            stack = stack_of_client(http_client, sync=False)
            if timeout is DEFAULT_TIMEOUT:
                self.timeout: TimeoutTypes = check_timeout(http_client.timeout)
        else:
            stack = stack_named(http_stack or os.environ.get("SENDMUX_HTTP_STACK") or DEFAULT_STACK)
        self._wire = transport_for(stack, is_async=True)(
            stack,
            http_client=http_client,
            max_connections=self.max_connections,
            max_response_bytes=self.max_response_bytes,
        )
        self._owns_wire = True
        # The events of calls waiting out a backoff or Retry-After: close() sets them all.
        self._waiting = set()
        self._sleep = self._pause

    # -- lifecycle ------------------------------------------------------------------------------------

    async def close(self) -> None:
        """Refuse further calls, end waiting ones (those in the concurrency gate too: they are never
        sent); close the pool if this client made it (an injected ``http_client`` stays open)."""
        self._closed = True
        if self._owns_wire:
            for event in list(self._waiting):
                event.set()
            await self._wire.aclose()

    aclose = close

    @property
    def is_closed(self) -> bool:
        """True after close(), or when the client this one was copied from was closed."""
        return self._closed or self._wire.closed or self._wire.injected_closed

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _pause(self, seconds: float) -> None:
        """Wait ``seconds``; a close() meanwhile ends the wait at once with ClientClosedError."""
        # anyio works under asyncio and trio alike; httpx already depends on it.
        import anyio

        event = anyio.Event()
        self._waiting.add(event)
        try:
            with anyio.move_on_after(seconds):
                await event.wait()
        finally:
            self._waiting.discard(event)
        if event.is_set() or self._wire.closed:
            raise self._closed_error()

    # -- the one entry point --------------------------------------------------------------------------

    def _request(self, op: Operation, options: RequestOptions) -> Any:
        """Every generated method calls this: a coroutine for a JSON answer; for the streamed kinds and
        pages, an object that sends nothing until it is awaited, entered or iterated."""
        if op.paginated:
            return self._paginator(op, options)
        kind = op.response
        if kind == "binary":
            return AsyncBinaryResponse(self._sender(), self._prepare(op, options))
        if kind == "events":
            return AsyncEventStream(self._sender(), self._prepare(op, options), self._tolerant(options.cast))
        if kind == "feed":
            return self._feed(op, options)
        return self._json(op, options)

    async def _json(self, op: Operation, options: RequestOptions) -> Any:
        if op.attachment_fields and options.body is not None:
            options = await self._attach_files(op, options)
        raw = RAW_RESPONSE.get()
        if op.batch_field is not None and (chunks := plan_chunks(op, options, raw=raw)) is not None:
            return await self._chunked(op, options, chunks)
        prep = self._prepare(op, options)
        result = await self._send(prep)
        cast = options.cast
        if raw:
            return self._raw(result, lambda: self._parse(result, cast))
        return self._parse(result, cast)

    # -- files given as attachments (`_attachment_files`, `_attaching`) ---------------------------------

    async def _attach_files(self, op: Operation, options: RequestOptions) -> RequestOptions:
        """The call's body with every file as an attachment object: inline, or uploaded first."""
        steps = attach_files(
            op,
            options,
            max_bytes=self.max_upload_bytes,
            state=self._attachment_state,
            base_url=self.base_url,
            allow_insecure_http=self._allow_insecure_http,
        )
        token = RAW_RESPONSE.set(False)  # the uploads answer plainly, whatever the send is asked for
        try:
            answer: Any = None
            while True:
                step = steps.send(answer)
                if isinstance(step, Put):
                    answer = request_result(await self._send(self._prepare(step.op, step.options)))
                else:
                    answer = await getattr(self._resource(step.resource), step.method)(**step.arguments)
        except StopIteration as done:
            result: RequestOptions = done.value
            return result
        finally:
            steps.close()
            RAW_RESPONSE.reset(token)

    def _resource(self, name: str) -> Any:
        """One of this client's generated resources (the helpers here are built on the generated calls)."""
        return getattr(self, name)

    async def _chunked(self, op: Operation, options: RequestOptions, chunks: list[Chunk]) -> Any:
        """A batch with more ids than one request takes: its chunks in order, each through the one loop
        (its own retries and rate-limit pacing), their data merged and decoded once (`sendmux._chunking`)."""
        parts: list[Any] = []
        last: tuple[Result, str | None] | None = None
        for chunk in chunks:
            try:
                result = await self._send(self._prepare(op, chunk.options))
                data, request_id = self._chunk_data(result)
            except SendmuxError as error:
                completed = None
                if last is not None:
                    try:
                        completed = self._parse_chunks(*last, parts, options.cast)
                    except SendmuxError:
                        pass  # the applied chunks' ids are still known: those before failed_ids
                raise chunk_error(op, chunks, chunk, error, completed) from error
            parts.append(data)
            last = (result, request_id)
        assert last is not None
        return self._parse_chunks(*last, parts, options.cast)

    async def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, object] | None = None,
        body: Mapping[str, object] | None = None,
        headers: Mapping[str, str | None] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        retry: RetryPolicy | NotGiven = NOT_GIVEN,
    ) -> Any:
        """Call a route the generated methods do not know yet (as `Sendmux.request`), awaited."""
        op = request_operation(method, path, self._surface.name)
        options = RequestOptions(
            query=query,
            body=body,
            extra_headers=headers,
            timeout=timeout,
            max_retries=max_retries,
            retry=retry,
        )
        return request_result(await self._send(self._prepare(op, options)))

    def download(
        self,
        url: str,
        *,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> AsyncBinaryResponse:
        """Fetch a presigned URL (an attachment's ``download_url``) without sending the credential; nothing
        is sent until ``async with`` or ``await``."""
        op = download_operation(url, self.base_url, self._surface.name, self._allow_insecure_http)
        options = RequestOptions(timeout=timeout, max_retries=max_retries)
        return AsyncBinaryResponse(self._sender(), self._prepare(op, options))

    # -- the one loop ---------------------------------------------------------------------------------

    async def _send(self, prep: Prepared) -> Result:
        return await self._loop(prep, False)  # type: ignore[return-value]

    async def _open_stream(self, prep: Prepared) -> AsyncStreamed:
        return await self._loop(prep, True)  # type: ignore[return-value]

    async def _loop(self, prep: Prepared, stream: bool) -> Result | AsyncStreamed:
        wire = self._wire
        rate = self._rate
        policy = prep.policy
        retries_left = policy.max_retries
        attempt = 0
        began = time.monotonic()
        end = None if self.total_timeout is None else began + self.total_timeout
        span = CallSpan.start(self._tracer, prep)
        try:
            while True:
                attempt += 1
                if self._closed:
                    raise self._closed_error()
                delay = rate.reserve(self._clock(), policy.max_retry_wait)
                try:
                    if delay > 0:
                        if end is not None and time.monotonic() + delay >= end:
                            raise self._out_of_time(prep, f"waiting {delay:.2f} s for the rate-limit window")
                        logger.info("rate limit exhausted: waiting %.2f s for the window to reset", delay)
                        await self._sleep(delay)
                    started = time.perf_counter()
                    try:
                        response = await wire.send(self._wire_request(prep, end), stream=stream)
                        if stream and not (200 <= response.status_code < 300):
                            response = await response.aread(self.max_response_bytes)  # type: ignore[union-attr]
                    except TransportFailure as exc:
                        error, wait = self._after_transport_error(prep, exc, attempt, started)  # type: ignore[misc]
                    except WireClosed as closed:
                        raise self._closed_error(str(closed)) from None
                    else:
                        if type(response) is AsyncStreamed:
                            self._opened(prep, response, attempt, started)
                            span.succeeded(response.status_code, response.headers, attempt)
                            return response
                        assert type(response) is Buffered
                        outcome = self._after_response(prep, response, attempt, started)
                        if type(outcome) is Result:
                            span.succeeded(outcome.status_code, outcome.headers, attempt)
                            return outcome
                        error, wait = outcome  # type: ignore[misc]
                finally:
                    rate.release()
                if wait is None or retries_left <= 0 or self._past(policy, began, end, wait):
                    raise error  # (past total_timeout: the last error is the one worth seeing)
                retries_left -= 1
                self._log_retry(prep, error, wait, attempt)
                span.retrying(error, wait, attempt)
                await self._sleep(wait)
        except BaseException as exc:
            span.failed(exc, attempt)
            raise

    def _wire_request(self, prep: Prepared, end: float | None) -> WireRequest:
        payload = prep.content
        return WireRequest(
            prep.method,
            prep.url,
            prep.headers,
            payload.achunks() if isinstance(payload, Upload) else payload,  # fresh per attempt
            timeout_phases(prep.timeout),
            attempt_deadline(prep.timeout, end),
            not prep.op.auth,
        )

    def _sender(self) -> AsyncSender:
        return AsyncSender(
            open=self._open_stream,
            sleep=self._sleep,
            backoff=lambda policy, failures: policy.delay(failures - 1, self._random),
            clock=self._clock,
            max_event_bytes=self.max_event_bytes,
        )

    # -- the kinds of call ----------------------------------------------------------------------------

    def _paginator(self, op: Operation, options: RequestOptions) -> AsyncPaginator[Any]:
        """No I/O here: the returned paginator fetches when awaited or iterated."""
        cast = options.cast

        async def fetch(cursor: str) -> AsyncCursorPage[Any]:
            result = await self._send(
                self._prepare(op, options.with_query(next_query(options.query, cursor)))
            )
            return self._make_page(result, cast, fetch)

        async def first() -> AsyncCursorPage[Any]:
            result = await self._send(self._prepare(op, options))
            if RAW_RESPONSE.get():
                return self._raw(result, lambda: self._make_page(result, cast, fetch))  # type: ignore[return-value]
            return self._make_page(result, cast, fetch)

        return AsyncPaginator(first)

    def _make_page(
        self,
        result: Result,
        cast: Callable[[Any], T],
        fetch: Callable[[str], Awaitable[AsyncCursorPage[T]]],
    ) -> AsyncCursorPage[T]:
        items, has_more, cursor, request_id, meta = self._page_parts(result, cast)
        return AsyncCursorPage(
            items, has_more=has_more, next_cursor=cursor, request_id=request_id, fetch=fetch, meta=meta
        )

    def _feed(self, op: Operation, options: RequestOptions) -> AsyncChangeFeed[Any]:
        """No I/O here: the feed requests as it is iterated."""
        cast = options.cast
        assert op.state_param is not None and op.state_field is not None

        async def fetch(query: Mapping[str, object]) -> tuple[Any, Mapping[str, Any], Result]:
            result = await self._send(self._prepare(op, options.with_query(query)))
            value, data = self._parse_feed(result, cast)
            return value, data, result

        feed = AsyncChangeFeed(fetch, options.query, op.state_param, op.state_field)
        feed._raw = self._raw
        return feed
