"""Writing results: JSON, JSON lines or a table, for values, cursor pages, event streams, feeds and bytes.

Pages are written as they arrive (``--all`` holds one page at a time, except for a table, whose columns need
every row); streams flush after every event so a pipe sees it at once.
"""

from __future__ import annotations

import enum
import json
import shutil
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import IO, Any, Literal

__all__ = ["Format", "Writer", "format_record", "format_table", "to_plain"]

Format = Literal["json", "jsonl", "table"]

_CELL_MAX = 40


def to_plain(value: Any) -> Any:
    """A JSON-ready form of what a method returned: models by their wire shape (``to_dict``)."""
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_plain(to_dict())
    if isinstance(value, enum.Enum):
        return to_plain(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def _json(value: Any, *, pretty: bool) -> str:
    if pretty:
        return json.dumps(value, indent=2, ensure_ascii=False, default=str)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def _cell(value: Any) -> str:
    text = value if isinstance(value, str) else "" if value is None else _json(value, pretty=False)
    text = text.replace("\n", " ").replace("\r", " ").replace("\t", " ")
    return text if len(text) <= _CELL_MAX else text[: _CELL_MAX - 1] + "…"


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _rank(key: str, values: list[Any]) -> int:
    # Identity first, then words people scan for, then flags, then timestamps: the right end gets cut.
    if key == "id":
        return 0
    if any(isinstance(v, bool) for v in values):
        return 3
    if key.endswith("_at"):
        return 4
    return 1 if key in ("name", "email", "domain", "status", "type", "subject", "url") else 2


def _columns(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Keys holding a scalar and not null in some row, most telling first (stable within a rank)."""
    seen: dict[str, list[Any]] = {}
    for row in rows:
        for key, value in row.items():
            if _is_scalar(value):
                seen.setdefault(key, []).append(value)
    keys = [k for k, values in seen.items() if any(v is not None for v in values)]
    return sorted(keys, key=lambda k: _rank(k, seen[k]))


def format_table(rows: Sequence[Mapping[str, Any]], *, width: int | None = None) -> str:
    """Rows as aligned columns: every key holding a scalar in some row, in first-seen order."""
    if not rows:
        return "(no items)"
    columns = _columns(rows) or list(rows[0])
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    limit = width if width is not None else shutil.get_terminal_size((120, 24)).columns
    # Drop trailing columns that do not fit rather than wrap: `-o json` shows everything.
    while len(widths) > 1 and sum(widths) + 2 * (len(widths) - 1) > limit:
        widths.pop()
    shown = len(widths)
    lines = ["  ".join(c.upper().ljust(w) for c, w in zip(columns[:shown], widths, strict=True)).rstrip()]
    for r in cells:
        lines.append("  ".join(v.ljust(w) for v, w in zip(r[:shown], widths, strict=True)).rstrip())
    return "\n".join(lines)


def format_record(record: Mapping[str, Any]) -> str:
    """One object as ``key  value`` lines; nested values as compact JSON."""
    if not record:
        return "(empty)"
    width = max(len(k) for k in record)
    return "\n".join(f"{k.ljust(width)}  {_cell(v)}".rstrip() for k, v in record.items())


class Writer:
    """Writes one command's result to ``out``; notes and progress go to ``err``."""

    def __init__(self, fmt: Format, out: IO[str], err: IO[str], *, progress: bool = False) -> None:
        self.fmt = fmt
        self.out = out
        self.err = err
        self.progress = progress

    def _line(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def note(self, text: str) -> None:
        self.err.write(f"sendmux: {text}\n")
        self.err.flush()

    def value(self, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, str) and self.fmt != "json":
            self._line(value)
            return
        plain = to_plain(value)
        if self.fmt == "json":
            self._line(_json(plain, pretty=True))
        elif self.fmt == "jsonl":
            for item in plain if isinstance(plain, list) else [plain]:
                self._line(_json(item, pretty=False))
        elif isinstance(plain, list) and all(isinstance(i, Mapping) for i in plain):
            self._line(format_table(plain))
        elif isinstance(plain, Mapping):
            self._line(format_record(plain))
        else:
            self._line(_json(plain, pretty=True))

    def page(self, page: Any) -> None:
        """One cursor page (no ``--all``): its items, and where the next page starts."""
        items = [to_plain(i) for i in page.data]
        if self.fmt == "json":
            body = {"data": items, "has_more": page.has_more, "next_cursor": page.next_cursor}
            self._line(_json(body, pretty=True))
        else:
            if self.fmt == "jsonl":
                for item in items:
                    self._line(_json(item, pretty=False))
            else:
                self._line(format_table(items))
        if page.has_more and self.fmt != "json":
            self.note(
                f"more items: add --cursor {page.next_cursor} for the next page, or --all for every page"
            )

    def pages(self, pages: Iterable[Any]) -> None:
        """Every item of every page (``--all``); JSON as one array, written as the pages arrive."""
        if self.fmt == "table":
            self._line(format_table([to_plain(i) for i in self._items(pages)]))
            return
        if self.fmt == "jsonl":
            for item in self._items(pages):
                self._line(_json(to_plain(item), pretty=False))
            return
        first = True
        self.out.write("[")
        for item in self._items(pages):
            text = _json(to_plain(item), pretty=True).replace("\n", "\n  ")
            self.out.write(("\n  " if first else ",\n  ") + text)
            first = False
        self._line("]" if first else "\n]")

    def _items(self, pages: Iterable[Any]) -> Iterator[Any]:
        count = 0
        number = 0
        # On a terminal one line updated in place; in a log one line per page.
        live = self.progress and self.err.isatty()
        try:
            for number, page in enumerate(pages, 1):  # noqa: B007 - read after the loop
                count += len(page.data)
                if self.progress:
                    text = f"sendmux: {number} pages, {count} items"
                    self.err.write(f"\r{text}" if live else f"{text}\n")
                    self.err.flush()
                yield from page.data
        finally:
            if live and number:
                self.err.write("\n")
                self.err.flush()

    def events(self, stream: Iterable[Any]) -> None:
        """Server-sent events: one JSON object per line (``id``, ``event``, ``data``, ``retry``)."""
        for event in stream:
            line: dict[str, Any] = {}
            for name in ("id", "event", "data", "retry"):
                value = getattr(event, name, None)
                if value is not None:
                    line[name] = to_plain(value)
            self._line(_json(line, pretty=False))

    def feed(self, feed: Iterable[Any]) -> None:
        """A change feed: each response as one JSON line; the state to resume from goes to stderr."""
        for response in feed:
            self._line(_json(to_plain(response), pretty=False))
        state = getattr(feed, "state", None)
        if state is not None:
            self.note(f"state: {state}")


def write_binary(response: Any, out: IO[bytes]) -> int:
    """Copy a binary download to ``out`` chunk by chunk; the number of bytes written."""
    written = 0
    for chunk in response.iter_bytes():
        out.write(chunk)
        written += len(chunk)
    out.flush()
    return written
