"""How many exchanges one async client lets into its connection pool at once: as many as it has connections.

httpcore's pool re-examines every queued request each time a request arrives or a connection frees up, so
a burst far larger than the pool costs time quadratic in the burst: 1,000 gathered gets on a fresh pool
of 100 connections took 41.6 s with raw httpx, 4.5 s when at most 100 were let in at a time (the rest
waiting in order, at constant cost each). The gate is that waiting room.
"""

from __future__ import annotations

import contextlib
from typing import Any

__all__ = ["ConcurrencyGate"]


class ConcurrencyGate:
    """`async with gate.slot():` around one exchange; sized by the client's ``max_connections`` (None: no
    gate), shared by a client and its `with_options` copies (they share its wire)."""

    __slots__ = ("limit", "_semaphore")

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self._semaphore: Any = None

    def slot(self) -> contextlib.AbstractAsyncContextManager[Any]:
        if self.limit is None:
            return contextlib.nullcontext()
        semaphore = self._semaphore
        if semaphore is None:
            # anyio (an httpx dependency) works under asyncio and trio alike; made on first use so that
            # constructing a client imports nothing more. fast_acquire: no extra event-loop turn when a
            # slot is free.
            import anyio

            semaphore = self._semaphore = anyio.Semaphore(self.limit, fast_acquire=True)
        return semaphore  # type: ignore[no-any-return]
