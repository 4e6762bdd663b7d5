"""Pytest fixtures for FakeSendmux.  Opt in with `pytest_plugins = ["sendmux.testing.pytest_plugin"]` in
your top-level conftest.py, or `pytest -p sendmux.testing.pytest_plugin`.

- `sendmux_fake`: a running FakeSendmux, fresh for each test.
- `sendmux_client`: a `sendmux.Sendmux` client bound to it (closed after the test).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from ._fake import FakeSendmux

if TYPE_CHECKING:
    from .. import Sendmux


@pytest.fixture
def sendmux_fake() -> Iterator[FakeSendmux]:
    with FakeSendmux() as fake:
        yield fake


@pytest.fixture
def sendmux_client(sendmux_fake: FakeSendmux) -> Iterator[Sendmux]:
    from .. import Sendmux

    with Sendmux(api_key=sendmux_fake.api_key, base_url=sendmux_fake.url) as client:
        yield client
