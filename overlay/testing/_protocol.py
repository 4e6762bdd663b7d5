"""The API's protocol rules: envelope, errors, ETags, permissions, rate limits, idempotency replay."""

from __future__ import annotations

import hashlib
import json
import math
import secrets
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ._validate import Issue

DOC_URL = "https://sendmux.ai/docs/api/errors#"

# code → (HTTP status, retryable), from the API's error table.
ERROR_CODES: dict[str, tuple[int, bool]] = {
    "invalid_parameter": (400, False),
    "missing_parameter": (400, False),
    "authentication_required": (401, False),
    "insufficient_permissions": (403, False),
    "insufficient_credits": (402, False),
    "not_found": (404, False),
    "conflict": (409, False),
    "limit_exceeded": (409, False),
    "idempotency_conflict": (409, False),
    "payload_too_large": (413, False),
    "validation_error": (422, False),
    "rate_limit_exceeded": (429, True),
    "internal_error": (500, True),
    "service_unavailable": (503, True),
}

# Built-in roles and the permissions they grant (wildcards allowed).
ROLES: dict[str, tuple[str, ...]] = {
    "root:full": ("*",),
    "root:readonly": ("*.read",),
    "root:webhook_admin": ("webhook.*",),
    "root:provider_admin": ("provider.*", "routing.*", "domain.*", "logs.*"),
}


class ApiError(Exception):
    """Raised by handlers; turned into the error envelope by the dispatcher."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        param: str | None = None,
        errors: Sequence[Issue] = (),
        status: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        default_status, self.retryable = ERROR_CODES[code]
        self.status = status or default_status
        self.code = code
        self.message = message
        self.param = param
        self.errors = list(errors)
        self.headers = headers or {}

    def body(self, request_id: str) -> dict[str, Any]:
        error: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "doc_url": DOC_URL + self.code,
            "retryable": self.retryable,
        }
        if self.param is not None:
            error["param"] = self.param
        if self.errors:
            error["errors"] = [{"field": i.field, "code": i.code, "message": i.message} for i in self.errors]
        return {"ok": False, "error": error, "meta": {"request_id": request_id}}


def not_found(what: str, public_id: str) -> ApiError:
    return ApiError("not_found", f"{what} {public_id!r} was not found.")


def body_error(issues: Sequence[Issue]) -> ApiError:
    """400 for a body that breaks the schema: missing_parameter if only required fields are absent."""
    code = "missing_parameter" if all(i.code == "required" for i in issues) else "invalid_parameter"
    first = issues[0]
    return ApiError(code, f"{first.field}: {first.message}", param=first.field, errors=issues)


def semantic_error(field_name: str, message: str, code: str = "invalid_value") -> ApiError:
    """422 for a body that parses but breaks a rule of the API."""
    return ApiError("validation_error", message, param=field_name, errors=[Issue(field_name, code, message)])


@dataclass(slots=True)
class Result:
    """What a handler returns: the `data` (or text) and how to wrap it."""

    data: Any = None
    status: int = 200
    pagination: dict[str, Any] | None = None
    text: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    etag: bool = False
    meta: dict[str, Any] = field(default_factory=dict)  # envelope `meta` fields beside request_id
    raw: bool = False  # `data` is the whole JSON body, no envelope (the Sending API's openapi.json)
    # A streamed body (SSE, downloads): chunks of bytes, produced after the handler returns and outside
    # the server lock; `length` None means chunked transfer encoding.
    stream: Iterator[bytes] | None = None
    length: int | None = None
    content_type: str | None = None


@dataclass(slots=True)
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    stream: Iterator[bytes] | None = None
    length: int | None = None


# ---- ids, clocks, hashing -------------------------------------------------------------------------

_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def new_id(prefix: str) -> str:
    """A public id shaped like the API's (`<prefix>_cl` + 23 base-36 characters)."""
    raw = secrets.token_bytes(23)
    return f"{prefix}_cl" + "".join(_ALPHABET[b % 36] for b in raw)


def short_id(prefix: str) -> str:
    """An id shaped like the Sending API's (`eml_`, `att_`, `upl_` + 24 base-36 characters)."""
    return f"{prefix}_" + "".join(_ALPHABET[b % 36] for b in secrets.token_bytes(24))


def iso(ts: float | None = None) -> str:
    moment = datetime.fromtimestamp(time.time() if ts is None else ts, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def weak_etag(data: Any) -> str:
    return 'W/"' + hashlib.sha256(canonical(data)).hexdigest()[:24] + '"'


def etag_matches(header: str, current: str) -> bool:
    """If-None-Match / If-Match comparison (weak: the W/ prefix is ignored, lists and * allowed)."""
    tags = [t.strip() for t in header.split(",")]
    bare = current.removeprefix("W/")
    return any(t == "*" or t.removeprefix("W/") == bare for t in tags)


# ---- permissions --------------------------------------------------------------------------------


def expand(permissions: Iterable[str]) -> frozenset[str]:
    """Roles replaced by the permissions they grant."""
    out: set[str] = set()
    for p in permissions:
        out.update(ROLES.get(p, (p,)))
    return frozenset(out)


def permits(granted: frozenset[str], needed: str | None) -> bool:
    """`domain.*` covers `domain.read`; `*.read` covers every read; `*` covers all."""
    if needed is None or needed in granted or "*" in granted:
        return True
    for p in granted:
        if p.endswith(".*") and needed.startswith(p[:-1]):
            return True
        if p.startswith("*.") and needed.endswith(p[1:]):
            return True
    return False


# ---- rate limiting ------------------------------------------------------------------------------


@dataclass(slots=True)
class RateState:
    limit: int
    remaining: int
    reset_at: float
    allowed: bool

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(math.ceil(self.reset_at)),
        }

    def retry_after(self) -> int:
        return max(1, math.ceil(self.reset_at - time.time()))


class RateLimiter:
    """Fixed window per key: `limit` requests per `window` seconds (None = unlimited)."""

    def __init__(self, limit: int | None, window: float) -> None:
        self.limit = limit
        self.window = window
        self._windows: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> RateState:
        now = time.time()
        with self._lock:
            start, count = self._windows.get(key, (now, 0))
            if now - start >= self.window:
                start, count = now, 0
            limit = self.limit
            if limit is None:
                return RateState(1_000_000, 1_000_000, start + self.window, True)
            allowed = count < limit
            if allowed:
                count += 1
            self._windows[key] = (start, count)
            return RateState(limit, max(0, limit - count), start + self.window, allowed)

    def reset(self) -> None:
        with self._lock:
            self._windows.clear()


# ---- idempotency --------------------------------------------------------------------------------


@dataclass(slots=True)
class StoredResponse:
    fingerprint: str
    response: Response


class IdempotencyStore:
    """(team, operation, key) → the first successful response, replayed for the same request."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str, str], StoredResponse] = {}

    def lookup(self, scope: tuple[str, str, str], fingerprint: str) -> Response | None:
        """The stored response, None if the key is new; ApiError for the same key with another request."""
        stored = self._entries.get(scope)
        if stored is None:
            return None
        if stored.fingerprint != fingerprint:
            raise ApiError(
                "idempotency_conflict",
                "This Idempotency-Key was already used with a different request.",
                param="Idempotency-Key",
            )
        return stored.response

    def store(self, scope: tuple[str, str, str], fingerprint: str, response: Response) -> None:
        self._entries[scope] = StoredResponse(fingerprint, response)

    def clear(self) -> None:
        self._entries.clear()


def fingerprint(path: str, body: Any) -> str:
    return hashlib.sha256(path.encode() + b"\0" + canonical(body)).hexdigest()
