"""A closed client refuses calls with `ClientClosedError`, sends nothing and leaves no socket open: sync,
async, `with_options` copies (which share the original's pool) and an injected pool closed by its owner."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from support.mini_client import Mini
from support.scripted_server import ScriptedServer
from support.sockets import tcp_sockets
from support.streams import DownloadScript

from sendmux import AsyncSendmux, ClientClosedError, Sendmux, SendmuxError
from sendmux._operation import Operation
from sendmux._request_options import RequestOptions
from sendmux.testing import FakeSendmux


@pytest.fixture
def fake() -> Iterator[FakeSendmux]:
    with FakeSendmux(rate_limit=None) as server:
        yield server


def _port(fake: FakeSendmux) -> int:
    return int(httpx.URL(fake.url).port or 0)


def _calls(fake: FakeSendmux) -> int:
    return sum(fake.counters.snapshot()["requests"].values())


def test_closed_sync_client_refuses_every_kind_of_call(fake: FakeSendmux) -> None:
    client = Sendmux(api_key=fake.api_key, base_url=fake.url)
    domain = client.domains.create(domain="closed.example.com")
    page = client.domains.list(limit=1)
    client.close()
    assert client.is_closed
    before = _calls(fake)
    for call in (
        lambda: client.domains.get(domain.id),
        lambda: client.domains.list(),
        lambda: client.domains.verify(domain.id),
        lambda: client.domains.with_raw_response.get(domain.id),
        lambda: page.next_page() if page.has_more else client.connection.get(),
    ):
        with pytest.raises(ClientClosedError, match="client is closed"):
            call()
    assert _calls(fake) == before  # nothing reached the server
    assert tcp_sockets(_port(fake))[0] == 0  # and no socket is left open


def test_closed_error_is_a_sendmux_error() -> None:
    assert issubclass(ClientClosedError, SendmuxError) and issubclass(ClientClosedError, RuntimeError)


def test_with_block_closes(fake: FakeSendmux) -> None:
    with Sendmux(api_key=fake.api_key, base_url=fake.url) as client:
        client.connection.get()
    with pytest.raises(ClientClosedError, match="after its `with`"):
        client.connection.get()


def test_copies_refuse_after_the_original_closes(fake: FakeSendmux) -> None:
    client = Sendmux(api_key=fake.api_key, base_url=fake.url)
    copy = client.with_options(max_retries=0)
    copy.connection.get()
    client.close()
    before = _calls(fake)
    with pytest.raises(ClientClosedError, match="with_options copy of a closed client"):
        copy.connection.get()
    assert copy.is_closed and _calls(fake) == before
    assert tcp_sockets(_port(fake))[0] == 0


def test_a_closed_copy_refuses_but_the_original_goes_on(fake: FakeSendmux) -> None:
    with Sendmux(api_key=fake.api_key, base_url=fake.url) as client:
        copy = client.with_options(timeout=5.0)
        copy.close()
        with pytest.raises(ClientClosedError):
            copy.connection.get()
        assert not client.is_closed
        assert client.connection.get() is not None


def test_a_closed_injected_pool_gives_our_error_not_httpx_runtime_error(fake: FakeSendmux) -> None:
    http = httpx.Client()
    client = Sendmux(api_key=fake.api_key, base_url=fake.url, http_client=http)
    client.connection.get()
    http.close()
    with pytest.raises(ClientClosedError, match="http_client you passed was closed"):
        client.connection.get()


@pytest.mark.anyio
async def test_closed_async_client_and_copies_refuse(fake: FakeSendmux) -> None:
    client = AsyncSendmux(api_key=fake.api_key, base_url=fake.url)
    copy = client.with_options(max_retries=1)
    await client.connection.get()
    await client.close()
    before = _calls(fake)
    with pytest.raises(ClientClosedError):
        await client.connection.get()
    with pytest.raises(ClientClosedError):
        await client.domains.list()  # awaiting gives the first page
    with pytest.raises(ClientClosedError):
        async for _ in client.domains.list():
            pass
    with pytest.raises(ClientClosedError):
        await copy.connection.get()
    assert _calls(fake) == before
    assert tcp_sockets(_port(fake))[0] == 0


def test_a_download_resumed_after_close_gives_our_error(scripted: ScriptedServer) -> None:
    data = bytes(range(256)) * 4096  # 1 MiB
    scripted.on("GET", "/messages/msg_1/attachments/att_1", DownloadScript(data, breaks=[]).reply())
    mini = Mini(api_key="smx_root_k", base_url=scripted.base_url)
    op = Operation(
        "getAttachment",
        "GET",
        "/messages/{message_id}/attachments/{attachment_id}",
        "attachments",
        "download",
        None,
        response="binary",
    )
    download = mini._request(op, RequestOptions(path_params=("msg_1", "att_1")))
    chunks = download.iter_bytes(chunk_size=1024)
    next(chunks)
    mini.close()  # closes the pool under the open body: the stream breaks and would resume
    with pytest.raises(ClientClosedError):
        for _ in chunks:
            pass
    assert len(scripted.requests) == 1  # the resume was refused, not sent
