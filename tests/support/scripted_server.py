"""A small real HTTP/1.1 server on 127.0.0.1 that answers from a script and records every request.

Use it where the exact bytes, statuses, headers and faults matter (retries, pacing, ETags, errors)::

    with ScriptedServer() as server:
        server.on("GET", "/domains/dom_1", Reply(503), Reply(json=envelope({"id": "dom_1"})))
        ...
        assert [r.method for r in server.requests] == ["GET", "GET"]

Replies queued with `on()` are served in order for that method and path (the last one repeats); anything
else goes to `fallback` (default: a 404 error envelope). A `Reply` may instead be a fault: ``"close"``
drops the connection without a response (the request did reach the server), ``delay`` stalls before
answering (for timeouts).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = ["Reply", "Recorded", "ScriptedServer", "envelope", "error_envelope", "page_envelope", "free_port"]


def envelope(data: Any, request_id: str = "req_test") -> dict[str, Any]:
    return {"ok": True, "data": data, "meta": {"request_id": request_id}}


def page_envelope(
    data: list[Any], *, has_more: bool, next_cursor: str | None, request_id: str = "req_page"
) -> dict[str, Any]:
    return {
        "ok": True,
        "data": data,
        "pagination": {"has_more": has_more, "next_cursor": next_cursor},
        "meta": {"request_id": request_id},
    }


def error_envelope(
    code: str,
    message: str = "error",
    *,
    retryable: bool | None = None,
    request_id: str = "req_err",
    **extra: Any,
) -> dict[str, Any]:
    err: dict[str, Any] = {"code": code, "message": message, **extra}
    if retryable is not None:
        err["retryable"] = retryable
    return {"ok": False, "error": err, "meta": {"request_id": request_id}}


@dataclass
class Reply:
    status: int = 200
    json: Any = None
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    fault: str | None = None
    """``"close"``: read the request, then close the connection without answering."""
    write: Callable[[socket.socket, Recorded], None] | None = None
    """Writes the whole response itself on the raw socket (streams, downloads, mid-body faults); the
    connection is closed afterwards."""

    def encoded(self) -> tuple[bytes, dict[str, str]]:
        headers = dict(self.headers)
        if self.body is not None:
            return self.body, headers
        if self.json is not None:
            headers.setdefault("Content-Type", "application/json")
            return json.dumps(self.json).encode(), headers
        return b"", headers


@dataclass
class Recorded:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    """Lower-cased names."""
    body: bytes

    @property
    def url_path(self) -> str:
        return self.path

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def query_dict(self) -> dict[str, str]:
        return dict(self.query)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ScriptedServer:
    def __init__(self, prefix: str = "/api/v1") -> None:
        self.prefix = prefix
        self.requests: list[Recorded] = []
        self._routes: dict[tuple[str, str], list[Reply]] = {}
        self._lock = threading.Lock()
        self.fallback: Callable[[Recorded], Reply] = lambda r: Reply(
            404, json=error_envelope("not_found", f"no script for {r.method} {r.path}")
        )
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # One buffered write per response and no Nagle: keep-alive exchanges stay sub-millisecond.
            wbufsize = -1
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                path = parts.path
                if path.startswith(server.prefix):
                    path = path[len(server.prefix) :] or "/"
                rec = Recorded(
                    method=self.command,
                    path=path,
                    query=parse_qsl(parts.query, keep_blank_values=True),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                )
                reply = server._next_reply(rec)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.write is not None:
                    self.close_connection = True
                    try:
                        reply.write(self.connection, rec)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    return
                if reply.fault == "close":
                    self.close_connection = True
                    try:
                        self.connection.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    return
                payload, headers = reply.encoded()
                try:
                    self.send_response(reply.status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    if payload and self.command != "HEAD":
                        self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle

        class Server(ThreadingHTTPServer):
            request_queue_size = 128  # many concurrent test clients must not overflow the listen backlog

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.prefix}"

    def on(self, method: str, path: str, *replies: Reply) -> None:
        with self._lock:
            self._routes[(method.upper(), path)] = list(replies)

    def _next_reply(self, rec: Recorded) -> Reply:
        with self._lock:
            self.requests.append(rec)
            queue = self._routes.get((rec.method, rec.path))
            if queue:
                return queue.pop(0) if len(queue) > 1 else queue[0]
        return self.fallback(rec)

    def start(self) -> ScriptedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> ScriptedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
