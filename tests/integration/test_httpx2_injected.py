"""An injected `httpx2.Client` / `httpx2.AsyncClient` (the maintained successor of httpx, a distinct package
with its own classes) works for every kind of call, and its errors map to ours exactly as httpx's do.
Real HTTP to the fake server; the rest of the integration suite also runs on httpx2 (`make test`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from sendmux import (
    APIConnectionError,
    APITimeoutError,
    AsyncSendmuxMailbox,
    ConfigurationError,
    Headers,
    NotFoundError,
    Sendmux,
    SendmuxMailbox,
)
from sendmux.testing import FakeSendmux


@pytest.fixture
def fake() -> Iterator[FakeSendmux]:
    with FakeSendmux(rate_limit=None) as server:
        yield server


def test_every_kind_of_call_on_an_injected_httpx2_client(fake: FakeSendmux, tmp_path: Path) -> None:
    message = fake.add_message(subject="On httpx2", attachments={"a.txt": b"attached bytes"})
    fake.close_event_streams()
    upload = tmp_path / "up.txt"
    upload.write_bytes(b"uploaded bytes")
    with (
        httpx2.Client() as http,
        SendmuxMailbox(api_key=fake.mailbox_api_key, base_url=fake.url, http_client=http) as mb,
    ):
        assert mb._wire.stack.name == "httpx2" and mb._wire.path == "client"
        page = mb.messages.list()  # a page
        assert [m.subject for m in page] == ["On httpx2"]
        detail = mb.messages.get(message["id"])  # JSON
        raw = mb.messages.with_raw_response.get(message["id"])
        assert isinstance(raw.headers, Headers) and raw.request_id
        with mb.attachments.download(message["id"], detail.attachments[0].id) as download:  # download
            assert download.read() == b"attached bytes"
        events = list(mb.events.stream(last_event_id="0"))  # event stream
        assert any(e.event == "message.received" for e in events)
        blob = mb.attachments.upload(file=upload)  # upload
        assert (blob.filename, blob.size_bytes) == ("up.txt", 14)
        with pytest.raises(NotFoundError) as info:  # a typed error, with our headers type
            mb.messages.get("msg_missing")
        assert info.value.status_code == 404 and isinstance(info.value.headers, Headers)


@pytest.mark.anyio
async def test_every_kind_of_call_on_an_injected_httpx2_async_client(
    fake: FakeSendmux, tmp_path: Path
) -> None:
    message = fake.add_message(subject="On httpx2 async", attachments={"a.txt": b"attached bytes"})
    fake.close_event_streams()
    upload = tmp_path / "up.txt"
    upload.write_bytes(b"uploaded async")
    async with (
        httpx2.AsyncClient() as http,
        AsyncSendmuxMailbox(api_key=fake.mailbox_api_key, base_url=fake.url, http_client=http) as mb,
    ):
        assert [m.subject async for m in mb.messages.list()] == ["On httpx2 async"]
        detail = await mb.messages.get(message["id"])
        async with mb.attachments.download(message["id"], detail.attachments[0].id) as download:
            assert await download.read() == b"attached bytes"
        assert [e.event async for e in mb.events.stream(last_event_id="0")]
        blob = await mb.attachments.upload(file=upload)
        assert (blob.filename, blob.size_bytes) == ("up.txt", 14)
        with pytest.raises(NotFoundError):
            await mb.messages.get("msg_missing")


def test_httpx2_transport_errors_map_like_httpx() -> None:
    with (
        httpx2.Client() as http,
        Sendmux(
            api_key="smx_root_k", base_url="http://127.0.0.1:9/api/v1", http_client=http, max_retries=0
        ) as client,
    ):
        with pytest.raises(APIConnectionError, match="ConnectError") as info:
            client.connection.get()
        assert not isinstance(info.value, APITimeoutError) and info.value.__context__ is None


def test_httpx2_timeouts_are_api_timeouts(fake: FakeSendmux) -> None:
    fake.faults.add("delay", route="managementGetConnection", delay=3.0)
    with (
        httpx2.Client(timeout=httpx2.Timeout(0.3)) as http,
        Sendmux(api_key=fake.api_key, base_url=fake.url, http_client=http, max_retries=0) as client,
    ):
        with pytest.raises(APITimeoutError, match="ReadTimeout"):
            client.connection.get()


def test_the_wrong_kind_of_client_is_refused_with_a_clear_error() -> None:
    with pytest.raises(ConfigurationError, match=r"httpx.Client or httpx2.Client .*async"):
        Sendmux(api_key="smx_root_k", http_client=httpx2.AsyncClient())  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="got str"):
        Sendmux(api_key="smx_root_k", http_client="http://proxy")  # type: ignore[arg-type]


def test_our_own_pool_on_httpx2(fake: FakeSendmux) -> None:
    with Sendmux(api_key=fake.api_key, base_url=fake.url, http_stack="httpx2") as client:
        assert client._wire.stack.name == "httpx2" and client._wire.path == "pool"
        created = client.domains.create(domain="h2.example.com")
        assert client.domains.get(created.id).domain == "h2.example.com"
    with pytest.raises(ConfigurationError, match="unknown HTTP stack"):
        Sendmux(api_key="smx_root_k", http_stack="requests")
