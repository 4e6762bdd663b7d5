"""Issue 4 §2b: auto-pagination over 10,000 items with 10 % of page requests faulted.

Every item must arrive exactly once and in order, and the client's peak memory while iterating must stay
bounded by a few pages, not grow with the list: 1,000 vs 10,000 items at the same page size must peak
alike.  The iteration runs in a child process (paginate_worker.py) so tracemalloc sees the client only.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from reliability_helpers import fast, record_figures

from sendmux import AsyncSendmux
from sendmux.testing import FakeSendmux

HERE = Path(__file__).resolve().parent
LIMIT = 100
SMALL, LARGE = 1_000, 10_000
ROUTE = "GET /webhooks"
# Retryable faults only (the matrix shows each is retried on a GET); 7 rules of ~1.5 % each spoil
# 1 - (1 - 0.0149)**7 ≈ 10 % of page requests.
RETRYABLE = (
    "rate_limit",
    "unavailable",
    "server_error",
    "bad_gateway",
    "reset_before_apply",
    "reset_after_apply",
    "truncated_json",
)
PER_RULE = 0.0149


def _seed_team(fake: FakeSendmux, count: int) -> str:
    team = fake.create_team(f"Team of {count}")
    fake.seed("webhooks", count, team=team, each=lambda i: {"name": f"item-{i:05d}"})
    assert fake.count("webhooks", team=team) == count
    return fake.create_key(["webhook.read"], team=team)


def test_pagination_10k_items_once_in_order_with_bounded_memory(fake: FakeSendmux) -> None:
    small_key, large_key = _seed_team(fake, SMALL), _seed_team(fake, LARGE)
    for kind in RETRYABLE:
        fake.faults.add(kind, route=ROUTE, times=None, probability=PER_RULE, retry_after=0)  # type: ignore[arg-type]

    proc = subprocess.run(
        [
            sys.executable,
            str(HERE / "paginate_worker.py"),
            fake.url,
            str(LIMIT),
            f"small={small_key}:{SMALL}",
            f"large={large_key}:{LARGE}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=HERE,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    small, large, page = out["small"], out["large"], out["one_page"]

    requests = fake.counters.requests[ROUTE]
    faulted = sum(fake.counters.faults.values())
    figures = {
        "items": {"small": small["items"], "large": large["items"]},
        "out_of_order": {"small": small["first_out_of_order"], "large": large["first_out_of_order"]},
        "order": large["order"],
        "page_size": LIMIT,
        "page_requests": requests,
        "page_requests_faulted": faulted,
        "faulted_share": round(faulted / requests, 3),
        "faults_by_kind": dict(fake.counters.faults),
        "one_page_peak_kib": round(page["peak_bytes"] / 1024, 1),
        "one_page_retained_kib": round(page["retained_bytes"] / 1024, 1),
        "peak_kib_1k": round(small["peak_bytes"] / 1024, 1),
        "peak_kib_10k": round(large["peak_bytes"] / 1024, 1),
        "peak_ratio_10k_vs_1k": round(large["peak_bytes"] / small["peak_bytes"], 2),
        "peak_10k_in_pages": round(large["peak_bytes"] / page["peak_bytes"], 2),
    }
    record_figures("2b_pagination", figures)

    for run in (small, large):
        assert run["first_out_of_order"] is None, run
        assert run["items"] == run["expected"]
    # Roughly a tenth of page requests were spoiled (seeded, so this is stable), and all were survived.
    assert 0.05 < faulted / requests < 0.2
    # Memory: a list 10x longer must not peak 10x higher; generous bounds, tracemalloc is noisy.
    assert large["peak_bytes"] < 2.0 * small["peak_bytes"], figures
    assert large["peak_bytes"] < 6.0 * page["peak_bytes"], figures


@pytest.mark.anyio
async def test_async_pagination_10k_items_once_in_order(fake: FakeSendmux) -> None:
    key = _seed_team(fake, LARGE)
    for kind in RETRYABLE:
        fake.faults.add(kind, route=ROUTE, times=None, probability=PER_RULE, retry_after=0)  # type: ignore[arg-type]
    async with fast(
        AsyncSendmux(api_key=key, base_url=fake.url, max_retries=4, max_retry_wait=1.0)
    ) as client:
        count, descending = 0, False
        async for item in client.webhooks.list(limit=LIMIT):
            if count == 0:  # the spec lists newest first, the fake (for now) oldest first
                descending = item.name == f"item-{LARGE - 1:05d}"
            assert item.name == f"item-{LARGE - 1 - count if descending else count:05d}"
            count += 1
    assert count == LARGE
    assert sum(fake.counters.faults.values()) > 0
