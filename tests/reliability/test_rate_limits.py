"""Rate limits over real sockets (issue 3 §8, against the fake's real limiter, not an injected fault).

The fake allows LIMIT requests per WINDOW seconds per key and says so in X-RateLimit-* headers.  A client
that paces itself waits for the reset when remaining hits 0 instead of drawing a 429.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

import pytest
from reliability_helpers import record_figures

from sendmux import Sendmux
from sendmux.testing import FakeSendmux

LIMIT, WINDOW = 10, 1.0


@pytest.fixture
def limited() -> Iterator[FakeSendmux]:
    with FakeSendmux(rate_limit=LIMIT, rate_window=WINDOW) as server:
        yield server


def test_sequential_calls_pace_instead_of_drawing_429(
    limited: FakeSendmux, caplog: pytest.LogCaptureFixture
) -> None:
    calls = 2 * LIMIT + 5  # three windows
    with caplog.at_level(logging.INFO, logger="sendmux"):
        with Sendmux(api_key=limited.api_key, base_url=limited.url) as client:
            for _ in range(calls):
                client.connection.get()
            seen = client.rate_limit
    pacing = [r for r in caplog.records if "rate limit exhausted" in r.getMessage()]
    record_figures(
        "rate_limit_sequential",
        {"calls": calls, "statuses": dict(limited.counters.statuses), "pacing_waits": len(pacing)},
    )
    assert limited.counters.statuses[429] == 0
    ok = limited.counters.statuses
    assert ok[200] + ok[304] == calls  # /me carries an ETag: repeats are 304s from the cache
    assert len(pacing) >= 2  # once per exhausted window
    assert seen is not None and seen.limit == LIMIT


def test_threads_share_the_pacing_and_every_call_succeeds(limited: FakeSendmux) -> None:
    threads, per_thread = 4, 8
    errors: list[BaseException] = []
    with Sendmux(api_key=limited.api_key, base_url=limited.url) as client:

        def worker() -> None:
            try:
                for _ in range(per_thread):
                    client.connection.get()
            except BaseException as exc:  # noqa: BLE001 — reported below
                errors.append(exc)

        pool = [threading.Thread(target=worker) for _ in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join(timeout=60)
    statuses = dict(limited.counters.statuses)
    record_figures("rate_limit_threads", {"calls": threads * per_thread, "statuses": statuses})
    assert not errors, errors[:3]
    ok = limited.counters.statuses
    assert ok[200] + ok[304] == threads * per_thread
    # Requests already in flight when the window runs out can still draw a 429; they are retried after
    # Retry-After.  Unpaced, 22 of the 32 first attempts would be 429s; paced, a few per window remain.
    assert limited.counters.statuses[429] < threads * per_thread // 2
