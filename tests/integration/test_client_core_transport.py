"""The lean httpcore send path: gzip bodies, header merging, and httpcore errors raised as httpx's."""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpcore
import httpx
import pytest

from sendmux import APIConnectionError, APITimeoutError, Sendmux
from sendmux._core_transport import _httpx_error, core_headers

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


def test_gzip_bodies_are_decoded_and_headers_merged(gzip_server: str) -> None:
    _Handler.seen.clear()
    with Sendmux(api_key="smx_root_core", base_url=gzip_server, etag_cache=False) as client:
        assert client._core is not None
        raw = client.connection.with_raw_response.get(extra_headers={"X-Trace": "t1"})
    assert raw.status_code == 200 and raw.request_id == "req_gz"
    assert raw.parse().label == "k"
    sent = _Handler.seen[-1]
    assert sent["accept-encoding"] == "gzip" and sent["x-trace"] == "t1"
    assert sent["authorization"] == "Bearer smx_root_core" and sent["user-agent"].startswith(
        "sendmux-python/"
    )


def test_per_request_headers_replace_constant_ones_case_blind() -> None:
    merged = core_headers({"Accept": "application/json", "User-Agent": "ua"}, {"accept": "text/plain"})
    assert (b"accept", b"text/plain") in merged
    assert all(name.lower() != b"accept" or value == b"text/plain" for name, value in merged)
    assert merged[0] == (b"Accept-Encoding", b"gzip")


@pytest.mark.parametrize(
    ("core_error", "httpx_error"),
    [
        (httpcore.ConnectError("refused"), httpx.ConnectError),
        (httpcore.ConnectTimeout("slow"), httpx.ConnectTimeout),
        (httpcore.ReadTimeout("slow"), httpx.ReadTimeout),
        (httpcore.PoolTimeout("full"), httpx.PoolTimeout),
        (httpcore.RemoteProtocolError("cut"), httpx.RemoteProtocolError),
        (httpcore.ReadError("reset"), httpx.ReadError),
    ],
)
def test_httpcore_errors_become_httpx_errors(core_error: Exception, httpx_error: type[Exception]) -> None:
    mapped = _httpx_error(core_error)
    assert type(mapped) is httpx_error and str(mapped) == str(core_error)


def test_connection_refused_and_timeouts_are_typed_on_the_core_path() -> None:
    with Sendmux(api_key="smx_root_core", base_url="http://127.0.0.1:9/api/v1", max_retries=0) as client:
        assert client._core is not None
        with pytest.raises(APIConnectionError) as info:
            client.connection.get()
        assert not isinstance(info.value, APITimeoutError)
