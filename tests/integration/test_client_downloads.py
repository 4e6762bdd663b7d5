"""Binary downloads over real loopback HTTP: streamed, resumed with Range after a break, byte-identical."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support.mini_client import SECRET, AsyncMini, FakeTime, Mini
from support.scripted_server import Reply, ScriptedServer, error_envelope
from support.streams import DownloadScript

from sendmux import APIConnectionError, NotFoundError, RawResponse
from sendmux._downloads import (
    AsyncBinaryResponse,
    BinaryResponse,
    StreamConsumedError,
    content_disposition_filename,
)
from sendmux._operation import Operation
from sendmux._raw_response import to_raw_response_wrapper
from sendmux._request_options import RequestOptions
from sendmux._types import UNSET

ROOT = Path(__file__).resolve().parents[2]
OP_DOWNLOAD = Operation(
    "getAttachment",
    "GET",
    "/messages/{message_id}/attachments/{attachment_id}",
    "attachments",
    "download",
    "mailbox:read",
    response="binary",
    surface="mailbox",
)
MiB = 1024 * 1024


def payload(size: int) -> bytes:
    # Not a repeating pattern: a resume at the wrong offset could not go unnoticed.
    block = hashlib.sha256(b"seed").digest()
    out = bytearray()
    counter = 0
    while len(out) < size:
        block = hashlib.sha256(block + counter.to_bytes(8, "big")).digest()
        out += block * 64
        counter += 1
    return bytes(out[:size])


def download(client: Mini, *, range_: Any = UNSET, max_retries: Any = None) -> BinaryResponse:
    extra: dict[str, Any] = {} if max_retries is None else {"max_retries": max_retries}
    return client._request(
        OP_DOWNLOAD, RequestOptions(path_params=("msg_1", "att_1"), headers={"Range": range_}, **extra)
    )


def test_download_broken_once_is_resumed_and_identical(
    scripted: ScriptedServer, mini: Mini, tmp_path: Path
) -> None:
    data = payload(3 * MiB + 123)
    script = DownloadScript(data, breaks=[MiB + 17])
    scripted.on("GET", "/messages/msg_1/attachments/att_1", script.reply())
    with download(mini) as resp:
        assert resp.status_code == 200 and resp.content_type == "application/pdf"
        assert resp.filename == "invoice.pdf" and resp.content_length == len(data)
        written = resp.write_to_file(tmp_path / "out.pdf")
    assert written == len(data)
    assert (tmp_path / "out.pdf").read_bytes() == data
    first, second = script.requests
    assert "range" not in first and first["accept-encoding"] == "identity"
    assert second["range"] == f"bytes={MiB + 17}-{len(data) - 1}" and second["if-range"] == '"v1"'
    assert second["authorization"] == f"Bearer {SECRET}"


@pytest.mark.anyio
async def test_async_download_broken_twice_is_resumed_and_identical(
    scripted: ScriptedServer, amini: AsyncMini
) -> None:
    data = payload(2 * MiB)
    script = DownloadScript(data, breaks=[500_000, 700_000])
    scripted.on("GET", "/messages/msg_1/attachments/att_1", script.reply())
    resp = await amini._request(OP_DOWNLOAD, RequestOptions(path_params=("msg_1", "att_1")))
    assert isinstance(resp, AsyncBinaryResponse)
    async with resp:
        got = await resp.read()
    assert got == data
    assert [r.get("range") for r in script.requests] == [
        None,
        "bytes=500000-2097151",
        "bytes=1200000-2097151",
    ]


def test_a_changed_file_is_not_stitched(scripted: ScriptedServer, mini: Mini) -> None:
    data = payload(MiB)
    script = DownloadScript(data, breaks=[300_000], etag_after_resume='"v2"')
    scripted.on("GET", "/messages/msg_1/attachments/att_1", script.reply())
    with pytest.raises(APIConnectionError, match="could not resume: the server answered 200"):
        download(mini).read()


def test_a_server_ignoring_range_is_not_stitched(scripted: ScriptedServer, mini: Mini) -> None:
    script = DownloadScript(payload(MiB), breaks=[300_000], ignore_range=True)
    scripted.on("GET", "/messages/msg_1/attachments/att_1", script.reply())
    with pytest.raises(APIConnectionError, match="instead of 206"):
        download(mini).read()


def test_a_requested_range_is_kept_when_resuming(scripted: ScriptedServer, mini: Mini) -> None:
    data = payload(MiB)
    script = DownloadScript(data, breaks=[100_000])
    scripted.on("GET", "/messages/msg_1/attachments/att_1", script.reply())
    with download(mini, range_="bytes=1000-400999") as resp:
        assert resp.status_code == 206 and resp.content_length == 400_000
        got = b"".join(resp.iter_bytes(chunk_size=65536))
    assert got == data[1000:401000]
    # It resumes right after the last byte it received, up to the requested end.
    start, end = script.requests[1]["range"].removeprefix("bytes=").split("-")
    assert int(start) == 101_000 and end == "400999"


def test_no_resume_when_retries_are_off(scripted: ScriptedServer, mini: Mini) -> None:
    script = DownloadScript(payload(MiB), breaks=[100_000])
    scripted.on("GET", "/messages/msg_1/attachments/att_1", script.reply())
    with pytest.raises(APIConnectionError, match="broke after 100000 of 1048576 bytes"):
        download(mini, max_retries=0).read()
    assert len(script.requests) == 1


def test_errors_before_the_body_are_typed_and_retried_by_policy(
    scripted: ScriptedServer, mini: Mini, fake_time: FakeTime
) -> None:
    data = payload(1000)
    scripted.on(
        "GET",
        "/messages/msg_1/attachments/att_1",
        Reply(503, json=error_envelope("unavailable")),
        DownloadScript(data).reply(),
    )
    assert download(mini).read() == data
    assert len(fake_time.sleeps) == 1
    scripted.on("GET", "/messages/msg_1/attachments/att_1", Reply(404, json=error_envelope("not_found")))
    with pytest.raises(NotFoundError):
        download(mini)


def test_the_body_streams_once(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.on("GET", "/messages/msg_1/attachments/att_1", DownloadScript(b"abc").reply())
    resp = download(mini)
    assert resp.read() == b"abc"
    with pytest.raises(StreamConsumedError):
        resp.read()


def test_raw_response_has_headers_and_parses_to_the_download(scripted: ScriptedServer, mini: Mini) -> None:
    scripted.on("GET", "/messages/msg_1/attachments/att_1", DownloadScript(b"abc").reply())
    raw = to_raw_response_wrapper(download)(mini)
    assert isinstance(raw, RawResponse) and raw.status_code == 200 and raw.etag == '"v1"'
    assert raw.parse().read() == b"abc"


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ('attachment; filename="a.pdf"', "a.pdf"),
        ("attachment; filename*=UTF-8''na%C3%AFve%20file.txt", "naïve file.txt"),
        ('attachment; filename="../../etc/passwd"', "passwd"),
        ('attachment; filename="C:\\\\x\\\\evil.exe"', "evil.exe"),
        ("inline", None),
        (None, None),
    ],
)
def test_content_disposition_filename(header: str | None, name: str | None) -> None:
    assert content_disposition_filename(header) == name


_MEMORY_PROBE = """
import hashlib, json, resource, sys, tracemalloc
from sendmux._base_client import SyncAPIClient
from sendmux._operation import Operation
from sendmux._request_options import RequestOptions
op = Operation("get", "GET", "/file", "files", "get", None, response="binary")
client = SyncAPIClient(api_key="sk_probe", base_url=sys.argv[1])
client._sleep = lambda s: None
with client._request(op, RequestOptions()) as warm:
    warm.read()  # the small warm-up file: code paths and connection pool are in place
rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
digest = hashlib.sha256()
with client._request(op, RequestOptions()) as resp:
    with open(sys.argv[2], "wb") as f:
        for chunk in resp.iter_bytes():
            f.write(chunk)
            digest.update(chunk)
_, traced_peak = tracemalloc.get_traced_memory()
tracemalloc.stop()
rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"sha256": digest.hexdigest(), "rss_growth_kib": rss_after - rss_before,
                  "traced_peak": traced_peak}))
"""


def test_48_mib_download_broken_once_resumes_identical_without_holding_the_file(
    scripted: ScriptedServer, tmp_path: Path
) -> None:
    """The issue-12 figure: memory is measured in a fresh process (its peak RSS before/after the download)."""
    data = payload(48 * MiB)
    script = DownloadScript(data, breaks=[20 * MiB + 5])
    scripted.on("GET", "/file", DownloadScript(b"warm-up").reply(), script.reply())
    out = tmp_path / "big.bin"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tests")}
    proc = subprocess.run(
        [sys.executable, "-c", _MEMORY_PROBE, scripted.base_url, str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["sha256"] == hashlib.sha256(data).hexdigest()
    assert out.stat().st_size == len(data) and out.read_bytes() == data
    assert [r.get("range") for r in script.requests] == [None, f"bytes={20 * MiB + 5}-{48 * MiB - 1}"]
    print(
        f"48 MiB download: peak RSS growth {report['rss_growth_kib']} KiB, tracemalloc peak {report['traced_peak']} B"
    )
    assert report["rss_growth_kib"] * 1024 < 8 * MiB  # well under the file's 48 MiB
    assert report["traced_peak"] < 4 * MiB


def test_a_body_encoded_anyway_is_decoded(scripted: ScriptedServer, mini: Mini) -> None:
    import gzip

    data = payload(200_000)
    scripted.on(
        "GET",
        "/messages/msg_1/attachments/att_1",
        Reply(body=gzip.compress(data), headers={"Content-Encoding": "gzip", "Content-Type": "text/csv"}),
    )
    with download(mini) as resp:
        assert resp.read() == data and resp.content_type == "text/csv" and resp.filename is None
