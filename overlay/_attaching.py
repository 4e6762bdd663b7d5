"""A call with files, written once for both clients: `attach_files` is a generator of the steps it needs
(`Call` a generated method: the session, an upload, an upload intent; `Put` the presigned upload) that
ends with the call's options, every file replaced by an attachment object. Each client drives it
(`_sync_client`, `_async_client`), sending every step on the one request path and the answer back in.
`AttachmentState` keeps the API's limits per mailbox and the uploads of calls that named their own key.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from ._attachment_files import (
    MAILBOX_LIMITS,
    SENDING_LIMITS,
    AttachmentLimits,
    AttachmentPlan,
    LocalFile,
    inline_item,
    uploaded_item,
)
from ._errors import APIResponseValidationError
from ._operation import Operation
from ._raw_request import presigned_upload_operation
from ._request_options import RequestOptions
from ._types import Unset

__all__ = ["AttachmentState", "Call", "Put", "attach_files"]

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
    """The Mailbox API's attachment limits from its ``GET /mailbox/session`` answer; a limit the answer
    lacks or garbles (decoded leniently) is the API's documented default."""
    limits = getattr(session, "limits", None)

    def limit(name: str, default: int) -> int:
        value = getattr(limits, name, None)
        return value if type(value) is int and value >= 0 else default

    return AttachmentLimits(
        inline_max=limit("inline_attachment_bytes_max", MAILBOX_LIMITS.inline_max),
        upload_max=limit("attachment_upload_bytes_max", MAILBOX_LIMITS.upload_max),
    )


def _ref(value: object, field: str, route: str) -> str:
    """An upload's id from its answer; an answer without one is the server's fault, said as such."""
    if isinstance(value, str) and value:
        return value
    raise APIResponseValidationError(
        f"{route} succeeded but its answer has no usable `{field}` (got {type(value).__name__}); the file "
        "cannot be referenced in the message",
        status_code=200,
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


@dataclass(frozen=True, slots=True)
class Call:
    """Call this client's generated ``resource.method(**arguments)``; its return value is sent back."""

    resource: str
    method: str
    arguments: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Put:
    """Send the presigned upload (no credential) on the request path; its envelope's ``data`` is sent back."""

    op: Operation
    options: RequestOptions


def attach_files(
    op: Operation,
    options: RequestOptions,
    *,
    max_bytes: int | None,
    state: AttachmentState,
    base_url: str,
    allow_insecure_http: bool,
) -> Generator[Call | Put, Any, RequestOptions]:
    """The steps of one call with files; returns its options with every file as an attachment object."""
    plan = AttachmentPlan(options.body or {}, op.attachment_fields, max_bytes)
    if not plan.files:
        return options
    options, key, given = with_send_key(options)
    mailbox_id = mailbox_of(options)
    per_call: dict[str, Any] = {
        "timeout": options.timeout,
        "retry": options.retry,
        "max_retries": options.max_retries,
    }
    limits = SENDING_LIMITS
    if op.surface == "mailbox":
        known = state.limits.get(mailbox_id)
        if known is None:
            # The Mailbox API states its limits at run time; asked once per mailbox and client.
            session = yield Call("session", "get", {"mailbox_id": mailbox_id, "timeout": options.timeout})
            known = state.limits[mailbox_id] = mailbox_limits(session)
        limits = known
    inline, uploads = plan.split(limits)  # every size checked before the first upload
    items = {f.index: inline_item(op.surface, f) for f in inline}
    for f in uploads:
        cache_key = state.ref_key(op.surface, key, mailbox_id, f) if given else None
        ref = state.ref(cache_key) if cache_key else None
        if ref is None:
            if op.surface == "sending":
                # Its own key derived from the send's: the same call retried replays the same upload.
                arguments = {"file": f.source(), "filename": f.filename, "content_type": f.content_type}
                data = yield Call(
                    "attachments",
                    "upload",
                    {**arguments, "idempotency_key": f"{key}:attachment:{f.index}", **per_call},
                )
                ref = _ref(getattr(data, "attachment_id", None), "attachment_id", "POST /emails/attachments")
            else:
                intent = yield Call(
                    "attachments",
                    "create_upload",
                    {
                        "content_type": f.content_type,
                        "filename": f.filename,
                        "size_bytes": f.size,
                        "mailbox_id": mailbox_id,
                        **per_call,
                    },
                )
                put = presigned_upload_operation(intent.upload_url, base_url, op.surface, allow_insecure_http)
                upload = RequestOptions(
                    content=f.source(), extra_headers=presigned_headers(intent), **per_call
                )
                answer = yield Put(put, upload)
                blob_id = answer.get("blob_id") if isinstance(answer, dict) else None
                ref = _ref(blob_id, "blob_id", "the presigned upload PUT")
            if cache_key:
                state.remember(cache_key, ref)
        items[f.index] = uploaded_item(op.surface, f, ref)
    return options.replace(body=plan.body(items))
