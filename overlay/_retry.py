"""Retry policy as pure functions: which failures to retry, and how long to wait."""

from __future__ import annotations

import email.utils
from collections.abc import Callable, Mapping

__all__ = [
    "RETRYABLE_STATUSES",
    "BACKOFF_BASE",
    "BACKOFF_CAP",
    "backoff_delay",
    "parse_retry_after",
    "server_requested_wait",
    "method_is_retry_safe",
]

RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
"""Statuses worth another attempt (unless the body says ``"retryable": false``)."""

BACKOFF_BASE = 0.5
BACKOFF_CAP = 8.0

_SAFE_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


def backoff_delay(retry_index: int, random: Callable[[], float]) -> float:
    """Exponential backoff with full jitter: uniform in [0, min(cap, base * 2**n)) for the n-th retry (0-based)."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * (2.0 ** min(retry_index, 32)))
    return ceiling * random()


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After value: delta-seconds or an HTTP-date; None if absent or garbage."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None or when.tzinfo is None:
            return None
        return max(0.0, when.timestamp() - now)
    if seconds != seconds or seconds in (float("inf"), float("-inf")):  # NaN/inf
        return None
    return max(0.0, seconds)


def parse_reset(value: str | None, now: float) -> float | None:
    """X-RateLimit-Reset as an absolute epoch time.

    Sendmux sends epoch seconds; a small number is read as seconds-from-now, as some gateways send.
    """
    if value is None:
        return None
    try:
        reset = float(value.strip())
    except ValueError:
        return None
    if reset != reset or reset in (float("inf"), float("-inf")) or reset < 0:
        return None
    if reset < 1_000_000_000:
        return now + reset
    return reset


def server_requested_wait(status_code: int, headers: Mapping[str, str], now: float) -> float | None:
    """The wait the server asked for on a 429/503 (Retry-After, else X-RateLimit-Reset); None if it did not."""
    if status_code not in (429, 503):
        return None
    wait = parse_retry_after(headers.get("retry-after"), now)
    if wait is not None:
        return wait
    reset = parse_reset(headers.get("x-ratelimit-reset"), now)
    if reset is not None:
        return max(0.0, reset - now)
    return None


def method_is_retry_safe(method: str, has_idempotency_key: bool) -> bool:
    """GET/HEAD/PUT/DELETE always; POST/PATCH only with an Idempotency-Key (the server dedupes them)."""
    return method in _SAFE_METHODS or has_idempotency_key
