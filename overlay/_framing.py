"""Where an HTTP/1.1 response ends on the wire, so bytes past it never answer the next request.

A keep-alive connection carries one response per request. A server (or a broken proxy) that sends bytes
after a response's framing — say a whole forged second response after a download's body — would have
them read as the answer to the *next* request on that connection, if they arrive in the same read as the
response's end (the HTTP parser then holds them). `ResponseFraming` follows each response's framing
(status line and headers, then Content-Length, chunked, or read-until-close) over the bytes the socket
delivers and says how many of them belong to the current response; the network stream holds back the
rest and reports the connection readable, which is how httpcore's pool already recognises a connection
that must not be reused. Pure: no I/O.
"""

from __future__ import annotations

__all__ = ["ResponseFraming"]

_NO_BODY_STATUSES = frozenset({204, 304})
_MAX_HEAD = 256 * 1024  # a response head larger than this is not followed (the HTTP parser refuses it anyway)


class ResponseFraming:
    """Feed it what the socket delivers (`take`) and the requests written (`request`)."""

    __slots__ = ("_state", "_head", "_left", "_head_request", "_line", "lost")

    def __init__(self) -> None:
        self._state = "idle"  # idle | head | length | chunk-size | chunk-data | chunk-crlf | trailers | close
        self._head = b""
        self._left = 0
        self._head_request = False
        self._line = b""
        self.lost = False
        """True once the bytes stopped making sense as HTTP: then nothing is held back (the parser decides)."""

    def request(self, first_bytes: bytes) -> None:
        """A request starts on this connection (``first_bytes``: the start of its request line)."""
        if self._state == "idle":
            self._head_request = first_bytes[:5].upper() == b"HEAD "
            self._state = "head"
            self._head = b""

    def take(self, data: bytes) -> int:
        """How many of ``data``'s bytes belong to the response in progress (the rest came after its end)."""
        if self.lost:
            return len(data)
        used = 0
        while used < len(data):
            state = self._state
            if state == "idle":
                return used  # the response is over: whatever follows was not asked for
            if state == "close":
                return len(data)  # the body runs to the end of the connection
            if state == "head":
                used = self._feed_head(data, used)
            elif state == "length":
                step = min(self._left, len(data) - used)
                used += step
                self._left -= step
                if self._left == 0:
                    self._state = "idle"
            elif state == "chunk-data":
                step = min(self._left, len(data) - used)
                used += step
                self._left -= step
                if self._left == 0:
                    self._state, self._line = "chunk-crlf", b""
            else:  # chunk-size, chunk-crlf, trailers: line by line
                used = self._feed_line(data, used)
            if self.lost:
                return len(data)
        return used

    def _feed_head(self, data: bytes, start: int) -> int:
        joined = self._head + data[start:]
        end = joined.find(b"\r\n\r\n")
        if end < 0:
            if len(joined) > _MAX_HEAD:
                self.lost = True
            self._head = joined
            return len(data)
        consumed = end + 4 - len(self._head)  # bytes of `data` that completed the head
        head, self._head = joined[:end], b""
        self._start_body(head)
        return start + consumed

    def _start_body(self, head: bytes) -> None:
        lines = head.split(b"\r\n")
        parts = lines[0].split(b" ", 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
            self.lost = True
            return
        status = int(parts[1])
        if 100 <= status < 200:
            self._state = "head"  # an interim response: the final one follows
            return
        length: int | None = None
        chunked = False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"content-length":
                text = value.strip()
                if not text.isdigit():
                    self.lost = True
                    return
                length = int(text)
        if self._head_request or status in _NO_BODY_STATUSES:
            self._state = "idle"
        elif chunked:
            self._state, self._line = "chunk-size", b""
        elif length is not None:
            self._state, self._left = ("length", length) if length else ("idle", 0)
        else:
            self._state = "close"

    def _feed_line(self, data: bytes, start: int) -> int:
        newline = data.find(b"\n", start)
        if newline < 0:
            self._line += data[start:]
            if len(self._line) > _MAX_HEAD:
                self.lost = True
            return len(data)
        line = (self._line + data[start:newline]).rstrip(b"\r")
        self._line = b""
        state = self._state
        if state == "chunk-size":
            size = line.split(b";", 1)[0].strip()
            try:
                self._left = int(size, 16)
            except ValueError:
                self.lost = True
                return len(data)
            self._state = "chunk-data" if self._left else "trailers"
        elif state == "chunk-crlf":
            if line:
                self.lost = True
            self._state = "chunk-size"
        elif not line:  # trailers: a blank line ends the message
            self._state = "idle"
        return newline + 1
