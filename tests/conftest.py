from __future__ import annotations

import pytest
from hypothesis import settings

# No per-example deadline: on a loaded 2-core machine timing is not what property tests check.
settings.register_profile("sendmux", deadline=None, print_blob=True)
settings.load_profile("sendmux")

# Shared fixtures: the runtime tests' scripted loopback server and clients with an injected clock, and
# the fake server's own plugin (`sendmux_fake`, `sendmux_client`) that users get too.
pytest_plugins = ("support.fixtures", "sendmux.testing.pytest_plugin")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
