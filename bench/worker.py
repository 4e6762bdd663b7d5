"""One contender's timing loop, in its own process (and for the official SDK, its own venv).

Two modes:
- serve (default): read JSON commands `{"scenario": ..., "n": ...}` from stdin, one per line, answer each
  with `{"seconds": <wall for the batch>, "n": n}` on stdout.  The harness keeps one such worker per
  contender alive and sends them batches in turn (A B C D, A B C D …).
- `--paginate`: a fresh process iterates every item behind the base URL `--passes` times timed, then
  once under tracemalloc, and reports items, the median rate and memory (peak RSS is a per-process high-water mark, so each
  dataset size gets its own process).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import resource
import statistics
import sys
import time
import traceback
import tracemalloc
from typing import Any

from bench import contenders


def run_batch(c: contenders.Contender, scenario: str, n: int, state: dict[str, Any]) -> float:
    """Wall seconds for n repetitions of a scenario (for `async_get`: n concurrent calls, once)."""
    clock = time.perf_counter
    if scenario == "get_one":
        get = c.get_one
        t0 = clock()
        for _ in range(n):
            get()
        return clock() - t0
    if scenario == "list_100":
        list_100 = c.list_100
        t0 = clock()
        for _ in range(n):
            list_100()
        return clock() - t0
    if scenario == "decode":
        body = state.get("page")
        if body is None:
            body = state["page"] = _fetch_page(c.url)
        decode = c.decode
        t0 = clock()
        for _ in range(n):
            decode(body)
        return clock() - t0
    if scenario == "async_get":
        loop = state.get("loop")
        if loop is None:
            loop = state["loop"] = asyncio.new_event_loop()
        t0 = clock()
        done = loop.run_until_complete(contenders.gather_gets(c, n))
        elapsed = clock() - t0
        if done != n:
            raise RuntimeError(f"async_get finished {done} of {n}")
        return elapsed
    if scenario in ("events", "download"):
        # n is the stream's size: events in one stream, or bytes of one download.
        read = c.events if scenario == "events" else c.download
        t0 = clock()
        got = read(n)
        elapsed = clock() - t0
        if got != n:
            raise RuntimeError(f"{scenario}: read {got} of {n}")
        return elapsed
    raise ValueError(f"unknown scenario {scenario!r}")


def _fetch_page(url: str) -> bytes:
    # The same bytes every contender decodes: the server's 100-item page.
    import urllib.request

    req = urllib.request.Request(f"{url}/providers?limit=100", headers=contenders.AUTH)
    with urllib.request.urlopen(req, timeout=30) as resp:
        body: bytes = resp.read()
        return body


def serve(c: contenders.Contender) -> int:
    state: dict[str, Any] = {}
    out = sys.stdout
    for line in sys.stdin:
        if not line.strip():
            continue
        cmd = json.loads(line)
        try:
            seconds = run_batch(c, cmd["scenario"], int(cmd["n"]), state)
            reply: dict[str, Any] = {"seconds": seconds, "n": int(cmd["n"])}
        except Exception as exc:  # reported to the harness, which decides
            reply = {"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}
        out.write(json.dumps(reply) + "\n")
        out.flush()
    loop = state.get("loop")
    if loop is not None:
        loop.run_until_complete(c.aclose())
        loop.close()
    return 0


def maxrss_kib() -> int:
    # Linux reports KiB, macOS bytes.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss // 1024 if sys.platform == "darwin" else rss


def paginate(c: contenders.Contender, passes: int = 1) -> dict[str, Any]:
    # Warm the code paths (lazy imports, first connection) on one page before the high-water baseline.
    c.list_100()
    gc.collect()
    rss_before = maxrss_kib()
    items = 0
    rates: list[float] = []
    # Several timed passes when the dataset is small: 1,000 items take ~20 ms, too short to time once.
    for _ in range(passes):
        items = 0
        t0 = time.perf_counter()
        for _ in c.iterate():
            items += 1
        rates.append(items / (time.perf_counter() - t0))
    rss_after = maxrss_kib()
    gc.collect()
    tracemalloc.start()
    base, _ = tracemalloc.get_traced_memory()
    traced = sum(1 for _ in c.iterate())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    if traced != items:
        raise RuntimeError(f"second pass saw {traced} items, first {items}")
    return {
        "items": items,
        "items_per_second": statistics.median(rates),
        "passes": passes,
        "rss_before_kib": rss_before,
        "rss_peak_kib": rss_after,
        "tracemalloc_peak_bytes": peak - base,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    parser.add_argument("contender", choices=sorted(contenders.CONTENDERS))
    parser.add_argument("url")
    parser.add_argument("--paginate", action="store_true")
    parser.add_argument("--passes", type=int, default=1, help="timed passes over the dataset (--paginate)")
    args = parser.parse_args(argv)
    c = contenders.make(args.contender, args.url)
    if args.paginate:
        print(json.dumps(paginate(c, args.passes)), flush=True)
        return 0
    print(json.dumps({"ready": True}), flush=True)
    return serve(c)


if __name__ == "__main__":
    raise SystemExit(main())
