"""Mailboxes: availability, CRUD, suspend/resume, per-mailbox keys, inbound filters.

A mailbox address must be on `myagent.mx` or on a verified `send_receive` domain of the team.
"""

from __future__ import annotations

import re
from typing import Any

from . import _objects as obj
from ._context import Ctx
from ._domains import read_filters, write_filters
from ._protocol import ApiError, Result, semantic_error
from ._state import Record, Team

KIND = "mailboxes"
WHAT = "Mailbox"
SHARED_DOMAIN = "myagent.mx"
RESERVED = frozenset({"admin", "abuse", "postmaster", "root", "noreply", "no-reply", "support", "security"})
_EMAIL = re.compile(
    r"^(?![^\r\n]*[\r\n])(?![^@]*\.\.)[a-zA-Z0-9_%+-](?:[a-zA-Z0-9._%+-]*[a-zA-Z0-9_%+-])?@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,63}$"
)


def _mailbox(ctx: Ctx) -> Record:
    record = ctx.team.get(KIND, ctx.path_params["public_id"], WHAT)
    if record.data["status"] == "deleted":
        raise ApiError("not_found", f"Mailbox {record.id!r} was deleted.")
    return record


def _domain_of(team: Team, email: str) -> Record | None:
    host = email.rsplit("@", 1)[-1].lower()
    return next((r for r in team.all("domains") if r.data["domain"] == host), None)


def availability_reason(ctx: Ctx, email: str) -> str:
    if not _EMAIL.match(email):
        return "invalid_email"
    email = email.lower()
    local, host = email.rsplit("@", 1)
    # myagent.mx addresses are global across teams; custom-domain addresses are scoped to the team.
    teams = ctx.app.state.teams.values() if host == SHARED_DOMAIN else [ctx.team]
    for team in teams:
        for m in team.all(KIND):
            if m.data["email"].lower() == email:
                return "cleanup_pending" if m.data["status"] == "deleted" else "taken"
    if host == SHARED_DOMAIN:
        return "reserved" if local in RESERVED else "available"
    domain = _domain_of(ctx.team, email)
    if (
        domain is None
        or domain.data["verification_status"] != "verified"
        or domain.data["mode"] != "send_receive"
    ):
        return "domain_not_available"
    return "available"


def availability(ctx: Ctx) -> Result:
    email = str(ctx.query["email"])
    reason = availability_reason(ctx, email)
    return Result({"email": email, "available": reason == "available", "reason": reason})


def _check_settings(ctx: Ctx, body: dict[str, Any]) -> None:
    quota = body.get("quota_bytes")
    if quota is not None and quota not in obj.QUOTA_TIERS:
        tiers = ", ".join(str(t) for t in obj.QUOTA_TIERS)
        raise semantic_error("quota_bytes", f"quota_bytes must be one of {tiers}.", "invalid_tier")
    scope = body.get("send_scope")
    if scope is None:
        return
    if scope["type"] == "providers":
        ids = scope.get("provider_public_ids") or []
        if not ids:
            raise semantic_error(
                "send_scope.provider_public_ids", "Name at least one sending account.", "required"
            )
        for i, pid in enumerate(ids):
            if pid not in ctx.team.collections["sending_accounts"]:
                raise semantic_error(
                    f"send_scope.provider_public_ids[{i}]", f"Unknown sending account {pid!r}."
                )
    if scope["type"] == "group" and not scope.get("group_public_ids"):
        raise semantic_error("send_scope.group_public_ids", "Name at least one delivery group.", "required")


def _scope(given: dict[str, Any] | None) -> dict[str, Any]:
    return dict(given) if given else {"type": "all"}


def _new_credential(ctx: Ctx, mailbox: Record, app_name: str) -> dict[str, Any]:
    cred = obj.credential(mailbox.data["email"])
    ctx.team.add(
        "mailbox_keys",
        {"id": cred["public_id"], "mailbox_id": mailbox.id, "app_name": app_name, "revoked": False},
        secret=cred["secret"],
    )
    ctx.created("mailbox_keys")
    return cred


def create(ctx: Ctx) -> Result:
    body = ctx.body
    email = body["email"]
    reason = availability_reason(ctx, email)
    if reason in ("taken", "cleanup_pending"):
        raise ApiError("conflict", f"The address {email!r} is not available ({reason}).", param="email")
    if reason != "available":
        raise semantic_error("email", f"The address {email!r} cannot be created ({reason}).", reason)
    _check_settings(ctx, body)
    data = obj.mailbox(
        email=email.lower(),
        display_name=body.get("display_name"),
        quota_bytes=body.get("quota_bytes", obj.QUOTA_TIERS[0]),
        send_scope=_scope(body.get("send_scope")),
    )
    record = ctx.team.add(KIND, data)
    ctx.created(KIND)
    domain = _domain_of(ctx.team, email)
    if domain is not None:
        domain.data["mailbox_count"] += 1
    cred = _new_credential(ctx, record, "Default")
    result = {"mailbox": data, "credential": cred, "warning": None}
    return Result(result, status=201, headers={"Location": f"/api/v1/mailboxes/{data['id']}"})


def list_mailboxes(ctx: Ctx) -> Result:
    include_deleted = ctx.query.get("include_deleted") == "true"
    records = [r for r in ctx.team.all(KIND) if include_deleted or r.data["status"] != "deleted"]
    return ctx.page(records, lambda r: r.data, descending=True)  # newest first, as documented


def get(ctx: Ctx) -> Result:
    return Result(_mailbox(ctx).data, etag=True)


def update(ctx: Ctx) -> Result:
    record = _mailbox(ctx)
    ctx.if_match(record.data)
    _check_settings(ctx, ctx.body)
    for name in ("display_name", "quota_bytes"):
        if name in ctx.body:
            record.data[name] = ctx.body[name]
    if "send_scope" in ctx.body:
        record.data["send_scope"] = _scope(ctx.body["send_scope"])
    return Result(record.data, etag=True)


def delete(ctx: Ctx) -> Result:
    record = _mailbox(ctx)
    ctx.if_match(record.data)
    record.data["status"] = "deleted"
    domain = _domain_of(ctx.team, record.data["email"])
    if domain is not None and domain.data["mailbox_count"] > 0:
        domain.data["mailbox_count"] -= 1
    for key in ctx.team.all("mailbox_keys"):
        if key.data["mailbox_id"] == record.id:
            key.data["revoked"] = True
    return Result({"deleted": True, "id": record.id})


def _set_status(ctx: Ctx, status: str) -> Result:
    """Suspend and resume are idempotent: asking for the current state is a success."""
    record = _mailbox(ctx)
    record.data["status"] = status
    return Result(record.data)


def suspend(ctx: Ctx) -> Result:
    return _set_status(ctx, "suspended")


def resume(ctx: Ctx) -> Result:
    return _set_status(ctx, "active")


def create_key(ctx: Ctx) -> Result:
    record = _mailbox(ctx)
    if record.data["status"] != "active":
        raise ApiError("conflict", f"The mailbox is {record.data['status']}; resume it to issue keys.")
    if not ctx.body["app_name"].strip():
        raise semantic_error("app_name", "app_name cannot be blank.", "blank")
    cred = _new_credential(ctx, record, ctx.body["app_name"])
    location = f"/api/v1/mailboxes/{record.id}/keys/{cred['public_id']}"
    return Result({"credential": cred}, status=201, headers={"Location": location})


def delete_key(ctx: Ctx) -> Result:
    record = _mailbox(ctx)
    key_id = ctx.path_params["key_id"]
    key = ctx.team.collections["mailbox_keys"].get(key_id)
    if key is None or key.data["mailbox_id"] != record.id:
        raise ApiError("not_found", f"API key {key_id!r} was not found on this mailbox.")
    key.data["revoked"] = True  # kept: revoking an already-revoked key succeeds again
    return Result({"deleted": True, "id": key_id})


def get_filters(ctx: Ctx) -> Result:
    return read_filters(ctx, _mailbox(ctx))


def set_filters(ctx: Ctx) -> Result:
    return write_filters(ctx, _mailbox(ctx))


HANDLERS = {
    "managementCheckMailboxAvailability": availability,
    "managementListMailboxes": list_mailboxes,
    "managementCreateMailbox": create,
    "managementGetMailbox": get,
    "managementUpdateMailbox": update,
    "managementDeleteMailbox": delete,
    "managementSuspendMailbox": suspend,
    "managementResumeMailbox": resume,
    "managementCreateMailboxKey": create_key,
    "managementDeleteMailboxKey": delete_key,
    "managementGetMailboxFilters": get_filters,
    "managementSetMailboxFilters": set_filters,
}
