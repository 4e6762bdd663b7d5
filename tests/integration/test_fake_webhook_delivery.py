"""FakeSendmux webhook deliveries to a plain stdlib receiver on 127.0.0.1: signatures computed here with
hmac, headers, retries that keep the event id, the delivery log and payload endpoints, rotation, events."""

from __future__ import annotations

import hashlib
import hmac
import json
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from support.fake_http import fake_http

from sendmux.testing import FakeSendmux


@dataclass(frozen=True)
class Hit:
    headers: dict[str, str]
    body: bytes


class Receiver:
    def __init__(self) -> None:
        self.hits: queue.Queue[Hit] = queue.Queue()
        self.script: list[int] = []  # statuses to answer, then 200
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.hits.put(Hit({k.lower(): v for k, v in self.headers.items()}, body))
                status = outer.script.pop(0) if outer.script else 200
                self.send_response(status)
                self.send_header("Content-Length", "4")
                self.end_headers()
                self.wfile.write(b"done")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks?src=fake"

    def next(self) -> Hit:
        return self.hits.get(timeout=10)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def hmac_signature(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def fake() -> Iterator[FakeSendmux]:
    with FakeSendmux(webhook_retry_delay=0.01, webhook_max_attempts=3) as f:
        yield f


@pytest.fixture
def api(fake: FakeSendmux) -> Iterator[httpx.Client]:
    with fake_http(fake) as c:
        yield c


def subscribe(api: httpx.Client, url: str, types: list[str]) -> dict[str, Any]:
    r = api.post("/webhooks", json={"url": url, "event_types": types})
    assert r.status_code == 201, r.text
    data: dict[str, Any] = r.json()["data"]
    return data


def test_test_event_is_signed_and_logged(fake: FakeSendmux, api: httpx.Client, receiver: Receiver) -> None:
    sub = subscribe(api, receiver.url, ["sendmux.test"])
    event_id = api.post(f"/webhooks/{sub['id']}/test").json()["data"]["event_id"]
    hit = receiver.next()
    assert hit.headers["x-sendmux-signature"] == hmac_signature(hit.body, sub["secret"])
    assert hit.headers["x-sendmux-event-id"] == event_id
    assert hit.headers["x-sendmux-event-type"] == "sendmux.test"
    assert hit.headers["x-sendmux-delivery-attempt"] == "1"
    assert hit.headers["content-type"] == "application/json"
    event = json.loads(hit.body)
    assert event["id"] == event_id and event["type"] == "sendmux.test"
    assert event["team_public_id"] == fake.team_id and event["data"]["webhook_id"] == sub["id"]
    assert fake.wait_for_deliveries()
    log = api.get(f"/webhooks/{sub['id']}/deliveries").json()["data"]
    assert len(log) == 1
    attempt = log[0]
    assert (attempt["event_id"], attempt["result"], attempt["response_status"]) == (event_id, "success", 200)
    assert attempt["response_body"] == "done" and attempt["next_retry_at"] is None
    assert attempt["request_payload_sha256"] == hashlib.sha256(hit.body).hexdigest()
    payload = api.get(f"/webhooks/{sub['id']}/deliveries/{attempt['id']}/payload").json()["data"]
    assert payload["payload"] == event and payload["delivery_attempt"] == 1


def test_retries_on_non_2xx_reuse_the_event_id(
    fake: FakeSendmux, api: httpx.Client, receiver: Receiver
) -> None:
    receiver.script = [500, 503]
    sub = subscribe(api, receiver.url, ["sendmux.test"])
    event_id = api.post(f"/webhooks/{sub['id']}/test").json()["data"]["event_id"]
    hits = [receiver.next() for _ in range(3)]
    assert [h.headers["x-sendmux-delivery-attempt"] for h in hits] == ["1", "2", "3"]
    assert {h.headers["x-sendmux-event-id"] for h in hits} == {event_id}
    assert len({h.body for h in hits}) == 1
    assert fake.wait_for_deliveries()
    log = api.get(f"/webhooks/{sub['id']}/deliveries").json()["data"]  # newest first
    assert [(a["delivery_attempt"], a["result"], a["response_status"]) for a in log] == [
        (3, "success", 200),
        (2, "retrying", 503),
        (1, "retrying", 500),
    ]
    retrying = api.get(f"/webhooks/{sub['id']}/deliveries", params={"result": "retrying"}).json()["data"]
    assert len(retrying) == 2 and all(a["next_retry_at"] for a in retrying)
    assert api.get(f"/webhooks/{sub['id']}").json()["data"]["failing"] is False


def test_exhausted_retries_mark_the_subscription_failing(
    fake: FakeSendmux, api: httpx.Client, receiver: Receiver
) -> None:
    receiver.script = [500, 500, 500]
    sub = subscribe(api, receiver.url, ["sendmux.test"])
    api.post(f"/webhooks/{sub['id']}/test")
    assert fake.wait_for_deliveries()
    results = [a["result"] for a in api.get(f"/webhooks/{sub['id']}/deliveries").json()["data"]]
    assert results == ["failed", "retrying", "retrying"]
    assert api.get(f"/webhooks/{sub['id']}").json()["data"]["failing"] is True


def test_unreachable_receiver_is_logged_as_connection_failure(fake: FakeSendmux, api: httpx.Client) -> None:
    dead = Receiver()
    url = dead.url
    dead.close()
    sub = subscribe(api, url, ["sendmux.test"])
    api.post(f"/webhooks/{sub['id']}/test")
    assert fake.wait_for_deliveries()
    log = api.get(f"/webhooks/{sub['id']}/deliveries").json()["data"]
    assert [a["result"] for a in log] == ["failed", "retrying", "retrying"]
    assert all(a["response_status"] is None and a["error_message"] for a in log)


def test_rotation_signs_later_deliveries_with_the_new_secret(
    fake: FakeSendmux, api: httpx.Client, receiver: Receiver
) -> None:
    sub = subscribe(api, receiver.url, ["sendmux.test"])
    new = api.post(f"/webhooks/{sub['id']}/rotate-secret").json()["data"]["secret"]
    assert new != sub["secret"]
    assert fake.webhook_secrets(sub["id"]) == [new, sub["secret"]]
    api.post(f"/webhooks/{sub['id']}/test")
    hit = receiver.next()
    assert hit.headers["x-sendmux-signature"] == hmac_signature(hit.body, new)
    assert hit.headers["x-sendmux-signature"] != hmac_signature(hit.body, sub["secret"])


def test_emit_event_reaches_matching_subscriptions_only(
    fake: FakeSendmux, api: httpx.Client, receiver: Receiver
) -> None:
    other = Receiver()
    try:
        mailbox = fake.seed("mailboxes")[0]["id"]
        delivered = subscribe(api, receiver.url, ["message.delivered"])
        filtered = api.post(
            "/webhooks",
            json={
                "url": other.url,
                "event_types": ["message.delivered"],
                "filters": {"mailbox_ids": [mailbox]},
            },
        ).json()["data"]
        subscribe(api, other.url, ["message.bounced"])
        disabled = subscribe(api, other.url, ["message.delivered"])
        api.patch(f"/webhooks/{disabled['id']}", json={"enabled": False})

        event_id = fake.emit_event(
            "message.delivered", {"recipients": ["a@example.org"], "sender": "me@example.com"}
        )
        hit = receiver.next()
        assert hit.headers["x-sendmux-event-id"] == event_id
        assert hit.headers["x-sendmux-signature"] == hmac_signature(hit.body, delivered["secret"])
        assert json.loads(hit.body)["data"]["recipients"] == ["a@example.org"]
        assert fake.wait_for_deliveries()
        assert other.hits.empty()  # the filtered, the bounce-only and the disabled subscription stay quiet

        fake.emit_event("message.delivered", {"mailbox_id": mailbox})
        assert receiver.next().headers["x-sendmux-event-type"] == "message.delivered"
        mine = other.next()
        assert mine.headers["x-sendmux-signature"] == hmac_signature(mine.body, filtered["secret"])
        with pytest.raises(ValueError):
            fake.emit_event("message.teleported")
    finally:
        other.close()


def test_non_loopback_urls_are_never_contacted(fake: FakeSendmux, api: httpx.Client) -> None:
    sub = subscribe(api, "https://hooks.example.com/sendmux", ["sendmux.test"])
    api.post(f"/webhooks/{sub['id']}/test")
    assert fake.wait_for_deliveries()
    (attempt,) = api.get(f"/webhooks/{sub['id']}/deliveries").json()["data"]
    assert attempt["result"] == "permanent_failure" and "loopback" in attempt["error_message"]


def test_test_needs_the_test_event_type(api: httpx.Client, receiver: Receiver) -> None:
    sub = subscribe(api, receiver.url, ["message.delivered"])
    r = api.post(f"/webhooks/{sub['id']}/test")
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"


def test_idempotent_test_publishes_once(fake: FakeSendmux, api: httpx.Client, receiver: Receiver) -> None:
    sub = subscribe(api, receiver.url, ["sendmux.test"])
    first = api.post(f"/webhooks/{sub['id']}/test", headers={"Idempotency-Key": "t1"}).json()["data"]
    again = api.post(f"/webhooks/{sub['id']}/test", headers={"Idempotency-Key": "t1"}).json()["data"]
    assert first == again
    assert fake.wait_for_deliveries()
    assert len(api.get(f"/webhooks/{sub['id']}/deliveries").json()["data"]) == 1


def test_simulated_outbound_and_inbound_traffic(
    fake: FakeSendmux, api: httpx.Client, receiver: Receiver
) -> None:
    account = fake.seed("sending_accounts", name="Primary")[0]["id"]
    mailbox = fake.seed("mailboxes", email="bot@myagent.mx")[0]["id"]
    subscribe(api, receiver.url, ["message.bounced", "message.received.spam"])
    log, event_id = fake.simulate_outbound("bounced", to="gone@example.org", provider_id=account)
    hit = receiver.next()
    event = json.loads(hit.body)
    assert hit.headers["x-sendmux-event-id"] == event_id and event["type"] == "message.bounced"
    assert event["data"]["bounce_type"] == "Permanent" and event["data"]["recipients"] == ["gone@example.org"]
    assert event["data"]["sendmux_message_id"] == log["id"]
    shown = api.get(f"/emails/logs/{log['id']}").json()["data"]
    assert (
        shown["status"] == "failed"
        and shown["provider_id"] == account
        and shown["provider_name"] == "Primary"
    )
    fake.simulate_outbound("delivered")  # not subscribed: nothing arrives
    inbound, spam_id = fake.simulate_inbound(mailbox, sender="spammer@example.net", spam=True)
    hit = receiver.next()
    assert hit.headers["x-sendmux-event-id"] == spam_id
    assert json.loads(hit.body)["data"]["mailbox_id"] == mailbox
    assert api.get(f"/inboxes/logs/{inbound['id']}").json()["data"]["is_spam"] is True
    assert fake.wait_for_deliveries() and receiver.hits.empty()
