"""Fixtures for the Prism contract tests: the pinned specs as their clients see them, and Prism servers.

Each pinned spec gets its own servers (the Sending API lives on another host): `prism_static` /
`prism_sending_static` serve the spec's examples and validate every request (Prism's default);
`prism_dynamic` / `prism_sending_dynamic` (`-d`) answer with random data generated from the schemas.
Prism comes from `npm ci` (`make prism`) into ./node_modules; without it these tests skip
locally, and fail in CI (CI=true), where a skipped contract suite would hide a broken setup.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from contract_specs import contract_spec, serve
from prism_support import PrismServer

from generator import surface


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.prism)


# Figures for the closing note, printed at the end of the run.
_STATS: Counter[str] = Counter()


@pytest.fixture(scope="session")
def prism_stats() -> Counter[str]:
    return _STATS


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _STATS:
        terminalreporter.write_sep("-", "prism contract figures")
        for key in sorted(_STATS):
            terminalreporter.write_line(f"{key}: {_STATS[key]}")


@pytest.fixture(scope="session")
def app_spec() -> dict[str, Any]:
    """The app spec: Management (54) and Mailbox (42) operations."""
    return contract_spec("app")


@pytest.fixture(scope="session")
def sending_spec() -> dict[str, Any]:
    """The Sending spec: its 8 operations, on its own server."""
    return contract_spec("sending")


@pytest.fixture(scope="session")
def management_spec(app_spec: dict[str, Any]) -> dict[str, Any]:
    """Only the Management operations (54)."""
    return surface.prune(surface.select_surface(app_spec, "management"))


def _write(spec: dict[str, Any], tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    path = tmp_path_factory.mktemp("prism") / name
    path.write_text(json.dumps(spec, indent=1))
    return path


@pytest.fixture(scope="session")
def app_spec_path(app_spec: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(app_spec, tmp_path_factory, "app.json")


@pytest.fixture(scope="session")
def sending_spec_path(sending_spec: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(sending_spec, tmp_path_factory, "sending.json")


@pytest.fixture(scope="session")
def prism_static(app_spec_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrismServer]:
    yield from serve(app_spec_path, tmp_path_factory, dynamic=False)


@pytest.fixture(scope="session")
def prism_dynamic(app_spec_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrismServer]:
    yield from serve(app_spec_path, tmp_path_factory, dynamic=True)


@pytest.fixture(scope="session")
def prism_sending_static(
    sending_spec_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PrismServer]:
    yield from serve(sending_spec_path, tmp_path_factory, dynamic=False)


@pytest.fixture(scope="session")
def prism_sending_dynamic(
    sending_spec_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PrismServer]:
    yield from serve(sending_spec_path, tmp_path_factory, dynamic=True)
