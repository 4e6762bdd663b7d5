"""Responses read as they arrive: opening them with the retry policy, and binary downloads that resume.

`open_stream` / `aopen_stream` send a prepared request like the client's `_send` (pacing, retries, typed
errors) but hand back the open `httpx.Response` once a 2xx status arrives, its body unread: a retry of a
stream or download before its body starts follows the normal retry policy.

`BinaryResponse` / `AsyncBinaryResponse` never hold the whole body.  When the connection breaks mid-body
they ask for the rest with ``Range: bytes=N-`` (``If-Range`` with the strong ETag or Last-Modified, when
the first answer had one) and accept the answer only if it is a 206 whose ``Content-Range`` starts at N
(same total, same ETag), so the bytes come out identical or the download fails loudly.
"""

from __future__ import annotations

import copy
import os
import re
import time
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from ._errors import APIConnectionError, SendmuxError
from ._files import Upload
from ._logging import logger
from ._rate_limit import parse_rate_limit
from ._raw_response import RawResponse
from ._retry import backoff_delay

if TYPE_CHECKING:
    from typing import Self

    from ._async_client import AsyncAPIClient
    from ._prepare import Prepared
    from ._sync_client import SyncAPIClient

__all__ = [
    "open_stream",
    "aopen_stream",
    "BinaryResponse",
    "AsyncBinaryResponse",
    "StreamConsumedError",
    "content_disposition_filename",
]

T = TypeVar("T")

_CONTENT_RANGE = re.compile(r"\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$", re.IGNORECASE)
_RANGE = re.compile(r"\s*bytes=(\d+)-(\d*)\s*$", re.IGNORECASE)

# A body that stops mid-way: reset, incomplete chunk or short Content-Length, or a read timeout.
BROKEN_BODY = (httpx.ReadError, httpx.RemoteProtocolError, httpx.ReadTimeout, httpx.CloseError)


class StreamConsumedError(SendmuxError):
    """The body of a streamed response was already read (or the response closed); it streams once."""


def _request(http: httpx.Client | httpx.AsyncClient, prep: Prepared, content: Any) -> httpx.Request:
    request = http.build_request(
        prep.method, prep.url, headers=prep.headers, content=content, timeout=prep.timeout
    )
    if not prep.op.auth:
        request.headers.pop("authorization", None)
    return request


def _log_open(prep: Prepared, response: httpx.Response, attempt: int, started: float) -> None:
    if logger.isEnabledFor(10):  # DEBUG
        logger.debug(
            "%s %s -> %d (streamed) request_id=%s attempt=%d elapsed_ms=%.1f",
            prep.method,
            prep.path,
            response.status_code,
            response.headers.get("x-request-id"),
            attempt,
            (time.perf_counter() - started) * 1000.0,
        )


def open_stream(client: SyncAPIClient, prep: Prepared) -> httpx.Response:
    """The open response of the first attempt that got a 2xx; otherwise the call's typed error."""
    http = client._http
    rate = client._rate
    retries_left = prep.max_retries
    attempt = 0
    while True:
        attempt += 1
        if client._closed or http.is_closed:
            client._check_open()  # a resume after close(): our error, not httpx's RuntimeError
        delay = rate.reserve(client._clock(), client.max_retry_wait)
        try:
            if delay > 0:
                logger.info("rate limit exhausted: waiting %.2f s for the window to reset", delay)
                client._sleep(delay)
            started = time.perf_counter()
            body = prep.content.chunks() if isinstance(prep.content, Upload) else prep.content
            try:
                response = http.send(_request(http, prep, body), stream=True, follow_redirects=False)
            except httpx.RequestError as exc:
                error, wait = client._after_transport_error(prep, exc, attempt, started)  # type: ignore[misc]
            else:
                if 200 <= response.status_code < 300:
                    client._rate.observe(response.headers, client._clock())
                    _log_open(prep, response, attempt, started)
                    return response
                try:
                    response.read()  # an error body is small: read it for the typed error
                except httpx.RequestError as exc:
                    response.close()
                    error, wait = client._after_transport_error(prep, exc, attempt, started)  # type: ignore[misc]
                else:
                    error, wait = client._after_response(prep, response, attempt, started)  # type: ignore[misc]
        finally:
            rate.release()
        if wait is None or retries_left <= 0:
            raise error
        retries_left -= 1
        client._log_retry(prep, error, wait, attempt)
        client._sleep(wait)


async def aopen_stream(client: AsyncAPIClient, prep: Prepared) -> httpx.Response:
    http = client._http
    rate = client._rate
    retries_left = prep.max_retries
    attempt = 0
    while True:
        attempt += 1
        if client._closed or http.is_closed:
            client._check_open()  # a resume after close(): our error, not httpx's RuntimeError
        delay = rate.reserve(client._clock(), client.max_retry_wait)
        try:
            if delay > 0:
                logger.info("rate limit exhausted: waiting %.2f s for the window to reset", delay)
                await client._sleep(delay)
            started = time.perf_counter()
            body = prep.content.achunks() if isinstance(prep.content, Upload) else prep.content
            try:
                response = await http.send(_request(http, prep, body), stream=True, follow_redirects=False)
            except httpx.RequestError as exc:
                error, wait = client._after_transport_error(prep, exc, attempt, started)  # type: ignore[misc]
            else:
                if 200 <= response.status_code < 300:
                    client._rate.observe(response.headers, client._clock())
                    _log_open(prep, response, attempt, started)
                    return response
                try:
                    await response.aread()
                except httpx.RequestError as exc:
                    await response.aclose()
                    error, wait = client._after_transport_error(prep, exc, attempt, started)  # type: ignore[misc]
                else:
                    error, wait = client._after_response(prep, response, attempt, started)  # type: ignore[misc]
        finally:
            rate.release()
        if wait is None or retries_left <= 0:
            raise error
        retries_left -= 1
        client._log_retry(prep, error, wait, attempt)
        await client._sleep(wait)


def raw_stream_response(
    client: SyncAPIClient | AsyncAPIClient, response: httpx.Response | None, value: T
) -> RawResponse[T]:
    """What ``with_raw_response`` gives for a streamed call: status and headers now (the body is not
    read into ``content``), and ``parse()`` returning the stream itself."""
    assert response is not None
    return RawResponse(
        status_code=response.status_code,
        headers=response.headers,
        content=b"",
        elapsed_ms=response.elapsed.total_seconds() * 1000.0 if _has_elapsed(response) else 0.0,
        from_cache=False,
        rate_limit=parse_rate_limit(response.headers, client._clock()),
        parse=lambda: value,
    )


def _has_elapsed(response: httpx.Response) -> bool:
    try:
        response.elapsed  # noqa: B018 - only set once the body was read or closed
    except RuntimeError:
        return False
    return True


def with_headers(prep: Prepared, set_headers: dict[str, str], drop: tuple[str, ...] = ()) -> Prepared:
    """A copy of a prepared request with some headers replaced (names compared case-blind)."""
    new = copy.copy(prep)
    lower = {name.lower() for name in set_headers} | {name.lower() for name in drop}
    headers = {k: v for k, v in prep.headers.items() if k.lower() not in lower}
    headers.update(set_headers)
    new.headers = headers
    return new


def content_disposition_filename(value: str | None) -> str | None:
    """The file name a Content-Disposition header suggests (RFC 6266 / 5987), reduced to a bare name."""
    if not value:
        return None
    import email.message

    msg = email.message.Message()
    msg["content-disposition"] = value
    name = msg.get_filename()
    if not name:
        return None
    # A name only, never a path: the server must not choose where a file lands.
    name = os.path.basename(name.replace("\\", "/")).strip()
    return name if name not in ("", ".", "..") else None


def _is_identity(headers: httpx.Headers) -> bool:
    return headers.get("content-encoding", "identity").strip().lower() in ("", "identity")


class _Download:
    """What the sync and async downloads share: headers, position bookkeeping, resume validation."""

    def __init__(self, prep: Prepared, response: httpx.Response) -> None:
        self._prep = prep
        self._response = response
        self.status_code: int = response.status_code
        self.headers: httpx.Headers = response.headers
        self._consumed = False
        self._closed = False
        headers = response.headers
        self._etag: str | None = headers.get("etag")
        self._last_modified: str | None = headers.get("last-modified")
        # Where the first answer starts in the whole file, where it ends, and the file's total size.
        self._start = 0
        self._end: int | None = None
        self._total: int | None = None
        content_range = _CONTENT_RANGE.match(headers.get("content-range", ""))
        if response.status_code == 206 and content_range:
            self._start, self._end = int(content_range[1]), int(content_range[2])
            self._total = None if content_range[3] == "*" else int(content_range[3])
        else:
            length = headers.get("content-length")
            if length is not None and length.isdigit():
                self._total = int(length)
                self._end = self._total - 1
        self._received = 0
        # We ask for identity; a server that encodes anyway gets decoded, and offsets no longer line up.
        self._identity = _is_identity(headers)
        self._resumable = (
            prep.method == "GET"
            and self._identity
            and headers.get("accept-ranges", "").strip().lower() != "none"
        )

    # -- what the caller reads ------------------------------------------------------------------------

    @property
    def content_type(self) -> str | None:
        """The `Content-Type` header."""
        value: str | None = self.headers.get("content-type")
        return value

    @property
    def filename(self) -> str | None:
        """The name from Content-Disposition (a bare name, never a path), if the server sent one."""
        return content_disposition_filename(self.headers.get("content-disposition"))

    @property
    def request_id(self) -> str | None:
        """The `X-Request-Id` header."""
        value: str | None = self.headers.get("x-request-id")
        return value

    @property
    def etag(self) -> str | None:
        """The file's `ETag` (what a resumed request checks with `If-Range`)."""
        return self._etag

    @property
    def content_length(self) -> int | None:
        """Bytes this download delivers in all (None when the server did not say)."""
        if self._end is None:
            return None
        return self._end - self._start + 1

    @property
    def bytes_received(self) -> int:
        """Bytes of the body delivered so far."""
        return self._received

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} [{self.status_code}] {self.content_type} "
            f"length={self.content_length} request_id={self.request_id}>"
        )

    # -- resuming -------------------------------------------------------------------------------------

    def _begin(self) -> None:
        if self._consumed or self._closed:
            raise StreamConsumedError("this download's body was already read or the response is closed")
        self._consumed = True

    def _resume_prep(self) -> Prepared:
        offset = self._start + self._received
        end = "" if self._end is None else str(self._end)
        extra = {"Range": f"bytes={offset}-{end}"}
        if self._etag and not self._etag.startswith("W/"):
            extra["If-Range"] = self._etag  # only a strong validator may guard a range (RFC 9110 13.1.5)
        elif self._last_modified:
            extra["If-Range"] = self._last_modified
        return with_headers(self._prep, extra, drop=("if-none-match",))

    def _check_resumed(self, response: httpx.Response) -> None:
        """Accept the resumed answer only if it continues exactly where the bytes stopped."""
        offset = self._start + self._received
        problem = None
        content_range = _CONTENT_RANGE.match(response.headers.get("content-range", ""))
        etag = response.headers.get("etag")
        if response.status_code != 206:
            problem = f"the server answered {response.status_code} instead of 206 Partial Content"
        elif not content_range:
            problem = "the 206 answer has no valid Content-Range"
        elif int(content_range[1]) != offset:
            problem = f"the 206 answer starts at byte {content_range[1]}, not {offset}"
        elif self._total is not None and content_range[3] != str(self._total):
            problem = f"the file's size changed ({self._total} -> {content_range[3]})"
        elif self._etag and etag and etag != self._etag:
            problem = "the file changed (another ETag)"
        elif not _is_identity(response.headers):
            problem = "the 206 answer is content-encoded"
        if problem is not None:
            raise APIConnectionError(
                f"download of {self._prep.path} broke after {self._received} bytes and could not be "
                f"resumed: {problem}",
                method=self._prep.method,
                url=self._prep.url,
            )

    def _broken(self, exc: Exception, failures: int) -> APIConnectionError | None:
        """The error to raise for a body that broke, or None to resume."""
        if self._resumable and failures <= self._prep.max_retries:
            logger.info(
                "download of %s broke after %d bytes (%s); resuming with Range",
                self._prep.path,
                self._received,
                type(exc).__name__,
            )
            return None
        why = "" if self._resumable else " (the response cannot be resumed)"
        return APIConnectionError(
            f"download of {self._prep.path} broke after {self._received} bytes: {type(exc).__name__}{why}",
            method=self._prep.method,
            url=self._prep.url,
        )


class BinaryResponse(_Download):
    """A binary download: stream it with `iter_bytes`, or `read()` / `write_to_file(path)`. Use it as a
    context manager (or call `close()`) so an unread body frees its connection."""

    def __init__(self, client: SyncAPIClient, prep: Prepared, response: httpx.Response) -> None:
        super().__init__(prep, response)
        self._client = client

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body chunk by chunk as it arrives (resumed transparently after a break)."""
        self._begin()
        failures = 0
        try:
            while True:
                progressed = False
                try:
                    response = self._response
                    read = response.iter_raw if self._identity else response.iter_bytes
                    for chunk in read(chunk_size):
                        if chunk:
                            self._received += len(chunk)
                            progressed = True
                            yield chunk
                    return
                except BROKEN_BODY as exc:
                    self._response.close()
                    failures = 1 if progressed else failures + 1
                    error = self._broken(exc, failures)
                # Raised out here: no httpx exception (holding the request) hangs off ours as __context__.
                if error is not None:
                    raise error
                self._client._sleep(backoff_delay(failures - 1, self._client._random))
                self._response = open_stream(self._client, self._resume_prep())
                self._check_resumed_or_close()
        finally:
            self.close()

    def _check_resumed_or_close(self) -> None:
        try:
            self._check_resumed(self._response)
        except APIConnectionError:
            self._response.close()
            raise

    def read(self) -> bytes:
        """The whole body in memory (prefer `iter_bytes` or `write_to_file` for large files)."""
        return b"".join(self.iter_bytes())

    def write_to_file(self, path: str | os.PathLike[str]) -> int:
        """Stream the body into a file (created or truncated); returns the number of bytes written."""
        written = 0
        with open(path, "wb") as f:
            for chunk in self.iter_bytes():
                f.write(chunk)
                written += len(chunk)
        return written

    def close(self) -> None:
        """Release the connection without reading the rest of the body (the `with` block does it for you)."""
        self._closed = True
        self._response.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncBinaryResponse(_Download):
    """The async `BinaryResponse`: `aiter_bytes`/`iter_bytes` (async iterators), `await read()`,
    `await write_to_file(path)`, ``async with``."""

    def __init__(self, client: AsyncAPIClient, prep: Prepared, response: httpx.Response) -> None:
        super().__init__(prep, response)
        self._client = client

    async def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """The body chunk by chunk as it arrives (resumed transparently after a break)."""
        self._begin()
        failures = 0
        try:
            while True:
                progressed = False
                try:
                    response = self._response
                    aread = response.aiter_raw if self._identity else response.aiter_bytes
                    async for chunk in aread(chunk_size):
                        if chunk:
                            self._received += len(chunk)
                            progressed = True
                            yield chunk
                    return
                except BROKEN_BODY as exc:
                    await self._response.aclose()
                    failures = 1 if progressed else failures + 1
                    error = self._broken(exc, failures)
                if error is not None:
                    raise error
                await self._client._sleep(backoff_delay(failures - 1, self._client._random))
                self._response = await aopen_stream(self._client, self._resume_prep())
                try:
                    self._check_resumed(self._response)
                except APIConnectionError:
                    await self._response.aclose()
                    raise
        finally:
            await self.close()

    aiter_bytes = iter_bytes

    async def read(self) -> bytes:
        """The whole body in memory (prefer `iter_bytes` or `write_to_file` for large files)."""
        return b"".join([chunk async for chunk in self.iter_bytes()])

    async def write_to_file(self, path: str | os.PathLike[str]) -> int:
        """Stream the body into a file (created or truncated); returns the number of bytes written."""
        # Local-disk writes of one chunk are short; a thread hop per chunk would cost more than it saves.
        written = 0
        with open(path, "wb") as f:
            async for chunk in self.iter_bytes():
                f.write(chunk)
                written += len(chunk)
        return written

    async def close(self) -> None:
        """Release the connection without reading the rest of the body (the `async with` block does it for you)."""
        self._closed = True
        await self._response.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
