"""`messages.wait_for(...)` over real loopback HTTP against FakeSendmux, sync and async.

Mail is delivered by the fake from a timer thread while the wait is under way; assertions are about what
comes back, never how long it took.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from sendmux import AsyncSendmuxMailbox, SendmuxMailbox, WaitTimeoutError
from sendmux.testing import FakeSendmux


@pytest.fixture
def mb(fake: FakeSendmux) -> Iterator[SendmuxMailbox]:
    with SendmuxMailbox(
        api_key=fake.mailbox_api_key, base_url=fake.url, allow_insecure_http=True, timeout=10
    ) as client:
        yield client


SINCE_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def later(seconds: float, *deliveries: dict[str, Any], fake: FakeSendmux) -> threading.Timer:
    """Deliver each message (as `fake.add_message` keywords) `seconds` from now, in order."""

    def deliver() -> None:
        for fields in deliveries:
            fake.add_message(**fields)

    timer = threading.Timer(seconds, deliver)
    timer.start()
    return timer


def wait_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if isinstance(t, threading.Timer) and t.is_alive()}


def test_returns_the_message_that_arrives_after_the_call(fake: FakeSendmux, mb: SendmuxMailbox) -> None:
    fake.add_message(subject="Your code is 000000")  # already there: not what we wait for
    timer = later(1.0, {"subject": "Your code is 123456", "sender": "login@example.org"}, fake=fake)
    try:
        message = mb.messages.wait_for(timeout=30, subject="Your code", from_="login@example.org")
    finally:
        timer.join()
    assert message.subject == "Your code is 123456"
    assert message.from_ is not None and message.from_.email == "login@example.org"


def test_skips_a_message_that_does_not_match(fake: FakeSendmux, mb: SendmuxMailbox) -> None:
    timer = later(
        1.0,
        {"subject": "Newsletter"},
        {"subject": "Invoice 7", "attachments": {"invoice.pdf": b"%PDF"}},
        fake=fake,
    )
    try:
        message = mb.messages.wait_for(timeout=30, has_attachment=True, is_unread=True)
    finally:
        timer.join()
    assert message.subject == "Invoice 7"


def test_times_out_cleanly(fake: FakeSendmux) -> None:
    before = wait_threads()
    fake.add_message(subject="Something else")
    with SendmuxMailbox(
        api_key=fake.mailbox_api_key, base_url=fake.url, allow_insecure_http=True, max_connections=2
    ) as mb:
        with pytest.raises(WaitTimeoutError) as caught:
            mb.messages.wait_for(timeout=0.5, subject="Never sent")
        assert isinstance(caught.value, TimeoutError)
        assert "0.5 s" in str(caught.value) and "subject='Never sent'" in str(caught.value)
        assert caught.value.timeout == 0.5
        assert wait_threads() <= before  # the deadline's timer is gone
        # Both connections the wait used (the stream's and the lists') are back in a pool of two: a leaked
        # stream would leave one, and this wait, which needs two, would time out waiting for the pool.
        assert mb.messages.wait_for(timeout=3, subject="Something else", since=SINCE_EPOCH).subject


def test_finds_what_arrived_between_since_and_the_stream_opening(
    fake: FakeSendmux, mb: SendmuxMailbox
) -> None:
    since = datetime.now(UTC)
    # Delivered (and its event sent) before the wait subscribes: only the catch-up `list` can see it.
    fake.add_message(subject="Early bird")
    message = mb.messages.wait_for(timeout=30, subject="Early bird", since=since)
    assert message.subject == "Early bird"


def test_polls_when_the_event_stream_is_refused(fake: FakeSendmux) -> None:
    fake.faults.add("bad_gateway", route="mailboxStreamEvents")
    with SendmuxMailbox(
        api_key=fake.mailbox_api_key, base_url=fake.url, allow_insecure_http=True, max_retries=0
    ) as client:
        timer = later(1.0, {"subject": "Polled"}, fake=fake)
        try:
            message = client.messages.wait_for(timeout=30, subject="Polled")
        finally:
            timer.join()
    assert message.subject == "Polled"
    assert any(r.operation_id == "mailboxStreamEvents" and r.status == 502 for r in fake.requests)


@pytest.mark.parametrize(
    ("timeout", "error"),
    [(0, ValueError), (-1, ValueError), (float("inf"), ValueError), ("30", TypeError), (True, TypeError)],
)
def test_a_bad_timeout_is_refused_before_sending(
    fake: FakeSendmux, mb: SendmuxMailbox, timeout: Any, error: type[Exception]
) -> None:
    with pytest.raises(error, match="timeout"):
        mb.messages.wait_for(timeout=timeout, subject="x")
    assert fake.requests == []


def test_a_naive_since_is_refused_before_sending(fake: FakeSendmux, mb: SendmuxMailbox) -> None:
    with pytest.raises(ValueError, match="since"):
        mb.messages.wait_for(timeout=1, since=datetime.now())  # noqa: DTZ005 - the point of the test
    assert fake.requests == []


# -- async ----------------------------------------------------------------------------------------------------


def amb(fake: FakeSendmux, **kwargs: Any) -> AsyncSendmuxMailbox:
    return AsyncSendmuxMailbox(
        api_key=fake.mailbox_api_key, base_url=fake.url, allow_insecure_http=True, timeout=10, **kwargs
    )


@pytest.mark.anyio
async def test_async_returns_the_message_that_arrives_after_the_call(fake: FakeSendmux) -> None:
    fake.add_message(subject="Your code is 000000")
    timer = later(
        1.0,
        {"subject": "Hello"},
        {"subject": "Your code is 654321", "sender": "login@example.org"},
        fake=fake,
    )
    try:
        async with amb(fake) as client:
            message = await client.messages.wait_for(timeout=30, subject="Your code", from_="login@example")
    finally:
        timer.join()
    assert message.subject == "Your code is 654321"


@pytest.mark.anyio
async def test_async_times_out_cleanly(fake: FakeSendmux) -> None:
    fake.add_message(subject="Something else")
    async with amb(fake, max_connections=2) as client:
        with pytest.raises(WaitTimeoutError) as caught:
            await client.messages.wait_for(timeout=0.5, subject="Never sent")
        assert isinstance(caught.value, TimeoutError)
        # As in the sync test: a second wait needs both connections of the pool back.
        message = await client.messages.wait_for(timeout=3, subject="Something else", since=SINCE_EPOCH)
    assert message.subject == "Something else"


@pytest.mark.anyio
async def test_async_catch_up_and_bad_timeout(fake: FakeSendmux) -> None:
    since = datetime.now(UTC)
    fake.add_message(subject="Early bird")
    async with amb(fake) as client:
        with pytest.raises(ValueError, match="timeout"):
            await client.messages.wait_for(timeout=0)
        assert fake.requests == []
        message = await client.messages.wait_for(timeout=30, subject="Early bird", since=since)
    assert message.subject == "Early bird"


@pytest.mark.anyio
async def test_async_polls_when_the_event_stream_is_refused(fake: FakeSendmux) -> None:
    fake.faults.add("bad_gateway", route="mailboxStreamEvents")
    timer = later(1.0, {"subject": "Polled"}, fake=fake)
    try:
        async with amb(fake, max_retries=0) as client:
            message = await client.messages.wait_for(timeout=30, subject="Polled")
    finally:
        timer.join()
    assert message.subject == "Polled"
