"""Webhooks end to end over real sockets: FakeSendmux signs and POSTs deliveries to a stdlib receiver on
127.0.0.1, which verifies them with sendmux.webhooks.construct_event, across a secret rotation."""

from __future__ import annotations

import logging
import os
import queue
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from sendmux import Sendmux
from sendmux._field_decoding import _warned
from sendmux.testing import FakeSendmux
from sendmux.webhooks import (
    WebhookPayloadError,
    WebhookSignatureError,
    construct_event,
    sign,
    verify_signature,
)

T = TypeVar("T")
WAIT = 10.0  # generous: deliveries may be sent from a background thread


@dataclass(frozen=True)
class Delivery:
    path: str
    headers: Message  # exactly what a BaseHTTPRequestHandler receiver sees
    body: bytes


class Receiver:
    """A stdlib HTTP endpoint that records every POST and answers with scripted statuses (then 200)."""

    def __init__(self) -> None:
        self.deliveries: queue.Queue[Delivery] = queue.Queue()
        self.statuses: list[int] = []
        lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                outer.deliveries.put(Delivery(self.path, self.headers, body))
                with lock:
                    status = outer.statuses.pop(0) if outer.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/hooks/sendmux"

    def next(self, timeout: float = WAIT) -> Delivery:
        try:
            return self.deliveries.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no delivery reached the receiver within {timeout}s") from None

    def assert_quiet(self, timeout: float = 0.3) -> None:
        with pytest.raises(queue.Empty):
            self.deliveries.get(timeout=timeout)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    r.thread.start()
    try:
        yield r
    finally:
        r.server.shutdown()
        r.server.server_close()


@pytest.fixture
def client(fake: FakeSendmux) -> Iterator[Sendmux]:
    c = Sendmux(api_key=fake.api_key, base_url=fake.url)
    try:
        yield c
    finally:
        c.close()


def eventually(check: Callable[[], T | None], timeout: float = WAIT) -> T:
    """Poll until check() returns something truthy (the delivery log may trail the POST a little)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


def test_subscribe_test_rotate_and_verify(client: Sendmux, receiver: Receiver) -> None:
    sub = client.webhooks.create(url=receiver.url, event_types=["sendmux.test"])
    old_secret = sub.secret
    assert old_secret

    # 1. A test event, verified with the subscription's secret.
    first = client.webhooks.test(sub.id)
    d1 = receiver.next()
    assert d1.path == "/hooks/sendmux"
    assert d1.headers.get("Content-Type", "").startswith("application/json")
    e1 = construct_event(d1.body, d1.headers, old_secret)
    assert e1.event_id == first.event_id
    assert e1.event_type == "sendmux.test"
    assert e1.delivery_attempt == 1
    assert e1.data.webhook_id == sub.id
    assert e1.raw == d1.body
    # The header is exactly what our own sign() computes, lowercase hex.
    assert d1.headers["X-Sendmux-Signature"] == sign(d1.body, old_secret)

    # 2. Rotate: the next delivery is signed with the new secret only.
    rotated = client.webhooks.rotate_secret(sub.id)
    new_secret = rotated.secret
    assert rotated.id == sub.id
    assert new_secret and new_secret != old_secret

    second = client.webhooks.test(sub.id)
    d2 = receiver.next()
    e2 = construct_event(d2.body, d2.headers, new_secret)
    assert e2.event_id == second.event_id != e1.event_id
    with pytest.raises(WebhookSignatureError):
        construct_event(d2.body, d2.headers, old_secret)
    # During the rotation window a receiver configured with both accepts both deliveries.
    assert construct_event(d2.body, d2.headers, [old_secret, new_secret]).event_id == second.event_id
    assert construct_event(d1.body, d1.headers, [old_secret, new_secret]).event_id == first.event_id
    with pytest.raises(WebhookSignatureError):
        verify_signature(d1.body, d1.headers["X-Sendmux-Signature"], new_secret)

    # 3. The delivery log shows both, successful.
    def both_logged() -> dict[str, Any] | None:
        attempts = {a.event_id: a for a in client.webhooks.deliveries.list(sub.id)}
        return attempts if {first.event_id, second.event_id} <= attempts.keys() else None

    attempts = eventually(both_logged)
    for event_id in (first.event_id, second.event_id):
        attempt = attempts[event_id]
        assert str(attempt.event_type) == "sendmux.test"
        assert str(attempt.result) == "success"
        assert attempt.response_status == 200
        assert attempt.delivery_attempt == 1
    receiver.assert_quiet()


def test_unsubscribed_receivers_get_nothing_and_others_are_isolated(
    client: Sendmux, receiver: Receiver
) -> None:
    other = Receiver()
    other.thread.start()
    try:
        sub_a = client.webhooks.create(url=receiver.url, event_types=["sendmux.test"])
        sub_b = client.webhooks.create(url=other.url, event_types=["sendmux.test"])
        client.webhooks.test(sub_a.id)
        d = receiver.next()
        construct_event(d.body, d.headers, sub_a.secret)
        # Each subscription has its own secret: B's does not verify A's delivery.
        with pytest.raises(WebhookSignatureError):
            construct_event(d.body, d.headers, sub_b.secret)
        other.assert_quiet()
    finally:
        other.server.shutdown()
        other.server.server_close()


def attempts_for(client: Sendmux, webhook_id: str, event_id: str) -> list[Any]:
    return sorted(
        (a for a in client.webhooks.deliveries.list(webhook_id) if a.event_id == event_id),
        key=lambda a: a.delivery_attempt,
    )


def test_retries_reuse_the_event_id_and_every_attempt_verifies(
    fake: FakeSendmux, client: Sendmux, receiver: Receiver
) -> None:
    receiver.statuses = [500, 503]  # then 200
    sub = client.webhooks.create(url=receiver.url, event_types=["sendmux.test"])
    event_id = client.webhooks.test(sub.id).event_id

    events = [construct_event(d.body, d.headers, sub.secret) for d in (receiver.next() for _ in range(3))]
    assert [e.event_id for e in events] == [event_id] * 3  # what a receiver deduplicates on
    assert [e.delivery_attempt for e in events] == [1, 2, 3]
    assert events[0].raw == events[1].raw == events[2].raw

    assert fake.wait_for_deliveries()
    log = attempts_for(client, sub.id, event_id)
    assert [(str(a.result), a.response_status) for a in log] == [
        ("retrying", 500),
        ("retrying", 503),
        ("success", 200),
    ]
    assert client.webhooks.get(sub.id).failing is False


def test_exhausted_retries_mark_the_subscription_failing(
    fake: FakeSendmux, client: Sendmux, receiver: Receiver
) -> None:
    receiver.statuses = [500, 500, 500]
    sub = client.webhooks.create(url=receiver.url, event_types=["sendmux.test"])
    event_id = client.webhooks.test(sub.id).event_id
    for attempt in (1, 2, 3):
        d = receiver.next()
        assert construct_event(d.body, d.headers, sub.secret).delivery_attempt == attempt
    assert fake.wait_for_deliveries()
    receiver.assert_quiet()
    log = attempts_for(client, sub.id, event_id)
    assert [str(a.result) for a in log] == ["retrying", "retrying", "failed"]
    assert client.webhooks.get(sub.id).failing is True


def test_a_real_event_reaches_only_matching_subscriptions(
    fake: FakeSendmux, client: Sendmux, receiver: Receiver
) -> None:
    other = Receiver()
    other.thread.start()
    try:
        bounces = client.webhooks.create(url=receiver.url, event_types=["message.bounced"])
        client.webhooks.create(url=other.url, event_types=["message.delivered"])
        event_id = fake.emit_event(
            "message.bounced",
            {
                "recipients": ["gone@example.com"],
                "bounce_type": "Permanent",
                "bounce_subtype": "General",
                "sender": "sender@example.com",
                "message_id": "0100018f-provider-id",
                "message_id_kind": "provider",
            },
        )
        d = receiver.next()
        event = construct_event(d.body, d.headers, bounces.secret)
        assert event.event_id == event_id
        assert event.event_type == "message.bounced"
        assert event.data.recipients == ["gone@example.com"]
        assert event.data.bounce_type == "Permanent"
        assert fake.wait_for_deliveries()
        other.assert_quiet()
    finally:
        other.server.shutdown()
        other.server.server_close()


def test_a_delivery_with_an_odd_field_decodes_leniently_unless_strict(
    fake: FakeSendmux, client: Sendmux, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    _warned.clear()
    sub = client.webhooks.create(url=receiver.url, event_types=["message.delivered"])
    event_id = fake.emit_event("message.delivered", {"recipients": ["a@example.com"], "is_spam": "no"})
    d = receiver.next()
    with caplog.at_level(logging.WARNING, logger="sendmux"):
        event = construct_event(d.body, d.headers, sub.secret)
    assert event.event_id == event_id and event.data.recipients == ["a@example.com"]
    assert event.data.is_spam == "no"  # type: ignore[comparison-overlap]  # kept raw, like a response field
    (record,) = [r for r in caplog.records if "WebhookEventData.is_spam" in r.getMessage()]
    assert event_id in record.getMessage()
    with pytest.raises(WebhookPayloadError, match=r"WebhookEventData\.is_spam"):
        construct_event(d.body, d.headers, sub.secret, strict=True)
    assert fake.wait_for_deliveries()


def test_rotation_between_attempts_needs_both_secrets(receiver: Receiver) -> None:
    # The fake signs every attempt with the subscription's current secret, as the API does after
    # rotate_secret: a retry of an event first signed with the old secret arrives signed with the new one.
    receiver.statuses = [500]
    with (
        FakeSendmux(webhook_retry_delay=1.0) as fake,
        Sendmux(api_key=fake.api_key, base_url=fake.url) as client,
    ):
        sub = client.webhooks.create(url=receiver.url, event_types=["sendmux.test"])
        event_id = client.webhooks.test(sub.id).event_id
        first = receiver.next()
        new_secret = client.webhooks.rotate_secret(sub.id).secret
        retry = receiver.next()

        both = [sub.secret, new_secret]
        assert construct_event(first.body, first.headers, sub.secret).event_id == event_id
        with pytest.raises(WebhookSignatureError):
            construct_event(retry.body, retry.headers, sub.secret)
        assert construct_event(retry.body, retry.headers, new_secret).delivery_attempt == 2
        assert {construct_event(d.body, d.headers, both).event_id for d in (first, retry)} == {event_id}
        assert fake.wait_for_deliveries()


def _no_log(*args: object) -> None:
    pass


def _readme_receiver() -> str:
    """The receiver snippet from README "Webhooks", minus its serve_forever line."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Webhooks\n", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "README 'Webhooks' has no python snippet"
    code = match.group(1)
    assert "serve_forever()" in code
    return "\n".join(line for line in code.splitlines() if "serve_forever()" not in line)


def test_readme_receiver_accepts_signed_deliveries_and_rejects_forgeries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = "whsec_readme_example"
    monkeypatch.setitem(os.environ, "SENDMUX_WEBHOOK_SECRET", secret)
    namespace: dict[str, Any] = {"__name__": "readme_receiver"}
    exec(compile(_readme_receiver(), "README.md#webhooks", "exec"), namespace)
    quiet: type[BaseHTTPRequestHandler] = type("Quiet", (namespace["Receiver"],), {"log_message": _no_log})
    server = ThreadingHTTPServer(("127.0.0.1", 0), quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        url = f"http://{host!s}:{port}/"
        body = (
            b'{"id":"evt_readme","type":"sendmux.test","team_public_id":"team_1","occurred_at":'
            b'"2026-05-21T09:12:00Z","data":{"bounce_subtype":null,"bounce_type":null,"complaint_subtype":null,'
            b'"complaint_type":null,"delay_expires_at":null,"delay_type":null,"is_spam":null,"mailbox_id":null,'
            b'"message_id":null,"message_id_kind":null,"recipients":[],"reject_reason":null,"sender":null,'
            b'"sendmux_message_id":null,"webhook_id":"whk_1"}}'
        )
        headers = {
            "Content-Type": "application/json",
            "X-Sendmux-Signature": sign(body, secret),
            "X-Sendmux-Event-Id": "evt_readme",
            "X-Sendmux-Event-Type": "sendmux.test",
            "X-Sendmux-Delivery-Attempt": "1",
        }
        with httpx.Client(timeout=WAIT) as http:
            assert http.post(url, content=body, headers=headers).status_code == 204
            assert http.post(url, content=body + b" ", headers=headers).status_code == 400
            forged = {**headers, "X-Sendmux-Signature": sign(body, "whsec_guess")}
            assert http.post(url, content=body, headers=forged).status_code == 400
            assert (
                http.post(url, content=body, headers={"Content-Type": "application/json"}).status_code == 400
            )
            # A signed delivery that omits a nullable field is accepted (lenient), not answered 400 forever.
            partial = body.replace(b'"evt_readme"', b'"evt_partial"').replace(b'"reject_reason":null,', b"")
            signed = {
                **headers,
                "X-Sendmux-Signature": sign(partial, secret),
                "X-Sendmux-Event-Id": "evt_partial",
            }
            assert http.post(url, content=partial, headers=signed).status_code == 204
        assert namespace["seen"] == {"evt_readme", "evt_partial"}
    finally:
        server.shutdown()
        server.server_close()
