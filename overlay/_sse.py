"""A bounded, incremental server-sent events parser (the WHATWG HTML "event stream" rules) over bytes.

It reads the raw body chunks of any stack (httpcore, httpx, httpx2 alike), so its bounds hold whatever
the stack: a line, or an event's data, longer than ``max_bytes`` stops the stream with
`ResponseTooLargeError` instead of growing memory until it runs out. Lines end in CRLF, LF or CR; a
leading BOM is dropped; ``retry:`` takes ASCII digits only (anything else is ignored, as the spec says);
an ``id:`` holding NUL is ignored; the last event id persists across events.
"""

from __future__ import annotations

from ._errors import ResponseTooLargeError

__all__ = ["SSEDecoder", "RawEvent", "DEFAULT_MAX_EVENT_BYTES"]

DEFAULT_MAX_EVENT_BYTES = 1024 * 1024
"""The largest event line or event data an event stream reads into memory (1 MiB)."""

_BOM = b"\xef\xbb\xbf"


class RawEvent:
    """One dispatched block: ``data`` is None for a block with no data lines (an id or retry only)."""

    __slots__ = ("event", "data", "id", "retry")

    def __init__(self, event: str, data: str | None, id: str | None, retry: int | None) -> None:
        self.event = event
        self.data = data
        self.id = id
        """The last event id seen so far in the stream (None when none was ever sent)."""
        self.retry = retry
        """The reconnection delay (ms) this block asked for, if it had a valid ``retry:`` line."""


class SSEDecoder:
    """Feed it body chunks; it returns the blocks they complete."""

    __slots__ = ("_max", "_buf", "_event", "_data", "_size", "_id", "_retry", "_touched", "_started")

    def __init__(self, max_bytes: int | None = DEFAULT_MAX_EVENT_BYTES) -> None:
        self._max = max_bytes
        self._buf = b""
        self._event = ""
        self._data: list[bytes] = []
        self._size = 0
        self._id: str | None = None
        self._retry: int | None = None
        self._touched = False  # the current block had an id or retry line
        self._started = False

    def _too_large(self, what: str) -> ResponseTooLargeError:
        assert self._max is not None
        return ResponseTooLargeError(limit=self._max, what=f"server-sent event {what}")

    def feed(self, chunk: bytes) -> list[RawEvent]:
        buf = self._buf + chunk if self._buf else chunk
        if not self._started:
            if len(buf) < 3 and _BOM.startswith(buf):
                self._buf = buf
                return []
            self._started = True
            if buf.startswith(_BOM):
                buf = buf[3:]
        if b"\r" in buf:
            # A CR at the very end may be the first half of CRLF: hold it until the next chunk says.
            held = buf.endswith(b"\r")
            if held:
                buf = buf[:-1]
            buf = buf.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            if held:
                buf += b"\r"
        lines = buf.split(b"\n")
        tail = lines.pop()
        limit = self._max
        if limit is not None and len(tail) > limit:
            raise self._too_large("line")
        self._buf = tail
        out: list[RawEvent] = []
        data = self._data
        for line in lines:
            if not line:
                # A blank line ends the block (inlined: once per event on the hot path).
                if data:
                    out.append(
                        RawEvent(
                            self._event or "message",
                            b"\n".join(data).decode("utf-8", "replace"),
                            self._id,
                            self._retry,
                        )
                    )
                    data = self._data = []
                    self._size = 0
                elif self._touched:
                    out.append(RawEvent(self._event or "message", None, self._id, self._retry))
                self._event, self._retry, self._touched = "", None, False
                continue
            if limit is not None and len(line) > limit:
                raise self._too_large("line")
            if line.startswith(b"data:"):
                # The commonest field, kept as bytes and decoded once per event.
                value = line[6:] if line[5:6] == b" " else line[5:]
                self._size += len(value) + 1
                if limit is not None and self._size > limit:
                    raise self._too_large("data")
                data.append(value)
            elif line.startswith(b"id: ") and b"\0" not in line:
                self._id = line[4:].decode("utf-8", "replace")
                self._touched = True
            elif line.startswith(b"event: "):
                self._event = line[7:].decode("utf-8", "replace")
            elif line[0] != 58:  # b":" starts a comment
                self._field(line)
        return out

    def _field(self, line: bytes) -> None:
        name, colon, value = line.partition(b":")
        if colon and value[:1] == b" ":
            value = value[1:]
        if name == b"data":  # `data` with no colon: an empty data line
            self._size += len(value) + 1
            if self._max is not None and self._size > self._max:
                raise self._too_large("data")
            self._data.append(value)
        elif name == b"event":
            self._event = value.decode("utf-8", "replace")
        elif name == b"id":
            if b"\0" not in value:
                self._id = value.decode("utf-8", "replace")
                self._touched = True
        elif name == b"retry":
            if value and value.isdigit():  # bytes.isdigit: ASCII digits only
                self._retry = int(value)
                self._touched = True
        # any other field is ignored
