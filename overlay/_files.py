"""Upload bodies: ``file=`` given as bytes, a path or a binary file object, streamed with an exact length.

A path is opened per attempt and read in chunks, never whole; a seekable file object is rewound to where it
stood for each attempt; a non-seekable one (a pipe, a socket) is first copied to a temporary spool (memory up
to `SPOOL_MAX_MEMORY`, then disk), the only way to learn its exact Content-Length, which also makes it
replayable on a retry.
"""

from __future__ import annotations

import errno
import io
import os
from collections.abc import AsyncIterator, Generator
from typing import IO, BinaryIO, TypeAlias

from ._errors import APIConnectionError
from ._types import UNSET, Unset

__all__ = [
    "FileInput",
    "Upload",
    "prepare_upload",
    "upload_filename",
    "CHUNK_SIZE",
    "DEFAULT_MAX_UPLOAD_BYTES",
]

FileInput: TypeAlias = bytes | str | os.PathLike[str] | BinaryIO
"""What ``file=`` takes: the bytes themselves, a path (``str`` is a path) or a binary file object."""

CHUNK_SIZE = 256 * 1024
SPOOL_MAX_MEMORY = 8 * 1024 * 1024
DEFAULT_MAX_UPLOAD_BYTES = 25 * 1024 * 1024
"""The largest upload a client sends unless told otherwise: the Sending API's documented 25 MB. The Mailbox
API states its own in ``GET /mailbox/session`` (``limits.attachment_upload_bytes_max``)."""


def _too_large(size: str, limit: int) -> ValueError:
    return ValueError(
        f"file: {size} is larger than the client's max_upload_bytes ({limit:,} bytes); raise it on the "
        "client if the API accepts more (the Mailbox API states its limit in GET /mailbox/session)"
    )


class Upload:
    """A request body of known length that yields a fresh run of chunks for every attempt."""

    __slots__ = ("length", "_path", "_file", "_start")

    def __init__(self, length: int, *, path: str | None = None, file: IO[bytes] | None = None) -> None:
        self.length: int = length
        self._path = path
        self._file = file
        self._start = file.tell() if file is not None else 0

    def _open(self) -> tuple[IO[bytes], bool]:
        if self._path is not None:
            return open(self._path, "rb"), True  # noqa: SIM115 - closed by the chunk generators
        assert self._file is not None
        self._file.seek(self._start)
        return self._file, False

    def _next(self, f: IO[bytes], remaining: int) -> bytes:
        chunk = f.read(min(CHUNK_SIZE, remaining))
        if not isinstance(chunk, bytes):
            raise TypeError(
                f"file: read() returned {type(chunk).__name__}, not bytes; open it in binary mode"
            )
        if not chunk:
            # The promised Content-Length can no longer be met; stop rather than let the server wait.
            raise APIConnectionError(
                f"file: the file ended {remaining} bytes short of its size when sending began "
                f"({self.length} bytes); was it truncated meanwhile?"
            )
        return chunk

    def source(self) -> str | IO[bytes]:
        """What ``file=`` takes to send these bytes again: the path, or the file rewound to its start."""
        if self._path is not None:
            return self._path
        assert self._file is not None
        self._file.seek(self._start)
        return self._file

    def chunks(self) -> Generator[bytes, None, None]:
        f, owned = self._open()
        try:
            remaining = self.length
            while remaining > 0:
                chunk = self._next(f, remaining)
                remaining -= len(chunk)
                yield chunk
        finally:
            if owned:
                f.close()

    async def achunks(self) -> AsyncIterator[bytes]:
        # Local-disk reads of one chunk are short; a thread hop per chunk would cost more than it saves.
        chunks = self.chunks()
        try:
            for chunk in chunks:
                yield chunk
        finally:
            chunks.close()  # closes the file now, also when the request stops reading early

    def __repr__(self) -> str:
        return f"<Upload {self.length} bytes>"


def _bad_type(file: object) -> TypeError:
    return TypeError(
        f"file must be bytes, a path (str or os.PathLike) or a binary file object, got {type(file).__name__}"
    )


def prepare_upload(file: object, limit: int | None = None) -> bytes | Upload:
    """Check ``file=`` and measure it, before anything is sent; TypeError/OSError/ValueError name the
    argument. Nothing larger than ``limit`` bytes is sent, or spooled (a pipe could fill the disk)."""
    upload = _measure(file, limit)
    size = len(upload) if isinstance(upload, bytes) else upload.length
    if limit is not None and size > limit:
        raise _too_large(f"the upload ({size:,} bytes)", limit)
    return upload


def _measure(file: object, limit: int | None) -> bytes | Upload:
    if isinstance(file, bytes):
        return file
    if isinstance(file, (bytearray, memoryview)):
        return bytes(file)
    if isinstance(file, (str, os.PathLike)):
        path = os.fspath(file)
        if not isinstance(path, str):
            raise _bad_type(file)
        try:
            st = os.stat(path)
        except FileNotFoundError:
            raise FileNotFoundError(errno.ENOENT, "file: no such file", path) from None
        if not os.path.isfile(path):
            raise IsADirectoryError(errno.EISDIR, "file: not a regular file", path)
        return Upload(st.st_size, path=path)
    if isinstance(file, io.TextIOBase):
        raise TypeError("file: the file object is open in text mode; open it with 'rb'")
    if not callable(getattr(file, "read", None)):
        raise _bad_type(file)
    f: IO[bytes] = file  # type: ignore[assignment]
    try:
        seekable = f.seekable()
    except (AttributeError, ValueError, OSError):
        seekable = False
    if seekable:
        start = f.tell()
        end = f.seek(0, io.SEEK_END)
        f.seek(start)
        return Upload(end - start, file=f)
    import tempfile

    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_MEMORY)  # noqa: SIM115 - lives with the Upload
    first = f.read(0)
    if not isinstance(first, bytes):
        raise TypeError("file: read() does not return bytes; open it in binary mode")
    length = 0
    while chunk := f.read(CHUNK_SIZE):
        length += len(chunk)
        if limit is not None and length > limit:
            spool.close()
            raise _too_large("the stream", limit)
        spool.write(chunk)
    spool.seek(0)
    return Upload(length, file=spool)


def upload_filename(file: object) -> str | Unset:
    """A default ``filename=`` for an upload: the path's name, or the file object's; else UNSET."""
    if isinstance(file, (str, os.PathLike)):
        path = os.fspath(file)
        if not isinstance(path, str):
            return UNSET
        return os.path.basename(path) or UNSET
    name = getattr(file, "name", None)
    if isinstance(name, str) and name and not name.startswith("<"):
        return os.path.basename(name) or UNSET
    return UNSET
