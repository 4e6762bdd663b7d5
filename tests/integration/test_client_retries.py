"""Retries, backoff, Retry-After and idempotency keys over loopback HTTP (sleep and clock injected)."""

from __future__ import annotations

import email.utils
import logging
import uuid

import pytest
from support.mini_client import AsyncMini, FakeTime, Mini, make_async_client, make_client, thing
from support.scripted_server import Reply, ScriptedServer, envelope, error_envelope, free_port

from sendmux import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    InternalServerError,
    RateLimitError,
    ServiceUnavailableError,
)

OK = Reply(json=envelope(thing()))


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_retryable_statuses_are_retried(
    scripted: ScriptedServer, mini: Mini, fake_time: FakeTime, status: int
) -> None:
    scripted.on("GET", "/things/t1", Reply(status, body=b"busy"), OK)
    assert mini.things.get("t1").id == "t1"
    assert len(scripted.requests) == 2
    assert fake_time.sleeps == [0.25]  # full jitter: 0.5 s ceiling * injected random 0.5


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 413, 422, 501])
def test_other_statuses_are_not_retried(scripted: ScriptedServer, mini: Mini, status: int) -> None:
    scripted.on("GET", "/things/t1", Reply(status, json=error_envelope("x")), OK)
    with pytest.raises(APIStatusError):
        mini.things.get("t1")
    assert len(scripted.requests) == 1


def test_backoff_grows_and_retries_are_bounded(
    scripted: ScriptedServer, mini: Mini, fake_time: FakeTime
) -> None:
    scripted.on("GET", "/things/t1", Reply(500, json=error_envelope("internal_error", retryable=True)))
    with pytest.raises(InternalServerError):
        mini.things.get("t1", max_retries=4)
    assert len(scripted.requests) == 5
    assert fake_time.sleeps == [0.25, 0.5, 1.0, 2.0]


def test_default_is_two_retries_and_zero_disables(
    scripted: ScriptedServer, mini: Mini, fake_time: FakeTime
) -> None:
    scripted.on("GET", "/things/t1", Reply(503))
    with pytest.raises(ServiceUnavailableError):
        mini.things.get("t1")
    assert len(scripted.requests) == 3
    with pytest.raises(ServiceUnavailableError):
        mini.things.get("t1", max_retries=0)
    assert len(scripted.requests) == 4
    with pytest.raises(ServiceUnavailableError):
        mini.with_options(max_retries=0).things.get("t1")
    assert len(scripted.requests) == 5


def test_retryable_false_is_never_retried(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.on(
        "GET", "/things/t1", Reply(503, json=error_envelope("service_unavailable", retryable=False)), OK
    )
    with pytest.raises(ServiceUnavailableError):
        mini.things.get("t1")
    assert len(scripted.requests) == 1


def test_retry_after_seconds(scripted: ScriptedServer, mini: Mini, fake_time: FakeTime) -> None:
    scripted.on("GET", "/things/t1", Reply(429, headers={"Retry-After": "7"}), OK)
    mini.things.get("t1")
    assert fake_time.sleeps == [7.0]


def test_retry_after_http_date(scripted: ScriptedServer, mini: Mini, fake_time: FakeTime) -> None:
    when = email.utils.formatdate(fake_time.now + 12, usegmt=True)
    scripted.on("GET", "/things/t1", Reply(503, headers={"Retry-After": when}), OK)
    mini.things.get("t1")
    assert fake_time.sleeps == [pytest.approx(12.0, abs=1.0)]


def test_ratelimit_reset_when_no_retry_after(
    scripted: ScriptedServer, mini: Mini, fake_time: FakeTime
) -> None:
    reset = int(fake_time.now) + 5
    scripted.on(
        "GET",
        "/things/t1",
        Reply(429, headers={"X-RateLimit-Reset": str(reset), "X-RateLimit-Remaining": "0"}),
        OK,
    )
    mini.things.get("t1")
    assert fake_time.sleeps == [pytest.approx(5.0, abs=1.0)]


def test_wait_longer_than_max_retry_wait_fails_fast(scripted: ScriptedServer, fake_time: FakeTime) -> None:
    scripted.on("GET", "/things/t1", Reply(429, headers={"Retry-After": "120"}), OK)
    with make_client(scripted.base_url, fake_time, max_retry_wait=30) as c:
        with pytest.raises(RateLimitError) as info:
            c.things.get("t1")
    assert len(scripted.requests) == 1 and fake_time.sleeps == []
    assert info.value.headers is not None and info.value.headers["retry-after"] == "120"


def test_post_without_key_not_retried_on_5xx(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.on("POST", "/things/t1/verify", Reply(503), OK)
    with pytest.raises(ServiceUnavailableError):
        mini.things.verify("t1")
    assert len(scripted.requests) == 1


def test_post_with_user_key_in_extra_headers_is_retried(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.on("POST", "/things/t1/verify", Reply(503), OK)
    mini.things.verify("t1", extra_headers={"idempotency-key": "k-1"})
    assert [r.headers["idempotency-key"] for r in scripted.requests] == ["k-1", "k-1"]


def test_post_after_disconnect_not_retried_without_key(scripted: ScriptedServer, mini: Mini) -> None:
    # The server read the request and then dropped the connection: it may have acted on it.
    scripted.on("POST", "/things/t1/verify", Reply(fault="close"), OK)
    with pytest.raises(APIConnectionError):
        mini.things.verify("t1")
    assert len(scripted.requests) == 1


def test_post_retried_when_never_sent(fake_time: FakeTime) -> None:
    # Nothing listens: the connection is refused, so the request provably never reached a scripted.
    c = make_client(f"http://127.0.0.1:{free_port()}/api/v1", fake_time)
    with pytest.raises(APIConnectionError):
        c.things.verify("t1")
    assert len(fake_time.sleeps) == 2  # two retries happened
    c.close()


def test_get_retried_after_disconnect_and_timeout(
    scripted: ScriptedServer, mini: Mini, fake_time: FakeTime
) -> None:
    scripted.on("GET", "/things/t1", Reply(fault="close"), Reply(json=envelope(thing()), delay=0.3), OK)
    assert mini.things.get("t1", timeout=0.1).id == "t1"
    assert len(scripted.requests) == 3 and len(fake_time.sleeps) == 2


def test_timeout_error_type(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.on("GET", "/things/t1", Reply(json=envelope(thing()), delay=0.3))
    with pytest.raises(APITimeoutError):
        mini.things.get("t1", timeout=0.05, max_retries=0)


def test_idempotency_key_generated_once_per_call(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.on("POST", "/things", Reply(500), Reply(502), Reply(201, json=envelope(thing("t9"))))
    made = mini.things.create(name="nine")
    assert made.id == "t9"
    keys = [r.headers["idempotency-key"] for r in scripted.requests]
    assert len(keys) == 3 and len(set(keys)) == 1
    uuid.UUID(keys[0])  # a uuid4
    scripted.on("POST", "/things", Reply(201, json=envelope(thing("t10"))))
    mini.things.create(name="ten")
    assert scripted.requests[-1].headers["idempotency-key"] != keys[0]  # new logical call, new key


def test_user_idempotency_key_and_replay(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.on(
        "POST",
        "/things",
        Reply(fault="close"),
        Reply(200, json=envelope(thing("t9")), headers={"Idempotency-Replayed": "true"}),
    )
    made = mini.things.create(name="nine", idempotency_key="order-42")
    assert made.id == "t9"
    assert [r.headers["idempotency-key"] for r in scripted.requests] == ["order-42", "order-42"]


def test_retry_logged_at_info(scripted: ScriptedServer, mini: Mini, caplog: pytest.LogCaptureFixture) -> None:
    scripted.on("GET", "/things/t1", Reply(503, json=error_envelope("service_unavailable")), OK)
    with caplog.at_level(logging.INFO, logger="sendmux"):
        mini.things.get("t1")
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert lines == ["retrying GET /things/t1 in 0.25 s (attempt 2 of 3) after 503 service_unavailable"]


@pytest.mark.anyio
async def test_async_retries_and_idempotency(
    scripted: ScriptedServer, amini: AsyncMini, fake_time: FakeTime
) -> None:
    scripted.on(
        "POST",
        "/things",
        Reply(429, headers={"Retry-After": "3"}),
        Reply(503),
        Reply(201, json=envelope(thing("t9"))),
    )
    made = await amini.things.create(name="nine")
    assert made.id == "t9" and fake_time.sleeps == [3.0, 0.5]
    assert len({r.headers["idempotency-key"] for r in scripted.requests}) == 1
    scripted.on("POST", "/things/t1/verify", Reply(503), OK)
    with pytest.raises(ServiceUnavailableError):
        await amini.things.verify("t1")
    scripted.on(
        "GET", "/things/t2", Reply(503, json=error_envelope("service_unavailable", retryable=False)), OK
    )
    with pytest.raises(ServiceUnavailableError):
        await amini.things.get("t2")


@pytest.mark.anyio
async def test_async_connect_error_and_timeout(scripted: ScriptedServer, fake_time: FakeTime) -> None:
    c = make_async_client(f"http://127.0.0.1:{free_port()}/api/v1", fake_time)
    with pytest.raises(APIConnectionError) as info:
        await c.things.verify("t1")
    assert len(fake_time.sleeps) == 2 and info.value.__context__ is None
    await c.close()
    scripted.on("GET", "/things/t1", Reply(json=envelope(thing()), delay=0.3), OK)
    async with make_async_client(scripted.base_url, fake_time) as c2:
        assert (await c2.things.get("t1", timeout=0.1)).id == "t1"
        with pytest.raises(APITimeoutError):
            scripted.on("GET", "/things/t3", Reply(json=envelope(thing()), delay=0.3))
            await c2.things.get("t3", timeout=0.05, max_retries=0)


def test_post_without_key_is_retried_after_429(scripted: ScriptedServer, mini: Mini) -> None:
    # A rate limit refuses the request before acting on it: resending cannot act twice.
    scripted.on("POST", "/things/t1/verify", Reply(429, headers={"Retry-After": "0"}), OK)
    mini.things.verify("t1")
    assert len(scripted.requests) == 2
