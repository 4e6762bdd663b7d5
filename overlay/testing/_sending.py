"""The Sending API (another server in production; `fake.sending_url` here): send, batch send with
per-item results, attachment upload (direct and presigned), and the credential's connection."""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
import time
from typing import Any

from ._context import Ctx
from ._mail_account import connection_data
from ._protocol import ApiError, Result, iso, semantic_error, short_id

UPLOAD_TTL = 900.0
# Executable types the API refuses as attachments (422).
BLOCKED_TYPES = frozenset({"application/x-msdownload", "application/x-msdos-program", "application/x-sh"})


def _check_type(content_type: str, param: str) -> str:
    if content_type.split(";")[0].strip().lower() in BLOCKED_TYPES:
        raise semantic_error(param, f"Attachments of type {content_type} are not allowed.", "blocked_type")
    return content_type


def _check_message(ctx: Ctx, message: dict[str, Any], where: str) -> list[dict[str, Any]]:
    """Refused recipients and unusable attachments, as `ErrorDetail`-shaped failures (empty: fine)."""
    problems: list[dict[str, Any]] = []
    rejected = ctx.app.rejected_recipients
    recipients = [message["to"], *message.get("cc", []), *message.get("bcc", [])]
    for recipient in recipients:
        if recipient["email"].lower() in rejected:
            problems.append(
                {
                    "code": "recipient_rejected",
                    "message": f"The recipient {recipient['email']} is on the suppression list.",
                    "param": f"{where}to",
                    "retryable": False,
                }
            )
    store = ctx.team.sending["attachments"]
    for i, att in enumerate(message.get("attachments", [])):
        if "attachment_id" in att:
            if att["attachment_id"] not in store:
                problems.append(
                    {
                        "code": "attachment_not_found",
                        "message": f"No uploaded attachment {att['attachment_id']!r}.",
                        "param": f"{where}attachments[{i}].attachment_id",
                        "retryable": False,
                    }
                )
            continue
        try:
            base64.b64decode(att["content"], validate=True)
        except (binascii.Error, ValueError):
            problems.append(
                {
                    "code": "invalid_parameter",
                    "message": "Inline attachment content must be base64.",
                    "param": f"{where}attachments[{i}].content",
                    "retryable": False,
                }
            )
    return problems


def _queue(ctx: Ctx, message: dict[str, Any]) -> str:
    message_id = short_id("eml")
    ctx.team.sending["emails"][message_id] = {"id": message_id, "created_at": iso(), **message}
    ctx.created("emails")
    return message_id


def send(ctx: Ctx) -> Result:
    problems = _check_message(ctx, ctx.body, "")
    if problems:
        first = problems[0]
        raise semantic_error(first["param"], first["message"], first["code"])
    return Result({"message_id": _queue(ctx, ctx.body), "status": "queued"})


def send_batch(ctx: Ctx) -> Result:
    """Partial success: each message is queued or failed on its own; the batch itself is 200."""
    results = []
    for index, message in enumerate(ctx.body["messages"]):
        problems = _check_message(ctx, message, f"messages[{index}].")
        if problems:
            results.append({"index": index, "message_id": None, "status": "failed", "error": problems[0]})
        else:
            results.append({"index": index, "message_id": _queue(ctx, message), "status": "queued"})
    queued = sum(r["status"] == "queued" for r in results)
    summary = {"total": len(results), "queued": queued, "failed": len(results) - queued}
    return Result({"results": results, "summary": summary})


def _attachment(filename: str, content_type: str, data: bytes) -> dict[str, Any]:
    return {
        "attachment_id": short_id("att"),
        "filename": filename,
        "content_type": content_type,
        "size_bytes": len(data),
        "expires_at": iso(time.time() + 86_400),
    }


def _store(ctx: Ctx, team_sending: dict[str, dict[str, Any]], meta: dict[str, Any], data: bytes) -> Result:
    team_sending["attachments"][meta["attachment_id"]] = {"meta": meta, "data": data}
    ctx.created("attachments")
    location = f"/api/v1/emails/attachments/{meta['attachment_id']}"
    return Result(meta, status=201, headers={"Location": location})


def upload(ctx: Ctx) -> Result:
    if not ctx.raw_body:
        raise ApiError("invalid_parameter", "The upload is empty.", param="body")
    content_type = _check_type(
        str(ctx.query.get("content_type") or "application/octet-stream"), "content_type"
    )
    meta = _attachment(str(ctx.query["filename"]), content_type, ctx.raw_body)
    return _store(ctx, ctx.team.sending, meta, ctx.raw_body)


def create_upload(ctx: Ctx) -> Result:
    size = int(ctx.body["size_bytes"])
    if size > ctx.app.max_upload:
        raise ApiError(
            "payload_too_large", f"Attachments are limited to {ctx.app.max_upload} bytes.", param="size_bytes"
        )
    upload_id = short_id("upl")
    token = "upt_" + secrets.token_urlsafe(24)
    content_type = _check_type(
        str(ctx.body.get("content_type") or "application/octet-stream"), "content_type"
    )
    ctx.team.sending["uploads"][upload_id] = {
        **ctx.body,
        "content_type": content_type,
        "token": token,
        "used": False,
        "expires": time.time() + UPLOAD_TTL,
    }
    host = ctx.headers.get("host", "127.0.0.1")
    data = {
        "upload_id": upload_id,
        "upload_url": f"http://{host}/sending/api/v1/emails/attachment-uploads/{upload_id}",
        "method": "PUT",
        "expires_at": iso(time.time() + UPLOAD_TTL),
        "max_size_bytes": ctx.app.max_upload,
        "headers": {
            "X-Sendmux-Upload-Token": token,
            "Content-Type": content_type,
            "Content-Length": str(size),
        },
    }
    location = f"/api/v1/emails/attachment-uploads/{upload_id}"
    return Result(data, status=201, headers={"Location": location})


def complete_upload(ctx: Ctx) -> Result:
    """Authenticated by `X-Sendmux-Upload-Token` alone: an API key is not a substitute."""
    token = ctx.headers.get("x-sendmux-upload-token")
    if not token:
        raise ApiError(
            "authentication_required",
            "Send the upload token from POST /emails/attachment-uploads as X-Sendmux-Upload-Token.",
        )
    upload_id = ctx.path_params["upload_id"]
    for team in ctx.app.state.teams.values():
        intent = team.sending["uploads"].get(upload_id)
        if intent is None:
            continue
        if not secrets.compare_digest(token, intent["token"]):
            raise ApiError("authentication_required", "Invalid upload token.")
        if intent["used"]:
            raise ApiError("conflict", "This upload was already completed.")
        if time.time() > intent["expires"]:
            raise ApiError("not_found", f"Upload {upload_id!r} has expired.")
        data = ctx.raw_body
        if not data:
            raise ApiError("invalid_parameter", "The upload is empty.", param="body")
        if len(data) != int(intent["size_bytes"]):
            raise semantic_error("Content-Length", "The body's size differs from the upload's size_bytes.")
        if "sha256" in intent and hashlib.sha256(data).hexdigest() != intent["sha256"]:
            raise semantic_error(
                "sha256", "The body's sha256 differs from the upload's.", "checksum_mismatch"
            )
        intent["used"] = True
        meta = _attachment(str(intent["filename"]), str(intent["content_type"]), data)
        return _store(ctx, team.sending, meta, data)
    raise ApiError("not_found", f"Upload {upload_id!r} was not found.")


def get_attachment(ctx: Ctx) -> Result:
    found = ctx.team.sending["attachments"].get(ctx.path_params["attachment_id"])
    if found is None:
        raise ApiError("not_found", f"Attachment {ctx.path_params['attachment_id']!r} was not found.")
    return Result(found["meta"])


def connection(ctx: Ctx) -> Result:
    return Result(connection_data(ctx.team, ctx.api_key), etag=True)


OPENAPI_DOC = {
    "openapi": "3.1.0",
    "info": {"title": "Sendmux Sending API (FakeSendmux)", "version": "fake"},
    "servers": [{"url": "https://smtp.sendmux.ai/api/v1"}],
    "paths": {},
}


def openapi_spec(ctx: Ctx) -> Result:
    return Result(OPENAPI_DOC, raw=True, etag=True)


HANDLERS = {
    "sendingSendEmail": send,
    "sendingSendEmailBatch": send_batch,
    "sendingUploadAttachment": upload,
    "sendingCreateAttachmentUpload": create_upload,
    "sendingCompleteAttachmentUpload": complete_upload,
    "sendingGetAttachment": get_attachment,
    "sendingGetConnection": connection,
    "sendingGetOpenApiSpec": openapi_spec,
}
