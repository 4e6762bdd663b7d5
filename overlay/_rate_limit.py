"""Rate-limit headers → `RateLimit`, and the shared pacing state of one client."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from ._retry import parse_reset

__all__ = ["RateLimit", "parse_rate_limit", "RateLimitState"]


@dataclass(frozen=True, slots=True)
class RateLimit:
    """The rate-limit state one response reported (``X-RateLimit-*``)."""

    limit: int | None
    """Requests the window allows."""
    remaining: int | None
    """Requests left in the current window."""
    reset: float | None
    """When the window resets, as epoch seconds."""

    @property
    def reset_at(self) -> datetime | None:
        """`reset` as an aware datetime."""
        return None if self.reset is None else datetime.fromtimestamp(self.reset, tz=UTC)


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None


def parse_rate_limit(headers: Mapping[str, str], now: float) -> RateLimit | None:
    """None when the response carries none of the headers."""
    limit = headers.get("x-ratelimit-limit")
    remaining = headers.get("x-ratelimit-remaining")
    reset = headers.get("x-ratelimit-reset")
    if limit is None and remaining is None and reset is None:
        return None
    return RateLimit(limit=_int(limit), remaining=_int(remaining), reset=parse_reset(reset, now))


class RateLimitState:
    """Last seen rate limit of one client, and whether the next request should wait for the reset.

    Shared by `with_options` copies, read by every thread or task of the client. A request may go when
    the window's last known `remaining` exceeds the requests already in flight: a sequential client
    waits only once the server says 0, and many threads at once never send more than the window has
    left (the rest wait for the reset instead of drawing 429s). Counting only what is in flight, not
    everything sent, means a server whose counter does not move can never stall the client.
    """

    __slots__ = ("_headers", "_seen_at", "_lock", "_remaining", "_window", "_in_flight")

    def __init__(self) -> None:
        self._headers: Mapping[str, str] | None = None
        self._seen_at = 0.0
        self._lock = threading.Lock()
        self._remaining: int | None = None
        """The window's remaining requests as last reported (None: unknown)."""
        self._window = 0.0
        """Reset time of that window (0: unknown)."""
        self._in_flight = 0

    @property
    def last(self) -> RateLimit | None:
        headers = self._headers
        return None if headers is None else parse_rate_limit(headers, self._seen_at)

    def observe(self, headers: Mapping[str, str], now: float) -> None:
        remaining_text = headers.get("x-ratelimit-remaining")
        if remaining_text is None:
            return
        # One reference store is atomic; readers parse a consistent header set.
        self._headers = headers
        self._seen_at = now
        try:
            remaining = int(remaining_text)
        except ValueError:
            return
        reset = parse_reset(headers.get("x-ratelimit-reset"), now)
        with self._lock:
            if reset is None:
                self._remaining, self._window = remaining, 0.0
            elif reset > self._window:  # a newer window
                self._remaining, self._window = remaining, reset
            elif reset == self._window:  # same window, answers out of order: the lower count is newer
                known = self._remaining
                self._remaining = remaining if known is None else min(known, remaining)
            # else: an answer from an older window, overtaken by newer ones

    def reserve(self, now: float, max_wait: float) -> float:
        """Count one request in flight; 0 to send now, else how long to wait for the reset first.

        Check and count are one step under the lock, so N threads never all see the last slot free.
        Every `reserve` must be paired with a `release` once the attempt is over.
        """
        with self._lock:
            remaining = self._remaining
            in_flight = self._in_flight
            self._in_flight = in_flight + 1
            if remaining is None or remaining > in_flight or not self._window:
                return 0.0
            if self._window > now:
                return min(self._window - now, max_wait)
            self._remaining = None  # the window is over: its count means nothing now
            return 0.0

    def release(self) -> None:
        with self._lock:
            self._in_flight -= 1
