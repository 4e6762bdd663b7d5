"""Mailbox API: folders, identities, submissions, quotas and usage, the session, `me`, the credential's
connection and its granted mailboxes."""

from __future__ import annotations

from typing import Any

from . import _mail_store as ms
from ._context import Ctx
from ._mail_messages import _query_changes
from ._mail_store import MailStore, resolve
from ._protocol import ApiError, Result, semantic_error
from ._state import ApiKey, Record, Team


def _all(*names: str) -> dict[str, bool]:
    return dict.fromkeys(names, True)


def _changes(ctx: Ctx, kind: str) -> Result:
    store = resolve(ctx)
    limit = int(ctx.query.get("limit", 50))
    return Result(ms.changes(store, kind, ctx.query.get("since_state"), limit, "since_state"))


# ---- folders ------------------------------------------------------------------------------------


def _folder(ctx: Ctx, store: MailStore) -> Record:
    return store.get("folders", ctx.path_params["folder_id"], "Folder")


def _check_parent(store: MailStore, parent: Any, itself: str | None = None) -> None:
    if parent is not None and (parent not in store.records["folders"] or parent == itself):
        raise semantic_error("parent_id", f"No folder {parent!r} to nest under.", "invalid_reference")


def list_folders(ctx: Ctx) -> Result:
    store = resolve(ctx)
    return ctx.page(store.all("folders"), lambda r: r.data)


def get_folder(ctx: Ctx) -> Result:
    return Result(_folder(ctx, resolve(ctx)).data, etag=True)


def create_folder(ctx: Ctx) -> Result:
    store = resolve(ctx)
    name = str(ctx.body["name"]).strip()
    if not name:
        raise semantic_error("name", "A folder needs a name.", "empty")
    if any(
        r.data["name"] == name and r.data["parent_id"] == ctx.body.get("parent_id")
        for r in store.all("folders")
    ):
        raise semantic_error("name", f"A folder named {name!r} already exists here.", "duplicate")
    _check_parent(store, ctx.body.get("parent_id"))
    data = ms.folder(name, parent_id=ctx.body.get("parent_id"), sort_order=ctx.body.get("sort_order"))
    store.add("folders", data)
    ctx.created("mail_folders")
    return Result(data, status=201)


def update_folder(ctx: Ctx) -> Result:
    store = resolve(ctx)
    record = _folder(ctx, store)
    ctx.if_match(record.data)
    if record.data["role"] is not None and "name" in ctx.body:
        raise ApiError("conflict", f"The {record.data['role']} folder cannot be renamed.")
    _check_parent(store, ctx.body.get("parent_id"), record.id)
    record.data.update({k: v for k, v in ctx.body.items() if k in ("name", "parent_id", "sort_order")})
    store.changed("folders", record.id, "updated")
    return Result(record.data, etag=True)


def delete_folder(ctx: Ctx) -> Result:
    store = resolve(ctx)
    record = _folder(ctx, store)
    ctx.if_match(record.data)
    if record.data["role"] is not None:
        raise ApiError("conflict", f"The {record.data['role']} folder cannot be deleted.")
    if any(record.id in m.data["folder_ids"] for m in store.all("messages")):
        raise ApiError("conflict", "The folder still holds messages; move or delete them first.")
    store.remove("folders", record.id)
    return Result({"deleted": True, "id": record.id})


def folder_changes(ctx: Ctx) -> Result:
    return _changes(ctx, "folders")


def query_folder_changes(ctx: Ctx) -> Result:
    store = resolve(ctx)
    order = [r.id for r in sorted(store.all("folders"), key=lambda r: r.seq)]
    return Result(_query_changes(ctx, store, "folders", order))


# ---- identities ---------------------------------------------------------------------------------


def list_identities(ctx: Ctx) -> Result:
    store = resolve(ctx)
    return ctx.page(store.all("identities"), lambda r: r.data, meta={"identity_state": store.state})


def _primary_identity(store: MailStore) -> Record:
    return store.all("identities")[0]


def get_identity(ctx: Ctx) -> Result:
    return Result(_primary_identity(resolve(ctx)).data)


def update_identity(ctx: Ctx) -> Result:
    store = resolve(ctx)
    record = _primary_identity(store)
    if "name" in ctx.body and ctx.body["name"] is not None and not str(ctx.body["name"]).strip():
        raise semantic_error("name", "The display name cannot be blank.", "empty")
    for name in ("name", "text_signature", "html_signature"):
        if name in ctx.body:
            value = ctx.body[name]
            record.data[name] = (
                value if value is not None else ("" if name != "name" else record.data["email"])
            )
    store.changed("identities", record.id, "updated")
    return Result(record.data)


# ---- submissions, quotas, usage -----------------------------------------------------------------


def list_submissions(ctx: Ctx) -> Result:
    store = resolve(ctx)
    records = store.all("submissions")
    for param, field in (
        ("email_ids", "email_id"),
        ("thread_ids", "thread_id"),
        ("identity_ids", "identity_id"),
    ):
        if param in ctx.query:
            wanted = set(str(ctx.query[param]).split(","))
            records = [r for r in records if r.data[field] in wanted]
    if "undo_status" in ctx.query:
        records = [r for r in records if r.data["undo_status"] == ctx.query["undo_status"]]
    descending = str(ctx.query.get("sort_direction", "desc")) == "desc"
    return ctx.page(records, lambda r: r.data, descending=descending, meta={"query_state": store.state})


def get_submission(ctx: Ctx) -> Result:
    store = resolve(ctx)
    return Result(store.get("submissions", ctx.path_params["submission_id"], "Submission").data, etag=True)


def submission_changes(ctx: Ctx) -> Result:
    return _changes(ctx, "submissions")


def _refresh_storage(store: MailStore) -> None:
    used = sum(int(r.data["size_bytes"] or 0) for r in store.all("messages"))
    for record in store.all("quotas"):
        if record.data["resource_type"] == "octets":
            record.data["used"] = used


def list_quotas(ctx: Ctx) -> Result:
    store = resolve(ctx)
    _refresh_storage(store)
    records = store.all("quotas")
    for name in ("name", "scope", "resource_type"):
        if name in ctx.query:
            records = [r for r in records if r.data[name] == ctx.query[name]]
    if "type" in ctx.query:
        records = [r for r in records if ctx.query["type"] in r.data["types"]]
    descending = str(ctx.query.get("sort_direction", "asc")) == "desc"
    return ctx.page(records, lambda r: r.data, descending=descending, meta={"query_state": store.state})


def quota_changes(ctx: Ctx) -> Result:
    return _changes(ctx, "quotas")


def usage(ctx: Ctx) -> Result:
    store = resolve(ctx)
    _refresh_storage(store)
    resources = []
    for record in store.all("quotas"):
        q = record.data
        percent = round(100.0 * q["used"] / q["hard_limit"], 2) if q["hard_limit"] else None
        status = "ok" if percent is None or percent < 80 else ("warning" if percent < 100 else "hard_limit")
        resources.append(
            {
                "quota_id": q["id"],
                "name": q["name"],
                "resource_type": q["resource_type"],
                "scope": q["scope"],
                "types": q["types"],
                "used": q["used"],
                "hard_limit": q["hard_limit"],
                "warn_limit": q["warn_limit"],
                "soft_limit": q["soft_limit"],
                "percent_used": percent,
                "limit_status": status,
            }
        )
    return Result({"resources": resources, "states": {"quota_state": store.state}}, etag=True)


# ---- session, me, connection, granted mailboxes -------------------------------------------------


def session(ctx: Ctx) -> Result:
    store = resolve(ctx)
    mailbox = store.mailbox.data
    capabilities = {
        "messages": {
            **_all("list", "detail", "raw_body", "clean_content", "batch_get", "count", "search_snippets"),
            **_all("changes", "query_changes", "keywords", "batch_update", "delete", "permanent_delete"),
            "update_fields": ["seen", "flagged", "keywords"],
        },
        "threads": _all("list", "detail", "messages", "clean_content", "changes"),
        "folders": _all("list", "detail", "create", "update", "delete", "changes", "query_changes"),
        "submissions": _all("list", "detail", "changes", "send"),
        "identities": {**_all("list", "changes", "update"), "create": False, "delete": False},
        "quotas": {**_all("list", "usage", "changes"), "update": False},
        "attachments": {
            **_all("upload", "download", "range_download", "metadata", "send_with_uploaded_blob"),
            "parsing": False,
        },
        "sync": {
            "typed_changes": True,
            "types": list(ms.KINDS),
            "query_changes": ["messages", "folders"],
        },
    }
    gated = dict.fromkeys(
        (
            "identity_mutation",
            "quota_mutation",
            "vacation_response",
            "filter_script_writes",
            "raw_protocol",
            "attachment_parsing",
            "message_copy",
            "message_import",
            "message_parse",
            "blob_lookup",
            "blob_copy",
        ),
        False,
    )
    gated["events"] = True
    endpoints = {
        "mailbox": ["/mailbox/me", "/mailbox/session", "/mailbox/identity", "/mailbox/identities"],
        "messages": ["/mailbox/messages", "/mailbox/messages/send", "/mailbox/messages/count"],
        "threads": ["/mailbox/threads"],
        "folders": ["/mailbox/folders"],
        "submissions": ["/mailbox/submissions"],
        "usage": ["/mailbox/usage", "/mailbox/quotas"],
        "sync": ["/mailbox/changes", "/mailbox/events"],
    }
    data = {
        "mailbox": {"id": store.id, "email": mailbox["email"], "display_name": mailbox.get("display_name")},
        "states": {kind: store.state for kind in ms.KINDS},
        "capabilities": capabilities,
        "limits": dict(ctx.app.mailbox_limits),
        "gated": gated,
        "endpoints": endpoints,
    }
    return Result(data, etag=True)


def me(ctx: Ctx) -> Result:
    store = resolve(ctx)
    _refresh_storage(store)
    mailbox = store.mailbox.data
    data = {
        "id": store.id,
        "email": mailbox["email"],
        "display_name": mailbox.get("display_name"),
        "quota_bytes": mailbox.get("quota_bytes"),
        "quota_used_bytes": sum(int(r.data["size_bytes"] or 0) for r in store.all("messages")),
        "send_scope": mailbox.get("send_scope"),
        "status": mailbox["status"],
        "created_at": mailbox["created_at"],
    }
    return Result(data, etag=True)


def connection_data(team: Team, key: ApiKey) -> dict[str, Any]:
    """`Connection`: who this credential is (shared by the Mailbox and Sending APIs)."""
    boxes = [team.collections["mailboxes"].get(m) for m in key.mailbox_ids]
    return {
        "team": {"id": team.id, "name": team.name},
        "credential": {"id": key.public_id, "type": key.kind, "name": key.label},
        "label": key.label,
        "permissions": sorted(key.permissions),
        "mailboxes": [
            {"id": b.id, "email": b.data["email"]}
            for b in boxes
            if b is not None and b.data["status"] != "deleted"
        ],
    }


def connection(ctx: Ctx) -> Result:
    return Result(connection_data(ctx.team, ctx.api_key), etag=True)


def granted_mailboxes(ctx: Ctx) -> Result:
    key = ctx.api_key
    records = [ctx.team.collections["mailboxes"].get(m) for m in key.mailbox_ids]
    found = [r for r in records if r is not None and r.data["status"] != "deleted"]
    if "q" in ctx.query:
        found = [r for r in found if str(ctx.query["q"]).lower() in r.data["email"].lower()]
    return ctx.page(found, lambda r: {"id": r.id, "email": r.data["email"]})


HANDLERS = {
    "mailboxListFolders": list_folders,
    "mailboxGetFolder": get_folder,
    "mailboxCreateFolder": create_folder,
    "mailboxUpdateFolder": update_folder,
    "mailboxDeleteFolder": delete_folder,
    "mailboxGetFolderChanges": folder_changes,
    "mailboxQueryFolderChanges": query_folder_changes,
    "mailboxListIdentities": list_identities,
    "mailboxGetIdentity": get_identity,
    "mailboxUpdateIdentity": update_identity,
    "mailboxListSubmissions": list_submissions,
    "mailboxGetSubmission": get_submission,
    "mailboxGetSubmissionChanges": submission_changes,
    "mailboxListQuotas": list_quotas,
    "mailboxGetQuotaChanges": quota_changes,
    "mailboxListUsage": usage,
    "mailboxGetSession": session,
    "mailboxGetMe": me,
    "mailboxGetConnection": connection,
    "mailboxListGrantedMailboxes": granted_mailboxes,
}
