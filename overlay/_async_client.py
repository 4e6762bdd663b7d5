"""`AsyncAPIClient`: the asynchronous client core, and the send loop every async call goes through.

The same path as `SyncAPIClient` (prepare → pace → send with retries → envelope → ``cast``), awaited.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import httpcore
import httpx

from ._attempt import Result
from ._auth import CredentialSource
from ._client_config import BaseClient
from ._constants import DEFAULT_MAX_RETRIES, DEFAULT_MAX_RETRY_WAIT, DEFAULT_TIMEOUT
from ._core_transport import CoreResponse, asend, async_pool, core_headers, no_env_proxies
from ._deadline import aread_within, attempt_deadline
from ._errors import ConfigurationError
from ._files import FileInput, Upload
from ._gate import ConcurrencyGate, pool_limit
from ._logging import logger
from ._operation import Operation
from ._pagination import AsyncCursorPage, AsyncPaginator
from ._prepare import Prepared, next_query
from ._raw_response import RAW_RESPONSE
from ._request_options import RequestOptions
from ._types import NOT_GIVEN, NotGiven, TimeoutTypes
from ._urls import parsed_url

if TYPE_CHECKING:
    from typing import Self

    # Imported where used: `import sendmux` + a client stays as cheap as before for JSON-only callers.
    from ._events import AsyncEventStream
    from ._feeds import AsyncChangeFeed
    from ._streaming import AsyncBinaryResponse

__all__ = ["AsyncAPIClient"]

T = TypeVar("T")


class AsyncAPIClient(BaseClient):
    """The asynchronous client core: one `httpx.AsyncClient` pool, safe for concurrent tasks."""

    def __init__(
        self,
        api_key: CredentialSource | None = None,
        *,
        access_token: CredentialSource | None = None,
        base_url: str | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
        etag_cache: bool = True,
        etag_cache_size: int = 256,
        http_client: httpx.AsyncClient | None = None,
        default_headers: Mapping[str, str] | None = None,
        allow_insecure_http: bool = False,
        max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT,
        total_timeout: float | None = None,
        default_query: Mapping[str, object] | None = None,
        strict_response_validation: bool = False,
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
            _copy_of=_copy_of,
        )
        if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
            raise ConfigurationError(
                "http_client must be an httpx.AsyncClient (use Sendmux for httpx.Client)"
            )
        if isinstance(_copy_of, AsyncAPIClient):
            self._owns_http = False
            self._http: httpx.AsyncClient = _copy_of._http
            self._direct: httpx.AsyncHTTPTransport | None = _copy_of._direct
            self._acore: httpcore.AsyncConnectionPool | None = _copy_of._acore
            self._build_static_headers(self._http.headers)
            self._sleep: Callable[[float], Awaitable[None]] = _copy_of._sleep
            self._gate: ConcurrencyGate = _copy_of._gate
            return
        self._owns_http = http_client is None
        transport = httpx.AsyncHTTPTransport() if http_client is None else None
        self._http = http_client or httpx.AsyncClient(
            timeout=timeout, follow_redirects=False, transport=transport
        )
        self._direct = transport if no_env_proxies() else None
        self._acore = async_pool(self._direct) if self._direct is not None else None
        self._init_pool_headers()
        if http_client is not None and timeout is DEFAULT_TIMEOUT:
            self.timeout: TimeoutTypes = http_client.timeout
        self._sleep = _async_sleep
        self._gate = ConcurrencyGate(pool_limit(self._http))

    async def close(self) -> None:
        """Refuse further calls; close the pool if this client made it (a copy's or an injected one stays open)."""
        self._closed = True
        if self._owns_http:
            await self._http.aclose()

    aclose = close

    @property
    def is_closed(self) -> bool:
        """True after close(), or when the pool this client sends on was closed."""
        return self._closed or self._http.is_closed

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _send(self, prep: Prepared) -> Result:
        rate = self._rate
        retries_left = prep.max_retries
        attempt = 0
        # total_timeout: the monotonic time by which the whole call, retries and waits included, is over.
        end = None if self.total_timeout is None else time.monotonic() + self.total_timeout
        while True:
            attempt += 1
            delay = rate.reserve(self._clock(), self.max_retry_wait)
            try:
                if delay > 0:
                    if end is not None and time.monotonic() + delay >= end:
                        raise self._out_of_time(prep, f"waiting {delay:.2f} s for the rate-limit window")
                    logger.info("rate limit exhausted: waiting %.2f s for the window to reset", delay)
                    await self._sleep(delay)
                started = time.perf_counter()
                try:
                    async with self._gate.slot():  # a burst waits here, not in httpcore's queue (_gate.py)
                        started = time.perf_counter()
                        response = await self._exchange(prep, end)
                except httpx.RequestError as exc:
                    error, wait = self._after_transport_error(prep, exc, attempt, started)  # type: ignore[misc]
                else:
                    # Observed (inside) before the slot is released (finally): no one counts it twice.
                    outcome = self._after_response(prep, response, attempt, started)
                    if type(outcome) is Result:
                        return outcome
                    error, wait = outcome  # type: ignore[misc]
            finally:
                rate.release()
            if wait is None or retries_left <= 0 or (end is not None and time.monotonic() + wait >= end):
                raise error  # (past total_timeout: the last error is the one worth seeing)
            retries_left -= 1
            self._log_retry(prep, error, wait, attempt)
            await self._sleep(wait)

    async def _exchange(self, prep: Prepared, end: float | None) -> CoreResponse:
        """One request and its whole body, on the lean httpcore path when this client owns its pool."""
        http, direct, core = self._http, self._direct, self._acore
        payload = prep.content
        abody = payload.achunks() if isinstance(payload, Upload) else payload
        if core is not None:
            headers = core_headers(self._static_for(prep.op), prep.headers)
            return await asend(core, prep.method, prep.url, headers, abody, prep.timeout, end)
        request = http.build_request(
            prep.method, parsed_url(prep.url), headers=prep.headers, content=abody, timeout=prep.timeout
        )
        if not prep.op.auth:
            request.headers.pop("authorization", None)
        deadline = attempt_deadline(prep.timeout, end)
        if direct is not None:
            streamed = await direct.handle_async_request(request)
        else:
            streamed = await http.send(request, follow_redirects=False, stream=True)
        try:
            received = await aread_within(streamed.aiter_bytes(), deadline)
        finally:
            await streamed.aclose()
        return CoreResponse(streamed.status_code, streamed.headers, received, streamed.reason_phrase)

    def _request(self, op: Operation, options: RequestOptions) -> Any:
        """The one entry point of generated methods: dispatches on the operation's response kind."""
        o = options
        common: dict[str, Any] = dict(
            path_params=o.path_params,
            query=o.query,
            headers=o.headers,
            extra_headers=o.extra_headers,
            extra_query=o.extra_query,
            timeout=o.timeout,
            max_retries=o.max_retries,
        )
        if op.paginated:
            return self._request_page(op, body=o.body, cast=o.cast or _identity, **common)
        kind = op.response
        if kind == "binary":
            return self._request_binary(op, body=o.body, **common)
        if kind == "events":
            return self._request_events(op, body=o.body, cast=o.cast or _identity, **common)
        if kind == "feed":
            assert op.state_param is not None and op.state_field is not None
            return self._request_feed(
                op, cast=o.cast or _identity, state_param=op.state_param, state_field=op.state_field, **common
            )
        return self._request_json(op, body=o.body, cast=o.cast or _identity, content=o.content, **common)

    async def _request_json(
        self,
        op: Operation,
        *,
        path_params: Sequence[object],
        query: Mapping[str, object] | None,
        headers: Mapping[str, object] | None,
        body: Mapping[str, object] | None,
        cast: Callable[[Any], T],
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        content: FileInput | None = None,
    ) -> T:
        prep = self._prepare(
            op, path_params, query, headers, body, extra_headers, extra_query, timeout, max_retries, content
        )
        result = await self._send(prep)
        if RAW_RESPONSE.get():
            return self._raw(result, lambda: self._parse(result, cast))  # type: ignore[return-value]
        return self._parse(result, cast)

    def _request_page(
        self,
        op: Operation,
        *,
        path_params: Sequence[object],
        query: Mapping[str, object] | None,
        headers: Mapping[str, object] | None,
        body: Mapping[str, object] | None,
        cast: Callable[[Any], T],
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> AsyncPaginator[T]:
        """No I/O here: the returned paginator fetches when awaited or iterated."""

        async def fetch(cursor: str) -> AsyncCursorPage[T]:
            q = next_query(query, cursor)
            prep = self._prepare(
                op, path_params, q, headers, body, extra_headers, extra_query, timeout, max_retries
            )
            result = await self._send(prep)
            return self._make_page(result, cast, fetch)

        async def first() -> AsyncCursorPage[T]:
            prep = self._prepare(
                op, path_params, query, headers, body, extra_headers, extra_query, timeout, max_retries
            )
            result = await self._send(prep)
            if RAW_RESPONSE.get():
                return self._raw(result, lambda: self._make_page(result, cast, fetch))  # type: ignore[return-value]
            return self._make_page(result, cast, fetch)

        return AsyncPaginator(first)

    def _make_page(
        self,
        result: Result,
        cast_to: Callable[[Any], T],
        fetch: Callable[[str], Awaitable[AsyncCursorPage[T]]],
    ) -> AsyncCursorPage[T]:
        items, has_more, cursor, request_id, meta = self._page_parts(result, cast_to)
        return AsyncCursorPage(
            items, has_more=has_more, next_cursor=cursor, request_id=request_id, fetch=fetch, meta=meta
        )

    # -- streamed responses and feeds (docs/runtime-contract.md) ------------------------------------------

    async def _request_binary(
        self,
        op: Operation,
        *,
        path_params: Sequence[object],
        query: Mapping[str, object] | None,
        headers: Mapping[str, object] | None,
        body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> AsyncBinaryResponse:
        from ._streaming import AsyncBinaryResponse, aopen_stream, raw_stream_response

        prep = self._prepare(
            op, path_params, query, headers, body, extra_headers, extra_query, timeout, max_retries
        )
        response = await aopen_stream(self, prep)
        value = AsyncBinaryResponse(self, prep, response)
        if RAW_RESPONSE.get():
            return raw_stream_response(self, response, value)  # type: ignore[return-value]
        return value

    def _request_events(
        self,
        op: Operation,
        *,
        path_params: Sequence[object],
        query: Mapping[str, object] | None,
        headers: Mapping[str, object] | None,
        cast: Callable[[Any], T],
        body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> AsyncEventStream[T]:
        """No I/O here: the stream connects on first iteration (or when awaited)."""
        from ._events import AsyncEventStream

        prep = self._prepare(
            op, path_params, query, headers, body, extra_headers, extra_query, timeout, max_retries
        )
        return AsyncEventStream(self, prep, self._tolerant(cast))

    def _request_feed(
        self,
        op: Operation,
        *,
        path_params: Sequence[object],
        query: Mapping[str, object] | None,
        headers: Mapping[str, object] | None,
        cast: Callable[[Any], T],
        state_param: str,
        state_field: str,
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> AsyncChangeFeed[T]:
        """No I/O here: the feed requests as it is iterated."""
        from ._feeds import AsyncChangeFeed

        async def fetch(q: Mapping[str, object]) -> tuple[T, Mapping[str, Any], Result]:
            prep = self._prepare(
                op, path_params, q, headers, None, extra_headers, extra_query, timeout, max_retries
            )
            result = await self._send(prep)
            value, data = self._parse_feed(result, cast)
            return value, data, result

        feed = AsyncChangeFeed(fetch, query, state_param, state_field)
        feed._raw = self._raw
        return feed


async def _async_sleep(seconds: float) -> None:
    # anyio works under asyncio and trio alike; httpx already depends on it.
    import anyio

    await anyio.sleep(seconds)


def _identity(value: Any) -> Any:
    return value
