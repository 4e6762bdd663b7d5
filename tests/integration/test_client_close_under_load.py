"""close() while calls are running: calls in flight and calls waiting (in the async concurrency gate, or
out a Retry-After) end with `ClientClosedError`; nothing is sent after close; no connection stays open.
Over real HTTP to a loopback server that holds its answers until told."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from support.sockets import tcp_sockets

from sendmux import AsyncSendmux, ClientClosedError, Sendmux

BODY = json.dumps(
    {
        "ok": True,
        "data": {
            "credential": {"id": "smx_1", "name": "Root key", "type": "api_key"},
            "label": "k",
            "mailboxes": [],
            "permissions": ["root:full"],
            "team": {"id": "team_1", "name": "T"},
        },
        "meta": {"request_id": "req_hold"},
    }
).encode()


class HoldingServer:
    """Answers GET /api/v1/me once `release` is set; or, with `retry_after`, a 429 asking to wait."""

    def __init__(self, retry_after: int | None = None) -> None:
        self.received = 0
        self.release = threading.Event()
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                with outer.lock:
                    outer.received += 1
                if retry_after is not None:
                    body = b'{"ok":false,"error":{"code":"rate_limited","message":"slow down"},"meta":{}}'
                    self.send_response(429)
                    self.send_header("Retry-After", str(retry_after))
                else:
                    outer.release.wait(10)
                    body = BODY
                    self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:
                    pass  # the client went away: that is the point of these tests

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 256

        self.server = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v1"

    def __enter__(self) -> HoldingServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def holding() -> Iterator[HoldingServer]:
    with HoldingServer() as server:
        yield server


def _wait_for(condition: object, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.01)


@pytest.mark.anyio
async def test_async_close_ends_calls_in_flight_and_queued(holding: HoldingServer) -> None:
    client = AsyncSendmux(api_key="smx_root_k", base_url=holding.url, max_connections=100, max_retries=3)
    tasks = [asyncio.create_task(client.connection.get()) for _ in range(150)]
    while holding.received < 100:  # 100 in flight, 50 waiting in the client's gate
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.1)
    await client.close()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    holding.release.set()
    await asyncio.sleep(0.2)
    assert all(isinstance(r, ClientClosedError) for r in results), {type(r).__name__ for r in results}
    assert holding.received == 100  # the 50 queued were never sent, none was retried
    assert tcp_sockets(holding.port)[0] == 0


def test_sync_close_ends_a_call_waiting_out_retry_after() -> None:
    with HoldingServer(retry_after=5) as server:
        client = Sendmux(api_key="smx_root_k", base_url=server.url, max_retries=3)
        errors: list[BaseException] = []

        def call() -> None:
            try:
                client.connection.get()
            except BaseException as exc:
                errors.append(exc)

        thread = threading.Thread(target=call)
        thread.start()
        _wait_for(lambda: server.received == 1)
        time.sleep(0.2)  # now waiting out the server's 5 s
        started = time.monotonic()
        client.close()
        thread.join(5)
        assert not thread.is_alive() and time.monotonic() - started < 2
        assert len(errors) == 1 and isinstance(errors[0], ClientClosedError)
        time.sleep(0.2)
        assert server.received == 1  # nothing sent after close
        assert tcp_sockets(server.port)[0] == 0


@pytest.mark.anyio
async def test_async_close_ends_a_call_waiting_out_retry_after() -> None:
    with HoldingServer(retry_after=5) as server:
        client = AsyncSendmux(api_key="smx_root_k", base_url=server.url, max_retries=3)
        task = asyncio.create_task(client.connection.get())
        while server.received < 1:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)
        started = time.monotonic()
        await client.close()
        with pytest.raises(ClientClosedError):
            await asyncio.wait_for(task, 3)
        assert time.monotonic() - started < 2
        assert server.received == 1
        assert tcp_sockets(server.port)[0] == 0


def test_sync_close_ends_calls_in_flight_from_other_threads(holding: HoldingServer) -> None:
    client = Sendmux(api_key="smx_root_k", base_url=holding.url, max_retries=3)
    errors: list[BaseException] = []

    def call() -> None:
        try:
            client.connection.get()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    _wait_for(lambda: holding.received == 8)
    client.close()
    holding.release.set()
    for thread in threads:
        thread.join(10)
    assert len(errors) == 8 and all(isinstance(e, ClientClosedError) for e in errors)
    time.sleep(0.2)
    assert holding.received == 8
    assert tcp_sockets(holding.port)[0] == 0
