"""RateLimitError.retry_after and .rate_limit from a real 429 over loopback HTTP, sync and async."""

from __future__ import annotations

import email.utils
import pickle
import time

import pytest
from support.mini_client import AsyncMini, Mini
from support.scripted_server import Reply, ScriptedServer, error_envelope

from sendmux import RateLimit, RateLimitError


def _429(scripted: ScriptedServer, headers: dict[str, str]) -> None:
    # retryable: false, so the client raises at once instead of waiting and retrying.
    body = error_envelope("rate_limit_exceeded", "slow down", retryable=False)
    scripted.on("GET", "/things/t1", Reply(429, json=body, headers=headers))


def _raised(mini: Mini) -> RateLimitError:
    with pytest.raises(RateLimitError) as info:
        mini.things.get("t1")
    return info.value


def test_retry_after_in_seconds(scripted: ScriptedServer, mini: Mini) -> None:
    _429(scripted, {"Retry-After": "7", "X-RateLimit-Limit": "600", "X-RateLimit-Remaining": "0"})
    err = _raised(mini)
    assert err.retry_after == 7.0
    assert err.rate_limit == RateLimit(limit=600, remaining=0, reset=None)
    assert pickle.loads(pickle.dumps(err)).retry_after == 7.0


def test_retry_after_as_an_http_date(scripted: ScriptedServer, mini: Mini) -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    _429(scripted, {"Retry-After": when})
    err = _raised(mini)
    assert err.retry_after is not None and 25 <= err.retry_after <= 31  # whole seconds, sent a moment ago
    assert err.rate_limit is None  # no X-RateLimit-* headers at all


def test_the_reset_header_when_there_is_no_retry_after(scripted: ScriptedServer, mini: Mini) -> None:
    reset = int(time.time()) + 20
    _429(scripted, {"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)})
    err = _raised(mini)
    assert err.retry_after is not None and 15 <= err.retry_after <= 21
    assert err.rate_limit == RateLimit(limit=60, remaining=0, reset=reset)


@pytest.mark.parametrize("headers", [{}, {"Retry-After": "soon"}, {"Retry-After": "nan"}])
def test_no_usable_header_leaves_retry_after_none(
    scripted: ScriptedServer, mini: Mini, headers: dict[str, str]
) -> None:
    _429(scripted, headers)
    assert _raised(mini).retry_after is None


@pytest.mark.anyio
async def test_async_client_parses_the_same(scripted: ScriptedServer, amini: AsyncMini) -> None:
    _429(scripted, {"Retry-After": "3", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "3"})
    with pytest.raises(RateLimitError) as info:
        await amini.things.get("t1")
    assert info.value.retry_after == 3.0
    assert info.value.rate_limit is not None and info.value.rate_limit.remaining == 0
