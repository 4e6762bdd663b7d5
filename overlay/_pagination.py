"""Cursor pages: `SyncCursorPage`, `AsyncCursorPage`, and `AsyncPaginator` (awaitable and async-iterable).

Iterating a page yields every item of it and of every following page, fetching lazily: only the current
page is held. Pages remember at which depth each cursor was requested, so a server that hands back a cursor
already used (or says has_more without a cursor) raises `PaginationError` instead of looping forever, while
calling `next_page()` twice on the same page still simply refetches.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator, Mapping
from typing import Any, Generic, TypeVar

from ._errors import PaginationError

__all__ = ["SyncCursorPage", "AsyncCursorPage", "AsyncPaginator", "PageMeta"]

T = TypeVar("T")


class PageMeta(Mapping[str, Any]):
    """A list response's whole envelope ``meta``: ``page.meta.sync_state`` or ``page.meta["sync_state"]``.

    Lists of the Mailbox API carry state tokens and context here (``sync_state``, ``query_state``,
    ``thread_id``, ...) beside ``request_id``; nested objects read the same way.
    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data: dict[str, Any] = dict(data)

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            value = self._data[name]
        except KeyError:
            raise AttributeError(f"this page's meta has no {name!r} (it has {sorted(self._data)})") from None
        return PageMeta(value) if type(value) is dict else value

    def __repr__(self) -> str:
        return f"PageMeta({self._data!r})"


class _PageBase(Generic[T]):
    """One page of a list: its items, where the next page starts, and the response's `meta`."""

    __slots__ = {  # the values are the attributes' docstrings (help() shows them)
        "data": "The items of this page.",
        "has_more": "Whether the server has another page after this one.",
        "next_cursor": "The cursor that asks for the next page (None on the last).",
        "request_id": "The request id of the response that carried this page.",
        "meta": "The envelope's whole `meta` (`request_id` included), as a `PageMeta`.",
        "_depth": None,
        "_chain": None,
        "__weakref__": None,
    }

    def __init__(
        self,
        data: list[T],
        *,
        has_more: bool,
        next_cursor: str | None,
        request_id: str | None,
        depth: int = 0,
        chain: dict[str, int] | None = None,
        meta: PageMeta | None = None,
    ) -> None:
        self.data: list[T] = data
        self.has_more: bool = has_more
        self.next_cursor: str | None = next_cursor
        self.request_id: str | None = request_id
        self.meta: PageMeta = PageMeta({"request_id": request_id}) if meta is None else meta
        self._depth = depth
        # cursor -> depth of the page it fetched; shared along one chain of pages.
        self._chain: dict[str, int] = {} if chain is None else chain

    def _next_cursor_checked(self) -> str | None:
        if not self.has_more:
            return None
        cursor = self.next_cursor
        if not cursor:
            raise PaginationError(
                "the server said has_more but sent no next_cursor; stopping instead of looping"
            )
        seen_at = self._chain.get(cursor)
        if seen_at is not None and seen_at != self._depth + 1:
            raise PaginationError(f"the server repeated cursor {cursor!r}; stopping instead of looping")
        self._chain[cursor] = self._depth + 1
        return cursor

    def _adopt(self, page: _PageBase[T]) -> None:
        page._depth = self._depth + 1
        page._chain = self._chain

    def __len__(self) -> int:
        """Items on this page only."""
        return len(self.data)

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} items={len(self.data)} has_more={self.has_more} "
            f"next_cursor={self.next_cursor!r} request_id={self.request_id!r}>"
        )


class SyncCursorPage(_PageBase[T]):
    """A page of a list method's results; iterating it walks every item of this page and the next ones,
    fetching one page at a time (`.iter_pages()` page by page, `.next_page()` just the next)."""

    __slots__ = ("_fetch",)

    def __init__(
        self,
        data: list[T],
        *,
        has_more: bool,
        next_cursor: str | None,
        request_id: str | None,
        fetch: Callable[[str], SyncCursorPage[T]] | None = None,
        meta: PageMeta | None = None,
    ) -> None:
        super().__init__(data, has_more=has_more, next_cursor=next_cursor, request_id=request_id, meta=meta)
        self._fetch = fetch

    def has_next_page(self) -> bool:
        """Whether the server has another page after this one (`has_more`)."""
        return self.has_more

    def next_page(self) -> SyncCursorPage[T] | None:
        """The following page, or None after the last one."""
        cursor = self._next_cursor_checked()
        if cursor is None or self._fetch is None:
            return None
        page = self._fetch(cursor)
        self._adopt(page)
        return page

    def iter_pages(self) -> Iterator[SyncCursorPage[T]]:
        """This page, then each following page as it is fetched."""
        page: SyncCursorPage[T] | None = self
        while page is not None:
            yield page
            page = page.next_page()

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.data


class AsyncCursorPage(_PageBase[T]):
    """A page of an async list method's results: `async for` walks every item of this page and the next
    ones, fetching one page at a time (`.iter_pages()` page by page, `await .next_page()` just the next)."""

    __slots__ = ("_fetch",)

    def __init__(
        self,
        data: list[T],
        *,
        has_more: bool,
        next_cursor: str | None,
        request_id: str | None,
        fetch: Callable[[str], Awaitable[AsyncCursorPage[T]]] | None = None,
        meta: PageMeta | None = None,
    ) -> None:
        super().__init__(data, has_more=has_more, next_cursor=next_cursor, request_id=request_id, meta=meta)
        self._fetch = fetch

    def has_next_page(self) -> bool:
        """Whether the server has another page after this one (`has_more`)."""
        return self.has_more

    async def next_page(self) -> AsyncCursorPage[T] | None:
        """The following page, or None after the last one."""
        cursor = self._next_cursor_checked()
        if cursor is None or self._fetch is None:
            return None
        page = await self._fetch(cursor)
        self._adopt(page)
        return page

    async def iter_pages(self) -> AsyncIterator[AsyncCursorPage[T]]:
        """This page, then each following page as it is fetched."""
        page: AsyncCursorPage[T] | None = self
        while page is not None:
            yield page
            page = await page.next_page()

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item


class AsyncPaginator(Generic[T]):
    """What an async list method returns: ``await`` it for the first page, ``async for`` it for every item."""

    __slots__ = ("_first",)

    def __init__(self, first: Callable[[], Awaitable[AsyncCursorPage[T]]]) -> None:
        self._first = first

    def __await__(self) -> Generator[Any, None, AsyncCursorPage[T]]:
        return self._first().__await__()

    async def __aiter__(self) -> AsyncIterator[T]:
        page = await self._first()
        async for item in page:
            yield item

    async def iter_pages(self) -> AsyncIterator[AsyncCursorPage[T]]:
        """The first page, then each following page as it is fetched."""
        page = await self._first()
        async for p in page.iter_pages():
            yield p
