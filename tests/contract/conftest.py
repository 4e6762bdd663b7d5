"""Fixtures for the Prism contract tests: the Management-subset spec and two Prism servers.

`prism_static` serves the spec's examples and validates every request (Prism's default);
`prism_dynamic` (`-d`) answers with random data generated from the response schemas.
Prism comes from `npm ci` (`make prism`) into ./node_modules; without it these tests skip
locally, and fail in CI (CI=true), where a skipped contract suite would hide a broken setup.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prism_support import PRISM_BIN, ROOT, PrismServer

from generator import fetch, overlays, surface


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


def _require_prism() -> None:
    if PRISM_BIN.exists():
        return
    msg = f"{PRISM_BIN.relative_to(ROOT)} is missing: run `make prism` (npm ci) to install Prism"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{msg}; CI must install it, so the contract tests may not skip there", pytrace=False)
    pytest.skip(msg)


@pytest.fixture(scope="session")
def management_spec() -> dict[str, Any]:
    """The pinned spec (wire format, envelopes intact) reduced to the Management surface: 54 operations.

    Our reviewed overlays are applied first.  They matter to Prism: the spec types ~30 timestamps
    as plain strings without examples, so Prism would serve `"string"` (static) or random words
    (dynamic) where the overlay — and the real API — promise RFC 3339; with `format: date-time`
    Prism generates real timestamps.  SENDMUX_PRISM_OVERLAYS=0 serves the bare subset instead.
    """
    spec = fetch.load_spec()
    if os.environ.get("SENDMUX_PRISM_OVERLAYS", "1") != "0":
        spec = overlays.apply_overlays(spec)
    return surface.prune(surface.select_management(spec))


@pytest.fixture(scope="session")
def management_spec_path(management_spec: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("prism") / "management.json"
    path.write_text(json.dumps(management_spec, indent=1))
    return path


def _serve(
    spec_path: Path, tmp_path_factory: pytest.TempPathFactory, *, dynamic: bool
) -> Iterator[PrismServer]:
    _require_prism()
    log_dir = tmp_path_factory.mktemp("prism-log")
    server = PrismServer(spec_path, log_dir / ("dynamic.log" if dynamic else "static.log"), dynamic=dynamic)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def prism_static(
    management_spec_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PrismServer]:
    yield from _serve(management_spec_path, tmp_path_factory, dynamic=False)


@pytest.fixture(scope="session")
def prism_dynamic(
    management_spec_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PrismServer]:
    yield from _serve(management_spec_path, tmp_path_factory, dynamic=True)
