"""Billing, email and inbox logs, metrics, and `/me` — read-only views over seeded (or simulated) data."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from . import _objects as obj
from ._context import Ctx
from ._protocol import ApiError, Result
from ._state import Record

STATUSES = ("pending", "sent", "failed", "rejected")
WINDOWS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}


def _when(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _date_param(ctx: Ctx, name: str, *, end: bool) -> datetime | None:
    raw = ctx.query.get(name)
    if raw is None:
        return None
    try:
        moment = _when(str(raw))
    except ValueError:
        raise ApiError(
            "invalid_parameter", f"The {name!r} parameter must be an ISO 8601 date.", param=name
        ) from None
    if end and len(str(raw)) == 10:  # a date-only end includes the whole UTC day
        moment += timedelta(days=1) - timedelta(microseconds=1)
    return moment


def _filtered(
    ctx: Ctx, records: Iterable[Record], stamp: str, search_fields: tuple[str, ...], exact: dict[str, str]
) -> list[Record]:
    start = _date_param(ctx, "from_date", end=False)
    stop = _date_param(ctx, "to_date", end=True)
    needle = str(ctx.query.get("search", "")).lower()
    out = []
    for r in records:
        data = r.data
        if any(name in ctx.query and data.get(field) != ctx.query[name] for name, field in exact.items()):
            continue
        if start or stop:
            moment = _when(data[stamp])
            if (start and moment < start) or (stop and moment > stop):
                continue
        if needle and not any(needle in str(v).lower() for v in _values(data, search_fields)):
            continue
        out.append(r)
    return out


def _values(data: dict[str, Any], fields: tuple[str, ...]) -> list[Any]:
    values: list[Any] = []
    for f in fields:
        v = data.get(f)
        values.extend(v if isinstance(v, list) else [v])
    return [v for v in values if v is not None]


# ---- billing ------------------------------------------------------------------------------------


def balance(ctx: Ctx) -> Result:
    if not ctx.team.balance:
        ctx.team.balance = obj.balance()
    return Result(ctx.team.balance)


def spend_summary(ctx: Ctx) -> Result:
    days = int(ctx.query.get("days", "30"))
    since = datetime.now(UTC) - timedelta(days=days)
    txs = [r.data for r in ctx.team.all("transactions") if _when(r.data["created_at"]) >= since]
    purchased = sum(
        (Decimal(t["amount"]) for t in txs if t["type"] in ("PURCHASE", "AUTO_TOPUP")), Decimal(0)
    )
    consumed = sum((-Decimal(t["amount"]) for t in txs if t["type"] == "USAGE"), Decimal(0))
    return Result(
        {
            "period_days": days,
            "total_purchased": f"{purchased:.6f}",
            "total_consumed": f"{consumed:.6f}",
            "transaction_count": len(txs),
            "currency": "USD",
        }
    )


def transactions(ctx: Ctx) -> Result:
    records = [
        r for r in ctx.team.all("transactions") if r.data["type"] == ctx.query.get("type", r.data["type"])
    ]
    return ctx.page(records, lambda r: r.data, default_limit=25, descending=True)


# ---- email and inbox logs -----------------------------------------------------------------------


def email_logs(ctx: Ctx) -> Result:
    records = _filtered(
        ctx,
        ctx.team.all("email_logs"),
        "created_at",
        ("to_email", "from_email", "sent_from_email", "subject", "message_id"),
        {"status": "status", "provider_id": "provider_id"},
    )
    return ctx.page(records, lambda r: obj.email_log_item(r.data), default_limit=25, descending=True)


def email_log(ctx: Ctx) -> Result:
    return Result(ctx.team.get("email_logs", ctx.path_params["public_id"], "Email log").data, etag=True)


def inbox_logs(ctx: Ctx) -> Result:
    records = _filtered(
        ctx,
        ctx.team.all("inbox_logs"),
        "received_at",
        ("mailbox_email", "from_email", "to_emails", "subject", "message_id"),
        {"mailbox_id": "mailbox_id", "event_type": "event_type"},
    )
    return ctx.page(records, lambda r: r.data, default_limit=25, descending=True)


def inbox_log(ctx: Ctx) -> Result:
    return Result(ctx.team.get("inbox_logs", ctx.path_params["public_id"], "Inbox log").data, etag=True)


# ---- metrics ------------------------------------------------------------------------------------


def _counts(rows: Iterable[dict[str, Any]]) -> dict[str, int]:
    out = dict.fromkeys(STATUSES, 0)
    total = 0
    for row in rows:
        out[row["status"]] += 1
        total += 1
    return {"total": total, **out}


def _change(now: int, before: int) -> float:
    if before == 0:
        return 100.0 if now else 0.0
    return round((now - before) * 100.0 / before, 2)


def metrics(ctx: Ctx) -> Result:
    stop = _date_param(ctx, "to_date", end=True) or datetime.now(UTC)
    start = _date_param(ctx, "from_date", end=False) or stop - WINDOWS[str(ctx.query.get("window", "24h"))]
    if start >= stop:
        raise ApiError("invalid_parameter", "from_date must be before to_date.", param="from_date")
    provider = ctx.query.get("provider_id")
    rows = [
        (_when(r.data["created_at"]), r.data)
        for r in ctx.team.all("email_logs")
        if provider is None or r.data["provider_id"] == provider
    ]
    span = stop - start

    def within(lo: datetime, hi: datetime) -> list[dict[str, Any]]:
        return [d for t, d in rows if lo <= t < hi]

    current = _counts(within(start, stop))
    previous = _counts(within(start - span, start))
    step = timedelta(hours=1) if ctx.query.get("granularity") == "hourly" else timedelta(days=1)
    series: list[dict[str, Any]] = []
    bucket = start
    while bucket < stop and len(series) < 2000:
        series.append(
            {"timestamp": bucket.strftime("%Y-%m-%dT%H:%M:%SZ"), **_counts(within(bucket, bucket + step))}
        )
        bucket += step
    comparison: dict[str, Any] = dict(previous)
    comparison["change_pct"] = {k: _change(current[k], previous[k]) for k in current}
    return Result({"summary": current, "comparison": comparison, "timeseries": series})


# ---- /me ----------------------------------------------------------------------------------------


def connection(ctx: Ctx) -> Result:
    key = ctx.api_key
    return Result(
        {
            "team": {"id": ctx.team.id, "name": ctx.team.name},
            "credential": {"id": key.public_id, "type": "api_key", "name": key.label},
            "label": key.label,
            "permissions": list(key.permissions),
            "mailboxes": [],
        },
        etag=True,
    )


HANDLERS = {
    "managementListBalance": balance,
    "managementGetSpendSummary": spend_summary,
    "managementListTransactions": transactions,
    "managementListEmailLogs": email_logs,
    "managementGetEmailLog": email_log,
    "managementListInboxLogs": inbox_logs,
    "managementGetInboxLog": inbox_log,
    "managementGetEmailMetrics": metrics,
    "managementGetConnection": connection,
}
