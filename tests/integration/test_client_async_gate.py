"""The async client lets at most as many exchanges into its pool as the pool has connections.

A burst beyond that (an `asyncio.gather` of hundreds of calls) waits in the client, in order, instead of
in httpcore's queue, whose cost grows with the square of the queue (see sendmux/_gate.py and the async
row of docs/benchmarks.md).
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from sendmux import AsyncSendmux
from sendmux.testing import FakeSendmux


class CountingTransport(httpx.AsyncHTTPTransport):
    """Counts exchanges inside the transport: from the request until its response body is closed."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.inside = 0
        self.most = 0
        self.total = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.inside += 1
        self.total += 1
        self.most = max(self.most, self.inside)
        try:
            response = await super().handle_async_request(request)
        except BaseException:
            self.inside -= 1
            raise
        close = response.stream.aclose  # type: ignore[union-attr]

        async def aclose() -> None:
            self.inside -= 1
            await close()

        response.stream.aclose = aclose  # type: ignore[union-attr,method-assign]
        return response


def client(
    fake: FakeSendmux, transport: httpx.AsyncHTTPTransport, max_connections: int | None
) -> AsyncSendmux:
    # The gate's size is the public max_connections option (an injected client's internals stay unread).
    return AsyncSendmux(
        max_connections=max_connections,
        api_key=fake.api_key,
        base_url=fake.url,
        allow_insecure_http=True,
        http_client=httpx.AsyncClient(transport=transport),
        etag_cache=False,
    )


@pytest.mark.anyio
async def test_a_burst_enters_the_pool_no_more_than_its_connections_at_a_time(fake: FakeSendmux) -> None:
    (domain,) = fake.seed("domains", domain="gate.example.com")
    transport = CountingTransport(limits=httpx.Limits(max_connections=4))
    async with client(fake, transport, 4) as c:
        assert c._wire.gate.limit == 4
        got = await asyncio.gather(*(c.domains.get(domain["id"]) for _ in range(60)))
        # A copy shares the wire, so it shares the gate.
        copy = c.with_options(max_retries=0)
        await asyncio.gather(
            *(copy.domains.get(domain["id"]) for _ in range(20)), c.domains.get(domain["id"])
        )
    assert [d.id for d in got] == [domain["id"]] * 60
    assert transport.total == 81 and transport.inside == 0
    assert transport.most == 4  # without the gate all 60 wait inside httpcore's pool at once


@pytest.mark.anyio
async def test_an_unlimited_pool_is_not_gated(fake: FakeSendmux) -> None:
    (domain,) = fake.seed("domains", domain="open.example.com")
    transport = CountingTransport(limits=httpx.Limits(max_connections=None))
    async with client(fake, transport, None) as c:
        assert c._wire.gate.limit is None
        await asyncio.gather(*(c.domains.get(domain["id"]) for _ in range(30)))
    assert transport.total == 30 and transport.most > 4


def test_the_clients_own_pool_is_gated_at_its_size() -> None:
    c = AsyncSendmux(api_key="smx_root_" + "a" * 32)
    assert c._wire.gate.limit == 100  # the default max_connections, the pool this client makes
