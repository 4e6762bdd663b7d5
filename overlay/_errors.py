"""The error hierarchy: every failure the client raises is a `SendmuxError`.

Nothing here holds a credential: exceptions keep the response headers (with any auth header redacted), the
method and URL (token query values redacted), never the `httpx.Request` (whose headers carry Authorization).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._headers import Headers
from ._rate_limit import RateLimit, parse_rate_limit
from ._redact import REDACTED, SECRET_HEADERS, redact_url, scrub_bytes
from ._retry import server_requested_wait

__all__ = [
    "SendmuxError",
    "ConfigurationError",
    "ClientClosedError",
    "PaginationError",
    "NotModifiedError",
    "WebhookSignatureError",
    "WaitTimeoutError",
    "APIConnectionError",
    "APITimeoutError",
    "APIResponseValidationError",
    "ResponseTooLargeError",
    "BatchChunkError",
    "ErrorDetail",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "InsufficientCreditsError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "LimitExceededError",
    "IdempotencyConflictError",
    "PayloadTooLargeError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "ServiceUnavailableError",
    "make_status_error",
]


class SendmuxError(Exception):
    """Root of every error this package raises."""

    def __reduce__(self) -> str | tuple[Any, ...]:
        # Keyword-only constructors would break Exception's default pickling (multiprocessing, task queues).
        return (_restore_error, (type(self), self.args, dict(self.__dict__)))


def _restore_error(cls: type[SendmuxError], args: tuple[Any, ...], state: dict[str, Any]) -> SendmuxError:
    err = cls.__new__(cls)
    err.args = args
    err.__dict__.update(state)
    return err


class ConfigurationError(SendmuxError, ValueError):
    """The client was set up wrongly (no credential, a bad credential, an insecure base URL, ...)."""


class ClientClosedError(SendmuxError, RuntimeError):
    """A call on a client after `close()` (or its `with` block), or on a copy whose pool was closed."""


class PaginationError(SendmuxError):
    """The server's cursors would make pagination loop (a repeated cursor, or has_more without a cursor)."""


class WebhookSignatureError(SendmuxError, ValueError):
    """A webhook delivery's signature is missing, malformed, stale or wrong."""


class NotModifiedError(SendmuxError):
    """A GET sent with an explicit ``if_none_match=`` got ``304 Not Modified``: your copy is current.

    Only raised when you pass ``if_none_match=`` yourself; the built-in ETag cache handles 304s silently.
    """

    def __init__(self, *, etag: str | None, request_id: str | None, headers: Headers | None = None):
        self.etag = etag
        self.request_id = request_id
        self.headers = headers
        super().__init__(f"304 not modified (etag={etag}, request_id={request_id})")


class WaitTimeoutError(SendmuxError, TimeoutError):
    """A wait (``messages.wait_for``) reached its ``timeout`` with nothing matching; also a `TimeoutError`.

    ``timeout`` is the seconds waited and ``filters`` the filters as given (names as ``messages.list``
    spells them): what the message says, never a credential.
    """

    def __init__(self, *, timeout: float, filters: Mapping[str, object]):
        self.timeout: float = timeout
        self.filters: dict[str, object] = dict(filters)
        shown = ", ".join(f"{k}={v!r}" for k, v in self.filters.items()) or "no filters"
        super().__init__(f"no matching message within {timeout:g} s ({shown})")


class APIConnectionError(SendmuxError):
    """The request failed below HTTP: DNS, refused connection, reset, TLS, protocol error."""

    def __init__(
        self, message: str = "Connection error.", *, method: str | None = None, url: str | None = None
    ):
        self.message = message
        self.method = method
        self.url: str | None = redact_url(url)
        super().__init__(message)


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write or waiting for a pooled connection)."""

    def __init__(
        self, message: str = "Request timed out.", *, method: str | None = None, url: str | None = None
    ):
        super().__init__(message, method=method, url=url)


def _pairs(headers: Mapping[str, str]) -> list[tuple[str, str]]:
    return headers.multi_items() if isinstance(headers, Headers) else list(headers.items())


def _without(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


def _safe_headers(headers: Mapping[str, str] | None) -> Headers | None:
    """The response headers an error keeps, with any credential-bearing one redacted."""
    if headers is None:
        return None
    pairs = _pairs(headers)
    return Headers([(k, REDACTED if k.lower() in SECRET_HEADERS else v) for k, v in pairs])


class ResponseTooLargeError(SendmuxError):
    """A response body (after decompression) or one server-sent event grew past the client's limit
    (``max_response_bytes`` / ``max_event_bytes``): reading stopped there instead of filling memory."""

    def __init__(self, *, limit: int, what: str = "response body") -> None:
        self.limit = limit
        self.what = what
        super().__init__(
            f"the {what} is larger than the client's limit of {limit:,} bytes; reading stopped "
            "(raise the limit on the client if this size is expected)"
        )


class APIResponseValidationError(SendmuxError):
    """A success response whose body is not valid JSON or not the documented shape."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        request_id: str | None = None,
        body: object = None,
        headers: Headers | Mapping[str, str] | None = None,
    ):
        self.message = message
        self.status_code = status_code
        self.request_id = request_id
        self.body = body
        self.headers: Headers | None = _safe_headers(headers)
        super().__init__(f"{status_code} invalid response: {message} (request_id={request_id})")


class BatchChunkError(SendmuxError):
    """A batch call the client split into chunks (more ids than one request takes) failed part-way.

    The chunks before the failed one were applied and stay applied: nothing is rolled back.
    ``failed_ids`` are the failed chunk's ids (for an API error the server refused them; for a connection
    error their outcome is unknown), ``pending_ids`` the ids never sent, ``completed`` the merged result
    of the chunks that succeeded (the operation's own result type; None when none did) and ``error`` the
    chunk's own error (also ``__cause__``). Retrying ``failed_ids + pending_ids`` finishes the batch.
    """

    def __init__(
        self,
        message: str,
        *,
        error: SendmuxError,
        failed_ids: list[Any],
        pending_ids: list[Any],
        completed: Any,
        chunk: int,
        chunks: int,
    ) -> None:
        self.error = error
        self.failed_ids = failed_ids
        self.pending_ids = pending_ids
        self.completed = completed
        self.chunk = chunk
        """The failed chunk's number, from 1."""
        self.chunks = chunks
        """How many chunks the call was split into."""
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class ErrorDetail:
    """One entry of an error's ``errors[]`` (validation failures accumulate several)."""

    field: str | None
    code: str | None
    message: str | None


class APIStatusError(SendmuxError):
    """The API answered with a non-success status. Subclasses name the status; see `make_status_error`."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        code: str | None = None,
        param: str | None = None,
        doc_url: str | None = None,
        retryable: bool | None = None,
        errors: Sequence[ErrorDetail] = (),
        request_id: str | None = None,
        headers: Headers | Mapping[str, str] | None = None,
        body: object = None,
        permission: str | None = None,
        method: str | None = None,
        url: str | None = None,
    ):
        self.message = message
        self.status_code = status_code
        self.code = code
        self.param = param
        self.doc_url = doc_url
        self.retryable = retryable
        self.errors: tuple[ErrorDetail, ...] = tuple(errors)
        self.request_id = request_id
        self.headers: Headers | None = _safe_headers(headers)
        self.body = body
        self.permission = permission
        """The permission the operation needs (from the spec); named in ``str()`` of a 403."""
        self.method = method
        self.url: str | None = redact_url(url)
        super().__init__(self._line())

    def _line(self) -> str:
        head = f"{self.status_code} {self.code}" if self.code else str(self.status_code)
        parts = [f"{head}: {self.message}"]
        if self.errors:
            shown = "; ".join(f"{e.field or '?'}: {e.message or e.code}" for e in self.errors[:3])
            more = f" (+{len(self.errors) - 3} more)" if len(self.errors) > 3 else ""
            parts.append(f" [{shown}{more}]")
        extra = []
        if self.status_code == 403 and self.permission:
            extra.append(f"requires permission {self.permission!r}")
        extra.append(f"request_id={self.request_id}")
        parts.append(f" ({'; '.join(extra)})")
        # One line, whatever the server put in its message.
        return "".join(parts).replace("\r", " ").replace("\n", " ")

    def __str__(self) -> str:
        return self._line()


class BadRequestError(APIStatusError):
    """400: a malformed or missing parameter."""


class AuthenticationError(APIStatusError):
    """401: no or invalid credential."""


class InsufficientCreditsError(APIStatusError):
    """402: the team has too few credits for this (a send); top up, then retry."""


class PermissionDeniedError(APIStatusError):
    """403: the credential lacks the permission the operation needs (see ``.permission``)."""


class NotFoundError(APIStatusError):
    """404: no such resource in your team."""


class ConflictError(APIStatusError):
    """409: the resource's state forbids the operation (e.g. an If-Match mismatch)."""


class LimitExceededError(ConflictError):
    """409 ``limit_exceeded``: a team resource limit is reached."""


class IdempotencyConflictError(ConflictError):
    """409 ``idempotency_conflict``: the Idempotency-Key was reused with another body, or is in flight."""


class PayloadTooLargeError(APIStatusError):
    """413: the request body is too large."""


class UnprocessableEntityError(APIStatusError):
    """422: the body parsed but breaks a semantic rule."""


class RateLimitError(APIStatusError):
    """429: rate limit hit.  ``retry_after`` says how long to wait, ``rate_limit`` what the response reported."""

    retry_after: float | None
    """Seconds to wait before trying again: the ``Retry-After`` header (delta-seconds or an HTTP-date), else
    the time until ``X-RateLimit-Reset``; None when the response carried neither (or only garbage)."""
    rate_limit: RateLimit | None
    """The ``X-RateLimit-*`` headers of this response, parsed (None when it had none)."""

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        # Read when the error is made, which is when the response arrived: waits are relative to now.
        now = time.time()
        headers = self.headers
        self.retry_after = None if headers is None else server_requested_wait(429, headers, now)
        self.rate_limit = None if headers is None else parse_rate_limit(headers, now)


class InternalServerError(APIStatusError):
    """5xx: a server-side failure."""


class ServiceUnavailableError(InternalServerError):
    """503: a downstream component is briefly unavailable."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: InsufficientCreditsError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: PayloadTooLargeError,
    422: UnprocessableEntityError,
    429: RateLimitError,
    503: ServiceUnavailableError,
}
_CONFLICT_BY_CODE: dict[str, type[APIStatusError]] = {
    "limit_exceeded": LimitExceededError,
    "idempotency_conflict": IdempotencyConflictError,
}


def error_class(status_code: int, code: str | None) -> type[APIStatusError]:
    """The class for a status and error code: by code within 409, otherwise by status."""
    if status_code == 409 and code is not None:
        by_code = _CONFLICT_BY_CODE.get(code)
        if by_code is not None:
            return by_code
    cls = _BY_STATUS.get(status_code)
    if cls is not None:
        return cls
    if status_code >= 500:
        return InternalServerError
    return APIStatusError


def _opt_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def make_status_error(
    status_code: int,
    headers: Headers | Mapping[str, str],
    content: bytes,
    *,
    permission: str | None = None,
    method: str | None = None,
    url: str | None = None,
    reason: str = "",
    secrets: Sequence[str] = (),
) -> APIStatusError:
    """Build the typed error for a non-success response; any body (HTML, empty, garbage) is accepted.

    ``secrets`` (the credentials the request carried) are scrubbed first: a server that echoes the key in
    its message puts it in no attribute of the error (message, body, errors, headers).
    """
    if secrets:
        content = scrub_bytes(content, list(secrets))
        reason = _without(reason, secrets)
        headers = Headers([(k, _without(v, secrets)) for k, v in _pairs(headers)])
    body: object
    err: Mapping[str, Any] = {}
    request_id: str | None = None
    try:
        body = json.loads(content) if content else None
    except (ValueError, RecursionError):  # not JSON, bad UTF-8, a huge number, nesting too deep
        body = content.decode("utf-8", "replace")
    if isinstance(body, dict):
        e = body.get("error")
        if isinstance(e, dict):
            err = e
        meta = body.get("meta")
        if isinstance(meta, dict):
            request_id = _opt_str(meta.get("request_id"))
    if request_id is None:
        request_id = headers.get("x-request-id")
    code = _opt_str(err.get("code"))
    message = _opt_str(err.get("message"))
    if message is None:
        snippet = ""
        if isinstance(body, str) and body.strip():
            snippet = " ".join(body.split())[:120]
            snippet = f"; non-JSON body: {snippet!r}"
        message = f"{reason or 'HTTP error'}{snippet}"
    retryable = err.get("retryable")
    details: list[ErrorDetail] = []
    raw_errors = err.get("errors")
    if isinstance(raw_errors, list):
        for item in raw_errors:
            if isinstance(item, dict):
                details.append(
                    ErrorDetail(
                        field=_opt_str(item.get("field")),
                        code=_opt_str(item.get("code")),
                        message=_opt_str(item.get("message")),
                    )
                )
    cls = error_class(status_code, code)
    return cls(
        message,
        status_code=status_code,
        code=code,
        param=_opt_str(err.get("param")),
        doc_url=_opt_str(err.get("doc_url")),
        retryable=retryable if isinstance(retryable, bool) else None,
        errors=details,
        request_id=request_id,
        headers=headers,
        body=body,
        permission=permission,
        method=method,
        url=url,
    )
