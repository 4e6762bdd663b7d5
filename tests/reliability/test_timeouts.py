"""Issue 4 §2d: a call against a slow route raises `APITimeoutError` in bounded time.

The fake holds each request on the route for DELAY seconds, far past the client's timeout.  The bound is
timeout x attempts + the most the real backoff can sleep between them + a generous margin; there is no
lower-bound assertion (a loaded CI machine is slow, never fast).
"""

from __future__ import annotations

import time

import httpx
import pytest
from reliability_helpers import record_figures

from sendmux import APITimeoutError, AsyncSendmux, Sendmux
from sendmux._retry import BACKOFF_BASE, BACKOFF_CAP
from sendmux.testing import FakeSendmux

TIMEOUT = 0.3
DELAY = 3.0
ROUTE = "GET /domains/{public_id}"
MARGIN = 2.0


def _max_backoff(retries: int) -> float:
    # Full jitter never sleeps more than the ceiling of each retry.
    return sum(min(BACKOFF_CAP, BACKOFF_BASE * 2**i) for i in range(retries))


def _bound(timeout: float, retries: int) -> float:
    return timeout * (retries + 1) + _max_backoff(retries) + MARGIN


def _slow_domain(fake: FakeSendmux) -> str:
    domain_id = fake.seed("domains", 1)[0]["id"]
    fake.faults.add("delay", route=ROUTE, times=None, delay=DELAY)
    return domain_id


@pytest.mark.parametrize("retries", [0, 2])
def test_sync_timeout_is_honoured_on_every_attempt(fake: FakeSendmux, retries: int) -> None:
    domain_id = _slow_domain(fake)
    # Real backoff here (no fast jitter): the bound must hold for what users get.
    with Sendmux(api_key=fake.api_key, base_url=fake.url, timeout=TIMEOUT, max_retries=retries) as client:
        started = time.monotonic()
        with pytest.raises(APITimeoutError) as caught:
            client.domains.get(domain_id)
        elapsed = time.monotonic() - started

    record_figures(
        f"2d_timeout_sync_retries{retries}",
        {
            "timeout_s": TIMEOUT,
            "retries": retries,
            "elapsed_s": round(elapsed, 3),
            "bound_s": _bound(TIMEOUT, retries),
        },
    )
    assert elapsed < _bound(TIMEOUT, retries)
    assert fake.counters.requests[ROUTE] == retries + 1  # each attempt timed out, then was retried
    assert "timed out" in str(caught.value) and caught.value.method == "GET"


def test_per_call_timeout_overrides_the_clients(fake: FakeSendmux) -> None:
    domain_id = _slow_domain(fake)
    with Sendmux(api_key=fake.api_key, base_url=fake.url) as client:  # default: 60 s
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            client.domains.get(domain_id, timeout=TIMEOUT, max_retries=0)
        elapsed = time.monotonic() - started
    assert elapsed < _bound(TIMEOUT, 0)
    assert fake.counters.requests[ROUTE] == 1


def test_httpx_timeout_object_read_limit(fake: FakeSendmux) -> None:
    domain_id = _slow_domain(fake)
    timeout = httpx.Timeout(30.0, read=TIMEOUT)  # only the read phase is short, and it is the slow one
    with Sendmux(api_key=fake.api_key, base_url=fake.url, timeout=timeout, max_retries=1) as client:
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            client.domains.get(domain_id)
        elapsed = time.monotonic() - started
    assert elapsed < _bound(TIMEOUT, 1)
    assert fake.counters.requests[ROUTE] == 2


@pytest.mark.anyio
async def test_async_timeout_is_honoured_on_every_attempt(fake: FakeSendmux) -> None:
    domain_id = _slow_domain(fake)
    retries = 2
    async with AsyncSendmux(
        api_key=fake.api_key, base_url=fake.url, timeout=TIMEOUT, max_retries=retries
    ) as client:
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            await client.domains.get(domain_id)
        elapsed = time.monotonic() - started
    record_figures(
        "2d_timeout_async_retries2",
        {
            "timeout_s": TIMEOUT,
            "retries": retries,
            "elapsed_s": round(elapsed, 3),
            "bound_s": _bound(TIMEOUT, retries),
        },
    )
    assert elapsed < _bound(TIMEOUT, retries)
    assert fake.counters.requests[ROUTE] == retries + 1
