"""`client.request(method, path)` for routes newer than the pin, `client.download(url)` for a presigned
`download_url`, and the public `RetryPolicy` (per client and per call). Real HTTP to the fake server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sendmux import (
    APIResponseValidationError,
    AsyncSendmux,
    AsyncSendmuxMailbox,
    InternalServerError,
    NotFoundError,
    RetryPolicy,
    Sendmux,
    SendmuxMailbox,
)
from sendmux.testing import FakeSendmux


@pytest.fixture
def fake() -> Iterator[FakeSendmux]:
    with FakeSendmux(rate_limit=None) as server:
        yield server


class Waits:
    """Records the waits a client would sleep (and skips them)."""

    def __init__(self) -> None:
        self.seen: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.seen.append(seconds)


def _client(fake: FakeSendmux, **options: Any) -> tuple[Sendmux, Waits]:
    client = Sendmux(api_key=fake.api_key, base_url=fake.url, **options)
    waits = Waits()
    client._sleep = waits  # type: ignore[method-assign]
    client._random = lambda: 0.5  # the jitter's middle: waits are half the ceiling
    return client, waits


# -- client.request ---------------------------------------------------------------------------------------


def test_request_returns_the_envelope_data_and_raises_typed_errors(fake: FakeSendmux) -> None:
    with Sendmux(api_key=fake.api_key, base_url=fake.url) as client:
        created = client.request("POST", "/domains", body={"domain": "raw.example.com"})
        assert created["domain"] == "raw.example.com" and isinstance(created["id"], str)
        page = client.request("GET", "/domains", query={"limit": 10})
        assert [d["domain"] for d in page] == ["raw.example.com"]
        with pytest.raises(NotFoundError) as info:
            client.request("GET", "/domains/mdom_missing")
        assert info.value.code == "not_found"
    (post,) = [r for r in fake.requests if r.method == "POST"]
    assert post.headers.get("idempotency-key")  # a POST gets a key like a generated create


def test_a_retried_raw_post_keeps_its_idempotency_key(fake: FakeSendmux) -> None:
    fake.faults.add("reset_after_apply", route="POST /domains")
    client, _ = _client(fake)
    with client:
        client.request("POST", "/domains", body={"domain": "once.example.com"})
    keys = [r.headers["idempotency-key"] for r in fake.requests if r.method == "POST"]
    assert len(keys) == 2 and keys[0] == keys[1]
    assert fake.count("domains") == 1  # the replay answered; nothing was created twice


@pytest.mark.parametrize(
    ("method", "path", "message"),
    [
        ("FETCH", "/domains", "method must be one of"),
        ("GET", "https://elsewhere.example/domains", "relative to the client's base URL"),
        ("GET", "//elsewhere.example/domains", "relative to the client's base URL"),
        ("GET", "/domains?limit=5", "query"),
        ("GET", "/domains/{public_id}", "concrete route"),
        ("GET", "/domains/../me", "'..'"),
    ],
)
def test_request_arguments_are_checked_before_sending(
    fake: FakeSendmux, method: str, path: str, message: str
) -> None:
    with Sendmux(api_key=fake.api_key, base_url=fake.url) as client:
        with pytest.raises(ValueError, match=message):
            client.request(method, path)
    assert fake.requests == []


def test_request_refuses_a_streamed_route_clearly(fake: FakeSendmux) -> None:
    fake.close_event_streams()
    with SendmuxMailbox(api_key=fake.mailbox_api_key, base_url=fake.url) as mb:
        with pytest.raises(APIResponseValidationError, match="reads JSON answers"):
            mb.request("GET", "/mailbox/events")


@pytest.mark.anyio
async def test_async_request(fake: FakeSendmux) -> None:
    async with AsyncSendmux(api_key=fake.api_key, base_url=fake.url) as client:
        created = await client.request("POST", "/domains", body={"domain": "araw.example.com"})
        assert (await client.request("GET", f"/domains/{created['id']}"))["domain"] == "araw.example.com"


# -- client.download ---------------------------------------------------------------------------------------


def test_download_fetches_a_download_url_without_the_credential(fake: FakeSendmux) -> None:
    message = fake.add_message(subject="Doc", attachments={"notes.txt": "héllo".encode()})
    with SendmuxMailbox(api_key=fake.mailbox_api_key, base_url=fake.url) as mb:
        url = mb.messages.get(message["id"]).attachments[0].download_url
        assert url is not None
        with mb.download(url) as download:
            assert download.text() == "héllo"
    fetched = fake.requests[-1]
    assert "authorization" not in fetched.headers


@pytest.mark.anyio
async def test_async_download(fake: FakeSendmux) -> None:
    message = fake.add_message(subject="Doc", attachments={"a.bin": b"\x00\x01\x02"})
    async with AsyncSendmuxMailbox(api_key=fake.mailbox_api_key, base_url=fake.url) as mb:
        url = (await mb.messages.get(message["id"])).attachments[0].download_url
        assert url is not None
        async with mb.download(url) as download:
            assert await download.read() == b"\x00\x01\x02"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://files.example.com/a?download_token=t", "refusing plain-HTTP"),
        ("https://user:pw@files.example.com/a", "credentials"),
        ("ftp://files.example.com/a", "http"),
    ],
)
def test_download_urls_are_checked(fake: FakeSendmux, url: str, message: str) -> None:
    with Sendmux(api_key=fake.api_key, base_url=fake.url) as client:
        with pytest.raises(ValueError, match=message) as info:
            client.download(url)
        assert "pw" not in str(info.value)


# -- RetryPolicy --------------------------------------------------------------------------------------------


def test_a_client_policy_sets_the_measured_waits(fake: FakeSendmux) -> None:
    fake.faults.next(3, "server_error")
    policy = RetryPolicy(max_retries=3, initial_delay=2.0, max_delay=3.0)
    client, waits = _client(fake, retry=policy)
    with client:
        client.connection.get()
    assert waits.seen == [1.0, 1.5, 1.5]  # ceilings 2, 4->3, 8->3, times the 0.5 jitter


def test_the_default_policy_is_unchanged(fake: FakeSendmux) -> None:
    fake.faults.next(2, "server_error")
    client, waits = _client(fake)
    with client:
        client.connection.get()
    assert client.retry_policy == RetryPolicy() and waits.seen == [0.25, 0.5]


def test_a_per_call_policy_wins_and_max_retries_overrides_its_count(fake: FakeSendmux) -> None:
    client, waits = _client(fake, retry=RetryPolicy(max_retries=5, initial_delay=4.0))
    with client:
        fake.faults.next(3, "server_error")
        client.connection.get(retry=RetryPolicy(max_retries=3, initial_delay=0.2, max_delay=0.2))
        assert waits.seen == [0.1, 0.1, 0.1]
        fake.faults.next(2, "server_error")
        with pytest.raises(InternalServerError):
            client.connection.get(max_retries=1)
        assert waits.seen[3:] == [2.0]  # the client's policy, one retry


def test_retried_statuses_are_the_policy_s(fake: FakeSendmux) -> None:
    fake.faults.next(1, "server_error")
    client, waits = _client(fake, retry=RetryPolicy(retry_statuses=frozenset({429, 503})))
    with client, pytest.raises(InternalServerError):
        client.connection.get()
    assert waits.seen == []


def test_max_elapsed_stops_retrying(fake: FakeSendmux) -> None:
    fake.faults.next(2, "unavailable", retry_after=5)
    client, waits = _client(fake, retry=RetryPolicy(max_elapsed=2.0))
    with client, pytest.raises(InternalServerError):
        client.connection.get()
    assert waits.seen == []  # waiting the server's 5 s would pass max_elapsed


def test_the_shortcuts_apply_on_top_of_a_policy(fake: FakeSendmux) -> None:
    client = Sendmux(
        api_key=fake.api_key, base_url=fake.url, retry=RetryPolicy(initial_delay=1.0), max_retries=7
    )
    assert client.retry_policy == RetryPolicy(initial_delay=1.0, max_retries=7)
    copy = client.with_options(max_retry_wait=5.0)
    assert copy.retry_policy == RetryPolicy(initial_delay=1.0, max_retries=7, max_retry_wait=5.0)
    client.close()


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"max_retries": -1}, ValueError, "max_retries"),
        ({"initial_delay": float("nan")}, ValueError, "initial_delay"),
        ({"max_delay": "8"}, TypeError, "max_delay"),
        ({"max_elapsed": 0}, ValueError, "max_elapsed"),
        ({"retry_statuses": frozenset({42})}, ValueError, "retry_statuses"),
    ],
)
def test_bad_policies_are_refused_naming_the_field(fields: dict[str, Any], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        RetryPolicy(**fields)


def test_a_per_call_retry_must_be_a_policy(fake: FakeSendmux) -> None:
    with Sendmux(api_key=fake.api_key, base_url=fake.url) as client:
        with pytest.raises(TypeError, match="retry must be a sendmux.RetryPolicy"):
            client.connection.get(retry=3)  # type: ignore[arg-type]
    assert fake.requests == []
