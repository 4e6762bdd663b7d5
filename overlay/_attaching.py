"""The half of a call with files that both clients share: its idempotency key, the API's limits, the
uploads it already made (`AttachmentState`), and how an upload intent becomes a presigned PUT.

The clients (`_sync_client`, `_async_client`) run the I/O: ``GET /mailbox/session`` for the Mailbox API's
limits, the uploads through the generated calls, then the send itself, all on the one request path.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from typing import Any

from ._attachment_files import AttachmentLimits, LocalFile
from ._request_options import RequestOptions
from ._types import Unset

__all__ = ["AttachmentState", "mailbox_limits", "mailbox_of", "presigned_headers", "with_send_key"]

_KEY = "idempotency-key"


def _given_key(options: RequestOptions) -> str | None:
    for source in (options.extra_headers, options.headers):
        for name, value in (source or {}).items():
            if name.lower() == _KEY and isinstance(value, str) and value.strip():
                return value
    return None


def with_send_key(options: RequestOptions) -> tuple[RequestOptions, str, bool]:
    """(options, the send's Idempotency-Key, whether the caller gave it). A call with files needs its key
    before the send is prepared: its uploads derive theirs from it, so a retried call reuses them."""
    given = _given_key(options)
    if given is not None:
        return options, given, True
    key = str(uuid.uuid4())
    headers = {k: v for k, v in (options.headers or {}).items() if k.lower() != _KEY}
    headers["Idempotency-Key"] = key
    return options.replace(headers=headers), key, False


def mailbox_of(options: RequestOptions) -> str | None:
    """The call's ``mailbox_id=`` (None: the credential's one mailbox, or the client's default)."""
    value = (options.query or {}).get("mailbox_id")
    return None if value is None or isinstance(value, Unset) else str(value)


def mailbox_limits(session: Any) -> AttachmentLimits:
    """The Mailbox API's attachment limits from its ``GET /mailbox/session`` answer."""
    limits = session.limits
    return AttachmentLimits(
        inline_max=int(limits.inline_attachment_bytes_max),
        upload_max=int(limits.attachment_upload_bytes_max),
    )


def presigned_headers(intent: Any) -> dict[str, str]:
    """The headers an upload intent says its PUT must carry, exactly (Content-Length is computed anyway)."""
    headers = intent.headers
    raw = headers.to_dict() if callable(getattr(headers, "to_dict", None)) else dict(headers)
    return {str(k): str(v) for k, v in raw.items() if str(k).lower() != "content-length"}


class AttachmentState:
    """Per client (shared with its `with_options` copies): the Mailbox limits per mailbox, and the
    uploads of calls that named their own idempotency key, so retrying such a call sends the same body."""

    _MAX_REFS = 512

    def __init__(self) -> None:
        self.limits: dict[str | None, AttachmentLimits] = {}
        self._refs: OrderedDict[tuple[object, ...], str] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def ref_key(surface: str, send_key: str, mailbox_id: str | None, f: LocalFile) -> tuple[object, ...]:
        return (surface, mailbox_id, send_key, f.index, f.filename, f.content_type, f.size, f.digest())

    def ref(self, key: tuple[object, ...]) -> str | None:
        with self._lock:
            found = self._refs.get(key)
            if found is not None:
                self._refs.move_to_end(key)
            return found

    def remember(self, key: tuple[object, ...], ref: str) -> None:
        with self._lock:
            self._refs[key] = ref
            while len(self._refs) > self._MAX_REFS:
                self._refs.popitem(last=False)
