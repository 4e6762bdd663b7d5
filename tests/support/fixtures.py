"""pytest fixtures of the runtime tests, loaded as a plugin by tests/conftest.py.

Names are specific (`scripted`, `mini`, `amini`) so they never clash with fixtures other suites define;
`fake` is the default FakeSendmux, which a test file overrides with its own `fake` where it needs settings."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from sendmux.testing import FakeSendmux
from support.mini_client import AsyncMini, FakeTime, Mini, make_async_client, make_client
from support.scripted_server import ScriptedServer

__all__ = ["scripted", "fake_time", "mini", "amini", "fake"]


@pytest.fixture
def scripted() -> Iterator[ScriptedServer]:
    with ScriptedServer() as s:
        yield s


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def mini(scripted: ScriptedServer, fake_time: FakeTime) -> Iterator[Mini]:
    with make_client(scripted.base_url, fake_time) as c:
        yield c


@pytest.fixture
async def amini(scripted: ScriptedServer, fake_time: FakeTime) -> AsyncIterator[AsyncMini]:
    async with make_async_client(scripted.base_url, fake_time) as c:
        yield c


@pytest.fixture
def fake(sendmux_fake: FakeSendmux) -> FakeSendmux:
    """A fresh FakeSendmux with default settings; a test file that needs others defines its own `fake`."""
    return sendmux_fake
