"""What the wire hands back: a response read whole (`Buffered`), or one still streaming (`Streamed`,
`AsyncStreamed`), the same shape on every stack and path; and the bounded reading and decoding of bodies.

A buffered body is read within the attempt's deadline and decoded (gzip, deflate) in bounded steps: a
small compressed body that would inflate past ``max_response_bytes`` stops at the limit with
`ResponseTooLargeError` instead of filling memory.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

from ._deadline import expired
from ._errors import ResponseTooLargeError
from ._headers import Headers
from ._wire_errors import TransportFailure, translate

__all__ = ["Buffered", "Streamed", "AsyncStreamed", "BodyReader", "DEFAULT_MAX_RESPONSE_BYTES"]

DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
"""The largest decoded body a JSON call reads into memory (64 MiB); streamed downloads have no limit."""

_INFLATE_STEP = 256 * 1024


class BodyReader:
    """Decodes one body's raw chunks (identity, gzip or deflate) and counts the decoded bytes against a limit."""

    __slots__ = ("_inflater", "_limit", "received")

    def __init__(self, content_encoding: str | None, limit: int | None) -> None:
        self._inflater: Any = None
        encoding = (content_encoding or "").strip().lower()
        if encoding == "gzip" or encoding == "x-gzip":
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS)  # zlib-wrapped, as RFC 9110 says
        # identity, or an encoding we never asked for: the bytes as they came
        self._limit = limit
        self.received = 0
        """Decoded bytes so far."""

    def _count(self, size: int) -> None:
        self.received += size
        if self._limit is not None and self.received > self._limit:
            raise ResponseTooLargeError(limit=self._limit)

    def feed(self, raw: bytes) -> list[bytes]:
        """The decoded bytes of one raw chunk (several pieces when it inflates a lot)."""
        inflater = self._inflater
        if inflater is None:
            self._count(len(raw))
            return [raw]
        out = []
        data = raw
        try:
            while data:
                piece = inflater.decompress(data, _INFLATE_STEP)
                self._count(len(piece))
                out.append(piece)
                data = inflater.unconsumed_tail
        except zlib.error as exc:
            raise TransportFailure("DecodingError", f"cannot decode the compressed body: {exc}") from None
        return out

    def flush(self) -> bytes:
        if self._inflater is None:
            return b""
        try:
            tail: bytes = self._inflater.flush()
        except zlib.error as exc:
            raise TransportFailure("DecodingError", f"cannot decode the compressed body: {exc}") from None
        self._count(len(tail))
        return tail


def read_buffered(
    chunks: Iterator[bytes], content_encoding: str | None, limit: int | None, deadline: float | None
) -> bytes:
    """The whole decoded body; `ResponseTooLargeError` past ``limit``; a ReadTimeout once ``deadline`` passes
    between two chunks (on paths whose network layer does not clamp reads to it)."""
    reader = BodyReader(content_encoding, limit)
    parts: list[bytes] = []
    for chunk in chunks:
        if chunk:
            parts.extend(reader.feed(chunk))
        if expired(deadline):
            raise TransportFailure(
                "ReadTimeout", "the attempt's time limit (timeout=) was reached while reading the body"
            )
    parts.append(reader.flush())
    return b"".join(parts)


async def aread_buffered(
    chunks: AsyncIterator[bytes], content_encoding: str | None, limit: int | None, deadline: float | None
) -> bytes:
    reader = BodyReader(content_encoding, limit)
    parts: list[bytes] = []
    async for chunk in chunks:
        if chunk:
            parts.extend(reader.feed(chunk))
        if expired(deadline):
            raise TransportFailure(
                "ReadTimeout", "the attempt's time limit (timeout=) was reached while reading the body"
            )
    parts.append(reader.flush())
    return b"".join(parts)


class Buffered:
    """A response read whole: status, headers, the decoded body."""

    __slots__ = ("status_code", "headers", "content", "reason_phrase")

    def __init__(self, status_code: int, headers: Headers, content: bytes, reason_phrase: str) -> None:
        self.status_code: int = status_code
        self.headers: Headers = headers
        self.content: bytes = content
        self.reason_phrase: str = reason_phrase


def _translated(chunks: Iterator[bytes]) -> Iterator[bytes]:
    try:
        yield from chunks
    except Exception as exc:  # a stack's exception mid-body: ours, with no request attached
        failure = translate(exc)
        if failure is None:
            raise
    else:
        return
    raise failure from None


async def _atranslated(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    try:
        async for chunk in chunks:
            yield chunk
    except Exception as exc:
        failure = translate(exc)
        if failure is None:
            raise
    else:
        return
    raise failure from None


class Streamed:
    """A response whose body is still on the wire: read it with `iter_raw` once, then `close()`."""

    __slots__ = ("status_code", "headers", "reason_phrase", "encoding", "_chunks", "_close", "_closed")

    def __init__(
        self,
        status_code: int,
        headers: Headers,
        reason_phrase: str,
        chunks: Iterator[bytes],
        close: Callable[[], None],
        decoded: bool = False,
    ) -> None:
        self.status_code: int = status_code
        self.headers: Headers = headers
        self.reason_phrase: str = reason_phrase
        self.encoding: str | None = None if decoded else headers.get("content-encoding")
        """The content coding the chunks still carry (None: identity, or already decoded)."""
        self._chunks = chunks
        self._close = close
        self._closed = False

    def iter_raw(self) -> Iterator[bytes]:
        """The body's bytes as they arrive (still content-encoded); stack errors become `TransportFailure`."""
        return _translated(self._chunks)

    def read(self, limit: int | None) -> Buffered:
        """Read the rest whole (an error body), decoded and bounded, and close."""
        try:
            content = read_buffered(self.iter_raw(), self.encoding, limit, None)
        finally:
            self.close()
        return Buffered(self.status_code, self.headers, content, self.reason_phrase)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            try:
                self._close()
            except Exception as exc:  # closing a broken connection may fail: it is gone either way
                if translate(exc) is None:
                    raise


class AsyncStreamed:
    """The async counterpart of `Streamed`."""

    __slots__ = ("status_code", "headers", "reason_phrase", "encoding", "_chunks", "_close", "_closed")

    def __init__(
        self,
        status_code: int,
        headers: Headers,
        reason_phrase: str,
        chunks: AsyncIterator[bytes],
        close: Callable[[], Awaitable[None]],
        decoded: bool = False,
    ) -> None:
        self.status_code: int = status_code
        self.headers: Headers = headers
        self.reason_phrase: str = reason_phrase
        self.encoding: str | None = None if decoded else headers.get("content-encoding")
        self._chunks = chunks
        self._close = close
        self._closed = False

    def aiter_raw(self) -> AsyncIterator[bytes]:
        return _atranslated(self._chunks)

    async def aread(self, limit: int | None) -> Buffered:
        try:
            content = await aread_buffered(self.aiter_raw(), self.encoding, limit, None)
        finally:
            await self.aclose()
        return Buffered(self.status_code, self.headers, content, self.reason_phrase)

    async def aclose(self) -> None:
        if not self._closed:
            self._closed = True
            try:
                await self._close()
            except Exception as exc:
                if translate(exc) is None:
                    raise
