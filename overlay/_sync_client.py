"""`SyncAPIClient`: the synchronous client core — one entry point, one loop, for every kind of call.

``_request(op, options)`` is what every generated method calls; it dispatches on the operation (a JSON
answer, a cursor page, a download, an event stream, a change feed). Every request of every kind then
goes through `_send`: prepare (done once per call) → pace → wire (`_transport.SyncWire`) → classify
(`_attempt`) → wait and retry, or raise; a streamed kind is that same loop returning the open response.
Closed-client refusal, deadlines, logging, spans and the retry policy live in this loop and in the wire,
once.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from ._attaching import Put, attach_files
from ._attempt import Result
from ._auth import CredentialSource
from ._chunking import Chunk, chunk_error, plan_chunks
from ._client_config import BaseClient
from ._constants import DEFAULT_TIMEOUT
from ._deadline import attempt_deadline
from ._downloads import BinaryResponse, raw_stream_response
from ._errors import SendmuxError
from ._events import EventStream
from ._feeds import ChangeFeed
from ._files import DEFAULT_MAX_UPLOAD_BYTES, Upload
from ._logging import logger
from ._operation import Operation
from ._options import check_timeout, timeout_phases
from ._pagination import SyncCursorPage
from ._prepare import Prepared, next_query
from ._raw_request import download_operation, request_operation, request_result
from ._raw_response import RAW_RESPONSE
from ._request_options import RequestOptions
from ._retry import RetryPolicy
from ._sender import SyncSender
from ._sse import DEFAULT_MAX_EVENT_BYTES
from ._stack import DEFAULT_STACK, stack_named, stack_of_client
from ._tracing import CallSpan
from ._transport import DEFAULT_MAX_CONNECTIONS, SyncWire, WireRequest, transport_for
from ._types import NOT_GIVEN, NotGiven, SyncHTTPClient, TimeoutTypes
from ._wire_errors import TransportFailure, WireClosed
from ._wire_response import DEFAULT_MAX_RESPONSE_BYTES, Buffered, Streamed

if TYPE_CHECKING:
    from typing import Self


__all__ = ["SyncAPIClient"]

T = TypeVar("T")


class SyncAPIClient(BaseClient):
    """The synchronous client core: one connection pool, safe to share across threads."""

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
        http_client: SyncHTTPClient | None = None,
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
        if isinstance(_copy_of, SyncAPIClient):
            # A with_options copy sends on the original's wire, which stays the original's to close.
            self._wire: SyncWire = _copy_of._wire
            self._owns_wire = False
            self._closing: threading.Event = _copy_of._closing
            self._sleep: Callable[[float], None] = _copy_of._sleep
            return
        if http_client is not None:
            stack = stack_of_client(http_client, sync=True)
            if timeout is DEFAULT_TIMEOUT:
                self.timeout: TimeoutTypes = check_timeout(
                    http_client.timeout
                )  # an injected client's own timeout wins over our default
        else:
            stack = stack_named(http_stack or os.environ.get("SENDMUX_HTTP_STACK") or DEFAULT_STACK)
        self._wire = transport_for(stack, is_async=False)(
            stack,
            http_client=http_client,
            max_connections=self.max_connections,
            max_response_bytes=self.max_response_bytes,
        )
        self._owns_wire = True
        self._closing = threading.Event()  # set by close(): wakes calls waiting out a backoff or Retry-After
        self._sleep = self._pause

    # -- lifecycle ------------------------------------------------------------------------------------

    def close(self) -> None:
        """Refuse further calls and end waiting ones; close the pool if this client made it (an injected
        ``http_client`` stays open, and a ``with_options`` copy leaves the original's pool alone)."""
        self._closed = True
        if self._owns_wire:
            self._closing.set()
            self._wire.close()

    @property
    def is_closed(self) -> bool:
        """True after close(), or when the client this one was copied from was closed."""
        return self._closed or self._wire.closed or self._wire.injected_closed

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _pause(self, seconds: float) -> None:
        """Wait ``seconds``; a close() meanwhile ends the wait at once with ClientClosedError."""
        if self._closing.wait(seconds):
            raise self._closed_error()

    # -- the one entry point --------------------------------------------------------------------------

    def _request(self, op: Operation, options: RequestOptions) -> Any:
        """Every generated method calls this; it dispatches on how the operation answers."""
        if op.paginated:
            return self._first_page(op, options)
        kind = op.response
        if kind == "binary":
            return self._download(op, options)
        if kind == "events":
            return self._event_stream(op, options)
        if kind == "feed":
            return self._feed(op, options)
        if op.attachment_fields and options.body is not None:
            options = self._attach_files(op, options)
        raw = RAW_RESPONSE.get()
        if op.batch_field is not None and (chunks := plan_chunks(op, options, raw=raw)) is not None:
            return self._chunked(op, options, chunks)
        prep = self._prepare(op, options)
        result = self._send(prep)
        cast = options.cast
        if raw:
            return self._raw(result, lambda: self._parse(result, cast))
        return self._parse(result, cast)

    def request(
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
        """Call a route the generated methods do not know yet, with this client's base URL, credential,
        idempotency (a POST gets an Idempotency-Key, reused on every retry), retries and typed errors.

        ``path`` is relative to the base URL (``"/domains"``); returns the envelope's ``data`` as plain
        JSON (for a list: that page's items). Downloads and event streams are out of its scope: use the
        generated methods, or `download` for a ``download_url``.
        """
        op = request_operation(method, path, self._surface.name)
        options = RequestOptions(
            query=query,
            body=body,
            extra_headers=headers,
            timeout=timeout,
            max_retries=max_retries,
            retry=retry,
        )
        return request_result(self._send(self._prepare(op, options)))

    def download(
        self,
        url: str,
        *,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> BinaryResponse:
        """Fetch a presigned URL (an attachment's ``download_url``) without sending the credential: a
        streamed, resumable `BinaryResponse` like any download."""
        op = download_operation(url, self.base_url, self._surface.name, self._allow_insecure_http)
        return self._download(op, RequestOptions(timeout=timeout, max_retries=max_retries))

    # -- files given as attachments (`_attachment_files`, `_attaching`) ---------------------------------

    def _attach_files(self, op: Operation, options: RequestOptions) -> RequestOptions:
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
                    answer = request_result(self._send(self._prepare(step.op, step.options)))
                else:
                    answer = getattr(self._resource(step.resource), step.method)(**step.arguments)
        except StopIteration as done:
            result: RequestOptions = done.value
            return result
        finally:
            steps.close()
            RAW_RESPONSE.reset(token)

    def _resource(self, name: str) -> Any:
        """One of this client's generated resources (the helpers here are built on the generated calls)."""
        return getattr(self, name)

    # -- the one loop ---------------------------------------------------------------------------------

    def _send(self, prep: Prepared) -> Result:
        """One call's attempts, its body read whole: the final `Result`, or the call's typed error."""
        return self._loop(prep, False)  # type: ignore[return-value]

    def _open_stream(self, prep: Prepared) -> Streamed:
        """One call's attempts until a 2xx answer opens; its body unread (downloads, event streams)."""
        return self._loop(prep, True)  # type: ignore[return-value]

    def _loop(self, prep: Prepared, stream: bool) -> Result | Streamed:
        wire = self._wire
        rate = self._rate
        policy = prep.policy
        retries_left = policy.max_retries
        attempt = 0
        # total_timeout: the monotonic time by which the whole call (for a streamed one: until its
        # answer starts), retries and waits included, is over.
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
                        self._sleep(delay)
                    started = time.perf_counter()
                    try:
                        response = wire.send(self._wire_request(prep, end), stream=stream)
                        if stream and not (200 <= response.status_code < 300):
                            response = response.read(self.max_response_bytes)  # type: ignore[union-attr]
                    except TransportFailure as exc:
                        error, wait = self._after_transport_error(prep, exc, attempt, started)  # type: ignore[misc]
                    except WireClosed as closed:
                        raise self._closed_error(str(closed)) from None
                    else:
                        if type(response) is Streamed:
                            self._opened(prep, response, attempt, started)
                            span.succeeded(response.status_code, response.headers, attempt)
                            return response
                        assert type(response) is Buffered
                        # Observed (inside) before the slot is released (finally): no one counts it twice.
                        outcome = self._after_response(prep, response, attempt, started)
                        if type(outcome) is Result:
                            span.succeeded(outcome.status_code, outcome.headers, attempt)
                            return outcome
                        error, wait = outcome  # type: ignore[misc]
                finally:
                    rate.release()
                # Raised here, outside the except block, so no exception of the stack hangs off ours.
                if wait is None or retries_left <= 0 or self._past(policy, began, end, wait):
                    raise error  # (past total_timeout: the last error is the one worth seeing)
                retries_left -= 1
                self._log_retry(prep, error, wait, attempt)
                span.retrying(error, wait, attempt)
                self._sleep(wait)
        except BaseException as exc:
            span.failed(exc, attempt)
            raise

    def _wire_request(self, prep: Prepared, end: float | None) -> WireRequest:
        payload = prep.content
        return WireRequest(
            prep.method,
            prep.url,
            prep.headers,
            payload.chunks() if isinstance(payload, Upload) else payload,  # fresh per attempt
            timeout_phases(prep.timeout),
            attempt_deadline(prep.timeout, end),
            not prep.op.auth,
        )

    def _sender(self) -> SyncSender:
        return SyncSender(
            open=self._open_stream,
            sleep=self._sleep,
            backoff=lambda policy, failures: policy.delay(failures - 1, self._random),
            clock=self._clock,
            max_event_bytes=self.max_event_bytes,
        )

    # -- the kinds of call ----------------------------------------------------------------------------

    def _chunked(self, op: Operation, options: RequestOptions, chunks: list[Chunk]) -> Any:
        """A batch with more ids than one request takes: its chunks in order, each through the one loop
        (its own retries and rate-limit pacing), their data merged and decoded once (`sendmux._chunking`)."""
        parts: list[Any] = []
        last: tuple[Result, str | None] | None = None
        for chunk in chunks:
            try:
                result = self._send(self._prepare(op, chunk.options))
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

    def _first_page(self, op: Operation, options: RequestOptions) -> SyncCursorPage[Any]:
        cast = options.cast

        def fetch(cursor: str) -> SyncCursorPage[Any]:
            prep = self._prepare(op, options.with_query(next_query(options.query, cursor)))
            return self._make_page(self._send(prep), cast, fetch)

        result = self._send(self._prepare(op, options))
        if RAW_RESPONSE.get():
            return self._raw(result, lambda: self._make_page(result, cast, fetch))  # type: ignore[return-value]
        return self._make_page(result, cast, fetch)

    def _make_page(
        self, result: Result, cast: Callable[[Any], T], fetch: Callable[[str], SyncCursorPage[T]]
    ) -> SyncCursorPage[T]:
        items, has_more, cursor, request_id, meta = self._page_parts(result, cast)
        return SyncCursorPage(
            items, has_more=has_more, next_cursor=cursor, request_id=request_id, fetch=fetch, meta=meta
        )

    def _download(self, op: Operation, options: RequestOptions) -> BinaryResponse:
        """A download, open with its body unread; it resumes with Range when the body breaks."""
        prep = self._prepare(op, options)
        response = self._open_stream(prep)
        value = BinaryResponse(self._sender(), prep, response)
        if RAW_RESPONSE.get():
            return raw_stream_response(response, value, self._clock())  # type: ignore[return-value]
        return value

    def _event_stream(self, op: Operation, options: RequestOptions) -> EventStream[Any]:
        """A server-sent event stream, connected (so a 401 raises here); it reconnects by itself."""
        prep = self._prepare(op, options)
        stream = EventStream(self._sender(), prep, self._tolerant(options.cast))
        if RAW_RESPONSE.get():
            return raw_stream_response(stream.response, stream, self._clock())  # type: ignore[return-value]
        return stream

    def _feed(self, op: Operation, options: RequestOptions) -> ChangeFeed[Any]:
        """A change feed: iterating it requests while `has_more`, leaving the newest token in `.state`."""
        cast = options.cast
        assert op.state_param is not None and op.state_field is not None

        def fetch(query: Mapping[str, object]) -> tuple[Any, Mapping[str, Any], Result]:
            result = self._send(self._prepare(op, options.with_query(query)))
            value, data = self._parse_feed(result, cast)
            return value, data, result

        feed = ChangeFeed(fetch, options.query, op.state_param, op.state_field)
        if RAW_RESPONSE.get():
            result = feed._prefetch()
            return self._raw(result, lambda: feed)  # type: ignore[return-value]
        return feed
