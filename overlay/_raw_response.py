"""`RawResponse[T]`: status, headers and ids of a call, with `.parse()` for the typed value.

``client.<res>.with_raw_response.<method>(...)`` wraps the bound method with `to_raw_response_wrapper`; a
context variable tells the runtime's request path to hand back the raw response instead of the parsed one
(the generated method itself stays unchanged, and its types carry over through ParamSpec).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypeVar, cast

if TYPE_CHECKING:
    from ._headers import Headers
    from ._rate_limit import RateLimit

__all__ = ["RawResponse", "to_raw_response_wrapper", "async_to_raw_response_wrapper", "RAW_RESPONSE"]

T = TypeVar("T")
P = ParamSpec("P")

RAW_RESPONSE: ContextVar[bool] = ContextVar("sendmux_raw_response", default=False)
"""Set while a raw-response wrapper runs: the request path returns a `RawResponse`."""

_UNPARSED: Any = object()


class RawResponse(Generic[T]):
    """One HTTP exchange; `.parse()` decodes (once) the value the plain method would have returned."""

    __slots__ = {  # the values are the attributes' docstrings (help() shows them)
        "status_code": "The HTTP status code.",
        "headers": "The response headers (`httpx.Headers`, case-insensitive).",
        "content": "The body; for a 304 answered from the ETag cache, the cached body.",
        "elapsed_ms": "Milliseconds from sending the request to reading the response.",
        "from_cache": "True when the server said 304 and the value comes from the ETag cache.",
        "_rate_limit": None,
        "_parse": None,
        "_value": None,
    }

    def __init__(
        self,
        *,
        status_code: int,
        headers: Headers,
        content: bytes,
        elapsed_ms: float,
        from_cache: bool,
        rate_limit: RateLimit | None,
        parse: Callable[[], T],
    ) -> None:
        self.status_code: int = status_code
        self.headers: Headers = headers
        self.content: bytes = content
        self.elapsed_ms: float = elapsed_ms
        self.from_cache: bool = from_cache
        self._rate_limit = rate_limit
        self._parse = parse
        self._value: T = _UNPARSED

    @property
    def request_id(self) -> str | None:
        """X-Request-Id, else ``meta.request_id`` of the body."""
        rid: str | None = self.headers.get("x-request-id")
        if rid is None and self.content:
            try:
                meta = json.loads(self.content).get("meta")
                rid = meta.get("request_id") if isinstance(meta, dict) else None
            except (ValueError, AttributeError, RecursionError):
                rid = None
        return rid if isinstance(rid, str) else None

    @property
    def etag(self) -> str | None:
        """The `ETag` header: pass it back as `if_none_match=` or `if_match=`."""
        etag: str | None = self.headers.get("etag")
        return etag

    @property
    def rate_limit(self) -> RateLimit | None:
        """The `X-RateLimit-*` state this response reported, if it did."""
        return self._rate_limit

    def parse(self) -> T:
        """The value the plain method would have returned, decoded on first call and kept."""
        if self._value is _UNPARSED:
            self._value = self._parse()
        return self._value

    def __repr__(self) -> str:
        return f"<RawResponse [{self.status_code}] request_id={self.request_id}>"


def to_raw_response_wrapper(func: Callable[P, T]) -> Callable[P, RawResponse[T]]:
    @functools.wraps(func)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> RawResponse[T]:
        token = RAW_RESPONSE.set(True)
        try:
            result: object = func(*args, **kwargs)
        finally:
            RAW_RESPONSE.reset(token)
        if not isinstance(result, RawResponse):
            raise TypeError(
                f"{getattr(func, '__qualname__', func)!r} did not go through the runtime request path"
            )
        return cast("RawResponse[T]", result)

    return wrapped


def async_to_raw_response_wrapper(func: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[RawResponse[T]]]:
    @functools.wraps(func)
    async def wrapped(*args: P.args, **kwargs: P.kwargs) -> RawResponse[T]:
        token = RAW_RESPONSE.set(True)
        try:
            # Works for coroutines and for AsyncPaginator (awaiting it fetches the first page raw).
            result: object = await func(*args, **kwargs)
        finally:
            RAW_RESPONSE.reset(token)
        if not isinstance(result, RawResponse):
            raise TypeError(
                f"{getattr(func, '__qualname__', func)!r} did not go through the runtime request path"
            )
        return cast("RawResponse[T]", result)

    return wrapped
