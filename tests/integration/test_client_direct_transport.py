"""Which way a request goes: our own pool by default; proxies from the environment or an injected client
take a client's `send` (mounts, hooks, auth); an instrumented httpx transport sees every attempt."""

from __future__ import annotations

import httpx
import pytest
from support.wire_paths import instrument_transport

from sendmux import AsyncSendmux, Sendmux
from sendmux.testing import FakeSendmux


def test_own_pool_is_the_default_path_and_returns_connections() -> None:
    with FakeSendmux() as fake, Sendmux(api_key=fake.api_key, base_url=fake.url) as client:
        assert client._wire.path == "pool"
        created = client.domains.create(domain="direct.example.com")
        assert client.domains.get(created.id).domain == "direct.example.com"
        for _ in range(150):  # unreturned connections would exhaust the 100-connection pool (PoolTimeout)
            client.connection.get()


def test_environment_proxies_take_a_client_of_our_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    client = Sendmux(api_key="smx_root_test", base_url="http://127.0.0.1:9/api/v1")
    assert client._wire.path == "client" and not client._wire.injected
    client.close()


def test_an_injected_client_sees_every_request() -> None:
    events: list[str] = []
    with FakeSendmux() as fake:
        hooks = {"request": [lambda request: events.append(request.url.path)]}
        with (
            httpx.Client(event_hooks=hooks) as http,
            Sendmux(api_key=fake.api_key, base_url=fake.url, http_client=http) as client,
        ):
            assert client._wire.path == "client" and client._wire.injected
            client.connection.get()
        assert events == ["/api/v1/me"]


def test_an_instrumentation_installed_later_sees_the_next_request(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    with FakeSendmux() as fake, Sendmux(api_key=fake.api_key, base_url=fake.url) as client:
        client.connection.get()
        assert client._wire.path == "pool" and seen == []
        instrument_transport(monkeypatch, seen)  # checked per request: no new client needed
        client.connection.get()
        assert seen == ["/api/v1/me"]
        monkeypatch.undo()  # uninstrumented again: back to the pool
        client.connection.get()
        assert client._wire.path == "pool" and seen == ["/api/v1/me"]


@pytest.mark.anyio
async def test_async_paths_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    with FakeSendmux() as fake:
        async with AsyncSendmux(api_key=fake.api_key, base_url=fake.url) as client:
            assert client._wire.path == "pool"
            created = await client.domains.create(domain="adirect.example.com")
            instrument_transport(monkeypatch, seen)
            assert (await client.domains.get(created.id)).domain == "adirect.example.com"
            assert seen == [f"/api/v1/domains/{created.id}"]
