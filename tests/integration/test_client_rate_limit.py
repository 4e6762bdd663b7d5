"""Rate-limit state and pacing over loopback HTTP (clock and sleep injected)."""

from __future__ import annotations

import logging
import threading

import pytest
from support.mini_client import AsyncMini, FakeTime, Mini, thing
from support.scripted_server import Reply, ScriptedServer, envelope

from sendmux import RateLimit


def rl(remaining: int, reset: float, limit: int = 600) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": str(int(reset)),
    }


def test_rate_limit_state_is_last_seen(scripted: ScriptedServer, mini: Mini, fake_time: FakeTime) -> None:
    reset = fake_time.now + 60
    scripted.on(
        "GET",
        "/things/t1",
        Reply(json=envelope(thing()), headers=rl(599, reset)),
        Reply(json=envelope(thing()), headers=rl(598, reset)),
        Reply(json=envelope(thing())),  # no headers: the last seen state stays
    )
    assert mini.rate_limit is None
    mini.things.get("t1")
    assert mini.rate_limit == RateLimit(limit=600, remaining=599, reset=int(reset))
    mini.things.get("t1")
    mini.things.get("t1")
    assert mini.rate_limit is not None and mini.rate_limit.remaining == 598
    assert mini.rate_limit.reset_at is not None and mini.rate_limit.reset_at.year >= 2023
    assert fake_time.sleeps == []


def test_pacing_waits_for_reset_instead_of_drawing_429(
    scripted: ScriptedServer, mini: Mini, fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    reset = fake_time.now + 10
    scripted.on(
        "GET",
        "/things/t1",
        Reply(json=envelope(thing()), headers=rl(0, reset)),
        Reply(json=envelope(thing()), headers=rl(599, reset + 60)),
    )
    with caplog.at_level(logging.INFO, logger="sendmux"):
        mini.things.get("t1")
        assert fake_time.sleeps == []
        mini.things.get("t1")  # exhausted: wait until the reset first
    assert fake_time.sleeps == [pytest.approx(10.0)]
    assert any("rate limit exhausted" in r.getMessage() for r in caplog.records)
    mini.things.get("t1")  # window reopened: no more waiting
    assert len(fake_time.sleeps) == 1


def test_pacing_is_bounded(scripted: ScriptedServer, mini: Mini, fake_time: FakeTime) -> None:
    mini.max_retry_wait = 5.0
    scripted.on("GET", "/things/t1", Reply(json=envelope(thing()), headers=rl(0, fake_time.now + 3600)))
    mini.things.get("t1")
    mini.things.get("t1")
    assert fake_time.sleeps == [5.0]


def test_reset_in_the_past_does_not_wait(scripted: ScriptedServer, mini: Mini, fake_time: FakeTime) -> None:
    scripted.on("GET", "/things/t1", Reply(json=envelope(thing()), headers=rl(0, fake_time.now - 5)))
    mini.things.get("t1")
    mini.things.get("t1")
    assert fake_time.sleeps == []


def test_pacing_shared_across_threads_and_copies(
    scripted: ScriptedServer, mini: Mini, fake_time: FakeTime
) -> None:
    lock = threading.Lock()
    waits: list[float] = []

    def sleep(seconds: float) -> None:  # does not advance the clock: every waiting thread records its wait
        with lock:
            waits.append(seconds)

    mini._sleep = sleep
    scripted.on("GET", "/things/t0", Reply(json=envelope(thing()), headers=rl(0, fake_time.now + 8)))
    scripted.fallback = lambda r: Reply(json=envelope(thing()))
    mini.things.get("t0")  # one response exhausts the window for the whole client
    copy = mini.with_options(timeout=5.0)
    threads = [
        threading.Thread(target=(mini if i % 2 else copy).things.get, args=(f"t{i + 1}",)) for i in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert waits == [pytest.approx(8.0)] * 4


@pytest.mark.anyio
async def test_async_pacing_shared_across_tasks(
    scripted: ScriptedServer, amini: AsyncMini, fake_time: FakeTime
) -> None:
    import anyio

    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    amini._sleep = sleep
    scripted.on("GET", "/things/t0", Reply(json=envelope(thing()), headers=rl(0, fake_time.now + 4)))
    scripted.fallback = lambda r: Reply(json=envelope(thing()), headers=rl(0, fake_time.now + 4))
    await amini.things.get("t0")
    assert amini.rate_limit is not None and amini.rate_limit.remaining == 0
    async with anyio.create_task_group() as tg:
        for i in range(3):
            tg.start_soon(amini.things.get, f"t{i + 1}")
    assert waits == [pytest.approx(4.0)] * 3


def test_budget_holds_back_threads_beyond_remaining(
    scripted: ScriptedServer, mini: Mini, fake_time: FakeTime
) -> None:
    lock = threading.Lock()
    waits: list[float] = []
    errors: list[BaseException] = []
    served = [0]
    reset = fake_time.now + 30
    # The server answers none of the threads' requests until all five have arrived, so every thread has
    # taken or been refused its slot before any answer lowers `remaining`. (Otherwise an answer counted by
    # the server while an earlier request is still in flight briefly hides a free slot, and a third thread
    # waits: the budget errs on the safe side, but the count of waits would depend on scheduling.)
    all_arrived = threading.Event()

    def sleep(seconds: float) -> None:
        with lock:
            waits.append(seconds)

    def handler(r: object) -> Reply:
        with lock:
            served[0] += 1
            count = served[0]
            remaining = max(0, 4 - count)
        if count == 6:
            all_arrived.set()
        elif count > 1:
            all_arrived.wait(timeout=30)
        return Reply(json=envelope(thing()), headers=rl(remaining, reset))

    def get(thing_id: str) -> None:
        try:
            mini.things.get(thing_id)
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)

    mini._sleep = sleep
    scripted.fallback = handler
    mini.things.get("t0")  # remaining 3
    threads = [threading.Thread(target=get, args=(f"t{i + 1}",)) for i in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and all_arrived.is_set()
    # Three requests fit in the window; the other two waited for the reset instead of drawing 429s.
    assert waits == [pytest.approx(30.0)] * 2
