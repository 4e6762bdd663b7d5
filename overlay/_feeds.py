"""State-token change feeds: `ChangeFeed[T]` / `AsyncChangeFeed[T]`.

A feed operation takes a state token (``since_state``) and answers the changes since then with the next
token (``new_state``) and ``has_more``.  Iterating a feed yields each answer in turn, asking again with the
new token while ``has_more``; ``feed.state`` always holds the newest token seen, so a caller can persist it
(also after stopping early) and pass it as ``since_state`` next time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from typing import Self

from ._errors import PaginationError
from ._raw_response import RAW_RESPONSE

__all__ = ["ChangeFeed", "AsyncChangeFeed"]

T = TypeVar("T")

# fetch(query) -> (typed value, the envelope's `data` mapping, the exchange for a raw response)
SyncFetch = Callable[[Mapping[str, object]], tuple[T, Mapping[str, Any], Any]]
AsyncFetch = Callable[[Mapping[str, object]], Awaitable[tuple[T, Mapping[str, Any], Any]]]


class _Feed(Generic[T]):
    """The parts of the sync and async change feeds that do no I/O."""

    def __init__(self, query: Mapping[str, object] | None, state_param: str, state_field: str) -> None:
        self._query: dict[str, object] = dict(query or {})
        self._state_param = state_param
        self._state_field = state_field
        given = self._query.get(state_param)
        self._state: str | None = given if isinstance(given, str) else None
        self._has_more = True
        self._started = False
        self._first: tuple[T, Mapping[str, Any], Any] | None = None

    @property
    def state(self) -> str | None:
        """The newest state token seen (the one you passed until a response arrives): persist it."""
        return self._state

    @property
    def has_more(self) -> bool:
        """Whether the server said more changes wait (False once the feed is drained)."""
        return self._has_more

    def _next_query(self) -> Mapping[str, object]:
        if self.state is None:
            return self._query
        return {**self._query, self._state_param: self.state}

    def _advance(self, data: Mapping[str, Any]) -> None:
        new_state = data.get(self._state_field) if isinstance(data, Mapping) else None
        has_more = isinstance(data, Mapping) and data.get("has_more") is True
        if isinstance(new_state, str) and new_state:
            if has_more and new_state == self.state:
                raise PaginationError(
                    f"the server said has_more but returned the same {self._state_field} {new_state!r}; "
                    "stopping instead of looping"
                )
            self._state = new_state
        elif has_more:
            raise PaginationError(f"the server said has_more but sent no {self._state_field}")
        self._has_more = has_more

    def _begin(self) -> None:
        if self._started:
            raise PaginationError("a change feed is iterated once; start a new one from feed.state")
        self._started = True

    def __repr__(self) -> str:
        return f"<{type(self).__name__} state={self.state!r} has_more={self.has_more}>"


class ChangeFeed(_Feed[T]):
    """Iterate it for each response in turn (one request per step, while ``has_more``)."""

    def __init__(
        self, fetch: SyncFetch[T], query: Mapping[str, object] | None, state_param: str, state_field: str
    ) -> None:
        super().__init__(query, state_param, state_field)
        self._fetch = fetch

    def _prefetch(self) -> Any:
        """Fetch the first response now (for a raw response); iteration starts with it."""
        self._first = self._fetch(self._next_query())
        return self._first[2]

    def __iter__(self) -> Iterator[T]:
        self._begin()
        return self._steps()

    def _steps(self) -> Generator[T, None, None]:
        while True:
            first, self._first = self._first, None
            value, data, _ = first if first is not None else self._fetch(self._next_query())
            self._advance(data)
            yield value
            if not self.has_more:
                return


class AsyncChangeFeed(_Feed[T]):
    """``async for`` it; nothing is sent until the first iteration."""

    def __init__(
        self, fetch: AsyncFetch[T], query: Mapping[str, object] | None, state_param: str, state_field: str
    ) -> None:
        super().__init__(query, state_param, state_field)
        self._fetch = fetch
        self._raw: Callable[[Any, Callable[[], Any]], Any] | None = None

    def __await__(self) -> Generator[Any, None, Self]:
        """Under ``with_raw_response``: fetch the first response, as a `RawResponse` whose ``parse()`` is
        this feed; otherwise the feed itself (nothing fetched yet)."""
        return self._await().__await__()

    async def _await(self) -> Any:
        if RAW_RESPONSE.get() and self._raw is not None:
            self._first = await self._fetch(self._next_query())
            return self._raw(self._first[2], lambda: self)
        return self

    def __aiter__(self) -> AsyncIterator[T]:
        self._begin()
        return self._steps()

    async def _steps(self) -> AsyncIterator[T]:
        while True:
            first, self._first = self._first, None
            value, data, _ = first if first is not None else await self._fetch(self._next_query())
            self._advance(data)
            yield value
            if not self.has_more:
                return
