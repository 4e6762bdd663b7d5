"""Sending accounts (`/providers`): custom SMTP CRUD, activation, tests, limits, usage, stats, shared SES."""

from __future__ import annotations

import math
from typing import Any

from . import _objects as obj
from ._context import Ctx
from ._protocol import ApiError, Result, iso, new_id, semantic_error
from ._state import Record, Team

KIND = "sending_accounts"
WHAT = "Sending account"
_EDITABLE = (
    "name",
    "smtp_host",
    "smtp_port",
    "smtp_protocol",
    "smtp_username",
    "from_email",
    "from_name",
    "reply_to_email",
    "reply_to_name",
    "percentage",
    "tracking_domain",
)


def _shared(team: Team) -> Record | None:
    return next((r for r in team.all(KIND) if r.data["is_shared"]), None)


def _account(ctx: Ctx) -> Record:
    return ctx.team.get(KIND, ctx.path_params["public_id"], WHAT)


def _location(data: dict[str, Any]) -> dict[str, str]:
    return {"Location": f"/api/v1/providers/{data['id']}"}


def list_accounts(ctx: Ctx) -> Result:
    records = [
        r
        for r in ctx.team.all(KIND)
        if r.data["status"] == ctx.query.get("status", r.data["status"])
        and r.data["type"] == ctx.query.get("type", r.data["type"])
    ]
    # The spec names no order for sending accounts; creation order reads best in tests.
    return ctx.page(records, lambda r: obj.sending_account_list_item(r.data))


def create(ctx: Ctx) -> Result:
    team, body = ctx.team, ctx.body
    if sum(1 for r in team.all(KIND) if not r.data["is_shared"]) >= team.max_sending_accounts:
        raise ApiError(
            "limit_exceeded", f"The team already has {team.max_sending_accounts} sending accounts."
        )
    fields = {k: body[k] for k in _EDITABLE if k in body}
    data = obj.sending_account(
        **fields,
        quotas=obj.quotas(body.get("quotas")),
        variables=dict(body.get("variables", {})),
    )
    team.add(KIND, data)
    ctx.created(KIND)
    return Result(data, status=201, headers=_location(data))


def get(ctx: Ctx) -> Result:
    return Result(_account(ctx).data, etag=True)


def _require_editable(record: Record, action: str) -> None:
    if not record.data["allowed_actions"].get(action, False):
        raise semantic_error("public_id", f"This sending account does not allow {action!r}.", "not_allowed")


def update(ctx: Ctx) -> Result:
    record = _account(ctx)
    ctx.if_match(record.data)
    body = ctx.body
    # The shared Amazon SES account takes new variables only; its connection settings are not editable.
    _require_editable(record, "update_variables" if set(body) <= {"variables"} else "update")
    data = record.data
    for k in _EDITABLE:
        if k in body:
            data[k] = body[k]
    if "quotas" in body:
        data["quotas"] = obj.quotas(body["quotas"], data["quotas"])
    if "variables" in body:
        data["variables"] = dict(body["variables"])
    if "smtp_password" in body:
        data["has_smtp_password"] = True
    data["updated_at"] = iso()
    return Result(data, etag=True)


def delete(ctx: Ctx) -> Result:
    record = _account(ctx)
    ctx.if_match(record.data)
    _require_editable(record, "delete")
    del ctx.team.collections[KIND][record.id]
    return Result({"deleted": True, "id": record.id})


def _set_active(ctx: Ctx, active: bool) -> Result:
    data = _account(ctx).data
    status = "active" if active else "inactive"
    reason = None
    if active and data["type"] in ("gmail_api", "outlook_api") and not data["has_refresh_token"]:
        # OAuth accounts without a live connection wait in pending until reconnected in the dashboard.
        status, reason = "pending", "Reconnect this account in the Sendmux dashboard."
    data.update(status=status, is_active=status == "active", status_reason=reason, updated_at=iso())
    return Result(data)


def activate(ctx: Ctx) -> Result:
    return _set_active(ctx, True)


def deactivate(ctx: Ctx) -> Result:
    return _set_active(ctx, False)


def run_test(ctx: Ctx) -> Result:
    record = _account(ctx)
    _require_editable(record, "test")
    now = iso()
    record.data.update(last_tested_at=now)
    ok = record.data["status"] != "error"
    message = "Connection successful." if ok else (record.data["status_reason"] or "Connection failed.")
    return Result({"success": ok, "message": message, "latency_ms": 42, "tested_at": now})


# ---- limits, usage, stats -----------------------------------------------------------------------


def _account_limit(team: Team) -> dict[str, Any]:
    usage = sum(1 for r in team.all(KIND) if not r.data["is_shared"])
    cap = team.max_sending_accounts
    threshold = math.ceil(cap * 0.8)
    pending = next((r for r in team.all("account_limit_requests") if r.data["status"] == "pending"), None)
    return {
        "resource_type": "sending_accounts",
        "usage": usage,
        "max_allowed": cap,
        "reserved": 0,
        "threshold_usage": threshold,
        "usage_ratio": round(usage / cap, 4),
        "is_at_limit": usage >= cap,
        "is_near_limit": usage >= threshold,
        "can_request_increase": pending is None,
        "pending_request_id": pending.id if pending else None,
    }


def _pending_ses(team: Team) -> Record | None:
    return next((r for r in team.all("ses_limit_requests") if r.data["status"] == "pending"), None)


def _ses_sent_today(team: Team, provider_id: str | None) -> int:
    today = iso()[:10]
    return sum(
        1
        for r in team.all("email_logs")
        if provider_id and r.data["provider_id"] == provider_id and r.data["created_at"][:10] == today
    )


def _ses_limit(team: Team) -> dict[str, Any]:
    shared = _shared(team)
    pending = _pending_ses(team)
    if shared is None:
        return {
            "provider_id": None,
            "daily_limit": None,
            "sent_today": 0,
            "threshold_usage": None,
            "usage_ratio": None,
            "is_near_limit": False,
            "can_request_increase": False,
            "pending_request_id": None,
        }
    cap = team.shared_ses_daily_limit
    sent = _ses_sent_today(team, shared.id)
    threshold = math.ceil(cap * 0.8)
    return {
        "provider_id": shared.id,
        "daily_limit": cap,
        "sent_today": sent,
        "threshold_usage": threshold,
        "usage_ratio": round(sent / cap, 4) if cap else None,
        "is_near_limit": sent >= threshold,
        "can_request_increase": pending is None,
        "pending_request_id": pending.id if pending else None,
    }


def limits(ctx: Ctx) -> Result:
    return Result({"sending_accounts": _account_limit(ctx.team), "shared_amazon_ses": _ses_limit(ctx.team)})


def request_account_increase(ctx: Ctx) -> Result:
    team = ctx.team
    if _account_limit(team)["pending_request_id"] is not None:
        raise ApiError("conflict", "A sending-account limit increase request is already pending.")
    request_id = new_id("salr")
    team.add("account_limit_requests", {"id": request_id, "status": "pending", "created_at": iso()})
    ctx.created("account_limit_requests")
    return Result({"request_id": request_id, "limit": _account_limit(team)})


def get_ses_request(ctx: Ctx) -> Result:
    pending = _pending_ses(ctx.team)
    return Result({"limit": _ses_limit(ctx.team), "pending_request": pending.data if pending else None})


def create_ses_request(ctx: Ctx) -> Result:
    team = ctx.team
    shared = _shared(team)
    if shared is None:
        raise ApiError("not_found", "This team has no shared Amazon SES sending account.")
    if _pending_ses(team) is not None:
        raise ApiError("conflict", "A shared Amazon SES limit request is already pending.")
    data = obj.ses_limit_request(team.shared_ses_daily_limit, _ses_sent_today(team, shared.id))
    team.add("ses_limit_requests", data)
    ctx.created("ses_limit_requests")
    return Result({"request": data, "limit": _ses_limit(team)})


def cancel_ses_request(ctx: Ctx) -> Result:
    record = ctx.team.get(
        "ses_limit_requests", ctx.path_params["request_id"], "Shared Amazon SES limit request"
    )
    if record.data["status"] != "pending":
        raise ApiError(
            "conflict", f"The request is {record.data['status']}; only pending requests can be cancelled."
        )
    record.data.update(status="cancelled", decided_at=iso())
    return Result({"request": record.data, "limit": _ses_limit(ctx.team)})


def stats(ctx: Ctx) -> Result:
    by_status = dict.fromkeys(("active", "inactive", "error", "pending"), 0)
    by_type = dict.fromkeys(("smtp", "gmail_api", "outlook_api", "amazon_ses"), 0)
    records = ctx.team.all(KIND)
    for r in records:
        by_status[r.data["status"]] = by_status.get(r.data["status"], 0) + 1
        by_type[r.data["type"]] = by_type.get(r.data["type"], 0) + 1
    return Result({"total": len(records), **by_status, "by_type": by_type, "by_status": by_status})


def usage(ctx: Ctx) -> Result:
    logs = ctx.team.all("email_logs")
    today = iso()[:10]
    items = []
    for account in ctx.team.all(KIND):
        mine = [r.data for r in logs if r.data["provider_id"] == account.id]
        count = {
            s: sum(1 for d in mine if d["status"] == s) for s in ("sent", "failed", "rejected", "pending")
        }
        items.append(
            {
                "provider_id": account.id,
                "sent_today": sum(1 for d in mine if d["status"] == "sent" and d["created_at"][:10] == today),
                "total_7d": len(mine),
                "sent_7d": count["sent"],
                "failed_7d": count["failed"],
                "rejected_7d": count["rejected"],
                "pending_7d": count["pending"],
            }
        )
    return Result({"window_days": 7, "providers": items})


HANDLERS = {
    "managementListProviders": list_accounts,
    "managementCreateProvider": create,
    "managementGetProvider": get,
    "managementUpdateProvider": update,
    "managementDeleteProvider": delete,
    "managementActivateProvider": activate,
    "managementDeactivateProvider": deactivate,
    "managementTestProvider": run_test,
    "managementGetProviderLimits": limits,
    "managementRequestSendingAccountLimitIncrease": request_account_increase,
    "managementGetSharedAmazonSesLimitRequest": get_ses_request,
    "managementCreateSharedAmazonSesLimitRequest": create_ses_request,
    "managementCancelSharedAmazonSesLimitRequest": cancel_ses_request,
    "managementGetProviderStats": stats,
    "managementGetProviderUsage": usage,
}
