"""`BaseClient`: a client's configuration (checked options, defaults from its surface and the
environment, `with_options`), over the I/O-free halves of the request path the sync and async clients share."""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from ._attaching import AttachmentState
from ._attempt import AttemptOutcomes
from ._auth import Credential, CredentialSource, resolve_credential
from ._constants import DEFAULT_TIMEOUT
from ._etag_cache import ETagCache
from ._files import DEFAULT_MAX_UPLOAD_BYTES
from ._logging import setup_from_env
from ._options import (
    check_cache_size,
    check_flag,
    check_headers,
    check_limit,
    check_max_retries,
    check_max_retry_wait,
    check_timeout,
    check_total_timeout,
)
from ._parse import ResponseParsing
from ._prepare import RequestPreparation
from ._rate_limit import RateLimit, RateLimitState
from ._retry import DEFAULT_RETRY_POLICY, RetryPolicy
from ._sse import DEFAULT_MAX_EVENT_BYTES
from ._surface import DEFAULT_SURFACE, Surface
from ._tracing import tracer_for
from ._transport import DEFAULT_MAX_CONNECTIONS
from ._types import NOT_GIVEN, NotGiven, TimeoutTypes, Unset
from ._urls import check_base_url
from ._wire_response import DEFAULT_MAX_RESPONSE_BYTES

if TYPE_CHECKING:
    from typing import Self

__all__ = ["BaseClient"]


class BaseClient(RequestPreparation, AttemptOutcomes, ResponseParsing):
    """Configuration and the I/O-free halves of the request path, shared by the sync and async clients."""

    _surface: ClassVar[Surface] = DEFAULT_SURFACE
    _tracing: bool | None
    """Default base URL, env variables and key checks; generated client classes set their own."""

    def __init__(
        self,
        api_key: CredentialSource | None = None,
        *,
        access_token: CredentialSource | None = None,
        base_url: str | None = None,
        max_retries: int | NotGiven = NOT_GIVEN,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
        etag_cache: bool = True,
        etag_cache_size: int = 256,
        default_headers: Mapping[str, str] | None = None,
        allow_insecure_http: bool = False,
        max_retry_wait: float | NotGiven = NOT_GIVEN,
        total_timeout: float | None = None,
        default_query: Mapping[str, object] | None = None,
        strict_response_validation: bool = False,
        retry: RetryPolicy | None = None,
        max_connections: int | None = DEFAULT_MAX_CONNECTIONS,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        max_event_bytes: int | None = DEFAULT_MAX_EVENT_BYTES,
        max_upload_bytes: int | None = DEFAULT_MAX_UPLOAD_BYTES,
        tracing: bool | None = None,
        _copy_of: BaseClient | None = None,
    ) -> None:
        setup_from_env()
        # Every option is checked here, before any pool exists: a typo fails where it is written.
        # The retry policy: `retry=` (or the one copied), with the `max_retries=` / `max_retry_wait=`
        # shortcuts applied on top when given.
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise TypeError(f"retry must be a sendmux.RetryPolicy, got {type(retry).__name__}")
        policy = retry or (_copy_of.retry_policy if _copy_of is not None else DEFAULT_RETRY_POLICY)
        if not isinstance(max_retries, NotGiven):
            policy = replace(policy, max_retries=check_max_retries(max_retries, at_construction=True))
        if not isinstance(max_retry_wait, NotGiven):
            policy = replace(
                policy, max_retry_wait=check_max_retry_wait(max_retry_wait, at_construction=True)
            )
        self.retry_policy: RetryPolicy = policy
        self.timeout: TimeoutTypes = check_timeout(timeout, at_construction=True)
        self.total_timeout: float | None = check_total_timeout(total_timeout, at_construction=True)
        etag_cache = check_flag(etag_cache, "etag_cache")
        etag_cache_size = check_cache_size(etag_cache_size)
        self._allow_insecure_http = check_flag(allow_insecure_http, "allow_insecure_http")
        # False (default): a field that does not match its documented type keeps its raw value (logged once);
        # True: such a response raises APIResponseValidationError.
        self._strict_response_validation = check_flag(
            strict_response_validation, "strict_response_validation"
        )
        self._default_headers: dict[str, str] = check_headers(default_headers, "default_headers")
        # The pool's size (and so how many async calls run at once) and the largest buffered body.
        self.max_connections: int | None = check_limit(max_connections, "max_connections")
        self.max_response_bytes: int | None = check_limit(max_response_bytes, "max_response_bytes")
        # The largest server-sent event (and line) an event stream reads into memory.
        self.max_event_bytes: int | None = check_limit(max_event_bytes, "max_event_bytes")
        # The largest upload sent, or spooled to learn its length (a pipe must not fill the disk).
        self.max_upload_bytes: int | None = check_limit(max_upload_bytes, "max_upload_bytes")
        # None: spans when OpenTelemetry is installed (see _tracing.py); a copy keeps the original's.
        if tracing is not None:
            check_flag(tracing, "tracing")
        self._tracing = tracing if _copy_of is None or tracing is not None else _copy_of._tracing
        self._tracer = tracer_for(self._tracing)
        surface = self._surface
        if _copy_of is not None and api_key is None and access_token is None:
            self._credential: Credential = _copy_of._credential
        else:
            self._credential = resolve_credential(api_key, access_token, surface)
        if base_url is None:
            base_url = os.environ.get(surface.base_url_env) or surface.default_base_url
        elif not isinstance(base_url, str):
            raise TypeError(f"base_url must be a str, got {type(base_url).__name__}")
        self.base_url: str = check_base_url(base_url, self._allow_insecure_http)
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
            self._attachment_state = AttachmentState()
        else:
            # A with_options copy shares the original's cache, rate-limit state and test hooks.
            self._etag = (_copy_of._etag or ETagCache(etag_cache_size)) if etag_cache else None
            self._rate = _copy_of._rate
            self._clock = _copy_of._clock
            self._random = _copy_of._random
            self._attachment_state = _copy_of._attachment_state

    # -- public state -------------------------------------------------------------------------------------

    @property
    def max_retries(self) -> int:
        """Retries after a call's first attempt (``retry_policy.max_retries``)."""
        return self.retry_policy.max_retries

    @max_retries.setter
    def max_retries(self, value: int) -> None:
        self.retry_policy = replace(self.retry_policy, max_retries=check_max_retries(value))

    @property
    def max_retry_wait(self) -> float:
        """The longest server-requested wait honoured (``retry_policy.max_retry_wait``)."""
        return self.retry_policy.max_retry_wait

    @max_retry_wait.setter
    def max_retry_wait(self, value: float) -> None:
        self.retry_policy = replace(self.retry_policy, max_retry_wait=check_max_retry_wait(value))

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
        retry: RetryPolicy | NotGiven = NOT_GIVEN,
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
            "retry": self.retry_policy if isinstance(retry, NotGiven) else retry,
            "max_retries": max_retries,
            "timeout": self.timeout if isinstance(timeout, NotGiven) else timeout,
            "etag_cache": (self._etag is not None) if isinstance(etag_cache, NotGiven) else etag_cache,
            "default_headers": self._default_headers if default_headers is None else default_headers,
            "allow_insecure_http": self._allow_insecure_http,
            "max_retry_wait": max_retry_wait,
            "total_timeout": self.total_timeout if isinstance(total_timeout, NotGiven) else total_timeout,
            "default_query": self._default_query,
            "strict_response_validation": self._strict_response_validation,
            "max_connections": self.max_connections,
            "max_response_bytes": self.max_response_bytes,
            "max_event_bytes": self.max_event_bytes,
            "max_upload_bytes": self.max_upload_bytes,
            "tracing": self._tracing,
            "_copy_of": self,
        }
        return type(self)(**options)
