"""The HTTP/1.1 server: keep-alive, daemon threads, loopback only, and the socket-level faults."""

from __future__ import annotations

import socket
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._app import App
    from ._context import Outcome

_REASONS = {429: "Too Many Requests", 422: "Unprocessable Entity"}
_MAX_HEADERS = 100


def _events_of(burst: bytes) -> list[bytes]:
    """A burst of SSE blocks split after each blank line, terminators kept."""
    parts = burst.split(b"\n\n")
    out = [part + b"\n\n" for part in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1])
    return out


class FakeHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, app: App, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self._connections: set[socket.socket] = set()
        self._conn_lock = threading.Lock()
        super().__init__((host, port), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        sock: socket.socket = request
        # One write per response plus no Nagle: no 40 ms delayed-ACK stalls on keep-alive connections.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._conn_lock:
            self._connections.add(sock)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._conn_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Drop idle keep-alive connections so their threads end with the server."""
        with self._conn_lock:
            conns = list(self._connections)
        for sock in conns:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeSendmux/1.0"
    sys_version = ""
    server: FakeHTTPServer
    fields: dict[str, str]
    raw_requestline: bytes  # set by handle_one_request

    def log_message(self, format: str, *args: Any) -> None:  # the fake is quiet; see fake.requests
        pass

    def parse_request(self) -> bool:
        """The request line and headers, parsed without `email.parser` (a large share of each request's
        cost); headers land lower-cased in `self.fields`."""
        self.request_version = "HTTP/1.1"  # for any error answered before the real version is known
        self.requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        parts = self.requestline.split()
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            self.send_error(400, f"Bad request line {self.requestline!r}")
            return False
        self.command, self.path, self.request_version = parts
        fields: dict[str, str] = {}
        for _ in range(_MAX_HEADERS + 1):
            line = self.rfile.readline(65537)
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("iso-8859-1").partition(":")
            fields[name.strip().lower()] = value.strip()
        else:
            self.send_error(431, "Too many headers")
            return False
        self.fields = fields
        connection = fields.get("connection", "").lower()
        self.close_connection = connection == "close" or (
            self.request_version == "HTTP/1.0" and connection != "keep-alive"
        )
        if fields.get("expect", "").lower() == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        return True

    def _read_body(self) -> bytes:
        if "chunked" in self.fields.get("transfer-encoding", "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.fields.get("content-length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _dispatch(self) -> None:
        body = self._read_body()
        outcome = self.server.app.handle(self.command, self.path, self.fields, body)
        self._send(outcome)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _dispatch

    def _send(self, outcome: Outcome) -> None:
        if outcome.action == "reset":
            self._reset()
            return
        response = outcome.response
        if response.stream is not None:
            self._send_stream(outcome)
            return
        body = response.body
        reason = _REASONS.get(response.status) or self.responses.get(response.status, ("",))[0]
        lines = [f"HTTP/1.1 {response.status} {reason}", f"Date: {self.date_time_string()}"]
        lines.extend(f"{k}: {v}" for k, v in response.headers)
        if response.status != 304:
            lines.append(f"Content-Length: {len(body)}")
        if outcome.action == "truncate":
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        if outcome.action == "truncate":
            # A clean close after half the body: the client reads a short body, then end of stream.
            self.wfile.write(head + body[: len(body) // 2])
            self.close_connection = True
            return
        self.wfile.write(head + (b"" if response.status == 304 else body))

    def _send_stream(self, outcome: Outcome) -> None:
        """A streamed body: with Content-Length when known (downloads), else chunked (a chunk per burst of
        SSE events).  `drop` sends `drop_after` bytes (default half), or `drop_after` whole events and
        half the next, then resets the connection."""
        response = outcome.response
        stream = response.stream
        assert stream is not None
        reason = self.responses.get(response.status, ("",))[0]
        lines = [f"HTTP/1.1 {response.status} {reason}", f"Date: {self.date_time_string()}"]
        lines.extend(f"{k}: {v}" for k, v in response.headers)
        chunked = response.length is None
        lines.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {response.length}")
        dropping = outcome.action == "drop"
        budget = outcome.drop_after
        if dropping and budget is None:
            budget = 0 if chunked else (response.length or 0) // 2
        try:
            self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
            sent = 0
            for burst in stream:
                if not burst:
                    continue
                # To drop mid-event, a burst of SSE events is sent event by event (`\n\n` ends each).
                parts = _events_of(burst) if dropping and chunked else [burst]
                for chunk in parts:
                    if self._write_part(chunk, chunked, dropping, budget, sent):
                        return
                    sent += 1 if chunked else len(chunk)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        except OSError:  # the client went away mid-stream
            self.close_connection = True
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()

    def _write_part(self, chunk: bytes, chunked: bool, dropping: bool, budget: int | None, sent: int) -> bool:
        """Write one chunk, or the part of it the drop budget allows and reset (then True)."""
        if dropping and budget is not None:
            if chunked and sent >= budget:
                half = chunk[: max(1, len(chunk) // 2)]
                self.wfile.write(f"{len(chunk):x}\r\n".encode() + half)
                self._reset()
                return True
            if not chunked and sent + len(chunk) >= budget:
                self.wfile.write(chunk[: budget - sent])
                self._reset()
                return True
        self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n" if chunked else chunk)
        return False

    def _reset(self) -> None:
        """Close with RST (SO_LINGER 0): the client sees a reset, not a clean end of stream."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            # The file objects hold references to the socket; it only really closes once they are gone.
            self.rfile.close()
            self.wfile.close()
            self.connection.close()
        except (OSError, ValueError):
            pass

    def handle(self) -> None:
        try:
            super().handle()
        except (OSError, ValueError):  # the socket was reset on purpose, or the client went away
            self.close_connection = True

    def finish(self) -> None:
        try:
            super().finish()
        except (OSError, ValueError):  # the socket was reset on purpose
            pass
