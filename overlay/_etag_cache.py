"""A small thread-safe LRU of GET responses keyed by full URL, for If-None-Match revalidation."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import NamedTuple
from urllib.parse import urlsplit

__all__ = ["ETagCache", "CacheEntry"]


class CacheEntry(NamedTuple):
    """One cached GET response: its ETag and body."""

    etag: str
    body: bytes
    """The raw success body; re-decoded on every 304 so each call gets its own fresh object."""


def _segments(url: str) -> tuple[str, ...]:
    parts = urlsplit(url)
    return (parts.netloc, *(s for s in parts.path.split("/") if s))


class ETagCache:
    """A thread-safe LRU of GET responses that carried an ETag, keyed by URL."""

    def __init__(self, maxsize: int = 256) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.maxsize = maxsize
        self._data: OrderedDict[str, CacheEntry] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._data)

    def get(self, url: str) -> CacheEntry | None:
        """The entry for `url` (now the most recently used), or None."""
        with self._lock:
            entry = self._data.get(url)
            if entry is not None:
                self._data.move_to_end(url)
            return entry

    def put(self, url: str, etag: str, body: bytes) -> None:
        """Keep a response, dropping the least recently used entry beyond the size."""
        with self._lock:
            self._data[url] = CacheEntry(etag, body)
            self._data.move_to_end(url)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def discard(self, url: str) -> None:
        """Forget the entry for `url` (`evict_related` forgets its parents and children too)."""
        with self._lock:
            self._data.pop(url, None)

    def evict_related(self, url: str) -> int:
        """Drop every entry on the written URL's path, its ancestors and its descendants.

        A write to ``/domains/dom_1/verify`` changes ``/domains/dom_1`` (and lists under ``/domains``); a
        DELETE of ``/domains/dom_1`` also ends ``/domains/dom_1/filters``. Over-evicting costs one 200.
        """
        written = _segments(url)
        with self._lock:
            doomed = []
            for key in self._data:
                segs = _segments(key)
                n = min(len(segs), len(written))
                if segs[:n] == written[:n]:
                    doomed.append(key)
            for key in doomed:
                del self._data[key]
            return len(doomed)

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._data.clear()
