"""`Headers`: a response's headers as a case-insensitive, read-only mapping, whichever HTTP stack read them.

Responses arrive from httpcore as raw byte pairs, or from an injected `httpx.Client` / `httpx2.Client`
as that library's own `Headers`; both become this one type, so `RawResponse.headers`, an error's
``.headers`` and a download's ``.headers`` read the same way on every stack. The lookup table is built on
first read: a call that looks at three headers pays for one small dict.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ._redact import REDACTED, SECRET_HEADERS

__all__ = ["Headers"]


def _text(value: bytes | str) -> str:
    # HTTP field values are latin-1 on the wire (RFC 9110 5.5): every byte maps to one character.
    return value.decode("latin-1") if isinstance(value, bytes) else value


class Headers(Mapping[str, str]):
    """Response headers: ``headers["etag"]``, ``headers.get("Retry-After")``, names compared case-blind.

    A name sent more than once reads as its values joined by ``", "`` (as RFC 9110 combines them);
    `get_list` gives them one by one, `multi_items` every (name, value) pair in arrival order. Iterating
    yields the lower-cased names.
    """

    __slots__ = ("_pairs", "_index")

    def __init__(self, pairs: Iterable[tuple[bytes | str, bytes | str]] | Mapping[str, str] = ()) -> None:
        items = pairs.items() if isinstance(pairs, Mapping) else pairs
        self._pairs: list[tuple[str, str]] = [(_text(k), _text(v)) for k, v in items]
        self._index: dict[str, str] | None = None

    @classmethod
    def from_stack(cls, headers: Any) -> Headers:
        """From an `httpx.Headers` / `httpx2.Headers` (any object with ``multi_items()``) or a mapping."""
        if isinstance(headers, Headers):
            return headers
        multi = getattr(headers, "multi_items", None)
        return cls(multi() if multi is not None else headers)

    def _lookup(self) -> dict[str, str]:
        index = self._index
        if index is None:
            index = {}
            for name, value in self._pairs:
                key = name.lower()
                index[key] = f"{index[key]}, {value}" if key in index else value
            self._index = index
        return index

    def __getitem__(self, name: str) -> str:
        return self._lookup()[name.lower()]

    def get(self, name: str, default: Any = None) -> Any:
        return self._lookup().get(name.lower(), default)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._lookup()

    def __iter__(self) -> Iterator[str]:
        return iter(self._lookup())

    def __len__(self) -> int:
        return len(self._lookup())

    def get_list(self, name: str) -> list[str]:
        """Every value of ``name`` in arrival order (empty if absent)."""
        key = name.lower()
        return [value for n, value in self._pairs if n.lower() == key]

    def multi_items(self) -> list[tuple[str, str]]:
        """Every (name, value) pair as received, names in their original case."""
        return list(self._pairs)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Headers):
            return self._lookup() == other._lookup()
        if isinstance(other, Mapping):
            return self._lookup() == {str(k).lower(): v for k, v in other.items()}
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = [(n, REDACTED if n.lower() in SECRET_HEADERS else v) for n, v in self._pairs]
        return f"Headers({shown!r})"
