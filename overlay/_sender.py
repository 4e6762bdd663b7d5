"""What a streamed result (a download, an event stream) needs of the client that made it: a *sender*.

Downloads and event streams reconnect by themselves, and every reconnection must take the same path as
any call (closed refusal, pacing, retries, deadlines, typed errors). They get that path as a `SyncSender`
/ `AsyncSender`: the client's loop in streaming mode plus its waiting and backoff, bound at the time the
result is made. They never import a client.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._prepare import Prepared
    from ._retry import RetryPolicy
    from ._wire_response import AsyncStreamed, Streamed

__all__ = ["SyncSender", "AsyncSender"]


@dataclass(frozen=True, slots=True)
class SyncSender:
    open: Callable[[Prepared], Streamed]
    """Send with the client's retry policy until a 2xx answer opens; its body unread."""
    sleep: Callable[[float], None]
    """Wait (ended early, with ClientClosedError, when the client closes)."""
    backoff: Callable[[RetryPolicy, int], float]
    """The wait before the n-th reconnection in a row (1-based) under a policy, with jitter."""
    clock: Callable[[], float]
    max_event_bytes: int | None
    """The largest server-sent event line or event the client reads into memory."""


@dataclass(frozen=True, slots=True)
class AsyncSender:
    open: Callable[[Prepared], Awaitable[AsyncStreamed]]
    sleep: Callable[[float], Awaitable[None]]
    backoff: Callable[[RetryPolicy, int], float]
    clock: Callable[[], float]
    max_event_bytes: int | None
