from __future__ import annotations

from collections.abc import Iterator

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


@pytest.fixture(autouse=True, scope="session")
def _no_user_profiles(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test reads the user's saved `sendmux profiles`: an empty config home, no profile variables."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("xdg-config")))
        patch.delenv("SENDMUX_CONFIG_DIR", raising=False)
        patch.delenv("SENDMUX_PROFILE", raising=False)
        yield
