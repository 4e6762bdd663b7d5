"""What every contender is: the scenario methods, how its worker process is set up, and the names.

Imported by the worker under several interpreters and `sys.path`s (ours, the official SDK's venv, the
baseline tree), so it imports nothing beyond the stdlib.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

API_KEY = "smx_root_benchbenchbenchbenchbench"
AUTH = {"Authorization": f"Bearer {API_KEY}"}

RAW_HTTPX = "raw_httpx"
RAW_HTTPX2 = "raw_httpx2"
RAW_HTTPX2_SSE = "raw_httpx2_sse"
RAW_HTTPX_SPAN = "raw_httpx_span"
RAW_URLLIB3 = "raw_urllib3"
SENDMUX = "sendmux"
SENDMUX_SPEEDUPS = "sendmux_speedups"
SENDMUX_HTTPX2 = "sendmux_httpx2"
SENDMUX_NO_OTEL = "sendmux_no_otel"
SENDMUX_OTEL_API = "sendmux_otel_api"
SENDMUX_SPANS = "sendmux_spans"
SENDMUX_BASELINE = "sendmux_baseline"
OFFICIAL = "official"

#: Native spans off in the worker's environment: read by this tree's runtime, ignored by the baseline's
#: (which has no spans), so the A/B rows compare like with like whatever is installed.
SPANS_OFF: Mapping[str, str] = MappingProxyType({"SENDMUX_TRACING": "0"})


class Contender:
    """One client doing what a user would; a scenario it does not take part in stays unimplemented."""

    name: str
    scenarios: frozenset[str] = frozenset({"get_one", "list_100", "decode", "paginate"})
    #: Environment variables its worker (and import process) runs with; every other SENDMUX_* is removed.
    env: Mapping[str, str] = MappingProxyType({})
    #: Modules that must be importable in our venv, else the contender is skipped (with this reason).
    requires: tuple[str, ...] = ()
    #: Runs on the baseline tree (`bench.baseline`) instead of this one.
    baseline: bool = False
    #: `import` + construct, timed in a fresh `python -I` ({url} and {key} filled in); "" takes no part.
    import_snippet: str = ""

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


def check(status: int) -> None:
    # The floor still looks at the status: a client that did not would be measuring less than a client.
    if status != 200:
        raise RuntimeError(f"unexpected HTTP status {status}")
