"""Fixtures of the reliability suite: a fresh `FakeSendmux` per test and fast-retry clients against it.

Everything here runs over real sockets on 127.0.0.1.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from reliability_helpers import FIGURES, fast

from sendmux import Sendmux
from sendmux.testing import FakeSendmux


@pytest.fixture
def fake() -> Iterator[FakeSendmux]:
    """A fresh fake per test: no rate limit (the suites send thousands of requests), seeded faults."""
    with FakeSendmux(rate_limit=None, fault_seed=20261126) as server:
        yield server


@pytest.fixture
def make_client(fake: FakeSendmux) -> Iterator[Callable[..., Sendmux]]:
    """Clients against `fake` with fast backoff; closed at teardown."""
    made: list[Sendmux] = []

    def make(**options: Any) -> Sendmux:
        options.setdefault("max_retry_wait", 1.0)
        client = Sendmux(api_key=fake.api_key, base_url=fake.url, **options)
        fast(client)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if FIGURES:
        terminalreporter.write_sep("-", "reliability figures (also in build/reliability/*.json)")
        for name in sorted(FIGURES):
            if name == "2e_fault_matrix":  # 48 cells: too long for one line
                line = f"{len(FIGURES[name])} cells behaved as the table says (build/reliability/{name}.json)"
            else:
                line = json.dumps(FIGURES[name], sort_keys=True, default=str)
            terminalreporter.write_line(f"{name}: {line}")
