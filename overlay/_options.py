"""Checks of client and per-call options, run before anything is sent.

A wrong type is a `TypeError`; a wrong value a `ConfigurationError` at construction (a bad setup) and a
`ValueError` per call. Every message names the option, so `timeout="5"` fails where it is written, not
as a comparison error deep inside a retry loop.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from ._errors import ConfigurationError
from ._types import TimeoutTypes

__all__ = [
    "check_timeout",
    "check_max_retries",
    "check_max_retry_wait",
    "check_flag",
    "check_total_timeout",
    "check_cache_size",
    "check_limit",
    "timeout_phases",
    "attempt_budget",
]

_TIMEOUT_PHASES = ("connect", "read", "write", "pool")


def _value_error(message: str, at_construction: bool) -> ValueError:
    return ConfigurationError(message) if at_construction else ValueError(message)


def _got(value: object) -> str:
    return "None" if value is None else f"{type(value).__name__} {value!r}"


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_timeout_object(value: object) -> bool:
    # An httpx.Timeout or an httpx2.Timeout (distinct classes of the same shape).
    return hasattr(value, "as_dict") and all(hasattr(value, phase) for phase in _TIMEOUT_PHASES)


def check_timeout(value: object, *, at_construction: bool = False) -> TimeoutTypes:
    """Seconds (> 0, finite), an `httpx.Timeout` whose set phases are, or None (no limit)."""
    if value is None:
        return None
    if _is_timeout_object(value):
        for phase in _TIMEOUT_PHASES:
            seconds = getattr(value, phase)
            if seconds is not None and not (_is_number(seconds) and math.isfinite(seconds) and seconds > 0):
                raise _value_error(
                    f"timeout.{phase} must be a positive number of seconds or None, got {seconds!r}",
                    at_construction,
                )
        return value  # type: ignore[return-value]  # an httpx2.Timeout reads the same
    if not _is_number(value):
        raise TypeError(f"timeout must be a number of seconds, an httpx.Timeout or None, got {_got(value)}")
    assert isinstance(value, (int, float))
    if not (math.isfinite(value) and value > 0):
        raise _value_error(
            f"timeout must be a positive, finite number of seconds, got {value!r}", at_construction
        )
    return float(value)


def check_max_retries(value: object, *, at_construction: bool = False) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"max_retries must be an int >= 0 (0 disables retries), got {_got(value)}")
    if value < 0:
        raise _value_error(f"max_retries must be >= 0 (0 disables retries), got {value}", at_construction)
    return value


def check_max_retry_wait(value: object, *, at_construction: bool = False) -> float:
    if not _is_number(value):
        raise TypeError(f"max_retry_wait must be a number of seconds >= 0, got {_got(value)}")
    assert isinstance(value, (int, float))
    if not (math.isfinite(value) and value >= 0):
        raise _value_error(
            f"max_retry_wait must be a finite number of seconds >= 0, got {value!r}", at_construction
        )
    return float(value)


def check_total_timeout(value: object, *, at_construction: bool = False) -> float | None:
    """Seconds a whole call may take across its attempts and waits (> 0, finite), or None (no limit)."""
    if value is None:
        return None
    if not _is_number(value):
        raise TypeError(f"total_timeout must be a number of seconds or None, got {_got(value)}")
    assert isinstance(value, (int, float))
    if not (math.isfinite(value) and value > 0):
        raise _value_error(
            f"total_timeout must be a positive, finite number of seconds, got {value!r}", at_construction
        )
    return float(value)


def check_limit(value: object, name: str) -> int | None:
    """A positive int (a count or a size in bytes), or None for no limit."""
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be a positive int or None (no limit), got {_got(value)}")
    if value < 1:
        raise ConfigurationError(f"{name} must be >= 1 (or None for no limit), got {value}")
    return value


def check_flag(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {_got(value)}")
    return value


def check_cache_size(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"etag_cache_size must be an int >= 1, got {_got(value)}")
    if value < 1:
        raise ConfigurationError(f"etag_cache_size must be >= 1, got {value}")
    return value


def check_headers(value: object, name: str) -> dict[str, str]:
    """A mapping of header names to str values without line breaks (a break would split the header)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a mapping of header names to str values, got {type(value).__name__}")
    out: dict[str, str] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, str):
            raise TypeError(f"{name} must map str names to str values; {key!r} maps to {type(item).__name__}")
        if "\n" in item or "\r" in item or "\n" in key or "\r" in key:
            raise ConfigurationError(f"{name}[{key!r}] must not contain line breaks")
        out[key] = item
    return out


def attempt_budget(timeout: TimeoutTypes) -> float | None:
    """How long one attempt may take end to end: the largest limit the timeout sets (None: unbounded).

    Each phase keeps its own limit too (connect, write, each read); this one also stops a server that
    trickles a body slowly enough never to trip a single read's limit.
    """
    global _last_budget
    if timeout is None:
        return None
    if not isinstance(timeout, (int, float)):
        last = _last_budget
        if last[0] is timeout:  # nearly every call passes the client's one Timeout: compute it once
            return last[1]
        limits = [s for s in (timeout.connect, timeout.read, timeout.write, timeout.pool) if s is not None]
        budget = max(limits) if limits else None
        _last_budget = (timeout, budget)  # one tuple, swapped atomically: safe across threads
        return budget
    return float(timeout)


_last_budget: tuple[object, float | None] = (None, None)


def timeout_phases(timeout: TimeoutTypes) -> dict[str, float | None]:
    """The per-phase limits (connect, read, write, pool) a timeout sets, as httpcore takes them."""
    global _last_phases
    last = _last_phases
    if last[0] is timeout and timeout is not None:  # the client's own timeout, nearly every call
        return last[1]
    if timeout is None or isinstance(timeout, (int, float)):
        seconds = None if timeout is None else float(timeout)
        phases: dict[str, float | None] = dict.fromkeys(_TIMEOUT_PHASES, seconds)
    else:
        phases = {phase: getattr(timeout, phase) for phase in _TIMEOUT_PHASES}
    _last_phases = (timeout, phases)
    return phases


_last_phases: tuple[object, dict[str, float | None]] = (None, {})
