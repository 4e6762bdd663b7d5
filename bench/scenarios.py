"""What each scenario measures and how its rows are labelled (shared by the report's sections)."""

from __future__ import annotations

from dataclasses import dataclass

from bench.contenders import (
    OFFICIAL,
    RAW_HTTPX,
    RAW_HTTPX2,
    SENDMUX,
    SENDMUX_BASELINE,
    SENDMUX_SPEEDUPS,
    label,
)


@dataclass(frozen=True)
class ScenarioInfo:
    title: str
    measures: str
    #: "time": seconds, lower is better; "rate": items per second, higher is better.
    kind: str = "time"
    #: The row's name in the comparison tables.
    short: str = ""


SCENARIOS: dict[str, ScenarioInfo] = {
    "import": ScenarioInfo(
        "1. Import + client construction",
        "seconds from the first `import` to a constructed client, each in a fresh `python -I` process",
        short="import + construct",
    ),
    "get_one": ScenarioInfo(
        "2. Get one provider (typed)", "wall time per call, sequential, keep-alive", short="get-one"
    ),
    "list_100": ScenarioInfo(
        "3. List 100 providers (typed, first page only)",
        "wall time per call, sequential, keep-alive",
        short="list-100",
    ),
    "decode": ScenarioInfo(
        "4. Decode only: the 100-item page, no HTTP",
        "time per page: `json.loads` + `ProviderListItem.from_dict` over `data` (floor: `json.loads` alone)",
        short="decode 100 items",
    ),
    "paginate_1000": ScenarioInfo(
        "5a. Auto-pagination, 1,000 items (10 pages)",
        "items per second; memory per fresh process",
        "rate",
        "paginate 1k",
    ),
    "paginate_10000": ScenarioInfo(
        "5b. Auto-pagination, 10,000 items (100 pages)",
        "items per second; memory per fresh process",
        "rate",
        "paginate 10k",
    ),
    "async_get": ScenarioInfo(
        "6. Async: {n:,} concurrent gets on one client",
        "wall of `asyncio.gather` over {n:,} gets, divided by {n:,} (the official SDK has no async client)",
        short="async gathered gets",
    ),
    "generate": ScenarioInfo(
        "7. `make generate` with a warm spec cache", "wall time of `python -m generator`"
    ),
    "events": ScenarioInfo(
        "8. Event stream throughput (Mailbox realtime events)",
        "events per second reading one `text/event-stream` of {events:,} events to its end (JSON data "
        "decoded; floor: httpx `iter_lines` + `json.loads` of the `data:` lines)",
        "rate",
        "events",
    ),
    "download": ScenarioInfo(
        "9. Download throughput",
        "bytes per second (M/s = MB/s) streaming one {download_mib:,} MiB download to its end without "
        "keeping it (floor: httpx `iter_bytes`)",
        "rate",
        "download",
    ),
}


def kind(key: str) -> str:
    info = SCENARIOS.get(key)
    return info.kind if info else "time"


def short_title(key: str) -> str:
    info = SCENARIOS.get(key)
    return (info.short or info.title) if info else key


_DECODE_LABELS = {
    RAW_HTTPX: "`json.loads` only",
    SENDMUX: "sendmux (compiled `from_dict`, stdlib json)",
    SENDMUX_BASELINE: "sendmux @ {baseline} (baseline, stdlib json)",
    SENDMUX_SPEEDUPS: "sendmux[speedups] (compiled `from_dict`, orjson)",
    OFFICIAL: "official sendmux-management (pydantic `from_dict`)",
}

_STREAM_LABELS = {
    ("events", RAW_HTTPX): "raw httpx `iter_lines` + json.loads",
    ("events", RAW_HTTPX2): "raw httpx2 `iter_lines` + json.loads",
    ("events", SENDMUX): "sendmux (bounded SSE parser, ids, reconnect bookkeeping)",
    ("download", RAW_HTTPX): "raw httpx `iter_bytes`",
    ("download", RAW_HTTPX2): "raw httpx2 `iter_bytes`",
    ("download", SENDMUX): "sendmux `BinaryResponse.iter_bytes` (resumable)",
}


def row_label(key: str, name: str, baseline: str = "") -> str:
    """A contender's label in one scenario's table (some say what they do there)."""
    if key == "decode" and name in _DECODE_LABELS:
        return _DECODE_LABELS[name].format(baseline=baseline or "baseline")
    if (key, name) in _STREAM_LABELS:
        return _STREAM_LABELS[key, name]
    if key == "generate":
        return "`python -m generator --out <tmp>`"
    return label(name, baseline)
