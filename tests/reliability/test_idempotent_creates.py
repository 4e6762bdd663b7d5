"""Issue 4 §2a: 1,000 creates through random faults never create an object twice.

Each call is `webhooks.create(name="call-<i>")` on one client (sequentially, from 8 threads, and from
1,000 tasks on one `AsyncSendmux`); the client generates one Idempotency-Key
per logical call and resends it on every retry.  The fake spoils ~27 % of attempts at random (seeded):
a reset *after* the webhook was created, a 503 with Retry-After, a 429 with Retry-After.  Webhooks (not
domains) because nothing on the server rejects a second webhook with the same name: a duplicate would
show up as one, not hide behind a 409.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import anyio
import pytest
from reliability_helpers import fast, record_figures

from sendmux import (
    APIConnectionError,
    AsyncSendmux,
    RateLimitError,
    Sendmux,
    SendmuxError,
    ServiceUnavailableError,
)
from sendmux.testing import FakeSendmux

CALLS = 1_000
ROUTE = "POST /webhooks"
# Faults are picked in order, so the shares of attempts are 10 %, 9 % and 8.1 %.
FAULTS = (("reset_after_apply", 0.10), ("unavailable", 0.10), ("rate_limit", 0.10))
# What a call may end with once its retries are spent: the last fault's typed error.
EXPECTED_ERRORS = {APIConnectionError, ServiceUnavailableError, RateLimitError}


HOOK = {"url": "https://example.com/hooks/sendmux", "event_types": ["message.delivered"]}
Outcomes = tuple[dict[str, str], dict[str, SendmuxError]]  # name -> returned id; name -> typed error


def _sequential(fake: FakeSendmux) -> Outcomes:
    returned: dict[str, str] = {}
    failed: dict[str, SendmuxError] = {}
    with fast(Sendmux(api_key=fake.api_key, base_url=fake.url, max_retries=2, max_retry_wait=1.0)) as client:
        for i in range(CALLS):
            name = f"call-{i:04d}"
            try:
                hook = client.webhooks.create(**HOOK, name=name)
            except SendmuxError as exc:  # anything that is not a SendmuxError escapes and fails the test
                failed[name] = exc
            else:
                assert hook.name == name
                returned[name] = hook.id
    return returned, failed


def _threads(fake: FakeSendmux) -> Outcomes:
    # The same 1,000 calls from 8 threads sharing the client: keys must stay per call, not per thread.
    returned: dict[str, str] = {}
    failed: dict[str, SendmuxError] = {}
    with fast(Sendmux(api_key=fake.api_key, base_url=fake.url, max_retries=2, max_retry_wait=1.0)) as client:

        def call(i: int) -> None:
            name = f"call-{i:04d}"
            try:
                hook = client.webhooks.create(**HOOK, name=name)
            except SendmuxError as exc:
                failed[name] = exc
            else:
                assert hook.name == name
                returned[name] = hook.id

        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(call, range(CALLS)))  # list(): re-raises anything that is not a SendmuxError
    return returned, failed


def _async(fake: FakeSendmux) -> Outcomes:
    # 1,000 tasks on one AsyncSendmux, 50 in flight at a time.
    returned: dict[str, str] = {}
    failed: dict[str, SendmuxError] = {}

    async def main() -> None:
        client = fast(
            AsyncSendmux(api_key=fake.api_key, base_url=fake.url, max_retries=2, max_retry_wait=1.0)
        )
        gate = anyio.Semaphore(50)

        async def call(i: int) -> None:
            name = f"call-{i:04d}"
            async with gate:
                try:
                    hook = await client.webhooks.create(**HOOK, name=name)
                except SendmuxError as exc:
                    failed[name] = exc
                else:
                    assert hook.name == name
                    returned[name] = hook.id

        async with client, anyio.create_task_group() as tg:
            for i in range(CALLS):
                tg.start_soon(call, i)

    anyio.run(main)
    return returned, failed


RUNNERS: dict[str, Callable[[FakeSendmux], Outcomes]] = {
    "sequential": _sequential,
    "8_threads": _threads,
    "async_50_in_flight": _async,
}


@pytest.mark.parametrize("mode", list(RUNNERS))
def test_thousand_creates_through_faults_create_no_duplicates(fake: FakeSendmux, mode: str) -> None:
    for kind, probability in FAULTS:
        # Retry-After: 0 keeps the run fast; the client still honours it (no backoff on top).
        fake.faults.add(kind, route=ROUTE, times=None, probability=probability, retry_after=0)  # type: ignore[arg-type]

    returned, failed = RUNNERS[mode](fake)

    on_server = fake.objects("webhooks")
    by_name = Counter(w["name"] for w in on_server)
    duplicates = {name: n for name, n in by_name.items() if n > 1}
    ids_on_server = {w["id"] for w in on_server}
    # A failed call may still have created its object (a reset after apply on its last attempt).
    created_by_failed = sorted(set(failed) & set(by_name))
    errors_by_type = Counter(type(e).__name__ for e in failed.values())

    figures = {
        "mode": mode,
        "calls": CALLS,
        "returned_object": len(returned),
        "raised_typed_error": len(failed),
        "errors_by_type": dict(errors_by_type),
        "created_on_server": len(on_server),
        "created_counter": fake.counters.created["webhooks"],
        "created_by_failed_calls": len(created_by_failed),
        "duplicates": sum(n - 1 for n in duplicates.values()),
        "attempts": fake.counters.requests[ROUTE],
        "faults_injected": dict(fake.counters.faults),
        "replayed_by_idempotency_key": fake.counters.replayed[ROUTE],
    }
    record_figures(f"2a_idempotent_creates_{mode}", figures)

    assert not duplicates, f"duplicate objects on the server: {duplicates}"
    assert len(returned) + len(failed) == CALLS
    assert {type(e) for e in failed.values()} <= EXPECTED_ERRORS, errors_by_type
    # Every returned object is really there, and each call's object is the one it returned.
    assert set(returned.values()) <= ids_on_server
    assert all(by_name[name] == 1 for name in returned)
    assert len(on_server) == fake.counters.created["webhooks"] == len(returned) + len(created_by_failed)
    # The faults really happened, and retries really replayed applied creates.
    assert fake.counters.faults["reset_after_apply"] > 50
    assert fake.counters.replayed[ROUTE] > 50
    assert len(returned) > 0.9 * CALLS
