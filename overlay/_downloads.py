"""Binary downloads that resume, and never report wrong bytes as success.

`BinaryResponse` / `AsyncBinaryResponse` never hold the whole body. When the connection breaks mid-body
they ask for the rest with ``Range: bytes=N-`` (``If-Range`` with the strong ETag or Last-Modified, when
the first answer had one) and accept the answer only if it is a 206 whose ``Content-Range`` starts at N
(same total, same ETag). Every answer's bytes are counted against what its framing declares
(``Content-Length``, or the span of its ``Content-Range``): an answer that ends short is resumed like a
break; one that carries more than it declared is an error after exactly the declared bytes. So the bytes
come out identical, or the download fails loudly.

`write_to_file` writes to a temporary file beside the target and renames it over the target only when
every byte arrived: on any failure the target is untouched and no partial file remains.
"""

from __future__ import annotations

import contextlib
import copy
import os
import re
import tempfile
import unicodedata
from collections.abc import AsyncIterator, Generator, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from ._errors import APIConnectionError, SendmuxError
from ._headers import Headers
from ._logging import logger
from ._rate_limit import parse_rate_limit
from ._raw_response import RAW_RESPONSE, RawResponse
from ._wire_errors import TransportFailure
from ._wire_response import AsyncStreamed, BodyReader, Streamed

if TYPE_CHECKING:
    from typing import Self

    from ._prepare import Prepared
    from ._sender import AsyncSender, SyncSender

__all__ = [
    "BinaryResponse",
    "AsyncBinaryResponse",
    "StreamConsumedError",
    "content_disposition_filename",
    "raw_stream_response",
    "with_headers",
]

T = TypeVar("T")

_CONTENT_RANGE = re.compile(r"\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$", re.IGNORECASE)
_CHARSET = re.compile(r"""charset\s*=\s*["']?([^"';\s]+)""", re.IGNORECASE)


class StreamConsumedError(SendmuxError):
    """The body of a streamed response was already read (or the response closed); it streams once."""


def raw_stream_response(response: Streamed | AsyncStreamed | None, value: T, now: float) -> RawResponse[T]:
    """What ``with_raw_response`` gives for a streamed call: status and headers now (the body is not
    read into ``content``), and ``parse()`` returning the stream itself."""
    assert response is not None
    return RawResponse(
        status_code=response.status_code,
        headers=response.headers,
        content=b"",
        elapsed_ms=0.0,
        from_cache=False,
        rate_limit=parse_rate_limit(response.headers, now),
        parse=lambda: value,
    )


def with_headers(prep: Prepared, set_headers: dict[str, str], drop: tuple[str, ...] = ()) -> Prepared:
    """A copy of a prepared request with some headers replaced (names compared case-blind)."""
    new = copy.copy(prep)
    lower = {name.lower() for name in set_headers} | {name.lower() for name in drop}
    headers = {k: v for k, v in prep.headers.items() if k.lower() not in lower}
    headers.update(set_headers)
    new.headers = headers
    return new


def content_disposition_filename(value: str | None) -> str | None:
    """The file name a Content-Disposition header suggests (RFC 6266 / 5987), reduced to a bare,
    printable name: never a path, never a control character."""
    if not value:
        return None
    import email.message

    msg = email.message.Message()
    msg["content-disposition"] = value
    name = msg.get_filename()
    if not name:
        return None
    # A name only, never a path: the server must not choose where a file lands.
    name = os.path.basename(name.replace("\\", "/"))
    # No NUL, line breaks or other control characters (they break paths, logs and terminals).
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name if name.strip(".") else None


def _is_identity(headers: Headers) -> bool:
    return headers.get("content-encoding", "identity").strip().lower() in ("", "identity")


def _declared_length(headers: Headers) -> int | None:
    length = headers.get("content-length")
    return int(length) if length is not None and length.strip().isdigit() else None


def _rechunk(chunks: Iterator[bytes], size: int) -> Iterator[bytes]:
    pending = b""
    for chunk in chunks:
        pending += chunk
        while len(pending) >= size:
            yield pending[:size]
            pending = pending[size:]
    if pending:
        yield pending


class _Download:
    """What the sync and async downloads share: headers, position bookkeeping, framing and resume checks."""

    def __init__(self, prep: Prepared, response: Streamed | AsyncStreamed) -> None:
        self._prep = prep
        self._response = response
        self.status_code: int = response.status_code
        self.headers: Headers = response.headers
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
            length = _declared_length(headers)
            if length is not None:
                self._total = length
                self._end = length - 1
        self._received = 0
        # We ask for identity; a server that encodes anyway gets decoded, and offsets no longer line up.
        self._identity = response.encoding is None or _is_identity(headers)
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
        """The name from Content-Disposition (a bare, printable name, never a path), if the server sent one."""
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

    @property
    def charset(self) -> str:
        """The text encoding the Content-Type names, else UTF-8 (what `text()` decodes with)."""
        match = _CHARSET.search(self.headers.get("content-type", ""))
        return match[1] if match else "utf-8"

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} [{self.status_code}] {self.content_type} "
            f"length={self.content_length} request_id={self.request_id}>"
        )

    # -- framing --------------------------------------------------------------------------------------

    def _begin(self) -> None:
        if self._consumed or self._closed:
            raise StreamConsumedError("this download's body was already read or the response is closed")
        self._consumed = True

    def _expected_here(self, response: Streamed | AsyncStreamed) -> int | None:
        """Bytes the current answer declares it carries (None: unknown, e.g. chunked without a range)."""
        if not self._identity:
            return None
        declared = _declared_length(response.headers)
        if response.status_code == 206 and self._end is not None:
            span = self._end - (self._start + self._received_at_open) + 1
            if declared is not None and declared != span:
                raise self._error(
                    f"the 206 answer's Content-Length ({declared}) does not match its Content-Range ({span} bytes)"
                )
            return span
        return declared

    def _error(self, problem: str) -> APIConnectionError:
        return APIConnectionError(
            f"download of {self._prep.path} failed after {self._received} bytes: {problem}",
            method=self._prep.method,
            url=self._prep.url,
        )

    def _overflow(self) -> APIConnectionError:
        return self._error(
            "the server sent more bytes than the answer declared (Content-Length / Content-Range)"
        )

    def _short(self, expected: int | None, got: int) -> TransportFailure | None:
        """A break, when a cleanly ended answer carried fewer bytes than it declared."""
        if expected is not None and got < expected:
            return TransportFailure(
                "RemoteProtocolError", f"the answer ended after {got} of {expected} bytes"
            )
        return None

    # -- resuming -------------------------------------------------------------------------------------

    def _resume_prep(self) -> Prepared:
        offset = self._start + self._received
        end = "" if self._end is None else str(self._end)
        extra = {"Range": f"bytes={offset}-{end}"}
        if self._etag and not self._etag.startswith("W/"):
            extra["If-Range"] = self._etag  # only a strong validator may guard a range (RFC 9110 13.1.5)
        elif self._last_modified:
            extra["If-Range"] = self._last_modified
        return with_headers(self._prep, extra, drop=("if-none-match",))

    def _check_resumed(self, response: Streamed | AsyncStreamed) -> None:
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
        elif self._end is not None and int(content_range[2]) != self._end:
            problem = f"the 206 answer ends at byte {content_range[2]}, not {self._end}"
        elif self._total is not None and content_range[3] != str(self._total):
            problem = f"the file's size changed ({self._total} -> {content_range[3]})"
        elif self._etag and etag and etag != self._etag:
            problem = "the file changed (another ETag)"
        elif not _is_identity(response.headers):
            problem = "the 206 answer is content-encoded"
        if problem is not None:
            raise self._error(f"could not resume: {problem}")

    def _broken(self, exc: TransportFailure, failures: int) -> APIConnectionError | None:
        """The error to raise for a body that broke, or None to resume."""
        if self._resumable and failures <= self._prep.max_retries:
            logger.info(
                "download of %s broke after %d bytes (%s); resuming with Range",
                self._prep.path,
                self._received,
                exc.kind,
            )
            return None
        why = "" if self._resumable else " (the response cannot be resumed)"
        expected = self.content_length
        of = f" of {expected}" if expected is not None else ""
        return APIConnectionError(
            f"download of {self._prep.path} broke after {self._received}{of} bytes: {exc.kind}{why}",
            method=self._prep.method,
            url=self._prep.url,
        )

    _received_at_open = 0


def _temp_beside(path: str | os.PathLike[str]) -> tuple[int, str, str]:
    target = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(target))
    fd, temp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".part", dir=folder)
    return fd, temp, target


def _install(temp: str, target: str) -> None:
    """Give the finished temporary file the mode a fresh file would get (or the target's), then swap it in."""
    try:
        mode = os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(temp, mode)
    os.replace(temp, target)


def _discard(temp: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temp)


class BinaryResponse(_Download):
    """A binary download: stream it with `iter_bytes`, or `read()` / `text()` / `write_to_file(path)`. Use
    it as a context manager (or call `close()`) so an unread body frees its connection."""

    def __init__(self, sender: SyncSender, prep: Prepared, response: Streamed) -> None:
        super().__init__(prep, response)
        self._sender = sender
        self._response: Streamed = response

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body chunk by chunk as it arrives (resumed transparently after a break)."""
        chunks = self._chunks()
        return chunks if chunk_size is None else _rechunk(chunks, chunk_size)

    def _chunks(self) -> Generator[bytes, None, None]:
        self._begin()
        failures = 0
        try:
            while True:
                progressed = False
                response = self._response
                try:
                    expected = self._expected_here(response)
                    got = 0
                    reader = None if self._identity else BodyReader(response.encoding, None)
                    for raw in response.iter_raw():
                        pieces = [raw] if reader is None else reader.feed(raw)
                        for piece in pieces:
                            over = expected is not None and got + len(piece) > expected
                            chunk = piece[: expected - got] if over else piece  # type: ignore[operator]
                            if chunk:
                                got += len(chunk)
                                self._received += len(chunk)
                                progressed = True
                                yield chunk
                            if over:
                                raise self._overflow()
                    if reader is not None:
                        tail = reader.flush()
                        if tail:
                            self._received += len(tail)
                            yield tail
                    short = self._short(expected, got)
                    if short is None:
                        return
                    raise short
                except TransportFailure as exc:
                    response.close()
                    if not exc.broken_body:
                        error: APIConnectionError | None = self._error(str(exc))
                    else:
                        failures = 1 if progressed else failures + 1
                        error = self._broken(exc, failures)
                # Raised out here: no exception of the stack hangs off ours as __context__.
                if error is not None:
                    raise error
                self._sender.sleep(self._sender.backoff(self._prep.policy, failures))
                self._received_at_open = self._received
                self._response = self._sender.open(self._resume_prep())
                try:
                    self._check_resumed(self._response)
                except APIConnectionError:
                    self._response.close()
                    raise
        finally:
            self.close()

    def read(self) -> bytes:
        """The whole body in memory (prefer `iter_bytes` or `write_to_file` for large files)."""
        return b"".join(self.iter_bytes())

    def text(self, encoding: str | None = None) -> str:
        """The whole body decoded: with ``encoding``, else the Content-Type's charset, else UTF-8."""
        return self.read().decode(encoding or self.charset)

    def write_to_file(self, path: str | os.PathLike[str]) -> int:
        """Stream the body into ``path`` atomically; returns the number of bytes written.

        The bytes go to a temporary file in the same folder, renamed over ``path`` only once complete: if
        anything fails, ``path`` keeps what it had (or stays absent) and no partial file is left.
        """
        fd, temp, target = _temp_beside(path)
        try:
            written = 0
            with os.fdopen(fd, "wb") as f:
                for chunk in self.iter_bytes():
                    f.write(chunk)
                    written += len(chunk)
            _install(temp, target)
        except BaseException:
            _discard(temp)
            raise
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
    """The async `BinaryResponse`: nothing is sent until ``async with`` or ``await`` (either connects);
    then `iter_bytes` (an async iterator), ``await read()``, ``await text()``, ``await write_to_file(path)``."""

    def __init__(self, sender: AsyncSender, prep: Prepared) -> None:
        self._sender = sender
        self._pending_prep = prep
        self._opened = False

    async def connect(self) -> Self:
        """Send the request now (errors such as 404 surface here); reading later streams its body."""
        if not self._opened:
            response = await self._sender.open(self._pending_prep)
            super().__init__(self._pending_prep, response)
            self._response: AsyncStreamed = response
            self._opened = True
        return self

    def __await__(self) -> Generator[Any, None, Self]:
        """Connect now; under ``with_raw_response``, a `RawResponse` whose ``parse()`` is this download."""
        return self._await().__await__()

    async def _await(self) -> Any:
        await self.connect()
        if RAW_RESPONSE.get():
            return raw_stream_response(self._response, self, self._sender.clock())
        return self

    async def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """The body chunk by chunk as it arrives (resumed transparently after a break)."""
        await self.connect()
        if chunk_size is None:
            async for chunk in self._chunks():
                yield chunk
            return
        pending = b""
        async for chunk in self._chunks():
            pending += chunk
            while len(pending) >= chunk_size:
                yield pending[:chunk_size]
                pending = pending[chunk_size:]
        if pending:
            yield pending

    aiter_bytes = iter_bytes

    async def _chunks(self) -> AsyncIterator[bytes]:
        self._begin()
        failures = 0
        try:
            while True:
                progressed = False
                response = self._response
                try:
                    expected = self._expected_here(response)
                    got = 0
                    reader = None if self._identity else BodyReader(response.encoding, None)
                    async for raw in response.aiter_raw():
                        pieces = [raw] if reader is None else reader.feed(raw)
                        for piece in pieces:
                            over = expected is not None and got + len(piece) > expected
                            chunk = piece[: expected - got] if over else piece  # type: ignore[operator]
                            if chunk:
                                got += len(chunk)
                                self._received += len(chunk)
                                progressed = True
                                yield chunk
                            if over:
                                raise self._overflow()
                    if reader is not None:
                        tail = reader.flush()
                        if tail:
                            self._received += len(tail)
                            yield tail
                    short = self._short(expected, got)
                    if short is None:
                        return
                    raise short
                except TransportFailure as exc:
                    await response.aclose()
                    if not exc.broken_body:
                        error: APIConnectionError | None = self._error(str(exc))
                    else:
                        failures = 1 if progressed else failures + 1
                        error = self._broken(exc, failures)
                if error is not None:
                    raise error
                await self._sender.sleep(self._sender.backoff(self._prep.policy, failures))
                self._received_at_open = self._received
                self._response = await self._sender.open(self._resume_prep())
                try:
                    self._check_resumed(self._response)
                except APIConnectionError:
                    await self._response.aclose()
                    raise
        finally:
            await self.close()

    async def read(self) -> bytes:
        """The whole body in memory (prefer `iter_bytes` or `write_to_file` for large files)."""
        return b"".join([chunk async for chunk in self.iter_bytes()])

    async def text(self, encoding: str | None = None) -> str:
        """The whole body decoded: with ``encoding``, else the Content-Type's charset, else UTF-8."""
        return (await self.read()).decode(encoding or self.charset)

    async def write_to_file(self, path: str | os.PathLike[str]) -> int:
        """As `BinaryResponse.write_to_file`: atomic, the target untouched on any failure."""
        fd, temp, target = _temp_beside(path)
        try:
            written = 0
            # Local-disk writes of one chunk are short; a thread hop per chunk would cost more than it saves.
            with os.fdopen(fd, "wb") as f:
                async for chunk in self.iter_bytes():
                    f.write(chunk)
                    written += len(chunk)
            _install(temp, target)
        except BaseException:
            _discard(temp)
            raise
        return written

    async def close(self) -> None:
        """Release the connection without reading the rest of the body (``async with`` does it for you)."""
        self._closed = True
        if self._opened:
            await self._response.aclose()

    async def __aenter__(self) -> Self:
        return await self.connect()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def __repr__(self) -> str:
        if not self._opened:
            return f"<{type(self).__name__} (not connected yet)>"
        return super().__repr__()
