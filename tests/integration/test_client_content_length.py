"""Every request that may carry a body says how long it is: bodiless POST/PUT/PATCH send `Content-Length: 0`
(RFC 9110 8.6; some proxies answer 411 without it), on every send path. Read from what the server received."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.wire_paths import PATHS, async_client_on, client_on

from sendmux.testing import FakeSendmux


@pytest.fixture
def fake() -> Iterator[FakeSendmux]:
    with FakeSendmux(rate_limit=None) as server:
        yield server


def _received(fake: FakeSendmux, method: str, route: str) -> dict[str, str]:
    matches = [r for r in fake.requests if r.method == method and r.route == route]
    assert matches, f"the fake received no {method} {route}"
    return matches[-1].headers


@pytest.mark.parametrize("path", PATHS)
def test_bodiless_and_body_requests_carry_content_length(
    fake: FakeSendmux, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with client_on(path, monkeypatch, api_key=fake.api_key, base_url=fake.url) as client:
        domain = client.domains.create(domain="cl.example.com")
        client.domains.verify(domain.id)  # POST without a body
        hook = client.webhooks.create(url="http://127.0.0.1:9/hook", event_types=["message.delivered"])
        client.webhooks.rotate_secret(hook.id)  # POST without a body
        client.domains.get(domain.id)
        client.domains.delete(domain.id)
    create = _received(fake, "POST", "POST /domains")
    assert int(create["content-length"]) > 0
    assert _received(fake, "POST", "POST /domains/{public_id}/verify").get("content-length") == "0"
    assert _received(fake, "POST", "POST /webhooks/{public_id}/rotate-secret").get("content-length") == "0"
    # Methods that anticipate no body send no framing header at all (as httpx does).
    assert "content-length" not in _received(fake, "GET", "GET /domains/{public_id}")
    assert "content-length" not in _received(fake, "DELETE", "DELETE /domains/{public_id}")
    assert not fake.crashes


@pytest.mark.anyio
@pytest.mark.parametrize("path", PATHS)
async def test_async_bodiless_post_carries_content_length_zero(
    fake: FakeSendmux, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with async_client_on(path, monkeypatch, api_key=fake.api_key, base_url=fake.url) as client:
        domain = await client.domains.create(domain="acl.example.com")
        await client.domains.verify(domain.id)
    assert _received(fake, "POST", "POST /domains/{public_id}/verify").get("content-length") == "0"
