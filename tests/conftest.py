from __future__ import annotations

import pytest
from hypothesis import settings

# No per-example deadline: on a loaded 2-core machine timing is not what property tests check.
settings.register_profile("sendmux", deadline=None, print_blob=True)
settings.load_profile("sendmux")

# Shared fixtures of the runtime tests (scripted loopback server, clients with an injected clock).
pytest_plugins = ("support.fixtures",)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
