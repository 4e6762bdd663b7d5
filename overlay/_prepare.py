"""Request preparation: everything one call sends, worked out once before its first attempt.

Auth and constant headers, the caller's headers, the idempotency key, the body (JSON or a streamed
upload), the ETag to revalidate with, the URL; nothing here does I/O.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import replace
from urllib.parse import urlsplit

from ._addresses import coerce_addresses
from ._attachment_files import guess_content_type
from ._auth import Credential
from ._constants import USER_AGENT
from ._encoding import _query_scalar, encode_body, encode_query
from ._errors import ClientClosedError
from ._etag_cache import CacheEntry, ETagCache
from ._files import Upload, prepare_upload
from ._operation import Operation
from ._options import check_max_retries, check_timeout
from ._redact import REDACTED, SECRET_HEADERS
from ._request_options import RequestOptions
from ._retry import RetryPolicy, method_is_retry_safe
from ._types import NotGiven, TimeoutTypes, Unset
from ._urls import format_path

__all__ = ["Prepared", "RequestPreparation", "WRITE_METHODS", "next_query"]

# Streamed bodies are never held, so never cached; feeds and JSON are.
_CACHEABLE = frozenset({"envelope", "text", "empty", "feed"})
# A write drops the cached validators of its URL and those under it (before it is sent and after).
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


# RFC 9110 5.1: a field name is a token.
_TOKEN = frozenset("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def _header_name(name: object, argument: str) -> str:
    if not isinstance(name, str) or not name or not _TOKEN.issuperset(name):
        raise ValueError(
            f"{argument}: {name!r} is not a valid header name (letters, digits and !#$%&'*+-.^_`|~)"
        )
    return name


def _header_text(name: str, value: object, argument: str | None = None) -> str:
    """A header value as sent, refused before anything is sent if it cannot travel in a header."""
    where = argument or f"header `{name}`"
    try:
        text = value if type(value) is str else _query_scalar(value)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{where}: {exc}") from None
    if "\n" in text or "\r" in text or "\0" in text:
        # A line break would split the header, a NUL ends it early: refuse here, never as a retried error.
        raise ValueError(f"{where}: values must not contain line breaks or NUL characters")
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        raise ValueError(
            f"{where}: header values must be latin-1 text (ASCII is safest); encode other characters first"
        ) from None
    return text


def _find_header(headers: Mapping[str, object], lower_name: str) -> object | None:
    for key, value in headers.items():
        if key.lower() == lower_name:
            return value
    return None


class _HeaderDict(dict[str, str]):
    """The per-client header template: a plain dict whose repr hides the Authorization value."""

    __slots__ = ()

    def __repr__(self) -> str:
        return repr({k: (REDACTED if k.lower() in SECRET_HEADERS else v) for k, v in self.items()})


class Prepared:
    """Everything about one logical call that stays the same across its attempts."""

    __slots__ = (
        "op",
        "method",
        "url",
        "path",
        "headers",
        "content",
        "timeout",
        "policy",
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
        policy: RetryPolicy,
        retry_safe: bool,
        cache_key: str | None,
        cache_entry: CacheEntry | None,
    ) -> None:
        self.op: Operation = op
        self.method: str = method
        self.url: str = url
        self.path: str = path
        self.headers: dict[str, str] = headers
        self.content: bytes | Upload | None = content
        self.timeout: TimeoutTypes = timeout
        self.policy: RetryPolicy = policy
        self.retry_safe: bool = retry_safe
        self.cache_key: str | None = cache_key
        self.cache_entry: CacheEntry | None = cache_entry

    @property
    def max_retries(self) -> int:
        return self.policy.max_retries


def _with_default_query(query: Mapping[str, object], defaults: Mapping[str, object]) -> Mapping[str, object]:
    """The call's query with the client's defaults in the parameters it left out (None or UNSET; a given
    value wins)."""
    filled: dict[str, object] | None = None
    for name, value in query.items():
        if (value is None or isinstance(value, Unset)) and name in defaults:
            if filled is None:
                filled = dict(query)
            filled[name] = defaults[name]
    return query if filled is None else filled


def _has_value(value: object) -> bool:
    return value is not None and not isinstance(value, Unset)


def next_query(query: Mapping[str, object] | None, cursor: str) -> dict[str, object]:
    q = dict(query or {})
    q["cursor"] = cursor
    return q


class RequestPreparation:
    """The client's half that turns one call's arguments into a `Prepared` request (no I/O)."""

    # Set by the client's constructor (`BaseClient`, `SyncAPIClient`, `AsyncAPIClient`).
    base_url: str
    timeout: TimeoutTypes
    retry_policy: RetryPolicy
    max_upload_bytes: int | None
    _closed: bool
    _credential: Credential
    _default_headers: dict[str, str]
    _default_query: dict[str, object]
    _static_headers: dict[str, str]
    _etag: ETagCache | None

    def _build_static_headers(self) -> None:
        """The headers every request of this client sends (the credential, when it is static)."""
        headers = {"Accept": "application/json", "Accept-Encoding": "gzip, deflate", "User-Agent": USER_AGENT}
        if self._credential.is_static:
            headers["Authorization"] = self._credential.header_value()
        headers.update(self._default_headers)
        self._static_headers = _HeaderDict(headers)

    def _closed_error(self, why: str = "") -> ClientClosedError:
        if why:
            return ClientClosedError(
                f"this {type(self).__name__} client cannot send: {why}; create a new client"
            )
        return ClientClosedError(
            f"this {type(self).__name__} client is closed: calls after close() (or after its `with` "
            "block), or on a with_options copy of a closed client, are refused; create a new client"
        )

    def _policy_for(self, options: RequestOptions) -> RetryPolicy:
        """This call's retry policy: its own ``retry=`` or the client's, with its ``max_retries=`` on top."""
        policy = self.retry_policy
        if not isinstance(options.retry, NotGiven):
            if not isinstance(options.retry, RetryPolicy):
                raise TypeError(f"retry must be a sendmux.RetryPolicy, got {type(options.retry).__name__}")
            policy = options.retry
        if not isinstance(options.max_retries, NotGiven):
            policy = replace(policy, max_retries=check_max_retries(options.max_retries))
        return policy

    def _prepare(self, op: Operation, options: RequestOptions) -> Prepared:
        if self._closed:
            raise self._closed_error()  # nothing is prepared, sent or left open
        method = op.http_method
        path = format_path(op, options.path_params)
        query = options.query
        extra_query = options.extra_query
        if query and self._default_query:
            query = _with_default_query(query, self._default_query)
        if op.filename_param and query and "content_type" in query and not _has_value(query["content_type"]):
            # An upload that names its type in the query (Sending): guessed from the file's name, as the
            # body's Content-Type is below.
            query = {**query, "content_type": guess_content_type(query.get(op.filename_param))}
        qs = encode_query(query, extra_query) if (query or extra_query) else ""
        if path[0] == "/":
            url = f"{self.base_url}{path}?{qs}" if qs else self.base_url + path
        else:
            # An absolute URL (client.download(url)): as given, with any extra query added; logs and
            # errors name its path only (its query holds the download token).
            url = f"{path}{'&' if '?' in path else '?'}{qs}" if qs else path
            path = urlsplit(path).path

        h = dict(self._static_headers)
        kind = op.response
        if kind == "text":
            # Text routes (the zone file) answer text/plain; their errors still come as JSON.
            h["Accept"] = "text/plain, application/json"
        elif kind == "binary":
            # Range offsets count stored bytes: ask for them unencoded, so a resume lines up.
            h["Accept"] = "*/*"
            h["Accept-Encoding"] = "identity"
        elif kind == "events":
            # Errors come as JSON: a server that honours Accept strictly must be allowed to send them so.
            h["Accept"] = "text/event-stream, application/json"
            h["Cache-Control"] = "no-cache"
        if not op.auth:
            # `security: []` (a presigned upload authenticates by its own token): no credential at all.
            for existing in [k for k in h if k.lower() == "authorization"]:
                del h[existing]
        elif not self._credential.is_static:
            h["Authorization"] = self._credential.header_value()
        headers = options.headers
        if headers:
            for name, value in headers.items():
                if value is not None and not isinstance(value, Unset):
                    # Generated methods name the argument after the header: `Idempotency-Key` is idempotency_key.
                    argument = f"{name.lower().replace('-', '_')} (the {name} header)"
                    h[name] = _header_text(name, value, argument)
        extra_headers = options.extra_headers
        if extra_headers:
            for name, extra_value in extra_headers.items():
                _header_name(name, "extra_headers")
                lower = name.lower()
                for existing in [k for k in h if k.lower() == lower]:
                    del h[existing]
                if extra_value is not None:  # None removes a header
                    h[name] = _header_text(name, extra_value, f"extra_headers[{name!r}]")

        has_key = False
        if op.idempotency_key or method == "POST" or method == "PATCH":
            given = _find_header(h, "idempotency-key")
            if given is not None and not str(given).strip():
                # An empty key would make every retry a fresh request to the server: a double send.
                raise ValueError(
                    "idempotency_key must not be empty or blank (leave it out for a generated one)"
                )
            has_key = given is not None
            if op.idempotency_key and not has_key:
                # One key per logical call, reused by every retry: a retried create never creates twice.
                h["Idempotency-Key"] = str(uuid.uuid4())
                has_key = True

        payload: bytes | Upload | None = None
        content = options.content
        body = options.body
        if op.request_body == "binary" or content is not None:
            payload = prepare_upload(content, self.max_upload_bytes)
            if _find_header(h, "content-type") is None:
                # The media type the spec gives upload bodies; the file's own type travels in the query
                # (Sending's `content_type`, guessed above from its name) or the server infers it from the name.
                h["Content-Type"] = "application/octet-stream"
            # Computed, never asked of the caller: an exact length lets the body stream from disk.
            h["Content-Length"] = str(len(payload) if type(payload) is bytes else payload.length)  # type: ignore[union-attr]
        elif body is not None:
            if op.address_fields:
                body = coerce_addresses(body, op.address_fields)
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
            elif method in WRITE_METHODS:
                etag_cache.evict_related(url)

        return Prepared(
            op,
            method,
            url,
            path,
            h,
            payload,
            self.timeout if isinstance(options.timeout, NotGiven) else check_timeout(options.timeout),
            self._policy_for(options),
            method_is_retry_safe(method, has_key),
            cache_key,
            cache_entry,
        )
