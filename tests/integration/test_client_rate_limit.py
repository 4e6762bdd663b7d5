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


def test_rate_limit_state_is_last_seen(server: ScriptedServer, client: Mini, fake_time: FakeTime) -> None:
    reset = fake_time.now + 60
    server.on(
        "GET",
        "/things/t1",
        Reply(json=envelope(thing()), headers=rl(599, reset)),
        Reply(json=envelope(thing()), headers=rl(598, reset)),
        Reply(json=envelope(thing())),  # no headers: the last seen state stays
    )
    assert client.rate_limit is None
    client.things.get("t1")
    assert client.rate_limit == RateLimit(limit=600, remaining=599, reset=int(reset))
    client.things.get("t1")
    client.things.get("t1")
    assert client.rate_limit is not None and client.rate_limit.remaining == 598
    assert client.rate_limit.reset_at is not None and client.rate_limit.reset_at.year >= 2023
    assert fake_time.sleeps == []


def test_pacing_waits_for_reset_instead_of_drawing_429(
    server: ScriptedServer, client: Mini, fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    reset = fake_time.now + 10
    server.on(
        "GET",
        "/things/t1",
        Reply(json=envelope(thing()), headers=rl(0, reset)),
        Reply(json=envelope(thing()), headers=rl(599, reset + 60)),
    )
    with caplog.at_level(logging.INFO, logger="sendmux"):
        client.things.get("t1")
        assert fake_time.sleeps == []
        client.things.get("t1")  # exhausted: wait until the reset first
    assert fake_time.sleeps == [pytest.approx(10.0)]
    assert any("rate limit exhausted" in r.getMessage() for r in caplog.records)
    client.things.get("t1")  # window reopened: no more waiting
    assert len(fake_time.sleeps) == 1


def test_pacing_is_bounded(server: ScriptedServer, client: Mini, fake_time: FakeTime) -> None:
    client.max_retry_wait = 5.0
    server.on("GET", "/things/t1", Reply(json=envelope(thing()), headers=rl(0, fake_time.now + 3600)))
    client.things.get("t1")
    client.things.get("t1")
    assert fake_time.sleeps == [5.0]


def test_reset_in_the_past_does_not_wait(server: ScriptedServer, client: Mini, fake_time: FakeTime) -> None:
    server.on("GET", "/things/t1", Reply(json=envelope(thing()), headers=rl(0, fake_time.now - 5)))
    client.things.get("t1")
    client.things.get("t1")
    assert fake_time.sleeps == []


def test_pacing_shared_across_threads_and_copies(
    server: ScriptedServer, client: Mini, fake_time: FakeTime
) -> None:
    lock = threading.Lock()
    waits: list[float] = []

    def sleep(seconds: float) -> None:  # does not advance the clock: every waiting thread records its wait
        with lock:
            waits.append(seconds)

    client._sleep = sleep
    server.on("GET", "/things/t0", Reply(json=envelope(thing()), headers=rl(0, fake_time.now + 8)))
    server.fallback = lambda r: Reply(json=envelope(thing()))
    client.things.get("t0")  # one response exhausts the window for the whole client
    copy = client.with_options(timeout=5.0)
    threads = [
        threading.Thread(target=(client if i % 2 else copy).things.get, args=(f"t{i + 1}",)) for i in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert waits == [pytest.approx(8.0)] * 4


@pytest.mark.anyio
async def test_async_pacing_shared_across_tasks(
    server: ScriptedServer, aclient: AsyncMini, fake_time: FakeTime
) -> None:
    import anyio

    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    aclient._sleep = sleep
    server.on("GET", "/things/t0", Reply(json=envelope(thing()), headers=rl(0, fake_time.now + 4)))
    server.fallback = lambda r: Reply(json=envelope(thing()), headers=rl(0, fake_time.now + 4))
    await aclient.things.get("t0")
    assert aclient.rate_limit is not None and aclient.rate_limit.remaining == 0
    async with anyio.create_task_group() as tg:
        for i in range(3):
            tg.start_soon(aclient.things.get, f"t{i + 1}")
    assert waits == [pytest.approx(4.0)] * 3
