"""One attempt's end-to-end time limit.

httpx's timeouts limit each phase and each single read, so a server that trickles a body (40 bytes every
0.5 s) never trips a read timeout and holds a call for as long as it likes. Here an attempt gets a
deadline (`attempt_deadline`), and:

- on our own pool, the network backend clamps every connect, read and write to the time left, so the
  attempt ends at its deadline with the matching httpx timeout error, whatever the server does;
- on other paths (an injected `http_client`, the transport fallback) the body is read in chunks and the
  deadline is checked after each one, so the overrun is at most one read timeout.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import httpcore
import httpx

from ._options import attempt_budget
from ._types import TimeoutTypes

__all__ = [
    "attempt_deadline",
    "DEADLINE",
    "wrap_sync_backend",
    "wrap_async_backend",
    "read_within",
    "aread_within",
]

# The deadline (time.monotonic()) of the attempt running in this thread or task; None: unbounded.
DEADLINE: ContextVar[float | None] = ContextVar("sendmux_attempt_deadline", default=None)

if TYPE_CHECKING:  # httpcore's own alias, for the signatures only
    from httpcore._backends.base import SOCKET_OPTION

    _SocketOptions = Iterable[SOCKET_OPTION]


def attempt_deadline(timeout: TimeoutTypes, end: float | None = None) -> float | None:
    """When this attempt must be over: its timeout from now, or the call's `end` if that comes first."""
    budget = attempt_budget(timeout)
    deadline = None if budget is None else time.monotonic() + budget
    if end is not None and (deadline is None or end < deadline):
        return end
    return deadline


def _left(timeout: float | None, error: type[Exception]) -> float | None:
    deadline = DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the attempt's time limit (timeout=) was reached")
    return left if timeout is None or left < timeout else timeout


class _Stream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        stream = self._stream.start_tls(ssl_context, server_hostname, _left(timeout, httpcore.ConnectTimeout))
        return _Stream(stream)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: _SocketOptions | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _left(timeout, httpcore.ConnectTimeout)
        return _Stream(self._backend.connect_tcp(host, port, timeout, local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: _SocketOptions | None = None
    ) -> httpcore.NetworkStream:
        timeout = _left(timeout, httpcore.ConnectTimeout)
        return _Stream(self._backend.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _AsyncStream(httpcore.AsyncNetworkStream):
    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, _left(timeout, httpcore.WriteTimeout))

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        timeout = _left(timeout, httpcore.ConnectTimeout)
        return _AsyncStream(await self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _AsyncBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, backend: httpcore.AsyncNetworkBackend) -> None:
        self._backend = backend

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: _SocketOptions | None = None,
    ) -> httpcore.AsyncNetworkStream:
        timeout = _left(timeout, httpcore.ConnectTimeout)
        return _AsyncStream(
            await self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        )

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: _SocketOptions | None = None
    ) -> httpcore.AsyncNetworkStream:
        timeout = _left(timeout, httpcore.ConnectTimeout)
        return _AsyncStream(await self._backend.connect_unix_socket(path, timeout, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


def wrap_sync_backend(pool: httpcore.ConnectionPool) -> None:
    """Make `pool` honour DEADLINE (httpcore keeps its backend in `_network_backend`; if a future version
    does not, the pool stays as it is and the chunked check of `read_within` is what remains)."""
    backend = getattr(pool, "_network_backend", None)
    if isinstance(backend, httpcore.NetworkBackend) and not isinstance(backend, _Backend):
        pool._network_backend = _Backend(backend)


def wrap_async_backend(pool: httpcore.AsyncConnectionPool) -> None:
    backend = getattr(pool, "_network_backend", None)
    if isinstance(backend, httpcore.AsyncNetworkBackend) and not isinstance(backend, _AsyncBackend):
        pool._network_backend = _AsyncBackend(backend)


def _expired(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() > deadline


def read_within(chunks: Iterator[bytes], deadline: float | None) -> bytes:
    """The whole body, or httpx.ReadTimeout once the deadline passes between two chunks."""
    parts = []
    for chunk in chunks:
        parts.append(chunk)
        if _expired(deadline):
            raise httpx.ReadTimeout("the attempt's time limit (timeout=) was reached while reading the body")
    return b"".join(parts)


async def aread_within(chunks: AsyncIterator[bytes], deadline: float | None) -> bytes:
    parts = []
    async for chunk in chunks:
        parts.append(chunk)
        if _expired(deadline):
            raise httpx.ReadTimeout("the attempt's time limit (timeout=) was reached while reading the body")
    return b"".join(parts)
