"""Hostile servers and careless callers (issue 18), over raw sockets on loopback, sync and async.

A broken proxy or a malicious server writes exactly the bytes each case says (`support.raw_server`):
downloads that end short or long, event streams with absurd `retry:` values, lines that never end,
replays, non-latin-1 ids, bodies that inflate; callers pass blank keys and headers that cannot travel.
Cases whose failure would exhaust the machine run the client in a subprocess capped in memory and file
size (`run_capped`).
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import pytest
from support.raw_server import RawRequest, RawServer, head

from sendmux import (
    APIConnectionError,
    APIStatusError,
    AsyncAPIClient,
    ResponseTooLargeError,
    StreamConsumedError,
    SyncAPIClient,
)
from sendmux._operation import Operation
from sendmux._request_options import RequestOptions

DOWNLOAD = Operation("download", "GET", "/files/f1", "files", "download", None, response="binary")
EVENTS = Operation("events", "GET", "/events", "events", "stream", None, response="events")
GET = Operation("get", "GET", "/things/t1", "things", "get", None)
CREATE = Operation("create", "POST", "/things", "things", "create", None, idempotency_key=True)
DATA = bytes(range(256)) * 256  # 65,536 bytes
FLAVOURS = ["sync", "async"]


def _sync(url: str, **options: Any) -> SyncAPIClient:
    client = SyncAPIClient(api_key="smx_root_hostile", base_url=url, **options)
    client._sleep = lambda seconds: None  # type: ignore[method-assign]
    return client


def _async(url: str, **options: Any) -> AsyncAPIClient:
    client = AsyncAPIClient(api_key="smx_root_hostile", base_url=url, **options)

    async def no_wait(seconds: float) -> None:
        return None

    client._sleep = no_wait  # type: ignore[method-assign]
    return client


def download_bytes(flavour: str, url: str, **options: Any) -> bytes:
    """The whole download, through the sync or the async client."""
    if flavour == "sync":
        with _sync(url, **options) as client, client._request(DOWNLOAD, RequestOptions()) as download:
            return bytes(download.read())

    async def run() -> bytes:
        async with _async(url, **options) as client, client._request(DOWNLOAD, RequestOptions()) as download:
            return bytes(await download.read())

    return anyio.run(run)


def download_to(flavour: str, url: str, path: Path) -> int:
    if flavour == "sync":
        with _sync(url) as client, client._request(DOWNLOAD, RequestOptions()) as download:
            return int(download.write_to_file(path))

    async def run() -> int:
        async with _async(url) as client, client._request(DOWNLOAD, RequestOptions()) as download:
            return int(await download.write_to_file(path))

    return anyio.run(run)


def events(flavour: str, url: str, **options: Any) -> list[Any]:
    """Every event's (id, data) until the stream ends, through the sync or the async client."""
    if flavour == "sync":
        with _sync(url, **options) as client:
            return [(e.id, e.data) for e in client._request(EVENTS, RequestOptions(cast=dict))]

    async def run() -> list[Any]:
        async with _async(url, **options) as client:
            return [(e.id, e.data) async for e in client._request(EVENTS, RequestOptions(cast=dict))]

    return anyio.run(run)


def get(flavour: str, url: str, **call: Any) -> Any:
    if flavour == "sync":
        with _sync(url) as client:
            return client._request(GET, RequestOptions(cast=dict, **call))

    async def run() -> Any:
        async with _async(url) as client:
            return await client._request(GET, RequestOptions(cast=dict, **call))

    return anyio.run(run)


def _range_start(request: RawRequest) -> int:
    value = request.headers.get("range", "bytes=0-")
    return int(value.removeprefix("bytes=").split("-")[0])


def _sse(*blocks: str) -> bytes:
    body = "".join(blocks).encode()
    return head("200 OK", ("Content-Type", "text/event-stream"), ("Content-Length", str(len(body)))) + body


# -- downloads: the bytes are exactly the file's, or the download fails --------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_resumed_206_that_ends_short_is_resumed_again_never_success(flavour: str) -> None:
    def answer(n: int, request: RawRequest) -> tuple[bytes, bool]:
        if n == 0:  # the first answer breaks after 1,000 bytes
            return head("200 OK", ("Content-Length", "65536"), ("Accept-Ranges", "bytes")) + DATA[:1000], True
        start = _range_start(request)
        content_range = ("Content-Range", f"bytes {start}-65535/65536")
        if n == 1:  # a 206 whose chunked body closes after 100 bytes
            return head("206 Partial Content", content_range, ("Transfer-Encoding", "chunked")) + (
                b"%x\r\n" % 100 + DATA[start : start + 100] + b"\r\n"
            ), True
        rest = DATA[start:]
        return head("206 Partial Content", content_range, ("Content-Length", str(len(rest)))) + rest, True

    with RawServer(answer) as server:
        assert download_bytes(flavour, server.url) == DATA
        assert [_range_start(r) for r in server.requests] == [0, 1000, 1100]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_206_whose_length_contradicts_its_range_fails(flavour: str) -> None:
    def answer(n: int, request: RawRequest) -> tuple[bytes, bool]:
        if n == 0:
            return head("200 OK", ("Content-Length", "65536"), ("Accept-Ranges", "bytes")) + DATA[:1000], True
        # Content-Range promises the rest, Content-Length frames 100 bytes: which is it?
        body = DATA[1000:1100]
        return head(
            "206 Partial Content", ("Content-Range", "bytes 1000-65535/65536"), ("Content-Length", "100")
        ) + body, True

    with (
        RawServer(answer) as server,
        pytest.raises(APIConnectionError, match="does not match its Content-Range"),
    ):
        download_bytes(flavour, server.url)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_206_carrying_more_than_its_range_fails_after_exactly_the_declared_bytes(flavour: str) -> None:
    def answer(n: int, request: RawRequest) -> tuple[bytes, bool]:
        if n == 0:
            return head("200 OK", ("Content-Length", "65536"), ("Accept-Ranges", "bytes")) + DATA[:1000], True
        extra = DATA[1000:] + b"x" * 5000
        return head(
            "206 Partial Content",
            ("Content-Range", "bytes 1000-65535/65536"),
            ("Transfer-Encoding", "chunked"),
        ) + b"%x\r\n%s\r\n0\r\n\r\n" % (len(extra), extra), True

    with (
        RawServer(answer) as server,
        pytest.raises(APIConnectionError, match="more bytes than the answer declared"),
    ):
        download_bytes(flavour, server.url)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_failed_download_leaves_the_target_file_untouched(flavour: str, tmp_path: Path) -> None:
    target = tmp_path / "invoice.pdf"
    target.write_bytes(b"the good copy")

    def answer(n: int, request: RawRequest) -> tuple[bytes, bool]:
        # Breaks mid-body and cannot be resumed (Accept-Ranges: none).
        return head("200 OK", ("Content-Length", "65536"), ("Accept-Ranges", "none")) + DATA[:3000], True

    with RawServer(answer) as server, pytest.raises(APIConnectionError, match="cannot be resumed"):
        download_to(flavour, server.url, target)
    assert target.read_bytes() == b"the good copy"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["invoice.pdf"]  # no partial file left


def test_a_download_read_twice_leaves_the_target_file_untouched(tmp_path: Path) -> None:
    target = tmp_path / "a.bin"
    target.write_bytes(b"keep me")

    def answer(n: int, request: RawRequest) -> tuple[bytes, bool]:
        return head("200 OK", ("Content-Length", "100")) + DATA[:100], True

    with RawServer(answer) as server, _sync(server.url) as client:
        download = client._request(DOWNLOAD, RequestOptions())
        assert download.read() == DATA[:100]
        with pytest.raises(StreamConsumedError):
            download.write_to_file(target)
    assert target.read_bytes() == b"keep me" and len(list(tmp_path.iterdir())) == 1


def test_a_download_that_completes_replaces_the_file_with_the_usual_mode(tmp_path: Path) -> None:
    target = tmp_path / "new.bin"

    def answer(n: int, request: RawRequest) -> tuple[bytes, bool]:
        return head("200 OK", ("Content-Length", "65536")) + DATA, True

    with RawServer(answer) as server:
        assert download_to("sync", server.url, target) == 65536
    umask = os.umask(0)
    os.umask(umask)
    assert target.read_bytes() == DATA and target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_server_filenames_are_bare_and_printable() -> None:
    def answer(n: int, request: RawRequest) -> tuple[bytes, bool]:
        disposition = 'attachment; filename="../../etc/pass\x01wd\x7f.txt"'
        return head("200 OK", ("Content-Length", "3"), ("Content-Disposition", disposition)) + b"abc", True

    with RawServer(answer) as server, _sync(server.url) as client:
        with client._request(DOWNLOAD, RequestOptions()) as download:
            assert download.filename == "passwd.txt"


# -- event streams -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("retry", ["3600000", "-5000", "100000000000000000000000", "1e3", "abc"])
def test_retry_values_are_clamped_or_ignored(flavour: str, retry: str) -> None:
    waits: list[float] = []

    def answer(n: int, request: RawRequest) -> tuple[bytes, bool]:
        if n == 0:  # a retry announcement, one event, then the connection breaks mid-event
            body = f'retry: {retry}\n\nid: 1\ndata: {{"n": 1}}\n\nid: 2\ndata: {{"n"'.encode()
            return head("200 OK", ("Content-Type", "text/event-stream"), ("Transfer-Encoding", "chunked")) + (
                b"%x\r\n%s\r\n" % (len(body), body)
            ), True
        return _sse('id: 2\ndata: {"n": 2}\n\n'), True

    with RawServer(answer) as server:
        if flavour == "sync":
            with _sync(server.url, max_retry_wait=2.0) as client:
                client._sleep = waits.append  # type: ignore[method-assign,assignment]
                got = [e.data["n"] for e in client._request(EVENTS, RequestOptions(cast=dict))]
        else:

            async def run() -> list[int]:
                async with _async(server.url, max_retry_wait=2.0) as client:

                    async def record(seconds: float) -> None:
                        waits.append(seconds)

                    client._sleep = record  # type: ignore[method-assign]
                    return [e.data["n"] async for e in client._request(EVENTS, RequestOptions(cast=dict))]

            got = anyio.run(run)
    assert got == [1, 2]
    assert len(waits) == 1 and 0 <= waits[0] <= 2.0  # never the server's hour, never an exception
    if retry in ("3600000", "100000000000000000000000"):
        assert waits[0] == 2.0  # clamped to max_retry_wait


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_an_id_outside_latin_1_still_resumes(flavour: str) -> None:
    def answer(n: int, request: RawRequest) -> tuple[bytes, bool]:
        if n == 0:
            body = 'id: café-1\ndata: {"n": 1}\n\ndata: {"n"'.encode()
            return head(
                "200 OK", ("Content-Type", "text/event-stream"), ("Content-Length", "999")
            ) + body, True
        return _sse('id: café-2\ndata: {"n": 2}\n\n'), True

    with RawServer(answer) as server:
        assert events(flavour, server.url) == [("café-1", {"n": 1}), ("café-2", {"n": 2})]
        resumed = server.requests[1].headers["last-event-id"]
        assert resumed.encode("latin-1").decode("utf-8") == "café-1"  # the id's UTF-8 bytes (WHATWG)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_replay_after_a_retry_only_block_is_dropped(flavour: str) -> None:
    def answer(n: int, request: RawRequest) -> tuple[bytes, bool]:
        if n == 0:
            body = b'id: 1\ndata: {"n": 1}\n\ndata: {"n"'
            return head(
                "200 OK", ("Content-Type", "text/event-stream"), ("Content-Length", "999")
            ) + body, True
        # The server announces a retry first, then replays the event the client resumed after.
        return _sse("retry: 10\n\n", 'id: 1\ndata: {"n": 1}\n\n', 'id: 2\ndata: {"n": 2}\n\n'), True

    with RawServer(answer) as server:
        assert [n for _, n in events(flavour, server.url)] == [{"n": 1}, {"n": 2}]


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("shape", ["endless line", "endless event"])
def test_an_endless_line_or_event_stops_at_max_event_bytes(flavour: str, shape: str) -> None:
    piece = b"x" * 4096 if shape == "endless line" else b"data: " + b"y" * 4090 + b"\n"

    def answer(n: int, request: RawRequest) -> tuple[bytes, bool]:
        start = head("200 OK", ("Content-Type", "text/event-stream"), ("Content-Length", str(10**9)))
        return start + (b"data: " if shape == "endless line" else b"") + piece * 64, False

    with RawServer(answer) as server, pytest.raises(ResponseTooLargeError, match="server-sent event"):
        events(flavour, server.url, max_event_bytes=64 * 1024)


def test_close_from_another_thread_ends_a_read_blocked_on_a_silent_server() -> None:
    def answer(n: int, request: RawRequest) -> tuple[bytes, bool] | None:
        return (
            None
            if n
            else (head("200 OK", ("Content-Type", "text/event-stream"), ("Content-Length", "99")), False)
        )

    outcome: list[object] = []
    with RawServer(answer) as server, _sync(server.url, timeout=60.0) as client:
        stream = client._request(EVENTS, RequestOptions(cast=dict))

        def read() -> None:
            outcome.append(list(stream))

        reader = threading.Thread(target=read)
        reader.start()
        time.sleep(0.3)  # the reader is now blocked in recv() on a silent server
        stream.close()
        reader.join(5)  # the read timeout is 60 s: only the close can have ended it
        assert not reader.is_alive() and outcome == [[]]


@pytest.mark.anyio
async def test_close_from_another_task_ends_a_read_blocked_on_a_silent_server() -> None:
    def answer(n: int, request: RawRequest) -> tuple[bytes, bool] | None:
        return (head("200 OK", ("Content-Type", "text/event-stream"), ("Content-Length", "99")), False)

    with RawServer(answer) as server:
        async with _async(server.url, timeout=60.0) as client:
            stream = await client._request(EVENTS, RequestOptions(cast=dict))
            got: list[Any] = []

            async def read() -> None:
                async for event in stream:
                    got.append(event)

            async with anyio.create_task_group() as tg:
                tg.start_soon(read)
                await anyio.sleep(0.3)
                with anyio.fail_after(5):  # the read timeout is 60 s
                    await stream.close()
            assert got == []


# -- bounded bodies ----------------------------------------------------------------------------------------

_CAPPED = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (768 * 2**20, 768 * 2**20))
resource.setrlimit(resource.RLIMIT_FSIZE, (2**20, 2**20))
from sendmux import SyncAPIClient, ResponseTooLargeError
from sendmux._operation import Operation
from sendmux._request_options import RequestOptions
op = Operation("get", "GET", "/things/t1", "things", "get", None)
client = SyncAPIClient(api_key="smx_root_hostile", base_url=sys.argv[1], max_retries=0)
try:
    client._request(op, RequestOptions(cast=dict))
    print("SUCCESS")
except ResponseTooLargeError as exc:
    print("TOO_LARGE", exc.limit)
"""


def run_capped(program: str, *args: str) -> str:
    """Run ``program`` in a subprocess capped at 768 MiB of address space and 1 MiB of file writes."""
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(program), *args], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout.strip()


def test_a_gzip_bomb_stops_at_max_response_bytes_in_a_capped_process() -> None:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = b"\0" * (16 * 2**20)
    bomb = b"".join(compressor.compress(zeros) for _ in range(192)) + compressor.flush()  # 3 GiB inflated
    assert len(bomb) < 4 * 2**20

    def answer(n: int, request: RawRequest) -> tuple[bytes, bool]:
        return head(
            "200 OK",
            ("Content-Type", "application/json"),
            ("Content-Encoding", "gzip"),
            ("Content-Length", str(len(bomb))),
        ) + bomb, True

    with RawServer(answer) as server:
        assert run_capped(_CAPPED, server.url) == f"TOO_LARGE {64 * 2**20}"


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_small_gzip_body_still_decodes(flavour: str) -> None:
    body = gzip.compress(json.dumps({"ok": True, "data": {"id": "t1"}, "meta": {}}).encode())

    def answer(n: int, request: RawRequest) -> tuple[bytes, bool]:
        return head(
            "200 OK",
            ("Content-Type", "application/json"),
            ("Content-Encoding", "gzip"),
            ("Content-Length", str(len(body))),
        ) + body, False

    with RawServer(answer) as server:
        assert get(flavour, server.url) == {"id": "t1"}


# -- input refused before anything is sent -----------------------------------------------------------------


def _nothing_sent(call: Callable[[SyncAPIClient], object], error: type[Exception], match: str) -> None:
    def answer(n: int, request: RawRequest) -> tuple[bytes, bool]:
        return head("200 OK", ("Content-Length", "2")) + b"{}", False

    with RawServer(answer) as server, _sync(server.url) as client:
        with pytest.raises(error, match=match):
            call(client)
        assert server.requests == []


@pytest.mark.parametrize("key", ["", "   "])
def test_an_empty_or_blank_idempotency_key_is_refused(key: str) -> None:
    _nothing_sent(
        lambda c: c._request(CREATE, RequestOptions(headers={"Idempotency-Key": key}, body={})),
        ValueError,
        "idempotency_key must not be empty or blank",
    )


@pytest.mark.parametrize(
    ("headers", "match"),
    [
        ({"X-Trace": "a\0b"}, r"extra_headers\['X-Trace'\]: values must not contain line breaks or NUL"),
        ({"X-Trace": "naïve ✓"}, r"extra_headers\['X-Trace'\]: header values must be latin-1"),
        ({"X-Bad\r\nName": "v"}, "is not a valid header name"),
        ({"X Bad": "v"}, "is not a valid header name"),
    ],
)
def test_headers_that_cannot_travel_are_refused_naming_the_argument(
    headers: dict[str, str], match: str
) -> None:
    _nothing_sent(lambda c: c._request(GET, RequestOptions(extra_headers=headers)), ValueError, match)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_nan_and_inf_in_a_query_are_refused_naming_the_field(value: float) -> None:
    _nothing_sent(
        lambda c: c._request(GET, RequestOptions(query={"limit": value})),
        ValueError,
        "query parameter `limit`",
    )


def test_a_generated_header_argument_is_named_in_the_error() -> None:
    _nothing_sent(
        lambda c: c._request(GET, RequestOptions(headers={"If-None-Match": 'W/"a\nb"'})),
        ValueError,
        r"if_none_match \(the If-None-Match header\)",
    )


# -- framing across responses ------------------------------------------------------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_bytes_after_a_download_never_answer_the_next_call(flavour: str) -> None:
    forged = json.dumps({"ok": True, "data": {"id": "forged"}, "meta": {}}).encode()
    real = json.dumps({"ok": True, "data": {"id": "real"}, "meta": {}}).encode()

    def answer(n: int, request: RawRequest) -> tuple[bytes, bool]:
        if request.path.endswith("/files/f1"):
            # The body, then a whole second response nobody asked for, on a keep-alive connection.
            extra = head("200 OK", ("Content-Type", "application/json"), ("Content-Length", str(len(forged))))
            return head("200 OK", ("Content-Length", "100")) + DATA[:100] + extra + forged, False
        return head(
            "200 OK", ("Content-Type", "application/json"), ("Content-Length", str(len(real)))
        ) + real, False

    with RawServer(answer) as server:
        if flavour == "sync":
            with _sync(server.url) as client:
                with client._request(DOWNLOAD, RequestOptions()) as download:
                    assert download.read() == DATA[:100]
                assert client._request(GET, RequestOptions(cast=dict)) == {"id": "real"}
        else:

            async def run() -> None:
                async with _async(server.url) as client:
                    async with client._request(DOWNLOAD, RequestOptions()) as download:
                        assert await download.read() == DATA[:100]
                    assert await client._request(GET, RequestOptions(cast=dict)) == {"id": "real"}

            anyio.run(run)


# -- secrets and bounded uploads ---------------------------------------------------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_server_echoing_the_key_in_an_error_leaks_it_nowhere(flavour: str) -> None:
    key = "smx_root_hostile"

    def answer(n: int, request: RawRequest) -> tuple[bytes, bool]:
        echoed = request.headers["authorization"]  # "Bearer smx_root_hostile"
        body = json.dumps(
            {
                "ok": False,
                "error": {
                    "code": "invalid_parameter",
                    "message": f"bad key {echoed}",
                    "errors": [{"field": "key", "code": "bad", "message": f"{key} is wrong"}],
                },
                "meta": {"request_id": "req_echo"},
            }
        ).encode()
        return head(
            "400 Bad Request",
            ("Content-Type", "application/json"),
            ("X-Echo", echoed),
            ("Content-Length", str(len(body))),
        ) + body, False

    with RawServer(answer) as server, pytest.raises(APIStatusError) as info:
        get(flavour, server.url)
    error = info.value
    seen = [
        str(error),
        repr(error),
        error.message,
        json.dumps(error.body),
        repr(error.errors),
        repr(error.headers),
    ]
    assert all(key not in text for text in seen), seen
    assert error.message == "bad key [redacted]" and error.request_id == "req_echo"


def test_a_pipe_upload_is_spooled_no_further_than_max_upload_bytes(tmp_path: Path) -> None:
    upload = Operation("up", "POST", "/upload", "files", "upload", None, request_body="binary")
    read_fd, write_fd = os.pipe()

    def feed() -> None:
        with os.fdopen(write_fd, "wb") as w:
            try:
                for _ in range(64):
                    w.write(b"z" * 65536)  # 4 MiB in all, more than the limit below
            except BrokenPipeError:
                pass

    writer = threading.Thread(target=feed)
    writer.start()
    with (
        os.fdopen(read_fd, "rb") as pipe,
        _sync("http://127.0.0.1:9/api/v1", max_upload_bytes=1024 * 1024) as client,
    ):
        with pytest.raises(
            ValueError, match=r"file: the stream is larger than the client's max_upload_bytes"
        ):
            client._request(upload, RequestOptions(content=pipe, cast=dict))
    writer.join(5)
