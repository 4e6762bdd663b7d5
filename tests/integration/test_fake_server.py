"""FakeSendmux as a server: lifecycle, ports, threads, concurrency, keep-alive teardown, imports, CLI."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from sendmux.testing import FakeSendmux


def get_me(url: str, key: str) -> dict[str, object]:
    req = urllib.request.Request(f"{url}/me", headers={"Authorization": f"Bearer {key}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        body: dict[str, object] = json.loads(r.read())
        return body


def test_context_manager_starts_and_stops() -> None:
    fake = FakeSendmux()
    assert repr(fake) == "<FakeSendmux stopped>"
    with pytest.raises(RuntimeError):
        _ = fake.url
    with fake as running:
        assert running is fake and repr(fake) == f"<FakeSendmux {fake.url}>"
        assert get_me(fake.url, fake.api_key)["ok"] is True
    with pytest.raises(RuntimeError):
        _ = fake.url
    fake.stop()  # idempotent


def test_two_fakes_are_independent() -> None:
    with FakeSendmux() as a, FakeSendmux() as b:
        assert a.port != b.port and a.api_key != b.api_key
        a.seed("domains", 2)
        assert a.count("domains") == 2 and b.count("domains") == 0
        with pytest.raises(urllib.error.HTTPError) as exc:
            get_me(b.url, a.api_key)
        assert exc.value.code == 401


def test_fixed_port() -> None:
    with FakeSendmux() as probe:
        port = probe.port
    with FakeSendmux(port=port) as fake:
        assert fake.url == f"http://127.0.0.1:{port}/api/v1"
        assert get_me(fake.url, fake.api_key)["ok"] is True


def test_concurrent_clients_see_consistent_state() -> None:
    with FakeSendmux(rate_limit=None) as fake:

        def worker(n: int) -> list[str]:
            ids = []
            with httpx.Client(base_url=fake.url, headers={"Authorization": f"Bearer {fake.api_key}"}) as c:
                for i in range(10):
                    r = c.post(
                        "/domains",
                        json={"domain": f"d{n}-{i}.example.com"},
                        headers={"Idempotency-Key": f"{n}-{i}"},
                    )
                    assert r.status_code == 201, r.text
                    ids.append(r.json()["data"]["id"])
                    assert c.get(f"/domains/{ids[-1]}").status_code == 200
                    assert c.get("/domains", params={"limit": 5}).status_code == 200
            return ids

        with ThreadPoolExecutor(32) as pool:
            ids = [i for batch in pool.map(worker, range(32)) for i in batch]
        assert len(ids) == len(set(ids)) == 320
        assert fake.count("domains") == 320 and fake.counters.created["domains"] == 320
        assert fake.counters.requests["GET /domains/{public_id}"] == 320


def test_stop_closes_idle_keep_alive_connections_and_threads() -> None:
    baseline = threading.active_count()
    fake = FakeSendmux().start()
    clients = [
        httpx.Client(base_url=fake.url, headers={"Authorization": f"Bearer {fake.api_key}"}) for _ in range(5)
    ]
    for c in clients:
        assert c.get("/me").status_code == 200  # each leaves a keep-alive connection (and a server thread)
    fake.stop()
    with pytest.raises(httpx.TransportError):
        clients[0].get("/me")
    for c in clients:
        c.close()
    deadline = time.monotonic() + 10
    while threading.active_count() > baseline:
        assert time.monotonic() < deadline, threading.enumerate()
        time.sleep(0.02)


def test_importing_the_fake_loads_no_runtime_dependencies_or_generated_code() -> None:
    code = (
        "import sys, sendmux.testing\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('httpx', 'attr', 'attrs', 'dateutil')"
        # The spec table is generated data (generated/spec_data.py); no model, client or resource loads.
        " or m.startswith('sendmux._generated') and m not in ('sendmux._generated', 'sendmux._generated.spec_data'))\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_command_line_server() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "sendmux.testing", "--port", "0", "--seed-demo"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline().strip() for _ in range(3)]
        url = lines[1].split("=", 1)[1]
        key = lines[2].split("=", 1)[1]
        assert url.startswith("http://127.0.0.1:") and key.startswith("smx_root_")
        assert get_me(url, key)["ok"] is True
        req = urllib.request.Request(f"{url}/providers", headers={"Authorization": f"Bearer {key}"})
        with urllib.request.urlopen(req, timeout=10) as r:
            assert len(json.loads(r.read())["data"]) == 3
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_a_stopped_fake_restarts_with_its_state() -> None:
    fake = FakeSendmux()
    with fake:
        fake.seed("domains", 2)
    with fake:
        assert get_me(fake.url, fake.api_key)["ok"] is True
        assert fake.count("domains") == 2
        assert fake.wait_for_deliveries()


def _raw(fake: FakeSendmux, request: bytes) -> bytes:
    """Send bytes as they are and read until the server closes."""
    with socket.create_connection(("127.0.0.1", fake.port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_wire_level_requests() -> None:
    with FakeSendmux() as fake:
        auth = f"Authorization: Bearer {fake.api_key}\r\n".encode()
        body = b'{"domain": "wire.example.com"}'
        chunked = hex(len(body))[2:].encode() + b"\r\n" + body + b"\r\n0\r\n\r\n"
        reply = _raw(
            fake,
            b"POST /api/v1/domains HTTP/1.1\r\nHost: x\r\n" + auth + b"Transfer-Encoding: chunked\r\n"
            b"Expect: 100-continue\r\nConnection: close\r\n\r\n" + chunked,
        )
        assert reply.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\n")
        assert fake.count("domains") == 1
        reply = _raw(fake, b"GET /api/v1/me HTTP/1.0\r\n" + auth + b"\r\n")  # 1.0: closed after one answer
        assert reply.startswith(b"HTTP/1.1 200 OK\r\n") and b'"ok":true' in reply
        assert _raw(fake, b"NONSENSE\r\n\r\n").startswith(b"HTTP/1.1 400")
        too_many = b"".join(b"X-H%d: v\r\n" % i for i in range(150))
        assert _raw(fake, b"GET /api/v1/me HTTP/1.1\r\n" + too_many + b"\r\n").startswith(b"HTTP/1.1 431")
