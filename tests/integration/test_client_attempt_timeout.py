"""`timeout` bounds an attempt end to end: a server that trickles its body (40 bytes every 0.5 s, each read
well inside the read timeout) cannot hold an attempt past it, on every send path, sync and async.

No timing is asserted: the server's body would take 20 s, so a call that ends with APITimeoutError before
the server finished sending is the behaviour under test, however fast or slow the machine is."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from support.scripted_server import Reply, ScriptedServer, envelope, error_envelope
from support.wire_paths import PATHS, client_on

from sendmux import APITimeoutError, AsyncSendmux, ConfigurationError, Sendmux, ServiceUnavailableError

ME = {
    "credential": {"id": "smx_1", "name": "Root key", "type": "api_key"},
    "label": "k",
    "mailboxes": [],
    "permissions": ["root:full"],
    "team": {"id": "team_1", "name": "T"},
}


class TrickleServer:
    """Answers every request with a valid envelope, `chunk` bytes at a time, `interval` seconds apart."""

    def __init__(self, *, chunk: int = 40, interval: float = 0.5, size: int = 1600) -> None:
        payload = json.dumps({"ok": True, "data": ME, "meta": {"request_id": "req_slow"}}).encode()
        self.body = payload + b" " * max(0, size - len(payload))
        self.chunk, self.interval = chunk, interval
        self.attempts = 0
        self.finished = 0  # bodies sent to the end
        self._stop = threading.Event()
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}/api/v1"

    def _serve(self) -> None:
        self._sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                got = conn.recv(65536)
                if not got:
                    return
                data += got
            self.attempts += 1
            head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(self.body)}\r\n\r\n"
            try:
                conn.sendall(head.encode())
                for i in range(0, len(self.body), self.chunk):
                    if self._stop.wait(self.interval):
                        return
                    conn.sendall(self.body[i : i + self.chunk])
            except OSError:  # the client gave up and closed the connection
                return
            self.finished += 1

    def __enter__(self) -> TrickleServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sock.close()


@pytest.fixture
def slow() -> Iterator[TrickleServer]:
    with TrickleServer() as server:
        yield server


@pytest.mark.parametrize("path", PATHS)
def test_a_trickled_body_cannot_hold_an_attempt_past_its_timeout(
    slow: TrickleServer, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with client_on(path, monkeypatch, api_key="smx_root_k", base_url=slow.url, max_retries=0) as client:
        with pytest.raises(APITimeoutError, match="the attempt.s limit is 1 s"):
            client.connection.get(timeout=1.0)
    assert slow.attempts == 1 and slow.finished == 0


def test_each_retry_gets_its_own_budget(slow: TrickleServer) -> None:
    with Sendmux(api_key="smx_root_k", base_url=slow.url, max_retries=1) as client:
        client._random = lambda: 0.0  # no backoff wait
        with pytest.raises(APITimeoutError):
            client.connection.get(timeout=httpx.Timeout(1.0, connect=0.5))
    assert slow.attempts == 2 and slow.finished == 0


def test_a_client_level_timeout_bounds_attempts_too(slow: TrickleServer) -> None:
    with Sendmux(api_key="smx_root_k", base_url=slow.url, max_retries=0, timeout=1.0) as client:
        with pytest.raises(APITimeoutError):
            client.connection.get()
    assert slow.finished == 0


def test_a_slow_body_inside_the_budget_still_arrives() -> None:
    with TrickleServer(chunk=400, interval=0.05, size=1600) as quick:
        with Sendmux(api_key="smx_root_k", base_url=quick.url, max_retries=0) as client:
            me = client.connection.get(timeout=30.0)
        assert me.label == "k" and quick.finished == 1


@pytest.mark.anyio
@pytest.mark.parametrize("inject", [False, True], ids=["lean-httpcore", "client-send"])
async def test_async_trickled_body_is_cut_at_the_timeout(slow: TrickleServer, inject: bool) -> None:
    http = httpx.AsyncClient() if inject else None
    async with AsyncSendmux(
        api_key="smx_root_k", base_url=slow.url, http_client=http, max_retries=0
    ) as client:
        with pytest.raises(APITimeoutError):
            await client.connection.get(timeout=1.0)
    if http is not None:
        await http.aclose()
    assert slow.attempts == 1 and slow.finished == 0


# -- total_timeout: one limit for the whole call, retries and waits included ---------------------------


def test_total_timeout_cuts_the_attempt_and_stops_retrying(slow: TrickleServer) -> None:
    with Sendmux(api_key="smx_root_k", base_url=slow.url, max_retries=5, total_timeout=1.5) as client:
        client._random = lambda: 0.0
        with pytest.raises(APITimeoutError, match="total_timeout 1.5 s"):
            client.connection.get(timeout=60.0)  # the attempt alone would wait out the 20 s body
    assert slow.attempts == 1 and slow.finished == 0


def test_total_timeout_refuses_a_retry_wait_that_would_pass_it(scripted: ScriptedServer) -> None:
    busy = error_envelope("service_unavailable", "busy")
    scripted.on("GET", "/me", Reply(503, json=busy, headers={"Retry-After": "10"}))
    with Sendmux(api_key="smx_root_k", base_url=scripted.base_url, max_retries=3, total_timeout=2) as client:
        with pytest.raises(ServiceUnavailableError):
            client.connection.get()
    assert len(scripted.requests) == 1  # raised at once instead of sleeping 10 s


def test_total_timeout_refuses_a_rate_limit_wait_that_would_pass_it(scripted: ScriptedServer) -> None:
    reset = str(int(time.time()) + 30)
    headers = {"X-RateLimit-Limit": "600", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}
    scripted.on("GET", "/me", Reply(json=envelope(ME), headers=headers))
    with Sendmux(api_key="smx_root_k", base_url=scripted.base_url, total_timeout=5) as client:
        client.connection.get()  # the window is now spent for 30 s
        with pytest.raises(
            APITimeoutError, match="total_timeout=5 s would pass waiting .* rate-limit window"
        ):
            client.connection.get()
    assert len(scripted.requests) == 1


def test_total_timeout_is_an_option_like_the_others(scripted: ScriptedServer) -> None:
    with pytest.raises(TypeError, match="total_timeout must be a number"):
        Sendmux(api_key="smx_root_k", base_url=scripted.base_url, total_timeout="5")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="total_timeout must be a positive"):
        Sendmux(api_key="smx_root_k", base_url=scripted.base_url, total_timeout=-1)
    with Sendmux(api_key="smx_root_k", base_url=scripted.base_url) as client:
        assert client.total_timeout is None
        assert client.with_options(total_timeout=3).total_timeout == 3.0
        assert client.with_options(total_timeout=3).with_options(total_timeout=None).total_timeout is None
