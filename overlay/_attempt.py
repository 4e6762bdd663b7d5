"""One attempt's outcome: the final result, or the error and how long to wait before retrying it.

Also where each response is observed: rate-limit headers, the ETag cache, debug logging.  No I/O.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    NotModifiedError,
    SendmuxError,
    make_status_error,
)
from ._etag_cache import ETagCache
from ._headers import Headers
from ._logging import logger
from ._options import attempt_budget
from ._prepare import WRITE_METHODS, Prepared
from ._rate_limit import RateLimitState
from ._redact import scrub, secrets_of
from ._retry import RetryPolicy, server_requested_wait
from ._wire_errors import TransportFailure
from ._wire_response import AsyncStreamed, Buffered, Streamed

__all__ = ["Result", "Outcome", "AttemptOutcomes"]

_DEBUG = logging.DEBUG


class Result:
    """The final response of a call (for a cache hit: the 304's headers with the cached body)."""

    __slots__ = ("prep", "status_code", "headers", "content", "from_cache", "elapsed_ms", "seen_at")

    def __init__(
        self,
        prep: Prepared,
        status_code: int,
        headers: Headers,
        content: bytes,
        from_cache: bool,
        elapsed_ms: float,
        seen_at: float,
    ) -> None:
        self.prep = prep
        self.status_code = status_code
        self.headers = headers
        self.content = content
        self.from_cache = from_cache
        self.elapsed_ms = elapsed_ms
        self.seen_at = seen_at


Outcome = Result | tuple[SendmuxError, float | None]


class AttemptOutcomes:
    """The client's half that judges each attempt's response or transport error (no I/O)."""

    # Set by the client's constructor.
    total_timeout: float | None
    _etag: ETagCache | None
    _rate: RateLimitState
    _clock: Callable[[], float]
    _random: Callable[[], float]

    @staticmethod
    def _past(policy: RetryPolicy, began: float, end: float | None, wait: float) -> bool:
        """Whether waiting ``wait`` more seconds would pass the call's total_timeout or max_elapsed."""
        now = time.monotonic()
        if end is not None and now + wait >= end:
            return True
        return policy.max_elapsed is not None and now - began + wait > policy.max_elapsed

    def _out_of_time(self, prep: Prepared, doing: str) -> APITimeoutError:
        return APITimeoutError(
            f"total_timeout={self.total_timeout:g} s would pass {doing} on {prep.method} {prep.path}",
            method=prep.method,
            url=prep.url,
        )

    def _after_response(self, prep: Prepared, response: Buffered, attempt: int, started: float) -> Outcome:
        status = response.status_code
        headers = response.headers
        now = self._clock()
        self._rate.observe(headers, now)
        elapsed_ms = (time.perf_counter() - started) * 1000.0
        if logger.isEnabledFor(_DEBUG):
            logger.debug(
                "%s %s -> %d request_id=%s attempt=%d elapsed_ms=%.1f",
                prep.method,
                prep.path,
                status,
                headers.get("x-request-id"),
                attempt,
                elapsed_ms,
            )
        if 200 <= status < 300:
            content = response.content
            if prep.cache_key is not None:
                etag = headers.get("etag")
                if etag:
                    self._etag.put(prep.cache_key, etag, content)  # type: ignore[union-attr]
                elif prep.cache_entry is not None:
                    self._etag.discard(prep.cache_key)  # type: ignore[union-attr]  # stale validator
            elif prep.method in WRITE_METHODS and self._etag is not None:
                # Again after the write: a concurrent GET may have re-cached the old state meanwhile.
                self._etag.evict_related(prep.url)
            return Result(prep, status, headers, content, False, elapsed_ms, now)
        if status == 304:
            entry = prep.cache_entry
            if entry is not None:
                return Result(prep, status, headers, entry.body, True, elapsed_ms, now)
            return NotModifiedError(
                etag=headers.get("etag"), request_id=headers.get("x-request-id"), headers=headers
            ), None
        if prep.cache_key is not None and status in (404, 410):
            self._etag.discard(prep.cache_key)  # type: ignore[union-attr]
        error = make_status_error(
            status,
            headers,
            response.content,
            permission=prep.op.permission,
            method=prep.method,
            url=prep.url,
            reason=response.reason_phrase,
            secrets=secrets_of(prep.headers, prep.url),
        )
        wait: float | None = None
        policy = prep.policy
        # A 429 is refused before anything is applied, so resending it is safe even for a POST without a key.
        if (
            status in policy.retry_statuses
            and error.retryable is not False
            and (prep.retry_safe or status == 429)
        ):
            wait = server_requested_wait(status, headers, now)
            if wait is None:
                wait = policy.delay(attempt - 1, self._random)
            elif wait > policy.max_retry_wait:
                wait = None  # the server wants longer than we may wait: fail now rather than draw another 429
        return error, wait

    def _opened(
        self, prep: Prepared, response: Streamed | AsyncStreamed, attempt: int, started: float
    ) -> None:
        """A streamed answer opened (2xx): observe its rate-limit headers, log it."""
        self._rate.observe(response.headers, self._clock())
        if logger.isEnabledFor(_DEBUG):
            logger.debug(
                "%s %s -> %d (streamed) request_id=%s attempt=%d elapsed_ms=%.1f",
                prep.method,
                prep.path,
                response.status_code,
                response.headers.get("x-request-id"),
                attempt,
                (time.perf_counter() - started) * 1000.0,
            )

    def _after_transport_error(
        self, prep: Prepared, exc: TransportFailure, attempt: int, started: float
    ) -> Outcome:
        text = scrub(str(exc), prep.headers, prep.url)  # belt and braces: no secret in any message
        where = f"{prep.method} {prep.path}"
        if exc.is_timeout:
            budget = attempt_budget(prep.timeout)
            limit = f"; the attempt's limit is {budget:g} s" if budget is not None else ""
            if self.total_timeout is not None:
                limit += f", the call's total_timeout {self.total_timeout:g} s"
            error: APIConnectionError = APITimeoutError(
                f"request timed out ({text}{limit}) on {where}", method=prep.method, url=prep.url
            )
        else:
            error = APIConnectionError(
                f"connection error ({text}) on {where}", method=prep.method, url=prep.url
            )
        if logger.isEnabledFor(_DEBUG):
            logger.debug(
                "%s %s -> %s attempt=%d elapsed_ms=%.1f",
                prep.method,
                prep.path,
                exc.kind,
                attempt,
                (time.perf_counter() - started) * 1000.0,
            )
        wait: float | None = None
        if prep.retry_safe or exc.never_sent:
            wait = prep.policy.delay(attempt - 1, self._random)
        return error, wait

    def _log_retry(self, prep: Prepared, error: SendmuxError, wait: float, attempt: int) -> None:
        if logger.isEnabledFor(logging.INFO):
            if isinstance(error, APIStatusError):
                reason = f"{error.status_code} {error.code or ''}".rstrip()
            else:
                reason = type(error).__name__
            logger.info(
                "retrying %s %s in %.2f s (attempt %d of %d) after %s",
                prep.method,
                prep.path,
                wait,
                attempt + 1,
                prep.max_retries + 1,
                reason,
            )
