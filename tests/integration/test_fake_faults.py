"""Each fault kind of FakeSendmux over real sockets: what the client sees and what the server applied."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest
from support.fake_http import fake_http

from sendmux.testing import FAULT_KINDS, FakeSendmux

DOMAIN = {"domain": "faulty.example.com"}


@pytest.fixture
def client(fake: FakeSendmux) -> Iterator[httpx.Client]:
    with fake_http(fake) as c:
        yield c


def create(client: httpx.Client, key: str = "k-1", **kw: object) -> httpx.Response:
    return client.post("/domains", json=DOMAIN, headers={"Idempotency-Key": key}, **kw)  # type: ignore[arg-type]


def test_every_kind_is_covered_here() -> None:
    assert set(FAULT_KINDS) == {
        "rate_limit",
        "unavailable",
        "server_error",
        "bad_gateway",
        "reset_before_apply",
        "reset_after_apply",
        "delay",
        "truncated_json",
        "invalid_json",
        "missing_field",
        "unknown_enum",
        "unknown_field",
        "drop_mid_stream",  # streams: tests/integration/test_fake_mailbox.py
        "insufficient_credits",  # the Sending API: tests/integration/test_fake_sending.py
    }


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [("rate_limit", 429, "rate_limit_exceeded"), ("unavailable", 503, "service_unavailable")],
)
def test_retry_after_statuses_apply_nothing(
    fake: FakeSendmux, client: httpx.Client, kind: str, status: int, code: str
) -> None:
    rule = fake.faults.add(kind, route="POST /domains", retry_after=0)  # type: ignore[arg-type]
    r = create(client)
    assert r.status_code == status and r.headers["retry-after"] == "0"
    assert r.json()["error"]["code"] == code and r.json()["error"]["retryable"] is True
    assert r.json()["meta"]["request_id"] == r.headers["x-request-id"]
    assert "x-ratelimit-limit" in r.headers
    assert fake.count("domains") == 0 and rule.hits == 1
    assert create(client).status_code == 201  # times=1 by default
    assert fake.count("domains") == 1
    assert fake.counters.faults[kind] == 1


@pytest.mark.parametrize(
    ("kind", "body", "status", "html"),
    [
        ("server_error", None, 500, False),
        ("server_error", "html", 500, True),
        ("bad_gateway", None, 502, True),
        ("bad_gateway", "json", 502, False),
    ],
)
def test_server_errors_with_json_or_html(
    fake: FakeSendmux, client: httpx.Client, kind: str, body: str | None, status: int, html: bool
) -> None:
    fake.faults.add(kind, route="managementCreateDomain", body=body)  # type: ignore[arg-type]
    r = create(client)
    assert r.status_code == status
    if html:
        assert r.headers["content-type"] == "text/html" and r.text.startswith("<html>")
    else:
        assert r.json()["error"]["code"] == "internal_error"
    assert fake.count("domains") == 0


def test_reset_before_apply(fake: FakeSendmux, client: httpx.Client) -> None:
    fake.faults.add("reset_before_apply", route="POST /domains")
    with pytest.raises(httpx.TransportError):
        create(client)
    assert fake.count("domains") == 0 and fake.counters.applied["POST /domains"] == 0
    assert create(client).status_code == 201


def test_reset_after_apply_then_idempotent_retry(fake: FakeSendmux, client: httpx.Client) -> None:
    fake.faults.add("reset_after_apply", route="POST /domains", times=2)
    for _ in range(2):
        with pytest.raises(httpx.TransportError):
            create(client)
    assert fake.count("domains") == 1  # the write happened once; the answer was lost twice
    r = create(client)
    assert r.status_code == 201 and r.headers["idempotent-replayed"] == "true"
    assert fake.count("domains") == 1 and fake.counters.created["domains"] == 1
    assert fake.counters.replayed["POST /domains"] == 2  # the second lost answer was a replay too


def test_delay_longer_than_the_client_timeout(fake: FakeSendmux, client: httpx.Client) -> None:
    fake.faults.add("delay", route="GET /me", delay=2.0)
    with pytest.raises(httpx.ReadTimeout):
        client.get("/me", timeout=httpx.Timeout(10, read=0.2))
    assert client.get("/me").status_code == 200  # the next request is not delayed


def test_delayed_write_is_still_applied(fake: FakeSendmux, client: httpx.Client) -> None:
    fake.faults.add("delay", route="POST /domains", delay=0.5)
    with pytest.raises(httpx.ReadTimeout):
        create(client, timeout=httpx.Timeout(10, read=0.1))
    deadline = time.monotonic() + 10
    while fake.count("domains") == 0:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    r = create(client)  # the retry with the same key gets the stored answer
    assert r.status_code == 201 and fake.count("domains") == 1


def test_a_pending_delay_does_not_hold_up_stop() -> None:
    fake = FakeSendmux().start()
    fake.faults.add("delay", delay=60)
    headers = {"Authorization": f"Bearer {fake.api_key}"}
    with httpx.Client(base_url=fake.url, headers=headers) as c, pytest.raises(httpx.TimeoutException):
        c.get("/me", timeout=0.1)
    fake.stop()  # returns: the sleeping handler wakes on stop


def test_truncated_json(fake: FakeSendmux, client: httpx.Client) -> None:
    fake.faults.add("truncated_json", route="POST /domains")
    with pytest.raises(httpx.RemoteProtocolError):
        create(client)
    assert fake.count("domains") == 1
    assert create(client).status_code == 201 and fake.count("domains") == 1


def test_invalid_json(fake: FakeSendmux, client: httpx.Client) -> None:
    fake.faults.add("invalid_json", route="POST /domains")
    r = create(client)
    assert r.status_code == 201 and r.headers["content-type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        r.json()
    assert fake.count("domains") == 1


def test_missing_field_unknown_enum_unknown_field(fake: FakeSendmux, client: httpx.Client) -> None:
    fake.seed("sending_accounts", 2)
    fake.faults.add("missing_field", route="GET /providers")
    assert all("id" not in a for a in client.get("/providers").json()["data"])
    fake.faults.add("missing_field", route="GET /providers", field="status")
    assert all("status" not in a and "id" in a for a in client.get("/providers").json()["data"])
    fake.faults.add("unknown_enum", route="GET /providers")
    assert {a["status"] for a in client.get("/providers").json()["data"]} == {"x_future_value"}
    fake.faults.add("unknown_enum", route="GET /providers", field="type")
    assert {a["type"] for a in client.get("/providers").json()["data"]} == {"x_future_value"}
    fake.faults.add("unknown_field", route="GET /providers")
    body = client.get("/providers").json()
    assert body["x_future_envelope_field"] is True and all("x_future_field" in a for a in body["data"])
    assert "x_future_field" not in client.get("/providers").json()["data"][0]  # used up


def test_next_n_requests_any_route(fake: FakeSendmux, client: httpx.Client) -> None:
    rule = fake.faults.next(3, "unavailable", retry_after=0)
    statuses = [client.get(path).status_code for path in ("/me", "/domains", "/webhooks", "/me")]
    assert statuses == [503, 503, 503, 200] and rule.exhausted


def test_route_scoping_and_removal(fake: FakeSendmux, client: httpx.Client) -> None:
    rule = fake.faults.add("server_error", route="POST /domains", times=None)
    assert client.get("/domains").status_code == 200
    assert [create(client, key=f"k{i}").status_code for i in range(3)] == [500, 500, 500]
    fake.faults.remove(rule)
    assert create(client).status_code == 201
    fake.faults.add("server_error", route="POST /domains", times=None)
    fake.faults.clear()
    assert client.get("/domains").status_code == 200


def test_random_faults_are_seedable() -> None:
    def run() -> list[int]:
        with FakeSendmux(fault_seed=42) as fake:
            fake.faults.add("unavailable", times=None, probability=0.5, retry_after=0)
            with httpx.Client(base_url=fake.url, headers={"Authorization": f"Bearer {fake.api_key}"}) as c:
                return [c.get("/me").status_code for _ in range(30)]

    first = run()
    assert first == run() and {200, 503} == set(first)


def test_faults_are_counted(fake: FakeSendmux, client: httpx.Client) -> None:
    fake.faults.add("unavailable", route="GET /me", times=2, retry_after=0)
    for _ in range(3):
        client.get("/me")
    assert fake.counters.faults["unavailable"] == 2
    assert fake.counters.statuses[503] == 2 and fake.counters.statuses[200] == 1
    assert [r.fault for r in fake.requests] == ["unavailable", "unavailable", None]


def test_a_fault_for_one_concrete_path(fake: FakeSendmux, client: httpx.Client) -> None:
    first, second = (d["id"] for d in fake.seed("domains", 2))
    fake.faults.add("server_error", route=f"GET /domains/{first}", times=None)
    assert client.get(f"/domains/{second}").status_code == 200
    assert client.get(f"/domains/{first}").status_code == 500


def test_skip_lets_the_first_matching_requests_through(fake: FakeSendmux, client: httpx.Client) -> None:
    rule = fake.faults.add("unavailable", route="POST /domains", skip=1, retry_after=0)
    assert client.get("/domains").status_code == 200  # another route: neither skipped nor spoiled
    assert create(client, "k-1").status_code == 201
    second = client.post("/domains", json={"domain": "two.example.com"}, headers={"Idempotency-Key": "k-2"})
    assert second.status_code == 503 and (rule.skipped, rule.hits) == (1, 1)
    with pytest.raises(ValueError, match="skip"):
        fake.faults.add("unavailable", skip=-1)
