"""The floors: raw httpx, raw httpx2 and raw urllib3 with `json.loads`, no types, no retries.

A user writing the calls by hand gets this; sendmux's rows are read against it.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from typing import Any

from bench import canned
from bench.base import (
    AUTH,
    RAW_HTTPX,
    RAW_HTTPX2,
    RAW_HTTPX2_SSE,
    RAW_HTTPX_SPAN,
    RAW_URLLIB3,
    Contender,
    check,
)


class RawHttpx(Contender):
    name = RAW_HTTPX
    scenarios = frozenset({"get_one", "list_100", "decode", "paginate", "async_get", "events", "download"})
    import_snippet = "import httpx\nc = httpx.Client(base_url={url!r})"
    #: The package this floor is written against (httpx2 has the same API under another name).
    package = "httpx"

    def __init__(self, url: str) -> None:
        super().__init__(url)
        httpx = importlib.import_module(self.package)
        self._httpx: Any = httpx
        # sendmux's default timeouts (60 s, connect 10 s), so only the code path differs.
        self._timeout = httpx.Timeout(60.0, connect=10.0)
        self.client = httpx.Client(base_url=url, headers=AUTH, timeout=self._timeout)
        self._aclient: Any = None

    def get_one(self) -> Any:
        r = self.client.get(f"/providers/{canned.PROVIDER_ID}")
        check(r.status_code)
        return json.loads(r.content)["data"]

    def list_100(self) -> Any:
        r = self.client.get("/providers", params={"limit": 100})
        check(r.status_code)
        return json.loads(r.content)["data"]

    def decode(self, body: bytes) -> Any:
        # The floor of decoding: parse and take the list, nothing typed.
        return json.loads(body)["data"]

    def iterate(self) -> Iterator[Any]:
        params: dict[str, Any] = {"limit": 100}
        while True:
            r = self.client.get("/providers", params=params)
            check(r.status_code)
            doc = json.loads(r.content)
            yield from doc["data"]
            if not doc["pagination"]["has_more"]:
                return
            params = {"limit": 100, "cursor": doc["pagination"]["next_cursor"]}

    def events(self, n: int) -> int:
        # The floor: line iteration, `data:` lines decoded, nothing else (no ids, no reconnects, no bounds).
        count = 0
        with self.client.stream("GET", f"/events/{n}") as r:
            check(r.status_code)
            for line in r.iter_lines():
                if line.startswith("data:"):
                    json.loads(line[5:])
                    count += 1
        return count

    def download(self, size: int) -> int:
        seen = 0
        with self.client.stream("GET", f"/files/{size}") as r:
            check(r.status_code)
            for chunk in r.iter_bytes():
                seen += len(chunk)
        return seen

    async def aget_one(self) -> Any:
        if self._aclient is None:
            # Default pool, and sendmux's default timeouts (60 s, connect 10 s): httpx's own 5 s fail under
            # 1,000 queued requests, while httpcore's pool hands out connections slowly.
            self._aclient = self._httpx.AsyncClient(base_url=self.url, headers=AUTH, timeout=self._timeout)
        r = await self._aclient.get(f"/providers/{canned.PROVIDER_ID}")
        check(r.status_code)
        return json.loads(r.content)["data"]

    async def aclose(self) -> None:
        if self._aclient is not None:
            await self._aclient.aclose()


class RawHttpx2(RawHttpx):
    """The same code on httpx2 (httpx's maintained successor): the stacks compared, nothing else."""

    name = RAW_HTTPX2
    # Decode would be `json.loads` again and pagination the list call in a loop: the httpx floor has both.
    scenarios = frozenset({"get_one", "list_100", "async_get", "events", "download"})
    import_snippet = "import httpx2\nc = httpx2.Client(base_url={url!r})"
    package = "httpx2"
    requires = ("httpx2",)


class RawHttpx2Sse(RawHttpx2):
    """httpx2's built-in SSE (`httpx2.EventSource`, bounded events) + `json.loads`: what it offers for streams."""

    name = RAW_HTTPX2_SSE
    scenarios = frozenset({"events"})
    import_snippet = ""

    def events(self, n: int) -> int:
        count = 0
        with self.client.stream("GET", f"/events/{n}") as r:
            check(r.status_code)
            for event in self._httpx.EventSource(r):
                json.loads(event.data)
                count += 1
        return count


class RawHttpxSpan(RawHttpx):
    """The raw httpx get inside one OpenTelemetry SDK span shaped like sendmux's: what a span costs anyway.

    Same attributes, current while the call runs, the same dropping exporter as sendmux's spans row, so
    the spans section can set sendmux's cost per span beside the SDK's own.
    """

    name = RAW_HTTPX_SPAN
    scenarios = frozenset({"get_one"})
    import_snippet = ""
    requires = ("opentelemetry.sdk.trace",)

    def __init__(self, url: str) -> None:
        from opentelemetry import context, trace

        from bench.spans import install_dropping_provider

        install_dropping_provider()
        super().__init__(url)
        self._tracer = trace.get_tracer("bench")
        self._context = context
        self._in_context = trace.set_span_in_context
        self._path = f"/providers/{canned.PROVIDER_ID}"

    def get_one(self) -> Any:
        span = self._tracer.start_span(
            "sendmux managementGetProvider",
            attributes={
                "sendmux.operation": "managementGetProvider",
                "sendmux.surface": "management",
                "http.request.method": "GET",
                "http.route": "/providers/{public_id}",
            },
        )
        token = self._context.attach(self._in_context(span))
        try:
            r = self.client.get(self._path)
            check(r.status_code)
            data = json.loads(r.content)["data"]
            span.set_attribute("http.response.status_code", r.status_code)
            span.set_attribute("sendmux.request_id", r.headers.get("x-request-id") or "")
        finally:
            span.set_attribute("sendmux.attempts", 1)
            self._context.detach(token)
            span.end()
        return data


class RawUrllib3(Contender):
    name = RAW_URLLIB3
    # Its decode would be `json.loads` again: the httpx floor already reports that.
    scenarios = frozenset({"get_one", "list_100", "paginate"})
    import_snippet = "import urllib3\nc = urllib3.PoolManager()"

    def __init__(self, url: str) -> None:
        super().__init__(url)
        import urllib3

        self.pool = urllib3.PoolManager(headers=AUTH)

    def get_one(self) -> Any:
        r = self.pool.request("GET", f"{self.url}/providers/{canned.PROVIDER_ID}")
        check(r.status)
        return json.loads(r.data)["data"]

    def list_100(self) -> Any:
        r = self.pool.request("GET", f"{self.url}/providers", fields={"limit": "100"})
        check(r.status)
        return json.loads(r.data)["data"]

    def iterate(self) -> Iterator[Any]:
        fields: dict[str, Any] = {"limit": "100"}
        while True:
            r = self.pool.request("GET", f"{self.url}/providers", fields=fields)
            check(r.status)
            doc = json.loads(r.data)
            yield from doc["data"]
            if not doc["pagination"]["has_more"]:
                return
            fields = {"limit": "100", "cursor": doc["pagination"]["next_cursor"]}
