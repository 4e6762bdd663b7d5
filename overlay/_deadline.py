"""One attempt's end-to-end time limit.

httpx's timeouts limit each phase and each single read, so a server that trickles a body (40 bytes every
0.5 s) never trips a read timeout and holds a call for as long as it likes. Here an attempt gets a
deadline (`attempt_deadline`), and:

- on our own pool, the network backend the pool was built with (`DeadlineBackend`, handed to the public
  ``ConnectionPool(network_backend=...)``) clamps every connect, read and write to the time left, so the
  attempt ends at its deadline with the matching timeout error, whatever the server does;
- on other paths (an injected ``http_client``, the instrumented transport) the body is read in chunks and
  the deadline is checked after each one, so the overrun is at most one read timeout.

A streamed response (a download, an event stream) is bounded this way until its headers arrive; its body
then reads under the per-read timeout alone (the deadline lives in a context variable set only while the
request is being sent).
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterable
from contextvars import ContextVar
from types import ModuleType
from typing import Any

from ._framing import ResponseFraming
from ._options import attempt_budget
from ._types import TimeoutTypes

__all__ = ["attempt_deadline", "DEADLINE", "DeadlineBackend", "AsyncDeadlineBackend", "expired"]

# The deadline (time.monotonic()) of the attempt running in this thread or task; None: unbounded.
DEADLINE: ContextVar[float | None] = ContextVar("sendmux_attempt_deadline", default=None)


def attempt_deadline(timeout: TimeoutTypes, end: float | None = None) -> float | None:
    """When this attempt must be over: its timeout from now, or the call's `end` if that comes first."""
    budget = attempt_budget(timeout)
    deadline = None if budget is None else time.monotonic() + budget
    if end is not None and (deadline is None or end < deadline):
        return end
    return deadline


def expired(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() > deadline


def _left(timeout: float | None, error: type[Exception]) -> float | None:
    deadline = DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the attempt's time limit (timeout=) was reached")
    return left if timeout is None or left < timeout else timeout


# The wrappers below implement httpcore's public NetworkBackend / NetworkStream interfaces by delegation
# (duck-typed, so one class serves httpcore and httpcore2); `core` is the stack's httpcore module, whose
# timeout classes they raise, as the real backend would.


class _Guarded:
    """A connection's response framing (`_framing.py`): bytes past a response's end are held back, and
    the connection then reads as readable, so httpcore's pool never reuses it."""

    __slots__ = ("_framing", "_held")

    def __init__(self) -> None:
        self._framing = ResponseFraming()
        self._held = False

    def _guard(self, data: bytes) -> bytes:
        if self._held:
            return b""  # never hand over bytes from past a response's end
        used = self._framing.take(data)
        if used < len(data):
            self._held = True
            return data[:used]
        return data

    def _sent(self, buffer: bytes) -> None:
        self._framing.request(buffer)

    def _readable(self, info: str) -> bool:
        return info == "is_readable" and self._held


class _Stream(_Guarded):
    __slots__ = ("_stream", "_core")

    def __init__(self, stream: Any, core: ModuleType) -> None:
        super().__init__()
        self._stream = stream
        self._core = core

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data: bytes = self._stream.read(max_bytes, _left(timeout, self._core.ReadTimeout))
        return self._guard(data)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._sent(buffer)
        self._stream.write(buffer, _left(timeout, self._core.WriteTimeout))

    def close(self) -> None:
        # Shut the socket down first: a read blocked in another thread (an event stream on a silent
        # server) wakes at once, where a bare close() would leave it blocked until data or a timeout.
        sock = self._stream.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self._stream.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> Any:
        timeout = _left(timeout, self._core.ConnectTimeout)
        return _Stream(self._stream.start_tls(ssl_context, server_hostname, timeout), self._core)

    def get_extra_info(self, info: str) -> Any:
        return True if self._readable(info) else self._stream.get_extra_info(info)


class DeadlineBackend:
    """A sync network backend that clamps each I/O step to the current attempt's deadline."""

    __slots__ = ("_backend", "_core")

    def __init__(self, core: ModuleType) -> None:
        self._backend = core.SyncBackend()
        self._core = core

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> _Stream:
        timeout = _left(timeout, self._core.ConnectTimeout)
        return _Stream(
            self._backend.connect_tcp(host, port, timeout, local_address, socket_options), self._core
        )

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> _Stream:
        timeout = _left(timeout, self._core.ConnectTimeout)
        return _Stream(self._backend.connect_unix_socket(path, timeout, socket_options), self._core)

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _AsyncStream(_Guarded):
    __slots__ = ("_stream", "_core")

    def __init__(self, stream: Any, core: ModuleType) -> None:
        super().__init__()
        self._stream = stream
        self._core = core

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data: bytes = await self._stream.read(max_bytes, _left(timeout, self._core.ReadTimeout))
        return self._guard(data)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._sent(buffer)
        await self._stream.write(buffer, _left(timeout, self._core.WriteTimeout))

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> Any:
        timeout = _left(timeout, self._core.ConnectTimeout)
        return _AsyncStream(await self._stream.start_tls(ssl_context, server_hostname, timeout), self._core)

    def get_extra_info(self, info: str) -> Any:
        return True if self._readable(info) else self._stream.get_extra_info(info)


class AsyncDeadlineBackend:
    """The async counterpart over anyio's backend (asyncio and trio alike)."""

    __slots__ = ("_backend", "_core")

    def __init__(self, core: ModuleType) -> None:
        self._backend = core.AnyIOBackend()
        self._core = core

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> _AsyncStream:
        timeout = _left(timeout, self._core.ConnectTimeout)
        stream = await self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        return _AsyncStream(stream, self._core)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> _AsyncStream:
        timeout = _left(timeout, self._core.ConnectTimeout)
        return _AsyncStream(
            await self._backend.connect_unix_socket(path, timeout, socket_options), self._core
        )

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)
