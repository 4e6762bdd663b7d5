"""Files given as attachments: ``attachments=[Path("chart.png"), ("notes.txt", data), open_file]``.

Where an operation takes attachments (`Operation.attachment_fields`), an item may be a file instead of the
API's attachment object. `AttachmentPlan` finds those files, measures them and decides, by the API's
limits, which go inline (base64 in the JSON body) and which are uploaded first and sent by reference;
every size is checked before anything is uploaded. The clients run the uploads (the generated calls) and
`AttachmentPlan.body` puts the results back in order. Pure: no I/O beyond reading the files.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any, BinaryIO, TypeAlias, cast

from ._body_paths import map_field
from ._files import FileInput, Upload, prepare_upload, upload_filename
from ._types import Unset

__all__ = [
    "AttachmentFile",
    "AttachmentLimits",
    "AttachmentPlan",
    "LocalFile",
    "MAILBOX_LIMITS",
    "SENDING_LIMITS",
    "guess_content_type",
    "is_attachment_file",
]

AttachmentFile: TypeAlias = (
    str | os.PathLike[str] | IO[bytes] | tuple[str, bytes | IO[bytes]] | tuple[str, bytes | IO[bytes], str]
)
"""A file where the API takes an attachment: a path (``str`` or ``os.PathLike``), an open binary file
with a name, or ``(filename, bytes or binary file)`` with an optional third item, the MIME type (else
guessed from the name)."""


def guess_content_type(filename: object) -> str:
    """The MIME type a file's name suggests; ``application/octet-stream`` when it suggests none."""
    if isinstance(filename, str) and filename:
        return mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return "application/octet-stream"


@dataclass(frozen=True)
class AttachmentLimits:
    """Up to ``inline_max`` bytes a file goes inline; up to ``upload_max`` it is uploaded first."""

    inline_max: int
    upload_max: int


SENDING_LIMITS = AttachmentLimits(inline_max=5 * 1024 * 1024, upload_max=25 * 1024 * 1024)
"""The Sending API documents 25 MB per upload and per request body; inline files are kept to 5 MiB (the
Mailbox API's own inline limit) so a message with several still fits one request."""

MAILBOX_LIMITS = AttachmentLimits(inline_max=5_242_880, upload_max=26_214_400)
"""The Mailbox API's defaults, used where its ``GET /mailbox/session`` answer lacks a limit."""

INLINE_BUDGET = 18 * 1024 * 1024
"""Raw bytes of all inline files of one request at most: their base64 (4/3) stays under the 25 MB body."""


def is_attachment_file(item: object) -> bool:
    """Whether an attachments item is a file to send (anything but the API's own attachment object)."""
    if isinstance(item, Mapping) or callable(getattr(item, "to_dict", None)):
        return False
    return isinstance(item, str | os.PathLike | tuple) or callable(getattr(item, "read", None))


@dataclass
class LocalFile:
    """One file of a call, measured: what it is called, its type, its bytes (or where to read them)."""

    where: str
    """The argument it was given as, e.g. ``attachments[2]``."""
    filename: str
    content_type: str
    upload: bytes | Upload
    index: int
    """Its place among the call's files (uploads derive their idempotency keys from it)."""

    @property
    def size(self) -> int:
        return len(self.upload) if isinstance(self.upload, bytes) else self.upload.length

    def read(self) -> bytes:
        return self.upload if isinstance(self.upload, bytes) else b"".join(self.upload.chunks())

    def source(self) -> FileInput:
        """What an upload's ``file=`` takes: the bytes, the path, or the file rewound to its start."""
        return self.upload if isinstance(self.upload, bytes) else cast(BinaryIO, self.upload.source())

    def digest(self) -> str:
        h = hashlib.sha256()
        if isinstance(self.upload, bytes):
            h.update(self.upload)
        else:
            for chunk in self.upload.chunks():
                h.update(chunk)
        return h.hexdigest()


def _local(item: object, where: str, index: int, limit: int | None) -> LocalFile:
    content_type: str | None = None
    if isinstance(item, tuple):
        if len(item) not in (2, 3) or not isinstance(item[0], str) or not item[0]:
            raise TypeError(
                f"{where}: a tuple attachment is (filename, bytes or binary file[, content type]), got "
                f"{len(item)} items"
            )
        name: str | Unset = item[0]
        data = item[1]
        if len(item) == 3:
            if not isinstance(item[2], str) or not item[2]:
                raise TypeError(f"{where}: the content type (third item) must be a non-empty str")
            content_type = item[2]
    else:
        data = item
        name = upload_filename(item)
    if isinstance(name, Unset):
        raise TypeError(f"{where}: this file has no name; pass (filename, data) instead")
    try:
        upload = prepare_upload(data, limit)
    except (TypeError, ValueError, OSError) as exc:
        raise type(exc)(f"{where}: {exc}".replace(f"{where}: file: ", f"{where}: ")) from None
    return LocalFile(where, name, content_type or guess_content_type(name), upload, index)


class AttachmentPlan:
    """The files of one call's body, found at the operation's attachment paths, in order."""

    def __init__(self, body: Mapping[str, Any], paths: Sequence[str], max_bytes: int | None) -> None:
        self._body = body
        self._paths = paths
        self.files: list[LocalFile] = []

        def collect(value: Any, where: str) -> Any:
            if isinstance(value, Sequence) and not isinstance(value, str | bytes):
                for i, item in enumerate(value):
                    if is_attachment_file(item):
                        self.files.append(_local(item, f"{where}[{i}]", len(self.files), max_bytes))
            return value

        for path in paths:
            map_field(body, path, collect)

    def split(self, limits: AttachmentLimits) -> tuple[list[LocalFile], list[LocalFile]]:
        """(inline, to upload): small files inline while the request stays small, the rest uploaded.
        A file over ``limits.upload_max`` is a ValueError naming it, before anything is uploaded."""
        for f in self.files:
            if f.size > limits.upload_max:
                raise ValueError(
                    f"{f.where}: {f.filename!r} is {f.size:,} bytes, over the API's {limits.upload_max:,}-byte "
                    "attachment limit"
                )
        inline: list[LocalFile] = []
        budget = INLINE_BUDGET
        for f in sorted(self.files, key=lambda f: f.size):
            if f.size <= limits.inline_max and f.size <= budget:
                inline.append(f)
                budget -= f.size
        chosen = {id(f) for f in inline}
        return inline, [f for f in self.files if id(f) not in chosen]

    def body(self, items: Mapping[int, Mapping[str, Any]]) -> Mapping[str, Any]:
        """The body with each file replaced by ``items[file.index]`` (an attachment object)."""
        counter = iter(range(len(self.files)))

        def replace(value: Any, where: str) -> Any:
            if not isinstance(value, Sequence) or isinstance(value, str | bytes):
                return value
            return [dict(items[next(counter)]) if is_attachment_file(item) else item for item in value]

        body: Mapping[str, Any] = self._body
        for path in self._paths:
            body = map_field(body, path, replace)
        return body


def inline_item(surface: str, f: LocalFile) -> dict[str, Any]:
    """The API's inline attachment object for ``f``."""
    content = base64.b64encode(f.read()).decode("ascii")
    if surface == "sending":
        return {"filename": f.filename, "content": content, "encoding": "base64", "type": f.content_type}
    return {"filename": f.filename, "content_type": f.content_type, "content": content}


def uploaded_item(surface: str, f: LocalFile, ref: str) -> dict[str, Any]:
    """The API's reference to an uploaded attachment (an ``attachment_id`` or a ``blob_id``)."""
    if surface == "sending":
        return {"attachment_id": ref}
    return {"blob_id": ref, "filename": f.filename, "content_type": f.content_type}
