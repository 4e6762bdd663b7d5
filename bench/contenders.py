"""The contenders by name: their order in the tables, their labels, and how to make one.

This module is imported by the worker under several interpreters (ours, the official SDK's venv) and
`sys.path`s (this tree, the baseline's), so it and everything it imports use only the stdlib at module
level; each contender imports its library when it is made.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from bench.base import (
    API_KEY,
    AUTH,
    OFFICIAL,
    RAW_HTTPX,
    RAW_HTTPX2,
    RAW_HTTPX2_SSE,
    RAW_HTTPX_SPAN,
    RAW_URLLIB3,
    SENDMUX,
    SENDMUX_BASELINE,
    SENDMUX_HTTPX2,
    SENDMUX_NO_OTEL,
    SENDMUX_OTEL_API,
    SENDMUX_SPANS,
    SENDMUX_SPEEDUPS,
    Contender,
)
from bench.floors import RawHttpx, RawHttpx2, RawHttpx2Sse, RawHttpxSpan, RawUrllib3
from bench.ours import (
    Sendmux,
    SendmuxBaseline,
    SendmuxHttpx2,
    SendmuxNoOtel,
    SendmuxOtelApi,
    SendmuxSpans,
    SendmuxSpeedups,
)
from bench.theirs import Official

__all__ = [
    "API_KEY",
    "AUTH",
    "CONTENDERS",
    "Contender",
    "LABELS",
    "OFFICIAL",
    "ORDER",
    "RAW_HTTPX",
    "RAW_HTTPX2",
    "RAW_HTTPX2_SSE",
    "RAW_HTTPX_SPAN",
    "RAW_URLLIB3",
    "SENDMUX",
    "SENDMUX_BASELINE",
    "SENDMUX_HTTPX2",
    "SENDMUX_NO_OTEL",
    "SENDMUX_OTEL_API",
    "SENDMUX_SPANS",
    "SENDMUX_SPEEDUPS",
    "gather_gets",
    "import_program",
    "label",
    "make",
]

CONTENDERS: dict[str, type[Contender]] = {
    c.name: c
    for c in (
        RawHttpx,
        RawHttpx2,
        RawHttpx2Sse,
        RawUrllib3,
        # The baseline right after its A: each round runs the pair back to back, so load hits both alike.
        Sendmux,
        SendmuxBaseline,
        SendmuxSpeedups,
        SendmuxHttpx2,
        SendmuxNoOtel,
        SendmuxOtelApi,
        SendmuxSpans,
        RawHttpxSpan,
        Official,
    )
}
#: Table order, and the order contenders take their turns in within a round.
ORDER = tuple(CONTENDERS)

LABELS = {
    RAW_HTTPX: "raw httpx + json.loads",
    RAW_HTTPX2: "raw httpx2 + json.loads",
    RAW_HTTPX2_SSE: "raw httpx2 `EventSource` + json.loads",
    RAW_HTTPX_SPAN: "raw httpx + json.loads inside one SDK span (sendmux's shape)",
    RAW_URLLIB3: "raw urllib3 + json.loads",
    SENDMUX: "sendmux",
    SENDMUX_BASELINE: "sendmux @ {baseline} (baseline)",
    SENDMUX_SPEEDUPS: "sendmux[speedups] (orjson)",
    SENDMUX_HTTPX2: "sendmux (httpx2 stack)",
    SENDMUX_NO_OTEL: "sendmux, OpenTelemetry not installed",
    SENDMUX_OTEL_API: "sendmux, opentelemetry-api only (default `tracing`, no SDK)",
    SENDMUX_SPANS: "sendmux, `tracing=True`, SDK + dropping exporter",
    OFFICIAL: "official sendmux-management",
}


def label(name: str, baseline: str = "") -> str:
    """A contender's row label; the baseline's names its revision."""
    return LABELS.get(name, name).format(baseline=baseline or "baseline")


def import_program(contender: str, url: str, path: Sequence[str] = ()) -> str:
    """The program a fresh `python -I` runs: `import` + construct timed, seconds printed.

    `-I` ignores PYTHONPATH, so a contender on another tree (the baseline) gets its `sys.path` entries
    here, before the clock starts.
    """
    body = CONTENDERS[contender].import_snippet.format(url=url, key=API_KEY)
    prefix = f"import sys\nsys.path[0:0] = {list(path)!r}\n" if path else ""
    return f"{prefix}import time\n_t0 = time.perf_counter()\n{body}\nprint(time.perf_counter() - _t0)\n"


def make(name: str, url: str) -> Contender:
    return CONTENDERS[name](url)


async def gather_gets(contender: Contender, n: int) -> int:
    results = await asyncio.gather(*(contender.aget_one() for _ in range(n)))
    return len(results)
