"""Retry policy: `RetryPolicy` (public), and pure functions for which failures to retry and how long to wait."""

from __future__ import annotations

import email.utils
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

__all__ = [
    "RetryPolicy",
    "DEFAULT_RETRY_POLICY",
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


def _seconds(value: object, name: str, *, positive: bool = False, optional: bool = False) -> float | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"RetryPolicy.{name} must be a number of seconds, got {type(value).__name__}")
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        raise ValueError(
            f"RetryPolicy.{name} must be a finite number of seconds {'> 0' if positive else '>= 0'}, got {value!r}"
        )
    return float(value)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How a call retries: on a client (``Sendmux(retry=RetryPolicy(...))``) or per call (``retry=``).

    Retries happen only where they are safe: GET/PUT/DELETE, and POST/PATCH with an Idempotency-Key (every
    create and send gets one). A server's ``Retry-After`` is honoured up to ``max_retry_wait``; otherwise the
    wait is exponential backoff with full jitter: uniform in ``[0, min(max_delay, initial_delay * 2**n))``
    before the n-th retry (0-based). A body saying ``"retryable": false`` is never retried.
    """

    max_retries: int = 2
    """Retries after the first attempt (0: none)."""
    initial_delay: float = 0.5
    """The backoff ceiling before the first retry, in seconds; it doubles per retry."""
    max_delay: float = 8.0
    """The largest backoff ceiling, in seconds."""
    max_elapsed: float | None = None
    """No retry starts once this many seconds have passed since the call began (None: no limit); see also
    the client's ``total_timeout``, which bounds the attempts themselves too."""
    max_retry_wait: float = 60.0
    """The longest wait a server may ask for (Retry-After, X-RateLimit-Reset, an event stream's ``retry:``);
    a longer one fails the call at once instead."""
    retry_statuses: frozenset[int] = field(default=frozenset({408, 429, 500, 502, 503, 504}))
    """HTTP statuses worth another attempt."""

    def __post_init__(self) -> None:
        if (
            isinstance(self.max_retries, bool)
            or not isinstance(self.max_retries, int)
            or self.max_retries < 0
        ):
            raise ValueError(f"RetryPolicy.max_retries must be an int >= 0, got {self.max_retries!r}")
        _seconds(self.initial_delay, "initial_delay")
        _seconds(self.max_delay, "max_delay")
        _seconds(self.max_elapsed, "max_elapsed", positive=True, optional=True)
        _seconds(self.max_retry_wait, "max_retry_wait")
        statuses: Iterable[object] = self.retry_statuses
        if not all(isinstance(s, int) and not isinstance(s, bool) and 100 <= s <= 599 for s in statuses):
            raise ValueError("RetryPolicy.retry_statuses must hold HTTP status codes (100-599)")
        object.__setattr__(self, "retry_statuses", frozenset(self.retry_statuses))

    def delay(self, retry_index: int, random: Callable[[], float]) -> float:
        """The jittered backoff before the ``retry_index``-th retry (0-based)."""
        ceiling = min(self.max_delay, self.initial_delay * (2.0 ** min(retry_index, 32)))
        return ceiling * random()

    def with_changes(self, **changes: object) -> RetryPolicy:
        """A copy with some fields changed (checked like a new policy)."""
        return replace(self, **changes)  # type: ignore[arg-type]


DEFAULT_RETRY_POLICY = RetryPolicy()


def backoff_delay(retry_index: int, random: Callable[[], float]) -> float:
    """The default policy's backoff: uniform in [0, min(8, 0.5 * 2**n)) for the n-th retry (0-based)."""
    return DEFAULT_RETRY_POLICY.delay(retry_index, random)


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
