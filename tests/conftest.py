from __future__ import annotations

import pytest

# Shared fixtures of the runtime tests (scripted loopback server, clients with an injected clock).
pytest_plugins = ("support.fixtures",)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
