"""A fast loopback HTTP/1.1 keep-alive server for canned Sendmux responses.

Run as its own process (`python -m bench.server`) so it never shares a GIL with the clients it serves.
It prints `PORT <n>` once listening and stops when its stdin closes (the harness dying takes it along).

Routes (any path prefix, so base URLs can carry the dataset size):
- `GET <prefix>/providers/<id>`             → one `ProviderItem` envelope;
- `GET <prefix>/providers?limit=&cursor=`   → a cursor page of `ProviderListItem`;
  the prefix `/n<N>` (e.g. `/n1000/v1`) makes the dataset N items long, else `canned.DEFAULT_TOTAL`.
- `GET <prefix>/events/<n>`                  → a `text/event-stream` of n Mailbox realtime events;
- `GET <prefix>/files/<size>`                → `size` bytes of `application/octet-stream`.
Every response is pre-rendered bytes; per request the server only splits the request line.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import threading
from urllib.parse import parse_qs

from bench import canned

_TOTAL_RE = re.compile(rb"/n(\d+)(?:/|$)")
_STREAM_RE = re.compile(rb"/(events|files)/(\d+)$")


def http_response(
    status: str, body: bytes, extra: bytes = b"", content_type: str = "application/json"
) -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n".encode()
        + extra
        + b"\r\n"
    )
    return head + body


class Routes:
    """Target → response bytes, memoised: pages are rendered once, then served from the cache."""

    def __init__(self) -> None:
        self.provider = http_response(
            "200 OK", canned.dumps(canned.provider_envelope()), b'ETag: W/"a1b2c3d4e5f60718"\r\n'
        )
        self.not_found = http_response(
            "404 Not Found",
            canned.dumps(
                {
                    "ok": False,
                    "error": {"code": "not_found", "message": "No such route"},
                    "meta": {"request_id": "req_bench404"},
                }
            ),
        )
        self._cache: dict[bytes, bytes] = {}

    def warm(self, totals: tuple[int, ...] = (1_000, 10_000)) -> None:
        for total in totals:
            for offset in range(0, total, canned.PAGE_LIMIT):
                self.page(offset, canned.PAGE_LIMIT, total)

    def page(self, offset: int, limit: int, total: int) -> bytes:
        key = b"%d/%d/%d" % (offset, limit, total)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = http_response(
                "200 OK", canned.dumps(canned.page_envelope(offset, limit, total))
            )
        return hit

    def respond(self, method: bytes, target: bytes) -> bytes:
        hit = self._cache.get(target)
        if hit is not None:
            return hit
        path, _, query = target.partition(b"?")
        if method != b"GET":
            return self.not_found
        streamed = self.streamed(path)
        if streamed is not None:
            self._cache[target] = streamed
            return streamed
        idx = path.rfind(b"/providers")
        if idx < 0:
            return self.not_found
        rest = path[idx + len(b"/providers") :]
        if rest.startswith(b"/") and len(rest) > 1 and b"/" not in rest[1:]:
            return self.provider
        if rest not in (b"", b"/"):
            return self.not_found
        m = _TOTAL_RE.search(path[:idx])
        total = int(m.group(1)) if m else canned.DEFAULT_TOTAL
        params = parse_qs(query.decode("latin-1"))
        try:
            limit = max(1, min(int(params.get("limit", ["50"])[0]), canned.PAGE_LIMIT))
        except ValueError:
            limit = 50
        offset = canned.parse_cursor(params.get("cursor", [None])[0])
        body = self.page(offset, limit, total)
        if len(self._cache) < 100_000:
            self._cache[target] = body
        return body

    def streamed(self, path: bytes) -> bytes | None:
        """The event-stream and file routes (memoised per target by the caller)."""
        m = _STREAM_RE.search(path)
        if m is None:
            return None
        n = int(m.group(2))
        if m.group(1) == b"events":
            body = canned.event_stream_body(n)
            return http_response("200 OK", body, b"Cache-Control: no-cache\r\n", "text/event-stream")
        return http_response(
            "200 OK", canned.file_body(n), b"Accept-Ranges: bytes\r\n", "application/octet-stream"
        )


class _Connection(asyncio.Protocol):
    __slots__ = ("routes", "transport", "buf")

    def __init__(self, routes: Routes) -> None:
        self.routes = routes
        self.buf = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        buf = self.buf + data if self.buf else data
        while True:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                break
            head = buf[:end]
            lower = head.lower()
            length = 0
            at = lower.find(b"\ncontent-length:")
            if at >= 0:
                line_end = lower.find(b"\r", at + 1)
                length = int(lower[at + 16 : line_end if line_end > 0 else None])
            if len(buf) < end + 4 + length:
                break
            buf = buf[end + 4 + length :]
            line = head[: head.find(b"\r\n")] if b"\r\n" in head else head
            parts = line.split(b" ")
            if len(parts) < 3:
                self.transport.close()
                return
            self.transport.write(self.routes.respond(parts[0], parts[1]))
            if b"\nconnection: close" in lower:
                self.transport.close()
                return
        self.buf = buf


async def serve(host: str, port: int) -> None:
    routes = Routes()
    routes.warm()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Connection(routes), host, port, backlog=4096)
    bound = server.sockets[0].getsockname()[1]
    print(f"PORT {bound}", flush=True)
    stop = asyncio.Event()
    # Stop when the parent closes our stdin (or dies): no orphaned servers.
    threading.Thread(
        target=lambda: (sys.stdin.read(), loop.call_soon_threadsafe(stop.set)), daemon=True
    ).start()
    async with server:
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    asyncio.run(serve(args.host, args.port))


if __name__ == "__main__":
    main()
