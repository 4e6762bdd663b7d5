"""pytest fixtures for runtime tests; import them into a test module with ``from support.fixtures import *``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from support.mini_client import AsyncMini, FakeTime, Mini, make_async_client, make_client
from support.scripted_server import ScriptedServer

__all__ = ["server", "fake_time", "client", "aclient"]


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as s:
        yield s


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def client(server: ScriptedServer, fake_time: FakeTime) -> Iterator[Mini]:
    with make_client(server.base_url, fake_time) as c:
        yield c


@pytest.fixture
async def aclient(server: ScriptedServer, fake_time: FakeTime) -> AsyncIterator[AsyncMini]:
    async with make_async_client(server.base_url, fake_time) as c:
        yield c
