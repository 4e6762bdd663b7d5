"""A loopback HTTP/1.1 server that writes whatever bytes a test says, for hostile-server tests.

Each request (head and Content-Length body) is handed to ``answer(n, request)`` (n counts requests from 0),
which returns the raw bytes to send and whether to close the connection afterwards, or ``None`` to go
silent (hold the connection open without a byte until the server stops). Nothing is framed for the test:
short bodies, extra bytes and broken chunking are sent exactly as written.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["RawServer", "RawRequest", "head"]


@dataclass
class RawRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


Answer = Callable[[int, RawRequest], "tuple[bytes, bool] | None"]


def head(status: str, *headers: tuple[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in headers)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


@dataclass
class RawServer:
    answer: Answer
    requests: list[RawRequest] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.1)
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._conns: list[socket.socket] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}/api/v1"

    def __enter__(self) -> RawServer:
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for conn in list(self._conns):
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            conn.close()
        self._sock.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            self._conns.append(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()

    def _read_request(self, conn: socket.socket, buffer: bytearray) -> RawRequest | None:
        while b"\r\n\r\n" not in buffer:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            buffer.extend(chunk)
        end = buffer.index(b"\r\n\r\n")
        lines = bytes(buffer[:end]).decode("latin-1").split("\r\n")
        del buffer[: end + 4]
        method, path, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(buffer) < length:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            buffer.extend(chunk)
        body = bytes(buffer[:length])
        del buffer[:length]
        return RawRequest(method, path, headers, body)

    def _serve(self, conn: socket.socket) -> None:
        buffer = bytearray()
        try:
            while not self._stop.is_set():
                request = self._read_request(conn, buffer)
                if request is None:
                    return
                with self._lock:
                    n = len(self.requests)
                    self.requests.append(request)
                reply = self.answer(n, request)
                if reply is None:  # silent: hold the connection until the server stops
                    self._stop.wait()
                    return
                data, close = reply
                conn.sendall(data)
                if close:
                    conn.shutdown(socket.SHUT_RDWR)
                    return
        except OSError:
            return
        finally:
            conn.close()
