"""The inline-attachment helpers: base64 of bytes, a path or a file object, checked before anything is sent."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest

from sendmux import mailbox_attachment, sending_attachment
from sendmux._attachments import MAX_INLINE_BYTES


def test_a_path_gives_its_name_type_and_content(tmp_path: Path) -> None:
    path = tmp_path / "invoice.pdf"
    path.write_bytes(b"%PDF-1.7 test")
    got = sending_attachment(path)
    assert got == {
        "filename": "invoice.pdf",
        "content": base64.b64encode(b"%PDF-1.7 test").decode(),
        "encoding": "base64",
        "type": "application/pdf",
    }
    assert mailbox_attachment(str(path))["content_type"] == "application/pdf"


def test_bytes_and_file_objects_need_or_give_a_name() -> None:
    with pytest.raises(TypeError, match="filename"):
        sending_attachment(b"abc")
    assert sending_attachment(b"abc", filename="a.bin")["content"] == "YWJj"
    assert "type" not in sending_attachment(b"abc", filename="a.unknownext")
    assert mailbox_attachment(b"abc", filename="a.unknownext")["content_type"] == "application/octet-stream"
    buf = io.BytesIO(b"hello")
    buf.name = "/tmp/notes.txt"
    assert mailbox_attachment(buf) == {
        "filename": "notes.txt",
        "content_type": "text/plain",
        "content": "aGVsbG8=",
    }


def test_wrong_inputs_name_the_argument() -> None:
    with pytest.raises(TypeError, match="file"):
        sending_attachment(123, filename="x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="binary mode"):
        sending_attachment(io.StringIO("text"), filename="x.txt")  # type: ignore[arg-type]


def test_a_file_too_big_for_a_request_is_refused_before_sending() -> None:
    too_big = b"\0" * (MAX_INLINE_BYTES * 3 // 4 + 3)
    with pytest.raises(ValueError, match="upload it instead"):
        sending_attachment(too_big, filename="big.bin")
