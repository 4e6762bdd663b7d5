"""Clients forced onto each of the wire's three paths (pool, inner = instrumented, client = injected),
so tests prove the paths behave alike."""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
from collections.abc import Iterator
from typing import Any

import pytest

from sendmux import AsyncSendmux, Sendmux, SendmuxMailbox, SyncAPIClient

PATHS = ["pool", "inner", "client"]

# `make test` runs the integration suite once per HTTP stack (SENDMUX_HTTP_STACK=httpx2 the second time).
STACK = os.environ.get("SENDMUX_HTTP_STACK") or "httpx"
stack_http = importlib.import_module(STACK)


def instrument_transport(monkeypatch: pytest.MonkeyPatch, seen: list[str] | None = None) -> None:
    """Wrap the stack's transport method the way an instrumentation does (the original kept in __wrapped__)."""
    for cls, name in (
        (stack_http.HTTPTransport, "handle_request"),
        (stack_http.AsyncHTTPTransport, "handle_async_request"),
    ):
        original = getattr(cls, name)

        if name == "handle_request":

            @functools.wraps(original)
            def wrapper(self: Any, request: Any, _original: Any = original) -> Any:
                if seen is not None:
                    seen.append(request.url.path)
                return _original(self, request)

        else:

            @functools.wraps(original)
            async def wrapper(self: Any, request: Any, _original: Any = original) -> Any:  # type: ignore[misc]
                if seen is not None:
                    seen.append(request.url.path)
                return await _original(self, request)

        monkeypatch.setattr(cls, name, wrapper)


@contextlib.contextmanager
def client_on(
    path: str, monkeypatch: pytest.MonkeyPatch, cls: type[SyncAPIClient] = Sendmux, **options: Any
) -> Iterator[Any]:
    http = stack_http.Client() if path == "client" else None
    if path == "inner":
        instrument_transport(monkeypatch)
    client = cls(http_client=http, **options)
    assert client._wire.path == path
    try:
        yield client
    finally:
        client.close()
        if http is not None:
            http.close()


def mailbox_client_on(path: str, monkeypatch: pytest.MonkeyPatch, **options: Any) -> Any:
    return client_on(path, monkeypatch, SendmuxMailbox, **options)


@contextlib.asynccontextmanager
async def async_client_on(path: str, monkeypatch: pytest.MonkeyPatch, **options: Any) -> Any:
    http = stack_http.AsyncClient() if path == "client" else None
    if path == "inner":
        instrument_transport(monkeypatch)
    client = AsyncSendmux(http_client=http, **options)
    assert client._wire.path == path
    try:
        yield client
    finally:
        await client.close()
        if http is not None:
            await http.aclose()
