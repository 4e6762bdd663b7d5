"""A client used before `os.fork()` (gunicorn --preload, celery prefork, multiprocessing with fork) must
never let a child touch the parent's keep-alive sockets: shared sockets interleave answers, and a child
would read a response meant for another process. 8 children x 300 calls each on a pre-fork client against
a server that echoes the request path: every answer is the caller's own, nobody hangs, and the parent's
pool still works afterwards."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from sendmux import AsyncSendmux, Sendmux
from sendmux._operation import Operation
from sendmux._request_options import RequestOptions

ECHO = Operation("echo", "GET", "/echo/{who}/{n}", "echo", "get", None)
CHILDREN = 8
CALLS = 300


class _Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        body = json.dumps({"ok": True, "data": {"path": self.path}, "meta": {"request_id": "r"}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def echo_url() -> Iterator[str]:
    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 256

    server = Server(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/v1"
    finally:
        server.shutdown()
        server.server_close()


def _echo(client: Sendmux, who: str, n: int) -> str:
    data = client._request(ECHO, RequestOptions(path_params=(who, str(n)), cast=dict))
    return str(data["path"])


def _child(client: Sendmux) -> int:
    """In the child: 300 calls; exit status 0 when every answer echoed this child's own path."""
    who = f"p{os.getpid()}"
    for n in range(CALLS):
        if _echo(client, who, n) != f"/api/v1/echo/{who}/{n}":
            return 3
    return 0


def _warm(client: Sendmux, url_who: str) -> None:
    # Several keep-alive connections open in the parent's pool before the fork.
    threads = [threading.Thread(target=_echo, args=(client, url_who, i)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _fork_children(target: object) -> list[int]:
    pids = []
    for _ in range(CHILDREN):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            status = 1
            try:
                status = target()  # type: ignore[operator]
            finally:
                os._exit(status)
        pids.append(pid)
    return pids


def _reap(pids: list[int], timeout: float = 120.0) -> dict[int, int | None]:
    """Each child's exit status; None for one still running at the deadline (then killed)."""
    deadline = time.monotonic() + timeout
    statuses: dict[int, int | None] = {}
    for pid in pids:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                statuses[pid] = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                statuses[pid] = None
                break
            time.sleep(0.05)
    return statuses


@pytest.mark.slow
def test_forked_children_get_only_their_own_answers(echo_url: str) -> None:
    client = Sendmux(
        api_key="smx_root_fork", base_url=echo_url, max_retries=0, etag_cache=False, timeout=20.0
    )
    _warm(client, "parent")
    statuses = _reap(_fork_children(lambda: _child(client)))
    assert list(statuses.values()) == [0] * CHILDREN, statuses  # nobody got another's answer or hung
    # The parent's own pool was left intact by the children and goes on working.
    assert _echo(client, "parent", 99) == "/api/v1/echo/parent/99"
    client.close()


@pytest.mark.slow
def test_forked_children_of_an_async_client_use_fresh_pools(echo_url: str) -> None:
    import asyncio

    client = AsyncSendmux(api_key="smx_root_fork", base_url=echo_url, max_retries=0, etag_cache=False)

    async def calls(who: str, count: int) -> bool:
        results = await asyncio.gather(
            *(
                client._request(ECHO, RequestOptions(path_params=(who, str(n)), cast=dict))
                for n in range(count)
            )
        )
        return all(r["path"] == f"/api/v1/echo/{who}/{n}" for n, r in enumerate(results))

    assert asyncio.run(calls("parent", 8))  # warm the pool before the fork

    def child() -> int:
        return 0 if asyncio.run(calls(f"p{os.getpid()}", CALLS)) else 3

    statuses = _reap(_fork_children(child))
    assert list(statuses.values()) == [0] * CHILDREN, statuses
