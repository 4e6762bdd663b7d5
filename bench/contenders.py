"""The contenders: one class each, every library imported lazily.

This module is imported by the worker under two interpreters (ours and the official SDK's venv), so it
imports nothing beyond the stdlib at module level.  Every contender does the same work a user would:
get one provider, list the first 100, iterate all pages, and (where it has one) the async get.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable, Iterator
from typing import Any

from bench import canned
from sendmux._request_options import RequestOptions

API_KEY = "smx_root_benchbenchbenchbenchbench"
AUTH = {"Authorization": f"Bearer {API_KEY}"}

RAW_HTTPX = "raw_httpx"
RAW_URLLIB3 = "raw_urllib3"
SENDMUX = "sendmux"
SENDMUX_SPEEDUPS = "sendmux_speedups"
OFFICIAL = "official"
ORDER = (RAW_HTTPX, RAW_URLLIB3, SENDMUX, SENDMUX_SPEEDUPS, OFFICIAL)

LABELS = {
    RAW_HTTPX: "raw httpx + json.loads",
    RAW_URLLIB3: "raw urllib3 + json.loads",
    SENDMUX: "sendmux",
    SENDMUX_SPEEDUPS: "sendmux[speedups] (orjson)",
    OFFICIAL: "official sendmux-management",
}

#: `import` + construct a client, timed inside a fresh `python -I` process ({url} and {key} filled in).
IMPORT_SNIPPETS = {
    RAW_HTTPX: "import httpx\nc = httpx.Client(base_url={url!r})",
    RAW_URLLIB3: "import urllib3\nc = urllib3.PoolManager()",
    SENDMUX: "import sendmux\nc = sendmux.Sendmux(api_key={key!r}, base_url={url!r})",
    SENDMUX_SPEEDUPS: "import sendmux\nc = sendmux.Sendmux(api_key={key!r}, base_url={url!r})",
    OFFICIAL: (
        "import sendmux_management\n"
        "c = sendmux_management.create_management_client(api_key={key!r}, base_url={url!r})"
    ),
}


def import_program(contender: str, url: str) -> str:
    body = IMPORT_SNIPPETS[contender].format(url=url, key=API_KEY)
    return f"import time\n_t0 = time.perf_counter()\n{body}\nprint(time.perf_counter() - _t0)\n"


class Contender:
    """What every contender offers; `None` from `scenarios()` members means "not applicable"."""

    name: str
    scenarios: frozenset[str] = frozenset({"get_one", "list_100", "decode", "paginate"})

    def __init__(self, url: str) -> None:
        self.url = url

    def get_one(self) -> Any:
        raise NotImplementedError

    def list_100(self) -> Any:
        raise NotImplementedError

    def decode(self, body: bytes) -> Any:
        raise NotImplementedError

    def iterate(self) -> Iterator[Any]:
        """Every item of every page, fetched lazily page by page."""
        raise NotImplementedError

    async def aget_one(self) -> Any:
        raise NotImplementedError

    def events(self, n: int) -> int:
        """Read one event stream of n events to its end, decoding each event's JSON; returns the count."""
        raise NotImplementedError

    def download(self, size: int) -> int:
        """Stream one download of `size` bytes to its end without keeping it; returns the bytes seen."""
        raise NotImplementedError

    async def aclose(self) -> None:
        return None


def _check(status: int) -> None:
    # The floor still looks at the status: a client that did not would be measuring less than a client.
    if status != 200:
        raise RuntimeError(f"unexpected HTTP status {status}")


class RawHttpx(Contender):
    name = RAW_HTTPX
    scenarios = frozenset({"get_one", "list_100", "decode", "paginate", "async_get", "events", "download"})

    def __init__(self, url: str) -> None:
        super().__init__(url)
        import httpx

        self._httpx = httpx
        # sendmux's default timeouts (60 s, connect 10 s), so only the code path differs.
        self._timeout = httpx.Timeout(60.0, connect=10.0)
        self.client = httpx.Client(base_url=url, headers=AUTH, timeout=self._timeout)
        self._aclient: Any = None

    def get_one(self) -> Any:
        r = self.client.get(f"/providers/{canned.PROVIDER_ID}")
        _check(r.status_code)
        return json.loads(r.content)["data"]

    def list_100(self) -> Any:
        r = self.client.get("/providers", params={"limit": 100})
        _check(r.status_code)
        return json.loads(r.content)["data"]

    def decode(self, body: bytes) -> Any:
        # The floor of decoding: parse and take the list, nothing typed.
        return json.loads(body)["data"]

    def iterate(self) -> Iterator[Any]:
        params: dict[str, Any] = {"limit": 100}
        while True:
            r = self.client.get("/providers", params=params)
            _check(r.status_code)
            doc = json.loads(r.content)
            yield from doc["data"]
            if not doc["pagination"]["has_more"]:
                return
            params = {"limit": 100, "cursor": doc["pagination"]["next_cursor"]}

    def events(self, n: int) -> int:
        # The floor: httpx's line iteration, `data:` lines decoded, nothing else (no ids, no reconnects).
        count = 0
        with self.client.stream("GET", f"/events/{n}") as r:
            _check(r.status_code)
            for line in r.iter_lines():
                if line.startswith("data:"):
                    json.loads(line[5:])
                    count += 1
        return count

    def download(self, size: int) -> int:
        seen = 0
        with self.client.stream("GET", f"/files/{size}") as r:
            _check(r.status_code)
            for chunk in r.iter_bytes():
                seen += len(chunk)
        return seen

    async def aget_one(self) -> Any:
        if self._aclient is None:
            # Default pool, and sendmux's default timeouts (60 s, connect 10 s): httpx's own 5 s fail under
            # 1,000 queued requests, while httpcore's pool hands out connections slowly.
            self._aclient = self._httpx.AsyncClient(base_url=self.url, headers=AUTH, timeout=self._timeout)
        r = await self._aclient.get(f"/providers/{canned.PROVIDER_ID}")
        _check(r.status_code)
        return json.loads(r.content)["data"]

    async def aclose(self) -> None:
        if self._aclient is not None:
            await self._aclient.aclose()


class RawUrllib3(Contender):
    name = RAW_URLLIB3
    # Its decode would be `json.loads` again: the httpx floor already reports that.
    scenarios = frozenset({"get_one", "list_100", "paginate"})

    def __init__(self, url: str) -> None:
        super().__init__(url)
        import urllib3

        self.pool = urllib3.PoolManager(headers=AUTH)

    def get_one(self) -> Any:
        r = self.pool.request("GET", f"{self.url}/providers/{canned.PROVIDER_ID}")
        _check(r.status)
        return json.loads(r.data)["data"]

    def list_100(self) -> Any:
        r = self.pool.request("GET", f"{self.url}/providers", fields={"limit": "100"})
        _check(r.status)
        return json.loads(r.data)["data"]

    def iterate(self) -> Iterator[Any]:
        fields: dict[str, Any] = {"limit": "100"}
        while True:
            r = self.pool.request("GET", f"{self.url}/providers", fields=fields)
            _check(r.status)
            doc = json.loads(r.data)
            yield from doc["data"]
            if not doc["pagination"]["has_more"]:
                return
            fields = {"limit": "100", "cursor": doc["pagination"]["next_cursor"]}


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


class Sendmux(Contender):
    """The default install: pure Python (the stdlib parses JSON even where orjson is installed)."""

    name = SENDMUX
    scenarios = frozenset({"get_one", "list_100", "decode", "paginate", "async_get", "events", "download"})
    json_backend = "stdlib"

    def __init__(self, url: str) -> None:
        super().__init__(url)
        # Read once when sendmux._json is first imported; each contender runs in its own process.
        os.environ["SENDMUX_JSON"] = self.json_backend
        import sendmux
        from sendmux._json import loads
        from sendmux.types import ProviderListItem

        self._sendmux = sendmux
        self._loads = loads
        self._from_dict = ProviderListItem.from_dict
        # ETag cache off: the raw floors and the official SDK keep no cache either.
        self.client = sendmux.Sendmux(api_key=API_KEY, base_url=url, etag_cache=False)
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
        # The runtime path a generated stream method calls (`_request_events`); data decoded to dicts so
        # the row measures the stream machinery (our bounded SSE parser, ids, reconnect bookkeeping), not a model.
        op = self._sendmux.Operation(
            "benchStreamEvents", "GET", "/events/{n}", "events", "stream", None, response="events"
        )
        count = 0
        with self.client._request(op, RequestOptions(path_params=(str(n),), cast=_same)) as s:
            for _ in s:
                count += 1
        return count

    def download(self, size: int) -> int:
        op = self._sendmux.Operation(
            "benchDownload", "GET", "/files/{size}", "files", "download", None, response="binary"
        )
        seen = 0
        with self.client._request(op, RequestOptions(path_params=(str(size),))) as r:
            for chunk in r.iter_bytes():
                seen += len(chunk)
        return seen

    async def aget_one(self) -> Any:
        if self._aget is None:
            self._aclient = self._sendmux.AsyncSendmux(api_key=API_KEY, base_url=self.url, etag_cache=False)
            self._aget = _resolve(self._aclient, "managementGetProvider")
        return await self._aget(canned.PROVIDER_ID)

    async def aclose(self) -> None:
        if self._aclient is not None:
            await self._aclient.close()


class SendmuxSpeedups(Sendmux):
    """`pip install 'sendmux[speedups]'`: orjson parses the bodies."""

    name = SENDMUX_SPEEDUPS
    json_backend = "orjson"


def _same(value: Any) -> Any:
    return value


class Official(Contender):
    name = OFFICIAL

    def __init__(self, url: str) -> None:
        super().__init__(url)
        # Installed only in the official SDK's venv, where this class runs.
        from sendmux_core.pagination import iter_cursor_pages  # type: ignore[import-not-found]
        from sendmux_management import (  # type: ignore[import-not-found]
            SendingAccountsApi,
            create_management_client,
        )
        from sendmux_management.models.provider_list_item import (  # type: ignore[import-not-found]
            ProviderListItem,
        )

        self._iter_cursor_pages = iter_cursor_pages
        self._from_dict = ProviderListItem.from_dict
        self.client = create_management_client(api_key=API_KEY, base_url=url)
        self.api = SendingAccountsApi(self.client)

    def get_one(self) -> Any:
        return self.api.management_get_provider(public_id=canned.PROVIDER_ID).data

    def list_100(self) -> Any:
        return self.api.management_list_providers(limit=100).data

    def decode(self, body: bytes) -> Any:
        from_dict = self._from_dict
        return [from_dict(item) for item in json.loads(body)["data"]]

    def iterate(self) -> Iterator[Any]:
        # The SDK's own helper (sendmux-core) is how its users paginate.
        list_page = self.api.management_list_providers
        pages: Iterator[Any] = self._iter_cursor_pages(lambda cursor: list_page(cursor=cursor, limit=100))
        return pages


CONTENDERS: dict[str, type[Contender]] = {
    RAW_HTTPX: RawHttpx,
    RAW_URLLIB3: RawUrllib3,
    SENDMUX: Sendmux,
    SENDMUX_SPEEDUPS: SendmuxSpeedups,
    OFFICIAL: Official,
}


def make(name: str, url: str) -> Contender:
    return CONTENDERS[name](url)


async def gather_gets(contender: Contender, n: int) -> int:
    results = await asyncio.gather(*(contender.aget_one() for _ in range(n)))
    return len(results)
