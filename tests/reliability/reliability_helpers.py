"""Helpers of the reliability suite: fast-retry clients, socket counting, figures, polling."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sendmux import AsyncSendmux, Sendmux

ROOT = Path(__file__).resolve().parents[2]
FIGURES_DIR = ROOT / "build" / "reliability"

# The retry policy's backoff is 0.5 s x full jitter by design and no public knob shrinks it
# (`max_retry_wait` caps only server-requested waits).  The suite keeps the policy and shrinks the
# jitter draw through the client's test hook, so a thousand retried calls take seconds, not minutes.
FAST_JITTER = 0.02

C = TypeVar("C", Sendmux, AsyncSendmux)


def fast(client: C) -> C:
    client._random = lambda: FAST_JITTER
    return client


# ---- figures the lead quotes --------------------------------------------------------------------


FIGURES: dict[str, dict[str, Any]] = {}
"""Figures recorded in this session, shown in pytest's terminal summary (see conftest)."""


def record_figures(name: str, figures: dict[str, Any]) -> Path:
    """Keep `figures` for the terminal summary, write `build/reliability/<name>.json`, print them (`-s`)."""
    FIGURES[name] = figures
    FIGURES_DIR.mkdir(parents=True, exist_ok=True)
    path = FIGURES_DIR / f"{name}.json"
    path.write_text(json.dumps(figures, indent=2, sort_keys=True, default=str) + "\n")
    print(f"\n[reliability] {name}: {json.dumps(figures, sort_keys=True, default=str)}")
    return path


# Socket counting (tcp_sockets) lives in tests/support/sockets.py, shared with the integration tests.


def wait_for(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Poll until `predicate()` holds (the fake's threads finish on their own time); False on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
