"""Scripted streamed answers for `ScriptedServer` (``Reply(write=...)``): event streams and Range downloads
that break where a test says, over a real socket.

A break closes the connection mid-body without the end of the chunked body (or short of Content-Length),
which the client sees as an incomplete read, exactly as a reset or a dying proxy looks on the wire.
"""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from support.scripted_server import Recorded, Reply

__all__ = ["EventScript", "sse_event", "DownloadScript", "http_head", "chunk", "abort"]


def http_head(status: str, headers: Sequence[tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status}"] + [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


def abort(sock: socket.socket) -> None:
    """Drop the connection now (no end of body): the client's read breaks."""
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def sse_event(
    event_id: int | str | None, data: Any, event: str | None = None, retry: int | None = None
) -> bytes:
    lines = []
    if event is not None:
        lines.append(f"event: {event}")
    if event_id is not None:
        lines.append(f"id: {event_id}")
    if retry is not None:
        lines.append(f"retry: {retry}")
    text = data if isinstance(data, str) else json.dumps(data)
    lines.extend(f"data: {line}" for line in text.split("\n"))
    return ("\n".join(lines) + "\n\n").encode()


def event_data(n: int) -> dict[str, Any]:
    return {"seq": n, "subject": f"message {n}"}


@dataclass
class EventScript:
    """Events 1..total, ids "1".."total"; each connection resumes after its Last-Event-ID and the k-th
    connection breaks (mid-event) after event ``breaks[k]``; the last one ends the stream cleanly.

    ``heartbeats`` adds a comment line between events; ``retry_ms`` announces a retry delay first.
    """

    total: int
    breaks: list[int] = field(default_factory=list)
    heartbeats: bool = True
    retry_ms: int | None = None
    extra_headers: list[tuple[str, str]] = field(default_factory=list)
    last_event_ids: list[str | None] = field(default_factory=list)
    """The Last-Event-ID header of every connection, in order."""
    queries: list[dict[str, str]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def reply(self) -> Reply:
        return Reply(write=self.write)

    def write(self, sock: socket.socket, rec: Recorded) -> None:
        with self._lock:
            last = rec.headers.get("last-event-id")
            self.last_event_ids.append(last)
            self.queries.append(rec.query_dict)
            connection = len(self.last_event_ids) - 1
            stop = self.breaks[connection] if connection < len(self.breaks) else None
        start = int(last) + 1 if last else 1
        head = [("Content-Type", "text/event-stream"), ("Transfer-Encoding", "chunked")] + self.extra_headers
        out = [http_head("200 OK", head)]
        if self.retry_ms is not None:
            out.append(chunk(f"retry: {self.retry_ms}\n\n".encode()))
        batch = b""
        for n in range(start, self.total + 1):
            if stop is not None and n > stop:
                # Half an event, then the connection drops: the client must not see it.
                half = sse_event(n, event_data(n))
                out.append(chunk(batch + half[: len(half) // 2]))
                sock.sendall(b"".join(out))
                abort(sock)
                return
            if self.heartbeats:
                batch += b": heartbeat\n\n"
            batch += sse_event(n, event_data(n))
            if len(batch) > 8192:
                out.append(chunk(batch))
                batch = b""
        if batch:
            out.append(chunk(batch))
        out.append(b"0\r\n\r\n")
        sock.sendall(b"".join(out))


_RANGE = re.compile(r"bytes=(\d+)-(\d*)$")


@dataclass
class DownloadScript:
    """Serves ``data`` with Range support; the k-th response breaks after ``breaks[k]`` body bytes.

    ``etag`` is sent on every answer (``etag_after_resume`` on answers to a Range request, to simulate a
    file that changed); ``ignore_range`` answers a Range request with a full 200.
    """

    data: bytes
    breaks: list[int | None] = field(default_factory=list)
    etag: str | None = '"v1"'
    etag_after_resume: str | None = None
    ignore_range: bool = False
    content_type: str = "application/pdf"
    disposition: str | None = 'attachment; filename="invoice.pdf"'
    requests: list[dict[str, str]] = field(default_factory=list)
    """Headers of every request, in order."""
    chunk_size: int = 256 * 1024
    on_request: Callable[[Recorded], None] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def reply(self) -> Reply:
        return Reply(write=self.write)

    def write(self, sock: socket.socket, rec: Recorded) -> None:
        with self._lock:
            self.requests.append(dict(rec.headers))
            index = len(self.requests) - 1
            stop = self.breaks[index] if index < len(self.breaks) else None
        size = len(self.data)
        m = _RANGE.match(rec.headers.get("range", ""))
        headers = [("Content-Type", self.content_type), ("Accept-Ranges", "bytes")]
        if self.disposition:
            headers.append(("Content-Disposition", self.disposition))
        if m and not self.ignore_range:
            start = int(m[1])
            end = int(m[2]) if m[2] else size - 1
            etag = self.etag_after_resume or self.etag
            if_range = rec.headers.get("if-range")
            if if_range is not None and if_range != etag:
                start, end, status = 0, size - 1, "200 OK"  # RFC 9110: a failed If-Range gets the whole file
            else:
                status = "206 Partial Content"
                headers.append(("Content-Range", f"bytes {start}-{end}/{size}"))
        else:
            start, end, status = 0, size - 1, "200 OK"
            etag = self.etag
        if etag:
            headers.append(("ETag", etag))
        headers.append(("Content-Length", str(end - start + 1)))
        sock.sendall(http_head(status, headers))
        view = memoryview(self.data)[start : end + 1]
        sent = 0
        while sent < len(view):
            piece = view[sent : sent + self.chunk_size]
            if stop is not None and sent + len(piece) > stop:
                sock.sendall(piece[: stop - sent])
                abort(sock)
                return
            sock.sendall(piece)
            sent += len(piece)
