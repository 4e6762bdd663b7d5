"""Uploads over real loopback HTTP: bytes, paths and file objects streamed with an exact Content-Length."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.mini_client import SECRET, AsyncMini, FakeTime, Mini, make_client
from support.scripted_server import Reply, ScriptedServer, envelope, error_envelope

from sendmux import APIConnectionError
from sendmux._files import upload_filename
from sendmux._operation import Operation
from sendmux._request_options import RequestOptions
from sendmux._types import UNSET

ROOT = Path(__file__).resolve().parents[2]
OP_UPLOAD = Operation(
    "uploadAttachment",
    "POST",
    "/attachments:upload",
    "attachments",
    "upload",
    "mailbox:write",
    request_body="binary",
    surface="mailbox",
)
OP_PRESIGNED_PUT = Operation(
    "putUpload",
    "PUT",
    "/uploads/{upload_id}",
    "attachments",
    "put_upload",
    None,
    request_body="binary",
    auth=False,
    surface="sending",
)
MiB = 1024 * 1024


def upload(client: Mini, file: Any, filename: Any = UNSET, **kw: Any) -> Any:
    return client._request(
        OP_UPLOAD,
        RequestOptions(
            query={"filename": upload_filename(file) if filename is UNSET else filename},
            content=file,
            cast=dict,
            **kw,
        ),
    )


def ok(scripted: ScriptedServer) -> None:
    scripted.on("POST", "/attachments:upload", Reply(json=envelope({"id": "att_1"})))


def test_bytes_path_and_file_objects_send_exact_bytes(
    scripted: ScriptedServer, mini: Mini, tmp_path: Path
) -> None:
    ok(scripted)
    data = os.urandom(300_000)
    path = tmp_path / "invoice.pdf"
    path.write_bytes(data)
    assert upload(mini, data, filename="a.bin") == {"id": "att_1"}
    upload(mini, path)
    upload(mini, str(path))
    with open(path, "rb") as f:
        f.seek(1000)  # a file object is sent from where it stands
        upload(mini, f)
    upload(mini, io.BytesIO(data))
    bodies = [r.body for r in scripted.requests]
    assert bodies == [data, data, data, data[1000:], data]
    for rec in scripted.requests:
        assert rec.headers["content-length"] == str(len(rec.body))
        assert rec.headers["content-type"] == "application/octet-stream"
        assert "transfer-encoding" not in rec.headers
    assert [r.query_dict.get("filename") for r in scripted.requests] == [
        "a.bin",
        "invoice.pdf",
        "invoice.pdf",
        "invoice.pdf",
        None,
    ]


def test_non_seekable_stream_is_measured_and_replayed_on_retry(
    scripted: ScriptedServer, mini: Mini, fake_time: FakeTime
) -> None:
    data = os.urandom(200_000)
    read_fd, write_fd = os.pipe()
    with os.fdopen(write_fd, "wb") as w:
        w.write(data[:60_000])  # fits the pipe buffer
    with os.fdopen(read_fd, "rb") as r:
        scripted.on(
            "POST",
            "/attachments:upload",
            Reply(503, json=error_envelope("unavailable")),
            Reply(json=envelope({"id": "att_1"})),
        )
        upload(mini, r, filename="pipe.bin", extra_headers={"Idempotency-Key": "k1"})
    assert [rec.body for rec in scripted.requests] == [data[:60_000]] * 2
    assert all(rec.headers["content-length"] == "60000" for rec in scripted.requests)


def test_retry_rewinds_a_path_and_a_file_object(
    scripted: ScriptedServer, mini: Mini, fake_time: FakeTime, tmp_path: Path
) -> None:
    data = os.urandom(700_000)
    path = tmp_path / "x.bin"
    path.write_bytes(data)
    scripted.on(
        "PUT",
        "/uploads/up_1",
        Reply(fault="close"),
        Reply(503, json=error_envelope("unavailable")),
        Reply(json=envelope({"ok": 1})),
    )
    put(mini, path)
    assert [rec.body for rec in scripted.requests] == [data] * 3
    scripted.requests.clear()
    scripted.on(
        "PUT", "/uploads/up_1", Reply(503, json=error_envelope("unavailable")), Reply(json=envelope({}))
    )
    with open(path, "rb") as f:
        put(mini, f)
    assert [rec.body for rec in scripted.requests] == [data] * 2


def put(client: Mini, file: Any) -> Any:
    return client._request(
        OP_PRESIGNED_PUT,
        RequestOptions(
            path_params=("up_1",), headers={"X-Sendmux-Upload-Token": "upl_tok_123"}, content=file, cast=dict
        ),
    )


def test_auth_less_operation_sends_its_token_and_no_authorization(
    scripted: ScriptedServer, mini: Mini
) -> None:
    scripted.on("PUT", "/uploads/up_1", Reply(json=envelope({})))
    put(mini, b"bytes")
    rec = scripted.requests[0]
    assert rec.headers["x-sendmux-upload-token"] == "upl_tok_123"
    assert "authorization" not in rec.headers
    assert SECRET not in json.dumps(rec.headers)


def test_auth_less_operation_on_an_injected_pool_and_a_token_provider(scripted: ScriptedServer) -> None:
    scripted.on("PUT", "/uploads/up_1", Reply(json=envelope({})))
    pool = httpx.Client(headers={"Authorization": "Bearer pool-level"})
    with make_client(scripted.base_url, http_client=pool) as c1:
        put(c1, b"x")
    with make_client(scripted.base_url, api_key=None, access_token=lambda: "tok_dynamic") as c2:
        put(c2, b"x")
    pool.close()
    assert all("authorization" not in rec.headers for rec in scripted.requests)


@pytest.mark.anyio
async def test_async_upload_from_path_and_auth_less_put(
    scripted: ScriptedServer, amini: AsyncMini, tmp_path: Path
) -> None:
    ok(scripted)
    scripted.on(
        "PUT", "/uploads/up_1", Reply(503, json=error_envelope("unavailable")), Reply(json=envelope({}))
    )
    data = os.urandom(500_000)
    path = tmp_path / "a.bin"
    path.write_bytes(data)
    await amini._request(OP_UPLOAD, RequestOptions(query={"filename": "a.bin"}, content=path, cast=dict))
    await amini._request(
        OP_PRESIGNED_PUT,
        RequestOptions(
            path_params=("up_1",), headers={"X-Sendmux-Upload-Token": "t"}, content=path, cast=dict
        ),
    )
    assert [r.body for r in scripted.requests] == [data] * 3
    assert "authorization" in scripted.requests[0].headers
    assert all("authorization" not in r.headers for r in scripted.requests[1:])


def test_bad_file_arguments_fail_before_sending(scripted: ScriptedServer, mini: Mini, tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="file must be bytes, a path"):
        upload(mini, 42, filename="x")
    with pytest.raises(TypeError, match="text mode"):
        with open(tmp_path / "t.txt", "w+") as f:
            upload(mini, f, filename="x")
    with pytest.raises(FileNotFoundError, match="file: no such file"):
        upload(mini, tmp_path / "missing.pdf")
    with pytest.raises(IsADirectoryError, match="file: not a regular file"):
        upload(mini, tmp_path, filename="x")
    assert scripted.requests == []


def test_a_file_that_shrinks_mid_upload_fails_clearly(scripted: ScriptedServer, mini: Mini) -> None:
    class Shrinking(io.BytesIO):
        def read(self, n: int | None = -1) -> bytes:
            return super().read(min(n or 0, 10)) if self.tell() < 20 else b""

    ok(scripted)
    with pytest.raises(APIConnectionError, match="short of its size"):
        upload(mini, Shrinking(b"x" * 100), filename="x", max_retries=0)


def test_upload_filename() -> None:
    assert upload_filename("/tmp/dir/report.pdf") == "report.pdf"
    assert upload_filename(Path("a/b.txt")) == "b.txt"
    assert upload_filename(b"bytes") is UNSET
    assert upload_filename(io.BytesIO(b"")) is UNSET
    f = io.BytesIO(b"")
    f.name = "/x/y/z.csv"  # type: ignore[attr-defined]
    assert upload_filename(f) == "z.csv"


_UPLOAD_PROBE = """
import json, resource, sys, tracemalloc
from sendmux._base_client import SyncAPIClient
from sendmux._operation import Operation
from sendmux._request_options import RequestOptions
op = Operation("up", "POST", "/upload", "files", "upload", None, request_body="binary")
client = SyncAPIClient(api_key="sk_probe", base_url=sys.argv[1], max_upload_bytes=None)  # 48 MiB > 25 MiB
client._request(op, RequestOptions(content=b"warm-up", cast=dict))
rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
client._request(op, RequestOptions(content=sys.argv[2], cast=dict))
_, traced_peak = tracemalloc.get_traced_memory()
rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"rss_growth_kib": rss_after - rss_before, "traced_peak": traced_peak}))
"""


def test_48_mib_upload_streams_from_disk(scripted: ScriptedServer, tmp_path: Path) -> None:
    """The client's memory does not grow with the file: measured in a fresh process."""
    data = os.urandom(48 * MiB)
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    scripted.on("POST", "/upload", Reply(json=envelope({"id": "up"})))
    proc = subprocess.run(
        [sys.executable, "-c", _UPLOAD_PROBE, scripted.base_url, str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "tests")},
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    big = scripted.requests[1]
    assert big.headers["content-length"] == str(48 * MiB)
    assert hashlib.sha256(big.body).digest() == hashlib.sha256(data).digest()
    print(
        f"48 MiB upload: peak RSS growth {report['rss_growth_kib']} KiB, tracemalloc peak {report['traced_peak']} B"
    )
    assert report["rss_growth_kib"] * 1024 < 8 * MiB
    assert report["traced_peak"] < 4 * MiB
