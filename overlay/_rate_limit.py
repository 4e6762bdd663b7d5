"""Rate-limit headers → `RateLimit`, and the shared pacing state of one client."""

from __future__ import annotations

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

    Shared by `with_options` copies, read by every thread or task of the client. The hot path stores a
    reference to the headers and parses them only when someone reads `last` (or the window is exhausted).
    """

    __slots__ = ("_headers", "_seen_at", "paced_until")

    def __init__(self) -> None:
        self._headers: Mapping[str, str] | None = None
        self._seen_at = 0.0
        self.paced_until = 0.0
        """Epoch time before which no request should be sent (0: no pacing)."""

    @property
    def last(self) -> RateLimit | None:
        headers = self._headers
        return None if headers is None else parse_rate_limit(headers, self._seen_at)

    def observe(self, headers: Mapping[str, str], now: float) -> None:
        remaining = headers.get("x-ratelimit-remaining")
        if remaining is None:
            return
        # One reference store is atomic; readers parse a consistent header set.
        self._headers = headers
        self._seen_at = now
        if remaining.strip() == "0":
            reset = parse_reset(headers.get("x-ratelimit-reset"), now)
            self.paced_until = reset if reset is not None and reset > now else 0.0
        elif self.paced_until:
            self.paced_until = 0.0

    def pacing_delay(self, now: float, max_wait: float) -> float:
        """How long to wait before the next request (0 when not exhausted or the reset has passed)."""
        until = self.paced_until
        if not until or until <= now:
            return 0.0
        return min(until - now, max_wait)
