"""`RequestOptions`: everything one generated method hands the runtime, as one value.

A generated method calls ``self._client._request(op, RequestOptions(...))``; the client dispatches on
``op`` (a JSON answer, a cursor page, a download, an event stream, a change feed) and every kind takes
the same path from here on. Values equal to `UNSET` in ``query``, ``headers`` and ``body`` are dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ._types import NOT_GIVEN, NotGiven, TimeoutTypes

if TYPE_CHECKING:
    from ._files import FileInput
    from ._retry import RetryPolicy

__all__ = ["RequestOptions"]


def _identity(value: Any) -> Any:
    """A body with no schema to decode it by: returned as the JSON it is."""
    return value


class RequestOptions:
    """One call's arguments (request parts) and per-call options (timeout, retries)."""

    __slots__ = (
        "path_params",
        "query",
        "headers",
        "body",
        "content",
        "cast",
        "extra_headers",
        "extra_query",
        "timeout",
        "max_retries",
        "retry",
    )

    def __init__(
        self,
        *,
        path_params: Sequence[object] = (),
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, object] | None = None,
        body: Mapping[str, object] | None = None,
        content: FileInput | None = None,
        cast: Callable[[Any], Any] = _identity,
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        retry: RetryPolicy | NotGiven = NOT_GIVEN,
    ) -> None:
        self.path_params = path_params
        self.query = query
        self.headers = headers
        self.body = body
        self.content = content
        """An upload's bytes, path or binary file (`sendmux._files.FileInput`); None: no raw body."""
        self.cast = cast
        """Decodes the envelope's ``data`` (each item, for a page; each event's data, for a stream)."""
        self.extra_headers = extra_headers
        self.extra_query = extra_query
        self.timeout = timeout
        self.max_retries = max_retries
        self.retry = retry
        """This call's retry policy instead of the client's (``max_retries`` still overrides its count)."""

    def with_query(self, query: Mapping[str, object] | None) -> RequestOptions:
        """A copy asking with another query (the next page, the next feed step)."""
        return self.replace(query=query)

    def replace(self, **changes: Any) -> RequestOptions:
        """A copy with some parts changed (``body=``, ``headers=``, …)."""
        copy = RequestOptions.__new__(RequestOptions)
        for name in RequestOptions.__slots__:
            object.__setattr__(copy, name, changes[name] if name in changes else getattr(self, name))
        return copy

    def __repr__(self) -> str:
        # Header and body values may hold secrets: only say which parts are set.
        parts = [name for name in ("query", "headers", "body", "content") if getattr(self, name) is not None]
        return f"<RequestOptions path_params={len(self.path_params)} with {', '.join(parts) or 'no body'}>"
