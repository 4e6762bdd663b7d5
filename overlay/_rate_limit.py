"""Rate-limit headers → `RateLimit`, and the shared pacing state of one client."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sendmux._retry import parse_reset

__all__ = ["RateLimit", "parse_rate_limit", "RateLimitState"]


@dataclass(frozen=True, slots=True)
class RateLimit:
    """The rate-limit state one response reported (``X-RateLimit-*``)."""

    limit: int | None
    remaining: int | None
    reset: float | None
    """When the window resets, as epoch seconds."""

    @property
    def reset_at(self) -> datetime | None:
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
    """Last seen rate limit of one client, and until when requests should hold off.

    Shared by `with_options` copies, read by every thread or task of the client. Besides the server's
    `remaining`, it keeps a local budget for the current window, lowered by every request sent: with
    many threads in flight, the requests beyond the budget wait for the reset instead of all going out
    and drawing 429s.
    """

    __slots__ = ("_headers", "_seen_at", "_lock", "_budget", "_window")

    def __init__(self) -> None:
        self._headers: Mapping[str, str] | None = None
        self._seen_at = 0.0
        self._lock = threading.Lock()
        self._budget: int | None = None
        """Requests left in the current window as far as we know (None: unknown)."""
        self._window = 0.0
        """Reset time of the window the budget belongs to (0: unknown)."""

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
                self._budget, self._window = remaining, 0.0
            elif reset > self._window:  # a newer window
                self._budget, self._window = remaining, reset
            elif reset == self._window:  # same window: the lower count is the truer one
                budget = self._budget
                self._budget = remaining if budget is None else min(budget, remaining)
            else:
                return  # a response from an older window, overtaken by newer ones

    def reserve(self, now: float, max_wait: float) -> float:
        """Claim one request of the window's budget: 0 to go now, else how long to wait first.

        Check and claim are one step under the lock, so N threads never all see the last slot free.
        A waiter is not counted: when it wakes the window has reset (or the wait was capped, and a
        429 is then retried as usual).
        """
        with self._lock:
            budget = self._budget
            if budget is None:
                return 0.0
            if budget <= 0 and self._window:
                if self._window > now:
                    return min(self._window - now, max_wait)
                self._budget = None  # the window is over: its count means nothing now
                return 0.0
            self._budget = budget - 1
            return 0.0
