"""The wire: every attempt of every call goes out and comes back through one transport object per client.

`SyncWire` / `AsyncWire` (made into real ``httpx.BaseTransport`` / ``AsyncBaseTransport`` subclasses of
the client's stack by `transport_for`) own what must hold for every request, whatever kind of call made
it: the closed refusal, fork safety, the per-attempt deadline, the async concurrency gate, the bound on a
buffered body, and the translation of the stack's exceptions into `TransportFailure`. Each request takes
one of three paths:

- **pool** (the default): a public ``httpcore.ConnectionPool(network_backend=DeadlineBackend(...))`` of
  our own, made on first use. No httpx Request/Response objects are built: a third of a loopback call.
- **inner**: while the stack's ``HTTPTransport.handle_request`` is wrapped by an instrumentation
  (OpenTelemetry's ``HTTPXClientInstrumentor``, checked per request so a later ``instrument()``
  counts), requests go through a real ``httpx.HTTPTransport`` of our own, so every attempt is a span.
- **client**: an injected ``http_client`` (or, with proxies in the environment, a client of our own that
  honours them): its ``send`` sees every attempt, so its transports, mounts and event hooks apply.

Fork safety: a child process never touches its parent's connections. A fork bumps a counter
(``os.register_at_fork``); a transport that sees the counter move drops (without closing: they are the
parent's) the pool and clients it made and makes fresh ones. An injected client is the caller's: see the
README ("Forking").
"""

from __future__ import annotations

import os
import threading
import urllib.request
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

from ._deadline import DEADLINE, AsyncDeadlineBackend, DeadlineBackend
from ._gate import ConcurrencyGate
from ._headers import Headers
from ._stack import Stack
from ._wire_errors import WireClosed, translate
from ._wire_response import AsyncStreamed, Buffered, Streamed, aread_buffered, read_buffered

__all__ = ["WireRequest", "SyncWire", "AsyncWire", "transport_for", "DEFAULT_MAX_CONNECTIONS"]

DEFAULT_MAX_CONNECTIONS = 100
"""Connections one client's pool may open (httpx's default), and so how many async calls run at once."""
_MAX_KEEPALIVE = 20
_KEEPALIVE_EXPIRY = 5.0
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})

_fork_generation = 0


def _after_fork_in_child() -> None:
    global _fork_generation
    _fork_generation += 1


if hasattr(os, "register_at_fork"):  # POSIX; elsewhere processes do not inherit sockets this way
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _instrumented(method: Any) -> bool:
    # Instrumentations (OpenTelemetry's uses wrapt) replace the class attribute with a wrapper that
    # keeps the original in __wrapped__; a plain function has no such attribute.
    return hasattr(method, "__wrapped__")


class WireRequest:
    """One attempt as the wire sends it."""

    __slots__ = ("method", "url", "headers", "content", "timeout", "deadline", "strip_auth")

    def __init__(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        content: bytes | Iterator[bytes] | AsyncIterator[bytes] | None,
        timeout: dict[str, float | None],
        deadline: float | None,
        strip_auth: bool = False,
    ) -> None:
        self.method = method
        self.url = url
        self.headers = headers
        self.content = content
        self.timeout = timeout
        """Per-phase limits: connect, read, write, pool (seconds or None)."""
        self.deadline = deadline
        """When this attempt must have its answer (time.monotonic()); None: unbounded."""
        self.strip_auth = strip_auth
        """Send no Authorization at all, not even an injected client's own (``security: []``)."""

    def core_headers(self) -> list[tuple[bytes, bytes]]:
        """Header pairs for httpcore, with the framing headers httpx would add (Host, Content-Length)."""
        netloc = self.url.split("/", 3)[2]
        pairs = [(b"Host", netloc.encode("ascii"))]
        pairs.extend((k.encode("latin-1"), v.encode("latin-1")) for k, v in self.headers.items())
        content = self.content
        if content is None:
            if self.method in _BODY_METHODS:
                # Without a body they still say Content-Length: 0 (RFC 9110 8.6; some proxies want it).
                pairs.append((b"Content-Length", b"0"))
        elif type(content) is bytes:
            pairs.append((b"Content-Length", str(len(content)).encode("ascii")))
        elif not any(k.lower() in ("content-length", "transfer-encoding") for k in self.headers):
            pairs.append((b"Transfer-Encoding", b"chunked"))
        return pairs


def _reason(extensions: Mapping[str, Any]) -> str:
    reason = extensions.get("reason_phrase", b"")
    return reason.decode("ascii", "replace") if isinstance(reason, bytes) else ""


def _from_stack_response(response: Any) -> Streamed:
    """An httpx/httpx2 response as ours. An event hook may have read the body already (allowed by
    httpx): then its decoded content is what there is."""
    headers = Headers.from_stack(response.headers)
    if response.is_stream_consumed:
        content = [response.content]
        return Streamed(
            response.status_code, headers, response.reason_phrase, iter(content), response.close, True
        )
    return Streamed(
        response.status_code, headers, response.reason_phrase, response.iter_raw(), response.close
    )


def _afrom_stack_response(response: Any) -> AsyncStreamed:
    headers = Headers.from_stack(response.headers)
    if response.is_stream_consumed:
        content = _aiter([response.content])
        return AsyncStreamed(
            response.status_code, headers, response.reason_phrase, content, response.aclose, True
        )
    return AsyncStreamed(
        response.status_code, headers, response.reason_phrase, response.aiter_raw(), response.aclose
    )


class _Wire:
    """What the sync and async wires share: configuration, the closed flag, fork detection."""

    def __init__(
        self,
        stack: Stack,
        *,
        http_client: Any = None,
        max_connections: int | None = DEFAULT_MAX_CONNECTIONS,
        max_response_bytes: int | None = None,
    ) -> None:
        self.stack = stack
        self.max_connections = max_connections
        self.max_response_bytes = max_response_bytes
        self._client = http_client
        # With proxies in the environment, our own requests go through a client of ours that routes them.
        self._owns_client = http_client is None and bool(urllib.request.getproxies())
        self._pool: Any = None
        self._inner: Any = None
        self._lock = threading.Lock()
        self._generation = _fork_generation
        self.closed = False

    @property
    def injected(self) -> bool:
        return self._client is not None and not self._owns_client

    @property
    def injected_closed(self) -> bool:
        return self.injected and bool(self._client.is_closed)

    @property
    def path(self) -> str:
        """Which way the next request goes: ``"client"``, ``"inner"`` (instrumented) or ``"pool"``."""
        if self._client is not None or self._owns_client:
            return "client"
        http = self.stack.httpx
        method = (
            http.AsyncHTTPTransport.handle_async_request
            if isinstance(self, AsyncWire)
            else http.HTTPTransport.handle_request
        )
        return "inner" if _instrumented(method) else "pool"

    def _limits(self) -> Any:
        return self.stack.httpx.Limits(
            max_connections=self.max_connections,
            max_keepalive_connections=_MAX_KEEPALIVE,
            keepalive_expiry=_KEEPALIVE_EXPIRY,
        )

    def _pool_options(self) -> dict[str, Any]:
        return {
            "ssl_context": self.stack.httpx.create_ssl_context(),
            "max_connections": self.max_connections,
            "max_keepalive_connections": _MAX_KEEPALIVE,
            "keepalive_expiry": _KEEPALIVE_EXPIRY,
        }

    def _check(self) -> None:
        if self.closed:
            raise WireClosed()
        if self._client is not None and not self._owns_client and self._client.is_closed:
            raise WireClosed("the http_client you passed was closed")
        if self._generation != _fork_generation:
            self._forget_parent()

    def _forget_parent(self) -> None:
        # In a forked child: the pool and clients we made hold the parent's sockets. Drop them unclosed
        # (closing would not reach the parent, but TLS shutdown or a half-read could); make fresh ones.
        self._lock = threading.Lock()
        self._pool = None
        self._inner = None
        if self._owns_client:
            self._client = None
        self._generation = _fork_generation


class SyncWire(_Wire):
    """The sync wire (see the module docstring); `transport_for` mixes in the stack's BaseTransport."""

    def _make(self, attr: str) -> Any:
        with self._lock:
            made = getattr(self, attr)
            if made is None:
                http, core = self.stack.httpx, self.stack.httpcore
                if attr == "_pool":
                    made = core.ConnectionPool(network_backend=DeadlineBackend(core), **self._pool_options())
                elif attr == "_inner":
                    made = http.HTTPTransport(limits=self._limits(), trust_env=False)
                else:
                    made = http.Client(limits=self._limits(), follow_redirects=False, trust_env=True)
                setattr(self, attr, made)
        return made

    def send(self, request: WireRequest, *, stream: bool) -> Buffered | Streamed:
        """One attempt: a `Buffered` response (body read, decoded, bounded), or a `Streamed` one."""
        self._check()
        token = DEADLINE.set(request.deadline)  # the pool's backend clamps every I/O step to it
        try:
            response = self._open(request)
            if stream:
                return response
            try:
                content = read_buffered(
                    response.iter_raw(),
                    response.encoding,
                    self.max_response_bytes,
                    request.deadline,
                )
            finally:
                response.close()
        except Exception as exc:
            if self.closed:
                raise WireClosed() from None
            failure = translate(exc)
            if failure is None:
                raise
            raise failure from None
        finally:
            DEADLINE.reset(token)
        if self.closed:  # close() ran meanwhile: sweep what this request may have opened
            self.close()
            raise WireClosed()
        return Buffered(response.status_code, response.headers, content, response.reason_phrase)

    def _open(self, request: WireRequest) -> Streamed:
        client = self._client
        if client is None and self._owns_client:
            client = self._make("_client")
        if client is not None:
            req = client.build_request(
                request.method,
                request.url,
                headers=request.headers,
                content=request.content,
                timeout=self.stack.httpx.Timeout(**request.timeout),
            )
            if request.strip_auth:
                req.headers.pop("authorization", None)
            return _from_stack_response(client.send(req, stream=True, follow_redirects=False))
        http = self.stack.httpx
        if _instrumented(http.HTTPTransport.handle_request):
            inner = self._inner or self._make("_inner")
            req = http.Request(
                request.method,
                request.url,
                headers=list(request.headers.items()),
                content=request.content,
                extensions={"timeout": request.timeout},
            )
            return _from_stack_response(inner.handle_request(req))
        pool = self._pool or self._make("_pool")
        core_response = pool.handle_request(
            self.stack.httpcore.Request(
                request.method,
                request.url,
                headers=request.core_headers(),
                content=request.content,
                extensions={"timeout": request.timeout},
            )
        )
        return Streamed(
            core_response.status,
            Headers(core_response.headers),
            _reason(core_response.extensions),
            iter(core_response.stream),
            core_response.close,
        )

    def close(self) -> None:
        """Refuse further requests; close the pool and clients this wire made (an injected one stays open)."""
        self.closed = True
        with self._lock:
            pool, inner = self._pool, self._inner
            client = self._client if self._owns_client else None
        for made in (pool, inner, client):
            if made is not None:
                made.close()


class AsyncWire(_Wire):
    """The async wire; also where a burst of calls waits its turn (`ConcurrencyGate`, see `_gate.py`)."""

    def __init__(self, stack: Stack, **options: Any) -> None:
        super().__init__(stack, **options)
        self.gate = ConcurrencyGate(self.max_connections)

    def _make(self, attr: str) -> Any:
        # No await inside: made atomically with respect to other tasks; the lock guards threads.
        with self._lock:
            made = getattr(self, attr)
            if made is None:
                http, core = self.stack.httpx, self.stack.httpcore
                if attr == "_pool":
                    made = core.AsyncConnectionPool(
                        network_backend=AsyncDeadlineBackend(core), **self._pool_options()
                    )
                elif attr == "_inner":
                    made = http.AsyncHTTPTransport(limits=self._limits(), trust_env=False)
                else:
                    made = http.AsyncClient(limits=self._limits(), follow_redirects=False, trust_env=True)
                setattr(self, attr, made)
        return made

    async def send(self, request: WireRequest, *, stream: bool) -> Buffered | AsyncStreamed:
        self._check()
        async with self.gate.slot():  # a burst waits here, in order, not in httpcore's queue
            self._check()  # closed while waiting: nothing is sent
            token = DEADLINE.set(request.deadline)
            try:
                response = await self._open(request)
                if stream:
                    return response
                try:
                    content = await aread_buffered(
                        response.aiter_raw(),
                        response.encoding,
                        self.max_response_bytes,
                        request.deadline,
                    )
                finally:
                    await response.aclose()
            except Exception as exc:
                if self.closed:
                    raise WireClosed() from None
                failure = translate(exc)
                if failure is None:
                    raise
                raise failure from None
            finally:
                DEADLINE.reset(token)
        if self.closed:
            await self.aclose()
            raise WireClosed()
        return Buffered(response.status_code, response.headers, content, response.reason_phrase)

    async def _open(self, request: WireRequest) -> AsyncStreamed:
        client = self._client
        if client is None and self._owns_client:
            client = self._make("_client")
        if client is not None:
            req = client.build_request(
                request.method,
                request.url,
                headers=request.headers,
                content=request.content,
                timeout=self.stack.httpx.Timeout(**request.timeout),
            )
            if request.strip_auth:
                req.headers.pop("authorization", None)
            return _afrom_stack_response(await client.send(req, stream=True, follow_redirects=False))
        http = self.stack.httpx
        if _instrumented(http.AsyncHTTPTransport.handle_async_request):
            inner = self._inner or self._make("_inner")
            req = http.Request(
                request.method,
                request.url,
                headers=list(request.headers.items()),
                content=request.content,
                extensions={"timeout": request.timeout},
            )
            return _afrom_stack_response(await inner.handle_async_request(req))
        pool = self._pool or self._make("_pool")
        core_response = await pool.handle_async_request(
            self.stack.httpcore.Request(
                request.method,
                request.url,
                headers=request.core_headers(),
                content=request.content,
                extensions={"timeout": request.timeout},
            )
        )
        return AsyncStreamed(
            core_response.status,
            Headers(core_response.headers),
            _reason(core_response.extensions),
            _aiter(core_response.stream),
            core_response.aclose,
        )

    async def aclose(self) -> None:
        self.closed = True
        with self._lock:
            pool, inner = self._pool, self._inner
            client = self._client if self._owns_client else None
        for made in (pool, inner, client):
            if made is not None:
                await made.aclose()


async def _aiter(stream: Any) -> AsyncIterator[bytes]:
    async for chunk in stream:
        yield chunk


def _timeout_of(request: Any) -> dict[str, float | None]:
    timeout = request.extensions.get("timeout")
    return (
        dict(timeout)
        if isinstance(timeout, Mapping)
        else {"connect": None, "read": None, "write": None, "pool": None}
    )


_CLASSES: dict[tuple[str, bool], type[Any]] = {}


def transport_for(stack: Stack, *, is_async: bool) -> type[Any]:
    """The wire class of ``stack``: `SyncWire` / `AsyncWire` that is also the stack's own
    ``BaseTransport`` / ``AsyncBaseTransport``, so an httpx client can mount it like any transport."""
    key = (stack.name, is_async)
    cls = _CLASSES.get(key)
    if cls is not None:
        return cls
    http = stack.httpx
    if is_async:

        class _Body(http.AsyncByteStream):  # type: ignore[name-defined,misc]
            def __init__(self, response: AsyncStreamed) -> None:
                self._response = response

            async def __aiter__(self) -> AsyncIterator[bytes]:
                async for chunk in self._response.aiter_raw():
                    yield chunk

            async def aclose(self) -> None:
                await self._response.aclose()

        async def handle_async_request(self: AsyncWire, request: Any) -> Any:
            wire = WireRequest(
                request.method,
                str(request.url),
                dict(request.headers),
                request.stream,
                _timeout_of(request),
                None,
            )
            response = await self.send(wire, stream=True)
            assert isinstance(response, AsyncStreamed)
            return http.Response(
                response.status_code,
                headers=response.headers.multi_items(),
                stream=_Body(response),
                request=request,
            )

        cls = type(
            "AsyncTransport",
            (AsyncWire, http.AsyncBaseTransport),
            {"handle_async_request": handle_async_request},
        )
    else:

        class _SyncBody(http.SyncByteStream):  # type: ignore[name-defined,misc]
            def __init__(self, response: Streamed) -> None:
                self._response = response

            def __iter__(self) -> Iterator[bytes]:
                return self._response.iter_raw()

            def close(self) -> None:
                self._response.close()

        def handle_request(self: SyncWire, request: Any) -> Any:
            wire = WireRequest(
                request.method,
                str(request.url),
                dict(request.headers),
                request.stream,
                _timeout_of(request),
                None,
            )
            response = self.send(wire, stream=True)
            assert isinstance(response, Streamed)
            return http.Response(
                response.status_code,
                headers=response.headers.multi_items(),
                stream=_SyncBody(response),
                request=request,
            )

        cls = type("SyncTransport", (SyncWire, http.BaseTransport), {"handle_request": handle_request})
    cls.__module__ = __name__
    _CLASSES[key] = cls
    return cls
