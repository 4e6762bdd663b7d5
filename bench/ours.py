"""sendmux as a user runs it, in every variant the table compares.

- `sendmux` / `sendmux[speedups]`: the default install (spans off), stdlib json or orjson;
- `sendmux (httpx2 stack)`: `Sendmux(..., http_stack="httpx2")`;
- the native-spans rows: OpenTelemetry absent, the API only (its no-op tracer), the SDK with an exporter
  that drops every span;
- `sendmux @ <baseline>`: the same class on the baseline tree, whose runtime predates `RequestOptions`.
"""

from __future__ import annotations

import importlib.abc
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from types import MappingProxyType, ModuleType
from typing import Any

from bench import canned
from bench.base import (
    API_KEY,
    SENDMUX,
    SENDMUX_BASELINE,
    SENDMUX_HTTPX2,
    SENDMUX_NO_OTEL,
    SENDMUX_OTEL_API,
    SENDMUX_SPANS,
    SENDMUX_SPEEDUPS,
    SPANS_OFF,
    Contender,
)
from bench.spans import install_dropping_provider

_CONSTRUCT = "import sendmux\nc = sendmux.Sendmux(api_key={key!r}, base_url={url!r}"


def _resolve(client: Any, operation_id: str) -> Callable[..., Any]:
    """The bound resource method for an operation, found through `sendmux.OPERATIONS` (names may change)."""
    import sendmux

    for op in sendmux.OPERATIONS:
        if op.operation_id == operation_id:
            target = client
            for part in op.resource.split("."):
                target = getattr(target, part)
            method: Callable[..., Any] = getattr(target, op.method)
            return method
    raise LookupError(f"sendmux.OPERATIONS has no {operation_id}")


def _same(value: Any) -> Any:
    return value


def open_call(
    client: Any, op: Any, path_params: Sequence[str], cast: Callable[[Any], Any] | None = None
) -> Any:
    """The runtime entry point a generated stream or download method calls, on either runtime.

    The baseline (before issue 17) had one entry point per kind, `_request_events(op, path_params=…,
    query=None, headers=None, cast=…)` and `_request_binary(…)`; this tree has `_request(op,
    RequestOptions(…))` for every kind. A baseline also has a `_request`, with another signature, so the
    old names are what tells them apart.
    """
    old = getattr(client, "_request_events" if op.response == "events" else "_request_binary", None)
    kwargs: dict[str, Any] = {"cast": cast} if cast is not None else {}
    if old is not None:
        return old(op, path_params=tuple(path_params), query=None, headers=None, **kwargs)
    from sendmux._request_options import RequestOptions

    return client._request(op, RequestOptions(path_params=tuple(path_params), **kwargs))


class Sendmux(Contender):
    """The default install: pure Python (the stdlib parses JSON even where orjson is installed), spans off."""

    name = SENDMUX
    scenarios = frozenset({"get_one", "list_100", "decode", "paginate", "async_get", "events", "download"})
    env = SPANS_OFF
    import_snippet = _CONSTRUCT + ")"
    json_backend = "stdlib"
    #: Extra keyword arguments for `Sendmux(...)` and `AsyncSendmux(...)`.
    client_options: Mapping[str, Any] = MappingProxyType({})

    def __init__(self, url: str) -> None:
        super().__init__(url)
        # Read once when sendmux._json is first imported; each contender runs in its own process.
        os.environ["SENDMUX_JSON"] = self.json_backend
        import sendmux
        from sendmux._json import loads
        from sendmux.types import ProviderListItem

        self._sendmux: ModuleType = sendmux
        self._loads = loads
        self._from_dict = ProviderListItem.from_dict
        # ETag cache off: the raw floors and the official SDK keep no cache either.
        self.client = sendmux.Sendmux(api_key=API_KEY, base_url=url, etag_cache=False, **self.client_options)
        self._get = _resolve(self.client, "managementGetProvider")
        self._list = _resolve(self.client, "managementListProviders")
        self._aclient: Any = None
        self._aget: Callable[..., Any] | None = None

    def get_one(self) -> Any:
        return self._get(canned.PROVIDER_ID)

    def list_100(self) -> Any:
        return self._list(limit=100).data

    def decode(self, body: bytes) -> Any:
        from_dict = self._from_dict
        return [from_dict(item) for item in self._loads(body)["data"]]

    def iterate(self) -> Iterator[Any]:
        return iter(self._list(limit=100))

    def events(self, n: int) -> int:
        # The runtime path a generated stream method calls; data decoded to dicts so the row measures the
        # stream machinery (SSE parsing, ids, reconnect bookkeeping), not a generated model.
        op = self._sendmux.Operation(
            "benchStreamEvents", "GET", "/events/{n}", "events", "stream", None, response="events"
        )
        count = 0
        stream: AbstractContextManager[Any] = open_call(self.client, op, (str(n),), _same)
        with stream as s:
            for _ in s:
                count += 1
        return count

    def download(self, size: int) -> int:
        op = self._sendmux.Operation(
            "benchDownload", "GET", "/files/{size}", "files", "download", None, response="binary"
        )
        seen = 0
        response: AbstractContextManager[Any] = open_call(self.client, op, (str(size),))
        with response as r:
            for chunk in r.iter_bytes():
                seen += len(chunk)
        return seen

    async def aget_one(self) -> Any:
        if self._aget is None:
            self._aclient = self._sendmux.AsyncSendmux(
                api_key=API_KEY, base_url=self.url, etag_cache=False, **self.client_options
            )
            self._aget = _resolve(self._aclient, "managementGetProvider")
        return await self._aget(canned.PROVIDER_ID)

    async def aclose(self) -> None:
        if self._aclient is not None:
            await self._aclient.close()


class SendmuxSpeedups(Sendmux):
    """`pip install 'sendmux[speedups]'`: orjson parses the bodies."""

    name = SENDMUX_SPEEDUPS
    json_backend = "orjson"
    requires = ("orjson",)


class SendmuxHttpx2(Sendmux):
    """The runtime on the second HTTP stack: httpx2 + httpcore2."""

    name = SENDMUX_HTTPX2
    scenarios = frozenset({"get_one", "list_100", "async_get", "events", "download"})
    import_snippet = _CONSTRUCT + ", http_stack='httpx2')"
    client_options = MappingProxyType({"http_stack": "httpx2"})
    requires = ("httpx2",)


class SendmuxBaseline(Sendmux):
    """This class on the baseline's `sendmux` (its worker's `sys.path` starts with the baseline tree)."""

    name = SENDMUX_BASELINE
    baseline = True


class _Absent(importlib.abc.MetaPathFinder):
    """Makes a package unimportable, as if it were not installed."""

    def __init__(self, package: str) -> None:
        self.package = package

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None) -> None:
        if fullname == self.package or fullname.startswith(self.package + "."):
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        return None


class SendmuxNoOtel(Sendmux):
    """Default options with OpenTelemetry not installed: what `tracing=False` must cost no more than."""

    name = SENDMUX_NO_OTEL
    scenarios = frozenset({"get_one"})
    env = MappingProxyType({})
    import_snippet = ""

    def __init__(self, url: str) -> None:
        sys.meta_path.insert(0, _Absent("opentelemetry"))
        super().__init__(url)


class SendmuxOtelApi(Sendmux):
    """Default options with `opentelemetry-api` installed and no SDK set up: spans on, but the API's no-op ones.

    What a user gets whose environment pulls in the API for some other package and configures nothing.
    """

    name = SENDMUX_OTEL_API
    scenarios = frozenset({"get_one"})
    env = MappingProxyType({})
    import_snippet = _CONSTRUCT + ")"
    requires = ("opentelemetry.trace",)


class SendmuxSpans(Sendmux):
    """`tracing=True` under an SDK `TracerProvider` whose exporter drops every span: the cost of real spans."""

    name = SENDMUX_SPANS
    scenarios = frozenset({"get_one"})
    env = MappingProxyType({})
    import_snippet = ""
    client_options = MappingProxyType({"tracing": True})
    requires = ("opentelemetry.sdk.trace",)

    def __init__(self, url: str) -> None:
        self._exported = install_dropping_provider()
        super().__init__(url)
        before = self._exported()
        self.get_one()
        if self._exported() != before + 1:
            raise RuntimeError("tracing=True made no span: the spans row would measure nothing")
