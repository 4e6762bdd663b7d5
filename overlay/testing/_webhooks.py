"""Webhook subscriptions: CRUD, rotate-secret, test events, delivery log and payloads.

The fake accepts `http://127.0.0.1` / `http://localhost` URLs (so tests can run a receiver) besides https.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from . import _objects as obj
from ._context import Ctx
from ._protocol import ApiError, Result, iso, semantic_error
from ._state import Record

KIND = "webhooks"
WHAT = "Webhook"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def is_loopback(url: str) -> bool:
    return (urlsplit(url).hostname or "") in LOOPBACK_HOSTS


def _check(ctx: Ctx, body: dict[str, Any]) -> None:
    url = body.get("url")
    if url is not None:
        scheme = urlsplit(url).scheme
        if scheme != "https" and not (scheme == "http" and is_loopback(url)):
            raise semantic_error(
                "url", "The URL must use https (the fake also allows http://127.0.0.1).", "insecure"
            )
    filters = body.get("filters")
    if filters is not None:
        for i, mailbox_id in enumerate(filters["mailbox_ids"]):
            if mailbox_id not in ctx.team.collections["mailboxes"]:
                raise semantic_error(
                    f"filters.mailbox_ids[{i}]", f"Unknown mailbox {mailbox_id!r}.", "not_found"
                )


def _webhook(ctx: Ctx) -> Record:
    return ctx.team.get(KIND, ctx.path_params["public_id"], WHAT)


def _with_secret(record: Record) -> dict[str, Any]:
    return {**record.data, "secret": record.extra["secrets"][0]}


def _unique(types: list[str]) -> list[str]:
    return list(dict.fromkeys(types))


def list_webhooks(ctx: Ctx) -> Result:
    return ctx.page(ctx.team.all(KIND), lambda r: r.data, descending=True)  # newest first, as documented


def create(ctx: Ctx) -> Result:
    body = ctx.body
    _check(ctx, body)
    data = obj.webhook(
        url=body["url"],
        event_types=_unique(body["event_types"]),
        name=body.get("name"),
        enabled=body.get("enabled", True),
        filters={"mailbox_ids": list(body.get("filters", {}).get("mailbox_ids", []))},
    )
    record = ctx.team.add(KIND, data, secrets=[obj.webhook_secret()])
    ctx.created(KIND)
    return Result(_with_secret(record), status=201, headers={"Location": f"/api/v1/webhooks/{data['id']}"})


def get(ctx: Ctx) -> Result:
    return Result(_webhook(ctx).data, etag=True)


def update(ctx: Ctx) -> Result:
    record = _webhook(ctx)
    ctx.if_match(record.data)
    _check(ctx, ctx.body)
    body = ctx.body
    for name in ("url", "name", "enabled"):
        if name in body:
            record.data[name] = body[name]
    if "event_types" in body:
        record.data["event_types"] = _unique(body["event_types"])
    if "filters" in body:
        record.data["filters"] = {"mailbox_ids": list(body["filters"]["mailbox_ids"])}
    record.data["updated_at"] = iso()
    return Result(record.data, etag=True)


def delete(ctx: Ctx) -> Result:
    record = _webhook(ctx)
    ctx.if_match(record.data)
    del ctx.team.collections[KIND][record.id]
    return Result({"deleted": True, "id": record.id})


def rotate_secret(ctx: Ctx) -> Result:
    record = _webhook(ctx)
    record.extra["secrets"].insert(0, obj.webhook_secret())
    record.data["updated_at"] = iso()
    return Result(_with_secret(record))


def send_test(ctx: Ctx) -> Result:
    record = _webhook(ctx)
    if "sendmux.test" not in record.data["event_types"]:
        raise ApiError("conflict", 'The subscription must include "sendmux.test" in event_types.')
    event = ctx.deliverer.new_event(ctx.team, "sendmux.test", obj.event_data(webhook_id=record.id))
    ctx.deliverer.publish(ctx.team, event, [record])
    return Result({"event_id": event["id"]})


def list_deliveries(ctx: Ctx) -> Result:
    webhook = _webhook(ctx)
    event_type = ctx.query.get("event_type")
    result = ctx.query.get("result")
    records = [
        r
        for r in ctx.team.all("deliveries")
        if r.extra["webhook_id"] == webhook.id
        and (event_type is None or r.data["event_type"] == event_type)
        and (result is None or r.data["result"] == result)
    ]
    return ctx.page(records, lambda r: r.data, default_limit=25, descending=True)


def get_payload(ctx: Ctx) -> Result:
    webhook = _webhook(ctx)
    delivery_id = ctx.path_params["delivery_id"]
    record = ctx.team.collections["deliveries"].get(delivery_id)
    if record is None or record.extra["webhook_id"] != webhook.id:
        raise ApiError("not_found", f"Delivery {delivery_id!r} was not found on this webhook.")
    data = record.data
    return Result(
        {
            "id": data["id"],
            "event_id": data["event_id"],
            "event_type": data["event_type"],
            "delivery_attempt": data["delivery_attempt"],
            "created_at": data["created_at"],
            "expires_at": data["payload_expires_at"],
            "payload": json.loads(record.extra["payload"]),
        }
    )


HANDLERS = {
    "managementListWebhooks": list_webhooks,
    "managementCreateWebhook": create,
    "managementGetWebhook": get,
    "managementUpdateWebhook": update,
    "managementDeleteWebhook": delete,
    "managementRotateWebhookSecret": rotate_secret,
    "managementTestWebhook": send_test,
    "managementListDelivery": list_deliveries,
    "managementGetDeliveryPayload": get_payload,
}
