"""The lean send path: our own pool's requests go straight to httpcore.

httpx's `Client.send` and `HTTPTransport.handle_request` wrap every call in layers this client does not
use (auth flows, cookies, event hooks, redirect handling, stream wrappers, a second Request/Response
model): about a third of a loopback call.  When the client owns its pool and no proxy comes from the
environment, `_sync_client` / `_async_client` send through the httpcore pool inside that same
`httpx.HTTPTransport` (one pool, closed with the client) and read the answer into a `CoreResponse`.  httpcore errors are
raised as their httpx counterparts, so retry and error handling see exactly what httpx would raise.
"""

from __future__ import annotations

import urllib.request
import zlib
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

import httpcore
import httpx

from ._deadline import DEADLINE, attempt_deadline, wrap_async_backend, wrap_sync_backend
from ._types import TimeoutTypes

__all__ = ["CoreResponse", "no_env_proxies", "sync_pool", "async_pool", "core_headers", "send", "asend"]

# httpcore exception -> httpx exception, most specific first (timeouts before the network errors).
_ERRORS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.ProxyError, httpx.ProxyError),
)
_ACCEPT_ENCODING = (b"Accept-Encoding", b"gzip")
# Methods whose semantics anticipate a body: without one they still say `Content-Length: 0` (RFC 9110
# 8.6; some proxies answer 411 otherwise), as httpx's Client.send does.  httpcore adds the header for
# any bytes content, so b"" is enough.
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class CoreResponse:
    """What response handling reads: status, headers, the (decoded) body, the reason phrase."""

    __slots__ = ("status_code", "headers", "content", "reason_phrase")

    def __init__(self, status_code: int, headers: httpx.Headers, content: bytes, reason_phrase: str) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content
        self.reason_phrase = reason_phrase

    @classmethod
    def from_core(cls, response: httpcore.Response) -> CoreResponse:
        headers = httpx.Headers(response.headers)
        content = response.content
        encoding = headers.get("content-encoding")
        if encoding and content:
            content = _decode(encoding, content)
        reason = response.extensions.get("reason_phrase", b"")
        return cls(
            response.status,
            headers,
            content,
            reason.decode("ascii", "replace") if isinstance(reason, bytes) else "",
        )


def _decode(encoding: str, content: bytes) -> bytes:
    encoding = encoding.strip().lower()
    try:
        if encoding == "gzip":
            return zlib.decompress(content, 16 + zlib.MAX_WBITS)
        if encoding == "deflate":
            return zlib.decompress(content, zlib.MAX_WBITS)  # zlib-wrapped, as RFC 9110 says
    except zlib.error as exc:
        raise httpx.DecodingError(f"cannot decode {encoding} body: {exc}") from None
    return content  # identity, or an encoding we never asked for: hand over the bytes as they came


def no_env_proxies() -> bool:
    """Our own pool may skip `Client.send` (auth, cookies, hooks, redirects: none used here, ~15% of a
    call) and hand requests straight to its transport, unless proxies from the environment would route
    them through httpx's mounts instead."""
    return not urllib.request.getproxies()


def sync_pool(transport: httpx.HTTPTransport) -> httpcore.ConnectionPool | None:
    """The httpcore pool inside our own transport, made to honour each attempt's deadline."""
    pool = getattr(transport, "_pool", None)  # httpx keeps it here; anything else: use handle_request
    if type(pool) is not httpcore.ConnectionPool:
        return None
    wrap_sync_backend(pool)
    return pool


def async_pool(transport: httpx.AsyncHTTPTransport) -> httpcore.AsyncConnectionPool | None:
    pool = getattr(transport, "_pool", None)
    if type(pool) is not httpcore.AsyncConnectionPool:
        return None
    wrap_async_backend(pool)
    return pool


def core_headers(static: Mapping[str, str], per_request: Mapping[str, str]) -> list[tuple[bytes, bytes]]:
    """The client's constant headers with this request's own on top (names compared case-blind)."""
    if per_request:
        overridden = {name.lower() for name in per_request}
        merged = [(k, v) for k, v in static.items() if k.lower() not in overridden]
        merged.extend(per_request.items())
    else:
        merged = list(static.items())
    out = [_ACCEPT_ENCODING]
    out.extend((k.encode("ascii"), v.encode("latin-1")) for k, v in merged)
    return out


def _timeouts(timeout: TimeoutTypes) -> dict[str, float | None]:
    value = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
    return value.as_dict()


def _httpx_error(exc: Exception) -> Exception:
    for core_type, httpx_type in _ERRORS:
        if isinstance(exc, core_type):
            return httpx_type(str(exc))
    return exc


def send(
    pool: httpcore.ConnectionPool,
    method: str,
    url: str,
    headers: list[tuple[bytes, bytes]],
    content: bytes | Iterator[bytes] | None,
    timeout: TimeoutTypes,
    end: float | None = None,
) -> CoreResponse:
    extensions: dict[str, Any] = {"timeout": _timeouts(timeout)}
    if content is None and method in _BODY_METHODS:
        content = b""
    token = DEADLINE.set(attempt_deadline(timeout, end))  # the pool's backend clamps every I/O step to it
    try:
        # request() reads the body to the end and closes it, which returns the connection to the pool.
        response = pool.request(method, url, headers=headers, content=content, extensions=extensions)
    except Exception as exc:
        raise _httpx_error(exc) from None
    finally:
        DEADLINE.reset(token)
    return CoreResponse.from_core(response)


async def asend(
    pool: httpcore.AsyncConnectionPool,
    method: str,
    url: str,
    headers: list[tuple[bytes, bytes]],
    content: bytes | AsyncIterator[bytes] | None,
    timeout: TimeoutTypes,
    end: float | None = None,
) -> CoreResponse:
    extensions: dict[str, Any] = {"timeout": _timeouts(timeout)}
    if content is None and method in _BODY_METHODS:
        content = b""
    token = DEADLINE.set(attempt_deadline(timeout, end))
    try:
        response = await pool.request(method, url, headers=headers, content=content, extensions=extensions)
    except Exception as exc:
        raise _httpx_error(exc) from None
    finally:
        DEADLINE.reset(token)
    return CoreResponse.from_core(response)
