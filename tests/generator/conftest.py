from __future__ import annotations

from typing import Any

import pytest

from generator import fetch


@pytest.fixture(scope="session")
def pinned_spec() -> dict[str, Any]:
    return fetch.load_spec()
