"""Mailbox API: messages, threads, bodies, change feeds, sending, attachments (upload, presigned, Range
download) and the realtime event stream."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from . import _mail_store as ms
from ._context import Ctx
from ._mail_store import MailStore, resolve
from ._protocol import ApiError, Result, iso, new_id, semantic_error
from ._state import Record

if TYPE_CHECKING:
    from ._context import Server

UPLOAD_PREFIX = "/_uploads/mailbox/"  # where presigned PUTs go (not an API operation)
CHUNK = 65_536
TOKEN_ROUTES = frozenset({"mailboxGetMessageAttachment"})  # may authenticate with `download_token`
BURST = 200  # events per chunk of the event stream at most
MESSAGE_BODY_CHARS = 100_000


def _message(ctx: Ctx, store: MailStore) -> Record:
    return store.get("messages", ctx.path_params["message_id"], "Message")


def _matches(data: dict[str, Any], query: dict[str, Any]) -> bool:
    """The list/count filters the fake understands (the rest are accepted and ignored)."""
    text = " ".join(str(data.get(k) or "") for k in ("subject", "preview", "text_body")).lower()
    if "q" in query and str(query["q"]).lower() not in text:
        return False
    if "subject" in query and str(query["subject"]).lower() not in str(data["subject"] or "").lower():
        return False
    if "body" in query and str(query["body"]).lower() not in str(data["text_body"] or "").lower():
        return False
    if "from" in query and str(query["from"]).lower() not in str((data["from"] or {}).get("email", "")):
        return False
    if "to" in query and not any(str(query["to"]).lower() in a["email"] for a in data["to"]):
        return False
    if "folder_id" in query and query["folder_id"] not in data["folder_ids"]:
        return False
    if "thread_id" in query and query["thread_id"] != data["thread_id"]:
        return False
    if "is_unread" in query and bool(query["is_unread"]) == data["flags"]["seen"]:
        return False
    if "has_attachment" in query and bool(query["has_attachment"]) != data["has_attachments"]:
        return False
    if "keyword" in query and query["keyword"] not in data["keywords"]:
        return False
    if "after" in query and not _moment(data["received_at"]) > _moment(query["after"], "after"):
        return False
    if "before" in query and not _moment(data["received_at"]) < _moment(query["before"], "before"):
        return False
    return not ("not_keyword" in query and query["not_keyword"] in data["keywords"])


def _moment(text: Any, param: str | None = None) -> datetime:
    """An ISO 8601 timestamp (a `Z` or an offset; naive ones read as UTC), or a 400 naming `param`."""
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        raise ApiError(
            "invalid_parameter", f"`{param}` must be an ISO 8601 timestamp.", param=param
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _filtered(ctx: Ctx, store: MailStore) -> list[Record]:
    return [r for r in store.all("messages") if _matches(r.data, ctx.query)]


def _descending(ctx: Ctx, name: str = "sort_direction") -> bool:
    return str(ctx.query.get(name, "desc")) == "desc"


# ---- messages -----------------------------------------------------------------------------------


def list_messages(ctx: Ctx) -> Result:
    store = resolve(ctx)
    return ctx.page(
        _filtered(ctx, store),
        lambda r: ms.summary(r.data),
        descending=_descending(ctx),
        meta={"sync_state": store.state},
    )


def count_messages(ctx: Ctx) -> Result:
    store = resolve(ctx)
    return Result({"total": len(_filtered(ctx, store)), "sync_state": store.state})


def get_message(ctx: Ctx) -> Result:
    return Result(_message(ctx, resolve(ctx)).data, etag=True)


def _apply_patch(store: MailStore, record: Record, body: dict[str, Any]) -> None:
    data = record.data
    if "seen" in body:
        data["flags"]["seen"] = bool(body["seen"])
    if "flagged" in body:
        data["flags"]["flagged"] = bool(body["flagged"])
    for keyword, on in (body.get("keywords") or {}).items():
        if on and keyword not in data["keywords"]:
            data["keywords"].append(keyword)
        elif not on and keyword in data["keywords"]:
            data["keywords"].remove(keyword)
    store.changed("messages", record.id, "updated")


def update_message(ctx: Ctx) -> Result:
    store = resolve(ctx)
    record = _message(ctx, store)
    ctx.if_match(record.data)
    _apply_patch(store, record, ctx.body)
    return Result(record.data, etag=True)


def _delete(store: MailStore, record: Record, permanent: bool) -> None:
    trash = store.folder_by_role("trash").id
    if permanent or record.data["folder_ids"] == [trash]:
        store.remove("messages", record.id)
        return
    record.data["folder_ids"] = [trash]  # a plain delete moves to Trash first, like mail clients do
    store.changed("messages", record.id, "updated")


def delete_message(ctx: Ctx) -> Result:
    store = resolve(ctx)
    record = _message(ctx, store)
    ctx.if_match(record.data)
    _delete(store, record, bool(ctx.query.get("permanent", False)))
    return Result({"deleted": True, "id": record.id})


def _check_state(ctx: Ctx, store: MailStore) -> str:
    expected = ctx.body.get("if_in_state")
    if expected is not None and expected != store.state:
        raise ApiError("conflict", "The mailbox changed since `if_in_state`; sync and retry.")
    return store.state


def _batch(ctx: Ctx, done_key: str, act: Callable[[MailStore, Record], None]) -> Result:
    """Apply `act` to each message of `ids` (after the `if_in_state` check); unknown ids are reported."""
    store = resolve(ctx)
    old = _check_state(ctx, store)
    done, missing = [], []
    for message_id in ctx.body["ids"]:
        record = store.records["messages"].get(message_id)
        if record is None:
            missing.append(message_id)
            continue
        act(store, record)
        done.append(message_id)
    states = {"old_state": old, "new_state": store.state}
    return Result({done_key: done, "not_found": missing, "failed": [], "states": states})


def batch_update(ctx: Ctx) -> Result:
    return _batch(ctx, "updated", lambda store, record: _apply_patch(store, record, ctx.body))


def batch_delete(ctx: Ctx) -> Result:
    permanent = bool(ctx.body.get("permanent", False))
    return _batch(ctx, "deleted", lambda store, record: _delete(store, record, permanent))


def _truncate(text: str | None, limit: int) -> tuple[str | None, bool]:
    if text is None or len(text) <= limit:
        return text, False
    return text[:limit], True


def raw_body(store: MailStore, data: dict[str, Any], part: str, limit: int) -> dict[str, Any]:
    text, cut_text = _truncate(data["text_body"] if part in ("text", "both") else None, limit)
    html, cut_html = _truncate(data["html_body"] if part in ("html", "both") else None, limit)
    cut = cut_text or cut_html
    return {
        "id": data["id"],
        "thread_id": data["thread_id"],
        "part": part,
        "body": {
            "text": text,
            "html": html,
            "is_truncated": cut,
            "truncated_at_chars": limit if cut else None,
        },
        "states": {"email_state": store.state},
    }


def content(store: MailStore, data: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """`MailboxMessageContent`: the clean, agent-friendly view of a message."""
    limit = int(options.get("max_body_chars", MESSAGE_BODY_CHARS))
    text = str(data["text_body"] or "")
    signature_stripped = bool(options.get("strip_signature", True)) and "\n-- \n" in text
    if signature_stripped:
        text = text.split("\n-- \n", 1)[0]
    quotes_stripped = bool(options.get("strip_quotes", True)) and "\n>" in text
    if quotes_stripped:
        text = "\n".join(line for line in text.splitlines() if not line.startswith(">"))
    cut_text, cut = _truncate(text, limit)
    include_html = bool(options.get("include_html", False))
    links = [w for w in text.split() if w.startswith(("http://", "https://"))]
    mode = str(options.get("include_headers", "selected"))
    selected = {
        "message_id": data["message_id"],
        "in_reply_to": (data["in_reply_to"] or [None])[0],
        "references": data["references"],
        "reply_to": data["reply_to"],
    }
    headers = {
        "mode": mode,
        "selected": selected if mode != "none" else None,
        "full": [{"name": "Subject", "value": str(data["subject"] or "")}] if mode == "full" else None,
    }
    option_hash = hashlib.sha256(json.dumps(options, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return {
        "id": data["id"],
        "thread_id": data["thread_id"],
        "subject": data["subject"],
        "participants": {k: data[k] for k in ("from", "to", "cc", "bcc", "reply_to")},
        "dates": {"received_at": data["received_at"], "sent_at": data["sent_at"]},
        "body": {
            "format": "text",
            "text": cut_text,
            "html": data["html_body"] if include_html else None,
            "is_truncated": cut,
            "truncated_at_chars": limit if cut else None,
            "signature_stripped": signature_stripped,
            "quotes_stripped": quotes_stripped,
            "extracted_links": links if options.get("include_links", True) else [],
        },
        "headers": headers,
        "attachments": data["attachments"]
        if options.get("include_attachments", "metadata") != "none"
        else [],
        "states": {"email_state": store.state, "option_hash": option_hash},
    }


def get_body(ctx: Ctx) -> Result:
    store = resolve(ctx)
    part = str(ctx.query.get("part", "text"))
    part = "text" if part == "auto" else part
    limit = int(ctx.query.get("max_body_chars", MESSAGE_BODY_CHARS))
    return Result(raw_body(store, _message(ctx, store).data, part, limit), etag=True)


def get_content(ctx: Ctx) -> Result:
    store = resolve(ctx)
    return Result(content(store, _message(ctx, store).data, ctx.query), etag=True)


def batch_get(ctx: Ctx) -> Result:
    store = resolve(ctx)
    mode = str(ctx.body.get("body_mode", "none"))
    items, missing = [], []
    for message_id in ctx.body["ids"]:
        record = store.records["messages"].get(message_id)
        if record is None:
            missing.append(message_id)
            continue
        part = str(ctx.body.get("part", "text"))
        limit = int(ctx.body.get("max_body_chars", MESSAGE_BODY_CHARS))
        items.append(
            {
                "message": ms.summary(record.data),
                "raw_body": raw_body(store, record.data, "text" if part == "auto" else part, limit)
                if mode == "raw"
                else None,
                "content": content(store, record.data, ctx.body) if mode == "clean_json" else None,
            }
        )
    return Result({"messages": items, "not_found": missing, "states": {"email_state": store.state}})


def search_snippets(ctx: Ctx) -> Result:
    store = resolve(ctx)
    wanted = [i for i in str(ctx.query.get("message_ids", "")).split(",") if i]
    records = _filtered(ctx, store)
    if wanted:
        records = [r for r in records if r.id in wanted]
    limit = int(ctx.query.get("limit", 50))
    snippets = [
        {"message_id": r.id, "subject": r.data["subject"], "preview": r.data["preview"]} for r in records
    ][:limit]
    missing = [i for i in wanted if i not in store.records["messages"]]
    return Result({"snippets": snippets, "not_found": missing, "sync_state": store.state})


def _query_changes(ctx: Ctx, store: MailStore, kind: str, order: list[str]) -> dict[str, Any]:
    """`...QueryChanges`: ids removed from and added to the query's ordered results since the state."""
    token = ctx.query.get("since_query_state")
    since = ms.parse_state(token, "since_query_state")
    limit = int(ctx.query.get("limit", 50))
    entries = [c for c in store.log if c.version > since and c.kind == kind]
    page, has_more = entries[:limit], len(entries) > limit
    removed = list(dict.fromkeys(c.id for c in page if c.op != "created"))
    position = {public_id: i for i, public_id in enumerate(order)}
    added = [{"id": c.id, "index": position[c.id]} for c in page if c.op != "destroyed" and c.id in position]
    added = list({a["id"]: a for a in added}.values())
    total = len(order) if kind != "messages" or ctx.query.get("calculate_total") else None
    return {
        "old_query_state": None if token is None else str(token),
        "new_query_state": f"s{page[-1].version if has_more else store.version}",
        "has_more": has_more,
        "removed": removed,
        "added": added,
        "total": total,
    }


def query_message_changes(ctx: Ctx) -> Result:
    store = resolve(ctx)
    ordered = sorted(_filtered(ctx, store), key=lambda r: r.seq, reverse=_descending(ctx))
    return Result(_query_changes(ctx, store, "messages", [r.id for r in ordered]))


def get_changes(ctx: Ctx) -> Result:
    """Legacy message changes, or a typed map when `types` is given."""
    store = resolve(ctx)
    limit = int(ctx.query.get("limit", 50))
    types = ctx.query.get("types")
    if types is None:
        return Result(ms.changes(store, "messages", ctx.query.get("since_state"), limit, "since_state"))
    out: dict[str, Any] = {}
    for kind in [t.strip() for t in str(types).split(",") if t.strip()]:
        if kind not in ms.KINDS:
            raise ApiError("invalid_parameter", f"types: unknown type {kind!r}.", param="types")
        param = f"{kind}_since_state"
        out[kind] = ms.changes(store, kind, ctx.query.get(param), limit, param)
    return Result({"types": out})


# ---- threads ------------------------------------------------------------------------------------


def _threads(store: MailStore) -> dict[str, list[Record]]:
    grouped: dict[str, list[Record]] = {}
    for record in sorted(store.all("messages"), key=lambda r: r.seq):
        if record.data["thread_id"]:
            grouped.setdefault(record.data["thread_id"], []).append(record)
    return grouped


def thread_data(store: MailStore, thread_id: str, messages: list[Record], *, detail: bool) -> dict[str, Any]:
    people: dict[str, dict[str, Any]] = {}
    for r in messages:
        for a in [r.data["from"], *r.data["to"], *r.data["cc"]]:
            if a:
                people.setdefault(a["email"], a)
    folders = list(dict.fromkeys(f for r in messages for f in r.data["folder_ids"]))
    data: dict[str, Any] = {
        "id": thread_id,
        "subject": messages[0].data["subject"],
        "message_count": len(messages),
        "unread_count": sum(not r.data["flags"]["seen"] for r in messages),
        "has_attachments": any(r.data["has_attachments"] for r in messages),
        "folder_ids": folders,
        "participants": list(people.values()),
        "last_message": ms.summary(messages[-1].data),
        "states": {"thread_state": store.state, "email_state": store.state},
    }
    if detail:
        data["message_ids"] = [r.id for r in messages]
    return data


def _thread(ctx: Ctx, store: MailStore) -> list[Record]:
    found = _threads(store).get(ctx.path_params["thread_id"])
    if not found:
        raise ApiError("not_found", f"Thread {ctx.path_params['thread_id']!r} was not found.")
    return found


def list_threads(ctx: Ctx) -> Result:
    store = resolve(ctx)
    rows = []
    for thread_id, messages in _threads(store).items():
        if "folder_id" in ctx.query and not any(
            ctx.query["folder_id"] in r.data["folder_ids"] for r in messages
        ):
            continue
        if "q" in ctx.query and not any(_matches(r.data, {"q": ctx.query["q"]}) for r in messages):
            continue
        if "is_unread" in ctx.query and bool(ctx.query["is_unread"]) != any(
            not r.data["flags"]["seen"] for r in messages
        ):
            continue
        data = thread_data(store, thread_id, messages, detail=False)
        rows.append(Record(ctx.team.seq_of[thread_id], data))
    return ctx.page(rows, lambda r: r.data, descending=_descending(ctx), meta={"query_state": store.state})


def get_thread(ctx: Ctx) -> Result:
    store = resolve(ctx)
    return Result(
        thread_data(store, ctx.path_params["thread_id"], _thread(ctx, store), detail=True), etag=True
    )


def list_thread_messages(ctx: Ctx) -> Result:
    store = resolve(ctx)
    messages = _thread(ctx, store)
    meta = {"thread_id": ctx.path_params["thread_id"], "sync_state": store.state}
    descending = str(ctx.query.get("sort", "asc")) == "desc"
    return ctx.page(messages, lambda r: ms.summary(r.data), descending=descending, meta=meta)


def get_thread_content(ctx: Ctx) -> Result:
    store = resolve(ctx)
    messages = _thread(ctx, store)
    data = thread_data(store, ctx.path_params["thread_id"], messages, detail=False)
    option_hash = hashlib.sha256(json.dumps(ctx.query, sort_keys=True, default=str).encode()).hexdigest()[:16]
    meta = {
        "thread_id": data["id"],
        "participants": data["participants"],
        "states": {"thread_state": store.state, "email_state": store.state, "option_hash": option_hash},
    }
    descending = str(ctx.query.get("sort", "asc")) == "desc"
    result = ctx.page(messages, lambda r: content(store, r.data, ctx.query), descending=descending, meta=meta)
    result.etag = True
    return result


# ---- sending and attachments --------------------------------------------------------------------


def send_message(ctx: Ctx) -> Result:
    store = resolve(ctx)
    body = ctx.body
    blobs: dict[str, bytes] = {}
    for i, att in enumerate(body.get("attachments") or []):
        if "blob_id" in att:
            blob = store.blobs.get(att["blob_id"])
            if blob is None:
                raise semantic_error(f"attachments[{i}].blob_id", f"No uploaded blob {att['blob_id']!r}.")
            blobs[att["filename"]] = blob["data"]
        else:
            try:
                blobs[att["filename"]] = base64.b64decode(att["content"], validate=True)
            except (binascii.Error, ValueError):
                raise ApiError(
                    "invalid_parameter",
                    "Attachment content must be base64.",
                    param=f"attachments[{i}].content",
                ) from None
            limit = ctx.app.mailbox_limits["inline_attachment_bytes_max"]
            if len(blobs[att["filename"]]) > limit:
                raise ApiError(
                    "payload_too_large",
                    f"Inline attachments are limited to {limit} bytes; upload larger files.",
                    param=f"attachments[{i}].content",
                )
    mailbox = store.mailbox.data
    sender = body.get("from") or ms.address(mailbox["email"], mailbox.get("display_name"))
    data, att_bytes = ms.message(
        folder_ids=[store.folder_by_role("sent").id],
        attachments=blobs,
        subject=body["subject"],
        text_body=body.get("text_body"),
        html_body=body.get("html_body"),
        to=[ms.address(a["email"], a.get("name")) for a in body["to"]],
        cc=[ms.address(a["email"], a.get("name")) for a in body.get("cc", [])],
        bcc=[ms.address(a["email"], a.get("name")) for a in body.get("bcc", [])],
        reply_to=[ms.address(a["email"], a.get("name")) for a in body.get("reply_to", [])],
        received_at=None,
        flags={"seen": True, "flagged": False, "draft": False, "answered": False},
        **{"from": {"email": sender["email"], "name": sender.get("name")}},
    )
    add_message(ctx.team, store, data, att_bytes)
    identity = next(iter(store.records["identities"]), None)
    submission = ms.submission(
        identity_id=identity,
        email_id=data["id"],
        thread_id=data["thread_id"],
        sender=sender["email"],
        recipients=[a["email"] for a in data["to"] + data["cc"] + data["bcc"]],
    )
    store.add("submissions", submission)
    ctx.created("mail_messages")
    return Result({"message_id": data["id"], "status": "queued"})


def add_message(team: Any, store: MailStore, data: dict[str, Any], blobs: dict[str, bytes]) -> Record:
    record = store.add("messages", data, blobs=blobs)
    thread_id = data["thread_id"]
    if thread_id and thread_id not in team.seq_of:
        team.seq_of[thread_id] = record.seq
    for folder_id in data["folder_ids"]:
        folder = store.records["folders"].get(folder_id)
        if folder is not None:
            folder.data["total_messages"] += 1
            folder.data["unread_messages"] += 0 if data["flags"]["seen"] else 1
            store.changed("folders", folder_id, "updated")
    return record


def _blob(store: MailStore, filename: str, content_type: str, data: bytes) -> dict[str, Any]:
    blob_id = new_id("mblob")
    store.blobs[blob_id] = {"filename": filename, "content_type": content_type, "data": data}
    return {"blob_id": blob_id, "filename": filename, "content_type": content_type, "size_bytes": len(data)}


def upload_attachment(ctx: Ctx) -> Result:
    store = resolve(ctx)
    if not ctx.raw_body:
        raise ApiError("invalid_parameter", "The upload is empty.", param="body")
    limit = ctx.app.mailbox_limits["attachment_upload_bytes_max"]
    if len(ctx.raw_body) > limit:
        raise ApiError("payload_too_large", f"Attachments are limited to {limit} bytes.", param="body")
    filename = str(ctx.query["filename"])
    given = ctx.headers.get("content-type", "application/octet-stream")
    kind = ms.guess_type(filename) if given == "application/octet-stream" else given
    return Result(_blob(store, filename, kind, ctx.raw_body))


def create_upload(ctx: Ctx) -> Result:
    store = resolve(ctx)
    size = int(ctx.body["size_bytes"])
    limit = min(ctx.app.max_upload, ctx.app.mailbox_limits["attachment_upload_bytes_max"])
    if size > limit:
        raise ApiError("payload_too_large", f"Attachments are limited to {limit} bytes.", param="size_bytes")
    upload_id = new_id("mupl")
    token = secrets.token_urlsafe(24)
    store.uploads[upload_id] = {**ctx.body, "token": token, "used": False}
    host = ctx.headers.get("host", "127.0.0.1")
    return Result(
        {
            "upload_id": upload_id,
            "upload_url": f"http://{host}{UPLOAD_PREFIX}{upload_id}?signature={token}",
            "method": "PUT",
            "expires_at": iso(time.time() + 900),
            "headers": {"Content-Type": ctx.body["content_type"], "Content-Length": str(size)},
            "max_size_bytes": limit,
        }
    )


def presigned_put(
    app: Server, method: str, path: str, query: str, headers: dict[str, str], body: bytes
) -> Result:
    """The PUT to a presigned `upload_url`: authenticated by its signature, never by a bearer key."""
    upload_id = path[len(UPLOAD_PREFIX) :]
    signature = (parse_qs(query).get("signature") or [""])[0]
    for team in app.state.teams.values():
        for store in team.mail.values():
            intent = store.uploads.get(upload_id)
            if intent is None:
                continue
            if method != "PUT":
                raise ApiError("invalid_parameter", "Presigned uploads take PUT.")
            if not secrets.compare_digest(signature, intent["token"]) or intent["used"]:
                raise ApiError("authentication_required", "Invalid or used upload signature.")
            if "content-length" not in headers or len(body) != int(intent["size_bytes"]):
                raise ApiError("invalid_parameter", "Content-Length differs from the upload's size_bytes.")
            if headers.get("content-type") != intent["content_type"]:
                raise ApiError("invalid_parameter", "Content-Type differs from the upload's content_type.")
            intent["used"] = True
            return Result(_blob(store, intent["filename"], intent["content_type"], body))
    raise ApiError("not_found", f"Upload {upload_id!r} was not found.")


def _range(header: str, size: int) -> tuple[int, int] | None:
    """`bytes=a-b`, `bytes=a-` or `bytes=-n` → inclusive (start, end); None for no usable range."""
    unit, _, spec = header.partition("=")
    if unit.strip() != "bytes" or "," in spec:
        raise ApiError("invalid_parameter", "Range must be one `bytes=` range.", param="Range")
    first, _, last = spec.strip().partition("-")
    try:
        if first == "":
            start, end = max(0, size - int(last)), size - 1
        else:
            start, end = int(first), (int(last) if last else size - 1)
    except ValueError:
        raise ApiError("invalid_parameter", f"Malformed Range {header!r}.", param="Range") from None
    if start >= size or end < start:
        raise ApiError("invalid_parameter", f"Range {header!r} is outside the {size} bytes.", param="Range")
    return start, min(end, size - 1)


def _chunks(data: bytes, start: int, end: int) -> Iterator[bytes]:
    view = memoryview(data)
    for offset in range(start, end + 1, CHUNK):
        yield bytes(view[offset : min(offset + CHUNK, end + 1)])


def _by_download_token(ctx: Ctx) -> Record:
    """The message a `download_url` names, found by its token alone (no API key on such a request)."""
    token = str(ctx.query.get("download_token", ""))
    message_id, att_id = ctx.path_params["message_id"], ctx.path_params["attachment_id"]
    for team in ctx.app.state.teams.values():
        stores: list[MailStore] = list(team.mail.values())
        for store in stores:
            record = store.records["messages"].get(message_id)
            if record is None:
                continue
            for meta in record.data["attachments"]:
                url = str(meta["download_url"])
                if meta["id"] == att_id and secrets.compare_digest(
                    url.rsplit("download_token=", 1)[-1], token
                ):
                    return record
    raise ApiError("authentication_required", "Invalid or expired download_token.")


def download_attachment(ctx: Ctx) -> Result:
    record = _by_download_token(ctx) if ctx.key is None else _message(ctx, resolve(ctx))
    att_id = ctx.path_params["attachment_id"]
    meta = next((a for a in record.data["attachments"] if a["id"] == att_id), None)
    data = record.extra.get("blobs", {}).get(att_id)
    if meta is None or data is None:
        raise ApiError("not_found", f"Attachment {att_id!r} was not found.")
    size = len(data)
    etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
    headers = {
        "ETag": etag,
        "Accept-Ranges": "bytes",
        "Content-Disposition": f'attachment; filename="{meta["filename"]}"',
    }
    wanted = ctx.headers.get("range")
    if_range = ctx.headers.get("if-range")
    span = _range(wanted, size) if wanted and (if_range is None or if_range == etag) else None
    if span is None:
        return Result(
            stream=_chunks(data, 0, size - 1), length=size, content_type=meta["content_type"], headers=headers
        )
    start, end = span
    headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    return Result(
        status=206,
        stream=_chunks(data, start, end),
        length=end - start + 1,
        content_type=meta["content_type"],
        headers=headers,
    )


# ---- realtime events ----------------------------------------------------------------------------


def _event_block(event: ms.Event, retry_ms: int | None) -> bytes:
    lines = [f"id: {event.id}", f"event: {event.event}"]
    if retry_ms is not None:
        lines.append(f"retry: {retry_ms}")
    lines.append("data: " + json.dumps(event.data, separators=(",", ":")))
    return ("\n".join(lines) + "\n\n").encode()


def stream_events(ctx: Ctx) -> Result:
    store = resolve(ctx)
    app = ctx.app
    resume = ctx.headers.get("last-event-id") or ctx.query.get("last_event_id")
    after = int(resume) if resume and str(resume).isdigit() else 0
    if resume is None:  # a new subscriber sees what happens from now on
        after = store.events[-1].id if store.events else 0
    wanted = {t.strip() for t in str(ctx.query.get("event_types", "")).split(",") if t.strip()} or None
    ping = app.sse_ping if app.sse_ping is not None else float(ctx.query.get("ping", 15))
    close_after = float(ctx.query.get("close_after", 300))
    retry_ms = app.sse_retry_ms
    return Result(
        stream=_event_stream(app, store, after, wanted, ping, close_after, retry_ms),
        content_type="text/event-stream",
        headers={"X-Accel-Buffering": "no"},
    )


def _event_stream(
    app: Server,
    store: MailStore,
    after: int,
    wanted: set[str] | None,
    ping: float,
    close_after: float,
    retry_ms: int,
) -> Iterator[bytes]:
    """Every logged event after `after` (that `wanted` takes), then new ones as they come; a `: ping`
    comment after `ping` idle seconds; a clean end after `close_after` seconds, when the fake stops, or
    once drained if `close_event_streams()` was called.  Runs outside the server lock between events."""
    deadline = time.monotonic() + close_after
    first = True
    while True:
        with app.mail_changed:
            pending = [e for e in store.events if e.id > after and (wanted is None or e.event in wanted)]
            if not pending:
                if store.close_when_drained or app.stopping.is_set():
                    return
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                woke = app.mail_changed.wait(min(ping, remaining))
                if woke:
                    continue
        if not pending:
            if time.monotonic() < deadline:
                yield b": ping\n\n"
            continue
        # A burst goes out as one chunk (one write): the server splits it per event only to drop mid-event.
        for start in range(0, len(pending), BURST):
            burst = pending[start : start + BURST]
            yield b"".join(
                _event_block(e, retry_ms if first and i == 0 else None) for i, e in enumerate(burst)
            )
            first = False
            after = burst[-1].id


def realtime_event(store: MailStore, event_type: str, data: dict[str, Any] | None) -> dict[str, Any]:
    """A `MailboxRealtimeEvent` (for a received message: its capped snapshot)."""
    snapshot = None
    if data is not None:
        snapshot = {k: data[k] for k in ms.SUMMARY_FIELDS}
        snapshot["rfc5322_message_id"] = (data["message_id"] or [None])[0]
        text, cut = _truncate(data["text_body"], 4096)
        snapshot["body"] = {"text": text, "html": None, "is_truncated": cut, "max_bytes": 4096}
    return {
        "event_type": event_type,
        "team_public_id": store.team.id,
        "mailbox_id": store.id,
        "message_id": data["id"] if data else None,
        "message_id_kind": "provider" if data else None,
        "sender": (data["from"] or {}).get("email") if data else None,
        "recipients": [a["email"] for a in data["to"]] if data else [],
        "is_spam": (event_type == "message.received.spam") if data else None,
        "message": snapshot,
        "occurred_at": iso(),
    }


HANDLERS = {
    "mailboxListMessages": list_messages,
    "mailboxCountMessages": count_messages,
    "mailboxGetMessage": get_message,
    "mailboxUpdateMessage": update_message,
    "mailboxDeleteMessage": delete_message,
    "mailboxBatchGetMessages": batch_get,
    "mailboxBatchUpdateMessages": batch_update,
    "mailboxBatchDeleteMessages": batch_delete,
    "mailboxSearchMessageSnippets": search_snippets,
    "mailboxQueryMessageChanges": query_message_changes,
    "mailboxListBody": get_body,
    "mailboxListContent": get_content,
    "mailboxGetChanges": get_changes,
    "mailboxListThreads": list_threads,
    "mailboxGetThread": get_thread,
    "mailboxListThreadMessages": list_thread_messages,
    "mailboxGetThreadContent": get_thread_content,
    "mailboxSendMessage": send_message,
    "mailboxUploadAttachment": upload_attachment,
    "mailboxCreateAttachmentUpload": create_upload,
    "mailboxGetMessageAttachment": download_attachment,
    "mailboxStreamEvents": stream_events,
}
