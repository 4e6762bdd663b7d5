"""Our own pool hands requests straight to its transport; proxies from the environment or an injected
client keep httpx's full `Client.send` path (mounts, hooks, auth)."""

from __future__ import annotations

import httpx
import pytest

from sendmux import AsyncSendmux, Sendmux
from sendmux.testing import FakeSendmux


def test_own_pool_uses_the_direct_path_and_works() -> None:
    with FakeSendmux() as fake, Sendmux(api_key=fake.api_key, base_url=fake.url) as client:
        assert client._direct is not None
        created = client.domains.create(domain="direct.example.com")
        assert client.domains.get(created.id).domain == "direct.example.com"
        for _ in range(150):  # unreturned connections would exhaust the 100-connection pool (PoolTimeout)
            client.connection.get()


def test_environment_proxies_keep_client_send(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    client = Sendmux(api_key="smx_root_test", base_url="http://127.0.0.1:9/api/v1")
    assert client._direct is None
    client.close()


def test_an_injected_client_keeps_client_send() -> None:
    events: list[str] = []
    with FakeSendmux() as fake:
        hooks = {"request": [lambda request: events.append(request.url.path)]}
        with (
            httpx.Client(event_hooks=hooks) as http,
            Sendmux(api_key=fake.api_key, base_url=fake.url, http_client=http) as client,
        ):
            assert client._direct is None
            client.connection.get()
        assert events == ["/api/v1/me"]


@pytest.mark.anyio
async def test_async_own_pool_uses_the_direct_path() -> None:
    with FakeSendmux() as fake:
        async with AsyncSendmux(api_key=fake.api_key, base_url=fake.url) as client:
            assert client._direct is not None
            created = await client.domains.create(domain="adirect.example.com")
            assert (await client.domains.get(created.id)).domain == "adirect.example.com"


def test_without_an_httpcore_pool_the_transport_path_still_works(monkeypatch: pytest.MonkeyPatch) -> None:
    # If a future httpx keeps its pool elsewhere, sync_pool() finds none and handle_request() is used.
    monkeypatch.setattr("sendmux._sync_client.sync_pool", lambda transport: None)
    with FakeSendmux() as fake, Sendmux(api_key=fake.api_key, base_url=fake.url) as client:
        assert client._core is None and client._direct is not None
        created = client.domains.create(domain="fallback.example.com")
        assert client.domains.get(created.id).domain == "fallback.example.com"
