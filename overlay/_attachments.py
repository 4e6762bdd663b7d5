"""Inline attachments built by hand: a file carried in the message itself, base64-encoded.

Usually not needed: `attachments=[Path(...)]` takes the file itself and the client chooses inline or upload
by the API's limits (`_attachment_files`). These helpers force inline, e.g. to build a body stored for later.
"""

from __future__ import annotations

import base64
import mimetypes
import os
from typing import TYPE_CHECKING, BinaryIO

from ._files import upload_filename
from ._types import Unset

if TYPE_CHECKING:  # the request types these build (plain dicts at run time)
    from ._generated.params import InlineAttachmentParam, SendMailboxMessageAttachmentParam

__all__ = ["MAX_INLINE_BYTES", "mailbox_attachment", "sending_attachment"]

MAX_INLINE_BYTES = 25 * 1024 * 1024
"""A whole request body is at most 25 MB (the API answers 413 beyond it), so an inline file's base64 must fit."""


def _read(file: bytes | str | os.PathLike[str] | BinaryIO) -> bytes:
    if isinstance(file, bytes | bytearray | memoryview):
        return bytes(file)
    if isinstance(file, str | os.PathLike):
        with open(file, "rb") as f:
            return f.read()
    read = getattr(file, "read", None)
    if callable(read):
        data = read()
        if isinstance(data, bytes):
            return data
        raise TypeError("file: read() returned text; open the file in binary mode ('rb')")
    raise TypeError(f"file must be bytes, a path or a binary file object, got {type(file).__name__}")


def _encode(
    file: bytes | str | os.PathLike[str] | BinaryIO, filename: str | None, content_type: str | None
) -> tuple[str, str, str | None]:
    """(filename, base64 content, content type or None) after the checks both APIs need."""
    name = filename if filename is not None else upload_filename(file)
    if isinstance(name, Unset) or not name:
        raise TypeError("filename= is required when file has no name (bytes or an unnamed file object)")
    data = _read(file)
    encoded_size = 4 * ((len(data) + 2) // 3)
    if encoded_size > MAX_INLINE_BYTES:
        raise ValueError(
            f"file: {len(data)} bytes are {encoded_size} in base64, over the API's {MAX_INLINE_BYTES}-byte "
            "request limit; upload it instead (attachments.upload(file=...)) and send its id"
        )
    guessed = content_type or mimetypes.guess_type(name)[0]
    return name, base64.b64encode(data).decode("ascii"), guessed


def sending_attachment(
    file: bytes | str | os.PathLike[str] | BinaryIO,
    *,
    filename: str | None = None,
    content_type: str | None = None,
) -> InlineAttachmentParam:
    """An inline attachment for `SendmuxSending().emails.send(attachments=[...])` (`InlineAttachment`).

    `file` is bytes, a path or a binary file object; `filename` defaults to the path's or file's name;
    the MIME type is `content_type`, else guessed from the name, else left to the API.
    """
    name, content, kind = _encode(file, filename, content_type)
    out: InlineAttachmentParam = {"filename": name, "content": content, "encoding": "base64"}
    if kind:
        out["type"] = kind
    return out


def mailbox_attachment(
    file: bytes | str | os.PathLike[str] | BinaryIO,
    *,
    filename: str | None = None,
    content_type: str | None = None,
) -> SendMailboxMessageAttachmentParam:
    """An inline attachment for `SendmuxMailbox().messages.send(attachments=[...])`.

    As `sending_attachment`, in the Mailbox API's shape (`content_type` is required there: guessed from
    the name, else `application/octet-stream`).
    """
    name, content, kind = _encode(file, filename, content_type)
    return {"filename": name, "content_type": kind or "application/octet-stream", "content": content}
