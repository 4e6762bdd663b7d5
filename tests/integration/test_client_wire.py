"""The wire (`sendmux._transport`): gzip bodies, header merging and error translation, alike on its three
paths (our own httpcore pool, the instrumented httpx transport, an injected client)."""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpcore
import httpx
import pytest
from support.wire_paths import PATHS, client_on

from sendmux import APIConnectionError, APITimeoutError
from sendmux._transport import WireRequest
from sendmux._wire_errors import TransportFailure, translate

BODY = {
    "ok": True,
    "data": {
        "credential": {"id": "smx_1", "name": "Root key", "type": "api_key"},
        "label": "k",
        "mailboxes": [],
        "permissions": ["root:full"],
        "team": {"id": "team_1", "name": "T"},
    },
}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: list[dict[str, str]] = []

    def do_GET(self) -> None:
        _Handler.seen.append({k.lower(): v for k, v in self.headers.items()})
        payload = json.dumps({**BODY, "meta": {"request_id": "req_gz"}}).encode()
        compressed = gzip.compress(payload)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(compressed)))
        self.end_headers()
        self.wfile.write(compressed)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def gzip_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/v1"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("path", PATHS)
def test_gzip_bodies_are_decoded_and_headers_merged(
    gzip_server: str, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _Handler.seen.clear()
    with client_on(
        path, monkeypatch, api_key="smx_root_core", base_url=gzip_server, etag_cache=False
    ) as client:
        raw = client.connection.with_raw_response.get(extra_headers={"X-Trace": "t1"})
    assert raw.status_code == 200 and raw.request_id == "req_gz"
    assert raw.parse().label == "k"
    sent = _Handler.seen[-1]
    assert sent["accept-encoding"] == "gzip, deflate" and sent["x-trace"] == "t1"
    assert sent["authorization"] == "Bearer smx_root_core" and sent["user-agent"].startswith(
        "sendmux-python/"
    )


def test_core_headers_add_host_and_framing() -> None:
    timeout = dict.fromkeys(("connect", "read", "write", "pool"), 1.0)
    get = WireRequest("GET", "http://127.0.0.1:8080/api/v1/x", {"Accept": "text/plain"}, None, timeout, None)
    assert get.core_headers() == [(b"Host", b"127.0.0.1:8080"), (b"Accept", b"text/plain")]
    post = WireRequest("POST", "https://h.example/x", {}, None, timeout, None)
    assert (b"Content-Length", b"0") in post.core_headers()
    body = WireRequest("PUT", "https://h.example/x", {}, b"abc", timeout, None)
    assert (b"Content-Length", b"3") in body.core_headers()
    streamed = WireRequest("POST", "https://h.example/x", {}, iter([b"a"]), timeout, None)
    assert (b"Transfer-Encoding", b"chunked") in streamed.core_headers()


@pytest.mark.parametrize(
    "error",
    [
        httpcore.ConnectError("refused"),
        httpcore.ConnectTimeout("slow"),
        httpcore.ReadTimeout("slow"),
        httpcore.PoolTimeout("full"),
        httpcore.RemoteProtocolError("cut"),
        httpcore.ReadError("reset"),
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
    ],
)
def test_stack_errors_become_transport_failures(error: Exception) -> None:
    failure = translate(error)
    assert isinstance(failure, TransportFailure)
    assert failure.kind == type(error).__name__ and str(failure) == f"{type(error).__name__}: {error}"
    assert failure.is_timeout == ("Timeout" in failure.kind)
    assert failure.never_sent == (failure.kind in ("ConnectError", "ConnectTimeout", "PoolTimeout"))
    assert translate(ValueError("not a stack error")) is None


@pytest.mark.parametrize("path", PATHS)
def test_connection_refused_and_timeouts_are_typed_on_every_path(
    path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with client_on(
        path, monkeypatch, api_key="smx_root_core", base_url="http://127.0.0.1:9/api/v1", max_retries=0
    ) as client:
        with pytest.raises(APIConnectionError) as info:
            client.connection.get()
        assert not isinstance(info.value, APITimeoutError)
        assert "ConnectError" in str(info.value) and info.value.__context__ is None
