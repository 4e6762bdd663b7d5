"""`SyncAPIClient` / `AsyncAPIClient`: the one request path every generated method goes through.

prepare (auth, headers, idempotency key, ETag, URL) → pace → send with retries → envelope → ``cast``.
The success path does no logging formatting unless enabled, builds no exception and copies one small dict.
"""

from __future__ import annotations

import enum
import ipaddress
import logging
import os
import platform
import random
import re
import time
import urllib.request
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast
from urllib.parse import urlsplit

import httpcore
import httpx

from ._auth import Credential, CredentialSource, resolve_credential
from ._core_transport import CoreResponse, asend, async_pool, core_headers, send, sync_pool
from ._deadline import aread_within, attempt_deadline, read_within
from ._encoding import _query_scalar, encode_body, encode_path_param, encode_query
from ._envelope import envelope_request_id, parse_envelope, parse_pagination
from ._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    ClientClosedError,
    ConfigurationError,
    NotModifiedError,
    SendmuxError,
    make_status_error,
)
from ._etag_cache import CacheEntry, ETagCache
from ._files import FileInput, Upload, prepare_upload
from ._logging import logger, setup_from_env
from ._operation import Operation
from ._options import (
    attempt_budget,
    check_cache_size,
    check_flag,
    check_headers,
    check_max_retries,
    check_max_retry_wait,
    check_timeout,
    check_total_timeout,
)
from ._pagination import AsyncCursorPage, AsyncPaginator, PageMeta, SyncCursorPage
from ._rate_limit import RateLimit, RateLimitState, parse_rate_limit
from ._raw_response import RAW_RESPONSE, RawResponse
from ._retry import RETRYABLE_STATUSES, backoff_delay, method_is_retry_safe, server_requested_wait
from ._surface import DEFAULT_SURFACE, Surface
from ._types import NOT_GIVEN, NotGiven, TimeoutTypes, Unset
from ._version import __version__

# What a generated `from_dict` (or a cast over a list) raises on a body of the wrong shape.
_DECODE_ERRORS = (SendmuxError, LookupError, TypeError, ValueError, AttributeError, RecursionError)

if TYPE_CHECKING:
    from typing import Self

    # Imported where used: `import sendmux` + a client stays as cheap as before for JSON-only callers.
    from ._events import AsyncEventStream, EventStream
    from ._feeds import AsyncChangeFeed, ChangeFeed
    from ._streaming import AsyncBinaryResponse, BinaryResponse

__all__ = ["SyncAPIClient", "AsyncAPIClient", "DEFAULT_TIMEOUT", "DEFAULT_BASE_URL", "DEFAULT_MAX_RETRIES"]

T = TypeVar("T")

DEFAULT_BASE_URL = DEFAULT_SURFACE.default_base_url
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_RETRY_WAIT = 60.0

USER_AGENT = f"sendmux-python/{__version__} python/{platform.python_version()} httpx/{httpx.__version__}"

_DEBUG = logging.DEBUG
# Streamed bodies are never held, so never cached; feeds and JSON are.
_CACHEABLE = frozenset({"envelope", "text", "empty", "feed"})
_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Transport failures that prove the request never left: safe to retry even a non-idempotent POST.
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_PATH_PARTS: dict[str, tuple[list[str], list[str]]] = {}
_PLAIN_ID = re.compile(r"[A-Za-z0-9_~-]+").fullmatch  # non-empty and dot-free, so never a dot segment


def _format_path(op: Operation, params: Sequence[object]) -> str:
    template = op.path
    cached = _PATH_PARTS.get(template)
    if cached is None:
        pieces = _PLACEHOLDER.split(template)  # literal, name, literal, name, ..., literal
        cached = _PATH_PARTS[template] = (pieces[0::2], pieces[1::2])
    literals, names = cached
    if len(names) != len(params):
        raise TypeError(f"{op.qualified_name}() takes {len(names)} path parameter(s), got {len(params)}")
    if not names:
        return template
    out = [literals[0]]
    for value, name, literal in zip(params, names, literals[1:], strict=True):
        # Typical ids (`mdom_abc123`) need no escaping: skip the general checks.
        out.append(value if type(value) is str and _PLAIN_ID(value) else _path_segment(op, name, value))
        out.append(literal)
    return "".join(out)


def _path_segment(op: Operation, name: str, value: object) -> str:
    """One checked, percent-encoded path segment; the value itself never reaches a message (it may be secret)."""
    where = f"{op.qualified_name}(): path parameter `{name}`"
    if value is None or isinstance(value, Unset):
        raise ValueError(f"{where} is required")
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        hint = "; pass its `.id`" if hasattr(value, "id") else ""
        # Never serialised: a model here would put every field (a webhook secret, say) into the URL and logs.
        raise TypeError(f"{where} must be a str id, got {type(value).__name__}{hint}")
    if isinstance(value, str):
        if not value:
            raise ValueError(f"{where} must not be empty")
        if value in (".", ".."):
            # Dot segments would be normalised away by URL handling; refuse rather than hit another route.
            raise ValueError(f"{where} must not be a dot segment ({value!r})")
    return encode_path_param(value)


def _is_loopback(host: str) -> bool:
    host = host.strip("[]").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_base_url(base_url: str, allow_insecure_http: bool) -> str:
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(f"base_url must be an http(s) URL with a host, got {base_url!r}")
    if parts.username is not None or parts.password is not None:
        # Never echo it: the userinfo may be a secret.
        raise ConfigurationError("base_url must not contain credentials (user:password@)")
    if parts.query or parts.fragment:
        raise ConfigurationError("base_url must not have a query or fragment")
    if parts.scheme == "http" and not allow_insecure_http and not _is_loopback(parts.hostname):
        raise ConfigurationError(
            f"refusing plain-HTTP base_url {base_url!r}: the credential would travel in clear text; "
            "use https, a loopback host, or allow_insecure_http=True"
        )
    return base_url.rstrip("/")


_URLS: dict[str, httpx.URL] = {}
_URLS_MAX = 1024


def _parsed_url(url: str) -> httpx.URL:
    """httpx re-validates a URL string on every request (~13 us); a repeated URL is parsed once.

    httpx.URL is immutable, so one parse can serve every thread; the cache is dropped when full.
    """
    parsed = _URLS.get(url)
    if parsed is None:
        if len(_URLS) >= _URLS_MAX:
            _URLS.clear()
        parsed = _URLS[url] = httpx.URL(url)
    return parsed


def _no_env_proxies() -> bool:
    """Our own pool may skip `Client.send` (auth, cookies, hooks, redirects: none used here, ~15% of a
    call) and hand requests straight to its transport, unless proxies from the environment would route
    them through httpx's mounts instead."""
    return not urllib.request.getproxies()


def _header_text(name: str, value: object) -> str:
    try:
        text = value if type(value) is str else _query_scalar(value)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"header `{name}`: {exc}") from None
    if "\n" in text or "\r" in text:
        # A line break would split the header; refuse it here rather than as a retried transport error.
        raise ValueError(f"header `{name}`: values must not contain line breaks")
    return text


def _find_header(headers: Mapping[str, object], lower_name: str) -> object | None:
    for key, value in headers.items():
        if key.lower() == lower_name:
            return value
    return None


def _attach_request_id(value: object, request_id: str | None) -> None:
    # Generated models declare a private `_request_id` attribute (never an API field name, out of
    # to_dict()/eq); a text response's str simply has nowhere to put it.
    try:
        object.__setattr__(value, "_request_id", request_id)
    except (AttributeError, TypeError):
        pass


def get_request_id(value: object) -> str | None:
    """The request id of the response a returned model or page came from (None if unknown)."""
    rid = getattr(value, "request_id", None) if isinstance(value, (SyncCursorPage, AsyncCursorPage)) else None
    if rid is None:
        rid = getattr(value, "_request_id", None)
    return rid if isinstance(rid, str) else None


class _HeaderDict(dict[str, str]):
    """The per-client header template: a plain dict whose repr hides the Authorization value."""

    __slots__ = ()

    def __repr__(self) -> str:
        return repr({k: ("[redacted]" if k.lower() == "authorization" else v) for k, v in self.items()})


class _Prepared:
    """Everything about one logical call that stays the same across its attempts."""

    __slots__ = (
        "op",
        "method",
        "url",
        "path",
        "headers",
        "content",
        "timeout",
        "max_retries",
        "retry_safe",
        "cache_key",
        "cache_entry",
    )

    def __init__(
        self,
        op: Operation,
        method: str,
        url: str,
        path: str,
        headers: dict[str, str],
        content: bytes | Upload | None,
        timeout: TimeoutTypes,
        max_retries: int,
        retry_safe: bool,
        cache_key: str | None,
        cache_entry: CacheEntry | None,
    ) -> None:
        self.op = op
        self.method = method
        self.url = url
        self.path = path
        self.headers = headers
        self.content = content
        self.timeout = timeout
        self.max_retries = max_retries
        self.retry_safe = retry_safe
        self.cache_key = cache_key
        self.cache_entry = cache_entry


class _Result:
    """The final response of a call (for a cache hit: the 304's headers with the cached body)."""

    __slots__ = ("prep", "status_code", "headers", "content", "from_cache", "elapsed_ms", "seen_at")

    def __init__(
        self,
        prep: _Prepared,
        status_code: int,
        headers: httpx.Headers,
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


_Outcome = _Result | tuple[SendmuxError, float | None]


class _BaseClient:
    """Configuration and the I/O-free halves of the request path, shared by the sync and async clients."""

    _surface: ClassVar[Surface] = DEFAULT_SURFACE
    """Default base URL, env variables and key checks; generated client classes set their own."""
    base_url: str
    _owns_http: bool
    _http: httpx.Client | httpx.AsyncClient
    _static_headers: dict[str, str]
    _request_headers: dict[str, str]
    max_retries: int
    max_retry_wait: float
    timeout: TimeoutTypes

    def __init__(
        self,
        api_key: CredentialSource | None = None,
        *,
        access_token: CredentialSource | None = None,
        base_url: str | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
        etag_cache: bool = True,
        etag_cache_size: int = 256,
        default_headers: Mapping[str, str] | None = None,
        allow_insecure_http: bool = False,
        max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT,
        total_timeout: float | None = None,
        default_query: Mapping[str, object] | None = None,
        strict_response_validation: bool = False,
        _copy_of: _BaseClient | None = None,
    ) -> None:
        setup_from_env()
        # Every option is checked here, before any pool exists: a typo fails where it is written.
        self.max_retries = check_max_retries(max_retries, at_construction=True)
        self.max_retry_wait = check_max_retry_wait(max_retry_wait, at_construction=True)
        self.timeout = check_timeout(timeout, at_construction=True)
        self.total_timeout = check_total_timeout(total_timeout, at_construction=True)
        etag_cache = check_flag(etag_cache, "etag_cache")
        etag_cache_size = check_cache_size(etag_cache_size)
        self._allow_insecure_http = check_flag(allow_insecure_http, "allow_insecure_http")
        # False (default): a field that does not match its documented type keeps its raw value (logged once);
        # True: such a response raises APIResponseValidationError.
        self._strict_response_validation = check_flag(
            strict_response_validation, "strict_response_validation"
        )
        self._default_headers: dict[str, str] = check_headers(default_headers, "default_headers")
        surface = self._surface
        if _copy_of is not None and api_key is None and access_token is None:
            self._credential: Credential = _copy_of._credential
        else:
            self._credential = resolve_credential(api_key, access_token, surface)
        if base_url is None:
            base_url = os.environ.get(surface.base_url_env) or surface.default_base_url
        elif not isinstance(base_url, str):
            raise TypeError(f"base_url must be a str, got {type(base_url).__name__}")
        self.base_url = _check_base_url(base_url, self._allow_insecure_http)
        if default_query is not None and not isinstance(default_query, Mapping):
            raise TypeError(f"default_query must be a mapping, got {type(default_query).__name__}")
        # Fills query parameters the caller left UNSET (e.g. the Mailbox client's `mailbox_id=`).
        self._default_query: dict[str, object] = {
            k: v for k, v in (default_query or {}).items() if v is not None and not isinstance(v, Unset)
        }
        self._closed = False
        if _copy_of is None:
            self._etag: ETagCache | None = ETagCache(etag_cache_size) if etag_cache else None
            self._rate = RateLimitState()
            # Injectable for tests: no test needs to really sleep or read the wall clock.
            self._clock: Callable[[], float] = time.time
            self._random: Callable[[], float] = random.random
        else:
            # A with_options copy shares the original's cache, rate-limit state and test hooks.
            self._etag = (_copy_of._etag or ETagCache(etag_cache_size)) if etag_cache else None
            self._rate = _copy_of._rate
            self._clock = _copy_of._clock
            self._random = _copy_of._random

    def _build_static_headers(self, pool_headers: httpx.Headers) -> None:
        """The headers every request of this client sends, minus those the pool already sends.

        On a pool we created, they are set once on the httpx client (as a raw httpx user would), so a
        request passes almost nothing per call; an injected pool or a `with_options` copy whose settings
        differ passes the differences per request.
        """
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        if self._credential.is_static:
            headers["Authorization"] = self._credential.header_value()
        headers.update(self._default_headers)
        self._static_headers = _HeaderDict(headers)
        self._request_headers = _HeaderDict({k: v for k, v in headers.items() if pool_headers.get(k) != v})

    def _init_pool_headers(self) -> None:
        pool = self._http
        if self._owns_http:
            # Nothing else sends on our pool: its headers can carry the constant part of every request.
            self._build_static_headers(httpx.Headers())
            pool.headers.update(self._static_headers)
        self._build_static_headers(pool.headers)

    def _static_for(self, op: Operation) -> Mapping[str, str]:
        """The client's constant headers, minus the credential for an operation that takes none."""
        if op.auth:
            return self._static_headers
        return {k: v for k, v in self._static_headers.items() if k.lower() != "authorization"}

    # -- public state -------------------------------------------------------------------------------------

    @property
    def rate_limit(self) -> RateLimit | None:
        """The rate-limit state of the last response that reported one."""
        return self._rate.last

    @property
    def etag_cache(self) -> ETagCache | None:
        return self._etag

    def __repr__(self) -> str:
        return f"<{type(self).__name__} base_url={self.base_url!r} credential={self._credential.kind} [redacted]>"

    def with_options(
        self,
        *,
        api_key: CredentialSource | None = None,
        access_token: CredentialSource | None = None,
        base_url: str | None = None,
        max_retries: int | NotGiven = NOT_GIVEN,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | None = None,
        max_retry_wait: float | NotGiven = NOT_GIVEN,
        etag_cache: bool | NotGiven = NOT_GIVEN,
        total_timeout: float | None | NotGiven = NOT_GIVEN,
    ) -> Self:
        """A copy with some settings changed, sharing this client's connection pool and rate-limit state.

        The copy is built by the constructor, so it is checked and set up like any client; `_copy_of`
        makes it share this client's pool (the original's to close), ETag cache and rate-limit state.
        """
        if default_headers is not None:
            default_headers = {**self._default_headers, **check_headers(default_headers, "default_headers")}
        options: dict[str, Any] = {
            "api_key": api_key,
            "access_token": access_token,
            "base_url": self.base_url if base_url is None else base_url,
            "max_retries": self.max_retries if isinstance(max_retries, NotGiven) else max_retries,
            "timeout": self.timeout if isinstance(timeout, NotGiven) else timeout,
            "etag_cache": (self._etag is not None) if isinstance(etag_cache, NotGiven) else etag_cache,
            "default_headers": self._default_headers if default_headers is None else default_headers,
            "allow_insecure_http": self._allow_insecure_http,
            "max_retry_wait": self.max_retry_wait if isinstance(max_retry_wait, NotGiven) else max_retry_wait,
            "total_timeout": self.total_timeout if isinstance(total_timeout, NotGiven) else total_timeout,
            "default_query": self._default_query,
            "strict_response_validation": self._strict_response_validation,
            "_copy_of": self,
        }
        return type(self)(**options)

    def _out_of_time(self, prep: _Prepared, doing: str) -> APITimeoutError:
        return APITimeoutError(
            f"total_timeout={self.total_timeout:g} s would pass {doing} on {prep.method} {prep.path}",
            method=prep.method,
            url=prep.url,
        )

    def _check_open(self) -> None:
        if self._closed:
            raise ClientClosedError(
                f"this {type(self).__name__} client is closed: calls after close() (or after its `with` "
                "block) are refused; create a new client"
            )
        raise ClientClosedError(
            f"the connection pool of this {type(self).__name__} client is closed (by the client it was "
            "copied from with with_options, or the http_client you passed was closed); create a new client"
        )

    # -- request preparation ------------------------------------------------------------------------------

    def _prepare(
        self,
        op: Operation,
        path_params: Sequence[object],
        query: Mapping[str, object] | None,
        headers: Mapping[str, object] | None,
        body: Mapping[str, object] | None,
        extra_headers: Mapping[str, str | None] | None,
        extra_query: Mapping[str, object] | None,
        timeout: TimeoutTypes | NotGiven,
        max_retries: int | NotGiven,
        content: object = None,
    ) -> _Prepared:
        if self._closed or self._http.is_closed:
            self._check_open()  # raises: nothing is prepared, sent or left open
        method = op.http_method
        path = _format_path(op, path_params)
        if query and self._default_query:
            query = _with_default_query(query, self._default_query)
        qs = encode_query(query, extra_query) if (query or extra_query) else ""
        url = f"{self.base_url}{path}?{qs}" if qs else self.base_url + path

        h = dict(self._request_headers)
        kind = op.response
        if kind == "text":
            # Text routes (the zone file) answer text/plain; their errors still come as JSON.
            h["Accept"] = "text/plain, application/json"
        elif kind == "binary":
            # Range offsets count stored bytes: ask for them unencoded, so a resume lines up.
            h["Accept"] = "*/*"
            h["Accept-Encoding"] = "identity"
        elif kind == "events":
            h["Accept"] = "text/event-stream"
            h["Cache-Control"] = "no-cache"
        if not op.auth:
            # `security: []` (a presigned upload authenticates by its own token): no credential at all.
            for existing in [k for k in h if k.lower() == "authorization"]:
                del h[existing]
        elif not self._credential.is_static:
            h["Authorization"] = self._credential.header_value()
        if headers:
            for name, value in headers.items():
                if value is not None and not isinstance(value, Unset):
                    h[name] = _header_text(name, value)
        if extra_headers:
            for name, extra_value in extra_headers.items():
                lower = name.lower()
                for existing in [k for k in h if k.lower() == lower]:
                    del h[existing]
                if extra_value is not None:  # None removes a header
                    h[name] = _header_text(name, extra_value)

        has_key = False
        if op.idempotency_key or method == "POST" or method == "PATCH":
            has_key = _find_header(h, "idempotency-key") is not None
            if op.idempotency_key and not has_key:
                # One key per logical call, reused by every retry: a retried create never creates twice.
                h["Idempotency-Key"] = str(uuid.uuid4())
                has_key = True

        payload: bytes | Upload | None = None
        if op.request_body == "binary" or content is not None:
            payload = prepare_upload(content)
            if _find_header(h, "content-type") is None:
                h["Content-Type"] = "application/octet-stream"
            # Computed, never asked of the caller: an exact length lets the body stream from disk.
            h["Content-Length"] = str(len(payload) if type(payload) is bytes else payload.length)  # type: ignore[union-attr]
        elif body is not None:
            payload = encode_body(body)
            h["Content-Type"] = "application/json"

        cache_key: str | None = None
        cache_entry: CacheEntry | None = None
        etag_cache = self._etag
        if etag_cache is not None:
            if method == "GET" and kind in _CACHEABLE:
                # An explicit If-None-Match is the caller's own conditional request: leave the cache out.
                # extra_headers naming If-None-Match at all (even None, which removes it) opts out too.
                if (headers is None or not _has_value(headers.get("If-None-Match"))) and (
                    not extra_headers or not any(k.lower() == "if-none-match" for k in extra_headers)
                ):
                    cache_key = url
                    cache_entry = etag_cache.get(url)
                    if cache_entry is not None:
                        h["If-None-Match"] = cache_entry.etag
            elif method in _WRITE_METHODS:
                etag_cache.evict_related(url)

        return _Prepared(
            op,
            method,
            url,
            path,
            h,
            payload,
            self.timeout if isinstance(timeout, NotGiven) else check_timeout(timeout),
            self.max_retries if isinstance(max_retries, NotGiven) else check_max_retries(max_retries),
            method_is_retry_safe(method, has_key),
            cache_key,
            cache_entry,
        )

    # -- response handling (no I/O) -----------------------------------------------------------------------

    def _after_response(
        self, prep: _Prepared, response: httpx.Response | CoreResponse, attempt: int, started: float
    ) -> _Outcome:
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
            elif prep.method in _WRITE_METHODS and self._etag is not None:
                # Again after the write: a concurrent GET may have re-cached the old state meanwhile.
                self._etag.evict_related(prep.url)
            return _Result(prep, status, headers, content, False, elapsed_ms, now)
        if status == 304:
            entry = prep.cache_entry
            if entry is not None:
                return _Result(prep, status, headers, entry.body, True, elapsed_ms, now)
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
        )
        wait: float | None = None
        if status in RETRYABLE_STATUSES and error.retryable is not False and prep.retry_safe:
            wait = server_requested_wait(status, headers, now)
            if wait is None:
                wait = backoff_delay(attempt - 1, self._random)
            elif wait > self.max_retry_wait:
                wait = None  # the server wants longer than we may wait: fail now rather than draw another 429
        return error, wait

    def _after_transport_error(
        self, prep: _Prepared, exc: Exception, attempt: int, started: float
    ) -> _Outcome:
        text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        auth = prep.headers.get("Authorization")
        if auth and len(auth) > 7:
            text = text.replace(auth[7:], "[redacted]")  # belt and braces: no secret in any message
        where = f"{prep.method} {prep.path}"
        if isinstance(exc, httpx.TimeoutException):
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
                type(exc).__name__,
                attempt,
                (time.perf_counter() - started) * 1000.0,
            )
        wait: float | None = None
        if prep.retry_safe or isinstance(exc, _NEVER_SENT):
            wait = backoff_delay(attempt - 1, self._random)
        return error, wait

    def _log_retry(self, prep: _Prepared, error: SendmuxError, wait: float, attempt: int) -> None:
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

    def _raw(self, result: _Result, parse: Callable[[], T]) -> RawResponse[T]:
        return RawResponse(
            status_code=result.status_code,
            headers=result.headers,
            content=result.content,
            elapsed_ms=result.elapsed_ms,
            from_cache=result.from_cache,
            rate_limit=parse_rate_limit(result.headers, result.seen_at),
            parse=parse,
        )

    def _parse(self, result: _Result, cast_to: Callable[[Any], T]) -> T:
        op = result.prep.op
        kind = op.response
        if kind == "empty":
            return cast(T, None)
        headers = result.headers
        if kind == "text":
            value = self._cast(
                result, cast_to, result.content.decode("utf-8", "replace"), headers.get("x-request-id")
            )
            return value
        envelope = parse_envelope(result.content, result.status_code, headers)
        request_id = _result_request_id(result, envelope)
        value = self._cast(result, cast_to, envelope["data"], request_id)
        _attach_request_id(value, request_id)
        return value

    def _parse_feed(self, result: _Result, cast_to: Callable[[Any], T]) -> tuple[T, Mapping[str, Any]]:
        """A feed step's typed value and its raw `data` (where the state token and has_more are read)."""
        envelope = parse_envelope(result.content, result.status_code, result.headers)
        request_id = _result_request_id(result, envelope)
        data = envelope["data"]
        value = self._cast(result, cast_to, data, request_id)
        _attach_request_id(value, request_id)
        return value, data if isinstance(data, Mapping) else {}

    def _tolerant(self, cast_to: Callable[[Any], T]) -> Callable[[Any], T]:
        """`cast_to`, decoding leniently when it fails and the client is not strict (event data)."""
        if self._strict_response_validation:
            return cast_to

        def decode(data: Any) -> T:
            try:
                return cast_to(data)
            except _DECODE_ERRORS:
                from ._model import lenient_decoding

                with lenient_decoding(None):
                    return cast_to(data)

        return decode

    def _cast(self, result: _Result, cast_to: Callable[[Any], T], data: Any, request_id: str | None) -> T:
        try:
            return cast_to(data)
        except _DECODE_ERRORS as exc:
            # ModelDecodeError (a SendmuxError) or a generated from_dict tripping over a wrong shape.
            error: BaseException = exc
        if not self._strict_response_validation:
            # Decode again, field by field where needed: odd fields keep their raw value. A body of the
            # wrong shape altogether (not an object, not a list) still fails below.
            from ._model import lenient_decoding  # only on this rare path: keeps attrs out of client import

            try:
                with lenient_decoding(request_id):
                    return cast_to(data)
            except _DECODE_ERRORS as exc:
                error = exc
        raise APIResponseValidationError(
            f"the response data does not match the documented shape: {error}",
            status_code=result.status_code,
            request_id=request_id,
            body=data,
            headers=result.headers,
        ) from error

    def _page_parts(
        self, result: _Result, cast_to: Callable[[Any], T]
    ) -> tuple[list[T], bool, str | None, str | None, PageMeta]:
        headers = result.headers
        envelope = parse_envelope(result.content, result.status_code, headers)
        request_id = _result_request_id(result, envelope)
        data, has_more, cursor = parse_pagination(envelope, result.status_code, headers)
        items = self._cast(result, lambda d: [cast_to(x) for x in d], data, request_id)
        meta = envelope.get("meta")
        page_meta = PageMeta(meta if type(meta) is dict else {})
        if request_id is not None and page_meta.get("request_id") != request_id:
            page_meta = PageMeta({**page_meta, "request_id": request_id})
        return items, has_more, cursor, request_id, page_meta


def _result_request_id(result: _Result, envelope: Mapping[str, Any]) -> str | None:
    if result.from_cache:
        # The body is the cached one; this exchange is the 304's.
        rid: str | None = result.headers.get("x-request-id")
        if rid is not None:
            return rid
    return envelope_request_id(envelope, result.headers)


def _with_default_query(query: Mapping[str, object], defaults: Mapping[str, object]) -> Mapping[str, object]:
    """The call's query with the client's defaults in the parameters it left UNSET (a given value wins)."""
    filled: dict[str, object] | None = None
    for name, value in query.items():
        if isinstance(value, Unset) and name in defaults:
            if filled is None:
                filled = dict(query)
            filled[name] = defaults[name]
    return query if filled is None else filled


def _has_value(value: object) -> bool:
    return value is not None and not isinstance(value, Unset)


def _next_query(query: Mapping[str, object] | None, cursor: str) -> dict[str, object]:
    q = dict(query or {})
    q["cursor"] = cursor
    return q


class SyncAPIClient(_BaseClient):
    """The synchronous client core: one `httpx.Client` pool, safe to share across threads."""

    def __init__(
        self,
        api_key: CredentialSource | None = None,
        *,
        access_token: CredentialSource | None = None,
        base_url: str | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
        etag_cache: bool = True,
        etag_cache_size: int = 256,
        http_client: httpx.Client | None = None,
        default_headers: Mapping[str, str] | None = None,
        allow_insecure_http: bool = False,
        max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT,
        total_timeout: float | None = None,
        default_query: Mapping[str, object] | None = None,
        strict_response_validation: bool = False,
        _copy_of: _BaseClient | None = None,
    ) -> None:
        super().__init__(
            api_key,
            access_token=access_token,
            base_url=base_url,
            max_retries=max_retries,
            timeout=timeout,
            etag_cache=etag_cache,
            etag_cache_size=etag_cache_size,
            default_headers=default_headers,
            allow_insecure_http=allow_insecure_http,
            max_retry_wait=max_retry_wait,
            total_timeout=total_timeout,
            strict_response_validation=strict_response_validation,
            default_query=default_query,
            _copy_of=_copy_of,
        )
        if http_client is not None and not isinstance(http_client, httpx.Client):
            raise ConfigurationError(
                "http_client must be an httpx.Client (use AsyncSendmux for httpx.AsyncClient)"
            )
        if isinstance(_copy_of, SyncAPIClient):
            # A with_options copy sends on the original's pool, which stays the original's to close.
            self._owns_http = False
            self._http: httpx.Client = _copy_of._http
            self._direct: httpx.HTTPTransport | None = _copy_of._direct
            self._core: httpcore.ConnectionPool | None = _copy_of._core
            self._build_static_headers(self._http.headers)
            self._sleep: Callable[[float], None] = _copy_of._sleep
            return
        # An injected client is the caller's to close; ours is closed by close().
        self._owns_http = http_client is None
        transport = httpx.HTTPTransport() if http_client is None else None
        self._http = http_client or httpx.Client(timeout=timeout, follow_redirects=False, transport=transport)
        self._direct = transport if _no_env_proxies() else None
        self._core = sync_pool(self._direct) if self._direct is not None else None
        self._init_pool_headers()
        if http_client is not None and timeout is DEFAULT_TIMEOUT:
            self.timeout = http_client.timeout  # an injected client's own timeout wins over our default
        self._sleep = time.sleep

    def close(self) -> None:
        """Refuse further calls; close the pool if this client made it (a copy's or an injected one stays open)."""
        self._closed = True
        if self._owns_http:
            self._http.close()

    @property
    def is_closed(self) -> bool:
        """True after close(), or when the pool this client sends on was closed."""
        return self._closed or self._http.is_closed

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _send(self, prep: _Prepared) -> _Result:
        http, direct, core = self._http, self._direct, self._core
        rate = self._rate
        retries_left = prep.max_retries
        attempt = 0
        # total_timeout: the monotonic time by which the whole call, retries and waits included, is over.
        end = None if self.total_timeout is None else time.monotonic() + self.total_timeout
        while True:
            attempt += 1
            delay = rate.reserve(self._clock(), self.max_retry_wait)
            try:
                if delay > 0:
                    if end is not None and time.monotonic() + delay >= end:
                        raise self._out_of_time(prep, f"waiting {delay:.2f} s for the rate-limit window")
                    logger.info("rate limit exhausted: waiting %.2f s for the window to reset", delay)
                    self._sleep(delay)
                started = time.perf_counter()
                try:
                    response: httpx.Response | CoreResponse
                    payload = prep.content
                    body = payload.chunks() if isinstance(payload, Upload) else payload  # fresh per attempt
                    if core is not None:
                        headers = core_headers(self._static_for(prep.op), prep.headers)
                        response = send(core, prep.method, prep.url, headers, body, prep.timeout, end)
                    else:
                        request = http.build_request(
                            prep.method,
                            _parsed_url(prep.url),
                            headers=prep.headers,
                            content=body,
                            timeout=prep.timeout,
                        )
                        if not prep.op.auth:
                            request.headers.pop("authorization", None)
                        deadline = attempt_deadline(prep.timeout, end)
                        if direct is not None:
                            streamed = direct.handle_request(request)
                        else:
                            streamed = http.send(request, follow_redirects=False, stream=True)
                        try:
                            # Read to the end (which returns the connection), within the attempt's time.
                            received = read_within(streamed.iter_bytes(), deadline)
                        finally:
                            streamed.close()
                        response = CoreResponse(
                            streamed.status_code, streamed.headers, received, streamed.reason_phrase
                        )
                except httpx.RequestError as exc:
                    error, wait = self._after_transport_error(prep, exc, attempt, started)  # type: ignore[misc]
                else:
                    # Observed (inside) before the slot is released (finally): no one counts it twice.
                    outcome = self._after_response(prep, response, attempt, started)
                    if type(outcome) is _Result:
                        return outcome
                    error, wait = outcome  # type: ignore[misc]
            finally:
                rate.release()
            # Raised here, outside the except block, so no httpx exception (holding the request and its
            # Authorization header) hangs off ours as __context__.
            if wait is None or retries_left <= 0 or (end is not None and time.monotonic() + wait >= end):
                raise error  # (past total_timeout: the last error is the one worth seeing)
            retries_left -= 1
            self._log_retry(prep, error, wait, attempt)
            self._sleep(wait)

    def _request(
        self,
        op: Operation,
        *,
        path_params: Sequence[object],
        query: Mapping[str, object] | None,
        headers: Mapping[str, object] | None,
        body: Mapping[str, object] | None,
        cast: Callable[[Any], T],
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        content: FileInput | None = None,
    ) -> T:
        prep = self._prepare(
            op, path_params, query, headers, body, extra_headers, extra_query, timeout, max_retries, content
        )
        result = self._send(prep)
        if RAW_RESPONSE.get():
            return self._raw(result, lambda: self._parse(result, cast))  # type: ignore[return-value]
        return self._parse(result, cast)

    def _request_page(
        self,
        op: Operation,
        *,
        path_params: Sequence[object],
        query: Mapping[str, object] | None,
        headers: Mapping[str, object] | None,
        body: Mapping[str, object] | None,
        cast: Callable[[Any], T],
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> SyncCursorPage[T]:
        def fetch(cursor: str | None) -> SyncCursorPage[T]:
            q = query if cursor is None else _next_query(query, cursor)
            prep = self._prepare(
                op, path_params, q, headers, body, extra_headers, extra_query, timeout, max_retries
            )
            return self._make_page(self._send(prep), cast, fetch)

        if RAW_RESPONSE.get():
            prep = self._prepare(
                op, path_params, query, headers, body, extra_headers, extra_query, timeout, max_retries
            )
            result = self._send(prep)
            return self._raw(result, lambda: self._make_page(result, cast, fetch))  # type: ignore[return-value]
        return fetch(None)

    def _make_page(
        self, result: _Result, cast_to: Callable[[Any], T], fetch: Callable[[str], SyncCursorPage[T]]
    ) -> SyncCursorPage[T]:
        items, has_more, cursor, request_id, meta = self._page_parts(result, cast_to)
        return SyncCursorPage(
            items, has_more=has_more, next_cursor=cursor, request_id=request_id, fetch=fetch, meta=meta
        )

    # -- streamed responses, uploads' siblings and feeds (docs/runtime-contract.md) -----------------------

    def _request_binary(
        self,
        op: Operation,
        *,
        path_params: Sequence[object],
        query: Mapping[str, object] | None,
        headers: Mapping[str, object] | None,
        body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> BinaryResponse:
        """A download, open with its body unread; it resumes with Range when the body breaks."""
        from ._streaming import BinaryResponse, open_stream, raw_stream_response

        prep = self._prepare(
            op, path_params, query, headers, body, extra_headers, extra_query, timeout, max_retries
        )
        response = open_stream(self, prep)
        value = BinaryResponse(self, prep, response)
        if RAW_RESPONSE.get():
            return raw_stream_response(self, response, value)  # type: ignore[return-value]
        return value

    def _request_events(
        self,
        op: Operation,
        *,
        path_params: Sequence[object],
        query: Mapping[str, object] | None,
        headers: Mapping[str, object] | None,
        cast: Callable[[Any], T],
        body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> EventStream[T]:
        """A server-sent event stream, connected (so a 401 raises here); it reconnects by itself."""
        from ._events import EventStream
        from ._streaming import raw_stream_response

        prep = self._prepare(
            op, path_params, query, headers, body, extra_headers, extra_query, timeout, max_retries
        )
        stream = EventStream(self, prep, self._tolerant(cast))
        if RAW_RESPONSE.get():
            return raw_stream_response(self, stream.response, stream)  # type: ignore[return-value]
        return stream

    def _request_feed(
        self,
        op: Operation,
        *,
        path_params: Sequence[object],
        query: Mapping[str, object] | None,
        headers: Mapping[str, object] | None,
        cast: Callable[[Any], T],
        state_param: str,
        state_field: str,
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> ChangeFeed[T]:
        """A change feed: iterating it requests while `has_more`, leaving the newest token in `.state`."""
        from ._feeds import ChangeFeed

        def fetch(q: Mapping[str, object]) -> tuple[T, Mapping[str, Any], _Result]:
            prep = self._prepare(
                op, path_params, q, headers, None, extra_headers, extra_query, timeout, max_retries
            )
            result = self._send(prep)
            value, data = self._parse_feed(result, cast)
            return value, data, result

        feed = ChangeFeed(fetch, query, state_param, state_field)
        if RAW_RESPONSE.get():
            result = feed._prefetch()
            return self._raw(result, lambda: feed)  # type: ignore[return-value]
        return feed


class AsyncAPIClient(_BaseClient):
    """The asynchronous client core: one `httpx.AsyncClient` pool, safe for concurrent tasks."""

    def __init__(
        self,
        api_key: CredentialSource | None = None,
        *,
        access_token: CredentialSource | None = None,
        base_url: str | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
        etag_cache: bool = True,
        etag_cache_size: int = 256,
        http_client: httpx.AsyncClient | None = None,
        default_headers: Mapping[str, str] | None = None,
        allow_insecure_http: bool = False,
        max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT,
        total_timeout: float | None = None,
        default_query: Mapping[str, object] | None = None,
        strict_response_validation: bool = False,
        _copy_of: _BaseClient | None = None,
    ) -> None:
        super().__init__(
            api_key,
            access_token=access_token,
            base_url=base_url,
            max_retries=max_retries,
            timeout=timeout,
            etag_cache=etag_cache,
            etag_cache_size=etag_cache_size,
            default_headers=default_headers,
            allow_insecure_http=allow_insecure_http,
            max_retry_wait=max_retry_wait,
            total_timeout=total_timeout,
            strict_response_validation=strict_response_validation,
            default_query=default_query,
            _copy_of=_copy_of,
        )
        if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
            raise ConfigurationError(
                "http_client must be an httpx.AsyncClient (use Sendmux for httpx.Client)"
            )
        if isinstance(_copy_of, AsyncAPIClient):
            self._owns_http = False
            self._http: httpx.AsyncClient = _copy_of._http
            self._direct: httpx.AsyncHTTPTransport | None = _copy_of._direct
            self._acore: httpcore.AsyncConnectionPool | None = _copy_of._acore
            self._build_static_headers(self._http.headers)
            self._sleep: Callable[[float], Awaitable[None]] = _copy_of._sleep
            return
        self._owns_http = http_client is None
        transport = httpx.AsyncHTTPTransport() if http_client is None else None
        self._http = http_client or httpx.AsyncClient(
            timeout=timeout, follow_redirects=False, transport=transport
        )
        self._direct = transport if _no_env_proxies() else None
        self._acore = async_pool(self._direct) if self._direct is not None else None
        self._init_pool_headers()
        if http_client is not None and timeout is DEFAULT_TIMEOUT:
            self.timeout = http_client.timeout
        self._sleep = _async_sleep

    async def close(self) -> None:
        """Refuse further calls; close the pool if this client made it (a copy's or an injected one stays open)."""
        self._closed = True
        if self._owns_http:
            await self._http.aclose()

    aclose = close

    @property
    def is_closed(self) -> bool:
        """True after close(), or when the pool this client sends on was closed."""
        return self._closed or self._http.is_closed

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _send(self, prep: _Prepared) -> _Result:
        http, direct, core = self._http, self._direct, self._acore
        rate = self._rate
        retries_left = prep.max_retries
        attempt = 0
        # total_timeout: the monotonic time by which the whole call, retries and waits included, is over.
        end = None if self.total_timeout is None else time.monotonic() + self.total_timeout
        while True:
            attempt += 1
            delay = rate.reserve(self._clock(), self.max_retry_wait)
            try:
                if delay > 0:
                    if end is not None and time.monotonic() + delay >= end:
                        raise self._out_of_time(prep, f"waiting {delay:.2f} s for the rate-limit window")
                    logger.info("rate limit exhausted: waiting %.2f s for the window to reset", delay)
                    await self._sleep(delay)
                started = time.perf_counter()
                try:
                    response: httpx.Response | CoreResponse
                    payload = prep.content
                    abody = payload.achunks() if isinstance(payload, Upload) else payload
                    if core is not None:
                        headers = core_headers(self._static_for(prep.op), prep.headers)
                        response = await asend(core, prep.method, prep.url, headers, abody, prep.timeout, end)
                    else:
                        request = http.build_request(
                            prep.method,
                            _parsed_url(prep.url),
                            headers=prep.headers,
                            content=abody,
                            timeout=prep.timeout,
                        )
                        if not prep.op.auth:
                            request.headers.pop("authorization", None)
                        deadline = attempt_deadline(prep.timeout, end)
                        if direct is not None:
                            streamed = await direct.handle_async_request(request)
                        else:
                            streamed = await http.send(request, follow_redirects=False, stream=True)
                        try:
                            received = await aread_within(streamed.aiter_bytes(), deadline)
                        finally:
                            await streamed.aclose()
                        response = CoreResponse(
                            streamed.status_code, streamed.headers, received, streamed.reason_phrase
                        )
                except httpx.RequestError as exc:
                    error, wait = self._after_transport_error(prep, exc, attempt, started)  # type: ignore[misc]
                else:
                    # Observed (inside) before the slot is released (finally): no one counts it twice.
                    outcome = self._after_response(prep, response, attempt, started)
                    if type(outcome) is _Result:
                        return outcome
                    error, wait = outcome  # type: ignore[misc]
            finally:
                rate.release()
            if wait is None or retries_left <= 0 or (end is not None and time.monotonic() + wait >= end):
                raise error  # (past total_timeout: the last error is the one worth seeing)
            retries_left -= 1
            self._log_retry(prep, error, wait, attempt)
            await self._sleep(wait)

    async def _request(
        self,
        op: Operation,
        *,
        path_params: Sequence[object],
        query: Mapping[str, object] | None,
        headers: Mapping[str, object] | None,
        body: Mapping[str, object] | None,
        cast: Callable[[Any], T],
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        content: FileInput | None = None,
    ) -> T:
        prep = self._prepare(
            op, path_params, query, headers, body, extra_headers, extra_query, timeout, max_retries, content
        )
        result = await self._send(prep)
        if RAW_RESPONSE.get():
            return self._raw(result, lambda: self._parse(result, cast))  # type: ignore[return-value]
        return self._parse(result, cast)

    def _request_page(
        self,
        op: Operation,
        *,
        path_params: Sequence[object],
        query: Mapping[str, object] | None,
        headers: Mapping[str, object] | None,
        body: Mapping[str, object] | None,
        cast: Callable[[Any], T],
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> AsyncPaginator[T]:
        """No I/O here: the returned paginator fetches when awaited or iterated."""

        async def fetch(cursor: str) -> AsyncCursorPage[T]:
            q = _next_query(query, cursor)
            prep = self._prepare(
                op, path_params, q, headers, body, extra_headers, extra_query, timeout, max_retries
            )
            result = await self._send(prep)
            return self._make_page(result, cast, fetch)

        async def first() -> AsyncCursorPage[T]:
            prep = self._prepare(
                op, path_params, query, headers, body, extra_headers, extra_query, timeout, max_retries
            )
            result = await self._send(prep)
            if RAW_RESPONSE.get():
                return self._raw(result, lambda: self._make_page(result, cast, fetch))  # type: ignore[return-value]
            return self._make_page(result, cast, fetch)

        return AsyncPaginator(first)

    def _make_page(
        self,
        result: _Result,
        cast_to: Callable[[Any], T],
        fetch: Callable[[str], Awaitable[AsyncCursorPage[T]]],
    ) -> AsyncCursorPage[T]:
        items, has_more, cursor, request_id, meta = self._page_parts(result, cast_to)
        return AsyncCursorPage(
            items, has_more=has_more, next_cursor=cursor, request_id=request_id, fetch=fetch, meta=meta
        )

    # -- streamed responses and feeds (docs/runtime-contract.md) ------------------------------------------

    async def _request_binary(
        self,
        op: Operation,
        *,
        path_params: Sequence[object],
        query: Mapping[str, object] | None,
        headers: Mapping[str, object] | None,
        body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> AsyncBinaryResponse:
        from ._streaming import AsyncBinaryResponse, aopen_stream, raw_stream_response

        prep = self._prepare(
            op, path_params, query, headers, body, extra_headers, extra_query, timeout, max_retries
        )
        response = await aopen_stream(self, prep)
        value = AsyncBinaryResponse(self, prep, response)
        if RAW_RESPONSE.get():
            return raw_stream_response(self, response, value)  # type: ignore[return-value]
        return value

    def _request_events(
        self,
        op: Operation,
        *,
        path_params: Sequence[object],
        query: Mapping[str, object] | None,
        headers: Mapping[str, object] | None,
        cast: Callable[[Any], T],
        body: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> AsyncEventStream[T]:
        """No I/O here: the stream connects on first iteration (or when awaited)."""
        from ._events import AsyncEventStream

        prep = self._prepare(
            op, path_params, query, headers, body, extra_headers, extra_query, timeout, max_retries
        )
        return AsyncEventStream(self, prep, self._tolerant(cast))

    def _request_feed(
        self,
        op: Operation,
        *,
        path_params: Sequence[object],
        query: Mapping[str, object] | None,
        headers: Mapping[str, object] | None,
        cast: Callable[[Any], T],
        state_param: str,
        state_field: str,
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> AsyncChangeFeed[T]:
        """No I/O here: the feed requests as it is iterated."""
        from ._feeds import AsyncChangeFeed

        async def fetch(q: Mapping[str, object]) -> tuple[T, Mapping[str, Any], _Result]:
            prep = self._prepare(
                op, path_params, q, headers, None, extra_headers, extra_query, timeout, max_retries
            )
            result = await self._send(prep)
            value, data = self._parse_feed(result, cast)
            return value, data, result

        feed = AsyncChangeFeed(fetch, query, state_param, state_field)
        feed._raw = self._raw
        return feed


async def _async_sleep(seconds: float) -> None:
    # anyio works under asyncio and trio alike; httpx already depends on it.
    import anyio

    await anyio.sleep(seconds)
