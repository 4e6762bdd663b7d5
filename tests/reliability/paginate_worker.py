"""Child process of test_pagination.py: iterate lists under tracemalloc and print the figures as JSON.

A separate process because tracemalloc counts every thread's allocations, and the fake server (which
builds each page from all its records) must not be measured as if it were the client.

    python paginate_worker.py BASE_URL LIMIT NAME=KEY:COUNT [NAME=KEY:COUNT ...]

Each NAME is a team seeded with COUNT webhooks named item-00000, item-00001, ... in creation order; the
key lists that team's webhooks.  Checking each name against a running counter proves every item came
exactly once and in order without keeping the items (which would measure the test, not the client).
The first item tells the direction: the spec lists newest first, the fake (for now) oldest first.
"""

from __future__ import annotations

import gc
import json
import sys
import tracemalloc
from typing import Any

from reliability_helpers import fast

from sendmux import Sendmux


def _measure_start() -> int:
    gc.collect()
    tracemalloc.reset_peak()
    return tracemalloc.get_traced_memory()[0]


def one_page(client: Sendmux, limit: int) -> dict[str, int]:
    base = _measure_start()
    page = client.webhooks.list(limit=limit)
    current, peak = tracemalloc.get_traced_memory()
    assert len(page.data) == limit
    return {"peak_bytes": peak - base, "retained_bytes": current - base}


def iterate(client: Sendmux, limit: int, expected: int) -> dict[str, Any]:
    base = _measure_start()
    count = 0
    first_bad: str | None = None
    descending = False
    for item in client.webhooks.list(limit=limit):
        if count == 0:
            descending = item.name == f"item-{expected - 1:05d}"
        want = f"item-{expected - 1 - count if descending else count:05d}"
        if first_bad is None and item.name != want:
            first_bad = f"position {count}: {item.name!r}, expected {want!r}"
        count += 1
    peak = tracemalloc.get_traced_memory()[1] - base
    return {
        "items": count,
        "expected": expected,
        "first_out_of_order": first_bad,
        "order": "newest first" if descending else "oldest first",
        "peak_bytes": peak,
    }


def main(argv: list[str]) -> None:
    base_url, limit = argv[0], int(argv[1])
    teams = {}
    for spec in argv[2:]:
        name, rest = spec.split("=", 1)
        key, count = rest.rsplit(":", 1)
        teams[name] = (key, int(count))
    # Enough retries that a run of faults on one page (10 % each) cannot end the iteration.
    clients = {
        name: fast(Sendmux(api_key=key, base_url=base_url, max_retries=4, max_retry_wait=1.0))
        for name, (key, _) in teams.items()
    }
    for client in clients.values():
        client.webhooks.list(limit=1)  # warm up: imports, the connection, decoder caches
    tracemalloc.start()
    out: dict[str, Any] = {}
    first = next(iter(clients.values()))
    out["one_page"] = one_page(first, limit)
    for name, (_, count) in teams.items():
        out[name] = iterate(clients[name], limit, count)
    tracemalloc.stop()
    for client in clients.values():
        client.close()
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
